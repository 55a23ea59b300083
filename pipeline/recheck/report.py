"""recheck.json and recheck.md: what changed in published pieces since their last check; and
the timeline `claimcheck history` prints.

`recheck_document` builds the `claimcheck.recheck/1` document; the Markdown renders that same
document, so the two cannot disagree. Per article: the claims whose verdict changed (from →
to), new and resolved flags, sources whose text changed (with a word diff of each passage a
claim rested on), sources unavailable (failing or dead), recovered or redirected, and how
many sources answered "304 Not Modified".

Text from articles and sources is hostile input: in Markdown it goes through `md_text`,
`md_link`, `md_code` and `md_words` (the report writers' escaping), and in the terminal
timeline control characters are dropped, so a page cannot slip an escape sequence into an
editor's terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write_text
from ..records import SEVERITIES
from ..report.json_report import document_json
from ..report.markdown_report import md_code, md_link, md_text, md_words
from ..store import Decision, FlagRow, RunRecord
from .diff import (
    ArticleRecheck,
    FlagDecision,
    PassageChange,
    RecheckOutcome,
    SourceChange,
)

SCHEMA = "claimcheck.recheck/1"
RECHECK_FILES = {"json": "recheck.json", "md": "recheck.md"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STATE_WORDS = {"failing": "failing", "dead": "DEAD", "unavailable": "unavailable", "ok": "ok"}


# ── the document ──────────────────────────────────────────────────────────────────────────


def recheck_document(outcome: RecheckOutcome) -> dict[str, Any]:
    """The recheck.json document of one `claimcheck recheck`."""
    articles = [article_entry(article) for article in outcome.articles]
    return {
        "schema": SCHEMA,
        "generator": {"name": "claimcheck", "version": __version__},
        "checked_at": outcome.checked_at,
        "summary": _summary(articles),
        "articles": articles,
    }


def article_entry(article: ArticleRecheck) -> dict[str, Any]:
    """One article's part of recheck.json."""
    texts = article.claim_texts
    decisions = {item.flag: item for item in article.decided}
    changes: dict[str, list[SourceChange]] = {}
    for change in article.sources:
        changes.setdefault(change.change, []).append(change)
    return {
        "location": article.location,
        "title": article.title,
        "checked_at": article.checked_at,
        "run": article.run_id or None,
        "previous_run": (
            {"id": article.previous_run_id, "checked_at": article.previous_checked_at}
            if article.previous_run_id
            else None
        ),
        "error": article.error or None,
        "article_changed": article.article_changed,
        "settings_changed": article.settings_changed,
        "verdict_changes": [
            {"claim": change.claim, "text": change.text, "from": change.before, "to": change.after}
            for change in article.verdict_changes
        ],
        "new_flags": [_flag(flag, texts, decisions.get(flag)) for flag in article.new_flags],
        "reopened_flags": [
            {**_flag(item.flag, texts), "reopened_because": item.reason} for item in article.reopened
        ],
        "alerts": len(article.alerts),
        "resolved_flags": [_flag(flag, {}) for flag in article.resolved_flags],
        "new_claims": [{"claim": c.claim, "text": c.text, "verdict": c.verdict} for c in article.new_claims],
        "removed_claims": [{"claim": c.claim, "text": c.text, "verdict": c.verdict} for c in article.removed_claims],
        "sources": {
            "changed": [
                {"source": c.ref, "url": c.url, "passages": [_passage(p) for p in c.passages]}
                for c in changes.get("changed", [])
            ],
            "unavailable": [
                {
                    "source": c.ref,
                    "url": c.url,
                    "status": c.status,
                    "http_status": c.http_status,
                    "reason": c.reason,
                    "state": c.state,
                    "previous_state": c.previous_state or None,
                    "newly": c.newly,
                    "failures": c.failures,
                    "failing_since": c.failing_since or None,
                }
                for c in changes.get("unavailable", [])
            ],
            "recovered": [
                {"source": c.ref, "url": c.url, "previous_state": c.previous_state}
                for c in changes.get("recovered", [])
            ],
            "redirected": [
                {"source": c.ref, "url": c.url, "from": c.before, "to": c.after} for c in changes.get("redirected", [])
            ],
            "not_modified": article.not_modified,
        },
    }


def _flag(flag: FlagRow, texts: Mapping[str, str], decided: FlagDecision | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "claim": flag.claim,
        "code": flag.code,
        "severity": flag.severity,
        "message": flag.message,
        "source": flag.ref or None,
        "evidence": flag.evidence,
    }
    if flag.claim in texts:
        entry["claim_text"] = texts[flag.claim]
    if decided is not None:
        entry["decision"] = {
            "status": decided.status,
            "by": decided.reviewer,
            "at": decided.decided_at,
            "why": decided.reason,
        }
    return entry


def _passage(change: PassageChange) -> dict[str, Any]:
    return {
        "claim": change.claim,
        "before": change.before,
        "after": change.after or None,
        "similarity": change.similarity,
        "diff": [{"op": op, "text": text} for op, text in change.diff],
    }


def _summary(articles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    unavailable = [entry for article in articles for entry in article["sources"]["unavailable"]]
    new_flags = [flag for article in articles for flag in article["new_flags"]]
    severities = Counter(flag["severity"] for flag in new_flags)
    return {
        "articles": len(articles),
        "articles_with_changes": sum(1 for article in articles if _has_changes(article)),
        "errors": sum(1 for article in articles if article["error"]),
        "verdict_changes": sum(len(article["verdict_changes"]) for article in articles),
        "new_flags": len(new_flags),
        "new_flags_by_severity": {severity: severities[severity] for severity in SEVERITIES},
        "new_flags_dismissed": sum(
            1 for flag in new_flags if flag.get("decision", {}).get("status") == "dismissed"
        ),
        "reopened_flags": sum(len(article["reopened_flags"]) for article in articles),
        "alerts": sum(article["alerts"] for article in articles),
        "resolved_flags": sum(len(article["resolved_flags"]) for article in articles),
        "sources_changed": sum(len(article["sources"]["changed"]) for article in articles),
        "sources_failing": sum(1 for entry in unavailable if entry["state"] == "failing"),
        "sources_dead": sum(1 for entry in unavailable if entry["state"] == "dead"),
        "sources_unavailable": len(unavailable),
        "sources_recovered": sum(len(article["sources"]["recovered"]) for article in articles),
        "sources_redirected": sum(len(article["sources"]["redirected"]) for article in articles),
        "sources_not_modified": sum(article["sources"]["not_modified"] for article in articles),
    }


def _has_changes(article: Mapping[str, Any]) -> bool:
    sources = article["sources"]
    return bool(
        article["error"]
        or article["verdict_changes"]
        or article["new_flags"]
        or article["reopened_flags"]
        or article["resolved_flags"]
        or sources["changed"]
        or sources["recovered"]
        or sources["redirected"]
        or any(entry["newly"] or entry["state"] != entry["previous_state"] for entry in sources["unavailable"])
    )


# ── Markdown ──────────────────────────────────────────────────────────────────────────────


def recheck_markdown(document: Mapping[str, Any]) -> str:
    """recheck.md from the recheck document: a summary, then each article's changes."""
    summary = document["summary"]
    severities = ", ".join(f"{count} {name}" for name, count in summary["new_flags_by_severity"].items() if count)
    lines = [
        f"# Re-check of {summary['articles']} article{'s' if summary['articles'] != 1 else ''}, "
        f"{md_text(document['checked_at'])}",
        "",
        f"- **With changes:** {summary['articles_with_changes']}"
        + (f" (**{summary['errors']} could not be read again**)" if summary["errors"] else ""),
        f"- **Verdict changes:** {summary['verdict_changes']}",
        f"- **New flags:** {summary['new_flags']}"
        + (f" ({severities})" if severities else "")
        + (f"; {summary['new_flags_dismissed']} already dismissed by an editor" if summary["new_flags_dismissed"] else ""),
        f"- **Reopened decisions:** {summary['reopened_flags']}",
        f"- **Alerts** (new flags not dismissed, and reopened decisions): {summary['alerts']}",
        f"- **Resolved flags:** {summary['resolved_flags']}",
        f"- **Sources:** {summary['sources_changed']} changed, {summary['sources_failing']} failing, "
        f"{summary['sources_dead']} dead, {summary['sources_recovered']} recovered, "
        f"{summary['sources_redirected']} redirected, {summary['sources_not_modified']} unchanged (304)",
        "",
    ]
    for article in document["articles"]:
        lines += _article_markdown(article)
    return "\n".join(lines).rstrip() + "\n"


def _article_markdown(article: Mapping[str, Any]) -> list[str]:
    title = md_text(article["title"]) or "untitled article"
    lines = [f"## {title}", "", f"{md_link(article['location'], article['location'])}", ""]
    if article["error"]:
        return lines + [f"**Could not be read again:** {md_text(article['error'])}", ""]
    previous = article["previous_run"]
    if previous:
        lines.append(f"Run {article['run']}, compared with run {previous['id']} of {md_text(previous['checked_at'])}.")
    else:
        lines.append(f"Run {article['run']}: the first recorded run, so nothing to compare yet.")
    notes = []
    if article["article_changed"]:
        notes.append("the article itself was edited since")
    if article["settings_changed"]:
        notes.append("the settings differ from the last run's, which alone can move verdicts")
    if notes:
        lines.append(f"Note: {'; '.join(notes)}.")
    lines.append("")
    if not _has_changes(article) and not article["sources"]["unavailable"]:
        return lines + ["Nothing changed.", ""]
    if article["verdict_changes"]:
        lines += ["### Verdict changes", ""]
        for change in article["verdict_changes"]:
            lines.append(
                f"- **{md_text(change['claim'])}** {md_words(change['from'])} → **{md_words(change['to'])}**: "
                f"{md_text(change['text'])}"
            )
        lines.append("")
    for key, heading in (
        ("reopened_flags", "Reopened decisions"),
        ("new_flags", "New flags"),
        ("resolved_flags", "Resolved flags"),
    ):
        if article[key]:
            lines += [f"### {heading}", ""]
            for flag in article[key]:
                where = f" [{md_text(flag['source'])}]" if flag["source"] else ""
                lines.append(
                    f"- **{md_text(flag['severity'])}** {md_code(flag['code'])} on "
                    f"{md_text(flag['claim'])}{where}: {md_text(flag['message'])}"
                )
                if flag.get("reopened_because"):
                    lines.append(f"  **{md_text(flag['reopened_because'])}**")
                if flag.get("decision"):
                    decision = flag["decision"]
                    lines.append(
                        f"  *{md_words(decision['status']).capitalize()} by {md_text(decision['by'])} on "
                        f"{md_text(decision['at'][:10])}*" + (f": {md_text(decision['why'])}" if decision["why"] else "")
                    )
                if flag["evidence"]:
                    lines.append(f"  > “{md_text(flag['evidence'])}”")
            lines.append("")
    lines += _sources_markdown(article["sources"])
    for key, heading in (
        ("new_claims", "Claims added to the article"),
        ("removed_claims", "Claims gone from the article"),
    ):
        if article[key]:
            lines += [f"### {heading}", ""]
            lines += [
                f"- **{md_text(c['claim'])}** {md_words(c['verdict'])}: {md_text(c['text'])}" for c in article[key]
            ]
            lines.append("")
    return lines


def _sources_markdown(sources: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    if sources["changed"]:
        lines += ["### Sources whose text changed", ""]
        for entry in sources["changed"]:
            lines.append(
                f"- [{md_text(entry['source'])}] {md_link(entry['url'], entry['url'])}"
                + ("" if entry["passages"] else ": the passages claims rested on are all still there")
            )
            for passage in entry["passages"]:
                verb = "reworded" if passage["after"] else "gone"
                lines.append(f"  - {md_text(passage['claim'])}, passage {verb}: {_diff_markdown(passage['diff'])}")
        lines.append("")
    if sources["unavailable"]:
        lines += ["### Sources unavailable", ""]
        for entry in sources["unavailable"]:
            status = md_words(entry["status"]) + (f" {entry['http_status']}" if entry["http_status"] else "")
            lines.append(
                f"- [{md_text(entry['source'])}] {md_link(entry['url'], entry['url'])}: "
                f"**{_state_text(entry)}**, {status}: {md_text(entry['reason'])}"
            )
        lines.append("")
    if sources["recovered"]:
        lines += ["### Sources readable again", ""]
        lines += [f"- [{md_text(e['source'])}] {md_link(e['url'], e['url'])}" for e in sources["recovered"]]
        lines.append("")
    if sources["redirected"]:
        lines += ["### Sources now redirected", ""]
        lines += [
            f"- [{md_text(e['source'])}] {md_link(e['url'], e['url'])} now ends at {md_link(e['to'], e['to'])} "
            f"(was {md_link(e['from'], e['from'])})"
            for e in sources["redirected"]
        ]
        lines.append("")
    return lines


def _state_text(entry: Mapping[str, Any]) -> str:
    state = entry["state"]
    if state in ("failing", "dead"):
        count = entry["failures"]
        since = f" since {entry['failing_since'][:10]}" if entry["failing_since"] else ""
        text = f"{_STATE_WORDS[state]} ({count} failed check{'s' if count != 1 else ''}{since})"
    else:
        text = _STATE_WORDS.get(state, state)
    if entry["newly"]:
        text = f"newly {text}" if state != "dead" else text
    return md_text(text)


def _diff_markdown(diff: Sequence[Mapping[str, str]]) -> str:
    """A word diff inline: removed words struck through, added words in bold (both escaped)."""
    parts = []
    for segment in diff:
        text = md_text(segment["text"])
        if not text:
            continue
        parts.append({"-": f"~~{text}~~", "+": f"**{text}**"}.get(segment["op"], text))
    return " ".join(parts)


def write_recheck(outcome: RecheckOutcome, out_dir: Path) -> dict[str, Path]:
    """Write recheck.json and recheck.md into `out_dir`, each atomically."""
    document = recheck_document(outcome)
    rendered = {"json": document_json(document), "md": recheck_markdown(document)}
    return {name: atomic_write_text(Path(out_dir) / RECHECK_FILES[name], text) for name, text in rendered.items()}


# ── history ───────────────────────────────────────────────────────────────────────────────


def history_document(
    runs: Sequence[RunRecord], changes: Sequence[ArticleRecheck], decisions: Sequence[Decision] = ()
) -> dict[str, Any]:
    """The timeline of one article: each run with its counts, sources, what changed from
    the run before (`changes[i]` compares run i with run i-1), and the editors' decisions
    taken on it (or reopened when it was recorded)."""
    entries = []
    for run, change in zip(runs, changes, strict=True):
        entry = article_entry(change)
        entries.append(
            {
                "run": run.id,
                "kind": run.kind,
                "mode": run.mode,
                "checked_at": run.checked_at,
                "summary": dict(run.summary),
                "sources": [
                    {
                        "source": check.ref,
                        "url": check.url,
                        "status": check.status,
                        "state": check.state,
                        "failures": check.failures,
                        "not_modified": check.not_modified,
                        "content_sha256": check.snapshot.content_sha256 if check.snapshot else None,
                    }
                    for check in run.sources
                ],
                "changes": {key: entry[key] for key in ("verdict_changes", "new_flags", "resolved_flags", "sources")},
                "decisions": [
                    {
                        "action": decision.action,
                        "target": decision.target,
                        "claim": decision.claim,
                        "code": decision.code or None,
                        "source": decision.ref or None,
                        "by": decision.reviewer,
                        "at": decision.decided_at,
                        "why": decision.reason,
                    }
                    for decision in decisions
                    if decision.run_id == run.id
                ],
            }
        )
    first = runs[0] if runs else None
    return {
        "schema": "claimcheck.history/1",
        "article": {"location": first.location if first else "", "title": runs[-1].title if runs else ""},
        "runs": entries,
    }


def history_text(document: Mapping[str, Any]) -> str:
    """The timeline for a terminal: one block per run, oldest first."""
    article = document["article"]
    lines = [_plain(f"{article['title'] or 'untitled article'} ({article['location']})")]
    for entry in document["runs"]:
        summary = entry["summary"]
        verdicts = ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in summary.get("by_verdict", {}).items()
        )
        severities = ", ".join(f"{count} {name}" for name, count in summary.get("by_severity", {}).items())
        states = Counter(source["state"] for source in entry["sources"])
        not_modified = sum(1 for source in entry["sources"] if source["not_modified"])
        state_text = ", ".join(f"{count} {_STATE_WORDS.get(state, state)}" for state, count in sorted(states.items()))
        lines.append("")
        replayed = " (replay)" if entry["mode"] == "replay" else ""
        lines.append(f"{entry['checked_at']}  run {entry['run']}  {entry['kind']}{replayed}")
        lines.append(
            f"  claims: {summary.get('claims', 0)} ({verdicts or 'none'}); flags: {summary.get('flags', 0)}"
            f"{f' ({severities})' if severities else ''}"
        )
        lines.append(
            f"  sources: {state_text or 'none'}" + (f"; {not_modified} unchanged (304)" if not_modified else "")
        )
        changes = entry["changes"]
        for change in changes["verdict_changes"]:
            lines.append(_plain(f"  verdict {change['claim']}: {change['from']} -> {change['to']}"))
        for flag in changes["new_flags"]:
            lines.append(_plain(f"  + {flag['code']} ({flag['severity']}) on {flag['claim']}"))
        for flag in changes["resolved_flags"]:
            lines.append(_plain(f"  - {flag['code']} resolved on {flag['claim']}"))
        for source in changes["sources"]["changed"]:
            lines.append(_plain(f"  source [{source['source']}] text changed"))
        for source in changes["sources"]["unavailable"]:
            lines.append(
                _plain(
                    f"  source [{source['source']}] {source['state']} ({source['status']}, "
                    f"{source['failures']} failure(s))"
                )
            )
        for source in changes["sources"]["recovered"]:
            lines.append(_plain(f"  source [{source['source']}] readable again"))
        for source in changes["sources"]["redirected"]:
            lines.append(_plain(f"  source [{source['source']}] now redirects to {source['to']}"))
        for decision in entry.get("decisions", ()):
            what = f"{decision['code']} on {decision['claim']}" if decision["code"] else f"claim {decision['claim']}"
            why = f": {decision['why']}" if decision["why"] else ""
            lines.append(_plain(f"  decision {decision['at']} {decision['by']}: {decision['action']} {what}{why}"))
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    return _CONTROL.sub("", text)
