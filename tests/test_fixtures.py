"""Every development fixture meets its expected.toml in the suite, not only in the bench.

Each development fixture is checked offline (from its committed archive) and compared with
what a careful fact-checker expects of it. It must meet every expectation except the gaps
listed in KNOWN_GAPS, each with the reason it is still open; a new mismatch fails, and so does
a listed gap that has closed (take it off the list). The held-out fixture (vitd) is only run
and scored, never held to its individual expectations: its misses are never printed or
asserted on, so no rule gets tuned to them (bench/splits.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "bench"))

from expectations import compare, load_expected  # noqa: E402
from fixture_eval import offline_report  # noqa: E402
from manifest import fixture_folders, is_held_out  # noqa: E402
from splits import HELD_OUT_FIXTURES  # noqa: E402

from pipeline.config import load_settings  # noqa: E402

DEVELOPMENT = [folder for folder in fixture_folders() if not is_held_out(folder)]
HELD_OUT = [folder for folder in fixture_folders() if is_held_out(folder)]

# (fixture, mismatch kind, the claim's `contains`) → why the gap is still open.
KNOWN_GAPS = {
    ("heart", "verdict", "One walking blogger describes how his home readings fell"):
        "partially_supported: no passage of the blog matches 'stressing', 'salt' or 'medication', "
        "which it words otherwise (a named drug for 'medication')",
    ("omega3", "verdict", "A typical 1,000 mg fish oil capsule"):
        "partially_supported: 'capsule' is not in the source, which says '1,000 mg of fish oil'",
    ("omega3", "verdict", "The benefit was confined to formulas with at least 60% EPA"):
        "partially_supported: 'confined to' is a paraphrase of 'seen only in' with no synonym listed",
    ("omega3", "verdict", "A small pilot trial in 48 teenagers with depression"):
        "partially_supported: 'pilot', 'larger' and 'peer' (review) have no match in the preprint's wording",
    ("omega3", "verdict", "Fish oil can cause an unpleasant aftertaste"):
        "partially_supported: 'unpleasant aftertaste' against 'fishy aftertaste'; 'unpleasant' has no match",
}


def _check(folder: Path) -> dict:
    return offline_report(folder, load_settings())[0]


@pytest.mark.parametrize("folder", DEVELOPMENT, ids=lambda folder: folder.name)
def test_a_development_fixture_meets_its_expectations(folder: Path) -> None:
    score = compare(_check(folder), load_expected(folder))
    found = {(folder.name, mismatch.what, mismatch.where): str(mismatch) for mismatch in score.mismatches}
    known = {key for key in KNOWN_GAPS if key[0] == folder.name}
    new = [found[key] for key in found.keys() - known]
    closed = [f"{key}: {KNOWN_GAPS[key]}" for key in known - found.keys()]
    assert not new, "new mismatches:\n" + "\n".join(new)
    assert not closed, "listed gaps that now pass (take them off KNOWN_GAPS):\n" + "\n".join(closed)
    assert score.checks > 0


@pytest.mark.parametrize("folder", HELD_OUT, ids=lambda folder: folder.name)
def test_a_held_out_fixture_runs_and_is_scored(folder: Path) -> None:
    """Only that it runs and every expectation is scored; never which ones it meets."""
    expected = load_expected(folder)
    report = _check(folder)
    score = compare(report, expected)
    claims = expected["claim"]
    expectations = (len(expected.get("sources", {}).get("kinds", {})) + len(expected.get("skipped", []))
                    + sum(1 + len(entry.get("flags", [])) + len(entry.get("not_flags", [])) for entry in claims))
    assert len(report["claims"]) > 0
    # Each claim found adds its verdict and flag checks; a claim not found counts once.
    assert score.checks <= expectations and score.checks >= len(claims)


def test_the_held_out_fixtures_are_those_bench_splits_names() -> None:
    assert {folder.name for folder in HELD_OUT} == set(HELD_OUT_FIXTURES)
    assert DEVELOPMENT and all(folder.name not in HELD_OUT_FIXTURES for folder in DEVELOPMENT)


def test_every_known_gap_names_a_development_fixture() -> None:
    names = {folder.name for folder in DEVELOPMENT}
    assert {fixture for fixture, _, _ in KNOWN_GAPS} <= names
    assert all(reason for reason in KNOWN_GAPS.values())
