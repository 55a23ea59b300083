"""The run store's rows: what one run, one source check, one snapshot looks like when
recorded, and the few pure rules that belong to them (a source's link state, an extracted
Source as a blob).

Split from store.py so the records every user of the store exchanges (runner, recheck,
reports, tests) sit apart from the SQL that stores them; nothing here touches the database.

Link states (`link_state`): a source is `failing` from its first failed check and `dead`
only once it has failed `dead_after_failures` checks in a row spread over at least
`dead_after_days` (InternetArchiveBot's practice: one bad day is not a dead link).
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import RecheckSettings
from ..records import Identifiers, Lookup, Passage, ReadFrom, ServiceAnswer, Source


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """An archived response: where its bytes are (`archive` absolute, `record_id`) and what
    they hash to. `id` is 0 until stored."""

    url: str
    archive: Path
    record_id: str
    fetched_at: str
    http_status: int | None
    final_url: str
    content_type: str
    content_sha256: str
    text_sha256: str
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = ()
    id: int = 0


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """One reference's state in one run. `state`: ok | failing | dead | unavailable (a
    failure that is not link rot: refused for its size or type, blocked); `failures` and
    `failing_since` describe the URL's failure streak after this run."""

    ref: str
    url: str
    status: str
    http_status: int | None = None
    reason: str = ""
    final_url: str = ""
    snapshot: SnapshotRow | None = None
    not_modified: bool = False
    state: str = "ok"
    failures: int = 0
    failing_since: str = ""
    extraction: bytes = b""  # source_blob of the extracted Source (ok sources), to keep


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim and its verdict in one run."""

    claim: str
    text: str
    section: str
    citations: tuple[str, ...]
    verdict: str
    score: float


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """A passage judged against a claim in one run (`passage` is its text, kept so a later
    run can tell whether the page still says it)."""

    claim: str
    ref: str
    passage_id: str
    passage: str
    score: float
    relation: str


@dataclass(frozen=True, slots=True)
class FlagRow:
    """A flag raised in one run."""

    claim: str
    code: str
    severity: str
    message: str
    ref: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run, as recorded (`id`/`article_id` are 0 until stored)."""

    location: str
    title: str
    kind: str
    mode: str
    checked_at: str
    settings_hash: str
    article_sha256: str
    archive: Path | None
    summary: Mapping[str, Any]
    claims: tuple[ClaimRow, ...] = ()
    evidence: tuple[EvidenceRow, ...] = ()
    flags: tuple[FlagRow, ...] = ()
    sources: tuple[SourceCheck, ...] = ()
    id: int = 0
    article_id: int = 0
    extraction_key: str = ""
    # The run's report.json document and article text (`report_blob`), kept for the editor's
    # desk (`claimcheck review`) and its exports; read back with `Store.run_report`.
    report: bytes = b""
    # Scholarly answers this run received worth keeping (not read back with the run).
    answers: tuple[ServiceAnswer, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """A recorded article, its schedule (`every_seconds`, 0 = not watched) and last run."""

    id: int
    location: str
    title: str
    added_at: str
    every_seconds: int = 0
    last_run_at: str = ""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What the store knows about a URL now: validators, last good snapshot, failure streak."""

    url: str
    etag: str
    last_modified: str
    content_sha256: str
    snapshot: SnapshotRow | None
    status: str
    failures: int
    failing_since: str
    last_ok_at: str = ""


def parse_time(stamp: str) -> datetime:
    """A stored time ("2024-05-01T12:00:00Z") as an aware datetime."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def link_state(failures: int, failing_since: str, checked_at: str, settings: RecheckSettings) -> str:
    """ "ok" with no failure streak, "dead" after `dead_after_failures` failures in a row over
    at least `dead_after_days`, "failing" in between."""
    if failures <= 0:
        return "ok"
    span_days = (parse_time(checked_at) - parse_time(failing_since)).total_seconds() / 86400
    if failures >= settings.dead_after_failures and span_days >= settings.dead_after_days:
        return "dead"
    return "failing"


def report_blob(document: Mapping[str, Any], article_text: str) -> bytes:
    """A run's report document and article text as zlib-compressed JSON, for run_reports."""
    payload = {"document": document, "article_text": article_text}
    return zlib.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), 6)


def report_from_blob(blob: bytes) -> tuple[dict[str, Any], str] | None:
    """(document, article text) from a `report_blob`, or None when it cannot be read as one."""
    try:
        payload = json.loads(zlib.decompress(blob))
        return dict(payload["document"]), str(payload["article_text"])
    except (zlib.error, ValueError, TypeError, KeyError):
        return None


def source_blob(source: Source) -> bytes:
    """`source` as zlib-compressed JSON, for the extractions table."""
    return zlib.compress(json.dumps(dataclasses.asdict(source), ensure_ascii=False).encode("utf-8"), 6)


def source_from_blob(blob: bytes) -> Source | None:
    """The Source `source_blob` made, or None when the blob cannot be read as one."""
    try:
        data = json.loads(zlib.decompress(blob))
        passages = tuple(Passage(**_tuples(passage)) for passage in data.pop("passages"))
        identifiers = Identifiers(**data.pop("identifiers"))
        read_from = data.pop("read_from")
        if read_from is not None:
            lookups = tuple(Lookup(**lookup) for lookup in read_from.pop("lookups"))
            read_from = ReadFrom(**read_from, lookups=lookups)
        return Source(**_tuples(data), passages=passages, identifiers=identifiers, read_from=read_from)
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError):
        return None


def _tuples(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: tuple(value) if isinstance(value, list) else value for name, value in fields.items()}

