"""The run store as a judge's answer cache (the `JudgeCache` protocol of pipeline/match/choice.py).

An answer is kept by (judge id, SHA-256 of the claim's text, SHA-256 of the passage's text):
the judge id says everything the answer depends on besides the two texts (the model, where it
runs, the prompt's version), so an unchanged claim against an unchanged passage is never asked
about twice, and a changed one always is. Each `keep` is one transaction: an interrupted run
keeps every answer it paid for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..match import PairJudgement, passage_key
from .schema import StoreFile

__all__ = ["StoreJudgeCache"]

# SQLite's default limit on host parameters is 999 in older builds; a claim has a few dozen at most.
_CHUNK = 500


class StoreJudgeCache:
    """Judge answers kept in one open store file (used from the thread that opened it)."""

    def __init__(self, file: StoreFile) -> None:
        self._file = file

    def lookup(self, judge_id: str, claim: str, passage_hashes: Sequence[str]) -> dict[str, PairJudgement]:
        """The kept answers among `passage_hashes` for `claim`, by passage hash."""
        found: dict[str, PairJudgement] = {}
        wanted = list(dict.fromkeys(passage_hashes))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._file.db.execute(
                "SELECT passage_sha256, support, contradict, reason, stance, span FROM judge_answers"
                f" WHERE judge = ? AND claim_sha256 = ? AND passage_sha256 IN ({','.join('?' * len(chunk))})",
                (judge_id, passage_key(claim), *chunk),
            )
            for key, support, contradict, reason, stance, span in rows:
                found[key] = PairJudgement(support, contradict, reason, stance=stance, span=span)
        return found

    def keep(self, judge_id: str, claim: str, answers: Mapping[str, PairJudgement]) -> None:
        """Keep `answers` (by passage hash) for `claim`, replacing older ones."""
        if not answers:
            return
        claim_key = passage_key(claim)
        with self._file.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO judge_answers (judge, claim_sha256, passage_sha256, support, contradict,"
                " stance, span, reason, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                [(judge_id, claim_key, key, answer.support, answer.contradict, answer.stance, answer.span,
                  answer.reason) for key, answer in answers.items()],
            )

