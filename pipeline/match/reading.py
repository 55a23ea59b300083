"""The verdict of a claim judged by a reading judge (nli, openai): the judge's stances decide.

The default judge sees cheap features, not meaning, so its verdict is tempered by lexical
checks (pipeline/match/verdict.py: the claim's key terms carried, its numbers given, the
union of passages for a long claim). A judge that reads the texts is asked exactly what
those checks approximate, so its stances decide on their own:

    contradicted         a passage contradicts the claim at least as strongly as the
                         strongest support (a source that says the opposite is what an editor
                         must see, even beside one that agrees);
    supported            else a passage supports it;
    partially_supported  else a passage supports part of it;
    unsupported          else (the judged passages are related to it, or not at all).

Strength is the judge's probability (an LLM's answers count 1 for a stance it gives, 0.5 for
partial support). The claim-level rules that need no judge (nothing cited, an absence of
evidence, sources that could not be read) stay in pipeline/match/matcher.py for every judge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..records import Verdict
from .judge import PairJudgement
from .verdict import Row


def reads(answers: Mapping[int, PairJudgement]) -> bool:
    """Whether a claim's answers came from a reading judge (they carry stances)."""
    return any(answer.stance for answer in answers.values())


def read_verdict(rows: Sequence[Row], answers: Mapping[int, PairJudgement],
                 label: Sequence[str]) -> tuple[Verdict, float, str]:
    """(verdict, score, reason) from the stances in `answers` (by passage position) of the
    judged `rows`; `label[i]` names passage i for the reason."""
    judged = [(row, answers[row.position]) for row in rows if row.position in answers]

    def strongest(stance: str, value: str) -> tuple[Row, PairJudgement] | None:
        chosen = [pair for pair in judged if pair[1].stance == stance]
        return max(chosen, key=lambda pair: (getattr(pair[1], value), pair[0].score), default=None)

    backing = strongest("supports", "support")
    against = strongest("contradicts", "contradict")
    if against is not None and against[1].contradict >= (backing[1].support if backing else 0.0):
        row, answer = against
        return "contradicted", round(answer.contradict, 4), f"{label[row.position]} says otherwise: {_why(answer)}."
    if backing is not None:
        row, answer = backing
        return "supported", round(answer.support, 4), f"{label[row.position]} states it: {_why(answer)}."
    partial = strongest("partially_supports", "support")
    if partial is not None:
        row, answer = partial
        return ("partially_supported", round(answer.support, 4),
                f"{label[row.position]} supports part of it: {_why(answer)}.")
    if not judged:
        return "unsupported", 0.0, "No passage of the cited sources was read for it."
    related = sum(1 for _, answer in judged if answer.stance == "related")
    about = (f"{related} of the {len(judged)} passages it read are about the claim, but none states it" if related
             else f"none of the {len(judged)} passages it read is about the claim")
    best = max(answer.support for _, answer in judged)
    return "unsupported", round(best, 4), f"The judge ({judged[0][1].judge or 'reading'}) found {about}."


def _why(answer: PairJudgement) -> str:
    """The judge's reason, with the span it rests on when it gave one."""
    reason = answer.reason.rstrip(". ")
    if answer.span and answer.span not in reason:
        return f'"{answer.span}" ({reason})' if reason else f'"{answer.span}"'
    return reason or "the judge says so"
