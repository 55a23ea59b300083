"""Checks on how strongly a claim words what its evidence says: CAUSAL_OVERSTATEMENT,
CERTAINTY_OVERSTATEMENT, SUPERIORITY_CLAIM.

Each flag quotes the cue on both sides: what the claim says ("can reduce") and what the
cited passage says ("was associated with"), or the study design that limits it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .assess_context import ClaimContext, cite, design_name
from .cues import absence_cue, cue_set, tokenize
from .outlets import named_outlets
from .strength import STRENGTH_ORDER, Strength, claim_strength
from .records import Evidence, Flag

# How many words before an absolute may negate it ("not always", "do not apply to everyone").
_NEGATION_REACH = 5


def _strength(context: ClaimContext, text: str) -> Strength:
    return claim_strength(text, context.settings.lexicon("strength"))


def _observational(context: ClaimContext, source_id: str) -> str:
    """The source's observational design, if it has one ("cross_sectional"), else ""."""
    source = context.sources.get(source_id)
    if source is None:
        return ""
    designs = set(context.settings.assess.observational_designs)
    return next((design for design in source.study_designs if design in designs), "")


def causal_overstatement(context: ClaimContext) -> list[Flag]:
    """Causal wording in the claim for evidence that is correlational or observational.

    Raised when the claim is causal (or conditionally causal) and no backing passage states
    the relationship as strongly from a study able to show cause, while at least one
    backing passage is correlational or comes from an observational study. A cited
    observational study with no matching passage still limits the claim (flagged by design).
    """
    claim = _strength(context, context.claim.text)
    if claim.label not in ("causal", "conditional_causal"):
        return []
    severity = "high" if claim.label == "causal" else "medium"
    causal_designs = set(context.settings.assess.causal_designs)
    backing_ids = {row.source_id for row in context.backing} or {source.id for source in context.readable}
    if any(causal_designs.intersection(context.sources[sid].study_designs) for sid in backing_ids if sid in context.sources):
        return []  # a randomised trial (or a review of them) can show a cause
    weaker: list[tuple[Evidence, str]] = []
    for row in context.best_per_source():
        passage = context.passage(row)
        if passage is None:
            continue
        evidence = _strength(context, passage.text)
        if evidence.label == "none" and passage.context:
            evidence = _strength(context, passage.context)
        design = _observational(context, row.source_id)
        if STRENGTH_ORDER[evidence.label] >= STRENGTH_ORDER[claim.label] and not design:
            return []  # some source states it as strongly, from a design that can
        # Only an explicit association ("associated with", "linked to") counts: a passage that
        # merely compares ("more than") says nothing about cause either way.
        associative = evidence.label == "correlational" and _says_association(context, evidence.cue)
        if associative:
            who = f"the cited {design_name(design)} [{row.source_id}]" if design else f"source [{row.source_id}]"
            weaker.append((row, f'{who} says "{evidence.cue}": an association, not a cause'))
        elif design:
            weaker.append((row, f"its evidence comes from a {design_name(design)} [{row.source_id}], "
                                "which cannot show a cause"))
    if weaker:
        row, what = weaker[0]
        return [context.flag("CAUSAL_OVERSTATEMENT", severity, f'The claim says "{claim.cue}", but {what}.', row)]
    for source in context.readable:
        design = _observational(context, source.id)
        if design and not context.evidence:
            return [context.flag("CAUSAL_OVERSTATEMENT", "medium",
                                 f'The claim says "{claim.cue}", but the source it cites [{source.id}] is a '
                                 f"{design_name(design)}, which cannot show a cause.", source_id=source.id)]
    return []


def _says_association(context: ClaimContext, cue: str) -> bool:
    return bool(cue and cue_set(context.settings.lexicon("strength"), "correlational").find(cue))


def certainty_overstatement(context: ClaimContext) -> list[Flag]:
    """Absolutes in the claim that its evidence does not use, and hedged evidence stated
    as certain."""
    claim = _strength(context, context.claim.text)
    flags: list[Flag] = []
    text = context.claim.text
    # A sentence that denies or doubts ("has not been shown to work for everyone") or says
    # evidence is absent uses an absolute to reject it, not to claim it.
    doubting = distances_itself(text, context.settings.lexicon("superiority")) or (
        absence_cue(text, context.settings.lexicon("absence")) is not None)
    absolutes = [] if doubting else _unnegated_absolutes(context, text)
    if absolutes:
        best = context.backing[0] if context.backing else None
        passage_text = context.passage_text(best) if best else ""
        in_evidence = {a.lower() for a in _unnegated_absolutes(context, passage_text)}
        fresh = [word for word in absolutes if word.lower() not in in_evidence]
        if fresh:
            basis = "which none of its cited passages says" if context.readable else "a certainty no evidence gives"
            flags.append(context.flag("CERTAINTY_OVERSTATEMENT", "medium",
                                      f'The claim says "{fresh[0]}", {basis}.', best))
    if claim.qualified or named_outlets(text, context.settings.lexicon("attribution")):
        # A qualified claim is not "certain"; a claim that reports what a named body says
        # ("X advises...") leaves the hedging to X, and guidelines "suggest" by convention.
        return flags
    supports = [row for row in context.backing]
    hedged = []
    for row in supports:
        evidence = _strength(context, context.passage_text(row))
        if not evidence.hedged:
            return flags  # one backing passage states it plainly: the claim may too
        hedged.append((row, evidence.hedge))
    if hedged:
        row, hedge = hedged[0]
        flags.append(context.flag("CERTAINTY_OVERSTATEMENT", "medium",
                                  f'The cited passage of [{row.source_id}] hedges ("{hedge}"), but the claim '
                                  "states it without any qualification.", row))
    return flags


def _unnegated_absolutes(context: ClaimContext, text: str) -> list[str]:
    if not text:
        return []
    absolutes = cue_set(context.settings.lexicon("strength"), "absolutes").find(text)
    negations = cue_set(context.settings.lexicon("negation"), "negation").find(text)
    tokens = tokenize(text)
    found = []
    for hit in absolutes:
        # Negated when a negation stands in the same clause within a few words before it
        # ("not always", "do not transfer automatically to everyone").
        negated = False
        for negation in negations:
            if 0 < hit.first_token - negation.last_token <= _NEGATION_REACH:
                between = text[tokens[negation.last_token].end : tokens[hit.first_token].start]
                negated = negated or not any(mark in between for mark in ",;:.()")
        if not negated:
            found.append(hit.surface)
    return found


def superiority_claim(context: ClaimContext) -> list[Flag]:
    """Comparatives, superlatives and equivalence claims, graded by the sources behind them.

    A sentence that *reports* such an assertion is not making it (rule documented in
    superiority.toml): a reporting cue ("assert", "claim", "markets", "according to") before
    the comparative in the same sentence, a distancing cue anywhere ("not established",
    "no evidence"), or the comparative inside quotation marks.
    """
    text = context.claim.text
    lexicon = context.settings.lexicon("superiority")
    hits = cue_set(lexicon, "cues", "reporting", "reporting:distancing").find(text)
    comparatives = [hit for hit in hits if hit.group == "cues"]
    if not comparatives:
        return []
    if distances_itself(text, lexicon):
        return []
    comparative = comparatives[0]
    if any(hit.group == "reporting" and hit.end <= comparative.start for hit in hits):
        return []
    if _inside_quotes(text, comparative.start):
        return []
    assess = context.settings.assess
    behind = tuple(row.source_id for row in context.best_per_source()) or tuple(s.id for s in context.readable)
    kinds = context.kinds(behind)
    if not kinds:
        severity, basis = "medium", "no readable source backs it"
    elif all(kind in assess.commercial_kinds for kind in kinds):
        severity, basis = "high", f"it rests on commercial sources only ({cite(behind)})"
    elif any(kind in assess.authoritative_kinds for kind in kinds):
        severity, basis = "low", f"check that {cite(behind)} make the same comparison"
    else:
        severity, basis = "medium", f"its sources ({cite(behind)}) are not research or official bodies"
    row = context.backing[0] if context.backing else None
    return [context.flag("SUPERIORITY_CLAIM", severity,
                         f'The claim makes a comparison ("{comparative.surface}"); {basis}.', row)]


def distances_itself(text: str, lexicon: Mapping[str, Any]) -> bool:
    """Whether a sentence denies or doubts what it reports ("not established", "no
    evidence", "unproven"): the superiority lexicon's distancing cues."""
    return bool(cue_set(lexicon, "reporting:distancing").find(text))


def _inside_quotes(text: str, position: int) -> bool:
    before = text[:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1
