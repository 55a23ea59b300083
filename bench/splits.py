"""Which half of every development set may be looked at, and which is held out.

One place for the rule, so every benchmark and every training command draws the same line.
A held-out item is only ever measured: its errors are not printed, no rule, word list,
threshold or learned weight is chosen by looking at it. Numbers are reported for both halves.

    articles  ../shared/eval/articles: four development cases, three held out (by name)
    ours      fixtures/articles: our own eight whole-article cases, four held out (by name)
    fixtures  the project's own fixtures: vitd is held out (its README says so)
    check_covid   the train file is for development, the dev file is held out
    covidfact     likewise: train for development, dev held out
    healthver     by topic (md5 parity of `topic_ip`), so one topic's claims stay together
    scifact_pairs by claim (md5 parity of the claim text), so one claim's pairs stay together
    causal_language, pet_cls, insciout   as bench/strength_eval.py splits them (md5 folds)

The split was fixed on 2026-12-06, before any rule was tuned on the new article cases.
"""

from __future__ import annotations

import hashlib

__all__ = [
    "ARTICLE_CASES_DEVELOPMENT",
    "ARTICLE_CASES_HELD_OUT",
    "OUR_CASES_DEVELOPMENT",
    "OUR_CASES_HELD_OUT",
    "HELD_OUT_FIXTURES",
    "article_case_held_out",
    "our_case_held_out",
    "healthver_held_out",
    "parity",
    "scifact_held_out",
]

# ../shared/eval/articles: the cases mix formats on both sides (HTML by URL, Markdown with a
# numbered list, a PDF source), so neither half is only one kind of article.
ARTICLE_CASES_DEVELOPMENT = ("screentime", "vitc-colds", "probiotics-ibs", "hiit-diabetes")
ARTICLE_CASES_HELD_OUT = ("bluelight", "creatine-memory", "fasting")
HELD_OUT_FIXTURES = ("vitd",)

# fixtures/articles: our own cases in the shared format, written blind (gold from the article and
# its pages alone). Both halves mix formats: development has two HTML pages by URL and two
# Markdown articles; held out has one HTML page, two Markdown articles and the plain-text
# article whose guideline is a PDF. Fixed when the cases were written, before any run on them.
OUR_CASES_DEVELOPMENT = ("earbuds-hearing", "standing-desks", "nordic-walking", "magnesium-cramps")
OUR_CASES_HELD_OUT = ("green-space", "dogs-allergy", "honey-cough", "turmeric-knees")


def parity(text: str) -> int:
    """0 or 1: the md5 parity of `text`, the same on every machine and Python version."""
    return hashlib.md5(text.encode("utf-8")).digest()[-1] % 2


def article_case_held_out(name: str) -> bool:
    """Whether an article case (a folder name under ../shared/eval/articles) is held out; a
    case added later that is in neither list counts as held out until someone decides."""
    return name not in ARTICLE_CASES_DEVELOPMENT


def our_case_held_out(name: str) -> bool:
    """Whether one of our article cases (a folder name under fixtures/articles) is held out; as
    with the shared cases, a case in neither list counts as held out until someone decides."""
    return name not in OUR_CASES_DEVELOPMENT


def healthver_held_out(topic_ip: str) -> bool:
    """Whether a HealthVer pair (by its `topic_ip`) is in the held-out half."""
    return parity(f"healthver:{topic_ip.strip()}") == 1


def scifact_held_out(claim: str) -> bool:
    """Whether a SciFact pair (by its claim, `sentence2`) is in the held-out half."""
    return parity(f"scifact:{' '.join(claim.split())}") == 1
