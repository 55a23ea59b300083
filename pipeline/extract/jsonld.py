"""Reading a page's schema.org JSON-LD safely: every object in its blocks (objects, lists
and @graph flattened; malformed blocks read leniently or skipped and counted), the types they
declare, the page's own main work, and @id references resolved. Pages are hostile input: each
block is clipped and every walk bounded.

Also home to the small value helpers pagemeta.py and pagenames.py share (clip, schema_text,
listed, first_meta), so neither imports the other's internals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = [
    "MAX_AUTHORS",
    "ORG_TYPES",
    "SPACES",
    "clip",
    "first_meta",
    "jsonld_nodes",
    "listed",
    "main_work",
    "node_types",
    "resolve",
    "schema_text",
    "schema_types_in",
]

SPACES = re.compile(r"\s+")
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
ORG_TYPES = frozenset(
    "Organization NGO Corporation GovernmentOrganization MedicalOrganization MedicalClinic "
    "Hospital NewsMediaOrganization EducationalOrganization ResearchOrganization "
    "LocalBusiness OnlineStore Store Physician ProfessionalService".split()
)
_MAX_JSONLD_CHARS = 500_000
_MAX_JSONLD_NODES = 2_000
# At most this many items of a listed value (authors, publishers) are read.
MAX_AUTHORS = 30


def jsonld_nodes(scripts: list[str]) -> tuple[list[dict[str, Any]], int]:
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


def node_types(node: Mapping[str, Any]) -> set[str]:
    raw = node.get("@type", ())
    names = (
        [raw]
        if isinstance(raw, str)
        else [item for item in raw if isinstance(item, str)]
        if isinstance(raw, list)
        else []
    )
    return {name.rsplit("/", 1)[-1].removeprefix("schema:") for name in names}


def schema_types_in(nodes: Sequence[Mapping[str, Any]], itemtypes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        found |= node_types(node)
    found.update(itemtype.rstrip("/").rsplit("/", 1)[-1] for itemtype in itemtypes)
    return {name for name in found if name}


def main_work(nodes: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The page's own creative work: the first node of an article-like type, preferring the
    more specific types over a generic WebPage."""
    works = [node for node in nodes if node_types(node) & _WORK_TYPES]
    specific = [node for node in works if node_types(node) - {"WebPage"}]
    return (specific or works or [None])[0]


def resolve(value: Any, by_id: Mapping[str, dict[str, Any]]) -> Any:
    """A {"@id": ...} reference replaced by the node it names."""
    if isinstance(value, list):
        return [resolve(item, by_id) for item in value[:50]]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def clip(text: str, limit: int) -> str:
    return SPACES.sub(" ", text).strip()[:limit]


def schema_text(value: Any) -> str:
    """A schema.org value as plain text: strings as is, {"name": ...} or {"@value": ...} by
    their text, lists by their first usable item."""
    if isinstance(value, str):
        return clip(value, 500)
    if isinstance(value, dict):
        return schema_text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list):
        return next((text for text in map(schema_text, value[:20]) if text), "")
    return ""


def listed(value: Any) -> list[Any]:
    return value[:MAX_AUTHORS] if isinstance(value, list) else [value] if value else []


def first_meta(meta: Mapping[str, list[str]], *names: str) -> str:
    """The first non-empty value of the first of `names` among a page's <meta> values."""
    for name in names:
        for value in meta.get(name, ()):
            if value:
                return value
    return ""
