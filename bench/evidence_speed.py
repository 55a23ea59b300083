"""Throughput of `claimcheck evidence`: claims judged per second for 12-sentence abstracts.

Run from the repository root:

    .venv/bin/python bench/evidence_speed.py               # 1,000 claims, 1 and 2 processes
    .venv/bin/python bench/evidence_speed.py --claims 3000

The input: Check-COVID claims (../shared/eval/check_covid, train and dev) each with a
passage list of exactly 12 sentences: its own abstract, cut at 12 or filled up with the
sentences of the abstracts that follow it in the corpus. Written once to a temporary JSON
Lines file, then:

  * in process: `pipeline.batch.evidence_line` over every line (one core; no start-up);
  * command line: the file through `claimcheck evidence --input F --output G` as one
    process, and as two processes each given half the lines, run at the same time (the
    2-core figure: claims / wall time of the slower half). Start-up time is included.

Numbers vary with the machine and with what else runs on it; report them with the date.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from evidence_eval import load_claims, load_corpus  # noqa: E402

from pipeline.batch import evidence_line  # noqa: E402
from pipeline.config import load_settings  # noqa: E402

SENTENCES = 12


def twelve_sentence_lines(count: int) -> list[dict[str, object]]:
    """`count` evidence-verb lines, each with exactly 12 passages (see the module docstring)."""
    corpus = load_corpus()
    order = list(corpus)
    place = {cord_id: n for n, cord_id in enumerate(order)}
    claims = load_claims("train") + load_claims("dev")
    lines = []
    for n in range(count):
        claim = claims[n % len(claims)]
        sentences: list[str] = []
        at = place[claim["cord_id"]]
        while len(sentences) < SENTENCES:
            sentences.extend(corpus[order[at % len(order)]]["abstract"])
            at += 1
        lines.append({"id": f"{claim['id']}#{n}", "claim": claim["claim"], "passages": sentences[:SENTENCES]})
    return lines


def _cli(inputs: list[Path], outputs: list[Path]) -> float:
    """Run one `claimcheck evidence` process per input at once; the wall time of all."""
    command = [str(ROOT / ".venv" / "bin" / "claimcheck"), "evidence"]
    started = time.perf_counter()
    processes = [subprocess.Popen([*command, "--input", str(src), "--output", str(dst)])
                 for src, dst in zip(inputs, outputs)]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"claimcheck evidence failed ({process.returncode})")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Command line entry (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--claims", type=int, default=1000)
    args = parser.parse_args(argv)
    lines = twelve_sentence_lines(args.claims)
    settings = load_settings()
    evidence_line(lines[0], settings)  # load the models and lexicons before timing
    started = time.perf_counter()
    for line in lines:
        evidence_line(line, settings)
    in_process = len(lines) / (time.perf_counter() - started)
    print(f"in process, 1 core: {in_process:.0f} claims/s ({len(lines)} claims, {SENTENCES} sentences each)")

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        whole = base / "all.jsonl"
        whole.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        halves = [base / "a.jsonl", base / "b.jsonl"]
        for n, half in enumerate(halves):
            half.write_text("".join(json.dumps(line) + "\n" for line in lines[n::2]), encoding="utf-8")
        one = _cli([whole], [base / "all.out"])
        print(f"claimcheck evidence, 1 process: {len(lines) / one:.0f} claims/s (wall {one:.2f} s, start-up included)")
        two = _cli(halves, [base / "a.out", base / "b.out"])
        print(f"claimcheck evidence, 2 processes on 2 cores: {len(lines) / two:.0f} claims/s (wall {two:.2f} s)")
        answers = [json.loads(row) for row in (base / "all.out").read_text(encoding="utf-8").splitlines()]
        errors = sum("error" in answer for answer in answers)
        print(f"answers: {len(answers)} lines, {errors} errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
