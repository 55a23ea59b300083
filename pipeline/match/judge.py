"""The support judgement: does a passage support, contradict or merely relate to a claim?

Callers (match_claims, judge_passages, and through them `claimcheck check` and
`claimcheck evidence`) talk to a `Judge`, never to a model: a judge gets the claim and its
best candidate passages (already ranked by the evidence ranker) and returns, per passage,
the probability that it supports and that it contradicts the claim, with a reason. The
verdict thresholds are applied by the caller (settings [match]), so a judge only judges.

A judge that reads the texts itself (a local NLI model, an LLM) also gives each passage a
`stance` in its own words (STANCES); the relation then follows the stance, and the claim's
verdict follows the stances too (pipeline/match/reading.py), not the lexical checks that
temper the default judge.

Which judge runs is the `[judge] use` setting (or `--judge`), chosen in
pipeline/match/choice.py: "default" (this module's LexicalJudge: a logistic model over cheap
features, CPU only, no download; configs/models/evidence_judge.json), "nli:PATH",
"openai:MODEL", or "module:attribute" naming a class or factory to import, called with the
settings. A judge may ignore `Candidate.features` (they are computed only for judges whose
`wants_features` is true). A judge may also offer `judge_many(requests)`, answering many
claims at once (concurrently), each with its answers or a `JudgeFailure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..config import Settings
from ..errors import ConfigError
from ..language.numbers import Quantity
from ..language.reversal import STRONG_CLASHES, clash
from ..learned import LinearModel, load_model
from ..records import Relation
from .features import JUDGE_FEATURES

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
NEUTRAL = "neutral"
# What a reading judge may say of one passage (PairJudgement.stance).
STANCES = ("supports", "partially_supports", "contradicts", "related", "unrelated")
_RELATION_OF_STANCE: dict[str, Relation | None] = {
    "supports": "supports", "partially_supports": "supports", "contradicts": "contradicts",
    "related": "related", "unrelated": None,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage offered to the judge: its text, its context window, the ranker's
    probability that it is the evidence, (for feature-based judges) JUDGE_FEATURES, and the
    claim's numbers a passage may give otherwise (those its cited sources give nowhere;
    None: every number of the claim)."""

    text: str
    context: str
    rank_score: float
    features: tuple[float, ...] = ()
    numbers: tuple[Quantity, ...] | None = None


@dataclass(frozen=True, slots=True)
class PairJudgement:
    """A judge's answer for one candidate: probabilities (0..1) that the passage supports
    and that it contradicts the claim, and why, in words for an editor.

    A reading judge adds its `stance` (one of STANCES) and the `span` of the passage its
    answer rests on. `judge` names the judge that answered; `fallback` says why the judge
    chosen did not (so the default judge did), "" when it did."""

    support: float
    contradict: float
    reason: str = ""
    stance: str = ""
    span: str = ""
    judge: str = ""
    fallback: str = ""


@dataclass(frozen=True, slots=True)
class JudgeRequest:
    """One claim and the candidate passages the judge is asked about."""

    claim: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class JudgeFailure:
    """A judge could not answer a request (why, in words for an editor); the caller falls
    back to the default judge for that claim."""

    reason: str


@runtime_checkable
class Judge(Protocol):
    """What match needs of a judge (see the module docstring)."""

    name: str
    wants_features: bool

    def judge(self, claim: str, candidates: Sequence[Candidate]) -> list[PairJudgement]:
        """One PairJudgement per candidate, in order."""
        ...


class LexicalJudge:
    """The default judge: a three-way logistic model (supports / contradicts / neutral) over
    JUDGE_FEATURES, fitted on Check-COVID's train split by bench/train_evidence.py."""

    name = "default"
    wants_features = True

    def __init__(self, settings: Settings, model: LinearModel | None = None) -> None:
        """Load the model named by `[match] judge_model` (or use `model`)."""
        self.settings = settings
        self.model = model or load_model(settings.match.judge_model, JUDGE_FEATURES)
        if set(self.model.classes) != {SUPPORTS, CONTRADICTS, NEUTRAL}:
            raise ConfigError(f"judge model classes {list(self.model.classes)} are not "
                              f"{[SUPPORTS, CONTRADICTS, NEUTRAL]}", path=settings.match.judge_model)

    def judge(self, claim: str, candidates: Sequence[Candidate]) -> list[PairJudgement]:
        """Probabilities from the model, with the explicit clash rule (see `answer`)."""
        return [self.answer(claim, candidate, self.model.probabilities(candidate.features))
                for candidate in candidates]

    def answer(self, claim: str, candidate: Candidate, probabilities: Mapping[str, float]) -> PairJudgement:
        """The judgement of one candidate from the model's probabilities.

        A passage sharing no claim term is no evidence whatever the model says. The reason is
        the explicit reversal found between the texts (pipeline/language/reversal.clash), looked
        for when the model leans to "contradicts" or when the passage carries at least
        `clash_coverage_min` of the claim; a negation, reversed direction or other number on a
        passage that carries that much turns the model's direction round: what the contract
        calls a contradiction is decided by the texts, the model only says how relevant."""
        features = dict(zip(JUDGE_FEATURES, candidate.features))
        support, contradict = probabilities[SUPPORTS], probabilities[CONTRADICTS]
        if not features.get("coverage_plain", 1.0):
            return PairJudgement(0.0, 0.0, "")
        on_topic = features.get("coverage", 0.0) >= self.settings.match.clash_coverage_min
        kind, reason = clash(claim, candidate.text, self.settings, candidate.numbers) \
            if contradict > support or on_topic else ("", "")
        if kind in STRONG_CLASHES and on_topic:
            return PairJudgement(min(support, contradict), max(support, contradict), reason)
        if contradict <= support:
            reason = ""
        return PairJudgement(support, contradict, reason)


def effective(answer: PairJudgement) -> tuple[float, float]:
    """(support, contradiction) of a judged passage as the verdict counts them: a
    contradiction counts only with an explicit reason a flag can quote (a negation, a
    reversed direction, another number, an antonym); without one it counts for nothing (the
    passage may be about the claim, but it is not shown to reverse it). Counting that mass
    as support instead was measured worse on Check-COVID train and on the fixtures."""
    return answer.support, (answer.contradict if answer.reason else 0.0)


def relation_of(answer: PairJudgement, settings: Settings) -> Relation | None:
    """The contract's relation for one judged passage: from a reading judge's stance when it
    gave one, else from the [match] thresholds: contradicts, supports, related, or None (not
    evidence at all)."""
    if answer.stance:
        return _RELATION_OF_STANCE.get(answer.stance)
    match = settings.match
    support, contradict = effective(answer)
    if contradict >= match.contradict_min and contradict >= support:
        return "contradicts"
    if support >= match.support_min:
        return "supports"
    if max(support, contradict) >= match.related_min:
        return "related"
    return None
