"""Numbers read from prose: ranges, proportions, written numbers, units, years, counts."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.numbers import (
    COUNT,
    MEASURE,
    NUMBER,
    PROPORTION,
    YEAR,
    agree,
    comparable,
    read_quantities,
)


@pytest.fixture(scope="module")
def lexicon():
    return load_settings().lexicon("numbers")


def only(text, lexicon):
    quantities = read_quantities(text, lexicon)
    assert len(quantities) == 1, quantities
    return quantities[0]


@pytest.mark.parametrize(
    "text",
    ["a dose of 250 to 300 mg daily", "a dose of 250–300 mg daily", "a dose of 250-300 mg daily",
     "a dose between 250 and 300 milligrams daily"],
)
def test_ranges_written_any_way_read_the_same(text, lexicon):
    quantity = only(text, lexicon)
    assert (quantity.kind, quantity.unit) == (MEASURE, "mass")
    assert quantity.low_high == (250.0, 300.0)


@pytest.mark.parametrize(
    ("text", "value"),
    [("one in four adults", 0.25), ("1 in 4 adults", 0.25), ("25% of adults", 0.25),
     ("25 percent of adults", 0.25), ("a quarter of adults", 0.25), ("three out of four", 0.75),
     ("two thirds", 2 / 3), ("half of the couples", 0.5)],
)
def test_proportions_normalise_to_a_fraction(text, value, lexicon):
    quantity = only(text, lexicon)
    assert quantity.kind == PROPORTION
    assert quantity.value == pytest.approx(value, abs=1e-4)


def test_written_and_digit_counts_agree(lexicon):
    written = only("we asked thirty-two participants", lexicon)
    digits = only("we asked 32 participants", lexicon)
    assert (written.kind, written.unit, written.value) == (COUNT, "people", 32.0)
    assert comparable(written, digits) and agree(written, digits)


def test_count_with_adjective_and_thousands_separator(lexicon):
    quantity = only("a survey of 12,400 healthy women", lexicon)
    assert (quantity.kind, quantity.unit, quantity.value) == (COUNT, "women", 12400.0)


def test_units_convert_within_a_dimension(lexicon):
    grams = only("0.4 g", lexicon)
    milligrams = only("400 mg", lexicon)
    assert comparable(grams, milligrams) and agree(grams, milligrams)
    # "0.4 g" is written to a tenth of a gram: 440 mg rounds to it, 520 mg does not.
    assert agree(grams, only("440 mg", lexicon))
    assert not agree(grams, only("520 mg", lexicon))


def test_blood_pressure_units_with_or_without_a_space_are_one_unit_not_millimetres(lexicon):
    spaced = only("fell by 3.2 mm Hg", lexicon)
    glued = only("fell by 3.2 mmHg", lexicon)
    assert (spaced.kind, spaced.unit) == (MEASURE, "pressure") and spaced.text == "3.2 mm Hg"
    assert comparable(spaced, glued) and agree(spaced, glued)
    assert not agree(spaced, only("fell by 2.3 mmHg", lexicon))
    assert not comparable(spaced, only("a 3.2 mm cut", lexicon))


def test_a_change_by_half_is_a_share_of_fifty_per_cent(lexicon):
    halved = only("cuts the risk in half", lexicon)
    assert (halved.kind, halved.text) == (PROPORTION, "in half")
    assert agree(halved, only("the risk fell by 50%", lexicon))


def test_years_are_their_own_kind(lexicon):
    year = only("published in 2019 by the team", lexicon)
    assert year.kind == YEAR and year.value == 2019
    assert not comparable(year, only("2019 women", lexicon))


@pytest.mark.parametrize("text", ["COVID-19 spread", "vitamin B12 levels", "the 3rd trial", "3D images",
                                  "one of the best ways", "type-2 diabetes"])
def test_names_ordinals_and_idle_number_words_are_not_quantities(text, lexicon):
    assert read_quantities(text, lexicon) == ()


def test_precision_written_decides_agreement(lexicon):
    about = only("about 20% of them", lexicon)
    assert agree(about, only("19.6% of them", lexicon))
    assert not agree(about, only("23% of them", lexicon))
    assert agree(only("one in five", lexicon), about)


def test_single_value_inside_a_range_agrees(lexicon):
    assert agree(only("260 mg", lexicon), only("250 to 300 mg", lexicon))
    assert not agree(only("320 mg", lexicon), only("250 to 300 mg", lexicon))


def test_different_kinds_or_units_are_not_comparable(lexicon):
    percent = only("30% of women", lexicon)
    assert not comparable(percent, only("30 women", lexicon))
    assert not comparable(only("30 mg", lexicon), only("30 ml", lexicon))
    assert not comparable(only("30 women", lexicon), only("30 studies", lexicon))


def test_bare_numbers_compare_only_on_the_same_following_word(lexicon):
    tips = only("5 tips", lexicon)
    assert (tips.kind, tips.unit) == (NUMBER, "tips")
    assert comparable(tips, only("7 tips", lexicon))
    assert not comparable(tips, only("7 ideas", lexicon))


def test_offsets_point_at_the_text(lexicon):
    text = "Of 120 couples, 1 in 3 reported it."
    spans = [text[q.start : q.end] for q in read_quantities(text, lexicon)]
    assert spans == ["120 couples", "1 in 3"]


def test_a_whole_number_below_two_is_not_half_a_unit_loose(lexicon):
    # "one hour" is about sixty minutes: never "half an hour", still "an hour" or "60 minutes".
    hour = only("one hour before bed", lexicon)
    assert not agree(hour, only("half an hour of sleep", lexicon))
    assert agree(hour, only("60 minutes before bed", lexicon))
    assert agree(only("2 hours", lexicon), only("2.4 hours", lexicon))
