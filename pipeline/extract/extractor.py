"""Extract stage: a fetched snapshot becomes a Source — what it is, who published it, and
what it says, cut into passages with exact offsets.

`extract_source(snapshot, settings)` runs this cascade, in order:

1. Media type: PDF (declared, or by its "%PDF-" magic), plain text, HTML/XML. Anything else
   is a Source with status "unsupported_type", as is a PDF that cannot be opened.
2. Bytes to text: the body is cut at `max_input_bytes` (noted), then decoded by its BOM, the
   HTTP charset, the page's <meta charset>, UTF-8, and cp1252 as a last resort that never
   fails. Control characters are dropped.
3. Metadata and page signals (pagemeta.read_page_metadata) from the whole page: title,
   publisher, date, authors, journal, DOI, schema.org types, and the visible text that the
   kind cues are matched on (menus and buttons included).
4. Main text as blocks (headings and paragraphs): for HTML, trafilatura in precision mode,
   else a BeautifulSoup reading that drops page chrome (noted in Source.notes) — see
   pipeline.extract.main_text; PDFs and plain text via pipeline.extract.pdf_text.
5. Kind (kinds.classify_source) and study designs (designs.detect_study_designs, read in
   the title, metadata, the lead and the method sections).
3a. Not the paper (walls.read_page): a bot check, a cookie wall, a login or paywall stub, or a
   landing page without an abstract is a Source with status "http_error" (its HTTP status
   kept), the reason saying what the page is, and no passages: its words are never evidence.
   (The runner looks the paper up elsewhere first: pipeline.extract.resolving.) A JATS full
   text (pipeline.extract.jats) is read as the paper it is.
5a. Soft 404 (designs.soft_404_signal): a page served "200 OK" whose title or short main text
   says it was not found is a Source with status "http_error" (its HTTP status kept) and no
   passages, so no claim is matched against an error page.
6. Source.text (blocks joined by blank lines, cut at `max_text_chars`) and passages: every
   sentence (text.sentence_spans) of at least `min_passage_chars`, with exact offsets into
   Source.text, a context of `window` neighbouring sentences in the same section, and the
   nearest heading; at most `max_passages` (noted when cut).

Source pages are hostile input: nothing here raises on bad bytes, broken markup or broken
metadata; whatever had to be skipped or cut is said in Source.notes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache

from ..config import Settings, load_settings
from ..language.domains import registrable_domain
from ..language.text import sentence_spans
from ..records import FetchFailure, Identifiers, Passage, Snapshot, Source
from .decoding import decode_body
from .designs import detect_study_designs, method_section_text, soft_404_signal
from .identifiers import identify_source
from .jats import looks_like_jats, read_jats
from .kinds import classify_source, kind_from_domain
from .main_text import main_text_blocks, parse_html
from .pagemeta import PageMetadata, read_page_metadata
from .pdf_text import TextBlock, blocks_from_pdf, blocks_from_plain_text
from .walls import PageReading, read_page

__all__ = ["assemble_passages", "decode_body", "extract_source", "not_the_paper", "unavailable_source"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml")
_TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")


def extract_source(snapshot: Snapshot, settings: Settings, *, listed: str = "") -> Source:
    """A fetched snapshot read into a Source: kind, metadata and passages (see the module
    docstring for the cascade). `listed` is the article's reference entry for it (what may
    carry the paper's DOI or PubMed id). Never raises on what the page contains."""
    options = settings.extract
    body = snapshot.body
    notes: list[str] = []
    if len(body) > options.max_input_bytes:
        notes.append(f"page cut: read the first {options.max_input_bytes:,} of {len(body):,} bytes")
        body = body[: options.max_input_bytes]
    content_type = snapshot.content_type or _header(snapshot.headers, "content-type")
    media = _media_kind(content_type, body)
    base = Source(
        id=snapshot.reference_id,
        url=snapshot.url,
        status="ok",
        final_url=snapshot.final_url,
        http_status=snapshot.http_status,
        content_sha256=snapshot.content_sha256,
        fetched_at=snapshot.fetched_at,
        archived_as=snapshot.archived_as,
    )
    address = snapshot.final_url or snapshot.url
    if media == "pdf":
        pdf = blocks_from_pdf(body, max_pages=options.max_pdf_pages)
        if pdf.error:
            return _unreadable(base, address, settings, f"{pdf.error}", notes)
        notes += pdf.notes
        blocks = list(pdf.blocks)
        lead = "\n".join(block.text for block in blocks[:40])[:5000]
        doi = _first_doi_in(lead)
        page = PageMetadata(
            title=pdf.title or next((block.text for block in blocks if block.heading), "")[:300],
            publisher=registrable_domain(address),
            published=pdf.created,
            authors=pdf.authors,
            doi=doi,
            page_text="\n".join(block.text for block in blocks)[: options.max_signal_chars],
        )
    elif media == "html" and looks_like_jats(body) and (jats := read_jats(body)) is not None:
        blocks, page = jats
        blocks = list(blocks)
    elif media in ("html", "text"):
        text, _ = decode_body(body, content_type, sniff_meta=media == "html")
        text = _CONTROL.sub("", text)
        if media == "html":
            reading = read_page(snapshot, settings, html_text=text)
            # A page that says it was not found keeps its own rule (step 5a, on the main text).
            if not reading.is_paper and reading.state != "not_found":
                return not_the_paper(base, address, reading, settings, listed=listed)
        if media == "text":
            blocks = blocks_from_plain_text(text)
            page = PageMetadata(
                title=next((block.text for block in blocks if block.heading), "")[:300],
                publisher=registrable_domain(address),
                page_text=text[: options.max_signal_chars],
            )
        else:
            blocks, page, html_notes = _read_html(text, address, settings)
            notes += html_notes
    else:
        return _unreadable(
            base,
            address,
            settings,
            f"cannot read this content: declared {content_type or 'no type'}, and it is not HTML, text or PDF",
            notes,
        )

    kind, reasons = classify_source(
        address, page, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals")
    )
    full_text, passages, assembly_notes = assemble_passages(blocks, snapshot.reference_id, settings)
    if media != "pdf":
        first_heading = next((block.text for block in blocks if block.heading), "")
        signal = soft_404_signal(
            page.title or first_heading,
            full_text,
            settings.lexicon("soft_404"),
            max_text_chars=options.soft_404_max_chars,
        )
        if signal:
            return replace(
                base,
                status="http_error",
                reason=f"the page says it was not found (soft 404): {signal}",
                kind=kind,
                kind_reasons=reasons,
                title=page.title,
                publisher=page.publisher,
                notes=tuple(notes),
                names=page.names,
            )
    design_lexicon = settings.lexicon("study_designs")
    design_text = "\n".join(
        (
            page.title,
            page.keywords,
            page.description,
            full_text[: options.design_lead_chars],
            method_section_text([(block.text, block.heading) for block in blocks], design_lexicon),
        )
    )
    return replace(
        base,
        kind=kind,
        kind_reasons=reasons,
        title=page.title,
        publisher=page.publisher,
        published=page.published,
        authors=page.authors,
        journal=page.journal,
        doi=page.doi,
        study_designs=detect_study_designs(design_text, design_lexicon),
        text=full_text,
        passages=passages,
        notes=tuple(notes + list(page.notes) + assembly_notes),
        names=page.names,
        identifiers=identify_source(snapshot.url, listed, Identifiers(doi=page.doi)),
    )


def not_the_paper(base: Source, address: str, reading: PageReading, settings: Settings, *, listed: str = "") -> Source:
    """The Source of a page that is not the paper (a bot check, a wall, a bare landing page):
    status "http_error" with its HTTP status kept, the reason saying what the page is, the
    kind its address alone tells, and no text: nothing on it is evidence."""
    kind, reasons = kind_from_domain(
        address, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals"), listed=listed
    )
    return replace(
        base,
        status="http_error",
        reason=reading.why,
        kind=kind,
        kind_reasons=(*reasons, "kind from the address only: the page is not the paper"),
        title=reading.title,
        publisher=registrable_domain(address),
        identifiers=identify_source(base.url, listed, reading.identifiers),
    )


def unavailable_source(failure: FetchFailure, settings: Settings | None = None, *, listed: str = "") -> Source:
    """A source that could not be fetched, as a Source: the failure's status, reason, HTTP
    status, final URL, time and archive record carried over, no text, and the kind its
    address alone tells (a dead shop link is still known as commercial) or, when the
    address names no site, the publisher named in `listed`, the article's reference entry.

    `settings` gives the domain table; without it the package defaults are used.
    """
    settings = settings or _package_settings()
    address = failure.final_url or failure.url
    kind, reasons = kind_from_domain(
        address, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals"), listed=listed
    )
    return Source(
        id=failure.reference_id,
        url=failure.url,
        status=failure.status,
        final_url=failure.final_url or "",
        http_status=failure.http_status,
        reason=failure.reason,
        kind=kind,
        kind_reasons=(*reasons, "kind from the address only: the page was not read"),
        publisher=registrable_domain(address),
        fetched_at=failure.fetched_at,
        archived_as=failure.archived_as,
        identifiers=identify_source(failure.url, listed),
    )


@lru_cache(maxsize=1)
def _package_settings() -> Settings:
    return load_settings()


def _unreadable(base: Source, address: str, settings: Settings, reason: str, notes: list[str]) -> Source:
    kind, reasons = kind_from_domain(
        address, domain_kinds=settings.source_kinds, lexicon=settings.lexicon("source_signals")
    )
    return replace(
        base,
        status="unsupported_type",
        reason=reason,
        kind=kind,
        kind_reasons=(*reasons, "kind from the address only: the content could not be read"),
        publisher=registrable_domain(address),
        notes=tuple(notes),
    )


# ── bytes ─────────────────────────────────────────────────────────────────────────────────


def _header(headers: Sequence[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


def _media_kind(content_type: str, body: bytes) -> str:
    """ "pdf", "html", "text" or "unsupported": the declared type, corrected by the bytes
    where servers are known to mislabel (PDFs as octet-stream, HTML as text/plain)."""
    declared = content_type.split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF-") or declared == "application/pdf":
        return "pdf"
    if _looks_binary(body):
        return "unsupported"
    if declared in _HTML_TYPES or declared.endswith("+xml") or _HTML_SNIFF.match(body[:2048]):
        return "html"
    if (
        declared in _TEXT_TYPES
        or declared.startswith("text/")
        or declared in ("", "application/octet-stream", "binary/octet-stream")
    ):
        return "text"
    return "unsupported"


def _looks_binary(body: bytes) -> bool:
    """Bytes that are no text in any encoding we read: many control bytes, no UTF-16 BOM."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = body[:4096]
    controls = sum(byte < 32 and byte not in b"\t\r\n\f" for byte in sample)
    return controls > 0.1 * len(sample)


def _first_doi_in(text: str) -> str:
    found = re.search(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", text)
    return found.group(1).rstrip(".,;:)]") if found else ""


# ── HTML ──────────────────────────────────────────────────────────────────────────────────


def _read_html(
    html: str, address: str, settings: Settings
) -> tuple[list[TextBlock], PageMetadata, list[str]]:
    """Metadata from the whole page, then its main text: trafilatura, else the fallback."""
    html = _XML_DECLARATION.sub("", html, count=1)
    signals = settings.lexicon("source_signals")
    soup = parse_html(html)
    page = read_page_metadata(
        soup,
        address,
        scholarly_meta=tuple(signals.get("scholarly", {}).get("meta_names", ())),
        max_text_chars=settings.extract.max_signal_chars,
    )
    blocks, notes = main_text_blocks(
        html,
        soup,
        url=address,
        favor_precision=settings.extract.favor_precision,
        chrome=signals.get("page_chrome", {}),
    )
    return blocks, page, notes


# ── text and passages ─────────────────────────────────────────────────────────────────────


def assemble_passages(
    blocks: Sequence[TextBlock], source_id: str, settings: Settings
) -> tuple[str, tuple[Passage, ...], list[str]]:
    """Source.text from the blocks, and its passages (see step 6 of the module docstring);
    also the notes on what was cut."""
    options = settings.extract
    parts: list[str] = []
    spans: list[tuple[int, int, bool]] = []
    notes: list[str] = []
    offset = 0
    for block in blocks:
        gap = 2 if parts else 0
        room = options.max_text_chars - offset - gap
        text = block.text if len(block.text) <= room else block.text[: max(room, 0)].rsplit(" ", 1)[0]
        if text:
            offset += gap
            parts.append(text)
            spans.append((offset, offset + len(text), block.heading))
            offset += len(text)
        if text != block.text:
            notes.append(f"main text cut at {options.max_text_chars:,} characters")
            break
    full = "\n\n".join(parts)

    sentences: list[tuple[int, int, int, str]] = []  # start, end, section number, heading
    section, heading = 0, ""
    # Splitting stops once there is one passage too many (so the cut is known) and the
    # window after the last kept one: splitting the rest of a huge page would be wasted.
    eligible, after_cut = 0, options.window
    for start, end, is_heading in spans:
        if after_cut < 0:
            break
        if is_heading:
            section, heading = section + 1, full[start:end].replace("\n", " ")
            continue
        for sentence_start, sentence_end in sentence_spans(full[start:end]):
            for piece in _pieces(
                full, start + sentence_start, start + sentence_end, options.max_passage_chars
            ):
                sentences.append((*piece, section, heading))
                if eligible > options.max_passages:
                    after_cut -= 1
                eligible += piece[1] - piece[0] >= options.min_passage_chars

    passages: list[Passage] = []
    for index, (start, end, section, heading) in enumerate(sentences):
        if end - start < options.min_passage_chars:
            continue
        if len(passages) >= options.max_passages:
            notes.append(f"passages cut at {options.max_passages:,}")
            break
        low, high = index, index
        while low > 0 and index - low < options.window and sentences[low - 1][2] == section:
            low -= 1
        while (
            high + 1 < len(sentences) and high - index < options.window and sentences[high + 1][2] == section
        ):
            high += 1
        passages.append(
            Passage(
                id=f"{source_id}:p{len(passages) + 1}",
                source_id=source_id,
                text=full[start:end],
                start=start,
                end=end,
                context=" ".join(full[s:e] for s, e, _, _ in sentences[low : high + 1]),
                heading=heading,
            )
        )
    return full, tuple(passages), notes


def _pieces(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """(start, end) of `text[start:end]`, cut at spaces into pieces of at most `limit`
    characters: a "sentence" of thousands of characters (a table, a blob) is no passage."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        yield start, piece_end
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end
