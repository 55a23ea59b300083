"""Editors' decisions in the run store: recording one, reading them back, carrying them over
when a run is recorded, and the report a run keeps for the desk.

Split from write.py and read.py so the decision table's SQL sits in one place beside the
rules it serves (`store.decisions`). The table is append-only (triggers refuse UPDATE and
DELETE): a decision taken back is a new `open` row, so the history of every flag is kept.
Two reviewers deciding at once each get their own `BEGIN IMMEDIATE` transaction: the second
waits for the first (up to `busy_timeout`), and neither decision is lost.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from ..config import RecheckSettings
from ..errors import StoreError, UsageError
from .decisions import (
    CLAIM_ACTIONS,
    FLAG_ACTIONS,
    Decision,
    claim_fingerprint,
    flag_fingerprints,
    plan_carry_over,
)
from .read import read_run
from .rows import RunRecord, report_from_blob
from .schema import StoreFile

MAX_REASON_CHARS = 4000
_COLUMNS = (
    "id, article_id, run_id, target, fingerprint, action, reason, reviewer, decided_at, claim, code, ref,"
    " claim_text, evidence, previous"
)


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """A reviewer's decision on one flag (`flag`: its index in the run's flags, in recorded
    order) or one claim (`claim`: its id in the run). `seen`: the newest decision id the
    reviewer had in front of them, so a decision taken meanwhile by someone else is reported."""

    run_id: int
    action: str
    reviewer: str
    decided_at: str
    reason: str = ""
    flag: int | None = None
    claim: str = ""
    seen: int | None = None


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """The decision recorded, and the decisions others took on the same flag or claim after
    the one the reviewer had seen (empty when none)."""

    decision: Decision
    meanwhile: tuple[Decision, ...] = ()


def record_decision(file: StoreFile, request: DecisionRequest) -> DecisionOutcome:
    """Record one decision in its own transaction; UsageError for a decision that cannot be
    taken (unknown flag or claim, wrong action, a dismissal without a reason)."""
    run = read_run(file, request.run_id)
    values = _decision_values(run, request)
    try:
        with file.transaction() as db:
            meanwhile = ()
            if request.seen is not None:
                meanwhile = _select(
                    db,
                    "WHERE article_id = ? AND fingerprint = ? AND id > ? AND reviewer != ? ORDER BY id",
                    (run.article_id, values["fingerprint"], request.seen, request.reviewer),
                )
            decision_id = db.execute(
                f"INSERT INTO decisions ({_COLUMNS.removeprefix('id, ')})"
                " VALUES (:article_id, :run_id, :target, :fingerprint, :action, :reason, :reviewer, :decided_at,"
                " :claim, :code, :ref, :claim_text, :evidence, :previous)",
                values,
            ).lastrowid
    except sqlite3.Error as error:
        raise StoreError(f"{file.path}: cannot record the decision ({error})") from None
    assert decision_id is not None
    return DecisionOutcome(Decision(id=decision_id, **values), meanwhile)


def _decision_values(run: RunRecord, request: DecisionRequest) -> dict[str, Any]:
    reason = request.reason.strip()
    reviewer = " ".join(request.reviewer.split())
    if not reviewer:
        raise UsageError("say who decides: give --reviewer NAME or set CLAIMCHECK_REVIEWER")
    if len(reason) > MAX_REASON_CHARS:
        raise UsageError(f"the reason is too long (at most {MAX_REASON_CHARS} characters)")
    if request.action in ("dismiss", "note") and not reason:
        raise UsageError(f"a {'dismissal' if request.action == 'dismiss' else 'note'} needs a reason: say why")
    common = {"article_id": run.article_id, "run_id": run.id, "action": request.action, "reason": reason}
    common |= {"reviewer": reviewer, "decided_at": request.decided_at, "previous": ""}
    if request.flag is not None:
        if request.action not in FLAG_ACTIONS:
            raise UsageError(f"a flag can be {', '.join(FLAG_ACTIONS)}; not {request.action!r}")
        if not 0 <= request.flag < len(run.flags):
            raise UsageError(f"run {run.id} has no flag {request.flag}")
        flag = run.flags[request.flag]
        texts = {claim.claim: claim.text for claim in run.claims}
        return common | {
            "target": "flag",
            "fingerprint": flag_fingerprints(run)[request.flag],
            "claim": flag.claim,
            "code": flag.code,
            "ref": flag.ref,
            "claim_text": texts.get(flag.claim, ""),
            "evidence": flag.evidence,
        }
    if request.action not in CLAIM_ACTIONS:
        raise UsageError(f"a claim can be {', '.join(CLAIM_ACTIONS)}; not {request.action!r}")
    claim = next((claim for claim in run.claims if claim.claim == request.claim), None)
    if claim is None:
        raise UsageError(f"run {run.id} has no claim {request.claim!r}")
    return common | {
        "target": "claim",
        "fingerprint": claim_fingerprint(claim.text),
        "claim": claim.claim,
        "code": "",
        "ref": "",
        "claim_text": claim.text,
        "evidence": "",
    }


def read_decisions(file: StoreFile, article_id: int) -> tuple[Decision, ...]:
    """Every decision on the article's flags and claims, oldest first."""
    return _select(file.db, "WHERE article_id = ? ORDER BY id", (article_id,))


def carry_over(file: StoreFile, db: sqlite3.Connection, run: RunRecord, settings: RecheckSettings) -> int:
    """Reopen, in the transaction recording `run` (ids filled in), the decisions its changes
    call for (`store.decisions.plan_carry_over`); returns how many were reopened."""
    row = db.execute(
        "SELECT id FROM runs WHERE article_id = ? AND id != ? ORDER BY checked_at DESC, id DESC LIMIT 1",
        (run.article_id, run.id),
    ).fetchone()
    if row is None:
        return 0
    decisions = _select(db, "WHERE article_id = ? ORDER BY id", (run.article_id,))
    if not decisions:
        return 0
    previous = read_run(file, int(row[0]))
    reopenings = plan_carry_over(previous, run, decisions, settings.decision_claim_similar_min)
    db.executemany(
        f"INSERT INTO decisions ({_COLUMNS.removeprefix('id, ')})"
        " VALUES (?, ?, ?, ?, 'reopen', ?, 'claimcheck', ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run.article_id,
                run.id,
                item.target,
                item.fingerprint,
                item.reason,
                run.checked_at,
                item.claim,
                item.code,
                item.ref,
                item.claim_text,
                item.evidence,
                item.previous,
            )
            for item in reopenings
        ],
    )
    return len(reopenings)


def read_run_report(file: StoreFile, run_id: int) -> tuple[dict[str, Any], str] | None:
    """The run's report document and article text, or None for a run recorded without them
    (before the store kept them)."""
    row = file.db.execute("SELECT report FROM run_reports WHERE run_id = ?", (run_id,)).fetchone()
    return report_from_blob(row[0]) if row else None


def _select(db: sqlite3.Connection, where: str, parameters: tuple[Any, ...]) -> tuple[Decision, ...]:
    return tuple(Decision(*row) for row in db.execute(f"SELECT {_COLUMNS} FROM decisions {where}", parameters))
