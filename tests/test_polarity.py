"""Polarity: negation, direction, numbers and denials that make a passage say the opposite."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.polarity import clash
from pipeline.numbers import read_quantities
from pipeline.polarity import negated, oppositions, polarities


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def _opposed(claim, passage, settings):
    return oppositions(claim, read_quantities(claim, settings.lexicon("numbers")), passage, settings)


def test_a_negation_on_a_shared_term_is_found(settings):
    found = _opposed("Weekly gardening reduces stress.", "Weekly gardening did not reduce stress.", settings)
    assert found.negation and '"not"' in found.negation
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
