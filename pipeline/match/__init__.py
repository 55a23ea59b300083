"""Match: each claim × the passages of its cited sources → scored evidence and a verdict.

Takes: an `Article`'s claims and the `Source`s. Gives: one `Judgement` per claim (its
evidence, each with a score and a relation, and its verdict).

    matcher    the entry point, and `judge_passages` for the batch verb
    retrieval  a claim's content terms, passages indexed once, BM25
    features   cheap features of a claim × passage pair
    ranking    ranking a claim's candidate passages, asking the judge about the best
    judge      the support judgement (pluggable): supports, contradicts, related
    choice     which judge answers (`[judge] use`, `--judge`), its answer cache, the fallback
    llm_judge  the openai:MODEL judge (prompt, answer schema, validation)
    nli_judge  the nli:PATH judge (a local ONNX model)
    verdict    from judged passages to the evidence kept and the verdict
    reading    the verdict from a reading judge's stances
"""

from __future__ import annotations

from .choice import (
    JudgeCache,
    MemoryCache,
    build_judge,
    choose_judge,
    get_judge,
    judging,
    keeps_answers,
    passage_key,
)
from .judge import Judge, PairJudgement
from .matcher import PassageJudgement, judge_passages, judge_passages_many, match_claims

__all__ = [
    "Judge",
    "JudgeCache",
    "MemoryCache",
    "PairJudgement",
    "PassageJudgement",
    "build_judge",
    "choose_judge",
    "get_judge",
    "judge_passages",
    "judge_passages_many",
    "judging",
    "keeps_answers",
    "match_claims",
    "passage_key",
]
