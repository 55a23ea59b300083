"""Claims that agree with their source in other words must not be called contradicted; claims
that reverse it still must. Each class of false alarm is tested on several sentences written
for the test (none from an evaluation set), with the reversal beside it that must still count.
"""

from __future__ import annotations

import pytest

from pipeline.assess import assess_claims, settle
from pipeline.config import load_settings
from pipeline.match.matcher import judge_passages, match_claims
from pipeline.records import Article, Claim, Passage, Source


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def verdict(claim, passages, settings):
    judged = judge_passages(claim, passages, settings)
    return judged.verdict, judged.reason


# ── numbers: rounded, bounded, counts of other things ────────────────────────────────────

SURVEY = [
    "We surveyed 6,318 pupils aged 12 to 15 years in 211 secondary schools in the autumn term.",
    "Of pupils who slept less than seven hours, 34.2% reported frequent headaches, against 12.9% of those "
    "who slept nine hours or more.",
    "The median school took part with 27 pupils, and the survey took 20 minutes to complete.",
]


@pytest.mark.parametrize(
    "claim",
    ["In a survey of more than 6,000 secondary school pupils, roughly a third of those who slept less than "
     "seven hours reported frequent headaches.",
     "Just over 6,300 pupils in 211 schools took part, and about one in three of the short sleepers reported "
     "frequent headaches.",
     "Nearly 35% of pupils who slept under seven hours had frequent headaches, the survey of some 6,300 "
     "pupils found."],
)
def test_a_rounded_figure_of_the_source_is_not_contradicted(claim, settings):
    found, reason = verdict(claim, SURVEY, settings)
    assert found != "contradicted", reason


@pytest.mark.parametrize(
    ("claim", "figure"),
    [("In a survey of 6,318 pupils, 52% of those who slept less than seven hours reported frequent headaches.",
      "52%"),
     ("In a survey of more than 9,000 pupils, a third of short sleepers reported frequent headaches.",
      "more than 9,000")],
)
def test_a_changed_figure_is_not_supported_and_is_named(claim, figure, settings):
    # A fact-checker accepts contradicted, partially supported or unsupported for a changed
    # figure (the article cases' gold); the NUMBER_MISMATCH flag names the figure.
    text = " ".join(SURVEY)
    spans, start = [], 0
    for sentence in SURVEY:
        spans.append(Passage(f"1:p{len(spans) + 1}", "1", sentence, start, start + len(sentence), sentence))
        start += len(sentence) + 1
    source = Source("1", "https://survey.example.org/report", "ok", text=text, passages=tuple(spans),
                    kind="peer_reviewed")
    item = Claim("c1", claim, "section", 0, len(claim), ("1",))
    evidence, judgements = match_claims([item], [source], settings)
    flags = assess_claims(Article("t", "mem", "0", claim, (item,), ()), (source,), evidence, judgements, settings)
    judgements, flags = settle(judgements, flags, settings)
    assert judgements[0].verdict in ("contradicted", "partially_supported", "unsupported"), judgements[0].reason
    assert any(flag.code == "NUMBER_MISMATCH" and figure in flag.message for flag in flags), flags


SHARES = [
    "In 2022, 14.6% of adults aged 18 to 64 had hay fever, up from 10.1% in 2012.",
    "Among adults aged 65 and over, 8.8% had hay fever.",
    "Of adults with hay fever, 41.3% reported disturbed sleep in the pollen season, compared with 11.0% of "
    "those without it.",
]


@pytest.mark.parametrize(
    "claim",
    ["About one in seven working-age adults had hay fever in 2022, up from one in ten in 2012.",
     "Roughly 15% of adults under 65 had hay fever in 2022, against about 10% a decade earlier."],
)
def test_a_share_given_in_one_sentence_is_not_contradicted_by_another_measure(claim, settings):
    found, reason = verdict(claim, SHARES, settings)
    assert found != "contradicted", reason


# ── a negated claim agreeing with a negated or null passage ─────────────────────────────

@pytest.mark.parametrize(
    ("claim", "passage"),
    [("Zinc lozenges did not shorten colds in the trial.",
      "In the trial, zinc lozenges had no effect on how long colds lasted."),
     ("A daily walk did not lower cholesterol in the volunteers.",
      "There was no reduction in the volunteers' cholesterol with a daily walk."),
     ("Hours of phone use were not linked to exam scores.",
      "Phone use showed no association with exam scores."),
     ("Neither the low nor the high dose of the gel eased knee pain more than a placebo gel.",
      "Neither dose of the gel reduced knee pain compared with placebo."),
     ("Knee pain improved no more than it did with the placebo gel.",
      "Knee pain did not differ between the gel and placebo groups.")],
)
def test_a_negated_claim_agrees_with_a_passage_reporting_no_effect(claim, passage, settings):
    found, reason = verdict(claim, [passage], settings)
    assert found != "contradicted", reason


@pytest.mark.parametrize(
    ("claim", "passage"),
    [("Zinc lozenges shortened colds in the trial.", "In the trial, zinc lozenges did not shorten colds."),
     ("A daily walk lowered cholesterol in the volunteers.",
      "A daily walk did not lower cholesterol in the volunteers."),
     ("Hours of phone use were linked to lower exam scores.",
      "Hours of phone use were not linked to lower exam scores.")],
)
def test_a_claim_the_passage_negates_is_still_contradicted(claim, passage, settings):
    assert verdict(claim, [passage], settings)[0] == "contradicted"


# ── hedges that negate knowing, not the content ─────────────────────────────────────────

@pytest.mark.parametrize(
    ("claim", "passages"),
    [("Because it measured everyone once, the survey cannot show whether late-night snacking leads to poor "
      "sleep or the other way round.",
      ["Late-night snacking was associated with poor sleep in the survey.",
       "Because the data are cross-sectional, the direction of the association cannot be determined."]),
     ("The authors note that the study could not tell whether caffeine causes the headaches.",
      ["Caffeine intake was associated with more frequent headaches.",
       "Whether caffeine causes headaches could not be established in this design."])],
)
def test_cannot_show_whether_agrees_with_a_source_that_cannot_tell(claim, passages, settings):
    found, reason = verdict(claim, passages, settings)
    assert found != "contradicted", reason


def test_a_plain_denial_of_what_the_source_found_is_still_contradicted(settings):
    found, _ = verdict("Late-night snacking does not affect sleep.",
                       ["Late-night snacking affects sleep, the survey found."], settings)
    assert found == "contradicted"


# ── other words that look like negations ────────────────────────────────────────────────

@pytest.mark.parametrize(
    ("claim", "passage"),
    [("Against people who did not exercise at all, the walkers lowered their blood pressure by 5 mmHg.",
      "Compared with non-exercising controls, walking lowered blood pressure by 5 mmHg."),
     ("The trial was paid for by the firm that makes the tablets.",
      "These results should not be extrapolated to other tablets or to children."),
     ("Fatigue fell in cold-water swimmers compared with swimmers in heated pools.",
      "Fatigue fell more in cold-water swimmers than in those swimming in heated pools.")],
)
def test_words_that_look_like_negations_are_no_reversal(claim, passage, settings):
    found, reason = verdict(claim, [passage], settings)
    assert found != "contradicted", reason


# ── a negating pronoun and the people it counts ──────────────────────────────────────────

TRIAL_HARMS = [
    "No serious adverse events occurred during the trial.",
    "Nine participants in the cycling group reported short-lived knee soreness in the first month.",
    "Blood pressure fell more in the cycling group than in the control group.",
]


@pytest.mark.parametrize(
    "claim",
    ["Nobody in the cycling group had a serious side effect.",
     "None of the volunteers in the cycling group had a serious adverse event.",
     "No one among the cyclists developed a serious side effect, though a few reported sore knees.",
     "None of the participants from the cycling group suffered serious adverse events."],
)
def test_whom_a_negating_pronoun_counts_is_not_denied(claim, settings):
    found, reason = verdict(claim, TRIAL_HARMS, settings)
    assert found != "contradicted", reason


@pytest.mark.parametrize(
    "claim",
    ["Nobody in the cycling group reported knee soreness.",
     "None of the participants in the cycling group saw their blood pressure fall."],
)
def test_what_a_negating_pronoun_denies_is_still_contradicted(claim, settings):
    found, reason = verdict(claim, TRIAL_HARMS, settings)
    assert found == "contradicted", reason
