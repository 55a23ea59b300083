"""Fetch the cited sources: one Snapshot or FetchFailure per reference, never an exception.

All I/O goes through an httpx transport: the guarded network transport by default
(addresses.GuardedTransport), a loopback server in tests, or an archive (ReplayTransport)
offline. The fetcher is the same code in all three. For one source (`_Fetcher.fetch`):

  0. wait for a slot: max_concurrency sources at once, per_host_concurrency per host (the
     wait does not count against the source's deadline: queueing is not the site's fault)
  1. check the URL: http(s) only, no credentials (addresses.check_url)      → blocked
  2. read and obey the host's robots.txt, once per site, if respect_robots  → robots_disallowed
  3. send one GET, redirects not followed by httpx; the guarded transport resolves the host
     and refuses private addresses before connecting                        → blocked
  4. retry connect errors, 429 and 5xx with exponential backoff and jitter, honouring
     Retry-After up to retry_after_cap                                       → unreachable
  5. stream the body raw and decode it as it arrives, stopping at max_bytes  → too_large
  6. archive the request and the response (WarcRecorder), whatever the outcome
  7. a 3xx goes back to step 1 with the Location (max_redirects, loops caught) → http_error
  8. a final 4xx/5xx (403/429 reported as refused by the site)              → http_error
  9. sniff the type: HTML, XHTML, plain text or PDF, by header and magic     → unsupported_type
Steps 1-9 run under one deadline per source (total_deadline)                 → timeout

Layout: the public functions; `_Fetcher` (steps 0-9, one per run); reasons for failures;
then bodies (bounded decoding, type sniffing), which the fetch step alone uses.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import random
import ssl
import typing
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx
from protego import Protego

from .addresses import AddressBlocked, AddressGuard, GuardedTransport, Unreachable, check_url
from .archive import REPLAY_ARCHIVED_AS, REPLAY_FETCHED_AT, WarcRecorder, archive_key, utc_now
from .config import FetchSettings
from .records import FetchFailure, Reference, Snapshot, SourceStatus

Result = Snapshot | FetchFailure
OnResult = Callable[[Result], None]

_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1"
# Only what read_body decodes under its size cap (no br/zstd: no bounded decoder for them).
_ACCEPT_ENCODING = "gzip, deflate"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)
# RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of robots.txt.
_ROBOTS_MAX_BYTES = 500 * 1024
_ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2


async def fetch_references(
    references: Sequence[Reference],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
    on_result: OnResult | None = None,
) -> tuple[Result, ...]:
    """Fetch every reference; results in the order of `references`.

    `transport=None` means the real network behind the address guard. References with the
    same URL are fetched once and share the result (each with its own reference id).
    `on_result` is called once per reference as its result arrives (for progress bars).
    A source problem is always a FetchFailure; only programmer errors propagate.
    """
    results: list[Result | None] = [None] * len(references)
    async with _Fetcher(settings, transport, recorder) as fetcher:
        shared: dict[str, asyncio.Task[Result]] = {}

        async def deliver(index: int, reference: Reference, task: asyncio.Task[Result]) -> None:
            result = dataclasses.replace(await task, reference_id=reference.id, url=reference.url)
            results[index] = result
            if on_result is not None:
                on_result(result)

        try:
            async with asyncio.TaskGroup() as group:
                for index, reference in enumerate(references):
                    key = archive_key(reference.url)
                    if key not in shared:
                        shared[key] = group.create_task(fetcher.fetch(reference.url.strip()))
                    group.create_task(deliver(index, reference, shared[key]))
        except BaseExceptionGroup as errors:
            # Only a programmer error gets here (a source problem is a FetchFailure, and the
            # others are cancelled); raise it as itself, not wrapped in a group.
            raise errors.exceptions[0] from None
    return tuple(typing.cast(Result, result) for result in results)


def fetch_references_sync(
    references: Sequence[Reference],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
    on_result: OnResult | None = None,
) -> tuple[Result, ...]:
    """`fetch_references` for callers without an event loop (the runner)."""
    return asyncio.run(
        fetch_references(references, settings, transport=transport, recorder=recorder, on_result=on_result)
    )


def fetch_document(
    url: str,
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
) -> Result:
    """Fetch an article given by URL, with every rule a source gets (reference id "article")."""
    return fetch_references_sync([Reference(id="article", url=url)], settings, transport=transport, recorder=recorder)[
        0
    ]


def network_transport(settings: FetchSettings, *, guard: AddressGuard | None = None) -> httpx.AsyncBaseTransport:
    """The transport `transport=None` stands for: the network behind the address guard."""
    guard = guard or AddressGuard(allow_private=settings.allow_private_hosts)
    # Room for one robots.txt request per site beside the sources themselves.
    return GuardedTransport(guard, max_connections=2 * settings.max_concurrency)


class _Failed(Exception):
    """Ends one source with a FetchFailure (internal; never leaves this module)."""

    def __init__(self, status: SourceStatus, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.status: SourceStatus = status
        self.reason = reason
        self.http_status = http_status


@dataclasses.dataclass(slots=True)
class _Exchange:
    """One request and its response, read (as far as the rules allow) and archived."""

    url: str
    status: int
    reason_phrase: str
    headers: list[tuple[str, str]]
    body: bytes
    problem: _BodyProblem | None
    fetched_at: str
    archived_as: str
    gave_up: str = ""  # why retries stopped early, for the reason line

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name), "")


@dataclasses.dataclass(slots=True)
class _Trail:
    """Where one source's fetch has got to: what a failure must report."""

    url: str
    current: str
    hops: list[str] = dataclasses.field(default_factory=list)
    host: str | None = None
    attempts: int = 0
    deadline: float = 0.0
    archived_as: str = ""

    def failure(self, status: SourceStatus, reason: str, http_status: int | None = None) -> FetchFailure:
        if self.hops and self.current not in self.hops:  # the problem is at a redirect's target
            reason = f"redirected to {self.current}: {reason}"
        return FetchFailure(
            reference_id="",
            url=self.url,
            status=status,
            reason=reason,
            fetched_at=utc_now(),
            http_status=http_status,
            final_url=self.current,
            archived_as=self.archived_as,
            redirects=tuple(self.hops),
        )


class _Borrowed(httpx.AsyncBaseTransport):
    """A caller's transport, used but not closed: the caller owns it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)


class _Fetcher:
    """One run's client, limits, robots cache and recorder (see the module docstring)."""

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.AsyncBaseTransport | None,
        recorder: WarcRecorder | None,
    ) -> None:
        self.settings = settings
        self.recorder = recorder
        # A replay answers the same every time: retrying or pausing would only waste time.
        self.replaying = bool(getattr(transport, "replays_archive", False))
        self.client = httpx.AsyncClient(
            transport=network_transport(settings) if transport is None else _Borrowed(transport),
            follow_redirects=False,  # every hop is checked, archived and counted here
            trust_env=False,  # an environment proxy would bypass the address guard
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=None,
            ),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": _ACCEPT_ENCODING,
            },
        )
        self.robots_agent = settings.user_agent.split("/", 1)[0].split()[0] if settings.user_agent.strip() else "*"
        self._sources = asyncio.Semaphore(settings.max_concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._robots: dict[str, asyncio.Task[Protego | str | None]] = {}

    async def __aenter__(self) -> _Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in self._robots.values():
            task.cancel()
        await asyncio.gather(*self._robots.values(), return_exceptions=True)
        await self.client.aclose()

    async def fetch(self, url: str) -> Result:
        """Fetch one source: steps 0-9 of the module docstring."""
        trail = _Trail(url=url, current=url)
        async with self._sources:
            await self._enter_host(trail, _host(url))
            try:
                trail.deadline = asyncio.get_running_loop().time() + self.settings.total_deadline
                async with asyncio.timeout(self.settings.total_deadline):
                    return await self._follow(trail)
            except TimeoutError:
                return trail.failure(
                    "timeout",
                    f"no complete answer within {self.settings.total_deadline:g} s "
                    "(total_deadline, redirects and retries included)",
                )
            except _Failed as failed:
                return trail.failure(failed.status, failed.reason, failed.http_status)
            except (httpx.TransportError, httpx.InvalidURL) as error:
                return trail.failure(*self._explain(error, trail))
            finally:
                self._leave_host(trail)

    async def _follow(self, trail: _Trail) -> Snapshot:
        while True:
            current = trail.current
            blocked = check_url(current)
            if blocked:
                raise _Failed("blocked", blocked)
            if self.settings.respect_robots:
                await self._obey_robots(current)
            if _host(current) != trail.host:
                # Hold one host's slot at a time: holding two invites a deadlock between
                # sources redirecting across each other's hosts.
                self._leave_host(trail)
                await self._enter_host(trail, _host(current))
            exchange = await self._exchange_with_retries(current, trail)
            if not (300 <= exchange.status < 400 and exchange.status != 304):
                return self._finish(exchange, trail)
            location = exchange.header("location").strip()
            if not location:
                raise _Failed(
                    "http_error",
                    f"the site answered {_status_text(exchange)} without saying where to go",
                    exchange.status,
                )
            target = str(httpx.URL(current).join(location))
            trail.hops.append(current)
            if archive_key(target) in {archive_key(hop) for hop in trail.hops}:
                raise _Failed(
                    "http_error",
                    f"redirect loop: {target} leads back to a page already visited after {len(trail.hops)} redirects",
                    exchange.status,
                )
            if len(trail.hops) > self.settings.max_redirects:
                raise _Failed(
                    "http_error",
                    f"more than {self.settings.max_redirects} redirects (max_redirects); the last pointed to {target}",
                    exchange.status,
                )
            trail.current = target

    def _finish(self, exchange: _Exchange, trail: _Trail) -> Snapshot:
        if exchange.status >= 400 or exchange.status < 200 or exchange.status == 304:
            raise _Failed("http_error", _http_error_reason(exchange, trail.attempts), exchange.status)
        if exchange.problem is not None:
            raise _Failed(exchange.problem.status, exchange.problem.reason, exchange.status)
        declared = exchange.header("content-type")
        media_type = sniff_media_type(declared, exchange.body)
        if media_type is None:
            shown = declared.split(";", 1)[0].strip() or "of no stated type"
            raise _Failed(
                "unsupported_type",
                f"the source is {shown}, not a web page, plain text or PDF",
                exchange.status,
            )
        same_type = declared.split(";", 1)[0].strip().lower() == media_type
        return Snapshot(
            reference_id="",
            url=trail.url,
            final_url=exchange.url,
            http_status=exchange.status,
            content_type=declared if same_type else media_type,
            headers=tuple(exchange.headers),
            body=exchange.body,
            fetched_at=exchange.fetched_at,
            content_sha256=hashlib.sha256(exchange.body).hexdigest(),
            archived_as=exchange.archived_as,
            redirects=tuple(trail.hops),
        )

    async def _exchange_with_retries(self, url: str, trail: _Trail) -> _Exchange:
        retries = 0 if self.replaying else self.settings.retries
        for attempt in range(retries + 1):
            trail.attempts = attempt + 1
            last = attempt == retries
            try:
                exchange = await self._exchange(url, self.settings.max_bytes, trail)
            except _RETRYABLE_ERRORS as error:
                if last or isinstance(error, Unreachable) or _is_certificate_error(error):
                    raise
                await asyncio.sleep(self._backoff(attempt))
                continue
            if exchange.status not in _RETRY_STATUSES or last:
                return exchange
            delay = self._backoff(attempt)
            if exchange.status in _RETRY_AFTER_STATUSES:
                asked = _retry_after_seconds(exchange.header("retry-after"))
                if asked is not None and asked > self.settings.retry_after_cap:
                    cap = self.settings.retry_after_cap
                    exchange.gave_up = f"it asked to wait {asked:g} s, longer than retry_after_cap ({cap:g} s)"
                    return exchange
                delay = delay if asked is None else asked
            if asyncio.get_running_loop().time() + delay > trail.deadline:
                exchange.gave_up = "waiting to retry would pass the total deadline"
                return exchange
            await asyncio.sleep(delay)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    async def _exchange(self, url: str, limit: int, trail: _Trail | None, *, check_type: bool = True) -> _Exchange:
        """One GET of `url`: send, read the body under the rules, archive it."""
        request = self.client.build_request("GET", url)
        await self._polite(_host(url))
        response = await self.client.send(request, stream=True)
        fetched_at = str(response.extensions.get(REPLAY_FETCHED_AT) or utc_now())
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        reader = _BodyReader(limit, check_type=check_type)
        try:
            await reader.read(response)
        except BaseException as error:
            # Archive even a body cut short by a deadline or a dropped connection.
            cut_by_time = isinstance(error, (asyncio.CancelledError, httpx.TimeoutException))
            reader.truncated = "time" if cut_by_time else "disconnect"
            raise
        finally:
            archived = self._archive(request, response, headers, bytes(reader.raw), reader.truncated, fetched_at)
            if trail is not None:
                trail.archived_as = archived
            await response.aclose()
        return _Exchange(
            url=str(request.url),
            status=response.status_code,
            reason_phrase=response.reason_phrase,
            headers=headers,
            body=reader.body,
            problem=reader.problem,
            fetched_at=fetched_at,
            archived_as=archived,
        )

    def _archive(
        self,
        request: httpx.Request,
        response: httpx.Response,
        headers: list[tuple[str, str]],
        raw: bytes,
        truncated: str,
        fetched_at: str,
    ) -> str:
        if self.recorder is None:
            return str(response.extensions.get(REPLAY_ARCHIVED_AS) or "")
        return self.recorder.record(
            str(request.url),
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            headers=headers,
            body=raw,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
            fetched_at=fetched_at,
            truncated=truncated,
            peer_address=_peer_address(response),
        )

    async def _obey_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        task = self._robots.get(origin)
        if task is None:
            task = self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        # Shielded: a source hitting its deadline must not cancel the read other sources share.
        rules = await asyncio.shield(task)
        if isinstance(rules, str):
            raise _Failed("robots_disallowed", rules)
        if rules is not None and not rules.can_fetch(url, self.robots_agent):
            raise _Failed(
                "robots_disallowed",
                f"robots.txt of {parts.hostname} does not allow {self.robots_agent} to read this page",
            )

    async def _load_robots(self, origin: str) -> Protego | str | None:
        """The site's robots rules; None (allow all) when it has none or cannot be read, a
        reason string (disallow all) on a server error, as RFC 9309 §2.3.1 asks."""
        url = f"{origin}/robots.txt"
        try:
            async with asyncio.timeout(self.settings.total_deadline):
                for _ in range(_ROBOTS_MAX_REDIRECTS + 1):
                    if check_url(url):
                        return None
                    exchange = await self._exchange(url, _ROBOTS_MAX_BYTES, None, check_type=False)
                    location = exchange.header("location").strip()
                    if 300 <= exchange.status < 400 and location:
                        url = str(httpx.URL(url).join(location))
                        continue
                    if 200 <= exchange.status < 300:
                        return Protego.parse(exchange.body.decode("utf-8", "replace"))
                    if exchange.status >= 500:
                        return (
                            f"robots.txt of {urlsplit(origin).hostname} could not be read ({_status_text(exchange)}), "
                            "so the whole site counts as disallowed (RFC 9309)"
                        )
                    return None
        except (httpx.TransportError, httpx.InvalidURL, TimeoutError):
            # The page's own fetch meets the same problem and reports it properly.
            return None
        return None

    async def _enter_host(self, trail: _Trail, host: str) -> None:
        slot = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host_concurrency))
        await slot.acquire()
        trail.host = host

    def _leave_host(self, trail: _Trail) -> None:
        if trail.host is not None:
            self._hosts[trail.host].release()
            trail.host = None

    async def _polite(self, host: str) -> None:
        """Space request starts to one host by politeness_delay."""
        delay = self.settings.politeness_delay
        if delay <= 0 or self.replaying:
            return
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(host, now))
        self._next_start[host] = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random, so sources
        retrying the same host do not come back in lockstep."""
        step = self.settings.backoff_base * 2.0**attempt
        return step / 2 + random.uniform(0, step / 2)

    def _explain(self, error: Exception, trail: _Trail) -> tuple[SourceStatus, str]:
        """The status and one-line reason for a transport error that ended a fetch."""
        host = _host(trail.current) or trail.current
        tries = f" (after {trail.attempts} attempts)" if trail.attempts > 1 else ""
        detail = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, AddressBlocked):
            return "blocked", detail
        if isinstance(error, Unreachable):
            return "unreachable", detail
        if _is_certificate_error(error):
            return "unreachable", f"the TLS certificate of {host} could not be verified ({detail})"
        if isinstance(error, httpx.ConnectTimeout):
            return "timeout", f"could not connect to {host} within {self.settings.connect_timeout:g} s{tries}"
        if isinstance(error, httpx.ReadTimeout):
            return (
                "timeout",
                f"{host} stopped sending for more than {self.settings.read_timeout:g} s (read_timeout)",
            )
        if isinstance(error, httpx.TimeoutException):
            return "timeout", f"{host} did not answer in time ({detail})"
        if isinstance(error, httpx.ConnectError):
            return "unreachable", f"could not connect to {host} ({detail}){tries}"
        if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
            return "unreachable", f"not a valid web address ({detail})"
        return "unreachable", f"the connection to {host} failed ({detail}){tries}"


def _http_error_reason(exchange: _Exchange, attempts: int) -> str:
    code, status = exchange.status, _status_text(exchange)
    if code in (403, 429):
        reason = f"refused by the site ({status}): it may block automated readers; open the link in a browser to check"
    elif code == 401:
        reason = f"the page needs a login ({status})"
    elif code in (404, 410):
        reason = f"the page is not there ({status}): the link is dead or the page has moved"
    elif code >= 500:
        reason = f"the site failed with a server error ({status})"
    else:
        reason = f"the site answered {status}"
    if attempts > 1:
        reason += f" after {attempts} attempts"
    if exchange.gave_up:
        reason += f"; {exchange.gave_up}"
    return reason


def _status_text(exchange: _Exchange) -> str:
    phrase = exchange.reason_phrase
    if not phrase:
        try:
            phrase = HTTPStatus(exchange.status).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {exchange.status} {phrase}".strip()


def _retry_after_seconds(value: str) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), None if absent/invalid."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates come back naive; HTTP dates are GMT anyway
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _is_certificate_error(error: BaseException) -> bool:
    """Whether a connect error is a failed certificate check (final: retrying cannot help)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _peer_address(response: httpx.Response) -> str:
    stream = response.extensions.get("network_stream")
    try:
        address = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # a transport's stream may not know; the archive just omits it
        return ""
    return str(address[0]) if address else ""


# ── bodies: bounded decoding and type sniffing ──────────────────────────────────────────────

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
class _BodyProblem:
    """Why a 2xx body cannot become a Snapshot."""

    status: SourceStatus
    reason: str


class _TooLarge(Exception):
    pass


class _BodyReader:
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
        self.problem: _BodyProblem | None = None
        self.truncated = ""

    def _stop(self, status: SourceStatus, reason: str, truncated: str) -> None:
        self.problem, self.truncated = _BodyProblem(status, reason), truncated

    async def read(self, response: httpx.Response) -> None:
        decoder: _Decoder | None = None
        if 200 <= response.status_code < 300:
            media_type = _media_type(response.headers.get("content-type", ""))
            declared_length = response.headers.get("content-length", "").strip()
            if self.check_type and media_type not in _READABLE_TYPES:
                # Not worth downloading a video to learn it is a video.
                return self._stop(
                    "unsupported_type",
                    f"the source is {media_type}, not a web page, plain text or PDF",
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
    declared = _media_type(content_type)
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


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()
