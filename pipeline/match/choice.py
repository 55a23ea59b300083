"""Which judge answers, and how a judge other than the default is asked.

`[judge] use` (or `--judge` on check, recheck and evidence) names the judge:

    default           the lexical judge (pipeline/match/judge.py)
    nli:PATH          a local NLI model in ONNX (pipeline/match/nli_judge.py)
    openai:MODEL      an LLM on an OpenAI-compatible endpoint (pipeline/match/llm_judge.py)
    module:attribute  a judge class or factory of your own, called with the settings

An nli or openai judge runs inside a `GuardedJudge`, which

    caches     every answer by (judge id, claim text, passage hash) in a `JudgeCache`: the
               run store's when the caller has one (pipeline/store implements the protocol,
               and the CLI wires it in, so match never imports the store), else one kept in
               memory for the process. Only the passages not kept are asked about, so a
               re-check of an unchanged article asks nothing;
    falls back for a claim the judge cannot answer (the endpoint down, an invalid answer
               twice, the call budget spent, an inference error) to the default judge; its
               answers then name the default judge and say why (`PairJudgement.fallback`),
               and so does the report.

`ask_judge` is how match asks: all claims of a run at once, so a judge with `judge_many`
(the openai judge: `[judge] concurrency` requests in flight) can answer them together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from ..config import Settings
from ..errors import ConfigError
from ..memo import once_per_object
from .judge import (
    Candidate,
    Judge,
    JudgeFailure,
    JudgeRequest,
    LexicalJudge,
    PairJudgement,
)

DEFAULT = "default"
RESPONSE_FORMATS = ("json_schema", "json_object", "none")
JudgeFactory = Callable[[Settings], Judge]
Answers = list[PairJudgement]


class JudgeCache(Protocol):
    """Where a judge's answers are kept between runs (implemented by the run store)."""

    def lookup(self, judge_id: str, claim: str, passage_hashes: Sequence[str]) -> dict[str, PairJudgement]:
        """The kept answers among `passage_hashes` for `claim`, by passage hash."""
        ...

    def keep(self, judge_id: str, claim: str, answers: Mapping[str, PairJudgement]) -> None:
        """Keep `answers` (by passage hash) for `claim`."""
        ...


class MemoryCache:
    """A JudgeCache for one process (the batch verbs, a check without a run store)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str], PairJudgement] = {}

    def lookup(self, judge_id: str, claim: str, passage_hashes: Sequence[str]) -> dict[str, PairJudgement]:
        """See JudgeCache."""
        found = ((key, self._kept.get((judge_id, claim, key))) for key in passage_hashes)
        return {key: answer for key, answer in found if answer is not None}

    def keep(self, judge_id: str, claim: str, answers: Mapping[str, PairJudgement]) -> None:
        """See JudgeCache."""
        for key, answer in answers.items():
            self._kept[(judge_id, claim, key)] = answer


def passage_key(text: str) -> str:
    """The hash a passage's (or a claim's) answers are kept under: its text's SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_spec(spec: str) -> tuple[str, str]:
    """(kind, value) of a judge name: ("default", ""), ("nli", PATH), ("openai", MODEL) or
    ("import", "module:attribute"); ConfigError for anything else."""
    spec = spec.strip()
    if spec == DEFAULT:
        return DEFAULT, ""
    kind, colon, value = spec.partition(":")
    if colon and kind in ("nli", "openai"):
        if not value.strip():
            raise ConfigError(f"judge '{spec}' names no {'model path' if kind == 'nli' else 'model'}")
        return kind, value.strip()
    if colon and kind and value:
        return "import", spec
    raise ConfigError(f"unknown judge '{spec}' (give default, nli:PATH, openai:MODEL or module:attribute)")


def choose_judge(settings: Settings, spec: str | None) -> Settings:
    """`settings` with `[judge] use` set to `spec` (checked), or as they are when `spec` is
    None: what `--judge` does, for the CLI and the benches."""
    if spec is None:
        return settings
    parse_spec(spec)
    return settings.with_judge(use=spec.strip())


def build_judge(settings: Settings, cache: JudgeCache | None = None) -> Judge:
    """The judge `[judge] use` names, its answers kept in `cache` (a MemoryCache when None)."""
    kind, value = parse_spec(settings.judge.use)
    if kind == DEFAULT:
        return lexical_judge(settings)
    if kind == "import":
        return _imported(value, settings)
    primary: Any = _nli(settings, value) if kind == "nli" else _openai(settings, value)
    return GuardedJudge(primary, lexical_judge(settings), cache if cache is not None else MemoryCache())


def keeps_answers(settings: Settings) -> bool:
    """Whether the judge `[judge] use` names keeps its answers (nli and openai judges do:
    the run store is worth opening for them)."""
    return parse_spec(settings.judge.use)[0] in ("nli", "openai")


@once_per_object
def get_judge(settings: Settings) -> Judge:
    """The judge `[judge] use` names, built once per settings object (answers kept in memory)."""
    return build_judge(settings)


@contextlib.contextmanager
def judging(settings: Settings, cache: JudgeCache | None = None) -> Iterator[Judge]:
    """The judge for one run, its answers kept in `cache`; its connections closed after."""
    judge = build_judge(settings, cache)
    try:
        yield judge
    finally:
        close = getattr(judge, "close", None)
        if close is not None and judge is not lexical_judge(settings):
            close()


def ask_judge(judge: Judge, requests: Sequence[JudgeRequest]) -> list[Answers]:
    """Each request's answers: all at once from a judge with `judge_many`, else one by one."""
    many = getattr(judge, "judge_many", None)
    if many is None:
        return [judge.judge(request.claim, request.candidates) if request.candidates else []
                for request in requests]
    answered = many(requests)
    if any(isinstance(answers, JudgeFailure) for answers in answered):
        raise ConfigError(f"judge '{judge.name}' failed and has no fallback")
    return answered


class GuardedJudge:
    """A judge asked through the cache, with the default judge to fall back on (see the
    module docstring)."""

    wants_features = True  # the fallback judge reads the features

    def __init__(self, primary: Any, fallback: Judge, cache: JudgeCache) -> None:
        """`primary` answers (it has `judge_many` and `cache_id`); `fallback` stands in."""
        self.primary, self.fallback, self.cache = primary, fallback, cache
        self.name: str = primary.name
        self.cache_id: str = primary.cache_id
        self.fallbacks: list[str] = []

    def judge(self, claim: str, candidates: Sequence[Candidate]) -> list[PairJudgement]:
        """The answers for one claim."""
        return self.judge_many([JudgeRequest(claim, tuple(candidates))])[0]

    def judge_many(self, requests: Sequence[JudgeRequest]) -> list[Answers]:
        """Each request's answers: kept ones from the cache, the rest asked of the primary
        judge in one go, a claim it cannot answer judged by the fallback."""
        plans = []
        asks: dict[tuple[str, tuple[str, ...]], int] = {}  # the same question is asked once
        questions: list[JudgeRequest] = []
        for request in requests:
            keys = [passage_key(candidate.text) for candidate in request.candidates]
            kept = self.cache.lookup(self.cache_id, request.claim, keys) if keys else {}
            missing = [index for index, key in enumerate(keys) if key not in kept]
            asked = None
            if missing:
                question = (request.claim, tuple(keys[index] for index in missing))
                if question not in asks:
                    asks[question] = len(questions)
                    questions.append(JudgeRequest(request.claim, tuple(request.candidates[i] for i in missing)))
                asked = asks[question]
            plans.append((keys, kept, missing, asked))
        results = self.primary.judge_many(questions) if questions else []
        out: list[Answers] = []
        kept_now: set[int] = set()
        for request, (keys, kept, missing, asked) in zip(requests, plans, strict=True):
            result = results[asked] if asked is not None else []
            if not isinstance(result, JudgeFailure) and len(result) != len(missing):
                result = JudgeFailure(f"it gave {len(result)} answers for {len(missing)} passages")
            if isinstance(result, JudgeFailure):
                out.append(self._fall_back(request, result.reason))
                continue
            fresh = {keys[index]: answer for index, answer in zip(missing, result)}
            if asked is not None and asked not in kept_now:
                self.cache.keep(self.cache_id, request.claim, fresh)
                kept_now.add(asked)
            found = {**kept, **fresh}
            out.append([dataclasses.replace(found[key], judge=self.name, fallback="") for key in keys])
        return out

    def close(self) -> None:
        """Close the primary judge's connections, if it has any."""
        close = getattr(self.primary, "close", None)
        if close is not None:
            close()

    def _fall_back(self, request: JudgeRequest, reason: str) -> Answers:
        why = f"{self.name}: {reason}"
        self.fallbacks.append(why)
        answers = self.fallback.judge(request.claim, request.candidates)
        return [dataclasses.replace(answer, judge=self.fallback.name, fallback=why) for answer in answers]


lexical_judge = once_per_object(LexicalJudge)


def _nli(settings: Settings, path: str) -> Any:
    from .nli_judge import (
        NliJudge,  # onnxruntime is optional: imported only when asked for
    )

    return NliJudge(settings, path)


def _openai(settings: Settings, model: str) -> Any:
    # Imported when asked for: the batch verbs must not pay for the fetch package at start-up.
    from ..fetch.chat import ChatClient
    from .llm_judge import OpenAIJudge

    judge = settings.judge
    if judge.openai_response_format not in RESPONSE_FORMATS:
        raise ConfigError(f"setting judge.openai_response_format must be one of {', '.join(RESPONSE_FORMATS)}")
    if not judge.openai_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"setting judge.openai_base_url is not an http(s) URL: {judge.openai_base_url!r}")
    key = ""
    if judge.openai_api_key_env:
        key = os.environ.get(judge.openai_api_key_env, "")
        if not key:
            raise ConfigError(f"the environment variable {judge.openai_api_key_env} (judge.openai_api_key_env) "
                              "holding the judge's API key is not set")
    return OpenAIJudge(settings, model, ChatClient(judge.openai_base_url, judge, api_key=key))


def _imported(name: str, settings: Settings) -> Judge:
    module_name, _, attribute = name.partition(":")
    try:
        factory: JudgeFactory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ConfigError(f"cannot load judge '{name}': {error}") from None
    judge = factory(settings)
    if not isinstance(judge, Judge):
        raise ConfigError(f"judge '{name}' lacks name, wants_features or judge()")
    return judge
