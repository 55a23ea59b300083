"""MISATTRIBUTION: the claim names an outlet or body that is not among its cited sources,
or whose cited source does not say what the claim attributes to it.

Finding the names (no list of outlets: any name, by its position in the sentence):
  - the subject of a reporting verb: the run of capitalised words (joined by "and", "&",
    commas and name function words such as "for", "of") just before "highlight", "argue",
    "notes"..., with "both"/"also"/"likewise" allowed between ("Healthline and ISSM both
    highlight", "SELF and Choosing Therapy argue"), and "<Name> and other sources note";
  - the name after an introducer ("according to the WHO").
  A lone capitalised word opening the sentence ("Multiple guides emphasise") is a name only
  when it cannot be an ordinary word: all capitals, inner capitals (NaturalCycles), or joined
  to another name.

Matching a name to a source (`names_source`): the same squashed name, acronym or initials
(ISSM ↔ International Society for Sexual Medicine), host label (Healthline ↔ healthline.com,
Choosing Therapy ↔ choosingtherapy.com), or the name inside the source's title.

Whether the source says it: the clause of the sentence that names the outlet (split at ";"
and ":", so "...; X and Y both recommend Z" is judged on "X and Y both recommend Z") is judged
against that source's passages alone with match's `judge_passages`; anything less than
partial support is a MISATTRIBUTION naming the outlet. (Name finding: outlets.)
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from .assess_context import ClaimContext, cite
from .cues import initials, squash
from .outlets import Mention, named_outlets, source_names
from .match import judge_passages
from .records import Flag, Source


def names_source(name: str, source: Source, context: ClaimContext) -> bool:
    """Whether `name` is a name `source` goes by (see the module docstring)."""
    squashed = squash(name)
    if not squashed:
        return False
    known = source_names(source, context.settings)
    function_words = context.settings.lexicon("attribution").get("name_function_words", {}).get("cues", [])
    if squashed in known or any(acronym in known for acronym in initials(name, function_words)):
        return True
    if len(squashed) >= 5 and any(len(other) >= 5 and fuzz.ratio(squashed, other) >= 90 for other in known):
        return True
    title_words = {squash(word) for word in re.findall(r"[^\W_]+", source.title)}
    return squashed in title_words or (len(squashed) >= 5 and squashed in squash(source.title))


_CLAUSE_SPLIT = re.compile(r"[;:]\s+")
# A clause shorter than this (in words, the outlet's name left out) says too little to be
# judged alone; the whole sentence is judged instead.
_MIN_CLAUSE_WORDS = 5


def _clause_of(text: str, mention: Mention) -> str:
    """The clause of `text` that names `mention` (split at ";" and ":"), or the whole text
    when that clause is too short to say anything by itself."""
    start = 0
    for piece in _CLAUSE_SPLIT.split(text):
        position = text.find(piece, start)
        end = position + len(piece)
        if position <= mention.start < end:
            rest = piece.replace(mention.name, " ")
            return piece if len(rest.split()) >= _MIN_CLAUSE_WORDS else text
        start = end
    return text


def misattribution(context: ClaimContext) -> list[Flag]:
    """Named outlets that are not cited, or whose cited source does not say the claim."""
    known = frozenset().union(*(source_names(source, context.settings) for source in context.sources.values()))
    mentions = named_outlets(context.claim.text, context.settings.lexicon("attribution"), known)
    if not mentions:
        return []
    cited = [context.sources[sid] for sid in context.cited_ids if sid in context.sources]
    flags: list[Flag] = []
    for mention in mentions:
        matched = [source for source in cited if names_source(mention.name, source, context)]
        if not matched:
            elsewhere = [source.id for source in context.sources.values()
                         if source.id not in context.cited_ids and names_source(mention.name, source, context)]
            also = f" ({mention.name} is source {cite(elsewhere)}, cited elsewhere)" if elsewhere else ""
            cited_text = f"the sources it cites ({cite(list(context.cited_ids))})" if context.cited_ids else "its sources (it cites none)"
            flags.append(context.flag("MISATTRIBUTION", "high",
                                      f'The claim names "{mention.name}", which is not among {cited_text}{also}.'))
            continue
        clause = _clause_of(context.claim.text, mention)
        for source in matched:
            if source.status != "ok" or not source.passages:
                continue  # SOURCE_UNAVAILABLE says why it cannot be checked
            # What the sentence attributes to this outlet is the clause that names it ("...;
            # X and Y both recommend Z"), judged against this source's passages alone.
            judged = judge_passages(clause, [passage.text for passage in source.passages], context.settings)
            if judged.verdict in ("supported", "partially_supported"):
                continue
            best = source.passages[judged.ranking[0]] if judged.ranking else None
            share = f"its closest passage scores {judged.scores[judged.ranking[0]]:.2f}" if best else "it has no text"
            flags.append(Flag(context.claim.id, "MISATTRIBUTION", "medium",
                              f'The claim attributes this to "{mention.name}", but its cited source [{source.id}] '
                              f"does not say it ({share}).", source.id, best.id if best else "",
                              best.text if best else ""))
    return flags
