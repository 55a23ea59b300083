"""Relative measures: a ratio and a percentage change are one fact in two forms, compared as
ratios within the precision written (pipeline/language/relative.py). Sentences written for the
test: several per form that must agree, and the changed figures that must still disagree."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.number_clash import given, number_disagreements
from pipeline.language.numbers import PROPORTION, RELATIVE, agree, comparable, read_quantities
from pipeline.language.reversal import clash


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def lexicon(settings):
    return settings.lexicon("numbers")


def relative(text, lexicon):
    """The one relative measure of `text`."""
    found = [quantity for quantity in read_quantities(text, lexicon) if quantity.kind == RELATIVE]
    assert len(found) == 1, read_quantities(text, lexicon)
    return found[0]


@pytest.mark.parametrize(
    ("text", "ratio"),
    [("the group had a higher risk of knee pain (hazard ratio 1.31, 95% CI 1.12 to 1.53)", 1.31),
     ("smokers were at greater risk (HR = 2.05)", 2.05),
     ("an adjusted odds ratio of 1.4 for poor sleep", 1.4),
     ("the pooled estimate (aOR 0.72; 95% CI 0.6 to 0.86)", 0.72),
     ("falls were rarer with coaching (relative risk 0.65)", 0.65),
     ("the incidence rate ratio was 1.18", 1.18),
     ("children were 1.4 times as likely to wheeze", 1.4),
     ("night workers were three times as likely to report insomnia", 3.0),
     ("readers were twice as likely to finish the course", 2.0),
     ("smokers were one and a half times as likely to cough", 1.5),
     ("a diet that doubled the risk of gout", 2.0),
     ("walkers were half as likely to be admitted", 0.5),
     ("the drug halves the odds of a second stroke", 0.5),
     ("cyclists were 31% more likely to finish", 1.31),
     ("a 40% higher risk of migraine", 1.4),
     ("patients were 40% less likely to relapse", 0.6),
     ("a 25% reduction in the risk of asthma attacks", 0.75),
     ("had a 30% increased risk of gout", 1.3),
     ("a 20% fall in admissions", 0.8),
     ("the vaccine reduced the risk of admission by 60%", 0.4),
     ("an increase of 15% in the rate of hip fractures", 1.15),
     ("the programme cut the risk of falls in half", 0.5)],
)
def test_each_form_is_read_as_its_ratio(text, ratio, lexicon):
    found = relative(text, lexicon)
    assert found.value == pytest.approx(ratio, abs=1e-6) and found.high is None


@pytest.mark.parametrize(
    ("claim", "source"),
    [("were about 30% more likely to develop neck pain", "higher risk of neck pain (hazard ratio 1.31)"),
     ("had a 31% higher risk of neck pain", "HR 1.31, 95% CI 1.12 to 1.53"),
     ("were about 40% more likely to report cramps", "were 1.4 times as likely to report cramps"),
     ("roughly 40% more likely to snore", "odds ratio of 1.38 for snoring"),
     ("were 40% less likely to relapse", "relative risk 0.6"),
     ("roughly a third less likely to go over the limit", "adjusted relative risk 0.65"),
     ("about a third less likely to be readmitted", "RR 0.68"),
     ("were twice as likely to fall", "doubled the risk of a fall"),
     ("had twice the odds of asthma", "OR 2.04"),
     ("nearly twice as likely to be admitted", "HR 1.8"),
     ("were half as likely to be readmitted", "a 50% reduction in the risk of readmission"),
     ("halved the risk of a second stroke", "IRR 0.52"),
     ("cut the rate of falls by some 30%", "rate ratio 0.71"),
     ("an increase of 25% in clinic visits", "1.25 times higher"),
     ("a three-fold higher risk", "three times as likely"),
     ("one and a half times as likely to snore", "50% more likely to snore")],
)
def test_a_ratio_and_a_change_of_the_same_size_agree(claim, source, lexicon):
    mine, theirs = relative(claim, lexicon), relative(source, lexicon)
    assert comparable(mine, theirs) and agree(mine, theirs)


@pytest.mark.parametrize(
    ("claim", "source"),
    [("were 50% more likely to develop neck pain", "hazard ratio 1.31"),
     ("were three times as likely to report cramps", "OR 1.4"),
     ("were 40% less likely to fall", "RR 1.4"),  # the direction reversed
     ("were about 40% more likely to snore", "hazard ratio 1.31"),  # "about" is a tenth either side
     ("were twice as likely to fall", "HR 1.4"),
     ("were half as likely to be readmitted", "relative risk 0.8"),
     ("reduced the risk of falls by 30%", "the risk of falls rose by 30%"),
     ("cut the risk of falls in half", "OR 1.5")],
)
def test_a_changed_ratio_or_direction_still_disagrees(claim, source, lexicon):
    mine, theirs = relative(claim, lexicon), relative(source, lexicon)
    assert comparable(mine, theirs) and not agree(mine, theirs)


@pytest.mark.parametrize(
    "text",
    ["take the tablets three times a day", "twice a week for six weeks", "doubled the dose of vitamin D",
     "reported by 24.6% of students who were elevated", "22% or 1.4 million people",
     "pain was reduced in 30% of patients", "cut sugar intake in 40% of homes",
     "about 30% drop out of treatment", "in the first year 12% fell at home", "20% reduced their intake"],
)
def test_frequencies_doses_and_plain_shares_are_no_relative_measures(text, lexicon):
    assert all(quantity.kind != RELATIVE for quantity in read_quantities(text, lexicon))


def test_a_confidence_level_is_no_finding(lexicon):
    texts = ["HR 1.31 (95% CI 1.12 to 1.53)", "OR 0.8, 90% confidence interval 0.7 to 0.9"]
    for text in texts:
        assert all(quantity.kind != PROPORTION for quantity in read_quantities(text, lexicon)), text


def test_a_lower_case_or_is_a_conjunction_and_a_unit_needs_no_punctuation_before_it(lexicon):
    assert all(quantity.kind != RELATIVE for quantity in read_quantities("2 or 3 servings a day", lexicon))
    pair = read_quantities("OR = 1.4; HR 0.72", lexicon)
    assert [(quantity.kind, quantity.value) for quantity in pair] == [(RELATIVE, 1.4), (RELATIVE, 0.72)]


@pytest.mark.parametrize(
    ("text", "source_share"),
    [("at roughly one in nine against one in 25 on placebo", 0.043),
     ("about 20% of men and 30% of women", 0.31),
     ("approximately 12 mg versus 20 mg", None)],
)
def test_one_about_governs_two_coordinated_numbers(text, source_share, lexicon):
    first, second = read_quantities(text, lexicon)[:2]
    assert first.approximate == second.approximate == "around"
    if source_share is not None:
        assert agree(second, read_quantities(f"{source_share * 100:.1f}%", lexicon)[0])


def test_one_about_does_not_reach_past_a_sentence_or_another_kind(lexicon):
    sentence, kinds = read_quantities("About 20% slept badly. 30% of them", lexicon), \
        read_quantities("about 20% of the 300 women", lexicon)
    assert sentence[1].approximate == "" and kinds[1].approximate == ""


COMPARATIVE_SOURCE = ["Nausea was reported by 12 participants (8.1%) on the drug and 4 (2.7%) on placebo.",
                      "Sleep improved by 14 minutes a night (95% CI 6 to 22) with the drug."]


@pytest.mark.parametrize(
    "claim",
    ["Nausea was more common on the drug than on placebo.",
     "Fewer people on placebo felt sick.",
     "Those on the drug slept longer, and nausea was higher in that group.",
     "Sick feelings were less frequent with the dummy pills."],
)
def test_a_comparative_with_no_number_is_no_number_clash(claim, settings):
    quantities = read_quantities(claim, settings.lexicon("numbers"))
    assert quantities == ()
    assert number_disagreements(claim, quantities, COMPARATIVE_SOURCE, COMPARATIVE_SOURCE, settings) == []
    for passage in COMPARATIVE_SOURCE:
        assert clash(claim, passage, settings)[0] != "number"


def test_a_change_is_given_by_its_ratio_and_a_changed_one_is_not(settings):
    source = ["Night workers had a higher risk of insomnia (hazard ratio 1.52, 95% CI 1.3 to 1.8)."]
    lexicon = settings.lexicon("numbers")
    right = "Night workers were about 50% more likely to have insomnia."
    wrong = "Night workers were 80% more likely to have insomnia."
    assert given(right, relative(right, lexicon), source, settings)
    assert not given(wrong, relative(wrong, lexicon), source, settings)
    clash = number_disagreements(wrong, read_quantities(wrong, lexicon), source, source, settings)
    assert [(mine.text, theirs.text) for mine, theirs, _ in clash] == [("80% more", "1.52")]
