"""The `openai:MODEL` judge: an LLM behind an OpenAI-compatible chat-completions endpoint.

One request per claim: the claim and the candidate passages the ranker chose, numbered; the
answer is a JSON object (ANSWER_SCHEMA) giving, per passage, its relation to the claim (one
of STANCES), the span of the passage the relation rests on, and a one-line reason. The pure
parts are here and testable without a network: `chat_payload` builds the request,
`parse_answer` validates an answer and turns it into PairJudgements. `OpenAIJudge` sends the
requests through pipeline.fetch.chat (timeouts, retries, the call budget) and asks once more
when an answer is invalid; a second invalid answer, or a request that fails, is a
JudgeFailure, and the claim falls back to the default judge (pipeline/match/choice.py).

The answer must name every passage once; a supporting or contradicting relation must quote
its span from the passage (rapidfuzz partial ratio >= `[match] quote_min`, the test a quote
in an article must pass), so a model cannot rest a verdict on words the source does not have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from rapidfuzz import fuzz

from ..config import Settings
from ..fetch.chat import ChatClient, ChatError
from .judge import STANCES, Candidate, JudgeFailure, JudgeRequest, PairJudgement

# Bump when the prompt or the schema changes: cached answers to the old prompt are not reused.
PROMPT_VERSION = "1"
REASON_MAX_CHARS = 300
SPAN_NEEDED = frozenset({"supports", "partially_supports", "contradicts"})

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "passages": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "passage": {"type": "integer"},
                    "relation": {"type": "string", "enum": list(STANCES)},
                    "span": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["passage", "relation", "span", "reason"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["passages"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You are a fact-checker's assistant. A sentence from a health article (the claim) cites a \
source; you are shown numbered passages from that source. Decide, for each passage on its own, what it \
says about the claim:
- "supports": the passage states what the claim says (in other words counts: a paraphrase, a synonym);
- "partially_supports": the passage states part of the claim, and another part (a number, a group of \
people, an outcome, the strength of the finding) is missing or weaker;
- "contradicts": the passage says the opposite, a reversed direction, a different number, or that no \
effect was found where the claim asserts one;
- "related": the passage is about the claim's subject but neither states nor contradicts it;
- "unrelated": the passage is about something else.
Judge only by the passage's words, not by what you know. Quote in "span" the words of the passage your \
answer rests on, copied exactly (an empty string for related or unrelated). Give in "reason" one short \
line an editor can read. Answer with one JSON object only, of this form:
{"passages": [{"passage": 1, "relation": "supports", "span": "...", "reason": "..."}, ...]}
with one entry for every passage."""


class InvalidAnswer(ValueError):
    """An answer that does not follow ANSWER_SCHEMA or the rules above (why, in one line)."""


def user_prompt(claim: str, passages: Sequence[str]) -> str:
    """The user message: the claim, then the passages numbered from 1."""
    numbered = "\n".join(f"[{number}] {_one_line(text)}" for number, text in enumerate(passages, start=1))
    return f"Claim: {_one_line(claim)}\n\nPassages:\n{numbered}"


def chat_payload(model: str, claim: str, passages: Sequence[str], settings: Settings) -> dict[str, Any]:
    """The chat-completions request body for one claim and its candidate passages."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(claim, passages)},
        ],
        "temperature": 0,
        "max_tokens": settings.judge.openai_max_tokens,
    }
    kind = settings.judge.openai_response_format
    if kind == "json_schema":
        payload["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "claimcheck_judgement", "strict": True, "schema": ANSWER_SCHEMA},
        }
    elif kind == "json_object":
        payload["response_format"] = {"type": "json_object"}
    return payload


def parse_answer(text: str, passages: Sequence[str], settings: Settings) -> list[PairJudgement]:
    """The judgements in an answer, one per passage in order; InvalidAnswer when the answer
    is not one JSON object of ANSWER_SCHEMA naming each passage once, or quotes a span the
    passage does not have. (The object may be wrapped in a code fence or follow a model's
    thinking: the outermost braces are read.)"""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise InvalidAnswer("the answer holds no JSON object")
    try:
        document = json.loads(text[start : end + 1])
    except json.JSONDecodeError as error:
        raise InvalidAnswer(f"the answer is not valid JSON ({error.msg})") from None
    entries = document.get("passages") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise InvalidAnswer('the answer has no "passages" list')
    found: dict[int, PairJudgement] = {}
    for entry in entries:
        number, judgement = _entry(entry, passages, settings.match.quote_min)
        if number in found:
            raise InvalidAnswer(f"passage {number} is answered twice")
        found[number] = judgement
    missing = [number for number in range(1, len(passages) + 1) if number not in found]
    if missing:
        raise InvalidAnswer(f"passage {missing[0]} is not answered")
    return [found[number] for number in range(1, len(passages) + 1)]


def _entry(entry: Any, passages: Sequence[str], quote_min: float) -> tuple[int, PairJudgement]:
    if not isinstance(entry, dict):
        raise InvalidAnswer("a passage's answer is not an object")
    number, stance = entry.get("passage"), entry.get("relation")
    span, reason = entry.get("span", ""), entry.get("reason", "")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= len(passages):
        raise InvalidAnswer(f"passage number {number!r} is not one of 1..{len(passages)}")
    if stance not in STANCES:
        raise InvalidAnswer(f"passage {number}: relation {stance!r} is not one of {', '.join(STANCES)}")
    if not isinstance(span, str) or not isinstance(reason, str):
        raise InvalidAnswer(f"passage {number}: span and reason must be strings")
    span, reason = _one_line(span), _one_line(reason)[:REASON_MAX_CHARS]
    if stance in SPAN_NEEDED and not _quoted(span, passages[number - 1], quote_min):
        raise InvalidAnswer(f"passage {number}: the span is not the passage's words")
    support = {"supports": 1.0, "partially_supports": 0.5}.get(stance, 0.0)
    contradict = 1.0 if stance == "contradicts" else 0.0
    # A contradiction counts only with a reason a flag can quote (judge.effective).
    if stance == "contradicts" and not reason:
        reason = f'it says "{span}"'
    return number, PairJudgement(support, contradict, reason, stance=stance, span=span)


def _quoted(span: str, passage: str, quote_min: float) -> bool:
    if not span:
        return False
    return fuzz.partial_ratio(span.casefold(), _one_line(passage).casefold()) >= quote_min


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class OpenAIJudge:
    """MODEL on the endpoint of `client` (see the module docstring)."""

    wants_features = False

    def __init__(self, settings: Settings, model: str, client: ChatClient) -> None:
        """A judge asking `model` through `client`."""
        self.settings, self.model, self.client = settings, model, client
        self.name = f"openai:{model}"
        # What an answer depends on: the model, where it runs, and the prompt.
        self.cache_id = f"openai:{model}@{client.url}#prompt-{PROMPT_VERSION}"

    def judge(self, claim: str, candidates: Sequence[Candidate]) -> list[PairJudgement]:
        """The answers for one claim; ChatError or InvalidAnswer when there are none."""
        result = self._ask(JudgeRequest(claim, tuple(candidates)))
        if isinstance(result, JudgeFailure):
            raise ChatError(result.reason)
        return result

    def judge_many(self, requests: Sequence[JudgeRequest]) -> list[list[PairJudgement] | JudgeFailure]:
        """The answers for each request (or why there are none), `[judge] concurrency` at once."""
        workers = max(1, min(self.settings.judge.concurrency, len(requests)))
        if workers == 1:
            return [self._ask(request) for request in requests]
        with ThreadPoolExecutor(workers, thread_name_prefix="judge") as pool:
            return list(pool.map(self._ask, requests))

    def close(self) -> None:
        """Close the endpoint's connections."""
        self.client.close()

    def _ask(self, request: JudgeRequest) -> list[PairJudgement] | JudgeFailure:
        passages = [candidate.text for candidate in request.candidates]
        payload = chat_payload(self.model, request.claim, passages, self.settings)
        problem = ""
        for _ in range(2):  # an invalid answer is asked for once more
            try:
                return parse_answer(self.client.complete(payload), passages, self.settings)
            except ChatError as error:
                if error.down:
                    return JudgeFailure(str(error))
                problem = str(error)
            except InvalidAnswer as error:
                problem = f"invalid answer: {error}"
        return JudgeFailure(f"{problem} (asked twice)")
