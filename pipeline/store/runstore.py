"""`Store`: one open run store file and every operation on it (see the package docstring)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import RecheckSettings
from ..errors import StoreError
from ..records import ServiceAnswer, Source
from .deciding import (
    DecisionOutcome,
    DecisionRequest,
    read_decisions,
    read_run_report,
    record_decision,
)
from .decisions import Decision, Review, run_reviews
from .judge_cache import StoreJudgeCache
from .read import (
    count_rows,
    read_answer,
    read_any_extraction,
    read_article,
    read_articles,
    read_extraction,
    read_run,
    read_run_summaries,
    read_sources,
    run_ids,
)
from .rows import (
    ArticleRow,
    RunRecord,
    SourceRow,
)
from .schema import StoreFile
from .write import delete_watch, record_run, set_watch

DEFAULT_DB = Path("outputs") / "claimcheck.db"


class Store:
    """One open run database (see the module docstring). Use as a context manager.

    `create=False` refuses to make a new file: commands that only read or re-check a store
    must not leave an empty one behind a mistyped path.
    """

    def __init__(self, path: str | Path, settings: RecheckSettings | None = None, *, create: bool = True) -> None:
        self.path = Path(path)
        self.settings = settings or RecheckSettings()
        self.root = self.path.resolve().parent
        self.archive_dir = self.root / f"{self.path.stem}.snapshots"
        if not create and not self.path.is_file():
            raise StoreError(
                f"{self.path}: no run store here (record a run first: claimcheck check ARTICLE --db {self.path})"
            )
        self._file = StoreFile(self.path, self.settings.busy_timeout)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (everything recorded is already committed)."""
        self._file.close()

    def applied_migrations(self) -> tuple[str, ...]:
        """Names of the migrations this file has had, in the order applied."""
        return self._file.applied_migrations()

    # ── archives ──

    def new_archive_path(self, checked_at: str, slug: str) -> Path:
        """A fresh, unique WARC path in the store's snapshot folder for one run."""
        stamp = checked_at.replace("-", "").replace(":", "")
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        return self.archive_dir / f"{stamp}-{slug[:60]}-{secrets.token_hex(4)}.warc.gz"

    def adopt_archive(self, path: Path, checked_at: str, slug: str) -> Path:
        """Keep a run's WARC in the store (hard link, or copy across file systems): the run's
        output folder is overwritten by the next check, the store's snapshots must not be."""
        target = self.new_archive_path(checked_at, slug)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
        return target

    # ── writing ──

    def record_run(self, run: RunRecord) -> RunRecord:
        """Record `run` in one transaction; returns it with ids and each source's link state
        after this run filled in."""
        return record_run(self._file, run, self.settings)

    def add_watch(self, location: str, every_seconds: int, now: str) -> ArticleRow:
        """Schedule `location` (recorded or not yet) for a re-check every `every_seconds`."""
        set_watch(self._file, location, every_seconds, now)
        found = self.article(location)
        assert found is not None
        return found

    def remove_watch(self, location: str) -> bool:
        """Stop re-checking `location` on a schedule; False when it was not watched."""
        return delete_watch(self._file, location)

    def judge_cache(self) -> StoreJudgeCache:
        """The store as a judge's answer cache (answers kept by judge, claim and passage)."""
        return StoreJudgeCache(self._file)

    # ── reading ──

    def article(self, location: str) -> ArticleRow | None:
        """The article recorded at `location`, or None."""
        return read_article(self._file, location)

    def articles(self, *, watched_only: bool = False) -> tuple[ArticleRow, ...]:
        """Every recorded article (or only the watched ones), oldest first."""
        return read_articles(self._file, watched_only=watched_only)

    def latest_run(self, article_id: int) -> RunRecord | None:
        """The article's most recent run, in full, or None."""
        latest = run_ids(self._file, article_id, latest_only=True)
        return self.run(latest[0]) if latest else None

    def runs(self, article_id: int) -> tuple[RunRecord, ...]:
        """Every run of the article, oldest first, in full."""
        return tuple(self.run(run_id) for run_id in run_ids(self._file, article_id))

    def run_summaries(self, article_id: int) -> tuple[dict[str, Any], ...]:
        """The article's runs, newest first, as id, kind, mode, checked_at and summary counts."""
        return read_run_summaries(self._file, article_id)

    def run(self, run_id: int) -> RunRecord:
        """One run, with its claims, evidence, flags and sources."""
        return read_run(self._file, run_id)

    def sources(self, urls: Sequence[str]) -> dict[str, SourceRow]:
        """What the store knows about each of `urls` (those it has seen)."""
        return read_sources(self._file, urls)

    def answer(self, url: str) -> ServiceAnswer | None:
        """The scholarly answer kept for request `url`, or None (the store is the chain's
        `AnswerCache`: pipeline.fetch.scholarly asks it before asking a service)."""
        return read_answer(self._file, url)

    def extraction(self, snapshot_id: int, key: str) -> Source | None:
        """The Source extracted from snapshot `snapshot_id` under `key`, if it was kept."""
        return read_extraction(self._file, snapshot_id, key)

    def any_extraction(self, snapshot_id: int) -> Source | None:
        """The newest kept extraction of snapshot `snapshot_id`, under any settings."""
        return read_any_extraction(self._file, snapshot_id)

    # ── the editor's desk ──

    def decide(self, request: DecisionRequest) -> DecisionOutcome:
        """Record one decision on a flag or claim of a run (see `store.deciding`)."""
        return record_decision(self._file, request)

    def decisions(self, article_id: int) -> tuple[Decision, ...]:
        """Every decision on the article's flags and claims, oldest first."""
        return read_decisions(self._file, article_id)

    def reviews(self, run: RunRecord) -> tuple[tuple[Review, ...], dict[str, Review]]:
        """Where each flag of `run` stands (in `run.flags` order), and each claim by id."""
        return run_reviews(run, self.decisions(run.article_id))

    def run_report(self, run_id: int) -> tuple[dict[str, Any], str] | None:
        """The run's report document and article text (None for a run recorded before the
        store kept them)."""
        return read_run_report(self._file, run_id)

    def count(self, table: str) -> int:
        """Rows in one of the store's tables (for tests and `history`)."""
        return count_rows(self._file, table)

    def integrity(self) -> str:
        """SQLite's own check of the file ("ok" when sound)."""
        return str(self._file.db.execute("PRAGMA integrity_check").fetchone()[0])
