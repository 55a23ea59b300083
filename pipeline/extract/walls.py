"""Whether a fetched page is the paper it was cited for, or something standing in its way.

Publishers answer automated readers with pages that are not the paper: a bot check ("Just a
moment...", "verify you are human"), a cookie wall, a login or paywall stub, or a landing page
that names the paper and gives no abstract. Their words must never support or contradict a
claim. `read_page(snapshot, settings)` says which, in this order:

    1. challenge     a bot-check or challenge page: its title or text says so, or its markup
                     carries a known challenge script (lexicons/page_walls.toml [challenge])
    2. not_found     a "200 OK" page that says it was not found (the soft-404 lexicon)
    3. cookie_wall   two or more consent phrases, and nothing else to read
    4. login         a password field or a sign-in phrase, and nothing else to read
    5. paywall       a subscription or purchase phrase, and nothing else to read
    6. landing       a scholarly page (citation metadata, a DOI) with less prose than an
                     abstract (`extract.min_abstract_chars`); its metadata may carry the abstract
    7. paper         anything else: read as usual

"Nothing else to read" means the page's prose, outside menus, banners and buttons and leaving
out the sentences that carry the phrases above, is at most `extract.wall_max_chars` long: a
real article that mentions cookies or subscriptions goes on for longer. The reading also
returns what the page says about the paper (its identifiers, and its abstract when the
metadata carries one: citation_abstract, dc.description, dcterms.abstract, or a scholarly
work's JSON-LD abstract), which is the first step of the resolution chain.

Only HTML is judged (a PDF or plain text is what it is). Pure: bytes in, a reading out; lxml
parses the page (a bot check must be recognised without the cost of the full extraction).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from lxml import etree

from ..config import Settings
from ..language.abstracts import abstract_paragraphs
from ..records import Identifiers, Snapshot
from .decoding import decode_body
from .designs import soft_404_signal
from .identifiers import doi_in_address
from .jsonld import jsonld_nodes, main_work, node_types, schema_text
from .kinds import normalize_cue_text, phrase_pattern

__all__ = ["NOT_THE_PAPER", "PageReading", "read_page"]

# The states of a page that is not the paper (what the report calls them).
NOT_THE_PAPER = {
    "challenge": "a bot check (a challenge page instead of the paper)",
    "not_found": "a page that says it was not found",
    "cookie_wall": "a cookie wall with nothing else to read",
    "login": "a login page with nothing else to read",
    "paywall": "a paywall stub with nothing else to read",
    "landing": "a landing page that names the paper but does not give its text",
}
# Subtrees that are never prose: code, media, and the page chrome landmarks.
_NOT_PROSE = frozenset(
    "script style noscript template svg math nav header footer aside button select option "
    "iframe object embed canvas head title".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_SPACES = re.compile(r"\s+")
_SCHOLARLY_TYPES = frozenset({"ScholarlyArticle", "MedicalScholarlyArticle"})
_SCHOLARLY_META = ("citation_title", "citation_doi", "citation_journal_title", "citation_pmid", "prism.doi", "dc.identifier")
_ABSTRACT_META = ("citation_abstract", "dcterms.abstract", "dc.description", "dcterms.description")
_MAX_META = 3000


@dataclass(frozen=True, slots=True)
class PageReading:
    """What a page is (`state`: "paper" or one of NOT_THE_PAPER), the sign that decided it
    (`sign`, for the report), and what it says about the paper: `identifiers` from its
    metadata, `abstract` paragraphs from its metadata, `title`."""

    state: str = "paper"
    sign: str = ""
    identifiers: Identifiers = field(default_factory=Identifiers)
    abstract: tuple[str, ...] = ()
    title: str = ""
    scholarly: bool = False

    @property
    def is_paper(self) -> bool:
        return self.state == "paper"

    @property
    def why(self) -> str:
        """The state and its sign in words: 'a bot check (...): its title reads "Just a moment"'."""
        if self.is_paper:
            return ""
        described = NOT_THE_PAPER[self.state]
        return f"the page is {described}: {self.sign}" if self.sign else f"the page is {described}"


def read_page(snapshot: Snapshot, settings: Settings, *, html_text: str | None = None) -> PageReading:
    """What `snapshot` is (see the module docstring). `html_text` is the page already decoded,
    when the caller has it; otherwise the body is decoded here (as extract decodes it)."""
    if html_text is None:
        if not _looks_html(snapshot):
            return PageReading()
        html_text, _ = decode_body(snapshot.body[: settings.extract.max_input_bytes], snapshot.content_type)
    document = _parse(html_text)
    if document is None:
        return PageReading()
    lexicon = settings.lexicon("page_walls")
    metas = _metas(document)
    title = _SPACES.sub(" ", " ".join(document.xpath("//title//text()"))).strip()[:300]
    scholarly, identifiers = _scholarly_signals(document, metas)
    abstract = _page_abstract(document, metas, scholarly, settings.extract.min_abstract_chars)
    sentences = _prose_sentences(document)
    reading = PageReading(identifiers=identifiers, abstract=abstract, title=title, scholarly=scholarly)
    state, sign = _judge(html_text, title, sentences, document, lexicon, settings, has_abstract=bool(abstract),
                         scholarly=scholarly)
    return PageReading(state, sign, reading.identifiers, reading.abstract, reading.title, reading.scholarly)


# ── judging ──────────────────────────────────────────────────────────────────────────────


def _judge(
    raw: str,
    title: str,
    sentences: list[str],
    document: Any,
    lexicon: Mapping[str, Any],
    settings: Settings,
    *,
    has_abstract: bool,
    scholarly: bool,
) -> tuple[str, str]:
    options = settings.extract
    phrases = {name: tuple(lexicon.get(name, {}).get("text", ())) for name in ("challenge", "cookie_wall", "login", "paywall")}
    wall_phrases = phrase_pattern(tuple(p for group in phrases.values() for p in group))
    prose = [sentence for sentence in sentences if not wall_phrases.search(normalize_cue_text(sentence))]
    little_prose = sum(len(sentence) for sentence in prose) <= options.wall_max_chars
    if not little_prose:
        return "paper", ""
    text = normalize_cue_text(" ".join(sentences))
    challenge = lexicon.get("challenge", {})
    found = phrase_pattern(tuple(challenge.get("title", ()))).search(normalize_cue_text(title))
    if found:
        return "challenge", f'its title reads "{title[:80]}"'
    found = phrase_pattern(phrases["challenge"]).search(text)
    if found:
        return "challenge", f'it says "{found.group(0)}"'
    lowered = raw[:200_000].lower()
    marker = next((marker for marker in challenge.get("markup", ()) if marker.lower() in lowered), "")
    if marker:
        return "challenge", f"it runs a bot-check script ({marker})"
    heading = next(iter(document.xpath("//h1//text()")), "")
    not_found = soft_404_signal(title or str(heading), " ".join(prose), settings.lexicon("soft_404"),
                                max_text_chars=options.soft_404_max_chars)
    if not_found:
        return "not_found", not_found
    consent = {match.group(0) for match in phrase_pattern(phrases["cookie_wall"]).finditer(text)}
    if len(consent) >= 2:
        shown = ", ".join(f'"{phrase}"' for phrase in sorted(consent)[:2])
        return "cookie_wall", f"it asks for cookie consent ({shown})"
    if document.xpath("//input[translate(@type, 'PASWORD', 'pasword')='password']"):
        return "login", "it asks for a password"
    found = phrase_pattern(phrases["login"]).search(text)
    if found:
        return "login", f'it says "{found.group(0)}"'
    found = phrase_pattern(phrases["paywall"]).search(text)
    if found:
        return "paywall", f'it says "{found.group(0)}"'
    if scholarly and sum(len(sentence) for sentence in prose) < options.min_abstract_chars:
        if has_abstract:
            return "landing", "it carries the paper's citation metadata and, in it, the abstract, but no text"
        return "landing", "it carries the paper's citation metadata but no abstract or text"
    return "paper", ""


# ── reading the page ─────────────────────────────────────────────────────────────────────


def _looks_html(snapshot: Snapshot) -> bool:
    declared = snapshot.content_type.split(";", 1)[0].strip().lower()
    head = snapshot.body[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return False
    return declared in ("text/html", "application/xhtml+xml", "") or b"<html" in head or b"<!doctype html" in head


def _parse(text: str) -> Any:
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8", no_network=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _metas(document: Any) -> dict[str, list[str]]:
    metas: dict[str, list[str]] = {}
    for element in document.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        content = element.get("content")
        if name and content and len(metas.get(name, [])) < 50:
            metas.setdefault(name, []).append(content[:_MAX_META * 4])
    return metas


def _scholarly_signals(document: Any, metas: Mapping[str, list[str]]) -> tuple[bool, Identifiers]:
    nodes, _ = jsonld_nodes([str(text) for text in document.xpath("//script[contains(@type, 'ld+json')]/text()")][:50])
    scholarly_ld = any(node_types(node) & _SCHOLARLY_TYPES for node in nodes)
    doi = next((doi_in_address("https://doi.org/" + value.removeprefix("doi:").strip())
                for name in ("citation_doi", "prism.doi", "dc.identifier", "dcterms.identifier")
                for value in metas.get(name, []) if "10." in value), "")
    pmid = next((value.strip() for value in metas.get("citation_pmid", []) if value.strip().isdigit()), "")
    scholarly = scholarly_ld or any(name in metas for name in _SCHOLARLY_META if name != "dc.identifier") or bool(doi)
    return scholarly, Identifiers(doi=doi, pmid=pmid)


def _page_abstract(document: Any, metas: Mapping[str, list[str]], scholarly: bool, min_chars: int) -> tuple[str, ...]:
    """The abstract the page's metadata carries (only a scholarly page's: a health site's
    dc.description is a summary, not an abstract)."""
    if not scholarly:
        return ()
    candidates = [value for name in _ABSTRACT_META for value in metas.get(name, [])]
    nodes, _ = jsonld_nodes([str(text) for text in document.xpath("//script[contains(@type, 'ld+json')]/text()")][:50])
    work = main_work(nodes)
    if work is not None and node_types(work) & _SCHOLARLY_TYPES:
        candidates += [schema_text(work.get("abstract")), schema_text(work.get("description"))]
    for candidate in candidates:
        paragraphs = abstract_paragraphs(candidate[:_MAX_META * 4])
        if sum(len(paragraph) for paragraph in paragraphs) >= min_chars:
            return paragraphs
    return ()


def _prose_sentences(document: Any) -> list[str]:
    """The visible sentences of the body outside chrome landmarks (menus, headers, footers,
    asides, buttons), as the reader sees them."""
    body = document.find("body")
    root = body if body is not None else document
    chunks: list[str] = []
    for text in _visible_text(root):
        chunks.append(text)
    joined = _SPACES.sub(" ", " ".join(chunks)).replace("\x1f", "\n")
    return [part.strip() for part in _SENTENCE_END.split(joined) if len(part.strip()) > 1]


def _visible_text(root: Any) -> Iterable[str]:
    """Text nodes of `root` outside the non-prose subtrees, block ends marked."""
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            if element.tail:
                yield element.tail
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _NOT_PROSE or not tag or element.get("hidden") is not None:
            if element.tail:
                yield element.tail
            continue
        if tag.lower() in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "td", "section", "article"):
            yield "\x1f"
        if element.text:
            yield element.text
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
