"""report.md: the check for an editor who reads it top to bottom.

Order: a header (article, when checked, totals by verdict and flag), the graph findings at a
glance, then the FLAGGED claims, most severe first, each with its flags and the passages it
rests on; then the other claims briefly; the sources (status, kind, why unavailable); and
the sentences that were not checked, with the reason.

Every piece of text from the article or a source goes through `md_text`, which makes it
inert: one line, and every character Markdown could read as markup backslash-escaped, so a
passage holding `[x](javascript:...)`, `<script>`, a `|`, a backtick or a leading `#` shows
as written and never becomes a link, HTML, a table cell or a heading. Links are emitted only
for http(s) URLs (`safe_href`), in the `<...>` form with unsafe characters percent-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ..config import Settings
from ..graph import shorten, xml_safe_text
from ..records import Report
from .json_report import (
    ABSTRACT_ONLY,
    at_a_glance,
    claim_details,
    flagged_first,
    read_from_text,
    report_document,
    safe_href,
)

_WHITESPACE = re.compile(r"\s+")
# Characters that start inline markup anywhere (emphasis, code, links, HTML, entities, table
# cells, strikethrough) or a heading; escaping them is always allowed in CommonMark.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>|~&#])")
# Block markers that count only at the start of a line: list items, setext underline, an
# ordered list number.
_LEADING_BLOCK = re.compile(r"^([-+=])|^(\d+)([.)])")
_CODE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Characters kept as they are in a link destination; everything else is percent-encoded so a
# URL cannot close the `<...>` or carry a backslash escape.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def md_text(text: str) -> str:
    """`text` as inert Markdown: whitespace folded to single spaces, markup escaped."""
    flat = _WHITESPACE.sub(" ", xml_safe_text(text)).strip()
    escaped = _INLINE_MARKUP.sub(r"\\\1", flat)
    return _LEADING_BLOCK.sub(_escape_block_marker, escaped)


def _escape_block_marker(match: re.Match[str]) -> str:
    if match.group(1):
        return f"\\{match.group(1)}"
    return f"{match.group(2)}\\{match.group(3)}"


def md_link(label: str, url: str) -> str:
    """A Markdown link for an http(s) `url`; any other URL is shown as escaped text."""
    href = safe_href(url)
    shown = md_text(label or url)
    if href is None:
        return f"{shown} ({md_text(url)})" if url and label and label != url else shown
    return f"[{shown}](<{quote(href, safe=_URL_SAFE)}>)"


def render_markdown(report: Report, settings: Settings) -> str:
    """report.md for `report` (see the module docstring for its order)."""
    return markdown_from_document(report_document(report), settings)


def markdown_from_document(document: Mapping[str, Any], settings: Settings) -> str:
    """report.md from an already built report document."""
    sources = {source["id"]: source for source in document["sources"]}
    lines: list[str] = []
    lines += _header(document)
    lines += _glance(document)
    lines += _flagged(document, sources, settings)
    lines += _others(document, settings)
    lines += _sources(document)
    lines += _skipped(document, settings)
    return "\n".join(lines).rstrip() + "\n"


def _header(document: Mapping[str, Any]) -> list[str]:
    article, summary = document["article"], document["summary"]
    verdicts = " · ".join(f"{md_words(verdict)} {count}" for verdict, count in summary["by_verdict"].items())
    severities = " · ".join(f"{severity} {count}" for severity, count in summary["flags_by_severity"].items())
    codes = " · ".join(f"{md_code(code)} {count}" for code, count in summary["by_flag"].items() if count)
    return [
        f"# Claim check: {md_text(article['title']) or 'untitled article'}",
        "",
        f"- **Article:** {md_link(article['location'], article['location'])}",
        f"- **Checked:** {md_text(article['checked_at'])} (claimcheck {document['generator']['version']})",
        f"- **Claims checked:** {summary['claims']}, of which {summary['claims_flagged']} flagged",
        f"- **Verdicts:** {verdicts}",
        f"- **Flags:** {summary['flags']} ({severities})",
        f"- **Flags by code:** {codes or 'none'}",
        f"- **Sources:** {summary['sources']}, of which {summary['sources_unavailable']} could not be read",
        f"- **Sentences not checked:** {summary['skipped']}",
        *_judges_line(summary),
        *_review_summary(summary),
        "",
    ]


def _judges_line(summary: Mapping[str, Any]) -> list[str]:
    """Which judges decided the verdicts, when one other than the default did or was meant to."""
    judges = summary.get("judges", {})
    if set(judges) <= {"default"} and not summary.get("judge_fallbacks"):
        return []
    counts = ", ".join(f"{md_text(name)} {count}" for name, count in judges.items())
    fallbacks = summary.get("judge_fallbacks", 0)
    note = f"; the default judge stood in for {fallbacks} (see each claim)" if fallbacks else ""
    return [f"- **Judges (claims decided):** {counts or 'none'}{note}"]
def _review_summary(summary: Mapping[str, Any]) -> list[str]:
    """The header line of a reviewed report: decisions by status, and who reviewed."""
    review = summary.get("review")
    if not review:
        return []
    who = ", ".join(md_text(name) for name in review["reviewers"]) or "nobody yet"
    return [
        f"- **Review:** {review['confirmed']} flags confirmed, {review['dismissed']} dismissed, "
        f"{review['open'] + review['reopened']} waiting for a decision ({review['reopened']} reopened), "
        f"{review['claims_fixed']} claims fixed in the draft; reviewed by {who}"
    ]


def _glance(document: Mapping[str, Any]) -> list[str]:
    findings = at_a_glance(document)
    if not findings:
        return []
    lines = ["## At a glance", ""]
    for label, kind, entries in findings:
        shown = ", ".join(
            (f"[{md_text(item)}]" if kind == "source" else md_text(item)) + (f" ({md_text(note)})" if note else "")
            for item, note in entries
        )
        lines.append(f"- **{label}:** {shown}")
    return lines + [""]


def _flagged(document: Mapping[str, Any], sources: Mapping[str, Any], settings: Settings) -> list[str]:
    flagged = flagged_first(document["claims"])
    lines = [f"## Flagged claims ({len(flagged)}), most severe first", ""]
    if not flagged:
        return lines + ["No claim was flagged.", ""]
    limit = settings.report.max_evidence_per_claim
    for number, claim in enumerate(flagged, start=1):
        lines += [
            f"### {number}. {md_text(claim['id'])}: {claim['worst_severity'].upper()}, {md_words(claim['verdict'])}",
            "",
            f"> {md_text(claim['text'])}",
            "",
            _claim_meta(claim),
            "",
            *([_decision(claim["review"]), ""] if "review" in claim else []),
            "**Flags**",
            "",
        ]
        details = claim_details(claim, limit)
        for item in details["flags"]:
            flag = item["flag"]
            lines.append(f"- **{md_text(flag['severity'])}** {md_code(flag['code'])}: {md_text(flag['message'])}")
            if "review" in flag:
                lines.append(f"  {_decision(flag['review'])}")
            if item["repeat"]:
                lines.append("  (rests on the same passage as the flag above)")
            elif flag["evidence"]:
                score = _relation_and_score(item["evidence"])
                lines.append(
                    f"  > “{md_text(flag['evidence'])}”{_source_ref(flag['source'], sources, ' ')}"
                    + (f" ({score})" if score else "")
                )
            elif flag["source"]:
                lines.append(f"  {_source_ref(flag['source'], sources, '')}")
        lines.append("")
        shown, total = details["evidence"], details["evidence_total"]
        if shown:
            heading = "Other evidence" if total < len(claim["evidence"]) else "Evidence"
            more = f" (best {len(shown)} of {total})" if total > len(shown) else ""
            lines += [f"**{heading}**{more}", ""]
            for evidence in shown:
                lines.append(f"- {_relation_and_score(evidence)}{_source_ref(evidence['source'], sources, ' ')}")
                lines.append(f"  > {md_text(evidence['passage']) or '(passage text not available)'}")
            lines.append("")
        elif not claim["evidence"]:
            lines += ["**Evidence:** no passage of the cited sources matched this claim.", ""]
    return lines


def _decision(review: Mapping[str, Any]) -> str:
    """An editor's decision in a reviewed report (claimcheck review's export), notes after it."""
    line = f"*Decision:* **{md_words(review['status'])}**"
    if review["by"]:
        line += f" by {md_text(review['by'])} on {md_text(review['at'][:10])}"
    if review["why"]:
        line += f": {md_text(review['why'])}"
    notes = "".join(
        f"; *note by {md_text(note['by'])}:* {md_text(note['why'])}" for note in review.get("notes", ())
    )
    return line + notes


def _others(document: Mapping[str, Any], settings: Settings) -> list[str]:
    others = [claim for claim in document["claims"] if not claim["flags"]]
    if not others:
        return []
    lines = [f"## Other claims ({len(others)})", ""]
    for claim in others:
        cites = " ".join(f"[{md_text(citation)}]" for citation in claim["citations"])
        if claim["inherited_citations"]:
            carried = " ".join(f"[{md_text(citation)}]" for citation in claim["inherited_citations"])
            cites = f"{cites} {carried} (carried over from {md_text(claim['inherited_from'])})".strip()
        cites = cites or "no citation"
        lines.append(
            f"- **{md_text(claim['id'])}** {md_words(claim['verdict'])} ({claim['score']:.2f}): "
            f"{md_text(shorten(claim['text'], settings.report.brief_claim_chars))} {cites}"
        )
    return lines + [""]


def _sources(document: Mapping[str, Any]) -> list[str]:
    if not document["sources"]:
        return ["## Sources", "", "The article cites no sources.", ""]
    lines = [
        "## Sources",
        "",
        "| # | Source | Kind | Status | Passages | Cited by | Why unavailable |",
        "|---|---|---|---|---:|---|---|",
    ]
    for source in document["sources"]:
        title = md_link(source["title"] or source["url"], source["final_url"] or source["url"])
        if source["publisher"]:
            title += f", {md_text(source['publisher'])}"
        status = md_words(source["status"])
        if source["http_status"] is not None:
            status += f" ({source['http_status']})"
        if source["status"] != "ok":
            status = f"**{status}**"
        cited_by = ", ".join(md_text(claim) for claim in source["cited_by"]) or "none"
        reason = md_text(source["reason"]) if source["status"] != "ok" else ""
        how = read_from_text(source["read_from"])
        if how:
            reason = f"{reason} {md_text(how)}".strip()
        lines.append(
            f"| {md_text(source['id'])} | {title or '(no address)'} | {md_words(source['kind'])} | {status} "
            f"| {source['passages']} | {cited_by} | {reason} |"
        )
    return lines + [""]


def _skipped(document: Mapping[str, Any], settings: Settings) -> list[str]:
    skipped = document["skipped"]
    if not skipped:
        return []
    lines = [f"## Not checked ({len(skipped)} sentences)", ""]
    for sentence in skipped:
        text = shorten(sentence["text"], settings.report.brief_claim_chars)
        lines.append(f"- *{md_words(sentence['reason'])}:* {md_text(text)}")
    return lines + [""]


def _claim_meta(claim: Mapping[str, Any]) -> str:
    cites = ", ".join(f"[{md_text(citation)}]" for citation in claim["citations"]) or "nothing"
    parts = [
        f"*Section:* {md_text(claim['section']) or '(none)'}",
        f"*Cites:* {cites}",
        *_carried(claim),
        f"*Verdict:* {md_words(claim['verdict'])} (score {claim['score']:.2f})",
    ]
    line = " · ".join(parts)
    if claim["verdict_reason"]:
        line += f": {md_text(claim['verdict_reason'])}"
    if claim.get("judge_fallback"):
        line += f" · *Judge:* default, standing in ({md_text(claim['judge_fallback'])})"
    if claim["abstract_only"]:
        line += f" · *{ABSTRACT_ONLY}*"
    return line


def _source_ref(source_id: str | None, sources: Mapping[str, Any], lead: str) -> str:
    """" — [n] linked title" for a source id, or "" when there is none."""
    if not source_id:
        return ""
    source = sources.get(source_id)
    if source is None:
        return f"{lead}— [{md_text(source_id)}]"
    link = md_link(source["title"] or source["url"], source["final_url"] or source["url"])
    return f"{lead}— [{md_text(source_id)}] {link}".rstrip()


def _relation_and_score(evidence: Mapping[str, Any] | None) -> str:
    """The relation and score of an evidence entry ("supports, score 0.81"), or "" for none."""
    if evidence is None:
        return ""
    return f"{md_words(evidence['relation'])}, score {evidence['score']:.2f}"


def md_code(code: str) -> str:
    """A flag code in a code span; anything not shaped like a code is escaped text instead."""
    return f"`{code}`" if _CODE_WORD.fullmatch(code) else md_text(code)


def md_words(value: str) -> str:
    """A vocabulary word for reading ("partially_supported" → "partially supported")."""
    return md_text(value.replace("_", " "))


def _carried(claim: Mapping[str, Any]) -> list[str]:
    """ "*Carried over:* [3] from c4" for a claim checked against a citation it takes from the
    claim it goes on about ("In that trial, ..."), else nothing."""
    if not claim["inherited_citations"]:
        return []
    carried = ", ".join(f"[{md_text(citation)}]" for citation in claim["inherited_citations"])
    return [f"*Carried over:* {carried} from {md_text(claim['inherited_from'])} (it goes on about that claim's source)"]

