"""Assess: claims + evidence + sources → flags an editor can act on.

`assess_claims` runs, for each claim in order, the checks below and returns their flags
(claim order, then check order). Every flag carries a one-sentence message that quotes the
cue it rests on, the source and passage it points at, and that passage's text.

  1. availability  UNCITED, SOURCE_UNAVAILABLE (one per unreadable cited source)
  2. verdict       ABSENCE_CLAIM (info; the verdict stays unverifiable), UNSUPPORTED,
                   PARTIAL_SUPPORT (names the missing terms), CONTRADICTED
  3. exact words   MISQUOTE, NUMBER_MISMATCH                     (assess_text)
  4. attribution   MISATTRIBUTION                                (assess_attribution)
  5. wording       CAUSAL_OVERSTATEMENT, CERTAINTY_OVERSTATEMENT,
                   SUPERIORITY_CLAIM                             (assess_wording)
  6. scope         GENERALIZATION, COMMERCIAL_ONLY               (assess_scope)

SOURCE_CHANGED belongs to the re-check, not to a single run. Lexicons and thresholds come from
`settings` (the [assess] and [match] sections, configs/lexicons/*.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .assess_attribution import misattribution
from .assess_context import ClaimContext, cite
from .cues import absence_cue
from .assess_scope import commercial_only, generalization
from .assess_text import misquote, number_mismatch
from .assess_wording import causal_overstatement, certainty_overstatement, superiority_claim
from .config import Settings
from .records import Article, Evidence, Flag, Judgement, Severity, Source

Check = Callable[[ClaimContext], list[Flag]]


def availability(context: ClaimContext) -> list[Flag]:
    """UNCITED for a claim citing nothing; SOURCE_UNAVAILABLE for each cited source that
    could not be read, graded by whether the claim still has support elsewhere."""
    if not context.cited_ids:
        return [context.flag("UNCITED", "medium",
                             "This factual sentence cites no source, so nothing backs it.")]
    flags = []
    supported = context.judgement.verdict in ("supported", "partially_supported")
    for source_id in context.unreadable_ids:
        source = context.sources.get(source_id)
        if source is None:
            why = "it is not in the reference list"
        elif source.status == "ok":
            why = "no readable text could be extracted from it"
        else:
            why = (source.reason or source.status.replace("_", " ")).rstrip(".")
        if supported:
            severity: Severity = "low"
            still = "the claim is still checked against its other sources"
        elif context.readable:
            severity, still = "medium", "and its other sources do not support the claim"
        else:
            severity, still = "high", "and no other cited source can be read"
        joiner = ";" if supported else ","
        flags.append(context.flag("SOURCE_UNAVAILABLE", severity,
                                  f"Source [{source_id}] could not be read ({why}){joiner} {still}.",
                                  source_id=source_id))
    return flags


def verdict_flags(context: ClaimContext) -> list[Flag]:
    """Flags that restate the verdict for an editor (ABSENCE_CLAIM, UNSUPPORTED, ...)."""
    verdict = context.judgement.verdict
    cue = absence_cue(context.claim.text, context.settings.lexicon("absence"))
    if cue is not None and context.cited_ids:
        return [context.flag("ABSENCE_CLAIM", "info",
                             f'The claim says evidence is absent ("{cue.surface}"); matching sources cannot '
                             "confirm an absence, so check it against the literature.")]
    if cue is not None:
        return [context.flag("ABSENCE_CLAIM", "info",
                             f'The claim says evidence is absent ("{cue.surface}"), which cannot be confirmed here.')]
    best = context.evidence[0] if context.evidence else None
    cited = cite(list(context.cited_ids))
    if verdict == "unsupported":
        closest = f" (closest passage shares {best.coverage:.0%} of its terms)" if best else ""
        return [context.flag("UNSUPPORTED", "high",
                             f"No passage of the cited sources {cited} supports this claim{closest}.", best)]
    if verdict == "partially_supported":
        missing = _missing_terms(context.evidence)
        named = ", ".join(f'"{word}"' for word in missing[:6]) or "part of it"
        row = context.backing[0] if context.backing else best
        return [context.flag("PARTIAL_SUPPORT", "medium",
                             f"The cited sources {cited} support only part of this claim: nothing in them "
                             f"matches {named}.", row)]
    if verdict == "contradicted":
        row = next((r for r in context.evidence if r.relation == "contradicts"), best)
        reason = context.judgement.reason.strip()
        # The judgement may already say who says otherwise ("source [3] (3:p3) says otherwise: ...").
        # A reason opening with an ordinary word ("The claim says...") reads on after a colon.
        opening = reason.split(" ", 1)[0]
        follows = reason[:1].lower() + reason[1:] if opening in ("The", "A", "An", "It", "Its") else reason
        message = (reason[:1].upper() + reason[1:] if "otherwise" in reason
                   else f"A cited passage says otherwise: {follows}")
        if not message.endswith("."):
            message += "."
        return [context.flag("CONTRADICTED", "high", message, row)]
    return []


def _missing_terms(evidence: Sequence[Evidence]) -> list[str]:
    """The claim words no backing passage carries (missing from every row), in claim order."""
    rows = [row for row in evidence if row.relation != "contradicts"]
    if not rows:
        return []
    common = set(rows[0].missing).intersection(*(row.missing for row in rows[1:]))
    return [word for word in rows[0].missing if word in common]


CHECKS: tuple[Check, ...] = (
    availability,
    verdict_flags,
    misquote,
    number_mismatch,
    misattribution,
    causal_overstatement,
    certainty_overstatement,
    superiority_claim,
    generalization,
    commercial_only,
)


def assess_claims(
    article: Article,
    sources: Sequence[Source],
    evidence: Sequence[Evidence],
    judgements: Sequence[Judgement],
    settings: Settings,
) -> tuple[Flag, ...]:
    """Every flag of every claim of `article` (see the module docstring for the checks)."""
    by_id = {source.id: source for source in sources}
    passages = {passage.id: passage for source in sources for passage in source.passages}
    verdicts = {judgement.claim_id: judgement for judgement in judgements}
    rows: dict[str, list[Evidence]] = {}
    for row in evidence:
        rows.setdefault(row.claim_id, []).append(row)
    flags: list[Flag] = []
    for claim in article.claims:
        judgement = verdicts.get(claim.id) or Judgement(claim.id, "unverifiable", 0.0, "not judged")
        context = ClaimContext(
            claim, judgement, tuple(sorted(rows.get(claim.id, []), key=lambda row: -row.score)),
            by_id, passages, settings,
        )
        for check in CHECKS:
            flags.extend(check(context))
    return tuple(flags)
