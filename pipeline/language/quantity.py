"""A quantity read from text, and when two quantities say the same (pipeline/language/numbers.py
reads them; pipeline/language/relative.py reads relative measures)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Kinds of quantity. Only quantities of one kind (and unit) are ever compared.
PROPORTION = "proportion"  # percentages, "one in five", "a third"
MEASURE = "measure"  # a value with a unit of measurement (unit = dimension: mass, time...)
COUNT = "count"  # a number of things of one kind (unit = the kind: women, studies...)
YEAR = "year"
AGE = "age"  # "aged 65 to 85", "a 70-year-old": years of age, apart from durations
NUMBER = "number"  # a bare number followed by a word (unit = that word)
# A relative measure as a ratio: "hazard ratio 1.31", "1.4 times as likely", "31% higher risk"
# (1.31), "40% less likely" (0.6), "doubled" (2.0); unit = how it was written, "ratio" or
# "change" (pipeline/language/relative.py), which decides how a qualifier widens it.
RELATIVE = "relative"


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number read from text. `value`/`high` are in the base unit of the dimension
    (proportions as fractions: 20% → 0.2); `high` is None unless a range. `tolerance` is the
    half-width of the precision it was written with, in the same unit."""

    value: float
    kind: str
    unit: str
    text: str
    start: int
    end: int
    high: float | None = None
    tolerance: float = 0.0
    # The qualifier's side when one widened it: "above" ("more than"), "below" ("up to"),
    # "just_above", "just_below", "around" (numbers.toml [approximate]); "" when exact.
    approximate: str = ""

    @property
    def low_high(self) -> tuple[float, float]:
        """The interval the quantity stands for."""
        return (self.value, self.high if self.high is not None else self.value)


@dataclass(frozen=True, slots=True)
class Tok:
    """One token of a text: a number, a word or a symbol, with its offsets."""

    text: str
    kind: str  # "num" | "word" | "sym"
    start: int
    end: int


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing (and so can disagree)."""
    if a.kind != b.kind:
        return False
    if a.kind == NUMBER:
        return bool(a.unit) and a.unit == b.unit
    # A ratio and a percentage change are one fact in two forms ("HR 1.31" = "31% higher").
    return a.kind == RELATIVE or a.unit == b.unit


def said_in(quantity: Quantity, others: Iterable[Quantity], rel_tolerance: float = 0.01) -> bool:
    """Whether one of `others` gives `quantity`: comparable with it and agreeing."""
    return any(comparable(quantity, other) and agree(quantity, other, rel_tolerance) for other in others)


def agree(a: Quantity, b: Quantity, rel_tolerance: float = 0.01) -> bool:
    """Whether two comparable quantities say the same, within the precision each was written
    with (and `rel_tolerance` of the larger value for rounding the writer did not show)."""
    low_a, high_a = a.low_high
    low_b, high_b = b.low_high
    slack = max(a.tolerance, b.tolerance) + rel_tolerance * max(abs(high_a), abs(high_b))
    if a.approximate in _BOUNDS and b.approximate in _BOUNDS:
        # Two bounds say the same only at the number they were written with: "up to 10 g" is
        # not "no more than 5 g" (the low end of "more than", the high end of "up to").
        anchor_a = low_a if a.approximate == "above" else high_a
        return abs(anchor_a - (low_b if b.approximate == "above" else high_b)) <= slack
    return low_a <= high_b + slack and low_b <= high_a + slack


_BOUNDS = frozenset({"above", "below"})
