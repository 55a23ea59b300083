"""What the desk shows for one run, built from the store: the queue of flagged claims (most
severe first, filtered), each flag with its decision and the source passage it rests on in
its context, and the article text with its claims marked.

Pure apart from reading the store it is handed; the web layer (`review.app`) renders these
records with the templates and never reaches into the store itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ..records import FLAG_CODES, SEVERITIES, SEVERITY_RANK, Source
from ..report.html_report import article_segments
from ..report.json_report import safe_href
from ..store import (
    STATUSES,
    ClaimRow,
    EvidenceRow,
    FlagRow,
    Review,
    RunRecord,
    SourceCheck,
    Store,
    folded,
)

# The decision filter: a status, or every flag still waiting for a decision.
UNDECIDED = ("open", "reopened")
DECISION_FILTERS = ("undecided", *STATUSES)
# A passage found again in the kept extraction at least this alike (rapidfuzz ratio) is shown
# in its context; the flag's own quotation is always shown.
_FOUND_MIN = 90.0


@dataclass(frozen=True, slots=True)
class Filters:
    """The queue's filters: the lowest severity shown, one flag code, one decision."""

    severity: str = ""
    code: str = ""
    decision: str = ""

    @classmethod
    def parse(cls, arguments: Mapping[str, str]) -> Filters:
        """Filters from query arguments; an unknown value is no filter."""
        severity = arguments.get("severity", "")
        code = arguments.get("code", "")
        decision = arguments.get("decision", "")
        return cls(
            severity=severity if severity in SEVERITY_RANK else "",
            code=code if code in FLAG_CODES else "",
            decision=decision if decision in DECISION_FILTERS else "",
        )

    def query(self) -> dict[str, str]:
        """The filters as query arguments (only those set)."""
        return {
            name: value
            for name, value in (("severity", self.severity), ("code", self.code), ("decision", self.decision))
            if value
        }

    def keeps(self, flag: FlagRow, review: Review, claim_status: str) -> bool:
        """Whether a flag (its claim's status `claim_status`) passes every filter."""
        if self.severity and SEVERITY_RANK.get(flag.severity, -1) < SEVERITY_RANK[self.severity]:
            return False
        if self.code and flag.code != self.code:
            return False
        if self.decision == "undecided":
            return review.status in UNDECIDED and claim_status != "fixed"
        if self.decision == "fixed":
            return claim_status == "fixed"
        return not self.decision or review.status == self.decision


@dataclass(frozen=True, slots=True)
class Context:
    """A source passage in its context: the passages before and after it on the page."""

    before: tuple[str, ...]
    passage: str
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceView:
    """A cited source as the desk links it: the live page (an http(s) link or nothing) and
    whether the run's archive holds a copy."""

    ref: str
    url: str
    title: str
    status: str
    live: str | None
    archived: bool


@dataclass(frozen=True, slots=True)
class FlagView:
    """One flag in the queue. `index` is its place in the run's flags (how forms name it);
    `passage` is what it rests on: its own quotation (`quoted`) or the claim's best evidence."""

    index: int
    flag: FlagRow
    review: Review
    passage: str = ""
    quoted: bool = False
    context: Context | None = None
    source: SourceView | None = None


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A flagged claim in the queue, its flags most severe first."""

    claim: ClaimRow
    review: Review
    flags: tuple[FlagView, ...]
    worst: str
    order: int

    @property
    def undecided(self) -> int:
        """How many of its flags still wait for a decision."""
        if self.review.status == "fixed":
            return 0
        return sum(1 for item in self.flags if item.review.status in UNDECIDED)


@dataclass(frozen=True, slots=True)
class RunView:
    """Everything the run page shows."""

    run: RunRecord
    queue: tuple[ClaimView, ...]
    segments: tuple[tuple[str, ClaimView | None, ClaimRow | None], ...] | None
    filters: Filters
    codes: tuple[str, ...]
    counts: Mapping[str, int]
    flags_total: int
    sources: Mapping[str, SourceView] = field(default_factory=dict)


def run_view(store: Store, run_id: int, filters: Filters, context_passages: int) -> RunView:
    """The run page of run `run_id` (StoreError when there is none)."""
    run = store.run(run_id)
    flag_reviews, claim_reviews = store.reviews(run)
    report = store.run_report(run_id)
    document = report[0] if report else None
    sources = _sources(run, document)
    extractions = _Extractions(store, {check.ref: check for check in run.sources})
    claims = {claim.claim: claim for claim in run.claims}
    order = {claim.claim: position for position, claim in enumerate(run.claims)}
    if document is not None:
        order = {claim["id"]: (claim["start"], position) for position, claim in enumerate(document["claims"])}
    best_evidence = _best_evidence(run.evidence)
    grouped: dict[str, list[FlagView]] = {}
    counts = dict.fromkeys(STATUSES, 0)
    for index, (flag, review) in enumerate(zip(run.flags, flag_reviews, strict=True)):
        claim_status = claim_reviews[flag.claim].status if flag.claim in claim_reviews else "open"
        counts[review.status] += 1
        if not filters.keeps(flag, review, claim_status):
            continue
        grouped.setdefault(flag.claim, []).append(
            _flag_view(index, flag, review, best_evidence, sources, extractions, context_passages)
        )
    queue = []
    for claim_id, items in grouped.items():
        items.sort(key=lambda item: (-SEVERITY_RANK.get(item.flag.severity, -1), item.index))
        claim = claims.get(claim_id) or ClaimRow(claim_id, "", "", (), "unverifiable", 0.0)
        queue.append(
            ClaimView(
                claim,
                claim_reviews.get(claim_id, Review("")),
                tuple(items),
                items[0].flag.severity,
                order.get(claim_id, len(order)),
            )
        )
    queue.sort(
        key=lambda view: (
            -SEVERITY_RANK.get(view.worst, -1),
            -sum(1 for item in view.flags if item.flag.severity == view.worst),
            view.order,
        )
    )
    counts["fixed"] = sum(1 for review in claim_reviews.values() if review.status == "fixed")
    return RunView(
        run=run,
        queue=tuple(queue),
        segments=_segments(report, {view.claim.claim: view for view in queue}, claims),
        filters=filters,
        codes=tuple(code for code in FLAG_CODES if any(flag.code == code for flag in run.flags)),
        counts=counts,
        flags_total=len(run.flags),
        sources=sources,
    )


def claim_card(store: Store, run_id: int, claim_id: str, context_passages: int) -> ClaimView | None:
    """One claim's card, unfiltered (what a decision re-renders), or None if it has no flag."""
    view = run_view(store, run_id, Filters(), context_passages)
    return next((item for item in view.queue if item.claim.claim == claim_id), None)


def _flag_view(
    index: int,
    flag: FlagRow,
    review: Review,
    best_evidence: Mapping[str, Sequence[EvidenceRow]],
    sources: Mapping[str, SourceView],
    extractions: _Extractions,
    context_passages: int,
) -> FlagView:
    passage, ref, quoted = flag.evidence, flag.ref, bool(flag.evidence)
    if not passage:
        # A flag quoting nothing (UNSUPPORTED ...): show the claim's best passage from its source.
        rows = [row for row in best_evidence.get(flag.claim, ()) if not flag.ref or row.ref == flag.ref]
        if rows:
            passage, ref = rows[0].passage, rows[0].ref
    context = extractions.context(ref, passage, context_passages) if passage and ref else None
    return FlagView(index, flag, review, passage, quoted, context, sources.get(ref))


def _best_evidence(evidence: Sequence[EvidenceRow]) -> dict[str, list[EvidenceRow]]:
    by_claim: dict[str, list[EvidenceRow]] = {}
    for row in evidence:
        if row.passage:
            by_claim.setdefault(row.claim, []).append(row)
    for rows in by_claim.values():
        rows.sort(key=lambda row: -row.score)
    return by_claim


def _sources(run: RunRecord, document: Mapping[str, Any] | None) -> dict[str, SourceView]:
    described = {source["id"]: source for source in (document or {}).get("sources", [])}
    views = {}
    for check in run.sources:
        about = described.get(check.ref, {})
        address = check.final_url or check.url
        views[check.ref] = SourceView(
            ref=check.ref,
            url=address,
            title=str(about.get("title") or address),
            status=check.status,
            live=safe_href(address),
            archived=check.snapshot is not None,
        )
    return views


class _Extractions:
    """The kept extraction of each source of the run, read once per page."""

    def __init__(self, store: Store, checks: Mapping[str, SourceCheck]) -> None:
        self._store, self._checks = store, checks
        self._read: dict[str, Source | None] = {}

    def context(self, ref: str, passage: str, around: int) -> Context | None:
        """`passage` with `around` passages either side, from the page as the run read it;
        None when the page's extraction was not kept or the passage is not in it."""
        source = self._source(ref)
        if source is None or not source.passages:
            return None
        texts = [candidate.text for candidate in source.passages]
        wanted = folded(passage)
        position = next((number for number, text in enumerate(texts) if folded(text) == wanted), None)
        if position is None:
            best = process.extractOne(wanted, texts, scorer=fuzz.ratio, processor=folded)
            if best is None or best[1] < _FOUND_MIN:
                return None
            position = int(best[2])
        return Context(
            before=tuple(texts[max(0, position - around) : position]),
            passage=texts[position],
            after=tuple(texts[position + 1 : position + 1 + around]),
        )

    def _source(self, ref: str) -> Source | None:
        if ref not in self._read:
            check = self._checks.get(ref)
            snapshot = check.snapshot if check is not None else None
            self._read[ref] = self._store.any_extraction(snapshot.id) if snapshot and snapshot.id else None
        return self._read[ref]


def _segments(
    report: tuple[dict[str, Any], str] | None, queued: Mapping[str, ClaimView], claims: Mapping[str, ClaimRow]
) -> tuple[tuple[str, ClaimView | None, ClaimRow | None], ...] | None:
    """The article text cut into (piece, queued claim or None, claim or None); None for a run
    recorded before the store kept its text."""
    if report is None:
        return None
    document, text = report
    return tuple(
        (piece, queued.get(claim["id"]) if claim else None, claims.get(claim["id"]) if claim else None)
        for piece, claim in article_segments(text, document["claims"])
    )


def severities() -> tuple[str, ...]:
    """The severities, most severe first (for the filter)."""
    return SEVERITIES
