"""Retrieval primitives for match: a claim's content terms, passages indexed once, BM25.

A claim is read once into a `ClaimView`: its content terms without its frame (reporting
verbs, unnamed sources, hedges, number words, the outlets it names), each with the keys of its
WordNet synonyms (a passage saying "children" carries a claim's "youngsters"; `covered`), its
numbers, and its clauses (a long claim is aligned clause by clause). Passages are indexed once per run into
a `PassageIndex`: per passage its term keys (synonyms and abbreviations applied, so "heart
attack" meets "myocardial infarction"), the keys of its context window, term counts, and a
small inverted index for BM25.

Why an in-house BM25: `claimcheck evidence` builds an index per line over a dozen
sentences, and bm25s's index building (vocabulary, sparse matrices) cost more than the
scoring itself; a dictionary of postings is exact for these sizes and several times faster
(measured with bench/evidence_speed.py). Same formula as bm25s's default (Lucene's):
idf = ln(1 + (N − df + 0.5)/(df + 0.5)), k1 = 1.5, b = 0.75.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..language.cues import Term, squash, term_analyzer, tokenize
from ..language.lexical import lexical_database
from ..language.numbers import MEASURE, PROPORTION, Quantity, read_quantities
from ..language.outlets import attribution_frames, named_outlets
from ..language.text import stem
from ..memo import once_per_object

K1 = 1.5
B = 0.75
# A claim longer than this (in content terms) is also aligned clause by clause.
_CLAUSE_MIN_TERMS = 8
_CLAUSE_SPLIT = re.compile(r"\s*(?:[;:,()—–]|\s-\s|\band\b|\bbut\b|\bwhile\b|\bwhereas\b)\s*", re.IGNORECASE)
# A clause shorter than this (characters) is a fragment, not something a passage says.
_CLAUSE_MIN_CHARS = 25


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim as match sees it: content terms (frame left out, one per key), numbers, clauses."""

    text: str
    terms: tuple[Term, ...]
    quantities: tuple[Quantity, ...]
    clauses: tuple[str, ...] = ()
    frame: frozenset[str] = frozenset()  # keys of terms in its attribution frames: never key content


def claim_view(text: str, settings: Settings, names: frozenset[str] = frozenset()) -> ClaimView:
    """The claim's content terms without its frame: reporting verbs, hedges, number words,
    the outlets it names as its origin, and any word that is a name of a cited source
    (`names`, squashed). The words of its attribution frames ("Official guidelines ask",
    "..., the review found") stay terms but are marked `frame`: never key content."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    frame = frame_keys(settings)
    attribution = settings.lexicon("attribution")
    named = {token.word for mention in named_outlets(text, attribution, names) for token in tokenize(mention.name)}
    # Who says it ("The charity cautions that", "..., national figures show") is not what is
    # said: its words count when a passage carries them, never as missing key content.
    framing = {token.word for start, end in attribution_frames(text, attribution, names)
               for token in tokenize(text[start:end])}
    framed: set[str] = set()
    seen: set[str] = set()
    terms = []
    all_terms = analyzer.terms(text)
    # Words that together spell a cited source's name ("Natural Cycles" for naturalcycles.com).
    named.update(_name_words(all_terms, names))
    quantities = read_quantities(text, settings.lexicon("numbers"))
    # The unit words of a measure or a share ("half an hour", "20 per cent") are compared as
    # part of the number, not as words: "one hour before bed" is no match for "half an hour".
    units = {token.word for quantity in quantities if quantity.kind in _UNIT_KINDS for token in tokenize(quantity.text)}
    for position, term in enumerate(all_terms):
        if term.key in seen or term.key in frame or squash(term.word) in names or term.word in named:
            continue
        if term.word.replace(",", "").replace(".", "").isdigit() or term.word in units:
            continue  # numbers are compared as numbers, not as words
        if _POSSESSIVE.search(term.word) and position + 1 < len(all_terms) and all_terms[position + 1].key in frame:
            continue  # the origin of what is reported ("the government's guidance warns"), not its content
        seen.add(term.key)
        terms.append(term)
        if term.word in framing:
            framed.add(term.key)
    if settings.match.wordnet_synonyms:
        terms = with_synonyms(terms, settings)
    return ClaimView(text, tuple(terms), quantities, clauses(text) if len(terms) >= _CLAUSE_MIN_TERMS else (),
                     frozenset(framed))


def with_synonyms(terms: Sequence[Term], settings: Settings) -> list[Term]:
    """`terms` each with the keys of its WordNet synonyms as `alternates`, so that a passage
    saying "children" carries a claim's "kids" (single words only: a hyphenated word or a
    phrase of the hand list keeps its own matching)."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    database = lexical_database(settings)
    result = []
    for term in terms:
        if term.parts:
            result.append(term)
            continue
        alternates = frozenset(analyzer.key(other) for other in database.synonyms(stem(term.word))) - {term.key}
        result.append(term._replace(alternates=alternates) if alternates else term)
    return result


_UNIT_KINDS = frozenset({MEASURE, PROPORTION})
_POSSESSIVE = re.compile(r"['’]s$")


def _name_words(terms: Sequence[Term], names: frozenset[str]) -> set[str]:
    """Words of runs of two or three neighbouring terms whose squashed join is in `names`."""
    found: set[str] = set()
    if not names:
        return found
    for size in (2, 3):
        for start in range(len(terms) - size + 1):
            run = terms[start:start + size]
            if squash("".join(term.word for term in run)) in names:
                found.update(term.word for term in run)
    return found


def clauses(text: str) -> tuple[str, ...]:
    """The clauses of a long sentence worth aligning on their own (split at punctuation and
    conjunctions; fragments shorter than a few words are joined to the clause before)."""
    pieces: list[str] = []
    for piece in _CLAUSE_SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if pieces and len(pieces[-1]) < _CLAUSE_MIN_CHARS:
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    if pieces and len(pieces[-1]) < _CLAUSE_MIN_CHARS and len(pieces) > 1:
        last = pieces.pop()
        pieces[-1] = f"{pieces[-1]} {last}"
    return tuple(pieces) if len(pieces) > 1 else ()


@once_per_object
def frame_keys(settings: Settings) -> frozenset[str]:
    """Term keys that frame a claim rather than state it: reporting verbs, unnamed sources
    ("health sites"), hedges, qualifiers, connectives, and number words (computed once per
    settings object)."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    attribution = settings.lexicon("attribution")
    words: list[str] = list(attribution.get("reporting_verbs", {}).get("cues", []))
    words.extend(attribution.get("generic_sources", {}).get("cues", []))
    strength = settings.lexicon("strength")
    for table in ("hedges", "qualifiers", "conditional"):
        words.extend(strength.get(table, {}).get("cues", []))
    words.extend(settings.lexicon("synonyms").get("ignore", {}).get("cues", []))
    # Negations are compared as polarity (a clash), not as words a passage must repeat.
    words.extend(settings.lexicon("negation").get("negation", {}).get("cues", []))
    numbers = settings.lexicon("numbers")
    for table in ("words", "multipliers", "fractions"):
        words.extend(numbers.get(table, {}))
    # A word that names a health outcome ("stress", "pain") is content even where it can also
    # frame a claim ("experts stress that"): better a frame word asked of a source than an
    # outcome left out of the claim.
    outcomes = {analyzer.key(token.stem) for word in strength.get("health_effect", {}).get("cues", [])
                for token in tokenize(word)}
    return frozenset(analyzer.key(token.stem) for word in words for token in tokenize(word)
                     if " " not in word) - outcomes


# ── passages ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Doc:
    """One passage as the matcher sees it: text, context window, their term keys."""

    text: str
    context: str
    keys: frozenset[str]
    context_keys: frozenset[str]
    counts: Mapping[str, int]
    length: int


class PassageIndex:
    """Passages indexed once: term keys, document frequencies and BM25 postings."""

    def __init__(self, texts: Sequence[tuple[str, str]], settings: Settings,
                 windows: Sequence[Sequence[int]] | None = None) -> None:
        """`texts` holds (passage text, context window text) pairs; an empty context means
        the passage is its own context. `windows[i]`, when given, lists the passages whose
        texts make up passage i's context (their keys are joined instead of re-reading it)."""
        analyzer = term_analyzer(settings.lexicon("synonyms"))
        self.docs: list[Doc] = []
        self.postings: dict[str, list[tuple[int, int]]] = {}
        # Per-passage values the features compute once per index (term pairs, long words).
        self.memo: dict[tuple[str, int], Any] = {}
        all_counts = [_term_counts(analyzer.terms(text)) for text, _ in texts]
        for position, (text, context) in enumerate(texts):
            counts = all_counts[position]
            keys = frozenset(counts)
            if windows is not None:
                context_keys = frozenset().union(*(all_counts[i].keys() for i in windows[position])) | keys
            else:
                context_keys = keys if not context or context == text else analyzer.term_keys(context) | keys
            self.docs.append(Doc(text, context or text, keys, context_keys, counts, sum(counts.values())))
            for key, count in counts.items():
                self.postings.setdefault(key, []).append((position, count))
        lengths = [doc.length for doc in self.docs]
        self.average_length = (sum(lengths) / len(lengths)) if lengths else 0.0
        self._idf: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.docs)

    def df(self, key: str) -> int:
        """How many passages carry `key`."""
        return len(self.postings.get(key, ()))

    def idf(self, key: str) -> float:
        """BM25's IDF of a term key; a term found nowhere weighs as one found once."""
        value = self._idf.get(key)
        if value is None:
            n = len(self.docs)
            df = max(1, self.df(key))
            value = self._idf[key] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return value

    def bm25(self, keys: Iterable[str], positions: Iterable[int] | None = None) -> dict[int, float]:
        """BM25 scores of the passages (only those at `positions`, when given) that carry
        any of `keys`; passages missing from the answer score 0."""
        wanted = None if positions is None else set(positions)
        scores: dict[int, float] = {}
        average = self.average_length or 1.0
        for key in set(keys):
            postings = self.postings.get(key)
            if not postings:
                continue
            idf = self.idf(key)
            for position, count in postings:
                if wanted is not None and position not in wanted:
                    continue
                norm = K1 * (1 - B + B * self.docs[position].length / average)
                scores[position] = scores.get(position, 0.0) + idf * count * (K1 + 1) / (count + norm)
        return scores


def _term_counts(terms: Sequence[Term]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for term in terms:
        counts[term.key] += 1
        for part in term.parts:
            if part != term.key:
                counts[part] += 1
    return dict(counts)


# ── coverage ──────────────────────────────────────────────────────────────────────────────


def covered(term: Term, keys: frozenset[str] | Mapping[str, Any]) -> bool:
    """Whether a passage's `keys` carry `term`: by its key or one of its alternates (its
    synonyms), or a hyphenated word or multi-word synonym by the last of its parts (the squashed word, the group's key) or by all its other
    parts ("non-penetrative" by "nonpenetrative"; "high blood pressure" by "blood pressure
    was high")."""
    if term.key in keys:
        return True
    if term.alternates and not term.alternates.isdisjoint(keys):
        return True
    if term.parts:
        whole_parts = term.parts[:-1]
        return term.parts[-1] in keys or (bool(whole_parts) and all(part in keys for part in whole_parts))
    return False


def weighted_coverage(claim: ClaimView, keys: frozenset[str], index: PassageIndex,
                      weights: Sequence[float] | None = None) -> tuple[float, frozenset[str]]:
    """The IDF-weighted share of the claim's terms that `keys` carry, and which they are."""
    weights = weights if weights is not None else [index.idf(term.key) for term in claim.terms]
    total = sum(weights)
    if not total:
        return 0.0, frozenset()
    carried = 0.0
    hit = []
    for term, weight in zip(claim.terms, weights):
        if covered(term, keys):
            carried += weight
            hit.append(term.key)
    return carried / total, frozenset(hit)
