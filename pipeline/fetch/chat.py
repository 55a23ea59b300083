"""A client for an OpenAI-compatible chat-completions endpoint (the `openai:MODEL` judge).

Not a source fetch: the endpoint is named by whoever runs claimcheck (`[judge]
openai_base_url`), never by an article, so the address guard does not apply and a loopback
or private address (a vLLM, llama.cpp or Ollama server on the desk's own machine) is allowed.
For the same reason nothing here is archived: prompts and answers are not sources. The API
key is read from the environment by the caller and sent only in the Authorization header; no
message, error or log line carries it. Proxies from the environment are not used: the
endpoint is addressed as configured.

What bounds the cost of a run, all from [judge]:

    timeouts     `connect_timeout` to connect, `timeout` for one answer;
    retries      `retries` more attempts after a connection error, a timeout, 429 or a 5xx,
                 waiting `backoff_base` doubled each time (with jitter), or what a 429/503's
                 Retry-After asks, up to `retry_after_cap` (asking longer ends the client's run);
    budget       at most `max_calls` requests in all (each attempt counts);
    down         once a request has failed on every attempt (or the endpoint refuses the key
                 or does not know the model or the path), the endpoint is taken as down for
                 the rest of the run: every later request fails at once with the same reason,
                 instead of each waiting out its own timeouts and retries.

Every failure is a `ChatError` with a one-line reason an editor can read. Thread-safe: the
judge sends up to `concurrency` requests at once through one client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx

from ..config import JudgeSettings
from ..errors import PipelineError
from .rules import backoff_delay, retry_after_seconds, status_text

__all__ = ["ChatClient", "ChatError"]

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The endpoint itself is misconfigured for us (key, model, path): no later request can do better.
_FATAL_STATUSES = frozenset({401, 403, 404})


class ChatError(PipelineError):
    """A chat-completions request failed; `down` when the client will send no more."""

    def __init__(self, message: str, *, down: bool = False) -> None:
        super().__init__(message)
        self.down = down


class ChatClient:
    """One endpoint, its limits, and what has been spent of them in this run."""

    def __init__(
        self,
        base_url: str,
        settings: JudgeSettings,
        *,
        api_key: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """A client for the chat-completions API under `base_url` (e.g. http://localhost:8000/v1)."""
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.settings = settings
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            headers=headers,
            trust_env=False,
            transport=transport,
        )
        self._lock = threading.Lock()
        self.calls = 0
        self.down_reason = ""

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def complete(self, payload: Mapping[str, Any]) -> str:
        """The text of the first choice's message for the request `payload`; ChatError when
        the endpoint cannot give one (see the module docstring for retries and limits)."""
        settings = self.settings
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            self._spend()
            delay = backoff_delay(settings.backoff_base, attempt)
            try:
                response = self._client.post(self.url, json=payload)
            except httpx.TimeoutException:
                problem = f"no answer from {self._where()} within {settings.timeout:g} s"
            except httpx.TransportError as error:
                problem = f"cannot reach {self._where()} ({_first_line(error)})"
            else:
                if response.status_code == 200:
                    return _message_text(response)
                problem = f"{self._where()} answered {status_text(response.status_code, response.reason_phrase)}"
                if response.status_code in _FATAL_STATUSES:
                    raise self._give_up(problem)
                if response.status_code not in _RETRY_STATUSES:
                    raise ChatError(problem)
                asked = retry_after_seconds(response.headers.get("retry-after", ""))
                if asked is not None:
                    if asked > settings.retry_after_cap:
                        raise self._give_up(f"{problem} asking to wait {asked:g} s, longer than "
                                            f"retry_after_cap ({settings.retry_after_cap:g} s)")
                    delay = asked
            if last:
                attempts = settings.retries + 1
                raise self._give_up(f"{problem}; {attempts} attempt{'s' if attempts > 1 else ''}")
            time.sleep(delay)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _spend(self) -> None:
        with self._lock:
            if self.down_reason:
                raise ChatError(self.down_reason, down=True)
            if self.calls >= self.settings.max_calls:
                raise ChatError(f"its budget of {self.settings.max_calls} calls for this run is spent "
                                "(judge.max_calls)", down=True)
            self.calls += 1

    def _give_up(self, reason: str) -> ChatError:
        with self._lock:
            self.down_reason = self.down_reason or reason
            return ChatError(self.down_reason, down=True)

    def _where(self) -> str:
        return f"the judge endpoint {self.url}"


def _message_text(response: httpx.Response) -> str:
    """choices[0].message.content of a chat-completions answer; ChatError when the body is
    not one (a server answering 200 with something else is not a judge)."""
    try:
        body = response.json()
        content = body["choices"][0]["message"]["content"]
    except (ValueError, LookupError, TypeError):
        raise ChatError("the judge endpoint's answer is not a chat-completions response") from None
    if not isinstance(content, str):
        raise ChatError("the judge endpoint's answer has no message text")
    return content


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

