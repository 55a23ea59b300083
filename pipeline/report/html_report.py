"""report.html: one self-contained page an editor reads in a browser or prints.

The page shows the summary at the top, then the article text with every claim marked (the
flagged ones coloured by their worst severity, each linked to its details), the flagged
claims with their flags and evidence, the other claims, the sources and the sentences that
were not checked. It renders the same document as report.json (`report_document`).

Safety, because every string from the article or a source is hostile input:

- Jinja2 with autoescape on: all text is HTML-escaped, attribute values included.
- Every string is also stripped of the characters XML 1.0 forbids (NUL, lone surrogates).
- Only http(s) URLs become links (`safe_href`); anything else is shown as text.
- Self-contained: inline CSS, no script at all (the severity filter is CSS only and the page
  is complete without it), no web fonts, no remote images; a Content-Security-Policy meta
  tag forbids scripts and remote loads even if something slipped through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2
import markupsafe

from ..config import Settings
from ..graph import xml_safe_text
from ..records import SEVERITIES, Report
from .json_report import (
    ABSTRACT_ONLY,
    at_a_glance,
    claim_details,
    flagged_first,
    read_from_text,
    report_document,
    safe_href,
)

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def render_html(report: Report, settings: Settings) -> str:
    """report.html for `report`: one page, no external assets, every text escaped."""
    return html_from_document(report_document(report), report.article.text, settings)


def html_from_document(
    document: Mapping[str, Any], article_text: str, settings: Settings, *, structured_data: str = ""
) -> str:
    """report.html from an already built report document and the article's text. A reviewed
    document (`claimcheck review`'s export) shows each decision; `structured_data` is JSON-LD
    for the page's head (already escaped for a script data block)."""
    document = _clean(document)
    template = _environment().get_template("report.html.j2")
    return template.render(
        document=document,
        summary=document["summary"],
        sources={source["id"]: source for source in document["sources"]},
        flagged=flagged_first(document["claims"]),
        others=[claim for claim in document["claims"] if not claim["flags"]],
        # Cut the raw text first: cleaning removes characters, which would shift the offsets.
        segments=[
            (xml_safe_text(piece), claim) for piece, claim in article_segments(article_text, document["claims"])
        ],
        glance=at_a_glance(document),
        # Raw text inside the script block (entities would not be decoded there): safe only
        # because no "<" can be in it, so it cannot close the block or open a comment.
        structured_data=markupsafe.Markup(structured_data.replace("<", "\\u003c").replace(">", "\\u003e")),
        severities=SEVERITIES,
        details={
            claim["id"]: claim_details(claim, settings.report.max_evidence_per_claim) for claim in document["claims"]
        },
        read_how={source["id"]: read_from_text(source["read_from"]) for source in document["sources"]},
        abstract_only=ABSTRACT_ONLY,
    )


def article_segments(text: str, claims: list[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any] | None]]:
    """`text` cut into (piece, claim or None) in order, each claim's span its own piece.

    A claim whose offsets fall outside the text or overlap the previous claim is left
    unmarked (its details are still listed), so bad offsets never garble the article.
    """
    segments: list[tuple[str, Mapping[str, Any] | None]] = []
    position = 0
    for claim in sorted(claims, key=lambda claim: (claim["start"], claim["end"])):
        start, end = claim["start"], claim["end"]
        if not (position <= start < end <= len(text)):
            continue
        if start > position:
            segments.append((text[position:start], None))
        segments.append((text[start:end], claim))
        position = end
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def anchor(kind: str, record_id: str) -> str:
    """The element id of a claim's details ("claim-c4") or a source's row ("source-4")."""
    return f"{kind}-{_ANCHOR_UNSAFE.sub('-', record_id)}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["href"] = safe_href
    environment.filters["claim_anchor"] = lambda claim_id: anchor("claim", claim_id)
    environment.filters["source_anchor"] = lambda source_id: anchor("source", source_id)
    environment.filters["words"] = lambda value: str(value).replace("_", " ")
    return environment


def _clean(value: Any) -> Any:
    """`value` (a document) with every string stripped of what XML/HTML cannot carry."""
    if isinstance(value, str):
        return xml_safe_text(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value
