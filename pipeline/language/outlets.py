"""Who a sentence says its statement comes from, and the names a source goes by.

Used by match (to leave attribution words out of a claim's content) and by assess's
MISATTRIBUTION check; see assess.attribution for the rules in full. Names are found by their
position in the sentence, never from a list of outlets:
  - the subject of a reporting verb ("Healthline and ISSM both highlight", "SELF and
    Choosing Therapy argue", "NaturalCycles and other sources note");
  - the name after an introducer ("according to the WHO").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..records import Source
from .cues import CueHit, Token, cue_set, host_labels, initials, squash, tokenize
from .domains import address_names_site
from .text import STOPWORDS

_CLAUSE_BREAK = re.compile(r"[;:.!?()\[\]—–]")
# An acronym a name carries in brackets ("International Society for Sexual Medicine (ISSM)").
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z&]{1,11})\)")
# A site name written as its domain ("nhs.uk", "Marriage.com"), or an IP address.
_DOMAIN_LIKE = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# How far back a "<Name> and other sources" subject may reach over lower-case words.
_GENERIC_REACH = 4


@dataclass(frozen=True, slots=True)
class Mention:
    """An outlet or body named in a sentence."""

    name: str
    start: int
    end: int


def _capitalised(token: Token, text: str) -> bool:
    first = text[token.start]
    return first.isupper() or first.isdigit() and any(ch.isupper() for ch in text[token.start : token.end])


def _distinctive(token: Token, text: str) -> bool:
    """A word that cannot be an ordinary sentence-initial word: all capitals or inner capitals."""
    word = text[token.start : token.end]
    return (len(word) >= 2 and word.isupper()) or any(ch.isupper() for ch in word[1:])


def named_outlets(text: str, lexicon: Mapping[str, Any], known: frozenset[str] = frozenset()) -> list[Mention]:
    """The outlets and bodies `text` names as the origin of what it says (`lexicon` is the
    attribution lexicon). `known` holds squashed names of the run's sources: a lone word
    opening the sentence ("Healthline has reported...") counts as a name when it is one."""
    tokens = tokenize(text)
    hits = cue_set(lexicon, "reporting_verbs", "introducers", "between", "connectors", "name_function_words",
                   "not_subject_after", "documents").find(text)
    role = {}
    for hit in hits:
        for position in range(hit.first_token, hit.last_token + 1):
            role[position] = hit.group
    mentions: list[Mention] = []
    for hit in hits:
        if hit.group == "reporting_verbs":
            mentions.extend(_subject_names(text, tokens, hit.first_token, role, known))
        elif hit.group == "introducers":
            mentions.extend(_object_names(text, tokens, hit.last_token + 1, role, known))
    unique: dict[str, Mention] = {}
    for mention in mentions:
        unique.setdefault(squash(mention.name), mention)
    return list(unique.values())


_CHUNK_BREAK = re.compile(r"[,;:()\[\]—–]")
_POSSESSIVE_END = re.compile(r"['’]s$")


def attribution_frames(text: str, lexicon: Mapping[str, Any], known: frozenset[str] = frozenset()
                       ) -> list[tuple[int, int]]:
    """The spans of `text` that say who says something rather than what: a chunk between
    commas made only of frame words that has a reporting verb or an introducer ("..., the
    review found.", "..., according to its maker."), or the opening of a chunk up to its
    reporting verb (and a "that" after it) when that opening is made only of frame words
    ("Both the charity and the government guidance also urge ...", "Official guidelines ask
    ..."). Frame words: function words, the attribution lexicon's frame nouns and modifiers,
    reporting and frame verbs, words of the outlets the sentence names, numbers."""
    tokens = tokenize(text)
    if not tokens:
        return []
    verbs = cue_set(lexicon, "reporting_verbs", "frame_verbs", "introducers").find(text)
    frame_words = cue_set(lexicon, "frame_nouns", "frame_modifiers", "generic_sources", "between").find(text)
    framing: set[int] = set()
    verb_at: dict[int, CueHit] = {}
    for hit in (*verbs, *frame_words):
        framing.update(range(hit.first_token, hit.last_token + 1))
    for hit in verbs:
        for position in range(hit.first_token, hit.last_token + 1):
            verb_at[position] = hit
    for mention in named_outlets(text, lexicon, known):
        framing.update(i for i, token in enumerate(tokens) if mention.start <= token.start < mention.end)

    def frame_word(position: int) -> bool:
        word = _POSSESSIVE_END.sub("", tokens[position].word)
        return position in framing or word in STOPWORDS or word.replace(",", "").isdigit()

    spans: list[tuple[int, int]] = []
    for first, last in _chunks(text, tokens):
        said = [i for i in range(first, last + 1) if i in verb_at]
        if not said:
            continue
        if all(frame_word(i) for i in range(first, last + 1)):
            spans.append((tokens[first].start, tokens[last].end))
            continue
        verb = verb_at[said[0]]
        opening = range(first, verb.first_token)
        if verb.group != "introducers" and opening and all(frame_word(i) for i in opening) and any(
                i in framing and tokens[i].word not in STOPWORDS for i in opening):
            end = verb.last_token  # a verb of several words ("points out") whole
            end = end + 1 if end + 1 <= last and tokens[end + 1].word == "that" else end
            spans.append((tokens[first].start, tokens[end].end))
    return spans


def _chunks(text: str, tokens: tuple[Token, ...]) -> list[tuple[int, int]]:
    """(first, last) token indices of the runs of `tokens` between commas, semicolons,
    colons, brackets and dashes."""
    chunks, first = [], 0
    for index in range(1, len(tokens)):
        if _CHUNK_BREAK.search(text[tokens[index - 1].end : tokens[index].start]):
            chunks.append((first, index - 1))
            first = index
    chunks.append((first, len(tokens) - 1))
    return chunks


def _breaks(text: str, left: Token, right: Token) -> bool:
    return bool(_CLAUSE_BREAK.search(text[left.end : right.start]))


def _subject_names(
    text: str, tokens: tuple[Token, ...], verb: int, role: dict[int, str], known: frozenset[str]
) -> list[Mention]:
    position = verb - 1
    while position >= 0 and role.get(position) == "between":
        position -= 1
    # "NHS guidance says", "the Directorate's advice recommends": the body whose document it is.
    while position > 0 and role.get(position) == "documents" and not _breaks(text, tokens[position - 1], tokens[position]):
        position -= 1
    if position < 0 or _breaks(text, tokens[position], tokens[verb]):
        return []
    if not _capitalised(tokens[position], text):
        # "NaturalCycles and other sources note": look back over a few lower-case words for
        # a connector with a name before it.
        for back in range(position - 1, max(-1, position - _GENERIC_REACH - 1), -1):
            if _breaks(text, tokens[back], tokens[back + 1]):
                return []
            if role.get(back) == "connectors" and back > 0 and _capitalised(tokens[back - 1], text):
                position = back - 1
                break
        else:
            return []
        if not _capitalised(tokens[position], text):
            return []
    first = position
    while first - 1 >= 0 and not _breaks(text, tokens[first - 1], tokens[first]):
        previous = tokens[first - 1]
        if _capitalised(previous, text) or role.get(first - 1) in ("connectors", "name_function_words"):
            first -= 1
            continue
        break
    if _object_of_preposition(text, tokens, first, role):
        return []  # "adults with IBS found": the subject is the adults' study, IBS is what they have
    return _split_names(text, tokens, first, position, role, known)


def _object_of_preposition(text: str, tokens: tuple[Token, ...], first: int, role: dict[int, str]) -> bool:
    """Whether the name run starting at token `first` is the object of a preposition ("with
    IBS", "in the UK") inside a longer subject, so not who says anything: the word before the
    name (past a "the") is "in", "on" or one of the attribution lexicon's [not_subject_after]."""
    core = first
    while core < len(tokens) - 1 and role.get(core) == "name_function_words":
        core += 1
    before = core - 1
    while before >= 0 and tokens[before].word == "the":
        before -= 1
    return before >= 0 and (role.get(before) == "not_subject_after" or tokens[before].word in ("in", "on"))


def _object_names(
    text: str, tokens: tuple[Token, ...], start: int, role: dict[int, str], known: frozenset[str]
) -> list[Mention]:
    position = start
    while position < len(tokens) and role.get(position) == "name_function_words":
        position += 1
    last = position - 1
    while last + 1 < len(tokens):
        following = tokens[last + 1]
        if last >= start and _breaks(text, tokens[last], following):
            break
        if _capitalised(following, text) or (role.get(last + 1) in ("connectors", "name_function_words") and last >= position):
            last += 1
            continue
        break
    # A comma ends the names unless they form a list ("according to X, Y and Z"): in
    # "According to Harvard Health, DHA is ..." the comma closes the fronted phrase.
    commas = [p for p in range(position + 1, last + 1) if "," in text[tokens[p - 1].end : tokens[p].start]]
    if commas and not any(role.get(p) == "connectors" for p in range(commas[0], last + 1)):
        last = commas[0] - 1
    return _split_names(text, tokens, position, last, role, known) if last >= position else []


def _split_names(
    text: str, tokens: tuple[Token, ...], first: int, last: int, role: dict[int, str], known: frozenset[str]
) -> list[Mention]:
    """Split a run of tokens at connectors and commas into names."""
    groups: list[list[int]] = [[]]
    for position in range(first, last + 1):
        comma = position > first and "," in text[tokens[position - 1].end : tokens[position].start]
        if role.get(position) == "connectors" or comma:
            groups.append([])
            if role.get(position) == "connectors":
                continue
        groups[-1].append(position)
    # A name that holds a connector ("Society of Gastroenterology and Hepatology") stays whole
    # when a source of the run goes by it.
    merged: list[list[int]] = []
    for group in groups:
        if merged and merged[-1] and group and squash(text[tokens[merged[-1][0]].start : tokens[group[-1]].end]) in known:
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    groups = merged
    names: list[Mention] = []
    joined = sum(1 for group in groups if group) > 1
    for group in groups:
        # Trim function words at the edges ("the WHO" → "WHO").
        while group and role.get(group[0]) == "name_function_words":
            group = group[1:]
        while group and role.get(group[-1]) == "name_function_words":
            group = group[:-1]
        if not group or not all(_capitalised(tokens[p], text) or role.get(p) == "name_function_words" for p in group):
            continue
        opening = group[0] == 0 and len(group) == 1
        word = text[tokens[group[0]].start : tokens[group[0]].end]
        if opening and not (_distinctive(tokens[group[0]], text) or joined or squash(word) in known):
            continue
        start, end = tokens[group[0]].start, tokens[group[-1]].end
        possessive = _POSSESSIVE_END.search(text[start:end])  # "the Directorate's guidance": "Directorate"
        if possessive:
            end -= len(possessive.group())
        names.append(Mention(text[start:end], start, end))
    return names


def source_names(source: Source, settings: Settings) -> frozenset[str]:
    """The squashed names a source goes by: publisher, journal, the names its page gives
    itself (site name, schema.org publisher, <title> suffix, copyright holder; see
    Source.names), their acronyms (also one written in brackets: "... Medicine (ISSM)"), and
    the labels of its host (and of a domain-like site name, "nhs.uk") when the address names a
    site at all: a page served from 127.0.0.1 says nothing by its address."""
    attribution = settings.lexicon("attribution")
    hosts = attribution.get("hosts", {})
    skip, second_level = hosts.get("skip", []), hosts.get("second_level", [])
    function_words = attribution.get("name_function_words", {}).get("cues", [])
    generic = {squash(label) for label in attribution.get("site_names", {}).get("generic", [])}
    names: set[str] = set()
    for name in (source.publisher, source.journal, *source.names):
        if not name or squash(name) in generic or _address_only(name):
            continue
        bracketed = _BRACKETED.findall(name)
        bare = _BRACKETED.sub(" ", name).strip()
        # "Office of Dietary Supplements, National Institutes of Health": two names.
        listed = [part for part in bare.split(", ") if len(part.split()) >= 2] if ", " in bare else []
        for variant in (name, bare, *bracketed, *listed):
            names.add(squash(variant))
            # As a claim's content terms spell it, function words left out ("American College
            # Cardiology"), so the name is found among the terms.
            names.add(squash(" ".join(word for word in variant.split() if word.lower() not in function_words)))
            # Two-letter initials ("Nordic Oils" → "no") would be ordinary words, not names.
            names.update(acronym for acronym in initials(variant, function_words) if len(acronym) >= 3)
        if _DOMAIN_LIKE.fullmatch(name.strip()):
            names.update(host_labels(f"https://{name.strip().lower()}", skip, second_level))
    for url in (source.final_url, source.url):
        if url and address_names_site(url):
            names.update(host_labels(url, skip, second_level))
    names.discard("")
    return frozenset(names)


def _address_only(name: str) -> bool:
    """An IP address or "localhost" standing in for a publisher's name (a page served from a
    test server with no site name): no name at all."""
    name = name.strip()
    return (name == "localhost" or bool(_DOMAIN_LIKE.fullmatch(name))) and not address_names_site(f"http://{name}")


def author_surnames(source: Source) -> frozenset[str]:
    """The squashed surnames of a source's authors ("Halvorsen I", "Halvorsen, Ingrid" and
    "Ingrid Halvorsen" → "halvorsen"): an article may name a study by its first author."""
    surnames: set[str] = set()
    for author in source.authors[:10]:
        head = author.split(",")[0].strip()
        words = [word for word in re.findall(r"[^\W\d_][\w'’-]*", head) if not word.endswith(".")]
        if not words:
            continue
        # "Halvorsen I" and "Smith JA" put initials last; otherwise the surname is last.
        surname = words[0] if len(words) > 1 and words[-1].isupper() and len(words[-1]) <= 3 else words[-1]
        if len(surname) >= 3 and surname[0].isupper():
            surnames.add(squash(surname))
    return frozenset(surnames)
