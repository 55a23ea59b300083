"""The desk's exports of one run: the reviewed report (report.json's document with every
flag's and claim's decision added, rendered by the same writers as report.md and
report.html) and ClaimReview JSON-LD for the claims the desk rated (`review.claimreview`).

The reviewed document is the run's own report document (kept in the store when the run was
recorded) plus additive keys, as the contract allows: `review` on each flag and on each
claim (status, who, when, why, and the notes), and `summary.review` (counts by status and
the reviewers). Flags are matched to their recorded rows by what they say, not by position:
the document orders a claim's flags by severity, the store in the order they were raised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..config import Settings
from ..errors import UsageError
from ..recheck import resolve_articles
from ..report.html_report import html_from_document
from ..report.json_report import document_json
from ..report.markdown_report import markdown_from_document
from ..runner import article_slug
from ..store import Decision, FlagRow, Review, Store
from .claimreview import claim_reviews

FILES = ("reviewed-report.md", "reviewed-report.html", "reviewed-report.json", "claimreview.jsonld")
MEDIA_TYPES = {
    "reviewed-report.md": "text/markdown; charset=utf-8",
    "reviewed-report.html": "text/html; charset=utf-8",
    "reviewed-report.json": "application/json",
    "claimreview.jsonld": "application/ld+json",
}
# The report page's own policy (its meta tag says the same): no script, nothing remote.
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


class NotExportable(UsageError):
    """A run recorded before the store kept its report cannot be exported."""


def reviewed_document(store: Store, run_id: int) -> tuple[dict[str, Any], str]:
    """The run's report document with the decisions added, and its article text."""
    kept = store.run_report(run_id)
    if kept is None:
        raise NotExportable(
            f"run {run_id} was recorded before the store kept reports; re-check the article and export the new run"
        )
    document, text = kept
    run = store.run(run_id)
    flag_reviews, claim_reviews_by_id = store.reviews(run)
    waiting: dict[tuple[str, str, str, str, str], list[Review]] = {}
    for flag, review in zip(run.flags, flag_reviews, strict=True):
        waiting.setdefault(_flag_key(flag), []).append(review)
    counts = {"open": 0, "reopened": 0, "confirmed": 0, "dismissed": 0}
    reviewers: set[str] = set()
    for claim in document["claims"]:
        claim_review = claim_reviews_by_id.get(claim["id"])
        if claim_review is not None and claim_review.history:
            claim["review"] = review_entry(claim_review)
            reviewers.update(decision.reviewer for decision in claim_review.history)
        for flag in claim["flags"]:
            key = (claim["id"], flag["code"], flag["source"] or "", flag["evidence"], flag["message"])
            found = waiting.get(key)
            review = found.pop(0) if found else Review("")
            flag["review"] = review_entry(review)
            counts[review.status] = counts.get(review.status, 0) + 1
            reviewers.update(decision.reviewer for decision in review.history)
    fixed = sum(1 for review in claim_reviews_by_id.values() if review.status == "fixed")
    document["summary"]["review"] = {**counts, "claims_fixed": fixed, "reviewers": sorted(reviewers)}
    return document, text


def review_entry(review: Review) -> dict[str, Any]:
    """A flag's or claim's decision as the reviewed report shows it."""
    latest = review.latest
    return {
        "status": review.status,
        "by": latest.reviewer if latest else None,
        "at": latest.decided_at if latest else None,
        "why": latest.reason if latest else "",
        "notes": [_note(decision) for decision in review.history if decision.action == "note"],
        "history": [_note(decision) for decision in review.history],
    }


def _note(decision: Decision) -> dict[str, str]:
    return {"action": decision.action, "by": decision.reviewer, "at": decision.decided_at, "why": decision.reason}


def _flag_key(flag: FlagRow) -> tuple[str, str, str, str, str]:
    return (flag.claim, flag.code, flag.ref, flag.evidence, flag.message)


def export_files(store: Store, run_id: int, settings: Settings, publish_url: str | None = None) -> dict[str, str]:
    """{file name: text} of every export of the run (see FILES)."""
    document, text = reviewed_document(store, run_id)
    reviews = claim_reviews(
        document,
        organization=settings.review.organization,
        publish_url=settings.review.publish_url if publish_url is None else publish_url,
    )
    return {
        "reviewed-report.md": markdown_from_document(document, settings),
        "reviewed-report.html": html_from_document(document, text, settings, structured_data=jsonld_text(reviews)),
        "reviewed-report.json": document_json(document),
        "claimreview.jsonld": jsonld_text(reviews),
    }


def jsonld_text(reviews: Mapping[str, Any]) -> str:
    """JSON-LD text, safe inside a <script type="application/ld+json"> block as well."""
    return json.dumps(reviews, ensure_ascii=False, indent=2).replace("<", "\\u003c").replace(">", "\\u003e") + "\n"


def write_exports(
    store: Store, run_id: int, settings: Settings, out_dir: Path, publish_url: str | None = None
) -> dict[str, Path]:
    """Write every export of the run into `out_dir`, each atomically; {file name: path}."""
    files = export_files(store, run_id, settings, publish_url)
    return {name: atomic_write_text(Path(out_dir) / name, text) for name, text in files.items()}


def export_run(
    store: Store,
    settings: Settings,
    out_dir: Path | None,
    *,
    article: str | None = None,
    run_id: int | None = None,
    publish_url: str | None = None,
) -> tuple[int, dict[str, Path]]:
    """`claimcheck export`: the run asked for (`run_id`, else the latest run of the recorded
    `article`) written into `out_dir` (default outputs/<article-slug>-reviewed/)."""
    if run_id is None:
        (found,) = resolve_articles(store, [article or ""])
        latest = store.latest_run(found.id)
        if latest is None:
            raise UsageError(f"{article}: no run recorded yet")
        run_id = latest.id
    location = store.run(run_id).location
    out = out_dir or Path("outputs") / f"{article_slug(location)}-reviewed"
    return run_id, write_exports(store, run_id, settings, out, publish_url)
