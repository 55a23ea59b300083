"""How strongly a sentence states a relationship: none, correlational, conditional causal,
causal; and whether it is hedged.

    "X was associated with lower Y"     correlational
    "X may reduce Y"                    conditional_causal
    "X reduces Y", "X can reduce Y"     causal
    "Levels were within normal range"   none

The rule, in order (cues from configs/lexicons/strength.toml):
  0. a recommendation or call for research ("should", "further studies are needed") → none;
  1. a correlational cue ("associated with", "linked to", "predicts") → correlational, even
     beside a causal verb: "higher intake was associated with reduced risk" reports a
     co-occurrence, and "reduced" there describes it;
  2. causal cues that are aims or recommendations are dropped ("needed to reduce", "whether
     X improves", a sentence with "should" or "further research");
     a causal cue under a conditional modal ("may", "might", "could", "appears to") standing
     at most `MODAL_REACH` words before it → conditional_causal;
  3. a causal cue → causal ("can reduce" included: measured on the development split, "can"
     sentences are mostly direct causal or none, rarely conditional);
  4. a change verb as a participle after "is/was/were" ("levels were reduced") describes an
     observed difference → correlational; so does a between-group comparison ("higher in X than in Y") → correlational;
  5. otherwise none.
`hedged` is true when any hedge cue occurs ("suggests", "may", "appears", "preliminary").

This is the function issue 4's `claimcheck strength` verb calls; it knows nothing of claims or
sources, only of a sentence and the lexicon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .cues import CueHit, cue_set

StrengthLabel = Literal["none", "correlational", "conditional_causal", "causal"]
STRENGTH_ORDER: dict[str, int] = {"none": 0, "correlational": 1, "conditional_causal": 2, "causal": 3}
# Words between a modal and the causal verb it governs: "may in part help to reduce".
MODAL_REACH = 6
_TABLES = (
    "causal", "correlational", "comparative", "conditional", "hedges", "qualifiers", "absolutes",
    "not_asserted:before_verb", "not_asserted:frames", "descriptive:be",
)


@dataclass(frozen=True, slots=True)
class Strength:
    """The strength of one sentence, with the cues that decided it (for quoting in flags)."""

    label: StrengthLabel
    hedged: bool
    cue: str = ""  # the words that decided the label, as written ("was associated with")
    hedge: str = ""  # the first hedge as written
    qualified: bool = False  # carries a hedge or a softening qualifier ("can", "often")
    absolutes: tuple[str, ...] = ()


def claim_strength(text: str, lexicon: Mapping[str, Any]) -> Strength:
    """The strength of `text` under the strength lexicon (see the module docstring)."""
    hits = cue_set(lexicon, *_TABLES).find(text)
    by_group: dict[str, list[CueHit]] = {}
    for hit in hits:
        by_group.setdefault(hit.group, []).append(hit)
    hedges = by_group.get("hedges", []) + by_group.get("conditional", [])
    hedges.sort(key=lambda hit: hit.start)
    hedge = hedges[0].surface if hedges else ""
    qualified = bool(hedges or by_group.get("qualifiers"))
    absolutes = tuple(hit.surface for hit in by_group.get("absolutes", []))
    label, cue = _label(text, by_group)
    return Strength(label, bool(hedges), cue, hedge, qualified, absolutes)


def _label(text: str, by_group: dict[str, list[CueHit]]) -> tuple[StrengthLabel, str]:
    if by_group.get("frames"):
        # A recommendation or call for research asserts no relationship of its own.
        return "none", ""
    if by_group.get("correlational"):
        return "correlational", by_group["correlational"][0].surface
    # Aims, questions and recommendations are not findings: "is needed to reduce",
    # "whether X improves". A causal cue right after such a word, or in a sentence framed as
    # a recommendation, does not count.
    blockers = {hit.last_token for hit in by_group.get("before_verb", [])}
    causal = [hit for hit in by_group.get("causal", []) if hit.first_token - 1 not in blockers]
    # "were reduced", "was increased": an observed difference, not a cause.
    be_ends = {hit.last_token for hit in by_group.get("be", [])}
    described = [hit for hit in causal if hit.first_token - 1 in be_ends and hit.surface.lower().endswith("ed")]
    causal = [hit for hit in causal if hit not in described]
    if described and not causal:
        return "correlational", text[by_group["be"][0].start : described[0].end]
    if causal:
        modals = by_group.get("conditional", []) + [
            hit for hit in by_group.get("hedges", []) if hit.cue in _MODAL_HEDGES
        ]
        for verb in causal:
            for modal in modals:
                if 0 < verb.first_token - modal.last_token <= MODAL_REACH:
                    return "conditional_causal", text[modal.start : verb.end]
        verb = causal[0]
        # Quote a softener with its verb ("can reduce"): the editor sees the claim's words.
        softeners = [hit for hit in by_group.get("qualifiers", []) if 0 < verb.first_token - hit.last_token <= 1]
        return "causal", text[softeners[0].start : verb.end] if softeners else verb.surface
    if by_group.get("comparative"):
        return "correlational", by_group["comparative"][0].surface
    return "none", ""


# Hedge words that also act as modals over a verb ("likely reduces").
_MODAL_HEDGES = frozenset({"likely", "possibly", "potentially"})


def is_stronger(claim: StrengthLabel, evidence: StrengthLabel) -> bool:
    """Whether a claim of strength `claim` overstates evidence of strength `evidence`."""
    return STRENGTH_ORDER[claim] > STRENGTH_ORDER[evidence]


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a secondary statement (a claim, a press release) states its source's finding."""

    label: Literal["same", "exaggerates", "downplays"]
    claim: Strength
    source: Strength
    flags: tuple[str, ...] = ()


def compare_strength(claim: str, source: str, lexicon: Mapping[str, Any]) -> Comparison:
    """Compare the strength of `claim` with that of `source` (the `claimcheck compare` verb).

    The label is the sign of the strength difference (the InSciOut scheme); the flags say
    which overstatement it is: causal wording over correlational or conditional evidence,
    or a hedged source stated without its hedge.
    """
    claim_strength_ = claim_strength(claim, lexicon)
    source_strength = claim_strength(source, lexicon)
    difference = STRENGTH_ORDER[claim_strength_.label] - STRENGTH_ORDER[source_strength.label]
    label: Literal["same", "exaggerates", "downplays"] = (
        "exaggerates" if difference > 0 else "downplays" if difference < 0 else "same"
    )
    flags: list[str] = []
    if claim_strength_.label == "causal" and source_strength.label in ("correlational", "conditional_causal"):
        flags.append("CAUSAL_OVERSTATEMENT")
    if (source_strength.hedged and not claim_strength_.hedged) or claim_strength_.absolutes:
        flags.append("CERTAINTY_OVERSTATEMENT")
    return Comparison(label=label, claim=claim_strength_, source=source_strength, flags=tuple(flags))
