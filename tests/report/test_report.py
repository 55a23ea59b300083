"""The report writers: report.json per the contract, report.md for an editor, report.html
self-contained and safe with hostile text, and atomic writing of all three."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import (
    HOSTILE_IMG,
    HOSTILE_MD_LINK,
    HOSTILE_SCRIPT,
    HOSTILE_SVG,
    HOSTILE_TEXTAREA,
    WALKING_EXPECTED,
    WALKING_FLAGGED_ORDER,
    WALKING_TEXT,
    flag,
    hostile_report,
    walking_report,
)
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import pipeline.atomic
import pipeline.report
from pipeline.config import Settings, load_settings
from pipeline.graph import build_graph, summarize_graph
from pipeline.records import (
    FLAG_CODES,
    RELATIONS,
    SEVERITIES,
    SOURCE_KINDS,
    SOURCE_STATUSES,
    VERDICTS,
    Report,
)
from pipeline.report import (
    md_text,
    render_html,
    render_markdown,
    report_document,
    safe_href,
    write_reports,
)
from pipeline.report.json_report import document_json


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def summarized(report: Report, settings: Settings) -> Report:
    """The report as the runner hands it to the writers: with its graph summary."""
    return dataclasses.replace(report, graph_summary=summarize_graph(build_graph(report, settings), settings))


# ── report.json ─────────────────────────────────────────────────────────────────────────────

CONTRACT_SOURCE_KEYS = [
    "id", "url", "final_url", "status", "http_status", "kind", "title",
    "publisher", "published", "content_sha256", "fetched_at", "archived_as", "passages",
]  # fmt: skip
CONTRACT_CLAIM_KEYS = ["id", "text", "section", "start", "end", "citations", "verdict", "score", "evidence", "flags"]
CONTRACT_EVIDENCE_KEYS = ["source", "passage", "start", "end", "score", "relation"]
CONTRACT_FLAG_KEYS = ["code", "severity", "message", "source", "evidence"]


def test_document_has_the_contract_shape_and_types(settings: Settings) -> None:
    document = report_document(summarized(walking_report(), settings))
    assert list(document)[:5] == ["schema", "article", "sources", "claims", "summary"]
    assert document["schema"] == "claimcheck.report/1"
    assert list(document["article"]) == ["title", "location", "checked_at", "sha256"]
    assert document["article"]["checked_at"] == "2025-03-04T10:20:30Z"

    for source in document["sources"]:
        assert list(source)[: len(CONTRACT_SOURCE_KEYS)] == CONTRACT_SOURCE_KEYS
        assert source["status"] in SOURCE_STATUSES and source["kind"] in SOURCE_KINDS
        assert source["http_status"] is None or isinstance(source["http_status"], int)
        assert isinstance(source["passages"], int)
        for key in set(CONTRACT_SOURCE_KEYS) - {"http_status", "passages"}:
            assert isinstance(source[key], str), key

    for claim in document["claims"]:
        assert list(claim)[: len(CONTRACT_CLAIM_KEYS)] == CONTRACT_CLAIM_KEYS
        assert claim["verdict"] in VERDICTS and isinstance(claim["score"], float)
        assert isinstance(claim["start"], int) and isinstance(claim["end"], int)
        assert all(isinstance(citation, str) for citation in claim["citations"])
        for item in claim["evidence"]:
            assert list(item)[: len(CONTRACT_EVIDENCE_KEYS)] == CONTRACT_EVIDENCE_KEYS
            assert item["relation"] in RELATIONS and isinstance(item["passage"], str) and item["passage"]
            assert isinstance(item["start"], int) and isinstance(item["score"], float)
        for item in claim["flags"]:
            assert list(item)[: len(CONTRACT_FLAG_KEYS)] == CONTRACT_FLAG_KEYS
            assert item["code"] in FLAG_CODES and item["severity"] in SEVERITIES

    summary = document["summary"]
    assert list(summary)[:4] == ["claims", "by_verdict", "by_flag", "sources_unavailable"]
    assert list(summary["by_verdict"]) == list(VERDICTS)
    assert list(summary["by_flag"]) == list(FLAG_CODES)


def test_document_values_match_the_records(settings: Settings) -> None:
    report = summarized(walking_report(), settings)
    document = report_document(report)
    summary = document["summary"]
    assert summary["claims"] == 6 and summary["claims_flagged"] == 5
    assert summary["by_verdict"] == {
        "supported": 2, "partially_supported": 2, "contradicted": 0, "unsupported": 0, "unverifiable": 2,
    }  # fmt: skip
    assert {code: count for code, count in summary["by_flag"].items() if count} == Counter(f.code for f in report.flags)
    assert summary["sources_unavailable"] == 1
    assert summary["flags_by_severity"] == {"high": 2, "medium": 2, "low": 3, "info": 0}
    assert summary["graph"]["claims_commercial_only"] == WALKING_EXPECTED["claims_commercial_only"]

    assert [source["passages"] for source in document["sources"]] == [3, 4, 1, 0, 1, 1]
    assert document["sources"][3]["reason"].startswith("no response within")
    assert document["sources"][0]["cited_by"] == ["c1", "c2"]

    claims = {claim["id"]: claim for claim in document["claims"]}
    c2 = claims["c2"]
    assert c2["text"] == "People who walk every day live longer, a large cohort study found."
    assert c2["citations"] == ["1", "2"]
    assert [(item["source"], item["score"], item["relation"]) for item in c2["evidence"]] == [
        ("2", 0.81, "supports"),
        ("1", 0.58, "supports"),
        ("2", 0.31, "related"),
    ]
    passage = report.sources[1].passages[0]
    assert (c2["evidence"][0]["passage"], c2["evidence"][0]["start"], c2["evidence"][0]["end"]) == (
        passage.text,
        passage.start,
        passage.end,
    )
    # Flags most severe first, whatever order assess produced them in.
    assert [flag["code"] for flag in claims["c3"]["flags"]] == ["COMMERCIAL_ONLY", "SUPERIORITY_CLAIM"]
    assert claims["c3"]["flags"][0]["source"] == "3" and claims["c3"]["flags"][1]["source"] is None
    assert claims["c3"]["worst_severity"] == "high" and claims["c5"]["worst_severity"] is None
    assert [item["reason"] for item in document["skipped"]] == ["heading", "advice"]


def test_a_claim_without_judgement_is_unverifiable_and_said_so(settings: Settings) -> None:
    report = walking_report()
    report = dataclasses.replace(report, judgements=report.judgements[1:])
    claim = report_document(report)["claims"][0]
    assert (claim["id"], claim["verdict"], claim["verdict_reason"]) == ("c1", "unverifiable", "not judged")
    assert report_document(report)["summary"]["by_verdict"]["unverifiable"] == 3


def test_json_is_deterministic_and_claims_are_in_article_order(settings: Settings) -> None:
    report = summarized(walking_report(), settings)
    first = document_json(report_document(report))
    assert document_json(report_document(report)) == first
    shuffled = dataclasses.replace(
        report,
        article=dataclasses.replace(report.article, claims=tuple(reversed(report.article.claims))),
        evidence=tuple(reversed(report.evidence)),
        flags=tuple(reversed(report.flags)),
    )
    assert document_json(report_document(shuffled)) == first
    assert [claim["id"] for claim in json.loads(first)["claims"]] == ["c1", "c2", "c3", "c4", "c5", "c6"]


def test_json_is_valid_utf8_even_with_lone_surrogates_and_nan(settings: Settings) -> None:
    report = hostile_report()
    report = dataclasses.replace(
        report, judgements=(dataclasses.replace(report.judgements[0], score=float("nan")),) + report.judgements[1:]
    )
    data = document_json(report_document(report)).encode("utf-8")  # would raise on a lone surrogate
    document = json.loads(data.decode("utf-8"))
    assert document["claims"][0]["score"] == 0.0
    assert "lone\ufffd" in document["claims"][0]["evidence"][0]["passage"]
    assert "nul\x00" in document["claims"][0]["evidence"][0]["passage"]  # JSON keeps it, escaped


# ── report.md ───────────────────────────────────────────────────────────────────────────────


def test_markdown_lists_flagged_claims_first_most_severe_first(settings: Settings) -> None:
    markdown = render_markdown(summarized(walking_report(), settings), settings)
    headings = re.findall(r"^### \d+\. (c\d+): (\w+)", markdown, flags=re.MULTILINE)
    assert [claim for claim, _ in headings] == WALKING_FLAGGED_ORDER
    assert [severity for _, severity in headings] == ["HIGH", "HIGH", "MEDIUM", "LOW", "LOW"]
    sections = ("# Claim check:", "## At a glance", "## Flagged claims", "## Other claims", "## Sources", "## Not checked")
    order = [markdown.index(title) for title in sections]
    assert order == sorted(order)
    others = markdown[markdown.index("## Other claims") : markdown.index("## Sources")]
    assert "**c5** partially supported (0.48)" in others and "c1" not in others


def test_markdown_header_quotes_and_links_evidence(settings: Settings) -> None:
    markdown = render_markdown(summarized(walking_report(), settings), settings)
    assert "- **Verdicts:** supported 2 · partially supported 2 · contradicted 0 · unsupported 0 · unverifiable 2" in markdown
    assert "`COMMERCIAL_ONLY` 1" in markdown and "`ABSENCE_CLAIM`" not in markdown
    assert (
        "  > “In this observational cohort of 40,000 adults, daily walkers had lower all-cause mortality.” — [2] "
        "[Daily walking and mortality: a cohort study](<https://cohort.example.edu/reports/walking-mortality>)"
    ) in markdown
    assert "| 4 | " in markdown and "**timeout** | 0 | c4 | no response within 45 seconds (tried 3 times) |" in markdown
    assert "- *advice:* Try a ten-minute stroll after your largest meal." in markdown


def test_markdown_shows_at_most_the_configured_evidence(settings: Settings) -> None:
    one = dataclasses.replace(settings, report=dataclasses.replace(settings.report, max_evidence_per_claim=1))
    markdown = render_markdown(walking_report(), one)
    # c2 has three passages; its flag quotes the best, one of the other two is shown.
    assert "**Other evidence** (best 1 of 2)" in markdown
    assert "Participants who walked daily also reported fewer hospital visits over two years." in markdown
    assert "Residual confounding" not in markdown


def walking_with_a_second_flag_on_one_passage() -> Report:
    report = walking_report()
    cohort = report.sources[1]
    extra = flag("c2", "GENERALIZATION", "medium", "Adults in one cohort are not all people.", cohort, 1)
    return dataclasses.replace(report, flags=report.flags + (extra,))


def test_markdown_quotes_a_passage_once_per_claim(settings: Settings) -> None:
    markdown = render_markdown(walking_with_a_second_flag_on_one_passage(), settings)
    c2 = markdown[markdown.index("### 1. c2") : markdown.index("### 2. c3")]
    assert c2.count("In this observational cohort of 40,000 adults") == 1
    assert c2.count("(rests on the same passage as the flag above)") == 1
    assert "lower all-cause mortality.” — [2] " in c2 and c2.count("(supports, score 0.81)") == 1
    assert "**Evidence**" not in c2 and "**Other evidence**" in c2


def test_html_quotes_a_passage_once_per_claim(settings: Settings) -> None:
    html = render_html(walking_with_a_second_flag_on_one_passage(), settings)
    start = html.index('<article class="card sev-high" id="claim-c2"')
    card = html[start : html.index("</article>", start)]
    assert card.count("In this observational cohort of 40,000 adults") == 1
    assert card.count("(rests on the same passage as the flag above)") == 1
    assert "Other evidence" in card and "Residual confounding" in card


class TagCollector(HTMLParser):
    """Every start tag with its attributes, and the text outside script/style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector


def assert_no_live_markup(parsed: TagCollector, allowed_http_hosts: set[str]) -> None:
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "svg", "iframe", "object", "embed", "textarea", "link", "b"}, tags
    for tag, attributes in parsed.tags:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        assert "src" not in attributes, (tag, attributes)
        href = attributes.get("href")
        if href is not None and not href.startswith("#"):
            assert re.match(r"https?://", href), href
            assert re.match(r"https?://([^/]+)", href).group(1) in allowed_http_hosts, href


WALKING_HOSTS = {
    "cohort.example.edu",
    "shop.example.com",
    "health-agency.example.gov",
    "magazine.example.net",
    "walker.example.blog",
    "journal.example.org",
}


def test_markdown_keeps_hostile_source_text_inert(settings: Settings) -> None:
    markdown = render_markdown(summarized(hostile_report(), settings), settings)
    rendered = markdown_renderer().render(markdown)
    parsed = parse_html(rendered)
    assert_no_live_markup(parsed, WALKING_HOSTS)
    text = "".join(parsed.text)
    for hostile in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_SVG, HOSTILE_MD_LINK, "| cell | `code`"):
        assert hostile in text, hostile  # shown as written, not interpreted
    # The sources table keeps its seven columns in every row despite `|` in source text, and
    # loses none of that text to cells beyond the seventh.
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.DOTALL)
    assert len(rows) == 7 and all(len(re.findall(r"<t[hd][ >]", row)) == 7 for row in rows)
    assert "refused | 403 | by the server" in "".join(parse_html(rows[4]).text)
    assert f"{HOSTILE_SVG} | x |" in "".join(parse_html(rows[1]).text)
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert all(re.match(r"#{1,3} (Claim check|At a glance|Flagged|Other|Sources|Not checked|\d+\. c\d)", h) for h in headings)
    assert "\x00" not in markdown and "\x07" not in markdown


def markdown_renderer() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, and with markdown-it's own refusal of
    javascript: links switched off: the test is of our escaping, not of the renderer's guard."""
    renderer = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    renderer.validateLink = lambda url: True
    return renderer


MARKUP_SAMPLES = [
    "[x](https://evil.example/)", "[x](javascript:alert(1))", "![i](https://evil.example/i.png)",
    "<b>bold</b>", "<https://evil.example>", "# heading", "## heading", "- item", "+ item", "* item",
    "1. item", "3) item", "`code`", "*em*", "_em_", "**strong**", "~~gone~~", "a | b", "&amp; &#60;",
    "back\\slash", "***", "---", "> quote", "[ref]: https://evil.example/",
]  # fmt: skip


def assert_renders_as_text(text: str) -> None:
    # Put it where report.md puts source text: at the start of a quoted line.
    rendered = markdown_renderer().render(f"> {md_text(text)}\n")
    parsed = parse_html(rendered)
    assert {tag for tag, _ in parsed.tags} <= {"blockquote", "p"}, rendered
    assert "".join(parsed.text).strip() == " ".join(text.split())


@pytest.mark.parametrize("sample", MARKUP_SAMPLES)
def test_md_text_keeps_each_kind_of_markup_as_text(sample: str) -> None:
    assert_renders_as_text(sample)
    assert_renders_as_text(f"before {sample} after")


_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)


@hypothesis_settings(max_examples=200, deadline=None)
@given(_ANY_TEXT | st.builds("".join, st.tuples(_ANY_TEXT, st.sampled_from(MARKUP_SAMPLES), _ANY_TEXT)))
def test_md_text_renders_back_to_the_text_it_escapes(text: str) -> None:
    assert_renders_as_text(text)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "https:///no-host",
        "https://ok.example/with space",
        "",
    ],
)
def test_safe_href_refuses_anything_but_plain_http_urls(url: str) -> None:
    assert safe_href(url) is None


def test_safe_href_keeps_http_and_https_urls() -> None:
    assert safe_href("https://ok.example/a?b=1#c") == "https://ok.example/a?b=1#c"
    assert safe_href("HTTP://ok.example/") == "HTTP://ok.example/"


# ── report.html ─────────────────────────────────────────────────────────────────────────────


def test_html_is_self_contained(settings: Settings) -> None:
    html = render_html(summarized(walking_report(), settings), settings)
    parsed = parse_html(html)
    assert_no_live_markup(parsed, WALKING_HOSTS)
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    csp = [attrs["content"] for _, attrs in parsed.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
    # Every external link is a source link; every in-page link points at an element that exists.
    ids = {attributes["id"] for _, attributes in parsed.tags if "id" in attributes}
    for _, attributes in parsed.tags:
        href = attributes.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids, href
        elif href:
            assert attributes.get("class") == "src-link" and attributes.get("rel") == "noopener noreferrer"


def test_html_marks_flagged_claims_by_worst_severity_and_links_details(settings: Settings) -> None:
    html = render_html(summarized(walking_report(), settings), settings)
    parsed = parse_html(html)
    marks = {attributes["id"]: attributes["class"] for tag, attributes in parsed.tags if tag == "mark"}
    assert marks == {
        "text-claim-c1": "sev-medium",
        "text-claim-c2": "sev-high",
        "text-claim-c3": "sev-high",
        "text-claim-c4": "sev-low",
        "text-claim-c6": "sev-low",
    }
    cards = [attributes["id"] for tag, attributes in parsed.tags if tag == "article"]
    assert cards == [f"claim-{claim}" for claim in WALKING_FLAGGED_ORDER]
    plain = [attributes["id"] for tag, attributes in parsed.tags if attributes.get("class") == "claim-plain"]
    assert plain == ["text-claim-c5"]
    assert 'title="c3: high; COMMERCIAL_ONLY, SUPERIORITY_CLAIM"' in html


def test_html_shows_the_whole_article_text(settings: Settings) -> None:
    html = render_html(walking_report(), settings)
    body = html[html.index('<div class="article-text">') : html.index("</div>", html.index('<div class="article-text">'))]
    shown = re.sub(r"<sup>c\d+</sup>", "", body)
    text = "".join(parse_html(shown).text)
    assert text == WALKING_TEXT


def test_html_sources_table_says_why_a_source_is_unavailable(settings: Settings) -> None:
    html = render_html(walking_report(), settings)
    row = re.search(r'<tr id="source-4">(.*?)</tr>', html, flags=re.DOTALL).group(1)
    assert 'class="status-bad">timeout' in row and "no response within 45 seconds (tried 3 times)" in row


def test_html_escapes_every_piece_of_hostile_text(settings: Settings) -> None:
    html = render_html(summarized(hostile_report(), settings), settings)
    parsed = parse_html(html)
    assert_no_live_markup(parsed, WALKING_HOSTS)
    text = "".join(parsed.text)
    for hostile in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_SVG, HOSTILE_TEXTAREA, HOSTILE_MD_LINK):
        assert hostile in text, hostile  # visible as text
    assert "javascript:alert(document.cookie)" in text  # the bad URL is shown, not linked
    assert not any("javascript" in (attributes.get("href") or "").lower() for _, attributes in parsed.tags)
    assert "\x00" not in html and "\x07" not in html and "\ufffe" not in html
    html.encode("utf-8")  # no lone surrogate left


# ── write_reports ───────────────────────────────────────────────────────────────────────────


def test_write_reports_writes_the_three_files(tmp_path: Path, settings: Settings) -> None:
    report = summarized(walking_report(), settings)
    paths = write_reports(report, tmp_path, settings)
    assert paths == {"json": tmp_path / "report.json", "md": tmp_path / "report.md", "html": tmp_path / "report.html"}
    assert json.loads(paths["json"].read_text(encoding="utf-8")) == report_document(report)
    assert paths["md"].read_text(encoding="utf-8") == render_markdown(report, settings)
    assert paths["html"].read_text(encoding="utf-8") == render_html(report, settings)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def test_a_failed_write_keeps_the_previous_files_whole(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(walking_report(), tmp_path, settings)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    later = dataclasses.replace(walking_report(), checked_at="2025-09-09T09:09:09Z")
    real_replace = os.replace
    calls = []

    def replace_then_fail(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:  # the second file fails after its temp file was fully written
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(pipeline.atomic.os, "replace", replace_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_reports(later, tmp_path, settings)
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert sorted(after) == ["report.html", "report.json", "report.md"]  # no .part left
    assert b"2025-09-09T09:09:09Z" in after["report.json"]  # the first file was replaced whole
    assert after["report.md"] == before["report.md"] and after["report.html"] == before["report.html"]


def test_a_failed_render_writes_nothing(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    write_reports(walking_report(), tmp_path, settings)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template error")

    monkeypatch.setattr(pipeline.report, "html_from_document", broken)
    with pytest.raises(RuntimeError):
        write_reports(dataclasses.replace(walking_report(), checked_at="2025-09-09T09:09:09Z"), tmp_path, settings)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_an_inherited_citation_is_shown_with_the_claim_it_came_from(settings: Settings) -> None:
    base = walking_report()
    claims = tuple(
        dataclasses.replace(claim, inherited=("4",), inherited_from="c4") if claim.id == "c6" else claim
        for claim in base.article.claims
    )
    report = summarized(dataclasses.replace(base, article=dataclasses.replace(base.article, claims=claims)), settings)
    document = report_document(report)
    carried = next(claim for claim in document["claims"] if claim["id"] == "c6")
    assert carried["citations"] == [] and carried["inherited_citations"] == ["4"]
    assert carried["inherited_from"] == "c4"
    assert all(claim["inherited_citations"] == [] and claim["inherited_from"] is None
               for claim in document["claims"] if claim["id"] != "c6")
    assert "c6" in next(source for source in document["sources"] if source["id"] == "4")["cited_by"]
    markdown = render_markdown(report, settings)
    assert "*Carried over:* [4] from c4" in markdown
    html = render_html(report, settings)
    assert "carried over from c4" in html
