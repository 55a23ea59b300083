"""Fetch the cited sources: one Snapshot or FetchFailure per reference, never an exception.

All I/O goes through an httpx transport: the guarded network transport by default
(addresses.GuardedTransport), a loopback server in tests, or an archive (ReplayTransport)
offline. The fetcher is the same code in all three. For one source (`SourceFetcher.fetch`):

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

Layout: the public functions, then `SourceFetcher` (steps 0-10, one per run). One GET, read
and archived (steps 3, 5 and 6), is pipeline.fetch.exchange; robots.txt (step 2)
pipeline.fetch.robots; a source's state and its failure, pipeline.fetch.trail. Bodies
(bounded decoding, type sniffing: steps 5 and 10) live in pipeline.fetch.body; the pure rules
(redirect targets, retry waits, conditional headers, every reason line) in
pipeline.fetch.rules.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import typing
from collections.abc import Callable, Mapping, Sequence

import httpx

from ..config import FetchSettings
from ..records import FetchFailure, Reference, Snapshot
from .addresses import check_url
from .archive import WarcRecorder, utc_now
from .archive_read import archive_key
from .body import sniff_media_type
from .exchange import Exchange, Exchanger
from .robots import RobotsRules
from .rules import (
    conditional_headers,
    explain_transport_error,
    http_error_reason,
    redirect_target,
    status_text,
    url_host,
)
from .trail import Failed, Trail

Result = Snapshot | FetchFailure
OnResult = Callable[[Result], None]
# (ETag, Last-Modified) of an earlier fetch of a URL, either may be None.
Validators = tuple[str | None, str | None]



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
    async with SourceFetcher(settings, Exchanger(settings, transport, recorder)) as fetcher:
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



class SourceFetcher:
    """One run's limits, exchanger and robots rules (see the module docstring)."""

    def __init__(self, settings: FetchSettings, exchanger: Exchanger) -> None:
        self.settings = settings
        self.exchanger = exchanger
        self.robots = RobotsRules(settings, self.exchanger)
        self._sources = asyncio.Semaphore(settings.max_concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> SourceFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.robots.aclose()
        await self.exchanger.aclose()

    async def fetch(self, url: str, validators: Validators | None = None) -> Result:
        """Fetch one source: steps 0-10 of the module docstring; conditionally when
        `validators` (ETag, Last-Modified) are given."""
        trail = Trail(url=url, current=url, conditions=conditional_headers(validators))
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
            except Failed as failed:
                return trail.failure(failed.status, failed.reason, failed.http_status)
            except (httpx.TransportError, httpx.InvalidURL) as error:
                status, reason = explain_transport_error(
                    error, trail.current, attempts=trail.attempts, receiving=trail.receiving, settings=self.settings
                )
                return trail.failure(status, reason, trail.receiving)
            finally:
                self._leave_host(trail)

    async def _follow(self, trail: Trail) -> Snapshot:
        while True:
            current = trail.current
            blocked = check_url(current)
            if blocked:
                raise Failed("blocked", blocked, trail.redirected_by)
            if url_host(current) != trail.host:
                # Hold one host's slot at a time: holding two invites a deadlock between
                # sources redirecting across each other's hosts.
                self._leave_host(trail)
                await self._enter_host(trail, url_host(current))
            if self.settings.respect_robots:
                # After taking the host's slot: the robots.txt request is made inside the
                # slots of the source that first needs it, so it counts against both limits.
                await self.robots.obey(current)
            exchange = await self.exchanger.exchange_with_retries(current, trail)
            if not (300 <= exchange.status < 400 and exchange.status != 304):
                return self._finish(exchange, trail)
            location = exchange.header("location").strip()
            if not location:
                raise Failed(
                    "http_error",
                    f"the site answered {status_text(exchange.status, exchange.reason_phrase)} "
                    "without saying where to go",
                    exchange.status,
                )
            target = redirect_target(current, location)
            if target is None:
                raise Failed(
                    "http_error",
                    f"the site answered {status_text(exchange.status, exchange.reason_phrase)} "
                    f"pointing to an invalid address ({location[:200]})",
                    exchange.status,
                )
            trail.hops.append(current)
            trail.redirected_by = exchange.status
            if archive_key(target) in {archive_key(hop) for hop in trail.hops}:
                raise Failed(
                    "http_error",
                    f"redirect loop: {target} leads back to a page already visited after {len(trail.hops)} redirects",
                    exchange.status,
                )
            if len(trail.hops) > self.settings.max_redirects:
                raise Failed(
                    "http_error",
                    f"more than {self.settings.max_redirects} redirects (max_redirects); the last pointed to {target}",
                    exchange.status,
                )
            trail.current = target

    def _finish(self, exchange: Exchange, trail: Trail) -> Snapshot:
        if exchange.status == 304 and trail.conditions:
            return self._not_modified(exchange, trail)
        if exchange.status >= 400 or exchange.status < 200 or exchange.status == 304:
            reason = http_error_reason(exchange.status, exchange.reason_phrase, trail.attempts, exchange.gave_up)
            raise Failed("http_error", reason, exchange.status)
        if exchange.problem is not None:
            raise Failed(exchange.problem.status, exchange.problem.reason, exchange.status)
        declared = exchange.header("content-type")
        media_type = sniff_media_type(declared, exchange.body)
        if media_type is None:
            shown = declared.split(";", 1)[0].strip() or "of no stated type"
            raise Failed(
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

    def _not_modified(self, exchange: Exchange, trail: Trail) -> Snapshot:
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

    async def _enter_host(self, trail: Trail, host: str) -> None:
        slot = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host_concurrency))
        await slot.acquire()
        trail.host = host

    def _leave_host(self, trail: Trail) -> None:
        if trail.host is not None:
            self._hosts[trail.host].release()
            trail.host = None
