"""Groups of people (pipeline/assess/people.py) and the GENERALIZATION they lead to: which
groups a sentence names whatever they are called (WordNet's kinds of person), what a study
says about whom its findings reach, and causes said by what they do to people. The studies
and claims are written for these tests (sports drinks, hay fever, sleep)."""

from __future__ import annotations

import pytest
from test_assess import make_source

from pipeline.assess.assessor import assess_claims
from pipeline.assess.context import ClaimContext
from pipeline.assess.people import causative_cue, groups_named, names_people, stated_limits, states_a_limit
from pipeline.config import load_settings
from pipeline.match.matcher import match_claims
from pipeline.records import Article, Claim, Judgement


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def context_of(settings, text="A sentence.", sources=()):
    claim = Claim("c1", text, "section", 0, len(text), ())
    return ClaimContext(claim, Judgement("c1", "supported", 1.0), (), {s.id: s for s in sources},
                        {p.id: p for s in sources for p in s.passages}, settings)


def flags_of(settings, text, sources, cites=("1",)):
    claim = Claim("c1", text, "section", 0, len(text), tuple(cites))
    evidence, judgements = match_claims([claim], sources, settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), sources, evidence, judgements, settings)
    return {flag.code: flag for flag in flags}


# ── who is a group of people ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize("word", ["cyclists", "undergraduates", "soldiers", "women", "children", "skiers",
                                  "smokers", "nurses", "teenagers"])
def test_nouns_for_kinds_of_person_name_people(settings, word):
    assert names_people(word, settings)


@pytest.mark.parametrize("word", ["marathon", "office", "steady", "superior", "guide", "glucose", "trial"])
def test_other_words_do_not_even_when_a_rare_sense_is_a_person(settings, word):
    assert not names_people(word, settings)


def test_a_sentence_names_its_groups_but_not_who_says_it(settings):
    context = context_of(settings)
    text = "Researchers found that beetroot juice helps amateur cyclists and people with asthma."
    phrases = [group.phrase for group in groups_named(text, context)]
    assert phrases == ["amateur cyclists", "people with asthma"]
    general = groups_named("The drink helps people recover.", context)
    assert [group.general for group in general] == [True]


# ── what a study says about whom its findings reach ──────────────────────────────────────

SPRINTERS = make_source(
    "1", "In this randomised trial, 48 competitive sprinters drank a caffeinated sports drink or a placebo "
         "before training for six weeks. "
         "Sprint times improved by 3% more with the caffeinated drink than with placebo. "
         "It is unknown whether the benefit extends to children, to the elderly or to people with heart disease. "
         "The sample was limited to trained male sprinters.",
    url="https://journal.example.org/sprint-caffeine", kind="peer_reviewed", study_designs=("randomized_trial",),
    title="A caffeinated sports drink and sprint performance: a randomised trial")

COMMUTERS = make_source(
    "1", "We randomly assigned 300 adults with hay fever to a saline nasal rinse or to no rinse for eight weeks. "
         "The nasal rinse reduced sneezing and a blocked nose compared with no rinse. "
         "These results may not apply to children or to people taking steroid sprays.",
    url="https://journal.example.org/rinse", kind="peer_reviewed", study_designs=("randomized_trial",),
    title="Saline nasal rinse for hay fever in adults: a randomised trial")

NIGHT_SHIFTS = make_source(
    "1", "In this trial, 90 nurses working night shifts wore amber glasses for two weeks. "
         "Sleep after a night shift lengthened by 25 minutes with the glasses. "
         "The results are not to be extrapolated to anyone who does not work at night.",
    url="https://journal.example.org/amber", kind="peer_reviewed", study_designs=("randomized_trial",),
    title="Amber glasses after night shifts: a randomised trial")


def test_a_study_says_which_groups_its_findings_may_not_reach(settings):
    (excluding, keeping) = stated_limits(SPRINTERS, context_of(settings))
    assert [group.phrase for group in excluding.excluded] == ["children", "the elderly", "people with heart disease"]
    assert keeping.kept[0].phrase == "trained male sprinters" and keeping.particular_sample
    (rinse,) = stated_limits(COMMUTERS, context_of(settings))
    assert [group.phrase for group in rinse.excluded] == ["children", "people taking steroid sprays"]
    assert not rinse.particular_sample  # a study of adults that may not apply to children
    (shifts,) = stated_limits(NIGHT_SHIFTS, context_of(settings))
    assert shifts.excluded == () and shifts.particular_sample  # everyone who is not a night worker


def test_an_open_question_is_a_limit_only_when_it_is_left_open(settings):
    asked = make_source("1", "We tested whether the benefit held for women. It did.", url="https://x.example.org/a",
                        kind="peer_reviewed")
    assert stated_limits(asked, context_of(settings)) == ()
    assert states_a_limit("It may not apply to children.", context_of(settings))
    assert not states_a_limit("It applies to children.", context_of(settings))


@pytest.mark.parametrize(
    "text",
    [
        "A caffeinated sports drink improves sprint times in older adults.",
        "Caffeinated sports drinks improve sprint times in people with heart disease, a trial found.",
        "A caffeinated drink before training can make children sprint faster.",
    ],
)
def test_a_claim_about_a_group_the_study_says_it_may_not_reach_is_a_generalization(settings, text):
    flag = flags_of(settings, text, (SPRINTERS,))["GENERALIZATION"]
    assert flag.severity == "medium" and "may not reach them" in flag.message
    assert flag.evidence.startswith("It is unknown whether the benefit extends to children")


@pytest.mark.parametrize(
    "text",
    [
        "Amber glasses lengthen sleep by 25 minutes, a trial found.",
        "Wearing amber glasses after dark lengthens sleep.",
        "Caffeinated sports drinks improve sprint times by 3%.",
    ],
)
def test_a_rule_for_everyone_from_a_study_of_a_particular_group_is_a_generalization(settings, text):
    sources = (NIGHT_SHIFTS, SPRINTERS)
    cite = "1"
    source = next(s for s in sources if s.title.split()[0].lower() in text.lower()
                  or ("sprint" in text and "sprint" in s.title))
    flag = flags_of(settings, text, (source,), (cite,))["GENERALIZATION"]
    assert "beyond the people it studied" in flag.message


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Among nurses on night shifts, amber glasses lengthened sleep by 25 minutes.", NIGHT_SHIFTS),
        ("In the trial, sleep after a night shift lengthened by 25 minutes.", NIGHT_SHIFTS),
        ("A saline nasal rinse reduces sneezing in adults with hay fever.", COMMUTERS),
        ("A nasal rinse reduces sneezing in people with hay fever, though it may not apply to children.", COMMUTERS),
        ("In trained male sprinters, sprint times improved by 3% with the caffeinated drink.", SPRINTERS),
    ],
)
def test_a_claim_that_keeps_the_study_s_scope_is_not(settings, text, source):
    assert "GENERALIZATION" not in flags_of(settings, text, (source,))


def test_a_group_the_study_reports_on_is_no_extrapolation(settings):
    reported = make_source(
        "1", "In this randomised trial of 200 adults and 80 children with hay fever, a saline rinse reduced sneezing. "
             "Among the children, sneezing fell by a third. "
             "These results might not apply to children under five.",
        url="https://journal.example.org/rinse-kids", kind="peer_reviewed", study_designs=("randomized_trial",),
        title="Saline rinse in hay fever")
    text = "A saline rinse reduces sneezing in children with hay fever."
    assert "GENERALIZATION" not in flags_of(settings, text, (reported,))


# ── causes said by what they do to people ─────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Late-night gaming is making teenagers anxious, a survey suggests.", "making teenagers anxious"),
        ("The new shift pattern leaves nurses exhausted.", "leaves nurses exhausted"),
        ("A cup of cocoa can keep blood pressure from rising.", "keep blood pressure from rising"),
        ("Strong coffee kept the cyclists awake.", "kept the cyclists awake"),
    ],
)
def test_a_cause_said_by_the_state_it_leaves_people_in_is_causal(settings, text, cue):
    span = causative_cue(text, settings)
    assert span is not None and text[span[0] : span[1]] == cue
    assert context_of(settings, text).strength.label == "causal"


@pytest.mark.parametrize(
    "text",
    [
        "Participants kept a food diary from May to June.",
        "The drink did not make sprinters faster.",
        "The app makes a list of your meals.",
        "The trial left out people with asthma.",
    ],
)
def test_other_uses_of_those_verbs_are_not(settings, text):
    assert causative_cue(text, settings) is None


def test_a_verb_that_is_a_noun_elsewhere_is_causal_after_an_auxiliary(settings):
    assert context_of(settings, "Honey can ease a sore throat.").strength.label == "causal"
    assert context_of(settings, "She finished the race with ease.").strength.label == "none"


# ── a statement handed to a source that speaks of people the source never mentions ───────

SUN_PAGE = make_source(
    "1", "Adults should put on sunscreen 30 minutes before going out and reapply it every two hours. "
         "The skin of children and adolescents burns more easily, so they need shade at midday.",
    url="https://health.example.gov/sun", kind="government", publisher="Department of Health",
    title="Sun safety: a consumer fact sheet")


@pytest.mark.parametrize(
    "text",
    [
        "The health department's skin office echoes this, saying that lifeguards and ski instructors should "
        "reapply sunscreen every two hours.",
        "Golfers and sailors should reapply sunscreen every two hours, the government fact sheet says.",
    ],
)
def test_a_statement_about_people_its_source_never_mentions_is_misattributed(settings, text):
    flag = flags_of(settings, text, (SUN_PAGE,))["MISATTRIBUTION"]
    assert flag.severity == "medium" and "never mentions them" in flag.message


@pytest.mark.parametrize(
    "text",
    [
        "The government fact sheet says adults should reapply sunscreen every two hours.",
        "The fact sheet warns that teenagers burn more easily and need shade at midday.",  # adolescents
        "The department's leaflet notes that children burn more easily than grown-ups.",
        "Lifeguards should reapply sunscreen every two hours.",  # handed to no one
    ],
)
def test_a_statement_about_people_its_source_speaks_of_is_not(settings, text):
    assert "MISATTRIBUTION" not in flags_of(settings, text, (SUN_PAGE,))


# ── the group named in other words, and a claim that states no finding ──────────────────

TEEN_SURVEY = make_source(
    "1", "We surveyed 5,200 adolescents in 40 schools. "
         "Adolescents who slept less than seven hours were more likely to report low mood. "
         "Being a single snapshot, the survey cannot show whether short sleep causes low mood.",
    url="https://journal.example.org/teen-sleep", kind="peer_reviewed", study_designs=("cross_sectional",),
    title="Sleep duration and low mood in adolescents: a cross-sectional survey")


@pytest.mark.parametrize(
    "text",
    [
        "Teenagers who sleep less than seven hours are more likely to report low mood, a survey found.",
        "Teens who slept under seven hours were more likely to report low mood.",
    ],
)
def test_a_group_named_by_a_wordnet_synonym_keeps_the_study_s_scope(settings, text):
    assert "GENERALIZATION" not in flags_of(settings, text, (TEEN_SURVEY,))


@pytest.mark.parametrize(
    "text",
    [
        "Its authors note that, as a one-off snapshot, it cannot show whether short sleep "
        "causes low mood or whether pupils with low mood just sleep less.",
        "Its authors note that, as a snapshot, it is not known whether short sleep causes low mood.",
    ],
)
def test_a_claim_that_keeps_the_study_s_caution_is_no_generalization(settings, text):
    flags = flags_of(settings, text, (TEEN_SURVEY,))
    assert "GENERALIZATION" not in flags and "CAUSAL_OVERSTATEMENT" not in flags


def test_the_same_finding_stated_for_everyone_is(settings):
    flags = flags_of(settings, "Sleeping less than seven hours makes people more likely to report low mood.",
                     (TEEN_SURVEY,))
    assert flags["GENERALIZATION"].message.startswith('The evidence from [1] is about "adolescents"')


# ── a body described by its kind ──────────────────────────────────────────────────────────

SUN_NEWS = make_source(
    "1", "Adults should reapply sunscreen every two hours, a skin cancer charity says.",
    url="https://news.example.com/sun", kind="health_media", title="Sun advice for the summer")


@pytest.mark.parametrize(
    "text",
    [
        "The charity warns that adults should reapply sunscreen every two hours.",
        "The manufacturer says adults should reapply sunscreen every two hours.",
        "A professional society echoes this, saying that adults should reapply sunscreen every two hours.",
    ],
)
def test_a_body_of_a_kind_no_cited_source_has_is_misattributed(settings, text):
    flag = flags_of(settings, text, (SUN_PAGE,))["MISATTRIBUTION"]
    assert flag.severity == "medium" and "[1] is a government page" in flag.message


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("The health department advises adults to reapply sunscreen every two hours.", SUN_PAGE),
        ("The government agency's fact sheet says adults should reapply sunscreen every two hours.", SUN_PAGE),
        ("The charity warns that adults should reapply sunscreen every two hours.", SUN_NEWS),  # news passes it on
    ],
)
def test_a_body_of_the_cited_kind_or_one_reported_by_the_news_is_not(settings, text, source):
    assert "MISATTRIBUTION" not in flags_of(settings, text, (source,))


def test_people_named_by_what_they_do_are_mentioned_by_the_activity(settings):
    page = make_source("1", "People who smoke need more zinc: 3 mg a day more than others.",
                       url="https://health.example.gov/vitc", kind="government", title="Vitamin C fact sheet")
    text = "Smokers need an extra 3 mg of zinc daily, the fact sheet says."
    assert "MISATTRIBUTION" not in flags_of(settings, text, (page,))
    text = "Skiers need an extra 3 mg of zinc daily, the fact sheet says."
    assert "MISATTRIBUTION" in flags_of(settings, text, (page,))


def test_someone_s_own_doctor_is_no_group_and_a_condition_the_source_names_is_mentioned(settings):
    page = make_source("1", "Some medicines for diabetes make the skin more sensitive to the sun. "
                            "Adults should reapply sunscreen every two hours.",
                       url="https://health.example.gov/sun-meds", kind="government", title="Sun and medicines")
    for text in ("People with diabetes should ask their pharmacist about sunscreen, the fact sheet says.",
                 "Nurses say people with diabetes should reapply sunscreen every two hours, the fact sheet says."):
        assert "MISATTRIBUTION" not in flags_of(settings, text, (page,)), text
    assert [group.phrase for group in groups_named("Patients should ask their pharmacist.", context_of(settings))] == [
        "Patients"]


def test_who_a_named_speaker_is_is_no_group_spoken_of(settings):
    context = context_of(settings)
    text = "Reapplying every two hours matters most at midday, Dr Ana Ruiz, a sports physician, told the Courier."
    assert groups_named(text, context) == []
    text = "Lifeguards burn easily, Dr Ana Ruiz, a sports physician, told the Courier."
    assert [group.phrase for group in groups_named(text, context)] == ["Lifeguards"]


def test_people_the_source_names_in_other_words_or_someone_acting_are_no_misattribution(settings):
    page = make_source("1", "Among healthcare personnel, 4% tested positive for the virus in May. "
                            "Adults should reapply sunscreen every two hours.",
                       url="https://health.example.gov/staff", kind="government", title="Staff testing")
    for text in (
        "One in 25 health care workers tested positive in May, the government report says.",  # "healthcare"
        "No reason for any doctor to tell adults to skip sunscreen, the fact sheet says; adults should "
        "reapply it every two hours.",  # a doctor acting, not a group
        "Adults should reapply sunscreen every two hours, said Dr Ana Ruiz, a professor of dermatology.",
    ):
        assert "MISATTRIBUTION" not in flags_of(settings, text, (page,)), text


def test_a_source_that_backs_nothing_of_the_claim_is_left_to_unsupported(settings):
    page = make_source("1", "Recovery rates in the region rose over the summer months.",
                       url="https://stats.example.gov/recovery", kind="government", title="Regional recovery rates")
    flags = flags_of(settings, "A survey reports that lifeguards need more vitamin D, the fact sheet says.", (page,))
    assert "MISATTRIBUTION" not in flags and "UNSUPPORTED" in flags
