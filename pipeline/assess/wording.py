"""Checks on how strongly a claim words what its evidence says: CAUSAL_OVERSTATEMENT,
CERTAINTY_OVERSTATEMENT, SUPERIORITY_CLAIM.

Each flag quotes the cue on both sides: what the claim says ("can reduce") and what the
cited passage says ("was associated with"), and points at the passage that carries that cue,
or names the study design that limits the claim.

CAUSAL_OVERSTATEMENT is about evidence from research: a claim worded as a cause ("reduces",
"may reduce") whose cited study is observational (cross-sectional, cohort, case-control, ...)
or whose evidence passage says outright that the relationship is an association ("was
associated with", "linked to"). A guide's or a clinic's manner of speaking ("couples tend to
feel closer") is not correlational evidence, so a source that is not a study counts only
through such an explicit association cue. A randomised trial, or a review of trials, among the
sources behind the claim can show a cause: then nothing is flagged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..language.cues import CueHit, absence_cue, cue_set, tokenize
from ..language.outlets import named_outlets
from ..language.strength import STRENGTH_ORDER, Strength, claim_strength
from ..records import Evidence, Flag, Passage, Source
from .context import ClaimContext, cite, design_name

_CLAUSE_MARKS = ",;:.()"
# Forms of "be" quoted with an association cue, so the editor reads "was associated with".
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being"})


def _strength(context: ClaimContext, text: str) -> Strength:
    return claim_strength(text, context.settings.lexicon("strength"))


def _observational(context: ClaimContext, source: Source) -> str:
    """The source's observational design, if it has one ("cross_sectional"), else ""."""
    designs = context.settings.assess.observational_designs
    return next((design for design in source.study_designs if design in designs), "")


def _is_study(context: ClaimContext, source: Source) -> bool:
    """Whether a source reports research: a peer-reviewed paper or a page with a study design."""
    return source.kind == "peer_reviewed" or bool(source.study_designs)


def _explicit_association(context: ClaimContext, text: str) -> CueHit | None:
    """The explicit association cue of `text` ("associated with"), if its strength is
    correlational because of one."""
    strength = _strength(context, text)
    if strength.label != "correlational":
        return None
    hits = cue_set(context.settings.lexicon("strength"), "correlational:explicit").find(text)
    return hits[0] if hits else None


def _with_be(text: str, hit: CueHit) -> str:
    """The cue as written, with a form of "be" just before it ("was associated with")."""
    tokens = tokenize(text)
    if hit.first_token > 0 and tokens[hit.first_token - 1].word in _BE:
        return text[tokens[hit.first_token - 1].start : hit.end]
    return hit.surface


def negated_at(text: str, position: int, negation: Mapping[str, Any], reach: int) -> bool:
    """Whether a negation ("not", "no", "failed to") stands within `reach` words before the
    word at character `position`, in the same clause ("does not reduce", "not always")."""
    tokens = tokenize(text)
    index = next((i for i, token in enumerate(tokens) if token.start >= position), None)
    if index is None:
        return False
    for hit in cue_set(negation, "negation", "not_negation").find(text):
        if hit.group != "negation" or not 0 < index - hit.last_token <= reach:
            continue
        between = text[tokens[hit.last_token].end : tokens[index].start]
        if not any(mark in between for mark in _CLAUSE_MARKS):
            return True
    return False


def _source_rows(context: ClaimContext) -> dict[str, list[Evidence]]:
    """The claim's evidence rows that do not contradict it, by source, best first."""
    rows: dict[str, list[Evidence]] = {}
    for row in context.evidence:
        if row.relation != "contradicts":
            rows.setdefault(row.source_id, []).append(row)
    return rows


def _neighbours(source: Source, passage_id: str) -> list[Passage]:
    """The passages just before and after one passage of a source."""
    index = next((i for i, passage in enumerate(source.passages) if passage.id == passage_id), None)
    if index is None:
        return []
    return [source.passages[i] for i in (index - 1, index + 1) if 0 <= i < len(source.passages)]


def _association_passage(context: ClaimContext, source: Source, rows: Sequence[Evidence], study: bool
                         ) -> tuple[Evidence | None, Passage, CueHit] | None:
    """The best passage among a source's evidence rows that states an association outright,
    with its cue. In a study, the sentences around its best rows count too: a paper states its
    finding next to the methods sentence a claim may match best; a guide's next sentence may be
    about anything."""
    found: list[tuple[Evidence | None, Passage, CueHit]] = []
    for row in rows:
        passage = context.passage(row)
        if passage is not None and (hit := _explicit_association(context, passage.text)) is not None:
            found.append((row, passage, hit))
    for row in rows[:3] if study else ():
        for passage in _neighbours(source, row.passage_id):
            if (hit := _explicit_association(context, passage.text)) is not None:
                found.append((None, passage, hit))
    # A finding worded with a verb ("was associated with", "linked to") before one that only
    # names "the association": the first is the sentence an editor needs to read.
    verbal = [item for item in found if " " in item[2].surface or item[2].surface.lower().endswith("ed")]
    return (verbal or found or [None])[0]


def causal_overstatement(context: ClaimContext) -> list[Flag]:
    """Causal wording in the claim for evidence that is correlational or observational (see
    the module docstring). The flag points at the passage that carries the association cue."""
    text = context.claim.text
    claim = context.strength
    if claim.label not in ("causal", "conditional_causal"):
        return []
    if claim.negated:
        return []  # "does not reduce" claims no cause
    if distances_itself(text, context.settings.lexicon("superiority")):
        return []  # "has not been shown to reduce" doubts the cause
    rows = _source_rows(context)
    behind = [context.sources[sid] for sid in rows if sid in context.sources] or list(context.readable)
    causal_designs = set(context.settings.assess.causal_designs)
    if any(causal_designs.intersection(source.study_designs) for source in behind):
        return []  # a randomised trial (or a review of them) can show a cause
    candidates: list[tuple[int, Flag]] = []
    for source in behind:
        source_rows = rows.get(source.id, [])
        design = _observational(context, source)
        study = _is_study(context, source)
        for row in source_rows[:3]:
            stated = _strength(context, context.passage_text(row))
            if STRENGTH_ORDER[stated.label] >= STRENGTH_ORDER[claim.label] and not design:
                return []  # a source that is no observational study states it as strongly
        found = _association_passage(context, source, source_rows, study)
        # Research stated as a cause is the serious case; a guide's "studies have linked" is
        # worth a look but its own wording may be loose. A cited source that could not be read
        # may be the trial that shows the cause: then it is worth a look, no more.
        severity = "high" if claim.label == "causal" and study and not context.unreadable_ids else "medium"
        who = (f"the cited {design_name(design)} [{source.id}]" if design
               else f"the cited study [{source.id}]" if study else f"source [{source.id}]")
        if found is not None:
            row, passage, hit = found
            message = (f'The claim says "{claim.cue}", but {who} says "{_with_be(passage.text, hit)}": '
                       f"an association, not a cause{context.unread_note}.")
            flag = (context.flag("CAUSAL_OVERSTATEMENT", severity, message, row) if row is not None else
                    Flag(context.claim.id, "CAUSAL_OVERSTATEMENT", severity, message, source.id, passage.id,
                         passage.text))
            candidates.append((0 if design else 1, flag))
        elif design and study:
            best = source_rows[0] if source_rows else None
            message = (f'The claim says "{claim.cue}", but its evidence comes from a {design_name(design)} '
                       f"[{source.id}], which can show an association but not a cause{context.unread_note}.")
            candidates.append((2, context.flag("CAUSAL_OVERSTATEMENT", severity, message, best, source_id=source.id)))
    if not candidates:
        return []
    return [min(candidates, key=lambda candidate: candidate[0])[1]]


def certainty_overstatement(context: ClaimContext) -> list[Flag]:
    """Certainty the evidence does not give, in order:
      1. an absolute ("cures", "always", "everyone") that the best backing passage does not use;
      2. a booster ("clearly", "established", "proven") over evidence that hedges, states only an
         association, or comes from an observational study;
      3. hedged evidence (every backing passage hedges) stated without any qualification, unless
       the claim reports what a study observed (past tense, no relationship) or is about the
       study named before it ("In that trial, ...").
    Words inside quotation marks are the quoted source's (MISQUOTE checks them); a sentence
    that denies, doubts or says evidence is absent is not claiming certainty."""
    text = context.claim.text
    if distances_itself(text, context.settings.lexicon("superiority")) or (
            absence_cue(text, context.settings.lexicon("absence")) is not None):
        return []
    claim = context.strength
    best = context.backing[0] if context.backing else None
    passage_text = context.passage_text(best) if best else ""
    absolutes = _unnegated(context, text, "absolutes")
    if absolutes:
        in_evidence = {a.lower() for a in _unnegated(context, passage_text, "absolutes")}
        fresh = [word for word in absolutes if word.lower() not in in_evidence]
        if fresh:
            basis = "which none of its cited passages says" if context.readable else "a certainty no evidence gives"
            hedge = _strength(context, passage_text).hedge if best else ""
            also = f'; [{best.source_id}] hedges ("{hedge}")' if best and hedge else ""
            return [context.flag("CERTAINTY_OVERSTATEMENT", "medium",
                                 f'The claim says "{fresh[0]}", {basis}{also}.', best)]
    boosters = _unnegated(context, text, "boosters")
    if boosters and best is not None:
        weak = _weak_evidence(context, best)
        if weak:
            return [context.flag("CERTAINTY_OVERSTATEMENT", "medium",
                                 f'The claim says "{boosters[0]}", but {weak}.', best)]
    if claim.qualified or named_outlets(text, context.settings.lexicon("attribution")):
        # A qualified claim is not "certain"; a claim that reports what a named body says
        # ("X advises...") leaves the hedging to X, and guidelines "suggest" by convention.
        return []
    if reports_an_observation(claim, context.settings.lexicon("observation")) or context.refers_back:
        # "Both groups lowered HbA1c by a similar amount", "In that trial, students who cut
        # back ...": what the trial saw; only a rule ("interval training lowers HbA1c") drops
        # the hedge of the source's conclusion.
        return []
    hedged = []
    for row in context.backing:
        evidence = _strength(context, context.passage_text(row))
        if not evidence.hedged:
            return []  # one backing passage states it plainly: the claim may too
        hedged.append((row, evidence.hedge))
    if hedged:
        row, hedge = hedged[0]
        return [context.flag("CERTAINTY_OVERSTATEMENT", "medium",
                             f'The cited passage of [{row.source_id}] hedges ("{hedge}"), but the claim '
                             "states it without any qualification.", row)]
    return []


def reports_an_observation(strength: Strength, lexicon: Mapping[str, Any]) -> bool:
    """Whether a claim of this strength reports what was observed rather than states a rule:
    it states no relationship, or its deciding cue is in the past tense ("lowered", "fell",
    "was associated with"); observation lexicon."""
    if strength.label == "none":
        return True
    past = lexicon.get("past", {})
    irregular, not_past = set(past.get("irregular", ())), set(past.get("not_past", ()))
    return any(
        token.word in irregular or (token.word.endswith("ed") and token.word not in not_past)
        for token in tokenize(strength.cue)
    )


def _weak_evidence(context: ClaimContext, row: Evidence) -> str:
    """Why a backing passage cannot carry a booster, in words for an editor ("" if it can):
    it hedges, it states only an association, or its source is an observational study."""
    evidence = _strength(context, context.passage_text(row))
    if evidence.hedged:
        return f'the cited passage of [{row.source_id}] hedges ("{evidence.hedge}")'
    if evidence.label == "correlational" and evidence.cue:
        return f'the cited passage of [{row.source_id}] reports an association ("{evidence.cue}")'
    source = context.sources.get(row.source_id)
    design = _observational(context, source) if source is not None else ""
    if design:
        return f"its evidence is a {design_name(design)} [{row.source_id}]"
    return ""


def _unnegated(context: ClaimContext, text: str, table: str) -> list[str]:
    """The cues of a strength-lexicon list in `text` that no nearby negation takes back and
    that stand outside quotation marks (quoted words are the source's, checked by MISQUOTE)."""
    if not text:
        return []
    negation = context.settings.lexicon("negation")
    return [hit.surface for hit in cue_set(context.settings.lexicon("strength"), table).find(text)
            if not negated_at(text, hit.start, negation, context.settings.assess.negation_reach)
            and not inside_quotes(text, hit.start)]


def superiority_claim(context: ClaimContext) -> list[Flag]:
    """Comparatives, superlatives and equivalence claims, graded by the sources behind them.

    A sentence that *reports* such an assertion is not making it (rule documented in
    superiority.toml): a reporting cue ("assert", "claim", "markets", "according to") before
    the comparative in the same sentence, a distancing cue anywhere ("not established",
    "no evidence"), or the comparative inside quotation marks. A reported comparison that
    only commercial sources back is still flagged, low: the article passes on a seller's
    comparison with nothing independent beside it.
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
    reported = next((hit for hit in hits if hit.group == "reporting" and hit.end <= comparative.start), None)
    if reported is None and inside_quotes(text, comparative.start):
        return []
    assess = context.settings.assess
    behind = tuple(row.source_id for row in context.best_per_source()) or tuple(s.id for s in context.readable)
    kinds = context.kinds(behind)
    if reported is not None:
        # The sentence passes on someone's comparison ("X claims to work better than ..."):
        # not its own assertion, but when only the seller's pages back it, nothing
        # independent does, and an editor should know.
        if not kinds or not all(kind in assess.commercial_kinds for kind in kinds) or context.unread_not_of_kinds(
                tuple(assess.commercial_kinds)):
            return []
        return [context.flag("SUPERIORITY_CLAIM", "low",
                             f'The claim reports a comparison ("{reported.surface}" ... "{comparative.surface}") '
                             f"that only commercial sources back ({cite(behind)}): nothing independent supports it.",
                             context.backing[0] if context.backing else None)]
    if inside_quotes(text, comparative.start):
        return []
    if not kinds:
        severity, basis = "medium", "no readable source backs it"
    elif all(kind in assess.commercial_kinds for kind in kinds) and context.unread_not_of_kinds(
            tuple(assess.commercial_kinds)):
        severity, basis = "medium", (f"the sources that could be read ({cite(behind)}) are commercial"
                                     f"{context.unread_note}")
    elif all(kind in assess.commercial_kinds for kind in kinds):
        severity, basis = "high", f"it rests on commercial sources only ({cite(behind)}), which sell what they compare"
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


def inside_quotes(text: str, position: int) -> bool:
    """Whether character `position` of `text` lies inside quotation marks (straight or curly)."""
    before = text[:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1
