"""The verdict model: VERDICT_FEATURES → the probability of each verdict it chooses among.

Two logistic models stored together in configs/models/verdict.json (`[match] verdict_model`,
fitted by bench/train_decisions.py, readable weights; pipeline/learned.py applies them):

    verdict          multinomial over supported / contradicted / unsupported (over the
                     features the file names, all of VERDICT_FEATURES or some), where
                     "supported" is supported in whole or in part: fitted on every set of
                     development data (the public claim–evidence sets label support, refutation
                     and not enough information, and do not tell whole from partial support)
    fully_supported  binary, over a few of the features (the key terms and numbers the sources
                     do not give, the claim's wording against theirs): of a supported claim, the
                     probability that the sources support all of it; fitted on the development
                     articles alone, the only data whose fact-checkers tell the two apart

P(supported) = P(supported in whole or part) × P(fully), P(partially_supported) = the same ×
(1 − P(fully)); contradicted and unsupported as the first model gives them.

A claim a cited source contradicts outright is contradicted before the model is asked
(`contradicted_outright`): the source's contradiction, counted only on judged passages with an
explicit reversal (a negation, a reversed direction, an antonym, another number), reaches
`[match] contradict_min` and outweighs its support. The judge decided those passages; the
contract's "a source says otherwise" is then the verdict. (Measured on the development data,
5-fold: letting the model weigh those passages instead called direct reversals unsupported.)

Otherwise the verdict is chosen in the same two steps as the model (`likeliest`): the likeliest of supported (in whole
or in part), contradicted and unsupported among those the evidence allows; a supported claim
is then supported when P(fully) ≥ 0.5, else partially supported. (Taking the likeliest of the
four products instead splits the support between two classes and lets `unsupported` win over
a claim that is more likely supported than not.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..config import Settings
from ..errors import ConfigError
from ..learned import LinearModel, load_model_set
from ..memo import once_per_object
from ..records import Verdict
from .verdict_features import VERDICT_FEATURES

VERDICT_CLASSES: tuple[Verdict, ...] = ("contradicted", "partially_supported", "supported", "unsupported")
STAGE_CLASSES: tuple[Verdict, ...] = ("contradicted", "supported", "unsupported")


@dataclass(frozen=True)
class VerdictModel:
    """The two models, and where each reads its features in a VERDICT_FEATURES vector."""

    verdict: LinearModel
    fully_supported: LinearModel
    verdict_columns: tuple[int, ...]  # of verdict's features in VERDICT_FEATURES
    fully_columns: tuple[int, ...]  # of fully_supported's

    def probabilities(self, values: Sequence[float]) -> dict[str, float]:
        """{verdict: probability} for one VERDICT_FEATURES vector (see the module docstring)."""
        first = self.verdict.probabilities([values[i] for i in self.verdict_columns])
        fully = self.fully_supported.probabilities([values[i] for i in self.fully_columns])[
            self.fully_supported.classes[-1]]
        return {"contradicted": first["contradicted"], "unsupported": first["unsupported"],
                "supported": first["supported"] * fully, "partially_supported": first["supported"] * (1 - fully)}


def contradicted_outright(features: Mapping[str, float], contradict_min: float) -> bool:
    """Whether a source contradicts the claim outright (see the module docstring), from its
    VERDICT_FEATURES by name."""
    contradiction = features["contradiction"]
    return contradiction > 0 and contradiction >= contradict_min and contradiction >= features["support"]


def likeliest(probabilities: Mapping[str, float], allowed: Sequence[str]) -> Verdict:
    """The verdict among `allowed` (see the module docstring): the likeliest of supported in
    whole or part / contradicted / unsupported, then whole or part by P(fully) ≥ 0.5."""
    supported = probabilities.get("supported", 0.0) + probabilities.get("partially_supported", 0.0)
    first = {"supported": supported, "contradicted": probabilities.get("contradicted", 0.0),
             "unsupported": probabilities.get("unsupported", 0.0)}
    can_support = "supported" in allowed or "partially_supported" in allowed
    options = [name for name in STAGE_CLASSES if name in allowed or (name == "supported" and can_support)]
    best = max(options, key=lambda name: first[name])
    if best != "supported":
        return best
    whole = probabilities.get("supported", 0.0) >= probabilities.get("partially_supported", 0.0)
    return "supported" if whole and "supported" in allowed else "partially_supported"


def verdict_model_from(models: Mapping[str, LinearModel], where: str = "") -> VerdictModel:
    """A VerdictModel from the models of a verdict model file; a ConfigError names what is wrong."""
    verdict, fully = models.get("verdict"), models.get("fully_supported")
    if verdict is None or fully is None:
        raise ConfigError("verdict model file needs the models 'verdict' and 'fully_supported'", path=where)
    for name, model in (("verdict", verdict), ("fully_supported", fully)):
        unknown = [feature for feature in model.features if feature not in VERDICT_FEATURES]
        if unknown:
            raise ConfigError(f"{name} model reads features the code does not measure: {unknown}; refit it with "
                              "bench/train_decisions.py", path=where)
    if set(verdict.classes) != set(STAGE_CLASSES):
        raise ConfigError(f"verdict model classes {list(verdict.classes)} are not {list(STAGE_CLASSES)}", path=where)
    if len(fully.classes) != 2:
        raise ConfigError("fully_supported model is not binary", path=where)
    return VerdictModel(verdict, fully, tuple(VERDICT_FEATURES.index(name) for name in verdict.features),
                        tuple(VERDICT_FEATURES.index(name) for name in fully.features))


@once_per_object
def verdict_model(settings: Settings) -> VerdictModel:
    """The verdict model named by `[match] verdict_model`, loaded and checked once per
    settings object."""
    path = settings.match.verdict_model
    return verdict_model_from(load_model_set(path), path)
