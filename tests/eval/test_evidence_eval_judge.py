"""bench/evidence_eval.py --judge openai:MODEL, end to end, against a loopback endpoint that
answers from a fixed table: the verdict numbers it prints are exactly the ones the table
implies (computed here, independently of the bench's own arithmetic), and the ranking numbers
are the default judge's (the judge does not rank). The data is a small set written for this
test in the layout of ../shared/eval, so the test needs nothing from outside the repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from chat_endpoint import CHAT_PATH, TableEndpoint, judge_config
from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import evidence_eval  # noqa: E402

# (claim, gold label, the stance the table gives every passage of it). Abstracts below.
CASES = [
    ("Eating oats every day lowers LDL cholesterol in adults.", "SUPPORT", "supports", "oats"),
    ("Daily oat bran raises LDL cholesterol in adults.", "REFUTE", "contradicts", "oats"),
    ("Oat breakfasts improve sleep quality in adults.", "NOTENOUGHINFO", "unrelated", "oats"),
    ("Standing desks reduce back pain among office workers.", "SUPPORT", "partially_supports", "desks"),
    ("Standing desks increase back pain among office workers.", "REFUTE", "related", "desks"),
    ("Standing desks raise typing speed of office workers.", "NOTENOUGHINFO", "supports", "desks"),
    ("Green tea extract speeds weight loss in overweight women.", "SUPPORT", "contradicts", "tea"),
    ("Green tea extract slows weight loss in overweight women.", "REFUTE", "contradicts", "tea"),
    ("Green tea extract improves memory in overweight women.", "NOTENOUGHINFO", "related", "tea"),
]
ABSTRACTS = {
    "oats": ["We randomised 120 adults with raised cholesterol to oats or wheat for eight weeks.",
             "Daily oats lowered LDL cholesterol by 7 percent compared with wheat.",
             "Sleep was not measured in this trial.",
             "Adherence to the oat breakfast was high."],
    "desks": ["Office workers received a standing desk or kept their usual desk for six months.",
              "Back pain scores fell in the standing desk group.",
              "Typing speed was recorded at the start only.",
              "Workers liked the standing desks."],
    "tea": ["Overweight women took green tea extract or a placebo for twelve weeks.",
            "Weight loss was faster with the extract than with placebo.",
            "Memory was not assessed.",
            "Side effects were mild in both groups."],
}
# SciFact pairs: (evidence, claim, gold entailment); their stances come from the same table.
PAIRS = [
    ("Daily oats lowered LDL cholesterol by 7 percent compared with wheat.", CASES[0][0], "entailment"),
    ("Back pain scores fell in the standing desk group.", CASES[3][0], "entailment"),
    ("Weight loss was faster with the extract than with placebo.", CASES[7][0], "not_entailment"),
    ("Typing speed was recorded at the start only.", CASES[5][0], "not_entailment"),
    ("Memory was not assessed.", CASES[8][0], "not_entailment"),
]
# What each stance makes of a claim through the verdict and the bench's label mapping.
LABEL_OF_STANCE = {"supports": "SUPPORT", "partially_supports": "SUPPORT", "contradicts": "REFUTE",
                   "related": "NOTENOUGHINFO", "unrelated": "NOTENOUGHINFO"}
VERDICT_OF_STANCE = {"supports": "supported", "partially_supports": "partially_supported",
                     "contradicts": "contradicted", "related": "unsupported", "unrelated": "unsupported"}


def _write_data(folder: Path) -> Path:
    covid = folder / "check_covid"
    covid.mkdir(parents=True)
    with (covid / "corpus.json").open("w", encoding="utf-8") as handle:
        for cord_id, sentences in ABSTRACTS.items():
            handle.write(json.dumps({"cord_id": cord_id, "title": cord_id, "abstract": sentences}) + "\n")
    with (covid / evidence_eval.SPLITS["dev"]).open("w", encoding="utf-8") as handle:
        for number, (claim, label, _, cord_id) in enumerate(CASES):
            handle.write(json.dumps({"id": f"c{number}", "claim": claim, "cord_id": cord_id, "label": label,
                                     "evidence_set": [{"sent_index": 1, "type": "PRIMARY"}]}) + "\n")
    pairs = folder / evidence_eval.SCIFACT_FILE
    pairs.parent.mkdir(parents=True)
    rows = ["index\tsentence1\tsentence2\tentailment"]
    rows += [f"{number}\t{evidence}\t{claim}\t{gold}" for number, (evidence, claim, gold) in enumerate(PAIRS)]
    pairs.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _expected_macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """(macro-F1 over the three labels, accuracy), counted from scratch."""
    scores = []
    for label in ("SUPPORT", "REFUTE", "NOTENOUGHINFO"):
        hits = sum(1 for g, p in zip(gold, predicted) if g == p == label)
        said = sum(1 for p in predicted if p == label)
        true = sum(1 for g in gold if g == label)
        precision, recall = (hits / said if said else 0.0), (hits / true if true else 0.0)
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / 3, sum(1 for g, p in zip(gold, predicted) if g == p) / len(gold)


def _bench(capsys, *argv: str) -> dict:
    assert evidence_eval.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_bench_numbers_follow_the_endpoints_table(loopback: LoopbackServer, tmp_path: Path, capsys) -> None:
    data = _write_data(tmp_path / "eval")
    endpoint = TableEndpoint({claim: stance for claim, _, stance, _ in CASES})
    loopback.respond(CHAT_PATH, endpoint)
    config = judge_config(loopback, tmp_path)
    measured = _bench(capsys, "--judge", "openai:table-model", "--config", config, "--eval-dir", str(data))
    default = _bench(capsys, "--eval-dir", str(data))

    # Every claim was put to the endpoint, and decided by it.
    assert set(endpoint.claims) >= {claim for claim, *_ in CASES}
    result = measured["check_covid"]
    assert measured["judge"] == "openai:table-model"
    assert result["judged_by"] == {"fallback": 0, "openai:table-model": len(CASES)}

    gold = [label for _, label, _, _ in CASES]
    predicted = [LABEL_OF_STANCE[stance] for _, _, stance, _ in CASES]
    macro, accuracy = _expected_macro_f1(gold, predicted)
    assert result["verdict"]["macro_f1"] == pytest.approx(macro, abs=1e-12)
    assert result["verdict"]["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    expected_verdicts: dict[str, int] = {}
    for _, _, stance, _ in CASES:
        expected_verdicts[VERDICT_OF_STANCE[stance]] = expected_verdicts.get(VERDICT_OF_STANCE[stance], 0) + 1
    assert result["verdicts_given"] == expected_verdicts
    assert result["verdict"]["confusion"] == {
        key: sum(1 for g, p in zip(gold, predicted) if f"{g}->{p}" == key) for key in {f"{g}->{p}" for g, p in
                                                                                      zip(gold, predicted)}}
    # The judge does not rank: the ranking numbers are the default judge's.
    assert result["ranking"] == default["check_covid"]["ranking"]

    stance_of = {claim: stance for claim, _, stance, _ in CASES}
    entailed = [VERDICT_OF_STANCE[stance_of[claim]] in ("supported", "partially_supported") for _, claim, _ in PAIRS]
    gold_pairs = [gold_label == "entailment" for *_, gold_label in PAIRS]
    scifact = measured["scifact"]["all"]  # every pair; the halves of bench/splits.py are beside it
    assert scifact["accuracy"] == pytest.approx(sum(g == p for g, p in zip(gold_pairs, entailed)) / len(PAIRS))
    true_positive = sum(g and p for g, p in zip(gold_pairs, entailed))
    assert scifact["entailment_precision"] == pytest.approx(true_positive / sum(entailed))
    assert scifact["entailment_recall"] == pytest.approx(true_positive / sum(gold_pairs))
    # And the numbers differ from the default judge's where the table disagrees with it.
    assert result["verdict"] != default["check_covid"]["verdict"] or result["verdicts_given"] != \
        default["check_covid"]["verdicts_given"]


def test_an_endpoint_that_is_down_leaves_every_claim_to_the_default_judge(tmp_path: Path, capsys) -> None:
    data = _write_data(tmp_path / "eval")
    with LoopbackServer() as server:
        config = judge_config(server, tmp_path, retries=0)
    # The server is stopped: nothing answers at its address.
    measured = _bench(capsys, "--judge", "openai:table-model", "--config", config, "--eval-dir", str(data))
    default = _bench(capsys, "--eval-dir", str(data))
    assert measured["check_covid"]["judged_by"] == {"default": len(CASES), "fallback": len(CASES)}
    assert measured["check_covid"]["verdict"] == default["check_covid"]["verdict"]
