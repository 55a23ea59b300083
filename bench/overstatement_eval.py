"""How often the assess checks catch the way a claim misrepresents the study it cites, on MISSCI.

Run from the repository root:

    .venv/bin/python bench/overstatement_eval.py            # counts per fallacy class
    .venv/bin/python bench/overstatement_eval.py --show     # each argument with its flags
    .venv/bin/python bench/overstatement_eval.py --json

MISSCI (Glockner et al., ACL 2024; ../shared/eval/missci/dev.missci.jsonl, Apache-2.0) gives 30
arguments: a claim from the wild, what the study it cites really showed (`accurate_premise_p0`)
and the fallacies that lead from one to the other, each with the fact-checker's note on the study
(that the results come from one occupation, or from animals or cells). Each argument becomes one claim citing one peer-reviewed source whose text is the
accurate premise and those notes (the study as a fact-checker describes it; its designs read by
extract's design cues), and is run through the match and assess stages as `claimcheck check`
runs them. Printed per fallacy class: the arguments of the class, and how many raise
CAUSAL_OVERSTATEMENT, GENERALIZATION, CERTAINTY_OVERSTATEMENT, and any of the three.

This is a development look, not a held-out score: the set is small (30 arguments), there is no
other half, and all of it was used while developing the checks (docs/reading.md says which
numbers came from it). A class's count is how much of that fallacy shows in the wording at all;
the classes overlap (one argument has several fallacies), so an argument counts in each of its
classes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.assess.assessor import assess_claims  # noqa: E402
from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.extract.designs import detect_study_designs  # noqa: E402
from pipeline.language.text import sentence_spans  # noqa: E402
from pipeline.match.matcher import match_claims  # noqa: E402
from pipeline.records import Article, Claim, Passage, Source  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "missci" / "dev.missci.jsonl"
CODES = ("CAUSAL_OVERSTATEMENT", "GENERALIZATION", "CERTAINTY_OVERSTATEMENT")


def arguments(path: Path = DATA) -> list[dict[str, Any]]:
    """The MISSCI arguments, as the file gives them."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def study_source(argument: dict[str, Any], settings: Settings) -> Source:
    """The cited study as a fact-checker describes it: its accurate premise and the notes of
    every fallacy, one passage a sentence."""
    body = argument["argument"]
    notes = [fallacy["fallacy_context"].strip() for fallacy in body["fallacies"] if fallacy["fallacy_context"].strip()]
    text = " ".join([body["accurate_premise_p0"]["premise"].strip(), *notes])
    spans = sentence_spans(text)
    passages = tuple(Passage(f"1:p{number}", "1", text[start:end], start, end, text[start:end])
                     for number, (start, end) in enumerate(spans, start=1))
    designs = detect_study_designs(text, settings.lexicon("study_designs"))
    return Source("1", argument.get("study", {}).get("url", "https://study.example.org/"), "ok", text=text,
                  passages=passages, kind="peer_reviewed", study_designs=designs, title="")


def flags_of(argument: dict[str, Any], settings: Settings) -> set[str]:
    """The flag codes assess raises on the argument's claim cited to its study."""
    text = argument["argument"]["claim"].strip()
    claim = Claim("c1", text, "claim", 0, len(text), ("1",))
    source = study_source(argument, settings)
    evidence, judgements = match_claims([claim], [source], settings)
    flags = assess_claims(Article("missci", "missci", "0", text, (claim,), ()), [source], evidence, judgements, settings)
    return {flag.code for flag in flags}


def classes_of(argument: dict[str, Any]) -> set[str]:
    """The fallacy classes of an argument."""
    return {entry["class"] for fallacy in argument["argument"]["fallacies"]
            for entry in fallacy["interchangeable_fallacies"]}


def run(settings: Settings, path: Path = DATA) -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    """{fallacy class: counts} and one row per argument."""
    table: dict[str, Counter[str]] = {}
    rows = []
    for argument in arguments(path):
        raised = flags_of(argument, settings)
        classes = classes_of(argument)
        rows.append({"id": argument["id"], "claim": argument["argument"]["claim"], "classes": sorted(classes),
                     "flags": sorted(raised & set(CODES))})
        for name in [*sorted(classes), "(all arguments)"]:
            counts = table.setdefault(name, Counter())
            counts["arguments"] += 1
            for code in CODES:
                counts[code] += code in raised
            counts["any"] += bool(raised & set(CODES))
    return table, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="each argument with the flags it raised")
    parser.add_argument("--json", action="store_true", help="the counts as JSON")
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"no MISSCI data at {DATA}", file=sys.stderr)
        return 2
    table, rows = run(load_settings())
    if args.json:
        print(json.dumps({name: dict(counts) for name, counts in table.items()}, indent=1))
        return 0
    if args.show:
        for row in rows:
            print(f"{row['id']:8} {', '.join(row['flags']) or '-':60} {row['claim'][:90]}")
            print(f"{'':8} classes: {', '.join(row['classes'])}")
    print(f"{'fallacy class':40} {'args':>5} {'causal':>7} {'general':>8} {'certain':>8} {'any':>5}")
    order = sorted(table, key=lambda name: (name != "(all arguments)", -table[name]["arguments"], name))
    for name in order:
        counts = table[name]
        print(f"{name:40} {counts['arguments']:5} {counts['CAUSAL_OVERSTATEMENT']:7} {counts['GENERALIZATION']:8} "
              f"{counts['CERTAINTY_OVERSTATEMENT']:8} {counts['any']:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
