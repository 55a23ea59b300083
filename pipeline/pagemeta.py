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

import ipaddress
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from tld import get_fld

__all__ = [
    "PageMetadata",
    "address_names_site",
    "host_of",
    "normalize_date",
    "read_page_metadata",
    "registrable_domain",
]

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
    # The page's account of who it is, for pages whose address says nothing (served from an
    # IP address) and for matching the outlets an article names: the names it gives its site
    # or publisher, most formal first (schema.org publisher, site-name meta, the <title> part
    # that is not the headline, the footer's copyright holder); the address it declares as its
    # own (canonical link, og:url); the holder of its last copyright notice; and the hosts its
    # stylesheets and scripts come from (a blog platform's, a CMS's).
    names: tuple[str, ...] = ()
    declared_url: str = ""
    copyright_holder: str = ""
    resource_hosts: tuple[str, ...] = ()


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


def address_names_site(url: str) -> bool:
    """Whether `url`'s host can say whose site it is: False for an IP address, "localhost"
    and a single-label host (a page served from a test or intranet server), whose host names
    no publisher; True for any dotted name."""
    host = host_of(url)
    if not host or host == "localhost" or host.endswith(".localhost") or "." not in host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


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
    headline = _first(meta, "citation_title", "dc.title", "og:title", "twitter:title") or _text(
        main.get("headline") if main else ""
    )
    holder = _copyright_holder([*tags.copyright, *meta.get("copyright", [])[:1]])
    names = _self_names(meta, main, nodes, by_id, _title_names(tags.title, headline or tags.h1), holder)
    publisher = site_name or next((name for name in organizations if name), "") or registrable_domain(url)
    title = headline or _page_title(tags.title, publisher) or tags.h1
    if names and not site_name and not any(organizations) and not address_names_site(url):
        publisher = names[0]  # an IP address is no publisher; the page's own name is better
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
        names=names,
        declared_url=_declared_url(tags.canonical, meta),
        copyright_holder=holder,
        resource_hosts=tuple(tags.resource_hosts),
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
    canonical: str = ""
    resource_hosts: list[str] = field(default_factory=list)
    copyright: list[str] = field(default_factory=list)  # the blocks that carry a copyright notice


def _index(soup: BeautifulSoup) -> _Tags:
    tags = _Tags()
    notices: list[Tag] = []
    for node in soup.descendants:
        if not isinstance(node, Tag):
            # A copyright notice, read in the block that holds it ("<p>© 2025 <a>Name</a></p>").
            if type(node) is NavigableString and ("©" in node or "opyright" in node):
                parent = node.parent
                if parent is not None and parent.name not in ("script", "style", "title", "head"):
                    notices.append(parent)  # read after the walk, and only the last few
            continue
        name, attrs = node.name, node.attrs
        if name == "meta":
            if len(tags.metas) < 3000:
                tags.metas.append(node)
        elif name == "script":
            if "ld+json" in str(attrs.get("type", "")).lower() and len(tags.ld_scripts) < 50:
                tags.ld_scripts.append(node.string or node.get_text() or "")
            elif attrs.get("src"):
                _add_host(tags.resource_hosts, str(attrs["src"]))
        elif name == "link":
            rel = " ".join(attrs.get("rel", ())) if isinstance(attrs.get("rel"), list) else str(attrs.get("rel", ""))
            href = str(attrs.get("href", ""))
            if "canonical" in rel.lower().split() and not tags.canonical:
                tags.canonical = href[:2000]
            elif "stylesheet" in rel.lower().split():
                _add_host(tags.resource_hosts, href)
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
    # The footer's notice is among the last; each block's text is cut (a hostile page may put
    # its whole body in the block that holds a "©").
    tags.copyright = [_clip(block.get_text(" ")[:2000], 300) for block in notices[-3:]]
    return tags


def _add_host(hosts: list[str], url: str) -> None:
    """Note the host of a stylesheet or script the page loads (relative ones have none)."""
    url = url.strip()
    host = host_of("https:" + url if url.startswith("//") else url) if url.lower().startswith(
        ("http://", "https://", "//")) else ""
    if host and host not in hosts and len(hosts) < 30:
        hosts.append(host)


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


# ── who the page says it is ──────────────────────────────────────────────────────────────

# Where a <title> joins the headline to the site's name ("Melatonin | NCCIH", "About - NHS");
# a colon is left alone, headlines use it ("Melatonin: What You Need To Know").
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—·•]|::)\s+")
# Meta tags whose content names the site or its publisher.
_NAME_META = (
    "og:site_name", "application-name", "apple-mobile-web-app-title", "dc.publisher",
    "dcterms.publisher", "citation_publisher", "publisher",
)
# A copyright notice up to its holder: "©", "(c)" or "Copyright", then years.
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|\bcopyright\b)(?:\s*©)?\s*(?:(?:19|20)\d\d(?:\s*[-–—]\s*(?:19|20)\d\d)?\s*,?\s*)?(?:by\s+)?",
    re.IGNORECASE,
)
# Small words allowed inside a holder's name ("Foundation for Medical Education and Research").
_NAME_JOINERS = frozenset({"of", "for", "and", "&", "the", "on", "in", "de", "du", "la", "und", "für"})
_DOMAIN_LIKE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_MAX_NAMES = 12


def _declared_url(canonical: str, meta: Mapping[str, list[str]]) -> str:
    """The absolute address the page gives as its own: canonical link, else og:url."""
    for candidate in (canonical, _first(meta, "og:url")):
        candidate = candidate.strip()
        if candidate.lower().startswith(("http://", "https://")):
            return candidate[:2000]
    return ""


def _title_names(raw_title: str, headline: str) -> list[str]:
    """The parts of the <title> that are not the headline: the site's name and tagline
    ("Melatonin: What You Need To Know | NCCIH" → ["NCCIH"]). Without a known headline at
    either end, the last part when it is short (the usual "Headline | Site")."""
    pieces = [piece.strip() for piece in _TITLE_SEPARATORS.split(raw_title) if piece.strip()]
    if len(pieces) < 2:
        return []
    wanted = _plain_words(headline)
    if wanted:
        for order in (pieces, pieces[::-1]):
            taken = ""
            for index, piece in enumerate(order):
                taken = f"{taken} {_plain_words(piece)}".strip()
                if taken == wanted:
                    return order[index + 1 :]
                if not wanted.startswith(taken):
                    break
    return [pieces[-1]] if len(pieces[-1].split()) <= 6 else []


def _plain_words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _copyright_holder(notices: Sequence[str]) -> str:
    """Who holds the page's copyright, from its last notice that names someone
    ("© 2025 Natural Cycles. All rights reserved." → "Natural Cycles")."""
    for notice in reversed(notices):
        for found in reversed(list(_COPYRIGHT.finditer(notice))):
            rest = re.split(r"\s+all rights\b", notice[found.end() :], maxsplit=1, flags=re.IGNORECASE)[0]
            holder = _leading_name(rest)
            if holder:
                return holder
    return ""


def _leading_name(text: str) -> str:
    """The capitalised name a text opens with, up to the first word that cannot belong to it
    or a full stop ("Mayo Foundation for Medical Education and Research (MFMER)." → the name)."""
    words: list[str] = []
    for token in text.split()[:12]:
        core = token.strip("\"'“”‘’[]()").rstrip(".,;:|·•")
        if not core or token[0] in "([|·•-–—":
            break
        if core.lower() in _NAME_JOINERS and words:
            words.append(core)
        elif core[0].isupper() or (core[0].isdigit() and words) or _DOMAIN_LIKE.fullmatch(core):
            words.append(core)
        else:
            break
        if token[-1] in ".,;:|·•" and not _DOMAIN_LIKE.fullmatch(token.rstrip(".,;:|·•")) or token[-1] == ",":
            break
    while words and words[-1].lower() in _NAME_JOINERS:
        words.pop()
    name = " ".join(words)
    # A name in brackets right after it is the holder's other name: "State of Victoria
    # (Department of Health)", "Mayo Foundation ... (MFMER)".
    bracket = re.match(rf"\s*{re.escape(name)}\s*\(([^()]{{2,80}})\)", text) if name else None
    if bracket and _leading_name(bracket.group(1)) == bracket.group(1).strip():
        name = f"{name} ({bracket.group(1).strip()})"
    return name[:160]


def _org_names(node: Mapping[str, Any], by_id: Mapping[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """An organisation's name, other names and legal name, and its parent's (one level up:
    an institute of the NIH may be credited to the NIH)."""
    names = [_text(node.get("name")), _text(node.get("legalName"))]
    other = node.get("alternateName")
    names += [_text(item) for item in (other[:5] if isinstance(other, list) else [other])]
    parent = _resolve(node.get("parentOrganization"), by_id)
    if depth == 0:
        for item in _listed(parent)[:3]:
            if isinstance(item, dict):
                names += _org_names(item, by_id, depth + 1)
    return names


def _self_names(
    meta: Mapping[str, list[str]],
    main: Mapping[str, Any] | None,
    nodes: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, dict[str, Any]],
    title_names: Sequence[str],
    holder: str,
) -> tuple[str, ...]:
    """The names the page gives its site or publisher (see PageMetadata.names). Only the
    publisher, owner and organisational author of the page's own work count: an organisation
    the page merely mentions in its markup is not the page."""
    found: list[str] = []
    works = [main] if main else []
    works += [node for node in nodes if _types(node) & {"WebSite", "WebPage"} and node is not main][:5]
    for work in works:
        for key in ("publisher", "sourceOrganization", "copyrightHolder", "author"):
            for org in _listed(_resolve(work.get(key), by_id))[:5]:
                if isinstance(org, dict) and (key != "author" or _types(org) & _ORG_TYPES):
                    found += _org_names(org, by_id)
        if "WebSite" in _types(work):
            found.append(_text(work.get("name")))
    for name in _NAME_META:
        found += meta.get(name, [])[:2]
    found += title_names
    # An organisation signing as author by its acronym ("AASM").
    found += [value for value in meta.get("author", [])[:3] if re.fullmatch(r"[A-Z][A-Z&]{1,9}", value.strip())]
    found.append(holder)
    names: dict[str, str] = {}
    for name in found:
        parts = _TITLE_SEPARATORS.split(name) if _TITLE_SEPARATORS.search(name) else []
        parts += [piece for piece in re.split(r"\s*[()]\s*", name) if piece.strip()] if "(" in name else []
        for part in [name, *parts]:
            part = re.sub(r"^by\s+", "", _clip(part, 200), flags=re.IGNORECASE).strip(" .,;:")
            if part and len(part) <= 120 and len(part.split()) <= 10 and "://" not in part and (
                "copyright" not in part.lower()  # "Crown Copyright" is a notice, not a name
            ):
                names.setdefault(part.lower(), part)
    return tuple(names.values())[:_MAX_NAMES]


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
