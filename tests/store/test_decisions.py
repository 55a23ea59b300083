"""Editors' decisions in the run store: recorded as append-only history, tied to flags by
fingerprint (not row or claim ids), carried over to later runs while the claim and its
evidence are unchanged, reopened with a reason when either changes, and never lost when
two writers decide at once."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.store import (
    ClaimRow,
    DecisionRequest,
    FlagRow,
    RunRecord,
    SnapshotRow,
    SourceCheck,
    Store,
    flag_fingerprints,
)

CLAIM = "Brisk walking every day lowers blood pressure in adults."
PASSAGE = "Adults who walked briskly had lower blood pressure after twelve weeks."
OTHER = "Participants who cycled reported better sleep."


def _source(ref: str, text_hash: str, status: str = "ok") -> SourceCheck:
    url = f"https://example.org/{ref}"
    snapshot = None
    if status == "ok":
        snapshot = SnapshotRow(
            url,
            Path("/x.warc.gz"),
            f"urn:{ref}{text_hash}",
            "2025-01-01T00:00:00Z",
            200,
            url,
            "text/html",
            "c" + text_hash,
            text_hash,
        )
    return SourceCheck(ref, url, status, 200 if status == "ok" else 404, snapshot=snapshot)


def _run(
    checked_at: str,
    *,
    claims: tuple[ClaimRow, ...] | None = None,
    flags: tuple[FlagRow, ...] | None = None,
    sources: tuple[SourceCheck, ...] | None = None,
) -> RunRecord:
    return RunRecord(
        location="/desk/walking.md",
        title="Walking",
        kind="check",
        mode="live",
        checked_at=checked_at,
        settings_hash="s",
        article_sha256="a",
        archive=None,
        summary={},
        claims=claims
        or (ClaimRow("c1", CLAIM, "", ("1",), "supported", 0.8), ClaimRow("c2", OTHER, "", ("2",), "supported", 0.7)),
        flags=flags
        or (
            FlagRow("c1", "CAUSAL_OVERSTATEMENT", "high", "Causal wording.", "1", PASSAGE),
            FlagRow("c2", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
        ),
        sources=sources or (_source("1", "t1"), _source("2", "t2")),
    )


def _decide(store: Store, run: RunRecord, action: str, flag: int, reason: str = "", who: str = "ana") -> None:
    store.decide(DecisionRequest(run.id, action, who, "2025-02-01T10:00:00Z", reason=reason, flag=flag))


def _statuses(store: Store, run: RunRecord) -> list[str]:
    return [review.status for review in store.reviews(run)[0]]


def test_a_decision_is_recorded_with_who_when_what_why_and_its_history_kept(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        run = store.record_run(_run("2025-01-01T00:00:00Z"))
        _decide(store, run, "dismiss", 0, "The trial was randomised: table 2.")
        _decide(store, run, "note", 0, "Asked the writer to cite the table.", who="ben")
        _decide(store, run, "confirm", 1, who="ben")
        flags, _ = store.reviews(run)
        assert [review.status for review in flags] == ["dismissed", "confirmed"]
        history = flags[0].history
        assert [(d.action, d.reviewer, d.reason) for d in history] == [
            ("dismiss", "ana", "The trial was randomised: table 2."),
            ("note", "ben", "Asked the writer to cite the table."),
        ]
        assert history[0].decided_at == "2025-02-01T10:00:00Z" and history[0].code == "CAUSAL_OVERSTATEMENT"
        assert flags[0].latest is not None and flags[0].latest.action == "dismiss"  # a note sets no status
        _decide(store, run, "open", 0, who="ben")
        assert _statuses(store, run) == ["open", "confirmed"]
        assert store.count("decisions") == 4  # taking a decision back is a new row: history stays


def test_the_decision_table_refuses_changes_and_deletions(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        run = store.record_run(_run("2025-01-01T00:00:00Z"))
        _decide(store, run, "confirm", 0)
    db = sqlite3.connect(tmp_path / "runs.db")
    for statement in ("UPDATE decisions SET action = 'dismiss'", "DELETE FROM decisions"):
        with pytest.raises(sqlite3.IntegrityError, match="decisions are history"):
            db.execute(statement)
    db.close()


@pytest.mark.parametrize(
    ("request_fields", "message"),
    [
        ({"action": "dismiss", "flag": 0}, "a dismissal needs a reason: say why"),
        ({"action": "dismiss", "flag": 0, "reason": "   "}, "a dismissal needs a reason: say why"),
        ({"action": "note", "flag": 0}, "a note needs a reason: say why"),
        ({"action": "fixed", "flag": 0}, "a flag can be confirm, dismiss, note, open; not 'fixed'"),
        ({"action": "confirm", "flag": 7}, "run 1 has no flag 7"),
        ({"action": "confirm", "claim": "c1"}, "a claim can be fixed, note, open; not 'confirm'"),
        ({"action": "fixed", "claim": "c9"}, "run 1 has no claim 'c9'"),
        (
            {"action": "confirm", "flag": 0, "reviewer": " "},
            "say who decides: give --reviewer NAME or set CLAIMCHECK_REVIEWER",
        ),
    ],
)
def test_a_decision_that_cannot_be_taken_is_one_clear_error(
    tmp_path: Path, request_fields: dict[str, object], message: str
) -> None:
    with Store(tmp_path / "runs.db") as store:
        run = store.record_run(_run("2025-01-01T00:00:00Z"))
        fields = {"run_id": run.id, "reviewer": "ana", "decided_at": "2025-02-01T10:00:00Z", **request_fields}
        with pytest.raises(UsageError) as raised:
            store.decide(DecisionRequest(**fields))  # type: ignore[arg-type]
        assert str(raised.value) == message
        assert store.count("decisions") == 0


def test_fingerprints_ignore_ids_and_white_space_but_not_words() -> None:
    base = _run("2025-01-01T00:00:00Z")
    renumbered = _run(
        "2025-01-02T00:00:00Z",
        claims=(
            ClaimRow("c7", "Brisk  walking every day\nlowers blood pressure in adults.", "", ("1",), "supported", 0.8),
            ClaimRow("c8", OTHER, "", ("2",), "supported", 0.7),
        ),
        flags=(
            FlagRow("c7", "CAUSAL_OVERSTATEMENT", "high", "Other words.", "1", PASSAGE.replace(" had ", " had  ")),
            FlagRow("c8", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
        ),
    )
    assert flag_fingerprints(renumbered) == flag_fingerprints(base)
    reworded = _run(
        "2025-01-02T00:00:00Z",
        flags=(
            FlagRow("c1", "CAUSAL_OVERSTATEMENT", "high", "Causal wording.", "1", PASSAGE.replace("twelve", "ten")),
            FlagRow("c2", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
        ),
    )
    first, second = flag_fingerprints(reworded)
    assert first != flag_fingerprints(base)[0] and second == flag_fingerprints(base)[1]
    # A flag quoting no passage rests on its source's text: a changed page changes it.
    changed_page = _run("2025-01-02T00:00:00Z", sources=(_source("1", "t1"), _source("2", "t2-new")))
    assert flag_fingerprints(changed_page) == (flag_fingerprints(base)[0], flag_fingerprints(changed_page)[1])
    assert flag_fingerprints(changed_page)[1] != flag_fingerprints(base)[1]
    # Two flags alike in everything are told apart by their order.
    twice = _run("2025-01-01T00:00:00Z", flags=(base.flags[0], base.flags[0]))
    assert len(set(flag_fingerprints(twice))) == 2


def test_an_unchanged_flag_keeps_its_decision_in_the_next_run(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        first = store.record_run(_run("2025-01-01T00:00:00Z"))
        _decide(store, first, "dismiss", 0, "Table 2 of the trial says it.")
        _decide(store, first, "confirm", 1)
        # The article was edited above the claims: new ids, same words.
        renumbered = _run(
            "2025-01-08T00:00:00Z",
            claims=(
                ClaimRow("c4", CLAIM, "", ("1",), "supported", 0.8),
                ClaimRow("c5", OTHER, "", ("2",), "supported", 0.7),
            ),
            flags=(
                FlagRow("c4", "CAUSAL_OVERSTATEMENT", "high", "Causal wording.", "1", PASSAGE),
                FlagRow("c5", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
            ),
        )
        second = store.record_run(renumbered)
        assert _statuses(store, second) == ["dismissed", "confirmed"]
        assert store.count("decisions") == 2  # carried by fingerprint: nothing written


def test_changed_evidence_reopens_only_the_flag_resting_on_it_and_says_why(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        first = store.record_run(_run("2025-01-01T00:00:00Z"))
        _decide(store, first, "dismiss", 0, "Table 2 of the trial says it.")
        _decide(store, first, "dismiss", 1, "The writer cited the wrong page; fixed upstream.")
        changed = _run(
            "2025-01-08T00:00:00Z",
            flags=(
                FlagRow("c1", "CAUSAL_OVERSTATEMENT", "high", "Causal wording.", "1", PASSAGE.replace("twelve", "six")),
                FlagRow("c2", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
            ),
        )
        second = store.record_run(changed)
        flags, _ = store.reviews(second)
        assert [review.status for review in flags] == ["reopened", "dismissed"]
        reopened = flags[0].latest
        assert reopened is not None and reopened.reviewer == "claimcheck" and reopened.run_id == second.id
        assert reopened.reason == (
            "Reopened: the passage it rests on changed since ana dismissed it on 2025-02-01 "
            "(Table 2 of the trial says it.)."
        )
        # The history shows the dismissal it was reopened from.
        assert [d.action for d in flags[0].history] == ["dismiss", "reopen"]
        # The same change seen again in a third run is not reopened a second time.
        third = store.record_run(dataclasses.replace(changed, checked_at="2025-01-15T00:00:00Z"))
        assert _statuses(store, third) == ["reopened", "dismissed"]
        assert store.count("decisions") == 3


def test_a_reworded_claim_reopens_its_decision_and_another_claim_starts_undecided(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        first = store.record_run(_run("2025-01-01T00:00:00Z"))
        _decide(store, first, "confirm", 0)
        _decide(store, first, "dismiss", 1, "Checked by phone with the author.")
        store.decide(DecisionRequest(first.id, "fixed", "ana", "2025-02-01T11:00:00Z", claim="c2"))
        edited = _run(
            "2025-01-08T00:00:00Z",
            claims=(
                ClaimRow(
                    "c1", "Brisk walking every day may lower blood pressure in adults.", "", ("1",), "supported", 0.8
                ),
                ClaimRow(
                    "c2", "Swimming twice a week improves lung capacity in teenagers.", "", ("2",), "supported", 0.7
                ),
            ),
            flags=(
                FlagRow("c1", "CAUSAL_OVERSTATEMENT", "high", "Causal wording.", "1", PASSAGE),
                FlagRow("c2", "UNSUPPORTED", "high", "Nothing says so.", "2", ""),
            ),
        )
        second = store.record_run(edited)
        flags, claims = store.reviews(second)
        assert [review.status for review in flags] == ["reopened", "open"]
        assert flags[0].latest is not None and flags[0].latest.reason.startswith(
            "Reopened: the claim's text changed since ana confirmed it on 2025-02-01"
        )
        assert claims["c2"].status == "open"  # a different sentence, not the one marked fixed
        assert claims["c1"].status == "open"


def test_a_claim_fixed_in_the_draft_stays_fixed_until_its_text_changes(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        first = store.record_run(_run("2025-01-01T00:00:00Z"))
        store.decide(DecisionRequest(first.id, "fixed", "ana", "2025-02-01T11:00:00Z", claim="c1"))
        same = store.record_run(_run("2025-01-02T00:00:00Z"))
        assert store.reviews(same)[1]["c1"].status == "fixed"
        edited = store.record_run(
            _run(
                "2025-01-03T00:00:00Z",
                claims=(
                    ClaimRow(
                        "c1",
                        "Brisk walking every day can lower blood pressure in adults.",
                        "",
                        ("1",),
                        "supported",
                        0.8,
                    ),
                    ClaimRow("c2", OTHER, "", ("2",), "supported", 0.7),
                ),
            )
        )
        review = store.reviews(edited)[1]["c1"]
        assert review.status == "reopened"
        assert review.latest is not None and review.latest.reason.startswith(
            "Reopened: the claim's text changed since ana marked fixed in the draft it on 2025-02-01"
        )


def test_two_writers_deciding_at_once_lose_no_decision(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with Store(path) as store:
        run = store.record_run(_run("2025-01-01T00:00:00Z"))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def reviewer(name: str) -> None:
        try:
            with Store(path) as own:  # one connection each, as two server threads or processes have
                barrier.wait()
                for index in range(25):
                    own.decide(
                        DecisionRequest(
                            run.id,
                            "note",
                            name,
                            f"2025-02-01T10:00:{index:02d}Z",
                            reason=f"{name} {index}",
                            flag=index % 2,
                        )
                    )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=reviewer, args=(name,)) for name in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(path) as store:
        notes = [(d.reviewer, d.reason) for d in store.decisions(run.article_id)]
    assert sorted(notes) == sorted((name, f"{name} {index}") for name in ("ana", "ben") for index in range(25))


def test_a_decision_taken_meanwhile_by_someone_else_is_reported(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.db") as store:
        run = store.record_run(_run("2025-01-01T00:00:00Z"))
        seen = store.reviews(run)[0][0].last_id
        store.decide(DecisionRequest(run.id, "confirm", "ben", "2025-02-01T10:00:00Z", flag=0, seen=seen))
        outcome = store.decide(
            DecisionRequest(run.id, "dismiss", "ana", "2025-02-01T10:00:05Z", reason="Fine as is.", flag=0, seen=seen)
        )
        assert [(d.reviewer, d.action) for d in outcome.meanwhile] == [("ben", "confirm")]
        assert _statuses(store, run)[0] == "dismissed"  # both kept; the later one stands
