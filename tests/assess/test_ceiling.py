"""A claim that says more than its sources is not `supported`: the verdict a claim keeps once
its flags are known (pipeline/assess/ceiling.py). The claims and sources are written for
these tests."""

from __future__ import annotations

import dataclasses

import pytest
from test_assess import make_source

from pipeline.assess.assessor import assess_claims
from pipeline.assess.ceiling import flags_after_ceilings, verdicts_after_flags
from pipeline.config import load_settings
from pipeline.match.matcher import match_claims
from pipeline.records import Article, Claim, Flag, Judgement


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def settle(settings, verdict, *codes):
    judgement = Judgement("c1", verdict, 0.8, "backed by [1]")
    flags = [Flag("c1", code, "medium", "m.") for code in codes] + [Flag("c2", "MISQUOTE", "high", "m.")]
    (settled,) = verdicts_after_flags([judgement], flags, settings)
    return settled


@pytest.mark.parametrize("code", ["CAUSAL_OVERSTATEMENT", "CERTAINTY_OVERSTATEMENT", "GENERALIZATION",
                                  "MISATTRIBUTION"])
def test_a_claim_stated_beyond_its_sources_is_at_most_partially_supported(settings, code):
    settled = settle(settings, "supported", "PARTIAL_SUPPORT", code)
    assert settled.verdict == "partially_supported"
    assert code in settled.reason and settled.reason.startswith("backed by [1]; ")
    assert settle(settings, "partially_supported", code).verdict == "partially_supported"
    assert settle(settings, "unsupported", code).verdict == "unsupported"


@pytest.mark.parametrize("verdict", ["supported", "partially_supported"])
def test_a_claim_reporting_words_its_source_lacks_is_unsupported(settings, verdict):
    settled = settle(settings, verdict, "MISQUOTE", "GENERALIZATION")
    assert settled.verdict == "unsupported" and "MISQUOTE" in settled.reason


@pytest.mark.parametrize("verdict", ["contradicted", "unverifiable"])
def test_a_contradiction_or_an_unchecked_claim_keeps_its_verdict(settings, verdict):
    assert settle(settings, verdict, "MISQUOTE", "CERTAINTY_OVERSTATEMENT").verdict == verdict


def test_flags_that_say_nothing_of_overstatement_lower_nothing(settings):
    settled = settle(settings, "supported", "SUPERIORITY_CLAIM", "COMMERCIAL_ONLY", "SOURCE_UNAVAILABLE")
    assert settled == Judgement("c1", "supported", 0.8, "backed by [1]")


def test_the_flags_that_lower_a_verdict_are_settings(settings):
    assess = dataclasses.replace(settings.assess, partial_at_most=(), unsupported_at_most=("GENERALIZATION",))
    relaxed = dataclasses.replace(settings, assess=assess)
    assert settle(relaxed, "supported", "CERTAINTY_OVERSTATEMENT").verdict == "supported"
    assert settle(relaxed, "supported", "GENERALIZATION").verdict == "unsupported"


# ── through match and assess: sentences an article might carry ──────────────────────────

HEDGED_REVIEW = make_source(
    "1", "Pooling 18 randomised trials, we found that ginger may reduce nausea in pregnancy. "
         "Evidence certainty was rated low; larger trials are wanted.",
    url="https://journal.example.org/ginger-review", kind="peer_reviewed",
    study_designs=("systematic_review",), title="Ginger for nausea in pregnancy: a systematic review")


@pytest.mark.parametrize(
    "text",
    [
        "The trials prove that ginger reduces nausea in pregnancy.",
        "Ginger has been conclusively shown to reduce nausea in pregnancy.",
        "Ginger always reduces nausea in pregnancy.",
    ],
)
def test_certainty_the_source_does_not_give_keeps_a_claim_from_supported(settings, text):
    claim = Claim("c1", text, "section", 0, len(text), ("1",))
    evidence, judgements = match_claims([claim], [HEDGED_REVIEW], settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), [HEDGED_REVIEW], evidence, judgements, settings)
    assert "CERTAINTY_OVERSTATEMENT" in {flag.code for flag in flags}
    (settled,) = verdicts_after_flags(judgements, flags, settings)
    assert settled.verdict in ("partially_supported", "unsupported")


def test_the_hedged_claim_itself_stays_supported(settings):
    text = "Ginger may reduce nausea in pregnancy, a review of 18 trials found."
    claim = Claim("c1", text, "section", 0, len(text), ("1",))
    evidence, judgements = match_claims([claim], [HEDGED_REVIEW], settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), [HEDGED_REVIEW], evidence, judgements, settings)
    (settled,) = verdicts_after_flags(judgements, flags, settings)
    assert not flags and settled.verdict == "supported"


@pytest.mark.parametrize("verdict", ["partially_supported", "supported"])
def test_a_claim_lowered_to_unsupported_keeps_no_partial_support_flag(settings, verdict):
    # The model's partial support raised PARTIAL_SUPPORT; MISQUOTE lowers the claim to
    # unsupported, so the flag would contradict the verdict shown beside it.
    flags = [Flag("c1", "PARTIAL_SUPPORT", "medium", "m."), Flag("c1", "MISQUOTE", "high", "m."),
             Flag("c2", "PARTIAL_SUPPORT", "medium", "m.")]
    judgements = [Judgement("c1", verdict, 0.8, "r."), Judgement("c2", "partially_supported", 0.6, "r.")]
    settled = verdicts_after_flags(judgements, flags, settings)
    kept = flags_after_ceilings(flags, settled)
    assert settled[0].verdict == "unsupported"
    assert [(flag.claim_id, flag.code) for flag in kept] == [("c1", "MISQUOTE"), ("c2", "PARTIAL_SUPPORT")]


COHORT = make_source(
    "1", "In this cohort of adults followed for eight years, drinking tea daily was associated with a lower "
         "risk of stroke. Coffee drinkers were also studied.",
    url="https://journal.example.org/tea-cohort", kind="peer_reviewed", study_designs=("cohort",),
    title="Tea and stroke: a cohort study")


@pytest.mark.parametrize(
    "text",
    ["Drinking tea daily lowers the risk of stroke in adults.",
     "Daily tea prevents stroke in adults.",
     "Drinking tea every day cuts the risk of stroke in adults."],
)
def test_a_wording_flag_is_not_restated_as_a_partial_support_naming_nothing(settings, text):
    claim = Claim("c1", text, "section", 0, len(text), ("1",))
    evidence, judgements = match_claims([claim], [COHORT], settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), [COHORT], evidence, judgements, settings)
    codes = [flag.code for flag in flags]
    assert "CAUSAL_OVERSTATEMENT" in codes
    partial = [flag for flag in flags if flag.code == "PARTIAL_SUPPORT"]
    # A PARTIAL_SUPPORT may stay only when it names what is missing.
    assert all("part of it" not in flag.message for flag in partial), partial


def test_a_partial_support_naming_a_missing_term_stays_beside_a_wording_flag(settings):
    text = "Drinking tea daily lowers the risk of stroke and of migraine in adults."
    claim = Claim("c1", text, "section", 0, len(text), ("1",))
    evidence, judgements = match_claims([claim], [COHORT], settings)
    flags = assess_claims(Article("t", "mem", "0", text, (claim,), ()), [COHORT], evidence, judgements, settings)
    partial = [flag for flag in flags if flag.code == "PARTIAL_SUPPORT"]
    assert partial and '"migraine"' in partial[0].message
