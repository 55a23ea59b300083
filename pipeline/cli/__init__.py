"""The `claimcheck` command: parse, call the runner (or the re-check and the store), print a
summary. Nothing else.

Commands: check; recheck, watch add|list|remove, history (over the run store); review (the
editor's desk, a local web app) and export (a run's reviewed report); evidence, strength,
compare (batch verbs). Every expected failure is a PipelineError; it becomes one
line on stderr and exit status 2. Exit status: 0 ran; 1 ran and found a flag at or above
--fail-on (for recheck: a NEW flag, or an article that could not be read again); 2 bad usage
or input.

Takes: the command line (and stdin for the batch verbs). Gives: the files each command
writes, a one-line summary on stdout, one line on stderr for an error, and the exit status.
`parser` builds the argparse parser; `commands` holds one function per command.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence

from ..errors import PipelineError
from .commands import EXIT_INTERRUPTED, EXIT_USAGE, PROG
from .parser import build_parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    # SIGTERM (a scheduler stopping us) ends the run the same way Ctrl-C does: atomic writes
    # mean nothing half-written is left behind either way.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except PipelineError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; earlier outputs are intact", file=sys.stderr)
        return EXIT_INTERRUPTED


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


