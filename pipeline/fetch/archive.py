"""The WARC archive: what was fetched, byte for byte, and a transport that replays it.

Writing (`WarcRecorder`): every HTTP exchange the fetcher makes becomes a request record and a
response record (status line, headers, body) in a gzipped WARC file, one gzip member per record,
flushed as soon as it is written; a run killed half-way leaves an archive whose complete
records all read back. The body is stored as it came off the wire, content encoding included
(a gzip-encoded page stays gzip in the archive); only the chunked transfer framing is gone,
so the `Transfer-Encoding` header is dropped rather than left to describe bytes that are not
there. A body the fetcher stopped reading early carries `WARC-Truncated` (WARC 1.0 §5.13).

Reading (`ArchiveIndex`, `read_archive`, `archive_key`) lives in pipeline.fetch.archive_read: the
response records by URL, up to the first torn record.

Replay (`ReplayTransport`): an httpx transport answering from an archive with no network at
all. Redirect responses are archived like any other, so the fetcher follows the same hops; the
raw body and headers are served as archived, so the fetcher decodes them exactly as it did
live and gets an identical `Snapshot.body`. A URL not in the archive ends the fetch with
`Unreachable("not in the archive <file>")`.

`archived_as` everywhere is "<file name>#<WARC-Record-ID without angle brackets>".
"""

from __future__ import annotations

import io
import os
import tempfile
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ..atomic import publish
from ..errors import ArchiveError
from .addresses import Unreachable
from .archive_read import ArchiveIndex, archive_key

# (url, status, headers, body) — one response of a fixture archive; body as sent on the wire.
FixtureEntry = tuple[str, int, Sequence[tuple[str, str]], bytes]

# The stored body is de-chunked, so a framing header would describe bytes that are not there.
_DROPPED_HEADERS = frozenset({"transfer-encoding"})
# Response extensions the replay sets; the fetcher reads them to keep the original fetch's
# time and record instead of inventing new ones.
REPLAYED = "claimcheck.replayed"
REPLAY_FETCHED_AT = "claimcheck.fetched_at"
REPLAY_ARCHIVED_AS = "claimcheck.archived_as"


class NotInArchive(Unreachable):
    """The replayed archive holds no response for the requested URL."""


def utc_now() -> str:
    """The current time as the WARC and the records write it ("2024-05-01T12:00:00Z")."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcRecorder:
    """Writes every exchange to a gzipped WARC file; use as a context manager.

    The file is created (or appended to, with `append=True`) when the recorder is made, and
    starts with a warcinfo record naming the software. Appending to an archive whose last
    record is torn (a killed run) first cuts the torn bytes off, so the new records stay
    readable; appending to a file that is not a WARC archive is an ArchiveError. `record()`
    may be called from the event loop: it writes synchronously, so records never interleave.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        append: bool = False,
        info: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        self.path = Path(path)
        # The name `archived_as` uses: the file's own, unless it is written under a temporary
        # name and renamed afterwards (write_fixture_archive).
        self.name = name or self.path.name
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if append:
                _drop_torn_tail(self.path)
            self._file: typing.BinaryIO | None = self.path.open("ab" if append else "wb")
        except OSError as error:
            raise ArchiveError(f"cannot write the archive ({error.strerror})", path=str(path)) from None
        self._writer = WARCWriter(self._file, gzip=True)
        details = {"software": "claimcheck", "format": "WARC File Format 1.0"}
        details.update(info or {})
        self._write(self._writer.create_warcinfo_record(self.name, details))

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (every record is already on disk)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def record(
        self,
        url: str,
        *,
        status: int,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        reason: str = "",
        http_version: str = "HTTP/1.1",
        request_headers: Iterable[tuple[str, str]] | None = None,
        method: str = "GET",
        fetched_at: str = "",
        truncated: str = "",
        peer_address: str = "",
    ) -> str:
        """Write one response (and, when `request_headers` is given, its request); return
        "<file name>#<record id>" of the response record.

        `body` is the payload as received (content encoding kept). `truncated` is a WARC
        truncation reason ("length", "time", "disconnect", "unspecified") when the body is
        incomplete.
        """
        if self._file is None:
            raise ArchiveError("the archive is already closed", path=str(self.path))
        date = fetched_at or utc_now()
        kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED_HEADERS]
        phrase = reason or _phrase(status)
        warc_headers = {"WARC-Date": date}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        if peer_address:
            warc_headers["WARC-IP-Address"] = peer_address
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=_Latin1Headers(f"{status} {phrase}".strip(), kept, protocol=http_version),
            warc_headers_dict=warc_headers,
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        records = [response]
        if request_headers is not None:
            target = httpx.URL(url).raw_path.decode("ascii", "replace")
            request = self._writer.create_warc_record(
                url,
                "request",
                http_headers=_Latin1Headers(
                    f"{method} {target} {http_version}", list(request_headers), is_http_request=True
                ),
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
            )
            records.insert(0, request)
        self._write(*records)
        return f"{self.name}#{record_id.strip('<>')}"

    def _write(self, *records: typing.Any) -> None:
        """Append `records` (one gzip member each) with a single write, then flush.

        The records are serialised in memory first: a Ctrl-C or SIGTERM turned into an
        exception can strike between two Python steps of warcio's writer, but not inside one
        write() to a regular file, so an interrupted run leaves whole exchanges or nothing,
        and later records are never stranded behind a torn one.
        """
        assert self._file is not None
        buffer = io.BytesIO()
        staging = WARCWriter(buffer, gzip=True)
        for record in records:
            staging.write_record(record)
        try:
            self._file.write(buffer.getvalue())
            self._file.flush()
        except OSError as error:
            raise ArchiveError(f"cannot write the archive ({error.strerror})", path=str(self.path)) from None


class _Latin1Headers(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers written back as the Latin-1 bytes they were read as; warcio's default
    percent-encodes non-ASCII values, which would change the headers a replay serves."""

    def compute_headers_buffer(self, header_filter: typing.Any = None) -> None:
        self.headers_buff = self.to_str(header_filter).encode("latin-1", "replace") + b"\r\n"


class ReplayTransport(httpx.AsyncBaseTransport):
    """An httpx transport that answers from an archive's response records, with no network.

    The archive is indexed when the transport is made, so a missing or unreadable archive
    fails at once with ArchiveError. Fetchers may check `replays_archive` to skip retries
    and politeness pauses, which a replay does not need.
    """

    replays_archive = True

    def __init__(self, path: str | Path) -> None:
        self.index = ArchiveIndex(path)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The archived response for the request's URL; NotInArchive when there is none."""
        archived = self.index.latest(str(request.url))
        if archived is None:
            raise NotInArchive(f"not in the archive {self.index.name}", request=request)
        return httpx.Response(
            status_code=archived.status,
            headers=[(name.encode("latin-1"), value.encode("latin-1")) for name, value in archived.headers],
            stream=httpx.ByteStream(archived.body),
            extensions={
                "http_version": archived.http_version.encode("ascii", "replace"),
                "reason_phrase": archived.reason.encode("latin-1", "replace"),
                REPLAYED: True,
                REPLAY_FETCHED_AT: archived.date,
                REPLAY_ARCHIVED_AS: archived.archived_as,
            },
            request=request,
        )


def salvage_archive(partial: str | Path, target: str | Path) -> Path | None:
    """Keep what an interrupted run archived: cut a torn last record off `partial` and
    rename it to `target`; return `target`, or None (and remove `partial`) when not one
    record of it is whole. `target` must not be the previous run's archive: an
    interrupted run publishes beside it (e.g. "sources.interrupted.warc.gz"), never over it.
    """
    partial, target = Path(partial), Path(target)
    try:
        _drop_torn_tail(partial)
    except ArchiveError:
        partial.unlink(missing_ok=True)
        return None
    if not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        return None
    publish(partial, target)
    return target


def write_fixture_archive(path: str | Path, entries: Iterable[FixtureEntry]) -> None:
    """Write an archive the replay can serve from (url, status, headers, body) entries.

    `body` is what the server would send (gzip bytes if the headers say Content-Encoding:
    gzip). A Content-Length header is added when missing, as a server would. The file is
    written to a temporary name and renamed, so a reader never sees half a fixture archive.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    try:
        note = {"note": "fixture archive written from a manifest"}
        with WarcRecorder(temp_name, info=note, name=target.name) as recorder:
            for url, status, headers, body in entries:
                names = {name.lower() for name, _ in headers}
                full = list(headers) if "content-length" in names else [*headers, ("Content-Length", str(len(body)))]
                recorder.record(archive_key(url), status=status, headers=full, body=body)
        publish(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _drop_torn_tail(path: Path) -> None:
    """Cut whatever follows the last intact record of `path` (a torn record left by a killed
    run), so that records appended after it can be read back."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    intact = ArchiveIndex(path).intact_bytes
    if intact < size:
        with path.open("r+b") as handle:
            handle.truncate(intact)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
