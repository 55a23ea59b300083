"""The chat-completions client of the openai judge, against a real loopback endpoint:
retries on 429 (honouring Retry-After) and 5xx, timeouts, the endpoint taken as down after a
request fails on every attempt, the call budget, and the API key kept out of every message."""

from __future__ import annotations

import dataclasses
import json

import pytest
from chat_endpoint import CHAT_PATH, completion
from loopback import LoopbackServer, Reply

from pipeline.config import JudgeSettings
from pipeline.fetch.chat import ChatClient, ChatError

QUICK = JudgeSettings(retries=2, backoff_base=0.01, timeout=5.0, connect_timeout=2.0, retry_after_cap=5.0)
PAYLOAD = {"model": "m", "messages": [{"role": "user", "content": "hello"}]}


def _client(server: LoopbackServer, **changes: object) -> ChatClient:
    return ChatClient(server.url("/v1"), dataclasses.replace(QUICK, **changes), api_key="sk-test-secret")


def test_the_message_text_is_returned_and_the_request_is_a_chat_completion(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, completion('{"passages": []}'))
    client = _client(loopback)
    assert client.complete(PAYLOAD) == '{"passages": []}'
    (seen,) = loopback.requests
    assert seen.method == "POST" and seen.path == CHAT_PATH
    assert json.loads(seen.body) == PAYLOAD
    assert seen.headers["authorization"] == "Bearer sk-test-secret"
    assert client.calls == 1


def test_a_429_waits_as_long_as_retry_after_says(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, replies=[Reply(status=429, headers=(("Retry-After", "1"),)), completion("ok")])
    assert _client(loopback).complete(PAYLOAD) == "ok"
    first, second = loopback.requests
    # backoff_base is 10 ms: only Retry-After explains a wait of a second.
    assert second.at - first.at >= 0.95


def test_a_retry_after_longer_than_the_cap_ends_the_endpoints_run(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, replies=[Reply(status=429, headers=(("Retry-After", "3600"),)), completion("ok")])
    client = _client(loopback)
    with pytest.raises(ChatError, match="asking to wait 3600 s") as raised:
        client.complete(PAYLOAD)
    assert raised.value.down and loopback.hits(CHAT_PATH) == 1
    with pytest.raises(ChatError):
        client.complete(PAYLOAD)
    assert loopback.hits(CHAT_PATH) == 1  # nothing more is sent


def test_a_500_is_retried(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, replies=[Reply(status=500), Reply(status=503), completion("fine")])
    client = _client(loopback)
    assert client.complete(PAYLOAD) == "fine"
    assert loopback.hits(CHAT_PATH) == 3 and client.calls == 3


def test_an_endpoint_failing_every_attempt_is_down_for_the_rest_of_the_run(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, Reply(status=500))
    client = _client(loopback)
    with pytest.raises(ChatError, match=r"answered HTTP 500 .*; 3 attempts") as raised:
        client.complete(PAYLOAD)
    assert raised.value.down
    with pytest.raises(ChatError, match="HTTP 500"):
        client.complete(PAYLOAD)
    assert loopback.hits(CHAT_PATH) == 3


def test_a_slow_endpoint_times_out(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, Reply(status=200, body=b"{}", delay=3.0))
    client = _client(loopback, timeout=0.2, retries=0)
    with pytest.raises(ChatError, match=r"no answer from the judge endpoint .* within 0.2 s"):
        client.complete(PAYLOAD)


def test_a_closed_port_is_unreachable(loopback: LoopbackServer) -> None:
    url = loopback.url("/v1")
    loopback.stop()
    client = ChatClient(url, dataclasses.replace(QUICK, retries=0))
    with pytest.raises(ChatError, match="cannot reach the judge endpoint") as raised:
        client.complete(PAYLOAD)
    assert raised.value.down


def test_a_refused_key_ends_the_run_at_once_and_no_message_carries_the_key(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, Reply(status=401, body=b'{"error": "bad key sk-test-secret"}'))
    client = _client(loopback)
    with pytest.raises(ChatError) as raised:
        client.complete(PAYLOAD)
    assert raised.value.down and loopback.hits(CHAT_PATH) == 1  # 401 is not retried
    assert "401" in str(raised.value) and "sk-test-secret" not in str(raised.value)


def test_a_bad_request_fails_that_request_only(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, replies=[Reply(status=400), completion("next")])
    client = _client(loopback)
    with pytest.raises(ChatError, match="HTTP 400") as raised:
        client.complete(PAYLOAD)
    assert not raised.value.down
    assert client.complete(PAYLOAD) == "next"


def test_the_call_budget_counts_every_attempt(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, replies=[Reply(status=503), completion("a")])
    client = _client(loopback, max_calls=3)
    assert client.complete(PAYLOAD) == "a"  # two calls
    assert client.complete(PAYLOAD) == "a"  # the third
    with pytest.raises(ChatError, match=r"budget of 3 calls .* \(judge.max_calls\)"):
        client.complete(PAYLOAD)
    assert loopback.hits(CHAT_PATH) == 3


def test_an_answer_that_is_not_a_chat_completion_is_an_error(loopback: LoopbackServer) -> None:
    loopback.add(CHAT_PATH, Reply(body=b"<html>a proxy page</html>"))
    with pytest.raises(ChatError, match="not a chat-completions response"):
        _client(loopback).complete(PAYLOAD)
