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
  4. ask the judge (pipeline/match/judge.py) about the best `judge_top`: the probability that each
     supports and that it contradicts the claim; relations follow from the [match]
     thresholds (contradicts, supports, related);
  5. keep the judged passages that are evidence, and per source the few passages that
     together carry the most of the claim (a greedy cover: a long sentence listing four
     practices is said by four source sentences, never by one);
  6. one verdict per claim (pipeline/match/verdict.py): contradicted when a passage with an
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
     "total sleep time rose by 12 min"); that passage becomes the claim's first evidence.

Measured with bench/evidence_eval.py on Check-COVID dev (models and thresholds fitted on
train only): evidence R@1 0.367, R@3 0.623, MRR 0.545 (plain BM25 with stemming 0.314 /
0.560 / 0.496; on the SUPPORT and REFUTE claims alone R@3 0.770); verdict macro-F1 0.431
from the whole abstract (REFUTE F1 0.443, recall 0.41), 0.543 from the gold evidence
sentences; SciFact pairs accuracy 0.635 (majority class 0.656).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Settings
from ..language.cues import Term, absence_cue
from ..language.outlets import source_names
from ..language.number_clash import number_conflict, number_disagreements
from ..records import Claim, Evidence, Judgement, Relation, Source, Verdict
from .features import ClaimSignals, claim_signals
from .judge import PairJudgement, get_judge
from .ranking import Place, Ranked, index_passages, judge_ranked, rank_passages
from .retrieval import PassageIndex, claim_view
from .verdict import Row, claim_rows, decide, keep_rows, key_terms


@dataclass(frozen=True, slots=True)
class PassageJudgement:
    """A claim judged against a list of passages (the `claimcheck evidence` verb).

    `scores[i]` is passage i's score (0..1); `ranking` lists every passage index best first;
    `evidence` the indices judged to support or contradict; `relations[i]` is passage i's
    relation, or None when it is not evidence.
    """

    scores: tuple[float, ...]
    ranking: tuple[int, ...]
    evidence: tuple[int, ...]
    verdict: Verdict
    relations: tuple[Relation | None, ...] = ()
    reason: str = ""


def judge_passages(claim: str, passages: Sequence[str], settings: Settings) -> PassageJudgement:
    """Score, rank and judge `passages` (plain strings in document order; each gets its
    neighbours as context) for one claim: the `claimcheck evidence` verb. Same ranking,
    judgement and verdict rules as `match_claims`."""
    index, places = index_passages(passages, settings)
    owner = [""] * len(passages)
    rows, signals = _rows_for(claim, list(range(len(passages))), index, places, owner, settings, frozenset())
    kept = keep_rows(signals, rows, owner, index, settings)
    relation_of = {row.position: row.relation for row in kept}
    score_of = {row.position: row.score for row in rows}
    scores = tuple(score_of.get(i, 0.0) for i in range(len(passages)))
    ranked = [row.position for row in rows]
    ranking = tuple(ranked + [i for i in range(len(passages)) if i not in score_of])
    evidence = tuple(i for i in ranked if relation_of.get(i) in ("supports", "contradicts"))
    cue = absence_cue(claim, settings.lexicon("absence"))
    if cue is not None:
        verdict: Verdict = "unverifiable"
        reason = f'It asserts an absence of evidence ("{cue.surface}"), which no passage can confirm.'
    elif not passages:
        verdict, reason = "unverifiable", "No passages were given."
    else:
        verdict, _, reason = decide(signals, rows, kept, owner, index, settings,
                                    [f"passage {i}" for i in range(len(passages))])
        if verdict in ("supported", "partially_supported", "unsupported"):
            found = _numbers_check(signals, rows, kept if verdict != "unsupported" else [],
                                   {"": list(range(len(passages)))}, [""], owner, index, settings)
            if found is not None:
                position, why = found
                verdict, reason = "contradicted", why.replace("source []", f"passage {position}")
                relation_of[position] = "contradicts"
                evidence = (position, *(i for i in evidence if i != position))
    return PassageJudgement(scores, ranking, evidence, verdict, tuple(relation_of.get(i) for i in range(len(passages))),
                            reason)


def match_claims(
    claims: Sequence[Claim], sources: Sequence[Source], settings: Settings
) -> tuple[tuple[Evidence, ...], tuple[Judgement, ...]]:
    """Evidence for every claim from its cited sources, and one Judgement per claim, in
    claim order (see the module docstring for the steps)."""
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
    evidence: list[Evidence] = []
    judgements: list[Judgement] = []
    for claim in claims:
        cited = tuple(dict.fromkeys(claim.citations))
        readable = [sid for sid in cited if sid in positions]
        known = frozenset().union(*(names.get(sid, frozenset()) for sid in cited))
        rows, signals = _rows_for(claim.text, [i for sid in readable for i in positions[sid]], index, places,
                                  owner, settings, known)
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
            verdict, score, reason = decide(signals, rows, kept, owner, index, settings, label)
            if verdict in ("supported", "partially_supported", "unsupported"):
                found = _numbers_check(signals, rows, kept if verdict != "unsupported" else [], positions, readable,
                                       owner, index, settings)
                if found is not None:
                    position, reason = found
                    verdict = "contradicted"
                    score = max(score, next((r.score for r in rows if r.position == position), 0.0))
                    evidence = _as_contradiction(evidence, claim.id, position, rows, owner, passage_ids, keys)
            unread = [sid for sid in cited if sid not in positions]
            if verdict == "unsupported" and unread:
                # What could not be read may be what supports it: say so rather than "unsupported".
                why = "; ".join(_unreadable(sid, by_id) for sid in unread)
                verdict, reason = ("unverifiable", "The readable sources do not support it, and the rest could "
                                   f"not be read ({why}).")
            judgements.append(Judgement(claim.id, verdict, score, reason))
    return tuple(evidence), tuple(judgements)


def _rows_for(claim: str, positions: Sequence[int], index: PassageIndex, places: Mapping[int, Place],
              owner: Sequence[str], settings: Settings, names: frozenset[str]) -> tuple[list[Row], ClaimSignals]:
    """The claim's candidate passages ranked, the best `judge_top` of each source judged:
    (rows best first, the claim's signals)."""
    signals = claim_signals(claim_view(claim, settings, names), index, settings)
    ranked = rank_passages(signals, positions, index, places, settings)
    judge = get_judge(settings)
    by_source: dict[str, list[Ranked]] = {}
    for row in ranked:
        by_source.setdefault(owner[row.position], []).append(row)
    answers: dict[int, PairJudgement] = {}
    for group in by_source.values():
        top = group[: settings.match.judge_top]
        answers.update(zip((row.position for row in top), judge_ranked(signals, top, index, settings, judge)))
    return claim_rows(signals, ranked, answers, index, settings), signals


def _numbers_check(
    signals: ClaimSignals, rows: Sequence[Row], kept: Sequence[Row], positions: Mapping[str, list[int]],
    readable: Sequence[str], owner: Sequence[str], index: PassageIndex, settings: Settings,
) -> tuple[int, str] | None:
    """A claim whose number the cited sources give differently is contradicted (the
    contract's "different number"), however well its words match: (the passage that gives
    the other number, the reason), or None. The number is looked for beside `kept` first
    (the evidence of a claim found supported); then in any cited passage that gives a number of its kind for the same measured
    thing (`polarity.number_conflict`), since such a passage may share few of the claim's
    words ("total sleep time rose by 12 min" for "added half an hour of sleep")."""
    quantities = signals.view.quantities
    if not quantities:
        return None
    near: list[int] = []
    for row in kept:
        for position in (row.position, row.position - 1, row.position + 1):
            if 0 <= position < len(owner) and owner[position] == owner[row.position] and position not in near:
                near.append(position)
    mine = [i for sid in readable for i in positions[sid]]
    everywhere = [index.docs[i].text for i in mine]
    found = number_disagreements(quantities, [index.docs[i].text for i in near], everywhere, settings)
    if found:
        quantity, other, where = found[0]
        return near[where], f'The claim says "{quantity.text}" where source [{owner[near[where]]}] says "{other.text}".'
    ranked = [row.position for row in rows]
    order = ranked + [i for i in mine if i not in set(ranked)]
    about = frozenset(term.key for term in key_terms(signals.view, settings))
    conflict = number_conflict(signals.view.text, quantities, [index.docs[i].text for i in order], everywhere,
                               about, settings)
    if conflict is None:
        return None
    quantity, other, where = conflict
    return (order[where], f'The claim says "{quantity.text}" where source [{owner[order[where]]}] says '
            f'"{other.text}" of the same measure.')


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
