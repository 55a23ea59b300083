"""Fixtures for the editor's desk tests (helpers in desk_serving.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_serving import Desk, check_into, serving
from desk_site import publish
from loopback import LoopbackServer


@pytest.fixture
def desk(loopback: LoopbackServer, tmp_path: Path) -> Desk:
    article = publish(loopback, tmp_path)
    result = Desk(article, tmp_path / "runs.db", tmp_path / "out")
    check_into(result.article, result.db, result.out)
    return result


@pytest.fixture
def served(desk: Desk) -> Iterator[str]:
    with serving(desk.db) as url:
        yield url
