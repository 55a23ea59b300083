"""How a long run tells whoever is watching what it is doing.

The runner reports stages through this small protocol; the CLI draws bars or prints lines,
library users and tests pass nothing. Kept apart from the runner so the CLI can name it
without importing every stage (the batch verbs start in a fraction of the time).
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What the runner tells whoever is watching (the CLI draws bars or prints lines)."""

    def start(self, stage: str, total: int | None = None) -> None:
        """A stage begins; `total` is the number of steps when known."""

    def advance(self, stage: str, detail: str = "") -> None:
        """One step of the stage is done."""

    def finish(self, stage: str) -> None:
        """The stage is done."""


class SilentProgress:
    """Progress that shows nothing (library use, tests, --quiet)."""

    def start(self, stage: str, total: int | None = None) -> None:  # noqa: D102
        pass

    def advance(self, stage: str, detail: str = "") -> None:  # noqa: D102
        pass

    def finish(self, stage: str) -> None:  # noqa: D102
        pass

    def __enter__(self) -> SilentProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
