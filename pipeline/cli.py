"""The `claimcheck` command: parse, call the runner, print a summary. Nothing else.

Every expected failure is a PipelineError; it becomes one line on stderr and exit status 2.
Exit status: 0 ran; 1 ran and found a flag at or above --fail-on; 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from .batch import VERBS, run_batch
from .config import load_settings
from .errors import PipelineError, UsageError
from .records import SEVERITY_RANK, Report
from .runner import CheckRequest, SilentProgress, check_article

PROG = "claimcheck"
EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line (and exit 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    """The command line of the contract (../shared/design/CONTRACT.md)."""
    parser = _Parser(prog=PROG, description="Check a health article's claims against the sources it cites.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    check = commands.add_parser(
        "check",
        help="check one article (file or URL) and write its reports",
        description="Check one article and write report.json, report.md, report.html, graph.graphml "
        "and the archive of its sources.",
        epilog="example: claimcheck check fixtures/intimacy/intimacy-draft.md --offline",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("article", metavar="ARTICLE", help="a .md, .txt, .html or .docx file, or an http(s) URL")
    check.add_argument("--out", type=Path, metavar="DIR", help="output folder (default outputs/<article-slug>/)")
    check.add_argument("--config", type=Path, metavar="FILE", help="settings file layered over the defaults")
    check.add_argument("--archive", type=Path, metavar="PATH", help="replay sources from this WARC; no network")
    check.add_argument("--offline", action="store_true", help="replay from the article's own archive (<stem>.warc.gz)")
    check.add_argument(
        "--allow-private-hosts",
        action="store_true",
        help="let sources resolve to loopback/private addresses (tests, intranets)",
    )
    check.add_argument(
        "--fail-on",
        choices=("low", "medium", "high"),
        help="exit 1 when a flag of this severity or worse is found",
    )
    check.add_argument("--quiet", action="store_true", help="no progress on stderr")
    check.set_defaults(handler=_run_check)

    examples = {
        "evidence": ('score and judge passages for a claim', '{"id": "1", "claim": "...", "passages": ["...", "..."]}'),
        "strength": ("claim strength of a sentence", '{"id": "1", "text": "Coffee was associated with lower risk."}'),
        "compare": ("does a claim overstate its source", '{"id": "1", "claim": "...", "source": "..."}'),
    }
    for verb, (summary, example) in examples.items():
        batch_parser = commands.add_parser(
            verb,
            help=f"{summary} (JSON Lines in and out)",
            description=f"{summary[0].upper()}{summary[1:]}: one JSON object per line in, one per line out. "
            "A malformed line gets an error line; the others still run.",
            epilog=f"example input line:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        batch_parser.add_argument("--input", type=Path, metavar="FILE", help="read lines from FILE (default stdin)")
        batch_parser.add_argument("--output", type=Path, metavar="FILE", help="write lines to FILE (default stdout)")
        batch_parser.add_argument("--config", type=Path, metavar="FILE", help="settings file layered over the defaults")
        batch_parser.set_defaults(handler=_run_batch, verb=verb)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    # SIGTERM (a scheduler stopping us) ends the run the same way Ctrl-C does: atomic writes
    # mean nothing half-written is left behind either way.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except PipelineError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; earlier outputs are intact", file=sys.stderr)
        return EXIT_INTERRUPTED


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run_check(args: argparse.Namespace) -> int:
    if args.offline and args.archive:
        raise UsageError("give either --offline or --archive, not both")
    settings = load_settings(args.config)
    if args.allow_private_hosts:
        settings = settings.with_fetch(allow_private_hosts=True)
    request = CheckRequest(article=args.article, out_dir=args.out, archive=args.archive, offline=args.offline)
    progress = SilentProgress() if args.quiet else _progress_for(sys.stderr)
    started = time.monotonic()
    with progress:
        outcome = check_article(request, settings, progress)
    print(_summary_line(outcome.report, outcome.outputs["html"], time.monotonic() - started))
    if args.fail_on and _worst_severity(outcome.report) >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FLAGGED
    return EXIT_OK


def _run_batch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    source = _open_input(args.input)
    # Lines are written and flushed as they are answered, so an interrupted batch keeps
    # every answer it already gave.
    target = sys.stdout if args.output is None else _open_output(args.output)
    try:
        for answer in run_batch(VERBS[args.verb], source, settings):
            target.write(answer + "\n")
            target.flush()
    finally:
        if source is not sys.stdin:
            source.close()
        if target is not sys.stdout:
            target.close()
    return EXIT_OK


def _open_input(path: Path | None) -> TextIO:
    if path is None:
        return sys.stdin
    try:
        return path.open(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None


def _open_output(path: Path) -> TextIO:
    try:
        return path.open("w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def _worst_severity(report: Report) -> int:
    return max((SEVERITY_RANK[flag.severity] for flag in report.flags), default=-1)


def _summary_line(report: Report, html_path: Path, seconds: float) -> str:
    verdicts = Counter(judgement.verdict for judgement in report.judgements)
    severities = Counter(flag.severity for flag in report.flags)
    unavailable = sum(1 for source in report.sources if source.status != "ok")
    verdict_text = ", ".join(f"{count} {verdict}" for verdict, count in verdicts.most_common())
    severity_text = ", ".join(f"{severities[name]} {name}" for name in ("high", "medium", "low", "info") if severities[name])
    return (
        f"{len(report.article.claims)} claims ({verdict_text}); "
        f"{len(report.flags)} flags ({severity_text or 'none'}); "
        f"{len(report.sources)} sources, {unavailable} unavailable; "
        f"{seconds:.1f} s -> {html_path}"
    )


def _progress_for(stream: TextIO) -> SilentProgress:
    return _RichProgress(stream) if stream.isatty() else _LineProgress(stream)


class _LineProgress(SilentProgress):
    """Plain lines, one per stage, for logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started: dict[str, float] = {}
        self._steps: Counter[str] = Counter()

    def start(self, stage: str, total: int | None = None) -> None:
        self._started[stage] = time.monotonic()
        self._steps[stage] = 0

    def advance(self, stage: str, detail: str = "") -> None:
        self._steps[stage] += 1

    def finish(self, stage: str) -> None:
        seconds = time.monotonic() - self._started.get(stage, time.monotonic())
        steps = f" {self._steps[stage]} items" if self._steps[stage] else ""
        print(f"{PROG}: {stage}{steps} done in {seconds:.2f} s", file=self._stream, flush=True)


class _RichProgress(SilentProgress):
    """A bar per stage on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bars = Progress(
            TextColumn("{task.description:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> _RichProgress:
        self._bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.__exit__(*exc)

    def start(self, stage: str, total: int | None = None) -> None:
        self._tasks[stage] = self._bars.add_task(stage, total=total or 1)

    def advance(self, stage: str, detail: str = "") -> None:
        self._bars.advance(self._tasks[stage])

    def finish(self, stage: str) -> None:
        task = self._tasks[stage]
        self._bars.update(task, completed=self._bars.tasks[task].total)
