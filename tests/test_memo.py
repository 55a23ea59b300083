"""Derived values are built once per owning object, never shared between equal objects."""

from __future__ import annotations

from pipeline.memo import once_per_object


def test_built_once_per_object_and_again_for_an_equal_but_other_object() -> None:
    calls: list[dict] = []

    @once_per_object
    def size(lexicon: dict) -> int:
        calls.append(lexicon)
        return len(lexicon)

    first = {"a": 1}
    assert size(first) == 1 and size(first) == 1
    assert len(calls) == 1
    # An equal lexicon is another object (another settings load): its own entry.
    second = {"a": 1}
    assert size(second) == 1
    assert len(calls) == 2 and calls[1] is second


def test_an_unhashable_owner_is_accepted_and_kept_alive() -> None:
    @once_per_object
    def keys(lexicon: dict) -> tuple[str, ...]:
        return tuple(sorted(lexicon))

    assert keys({"b": 1, "a": 2}) == ("a", "b")
    # The dict above is held by the cache, so a new dict cannot reuse its id and read its entry.
    assert keys({"c": 3}) == ("c",)
