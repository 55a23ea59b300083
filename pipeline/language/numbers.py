"""Numbers in prose, read and normalised so a claim's number can be compared with a source's.

    "400 to 420 mg" = "400–420 mg" = "between 400 and 420 milligrams"   (a range, mass)
    "one in five" = "1 in 5" = "20%" = "a fifth"                         (a proportion, 0.2)
    "32,441 women", "thirty-two participants", "(n = 151)"               (counts of a kind)
    "in 2019"                                                            (a year)
    "aged 65 to 85", "a 70-year-old"                                     (ages)
    "half an hour" = "30 minutes"                                        (fractions of a unit)
    "0.4 g" = "400 mg"                                                   (units converted)
    "hazard ratio 1.31" = "31% higher risk", "40% less likely" = "RR 0.6"  (relative measures,
                                                                         pipeline/language/relative.py)

Every reading is a `Quantity`: a value (and the top of a range) in its dimension's base unit,
a kind, a unit, the text as written and how precise it was written. Two quantities are
`comparable` when of the same kind and unit, and `agree` when their intervals overlap within
the precision written ("about 20%" agrees with 19.6%; a single value inside a range agrees
with the range; "more than 7,000", "up to 35 weeks", "about one in five" are intervals, see
`NumberReader._qualified`). Number words and units live in configs/lexicons/numbers.toml.

What is not read as a number, on purpose: digits glued to letters ("COVID-19", "B12",
"type 2"), ordinals ("3rd"), and written numbers that count nothing ("one of the ways"),
which are too common in prose to be facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..memo import once_per_object
from .quantity import (AGE, COUNT, MEASURE, NUMBER, PROPORTION, RELATIVE, YEAR, Quantity, Tok, agree, comparable,
                       said_in)
from .relative import RelativeReader
from .text import STOPWORDS, normalize

# Read here, defined in pipeline/language/quantity.py: callers import them from this module.
__all__ = ["AGE", "COUNT", "MEASURE", "NUMBER", "PROPORTION", "RELATIVE", "YEAR", "NumberReader", "Quantity",
           "agree", "comparable", "number_reader", "read_quantities", "said_in"]

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
    r"|(?P<sym>[%–—/=-])",
    re.UNICODE,
)
_RANGE_WORDS = {"to", "-", "–", "—"}
_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
# Written ratios and bare ratios are approximate by nature ("one in five" for 19–21%).
_RATIO_TOLERANCE = 0.05
# The widest precision a written number may have, as a share of its value (see `step`).
_WHOLE_SHARE = 0.25
# How many words after a bare number are looked at for the noun it counts ("48,000 secondary
# school pupils" counts pupils, "312 secondary schools" schools).
_NOUN_REACH = 3
# How many words may stand between two numbers that one qualifier governs ("roughly one in nine
# participants against one in 25").
_COORDINATION_REACH = 4


class NumberReader:
    """Reads quantities from text with one numbers lexicon (compiled once)."""

    def __init__(self, lexicon: Mapping[str, Any]) -> None:
        """`lexicon` is the parsed numbers.toml (words, multipliers, fractions, units...)."""
        self._words = {k.lower(): float(v) for k, v in lexicon.get("words", {}).items()}
        self._multipliers = {k.lower(): float(v) for k, v in lexicon.get("multipliers", {}).items()}
        self._fractions = {k.lower(): float(v) for k, v in lexicon.get("fractions", {}).items()}
        percent = lexicon.get("percent", {})
        self._percent = [_split(alias) for alias in percent.get("words", [])]
        self._points = [_split(alias) for alias in percent.get("points", [])]
        # (alias tokens, dimension, scale), longest alias first.
        self._units: list[tuple[tuple[str, ...], str, float]] = []
        for spec in lexicon.get("units", {}).values():
            for alias in spec.get("aliases", []):
                self._units.append((_split(alias), str(spec["dimension"]), float(spec["scale"])))
        self._units.sort(key=lambda unit: -len(unit[0]))
        # The same, by first word: a number is followed by a unit or not in one dictionary look-up.
        self._units_by_first: dict[str, list[tuple[tuple[str, ...], str, float]]] = {}
        for unit in self._units:
            self._units_by_first.setdefault(unit[0][0], []).append(unit)
        self._cache: dict[str, tuple[Quantity, ...]] = {}
        self._sample_group = str(lexicon.get("sample", {}).get("group", "people"))
        age = lexicon.get("age", {})
        self._age_words = {word.lower() for word in age.get("words", [])}
        self._age_after = [_split(alias) for alias in age.get("after", [])]
        self._possessives = {word.lower() for word in age.get("possessives", [])}
        self._decades = {word.lower(): float(value) for word, value in age.get("decade_words", {}).items()}
        self._decade_parts = {word.lower() for word in age.get("decade_parts", [])}
        self._labels = {word.lower() for word in lexicon.get("labels", {}).get("before", [])}
        approximate = lexicon.get("approximate", {})
        bound, near, around = (float(approximate.get(f"{name}_share", 0.0)) for name in ("open", "near", "around"))
        # (alias tokens, low and high end as shares of the number), longest alias first.
        sides = {"above": (0.0, bound), "below": (-bound, 0.0), "just_above": (0.0, near),
                 "just_below": (-near, 0.0), "around": (-around, around)}
        self._qualifiers = sorted(((_split(alias), side, *sides[side]) for side in sides
                                   for alias in approximate.get(side, [])),
                                  key=lambda entry: -len(entry[0]))
        self._around_share = around
        self._coordinators = [_split(alias) for alias in approximate.get("coordinators", [])]
        self._irregular = {word.lower() for word in lexicon.get("plurals", {}).get("irregular", [])}
        self._counts = {noun.lower(): group for group, nouns in lexicon.get("counts", {}).items() for noun in nouns}
        self._relative = RelativeReader(lexicon)

    def read(self, text: str) -> tuple[Quantity, ...]:
        """Every quantity in `text`, in order (remembered: sources are read once per claim)."""
        cached = self._cache.get(text)
        if cached is None:
            if len(self._cache) > 50_000:
                self._cache.clear()
            cached = self._cache[text] = self._read(text)
        return cached

    def _read(self, text: str) -> tuple[Quantity, ...]:
        plain = normalize(text)
        toks = [
            Tok(m.group(), m.lastgroup or "sym", m.start(), m.end()) for m in _TOKEN.finditer(plain)
        ]
        found: list[Quantity] = []
        index = 0
        while index < len(toks):
            reading = self._quantity_at(plain, toks, index)
            if reading is None:
                index += 1
                continue
            quantity, after = reading
            quantity = self._qualified(plain, toks, index, quantity)
            found.append(self._shared_qualifier(plain, toks, found[-1], quantity) if found else quantity)
            index = after
        return self._relative.revise(plain, toks, found, self._qualified)

    def _shared_qualifier(self, text: str, toks: list[Tok], before: Quantity, quantity: Quantity) -> Quantity:
        """`quantity` widened as `before` was when one "about" governs both: "roughly one in nine
        participants against one in 25", "about 20% and 30%" (numbers.toml [approximate]
        coordinators, at most `_COORDINATION_REACH` words between, the same kind)."""
        if before.approximate != "around" or quantity.approximate or quantity.high is not None \
                or quantity.kind != before.kind or quantity.kind == YEAR:
            return quantity
        between = [tok.text.lower() for tok in toks if before.end <= tok.start and tok.end <= quantity.start]
        gap = text[before.end:quantity.start]
        if len(between) > _COORDINATION_REACH or re.search(r"[.;:!?()]", gap) or not any(
                _contains(between, alias) for alias in self._coordinators):
            return quantity
        value, share = quantity.value, self._around_share
        return Quantity(value * (1 - share), quantity.kind, quantity.unit, quantity.text, quantity.start,
                        quantity.end, value * (1 + share), 0.0, approximate="around")

    def _qualified(self, text: str, toks: list[Tok], index: int, quantity: Quantity) -> Quantity:
        """`quantity` (read from token `index`) as the interval a qualifier before it makes
        of it: "more than 7,000" is 7,000 up to twice that, "nearly 50%" up to a quarter less,
        "about one in five" a tenth either side (numbers.toml [approximate]: the interval
        stands for the writer's rounding, so no rounding is added to it); a year is never
        qualified ("before 2019" is no bound on a number)."""
        if quantity.kind == YEAR or quantity.high is not None:
            return quantity
        for alias, side, low, high in self._qualifiers:
            first = index - len(alias)
            if first >= 0 and all(toks[first + i].text.lower() == part for i, part in enumerate(alias)):
                start, value = toks[first].start, quantity.value
                return Quantity(value * (1 + low), quantity.kind, quantity.unit, text[start:quantity.end], start,
                                quantity.end, value * (1 + high), 0.0, approximate=side)
        return quantity

    # ── the grammar ──────────────────────────────────────────────────────────────────────

    def _quantity_at(self, text: str, toks: list[Tok], index: int) -> tuple[Quantity, int] | None:
        start_tok = toks[index]
        if start_tok.kind == "num" and index and toks[index - 1].text.lower() in self._labels \
                and not text[toks[index - 1].end : start_tok.start].strip():
            return None  # "type 2 diabetes", "phase 3": a name, not a quantity
        decade = self._decade_at(text, toks, index)
        if decade is not None:
            return decade
        if start_tok.kind == "num" and (_glued(text, start_tok) or not self._suffix_ok(toks, index)):
            return None
        # "between 400 and 420 mg"
        between = start_tok.text.lower() == "between"
        first = index + 1 if between else index
        number = self._number_at(toks, first)
        if number is None:
            # "half of", "a third of": a proportion on its own.
            return self._lone_fraction(toks, index)
        value, decimals, after, written = number
        high: float | None = None
        joiners = {"and"} if between else _RANGE_WORDS
        if not between and after + 2 < len(toks) and toks[after].text == "-" and toks[after + 1].text.lower() == "to":
            after += 1  # "11- to 16-year-olds": the first number's hyphen waits for the second's noun
        if after + 1 < len(toks) and toks[after].text.lower() in joiners:
            second = self._number_at(toks, after + 1)
            if second is not None and second[0] >= value:
                high, decimals2, after, _ = second
                decimals = max(decimals, decimals2)
        elif between:
            return None
        # "one in five", "2 out of 3"
        ratio = self._ratio_after(toks, after)
        if ratio is not None and high is None:
            denominator, after = ratio
            if denominator:
                return self._make(text, toks, index, after, value / denominator, None, PROPORTION, "",
                                  _RATIO_TOLERANCE * value / denominator)
        # "two thirds", "one-fifth"
        fraction = self._fraction_after(toks, after)
        if fraction is not None and high is None:
            part, after = fraction
            return self._make(text, toks, index, after, value * part, None, PROPORTION, "",
                              _RATIO_TOLERANCE * value * part)
        # Half the last digit written ("20%" is 19.5-20.5%), but a whole number below two is
        # not that loose: "one hour" means about sixty minutes, never "half an hour".
        step = min(10.0 ** -decimals / 2, _WHOLE_SHARE * value) if value else 10.0 ** -decimals / 2
        percent_end = self._alias_after(toks, after, self._percent)
        if percent_end is not None and self._alias_after(toks, after, self._points) is None:
            return self._make(text, toks, index, percent_end, value / 100, _mul(high, 0.01), PROPORTION, "",
                              step / 100)
        if first >= 2 and toks[first - 1].text == "=" and toks[first - 2].text.lower() == "n":
            # "(n = 151)": a sample size, counted as people.
            return self._make(text, toks, first - 2, after, value, high, COUNT, self._sample_group, step)
        aged = self._age_suffix(text, toks, after)
        if aged is not None:
            # "a 70-year-old", "11 to 16 year olds": ages, whatever the hyphens.
            return self._make(text, toks, index, aged, value, high, AGE, "years", step)
        if self._age_before(toks, first):
            # "aged 65 to 85 (years)": ages compare with ages, not with durations.
            unit = self._unit_after(toks, after)
            after = unit[2] if unit is not None and unit[0] == "time" else after
            return self._make(text, toks, index, after, value, high, AGE, "years", step)
        # A unit follows its number with nothing but a space or a hyphen between ("1.4; HR 0.72"
        # is no 1.4 hours).
        unit = self._unit_after(toks, after) if after >= len(toks) or \
            not text[toks[after - 1].end:toks[after].start].strip(" -") else None
        if unit is not None:
            dimension, scale, after = unit
            return self._make(text, toks, index, after, value * scale, _mul(high, scale), MEASURE, dimension,
                              step * scale)
        raw = toks[first].text
        is_year = high is None and decimals == 0 and len(raw) == 4 and 1800 <= value <= 2100 and not written
        noun = self._noun_after(text, toks, after)
        group = self._counts.get(toks[noun].text.lower()) if noun is not None else None
        # "32 healthy women": a count of a kind; a year counts only a noun right after it
        # ("2019 studies", not "2019 review studies").
        if group is not None and not (is_year and noun > after):
            return self._make(text, toks, index, noun + 1, value, high, COUNT, group, step)
        if written:
            return None  # a written number that counts nothing named: too common to be a fact
        if is_year:
            return self._make(text, toks, index, after, value, None, YEAR, "", 0.0)
        if noun is not None:
            return self._make(text, toks, index, noun + 1, value, high, NUMBER, toks[noun].text.lower(), step)
        return self._make(text, toks, index, after, value, high, NUMBER, "", step)

    def _noun_after(self, text: str, toks: list[Tok], index: int) -> int | None:
        """The token of the noun a number counts, or None: of the next few words (no function
        word, no punctuation but a hyphen between), the first written as a plural ("48,000
        secondary school pupils", "30 trial comparisons", "16 healthy men"), else the first
        count noun of the lexicon ("a 3-study review"), else the first ("21 November"). A
        describing word is no unit: "48,000 secondary" and "312 secondary (schools)" count
        different things."""
        run: list[int] = []
        position = index
        while position < len(toks) and len(run) < _NOUN_REACH:
            gap = text[toks[position - 1].end : toks[position].start]
            if toks[position].text == "-" and not gap.strip():
                position += 1
                continue
            word = toks[position].text.lower()
            if gap.strip(" -") or toks[position].kind != "word" or word in STOPWORDS or word in _ORDINAL_SUFFIXES:
                break
            run.append(position)
            position += 1
        plural = [i for i in run if _plural(toks[i].text.lower()) or toks[i].text.lower() in self._irregular]
        counted = [i for i in run if toks[i].text.lower() in self._counts]
        return (plural or counted or run or [None])[0]

    def _age_suffix(self, text: str, toks: list[Tok], index: int) -> int | None:
        """The token index after an age written behind a number ("-year-old", " year olds",
        "-year-olds": only spaces and hyphens between), or None."""
        words = [i for i in range(index, min(index + 5, len(toks))) if toks[i].text != "-"]
        for alias in self._age_after:
            end = words[len(alias) - 1] + 1 if len(words) >= len(alias) else 0
            if end and all(toks[words[i]].text.lower() == part for i, part in enumerate(alias)) and all(
                    not text[toks[i - 1].end : toks[i].start].strip() for i in range(index, end)):
                return end
        return None

    def _decade_at(self, text: str, toks: list[Tok], index: int) -> tuple[Quantity, int] | None:
        """A decade: of life after a possessive ("in their twenties", "in her early 30s": ages
        20 to 29), or of years ("the 1990s"). Digits glued to "s" are nothing else."""
        tok = toks[index]
        glued_s = tok.kind == "num" and index + 1 < len(toks) and toks[index + 1].text.lower() == "s" \
            and toks[index + 1].start == tok.end
        if tok.kind == "num" and not glued_s:
            return None
        if glued_s:
            value, after = float(tok.text.replace(",", "")), index + 2
            if value >= 1800 and value % 10 == 0:
                return self._make(text, toks, index, after, value, value + 9, YEAR, "", 0.0)
        elif tok.text.lower() in self._decades:
            value, after = self._decades[tok.text.lower()], index + 1
        else:
            return None
        before = index - 1
        if before >= 0 and toks[before].text.lower() in self._decade_parts:
            before -= 1
        if value % 10 or value > 90 or before < 0 or toks[before].text.lower() not in self._possessives:
            return None
        return self._make(text, toks, index, after, value, value + 9, AGE, "years", 0.5)

    def _age_before(self, toks: list[Tok], index: int) -> bool:
        """Whether the number at `index` follows an age word ("aged", "age", "ages")."""
        if index == 0:
            return False
        return toks[index - 1].text.lower() in self._age_words

    def _suffix_ok(self, toks: list[Tok], index: int) -> bool:
        """Letters glued to digits must be a unit ("5mg") or an ordinal ("3rd", read as no
        number later), not a name ("3D", "5G")."""
        if index + 1 >= len(toks) or toks[index + 1].start != toks[index].end or toks[index + 1].kind != "word":
            return True
        word = toks[index + 1].text.lower()
        if word == "s" and toks[index].text.endswith("0"):
            return False  # "the 1990s", "in their 20s": a decade (see `_decade_at`), not seconds
        return word in _ORDINAL_SUFFIXES or word in self._units_by_first or word in self._multipliers

    def _number_at(self, toks: list[Tok], index: int) -> tuple[float, int, int, bool] | None:
        """(value, decimals written, index after, written in words) of a number at `index`."""
        if index >= len(toks):
            return None
        tok = toks[index]
        if tok.kind == "num":
            if index + 1 < len(toks) and toks[index + 1].text.lower() in _ORDINAL_SUFFIXES and toks[index + 1].start == tok.end:
                return None
            value = float(tok.text.replace(",", ""))
            decimals = len(tok.text.split(".")[1]) if "." in tok.text else 0
            after = index + 1
            if after < len(toks) and toks[after].text.lower() in self._multipliers:
                value *= self._multipliers[toks[after].text.lower()]
                after += 1
            return value, decimals, after, False
        word = tok.text.lower()
        if word not in self._words:
            return None
        value = self._words[word]
        after = index + 1
        # "twenty-three", "twenty three"
        if value >= 20 and value % 10 == 0 and after < len(toks):
            hop = after + 1 if toks[after].text == "-" else after
            if hop < len(toks) and toks[hop].text.lower() in self._words and self._words[toks[hop].text.lower()] < 10:
                value += self._words[toks[hop].text.lower()]
                after = hop + 1
        while after < len(toks) and toks[after].text.lower() in self._multipliers:
            value *= self._multipliers[toks[after].text.lower()]
            after += 1
        # "one and a half (times)", "two and a half hours"
        if [tok.text.lower() for tok in toks[after:after + 3]] == ["and", "a", "half"]:
            value, after = value + 0.5, after + 3
        return value, 0, after, True

    def _lone_fraction(self, toks: list[Tok], index: int) -> tuple[Quantity, int] | None:
        tok = toks[index]
        word = tok.text.lower()
        start = index
        if word in ("a", "an", "one") and index + 1 < len(toks):
            index += 1
            word = toks[index].text.lower()
        if word not in self._fractions or word.endswith("s") or (start == index and word != "half"):
            return None
        value = self._fractions[word]
        # "half an hour", "a quarter of an hour": a fraction of a unit.
        hop = index + 1
        if hop < len(toks) and toks[hop].text.lower() == "of":
            hop += 1
        if hop < len(toks) and toks[hop].text.lower() in ("a", "an"):
            unit = self._unit_after(toks, hop + 1)
            if unit is not None:
                dimension, scale, after = unit
                return Quantity(value * scale, MEASURE, dimension, _span(toks, start, after), toks[start].start,
                                toks[after - 1].end, None, _RATIO_TOLERANCE * value * scale), after
        # A change by a share: "cut in half", "reduced by half" (50%).
        if word == "half" and start == index and index > 0 and toks[index - 1].text.lower() in ("in", "by"):
            return Quantity(value, PROPORTION, "", _span(toks, index - 1, index + 1), toks[index - 1].start,
                            tok.end, None, _RATIO_TOLERANCE * value), index + 1
        # Otherwise only as a share of something ("half of", "a third of"), not "the first half".
        if index + 1 >= len(toks) or toks[index + 1].text.lower() != "of":
            return None
        return Quantity(value, PROPORTION, "", _span(toks, start, index + 1), toks[start].start,
                        toks[index].end, None, _RATIO_TOLERANCE * value), index + 1

    def _ratio_after(self, toks: list[Tok], index: int) -> tuple[float, int] | None:
        if index < len(toks) and toks[index].text.lower() == "in":
            hop = index + 1
        elif index + 1 < len(toks) and toks[index].text.lower() == "out" and toks[index + 1].text.lower() == "of":
            hop = index + 2
        else:
            return None
        number = self._number_at(toks, hop)
        if number is None or number[0] == 0:
            return None
        return number[0], number[2]

    def _fraction_after(self, toks: list[Tok], index: int) -> tuple[float, int] | None:
        hop = index + 1 if index < len(toks) and toks[index].text == "-" else index
        if hop < len(toks) and toks[hop].text.lower() in self._fractions:
            return self._fractions[toks[hop].text.lower()], hop + 1
        return None

    def _alias_after(self, toks: list[Tok], index: int, aliases: Sequence[tuple[str, ...]]) -> int | None:
        for alias in sorted(aliases, key=len, reverse=True):
            end = index + len(alias)
            if end <= len(toks) and all(toks[index + i].text.lower() == part for i, part in enumerate(alias)):
                return end
        return None

    def _unit_after(self, toks: list[Tok], index: int) -> tuple[str, float, int] | None:
        if index >= len(toks):
            return None
        for alias, dimension, scale in self._units_by_first.get(toks[index].text.lower(), ()):
            end = index + len(alias)
            if end <= len(toks) and all(toks[index + i].text.lower() == part for i, part in enumerate(alias)):
                # A one-letter unit ("g", "l", "h", "s") only when glued or alone: "5 g" yes,
                # "5 s" as in "the 1950 s" is rare, but "a" or "i" are never units.
                return dimension, scale, end
        return None

    def _make(self, text: str, toks: list[Tok], first: int, after: int, value: float, high: float | None,
              kind: str, unit: str, tolerance: float) -> tuple[Quantity, int]:
        start, end = toks[first].start, toks[after - 1].end
        return Quantity(value, kind, unit, text[start:end], start, end, high, tolerance), after


def _contains(words: Sequence[str], alias: tuple[str, ...]) -> bool:
    """Whether `alias` occurs as consecutive words of `words`."""
    return any(tuple(words[i:i + len(alias)]) == alias for i in range(len(words) - len(alias) + 1))


def _plural(word: str) -> bool:
    """Whether a word looks like a plural noun ("pupils"; not "glass", "virus", "analysis")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _split(alias: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _TOKEN.finditer(normalize(alias)))


def _span(toks: list[Tok], first: int, after: int) -> str:
    return " ".join(tok.text for tok in toks[first:after])


def _glued(text: str, tok: Tok) -> bool:
    """Digits that are part of a name: "COVID-19", "B12", "type-2", "H2O"."""
    before = text[tok.start - 1] if tok.start > 0 else " "
    if before.isalpha():
        return True
    return before == "-" and tok.start > 1 and text[tok.start - 2].isalpha()


def _mul(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


@once_per_object
def number_reader(lexicon: Mapping[str, Any]) -> NumberReader:
    """The NumberReader for a numbers lexicon, built once per lexicon object."""
    return NumberReader(lexicon)


def read_quantities(text: str, lexicon: Mapping[str, Any]) -> tuple[Quantity, ...]:
    """Every quantity in `text` (see the module docstring for what counts)."""
    return number_reader(lexicon).read(text)
