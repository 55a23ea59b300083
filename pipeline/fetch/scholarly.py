"""The resolution chain: a paper whose cited page cannot be read, looked up elsewhere.

The runner decides which references need it (pipeline.extract.resolving: a page refused,
dead, not the paper, or a database record) and hands each over as a ResolveRequest. For one
request (`_Chain.resolve`), in order, stopping at the first full text:

  1. a dead or changed page (`archive_first`): its archived copy, from the Wayback Machine's
     availability API, the capture closest to `archive_before`; fetched like any page
  2. Europe PMC, searched by PMCID, PMID or DOI: the abstract; for an open-access paper its
     full text (fullTextXML), which ends the chain
  3. NCBI E-utilities, while no abstract is in hand: esearch by DOI for the PubMed id, then
     efetch for the PubMed abstract
  4. Crossref, while no abstract is in hand: title, journal, date, the abstract if deposited
  5. OpenAlex, while no abstract is in hand: the abstract (rebuilt from its inverted index)
  6. Unpaywall: an open-access copy (PDF first, then its page), fetched like any page, which
     ends the chain
  7. for any other page still without text (refused, not the paper): its archived copy, as 1

Identifiers found on the way (a DOI in Europe PMC's answer to a PubMed id) serve the later
steps. Every request goes through the fetcher's exchanger, so it obeys the address guard, is
archived to the run's WARC (an API key never is: it rides on the wire only) and replays from
an archive with no network (a request missing from it is "not in the archive", never sent).

Good citizenship: each service is paced to its published rate (services.requests_per_second:
NCBI's 3 a second becomes 10 with NCBI_API_KEY in the environment), the contact address of
[fetch] is sent where a service asks for one, a service that fails (a connection error, a 5xx
or 429 after the retries, Retry-After beyond the cap) is not asked again in the same run, and
an answer the run store kept from an earlier run (`AnswerCache`) is used instead of asking
again. Each chain runs under `total_deadline`; every step taken or passed over is a Lookup.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import ipaddress
import os
from collections.abc import Callable, Sequence
from typing import Protocol

import httpx

from ..config import FetchSettings, ScholarlySettings
from ..records import (
    Lookup,
    PaperRecord,
    Resolution,
    ResolveRequest,
    ServiceAnswer,
    Snapshot,
)
from .addresses import check_url, classify_address
from .archive import NotInArchive, WarcRecorder
from .exchange import Exchange, Exchanger
from .fetcher import SourceFetcher
from .rules import explain_transport_error, http_error_reason, url_host
from .services import (
    JSON_ACCEPT,
    XML_ACCEPT,
    BadAnswer,
    crossref_url,
    efetch_url,
    esearch_url,
    europepmc_fulltext_url,
    europepmc_search_url,
    openalex_url,
    read_crossref,
    read_efetch,
    read_esearch,
    read_europepmc,
    read_openalex,
    read_unpaywall,
    read_wayback,
    requests_per_second,
    unpaywall_url,
    wayback_url,
)
from .trail import Trail

__all__ = ["AnswerCache", "resolve_references", "resolve_references_sync"]

NCBI_KEY_VARIABLE = "NCBI_API_KEY"
# Headers that describe the bytes on the wire, not the decoded body an answer is kept as.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class AnswerCache(Protocol):
    """Answers kept from earlier runs (the run store), by request URL."""

    def answer(self, url: str) -> ServiceAnswer | None:
        """The answer kept for request `url`, or None."""
        ...


OnResolved = Callable[[Resolution], None]


async def resolve_references(
    requests: Sequence[ResolveRequest],
    fetch_settings: FetchSettings,
    settings: ScholarlySettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
    cache: AnswerCache | None = None,
    on_result: OnResolved | None = None,
) -> tuple[Resolution, ...]:
    """Run the chain for every request, at most max_concurrency at once; results in order.
    Never raises for a service's failure: it is a Lookup of the resolution."""
    if not requests:
        return ()
    exchanger = Exchanger(fetch_settings, transport, recorder)
    async with SourceFetcher(fetch_settings, exchanger) as fetcher:
        chain = _Chain(fetch_settings, settings, exchanger, fetcher, None if exchanger.replaying else cache)
        slots = asyncio.Semaphore(fetch_settings.max_concurrency)

        async def one(request: ResolveRequest) -> Resolution:
            async with slots:
                resolution = await chain.resolve(request)
            if on_result is not None:
                on_result(resolution)
            return resolution

        return tuple(await asyncio.gather(*(one(request) for request in requests)))


def resolve_references_sync(
    requests: Sequence[ResolveRequest],
    fetch_settings: FetchSettings,
    settings: ScholarlySettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: WarcRecorder | None = None,
    cache: AnswerCache | None = None,
    on_result: OnResolved | None = None,
) -> tuple[Resolution, ...]:
    """`resolve_references` for callers without an event loop (the runner, re-checks)."""
    return asyncio.run(
        resolve_references(
            requests, fetch_settings, settings, transport=transport, recorder=recorder, cache=cache,
            on_result=on_result,
        )
    )


@dataclasses.dataclass(slots=True)
class _Steps:
    """One chain's findings so far (kept whole if the deadline strikes mid-way)."""

    request: ResolveRequest
    doi: str
    pmid: str
    pmcid: str
    lookups: list[Lookup] = dataclasses.field(default_factory=list)
    answers: list[ServiceAnswer] = dataclasses.field(default_factory=list)
    record: PaperRecord | None = None
    copy: Snapshot | None = None
    copy_kind: str = ""
    copy_service: str = ""
    copy_date: str = ""

    @property
    def has_abstract(self) -> bool:
        return self.request.have_abstract or bool(self.record and self.record.abstract)

    def note(self, service: str, outcome: str, url: str = "", archived_as: str = "", found: bool = False) -> None:
        self.lookups.append(Lookup(service=service, outcome=outcome, url=url, archived_as=archived_as, found=found))

    def learn(self, paper: PaperRecord) -> None:
        self.doi = self.doi or paper.doi
        self.pmid = self.pmid or paper.pmid
        self.pmcid = self.pmcid or paper.pmcid

    def keep(self, record: PaperRecord) -> None:
        """Keep the first record with an abstract; a record without one only while nothing
        better is in hand (its title and journal still say what the paper is)."""
        if self.record is None or (record.abstract and not self.record.abstract):
            self.record = record

    def resolution(self) -> Resolution:
        return Resolution(
            request=self.request, record=self.record, copy=self.copy, copy_kind=self.copy_kind,
            copy_service=self.copy_service, copy_date=self.copy_date, lookups=tuple(self.lookups),
            answers=tuple(self.answers),
        )


class _Chain:
    """One run's services: the switches, pacing, failures so far, and the steps of a chain."""

    def __init__(
        self,
        fetch_settings: FetchSettings,
        settings: ScholarlySettings,
        exchanger: Exchanger,
        fetcher: SourceFetcher,
        cache: AnswerCache | None,
    ) -> None:
        self.fetch_settings = fetch_settings
        self.settings = settings
        self.exchanger = exchanger
        self.fetcher = fetcher
        self.cache = cache
        self.contact = fetch_settings.contact.strip()
        self.ncbi_key = os.environ.get(NCBI_KEY_VARIABLE, "").strip()
        self._down: dict[str, str] = {}  # service → why it is not asked again this run
        self._next_start: dict[str, float] = {}

    async def resolve(self, request: ResolveRequest) -> Resolution:
        """Steps 1-7 of the module docstring for one request, under total_deadline."""
        ids = request.identifiers
        steps = _Steps(request=request, doi=ids.doi, pmid=ids.pmid, pmcid=ids.pmcid)
        try:
            async with asyncio.timeout(self.fetch_settings.total_deadline):
                await self._run(steps)
        except TimeoutError:
            limit = f"{self.fetch_settings.total_deadline:g} s (total_deadline)"
            steps.note("chain", f"stopped: the lookups took longer than {limit}")
        return steps.resolution()

    async def _run(self, steps: _Steps) -> None:
        request = steps.request
        if request.archive_first and await self._archived_copy(steps):
            return
        if await self._europepmc(steps):
            return
        if not steps.has_abstract:
            await self._pubmed(steps)
        for service, url_for, reader in (
            ("crossref", crossref_url, read_crossref),
            ("openalex", openalex_url, read_openalex),
        ):
            if not steps.has_abstract:
                await self._by_doi(steps, service, url_for, reader)
        if await self._unpaywall(steps):
            return
        if not request.archive_first and not steps.has_abstract:
            await self._archived_copy(steps)

    # ── the services ─────────────────────────────────────────────────────────────────────

    async def _europepmc(self, steps: _Steps) -> bool:
        ids = dataclasses.replace(steps.request.identifiers, doi=steps.doi, pmid=steps.pmid, pmcid=steps.pmcid)
        url = europepmc_search_url(self.settings.europepmc_url, ids)
        if not url or not self._may_ask(steps, "europepmc"):
            return False
        exchange = await self._ask(steps, "europepmc", url, JSON_ACCEPT)
        found = self._read(steps, "europepmc", exchange, read_europepmc, "no Europe PMC record for this paper")
        if found is None or exchange is None:
            return False
        paper, open_access = found
        steps.learn(paper)
        steps.keep(self._record(exchange, paper))
        if not (open_access and paper.pmcid):
            return False
        full_url = europepmc_fulltext_url(self.settings.europepmc_url, paper.pmcid)
        full = await self._ask(steps, "europepmc", full_url, XML_ACCEPT)
        if full is None or full.status != 200 or not full.body.strip():
            if full is not None:
                steps.note("europepmc", "no open-access full text after all", full_url, full.archived_as)
            return False
        self._remember(steps, "europepmc", full)
        steps.note("europepmc", "open-access full text found", full_url, full.archived_as, found=True)
        steps.copy, steps.copy_kind, steps.copy_service = self._snapshot(steps, full), "full_text", "europepmc"
        steps.copy_date = full.fetched_at
        return True

    async def _pubmed(self, steps: _Steps) -> None:
        if not (steps.pmid or steps.doi) or not self._may_ask(steps, "ncbi_eutils"):
            return
        base, secret = self.settings.ncbi_eutils_url, {"api_key": self.ncbi_key} if self.ncbi_key else None
        if not steps.pmid:
            url = esearch_url(base, steps.doi, self.contact)
            exchange = await self._ask(steps, "ncbi_eutils", url, JSON_ACCEPT, secret)
            found = self._read(steps, "ncbi_eutils", exchange, read_esearch, "no PubMed record for this DOI",
                               found_as="PubMed id found")
            if not found:
                return
            steps.pmid = found[0]
        url = efetch_url(base, steps.pmid, self.contact)
        exchange = await self._ask(steps, "ncbi_eutils", url, XML_ACCEPT, secret)
        paper = self._read(steps, "ncbi_eutils", exchange, read_efetch, "no PubMed record for this id")
        if paper is not None and exchange is not None:
            steps.learn(paper)
            steps.keep(self._record(exchange, paper))

    async def _by_doi(self, steps: _Steps, service: str, url_for: Callable[[str, str, str], str],
                      reader: Callable[[bytes], PaperRecord]) -> None:
        if not steps.doi or not self._may_ask(steps, service, needs="a DOI"):
            return
        url = url_for(getattr(self.settings, f"{service}_url"), steps.doi, self.contact)
        exchange = await self._ask(steps, service, url, JSON_ACCEPT)
        paper = self._read(steps, service, exchange, reader, "no record for this DOI")
        if paper is not None and exchange is not None:
            steps.learn(paper)
            steps.keep(self._record(exchange, paper))

    async def _unpaywall(self, steps: _Steps) -> bool:
        if not steps.doi or not self._may_ask(steps, "unpaywall", needs="a DOI"):
            return False
        if not self.contact:
            steps.note("unpaywall", "not asked: Unpaywall requires an email address ([fetch] contact is empty)")
            return False
        url = unpaywall_url(self.settings.unpaywall_url, steps.doi, self.contact)
        exchange = await self._ask(steps, "unpaywall", url, JSON_ACCEPT)
        copies = self._read(steps, "unpaywall", exchange, read_unpaywall, "no record for this DOI",
                            empty="no open-access copy", found_as="open-access copy listed")
        for copy_url in copies or ():
            if await self._fetch_copy(steps, copy_url, "open_access_copy", "unpaywall"):
                return True
        return False

    async def _archived_copy(self, steps: _Steps) -> bool:
        request = steps.request
        if not request.url or not self._may_ask(steps, "wayback"):
            return False
        if not _archive_may_hold(request.url, self.settings.wayback_url):
            steps.note("wayback", "not asked: a public archive holds no copy of a private address")
            return False
        url = wayback_url(self.settings.wayback_url, request.url, request.archive_before)
        exchange = await self._ask(steps, "wayback", url, JSON_ACCEPT)
        capture = self._read(steps, "wayback", exchange, read_wayback, "no archived copy", empty="no archived copy",
                             found_as="capture found")
        if capture is None:
            return False
        before = request.archive_before.replace("-", "")
        when = capture.date if not before or capture.timestamp[:8] <= before else (
            f"{capture.date}, the closest capture, made after {request.archive_before}: the page may have "
            "changed since it was cited"
        )
        if await self._fetch_copy(steps, capture.original_bytes_url, "archived_copy", "wayback", when):
            steps.copy_date = capture.date
            return True
        return False

    # ── one request ──────────────────────────────────────────────────────────────────────

    def _may_ask(self, steps: _Steps, service: str, *, needs: str = "") -> bool:
        if service not in self.settings.enabled:
            if not any(lookup.service == service for lookup in steps.lookups):
                steps.note(service, "not asked: switched off ([scholarly] enabled)")
            return False
        if service in self._down:
            if not any(lookup.service == service for lookup in steps.lookups):
                steps.note(service, f"not asked: it failed earlier in this run ({self._down[service]})")
            return False
        return True

    async def _ask(
        self, steps: _Steps, service: str, url: str, accept: dict[str, str], secret: dict[str, str] | None = None
    ) -> Exchange | None:
        """One GET to a service: from the cache, else paced and sent with retries. None (and
        a Lookup saying why) when it came to nothing; a 404 comes back for the caller to read
        as "no record"."""
        cached = self.cache.answer(url) if self.cache is not None else None
        if cached is not None:
            return self.exchanger.answer_from_cache(cached)
        refused = check_url(url)
        if refused:
            steps.note(service, f"not asked: {refused}", url)
            return None
        await self._pace(service)
        trail = Trail(url=url, current=url)
        trail.deadline = asyncio.get_running_loop().time() + self.fetch_settings.total_deadline
        try:
            exchange = await self.exchanger.exchange_with_retries(
                url, trail, check_type=False, headers=accept, secret_query=secret
            )
        except NotInArchive as missing:
            steps.note(service, f"not asked: {missing} (a replay sends nothing)", url)
            return None
        except (httpx.TransportError, httpx.InvalidURL) as error:
            _, reason = explain_transport_error(
                error, url, attempts=trail.attempts, receiving=trail.receiving, settings=self.fetch_settings
            )
            self._down[service] = reason
            steps.note(service, f"failed: {reason}", url, trail.archived_as)
            return None
        if exchange.status == 404 or 200 <= exchange.status < 300:
            if exchange.problem is None:
                return exchange
            steps.note(service, f"failed: {exchange.problem.reason}", url, exchange.archived_as)
            return None
        reason = http_error_reason(exchange.status, exchange.reason_phrase, trail.attempts, exchange.gave_up)
        if exchange.status == 429 or exchange.status >= 500:
            self._down[service] = f"HTTP {exchange.status}"
        steps.note(service, f"failed: {reason}", url, exchange.archived_as)
        return None

    def _read(self, steps: _Steps, service: str, exchange: Exchange | None, reader: Callable[[bytes], object],
              missing: str, *, empty: str = "", found_as: str = "") -> object:
        """What `reader` makes of the answer: None (with a Lookup) for a 404, an empty answer
        or one that cannot be read; a found answer is noted and kept for the cache."""
        if exchange is None:
            return None
        if exchange.status == 404:
            steps.note(service, missing, exchange.url, exchange.archived_as)
            return None
        try:
            found = reader(exchange.body)
        except BadAnswer as bad:
            steps.note(service, f"failed: the answer could not be read ({bad})", exchange.url, exchange.archived_as)
            return None
        if not found:
            steps.note(service, empty or missing, exchange.url, exchange.archived_as)
            return None
        paper = found[0] if isinstance(found, tuple) and found and isinstance(found[0], PaperRecord) else found
        if isinstance(paper, PaperRecord):
            outcome = "abstract found" if paper.abstract else "record found, without an abstract"
        else:
            outcome = found_as or "found"
        if exchange.cached:
            outcome += f" (kept from {exchange.fetched_at})"
        steps.note(service, outcome, exchange.url, exchange.archived_as, found=True)
        self._remember(steps, service, exchange)
        return found

    def _remember(self, steps: _Steps, service: str, exchange: Exchange) -> None:
        if exchange.cached or self.exchanger.replaying or exchange.status != 200:
            return
        headers = tuple((name, value) for name, value in exchange.headers if name.lower() not in _WIRE_HEADERS)
        steps.answers.append(
            ServiceAnswer(url=exchange.url, service=service, status=exchange.status, headers=headers,
                          body=exchange.body, fetched_at=exchange.fetched_at)
        )

    async def _fetch_copy(self, steps: _Steps, url: str, kind: str, service: str, when: str = "") -> bool:
        """Fetch a copy (an open-access PDF or page, an archived capture) with every rule a
        source gets; True when it came back readable."""
        result = await self.fetcher.fetch(url)
        if not isinstance(result, Snapshot):
            steps.note(service, f"the copy could not be fetched ({result.reason})", url, result.archived_as)
            return False
        described = "archived copy" if kind == "archived_copy" else "open-access copy"
        steps.note(service, f"{described} read" + (f" ({when})" if when else ""), url, result.archived_as, found=True)
        steps.copy = dataclasses.replace(result, reference_id=steps.request.reference_id)
        steps.copy_kind, steps.copy_service, steps.copy_date = kind, service, result.fetched_at
        return True

    def _record(self, exchange: Exchange, paper: PaperRecord) -> PaperRecord:
        """`paper` with where it was read: the request, its archive record, time and hash."""
        return dataclasses.replace(
            paper, url=exchange.url, archived_as=exchange.archived_as, fetched_at=exchange.fetched_at,
            content_sha256=hashlib.sha256(exchange.body).hexdigest(),
        )

    def _snapshot(self, steps: _Steps, exchange: Exchange) -> Snapshot:
        return Snapshot(
            reference_id=steps.request.reference_id,
            url=exchange.url,
            final_url=exchange.url,
            http_status=exchange.status,
            content_type=exchange.header("content-type") or "application/xml",
            headers=tuple(exchange.headers),
            body=exchange.body,
            fetched_at=exchange.fetched_at,
            content_sha256=hashlib.sha256(exchange.body).hexdigest(),
            archived_as=exchange.archived_as,
        )

    async def _pace(self, service: str) -> None:
        """Space request starts to one service by its rate (not in a replay)."""
        if self.exchanger.replaying:
            return
        rate = requests_per_second(service, has_key=bool(self.ncbi_key), has_contact=bool(self.contact))
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next_start.get(service, now))
        self._next_start[service] = start + 1.0 / rate
        if start > now:
            await asyncio.sleep(start - now)


def _archive_may_hold(url: str, archive: str) -> bool:
    """Whether an archive could hold a copy of `url`: a public archive never captured a
    private address (and need not learn of one); an archive on a private network (a
    newsroom's own, a test server) may hold anything."""
    return not _private(url) or _private(archive)


def _private(url: str) -> bool:
    host = url_host(url).strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return classify_address(ipaddress.ip_address(host)) is not None
    except ValueError:
        return False

