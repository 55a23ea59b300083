"""Whether two report.json files say the same thing, apart from what differs on every run.

    .venv/bin/python bench/compare_reports.py BEFORE/report.json AFTER/report.json

Two things legitimately differ between two runs of the same check: timestamps (when the
check ran; when a live fetch happened) and the WARC record ids (`urn:uuid:...`, random per
written record) inside `archived_as`. Everything else — every verdict, score, passage, flag,
message, count and order — must be identical for a change to be called behaviour-neutral.
This masks exactly those two, compares the rest, and prints each difference by its JSON path.
It also compares the two files as text with the same values masked, so a change of key order
or of formatting counts too: "identical" means byte-identical apart from the masked values.

Exit status: 0 identical apart from the masked values; 1 they differ; 2 a file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Keys whose value is a moment in time (the contract's `*_at` fields).
TIMESTAMP_KEY = re.compile(r"_at$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
WARC_RECORD_ID = re.compile(r"urn:uuid:[0-9a-fA-F-]{36}")
MASK = "<masked>"


def masked(value: Any, key: str = "") -> tuple[Any, int, int]:
    """(`value` with timestamps and WARC record ids masked, timestamps masked, ids masked)."""
    if isinstance(value, dict):
        result, times, ids = {}, 0, 0
        for child_key, child in value.items():
            result[child_key], child_times, child_ids = masked(child, child_key)
            times, ids = times + child_times, ids + child_ids
        return result, times, ids
    if isinstance(value, list):
        items = [masked(item, key) for item in value]
        return [item for item, _, _ in items], sum(t for _, t, _ in items), sum(i for _, _, i in items)
    if isinstance(value, str):
        if TIMESTAMP_KEY.search(key) and TIMESTAMP.match(value):
            return MASK, 1, 0
        replaced, count = WARC_RECORD_ID.subn("urn:uuid:" + MASK, value)
        return replaced, 0, count
    return value, 0, 0


def differences(before: Any, after: Any, path: str = "$") -> Iterator[str]:
    """Each place where `before` and `after` differ, as 'path: before != after'."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before.keys() | after.keys():
            if key not in after:
                yield f"{path}.{key}: only in the first"
            elif key not in before:
                yield f"{path}.{key}: only in the second"
            else:
                yield from differences(before[key], after[key], f"{path}.{key}")
    elif isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            yield f"{path}: {len(before)} items != {len(after)} items"
        for index, (left, right) in enumerate(zip(before, after)):
            yield from differences(left, right, f"{path}[{index}]")
    elif before != after or type(before) is not type(after):
        yield f"{path}: {json.dumps(before, ensure_ascii=False)[:120]} != {json.dumps(after, ensure_ascii=False)[:120]}"


def masked_text(text: str) -> str:
    """The file's text with the same values masked, for the byte-for-byte comparison."""
    text = re.sub(r'("[A-Za-z_]*_at": )"[^"]*"', lambda m: m.group(1) + f'"{MASK}"', text)
    return WARC_RECORD_ID.sub("urn:uuid:" + MASK, text)


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
        return text
    except (OSError, ValueError) as error:
        raise SystemExit(f"compare_reports: cannot read {path}: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    try:
        before_text, after_text = _read(args.before), _read(args.after)
    except SystemExit as error:
        print(error, file=sys.stderr)
        return 2
    before, before_times, before_ids = masked(json.loads(before_text))
    after, after_times, after_ids = masked(json.loads(after_text))
    found = sorted(differences(before, after))
    if not found and masked_text(before_text) != masked_text(after_text):
        found = ["$: the same values, written differently (key order or formatting)"]
    for difference in found:
        print(difference)
    if found:
        print(f"{len(found)} difference(s) besides timestamps and WARC record ids")
        return 1
    print(
        f"identical apart from {before_times}/{after_times} timestamps and "
        f"{before_ids}/{after_ids} WARC record ids (masked)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
