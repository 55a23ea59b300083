"""The desk as a Flask application: server-rendered pages, forms that work without JavaScript,
and a little script (static/review.js) that adds keyboard keys and in-place updates.

Routes:

    GET  /                                     articles and their runs
    GET  /runs/<run>?severity=&code=&decision= the run: article text, queue, filters
    POST /runs/<run>/flags/<index>             confirm | dismiss | note | open a flag
    POST /runs/<run>/claims/<claim>            fixed | note | open a claim
    POST /reviewer                             who this browser decides as
    GET  /runs/<run>/sources/<ref>/archived    the page as the run archived it (sandboxed)
    GET  /runs/<run>/export/<file>             reviewed-report.md|.html|.json, claimreview.jsonld

Security (the pages show hostile text from sources and articles):

- autoescape on in every template, no `|safe`; links only for http(s) URLs (`safe_href`);
- a Content-Security-Policy on every answer: pages load script and style from this server
  only (no inline script, no inline style, no remote anything); the archived copy of a page
  is served with `sandbox` and `default-src 'none'`, so its scripts never run and it cannot
  reach the desk's cookies or load anything;
- CSRF: every POST needs the session's token (Flask-WTF's CSRFProtect), the session cookie
  is SameSite=Strict and HttpOnly, and the Host header must name this machine (loopback by
  default), so a web page elsewhere can neither post a decision nor read one by DNS rebinding.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..config import Settings
from ..errors import ArchiveError, StoreError, UsageError
from ..fetch.archive_read import ArchiveIndex
from ..recheck import stamp, system_clock
from ..report.json_report import safe_href
from ..store import DecisionRequest, Store
from . import desk, exports

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The archived copy: shown as text and layout only; nothing runs, nothing loads.
ARCHIVED_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_FRAGMENT_HEADER = "X-Claimcheck-Fragment"
_MAX_NAME = 80


def create_app(db: Path, settings: Settings, reviewer: str, *, host: str = "127.0.0.1") -> Flask:
    """The desk over the run store at `db`; decisions are signed `reviewer` unless a browser
    says otherwise. `host` is the address served (requests must name it or loopback)."""
    here = Path(__file__).parent
    app = Flask(__name__, template_folder=str(here / "templates"), static_folder=str(here / "static"))
    app.config.update(
        SECRET_KEY=os.urandom(32),  # a new key each start: old pages need a reload, nothing else
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (the browser's)
        MAX_CONTENT_LENGTH=64 * 1024,
        TRUSTED_HOSTS=None if host in ("0.0.0.0", "::") else [*LOOPBACK_NAMES, host],
    )
    app.jinja_env.autoescape = True
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["href"] = safe_href
    app.jinja_env.filters["words"] = lambda value: str(value).replace("_", " ")
    app.jinja_env.globals.update(severities=desk.severities(), decision_filters=desk.DECISION_FILTERS)
    CSRFProtect(app)
    app.extensions["claimcheck"] = {"db": db, "settings": settings, "reviewer": reviewer}
    _routes(app)
    return app


def _store() -> Store:
    if "store" not in g:
        config = _config()
        g.store = Store(config["db"], config["settings"].recheck, create=False)
    return g.store


def _config() -> dict[str, Any]:
    from flask import current_app

    return current_app.extensions["claimcheck"]


def _reviewer() -> str:
    return str(session.get("reviewer") or _config()["reviewer"])


def _routes(app: Flask) -> None:
    @app.teardown_appcontext
    def close_store(_: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def refused(error: CSRFError) -> tuple[str, int]:
        message = f"Refused: {error.description} Reload the page and try again."
        return render_template("message.html", title="Refused", message=message), 400

    @app.errorhandler(StoreError)
    def not_found(error: StoreError) -> tuple[str, int]:
        return render_template("message.html", title="Not found", message=str(error)), 404

    @app.get("/")
    def index() -> str:
        store = _store()
        articles = [(article, store.run_summaries(article.id)) for article in store.articles()]
        return render_template("index.html", articles=articles, reviewer=_reviewer())

    @app.get("/runs/<int:run_id>")
    def run_page(run_id: int) -> str:
        filters = desk.Filters.parse(request.args)
        view = desk.run_view(_store(), run_id, filters, _config()["settings"].review.context_passages)
        return render_template("run.html", view=view, reviewer=_reviewer(), filters=filters)

    @app.post("/runs/<int:run_id>/flags/<int:index>")
    def decide_flag(run_id: int, index: int) -> Any:
        return _decide(run_id, flag=index)

    @app.post("/runs/<int:run_id>/claims/<claim_id>")
    def decide_claim(run_id: int, claim_id: str) -> Any:
        return _decide(run_id, claim=claim_id)

    @app.post("/reviewer")
    def set_reviewer() -> Any:
        name = " ".join(request.form.get("reviewer", "").split())[:_MAX_NAME]
        if name:
            session["reviewer"] = name
        return redirect(_back(), code=303)

    @app.get("/runs/<int:run_id>/sources/<ref>/archived")
    def archived(run_id: int, ref: str) -> Response:
        return _archived_copy(run_id, ref)

    @app.get("/runs/<int:run_id>/export/<name>")
    def export(run_id: int, name: str) -> Response:
        files = exports.export_files(_store(), run_id, _config()["settings"])
        if name not in files:
            abort(404)
        media = exports.MEDIA_TYPES[name]
        response = Response(files[name], mimetype=media)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        if name.endswith(".html"):
            response.headers["Content-Security-Policy"] = "sandbox; " + exports.REPORT_POLICY
        return response

    @app.errorhandler(exports.NotExportable)
    def not_exportable(error: exports.NotExportable) -> tuple[str, int]:
        return render_template("message.html", title="Cannot export", message=str(error)), 409


def _decide(run_id: int, *, flag: int | None = None, claim: str = "") -> Any:
    form = request.form
    seen = form.get("seen", "")
    decision = DecisionRequest(
        run_id=run_id,
        action=form.get("action", ""),
        reviewer=_reviewer(),
        decided_at=stamp(system_clock()),
        reason=form.get("reason", ""),
        flag=flag,
        claim=claim,
        seen=int(seen) if seen.isdigit() else None,
    )
    store = _store()
    messages: list[tuple[str, str]] = []
    status = 200
    try:
        outcome = store.decide(decision)
    except UsageError as error:
        messages.append(("error", str(error)))
        status = 400
    else:
        for other in outcome.meanwhile:
            what = "took back a decision" if other.action == "open" else f"chose {other.action}"
            messages.append(
                (
                    "warning",
                    f"Meanwhile {other.reviewer} {what} on this at {other.decided_at}; "
                    "both are kept in the history, yours is the latest.",
                )
            )
        claim = outcome.decision.claim
    if request.headers.get(_FRAGMENT_HEADER):
        card = desk.claim_card(
            store, run_id, claim or _claim_of(store, run_id, flag), _config()["settings"].review.context_passages
        )
        if card is None:
            abort(404)
        html = render_template("claim_card.html", item=card, run_id=run_id, messages=messages, filters=desk.Filters())
        return html, status
    for category, message in messages:
        flash(message, category)
    target = claim or _claim_of(store, run_id, flag)
    return redirect(_back() + (f"#claim-{target}" if target else ""), code=303)


def _claim_of(store: Store, run_id: int, flag: int | None) -> str:
    run = store.run(run_id)
    return run.flags[flag].claim if flag is not None and 0 <= flag < len(run.flags) else ""


def _back() -> str:
    """Where a form returns to: the page it came from when that is one of ours."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("index")


def _archived_copy(run_id: int, ref: str) -> Response:
    run = _store().run(run_id)
    check = next((check for check in run.sources if check.ref == ref), None)
    if check is None or check.snapshot is None:
        abort(404)
    try:
        record = _archive_index(str(check.snapshot.archive)).record(check.snapshot.record_id)
    except ArchiveError:
        record = None
    if record is None:
        abort(404)
    headers = {key.lower(): value for key, value in record.headers}
    content_type = headers.get("content-type", "application/octet-stream")
    encoding = headers.get("content-encoding", "").strip().lower()
    response = Response(record.body)
    if content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml") and encoding in (
        "",
        "identity",
        "gzip",
        "deflate",
    ):
        response.headers["Content-Type"] = content_type
        if encoding not in ("", "identity"):
            response.headers["Content-Encoding"] = encoding
    else:
        # Anything but a page (a PDF, an image) is handed over as a download, never rendered here.
        response.headers["Content-Type"] = "application/octet-stream"
        response.headers["Content-Disposition"] = f'attachment; filename="source-{run_id}-{_safe_name(ref)}"'
    response.headers["Content-Security-Policy"] = ARCHIVED_POLICY
    return response


def _safe_name(text: str) -> str:
    return "".join(character if character.isalnum() else "-" for character in text)[:40] or "source"


@lru_cache(maxsize=16)
def _archive_index(path: str) -> ArchiveIndex:
    # A run's WARC is never written again once recorded: its index can be kept.
    return ArchiveIndex(path)
