"""An abstract as the services and pages write it, as plain paragraphs.

Abstracts come as plain text, as HTML ("<h4>Methods</h4><p>...</p>" in Europe PMC's answers and
in pages' citation_abstract) or as JATS ("<jats:sec><jats:title>Results</jats:title><jats:p>..."
in Crossref's). Shared by the fetch stage (reading the services' answers) and the extract stage
(reading a page's own metadata), so both turn markup into the same paragraphs.
"""

from __future__ import annotations

import re
from html import unescape

__all__ = ["abstract_paragraphs"]

_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"\s+")
# Tags that end a paragraph or stand for a section title, with or without a namespace prefix.
_BLOCK = re.compile(r"</?(?:[a-z]+:)?(?:p|sec|section|title|h[1-6]|br|div|li|list-item|abstract)\b[^>]{0,500}>", re.IGNORECASE)
_MAX_CHARS = 40_000
# A piece this short that does not end a sentence is a section title ("Background", "Results").
_LABEL_MAX_CHARS = 40


def abstract_paragraphs(raw: str) -> tuple[str, ...]:
    """`raw` as plain paragraphs, each section title kept at the start of the paragraph it
    heads ("Methods: We followed ..."); the heading "Abstract" itself is dropped."""
    result: list[str] = []
    label = ""
    for piece in _BLOCK.split(raw[:_MAX_CHARS]):
        text = _SPACES.sub(" ", unescape(_TAG.sub(" ", piece))).strip()
        if not text or text.lower().rstrip(":") == "abstract":
            continue
        if len(text) < _LABEL_MAX_CHARS and not text.endswith((".", "!", "?")):
            label = text.rstrip(":")
            continue
        result.append(f"{label}: {text}" if label else text)
        label = ""
    return tuple(result)
