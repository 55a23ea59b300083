"""Serving the desk: Werkzeug's threaded server (each request on its own thread, with its own
store connection), bound to loopback unless told otherwise, with one start-up line that says
where to point the browser."""

from __future__ import annotations

import getpass
import logging
import socket
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

from ..config import Settings
from ..errors import UsageError
from ..store import Store
from .app import create_app


def serve(
    db: Path,
    settings: Settings,
    reviewer: str,
    *,
    host: str,
    port: int,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the desk over the store at `db` until interrupted (Ctrl-C ends it quietly).
    StoreError when there is no store; UsageError when the address cannot be listened on."""
    Store(db, settings.recheck, create=False).close()  # no store, or a newer one: say so now
    app = create_app(db, settings, reviewer, host=host)
    # One line per request on stderr is noise for an editor; errors still show.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Bound here, not by Werkzeug, which answers a busy port with sys.exit and a paragraph.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listening = socket.create_server((host, port), family=family)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port} ({error.strerror or error}); give another --port") from None
    with listening:
        server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    announce(startup_line(url_for(host, server.port), db, reviewer))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def url_for(host: str, port: int) -> str:
    """The address to open: IPv6 literals in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def startup_line(url: str, db: Path, reviewer: str) -> str:
    """The line `claimcheck review` prints when it listens."""
    return f"claimcheck review: open {url} (run store {db}; deciding as {reviewer}; Ctrl-C stops)"


def default_reviewer() -> str:
    """Who decides when neither --reviewer nor $CLAIMCHECK_REVIEWER says: the login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return "editor"
