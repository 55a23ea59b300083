"""The layout the tree promises: stages import only downward, modules stay readable, and the
package list the wheel is built from names every stage package.

The dependency rule is import-linter's `layers` contract in pyproject.toml. The second test
proves the contract bites: it copies the package, adds one upward import, and expects
`lint-imports` to fail on the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 500


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so the package analysed is the one in `cwd` (an installed editable
    # copy would otherwise win); --no-cache keeps the copy's result from being reused.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_stages_import_only_downward() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert "Stages import only downward KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("language/text.py", "from ..match import judge_passages"),  # shared language reaching up into a stage
        ("fetch/body.py", "from ..report import write_reports"),  # a stage importing the report writers
        ("runner.py", "from .store import Store"),  # the runner reaching up into the store
    ],
)
def test_an_upward_import_breaks_the_build(tmp_path: Path, module: str, upward: str) -> None:
    shutil.copytree(PACKAGE, tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "pipeline" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{upward}  # noqa: E402\n", encoding="utf-8")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    assert "Stages import only downward BROKEN" in result.stdout
    importer = "pipeline." + module.removesuffix(".py").replace("/", ".")
    assert importer in result.stdout


def test_no_module_is_over_500_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert sizes, "no modules found"
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}


def test_every_stage_package_is_in_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        "pipeline." + ".".join(init.parent.relative_to(PACKAGE).parts) if init.parent != PACKAGE else "pipeline"
        for init in PACKAGE.rglob("__init__.py")
    }
    assert on_disk - listed == set()


def test_every_stage_package_says_what_it_takes_and_gives() -> None:
    stages = [init for init in PACKAGE.glob("*/__init__.py") if init.parent.name != "language"]
    assert len(stages) >= 8
    for init in stages:
        doc = init.read_text(encoding="utf-8").split('"""')[1]
        assert "Takes:" in doc and "Gives:" in doc, f"pipeline/{init.parent.name}: the docstring does not say"
