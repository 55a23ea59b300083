"""Source kinds from a page's own signals when its domain is in no table: a journal or review
page is peer reviewed by its scholarly metadata, its DOI, JSON-LD, or a study design in its
title with a paper's structure; a health-news page that carries an advertisement or a paywall
button is health media, not a seller. Every page is written here."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from pipeline.config import Settings, load_settings
from pipeline.extract.kinds import classify_source
from pipeline.extract.pagemeta import read_page_metadata


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def classify(html: str, url: str, settings: Settings) -> tuple[str, tuple[str, ...]]:
    scholarly = tuple(settings.lexicon("source_signals")["scholarly"]["meta_names"])
    page = read_page_metadata(BeautifulSoup(html, "lxml"), url, scholarly_meta=scholarly)
    return classify_source(url, page, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals"))


def page(head: str = "", body: str = "", title: str = "A page") -> str:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


PAPER_BODY = ("<h1>{title}</h1><p>Ana Ruiz, Tomas Berg</p><h2>Abstract</h2><h3>Background</h3><p>Naps are common.</p>"
              "<h3>Methods</h3><p>We randomly assigned 120 adults.</p><h3>Results</h3><p>Naps helped recall.</p>"
              "<h3>Conclusions</h3><p>Short naps may help.</p>")


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ('<meta name="citation_journal_title" content="Sleep and Memory Reports">'
         '<meta name="citation_title" content="Naps and recall">', "Naps and recall"),
        ('<meta name="citation_doi" content="10.5555/smr.2024.011">', "Naps and recall"),
        (ld({"@context": "https://schema.org", "@type": "MedicalScholarlyArticle", "headline": "Naps and recall"}),
         "Naps and recall"),
        # No scholarly metadata at all: the design in the title and a paper's abstract headings say it.
        ('<meta name="author" content="Ana Ruiz">', "Afternoon naps and recall in adults: a randomised controlled trial"),
        ('<meta name="citation_author" content="Ana Ruiz">', "Napping and memory: a systematic review and meta-analysis"),
    ],
)
def test_a_paper_on_an_unknown_domain_is_peer_reviewed(settings: Settings, head: str, title: str) -> None:
    kind, reasons = classify(page(head, PAPER_BODY.format(title=title), title), "https://papers.example-press.org/a1",
                             settings)
    assert kind == "peer_reviewed", reasons


def test_a_news_story_about_a_trial_is_not_a_paper(settings: Settings) -> None:
    title = "Randomised controlled trial finds naps help memory"
    body = f"<h1>{title}</h1><p>By Jo Lane</p><p>The results surprised the authors. Methods were simple.</p>"
    head = ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title})
    kind, reasons = classify(page(head, body, title), "https://dailyhealthwire.example.com/naps", settings)
    assert kind == "health_media", reasons


@pytest.mark.parametrize(
    "advert",
    [
        "<div class='ad'><p>Sleep better tonight. <a href='/x'>Shop now</a></p></div>",
        "<div class='paywall'><p>Subscribe &amp; save on our print edition.</p></div>",
    ],
)
def test_a_health_news_page_with_an_advert_is_health_media_not_a_seller(settings: Settings, advert: str) -> None:
    title = "Do naps help memory?"
    head = ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
               "publisher": {"@type": "NewsMediaOrganization", "name": "Lakeside Health News"}})
    body = f"<h1>{title}</h1><p>By Jo Lane</p><p>A new trial suggests short naps help recall.</p>{advert}"
    kind, reasons = classify(page(head, body, title), "https://lakesidehealthnews.example.com/naps", settings)
    assert kind == "health_media", reasons


def test_a_product_page_with_article_markup_is_still_a_seller(settings: Settings) -> None:
    title = "DreamPods sleep earbuds"
    head = ld({"@context": "https://schema.org", "@graph": [
        {"@type": "Article", "headline": title},
        {"@type": "Product", "name": title, "offers": {"@type": "Offer", "price": "89.00", "priceCurrency": "USD"}}]})
    body = f"<h1>{title}</h1><p>$89.00</p><button>Add to cart</button>"
    kind, reasons = classify(page(head, body, title), "https://dreampods.example.com/buy", settings)
    assert kind == "commercial", reasons
