"""Tests of the extract stage: snapshot bytes → Source (main text, passages, metadata).

Every page here is written for the test. Passages must carry exact offsets into Source.text,
a window of neighbours within their own section and the nearest heading; page chrome must
stay out; bad bytes, broken markup and broken PDFs must give a Source, never an exception.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pipeline.config import Settings, load_settings
from pipeline.extract.extractor import decode_body, extract_source, unavailable_source
from pipeline.records import (
    SOURCE_KINDS,
    SOURCE_STATUSES,
    FetchFailure,
    Snapshot,
    Source,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def snapshot(
    body: bytes | str,
    *,
    url: str = "https://www.example-health.net/articles/walking",
    content_type: str = "text/html; charset=utf-8",
    reference_id: str = "3",
) -> Snapshot:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return Snapshot(
        reference_id=reference_id,
        url=url,
        final_url=url,
        http_status=200,
        content_type=content_type,
        headers=(("Content-Type", content_type),),
        body=raw,
        fetched_at="2025-11-20T10:00:00Z",
        content_sha256="ab" * 32,
        archived_as="sources.warc.gz#<urn:uuid:1>",
    )


def with_extract(settings: Settings, **changes: object) -> Settings:
    return dataclasses.replace(settings, extract=dataclasses.replace(settings.extract, **changes))


def assert_offsets(source: Source) -> None:
    for number, passage in enumerate(source.passages, start=1):
        assert source.text[passage.start : passage.end] == passage.text
        assert passage.id == f"{source.id}:p{number}"
        assert passage.source_id == source.id
        assert passage.text in passage.context


MAGAZINE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Walking after meals: what a short stroll does | Everyday Wellness Weekly</title>
<meta property="og:site_name" content="Everyday Wellness Weekly">
<meta property="article:published_time" content="2024-02-29T08:15:00Z">
<meta name="author" content="Priya Marlowe">
</head><body>
<div class="cookie-banner" role="dialog"><p>We use cookies to personalise adverts and measure traffic.
Choose Accept all cookies to continue browsing our site.</p><button>Accept all cookies</button></div>
<header class="masthead"><a href="/">Everyday Wellness Weekly</a>
<nav><ul><li><a href="/fitness">Fitness</a></li><li><a href="/food">Food and drink</a></li>
<li><a href="/sleep">Sleep</a></li></ul></nav></header>
<main><article>
<h1>Walking after meals: what a short stroll does</h1>
<p>A gentle walk after eating is one of the simplest habits people can add to their day. It needs no
equipment, no gym membership and only a few minutes of time.</p>
<p>Small laboratory studies have found that a ten-minute walk after dinner blunted the rise in blood
sugar that usually follows a large meal. The effect was clearest in people who already had
prediabetes.</p>
<h2>Why timing matters</h2>
<p>Muscles draw glucose out of the blood when they work. Walking soon after a meal puts that demand
on the body just as sugar from the food arrives. Yes. Waiting an hour or two seems to weaken the
effect, according to the researchers.</p>
<p>None of this means a stroll can replace medication for people who need it. Doctors still advise a
balanced diet and regular checks for anyone with raised blood sugar.</p>
<h2>How to start</h2>
<p>Begin with five minutes around the block after your largest meal of the day. Add a few minutes
each week until a short walk feels like part of the routine.</p>
</article></main>
<aside class="sidebar"><h3>Most read this week</h3>
<ul><li><a href="/a">Seven breakfasts our editors swear by for busy mornings</a></li>
<li><a href="/b">Is cold-water swimming worth the hype this winter season</a></li></ul></aside>
<section class="related-articles"><h3>You might also like</h3>
<a href="/c">The surprising truth about standing desks and your back pain</a></section>
<footer><p>Copyright 2024 Everyday Wellness Weekly. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_main_text_keeps_the_article_and_drops_page_chrome(settings: Settings) -> None:
    source = extract_source(snapshot(MAGAZINE_PAGE), settings)
    assert source.status == "ok"
    texts = [passage.text for passage in source.passages]
    assert "Muscles draw glucose out of the blood when they work." in texts
    assert any(text.startswith("Begin with five minutes around the block") for text in texts)
    for chrome in (
        "cookies",
        "Seven breakfasts",
        "cold-water swimming",
        "standing desks",
        "Copyright",
        "Food and drink",
    ):
        assert chrome not in source.text, chrome
    assert_offsets(source)


def test_passages_know_their_heading_and_window_stays_in_section(settings: Settings) -> None:
    source = extract_source(snapshot(MAGAZINE_PAGE), settings)
    by_text = {passage.text: passage for passage in source.passages}
    first_of_section = by_text["Muscles draw glucose out of the blood when they work."]
    assert first_of_section.heading == "Why timing matters"
    # The neighbour before it belongs to the previous section, so the window starts here.
    assert first_of_section.context.startswith("Muscles draw glucose")
    assert "prediabetes" not in first_of_section.context
    assert first_of_section.context == (
        "Muscles draw glucose out of the blood when they work. Walking soon after a meal puts that demand "
        "on the body just as sugar from the food arrives."
    )
    lead = next(passage for passage in source.passages if passage.text.startswith("A gentle walk"))
    assert lead.heading in ("", "Walking after meals: what a short stroll does")
    start = by_text["Begin with five minutes around the block after your largest meal of the day."]
    assert start.heading == "How to start"


def test_short_sentences_are_context_not_passages(settings: Settings) -> None:
    source = extract_source(snapshot(MAGAZINE_PAGE), settings)
    assert "Yes." not in [passage.text for passage in source.passages]
    neighbour = next(passage for passage in source.passages if passage.text.startswith("Waiting an hour"))
    assert neighbour.context.startswith("Yes. Waiting an hour")


def test_window_setting_changes_the_context(settings: Settings) -> None:
    narrow = extract_source(snapshot(MAGAZINE_PAGE), with_extract(settings, window=0))
    assert all(passage.context == passage.text for passage in narrow.passages)
    wide = extract_source(snapshot(MAGAZINE_PAGE), with_extract(settings, window=2))
    passage = next(p for p in wide.passages if p.text.startswith("Walking soon after"))
    assert passage.context.startswith("Muscles draw glucose") and passage.context.endswith(
        "according to the researchers."
    )


def test_metadata_of_a_magazine_page(settings: Settings) -> None:
    source = extract_source(snapshot(MAGAZINE_PAGE), settings)
    assert source.title == "Walking after meals: what a short stroll does"
    assert source.publisher == "Everyday Wellness Weekly"
    assert source.published == "2024-02-29"
    assert source.authors == ("Priya Marlowe",)
    assert (source.url, source.fetched_at, source.archived_as, source.content_sha256) == (
        "https://www.example-health.net/articles/walking",
        "2025-11-20T10:00:00Z",
        "sources.warc.gz#<urn:uuid:1>",
        "ab" * 32,
    )


def test_caps_cut_passages_and_input_and_say_so(settings: Settings) -> None:
    few = extract_source(snapshot(MAGAZINE_PAGE), with_extract(settings, max_passages=3))
    assert len(few.passages) == 3
    assert any("passages cut at 3" in note for note in few.notes)
    cut = extract_source(snapshot(MAGAZINE_PAGE), with_extract(settings, max_input_bytes=1500))
    assert any("page cut" in note for note in cut.notes)
    assert "How to start" not in cut.text
    short = extract_source(snapshot(MAGAZINE_PAGE), with_extract(settings, max_text_chars=300))
    assert len(short.text) <= 300
    assert any("main text cut" in note for note in short.notes)
    assert_offsets(short)


def test_an_endless_sentence_is_cut_into_passages(settings: Settings) -> None:
    words = " ".join(f"word{number}" for number in range(900))
    page = f"<html><body><article><h1>Data dump</h1><p>{words}</p></article></body></html>"
    source = extract_source(snapshot(page), with_extract(settings, max_passage_chars=500))
    assert len(source.passages) >= 8
    assert all(len(passage.text) <= 500 for passage in source.passages)
    assert_offsets(source)


JOURNAL_PAGE = """<html><head>
<meta name="citation_title" content="Daytime napping and blood pressure in older adults">
<meta name="citation_author" content="Okafor, Chidinma">
<meta name="citation_author" content="Lindqvist, Erik">
<meta name="citation_journal_title" content="Journal of Ageing and Circulation">
<meta name="citation_publication_date" content="2021/03/04">
<meta name="citation_doi" content="10.5555/jac.2021.0117">
<meta property="og:site_name" content="Meridian Scholarly Press">
<title>Daytime napping and blood pressure in older adults | Meridian Scholarly Press</title>
</head><body>
<nav><a href="/journals">Journals</a> <a href="/cart">Cart</a></nav>
<article>
<h1>Daytime napping and blood pressure in older adults</h1>
<h2>Abstract</h2>
<p>We carried out a cross-sectional analysis of 1,204 adults aged 65 and over who were living at home.
Participants who napped for more than an hour a day had higher systolic blood pressure than those who
did not nap. Because both were measured once, the direction of the association is unknown.</p>
<h2>Methods</h2>
<p>Nap duration was self-reported in a structured interview. Blood pressure was measured three times by a
trained nurse, and the mean of the last two readings was used.</p>
<h2>Discussion</h2>
<p>Earlier cohort studies in middle-aged adults reached similar conclusions. Further randomised
controlled trials are needed before any advice about napping can be given.</p>
</article></body></html>"""


def test_journal_page_metadata_kind_and_design(settings: Settings) -> None:
    source = extract_source(
        snapshot(JOURNAL_PAGE, url="https://journals.meridian-press.example/jac/article/117"), settings
    )
    assert source.title == "Daytime napping and blood pressure in older adults"
    assert source.authors == ("Okafor, Chidinma", "Lindqvist, Erik")
    assert source.journal == "Journal of Ageing and Circulation"
    assert source.doi == "10.5555/jac.2021.0117"
    assert source.published == "2021-03-04"
    assert source.kind == "peer_reviewed"
    assert "citation_journal_title present" in source.kind_reasons
    # The discussion's "earlier cohort studies" and "trials are needed" are not this study's design.
    assert source.study_designs == ("cross_sectional",)
    assert_offsets(source)


MALFORMED_JSONLD_PAGE = """<html><head><title>Iron supplements: a buyer's guide</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article", "headline": </script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Article", "headline": "Iron supplements explained",
 "datePublished": "2023-07-01", "author": [{"@type": "Person", "name": "Tomasz Wren"},],
 "publisher": {"@type": "Organization", "name": "Nutrient Notes"},}
</script></head><body><article>
<p>Iron supplements can correct a deficiency within a few months when taken every day.</p>
<p>They often upset the stomach, so some people take them with a small amount of food.</p>
</article></body></html>"""


def test_malformed_jsonld_is_skipped_and_trailing_commas_forgiven(settings: Settings) -> None:
    nested = '{"a": ' * 5000 + "1" + "}" * 5000  # deeper than the JSON parser's recursion limit
    page = MALFORMED_JSONLD_PAGE.replace("</head>", f'<script type="application/ld+json">{nested}</script></head>')
    source = extract_source(snapshot(page), settings)
    assert "2 malformed JSON-LD block(s) ignored" in source.notes
    source = extract_source(snapshot(MALFORMED_JSONLD_PAGE), settings)
    assert source.status == "ok"
    assert source.title == "Iron supplements explained"
    assert source.publisher == "Nutrient Notes"
    assert source.authors == ("Tomasz Wren",)
    assert source.published == "2023-07-01"
    assert "1 malformed JSON-LD block(s) ignored" in source.notes
    assert len(source.passages) == 2


def test_latin1_page_declared_by_meta_is_decoded(settings: Settings) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "<title>Caf\xe9 culture</title></head><body><article><p>A na\xefve reading of the caf\xe9 study "
        "suggests that coffee raises alertness for about three hours.</p><p>The effect fades with regular "
        "use, the authors say, because the body adapts.</p></article></body></html>"
    ).encode("latin-1")
    source = extract_source(snapshot(page, content_type="text/html"), settings)
    assert "A naïve reading of the café study" in source.text
    assert source.title == "Café culture"


def test_decode_body_order_and_garbage() -> None:
    assert decode_body("héllo".encode("utf-16"), "text/html") == ("héllo", "utf-16-le")
    assert decode_body("prix 5 €".encode("cp1252"), "text/html; charset=windows-1252")[0] == "prix 5 €"
    # An unknown HTTP label is passed over; the meta then decides.
    body = '<meta charset="utf-8"><p>Zürich</p>'.encode()
    assert decode_body(body, "text/html; charset=no-such-charset")[0].endswith("Zürich</p>")
    # Bytes that are not UTF-8 and declare nothing fall back to cp1252.
    assert decode_body(b"caf\xe9 \x81", "")[0].startswith("café")


MINI_PDF_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def make_pdf(pages: list[list[str]], title: str = "") -> bytes:
    """A small valid PDF: each page a list of text lines set one under the other."""

    def escaped(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    bodies: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: MINI_PDF_FONT}
    page_ids = []
    next_id = 4
    for lines in pages:
        stream = (
            "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({escaped(line)}) Tj T*" for line in lines) + " ET"
        ).encode("latin-1")
        bodies[next_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        bodies[next_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {next_id + 1} 0 R >>"
        ).encode()
        page_ids.append(next_id)
        next_id += 2
    bodies[2] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{pid} 0 R' for pid in page_ids)}] /Count {len(page_ids)} >>".encode()
    )
    info = ""
    if title:
        bodies[next_id] = f"<< /Title ({escaped(title)}) /CreationDate (D:20210304120000Z) >>".encode()
        info = f" /Info {next_id} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for object_id in sorted(bodies):
        offsets[object_id] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (object_id, bodies[object_id])
    xref_at = len(out)
    size = max(bodies) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offsets[object_id]:010d} 00000 n \n".encode() for object_id in range(1, size))
    out += f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


PDF_PAGES = [
    [
        "Shift work and mood: a cross-sectional survey of hospital nurses",
        "Abstract",
        "We ran a cross-",
        "sectional survey of 412 nurses working night shifts in three",
        "hospitals. Short sleep was associ-",
        "ated with low mood.",
        "doi: 10.5555/shift.2021.042",
    ],
    [
        "Methods",
        "Participants completed a questionnaire about sleep and mood at the",
        "end of a shift.",
        "Results",
        "Nurses who slept less than six hours reported lower mood scores.",
    ],
]


def test_pdf_source_is_reflowed_into_passages(settings: Settings) -> None:
    body = make_pdf(PDF_PAGES, title="Shift work and mood")
    source = extract_source(
        snapshot(body, url="https://files.example.edu/shift-mood.pdf", content_type="application/pdf"),
        settings,
    )
    texts = [passage.text for passage in source.passages]
    assert "We ran a cross-sectional survey of 412 nurses working night shifts in three hospitals." in texts
    assert "Short sleep was associated with low mood." in texts
    methods = next(p for p in source.passages if p.text.startswith("Participants completed"))
    assert (
        methods.text == "Participants completed a questionnaire about sleep and mood at the end of a shift."
    )
    assert methods.heading == "Methods"
    assert source.title == "Shift work and mood"
    assert source.published == "2021-03-04"
    assert source.doi == "10.5555/shift.2021.042"
    assert source.study_designs[:1] == ("cross_sectional",)
    assert_offsets(source)


def test_pdf_page_cap_and_mislabelled_pdf(settings: Settings) -> None:
    body = make_pdf(PDF_PAGES)
    source = extract_source(
        snapshot(body, content_type="application/octet-stream"), with_extract(settings, max_pdf_pages=1)
    )
    assert source.status == "ok"
    assert "PDF cut: read 1 of 2 pages" in source.notes
    assert "Nurses who slept" not in source.text


def test_broken_pdf_and_images_are_unsupported_not_errors(settings: Settings) -> None:
    broken = extract_source(
        snapshot(
            b"%PDF-1.7\n1 0 obj << /Type /Catalog",
            url="https://www.fda.gov/x.pdf",
            content_type="application/pdf",
        ),
        settings,
    )
    assert broken.status == "unsupported_type"
    assert "PDF" in broken.reason
    assert broken.kind == "government"  # known from the address alone
    assert broken.passages == ()
    image = extract_source(snapshot(b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png"), settings)
    assert image.status == "unsupported_type"
    assert "image/png" in image.reason
    # Binary bytes served as text/html are not read as a page of garbage.
    binary = extract_source(snapshot(bytes(range(256)) * 20, content_type="text/html"), settings)
    assert (binary.status, binary.passages) == ("unsupported_type", ())


def test_plain_text_source_reflows_lines_and_reads_headings(settings: Settings) -> None:
    text = (
        "# Iron and tiredness\n\nLow iron stores are a common cause of tiredness in\nyoung women, even "
        "before anaemia shows up in a blood count.\n\n## Testing\n\nA ferritin test measures the stores directly."
    )
    source = extract_source(snapshot(text, content_type="text/plain; charset=utf-8"), settings)
    assert [p.text for p in source.passages] == [
        "Low iron stores are a common cause of tiredness in young women, even before anaemia shows up in a "
        "blood count.",
        "A ferritin test measures the stores directly.",
    ]
    assert [p.heading for p in source.passages] == ["Iron and tiredness", "Testing"]
    assert source.title == "Iron and tiredness"


LINK_ONLY_PAGE = """<html><head><title>Vaccination clinic notices</title></head><body>
<div class="cookie-consent"><p>This site stores cookies on your device to remember your choices.</p></div>
<nav><a href="/">Home</a> <a href="/contact">Contact us</a></nav>
<main><ul>
<li><a href="/n1">Flu vaccinations for adults over 65 are available every Tuesday morning this autumn.</a></li>
<li><a href="/n2">Children aged two and three can have the nasal spray vaccine at the Saturday clinic.</a></li>
</ul></main></body></html>"""


def test_fallback_reader_when_trafilatura_finds_nothing(settings: Settings) -> None:
    source = extract_source(snapshot(LINK_ONLY_PAGE), settings)
    assert any("fallback reader" in note for note in source.notes)
    assert [p.text for p in source.passages] == [
        "Flu vaccinations for adults over 65 are available every Tuesday morning this autumn.",
        "Children aged two and three can have the nasal spray vaccine at the Saturday clinic.",
    ]
    assert "cookies" not in source.text and "Contact us" not in source.text


NOT_FOUND_PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
<main><h1>{heading}</h1><p>{text}</p></main>
<footer>Example Wellness Clinic, 12 Harbour Road</footer></body></html>"""


@pytest.mark.parametrize(
    ("title", "heading", "text", "signal"),
    [
        ("Page not found – Example Wellness Clinic", "Sorry", "Try the search box.",
         'its title reads "Page not found – Example Wellness Clinic"'),
        ("Not Found | Example Wellness Clinic", "Hmm", "Nothing to see.",
         'its title reads "Not Found | Example Wellness Clinic"'),
        ("Example Wellness Clinic", "Oops",
         "We couldn’t find that page. It may have moved when we rebuilt our site last spring.",
         'its text says "we couldn\'t find that page"'),
        ("", "Page Not Found", "Go back home.", 'its title reads "Page Not Found"'),
    ],
    ids=["title-phrase", "title-part", "short-text", "first-heading"],
)
def test_a_200_page_saying_not_found_is_a_soft_404(
    settings: Settings, title: str, heading: str, text: str, signal: str
) -> None:
    page = NOT_FOUND_PAGE.format(title=title, heading=heading, text=text)
    source = extract_source(snapshot(page), settings)
    assert (source.status, source.http_status) == ("http_error", 200)
    assert source.reason == f"the page says it was not found (soft 404): {signal}"
    assert source.passages == () and source.text == ""


def test_a_long_article_that_mentions_a_missing_page_is_not_a_soft_404(settings: Settings) -> None:
    story = (
        "Researchers followed 2,400 adults who walked after meals for twelve weeks. "
        "Blood sugar peaks fell in the group that walked for ten minutes. "
    ) * 20
    page = NOT_FOUND_PAGE.format(
        title="Vitamin D benefit not found in large trial | Everyday Wellness Weekly",
        heading="Vitamin D benefit not found in large trial",
        text=story + "The trial registry says the page you are looking for has moved.",
    )
    source = extract_source(snapshot(page), settings)
    assert source.status == "ok" and source.passages


def test_the_soft_404_length_bound_is_a_setting(settings: Settings) -> None:
    page = NOT_FOUND_PAGE.format(title="Clinic", heading="Oops", text="This page no longer exists. " + "Browse our services. " * 10)
    assert extract_source(snapshot(page), settings).status == "http_error"
    assert extract_source(snapshot(page), with_extract(settings, soft_404_max_chars=40)).status == "ok"


def test_unavailable_source_keeps_the_failure_and_the_domain_kind(settings: Settings) -> None:
    failure = FetchFailure(
        reference_id="11",
        url="https://closerthings.substack.com/p/touch",
        status="http_error",
        reason="the server answered 404 Not Found",
        fetched_at="2025-11-20T10:01:00Z",
        http_status=404,
        final_url="https://closerthings.substack.com/p/touch",
        archived_as="sources.warc.gz#<urn:uuid:9>",
    )
    source = unavailable_source(failure, settings)
    assert (source.id, source.url, source.status, source.reason, source.http_status) == (
        "11",
        failure.url,
        "http_error",
        failure.reason,
        404,
    )
    assert (source.final_url, source.fetched_at, source.archived_as) == (
        failure.final_url,
        failure.fetched_at,
        failure.archived_as,
    )
    assert source.kind == "blog"
    assert source.kind_reasons[0] == "domain substack.com listed as blog"
    assert source.passages == () and source.text == ""
    shop = unavailable_source(
        dataclasses.replace(failure, url="https://www.lovehoney.co.uk/x", final_url=None, status="timeout")
    )
    assert (shop.kind, shop.status, shop.final_url) == ("commercial", "timeout", "")
    nowhere = unavailable_source(
        dataclasses.replace(failure, url="https://unheard-of.example/x", final_url=None), settings
    )
    assert nowhere.kind == "unknown"


def test_an_unavailable_source_without_a_site_name_takes_its_kind_from_the_reference_entry(
    settings: Settings,
) -> None:
    failure = FetchFailure(reference_id="9", url="http://127.0.0.1:8000/cbt-i", status="http_error",
                           reason="the server answered 404 Not Found", fetched_at="2025-11-20T10:01:00Z",
                           http_status=404)
    listed = unavailable_source(failure, settings, listed="Insomnia and its treatment. Lakeside Sleep Clinic")
    assert listed.kind == "clinic"
    assert "Lakeside Sleep Clinic" in listed.kind_reasons[0]
    assert unavailable_source(failure, settings, listed="Insomnia and its treatment").kind == "unknown"


_TAGS = st.sampled_from(
    ["p", "div", "h2", "li", "table", "td", "script", "style", "article", "nav", "br", "span", "a", "b"]
)
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def garbled_pages(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=600))
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(_TAGS)
        parts.append(
            draw(st.sampled_from([f"<{tag}>", f"</{tag}>", f"<{tag} class='{draw(_TEXT)}'>", draw(_TEXT)]))
        )
    if draw(st.booleans()):
        parts.insert(0, '<script type="application/ld+json">' + draw(_TEXT) + "</script>")
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    return "".join(parts).encode(encoding, errors="replace")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=garbled_pages(),
    content_type=st.sampled_from(
        [
            "text/html",
            "text/html; charset=utf-8",
            "",
            "text/plain",
            "application/pdf",
            "application/octet-stream",
            "text/html; charset=bogus",
        ]
    ),
)
def test_garbled_input_always_gives_a_source(body: bytes, content_type: str) -> None:
    source = extract_source(snapshot(body, content_type=content_type), load_settings())
    assert isinstance(source, Source)
    assert source.status in SOURCE_STATUSES
    assert source.kind in SOURCE_KINDS
    assert_offsets(source)


def _bench_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("extraction_eval", ROOT / "bench" / "extraction_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extraction_quality_gate_on_a_slice_of_the_benchmark(settings: Settings) -> None:
    """The first 10 pages of ../shared/eval/extraction: F1 0.986 measured; the gate sits a
    little lower, so a real drop in extraction quality fails here."""
    bench = _bench_module()
    if not (bench.DATA / "ground-truth.json").is_file():
        pytest.skip(f"extraction dataset not found at {bench.DATA}")
    result = bench.evaluate(bench.page_ids(10), settings)
    assert result["f1"] >= 0.97
    assert result["precision"] >= 0.95
