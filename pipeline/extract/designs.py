"""What design the research a page reports has, and whether a "200 OK" page is really "not found".

    detect_study_designs(text, lexicon)  ─▶ designs, in order of first mention
    method_section_text(blocks, lexicon) ─▶ the text under a paper's own methods headings
    soft_404_signal(title, text, ...)    ─▶ what says a 200 page is really "not found"

Cue lists live in configs/lexicons/study_designs.toml and soft_404.toml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .kinds import normalize_cue_text, phrase_pattern

__all__ = ["detect_study_designs", "method_section_text", "soft_404_signal"]

_SPACES = re.compile(r"\s+")
# Where a page title joins its own name to the site's ("Not found | Example Clinic").
_TITLE_PARTS = re.compile(r"\s[|\-–—:·•]\s|\s?[|–—·•]\s?")
_EDGE_PUNCTUATION = "!.?…()[]\"' "


# ── study designs ─────────────────────────────────────────────────────────────────────────


def detect_study_designs(text: str, lexicon: Mapping[str, Any]) -> tuple[str, ...]:
    """The study designs `text` states, in order of first mention (e.g. ("cross_sectional",)).

    Cues are whole phrases from the lexicon's [designs]; hyphens count as spaces. A cue is
    ignored when a [guards] phrase stands just before it in the same sentence ("no
    randomised trials") or right after it ("... trials are needed").
    """
    designs = lexicon.get("designs", {})
    guards = lexicon.get("guards", {})
    window = int(guards.get("window_words", 4))
    before = phrase_pattern(tuple(guards.get("before", ()))) if guards.get("before") else None
    after = phrase_pattern(tuple(guards.get("after", ()))) if guards.get("after") else None
    normalized = _design_text(text)
    first_seen: dict[str, int] = {}
    for design, cues in designs.items():
        if not cues:
            continue
        for match in phrase_pattern(tuple(_design_text(cue) for cue in cues)).finditer(normalized):
            if _guarded(normalized, match.start(), match.end(), window, before, after):
                continue
            first_seen[design] = match.start()
            break
    return tuple(sorted(first_seen, key=first_seen.__getitem__))


def _design_text(text: str) -> str:
    return _SPACES.sub(" ", re.sub(r"[-‐‑‒–—]", " ", text.lower().replace("’", "'")))


def _guarded(
    text: str,
    start: int,
    end: int,
    window: int,
    before: re.Pattern[str] | None,
    after: re.Pattern[str] | None,
) -> bool:
    sentence_start = max(text.rfind(mark, 0, start) for mark in (". ", "? ", "! ", "; ", "\n")) + 1
    lead = text[sentence_start:start].split()[-window:]
    if before and before.search(" ".join(lead)):
        return True
    trail = " ".join(text[end : end + 80].split()[: window + 1])
    return bool(after and after.match(trail.strip()))


def method_section_text(
    blocks: Sequence[tuple[str, bool]], lexicon: Mapping[str, Any], *, limit: int = 20_000
) -> str:
    """The text under headings that name a paper's own methods ("Methods", "Study design",
    "Abstract"; the study_designs lexicon's [sections]), where a paper states its design.
    `blocks` are (text, is_heading) pairs in order; at most `limit` characters."""
    headings = tuple(lexicon.get("sections", {}).get("method_headings", ()))
    if not headings:
        return ""
    pattern = phrase_pattern(headings)
    kept: list[str] = []
    size = 0
    inside = False
    for text, is_heading in blocks:
        if is_heading:
            inside = bool(pattern.search(normalize_cue_text(text)))
        elif inside and size < limit:
            kept.append(text[: limit - size])
            size += len(kept[-1])
    return "\n".join(kept)


# ── soft 404s ─────────────────────────────────────────────────────────────────────────────


def soft_404_signal(title: str, text: str, lexicon: Mapping[str, Any], *, max_text_chars: int) -> str:
    """What shows that a page served with "200 OK" is really a "not found" page, in words
    for the report ('its title reads "Page not found"'), or "" when nothing does.

    Two signs, phrases from the soft_404 lexicon: the title (or first heading) names the
    missing page, either containing a [title] phrase or having a part that is exactly a
    [title] whole entry ("Not found | Clinic"); or the main text is at most `max_text_chars`
    long and contains a [text] phrase. The length bound keeps a real article that mentions a
    missing page from being taken for one.
    """
    titles = lexicon.get("title", {})
    shown = " ".join(title.split())[:120]
    normalized = normalize_cue_text(title)
    if normalized.strip():
        if phrase_pattern(tuple(titles.get("phrases", ()))).search(normalized):
            return f'its title reads "{shown}"'
        wholes = {normalize_cue_text(entry) for entry in titles.get("whole", ())}
        parts = {part.strip(_EDGE_PUNCTUATION) for part in _TITLE_PARTS.split(normalized)}
        if parts & wholes:
            return f'its title reads "{shown}"'
    if len(text.strip()) <= max_text_chars:
        found = phrase_pattern(tuple(lexicon.get("text", {}).get("phrases", ()))).search(normalize_cue_text(text))
        if found:
            return f'its text says "{found.group(0)}"'
    return ""
