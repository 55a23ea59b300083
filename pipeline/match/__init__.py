"""Match: each claim × the passages of its cited sources → scored evidence and a verdict.

Takes: an `Article`'s claims and the `Source`s. Gives: one `Judgement` per claim (its
evidence, each with a score and a relation, and its verdict).

    matcher    the entry point, and `judge_passages` for the batch verb
    retrieval  a claim's content terms, passages indexed once, BM25
    features   cheap features of a claim × passage pair
    ranking    ranking a claim's candidate passages, asking the judge about the best
    judge      the support judgement (pluggable): supports, contradicts, related
    verdict    from judged passages to the evidence kept and the verdict
"""

from __future__ import annotations

from .matcher import PassageJudgement, judge_passages, match_claims

__all__ = ["PassageJudgement", "judge_passages", "match_claims"]
