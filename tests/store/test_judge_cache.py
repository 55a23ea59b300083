"""The run store as the judges' answer cache: kept by (judge id, claim text, passage hash),
read back whole, replaced when kept again, and kept apart per judge and per claim."""

from __future__ import annotations

from pathlib import Path

from pipeline.match import PairJudgement, passage_key
from pipeline.store import MIGRATIONS, Store


def test_answers_are_kept_by_judge_claim_and_passage(tmp_path: Path) -> None:
    assert "0004_judge_cache" in [name for name, _ in MIGRATIONS]
    first, second = passage_key("Passage one."), passage_key("Passage two.")
    answer = PairJudgement(1.0, 0.0, "it says so", stance="supports", span="Passage one", judge="openai:m")
    with Store(tmp_path / "runs.db") as store:
        cache = store.judge_cache()
        assert cache.lookup("openai:m@x#1", "A claim.", [first, second]) == {}
        cache.keep("openai:m@x#1", "A claim.", {first: answer})
    with Store(tmp_path / "runs.db") as store:  # kept across connections (another run)
        cache = store.judge_cache()
        found = cache.lookup("openai:m@x#1", "A claim.", [first, second])
        # What the judge said is kept; who answered is the caller's to say.
        assert found == {first: PairJudgement(1.0, 0.0, "it says so", stance="supports", span="Passage one")}
        assert cache.lookup("openai:other@x#1", "A claim.", [first]) == {}
        assert cache.lookup("openai:m@x#1", "A claim!", [first]) == {}
        cache.keep("openai:m@x#1", "A claim.", {first: PairJudgement(0.0, 1.0, "no", stance="contradicts")})
        assert cache.lookup("openai:m@x#1", "A claim.", [first])[first].stance == "contradicts"
        assert store.count("judge_answers") == 1
