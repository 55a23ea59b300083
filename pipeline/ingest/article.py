"""Ingest: an article (Markdown, plain text, HTML, .docx) → claims and references.

    media_type_for(location, content_type)            which reader to use
    parse_article(raw, location=, media_type=, settings=) → Article

`parse_article` is pure: bytes in, an Article out, no file or network I/O. A front-end per
format (ingest.text_layout, ingest.html_layout, ingest.docx_layout) finds the structure; this module splits the
prose into sentences and decides what each one is (ingest.claims).

Every offset points into `Article.text`: for Markdown and plain text that is the text as
read (line ends made "\\n"); for HTML and .docx it is the text derived from the document.
`article.text[claim.start:claim.end]` is the sentence as written, markers included;
`claim.text` is the same without markers and link syntax, with whitespace tidied.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from bisect import bisect_left
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from ..config import Settings
from ..errors import ArticleError
from ..language.text import CITATION_MARKER, sentence_spans
from ..records import Article, Claim, Reference, SkippedSentence
from .carryover import CarryCues, Reading, compile_carry_cues, inherited_citations
from .claims import (
    ClaimCues,
    compile_cues,
    is_chrome,
    skip_reason,
    starts_with_meta_prefix,
)
from .dates import dateline_date
from .layout import Block, Layout, Link, marker_ids, url_key
from .text_layout import layout_markdown

_SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
}
_CONTENT_TYPES = {
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_BINARY = "not a text, Markdown or HTML article"
_EMPTY = "the article is empty"
_NO_SENTENCES = "the article has no sentences to check"
# Signatures of files that are not articles even when they hold no NUL byte early on.
_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE
)
# More control characters than this share of the text means binary data decoded as text.
_CONTROL_SHARE = 0.05
_ALNUM = re.compile(r"[^\W_]")
# Citation markers as pipeline.language.text knows them, plus Markdown footnote references ("[^2]").
_MARKER = re.compile(CITATION_MARKER.pattern + r"|\[\^\d{1,3}\]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)\]}])")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*\]")


def media_type_for(location: str, content_type: str | None = None) -> str:
    """ "markdown", "text", "html" or "docx": from the HTTP content type when it names one,
    else from the suffix of the path or URL. A web address with neither is read as HTML."""
    if content_type:
        base = content_type.split(";", 1)[0].strip().lower()
        if base in _CONTENT_TYPES:
            return _CONTENT_TYPES[base]
    is_url = location.lower().startswith(("http://", "https://"))
    path = unquote(urlsplit(location).path) if is_url else location
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if is_url and not suffix:
        return "html"
    shown = f"'{suffix}'" if suffix else "a file without a suffix"
    kind = f" (content type {content_type.split(';', 1)[0].strip()})" if content_type else ""
    raise ArticleError(
        f"cannot read {shown}{kind} as an article: give a .md, .markdown, .txt, .html, .htm or .docx file",
        location=location,
    )


def parse_article(raw: bytes, *, location: str, media_type: str, settings: Settings) -> Article:
    """Read an article into claims and references.

    1. refuse what is not an article: too large, binary, empty;
    2. decode (BOM, the HTML's declared charset, UTF-8, then cp1252) and let the format's
       front-end find title, headings, prose, reference list and inline links;
    3. treat text before the title as page chrome when it reads like chrome;
    4. split the prose into sentences (pipeline.language.text.sentence_spans) and decide for each:
       claim, or skipped as heading / meta / question / advice / not check-worthy; a sentence
       that cites nothing but goes on about the source cited just before ("In that trial,
       ...") takes that citation (pipeline.ingest.carryover);
    5. give inline links reference ids ("L1", "L2", ...) in the order claims cite them.
    """
    if len(raw) > settings.ingest.max_bytes:
        raise ArticleError(
            f"the article is too large ({len(raw):,} bytes; the limit is {settings.ingest.max_bytes:,})",
            location=location,
        )
    cues = compile_cues(settings.lexicon("claim_types"), settings.lexicon("numbers"))
    structure = settings.lexicon("ingest_structure")
    if media_type == "docx":
        from .docx_layout import (
            layout_docx,  # python-docx is only loaded for .docx files
        )

        layout = layout_docx(raw, location=location, structure=structure)
    elif media_type in ("markdown", "text", "html"):
        text = decode_article(raw, media_type=media_type, location=location)
        if media_type == "html":
            from .html_layout import layout_html

            layout = layout_html(text, location=location, structure=structure)
        else:
            layout = layout_markdown(
                text, markdown=media_type == "markdown", settings=settings.ingest, cues=cues, structure=structure
            )
    else:
        raise ArticleError(f"unknown media type '{media_type}'", location=location)
    layout = _chrome_before_title(layout, cues)
    claims, skipped, references = _read_sentences(layout, cues, compile_carry_cues(settings.lexicon("carry_over")))
    if not claims and not skipped:
        raise ArticleError(_NO_SENTENCES, location=location)
    return Article(
        title=layout.title or _title_from_location(location),
        location=location,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=layout.text,
        claims=tuple(claims),
        references=tuple(references),
        skipped=tuple(skipped),
        published=layout.published or dateline_date(layout.text, structure.get("dateline_words", ())),
    )


def decode_article(raw: bytes, *, media_type: str, location: str = "") -> str:
    """The article's bytes as text with "\\n" line ends; ArticleError when they are binary
    or hold no text."""
    text = None
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = raw.decode(encoding, errors="replace")
            break
    if text is None:
        if b"\x00" in raw or raw.startswith(_MAGIC):
            raise ArticleError(_BINARY, location=location)
        text = _decode_without_bom(raw, html=media_type == "html")
    if "\x00" in text:
        raise ArticleError(_BINARY, location=location)
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v")
    if controls > max(3, _CONTROL_SHARE * len(text)):
        raise ArticleError(_BINARY, location=location)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError(_EMPTY, location=location)
    return text


def _decode_without_bom(raw: bytes, *, html: bool) -> str:
    if html:
        declared = _DECLARED_CHARSET.search(raw[:4096])
        if declared:
            name = (declared.group(1) or declared.group(2)).decode("ascii", "replace")
            try:
                return raw.decode(codecs.lookup(name).name)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall through to UTF-8 and cp1252
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _title_from_location(location: str) -> str:
    path = unquote(urlsplit(location).path) if "://" in location else location
    stem = PurePosixPath(path.replace("\\", "/").rstrip("/")).stem
    return stem or urlsplit(location).netloc or location


# ── chrome before the title ───────────────────────────────────────────────────────────────


def _chrome_before_title(layout: Layout, cues: ClaimCues) -> Layout:
    """Blocks before the title are page chrome (donation boxes, loaders, banners) when they
    carry chrome words and no citation; they are then skipped as meta text."""
    title_index = next((i for i, block in enumerate(layout.blocks) if block.title), 0)
    before = [block for block in layout.blocks[:title_index] if block.kind != "reference"]
    if not before:
        return layout
    texts = [layout.text[block.start : block.end] for block in before]
    cited = any(_MARKER.search(text) for text in texts) or any(
        block.start <= link.start < block.end for block in before for link in layout.links
    )
    if cited or not any(is_chrome(text, cues) for text in texts):
        return layout
    blocks = tuple(
        replace(block, kind="meta", level=0) if index < title_index and block.kind != "reference" else block
        for index, block in enumerate(layout.blocks)
    )
    return replace(layout, blocks=blocks)


# ── sentences ─────────────────────────────────────────────────────────────────────────────


class _References:
    """The reference list, grown by inline links as the claims that cite them are read."""

    def __init__(self, listed: tuple[Reference, ...]) -> None:
        self.by_id: dict[str, Reference] = {reference.id: reference for reference in listed}
        self.by_url: dict[str, str] = {}
        for reference in listed:
            if reference.url:
                self.by_url.setdefault(url_key(reference.url), reference.id)
        self.inline_count = 0

    def numbered(self, number: str, url: str) -> str:
        """Reference `number`, given an address by an inline "[n](url)" when the list lacks it."""
        if number not in self.by_id and url:
            self.by_id[number] = Reference(number, url)
            self.by_url.setdefault(url_key(url), number)
        return number

    def inline(self, url: str, label: str) -> str:
        """The id of an inline link: the listed reference with the same address, else "Ln"."""
        key = url_key(url)
        if key not in self.by_url:
            self.inline_count += 1
            reference_id = f"L{self.inline_count}"
            self.by_id[reference_id] = Reference(reference_id, url, label)
            self.by_url[key] = reference_id
        return self.by_url[key]


def _read_sentences(
    layout: Layout, cues: ClaimCues, carry: CarryCues
) -> tuple[list[Claim], list[SkippedSentence], list[Reference]]:
    text, links, hidden = layout.text, layout.links, layout.hidden
    link_starts = [link.start for link in links]
    references = _References(layout.references)
    claims: list[Claim] = []
    skipped: list[SkippedSentence] = []
    # What came before, for citation carry-over: every prose sentence with its paragraph
    # and the number of headings above it.
    read: list[Reading] = []
    headings = 0
    section = ""
    for paragraph, block in enumerate(layout.blocks):
        if block.kind == "reference":
            continue
        if block.kind == "heading":
            headings += 1
            heading = _tidy(text, block.start, block.end, links, hidden, link_starts).rstrip(":").strip()
            if not _ALNUM.search(heading):
                continue
            if not block.title:  # the title names the article, not a section of it
                section = heading
            numbers = tuple(
                dict.fromkeys(n for _, n, _ in _marker_citations(text, block.start, block.end, links, link_starts))
            )
            skipped.append(
                SkippedSentence(heading, "" if block.title else section, block.start, block.end, "heading", numbers)
            )
            continue
        all_meta = block.kind == "meta" or starts_with_meta_prefix(text[block.start : block.end], cues)
        for start, end in _block_sentences(text, block, links, hidden, link_starts):
            sentence = _tidy(text, start, end, links, hidden, link_starts)
            if not _ALNUM.search(sentence):
                continue
            numbers = _marker_citations(text, start, end, links, link_starts)
            inline = [link for link in _links_within(links, link_starts, start, end) if not _numeric_label(text, link)]
            here = Reading(None, paragraph, headings)
            inherited, inherited_from = (
                inherited_citations(sentence, here, read, references.by_id, carry)
                if not (numbers or inline or all_meta)
                else ((), "")
            )
            reason = "meta" if all_meta else skip_reason(sentence, cited=bool(numbers or inline or inherited), cues=cues)
            citations: list[tuple[int, str]] = []
            for position, number, url in numbers:
                citations.append((position, references.numbered(number, url)))
            if reason != "meta":  # chrome links ("Learn more", "Donate") are not sources
                for link in inline:
                    label = " ".join(text[link.label_start : link.label_end].split())
                    citations.append((link.start, references.inline(link.url, label)))
            cited = tuple(dict.fromkeys(reference_id for _, reference_id in sorted(citations)))
            if reason is None:
                claim = Claim(f"c{len(claims) + 1}", sentence, section, start, end, cited, inherited, inherited_from)
                claims.append(claim)
                read.append(Reading(claim, paragraph, headings))
            else:
                skipped.append(SkippedSentence(sentence, section, start, end, reason, cited))
                read.append(here)
    return claims, skipped, list(references.by_id.values())


def _block_sentences(
    text: str, block: Block, links: tuple[Link, ...], hidden: tuple[tuple[int, int], ...], link_starts: list[int]
) -> list[tuple[int, int]]:
    """Sentence spans of a prose block. The splitter reads the block as a reader sees it
    (link syntax and hidden markup left out, line breaks as spaces), and each character it
    reads remembers where it came from, so spans map back to the article text."""
    dropped = [False] * (block.end - block.start)
    for link in _links_within(links, link_starts, block.start, block.end):
        numeric = _numeric_label(text, link)
        keep = (link.start, link.start + len(numeric)) if numeric else (link.label_start, link.label_end)
        for position in range(link.start, min(link.end, block.end)):
            if not keep[0] <= position < keep[1]:
                dropped[position - block.start] = True
    for hide_start, hide_end in hidden:
        if hide_end > block.start and hide_start < block.end:
            for position in range(max(hide_start, block.start), min(hide_end, block.end)):
                dropped[position - block.start] = True
    origin = [block.start + offset for offset, gone in enumerate(dropped) if not gone]
    view = "".join(text[position] for position in origin).replace("\n", " ")
    spans: list[tuple[int, int]] = []
    for view_start, view_end in sentence_spans(view):
        start, end = origin[view_start], origin[view_end - 1] + 1
        # A link the splitter cut (a sentence ending inside its label) stays whole.
        for link in _links_within(links, link_starts, block.start, end):
            if link.start < end and link.end > start:
                start, end = min(start, link.start), max(end, link.end)
        # Markup hidden right at the edges ("**Note:** ...") belongs to the sentence as written.
        start, end = _widen_over_hidden(hidden, start, end, block)
        if not spans:
            # Markers opening the block ("[2] Oats lower ...") cite its first sentence.
            lead = text[block.start : start]
            if lead.strip() and not _MARKER.sub("", lead).strip():
                start = block.start + len(lead) - len(lead.lstrip())
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _widen_over_hidden(hidden: tuple[tuple[int, int], ...], start: int, end: int, block: Block) -> tuple[int, int]:
    index = bisect_left(hidden, (start, start))
    for hide_start, hide_end in reversed(hidden[max(0, index - 4) : index]):
        if hide_end == start and hide_start >= block.start:
            start = hide_start
    for hide_start, hide_end in hidden[index : index + 4]:
        if hide_start == end and hide_end <= block.end:
            end = hide_end
    return start, end


def _links_within(links: tuple[Link, ...], link_starts: list[int], start: int, end: int) -> list[Link]:
    index = bisect_left(link_starts, start)
    found = []
    while index < len(links) and links[index].start < end:
        found.append(links[index])
        index += 1
    return found


def _numeric_label(text: str, link: Link) -> str:
    """ "[3]" when a link is written "[3](url)": a citation marker with an address."""
    if link.label_start == link.label_end or link.label_start == link.start:
        return ""
    marker = text[link.start : link.label_end + 1]
    return marker if CITATION_MARKER.fullmatch(marker) else ""


def _marker_citations(
    text: str, start: int, end: int, links: tuple[Link, ...], link_starts: list[int]
) -> list[tuple[int, str, str]]:
    """(position, reference number, address or "") for each marker in the span."""
    inside = _links_within(links, link_starts, max(0, start - 2000), end)
    found: list[tuple[int, str, str]] = []
    for match in _MARKER.finditer(text, start, end):
        owner = next((link for link in inside if link.start <= match.start() < link.end), None)
        if owner is not None and not _numeric_label(text, owner):
            continue  # "[see [2]](url)" is link text, not a marker
        url = owner.url if owner is not None else ""
        found.extend((match.start(), number, url) for number in marker_ids(match.group()))
    return found


def _tidy(
    text: str,
    start: int,
    end: int,
    links: tuple[Link, ...],
    hidden: tuple[tuple[int, int], ...],
    link_starts: list[int],
) -> str:
    """The span as a reader would quote it: link labels kept, link syntax, hidden markup and
    citation markers removed, whitespace tidied."""
    drop: list[tuple[int, int]] = []
    for link in _links_within(links, link_starts, start, end):
        drop.extend(((link.start, link.label_start), (link.label_end, link.end)))
    index = bisect_left(hidden, (start, start))
    while index > 0 and hidden[index - 1][1] > start:
        index -= 1
    while index < len(hidden) and hidden[index][0] < end:
        drop.append(hidden[index])
        index += 1
    drop.extend((match.start(), match.end()) for match in _MARKER.finditer(text, start, end))
    pieces, position = [], start
    for drop_start, drop_end in sorted(drop):
        drop_start, drop_end = max(drop_start, start), min(drop_end, end)
        if drop_start > position:
            pieces.append(text[position:drop_start])
        position = max(position, drop_end)
    pieces.append(text[position:end])
    tidied = " ".join("".join(pieces).split())
    tidied = _EMPTY_BRACKETS.sub("", tidied)
    tidied = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", tidied)
    return " ".join(tidied.split())
