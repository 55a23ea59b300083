"""ClaimReview (schema.org) for the claims the desk rated, as fact-checking desks publish them.

A claim is rated when an editor decided on it:

- a flag confirmed: the claim is rated by its worst confirmed flag (`CONFIRMED_RATINGS`,
  1 = false ... 3 = overstated, on a scale of 1 to 5);
- every flag dismissed: the desk checked it and found it holds: 5 ("Supported");
- otherwise (flags still undecided, or fixed in the draft, which leaves nothing published to
  rate) it is not rated, and not exported.

Each ClaimReview carries `claimReviewed` (the claim's text), `reviewRating` (a Rating with
ratingValue, bestRating 5, worstRating 1, alternateName, and ratingExplanation from the
editors' reasons), `itemReviewed` (a Claim appearing in the article), `author` (the desk's
organisation, else the editor who decided last), `datePublished` (the day of the last
decision) and `url` (where the reviewed report is published, with the claim's anchor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..report.json_report import safe_href

BEST, WORST = 5, 1
# (ratingValue, alternateName) of a claim whose worst confirmed flag has this code.
CONFIRMED_RATINGS: dict[str, tuple[int, str]] = {
    "CONTRADICTED": (1, "False: its source says otherwise"),
    "NUMBER_MISMATCH": (2, "Inaccurate: a figure differs from its source"),
    "MISQUOTE": (2, "Inaccurate: misquoted"),
    "MISATTRIBUTION": (2, "Inaccurate: misattributed"),
    "UNSUPPORTED": (2, "Unsupported by its source"),
    "COMMERCIAL_ONLY": (2, "Unsupported: only commercial sources"),
    "UNCITED": (2, "Unsupported: no source given"),
    "SOURCE_UNAVAILABLE": (2, "Unverifiable: source unavailable"),
    "PARTIAL_SUPPORT": (3, "Partly supported"),
    "CAUSAL_OVERSTATEMENT": (3, "Overstated: causation from an association"),
    "CERTAINTY_OVERSTATEMENT": (3, "Overstated: more certain than its source"),
    "GENERALIZATION": (3, "Overstated: broader than its evidence"),
    "SUPERIORITY_CLAIM": (3, "Overstated: a comparison its source does not make"),
    "SOURCE_CHANGED": (3, "Needs a new check: its source changed"),
    "ABSENCE_CLAIM": (3, "Unverifiable: a claim that evidence is absent"),
}
_OTHER = (3, "Misleading")
SUPPORTED = (5, "Supported")


def claim_reviews(document: Mapping[str, Any], *, organization: str, publish_url: str) -> dict[str, Any]:
    """The JSON-LD graph of ClaimReviews for the rated claims of a reviewed document."""
    article = document["article"]
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article["title"] or "untitled article"}
    if safe_href(article["location"]):
        appearance["url"] = article["location"]
    reviews = []
    for claim in document["claims"]:
        rated = _rating(claim)
        if rated is None:
            continue
        (value, name), explanation, decided = rated
        reviews.append(
            {
                "@type": "ClaimReview",
                "url": f"{publish_url or 'reviewed-report.html'}#claim-{claim['id']}",
                "claimReviewed": claim["text"],
                "itemReviewed": {"@type": "Claim", "appearance": appearance},
                "author": _author(organization, decided["by"]),
                "datePublished": decided["at"][:10],
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": BEST,
                    "worstRating": WORST,
                    "alternateName": name,
                    "ratingExplanation": explanation,
                },
            }
        )
    return {"@context": "https://schema.org", "@graph": reviews}


def _rating(claim: Mapping[str, Any]) -> tuple[tuple[int, str], str, Mapping[str, Any]] | None:
    """((value, name), explanation, the last decision) of a claim, or None when not rated."""
    if claim.get("review", {}).get("status") == "fixed" or not claim["flags"]:
        return None
    reviews = [flag["review"] for flag in claim["flags"] if "review" in flag]
    if len(reviews) != len(claim["flags"]):
        return None
    confirmed = [flag for flag in claim["flags"] if flag["review"]["status"] == "confirmed"]
    if confirmed:
        rating = min(CONFIRMED_RATINGS.get(flag["code"], _OTHER) for flag in confirmed)
        reasons = [flag["message"] for flag in confirmed] + [
            flag["review"]["why"] for flag in confirmed if flag["review"]["why"]
        ]
    elif all(review["status"] == "dismissed" for review in reviews):
        rating = SUPPORTED
        reasons = [review["why"] for review in reviews]
    else:
        return None
    decided = max((review for review in reviews if review["at"]), key=lambda review: review["at"])
    return rating, " ".join(dict.fromkeys(reason for reason in reasons if reason)), decided


def _author(organization: str, reviewer: str) -> dict[str, str]:
    if organization:
        return {"@type": "Organization", "name": organization}
    return {"@type": "Person", "name": reviewer}
