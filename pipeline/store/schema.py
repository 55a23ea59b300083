"""The run store's file: its schema (named migrations), the SQLite connection, and the one
write transaction every change goes through.

Split from store.py because the schema is the part that must never change once released (a
new migration is added instead), and because every reader and writer of the store shares the
connection discipline kept here:

- WAL mode, so readers never block the writer; `busy_timeout`, so a second writer queues;
- every write is one `BEGIN IMMEDIATE` transaction (`StoreFile.transaction`), so two
  processes recording at once never interleave and a process killed mid-run leaves either
  the whole run or none of it;
- WARC paths are recorded relative to the database's folder (`StoreFile.relative`), so the
  store can be moved as a whole.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreError

# (name, statements): applied in order, each in the transaction that records its name. Never
# edit a released migration; add a new one.
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_runs_sources_snapshots",
        (
            """CREATE TABLE articles (
                id INTEGER PRIMARY KEY, location TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL DEFAULT '', added_at TEXT NOT NULL)""",
            """CREATE TABLE runs (
                id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
                kind TEXT NOT NULL CHECK (kind IN ('check', 'recheck')),
                mode TEXT NOT NULL DEFAULT 'live', checked_at TEXT NOT NULL,
                settings_hash TEXT NOT NULL, article_sha256 TEXT NOT NULL,
                archive TEXT NOT NULL DEFAULT '', summary TEXT NOT NULL DEFAULT '{}')""",
            "CREATE INDEX runs_by_article ON runs (article_id, checked_at, id)",
            """CREATE TABLE sources (
                id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,
                etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
                content_sha256 TEXT NOT NULL DEFAULT '', snapshot_id INTEGER REFERENCES snapshots(id),
                status TEXT NOT NULL DEFAULT '', checked_at TEXT NOT NULL DEFAULT '',
                failures INTEGER NOT NULL DEFAULT 0, failing_since TEXT NOT NULL DEFAULT '',
                last_ok_at TEXT NOT NULL DEFAULT '')""",
            """CREATE TABLE snapshots (
                id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id),
                archive TEXT NOT NULL, record_id TEXT NOT NULL, fetched_at TEXT NOT NULL,
                http_status INTEGER, final_url TEXT NOT NULL, content_type TEXT NOT NULL,
                content_sha256 TEXT NOT NULL, text_sha256 TEXT NOT NULL,
                etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
                redirects TEXT NOT NULL DEFAULT '[]', UNIQUE (archive, record_id))""",
            """CREATE TABLE run_sources (
                run_id INTEGER NOT NULL REFERENCES runs(id), ref TEXT NOT NULL,
                source_id INTEGER REFERENCES sources(id), url TEXT NOT NULL, status TEXT NOT NULL,
                http_status INTEGER, reason TEXT NOT NULL DEFAULT '', final_url TEXT NOT NULL DEFAULT '',
                snapshot_id INTEGER REFERENCES snapshots(id), not_modified INTEGER NOT NULL DEFAULT 0,
                state TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
                failing_since TEXT NOT NULL DEFAULT '', PRIMARY KEY (run_id, ref))""",
            """CREATE TABLE claims (
                run_id INTEGER NOT NULL REFERENCES runs(id), claim TEXT NOT NULL, text TEXT NOT NULL,
                section TEXT NOT NULL DEFAULT '', citations TEXT NOT NULL DEFAULT '[]',
                verdict TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (run_id, claim))""",
            """CREATE TABLE evidence (
                run_id INTEGER NOT NULL REFERENCES runs(id), claim TEXT NOT NULL, ref TEXT NOT NULL,
                passage_id TEXT NOT NULL, passage TEXT NOT NULL, score REAL NOT NULL, relation TEXT NOT NULL)""",
            "CREATE INDEX evidence_by_run ON evidence (run_id)",
            """CREATE TABLE flags (
                run_id INTEGER NOT NULL REFERENCES runs(id), claim TEXT NOT NULL, code TEXT NOT NULL,
                severity TEXT NOT NULL, message TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '',
                evidence TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX flags_by_run ON flags (run_id)",
        ),
    ),
    (
        "0002_watches",
        (
            """CREATE TABLE watches (
                article_id INTEGER PRIMARY KEY REFERENCES articles(id),
                every_seconds INTEGER NOT NULL CHECK (every_seconds > 0), added_at TEXT NOT NULL)""",
        ),
    ),
    (
        "0003_extractions",
        (
            """CREATE TABLE extractions (
                snapshot_id INTEGER NOT NULL REFERENCES snapshots(id), key TEXT NOT NULL,
                source BLOB NOT NULL, PRIMARY KEY (snapshot_id, key))""",
        ),
    ),
    (
        # What a judge other than the default answered (pipeline/match/choice.py), so a
        # re-check of an unchanged article asks an LLM endpoint nothing.
        "0004_judge_cache",
        (
            """CREATE TABLE judge_answers (
                judge TEXT NOT NULL, claim_sha256 TEXT NOT NULL, passage_sha256 TEXT NOT NULL,
                support REAL NOT NULL, contradict REAL NOT NULL, stance TEXT NOT NULL DEFAULT '',
                span TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', answered_at TEXT NOT NULL,
                PRIMARY KEY (judge, claim_sha256, passage_sha256))""",
        ),
    ),
    (
        # The editor's desk (`claimcheck review`): decisions on flags and claims, kept as
        # history (the triggers refuse changing or deleting one), and each run's report
        # document and article text, which the desk shows and exports.
        "0005_review_decisions",
        (
            """CREATE TABLE decisions (
                id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
                run_id INTEGER NOT NULL REFERENCES runs(id),
                target TEXT NOT NULL CHECK (target IN ('flag', 'claim')), fingerprint TEXT NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('confirm', 'dismiss', 'note', 'open', 'fixed', 'reopen')),
                reason TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL CHECK (reviewer != ''),
                decided_at TEXT NOT NULL, claim TEXT NOT NULL, code TEXT NOT NULL DEFAULT '',
                ref TEXT NOT NULL DEFAULT '', claim_text TEXT NOT NULL DEFAULT '',
                evidence TEXT NOT NULL DEFAULT '', previous TEXT NOT NULL DEFAULT '',
                CHECK (action NOT IN ('dismiss', 'note', 'reopen') OR reason != ''))""",
            "CREATE INDEX decisions_by_article ON decisions (article_id, fingerprint, id)",
            """CREATE TRIGGER decisions_are_history_update BEFORE UPDATE ON decisions
                BEGIN SELECT RAISE(ABORT, 'decisions are history: record a new decision instead'); END""",
            """CREATE TRIGGER decisions_are_history_delete BEFORE DELETE ON decisions
                BEGIN SELECT RAISE(ABORT, 'decisions are history: record a new decision instead'); END""",
            """CREATE TABLE run_reports (
                run_id INTEGER PRIMARY KEY REFERENCES runs(id), report BLOB NOT NULL)""",
        ),
    ),
    (
        # Answers of the scholarly services (Europe PMC, PubMed, Crossref, ...) worth keeping,
        # by request URL (never carrying a key), so a re-check does not ask again for an
        # unchanged paper. Bodies are the decoded answers; headers as JSON pairs.
        "0006_scholarly_cache",
        (
            """CREATE TABLE scholarly_answers (
                url TEXT PRIMARY KEY, service TEXT NOT NULL, status INTEGER NOT NULL,
                headers TEXT NOT NULL DEFAULT '[]', body BLOB NOT NULL, fetched_at TEXT NOT NULL)""",
        ),
    ),
)


class StoreFile:
    """One open, migrated store file (a connection, not a record: close it when done)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        """Open (or create) the database at `path` and bring its schema up to date;
        StoreError when it cannot be opened, is busy, or was made by a newer claimcheck."""
        self.path = path
        self.root = path.resolve().parent
        db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are begun and ended here, explicitly.
            db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            _switch_to_wal(db, busy_timeout)
            db.execute("PRAGMA foreign_keys = ON")
            self.db = db
            self._migrate()
        except sqlite3.Error as error:
            _close_quietly(db)
            raise StoreError(f"{path}: cannot open the run store ({error})") from None
        except OSError as error:
            _close_quietly(db)
            raise StoreError(f"{path}: cannot open the run store ({error.strerror or error})") from None
        except StoreError:
            _close_quietly(db)
            raise

    def close(self) -> None:
        """Close the connection (everything recorded is already committed)."""
        self.db.close()

    def applied_migrations(self) -> tuple[str, ...]:
        """Names of the migrations this file has had, in the order applied."""
        return tuple(row[0] for row in self.db.execute("SELECT name FROM schema_migrations ORDER BY rowid"))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so two writers queue on the
        busy timeout instead of failing half-way; rolled back on any exception or interrupt."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: the run store is busy ({error}); try again later") from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def relative(self, path: Path | None) -> str:
        """How a WARC path is recorded: relative to the database's folder when inside it."""
        if path is None:
            return ""
        absolute = path.resolve()
        return str(absolute.relative_to(self.root)) if absolute.is_relative_to(self.root) else str(absolute)

    def absolute(self, stored: str) -> Path:
        """A recorded WARC path as a path to open."""
        return self.root / stored if stored else Path()

    def _migrate(self) -> None:
        known = [name for name, _ in MIGRATIONS]
        if self._has_table("schema_migrations") and set(self.applied_migrations()) == set(known):
            return  # the common case takes no write lock
        with self.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            applied = set(self.applied_migrations())
            newer = sorted(applied - set(known))
            if newer:
                raise StoreError(f"{self.path}: made by a newer claimcheck (migration {newer[0]}); upgrade to use it")
            for name, statements in MIGRATIONS:
                if name in applied:
                    continue
                for statement in statements:
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO schema_migrations (name, applied_at)"
                    " VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    (name,),
                )

    def _has_table(self, name: str) -> bool:
        found = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return found.fetchone() is not None


def _switch_to_wal(db: sqlite3.Connection, busy_timeout: float) -> None:
    """WAL mode, waiting up to `busy_timeout` for it. Switching a new file to WAL takes an
    exclusive lock, and SQLite answers "database is locked" at once rather than calling the
    busy handler when two processes create the same store together: so retry here."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


_WAL_RETRY_SECONDS = 0.02


def _close_quietly(db: sqlite3.Connection | None) -> None:
    # A file that failed to open or migrate must not hold its connection (and lock) open.
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()
