"""One GET of the fetcher on the wire: sent, its body read under the rules, archived.

`Exchanger` holds one run's HTTP client, transport and recorder. `Exchanger.exchange` is
steps 3, 5 and 6 of pipeline.fetch.fetcher: send one GET straight to the transport (httpx never
follows or parses a redirect), stream the body through pipeline.fetch.body's `BodyReader`, and
archive the request and the response (`WarcRecorder`) whatever the outcome, with request
starts to one host spaced by politeness_delay. What the answer means (a page, a redirect, a
failure) is for the callers to judge: pipeline.fetch.fetcher and pipeline.fetch.robots.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping

import httpx

from ..config import FetchSettings
from ..records import ServiceAnswer
from .addresses import AddressGuard, GuardedTransport, Unreachable
from .archive import REPLAY_ARCHIVED_AS, REPLAY_FETCHED_AT, WarcRecorder, utc_now
from .body import ACCEPT_ENCODING, BodyProblem, BodyReader
from .rules import backoff_delay, is_certificate_error, retry_after_seconds, url_host
from .trail import Trail

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
RETRYABLE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)

_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1"


def network_transport(settings: FetchSettings, *, guard: AddressGuard | None = None) -> httpx.AsyncBaseTransport:
    """The transport `transport=None` stands for: the network behind the address guard."""
    guard = guard or AddressGuard(allow_private=settings.allow_private_hosts)
    # Room for one robots.txt request per site beside the sources themselves.
    return GuardedTransport(guard, max_connections=2 * settings.max_concurrency)


@dataclasses.dataclass(slots=True)
class Exchange:
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
    cached: bool = False  # answered from the run store's cache, not the network

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name), "")


class Borrowed(httpx.AsyncBaseTransport):
    """A caller's transport, used but not closed: the caller owns it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)


class Exchanger:
    """One run's client, transport, recorder and politeness spacing: every GET the fetcher
    makes (for a page or a robots.txt) goes through `exchange`."""

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
        self.transport = network_transport(settings) if transport is None else Borrowed(transport)
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
        self._next_start: dict[str, float] = {}

    async def aclose(self) -> None:
        """Close the client (and the transport it owns; a borrowed one stays open)."""
        await self.client.aclose()

    async def exchange(
        self,
        url: str,
        limit: int,
        trail: Trail | None,
        *,
        check_type: bool = True,
        headers: Mapping[str, str] | None = None,
        secret_query: Mapping[str, str] | None = None,
    ) -> Exchange:
        """One GET of `url`: send, read the body under the rules, archive it.

        `headers` are added to the request (an API's Accept). `secret_query` parameters (an
        API key) are added on the wire only: the archive records `url` without them, so a key
        never lands in a WARC, and a replay (which sends none) finds the record by `url`."""
        wire_url = url
        if secret_query and not self.replaying:
            wire_url = str(httpx.URL(url).copy_merge_params(dict(secret_query)))
        sent_headers = {**(trail.conditions if trail is not None else {}), **(headers or {})}
        request = self.client.build_request("GET", wire_url, headers=sent_headers or None)
        public_url = str(request.url) if wire_url == url else str(httpx.URL(url))
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
            archived = self._archive(public_url, request, response, headers, bytes(reader.raw), reader.truncated, fetched_at)
            if trail is not None:
                trail.archived_as, trail.fetched_at = archived, fetched_at
            await response.aclose()
        if trail is not None:
            trail.receiving = None
        return Exchange(
            url=public_url,
            status=response.status_code,
            reason_phrase=response.reason_phrase,
            headers=headers,
            body=reader.body,
            problem=reader.problem,
            fetched_at=fetched_at,
            archived_as=archived,
        )

    async def exchange_with_retries(
        self,
        url: str,
        trail: Trail,
        *,
        check_type: bool = True,
        headers: Mapping[str, str] | None = None,
        secret_query: Mapping[str, str] | None = None,
    ) -> Exchange:
        """`exchange`, retrying connect errors, 429 and 5xx with exponential backoff and
        jitter, honouring Retry-After up to retry_after_cap, within `trail.deadline` (an
        event-loop time). A replay answers the same every time, so it is asked once."""
        retries = 0 if self.replaying else self.settings.retries
        for attempt in range(retries + 1):
            trail.attempts = attempt + 1
            last = attempt == retries
            try:
                exchange = await self.exchange(
                    url, self.settings.max_bytes, trail, check_type=check_type, headers=headers,
                    secret_query=secret_query,
                )
            except RETRYABLE_ERRORS as error:
                if last or isinstance(error, Unreachable) or is_certificate_error(error):
                    raise
                await asyncio.sleep(backoff_delay(self.settings.backoff_base, attempt))
                continue
            if exchange.status not in RETRY_STATUSES or last:
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

    def answer_from_cache(self, answer: ServiceAnswer) -> Exchange:
        """An answer the run store kept from an earlier run, archived into this run's WARC
        (under its own time, so the record says when it was really fetched) and returned as
        if it had come off the wire: a replay of this run then finds it like any other."""
        archived = ""
        if self.recorder is not None:
            archived = self.recorder.record(
                answer.url, status=answer.status, headers=answer.headers, body=answer.body,
                fetched_at=answer.fetched_at,
            )
        return Exchange(
            url=answer.url,
            status=answer.status,
            reason_phrase="",
            headers=list(answer.headers),
            body=answer.body,
            problem=None,
            fetched_at=answer.fetched_at,
            archived_as=archived,
            cached=True,
        )

    def _archive(
        self,
        url: str,
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
            url,
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
