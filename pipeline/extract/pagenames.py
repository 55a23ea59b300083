"""Who a page says it is: the names it gives its site or publisher (schema.org publisher and
owner, site-name <meta>, the <title> part that is not the headline, the copyright holder), the
address it declares as its own (canonical link, og:url) and the holder of its last copyright
notice. pagemeta.py reads them into PageMetadata.names, declared_url and copyright_holder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .jsonld import (
    ORG_TYPES,
    clip,
    first_meta,
    listed,
    node_types,
    resolve,
    schema_text,
)

__all__ = ["copyright_holder", "declared_url", "names_in_title", "self_names"]

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


def declared_url(canonical: str, meta: Mapping[str, list[str]]) -> str:
    """The absolute address the page gives as its own: canonical link, else og:url."""
    for candidate in (canonical, first_meta(meta, "og:url")):
        candidate = candidate.strip()
        if candidate.lower().startswith(("http://", "https://")):
            return candidate[:2000]
    return ""


def names_in_title(raw_title: str, headline: str) -> list[str]:
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


def copyright_holder(notices: Sequence[str]) -> str:
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
    names = [schema_text(node.get("name")), schema_text(node.get("legalName"))]
    other = node.get("alternateName")
    names += [schema_text(item) for item in (other[:5] if isinstance(other, list) else [other])]
    parent = resolve(node.get("parentOrganization"), by_id)
    if depth == 0:
        for item in listed(parent)[:3]:
            if isinstance(item, dict):
                names += _org_names(item, by_id, depth + 1)
    return names


def self_names(
    meta: Mapping[str, list[str]],
    main: Mapping[str, Any] | None,
    nodes: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, dict[str, Any]],
    title_names: Sequence[str],
    holder: str,
) -> tuple[str, ...]:
    """The names the page gives its site or publisher (see pagemeta.PageMetadata.names). Only the
    publisher, owner and organisational author of the page's own work count: an organisation
    the page merely mentions in its markup is not the page."""
    found: list[str] = []
    works = [main] if main else []
    works += [node for node in nodes if node_types(node) & {"WebSite", "WebPage"} and node is not main][:5]
    for work in works:
        for key in ("publisher", "sourceOrganization", "copyrightHolder", "author"):
            for org in listed(resolve(work.get(key), by_id))[:5]:
                if isinstance(org, dict) and (key != "author" or node_types(org) & ORG_TYPES):
                    found += _org_names(org, by_id)
        if "WebSite" in node_types(work):
            found.append(schema_text(work.get("name")))
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
            part = re.sub(r"^by\s+", "", clip(part, 200), flags=re.IGNORECASE).strip(" .,;:")
            if part and len(part) <= 120 and len(part.split()) <= 10 and "://" not in part and (
                "copyright" not in part.lower()  # "Crown Copyright" is a notice, not a name
            ):
                names.setdefault(part.lower(), part)
    return tuple(names.values())[:_MAX_NAMES]
