"""Editors' decisions through real re-checks over a loopback site: three flags dismissed, one
cited passage reworded; exactly the flag resting on it reopens, and `recheck --fail-on`
alerts on it and not on the dismissed ones. A dismissed flag that comes back unchanged after
its source was down raises no alert; `history` and recheck.md show the decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desk_site import SLEEP_LONG_REVISED, publish, sleep_page, tea_page
from loopback import LoopbackServer, Reply

from pipeline.cli import main
from pipeline.store import DecisionRequest, Store


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def desk(loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """An article of three causal claims on two sources, checked into tmp_path/runs.db."""
    article = publish(loopback, tmp_path)
    db = tmp_path / "runs.db"
    status, _, err = _run(
        capsys,
        "check",
        str(article),
        "--db",
        str(db),
        "--out",
        str(tmp_path / "out"),
        "--allow-private-hosts",
        "--quiet",
    )
    assert status == 0, err
    return article, db


def _dismiss_causal_flags(db: Path) -> dict[str, int]:
    """Dismiss the three CAUSAL_OVERSTATEMENT flags; {claim id: flag index}."""
    with Store(db) as store:
        (article,) = store.articles()
        run = store.latest_run(article.id)
        assert run is not None
        chosen = {flag.claim: index for index, flag in enumerate(run.flags) if flag.code == "CAUSAL_OVERSTATEMENT"}
        assert sorted(chosen) == ["c1", "c2", "c3"]
        for claim, index in chosen.items():
            store.decide(
                DecisionRequest(
                    run.id,
                    "dismiss",
                    "ana",
                    "2025-03-01T09:00:00Z",
                    reason=f"The desk accepts the wording of {claim}.",
                    flag=index,
                )
            )
    return chosen


def _causal_statuses(db: Path) -> dict[str, str]:
    with Store(db) as store:
        (article,) = store.articles()
        run = store.latest_run(article.id)
        assert run is not None
        reviews, _ = store.reviews(run)
        return {
            flag.claim: review.status
            for flag, review in zip(run.flags, reviews, strict=True)
            if flag.code == "CAUSAL_OVERSTATEMENT"
        }


def test_three_dismissed_one_passage_changes_exactly_its_flag_reopens_and_alerts(
    desk: tuple[Path, Path], loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article, db = desk
    _dismiss_causal_flags(db)
    out = tmp_path / "re"
    base = ["recheck", "--db", str(db), "--out", str(out), "--allow-private-hosts"]

    # Nothing changed: the dismissals stand, nothing alerts even at the lowest severity.
    status, _, _ = _run(capsys, *base, "--fail-on", "low")
    assert status == 0
    assert _causal_statuses(db) == {"c1": "dismissed", "c2": "dismissed", "c3": "dismissed"}

    # The survey page rewords the passage c3 rests on; c2's passage on the same page stays.
    loopback.add("/sleep", Reply(body=sleep_page(SLEEP_LONG_REVISED), etag='"s2"'))
    status, _, err = _run(capsys, *base, "--fail-on", "high")
    assert status == 1, err
    assert _causal_statuses(db) == {"c1": "dismissed", "c2": "dismissed", "c3": "reopened"}
    (entry,) = json.loads((out / "recheck.json").read_text())["articles"]
    assert [(flag["claim"], flag["code"]) for flag in entry["reopened_flags"]] == [("c3", "CAUSAL_OVERSTATEMENT")]
    assert entry["reopened_flags"][0]["reopened_because"] == (
        "Reopened: the passage it rests on changed since ana dismissed it on 2025-03-01 "
        "(The desk accepts the wording of c3.)."
    )
    assert entry["reopened_flags"][0]["evidence"] == SLEEP_LONG_REVISED
    # What alerts at --fail-on high is that flag alone: the dismissed c1 and c2 flags are quiet.
    high = [
        (flag["claim"], flag["code"])
        for flag in entry["reopened_flags"] + entry["new_flags"]
        if flag["severity"] == "high" and flag.get("decision", {}).get("status") != "dismissed"
    ]
    assert high == [("c3", "CAUSAL_OVERSTATEMENT")]
    # The only new flags are the re-check's own notice that the page changed (medium
    # SOURCE_CHANGED, on each claim whose evidence included the reworded passage).
    assert {flag["code"] for flag in entry["new_flags"]} == {"SOURCE_CHANGED"}
    assert "1 reopened decision" in err
    markdown = (out / "recheck.md").read_text()
    assert "### Reopened decisions" in markdown and "**Reopened: the passage it rests on changed since ana" in markdown

    # Seen once, the reopening is not news again.
    status, _, _ = _run(capsys, *base, "--fail-on", "high")
    assert status == 0

    status, history, _ = _run(capsys, "history", str(article), "--db", str(db))
    assert status == 0
    decisions = [line for line in history.splitlines() if line.startswith("  decision ")]
    assert len(decisions) == 4
    assert decisions[0].startswith("  decision 2025-03-01T09:00:00Z ana: dismiss CAUSAL_OVERSTATEMENT on c")
    assert (
        decisions[3].startswith("  decision ")
        and " claimcheck: reopen CAUSAL_OVERSTATEMENT on c3: Reopened: " in decisions[3]
    )


def test_a_dismissed_flag_that_comes_back_unchanged_does_not_alert(
    desk: tuple[Path, Path], loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, db = desk
    _dismiss_causal_flags(db)
    base = ["recheck", "--db", str(db), "--out", str(tmp_path / "re"), "--allow-private-hosts"]
    loopback.add("/tea", Reply(status=404, body=b"<html><body>gone</body></html>"))
    status, _, _ = _run(capsys, *base)
    assert status == 0
    # The page is back as it was: its CAUSAL_OVERSTATEMENT flag is "new" since the last run,
    # but the dismissal still stands on it, so nothing alerts.
    loopback.add("/tea", Reply(body=tea_page(), etag='"t1"'))
    status, _, _ = _run(capsys, *base, "--fail-on", "high")
    assert status == 0
    (entry,) = json.loads((tmp_path / "re" / "recheck.json").read_text())["articles"]
    back = [flag for flag in entry["new_flags"] if flag["code"] == "CAUSAL_OVERSTATEMENT"]
    assert [(flag["claim"], flag["decision"]["status"], flag["decision"]["by"]) for flag in back] == [
        ("c1", "dismissed", "ana")
    ]
    assert entry["alerts"] == len(entry["new_flags"]) - 1
    assert _causal_statuses(db)["c1"] == "dismissed"
