"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every output file goes through here (reports, GraphML, JSON Lines results), so an
interrupted run never leaves a truncated report behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        publish(temp_name, target)
    except BaseException:
        # Also on KeyboardInterrupt: leave no stray temp file beside the old output.
        Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def publish(temp_path: str | Path, target: str | Path) -> None:
    """Rename a finished temporary file onto `target`, with the permissions a plain `open`
    would have given it (mkstemp makes files owner-only, which would hide reports from the
    editors sharing a folder)."""
    os.chmod(temp_path, 0o666 & ~_current_umask())
    os.replace(temp_path, target)


def _current_umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write `text` as UTF-8 to `path` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))
