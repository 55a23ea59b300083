"""Cheap features of a claim × passage pair, for the evidence ranker and the support judge.

Every feature is a number computed from the two texts and the passage's neighbours in its
source; none needs a model download. Two lists:

  RANK_FEATURES   how likely the passage is the evidence for the claim: BM25 (relative to
                  the best candidate and absolute), IDF-weighted coverage of the claim's terms
                  by the sentence and by its context window, plain coverage, shared term
                  bigrams, words found inside compounds ("mask" in "facemasks"), numbers that
                  agree and numbers of the claim's kinds (the passage reporting the measure a
                  claim gives a number for), finding vs set-up cue words
                  (configs/lexicons/passage_cues.toml), and position in the source.
  JUDGE_FEATURES  whether the passage supports, contradicts or merely relates to the claim:
                  the ranker's probability and margin, coverage again, rapidfuzz alignment of
                  the claim and of its clauses (long claims are split into clauses), the
                  highest-IDF claim term the passage lacks, negation, direction, number and
                  denial clashes on shared terms (pipeline/language/polarity.py; a negation of what the
                  other text states of the same thing counts as a negation clash, one negated
                  shared term as a weak denial), "no effect" against a stated change, antonym
                  swaps and scope words ("only", "all") the passage does not carry
                  (antonyms.toml), hedges, a claim term written with capitals (a name) the
                  passage lacks, and the share of the claim's key content it carries.

Their weights are learned (pipeline/learned.py, bench/train_evidence.py); this module only
measures. A feature list change must be followed by refitting the models (load_model checks).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ..config import Settings
from ..language.cues import term_analyzer, tokenize
from ..language.number_clash import given
from ..language.numbers import Quantity, comparable, read_quantities, said_in
from ..language.polarity import negated, null_wording, oppositions
from ..language.reversal import antonym_map, null_clash
from ..language.text import normalize
from ..memo import once_per_object
from .retrieval import ClaimView, PassageIndex, covered

# rapidfuzz alignment of the claim and of its clauses (and token-set similarity) were measured
# as ranking features and left out: on Check-COVID train (5-fold) they added nothing (R@3 0.669
# with them, 0.677 without; MRR 0.578 vs 0.579) and cost most of the ranking time. They stay
# among the judge's features, which read three passages per claim.
# Measured on Check-COVID train (5-fold) and left out as adding nothing: key-term coverage,
# whether the rarest claim term is carried, the claim's names carried, and coverage relative
# to the best candidate's (R@3 0.669 with them, 0.673 without).
RANK_FEATURES = (
    "bm25_rel", "bm25_abs", "coverage", "context_gain", "coverage_plain", "bigrams", "compound",
    "numbers_agree", "has_number", "finding", "setup", "first", "last", "position", "length",
    "number_kind",
)
JUDGE_FEATURES = (
    "rank_prob", "rank_margin", "is_top", "coverage", "coverage_plain", "align", "clause_align",
    "token_set", "missing_top_idf", "missing_share", "numbers_agree", "number_clash",
    "negation_clash", "direction_clash", "denial_clash", "antonym", "claim_negated", "passage_negated",
    "negation_parity", "scope_unmatched", "claim_scope", "claim_hedged", "passage_hedged",
    "claim_null", "passage_null", "null_parity", "name_missing", "length_ratio",
    "weak_denial", "null_clash", "key_coverage",
)
_MIN_COMPOUND = 4  # a claim stem this long found inside a passage word counts as a compound match


@dataclass(frozen=True, slots=True)
class ClaimSignals:
    """What the features need of a claim, computed once per claim and passage set."""

    view: ClaimView
    weights: tuple[float, ...]
    total: float
    bigrams: frozenset[tuple[str, str]]
    plain: str
    plain_clauses: tuple[str, ...]
    stems: frozenset[str]
    negated: bool
    hedged: bool
    null: bool
    scope: frozenset[str]
    antonyms: frozenset[str]  # stems whose antonym in a passage would reverse the claim
    names: tuple[str, ...]  # capitalised words and acronyms past the first word, lower case
    key: tuple[bool, ...] = ()  # per term: whether it is key content (not a general word)
    # The claim's numbers that no passage of its cited sources gives: only these can be given
    # otherwise ("one in five" said in one sentence is not contradicted by another's "23%").
    contested: tuple[Quantity, ...] = ()


def claim_signals(view: ClaimView, index: PassageIndex, settings: Settings,
                  cited: Sequence[int] | None = None) -> ClaimSignals:
    """The per-claim part of the features; `cited` are the positions of the passages of the
    claim's cited sources (all of `index` when None)."""
    weights = tuple(index.idf(term.key) for term in view.terms)
    keys = [term.key for term in view.terms]
    stems = frozenset(token.stem for token in tokenize(view.text))
    antonyms = antonym_map(settings)
    return ClaimSignals(
        view, weights, sum(weights),
        frozenset(_pair(a, b) for a, b in zip(keys, keys[1:])),
        _plain(view.text), tuple(_plain(clause) for clause in view.clauses), stems,
        negated(view.text, settings), _hedged(view.text, settings),
        null_wording(view.text, settings),
        _scope(view.text, settings),
        frozenset(stem for stem in stems if stem in antonyms),
        _names(view.text),
        tuple(term.key not in generic_keys(settings) for term in view.terms),
        contested_numbers(view.text, view.quantities, [doc.text for doc in index.docs] if cited is None
                          else [index.docs[position].text for position in cited], settings),
    )


def contested_numbers(claim: str, quantities: Sequence[Quantity], texts: Sequence[str],
                      settings: Settings) -> tuple[Quantity, ...]:
    """Those of a claim's `quantities` that none of `texts` (all its cited text) gives
    (pipeline/language/number_clash.given)."""
    return tuple(quantity for quantity in quantities if not given(claim, quantity, texts, settings))


# ── ranking features ──────────────────────────────────────────────────────────────────────


def rank_features(claim: ClaimSignals, position: int, index: PassageIndex, bm25: float, top_bm25: float,
                  place: tuple[int, int], settings: Settings) -> list[float]:
    """RANK_FEATURES of passage `position` for `claim`; `bm25` its BM25 score, `top_bm25`
    the best among the candidates, `place` = (its order in its source, passages in it)."""
    doc = index.docs[position]
    coverage, plain, _ = _coverage(claim, doc.keys)
    context, _, _ = _coverage(claim, doc.context_keys) if doc.context_keys is not doc.keys else (coverage, 0, 0)
    order, size = place
    cues = _cue_groups(doc.text, settings)
    return [
        bm25 / top_bm25 if top_bm25 > 0 else 0.0,
        bm25 / claim.total if claim.total else 0.0,
        coverage,
        max(0.0, context - coverage),
        plain,
        _bigram_share(claim, position, index, settings),
        _compound_share(claim, position, index),
        _numbers_agree(claim.view.quantities, doc.text, settings),
        1.0 if read_quantities(doc.text, settings.lexicon("numbers")) else 0.0,
        1.0 if "finding" in cues else 0.0,
        1.0 if "setup" in cues else 0.0,
        1.0 if order == 0 else 0.0,
        1.0 if order == size - 1 else 0.0,
        order / (size - 1) if size > 1 else 0.0,
        math.log1p(doc.length),
        _numbers_kind(claim.view.quantities, doc.text, settings),
    ]


# ── judging features ──────────────────────────────────────────────────────────────────────


def judge_features(claim: ClaimSignals, position: int, index: PassageIndex, ranked: Sequence[float],
                   rank: int, settings: Settings) -> list[float]:
    """JUDGE_FEATURES of passage `position`; `ranked` holds the ranker's probabilities of the
    candidates best first and `rank` this passage's place among them."""
    doc = index.docs[position]
    coverage, plain, missing = _coverage(claim, doc.keys)
    passage_plain = _plain(doc.text)
    top_weight = max(claim.weights, default=0.0)
    missing_top = max((claim.weights[i] for i in missing), default=0.0)
    opposed = oppositions(claim.view.text, claim.contested, doc.text, settings)
    passage_stems = frozenset(token.stem for token in tokenize(doc.text))
    passage_scope = _scope(doc.text, settings)
    passage_negated = negated(doc.text, settings)
    passage_null = null_wording(doc.text, settings)
    prob = ranked[rank]
    other = max((value for i, value in enumerate(ranked) if i != rank), default=0.0)
    return [
        prob,
        prob - other,
        1.0 if rank == 0 else 0.0,
        coverage,
        plain,
        _alignment(claim.plain, passage_plain),
        max((_alignment(clause, passage_plain) for clause in claim.plain_clauses), default=0.0),
        fuzz.token_set_ratio(claim.plain, passage_plain) / 100 if passage_plain else 0.0,
        missing_top / top_weight if top_weight else 0.0,
        len(missing) / len(claim.weights) if claim.weights else 0.0,
        _numbers_agree(claim.view.quantities, doc.text, settings),
        1.0 if opposed.number else 0.0,
        1.0 if opposed.negation else 0.0,
        1.0 if opposed.direction else 0.0,
        1.0 if opposed.denial else 0.0,
        float(_antonym_swaps(claim, passage_stems, settings)),
        1.0 if claim.negated else 0.0,
        1.0 if passage_negated else 0.0,
        1.0 if claim.negated != passage_negated else 0.0,
        float(len(claim.scope - passage_scope)),
        float(len(claim.scope)),
        1.0 if claim.hedged else 0.0,
        1.0 if _hedged(doc.text, settings) else 0.0,
        1.0 if claim.null else 0.0,
        1.0 if passage_null else 0.0,
        1.0 if claim.null != passage_null else 0.0,
        _names_missing(claim, passage_plain),
        min(3.0, len(passage_plain) / max(1, len(claim.plain))),
        1.0 if opposed.weak_denial else 0.0,
        1.0 if null_clash(claim.view.text, doc.text, settings) else 0.0,
        _key_coverage(claim, doc.keys),
    ]


# ── the measures ──────────────────────────────────────────────────────────────────────────


def _coverage(claim: ClaimSignals, keys: frozenset[str]) -> tuple[float, float, list[int]]:
    """(IDF-weighted coverage, plain coverage, indices of the claim terms not covered)."""
    if not claim.view.terms:
        return 0.0, 0.0, []
    carried = 0.0
    missing = []
    for i, (term, weight) in enumerate(zip(claim.view.terms, claim.weights)):
        if covered(term, keys):
            carried += weight
        else:
            missing.append(i)
    count = len(claim.view.terms)
    return (carried / claim.total if claim.total else 0.0), (count - len(missing)) / count, missing


def _key_coverage(claim: ClaimSignals, keys: frozenset[str]) -> float:
    """IDF-weighted share of the claim's key content terms (general words left out) that
    `keys` carry; all its terms when none is key content."""
    flags = claim.key if any(claim.key) else (True,) * len(claim.view.terms)
    total = sum(weight for weight, key in zip(claim.weights, flags) if key)
    if not total:
        return 0.0
    return sum(weight for term, weight, key in zip(claim.view.terms, claim.weights, flags)
               if key and covered(term, keys)) / total


@once_per_object
def generic_keys(settings: Settings) -> frozenset[str]:
    """Term keys that are never a claim's key content: the general words of
    configs/lexicons/generic_terms.toml and the direction words of negation.toml (compared as
    direction, not as content); computed once per settings object."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    negation = settings.lexicon("negation")
    words = [*settings.lexicon("generic_terms").get("cues", []),
             *negation.get("up", {}).get("cues", []), *negation.get("down", {}).get("cues", [])]
    return frozenset(analyzer.key(token.stem) for word in words if " " not in word for token in tokenize(word))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _bigram_share(claim: ClaimSignals, position: int, index: PassageIndex, settings: Settings) -> float:
    """Share of the claim's neighbouring term pairs that are neighbours in the passage too
    (within two terms, either order)."""
    if not claim.bigrams:
        return 0.0
    pairs = index.memo.get(("pairs", position))
    if pairs is None:
        keys = [term.key for term in term_analyzer(settings.lexicon("synonyms")).terms(index.docs[position].text)]
        pairs = index.memo[("pairs", position)] = frozenset(
            [_pair(a, b) for a, b in zip(keys, keys[1:])] + [_pair(a, b) for a, b in zip(keys, keys[2:])])
    return len(claim.bigrams & pairs) / len(claim.bigrams)


@lru_cache(maxsize=8192)
def _plain(text: str) -> str:
    return normalize(text).lower()


def _alignment(claim: str, passage: str) -> float:
    """rapidfuzz partial_ratio of the claim inside the passage, scaled down by the passage's
    length over the claim's when the passage is the shorter (a short sentence must not align
    perfectly inside a long claim)."""
    if not claim or not passage:
        return 0.0
    return fuzz.partial_ratio(claim, passage) / 100 * min(1.0, len(passage) / len(claim))


def _compound_share(claim: ClaimSignals, position: int, index: PassageIndex) -> float:
    """IDF-weighted share of the claim terms the passage lacks as words but carries inside a
    longer word ("mask" in "facemasks", "vaccine" in "vaccine-induced" is already a part)."""
    if not claim.total:
        return 0.0
    keys = index.docs[position].keys
    words = long_words(position, index)
    found = 0.0
    for term, weight in zip(claim.view.terms, claim.weights):
        if covered(term, keys) or len(term.key) < _MIN_COMPOUND:
            continue
        if term.key in words:
            found += weight
    return found / claim.total


def long_words(position: int, index: PassageIndex) -> str:
    """The passage's words longer than `_MIN_COMPOUND` letters, "|"-separated (one substring
    search per claim term instead of one per word; computed once per index)."""
    words = index.memo.get(("words", position))
    if words is None:
        words = index.memo[("words", position)] = "|".join(
            token.word for token in tokenize(index.docs[position].text) if len(token.word) > _MIN_COMPOUND)
    return words


def _numbers_kind(quantities: Sequence[Quantity], text: str, settings: Settings) -> float:
    """Share of the claim's numbers of which the passage gives one of the same kind and unit,
    agreeing or not (the passage that reports the measure the claim gives a number for)."""
    if not quantities:
        return 0.0
    others = read_quantities(text, settings.lexicon("numbers"))
    return sum(any(comparable(mine, other) for other in others) for mine in quantities) / len(quantities)


def _numbers_agree(quantities: Sequence[Quantity], text: str, settings: Settings) -> float:
    """Share of the claim's numbers that the passage gives too (same kind and value)."""
    if not quantities:
        return 0.0
    others = read_quantities(text, settings.lexicon("numbers"))
    tolerance = settings.match.number_tolerance
    return sum(said_in(mine, others, tolerance) for mine in quantities) / len(quantities)


class PhraseSet:
    """Which groups of cue phrases occur in a text, by word stem: a lighter `CueSet` for the
    features, which ask only whether a group occurs (not where), for thousands of passages.
    "=word" matches that exact word; "*" (any one word) is not supported here."""

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        """`groups` maps a group name to its cue phrases."""
        self._first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group, cues in groups.items():
            for cue in cues:
                keys = tuple("=" + token.word if part.startswith("=") else token.stem
                             for part in cue.split() for token in tokenize(part.lstrip("=")))
                if keys:
                    self._first.setdefault(keys[0], []).append((keys, group))
        self._cache: dict[str, frozenset[str]] = {}

    def groups(self, text: str) -> frozenset[str]:
        """The groups with a cue in `text` (remembered per text)."""
        found = self._cache.get(text)
        if found is not None:
            return found
        tokens = tokenize(text)
        hits: set[str] = set()
        for i, token in enumerate(tokens):
            for key in (token.stem, "=" + token.word):
                for keys, group in self._first.get(key, ()):
                    if group not in hits and all(
                            i + n < len(tokens) and (tokens[i + n].stem == part or "=" + tokens[i + n].word == part)
                            for n, part in enumerate(keys[1:], start=1)):
                        hits.add(group)
        if len(self._cache) > 50_000:
            self._cache.clear()
        found = self._cache[text] = frozenset(hits)
        return found


@once_per_object
def _phrases(settings: Settings) -> PhraseSet:
    """The feature cue groups of `settings`' lexicons, compiled once per settings object."""
    strength = settings.lexicon("strength")
    cues = settings.lexicon("passage_cues")
    antonyms = settings.lexicon("antonyms")
    groups = {
        "finding": cues.get("finding", {}).get("cues", []),
        "setup": cues.get("setup", {}).get("cues", []),
        "hedged": [cue for table in ("hedges", "qualifiers", "conditional")
                   for cue in strength.get(table, {}).get("cues", [])],
        # Cause and association words, for the verdict's wording features (strength_signals);
        # "*" (any one word) is not read here, so the few cues with one are left out.
        "causal": [cue for cue in strength.get("causal", {}).get("cues", []) if "*" not in cue],
        "association": strength.get("correlational", {}).get("explicit", []),
        # A study's own caution or a denial ("cannot show whether", "not established"): the
        # superiority lexicon's distancing cues, read for strength_signals.
        "caution": settings.lexicon("superiority").get("reporting", {}).get("distancing", []),
    }
    groups.update((f"scope:{cue}", [cue]) for cue in antonyms.get("scope", {}).get("cues", []))
    groups.update((f"firm:{cue}", [cue]) for table in ("absolutes", "boosters")
                  for cue in strength.get(table, {}).get("cues", []))
    return PhraseSet(groups)


def strength_signals(claim: str, passage: str, settings: Settings) -> tuple[float, float, float, float]:
    """How the claim's wording compares with a passage's, read from cue words (the strength
    lexicon's) with the light phrase reader, for thousands of claims: (stronger, weaker,
    certainty, causal). Certainty: an absolute or booster the passage does not use ("always",
    "clearly"), or a hedged passage ("may", "some") stated without a hedge; causal: cause words
    over a passage that states an association outright; stronger / weaker: cause words on one
    side only, or certainty. A claim that says what cannot be shown ("it cannot show whether
    napping leads to poor memory": a distancing cue) asserts neither the cause under it nor any
    certainty. (pipeline/language/strength.py reads a sentence's strength in full, at many
    times the cost, for the assess checks and the `compare` verb.)"""
    mine, theirs = _cue_groups(claim, settings), _cue_groups(passage, settings)
    cautious = "caution" in mine
    firm = {group for group in mine if group.startswith("firm:")} - theirs
    certainty = not cautious and (bool(firm) or ("hedged" in theirs and "hedged" not in mine))
    claim_causal = "causal" in mine and not cautious
    causal = claim_causal and "association" in theirs
    stronger = certainty or (claim_causal and "causal" not in theirs)
    weaker = "causal" in theirs and not claim_causal
    return float(stronger), float(weaker), float(certainty), float(causal)


def _has(text: str, settings: Settings, group: str) -> bool:
    return group in _phrases(settings).groups(text)


def _hedged(text: str, settings: Settings) -> bool:
    """Whether `text` hedges or qualifies what it says ("may", "could", "can", "some")."""
    return _has(text, settings, "hedged")


def _scope(text: str, settings: Settings) -> frozenset[str]:
    """The scope words ("only", "all") of `text`."""
    return frozenset(group for group in _phrases(settings).groups(text) if group.startswith("scope:"))


def _cue_groups(text: str, settings: Settings) -> frozenset[str]:
    return _phrases(settings).groups(text)


def setup_sentence(position: int, index: PassageIndex, settings: Settings) -> bool:
    """Whether passage `position` sets a study up (aims, methods, "little is known") rather
    than reports or states something (configs/lexicons/passage_cues.toml [setup], none of
    [finding])."""
    groups = _cue_groups(index.docs[position].text, settings)
    return "setup" in groups and "finding" not in groups


def _antonym_swaps(claim: ClaimSignals, passage_stems: frozenset[str], settings: Settings) -> int:
    """Claim words whose antonym the passage carries while it lacks the word itself."""
    table = antonym_map(settings)
    return sum(1 for stem in claim.antonyms
               if stem not in passage_stems and table[stem] & passage_stems and not table[stem] & claim.stems)


def _names(text: str) -> tuple[str, ...]:
    """Words written with capitals past the first word (names, acronyms), lower case."""
    found = []
    for token in tokenize(text)[1:]:
        word = text[token.start:token.end]
        if word[:1].isupper() and len(word) > 1:
            found.append(token.word)
    return tuple(dict.fromkeys(found))


def _names_missing(claim: ClaimSignals, passage_plain: str) -> float:
    """Share of the claim's names the passage does not contain."""
    if not claim.names:
        return 0.0
    return sum(name not in passage_plain for name in claim.names) / len(claim.names)

