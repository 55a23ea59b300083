"""The WARC archive: what was fetched, byte for byte, and a transport that replays it.

Writing (`WarcRecorder`): every HTTP exchange the fetcher makes becomes a request record and a
response record (status line, headers, body) in a gzipped WARC file, one gzip member per record,
flushed as soon as it is written; a run killed half-way leaves an archive whose complete
records all read back. The body is stored as it came off the wire, content encoding included
(a gzip-encoded page stays gzip in the archive); only the chunked transfer framing is gone,
so the `Transfer-Encoding` header is dropped rather than left to describe bytes that are not
there. A body the fetcher stopped reading early carries `WARC-Truncated` (WARC 1.0 §5.13).

Reading (`ArchiveIndex`, `read_archive`): the response records by URL. A record whose payload
does not match its `WARC-Payload-Digest` (the torn last record of a killed run) ends the scan:
everything before it is served, nothing after it is trusted.

Replay (`ReplayTransport`): an httpx transport answering from an archive with no network at
all. Redirect responses are archived like any other, so the fetcher follows the same hops; the
raw body and headers are served as archived, so the fetcher decodes them exactly as it did
live and gets an identical `Snapshot.body`. A URL not in the archive ends the fetch with
`Unreachable("not in the archive <file>")`.

`archived_as` everywhere is "<file name>#<WARC-Record-ID without angle brackets>".
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import tempfile
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType

import httpx
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .addresses import Unreachable
from .atomic import publish
from .errors import ArchiveError

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


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """One response record read back from an archive (body raw, as archived)."""

    url: str
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    record_id: str
    date: str
    archived_as: str
    truncated: str = ""


def archive_key(url: str) -> str:
    """The form of `url` records are filed under: httpx's normalisation, no fragment.

    The fetcher asks for URLs as httpx prints them, and fixture manifests are written by
    hand; both must land on the same key.
    """
    try:
        return str(httpx.URL(url.strip()).copy_with(fragment=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return url.strip()


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


class ArchiveIndex:
    """The response records of one archive, filed by URL (offsets only; bodies are read when
    asked for, so a large archive costs little memory).

    Raises ArchiveError when the file is missing, empty or not a WARC archive. A damaged tail
    (a torn last record) is not an error: `damaged` is True and the records before it serve.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self.damaged = False
        # Where the last intact record ends: what a writer appending may keep.
        self.intact_bytes = 0
        self._by_url: dict[str, int] = {}
        self._by_id: dict[str, int] = {}
        self._intact = 0  # whole records read, of any type
        self._scan()

    def __contains__(self, url: str) -> bool:
        return archive_key(url) in self._by_url

    def __len__(self) -> int:
        return len(self._by_id)

    def urls(self) -> tuple[str, ...]:
        """Every URL with a response, in the order first archived."""
        return tuple(self._by_url)

    def latest(self, url: str) -> ArchivedResponse | None:
        """The last response archived for `url` (after retries, the final answer), or None."""
        offset = self._by_url.get(archive_key(url))
        return None if offset is None else self._load(offset)

    def record(self, record_id: str) -> ArchivedResponse | None:
        """The response record `record_id` (with or without angle brackets), or None."""
        offset = self._by_id.get(record_id.strip("<>"))
        return None if offset is None else self._load(offset)

    def responses(self) -> Iterator[ArchivedResponse]:
        """Every intact response record, in file order."""
        for offset in sorted(self._by_id.values()):
            yield self._load(offset)

    def _scan(self) -> None:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            raise ArchiveError("archive not found", path=str(self.path)) from None
        except OSError as error:
            raise ArchiveError(f"cannot read the archive ({error.strerror})", path=str(self.path)) from None
        with handle:
            if not handle.read(1):
                raise ArchiveError("the archive is empty", path=str(self.path))
            handle.seek(0)
            try:
                # warcio reports oddities on stderr; `damaged` says all a caller needs.
                with contextlib.redirect_stderr(io.StringIO()):
                    # no_record_parse: the HTTP block is read as bytes and parsed here, so
                    # header bytes come back exactly as they were written.
                    self._index(ArchiveIterator(handle, no_record_parse=True))
                # warcio ends quietly on a record torn inside its header: bytes left over
                # after the last whole record mean the tail is damaged.
                if self.intact_bytes < handle.seek(0, os.SEEK_END):
                    self.damaged = True
            except Exception as error:  # warcio raises several kinds for a torn or foreign file
                if not self._intact:
                    raise ArchiveError(
                        f"not a readable WARC archive ({_one_line(error)})", path=str(self.path)
                    ) from None
                self.damaged = True
        if not self._intact:
            raise ArchiveError("not a readable WARC archive (no intact record)", path=str(self.path))

    def _index(self, records: ArchiveIterator) -> None:
        """File the intact records, noting where the last one ends (`intact_bytes`)."""
        for record in records:
            if record.format != "warc":  # warcio also reads ARC files, and reads text as ARC
                raise ValueError(f"found a {record.format or 'non-WARC'} record")
            block = record.raw_stream.read()
            if not _is_whole(record, block):
                self.damaged = True  # a torn record: nothing after it is trusted
                return
            offset = records.get_record_offset()
            self.intact_bytes = offset + records.get_record_length()
            self._intact += 1
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
                self._by_url[archive_key(url)] = offset
                self._by_id[record_id.strip("<>")] = offset

    def _load(self, offset: int) -> ArchivedResponse:
        with self.path.open("rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle, no_record_parse=True)))
            block = record.raw_stream.read()
        protocol, status, reason, headers, body = _parse_http_block(block)
        record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
        return ArchivedResponse(
            url=record.rec_headers.get_header("WARC-Target-URI") or "",
            status=status,
            reason=reason,
            http_version=protocol,
            headers=headers,
            body=body,
            record_id=record_id,
            date=record.rec_headers.get_header("WARC-Date") or "",
            archived_as=f"{self.name}#{record_id}",
            truncated=record.rec_headers.get_header("WARC-Truncated") or "",
        )


def read_archive(path: str | Path) -> tuple[ArchivedResponse, ...]:
    """Every intact response record of the archive at `path`, in file order."""
    return tuple(ArchiveIndex(path).responses())


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


def _is_whole(record: typing.Any, block: bytes) -> bool:
    """Whether a record read back is complete: a type, its declared length all there, and
    the digest it promises (block digest, else payload digest) when it has one."""
    if not record.rec_type or record.length is None or len(block) != record.length:
        return False  # torn inside the WARC header or the block
    block_digest = record.rec_headers.get_header("WARC-Block-Digest")
    if block_digest:
        return _digest_matches(block_digest, block)
    payload_digest = record.rec_headers.get_header("WARC-Payload-Digest")
    if payload_digest and record.rec_type in ("response", "request"):
        return _digest_matches(payload_digest, _split_http_block(block)[1])
    return True


def _digest_matches(digest: str, data: bytes) -> bool:
    """Whether `data` has the WARC digest `digest` ("sha1:BASE32"); True for an unknown
    algorithm, which cannot be judged."""
    algorithm, _, expected = str(digest).partition(":")
    try:
        actual = hashlib.new(algorithm.lower().replace("-", ""), data).digest()
    except ValueError:
        return True
    return base64.b32encode(actual).decode("ascii") == expected.strip().upper()


def _split_http_block(block: bytes) -> tuple[bytes, bytes]:
    """(header lines, body) of an HTTP message; the blank line may be CRLF or bare LF."""
    ends = [(at, len(mark)) for mark in (b"\r\n\r\n", b"\n\n") if (at := block.find(mark)) >= 0]
    if not ends:
        return block, b""
    at, size = min(ends)
    return block[:at], block[at + size :]


def _parse_http_block(block: bytes) -> tuple[str, int, str, tuple[tuple[str, str], ...], bytes]:
    """(protocol, status, reason, headers, body) of an archived HTTP response; header bytes
    are decoded as Latin-1, as the fetcher decoded them off the wire."""
    head, body = _split_http_block(block)
    lines = head.decode("latin-1").replace("\r\n", "\n").split("\n")
    protocol, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name.strip(), value.strip()))
    return protocol or "HTTP/1.1", int(code) if code.isdigit() else 0, reason, tuple(headers), body


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
