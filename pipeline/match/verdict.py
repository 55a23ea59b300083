"""From ranked and judged passages to the evidence kept for a claim and its verdict.

    claim_rows  each ranked candidate with its judgement (for the best `judge_top`) and what
                of the claim it carries: coverage, the term keys it carries and lacks;
    keep_rows   the evidence kept: judged passages that are evidence, every contradiction,
                and per source a greedy cover (the few passages that together carry the most
                of the claim); for a compound claim also the passage that carries each key
                term the others lack (a page lists "cuddling" in a sentence of its own). A
                passage carries no term it mentions only to deny ("cannot show that it
                lengthens sleep"; pipeline/polarity.negated_only);
    key_terms   the claim's key content: its content terms less the general words of
                configs/lexicons/generic_terms.toml ("people", "makes", "evidence"), which any
                source may phrase otherwise and which an editor need not be told are missing;
    decide      the verdict. A source's support is its judged passages' support probabilities
                averaged with the ranker's probabilities as weights; its contradiction counts
                only passages with an explicit reversal (pipeline/polarity.clash):
                  contradicted  the contradiction reaches contradict_min and the support;
                  supported     a source's support reaches support_min, or (a compound
                                claim: union_min_terms terms or two clauses) the kept
                                passages together carry union_support_min of its
                                IDF-weighted terms, and in either case they lack at most
                                key_missing_count key terms, light ones, naming nothing,
                                and give every measure, share and count the claim gives
                                ("in half" is not said by "can help lower");
                                or they carry all its key terms and union_partial_min;
                  partially     the same support with more of its key content missing, or
                                kept passages carrying union_partial_min of a compound claim;
                  unsupported   otherwise.
                support_min and contradict_min were tuned on Check-COVID's train split for
                macro-F1 (bench/train_evidence.py); the union and key-term ones on the
                development fixtures (intimacy, sleep).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Settings
from ..language.cues import Term
from ..language.numbers import (
    COUNT,
    MEASURE,
    PROPORTION,
    Quantity,
    read_quantities,
    said_in,
)
from ..language.polarity import negated_only
from ..records import Relation, Verdict
from .features import ClaimSignals, generic_keys, long_words, setup_sentence
from .judge import PairJudgement, effective, relation_of
from .ranking import Ranked
from .retrieval import ClaimView, PassageIndex, clauses, covered

_MIN_PREFIX = 3  # a claim word this long opening a passage word is carried by it ("bed", "bedtime")
_MIN_INSIDE = 5  # a claim term key this long inside a passage word is carried by it


@dataclass(frozen=True, slots=True)
class Row:
    """A candidate passage for one claim: rank score, judgement, and what it carries."""

    position: int  # into the PassageIndex
    score: float  # the ranker's probability that it is the evidence
    relation: Relation | None
    judged: bool
    support: float
    contradict: float
    reason: str
    coverage: float  # share of the claim's content terms it carries
    covered: frozenset[str]  # claim term keys it carries
    missing_keys: frozenset[str]  # claim term keys it lacks


def claim_rows(claim: ClaimSignals, ranked: Sequence[Ranked], answers: Mapping[int, PairJudgement],
               index: PassageIndex, settings: Settings) -> list[Row]:
    """Every ranked candidate as a Row, best first; `answers` holds the judge's answer for
    the judged ones, by position."""
    rows = []
    terms = claim.view.terms
    # What the claim itself negates may be carried by a negated mention; nothing else may.
    claim_denied = negated_only(claim.view.text, settings)
    for candidate in ranked:
        keys = index.docs[candidate.position].keys
        words = "|" + long_words(candidate.position, index)
        # A term carried inside a longer word counts ("bed" in "bedtime", "mask" in "facemasks");
        # one the passage mentions only to deny it does not ("cannot show that it lengthens sleep").
        denied = negated_only(index.docs[candidate.position].text, settings) - claim_denied
        hit = frozenset(term.key for term in terms if term.key not in denied and (
                        covered(term, keys)
                        or (len(term.word) >= _MIN_PREFIX and "|" + term.word in words)
                        or (len(term.key) >= _MIN_INSIDE and term.key in words)))
        coverage = round(len(hit) / len(terms), 4) if terms else 0.0
        lacking = frozenset(term.key for term in terms) - hit
        answer = answers.get(candidate.position)
        if answer is not None:
            relation = relation_of(answer, settings)
            if relation == "related" and candidate.probability < settings.match.related_rank_min:
                relation = None  # the ranker all but rules it out as the evidence
            rows.append(Row(candidate.position, round(candidate.probability, 4), relation, True,
                            answer.support, answer.contradict, answer.reason, coverage, hit, lacking))
        else:
            rows.append(Row(candidate.position, round(candidate.probability, 4), None, False, 0.0, 0.0, "",
                            coverage, hit, lacking))
    return rows


def keep_rows(claim: ClaimSignals, rows: Sequence[Row], owner: Sequence[str], index: PassageIndex,
              settings: Settings) -> list[Row]:
    """The evidence kept for a claim, best first: judged rows that are evidence (the best
    `top_k`), every contradicting row, and per source the passages of a greedy cover."""
    relevant = [row for row in rows if row.relation is not None]
    kept = {row.position: row for row in relevant[: settings.match.top_k]}
    kept.update((row.position, row) for row in relevant if row.relation == "contradicts")
    by_source: dict[str, list[Row]] = {}
    for row in rows:
        by_source.setdefault(owner[row.position], []).append(row)
    for source_rows in by_source.values():
        for row in _cover(claim, source_rows, index, settings):
            kept.setdefault(row.position, row if row.relation else _as_related(row))
    if compound(claim, settings):
        for row in _elsewhere(claim, rows, kept, index, settings):
            kept.setdefault(row.position, row if row.relation else _as_related(row))
    return sorted(kept.values(), key=lambda row: -row.score)


def compound(claim: ClaimSignals, settings: Settings) -> bool:
    """Whether a claim says several things that several passages may say: it has
    `union_min_terms` content terms or more, or two clauses or more ("X recommends A but notes
    that B")."""
    return len(claim.view.terms) >= settings.match.union_min_terms or len(clauses(claim.view.text)) >= 2


def _elsewhere(claim: ClaimSignals, rows: Sequence[Row], kept: Mapping[int, Row], index: PassageIndex,
               settings: Settings) -> list[Row]:
    """For a long claim, the passage that carries each key term the kept ones lack, when its
    context window (the passage and its neighbours) carries `_CONTEXT_MIN` or more of the
    claim's terms: a list of practices is said across a page, and the cover keeps only a few
    passages per source; an editor must not be told that "cuddling" is nowhere in a page that
    lists it. The best-ranked such passage per term, never a statement of aims or methods
    ("little is known about X" does not say X)."""
    carried = frozenset().union(*(row.covered for row in kept.values() if row.relation != "contradicts"))
    found: list[Row] = []
    for term in key_terms(claim.view, settings):
        if term.key in carried:
            continue
        for row in rows:
            if term.key in row.covered and row.relation != "contradicts" and not setup_sentence(row.position, index,
                                                                                                 settings) and \
                    sum(covered(other, index.docs[row.position].context_keys) for other in claim.view.terms) \
                    >= _CONTEXT_MIN:
                found.append(row)
                carried |= row.covered
                break
    return found


_CONTEXT_MIN = 2


def _cover(claim: ClaimSignals, rows: Sequence[Row], index: PassageIndex, settings: Settings) -> list[Row]:
    """Greedy cover: passages chosen one by one for the most claim weight they add, while a
    passage adds at least `cover_min_gain` of it and shares two or more claim terms (one
    shared word is chance), at most `cover_max` of them."""
    weight = {term.key: w for term, w in zip(claim.view.terms, claim.weights)}
    total = sum(weight.values())
    if not total:
        return []
    candidates = [row for row in rows if len(row.covered) >= 2 and row.relation != "contradicts"]
    chosen: list[Row] = []
    carried: frozenset[str] = frozenset()
    while candidates and len(chosen) < settings.match.cover_max:
        best = max(candidates, key=lambda row: (sum(weight[k] for k in row.covered - carried), row.score))
        gain = sum(weight[k] for k in best.covered - carried) / total
        if gain < settings.match.cover_min_gain:
            break
        chosen.append(best)
        carried |= best.covered
        candidates.remove(best)
    return chosen


def _as_related(row: Row) -> Row:
    return Row(row.position, row.score, "related", row.judged, row.support, row.contradict, row.reason,
               row.coverage, row.covered, row.missing_keys)


def key_terms(claim: ClaimView, settings: Settings) -> tuple[Term, ...]:
    """The claim's key content terms: its content terms less general words, direction words
    and the words of its attribution frames (all of them when every one is such; see
    match.features.generic_keys, language.outlets.attribution_frames)."""
    generic = generic_keys(settings) | claim.frame
    key = tuple(term for term in claim.terms if term.key not in generic)
    return key or claim.terms


def decide(claim: ClaimSignals, rows: Sequence[Row], kept: Sequence[Row], owner: Sequence[str],
           index: PassageIndex, settings: Settings, label: Sequence[str]) -> tuple[Verdict, float, str]:
    """The verdict from a claim's ranked rows and kept evidence, its score, and the reason in
    words; `owner[i]` is passage i's source and `label[i]` names it for the reason.

    A source's support is its judged passages' support probabilities averaged with the
    ranker's probabilities as weights (how likely each is the evidence), so one judged
    passage and a dozen give comparable numbers; its contradiction likewise, counting only
    passages where an explicit reversal was found (a negation, direction, number, antonym).
    The claim takes its best-supported source (each cited source may be the one saying it)."""
    match = settings.match
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
    if worst is not None and contradiction >= match.contradict_min and contradiction >= support:
        return ("contradicted", round(contradiction, 4),
                f"{label[worst.position]} says otherwise: {worst.reason}.")
    backing = [row for row in kept if row.relation != "contradicts"]
    carried = frozenset().union(*(row.covered for row in backing)) if backing else frozenset()
    missing = [term for term in key_terms(claim.view, settings) if term.key not in carried]
    union = _weighted(claim, carried)
    # What the sources leave out is small enough to call the claim supported when it weighs
    # little (a verb phrased otherwise: "cause" for "lead to") and names nothing (a person, a
    # body, a drug written with capitals).
    small_gap = (len(missing) <= match.key_missing_count
                 and _weighted(claim, frozenset(term.key for term in missing)) <= match.key_missing_max
                 and not any(term.word in claim.names for term in missing))
    # A number the claim gives that no backing passage (or its neighbours) gives: the words
    # may all be there, but "cuts the risk in half" is not said by "can help lower the risk".
    unsaid = _unsaid_numbers(claim, backing, index, settings)
    small_gap = small_gap and not unsaid
    gaps = ", ".join([*(f'"{quantity.text}"' for quantity in unsaid[:2]),
                      *(f'"{term.word}"' for term in _by_weight(claim, missing)[:5])][:5]) or "its exact wording"
    # Passages together carry a claim only when it is long enough that no one sentence may
    # say it whole; a short claim is said by one passage or not at all.
    long_claim = compound(claim, settings)
    if best is not None and support >= match.support_min:
        if small_gap:
            return "supported", round(support, 4), f"{label[best.position]} states it (score {support:.2f})."
        return ("partially_supported", round(support, 4),
                f"The cited sources support part of it; nothing in them matches {gaps}.")
    if long_claim and backing and ((small_gap and union >= match.union_support_min)
                                   or (not missing and union >= match.union_partial_min)):
        # Every key term carried: what the passages lack are general words phrased otherwise.
        return "supported", round(union, 4), f"Together the cited passages state it ({union:.0%} of its terms)."
    if long_claim and backing and union >= match.union_partial_min:
        return ("partially_supported", round(union, 4),
                f"The cited sources support part of it; nothing in them matches {gaps}.")
    closest = max(kept, key=lambda row: row.coverage, default=None)
    if closest is not None:
        return ("unsupported", round(support, 4), f"No cited passage states it; the closest, "
                f"{label[closest.position]}, shares only {closest.coverage:.0%} of its terms.")
    return "unsupported", 0.0, "No passage of the cited sources is about what it says."


def _unsaid_numbers(claim: ClaimSignals, backing: Sequence[Row], index: PassageIndex,
                    settings: Settings) -> list[Quantity]:
    """The claim's measures, shares and counts that no backing passage's context window gives
    in agreeing form. (Not years, ages or bare numbers: "a 2019 study" names a study, "adults
    over 50" may be "aged 51 and older", and a bare number's kind is a guess.)"""
    quantities = [quantity for quantity in claim.view.quantities if quantity.kind in _STATED_KINDS]
    if not quantities or not backing:
        return []
    numbers = settings.lexicon("numbers")
    given = [other for row in backing for other in read_quantities(index.docs[row.position].context, numbers)]
    tolerance = settings.match.number_tolerance
    return [quantity for quantity in quantities if not said_in(quantity, given, tolerance)]


_STATED_KINDS = frozenset({MEASURE, PROPORTION, COUNT})


def _by_weight(claim: ClaimSignals, terms: Sequence[Term]) -> list[Term]:
    """`terms` most specific first (highest IDF), claim order among equals."""
    weight = {term.key: w for term, w in zip(claim.view.terms, claim.weights)}
    return sorted(terms, key=lambda term: -weight.get(term.key, 0.0))


def _weighted(claim: ClaimSignals, keys: frozenset[str]) -> float:
    """IDF-weighted share of the claim's terms among `keys` (term keys already judged carried)."""
    if not claim.total:
        return 0.0
    return sum(weight for term, weight in zip(claim.view.terms, claim.weights) if term.key in keys) / claim.total
