"""The rule for tests that need ../shared/eval: skipped without it, failed under CI=true."""

from __future__ import annotations

from pathlib import Path

import pytest
import shared_data
from shared_data import missing_folders, require_shared_data, when_missing


class _Item:
    """Just what the hook reads of a test item: its closest shared_eval marker."""

    def __init__(self, *folders: str) -> None:
        self.marker = pytest.mark.shared_eval(*folders).mark if folders else None

    def get_closest_marker(self, name: str):
        return self.marker if name == "shared_eval" else None


def test_missing_folders_are_named(tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    assert missing_folders(["here", "gone"], tmp_path) == [tmp_path / "gone"]
    assert missing_folders(["here"], tmp_path) == []


@pytest.mark.parametrize(("ci", "action"), [("true", "fail"), ("TRUE", "fail"), ("", "skip"), ("false", "skip"), (None, "skip")])
def test_missing_data_fails_only_under_ci(ci: str | None, action: str) -> None:
    environ = {} if ci is None else {"CI": ci}
    assert when_missing([Path("/nowhere/eval/x")], environ)[0] == action
    assert when_missing([], environ) == ("run", "")


def test_the_hook_fails_a_marked_test_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_shared_data(_Item("no-such-folder-here"))


def test_the_hook_skips_a_marked_test_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not here"):
        require_shared_data(_Item("no-such-folder-here"))


def test_the_hook_lets_unmarked_tests_and_present_data_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    require_shared_data(_Item())  # no marker: nothing happens
    monkeypatch.setattr(shared_data, "missing_folders", lambda folders: [])
    require_shared_data(_Item("anything"))
