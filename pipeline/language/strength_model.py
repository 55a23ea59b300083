"""Claim strength learned on top of the cue rules: what a sentence shows the strength model,
and how the model's answer is combined with the rules'.

The cue rules (strength.py) decide a label and say which cue and which step decided it. The
model (configs/models/strength.json, a sparse multinomial logistic regression fitted by
bench/train_strength.py on the training halves of the causal-language and press-release
data) reads that decision as features, beside what the rules do not weigh:

    rule=causal, step=verb, cue=reduc        the rules' label, the step and cue that decided it
    negated, hedged, qualified, booster      the rules' other readings
    cue_at=3-6, cue_third=1, after_that      where the deciding cue stands: how many words
                                             into the sentence, in which third, whether after
                                             a "that" or "whether" (a complement clause:
                                             "results suggest that X reduces Y")
    cue_clause=1+                            after a comma or semicolon (not in the main clause)
    words=7-12                               the length of the text
    w=reduc, b=may|reduc                     word stems and pairs of stems (numbers as "0")

(Which cue lists occur at all, decisive or not, was measured as a feature too: +0.002
cross-validated macro-F1 for half the speed of `claimcheck strength`, so it is left out.)
Only features the model has a weight for count; a feature unknown to the model weighs
nothing, so a sentence of new words falls back on its rule features.

The model's label replaces the rules' only when the model gives it at least `confidence`
(the [learned] table of configs/lexicons/strength.toml, chosen by cross-validation on the
training half: docs/strength.md). Hedges, boosters and absolutes stay the rules' readings; the
quoted cue is the first cue of the new label's kind in the text, or none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError
from ..learned import SparseModel, load_sparse_model
from .cues import CueHit, cue_set, tokenize

# Bumped whenever `strength_features` names or computes a feature differently: a model
# fitted on other features would silently misread them, so loading it is an error.
FEATURES_VERSION = 1
# The lists whose first cue is quoted when the model gives a label the rules did not.
QUOTED_LISTS = {
    "causal": ("causal", "causal:after_auxiliary"),
    "conditional_causal": ("conditional",),
    "correlational": ("correlational", "weak_correlational", "comparative"),
}
# Words that open a complement or a question: a cue after one is not in the main clause.
_COMPLEMENT = frozenset({"that", "whether", "if"})


def _band(count: int) -> str:
    """A word count as a coarse band (the model learns bands, not every count)."""
    if count <= 2:
        return "0-2"
    if count <= 6:
        return "3-6"
    if count <= 12:
        return "7-12"
    return "13-24" if count <= 24 else "25+"


def strength_features(text: str, rule: Any, lexicon: Mapping[str, Any]) -> dict[str, float]:
    """The features of `text` for the strength model, given the rules' reading `rule` (a
    strength.Strength) of the same text. Every feature present has the value 1.0."""
    tokens = tokenize(text)
    features: dict[str, float] = {f"rule={rule.label}": 1.0, f"step={rule.step or 'none'}": 1.0}
    for name, present in (("negated", rule.negated), ("hedged", rule.hedged),
                          ("qualified", rule.qualified and not rule.hedged),
                          ("booster", bool(rule.boosters)), ("absolute", bool(rule.absolutes))):
        if present:
            features[name] = 1.0
    if rule.negated:
        features[f"negated={rule.label}"] = 1.0
    if rule.cue_start >= 0:
        cue_end = rule.cue_start + len(rule.cue)
        features["cue=" + " ".join(t.stem for t in tokens if rule.cue_start <= t.start < cue_end)] = 1.0
        before = [token for token in tokens if token.end <= rule.cue_start]
        features[f"cue_at={_band(len(before))}"] = 1.0
        features[f"cue_third={min(2, 3 * len(before) // max(1, len(tokens)))}"] = 1.0
        if any(token.word in _COMPLEMENT for token in before):
            features["after_that"] = 1.0
        if any(mark in text[: rule.cue_start] for mark in ",;:"):
            features["cue_clause=1+"] = 1.0
    features[f"words={_band(len(tokens))}"] = 1.0
    stems = ["<s>"] + ["0" if token.word[:1].isdigit() else token.stem for token in tokens] + ["</s>"]
    for index, word in enumerate(stems):
        if 0 < index < len(stems) - 1:
            features[f"w={word}"] = 1.0
        if index:
            features[f"b={stems[index - 1]}|{word}"] = 1.0
    return features


def strength_model(lexicon: Mapping[str, Any]) -> SparseModel | None:
    """The model the lexicon's [learned] table names, or None when it names none."""
    path = str(lexicon.get("learned", {}).get("model", ""))
    if not path:
        return None
    model = load_sparse_model(path)
    if model.about.get("features_version") != FEATURES_VERSION:
        raise ConfigError(f"the strength model was fitted on features version {model.about.get('features_version')}, "
                          f"the code computes version {FEATURES_VERSION}; refit it with bench/train_strength.py",
                          path=path)
    return model


def confidence(lexicon: Mapping[str, Any]) -> float:
    """The probability at which the model's label replaces the rules' ([learned] confidence)."""
    return float(lexicon.get("learned", {}).get("confidence", 0.0))


def choose(rule_label: str, probabilities: Mapping[str, float], least: float) -> str:
    """The label to give: the model's most probable one when it reaches `least`, otherwise
    the rules' (at `least` 0 the model always decides; above 1 never)."""
    best = max(probabilities, key=lambda label: probabilities[label])
    return best if probabilities[best] >= least else rule_label


def learned_label(text: str, rule: Any, lexicon: Mapping[str, Any], model: SparseModel) -> str:
    """The label of `text` under `model` combined with the rules' reading `rule`."""
    return choose(rule.label, model.probabilities(strength_features(text, rule, lexicon)), confidence(lexicon))


def quoted_cue(text: str, label: str, lexicon: Mapping[str, Any]) -> CueHit | None:
    """The first cue of `label`'s kind in `text` (what a flag quotes when the model, not a
    rule, chose the label), or None."""
    tables = QUOTED_LISTS.get(label)
    if not tables:
        return None
    hits = cue_set(lexicon, *tables).find(text)
    return min(hits, key=lambda hit: hit.start) if hits else None
