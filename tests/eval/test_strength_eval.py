"""A slice of bench/strength_eval.py run as a test, so a change to the strength rules or cue
lists that loses accuracy fails CI. Reads ../shared/eval at run time (GPL-3.0 data, never copied
into the project); a test that needs it is skipped where it is absent, failed under CI=true.

The floors are the numbers measured when the rules or the learned model were last changed,
less a small margin, for the rules with the model (what the batch verbs run) and for the rules
alone; a change that lowers one below its floor must say why (and re-measure with the full
bench).
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
# Only the tests that read the data need it (marked: skipped without it, failed under CI=true).
needs_data = pytest.mark.shared_eval("causal_language", "exaggeration")


@pytest.fixture(scope="module")
def lexicon():
    return load_settings().lexicon("strength")


@pytest.fixture(scope="module")
def rules(lexicon):
    return bench.rules_only(lexicon)


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


def test_rules_only_drops_the_learned_table_and_nothing_else(lexicon):
    rules = bench.rules_only(lexicon)
    assert "learned" in lexicon and "learned" not in rules
    assert set(rules) == set(lexicon) - {"learned"}


@needs_data
def test_the_training_set_holds_no_reported_text():
    sentences = bench.training_sentences()
    pairs = bench.training_pairs()
    reported = bench.reported_texts()
    texts = [example.text for example in sentences + bench.pair_texts(pairs)]
    assert not {" ".join(text.lower().split()) for text in texts} & reported
    # pet_cls's report half overlaps causal_language's dev folds; those sentences stay out
    overlap = {item.text for item in bench.pet_cls() if bench.pet_part(item) == "report"} & {
        item.text for item in bench.causal_language() if bench.fold_of(item.text) in bench.DEV_FOLDS}
    assert len(overlap) == 53 and not overlap & set(texts)
    assert len(sentences) == 2062 and len(pairs) == 51


@needs_data
def test_causal_language_holdout(lexicon, rules):
    items = [item for item in bench.causal_language() if bench.fold_of(item.text) not in bench.DEV_FOLDS]
    assert len(items) == 943
    learned = bench.strength_scores(items, lexicon)
    assert learned.macro_f1 >= 0.76 and learned.accuracy >= 0.80
    alone = bench.strength_scores(items, rules)
    assert alone.macro_f1 >= 0.745 and alone.accuracy >= 0.78


@needs_data
def test_press_release_and_abstract_sentences_report_half(lexicon, rules):
    items = [item for item in bench.pet_cls() if bench.pet_part(item) == "report"]
    assert bench.strength_scores(items, lexicon).macro_f1 >= 0.83
    assert bench.strength_scores(items, rules).macro_f1 >= 0.82


@needs_data
def test_insciout_report_half(lexicon, rules):
    pairs = [pair for pair in bench.insciout() if bench.pair_part(pair) == "report"]
    for which in (lexicon, rules):
        scores = bench.compare_scores(pairs, which)
        assert scores.macro_f1 >= 0.56 and scores.per_class["exaggerates"]["f1"] >= 0.54


@needs_data
def test_trying_a_cue_counts_what_it_changes_on_the_training_texts():
    present = bench.try_cue("causal", "reduce")  # already a cue: nothing moves
    assert present["changed"] == 0 and present["macro-F1 before"] == present["macro-F1 after"]
    noisy = bench.try_cue("causal", "=patients")  # a word of many sentences that names no cause
    assert noisy["changed"] > 20 and noisy["put wrong"] > noisy["put right"]
    assert noisy["put right"] + noisy["put wrong"] <= noisy["changed"] and noisy["texts"] == 2164


def test_the_majority_baseline_is_counted_from_gold():
    scores = bench.score(["a", "a", "a", "b"], ["b", "b", "b", "b"], ("a", "b", "c"))
    accuracy, macro, label = bench.majority_baseline(scores)
    assert (accuracy, label) == (0.75, "a")
    assert macro == pytest.approx((2 * 0.75 / 1.75) / 2)  # F1 of "a", averaged over the two gold labels
