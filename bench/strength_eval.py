"""Claim strength and exaggeration, measured on the public datasets in ../shared/eval.

Run from the repository root (one command, every number):

    .venv/bin/python bench/strength_eval.py                   # every split, before and after
    .venv/bin/python bench/strength_eval.py --json            # the same numbers as JSON
    .venv/bin/python bench/strength_eval.py --speed           # sentences per second
    .venv/bin/python bench/strength_eval.py --try-cue causal "good for"
                      # what one more cue does to the rules, on the training texts only
    .venv/bin/python bench/strength_eval.py --errors pet:dev correlational causal
                      # print the sentences of one development split with gold → predicted

Every split is scored twice: `[rules]`, the cue rules alone (the [learned] table of the
strength lexicon left out: "before"), and `[rules+model]`, the rules with the learned model
on top as `claimcheck strength` and `compare` run them ("after"; the model is fitted by
bench/train_strength.py on the training halves named below, and its own 10-fold
cross-validated numbers, stored with it, are printed too).

What is measured, and how each set is split (the splits are fixed by an md5 of the text,
so they never change between runs and never depend on the order of a file):

  1. causal_language (Yu et al. 2019; 3,061 PubMed conclusion sentences; labels 0 none,
     1 causal, 2 conditional causal, 3 correlational). The rules were developed looking at
     folds 0-6 (`dev`), and the model is fitted on them; folds 7-9 (`holdout`) are only
     measured. The spread of the rules' macro-F1 over the 10 md5 folds is printed as well
     (the rules are not trained, so that is a spread, not a cross-validation).
  2. pet_cls (Wright & Augenstein 2021; 200 sentences; labels 0 none, 1 correlational,
     2 conditional causal, 3 direct causal — 1 and 3 are the REVERSE of causal_language's).
     md5 parity splits it in half: `pet:dev` was used to adjust cues and to fit the model,
     `pet:report` was not. Every pet_cls sentence also stands in causal_language with the
     same label, so 53 of the report half lie in causal_language's dev folds (the rules saw
     them; the model is not fitted on them); `pet:report:untouched` is the 52 that lie in the
     holdout folds, seen by neither. The sentences pet_cls marks "press" read as PubMed
     abstract sentences, not press releases: `pet:report:press` is no press-release proxy.
  3. InSciOut (100 press-release/abstract pairs; label = sign(press − abstract strength)):
     `compare_strength` on each pair, 3-class macro-F1 and the F1 of `exaggerates`. md5 parity
     of the press text splits the pairs in half: `insciout:dev` was read for press-release
     wording (its errors listed with --errors insciout:dev) and its conclusions may be fitted
     on, `insciout:report` was not. The strength of each side of the report pairs is scored as
     well: its press-release conclusions are the only press-release wording measured here.
  4. MISSCI dev (30 arguments about how a claim misrepresents a study): not a score, a look.
     Each argument's claim is compared with its accurate premise (what the study showed), and
     the signals that fire (compare label, CAUSAL_/CERTAINTY_OVERSTATEMENT, a superiority cue,
     an absolute) are tallied per fallacy class: how much of a causal oversimplification or a
     hasty generalisation shows in the wording at all.

Metrics are written here: per-class precision/recall/F1 from counts, macro-F1 the unweighted
mean over the classes present in gold or prediction of the label set, accuracy the share right.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import load_settings  # noqa: E402
from pipeline.language.cues import cue_set  # noqa: E402
from pipeline.language.strength import (  # noqa: E402
    Strength,
    claim_strength,
    compare_strength,
    text_strength,
)
from pipeline.language.strength_model import strength_model  # noqa: E402

DATA = ROOT.parent / "shared" / "eval"
STRENGTHS = ("none", "correlational", "conditional_causal", "causal")
COMPARISONS = ("same", "exaggerates", "downplays")
# The two numbering schemes (see the module docstring): mind that 1 and 3 swap.
CAUSAL_LANGUAGE_LABELS = {"0": "none", "1": "causal", "2": "conditional_causal", "3": "correlational"}
EXAGGERATION_LABELS = {"0": "none", "1": "correlational", "2": "conditional_causal", "3": "causal"}
DEV_FOLDS = frozenset(range(7))  # causal_language folds the rules were developed on


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled sentence: its text, gold label, and the part of its dataset it came from."""

    text: str
    gold: str
    origin: str = ""  # "press" / "abstract" for pet_cls


@dataclass(frozen=True, slots=True)
class Pair:
    """One InSciOut pair: press-release and abstract conclusions with their gold strengths."""

    press: str
    abstract: str
    press_gold: str
    abstract_gold: str
    label: str


@dataclass
class Scores:
    """Per-class and overall scores of one prediction run."""

    n: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: dict[str, int] = field(default_factory=dict)


def fold_of(text: str, folds: int = 10) -> int:
    """The md5 fold of a text: stable across runs and file orders."""
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % folds


def score(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Scores:
    """Accuracy, macro-F1 and per-class P/R/F1 of `predicted` against `gold`."""
    per_class: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label != g for g, p in zip(gold, predicted))
        fn = sum(g == label != p for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "n": float(tp + fn)}
    present = [label for label in labels if per_class[label]["n"] or label in predicted]
    macro = statistics.fmean(per_class[label]["f1"] for label in present) if present else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    confusion = Counter(f"{g}->{p}" for g, p in zip(gold, predicted) if g != p)
    return Scores(len(gold), accuracy, macro, per_class, dict(confusion.most_common()))


# ── loading ─────────────────────────────────────────────────────────────────────────────────


def causal_language(data: Path = DATA) -> list[Item]:
    """The causal_language sentences with labels in our names."""
    with open(data / "causal_language" / "pubmed_causal_language_use.csv", newline="", encoding="utf-8") as handle:
        return [Item(row["sentence"], CAUSAL_LANGUAGE_LABELS[row["label"]]) for row in csv.DictReader(handle)]


def pet_cls(data: Path = DATA) -> list[Item]:
    """The pet_cls sentences (no header: sentence, strength, source) with labels in our names."""
    with open(data / "exaggeration" / "pet_cls_train.csv", newline="", encoding="utf-8") as handle:
        return [Item(row[0], EXAGGERATION_LABELS[row[1]], row[2]) for row in csv.reader(handle) if len(row) == 3]


def insciout(data: Path = DATA) -> list[Pair]:
    """The InSciOut pairs."""
    pairs = []
    with open(data / "exaggeration" / "insciout_train.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                pairs.append(Pair(row["press_release_conclusion"], row["abstract_conclusion"],
                                  EXAGGERATION_LABELS[str(row["press_release_strength"])],
                                  EXAGGERATION_LABELS[str(row["abstract_strength"])], row["exaggeration_label"]))
    return pairs


def pet_part(item: Item) -> str:
    """"dev" or "report": the half of pet_cls an item belongs to (md5 parity)."""
    return "dev" if fold_of(item.text, 2) == 0 else "report"


def pair_part(pair: Pair) -> str:
    """"dev" or "report": the half of InSciOut a pair belongs to (md5 parity of the press text)."""
    return "dev" if fold_of(pair.press, 2) == 0 else "report"


# ── what a learned model may be fitted on ───────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Example:
    """One training text: its gold label, where it comes from, its cross-validation fold."""

    text: str
    gold: str
    origin: str  # "causal_language", "pet_cls", "insciout:press", "insciout:abstract"
    fold: int


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def reported_texts(data: Path = DATA) -> set[str]:
    """Every text of a half that is reported, never trained on (normalised for comparison)."""
    texts = {_key(item.text) for item in causal_language(data) if fold_of(item.text) not in DEV_FOLDS}
    texts |= {_key(item.text) for item in pet_cls(data) if pet_part(item) == "report"}
    for pair in insciout(data):
        if pair_part(pair) == "report":
            texts |= {_key(pair.press), _key(pair.abstract)}
    return texts


def training_sentences(data: Path = DATA) -> list[Example]:
    """The sentences a learned model may be fitted on (bench/train_strength.py):
    causal_language folds 0-6 and pet_cls's dev half, less every text of a reported half
    (pet_cls's sentences all stand in causal_language too: its report half shares 53 with
    folds 0-6, its dev half 17 with folds 7-9)."""
    reported = reported_texts(data)
    chosen: dict[str, Example] = {}
    for item in causal_language(data):
        if fold_of(item.text) in DEV_FOLDS and _key(item.text) not in reported:
            chosen[_key(item.text)] = Example(item.text, item.gold, "causal_language", fold_of(item.text))
    for item in pet_cls(data):
        if pet_part(item) == "dev" and _key(item.text) not in reported:
            chosen[_key(item.text)] = Example(item.text, item.gold, "pet_cls", fold_of(item.text))
    return list(chosen.values())


def training_pairs(data: Path = DATA) -> list[Pair]:
    """The InSciOut dev pairs."""
    return [pair for pair in insciout(data) if pair_part(pair) == "dev"]


def pair_texts(pairs: Sequence[Pair]) -> list[Example]:
    """Each dev pair's two conclusions as training texts, in the fold of the press text."""
    examples = []
    for pair in pairs:
        fold = fold_of(pair.press)
        examples.append(Example(pair.press, pair.press_gold, "insciout:press", fold))
        examples.append(Example(pair.abstract, pair.abstract_gold, "insciout:abstract", fold))
    return examples


# ── measuring ───────────────────────────────────────────────────────────────────────────────


def predict(texts: Iterable[str], lexicon: object, strength: Callable[..., Strength] = claim_strength) -> list[str]:
    """`strength` labels of `texts` (`claim_strength` by default)."""
    return [strength(text, lexicon).label for text in texts]


def strength_scores(items: Sequence[Item], lexicon: object,
                    strength: Callable[..., Strength] = claim_strength) -> Scores:
    """Scores of `strength` (`claim_strength` by default) on labelled texts."""
    return score([item.gold for item in items], predict((item.text for item in items), lexicon, strength), STRENGTHS)


def compare_scores(pairs: Sequence[Pair], lexicon: object) -> Scores:
    """Scores of `compare_strength` on InSciOut pairs (3 classes)."""
    predicted = [compare_strength(pair.press, pair.abstract, lexicon).label for pair in pairs]  # type: ignore[arg-type]
    return score([pair.label for pair in pairs], predicted, COMPARISONS)


def cross_validated(items: Sequence[Item], lexicon: object, folds: int = 10) -> dict[str, float]:
    """Macro-F1 of each md5 fold: mean, standard deviation, lowest and highest."""
    predicted = predict((item.text for item in items), lexicon)
    per_fold = []
    for fold in range(folds):
        chosen = [index for index, item in enumerate(items) if fold_of(item.text, folds) == fold]
        per_fold.append(score([items[i].gold for i in chosen], [predicted[i] for i in chosen], STRENGTHS).macro_f1)
    return {"mean": statistics.fmean(per_fold), "sd": statistics.stdev(per_fold),
            "min": min(per_fold), "max": max(per_fold)}


def missci_look(lexicon: object, data: Path = DATA) -> dict[str, dict[str, int]]:
    """Per fallacy class: how many arguments carry it, and which of our wording signals fire
    when the argument's claim is compared with its accurate premise (what the study showed):
    the compare label, its flags, a superiority cue or an absolute in the claim."""
    superiority = load_settings().lexicon("superiority")
    tally: dict[str, Counter[str]] = {}
    with open(data / "missci" / "dev.missci.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            argument = json.loads(line)["argument"]
            comparison = compare_strength(argument["claim"], argument["accurate_premise_p0"]["premise"], lexicon)  # type: ignore[arg-type]
            signals = {comparison.label, *comparison.flags}
            if cue_set(superiority, "cues").find(argument["claim"]):
                signals.add("superiority cue")
            if comparison.claim.absolutes:
                signals.add("absolute")
            classes = {option["class"] for fallacy in argument["fallacies"]
                       for option in fallacy["interchangeable_fallacies"]}
            for name in classes | {"(all arguments)"}:
                counts = tally.setdefault(name, Counter())
                counts["arguments"] += 1
                counts.update(signals)
    return {name: dict(counts) for name, counts in sorted(tally.items(), key=lambda kv: -kv[1]["arguments"])}


def rules_only(lexicon: Mapping[str, Any]) -> dict[str, Any]:
    """The strength lexicon without its [learned] table: the cue rules alone ("before")."""
    return {key: value for key, value in lexicon.items() if key != "learned"}


def measure(lexicon: Mapping[str, Any], data: Path = DATA) -> dict[str, object]:
    """Every split of the module docstring, scored with one lexicon (rules, or rules + model)."""
    cl = causal_language(data)
    pet = pet_cls(data)
    pairs = insciout(data)
    holdout = {item.text for item in cl if fold_of(item.text) not in DEV_FOLDS}
    report = [p for p in pairs if pair_part(p) == "report"]
    return {
        "causal_language:dev": strength_scores([i for i in cl if fold_of(i.text) in DEV_FOLDS], lexicon),
        "causal_language:holdout": strength_scores([i for i in cl if i.text in holdout], lexicon),
        "pet:dev": strength_scores([i for i in pet if pet_part(i) == "dev"], lexicon),
        "pet:report": strength_scores([i for i in pet if pet_part(i) == "report"], lexicon),
        "pet:report:untouched": strength_scores([i for i in pet if pet_part(i) == "report" and i.text in holdout], lexicon),
        "pet:report:press": strength_scores([i for i in pet if pet_part(i) == "report" and i.origin == "press"], lexicon),
        "insciout:dev": compare_scores([p for p in pairs if pair_part(p) == "dev"], lexicon),
        "insciout:report": compare_scores(report, lexicon),
        "insciout:report:press": strength_scores([Item(p.press, p.press_gold) for p in report], lexicon, text_strength),
        "insciout:report:abstract": strength_scores([Item(p.abstract, p.abstract_gold) for p in report], lexicon,
                                                    text_strength),
    }


def run(data: Path = DATA) -> dict[str, object]:
    """Every measurement of the module docstring, as one dictionary: each split before (the
    rules alone) and after (rules + model), the fold spread of the rules, the model's own
    cross-validated numbers (stored with it by bench/train_strength.py), and the MISSCI look."""
    lexicon = load_settings().lexicon("strength")
    model = strength_model(lexicon)
    return {
        "rules": measure(rules_only(lexicon), data),
        "rules+model": measure(lexicon, data) if model is not None else {},
        "causal_language:10-fold (rules)": cross_validated(causal_language(data), rules_only(lexicon)),
        "model cross-validated on the training half": dict(model.about.get("cross_validated", {})) if model else {},
        "missci": missci_look(lexicon, data),
    }


def majority_baseline(scores: Scores) -> tuple[float, float, str]:
    """Accuracy and macro-F1 of answering every item with the most common gold label (over the
    labels present in gold, as `score` counts them), and that label."""
    counts = {label: row["n"] for label, row in scores.per_class.items() if row["n"]}
    if not counts:
        return 0.0, 0.0, "-"
    label = max(counts, key=lambda name: counts[name])
    share = counts[label] / sum(counts.values())
    return share, (2 * share / (1 + share)) / len(counts), label


def speed(lexicon: Mapping[str, Any], data: Path = DATA, rounds: int = 3) -> float:
    """Sentences per second of `claim_strength` over the causal_language sentences (best of
    `rounds`), the work of `claimcheck strength` without reading and writing JSON."""
    texts = [item.text for item in causal_language(data)]
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            claim_strength(text, lexicon)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def try_cue(table: str, cue: str, data: Path = DATA) -> dict[str, object]:
    """What adding `cue` to the `table` list of the strength lexicon does to the rules on the
    training texts only (training_sentences and both sides of the InSciOut dev pairs): how
    many texts change label, how many of those it puts right and how many it puts wrong, and
    the macro-F1 before and after. No reported half is read."""
    lexicon = rules_only(load_settings().lexicon("strength"))
    name, _, key = table.partition(":")
    changed = {**lexicon, name: {**lexicon[name], key or "cues": [*lexicon[name][key or "cues"], cue]}}
    # sentences as `claimcheck strength` reads them, conclusions as `compare` does
    texts = [(e.text, e.gold, claim_strength) for e in training_sentences(data)]
    texts += [(e.text, e.gold, text_strength) for e in pair_texts(training_pairs(data))]
    before = [strength(text, lexicon).label for text, _, strength in texts]
    after = [strength(text, changed).label for text, _, strength in texts]
    moved = [(gold, old, new) for (_, gold, _), old, new in zip(texts, before, after) if old != new]
    gold = [g for _, g, _ in texts]
    return {"texts": len(texts), "changed": len(moved), "put right": sum(new == g for g, _, new in moved),
            "put wrong": sum(old == g for g, old, _ in moved),
            "macro-F1 before": score(gold, before, STRENGTHS).macro_f1, "macro-F1 after": score(gold, after, STRENGTHS).macro_f1}


def _print_scores(name: str, value: Scores) -> None:
    classes = "  ".join(f"{label} {row['f1']:.3f} (n={row['n']:.0f})" for label, row in value.per_class.items())
    base_accuracy, base_f1, base_label = majority_baseline(value)
    print(f"{name:40s} n={value.n:<5d} accuracy {value.accuracy:.3f}  macro-F1 {value.macro_f1:.3f}"
          f"   (every item {base_label}: accuracy {base_accuracy:.3f}, macro-F1 {base_f1:.3f})")
    print(f"{'':40s} F1: {classes}")
    top = ", ".join(f"{k} {v}" for k, v in list(value.confusion.items())[:6])
    print(f"{'':40s} most confused: {top}")


def _print(results: dict[str, Any]) -> None:
    for split in results["rules"]:
        for predictor in ("rules", "rules+model"):
            if split in results[predictor]:
                _print_scores(f"{split} [{predictor}]", results[predictor][split])
    for name in ("causal_language:10-fold (rules)", "model cross-validated on the training half"):
        print(f"{name:40s} " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                          for k, v in results[name].items()))
    print("missci (claim vs accurate premise; per fallacy class, how many arguments and which signals fire):")
    for fallacy, counts in results["missci"].items():
        print(f"  {fallacy:32s} {counts}")


def _errors(split: str, gold: str, predicted: str) -> None:
    lexicon = load_settings().lexicon("strength")
    if split == "insciout:dev":
        for pair in insciout():
            if pair_part(pair) != "dev":
                continue
            found = compare_strength(pair.press, pair.abstract, lexicon)
            if pair.label == gold and found.label == predicted:
                print(f"press {pair.press_gold} → {found.claim.label} [{found.claim.cue}] {pair.press}")
                print(f"  abstract {pair.abstract_gold} → {found.source.label} [{found.source.cue}] {pair.abstract}")
        return
    if split == "pet:dev":
        items = [i for i in pet_cls() if pet_part(i) == "dev"]
    elif split == "causal_language:dev":
        items = [i for i in causal_language() if fold_of(i.text) in DEV_FOLDS]
    else:
        raise SystemExit(f"error analysis is only for development splits, not {split!r}")
    for item in items:
        found = claim_strength(item.text, lexicon)
        if item.gold == gold and found.label == predicted:
            print(f"[{found.cue}] {item.text}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print every measurement (or JSON), or list one development split's errors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--speed", action="store_true", help="sentences per second, rules alone and rules + model")
    parser.add_argument("--try-cue", nargs=2, action="append", metavar=("TABLE", "CUE"),
                        help="what adding CUE to the lexicon list TABLE (e.g. causal) does on the training texts")
    parser.add_argument("--errors", nargs=3, metavar=("SPLIT", "GOLD", "PREDICTED"),
                        help="list development items (pet:dev, causal_language:dev, or insciout:dev with "
                             "same/exaggerates/downplays) with this confusion")
    args = parser.parse_args(argv)
    if args.errors:
        _errors(*args.errors)
        return 0
    if args.try_cue:
        for table, cue in args.try_cue:
            found = try_cue(table, cue)
            print(f"{table} += {cue!r}: " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                     for k, v in found.items()))
        return 0
    if args.speed:
        lexicon = load_settings().lexicon("strength")
        print(f"rules alone   {speed(rules_only(lexicon)):.0f} sentences/s")
        print(f"rules + model {speed(lexicon):.0f} sentences/s")
        return 0
    results = run()
    if args.json:
        print(json.dumps(results, indent=1, default=lambda value: {
            **value.__dict__, "majority_baseline": dict(zip(("accuracy", "macro_f1", "label"), majority_baseline(value)))}))
    else:
        _print(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
