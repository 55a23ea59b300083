"""Re-check published pieces: read them again, fetch their sources again (conditionally), and
say what changed since the last run, claim by claim and source by source.

`recheck_articles` re-checks each article in turn:

    1. read     the article again from where it came from (runner.read_article: file or URL)
    2. fetch    its sources, with the stored validators (If-None-Match / If-Modified-Since),
                every response archived to a new WARC in the store's snapshot folder
    3. reuse    a "304 Not Modified" answer is replaced by the stored snapshot, read back from
                its WARC and checked against its hash; one that cannot be read back is
                fetched again, unconditionally
    4. analyse  extract, match, assess, graph (runner.analyse, as `claimcheck check` runs it)
    5. changed  SOURCE_CHANGED on each claim whose evidence passage from the last run is gone
                from, or reworded in, a page whose text changed (`changed_evidence`)
    6. record   the run in the store, in one transaction
    7. compare  with the last run: verdict changes, new and resolved flags, sources changed,
                unavailable (failing or dead), recovered or redirected (`compare_runs`)

Steps 1-4 live in `recheck.gather` (they do the I/O, in worker processes), steps 5 and 7 in
`recheck.diff` (pure functions of records); this module runs them in order, records each
article (step 6) and schedules watched articles. Its names are the feature's public API,
the records of `recheck.diff` included. Time comes from the `clock` passed in (the system
clock by default), so a test can run a week of re-checks in a second.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from .. import runner
from ..config import Settings
from ..errors import ConfigError, UsageError
from ..records import SEVERITY_RANK
from ..store import (
    ArticleRow,
    RunRecord,
    Store,
    extraction_key,
    parse_time,
    run_from_report,
    settings_fingerprint,
)
from .diff import (
    ArticleRecheck,
    FlagDecision,
    RecheckOutcome,
    changed_evidence,
    compare_runs,
)
from .gather import Gathered, GatherJob, gatherer

Clock = Callable[[], datetime]
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def system_clock() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """`moment` as the store writes times ("2024-05-01T12:00:00Z")."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ── scheduling ────────────────────────────────────────────────────────────────────────────


def parse_every(text: str) -> int:
    """Seconds in an interval written "30m", "12h", "7d" or "2w"; UsageError otherwise."""
    match = _EVERY.match(text)
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)] if match else 0
    if seconds < 60:
        raise UsageError(f"--every {text!r}: give a number and a unit, m, h, d or w (e.g. 7d), of at least 1m")
    return int(seconds)


def format_every(seconds: int) -> str:
    """An interval as `parse_every` reads it, in the largest unit that divides it."""
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds // 60}m"


def due_articles(articles: Sequence[ArticleRow], now: datetime, early_minutes: float) -> tuple[ArticleRow, ...]:
    """The watched articles whose interval has passed since their last run. An article is due
    up to `early_minutes` early (at most a tenth of its interval), so a scheduler firing at
    the same time each day is not put off a day by the seconds the last run took."""
    due = []
    for article in articles:
        if article.every_seconds <= 0:
            continue
        if not article.last_run_at:
            due.append(article)
            continue
        early = min(early_minutes * 60, article.every_seconds / 10)
        next_run = parse_time(article.last_run_at) + timedelta(seconds=article.every_seconds - early)
        if next_run <= now:
            due.append(article)
    return tuple(due)


# ── the re-check ──────────────────────────────────────────────────────────────────────────


def recheck_articles(
    store: Store,
    articles: Sequence[ArticleRow],
    settings: Settings,
    *,
    clock: Clock = system_clock,
    transport: httpx.AsyncBaseTransport | None = None,
    on_article: Callable[[ArticleRecheck], None] | None = None,
) -> RecheckOutcome:
    """Re-check `articles` (see the module docstring). Steps 1-4 run in `recheck.workers`
    processes at once (one when a `transport` is given: it cannot cross a process boundary);
    steps 5-7 run here, in order, each article recorded as soon as it is done, so an
    interrupted re-check keeps the articles it finished."""
    if settings.recheck.changed_severity not in SEVERITY_RANK:
        raise ConfigError(f"setting recheck.changed_severity must be one of {', '.join(SEVERITY_RANK)}")
    started = stamp(clock())
    jobs = []
    for article in articles:
        checked_at = stamp(clock())
        archive_path = store.new_archive_path(checked_at, runner.article_slug(article.location))
        jobs.append(GatherJob(article.location, checked_at, archive_path))
    workers = 1 if transport is not None else max(1, min(settings.recheck.workers, len(jobs)))
    keys = _Keys(settings_fingerprint(settings), extraction_key(settings))
    results = []
    with gatherer(store, settings, transport, workers, keys.extraction) as gather:
        for article, job, gathered in zip(articles, jobs, gather(jobs), strict=True):
            result = _conclude(store, article, job, gathered, settings, keys)
            results.append(result)
            if on_article is not None:
                on_article(result)
    return RecheckOutcome(checked_at=started, articles=tuple(results))


@dataclass(frozen=True, slots=True)
class _Keys:
    settings: str  # settings_fingerprint, recorded with the run
    extraction: str  # extraction_key, under which extracted sources are kept


def _conclude(
    store: Store, article: ArticleRow, job: GatherJob, gathered: Gathered | str, settings: Settings, keys: _Keys
) -> ArticleRecheck:
    """Steps 5-7: SOURCE_CHANGED, record, compare (or the error that stopped steps 1-4)."""
    previous = store.latest_run(article.id)
    if isinstance(gathered, str):
        return ArticleRecheck(
            location=article.location,
            title=article.title,
            checked_at=job.checked_at,
            previous_run_id=previous.id if previous else 0,
            previous_checked_at=previous.checked_at if previous else "",
            error=gathered,
        )
    flags, passages = changed_evidence(previous, gathered.report, settings)
    report = dataclasses.replace(gathered.report, flags=gathered.report.flags + flags)
    run = run_from_report(
        report,
        gathered.fetched,
        location=article.location,
        kind="recheck",
        mode="live",
        settings_hash=keys.settings,
        archive=job.archive_path,
        reused=gathered.reused,
        extraction=keys.extraction,
        resolutions=gathered.resolutions,
    )
    recorded = store.record_run(run)
    return with_decisions(compare_runs(previous, recorded, passages), store, recorded)


def with_decisions(result: ArticleRecheck, store: Store, run: RunRecord) -> ArticleRecheck:
    """`result` with the editors' decisions on the flags of `run`: those this run reopened,
    and those standing (confirmed or dismissed)."""
    reviews, _ = store.reviews(run)
    reopened, decided = [], []
    for flag, review in zip(run.flags, reviews, strict=True):
        latest = review.latest
        if latest is None:
            continue
        item = FlagDecision(flag, review.status, latest.reviewer, latest.decided_at, latest.reason)
        if review.status == "reopened" and latest.run_id == run.id:
            reopened.append(item)
        elif review.status in ("confirmed", "dismissed"):
            decided.append(item)
    return dataclasses.replace(result, reopened=tuple(reopened), decided=tuple(decided))


def resolve_articles(store: Store, locations: Sequence[str]) -> tuple[ArticleRow, ...]:
    """The recorded articles named on the command line (a file by any path to it, a URL as
    recorded); UsageError naming the first that is not in the store."""
    found = []
    for location in locations:
        article = store.article(runner.stored_location(location))
        if article is None:
            raise UsageError(f"{location}: not in the run store (record it first: claimcheck check {location})")
        found.append(article)
    return tuple(found)
