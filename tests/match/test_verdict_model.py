"""The learned verdict: its model files, the features it reads, and a verdict per class of
sentences. Every sentence here was written for this test; none is training data."""

from __future__ import annotations

import json

import pytest

from pipeline.assess.gates import GATE_FEATURES, GATED, flag_gates
from pipeline.config import default_config_dir, load_settings
from pipeline.errors import ConfigError
from pipeline.learned import LinearModel
from pipeline.match.matcher import judge_passages, judge_passages_many, match_claims
from pipeline.match.verdict import Decision
from pipeline.match.verdict_features import VERDICT_FEATURES
from pipeline.match.verdict_model import (
    STAGE_CLASSES,
    VERDICT_CLASSES,
    contradicted_outright,
    likeliest,
    verdict_model,
    verdict_model_from,
)
from pipeline.records import Claim, Passage, Source


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def decided(claim: str, passages: list[str], settings) -> tuple[str, Decision]:
    """(verdict, the verdict model's decision) of `claim` against plain passages."""
    decisions: list[Decision] = []
    judged = judge_passages_many([(claim, passages)], settings, observe=lambda _, decision: decisions.append(decision))
    return judged[0].verdict, decisions[0]


# ── the model files ───────────────────────────────────────────────────────────────────────


def test_the_verdict_model_file_loads_with_the_features_the_code_measures(settings):
    model = verdict_model(settings)
    assert set(model.verdict.classes) == set(STAGE_CLASSES)
    assert set(model.verdict.features) <= set(VERDICT_FEATURES)
    assert set(model.fully_supported.features) <= set(VERDICT_FEATURES)
    assert len(model.fully_supported.classes) == 2
    about = json.loads((default_config_dir() / settings.match.verdict_model).read_text(encoding="utf-8"))["about"]
    assert about["command"].startswith("python bench/train_decisions.py")
    assert {"check_covid", "healthver", "fixture", "case"} <= set(about["examples"])
    assert about["cross_validated"]["out_of_fold"]["articles"]["claims"] > 100


def test_the_gate_file_loads_and_every_gate_reads_the_gate_features(settings):
    gates = flag_gates(settings)
    assert set(gates) <= set(GATED)
    assert all(gate.features == GATE_FEATURES for gate in gates.values())
    about = json.loads((default_config_dir() / settings.assess.flag_gates).read_text(encoding="utf-8"))["about"]
    assert set(about["cross_validated"]["leave_one_article_out"]) == set(GATED)


def _model(features, classes):
    size = len(features)
    rows = len(classes) if len(classes) > 2 else 1
    return LinearModel("m", tuple(features), tuple(classes), (0.0,) * size, (1.0,) * size,
                       ((0.0,) * size,) * rows, (0.0,) * rows, {})


def test_a_model_file_reading_an_unknown_feature_is_refused():
    good = _model(VERDICT_FEATURES[:3], STAGE_CLASSES)
    with pytest.raises(ConfigError, match="does not measure"):
        verdict_model_from({"verdict": good, "fully_supported": _model(("no_such_feature",), ("0", "1"))})
    with pytest.raises(ConfigError, match="needs the models"):
        verdict_model_from({"verdict": good})
    with pytest.raises(ConfigError, match="classes"):
        verdict_model_from({"verdict": _model(VERDICT_FEATURES[:3], VERDICT_CLASSES),
                            "fully_supported": _model(VERDICT_FEATURES[:1], ("0", "1"))})


# ── the decision rule ─────────────────────────────────────────────────────────────────────


def test_likeliest_decides_support_first_then_whole_or_part():
    # Supported in whole or part (0.25 + 0.2) outweighs unsupported (0.4): a claim more likely
    # supported than not is never called unsupported because its support is split in two.
    probabilities = {"supported": 0.25, "partially_supported": 0.2, "unsupported": 0.4, "contradicted": 0.15}
    assert likeliest(probabilities, VERDICT_CLASSES) == "supported"
    assert likeliest({**probabilities, "supported": 0.2, "partially_supported": 0.25}, VERDICT_CLASSES) == \
        "partially_supported"
    # What the evidence does not allow is never chosen.
    assert likeliest(probabilities, ("partially_supported", "unsupported", "contradicted")) == "partially_supported"
    assert likeliest({**probabilities, "contradicted": 0.9}, ("supported", "partially_supported", "unsupported")) \
        == "supported"


def test_contradicted_outright_needs_an_explicit_reversal_outweighing_support():
    assert contradicted_outright({"contradiction": 0.5, "support": 0.3}, 0.2)
    assert not contradicted_outright({"contradiction": 0.3, "support": 0.5}, 0.2)
    assert not contradicted_outright({"contradiction": 0.15, "support": 0.1}, 0.2)
    assert not contradicted_outright({"contradiction": 0.0, "support": 0.0}, 0.0)


# ── the features, on pairs written for the test ───────────────────────────────────────────


def test_a_paraphrase_carries_its_key_content(settings):
    for claim, passage in [
        ("Children who slept less than eight hours had poorer marks in maths.",
         "Kids sleeping under eight hours scored lower in mathematics."),
        ("Physiotherapy reduced knee pain in patients with arthritis.",
         "In patients with arthritis, physiotherapy lowered knee pain."),
    ]:
        _, decision = decided(claim, [passage, "The clinic is in a small town."], settings)
        features = decision.inputs.named()
        assert features["support"] > 0.5 and features["union"] >= 0.8 - 1e-9
        assert features["key_missing_weight"] <= 0.2 and features["contradiction"] == 0.0


def test_a_reversed_passage_shows_an_explicit_reversal(settings):
    for claim, passage, clash in [
        ("Weekly swimming lowered resting heart rate in teenagers.",
         "Weekly swimming raised resting heart rate in teenagers.", "clash_direction"),
        ("Taking zinc shortened colds in adults.", "Taking zinc did not shorten colds in adults.", "clash_negation"),
    ]:
        _, decision = decided(claim, [passage, "Sessions were supervised."], settings)
        features = decision.inputs.named()
        assert features[clash] == 1.0 and features["reversal"] == 1.0
        assert features["contradiction"] > features["support"]


def test_unrelated_passages_carry_little_of_the_claim(settings):
    _, decision = decided("Standing desks improve posture in programmers.",
                          ["Programmers in the firm worked flexible hours.", "The office had large windows."], settings)
    features = decision.inputs.named()
    assert features["union"] < 0.3 and features["key_missing_weight"] > 0.6


def test_a_dropped_hedge_reads_as_stronger_wording(settings):
    _, decision = decided("Daily stretching always prevents muscle injuries in runners.",
                          ["Daily stretching may lower the chance of muscle injuries in some runners.",
                           "Runners trained five days a week."], settings)
    features = decision.inputs.named()
    assert features["strength_certainty"] == 1.0 and features["strength_stronger"] == 1.0


def test_a_number_given_otherwise_next_to_the_evidence_is_read(settings):
    _, decision = decided("Diastolic pressure fell by 9 mm Hg with the new pill.",
                          ["With the new pill, diastolic pressure fell by 3 mm Hg.", "The trial ran for a year."],
                          settings)
    features = decision.inputs.named()
    assert features["numbers"] == 1.0 and features["numbers_unsaid"] == 1.0
    assert features["number_near"] == 1.0 or features["clash_number"] == 1.0


# ── a verdict per class of sentences ──────────────────────────────────────────────────────

PARAPHRASES = [
    ("Children who slept less than eight hours had poorer marks in maths.",
     ["Kids sleeping under eight hours scored lower in mathematics.", "The school is in a small town."]),
    ("Older adults who walked daily had lower blood pressure after six months.",
     ["After six months, elderly people who walked every day showed reduced blood pressure.",
      "Walking routes were mapped."]),
    ("Drinking green tea was linked to fewer heart attacks in Japanese men.",
     ["Among Japanese men, green tea consumption was associated with fewer myocardial infarctions.",
      "Tea was brewed at home."]),
    ("Regular tai chi reduced falls among elderly people living at home.",
     ["Among older adults living at home, regular tai chi lowered the number of falls.", "Classes met twice a week."]),
]
DROPPED_QUALIFIERS = [  # the source hedges ("may", "some"); the claim states it as certain
    ("Daily stretching always prevents muscle injuries in runners.",
     ["Daily stretching may lower the chance of muscle injuries in some runners.", "Runners trained five days a week."]),
    ("Cold showers definitely boost the immune system in office workers.",
     ["Cold showers may be linked to fewer sick days in office workers.", "Showers lasted thirty seconds."]),
    ("Eating oats every morning guarantees lower cholesterol in adults.",
     ["Eating oats every morning may help lower cholesterol in some adults.", "Oats were eaten with milk."]),
    ("Chewing gum after surgery always speeds the return of bowel function.",
     ["Chewing gum after surgery might speed the return of bowel function in some patients.", "Surgery was abdominal."]),
    ("Probiotics cure irritable bowel syndrome in every patient.",
     ["Probiotics may ease some symptoms of irritable bowel syndrome in some patients.", "Capsules were taken daily."]),
]
REVERSALS = [
    ("Weekly swimming lowered resting heart rate in teenagers.",
     ["Weekly swimming raised resting heart rate in teenagers.", "Pools were heated."]),
    ("Taking zinc shortened colds in adults.", ["Taking zinc did not shorten colds in adults.", "Colds were self-reported."]),
    ("Eating breakfast improved concentration in pupils.",
     ["Eating breakfast worsened concentration in pupils.", "Breakfast was served at school."]),
    ("Coffee intake raised the risk of kidney stones in women.",
     ["Coffee intake lowered the risk of kidney stones in women.", "Intake was self-reported."]),
]
UNRELATED = [
    ("Vitamin D supplements prevent hip fractures in older women.",
     ["The clinic opened a new car park.", "Staff were trained in first aid."]),
    ("Standing desks improve posture in programmers.",
     ["Programmers in the firm worked flexible hours.", "The office had large windows."]),
    ("Garlic extract cures ear infections in toddlers.",
     ["Toddlers in the study attended nursery.", "Parents completed a questionnaire about diet.",
      "Ear shapes were measured."]),
    ("Sauna bathing reduces the risk of dementia in Finnish men.",
     ["The town library extended its opening hours.", "Parking fees rose in March."]),
]


@pytest.mark.parametrize(("claim", "passages"), PARAPHRASES)
def test_a_paraphrase_is_supported(settings, claim, passages):
    verdict, decision = decided(claim, passages, settings)
    assert verdict == "supported"
    assert decision.score == dict(decision.probabilities)["supported"]


@pytest.mark.parametrize(("claim", "passages"), DROPPED_QUALIFIERS)
def test_a_claim_dropping_its_sources_qualifier_is_partially_supported(settings, claim, passages):
    assert decided(claim, passages, settings)[0] == "partially_supported"


@pytest.mark.parametrize(("claim", "passages"), REVERSALS)
def test_a_reversed_claim_is_contradicted_and_the_passage_quoted(settings, claim, passages):
    judged = judge_passages(claim, passages, settings)
    assert judged.verdict == "contradicted"
    assert judged.evidence[0] == 0 and judged.relations[0] == "contradicts"
    assert judged.reason.startswith("passage 0 says otherwise")


@pytest.mark.parametrize(("claim", "passages"), UNRELATED)
def test_a_claim_against_unrelated_passages_is_unsupported(settings, claim, passages):
    assert decided(claim, passages, settings)[0] == "unsupported"


# Known gaps of the learned verdict (docs/decisions.md): on the development articles missing
# terms, parts and numbers did not tell partial from whole support (correct paraphrases lack
# words too), so the model calls these supported. strict: a fix must take them off this list.
# Of the sentences written for each class, those below are still wrong; they are kept here so
# the test shows the true rate (5 of 5 dropped qualifiers right since the clause
# support refit, 4 of 5 unrelated).
KNOWN_GAPS = [
    ("partially_supported", "Yoga reduced back pain in office workers and also improved their sleep quality.",
     ["Yoga reduced back pain in office workers.", "Classes were held at lunchtime."]),
    ("partially_supported", "Fish oil capsules eased joint stiffness, improved memory and lifted mood in retirees.",
     ["Fish oil capsules eased joint stiffness in retirees.", "Capsules were taken with food."]),
    ("partially_supported", "Cycling to work cut the risk of diabetes in half for commuters.",
     ["Cycling to work can help lower the risk of diabetes for commuters.", "Bike lanes were added."]),
    ("unsupported", "Meditation lowers cholesterol in young adults.",
     ["Young adults reported using social media daily.", "The survey ran online.", "Responses were anonymous."]),
]


@pytest.mark.xfail(strict=True, reason="an added part, a number the sources do not give, a dropped hedge the "
                                       "strength reader misses, a passage sharing only the population: called "
                                       "supported by the learned verdict (docs/decisions.md)")
@pytest.mark.parametrize(("expected", "claim", "passages"), KNOWN_GAPS)
def test_known_gaps_of_the_learned_verdict(settings, expected, claim, passages):
    assert decided(claim, passages, settings)[0] == expected


# ── through a whole check ─────────────────────────────────────────────────────────────────


def test_the_judgement_carries_the_models_probabilities(settings):
    text = "Weekly swimming lowered resting heart rate in teenagers."
    source_text = "Weekly swimming lowered resting heart rate in teenagers. Pools were heated."
    passages = (Passage("1:p1", "1", "Weekly swimming lowered resting heart rate in teenagers.", 0, 55, source_text),
                Passage("1:p2", "1", "Pools were heated.", 56, 74, source_text))
    source = Source("1", "https://site1.example.org/page", "ok", text=source_text, passages=passages)
    _, judgements = match_claims([Claim("c1", text, "s", 0, len(text), ("1",))], [source], settings)
    probabilities = dict(judgements[0].probabilities)
    assert set(probabilities) == set(VERDICT_CLASSES)
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert judgements[0].verdict == "supported" and judgements[0].score == probabilities["supported"]
