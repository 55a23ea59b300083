"""Claims that restate a study's own limitation, against the paper's limitations passage in other
words (synonyms.toml [limitations]; features.strength_signals; verdict.claim_rows). Every
sentence here was written for this test."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.cues import term_analyzer
from pipeline.match.features import strength_signals
from pipeline.match.matcher import judge_passages_many
from pipeline.match.verdict import Decision


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def keys(text: str, settings) -> set[str]:
    return {term.key for term in term_analyzer(settings.lexicon("synonyms")).terms(text)}


def decided(claim: str, passages: list[str], settings) -> tuple[str, Decision]:
    decisions: list[Decision] = []
    judged = judge_passages_many([(claim, passages)], settings, observe=lambda _, decision: decisions.append(decision))
    return judged[0].verdict, decisions[0]


# (an article's wording, a paper's wording of the same limitation)
SAME_LIMITATION = [
    ("each volunteer was weighed only once", "weight and diet were recorded at the same visit"),
    ("the survey looked at one point in time", "this was a cross-sectional analysis"),
    ("nobody can say which came first", "reverse causation cannot be excluded"),
    ("it cannot tell whether the naps came before the memory lapses", "whether napping preceded cognitive decline"),
    ("trials that found nothing may have gone unpublished", "funnel plot asymmetry was seen"),
    ("some negative studies were never published", "small-study effects suggest publication bias"),
    ("other differences between the groups could explain it", "residual confounding is possible"),
]


@pytest.mark.parametrize(("article", "paper"), SAME_LIMITATION)
def test_an_articles_wording_of_a_limitation_meets_the_papers(settings, article, paper):
    assert keys(article, settings) & keys(paper, settings) - keys("the study", settings)


def test_a_word_sharing_a_stem_with_a_concept_is_not_the_concept(settings):
    # "observed" shares its stem with "observational": the design concept needs the phrase.
    assert not keys("we observed fewer falls", settings) & keys("the design cannot establish causality", settings)
    assert keys("an observational study", settings) & keys("the design cannot establish causality", settings)


def test_limitation_concepts_stay_apart(settings):
    # Measured once and publication bias are different limitations.
    assert not keys("the survey looked at one point in time", settings) & keys("funnel plot asymmetry", settings)
    assert not keys("results that went unpublished", settings) & keys("reverse causation", settings)


CAUTIOUS = [  # a claim saying what a study cannot show, over a passage stating an association
    ("The study cannot show whether late-night gaming causes poor sleep.",
     "Late-night gaming was associated with poorer sleep."),
    ("It is impossible to tell whether loneliness leads to heavy drinking.",
     "Loneliness was linked to heavy drinking in older men."),
    ("The authors cannot prove that sugary drinks raise the risk of gout.",
     "Sugary drinks were associated with a higher risk of gout."),
    ("Whether the tablets prevent migraines remains unclear.",
     "Tablet use was linked to fewer migraine days, though the trial was small."),
]


@pytest.mark.parametrize(("claim", "passage"), CAUTIOUS)
def test_a_claim_saying_what_cannot_be_shown_is_not_stronger_wording(settings, claim, passage):
    stronger, _, certainty, causal = strength_signals(claim, passage, settings)
    assert (stronger, certainty, causal) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("claim", "passage"), [
    ("Late-night gaming causes poor sleep.", "Late-night gaming was associated with poorer sleep."),
    ("Sugary drinks raise the risk of gout.", "Sugary drinks were associated with a higher risk of gout."),
])
def test_cause_stated_over_an_association_is_still_stronger_wording(settings, claim, passage):
    stronger, _, _, causal = strength_signals(claim, passage, settings)
    assert stronger == 1.0 and causal == 1.0


LIMITATION_CLAIMS = [
    ("Because everyone was surveyed only once, the researchers cannot say whether poor sleep came before "
     "the weight gain.",
     ["Sleep duration and body weight were both recorded at a single visit.",
      "As the design was cross-sectional, we cannot establish whether short sleep preceded weight gain.",
      "Participants were aged 30 to 60."]),
    ("The study was a snapshot, so it cannot show whether gaming leads to poor grades or whether struggling "
     "pupils simply play more.",
     ["Gaming for more than three hours a day was associated with lower grades.",
      "Because the survey was cross-sectional, the direction of the association between gaming and grades "
      "cannot be determined.",
      "Grades came from school records."]),
    ("Since the walkers were measured just once, it is impossible to tell which came first, the dog or the "
     "daily walk.",
     ["Owning a dog was associated with walking more each day.",
      "Because exposure and outcome were measured at the same visit, reverse causation cannot be ruled out.",
      "Dogs of all sizes were included."]),
    ("The review warns that negative trials may have gone unpublished.",
     ["We included 18 randomised trials.", "There was evidence of small-study effects, suggesting publication bias.",
      "Doses ranged widely."]),
]


@pytest.mark.parametrize(("claim", "passages"), LIMITATION_CLAIMS)
def test_a_limitation_the_paper_states_is_supported(settings, claim, passages):
    verdict, decision = decided(claim, passages, settings)
    assert verdict == "supported"
    assert decision.inputs is not None and decision.inputs.best is not None


def test_a_phrase_the_claim_denies_is_carried_by_a_passage_denying_it_too(settings):
    # "cannot say whether X came before Y" and "cannot establish whether X preceded Y": the
    # phrase is denied on both sides, so the passage carries it.
    _, decision = decided(LIMITATION_CLAIMS[0][0], LIMITATION_CLAIMS[0][1], settings)
    assert "came before" not in [term.word for term in decision.inputs.missing]


@pytest.mark.xfail(strict=True, reason="'never' reads as an absolute the passage does not use (strength_certainty)")
def test_known_gap_a_limitation_worded_with_never(settings):
    verdict, _ = decided("The authors note that trials with disappointing results may never have been published.",
                         ["Thirty-one trials met the inclusion criteria.",
                          "Funnel plot asymmetry pointed to publication bias.", "Most trials lasted twelve weeks."],
                         settings)
    assert verdict == "supported"


def test_a_cause_claimed_over_a_cross_sectional_passage_is_not_supported_whole(settings):
    verdict, decision = decided("Heavy gaming causes poor grades in teenagers.",
                                ["Gaming for more than three hours a day was associated with lower grades in "
                                 "teenagers.",
                                 "Because the data are cross-sectional, the direction of the association cannot be "
                                 "determined."], settings)
    assert verdict != "supported"
    assert decision.inputs.named()["strength_causal"] == 1.0
