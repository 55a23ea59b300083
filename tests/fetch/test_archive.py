"""The WARC archive: recording a live fetch, replaying it with no network, fixture archives,
damaged and missing archives."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply, gzipped
from warcio.archiveiterator import ArchiveIterator

from pipeline.config import FetchSettings
from pipeline.errors import ArchiveError
from pipeline.fetch.archive import (
    ReplayTransport,
    WarcRecorder,
    salvage_archive,
    write_fixture_archive,
)
from pipeline.fetch.archive_read import ArchiveIndex, read_archive
from pipeline.fetch.fetcher import fetch_references_sync
from pipeline.records import FetchFailure, Reference, Snapshot

HTML = b"<!doctype html><html><body><p>Sleep matters for memory.</p></body></html>"
SETTINGS = FetchSettings(
    user_agent="claimcheck-test/1.0",
    read_timeout=0.5,
    total_deadline=2.0,
    backoff_base=0.01,
    allow_private_hosts=True,
)


def test_a_live_fetch_replays_identically_with_no_network(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.add("/article", body=gzipped(HTML), headers=(("Content-Encoding", "gzip"),))
    loopback.redirect("/short", "/moved")
    loopback.redirect("/moved", "/article", status=302)
    loopback.add("/flaky", replies=[Reply(status=503), Reply(body=b"<p>second try</p>")])
    loopback.add("/forbidden", status=403, body=b"go away")
    refs = [
        Reference("1", loopback.url("/short")),
        Reference("2", loopback.url("/flaky")),
        Reference("3", loopback.url("/forbidden")),
        Reference("4", loopback.url("/missing")),
    ]
    archive = tmp_path / "sources.warc.gz"
    with WarcRecorder(archive) as recorder:
        live = fetch_references_sync(refs, SETTINGS, recorder=recorder)
    loopback.stop()  # nothing can answer now but the archive
    hits_after_live = loopback.hits()

    replayed = fetch_references_sync(refs, SETTINGS, transport=ReplayTransport(archive))

    assert loopback.hits() == hits_after_live
    assert isinstance(live[0], Snapshot) and live[0].body == HTML
    assert live[0].redirects == (loopback.url("/short"), loopback.url("/moved"))
    for before, after in zip(live, replayed, strict=True):
        if isinstance(before, FetchFailure):
            # A failure's time is when it was decided; everything else must match.
            after = dataclasses.replace(after, fetched_at=before.fetched_at)
        assert after == before
    assert [type(result).__name__ for result in replayed] == [
        "Snapshot",
        "Snapshot",
        "FetchFailure",
        "FetchFailure",
    ]
    assert replayed[2].archived_as.startswith("sources.warc.gz#urn:uuid:")


def test_a_gzip_body_is_archived_raw_and_replayed_decoded(loopback: LoopbackServer, tmp_path: Path) -> None:
    wire = gzipped(HTML)
    # A non-ASCII header value must come back as it was, not percent-encoded.
    url = loopback.add("/gz", body=wire, headers=(("Content-Encoding", "gzip"), ("X-Caption", "caf\xe9 cr\xe8me")))
    archive = tmp_path / "a.warc.gz"
    with WarcRecorder(archive) as recorder:
        live = fetch_references_sync([Reference("1", url)], SETTINGS, recorder=recorder)[0]
    (stored,) = read_archive(archive)
    assert stored.body == wire  # the bytes as they came off the wire
    assert ("Content-Encoding", "gzip") in stored.headers
    replayed = fetch_references_sync([Reference("1", url)], SETTINGS, transport=ReplayTransport(archive))[0]
    assert isinstance(live, Snapshot) and isinstance(replayed, Snapshot)
    assert replayed.body == live.body == HTML
    assert replayed.content_sha256 == live.content_sha256
    assert replayed.headers == live.headers
    assert ("X-Caption", "caf\xe9 cr\xe8me") in replayed.headers


def test_every_response_has_its_request_and_chunked_framing_is_not_claimed(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    url = loopback.add("/chunked", body=HTML, framing="chunked")
    archive = tmp_path / "a.warc.gz"
    with WarcRecorder(archive) as recorder:
        fetch_references_sync([Reference("1", url)], SETTINGS, recorder=recorder)
    with archive.open("rb") as handle:
        records = [(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read()) for r in ArchiveIterator(handle)]
    assert [kind for kind, *_ in records] == ["warcinfo", "request", "response"]
    (_, request_warc, request_http, _), (_, response_warc, response_http, body) = records[1], records[2]
    assert request_http.get_header("User-Agent") == "claimcheck-test/1.0"
    assert request_warc.get_header("WARC-Concurrent-To") == response_warc.get_header("WARC-Record-ID")
    assert response_warc.get_header("WARC-IP-Address") == "127.0.0.1"
    assert response_http.get_header("Transfer-Encoding") is None
    assert body == HTML


def test_a_body_cut_at_max_bytes_is_marked_truncated(loopback: LoopbackServer, tmp_path: Path) -> None:
    url = loopback.add("/big", body=b"z" * 300_000, framing="chunked")
    archive = tmp_path / "a.warc.gz"
    with WarcRecorder(archive) as recorder:
        result = fetch_references_sync(
            [Reference("1", url)], dataclasses.replace(SETTINGS, max_bytes=20_000), recorder=recorder
        )[0]
    assert isinstance(result, FetchFailure) and result.status == "too_large"
    (stored,) = read_archive(archive)
    assert stored.truncated == "length"
    assert 20_000 < len(stored.body) < 300_000
    assert result.archived_as == stored.archived_as


def test_a_fixture_archive_replays_redirects_errors_and_misses(tmp_path: Path) -> None:
    archive = tmp_path / "fixture.warc.gz"
    write_fixture_archive(
        archive,
        [
            ("https://example.org/old-path", 301, [("Location", "https://example.org/new-path")], b""),
            ("https://example.org/new-path", 200, [("Content-Type", "text/html; charset=utf-8")], HTML),
            ("https://EXAMPLE.org/gone#section", 404, [("Content-Type", "text/html")], b"<p>gone</p>"),
        ],
    )
    refs = [
        Reference("1", "https://example.org/old-path"),
        Reference("2", "https://example.org/gone"),
        Reference("3", "https://example.org/never-archived"),
    ]
    moved, gone, missing = fetch_references_sync(refs, SETTINGS, transport=ReplayTransport(archive))
    assert isinstance(moved, Snapshot)
    assert moved.final_url == "https://example.org/new-path" and moved.redirects == ("https://example.org/old-path",)
    assert moved.body == HTML
    assert isinstance(gone, FetchFailure) and (gone.status, gone.http_status) == ("http_error", 404)
    assert isinstance(missing, FetchFailure)
    assert (missing.status, missing.reason) == ("unreachable", "not in the archive fixture.warc.gz")
    assert not list(tmp_path.glob("*.part"))  # written through a temporary file


def test_replay_reaches_private_and_unresolvable_hosts_without_any_network(tmp_path: Path) -> None:
    # The guard protects the network; a replay has none, so archived local pages still serve.
    archive = tmp_path / "local.warc.gz"
    write_fixture_archive(archive, [("http://10.1.2.3/report", 200, [("Content-Type", "text/plain")], b"words")])
    result = fetch_references_sync(
        [Reference("1", "http://10.1.2.3/report")],
        dataclasses.replace(SETTINGS, allow_private_hosts=False),
        transport=ReplayTransport(archive),
    )[0]
    assert isinstance(result, Snapshot) and result.body == b"words"


def _three_record_archive(path: Path) -> None:
    write_fixture_archive(
        path,
        [
            (f"https://example.org/{n}", 200, [("Content-Type", "text/plain")], f"page {n} ".encode() * 400)
            for n in range(3)
        ],
    )


def _last_record_offset(path: Path) -> int:
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        offsets = []
        for _ in records:
            offsets.append(records.get_record_offset())
    return offsets[-1]


@pytest.mark.parametrize("keep", [0.8, 0.5, 0.05], ids=["near-the-end", "half-way", "just-begun"])
def test_a_torn_last_record_leaves_the_earlier_ones_readable(tmp_path: Path, keep: float) -> None:
    archive = tmp_path / "torn.warc.gz"
    _three_record_archive(archive)
    data = archive.read_bytes()
    start = _last_record_offset(archive)
    # The writer died inside the last record, `keep` of the way through it.
    archive.write_bytes(data[: start + int((len(data) - start) * keep)])
    index = ArchiveIndex(archive)
    assert index.damaged
    assert index.urls() == ("https://example.org/0", "https://example.org/1")
    refs = [Reference(str(n), f"https://example.org/{n}") for n in range(3)]
    first, second, third = fetch_references_sync(refs, SETTINGS, transport=ReplayTransport(archive))
    assert isinstance(first, Snapshot) and first.body == b"page 0 " * 400
    assert isinstance(second, Snapshot)
    assert isinstance(third, FetchFailure) and third.reason == "not in the archive torn.warc.gz"


def test_appending_to_a_torn_archive_keeps_the_new_records_readable(tmp_path: Path) -> None:
    archive = tmp_path / "torn.warc.gz"
    _three_record_archive(archive)
    data = archive.read_bytes()
    start = _last_record_offset(archive)
    archive.write_bytes(data[: start + (len(data) - start) // 2])
    with WarcRecorder(archive, append=True) as recorder:
        recorder.record("https://example.org/after", status=200, headers=[], body=b"appended later")
    index = ArchiveIndex(archive)
    assert not index.damaged
    assert index.urls() == ("https://example.org/0", "https://example.org/1", "https://example.org/after")
    after = index.latest("https://example.org/after")
    assert after is not None and after.body == b"appended later"


def test_appending_to_a_file_that_is_not_an_archive_is_refused_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc.gz"
    path.write_bytes(b"someone's notes, not an archive\n" * 4)
    before = path.read_bytes()
    with pytest.raises(ArchiveError):
        WarcRecorder(path, append=True)
    assert path.read_bytes() == before


def test_an_interrupted_runs_archive_is_salvaged_whole_records_only(tmp_path: Path) -> None:
    partial = tmp_path / "sources.warc.gz.part"
    _three_record_archive(partial)
    data = partial.read_bytes()
    start = _last_record_offset(partial)
    partial.write_bytes(data[: start + 40])  # killed a few bytes into the third record
    kept = salvage_archive(partial, tmp_path / "sources.interrupted.warc.gz")
    assert kept == tmp_path / "sources.interrupted.warc.gz" and not partial.exists()
    index = ArchiveIndex(kept)
    assert not index.damaged and index.urls() == ("https://example.org/0", "https://example.org/1")


def test_an_archive_with_no_whole_record_is_not_salvaged(tmp_path: Path) -> None:
    partial = tmp_path / "sources.warc.gz.part"
    _three_record_archive(partial)
    partial.write_bytes(partial.read_bytes()[:30])
    assert salvage_archive(partial, tmp_path / "kept.warc.gz") is None
    assert not partial.exists() and not (tmp_path / "kept.warc.gz").exists()


def test_no_cut_point_in_the_last_record_serves_a_wrong_body(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    _three_record_archive(whole)
    data = whole.read_bytes()
    torn = tmp_path / "torn.warc.gz"
    served_whole = 0
    for cut in range(_last_record_offset(whole) + 1, len(data), 3):
        torn.write_bytes(data[:cut])
        index = ArchiveIndex(torn)
        last = index.latest("https://example.org/2")
        assert index.latest("https://example.org/1") is not None
        if last is None:
            assert index.damaged, cut
        else:
            assert last.body == b"page 2 " * 400, cut
            served_whole += 1
    # Only a cut in the gzip trailer, after the whole payload, may still serve the record.
    assert served_whole <= 6


def test_records_are_on_disk_before_the_recorder_closes(tmp_path: Path) -> None:
    # A separate process writes two records and is killed without closing anything.
    archive = tmp_path / "killed.warc.gz"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pipeline.fetch.archive import WarcRecorder
        recorder = WarcRecorder({str(archive)!r})
        for n in range(2):
            recorder.record(f"https://example.org/{{n}}", status=200, headers=[], body=b"kept")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    process = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2], capture_output=True)
    assert process.returncode == -9, process.stderr
    assert [(stored.url, stored.body) for stored in read_archive(archive)] == [
        ("https://example.org/0", b"kept"),
        ("https://example.org/1", b"kept"),
    ]


def test_a_missing_archive_is_an_archive_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.warc.gz"
    with pytest.raises(ArchiveError) as caught:
        ReplayTransport(missing)
    assert str(caught.value) == f"{missing}: archive not found"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the archive is empty"),
        (b"this is a text file, not an archive\n" * 3, "not a readable WARC archive"),
    ],
)
def test_an_unreadable_archive_is_an_archive_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    with pytest.raises(ArchiveError) as caught:
        ReplayTransport(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_records_can_be_found_by_their_id(tmp_path: Path) -> None:
    archive = tmp_path / "ids.warc.gz"
    with WarcRecorder(archive) as recorder:
        first = recorder.record("https://example.org/a", status=200, headers=[], body=b"A")
        second = recorder.record("https://example.org/a", status=200, headers=[], body=b"B")
    index = ArchiveIndex(archive)
    assert first.startswith("ids.warc.gz#urn:uuid:") and first != second
    found = index.record(first.split("#", 1)[1])
    assert found is not None and found.body == b"A"
    latest = index.latest("https://example.org/a")
    assert latest is not None and (latest.body, latest.archived_as) == (b"B", second)
