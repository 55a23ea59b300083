"""The misbehaving-sources scenario (bench/misbehaving_sources.py) end to end through the
command line, with small sizes and short deadlines so it runs in a few seconds.

Ten cited sources on a loopback server: a redirect loop, 403, 410, 429 then the page, a
5 MB stream over a 1 MB cap, a 50 MiB gzip bomb, a byte-a-second trickle, binary data,
Latin-1 text with no charset, a good page; plus, here only, a soft 404. The run must end,
give every source its exact status, HTTP status and reason, and still verify the claims
whose sources are readable. Without --allow-private-hosts every source must be blocked
before a single request reaches the server.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
SMALL_SETTINGS = """[fetch]
max_bytes = 1_000_000
total_deadline = 2.0
read_timeout = 1.5
connect_timeout = 1.0
retries = 1
backoff_base = 0.05
retry_after_cap = 3.0
"""
SOFT_404_PAGE = b"""<!doctype html><html><head><title>Page not found | Seaside Swim Club</title></head>
<body><h1>Sorry!</h1><p>Try our home page instead.</p></body></html>"""


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("misbehaving_sources", ROOT / "bench" / "misbehaving_sources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["misbehaving_sources"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("misbehaving")
    config = workdir / "settings.toml"
    config.write_text(SMALL_SETTINGS, encoding="utf-8")
    sizes = bench.Sizes(stream_bytes=5 * bench.MIB, bomb_mib=50)
    with LoopbackServer() as server:
        scenario = bench.serve(server, sizes)
        server.add("/swim-club", body=SOFT_404_PAGE)
        scenario.append(
            bench.Case("11", "/swim-club", "a 200 page saying not found", "http_error", 200,
                       'the page says it was not found (soft 404): its title reads "Page not found | Seaside Swim Club"',
                       "Sea swimming clubs welcome beginners of every age [11].")
        )  # fmt: skip
        article = bench.write_article(workdir / "cold-water.md", server, scenario)
        allowed = bench.run_check(article, workdir / "allowed", allow_private=True, config=config)
        hits_before = server.hits()
        refused = bench.run_check(article, workdir / "refused", allow_private=False, config=config)
        hits_when_refused = server.hits() - hits_before
        drip_requests = server.hits("/drip")
    return {
        "allowed": allowed,
        "refused": refused,
        "hits_when_refused": hits_when_refused,
        "scenario": scenario,
        "drip_requests": drip_requests,
    }


def _sources(run: object) -> dict[str, dict]:
    return {source["id"]: source for source in run.report["sources"]}  # type: ignore[attr-defined]


def test_the_run_ends_in_time_with_every_output(runs: dict) -> None:
    allowed = runs["allowed"]
    assert allowed.exit_status == 0, allowed.stderr
    # The trickle is cut by total_deadline (2 s); the 429's Retry-After costs 1 s.
    assert allowed.seconds < 20
    assert runs["drip_requests"] == 1  # a timeout is final: the trickle is not retried
    assert allowed.report["summary"]["sources_unavailable"] == 8


def test_every_misbehaving_source_has_its_exact_status_and_reason(runs: dict) -> None:
    assert bench.mismatches(runs["allowed"].report, runs["scenario"], verdicts=False) == []
    sources = _sources(runs["allowed"])
    got = {ref: (source["status"], source["http_status"]) for ref, source in sources.items()}
    assert got == {
        "1": ("http_error", 302),
        "2": ("http_error", 403),
        "3": ("http_error", 410),
        "4": ("ok", 200),
        "5": ("too_large", 200),
        "6": ("too_large", 200),
        "7": ("timeout", 200),
        "8": ("unsupported_type", 200),
        "9": ("ok", 200),
        "10": ("ok", 200),
        "11": ("http_error", 200),
    }
    assert sources["5"]["reason"] == "the source is larger than max_bytes (1,000,000 bytes); reading stopped there"
    assert sources["7"]["reason"] == (
        "the site answered HTTP 200 but the page was still arriving after 2 s "
        "(total_deadline, redirects and retries included)"
    )


def test_claims_on_readable_sources_are_still_verified(runs: dict) -> None:
    report = runs["allowed"].report
    verdicts = {claim["citations"][0]: claim["verdict"] for claim in report["claims"] if claim["citations"]}
    # Checked against their own pages: the best evidence is the sentence written to back the
    # claim. (How fully it supports is the matcher's call, measured in its own tests.)
    best = {claim["citations"][0]: claim["evidence"][0] for claim in report["claims"] if claim["evidence"]}
    assert best["4"]["source"] == "4" and best["4"]["passage"].startswith("After eight weeks, weekly open-water swims")
    assert best["9"]["source"] == "9" and best["9"]["passage"].startswith("Members of the Café Bleu club slept longer")
    assert best["10"]["source"] == "10" and best["10"]["passage"].startswith("Lifeguard supervision cut drowning deaths")
    assert "unverifiable" not in {verdicts[ref] for ref in ("4", "9", "10")}
    assert {verdicts[ref] for ref in ("1", "2", "3", "5", "6", "7", "8", "11")} == {"unverifiable"}
    # (The Latin-1 page was read as Latin-1: "Café" above, not mojibake.)


def test_refusals_say_why_in_the_flag(runs: dict) -> None:
    report = runs["allowed"].report
    flag = next(
        flag for claim in report["claims"] if claim["citations"] == ["2"] for flag in claim["flags"]
        if flag["code"] == "SOURCE_UNAVAILABLE"
    )  # fmt: skip
    assert "refused by the site (HTTP 403 Forbidden)" in flag["message"]
    assert "dead" not in flag["message"]


def test_without_allow_private_hosts_every_source_is_blocked_and_nothing_is_sent(runs: dict) -> None:
    refused = runs["refused"]
    assert refused.exit_status == 0, refused.stderr
    assert runs["hits_when_refused"] == 0
    assert bench.blocked_mismatches(refused.report, runs["scenario"]) == []
    reasons = {source["reason"] for source in refused.report["sources"]}
    assert reasons == {
        "127.0.0.1 is a loopback address; refused because an article's links must not reach "
        "local or internal networks (--allow-private-hosts lifts this)"
    }
