"""Extract: a fetched snapshot → a `Source`: what it is, who published it, and its passages.

Takes: a `Snapshot` (or a `FetchFailure`, which becomes an unavailable Source). Gives: a
`Source` with its kind, page metadata and main-text passages.

    extractor  the entry point: decode, pick HTML / PDF / text, passages, kind
    main_text  the main text of an HTML page as blocks (trafilatura, then a fallback)
    pdf_text   text blocks from PDF and plain-text sources
    pagemeta   what a page says about itself (title, publisher, dates, DOI); with
               pagenames and jsonld
    kinds      what kind of source a page is, and the design of the research it reports
    walls      whether a page is the paper or a bot check, a cookie wall, a login or paywall
               stub, a landing page without an abstract
    identifiers  DOI, PubMed id, PMC id, arXiv id, preprint server of a cited source
    resolving  when a source is looked up elsewhere (the runner asks fetch.scholarly), and
               the Source read from what was found (a full text, a copy, an abstract)
    jats       a JATS full text (Europe PMC's open-access papers) as blocks and metadata
"""

from __future__ import annotations

from .extractor import decode_body, extract_source, unavailable_source
from .resolving import read_source, resolution_request

__all__ = ["decode_body", "extract_source", "read_source", "resolution_request", "unavailable_source"]
