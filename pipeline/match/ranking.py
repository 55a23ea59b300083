"""Ranking a claim's candidate passages and asking the judge about the best of them.

    candidates   all the passages of the claim's cited sources when there are few; else the
                 best `candidates` by BM25 and the best by context coverage (features cost
                 a rapidfuzz call or three each; the rest cannot be the evidence in practice);
    ranking      the evidence ranker (configs/models/evidence_ranker.json, a logistic model
                 over RANK_FEATURES fitted on Check-COVID's train split) gives each candidate
                 the probability that it is the evidence; best first, ties by position;
    judging      the best `judge_top` go to the judge (pipeline/match/judge.py) with JUDGE_FEATURES.

On Check-COVID dev (never used for fitting) the ranker lifts recall@3 from 0.560 (plain BM25
with stemming) to 0.623 and MRR from 0.496 to 0.545 (bench/evidence_eval.py); its file
records its 5-fold numbers on train.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Settings
from ..learned import LinearModel, load_model
from .features import (
    JUDGE_FEATURES,
    RANK_FEATURES,
    ClaimSignals,
    judge_features,
    rank_features,
)
from .judge import Candidate, Judge, PairJudgement
from .retrieval import PassageIndex, weighted_coverage

Place = tuple[int, int]  # (order of the passage in its source, passages in that source)


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate passage with the ranker's probability that it is the evidence."""

    position: int  # into the PassageIndex
    probability: float
    features: tuple[float, ...]


def index_passages(passages: Sequence[str], settings: Settings) -> tuple[PassageIndex, dict[int, Place]]:
    """An index of plain passages in document order (the `claimcheck evidence` input), each
    with a context window of `[match] window` neighbours on either side, and their places."""
    window = settings.match.window
    spans = [range(max(0, i - window), min(len(passages), i + window + 1)) for i in range(len(passages))]
    texts = [(text, " ".join(passages[j] for j in spans[i])) for i, text in enumerate(passages)]
    return PassageIndex(texts, settings, spans), {i: (i, len(passages)) for i in range(len(passages))}


def ranker(settings: Settings) -> LinearModel:
    """The evidence ranker named by `[match] ranker_model`."""
    return load_model(settings.match.ranker_model, RANK_FEATURES)


def candidate_features(claim: ClaimSignals, positions: Sequence[int], index: PassageIndex,
                       places: Mapping[int, Place], settings: Settings) -> list[tuple[int, tuple[float, ...]]]:
    """(position, RANK_FEATURES) of the claim's candidate passages among `positions`."""
    if not positions or not claim.view.terms:
        return []
    keys = [term.key for term in claim.view.terms]
    bm25 = index.bm25(keys, positions if len(positions) < len(index) else None)
    limit = settings.match.candidates
    chosen: Sequence[int] = positions
    if len(positions) > limit:
        by_bm25 = sorted(positions, key=lambda i: -bm25.get(i, 0.0))[:limit]
        by_context = sorted(positions, key=lambda i: -weighted_coverage(
            claim.view, index.docs[i].context_keys, index, claim.weights)[0])[:limit]
        chosen = sorted(set(by_bm25) | set(by_context))
    top = max((bm25.get(i, 0.0) for i in chosen), default=0.0)
    return [(i, tuple(rank_features(claim, i, index, bm25.get(i, 0.0), top, places[i], settings)))
            for i in chosen]


def rank_passages(claim: ClaimSignals, positions: Sequence[int], index: PassageIndex,
                  places: Mapping[int, Place], settings: Settings, model: LinearModel | None = None) -> list[Ranked]:
    """The claim's candidate passages, most probably the evidence first."""
    model = model or ranker(settings)
    rows = []
    for position, features in candidate_features(claim, positions, index, places, settings):
        probability = model.probabilities(features)[model.classes[-1]]
        rows.append(Ranked(position, probability, features))
    rows.sort(key=lambda row: (-row.probability, row.position))
    return rows


def judge_candidates(claim: ClaimSignals, ranked: Sequence[Ranked], index: PassageIndex, settings: Settings,
                     wants_features: bool) -> list[Candidate]:
    """The best `judge_top` of `ranked` as the judge is shown them, in that order (with
    JUDGE_FEATURES when the judge `wants_features`)."""
    top = ranked[: settings.match.judge_top]
    probabilities = [row.probability for row in top]
    candidates = []
    for rank, row in enumerate(top):
        features = tuple(judge_features(claim, row.position, index, probabilities, rank, settings)) \
            if wants_features else ()
        doc = index.docs[row.position]
        candidates.append(Candidate(doc.text, doc.context, row.probability, features, claim.contested))
    return candidates


def judge_ranked(claim: ClaimSignals, ranked: Sequence[Ranked], index: PassageIndex, settings: Settings,
                 judge: Judge) -> list[PairJudgement]:
    """The judge's answers for the best `judge_top` of `ranked`, in that order."""
    candidates = judge_candidates(claim, ranked, index, settings, judge.wants_features)
    return judge.judge(claim.view.text, candidates) if candidates else []


def judge_feature_rows(claim: ClaimSignals, ranked: Sequence[Ranked], index: PassageIndex,
                       settings: Settings) -> list[tuple[int, tuple[float, ...]]]:
    """(position, JUDGE_FEATURES) of the best `judge_top` of `ranked` (for fitting a judge)."""
    top = ranked[: settings.match.judge_top]
    probabilities = [row.probability for row in top]
    return [(row.position, tuple(judge_features(claim, row.position, index, probabilities, rank, settings)))
            for rank, row in enumerate(top)]


__all__ = ["JUDGE_FEATURES", "RANK_FEATURES", "Place", "Ranked", "candidate_features", "index_passages",
           "judge_candidates", "judge_feature_rows", "judge_ranked", "rank_passages", "ranker"]
