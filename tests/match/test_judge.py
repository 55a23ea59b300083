"""The judge interface, the default lexical judge, and the stored linear models."""

from __future__ import annotations

import json
import sys
import types

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.learned import LinearModel, load_model, model_from_json
from pipeline.match.choice import get_judge
from pipeline.match.features import JUDGE_FEATURES, RANK_FEATURES
from pipeline.match.judge import (
    Candidate,
    Judge,
    LexicalJudge,
    PairJudgement,
    relation_of,
)
from pipeline.match.matcher import judge_passages


@pytest.fixture(scope="module")
def settings():
    return load_settings()


# ── the plug-in point ─────────────────────────────────────────────────────────────────────


class _EchoJudge:
    """A judge that supports a passage when it contains the claim's last word: what a plug-in
    (a local model, an LLM endpoint) looks like to match."""

    name = "echo"
    wants_features = False

    def __init__(self, settings):
        self.calls = []

    def judge(self, claim, candidates):
        self.calls.append((claim, [candidate.text for candidate in candidates]))
        word = claim.rstrip(".").split()[-1].lower()
        return [PairJudgement(0.9 if word in c.text.lower() else 0.0, 0.0, "") for c in candidates]


@pytest.fixture
def echo_module(monkeypatch):
    module = types.ModuleType("echo_judges")
    module.EchoJudge = _EchoJudge
    monkeypatch.setitem(sys.modules, "echo_judges", module)
    return module


def test_a_judge_named_module_attribute_is_used_without_touching_callers(settings, echo_module):
    plugged = settings.with_judge(use="echo_judges:EchoJudge")
    judge = get_judge(plugged)
    assert isinstance(judge, _EchoJudge) and isinstance(judge, Judge)
    passages = ["Compost is rotted matter.", "Compost feeds worms in spring."]
    judged = judge_passages("Compost feeds worms.", passages, plugged)
    assert judged.verdict == "supported"
    assert judged.relations[1] == "supports"
    assert judge.calls and all(isinstance(text, str) for text in judge.calls[0][1])
    assert get_judge(plugged) is judge  # built once per settings


@pytest.mark.parametrize("name", ["no_such_judge", "no_such_module_xyz:Judge", "openai:", "nli: "])
def test_an_unknown_judge_is_a_config_error(settings, name):
    with pytest.raises(ConfigError):
        get_judge(settings.with_judge(use=name))


def test_the_default_judge_is_the_lexical_one(settings):
    judge = get_judge(settings)
    assert isinstance(judge, LexicalJudge) and judge.wants_features
    assert judge.model.features == JUDGE_FEATURES


# ── the lexical judge's rules ─────────────────────────────────────────────────────────────


def _candidate(text, **features):
    values = dict.fromkeys(JUDGE_FEATURES, 0.0) | {"coverage": 0.9, "coverage_plain": 0.9} | features
    return Candidate(text, text, 0.8, tuple(values[name] for name in JUDGE_FEATURES))


def test_an_explicit_reversal_on_an_on_topic_passage_contradicts(settings):
    judge = get_judge(settings)
    answer = judge.answer("Weekly gardening reduces stress.", _candidate("Weekly gardening increased stress."),
                          {"supports": 0.7, "contradicts": 0.2})
    assert answer.contradict == 0.7 and answer.support == 0.2
    assert "increased" in answer.reason
    assert relation_of(answer, settings) == "contradicts"


def test_the_same_reversal_on_an_off_topic_passage_does_not(settings):
    judge = get_judge(settings)
    answer = judge.answer("Weekly gardening reduces stress.", _candidate("Weekly gardening increased stress.",
                                                                        coverage=0.2),
                          {"supports": 0.7, "contradicts": 0.2})
    assert (answer.support, answer.contradict, answer.reason) == (0.7, 0.2, "")


def test_a_contradiction_without_a_reason_counts_for_nothing(settings):
    judge = get_judge(settings)
    answer = judge.answer("Gardening helps.", _candidate("Gardening is popular."),
                          {"supports": 0.2, "contradicts": 0.7})
    assert answer.reason == ""
    assert relation_of(answer, settings) != "contradicts"


def test_a_passage_sharing_no_term_is_no_evidence(settings):
    judge = get_judge(settings)
    answer = judge.answer("Gardening helps.", _candidate("Bridges need steel.", coverage=0.0, coverage_plain=0.0),
                          {"supports": 0.9, "contradicts": 0.0})
    assert relation_of(answer, settings) is None


# ── stored models ─────────────────────────────────────────────────────────────────────────


def _tiny() -> dict:
    return {"name": "tiny", "features": ["a", "b"], "classes": ["no", "yes"], "mean": [1.0, 0.0],
            "scale": [2.0, 1.0], "weights": [{"a": 2.0, "b": -1.0}], "bias": [0.5], "about": {"command": "x"}}


def test_a_binary_model_applies_standardised_weights():
    model = model_from_json(_tiny())
    # (3 − 1)/2 · 2 − 1 · 1 + 0.5 = 1.5
    assert model.scores([3.0, 1.0]) == [pytest.approx(1.5)]
    assert model.probabilities([3.0, 1.0])["yes"] == pytest.approx(1 / (1 + 2.718281828459045 ** -1.5))


def test_a_model_round_trips_through_its_json():
    model = model_from_json(_tiny())
    again = model_from_json(json.loads(json.dumps(model.to_json())))
    assert again.scores([0.3, -2.0]) == pytest.approx(model.scores([0.3, -2.0]))


def test_a_model_fitted_on_other_features_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(_tiny()), encoding="utf-8")
    assert load_model(str(path)).name == "tiny"
    with pytest.raises(ConfigError, match="refit"):
        load_model(str(path), RANK_FEATURES)


def test_shipped_models_match_the_code_and_say_how_they_were_trained(settings):
    for path, names in ((settings.match.ranker_model, RANK_FEATURES), (settings.match.judge_model, JUDGE_FEATURES)):
        model = load_model(path, names)
        assert isinstance(model, LinearModel)
        assert "train_evidence.py" in model.about["command"]
        assert "train" in model.about["trained_on"]
