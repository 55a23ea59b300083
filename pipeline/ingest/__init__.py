"""Ingest: an article (Markdown, plain text, HTML, .docx) → claims and their citations, and
the reference list.

Takes: the article's bytes, where they came from and their media type. Gives: an `Article`
(claims with citation ids and offsets, references with URLs and entries).

    article      the entry point: decode, pick a front-end, split into sentences, decide
    layout       the shape every front-end hands to the sentence stage
    text_layout  Markdown and plain text (with `units`, the line-by-line reader)
    html_layout  HTML pages; docx_layout: Word documents
    claims       what a sentence is: a claim, or meta, a question, advice
"""

from __future__ import annotations

from .article import media_type_for, parse_article

__all__ = ["media_type_for", "parse_article"]
