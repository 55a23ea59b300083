"""Reading claims as a person does, in assess and match: who says something is not what is
said (attribution frames), a name is not an outlet when it is what a study's people have,
a claim that reports a study's own result in the study's own population overstates nothing,
and a sentence that carries its citation over from the one before is checked, not UNCITED.
The sources and claims are a small world written for these tests."""

from __future__ import annotations

import pytest
from test_assess import make_source

from pipeline.assess.assessor import assess_claims
from pipeline.assess.wording import reports_an_observation
from pipeline.config import load_settings
from pipeline.language.cues import squash
from pipeline.language.outlets import attribution_frames, named_outlets
from pipeline.language.strength import claim_strength
from pipeline.match.matcher import match_claims
from pipeline.match.retrieval import claim_view
from pipeline.match.verdict import key_terms
from pipeline.records import Article, Claim


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def check(settings, text, cites=(), sources=(), inherited=()):
    """The verdict and the flags ({code: flag}) of one claim."""
    claim = Claim("c1", text, "section", 0, len(text), tuple(cites), tuple(inherited), "c0" if inherited else "")
    evidence, judgements = match_claims([claim], sources, settings)
    article = Article("t", "mem", "0", text, (claim,), ())
    flags = assess_claims(article, sources, evidence, judgements, settings)
    return judgements[0].verdict, {flag.code: flag for flag in flags}


# ── attribution frames ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("The charity warns that people on insulin should check their sugar.", "The charity warns that"),
        ("Official guidance asks adults to walk for 150 minutes a week.", "Official guidance asks"),
        ("Both the society and the health department urge people to stand up every hour.",
         "Both the society and the health department urge"),
        ("The ministry's fact sheet puts the upper limit at 40 micrograms a day.", "The ministry's fact sheet puts"),
        ("Flu jabs halve hospital stays in care homes, a 2023 review concluded.", "a 2023 review concluded"),
        ("Nine in ten adults drink too little water, national figures show.", "national figures show"),
        ("The gel heals blisters overnight, according to its maker.", "according to its maker"),
        ("Nutritionists point out that lentils carry more iron than rice.", "Nutritionists point out that"),
    ],
)
def test_the_words_that_say_who_says_it_are_a_frame(settings, sentence, frame):
    spans = attribution_frames(sentence, settings.lexicon("attribution"))
    assert [sentence[start:end] for start, end in spans] == [frame]


@pytest.mark.parametrize(
    "sentence",
    [
        "Trials in older adults show that walking lowers blood pressure.",  # "older adults" is content
        "Smoking puts smokers at higher risk of stroke.",
        "People who nap say they feel sharper in the afternoon.",
    ],
)
def test_content_before_a_verb_of_saying_is_no_frame(settings, sentence):
    assert attribution_frames(sentence, settings.lexicon("attribution")) == []


def test_frame_words_are_never_key_content_a_source_must_carry(settings):
    view = claim_view("The charity cautions that people on insulin face a higher risk of hypos.", settings)
    keys = {term.word for term in key_terms(view, settings)}
    assert "charity" not in keys and {"insulin", "hypos"} <= keys
    assert "charity" in {term.word for term in view.terms}  # still counts where a passage has it


def test_a_claim_whose_frame_words_the_source_lacks_is_still_supported(settings):
    source = make_source("1", "People who take insulin have a higher risk of hypos during hard exercise, "
                              "so they should test their sugar before and after.",
                         url="https://diabetes-help.example.org/exercise", kind="nonprofit",
                         title="Exercise and diabetes")
    verdict, flags = check(settings, "The charity cautions that people who take insulin have a higher risk of "
                                     "hypos during hard exercise.", ["1"], [source])
    assert verdict == "supported" and "PARTIAL_SUPPORT" not in flags


def test_a_name_inside_a_longer_subject_is_not_an_outlet(settings):
    lexicon = settings.lexicon("attribution")
    for sentence in ("A pooled analysis of 30 trials in adults with COPD found that inhalers helped.",
                     "Surveys of nurses in the NHS found long shifts common.",
                     "Teenagers with ADHD say that exercise helps them focus."):
        assert named_outlets(sentence, lexicon) == [], sentence
    # The body itself, named as the subject, still is.
    assert [m.name for m in named_outlets("The NHS says that flu jabs are free for carers.", lexicon)] == ["NHS"]


def test_a_name_that_holds_and_stays_whole_when_a_source_goes_by_it(settings):
    lexicon = settings.lexicon("attribution")
    known = frozenset({squash("Academy of Nutrition and Dietetics")})
    sentence = "The Academy of Nutrition and Dietetics says lentils are a good source of iron."
    assert [m.name for m in named_outlets(sentence, lexicon, known)] == ["Academy of Nutrition and Dietetics"]
    # Two bodies joined by "and" stay two when no source goes by the joined name.
    assert len(named_outlets("Healthline and WebMD both say lentils are rich in iron.", lexicon)) == 2


def test_a_body_named_by_its_full_name_is_not_misattributed(settings):
    source = make_source("3", "Adults who want to try magnesium can take it for up to eight weeks.",
                         url="https://sleepsociety.example.org/guideline", kind="professional_body",
                         publisher="Society of Sleep and Circadian Medicine", title="Guideline on insomnia",
                         names=("Society of Sleep and Circadian Medicine",))
    _, flags = check(settings, "The Society of Sleep and Circadian Medicine says adults who want to try magnesium "
                               "can take it for up to eight weeks.", ["3"], [source])
    assert "MISATTRIBUTION" not in flags


# ── a seller's comparison passed on ───────────────────────────────────────────────────────

SHOP = make_source("7", "Our ZenBand tracker gives better sleep scores than any other wearable on the market.",
                   url="https://zenband.example.com/shop", kind="commercial", title="ZenBand")


@pytest.mark.parametrize(
    "sentence",
    [
        "ZenBand claims its tracker gives better sleep scores than any other wearable.",
        "The maker advertises its tracker as giving better sleep scores than any other wearable.",
    ],
)
def test_a_reported_comparison_resting_on_the_seller_alone_is_flagged_low(settings, sentence):
    _, flags = check(settings, sentence, ["7"], [SHOP])
    assert flags["SUPERIORITY_CLAIM"].severity == "low"


# ── a study's own result in its own population ────────────────────────────────────────────

TRIAL = make_source(
    "5",
    "We randomly assigned 90 nurses working night shifts to bright-light sessions or dim light for 8 weeks. "
    "Bright light lowered sleepiness scores by 20% in the nurses. "
    "A separate arm of 30 retired teachers showed no change. "
    "Bright light may improve alertness in shift workers, but larger trials are needed.",
    url="https://journal.example.org/light-trial", kind="peer_reviewed", study_designs=("randomized_trial",),
    title="Bright light for night-shift nurses: a randomised trial",
)


REVIEW = make_source(
    "9",
    "Bright light sessions were tested in several groups. "
    "In four trials of lorry drivers and pilots on night duty, bright light halved sleepiness scores "
    "(4 trials; 310 participants). "
    "In children, light therapy had no clear effect on sleepiness.",
    url="https://library.example.org/light-review", kind="peer_reviewed", study_designs=("systematic_review",),
    title="Bright light for daytime sleepiness: a systematic review",
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Across four trials in lorry drivers and pilots, bright light halved sleepiness scores, the review found.",
        "Among lorry drivers and pilots, bright light halved sleepiness scores in four trials.",
    ],
)
def test_a_claim_naming_its_study_group_is_no_generalization(settings, sentence):
    # The group is in no population list; the neighbouring sentence's "children" is another finding's.
    _, flags = check(settings, sentence, ["9"], [REVIEW])
    assert "GENERALIZATION" not in flags


def test_the_same_finding_stated_for_everyone_is_a_generalization(settings):
    _, flags = check(settings, "Bright light halves sleepiness scores, a review found.", ["9"], [REVIEW])
    assert "GENERALIZATION" in flags


def test_a_claim_naming_no_group_that_refers_back_to_the_study_is_no_generalization(settings):
    for sentence, inherited in (("In that trial, bright light lowered sleepiness scores by 20%.", ["5"]),
                                ("The same trial found bright light lowered sleepiness scores by 20%.", [])):
        _, flags = check(settings, sentence, [] if inherited else ["5"], [TRIAL], inherited)
        assert "GENERALIZATION" not in flags and "UNCITED" not in flags, sentence


def test_a_conclusion_about_another_group_is_still_a_generalization(settings):
    # Opening with "That means" does not put a wider group inside the study's scope.
    _, flags = check(settings, "That means bright light lowers sleepiness in teenagers with insomnia.", ["5"], [TRIAL])
    assert "GENERALIZATION" in flags
    _, flags = check(settings, "Bright light lowers sleepiness in everyone, a randomised trial found.", ["5"], [TRIAL])
    assert "GENERALIZATION" in flags


@pytest.mark.parametrize(
    ("sentence", "observed"),
    [
        ("Both programmes lowered HbA1c by a similar amount.", True),
        ("Sleepiness scores fell by a fifth in the nurses.", True),
        ("Bright light was associated with fewer errors.", True),
        ("In that trial, 30% of nurses reported headaches.", True),  # states no relationship
        ("Bright light lowers sleepiness in nurses.", False),
        ("Bright light reduces errors on night shifts.", False),
    ],
)
def test_what_a_study_saw_is_told_apart_from_a_rule(settings, sentence, observed):
    strength = claim_strength(sentence, settings.lexicon("strength"))
    assert reports_an_observation(strength, settings.lexicon("observation")) is observed


def test_reporting_a_trials_result_is_no_certainty_overstatement_but_a_rule_is(settings):
    hedged = make_source("6", "Bright light sessions appeared to lower sleepiness scores by about 20% in the "
                              "nurses, which suggests they may improve alertness in shift workers.",
                         url="https://j.example.org/r", kind="peer_reviewed", title="Light and alertness in nurses")
    for observed in ("Bright light sessions lowered sleepiness scores by about 20% in the nurses.",
                     "Sleepiness scores fell by about 20% in the nurses given bright light sessions."):
        _, flags = check(settings, observed, ["6"], [hedged])
        assert "CERTAINTY_OVERSTATEMENT" not in flags, observed
    _, flags = check(settings, "Bright light sessions reduce sleepiness scores in nurses.", ["6"], [hedged])
    assert "CERTAINTY_OVERSTATEMENT" in flags
    # The same words about the study named just before ("In that trial") report that study.
    _, flags = check(settings, "In that trial, bright light sessions reduce sleepiness scores in nurses.", [],
                     [hedged], ["6"])
    assert "CERTAINTY_OVERSTATEMENT" not in flags
    _, flags = check(settings, "Bright light sessions always lowered sleepiness in the nurses.", ["6"], [hedged])
    assert "CERTAINTY_OVERSTATEMENT" in flags  # an absolute, whatever the tense


@pytest.mark.parametrize(
    "sentence",
    [
        "The authors point out that a single survey cannot show whether screens lead to poor sleep.",
        "Because the data are cross-sectional, it is unclear whether screens lead to poor sleep.",
    ],
)
def test_a_claim_keeping_the_studys_caution_is_no_causal_overstatement(settings, sentence):
    survey = make_source("8", "Screen time was associated with poor sleep in 5,000 pupils. The direction of the "
                              "association cannot be determined from cross-sectional data.",
                         url="https://journal.example.org/screens", kind="peer_reviewed",
                         study_designs=("cross_sectional",), title="Screens and sleep: a cross-sectional survey")
    _, flags = check(settings, sentence, ["8"], [survey])
    assert "CAUSAL_OVERSTATEMENT" not in flags and "CERTAINTY_OVERSTATEMENT" not in flags
