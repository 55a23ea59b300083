"""Finding a lexicon's words and phrases in a text, by stem, with character offsets.

Every check in assess (and match's negation and direction test) asks the same question:
"which cues of this word list occur in this sentence, and where?". This module answers it
once: a `CueSet` is compiled from lexicon lists (configs/lexicons/*.toml), and `find`
returns the hits with the words as written, so a flag can quote the cue.

Cue syntax: words separated by spaces, each matched by its Snowball stem ("reduce" finds
"reduces", "reduced", "reducing"); "*" stands for any one word ("no * trials"); "=word"
matches that exact word only, for words whose stem is shared with unrelated words
("=effective" must not find "effects", "=treat" must not find "treatment"). At each
position the longest cue wins and hits never overlap, so "associated with" is one hit, not
"associated" plus "with"; at equal length an exact-word cue wins. Symbols such as "%" and "&" are tokens of their own.

Also here, because match and assess both need them: the claim's content terms with synonyms
and abbreviations applied (`TermAnalyzer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from ..memo import once_per_object
from .text import STOPWORDS, normalize, stem

# Words (hyphenated and apostrophed ones whole) and the few symbols cues use.
_TOKEN = re.compile(r"[^\W_]+(?:[-'’‐‑][^\W_]+)*|[%&]", re.UNICODE)
# text.normalize applies NFKC first, which turns a non-breaking hyphen (U+2011) into U+2010,
# a character its table does not map; words must compare equal however they were hyphenated.
_HYPHENS = str.maketrans({"‐": "-", "‑": "-"})
WILDCARD = "*"
EXACT = "="


class Token(NamedTuple):
    """One word of a text: lower-cased form, stem, character offsets. (A named tuple, not a
    frozen dataclass: texts are tokenised by the hundred thousand and this builds 5x faster.)"""

    word: str
    stem: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class CueHit:
    """One occurrence of a cue: which list (`group`), the cue as listed, the words as written."""

    group: str
    cue: str
    surface: str
    start: int
    end: int
    first_token: int
    last_token: int


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """The words of `text` with stems and offsets (offsets index `text` itself)."""
    plain = normalize(text).translate(_HYPHENS).lower()
    # Normalising the whole text at once is much faster; its offsets hold whenever it kept
    # the length (it does for ordinary text), otherwise each word is normalised on its own.
    if len(plain) == len(text):
        return tuple(Token(m.group(), stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(plain))
    tokens = []
    for match in _TOKEN.finditer(text):
        word = normalize(match.group()).translate(_HYPHENS).lower()
        tokens.append(Token(word, stem(word), match.start(), match.end()))
    return tuple(tokens)


def _cue_stems(cue: str) -> tuple[str, ...]:
    """The match keys of a cue: stems, WILDCARD, or "=word" for an exact word."""
    stems = []
    for part in cue.split():
        if part == WILDCARD:
            stems.append(WILDCARD)
        elif part.startswith(EXACT) and len(part) > 1:
            stems.extend(EXACT + token.word for token in tokenize(part[1:]))
        else:
            stems.extend(token.stem for token in tokenize(part))
    return tuple(stems)


def _rank(keys: tuple[str, ...]) -> tuple[int, int]:
    return len(keys), sum(key.startswith(EXACT) for key in keys)


def _matches(key: str, token: Token) -> bool:
    if key == WILDCARD:
        return True
    if key.startswith(EXACT):
        return token.word == key[1:]
    return key == token.stem


class CueSet:
    """Lexicon lists compiled for fast lookup; `find` returns non-overlapping hits."""

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        """`groups` maps a group name (e.g. "causal") to its cue phrases."""
        # {first stem: [(stems, group, cue)]}, longest first so the longest cue wins.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._wild_first: list[tuple[tuple[str, ...], str, str]] = []
        for group, cues in groups.items():
            for cue in cues:
                stems = _cue_stems(cue)
                if not stems:
                    continue
                entry = (stems, group, cue)
                if stems[0] == WILDCARD:
                    self._wild_first.append(entry)
                else:
                    self._by_first.setdefault(stems[0], []).append(entry)
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def find(self, text: str, groups: Sequence[str] | None = None) -> list[CueHit]:
        """Hits of the cues in `text`, in order; only of `groups` when given."""
        tokens = tokenize(text)
        hits: list[CueHit] = []
        index = 0
        while index < len(tokens):
            hit = self._match_at(text, tokens, index, groups)
            if hit is None:
                index += 1
                continue
            hits.append(hit)
            index = hit.last_token + 1
        return hits

    def _match_at(
        self, text: str, tokens: tuple[Token, ...], index: int, groups: Sequence[str] | None
    ) -> CueHit | None:
        token = tokens[index]
        candidates = self._by_first.get(token.stem, []) + self._by_first.get(EXACT + token.word, []) + self._wild_first
        best: tuple[tuple[str, ...], str, str] | None = None
        for stems, group, cue in candidates:
            if groups is not None and group not in groups:
                continue
            if index + len(stems) > len(tokens):
                continue
            if all(_matches(key, tokens[index + offset]) for offset, key in enumerate(stems)):
                # Longest wins; at equal length an exact-word cue beats a stem cue ("=lowers"
                # the verb over "lower" the comparative).
                if best is None or _rank(stems) > _rank(best[0]):
                    best = (stems, group, cue)
        if best is None:
            return None
        last = index + len(best[0]) - 1
        start, end = tokens[index].start, tokens[last].end
        return CueHit(best[1], best[2], text[start:end], start, end, index, last)

    def has(self, text: str, group: str) -> bool:
        """Whether any cue of `group` occurs in `text`."""
        return any(hit.group == group for hit in self.find(text, (group,)))


# Compiled sets, keyed by the lexicon object itself: lexicons are read-only and live as long
# as their Settings, so compiling once per (lexicon, lists) is safe.
_COMPILED: dict[tuple[int, tuple[str, ...]], tuple[Mapping[str, Any], CueSet]] = {}


def cue_set(lexicon: Mapping[str, Any], *tables: str) -> CueSet:
    """The CueSet of some lists of a lexicon, compiled once per lexicon object.

    Each of `tables` names a table whose `cues` list is read ("causal"), or "table:list" for
    another list of that table ("reporting:distancing"); hits carry that list's name as group.
    """
    key = (id(lexicon), tables)
    cached = _COMPILED.get(key)
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    groups: dict[str, list[str]] = {}
    for table in tables:
        name, _, list_key = table.partition(":")
        values = lexicon.get(name, {})
        cues = values.get(list_key or "cues", []) if isinstance(values, Mapping) else values
        groups[list_key or name] = list(cues)
    compiled = CueSet(groups)
    _COMPILED[key] = (lexicon, compiled)
    return compiled


# ── clauses ───────────────────────────────────────────────────────────────────────────────

_CLAUSE_BREAK = frozenset(",;:.()!?")
_REACH = 3


def clause_words(text: str, tokens: Sequence[Any], position: int, step: int, skip: set[int],
                 reach: int = _REACH) -> list[int]:
    """Up to `reach` content-word positions from `position` in direction `step`, stopping at
    a clause break."""
    found: list[int] = []
    current = position
    while len(found) < reach:
        following = current + step
        if not 0 <= following < len(tokens):
            break
        left, right = sorted((tokens[current], tokens[following]), key=lambda token: token.start)
        if _CLAUSE_BREAK.intersection(text[left.end : right.start]):
            break
        current = following
        if following not in skip and tokens[following].word not in STOPWORDS:
            found.append(following)
    return found


# ── content terms with synonyms and abbreviations ─────────────────────────────────────────


class Term(NamedTuple):
    """One content word of a text: `key` is the synonym-group key of its stem; `parts` the
    keys of its pieces when hyphenated ("non-penetrative" → non, penetr, then the squashed
    word) or a multi-word synonym ("high blood pressure" → high, blood, pressur, then the
    group's key); `word` as written; `alternates` the keys of other words that say the same
    (a claim's terms get its WordNet synonyms: pipeline/language/lexical.py)."""

    key: str
    word: str
    parts: tuple[str, ...] = ()
    alternates: frozenset[str] = frozenset()


class TermAnalyzer:
    """Content terms of texts, with the synonyms lexicon applied.

    Abbreviations are expanded first, so "NPSA" and "non-penetrative sexual activities"
    become the same terms; then each word's stem is mapped to its synonym group's key.
    """

    def __init__(self, synonyms: Mapping[str, Any]) -> None:
        """`synonyms` is the parsed synonyms lexicon (groups, abbreviations)."""
        self._group_of: dict[str, str] = {}
        # Multi-word synonyms by their first stem: {stem: [(stems, group key)]}.
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # The study-limitation concepts ([limitations]) are groups like any other.
        for group in (*synonyms.get("groups", []), *synonyms.get("limitations", {}).get("groups", [])):
            phrases = [tuple(t.stem for t in tokenize(word)) for word in group]
            if not phrases or not phrases[0]:
                continue
            # A group is keyed by its first entry, all of it: a group led by "sleep onset" must
            # not take the key of the word "sleep" (every "fall asleep" would then be "sleep").
            head = "_".join(phrases[0])
            for stems in phrases:
                if len(stems) == 1:
                    self._group_of.setdefault(stems[0], head)
                elif len(stems) > 1:
                    self._phrases.setdefault(stems[0], []).append((stems, head))
        abbreviations = synonyms.get("abbreviations", {})
        self._abbreviation = (
            re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(abbreviations, key=len, reverse=True)) + r")\b")
            if abbreviations
            else None
        )
        self._expansions = dict(abbreviations)

    def key(self, stem_: str) -> str:
        """The synonym-group key of a stem (the stem itself when in no group)."""
        return self._group_of.get(stem_, stem_)

    def expand(self, text: str) -> str:
        """`text` with known abbreviations replaced by the words they stand for."""
        if self._abbreviation is None:
            return text
        return self._abbreviation.sub(lambda match: self._expansions[match.group(1)], text)

    def terms(self, text: str) -> tuple[Term, ...]:
        """The content terms of `text` in order (function words left out)."""
        return _terms_cached(self, text)

    def term_keys(self, text: str) -> frozenset[str]:
        """Every key a passage offers for coverage: whole words, their parts, and squashed
        hyphenations ("non-penetrative" also offers "nonpenetr"-style keys and "penetr")."""
        keys: set[str] = set()
        for term in self.terms(text):
            keys.add(term.key)
            keys.update(term.parts)
        return frozenset(keys)


@lru_cache(maxsize=8192)
def _terms_cached(analyzer: TermAnalyzer, text: str) -> tuple[Term, ...]:
    expanded = analyzer.expand(normalize(text))
    tokens = tokenize(expanded)
    terms: list[Term] = []
    index = 0
    while index < len(tokens):
        # Multi-word synonyms ("making out") become one term of their group; looked for
        # before function words are dropped, since they may contain one ("out").
        phrase = phrase_at(analyzer, tokens, index)
        if phrase is not None:
            length, key = phrase
            pieces = tokens[index : index + length]
            words_ = " ".join(token.word for token in pieces)
            # Its words stay findable on their own ("blood pressure" in "high blood pressure"):
            # the keys of its content words, then the phrase's key, so that `covered` finds the
            # phrase by its key or by all of its words.
            inner = tuple(dict.fromkeys(analyzer.key(token.stem) for token in pieces if token.word not in STOPWORDS))
            terms.append(Term(key, words_, (*inner, key) if len(inner) > 1 or inner != (key,) else ()))
            index += length
            continue
        token = tokens[index]
        index += 1
        if token.word in STOPWORDS or token.word in ("%", "&"):
            continue
        parts: tuple[str, ...] = ()
        if "-" in token.word:
            pieces = [piece for piece in token.word.split("-") if piece and piece not in STOPWORDS]
            parts = tuple(analyzer.key(stem(piece)) for piece in pieces)
            # The squashed form lets "nonpenetrative" meet "non-penetrative".
            parts += (analyzer.key(stem(token.word.replace("-", ""))),)
        terms.append(Term(analyzer.key(token.stem), token.word, parts))
    return tuple(terms)


def phrase_at(analyzer: TermAnalyzer, tokens: Sequence[Token], index: int) -> tuple[int, str] | None:
    """(its length in tokens, its group key) of the multi-word synonym starting at `index`, or None."""
    for stems, key in analyzer._phrases.get(tokens[index].stem, ()):
        end = index + len(stems)
        if end <= len(tokens) and all(tokens[index + i].stem == s for i, s in enumerate(stems)):
            return len(stems), key
    return None


@once_per_object
def term_analyzer(synonyms: Mapping[str, Any]) -> TermAnalyzer:
    """The TermAnalyzer for a synonyms lexicon, built once per lexicon object."""
    return TermAnalyzer(synonyms)


# ── the names a source goes by ────────────────────────────────────────────────────────────


def squash(name: str) -> str:
    """A name reduced for comparison: lower case, letters and digits only, no leading "the"
    ("The Pelvic People" → "pelvicpeople", "Ship's Psychology" → "shipspsychology")."""
    plain = normalize(name).lower().strip()
    if plain.startswith("the "):
        plain = plain[4:]
    return re.sub(r"[^0-9a-z]+", "", plain)


def reference_parts(entry: str) -> list[str]:
    """The parts of an article's reference entry, split at full stops and spaced dashes or
    bars: ["Insomnia and CBT-I", "Lakeside Sleep Clinic"]; the parts after the first are where
    a writer names the publisher."""
    return [part.strip() for part in _REFERENCE_SPLIT.split(entry) if part.strip()]


_REFERENCE_SPLIT = re.compile(r"\.\s+|\s+[–—|-]\s+")


def initials(name: str, function_words: Iterable[str] = ()) -> tuple[str, ...]:
    """The acronyms a multi-word name may go by, lower case: with and without its function
    words ("International Society for Sexual Medicine" → "issm", "isfsm")."""
    skip = {word.lower() for word in function_words}
    parts = [word for word in re.findall(r"[^\W_]+", normalize(name))]
    if len(parts) < 2:
        return ()
    full = "".join(word[0] for word in parts).lower()
    content = "".join(word[0] for word in parts if word.lower() not in skip).lower()
    return tuple(dict.fromkeys(acronym for acronym in (content, full) if len(acronym) >= 2))


def host_labels(url: str, skip: Iterable[str] = (), second_level: Iterable[str] = ()) -> tuple[str, ...]:
    """The distinctive labels of a URL's host, without `skip` prefixes ("www"), the top-level
    label and a `second_level` label before it ("co" in example.co.uk):
    "https://www.choosingtherapy.com/x" → ("choosingtherapy",)."""
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/?#:]+)", url.strip().lower())
    if not match:
        return ()
    skipped = set(skip)
    labels = [label for label in match.group(1).split(".") if label and label not in skipped]
    if len(labels) >= 2:
        labels = labels[:-1]
        if len(labels) >= 2 and labels[-1] in set(second_level):
            labels = labels[:-1]
    return tuple(label.replace("-", "") for label in labels)


# ── absence of evidence ──────────────────────────────────────────────────────────────────


def absence_cue(text: str, lexicon: Mapping[str, Any]) -> CueHit | None:
    """The cue that makes `text` an absence-of-evidence claim, or None.

    Either an absence phrase ("not established", "has not been studied"), or a denying
    marker ("no", "lack of", "do not provide") followed within `window` words by an evidence
    noun ("no randomized trials"). A marker before an ordinary noun ("found no effect") or before
    an evidence word used as a verb ("few reported side effects") is a finding, not an absence
    claim.
    """
    hits = cue_set(lexicon, "phrases", "markers", "evidence_nouns").find(text)
    window = int(lexicon.get("markers", {}).get("window", 4))
    for hit in hits:
        if hit.group == "phrases":
            return hit
    # Evidence nouns are matched by stem, so "reported" and "studied" would count; as verbs they
    # tell what people did ("a few reported sore wrists"), not that evidence is missing.
    nouns = [hit for hit in hits if hit.group == "evidence_nouns" and not hit.surface.lower().endswith("ed")]
    # The marker must govern the evidence noun: a word such as "in", "of" or "one" between them
    # makes the marker deny something else ("no one in the trial", "none of the studies found").
    breakers = frozenset(lexicon.get("markers", {}).get("not_between", []))
    pairs = [(marker, noun) for marker in hits if marker.group == "markers" for noun in nouns
             if 0 < noun.first_token - marker.last_token <= window]
    # Tokenised again only when a pair is there to check (most sentences have none).
    words = [token.word for token in tokenize(text)] if pairs and breakers else []
    for marker, noun in pairs:
        if not breakers.intersection(words[marker.last_token + 1 : noun.first_token]):
            return CueHit("markers", marker.cue, text[marker.start : noun.end], marker.start, noun.end,
                          marker.first_token, noun.last_token)
    return None
