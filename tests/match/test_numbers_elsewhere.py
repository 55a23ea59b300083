"""A claim's number said in another passage of its source than its finding ("in a trial of 250
adults, a daily walk lowered stress": the methods give the 250). Every sentence here was written
for this test."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.match.features import claim_signals
from pipeline.match.retrieval import PassageIndex, claim_view
from pipeline.match.verdict import Row, numbers_elsewhere


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def _rows(texts: list[str], settings) -> tuple:
    index = PassageIndex([(text, "") for text in texts], settings)
    rows = [Row(i, 0.5 - i / 10, "related", False, 0.0, 0.0, "", 0.0, frozenset(), frozenset())
            for i in range(len(texts))]
    return index, rows


CASES = [
    ("In a trial of 250 adults, a daily walk lowered stress scores.",
     "After eight weeks, stress scores were lower in the walking group.",
     "The walking trial enrolled 250 adults from four hospitals."),
    ("Among 1,200 pregnant women, daily folic acid did not change birth weight.",
     "Daily folic acid had no effect on birth weight.",
     "We followed 1,200 pregnant women for one year."),
    ("In a study of 90 patients, standing desks did not ease back pain.",
     "Standing desks did not reduce back pain over the year.",
     "The study included 90 patients with long-standing back pain."),
    ("A review of 14 trials found that zinc lozenges shortened colds.",
     "Zinc lozenges shortened colds by about a day.",
     "We pooled 14 trials of zinc lozenges."),
]


@pytest.mark.parametrize(("claim", "finding", "methods"), CASES)
def test_the_passage_giving_the_claims_number_is_kept(settings, claim, finding, methods):
    index, rows = _rows([finding, "Nothing else was recorded.", methods], settings)
    signals = claim_signals(claim_view(claim, settings), index, settings)
    found = numbers_elsewhere(signals, rows, {0: rows[0]}, index, settings)
    assert [row.position for row in found] == [2]


def test_a_number_met_by_chance_is_not_kept(settings):
    # The same count, but the passage shares nothing else with the claim.
    index, rows = _rows([CASES[0][1], "A local choir sings with 250 adults."], settings)
    signals = claim_signals(claim_view(CASES[0][0], settings), index, settings)
    assert numbers_elsewhere(signals, rows, {0: rows[0]}, index, settings) == []


def test_nothing_is_kept_when_the_finding_gives_the_number(settings):
    index, rows = _rows(["The trial of 250 adults found that a daily walk lowered stress scores.",
                         "The trial enrolled 250 adults from four hospitals."], settings)
    signals = claim_signals(claim_view(CASES[0][0], settings), index, settings)
    assert numbers_elsewhere(signals, rows, {0: rows[0]}, index, settings) == []
