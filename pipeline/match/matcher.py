"""Match: each claim × the passages of its cited sources → scored evidence and a verdict.

The stage, in order (`match_claims`; `judge_passages` is the same for one claim and a list
of plain passages, the `claimcheck evidence` verb):
  1. index every passage of every readable source once (pipeline/match/retrieval.py: term keys
     with synonyms and abbreviations applied, context windows, BM25 postings);
  2. per claim, read its content terms, leaving out its frame: reporting verbs, unnamed
     sources ("health sites"), hedges, and the outlets it names ("Healthline notes X" asks
     Healthline for X, not for the word "Healthline");
  3. rank the passages of the claim's cited sources with the evidence ranker (a logistic
     model over cheap features, pipeline/match/ranking.py); a passage's score is the ranker's
     probability that it is the evidence;
  4. ask the judge (pipeline/match/judge.py; which one, pipeline/match/choice.py) about the
     best `judge_top` of each cited source, every claim's question at once: the probability
     that each passage supports and that it contradicts the claim; relations follow from the
     [match] thresholds (contradicts, supports, related), or from a reading judge's stances;
  5. keep the judged passages that are evidence, and per source the few passages that
     together carry the most of the claim (a greedy cover: a long sentence listing four
     practices is said by four source sentences, never by one);
  6. one verdict per claim: from a reading judge's stances (nli, openai: pipeline/match/
     reading.py), else (pipeline/match/verdict.py): contradicted when a passage with an
     explicit reversal (negation, reversed direction, other number, antonym) outweighs all
     support; supported when a source supports it (judge probability ≥ support_min) and its
     key content is carried, or, for a long claim, the kept passages together carry it;
     partially supported when only part is carried; else unsupported. Unverifiable instead
     when the claim cites nothing, states an absence of evidence ("no trials have..."), when
     no cited source could be read, or the readable ones do not support it and the others
     could not be read (they may be the support). A number the sources give differently
     makes it contradicted: beside the evidence of a supported claim, or, for any claim,
     in a cited passage that gives a number of its kind for the same measure (the words
     around the two numbers share a key term: "added half an hour of sleep" against
     "total sleep time rose by 12 min"); that passage becomes the claim's first evidence
     (for the default judge: a reading judge is asked about numbers itself).

Measured with bench/evidence_eval.py on Check-COVID dev (models and thresholds fitted on
train only): evidence R@1 0.367, R@3 0.623, MRR 0.545 (plain BM25 with stemming 0.314 /
0.560 / 0.496; on the SUPPORT and REFUTE claims alone R@3 0.770); verdict macro-F1 0.431
from the whole abstract (REFUTE F1 0.443, recall 0.41), 0.543 from the gold evidence
sentences; SciFact pairs accuracy 0.635 (majority class 0.656).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
import dataclasses
from dataclasses import dataclass

from ..config import Settings
from ..language.cues import Term, absence_cue
from ..language.outlets import source_names
from ..records import Claim, Evidence, Judgement, Relation, Source, Verdict
from .choice import ask_judge, get_judge, lexical_judge
from .clause_support import clause_support
from .features import ClaimSignals, claim_signals
from .judge import Candidate, Judge, JudgeRequest, PairJudgement
from .ranking import Place, Ranked, index_passages, judge_candidates, rank_passages
from .reading import read_verdict, reads
from .retrieval import PassageIndex, claim_view
from .verdict import Decision, Row, claim_rows, decide, keep_rows, key_terms

# Called with (claim text, decision) for every claim the verdict model decides: how
# bench/train_decisions.py reads the verdict features of a whole run.
Observer = Callable[[str, Decision], None]


@dataclass(frozen=True, slots=True)
class PassageJudgement:
    """A claim judged against a list of passages (the `claimcheck evidence` verb).

    `scores[i]` is passage i's score (0..1); `ranking` lists every passage index best first;
    `evidence` the indices judged to support or contradict; `relations[i]` is passage i's
    relation, or None when it is not evidence. `judge` names the judge that decided the
    verdict ("" when no passage was judged); `judge_fallback` says why the judge chosen did
    not ("" when it did).
    """

    scores: tuple[float, ...]
    ranking: tuple[int, ...]
    evidence: tuple[int, ...]
    verdict: Verdict
    relations: tuple[Relation | None, ...] = ()
    reason: str = ""
    judge: str = ""
    judge_fallback: str = ""


def judge_passages(claim: str, passages: Sequence[str], settings: Settings,
                   judge: Judge | None = None) -> PassageJudgement:
    """Score, rank and judge `passages` (plain strings in document order; each gets its
    neighbours as context) for one claim: the `claimcheck evidence` verb. Same ranking,
    judgement and verdict rules as `match_claims`; `judge` defaults to `[judge] use`'s."""
    return judge_passages_many([(claim, passages)], settings, judge)[0]


def judge_passages_many(items: Sequence[tuple[str, Sequence[str]]], settings: Settings,
                        judge: Judge | None = None, observe: Observer | None = None) -> list[PassageJudgement]:
    """`judge_passages` for several (claim, passages) at once: the judge is asked about all
    of them together (an endpoint answers them concurrently, a local model in batches).
    `observe`, when given, is called with each claim the verdict model decides."""
    judge = judge or get_judge(settings)
    prepared = []
    for claim, passages in items:
        index, places = index_passages(passages, settings)
        question = _ask_about(claim, list(range(len(passages))), index, places, [""] * len(passages), settings,
                              frozenset(), judge)
        prepared.append((claim, passages, index, question))
    replies = ask_judge(judge, [question.request for *_, question in prepared])
    return [_passage_judgement(claim, passages, index, question, reply, settings, judge, observe)
            for (claim, passages, index, question), reply in zip(prepared, replies, strict=True)]


def _passage_judgement(claim: str, passages: Sequence[str], index: PassageIndex, question: _Question,
                       replies: Sequence[PairJudgement], settings: Settings, judge: Judge,
                       observe: Observer | None) -> PassageJudgement:
    """One claim of `judge_passages_many`, from the judge's replies."""
    owner = [""] * len(passages)
    rows, answers = _rows(question, replies, index, settings)
    signals = question.signals
    kept = keep_rows(signals, rows, owner, index, settings)
    relation_of = {row.position: row.relation for row in kept}
    score_of = {row.position: row.score for row in rows}
    scores = tuple(score_of.get(i, 0.0) for i in range(len(passages)))
    ranked = [row.position for row in rows]
    ranking = tuple(ranked + [i for i in range(len(passages)) if i not in score_of])
    evidence = tuple(i for i in ranked if relation_of.get(i) in ("supports", "contradicts"))
    cue = absence_cue(claim, settings.lexicon("absence"))
    decided_by = ("", "")
    if cue is not None:
        decision = Decision("unverifiable", 0.0,
                            f'It asserts an absence of evidence ("{cue.surface}"), which no passage can confirm.')
    elif not passages:
        decision = Decision("unverifiable", 0.0, "No passages were given.")
    else:
        labels = [f"passage {i}" for i in range(len(passages))]
        decision = _decide(question, rows, kept, answers, owner, index, settings, labels, range(len(passages)),
                           observe)
        decided_by = _decided_by(answers, judge)
        if decision.against is not None:
            position = decision.against
            decision = dataclasses.replace(decision, reason=decision.reason.replace("source []", f"passage {position}"))
            relation_of[position] = "contradicts"
            evidence = (position, *(i for i in evidence if i != position))
    return PassageJudgement(scores, ranking, evidence, decision.verdict,
                            tuple(relation_of.get(i) for i in range(len(passages))), decision.reason, *decided_by)


def match_claims(
    claims: Sequence[Claim], sources: Sequence[Source], settings: Settings, judge: Judge | None = None,
    observe: Observer | None = None,
) -> tuple[tuple[Evidence, ...], tuple[Judgement, ...]]:
    """Evidence for every claim from its cited sources, and one Judgement per claim, in
    claim order (see the module docstring for the steps). `judge` defaults to
    `[judge] use`'s; it is asked about every claim at once (so it may answer concurrently).
    `observe`, when given, is called with each claim the verdict model decides."""
    judge = judge or get_judge(settings)
    by_id = {source.id: source for source in sources}
    texts: list[tuple[str, str]] = []
    owner: list[str] = []
    passage_ids: list[str] = []
    positions: dict[str, list[int]] = {}
    places: dict[int, Place] = {}
    for source in sources:
        if source.status != "ok":
            continue
        mine = positions.setdefault(source.id, [])
        for order, passage in enumerate(source.passages):
            places[len(texts)] = (order, len(source.passages))
            mine.append(len(texts))
            texts.append((passage.text, passage.context))
            owner.append(source.id)
            passage_ids.append(passage.id)
    index = PassageIndex(texts, settings)
    label = [f"source [{sid}] ({pid})" for sid, pid in zip(owner, passage_ids)]
    names = {source.id: source_names(source, settings) for source in sources}
    absence = settings.lexicon("absence")
    asked = []
    for claim in claims:
        cited = claim.checked_citations
        known = frozenset().union(*(names.get(sid, frozenset()) for sid in cited))
        asked.append(_ask_about(claim.text, [i for sid in cited if sid in positions for i in positions[sid]], index,
                                places, owner, settings, known, judge))
    replies = ask_judge(judge, [question.request for question in asked])
    evidence: list[Evidence] = []
    judgements: list[Judgement] = []
    for claim, question, reply in zip(claims, asked, replies, strict=True):
        cited = claim.checked_citations
        readable = [sid for sid in cited if sid in positions]
        rows, answers = _rows(question, reply, index, settings)
        signals = question.signals
        kept = keep_rows(signals, rows, owner, index, settings)
        keys = key_terms(signals.view, settings)
        evidence.extend(
            Evidence(claim.id, owner[row.position], passage_ids[row.position], row.score, row.relation or "related",
                     row.coverage, tuple(term.word for term in keys if term.key in row.missing_keys))
            for row in kept
        )
        cue = absence_cue(claim.text, absence)
        if not cited:
            judgements.append(Judgement(claim.id, "unverifiable", 0.0,
                                        "The sentence cites no source to check it against."))
        elif cue is not None:
            judgements.append(Judgement(claim.id, "unverifiable", 0.0, f'It asserts an absence of evidence '
                                        f'("{cue.surface}"), which no passage can confirm.'))
        elif not readable:
            why = "; ".join(_unreadable(sid, by_id) for sid in cited)
            judgements.append(Judgement(claim.id, "unverifiable", 0.0, f"No cited source could be read ({why})."))
        else:
            decision = _decide(question, rows, kept, answers, owner, index, settings, label,
                               [i for sid in readable for i in positions[sid]], observe)
            verdict, score, reason = decision.verdict, decision.score, decision.reason
            if decision.against is not None:
                evidence = _as_contradiction(evidence, claim.id, decision.against, rows, owner, passage_ids, keys)
            unread = [sid for sid in cited if sid not in positions]
            if verdict == "unsupported" and unread:
                # What could not be read may be what supports it: say so rather than "unsupported".
                why = "; ".join(_unreadable(sid, by_id) for sid in unread)
                verdict, reason = ("unverifiable", "The readable sources do not support it, and the rest could "
                                   f"not be read ({why}).")
            judgements.append(Judgement(claim.id, verdict, score, reason, *_decided_by(answers, judge),
                                        probabilities=decision.probabilities))
    return tuple(evidence), tuple(judgements)


@dataclass(frozen=True, slots=True)
class _Question:
    """A claim's ranked candidates, and what the judge is asked: the best `judge_top` of each
    cited source (`positions` are theirs, in the request's order)."""

    signals: ClaimSignals
    ranked: list[Ranked]
    positions: tuple[int, ...]
    request: JudgeRequest
    clause_support: tuple[float, ...] = ()  # the best support of each clause of a long claim


def _ask_about(claim: str, positions: Sequence[int], index: PassageIndex, places: Mapping[int, Place],
               owner: Sequence[str], settings: Settings, names: frozenset[str], judge: Judge) -> _Question:
    """The claim's candidate passages ranked, and the question for the judge about the best
    `judge_top` of each source (with the judge's features always: the verdict model reads
    them whichever judge answers), and for a claim of several clauses the best support of
    each (pipeline/match/clause_support.py)."""
    signals = claim_signals(claim_view(claim, settings, names), index, settings, positions)
    ranked = rank_passages(signals, positions, index, places, settings)
    by_source: dict[str, list[Ranked]] = {}
    for row in ranked:
        by_source.setdefault(owner[row.position], []).append(row)
    chosen: list[int] = []
    candidates: list[Candidate] = []
    for group in by_source.values():
        top = group[: settings.match.judge_top]
        chosen.extend(row.position for row in top)
        candidates.extend(judge_candidates(signals, top, index, settings, True))
    parts = clause_support(claim, positions, index, places, owner, settings, names, lexical_judge(settings))
    return _Question(signals, ranked, tuple(chosen), JudgeRequest(signals.view.text, tuple(candidates)), parts)


def _rows(question: _Question, replies: Sequence[PairJudgement], index: PassageIndex,
          settings: Settings) -> tuple[list[Row], dict[int, PairJudgement]]:
    """(rows best first, the judge's answers by passage position) of one claim."""
    answers = dict(zip(question.positions, replies, strict=True))
    return claim_rows(question.signals, question.ranked, answers, index, settings), answers


def _decide(question: _Question, rows: Sequence[Row], kept: Sequence[Row], answers: Mapping[int, PairJudgement],
            owner: Sequence[str], index: PassageIndex, settings: Settings, label: Sequence[str],
            cited: Sequence[int], observe: Observer | None) -> Decision:
    """The verdict: a reading judge's stances decide (pipeline/match/reading.py); the default
    judge's answers go through the verdict model of pipeline/match/verdict.py."""
    if reads(answers):
        return Decision(*read_verdict(rows, answers, label))
    judged = {position: candidate.features
              for position, candidate in zip(question.positions, question.request.candidates, strict=True)}
    decision = decide(question.signals, rows, kept, owner, index, settings, label, judged=judged, cited=cited,
                      parts=question.clause_support)
    if observe is not None:
        observe(question.signals.view.text, decision)
    return decision


def _decided_by(answers: Mapping[int, PairJudgement], judge: Judge) -> tuple[str, str]:
    """(the judge that answered a claim, why the judge chosen did not) from its answers."""
    first = next(iter(answers.values()), None)
    if first is None:
        return "", ""
    return first.judge or judge.name, first.fallback


def _as_contradiction(evidence: list[Evidence], claim_id: str, position: int, rows: Sequence[Row],
                      owner: Sequence[str], passage_ids: Sequence[str], keys: Sequence[Term]) -> list[Evidence]:
    """`evidence` with passage `position` (the one giving another number) as the claim's first
    evidence, a contradiction (relabelled when it was already evidence)."""
    pid = passage_ids[position]
    out = [item for item in evidence if not (item.claim_id == claim_id and item.passage_id == pid)]
    row = next((r for r in rows if r.position == position), None)
    missing = tuple(term.word for term in keys if row is None or term.key in row.missing_keys)
    first = next((n for n, item in enumerate(out) if item.claim_id == claim_id), len(out))
    # First among the claim's evidence: it is what the verdict rests on.
    out.insert(first, Evidence(claim_id, owner[position], pid, row.score if row else 0.0, "contradicts",
                               row.coverage if row else 0.0, missing))
    return out


def _unreadable(source_id: str, by_id: Mapping[str, Source]) -> str:
    source = by_id.get(source_id)
    if source is None:
        return f"[{source_id}] is not in the reference list"
    if source.status == "ok":
        return f"[{source_id}] has no readable text"
    return f"[{source_id}] {source.reason or source.status}"
