"""What the verdict model reads of a claim and its judged evidence: VERDICT_FEATURES.

One vector per claim, measured from what the match stage has already computed (the judged
rows, the kept evidence, the judge's features of each judged passage) and from the shared
language readers; nothing here decides. The verdict model (configs/models/verdict.json,
fitted by bench/train_decisions.py, applied in pipeline/match/verdict.py) weighs them.

    support, support_max       the best source's support (its judged passages' support
                               probabilities averaged with the ranker's probabilities as
                               weights) and the best single judged passage's
    contradiction, ...         likewise for contradiction counted only with an explicit
                               reversal (judge.effective), the strongest raw contradiction
                               probability, and whether any judged passage has a reversal
    rank_top                   the ranker's probability of its best passage
    coverage_best, union       the best judged passage's share of the claim's terms (WordNet
                               synonyms count: retrieval.covered) and the IDF-weighted share
                               the kept passages carry together
    key_missing, ...           key terms no kept passage carries: how many, their weight,
                               whether one is a name; the claim's key terms (log count)
    gap_none, gap_small        nothing of the claim missing (every key term and number given);
                               a small gap: at most SMALL_GAP_TERMS key terms missing, together
                               weighing at most SMALL_GAP_WEIGHT of the claim, naming nothing,
                               every number given (the hand-set rule's "supported" test before
                               the model; now one signal it weighs)
    numbers_*                  the claim's measures, shares and counts: how many, the share
                               no kept passage gives, a different number beside the evidence,
                               a different number of the same measure anywhere cited
    compound, clauses          a long claim several passages may say together
    clause_share               of a claim of several clauses, the share of them some passage
                               supports (support_min), each judged by the lexical judge against
                               its own best-ranked passage per source (match/clause_support.py);
                               a claim of one clause is its own clause (support_max): "every
                               part is said somewhere" against "one part is said"
    best_*                     the judge's features of the best-supporting passage: key
                               coverage, clause alignment, token-set similarity, weight of the
                               rarest term it lacks, scope words it does not carry
    clash_*                    reversals read in any judged passage: negation, direction,
                               antonym, "no effect" against a change, other number
    strength_*                 the claim's wording against the best passage's, from the
                               strength lexicon's cue words (features.strength_signals): stronger,
                               weaker, an absolute or booster the passage does not use or a hedge
                               dropped, cause words over a stated association
    sources                    readable cited sources judged (1 for `claimcheck evidence`)

A feature change must be followed by refitting the model (load_model checks the names).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Settings
from ..language.cues import Term
from ..language.numbers import COUNT, MEASURE, PROPORTION, RELATIVE, Quantity, read_quantities, said_in
from ..language.number_clash import number_conflict, number_disagreements
from .features import JUDGE_FEATURES, ClaimSignals, strength_signals
from .judge import PairJudgement, effective
from .retrieval import PassageIndex, clauses

if TYPE_CHECKING:  # verdict.py imports this module; Row is only a type here
    from .verdict import Row

VERDICT_FEATURES = (
    "support", "support_max", "contradiction", "contradict_max", "reversal", "rank_top",
    "coverage_best", "union", "key_missing", "key_missing_weight", "names_missing", "key_terms",
    "gap_none", "gap_small",
    "numbers", "numbers_unsaid", "number_near", "number_conflict", "compound", "clauses",
    "clause_share",
    "best_key_coverage", "best_clause_align", "best_token_set", "best_missing_top_idf", "best_scope_unmatched",
    "clash_negation", "clash_direction", "clash_antonym", "clash_null", "clash_number",
    "strength_stronger", "strength_weaker", "strength_certainty", "strength_causal", "sources",
)
_JUDGE = {name: i for i, name in enumerate(JUDGE_FEATURES)}
_STATED_KINDS = frozenset({MEASURE, PROPORTION, COUNT, RELATIVE})
_CAP = 4  # counts above this say nothing more
# A small gap (feature gap_small): the values the hand-set verdict rule used (tuned on the
# intimacy and sleep fixtures) before the model; a change must be followed by refitting it.
SMALL_GAP_TERMS = 1
SMALL_GAP_WEIGHT = 0.15


@dataclass(frozen=True, slots=True)
class NumberReversal:
    """A number of the claim that a cited passage gives otherwise: the passage and the reason."""

    position: int
    reason: str


@dataclass(frozen=True, slots=True)
class VerdictInputs:
    """A claim's verdict features, and what the reason in words needs: the best-supporting
    and most-contradicting judged rows, the key terms and numbers no kept passage gives, the
    number reversals found, and whether it is worded more firmly than the best passage."""

    values: tuple[float, ...]  # in VERDICT_FEATURES order
    support: float
    best: Row | None
    contradiction: float
    worst: Row | None
    union: float
    missing: tuple[Term, ...]
    unsaid: tuple[Quantity, ...]
    number: NumberReversal | None
    overstated: bool  # the claim states it more firmly than the best passage (strength_certainty)
    against: Row | None = None  # the judged row the judge most leans against (contradicts > supports)

    def named(self) -> dict[str, float]:
        """{feature name: value}, for tests and for reading a decision."""
        return dict(zip(VERDICT_FEATURES, self.values))


def source_support(rows: Sequence[Row], owner: Sequence[str]) -> tuple[float, Row | None, float, Row | None]:
    """(support, its best row, contradiction, its worst row) over the judged rows: per cited
    source, its judged passages' probabilities averaged with the ranker's probabilities as
    weights (one judged passage and a dozen give comparable numbers); the claim takes its
    best-supported source and its most contradicting one. Contradiction counts only passages
    with an explicit reversal (judge.effective)."""
    judged: dict[str, list[Row]] = {}
    for row in rows:
        if row.judged:
            judged.setdefault(owner[row.position], []).append(row)
    support, contradiction, best, worst = 0.0, 0.0, None, None
    for group in judged.values():
        weight = sum(row.score for row in group) or 1.0
        pairs = [(row, *effective(PairJudgement(row.support, row.contradict, row.reason))) for row in group]
        mine = sum(row.score * s for row, s, _ in pairs) / weight
        if mine > support or best is None:
            support, best = mine, max(pairs, key=lambda pair: pair[0].score * pair[1])[0]
        theirs = sum(row.score * c for row, _, c in pairs) / weight
        if theirs > contradiction:
            contradiction, worst = theirs, max(pairs, key=lambda pair: pair[0].score * pair[2])[0]
    return support, best, contradiction, worst


def number_reversals(claim: ClaimSignals, rows: Sequence[Row], kept: Sequence[Row], cited: Sequence[int],
                     owner: Sequence[str], index: PassageIndex, about: frozenset[str],
                     settings: Settings) -> tuple[NumberReversal | None, NumberReversal | None]:
    """(near, conflict): a claim number the cited sources give nowhere while a kept passage
    or its neighbours give another number of its kind (`near`); and one that any cited
    passage gives otherwise for the same measured thing, the words around the two numbers
    sharing one of `about` (the claim's key terms; `conflict`: "added half an hour of sleep"
    against "total sleep time rose by 12 min"). `cited` lists the positions of every passage
    of the claim's readable cited sources."""
    quantities = claim.view.quantities
    if not quantities:
        return None, None
    near: list[int] = []
    for row in kept:
        for position in (row.position, row.position - 1, row.position + 1):
            if 0 <= position < len(owner) and owner[position] == owner[row.position] and position not in near:
                near.append(position)
    everywhere = [index.docs[i].text for i in cited]
    found = number_disagreements(claim.view.text, quantities, [index.docs[i].text for i in near], everywhere, settings)
    close = None
    if found:
        quantity, other, where = found[0]
        close = NumberReversal(near[where], f'The claim says "{quantity.text}" where source [{owner[near[where]]}] '
                                            f'says "{other.text}".')
    ranked = [row.position for row in rows]
    order = ranked + [i for i in cited if i not in set(ranked)]
    conflict = number_conflict(claim.view.text, quantities, [index.docs[i].text for i in order], everywhere,
                               about, settings)
    if conflict is None:
        return close, None
    quantity, other, where = conflict
    return close, NumberReversal(order[where], f'The claim says "{quantity.text}" where source '
                                               f'[{owner[order[where]]}] says "{other.text}" of the same measure.')


def unsaid_numbers(claim: ClaimSignals, backing: Sequence[Row], index: PassageIndex,
                   settings: Settings) -> list[Quantity]:
    """The claim's measures, shares and counts that no backing passage's context window gives
    in agreeing form. (Not years, ages or bare numbers: "a 2019 study" names a study, "adults
    over 50" may be "aged 51 and older", and a bare number's kind is a guess.)"""
    quantities = stated_numbers(claim)
    if not quantities or not backing:
        return list(quantities)  # nothing kept gives them
    numbers = settings.lexicon("numbers")
    given = [other for row in backing for other in read_quantities(index.docs[row.position].context, numbers)]
    tolerance = settings.match.number_tolerance
    return [quantity for quantity in quantities if not said_in(quantity, given, tolerance)]


def stated_numbers(claim: ClaimSignals) -> tuple[Quantity, ...]:
    """The claim's measures, shares and counts (see `unsaid_numbers`)."""
    return tuple(quantity for quantity in claim.view.quantities if quantity.kind in _STATED_KINDS)


def weighted_share(claim: ClaimSignals, keys: frozenset[str]) -> float:
    """IDF-weighted share of the claim's terms among `keys` (term keys already judged carried)."""
    if not claim.total:
        return 0.0
    return sum(weight for term, weight in zip(claim.view.terms, claim.weights) if term.key in keys) / claim.total


def verdict_inputs(claim: ClaimSignals, rows: Sequence[Row], kept: Sequence[Row], owner: Sequence[str],
                   index: PassageIndex, settings: Settings, *, key: Sequence[Term], is_compound: bool,
                   judged: Mapping[int, Sequence[float]], cited: Sequence[int],
                   parts: Sequence[float] = ()) -> VerdictInputs:
    """VERDICT_FEATURES of a claim (see the module docstring). `key` are its key terms,
    `is_compound` whether passages may say it together, `judged` the judge's features of each
    judged passage by position, `cited` every passage position of its readable cited sources,
    `parts` the best support of each of its clauses (() for a claim of one clause)."""
    support, best, contradiction, worst = source_support(rows, owner)
    judged_rows = [row for row in rows if row.judged]
    backing = [row for row in kept if row.relation != "contradicts"]
    carried = frozenset().union(*(row.covered for row in backing)) if backing else frozenset()
    missing = tuple(term for term in key if term.key not in carried)
    union = weighted_share(claim, carried)
    stated = stated_numbers(claim)
    unsaid = tuple(unsaid_numbers(claim, backing, index, settings))
    near, conflict = number_reversals(claim, rows, backing, cited, owner, index,
                                      frozenset(term.key for term in key), settings)
    best_features = judged.get(best.position, ()) if best is not None else ()
    wording = (strength_signals(claim.view.text, index.docs[best.position].text, settings)
               if best is not None else (0.0, 0.0, 0.0, 0.0))

    def of_best(name: str) -> float:
        return float(best_features[_JUDGE[name]]) if len(best_features) == len(JUDGE_FEATURES) else 0.0

    def any_judged(name: str) -> float:
        return max((float(features[_JUDGE[name]]) for features in judged.values()
                    if len(features) == len(JUDGE_FEATURES)), default=0.0)

    missing_weight = weighted_share(claim, frozenset(term.key for term in missing))
    names_missing = any(term.word in claim.names for term in missing)
    support_max = max((row.support for row in judged_rows), default=0.0)
    parts = tuple(parts) or (support_max,)  # a claim of one clause is its own clause
    values = (
        support,
        support_max,
        contradiction,
        max((row.contradict for row in judged_rows), default=0.0),
        1.0 if any(row.reason for row in judged_rows) else 0.0,
        max((row.score for row in rows), default=0.0),
        max((row.coverage for row in judged_rows), default=0.0),
        union,
        float(min(len(missing), _CAP)),
        missing_weight,
        1.0 if names_missing else 0.0,
        math.log1p(len(key)),
        1.0 if not missing and not unsaid else 0.0,
        1.0 if (len(missing) <= SMALL_GAP_TERMS and missing_weight <= SMALL_GAP_WEIGHT and not names_missing
                and not unsaid) else 0.0,
        float(min(len(stated), _CAP)),
        len(unsaid) / len(stated) if stated else 0.0,
        1.0 if near is not None else 0.0,
        1.0 if conflict is not None else 0.0,
        1.0 if is_compound else 0.0,
        float(min(len(clauses(claim.view.text)), _CAP)),
        sum(part >= settings.match.support_min for part in parts) / len(parts),
        of_best("key_coverage"),
        of_best("clause_align"),
        of_best("token_set"),
        of_best("missing_top_idf"),
        min(of_best("scope_unmatched"), 2.0),
        any_judged("negation_clash"),
        any_judged("direction_clash"),
        min(any_judged("antonym"), 1.0),
        any_judged("null_clash"),
        any_judged("number_clash"),
        *wording,
        float(min(len({owner[row.position] for row in judged_rows}), _CAP)),
    )
    against = max((row for row in judged_rows if row.contradict > row.support),
                  key=lambda row: row.contradict - row.support, default=None)
    return VerdictInputs(tuple(float(value) for value in values), support, best, contradiction, worst, union,
                         missing, unsaid, near or conflict, wording[2] > 0, against)
