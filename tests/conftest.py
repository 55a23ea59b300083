"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The tests folder is not a package; make its helpers (loopback, factories) importable.
sys.path.insert(0, str(Path(__file__).parent))

from loopback import LoopbackServer


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1 (tests/loopback.py), stopped after the test."""
    with LoopbackServer() as server:
        yield server
