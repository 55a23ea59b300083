"""Extract: a fetched snapshot → a `Source`: what it is, who published it, and its passages.

Takes: a `Snapshot` (or a `FetchFailure`, which becomes an unavailable Source). Gives: a
`Source` with its kind, page metadata and main-text passages.

    extractor  the entry point: decode, pick HTML / PDF / text, passages, kind
    main_text  the main text of an HTML page as blocks (trafilatura, then a fallback)
    pdf_text   text blocks from PDF and plain-text sources
    pagemeta   what a page says about itself (title, publisher, dates, DOI); with
               pagenames and jsonld
    kinds      what kind of source a page is, and the design of the research it reports
"""

from __future__ import annotations

from .extractor import decode_body, extract_source, unavailable_source

__all__ = ["decode_body", "extract_source", "unavailable_source"]
