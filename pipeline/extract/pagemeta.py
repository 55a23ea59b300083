"""What an HTML page says about itself: title, publisher, date, authors, journal, DOI,
schema.org types, prices on offer, and its visible text (for the cue lists of sources.py).

Read with BeautifulSoup from <meta> tags (Open Graph, Highwire `citation_*`, Dublin Core,
PRISM), JSON-LD and microdata. Source pages are hostile input: every value is clipped, every
walk is bounded. Reading the JSON-LD blocks (objects, lists and @graph, @id references
resolved; malformed blocks read leniently or skipped and counted) lives in jsonld.py; the
names the page gives itself, its declared address and copyright holder in pagenames.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

from ..language.dates import normalize_date
from ..language.domains import address_names_site, host_of, registrable_domain
from .jsonld import (
    MAX_AUTHORS,
    ORG_TYPES,
    SPACES,
    clip,
    first_meta,
    jsonld_nodes,
    listed,
    main_work,
    node_types,
    resolve,
    schema_text,
    schema_types_in,
)
from .pagenames import copyright_holder, declared_url, names_in_title, self_names

__all__ = [
    "PageMetadata",
    "normalize_date",
    "read_page_metadata",
]

# A DOI as written in text or links: "10." prefix, registrant code, "/", suffix.
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
_DOI_TEXT = re.compile(
    r"\bdoi\s*:?\s*(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE
)
# schema.org types on the way from a scholarly work up to its journal (isPartOf).
_JOURNAL_TYPES = frozenset({"Periodical", "PublicationVolume", "PublicationIssue"})


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
    nodes, broken = jsonld_nodes(tags.ld_scripts)
    schema_types = schema_types_in(nodes, tags.itemtypes)
    main = main_work(nodes)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    publisher_node = resolve(main.get("publisher") if main else None, by_id)
    organizations = [schema_text(node.get("name")) for node in nodes if node_types(node) & ORG_TYPES]
    if isinstance(publisher_node, dict):
        organizations.insert(0, schema_text(publisher_node.get("name")))
    site_name = first_meta(meta, "og:site_name", "dc.publisher", "dcterms.publisher", "citation_publisher")
    headline = first_meta(meta, "citation_title", "dc.title", "og:title", "twitter:title") or schema_text(
        main.get("headline") if main else ""
    )
    holder = copyright_holder([*tags.copyright, *meta.get("copyright", [])[:1]])
    names = self_names(meta, main, nodes, by_id, names_in_title(tags.title, headline or tags.h1), holder)
    publisher = site_name or next((name for name in organizations if name), "") or registrable_domain(url)
    title = headline or _page_title(tags.title, publisher) or tags.h1
    if names and not site_name and not any(organizations) and not address_names_site(url):
        publisher = names[0]  # an IP address is no publisher; the page's own name is better
    scholarly = tuple(name for name in scholarly_meta if meta.get(name))
    # Submit buttons carry their label in an attribute ("Add to basket").
    page_text = SPACES.sub(" ", " ".join([soup.get_text(" ")[:max_text_chars], *tags.buttons]))[
        :max_text_chars
    ]
    doi = _first_doi(meta, nodes)
    if not doi and (scholarly or schema_types & {"ScholarlyArticle", "MedicalScholarlyArticle"}):
        doi = _linked_doi(tags.doi_links, page_text)
    return PageMetadata(
        title=clip(title, 500),
        publisher=clip(publisher, 300),
        published=normalize_date(_published(meta, main, nodes, tags.time)),
        authors=_authors(meta, main, by_id),
        journal=clip(
            first_meta(meta, "citation_journal_title", "prism.publicationname", "citation_conference_title")
            or _journal(main, by_id),
            300,
        ),
        doi=doi,
        description=clip(
            first_meta(meta, "description", "og:description", "dc.description", "citation_abstract"), 3000
        ),
        keywords=clip(" ; ".join(meta.get("citation_keywords", []) + meta.get("keywords", [])), 2000),
        scholarly_fields=scholarly,
        schema_types=tuple(sorted(schema_types)),
        organization_names=tuple(dict.fromkeys(name for name in organizations if name))[:10],
        offer_prices=_offer_prices(nodes, tags.prices),
        personal_blog=_is_personal_blog(nodes, by_id),
        generator=first_meta(meta, "generator"),
        page_text=page_text,
        notes=(f"{broken} malformed JSON-LD block(s) ignored",) if broken else (),
        names=names,
        declared_url=declared_url(tags.canonical, meta),
        copyright_holder=holder,
        resource_hosts=tuple(tags.resource_hosts),
    )


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
            tags.title = clip(node.get_text(" "), 500)
        elif name == "h1" and not tags.h1:
            tags.h1 = clip(node.get_text(" "), 500)
        if "itemtype" in attrs and len(tags.itemtypes) < 500:
            tags.itemtypes.extend(str(attrs["itemtype"]).split())
        if attrs.get("itemprop") == "price" and len(tags.prices) < 50:
            price = attrs.get("content") or node.get_text(" ")
            if isinstance(price, str) and price.strip():
                tags.prices.append(clip(price, 40))
    # The footer's notice is among the last; each block's text is cut (a hostile page may put
    # its whole body in the block that holds a "©").
    tags.copyright = [clip(block.get_text(" ")[:2000], 300) for block in notices[-3:]]
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
            values.setdefault(key.strip().lower(), []).append(clip(content, 3000))
    return values


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


def _published(
    meta: Mapping[str, list[str]],
    main: Mapping[str, Any] | None,
    nodes: Sequence[Mapping[str, Any]],
    time_tag: str,
) -> str:
    found = first_meta(
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
        found = schema_text(main.get("datePublished"))
    if not found:
        found = next((schema_text(node.get("datePublished")) for node in nodes if node.get("datePublished")), "")
    return found or time_tag


def _authors(
    meta: Mapping[str, list[str]], main: Mapping[str, Any] | None, by_id: Mapping[str, dict[str, Any]]
) -> tuple[str, ...]:
    names = list(meta.get("citation_author", [])) + list(meta.get("dc.creator", []))
    if main and not names:
        for author in listed(resolve(main.get("author"), by_id)):
            names.append(schema_text(author))
    if not names:
        names = meta.get("author", []) + [
            value for value in meta.get("article:author", []) if "://" not in value
        ]
    unique: dict[str, str] = {}
    for name in names:
        name = clip(name, 200)
        if name and "://" not in name:
            unique.setdefault(name.lower(), name)
    return tuple(unique.values())[:MAX_AUTHORS]


def _journal(main: Mapping[str, Any] | None, by_id: Mapping[str, dict[str, Any]]) -> str:
    """The periodical a scholarly work is part of (an issue's or volume's periodical too)."""
    part = resolve(main.get("isPartOf") if main else None, by_id)
    for _ in range(3):
        part = part[0] if isinstance(part, list) and part else part
        if not isinstance(part, dict) or not node_types(part) & _JOURNAL_TYPES:
            return ""
        if "Periodical" in node_types(part):
            return schema_text(part.get("name"))
        part = resolve(part.get("isPartOf"), by_id)
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
        if node_types(node) & {"ScholarlyArticle", "MedicalScholarlyArticle", "Article"}:
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
        if node_types(node) & {"Offer", "AggregateOffer"}:
            price = node.get("price", node.get("lowPrice"))
            if isinstance(price, (int, float, str)) and str(price).strip():
                prices.append(f"{node.get('priceCurrency', '')} {price}".strip())
    prices.extend(microdata_prices)
    return tuple(dict.fromkeys(prices))[:20]


def _is_personal_blog(nodes: Sequence[Mapping[str, Any]], by_id: Mapping[str, dict[str, Any]]) -> bool:
    """A BlogPosting written by people, published by no organisation."""
    for node in nodes:
        if "BlogPosting" not in node_types(node):
            continue
        authors = listed(resolve(node.get("author"), by_id))
        publisher = resolve(node.get("publisher"), by_id)
        by_people = bool(authors) and all(
            not isinstance(a, dict) or "Person" in node_types(a) or not node_types(a) for a in authors
        )
        org_behind = isinstance(publisher, dict) and bool(node_types(publisher) & ORG_TYPES)
        if by_people and not org_behind:
            return True
    return False
