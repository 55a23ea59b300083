"""Tests of source kinds, page metadata and study designs (pipeline/extract/kinds.py, pagemeta.py).

Each kind decision is checked with its reasons, and the precedence rules are checked where
they bite: an authoritative domain entry is never overridden, clear selling overrides a
magazine's entry, an affiliate disclosure alone does not.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from pipeline.config import Settings, load_settings
from pipeline.extract.designs import detect_study_designs, method_section_text
from pipeline.extract.kinds import classify_source, domain_entry, kind_from_domain
from pipeline.extract.pagemeta import PageMetadata, normalize_date, read_page_metadata
from pipeline.language.domains import registrable_domain


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
    assert "organisation name has 'society' and 'medicine'" in reasons


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


# ── pages whose address names no site (served from 127.0.0.1) ────────────────────────────

LOOPBACK = "http://127.0.0.1:8123/www.example.org/page"

NCCIH_LIKE = """<html><head><title>Melatonin: What You Need To Know | NCIH</title>
<meta property="og:site_name" content="NCIH"><meta property="og:title" content="Melatonin: What You Need To Know">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage",
 "publisher":{"@type":"GovernmentOrganization","name":"National Center for Integrative Health",
 "parentOrganization":{"@type":"GovernmentOrganization","name":"National Institutes of Health"}}}</script></head>
<body><section><p>An official website of the United States government</p></section>
<h1>Melatonin: What You Need To Know</h1><p>Melatonin is a hormone.</p></body></html>"""


def test_the_page_alone_says_it_is_a_public_body(settings: Settings) -> None:
    kind, reasons = classify(NCCIH_LIKE, LOOPBACK, settings)
    assert kind == "government"
    assert reasons[0] == "the site calls itself 'National Institutes of Health', a public body's name ('national institutes of health')"
    # Without the public body's name, its markup and the official banner still say so.
    plain = NCCIH_LIKE.replace("National Institutes of Health", "Health Research Office")
    kind, reasons = classify(plain, LOOPBACK, settings)
    assert kind == "government"
    assert reasons[0] == "127.0.0.1 names no site; page signals decide"
    assert "schema.org GovernmentOrganization" in reasons
    assert "'an official website of the united states government' on the page" in reasons


def test_a_declared_address_counts_only_when_the_page_agrees(settings: Settings) -> None:
    claims_nhs = ('<html><head><link rel="canonical" href="https://www.nhs.uk/medicines/melatonin/">'
                  '<meta property="og:site_name" content="Sleep Better Daily"></head><body>{}</body></html>')
    kind, reasons = classify(claims_nhs.format("<p>Melatonin tips.</p>"), LOOPBACK, settings)
    assert kind != "government"
    assert reasons[-1] == ("the page declares its address on nhs.uk (listed as government), but nothing on the "
                           "page itself says government: not used")
    kind, reasons = classify(claims_nhs.format("<p>Melatonin tips.</p><footer>© Crown copyright</footer>"),
                             LOOPBACK, settings)
    assert kind == "government"
    assert "its own signals agree ('crown copyright' on the page)" in reasons[1]
    # The same page fetched from a real address: the address decides, the declared one is ignored.
    assert classify(claims_nhs.format("<p>Melatonin tips.</p>"), "https://sleepbetterdaily.example.com/m",
                    settings)[0] != "government"


def test_a_declared_shop_or_preprint_lowers_what_the_page_would_be(settings: Settings) -> None:
    shop = ('<html><head><link rel="canonical" href="https://www.naturalcycles.com/cyclematters/x"></head><body>'
            '<p>Medically reviewed by Dr A.</p><p>Plans from $12.99/month or $99.99/year.</p></body></html>')
    kind, reasons = classify(shop, LOOPBACK, settings)
    assert kind == "commercial" and "a subscription price ('$12.99/month')" in reasons[1]
    preprint = ('<html><head><meta name="citation_title" content="A trial"><meta name="citation_doi" content="10.1101/1">'
                '</head><body><p>This article is a preprint and has not been certified by peer review.</p></body></html>')
    kind, reasons = classify(preprint, LOOPBACK, settings)
    assert kind == "unknown" and "(a preprint, not peer reviewed)" in reasons[-1]


def test_kinds_from_the_names_a_site_gives_itself(settings: Settings) -> None:
    society = '<html><head><meta property="og:site_name" content="Society for Nutritional Psychiatry"></head><body><p>x</p></body></html>'
    charity = ('<html><head><meta property="og:site_name" content="Northern Cancer Society"></head><body>'
               '<p>Northern Cancer Society is a registered charity.</p><a>Donate</a></body></html>')
    clinic = '<html><head><title>Insomnia | Lakeside Sleep Clinic</title></head><body><h1>Insomnia</h1><p>Appointments available.</p></body></html>'
    assert classify(society, LOOPBACK, settings)[0] == "professional_body"
    assert classify(charity, LOOPBACK, settings)[0] == "nonprofit"
    kind, reasons = classify(clinic, LOOPBACK, settings)
    assert kind == "clinic" and "the site calls itself 'Lakeside Sleep Clinic' ('clinic')" in reasons


def test_a_post_on_a_blogging_platform_is_a_blog(settings: Settings) -> None:
    post = ('<html><head><meta name="author" content="Maureen Ellery">'
            '<link rel="stylesheet" href="https://substackcdn.com/bundle/theme/main.css">'
            '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Maureen Ellery"}}</script>'
            '</head><body><p>What helped me sleep.</p><footer><p>© 2025 Maureen Ellery · Privacy</p></footer></body></html>')
    kind, reasons = classify(post, LOOPBACK, settings)
    assert (kind, reasons[1:]) == ("blog", ("hosted on a blogging platform (loads substackcdn.com)",))
    # Self-hosted, the same post is still a person's own: she holds its copyright.
    own_site = post.replace("https://substackcdn.com/bundle/theme/", "/").replace("<footer>", "<h2>Leave a reply</h2><footer>")
    kind, reasons = classify(own_site, LOOPBACK, settings)
    assert kind == "blog" and "copyright held by its author, Maureen Ellery" in reasons


def test_a_site_that_presents_itself_as_a_product_sells(settings: Settings) -> None:
    page = ('<html><head><meta property="og:site_name" content="Cycle Wise"></head><body>'
            '<p>Medically reviewed by Dr A.</p><aside>Cycle Wise is an FDA cleared birth control app.</aside></body></html>')
    kind, reasons = classify(page, LOOPBACK, settings)
    assert kind == "commercial"
    assert reasons == ("the site presents itself as a product ('cycle wise is an fda cleared birth control app')",)
    magazine = page.replace("an FDA cleared birth control app", "a magazine about periods")
    assert classify(magazine, LOOPBACK, settings)[0] == "health_media"


def test_a_dead_link_is_known_by_words_in_its_site_name(settings: Settings) -> None:
    signals = settings.lexicon("source_signals")
    kind = lambda url: kind_from_domain(url, domain_kinds=settings.source_kinds, lexicon=signals)[0]  # noqa: E731
    assert kind("https://www.lakesidesleepclinic.co.uk/cbt-i/") == "clinic"
    assert kind("https://clinicaltrials.example.org/study/1") == "unknown"  # "clinical" is no clinic
    assert kind("http://127.0.0.1:8123/lakesidesleepclinic.co.uk/cbt-i/") == "unknown"


def test_the_names_a_page_gives_itself(settings: Settings) -> None:
    page = page_of(NCCIH_LIKE.replace("</body>", "<footer><p>© 2024 NCIH. All rights reserved.</p></footer></body>")
                   .replace("<head>", '<head><link rel="canonical" href="https://www.nccih.nih.gov/health/melatonin">'
                            '<link rel="stylesheet" href="https://cdn.example.net/site.css">'),
                   LOOPBACK, settings)
    assert page.names[:3] == ("National Center for Integrative Health", "National Institutes of Health", "NCIH")
    assert page.copyright_holder == "NCIH"
    assert page.declared_url == "https://www.nccih.nih.gov/health/melatonin"
    assert page.resource_hosts == ("cdn.example.net",)
    # A site name with a tagline, its parts and an acronym signing as author; no copyright notice as a name.
    page = page_of('<html><head><title>Insomnia - Academy of Sleep Medicine – For Sleep Clinicians</title>'
                   '<meta property="og:title" content="Insomnia"><meta name="author" content="ASM"></head>'
                   '<body><p>© Crown copyright</p></body></html>', LOOPBACK, settings)
    assert page.names == ("Academy of Sleep Medicine", "For Sleep Clinicians", "ASM", "Crown")
    # With no site name, the page's own name stands for the publisher, not the IP address.
    assert page.publisher == "Academy of Sleep Medicine"


def test_which_addresses_name_a_site() -> None:
    from pipeline.language.domains import address_names_site

    assert address_names_site("https://www.nhs.uk/x") and address_names_site("https://restwell.example/a")
    for url in ("http://127.0.0.1:8000/x", "http://[::1]/x", "http://localhost:3000/", "http://intranet/x", ""):
        assert not address_names_site(url), url


def test_a_dead_link_served_from_an_ip_address_is_known_by_its_reference_entry(settings: Settings) -> None:
    signals = settings.lexicon("source_signals")
    kind = lambda listed: kind_from_domain("http://127.0.0.1:8123/x", domain_kinds=settings.source_kinds,  # noqa: E731
                                           lexicon=signals, listed=listed)
    assert kind("Insomnia and CBT-I. Lakeside Sleep Clinic") == (
        "clinic", ("the article's reference entry names its publisher 'Lakeside Sleep Clinic'",))
    assert kind("Melatonin – NHS")[0] == "government"
    assert kind("Guideline. Society for Sleep Medicine")[0] == "professional_body"
    assert kind("Ten ways to sleep better. Sleepy Times")[0] == "unknown"
    assert kind("")[0] == "unknown"
