"""The shape every ingest front-end (Markdown/text, HTML, .docx) hands to the sentence stage.

A front-end reads its format and returns a `Layout`: the article text, its blocks (headings,
prose, reference-list entries) with offsets into that text, the inline links, and the
reference list. The sentence stage (pipeline/ingest/article.py) never needs to know the format.

Also here, because two front-ends use them: reading one reference-list entry
(`parse_reference_entry`), expanding a citation marker (`marker_ids`) and `LayoutBuilder`,
which assembles a derived text block by block (HTML and .docx have no text of their own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..language.text import CITATION_MARKER, normalize
from ..records import Reference

BlockKind = Literal["heading", "prose", "meta", "reference"]

# Bare web addresses in text; a trailing full stop or bracket belongs to the sentence.
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\]\[(){}|]+(?:\([^\s()]*\)[^\s<>\"'\]\[(){}|]*)*", re.IGNORECASE)
_URL_TRAIL = ".,;:!?'\"”’"
_DOI = re.compile(r"(?:\bdoi:\s*|\b)(10\.\d{4,9}/[^\s<>\"]+)", re.IGNORECASE)
# "[Title](https://...)" — the title may hold one level of brackets.
MARKDOWN_LINK = re.compile(
    r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*<?([^\s()<>]+(?:\([^\s()]*\))?[^\s()<>]*)>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
AUTOLINK = re.compile(r"<((?:https?://|www\.)[^\s<>]+)>", re.IGNORECASE)
# The number that opens a reference entry: "[3]", "[3]:", "[^3]:", "3.", "3)", "(3)", "^3".
_ENTRY_NUMBER = re.compile(
    r"^\s*(?:[-*+•‣▪◦]\s+)?(?:\[\^?(\d{1,3})\]:?|\((\d{1,3})\)|\^(\d{1,3})|(\d{1,3})[.)](?!\d))\s*"
)
_BULLET = re.compile(r"^\s*[-*+•‣▪◦]\s+")
_ADDRESS_LIKE = re.compile(r"[\w-]+(?:\.[\w-]+)+/\S*")
_MAX_RANGE = 100  # "[1-300]" is a typo, not three hundred citations
# A plain paragraph read as a heading ranks below every real one, so any h1-h6 ends its list.
_PARAGRAPH_HEADING_LEVEL = 7


@dataclass(frozen=True, slots=True)
class Link:
    """An inline link. `start`/`end` cover it as written ("[text](url)" in Markdown, the
    anchor text in derived HTML text); `label_start`/`label_end` cover the words a reader sees."""

    start: int
    end: int
    label_start: int
    label_end: int
    url: str


@dataclass(frozen=True, slots=True)
class Block:
    """A run of the article text with one role. `level` is a heading's depth (0 when the
    front-end only guessed it is a heading); `title` marks the heading that is the title."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    title: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """What a front-end found. `hidden` spans are markup a reader does not see (list
    bullets, emphasis stars, quote marks); sentence splitting and claim text ignore them."""

    text: str
    title: str
    blocks: tuple[Block, ...]
    links: tuple[Link, ...] = ()
    references: tuple[Reference, ...] = ()
    hidden: tuple[tuple[int, int], ...] = ()
    published: str = ""  # "yyyy-mm-dd" when the document's metadata says (HTML)


def marker_ids(marker: str) -> list[str]:
    """The reference ids one citation marker names: "[2, 4-6]" → ["2", "4", "5", "6"]."""
    ids: list[str] = []
    for part in re.split(r"[,;]", marker.strip("[] \t")):
        bounds = [int(number) for number in re.findall(r"\d+", part)]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= _MAX_RANGE:
            ids.extend(str(number) for number in range(bounds[0], bounds[1] + 1))
        else:
            ids.extend(str(number) for number in bounds)
    return ids


def trim_url_text(url: str) -> str:
    """A bare address as matched in prose, without the punctuation of the sentence around it."""
    while url:
        if url[-1] in _URL_TRAIL:
            url = url[:-1]
        elif url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]  # "(see https://x.org/a)": the bracket belongs to the prose
        else:
            break
    return url


def clean_url(url: str) -> str:
    """A URL as found in prose, without trailing punctuation, with a scheme."""
    url = trim_url_text(url.strip().strip("<>"))
    if url.lower().startswith("www."):
        url = "https://" + url
    return url


def url_key(url: str) -> str:
    """A URL reduced for "is this the same source" comparisons."""
    key = url.strip().lower().split("#", 1)[0]
    key = re.sub(r"^https?://(www\.)?", "", key)
    return key.rstrip("/")


def parse_reference_entry(
    line: str, hrefs: Sequence[tuple[str, str]] = (), noise: Iterable[str] = ()
) -> tuple[str | None, str, str] | None:
    """Read one reference-list entry: (number or None, url, title), or None when the line
    has neither a number nor an address.

    Forms: "1. Title. URL", "[1] Title URL", "1. [Title](URL)", "- [1] <URL>",
    "[1]: URL "Title"", "(1) Title — doi:10.1000/xyz". `hrefs` are (anchor text, url) pairs
    from HTML or .docx links inside the entry; they are used when the text shows no address.
    """
    match = _ENTRY_NUMBER.match(line)
    number = next((group for group in match.groups() if group), None) if match else None
    rest = line[match.end() :] if match else _BULLET.sub("", line, count=1)
    url, title = "", ""
    markdown = MARKDOWN_LINK.search(rest)
    if markdown:
        url = clean_url(markdown.group(2))
        label = markdown.group(1).strip()
        outside = (rest[: markdown.start()] + " " + rest[markdown.end() :]).strip()
        title = label if label and not URL.fullmatch(label) else outside
        if not title or URL.fullmatch(title):
            title = outside if label == url else label
    else:
        found = AUTOLINK.search(rest) or URL.search(rest)
        if found:
            url = clean_url(found.group(1) if found.re is AUTOLINK else found.group())
            title = rest[: found.start()] + " " + rest[found.end() :]
        else:
            doi = _DOI.search(rest)
            if doi:
                url = "https://doi.org/" + clean_url(doi.group(1))
                title = rest[: doi.start()] + " " + rest[doi.end() :]
            elif hrefs:
                url = hrefs[0][1]
                title = rest
                for anchor, _ in hrefs:
                    shown = anchor.strip()
                    # An anchor that shows the address ("example.org/study") is not the title.
                    if shown and (shown in url or _ADDRESS_LIKE.fullmatch(shown)):
                        title = title.replace(shown, " ")
            else:
                title = rest
    if number is None and not url:
        return None
    return number, url, _tidy_title(title, noise)


def _tidy_title(title: str, noise: Iterable[str]) -> str:
    title = re.sub(r"[\"“”]?\s*$", "", title)
    title = CITATION_MARKER.sub(" ", title)
    for word in noise:
        title = re.sub(rf"(?i)\b{re.escape(word)}\b\s*:?", " ", title)
    title = " ".join(title.split())
    return title.strip(" .,;:–—-|\"'“”<>()").strip()


def is_reference_heading(heading: str, headings: Iterable[str]) -> bool:
    """Whether a heading opens a reference list ("Sources", "5. References:", "NOTES")."""
    bare = re.sub(r"^[\s#\d.)]+", "", normalize(heading).lower())
    bare = " ".join(re.sub(r"[^\w\s]", " ", bare).split())
    return bare in {" ".join(item.lower().split()) for item in headings}


@dataclass(slots=True)
class LayoutBuilder:
    """Assembles a derived article text block by block, for formats that have no plain
    text of their own (HTML, .docx). Blocks are separated by a blank line, list items by a
    line break; offsets of blocks and links are kept as the text grows.

    Paragraphs that follow a reference heading are read as reference entries until the next
    heading of the same or a higher level.
    """

    structure: Mapping[str, Any]
    parts: list[str] = field(default_factory=list)
    length: int = 0
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    references: dict[str, Reference] = field(default_factory=dict)
    title: str = ""
    _reference_level: int | None = None
    _reference_count: int = 0
    _last_was_item: bool = False

    def add_heading(self, text: str, level: int, *, title: bool = False) -> None:
        """A heading; a reference heading switches the following blocks to entries."""
        text = " ".join(text.split())
        if not text:
            return
        if self._reference_level is not None and level <= self._reference_level:
            self._reference_level = None
        if is_reference_heading(text, self.structure.get("reference_headings", ())) and not title:
            self._reference_level = level
        self._append(text, (), "heading", level=level, title=title, item=False)

    def in_references(self) -> bool:
        """Whether blocks added now are entries of a reference list."""
        return self._reference_level is not None

    def add_prose(self, text: str, links: Sequence[tuple[int, int, str]], *, item: bool = False) -> None:
        """A paragraph or list item with its links as (start, end, url) within `text`."""
        if self._reference_level is not None and self.add_reference(text, links, number=None, strict=True):
            return
        bare = " ".join(text.split()).strip("*_ ").rstrip(":")
        if not item and is_reference_heading(bare, self.structure.get("reference_headings", ())):
            # A paragraph saying only "Sources:" heads the list below it, styled or not.
            self.add_heading(bare, _PARAGRAPH_HEADING_LEVEL)
            return
        self._append(text, links, "prose", item=item)

    def add_meta(self, text: str) -> None:
        """A block of the article's frame (a byline, a caption): kept in the text, never claims."""
        self._append(text, (), "meta")

    def add_reference(
        self, text: str, links: Sequence[tuple[int, int, str]], *, number: int | None, strict: bool = False
    ) -> bool:
        """A reference-list entry; `number` is its position in a numbered list, if any.
        With `strict`, a line that reads as no entry is refused (returns False)."""
        hrefs = [(text[start:end], url) for start, end, url in links]
        entry = parse_reference_entry(text, hrefs, self.structure.get("reference_noise", ()))
        if entry is None and strict:
            return False
        # An item of an explicit reference list is an entry even without an address: the
        # report must still show that citation [n] points at something nobody can fetch.
        written, url, title = entry if entry else (None, hrefs[0][1] if hrefs else "", " ".join(text.split()))
        self._reference_count += 1
        reference_id = str(int(written)) if written else str(number if number is not None else self._reference_count)
        if reference_id not in self.references:
            self.references[reference_id] = Reference(reference_id, url, title)
        self._append(text, (), "reference", item=True)
        return True

    def layout(self) -> Layout:
        """The assembled Layout."""
        return Layout(
            text="".join(self.parts),
            title=self.title,
            blocks=tuple(self.blocks),
            links=tuple(self.links),
            references=tuple(self.references.values()),
        )

    def _append(
        self,
        text: str,
        links: Sequence[tuple[int, int, str]],
        kind: BlockKind,
        *,
        level: int = 0,
        title: bool = False,
        item: bool = False,
    ) -> None:
        stripped = text.strip()
        if not stripped:
            return
        lead = len(text) - len(text.lstrip())
        if self.parts:
            separator = "\n" if item and self._last_was_item else "\n\n"
            self.parts.append(separator)
            self.length += len(separator)
        start = self.length
        self.parts.append(stripped)
        self.length += len(stripped)
        self.blocks.append(Block(kind, start, self.length, level, title))
        for link_start, link_end, url in links:
            a, b = link_start - lead + start, link_end - lead + start
            if start <= a < b <= self.length:
                self.links.append(Link(a, b, a, b, url))
        self._last_was_item = item
