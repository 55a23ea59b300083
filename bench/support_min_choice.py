"""Choose `[match] support_min` on development data alone, by a rule fixed before measuring.

    .venv/bin/python bench/support_min_choice.py     # needs the bench extra (scikit-learn)

support_min is the judge probability from which a passage supports a claim. It was first
chosen on Check-COVID train out of fold, with SciFact pairs (both halves) and the development
fixtures breaking the tie; half of SciFact is held out (bench/splits.py), so the choice is
re-made here on data that may be looked at:

  1. Check-COVID TRAIN, 5-fold out of fold (bench/train_evidence.py's own simulation, with
     contradict_min as configured): verdict macro-F1 for each value of GRID. Values within
     TIE of the best are tied.
  2. Among tied values: the best accuracy on SciFact's DEVELOPMENT half (through the
     `claimcheck evidence` verb's code, bench/evidence_eval.run_scifact).
  3. Still tied: the most expectations met on the DEVELOPMENT fixtures (offline runs).
  4. Still tied: the value closest to the configured one (no change without a reason).

Nothing held out is read: not Check-COVID dev, not SciFact's held-out half, not vitd.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "fixtures"))

import train_evidence as train  # noqa: E402  (exits with a message without scikit-learn)
from evidence_eval import load_claims, load_corpus, load_scifact, macro_f1, run_scifact  # noqa: E402
from expectations import compare, load_expected  # noqa: E402
from fixture_eval import offline_report  # noqa: E402
from manifest import fixture_folders, is_held_out  # noqa: E402
from splits import scifact_held_out  # noqa: E402

from pipeline.config import Settings, load_settings  # noqa: E402

GRID = (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70)
TIE = 0.005  # train macro-F1 closer than this to the best is a tie (about one claim in 1,068 moves it 0.001)


def with_support_min(settings: Settings, value: float) -> Settings:
    """`settings` with support_min set to `value`."""
    return dataclasses.replace(settings, match=dataclasses.replace(settings.match, support_min=value))


def train_curve(settings: Settings) -> dict[float, float]:
    """Check-COVID train out-of-fold verdict macro-F1 for each GRID value."""
    claims = load_claims("train")
    rows = train.ranker_rows(claims, load_corpus(), settings)
    fold = train.folds_of(claims)
    oof = train.ranker_oof(rows, fold, 1.0, list(range(len(train.RANK_FEATURES))))
    pairs = train.judge_rows(rows, oof, settings, "gold")
    infer = train.judge_rows(rows, oof, settings, "infer")
    judged = train.judge_oof(pairs, infer, fold, 1.0, False)
    states = train.simulate(rows, infer, judged, oof, settings)
    gold = [claim["label"] for claim in claims]
    return {value: macro_f1(gold, train.verdicts(states, with_support_min(settings, value)))["macro_f1"]
            for value in GRID}


def scifact_development(settings: Settings, values: Sequence[float]) -> dict[float, float]:
    """Accuracy on SciFact's development half for each value."""
    rows = [row for row in load_scifact() if not scifact_held_out(row["sentence2"])]
    return {value: run_scifact(rows, with_support_min(settings, value))["accuracy"] for value in values}


def fixtures_met(settings: Settings, values: Sequence[float]) -> dict[float, int]:
    """Expectations met over the development fixtures (offline) for each value."""
    met = {}
    for value in values:
        trial = with_support_min(settings, value)
        total = 0
        for folder in fixture_folders():
            if is_held_out(folder):
                continue
            total += compare(offline_report(folder, trial)[0], load_expected(folder)).met
        met[value] = total
    return met


def choose(curve: Mapping[float, float], scifact: Mapping[float, float], fixtures: Mapping[float, int],
           current: float) -> float:
    """The rule of the module docstring."""
    best = max(curve.values())
    tied = [value for value in curve if curve[value] >= best - TIE]
    return max(tied, key=lambda value: (scifact.get(value, 0.0), fixtures.get(value, 0), -abs(value - current)))


def main() -> int:
    """Print every measurement and the choice."""
    settings = load_settings()
    current = settings.match.support_min
    curve = train_curve(settings)
    best = max(curve.values())
    tied = [value for value in curve if curve[value] >= best - TIE]
    scifact = scifact_development(settings, tied)
    fixtures = fixtures_met(settings, tied)
    for value in GRID:
        extra = (f"  SciFact development half accuracy {scifact[value]:.3f}  development fixtures met {fixtures[value]}"
                 if value in tied else "")
        print(f"support_min {value:.2f}: Check-COVID train out-of-fold macro-F1 {curve[value]:.4f}{extra}")
    print(f"chosen: {choose(curve, scifact, fixtures, current):.2f} (configured: {current:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
