"""Evidence finding and support judgement measured on public data, through `claimcheck evidence`.

Run from the repository root:

    .venv/bin/python bench/evidence_eval.py                  # Check-COVID dev + SciFact pairs
    .venv/bin/python bench/evidence_eval.py --split train    # the split the models were fitted on
    .venv/bin/python bench/evidence_eval.py --setting gold   # passages = the gold evidence only
    .venv/bin/python bench/evidence_eval.py --limit 60 --json
    .venv/bin/python bench/evidence_eval.py --judge openai:MODEL --config my-judge.toml   # your judge

Check-COVID (../shared/eval/check_covid, Wang et al. 2023): every claim cites one abstract.
Each claim becomes one line of the `claimcheck evidence` verb, `{"id", "claim", "passages"}`
with the abstract's sentences as passages (setting `abstract`, what a user of the verb
does), and is answered by `pipeline.batch.evidence_many`, the verb's own code. Measured:

  * evidence recall@1, recall@3 and MRR: where the first PRIMARY evidence sentence stands in
    the answer's `ranking`;
  * verdict macro-F1 over SUPPORT / REFUTE / NEI, with supported and partially_supported →
    SUPPORT, contradicted → REFUTE, everything else → NEI; per-class F1 and the confusion.

Setting `gold` gives only the gold evidence sentences as passages (the paper's verdict task:
for NEI claims the dataset's evidence is a sentence that does not settle the claim). In the
`abstract` setting an NEI claim shares its text and abstract with a SUPPORT or REFUTE claim of
the dataset (it differs only in which sentence was annotated), so no system reading the
abstract can tell the two apart; the report prints that ceiling.

HealthVer (../shared/eval/healthver, Sarrouti et al. 2021): each pair's claim with its evidence
passage cut into sentences as the passages; verdict macro-F1 over Supports / Refutes / Neutral
mapped like Check-COVID's labels, for each half of bench/splits.py (held out by topic).

SciFact pairs (../shared/eval/scifact_pairs): the claim with its gold evidence as the one
passage; entailment when the verdict is supported or partially_supported. Accuracy, F1 of
entailment, and beside them the majority-class accuracy and the F1 of calling every pair
entailment; for each half of bench/splits.py and for all pairs.

Check-COVID's dev split is the held-out half of bench/splits.py (the train split is what the
models were fitted on); the verdict line prints the trivial baselines (every claim the
majority label; every claim SUPPORT) beside ours.

For reference the report also prints plain BM25 with stemming over the same sentences (the
baseline the issue names). Nothing here is fitted; bench/train_evidence.py fits on train.

`--judge` measures another judge on the same data (default, nli:PATH, openai:MODEL; see
docs/judges.md): the ranking numbers do not change (the ranker chooses what the judge reads),
the verdicts do. The report says how many claims the default judge decided in its place.
`--eval-dir` reads the data from another folder laid out like ../shared/eval.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from splits import healthver_held_out, scifact_held_out  # noqa: E402

from pipeline.batch import evidence_many  # noqa: E402
from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.language.text import content_terms, sentence_spans  # noqa: E402
from pipeline.match import choose_judge, get_judge  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
CHECK_COVID = EVAL / "check_covid"
SCIFACT_FILE = Path("scifact_pairs") / "rte_scifact_train.tsv"
SCIFACT = EVAL / SCIFACT_FILE
HEALTHVER_FILE = Path("healthver") / "healthver_dev.csv"
COVIDFACT_FILE = Path("covidfact") / "rte_covidfact_train.tsv"
HEALTHVER_LABELS = {"Supports": "SUPPORT", "Refutes": "REFUTE", "Neutral": "NOTENOUGHINFO"}
SPLITS = {"train": "covidCheck_train_composed+extracted.json", "dev": "covidCheck_dev_composed+extracted.json"}
LABELS = ("SUPPORT", "REFUTE", "NOTENOUGHINFO")
TO_LABEL = {"supported": "SUPPORT", "partially_supported": "SUPPORT", "contradicted": "REFUTE"}


# ── data ──────────────────────────────────────────────────────────────────────────────────


def load_corpus(folder: Path = CHECK_COVID) -> dict[str, dict[str, Any]]:
    """Check-COVID abstracts by cord_id (the file is JSON Lines despite its name)."""
    with (folder / "corpus.json").open(encoding="utf-8") as handle:
        return {row["cord_id"]: row for row in map(json.loads, handle) if row}


def load_claims(split: str, folder: Path = CHECK_COVID) -> list[dict[str, Any]]:
    """The claims of a Check-COVID split ("train" or "dev")."""
    with (folder / SPLITS[split]).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def primary(claim: Mapping[str, Any]) -> set[int]:
    """Indices of the claim's PRIMARY evidence sentences."""
    return {row["sent_index"] for row in claim["evidence_set"] if row["type"] == "PRIMARY"}


def evidence_lines(claims: Sequence[Mapping[str, Any]], corpus: Mapping[str, Mapping[str, Any]],
                   setting: str = "abstract") -> list[dict[str, Any]]:
    """The `claimcheck evidence` input line of each claim."""
    lines = []
    for claim in claims:
        sentences = list(corpus[claim["cord_id"]]["abstract"])
        if setting == "gold":
            keep = sorted({row["sent_index"] for row in claim["evidence_set"]})
            sentences = [sentences[i] for i in keep if i < len(sentences)]
        lines.append({"id": claim["id"], "claim": claim["claim"], "passages": sentences})
    return lines


def load_scifact(path: Path = SCIFACT) -> list[dict[str, str]]:
    """SciFact claim/evidence pairs with their entailment label."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_healthver(path: Path = EVAL / HEALTHVER_FILE) -> list[dict[str, str]]:
    """HealthVer dev pairs (claim, evidence passage, label, topic_ip)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_covidfact(path: Path = EVAL / COVIDFACT_FILE) -> list[dict[str, str]]:
    """COVID-Fact pairs (sentence1 = evidence, Sentence2 = claim, label)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def sentences(text: str) -> list[str]:
    """`text` cut into its sentences, as a page's text is cut into passages."""
    return [text[start:end].strip() for start, end in sentence_spans(text) if text[start:end].strip()] or [text]


# ── metrics ───────────────────────────────────────────────────────────────────────────────


def ranking_metrics(rankings: Iterable[Sequence[int]], golds: Iterable[set[int]]) -> dict[str, float]:
    """recall@1, recall@3 and MRR of the first gold index in each ranking."""
    r1 = r3 = rr = 0.0
    n = 0
    for ranking, gold in zip(rankings, golds):
        if not gold:
            continue
        n += 1
        rank = next((position for position, index in enumerate(ranking) if index in gold), None)
        if rank is None:
            continue
        rr += 1 / (rank + 1)
        r1 += rank == 0
        r3 += rank < 3
    return {"recall@1": r1 / n, "recall@3": r3 / n, "mrr": rr / n, "n": n} if n else {"n": 0}


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Macro-F1 over `labels`, per-class precision/recall/F1 and the confusion (gold→predicted)."""
    per_class = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label != g for g, p in zip(gold, predicted))
        fn = sum(g == label != p for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "n": gold.count(label)}
    confusion = Counter(f"{g}->{p}" for g, p in zip(gold, predicted))
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {"macro_f1": sum(row["f1"] for row in per_class.values()) / len(labels), "accuracy": accuracy,
            "per_class": per_class, "confusion": dict(sorted(confusion.items()))}


def bm25_ranking(claim: str, sentences: Sequence[str], k1: float = 1.5, b: float = 0.75) -> list[int]:
    """Plain BM25 with Snowball stemming over the sentences, best first (the baseline)."""
    docs = [Counter(content_terms(sentence)) for sentence in sentences]
    n = len(docs)
    average = sum(sum(doc.values()) for doc in docs) / n if n else 0.0
    df = Counter(term for doc in docs for term in doc)
    query = set(content_terms(claim))
    scores = []
    for doc in docs:
        length = sum(doc.values())
        total = 0.0
        for term in query:
            tf = doc.get(term, 0)
            if tf:
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / (average or 1)))
        scores.append(total)
    return sorted(range(n), key=lambda i: (-scores[i], i))


def nei_ceiling(claims: Sequence[Mapping[str, Any]]) -> float:
    """The best macro-F1 any system reading (claim, abstract) can reach: claims sharing text
    and abstract must get one answer, so each such group is answered with the label that
    maximises the final macro-F1 (found by trying both answers per group, greedily)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for claim in claims:
        groups.setdefault((claim["claim"].strip(), claim["cord_id"]), []).append(claim["label"])
    gold = [label for labels in groups.values() for label in labels]
    choice = [Counter(labels).most_common(1)[0][0] for labels in groups.values()]

    def score(answers: Sequence[str]) -> float:
        predicted = [answer for answer, labels in zip(answers, groups.values()) for _ in labels]
        return macro_f1(gold, predicted)["macro_f1"]

    best = score(choice)
    improved = True
    while improved:
        improved = False
        for index, labels in enumerate(groups.values()):
            for option in set(labels):
                trial = choice[:index] + [option] + choice[index + 1:]
                value = score(trial)
                if value > best + 1e-12:
                    best, choice, improved = value, trial, True
    return best


# ── runs ──────────────────────────────────────────────────────────────────────────────────


def run_check_covid(claims: Sequence[Mapping[str, Any]], corpus: Mapping[str, Mapping[str, Any]],
                    settings: Settings, setting: str = "abstract") -> dict[str, Any]:
    """Every claim through the evidence verb; ranking and verdict metrics."""
    lines = evidence_lines(claims, corpus, setting)
    started = time.perf_counter()
    answers = _answered(lines, settings)
    elapsed = time.perf_counter() - started
    gold_labels = [claim["label"] for claim in claims]
    predicted = [TO_LABEL.get(answer["verdict"], "NOTENOUGHINFO") for answer in answers]
    majority = Counter(gold_labels).most_common(1)[0][0] if gold_labels else "SUPPORT"
    result: dict[str, Any] = {"claims": len(claims), "setting": setting, "seconds": round(elapsed, 2),
                              "verdict": macro_f1(gold_labels, predicted),
                              # the trivial baselines: one answer for every claim
                              "majority_label": majority,
                              "majority_macro_f1": macro_f1(gold_labels, [majority] * len(claims))["macro_f1"],
                              "all_support_macro_f1": macro_f1(gold_labels, ["SUPPORT"] * len(claims))["macro_f1"],
                              "verdicts_given": dict(Counter(answer["verdict"] for answer in answers)),
                              "judged_by": judged_by(answers)}
    if setting == "abstract":
        golds = [primary(claim) for claim in claims]
        result["ranking"] = ranking_metrics((answer["ranking"] for answer in answers), golds)
        result["bm25_baseline"] = ranking_metrics(
            (bm25_ranking(line["claim"], line["passages"]) for line in lines), golds)
        # An NEI claim's annotated sentence is one the annotator found related, seldom one
        # that settles the claim: the ranking of the SUPPORT and REFUTE claims alone is shown too.
        settled = [i for i, claim in enumerate(claims) if claim["label"] != "NOTENOUGHINFO"]
        unsettled = [i for i, claim in enumerate(claims) if claim["label"] == "NOTENOUGHINFO"]
        result["ranking_support_refute"] = ranking_metrics(
            (answers[i]["ranking"] for i in settled), (golds[i] for i in settled))
        result["ranking_nei"] = ranking_metrics((answers[i]["ranking"] for i in unsettled), (golds[i] for i in unsettled))
        # Why a settled claim's evidence is missed: how many of those gold sentences share at
        # most one content word with the claim (no lexical matcher can rank them first).
        missed = [i for i in settled if not set(answers[i]["ranking"][:3]) & golds[i]]
        result["missed_support_refute"] = {"n": len(missed), "sharing_at_most_one_word": sum(
            max(len(set(content_terms(lines[i]["claim"])) & set(content_terms(lines[i]["passages"][g])))
                for g in golds[i]) <= 1 for i in missed)}
        result["same_input_ceiling_macro_f1"] = nei_ceiling(claims)
    return result


def _answered(lines: Sequence[Mapping[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """The evidence verb's answers to `lines` (its own code, `pipeline.batch.evidence_many`:
    all claims put to the judge together, so an endpoint answers `[judge] concurrency` at once)."""
    answers = evidence_many(lines, settings)
    for answer in answers:
        if not isinstance(answer, dict):
            raise SystemExit(f"a line of the data could not be read: {answer}")
    return answers  # type: ignore[return-value]


def judged_by(answers: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many answers each judge decided, and how many the default judge decided in the
    place of the judge chosen ("fallback")."""
    counts = Counter(answer["judge"] or "no judge (a rule decided)" for answer in answers)
    counts["fallback"] = sum(1 for answer in answers if answer["judge_fallback"])
    return dict(sorted(counts.items()))


def run_scifact(rows: Sequence[Mapping[str, str]], settings: Settings) -> dict[str, Any]:
    """Each SciFact pair through the evidence verb: entailment iff (partially) supported."""
    gold = [row["entailment"] == "entailment" for row in rows]
    answers = _answered([{"id": row["index"], "claim": row["sentence2"], "passages": [row["sentence1"]]}
                         for row in rows], settings)
    predicted = [answer["verdict"] in ("supported", "partially_supported") for answer in answers]
    tp = sum(g and p for g, p in zip(gold, predicted))
    fp = sum(p and not g for g, p in zip(gold, predicted))
    fn = sum(g and not p for g, p in zip(gold, predicted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    share = sum(gold) / len(gold)
    return {"pairs": len(rows), "accuracy": sum(g == p for g, p in zip(gold, predicted)) / len(rows),
            "entailment_precision": precision, "entailment_recall": recall,
            "entailment_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "majority_accuracy": max(share, 1 - share),
            # every pair called entailment: precision = the share, recall 1
            "all_entailment_f1": 2 * share / (1 + share) if share else 0.0,
            "judged_by": judged_by(answers)}


def run_healthver(rows: Sequence[Mapping[str, str]], settings: Settings) -> dict[str, Any]:
    """Each HealthVer pair through the evidence verb, the evidence passage cut into its
    sentences: verdict macro-F1 over SUPPORT / REFUTE / NEI as for Check-COVID, beside the
    majority label's and every pair SUPPORT."""
    gold = [HEALTHVER_LABELS[row["label"]] for row in rows]
    answers = _answered([{"id": row["id"], "claim": row["claim"], "passages": sentences(row["evidence"])}
                         for row in rows], settings)
    predicted = [TO_LABEL.get(answer["verdict"], "NOTENOUGHINFO") for answer in answers]
    majority = Counter(gold).most_common(1)[0][0]
    return {"pairs": len(rows), "verdict": macro_f1(gold, predicted), "majority_label": majority,
            "majority_macro_f1": macro_f1(gold, [majority] * len(gold))["macro_f1"],
            "all_support_macro_f1": macro_f1(gold, ["SUPPORT"] * len(gold))["macro_f1"],
            "judged_by": judged_by(answers)}


def _print(result: Mapping[str, Any], scifact: Mapping[str, Mapping[str, Any]] | None, split: str, judge: str,
           healthver: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    print(f"Check-COVID {split}, setting {result['setting']}: {result['claims']} claims in {result['seconds']} s, "
          f"judge {judge}")
    if "ranking" in result:
        ours, base = result["ranking"], result["bm25_baseline"]
        print(f"  evidence (PRIMARY, n={ours['n']}): R@1 {ours['recall@1']:.3f}  R@3 {ours['recall@3']:.3f}  "
              f"MRR {ours['mrr']:.3f}   | plain BM25+stemming R@1 {base['recall@1']:.3f}  "
              f"R@3 {base['recall@3']:.3f}  MRR {base['mrr']:.3f}")
        settled = result["ranking_support_refute"]
        print(f"    SUPPORT and REFUTE claims only (n={settled['n']}): R@1 {settled['recall@1']:.3f}  "
              f"R@3 {settled['recall@3']:.3f}  MRR {settled['mrr']:.3f}")
        nei, missed = result["ranking_nei"], result["missed_support_refute"]
        print(f"    NOTENOUGHINFO claims only (n={nei['n']}): R@3 {nei['recall@3']:.3f}; SUPPORT/REFUTE claims "
              f"missed at 3: {missed['n']}, of which {missed['sharing_at_most_one_word']} have gold sentences "
              f"sharing at most one content word with the claim")
    verdict = result["verdict"]
    per = "  ".join(f"{label} {row['f1']:.3f} (P {row['precision']:.2f} R {row['recall']:.2f})"
                    for label, row in verdict["per_class"].items())
    print(f"  verdict macro-F1 {verdict['macro_f1']:.3f}  accuracy {verdict['accuracy']:.3f}   {per}")
    print(f"    baselines: every claim {result['majority_label']} (majority) macro-F1 {result['majority_macro_f1']:.3f}, "
          f"every claim SUPPORT {result['all_support_macro_f1']:.3f}")
    if "same_input_ceiling_macro_f1" in result:
        print(f"  (ceiling for any reader of claim + abstract: macro-F1 {result['same_input_ceiling_macro_f1']:.3f})")
    print(f"  verdicts given: {result['verdicts_given']}")
    print(f"  decided by: {result['judged_by']}")
    print(f"  confusion gold->predicted: {verdict['confusion']}")
    for half, numbers in (scifact or {}).items():
        print(f"SciFact pairs, {half}: {numbers['pairs']} pairs  accuracy {numbers['accuracy']:.3f} "
              f"(majority class {numbers['majority_accuracy']:.3f})  entailment P {numbers['entailment_precision']:.3f} "
              f"R {numbers['entailment_recall']:.3f} F1 {numbers['entailment_f1']:.3f} "
              f"(every pair entailment {numbers['all_entailment_f1']:.3f})")
        print(f"  decided by: {numbers['judged_by']}")
    for half, numbers in (healthver or {}).items():
        verdict = numbers["verdict"]
        per = "  ".join(f"{label} {row['f1']:.3f}" for label, row in verdict["per_class"].items())
        print(f"HealthVer, {half}: {numbers['pairs']} pairs  verdict macro-F1 {verdict['macro_f1']:.3f}  "
              f"accuracy {verdict['accuracy']:.3f}   {per}")
        print(f"  baselines: every pair {numbers['majority_label']} (majority) macro-F1 "
              f"{numbers['majority_macro_f1']:.3f}, every pair SUPPORT {numbers['all_support_macro_f1']:.3f}")
        print(f"  decided by: {numbers['judged_by']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--setting", choices=("abstract", "gold"), default="abstract")
    parser.add_argument("--limit", type=int, default=0, help="only the first N claims (and SciFact pairs)")
    parser.add_argument("--config", help="a settings file layered on the defaults")
    parser.add_argument("--no-scifact", action="store_true")
    parser.add_argument("--no-healthver", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    parser.add_argument("--judge", help="the judge to measure: default, nli:PATH, openai:MODEL (docs/judges.md)")
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="a folder laid out like ../shared/eval")
    args = parser.parse_args(argv)
    settings = choose_judge(load_settings(args.config), args.judge)
    judge = get_judge(settings).name  # built before the first claim: a judge that cannot be used fails here
    claims = load_claims(args.split, args.eval_dir / "check_covid")
    if args.limit:
        claims = claims[: args.limit]
    result = run_check_covid(claims, load_corpus(args.eval_dir / "check_covid"), settings, args.setting)
    scifact = None
    if not args.no_scifact:
        rows = load_scifact(args.eval_dir / SCIFACT_FILE)
        rows = rows[: args.limit] if args.limit else rows
        # Both halves of bench/splits.py, and all pairs (the number reported before the split).
        scifact = {name: run_scifact(chosen, settings) for name, chosen in (
            ("development half", [row for row in rows if not scifact_held_out(row["sentence2"])]),
            ("held-out half", [row for row in rows if scifact_held_out(row["sentence2"])]),
            ("all", rows)) if chosen}
    healthver = None
    if not args.no_healthver and (args.eval_dir / HEALTHVER_FILE).is_file():
        rows = load_healthver(args.eval_dir / HEALTHVER_FILE)
        rows = rows[: args.limit] if args.limit else rows
        # By bench/splits.py: the development half (by topic) and the held-out half.
        healthver = {name: run_healthver(chosen, settings) for name, chosen in (
            ("development half", [row for row in rows if not healthver_held_out(row["topic_ip"])]),
            ("held-out half", [row for row in rows if healthver_held_out(row["topic_ip"])])) if chosen}
    if args.json:
        print(json.dumps({"split": args.split, "judge": judge, "check_covid": result, "scifact": scifact,
                          "healthver": healthver}, indent=1))
    else:
        _print(result, scifact, args.split, judge, healthver)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
