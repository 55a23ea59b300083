"""From a finished check to the run the store records: `run_from_report` turns a Report (and
the fetch results behind it) into a RunRecord, and the fingerprints say what the run depended
on (`settings_fingerprint`, `extraction_key`).

Split from store.py because this is pure record-to-record work, done before any SQL: the
runner and recheck call it, then hand the RunRecord to `Store.record_run`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Settings
from ..records import FetchFailure, Passage, Report, Resolution, Snapshot, Source
from ..report.json_report import read_from_entry, read_from_text, report_document
from .rows import (
    ClaimRow,
    EvidenceRow,
    FlagRow,
    RunRecord,
    SnapshotRow,
    SourceCheck,
    report_blob,
    source_blob,
)


def settings_fingerprint(settings: Settings) -> str:
    """A short hash of every setting and data file a run used: a re-check with other
    settings can then say its verdicts may differ for that reason alone."""
    return _fingerprint(settings)


def extraction_key(settings: Settings) -> str:
    """What an extracted Source depends on besides the page's bytes: the [extract] settings,
    the lexicons and source-kind table, the claimcheck version, and the shape of the records
    (a field added to Source or Passage makes every stored extraction stale)."""
    shape = [f.name for record in (Source, Passage) for f in dataclasses.fields(record)]
    return _fingerprint([__version__, shape, settings.extract, settings.lexicons, settings.source_kinds])


def _fingerprint(value: Any) -> str:
    def plain(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {str(key): plain(inner) for key, inner in item.items()}
        if isinstance(item, (list, tuple)):
            return [plain(inner) for inner in item]
        if hasattr(item, "__dataclass_fields__"):
            return {name: plain(getattr(item, name)) for name in item.__dataclass_fields__}
        return item

    text = json.dumps(plain(value), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def text_sha256(text: str) -> str:
    """The hash of a source's extracted text (a page whose markup changed but whose text did
    not has not changed for a reader)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header_value(headers: Sequence[tuple[str, str]], name: str) -> str:
    """The last value of header `name` (case-insensitive), or ""."""
    found = [value for key, value in headers if key.lower() == name]
    return found[-1].strip() if found else ""


def run_from_report(
    report: Report,
    fetched: Sequence[Snapshot | FetchFailure],
    *,
    location: str,
    kind: str,
    mode: str,
    settings_hash: str,
    archive: Path | None,
    reused: Mapping[str, SnapshotRow] | None = None,
    extraction: str = "",
    resolutions: Sequence[Resolution] = (),
) -> RunRecord:
    """The RunRecord of a finished run. `reused` maps reference ids whose site answered 304
    to the stored snapshot that stood in for the answer (no new snapshot row is made).
    With an `extraction` key, each readable source's extraction is kept for later re-checks.
    The scholarly answers in `resolutions` are kept for later runs. A source read from
    elsewhere than its page (an abstract, an archived copy) is recorded with the status its
    page got: the link's health is the page's, whatever stood in for it."""
    reused = reused or {}
    by_ref = {result.reference_id: result for result in fetched}
    checks = []
    for source in report.sources:
        result = by_ref.get(source.id)
        snapshot = reused.get(source.id)
        page = source.read_from.page_status if source.read_from and source.read_from.page_status else source.status
        if snapshot is None and isinstance(result, Snapshot) and page == "ok" and archive is not None:
            snapshot = SnapshotRow(
                url=source.url,
                archive=archive,
                record_id=result.archived_as.partition("#")[2],
                fetched_at=result.fetched_at,
                http_status=result.http_status,
                final_url=result.final_url,
                content_type=result.content_type,
                content_sha256=result.content_sha256,
                text_sha256=text_sha256(source.text),
                etag=header_value(result.headers, "etag"),
                last_modified=header_value(result.headers, "last-modified"),
                redirects=result.redirects,
            )
        checks.append(
            SourceCheck(
                ref=source.id,
                url=source.url,
                status=page,
                http_status=source.http_status,
                reason=source.reason or read_from_text(read_from_entry(source)),
                final_url=source.final_url,
                snapshot=snapshot,
                not_modified=source.id in reused,
                extraction=source_blob(source) if extraction and snapshot is not None else b"",
            )
        )
    passages = {passage.id: passage.text for source in report.sources for passage in source.passages}
    judgements = {judgement.claim_id: judgement for judgement in report.judgements}
    claims = tuple(
        ClaimRow(
            claim=claim.id,
            text=claim.text,
            section=claim.section,
            citations=claim.checked_citations,
            verdict=judgements[claim.id].verdict if claim.id in judgements else "unverifiable",
            score=judgements[claim.id].score if claim.id in judgements else 0.0,
        )
        for claim in report.article.claims
    )
    evidence = tuple(
        EvidenceRow(
            item.claim_id, item.source_id, item.passage_id, passages.get(item.passage_id, ""), item.score, item.relation
        )
        for item in report.evidence
    )
    flags = tuple(
        FlagRow(flag.claim_id, flag.code, flag.severity, flag.message, flag.source_id, flag.evidence)
        for flag in report.flags
    )
    return RunRecord(
        location=location,
        title=report.article.title,
        kind=kind,
        mode=mode,
        checked_at=report.checked_at,
        settings_hash=settings_hash,
        article_sha256=report.article.sha256,
        archive=archive,
        summary=run_summary(claims, flags, checks),
        claims=claims,
        evidence=evidence,
        flags=flags,
        sources=tuple(checks),
        extraction_key=extraction,
        report=report_blob(report_document(report), report.article.text),
        answers=tuple(answer for resolution in resolutions for answer in resolution.answers),
    )


def run_summary(claims: Sequence[ClaimRow], flags: Sequence[FlagRow], sources: Sequence[SourceCheck]) -> dict[str, Any]:
    """Counts shown by `history`: claims by verdict, flags by severity, sources by status."""

    def count(values: Iterable[str]) -> dict[str, int]:
        return dict(sorted(Counter(values).items()))

    return {
        "claims": len(claims),
        "by_verdict": count(claim.verdict for claim in claims),
        "flags": len(flags),
        "by_severity": count(flag.severity for flag in flags),
        "sources": len(sources),
        "sources_unavailable": sum(1 for source in sources if source.status != "ok"),
    }

