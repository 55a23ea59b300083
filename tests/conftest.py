"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The tests folder is not a package; make its helpers (loopback, factories) importable.
sys.path.insert(0, str(Path(__file__).parent))

from loopback import LoopbackServer
from shared_data import require_shared_data


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "shared_eval(*folders): needs these folders of ../shared/eval; skipped where they are "
        "missing, a failure under CI=true (tests/shared_data.py)")


@pytest.hookimpl(tryfirst=True)  # before fixtures set up, which may read the data
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked shared_eval runs only with its data (tests/shared_data.py)."""
    require_shared_data(item)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1 (tests/loopback.py), stopped after the test."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _private_run_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`claimcheck check` records runs in outputs/claimcheck.db by default; tests use a store
    of their own so they never write into the working tree (or see each other's runs)."""
    monkeypatch.setenv("CLAIMCHECK_DB", str(tmp_path_factory.mktemp("store") / "claimcheck.db"))
