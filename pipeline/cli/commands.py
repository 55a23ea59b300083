"""What each command does once its arguments are parsed: one function per command (the
parser in pipeline.cli.parser names them as handlers), each calling the runner, the re-check,
the store or the desk, and printing a summary."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import match
from ..batch import MANY, VERBS, batch_window, run_batch
from ..config import Settings, load_settings
from ..errors import UsageError
from ..progress import SilentProgress, progress_for
from ..records import SEVERITY_RANK, Judgement, Report
from ..store import DEFAULT_DB

if TYPE_CHECKING:
    from ..recheck import ArticleRecheck


# The stages (runner, recheck) are imported inside the commands that run them: the batch
# verbs need none of them, and a script calling `claimcheck strength` once per sentence
# should not pay a second of start-up for trafilatura and networkx each time.

PROG = "claimcheck"
# The run store when --db is not given: $CLAIMCHECK_DB, else outputs/claimcheck.db.
DB_VARIABLE = "CLAIMCHECK_DB"
DEFAULT_RECHECK_OUT = Path("outputs") / "recheck"
# Who decides at the desk when --reviewer is not given: $CLAIMCHECK_REVIEWER, else the login name.
REVIEWER_VARIABLE = "CLAIMCHECK_REVIEWER"
EXIT_OK, EXIT_FLAGGED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_check(args: argparse.Namespace) -> int:
    """`claimcheck check`: check one article, record the run unless --no-db, print a summary."""
    from ..runner import CheckRequest
    from ..store.record import check_and_record

    if args.offline and args.archive:
        raise UsageError("give either --offline or --archive, not both")
    settings = match.choose_judge(load_settings(args.config), args.judge)
    if args.allow_private_hosts:
        settings = settings.with_fetch(allow_private_hosts=True)
    if args.no_db and args.db:
        raise UsageError("give either --db PATH or --no-db, not both")
    db = None if args.no_db else _db_path(args)
    request = CheckRequest(article=args.article, out_dir=args.out, archive=args.archive, offline=args.offline)
    progress = SilentProgress() if args.quiet else progress_for(sys.stderr, PROG)
    started = time.monotonic()
    with progress:
        outcome = check_and_record(request, settings, db, progress)
    _say_fallbacks(outcome.report.judgements)
    print(_summary_line(outcome.report, outcome.outputs["html"], time.monotonic() - started))
    if args.fail_on and _worst_severity(outcome.report) >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FLAGGED
    return EXIT_OK


def _db_path(args: argparse.Namespace) -> Path:
    return args.db or Path(os.environ.get(DB_VARIABLE) or DEFAULT_DB)


def run_recheck(args: argparse.Namespace) -> int:
    """`claimcheck recheck`: re-check recorded articles (all, some, or the due ones) and report changes."""
    from ..recheck import due_articles, recheck_articles, resolve_articles, system_clock
    from ..recheck.report import write_recheck
    from ..store import Store

    if args.due and args.articles:
        raise UsageError("give ARTICLE ... or --due, not both")
    settings = match.choose_judge(_settings(args.config, allow_private_hosts=args.allow_private_hosts), args.judge)
    match.get_judge(settings)  # a judge that cannot be used is one error line before any article is read
    with Store(_db_path(args), settings.recheck, create=False) as store:
        if args.due:
            articles = due_articles(
                store.articles(watched_only=True), system_clock(), settings.recheck.due_early_minutes
            )
        elif args.articles:
            articles = resolve_articles(store, args.articles)
        else:
            articles = store.articles()
        if not articles:
            print("nothing to re-check: " + ("no watched article is due" if args.due else "the run store is empty"))
            return EXIT_OK
        total = len(articles)
        done = iter(range(1, total + 1))

        def report_progress(result: ArticleRecheck) -> None:
            if not args.quiet:
                print(
                    f"{PROG}: recheck {next(done)}/{total} {_one_line(result.location)}: {_changes_text(result)}",
                    file=sys.stderr,
                    flush=True,
                )

        started = time.monotonic()
        outcome = recheck_articles(store, articles, settings, on_article=report_progress)
    paths = write_recheck(outcome, args.out or DEFAULT_RECHECK_OUT)
    changed = sum(1 for result in outcome.articles if _changes_text(result) != "no change")
    print(
        f"{total} article{'s' if total != 1 else ''} re-checked, {changed} with changes; "
        f"{time.monotonic() - started:.1f} s -> {paths['md']}"
    )
    return EXIT_FLAGGED if args.fail_on and outcome.reaches(args.fail_on) else EXIT_OK


def run_watch(args: argparse.Namespace) -> int:
    """`claimcheck watch add|list|remove`: keep re-check schedules in the run store."""
    from ..recheck import due_articles, format_every, parse_every, system_clock
    from ..runner import is_url, stored_location
    from ..store import Store

    settings = load_settings()
    if args.action == "add":
        every = parse_every(args.every)
        location = stored_location(args.article)
        if not is_url(location) and not Path(location).is_file():
            raise UsageError(f"{args.article}: article not found")
        with Store(_db_path(args), settings.recheck) as store:
            store.add_watch(location, every, _stamp_now())
        print(f"watching {location} every {format_every(every)}")
        return EXIT_OK
    with Store(_db_path(args), settings.recheck, create=False) as store:
        if args.action == "remove":
            if not store.remove_watch(stored_location(args.article)):
                raise UsageError(f"{args.article}: not watched")
            print(f"no longer watching {stored_location(args.article)}")
            return EXIT_OK
        watched = store.articles(watched_only=True)
        due = {article.id for article in due_articles(watched, system_clock(), settings.recheck.due_early_minutes)}
    if not watched:
        print("no article is watched (claimcheck watch add ARTICLE --every 7d)")
    for article in watched:
        last = article.last_run_at or "never run"
        when = "due now" if article.id in due else f"last run {last}"
        print(f"every {format_every(article.every_seconds):>4}  {when:<30}  {_one_line(article.location)}")
    return EXIT_OK


def run_history(args: argparse.Namespace) -> int:
    """`claimcheck history`: an article's runs, verdicts, sources and decisions over time."""
    from ..recheck import compare_runs, resolve_articles
    from ..recheck.report import history_document, history_text
    from ..store import Store

    settings = load_settings()
    with Store(_db_path(args), settings.recheck, create=False) as store:
        (article,) = resolve_articles(store, [args.article])
        runs = store.runs(article.id)
        decisions = store.decisions(article.id)
    changes = [compare_runs(runs[index - 1] if index else None, run) for index, run in enumerate(runs)]
    document = history_document(runs, changes, decisions)
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(history_text(document))
    return EXIT_OK


def run_review(args: argparse.Namespace) -> int:
    """`claimcheck review`: serve the editor's desk over the run store until interrupted."""
    from ..review import default_reviewer, serve

    settings = load_settings(args.config)
    port = settings.review.port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: give a port from 0 to 65535")
    reviewer = args.reviewer or os.environ.get(REVIEWER_VARIABLE) or default_reviewer()
    host = args.host or settings.review.host
    serve(_db_path(args), settings, reviewer, host=host, port=port, announce=lambda line: print(line, flush=True))
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    """`claimcheck export`: a run's reviewed report and its ClaimReview JSON-LD."""
    from ..review import export_run
    from ..store import Store

    if (args.article is None) == (args.run is None):
        raise UsageError("give a recorded ARTICLE or --run ID (one of them)")
    settings = load_settings(args.config)
    with Store(_db_path(args), settings.recheck, create=False) as store:
        run_id, paths = export_run(store, settings, args.out, article=args.article, run_id=args.run,
                                   publish_url=args.publish_url)
    print(f"run {run_id} exported -> {paths['reviewed-report.html']} (and .md, .json, claimreview.jsonld)")
    return EXIT_OK


def _settings(config: Path | None, *, allow_private_hosts: bool) -> Settings:
    settings = load_settings(config)
    return settings.with_fetch(allow_private_hosts=True) if allow_private_hosts else settings


def _changes_text(result: ArticleRecheck) -> str:
    if result.error:
        return f"could not be read again ({result.error})"
    counts = [
        (len(result.verdict_changes), "verdict change"),
        (len(result.new_flags), "new flag"),
        (len(result.reopened), "reopened decision"),
        (len(result.resolved_flags), "resolved flag"),
        (sum(1 for change in result.sources if change.change == "changed"), "source changed"),
        (
            sum(1 for change in result.sources if change.change == "unavailable" and change.state == "failing"),
            "failing",
        ),
        (sum(1 for change in result.sources if change.change == "unavailable" and change.state == "dead"), "dead"),
    ]
    shown = [
        f"{count} {label}{'s' if count != 1 and label.endswith(('change', 'flag', 'decision')) else ''}"
        for count, label in counts
        if count
    ]
    return ", ".join(shown) or "no change"


def _one_line(text: str) -> str:
    return "".join(character for character in text if character.isprintable())


def _stamp_now() -> str:
    from ..recheck import stamp, system_clock

    return stamp(system_clock())


def run_batch_command(args: argparse.Namespace) -> int:
    """`claimcheck evidence|strength|compare`: JSON Lines in, one answer per line out."""
    settings = match.choose_judge(load_settings(args.config), args.judge)
    # Built before reading a line, so a judge that cannot be used is one error line, not one per input line.
    judge = match.get_judge(settings) if args.verb == "evidence" else None
    source = _open_input(args.input)
    # Lines are written and flushed as they are answered, so an interrupted batch keeps
    # every answer it already gave.
    target = sys.stdout if args.output is None else _open_output(args.output)
    try:
        window = batch_window(args.verb, settings)
        for answer in run_batch(VERBS[args.verb], source, settings, many=MANY.get(args.verb), window=window):
            target.write(answer + "\n")
            target.flush()
    finally:
        if source is not sys.stdin:
            source.close()
        if target is not sys.stdout:
            target.close()
    fallbacks = getattr(judge, "fallbacks", [])
    if fallbacks:
        _say_fallback_line(len(fallbacks), fallbacks[0])
    return EXIT_OK


def _say_fallbacks(judgements: Sequence[Judgement]) -> None:
    """One stderr line when the judge chosen could not answer for some claims."""
    fallbacks = [judgement.judge_fallback for judgement in judgements if judgement.judge_fallback]
    if fallbacks:
        _say_fallback_line(len(fallbacks), fallbacks[0])


def _say_fallback_line(count: int, first: str) -> None:
    claims = "claim" if count == 1 else "claims"
    print(f"{PROG}: the default judge decided {count} {claims} in place of {_one_line(first)}", file=sys.stderr)


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
    severity_text = ", ".join(
        f"{severities[name]} {name}" for name in ("high", "medium", "low", "info") if severities[name]
    )
    return (
        f"{len(report.article.claims)} claims ({verdict_text}); "
        f"{len(report.flags)} flags ({severity_text or 'none'}); "
        f"{len(report.sources)} sources, {unavailable} unavailable; "
        f"{seconds:.1f} s -> {html_path}"
    )
