"""Pages that stand in a paper's way, and pages that must not be mistaken for them, shared by
tests/extract/test_walls.py (extraction and matching) and tests/fetch/test_walls_over_http.py
(the whole check, over HTTP). Each wall also carries a sentence that would support CLAIM if its
words were read, so a test fails the moment one is. Written for these tests.
"""

from __future__ import annotations

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
