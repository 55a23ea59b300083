"""Relative measures: a ratio and a percentage change read as one fact.

    "hazard ratio 1.31" = "HR 1.31" = "31% higher risk" = "1.31 times as likely"      (1.31)
    "1.4 times as likely" = "40% more likely" = "an increase of 40%"                  (1.4)
    "40% less likely" = "reduced the risk by 40%" = "a 40% reduction"                  (0.6)
    "a third less likely" (0.67), "half as likely" = "halved the risk" (0.5),
    "twice as likely" = "doubled the risk" (2.0)

Each becomes a `Quantity` of kind RELATIVE whose value is the ratio; its unit says how it was
written: "ratio" or "change". A qualifier widens the number as written, the way
numbers.toml [approximate] widens any number: "about 30% more" is a change of 27% to 33% (a
ratio of 1.27 to 1.33, so HR 1.31 agrees and HR 1.5 does not); "about twice" is a ratio of
1.8 to 2.2. A direction is part of the fact: "40% less likely" (0.6) is not RR 1.4. A
percentage before "CI" is a confidence level and no finding at all. The words are in
configs/lexicons/numbers.toml [relative].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .quantity import MEASURE, PROPORTION, RELATIVE, Quantity, Tok

# (text, tokens, index of the quantity's first token, quantity) → the quantity as its qualifier
# makes it ("about 30%"): NumberReader._qualified.
Qualify = Callable[[str, list[Tok], int, Quantity], Quantity]

_SENTENCE_BREAK = re.compile(r"[.;:!?]")
# A ratio's name may stand this many tokens before its number ("adjusted odds ratio (aOR) of 1.4").
_NAME_REACH = 4
# Sides of a bound seen from the other direction: "more than 30% lower" is a ratio below 0.7.
_MIRROR = {"above": "below", "below": "above", "just_above": "just_below", "just_below": "just_above"}


class RelativeReader:
    """Finds relative measures among the quantities NumberReader read, and reads the word forms
    it does not ("twice as likely", "a third less likely", "doubled the risk")."""

    def __init__(self, lexicon: Mapping[str, Any]) -> None:
        """`lexicon` is the parsed numbers.toml ([relative], [percent] and [fractions])."""
        spec = lexicon.get("relative", {})
        self._names = [_words(name) for name in spec.get("names", [])]
        self._abbreviations = set(spec.get("abbreviations", []))
        self._between = {word.lower() for word in spec.get("between", [])}
        self._direction = {word.lower(): 1 for word in spec.get("up", [])}
        self._direction.update({word.lower(): -1 for word in spec.get("down", [])})
        self._change_nouns = {word.lower(): 1 for word in spec.get("up_nouns", [])}
        self._change_nouns.update({word.lower(): -1 for word in spec.get("down_nouns", [])})
        self._by_direction = {word.lower(): 1 for word in spec.get("by_up", [])}
        self._by_direction.update({word.lower(): -1 for word in spec.get("by_down", [])})
        self._by_reach = int(spec.get("by_reach", 0))
        self._ratio_after = {word.lower() for word in spec.get("ratio_after", [])}
        self._ratio_words = {word.lower(): float(value) for word, value in spec.get("words", {}).items()}
        self._verbs = {word.lower(): float(value) for word, value in spec.get("verbs", {}).items()}
        self._risk_nouns = {word.lower() for word in spec.get("risk_nouns", [])}
        self._confidence = {word.lower() for word in spec.get("confidence", [])}
        self._word_share = float(spec.get("word_share", 0.0))
        self._percent_ends = tuple(_words(alias)[-1] for alias in lexicon.get("percent", {}).get("words", []))
        self._fractions = {word.lower(): float(value) for word, value in lexicon.get("fractions", {}).items()}
        self._fold_units = {alias.lower() for alias in lexicon.get("units", {}).get("times", {}).get("aliases", [])}

    def revise(self, text: str, toks: list[Tok], found: Sequence[Quantity], qualify: Qualify) -> tuple[Quantity, ...]:
        """`found` (read from `text`, tokens `toks`) with its relative measures read as such and
        confidence levels left out, plus the word forms no number stands in, in text order."""
        first_token = {tok.start: i for i, tok in enumerate(toks)}
        last_token = {tok.end: i for i, tok in enumerate(toks)}
        revised: list[Quantity] = []
        for quantity in found:
            first, last = first_token.get(quantity.start), last_token.get(quantity.end)
            if first is None or last is None:
                revised.append(quantity)
                continue
            if self._is_percent(quantity, toks, last) and _lower(toks, last + 1) in self._confidence:
                continue  # "95% CI": how sure, not what was found
            revised.append(self._relative(text, toks, first, last, quantity) or quantity)
        taken = {i for quantity in revised for i in range(first_token.get(quantity.start, -1),
                                                           last_token.get(quantity.end, -2) + 1)}
        revised.extend(self._word_forms(text, toks, taken, qualify))
        return tuple(sorted(revised, key=lambda quantity: quantity.start))

    def _relative(self, text: str, toks: list[Tok], first: int, last: int, quantity: Quantity) -> Quantity | None:
        """`quantity` as a relative measure, or None when it is none."""
        if quantity.kind == PROPORTION:
            percent = self._is_percent(quantity, toks, last)
            halves = quantity.text.lower() in ("in half", "by half")
            if not (percent or halves):
                return None
            after = last + 1 + (_lower(toks, last + 1) == "relative")
            direction = self._direction_after(toks, first, after)
            if direction:
                return _as_change(quantity, direction, text, toks[after].end)
            direction = self._direction_before(text, toks, first if halves else first - 1, halves)
            if direction or halves:
                return _as_change(quantity, direction or -1, text, quantity.end)
            return None
        if quantity.kind == MEASURE and quantity.unit == "fold":
            after = _lower(toks, last + 1)
            if _lower(toks, last) not in self._fold_units or after not in self._ratio_after:
                return None  # "three times a day": how often, not how much more
            ratio = self._as_ratio(quantity)
            if self._direction.get(after, 0) < 0:  # "three times less likely": a third
                ratio = _inverted(ratio)
            return ratio
        if self._named(text, toks, first) and quantity.value > 0:
            return replace(quantity, kind=RELATIVE, unit="ratio")
        return None

    def _direction_after(self, toks: list[Tok], first: int, after: int) -> int:
        """The direction of the comparative or change noun at `after` (see numbers.toml
        [relative] up_nouns: a noun counts after "a"/"an" or before "in", "of" or a risk noun)."""
        word = _lower(toks, after)
        if word in self._direction:
            return self._direction[word]
        if word in self._change_nouns and (_lower(toks, first - 1) in ("a", "an") or _lower(toks, after + 1) in
                                           ("in", "of") or _lower(toks, after + 1) in self._risk_nouns):
            return self._change_nouns[word]
        return 0

    def _is_percent(self, quantity: Quantity, toks: list[Tok], last: int) -> bool:
        return quantity.kind == PROPORTION and _lower(toks, last) in self._percent_ends

    def _direction_before(self, text: str, toks: list[Tok], by: int, halves: bool) -> int:
        """The direction of a change written before "by" (or "of") at `by`: "reduced the risk
        of falls by 30%", "an increase of 40%", "cut in half" (`halves`: "in" too; "reduced
        in 30% of patients" is a share); 0 when none."""
        word = _lower(toks, by)
        if word == "of":
            before = _lower(toks, by - 1)
            return self._direction.get(before) or self._change_nouns.get(before, 0)
        if word != "by" and not (halves and word == "in"):
            return 0
        for index in range(by - 1, max(-1, by - 1 - self._by_reach), -1):
            if _SENTENCE_BREAK.search(text[toks[index].end:toks[by].start]):
                return 0
            direction = self._by_direction.get(toks[index].text.lower(), 0)
            if direction:
                return direction
        return 0

    def _named(self, text: str, toks: list[Tok], first: int) -> bool:
        """Whether a ratio's name stands shortly before token `first` ("HR 1.31", "odds ratio
        of 1.4", "adjusted relative risk 0.65")."""
        for index in range(first - 1, max(-1, first - 1 - _NAME_REACH), -1):
            if _SENTENCE_BREAK.search(text[toks[index].end:toks[first].start]):
                return False
            if toks[index].text in self._abbreviations or any(
                    index + 1 >= len(name) and all(_lower(toks, index - len(name) + 1 + i) == part
                                                   for i, part in enumerate(name)) for name in self._names):
                return True
            if toks[index].text.lower() not in self._between:
                return False
        return False

    def _as_ratio(self, quantity: Quantity) -> Quantity:
        """A number written as a ratio, no looser than a written share unless qualified."""
        tolerance = quantity.tolerance if quantity.approximate else \
            min(quantity.tolerance, self._word_share * quantity.value)
        return replace(quantity, kind=RELATIVE, unit="ratio", tolerance=tolerance)

    def _word_forms(self, text: str, toks: list[Tok], taken: set[int], qualify: Qualify) -> list[Quantity]:
        """"twice as likely", "half as likely", "a third less likely", "doubled the risk"."""
        found: list[Quantity] = []
        for index, tok in enumerate(toks):
            if index in taken or tok.kind != "word":
                continue
            word, nxt = tok.text.lower(), _lower(toks, index + 1)
            if word in self._ratio_words and nxt in self._ratio_after:
                ratio = self._ratio_words[word]
                found.append(qualify(text, toks, index, self._word_quantity(ratio, "ratio", toks, index, index)))
            elif word in self._verbs and self._risk_noun_after(toks, index + 1):
                found.append(qualify(text, toks, index, self._word_quantity(self._verbs[word], "ratio", toks,
                                                                            index, index)))
            elif word in self._fractions and not (index > 0 and toks[index - 1].text.lower() in ("in", "by")):
                start = index - 1 if index > 0 and _lower(toks, index - 1) in ("a", "an", "one") else index
                share = self._fractions[word]
                if nxt == "as" and (start < index or word == "half"):  # "half as likely", "a third as many"
                    found.append(qualify(text, toks, start, self._word_quantity(share, "ratio", toks, start, index)))
                elif start < index and nxt in self._direction:  # "a third less likely"
                    share_read = qualify(text, toks, start, self._word_quantity(share, PROPORTION, toks, start, index))
                    found.append(_as_change(share_read, self._direction[nxt], text, toks[index + 1].end))
        return found

    def _risk_noun_after(self, toks: list[Tok], index: int) -> bool:
        hop = index + 1 if _lower(toks, index) in ("the", "a", "their", "your", "its", "his", "her", "our") else index
        return _lower(toks, hop) in self._risk_nouns

    def _word_quantity(self, value: float, form: str, toks: list[Tok], first: int, last: int) -> Quantity:
        kind, unit = (PROPORTION, "") if form == PROPORTION else (RELATIVE, form)
        start, end = toks[first].start, toks[last].end
        return Quantity(value, kind, unit, " ".join(tok.text for tok in toks[first:last + 1]), start, end,
                        None, self._word_share * value)


def _as_change(share: Quantity, direction: int, text: str, end: int) -> Quantity:
    """A share read as a change of `direction` (+1 more, -1 less) and so as the ratio it makes,
    written in `text` from the share's start to `end`: 30% more → 1.3, a third less → 0.67; a
    qualified share's interval stays that of the change ("about 30% more" is 1.27 to 1.33)."""
    low, high = (1 + direction * share.value, 1 + direction * share.low_high[1])
    low, high = min(low, high), max(low, high)
    approximate = share.approximate if direction > 0 else _MIRROR.get(share.approximate, share.approximate)
    return Quantity(low, RELATIVE, "change", text[share.start:end], share.start, end,
                    high if share.high is not None else None, share.tolerance, approximate)


def _inverted(ratio: Quantity) -> Quantity:
    low, high = ratio.low_high
    return replace(ratio, value=1 / high, high=None if ratio.high is None else 1 / low,
                   tolerance=ratio.tolerance / (ratio.value * ratio.value))


def _lower(toks: list[Tok], index: int) -> str:
    return toks[index].text.lower() if 0 <= index < len(toks) else ""


def _words(alias: str) -> tuple[str, ...]:
    return tuple(alias.lower().split())
