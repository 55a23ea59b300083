"""Tests that measure accuracy on the public data in ../shared/eval, and what happens without it.

A test marked `@pytest.mark.shared_eval("folder", ...)` needs those folders of ../shared/eval.
Where they are missing it is skipped on a developer's machine, but under `CI=true` it fails:
a CI run that silently skipped every accuracy gate would pass while measuring nothing. The
hook in tests/conftest.py calls `require_shared_data`; the decision is here, so it can be tested.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def missing_folders(folders: Iterable[str], root: Path = SHARED_EVAL) -> list[Path]:
    """The folders of `root` (../shared/eval) among `folders` that are not there."""
    return [root / folder for folder in folders if not (root / folder).is_dir()]


def when_missing(missing: list[Path], environ: Mapping[str, str]) -> tuple[str, str]:
    """("run", "") when nothing is missing; else ("fail", why) under CI=true, ("skip", why)
    elsewhere."""
    if not missing:
        return "run", ""
    names = ", ".join(str(path) for path in missing)
    if environ.get("CI", "").strip().lower() == "true":
        return "fail", f"CI=true but the evaluation data is missing ({names}): the accuracy gates cannot run"
    return "skip", f"evaluation data not here: {names}"


def require_shared_data(item: pytest.Item) -> None:
    """The conftest hook's work: a test marked shared_eval runs only with its data, is
    skipped without it, and fails under CI=true. Here rather than in conftest.py so a test
    can import it (every conftest.py is a module named "conftest")."""
    marker = item.get_closest_marker("shared_eval")
    if marker is None:
        return
    action, why = when_missing(missing_folders(marker.args), os.environ)
    if action == "fail":
        pytest.fail(why, pytrace=False)
    if action == "skip":
        pytest.skip(why)
