"""Groups of people: which a sentence names, what a study says about whom its findings
reach, and a cause stated by what it does to people. The reading behind GENERALIZATION
(assess.scope) and part of how a claim's strength is read (assess.context).

A careful study says where its result stops: "the results should not be extrapolated to people
who do not work night shifts", "whether they hold for women or for people with asthma is
unknown", "the sample was limited to trained sprinters", "may not apply to children". `stated_limits` reads such sentences of a source (cues in population.toml [limits]):

  - an exclusion ("may not apply to", "should not be extrapolated to", "whether ... apply to
    ... is unknown") names groups the findings may not reach;
  - a restriction ("limited to", "specific to", "included only") names the groups they do.

Each named item ("women", "older adults", "people with asthma") that names people is
read as a `Group`. Groups of people are known by name whatever they are called: a noun
of population.toml's lists, or any noun whose most frequent sense in WordNet is a kind of
person ("lorry drivers", "undergraduates", "lifeguards"; language.lexical `is_person`).

`causative_cue` reads a cause the strength lexicon's verbs miss because it is said by the
state people are left in: "is making teenagers anxious", "leaves patients exhausted",
"kept children awake" (a verb of strength.toml [causative], a group of people as its
object, a word for the state after it). It lives here, not in language.strength, because it
needs the lexical database, which `claim_strength` (a function of one lexicon) does not have.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from typing import TYPE_CHECKING

from ..config import Settings
from ..language.cues import cue_set, term_analyzer, tokenize
from ..language.lexical import lexical_database
from ..language.outlets import attribution_frames
from ..language.text import STOPWORDS
from ..memo import once_per_object
from ..records import Passage, Source

if TYPE_CHECKING:  # context reads a claim's strength with causative_cue, so it imports this module
    from .context import ClaimContext


@dataclass(frozen=True, slots=True)
class Group:
    """A group of people named in a text: the words as written, the term keys of the noun
    that names the people ("runners"), and of the words that narrow it ("with type 2
    diabetes", "marathon")."""

    phrase: str
    head: frozenset[str]
    narrowing: frozenset[str]
    general_head: bool  # the noun means anyone ("people", "adults")

    @property
    def general(self) -> bool:
        """Whether the group is anyone at all ("people", "adults" with nothing narrowing it)."""
        return self.general_head and not self.narrowing

    def named_by(self, keys: frozenset[str]) -> bool:
        """Whether a text with these term keys names this group: every word that narrows it
        ("people with chronic kidney disease" needs "chronic", "kidney", "disease") and its
        people noun, unless that noun means anyone ("patients with chronic kidney disease"
        names it too)."""
        if not self.narrowing <= keys:
            return False
        return (self.general_head and bool(self.narrowing)) or bool(self.head & keys)


@dataclass(frozen=True, slots=True)
class StatedLimit:
    """A sentence of a source that says whom its findings reach: the groups it excludes and
    the groups it keeps to, as the passage it is in."""

    passage: Passage
    cue: str  # the words that set the limit, as written ("should not be extrapolated to")
    # Whether it says the study's people were a particular group, so its findings may not
    # reach people in general: it keeps to named groups ("limited to trained sprinters") or
    # excludes everyone outside one ("people who do not work night shifts").
    # A study of adults that may not apply to children or older adults says no such thing.
    particular_sample: bool
    excluded: tuple[Group, ...]
    kept: tuple[Group, ...]
    spans: tuple[tuple[int, int], ...]  # where the named items stand in the passage text


def _limits_table(context: ClaimContext) -> Mapping[str, Any]:
    return context.settings.lexicon("population").get("limits", {})


def stated_limits(source: Source, context: ClaimContext) -> tuple[StatedLimit, ...]:
    """The sentences of `source` that say whom its findings reach (see the module docstring)."""
    table = _limits_table(context)
    found = []
    for passage in source.passages:
        limit = _limit_in(passage, table, context)
        if limit is not None:
            found.append(limit)
    return tuple(found)


def states_a_limit(text: str, context: ClaimContext) -> bool:
    """Whether a sentence itself says that findings may not reach some people ("..., though
    the authors say it may not apply to women", "whether it holds in children is unknown")."""
    table = _limits_table(context)
    if cue_set(table, "excluding").find(text):
        return True
    return bool(cue_set(table, "open_question").find(text)) and bool(cue_set(table, "unknown").find(text))


def _limit_in(passage: Passage, table: Mapping[str, Any], context: ClaimContext) -> StatedLimit | None:
    text = passage.text
    # Each list is searched on its own: "is unknown" both ends a list and makes a question a limit.
    hits = cue_set(table, "excluding", "keeping", "open_question").find(text)
    if not hits:
        return None
    starts = sorted(hit.start for hit in hits)
    unknown = bool(cue_set(table, "unknown").find(text))
    ends = sorted(hit.start for hit in cue_set(table, "item_ends").find(text))
    negations = set(table.get("negations", ()))
    excluded: list[Group] = []
    kept: list[Group] = []
    spans: list[tuple[int, int]] = []
    outside = False  # an excluded item that names people by what they are not
    cues = []
    for hit in hits:
        if hit.group == "open_question" and not unknown:
            continue  # "whether X applies to Y" with nothing unknown about it is no limit
        cues.append(hit)
        stop = min([start for start in (*starts, *ends) if start > hit.start] + [len(text)])
        named = text[hit.end:stop]
        clause_end = re.search(r"[;:.()]", named)
        named = named[: clause_end.start()] if clause_end else named
        for start, end in _items(named, hit.end):
            if any(token.word in negations for token in tokenize(text[start:end])):
                # "people who do not work night shifts": everyone outside the sample.
                outside = outside or (hit.group != "keeping" and people_group(text[start:end], context) is not None)
                continue
            group = people_group(text[start:end], context)
            if group is not None and not group.general:
                (kept if hit.group == "keeping" else excluded).append(group)
                spans.append((start, end))
    if not excluded and not kept and not outside:
        return None
    return StatedLimit(passage, cues[0].surface, bool(kept) or outside, tuple(excluded), tuple(kept), tuple(spans))


_ITEM_SPLIT = re.compile(r",\s*(?:and\s+|or\s+|nor\s+)?(?:to\s+|in\s+)?|\s+(?:and|or|nor)\s+(?:to\s+|in\s+)?")


def _items(named: str, offset: int) -> list[tuple[int, int]]:
    """The character spans (offset into the sentence) of the items of a list ("women, older
    adults or people with asthma"; "this brand and to adults with eczema")."""
    spans, start = [], 0
    for separator in [*_ITEM_SPLIT.finditer(named), None]:
        end = separator.start() if separator else len(named)
        piece = named[start:end]
        stripped = piece.strip()
        if stripped:
            lead = piece.index(stripped)
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        if separator:
            start = separator.end()
    return spans


def people_group(phrase: str, context: ClaimContext) -> Group | None:
    """The group of people `phrase` names, or None when it names none: its last people noun
    before a word that narrows it ("with", "who", "aged") is the head; every other content
    word narrows it ("trained male sprinters": "trained", "male"; "people with kidney disease":
    "type", "2", "diabetes")."""
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    population = context.settings.lexicon("population")
    general = _general_words(context)
    extenders = {word for cue in population.get("extenders", {}).get("cues", []) for word in cue.split()}
    skip = set(_limits_table(context).get("not_narrowing", ()))
    tokens = tokenize(phrase)
    head_index = None
    for index, token in enumerate(tokens):
        if token.word in extenders:
            break
        if is_people_word(token.word, context):
            head_index = index
    if head_index is None:
        return None
    head_word = tokens[head_index].word
    head = frozenset(term.key for term in analyzer.terms(head_word))
    narrowing = frozenset(term.key for index, token in enumerate(tokens)
                          if index != head_index and token.word not in STOPWORDS and token.word not in skip
                          and token.word not in extenders for term in analyzer.terms(token.word))
    if head_word in general:
        head = head | _general_keys(context)
    return Group(phrase, head, narrowing - head, head_word in general)


def is_people_word(word: str, context: ClaimContext) -> bool:
    """Whether the lower-case word names people: a population noun of population.toml
    ([groups], [general]) or a noun whose first WordNet sense is a kind of person."""
    return names_people(word, context.settings)


def names_people(word: str, settings: Settings) -> bool:
    """`is_person` of the lexical database, or a population noun of population.toml."""
    population = settings.lexicon("population")
    listed = (*population.get("general", {}).get("cues", []), *population.get("groups", {}).get("cues", []))
    if word in listed:
        return True
    return lexical_database(settings).is_person(word)


def causative_cue(text: str, settings: Settings) -> tuple[int, int] | None:
    """The span of a cause said by what it does to someone (strength.toml [causative]):
    "is making teenagers anxious" (a verb, at most one determiner, a noun naming people and
    a content word after it, in one clause) or "keeps blood pressure from rising" (a verb of
    preventing, one to three words, "from", a verb in "-ing"). None when there is none, or
    when a negation stands just before the verb."""
    lexicon = settings.lexicon("strength")
    tokens = tokenize(text)
    determiners = set(lexicon.get("causative", {}).get("determiners", ()))
    negations = cue_set(lexicon, "null_finding").find(text)
    # Each list on its own: "keep" is in both ("keeps children awake", "keeps pressure from rising").
    hits = sorted([*cue_set(lexicon, "causative:verbs").find(text), *cue_set(lexicon, "causative:preventing").find(text)],
                  key=lambda hit: hit.start)
    for hit in hits:
        if any(0 < hit.first_token - negation.last_token <= 2 for negation in negations):
            continue
        if hit.group == "preventing":
            span = _prevented(text, tokens, hit.last_token)
            if span is not None:
                return hit.start, span
            continue
        position = hit.last_token + 1
        if position < len(tokens) and tokens[position].word in determiners:
            position += 1
        state = position + 1
        if state >= len(tokens) or not names_people(tokens[position].word, settings):
            continue
        between = text[tokens[hit.last_token].end : tokens[state].start]
        if not any(mark in between for mark in ",;:.()") and tokens[state].word not in STOPWORDS:
            return hit.start, tokens[state].end
    return None


def _prevented(text: str, tokens: Any, verb: int) -> int | None:
    """The end of "<verb> X (Y (Z)) from <-ing>" after the verb at token `verb`, or None."""
    for gap in (1, 2, 3):
        at = verb + gap + 1
        if at + 1 >= len(tokens):
            return None
        if any(mark in text[tokens[at - 1].end : tokens[at].start] for mark in ",;:.()"):
            return None
        if tokens[at].word == "from":
            following = tokens[at + 1].word
            return tokens[at + 1].end if following.endswith("ing") and len(following) > 4 else None
    return None


def groups_named(text: str, context: ClaimContext) -> list[Group]:
    """The groups of people a sentence names in what it says, not in who says it (attribution
    frames such as "researchers found", the attribution lexicon's nouns for sources such as
    "writers" or "experts", names such as "The Pelvic People", someone's own "doctor" or "GP"
    after a possessive, and who a named speaker is, "Dr Ana Ruiz, a sports physician," are
    left out): each people
    noun with the words around it that narrow it ("lorry drivers", "people with chronic
    diabetes", "children")."""
    frames = attribution_frames(text, context.settings.lexicon("attribution"))
    # "Dr Ana Ruiz, a sports physician, said ...": who a named speaker is, not whom she speaks of.
    frames += [(match.start(1), match.end(1)) for match in _APPOSITION.finditer(text)]
    tokens = tokenize(text)
    population = context.settings.lexicon("population")
    extenders = {word for cue in population.get("extenders", {}).get("cues", []) for word in cue.split()}
    reach = int(population.get("extenders", {}).get("extend_words", 3))
    verbs = _verb_stems(context.settings)
    groups = []
    sayers = _sayer_words(context.settings)
    for index, token in enumerate(tokens):
        if any(start <= token.start < end for start, end in frames) or not is_people_word(token.word, context):
            continue
        if token.word in sayers or (index > 0 and text[token.start].isupper()):
            continue  # "writers on health say", "The Pelvic People": who speaks, or a name
        if index > 0 and tokens[index - 1].word in _POSSESSIVES:
            continue  # "speak to their doctor": someone's doctor, not a group spoken of
        if index + 1 < len(tokens) and is_people_word(tokens[index + 1].word, context):
            continue  # "lorry drivers": the last people noun heads the group
        first = index
        while first > 0 and index - first < 2 and _describes(text, tokens, first - 1, verbs):
            first -= 1
        last = index
        if index + 1 < len(tokens) and tokens[index + 1].word in extenders:
            last = index + 1
            while last + 1 < len(tokens) and last - index <= reach and _continues(text, tokens, last + 1):
                last += 1
        group = people_group(text[tokens[first].start : tokens[last].end], context)
        if group is not None:
            groups.append(group)
    return groups


def _describes(text: str, tokens: Any, position: int, verbs: frozenset[str]) -> bool:
    """Whether the word at `position` may describe the people noun after it ("marathon",
    "older", "healthy"): a content word with no punctuation between that is no verb of the
    strength or attribution lexicons ("helps amateur cyclists": "helps" says what is done)."""
    between = text[tokens[position].end : tokens[position + 1].start]
    token = tokens[position]
    return (token.word.isalpha() and token.word not in STOPWORDS and token.stem not in verbs
            and not token.word.endswith("ly") and not any(mark in between for mark in ",;:.()"))


@once_per_object
def _sayer_words(settings: Settings) -> frozenset[str]:
    """People who speak rather than are spoken of: the attribution lexicon's nouns for
    sources and framing bodies ("researchers", "experts", "writers", "doctors")."""
    lexicon = settings.lexicon("attribution")
    return frozenset(cue for table in ("generic_sources", "frame_nouns")
                     for cue in lexicon.get(table, {}).get("cues", []) if " " not in cue)


@once_per_object
def _verb_stems(settings: Settings) -> frozenset[str]:
    """Stems of the one-word verbs of the strength and attribution lexicons."""
    found: set[str] = set()
    for lexicon, table, key in (("strength", "causal", "cues"), ("strength", "correlational", "cues"),
                                ("strength", "causative", "verbs"), ("attribution", "reporting_verbs", "cues"),
                                ("attribution", "frame_verbs", "cues")):
        for cue in settings.lexicon(lexicon).get(table, {}).get(key, []):
            if " " not in cue:
                found.update(token.stem for token in tokenize(cue.lstrip("=")))
    return frozenset(found)


_POSSESSIVES = frozenset({"my", "your", "his", "her", "its", "our", "their"})
# A capitalised name, then ", a/an/the ..." up to the next comma or the sentence's end: an
# apposition describing the person named ("Dr Ana Ruiz, a sports physician, ...", "..., said
# Dr Ana Ruiz, a professor of sports medicine.").
_APPOSITION = re.compile(r"[A-Z][\w.'’-]*,\s+((?:a|an|the)\s+[^,;:.()]+)(?=[,;:.]|$)")


def _continues(text: str, tokens: Any, position: int) -> bool:
    """Whether the condition after "with"/"aged" goes on at `position`."""
    between = text[tokens[position - 1].end : tokens[position].start]
    word = tokens[position].word
    return not any(mark in between for mark in ",;:.()") and (word not in STOPWORDS or word in ("a", "an", "of"))


def _general_words(context: ClaimContext) -> frozenset[str]:
    cues = context.settings.lexicon("population").get("general", {}).get("cues", [])
    return frozenset(cue for cue in cues if " " not in cue)


def _general_keys(context: ClaimContext) -> frozenset[str]:
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    return frozenset(term.key for word in _general_words(context) for term in analyzer.terms(word))
