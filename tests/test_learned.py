"""The sparse linear model format of pipeline/learned.py: read from JSON, applied as a sum
over the features a text has, and refused with a clear error when the file is wrong."""

from __future__ import annotations

import json
import math

import pytest

from pipeline.errors import ConfigError
from pipeline.learned import SparseModel, load_sparse_model, sparse_model_from_json

STORED = {
    "name": "toy",
    "kind": "sparse",
    "classes": ["low", "high"],
    "bias": [0.5, -0.5],
    "about": {"note": "written for this test"},
    "weights": {"w=warm": [-1.0, 1.0], "w=frost": [2.0, 0.0]},
}


def test_scores_add_the_weights_of_the_features_present():
    model = sparse_model_from_json(STORED)
    assert model.scores({}) == [0.5, -0.5]
    assert model.scores({"w=warm": 1.0}) == [-0.5, 0.5]
    assert model.scores({"w=warm": 1.0, "w=frost": 1.0}) == [1.5, 0.5]


def test_a_feature_the_model_does_not_list_weighs_nothing():
    model = sparse_model_from_json(STORED)
    assert model.scores({"w=never-seen": 1.0, "w=warm": 1.0}) == model.scores({"w=warm": 1.0})


def test_probabilities_are_the_softmax_of_the_scores():
    probabilities = sparse_model_from_json(STORED).probabilities({"w=warm": 1.0})
    assert probabilities["high"] == pytest.approx(math.exp(0.5) / (math.exp(0.5) + math.exp(-0.5)))
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_json_round_trip_keeps_every_weight():
    model = sparse_model_from_json(STORED)
    again = sparse_model_from_json(json.loads(json.dumps(model.to_json())))
    assert again == SparseModel("toy", ("low", "high"), (0.5, -0.5),
                                {"w=frost": (2.0, 0.0), "w=warm": (-1.0, 1.0)}, {"note": "written for this test"})


@pytest.mark.parametrize(
    "broken",
    [
        {**STORED, "kind": "dense"},
        {**STORED, "bias": [0.5]},
        {**STORED, "weights": {"w=warm": [1.0]}},
        {**STORED, "weights": {"w=warm": ["a", "b"]}},
        {key: value for key, value in STORED.items() if key != "classes"},
    ],
)
def test_a_malformed_file_is_a_config_error(broken):
    with pytest.raises(ConfigError):
        sparse_model_from_json(broken)


def test_loading_reads_the_file_and_names_a_missing_one(tmp_path):
    path = tmp_path / "toy.json"
    path.write_text(json.dumps(STORED), encoding="utf-8")
    assert load_sparse_model(str(path)).classes == ("low", "high")
    with pytest.raises(ConfigError, match="not found"):
        load_sparse_model(str(tmp_path / "absent.json"))
