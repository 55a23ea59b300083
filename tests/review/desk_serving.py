"""Helpers for the editor's desk tests: a store with one checked article (tests/desk_site.py),
the desk served on 127.0.0.1 by a real threaded server as `claimcheck review` serves it, and
HTTP clients with a session. The fixtures over them are in this folder's conftest.py."""

from __future__ import annotations

import concurrent.futures
import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
from werkzeug.serving import make_server

from pipeline.config import load_settings
from pipeline.recheck import RecheckOutcome, recheck_articles
from pipeline.review.app import create_app
from pipeline.runner import CheckRequest
from pipeline.store import Store
from pipeline.store.record import check_and_record

T = TypeVar("T")

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Desk:
    """A checked article in its own store."""

    article: Path
    db: Path
    out: Path


def _on_own_thread(work: Callable[[], T]) -> T:
    # The browser tests' Playwright keeps an event loop running on the test's thread, and a
    # check runs one of its own: so checks run on a thread of their own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def check_into(article: Path, db: Path, out: Path) -> None:
    """Check the article into the store at `db`, as `claimcheck check --db` does (sources on
    loopback)."""
    settings = load_settings().with_fetch(allow_private_hosts=True)
    request = CheckRequest(article=str(article), out_dir=out)
    _on_own_thread(lambda: check_and_record(request, settings, db))


def recheck_all(db: Path) -> RecheckOutcome:
    """Re-check every article of the store at `db`, as `claimcheck recheck` does."""
    settings = load_settings().with_fetch(allow_private_hosts=True)

    def work() -> RecheckOutcome:
        with Store(db, settings.recheck) as store:
            return recheck_articles(store, store.articles(), settings)

    return _on_own_thread(work)


@contextlib.contextmanager
def serving(db: Path, reviewer: str = "ana") -> Iterator[str]:
    """The desk over `db` on a free loopback port; yields its base URL."""
    app = create_app(db, load_settings(), reviewer)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def csrf_token(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _TOKEN.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def session_client(base: str) -> tuple[httpx.Client, str]:
    """An HTTP client with a desk session, and that session's CSRF token."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/runs/1")
    assert page.status_code == 200
    return client, csrf_token(page.text)
