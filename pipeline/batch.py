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
With a judge that reads (nli, openai), the evidence verb answers `[judge] concurrency` lines
together (`evidence_many`), so an endpoint is asked about that many claims at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import match
from .config import Settings
from .errors import InputLineError
from .language import strength

LineHandler = Callable[[Mapping[str, Any], Settings], dict[str, Any]]
ManyHandler = Callable[[Sequence[Mapping[str, Any]], Settings], list[Any]]


def evidence_line(item: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """Score and judge the passages of one claim (`claimcheck evidence`)."""
    claim, passages = _evidence_input(item)
    return _evidence_answer(item, match.judge_passages(claim, passages, settings))


def evidence_many(items: Sequence[Mapping[str, Any]], settings: Settings) -> list[dict[str, Any] | InputLineError]:
    """`evidence_line` for several lines at once, the judge asked about all their claims
    together (an LLM endpoint answers them concurrently); a malformed line's error in its place."""
    answers: dict[int, dict[str, Any] | InputLineError] = {}
    good: list[tuple[int, tuple[str, list[str]]]] = []
    for position, item in enumerate(items):
        try:
            good.append((position, _evidence_input(item)))
        except InputLineError as error:
            answers[position] = error
    judged = match.judge_passages_many([pair for _, pair in good], settings)
    for (position, _), judgement in zip(good, judged, strict=True):
        answers[position] = _evidence_answer(items[position], judgement)
    return [answers[position] for position in range(len(items))]


def _evidence_input(item: Mapping[str, Any]) -> tuple[str, list[str]]:
    claim = _text_field(item, "claim")
    passages = item.get("passages")
    if not isinstance(passages, list) or not all(isinstance(passage, str) for passage in passages):
        raise InputLineError('"passages" must be a list of strings', line_id=item.get("id"))
    return claim, passages


def _evidence_answer(item: Mapping[str, Any], judgement: match.PassageJudgement) -> dict[str, Any]:
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
# Verbs that can answer several lines at once (see `run_batch`'s `window`).
MANY: dict[str, ManyHandler] = {"evidence": evidence_many}


def batch_window(verb: str, settings: Settings) -> int:
    """Lines answered together: `[judge] concurrency` for the evidence verb with a judge that
    reads (so an endpoint gets that many requests at once), else 1 (each line answered before
    the next is read, as a script feeding lines one by one expects)."""
    return max(1, settings.judge.concurrency) if verb in MANY and match.keeps_answers(settings) else 1


def run_batch(handler: LineHandler, lines: Iterable[str], settings: Settings, *,
              many: ManyHandler | None = None, window: int = 1) -> Iterator[str]:
    """Each non-blank input line answered by `handler`, as one JSON line (no newline); with
    `many` and a `window` over 1, that many lines are answered together by `many`."""
    together = many if window > 1 else None
    pending: list[tuple[int, dict[str, Any] | None, dict[str, Any] | None]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        pending.append((number, *_parsed(line, number)))
        if len(pending) >= window:
            yield from _answers(pending, handler, together, settings)
            pending = []
    yield from _answers(pending, handler, together, settings)


def _parsed(line: str, number: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the line's JSON object, None), or (None, the error answer for the line)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, {"id": None, "error": f"line {number}: not JSON ({error.msg} at column {error.colno})"}
    if not isinstance(item, dict):
        return None, {"id": None, "error": f"line {number}: each line must be a JSON object"}
    return item, None


def _answers(pending: Sequence[tuple[int, dict[str, Any] | None, dict[str, Any] | None]], handler: LineHandler,
             many: ManyHandler | None, settings: Settings) -> Iterator[str]:
    """The answer lines of `pending` (line number, object, error answer), in order."""
    good = [(number, item) for number, item, _ in pending if item is not None]
    together: dict[int, Any] = {}
    if many is not None and good:
        together = dict(zip((number for number, _ in good), many([item for _, item in good], settings), strict=True))
    for number, item, failed in pending:
        if item is None:
            answer: Any = failed
        else:
            answer = together[number] if many is not None else _answer_one(handler, item, settings)
            if isinstance(answer, InputLineError):
                answer = {"id": item.get("id"), "error": f"line {number}: {answer}"}
        yield json.dumps(answer, ensure_ascii=False)


def _answer_one(handler: LineHandler, item: dict[str, Any], settings: Settings) -> Any:
    try:
        return handler(item, settings)
    except InputLineError as error:
        return error


def _text_field(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputLineError(f'"{name}" must be a non-empty string', line_id=item.get("id"))
    return value
