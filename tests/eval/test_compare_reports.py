"""bench/compare_reports.py: two runs of the same check compare as identical, and any change
besides timestamps and WARC record ids is reported by its place in the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripts import load_script

from pipeline.config import load_settings
from pipeline.runner import CheckRequest, check_article

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fixtures" / "intimacy" / "intimacy-draft.md"


compare_reports = load_script(ROOT / "bench" / "compare_reports.py", "compare_reports")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    settings = load_settings()
    paths = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        check_article(CheckRequest(article=str(DEMO), out_dir=out, offline=True), settings)
        paths.append(out / "report.json")
    return paths[0], paths[1]


def test_two_runs_of_the_demo_are_identical_apart_from_the_masked_values(two_runs, capsys) -> None:
    first, second = two_runs
    # The runs really do differ in their WARC record ids (random per record).
    assert first.read_text(encoding="utf-8") != second.read_text(encoding="utf-8")
    assert compare_reports.main([str(first), str(second)]) == 0
    # Every one of the 13 sources carries its record id twice (archived_as, and read_from's);
    # the 14 timestamps are the check's and each source's fetch time.
    assert "identical apart from 14/14 timestamps and 26/26 WARC record ids" in capsys.readouterr().out


def test_a_changed_verdict_is_a_difference_named_by_its_path(two_runs, tmp_path, capsys) -> None:
    first, second = two_runs
    document = json.loads(second.read_text(encoding="utf-8"))
    document["claims"][2]["verdict"] = "contradicted"
    changed = tmp_path / "report.json"
    changed.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    assert compare_reports.main([str(first), str(changed)]) == 1
    assert '$.claims[2].verdict: "supported" != "contradicted"' in capsys.readouterr().out


def test_the_same_values_in_another_key_order_are_a_difference(two_runs, tmp_path) -> None:
    first, _ = two_runs
    document = json.loads(first.read_text(encoding="utf-8"))
    same, reordered = tmp_path / "same.json", tmp_path / "reordered.json"
    same.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    reordered.write_text(json.dumps(dict(reversed(list(document.items()))), ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    assert compare_reports.main([str(first), str(same)]) == 0  # written as report.json is written
    assert compare_reports.main([str(first), str(reordered)]) == 1


def test_an_unreadable_file_is_one_line_and_status_2(two_runs, tmp_path, capsys) -> None:
    first, _ = two_runs
    assert compare_reports.main([str(first), str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
