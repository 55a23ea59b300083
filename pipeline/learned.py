"""Small linear models stored as readable JSON under configs/models/, applied in plain Python.

The evidence ranker and the support judge are logistic models fitted by
bench/train_evidence.py (scikit-learn, at training time only). What ships is a JSON file per
model: the feature names in order, the standardisation (mean, scale) of each, the weights
and bias (one row per class for a multi-class model), and how it was trained (command,
data split, metrics). Applying one is a dot product, so the runtime needs no scikit-learn
and a reviewer can read which feature pushes which way.

A `SparseModel` (the claim-strength model, bench/train_strength.py) is the same kind of
model over many named 0/1 features of which a text has few (word pairs, cue names): its file
lists only the features that carry weight, each with one weight per class, and a text's score
is the sum over the features it has. Its `about` lists the strongest features of each class.
Several small models that share one feature list (the flag gates, one per flag code) may be
stored in one file: {"about": {...}, "models": {name: model}} (`load_model_set`).

Model paths in settings are relative to the package's configs/ folder unless absolute.
Files are read once per path and kept (they are a few kilobytes).
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .config import default_config_dir
from .errors import ConfigError


@dataclass(frozen=True)
class LinearModel:
    """A (multinomial) logistic model over named features.

    `weights[c][f]` is class c's weight of feature f after standardisation; a binary model
    has one class row (the positive class) and its probability is the logistic of the score.
    """

    name: str
    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]
    about: Mapping[str, Any]

    def scores(self, values: Sequence[float]) -> list[float]:
        """The linear score of each class row for one feature vector (in `features` order)."""
        return [bias + sum(map(operator.mul, row, values)) for row, bias in self._raw]

    @cached_property
    def _raw(self) -> tuple[tuple[tuple[float, ...], float], ...]:
        # The standardisation folded into the weights once: w·(x − m)/s = (w/s)·x − Σ w·m/s.
        folded = []
        for row, bias in zip(self.weights, self.bias):
            weights = tuple(w / scale for w, scale in zip(row, self.scale))
            folded.append((weights, bias - sum(w * mean for w, mean in zip(weights, self.mean))))
        return tuple(folded)

    def probabilities(self, values: Sequence[float]) -> dict[str, float]:
        """{class: probability} for one feature vector."""
        scores = self.scores(values)
        if len(scores) == 1:
            positive = _sigmoid(scores[0])
            return {self.classes[-1]: positive, self.classes[0]: 1 - positive} if len(self.classes) == 2 \
                else {self.classes[0]: positive}
        return _softmax(self.classes, scores)

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON object it is stored as."""
        return {"name": self.name, "features": list(self.features), "classes": list(self.classes),
                "mean": list(self.mean), "scale": list(self.scale),
                "weights": [dict(zip(self.features, row)) for row in self.weights],
                "bias": list(self.bias), "about": dict(self.about)}


def _softmax(classes: Sequence[str], scores: Sequence[float]) -> dict[str, float]:
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return {label: value / total for label, value in zip(classes, exps)}


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    odds = math.exp(value)
    return odds / (1 + odds)


def model_from_json(data: Mapping[str, Any], where: str = "") -> LinearModel:
    """A LinearModel from its stored JSON object; a ConfigError names what is wrong."""
    try:
        features = tuple(str(name) for name in data["features"])
        rows = data["weights"]
        weights = tuple(tuple(float(row[name]) for name in features) for row in rows)
        model = LinearModel(
            str(data.get("name", where)), features, tuple(str(c) for c in data["classes"]),
            tuple(float(v) for v in data["mean"]), tuple(float(v) or 1.0 for v in data["scale"]),
            weights, tuple(float(v) for v in data["bias"]), dict(data.get("about", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"malformed model file: {error!r}", path=where) from None
    if len(model.mean) != len(features) or len(model.scale) != len(features) or len(model.bias) != len(weights):
        raise ConfigError("model file sizes do not agree", path=where)
    return model


def load_model(path: str, expected: Sequence[str] | None = None) -> LinearModel:
    """The model stored at `path` (relative to the package configs/ unless absolute). With
    `expected`, its features must be exactly those names (a model fitted on other features
    would silently misread them)."""
    model = _load(str(_resolve(path)))
    if expected is not None and tuple(expected) != model.features:
        raise ConfigError(f"model features {list(model.features)} differ from the code's {list(expected)}; "
                          "refit it with bench/train_evidence.py", path=path)
    return model


def load_model_set(path: str, expected: Sequence[str] | None = None) -> dict[str, LinearModel]:
    """The models stored together at `path`, by name (see the module docstring); with
    `expected`, each must have exactly those features."""
    models = _load_set(str(_resolve(path)))
    for name, model in models.items():
        if expected is not None and tuple(expected) != model.features:
            raise ConfigError(f"model '{name}' features {list(model.features)} differ from the code's "
                              f"{list(expected)}; refit it with bench/train_decisions.py", path=path)
    return dict(models)


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else default_config_dir() / candidate


@lru_cache(maxsize=16)
def _load(path: str) -> LinearModel:
    return model_from_json(_read_json(path), path)


@lru_cache(maxsize=16)
def _load_set(path: str) -> Mapping[str, LinearModel]:
    data = _read_json(path)
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise ConfigError("model set file has no \"models\" object", path=path)
    return {str(name): model_from_json(model, f"{path}: {name}") for name, model in models.items()}


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise ConfigError("model file not found", path=path) from None
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(f"cannot read model file: {error}", path=path) from None


@dataclass(frozen=True)
class SparseModel:
    """A multinomial logistic model over named features that are mostly absent.

    `weights[f]` holds feature f's weight for each class (in `classes` order); a feature the
    model does not list weighs nothing. Features are not standardised (they are 0/1).
    """

    name: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    about: Mapping[str, Any]

    def scores(self, features: Mapping[str, float]) -> list[float]:
        """The linear score of each class for one text's {feature: value}."""
        totals = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for index, weight in enumerate(row):
                    totals[index] += weight * value
        return totals

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """{class: probability} for one text's {feature: value}."""
        return _softmax(self.classes, self.scores(features))

    def to_json(self) -> dict[str, Any]:
        """The model as the JSON object it is stored as (features sorted by name)."""
        return {"name": self.name, "kind": "sparse", "classes": list(self.classes), "bias": list(self.bias),
                "about": dict(self.about), "weights": {name: list(self.weights[name]) for name in sorted(self.weights)}}


def sparse_model_from_json(data: Mapping[str, Any], where: str = "") -> SparseModel:
    """A SparseModel from its stored JSON object; a ConfigError names what is wrong."""
    try:
        classes = tuple(str(c) for c in data["classes"])
        bias = tuple(float(v) for v in data["bias"])
        weights = {str(name): tuple(float(w) for w in row) for name, row in data["weights"].items()}
        model = SparseModel(str(data.get("name", where)), classes, bias, weights, dict(data.get("about", {})))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ConfigError(f"malformed model file: {error!r}", path=where) from None
    if data.get("kind") != "sparse" or len(bias) != len(classes) or any(len(row) != len(classes) for row in weights.values()):
        raise ConfigError("not a sparse model file, or its sizes do not agree with its classes", path=where)
    return model


@lru_cache(maxsize=8)
def load_sparse_model(path: str) -> SparseModel:
    """The sparse model stored at `path` (relative to the package configs/ unless absolute),
    read once per path (the strength model is asked for once per sentence)."""
    resolved = str(_resolve(path))
    return sparse_model_from_json(_read_json(resolved), resolved)
