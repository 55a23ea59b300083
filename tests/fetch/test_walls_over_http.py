"""A page that is not the paper, fetched over HTTP by the whole check, is never evidence: with
every service switched off it is reported for what it is; with the paper known to a service,
the claim is checked against the paper's abstract, and still never against the wall's words.
The page shapes are tests/wall_pages.py's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loopback import LoopbackServer
from scholarly_standins import Paper, StandIns
from wall_pages import CLAIM, FINDING, WALLS

from pipeline.cli import main

DOI = "10.5555/walk.2020.1"
PAPER = Paper(
    doi=DOI, title="Walking and blood pressure in later life", journal="Journal of Examples",
    abstract=("We randomised 300 adults over sixty-five to brisk walking or usual activity for a year; daily brisk "
              "walking lowered resting blood pressure in older adults compared with usual activity.",),
)


def _check(page: str, tmp_path: Path, services: LoopbackServer, *, known: bool) -> dict:
    standins = StandIns(services)
    if known:
        standins.add(PAPER, {"crossref"})
    with LoopbackServer() as web:
        url = web.add(f"/journals.example/doi/{DOI}", body=page.encode())
        article = tmp_path / "walking.md"
        article.write_text(f"# Walking\n\n{CLAIM} [1].\n\n## References\n\n1. Walking and blood pressure. {url}\n")
        config = tmp_path / "services.toml"
        config.write_text(standins.settings_toml(enabled=("crossref",) if known else ()))
        status = main(["check", str(article), "--config", str(config), "--allow-private-hosts", "--no-db", "--quiet",
                       "--out", str(tmp_path / "out")])
        assert status == 0 and web.hits() == 1
    return json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("shape", sorted(WALLS))
def test_a_wall_fetched_over_http_is_reported_and_never_evidence(shape: str, tmp_path: Path, loopback: LoopbackServer) -> None:
    state, page = WALLS[shape]
    report = _check(page, tmp_path, loopback, known=False)
    (source,) = report["sources"]
    assert source["status"] == "http_error" and source["http_status"] == 200 and source["passages"] == 0
    assert source["reason"].startswith("the page is ") and source["read_from"]["kind"] == "nothing"
    assert source["identifiers"]["doi"] == DOI
    (claim,) = report["claims"]
    assert claim["verdict"] == "unverifiable" and not claim["evidence"]
    assert loopback.hits() == 0  # every service switched off: none was asked


@pytest.mark.parametrize("shape", sorted(WALLS))
def test_behind_a_wall_the_claim_is_checked_against_the_abstract_only(shape: str, tmp_path: Path, loopback: LoopbackServer) -> None:
    _, page = WALLS[shape]
    report = _check(page, tmp_path, loopback, known=True)
    (source,) = report["sources"]
    assert source["status"] == "ok" and source["read_from"]["kind"] == "abstract"
    assert source["read_from"]["service"] == "crossref" and source["read_from"]["why"].startswith("the page is ")
    (claim,) = report["claims"]
    assert claim["verdict"] == "supported" and claim["abstract_only"]
    assert all(FINDING not in evidence["passage"] for evidence in claim["evidence"])
