"""The report writers: report.json, report.md and report.html from one Report.

All three render the same document (`report_document`, the contract's report.json), so
they cannot disagree on a verdict, an order or a count. `write_reports` renders all three
first and only then writes each atomically: a failure while rendering leaves the previous
run's files untouched, and no reader ever sees half a file.

Takes: a finished `Report`. Gives: report.json, report.md and report.html in the run's folder
(graph.graphml is written by pipeline.graph; recheck.json/.md by pipeline.recheck.report).
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import atomic_write_text
from ..config import Settings
from ..records import Report
from .html_report import html_from_document, render_html
from .json_report import SCHEMA, document_json, report_document, safe_href
from .markdown_report import markdown_from_document, md_text, render_markdown

__all__ = [
    "SCHEMA",
    "md_text",
    "render_html",
    "render_markdown",
    "report_document",
    "safe_href",
    "write_reports",
]

REPORT_FILES = {"json": "report.json", "md": "report.md", "html": "report.html"}


def write_reports(report: Report, out_dir: Path, settings: Settings) -> dict[str, Path]:
    """Write report.json, report.md and report.html into `out_dir`, each atomically.

    Returns {"json": path, "md": path, "html": path}.
    """
    document = report_document(report)
    rendered = {
        "json": document_json(document),
        "md": markdown_from_document(document, settings),
        "html": html_from_document(document, report.article.text, settings),
    }
    out_dir = Path(out_dir)
    return {name: atomic_write_text(out_dir / REPORT_FILES[name], text) for name, text in rendered.items()}
