"""End-to-end agreement with a careful fact-checker, per fixture article, beside the trivial baseline.

    .venv/bin/python bench/fixture_eval.py            # all fixtures, offline (replayed archives)
    .venv/bin/python bench/fixture_eval.py --show     # also list every mismatch (not for held-out ones)
    .venv/bin/python bench/fixture_eval.py --config my.toml   # with some settings changed

For each fixture it runs `claimcheck check --offline` in-process, compares report.json with
the fixture's expected.toml (fixtures/expectations.compare) and prints, each kind of check
counted on its own because they are not alike:

    met          every expectation (kinds, verdicts, required flags, must-not-raise, skipped)
    verdicts     claims with an acceptable verdict
    planted      claims with required flags that get an acceptable verdict and every one of them
    correct      claims needing no flag, `supported` acceptable, judged right with no forbidden flag
    flags        required flags raised
    not raised   "must not raise" checks kept: a report with no flags keeps every one, so these
                 say little on their own and are not mixed into the figures above
    false        false alarms: forbidden flags raised, and flagged sentences that are not claims

Beside each number, in brackets, the trivial baseline: every claim `supported` with no flag and
every source the kind most common in the development fixtures. A held-out fixture (its README
says so; fixtures/manifest.is_held_out) never has its mismatches printed, so no rule gets tuned
to them; only its totals are. bench/article_eval.py gives the same figures for the fixtures
beside the shared cases and the public sets.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))

import article_scoring as scoring  # noqa: E402
from expectations import Score, compare, load_expected  # noqa: E402
from manifest import fixture_article, fixture_folders, is_held_out  # noqa: E402

from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.runner import CheckRequest, check_article  # noqa: E402


def offline_report(folder: Path, settings: Settings) -> tuple[dict[str, Any], float]:
    """The fixture in `folder` checked offline from its archive: the parsed report.json and
    the seconds the check took."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        check_article(CheckRequest(article=str(fixture_article(folder)), out_dir=Path(out), offline=True), settings)
        seconds = time.perf_counter() - started
        return json.loads((Path(out) / "report.json").read_text(encoding="utf-8")), seconds


def check_counts(score: Score, expected: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Each kind of check of `score` as (met, total): verdicts, required flags, must-not-raise."""
    claims = expected.get("claim", [])
    what = [mismatch.what for mismatch in score.mismatches]
    not_found = {m.where for m in score.mismatches if m.what == "claim_not_found"}
    found = [entry for entry in claims if entry["contains"] not in not_found]
    required = sum(len(entry.get("flags", [])) for entry in found)
    forbidden = sum(len(entry.get("not_flags", [])) for entry in found)
    return {
        "verdicts": (len(claims) - what.count("verdict") - what.count("claim_not_found"), len(claims)),
        "flags": (required - what.count("missing_flag"), required),
        "not_raised": (forbidden - what.count("false_flag"), forbidden),
    }


def _pair(ours: tuple[int, int], base: tuple[int, int]) -> str:
    return f"{ours[0]}/{ours[1]} ({base[0]})"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list mismatches (never for held-out fixtures)")
    parser.add_argument("--config", help="a settings file layered on the defaults (to try a threshold)")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    folders = fixture_folders()
    expected = {folder.name: load_expected(folder) for folder in folders}
    kind = scoring.majority_kind(scoring.from_fixture(expected[folder.name]) for folder in folders
                                 if not is_held_out(folder))
    print("ours (baseline: every claim supported, no flag, every source "
          f"{kind}); 'not raised' = must-not-raise checks kept")
    print(f"{'fixture':<10} {'role':<9} {'met':>14} {'verdicts':>11} {'planted':>10} {'correct':>10} {'flags':>10}"
          f" {'not raised':>13} {'false':>7} {'seconds':>8}")
    for folder in folders:
        report, seconds = offline_report(folder, settings)
        baseline = scoring.baseline_report(report, kind)
        gold = scoring.from_fixture(expected[folder.name])
        score, base_score = compare(report, expected[folder.name]), compare(baseline, expected[folder.name])
        counts, base_counts = check_counts(score, expected[folder.name]), check_counts(base_score, expected[folder.name])
        figures, base_figures = scoring.score(report, gold).figures, scoring.score(baseline, gold).figures
        role = "held out" if is_held_out(folder) else "dev"
        print(f"{folder.name:<10} {role:<9} {_pair((score.met, score.checks), (base_score.met, base_score.checks)):>14}"
              f" {_pair(counts['verdicts'], base_counts['verdicts']):>11}"
              f" {_pair((figures.planted, figures.planted_total), (base_figures.planted, 0)):>10}"
              f" {_pair((figures.correct, figures.correct_total), (base_figures.correct, 0)):>10}"
              f" {_pair(counts['flags'], base_counts['flags']):>10} {_pair(counts['not_raised'], base_counts['not_raised']):>13}"
              f" {figures.false_alarms:>3} ({base_figures.false_alarms}) {seconds:>8.2f}")
        if args.show and not is_held_out(folder):
            for mismatch in score.mismatches:
                print(f"    {mismatch}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
