"""A 10-source article whose sources misbehave in every way the fetcher must survive.

Run from the repository root:

    .venv/bin/python bench/misbehaving_sources.py            # the full sizes, default settings
    .venv/bin/python bench/misbehaving_sources.py --json     # the same, one JSON object out

A loopback server (tests/loopback.py) answers each cited source with one misbehaviour: a
redirect loop, 403, 410, 429 then the page, a 200 MB stream, a gzip bomb (1 GiB decoded),
a page trickled one byte a second, binary data, Latin-1 text with no charset, and one good
page. An article citing them is checked twice with the real command line as a child process:

1. `claimcheck check ARTICLE --allow-private-hosts --out DIR`: reports wall time, the
   child's peak RSS (getrusage of the reaped child), every source's status / HTTP status /
   reason, and the verdicts of the claims whose sources are readable; each is compared with
   what the scenario expects (exit status 1 when any expectation fails).
2. The same without --allow-private-hosts: every source must be `blocked` and not one
   request may reach the server.

tests/fetch/test_misbehaving.py runs the same scenario with small sizes and short deadlines.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer, Reply  # noqa: E402

MIB = 1 << 20
VERIFIED = ("supported", "partially_supported")


@dataclass(frozen=True)
class Sizes:
    """How big the misbehaviours are, and the settings file (TOML text) to run with."""

    stream_bytes: int = 200 * MIB
    bomb_mib: int = 1024
    config: str = ""


FULL = Sizes()


@dataclass(frozen=True)
class Case:
    """One cited source: what it does and what the report must say about it."""

    ref: str
    path: str
    misbehaviour: str
    status: str
    http_status: int | None
    reason_start: str
    claim: str
    # Readable sources only: the claim must be verified against it, i.e. get one of these
    # verdicts with its best evidence from this source (how fully the matcher judges the
    # support is the matcher's business, measured elsewhere).
    verdicts: tuple[str, ...] = ()


@dataclass
class RunResult:
    """One run of the command line."""

    seconds: float
    peak_rss_mib: float
    exit_status: int
    stderr: str
    report: dict = field(default_factory=dict)


# ── the pages (written for this benchmark) ─────────────────────────────────────────────────

GOOD_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Beach safety review | Coastal Health Unit</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>What lifeguards changed on public beaches</h1>
<p>We compared ten summers before and after paid lifeguards were posted on public beaches.</p>
<p>Lifeguard supervision cut drowning deaths at public beaches by two thirds over the decade we studied.</p>
<p>Most rescues happened within fifty metres of the shore, often in rip currents.</p>
</article></body></html>"""

THROTTLED_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Open-water swimming and anxiety: a pilot trial</title></head><body><article>
<h1>Open-water swimming and anxiety</h1>
<p>We randomly assigned 61 adults to weekly open-water swims or to a waiting list.</p>
<p>After eight weeks, weekly open-water swims lowered self-reported anxiety scores compared with the waiting list.</p>
<p>The trial was small and unblinded, so the result needs confirming in a larger study.</p>
</article></body></html>"""

LATIN1_TEXT = (
    "Café Bleu sleep study\n\n"
    "We followed 140 members of the Café Bleu winter swimming club for one season.\n"
    "Members of the Café Bleu club slept longer on the nights after a swim than on nights "
    "without one, by about twenty minutes on average.\n"
    "Sleep was measured with wrist monitors that members wore every night.\n"
).encode("latin-1")

TRICKLED_PAGE = b"<!doctype html><html><body><p>" + b"Slow news about winter swimming. " * 120 + b"</p></body></html>"

ARTICLE_TEMPLATE = """# Cold water, warm claims: what swimming outdoors does for you

Outdoor swimming has become a winter habit for many people. Here is what the research says.

## What the studies found

{claims}

## References

{references}
"""


def gzip_bomb(mebibytes: int) -> bytes:
    """A valid gzip stream of `mebibytes` MiB of zeros, about 1 KiB per MiB: one deflate
    segment (ended by a full flush, so it stands alone) repeated, then the right trailer."""
    block = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + segment * mebibytes + final + struct.pack("<II", crc, (mebibytes * MIB) & 0xFFFFFFFF)


def cases() -> list[Case]:
    """The ten sources, in citation order, with their claims (in our own words)."""
    return [
        Case("1", "/loop-a", "redirect loop (a -> b -> a)", "http_error", 302, "redirect loop: ",
             "Regular cold-water swimmers catch fewer colds over a winter [1]."),
        Case("2", "/forbidden", "403 to automated readers", "http_error", 403,
             "refused by the site (HTTP 403 Forbidden)",
             "Stepping into water below 15 degrees raises the heart rate within seconds [2]."),
        Case("3", "/gone", "410 Gone", "http_error", 410, "the page is not there (HTTP 410 Gone)",
             "A survey of swimming clubs found that most members swim all year round [3]."),
        Case("4", "/busy", "429 with Retry-After: 1, then the page", "ok", 200, "",
             "In a trial of 61 adults, eight weeks of weekly open-water swims lowered self-reported "
             "anxiety scores [4].", verdicts=VERIFIED),
        Case("5", "/huge", "a 200 MB chunked stream", "too_large", 200, "the source is larger than max_bytes",
             "Wetsuits keep swimmers warm for about twice as long in cold water [5]."),
        Case("6", "/bomb", "a gzip bomb", "too_large", 200, "the source is larger than max_bytes",
             "Winter swimming improves circulation in the hands and feet [6]."),
        Case("7", "/drip", "one byte a second", "timeout", 200, "the site answered HTTP 200 but the page was still arriving",
             "Swimming outdoors in winter strengthens the immune system [7]."),
        Case("8", "/blob", "binary data as application/octet-stream", "unsupported_type", 200,
             "the source is application/octet-stream, not a web page",
             "Cold showers bring the same benefits as cold-water swimming [8]."),
        Case("9", "/cafe", "Latin-1 text, no charset", "ok", 200, "",
             "Members of the Café Bleu club slept longer on the nights after a swim [9].",
             verdicts=VERIFIED),
        Case("10", "/beach", "a well-behaved page", "ok", 200, "",
             "Lifeguard supervision cut drowning deaths at public beaches by two thirds [10].",
             verdicts=VERIFIED),
    ]  # fmt: skip


def serve(server: LoopbackServer, sizes: Sizes) -> list[Case]:
    """Make `server` misbehave as `cases()` describes; return the cases."""
    server.redirect("/loop-a", "/loop-b", status=302)
    server.redirect("/loop-b", "/loop-a", status=302)
    server.add("/forbidden", status=403, body=b"<html><body>Automated access is not allowed.</body></html>")
    server.add("/gone", status=410, body=b"<html><body>This page was removed.</body></html>")
    server.add(
        "/busy",
        replies=[
            Reply(status=429, headers=(("Retry-After", "1"),), body=b"<html><body>Slow down.</body></html>"),
            Reply(body=THROTTLED_PAGE),
        ],
    )
    chunk = (b"<p>" + b"more and more text " * 64 + b"</p>\n") * 50
    server.add("/huge", body=chunk, repeat=max(1, sizes.stream_bytes // len(chunk)), framing="chunked")
    server.add("/bomb", body=gzip_bomb(sizes.bomb_mib), headers=(("Content-Encoding", "gzip"),))
    server.add("/drip", body=TRICKLED_PAGE, trickle=1.0, chunk_size=1)
    server.add("/blob", body=random.Random(8).randbytes(256 * 1024), content_type="application/octet-stream")
    server.add("/cafe", body=LATIN1_TEXT, content_type="text/plain")
    server.add("/beach", body=GOOD_PAGE)
    return cases()


def write_article(path: Path, server: LoopbackServer, scenario: Sequence[Case]) -> Path:
    """The article citing every case's URL on `server`."""
    claims = "\n\n".join(case.claim for case in scenario)
    references = "\n".join(f"[{case.ref}] {case.misbehaviour}. {server.url(case.path)}" for case in scenario)
    path.write_text(ARTICLE_TEMPLATE.format(claims=claims, references=references), encoding="utf-8")
    return path


def command() -> list[str]:
    """How to start the command line: the venv's console script, else `python -m pipeline`."""
    script = Path(sys.executable).with_name("claimcheck")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline"]


def run_check(article: Path, out: Path, *, allow_private: bool, config: Path | None = None) -> RunResult:
    """`claimcheck check` as a child process; its wall time, peak RSS and report."""
    # --no-db: a benchmark (and the test that runs it) must not write into the run store.
    arguments = [*command(), "check", str(article), "--out", str(out), "--quiet", "--no-db"]
    if allow_private:
        arguments.append("--allow-private-hosts")
    if config is not None:
        arguments += ["--config", str(config)]
    started = time.monotonic()
    process = subprocess.run(arguments, capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.monotonic() - started
    # ru_maxrss of reaped children is the largest child so far (KiB on Linux): run the
    # measured check first.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report_path = out / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {}
    return RunResult(seconds, peak, process.returncode, process.stderr, report)


def mismatches(report: dict, scenario: Sequence[Case], *, verdicts: bool = True) -> list[str]:
    """Every way the report differs from what the scenario expects (empty when all match).

    `verdicts=False` leaves out the verdict check (the matcher's call), keeping that a
    readable source's claim was checked against that source's own passages.
    """
    problems = []
    sources = {source["id"]: source for source in report.get("sources", [])}
    claims = {claim["citations"][0]: claim for claim in report.get("claims", []) if claim["citations"]}
    for case in scenario:
        source = sources.get(case.ref)
        if source is None:
            problems.append(f"[{case.ref}] missing from the report")
            continue
        got = (source["status"], source["http_status"])
        if got != (case.status, case.http_status):
            problems.append(f"[{case.ref}] {case.misbehaviour}: expected {(case.status, case.http_status)}, got {got}")
        if not source["reason"].startswith(case.reason_start):
            problems.append(f"[{case.ref}] reason {source['reason']!r} does not start {case.reason_start!r}")
        claim = claims.get(case.ref)
        if claim is None:
            problems.append(f"[{case.ref}] its claim is missing from the report")
        elif case.verdicts and claim["verdict"] == "unverifiable":
            problems.append(f"[{case.ref}] claim left unverifiable although its source was read")
        elif verdicts and case.verdicts and claim["verdict"] not in case.verdicts:
            problems.append(f"[{case.ref}] claim verdict {claim['verdict']}, expected one of {case.verdicts}")
        elif case.verdicts and (not claim["evidence"] or claim["evidence"][0]["source"] != case.ref):
            problems.append(f"[{case.ref}] its claim's best evidence is not from source [{case.ref}]")
        elif not case.verdicts and "SOURCE_UNAVAILABLE" not in {flag["code"] for flag in claim["flags"]}:
            problems.append(f"[{case.ref}] claim has no SOURCE_UNAVAILABLE flag")
    return problems


def blocked_mismatches(report: dict, scenario: Sequence[Case]) -> list[str]:
    """Every source of the run without --allow-private-hosts must be `blocked`."""
    problems = []
    statuses = {source["id"]: source["status"] for source in report.get("sources", [])}
    for case in scenario:
        if statuses.get(case.ref) != "blocked":
            problems.append(f"[{case.ref}] expected blocked, got {statuses.get(case.ref)}")
    return problems


def run_scenario(workdir: Path, sizes: Sizes) -> dict:
    """Both runs of the scenario in `workdir`; everything measured, as one dict."""
    config = None
    if sizes.config:
        config = workdir / "settings.toml"
        config.write_text(sizes.config, encoding="utf-8")
    with LoopbackServer() as server:
        scenario = serve(server, sizes)
        article = write_article(workdir / "cold-water.md", server, scenario)
        allowed = run_check(article, workdir / "allowed", allow_private=True, config=config)
        hits_before = server.hits()
        refused = run_check(article, workdir / "refused", allow_private=False, config=config)
        requests_when_refused = server.hits() - hits_before
    return {
        "allowed": allowed,
        "refused": refused,
        "requests_when_refused": requests_when_refused,
        "problems": mismatches(allowed.report, scenario)
        + blocked_mismatches(refused.report, scenario)
        + ([f"{requests_when_refused} requests reached the server without --allow-private-hosts"]
           if requests_when_refused else [])
        + [f"run {name} exited {run.exit_status}: {run.stderr.strip()[-300:]}"
           for name, run in (("allowed", allowed), ("refused", refused)) if run.exit_status not in (0, 1)],
        "scenario": scenario,
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """Run the full-size scenario and print what was measured."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="claimcheck-misbehaving-"))
    try:
        result = run_scenario(workdir, FULL)
        if args.keep:
            shutil.copytree(workdir, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    allowed, refused = result["allowed"], result["refused"]
    sources = {source["id"]: source for source in allowed.report.get("sources", [])}
    verdicts = {claim["citations"][0]: claim["verdict"] for claim in allowed.report.get("claims", []) if claim["citations"]}
    if args.json:
        print(json.dumps({
            "wall_seconds": round(allowed.seconds, 2),
            "peak_rss_mib": round(allowed.peak_rss_mib, 1),
            "exit_status": allowed.exit_status,
            "sources": [{"id": case.ref, "misbehaviour": case.misbehaviour, "status": sources.get(case.ref, {}).get("status"),
                         "http_status": sources.get(case.ref, {}).get("http_status"),
                         "reason": sources.get(case.ref, {}).get("reason"), "claim_verdict": verdicts.get(case.ref)}
                        for case in result["scenario"]],
            "refused_run_seconds": round(refused.seconds, 2),
            "requests_when_refused": result["requests_when_refused"],
            "problems": result["problems"],
        }, indent=2))  # fmt: skip
    else:
        print(f"with --allow-private-hosts: {allowed.seconds:.1f} s wall, peak RSS {allowed.peak_rss_mib:.0f} MiB, "
              f"exit {allowed.exit_status}")  # fmt: skip
        for case in result["scenario"]:
            source = sources.get(case.ref, {})
            print(f"  [{case.ref:>2}] {case.misbehaviour:<42} {source.get('status')!s:<16} "
                  f"{source.get('http_status')!s:<5} claim: {verdicts.get(case.ref)}")  # fmt: skip
            print(f"       {source.get('reason') or ''}")
        print(f"without it: {refused.seconds:.1f} s, {result['requests_when_refused']} requests reached the server, "
              f"statuses {sorted({s['status'] for s in refused.report.get('sources', [])})}")  # fmt: skip
        for problem in result["problems"]:
            print(f"MISMATCH {problem}")
        print("all expectations met" if not result["problems"] else f"{len(result['problems'])} mismatches")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
