"""End-to-end agreement with a careful fact-checker, per fixture article, and the run time.

    .venv/bin/python bench/fixture_eval.py            # all fixtures, offline (replayed archives)
    .venv/bin/python bench/fixture_eval.py --show     # also list every mismatch (not for held-out ones)
    .venv/bin/python bench/fixture_eval.py --config my.toml   # with some settings changed

For each fixture it runs `claimcheck check --offline` in-process, compares report.json with
the fixture's expected.toml and prints: expectations met, claims with the right verdict,
required flags raised (recall), forbidden flags avoided, false alarms on claims a checker
calls well supported, and wall time. A held-out fixture (its README says so; see
fixtures/manifest.is_held_out) never has its mismatches printed, so no rule gets tuned to
them; only its totals are.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))

from expectations import compare, load_expected  # noqa: E402
from manifest import fixture_article, fixture_folders, is_held_out  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.runner import CheckRequest, check_article  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list mismatches (never for held-out fixtures)")
    parser.add_argument("--config", help="a settings file layered on the defaults (to try a threshold)")
    args = parser.parse_args()
    settings = load_settings(args.config)
    print(f"{'fixture':<10} {'met':>9} {'verdicts':>9} {'flags req':>9} {'false':>6} {'seconds':>8}")
    for folder in fixture_folders():
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            check_article(CheckRequest(article=str(fixture_article(folder)), out_dir=Path(out), offline=True), settings)
            seconds = time.perf_counter() - started
            report = json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))
        expected = load_expected(folder)
        score = compare(report, expected)
        claims = expected.get("claim", [])
        wrong_verdicts = sum(1 for m in score.mismatches if m.what in ("verdict", "claim_not_found"))
        required = sum(len(c.get("flags", [])) for c in claims)
        missing = sum(1 for m in score.mismatches if m.what == "missing_flag")
        false_alarms = sum(1 for m in score.mismatches if m.what == "false_flag")
        print(
            f"{folder.name:<10} {score.met:>4}/{score.checks:<4} {len(claims) - wrong_verdicts:>4}/{len(claims):<4}"
            f" {required - missing:>4}/{required:<4} {false_alarms:>6} {seconds:>8.2f}"
        )
        if args.show and not is_held_out(folder):
            for mismatch in score.mismatches:
                print(f"    {mismatch}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
