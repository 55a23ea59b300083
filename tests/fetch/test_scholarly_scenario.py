"""The whole path with the resolution chain: the ten-source article of bench/scholarly_sources.py
read through the command line, replayed from its archive with no server left to answer; the
same article with every service switched off or failing; and the demo, which must come out the
same whether the services are on or off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixture_gaps import unexpected
from fixture_site import FIXTURES, compare, fixture_article, load_expected
from loopback import LoopbackServer, Reply
from scholarly_scenario import EXPECTED, serve_scenario
from scholarly_standins import SERVICES

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.runner import CheckRequest, check_article


def _check(article: Path, out: Path, *options: str) -> dict:
    status = main(["check", str(article), "--out", str(out), "--no-db", "--quiet", *options])
    assert status in (0, 1)
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _findings(report: dict) -> list[tuple]:
    return [(claim["id"], claim["verdict"], sorted(flag["code"] for flag in claim["flags"])) for claim in report["claims"]]


def _without_record_ids(value: object) -> object:
    """A report with `archived_as` (a record id in each run's own archive) and the time of the
    check left out: what two checks of one archive may differ in."""
    if isinstance(value, dict):
        return {key: _without_record_ids(item) for key, item in value.items() if key not in ("archived_as", "checked_at")}
    if isinstance(value, list):
        return [_without_record_ids(item) for item in value]
    return value


def test_every_source_is_read_and_the_report_says_how_then_replays_with_no_network(tmp_path: Path) -> None:
    with LoopbackServer() as web, LoopbackServer() as services:
        scenario = serve_scenario(web, services, tmp_path)
        live = _check(scenario.article, tmp_path / "live", "--config", str(scenario.config), "--allow-private-hosts")
    by_id = {source["id"]: source for source in live["sources"]}
    assert {ref: (source["read_from"]["kind"], source["read_from"]["service"]) for ref, source in by_id.items()} == EXPECTED
    assert all(source["status"] == "ok" and source["passages"] for source in live["sources"])
    # The report keeps what the page itself answered, and says why it was not read.
    assert (by_id["1"]["http_status"], by_id["1"]["read_from"]["page_status"]) == (403, "http_error")
    assert by_id["2"]["read_from"]["why"].startswith("the page is a bot check")
    # The article says it was published on 10 February 2024: the copies are from before then.
    assert live["article"]["title"].startswith("Everyday habits")
    assert by_id["5"]["read_from"]["date"] == "2023-06-12" and by_id["6"]["read_from"]["date"] == "2024-01-15"
    assert all("timestamp=20240210" in seen.path for seen in scenario.standins.requests_to("wayback"))
    assert by_id["3"]["identifiers"]["doi"] == "10.5555/sleepmed.2021.77" and by_id["8"]["identifiers"]["pmid"] == "31800008"
    assert by_id["7"]["read_from"]["lookups"][0]["outcome"] == "abstract found"
    claims = {claim["citations"][0]: claim for claim in live["claims"]}
    assert [ref for ref, claim in sorted(claims.items()) if claim["abstract_only"]] == ["3", "4", "7", "8"]
    assert all(claim["verdict"] in ("supported", "partially_supported") for claim in live["claims"])
    assert "CAUSAL_OVERSTATEMENT" in {flag["code"] for flag in claims["4"]["flags"]}  # "causes", over a cohort's abstract
    markdown = (tmp_path / "live" / "report.md").read_text(encoding="utf-8")
    assert "checked against the abstract only" in markdown and "Read from an archived copy from the Wayback Machine" in markdown

    # Both servers are gone: the replay can only read its archive.
    replay = _check(scenario.article, tmp_path / "replay", "--config", str(scenario.config),
                    "--archive", str(tmp_path / "live" / "sources.warc.gz"))
    assert _without_record_ids(replay) == _without_record_ids(live)


def _refusing() -> LoopbackServer:
    server = LoopbackServer().start()
    server.handle("/", lambda seen: Reply(status=503, body=b"down for maintenance"))
    return server


@pytest.mark.parametrize("services_are", ["switched off", "failing", "unreachable"])
def test_with_no_service_to_answer_the_check_completes_and_says_why(tmp_path: Path, services_are: str) -> None:
    with LoopbackServer() as web, LoopbackServer() as unused:
        scenario = serve_scenario(web, unused, tmp_path)
        failing = _refusing()
        try:
            base = {"switched off": unused.base_url, "failing": failing.base_url,
                    "unreachable": f"http://127.0.0.1:{_closed_port()}"}[services_are]
            enabled = "[]" if services_are == "switched off" else "[" + ", ".join(f'"{name}"' for name in SERVICES) + "]"
            urls = "\n".join(f'{name}_url = "{base}/{name}"' for name in SERVICES)
            config = tmp_path / "no-services.toml"
            config.write_text(f'[fetch]\ncontact = "desk@example.org"\nbackoff_base = 0.01\n\n[scholarly]\nenabled = {enabled}\n{urls}\n')
            report = _check(scenario.article, tmp_path / "out", "--config", str(config), "--allow-private-hosts")
        finally:
            failing.stop()
    assert unused.hits() == 0
    statuses = {source["id"]: source["status"] for source in report["sources"]}
    # As before the chain existed: refused and dead pages unavailable; the bot checks too, now
    # said to be what they are; the PubMed pages and the ordinary pages read from themselves.
    assert statuses == {"1": "http_error", "2": "http_error", "3": "http_error", "4": "http_error", "5": "http_error",
                        "6": "http_error", "7": "ok", "8": "ok", "9": "ok", "10": "ok"}
    expected = {"switched off": "not asked: switched off", "failing": "failed: the site failed with a server error",
                "unreachable": "failed: could not connect"}[services_are]
    for source in report["sources"][:6]:
        outcomes = [lookup["outcome"] for lookup in source["read_from"]["lookups"]]
        assert outcomes and any(outcome.startswith(expected) or "failed earlier in this run" in outcome for outcome in outcomes)
        assert source["read_from"]["kind"] == "nothing" and not source["passages"]
    assert report["sources"][1]["reason"].startswith("the page is a bot check")


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_demo_comes_out_the_same_with_every_service_switched_off(tmp_path: Path) -> None:
    demo = FIXTURES / "intimacy"
    off = tmp_path / "off.toml"
    off.write_text("[scholarly]\nenabled = []\n", encoding="utf-8")
    reports = {}
    for name, settings in (("on", load_settings()), ("off", load_settings(off))):
        outcome = check_article(CheckRequest(article=str(fixture_article(demo)), out_dir=tmp_path / name, offline=True), settings)
        reports[name] = json.loads(outcome.outputs["json"].read_text(encoding="utf-8"))
        score = compare(reports[name], load_expected(demo))
        assert not unexpected("intimacy", score.mismatches), "\n".join(unexpected("intimacy", score.mismatches))
    assert _findings(reports["on"]) == _findings(reports["off"])
    assert [s["status"] for s in reports["on"]["sources"]] == [s["status"] for s in reports["off"]["sources"]]
    # The dead link was looked up in the archive the demo replays, never on the network.
    dead = reports["on"]["sources"][10]
    assert dead["status"] == "http_error" and dead["read_from"]["kind"] == "nothing"
    assert all("not in the archive" in lookup["outcome"] for lookup in dead["read_from"]["lookups"])
