"""How precise and how complete the explicit reversal ("contradicted") is, on CovidFact.

Run from the repository root:

    .venv/bin/python bench/contradiction_eval.py                 # train (development) and dev (held out)
    .venv/bin/python bench/contradiction_eval.py --split train --show 30   # false contradictions, train only
    .venv/bin/python bench/contradiction_eval.py --json

CovidFact (../shared/eval/covidfact, Saakyan et al. 2021) pairs an evidence text with a claim:
each true claim (entailment) comes with automatic counter-claims made by swapping one word
(not_entailment): a number ("seven patients" → "two patients"), a negation ("can" →
"cannot"), a direction ("increases" → "reduces"), or some other word ("home testing" →
"laboratory testing"). Each pair goes through the `claimcheck evidence` verb's own code
(`pipeline.match.judge_passages_many`), the evidence text split into its sentences as passages; a
pair is called a reversal when the verdict is `contradicted`. Measured:

  * precision: of the pairs called contradicted, the share that are counter-claims;
  * recall: of the counter-claims, the share called contradicted; and the same by the kind
    of word swapped (found by comparing a counter-claim with its true sibling: the claim of
    the same evidence labelled entailment): number, negation, direction, other. Only the
    first three are reversals a reader of words can see; "other" is most of them;
  * false contradictions: true claims called contradicted (a false CONTRADICTED flag);
  * the same for each kind of reversal the verdict gave as its reason.

The train file is for development; the dev file is the held-out half of bench/splits.py: it is
measured only, and `--show` refuses it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.language.cues import cue_set, tokenize  # noqa: E402
from pipeline.language.lexical import lexical_database  # noqa: E402
from pipeline.language.reversal import clash  # noqa: E402
from pipeline.language.text import sentence_spans  # noqa: E402
from pipeline.match import PassageJudgement, judge_passages_many  # noqa: E402

COVIDFACT = ROOT.parent / "shared" / "eval" / "covidfact"
FILES = {"train": "rte_covidfact_train.tsv", "dev": "rte_covidfact_dev.tsv"}
HELD_OUT = frozenset({"dev"})
SWAPS = ("number", "negation", "direction", "other")
def load_pairs(split: str, folder: Path = COVIDFACT) -> list[dict[str, str]]:
    """The pairs of a CovidFact split: `evidence`, `claim`, `label` (entailment / not_entailment)."""
    with (folder / FILES[split]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [{"id": row[0], "evidence": row[1], "claim": row[2], "label": row[3]} for row in rows[1:] if len(row) >= 4]


def passages_of(evidence: str) -> list[str]:
    """The evidence text's sentences (the quoting marks of its forum posts taken out)."""
    plain = " ".join(evidence.replace(" > ", " ").split())
    return [plain[start:end] for start, end in sentence_spans(plain)] or [plain]


def swap_kind(claim: str, sibling: str, settings: Settings) -> str:
    """What kind of word a counter-claim swapped against its true sibling: "number",
    "negation", "direction" (a direction word or a WordNet antonym) or "other"."""
    mine, theirs = _words(claim), _words(sibling)
    added, removed = mine - theirs, theirs - mine
    if any(_is_number(word, settings) for word in added | removed):
        return "number"
    negation = cue_set(settings.lexicon("negation"), "negation")
    if any(negation.find(word) for word in added | removed):
        return "negation"
    ups = {token.stem for cue in settings.lexicon("negation")["up"]["cues"] for token in tokenize(cue)}
    downs = {token.stem for cue in settings.lexicon("negation")["down"]["cues"] for token in tokenize(cue)}
    stems_added = {token.stem for word in added for token in tokenize(word)}
    stems_removed = {token.stem for word in removed for token in tokenize(word)}
    if (stems_added & ups and stems_removed & downs) or (stems_added & downs and stems_removed & ups):
        return "direction"
    database = lexical_database(settings)
    if any(database.antonyms(stem) & stems_removed for stem in stems_added):
        return "direction"
    return "other"


def _words(text: str) -> set[str]:
    return {token.word for token in tokenize(text)}


def _is_number(word: str, settings: Settings) -> bool:
    return word.replace(",", "").replace(".", "").isdigit() or word in settings.lexicon("numbers")["words"]


def reason_kind(claim: str, passages: Sequence[str], judgement: PassageJudgement, settings: Settings) -> str:
    """The kind of reversal a `contradicted` verdict rests on: "number (sources)" when the
    claim's number is given otherwise in the cited text (pipeline/match/matcher._numbers_check),
    else the kind `reversal.clash` finds in the passage that contradicts."""
    if judgement.reason.startswith("The claim says"):
        return "number (sources)"
    where = next((i for i in judgement.evidence if judgement.relations[i] == "contradicts"), None)
    return (clash(claim, passages[where], settings)[0] or "model") if where is not None else "other"


def measure(pairs: Sequence[Mapping[str, str]], settings: Settings) -> dict[str, Any]:
    """Every pair through the evidence verb; precision, recall and false contradictions."""
    started = time.perf_counter()
    texts = [passages_of(pair["evidence"]) for pair in pairs]
    answers = judge_passages_many([(pair["claim"], passages) for pair, passages in zip(pairs, texts)], settings)
    seconds = time.perf_counter() - started
    true_claim: dict[str, str] = {}
    for pair in pairs:
        if pair["label"] == "entailment":
            true_claim.setdefault(pair["evidence"], pair["claim"])
    rows = []
    for pair, passages, answer in zip(pairs, texts, answers, strict=True):
        reversed_ = pair["label"] == "not_entailment"
        sibling = true_claim.get(pair["evidence"])
        swap = (swap_kind(pair["claim"], sibling, settings) if sibling else "no sibling") if reversed_ else ""
        called = answer.verdict == "contradicted"
        rows.append({"id": pair["id"], "reversed": reversed_, "swap": swap, "called": called,
                     "why": reason_kind(pair["claim"], passages, answer, settings) if called else "",
                     "reason": answer.reason, "claim": pair["claim"]})
    return {"pairs": len(pairs), "seconds": round(seconds, 2), **scores(rows), "rows": rows}


def scores(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Precision, recall and F1 of `called` against `reversed`, recall by swap, and by reason."""
    called = [row for row in rows if row["called"]]
    hits = sum(row["reversed"] for row in called)
    positives = sum(row["reversed"] for row in rows)
    precision = hits / len(called) if called else 0.0
    recall = hits / positives if positives else 0.0
    true_pairs = [row for row in rows if not row["reversed"]]
    by_swap = {}
    for swap in (*SWAPS, "no sibling"):
        members = [row for row in rows if row["reversed"] and row["swap"] == swap]
        if members:
            by_swap[swap] = {"n": len(members), "caught": sum(row["called"] for row in members)}
    by_reason: dict[str, dict[str, int]] = {}
    for row in called:
        entry = by_reason.setdefault(row["why"], {"called": 0, "right": 0})
        entry["called"] += 1
        entry["right"] += row["reversed"]
    share = positives / len(rows) if rows else 0.0
    return {"called": len(called), "precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "false_contradictions": sum(row["called"] for row in true_pairs), "true_pairs": len(true_pairs),
            # calling every pair contradicted: precision is the share of counter-claims, recall 1
            "all_contradicted_f1": 2 * share / (1 + share) if share else 0.0,
            "recall_by_swap": by_swap, "by_reason": dict(sorted(by_reason.items()))}


def _print(split: str, result: Mapping[str, Any], show: int) -> None:
    print(f"CovidFact {split}{' (held out: measured only)' if split in HELD_OUT else ''}: {result['pairs']} pairs "
          f"in {result['seconds']} s")
    print(f"  contradicted: {result['called']} pairs  precision {result['precision']:.3f}  recall "
          f"{result['recall']:.3f}  F1 {result['f1']:.3f}   (every pair contradicted: F1 "
          f"{result['all_contradicted_f1']:.3f})")
    print(f"  true claims called contradicted: {result['false_contradictions']} of {result['true_pairs']}")
    swaps = "  ".join(f"{swap} {entry['caught']}/{entry['n']}" for swap, entry in result["recall_by_swap"].items())
    print(f"  counter-claims caught, by the word swapped: {swaps}")
    reasons = "  ".join(f"{why} {entry['right']}/{entry['called']}" for why, entry in result["by_reason"].items())
    print(f"  right/called, by the verdict's reason: {reasons}")
    if show and split not in HELD_OUT:
        wrong = [row for row in result["rows"] if row["called"] and not row["reversed"]][:show]
        for row in wrong:
            print(f"    false: {row['claim'][:150]}\n           {row['reason'][:200]}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=sorted(FILES), action="append", help="train, dev (default: both)")
    parser.add_argument("--config", help="a settings file layered on the defaults")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="list N true claims called contradicted (development split only)")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON object")
    parser.add_argument("--eval-dir", type=Path, default=COVIDFACT.parent, help="a folder laid out like ../shared/eval")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    splits = args.split or ["train", "dev"]
    if args.show and any(split in HELD_OUT for split in splits):
        print("note: --show lists nothing of a held-out split", file=sys.stderr)
    results = {}
    for split in splits:
        path = args.eval_dir / "covidfact" / FILES[split]
        if not path.is_file():
            print(f"error: {path} is not here", file=sys.stderr)
            return 2
        results[split] = measure(load_pairs(split, args.eval_dir / "covidfact"), settings)
    if args.json:
        print(json.dumps({split: {key: value for key, value in result.items() if key != "rows"}
                          for split, result in results.items()}, indent=1))
    else:
        for split, result in results.items():
            _print(split, result, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
