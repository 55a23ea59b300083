"""A learned flag gate keeps or drops a candidate flag (pipeline/assess/gates.py). None ships
today (too few labelled candidates, docs/decisions.md), so these tests write their own gate
files: one that turns every candidate of a code down, one that keeps every candidate."""

from __future__ import annotations

import dataclasses
import json

import pytest
from test_assess import flags_for

from pipeline.assess.gates import GATE_FEATURES, flag_gates
from pipeline.config import load_settings
from pipeline.errors import ConfigError

GENERAL = "Weekly gardening is associated with lower systolic blood pressure."


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def gate_file(tmp_path, bias: float, code: str = "GENERALIZATION"):
    """A gate set whose gate for `code` ignores its features and answers by its bias."""
    model = {"name": code, "features": list(GATE_FEATURES), "classes": ["0", "1"],
             "mean": [0.0] * len(GATE_FEATURES), "scale": [1.0] * len(GATE_FEATURES),
             "weights": [dict.fromkeys(GATE_FEATURES, 0.0)], "bias": [bias], "about": {}}
    path = tmp_path / f"gates-{code}-{bias}.json"  # models are cached by path
    path.write_text(json.dumps({"about": {}, "models": {code: model}}), encoding="utf-8")
    return path


def with_gates(settings, path):
    return dataclasses.replace(settings, assess=dataclasses.replace(settings.assess, flag_gates=str(path)))


def test_without_a_gate_the_rule_raises_the_flag(settings):
    assert flag_gates(settings) == {} or "GENERALIZATION" not in flag_gates(settings)
    flags, _ = flags_for(settings, GENERAL, "2")
    assert "GENERALIZATION" in flags


def test_a_gate_that_turns_candidates_down_drops_only_its_code(settings, tmp_path):
    gated = with_gates(settings, gate_file(tmp_path, bias=-5.0))
    flags, _ = flags_for(gated, GENERAL, "2")
    assert "GENERALIZATION" not in flags
    other = with_gates(settings, gate_file(tmp_path, bias=-5.0, code="MISATTRIBUTION"))
    assert "GENERALIZATION" in flags_for(other, GENERAL, "2")[0]


def test_a_gate_that_keeps_candidates_keeps_the_flag(settings, tmp_path):
    kept = with_gates(settings, gate_file(tmp_path, bias=5.0))
    assert "GENERALIZATION" in flags_for(kept, GENERAL, "2")[0]


def test_a_gate_file_with_other_features_is_refused(settings, tmp_path):
    path = gate_file(tmp_path, bias=0.0)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["models"]["GENERALIZATION"]["features"][0] = "not_a_feature"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError):
        flag_gates(with_gates(settings, path))
