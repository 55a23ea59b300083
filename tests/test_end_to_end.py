"""The whole path, from an article file to the reports, on the fixtures.

The demo (fixtures/intimacy, modelled on ../shared/seed) is replayed from its archive, as the
README's demo runs it; the development fixture (fixtures/sleep) is served over real HTTP from
a loopback server. Each report must meet its fixture's expected.toml, the findings a careful
fact-checker wrote down from the article and pages alone. (A held-out fixture is
measured by bench/fixture_eval.py and never asserted on, so no rule is tuned to it.)
"""

from __future__ import annotations

import json
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from fixture_gaps import unexpected
from fixture_site import (
    FIXTURES,
    compare,
    fixture_article,
    load_expected,
    serve_fixture,
)

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.fetch.archive_read import read_archive
from pipeline.runner import CheckRequest, check_article

DEMO = FIXTURES / "intimacy"
DEMO_ARTICLE = fixture_article(DEMO)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("demo")
    outcome = check_article(CheckRequest(article=str(DEMO_ARTICLE), out_dir=out, offline=True), load_settings())
    assert outcome.outputs["json"] == out / "report.json"
    return json.loads((out / "report.json").read_text(encoding="utf-8")), out


def _claim(report: dict, fragment: str) -> dict:
    found = [claim for claim in report["claims"] if fragment in claim["text"]]
    assert len(found) == 1, f"{len(found)} claims contain {fragment!r}"
    return found[0]


def _codes(claim: dict) -> set[str]:
    return {flag["code"] for flag in claim["flags"]}


def test_demo_writes_every_output(demo_run: tuple[dict, Path]) -> None:
    report, out = demo_run
    for name in ("report.json", "report.md", "report.html", "graph.graphml", "sources.warc.gz"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.glob("*.part")), "a temporary file was left behind"
    assert report["schema"] == "claimcheck.report/1"
    graph = nx.read_graphml(out / "graph.graphml")
    assert sum(1 for _, data in graph.nodes(data=True) if data.get("kind") == "claim") == len(report["claims"])
    # The run archived what it read: every readable source's final URL is in its WARC.
    archived = {response.url for response in read_archive(out / "sources.warc.gz")}
    for source in report["sources"]:
        if source["status"] == "ok":
            assert source["final_url"] in archived


def test_demo_meets_what_a_fact_checker_expects(demo_run: tuple[dict, Path]) -> None:
    report, _ = demo_run
    score = compare(report, load_expected(DEMO))
    assert score.checks > 100
    # Every expectation but the demo's listed gaps (tests/fixture_gaps.py).
    assert not unexpected("intimacy", score.mismatches), "\n".join(unexpected("intimacy", score.mismatches))


def test_demo_must_show_findings(demo_run: tuple[dict, Path]) -> None:
    report, _ = demo_run
    assert len(report["claims"]) >= 15
    assert len(report["sources"]) == 13
    kinds = {source["id"]: source["kind"] for source in report["sources"]}
    assert kinds["4"] == "peer_reviewed" and kinds["6"] == "commercial" and kinds["13"] == "commercial"
    reduce_claim = _claim(report, "can reduce anxiety and depressive symptoms")
    assert reduce_claim["section"] == "Executive summary" and reduce_claim["citations"] == ["4"]
    causal = [flag for flag in reduce_claim["flags"] if flag["code"] == "CAUSAL_OVERSTATEMENT"]
    assert causal and causal[0]["source"] == "4" and "associated" in causal[0]["evidence"]
    absence = _claim(report, "not found in current reporting")
    assert "ABSENCE_CLAIM" in _codes(absence) and absence["verdict"] == "unverifiable"
    dead = next(source for source in report["sources"] if source["id"] == "11")
    assert dead["status"] == "http_error" and dead["http_status"] == 404


def test_every_quoted_phrase_is_checked_against_its_source(demo_run: tuple[dict, Path], tmp_path: Path) -> None:
    """Quotes found in their sources pass; the same article with each quote's wording
    changed gets a MISQUOTE on exactly those claims."""
    report, out = demo_run
    quoted = [claim for claim in report["claims"] if "“" in claim["text"] or '"' in claim["text"]]
    assert len(quoted) >= 2
    assert not any("MISQUOTE" in _codes(claim) for claim in quoted)

    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    altered = text.replace("let your bodies do the talking", "let your hearts lead the way")
    assert altered != text
    article = tmp_path / DEMO_ARTICLE.name
    article.write_text(altered, encoding="utf-8")
    check_article(
        CheckRequest(article=str(article), out_dir=tmp_path / "out", archive=out / "sources.warc.gz"), load_settings()
    )
    changed = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    misquote = [flag for flag in _claim(changed, "let your hearts lead the way")["flags"] if flag["code"] == "MISQUOTE"]
    assert misquote and misquote[0]["severity"] == "high"
    assert "let your hearts lead the way" in misquote[0]["message"]


class _AssetFinder(HTMLParser):
    """Collects every reference the HTML report would load from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.marked: int = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "srcset") or (tag == "link" and name == "href"):
                self.external.append(f"{tag} {name}={value}")
        if tag == "mark":
            self.marked += 1


def test_demo_html_is_self_contained_and_shows_flagged_claims(demo_run: tuple[dict, Path]) -> None:
    report, out = demo_run
    html = (out / "report.html").read_text(encoding="utf-8")
    finder = _AssetFinder()
    finder.feed(html)
    assert finder.external == []
    assert "@import" not in html and "url(" not in html
    flagged = [claim for claim in report["claims"] if claim["flags"]]
    assert finder.marked >= len(flagged)
    shown = unescape(html)
    for claim in flagged:
        # Highlighted in the article text, linked to its details, which quote its evidence.
        assert f'id="text-claim-{claim["id"]}"' in html and f'id="claim-{claim["id"]}"' in html
        for flag in claim["flags"]:
            assert flag["message"] in shown
        for evidence in claim["evidence"][:1]:
            assert evidence["passage"] in shown


def test_sources_fetched_over_http_give_the_same_findings(loopback, tmp_path: Path) -> None:
    """The development fixture, fetched live from a loopback server by the CLI."""
    article = serve_fixture(loopback, FIXTURES / "sleep", tmp_path)
    status = main(["check", str(article), "--out", str(tmp_path / "out"), "--allow-private-hosts", "--quiet"])
    assert status == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    # Served from 127.0.0.1, a page has no domain to look up in the source-kind table: the kinds
    # rest on page signals, and a dead link's on the publisher its reference entry names.
    score = compare(report, load_expected(FIXTURES / "sleep"), kinds=True)
    assert not unexpected("sleep", score.mismatches), "\n".join(unexpected("sleep", score.mismatches))
    assert loopback.hits() >= len(report["sources"])


def test_without_permission_no_request_reaches_a_private_host(loopback, tmp_path: Path) -> None:
    article = serve_fixture(loopback, FIXTURES / "sleep", tmp_path)
    status = main(["check", str(article), "--out", str(tmp_path / "out"), "--quiet"])
    assert status == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert {source["status"] for source in report["sources"]} == {"blocked"}
    assert loopback.hits() == 0
    assert all(claim["verdict"] == "unverifiable" for claim in report["claims"] if claim["citations"])


def test_a_run_replays_its_own_archive_to_the_same_report(demo_run: tuple[dict, Path], tmp_path: Path) -> None:
    report, out = demo_run
    archive = tmp_path / "copy.warc.gz"
    shutil.copy(out / "sources.warc.gz", archive)
    again = check_article(CheckRequest(article=str(DEMO_ARTICLE), out_dir=tmp_path / "again", archive=archive), load_settings())
    replayed = json.loads(again.outputs["json"].read_text(encoding="utf-8"))
    strip = lambda doc: [(c["id"], c["verdict"], sorted(_codes(c))) for c in doc["claims"]]  # noqa: E731
    assert strip(replayed) == strip(report)
    assert [s["content_sha256"] for s in replayed["sources"]] == [s["content_sha256"] for s in report["sources"]]


def test_pages_served_without_their_domain_read_as_they_do_from_their_sites(loopback, tmp_path: Path) -> None:
    """The evaluators' setup: an article whose sources are served from 127.0.0.1, so no kind or
    outlet name can come from a domain. The omega-3 fixture's pages (most of them on domains
    the kind table does not list) must get the kinds a fact-checker gives them from the pages
    alone, and every claim the same verdict and flags as when replayed from their real addresses."""
    folder = FIXTURES / "omega3"
    offline = tmp_path / "offline"
    check_article(CheckRequest(article=str(fixture_article(folder)), out_dir=offline, offline=True), load_settings())
    article = serve_fixture(loopback, folder, tmp_path)
    assert main(["check", str(article), "--out", str(tmp_path / "live"), "--allow-private-hosts", "--quiet"]) == 0
    live = json.loads((tmp_path / "live" / "report.json").read_text(encoding="utf-8"))
    replayed = json.loads((offline / "report.json").read_text(encoding="utf-8"))
    assert all("127.0.0.1" in source["final_url"] for source in live["sources"])
    expected_kinds = load_expected(folder)["sources"]["kinds"]
    assert {sid: kind for sid, kind in ((s["id"], s["kind"]) for s in live["sources"]) if sid in expected_kinds} == expected_kinds
    findings = lambda report: [(c["text"], c["verdict"], sorted(_codes(c))) for c in report["claims"]]  # noqa: E731
    assert findings(live) == findings(replayed)
