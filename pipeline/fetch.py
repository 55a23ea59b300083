"""Fetch the cited sources: one Snapshot or FetchFailure per reference, never an exception.

All I/O goes through an httpx transport: the guarded network transport by default
(addresses.GuardedTransport), a loopback server in tests, or an archive (ReplayTransport)
offline. The fetcher is the same code in all three. For one source (`_Fetcher.fetch`):

  0. wait for a slot: max_concurrency sources at once, per_host_concurrency per host (the
     wait does not count against the source's deadline: queueing is not the site's fault)
  1. check the URL: http(s) only, no credentials (addresses.check_url)      → blocked
  2. read and obey the host's robots.txt, once per site, if respect_robots  → robots_disallowed
     (the robots.txt request is made inside the slots of the source that needs it)
  3. send one GET straight to the transport (httpx never follows or parses a redirect);
     the guarded transport resolves the host and refuses private addresses → blocked;
     with validators from an earlier fetch, the GET is conditional
  4. retry connect errors, 429 and 5xx with exponential backoff and jitter, honouring
     Retry-After up to retry_after_cap                                       → unreachable
  5. stream the body raw and decode it as it arrives, stopping at max_bytes  → too_large
  6. archive the request and the response (WarcRecorder), whatever the outcome
  7. a 3xx goes back to step 1 with the Location (max_redirects, loops caught) → http_error
  8. a 304 to a conditional GET is a Snapshot with http_status 304 and no body
  9. a final 4xx/5xx (403/429 reported as refused by the site)              → http_error
 10. sniff the type: HTML, XHTML, plain text or PDF, by header and magic     → unsupported_type
Steps 1-10 run under one deadline per source (total_deadline)                → timeout
(a body still arriving then keeps its HTTP status in the failure).

Layout: the public functions, then `_Fetcher` (steps 0-10, one per run). Bodies (bounded
decoding, type sniffing: steps 5 and 10) live in pipeline.body; the pure rules (redirect
targets, retry waits, conditional headers, every reason line) in pipeline.fetch_rules.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import typing
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

import httpx
from protego import Protego

from .addresses import AddressGuard, GuardedTransport, Unreachable, check_url
from .archive import REPLAY_ARCHIVED_AS, REPLAY_FETCHED_AT, WarcRecorder, archive_key, utc_now
from .body import ACCEPT_ENCODING, BodyProblem, BodyReader, sniff_media_type
from .config import FetchSettings
from .fetch_rules import (
    backoff_delay,
    conditional_headers,
    explain_transport_error,
    http_error_reason,
    is_certificate_error,
    redirect_target,
    retry_after_seconds,
    status_text,
    url_host,
)
from .records import FetchFailure, Reference, Snapshot, SourceStatus

Result = Snapshot | FetchFailure
OnResult = Callable[[Result], None]
# (ETag, Last-Modified) of an earlier fetch of a URL, either may be None.
Validators = tuple[str | None, str | None]

_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1"
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
    validators: Mapping[str, Validators] | None = None,
) -> tuple[Result, ...]:
    """Fetch every reference; results in the order of `references`.

    `transport=None` means the real network behind the address guard. References with the
    same URL are fetched once and share the result (each with its own reference id).
    `on_result` is called once per reference as its result arrives (for progress bars).
    `validators` maps a reference URL to the (ETag, Last-Modified) of an earlier fetch; those
    sources are asked conditionally (If-None-Match / If-Modified-Since), and a "304 Not
    Modified" answer becomes a Snapshot with http_status 304, an empty body, the 304's
    headers, content_sha256 "" and archived_as naming the 304 record: the caller puts the
    snapshot it stored in its place.
    A source problem is always a FetchFailure; only programmer errors propagate.
    """
    conditions = {archive_key(url): pair for url, pair in (validators or {}).items()}
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
                    if not reference.url.strip():
                        results[index] = _no_address(reference)
                        if on_result is not None:
                            on_result(results[index])
                        continue
                    key = archive_key(reference.url)
                    if key not in shared:
                        shared[key] = group.create_task(fetcher.fetch(reference.url.strip(), conditions.get(key)))
                    group.create_task(deliver(index, reference, shared[key]))
        except BaseExceptionGroup as errors:
            # Only a programmer error gets here (a source problem is a FetchFailure, and the
            # others are cancelled); raise it as itself, not wrapped in a group.
            raise errors.exceptions[0] from None
    return tuple(typing.cast(Result, result) for result in results)


def _no_address(reference: Reference) -> FetchFailure:
    """A citation the article gives no link for: nothing to fetch, and the editor should
    know it is the article's reference list, not the site, that is at fault."""
    where = f"entry [{reference.id}] of the reference list has no link" if reference.title else (
        f"the reference list has no entry [{reference.id}]"
    )
    return FetchFailure(
        reference_id=reference.id,
        url=reference.url,
        status="unreachable",
        reason=f"no web address to check: {where}",
        fetched_at=utc_now(),
    )


def fetch_references_sync(
    references: Sequence[Reference],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
    on_result: OnResult | None = None,
    validators: Mapping[str, Validators] | None = None,
) -> tuple[Result, ...]:
    """`fetch_references` for callers without an event loop (the runner, re-checks)."""
    return asyncio.run(
        fetch_references(
            references,
            settings,
            transport=transport,
            recorder=recorder,
            on_result=on_result,
            validators=validators,
        )
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
    problem: BodyProblem | None
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
    # The status of a response whose body is still being read: a deadline striking then
    # reports what the site did answer.
    receiving: int | None = None
    # The status of the last redirect followed (what the site last answered before a
    # redirect target is refused).
    redirected_by: int | None = None
    # If-None-Match / If-Modified-Since from an earlier fetch; sent on every hop, because
    # the validators describe the page the earlier fetch ended on, wherever it started.
    conditions: dict[str, str] = dataclasses.field(default_factory=dict)

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
        self.transport = network_transport(settings) if transport is None else _Borrowed(transport)
        # The client builds requests (headers, timeouts) and owns the transport; requests go
        # to the transport directly, because httpx's send() parses a redirect's Location even
        # with redirects off, and a hostile one ("javascript:...") would raise before the
        # response could be archived and judged here.
        self.client = httpx.AsyncClient(
            transport=self.transport,
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
                "Accept-Encoding": ACCEPT_ENCODING,
                # RFC 9110 §10.1.2: who to tell when the fetcher misbehaves on a site.
                **({"From": settings.contact.strip()} if settings.contact.strip() else {}),
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

    async def fetch(self, url: str, validators: Validators | None = None) -> Result:
        """Fetch one source: steps 0-10 of the module docstring; conditionally when
        `validators` (ETag, Last-Modified) are given."""
        trail = _Trail(url=url, current=url, conditions=conditional_headers(validators))
        async with self._sources:
            await self._enter_host(trail, url_host(url))
            try:
                trail.deadline = asyncio.get_running_loop().time() + self.settings.total_deadline
                async with asyncio.timeout(self.settings.total_deadline):
                    return await self._follow(trail)
            except TimeoutError:
                limit = f"{self.settings.total_deadline:g} s (total_deadline, redirects and retries included)"
                if trail.receiving is not None:
                    return trail.failure(
                        "timeout",
                        f"the site answered HTTP {trail.receiving} but the page was still arriving after {limit}",
                        trail.receiving,
                    )
                return trail.failure("timeout", f"no complete answer within {limit}")
            except _Failed as failed:
                return trail.failure(failed.status, failed.reason, failed.http_status)
            except (httpx.TransportError, httpx.InvalidURL) as error:
                status, reason = explain_transport_error(
                    error, trail.current, attempts=trail.attempts, receiving=trail.receiving, settings=self.settings
                )
                return trail.failure(status, reason, trail.receiving)
            finally:
                self._leave_host(trail)

    async def _follow(self, trail: _Trail) -> Snapshot:
        while True:
            current = trail.current
            blocked = check_url(current)
            if blocked:
                raise _Failed("blocked", blocked, trail.redirected_by)
            if url_host(current) != trail.host:
                # Hold one host's slot at a time: holding two invites a deadlock between
                # sources redirecting across each other's hosts.
                self._leave_host(trail)
                await self._enter_host(trail, url_host(current))
            if self.settings.respect_robots:
                # After taking the host's slot: the robots.txt request is made inside the
                # slots of the source that first needs it, so it counts against both limits.
                await self._obey_robots(current)
            exchange = await self._exchange_with_retries(current, trail)
            if not (300 <= exchange.status < 400 and exchange.status != 304):
                return self._finish(exchange, trail)
            location = exchange.header("location").strip()
            if not location:
                raise _Failed(
                    "http_error",
                    f"the site answered {status_text(exchange.status, exchange.reason_phrase)} "
                    "without saying where to go",
                    exchange.status,
                )
            target = redirect_target(current, location)
            if target is None:
                raise _Failed(
                    "http_error",
                    f"the site answered {status_text(exchange.status, exchange.reason_phrase)} "
                    f"pointing to an invalid address ({location[:200]})",
                    exchange.status,
                )
            trail.hops.append(current)
            trail.redirected_by = exchange.status
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
        if exchange.status == 304 and trail.conditions:
            return self._not_modified(exchange, trail)
        if exchange.status >= 400 or exchange.status < 200 or exchange.status == 304:
            reason = http_error_reason(exchange.status, exchange.reason_phrase, trail.attempts, exchange.gave_up)
            raise _Failed("http_error", reason, exchange.status)
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

    def _not_modified(self, exchange: _Exchange, trail: _Trail) -> Snapshot:
        """A 304 to a conditional request: the page is as the caller last stored it."""
        return Snapshot(
            reference_id="",
            url=trail.url,
            final_url=exchange.url,
            http_status=304,
            content_type=exchange.header("content-type"),
            headers=tuple(exchange.headers),
            body=b"",
            fetched_at=exchange.fetched_at,
            content_sha256="",
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
                if last or isinstance(error, Unreachable) or is_certificate_error(error):
                    raise
                await asyncio.sleep(backoff_delay(self.settings.backoff_base, attempt))
                continue
            if exchange.status not in _RETRY_STATUSES or last:
                return exchange
            delay = backoff_delay(self.settings.backoff_base, attempt)
            if exchange.status in _RETRY_AFTER_STATUSES:
                asked = retry_after_seconds(exchange.header("retry-after"))
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
        request = self.client.build_request("GET", url, headers=trail.conditions if trail is not None else None)
        if trail is not None:
            trail.receiving = None
        await self._polite(url_host(url))
        response = await self.transport.handle_async_request(request)
        response.request = request
        if trail is not None:
            trail.receiving = response.status_code
        fetched_at = str(response.extensions.get(REPLAY_FETCHED_AT) or utc_now())
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        reader = BodyReader(limit, check_type=check_type)
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
        if trail is not None:
            trail.receiving = None
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
                    target = redirect_target(url, location) if 300 <= exchange.status < 400 and location else None
                    if target is not None:
                        url = target
                        continue
                    if 200 <= exchange.status < 300:
                        return Protego.parse(exchange.body.decode("utf-8", "replace"))
                    if exchange.status >= 500:
                        answer = status_text(exchange.status, exchange.reason_phrase)
                        return (
                            f"robots.txt of {urlsplit(origin).hostname} could not be read ({answer}), "
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



def _peer_address(response: httpx.Response) -> str:
    stream = response.extensions.get("network_stream")
    try:
        address = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # a transport's stream may not know; the archive just omits it
        return ""
    return str(address[0]) if address else ""
