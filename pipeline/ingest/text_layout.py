"""Markdown and plain-text articles → Layout (offsets into the text as read).

The text is read line by line into units (ingest.units: a heading, a paragraph, a list
item, a quote, a reference entry), then:

1. units become headings: Markdown `#`/setext headings; a line in bold alone in its
   paragraph; and, when the article has no Markdown headings, short lines alone in their
   paragraph without closing punctuation and followed by more text (plain-text headings,
   numbered ones included: "2. What the trials show");
2. the title is chosen: the first H1, else the front matter's title, else (plain text) the
   first heading after any page chrome ("Donate", "Loading...") that precedes the article;
3. units under a reference heading ("Sources", "References", ...) and paragraphs made only
   of numbered lines with addresses become reference entries;
4. inline links (`[text](url)`, `<url>`, bare addresses) outside the reference list are
   collected, and Markdown markup a reader does not see is listed as hidden.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..config import IngestSettings
from ..language.text import CITATION_MARKER, words
from ..records import Reference
from .claims import (
    ClaimCues,
    is_chrome,
    is_meta,
    is_page_furniture,
)
from .layout import (
    AUTOLINK,
    MARKDOWN_LINK,
    URL,
    Block,
    BlockKind,
    Layout,
    Link,
    clean_url,
    is_reference_heading,
    parse_reference_entry,
    trim_url_text,
)
from .units import TERMINAL, Unit, read_units

# "[^2]": a Markdown footnote reference; its caret is markup, the rest reads as a marker.
_FOOTNOTE_REFERENCE = re.compile(r"\[\^\d{1,3}\]")
_BOLD_LINE = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1:?$")
_EMPHASIS = re.compile(
    r"(?<![\w*])(\*\*|__)(?=\S)(?:.+?)(?<=\S)\1(?![\w*])|(?<![\w*])\*(?=[^\s*])[^*\n]+?(?<=[^\s*])\*(?![\w*])"
    r"|(?<![\w_])_(?=[^\s_])[^_\n]+?(?<=[^\s_])_(?![\w_])|`[^`\n]+`"
)
_PIPE = re.compile(r"\|")
_REFERENCE_STYLE_LABEL = re.compile(r"\[(?![\d\s,;–—-]+\])([^\[\]\n]+)\](?=\[\d{1,3}\])")
_HEADING_END = re.compile(r"[.,;!…]$")
# A paragraph this long, without chrome words, is article prose.
_SUBSTANTIVE_WORDS = 25


def layout_markdown(
    text: str,
    *,
    markdown: bool,
    settings: IngestSettings,
    cues: ClaimCues,
    structure: Mapping[str, Any],
) -> Layout:
    """The layout of a Markdown (`markdown=True`) or plain-text article. Plain text joins
    lines into one paragraph only where a line is hard-wrapped; Markdown joins every line of
    a paragraph, as Markdown does."""
    units, front_title = read_units(text, markdown=markdown, settings=settings, cues=cues)
    has_markup_headings = any(unit.kind == "heading" for unit in units)
    _mark_reference_headings(text, units, structure)
    _mark_bold_headings(text, units, settings)
    if not has_markup_headings:
        _mark_plain_headings(text, units, settings, cues)
    title = _choose_title(text, units, has_markup_headings=has_markup_headings, cues=cues) or front_title
    references = _read_references(text, units, structure)
    links, hidden = _links_and_hidden(text, units)
    blocks = tuple(
        Block(_block_kind(unit), unit.start, unit.end, unit.level, unit.title)
        for unit in units
        if unit.end > unit.start and unit.kind != "skip"
    )
    return Layout(text, title, blocks, tuple(links), tuple(references), tuple(hidden))


# ── 1. headings ───────────────────────────────────────────────────────────────────────────


def _mark_bold_headings(text: str, units: list[Unit], settings: IngestSettings) -> None:
    for index, unit in enumerate(units):
        if unit.kind != "prose" or unit.bullet or len(unit.lines) != 1 or not _alone(units, index):
            continue
        bold = _BOLD_LINE.match(text[unit.start : unit.end])
        if bold and _heading_shaped(bold.group(2), settings) and index + 1 < len(units):
            unit.kind, unit.level = "heading", 0


def _mark_reference_headings(text: str, units: list[Unit], structure: Mapping[str, Any]) -> None:
    """ "Sources" (or "References:") on a line of its own right above entries is a heading,
    even with no blank line between: reference lists are often written that way."""
    headings = structure.get("reference_headings", ())
    for index, unit in enumerate(units[:-1]):
        if unit.kind != "prose" or len(unit.lines) != 1 or unit.bullet or unit.numbered:
            continue
        line = text[unit.start : unit.end].strip().strip("*_").strip()
        if is_reference_heading(line.rstrip(":"), headings) and parse_reference_entry(
            _unit_text(text, units[index + 1])
        ):
            unit.kind = "heading"


def _mark_plain_headings(text: str, units: list[Unit], settings: IngestSettings, cues: ClaimCues) -> None:
    candidates = [
        index
        for index, unit in enumerate(units)
        if unit.kind == "prose"
        and not unit.bullet
        and len(unit.lines) == 1
        and _alone(units, index)
        and index + 1 < len(units)
        and _heading_shaped(text[unit.start : unit.end], settings)
        and not is_meta(text[unit.start : unit.end], cues)  # "Updated on 4 May 2024" is a dateline
    ]
    # Numbered lines in consecutive paragraphs with nothing between are a list, not headings.
    in_list: set[int] = set()
    run: list[int] = []
    for index in candidates + [-1]:
        if run and index != -1 and units[index].paragraph == units[run[-1]].paragraph + 1:
            run.append(index)
            continue
        if sum(units[i].numbered for i in run) >= 2:
            in_list.update(i for i in run if units[i].numbered)
        run = [index]
    for index in candidates:
        if index not in in_list:
            unit = units[index]
            # A numbered heading keeps its number: "2. What the trials show" is how the
            # article names that section.
            line_start, _, line_end = unit.lines[0]
            line = text[line_start:line_end]
            unit.kind, unit.start = "heading", line_start + len(line) - len(line.lstrip())


def _alone(units: list[Unit], index: int) -> bool:
    """Whether the unit is the only one in its paragraph."""
    paragraph = units[index].paragraph
    before = index > 0 and units[index - 1].paragraph == paragraph
    after = index + 1 < len(units) and units[index + 1].paragraph == paragraph
    return not before and not after


def _heading_shaped(line: str, settings: IngestSettings) -> bool:
    stripped = line.strip().strip("*_").strip()
    if not stripped or len(stripped) > settings.heading_max_chars:
        return False
    if len(words(stripped)) > settings.heading_max_words or not words(stripped):
        return False
    if CITATION_MARKER.search(stripped) or URL.search(stripped) or MARKDOWN_LINK.search(stripped):
        return False
    return not _HEADING_END.search(stripped)


# ── 2. title ──────────────────────────────────────────────────────────────────────────────


def _choose_title(text: str, units: list[Unit], *, has_markup_headings: bool, cues: ClaimCues) -> str:
    if has_markup_headings:
        chosen = next((unit for unit in units if unit.kind == "heading" and unit.level == 1), None)
    else:
        chosen = _plain_title(text, units, cues)
    if chosen is None:
        return ""
    chosen.title = True
    return _heading_text(text, chosen)


def _plain_title(text: str, units: list[Unit], cues: ClaimCues) -> Unit | None:
    """The first heading after the page chrome that precedes the first paragraph of prose."""
    first_prose = next((i for i, unit in enumerate(units) if _substantive(text, unit, cues)), len(units))
    last_chrome = max(
        (
            i
            for i, unit in enumerate(units[:first_prose])
            if unit.kind != "heading" and is_page_furniture(_unit_text(text, unit), cues)
        ),
        default=-1,
    )
    for unit in units[last_chrome + 1 :]:
        if unit.kind == "heading":
            return unit
        if unit.kind == "prose":
            break
    # No heading: a short first line of its own is still the title ("My title\nText ...").
    first = units[last_chrome + 1] if last_chrome + 1 < len(units) else None
    if first is not None and first.kind == "prose" and len(first.lines) == 1 and last_chrome == -1:
        line = text[first.start : first.end]
        if (
            not TERMINAL.search(line)
            and len(units) > 1
            and len(words(line)) <= 12
            and units[1].paragraph == first.paragraph
        ):
            first.kind = "heading"
            return first
    return None


def _substantive(text: str, unit: Unit, cues: ClaimCues) -> bool:
    if unit.kind not in ("prose", "quote"):
        return False
    content = _unit_text(text, unit)
    if CITATION_MARKER.search(content) or MARKDOWN_LINK.search(content):
        return True
    return len(words(content)) >= _SUBSTANTIVE_WORDS and not is_chrome(content, cues)


def _unit_text(text: str, unit: Unit) -> str:
    return text[unit.start : unit.end]


def _heading_text(text: str, unit: Unit) -> str:
    heading = text[unit.start : unit.end].strip()
    bold = _BOLD_LINE.match(heading)
    if bold:
        heading = bold.group(2)
    heading = MARKDOWN_LINK.sub(lambda match: match.group(1), heading)
    return " ".join(heading.split()).rstrip(":").strip()


# ── 3. references ─────────────────────────────────────────────────────────────────────────


def _read_references(text: str, units: list[Unit], structure: Mapping[str, Any]) -> list[Reference]:
    headings = structure.get("reference_headings", ())
    noise = structure.get("reference_noise", ())
    sections: list[list[Unit]] = []
    section: list[Unit] | None = None
    section_level = 0
    for unit in units:
        if unit.kind == "heading":
            if section is not None and (unit.level <= section_level or unit.level == 0 or section_level == 0):
                section = None
            if is_reference_heading(_heading_text(text, unit), headings) and not unit.title:
                section, section_level = [], unit.level
                sections.append(section)
            continue
        if section is not None:
            section.append(unit)
    groups: list[list[tuple[int, tuple[str | None, str, str]]]] = []
    for members in sections:
        found = [(unit, parse_reference_entry(_unit_text(text, unit), (), noise)) for unit in members]
        if any(entry for _, entry in found):  # a "Notes" section of prose is not a list
            for unit in members:
                unit.kind = "reference"
            groups.append([(unit.start, entry) for unit, entry in found if entry])
    # Numbered lines with addresses and "[n]: url" definitions are entries wherever they are.
    by_paragraph: dict[int, list[Unit]] = {}
    for unit in units:
        by_paragraph.setdefault(unit.paragraph, []).append(unit)
    for members in by_paragraph.values():
        parsed = [
            (unit, parse_reference_entry(_unit_text(text, unit), (), noise))
            for unit in members
            if unit.kind != "reference"
        ]
        if parsed and all(entry and entry[1] and (entry[0] or unit.kind == "definition") for unit, entry in parsed):
            for unit, _ in parsed:
                unit.kind = "reference"
            groups.append([(unit.start, entry) for unit, entry in parsed if entry])
    references: dict[str, Reference] = {}
    for group in sorted(groups, key=lambda group: group[0][0] if group else 0):
        for reference in _number_entries([entry for _, entry in group]):
            references.setdefault(reference.id, reference)
    return list(references.values())


def _number_entries(entries: list[tuple[str | None, str, str]]) -> list[Reference]:
    """Reference ids: the numbers written, unless some are missing or repeated (Markdown
    lists numbered "1." throughout are common), then the position in the list."""
    written = [number for number, _, _ in entries]
    by_position = None in written or len(set(written)) != len(written)
    references: dict[str, Reference] = {}
    for position, (number, url, title) in enumerate(entries, start=1):
        reference_id = str(position) if by_position else str(int(number or 0))
        references.setdefault(reference_id, Reference(reference_id, url, title))
    return list(references.values())


# ── 4. links and hidden markup ────────────────────────────────────────────────────────────


def _links_and_hidden(text: str, units: list[Unit]) -> tuple[list[Link], list[tuple[int, int]]]:
    links: list[Link] = []
    hidden: list[tuple[int, int]] = []
    for unit in units:
        if unit.kind in ("reference", "definition"):
            continue
        for line_start, content_start, _ in unit.lines[1:]:
            hidden.append((line_start, content_start))  # bullets and quote marks of continued lines
        if unit.kind == "table":
            hidden.extend((m.start(), m.end()) for m in _PIPE.finditer(text, unit.start, unit.end))
        taken: list[tuple[int, int]] = []
        for match in MARKDOWN_LINK.finditer(text, unit.start, unit.end):
            if match.start() > 0 and text[match.start() - 1] == "!":
                hidden.append((match.start() - 1, match.end()))  # an image is not a source
            else:
                links.append(Link(match.start(), match.end(), match.start(1), match.end(1), clean_url(match.group(2))))
            taken.append((match.start() - 1, match.end()))
        for pattern in (AUTOLINK, URL):
            for match in pattern.finditer(text, unit.start, unit.end):
                if any(a <= match.start() < b for a, b in taken):
                    continue
                url = clean_url(match.group(1) if pattern is AUTOLINK else match.group())
                end = match.end() if pattern is AUTOLINK else match.start() + len(trim_url_text(match.group()))
                links.append(Link(match.start(), end, match.start(), match.start(), url))
                taken.append((match.start(), end))
        for match in _EMPHASIS.finditer(text, unit.start, unit.end):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            marker = 2 if match.group(1) else 1
            hidden.append((match.start(), match.start() + marker))
            hidden.append((match.end() - marker, match.end()))
        for match in _FOOTNOTE_REFERENCE.finditer(text, unit.start, unit.end):
            hidden.append((match.start() + 1, match.start() + 2))
        for match in _REFERENCE_STYLE_LABEL.finditer(text, unit.start, unit.end):
            hidden.append((match.start(), match.start() + 1))
            hidden.append((match.end() - 1, match.end()))
    links.sort(key=lambda link: link.start)
    return links, sorted(hidden)


def _block_kind(unit: Unit) -> BlockKind:
    if unit.kind in ("quote", "table"):
        return "prose"
    if unit.kind == "definition":
        return "reference"
    return unit.kind  # type: ignore[return-value]
