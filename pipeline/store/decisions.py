"""Editors' decisions on flags and claims, as records, and the rules that tie a decision to a
flag across runs. Pure: the SQL is in `store.deciding`.

A decision is one row of history, never changed or deleted: who (`reviewer`), when
(`decided_at`), what (`action`) and why (`reason`). Actions on a flag: confirm (it needs a
fix), dismiss (a reason is required), note (a comment, no change of status), open (take a
decision back). On a claim: fixed (fixed in the draft), open, note. `reopen` is written by
claimcheck itself when a decided flag came back changed (see `plan_carry_over`).

A flag's status is the last status-setting action on its fingerprint: open, confirmed,
dismissed, reopened; a claim's: open, fixed, reopened.

**Which flag a decision belongs to: its fingerprint** (`flag_fingerprints`), a hash of

    1. the claim's text (typographic quotes, dashes and runs of white space folded; any
       change of a word, number or punctuation mark counts)
    2. the flag code
    3. the source the flag names (its reference id)
    4. what the flag rests on: the passage it quotes (folded the same way); or, for a flag
       quoting none (UNSUPPORTED, UNCITED, SOURCE_UNAVAILABLE ...), the extracted-text hash
       of each source it concerns (its own, else the claim's citations; "unread" for one that
       could not be read)
    5. its place among flags alike in 1-4 in the same run (0 for the first)

Never row ids or claim ids: a claim renumbered by an edit above it keeps its decisions, and a
re-check whose flag rests on the same words finds the same fingerprint. So a decision
carries over, untouched, to every later run where its fingerprint appears again.

**Reopening.** When a run is recorded, each flag of the run before it with a standing
confirm or dismiss whose fingerprint is gone is looked for in the new run: a flag with the
same code and source, not decided yet, whose claim's words are the same or at least
`recheck.decision_claim_similar_min` similar. That flag gets a `reopen` decision saying what
changed (the claim's text, the passage, the source) and what had been decided. Claims marked
fixed in the draft are carried the same way by the claim's text.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..language.text import normalize, words
from .rows import ClaimRow, FlagRow, RunRecord, SourceCheck

FLAG_ACTIONS = ("confirm", "dismiss", "note", "open")
CLAIM_ACTIONS = ("fixed", "note", "open")
# What each status-setting action leaves the flag or claim as; a note sets none.
STATUS_AFTER = {"confirm": "confirmed", "dismiss": "dismissed", "open": "open", "fixed": "fixed", "reopen": "reopened"}
# Statuses a later change reopens: a standing judgement that rested on the old words (or one
# reopened already and not looked at since, which changed again).
REOPENABLE = frozenset({"confirmed", "dismissed", "fixed", "reopened"})
STATUSES = ("open", "reopened", "confirmed", "dismissed", "fixed")
SYSTEM_REVIEWER = "claimcheck"
_PAST = {"confirmed": "confirmed", "dismissed": "dismissed", "fixed": "marked fixed in the draft"}


@dataclass(frozen=True, slots=True)
class Decision:
    """One recorded decision (a row of history). `claim`, `code`, `ref`, `claim_text` and
    `evidence` say what the reviewer was looking at, in the run `run_id`; `previous` is the
    fingerprint a `reopen` was carried from."""

    id: int
    article_id: int
    run_id: int
    target: str  # "flag" | "claim"
    fingerprint: str
    action: str
    reason: str
    reviewer: str
    decided_at: str
    claim: str
    code: str = ""
    ref: str = ""
    claim_text: str = ""
    evidence: str = ""
    previous: str = ""


@dataclass(frozen=True, slots=True)
class Review:
    """Where one flag (or claim) of one run stands: its status and the history behind it,
    oldest first, the decisions of the flag it was reopened from included."""

    fingerprint: str
    status: str = "open"
    history: tuple[Decision, ...] = ()

    @property
    def latest(self) -> Decision | None:
        """The decision that set the status (None while nothing was decided)."""
        setting = [decision for decision in self.history if decision.action in STATUS_AFTER]
        return setting[-1] if setting else None

    @property
    def last_id(self) -> int:
        """The id of the newest decision in the history (0 for none): what a reviewer saw."""
        return max((decision.id for decision in self.history), default=0)


# ── fingerprints ──────────────────────────────────────────────────────────────────────────


def folded(text: str) -> str:
    """Text as a decision compares it: typographic variants and white space folded."""
    return " ".join(normalize(text).split())


def claim_fingerprint(text: str) -> str:
    """The fingerprint of a claim (for "fixed in draft"): its folded text."""
    return _hash("claim", folded(text))


def flag_fingerprints(run: RunRecord) -> tuple[str, ...]:
    """The fingerprint of each of `run.flags`, in order (see the module docstring)."""
    claims = {claim.claim: claim for claim in run.claims}
    sources = {check.ref: check for check in run.sources}
    seen: Counter[str] = Counter()
    fingerprints = []
    for flag in run.flags:
        basis = _flag_basis(flag, claims.get(flag.claim), sources)
        fingerprints.append(_hash(basis, str(seen[basis])))
        seen[basis] += 1
    return tuple(fingerprints)


def _flag_basis(flag: FlagRow, claim: ClaimRow | None, sources: Mapping[str, SourceCheck]) -> str:
    return "\x1f".join(
        ("flag", folded(claim.text if claim else ""), flag.code, flag.ref, _rests_on(flag, claim, sources))
    )


def _rests_on(flag: FlagRow, claim: ClaimRow | None, sources: Mapping[str, SourceCheck]) -> str:
    if flag.evidence:
        return "passage:" + folded(flag.evidence)
    refs = [flag.ref] if flag.ref else list(claim.citations if claim else ())
    return "sources:" + ",".join(f"{ref}={_source_state(sources.get(ref))}" for ref in dict.fromkeys(refs))


def _source_state(check: SourceCheck | None) -> str:
    if check is None or check.status != "ok" or check.snapshot is None:
        return "unread"
    return check.snapshot.text_sha256


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:32]


# ── status ────────────────────────────────────────────────────────────────────────────────


def by_fingerprint(decisions: Iterable[Decision]) -> dict[str, list[Decision]]:
    """Decisions grouped by fingerprint, oldest first."""
    grouped: dict[str, list[Decision]] = {}
    for decision in sorted(decisions, key=lambda decision: decision.id):
        grouped.setdefault(decision.fingerprint, []).append(decision)
    return grouped


def review_of(fingerprint: str, grouped: Mapping[str, Sequence[Decision]]) -> Review:
    """Where `fingerprint` stands, given every decision of its article."""
    own = tuple(grouped.get(fingerprint, ()))
    status = "open"
    for decision in own:
        status = STATUS_AFTER.get(decision.action, status)
    earlier: list[Decision] = []
    seen = {fingerprint}
    previous = own[0].previous if own and own[0].action == "reopen" else ""
    while previous and previous not in seen:  # the chain of flags this one was reopened from
        seen.add(previous)
        chain = list(grouped.get(previous, ()))
        earlier = chain + earlier
        previous = chain[0].previous if chain and chain[0].action == "reopen" else ""
    return Review(fingerprint=fingerprint, status=status, history=tuple(earlier) + own)


def run_reviews(run: RunRecord, decisions: Iterable[Decision]) -> tuple[tuple[Review, ...], dict[str, Review]]:
    """Where each flag of `run` stands (in `run.flags` order), and each claim (by claim id)."""
    grouped = by_fingerprint(decisions)
    flags = tuple(review_of(fingerprint, grouped) for fingerprint in flag_fingerprints(run))
    claims = {claim.claim: review_of(claim_fingerprint(claim.text), grouped) for claim in run.claims}
    return flags, claims


# ── carrying decisions over to a new run ──────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Reopening:
    """A decision to reopen: the new run's flag (or claim) and why."""

    target: str
    fingerprint: str
    previous: str
    claim: str
    code: str
    ref: str
    claim_text: str
    evidence: str
    reason: str


def plan_carry_over(
    previous: RunRecord | None, current: RunRecord, decisions: Iterable[Decision], similar_min: float
) -> tuple[Reopening, ...]:
    """The reopenings recording `current` calls for (see the module docstring)."""
    if previous is None:
        return ()
    grouped = by_fingerprint(decisions)
    reopenings = list(_carry_flags(previous, current, grouped, similar_min))
    reopenings += _carry_claims(previous, current, grouped, similar_min)
    return tuple(reopenings)


def _carry_flags(
    previous: RunRecord, current: RunRecord, grouped: Mapping[str, Sequence[Decision]], similar_min: float
) -> list[Reopening]:
    old_texts = {claim.claim: claim.text for claim in previous.claims}
    new_texts = {claim.claim: claim.text for claim in current.claims}
    new_prints = flag_fingerprints(current)
    present = set(new_prints)
    undecided = [(flag, fp) for flag, fp in zip(current.flags, new_prints, strict=True) if fp not in grouped]
    taken: set[int] = set()
    reopenings = []
    for flag, fingerprint in zip(previous.flags, flag_fingerprints(previous), strict=True):
        review = review_of(fingerprint, grouped)
        if fingerprint in present or review.status not in REOPENABLE:
            continue
        old_text = old_texts.get(flag.claim, "")
        candidates = [
            (_similarity(old_text, new_texts.get(new.claim, "")), new.claim == flag.claim, -index, index)
            for index, (new, _) in enumerate(undecided)
            if index not in taken and new.code == flag.code and new.ref == flag.ref
        ]
        candidates = [candidate for candidate in candidates if candidate[0] >= similar_min]
        if not candidates:
            continue
        index = max(candidates)[3]
        taken.add(index)
        new, new_print = undecided[index]
        new_text = new_texts.get(new.claim, "")
        changed = []
        if folded(old_text) != folded(new_text):
            changed.append("the claim's text changed")
        if folded(flag.evidence) != folded(new.evidence):
            changed.append(
                "the passage it rests on changed" if flag.evidence and new.evidence else "what it rests on changed"
            )
        elif not flag.evidence:
            changed.append(f"the source it rests on changed{f' ([{flag.ref}])' if flag.ref else ''}")
        reopenings.append(
            Reopening(
                target="flag",
                fingerprint=new_print,
                previous=fingerprint,
                claim=new.claim,
                code=new.code,
                ref=new.ref,
                claim_text=new_text,
                evidence=new.evidence,
                reason=_why(changed, review),
            )
        )
    return reopenings


def _carry_claims(
    previous: RunRecord, current: RunRecord, grouped: Mapping[str, Sequence[Decision]], similar_min: float
) -> list[Reopening]:
    present = {claim_fingerprint(claim.text) for claim in current.claims}
    undecided = [claim for claim in current.claims if claim_fingerprint(claim.text) not in grouped]
    taken: set[str] = set()
    reopenings = []
    for claim in previous.claims:
        fingerprint = claim_fingerprint(claim.text)
        review = review_of(fingerprint, grouped)
        if fingerprint in present or review.status not in REOPENABLE:
            continue
        scored = [
            (_similarity(claim.text, new.text), new.claim == claim.claim, new.claim)
            for new in undecided
            if new.claim not in taken
        ]
        scored = [entry for entry in scored if entry[0] >= similar_min]
        if not scored:
            continue
        chosen = max(scored)[2]
        taken.add(chosen)
        new = next(new for new in undecided if new.claim == chosen)
        reopenings.append(
            Reopening(
                target="claim",
                fingerprint=claim_fingerprint(new.text),
                previous=fingerprint,
                claim=new.claim,
                code="",
                ref="",
                claim_text=new.text,
                evidence="",
                reason=_why(["the claim's text changed"], review),
            )
        )
    return reopenings


def _similarity(old: str, new: str) -> float:
    """How alike two claims' words are (0-100): 100 when the same words."""
    old_words, new_words = " ".join(words(old)), " ".join(words(new))
    return 100.0 if old_words == new_words else float(fuzz.ratio(old_words, new_words))


def _why(changed: Sequence[str], review: Review) -> str:
    """ "Reopened: the passage it rests on changed since ana dismissed it on 2024-05-01 (...)"."""
    what = " and ".join(changed) or "it changed"
    judged = [d for d in review.history if d.action in STATUS_AFTER and d.action not in ("reopen", "open")]
    if not judged:
        return f"Reopened: {what}."
    last = judged[-1]
    because = f" ({last.reason})" if last.reason else ""
    past = _PAST[STATUS_AFTER[last.action]]
    again = " (and again since it was last reopened)" if review.status == "reopened" else ""
    return f"Reopened: {what}{again} since {last.reviewer} {past} it on {last.decided_at[:10]}{because}."
