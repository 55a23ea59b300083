"""A slice of bench/evidence_eval.py as a test: a regression in evidence ranking or in the
support judgement fails CI. Reads ../shared/eval at run time: each test that needs it is marked
`shared_eval`, skipped where the data is missing and failed under CI=true (tests/conftest.py).

Floors sit just under what the slice measured with the learned verdict model shipped on
2026-12-06 (docs/decisions.md, about one item's worth below): the first 90 claims of Check-COVID
dev give R@3 0.578 (plain BM25 0.478), MRR 0.517, verdict macro-F1 0.446 from the abstract
(majority class 0.171; the hand-set verdict rule it replaced measured 0.441) and 0.499 from the
gold evidence (the rule 0.536); the first 150 SciFact pairs give accuracy 0.680 (majority class
0.647) and entailment precision 0.733 (the rule 0.775). Nothing was fitted or tuned on these
items; a change that moves a number up should move its floor up with it.

The contradiction and number readers (docs/language.md, "Contradictions and numbers") moved
two of these down, measured after the change was decided on development data: from the gold
evidence 0.536 -> 0.511, SciFact entailment precision 0.775 -> 0.755 (accuracy 0.680 -> 0.687;
the abstract setting 0.441 -> 0.438, R@3 0.567 -> 0.578). On the development halves the same
measures rose (Check-COVID train from the gold evidence 0.569 -> 0.570, from the abstract
0.433 -> 0.443; SciFact development half accuracy 0.663 -> 0.678, precision 0.794 -> 0.799):
part of what they lose was a cue bug ("compared" read as a null finding) that happened to call
some refuted claims contradicted. Their floors follow the measurement down.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import evidence_eval  # noqa: E402

from pipeline.batch import evidence_line  # noqa: E402
from pipeline.config import load_settings  # noqa: E402

needs_check_covid = pytest.mark.shared_eval("check_covid")
needs_scifact = pytest.mark.shared_eval("scifact_pairs")

SLICE = 90


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def claims():
    return evidence_eval.load_claims("dev")[:SLICE]


@pytest.fixture(scope="module")
def corpus():
    return evidence_eval.load_corpus()


@needs_check_covid
def test_ranking_beats_plain_bm25_on_the_slice(settings, claims, corpus):
    result = evidence_eval.run_check_covid(claims, corpus, settings)
    ours, bm25 = result["ranking"], result["bm25_baseline"]
    assert ours["recall@3"] >= 0.565
    assert ours["mrr"] >= 0.51
    assert ours["recall@3"] > bm25["recall@3"] and ours["mrr"] > bm25["mrr"]
    assert result["verdict"]["macro_f1"] >= 0.435
    assert result["verdict"]["macro_f1"] > result["majority_macro_f1"]
    # Each class is predicted and some right: a judge collapsing to one answer fails here.
    assert all(row["f1"] > 0.2 for row in result["verdict"]["per_class"].values())


@needs_check_covid
def test_verdicts_from_the_gold_evidence(settings, claims, corpus):
    result = evidence_eval.run_check_covid(claims, corpus, settings, "gold")
    assert result["verdict"]["macro_f1"] >= 0.49


@needs_scifact
def test_scifact_pairs_slice(settings):
    result = evidence_eval.run_scifact(evidence_eval.load_scifact()[:150], settings)
    assert result["accuracy"] >= 0.66
    assert result["accuracy"] > result["majority_accuracy"]
    assert result["entailment_precision"] >= 0.73


@needs_check_covid
def test_every_answer_ranks_every_passage(settings, claims, corpus):
    for line in evidence_eval.evidence_lines(claims[:20], corpus):
        answer = evidence_line(line, settings)
        assert sorted(answer["ranking"]) == list(range(len(line["passages"])))
        assert len(answer["scores"]) == len(line["passages"])
        assert set(answer["evidence"]) <= set(answer["ranking"])


def test_metrics_are_computed_as_documented():
    assert evidence_eval.ranking_metrics([[2, 0, 1], [1, 0, 2]], [{0}, {2}]) == pytest.approx(
        {"recall@1": 0.0, "recall@3": 1.0, "mrr": (1 / 2 + 1 / 3) / 2, "n": 2})
    scored = evidence_eval.macro_f1(["SUPPORT", "REFUTE", "NOTENOUGHINFO", "SUPPORT"],
                                    ["SUPPORT", "SUPPORT", "NOTENOUGHINFO", "SUPPORT"])
    assert scored["per_class"]["SUPPORT"]["f1"] == pytest.approx(0.8)
    assert scored["per_class"]["REFUTE"]["f1"] == 0.0
    assert scored["macro_f1"] == pytest.approx((0.8 + 0.0 + 1.0) / 3)
