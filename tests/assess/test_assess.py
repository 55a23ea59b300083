"""Assess: every flag rule, raised when it should be and NOT raised on a sound claim.

The sources and claims are a small world written for these tests (gardening and health), run
through the real match stage so the flags rest on real evidence rows.
"""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.assess.assessor import assess_claims
from pipeline.assess.exact_words import quoted_spans
from pipeline.config import load_settings
from pipeline.language.outlets import named_outlets
from pipeline.language.text import sentence_spans
from pipeline.match.matcher import match_claims
from pipeline.records import Article, Claim, Judgement, Passage, Reference, Source


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def make_source(source_id, text, **fields):
    spans = sentence_spans(text)
    passages = []
    for n, (start, end) in enumerate(spans):
        low, high = spans[max(0, n - 1)][0], spans[min(len(spans) - 1, n + 1)][1]
        passages.append(Passage(f"{source_id}:p{n + 1}", source_id, text[start:end], start, end, text[low:high]))
    return Source(source_id, fields.pop("url"), "ok", text=text, passages=tuple(passages), **fields)


SOURCES = (
    make_source("1", "Kneeling on a foam pad and weeding slowly are easy ways to relax outdoors. "
                     "Many readers say an hour of weeding leaves them calmer.",
                url="https://www.gardenweekly.example.com/relax", publisher="Garden Weekly", kind="health_media",
                title="Five calm jobs for a spring afternoon"),
    make_source("2", "We surveyed 240 retired men with hypertension. "
                     "Weekly gardening was associated with lower systolic blood pressure. "
                     "Gardeners also reported less anxiety than non-gardeners. "
                     "These results may not apply to other groups.",
                url="https://journal.example.org/bp-gardening", kind="peer_reviewed", study_designs=("cross_sectional",),
                title="Gardening and blood pressure in retired men with hypertension: a cross-sectional study"),
    make_source("3", "Horticultural therapy may improve mood in older adults. "
                     "Group sessions give structure to the week.",
                url="https://www.rhta.example.org.uk/about", kind="professional_body",
                publisher="Royal Horticultural Therapy Association", title="About horticultural therapy"),
    make_source("4", "Our heirloom seeds make gardening better than any gym for your mind. "
                     "Growing your own food lets you reconnect with the rhythm of the seasons.",
                url="https://seedshop.example.com/why-grow", kind="commercial", title="Why grow your own"),
    make_source("5", "In this randomised trial, a 12-week gardening programme reduced depressive symptoms "
                     "compared with a waiting list.",
                url="https://trials.example.org/garden-rct", kind="peer_reviewed",
                study_designs=("randomized_trial",), title="A gardening programme for depression"),
    Source("6", "https://gone.example.net/page", "http_error", http_status=404,
           reason="the server answered 404 Not Found"),
    make_source("7", "Adults should do at least 150 minutes of moderate activity a week.",
                url="https://health.example.gov/activity", kind="government", title="Physical activity guidelines"),
)


def flags_for(settings, text, *cites, sources=SOURCES, references=()):
    """The flags of one claim, checked against `sources`, as {code: flag}."""
    claim = Claim("c1", text, "section", 0, len(text), tuple(cites))
    evidence, judgements = match_claims([claim], sources, settings)
    article = Article("t", "mem", "0", text, (claim,), tuple(references))
    flags = assess_claims(article, sources, evidence, judgements, settings)
    assert all(flag.claim_id == "c1" and flag.message.endswith(".") for flag in flags)
    return {flag.code: flag for flag in flags}, judgements[0]


# ── the negative that matters most: a sound claim gets no flag at all ─────────────────────


@pytest.mark.parametrize(
    ("text", "cites"),
    [("In retired men with hypertension, weekly gardening was associated with lower systolic blood pressure.", ("2",)),
     ("Horticultural therapy may improve mood in older adults, according to the RHTA.", ("3",)),
     ("Garden Weekly notes that weeding slowly is an easy way to relax outdoors.", ("1",)),
     ("A 12-week gardening programme reduced depressive symptoms in a randomised trial.", ("5",))],
)
def test_a_well_supported_hedged_scoped_claim_gets_no_flag(settings, text, cites):
    flags, judgement = flags_for(settings, text, *cites)
    assert flags == {}, {code: flag.message for code, flag in flags.items()}
    assert judgement.verdict == "supported"


# ── verdict flags ─────────────────────────────────────────────────────────────────────────


def judged_as(settings, text, cites, verdict, reason, sources=SOURCES):
    """The flags of one claim whose verdict is set here (match's judging is tested in
    test_match): the evidence rows still come from the real match stage."""
    claim = Claim("c1", text, "section", 0, len(text), tuple(cites))
    evidence, _ = match_claims([claim], sources, settings)
    if verdict == "contradicted":
        best = max(evidence, key=lambda row: row.score)
        evidence = tuple(dataclasses.replace(row, relation="contradicts") if row is best else row for row in evidence)
    article = Article("t", "mem", "0", text, (claim,), ())
    flags = assess_claims(article, sources, evidence, (Judgement("c1", verdict, 0.5, reason),), settings)
    return {flag.code: flag for flag in flags}


def test_unsupported_claim(settings):
    flags = judged_as(settings, "Weeding outdoors cures migraines in children.", ("7",), "unsupported", "")
    assert flags["UNSUPPORTED"].severity == "high"
    assert flags["UNSUPPORTED"].message.startswith("No passage of the cited sources [7] supports this claim")


def test_contradicted_claim_quotes_the_passage(settings):
    text = "In retired men with hypertension, weekly gardening was associated with higher systolic blood pressure."
    flags = judged_as(settings, text, ("2",), "contradicted",
                      'source [2] (2:p2) says otherwise: the claim says "higher" where the passage says "lower"')
    flag = flags["CONTRADICTED"]
    assert flag.severity == "high" and flag.passage_id == "2:p2"
    assert flag.message == 'Source [2] (2:p2) says otherwise: the claim says "higher" where the passage says "lower".'
    assert "lower systolic" in flag.evidence
    flags = judged_as(settings, text, ("2",), "contradicted", 'The claim says "higher" where source [2] says "lower".')
    assert flags["CONTRADICTED"].message == (
        'A cited passage says otherwise: the claim says "higher" where source [2] says "lower".')


def test_partial_support_names_the_missing_terms(settings):
    flags, judgement = flags_for(
        settings, "In retired men with hypertension, weekly gardening definitely lowered systolic blood pressure "
                  "and prevented strokes.", "2")
    assert judgement.verdict == "partially_supported"
    assert '"prevented", "strokes"' in flags["PARTIAL_SUPPORT"].message
    assert "UNSUPPORTED" not in flags


@pytest.mark.xfail(strict=True, reason="known gap of the learned verdict: a part the source does not give, "
                                       "worded as plainly as the rest, is called supported (docs/decisions.md)")
def test_an_added_outcome_the_source_does_not_give_is_partial_support(settings):
    flags, judgement = flags_for(
        settings, "In retired men with hypertension, weekly gardening was associated with lower systolic "
                  "blood pressure and fewer strokes and heart attacks.", "2")
    assert judgement.verdict == "partially_supported"
    assert '"strokes", "heart attacks"' in flags["PARTIAL_SUPPORT"].message


def test_absence_claim_is_info_and_never_unsupported(settings):
    flags, judgement = flags_for(settings, "No randomised trials have compared gardening with swimming.", "5")
    assert judgement.verdict == "unverifiable"
    assert flags["ABSENCE_CLAIM"].severity == "info"
    assert '"No randomised trials"' in flags["ABSENCE_CLAIM"].message
    assert not {"UNSUPPORTED", "PARTIAL_SUPPORT"} & set(flags)


# ── availability ──────────────────────────────────────────────────────────────────────────


def test_uncited_claim(settings):
    flags, judgement = flags_for(settings, "Most gardeners sleep better in summer.")
    assert judgement.verdict == "unverifiable"
    assert set(flags) == {"UNCITED"}


def test_unavailable_source_alone_is_high_and_says_why(settings):
    flags, _ = flags_for(settings, "Weeding lowers blood pressure.", "6")
    flag = flags["SOURCE_UNAVAILABLE"]
    assert flag.severity == "high" and flag.source_id == "6"
    assert "404 Not Found" in flag.message
    assert "UNSUPPORTED" not in flags  # nothing could be checked: not the claim's fault


def test_unavailable_source_beside_a_supporting_one_is_low(settings):
    flags, judgement = flags_for(
        settings, "In retired men with hypertension, weekly gardening was associated with lower systolic "
                  "blood pressure.", "2", "6")
    assert judgement.verdict == "supported"
    assert flags["SOURCE_UNAVAILABLE"].severity == "low"
    assert set(flags) == {"SOURCE_UNAVAILABLE"}


# ── exact words ───────────────────────────────────────────────────────────────────────────


def test_number_mismatch_quotes_both_numbers(settings):
    flags, _ = flags_for(settings, "A survey of 420 retired men with hypertension linked weekly gardening "
                                   "to lower systolic blood pressure.", "2")
    flag = flags["NUMBER_MISMATCH"]
    assert '"420 retired men"' in flag.message and '"240 retired men"' in flag.message
    assert flag.passage_id == "2:p1"


def test_a_number_found_elsewhere_in_the_source_is_no_mismatch(settings):
    flags, _ = flags_for(settings, "A survey of 240 retired men with hypertension linked weekly gardening "
                                   "to lower systolic blood pressure.", "2")
    assert "NUMBER_MISMATCH" not in flags


def test_misquote_raised_for_words_the_source_never_used(settings):
    flags, _ = flags_for(settings, "A seed shop says growing food helps you “rediscover the pulse of nature”.", "4")
    flag = flags["MISQUOTE"]
    assert flag.severity == "high"
    assert "rediscover the pulse of nature" in flag.message


def test_quote_found_near_verbatim_is_not_flagged(settings):
    # Curly quotes, a capital and changed punctuation still match the source's wording.
    flags, _ = flags_for(settings, "A seed shop says growing food lets you ‘Reconnect with the rhythm of the seasons!’", "4")
    assert "MISQUOTE" not in flags


def test_apostrophes_and_one_word_scare_quotes_are_not_quotations():
    assert quoted_spans("The gardeners' plots and the shop's range") == []
    assert quoted_spans("So-called “grounding” is popular") == ["grounding"]
    assert quoted_spans("She said 'dig deep and wait' twice") == ["dig deep and wait"]


# ── attribution ───────────────────────────────────────────────────────────────────────────


def test_named_outlet_whose_cited_source_does_not_say_it(settings):
    flags, _ = flags_for(settings, "Garden Weekly and the RHTA both recommend weeding slowly to relax outdoors.", "1", "3")
    flag = flags["MISATTRIBUTION"]
    assert '"RHTA"' in flag.message and flag.source_id == "3"
    assert "Garden Weekly" not in flag.message


def test_named_outlet_that_is_not_cited(settings):
    flags, _ = flags_for(settings, "According to the NHS, weeding slowly is an easy way to relax outdoors.", "1")
    flag = flags["MISATTRIBUTION"]
    assert flag.severity == "high" and '"NHS"' in flag.message


def test_outlet_cited_elsewhere_is_named_as_such(settings):
    flags, _ = flags_for(settings, "Garden Weekly says horticultural therapy may improve mood in older adults.", "3")
    assert "[1], cited elsewhere" in flags["MISATTRIBUTION"].message


def test_names_are_found_by_position_not_by_a_list(settings):
    lexicon = settings.lexicon("attribution")
    names = lambda text: [m.name for m in named_outlets(text, lexicon)]  # noqa: E731
    assert names("Bloom Daily and PlotWise both highlight mulching.") == ["Bloom Daily", "PlotWise"]
    assert names("Several readers and two surveys say mulching helps.") == []
    assert names("GrowHub and other outlets note that mulch helps.") == ["GrowHub"]
    assert names("Mulch helps, according to the Soil Association.") == ["Soil Association"]


# ── wording ───────────────────────────────────────────────────────────────────────────────


def test_causal_claim_on_a_cross_sectional_study(settings):
    flags, _ = flags_for(settings, "In retired men with hypertension, weekly gardening lowers systolic blood pressure.", "2")
    flag = flags["CAUSAL_OVERSTATEMENT"]
    assert flag.severity == "high"
    assert flag.message.startswith('The claim says "lowers", but the cited cross-sectional study [2] says "was associated with"')
    assert "cross-sectional study [2]" in flag.message
    assert flag.evidence.startswith("Weekly gardening was associated")


def test_causal_claim_on_a_randomised_trial_is_fine(settings):
    flags, _ = flags_for(settings, "A 12-week gardening programme reduces depressive symptoms.", "5")
    assert "CAUSAL_OVERSTATEMENT" not in flags


def test_hedged_evidence_stated_as_certain(settings):
    flags, _ = flags_for(settings, "Horticultural therapy improves mood in older adults.", "3")
    flag = flags["CERTAINTY_OVERSTATEMENT"]
    assert '"may"' in flag.message and flag.source_id == "3"
    assert "CAUSAL_OVERSTATEMENT" not in flags  # the source is no observational study


def test_absolutes_flagged_unless_negated(settings):
    flags, _ = flags_for(settings, "Weeding slowly always helps you relax outdoors.", "1")
    assert '"always"' in flags["CERTAINTY_OVERSTATEMENT"].message
    flags, _ = flags_for(settings, "Weeding slowly does not always help you relax outdoors.", "1")
    assert "CERTAINTY_OVERSTATEMENT" not in flags


def test_superiority_on_commercial_source_only_is_high(settings):
    flags, _ = flags_for(settings, "Gardening is better than any gym for your mind.", "4")
    assert flags["SUPERIORITY_CLAIM"].severity == "high"
    assert '"better than"' in flags["SUPERIORITY_CLAIM"].message
    assert flags["COMMERCIAL_ONLY"].severity == "medium"


def test_a_seller_comparing_its_product_on_accuracy_is_a_superiority_claim(settings):
    flags, _ = flags_for(settings, "The Heirloom soil meter gives more accurate readings than a garden probe.", "4")
    assert '"more accurate"' in flags["SUPERIORITY_CLAIM"].message


def test_doubted_superiority_is_not_flagged(settings):
    flags, _ = flags_for(settings, "Gardening being better than any gym for your mind is not established.", "4")
    assert "SUPERIORITY_CLAIM" not in flags


def test_a_reported_comparison_only_a_seller_backs_is_a_low_superiority_claim(settings):
    # The sentence does not make the comparison, but it passes it on with only the seller behind it.
    flags, _ = flags_for(settings, "Seed shops claim that gardening is better than any gym for your mind.", "4")
    assert flags["SUPERIORITY_CLAIM"].severity == "low"
    assert '"claim"' in flags["SUPERIORITY_CLAIM"].message and "only commercial sources" in flags["SUPERIORITY_CLAIM"].message
    assert "COMMERCIAL_ONLY" not in flags
    # Reported beside research that backs it, it is no finding at all.
    flags, _ = flags_for(settings, "Some clinics claim a 12-week gardening programme works better than a waiting list "
                                   "for depressive symptoms.", "5")
    assert "SUPERIORITY_CLAIM" not in flags


def test_superiority_backed_by_research_is_low(settings):
    flags, _ = flags_for(settings, "A 12-week gardening programme was better than a waiting list for "
                                   "depressive symptoms.", "5")
    assert flags["SUPERIORITY_CLAIM"].severity == "low"
    assert "COMMERCIAL_ONLY" not in flags


# ── scope ─────────────────────────────────────────────────────────────────────────────────


def test_generalization_from_a_restricted_study_population(settings):
    flags, _ = flags_for(settings, "Weekly gardening is associated with lower systolic blood pressure.", "2")
    flag = flags["GENERALIZATION"]
    assert flag.severity == "medium"
    assert "retired men with hypertension" in flag.message


def test_partly_scoped_claim_is_a_low_generalization(settings):
    flags, _ = flags_for(settings, "In men, weekly gardening is associated with lower systolic blood pressure.", "2")
    assert flags["GENERALIZATION"].severity == "low"
    assert '"hypertension"' in flags["GENERALIZATION"].message


def test_a_guide_mentioning_a_group_in_passing_does_not_restrict_scope(settings):
    source = make_source("8", "Many older women find weeding slowly an easy way to relax outdoors.",
                         url="https://tips.example.com/relax", kind="health_media", title="Relaxing outdoors")
    flags, _ = flags_for(settings, "Weeding slowly is an easy way to relax outdoors.", "8", sources=(source,))
    assert "GENERALIZATION" not in flags


def test_a_restricted_study_beside_a_general_source_backing_the_claim_is_no_generalization(settings):
    guide = make_source("11", "Weekly gardening is associated with lower systolic blood pressure in adults.",
                        url="https://health.example.gov/garden", kind="government", title="Gardening and health")
    sources = (*SOURCES, guide)
    text = "Weekly gardening is associated with lower systolic blood pressure."
    flags, _ = flags_for(settings, text, "2", "11", sources=sources)
    assert "GENERALIZATION" not in flags
    # Cited to the study of retired men alone, it is one.
    flags, _ = flags_for(settings, text, "2", sources=sources)
    assert "GENERALIZATION" in flags


def test_a_sellers_health_claim_quoted_as_its_words_is_not_commercial_only(settings):
    flags, _ = flags_for(settings, 'The seed shop describes its seeds as "better for your mind than any gym".', "4")
    assert "COMMERCIAL_ONLY" not in flags
    flags, _ = flags_for(settings, "Heirloom seeds are better for your mind than any gym.", "4")
    assert "COMMERCIAL_ONLY" in flags


def test_commercial_only_needs_a_health_claim(settings):
    flags, _ = flags_for(settings, "Heirloom seeds let you grow your own food.", "4")
    assert "COMMERCIAL_ONLY" not in flags


def test_group_given_only_as_an_example_is_a_generalization(settings):
    flags, _ = flags_for(settings, "Weekly gardening is associated with lower systolic blood pressure in older people, "
                                   "such as retired men with hypertension.", "2")
    assert '("such as")' in flags["GENERALIZATION"].message


def test_attribution_is_judged_on_the_clause_that_names_the_outlet(settings):
    text = ("Composting heirloom tomatoes doubles their yield; Garden Weekly notes that weeding slowly "
            "is an easy way to relax outdoors.")
    flags, _ = flags_for(settings, text, "1")
    assert "MISATTRIBUTION" not in flags
    flags, _ = flags_for(settings, "Garden Weekly notes that composting heirloom tomatoes doubles their yield.", "1")
    assert '"Garden Weekly"' in flags["MISATTRIBUTION"].message


def test_animal_study_stated_of_people_is_a_high_generalization(settings):
    # The passage never says what the subjects were: the study design does.
    source = make_source("9", "Subjects given daily access to a garden enclosure showed lower stress hormone levels.",
                         url="https://lab.example.org/rats", kind="peer_reviewed", study_designs=("animal",),
                         title="Enriched environments and stress hormones")
    flags, _ = flags_for(settings, "Daily garden access is associated with lower stress hormone levels.", "9",
                         sources=(source,))
    assert flags["GENERALIZATION"].severity == "high"
    assert '"animal research" (its study design)' in flags["GENERALIZATION"].message
    flags, _ = flags_for(settings, "In rats, daily garden access is associated with lower stress hormone levels.",
                         "9", sources=(source,))
    assert "GENERALIZATION" not in flags


# ── wording: the cases an editor would call false alarms, and the quoting ─────────────────


CLINIC = make_source(
    "10", "Couples who plan a weekly garden walk tend to feel calmer together. "
          "Studies have linked weekly walks in green space to better sleep.",
    url="https://www.calmclinic.example.com/advice", kind="clinic", title="Walking for calm")

SURVEY = make_source(
    "11", "In this cross-sectional study we surveyed 300 retired women who garden weekly about their sleep "
          "quality and their mood. Gardening more often was associated with better sleep. "
          "The survey cannot tell which came first.",
    url="https://journal.example.org/garden-sleep", kind="peer_reviewed", study_designs=("cross_sectional",),
    title="Gardening and sleep in retired women")


def test_a_guides_manner_of_speaking_is_not_correlational_evidence(settings):
    # "tend to" on a clinic's advice page is not a correlational study.
    flags, _ = flags_for(settings, "A weekly garden walk often helps couples feel calmer together.", "10",
                         sources=(CLINIC,))
    assert "CAUSAL_OVERSTATEMENT" not in flags


def test_an_explicit_association_on_a_guide_page_still_counts(settings):
    flags, _ = flags_for(settings, "Weekly walks in green space improve sleep.", "10", sources=(CLINIC,))
    flag = flags["CAUSAL_OVERSTATEMENT"]
    assert flag.severity == "medium" and flag.passage_id == "10:p2"
    assert flag.message == ('The claim says "improve", but source [10] says "linked": an association, not a cause.')


def test_the_flag_quotes_the_passage_that_carries_the_association_cue(settings):
    # The methods sentence matches the claim best; the finding sits in the next sentence.
    flags, _ = flags_for(settings, "A survey of 300 retired women who garden weekly shows that gardening improves "
                                   "sleep quality and mood.", "11", sources=(SURVEY,))
    flag = flags["CAUSAL_OVERSTATEMENT"]
    assert flag.severity == "high" and flag.passage_id == "11:p2"
    assert '"improves"' in flag.message and '"was associated with"' in flag.message
    assert "cross-sectional study [11]" in flag.message
    assert flag.evidence == "Gardening more often was associated with better sleep."


def test_a_negated_or_doubted_cause_is_no_causal_overstatement(settings):
    for text in ("Gardening more often does not improve sleep in retired women.",
                 "It has not been shown that gardening improves sleep in retired women."):
        flags, _ = flags_for(settings, text, "11", sources=(SURVEY,))
        assert "CAUSAL_OVERSTATEMENT" not in flags, text


def test_a_booster_over_hedged_evidence_is_a_certainty_overstatement(settings):
    flags, _ = flags_for(settings, "Horticultural therapy can clearly improve mood in older adults.", "3")
    flag = flags["CERTAINTY_OVERSTATEMENT"]
    assert flag.message == 'The claim says "clearly", but the cited passage of [3] hedges ("may").'
    # ... and over a cross-sectional study's association, though that passage does not hedge
    flags, _ = flags_for(settings, "In retired men with hypertension, weekly gardening is clearly associated with "
                                   "lower systolic blood pressure.", "2")
    assert flags["CERTAINTY_OVERSTATEMENT"].message == (
        'The claim says "clearly", but the cited passage of [2] reports an association ("associated with").')


def test_commercial_only_is_not_raised_on_a_sentence_reporting_what_vendors_claim(settings):
    flags, _ = flags_for(settings, "Seed shops claim that growing your own food lets you reconnect with the rhythm "
                                   "of the seasons and improves your health.", "4")
    assert "COMMERCIAL_ONLY" not in flags
    flags, _ = flags_for(settings, "Growing your own food lets you reconnect with the rhythm of the seasons and "
                                   "improves your health.", "4")
    assert flags["COMMERCIAL_ONLY"].message.startswith('This health claim ("improves") rests only on commercial')


def test_an_advantage_over_something_is_a_superiority_claim(settings):
    flags, _ = flags_for(settings, "Heirloom seeds give gardening a clear advantage over any gym for your mind.", "4")
    assert flags["SUPERIORITY_CLAIM"].severity == "high"
    assert '("clear advantage over")' in flags["SUPERIORITY_CLAIM"].message


MAGNESIUM = make_source(
    "12", "Adults should get 400–420 mg of magnesium a day from food. "
          "About 20% of adults take a magnesium supplement.",
    url="https://health.example.gov/magnesium", kind="government", title="Magnesium fact sheet")


@pytest.mark.parametrize(
    "text",
    ["Adults should get 400 to 420 mg of magnesium a day from food.",
     "About one in five adults take a magnesium supplement."],
)
def test_numbers_written_another_way_are_no_mismatch(settings, text):
    flags, _ = flags_for(settings, text, "12", sources=(MAGNESIUM,))
    assert "NUMBER_MISMATCH" not in flags


def test_a_changed_range_is_a_number_mismatch(settings):
    flags, _ = flags_for(settings, "Adults should get 300 to 320 mg of magnesium a day from food.", "12",
                         sources=(MAGNESIUM,))
    flag = flags["NUMBER_MISMATCH"]
    assert flag.severity == "high" and flag.passage_id == "12:p1"
    assert '"300 to 320 mg"' in flag.message and '"400–420 mg"' in flag.message


# ── sources known only by their page, and sources that could not be read ──────────────────

# Served from a test server: the address names no site, so only the page's own names say who
# it is ("Academy of ..." in its site name, its acronym in the <title>).
LOOPBACK = (
    make_source("8", "The academy advises against routine melatonin for chronic insomnia in adults. "
                     "The recommendation is weak and rests on low-quality evidence.",
                url="http://127.0.0.1:8123/insomnia", kind="professional_body",
                publisher="American Academy of Horticultural Medicine – Association for Garden Clinicians",
                names=("American Academy of Horticultural Medicine", "AAHM", "Association for Garden Clinicians"),
                title="Insomnia in gardeners"),
    make_source("9", "Weekly gardening was associated with lower systolic blood pressure in retired men.",
                url="http://127.0.0.1:8123/bp", kind="peer_reviewed", authors=("Halvorsen, Ingrid", "Matsuda A"),
                title="Gardening and blood pressure"),
    Source("10", "http://127.0.0.1:8123/gone", "http_error", http_status=404, reason="the server answered 404"),
    Source("11", "https://www.plotwise.example.com/gone", "http_error", http_status=404,
           reason="the server answered 404"),
    Source("12", "", "unreachable", reason="the article's reference list has no entry [12]"),
)


def test_a_page_served_from_an_ip_address_is_named_by_its_own_names(settings):
    for outlet in ("The AAHM", "The American Academy of Horticultural Medicine"):
        flags, judgement = flags_for(settings, f"{outlet} advises against routine melatonin for chronic insomnia "
                                               "in adults.", "8", sources=LOOPBACK)
        assert judgement.verdict == "supported"
        assert "MISATTRIBUTION" not in flags, outlet
    # The IP address is no name: an outlet the page does not go by is still not cited.
    flags, _ = flags_for(settings, "Bloom Daily advises against routine melatonin for chronic insomnia in adults.",
                         "8", sources=LOOPBACK)
    assert flags["MISATTRIBUTION"].severity == "high"


def test_a_study_may_be_named_by_its_first_author(settings):
    flags, _ = flags_for(settings, "Halvorsen and colleagues found that weekly gardening was associated with lower "
                                   "systolic blood pressure in retired men.", "9", sources=LOOPBACK)
    assert "MISATTRIBUTION" not in flags


def test_no_misattribution_when_the_named_outlet_may_be_the_unread_source(settings):
    text = "PlotWise says weekly gardening lowers stress in older adults."
    # The reference list names the dead page's outlet: it cannot be checked, not misattributed.
    flags, _ = flags_for(settings, text, "3", "11", sources=(*LOOPBACK, SOURCES[2]),
                         references=[Reference("11", "https://www.plotwise.example.com/gone", "Stress. PlotWise")])
    assert "MISATTRIBUTION" not in flags and "SOURCE_UNAVAILABLE" in flags
    # Nothing says who the unread source is (no address, or an IP address): no guess either.
    for unread in ("10", "12"):
        flags, _ = flags_for(settings, text, "3", unread, sources=(*LOOPBACK, SOURCES[2]))
        assert "MISATTRIBUTION" not in flags and "SOURCE_UNAVAILABLE" in flags, unread


def test_a_named_outlet_no_cited_source_can_be_is_still_a_misattribution(settings):
    # [11]'s address names another site and its reference entry another outlet.
    flags, _ = flags_for(settings, "Bloom Daily says weekly gardening lowers stress in older adults.", "3", "11",
                         sources=(*LOOPBACK, SOURCES[2]),
                         references=[Reference("11", "https://www.plotwise.example.com/gone", "Stress. PlotWise")])
    assert flags["MISATTRIBUTION"].severity == "high" and '"Bloom Daily"' in flags["MISATTRIBUTION"].message
    # Served from an IP address, [10] is known only by the article's reference entry, which
    # gives another publisher: the article itself does not credit Bloom Daily.
    flags, _ = flags_for(settings, "Bloom Daily says weekly gardening lowers stress in older adults.", "3", "10",
                         sources=(*LOOPBACK, SOURCES[2]),
                         references=[Reference("10", "http://127.0.0.1:8123/gone", "Stress in later life. PlotWise")])
    assert flags["MISATTRIBUTION"].severity == "high"


def test_a_quote_that_may_be_in_an_unread_source_is_not_a_misquote(settings):
    text = "A seed shop says growing food helps you “rediscover the pulse of nature”."
    flags, _ = flags_for(settings, text, "4", "6")
    assert "MISQUOTE" not in flags
    assert "rediscover the pulse of nature" in flags["SOURCE_UNAVAILABLE"].message
    # When the claim names the outlet it quotes and that outlet's page was read, it is checked.
    flags, _ = flags_for(settings, "Garden Weekly says weeding is “the best cure for a bad week”.", "1", "6")
    assert flags["MISQUOTE"].severity == "high"


def test_what_the_readable_sources_lack_is_said_of_them_alone(settings):
    flags, _ = flags_for(settings, "A survey of 420 retired men with hypertension linked weekly gardening "
                                   "to lower systolic blood pressure.", "2", "6")
    number = flags["NUMBER_MISMATCH"]
    assert number.severity == "medium" and "[6] could not be read" in number.message
    # Whatever verdict the matcher reaches, the flags that restate it speak of what was read.
    text = "Pruning roses improves eyesight in teenagers."
    claim = Claim("c1", text, "section", 0, len(text), ("1", "6"))
    evidence, _ = match_claims([claim], SOURCES, settings)
    article = Article("t", "mem", "0", text, (claim,), ())
    for verdict, code, severity in (("unsupported", "UNSUPPORTED", "medium"),
                                    ("partially_supported", "PARTIAL_SUPPORT", "low")):
        flags = {flag.code: flag for flag in assess_claims(
            article, SOURCES, evidence, [Judgement("c1", verdict, 0.2, "")], settings)}
        assert flags[code].severity == severity
        assert "readable cited sources [1]" in flags[code].message
        assert "[6] could not be read" in flags[code].message
    flags = {flag.code: flag for flag in assess_claims(
        Article("t", "mem", "0", text, (Claim("c1", text, "section", 0, len(text), ("1",)),), ()),
        SOURCES, evidence, [Judgement("c1", "unsupported", 0.2, "")], settings)}
    assert flags["UNSUPPORTED"].severity == "high" and "could not be read" not in flags["UNSUPPORTED"].message


def test_a_fronted_according_to_phrase_ends_at_its_comma(settings):
    lexicon = settings.lexicon("attribution")
    names = lambda text: [m.name for m in named_outlets(text, lexicon)]  # noqa: E731
    assert names("According to Bloom Daily, DHA is the form that matters most.") == ["Bloom Daily"]
    assert names("According to Bloom Daily, PlotWise and the RHTA, mulch helps.") == ["Bloom Daily", "PlotWise", "RHTA"]


def test_a_quotation_credited_to_its_outlet_is_left_to_misquote(settings):
    flags, _ = flags_for(settings, "The seed shop describes its seeds as “the finest heirlooms in the land”.", "4")
    assert "MISQUOTE" in flags and "MISATTRIBUTION" not in flags


def test_people_with_a_condition_is_the_condition_not_the_noun(settings):
    study = make_source("13", "Among participants with a diagnosis of chronic insomnia, weekly gardening was associated "
                              "with longer sleep.", url="https://journal.example.org/sleep", kind="peer_reviewed",
                        study_designs=("cross_sectional",), title="Gardening and sleep")
    # The claim keeps the group when it names the condition in other words for people.
    flags, _ = flags_for(settings, "In people with chronic insomnia, weekly gardening was associated with longer sleep.",
                         "13", sources=(study,))
    assert "GENERALIZATION" not in flags
    flags, _ = flags_for(settings, "Weekly gardening was associated with longer sleep.", "13", sources=(study,))
    flag = flags["GENERALIZATION"]
    assert '"participants with a diagnosis of chronic insomnia"' in flag.message
    assert '"participants"' not in flag.message.split("(no ")[-1]


def test_findings_from_readable_sources_beside_an_unread_one_are_less_sure(settings):
    flags, _ = flags_for(settings, "In retired men with hypertension, weekly gardening lowers systolic blood pressure.",
                         "2", "6")
    causal = flags["CAUSAL_OVERSTATEMENT"]
    assert causal.severity == "medium" and causal.message.endswith("; source [6] could not be read.")
    alone, _ = flags_for(settings, "In retired men with hypertension, weekly gardening lowers systolic blood pressure.",
                         "2")
    assert alone["CAUSAL_OVERSTATEMENT"].severity == "high"
    text = "Our heirloom seeds make gardening better than any gym for your mind."
    flags, _ = flags_for(settings, text, "4", "6")
    assert "COMMERCIAL_ONLY" not in flags and flags["SUPERIORITY_CLAIM"].severity == "medium"
    # A dead link known by its address to be a shop changes nothing.
    shop = Source("6", "https://seedshop.example.com/gone", "http_error", http_status=404, kind="commercial")
    flags, _ = flags_for(settings, text, "4", "6", sources=(*SOURCES[:5], shop))
    assert "COMMERCIAL_ONLY" in flags and flags["SUPERIORITY_CLAIM"].severity == "high"
