"""Wall time and peak memory of the demo: `claimcheck check` on the bundled intimacy draft,
offline (its sources replayed from the committed archive), as `make demo` runs it.

Run from the repository root:

    .venv/bin/python bench/demo_speed.py            # 5 runs
    .venv/bin/python bench/demo_speed.py --runs 10

Each run is a fresh process (`.venv/bin/claimcheck`), so start-up and imports are counted;
its peak resident memory is the child's ru_maxrss (os.wait4). The targets (issue 11): under
2 s wall and under 400 MB peak RSS on 2 cores. Numbers vary with what else runs on the
machine: the script prints the load average beside them; report them with the date.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "intimacy" / "intimacy-draft.md"


def one_run(out: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one `claimcheck check` of the demo."""
    command = [str(ROOT / ".venv" / "bin" / "claimcheck"), "check", str(DEMO), "--offline", "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: flags at or above --fail-on
        sys.exit(f"claimcheck check failed with status {status}: {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="demo-speed-") as folder:
        for run in range(args.runs):
            results.append(one_run(Path(folder) / f"run{run}"))
    walls = [wall for wall, _ in results]
    peaks = [peak for _, peak in results]
    print(f"demo check, {args.runs} runs (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  wall s: median {statistics.median(walls):.2f}  min {min(walls):.2f}  max {max(walls):.2f}   target < 2")
    print(f"  peak RSS MiB: median {statistics.median(peaks):.0f}  max {max(peaks):.0f}   target < 400")


if __name__ == "__main__":
    main()
