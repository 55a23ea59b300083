"""Polarity: negation, direction, numbers and denials that make a passage say the opposite."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.numbers import read_quantities
from pipeline.language.polarity import negated, oppositions, polarities
from pipeline.language.reversal import clash, null_clash


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def _opposed(claim, passage, settings):
    return oppositions(claim, read_quantities(claim, settings.lexicon("numbers")), passage, settings)


def test_a_negation_on_a_shared_term_is_found(settings):
    found = _opposed("Weekly gardening reduces stress.", "Weekly gardening did not reduce stress.", settings)
    assert found.negation == 'the passage says "not reduce stress"'
    assert found.reason() == found.negation


def test_a_reversed_direction_is_found(settings):
    found = _opposed("Gardening reduces stress.", "Gardening increased stress.", settings)
    assert found.direction == 'the claim says "reduces" where the passage says "increased"'
    assert not found.negation


def test_a_different_number_of_the_same_kind_is_found(settings):
    found = _opposed("Stress fell in 40% of adults.", "Stress fell in 14% of adults.", settings)
    assert "40%" in found.number and "14%" in found.number
    assert not _opposed("Stress fell in 40% of adults.", "Stress fell in two in five adults.", settings).number


def test_a_denial_needs_two_shared_terms(settings):
    found = _opposed("The virus fails to spread by respiratory droplets in cats.",
                     "The virus spreads among cats by respiratory droplets.", settings)
    assert found.denial.startswith("the claim denies")
    # One shared word under a negation is too often a negation of something else.
    assert not _opposed("Older adults sleep badly.", "Many people do not get enough sleep.", settings).denial


@pytest.mark.parametrize(
    "text",
    ["Not only did gardening help, it was cheap.",
     "Women who gardened reported less stress than those who did not."],
)
def test_phrases_that_negate_nothing_are_not_negations(settings, text):
    assert not negated(text, settings)
    assert all(not value[0] for value in polarities(text, settings).values())


def test_advising_against_is_a_negation(settings):
    assert negated("The academy advises against melatonin for insomnia.", settings)


def test_agreeing_texts_have_no_opposition(settings):
    found = _opposed("Gardening lowers stress in 40% of adults.",
                     "In 40% of adults, gardening lowered stress.", settings)
    assert found.reason() == ""


@pytest.mark.parametrize(
    ("claim", "passage", "kind"),
    [("The drug is safe for children.", "The drug was harmful for children.", "antonym"),
     ("Spread was similar with and without masks.", "Masks lowered spread by half.", "null"),
     ("Masks had no effect on spread.", "Masks reduced spread by half.", "negation"),
     ("Gardening reduces stress.", "Gardening increased stress.", "direction")],
)
def test_clash_names_its_kind_and_quotes_the_words(settings, claim, passage, kind):
    found_kind, why = clash(claim, passage, settings)
    assert found_kind == kind
    assert '"' in why


def test_no_clash_between_a_claim_and_its_paraphrase(settings):
    assert clash("Weekly gardening lowers stress.", "Gardening each week reduces stress.", settings) == ("", "")


def test_a_negation_of_what_the_other_states_of_the_same_thing_is_found(settings):
    found = _opposed("Cold water is safe for everyone who can swim.",
                     "Cold water is not safe for everyone: people with heart conditions face a higher risk.", settings)
    assert found.negation == 'the passage says "not safe"'
    # A negation of another word in a list ("but not illness days") leaves the rest stated.
    assert not _opposed("Cold showers meant fewer days off sick.",
                        "Cold showers reduced sickness absence but not illness days.", settings).negation


def test_the_negated_word_must_be_said_of_the_same_thing(settings):
    # The claim's "safe" is said of cold water; the passage's "not safe" of a drug.
    assert not _opposed("Cold water is safe for swimmers.", "The drug is not safe in pregnancy.", settings).negation


def test_a_term_mentioned_only_to_be_denied_is_not_carried(settings):
    from pipeline.language.polarity import negated_only
    denied = negated_only("The study cannot show that magnesium lengthens sleep.", settings)
    assert "lengthen" in denied and "magnesium" not in denied  # the clause's subject is still its topic
    assert "older" not in negated_only("Poor sleep is not an unavoidable consequence of getting older.", settings)


def test_a_number_for_the_same_measure_is_found_among_other_numbers(settings):
    from pipeline.language.number_clash import number_conflict
    claim = "The supplements added around half an hour of sleep each night."
    passages = ["Participants took two capsules each evening, one hour before bed.",
                "Total sleep time rose by 12 min with magnesium and by 5 min with placebo."]
    quantity, other, where = number_conflict(claim, read_quantities(claim, settings.lexicon("numbers")), passages,
                                             passages, frozenset({"sleep", "supplement", "night"}), settings)
    assert (quantity.text, other.text, where) == ("around half an hour", "12 min", 1)  # its qualifier read with it
    # The same number given somewhere in the cited text is no conflict.
    assert number_conflict(claim, read_quantities(claim, settings.lexicon("numbers")), passages,
                           passages + ["Sleep rose by 30 minutes."], frozenset({"sleep"}), settings) is None


def test_the_same_study_is_not_a_null_finding(settings):
    assert clash("The same study linked weekly gardening with less stress.",
                 "Weekly gardening was associated with lower stress.", settings)[0] != "null"


def test_a_negation_in_a_relative_clause_ends_at_the_main_verb(settings):
    # "that is not under control" qualifies the subject; the increase itself is asserted.
    passage = "Blood sugar that is not under control increases the risk of kidney disease."
    assert clash("Uncontrolled blood sugar raises the risk of kidney disease.", passage, settings) == ("", "")
    assert polarities(passage, settings)["control"][0] is True
    # Outside a relative clause the negation still reaches the verb it governs.
    assert clash("Walking lowers blood pressure.", "Slow walking does not lower blood pressure.", settings)[0] \
        == "negation"


def test_an_independent_expert_not_involved_in_the_study_negates_nothing(settings):
    claim = "Nurses not involved in the study told reporters that the results were encouraging."
    assert not negated(claim, settings)
    assert clash(claim, "A nurse told reporters that the results were encouraging.", settings) == ("", "")


def test_no_more_is_a_null_finding_only_in_a_comparison(settings):
    claim = "Fish oil reduces low mood."
    assert null_clash(claim, "Fish oil was no more effective than placebo and reduced nothing.", settings)
    assert not null_clash("She cut back on salt and lowered her readings.",
                          "I cut right back: no more salt at the table, and lower readings.", settings)


# ── words that look like reversals and are not (sentences written for these tests) ────────


@pytest.mark.parametrize(
    "text",
    ["The cream eased itching but not redness.", "It worked in the first week and not the second.",
     "The drug protects adults but not infants from the virus."],
)
def test_a_contrasted_negation_governs_one_word_not_the_verb(settings, text):
    negated_terms = {key for key, (negated, _, _) in polarities(text, settings).items() if negated}
    assert len(negated_terms) == 1, negated_terms
    assert not _opposed(text, text.split(" but ")[0].split(" and ")[0] + ".", settings).denial


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("The survey cannot show whether snacking at night leads to poor sleep.",
      "Snacking at night was associated with poor sleep."),
     ("It is not known whether the spray reduces infections.", "The spray reduced infections in ferrets."),
     ("The trial could not say if extra vitamin D prevents falls.", "Extra vitamin D prevents falls in care homes.")],
)
def test_an_open_question_negates_knowing_not_its_content(settings, claim, passage):
    found = _opposed(claim, passage, settings)
    assert not (found.denial or found.weak_denial or found.negation), found


def test_a_comparison_is_not_a_null_finding_but_comparable_groups_are(settings):
    from pipeline.language.polarity import null_wording
    assert not null_wording("Walking lowered blood pressure compared with resting.", settings)
    assert not null_wording("The two arms were compared at twelve weeks.", settings)
    assert null_wording("Blood pressure was comparable between the groups.", settings)
    assert clash("Walking lowered blood pressure compared with resting.",
                 "Walking lowered blood pressure more than resting did.", settings)[0] != "null"


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("The pill did not lower the risk of migraine.", "There was no reduction in migraine risk with the pill."),
     ("Neither dose shortened the illness.", "Illness duration did not differ between doses and placebo."),
     ("Screen time was not linked to grades.", "There was no association between screen time and grades.")],
)
def test_a_negated_change_is_a_null_finding_and_agrees_with_one(settings, claim, passage):
    from pipeline.language.polarity import no_effect
    assert no_effect(claim, settings) and no_effect(passage, settings)
    assert clash(claim, passage, settings) == ("", "")


def test_a_negated_change_still_clashes_with_a_stated_change(settings):
    assert clash("The pill did not lower the risk of migraine.", "The pill lowered the risk of migraine.",
                 settings)[0] == "negation"


def test_a_hyphenated_non_word_states_the_negation_not_the_word(settings):
    claim = "Walkers slept longer than adults not exercising."
    assert not _opposed(claim, "Walkers slept longer than non-exercising adults.", settings).weak_denial
    assert _opposed(claim, "Walkers slept longer than exercising adults.", settings).weak_denial


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("Pupils given the lessons were less likely to exceed the limit than pupils at schools without the lessons.",
      "Pupils at schools given the lessons exceeded the limit less often than those in control schools."),
     ("Women who took the tablets slept longer than women not taking them.",
      "Women taking the tablets slept 20 minutes longer than women given placebo."),
     ("Vaccinated children missed fewer school days than children who had no vaccine.",
      "Children given the vaccine missed fewer school days than unvaccinated children."),
     ("Walkers reported less knee pain compared with adults without a walking habit.",
      "Adults with a walking habit reported less knee pain than inactive adults.")],
)
def test_a_negation_naming_the_group_compared_with_denies_nothing_the_other_text_states(claim, passage, settings):
    found = _opposed(claim, passage, settings)
    assert not (found.negation or found.denial or found.weak_denial), found


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("Patients improved more than those on a diet without salt.",
      "Patients improved more than those on a diet with salt."),
     ("Runners slept better than adults not exercising.", "Runners slept better than exercising adults.")],
)
def test_a_negated_group_against_the_same_group_stated_still_opposes(claim, passage, settings):
    found = _opposed(claim, passage, settings)
    assert found.negation or found.weak_denial, found


@pytest.mark.parametrize(
    "passage",
    ["These results should not be extrapolated to other brands.", "The findings may not apply to older adults.",
     "Results cannot be generalised to people with diabetes."],
)
def test_a_caveat_on_how_far_findings_reach_denies_nothing(settings, passage):
    assert not negated(passage, settings)


def test_words_of_an_age_are_no_antonyms(settings):
    assert clash("Young people who were bullied online reported poor sleep.",
                 "12 to 15 year olds who were bullied online reported poor sleep.", settings)[0] == ""
    assert clash("Young people slept well.", "Old people slept well.", settings)[0] in ("antonym", "direction")


def test_a_direction_word_after_another_says_how_much(settings):
    # "fell more" is a bigger fall, not a rise.
    assert polarities("Fatigue fell more in swimmers.", settings)["swimmer"][1] == -1
    assert not _opposed("Fatigue fell in swimmers.", "Fatigue fell more in swimmers.", settings).direction


@pytest.mark.parametrize(
    "text",
    ["The spray did not result in a statistically significant fall in infections.",
     "Differences in sleep were not statistically significant.", "The effect on mood was non-significant."],
)
def test_denied_significance_is_a_null_finding(settings, text):
    from pipeline.language.polarity import no_effect, null_wording
    assert null_wording(text, settings) and no_effect(text, settings)
