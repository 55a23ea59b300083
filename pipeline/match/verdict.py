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
    decide      the verdict: the verdict model (configs/models/verdict.json, a multinomial
                logistic model fitted by bench/train_decisions.py on development articles and
                public claim-evidence data) weighs VERDICT_FEATURES (verdict_features.py:
                the judge's support and contradiction, coverage of the claim's key terms by
                the best passage and by the kept passages together, numbers not given or given
                otherwise, reversals, the claim's wording against the passage's ...) into
                supported / partially_supported / contradicted / unsupported; the likeliest
                class the evidence allows is the verdict (contradicted only with a reversal or
                another number an editor can be shown).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Settings
from ..language.cues import Term
from ..language.numbers import read_quantities, said_in
from ..language.polarity import negated_only
from ..records import Relation, Verdict
from .features import ClaimSignals, generic_keys, long_words, setup_sentence
from .judge import PairJudgement, relation_of
from .ranking import Ranked
from .retrieval import ClaimView, PassageIndex, clauses, covered
from .verdict_features import VerdictInputs, unsaid_numbers, verdict_inputs
from .verdict_model import VERDICT_CLASSES, contradicted_outright, likeliest, verdict_model

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
    # ...a phrase term by any of its words ("cannot tell whether X came before Y" denies the
    # phrase "came before", which a passage's "cannot establish whether X preceded Y" carries).
    claim_denied |= {term.key for term in terms if term.parts and not claim_denied.isdisjoint(term.parts)}
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
    for row in numbers_elsewhere(claim, rows, kept, index, settings):
        kept.setdefault(row.position, row if row.relation else _as_related(row))
    return sorted(kept.values(), key=lambda row: -row.score)


def numbers_elsewhere(claim: ClaimSignals, rows: Sequence[Row], kept: Mapping[int, Row], index: PassageIndex,
                       settings: Settings) -> list[Row]:
    """The passage that gives each of the claim's numbers the kept ones do not: "in a trial of
    250 adults, a daily walk lowered stress" takes its finding from the results and its 250
    from the methods. The best-ranked such passage per number, not a contradiction, whose
    context window gives the number in agreeing form and carries `_CONTEXT_MIN` or more of the
    claim's terms (a 250 elsewhere in a page is chance)."""
    backing = [row for row in kept.values() if row.relation != "contradicts"]
    numbers = settings.lexicon("numbers")
    found: list[Row] = []
    for quantity in unsaid_numbers(claim, backing, index, settings):
        for row in rows:
            doc = index.docs[row.position]
            if row.position in kept or row.relation == "contradicts" or row in found:
                continue
            if said_in(quantity, read_quantities(doc.context, numbers), settings.match.number_tolerance) and \
                    sum(covered(term, doc.context_keys) for term in claim.view.terms) >= _CONTEXT_MIN:
                found.append(row)
                break
    return found


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


@dataclass(frozen=True, slots=True)
class Decision:
    """A claim's verdict, its score (the model's probability of it), the reason in words, the
    model's probability of each class, the inputs it was decided from, and for a contradicted
    claim the position of the passage that says otherwise (it becomes the claim's first
    evidence, a contradiction)."""

    verdict: Verdict
    score: float
    reason: str
    probabilities: tuple[tuple[str, float], ...] = ()
    inputs: VerdictInputs | None = None
    against: int | None = None


def allowed_verdicts(inputs: VerdictInputs) -> tuple[Verdict, ...]:
    """The verdicts the evidence allows the model to give: `contradicted` only with a passage
    an editor can be shown to say otherwise (a judged passage with an explicit reversal, or a
    number given otherwise: the contract's "says the opposite"), `supported` and
    `partially_supported` only with a judged passage. (Allowing it also where the judge merely
    leans against a passage with no reversal cost nothing on the development articles and
    gained under 0.01 macro-F1 on the public sets, 5-fold, but called hedges that deny knowing
    ("cannot show whether") contradicted.)"""
    against = inputs.worst is not None or inputs.number is not None
    return tuple(verdict for verdict in VERDICT_CLASSES
                 if (verdict != "contradicted" or against)
                 and (verdict not in ("supported", "partially_supported") or inputs.best is not None))


def decide(claim: ClaimSignals, rows: Sequence[Row], kept: Sequence[Row], owner: Sequence[str],
           index: PassageIndex, settings: Settings, label: Sequence[str], *,
           judged: Mapping[int, Sequence[float]], cited: Sequence[int], parts: Sequence[float] = ()) -> Decision:
    """The verdict from a claim's ranked rows and kept evidence; `owner[i]` is passage i's
    source, `label[i]` names it for the reason, `judged` holds the judge's features of each
    judged passage by position, `cited` every passage position of the claim's readable
    cited sources and `parts` the best support of each clause of a long claim
    (pipeline/match/clause_support.py; () for a claim of one clause).

    The verdict model (pipeline/match/verdict_model.py) gives each class a probability from
    VERDICT_FEATURES (pipeline/match/verdict_features.py) and the likeliest is taken
    (verdict_model.likeliest), within what the evidence allows: `contradicted` only with something an editor can be
    shown to say otherwise (a judged passage with an explicit reversal, or a number the
    sources give differently), `supported` and `partially_supported` only when a passage was
    judged. A source that contradicts it outright (verdict_model.contradicted_outright) makes
    it contradicted first. With no passage judged at all the claim is unsupported."""
    key = key_terms(claim.view, settings)
    inputs = verdict_inputs(claim, rows, kept, owner, index, settings, key=key, is_compound=compound(claim, settings),
                            judged=judged, cited=cited, parts=parts)
    closest = max(kept, key=lambda row: row.coverage, default=None)
    if inputs.best is None and inputs.number is None:
        return Decision("unsupported", 0.0, _unsupported_reason(closest, label), inputs=inputs)
    probabilities = verdict_model(settings).probabilities(inputs.values)
    verdict = ("contradicted" if contradicted_outright(inputs.named(), settings.match.contradict_min)
               else likeliest(probabilities, allowed_verdicts(inputs)))
    ordered = tuple((name, round(probabilities[name], 4)) for name in VERDICT_CLASSES)
    score = round(probabilities[verdict], 4)
    if verdict == "contradicted":
        worst = inputs.worst
        if worst is not None:
            return Decision(verdict, score, f"{label[worst.position]} says otherwise: {worst.reason}.", ordered, inputs,
                            worst.position)
        if inputs.number is not None:
            return Decision(verdict, score, inputs.number.reason, ordered, inputs, inputs.number.position)
        against = inputs.against
        assert against is not None
        return Decision(verdict, score, f"{label[against.position]} reads as saying otherwise (the judge gives "
                        f"{against.contradict:.2f} for contradicting, {against.support:.2f} for supporting), "
                        "though no explicit negation or reversal was found in it.", ordered, inputs,
                        against.position)
    if verdict == "unsupported":
        return Decision(verdict, score, _unsupported_reason(closest, label), ordered, inputs)
    best = inputs.best
    assert best is not None
    if verdict == "supported":
        if compound(claim, settings) and (best.missing_keys & {term.key for term in key}):
            return Decision(verdict, score, f"Together the cited passages state it ({inputs.union:.0%} of its terms).",
                            ordered, inputs)
        return Decision(verdict, score, f"{label[best.position]} states it (score {inputs.support:.2f}).",
                        ordered, inputs)
    gaps = [*(f'"{quantity.text}"' for quantity in inputs.unsaid[:2]),
            *(f'"{term.word}"' for term in _by_weight(claim, inputs.missing)[:5])][:5]
    if not gaps and inputs.overstated:
        return Decision(verdict, score, "The cited sources support it, but less firmly than it says.", ordered,
                        inputs)
    return Decision(verdict, score, "The cited sources support part of it; nothing in them matches "
                    f"{', '.join(gaps) or 'its exact wording'}.", ordered, inputs)


def _unsupported_reason(closest: Row | None, label: Sequence[str]) -> str:
    if closest is None:
        return "No passage of the cited sources is about what it says."
    return (f"No cited passage states it; the closest, {label[closest.position]}, shares only "
            f"{closest.coverage:.0%} of its terms.")


def _by_weight(claim: ClaimSignals, terms: Sequence[Term]) -> list[Term]:
    """`terms` most specific first (highest IDF), claim order among equals."""
    weight = {term.key: w for term, w in zip(claim.view.terms, claim.weights)}
    return sorted(terms, key=lambda term: -weight.get(term.key, 0.0))
