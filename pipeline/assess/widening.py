"""Whom a claim speaks of, set against the people a cited study counted (for GENERALIZATION,
assess.scope).

Three readings, each a class of sentences rather than a list of articles' words:

  - **The study's own sample.** A study says whom it counted: a number and a group of people
    ("1,902 pupils aged 13 to 15", "we enrolled 1,146 adolescents aged 12 to 14"). A claim that
    names that group in the study's words (its people noun and every word narrowing it:
    "pupils", not "men" for "retired men with hypertension") or by the same age band ("children
    aged 12 to 14" for "adolescents aged 12 to 14") reports the finding within the study's
    population, whatever the study's title calls them ("early adolescence").
  - **A widened population.** A claim that says its finding holds for everyone or at any age
    (population lexicon [widening]: "of any age", "whatever their age", "young and old") while a
    cited study was done in a restricted group widens it, even when it points back to the study
    ("the trial's authors conclude").
  - **Advice drawn for a group.** A claim that draws advice or an expectation from a study
    (population lexicon [advice]: "can expect", "should", "therefore") is a rule, not a report
    of what was observed, and is checked against the study's own statement of whom its findings
    reach even when no passage backs the claim (a claim about older walkers drawn from a study
    of young men is a generalization whether or not the numbers match).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..language.cues import cue_set, term_analyzer, tokenize
from ..records import Source
from .context import ClaimContext
from .people import Group, groups_named


def age_bands(text: str, lexicon: Mapping[str, Any]) -> set[tuple[int, int]]:
    """The age bands a text gives ("aged 12 to 14", "ages 13-15", "12- to 14-year-olds",
    "between the ages of 12 and 14"), as (low, high) pairs; the words come from the population
    lexicon [age_bands]."""
    table = lexicon.get("age_bands", {})
    words = "|".join(re.escape(word) for word in table.get("before", ())) or r"(?!)"
    joins = "|".join(re.escape(word) for word in table.get("joins", ())) or r"(?!)"
    after = "|".join(re.escape(word) for word in table.get("after", ())) or r"(?!)"
    number = r"(\d{1,3})"
    patterns = (rf"\b(?:{words})\s+{number}\s*(?:{joins})\s*{number}\b",
                rf"\b{number}\s*(?:-\s*)?(?:{joins})\s*{number}\s*-?\s*(?:{after})\b")
    bands = set()
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            low, high = int(match.group(1)), int(match.group(2))
            if low < high:
                bands.add((low, high))
    return bands


def counted_groups(source: Source, context: ClaimContext) -> list[Group]:
    """The groups of people a study counted: a group named right after a number in one of its
    sentences ("1,902 pupils aged 13 to 15", "240 retired men with hypertension")."""
    found = []
    for passage in source.passages:
        text = passage.text
        for group in groups_named(text, context):
            at = text.find(group.phrase)
            before = tokenize(text[:at])[-1:] if at > 0 else ()
            if before and before[0].word.replace(",", "").isdigit():
                found.append(group)
    return found


def reports_its_sample(context: ClaimContext, source: Source, claim_keys: frozenset[str]) -> bool:
    """Whether the claim names the people `source` counted in the source's own terms: a
    group's people noun and every word narrowing it (numbers aside), or the same age band
    beside a group of people of its own, "people aged 11 to 13" too (see the module docstring)."""
    counted = counted_groups(source, context)
    if not counted:
        return False
    lexicon = context.settings.lexicon("population")
    for group in counted:
        narrowing = frozenset(key for key in group.narrowing if not key.isdigit())
        if not group.general_head and group.head & claim_keys and narrowing <= claim_keys:
            return True
    text = context.claim.text
    named = [group for group in groups_named(text, context) if group.phrase.lower() not in _SPEAKERS]
    source_bands = set().union(*(age_bands(passage.text, lexicon) for passage in source.passages))
    return bool(named) and bool(age_bands(text, lexicon) & source_bands)


# Pronouns a sentence speaks in ("we found"), no group it speaks of.
_SPEAKERS = frozenset({"we", "us", "you", "i"})


def widening_cue(text: str, context: ClaimContext) -> str:
    """The words by which a claim says its finding holds for everyone ("of any age"), or ""."""
    hits = cue_set(context.settings.lexicon("population"), "widening").find(text)
    return hits[0].surface if hits else ""


def draws_advice(text: str, context: ClaimContext) -> bool:
    """Whether a claim draws advice or an expectation from its evidence ("can therefore
    expect", "should")."""
    return bool(cue_set(context.settings.lexicon("population"), "advice").find(text))


def cited_studies(context: ClaimContext) -> tuple[Source, ...]:
    """The readable cited sources that are research papers."""
    return tuple(source for source in context.readable if source.kind == "peer_reviewed")


def content_keys(text: str, context: ClaimContext) -> frozenset[str]:
    """The term keys of a claim's words (its groups may be named by words that are no nouns for
    people: "older walkers", "people who run")."""
    return frozenset(term_analyzer(context.settings.lexicon("synonyms")).term_keys(text))
