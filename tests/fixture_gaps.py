"""The known gaps of the development fixtures: expectations of their expected.toml a check does
not meet yet, each with the reason it is still open. tests/test_fixtures.py holds every
development fixture to its expectations less these (a listed gap that closes fails there too,
so the list stays honest); the end-to-end tests of the demo and of a fixture served over HTTP
use `unexpected` to allow exactly these.

Gaps opened by the learned verdict (docs/decisions.md) say so: on the development articles,
missing terms, parts and numbers did not tell partial from whole support (correct paraphrases
lack words too), so the model calls supported some claims whose overstatement the assess
checks flag (the flag is raised; the verdict is not the partial support a fact-checker gives).
"""

from __future__ import annotations

from collections.abc import Iterable

_LEARNED = "the learned verdict weighs"

# (fixture, mismatch kind, the claim's `contains`) → why the gap is still open.
KNOWN_GAPS = {
    ("heart", "verdict", "The British Heart Foundation has highlighted"):
        f"unsupported (MISATTRIBUTION is raised): the cited study says it, but {_LEARNED} the judge's low "
        "support of a long attributed claim against each passage that says part of it",
    ("intimacy", "verdict", "NPSA should be tailored to each couple"):
        f"unsupported: a long claim several passages each say in part; {_LEARNED} the judge's low "
        "support of it over what the kept passages carry together",
    ("intimacy", "false_flag", "NPSA should be tailored to each couple"):
        "UNSUPPORTED restates the verdict above",
    ("intimacy", "verdict", "sharing the housework"):
        f"called supported: [10] supports most of the habits listed, not shared housework, and [11] is "
        f"dead; {_LEARNED} the four key terms no readable source gives as lightly as a paraphrase's",
    ("omega3", "missing_flag", "reduce depressive symptoms and also improve sleep quality"):
        "PARTIAL_SUPPORT: \"sleep quality\" is in no source; the verdict is an acceptable one but not "
        "partial support, which the expectation asks to be flagged",
}


def unexpected(fixture: str, mismatches: Iterable[object]) -> list[str]:
    """The mismatches of `fixture` (fixtures.expectations Mismatch records) that are not known
    gaps, as text."""
    return [str(mismatch) for mismatch in mismatches
            if (fixture, getattr(mismatch, "what"), getattr(mismatch, "where")) not in KNOWN_GAPS]
