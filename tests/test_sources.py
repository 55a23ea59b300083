"""Tests of source kinds, page metadata and study designs (pipeline/sources.py, pagemeta.py).

Each kind decision is checked with its reasons, and the precedence rules are checked where
they bite: an authoritative domain entry is never overridden, clear selling overrides a
magazine's entry, an affiliate disclosure alone does not.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.config import Settings, load_settings
from pipeline.pagemeta import PageMetadata, normalize_date, read_page_metadata, registrable_domain
from pipeline.sources import (
    classify_source,
    detect_study_designs,
    domain_entry,
    kind_from_domain,
    method_section_text,
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def page_of(html: str, url: str, settings: Settings) -> PageMetadata:
    scholarly = tuple(settings.lexicon("source_signals")["scholarly"]["meta_names"])
    return read_page_metadata(BeautifulSoup(html, "lxml"), url, scholarly_meta=scholarly)


def classify(html: str, url: str, settings: Settings) -> tuple[str, tuple[str, ...]]:
    return classify_source(
        url,
        page_of(html, url, settings),
        domain_kinds=settings.source_kinds,
        lexicon=settings.lexicon("source_signals"),
    )


# ── domain table ─────────────────────────────────────────────────────────────────────────


def test_domain_entries_match_subdomains_and_the_most_specific_wins() -> None:
    table = {
        "nih.gov": "government",
        "pubmed.ncbi.nlm.nih.gov": "peer_reviewed",
        "healthline.com": "health_media",
    }
    assert domain_entry("pubmed.ncbi.nlm.nih.gov", table) == ("pubmed.ncbi.nlm.nih.gov", "peer_reviewed")
    assert domain_entry("www.nimh.nih.gov", table) == ("nih.gov", "government")
    assert domain_entry("www.healthline.com", table) == ("healthline.com", "health_media")
    assert domain_entry("myhealthline.com", table) is None


def test_the_shipped_domain_table_uses_only_contract_kinds(settings: Settings) -> None:
    from pipeline.records import SOURCE_KINDS

    assert len(settings.source_kinds) > 200
    assert set(settings.source_kinds.values()) <= set(SOURCE_KINDS)
    assert settings.source_kinds["healthline.com"] == "health_media"
    assert settings.source_kinds["mayoclinic.org"] == "clinic"


def test_kind_from_the_address_alone(settings: Settings) -> None:
    signals = settings.lexicon("source_signals")
    assert kind_from_domain(
        "https://www.gov.uk/guidance/x", domain_kinds=settings.source_kinds, lexicon=signals
    ) == ("government", ("host ends in .gov.uk (government domain)",))
    kind, reasons = kind_from_domain(
        "https://www.medrxiv.org/content/1", domain_kinds=settings.source_kinds, lexicon=signals
    )
    assert kind == "unknown" and "preprint server" in reasons[0]
    assert kind_from_domain("not a url", domain_kinds=settings.source_kinds, lexicon=signals)[0] == "unknown"


def test_registrable_domain() -> None:
    assert registrable_domain("https://news.bbc.co.uk/health/1") == "bbc.co.uk"
    assert registrable_domain("http://127.0.0.1:8080/page") == "127.0.0.1"
    assert registrable_domain("") == ""


# ── kinds from page signals, and precedence ─────────────────────────────────────────────


PRODUCT_PAGE = """<html><head><title>Soothing massage candle</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Soothing massage candle", "offers": {"@type": "Offer", "price": "24.99", "priceCurrency": "GBP"}}</script>
</head><body><h1>Soothing massage candle</h1><p>Melts into a warm oil for a relaxing massage.</p>
<button>Add to basket</button></body></html>"""


def test_selling_page_on_an_unknown_domain_is_commercial(settings: Settings) -> None:
    kind, reasons = classify(PRODUCT_PAGE, "https://www.candlecraft-shop.example/massage", settings)
    assert kind == "commercial"
    assert "schema.org Product with Offer price (GBP 24.99)" in reasons
    assert "'add to basket' on the page" in reasons


def test_selling_overrides_a_magazine_domain_entry_and_says_so(settings: Settings) -> None:
    kind, reasons = classify(PRODUCT_PAGE, "https://www.healthline.com/shop/massage-candle", settings)
    assert kind == "commercial"
    assert reasons[0] == "domain healthline.com listed as health_media"
    assert "page signals of selling override the domain entry (health_media)" in reasons


def test_an_authoritative_domain_entry_is_never_overridden(settings: Settings) -> None:
    kind, reasons = classify(PRODUCT_PAGE, "https://www.bmj.com/content/buy-article", settings)
    assert (kind, reasons) == ("peer_reviewed", ("domain bmj.com listed as peer_reviewed",))


def test_an_affiliate_disclosure_alone_is_noted_not_decisive(settings: Settings) -> None:
    page = (
        "<html><body><p>We may earn a commission from links on this page.</p>"
        "<p>Lube basics explained.</p></body></html>"
    )
    kind, reasons = classify(page, "https://www.self.com/story/lube", settings)
    assert kind == "health_media"
    assert "affiliate disclosure ('we may earn a commission') (noted, not decisive)" in reasons


def test_scholarly_metadata_makes_peer_reviewed_but_not_on_a_preprint_server(settings: Settings) -> None:
    page = (
        '<html><head><meta name="citation_journal_title" content="Pelvic Health Reports">'
        '<meta name="citation_doi" content="10.5555/phr.12"></head><body><p>Text.</p></body></html>'
    )
    kind, reasons = classify(page, "https://journal.pelvichealthreports.example/a/12", settings)
    assert kind == "peer_reviewed"
    assert reasons[:2] == ("citation_journal_title present", "citation_doi present")
    kind, reasons = classify(page, "https://www.biorxiv.org/content/10.5555/phr.12v1", settings)
    assert kind == "unknown" and "not peer reviewed" in reasons[0]


def test_government_by_suffix_and_by_publisher(settings: Settings) -> None:
    assert classify("<p>Guidance.</p>", "https://www.health.gov.au/topics/x", settings) == (
        "government",
        ("host ends in .gov.au (government domain)",),
    )
    page = (
        '<html><head><meta property="og:site_name" content="Ministry of Health of Freedonia"></head>'
        "<body><p>Advice.</p></body></html>"
    )
    kind, reasons = classify(page, "https://health.freedonia.example/advice", settings)
    assert kind == "government"
    assert "public body" in reasons[0]


CLINIC_PAGE = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
 "@type": "MedicalClinic", "name": "Harbourside Pelvic Physio"}</script></head><body>
<p>Our physiotherapists help people with pelvic pain.</p><a href="/book">Book an appointment</a></body></html>"""


def test_clinic_signals(settings: Settings) -> None:
    kind, reasons = classify(CLINIC_PAGE, "https://www.harbourside-physio.example/blog/pain", settings)
    assert kind == "clinic"
    assert reasons[0] == "no domain entry; page signals decide"
    assert "schema.org MedicalClinic" in reasons and "'book an appointment' on the page" in reasons


def test_charity_signals(settings: Settings) -> None:
    page = """<html><body><p>Endo Friends is a registered charity in England and Wales (charity number 1234567).</p>
    <a href="/donate">Donate</a><p>Living with endometriosis can be lonely.</p></body></html>"""
    kind, reasons = classify(page, "https://www.endofriends.example/living-with-endo", settings)
    assert kind == "nonprofit"
    assert "'registered charity' on the page" in reasons and "'donate' on the page" in reasons


def test_professional_body_by_its_name_and_membership(settings: Settings) -> None:
    page = """<html><head><meta property="og:site_name" content="Northern Society for Pelvic Medicine"></head>
    <body><a href="/join">Become a member</a><p>Our position statement on pelvic floor training.</p></body></html>"""
    kind, reasons = classify(page, "https://www.nspm.example/statements/floor", settings)
    assert kind == "professional_body"
    assert "organisation name has 'society'" in reasons


def test_personal_blog_post(settings: Settings) -> None:
    page = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "BlogPosting",
    "headline": "What I learned after a year of pelvic physio",
    "author": {"@type": "Person", "name": "Maya Hartwell"}}</script>
    </head><body><p>It took me a year to talk about it.</p><p>Leave a reply</p></body></html>"""
    kind, reasons = classify(page, "https://mayahartwell.example/2024/physio-year", settings)
    assert kind == "blog"
    assert "schema.org BlogPosting by a person, no organisation" in reasons


def test_prices_and_promo_codes_add_up_to_commercial(settings: Settings) -> None:
    page = "<html><body><p>Starter kit $24.99, refill pack $12.50.</p><p>Use code CALM10 at checkout.</p></body></html>"
    kind, reasons = classify(page, "https://www.calmkits.example/guide", settings)
    assert kind == "commercial"
    assert "2 prices shown ($24.99, $12.50)" in reasons


def test_nothing_decisive_is_unknown_with_a_reason(settings: Settings) -> None:
    kind, reasons = classify(
        "<html><body><p>Some thoughts on sleep.</p></body></html>", "https://sleepnotes.example/a", settings
    )
    assert kind == "unknown"
    assert reasons[0] == "no domain entry and no decisive page signal"


# ── metadata ─────────────────────────────────────────────────────────────────────────────


def test_jsonld_graph_with_references_lists_and_a_journal(settings: Settings) -> None:
    html = """<html><head><title>Ignored | Ostrava Medical Review</title><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "@id": "#org", "name": "Ostrava Medical Press"},
      {"@type": ["ScholarlyArticle"], "headline": "Zinc and wound healing",
       "author": [{"@type": "Person", "name": "Jana Novak"}, {"@type": "Person", "name": "Petr Kral"}],
       "datePublished": "2020-11-05", "publisher": {"@id": "#org"}, "identifier": "https://doi.org/10.5555/omr.2020.9",
       "isPartOf": {"@type": "PublicationIssue", "isPartOf": {"@type": "Periodical", "name": "Ostrava Medical Review"}}}
    ]}</script></head><body><p>Zinc matters.</p></body></html>"""
    page = page_of(html, "https://omr.example/articles/9", settings)
    assert page.title == "Zinc and wound healing"
    assert page.publisher == "Ostrava Medical Press"
    assert page.authors == ("Jana Novak", "Petr Kral")
    assert page.journal == "Ostrava Medical Review"
    assert page.doi == "10.5555/omr.2020.9"
    assert page.published == "2020-11-05"
    assert {"ScholarlyArticle", "Organization", "PublicationIssue", "Periodical"} <= set(page.schema_types)


def test_title_fallbacks_and_publisher_from_the_domain(settings: Settings) -> None:
    page = page_of(
        "<html><head><title>Sleep hygiene tips - Restwell</title>"
        "<meta property='og:site_name' content='Restwell'></head></html>",
        "https://restwell.example/a",
        settings,
    )
    assert (page.title, page.publisher) == ("Sleep hygiene tips", "Restwell")
    page = page_of(
        "<html><body><h1>Hydration myths</h1><time datetime='2019-06-30T09:00'>30 June</time></body></html>",
        "https://www.drinkup.co.uk/a",
        settings,
    )
    assert (page.title, page.publisher, page.published) == ("Hydration myths", "drinkup.co.uk", "2019-06-30")


def test_a_linked_doi_is_the_page_own_only_on_scholarly_pages(settings: Settings) -> None:
    body = '<body><p>A study (<a href="https://doi.org/10.5555/xyz.1">link</a>) found this.</p></body>'
    assert page_of(f"<html>{body}</html>", "https://magazine.example/a", settings).doi == ""
    scholarly = f'<html><head><meta name="citation_journal_title" content="J Tests"></head>{body}</html>'
    assert page_of(scholarly, "https://journal.example/a", settings).doi == "10.5555/xyz.1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021/03/04", "2021-03-04"),
        ("2023-10-04T08:00:00+02:00", "2023-10-04"),
        ("2021 Mar 4", "2021-03-04"),
        ("March 4, 2021", "2021-03-04"),
        ("4th March 2021", "2021-03-04"),
        ("Thu, 04 Mar 2021 10:00:00 GMT", "2021-03-04"),
        ("2021-03", "2021-03"),
        ("2021", "2021"),
        ("20210304", "2021-03-04"),
        ("2021-02-30", "2021-02"),
        ("2021-13-01", "2021"),
        ("Spring 2021", "Spring 2021"),
        ("yesterday", ""),
    ],
)
def test_normalize_date(raw: str, expected: str) -> None:
    assert normalize_date(raw) == expected


# ── study designs ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "designs"),
    [
        ("We did a cross-sectional study of 300 students.", ("cross_sectional",)),
        ("This cross sectional survey of 300 students used an online survey.", ("cross_sectional", "survey")),
        ("A systematic review and meta-analysis of 14 trials.", ("systematic_review", "meta_analysis")),
        (
            "In this randomised controlled trial, 80 adults were randomly assigned to two diets.",
            ("randomized_trial",),
        ),
        ("A randomized clinical trial of melatonin.", ("randomized_trial",)),
        ("Zinc sped up wound closure in mice fed a high-fat diet.", ("animal",)),
        ("Extracts slowed the growth of a human cell line in vitro.", ("in_vitro",)),
        ("Semi-structured interviews were analysed by thematic analysis.", ("qualitative",)),
        ("We report a case of a 34-year-old woman presented with pain.", ("case_report",)),
        ("No randomised controlled trials have tested this.", ()),
        ("Randomised controlled trials are needed to confirm it.", ()),
        ("Unlike previous cohort studies, we found nothing.", ()),
        ("Sleep was good.", ()),
    ],
)
def test_detect_study_designs(settings: Settings, text: str, designs: tuple[str, ...]) -> None:
    assert detect_study_designs(text, settings.lexicon("study_designs")) == designs


def test_method_sections_are_where_designs_are_read(settings: Settings) -> None:
    blocks = [
        ("Introduction", True),
        ("Earlier cohort studies disagreed.", False),
        ("2. Methods", True),
        ("We ran a case-control study.", False),
        ("Discussion", True),
        ("Trials are needed.", False),
    ]
    assert method_section_text(blocks, settings.lexicon("study_designs")) == "We ran a case-control study."
