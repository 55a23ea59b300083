"""A paper's full text in JATS XML (Europe PMC's fullTextXML, PubMed Central's articles) as
text blocks and metadata, for the extract stage.

JATS is the Journal Article Tag Suite (NISO Z39.96): <article><front> holds the journal and
article metadata and the abstract, <body> the sections (<sec><title>, <p>), <back> the
references, which are not the paper's own words and are left out, as are figures and tables
(their captions are kept). The parser never fetches a DTD or resolves an entity: the document
is hostile input like any page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from .pagemeta import PageMetadata, normalize_date
from .pdf_text import TextBlock

__all__ = ["looks_like_jats", "read_jats"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
_SPACES = re.compile(r"\s+")
_SKIPPED = frozenset({"back", "ref-list", "table-wrap", "table", "fig", "graphic", "media", "disp-formula",
                      "inline-formula", "xref-group", "fn-group", "ack", "supplementary-material"})
_MAX_BLOCKS = 5000


def looks_like_jats(body: bytes) -> bool:
    """Whether `body` is a JATS article (its root element, or a JATS doctype)."""
    head = body[:2000].lstrip()
    return (b"<article" in head and (b"jats" in head.lower() or b"dtd-version" in head or b"article-type" in head)) or (
        b"<!DOCTYPE article" in head
    )


def read_jats(body: bytes) -> tuple[list[TextBlock], PageMetadata] | None:
    """The article's blocks (title, abstract, body sections) and its metadata; None when the
    XML holds no article."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    article = root if _local(root) == "article" else next(iter(_find_all(root, "article")), None)
    if article is None:
        return None
    meta = next(iter(_find_all(article, "article-meta")), None)
    journal = next(iter(_find_all(article, "journal-title")), None)
    title = _text(next(iter(_find_all(meta, "article-title")), None)) if meta is not None else ""
    blocks: list[TextBlock] = [TextBlock(title, heading=True)] if title else []
    abstract = next(iter(_find_all(meta, "abstract")), None) if meta is not None else None
    if abstract is not None:
        blocks.append(TextBlock("Abstract", heading=True))
        blocks += _blocks(abstract)
    body_element = next((child for child in article if _local(child) == "body"), None)
    if body_element is not None:
        blocks += _blocks(body_element)
    authors = tuple(
        name for name in (
            " ".join(filter(None, (_text(_child(contrib, "given-names")), _text(_child(contrib, "surname")))))
            for contrib in (_find_all(meta, "name") if meta is not None else [])
        ) if name
    )[:30]
    doi = next((_text(node) for node in (_find_all(meta, "article-id") if meta is not None else [])
                if node.get("pub-id-type") == "doi"), "")
    page = PageMetadata(
        title=title[:500],
        publisher=_text(next(iter(_find_all(article, "publisher-name")), None))[:300],
        published=_published(meta),
        authors=authors,
        journal=_text(journal)[:300],
        doi=doi,
        scholarly_fields=("citation_journal_title",) if journal is not None else ("citation_title",),
        schema_types=("ScholarlyArticle",),
        page_text=" ".join(block.text for block in blocks)[:300_000],
    )
    return blocks[:_MAX_BLOCKS], page


def _blocks(element: Any) -> list[TextBlock]:
    """Headings (sec titles) and paragraphs under `element`, in document order."""
    found: list[TextBlock] = []
    for node in _walk(element):
        name = _local(node)
        if name == "title" and node.getparent() is not None and _local(node.getparent()) in ("sec", "abstract"):
            text = _text(node)
            if text:
                found.append(TextBlock(text, heading=True))
        elif name in ("p", "caption"):
            text = _text(node)
            if text:
                found.append(TextBlock(text))
    return found


def _walk(element: Any) -> Iterator[Any]:
    """Elements under `element` in document order, skipping references, tables and figures
    (a caption is kept), and not descending into a paragraph (it is read whole)."""
    stack = list(reversed(list(element)))
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            continue
        name = _local(node)
        if name in _SKIPPED and name not in ("fig", "table-wrap"):
            continue
        yield node
        if name in ("p", "title"):
            continue
        children = [child for child in node if not (name in ("fig", "table-wrap") and _local(child) != "caption")]
        stack.extend(reversed(children))


def _published(meta: Any) -> str:
    if meta is None:
        return ""
    dates = list(_find_all(meta, "pub-date"))
    preferred = sorted(dates, key=lambda node: 0 if (node.get("pub-type") or node.get("date-type")) in ("epub", "pub") else 1)
    for node in preferred:
        year, month, day = (_text(_child(node, part)) for part in ("year", "month", "day"))
        if year:
            return normalize_date("-".join(part for part in (year, month.zfill(2) if month else "", day.zfill(2) if day else "") if part))
    return ""


def _local(node: Any) -> str:
    tag = node.tag if isinstance(node.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _find_all(node: Any, name: str) -> list[Any]:
    return [found for found in node.iter() if _local(found) == name] if node is not None else []


def _child(node: Any, name: str) -> Any:
    return next((child for child in node if isinstance(child.tag, str) and _local(child) == name), None)


def _text(node: Any) -> str:
    return _SPACES.sub(" ", "".join(node.itertext())).strip() if node is not None else ""
