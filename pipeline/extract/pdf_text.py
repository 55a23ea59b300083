"""Text blocks from PDF and plain-text sources, for the extract stage.

A PDF's text comes out of pypdf as layout lines: a sentence runs over several lines, words
are hyphenated at line ends, every page repeats a running head and a page number. The
sentence splitter treats a line break as a sentence end, so lines are reflowed here into
paragraphs first:

1. read the text of each page (at most `max_pages`; an unreadable page is skipped and noted);
2. drop running heads and footers (the same line at the top or bottom of many pages) and
   bare page numbers;
3. join lines into paragraphs: a paragraph ends at a blank line or at a short line that ends
   a sentence; a short, unpunctuated, capitalised line between paragraphs is a heading;
4. mend hyphenation: "cross-" + "sectional" stays "cross-sectional" when the document writes
   that word with a hyphen elsewhere, and becomes one word ("random-" + "ized") otherwise.

Plain text keeps its paragraphs (blank lines), reflows hard-wrapped lines, and reads Markdown
"#" lines as headings.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["PdfText", "TextBlock", "blocks_from_pdf", "blocks_from_plain_text"]

_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$|\[\d[\d,–-]*\]$")
_HYPHENATED = re.compile(r"\b([^\W\d_]+-[^\W\d_]+)\b")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+\S")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(?:[-*•+]|\d{1,3}[.)])\s+\S")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Spelling:
    """How the document itself spells words: its hyphenated words and its plain words."""

    hyphenated: set[str]
    words: set[str]


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One paragraph or heading of a source's main text (one line per `lb`, no other breaks)."""

    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class PdfText:
    """What a PDF yielded: its blocks, its own metadata, and what was cut or skipped.

    `error` is set (and `blocks` empty) when the file cannot be read at all.
    """

    blocks: tuple[TextBlock, ...] = ()
    title: str = ""
    authors: tuple[str, ...] = ()
    created: str = ""
    pages_read: int = 0
    pages_total: int = 0
    notes: tuple[str, ...] = ()
    error: str = ""


def blocks_from_pdf(body: bytes, *, max_pages: int) -> PdfText:
    """The paragraphs and headings of a PDF, reflowed (see the module docstring)."""
    # pypdf logs every repaired oddity of a broken file as a warning; the notes say what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # Imported here, not at the top: most checks read no PDF, and pypdf takes a tenth of the
    # command's start-up (bench/demo_speed.py).
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return PdfText(error="the PDF is encrypted")
        total = len(reader.pages)
    except Exception as error:  # noqa: BLE001 - pypdf raises many types on hostile files
        return PdfText(error=f"the PDF cannot be read ({type(error).__name__})")
    pages: list[list[str]] = []
    notes: list[str] = []
    skipped = 0
    for number in range(min(total, max_pages)):
        try:
            pages.append((reader.pages[number].extract_text() or "").splitlines())
        except Exception:  # noqa: BLE001 - one bad page must not lose the others
            skipped += 1
            pages.append([])
    if total > max_pages:
        notes.append(f"PDF cut: read {max_pages} of {total} pages")
    if skipped:
        notes.append(f"{skipped} PDF page(s) could not be read")
    title, authors, created = _pdf_info(reader)
    blocks = _reflow_pages(pages)
    if not blocks:
        notes.append("the PDF has no extractable text (a scan needs OCR)")
    return PdfText(tuple(blocks), title, authors, created, min(total, max_pages), total, tuple(notes))


def _pdf_info(reader: PdfReader) -> tuple[str, tuple[str, ...], str]:
    try:
        info = reader.metadata or {}
        title = str(info.get("/Title") or "").strip()
        author = str(info.get("/Author") or "").strip()
        created = str(info.get("/CreationDate") or "")
    except Exception:  # noqa: BLE001 - a broken info dictionary is not worth losing the text for
        return "", (), ""
    # Word processors put the file name in /Title; that is no title.
    if re.search(r"\.(?:docx?|pdf|tex|indd|rtf)$|^microsoft word", title, re.IGNORECASE):
        title = ""
    authors = tuple(name.strip() for name in re.split(r";|,\s*(?:and\s+)?|\band\b", author) if name.strip())
    date = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", created)
    iso = "-".join(part for part in date.groups() if part) if date else ""
    return title[:500], authors[:30], iso


def _reflow_pages(pages: list[list[str]]) -> list[TextBlock]:
    chrome = _running_lines(pages)
    hyphenated = {word.lower() for page in pages for line in page for word in _HYPHENATED.findall(line)}
    vocabulary = _vocabulary(pages)
    lines: list[str] = []
    for page in pages:
        kept = [line.strip() for line in page]
        kept = [line for line in kept if _normal(line) not in chrome and not _PAGE_NUMBER.match(line)]
        lines.extend(kept)
        lines.append("")  # a page break ends a paragraph unless the sentence plainly goes on
    return _paragraphs(lines, _Spelling(hyphenated, vocabulary), pdf=True)


def _vocabulary(pages: list[list[str]]) -> set[str]:
    """The words the document uses whole: the halves of a word broken at a line end are
    left out, so that they cannot vouch for themselves."""
    words: set[str] = set()
    for page in pages:
        broken_before = False
        for line in page:
            found = _WORD.findall(line)
            stripped = line.rstrip()
            broken_after = stripped.endswith("-") and stripped[-2:-1].isalpha()
            if broken_before and found:
                found = found[1:]
            if broken_after and found:
                found = found[:-1]
            words.update(word.lower() for word in found)
            broken_before = broken_after
    return words


def _normal(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of at least half the pages (and at least three)."""
    edges: Counter[str] = Counter()
    for page in pages:
        content = [line for line in page if line.strip()]
        edges.update({_normal(line) for line in content[:2] + content[-2:]})
    needed = max(3, len(pages) // 2)
    return {line for line, count in edges.items() if count >= needed and line}


def _paragraphs(lines: list[str], spelling: _Spelling | None, *, pdf: bool) -> list[TextBlock]:
    typical = _typical_length(lines)
    blocks: list[TextBlock] = []
    current: list[str] = []

    def close() -> None:
        if current:
            blocks.append(TextBlock(_SPACES.sub(" ", " ".join(current)).strip()))
            current.clear()

    for index, line in enumerate(lines):
        if not line:
            # A blank line (or page break) mid-sentence followed by lower case goes on.
            following = next((later for later in lines[index + 1 :] if later), "")
            if current and pdf and not _SENTENCE_END.search(current[-1]) and following[:1].islower():
                continue
            close()
            continue
        heading = _MARKDOWN_HEADING.match(line) if not pdf else None
        if heading:
            close()
            blocks.append(TextBlock(heading.group(1), heading=True))
            continue
        if (
            pdf
            and not current
            and _looks_like_heading(line, lines[index + 1] if index + 1 < len(lines) else "", typical)
        ):
            blocks.append(TextBlock(line, heading=True))
            continue
        if not pdf and _LIST_ITEM.match(line):
            close()
        if current and current[-1].endswith("-") and line[:1].islower() and current[-1][-2:-1].isalpha():
            current[-1] = _mend(current[-1], line, spelling)
        else:
            current.append(line)
        if pdf and _SENTENCE_END.search(current[-1]) and len(line) < 0.75 * typical:
            close()
    close()
    return [block for block in blocks if block.text]


def _typical_length(lines: list[str]) -> float:
    """The median length of the document's text lines (80 when it has too few to tell)."""
    lengths = sorted(len(line) for line in lines if len(line) >= 20)
    return float(lengths[len(lengths) // 2]) if len(lengths) >= 20 else 80.0


def _looks_like_heading(line: str, following: str, typical: float) -> bool:
    """A short line with no closing punctuation that starts with a capital or a section
    number, followed by a line that starts a sentence ("Methods", "2.1 Participants")."""
    words = line.split()
    if not following or not 1 <= len(words) <= 10 or len(line) > min(80.0, 0.8 * typical):
        return False
    if not (following[0].isupper() or following[0].isdigit()):
        return False
    if line[-1] in ".,;:-–" or not (line[0].isupper() or _NUMBERED_HEADING.match(line)):
        return False
    letters = sum(char.isalpha() for char in line)
    return letters >= 0.6 * len(line.replace(" ", ""))


def _mend(head: str, tail_line: str, spelling: _Spelling | None) -> str:
    """Join "...cross-" with "sectional study ...". The hyphen stays when the document
    writes the hyphenated word elsewhere, goes when it writes the joined word elsewhere, and
    otherwise stays only when both halves are words the document uses on their own
    ("self-" + "reported") — a typesetter's break ("associ-" + "ated") leaves halves that are
    no words. Plain text (`spelling` None) keeps every hyphen: no typesetter broke it."""
    stem = head[:-1]
    first, _, rest = tail_line.partition(" ")
    if spelling is None:
        return f"{head}{first}" + (f" {rest}" if rest else "")
    left_match = re.search(r"[^\W\d_]+$", stem)
    right_match = re.match(r"[^\W\d_]+", first)
    left = left_match.group(0).lower() if left_match else ""
    right = right_match.group(0).lower() if right_match else ""
    if f"{left}-{right}" in spelling.hyphenated:
        glue = "-"
    elif f"{left}{right}" in spelling.words:
        glue = ""
    else:
        glue = "-" if left in spelling.words and right in spelling.words else ""
    return f"{stem}{glue}{first}" + (f" {rest}" if rest else "")


def blocks_from_plain_text(text: str) -> list[TextBlock]:
    """Paragraphs (separated by blank lines, hard-wrapped lines joined), list items and
    Markdown "#" headings of a plain-text source."""
    lines = [line.strip() for line in text.splitlines()]
    return _paragraphs(lines, None, pdf=False)
