"""Assess: claims + evidence + sources → the flags an editor acts on.

Takes: the Article, the Sources and each claim's Judgement. Gives: `Flag`s, each with a
contract code, a severity, a message in an editor's words and the passage it rests on.

    assessor     the entry point: the ordered list of checks, run once per claim; and
                 UNCITED, SOURCE_UNAVAILABLE, ABSENCE_CLAIM, UNSUPPORTED, PARTIAL_SUPPORT,
                 CONTRADICTED, which restate availability and the verdict
    context      what every check reads about one claim, gathered once
    wording      CAUSAL_OVERSTATEMENT, CERTAINTY_OVERSTATEMENT, SUPERIORITY_CLAIM
    scope        GENERALIZATION, COMMERCIAL_ONLY
    exact_words  MISQUOTE, NUMBER_MISMATCH
    attribution  MISATTRIBUTION
    ceiling      the verdict a claim keeps once its flags are known (one that says more
                 than its sources is not `supported`)
"""

from __future__ import annotations

from .assessor import assess_claims
from .ceiling import flags_after_ceilings, settle, verdicts_after_flags

__all__ = ["assess_claims", "flags_after_ceilings", "settle", "verdicts_after_flags"]
