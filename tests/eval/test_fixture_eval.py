"""bench/fixture_eval.py counts verdicts, required flags and must-not-raise checks apart."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "fixtures"))

import article_scoring as scoring  # noqa: E402
import fixture_eval  # noqa: E402
from expectations import compare  # noqa: E402

EXPECTED = {
    "claim": [
        {"contains": "Oats", "verdict": ["supported"], "flags": [], "not_flags": ["CONTRADICTED", "GENERALIZATION"]},
        {"contains": "Walnuts", "verdict": ["partially_supported"], "flags": ["CAUSAL_OVERSTATEMENT"], "not_flags": ["MISQUOTE"]},
        {"contains": "Green tea", "verdict": ["unsupported"], "flags": ["UNCITED"], "not_flags": ["CONTRADICTED"]},
    ],
}
REPORT = {"sources": [], "claims": [
    {"text": "Oats help.", "verdict": "supported", "flags": [{"code": "GENERALIZATION"}]},
    {"text": "Walnuts cut it.", "verdict": "supported", "flags": [{"code": "CAUSAL_OVERSTATEMENT"}]},
]}


def test_each_kind_of_check_is_counted_on_its_own() -> None:
    counts = fixture_eval.check_counts(compare(REPORT, EXPECTED), EXPECTED)
    # Verdicts: Oats right, Walnuts wrong, Green tea not found. Flags and must-not-raise are
    # counted over the claims found only (as compare counts them).
    assert counts == {"verdicts": (1, 3), "flags": (1, 1), "not_raised": (2, 3)}


def test_the_baseline_keeps_every_must_not_raise_check_and_raises_no_required_flag() -> None:
    baseline = scoring.baseline_report(REPORT, None)
    counts = fixture_eval.check_counts(compare(baseline, EXPECTED), EXPECTED)
    assert counts == {"verdicts": (1, 3), "flags": (0, 1), "not_raised": (3, 3)}
    assert REPORT["claims"][0]["flags"]  # the report itself is untouched
