"""Markdown and plain-text articles, read line by line into units: a heading, a paragraph,
a list item, a quote, a table row, a reference definition (ingest.text_layout turns them into a
Layout).

Fenced code, HTML comments, rules and YAML front matter are left out. Markdown joins every
line of a paragraph into one unit; plain text joins a line to the one above only where the
one above is hard-wrapped (no closing punctuation, and long, or followed by a lower-case
word), because plain-text articles put headings and short items on lines of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import IngestSettings
from .claims import ClaimCues, starts_with_meta_prefix
from .layout import BlockKind

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^([ \t]*)(?:([-*+•‣▪◦])|(\d{1,3})[.)])[ \t]+(?=\S)")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_DEFINITION = re.compile(r"^ {0,3}\[\^?\d{1,3}\]:\s*\S")
# A line opening with a marker is a reference entry ("[4] Title https://..."), never the
# continuation of the line above.
_ENTRY_START = re.compile(r"^\s*\[\^?\d{1,3}\][:\s]")
_COMMENT_OPEN = re.compile(r"^\s*<!--")
_FRONT_MATTER_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.IGNORECASE)
# A line ends a sentence: closing punctuation, maybe quotes or brackets, maybe markers.
TERMINAL = re.compile(r"[.!?…;:][\"'”’)\]]*(?:\s*\[[\d\s,;–—-]+\])*\s*$")


@dataclass(slots=True)
class Unit:
    """A run of lines with one role; `start`/`end` cover its content (markup before it excluded)."""

    kind: BlockKind | str  # BlockKind, or "definition" / "quote" / "table" while reading
    start: int
    end: int
    paragraph: int
    lines: list[tuple[int, int, int]] = field(default_factory=list)  # (line start, content start, line end)
    level: int = 0
    numbered: bool = False
    bullet: bool = False
    title: bool = False


def read_units(text: str, *, markdown: bool, settings: IngestSettings, cues: ClaimCues) -> tuple[list[Unit], str]:
    """The units of `text` in order, and the title its YAML front matter gives ("" if none)."""
    units: list[Unit] = []
    current: Unit | None = None
    # Paragraphs are numbered so "alone in its paragraph" and "consecutive paragraphs" can
    # be asked later; `broken` says the next unit opens a new one.
    paragraph, broken = 0, True
    fence: str | None = None
    in_comment = False
    front_title = ""
    lines = _line_spans(text)
    skip_until = _front_matter_end(text, lines)
    for line_start, line_end in lines[:skip_until]:
        found = _FRONT_MATTER_TITLE.match(text[line_start:line_end])
        if found and not front_title:
            front_title = found.group(1).strip()
    for line_start, line_end in lines[skip_until:]:
        line = text[line_start:line_end]
        if fence is not None or in_comment:
            if fence is not None and line.strip().startswith(fence):
                fence = None
            if in_comment and "-->" in line:
                in_comment = False
            continue
        opened = _FENCE.match(line)
        if opened or (_COMMENT_OPEN.match(line) and "-->" not in line):
            fence, in_comment = (opened.group(1)[:3], False) if opened else (None, True)
            current, broken = None, True
            continue
        if _TABLE_SEPARATOR.match(line) and "|" in line:
            if units and units[-1].kind == "table" and current is None and not broken:
                units[-1].kind = "skip"  # a table's header row names columns; it states nothing
            current, broken = None, True
            continue
        if not line.strip() or _COMMENT_OPEN.match(line):
            current, broken = None, True
            continue
        setext = _SETEXT.match(line)
        if (
            setext
            and current is not None
            and current.kind == "prose"
            and len(current.lines) == 1
            and not current.bullet
        ):
            current.kind, current.level = "heading", 1 if setext.group(1)[0] == "=" else 2
            current, broken = None, True
            continue
        if _RULE.match(line):
            current, broken = None, True
            continue
        atx = _ATX.match(line)
        if atx:
            content_start = line_start + atx.end()
            closing = _ATX_CLOSE.search(line, atx.end())
            content_end = line_start + (closing.start() if closing else len(line.rstrip()))
            paragraph += 1
            units.append(
                Unit(
                    "heading",
                    content_start,
                    content_end,
                    paragraph,
                    [(line_start, content_start, line_end)],
                    len(atx.group(1)),
                )
            )
            current, broken = None, True
            continue
        quote = _QUOTE.match(line)
        bullet = _BULLET.match(line, quote.end() if quote else 0)
        indent = len(line) - len(line.lstrip())
        content_start = line_start + (bullet.end() if bullet else quote.end() if quote else indent)
        kind = "prose"
        if _DEFINITION.match(line):
            kind = "definition"
        elif quote:
            kind = "quote"
        elif line.lstrip().startswith("|"):
            kind = "table"
        if starts_with_meta_prefix(text[content_start:line_end], cues):
            kind = "meta"
        if (
            current is not None
            and kind in ("prose", "quote")
            and not _ENTRY_START.match(line)
            and _joins(
                text,
                current,
                line_start,
                content_start,
                line_end,
                quote is not None,
                bullet is not None,
                markdown,
                settings,
            )
        ):
            current.lines.append((line_start, content_start, line_end))
            current.end = line_start + len(line.rstrip())
            continue
        if broken:
            paragraph, broken = paragraph + 1, False
        current = Unit(
            kind, content_start, line_start + len(line.rstrip()), paragraph, [(line_start, content_start, line_end)]
        )
        current.bullet = bool(bullet and bullet.group(2))
        current.numbered = bool(bullet and bullet.group(3))
        units.append(current)
        if kind in ("definition", "table"):
            current = None  # one line each: a table row or a definition never continues
    return units, front_title


def _joins(
    text: str,
    current: Unit,
    line_start: int,
    content_start: int,
    line_end: int,
    is_quote: bool,
    is_bullet: bool,
    markdown: bool,
    settings: IngestSettings,
) -> bool:
    """Whether a line continues the unit above it."""
    if is_bullet or current.kind not in ("prose", "quote", "meta") or is_quote != (current.kind == "quote"):
        return False
    if markdown:
        return True
    previous_start, previous_content, previous_end = current.lines[-1]
    previous = text[previous_content:previous_end].rstrip()
    if TERMINAL.search(previous):
        return False
    indented = text[line_start:content_start].strip() == "" and content_start > line_start
    next_word = text[content_start:line_end].lstrip()[:1]
    return indented or len(previous) >= settings.wrap_min_chars or next_word.islower()


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((position, position + len(line.rstrip("\r\n"))))
        position += len(line)
    return spans


def _front_matter_end(text: str, lines: list[tuple[int, int]]) -> int:
    """Number of lines of a YAML front matter block ("---" ... "---"), or 0."""
    if not lines or text[lines[0][0] : lines[0][1]].strip() != "---":
        return 0
    for index, (start, end) in enumerate(lines[1:60], start=1):
        if text[start:end].strip() in ("---", "..."):
            return index + 1
    return 0
