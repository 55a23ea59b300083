"""The fixture scorer (fixtures/expectations.py) reports every kind of mismatch it exists to find.

Each test feeds `compare` a report that breaks one kind of expectation and checks the mismatch
it reports and the number of checks; a scorer that always answered "no mismatches" fails here.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fixtures"))

from expectations import Mismatch, compare  # noqa: E402

EXPECTED = {
    "sources": {"kinds": {"1": "government", "2": "peer_reviewed"}},
    "claim": [
        {"contains": "Oats lower cholesterol", "verdict": ["supported"], "flags": [],
         "not_flags": ["CONTRADICTED", "GENERALIZATION"]},
        {"contains": "Walnuts cut heart disease", "verdict": ["partially_supported", "unsupported"],
         "flags": ["CAUSAL_OVERSTATEMENT", "GENERALIZATION"], "not_flags": ["MISQUOTE"]},
    ],
    "skipped": [{"contains": "By Ann Writer", "reason": "byline"}, {"contains": "Sign up now"}],
}
CHECKS = 2 + (1 + 2) + (1 + 2 + 1) + 2  # kinds; claim 1: verdict, 2 not_flags; claim 2: verdict, 2 flags, 1 not_flag; skipped


def _flags(*codes: str) -> list[dict]:
    return [{"code": code} for code in codes]


def _report(**changes) -> dict:
    report = {
        "sources": [{"id": "1", "kind": "government"}, {"id": "2", "kind": "peer_reviewed"}],
        "claims": [
            {"text": "Oats lower cholesterol in adults.", "verdict": "supported", "flags": []},
            {"text": "Walnuts cut heart disease by half.", "verdict": "partially_supported",
             "flags": _flags("CAUSAL_OVERSTATEMENT", "GENERALIZATION")},
        ],
        "skipped": [{"text": "By Ann Writer, health desk", "reason": "byline"}, {"text": "Sign up now!", "reason": "advice"}],
    }
    report.update(changes)
    return report


def _claims(first: dict | None = None, second: dict | None = None) -> list[dict]:
    claims = _report()["claims"]
    return [dict(claims[0], **(first or {})), dict(claims[1], **(second or {}))]


def test_a_report_meeting_everything_has_no_mismatch() -> None:
    score = compare(_report(), EXPECTED)
    assert (score.checks, score.mismatches, score.met) == (CHECKS, (), CHECKS)


def test_a_wrong_source_kind() -> None:
    score = compare(_report(sources=[{"id": "1", "kind": "blog"}]), EXPECTED)
    assert score.mismatches == (Mismatch("kind", "1", "expected government, got blog"),
                                Mismatch("kind", "2", "expected peer_reviewed, got None"))
    assert compare(_report(sources=[]), EXPECTED, kinds=False).checks == CHECKS - 2


def test_a_wrong_verdict() -> None:
    score = compare(_report(claims=_claims(second={"verdict": "supported"})), EXPECTED)
    assert [m.what for m in score.mismatches] == ["verdict"]
    assert score.mismatches[0].where == "Walnuts cut heart disease" and "got supported" in score.mismatches[0].detail


def test_a_missing_required_flag() -> None:
    score = compare(_report(claims=_claims(second={"flags": _flags("CAUSAL_OVERSTATEMENT")})), EXPECTED)
    assert score.mismatches == (Mismatch("missing_flag", "Walnuts cut heart disease", "GENERALIZATION"),)


def test_a_flag_that_must_not_be_raised() -> None:
    score = compare(_report(claims=_claims(first={"flags": _flags("CONTRADICTED", "GENERALIZATION", "UNCITED")})), EXPECTED)
    assert [(m.what, m.detail) for m in score.mismatches] == [("false_flag", "CONTRADICTED"), ("false_flag", "GENERALIZATION")]
    assert score.checks == CHECKS


def test_a_claim_missing_or_found_twice() -> None:
    missing = compare(_report(claims=_claims()[1:]), EXPECTED)
    assert [m.what for m in missing.mismatches] == ["claim_not_found"]
    # A missing claim is one failed check, not its verdict and flags as well.
    assert missing.checks == CHECKS - 3 + 1
    twice = compare(_report(claims=_claims() + [_claims()[0]]), EXPECTED)
    assert twice.mismatches == (Mismatch("claim_not_found", "Oats lower cholesterol", "2 claims contain it"),)


def test_a_sentence_that_should_have_been_skipped() -> None:
    score = compare(_report(skipped=[{"text": "By Ann Writer, health desk", "reason": "heading"}]), EXPECTED)
    assert score.mismatches == (Mismatch("skipped", "By Ann Writer", "reason heading, expected byline"),
                                Mismatch("skipped", "Sign up now", "not skipped"))


def test_every_kind_at_once_is_each_reported() -> None:
    report = _report(sources=[{"id": "1", "kind": "blog"}, {"id": "2", "kind": "peer_reviewed"}],
                     claims=[_claims()[0] | {"flags": _flags("GENERALIZATION")},
                             _claims()[1] | {"verdict": "supported", "flags": _flags("MISQUOTE")}],
                     skipped=[])
    kinds = sorted(m.what for m in compare(report, EXPECTED).mismatches)
    assert kinds == ["false_flag", "false_flag", "kind", "missing_flag", "missing_flag", "skipped", "skipped", "verdict"]
