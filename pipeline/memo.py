"""Values derived once from a settings object or a lexicon and kept while it lives.

Analysers, phrase sets and word lists are built from a `Settings` or one of its lexicons (plain
dicts). `functools.lru_cache` cannot key on those: the lexicons are unhashable, and hashing
a whole settings tree on every call would cost more than the lookup saves. They never change
after loading, so their identity is the key; the entry holds the object itself, so its id
cannot be handed to another object while the entry exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

Owner = TypeVar("Owner")
Derived = TypeVar("Derived")


def once_per_object(build: Callable[[Owner], Derived]) -> Callable[[Owner], Derived]:
    """`build` memoised on the identity of its one argument."""
    built: dict[int, tuple[Owner, Derived]] = {}

    @functools.wraps(build)
    def derived(owner: Owner) -> Derived:
        entry = built.get(id(owner))
        if entry is None or entry[0] is not owner:
            entry = built[id(owner)] = (owner, build(owner))
        return entry[1]

    return derived
