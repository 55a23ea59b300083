"""The command line's parser: every command, its options and an example in each help text
(the contract's command line, ../shared/design/CONTRACT.md). The docs site renders its
--help texts from here (docs/hooks.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from ..errors import UsageError
from ..store import DEFAULT_DB
from .commands import (
    DB_VARIABLE,
    DEFAULT_RECHECK_OUT,
    PROG,
    REVIEWER_VARIABLE,
    run_batch_command,
    run_check,
    run_export,
    run_history,
    run_recheck,
    run_review,
    run_watch,
)


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
    _add_judge_option(check)
    _add_db_option(check)
    check.add_argument("--no-db", action="store_true", help="do not record this run in the run store")
    check.set_defaults(handler=run_check)
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
        if verb == "evidence":
            _add_judge_option(batch_parser)
        batch_parser.set_defaults(handler=run_batch_command, verb=verb, judge=None)
    return parser


def _add_judge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--judge",
        metavar="JUDGE",
        help="who judges support: default, nli:PATH (a local ONNX model) or openai:MODEL (an OpenAI-compatible "
        "endpoint, [judge] openai_base_url); default: [judge] use (see docs/judges.md)",
    )


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
    _add_judge_option(recheck)
    recheck.set_defaults(handler=run_recheck)

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
        action.set_defaults(handler=run_watch)

    history = commands.add_parser(
        "history",
        help="the timeline of an article's verdicts and source states",
        epilog="example: claimcheck history fixtures/sleep/sleep-draft.md",
    )
    history.add_argument("article", metavar="ARTICLE", help="a recorded article file or URL")
    _add_db_option(history)
    history.add_argument("--json", action="store_true", help="print the timeline as JSON")
    history.set_defaults(handler=run_history)
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
    review.set_defaults(handler=run_review)

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
    export.set_defaults(handler=run_export)


