"""MISATTRIBUTION and GENERALIZATION told apart from correct reporting, as classes:

- a claim that names the body whose guidance page it cites, by its full name, its acronym or
  the short form a writer uses ("the Directorate"), attributes rightly; a claim that names a
  body whose page is not among its sources ("<Body> guidance says ..." citing a clinic's blog)
  does not;
- a claim that reports a study's finding in the study's own population is no generalization;
  one that widens it (any age, everyone) or draws advice from it for a group the study left
  out is.

The pages and sentences are written for these tests (screens, posture, swimming, stretching).
"""

from __future__ import annotations

import pytest
from test_assess import make_source

from pipeline.assess.assessor import assess_claims
from pipeline.assess.attribution import short_form
from pipeline.config import load_settings
from pipeline.language.outlets import named_outlets
from pipeline.match.matcher import match_claims
from pipeline.records import Article, Claim


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def flags_of(settings, text, sources, cites=("1",)):
    claim = Claim("c1", text, "section", 0, len(text), tuple(cites))
    evidence, judgements = match_claims([claim], sources, settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), sources, evidence, judgements, settings)
    return {flag.code: flag for flag in flags}, judgements[0]


# ── who a guidance claim names ─────────────────────────────────────────────────────────────

SCREEN_GUIDANCE = make_source(
    "1", "Employers must assess the risks to staff who use screens for an hour or more at a time. "
         "As a guide, staff should take a break or change activity for 5 to 10 minutes after every hour of "
         "continuous screen work. "
         "Chairs should support the lower back and let the feet rest flat on the floor.",
    url="https://www.screensafety.example.gov/guidance/screens", kind="government",
    publisher="Workplace Screen Safety Directorate", title="Working safely with screens")

POSTURE_PAGE = make_source(
    "1", "Stand up and move about for a few minutes every half hour. "
         "A footrest can ease pressure on the thighs for shorter people.",
    url="https://www.posture.example.org/advice/moving", kind="government",
    publisher="National Posture Service", title="Moving more at your desk")

CLINIC_BLOG = make_source(
    "1", "If you are new to a standing desk, start by standing for 20 to 30 minutes at a time, and build up "
         "gradually over a couple of weeks. "
         "One panel of experts suggests that desk workers work towards two hours of standing a day.",
    url="https://www.riversidephysio.example.com/blog/standing", kind="clinic",
    publisher="Riverside Physio Clinic", title="Standing desk tips from our physios")


@pytest.mark.parametrize("text", [
    "The Directorate suggests a pause of five to ten minutes for every hour of screen work.",
    "The Directorate's guidance says staff should take a break of 5 to 10 minutes every hour at a screen.",
    "WSSD guidance advises a break or a change of activity of five to ten minutes after each hour of screen work.",
    "The Workplace Screen Safety Directorate recommends a break of 5 to 10 minutes after every hour of screen work.",
])
def test_the_body_whose_guidance_page_is_cited_is_named_rightly(settings, text):
    flags, _ = flags_of(settings, text, (SCREEN_GUIDANCE,))
    assert "MISATTRIBUTION" not in flags


@pytest.mark.parametrize("text", [
    "The Posture Service advises standing up and moving about for a few minutes every half hour.",
    "NPS advice says to stand up and move about for a few minutes every half hour.",
])
def test_a_short_form_or_acronym_of_another_body_is_named_rightly_too(settings, text):
    flags, _ = flags_of(settings, text, (POSTURE_PAGE,))
    assert "MISATTRIBUTION" not in flags


@pytest.mark.parametrize(("text", "body"), [
    ("NHS guidance says desk workers should work towards two hours of standing a day.", "NHS"),
    ("WHO advice recommends that desk workers build up to two hours of standing a day.", "WHO"),
    ("The Posture Service's guidelines suggest that desk workers work towards two hours of standing a day.",
     "Posture Service"),
    ("Public Health Agency guidance says desk workers should aim for two hours of standing a day.",
     "Public Health Agency"),
])
def test_a_body_named_before_its_guidance_whose_page_is_not_cited_is_misattributed(settings, text, body):
    flags, _ = flags_of(settings, text, (CLINIC_BLOG,))
    assert flags["MISATTRIBUTION"].severity == "high" and f'"{body}"' in flags["MISATTRIBUTION"].message


@pytest.mark.parametrize(("text", "name"), [
    ("NHS guidance says to stand more.", "NHS"),
    ("The Directorate's advice recommends short breaks.", "Directorate"),
    ("WHO guidelines also suggest moving every hour.", "WHO"),
])
def test_the_name_before_a_document_noun_is_who_speaks(settings, text, name):
    assert [mention.name for mention in named_outlets(text, settings.lexicon("attribution"))] == [name]


def test_a_document_noun_with_no_name_before_it_names_no_one(settings):
    assert named_outlets("Official guidance says adults should move more.", settings.lexicon("attribution")) == []


@pytest.mark.parametrize(("name", "full", "expected"), [
    ("Directorate", "Health and Safety at Work Directorate", True),
    ("the Society", "Society for Back Care", True),
    ("Health Service", "National Health Service", True),
    ("Health", "Health and Safety at Work Directorate", False),  # part of a name, not its head
    ("National", "National Posture Service", False),
    ("Safety", "Health and Safety at Work Directorate", False),
    ("Directorate", "Directorate", False),  # the same name, not a short form of a longer one
])
def test_a_short_form_is_the_head_of_a_longer_name(settings, name, full, expected):
    words = settings.lexicon("attribution")["name_function_words"]["cues"]
    assert short_form(name, full, words) is expected


@pytest.mark.parametrize("text", [
    "For newcomers to standing, the clinic recommends starting with 20 to 30 minutes at a time.",
    "The clinic tells newcomers to a standing desk to begin with 20 to 30 minutes at a time.",
])
def test_a_group_named_after_a_quality_the_source_states_is_no_misattribution(settings, text):
    flags, _ = flags_of(settings, text, (CLINIC_BLOG,))
    assert "MISATTRIBUTION" not in flags


def test_a_group_the_clinic_never_mentions_is_still_misattributed(settings):
    text = "The clinic says lifeguards and ski instructors should start with 20 to 30 minutes of standing at a time."
    flags, _ = flags_of(settings, text, (CLINIC_BLOG,))
    assert flags["MISATTRIBUTION"].severity == "medium" and "never mentions" in flags["MISATTRIBUTION"].message
