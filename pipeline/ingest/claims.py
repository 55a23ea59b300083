"""What a sentence of an article is: a claim, or skipped as meta, question, advice or not
check-worthy. Every cue lives in configs/lexicons/claim_types.toml.

The order of the tests is the order of `skip_reason`'s docstring; it matters, because a
sentence can look like several things at once ("Want to dive deeper?" is a question and meta
text; the reader should see it skipped as meta).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from ..language.numbers import COUNT, MEASURE, PROPORTION, RELATIVE, read_quantities
from ..language.text import normalize, stem, words

# A number as a fact: a digit, or a quantity written in words ("nine hours a day", "nearly
# half of adults", "one in three women"; read by language.numbers).
_DIGIT = re.compile(r"\d")
_FACT_KINDS = frozenset({MEASURE, PROPORTION, COUNT, RELATIVE})
# Acronyms and names inside a sentence ("the WHO", "Healthline notes").
_ACRONYM = re.compile(r"\b[A-Z]{2,}[a-z]?\b")
_WORD_WITH_CASE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_EDGE_PUNCTUATION = " \t\n.,;:!?…\"'“”‘’()[]{}*_-–—"
_QUESTION_END = re.compile(r"\?[\s\"'”’)\]]*$")
# Longer than this, text before a comma is not an opening clause ("If ..., stop.").
_MAX_OPENING_CLAUSE_WORDS = 25


@dataclass(frozen=True, slots=True)
class ClaimCues:
    """The claim_types lexicon compiled once per article."""

    meta_phrases: re.Pattern[str]
    meta_sentences: frozenset[str]
    meta_prefixes: re.Pattern[str]
    meta_patterns: tuple[re.Pattern[str], ...]
    part_separators: re.Pattern[str]
    part_patterns: tuple[re.Pattern[str], ...]
    part_role: re.Pattern[str]
    chrome_phrases: re.Pattern[str]
    imperative_verbs: frozenset[str]
    ambiguous_verbs: frozenset[str]
    object_starters: frozenset[str]
    not_imperative_next: frozenset[str]
    negative_openings: frozenset[tuple[str, ...]]
    clause_openers: frozenset[str]
    advice_phrases: re.Pattern[str]
    question_openers: frozenset[str]
    effect_stems: frozenset[str]
    study_stems: frozenset[str]
    check_phrases: re.Pattern[str]
    attribution_verbs: frozenset[str]
    generic_subjects: frozenset[str]
    numbers: Mapping[str, Any]  # the numbers lexicon, to read quantities written in words


def compile_cues(lexicon: Mapping[str, Any], numbers: Mapping[str, Any] | None = None) -> ClaimCues:
    """Compile the claim_types lexicon (and take the numbers lexicon, which reads quantities
    written in words; without it only digits count); a missing list or a bad pattern is a
    ConfigError."""
    try:
        meta, chrome, advice = lexicon["meta"], lexicon["chrome"], lexicon["advice"]
        question, check = lexicon["question"], lexicon["check_worthy"]
        return ClaimCues(
            meta_phrases=_phrase_pattern(meta["phrases"]),
            meta_sentences=frozenset(_bare(item) for item in meta["sentences"]),
            meta_prefixes=re.compile(
                r"^\W*(?:" + "|".join(re.escape(normalize(p).lower()) for p in meta["prefixes"]) + r")\s*:",
                re.IGNORECASE,
            ),
            meta_patterns=tuple(re.compile(pattern) for pattern in meta["patterns"]),
            part_separators=re.compile(
                r"\s+(?:" + "|".join(re.escape(mark) for mark in meta["part_separators"]) + r")\s+"
            ),
            part_patterns=tuple(re.compile(pattern) for pattern in meta["part_patterns"]),
            part_role=re.compile(meta["part_role_pattern"]),
            chrome_phrases=_phrase_pattern(chrome["phrases"]),
            imperative_verbs=_lower_set(advice["imperative_verbs"]),
            ambiguous_verbs=_lower_set(advice["ambiguous_verbs"]),
            object_starters=_lower_set(advice["object_starters"]),
            not_imperative_next=_lower_set(advice["not_imperative_next"]),
            negative_openings=frozenset(tuple(words(normalize(item).lower())) for item in advice["negative_openings"]),
            clause_openers=_lower_set(advice["clause_openers"]),
            advice_phrases=_phrase_pattern(advice["phrases"]),
            question_openers=_lower_set(question["openers"]),
            effect_stems=frozenset(stem(word.lower()) for word in check["effect_words"]),
            study_stems=frozenset(stem(word.lower()) for word in check["study_words"]),
            check_phrases=_phrase_pattern(check["phrases"]),
            attribution_verbs=_lower_set(check["attribution_verbs"]),
            generic_subjects=_lower_set(check["generic_subjects"]),
            numbers=numbers or {},
        )
    except KeyError as missing:
        raise ConfigError(f"lexicon claim_types lacks {missing}") from None
    except (re.error, TypeError, AttributeError) as error:
        raise ConfigError(f"lexicon claim_types has a bad entry: {error}") from None


def skip_reason(sentence: str, *, cited: bool, cues: ClaimCues) -> str | None:
    """Why `sentence` is not a claim, or None when it is one.

    1. meta text (offers, disclaimers, page chrome, datelines)  → "meta"
    2. a question                                               → "question"
    3. advice addressed to the reader                           → "advice"
    4. a sentence with a citation                               → claim
    5. a check-worthy sentence without one                      → claim (flagged UNCITED later)
    6. anything else                                            → "not_check_worthy"

    `sentence` is the tidied text: markers and link syntax removed.
    """
    if is_meta(sentence, cues):
        return "meta"
    if is_question(sentence, cues):
        return "question"
    if is_advice(sentence, cues):
        return "advice"
    if cited or is_check_worthy(sentence, cues):
        return None
    return "not_check_worthy"


def is_meta(sentence: str, cues: ClaimCues) -> bool:
    """Text about the page or the conversation, not about the topic."""
    plain = normalize(sentence).strip()
    lowered = plain.lower()
    if _bare(lowered) in cues.meta_sentences:
        return True
    if cues.meta_prefixes.match(lowered) or cues.meta_phrases.search(lowered):
        return True
    return any(pattern.search(plain) for pattern in cues.meta_patterns) or _furniture_line(plain, cues)


def _furniture_line(plain: str, cues: ClaimCues) -> bool:
    """A line of page furniture made of parts ("By Jo Bloggs, health desk · 4 May 2025 · 6 min
    read"): every part a byline, a date, a dateline, a reading time or a bare role, and at
    least one part more than a role (two words either side of a dot are not furniture)."""
    parts = [part.strip(_EDGE_PUNCTUATION.replace("-", "")) for part in cues.part_separators.split(plain.strip())]
    if len(parts) < 2 or not all(parts):
        return False
    recognised = 0
    for part in parts:
        if any(pattern.search(part) for pattern in cues.meta_patterns) or any(
            pattern.search(part) for pattern in cues.part_patterns
        ):
            recognised += 1
        elif not cues.part_role.search(part):
            return False
    return recognised > 0


def is_chrome(text: str, cues: ClaimCues) -> bool:
    """Page furniture words (appeals, loaders, sign-ups) or meta text in `text`."""
    return is_page_furniture(text, cues) or is_meta(text, cues)


def is_page_furniture(text: str, cues: ClaimCues) -> bool:
    """Words of page furniture only (appeals, loaders, sign-ups): what comes before an
    article's title, unlike a dateline or disclaimer, which come after it."""
    return bool(cues.chrome_phrases.search(normalize(text).lower()))


def starts_with_meta_prefix(text: str, cues: ClaimCues) -> bool:
    """Whether `text` opens with a label such as "Disclaimer:" that makes the whole block meta."""
    return bool(cues.meta_prefixes.match(normalize(text).lower()))


def is_question(sentence: str, cues: ClaimCues) -> bool:
    """A sentence ending in "?", or a question opener with no closing punctuation."""
    plain = normalize(sentence).strip()
    if _QUESTION_END.search(plain):
        return True
    tokens = words(plain)
    return bool(tokens) and tokens[0] in cues.question_openers and plain[-1:].isalnum() and len(tokens) > 3


def is_advice(sentence: str, cues: ClaimCues) -> bool:
    """Advice addressed to the reader: an imperative opening (possibly after an opening
    clause) or a "you should ..." phrase."""
    lowered = normalize(sentence).lower()
    phrase = cues.advice_phrases.search(lowered)
    if phrase and not set(words(lowered[: phrase.start()])) & cues.attribution_verbs:
        return True
    tokens = words(lowered)
    if _imperative(tokens, cues, after_clause=False):
        return True
    # "If you feel faint or dizzy, stop and rest." — an imperative after an opening clause,
    # where the subject is already said, so "stop and ..." is a verb.
    if tokens and tokens[0] in cues.clause_openers:
        for comma in re.finditer(",", lowered):
            if len(words(lowered[: comma.start()])) > _MAX_OPENING_CLAUSE_WORDS:
                break
            if _imperative(words(lowered[comma.end() :]), cues, after_clause=True):
                return True
    return False


def is_check_worthy(sentence: str, cues: ClaimCues) -> bool:
    """Whether an uncited sentence states something a fact-checker must verify: a number
    (in digits, or a quantity in words: "nine hours a day", "nearly half of adults"), a
    health effect or outcome, a study finding, or what a named outlet or body says."""
    plain = normalize(sentence)
    lowered = plain.lower()
    if _DIGIT.search(plain) or cues.check_phrases.search(lowered):
        return True
    if cues.numbers and any(quantity.kind in _FACT_KINDS for quantity in read_quantities(plain, cues.numbers)):
        return True
    stems = {stem(word) for word in words(lowered)}
    if stems & cues.effect_stems or stems & cues.study_stems:
        return True
    return _attributes_to_name(plain, cues)


def _attributes_to_name(plain: str, cues: ClaimCues) -> bool:
    tokens = _WORD_WITH_CASE.findall(plain)
    lowered = [token.lower() for token in tokens]
    verb_positions = [i for i, token in enumerate(lowered) if token in cues.attribution_verbs]
    if not verb_positions:
        return False
    if _ACRONYM.search(plain):
        return True
    # A capitalised word inside the sentence is a name; the first word only when a verb of
    # saying follows it directly ("Healthline notes"), since every sentence starts capitalised.
    if any(token[:1].isupper() for token in tokens[1:]):
        return True
    first = lowered[0] if lowered else ""
    return 1 in verb_positions and tokens[0][:1].isupper() and first not in cues.generic_subjects


def _imperative(tokens: list[str], cues: ClaimCues, *, after_clause: bool) -> bool:
    if not tokens:
        return False
    # "Do not stop ...": a negated imperative, whatever verb follows.
    if any(tuple(tokens[: len(opening)]) == opening for opening in cues.negative_openings):
        return True
    verb, following = tokens[0], tokens[1] if len(tokens) > 1 else ""
    if following in cues.not_imperative_next and not (after_clause and following in ("and", "or")):
        return False
    if verb in cues.imperative_verbs:
        return True
    # "Sleep cuts risk" is a statement, "Set an alarm" and a lone "Stop." are advice.
    return verb in cues.ambiguous_verbs and (
        following == "" or following in cues.object_starters or (after_clause and following in ("and", "or"))
    )


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({normalize(phrase).lower() for phrase in phrases if phrase.strip()}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")  # matches nothing: an empty list switches the cue off
    body = "|".join(re.escape(phrase) for phrase in alternatives)
    # Word boundaries that also hold for phrases ending in punctuation ("i can turn these").
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")


def _lower_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(item).lower() for item in items)


def _bare(text: str) -> str:
    return " ".join(normalize(text).lower().strip(_EDGE_PUNCTUATION).split())
