"""Which numbers of a claim its cited sources give otherwise.

Used by match (a number conflict makes a passage contradict) and by assess (NUMBER_MISMATCH).
A claim number counts only when no number of its kind anywhere in the cited text agrees with
it; `number_conflict` also asks that the words around the two numbers share a key term of the
claim (what the number measures), read within the number's clause by polarity's `clause_words`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from .cues import term_analyzer, tokenize
from .numbers import NUMBER, Quantity, comparable, read_quantities, said_in
from .polarity import clause_words


def number_disagreements(
    quantities: Sequence[Quantity], nearby: Sequence[str], everywhere: Sequence[str], settings: Settings
) -> list[tuple[Quantity, Quantity, int]]:
    """The claim's numbers that its sources give differently: (claim number, source number,
    index into `nearby`) for each claim number found nowhere in `everywhere` (all the cited
    text) while a `nearby` text (the evidence and its neighbours) gives another number of the
    same kind. Bare numbers that count nothing named are left out."""
    lexicon = settings.lexicon("numbers")
    tolerance = settings.match.number_tolerance
    found: list[tuple[Quantity, Quantity, int]] = []
    for quantity in quantities:
        if quantity.kind == NUMBER and not quantity.unit:
            continue
        if said_in(quantity, (other for text in everywhere for other in read_quantities(text, lexicon)), tolerance):
            continue
        for index, text in enumerate(nearby):
            different = [other for other in read_quantities(text, lexicon) if comparable(quantity, other)]
            if different:
                found.append((quantity, different[0], index))
                break
    return found


def number_conflict(
    claim: str, quantities: Sequence[Quantity], texts: Sequence[str], everywhere: Sequence[str],
    about: frozenset[str], settings: Settings,
) -> tuple[Quantity, Quantity, int] | None:
    """A claim number that the cited sources give otherwise for the same measured thing:
    (claim number, source number, index into `texts`), or None. The claim number must agree
    with no number of the same kind anywhere in the cited text (`everywhere`); a number of its
    kind in one of `texts` counts when the words around the two share one of `about` (the
    claim's key term keys): "added half an hour of sleep" against "total sleep time rose by
    12 min", not against "one hour before bed". Of several, the one sharing the most words,
    then the first of `texts` (the caller orders them best first)."""
    lexicon = settings.lexicon("numbers")
    tolerance = settings.match.number_tolerance
    best: tuple[int, int, Quantity, Quantity] | None = None
    for quantity in quantities:
        if quantity.kind == NUMBER and not quantity.unit:
            continue
        mine = quantity_context(claim, quantity, settings) & about
        if not mine or said_in(quantity, (other for text in everywhere for other in read_quantities(text, lexicon)),
                               tolerance):
            continue
        for index, text in enumerate(texts):
            for other in read_quantities(text, lexicon):
                if not comparable(quantity, other):
                    continue
                shared = len(mine & quantity_context(text, other, settings))
                if shared and (best is None or (shared, -index) > (best[0], -best[1])):
                    best = (shared, index, quantity, other)
    return None if best is None else (best[2], best[3], best[1])


def quantity_context(text: str, quantity: Quantity, settings: Settings) -> frozenset[str]:
    """The term keys of the content words around `quantity` in `text`, within its clause
    (`_QUANTITY_REACH` on each side): what the number measures."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    tokens = tokenize(text)
    inside = [i for i, token in enumerate(tokens) if token.start < quantity.end and token.end > quantity.start]
    if not inside:
        return frozenset()
    skip = set(inside)
    near = clause_words(text, tokens, inside[-1], +1, skip, _QUANTITY_REACH) + \
        clause_words(text, tokens, inside[0], -1, skip, _QUANTITY_REACH)
    return frozenset(analyzer.key(tokens[i].stem) for i in near)


_QUANTITY_REACH = 4
