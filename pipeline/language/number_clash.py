"""Which numbers of a claim its cited sources give otherwise.

Used by match (a number conflict makes a passage contradict) and by assess (NUMBER_MISMATCH).
A claim number counts only when the cited text does not give it (`given`: an agreeing number
of its kind; when approximate, in a sentence that shares a content word with the claim:
"about one in five had a disorder" is given by "20.3% ... had a probable mental disorder",
"around half an hour of sleep" is not by "27.1 min" of sleep onset latency). `number_conflict` also asks that the
words around the two numbers share a key term of the claim (what the number measures), read
within the number's clause (`cues.clause_words`); `number_opposition` is the same test for one
passage (pipeline/language/polarity.py). What a number is of is read with multi-word terms
("sleep onset" is not "sleep") and without the words of numbers ("11- to 16-year-olds").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..config import Settings
from ..memo import once_per_object
from .cues import clause_words, phrase_at, term_analyzer, tokenize
from .numbers import NUMBER, Quantity, agree, comparable, read_quantities
from .text import STOPWORDS


def number_disagreements(
    claim: str, quantities: Sequence[Quantity], nearby: Sequence[str], everywhere: Sequence[str], settings: Settings
) -> list[tuple[Quantity, Quantity, int]]:
    """The claim's numbers that its sources give differently: (claim number, source number,
    index into `nearby`) for each claim number that `everywhere` (all the cited text) does not
    give (`given`) while a `nearby` text (the evidence and its neighbours) gives another number
    of the same kind. Bare numbers that count nothing named are left out."""
    lexicon, tolerance = settings.lexicon("numbers"), settings.match.number_tolerance
    found: list[tuple[Quantity, Quantity, int]] = []
    for quantity in quantities:
        if (quantity.kind == NUMBER and not quantity.unit) or given(claim, quantity, everywhere, settings):
            continue
        for index, text in enumerate(nearby):
            different = [other for other in read_quantities(text, lexicon)
                         if comparable(quantity, other) and not agree(quantity, other, tolerance)]
            if different:
                found.append((quantity, different[0], index))
                break
    return found


def number_conflict(
    claim: str, quantities: Sequence[Quantity], texts: Sequence[str], everywhere: Sequence[str],
    about: frozenset[str], settings: Settings,
) -> tuple[Quantity, Quantity, int] | None:
    """A claim number that the cited sources give otherwise for the same measured thing:
    (claim number, source number, index into `texts`), or None. The cited text
    (`everywhere`) must not give the claim number (`given`); a number of its kind in one of
    `texts` counts when the words around the two share one of `about` (the claim's key term
    keys): "added half an hour of sleep" against "total sleep time rose by 12 min", not
    against "one hour before bed". Of several, the one sharing the most words, then the first
    of `texts` (the caller orders them best first)."""
    lexicon, tolerance = settings.lexicon("numbers"), settings.match.number_tolerance
    best: tuple[int, int, Quantity, Quantity] | None = None
    for quantity in quantities:
        if quantity.kind == NUMBER and not quantity.unit:
            continue
        mine = quantity_context(claim, quantity, settings) & about
        if not mine or given(claim, quantity, everywhere, settings):
            continue
        for index, text in enumerate(texts):
            for other in read_quantities(text, lexicon):
                if not comparable(quantity, other) or agree(quantity, other, tolerance):
                    continue
                shared = len(mine & quantity_context(text, other, settings))
                if shared and (best is None or (shared, -index) > (best[0], -best[1])):
                    best = (shared, index, quantity, other)
    return None if best is None else (best[2], best[3], best[1])


def number_opposition(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> str:
    """Why `passage` gives one of `quantities` (the claim's numbers that may be contested:
    pipeline/match/features.ClaimSignals) otherwise, in words for an editor, or "": the passage
    gives a number of the same kind said of the same thing (the words around the two share a
    content word: "one in five had a disorder" against "23.4% had a disorder", not against
    "29.4% were bullied online"), none of its numbers agrees with it, and the passage number
    is not another of the claim's numbers ("11,000 people ... 30 trials")."""
    passage_quantities = read_quantities(passage, settings.lexicon("numbers"))
    tolerance = settings.match.number_tolerance
    for quantity in quantities:
        same_kind = [other for other in passage_quantities if comparable(quantity, other)
                     and not any(agree(mine, other, tolerance) for mine in quantities if mine is not quantity)]
        if not same_kind or any(agree(quantity, other, tolerance) for other in same_kind):
            continue
        mine = quantity_context(claim, quantity, settings)
        said_of_it = next((other for other in same_kind if mine & quantity_context(passage, other, settings)), None)
        if said_of_it is not None:
            return f'the claim says "{quantity.text}" where the passage says "{said_of_it.text}"'
    return ""


def given(claim: str, quantity: Quantity, texts: Sequence[str], settings: Settings) -> bool:
    """Whether one of `texts` gives the claim's `quantity`: a number of its kind that agrees
    with it. When either is approximate ("about one in five", "more than 7,000"), it must
    also be in a text that shares a content word with the claim: so loose an interval meets
    other numbers by chance ("around half an hour of sleep" is not given by "27.1 min" of
    sleep onset latency)."""
    lexicon, tolerance = settings.lexicon("numbers"), settings.match.number_tolerance
    # An upper bound is true of every smaller number, but only a number near it gives it: "up
    # to 10 g" is not given by "1 g" (it is not contradicted by it either).
    floor = quantity.low_high[1] * (1 - float(lexicon.get("approximate", {}).get("near_share", 0.0))) \
        if quantity.approximate == "below" else -math.inf
    for text in texts:
        agreeing = [other for other in read_quantities(text, lexicon)
                    if comparable(quantity, other) and agree(quantity, other, tolerance) and other.low_high[1] >= floor]
        if any(not (quantity.approximate or other.approximate) for other in agreeing):
            return True
        if agreeing and _keyed(claim, settings)[1] & _keyed(text, settings)[1]:
            return True
    return False


def quantity_context(text: str, quantity: Quantity, settings: Settings) -> frozenset[str]:
    """The term keys of the content words around `quantity` in `text`, within its clause
    (`_QUANTITY_REACH` on each side, the words of numbers left out): what the number measures."""
    keys, _, numeric = _keyed(text, settings)
    tokens = tokenize(text)
    inside = [i for i, token in enumerate(tokens) if token.start < quantity.end and token.end > quantity.start]
    if not inside:
        return frozenset()
    near = clause_words(text, tokens, inside[-1], +1, numeric, _QUANTITY_REACH) + \
        clause_words(text, tokens, inside[0], -1, numeric, _QUANTITY_REACH)
    return frozenset(keys[i] for i in near)


Keyed = tuple[tuple[str, ...], frozenset[str], set[int]]


@once_per_object
def _keyed_texts(settings: Settings) -> dict[str, Keyed]:
    """The texts keyed under `settings` (a passage is asked about for many claims)."""
    return {}


def _keyed(text: str, settings: Settings) -> Keyed:
    """(each token's term key, a multi-word term's tokens all keyed by it; the keys of the
    text's content words outside numbers; the positions of the tokens of numbers) of `text`."""
    cache = _keyed_texts(settings)
    found = cache.get(text)
    if found is not None:
        return found
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    tokens = tokenize(text)
    keys = [analyzer.key(token.stem) for token in tokens]
    index = 0
    while index < len(tokens):
        phrase = phrase_at(analyzer, tokens, index)
        length = phrase[0] if phrase else 1
        if phrase:
            keys[index:index + length] = [phrase[1]] * length
        index += length
    # The words of numbers ("11", "16-year-olds", "twenty-three") say what is counted by no one.
    words = settings.lexicon("numbers").get("words", {})
    numeric = {i for i, token in enumerate(tokens)
               if any(char.isdigit() for char in token.word) or all(part in words for part in token.word.split("-"))}
    if len(cache) > _CACHE_MAX:
        cache.clear()
    found = cache[text] = (tuple(keys), frozenset(key for i, key in enumerate(keys)
                                                  if i not in numeric and tokens[i].word not in STOPWORDS), numeric)
    return found


_CACHE_MAX = 20_000
_QUANTITY_REACH = 4
