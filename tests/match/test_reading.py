"""Verdicts from a reading judge's stances (pipeline/match/reading.py), on rows made here."""

from __future__ import annotations

import pytest

from pipeline.match.judge import PairJudgement
from pipeline.match.reading import read_verdict, reads
from pipeline.match.verdict import Row

LABELS = [f"passage {i}" for i in range(4)]


def _row(position: int, score: float = 0.5) -> Row:
    return Row(position, score, None, True, 0.0, 0.0, "", 0.5, frozenset(), frozenset())


def _answer(stance: str, support: float = 0.0, contradict: float = 0.0, span: str = "", reason: str = "r"):
    return PairJudgement(support, contradict, reason, stance=stance, span=span, judge="openai:m")


@pytest.mark.parametrize("stances, verdict", [
    (["supports", "related", "unrelated"], "supported"),
    (["partially_supports", "related", "unrelated"], "partially_supported"),
    (["supports", "partially_supports", "unrelated"], "supported"),
    (["related", "contradicts", "unrelated"], "contradicted"),
    (["supports", "contradicts", "unrelated"], "contradicted"),  # a tie goes to the contradiction
    (["related", "related", "unrelated"], "unsupported"),
    (["unrelated", "unrelated", "unrelated"], "unsupported"),
])
def test_the_stances_decide(stances, verdict) -> None:
    values = {"supports": (1.0, 0.0), "partially_supports": (0.5, 0.0), "contradicts": (0.0, 1.0)}
    answers = {i: _answer(stance, *values.get(stance, (0.0, 0.0)), span="words") for i, stance in enumerate(stances)}
    rows = [_row(i) for i in range(len(stances))]
    assert reads(answers)
    assert read_verdict(rows, answers, LABELS)[0] == verdict


def test_probabilities_weigh_support_against_contradiction() -> None:
    answers = {0: _answer("supports", 0.9, 0.05), 1: _answer("contradicts", 0.1, 0.6)}
    verdict, score, reason = read_verdict([_row(0), _row(1)], answers, LABELS)
    assert (verdict, score) == ("supported", 0.9) and reason == "passage 0 states it: r."
    answers[1] = _answer("contradicts", 0.0, 0.95, span="did not lower it", reason="opposite finding")
    verdict, score, reason = read_verdict([_row(0), _row(1)], answers, LABELS)
    assert (verdict, score) == ("contradicted", 0.95)
    assert reason == 'passage 1 says otherwise: "did not lower it" (opposite finding).'


def test_an_unsupported_claim_says_what_the_judge_read() -> None:
    answers = {0: _answer("related"), 1: _answer("unrelated"), 2: _answer("related")}
    verdict, _, reason = read_verdict([_row(i) for i in range(3)], answers, LABELS)
    assert verdict == "unsupported"
    assert reason == "The judge (openai:m) found 2 of the 3 passages it read are about the claim, but none states it."
    assert not reads({0: PairJudgement(0.9, 0.0)})  # the default judge gives no stance
