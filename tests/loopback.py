"""A real HTTP/1.1 server on 127.0.0.1 for tests: no mocks, real sockets, real timing.

Each path answers with a `Reply` (status, headers, body, and how to send it: after a delay,
trickled a chunk at a time, with Content-Length, chunked, or until the connection closes).
`LoopbackServer(tls=context)` answers HTTPS with the context's certificate.
A path can answer a sequence of replies in turn (the last one repeats), which is how retry
tests get "503, then 200", or be answered by a function of the request (`respond`: an API
that answers what it is asked, such as a chat-completions endpoint; POST bodies are read).
The server counts every request and the peak number in flight, so tests can assert that a
guard sent nothing or that a limit held.

    with LoopbackServer() as server:
        page = server.add("/page", body=b"<html>...</html>")
        server.redirect("/old", "/page")
        server.add("/flaky", replies=[Reply(status=503), Reply(body=b"ok")])
        server.handle("/api/", lambda seen: Reply(body=seen.path.encode()))  # answers computed per request
        ...
        assert server.hits("/flaky") == 2
        assert server.peak_in_flight <= 2

The pytest fixture `loopback` (tests/conftest.py) yields a started server and stops it after
the test. Stopping interrupts every pending delay and trickle, so a test never waits for a
slow reply it has already given up on.
"""

from __future__ import annotations

import email.utils
import gzip
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal

Framing = Literal["length", "chunked", "close"]


@dataclass(frozen=True)
class Reply:
    """One answer the server gives.

    `content_type` is sent unless None; `headers` are added after it (a header given in
    both wins from `headers`). `delay` waits before the status line; `trickle` waits
    between chunks of `chunk_size` bytes of the body. `framing` says how the body's end is
    marked: "length" (Content-Length), "chunked" (Transfer-Encoding: chunked) or "close"
    (no length; the connection closes after the body). `repeat` sends the body that many
    times over, so a test can stream hundreds of megabytes without holding them. `etag` / `last_modified` are sent as
    validators, and a request whose If-None-Match / If-Modified-Since matches them gets
    "304 Not Modified" with no body, as RFC 9110 §13.1 describes.
    """

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    trickle: float = 0.0
    chunk_size: int = 1
    framing: Framing = "length"
    repeat: int = 1
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class SeenRequest:
    """A request the server received (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    body: bytes = b""


def gzipped(data: bytes) -> bytes:
    """`data` gzip-compressed, for replies sent with Content-Encoding: gzip."""
    return gzip.compress(data, mtime=0)


class LoopbackServer:
    """The test server; see the module docstring. Thread-safe: the server answers each
    connection on its own thread while the test reads counters from the main thread."""

    def __init__(self, host: str = "127.0.0.1", *, tls: ssl.SSLContext | None = None) -> None:
        """`tls`: a server-side SSL context (certificate loaded) to answer HTTPS instead of HTTP."""
        self._routes: dict[str, list[Reply]] = {}
        self._responders: dict[str, Callable[[SeenRequest], Reply]] = {}
        self._served: dict[str, int] = {}
        self._handlers: list[tuple[str, Callable[[SeenRequest], Reply]]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[SeenRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.owner = self
        self.scheme = "https" if tls else "http"
        if tls is not None:
            # Handshakes happen on the handler threads (first read), not in accept().
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self._thread: threading.Thread | None = None

    # ── lifecycle ──

    def start(self) -> LoopbackServer:
        """Start answering on a free port (see `port`, `base_url`)."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering; pending delays and trickles end at once."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # ── routes ──

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """ "http://127.0.0.1:<port>" (https with `tls`)."""
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str, *, host: str | None = None) -> str:
        """The full URL of `path`; `host` replaces the address (e.g. a name a test resolver
        maps to 127.0.0.1)."""
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def add(self, path: str, reply: Reply | None = None, *, replies: Sequence[Reply] = (), **fields: object) -> str:
        """Answer `path` (path and query, e.g. "/a?x=1") with `reply`, with each of `replies`
        in turn (the last repeats), or with a Reply built from `fields`. Returns the URL."""
        single = reply if reply is not None else Reply(**fields)  # type: ignore[arg-type]
        answers = list(replies) or [single]
        with self._lock:
            self._routes[path] = answers
            self._served[path] = 0
        return self.url(path)

    def respond(self, path: str, responder: Callable[[SeenRequest], Reply]) -> str:
        """Answer `path` with whatever `responder` makes of each request (called on the
        server's threads, so it must be thread-safe). Returns the URL."""
        with self._lock:
            self._responders[path] = responder
        return self.url(path)

    def handle(self, prefix: str, answer: Callable[[SeenRequest], Reply]) -> str:
        """Answer every path starting with `prefix` (and not added exactly) with what
        `answer` makes of the request: a stand-in for a service that reads its query. The
        longest matching prefix wins. Returns the URL of `prefix`."""
        with self._lock:
            self._handlers.append((prefix, answer))
            self._handlers.sort(key=lambda pair: len(pair[0]), reverse=True)
        return self.url(prefix)

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        """Answer `path` with a redirect to `to` (a path or an absolute URL). Returns the URL."""
        return self.add(path, Reply(status=status, content_type=None, headers=(("Location", to),)))

    # ── what was seen ──

    def hits(self, path: str | None = None) -> int:
        """How many requests arrived for `path` (all paths when None)."""
        with self._lock:
            return sum(1 for seen in self.requests if path is None or seen.path == path)

    def _next_reply(self, path: str, seen: SeenRequest | None = None) -> Reply:
        with self._lock:
            responder = self._responders.get(path)
        if responder is not None and seen is not None:
            return responder(seen)
        with self._lock:
            answers = self._routes.get(path)
            handler = next((answer for prefix, answer in self._handlers if path.startswith(prefix)), None)
        if answers is None and handler is not None and seen is not None:
            return handler(seen)
        with self._lock:
            if answers is None:
                return Reply(status=404, body=b"<html><body>no such page</body></html>")
            served = self._served[path]
            self._served[path] = served + 1
            return answers[min(served, len(answers) - 1)]

    def _arrive(self, seen: SeenRequest) -> None:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _pause(self, seconds: float) -> bool:
        """Wait `seconds`; False if the server is stopping (the caller should give up)."""
        return not self._stopping.wait(seconds) if seconds > 0 else not self._stopping.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a trickle the client has abandoned
    owner: LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Silent: test output stays readable."""

    def handle(self) -> None:
        """Serve one connection; a failed TLS handshake (a client rejecting the certificate)
        just ends it."""
        try:
            super().handle()
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            self.close_connection = True

    def do_GET(self) -> None:
        """Answer from the routes."""
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = SeenRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body=body)
        owner._arrive(seen)
        try:
            reply = owner._next_reply(self.path, seen)
            self._answer(owner, _not_modified(reply) if _unchanged(reply, self.headers) else _with_validators(reply))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client gave up; nothing to answer
        finally:
            owner._leave()

    do_POST = do_GET  # the body is read and kept; the reply comes from the routes alike

    def _answer(self, owner: LoopbackServer, reply: Reply) -> None:
        if not owner._pause(reply.delay):
            self.close_connection = True
            return
        self.send_response(reply.status)
        names = {name.lower() for name, _ in reply.headers}
        if reply.content_type is not None and "content-type" not in names:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.framing == "length" and "content-length" not in names:
            self.send_header("Content-Length", str(len(reply.body) * reply.repeat))
        elif reply.framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        elif reply.framing == "close":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        step = max(1, reply.chunk_size) if reply.trickle else max(1, len(reply.body))
        for _ in range(reply.repeat):
            if owner._stopping.is_set():
                self.close_connection = True
                return
            for start in range(0, len(reply.body), step):
                chunk = reply.body[start : start + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if reply.framing == "chunked" else chunk)
                self.wfile.flush()
                if reply.trickle and not owner._pause(reply.trickle):
                    self.close_connection = True
                    return
        if reply.framing == "chunked":
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


def _with_validators(reply: Reply) -> Reply:
    """`reply` with its ETag / Last-Modified headers added."""
    pairs = (("ETag", reply.etag), ("Last-Modified", reply.last_modified))
    extra = tuple((name, value) for name, value in pairs if value)
    return replace(reply, headers=reply.headers + extra) if extra else reply


def _not_modified(reply: Reply) -> Reply:
    """The 304 a server sends instead of `reply`: validators, no body, no type."""
    return replace(_with_validators(reply), status=304, body=b"", content_type=None, delay=0.0, trickle=0.0)


def _unchanged(reply: Reply, request_headers: Message) -> bool:
    """Whether the request's conditions say the client already has `reply` (RFC 9110 §13.2.2:
    If-None-Match decides when present, else If-Modified-Since)."""
    if reply.status != 200:
        return False
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return reply.etag is not None and ("*" in tags or reply.etag in tags)
    since = request_headers.get("If-Modified-Since")
    if since is None or reply.last_modified is None:
        return False
    try:
        return email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(reply.last_modified)
    except (TypeError, ValueError):
        return False
