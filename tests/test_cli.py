"""The command line's outside contract: exit statuses and the exact one-line errors.

Bad input must give one clear line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_site import FIXTURES, fixture_article

from pipeline.cli import main

DEMO_ARTICLE = fixture_article(FIXTURES / "intimacy")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["check", "no/such/article.md"], "claimcheck: error: no/such/article.md: article not found"),
        (["check", "fixtures"], "claimcheck: error: fixtures: is a folder, not an article file"),
        (["check"], "claimcheck: error: the following arguments are required: ARTICLE (see 'claimcheck check --help')"),
        (["frobnicate"], "claimcheck: error: argument COMMAND: invalid choice: 'frobnicate' (choose from 'check', 'recheck', 'watch', 'history', 'review', 'export', 'evidence', 'strength', 'compare') (see 'claimcheck --help')"),
        (
            ["check", "https://example.org/a", "--offline"],
            "claimcheck: error: --offline needs an article file with an archive beside it; for a URL give --archive PATH",
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], line: str) -> None:
    status, out, err = _run(capsys, *argv)
    assert status == 2
    assert err == line + "\n"
    assert out == ""


def test_an_article_of_an_unknown_type_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n")
    status, _, err = _run(capsys, "check", str(notes), "--out", str(tmp_path / "out"))
    assert status == 2
    assert err == (
        f"claimcheck: error: {notes}: cannot read '.pdf' as an article: give a .md, .markdown, .txt, .html, .htm or .docx file\n"
    )


def test_an_unreadable_article_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    status, _, err = _run(capsys, "check", str(binary), "--out", str(tmp_path / "out"), "--quiet")
    assert status == 2
    assert err == f"claimcheck: error: {binary}: not a text, Markdown or HTML article\n"
    assert not (tmp_path / "out" / "report.json").exists()


def test_a_missing_archive_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    article = tmp_path / "draft.md"
    article.write_text("# Draft\n\nWalking lowers blood pressure [1].\n\n## Sources\n1. A page. https://example.org/a\n")
    status, _, err = _run(capsys, "check", str(article), "--offline", "--out", str(tmp_path / "out"))
    assert status == 2
    expected = tmp_path / "draft.warc.gz"
    assert err == f"claimcheck: error: {expected}: archive not found (run once online, or give --archive PATH)\n"


def test_a_bad_settings_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text("[match]\nsupport_minimum = 0.5\n")
    status, _, err = _run(capsys, "check", str(DEMO_ARTICLE), "--offline", "--config", str(config), "--out", str(tmp_path))
    assert status == 2
    assert err == f"claimcheck: error: {config}: unknown setting 'support_minimum' in [match]\n"


def test_fail_on_sets_the_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, stdout, _ = _run(capsys, "check", str(DEMO_ARTICLE), "--offline", "--out", str(out), "--quiet", "--fail-on", "high")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    severities = {flag["severity"] for claim in report["claims"] for flag in claim["flags"]}
    assert "high" in severities and status == 1
    assert stdout.startswith(f"{len(report['claims'])} claims (") and str(out / "report.html") in stdout
    # Without --fail-on the same findings exit 0: a run that ran is a success.
    status, _, _ = _run(capsys, "check", str(DEMO_ARTICLE), "--offline", "--out", str(out), "--quiet")
    assert status == 0


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "missing.md"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == "claimcheck: error: missing.md: article not found\n"
    assert "Traceback" not in result.stderr


def test_progress_goes_to_stderr_and_results_to_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = _run(capsys, "check", str(DEMO_ARTICLE), "--offline", "--out", str(tmp_path))
    assert status == 0
    stages = [line.split()[1] for line in err.splitlines()]
    assert stages == ["read", "ingest", "fetch", "extract", "match", "assess", "graph", "report"]
    assert out.count("\n") == 1


def test_the_library_surface_runs_a_check(tmp_path: Path) -> None:
    import pipeline

    outcome = pipeline.check_article(
        pipeline.CheckRequest(article=str(DEMO_ARTICLE), out_dir=tmp_path, offline=True), pipeline.load_settings()
    )
    assert len(outcome.report.article.claims) >= 15
    with pytest.raises(AttributeError):
        pipeline.no_such_name  # noqa: B018
