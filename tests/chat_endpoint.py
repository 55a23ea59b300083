"""An OpenAI-compatible chat-completions endpoint on the loopback server, for the judge tests.

`completion(content)` is the reply the API gives for a message text; `TableEndpoint` answers
each request from a fixed table {claim text: stance} (every passage of a claim gets its
claim's stance, with the passage's first words as the span), recording what it was asked.

    with LoopbackServer() as server:
        endpoint = TableEndpoint({"Kale lowers blood pressure.": "supports"})
        server.respond(CHAT_PATH, endpoint)
        settings = judge_settings(server)   # [judge] openai_base_url pointing at it
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping

from loopback import LoopbackServer, Reply, SeenRequest

CHAT_PATH = "/v1/chat/completions"
_PASSAGE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


def completion(content: str) -> Reply:
    """A chat-completions answer whose message text is `content`."""
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return Reply(body=json.dumps(body).encode(), content_type="application/json")


def asked(seen: SeenRequest) -> tuple[str, list[str], dict]:
    """(claim, passages, request body) of a chat request claimcheck sent."""
    request = json.loads(seen.body)
    prompt = request["messages"][-1]["content"]
    claim = prompt.split("\n", 1)[0].removeprefix("Claim: ")
    passages = [text for _, text in sorted((int(number), text) for number, text in _PASSAGE.findall(prompt))]
    return claim, passages, request


def answer_for(passages: list[str], stance: str) -> str:
    """The answer text giving every passage `stance`, its first words as the span."""
    entries = []
    for number, text in enumerate(passages, start=1):
        span = " ".join(text.split()[:6]) if stance in ("supports", "partially_supports", "contradicts") else ""
        entries.append({"passage": number, "relation": stance, "span": span, "reason": f"table says {stance}"})
    return json.dumps({"passages": entries})


class TableEndpoint:
    """Answers from a fixed table (see the module docstring); `default` for claims not in it."""

    def __init__(self, table: Mapping[str, str], default: str = "unrelated") -> None:
        self.table, self.default = dict(table), default
        self.claims: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, seen: SeenRequest) -> Reply:
        claim, passages, _ = asked(seen)
        with self._lock:
            self.claims.append(claim)
        return completion(answer_for(passages, self.table.get(claim, self.default)))


def judge_config(server: LoopbackServer, folder, **judge: object) -> str:
    """A settings file whose [judge] points at `server`'s endpoint (quick retries), with
    `judge` settings on top. Returns its path."""
    values = {"openai_base_url": server.url("/v1"), "retries": 1, "backoff_base": 0.01, "timeout": 10.0, **judge}
    lines = ["[judge]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path = folder / "judge.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
