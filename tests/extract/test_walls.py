"""A page that stands in the paper's way is never evidence: bot checks, cookie walls, login and
paywall stubs, landing pages without an abstract. Each page below also carries a sentence that
would support the claim if its words were read, so a test fails the moment one is.

And the pages that must not be mistaken for one: an article under a cookie banner, a paper's
page with its abstract, a short ordinary page, an article that discusses captchas.
"""

from __future__ import annotations

import pytest

from pipeline import ingest, runner
from pipeline.config import Settings, load_settings
from pipeline.extract import extract_source
from pipeline.extract.walls import read_page
from pipeline.records import Snapshot

FINDING = "Daily brisk walking lowered resting blood pressure in older adults."
CLAIM = "Daily brisk walking lowers resting blood pressure in older adults"

WALLS = {
    "challenge_cloudflare_style": (
        "challenge",
        f"""<!DOCTYPE html><html><head><title>Just a moment...</title>
<script>window._cf_chl_opt = {{cType: 'managed'}};</script></head><body>
<h1>journals.example</h1><h2>Checking your browser before accessing journals.example.</h2>
<p>{FINDING}</p><p>This process is automatic. Your browser will redirect shortly.</p>
<noscript>Enable JavaScript and cookies to continue</noscript></body></html>""",
    ),
    "challenge_verify_human": (
        "challenge",
        f"""<html><head><title>Security check</title></head><body><main>
<h1>Please verify you are human</h1><p>{FINDING}</p>
<div class="g-recaptcha" data-sitekey="x"></div><button>I'm not a robot</button></main></body></html>""",
    ),
    "challenge_script_only": (
        "challenge",
        f"""<html><head><title>journals.example</title>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script></head>
<body><p>{FINDING}</p></body></html>""",
    ),
    "cookie_wall": (
        "cookie_wall",
        f"""<html><head><title>Before you continue</title></head><body>
<div class="consent"><h1>We value your privacy</h1>
<p>We use cookies to store and access information on your device.</p>
<p>{FINDING}</p>
<button>Accept all</button> <button>Reject all</button> <a href="/prefs">Manage preferences</a></div></body></html>""",
    ),
    "paywall_stub": (
        "paywall",
        f"""<html><head><title>Walking and blood pressure | Journal of Examples</title></head><body>
<article><h1>Walking and blood pressure in later life</h1><p>{FINDING}</p>
<p>Subscribe to read the full article, or purchase this article for 24 hours.</p></article></body></html>""",
    ),
    "login_stub": (
        "login",
        f"""<html><head><title>Sign in</title></head><body><h1>Members' area</h1><p>{FINDING}</p>
<form><label>Email <input type="email" name="email"></label>
<label>Password <input type="PASSWORD" name="pw"></label><button>Sign in</button></form>
<a href="/reset">Forgot your password?</a></body></html>""",
    ),
    "landing_without_abstract": (
        "landing",
        """<html><head><title>Walking and blood pressure</title>
<meta name="citation_title" content="Walking and blood pressure in later life">
<meta name="citation_doi" content="10.5555/walk.2020.1"><meta name="citation_journal_title" content="Journal of Examples">
</head><body><h1>Walking and blood pressure in later life</h1><p>Daily brisk walking.</p>
<p>A. Okafor, T. Lindgren</p><p>Volume 12, Issue 3</p></body></html>""",
    ),
}

NOT_WALLS = {
    "article_under_a_cookie_banner": f"""<html><head><title>Walking and your heart</title></head><body>
<div class="cookie-banner"><p>We use cookies to improve the site.</p><button>Accept all cookies</button>
<button>Reject all</button></div><article><h1>Walking and your heart</h1>
<p>{FINDING} The trial followed 300 people aged over sixty-five for a year, and those who walked briskly for half
an hour a day had lower readings at every visit than those who kept to their usual routine.</p>
<p>Walking needs no equipment and can be fitted around other commitments, which may be why so many of the
volunteers kept it up after the trial ended; most said they still walked on most days a year later.</p>
<p>The researchers now plan a larger trial across several cities to see whether the effect holds for people
with heart disease, and whether shorter walks taken more often help as much.</p></article></body></html>""",
    "paper_page_with_abstract": f"""<html><head><title>Walking and blood pressure</title>
<meta name="citation_title" content="Walking and blood pressure in later life">
<meta name="citation_doi" content="10.5555/walk.2020.1"></head><body><h1>Walking and blood pressure in later life</h1>
<h2>Abstract</h2><p>We randomised 300 adults over sixty-five to brisk walking or usual activity for a year.
{FINDING} Diastolic pressure did not change. Adherence was high in both groups and no falls were reported.</p>
<p>Subscribe to our alerts.</p></body></html>""",
    "short_ordinary_page": f"""<html><head><title>Walking tips</title></head><body><article><h1>Walking tips</h1>
<p>{FINDING}</p><p>Start with ten minutes and build up.</p></article></body></html>""",
    "article_about_captchas": f"""<html><head><title>Why websites ask if you are a robot</title></head><body><article>
<h1>Why websites ask if you are a robot</h1><p>Many sites ask visitors to verify you are human before showing a page,
and older readers often find the puzzles hard. {FINDING} That finding came from a trial we reported last month,
and several readers wrote in to say the study page was hidden behind exactly such a puzzle.</p>
<p>Accessibility groups want sites to offer an audio option or a simple checkbox, and some publishers have agreed to
review their settings by the end of the year after a campaign by a charity for older people.</p>
<p>In the meantime, a library card often gives free access to the journals that block automated readers.</p>
</article></body></html>""",
}


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
