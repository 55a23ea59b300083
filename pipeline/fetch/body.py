"""Response bodies under the fetcher's rules: bounded decoding and type sniffing.

A source's body is hostile input. `BodyReader` streams it once, keeping two things:

  * the raw bytes as they came off the wire (content encoding kept), for the archive;
  * for a 2xx answer, the decoded bytes (gzip / deflate undone), for the Snapshot.

Both are capped at the same `limit`, and the cap counts *decoded* bytes: a compression bomb
stops as soon as its output passes the cap, chunk by chunk, never after inflating a whole
chunk (zlib's `max_length`). A declared type that is clearly not a page (an image, a video)
or a declared length past the cap ends the read before the body is downloaded.

`sniff_media_type` then decides what the body is: HTML, XHTML, plain text or PDF (by its
header, corrected by the bytes where servers are known to lie), or None (unsupported).

Only gzip and deflate are decoded, and only they are advertised in Accept-Encoding: the
standard library decodes them under a cap; a server that sends br or zstd unasked gets a
clear "not decoded" problem rather than an unbounded decoder.
"""

from __future__ import annotations

import dataclasses
import zlib

import httpx

from ..records import SourceStatus

__all__ = [
    "ACCEPTED_TYPES",
    "ACCEPT_ENCODING",
    "BodyProblem",
    "BodyReader",
    "media_type",
    "sniff_media_type",
]

# Only what BodyReader decodes under its size cap (no br/zstd: no bounded decoder for them).
ACCEPT_ENCODING = "gzip, deflate"
ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf"})
_TYPE_ALIASES = {"application/x-pdf": "application/pdf", "application/acrobat": "application/pdf"}
# Types servers send when they do not know (or lie); for these the body decides.
_SNIFFED_TYPES = frozenset({
    "", "application/octet-stream", "binary/octet-stream", "application/unknown", "application/x-unknown",
    "application/download", "application/x-download", "application/force-download", "text/xml", "application/xml",
})  # fmt: skip
# Declared types worth reading the body of (the rest are refused on their headers alone).
_READABLE_TYPES = ACCEPTED_TYPES | _SNIFFED_TYPES | frozenset(_TYPE_ALIASES)
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title")


@dataclasses.dataclass(frozen=True, slots=True)
class BodyProblem:
    """Why a 2xx body cannot become a Snapshot."""

    status: SourceStatus
    reason: str


class _TooLarge(Exception):
    """The decoded (or raw) body passed the cap; caught inside BodyReader.read."""


class BodyReader:
    """Reads one response body: raw bytes for the archive, decoded bytes for the Snapshot.

    Only a 2xx body is decoded and judged; other bodies are kept raw (capped) for the archive.
    Decoding happens chunk by chunk with zlib's `max_length`, so a gzip bomb stops as soon as
    its output passes the cap, never after inflating a whole chunk.
    """

    def __init__(self, limit: int, *, check_type: bool) -> None:
        self.limit = limit
        self.check_type = check_type
        self.raw = bytearray()
        self.body = b""
        self.problem: BodyProblem | None = None
        self.truncated = ""

    def _stop(self, status: SourceStatus, reason: str, truncated: str) -> None:
        self.problem, self.truncated = BodyProblem(status, reason), truncated

    async def read(self, response: httpx.Response) -> None:
        """Stream `response`'s body into `raw` (and, for a 2xx, decoded into `body`); a
        reason not to use it lands in `problem`, a cut in `truncated` (WARC's words)."""
        decoder: _Decoder | None = None
        if 200 <= response.status_code < 300:
            declared_type = media_type(response.headers.get("content-type", ""))
            declared_length = response.headers.get("content-length", "").strip()
            if self.check_type and declared_type not in _READABLE_TYPES:
                # Not worth downloading a video to learn it is a video.
                return self._stop(
                    "unsupported_type",
                    f"the source is {declared_type}, not a web page, plain text or PDF",
                    "unspecified",
                )
            if self.check_type and declared_length.isdigit() and int(declared_length) > self.limit:
                return self._stop(
                    "too_large",
                    f"the source declares {int(declared_length):,} bytes, more than max_bytes "
                    f"({self.limit:,}); not downloaded",
                    "length",
                )
            encoding = response.headers.get("content-encoding", "")
            try:
                decoder = _Decoder(encoding, self.limit)
            except ValueError as error:
                return self._stop("unsupported_type", str(error), "unspecified")
        try:
            async for chunk in response.aiter_raw():
                self.raw += chunk
                if decoder is not None:
                    decoder.feed(chunk)
                if len(self.raw) > self.limit:
                    raise _TooLarge
            if decoder is not None:
                decoder.finish()
        except _TooLarge:
            if decoder is not None:
                self._stop(
                    "too_large",
                    f"the source is larger than max_bytes ({self.limit:,} bytes); reading stopped there",
                    "length",
                )
            else:
                self.truncated = "length"
        except zlib.error:
            self._stop(
                "unsupported_type",
                f"the body is not valid '{encoding}' data, so it cannot be read",
                "unspecified",
            )
        if decoder is not None:
            self.body = decoder.output()


class _Decoder:
    """Undoes a Content-Encoding chain (gzip, deflate) without ever producing more than
    `limit` bytes; raises _TooLarge past it (keeping the first `limit` bytes)."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip().lower() not in ("", "identity")]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise ValueError(f"the body is encoded as '{coding}', which claimcheck does not decode")
        # Codings are listed in the order applied, so they come off in reverse.
        self._stages = [_Stage(coding) for coding in reversed(codings)]
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> None:
        for stage in self._stages:
            data = stage.decompress(data, self._limit + 1)
        self._take(data)

    def finish(self) -> None:
        data = b""
        for stage in self._stages:
            data = stage.decompress(data, self._limit + 1) + stage.flush()
        self._take(data)

    def output(self) -> bytes:
        return b"".join(self._parts)

    def _take(self, data: bytes) -> None:
        room = self._limit - self._size
        self._parts.append(data[:room])
        self._size += min(len(data), room)
        if len(data) > room:
            raise _TooLarge


class _Stage:
    """One zlib decompressor; "deflate" is tried as zlib-wrapped first, then raw, because
    servers send both under that name."""

    def __init__(self, coding: str) -> None:
        self._deflate = coding == "deflate"
        self._fresh = True
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS if self._deflate else zlib.MAX_WBITS | 16)

    def decompress(self, data: bytes, cap: int) -> bytes:
        if not data:
            return b""
        try:
            out = self._zlib.decompress(data, cap)
        except zlib.error:
            if not (self._deflate and self._fresh):
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, cap)
        self._fresh = False
        if self._zlib.unconsumed_tail:  # the output filled `cap`: more than allowed
            raise _TooLarge
        return out

    def flush(self) -> bytes:
        return self._zlib.flush()


def sniff_media_type(content_type: str, body: bytes) -> str | None:
    """The media type the fetcher accepts `body` as, or None when it is none of HTML,
    XHTML, plain text or PDF. The PDF signature wins over any header (servers send PDFs
    as text/html or octet-stream); a vague header (octet-stream, XML, none) lets the body
    decide; a clear header is believed."""
    head = body[:1024]
    declared = media_type(content_type)
    declared = _TYPE_ALIASES.get(declared, declared)
    # PDF readers accept the signature anywhere in the first KiB; outside a vague type only
    # at the very start, so an HTML page quoting "%PDF-" stays HTML.
    if head.lstrip().startswith(b"%PDF-") or (declared in _SNIFFED_TYPES and b"%PDF-" in head):
        return "application/pdf"
    if declared in ACCEPTED_TYPES:
        return declared
    if declared not in _SNIFFED_TYPES:
        return None
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"http://www.w3.org/1999/xhtml" in lowered:
        return "application/xhtml+xml"
    if lowered.startswith(_HTML_MARKERS) or any(marker in lowered[:512] for marker in _HTML_MARKERS):
        return "text/html"
    if declared in ("text/xml", "application/xml"):
        return None
    if not any(byte < 9 or 13 < byte < 32 for byte in head if byte != 27):
        return "text/plain"
    return None


def media_type(content_type: str) -> str:
    """The bare, lower-case media type of a Content-Type header ("text/html")."""
    return content_type.split(";", 1)[0].strip().lower()
