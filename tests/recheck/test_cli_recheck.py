"""The run-store commands from the command line: check --db / --no-db, recheck, watch,
history; exact error lines; exit statuses for a scheduler; and real processes re-checking at
once, or killed with SIGKILL half-way."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from pipeline.cli import main
from pipeline.store import Store

ROOT = Path(__file__).resolve().parents[2]
FINDING = "Adults who walked briskly for thirty minutes a day had lower resting blood pressure after twelve weeks."


def _page(*paragraphs: str) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"<html><head><title>A trial</title></head><body><article><h1>A trial</h1>{body}</article></body></html>".encode()


def _article(folder: Path, name: str, url: str) -> Path:
    path = folder / f"{name}.md"
    path.write_text(
        f"# {name.title()}\n\nBrisk walking for thirty minutes a day lowers resting blood pressure [1].\n\n"
        f"## Sources\n1. A walking trial. {url}\n",
        encoding="utf-8",
    )
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def recorded(loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """One article checked from the command line into tmp_path/runs.db."""
    loopback.add("/study", Reply(body=_page("Researchers followed 240 adults for twelve weeks.", FINDING), etag='"v1"'))
    article = _article(tmp_path, "walking", loopback.url("/study"))
    db = tmp_path / "runs.db"
    status, out, err = _run(
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


def test_check_records_the_run_and_recheck_reports_changes_with_exit_status(
    recorded: tuple[Path, Path], loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article, db = recorded
    out = tmp_path / "re"
    base = ["recheck", "--db", str(db), "--out", str(out), "--allow-private-hosts", "--fail-on", "medium"]
    status, stdout, stderr = _run(capsys, *base)
    assert status == 0
    assert stdout.startswith("1 article re-checked, 0 with changes; ") and stdout.rstrip().endswith(
        str(out / "recheck.md")
    )
    assert stderr == f"claimcheck: recheck 1/1 {article.resolve()}: no change\n"
    document = json.loads((out / "recheck.json").read_text())
    assert document["schema"] == "claimcheck.recheck/1"
    assert document["summary"]["sources_not_modified"] == 1

    loopback.add("/study", Reply(body=_page("This summary is being revised."), etag='"v2"'))
    status, _, stderr = _run(capsys, *base)
    assert status == 1  # new medium-or-worse flags: a scheduler alerts
    assert "1 verdict change, " in stderr and "1 source changed" in stderr
    (entry,) = json.loads((out / "recheck.json").read_text())["articles"]
    assert entry["verdict_changes"][0]["from"] == "supported"
    assert "SOURCE_CHANGED" in [flag["code"] for flag in entry["new_flags"]]
    assert entry["sources"]["changed"][0]["passages"][0]["diff"] == [{"op": "-", "text": FINDING}]

    # Nothing new since: the same flags are not "new" again, so no alert.
    status, _, _ = _run(capsys, *base)
    assert status == 0

    status, history, _ = _run(capsys, "history", str(article), "--db", str(db))
    assert status == 0
    lines = history.splitlines()
    assert lines[0] == f"Walking ({article.resolve()})"
    assert sum(1 for line in lines if "  run " in line) == 4
    assert any(line.startswith("  verdict c1: supported -> ") for line in lines)
    assert any(line.startswith("  + SOURCE_CHANGED (medium) on c1") for line in lines)
    status, as_json, _ = _run(capsys, "history", str(article), "--db", str(db), "--json")
    assert [run["kind"] for run in json.loads(as_json)["runs"]] == ["check", "recheck", "recheck", "recheck"]


def test_no_db_records_nothing_and_the_default_store_can_be_set_by_environment(
    loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.add("/study", Reply(body=_page(FINDING)))
    article = _article(tmp_path, "walking", loopback.url("/study"))
    monkeypatch.chdir(tmp_path)
    common = ["check", str(article), "--allow-private-hosts", "--quiet", "--out", str(tmp_path / "out")]
    assert _run(capsys, *common, "--no-db")[0] == 0
    assert not (tmp_path / "outputs").exists()
    monkeypatch.setenv("CLAIMCHECK_DB", str(tmp_path / "elsewhere.db"))
    assert _run(capsys, *common)[0] == 0
    with Store(tmp_path / "elsewhere.db", create=False) as store:
        assert store.count("runs") == 1
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["recheck", "--db", "{tmp}/none.db"],
            "{tmp}/none.db: no run store here (record a run first: claimcheck check ARTICLE --db {tmp}/none.db)",
        ),
        (
            ["recheck", "{tmp}/other.md", "--db", "{db}"],
            "{tmp}/other.md: not in the run store (record it first: claimcheck check {tmp}/other.md)",
        ),
        (["recheck", "{article}", "--due", "--db", "{db}"], "give ARTICLE ... or --due, not both"),
        (
            ["watch", "add", "{article}", "--every", "weekly", "--db", "{db}"],
            "--every 'weekly': give a number and a unit, m, h, d or w (e.g. 7d), of at least 1m",
        ),
        (["watch", "add", "{tmp}/missing.md", "--every", "7d", "--db", "{db}"], "{tmp}/missing.md: article not found"),
        (["watch", "remove", "{article}", "--db", "{db}"], "{article}: not watched"),
        (
            ["history", "{tmp}/other.md", "--db", "{db}"],
            "{tmp}/other.md: not in the run store (record it first: claimcheck check {tmp}/other.md)",
        ),
        (["check", "{article}", "--db", "{db}", "--no-db"], "give either --db PATH or --no-db, not both"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    recorded: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    article, db = recorded
    values = {"tmp": str(tmp_path), "db": str(db), "article": str(article)}
    status, out, err = _run(capsys, *[part.format(**values) for part in argv])
    assert (status, out, err) == (2, "", f"claimcheck: error: {line.format(**values)}\n")


def test_watch_add_list_remove_and_recheck_due(
    recorded: tuple[Path, Path], loopback: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article, db = recorded
    later = _article(tmp_path, "later", loopback.url("/study"))
    assert _run(capsys, "watch", "add", str(article), "--every", "7d", "--db", str(db))[1] == (
        f"watching {article.resolve()} every 1w\n"
    )
    _run(capsys, "watch", "add", str(later), "--every", "12h", "--db", str(db))
    status, listing, _ = _run(capsys, "watch", "list", "--db", str(db))
    lines = listing.splitlines()
    assert lines[0].startswith("every   1w  last run 20") and lines[0].endswith(str(article.resolve()))
    assert lines[1].startswith("every  12h  due now") and lines[1].endswith(str(later.resolve()))

    # Only the never-run article is due; its first run is a baseline with nothing to compare.
    out = tmp_path / "re"
    status, stdout, _ = _run(
        capsys, "recheck", "--due", "--db", str(db), "--out", str(out), "--allow-private-hosts", "--quiet"
    )
    assert status == 0 and stdout.startswith("1 article re-checked")
    (entry,) = json.loads((out / "recheck.json").read_text())["articles"]
    assert (entry["location"], entry["previous_run"]) == (str(later.resolve()), None)
    status, stdout, _ = _run(capsys, "recheck", "--due", "--db", str(db), "--out", str(out), "--quiet")
    assert (status, stdout) == (0, "nothing to re-check: no watched article is due\n")

    assert (
        _run(capsys, "watch", "remove", str(article), "--db", str(db))[1] == f"no longer watching {article.resolve()}\n"
    )
    assert [
        line.endswith(str(later.resolve())) for line in _run(capsys, "watch", "list", "--db", str(db))[1].splitlines()
    ] == [True]


# ── real processes ────────────────────────────────────────────────────────────────────────


def _site(server: LoopbackServer, folder: Path, count: int, delays: dict[int, float] | None = None) -> Path:
    """`count` articles, each citing its own page (some answering slowly), checked into a store."""
    db = folder / "runs.db"
    for number in range(count):
        server.add(f"/study{number}", Reply(body=_page(FINDING), etag=f'"{number}"'))
        article = _article(folder, f"piece{number}", server.url(f"/study{number}"))
        assert (
            main(
                [
                    "check",
                    str(article),
                    "--db",
                    str(db),
                    "--out",
                    str(folder / f"out{number}"),
                    "--allow-private-hosts",
                    "--quiet",
                ]
            )
            == 0
        )
    for number, delay in (delays or {}).items():
        # A new version (a 304 would answer at once), sent slowly.
        server.add(f"/study{number}", Reply(body=_page(FINDING, "Updated."), etag=f'"{number}-b"', delay=delay))
    return db


def _recheck_process(db: Path, out: Path, **options: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "recheck",
            "--db",
            str(db),
            "--out",
            str(out),
            "--allow-private-hosts",
            "--quiet",
        ],
        cwd=out.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[arg-type]
    )


def _runs_are_whole(db: Path) -> None:
    """Every recorded run has all the claims and sources its summary counts."""
    with sqlite3.connect(db) as connection:
        for run_id, summary in connection.execute("SELECT id, summary FROM runs"):
            counts = json.loads(summary)
            claims = connection.execute("SELECT COUNT(*) FROM claims WHERE run_id = ?", (run_id,)).fetchone()[0]
            sources = connection.execute("SELECT COUNT(*) FROM run_sources WHERE run_id = ?", (run_id,)).fetchone()[0]
            assert (claims, sources) == (counts["claims"], counts["sources"]), run_id


def test_two_rechecks_at_once_both_complete_and_the_store_stays_whole(loopback: LoopbackServer, tmp_path: Path) -> None:
    db = _site(loopback, tmp_path, 2, delays={0: 1.5, 1: 1.5})  # slow enough for the two to overlap
    first, second = (_recheck_process(db, tmp_path / name) for name in ("one", "two"))
    for process in (first, second):
        _, error = process.communicate(timeout=90)
        assert process.returncode == 0, error
    with Store(db, create=False) as store:
        assert store.integrity() == "ok"
        assert [len(store.runs(article.id)) for article in store.articles()] == [3, 3]
    _runs_are_whole(db)
    assert loopback.peak_in_flight >= 3  # one process has at most 2 requests in flight: they overlapped


def test_a_recheck_killed_half_way_leaves_a_consistent_store_and_the_next_one_completes(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    db = _site(loopback, tmp_path, 3, delays={1: 60})  # the second article's source hangs
    process = _recheck_process(db, tmp_path / "killed", start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as connection:
            if connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 4:  # the first article recorded
                break
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)  # the whole job, workers included, as a scheduler kills it
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    with Store(db, create=False) as store:
        assert store.integrity() == "ok"
        assert [len(store.runs(article.id)) for article in store.articles()] == [2, 1, 1]
    _runs_are_whole(db)

    loopback.add("/study1", Reply(body=_page(FINDING), etag='"1"'))
    serial = tmp_path / "serial.toml"
    serial.write_text("[recheck]\nworkers = 1\n")  # in this process: no fork beside the server's threads
    status = main(
        [
            "recheck",
            "--db",
            str(db),
            "--out",
            str(tmp_path / "again"),
            "--config",
            str(serial),
            "--allow-private-hosts",
            "--quiet",
        ]
    )
    assert status == 0
    with Store(db, create=False) as store:
        assert [len(store.runs(article.id)) for article in store.articles()] == [3, 2, 2]
        assert store.integrity() == "ok"
    _runs_are_whole(db)
