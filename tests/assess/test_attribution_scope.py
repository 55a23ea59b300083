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
from pipeline.assess.widening import age_bands
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


EXCELLENCE_PAGE = make_source(
    "1", "Offer people with low back pain a group exercise programme. "
         "Do not offer belts or corsets for managing low back pain.",
    url="https://www.excellence.example.org/guidance/back-pain", kind="government",
    publisher="National Institute for Health and Care Excellence", title="Low back pain: assessment and management")

HEALTH_SERVICE_PAGE = make_source(
    "1", "Adults should do some type of physical activity every day. "
         "Break up long periods of sitting with light activity.",
    url="https://www.healthservice.example.org/live-well/exercise", kind="government",
    publisher="National Health Service", title="Physical activity guidelines for adults")


@pytest.mark.parametrize(("text", "source"), [
    ("NICE recommends offering people with low back pain a group exercise programme.", EXCELLENCE_PAGE),
    ("NICE guidance advises against belts or corsets for low back pain.", EXCELLENCE_PAGE),
    ("The health service advises breaking up long periods of sitting with light activity.", HEALTH_SERVICE_PAGE),
    ("NHS guidance says adults should be active in some way every day.", HEALTH_SERVICE_PAGE),
    ("According to the National Health Service, adults should do some physical activity every day.",
     HEALTH_SERVICE_PAGE),
])
def test_the_body_named_by_a_familiar_acronym_or_description_is_its_page(settings, text, source):
    flags, _ = flags_of(settings, text, (source,))
    assert "MISATTRIBUTION" not in flags


def test_another_body_s_acronym_is_still_misattributed(settings):
    flags, _ = flags_of(settings, "NIH guidance advises against belts or corsets for low back pain.", (EXCELLENCE_PAGE,))
    assert '"NIH"' in flags["MISATTRIBUTION"].message


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
    ("CDC", "Centers for Disease Control and Prevention", True),  # most initials, in order
    ("NICE", "National Institute for Health and Care Excellence", True),
    ("NIH", "National Institute for Health and Care Excellence", False),  # too few of them
    ("WHO", "Riverside Physio Clinic", False),
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


# ── whom a study's finding is stated of ─────────────────────────────────────────────────────

STRETCH_COHORT = make_source(
    "1", "We followed 820 pupils aged 11 to 13 years from 14 schools for four years. "
         "Each extra ten minutes of daily stretching at baseline was associated with a lower back stiffness "
         "score at follow-up. "
         "Because stretching was self-reported, the association may be overstated.",
    url="https://journal.example.org/stretching-cohort", kind="peer_reviewed", study_designs=("cohort",),
    title="Daily stretching and back stiffness in early adolescence: a prospective cohort study")

POLE_LAB = make_source(
    "1", "Twelve healthy men aged 20 to 30 years walked on a treadmill with and without poles. "
         "Walking with poles raised oxygen uptake by 18% compared with walking without poles. "
         "The sample was small and included only young, fit men; the results may differ in women, "
         "older adults and people with heart disease.",
    url="https://journal.example.org/pole-oxygen", kind="peer_reviewed", study_designs=("randomized_trial",),
    title="Oxygen uptake with and without walking poles in young men: a crossover trial")


@pytest.mark.parametrize("text", [
    "A study that followed 820 children aged 11 to 13 found that those who stretched more each day tended to "
    "have slightly lower back stiffness scores four years later.",
    "Pupils who stretched for longer each day tended to have lower back stiffness scores four years later, "
    "the cohort found.",
    "In young people aged 11 to 13, more daily stretching was associated with lower back stiffness scores "
    "four years on.",
    "Schoolchildren aged 11 to 13 who stretched more each day were somewhat less stiff in the back four years "
    "later, a cohort study found.",
])
def test_a_finding_reported_in_the_people_the_study_counted_is_no_generalization(settings, text):
    flags, _ = flags_of(settings, text, (STRETCH_COHORT,))
    assert "GENERALIZATION" not in flags


@pytest.mark.parametrize("text", [
    "Daily stretching is linked with lower back stiffness in people of any age, the cohort suggests.",
    "The authors conclude that more daily stretching goes with lower back stiffness scores whatever your age.",
    "More daily stretching was associated with lower back stiffness, young and old alike.",
    "Stretching every day is associated with a lower back stiffness score at all ages, for everyone.",
])
def test_a_finding_stated_for_everyone_or_any_age_is_a_generalization(settings, text):
    flags, _ = flags_of(settings, text, (STRETCH_COHORT,))
    assert flags["GENERALIZATION"].severity == "medium" and "studied" in flags["GENERALIZATION"].message


@pytest.mark.parametrize("text", [
    "Older walkers with sore hips can therefore expect to use about a fifth more oxygen with poles.",
    "Women who take up pole walking should expect their oxygen uptake to rise by about 18%.",
    "People with heart disease can expect poles to raise their oxygen uptake by nearly a fifth.",
])
def test_advice_drawn_for_a_group_the_study_left_out_is_a_generalization(settings, text):
    flags, _ = flags_of(settings, text, (POLE_LAB,))
    assert "may not reach them" in flags["GENERALIZATION"].message


@pytest.mark.parametrize("text", [
    "In a treadmill test of young men, walking with poles raised oxygen uptake by about a fifth.",
    "Young men walking with poles used about 18% more oxygen than without them, the trial found.",
    "Walkers should therefore expect poles to make a walk harder work, the small trial suggests.",
])
def test_a_report_or_advice_naming_no_left_out_group_is_not(settings, text):
    flags, _ = flags_of(settings, text, (POLE_LAB,))
    assert "may not reach them" not in getattr(flags.get("GENERALIZATION"), "message", "")


def test_dropping_the_condition_of_a_counted_group_is_still_a_generalization(settings):
    study = make_source(
        "1", "We surveyed 240 retired men with high blood pressure. "
             "Weekly stretching was associated with lower systolic blood pressure.",
        url="https://journal.example.org/stretch-bp", kind="peer_reviewed", study_designs=("cross_sectional",),
        title="Stretching and blood pressure in retired men with hypertension")
    flags, _ = flags_of(settings, "Weekly stretching is associated with lower systolic blood pressure in men.", (study,))
    assert "GENERALIZATION" in flags


@pytest.mark.parametrize(("text", "bands"), [
    ("pupils aged 13 to 15 years", {(13, 15)}),
    ("children ages 6-9 took part", {(6, 9)}),
    ("among 12- to 14-year-olds", {(12, 14)}),
    ("volunteers between the ages of 18 and 30", {(18, 30)}),
    ("aged 65 and over", set()),  # no upper bound: no band
    ("from 2 to 4 weeks", set()),  # no word of age
])
def test_age_bands_are_read_in_their_usual_wordings(settings, text, bands):
    assert age_bands(text, settings.lexicon("population")) == bands
