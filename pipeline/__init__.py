"""claimcheck: check the claims of a health-advice article against the sources it cites.

The public surface is small: `load_settings` to read settings, `check_article` with a
`CheckRequest` to run the whole check, and the records in `pipeline.records`. Stages live in
their own modules and are wired together only by `pipeline.runner`.

    from pipeline import CheckRequest, check_article, load_settings
    outcome = check_article(CheckRequest("draft.md", offline=True), load_settings())
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["CheckRequest", "check_article", "load_settings", "__version__"]

# Resolved on first use, so importing one light module (the CLI's batch verbs, the records)
# does not import every stage.
_LAZY = {"CheckRequest": "runner", "check_article": "runner", "load_settings": "config"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
