"""bench/contradiction_eval.py: the kind of word a counter-claim swapped, and the scores."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import contradiction_eval  # noqa: E402

from pipeline.config import load_settings  # noqa: E402


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.mark.parametrize(
    ("counter", "sibling", "kind"),
    [("The spray was tested in 40 ferrets", "The spray was tested in 12 ferrets", "number"),
     ("The spray was tested in nine ferrets", "The spray was tested in 12 ferrets", "number"),
     ("The spray cannot be tested in ferrets", "The spray can be tested in ferrets", "negation"),
     ("The spray lowered infections in ferrets", "The spray raised infections in ferrets", "direction"),
     ("The spray was tested in mice", "The spray was tested in ferrets", "other")],
)
def test_the_word_a_counter_claim_swapped_is_named(counter, sibling, kind, settings):
    assert contradiction_eval.swap_kind(counter, sibling, settings) == kind


def test_scores_count_precision_recall_and_false_contradictions():
    rows = [{"reversed": True, "called": True, "swap": "number", "why": "number"},
            {"reversed": True, "called": False, "swap": "other", "why": ""},
            {"reversed": False, "called": True, "swap": "", "why": "weak_denial"},
            {"reversed": False, "called": False, "swap": "", "why": ""}]
    scored = contradiction_eval.scores(rows)
    assert (scored["called"], scored["precision"], scored["recall"]) == (2, 0.5, 0.5)
    assert (scored["false_contradictions"], scored["true_pairs"]) == (1, 2)
    assert scored["recall_by_swap"] == {"number": {"n": 1, "caught": 1}, "other": {"n": 1, "caught": 0}}
    assert scored["by_reason"]["weak_denial"] == {"called": 1, "right": 0}


def test_evidence_is_split_into_sentences():
    assert contradiction_eval.passages_of("The spray helped. > It was safe in ferrets.") == \
        ["The spray helped.", "It was safe in ferrets."]
