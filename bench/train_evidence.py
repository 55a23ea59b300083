"""Fit the evidence ranker and the support judge on Check-COVID's TRAIN split only.

Run from the repository root (needs the bench extra: `pip install -e '.[bench]'`):

    .venv/bin/python bench/train_evidence.py            # fit both, write configs/models/*.json
    .venv/bin/python bench/train_evidence.py --dry-run  # fit and report, write nothing

What it does, all on ../shared/eval/check_covid/covidCheck_train_composed+extracted.json:

  1. ranker: every sentence of each claim's abstract is a row of RANK_FEATURES (computed by
     the pipeline's own code, pipeline/match/ranking.py); a PRIMARY evidence sentence is a
     positive. A logistic model (scikit-learn, standardised features, L2) is fitted; 5-fold
     cross-validation grouped by abstract gives out-of-fold probabilities, recall@k and MRR.
  2. judge: the annotated sentences become rows of JUDGE_FEATURES (computed with the
     out-of-fold ranker), labelled supports (a PRIMARY sentence of a SUPPORT claim),
     contradicts (of a REFUTE claim) or neutral (an NEI claim's annotated sentence, which
     does not settle it); `--judge-rows gold+top` adds the other best-ranked sentences as
     neutral (measured worse). A three-way logistic model is fitted the same way, with
     out-of-fold probabilities.
  3. verdict thresholds: the out-of-fold probabilities go through the pipeline's own
     verdict code (pipeline/match/verdict.py, with the verdict model configs/models/verdict.json)
     for every (support_min, contradict_min) on a grid; the pair with the best macro-F1 over
     SUPPORT / REFUTE / NEI is printed (this script does not write it to configs/default.toml).
     The verdict model itself is fitted by bench/train_decisions.py, on features this
     script's models produce: refit it after refitting these.

The dev split is never read here; measure on it with bench/evidence_eval.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

try:
    from sklearn.linear_model import LogisticRegression
except ImportError:  # pragma: no cover - a message, not a traceback
    sys.exit("scikit-learn is needed to fit the models: .venv/bin/pip install -e '.[bench]'")

from evidence_eval import (  # noqa: E402
    LABELS,
    TO_LABEL,
    load_claims,
    load_corpus,
    macro_f1,
    primary,
    ranking_metrics,
)

from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.learned import LinearModel  # noqa: E402
from pipeline.match.features import JUDGE_FEATURES, RANK_FEATURES, claim_signals  # noqa: E402
from pipeline.match.judge import Candidate, LexicalJudge  # noqa: E402
from pipeline.match.ranking import (  # noqa: E402
    Ranked,
    candidate_features,
    index_passages,
    judge_feature_rows,
)
from pipeline.match.retrieval import claim_view  # noqa: E402
from pipeline.match.verdict import claim_rows, decide, keep_rows  # noqa: E402

MODELS = ROOT / "configs" / "models"
# A judge whose model is never asked: simulate() hands it out-of-fold probabilities.
_PLACEHOLDER = LinearModel("placeholder", JUDGE_FEATURES, ("contradicts", "neutral", "supports"),
                           (0.0,) * len(JUDGE_FEATURES), (1.0,) * len(JUDGE_FEATURES),
                           ((0.0,) * len(JUDGE_FEATURES),) * 3, (0.0, 0.0, 0.0), {})
COMMAND = "python bench/train_evidence.py"
FOLDS = 5
SEED = 13


@dataclasses.dataclass
class ClaimRows:
    """One training claim: its candidate sentences' features and what is known of them."""

    claim: Mapping[str, Any]
    positions: list[int]
    features: np.ndarray
    gold: set[int]
    state: tuple[Any, ...]  # (signals, index) for computing judge features later


def ranker_rows(claims: Sequence[Mapping[str, Any]], corpus: Mapping[str, Any], settings: Settings) -> list[ClaimRows]:
    """RANK_FEATURES of every candidate sentence of every claim (pipeline code)."""
    rows = []
    for claim in claims:
        sentences = corpus[claim["cord_id"]]["abstract"]
        index, places = index_passages(sentences, settings)
        signals = claim_signals(claim_view(claim["claim"], settings), index, settings)
        found = candidate_features(signals, list(range(len(sentences))), index, places, settings)
        positions = [position for position, _ in found]
        matrix = np.array([features for _, features in found], dtype=float).reshape(-1, len(RANK_FEATURES))
        rows.append(ClaimRows(claim, positions, matrix, primary(claim), (signals, index)))
    return rows


def folds_of(claims: Sequence[Mapping[str, Any]], folds: int = FOLDS) -> list[int]:
    """A fold number per claim; claims on one abstract share a fold (grouped CV)."""
    abstracts = sorted({claim["cord_id"] for claim in claims})
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(abstracts))
    fold_of = {abstracts[i]: n % folds for n, i in enumerate(order)}
    return [fold_of[claim["cord_id"]] for claim in claims]


def fit(x: np.ndarray, y: np.ndarray, c: float, balanced: bool = False) -> tuple[np.ndarray, np.ndarray, Any]:
    """Standardise and fit a logistic model; returns (mean, scale, fitted model)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit((x - mean) / scale, y)
    return mean, scale, model


def predict(fitted: tuple[np.ndarray, np.ndarray, Any], x: np.ndarray) -> np.ndarray:
    mean, scale, model = fitted
    return model.predict_proba((x - mean) / scale)


def as_linear(name: str, features: Sequence[str], fitted: tuple[np.ndarray, np.ndarray, Any],
              about: Mapping[str, Any]) -> LinearModel:
    """The fitted scikit-learn model as a LinearModel (binary: one row for the positive class)."""
    mean, scale, model = fitted
    classes = tuple(str(c) for c in model.classes_)
    coef = model.coef_
    return LinearModel(name, tuple(features), classes, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                       tuple(tuple(float(w) for w in row) for row in coef),
                       tuple(float(b) for b in model.intercept_), dict(about))


# ── ranker ────────────────────────────────────────────────────────────────────────────────


def ranker_oof(rows: Sequence[ClaimRows], fold: Sequence[int], c: float, keep: Sequence[int]) -> list[np.ndarray]:
    """Out-of-fold probability of every candidate of every claim."""
    out: list[np.ndarray] = [np.zeros(len(row.positions)) for row in rows]
    for k in range(FOLDS):
        train = [row for row, f in zip(rows, fold) if f != k and len(row.positions) and ranker_trains_on(row)]
        x = np.vstack([row.features[:, keep] for row in train])
        y = np.concatenate([[p in row.gold for p in row.positions] for row in train]).astype(int)
        fitted = fit(x, y, c)
        for n, (row, f) in enumerate(zip(rows, fold)):
            if f == k and len(row.positions):
                out[n] = predict(fitted, row.features[:, keep])[:, 1]
    return out


def ranker_trains_on(row: ClaimRows) -> bool:
    """Whether a claim's sentences train the ranker: not for NEI claims, whose annotated
    sentence is by construction one that does not settle the claim (a positive there would
    teach the ranker that background and methods sentences are evidence)."""
    return row.claim["label"] != "NOTENOUGHINFO"


def rank_of(rows: Sequence[ClaimRows], probabilities: Sequence[np.ndarray]) -> list[list[int]]:
    """Each claim's positions ordered by probability (ties by position), as in the pipeline."""
    return [[row.positions[i] for i in sorted(range(len(row.positions)), key=lambda i: (-p[i], row.positions[i]))]
            for row, p in zip(rows, probabilities)]


# ── judge ─────────────────────────────────────────────────────────────────────────────────


def pair_label(claim: Mapping[str, Any], position: int) -> str:
    """supports / contradicts / neutral for one (claim, sentence) pair."""
    if position in primary(claim):
        return {"SUPPORT": "supports", "REFUTE": "contradicts"}.get(claim["label"], "neutral")
    return "neutral"


def twin_evidence(claims: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], set[int]]:
    """{(claim text, abstract): PRIMARY sentences of its SUPPORT or REFUTE claims}.

    Check-COVID builds an NEI claim by copying a SUPPORT or REFUTE claim and annotating a
    sentence that does not settle it; the copied claim's own evidence sentence is in the
    same abstract and does settle it. Such a sentence is left out of the NEI claim's
    training pairs instead of being called neutral (its true relation is the twin's)."""
    found: dict[tuple[str, str], set[int]] = {}
    for claim in claims:
        if claim["label"] != "NOTENOUGHINFO":
            found.setdefault((claim["claim"].strip(), claim["cord_id"]), set()).update(primary(claim))
    return found


def judge_rows(rows: Sequence[ClaimRows], probabilities: Sequence[np.ndarray], settings: Settings,
               mode: str = "infer") -> list[tuple[list[int], np.ndarray, list[str]]]:
    """JUDGE_FEATURES rows of each claim, ranked by the given (out-of-fold) probabilities.

    mode "infer": the best `judge_top` candidates, as the pipeline judges them.
    mode "gold": the annotated sentences only: a PRIMARY sentence of a SUPPORT claim
        supports, of a REFUTE claim contradicts, an NEI claim's annotated sentence is
        neutral (a related sentence that does not settle the claim);
    mode "gold+top": those, plus the other best candidates as neutral, except a sentence
        that is the evidence of the NEI claim's twin (see `twin_evidence`).
    A row outside the best `judge_top` is judged as if it were the last of them."""
    twins = twin_evidence([row.claim for row in rows])
    top_k = settings.match.judge_top
    out = []
    for row, p in zip(rows, probabilities):
        signals, index = row.state
        ranked = sorted((Ranked(pos, float(prob), ()) for pos, prob in zip(row.positions, p)),
                        key=lambda r: (-r.probability, r.position))
        if mode == "infer":
            found = judge_feature_rows(signals, ranked, index, settings)
        else:
            skip = twins.get((row.claim["claim"].strip(), row.claim["cord_id"]), set()) \
                if row.claim["label"] == "NOTENOUGHINFO" else set()
            wanted = [r for r in ranked if r.position in row.gold]
            if mode == "gold+top":
                wanted += [r for r in ranked[:top_k] if r.position not in row.gold and r.position not in skip]
            found = []
            for r in wanted:
                window = ranked[:top_k] if r in ranked[:top_k] else ranked[: top_k - 1] + [r]
                found.extend((pos, f) for pos, f in judge_feature_rows(signals, window, index, settings)
                             if pos == r.position)
        positions = [pos for pos, _ in found]
        matrix = np.array([f for _, f in found], dtype=float).reshape(-1, len(JUDGE_FEATURES))
        out.append((positions, matrix, [pair_label(row.claim, pos) for pos in positions]))
    return out


def judge_oof(train: Sequence[tuple[list[int], np.ndarray, list[str]]],
              infer: Sequence[tuple[list[int], np.ndarray, list[str]]], fold: Sequence[int], c: float,
              balanced: bool) -> list[np.ndarray]:
    """Out-of-fold [supports, contradicts, neutral] probabilities of every judged pair of
    `infer` (the pairs as the pipeline sees them), from models fitted on `train` pairs."""
    order = ["supports", "contradicts", "neutral"]
    out = [np.zeros((len(p[0]), 3)) for p in infer]
    for k in range(FOLDS):
        rows = [p for p, f in zip(train, fold) if f != k and p[0]]
        fitted = fit(np.vstack([p[1] for p in rows]), np.concatenate([p[2] for p in rows]), c, balanced)
        columns = [list(fitted[2].classes_).index(label) for label in order]
        for n, (p, f) in enumerate(zip(infer, fold)):
            if f == k and p[0]:
                out[n] = predict(fitted, p[1])[:, columns]
    return out


def simulate(rows: Sequence[ClaimRows], infer: Sequence[tuple[list[int], np.ndarray, list[str]]],
             judged: Sequence[np.ndarray], ranked_probs: Sequence[np.ndarray], settings: Settings
             ) -> list[tuple[Any, ...]]:
    """Per claim what the pipeline's verdict step needs, from out-of-fold probabilities:
    (signals, index, ranked candidates, judge answers with their reasons, the judge's
    features of each judged passage)."""
    out = []
    judge = LexicalJudge(settings, model=_PLACEHOLDER)
    for row, (positions, _, _), p, probs in zip(rows, infer, judged, ranked_probs):
        signals, index = row.state
        ranked = sorted((Ranked(pos, float(prob), ()) for pos, prob in zip(row.positions, probs)),
                        key=lambda r: (-r.probability, r.position))
        answers = {}
        features = {pos: f for pos, f in judge_feature_rows(signals, ranked, index, settings)}
        for position, (support, contradict, _) in zip(positions, p):
            candidate = Candidate(index.docs[position].text, "", 0.0, tuple(features[position]))
            answers[position] = judge.answer(row.claim["claim"], candidate,
                                             {"supports": float(support), "contradicts": float(contradict)})
        out.append((signals, index, ranked, answers, {pos: features[pos] for pos in positions}))
    return out


def verdicts(states: Sequence[tuple[Any, ...]], settings: Settings) -> list[str]:
    """Claim labels by the pipeline's own verdict code (pipeline/match/verdict.py) under `settings`."""
    labels = []
    for signals, index, ranked, answers, judged in states:
        rows = claim_rows(signals, ranked, answers, index, settings)
        owner = [""] * len(index)
        kept = keep_rows(signals, rows, owner, index, settings)
        decision = decide(signals, rows, kept, owner, index, settings, owner, judged=judged,
                          cited=list(range(len(index))))
        labels.append(TO_LABEL.get(decision.verdict, "NOTENOUGHINFO"))
    return labels


def tune_thresholds(states: Sequence[tuple[Any, ...]], gold: Sequence[str], settings: Settings,
                    step: float = 0.05) -> tuple[dict[str, float], float]:
    """The [match] support_min and contradict_min with the best macro-F1 on `states` (a grid
    of `step`)."""
    grid = [round(float(v), 2) for v in np.arange(step, 0.951, step)]
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for support, contradict in itertools.product(grid, grid):
        values = {"support_min": support, "contradict_min": contradict}
        trial = dataclasses.replace(settings, match=dataclasses.replace(settings.match, **values))
        score = macro_f1(gold, verdicts(states, trial))["macro_f1"]
        if score > best[0] + 1e-9:
            best = (score, values)
    return best[1], best[0]


# ── main ──────────────────────────────────────────────────────────────────────────────────


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dry-run", action="store_true", help="fit and report; write no model file")
    parser.add_argument("--ranker-c", type=float, default=1.0)
    parser.add_argument("--judge-c", type=float, default=1.0)
    parser.add_argument("--balanced", action="store_true", help="balance the judge's classes")
    parser.add_argument("--judge-rows", choices=("gold", "gold+top"), default="gold",
                        help="which (claim, sentence) pairs train the judge (see judge_rows)")
    parser.add_argument("--drop", default="", help="comma-separated RANK_FEATURES to leave out (ablation)")
    parser.add_argument("--config", help="a settings file layered on the defaults (e.g. to try union_min_terms)")
    parser.add_argument("--grid-step", type=float, default=0.05,
                        help="threshold grid step (0.1 for a quick look; the grid takes most of the time)")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    claims = load_claims("train")
    corpus = load_corpus()
    fold = folds_of(claims)
    rows = ranker_rows(claims, corpus, settings)
    dropped = {name for name in args.drop.split(",") if name}
    keep = [i for i, name in enumerate(RANK_FEATURES) if name not in dropped]

    oof = ranker_oof(rows, fold, args.ranker_c, keep)
    metrics = ranking_metrics(rank_of(rows, oof), [row.gold for row in rows])
    print(f"ranker, train 5-fold out-of-fold: R@1 {metrics['recall@1']:.3f} R@3 {metrics['recall@3']:.3f} "
          f"MRR {metrics['mrr']:.3f}  (features: {len(keep)})")
    if dropped:
        return 0

    pairs = judge_rows(rows, oof, settings, args.judge_rows)
    infer = judge_rows(rows, oof, settings, "infer")
    judged = judge_oof(pairs, infer, fold, args.judge_c, args.balanced)
    gold = [claim["label"] for claim in claims]
    states = simulate(rows, infer, judged, oof, settings)
    thresholds, best = tune_thresholds(states, gold, settings, args.grid_step)
    tuned = dataclasses.replace(settings, match=dataclasses.replace(settings.match, **thresholds))
    report = macro_f1(gold, verdicts(states, tuned))
    print(f"judge, train 5-fold out-of-fold: verdict macro-F1 {best:.3f} with {thresholds}; per class "
          + ", ".join(f"{label} {report['per_class'][label]['f1']:.3f}" for label in LABELS))

    today = datetime.date.today().isoformat()
    x = np.vstack([row.features[:, keep] for row in rows if row.positions and ranker_trains_on(row)])
    y = np.concatenate([[p in row.gold for p in row.positions] for row in rows if ranker_trains_on(row)]).astype(int)
    final_ranker = as_linear("evidence_ranker", RANK_FEATURES, fit(x, y, args.ranker_c), {
        "what": "probability that a passage is the evidence for a claim (logistic, standardised features)",
        "trained_on": "Check-COVID train split (covidCheck_train_composed+extracted.json): the sentences of the "
                      "abstracts of its SUPPORT and REFUTE claims, PRIMARY evidence positive; MIT licence, "
                      "Wang et al. 2023",
        "command": f"{COMMAND} --ranker-c {args.ranker_c} --judge-c {args.judge_c} --judge-rows {args.judge_rows}"
                   + (" --balanced" if args.balanced else ""),
        "date": today, "rows": int(len(y)), "claims": len(rows),
        "train_5fold_out_of_fold": {k: round(v, 4) for k, v in metrics.items() if k != "n"},
    })
    xj = np.vstack([p[1] for p in pairs if p[0]])
    yj = np.concatenate([p[2] for p in pairs])
    final_judge = as_linear("evidence_judge", JUDGE_FEATURES, fit(xj, yj, args.judge_c, args.balanced), {
        "what": "probabilities that a passage supports / contradicts / is neutral to a claim (multinomial logistic)",
        "trained_on": "Check-COVID train split, pairs of mode " + args.judge_rows + " (see judge_rows): a PRIMARY "
                      "sentence of a SUPPORT claim supports, of a REFUTE claim contradicts; an NEI claim's annotated "
                      "sentence" + (" and other top-ranked sentences are" if args.judge_rows == "gold+top" else " is")
                      + " neutral",
        "command": final_ranker.about["command"], "date": today, "rows": int(len(yj)),
        "judge_top": settings.match.judge_top,
        "tuned_thresholds_train_out_of_fold": thresholds,
        "train_5fold_out_of_fold_macro_f1": round(best, 4),
    })
    if args.dry_run:
        return 0
    MODELS.mkdir(parents=True, exist_ok=True)
    for model, name in ((final_ranker, "evidence_ranker.json"), (final_judge, "evidence_judge.json")):
        (MODELS / name).write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODELS / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
