"""Tests that measure accuracy on the public data in ../shared/eval, and what happens without it.

A test marked `@pytest.mark.shared_eval("folder", ...)` needs those folders of ../shared/eval.
Where they are missing it is skipped on a developer's machine, but under `CI=true` it fails:
a CI run that silently skipped every accuracy gate would pass while measuring nothing. The
hook that applies this is in tests/conftest.py; the decision is here, so it can be tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

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
