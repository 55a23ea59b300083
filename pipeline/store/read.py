"""Reading the run store back: articles and their watch schedules, whole runs, what is known
about each source URL now, kept extractions, and kept scholarly answers.

Split from store.py so the SELECTs (and the turning of columns back into rows) sit in one
place; `Store` exposes them as methods. Reads take no lock: the file is in WAL mode, so a
re-check writing at the same time never blocks them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import StoreError
from ..records import ServiceAnswer, Source
from .rows import (
    ArticleRow,
    ClaimRow,
    EvidenceRow,
    FlagRow,
    RunRecord,
    SnapshotRow,
    SourceCheck,
    SourceRow,
    source_from_blob,
)
from .schema import StoreFile

_ARTICLE_SELECT = (
    "SELECT a.id, a.location, a.title, a.added_at, COALESCE(w.every_seconds, 0),"
    " COALESCE((SELECT MAX(checked_at) FROM runs WHERE article_id = a.id), '')"
    " FROM articles a LEFT JOIN watches w ON w.article_id = a.id"
)


def read_article(file: StoreFile, location: str) -> ArticleRow | None:
    """The article recorded at `location`, or None."""
    row = file.db.execute(f"{_ARTICLE_SELECT} WHERE a.location = ?", (location,)).fetchone()
    return ArticleRow(*row) if row else None


def read_articles(file: StoreFile, *, watched_only: bool = False) -> tuple[ArticleRow, ...]:
    """Every recorded article (or only the watched ones), oldest first."""
    where = " WHERE w.article_id IS NOT NULL" if watched_only else ""
    return tuple(ArticleRow(*row) for row in file.db.execute(f"{_ARTICLE_SELECT}{where} ORDER BY a.id"))


def run_ids(file: StoreFile, article_id: int, *, latest_only: bool = False) -> tuple[int, ...]:
    """The ids of the article's runs, oldest first (or only the most recent one)."""
    if latest_only:
        query = "SELECT id FROM runs WHERE article_id = ? ORDER BY checked_at DESC, id DESC LIMIT 1"
    else:
        query = "SELECT id FROM runs WHERE article_id = ? ORDER BY checked_at, id"
    return tuple(int(row[0]) for row in file.db.execute(query, (article_id,)).fetchall())


def read_run_summaries(file: StoreFile, article_id: int) -> tuple[dict[str, Any], ...]:
    """The article's runs, newest first, without their rows: id, kind, mode, checked_at and
    the summary counts `history` shows (cheap enough for a list of every run)."""
    rows = file.db.execute(
        "SELECT id, kind, mode, checked_at, summary FROM runs WHERE article_id = ? ORDER BY checked_at DESC, id DESC",
        (article_id,),
    )
    return tuple(
        {"id": run_id, "kind": kind, "mode": mode, "checked_at": checked_at, "summary": json.loads(summary)}
        for run_id, kind, mode, checked_at, summary in rows
    )


def read_run(file: StoreFile, run_id: int) -> RunRecord:
    """One run, with its claims, evidence, flags and sources; StoreError when there is none."""
    db = file.db
    row = db.execute(
        "SELECT r.id, r.article_id, a.location, a.title, r.kind, r.mode, r.checked_at, r.settings_hash,"
        " r.article_sha256, r.archive, r.summary FROM runs r JOIN articles a ON a.id = r.article_id WHERE r.id = ?",
        (run_id,),
    ).fetchone()
    if row is None:
        raise StoreError(f"{file.path}: no run {run_id}")
    used = "WHERE s.id IN (SELECT snapshot_id FROM run_sources WHERE run_id = ?)"
    snapshots = {snapshot.id: snapshot for snapshot in _snapshots(file, used, (run_id,))}
    sources = tuple(
        SourceCheck(*head, snapshots.get(snapshot_id), bool(not_modified), state, failures, since)
        for *head, snapshot_id, not_modified, state, failures, since in db.execute(
            "SELECT ref, url, status, http_status, reason, final_url, snapshot_id, not_modified, state, failures,"
            " failing_since FROM run_sources WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
    )
    claims = tuple(
        ClaimRow(claim, text, section, tuple(json.loads(citations)), verdict, score)
        for claim, text, section, citations, verdict, score in db.execute(
            "SELECT claim, text, section, citations, verdict, score FROM claims WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
    )
    evidence = tuple(
        EvidenceRow(*item)
        for item in db.execute(
            "SELECT claim, ref, passage_id, passage, score, relation FROM evidence WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
    )
    flags = tuple(
        FlagRow(*item)
        for item in db.execute(
            "SELECT claim, code, severity, message, ref, evidence FROM flags WHERE run_id = ? ORDER BY rowid",
            (run_id,),
        )
    )
    return RunRecord(
        location=row[2],
        title=row[3],
        kind=row[4],
        mode=row[5],
        checked_at=row[6],
        settings_hash=row[7],
        article_sha256=row[8],
        archive=file.absolute(row[9]) if row[9] else None,
        summary=json.loads(row[10]),
        claims=claims,
        evidence=evidence,
        flags=flags,
        sources=sources,
        id=row[0],
        article_id=row[1],
    )


def read_sources(file: StoreFile, urls: Sequence[str]) -> dict[str, SourceRow]:
    """What the store knows about each of `urls` (those it has seen)."""
    found: dict[str, SourceRow] = {}
    for url in dict.fromkeys(urls):
        row = file.db.execute(
            "SELECT url, etag, last_modified, content_sha256, snapshot_id, status, failures, failing_since,"
            " last_ok_at FROM sources WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            continue
        snapshot = next(iter(_snapshots(file, "WHERE s.id = ?", (row[4],))), None) if row[4] else None
        found[url] = SourceRow(row[0], row[1], row[2], row[3], snapshot, row[5], row[6], row[7], row[8])
    return found


def read_extraction(file: StoreFile, snapshot_id: int, key: str) -> Source | None:
    """The Source extracted from snapshot `snapshot_id` under `key`, if it was kept."""
    row = file.db.execute(
        "SELECT source FROM extractions WHERE snapshot_id = ? AND key = ?", (snapshot_id, key)
    ).fetchone()
    return source_from_blob(row[0]) if row else None


def read_any_extraction(file: StoreFile, snapshot_id: int) -> Source | None:
    """The newest kept extraction of snapshot `snapshot_id`, under whatever settings (for
    showing a passage in its context, where the settings of the day do not matter)."""
    row = file.db.execute(
        "SELECT source FROM extractions WHERE snapshot_id = ? ORDER BY rowid DESC LIMIT 1", (snapshot_id,)
    ).fetchone()
    return source_from_blob(row[0]) if row else None


def read_answer(file: StoreFile, url: str) -> ServiceAnswer | None:
    """The scholarly service's answer kept for request `url`, or None."""
    row = file.db.execute(
        "SELECT url, service, status, headers, body, fetched_at FROM scholarly_answers WHERE url = ?", (url,)
    ).fetchone()
    if row is None:
        return None
    try:
        headers = tuple((str(name), str(value)) for name, value in json.loads(row[3]))
    except (ValueError, TypeError):
        headers = ()
    return ServiceAnswer(url=row[0], service=row[1], status=int(row[2]), headers=headers, body=bytes(row[4]),
                         fetched_at=row[5])


def count_rows(file: StoreFile, table: str) -> int:
    """Rows in one of the store's tables; StoreError for a name that is not one of them."""
    tables = {name for (name,) in file.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if table not in tables:
        raise StoreError(f"{file.path}: no table {table}")
    return int(file.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _snapshots(file: StoreFile, where: str, parameters: tuple[Any, ...]) -> list[SnapshotRow]:
    rows = file.db.execute(
        "SELECT s.id, src.url, s.archive, s.record_id, s.fetched_at, s.http_status, s.final_url, s.content_type,"
        " s.content_sha256, s.text_sha256, s.etag, s.last_modified, s.redirects"
        f" FROM snapshots s JOIN sources src ON src.id = s.source_id {where}",
        parameters,
    )
    # Columns in SnapshotRow's field order, between the url/archive and the redirects.
    return [
        SnapshotRow(url, file.absolute(archive), *middle, tuple(json.loads(redirects)), id=snapshot_id)
        for snapshot_id, url, archive, *middle, redirects in rows
    ]
