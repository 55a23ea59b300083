"""The verdict a claim keeps once its flags are known: a claim that says more than its sources
is not `supported`.

The match stage judges whether the sources carry what a claim is about; the checks of assess
read how the claim words it. When a check finds that the claim goes beyond its sources, the
sources back only part of the claim as written, and the verdict says so:

  - a claim stated as a cause where the sources show an association (CAUSAL_OVERSTATEMENT),
    with a certainty they do not give (CERTAINTY_OVERSTATEMENT), for people they did not
    study (GENERALIZATION), or put in the mouth of someone who did not say it
    (MISATTRIBUTION) is at most `partially_supported`;
  - a claim that reports words its sources do not contain (MISQUOTE) is at most
    `unsupported`: what it asserts is that someone said them.

A verdict already below the ceiling stays as it is (`contradicted` and `unverifiable` are
never raised). A PARTIAL_SUPPORT flag restates the verdict it was raised for: on a claim
lowered to `unsupported` it is dropped (`flags_after_ceilings`), since the flag that lowered
the verdict says what is wrong and a report never shows a flag that contradicts its verdict. Which flag caps at which verdict is a setting ([assess] partial_at_most,
unsupported_at_most).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..config import Settings
from ..records import Flag, Judgement, Verdict

# Verdicts a ceiling lowers: a ceiling of `partially_supported` lowers `supported`; one of
# `unsupported` lowers both. Anything else (contradicted, unverifiable) is left alone.
_LOWERED: dict[Verdict, tuple[Verdict, ...]] = {
    "partially_supported": ("supported",),
    "unsupported": ("supported", "partially_supported"),
}


def verdicts_after_flags(judgements: Sequence[Judgement], flags: Sequence[Flag],
                         settings: Settings) -> tuple[Judgement, ...]:
    """`judgements` with each claim's verdict lowered to the ceiling its flags set (see the
    module docstring), the reason saying which flag lowered it."""
    assess = settings.assess
    ceilings: list[tuple[Verdict, tuple[str, ...]]] = [
        ("unsupported", tuple(assess.unsupported_at_most)),
        ("partially_supported", tuple(assess.partial_at_most)),
    ]
    codes: dict[str, list[str]] = {}
    for flag in flags:
        codes.setdefault(flag.claim_id, []).append(flag.code)
    settled = []
    for judgement in judgements:
        raised = codes.get(judgement.claim_id, [])
        for ceiling, capping in ceilings:
            found = next((code for code in raised if code in capping), None)
            if found is not None and judgement.verdict in _LOWERED[ceiling]:
                was = judgement.verdict.replace("_", " ")
                reason = (f"{judgement.reason.rstrip('.')}; " if judgement.reason else "") + (
                    f"{ceiling.replace('_', ' ')}, not {was}: the claim says more than its sources ({found})")
                judgement = replace(judgement, verdict=ceiling, reason=reason)
                break
        settled.append(judgement)
    return tuple(settled)


def flags_after_ceilings(flags: Sequence[Flag], judgements: Sequence[Judgement]) -> tuple[Flag, ...]:
    """`flags` without the PARTIAL_SUPPORT of a claim whose verdict is now `unsupported` (only a
    ceiling makes a partially supported claim so; see the module docstring)."""
    lowered = {judgement.claim_id for judgement in judgements if judgement.verdict == "unsupported"}
    return tuple(flag for flag in flags if not (flag.code == "PARTIAL_SUPPORT" and flag.claim_id in lowered))


def settle(judgements: Sequence[Judgement], flags: Sequence[Flag],
           settings: Settings) -> tuple[tuple[Judgement, ...], tuple[Flag, ...]]:
    """The verdicts and flags a report shows: verdicts lowered by their flags, then the flags
    that restated a verdict the claim no longer has dropped."""
    lowered = verdicts_after_flags(judgements, flags, settings)
    return lowered, flags_after_ceilings(flags, lowered)
