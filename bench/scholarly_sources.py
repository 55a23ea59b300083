"""Benchmark: an article citing ten sources, eight of which cannot be read from their pages,
read through the resolution chain against loopback stand-ins of every scholarly service.

Run from the repository root:

    .venv/bin/python bench/scholarly_sources.py            # prints a line per source and the times
    .venv/bin/python bench/scholarly_sources.py --json     # the same, one JSON object out

The scenario (tests/scholarly_scenario.py): 4 publisher pages answering 403 or a bot check,
with DOIs; 2 dead links the Wayback stand-in holds; 2 PubMed links; 2 ordinary pages. The
services (Europe PMC, NCBI E-utilities, Crossref, OpenAlex, Unpaywall, the Wayback
availability API) are stand-ins on a second loopback server (tests/scholarly_standins.py),
Europe PMC answering its first request with 429 and "Retry-After: 1".

1. `claimcheck check ARTICLE --config STANDINS --allow-private-hosts --no-db`, a child
   process, wall clock (interpreter start-up included): every source must be read, the eight
   through the chain, each from where the scenario says (read_from.kind and .service).
2. Both servers are stopped, and the same command with `--archive OUT/sources.warc.gz`
   replays the run: it must give the same report with no server to answer (every field but
   the time of the check and `archived_as`, which names a record of each run's own archive).

Target (issue 12): the first run under 10 s. Exit status 1 when any expectation fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from loopback import LoopbackServer  # noqa: E402
from scholarly_scenario import EXPECTED, serve_scenario  # noqa: E402

CLAIMCHECK = ROOT / ".venv" / "bin" / "claimcheck"


def _run(arguments: list[str]) -> tuple[float, float, int, str]:
    """(wall seconds with interpreter start-up, the seconds claimcheck reports for the check
    itself, exit status, stderr) of one child `claimcheck` process."""
    started = time.monotonic()
    process = subprocess.run([str(CLAIMCHECK), *arguments], capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.monotonic() - started
    reported = re.search(r"; (\d+(?:\.\d+)?) s -> ", process.stdout)
    return wall, float(reported.group(1)) if reported else wall, process.returncode, process.stderr


def _comparable(report: dict) -> object:
    """The report without what differs between two checks of the same archive by design: when
    each ran, and the record ids each run's own archive gives what it read (`archived_as`)."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "archived_as"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    copy = json.loads(json.dumps(report))
    copy["article"].pop("checked_at", None)
    return strip(copy)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every expectation holds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    args = parser.parse_args(argv)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="scholarly-bench-") as temp:
        folder = Path(temp)
        web, services = LoopbackServer().start(), LoopbackServer().start()
        try:
            scenario = serve_scenario(web, services, folder)
            live_seconds, live_check, status, stderr = _run([
                "check", str(scenario.article), "--config", str(scenario.config), "--allow-private-hosts",
                "--no-db", "--quiet", "--out", str(folder / "live"),
            ])
            served = {"web": web.hits(), "services": services.hits()}
        finally:
            web.stop()
            services.stop()
        if status not in (0, 1):
            print(f"claimcheck failed ({status}): {stderr.strip()[-500:]}", file=sys.stderr)
            return 1
        live = json.loads((folder / "live" / "report.json").read_text(encoding="utf-8"))
        replay_seconds, replay_check, status, stderr = _run([
            "check", str(scenario.article), "--config", str(scenario.config), "--archive",
            str(folder / "live" / "sources.warc.gz"), "--no-db", "--quiet", "--out", str(folder / "replay"),
        ])
        replay = json.loads((folder / "replay" / "report.json").read_text(encoding="utf-8")) if status in (0, 1) else {}

    rows = []
    for source in live["sources"]:
        read = source["read_from"]
        got = (read["kind"], read["service"])
        rows.append({"id": source["id"], "status": source["status"], "http_status": source["http_status"],
                     "read_from": read["kind"], "service": read["service"], "date": read["date"],
                     "why": read["why"], "passages": source["passages"]})
        if source["status"] != "ok" or not source["passages"]:
            problems.append(f"[{source['id']}] not read: {source['status']} {source['reason']}")
        if got != EXPECTED[source["id"]]:
            problems.append(f"[{source['id']}] read from {got}, expected {EXPECTED[source['id']]}")
    through_chain = sum(1 for row in rows if row["read_from"] != "page")
    if through_chain != 8:
        problems.append(f"{through_chain} sources read through the chain, expected 8")
    same = bool(replay) and _comparable(replay) == _comparable(live)
    if not same:
        problems.append("the replay from the archive did not give the same report")
    if live_seconds >= 10:
        problems.append(f"the live run took {live_seconds:.1f} s (target under 10 s)")
    result = {
        "live_seconds": round(live_seconds, 2),
        "live_check_seconds": live_check,
        "replay_seconds": round(replay_seconds, 2),
        "replay_check_seconds": replay_check,
        "load_average": round(os.getloadavg()[0], 1),
        "requests_served": served,
        "sources_read": sum(1 for row in rows if row["status"] == "ok"),
        "through_chain": through_chain,
        "replay_same_report": same,
        "verdicts": [claim["verdict"] for claim in live["claims"]],
        "abstract_only_claims": sum(1 for claim in live["claims"] if claim["abstract_only"]),
        "sources": rows,
        "problems": problems,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for row in rows:
            how = row["read_from"] + (f" ({row['service']}" + (f", {row['date'][:10]}" if row["date"] else "") + ")" if row["service"] else "")
            print(f"[{row['id']:>2}] {row['status']:<3} page HTTP {row['http_status']!s:<4} {row['passages']:>2} passages  read from {how}")
        print(f"{result['sources_read']}/10 sources read, {through_chain} through the chain; "
              f"{result['abstract_only_claims']} claims checked against the abstract only")
        print(f"requests served: {served['web']} to the sites, {served['services']} to the services")
        print(f"live run {live_seconds:.2f} s wall, start-up included (target < 10 s; the check itself "
              f"{live_check:.1f} s); replay from the archive {replay_seconds:.2f} s wall ({replay_check:.1f} s), "
              f"same report: {same}; load average {result['load_average']} on {os.cpu_count()} cores")
        for problem in problems:
            print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
