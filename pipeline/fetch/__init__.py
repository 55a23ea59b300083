"""Fetch: references → one `Snapshot` or `FetchFailure` each, every byte archived to WARC.

Takes: the article's references and the fetch settings. Gives: snapshots and failures, never
an exception; the run's WARC archive. All network access of the pipeline goes through here,
behind one httpx transport, so an archive replays a run with no network at all.

    fetcher      the entry point: concurrency, retries, the order of the steps
    exchange     one GET on the wire, its body read under the rules, archived
    robots       robots.txt, read once per site
    rules        the pure HTTP rules: redirects, retry delays, validators
    trail        where one source's fetch has got to, and how it ends when it fails
    body         bounded decoding and type sniffing of a response body
    addresses    the address guard: which hosts the fetcher may connect to
    archive      writing the WARC and replaying it; archive_read: reading it back
    chat         the client of an OpenAI-compatible chat-completions endpoint (the openai
                 judge): not a source, so neither guarded nor archived (see its docstring)
    scholarly    the resolution chain: a paper whose page cannot be read, looked up by its
                 identifiers (Europe PMC, PubMed, Crossref, OpenAlex, Unpaywall) or in the
                 Wayback Machine; services: each service's requests and answers
"""

from __future__ import annotations

from .archive import ReplayTransport, WarcRecorder
from .archive_read import ArchiveIndex
from .fetcher import Validators, fetch_document, fetch_references, fetch_references_sync
from .scholarly import AnswerCache, resolve_references, resolve_references_sync

__all__ = [
    "AnswerCache",
    "ArchiveIndex",
    "ReplayTransport",
    "Validators",
    "WarcRecorder",
    "fetch_document",
    "fetch_references",
    "fetch_references_sync",
    "resolve_references",
    "resolve_references_sync",
]
