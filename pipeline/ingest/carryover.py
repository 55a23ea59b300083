"""Citation carry-over: a sentence that goes on about the source cited just before it.

A reader of "In a trial of 92 runners [3], vitamin C halved colds. In that trial, 30% of
the runners ..." checks the second sentence against [3], though it cites nothing itself. So
does claimcheck, in clear cases only (configs/lexicons/carry_over.toml):

  1. the sentence cites nothing of its own and makes a definite reference to a study, a
     document or the people behind it ("that trial", "the same study", "the researchers",
     "its authors", "in it", "It also found ..."), not to another one ("the other trial");
  2. the sentence it refers back to is the nearest claim before it that carries a source,
     in the same paragraph or the one just before, with no heading between and at most a
     couple of sentences between;
  3. that claim carries exactly one source, or several of which exactly one has the
     reference's noun in its title or link text ("the review" after a sentence citing a
     trial and a review). A reference that names a kind ("that survey") passes over a claim
     whose every source names another kind in its title ("a systematic review") to the
     claim before it.

The inherited ids are kept apart from the ones the sentence writes (`Claim.inherited`,
`Claim.inherited_from`), so the report can say where they came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from ..language.text import normalize
from ..memo import once_per_object
from ..records import Claim, Reference


@dataclass(frozen=True, slots=True)
class CarryCues:
    """The carry_over lexicon compiled once per article."""

    study: re.Pattern[str]
    kinds: re.Pattern[str]
    generic_nouns: frozenset[str]
    other_words: frozenset[str]
    people: re.Pattern[str]
    pronoun_phrases: re.Pattern[str]
    pronoun_opening: re.Pattern[str]
    max_between: int
    max_paragraphs_back: int


@dataclass(frozen=True, slots=True)
class Reading:
    """A sentence as carry-over remembers it: where it stands and what it carries."""

    claim: Claim | None  # None for a sentence that is not a claim
    paragraph: int  # the prose block's index
    heading: int  # how many headings came before it


@once_per_object
def compile_carry_cues(lexicon: Mapping[str, Any]) -> CarryCues:
    """Compile the carry_over lexicon (once per lexicon object); a missing list is a ConfigError."""
    try:
        study, people, pronoun, limits = lexicon["study"], lexicon["people"], lexicon["pronoun"], lexicon["limits"]
        determiners = _alternation(study["determiners"])
        nouns = _alternation(study["nouns"])
        return CarryCues(
            # "that trial", "the same large trial", "this review's": the noun is group 1.
            study=re.compile(
                rf"(?<![\w'-])(?:{determiners})\s+((?:[\w-]+\s+){{0,2}}?)({nouns})(?:s|es)?(?:'s)?(?![\w-])"
            ),
            kinds=re.compile(rf"(?<![\w-])({nouns})(?:s|es)?(?![\w-])"),
            generic_nouns=frozenset(normalize(noun).lower() for noun in study["generic_nouns"]),
            other_words=frozenset(word.lower() for word in study["other_words"]),
            people=re.compile(rf"(?<![\w'-])(?:{_alternation(people['cues'])})(?![\w-])"),
            pronoun_phrases=re.compile(rf"(?<![\w'-])(?:{_alternation(pronoun['phrases'])})(?![\w-])"),
            pronoun_opening=re.compile(
                rf"^(?:{_alternation(pronoun['openers'])})\s+(?:(?:{_alternation(pronoun['between'])})\s+)?"
                rf"(?:{_alternation(pronoun['verbs'])})(?![\w-])"
            ),
            max_between=int(limits["max_between"]),
            max_paragraphs_back=int(limits["max_paragraphs_back"]),
        )
    except KeyError as missing:
        raise ConfigError(f"lexicon carry_over lacks {missing}") from None
    except (re.error, TypeError, ValueError) as error:
        raise ConfigError(f"lexicon carry_over has a bad entry: {error}") from None


def back_reference(sentence: str, cues: CarryCues) -> str | None:
    """The noun a sentence refers back to a source by ("trial" for "In that trial, ..."),
    "" for a reference that names no kind of source ("the researchers", "in it"), or None
    when it makes no such reference."""
    plain = normalize(sentence).lower()
    for match in cues.study.finditer(plain):
        describing = set(match.group(1).split())
        if not describing & cues.other_words:
            return match.group(2)
    if cues.people.search(plain) or cues.pronoun_phrases.search(plain):
        return ""
    return "" if cues.pronoun_opening.search(plain.lstrip(" \"'“‘(")) else None


def inherited_citations(
    sentence: str,
    here: Reading,
    before: Sequence[Reading],
    references: Mapping[str, Reference],
    cues: CarryCues,
) -> tuple[tuple[str, ...], str]:
    """The citations an uncited sentence takes from the claim it refers back to, and that
    claim's id; ((), "") when it takes none (see the module docstring for the rules).
    `before` holds the article's earlier sentences in order, nearest last."""
    noun = back_reference(sentence, cues)
    if noun is None:
        return (), ""
    between = 0
    for earlier in reversed(before):
        if earlier.heading != here.heading or here.paragraph - earlier.paragraph > cues.max_paragraphs_back:
            return (), ""
        carried = earlier.claim.checked_citations if earlier.claim is not None else ()
        if carried:
            named = tuple(sid for sid in carried if noun and _names(references.get(sid), noun))
            if named:
                return (named, earlier.claim.id) if len(named) == 1 else ((), "")  # type: ignore[union-attr]
            kind = noun and noun not in cues.generic_nouns
            if not (kind and all(_names_a_kind(references.get(sid), cues) for sid in carried)):
                return (carried, earlier.claim.id) if len(carried) == 1 else ((), "")  # type: ignore[union-attr]
        between += 1
        if between > cues.max_between:
            return (), ""
    return (), ""


def _names(reference: Reference | None, noun: str) -> bool:
    """Whether a reference's title or link text has the noun ("review" in "... a systematic
    review and meta-analysis")."""
    if reference is None or not reference.title:
        return False
    return re.search(rf"(?<![\w-]){re.escape(noun)}", normalize(reference.title).lower()) is not None


def _names_a_kind(reference: Reference | None, cues: CarryCues) -> bool:
    """Whether a reference's title or link text names a kind of source ("a national survey")."""
    if reference is None or not reference.title:
        return False
    title = normalize(reference.title).lower()
    return any(match.group(1) not in cues.generic_nouns for match in cues.kinds.finditer(title))


def _alternation(phrases: Sequence[str]) -> str:
    ordered = sorted({normalize(phrase).lower().strip() for phrase in phrases if phrase.strip()}, key=len, reverse=True)
    if not ordered:
        return r"(?!)"
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in ordered)
