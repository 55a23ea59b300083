"""A slice of bench/strength_eval.py run as a test, so a change to the strength rules or cue
lists that loses accuracy fails CI. Reads ../shared/eval at run time (GPL-3.0 data, never copied
into the project); skipped where that folder is absent.

The floors are the numbers measured when the rules were last changed, less a small margin; a
change that lowers one below its floor must say why (and re-measure with the full bench).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from pipeline.config import load_settings

BENCH = Path(__file__).resolve().parents[2] / "bench" / "strength_eval.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("strength_eval", BENCH)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
pytestmark = pytest.mark.skipif(not (bench.DATA / "causal_language").is_dir(), reason="../shared/eval is not here")


@pytest.fixture(scope="module")
def lexicon():
    return load_settings().lexicon("strength")


def test_metrics_are_computed_from_counts():
    scores = bench.score(["a", "a", "b", "b"], ["a", "b", "b", "b"], ("a", "b"))
    assert scores.accuracy == 0.75
    assert scores.per_class["a"]["f1"] == pytest.approx(2 / 3)
    assert scores.per_class["b"]["f1"] == pytest.approx(0.8)
    assert scores.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert scores.confusion == {"a->b": 1}


def test_label_schemes_are_mapped_the_right_way_round():
    # causal_language's 1 is direct causal; the exaggeration files' 1 is correlational.
    assert bench.CAUSAL_LANGUAGE_LABELS["1"] == "causal" and bench.EXAGGERATION_LABELS["1"] == "correlational"


def test_causal_language_held_out_fold(lexicon):
    items = [item for item in bench.causal_language() if bench.fold_of(item.text) == 7]
    scores = bench.strength_scores(items, lexicon)
    assert len(items) == 324
    assert scores.macro_f1 >= 0.74 and scores.accuracy >= 0.79


def test_press_release_and_abstract_sentences_report_half(lexicon):
    items = [item for item in bench.pet_cls() if bench.pet_part(item) == "report"]
    assert bench.strength_scores(items, lexicon).macro_f1 >= 0.81


def test_insciout_report_half(lexicon):
    pairs = [pair for pair in bench.insciout() if bench.pair_part(pair) == "report"]
    scores = bench.compare_scores(pairs, lexicon)
    assert scores.macro_f1 >= 0.55 and scores.per_class["exaggerates"]["f1"] >= 0.50
