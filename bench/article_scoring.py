"""Score one article's report.json in the three figures that matter, and the trivial baselines.

The figures (the same as ../shared/eval/articles/score_report.py prints for its cases):

    planted problems caught       a claim with a planted problem gets an acceptable verdict and
                                  the flag it needs (a fixture: every required flag; a case: one
                                  of `flags_any`), or a verdict that alone catches it (a refuted
                                  claim of a public set called `contradicted`)
    correct claims judged right   a claim a checker calls correct (`supported` acceptable, no flag
                                  required) gets an acceptable verdict and no forbidden flag
    false alarms                  every forbidden flag raised, on any claim, and every sentence
                                  that is not a claim but became one carrying a flag

beside `other claims right` (no flag required and `supported` not acceptable: a public claim
its evidence does not settle) and `sources right` (an acceptable kind; a dead link not `ok`).

The gold comes in three dialects, all read into `Gold`: a fixture's expected.toml
(`from_fixture`), a case's gold.json (`from_case`; the case numbers themselves come from the
shared scorer, this reading serves the test that proves both agree), and the generated
public articles (bench/public_articles.py). A claim is found as the shared scorer finds it:
the first claim whose text contains the fragment, ignoring case; a claim not found is a miss.

Nothing here runs the pipeline; bench/article_eval.py does, and prints what this returns.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

VERDICTS = ("supported", "partially_supported", "contradicted", "unsupported", "unverifiable")
# What a public claim's label means for the pipeline's answer, and the reverse reading.
SUPPORT, REFUTE, NEI = "SUPPORT", "REFUTE", "NEI"
# The flags a checker forbids on a correct claim: those that say it is wrong or overstated
# (the list the shared cases give their correct claims).
FALSE_ON_CORRECT = frozenset({
    "UNSUPPORTED", "CONTRADICTED", "NUMBER_MISMATCH", "MISQUOTE", "MISATTRIBUTION",
    "CAUSAL_OVERSTATEMENT", "CERTAINTY_OVERSTATEMENT", "GENERALIZATION",
})


@dataclass(frozen=True, slots=True)
class GoldClaim:
    """What a checker expects of one claim sentence."""

    fragment: str
    verdicts: frozenset[str]  # acceptable verdicts
    flags_all: frozenset[str] = frozenset()  # every one must be raised (a fixture's `flags`)
    flags_any: frozenset[str] = frozenset()  # one of them must be raised (a case's `flags_any`)
    flags_none: frozenset[str] = frozenset()  # each one raised is a false alarm
    caught_by_verdicts: frozenset[str] = frozenset()  # one of these verdicts alone catches it
    label: str = ""  # a public claim's label (SUPPORT / REFUTE / NEI), for macro-F1

    @property
    def role(self) -> str:
        """"planted" (a problem to catch), "correct" (to judge supported) or "other"."""
        if self.flags_all or self.flags_any or self.caught_by_verdicts:
            return "planted"
        return "correct" if "supported" in self.verdicts else "other"


@dataclass(frozen=True, slots=True)
class GoldSource:
    """What a checker expects of one source, found by reference id or by the end of its URL."""

    id: str = ""
    url_suffix: str = ""
    kinds: frozenset[str] | None = None  # acceptable kinds; None: any
    status_not: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Gold:
    """Everything a checker expects of one article."""

    claims: tuple[GoldClaim, ...]
    sources: tuple[GoldSource, ...] = ()
    not_claims: tuple[str, ...] = ()  # fragments of sentences that are not claims


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts of one article or a sum of articles (`a + b`)."""

    planted: int = 0
    planted_total: int = 0
    correct: int = 0
    correct_total: int = 0
    other: int = 0
    other_total: int = 0
    false_alarms: int = 0
    sources: int = 0
    sources_total: int = 0
    articles: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)))

    @property
    def false_per_article(self) -> float:
        """False alarms per article."""
        return self.false_alarms / self.articles if self.articles else 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    """One report scored: its figures, what missed, and each gold label with the answer's."""

    figures: Figures
    misses: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()  # (gold, answered) for claims with a label


def total(figures: Iterable[Figures]) -> Figures:
    """The sum of `figures`."""
    result = Figures()
    for item in figures:
        result = result + item
    return result


# ── reading the gold dialects ──────────────────────────────────────────────────────────────


def from_fixture(expected: Mapping[str, Any]) -> Gold:
    """A fixture's parsed expected.toml: `flags` must all be raised, `not_flags` are false
    alarms, `skipped` sentences are not claims, `[sources] kinds` must match exactly."""
    claims = tuple(
        GoldClaim(fragment=entry["contains"], verdicts=frozenset(entry.get("verdict", VERDICTS)),
                  flags_all=frozenset(entry.get("flags", ())), flags_none=frozenset(entry.get("not_flags", ())))
        for entry in expected.get("claim", [])
    )
    kinds = expected.get("sources", {}).get("kinds", {})
    sources = tuple(GoldSource(id=str(key), kinds=frozenset({kind})) for key, kind in kinds.items())
    return Gold(claims, sources, tuple(entry["contains"] for entry in expected.get("skipped", [])))


def from_case(gold: Mapping[str, Any]) -> Gold:
    """A case's gold.json (../shared/eval/articles/*/gold.json)."""
    claims = tuple(
        GoldClaim(fragment=entry["fragment"], verdicts=frozenset(entry["verdict"]),
                  flags_any=frozenset(entry.get("flags_any", ())), flags_none=frozenset(entry.get("flags_none", ())))
        for entry in gold["claims"]
    )
    sources = [_case_source(entry, id=str(key)) for key, entry in gold.get("sources", {}).items()]
    sources += [_case_source(entry, url_suffix=suffix) for suffix, entry in gold.get("sources_by_url_suffix", {}).items()]
    return Gold(claims, tuple(sources), tuple(gold.get("not_claims", ())))


def _case_source(entry: Mapping[str, Any], **where: str) -> GoldSource:
    kinds = frozenset(entry["kind"]) if "kind" in entry else None
    return GoldSource(kinds=kinds, status_not=frozenset(entry.get("status_not", ())), **where)


def from_label(fragment: str, label: str) -> GoldClaim:
    """A public claim by its dataset label: SUPPORT is a correct claim (supported, none of
    FALSE_ON_CORRECT); REFUTE a planted problem caught by `contradicted` or a CONTRADICTED
    flag; NEI a claim its evidence does not settle, right with any verdict but `supported`."""
    if label == SUPPORT:
        return GoldClaim(fragment, frozenset({"supported"}), flags_none=FALSE_ON_CORRECT, label=label)
    if label == REFUTE:
        return GoldClaim(fragment, frozenset(VERDICTS), flags_any=frozenset({"CONTRADICTED"}),
                         caught_by_verdicts=frozenset({"contradicted"}), label=label)
    if label == NEI:
        return GoldClaim(fragment, frozenset(VERDICTS) - {"supported"}, label=label)
    raise ValueError(f"unknown label {label!r}")


# ── scoring ────────────────────────────────────────────────────────────────────────────────


def answered_label(claim: Mapping[str, Any] | None) -> str:
    """A report claim read as a public label: REFUTE when contradicted (by verdict or flag),
    SUPPORT when supported, NEI otherwise; MISSING when the claim was not found."""
    if claim is None:
        return "MISSING"
    if claim.get("verdict") == "contradicted" or "CONTRADICTED" in _codes(claim):
        return REFUTE
    return SUPPORT if claim.get("verdict") == "supported" else NEI


def score(report: Mapping[str, Any], gold: Gold) -> Scored:
    """`report` (a parsed report.json) against `gold`."""
    claims = report.get("claims", [])
    counts: Counter[str] = Counter()
    misses: list[str] = []
    labels: list[tuple[str, str]] = []
    for expected in gold.claims:
        role = expected.role
        counts[f"{role}_total"] += 1
        found = _find(claims, expected.fragment)
        if expected.label:
            labels.append((expected.label, answered_label(found)))
        if found is None:
            misses.append(f"{role}: no claim with {expected.fragment!r}")
            continue
        why = _judge(found, expected)
        counts["false_alarms"] += len(_codes(found) & expected.flags_none)
        if why:
            misses.append(f"{role}: {expected.fragment!r}: " + ", ".join(why))
        else:
            counts[role] += 1
    for fragment in gold.not_claims:
        flagged = [claim for claim in claims if fragment.lower() in claim.get("text", "").lower() and claim.get("flags")]
        if flagged:
            counts["false_alarms"] += 1
            misses.append(f"not a claim, flagged: {fragment!r}")
    sources_right = 0
    for source in gold.sources:
        good, why = _judge_source(report.get("sources", []), source)
        sources_right += good
        if not good:
            misses.append(f"source {source.id or source.url_suffix}: {why}")
    figures = Figures(**counts, sources=sources_right, sources_total=len(gold.sources), articles=1)
    return Scored(figures, tuple(misses), tuple(labels))


def _codes(claim: Mapping[str, Any]) -> set[str]:
    return {flag.get("code") for flag in claim.get("flags", [])}


def _find(claims: Sequence[Mapping[str, Any]], fragment: str) -> Mapping[str, Any] | None:
    needle = fragment.lower()
    return next((claim for claim in claims if needle in claim.get("text", "").lower()), None)


def _judge(claim: Mapping[str, Any], expected: GoldClaim) -> list[str]:
    """Why the claim's answer falls short (empty when it is right)."""
    codes = _codes(claim)
    verdict = claim.get("verdict")
    why = []
    if verdict not in expected.caught_by_verdicts:
        if verdict not in expected.verdicts:
            why.append(f"verdict {verdict}")
        if expected.flags_all - codes:
            why.append(f"missing {sorted(expected.flags_all - codes)}")
        if expected.flags_any and not codes & expected.flags_any:
            why.append(f"none of {sorted(expected.flags_any)}")
    if codes & expected.flags_none:
        why.append(f"false {sorted(codes & expected.flags_none)}")
    return why


def _judge_source(sources: Sequence[Mapping[str, Any]], expected: GoldSource) -> tuple[bool, str]:
    if expected.id:
        found = next((source for source in sources if str(source.get("id")) == expected.id), None)
    else:
        found = next((source for source in sources if str(source.get("url", "")).endswith(expected.url_suffix)), None)
        if found is None:
            return False, "not found"
    kind = (found or {}).get("kind")
    status = (found or {}).get("status")
    if expected.kinds is not None and kind not in expected.kinds:
        return False, f"kind {kind}, expected {sorted(expected.kinds)}"
    if status in expected.status_not:
        return False, f"status {status}"
    return True, ""


# ── baselines ──────────────────────────────────────────────────────────────────────────────


def every_claim(report: Mapping[str, Any], verdict: str = "supported", flags: Sequence[str] = ()) -> dict[str, Any]:
    """A copy of `report` in which every claim gets `verdict` and exactly `flags`: with the
    defaults, the trivial baseline (all `supported`, no flag)."""
    baseline = copy.deepcopy(dict(report))
    for claim in baseline.get("claims", []):
        claim["verdict"] = verdict
        claim["flags"] = [{"code": code, "severity": "high", "message": "baseline"} for code in flags]
    return baseline


def every_source(report: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A copy of `report` in which every source has `kind` (the majority-kind baseline)."""
    baseline = copy.deepcopy(dict(report))
    for source in baseline.get("sources", []):
        source["kind"] = kind
    return baseline


def baseline_report(report: Mapping[str, Any], kind: str | None) -> dict[str, Any]:
    """The trivial baseline of `report`: every claim `supported` with no flag and, when `kind`
    is given, every source of that kind (the majority kind of the development gold)."""
    baseline = every_claim(report)
    return every_source(baseline, kind) if kind else baseline


def majority_kind(golds: Iterable[Gold]) -> str | None:
    """The kind most sources of `golds` may have (each acceptable kind counts once per source;
    ties go to the name first in alphabetical order, so the answer never depends on order)."""
    counts = Counter(kind for gold in golds for source in gold.sources for kind in source.kinds or ())
    if not counts:
        return None
    return min(counts, key=lambda kind: (-counts[kind], kind))


def majority_label(labels: Iterable[str]) -> str:
    """The most common label (ties: alphabetical first)."""
    counts = Counter(labels)
    return min(counts, key=lambda label: (-counts[label], label))


def label_answer(label: str) -> tuple[str, tuple[str, ...]]:
    """The verdict and flags a baseline gives every claim to answer `label`."""
    return {SUPPORT: ("supported", ()), REFUTE: ("contradicted", ("CONTRADICTED",)),
            NEI: ("unverifiable", ())}[label]
