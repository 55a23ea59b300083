"""Re-check: published pieces read again, their sources fetched again (conditionally), the
verdicts compared with the last run, and what changed reported.

Takes: articles in the run store (their watch schedules, editors' decisions). Gives: a RecheckOutcome per
run of `recheck_articles`, recorded back into the store; recheck.json / recheck.md are
written by `pipeline.recheck.report`.

    rechecker  the re-check of many articles, schedules (`due_articles`), clocks
    gather     steps 1-4 for one article: read, fetch conditionally, stand stored
               snapshots in for 304 answers, analyse
    diff       steps 5 and 7: what changed, as pure functions over two runs
"""

from __future__ import annotations

from .diff import (
    ArticleRecheck,
    FlagDecision,
    PassageChange,
    RecheckOutcome,
    SourceChange,
    VerdictChange,
    compare_runs,
    word_diff,
)
from .rechecker import (
    Clock,
    due_articles,
    format_every,
    parse_every,
    recheck_articles,
    resolve_articles,
    stamp,
    system_clock,
    with_decisions,
)

__all__ = [
    "ArticleRecheck",
    "FlagDecision",
    "Clock",
    "PassageChange",
    "RecheckOutcome",
    "SourceChange",
    "VerdictChange",
    "compare_runs",
    "due_articles",
    "format_every",
    "parse_every",
    "recheck_articles",
    "resolve_articles",
    "with_decisions",
    "stamp",
    "system_clock",
    "word_diff",
]
