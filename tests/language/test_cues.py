"""Cue lists found by stem, and claim terms with the synonym and abbreviation lexicon applied."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.cues import cue_set, reference_parts, term_analyzer


@pytest.fixture(scope="module")
def analyzer():
    return term_analyzer(load_settings().lexicon("synonyms"))


def test_cues_match_by_stem_and_quote_the_words_as_written() -> None:
    hits = cue_set({"cues": ["reduce", "associated with"]}, "cues").find("Walking reduced it; naps were associated with it.")
    assert [hit.surface for hit in hits] == ["reduced", "associated with"]


def test_an_exact_word_cue_does_not_match_other_words_of_its_stem() -> None:
    assert cue_set({"cues": ["=effective"]}, "cues").find("Side effects were rare.") == []


@pytest.mark.parametrize(
    ("claim_words", "source_words"),
    [("3.2 mm Hg", "3.2 mmHg"),
     ("those in the top quarter for steps", "those in the highest quartile of steps"),
     ("people who wore step counters", "people who wore pedometers"),
     ("uncontrolled blood pressure", "blood pressure that is not under control"),
     ("US adults", "adults in the United States"),
     ("fish oil instead of antidepressants", "fish oil in place of antidepressants"),
     ("doctors said", "the cardiologist said")],
)
def test_the_same_thing_written_two_ways_gives_the_same_terms(analyzer, claim_words, source_words) -> None:
    claim = {term.key for term in analyzer.terms(claim_words)}
    assert claim and claim <= {term.key for term in analyzer.terms(source_words)}


def test_a_british_body_ending_in_uk_keeps_its_name(analyzer) -> None:
    assert analyzer.term_keys("Mood Matters UK") == analyzer.term_keys("mood matters uk")
    assert not analyzer.term_keys("Mood Matters UK") & analyzer.term_keys("United Kingdom")


def test_a_reference_entry_splits_into_title_and_publisher() -> None:
    assert reference_parts("Insomnia and CBT-I. Lakeside Sleep Clinic.") == ["Insomnia and CBT-I", "Lakeside Sleep Clinic."]
    assert reference_parts("Melatonin – NHS") == ["Melatonin", "NHS"]
    assert reference_parts("Omega-3 and mood | Mood Matters UK") == ["Omega-3 and mood", "Mood Matters UK"]
    assert reference_parts("CBT-I explained") == ["CBT-I explained"]
