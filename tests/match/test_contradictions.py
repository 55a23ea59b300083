"""Claims that agree with their source in other words must not be called contradicted; claims
that reverse it still must. Each class of false alarm is tested on several sentences written
for the test (none from an evaluation set), with the reversal beside it that must still count.
"""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.match.matcher import judge_passages


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def verdict(claim, passages, settings):
    judged = judge_passages(claim, passages, settings)
    return judged.verdict, judged.reason


# ── numbers: rounded, bounded, counts of other things ────────────────────────────────────

SURVEY = [
    "We surveyed 6,318 pupils aged 12 to 15 years in 211 secondary schools in the autumn term.",
    "Of pupils who slept less than seven hours, 34.2% reported frequent headaches, against 12.9% of those "
    "who slept nine hours or more.",
    "The median school took part with 27 pupils, and the survey took 20 minutes to complete.",
]


@pytest.mark.parametrize(
    "claim",
    ["In a survey of more than 6,000 secondary school pupils, roughly a third of those who slept less than "
     "seven hours reported frequent headaches.",
     "Just over 6,300 pupils in 211 schools took part, and about one in three of the short sleepers reported "
     "frequent headaches.",
     "Nearly 35% of pupils who slept under seven hours had frequent headaches, the survey of some 6,300 "
     "pupils found."],
)
def test_a_rounded_figure_of_the_source_is_not_contradicted(claim, settings):
    found, reason = verdict(claim, SURVEY, settings)
    assert found != "contradicted", reason


@pytest.mark.parametrize(
    ("claim", "figure"),
    [("In a survey of 6,318 pupils, 52% of those who slept less than seven hours reported frequent headaches.",
      "52%"),
     ("In a survey of more than 9,000 pupils, a third of short sleepers reported frequent headaches.",
      "more than 9,000")],
)
def test_a_changed_figure_is_still_contradicted(claim, figure, settings):
    found, reason = verdict(claim, SURVEY, settings)
    assert found == "contradicted" and figure in reason, reason


SHARES = [
    "In 2022, 14.6% of adults aged 18 to 64 had hay fever, up from 10.1% in 2012.",
    "Among adults aged 65 and over, 8.8% had hay fever.",
    "Of adults with hay fever, 41.3% reported disturbed sleep in the pollen season, compared with 11.0% of "
    "those without it.",
]


@pytest.mark.parametrize(
    "claim",
    ["About one in seven working-age adults had hay fever in 2022, up from one in ten in 2012.",
     "Roughly 15% of adults under 65 had hay fever in 2022, against about 10% a decade earlier."],
)
def test_a_share_given_in_one_sentence_is_not_contradicted_by_another_measure(claim, settings):
    found, reason = verdict(claim, SHARES, settings)
    assert found != "contradicted", reason
