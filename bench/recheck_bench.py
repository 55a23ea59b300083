"""Benchmark: re-check 100 stored articles whose sources all answer "304 Not Modified".

Setup (not timed as the re-check): a loopback HTTP server serves generated source pages, each
with an ETag; 100 generated articles (ARTICLE_CLAIMS claims citing SOURCES_PER_ARTICLE pages
of their own) are checked once with `check_and_record(...)`, which records them.

Timed: `claimcheck recheck --db DB --quiet --allow-private-hosts` as a separate process, wall
clock, interpreter start-up included. Every source is asked conditionally and answers 304, so
the time is reading articles, sending conditional requests, reading stored snapshots back from
their WARCs, extract + match + assess, and recording 100 runs.

    .venv/bin/python bench/recheck_bench.py [--articles 100] [--workers N]

Target (issue 6): under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from loopback import LoopbackServer, Reply  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.runner import CheckRequest  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.store.record import check_and_record  # noqa: E402

ARTICLE_CLAIMS = 8
SOURCES_PER_ARTICLE = 4
PARAGRAPHS_PER_PAGE = 12

_SUBJECTS = [
    "Adults who walked daily",
    "People who slept seven hours",
    "Older women taking vitamin D",
    "Children eating breakfast",
    "Patients with mild asthma",
    "Runners over fifty",
    "Office workers who stood more",
    "Teenagers limiting screen time",
    "Smokers who quit",
    "Adults eating more fibre",
]
_OUTCOMES = [
    "lower resting blood pressure",
    "fewer colds over winter",
    "better scores on memory tests",
    "less back pain",
    "a lower risk of type 2 diabetes",
    "improved sleep quality",
    "fewer hospital admissions",
    "a smaller rise in cholesterol",
    "more stable mood",
    "stronger bones at the hip",
]
_DESIGNS = [
    "in a randomised trial of {n} people",
    "in a cohort study following {n} people",
    "in a survey of {n} people",
    "in a twelve-week trial of {n} volunteers",
]


def _finding(rng: random.Random) -> tuple[str, str]:
    """A source sentence and the claim an article makes from it."""
    subject, outcome = rng.choice(_SUBJECTS), rng.choice(_OUTCOMES)
    design = rng.choice(_DESIGNS).format(n=rng.randint(80, 4000))
    weeks = rng.randint(4, 52)
    source = f"{subject} had {outcome} after {weeks} weeks {design}."
    claim = f"{subject} had {outcome} after {weeks} weeks"
    return source, claim


def _page(title: str, findings: list[str], rng: random.Random) -> bytes:
    filler = [
        f"{rng.choice(_SUBJECTS)} were compared with a control group, and the authors describe "
        f"{rng.choice(_OUTCOMES)} as a secondary outcome worth further study."
        for _ in range(PARAGRAPHS_PER_PAGE)
    ]
    paragraphs = filler[: PARAGRAPHS_PER_PAGE // 2] + findings + filler[PARAGRAPHS_PER_PAGE // 2 :]
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\n{body}</article></body></html>"
    ).encode()


def build(server: LoopbackServer, folder: Path, count: int, seed: int = 6) -> list[Path]:
    """Serve the pages of `count` generated articles; write the articles; return their paths."""
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        claims, references = [], []
        for source in range(1, SOURCES_PER_ARTICLE + 1):
            pairs = [_finding(rng) for _ in range(ARTICLE_CLAIMS // SOURCES_PER_ARTICLE)]
            path = f"/a{number}/s{source}"
            page = _page(f"Study {number}-{source}", [text for text, _ in pairs], rng)
            server.add(path, Reply(body=page, etag=f'"{number}-{source}-v1"'))
            references.append(f"{source}. Study {number}-{source}. {server.url(path)}")
            claims += [f"{claim} [{source}]." for _, claim in pairs]
        article = folder / f"article-{number:03d}.md"
        article.write_text(
            f"# Health findings {number}\n\n" + "\n".join(claims) + "\n\n## Sources\n" + "\n".join(references) + "\n"
        )
        articles.append(article)
    return articles


def main() -> None:
    """Set up, time the re-check, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--workers", type=int, default=None, help="override [recheck] workers")
    args = parser.parse_args()
    settings = load_settings().with_fetch(allow_private_hosts=True)
    with tempfile.TemporaryDirectory() as temp, LoopbackServer() as server:
        folder = Path(temp)
        articles = build(server, folder, args.articles)
        db = folder / "runs.db"
        started = time.monotonic()
        for article in articles:
            check_and_record(CheckRequest(article=str(article), out_dir=folder / "out" / article.stem), settings, db)
        setup = time.monotonic() - started
        before = server.hits()
        command = [
            sys.executable,
            "-m",
            "pipeline",
            "recheck",
            "--db",
            str(db),
            "--out",
            str(folder / "recheck"),
            "--quiet",
            "--allow-private-hosts",
        ]
        if args.workers is not None:
            config = folder / "workers.toml"
            config.write_text(f"[recheck]\nworkers = {args.workers}\n")
            command += ["--config", str(config)]
        cpu_before = os.times()
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        wall = time.monotonic() - started
        cpu_after = os.times()
        cpu = (cpu_after.children_user - cpu_before.children_user) + (
            cpu_after.children_system - cpu_before.children_system
        )
        if done.returncode != 0:
            sys.exit(f"recheck failed ({done.returncode}): {done.stderr}")
        summary = json.loads((folder / "recheck" / "recheck.json").read_text())["summary"]
        requests = server.hits() - before
        with Store(db, settings.recheck) as store:
            runs = store.count("runs")
    sources = args.articles * SOURCES_PER_ARTICLE
    print(
        f"articles {args.articles}, {ARTICLE_CLAIMS} claims and {SOURCES_PER_ARTICLE} sources each ({sources} sources)"
    )
    print(f"setup: first checks recorded in {setup:.1f} s")
    print(f"recheck wall time: {wall:.2f} s ({wall / args.articles * 1000:.0f} ms per article), cpus {os.cpu_count()}")
    print(f"recheck CPU time (all its processes): {cpu:.2f} s; load average after: {os.getloadavg()[0]:.2f}")
    print(f"requests during recheck: {requests}; answered 304: {summary['sources_not_modified']} of {sources}")
    print(f"runs in the store: {runs}; verdict changes {summary['verdict_changes']}, new flags {summary['new_flags']}")
    print(f"target < 20 s: {'met' if wall < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
