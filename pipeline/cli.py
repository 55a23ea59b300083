"""The `claimcheck` command: parse, call the runner (or the re-check and the store), print a
summary. Nothing else.

Commands: check; recheck, watch add|list|remove, history (over the run store); review (the
editor's desk, a local web app) and export (a run's reviewed report); evidence, strength,
compare (batch verbs). Every expected failure is a PipelineError; it becomes one
line on stderr and exit status 2. Exit status: 0 ran; 1 ran and found a flag at or above
--fail-on (for recheck: a NEW flag, or an article that could not be read again); 2 bad usage
or input.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from .batch import VERBS, run_batch
from .config import Settings, load_settings
from .errors import PipelineError, UsageError
from .progress import SilentProgress, progress_for
from .records import SEVERITY_RANK, Report
from .store import DEFAULT_DB

if TYPE_CHECKING:
    from .recheck import ArticleRecheck

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
    _add_db_option(check)
    check.add_argument("--no-db", action="store_true", help="do not record this run in the run store")
    check.set_defaults(handler=_run_check)
    _add_store_commands(commands)

    examples = {
        "evidence": ("score and judge passages for a claim", '{"id": "1", "claim": "...", "passages": ["...", "..."]}'),
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


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help=f"the run store (default ${DB_VARIABLE}, else {DEFAULT_DB})",
    )


def _add_store_commands(commands: argparse._SubParsersAction) -> None:
    """recheck, watch and history: the commands over the run store."""
    recheck = commands.add_parser(
        "recheck",
        help="re-check recorded articles and report what changed since their last run",
        description="Re-read recorded articles, fetch their sources again (conditionally: an unchanged page "
        "answers 304 and its stored snapshot is reused), and write recheck.json and recheck.md: verdict "
        "changes, new and resolved flags, sources changed, failing, dead, recovered or redirected.",
        epilog="examples:\n  claimcheck recheck                       every recorded article\n"
        "  claimcheck recheck --due --fail-on medium   watched articles that are due (for cron)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    recheck.add_argument("articles", nargs="*", metavar="ARTICLE", help="recorded articles (default: all)")
    _add_db_option(recheck)
    recheck.add_argument(
        "--out", type=Path, metavar="DIR", help=f"where recheck.json/.md go (default {DEFAULT_RECHECK_OUT}/)"
    )
    recheck.add_argument("--due", action="store_true", help="only watched articles whose interval has passed")
    recheck.add_argument("--config", type=Path, metavar="FILE", help="settings file layered over the defaults")
    recheck.add_argument(
        "--fail-on", choices=("low", "medium", "high"), help="exit 1 when a NEW flag of this severity or worse appears"
    )
    recheck.add_argument(
        "--allow-private-hosts", action="store_true", help="let sources resolve to loopback/private addresses"
    )
    recheck.add_argument("--quiet", action="store_true", help="no progress on stderr")
    recheck.set_defaults(handler=_run_recheck)

    watch = commands.add_parser(
        "watch",
        help="schedule re-checks: watch add|list|remove",
        description="Keep re-check schedules in the run store; run 'claimcheck recheck --due' from cron or a "
        "systemd timer to re-check what is due.",
        epilog="examples:\n  claimcheck watch add https://example.org/story --every 7d\n  claimcheck watch list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = watch.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    add = actions.add_parser("add", help="re-check ARTICLE every interval")
    add.add_argument("article", metavar="ARTICLE", help="an article file or URL")
    add.add_argument("--every", required=True, metavar="INTERVAL", help="30m, 12h, 7d, 2w ...")
    listing = actions.add_parser("list", help="the watched articles and when each is next due")
    remove = actions.add_parser("remove", help="stop re-checking ARTICLE on a schedule")
    remove.add_argument("article", metavar="ARTICLE", help="an article file or URL")
    for action in (add, listing, remove):
        _add_db_option(action)
        action.set_defaults(handler=_run_watch)

    history = commands.add_parser(
        "history",
        help="the timeline of an article's verdicts and source states",
        epilog="example: claimcheck history fixtures/sleep/sleep-draft.md",
    )
    history.add_argument("article", metavar="ARTICLE", help="a recorded article file or URL")
    _add_db_option(history)
    history.add_argument("--json", action="store_true", help="print the timeline as JSON")
    history.set_defaults(handler=_run_history)
    _add_desk_commands(commands)


def _add_desk_commands(commands: argparse._SubParsersAction) -> None:
    """review and export: the editor's desk over the run store."""
    review = commands.add_parser(
        "review",
        help="the editor's desk: review flagged claims in the browser, record decisions",
        description="Serve the editor's desk over the run store on this machine: the articles and their runs, "
        "each run's flagged claims most severe first with the source passages they rest on; confirm, dismiss "
        "(with a reason) or note each flag, mark claims fixed in the draft. Decisions are kept in the store and "
        "follow their flags into later runs while the claim and its evidence are unchanged.",
        epilog="example: claimcheck review --reviewer ana   (then open the address it prints)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_db_option(review)
    review.add_argument("--host", metavar="ADDRESS", help="address to listen on (default 127.0.0.1: this machine only)")
    review.add_argument("--port", type=int, metavar="N", help="port to listen on (default 8765; 0 = any free port)")
    review.add_argument(
        "--reviewer", metavar="NAME", help=f"who decides (default ${REVIEWER_VARIABLE}, else your login name)"
    )
    review.add_argument("--config", type=Path, metavar="FILE", help="settings file layered over the defaults")
    review.set_defaults(handler=_run_review)

    export = commands.add_parser(
        "export",
        help="write a run's reviewed report (Markdown, HTML, JSON) and ClaimReview JSON-LD",
        epilog="example: claimcheck export fixtures/sleep/sleep-draft.md --out outputs/sleep-reviewed",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("article", nargs="?", metavar="ARTICLE", help="a recorded article (its latest run)")
    export.add_argument("--run", type=int, metavar="ID", help="export this run instead")
    export.add_argument(
        "--out", type=Path, metavar="DIR", help="where the files go (default outputs/<article-slug>-reviewed/)"
    )
    export.add_argument(
        "--publish-url", metavar="URL", help="where the reviewed report will be published (ClaimReview url)"
    )
    _add_db_option(export)
    export.add_argument("--config", type=Path, metavar="FILE", help="settings file layered over the defaults")
    export.set_defaults(handler=_run_export)


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
    from .runner import CheckRequest
    from .store.record import check_and_record

    if args.offline and args.archive:
        raise UsageError("give either --offline or --archive, not both")
    settings = load_settings(args.config)
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
    print(_summary_line(outcome.report, outcome.outputs["html"], time.monotonic() - started))
    if args.fail_on and _worst_severity(outcome.report) >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FLAGGED
    return EXIT_OK


def _db_path(args: argparse.Namespace) -> Path:
    return args.db or Path(os.environ.get(DB_VARIABLE) or DEFAULT_DB)


def _run_recheck(args: argparse.Namespace) -> int:
    from .recheck import due_articles, recheck_articles, resolve_articles, system_clock
    from .recheck.report import write_recheck
    from .store import Store

    if args.due and args.articles:
        raise UsageError("give ARTICLE ... or --due, not both")
    settings = _settings(args.config, allow_private_hosts=args.allow_private_hosts)
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


def _run_watch(args: argparse.Namespace) -> int:
    from .recheck import due_articles, format_every, parse_every, system_clock
    from .runner import is_url, stored_location
    from .store import Store

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


def _run_history(args: argparse.Namespace) -> int:
    from .recheck import compare_runs, resolve_articles
    from .recheck.report import history_document, history_text
    from .store import Store

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


def _run_review(args: argparse.Namespace) -> int:
    from .review import default_reviewer, serve

    settings = load_settings(args.config)
    port = settings.review.port if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: give a port from 0 to 65535")
    reviewer = args.reviewer or os.environ.get(REVIEWER_VARIABLE) or default_reviewer()
    host = args.host or settings.review.host
    serve(_db_path(args), settings, reviewer, host=host, port=port, announce=lambda line: print(line, flush=True))
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from .review import export_run
    from .store import Store

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
    from .recheck import stamp, system_clock

    return stamp(system_clock())


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
    severity_text = ", ".join(
        f"{severities[name]} {name}" for name in ("high", "medium", "low", "info") if severities[name]
    )
    return (
        f"{len(report.article.claims)} claims ({verdict_text}); "
        f"{len(report.flags)} flags ({severity_text or 'none'}); "
        f"{len(report.sources)} sources, {unavailable} unavailable; "
        f"{seconds:.1f} s -> {html_path}"
    )
