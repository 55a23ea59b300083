"""Reading a WARC archive back: its response records, filed by URL.

`ArchiveIndex` scans an archive once and files the intact response records by URL (and by
record id); `read_archive` lists them. A record whose payload does not match its
`WARC-Payload-Digest` (the torn last record of a killed run) ends the scan: everything before
it is served, nothing after it is trusted. Writing and replaying live in pipeline.fetch.archive.

`archived_as` everywhere is "<file name>#<WARC-Record-ID without angle brackets>".
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from warcio.archiveiterator import ArchiveIterator

from ..errors import ArchiveError


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
        # When the archive was begun (the WARC-Date of its first record, "" when unknown).
        self.started = ""
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
            if not self._intact:
                self.started = record.rec_headers.get_header("WARC-Date") or ""
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


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
