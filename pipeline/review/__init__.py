"""The editor's desk: a local web app over the run store where editors review flagged claims,
record decisions (confirm, dismiss with a reason, note; fixed in the draft), and export the
reviewed report and ClaimReview JSON-LD.

Takes: the run store (runs, their kept reports and archives, editors' decisions). Gives: the
desk's pages on 127.0.0.1 (`serve`), decisions recorded in the store, and the exports of a
run (`write_exports`): reviewed-report.md/.html/.json and claimreview.jsonld.

    desk         what a run page shows: the queue, filters, passages in their context
    app          the Flask application: routes, CSRF, security headers, the archived copy
    exports      the reviewed report (the report document with decisions added)
    claimreview  schema.org ClaimReview for the claims the desk rated
    server       serving the app (Werkzeug's threaded server), the start-up line

Flask is imported only here, so `claimcheck check` and the other commands never load it.
"""

from __future__ import annotations

from .exports import export_files, export_run, reviewed_document, write_exports
from .server import default_reviewer, serve

__all__ = ["default_reviewer", "export_files", "export_run", "reviewed_document", "serve", "write_exports"]
