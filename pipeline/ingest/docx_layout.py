"""Word (.docx) articles → Layout, through python-docx.

python-docx resolves paragraph styles to their built-in names ("Heading 2", "Title") even in
a localised Word, and reads hyperlinks with their addresses; that is the part worth a
library. The file is checked first as the hostile zip it may be (size when unpacked).

1. paragraphs and tables in document order; "Title" and "Heading n" styles are headings,
   the first Title (else the first Heading 1) is the title;
2. hyperlinks to web addresses become inline links; footnote references become "[n]"
   markers, numbered in the order they appear, and the footnotes become the reference list;
3. paragraphs under a reference heading are reference entries (shared LayoutBuilder).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from ..errors import ArticleError
from ..records import Reference
from .layout import URL, Layout, LayoutBuilder, clean_url

_NOT_DOCX = "not a readable .docx file"
# A .docx unpacking to more than this is a zip bomb, not an article.
_MAX_UNPACKED = 200_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def layout_docx(raw: bytes, *, location: str, structure: Mapping[str, Any]) -> Layout:
    """The layout of a .docx article (derived text: one block per paragraph)."""
    _check_zip(raw, location)
    import docx  # imported here: only .docx articles pay for loading python-docx
    from docx.table import Table
    from docx.text.hyperlink import Hyperlink

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as error:  # python-docx raises many kinds for a broken package
        raise ArticleError(f"{_NOT_DOCX} ({type(error).__name__})", location=location) from None
    builder = LayoutBuilder(structure)
    footnotes = _footnotes(document)
    numbering: dict[str, int] = {}
    paragraphs = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            paragraphs.extend(paragraph for row in block.rows for cell in row.cells for paragraph in cell.paragraphs)
        else:
            paragraphs.append(block)
    levels = [_heading_level(paragraph) for paragraph in paragraphs]
    title_index = next((i for i, level in enumerate(levels) if level == 0), None)
    if title_index is None:
        title_index = next((i for i, level in enumerate(levels) if level == 1), None)
    for index, paragraph in enumerate(paragraphs):
        text, links = _paragraph_text(paragraph, Hyperlink, numbering)
        level = levels[index]
        if level is not None:
            builder.add_heading(text, max(level, 1), title=index == title_index)
            if index == title_index:
                builder.title = " ".join(text.split())
        else:
            builder.add_prose(text, links, item=_is_list_item(paragraph))
    if not builder.title:
        builder.title = (document.core_properties.title or "").strip()
    layout = builder.layout()
    known = {reference.id for reference in layout.references}
    extra = []
    for footnote_id, number in numbering.items():
        note_text, note_url = footnotes.get(footnote_id, ("", ""))
        if str(number) not in known:
            extra.append(Reference(str(number), note_url, note_text))
    return Layout(layout.text, layout.title, layout.blocks, layout.links, layout.references + tuple(extra))


def _check_zip(raw: bytes, location: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArticleError(_NOT_DOCX, location=location) from None
    if "word/document.xml" not in names:
        raise ArticleError(_NOT_DOCX, location=location)
    if unpacked > _MAX_UNPACKED:
        raise ArticleError(
            f"the .docx file unpacks to {unpacked:,} bytes, too large to be an article", location=location
        )


def _heading_level(paragraph: Any) -> int | None:
    """0 for the Title style, n for "Heading n", None for body text."""
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return None
    if name.lower() == "title":
        return 0
    found = _HEADING_STYLE.match(name.strip())
    return int(found.group(1)) if found else None


def _is_list_item(paragraph: Any) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.find(f"{_W}numPr") is not None


def _paragraph_text(
    paragraph: Any, hyperlink_type: type, numbering: dict[str, int]
) -> tuple[str, list[tuple[int, int, str]]]:
    parts: list[str] = []
    links: list[tuple[int, int, str]] = []
    length = 0
    for item in paragraph.iter_inner_content():
        if isinstance(item, hyperlink_type):
            text = item.text
            url = clean_url(item.address) if item.address and URL.match(item.address) else ""
            if url and text.strip():
                links.append((length, length + len(text), url))
        else:
            text = item.text
            for reference in item._r.iter(f"{_W}footnoteReference"):
                footnote_id = reference.get(f"{_W}id", "")
                number = numbering.setdefault(footnote_id, len(numbering) + 1)
                text += f"[{number}]"
        parts.append(text)
        length += len(text)
    return "".join(parts), links


def _footnotes(document: Any) -> dict[str, tuple[str, str]]:
    """{footnote id: (text, first web address)} from the footnotes part, if there is one."""
    notes: dict[str, tuple[str, str]] = {}
    for relationship in document.part.rels.values():
        if not relationship.reltype.endswith("/footnotes") or relationship.is_external:
            continue
        part = relationship.target_part
        try:
            from lxml import etree

            root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except Exception:  # a broken footnotes part loses the footnotes, not the article
            return notes
        addresses = {rel_id: rel.target_ref for rel_id, rel in part.rels.items() if rel.is_external}
        for note in root.iter(f"{_W}footnote"):
            note_id = note.get(f"{_W}id", "")
            text = " ".join("".join(node.text or "" for node in note.iter(f"{_W}t")).split())
            url = ""
            for link in note.iter(f"{_W}hyperlink"):
                target = addresses.get(
                    link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", ""), ""
                )
                if target:
                    url = target
                    break
            found = URL.search(text)
            if found:
                url = url or clean_url(found.group())
                text = " ".join((text[: found.start()] + " " + text[found.end() :]).split()).strip(" .,;:–—-")
            notes[note_id] = (text, url)
    return notes
