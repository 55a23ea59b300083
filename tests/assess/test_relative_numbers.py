"""End to end through match and assess: a claim that restates a source's ratio as a percentage
change (or the reverse), or compares two groups with no number, is no NUMBER_MISMATCH and not
contradicted; a changed ratio, a reversed direction, a changed sample size or dose still is a
NUMBER_MISMATCH. A small cohort world written for these tests."""

from __future__ import annotations

import pytest

from pipeline.match.matcher import judge_passages
from test_assess import flags_for, make_source

COHORT = make_source(
    "21",
    "We followed 5,200 office workers for six years. "
    "Workers who sat for most of the day had a higher risk of chronic back pain than those who sat least "
    "(hazard ratio 1.36, 95% CI 1.15 to 1.61). "
    "Shift workers were 1.5 times as likely to report poor sleep as day workers. "
    "Among workers offered a coaching programme, falls at work were less common (relative risk 0.7, "
    "95% CI 0.55 to 0.9). "
    "In the drug substudy, participants took 400 mg of the drug a day. "
    "Nausea was reported by 12 participants (8.1%) on the drug and 4 (2.7%) on placebo.",
    url="https://journal.example.org/office-cohort", kind="peer_reviewed", study_designs=("cohort",),
    title="Sitting, shift work and health in office workers: a six-year cohort study")

SOUND = [
    "In a study of 5,200 office workers, those who sat most of the day were about 35% more likely to "
    "develop chronic back pain.",
    "Office workers who sat most of the day had a 36% higher risk of chronic back pain.",
    "Shift workers were about 50% more likely to report poor sleep than day workers.",
    "Shift workers were roughly one and a half times as likely to report poor sleep as day workers, "
    "or 50% more likely.",
    "Workers offered coaching were 30% less likely to have a fall at work.",
    "A coaching programme cut the risk of falls at work by about 30%.",
    "Nausea was more common in participants on the drug than on placebo.",
    "Nausea was more common on the drug, at about one in 12 participants against one in 37 on placebo.",
]


@pytest.mark.parametrize("text", SOUND)
def test_the_same_fact_in_another_form_is_no_number_mismatch_and_not_contradicted(settings, text):
    flags, judgement = flags_for(settings, text, "21", sources=(COHORT,))
    assert "NUMBER_MISMATCH" not in flags, flags["NUMBER_MISMATCH"].message
    assert "CONTRADICTED" not in flags and judgement.verdict != "contradicted", judgement


@pytest.mark.parametrize(
    ("text", "said"),
    [("Office workers who sat most of the day were 60% more likely to develop chronic back pain.", "60% more"),
     ("Shift workers were three times as likely to report poor sleep as day workers.", "three times"),
     ("Shift workers were 50% less likely to report poor sleep than day workers.", "50% less"),
     ("Workers offered coaching were 30% more likely to have a fall at work.", "30% more"),
     ("A study of 2,500 office workers found that sitting most of the day raised the risk of back pain.",
      "2,500 office workers"),
     ("In the drug substudy, participants took 800 mg of the drug a day.", "800 mg")],
)
def test_a_changed_ratio_direction_sample_or_dose_is_still_a_number_mismatch(settings, text, said):
    flags, judgement = flags_for(settings, text, "21", sources=(COHORT,))
    assert f'"{said}"' in flags["NUMBER_MISMATCH"].message
    assert judgement.verdict != "supported"


@pytest.mark.parametrize(
    "claim",
    ["Sitting most of the day was linked to about a third more chronic back pain (HR 1.36).",
     "People who sat most of the day had a higher risk of back pain, about 36% higher.",
     "Nausea was more common on the drug than on placebo."],
)
def test_the_matcher_does_not_call_a_restated_ratio_a_contradiction(settings, claim):
    passages = [passage.text for passage in COHORT.passages]
    judged = judge_passages(claim, passages, settings)
    assert judged.verdict != "contradicted", judged.reason


@pytest.fixture(scope="module")
def settings():
    from pipeline.config import load_settings

    return load_settings()
