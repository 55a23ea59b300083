"""The run store: every check and re-check of an article, in one SQLite file.

Tables (migrations in `schema` are named and recorded in `schema_migrations`):

    articles      one row per article location (an absolute path or a URL)
    runs          one row per check or re-check: when, settings fingerprint, article hash,
                  the WARC holding its snapshots, a summary
    sources       one row per cited URL: validators (ETag, Last-Modified), the last good
                  snapshot, and the current failure streak (count and since when)
    snapshots     one row per archived response: WARC file and record, content and
                  extracted-text hashes
    run_sources   each reference's state in each run (status, link state, snapshot used,
                  whether the site answered 304 Not Modified)
    claims, evidence, flags      what each run found
    run_reports   each run's report document and article text (for the editor's desk)
    decisions     editors' decisions on flags and claims, append-only history
    watches       re-check schedules (`claimcheck watch`)
    extractions   a snapshot's extracted Source (zlib-compressed JSON), keyed by everything
                  extraction depends on besides the bytes (`extraction_key`): a page that
                  answers 304 is not extracted again under the same settings and version
    judge_answers what a judge other than the default answered, by judge id, claim hash and
                  passage hash (`Store.judge_cache()`): nothing is asked twice

Safety: the file is in WAL mode, so readers never block the writer; every write is one
`BEGIN IMMEDIATE` transaction, so two processes recording at once queue (up to
`busy_timeout`) instead of interleaving, and a process killed mid-run leaves either the whole
run or none of it. WARC files live in `<db stem>.snapshots/` beside the database and are
recorded relative to its folder, so the store can be moved as a whole.

The package is the public face: `Store`, and every name callers use, re-exported. The work is
split by seam, so each part stays small enough to read whole:

    runstore  the `Store` object: one open store file and the operations on it
    schema    migrations, the connection, transactions, recorded WARC paths
    rows      the row records, link states, extractions as blobs
    runs      a finished check as a RunRecord; settings and extraction fingerprints
    write     recording a run (validators, failure streaks), watch schedules
    read      reading articles, runs, sources and extractions back
    judge_cache  the store as the judges' answer cache
    decisions editors' decisions as records; flag fingerprints; what carries over (pure)
    deciding  recording and reading decisions, reopening them when a run is recorded

Takes: finished Reports (from the runner) and their archives; editors' decisions. Gives:
runs, snapshots, schedules and decisions read back, for the re-check, the history and the
editor's desk.
"""

from __future__ import annotations

from .deciding import DecisionOutcome, DecisionRequest
from .decisions import (
    CLAIM_ACTIONS,
    FLAG_ACTIONS,
    STATUSES,
    SYSTEM_REVIEWER,
    Decision,
    Review,
    claim_fingerprint,
    flag_fingerprints,
    folded,
)
from .judge_cache import StoreJudgeCache
from .rows import (
    ArticleRow,
    ClaimRow,
    EvidenceRow,
    FlagRow,
    RunRecord,
    SnapshotRow,
    SourceCheck,
    SourceRow,
    link_state,
    parse_time,
    source_blob,
    source_from_blob,
)
from .runs import extraction_key, run_from_report, settings_fingerprint, text_sha256
from .runstore import DEFAULT_DB, Store
from .schema import MIGRATIONS

__all__ = [
    "CLAIM_ACTIONS",
    "DEFAULT_DB",
    "FLAG_ACTIONS",
    "MIGRATIONS",
    "STATUSES",
    "SYSTEM_REVIEWER",
    "ArticleRow",
    "ClaimRow",
    "Decision",
    "DecisionOutcome",
    "DecisionRequest",
    "EvidenceRow",
    "FlagRow",
    "Review",
    "RunRecord",
    "SnapshotRow",
    "SourceCheck",
    "SourceRow",
    "Store",
    "StoreJudgeCache",
    "claim_fingerprint",
    "extraction_key",
    "flag_fingerprints",
    "folded",
    "link_state",
    "parse_time",
    "run_from_report",
    "settings_fingerprint",
    "source_blob",
    "source_from_blob",
    "text_sha256",
]
