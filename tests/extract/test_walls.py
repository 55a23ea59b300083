"""A page that stands in the paper's way is never evidence: bot checks, cookie walls, login and
paywall stubs, landing pages without an abstract. Each page below also carries a sentence that
would support the claim if its words were read, so a test fails the moment one is.

And the pages that must not be mistaken for one: an article under a cookie banner, a paper's
page with its abstract, a short ordinary page, an article that discusses captchas.
"""

from __future__ import annotations

import pytest
from wall_pages import CLAIM, FINDING, NOT_WALLS, WALLS

from pipeline import ingest, runner
from pipeline.config import Settings, load_settings
from pipeline.extract import extract_source
from pipeline.extract.walls import read_page
from pipeline.records import Snapshot


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def _snapshot(html: str, url: str = "https://journals.example/doi/10.5555/walk.2020.1") -> Snapshot:
    body = html.encode("utf-8")
    return Snapshot("1", url, url, 200, "text/html; charset=utf-8", (), body, "2025-01-01T00:00:00Z", "0" * 64)


@pytest.mark.parametrize("shape", sorted(WALLS))
def test_a_page_that_is_not_the_paper_is_recognised_and_gives_no_passage(shape: str, settings: Settings) -> None:
    state, html = WALLS[shape]
    assert read_page(_snapshot(html), settings).state == state
    source = extract_source(_snapshot(html), settings)
    assert source.status == "http_error" and source.http_status == 200
    assert source.reason.startswith("the page is ") and not source.passages and not source.text
    assert "kind from the address only: the page is not the paper" in source.kind_reasons


@pytest.mark.parametrize("shape", sorted(WALLS))
def test_a_claim_citing_only_such_a_page_is_never_supported_by_its_words(shape: str, settings: Settings) -> None:
    _, html = WALLS[shape]
    text = f"# Walking\n\n{CLAIM} [1].\n\n## References\n\n1. Walking trial. https://journals.example/doi/10.5555/walk.2020.1\n"
    article = ingest.parse_article(text.encode(), location="walking.md", media_type="markdown", settings=settings)
    report = runner.analyse(article, [_snapshot(html)], settings)
    (claim,) = report.article.claims
    (judgement,) = report.judgements
    assert judgement.verdict == "unverifiable"
    assert not [item for item in report.evidence if item.claim_id == claim.id]
    unavailable = [flag for flag in report.flags if flag.code == "SOURCE_UNAVAILABLE"]
    assert unavailable and "the page is " in unavailable[0].message


@pytest.mark.parametrize("shape", sorted(NOT_WALLS))
def test_real_pages_are_not_mistaken_for_walls(shape: str, settings: Settings) -> None:
    html = NOT_WALLS[shape]
    assert read_page(_snapshot(html), settings).state == "paper"
    source = extract_source(_snapshot(html), settings)
    assert source.status == "ok"
    assert any(FINDING in passage.text for passage in source.passages)


def test_a_landing_page_offers_the_abstract_its_metadata_carries(settings: Settings) -> None:
    abstract = (
        "<p><b>Background:</b> Few trials tested walking in later life.</p><p>We randomised 300 adults over sixty-five "
        f"to brisk walking or usual activity for a year. {FINDING}</p>"
    )
    html = WALLS["landing_without_abstract"][1].replace(
        "</head>", f'<meta name="citation_abstract" content="{abstract.replace(chr(34), "&quot;")}"></head>'
    )
    reading = read_page(_snapshot(html), settings)
    assert reading.state == "landing" and "the abstract" in reading.sign
    assert reading.abstract[0] == "Background: Few trials tested walking in later life."
    assert reading.abstract[-1].endswith(FINDING) and reading.identifiers.doi == "10.5555/walk.2020.1"
    challenge = WALLS["challenge_verify_human"][1].replace("</head>", '<meta name="citation_doi" content="10.5555/x.1"></head>')
    assert read_page(_snapshot(challenge), settings).identifiers.doi == "10.5555/x.1"
