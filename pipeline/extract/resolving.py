"""When a cited page is not the paper, and what is read instead: the two decisions of the
resolution chain that belong to reading pages (the requests themselves are
pipeline.fetch.scholarly's).

`resolution_request(reference, result, settings)`: whether to look the source up, and why
(a ResolveRequest, or None to read the page as it is). A source is looked up when

    refused        the site answered 401/403/429/451, robots.txt forbade it, or another 4xx
    dead           404 or 410, no answer (unreachable, timeout), or a 5xx: an archived copy
                   comes first
    not the paper  a bot check, cookie wall, login or paywall stub, a landing page with no
                   abstract (walls.read_page); a page that says it was not found counts as
                   dead ("changed")
    a record       the address is a PubMed, PubMed Central or Europe PMC record: the database
                   is asked rather than the page, which also lists other papers (similar
                   articles, citing articles) whose words are not this paper's
    no link        the reference entry gives a DOI or PubMed id but no address

and it has identifiers to look up by or an address to ask the archive about.

`read_source(result, settings, listed=, resolution=)`: the Source, from what was found, best
first: a full text or copy (Europe PMC's open-access text, Unpaywall's copy, the Wayback
Machine's capture), if it reads as the paper; else the abstract in the page's own metadata;
else a service's abstract; else the page's own Source (unavailable), with `read_from` saying
why and what every service answered. An abstract-only source says so (ReadFrom.abstract_only).
"""

from __future__ import annotations

from dataclasses import replace

from ..config import Settings
from ..fetch.services import NAMES
from ..records import (
    FetchFailure,
    Identifiers,
    Lookup,
    PaperRecord,
    ReadFrom,
    Reference,
    Resolution,
    ResolveRequest,
    Snapshot,
    Source,
)
from .designs import detect_study_designs
from .extractor import assemble_passages, extract_source, unavailable_source
from .identifiers import identifiers_in_address, identify_source, merge_identifiers
from .kinds import classify_source
from .pagemeta import PageMetadata, normalize_date
from .pdf_text import TextBlock
from .walls import read_page

__all__ = ["read_source", "resolution_request"]

_REFUSED = frozenset({401, 402, 403, 405, 406, 429, 451})
_DEAD = frozenset({404, 410})
# Statuses of a failed fetch worth asking the archive or a database about (a page refused
# by the address guard, or too large or of the wrong type, is there: not a case for them).
_LOOKED_UP = frozenset({"http_error", "unreachable", "timeout", "robots_disallowed"})
_READ_AS = {
    "full_text": "the open-access full text",
    "open_access_copy": "an open-access copy",
    "archived_copy": "an archived copy",
}


def resolution_request(
    reference: Reference, result: Snapshot | FetchFailure, settings: Settings, *, archive_before: str = ""
) -> ResolveRequest | None:
    """Whether (and why) to look this source up (see the module docstring); None to read the
    page as it is. `archive_before` is the date an archived copy should precede."""
    page_ids: Identifiers | None = None
    have_abstract = False
    if isinstance(result, FetchFailure):
        state, why, archive_first = _failure_state(result, reference)
        if not state:
            return None
    elif result.http_status == 304:
        return None  # a re-check stands the stored snapshot in for it
    else:
        reading = read_page(result, settings)
        page_ids = reading.identifiers
        if _is_record_address(reference.url):
            state, archive_first = "database_record", False
            why = "the link is a literature database's record: the database is asked for the paper itself"
        elif not reading.is_paper:
            state, why, archive_first = reading.state, reading.why, reading.state == "not_found"
            have_abstract = bool(reading.abstract)
        else:
            return None
    ids = identify_source(reference.url, reference.title, page_ids)
    ask_archive = bool(reference.url.strip()) and state not in ("database_record", "no_link")
    if not ids and not ask_archive:
        return None
    return ResolveRequest(
        reference_id=reference.id,
        url=reference.url.strip(),
        identifiers=ids,
        state=state,
        why=why,
        have_abstract=have_abstract,
        archive_first=archive_first,
        ask_archive=ask_archive,
        archive_before=archive_before,
    )


def read_source(
    result: Snapshot | FetchFailure,
    settings: Settings,
    *,
    listed: str = "",
    resolution: Resolution | None = None,
) -> Source:
    """The Source of one reference: the page as read (extract_source / unavailable_source),
    or, when the chain ran, what it found (see the module docstring)."""
    own = (
        unavailable_source(result, settings, listed=listed)
        if isinstance(result, FetchFailure)
        else extract_source(result, settings, listed=listed)
    )
    if resolution is None:
        return own
    request = resolution.request
    lookups = list(resolution.lookups)
    page_status = own.status
    ids = merge_identifiers(own.identifiers, request.identifiers, _record_ids(resolution.record))

    if resolution.copy is not None:
        address = own.final_url or own.url or resolution.copy.url
        copy = extract_source(replace(resolution.copy, final_url=address, url=own.url or address), settings)
        if copy.status == "ok" and copy.passages:
            read_from = ReadFrom(
                kind=resolution.copy_kind, why=request.why, service=resolution.copy_service,
                url=resolution.copy.final_url or resolution.copy.url, archived_as=resolution.copy.archived_as,
                date=resolution.copy_date, page_status=page_status, lookups=tuple(lookups),
            )
            return _as_read(own, copy, ids, read_from, f"read from {_READ_AS[resolution.copy_kind]}")
        lookups.append(Lookup(resolution.copy_service, f"the copy is not the paper either ({copy.reason or 'no text'})",
                              resolution.copy.url, resolution.copy.archived_as))

    page_abstract = read_page(result, settings).abstract if isinstance(result, Snapshot) and request.have_abstract else ()
    if page_abstract:
        record = PaperRecord(service="", url=result.final_url or result.url, title=own.title,
                             abstract=page_abstract, archived_as=result.archived_as, fetched_at=result.fetched_at)
        kind = "page_metadata"
    elif resolution.record is not None and resolution.record.abstract:
        record, kind = resolution.record, "abstract"
    else:
        facts = resolution.record
        readable = own.status == "ok" and bool(own.passages)  # a database record's own page
        read_from = ReadFrom(kind="page" if readable else "nothing", why=request.why, page_status=page_status,
                             lookups=tuple(lookups))
        return replace(
            own,
            title=own.title or (facts.title if facts else ""),
            journal=own.journal or (facts.journal if facts else ""),
            identifiers=ids,
            read_from=read_from,
        )
    read_from = ReadFrom(
        kind=kind, why=request.why, service=record.service, url=record.url, archived_as=record.archived_as,
        date=record.fetched_at, page_status=page_status, lookups=tuple(lookups),
    )
    return _as_read(own, _abstract_source(own, record, settings), ids, read_from,
                    "read from " + ("the abstract in the page's own metadata" if kind == "page_metadata"
                                    else f"the abstract {NAMES.get(record.service, record.service)} gives"))


# ── deciding ─────────────────────────────────────────────────────────────────────────────


def _failure_state(failure: FetchFailure, reference: Reference) -> tuple[str, str, bool]:
    """(state, why, archive first) for a source that could not be fetched; state "" when it
    is not a case for the chain."""
    if not failure.url.strip():
        return ("no_link", "the reference entry gives no link", False) if reference.title else ("", "", False)
    if failure.status not in _LOOKED_UP:
        return "", "", False
    code = failure.http_status
    why = f"the page could not be read: {failure.reason}"
    if failure.status in ("unreachable", "timeout") or code in _DEAD or (code is not None and code >= 500):
        return "dead", why, True
    return "refused", why, False


def _is_record_address(url: str) -> bool:
    """Whether the cited address itself is a literature database's record of the paper."""
    found = identifiers_in_address(url)
    return bool(found.pmid or found.pmcid)


# ── building ─────────────────────────────────────────────────────────────────────────────


def _abstract_source(own: Source, record: PaperRecord, settings: Settings) -> Source:
    """A Source whose text is the paper's title and abstract."""
    blocks = ([TextBlock(record.title, heading=True)] if record.title else []) + [
        TextBlock(paragraph) for paragraph in record.abstract
    ]
    text, passages, notes = assemble_passages(blocks, own.id, settings)
    page = PageMetadata(
        title=record.title or own.title,
        journal=record.journal,
        doi=record.doi,
        scholarly_fields=("citation_journal_title",) if record.journal else ("citation_title",),
        schema_types=("ScholarlyArticle",),
        page_text=text,
    )
    kind, reasons = classify_source(
        own.final_url or own.url, page, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals")
    )
    designs = detect_study_designs("\n".join((page.title, text)), settings.lexicon("study_designs"))
    return replace(
        own,
        status="ok",
        reason="",
        kind=kind,
        kind_reasons=reasons,
        study_designs=designs,
        title=page.title,
        published=normalize_date(record.published) or own.published,
        authors=record.authors or own.authors,
        journal=record.journal or own.journal,
        doi=own.doi or record.doi,
        text=text,
        passages=passages,
        notes=tuple(notes),
    )


def _as_read(own: Source, read: Source, ids: Identifiers, read_from: ReadFrom, note: str) -> Source:
    """`read` (a copy's or an abstract's Source) standing for the cited source: the cited
    address and the page's own fetch facts kept, the text, kind and metadata from `read`."""
    kind, reasons = read.kind, read.kind_reasons
    if ids.preprint:
        kind, reasons = "unknown", (f"a preprint ({ids.preprint}): not peer reviewed",)
    return replace(
        read,
        id=own.id,
        url=own.url,
        status="ok",
        final_url=own.final_url,
        http_status=own.http_status,
        reason="",
        kind=kind,
        kind_reasons=reasons,
        publisher=read.publisher or own.publisher,
        content_sha256=own.content_sha256,
        fetched_at=own.fetched_at,
        archived_as=own.archived_as,
        notes=(note, *read.notes),
        identifiers=ids,
        read_from=read_from,
    )


def _record_ids(record: PaperRecord | None) -> Identifiers:
    if record is None:
        return Identifiers()
    return Identifiers(doi=record.doi, pmid=record.pmid, pmcid=record.pmcid)
