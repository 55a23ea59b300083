"""The openai judge: its prompt and answer schema (pure), and the judge against a loopback
chat-completions endpoint: valid answers, invalid ones asked again once and then left to the
default judge, 429 and 500 retried, a slow endpoint timing out; answers cached."""

from __future__ import annotations

import json

import pytest
from chat_endpoint import CHAT_PATH, TableEndpoint, asked, completion
from loopback import LoopbackServer, Reply

from pipeline.config import load_settings
from pipeline.match.choice import GuardedJudge, MemoryCache, build_judge
from pipeline.match.judge import Candidate, relation_of
from pipeline.match.llm_judge import (
    ANSWER_SCHEMA,
    InvalidAnswer,
    chat_payload,
    parse_answer,
    user_prompt,
)
from pipeline.match.matcher import judge_passages

CLAIM = "Walking after meals lowers blood sugar in adults with type 2 diabetes."
PASSAGES = [
    "In adults with type 2 diabetes, a short walk after each meal lowered blood sugar.",
    "The trial enrolled 41 participants from two clinics.",
    "Walking before breakfast had no effect on blood sugar.",
]


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def _entry(number, relation, span="", reason="why"):
    return {"passage": number, "relation": relation, "span": span, "reason": reason}


# ── the prompt and the schema (no network) ─────────────────────────────────────────────────


def test_the_payload_numbers_the_passages_and_asks_for_the_schema(settings) -> None:
    payload = chat_payload("m", CLAIM, PASSAGES, settings)
    assert payload["model"] == "m" and payload["temperature"] == 0
    assert payload["response_format"]["json_schema"]["schema"] == ANSWER_SCHEMA
    prompt = payload["messages"][-1]["content"]
    assert prompt == user_prompt(CLAIM, PASSAGES)
    assert prompt.startswith(f"Claim: {CLAIM}\n") and f"[3] {PASSAGES[2]}" in prompt
    plain = chat_payload("m", CLAIM, PASSAGES, settings.with_judge(openai_response_format="none"))
    assert "response_format" not in plain


def test_a_valid_answer_becomes_one_judgement_per_passage(settings) -> None:
    answer = {"passages": [
        _entry(2, "related"),
        _entry(1, "supports", "a short walk after each meal lowered blood sugar", "says it"),
        _entry(3, "contradicts", "had no effect on blood sugar", ""),
    ]}
    found = parse_answer("```json\n" + json.dumps(answer) + "\n```", PASSAGES, settings)
    assert [judgement.stance for judgement in found] == ["supports", "related", "contradicts"]
    assert [relation_of(judgement, settings) for judgement in found] == ["supports", "related", "contradicts"]
    assert found[0].support == 1.0 and found[0].reason == "says it"
    # A contradiction needs a reason a flag can quote: the span stands in for a missing one.
    assert found[2].contradict == 1.0 and "had no effect" in found[2].reason


@pytest.mark.parametrize("answer, problem", [
    ("I think passage 1 supports it.", "no JSON object"),
    ('{"passages": [ {"passage": 1,} ]}', "not valid JSON"),
    ('{"verdict": "supported"}', 'no "passages" list'),
    (json.dumps({"passages": [_entry(1, "supports", "lowered blood sugar"), _entry(2, "related")]}),
     "passage 3 is not answered"),
    (json.dumps({"passages": [_entry(1, "agrees", "x"), _entry(2, "related"), _entry(3, "related")]}),
     "relation 'agrees'"),
    (json.dumps({"passages": [_entry(1, "supports", "walking cures diabetes"), _entry(2, "related"),
                              _entry(3, "related")]}), "span is not the passage's words"),
    (json.dumps({"passages": [_entry(4, "related"), _entry(2, "related"), _entry(3, "related")]}),
     "not one of 1..3"),
    (json.dumps({"passages": [_entry(2, "related"), _entry(2, "related"), _entry(3, "related")]}),
     "answered twice"),
])
def test_an_invalid_answer_says_why(settings, answer, problem) -> None:
    with pytest.raises(InvalidAnswer, match=problem):
        parse_answer(answer, PASSAGES, settings)


# ── the judge against a loopback endpoint ──────────────────────────────────────────────────


def _judge(server: LoopbackServer, settings, **changes):
    quick = {"retries": 1, "backoff_base": 0.01, **changes}
    chosen = settings.with_judge(use="openai:table-model", openai_base_url=server.url("/v1"), **quick)
    return build_judge(chosen, MemoryCache()), chosen


def _candidates(texts=PASSAGES):
    return [Candidate(text, text, 0.5) for text in texts]


def test_a_valid_answer_is_used_and_cached(loopback: LoopbackServer, settings) -> None:
    endpoint = TableEndpoint({CLAIM: "supports"})
    loopback.respond(CHAT_PATH, endpoint)
    judge, _ = _judge(loopback, settings)
    assert isinstance(judge, GuardedJudge) and judge.name == "openai:table-model"
    first = judge.judge(CLAIM, _candidates())
    assert [answer.stance for answer in first] == ["supports"] * 3
    assert {answer.judge for answer in first} == {"openai:table-model"} and not any(a.fallback for a in first)
    again = judge.judge(CLAIM, _candidates(PASSAGES[:2] + ["A passage the endpoint has not seen."]))
    assert [answer.stance for answer in again] == ["supports"] * 3
    # The second request asked only about the one passage not kept.
    assert loopback.hits(CHAT_PATH) == 2
    assert asked(loopback.requests[1])[1] == ["A passage the endpoint has not seen."]


def test_an_invalid_answer_is_asked_again_once_then_the_default_judge_decides(loopback, settings) -> None:
    loopback.add(CHAT_PATH, completion("not json at all"))
    judge, chosen = _judge(loopback, settings)
    judged = judge_passages(CLAIM, PASSAGES, chosen, judge)
    assert loopback.hits(CHAT_PATH) == 2
    assert judged.judge == "default"
    assert judged.judge_fallback.startswith("openai:table-model: invalid answer: the answer holds no JSON object")
    assert judged.judge_fallback.endswith("(asked twice)")


def _replies_then_table(stance: str, *first: Reply):
    """A responder giving the replies `first` in turn, then answers from the table (every
    passage `stance`)."""
    table = TableEndpoint({}, default=stance)
    pending = list(first)

    def respond(seen):
        return pending.pop(0) if pending else table(seen)

    return respond


def test_an_invalid_answer_then_a_valid_one_is_used(loopback, settings) -> None:
    loopback.respond(CHAT_PATH, _replies_then_table("supports", completion('{"passages": []}')))
    judge, chosen = _judge(loopback, settings)
    judged = judge_passages(CLAIM, PASSAGES, chosen, judge)
    assert loopback.hits(CHAT_PATH) == 2
    assert (judged.judge, judged.judge_fallback, judged.verdict) == ("openai:table-model", "", "supported")


def test_429_and_500_are_retried_before_an_answer(loopback, settings) -> None:
    loopback.respond(CHAT_PATH, _replies_then_table("contradicts", Reply(status=429, headers=(("Retry-After", "0"),)),
                                                    Reply(status=500)))
    judge, chosen = _judge(loopback, settings, retries=2)
    judged = judge_passages(CLAIM, PASSAGES, chosen, judge)
    assert loopback.hits(CHAT_PATH) == 3
    assert judged.verdict == "contradicted" and judged.judge == "openai:table-model"
    assert "says otherwise" in judged.reason


def test_a_slow_endpoint_times_out_and_the_default_judge_decides(loopback, settings) -> None:
    loopback.add(CHAT_PATH, Reply(status=200, body=b"{}", delay=5.0))
    judge, chosen = _judge(loopback, settings, timeout=0.2, retries=0)
    judged = judge_passages(CLAIM, PASSAGES, chosen, judge)
    assert judged.judge == "default" and "within 0.2 s" in judged.judge_fallback
    default = judge_passages(CLAIM, PASSAGES, settings)
    # Standing in, the default judge gives exactly its own verdict and evidence.
    assert (judged.verdict, judged.evidence, judged.relations) == (default.verdict, default.evidence,
                                                                   default.relations)


def test_claims_are_asked_concurrently_up_to_the_limit(loopback, settings) -> None:
    endpoint = TableEndpoint({}, default="related")

    def slow(seen):
        reply = endpoint(seen)
        return Reply(body=reply.body, content_type=reply.content_type, delay=0.3)

    loopback.respond(CHAT_PATH, slow)
    judge, _ = _judge(loopback, settings, concurrency=3)
    from pipeline.match.judge import JudgeRequest

    requests = [JudgeRequest(f"Claim number {n} about walking.", tuple(_candidates())) for n in range(7)]
    answers = judge.judge_many(requests)
    assert len(answers) == 7 and all(len(found) == 3 for found in answers)
    assert loopback.hits(CHAT_PATH) == 7
    assert 2 <= loopback.peak_in_flight <= 3
