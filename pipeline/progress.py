"""How a long run tells whoever is watching what it is doing.

The runner reports stages through this small protocol; the CLI shows them with
`progress_for` (bars on a terminal, a line per stage otherwise); library users and tests pass
nothing. Kept apart from the runner so the CLI can name it
without importing every stage (the batch verbs start in a fraction of the time).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Protocol, TextIO


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


def progress_for(stream: TextIO, name: str) -> SilentProgress:
    """Bars on a terminal, one line per stage (prefixed with the program's `name`) otherwise."""
    return RichProgress(stream) if stream.isatty() else LineProgress(stream, name)


class LineProgress(SilentProgress):
    """Plain lines, one per stage, for logs and pipes."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream, self._name = stream, name
        self._started: dict[str, float] = {}
        self._steps: Counter[str] = Counter()

    def start(self, stage: str, total: int | None = None) -> None:
        self._started[stage] = time.monotonic()
        self._steps[stage] = 0

    def advance(self, stage: str, detail: str = "") -> None:
        self._steps[stage] += 1

    def finish(self, stage: str) -> None:
        seconds = time.monotonic() - self._started.get(stage, time.monotonic())
        steps = f" {self._steps[stage]} items" if self._steps[stage] else ""
        print(f"{self._name}: {stage}{steps} done in {seconds:.2f} s", file=self._stream, flush=True)


class RichProgress(SilentProgress):
    """A bar per stage on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        # rich is imported only when a terminal will show the bars.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bars = Progress(
            TextColumn("{task.description:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> RichProgress:
        self._bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.__exit__(*exc)

    def start(self, stage: str, total: int | None = None) -> None:
        self._tasks[stage] = self._bars.add_task(stage, total=total or 1)

    def advance(self, stage: str, detail: str = "") -> None:
        self._bars.advance(self._tasks[stage])

    def finish(self, stage: str) -> None:
        task = self._tasks[stage]
        self._bars.update(task, completed=self._bars.tasks[task].total)
