"""Claim strength (none / correlational / conditional causal / causal), hedges and boosters,
and the comparison of a secondary text with its source. Sentences written for these tests
(gardening), each pinning one rule of pipeline/language/strength.py; then the learned layer
on top of the rules (pipeline/language/strength_model.py), with toy models written here and
the shipped one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.language.strength import (
    STRENGTH_ORDER,
    claim_strength,
    compare_strength,
    is_stronger,
    rule_strength,
    text_strength,
)
from pipeline.language.strength_model import FEATURES_VERSION, strength_features, strength_model


@pytest.fixture(scope="module")
def lexicon():
    return load_settings().lexicon("strength")


# Each pins one rule: (text, label, the cue quoted).
RULE_CASES = [
    # the four classes, with the words that decide them
    ("Mulching reduces weeds in raised beds.", "causal", "reduces"),
    ("Mulching can reduce weeds.", "causal", "can reduce"),
    ("Mulching may reduce weeds in raised beds.", "conditional_causal", "may reduce"),
    ("Mulch appears to slow weed growth.", "conditional_causal", "appears to slow"),
    ("Mulching was associated with fewer weeds.", "correlational", "associated with"),
    ("The beds were measured in May.", "none", ""),
    # a correlational cue outranks a causal word that only describes the outcome
    ("Heavy mulching was associated with reduced weed cover.", "correlational", "associated with"),
    # ... but a risk phrase under a causal verb does not ("leading to increased risk")
    ("Mulching led to increased risk of slugs.", "causal", "led to"),
    ("Mulching may reduce the risk of weed outbreaks.", "conditional_causal", "may reduce"),
    # an observed change: a participle after "be" (adverbs allowed), or with no agent
    ("Weed counts were reduced in mulched beds.", "correlational", "were reduced"),
    ("Weed counts were significantly reduced in mulched beds.", "correlational", "were significantly reduced"),
    ("Weed cover increased with bed age.", "correlational", "increased"),
    ("Weed cover was reduced by mulching.", "causal", "reduced"),
    # aims, questions and recommendations assert nothing; a finding before "but" still counts
    ("Further studies should test whether mulching reduces weeds.", "none", ""),
    ("Further research is needed to determine whether mulching reduces weeds.", "none", ""),
    ("Mulching reduces weeds, but further research is needed.", "causal", "reduces"),
    ("Mulching was shown to reduce weeds.", "causal", "reduce"),
    # adjectives, nouns and names are not verbs
    ("The increased weed cover was visible from the path.", "none", ""),
    ("The American Mulch Association recommends mulch for beginners.", "none", ""),
    ("Mulch is an effective treatment for weedy beds.", "causal", "effective"),
    # a modal over a predicate of benefit
    ("Mulch may be useful for tomato growers.", "conditional_causal", "may be useful"),
    # weak correlational cues and real between-group comparisons
    ("Weed cover is a marker of soil fertility.", "correlational", "marker"),
    ("Weeds were fewer in mulched beds than in bare beds.", "correlational", "fewer"),
    ("More than half of the beds had weeds.", "none", ""),
    # the scheme keeps negated findings in their class
    ("Mulching did not reduce weeds.", "causal", "reduce"),
]


@pytest.mark.parametrize(("text", "label", "cue"), RULE_CASES)
def test_rule_strength(lexicon, text, label, cue):
    strength = rule_strength(text, lexicon)
    assert (strength.label, strength.cue) == (label, cue)
    if cue:
        assert text[strength.cue_start : strength.cue_start + len(cue)] == cue


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        # verbs of change and harm beyond "reduce" and "improve"
        ("Frost harms young seedlings.", "causal", "harms"),
        ("Compost eases heavy clay.", "causal", "eases"),
        ("Better drainage translated into larger yields.", "causal", "translated into"),
        # a benefit named as a noun
        ("The benefits of mulching were clear by midsummer.", "causal", "benefits of"),
        # causative "make" and "change"
        ("Shade makes lettuce less bitter.", "causal", "makes lettuce less"),
        ("Liming changes the flavour of the crop.", "causal", "changes the"),
        # key to, idioms of protection and harm; a modal keeps them conditional
        ("Drainage is key to healthy roots.", "causal", "is key to"),
        ("Drainage could be the key to healthy roots.", "conditional_causal", "could be the key to"),
        ("Marigolds keep aphids at bay.", "causal", "keep aphids at bay"),
        ("Late frost puts tender plants at risk.", "causal", "puts tender plants at risk"),
        # a part in the cause, stated
        ("A fungus is strongly implicated in the blight.", "causal", "is strongly implicated"),
        # a capacity claimed is conditional; "prone to" asserts, as "likely to" does
        ("The new mulch has the potential to prevent weed growth.", "conditional_causal", "potential to prevent"),
        ("Wet soil is prone to cause root rot.", "causal", "cause"),
        # "lower" and "impact" are verbs only after an auxiliary
        ("Mulch may lower soil temperature.", "conditional_causal", "may lower"),
        ("Mulch can lower soil temperature.", "causal", "can lower"),
        ("Frost can impact the harvest.", "causal", "can impact"),
        ("Mulched beds had lower soil temperature than bare beds.", "correlational", "lower"),
        ("The impact was small.", "none", ""),
        # a headline in title case: its capitals are no names
        ("Mulch Reduces Weeds in Raised Beds", "causal", "Reduces"),
        # a recommendation frame that classifies still states the relationship; "as well as"
        # joins nouns, so the frame still covers the cue after it
        ("Clover should be considered a marker of poor soil.", "correlational", "marker"),
        ("Further trials, as well as effective mulching guides, are recommended.", "none", ""),
        # more correlational and weak wording
        ("Fruit size varies with soil depth.", "correlational", "varies with"),
        ("Its relation with soil depth was weak.", "correlational", "relation with"),
        ("The difference was largely explained by soil depth.", "correlational", "explained by"),
        ("Waterlogging is a risk to young roots.", "correlational", "risk to"),
    ],
)
def test_press_release_wording(lexicon, text, label, cue):
    strength = rule_strength(text, lexicon)
    assert (strength.label, strength.cue) == (label, cue)


def test_a_contrasted_noun_is_no_null_finding(lexicon):
    assert not rule_strength("Compost and not manure improves the soil.", lexicon).negated
    assert rule_strength("Compost did not improve the soil.", lexicon).negated
    assert rule_strength("Frost did not lower the yield.", lexicon).negated


def test_a_negation_after_the_modal_of_a_cue_makes_a_null_finding(lexicon):
    # The cue starts at the modal, so the negation stands inside it, not before it.
    assert rule_strength("So the link may not be one of cause and effect.", lexicon).negated
    assert rule_strength("Mulching may not improve the yield.", lexicon).negated
    assert not rule_strength("Mulching may improve the yield.", lexicon).negated


def test_hedges_qualifiers_boosters_and_absolutes(lexicon):
    assert rule_strength("Results suggest mulching helps.", lexicon).hedged
    plain = rule_strength("Mulching reduces weeds.", lexicon)
    assert not plain.hedged and not plain.qualified and plain.boosters == ()
    assert rule_strength("Mulching can reduce weeds.", lexicon).qualified
    assert rule_strength("Mulching clearly reduces weeds.", lexicon).boosters == ("clearly",)
    assert rule_strength("Mulch always stops weeds.", lexicon).absolutes == ("always",)
    # "May" the month, capitalised inside the sentence, is no hedge
    assert not rule_strength("The beds were measured in May.", lexicon).hedged


def test_text_strength_takes_the_strongest_sentence(lexicon):
    text = "Gardeners in the study were delighted. Mulching cuts weeds, the authors say."
    strength = text_strength(text, lexicon)
    assert (strength.label, strength.cue) == ("causal", "cuts")
    assert text[strength.cue_start : strength.cue_start + 4] == "cuts"


@pytest.mark.parametrize(
    ("claim", "source", "label", "flags"),
    [
        ("Mulching cuts weeds.", "Mulching was associated with fewer weeds.", "exaggerates", ("CAUSAL_OVERSTATEMENT",)),
        ("Mulching reduces weeds.", "Mulching may reduce weeds.", "exaggerates",
         ("CAUSAL_OVERSTATEMENT", "CERTAINTY_OVERSTATEMENT")),
        ("Mulching may reduce weeds.", "Mulching reduced weed cover by half.", "downplays", ()),
        ("Mulching was linked to fewer weeds.", "Mulching was associated with fewer weeds.", "same", ()),
        ("Mulching always stops weeds.", "Mulching stopped weeds in most beds.", "same", ("CERTAINTY_OVERSTATEMENT",)),
    ],
)
def test_compare_strength(lexicon, claim, source, label, flags):
    comparison = compare_strength(claim, source, lexicon)
    assert (comparison.label, comparison.flags) == (label, flags)


def test_is_stronger():
    assert is_stronger("causal", "correlational") and not is_stronger("correlational", "conditional_causal")


# ── the learned layer ────────────────────────────────────────────────────────────────────────

# The model's classes in the order bench/train_strength.py writes them (scikit-learn sorts).
CLASSES = sorted(STRENGTH_ORDER)


def _toy_model(folder: Path, weights: dict[str, dict[str, float]], version: int = FEATURES_VERSION) -> str:
    """A model file whose features push to the classes given: {feature: {class: weight}}."""
    path = folder / f"toy-{len(list(folder.iterdir()))}.json"
    rows = {name: [pushes.get(label, 0.0) for label in CLASSES] for name, pushes in weights.items()}
    path.write_text(json.dumps({"name": "toy", "kind": "sparse", "classes": CLASSES, "bias": [0.0] * 4,
                                "about": {"features_version": version}, "weights": rows}), encoding="utf-8")
    return str(path)


def _with_model(lexicon, path: str, confidence: float) -> dict:
    return {**lexicon, "learned": {"model": path, "confidence": confidence}}


def test_features_carry_the_rules_reading_its_place_and_the_words(lexicon):
    text = "Results suggest that mulching may reduce weeds."
    features = strength_features(text, rule_strength(text, lexicon), lexicon)
    assert {"rule=conditional_causal", "step=modal", "cue=may reduc", "hedged", "after_that", "cue_at=3-6",
            "w=mulch", "b=may|reduc", "b=<s>|result", "b=weed|</s>"} <= set(features)
    assert set(features.values()) == {1.0}
    text = "Mulching reduces weeds in the beds of the old garden."
    plain = strength_features(text, rule_strength(text, lexicon), lexicon)
    assert {"rule=causal", "step=verb", "cue_at=0-2", "cue_third=0"} <= set(plain)
    assert not {"after_that", "hedged", "cue_clause=1+"} & set(plain)


def test_a_cue_after_a_comma_and_numbers_are_features(lexicon):
    text = "In older plots, mulching cut weeds by 40% in 12 beds."
    features = strength_features(text, rule_strength(text, lexicon), lexicon)
    assert {"cue_clause=1+", "w=0", "b=by|0", "b=0|%"} <= set(features)
    assert "w=40" not in features and "w=12" not in features


def test_without_a_learned_table_the_rules_decide(lexicon):
    rules_only = {key: value for key, value in lexicon.items() if key != "learned"}
    for text, _, _ in RULE_CASES:
        assert claim_strength(text, rules_only) == rule_strength(text, lexicon)


def test_the_model_decides_only_when_it_is_confident_enough(lexicon, tmp_path):
    # the toy model reads "mulch" as no relationship, with probability e^4 / (e^4 + 3) = 0.948
    path = _toy_model(tmp_path, {"w=mulch": {"none": 4.0}})
    text = "Mulching was associated with fewer weeds."
    sure = claim_strength(text, _with_model(lexicon, path, 0.9))
    assert (sure.label, sure.step, sure.cue, sure.cue_start) == ("none", "learned", "", -1)
    unsure = claim_strength(text, _with_model(lexicon, path, 0.99))
    assert unsure == rule_strength(text, lexicon)


def test_a_learned_label_quotes_the_first_cue_of_its_kind(lexicon, tmp_path):
    path = _toy_model(tmp_path, {"w=mulch": {"causal": 4.0}})
    text = "Mulching was associated with fewer weeds because mulch blocks light."
    found = claim_strength(text, _with_model(lexicon, path, 0.9))
    assert (found.label, found.step, found.cue) == ("causal", "learned", "blocks")
    assert text[found.cue_start : found.cue_start + len("blocks")] == "blocks"
    assert not found.negated
    # a null finding stays one when the model moves it to another class
    negated = claim_strength("Mulch was not associated with fewer weeds; mulch did not reduce light.",
                             _with_model(lexicon, path, 0.9))
    assert (negated.label, negated.cue, negated.negated) == ("causal", "reduce", True)


def test_no_causal_reading_without_causal_words_to_quote(lexicon, tmp_path):
    path = _toy_model(tmp_path, {"w=bed": {"causal": 4.0, "conditional_causal": 2.0}})
    for text in ("The beds were measured in May.", "More than half of the beds had weeds."):
        assert claim_strength(text, _with_model(lexicon, path, 0.5)) == rule_strength(text, lexicon)


def test_a_comparison_reads_both_texts_through_the_model(lexicon, tmp_path):
    path = _toy_model(tmp_path, {"w=mulch": {"causal": 4.0}})
    claim, source = "Mulch was linked to fewer weeds because it blocks light.", "Weed cover was linked to soil type."
    assert compare_strength(claim, source, lexicon).label == "same"
    comparison = compare_strength(claim, source, _with_model(lexicon, path, 0.9))
    assert (comparison.label, comparison.claim.label, comparison.flags) == (
        "exaggerates", "causal", ("CAUSAL_OVERSTATEMENT",))


def test_a_model_fitted_on_other_features_is_refused(lexicon, tmp_path):
    path = _toy_model(tmp_path, {"w=mulch": {"none": 1.0}}, version=FEATURES_VERSION - 1)
    with pytest.raises(ConfigError, match="train_strength"):
        claim_strength("Mulch cuts weeds.", _with_model(lexicon, path, 0.7))


def test_the_shipped_model_is_small_readable_and_leans_on_the_rules(lexicon):
    model = strength_model(lexicon)
    assert model is not None and list(model.classes) == CLASSES
    path = Path(__file__).resolve().parents[2] / "configs" / "models" / "strength.json"
    assert path.stat().st_size < 1_000_000
    assert set(model.about["top_features"]) == set(CLASSES) and model.about["command"] == "bench/train_strength.py"
    # each rule label pushes hardest towards its own class
    for label in CLASSES:
        row = model.weights[f"rule={label}"]
        assert max(range(4), key=lambda k: row[k]) == CLASSES.index(label)


@pytest.mark.parametrize(("text", "label", "cue"), RULE_CASES)
def test_the_shipped_model_leaves_the_clear_cases_to_the_rules(lexicon, text, label, cue):
    assert claim_strength(text, lexicon).label == label


def test_the_runtime_needs_no_scikit_learn():
    script = ("import sys\n"
              "from pipeline.config import load_settings\n"
              "from pipeline.language.strength import claim_strength\n"
              "found = claim_strength('Mulching may reduce weeds.', load_settings().lexicon('strength'))\n"
              "assert found.label == 'conditional_causal'\n"
              "print(sorted(name for name in sys.modules if name.split('.')[0] in ('sklearn', 'scipy')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
