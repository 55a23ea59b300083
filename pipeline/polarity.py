"""Does a passage say the opposite of a claim? Negation, reversed direction, another number.

Used by match to call a passage `contradicts`, and by the support judgement's features. Each
test looks only at what both texts are about: a negation or a direction word counts for the
content words it governs (the next few within its clause), and only words both texts share
are compared; so "not only", or a negation of some other word ("without cost"), is no
contradiction. A number contradicts only when the passage gives a number of the same kind
(a percentage for a percentage) and none that agrees. A denial needs two or more shared
terms that one text negates and the other states. Cues: configs/lexicons/negation.toml.

`clash` adds the looser reversals the judge weighs (antonyms.toml: a word swapped for its
antonym, an effect where the other reports none) and names the kind; the contract's
CONTRADICTED rests on one of these, never on a model's leaning alone (pipeline/judge.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .cues import cue_set, term_analyzer, tokenize
from .config import Settings
from .numbers import NUMBER, Quantity, agree, comparable, read_quantities
from .text import STOPWORDS


@dataclass(frozen=True, slots=True)
class Opposition:
    """Why a passage says the opposite of a claim, one reason per kind ("" when none)."""

    negation: str = ""
    direction: str = ""
    number: str = ""
    denial: str = ""

    def reason(self) -> str:
        """The first reason found, in words for an editor ("" when the texts agree)."""
        return self.negation or self.direction or self.number or self.denial


def opposition(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> str:
    """Why `passage` says the opposite of `claim` (whose numbers are `quantities`), in words
    for an editor, or "" when it does not."""
    return oppositions(claim, quantities, passage, settings).reason()


def oppositions(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> Opposition:
    """Every kind of opposition between `claim` and `passage`: a negation on a shared term,
    a reversed direction on a shared term, a number of the same kind that disagrees, and a
    denial: one text negates `_DENIAL_MIN` or more terms the other states plainly ("fails to
    be transmitted by respiratory droplets" against "transmits via respiratory droplets";
    one shared word is too often a negation of something else: "do not get enough sleep")."""
    claim_polarity = polarities(claim, settings)
    passage_polarity = polarities(passage, settings)
    negation = direction = number = ""
    for key, (negated, sense, cue) in claim_polarity.items():
        if key not in passage_polarity:
            continue
        other_negated, other_sense, other_cue = passage_polarity[key]
        if negated != other_negated and not negation:
            said = other_cue if other_negated else cue
            where = "the passage" if other_negated else "the claim"
            negation = f'{where} negates it ("{said}")'
        if sense and other_sense and sense != other_sense and not direction:
            direction = f'the claim says "{cue}" where the passage says "{other_cue}"'
    denial = _denial(claim_polarity, passage, passage_polarity, settings, ("the claim", "the passage"))
    denial = denial or _denial(passage_polarity, claim, claim_polarity, settings, ("the passage", "the claim"))
    numbers = settings.lexicon("numbers")
    passage_quantities = read_quantities(passage, numbers)
    tolerance = settings.match.number_tolerance
    for quantity in quantities:
        # A passage number that matches another of the claim's numbers is accounted for.
        same_kind = [other for other in passage_quantities if comparable(quantity, other)
                     and not any(agree(mine, other, tolerance) for mine in quantities if mine is not quantity)]
        if same_kind and not any(agree(quantity, other, tolerance) for other in same_kind):
            number = f'the claim says "{quantity.text}" where the passage says "{same_kind[0].text}"'
            break
    return Opposition(negation, direction, number, denial)


_DENIAL_MIN = 2


def _denial(polarity: Polarity, other: str, other_polarity: Polarity, settings: Settings,
            who: tuple[str, str]) -> str:
    """Why a text (of `polarity`, called who[0]) denies what `other` (who[1]) states plainly, or ""."""
    keys = term_analyzer(settings.lexicon("synonyms")).term_keys(other)
    denied = [(key, cue) for key, (negated, _, cue) in polarity.items()
              if negated and key in keys and key not in other_polarity]
    if len(denied) < _DENIAL_MIN:
        return ""
    return f'{who[0]} denies ("{denied[0][1]}") what {who[1]} states'


Polarity = dict[str, tuple[bool, int, str]]
_CACHE: dict[int, tuple[Settings, dict[str, tuple[Polarity, bool]]]] = {}
_CACHE_MAX = 20_000


def polarities(text: str, settings: Settings) -> Polarity:
    """{term key: (negated, direction +1/−1/0, the cue as written)} for the content words a
    negation or a direction word in `text` governs (remembered per settings object: a
    passage is compared with many claims)."""
    return _read(text, settings)[0]


def negated(text: str, settings: Settings) -> bool:
    """Whether `text` negates anything it asserts (a negation cue outside the phrases that
    negate nothing: "not only", "those who did not")."""
    return _read(text, settings)[1]


def _read(text: str, settings: Settings) -> tuple[Polarity, bool]:
    entry = _CACHE.get(id(settings))
    if entry is None or entry[0] is not settings:
        entry = _CACHE[id(settings)] = (settings, {})
    cache = entry[1]
    found = cache.get(text)
    if found is None:
        if len(cache) > _CACHE_MAX:
            cache.clear()
        hits = _cues(text, settings)
        found = cache[text] = (_polarities(text, hits, settings), any(hit.group == "negation" for hit in hits))
    return found


def _polarities(text: str, hits: Sequence[Any], settings: Settings) -> dict[str, tuple[bool, int, str]]:
    """{term key: (negated, direction +1/−1/0, the cue as written)} for the content words a
    negation or a direction word governs: the next `_REACH` content words within its clause
    (a direction word also governs the content word just before it: "anxiety decreased")."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    tokens = tokenize(text)
    in_cue = {i for hit in hits for i in range(hit.first_token, hit.last_token + 1)}
    result: dict[str, tuple[bool, int, str]] = {}
    for hit in hits:
        if hit.group in _NOT_NEGATION:
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
_NOT_NEGATION = ("not_negation", "groups")


def _cues(text: str, settings: Settings) -> list[Any]:
    return cue_set(settings.lexicon("negation"), "negation", "not_negation", "not_negation:groups",
                   "up", "down").find(text)


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


# ── antonyms and the explicit clash ───────────────────────────────────────────────────────


_ANTONYMS: dict[int, tuple[Settings, dict[str, frozenset[str]]]] = {}


def antonym_map(settings: Settings) -> dict[str, frozenset[str]]:
    """{stem: the stems of its antonyms} from antonyms.toml (built once per settings)."""
    cached = _ANTONYMS.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    table: dict[str, set[str]] = {}
    for pair in settings.lexicon("antonyms").get("pairs", []):
        stems = [token.stem for word in pair for token in tokenize(word)[:1]]
        if len(stems) == 2 and stems[0] != stems[1]:
            table.setdefault(stems[0], set()).add(stems[1])
            table.setdefault(stems[1], set()).add(stems[0])
    frozen = {stem: frozenset(others) for stem, others in table.items()}
    _ANTONYMS[id(settings)] = (settings, frozen)
    return frozen


STRONG_CLASHES = frozenset({"negation", "direction", "number"})


def clash(claim: str, passage: str, settings: Settings) -> tuple[str, str]:
    """(kind, why) `passage` says the opposite of `claim`, why in words for an editor;
    ("", "") when no explicit reversal is found. Kinds: "negation" or "direction" on a term
    both share, "number" (one of the same kind that differs; pipeline/polarity.py),
    "denial" (one text negates what the other states), "antonym" (a word swapped for its
    antonym: "safe" → "harmful"), "null" (an effect where the other reports none)."""
    opposed = oppositions(claim, read_quantities(claim, settings.lexicon("numbers")), passage, settings)
    for kind in ("negation", "direction", "number", "denial"):
        if getattr(opposed, kind):
            return kind, getattr(opposed, kind)
    table = antonym_map(settings)
    claim_tokens = {token.stem: token.word for token in tokenize(claim)}
    passage_tokens = {token.stem: token.word for token in tokenize(passage)}
    for stem, word in claim_tokens.items():
        if stem in table and stem not in passage_tokens and not table[stem] & claim_tokens.keys():
            swapped = sorted(table[stem] & passage_tokens.keys())
            if swapped:
                return "antonym", f'the claim says "{word}" where the passage says "{passage_tokens[swapped[0]]}"'
    # "No effect" against a stated change: only when the other text states a direction
    # ("reduced", "higher"), since "same" or "similar" alone compare nothing.
    null = cue_set(settings.lexicon("antonyms"), "null")
    claim_null, passage_null = null.find(claim), null.find(passage)
    if claim_null and not passage_null and _directed(passage, settings):
        return "null", f'the claim says "{claim_null[0].surface}" where the passage reports an effect or difference'
    if passage_null and not claim_null and _directed(claim, settings):
        return "null", f'the passage says "{passage_null[0].surface}"'
    return "", ""


def _directed(text: str, settings: Settings) -> bool:
    """Whether `text` states a change or difference (a direction word governing a term)."""
    return any(direction for _, direction, _ in polarities(text, settings).values())
