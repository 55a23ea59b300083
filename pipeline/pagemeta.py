"""What an HTML page says about itself: title, publisher, date, authors, journal, DOI,
schema.org types, prices on offer, and its visible text (for the cue lists of sources.py).

Read with BeautifulSoup from <meta> tags (Open Graph, Highwire `citation_*`, Dublin Core,
PRISM), JSON-LD (objects, lists and @graph, @id references resolved; malformed blocks read
leniently or skipped and counted) and microdata. Source pages are hostile input: every
value is clipped, every walk is bounded.

Longer than most modules (~500 lines): it is one reader of one input, the page's account of
itself; split, its parts would hand half-read JSON-LD and <meta> tables to each other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from tld import get_fld

__all__ = ["PageMetadata", "host_of", "normalize_date", "read_page_metadata", "registrable_domain"]

# A DOI as written in text or links: "10." prefix, registrant code, "/", suffix.
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
_DOI_TEXT = re.compile(
    r"\bdoi\s*:?\s*(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")
# A \uD800-\uDFFF escape that is not half of a pair: json.loads would hand back a lone
# surrogate, which no UTF-8 writer (report, database) can encode.
_LONE_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
# schema.org vocabulary used to find the page's own "main" work and its organisation; this is
# the markup standard's structure, like HTML tag names, not a tunable word list.
_WORK_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle BlogPosting ScholarlyArticle MedicalScholarlyArticle "
    "MedicalWebPage WebPage Report TechArticle AnalysisNewsArticle OpinionNewsArticle "
    "HealthTopicContent SocialMediaPosting Guide Chapter Book".split()
)
_ORG_TYPES = frozenset(
    "Organization NGO Corporation GovernmentOrganization MedicalOrganization MedicalClinic "
    "Hospital NewsMediaOrganization EducationalOrganization ResearchOrganization "
    "LocalBusiness OnlineStore Store Physician ProfessionalService".split()
)
_JOURNAL_TYPES = frozenset({"Periodical", "PublicationVolume", "PublicationIssue"})
_MAX_JSONLD_CHARS = 500_000
_MAX_JSONLD_NODES = 2_000
_MAX_AUTHORS = 30


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about itself, plus its visible text for cue matching.

    `schema_types` are schema.org types from JSON-LD and microdata (prefixes stripped);
    `scholarly_fields` the scholarly <meta> names present; `offer_prices` prices from
    Offer markup; `personal_blog` is true for a BlogPosting by a person with no organisation
    behind it. `page_text` is all visible text, menus and buttons included (capped).
    """

    title: str = ""
    publisher: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    journal: str = ""
    doi: str = ""
    description: str = ""
    keywords: str = ""
    scholarly_fields: tuple[str, ...] = ()
    schema_types: tuple[str, ...] = ()
    organization_names: tuple[str, ...] = ()
    offer_prices: tuple[str, ...] = ()
    personal_blog: bool = False
    generator: str = ""
    page_text: str = ""
    notes: tuple[str, ...] = ()


# ── addresses ─────────────────────────────────────────────────────────────────────────────


def host_of(url: str) -> str:
    """The lower-case host name of `url` ("" when it has none), without a trailing dot."""
    try:
        return (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def registrable_domain(url: str) -> str:
    """The registrable domain of `url` ("bbc.co.uk" for news.bbc.co.uk), by the public
    suffix list; the bare host (without "www.") where there is none (IP, localhost)."""
    host = host_of(url)
    if not host:
        return ""
    found = get_fld(host, fix_protocol=True, fail_silently=True)
    return str(found) if found else host.removeprefix("www.")


# ── metadata ──────────────────────────────────────────────────────────────────────────────


def read_page_metadata(
    soup: BeautifulSoup, url: str, *, scholarly_meta: Sequence[str] = (), max_text_chars: int = 300_000
) -> PageMetadata:
    """Title, publisher, date, authors, journal, DOI and schema.org facts of an HTML page.

    Malformed JSON-LD is skipped (and noted), never fatal. A DOI found only in links or text
    is taken as the page's own only when the page also carries scholarly metadata: a health
    magazine linking to a study's DOI is not that study.
    """
    tags = _index(soup)
    meta = _meta_values(tags.metas)
    nodes, broken = _jsonld_nodes(tags.ld_scripts)
    schema_types = _schema_types(nodes, tags.itemtypes)
    main = _main_work(nodes)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    publisher_node = _resolve(main.get("publisher") if main else None, by_id)
    organizations = [_text(node.get("name")) for node in nodes if _types(node) & _ORG_TYPES]
    if isinstance(publisher_node, dict):
        organizations.insert(0, _text(publisher_node.get("name")))
    site_name = _first(meta, "og:site_name", "dc.publisher", "dcterms.publisher", "citation_publisher")
    publisher = site_name or next((name for name in organizations if name), "") or registrable_domain(url)
    title = _first(meta, "citation_title", "dc.title", "og:title", "twitter:title") or _text(
        main.get("headline") if main else ""
    )
    if not title:
        title = _page_title(tags.title, publisher) or tags.h1
    scholarly = tuple(name for name in scholarly_meta if meta.get(name))
    # Submit buttons carry their label in an attribute ("Add to basket").
    page_text = _SPACES.sub(" ", " ".join([soup.get_text(" ")[:max_text_chars], *tags.buttons]))[
        :max_text_chars
    ]
    doi = _first_doi(meta, nodes)
    if not doi and (scholarly or schema_types & {"ScholarlyArticle", "MedicalScholarlyArticle"}):
        doi = _linked_doi(tags.doi_links, page_text)
    return PageMetadata(
        title=_clip(title, 500),
        publisher=_clip(publisher, 300),
        published=normalize_date(_published(meta, main, nodes, tags.time)),
        authors=_authors(meta, main, by_id),
        journal=_clip(
            _first(meta, "citation_journal_title", "prism.publicationname", "citation_conference_title")
            or _journal(main, by_id),
            300,
        ),
        doi=doi,
        description=_clip(
            _first(meta, "description", "og:description", "dc.description", "citation_abstract"), 3000
        ),
        keywords=_clip(" ; ".join(meta.get("citation_keywords", []) + meta.get("keywords", [])), 2000),
        scholarly_fields=scholarly,
        schema_types=tuple(sorted(schema_types)),
        organization_names=tuple(dict.fromkeys(name for name in organizations if name))[:10],
        offer_prices=_offer_prices(nodes, tags.prices),
        personal_blog=_is_personal_blog(nodes, by_id),
        generator=_first(meta, "generator"),
        page_text=page_text,
        notes=(f"{broken} malformed JSON-LD block(s) ignored",) if broken else (),
    )


def _clip(text: str, limit: int) -> str:
    return _SPACES.sub(" ", text).strip()[:limit]


def _text(value: Any) -> str:
    """A schema.org value as plain text: strings as is, {"name": ...} or {"@value": ...} by
    their text, lists by their first usable item."""
    if isinstance(value, str):
        return _clip(value, 500)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list):
        return next((text for text in map(_text, value[:20]) if text), "")
    return ""


@dataclass(slots=True)
class _Tags:
    """The few kinds of tag metadata comes from, gathered in one pass over the page (a
    find_all per kind costs a full walk of a 40,000-node tree each)."""

    metas: list[Tag] = field(default_factory=list)
    ld_scripts: list[str] = field(default_factory=list)
    itemtypes: list[str] = field(default_factory=list)
    prices: list[str] = field(default_factory=list)
    doi_links: list[str] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    time: str = ""
    title: str = ""
    h1: str = ""


def _index(soup: BeautifulSoup) -> _Tags:
    tags = _Tags()
    for node in soup.descendants:
        if not isinstance(node, Tag):
            continue
        name, attrs = node.name, node.attrs
        if name == "meta":
            if len(tags.metas) < 3000:
                tags.metas.append(node)
        elif name == "script":
            if "ld+json" in str(attrs.get("type", "")).lower() and len(tags.ld_scripts) < 50:
                tags.ld_scripts.append(node.string or node.get_text() or "")
        elif name == "a":
            href = str(attrs.get("href", ""))
            if "doi.org/10." in href.lower() and len(tags.doi_links) < 5:
                tags.doi_links.append(href)
        elif name == "input":
            if str(attrs.get("type", "")).lower() in ("submit", "button") and len(tags.buttons) < 200:
                tags.buttons.append(str(attrs.get("value", "")))
        elif name == "time" and not tags.time and attrs.get("datetime"):
            tags.time = str(attrs["datetime"])
        elif name == "title" and not tags.title:
            tags.title = _clip(node.get_text(" "), 500)
        elif name == "h1" and not tags.h1:
            tags.h1 = _clip(node.get_text(" "), 500)
        if "itemtype" in attrs and len(tags.itemtypes) < 500:
            tags.itemtypes.extend(str(attrs["itemtype"]).split())
        if attrs.get("itemprop") == "price" and len(tags.prices) < 50:
            price = attrs.get("content") or node.get_text(" ")
            if isinstance(price, str) and price.strip():
                tags.prices.append(_clip(price, 40))
    return tags


def _meta_values(metas: list[Tag]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag in metas:
        key = tag.get("name") or tag.get("property") or tag.get("itemprop") or ""
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            values.setdefault(key.strip().lower(), []).append(_clip(content, 3000))
    return values


def _first(meta: Mapping[str, list[str]], *names: str) -> str:
    for name in names:
        for value in meta.get(name, ()):
            if value:
                return value
    return ""


def _page_title(title: str, publisher: str) -> str:
    """<title> without a trailing " | Site" or " - Site" naming the publisher."""
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        head, found, tail = title.rpartition(separator)
        if (
            found
            and head
            and publisher
            and tail.strip().lower() in (publisher.lower(), publisher.lower().split(".")[0])
        ):
            return head.strip()
    return title


def _jsonld_nodes(scripts: list[str]) -> tuple[list[dict[str, Any]], int]:
    """Every JSON object in the page's JSON-LD blocks (@graph, lists and nested objects
    flattened), and how many blocks could not be read."""
    nodes: list[dict[str, Any]] = []
    broken = 0
    for raw in scripts:
        data = _lenient_json(raw[:_MAX_JSONLD_CHARS])
        if data is None:
            broken += 1
            continue
        for node in _walk_json(data):
            nodes.append(node)
            if len(nodes) >= _MAX_JSONLD_NODES:
                return nodes, broken
    return nodes, broken


def _lenient_json(raw: str) -> Any:
    """Parse JSON as sites write it: with HTML comments, CDATA wrappers, trailing commas or
    raw newlines in strings. None when it still cannot be read."""
    text = _LONE_SURROGATE_ESCAPE.sub(r"\\ufffd", raw.strip())
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # deeply nested JSON is hostile, not data
        pass
    cleaned = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$", "", text)
    cleaned = re.sub(r",\s*([}\]])", r"\1", cleaned)
    try:
        return json.loads(cleaned, strict=False)
    except (ValueError, RecursionError):
        return None


def _walk_json(data: Any) -> Iterator[dict[str, Any]]:
    """Depth-first over every dict in `data`, iteratively (hostile input can nest deeply)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > 12:
            continue
        if isinstance(item, dict):
            yield item
            stack.extend(
                (value, depth + 1)
                for value in reversed(list(item.values()))
                if isinstance(value, (dict, list))
            )
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in reversed(item[:500]))


def _types(node: Mapping[str, Any]) -> set[str]:
    raw = node.get("@type", ())
    names = (
        [raw]
        if isinstance(raw, str)
        else [item for item in raw if isinstance(item, str)]
        if isinstance(raw, list)
        else []
    )
    return {name.rsplit("/", 1)[-1].removeprefix("schema:") for name in names}


def _schema_types(nodes: Sequence[Mapping[str, Any]], itemtypes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        found |= _types(node)
    found.update(itemtype.rstrip("/").rsplit("/", 1)[-1] for itemtype in itemtypes)
    return {name for name in found if name}


def _main_work(nodes: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's own creative work: the first node of an article-like type, preferring the
    more specific types over a generic WebPage."""
    works = [node for node in nodes if _types(node) & _WORK_TYPES]
    specific = [node for node in works if _types(node) - {"WebPage"}]
    return (specific or works or [None])[0]


def _resolve(value: Any, by_id: Mapping[str, dict[str, Any]]) -> Any:
    """A {"@id": ...} reference replaced by the node it names."""
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value[:50]]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _published(
    meta: Mapping[str, list[str]],
    main: Mapping[str, Any] | None,
    nodes: Sequence[Mapping[str, Any]],
    time_tag: str,
) -> str:
    found = _first(
        meta,
        "article:published_time",
        "citation_publication_date",
        "citation_date",
        "citation_online_date",
        "dc.date",
        "dc.date.issued",
        "dcterms.issued",
        "dcterms.created",
        "datepublished",
        "date",
        "pubdate",
        "publish-date",
        "og:published_time",
    )
    if not found and main:
        found = _text(main.get("datePublished"))
    if not found:
        found = next((_text(node.get("datePublished")) for node in nodes if node.get("datePublished")), "")
    return found or time_tag


def normalize_date(raw: str) -> str:
    """A date as ISO "yyyy-mm-dd" (or "yyyy-mm", "yyyy" when that is all it says); the raw
    text, trimmed, when it cannot be read but names a year; "" otherwise."""
    text = _clip(raw, 80)
    if not text:
        return ""
    iso = re.match(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", text)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3] or 1)
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}" if iso[3] else f"{year:04d}-{month:02d}"
        # An impossible day ("2021-02-30") keeps what can be trusted, never a wrong date.
        if _valid(year, month, 1):
            return f"{year:04d}-{month:02d}"
        if _valid(year, 1, 1):
            return f"{year:04d}"
    if re.fullmatch(r"\d{8}", text) and _valid(int(text[:4]), int(text[4:6]), int(text[6:])):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{4}", text) and _valid(int(text), 1, 1):
        return text
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " "))
    cleaned = _SPACES.sub(" ", cleaned).strip()
    for pattern in (
        "%Y %b %d",
        "%Y %B %d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d %Y",
        "%b %d %Y",
        "%b. %d %Y",
        "%Y %b",
        "%Y %B",
        "%B %Y",
        "%b %Y",
    ):
        try:
            parsed = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d" if "%d" in pattern else "%Y-%m")
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return text[:40] if re.search(r"\b(1[89]|20)\d\d\b", text) else ""


def _valid(year: int, month: int, day: int) -> bool:
    if not 1800 <= year <= 2100:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _authors(
    meta: Mapping[str, list[str]], main: Mapping[str, Any] | None, by_id: Mapping[str, dict[str, Any]]
) -> tuple[str, ...]:
    names = list(meta.get("citation_author", [])) + list(meta.get("dc.creator", []))
    if main and not names:
        for author in _listed(_resolve(main.get("author"), by_id)):
            names.append(_text(author))
    if not names:
        names = meta.get("author", []) + [
            value for value in meta.get("article:author", []) if "://" not in value
        ]
    unique: dict[str, str] = {}
    for name in names:
        name = _clip(name, 200)
        if name and "://" not in name:
            unique.setdefault(name.lower(), name)
    return tuple(unique.values())[:_MAX_AUTHORS]


def _listed(value: Any) -> list[Any]:
    return value[:_MAX_AUTHORS] if isinstance(value, list) else [value] if value else []


def _journal(main: Mapping[str, Any] | None, by_id: Mapping[str, dict[str, Any]]) -> str:
    """The periodical a scholarly work is part of (an issue's or volume's periodical too)."""
    part = _resolve(main.get("isPartOf") if main else None, by_id)
    for _ in range(3):
        part = part[0] if isinstance(part, list) and part else part
        if not isinstance(part, dict) or not _types(part) & _JOURNAL_TYPES:
            return ""
        if "Periodical" in _types(part):
            return _text(part.get("name"))
        part = _resolve(part.get("isPartOf"), by_id)
    return ""


def _clean_doi(raw: str) -> str:
    doi = raw.strip().rstrip(".,;:]}>'\"")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi[:200]


def _first_doi(meta: Mapping[str, list[str]], nodes: Sequence[Mapping[str, Any]]) -> str:
    """A DOI the page declares as its own: citation/PRISM/Dublin Core metadata, JSON-LD."""
    for name in (
        "citation_doi",
        "prism.doi",
        "bepress_citation_doi",
        "dc.identifier",
        "dcterms.identifier",
        "citation_identifier",
    ):
        for value in meta.get(name, ()):
            found = _DOI.search(value)
            if found:
                return _clean_doi(found[1])
    for node in nodes:
        if _types(node) & {"ScholarlyArticle", "MedicalScholarlyArticle", "Article"}:
            for key in ("identifier", "sameAs", "doi", "@id", "url"):
                found = _DOI.search(json.dumps(node.get(key, ""))) if node.get(key) else None
                if found:
                    return _clean_doi(found[1].rstrip("\\"))
    return ""


def _linked_doi(links: Sequence[str], page_text: str) -> str:
    for href in links:
        found = _DOI.search(href)
        if found:
            return _clean_doi(found[1])
    found = _DOI_TEXT.search(page_text[:200_000])
    return _clean_doi(found[1]) if found else ""


def _offer_prices(nodes: Sequence[Mapping[str, Any]], microdata_prices: Sequence[str]) -> tuple[str, ...]:
    prices: list[str] = []
    for node in nodes:
        if _types(node) & {"Offer", "AggregateOffer"}:
            price = node.get("price", node.get("lowPrice"))
            if isinstance(price, (int, float, str)) and str(price).strip():
                prices.append(f"{node.get('priceCurrency', '')} {price}".strip())
    prices.extend(microdata_prices)
    return tuple(dict.fromkeys(prices))[:20]


def _is_personal_blog(nodes: Sequence[Mapping[str, Any]], by_id: Mapping[str, dict[str, Any]]) -> bool:
    """A BlogPosting written by people, published by no organisation."""
    for node in nodes:
        if "BlogPosting" not in _types(node):
            continue
        authors = _listed(_resolve(node.get("author"), by_id))
        publisher = _resolve(node.get("publisher"), by_id)
        by_people = bool(authors) and all(
            not isinstance(a, dict) or "Person" in _types(a) or not _types(a) for a in authors
        )
        org_behind = isinstance(publisher, dict) and bool(_types(publisher) & _ORG_TYPES)
        if by_people and not org_behind:
            return True
    return False
