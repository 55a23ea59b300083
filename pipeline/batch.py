"""The batch verbs: one JSON object per line in, one per line out (see CONTRACT.md).

    claimcheck evidence   {"id", "claim", "passages": [str, ...]}
                          → {"id", "scores", "ranking", "evidence", "verdict"} (and, added:
                            "reason", "judge" that decided it, "judge_fallback")
    claimcheck strength   {"id", "text"} → {"id", "strength", "hedged"}
    claimcheck compare    {"id", "claim", "source"}
                          → {"id", "label", "claim_strength", "source_strength", "flags"}

A malformed line gets `{"id": ..., "error": "..."}` on its own output line and the other
lines still run: a fact-checker scripting a thousand checks must not lose 999 to one typo.
Each verb is a pure function of one parsed line and the settings; `run_batch` is the loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from . import match
from .config import Settings
from .errors import InputLineError
from .language import strength

LineHandler = Callable[[Mapping[str, Any], Settings], dict[str, Any]]


def evidence_line(item: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """Score and judge the passages of one claim (`claimcheck evidence`)."""
    claim = _text_field(item, "claim")
    passages = item.get("passages")
    if not isinstance(passages, list) or not all(isinstance(passage, str) for passage in passages):
        raise InputLineError('"passages" must be a list of strings', line_id=item.get("id"))
    judgement = match.judge_passages(claim, passages, settings)
    return {
        "id": item.get("id"),
        "scores": [round(score, 4) for score in judgement.scores],
        "ranking": list(judgement.ranking),
        "evidence": list(judgement.evidence),
        "verdict": judgement.verdict,
        "reason": judgement.reason,
        "judge": judgement.judge or None,
        "judge_fallback": judgement.judge_fallback or None,
    }


def strength_line(item: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The claim strength of one sentence (`claimcheck strength`)."""
    found = strength.claim_strength(_text_field(item, "text"), settings.lexicon("strength"))
    return {"id": item.get("id"), "strength": found.label, "hedged": found.hedged, "cue": found.cue}


def compare_line(item: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """Whether a claim states its source more or less strongly (`claimcheck compare`)."""
    comparison = strength.compare_strength(
        _text_field(item, "claim"), _text_field(item, "source"), settings.lexicon("strength")
    )
    return {
        "id": item.get("id"),
        "label": comparison.label,
        "claim_strength": comparison.claim.label,
        "source_strength": comparison.source.label,
        "flags": list(comparison.flags),
    }


VERBS: dict[str, LineHandler] = {"evidence": evidence_line, "strength": strength_line, "compare": compare_line}


def run_batch(handler: LineHandler, lines: Iterable[str], settings: Settings) -> Iterator[str]:
    """Each non-blank input line answered by `handler`, as one JSON line (no newline)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise InputLineError("each line must be a JSON object")
            answer = handler(item, settings)
        except json.JSONDecodeError as error:
            answer = {"id": None, "error": f"line {number}: not JSON ({error.msg} at column {error.colno})"}
        except InputLineError as error:
            line_id = item.get("id") if isinstance(item, dict) else None
            answer = {"id": line_id, "error": f"line {number}: {error}"}
        yield json.dumps(answer, ensure_ascii=False)


def _text_field(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputLineError(f'"{name}" must be a non-empty string', line_id=item.get("id"))
    return value
