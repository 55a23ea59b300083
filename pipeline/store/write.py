"""Writing to the run store: a whole run in one transaction, and watch schedules.

Split from store.py so every INSERT and UPDATE sits in one place, next to the bookkeeping
they carry out: each recorded source check moves its URL's validators (ETag, Last-Modified,
last good snapshot) and failure streak on, and gets its link state after this run
(`store.rows.link_state`). The scholarly answers a run received are kept with it. A snapshot's extraction is kept under the run's extraction key, so
a page that answers 304 later is not extracted again under the same settings and version.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Sequence

from ..config import RecheckSettings
from ..errors import StoreError
from ..records import ServiceAnswer
from .deciding import carry_over
from .rows import RunRecord, SnapshotRow, SourceCheck, link_state
from .schema import StoreFile


def record_run(file: StoreFile, run: RunRecord, settings: RecheckSettings) -> RunRecord:
    """Record `run` in one transaction; returns it with ids and each source's link state
    after this run filled in."""
    try:
        with file.transaction() as db:
            article_id = upsert_article(db, run.location, run.title, run.checked_at)
            run_id = db.execute(
                "INSERT INTO runs (article_id, kind, mode, checked_at, settings_hash, article_sha256, archive,"
                " summary)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    run.kind,
                    run.mode,
                    run.checked_at,
                    run.settings_hash,
                    run.article_sha256,
                    file.relative(run.archive),
                    json.dumps(run.summary, sort_keys=True),
                ),
            ).lastrowid
            assert run_id is not None
            checks = _record_sources(file, db, run_id, run, settings)
            db.executemany(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, c.claim, c.text, c.section, json.dumps(c.citations), c.verdict, c.score) for c in run.claims],
            )
            db.executemany(
                "INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, e.claim, e.ref, e.passage_id, e.passage, e.score, e.relation) for e in run.evidence],
            )
            db.executemany(
                "INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, f.claim, f.code, f.severity, f.message, f.ref, f.evidence) for f in run.flags],
            )
            if run.report:
                db.execute("INSERT INTO run_reports (run_id, report) VALUES (?, ?)", (run_id, run.report))
            keep_answers(db, run.answers)
            recorded = dataclasses.replace(run, id=run_id, article_id=article_id, sources=checks)
            # Editors' decisions follow their flags into this run, or are reopened where the
            # claim or its evidence changed: in the same transaction, so never half-done.
            carry_over(file, db, recorded, settings)
    except sqlite3.Error as error:
        raise StoreError(f"{file.path}: cannot record the run ({error})") from None
    return recorded


def keep_answers(db: sqlite3.Connection, answers: Sequence[ServiceAnswer]) -> None:
    """Keep scholarly answers for later runs (inside the caller's transaction); a newer
    answer to the same request replaces the older."""
    db.executemany(
        "INSERT OR REPLACE INTO scholarly_answers (url, service, status, headers, body, fetched_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (answer.url, answer.service, answer.status, json.dumps(list(answer.headers)), answer.body,
             answer.fetched_at)
            for answer in answers
        ],
    )


def upsert_article(db: sqlite3.Connection, location: str, title: str, now: str) -> int:
    """The id of the article at `location`, recorded now if new; a non-empty `title`
    replaces the recorded one (inside the caller's transaction)."""
    row = db.execute(
        "INSERT INTO articles (location, title, added_at) VALUES (?, ?, ?)"
        " ON CONFLICT (location) DO UPDATE"
        " SET title = CASE WHEN excluded.title = '' THEN title ELSE excluded.title END"
        " RETURNING id",
        (location, title, now),
    ).fetchone()
    return int(row[0])


def set_watch(file: StoreFile, location: str, every_seconds: int, now: str) -> None:
    """Schedule `location` (recorded or not yet) for a re-check every `every_seconds`."""
    with file.transaction() as db:
        article_id = upsert_article(db, location, "", now)
        db.execute(
            "INSERT INTO watches (article_id, every_seconds, added_at) VALUES (?, ?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET every_seconds = excluded.every_seconds",
            (article_id, every_seconds, now),
        )


def delete_watch(file: StoreFile, location: str) -> bool:
    """Stop re-checking `location` on a schedule; False when it was not watched."""
    with file.transaction() as db:
        removed = db.execute(
            "DELETE FROM watches WHERE article_id = (SELECT id FROM articles WHERE location = ?)", (location,)
        ).rowcount
    return removed > 0


def _record_sources(
    file: StoreFile, db: sqlite3.Connection, run_id: int, run: RunRecord, settings: RecheckSettings
) -> tuple[SourceCheck, ...]:
    streaks: dict[str, tuple[int, str]] = {}  # url → failure streak after this run
    recorded = []
    for check in run.sources:
        source_id = None
        snapshot_id = None
        if check.url:
            source_id = db.execute(
                "INSERT INTO sources (url) VALUES (?) ON CONFLICT (url) DO UPDATE SET url = url RETURNING id",
                (check.url,),
            ).fetchone()[0]
            if check.snapshot is not None:
                snapshot_id = check.snapshot.id or _insert_snapshot(file, db, source_id, check.snapshot)
                if check.extraction and run.extraction_key:
                    db.execute(
                        "INSERT OR IGNORE INTO extractions (snapshot_id, key, source) VALUES (?, ?, ?)",
                        (snapshot_id, run.extraction_key, check.extraction),
                    )
            if check.url not in streaks:
                # A URL cited twice in one run is one check of it, not two failures.
                streaks[check.url] = _update_source(db, source_id, check, snapshot_id, run.checked_at, settings)
        failures, since = streaks.get(check.url, (0, ""))
        if check.status == "ok":
            state = "ok"
        elif check.status in settings.failure_statuses and failures:
            state = link_state(failures, since, run.checked_at, settings)
        else:
            state = "unavailable"
        db.execute(
            "INSERT INTO run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                check.ref,
                source_id,
                check.url,
                check.status,
                check.http_status,
                check.reason,
                check.final_url,
                snapshot_id,
                int(check.not_modified),
                state,
                failures,
                since,
            ),
        )
        snapshot = (
            check.snapshot if check.snapshot is None else dataclasses.replace(check.snapshot, id=snapshot_id or 0)
        )
        recorded.append(
            dataclasses.replace(check, snapshot=snapshot, state=state, failures=failures, failing_since=since)
        )
    return tuple(recorded)


def _insert_snapshot(file: StoreFile, db: sqlite3.Connection, source_id: int, snapshot: SnapshotRow) -> int:
    row = db.execute(
        "INSERT INTO snapshots (source_id, archive, record_id, fetched_at, http_status, final_url, content_type,"
        " content_sha256, text_sha256, etag, last_modified, redirects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (archive, record_id) DO UPDATE SET text_sha256 = excluded.text_sha256 RETURNING id",
        (
            source_id,
            file.relative(snapshot.archive),
            snapshot.record_id,
            snapshot.fetched_at,
            snapshot.http_status,
            snapshot.final_url,
            snapshot.content_type,
            snapshot.content_sha256,
            snapshot.text_sha256,
            snapshot.etag,
            snapshot.last_modified,
            json.dumps(snapshot.redirects),
        ),
    ).fetchone()
    return int(row[0])


def _update_source(
    db: sqlite3.Connection,
    source_id: int,
    check: SourceCheck,
    snapshot_id: int | None,
    now: str,
    settings: RecheckSettings,
) -> tuple[int, str]:
    """Move the URL's validators and failure streak on by this check; return the streak."""
    if check.status == "ok" and check.snapshot is not None:
        db.execute(
            "UPDATE sources SET etag = ?, last_modified = ?, content_sha256 = ?, snapshot_id = ?, status = 'ok',"
            " checked_at = ?, failures = 0, failing_since = '', last_ok_at = ? WHERE id = ?",
            (
                check.snapshot.etag,
                check.snapshot.last_modified,
                check.snapshot.content_sha256,
                snapshot_id,
                now,
                now,
                source_id,
            ),
        )
        return 0, ""
    if check.status in settings.failure_statuses:
        row = db.execute(
            "UPDATE sources SET status = ?, checked_at = ?, failures = failures + 1,"
            " failing_since = CASE WHEN failing_since = '' THEN ? ELSE failing_since END WHERE id = ?"
            " RETURNING failures, failing_since",
            (check.status, now, now, source_id),
        ).fetchone()
        return int(row[0]), str(row[1])
    # Refused for its size or type, or blocked: the page is there; the streak stands still.
    row = db.execute(
        "UPDATE sources SET status = ?, checked_at = ? WHERE id = ? RETURNING failures, failing_since",
        (check.status, now, source_id),
    ).fetchone()
    return int(row[0]), str(row[1])
