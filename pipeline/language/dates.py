"""Dates as written (meta tags, datelines, API answers) read as ISO "yyyy-mm-dd".

Shared by the ingest stage (when an article says it was published), the extract stage (when a
page was published) and the resolution chain's records, so every date is read one way.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["normalize_date"]

_SPACES = re.compile(r"\s+")


def normalize_date(raw: str) -> str:
    """A date as ISO "yyyy-mm-dd" (or "yyyy-mm", "yyyy" when that is all it says); the raw
    text, trimmed, when it cannot be read but names a year; "" otherwise."""
    text = _SPACES.sub(" ", raw).strip()[:80]
    if not text:
        return ""
    iso = re.match(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", text)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3] or 1)
        if _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}" if iso[3] else f"{year:04d}-{month:02d}"
        # An impossible day ("2021-02-30") keeps what can be trusted, never a wrong date.
        if _valid(year, month, 1):
            return f"{year:04d}-{month:02d}"
        if _valid(year, 1, 1):
            return f"{year:04d}"
    if re.fullmatch(r"\d{8}", text) and _valid(int(text[:4]), int(text[4:6]), int(text[6:])):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{4}", text) and _valid(int(text), 1, 1):
        return text
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " "))
    cleaned = _SPACES.sub(" ", cleaned).strip()
    for pattern in (
        "%Y %b %d",
        "%Y %B %d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d %Y",
        "%b %d %Y",
        "%b. %d %Y",
        "%Y %b",
        "%Y %B",
        "%B %Y",
        "%b %Y",
    ):
        try:
            parsed = datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m-%d" if "%d" in pattern else "%Y-%m")
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return text[:40] if re.search(r"\b(1[89]|20)\d\d\b", text) else ""


def _valid(year: int, month: int, day: int) -> bool:
    if not 1800 <= year <= 2100:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
