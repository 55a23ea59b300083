"""HTML articles → Layout (a text derived from the page, offsets into it).

1. parse with lxml (it repairs any tag soup) and take the title: the first <h1>, else
   <title>, else og:title;
2. drop what is not the article: scripts and styles, navigation, headers and footers
   outside the article, asides, forms, hidden elements, elements whose class or id names
   page furniture (ingest_structure lexicon, [html] chrome_words) unless they hold the
   title or paragraphs of prose, and short blocks that are mostly link text (menus);
3. read the article element (<article>, else <main>, else <body>) block by block:
   headings, paragraphs, list items and table cells become blocks of the derived text;
   bylines, datelines, picture captions and credits (<figcaption>, an element whose class,
   id or schema.org itemprop says so: ingest_structure lexicon, [html] meta_words) become
   meta blocks, whose sentences are skipped as meta, never claims;
   `<sup>1</sup>`, `<a href="#ref1">1</a>` and "[1]" become "[1]" markers; other `<a href>`
   to a web address become inline links;
4. a list under a reference heading, or inside an element whose class or id names
   references or footnotes, becomes the reference list (its numbering from <ol start>,
   <li value> or the number written in the item).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from ..errors import ArticleError
from ..records import Reference
from .dates import html_published
from .layout import Layout, LayoutBuilder

_DROPPED = frozenset(
    "script style noscript template svg math iframe object embed canvas form button select "
    "input textarea nav aside footer dialog".split()
)
_BLOCKS = frozenset(
    "p div section article main header li dd dt blockquote pre figure figcaption table tr td "
    "th caption address details summary center".split()
)
_LISTS = frozenset(("ul", "ol", "dl"))
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# What an exponent follows: a power of ten ("10<sup>9</sup>") or a unit ("kg/m<sup>2</sup>").
# Any other number before a superscript is a year or a count with its citation ("in 2019<sup>3</sup>").
_EXPONENT_BASE = re.compile(r"(?:(?<![\d.,])10|(?<![A-Za-z])(?:[kcmµ]?m|ft|in|s|kg/m|m/s|mol|[kcm]?g/[a-z]+))$")
_MARKER_TEXT = re.compile(r"^\s*\[?\s*(\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*)\s*\]?\s*$")
_SPACE = re.compile(r"\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_BACKLINK = re.compile(r"[↩↑⤴︎]+")
_WORD_SPLIT = re.compile(r"[-_\s]+")
# An <article> or <main> with less text than this (and less than this share of the page)
# is a teaser or a headline box, not the article.
_ROOT_MIN_CHARS = 500
_ROOT_MIN_SHARE = 0.25
# An element named like furniture holding more than this share of the article's text is not.
_FURNITURE_MAX_SHARE = 0.5
# ... nor one holding this many paragraphs of this many characters.
_FURNITURE_MAX_PARAGRAPHS = 3
_PROSE_PARAGRAPH_CHARS = 100
# A block shorter than this whose text is at least this share link text is navigation.
_LINK_LIST_MAX_CHARS = 300
_LINK_LIST_SHARE = 0.6
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_MAX_DEPTH = 200  # tag soup nested deeper than this is not an article's structure


def layout_html(text: str, *, location: str, structure: Mapping[str, Any]) -> Layout:
    """The layout of an HTML article; `location` resolves relative links when it is a web
    address (or the page sets <base href>)."""
    try:
        # lxml refuses text with control characters; a browser shows them as nothing.
        cleaned = _CONTROL.sub(" ", _XML_DECLARATION.sub("", text, count=1))
        document = lxml.html.document_fromstring(cleaned)
    except (lxml.etree.ParserError, ValueError):
        raise ArticleError("the article is empty", location=location) from None
    html_words = structure.get("html", {})
    chrome_words = frozenset(word.lower() for word in html_words.get("chrome_words", ()))
    reference_words = frozenset(word.lower() for word in html_words.get("reference_words", ()))
    title_heading = next(iter(document.iter("h1")), None)
    title = _text_of(title_heading) if title_heading is not None else ""
    if not title:
        title = _text_of(next(iter(document.iter("title")), None)) or _meta_title(document)
    base = _base_url(document, location)
    root = _article_root(document)
    _drop_furniture(root, chrome_words, title_heading)
    reader = _Reader(LayoutBuilder(structure), base, reference_words, title_heading)
    reader.meta = _MetaSigns(html_words, max(1, len(root.text_content())), title_heading)
    reader.builder.title = title
    reader.block(root, 0, in_references=False)
    reader.flush()
    layout = reader.builder.layout()
    # "[3](url)"-style markers give reference 3 an address when the list does not.
    known = {reference.id for reference in layout.references}
    extra = tuple(Reference(number, url) for number, url in reader.marker_urls.items() if number not in known)
    return Layout(layout.text, layout.title, layout.blocks, layout.links, layout.references + extra,
                  published=html_published(document))


def _article_root(document: Any) -> Any:
    """The element holding the article: the one <article>, else <main>; but the whole
    body when that element holds too little of the page's text to be the article (a
    teaser box, or a <main> wrapping only the headline)."""
    body = document.find("body")
    body = body if body is not None else document
    body_chars = len(body.text_content())
    articles = list(document.iter("article"))
    candidates = articles[:1] if len(articles) == 1 else []
    candidates += list(document.iter("main")) + document.xpath("//*[@role='main']")
    for candidate in candidates:
        chars = len(candidate.text_content())
        if chars >= _ROOT_MIN_CHARS or chars >= _ROOT_MIN_SHARE * body_chars:
            return candidate
    return body


def _drop_furniture(root: Any, chrome_words: frozenset[str], title_heading: Any) -> None:
    doomed = []
    root_chars = max(1, len(root.text_content()))
    keep = set(title_heading.iterancestors()) if title_heading is not None else set()
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments and processing instructions
            continue
        tag = element.tag.lower()
        if tag in _DROPPED:
            doomed.append(element)
        elif tag == "header" and element not in keep and _outside_article(element):
            doomed.append(element)
        elif element.get("hidden") is not None or element.get("aria-hidden") == "true":
            doomed.append(element)
        elif _HIDDEN_STYLE.search(element.get("style", "")):
            doomed.append(element)
        elif _class_words(element) & chrome_words and _looks_like_furniture(element, root_chars, keep):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent


def _looks_like_furniture(element: Any, root_chars: int, keep: set[Any]) -> bool:
    """A class word ("share", "sidebar") is a hint, not proof: a wrapper named
    "content-with-sidebar" that holds the title, most of the text or paragraphs of prose
    is the article."""
    if element.tag in ("article", "main") or element in keep:
        return False
    if len(element.text_content()) >= _FURNITURE_MAX_SHARE * root_chars:
        return False
    prose = 0
    for paragraph in element.iter("p"):
        if len(paragraph.text_content()) >= _PROSE_PARAGRAPH_CHARS:
            prose += 1
            if prose >= _FURNITURE_MAX_PARAGRAPHS:
                return False
    return True


class _MetaSigns:
    """What marks an element as the article's frame rather than its text: a tag (<figcaption>),
    a class or id word ("byline", "dateline", "credit"), a schema.org itemprop ("author",
    "datePublished"). Like a furniture class word it is a hint: an element that holds the
    title, most of the text or paragraphs of prose is the article."""

    def __init__(self, html_words: Mapping[str, Any], root_chars: int, title_heading: Any) -> None:
        self.words = frozenset(word.lower() for word in html_words.get("meta_words", ()))
        self.tags = frozenset(tag.lower() for tag in html_words.get("meta_tags", ()))
        self.itemprops = frozenset(prop.lower() for prop in html_words.get("meta_itemprops", ()))
        self.root_chars = root_chars
        self.keep = set(title_heading.iterancestors()) | {title_heading} if title_heading is not None else set()

    def marks(self, element: Any, tag: str) -> bool:
        """Whether `element` (its lower-case `tag`) is a byline, dateline, caption or credit."""
        itemprops = {prop.lower() for prop in (element.get("itemprop") or "").split()}
        signed = tag in self.tags or bool(_class_words(element) & self.words) or bool(itemprops & self.itemprops)
        return signed and _looks_like_furniture(element, self.root_chars, self.keep)


def _outside_article(element: Any) -> bool:
    return not any(ancestor.tag in ("article", "main") for ancestor in element.iterancestors())


def _class_words(element: Any) -> set[str]:
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return {word for word in _WORD_SPLIT.split(names) if word}


def _base_url(document: Any, location: str) -> str:
    base = next((element.get("href", "") for element in document.iter("base")), "")
    if location.lower().startswith(("http://", "https://")):
        return urljoin(location, base) if base else location
    return base if base.lower().startswith(("http://", "https://")) else ""


def _meta_title(document: Any) -> str:
    for element in document.iter("meta"):
        if element.get("property", "").lower() == "og:title":
            return " ".join(element.get("content", "").split())
    return ""


def _text_of(element: Any) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


class _Reader:
    """Walks the article element and feeds blocks to a LayoutBuilder. Inline text gathers
    in a buffer (whitespace collapsed as a browser does) until a block ends."""

    def __init__(self, builder: LayoutBuilder, base: str, reference_words: frozenset[str], title_heading: Any) -> None:
        self.builder = builder
        self.base = base
        self.reference_words = reference_words
        self.title_heading = title_heading
        self.parts: list[str] = []
        self.length = 0
        self.links: list[tuple[int, int, str]] = []
        self.marker_urls: dict[str, str] = {}
        self.meta: _MetaSigns | None = None
        self.meta_depth = 0  # inside a byline, dateline or caption: blocks are meta
        self.skip_internal_links = False
        self.anchor_chars = 0  # characters of link text in the buffer, for link density
        # Inside a heading or a reference entry, nested blocks (<p> in <li>) run together.
        self.inline_depth = 0

    # ── buffer ──
    def add_text(self, text: str | None) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if text.startswith(" ") and (not self.parts or self.parts[-1].endswith((" ", "\n"))):
            text = text[1:]
        if text:
            self.parts.append(text)
            self.length += len(text)

    def take(self) -> tuple[str, list[tuple[int, int, str]]]:
        text, links = "".join(self.parts), self.links
        self.parts, self.length, self.links, self.anchor_chars = [], 0, [], 0
        return text, [(start, end, url) for start, end, url in _trim_links(text, links)]

    def flush(self, *, item: bool = False) -> None:
        linked = self.anchor_chars
        text, links = self.take()
        stripped = text.strip()
        if not stripped:
            return
        # A short block that is mostly link text and no sentence is a menu entry or a
        # "related stories" title; a linked sentence ("<a>Adults need 7 hours.</a>") stays.
        if (
            len(stripped) < _LINK_LIST_MAX_CHARS
            and linked >= _LINK_LIST_SHARE * len(stripped)
            and not _SENTENCE_END.search(stripped)
            and not self.builder.in_references()
        ):
            return
        if self.meta_depth:
            self.builder.add_meta(text)
            return
        self.builder.add_prose(text, links, item=item)

    # ── blocks ──
    def block(self, element: Any, depth: int, *, in_references: bool) -> None:
        """Read the children of a block element."""
        if depth > _MAX_DEPTH:
            return
        self.add_text(element.text)
        for child in element:
            self.element(child, depth + 1, in_references=in_references)
            self.add_text(child.tail)

    def element(self, element: Any, depth: int, *, in_references: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag:
            return
        in_references = in_references or bool(
            _class_words(element) & self.reference_words and tag not in ("sup", "a", "span")
        )
        if (
            not self.inline_depth
            and not in_references
            and tag not in _HEADINGS
            and self.meta is not None
            and self.meta.marks(element, tag)
        ):
            # A byline or a caption: its own blocks, every one meta (a <span class="byline">
            # inside a paragraph is read as a block of its own too).
            self.flush()
            self.meta_depth += 1
            try:
                self.block(element, depth, in_references=False)
                self.flush()
            finally:
                self.meta_depth -= 1
        elif self.inline_depth and (tag in _HEADINGS or tag in _BLOCKS or tag in _LISTS):
            self.add_text(" ")
            self.block(element, depth, in_references=False)
            self.add_text(" ")
        elif tag in _HEADINGS:
            self.flush()
            text, _ = self.inline_only(element, depth)
            self.builder.add_heading(text, _HEADINGS[tag], title=element is self.title_heading)
        elif tag in _LISTS and (in_references or self.builder.in_references()):
            self.flush()
            self.reference_list(element, depth)
        elif tag == "li":
            self.flush(item=True)
            self.block(element, depth, in_references=in_references)
            self.flush(item=True)
        elif tag in _BLOCKS or tag in _LISTS:
            self.flush()
            if in_references and tag == "p":
                text, links = self.inline_only(element, depth)
                if not self.builder.add_reference(text, links, number=None, strict=True):
                    self.builder.add_prose(text, links)
                return
            self.block(element, depth, in_references=in_references)
            self.flush()
        elif tag == "br":
            self.add_text("\n")
        elif tag == "sup" and _MARKER_TEXT.match(element.text_content() or ""):
            if self.after_quantity(element):
                self.add_text("^" + element.text_content().strip())  # 10^9 must not read as 109
            else:
                self.marker(_MARKER_TEXT.match(element.text_content()).group(1), self.external(element))
        elif tag == "a":
            self.anchor(element, depth)
        elif tag == "img":
            return
        else:
            self.block(element, depth, in_references=in_references)

    def anchor(self, element: Any, depth: int) -> None:
        href = (element.get("href") or "").strip()
        label = element.text_content() or ""
        marker = _MARKER_TEXT.match(label)
        url = self.resolve(href)
        if marker and (href.startswith("#") or url):
            # "<a href="#ref-2">2</a>" or "<a href="https://...">[2]</a>": a citation marker.
            self.marker(marker.group(1), url)
            return
        if href.startswith("#") and self.skip_internal_links:
            return  # a footnote's back-link ("↩") is not part of the entry
        start = self.length
        self.block(element, depth, in_references=False)
        self.anchor_chars += self.length - start
        if url and self.length > start:
            self.links.append((start, self.length, url))

    def marker(self, numbers: str, url: str) -> None:
        marker = "[" + _SPACE.sub("", numbers).replace(",", ", ") + "]"
        if url and re.fullmatch(r"\d{1,3}", numbers.strip()):
            self.marker_urls.setdefault(str(int(numbers.strip())), url)
        self.add_text(marker)

    def after_quantity(self, element: Any) -> bool:
        """Whether a plain superscript number is an exponent ("kg/m<sup>2</sup>",
        "10<sup>9</sup>"), not a citation: no link, no brackets, right after 10 or a unit."""
        content = (element.text_content() or "").strip()
        if content.startswith("[") or next(iter(element.iter("a")), None) is not None:
            return False
        return bool(_EXPONENT_BASE.search("".join(self.parts[-3:])))

    def external(self, element: Any) -> str:
        anchor = element if element.tag == "a" else next(iter(element.iter("a")), None)
        return self.resolve((anchor.get("href") or "").strip()) if anchor is not None else ""

    def resolve(self, href: str) -> str:
        """An absolute web address for `href`, or "" for anchors, mail and script links."""
        if not href or href.startswith("#"):
            return ""
        if href.lower().startswith("www."):
            href = "https://" + href
        url = urljoin(self.base, href) if self.base else href
        parts = urlsplit(url)
        return url if parts.scheme in ("http", "https") and parts.netloc else ""

    def inline_only(self, element: Any, depth: int) -> tuple[str, list[tuple[int, int, str]]]:
        """The text and links of an element read as one block (headings, list entries)."""
        saved = (self.parts, self.length, self.links, self.anchor_chars)
        self.parts, self.length, self.links, self.anchor_chars = [], 0, [], 0
        self.inline_depth += 1
        try:
            self.block(element, depth, in_references=False)
        finally:
            self.inline_depth -= 1
        result = self.take()
        self.parts, self.length, self.links, self.anchor_chars = saved
        return result

    def reference_list(self, element: Any, depth: int) -> None:
        number = _int_or(element.get("start"), 1)
        self.skip_internal_links = True
        for item in element:
            if not isinstance(item.tag, str) or item.tag.lower() not in ("li", "dd", "dt"):
                continue
            number = _int_or(item.get("value"), number)
            text, links = self.inline_only(item, depth + 1)
            text = _BACKLINK.sub(" ", text)
            if text.strip():
                self.builder.add_reference(text, links, number=number if element.tag == "ol" else None)
            number += 1
        self.skip_internal_links = False


def _trim_links(text: str, links: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    trimmed = []
    for start, end, url in links:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            trimmed.append((start, end, url))
    return trimmed


def _int_or(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
