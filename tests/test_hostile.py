"""Hostile articles and hostile sources, end to end: whatever they contain, every output stays
inert and well formed, XML is never expanded, and nothing raises.

1. A real run (runner, loopback server) over an article with hostile links and a source page
   full of markup posing as text: report.html and report.md (rendered by a CommonMark
   renderer with raw HTML on) carry no script, no event handler, no link but http(s) ones to
   the cited site; graph.graphml has no DOCTYPE and keeps the hostile strings as text;
   report.json keeps them as plain strings.
2. XML entities: a billion-laughs page and an external entity pointing at a local file,
   as a source (every XML-ish content type) and as an article (HTML and .docx): nothing
   is expanded, nothing is read.
3. Property tests (hypothesis): random HTTP answers through the real fetch code (replayed
   from a WARC, no network), then extraction and the report writers; random JSON-LD escapes
   and markup fragments through extraction. Never an exception, always a record, always
   text a UTF-8 file can hold.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
import time
import zipfile
import zlib
from pathlib import Path

import lxml.etree
import lxml.html
import networkx as nx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from loopback import LoopbackServer
from markdown_it import MarkdownIt

from pipeline.config import FetchSettings, Settings, load_settings
from pipeline.errors import ArticleError
from pipeline.extract.extractor import extract_source
from pipeline.fetch.archive import ReplayTransport, write_fixture_archive
from pipeline.fetch.fetcher import fetch_references_sync
from pipeline.graph import build_graph, summarize_graph
from pipeline.ingest.article import parse_article
from pipeline.records import (
    SOURCE_STATUSES,
    Article,
    Claim,
    FetchFailure,
    Judgement,
    Reference,
    Report,
    Snapshot,
    Source,
)
from pipeline.report import render_html, render_markdown
from pipeline.report.json_report import document_json, report_document
from pipeline.runner import CheckRequest, check_article

SCRIPT_TEXT = "<script>alert(3)</script>"
SVG_TEXT = "</textarea><svg onload=alert(4)>"
MD_LINK_TEXT = "[click](javascript:alert(5))"
TITLE_TEXT = "Walking <script>alert(1)</script> trial"
PUBLISHER_TEXT = '"><img src=x onerror=alert(2)>'
HOSTILE_PAGE = """<!doctype html><html><head>
<title>Walking &lt;script&gt;alert(1)&lt;/script&gt; trial</title>
<meta property="og:site_name" content='"&gt;&lt;img src=x onerror=alert(2)&gt;'>
<script type="application/ld+json">{"@type": "ScholarlyArticle", "author": {"@type": "Person",
 "name": "Ann \\ud800 <b>Lee</b>"}, "headline": "Walking </script><script>alert(7)</script>
<script>document.write('page script')</script>
</head><body><article><h1>Walking and blood pressure</h1>
<p>In the trial, walking lowers blood pressure in adults &lt;script&gt;alert(3)&lt;/script&gt; &lt;/textarea&gt;&lt;svg onload=alert(4)&gt; [click](javascript:alert(5)) | a | b | the authors wrote.</p>
<p>Volunteers kept diaries of how far they walked each day.</p>
<p><a href="javascript:alert(8)">read more</a> <img src="x" onerror="alert(10)"> <iframe src="javascript:alert(11)"></iframe></p>
</article></body></html>"""
HOSTILE_ARTICLE = """# Walking <script>alert(0)</script> & </textarea> [x](javascript:alert(12))

Walking always lowers blood pressure in every adult [1].
Stretching prevents injuries in runners [2].
Swimming eases back pain in office workers [3].
Cycling lifts mood in teenagers [4].
Yoga improves balance in older people, [one study says](javascript:alert(9)).

## References

[1] Walking trial. {page}
[2] Stretching. {to_script}
[3] Swimming. {to_file}
[4] Cycling. {with_password}
"""
# Elements that load, run or hide something; none may come out of source or article text.
LIVE_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "textarea", "base", "form", "video", "audio", "style"}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, settings: Settings):  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("hostile")
    with LoopbackServer() as server:
        page = server.add("/walking", body=HOSTILE_PAGE.encode())
        to_script = server.redirect("/stretch", "javascript:alert(13)", status=302)
        to_file = server.redirect("/swim", "file:///etc/passwd", status=302)
        with_password = server.url("/cycle").replace("http://", "http://admin:secret@")
        article = workdir / "hostile.md"
        article.write_text(
            HOSTILE_ARTICLE.format(page=page, to_script=to_script, to_file=to_file, with_password=with_password),
            encoding="utf-8",
        )
        out = workdir / "out"
        check_article(
            CheckRequest(article=str(article), out_dir=out), settings.with_fetch(allow_private_hosts=True)
        )
        yield server, out


def assert_inert_html(html: str, allowed_origin: str) -> str:
    """No live element, no event handler, no style or src, only http(s) links to
    `allowed_origin` or in-page anchors; returns the visible text."""
    tree = lxml.html.document_fromstring(html)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        own_css = element.tag == "style" and element.getparent().tag == "head"
        assert element.tag.lower() not in LIVE_TAGS or own_css, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert name.lower() not in ("src", "srcdoc", "formaction", "action"), (element.tag, name)
            if name.lower() == "href":
                assert value.startswith("#") or value.startswith(allowed_origin), value
        if element.tag == "meta":
            assert (element.get("http-equiv") or "").lower() != "refresh"
    return tree.text_content()


def test_the_report_page_shows_hostile_text_as_text(hostile_run) -> None:  # type: ignore[no-untyped-def]
    server, out = hostile_run
    html = (out / "report.html").read_text(encoding="utf-8")
    text = assert_inert_html(html, server.base_url + "/")
    assert len(lxml.html.document_fromstring(html).findall(".//style")) == 1  # the report's own CSS
    for hostile in (SCRIPT_TEXT, SVG_TEXT, MD_LINK_TEXT, TITLE_TEXT, PUBLISHER_TEXT, "<script>alert(0)</script>"):
        assert hostile in text, hostile
    assert "javascript:alert(9)" in text  # the bad inline link is shown, never linked
    csp = lxml.html.document_fromstring(html).xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]


def test_the_markdown_report_renders_to_inert_html(hostile_run) -> None:  # type: ignore[no-untyped-def]
    server, out = hostile_run
    markdown = (out / "report.md").read_text(encoding="utf-8")
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    renderer.validateLink = lambda url: True  # test our escaping, not the renderer's own guard
    text = assert_inert_html(f"<html><body>{renderer.render(markdown)}</body></html>", server.base_url + "/")
    for hostile in (SCRIPT_TEXT, SVG_TEXT, MD_LINK_TEXT, TITLE_TEXT, PUBLISHER_TEXT, "<script>alert(0)</script>"):
        assert hostile in text, hostile


def test_graphml_keeps_hostile_strings_as_text_with_no_doctype(hostile_run) -> None:  # type: ignore[no-untyped-def]
    _, out = hostile_run
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = lxml.etree.parse(str(out / "graph.graphml"), parser)
    assert tree.docinfo.doctype == ""
    graph = nx.read_graphml(out / "graph.graphml")
    values = [str(value) for _, data in graph.nodes(data=True) for value in data.values()]
    assert any(SCRIPT_TEXT in value for value in values)
    assert any("<script>alert(0)</script>" in value for value in values)


def test_report_json_has_the_exact_strings_and_the_blocked_links(hostile_run) -> None:  # type: ignore[no-untyped-def]
    _, out = hostile_run
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    sources = {source["id"]: source for source in report["sources"]}
    assert sources["1"]["status"] == "ok"
    assert (sources["1"]["title"], sources["1"]["publisher"]) == (TITLE_TEXT, PUBLISHER_TEXT)
    assert [sources[key]["status"] for key in ("2", "3", "4", "L1")] == ["blocked"] * 4
    assert (sources["2"]["http_status"], sources["3"]["http_status"]) == (302, 302)  # what the site last said
    assert sources["2"]["reason"] == (
        "redirected to javascript:alert(13): 'javascript:' links are not fetched (only http and https)"
    )
    assert sources["3"]["reason"] == (
        "redirected to file:///etc/passwd: 'file:' links are not fetched (only http and https)"
    )
    assert sources["4"]["reason"] == "the link carries a user name or password, which claimcheck never sends"
    walking = next(claim for claim in report["claims"] if claim["citations"] == ["1"])
    # The passage full of markup is the claim's evidence, so every writer had to show it.
    assert walking["flags"] and SCRIPT_TEXT in walking["evidence"][0]["passage"]


def test_nothing_was_requested_for_the_blocked_links(hostile_run) -> None:  # type: ignore[no-untyped-def]
    server, _ = hostile_run
    paths = {seen.path for seen in server.requests}
    assert paths == {"/walking", "/stretch", "/swim"}  # the credentials link never left the machine
    assert all("authorization" not in seen.headers for seen in server.requests)


# ── XML entities ──────────────────────────────────────────────────────────────────────────


def _entity_page(secret: Path) -> bytes:
    laughs = '<!ENTITY a0 "laugh">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE html [{laughs}<!ENTITY secret SYSTEM "file://{secret}">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sleep &a9; study</title></head>'
        "<body><article><h1>Sleep study</h1><p>Adults who slept seven hours remembered more words &a9; &secret;.</p>"
        "<p>The study followed 300 adults for a year and tested their recall every month.</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize("content_type", ["application/xhtml+xml", "text/xml", "application/xml", "text/html"])
def test_a_source_page_never_expands_entities(settings: Settings, tmp_path: Path, content_type: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-8812", encoding="utf-8")
    page = _entity_page(secret)
    snapshot = Snapshot("1", "https://example.org/a", "https://example.org/a", 200, content_type, (), page, "", "")
    started = time.monotonic()
    source = extract_source(snapshot, settings)
    assert time.monotonic() - started < 5
    everything = " ".join((source.text, source.title, *source.notes))
    assert "CANARY" not in everything
    assert everything.count("laugh") == 0
    assert source.status == "ok" and "remembered more words" in source.text


def test_an_html_article_never_expands_entities(settings: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-8812", encoding="utf-8")
    article = parse_article(_entity_page(secret), location="sleep.html", media_type="html", settings=settings)
    assert "CANARY" not in article.text and "laugh" not in article.text
    assert "remembered more words" in article.text


def _docx_with_doctype(doctype: str, replacements: dict[str, str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Sleep", 1)
    document.add_paragraph("Adults who slept seven hours remembered more words, a study found. MARKER")
    written = io.BytesIO()
    document.save(written)
    source = zipfile.ZipFile(io.BytesIO(written.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, rest = data.decode("utf-8").split("?>", 1)
                for old, new in replacements.items():
                    rest = rest.replace(old, new)
                data = f"{head}?>{doctype}{rest}".encode()
            target.writestr(item, data)
    return result.getvalue()


def test_a_docx_article_never_reads_an_external_entity(settings: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("CANARY-8812", encoding="utf-8")
    raw = _docx_with_doctype(f'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file://{secret}">]>', {"MARKER": "&secret;"})
    article = parse_article(raw, location="sleep.docx", media_type="docx", settings=settings)
    assert "CANARY" not in article.text and "remembered more words" in article.text


def test_a_docx_billion_laughs_is_refused_as_unreadable(settings: Settings) -> None:
    laughs = '<!ENTITY a0 "laugh">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    raw = _docx_with_doctype(f"<!DOCTYPE w:document [{laughs}]>", {"MARKER": "&a9;"})
    started = time.monotonic()
    with pytest.raises(ArticleError) as refused:
        parse_article(raw, location="sleep.docx", media_type="docx", settings=settings)
    assert time.monotonic() - started < 5
    assert "not a readable .docx file" in str(refused.value)


# ── property tests ────────────────────────────────────────────────────────────────────────

_FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<title>", "</title>", "<h1>", "</h1>",
    "<a href='javascript:alert(1)'>", "</a>", "<img src=x onerror=alert(1)>", "</textarea>", "<svg onload=x>",
    "<!--", "-->", "<![CDATA[", "]]>", "&lt;script&gt;", "&#xD800;", "&#0;", "&amp;", "\x00", "\ufeff",
    "Walking lowers blood pressure in adults. ", "| a | b |", "[x](javascript:y)", "# heading\n", "\n\n",
    '<meta charset="utf-16">', '<meta charset="x-unknown">', "<?xml version='1.0'?>", "<!DOCTYPE html [<!ENTITY e 'x'>]>",
])  # fmt: skip
_JSON_ESCAPES = st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0000", "\\u202e", "\\\\", '\\"', "</script>"])
_PAGES = st.builds(
    lambda parts, json_parts: (
        '<script type="application/ld+json">{"@type": "Article", "headline": "' + "".join(json_parts) + '",'
        ' "author": {"@type": "Person", "name": "' + "".join(reversed(json_parts)) + '"}}</script>' + "".join(parts)
    ),
    st.lists(st.one_of(_FRAGMENTS, st.text(max_size=10)), max_size=30),
    st.lists(st.one_of(_JSON_ESCAPES, st.text(max_size=6)), max_size=8),
)
_CONTENT_TYPES = st.sampled_from([
    "text/html", "text/html; charset=utf-8", "text/html; charset=latin-1", "application/xhtml+xml", "text/plain",
    "text/xml", "application/octet-stream", "application/pdf", "image/png", "", "text/html; charset=bogus",
])  # fmt: skip


def _report_with(source: Source) -> Report:
    text = "Walking lowers blood pressure in adults [1]."
    claim = Claim("c1", "Walking lowers blood pressure in adults.", "", 0, len(text), ("1",))
    article = Article("A", "a.md", "0" * 64, text, (claim,), (Reference("1", source.url),))
    judgement = Judgement("c1", "unverifiable", 0.0)
    return Report(article, (source,), (), (judgement,), (), "2025-01-01T00:00:00Z")


def _assert_writable(source: Source, settings: Settings) -> None:
    """Every output of a report holding `source` renders, is valid UTF-8 and stays inert."""
    report = _report_with(source)
    report = dataclasses.replace(report, graph_summary=summarize_graph(build_graph(report, settings), settings))
    outputs = (document_json(report_document(report)), render_markdown(report, settings), render_html(report, settings))
    for text in outputs:
        text.encode("utf-8")  # raises on a lone surrogate
    assert_inert_html(render_html(report, settings), "https://example.org/")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=_PAGES, content_type=_CONTENT_TYPES)
def test_hostile_pages_extract_to_sources_every_writer_can_hold(page: str, content_type: str) -> None:
    settings = load_settings()
    body = page.encode("utf-8", "surrogatepass")
    snapshot = Snapshot("1", "https://example.org/a", "https://example.org/a", 200, content_type, (), body, "", "")
    source = extract_source(snapshot, settings)
    assert source.status in SOURCE_STATUSES
    for value in (source.title, source.publisher, source.text, *source.authors, *(p.text for p in source.passages)):
        value.encode("utf-8")
    _assert_writable(source, settings)


_ENCODINGS = st.sampled_from(["", "gzip", "deflate", "br", "gzip, gzip", "identity", "x-garbage", "gzip, deflate"])


@st.composite
def http_answers(draw: st.DrawFn) -> tuple[int, list[tuple[str, str]], bytes]:
    """A random answer a server might give: status, headers and body (encoded as declared,
    or not: a truncated or lying body is part of the game)."""
    status = draw(st.sampled_from([200, 200, 200, 204, 301, 302, 304, 403, 404, 410, 429, 500, 503, 999]))
    payload = draw(st.one_of(_PAGES.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=2000)))
    encoding = draw(_ENCODINGS)
    body = payload
    if encoding.startswith("gzip"):
        body = gzip.compress(payload)
    elif encoding == "deflate":
        body = zlib.compress(payload)
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # cut short, or the encoding is a lie
    headers = [("Content-Type", draw(_CONTENT_TYPES))]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    if 300 <= status < 400:
        headers.append(("Location", draw(st.sampled_from([
            "https://example.org/a", "/a", "javascript:alert(1)", "file:///etc/passwd", "http://127.0.0.1/", "", "//[bad",
        ]))))  # fmt: skip
    if status in (429, 503):
        headers.append(("Retry-After", draw(st.sampled_from(["0", "1", "99999", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"]))))
    return status, headers, body


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=http_answers())
def test_any_http_answer_ends_in_a_record_that_extracts_and_renders(
    answer: tuple[int, list[tuple[str, str]], bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    status, headers, body = answer
    archive = tmp_path_factory.mktemp("answers") / "answer.warc.gz"
    write_fixture_archive(archive, [("https://example.org/a", status, headers, body)])
    fetch_settings = FetchSettings(max_bytes=50_000, total_deadline=5.0, retries=1, backoff_base=0.0)
    (result,) = fetch_references_sync(
        [Reference("1", "https://example.org/a")], fetch_settings, transport=ReplayTransport(archive)
    )
    settings = load_settings()
    if isinstance(result, FetchFailure):
        assert result.status in SOURCE_STATUSES and result.status != "ok"
        assert result.reason and "\n" not in result.reason
        return
    assert isinstance(result, Snapshot) and len(result.body) <= 50_000
    assert 200 <= result.http_status < 300
    source = extract_source(result, settings)
    assert source.status in SOURCE_STATUSES
    _assert_writable(source, settings)


def test_a_lone_surrogate_in_json_ld_becomes_a_replacement_character(settings: Settings) -> None:
    # The writers' guard the properties rely on: a lone surrogate in JSON-LD is replaced at
    # the source, so no report or database write can fail on it.
    page = '<script type="application/ld+json">{"@type": "Article", "headline": "Walk \\ud800 more"}</script><p>x</p>'
    snapshot = Snapshot("1", "https://example.org/a", "https://example.org/a", 200, "text/html", (), page.encode(), "", "")
    source = extract_source(snapshot, settings)
    assert source.title == "Walk \ufffd more"
    assert not re.search("[\ud800-\udfff]", source.title)
