"""Serve a fixture's source pages from the loopback server, as if from their real sites.

Each page of `fixtures/<name>/sources.toml` is served at "/<host><path>" on 127.0.0.1, and
the article's URLs (and redirect targets) are rewritten to those loopback URLs; so the real
fetcher, over real HTTP, reads exactly the pages the offline archive holds.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

from loopback import LoopbackServer, Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

from expectations import Score, compare, load_expected  # noqa: E402
from manifest import fixture_article, load_manifest  # noqa: E402

__all__ = ["FIXTURES", "Score", "compare", "fixture_article", "load_expected", "serve_fixture"]


def _loopback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"/{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def serve_fixture(server: LoopbackServer, folder: Path, out_dir: Path) -> Path:
    """Serve the pages of the fixture in `folder` on `server`; write its article, with every
    source URL pointing at the server, into `out_dir`. Returns the rewritten article's path."""
    pages = load_manifest(folder)
    to_loopback = {page.url: server.url(_loopback_path(page.url)) for page in pages}
    for page in pages:
        headers = tuple(
            (name, to_loopback.get(value, value) if name.lower() == "location" else value) for name, value in page.headers
        )
        server.add(_loopback_path(page.url), Reply(status=page.status, body=page.body, content_type=None, headers=headers))
    article = fixture_article(folder)
    text = article.read_text(encoding="utf-8")
    # Longest first, so a URL that is a prefix of another is not rewritten inside it.
    for url in sorted(to_loopback, key=len, reverse=True):
        text = text.replace(url, to_loopback[url])
    target = out_dir / article.name
    target.write_text(text, encoding="utf-8")
    return target
