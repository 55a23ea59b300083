"""The run store: migrations on old and newer files, one transaction per run, failure streaks
and the dead-link policy, watches, and two processes writing at once."""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from factories import walking_sources

from pipeline.config import RecheckSettings, load_settings
from pipeline.errors import StoreError
from pipeline.records import Identifiers, Lookup, ReadFrom
from pipeline.store import (
    MIGRATIONS,
    ClaimRow,
    FlagRow,
    RunRecord,
    SnapshotRow,
    SourceCheck,
    Store,
    extraction_key,
    link_state,
    settings_fingerprint,
    source_blob,
    source_from_blob,
)

ROOT = Path(__file__).resolve().parents[2]


def _run(location: str, checked_at: str, checks: list[SourceCheck], *, verdict: str = "supported") -> RunRecord:
    return RunRecord(
        location=location,
        title="Walking and health",
        kind="check",
        mode="live",
        checked_at=checked_at,
        settings_hash="abc",
        article_sha256="f00d",
        archive=None,
        summary={"claims": 1},
        claims=(ClaimRow("c1", "Walking lowers blood pressure.", "Intro", ("1",), verdict, 0.8),),
        flags=(FlagRow("c1", "UNSUPPORTED", "high", "No passage says so.", "1", ""),),
        sources=tuple(checks),
    )


def _snapshot(tmp_path: Path, url: str, digest: str, etag: str = '"v1"') -> SnapshotRow:
    return SnapshotRow(
        url,
        tmp_path / "a.warc.gz",
        f"urn:uuid:{digest}",
        "2025-01-01T00:00:00Z",
        200,
        url,
        "text/html",
        digest,
        "t" + digest,
        etag=etag,
    )


def _ok(tmp_path: Path, url: str, digest: str = "d1") -> SourceCheck:
    return SourceCheck("1", url, "ok", 200, snapshot=_snapshot(tmp_path, url, digest))


def _failed(url: str, status: str = "http_error") -> SourceCheck:
    return SourceCheck("1", url, status, 404 if status == "http_error" else None, reason="gone")


def test_a_new_store_has_every_migration_recorded_in_order(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        assert store.applied_migrations() == tuple(name for name, _ in MIGRATIONS)
        assert store.integrity() == "ok"
    mode = sqlite3.connect(tmp_path / "runs.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_old_store_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    # A store written before watches existed: only the first migration, with a run in it.
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for statement in MIGRATIONS[0][1]:
        old.execute(statement)
    old.execute("INSERT INTO schema_migrations VALUES (?, '2024-01-01T00:00:00Z')", (MIGRATIONS[0][0],))
    old.execute(
        "INSERT INTO articles (location, title, added_at) VALUES ('/a.md', 'Old piece', '2024-01-01T00:00:00Z')"
    )
    old.execute(
        "INSERT INTO runs (article_id, kind, checked_at, settings_hash, article_sha256) "
        "VALUES (1, 'check', '2024-01-01T00:00:00Z', 'x', 'y')"
    )
    old.commit()
    old.close()

    with Store(path) as store:
        # Every migration, in order (later ones are added at the end of MIGRATIONS).
        assert store.applied_migrations() == tuple(name for name, _ in MIGRATIONS)
        assert store.applied_migrations()[:3] == ("0001_runs_sources_snapshots", "0002_watches", "0003_extractions")
        article = store.article("/a.md")
        assert article is not None and article.title == "Old piece"
        assert store.latest_run(article.id).checked_at == "2024-01-01T00:00:00Z"
        # The new table works on the old file.
        watched = store.add_watch("/a.md", 7 * 86400, "2024-02-01T00:00:00Z")
        assert watched.every_seconds == 7 * 86400 and watched.last_run_at == "2024-01-01T00:00:00Z"


def test_a_store_from_a_newer_claimcheck_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES ('0099_from_the_future', '2030-01-01T00:00:00Z')")
    with pytest.raises(StoreError) as raised:
        Store(path)
    assert (
        str(raised.value) == f"{path}: made by a newer claimcheck (migration 0099_from_the_future); upgrade to use it"
    )


def test_a_file_that_is_not_a_store_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match=r"notes\.db: cannot open the run store \(file is not a database\)"):
        Store(path)


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(StoreError) as raised:
        Store(path, create=False)
    assert str(raised.value) == f"{path}: no run store here (record a run first: claimcheck check ARTICLE --db {path})"
    assert not path.exists()


def test_a_run_round_trips_with_ids_and_link_states(tmp_path: Path) -> None:
    url = "https://example.org/study"
    with Store(tmp_path / "runs.db") as store:
        recorded = store.record_run(_run("/a.md", "2025-01-01T00:00:00Z", [_ok(tmp_path, url)]))
        loaded = store.run(recorded.id)
    assert loaded.claims == recorded.claims
    assert loaded.flags == recorded.flags
    (check,) = loaded.sources
    assert (check.state, check.failures, check.snapshot.etag, check.snapshot.archive) == (
        "ok",
        0,
        '"v1"',
        tmp_path / "a.warc.gz",
    )
    assert check.snapshot.id == recorded.sources[0].snapshot.id > 0


def test_a_run_that_fails_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    url = "https://example.org/study"
    broken = _run("/a.md", "2025-01-01T00:00:00Z", [_ok(tmp_path, url)])
    # Two claims with one id: the claims insert fails after the article, run, source and
    # snapshot rows were written in the same transaction.
    broken = RunRecord(**{**{f: getattr(broken, f) for f in broken.__dataclass_fields__}, "claims": broken.claims * 2})
    with Store(tmp_path / "runs.db") as store:
        with pytest.raises(StoreError, match="cannot record the run"):
            store.record_run(broken)
        assert [store.count(table) for table in ("articles", "runs", "sources", "snapshots", "run_sources")] == [0] * 5
        store.record_run(_run("/a.md", "2025-01-02T00:00:00Z", [_ok(tmp_path, url)]))
        assert store.count("runs") == 1


@pytest.mark.parametrize(
    ("failures", "since", "now", "state"),
    [
        (0, "", "2025-01-10T00:00:00Z", "ok"),
        (1, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "failing"),
        (5, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "failing"),  # many failures, one day
        (2, "2025-01-01T00:00:00Z", "2025-01-20T00:00:00Z", "failing"),  # long, but two failures
        (3, "2025-01-01T00:00:00Z", "2025-01-03T23:59:59Z", "failing"),  # a second short of 3 days
        (3, "2025-01-01T00:00:00Z", "2025-01-04T00:00:00Z", "dead"),
    ],
)
def test_dead_only_after_three_failures_over_three_days(failures: int, since: str, now: str, state: str) -> None:
    assert link_state(failures, since, now, RecheckSettings()) == state


def test_the_failure_streak_counts_checks_and_resets_on_success(tmp_path: Path) -> None:
    url = "https://example.org/study"
    days = [f"2025-01-0{day}T00:00:00Z" for day in range(1, 8)]
    with Store(tmp_path / "runs.db") as store:
        states = []
        plan = [_ok(tmp_path, url), _failed(url), _failed(url, "timeout"), _failed(url, "too_large"), _failed(url)]
        for day, check in zip(days, plan, strict=False):
            states.append(store.record_run(_run("/a.md", day, [check])).sources[0])
        # too_large (the page is there, only too big) neither counts nor breaks the streak.
        assert [(c.state, c.failures) for c in states] == [
            ("ok", 0),
            ("failing", 1),
            ("failing", 2),
            ("unavailable", 2),
            ("dead", 3),
        ]
        assert states[-1].failing_since == days[1]
        # A second article citing the same URL shares its streak; a success resets it.
        recovered = store.record_run(_run("/b.md", days[5], [_ok(tmp_path, url, "d2")])).sources[0]
        assert (recovered.state, recovered.failures) == ("ok", 0)
        row = store.sources([url])[url]
        assert (row.failures, row.failing_since, row.content_sha256, row.snapshot.content_sha256) == (0, "", "d2", "d2")


def test_settings_fingerprint_changes_with_any_threshold() -> None:
    settings = load_settings()
    changed = settings.__class__(
        **{
            **{f: getattr(settings, f) for f in settings.__dataclass_fields__},
            "match": settings.match.__class__(support_min=0.71),
        }
    )
    assert settings_fingerprint(settings) == settings_fingerprint(load_settings())
    assert settings_fingerprint(settings) != settings_fingerprint(changed)


def test_watches_are_added_listed_and_removed(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        store.add_watch("/a.md", 86400, "2025-01-01T00:00:00Z")
        store.add_watch("/a.md", 7 * 86400, "2025-01-02T00:00:00Z")  # changes the interval
        store.add_watch("https://example.org/story", 3600, "2025-01-02T00:00:00Z")
        store.record_run(_run("/c.md", "2025-01-02T00:00:00Z", []))
        watched = store.articles(watched_only=True)
        assert [(a.location, a.every_seconds) for a in watched] == [
            ("/a.md", 604800),
            ("https://example.org/story", 3600),
        ]
        assert len(store.articles()) == 3
        assert store.remove_watch("/a.md") is True
        assert store.remove_watch("/a.md") is False
        assert [a.location for a in store.articles(watched_only=True)] == ["https://example.org/story"]


_WRITER = textwrap.dedent(
    """
    import sys
    from pipeline.store import ClaimRow, RunRecord, SourceCheck, Store
    path, name = sys.argv[1], sys.argv[2]
    with Store(path) as store:
        for number in range(40):
            store.record_run(RunRecord(
                location=f"/{name}.md", title=name, kind="recheck", mode="live",
                checked_at=f"2025-01-01T00:00:{number:02d}Z", settings_hash="s", article_sha256="a", archive=None,
                summary={}, claims=(ClaimRow("c1", "A claim.", "", ("1",), "supported", 0.9),),
                sources=(SourceCheck("1", "https://example.org/shared", "http_error", 404),),
            ))
    """
)


def test_two_processes_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for name in ("first", "second")
    ]
    for writer in writers:
        _, error = writer.communicate(timeout=60)
        assert writer.returncode == 0, error
    with Store(path) as store:
        assert store.integrity() == "ok"
        assert store.count("runs") == 80 and store.count("claims") == 80
        # Every failed check of the shared URL counted exactly once.
        assert store.sources(["https://example.org/shared"])["https://example.org/shared"].failures == 80


def test_an_extracted_source_round_trips_and_is_found_only_under_its_key(tmp_path: Path) -> None:
    source = next(source for source in walking_sources() if source.passages)
    assert source_from_blob(source_blob(source)) == source
    assert source_from_blob(b"not zlib at all") is None
    # A source read through the scholarly chain keeps its identifiers and provenance.
    looked_up = dataclasses.replace(
        source,
        identifiers=Identifiers(doi="10.5555/x.1", pmid="123"),
        read_from=ReadFrom(kind="abstract", why="the page is a bot check", service="europepmc",
                           lookups=(Lookup("europepmc", "abstract found", "https://ebi.example/search", found=True),)),
    )
    assert source_from_blob(source_blob(looked_up)) == looked_up
    url = source.url
    check = SourceCheck("1", url, "ok", 200, snapshot=_snapshot(tmp_path, url, "d1"), extraction=source_blob(source))
    run = _run("/a.md", "2025-01-01T00:00:00Z", [check])
    settings = load_settings()
    key = extraction_key(settings)
    with Store(tmp_path / "runs.db") as store:
        recorded = store.record_run(
            RunRecord(**{**{f: getattr(run, f) for f in run.__dataclass_fields__}, "extraction_key": key})
        )
        snapshot_id = recorded.sources[0].snapshot.id
        assert store.extraction(snapshot_id, key) == source
        other = settings.__class__(
            **{
                **{f: getattr(settings, f) for f in settings.__dataclass_fields__},
                "extract": settings.extract.__class__(window=2),
            }
        )
        assert extraction_key(other) != key and store.extraction(snapshot_id, extraction_key(other)) is None
