"""Progress shown while a check runs: a line per stage in logs and pipes, bars on a terminal."""

from __future__ import annotations

import io

from pipeline.progress import LineProgress, RichProgress, progress_for


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_one_line_per_stage_with_its_item_count() -> None:
    stream = io.StringIO()
    progress = progress_for(stream, "claimcheck")
    assert isinstance(progress, LineProgress)
    with progress:
        progress.start("fetch", 2)
        progress.advance("fetch", "https://example.org/a")
        progress.advance("fetch", "https://example.org/b")
        progress.finish("fetch")
        progress.start("graph")
        progress.finish("graph")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("claimcheck: fetch 2 items done in ") and lines[0].endswith(" s")
    assert lines[1].startswith("claimcheck: graph done in ")


def test_a_terminal_gets_a_bar_per_stage() -> None:
    stream = _Terminal()
    progress = progress_for(stream, "claimcheck")
    assert isinstance(progress, RichProgress)
    with progress:
        progress.start("extract", 3)
        progress.advance("extract")
        progress.finish("extract")
    assert "extract" in stream.getvalue() and "3/3" in stream.getvalue()
