"""Numbers read from prose: ranges, proportions, written numbers, units, years, counts."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.numbers import (
    AGE,
    COUNT,
    MEASURE,
    NUMBER,
    PROPORTION,
    RELATIVE,
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


def test_a_change_by_half_is_a_change_of_fifty_per_cent(lexicon):
    halved = only("cuts the risk in half", lexicon)
    assert (halved.kind, halved.text) == (RELATIVE, "in half")
    assert agree(halved, only("the risk fell by 50%", lexicon))
    assert not agree(halved, only("the risk rose by 50%", lexicon))


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


# ── how writers round, bound and name numbers ────────────────────────────────────────────
# A class of false NUMBER_MISMATCH and CONTRADICTED: an article rounds a source's figure
# ("more than 9,000 people" for 9,318), writes an age band another way ("in their thirties"
# for "aged 30 to 39"), or counts one thing where the source counts another in the same
# sentence ("5,200 primary school pupils" beside "140 primary schools").


@pytest.mark.parametrize(
    ("claim", "source"),
    [("more than 9,000 people took part", "9,318 participants were enrolled"),
     ("just over 2,000 patients", "2,140 patients"),
     ("over 40 trials were pooled", "43 trials"),
     ("at least 600 adults", "612 adults"),
     ("nearly half of the nurses", "47% of nurses"),
     ("almost 30% of smokers", "28.5% of smokers"),
     ("about one in six drivers", "16.4% of drivers"),
     ("roughly a third of the sample", "34% of the sample"),
     ("around 12,000 children", "11,800 children"),
     ("up to 30 weeks of follow-up", "a median of 16.5 weeks of follow-up"),
     ("less than 20 minutes", "12 minutes")],
)
def test_a_rounded_or_bounded_figure_agrees_with_the_exact_one(claim, source, lexicon):
    rounded, exact = only(claim, lexicon), only(source, lexicon)
    assert rounded.approximate and not exact.approximate
    assert comparable(rounded, exact) and agree(rounded, exact)


@pytest.mark.parametrize(
    ("claim", "source"),
    [("more than 9,000 people", "7,900 participants"),  # a bound the figure is below
     ("more than 9,000 people", "21,500 participants"),  # twice past it: no writer's "more than"
     ("less than 20 minutes", "26 minutes"),
     ("nearly half of the nurses", "52% of nurses"),  # "nearly" stops short of it
     ("nearly half of the nurses", "31% of nurses"),
     ("about one in six drivers", "25% of drivers"),
     ("at least 600 adults", "540 adults")],
)
def test_a_qualified_figure_still_disagrees_with_another(claim, source, lexicon):
    assert not agree(only(claim, lexicon), only(source, lexicon))


def test_a_qualifier_is_read_with_its_number(lexicon):
    quantity = only("The review found more than 9,000 people", lexicon)
    assert quantity.text == "more than 9,000 people"
    assert quantity.low_high == (9000.0, 18000.0)
    assert only("up to 35 weeks of follow-up", lexicon).low_high == (0.0, 35 * 10080.0)
    # A year is never a bound: "before 2019" names a time.
    assert not only("in studies before 2019", lexicon).approximate


@pytest.mark.parametrize(
    ("text", "band"),
    [("a 45-year-old teacher", (45.0, 45.0)), ("13 to 15 year olds", (13.0, 15.0)),
     ("13- to 15-year-olds", (13.0, 15.0)), ("pupils aged 13 to 15", (13.0, 15.0)),
     ("nurses in their thirties", (30.0, 39.0)), ("nurses in their early 30s", (30.0, 39.0)),
     ("a man in his sixties", (60.0, 69.0))],
)
def test_ages_written_any_way_are_ages(text, band, lexicon):
    quantity = only(text, lexicon)
    assert (quantity.kind, quantity.low_high) == (AGE, band)


def test_an_age_band_agrees_however_it_is_written(lexicon):
    assert agree(only("nurses in their thirties", lexicon), only("nurses aged 30 to 39", lexicon))
    assert agree(only("13- to 15-year-olds", lexicon), only("children aged 13 to 15 years", lexicon))
    assert not agree(only("nurses in their thirties", lexicon), only("nurses aged 45 to 54", lexicon))
    # "16 years. Old habits" is a duration and a new sentence, not an age.
    assert read_quantities("They smoked for 16 years. Old habits die hard.", lexicon)[0].kind != AGE


def test_a_decade_of_years_is_not_seconds(lexicon):
    decade = only("popular since the 1980s", lexicon)
    assert (decade.kind, decade.low_high) == (YEAR, (1980.0, 1989.0))
    assert read_quantities("their 40s were busy", lexicon)[0].kind == AGE


@pytest.mark.parametrize("text", ["type 1 diabetes", "a phase 3 trial", "stage 4 cancer", "see table 2 below",
                                  "grade 2 hypertension"])
def test_a_number_that_names_a_thing_is_no_quantity(text, lexicon):
    assert read_quantities(text, lexicon) == ()


def test_a_label_word_before_a_comma_does_not_swallow_the_next_number(lexicon):
    quantity = only("In this cohort, 2,310 women were followed", lexicon)
    assert (quantity.kind, quantity.value) == (COUNT, 2310.0)


@pytest.mark.parametrize(
    ("first", "second"),
    [("5,200 primary school pupils", "140 primary schools"),
     ("18 outpatient clinics", "18 outpatient nurses"),
     ("24 pilot studies", "24 pilot participants")],
)
def test_counts_of_different_things_are_not_comparable(first, second, lexicon):
    assert not comparable(only(first, lexicon), only(second, lexicon))


@pytest.mark.parametrize(
    ("text", "kind", "unit"),
    [("5,200 primary school pupils", COUNT, "students"), ("12 small pilot trials", COUNT, "studies"),
     ("25 trial comparisons", NUMBER, "comparisons"), ("9 healthy men", COUNT, "men"),
     ("40 placebo-controlled comparisons", NUMBER, "comparisons")],
)
def test_a_number_counts_the_noun_its_describing_words_lead_to(text, kind, unit, lexicon):
    quantity = only(text, lexicon)
    assert (quantity.kind, quantity.unit) == (kind, unit)


def test_a_share_with_a_qualifier_keeps_its_kind(lexicon):
    assert only("roughly a third of the sample", lexicon).kind == PROPORTION


def test_a_number_and_a_half_is_read_whole(lexicon):
    walk = only("two and a half hours of walking a week", lexicon)
    assert (walk.kind, walk.value) == (MEASURE, 150.0)
    assert agree(walk, only("150 minutes of walking", lexicon))
    assert not agree(walk, only("1 hour of walking", lexicon))
