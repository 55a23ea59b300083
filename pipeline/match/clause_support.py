"""Clause support: how well each clause of a long claim is said somewhere in its cited sources.

A claim of several clauses ("the authors caution that people differ, that the treatment should
be tailored to each couple, and that one clinic's results do not carry over") is often said in
parts by several passages: no single passage supports the whole, so the judge's support of the
whole claim against any one of them is low, whether every part is said somewhere or only one
is. Here each clause is judged on its own, against its own best-ranked passage of each cited
source (the same ranker and the lexical judge; judging the best `judge_top` instead of one
measured the same, at more cost), and the claim gets one number per clause: the best support
any passage gives it. The verdict model reads the share of clauses some passage supports
(verdict_features: clause_share), so "every part is said somewhere" differs from "one part
is" (docs/decisions.md "Clause support").

Only the lexical judge is asked, whichever judge answers the claim: the verdict model reads the
lexical judge's features already, and a reading judge (nli, openai) decides its own verdicts.
Only claims of two clauses or more are split, so the cost falls on long claims alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..config import Settings
from .features import claim_signals, generic_keys
from .judge import LexicalJudge
from .ranking import Place, Ranked, judge_candidates, rank_passages
from .retrieval import PassageIndex, claim_view, clauses, covered


def clause_support(claim: str, positions: Sequence[int], index: PassageIndex, places: Mapping[int, Place],
                   owner: Sequence[str], settings: Settings, names: frozenset[str],
                   judge: LexicalJudge) -> tuple[float, ...]:
    """The best support `judge` gives each clause of `claim` (see the module docstring) among the
    best-ranked passage for that clause of each cited source; () when the claim has
    fewer than two clauses. A clause with no key content of its own (only its frame and
    general words: "the survey's authors are careful to point out that") is left out: who
    says it is not a part of what is said."""
    support = []
    generic = generic_keys(settings)
    for part in clauses(claim):
        view = claim_view(part, settings, names)
        key = [term for term in view.terms if term.key not in generic and term.key not in view.frame]
        if not key:
            continue
        # A passage that carries none of the clause's key terms does not say it (the judge gives
        # one that shares no term nothing); ranking and judging only the others bounds the cost.
        sharing = [i for i in positions if any(covered(term, index.docs[i].keys) for term in key)]
        best = 0.0
        if not sharing:
            support.append(best)
            continue
        signals = claim_signals(view, index, settings, positions)
        ranked = rank_passages(signals, sharing, index, places, settings)
        by_source: dict[str, list[Ranked]] = {}
        for row in ranked:
            by_source.setdefault(owner[row.position], []).append(row)
        for group in by_source.values():
            candidates = judge_candidates(signals, group[:1], index, settings, True)  # its best-ranked
            if candidates:
                best = max([best, *(answer.support for answer in judge.judge(view.text, candidates))])
        support.append(best)
    return tuple(support) if len(support) >= 2 else ()
