"""When does a source give a claim's number otherwise? Only for the same measured thing, and
only when the source does not give the claim's number somewhere else. Sentences written for
the test."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.number_clash import given, number_disagreements, number_opposition
from pipeline.language.numbers import read_quantities


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def numbers(text, settings):
    return read_quantities(text, settings.lexicon("numbers"))


def first(text, settings):
    return numbers(text, settings)[0]


SOURCE = [
    "In 2023, 17.8% of adults aged 18 to 64 reported chronic back pain, up from 11.9% in 2015.",
    "Among adults aged 65 and over, 26.2% reported chronic back pain.",
    "31.5% of adults with chronic back pain reported poor sleep, compared with 9.7% of those without it.",
]


def test_a_rounded_share_is_given_where_the_source_says_it_of_the_same_thing(settings):
    claim = "About one in six working-age adults had chronic back pain in 2023, national figures show."
    assert given(claim, first(claim, settings), SOURCE, settings)
    # Nothing in the source may then give it "otherwise": not the older group, not sleep.
    contested = [quantity for quantity in numbers(claim, settings) if not given(claim, quantity, SOURCE, settings)]
    assert all(not number_opposition(claim, contested, passage, settings) for passage in SOURCE)


def test_an_approximate_number_met_by_chance_in_another_measure_is_not_given(settings):
    claim = "The drops added around half an hour of reading time each evening."
    passages = ["Eye strain began after 27.3 min of screen use.",
                "Reading time rose by 9 min with the drops and by 4 min with saline."]
    quantity = first(claim, settings)
    assert not given(claim, quantity, passages, settings)
    assert '"9 min"' in number_opposition(claim, [quantity], passages[1], settings)


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("The trial enrolled 240 nurses from four hospitals.",
      "Investigators recruited 240 nurses working night shifts."),
     ("Of those who took the tablets, 42% improved.", "The response rate was 41.6% (52 of 125) with the tablets.")],
)
def test_an_exact_number_is_given_wherever_the_source_says_it(claim, passage, settings):
    assert given(claim, first(claim, settings), [passage], settings)


@pytest.mark.parametrize(
    "passage",
    ["We analysed records from 5,264 pupils in 140 primary schools.",
     "The median trial had 38 pupils, and the smallest 12 pupils."],
)
def test_a_different_count_of_another_thing_or_measure_is_no_opposition(passage, settings):
    claim = "A survey of more than 5,000 primary school pupils found that one in four skipped breakfast."
    contested = [quantity for quantity in numbers(claim, settings) if not given(claim, quantity, [passage], settings)]
    assert not number_opposition(claim, contested, passage, settings)


def test_a_changed_number_of_the_same_measure_is_still_an_opposition(settings):
    claim = "A survey of 5,264 pupils found that one in four skipped breakfast."
    passage = "Of the 5,264 pupils surveyed, 12% skipped breakfast on school days."
    contested = [quantity for quantity in numbers(claim, settings) if not given(claim, quantity, [passage], settings)]
    assert '"one in four"' in number_opposition(claim, contested, passage, settings)


def test_a_rounded_total_is_no_mismatch_but_a_changed_one_is(settings):
    rounded = "The pooled analysis covered just over 3,000 patients."
    changed = "The pooled analysis covered 2,000 patients."
    source = ["Twenty trials with 3,112 patients were pooled in the analysis."]
    assert number_disagreements(rounded, numbers(rounded, settings), source, source, settings) == []
    [(mine, theirs, _)] = number_disagreements(changed, numbers(changed, settings), source, source, settings)
    assert (mine.text, theirs.text) == ("2,000 patients", "3,112 patients")
