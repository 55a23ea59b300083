"""Does a passage say the opposite of a claim? Negation, reversed direction, another number.

Used by match to call a passage `contradicts`. Each test looks only at what both texts are
about: a negation or a direction word counts for the content words it governs (the next few
within its clause), and only words both texts share are compared; so "not only", or a
negation of some other word ("without cost"), is no contradiction. A number contradicts only
when the passage gives a number of the same kind (a percentage for a percentage) and none
that agrees. Cues: configs/lexicons/negation.toml.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cues import cue_set, term_analyzer, tokenize
from .config import Settings
from .numbers import NUMBER, Quantity, agree, comparable, read_quantities
from .text import STOPWORDS


def opposition(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> str:
    """Why `passage` says the opposite of `claim` (whose numbers are `quantities`), in words
    for an editor, or "" when it does not."""
    claim_polarity = _polarities(claim, settings)
    passage_polarity = _polarities(passage, settings)
    for key, (negated, direction, cue) in claim_polarity.items():
        if key not in passage_polarity:
            continue
        other_negated, other_direction, other_cue = passage_polarity[key]
        if negated != other_negated:
            said = other_cue if other_negated else cue
            where = "the passage" if other_negated else "the claim"
            return f'{where} negates it ("{said}")'
        if direction and other_direction and direction != other_direction:
            return f'the claim says "{cue}" where the passage says "{other_cue}"'
    numbers = settings.lexicon("numbers")
    passage_quantities = read_quantities(passage, numbers)
    tolerance = settings.match.number_tolerance
    for quantity in quantities:
        # A passage number that matches another of the claim's numbers is accounted for.
        same_kind = [other for other in passage_quantities if comparable(quantity, other)
                     and not any(agree(mine, other, tolerance) for mine in quantities if mine is not quantity)]
        if same_kind and not any(agree(quantity, other, tolerance) for other in same_kind):
            return f'the claim says "{quantity.text}" where the passage says "{same_kind[0].text}"'
    return ""


def _polarities(text: str, settings: Settings) -> dict[str, tuple[bool, int, str]]:
    """{term key: (negated, direction +1/−1/0, the cue as written)} for the content words a
    negation or a direction word governs: the next `_REACH` content words within its clause
    (a direction word also governs the content word just before it: "anxiety decreased")."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    tokens = tokenize(text)
    hits = cue_set(settings.lexicon("negation"), "negation", "not_negation", "up", "down").find(text)
    in_cue = {i for hit in hits for i in range(hit.first_token, hit.last_token + 1)}
    result: dict[str, tuple[bool, int, str]] = {}
    for hit in hits:
        if hit.group == "not_negation":
            continue
        targets = _governed(text, tokens, hit.last_token, +1, in_cue)
        if hit.group != "negation":
            # A direction word governs the word right after it ("less sleep", "lower levels"), or, at
            # a clause's end, the word before it ("anxiety decreased.").
            targets = targets[:_DIRECTION_REACH] or _governed(text, tokens, hit.first_token, -1, in_cue)[:1]
        for position in targets:
            key = analyzer.key(tokens[position].stem)
            negated, direction, cue = result.get(key, (False, 0, ""))
            if hit.group == "negation":
                result[key] = (True, direction, hit.surface)
            else:
                # The negation, when there is one, is the cue worth quoting.
                result[key] = (negated, 1 if hit.group == "up" else -1, cue if negated else hit.surface)
    return result


_REACH = 3
_DIRECTION_REACH = 1
_CLAUSE_BREAK = frozenset(",;:.()!?")


def _governed(text: str, tokens: Sequence[Any], position: int, step: int, skip: set[int]) -> list[int]:
    """Up to `_REACH` content-word positions from `position` in direction `step`, stopping at
    a clause break."""
    found: list[int] = []
    current = position
    while len(found) < _REACH:
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
        if any(comparable(quantity, other) and agree(quantity, other, tolerance)
               for text in everywhere for other in read_quantities(text, lexicon)):
            continue
        for index, text in enumerate(nearby):
            different = [other for other in read_quantities(text, lexicon) if comparable(quantity, other)]
            if different:
                found.append((quantity, different[0], index))
                break
    return found
