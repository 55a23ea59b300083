"""When an article says it was published: its metadata (HTML), its front matter or a dateline
near its top (Markdown, text). The resolution chain takes an archived copy of a dead source
from before that date: the page as the writer cited it.

Pure functions of the article's text; an article that says nothing gives "".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..language.dates import normalize_date

__all__ = ["dateline_date", "html_published"]

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.{0,4000}?)\n---[ \t]*\n", re.DOTALL)
_FRONT_MATTER_KEYS = ("date", "published", "publication_date", "pubdate", "date_published")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATELINE_LINES = 20
# Where a dateline's date ends: a byline, a separator, a second date.
_DATE_END = re.compile(r"\s+(?:by|·|\||—|–|-|;|,\s*updated)\s+", re.IGNORECASE)
_HTML_META = (
    "article:published_time", "citation_publication_date", "citation_date", "dc.date.issued",
    "dcterms.issued", "dc.date", "dcterms.created", "datepublished", "date", "pubdate",
)
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{4,40})"')


def dateline_date(text: str, words: Sequence[str]) -> str:
    """The publication date ("yyyy-mm-dd") in the front matter or a dateline of the first
    lines of `text`, or ""."""
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() in _FRONT_MATTER_KEYS:
                found = _full(value.strip().strip("\"'"))
                if found:
                    return found
    if not words:
        return ""
    lead = re.compile(
        r"(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")\b(?:\s+on)?\s*[:\-–]?\s*(.+)$",
        re.IGNORECASE,
    )
    for line in text.splitlines()[:_DATELINE_LINES]:
        plain = line.strip().strip("_*>#").strip()
        found = lead.match(plain)
        if found:
            date = _full(_DATE_END.split(found.group(1), maxsplit=1)[0].strip(" ._*"))
            if date:
                return date
    return ""


def html_published(document: Any) -> str:
    """The publication date an HTML article's metadata gives (meta tags, JSON-LD, the first
    <time datetime>), or ""."""
    metas: dict[str, str] = {}
    for element in document.iter("meta"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if name and element.get("content") and name not in metas:
            metas[name] = element.get("content")
    for name in _HTML_META:
        found = _full(metas.get(name, ""))
        if found:
            return found
    for script in document.xpath("//script[contains(@type, 'ld+json')]/text()")[:20]:
        match = _JSONLD_PUBLISHED.search(str(script)[:200_000])
        if match and _full(match.group(1)):
            return _full(match.group(1))
    for value in document.xpath("//time/@datetime")[:1]:
        if _full(str(value)):
            return _full(str(value))
    return ""


def _full(raw: str) -> str:
    """`raw` as "yyyy-mm-dd" when it names a whole date, else ""."""
    date = normalize_date(raw) if raw.strip() else ""
    return date if _FULL_DATE.fullmatch(date) else ""
