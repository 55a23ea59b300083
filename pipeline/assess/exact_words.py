"""Checks on a claim's exact words against its sources: MISQUOTE, NUMBER_MISMATCH.

MISQUOTE: every quoted span of `quote_min_words` words or more ("…", “…”, and ‘…’/'…' when
the marks stand outside words, so "partners' needs" and "don't" are not quotes) is looked up
near-verbatim — rapidfuzz partial_ratio ≥ `quote_min` on normalised text — in the context
windows of the claim's readable cited sources. A span split by an ellipsis is looked up part
by part. Shorter quoted spans are terms ("outercourse"), not quotations. When a cited source
could not be read, the quote may be there: MISQUOTE is then raised only if the claim names the
outlet it quotes and that outlet's page was read; otherwise SOURCE_UNAVAILABLE says which
quoted words could not be checked.

NUMBER_MISMATCH: a number of the claim that appears nowhere in its cited sources, while a
backing passage gives a different number of the same kind (a percentage for a percentage,
a count of women for a count of women, mg for mg). With a cited source that could not be
read (it may give the claim's number) the flag is medium, not high, and says so.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ..language.numbers import Quantity, read_quantities
from ..language.outlets import named_outlets
from ..language.number_clash import number_disagreements
from ..language.text import normalize
from ..records import Flag, Passage
from .attribution import names_source
from .context import ClaimContext, cite

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


def _checkable(context: ClaimContext) -> bool:
    """Whether a quote can be checked at all: every cited source was read, or the claim
    names the outlet it quotes and that outlet's cited source was read ("The NHS calls it
    '...'" with the NHS page readable and another cited page dead)."""
    if not context.unreadable_ids:
        return True
    mentions = named_outlets(context.claim.text, context.settings.lexicon("attribution"))
    return any(names_source(mention.name, source, context) for mention in mentions for source in context.readable)


def missing_quotes(context: ClaimContext) -> list[tuple[str, float, str, str]]:
    """(quoted words, closest similarity, source id, passage id) for each quoted span (or
    ellipsis-split part) not found near-verbatim in the claim's readable cited sources."""
    assess, match = context.settings.assess, context.settings.match
    choices: list[tuple[str, str, str]] = []  # (plain context, source id, passage id)
    for source in context.readable:
        for passage in source.passages:
            choices.append((_plain(passage.context or passage.text), source.id, passage.id))
    texts = [choice[0] for choice in choices]
    missing: list[tuple[str, float, str, str]] = []
    for span in quoted_spans(context.claim.text):
        parts = [part for part in _ELLIPSIS.split(span) if len(part.split()) >= 2] or [span]
        if len(span.split()) < assess.quote_min_words:
            continue
        for part in parts:
            needle = _plain(part)
            if texts and process.extractOne(needle, texts, scorer=fuzz.partial_ratio,
                                            score_cutoff=match.quote_min) is not None:
                continue
            closest = process.extractOne(needle, texts, scorer=fuzz.partial_ratio) if texts else None
            _, similarity, index = closest if closest else ("", 0.0, -1)
            _, source_id, passage_id = choices[index] if index >= 0 else ("", "", "")
            missing.append((part, float(similarity), source_id, passage_id))
            break
    return missing


def unchecked_quotes(context: ClaimContext) -> list[str]:
    """Quoted words that MISQUOTE leaves alone because a cited source could not be read and
    may hold them (and no readable source holds them)."""
    if _checkable(context):
        return []
    return [part for part, *_ in missing_quotes(context)]


def misquote(context: ClaimContext) -> list[Flag]:
    """Quoted spans not found near-verbatim in any readable cited source. Not raised when a
    cited source could not be read and the quote may come from it (see `_checkable`):
    SOURCE_UNAVAILABLE then says the words could not be checked."""
    if not context.readable or not _checkable(context):
        return []
    sources = cite([source.id for source in context.readable])
    plural = "s" if len(context.readable) > 1 else ""
    flags: list[Flag] = []
    for part, similarity, source_id, passage_id in missing_quotes(context):
        passage = context.passages.get(passage_id)
        flags.append(Flag(
            context.claim.id, "MISQUOTE", "high",
            f'The quoted words "{part}" are not in the cited source{plural} {sources}; the closest '
            f"wording matches only {similarity:.0f}%.",
            source_id, passage_id, passage.text if passage else "",
        ))
    return flags


def number_mismatch(context: ClaimContext) -> list[Flag]:
    """Numbers of the claim that the cited sources give differently (see module docstring)."""
    if not context.readable:
        return []
    quantities = read_quantities(context.claim.text, context.settings.lexicon("numbers"))
    nearby = _near_evidence(context)
    everywhere = [passage.text for source in context.readable for passage in source.passages]
    flags: list[Flag] = []
    # A cited source that could not be read may give the claim's number: the difference is
    # still worth a look, but it is no longer certain the claim misstates its sources.
    unread = context.unreadable_ids
    for quantity, other, index in number_disagreements(context.claim.text, quantities, [p.text for p in nearby],
                                                        everywhere, context.settings):
        passage = nearby[index]
        severity = "medium" if quantity.kind == "year" or unread else "high"
        said, given = _as_written(context.claim.text, quantity), _as_written(passage.text, other)
        caveat = f"; source {cite(list(unread))} could not be read and may give it" if unread else ""
        flags.append(Flag(context.claim.id, "NUMBER_MISMATCH", severity,
                          f'The claim says "{said}", but source [{passage.source_id}] says "{given}"{caveat}.',
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
