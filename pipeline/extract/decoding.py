"""Source bytes to text: the one decoder of page bodies (its BOM, the HTTP charset, the page's
<meta charset>, UTF-8, then cp1252), shared by extraction and the page-wall check."""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_body"]

_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)


def decode_body(body: bytes, content_type: str = "", *, sniff_meta: bool = True) -> tuple[str, str]:
    """`body` as text and the encoding used: its BOM, else the HTTP charset, else the page's
    <meta charset> (when `sniff_meta`), else UTF-8, else cp1252 with replacement characters
    (which never fails). A declared charset that does not decode the bytes is passed over."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace"), encoding
    candidates = []
    declared = _HTTP_CHARSET.search(content_type or "")
    if declared:
        candidates.append(declared.group(1))
    if sniff_meta:
        meta = _META_CHARSET.search(body[:4096])
        if meta:
            candidates.append(meta.group(1).decode("ascii", errors="ignore"))
    candidates.append("utf-8")
    for name in candidates:
        encoding = _codec(name)
        if not encoding:
            continue
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", errors="replace"), "cp1252"


def _codec(label: str) -> str:
    """A Python codec for a charset label; latin-1 and ASCII labels read as cp1252, as
    browsers do (pages labelled so are nearly always cp1252)."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return ""
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    # A page cannot declare UTF-16 in a <meta> it could only be read as ASCII to find.
    return "" if name.startswith("utf-16") or name.startswith("utf-32") else name
