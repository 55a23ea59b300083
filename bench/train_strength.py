"""Fit the claim-strength model on the TRAINING halves only, choosing its settings by
10-fold cross-validation there; write configs/models/strength.json.

Run from the repository root (needs the bench extra: `pip install -e '.[bench]'`):

    .venv/bin/python bench/train_strength.py             # cross-validate, fit, write the model
    .venv/bin/python bench/train_strength.py --dry-run   # cross-validate and fit, write nothing

What it reads (the halves bench/strength_eval.py calls dev; the others are never read here):

  - causal_language folds 0-6 (PubMed conclusion sentences);
  - pet_cls's dev half (md5 parity); its sentences are all in causal_language too, so a
    duplicate counts once;
  - with `insciout` in the grid, the dev half of the InSciOut pairs: each press-release and
    abstract conclusion with its own strength label (the only press-release wording here).

A text that also stands in a reported half (causal_language folds 7-9, pet_cls's report half,
the InSciOut report pairs) is left out wherever it comes from: pet_cls's report half shares 53
sentences with causal_language folds 0-6 and its dev half 17 with folds 7-9.

Every text is read by the pipeline's own code: the cue rules (strength.rule_strength) and the
features of pipeline/language/strength_model.py. A multinomial logistic regression
(scikit-learn, L2; features seen in fewer than `min_count` training texts are dropped) is
fitted on each 10-fold split of the training texts (md5 of the text; the two texts of an
InSciOut pair share the fold of the press text), and the held-out fold is labelled by the
runtime code itself (`claim_strength`, and `compare_strength` for the InSciOut pairs): the
fold's model is stored in the shipped format and applied with `confidence` in plain Python. Scored per grid
point (C, InSciOut texts in training or not, confidence):

  sentences   macro-F1 over the training sentences (causal_language + pet_cls dev)
  press       macro-F1 of the InSciOut dev press-release conclusions (text_strength)
  compare     macro-F1 of `compare` on the InSciOut dev pairs; exaggerates-F1 beside it
  objective   the mean of sentences, press and compare

The grid point with the best objective is refitted on all training texts, its features with
no weight of at least `--prune` in any class are dropped, and it is written with its
cross-validated table and the strongest features of each class. The chosen confidence is
printed, to be set in configs/lexicons/strength.toml ([learned] confidence).

The rules themselves were written looking at these same halves, so their numbers here are not
cross-validated: compare rules and model on the reported halves (bench/strength_eval.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

try:
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
except ImportError:  # pragma: no cover - a message, not a traceback
    sys.exit("scikit-learn is needed to fit the model: .venv/bin/pip install -e '.[bench]'")

from strength_eval import (  # noqa: E402
    COMPARISONS,
    STRENGTHS,
    Example,
    Pair,
    fold_of,
    pair_texts,
    rules_only,
    score,
    training_pairs,
    training_sentences,
)

from pipeline.config import load_settings  # noqa: E402
from pipeline.learned import SparseModel  # noqa: E402
from pipeline.language.strength import claim_strength, compare_strength, rule_strength  # noqa: E402
from pipeline.language.strength_model import FEATURES_VERSION, strength_features  # noqa: E402

FOLDS = 10
MODEL = ROOT / "configs" / "models" / "strength.json"
COMMAND = "bench/train_strength.py"
GRID_C = (0.1, 0.3, 1.0)
GRID_INSCIOUT = (False, True)
GRID_CONFIDENCE = (0.0, 0.5, 0.6, 0.7, 0.8, 1.01)  # 1.01: the rules alone
MIN_COUNT = 2
PRUNE = 0.02


def features_of(texts: Sequence[str], lexicon: Mapping[str, Any]) -> list[dict[str, float]]:
    """The model features of each text, computed by the pipeline's own code."""
    return [strength_features(text, rule_strength(text, lexicon), lexicon) for text in texts]


def fit(rows: Sequence[Mapping[str, float]], gold: Sequence[str], c: float, prune: float = PRUNE,
        about: Mapping[str, Any] | None = None) -> SparseModel:
    """A sparse logistic model fitted on `rows`, in the shipped format: features seen in
    fewer than MIN_COUNT rows are dropped before fitting, those whose largest weight is below
    `prune` after it."""
    seen = Counter(name for row in rows for name in row)
    kept = [{name: value for name, value in row.items() if seen[name] >= MIN_COUNT} for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(kept).tocsr()
    matrix.indices = matrix.indices.astype(np.int32)  # the solver wants 32-bit indices
    matrix.indptr = matrix.indptr.astype(np.int32)
    model = LogisticRegression(C=c, l1_ratio=0, max_iter=5000).fit(matrix, list(gold))
    classes = tuple(str(label) for label in model.classes_)
    weights = {}
    for index, name in enumerate(vectorizer.get_feature_names_out()):
        row = tuple(round(float(model.coef_[k, index]), 4) for k in range(len(classes)))
        if max(abs(weight) for weight in row) >= prune:
            weights[str(name)] = row
    bias = tuple(round(float(value), 4) for value in model.intercept_)
    return SparseModel("strength", classes, bias, weights, dict(about or {"features_version": FEATURES_VERSION}))


def _with_model(lexicon: Mapping[str, Any], path: Path, least: float) -> dict[str, Any]:
    """A copy of the lexicon whose [learned] table names the model at `path`."""
    return {**lexicon, "learned": {"model": str(path), "confidence": least}}


def cross_validate(sentences: Sequence[Example], pairs: Sequence[Pair], lexicon: Mapping[str, Any],
                   c: float, with_pairs: bool, workdir: Path) -> dict[float, dict[str, float]]:
    """{confidence: scores} of out-of-fold labels for one (C, with_pairs) grid point."""
    texts = list(sentences) + (pair_texts(pairs) if with_pairs else [])
    rows = features_of([example.text for example in texts], lexicon)
    predicted: dict[float, list[str]] = {least: [""] * len(sentences) for least in GRID_CONFIDENCE}
    compared: dict[float, list[tuple[str, str, str]]] = {least: [("", "", "")] * len(pairs) for least in GRID_CONFIDENCE}
    for fold in range(FOLDS):
        train = [i for i, example in enumerate(texts) if example.fold != fold]
        model = fit([rows[i] for i in train], [texts[i].gold for i in train], c)
        # One file per fold and grid point: the loader keeps models by path.
        path = workdir / f"C{c}-{'pairs' if with_pairs else 'sentences'}-fold{fold}.json"
        path.write_text(json.dumps(model.to_json()), encoding="utf-8")
        for least in GRID_CONFIDENCE:
            with_model = _with_model(lexicon, path, least)
            for i, example in enumerate(sentences):
                if example.fold == fold:
                    predicted[least][i] = claim_strength(example.text, with_model).label
            for j, pair in enumerate(pairs):
                if fold_of(pair.press) == fold:
                    found = compare_strength(pair.press, pair.abstract, with_model)
                    compared[least][j] = (found.label, found.claim.label, found.source.label)
    return {least: evaluate(sentences, pairs, predicted[least], compared[least]) for least in GRID_CONFIDENCE}


def evaluate(sentences: Sequence[Example], pairs: Sequence[Pair], predicted: Sequence[str],
             compared: Sequence[tuple[str, str, str]]) -> dict[str, float]:
    """The scores of the module docstring for one set of out-of-fold labels."""
    comparison = score([pair.label for pair in pairs], [found[0] for found in compared], COMPARISONS)
    scores = {
        "sentences": score([e.gold for e in sentences], predicted, STRENGTHS).macro_f1,
        "pubmed_only": score([e.gold for e in sentences if e.origin == "causal_language"],
                             [p for e, p in zip(sentences, predicted) if e.origin == "causal_language"], STRENGTHS).macro_f1,
        "press": score([pair.press_gold for pair in pairs], [found[1] for found in compared], STRENGTHS).macro_f1,
        "abstract": score([pair.abstract_gold for pair in pairs], [found[2] for found in compared], STRENGTHS).macro_f1,
        "compare": comparison.macro_f1,
        "exaggerates": comparison.per_class["exaggerates"]["f1"],
    }
    scores["objective"] = statistics.fmean((scores["sentences"], scores["press"], scores["compare"]))
    return scores


def rules_on_training(sentences: Sequence[Example], pairs: Sequence[Pair], lexicon: Mapping[str, Any]) -> dict[str, float]:
    """The rules' scores on the same texts (not cross-validated: they were written on them)."""
    rules = rules_only(lexicon)
    predicted = [claim_strength(example.text, rules).label for example in sentences]
    compared = []
    for pair in pairs:
        found = compare_strength(pair.press, pair.abstract, rules)
        compared.append((found.label, found.claim.label, found.source.label))
    return evaluate(sentences, pairs, predicted, compared)


def top_features(model: SparseModel, count: int = 15) -> dict[str, list[list[Any]]]:
    """The `count` features that push hardest towards each class."""
    return {label: [[name, row[k]] for name, row in sorted(model.weights.items(), key=lambda item: -item[1][k])[:count]]
            for k, label in enumerate(model.classes)}


def readable_json(model: SparseModel) -> str:
    """The model file: its settings and top features first, then one line per feature."""
    data = model.to_json()
    weights = data.pop("weights")
    # Innermost lists (a feature and its weight, a row of weights) on one line each.
    head = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + ", ".join(p.strip() for p in m.group(1).split(",\n")) + "]",
                  json.dumps(data, indent=1))
    rows = ",\n".join(f"  {json.dumps(name)}: {json.dumps(row)}" for name, row in weights.items())
    return head[: -len("\n}")] + ',\n "weights": {\n' + rows + "\n }\n}\n"


def _row(name: str, scores: Mapping[str, float]) -> str:
    return f"{name:34s} " + "  ".join(f"{key} {value:.3f}" for key, value in scores.items())


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: cross-validate the grid, fit the best point, write the model."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="fit and report, write nothing")
    parser.add_argument("--prune", type=float, default=PRUNE, help="drop features whose weights all stay below this")
    args = parser.parse_args(argv)
    lexicon = load_settings().lexicon("strength")
    sentences = training_sentences()
    pairs = training_pairs()
    print(f"training: {len(sentences)} sentences ({dict(Counter(e.origin for e in sentences))}), "
          f"{len(pairs)} InSciOut pairs")
    rules = rules_on_training(sentences, pairs, lexicon)
    print(_row("rules (written on these texts)", rules))
    table: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for c in GRID_C:
            for with_pairs in GRID_INSCIOUT:
                for least, scores in cross_validate(sentences, pairs, lexicon, c, with_pairs, Path(workdir)).items():
                    name = f"C={c} insciout={'yes' if with_pairs else 'no'} confidence={least}"
                    table[name] = scores
                    print(_row(name, scores), flush=True)
    best = max(table, key=lambda name: table[name]["objective"])
    settings = dict(part.split("=") for part in best.split())
    c, with_pairs, least = float(settings["C"]), settings["insciout"] == "yes", float(settings["confidence"])
    print(f"chosen: {best}")
    texts = list(sentences) + (pair_texts(pairs) if with_pairs else [])
    about = {
        "features_version": FEATURES_VERSION,
        "command": COMMAND,
        "date": datetime.date.today().isoformat(),
        "data": "causal_language folds 0-6 + pet_cls dev half" + (" + InSciOut dev conclusions" if with_pairs else "")
                + ", less every text of a reported half",
        "texts": len(texts),
        "C": c, "min_count": MIN_COUNT, "prune": args.prune, "confidence": least,
        "cross_validated": {"chosen": best, **table[best]},
        "rules_on_the_same_texts": rules,
    }
    model = fit(features_of([e.text for e in texts], lexicon), [e.gold for e in texts], c, args.prune, about)
    model = SparseModel(model.name, model.classes, model.bias, model.weights,
                        {**model.about, "top_features": top_features(model)})
    print(f"{len(model.weights)} features with weight; set [learned] confidence = {least} in configs/lexicons/strength.toml")
    if not args.dry_run:
        MODEL.write_text(readable_json(model), encoding="utf-8")
        print(f"wrote {MODEL.relative_to(ROOT)} ({MODEL.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
