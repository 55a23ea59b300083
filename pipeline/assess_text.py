"""Checks on a claim's exact words against its sources: MISQUOTE, NUMBER_MISMATCH.

MISQUOTE: every quoted span of `quote_min_words` words or more ("…", “…”, and ‘…’/'…' when
the marks stand outside words, so "partners' needs" and "don't" are not quotes) is looked up
near-verbatim — rapidfuzz partial_ratio ≥ `quote_min` on normalised text — in the context
windows of the claim's readable cited sources. A span split by an ellipsis is looked up part
by part. Shorter quoted spans are terms ("outercourse"), not quotations.

NUMBER_MISMATCH: a number of the claim that appears nowhere in its cited sources, while a
backing passage gives a different number of the same kind (a percentage for a percentage,
a count of women for a count of women, mg for mg).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from .assess_context import ClaimContext, cite
from .polarity import number_disagreements
from .numbers import Quantity, read_quantities
from .records import Flag, Passage
from .text import normalize

_DOUBLE = re.compile(r'"([^"]+)"')
_SINGLE = re.compile(r"(?<![\w'])'([^']+?)'(?![\w'])")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\s*\.\.\.\s*\])\s*")
_PUNCT = re.compile(r"[^\w\s]+")


def quoted_spans(text: str) -> list[str]:
    """The quoted spans of `text`, curly or straight, in order."""
    plain = normalize(text)
    spans = [match.group(1) for match in _DOUBLE.finditer(plain)]
    without_double = _DOUBLE.sub(" ", plain)
    spans.extend(match.group(1) for match in _SINGLE.finditer(without_double))
    return [span.strip() for span in spans if span.strip()]


def _plain(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalize(text).lower()).split())


def misquote(context: ClaimContext) -> list[Flag]:
    """Quoted spans not found near-verbatim in any readable cited source."""
    if not context.readable:
        return []
    assess, match = context.settings.assess, context.settings.match
    choices: list[tuple[str, str, str]] = []  # (plain context, source id, passage id)
    for source in context.readable:
        for passage in source.passages:
            choices.append((_plain(passage.context or passage.text), source.id, passage.id))
    texts = [choice[0] for choice in choices]
    flags: list[Flag] = []
    for span in quoted_spans(context.claim.text):
        parts = [part for part in _ELLIPSIS.split(span) if len(part.split()) >= 2] or [span]
        if len(span.split()) < assess.quote_min_words:
            continue
        for part in parts:
            needle = _plain(part)
            found = process.extractOne(needle, texts, scorer=fuzz.partial_ratio, score_cutoff=match.quote_min)
            if found is not None:
                continue
            closest = process.extractOne(needle, texts, scorer=fuzz.partial_ratio)
            _, similarity, index = closest if closest else ("", 0.0, -1)
            _, source_id, passage_id = choices[index] if index >= 0 else ("", "", "")
            passage = context.passages.get(passage_id)
            sources = cite([source.id for source in context.readable])
            plural = "s" if len(context.readable) > 1 else ""
            flags.append(Flag(
                context.claim.id, "MISQUOTE", "high",
                f'The quoted words "{part}" are not in the cited source{plural} {sources}; the closest '
                f"wording matches only {similarity:.0f}%.",
                source_id, passage_id, passage.text if passage else "",
            ))
            break
    return flags


def number_mismatch(context: ClaimContext) -> list[Flag]:
    """Numbers of the claim that the cited sources give differently (see module docstring)."""
    if not context.readable:
        return []
    quantities = read_quantities(context.claim.text, context.settings.lexicon("numbers"))
    nearby = _near_evidence(context)
    everywhere = [passage.text for source in context.readable for passage in source.passages]
    flags: list[Flag] = []
    for quantity, other, index in number_disagreements(quantities, [p.text for p in nearby], everywhere,
                                                        context.settings):
        passage = nearby[index]
        severity = "medium" if quantity.kind == "year" else "high"
        said, given = _as_written(context.claim.text, quantity), _as_written(passage.text, other)
        flags.append(Flag(context.claim.id, "NUMBER_MISMATCH", severity,
                          f'The claim says "{said}", but source [{passage.source_id}] says "{given}".',
                          passage.source_id, passage.id, passage.text))
    return flags


def _as_written(text: str, quantity: Quantity) -> str:
    """A quantity as its text writes it ("400–420 mg", not the reader's "400-420 mg"), when its
    offsets point at it."""
    written = text[quantity.start : quantity.end]
    same_digits = re.sub(r"\D", "", written) == re.sub(r"\D", "", quantity.text)
    return written if written.strip() and same_digits else quantity.text


def _near_evidence(context: ClaimContext) -> list[Passage]:
    """The claim's evidence passages, each followed by its neighbours in the source, once."""
    order = {source.id: source.passages for source in context.readable}
    seen: dict[str, Passage] = {}
    for row in context.evidence:
        passages = order.get(row.source_id, ())
        index = next((i for i, passage in enumerate(passages) if passage.id == row.passage_id), None)
        if index is None:
            continue
        for near in (index, index - 1, index + 1):
            if 0 <= near < len(passages):
                seen.setdefault(passages[near].id, passages[near])
    return list(seen.values())
