"""What a re-check found, and the pure functions that find it: steps 5 and 7 of
`pipeline.recheck.rechecker`.

    step 5  `changed_evidence`: SOURCE_CHANGED on each claim whose evidence passage from the
            last run is gone from, or reworded in, a page whose text changed (with a word
            diff, `word_diff`)
    step 7  `compare_runs`: verdict changes, new and resolved flags, claims added and removed,
            sources changed, unavailable (failing or dead), recovered or redirected

Split from recheck.py so the comparison — records in, records out, no I/O — can be read and
tested apart from the fetching and the worker processes; `claimcheck history` uses it alone.
Claims are matched across runs by their words (`claim_key`), not their ids: an edit above a
claim renumbers it without making it another claim.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from ..config import Settings
from ..language.text import normalize, words
from ..records import SEVERITY_RANK, Flag, Report, Source
from ..store import ClaimRow, EvidenceRow, FlagRow, RunRecord, text_sha256

# Verdicts that rest on the evidence found; an unsupported claim's passages carried nothing.
_RESTING_VERDICTS = frozenset({"supported", "partially_supported", "contradicted"})


# ── records ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PassageChange:
    """A passage a claim rested on, then and now. `after` is "" when it is gone; `diff` is
    a word diff, ("=" | "-" | "+", words) segments, long unchanged runs cut to "…"."""

    claim: str
    ref: str
    before: str
    after: str
    similarity: float
    diff: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class SourceChange:
    """Something that happened to one source since the last run.

    `change`: "changed" (its text differs), "unavailable" (cannot be read now; `state` says
    failing or dead, `newly` whether it could be read last time), "recovered" or
    "redirected" (`before`/`after` are final URLs; for "changed", text hashes).
    """

    ref: str
    url: str
    change: str
    status: str = "ok"
    state: str = "ok"
    previous_state: str = ""
    http_status: int | None = None
    reason: str = ""
    failures: int = 0
    failing_since: str = ""
    before: str = ""
    after: str = ""
    newly: bool = False
    passages: tuple[PassageChange, ...] = ()


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """A claim whose verdict moved (`claim` is its id in the new run)."""

    claim: str
    text: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class FlagDecision:
    """A flag of the new run and the editor's decision on it: standing (carried over from an
    earlier run because the flag is unchanged) or just reopened by this re-check."""

    flag: FlagRow
    status: str
    reviewer: str = ""
    decided_at: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ArticleRecheck:
    """What one re-check of one article found. `error` is set (and the rest empty) when the
    article itself could not be read again."""

    location: str
    title: str = ""
    checked_at: str = ""
    run_id: int = 0
    previous_run_id: int = 0
    previous_checked_at: str = ""
    error: str = ""
    verdict_changes: tuple[VerdictChange, ...] = ()
    new_flags: tuple[FlagRow, ...] = ()
    resolved_flags: tuple[FlagRow, ...] = ()
    sources: tuple[SourceChange, ...] = ()
    new_claims: tuple[ClaimRow, ...] = ()
    removed_claims: tuple[ClaimRow, ...] = ()
    claim_texts: Mapping[str, str] = dataclasses.field(default_factory=dict)
    not_modified: int = 0
    article_changed: bool = False
    settings_changed: bool = False
    # Editors' decisions (claimcheck review): flags this re-check reopened because their claim
    # or evidence changed, and the flags of the new run whose decision stands.
    reopened: tuple[FlagDecision, ...] = ()
    decided: tuple[FlagDecision, ...] = ()

    @property
    def alerts(self) -> tuple[FlagRow, ...]:
        """What a scheduler is alerted to: the new flags no editor has dismissed, and the flags
        whose decision this re-check reopened."""
        dismissed = {item.flag for item in self.decided if item.status == "dismissed"}
        fresh = [flag for flag in self.new_flags if flag not in dismissed]
        return tuple(dict.fromkeys([*fresh, *(item.flag for item in self.reopened)]))


@dataclass(frozen=True, slots=True)
class RecheckOutcome:
    """Every article re-checked in one `claimcheck recheck`."""

    checked_at: str
    articles: tuple[ArticleRecheck, ...]

    def reaches(self, severity: str) -> bool:
        """Whether an alert (a new flag not dismissed, or a reopened one: `ArticleRecheck.alerts`)
        is at or above `severity`, or an article could not be read."""
        floor = SEVERITY_RANK[severity]
        return any(
            article.error or any(SEVERITY_RANK[flag.severity] >= floor for flag in article.alerts)
            for article in self.articles
        )



# ── step 5: evidence that changed ─────────────────────────────────────────────────────────


def claim_key(text: str) -> str:
    """What identifies a claim across runs: its words, lower-cased, punctuation ignored."""
    return " ".join(words(text))


def _claim_keys(claims: Iterable[ClaimRow]) -> dict[str, str]:
    """{claim id: claim_key} of one run's recorded claims."""
    return {claim.claim: claim_key(claim.text) for claim in claims}


def changed_evidence(
    previous: RunRecord | None, report: Report, settings: Settings
) -> tuple[tuple[Flag, ...], dict[str, tuple[PassageChange, ...]]]:
    """SOURCE_CHANGED flags, and the passage changes behind them by reference id, for the
    sources whose text differs from the last run's snapshot of them.

    A claim rested on a source's passages that carried its evidence last time (supporting or
    contradicting, or scoring at least `match.partial_min`); each is looked for in the new
    text: still there (ratio ≥ `passage_kept_min`), reworded (≥ `passage_similar_min`, shown
    as a diff) or gone.
    """
    if previous is None:
        return (), {}
    before = {check.ref: check for check in previous.sources}
    verdicts = {claim.claim: claim.verdict for claim in previous.claims}
    current_ids = {claim_key(claim.text): claim.id for claim in report.article.claims}
    previous_keys = _claim_keys(previous.claims)
    checked_on = previous.checked_at[:10]
    flags: list[Flag] = []
    changes: dict[str, tuple[PassageChange, ...]] = {}
    for source in report.sources:
        old = before.get(source.id)
        if not (source.status == "ok" and old is not None and old.status == "ok" and old.snapshot is not None):
            continue
        if old.url != source.url or old.snapshot.text_sha256 == text_sha256(source.text):
            continue
        found: list[PassageChange] = []
        for claim, passages in _resting_passages(previous.evidence, source.id, verdicts, settings).items():
            claim_now = current_ids.get(previous_keys.get(claim, ""))
            if claim_now is None:
                continue  # the claim left the article
            for passage in passages:
                change = _find_again(passage, source, settings)
                if change is not None:
                    found.append(dataclasses.replace(change, claim=claim_now, ref=source.id))
        changes[source.id] = tuple(found)
        for claim_now in dict.fromkeys(change.claim for change in found):
            worst = min((change for change in found if change.claim == claim_now), key=lambda change: change.similarity)
            what = "is no longer on the page" if not worst.after else "now reads differently (see the diff)"
            flags.append(
                Flag(
                    claim_id=claim_now,
                    code="SOURCE_CHANGED",
                    severity=settings.recheck.changed_severity,  # type: ignore[arg-type]
                    message=f"Source [{source.id}] has changed since the check of {checked_on}: the passage this "
                    f"claim rested on {what}. Re-read the source before relying on the claim.",
                    source_id=source.id,
                    evidence=worst.before,
                )
            )
    return tuple(flags), changes


def _resting_passages(
    evidence: Sequence[EvidenceRow], ref: str, verdicts: Mapping[str, str], settings: Settings
) -> dict[str, list[str]]:
    """{claim id: texts of the passages of `ref` that carried the claim's evidence}."""
    by_claim: dict[str, list[EvidenceRow]] = {}
    for row in evidence:
        if row.ref == ref and verdicts.get(row.claim) in _RESTING_VERDICTS and row.passage:
            by_claim.setdefault(row.claim, []).append(row)
    resting = {}
    for claim, rows in by_claim.items():
        rows.sort(key=lambda row: -row.score)  # best first: the flag quotes the best of equals
        carrying = [row for row in rows if row.relation != "related" or row.score >= settings.match.partial_min]
        chosen = carrying or rows[:1]
        resting[claim] = list(dict.fromkeys(row.passage for row in chosen))
    return resting


def _find_again(passage: str, source: Source, settings: Settings) -> PassageChange | None:
    """None when `passage` still stands in `source`; else how it changed."""
    if _folded(passage) in _folded(source.text):
        return None
    candidates = [candidate.text for candidate in source.passages]
    best = process.extractOne(passage, candidates, scorer=fuzz.ratio, processor=_folded) if candidates else None
    similarity = float(best[1]) if best else 0.0
    if similarity >= settings.recheck.passage_kept_min:
        return None
    after = str(best[0]) if best and similarity >= settings.recheck.passage_similar_min else ""
    context = settings.recheck.diff_context_words
    diff = word_diff(passage, after, context) if after else (("-", passage),)
    return PassageChange(claim="", ref="", before=passage, after=after, similarity=round(similarity, 1), diff=diff)


def _folded(text: str) -> str:
    return " ".join(normalize(text).split()).casefold()


def word_diff(before: str, after: str, context: int) -> tuple[tuple[str, str], ...]:
    """A word diff of two passages: ("=", words) kept, ("-", words) removed, ("+", words)
    added; unchanged runs longer than the context around a change are cut to "…"."""
    old, new = before.split(), after.split()
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    segments: list[tuple[str, str]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            kept = old[i1:i2]
            first, last = index == 0, index == len(opcodes) - 1
            if first and len(kept) > context:
                kept = ["…", *kept[len(kept) - context :]]
            elif last and len(kept) > context:
                kept = [*kept[:context], "…"]
            elif not first and not last and len(kept) > 2 * context + 1:
                kept = [*kept[:context], "…", *kept[len(kept) - context :]]
            segments.append(("=", " ".join(kept)))
            continue
        if i2 > i1:
            segments.append(("-", " ".join(old[i1:i2])))
        if j2 > j1:
            segments.append(("+", " ".join(new[j1:j2])))
    return tuple(segments)


# ── step 7: the comparison ────────────────────────────────────────────────────────────────


def compare_runs(
    previous: RunRecord | None,
    current: RunRecord,
    passages: Mapping[str, tuple[PassageChange, ...]] | None = None,
) -> ArticleRecheck:
    """What changed from `previous` to `current` (both as recorded); `passages` are the
    passage changes `changed_evidence` found, by reference id. With no previous run, only
    what is wrong now is listed (unavailable sources)."""
    passages = passages or {}
    texts = {claim.claim: claim.text for claim in current.claims}
    base = ArticleRecheck(
        location=current.location,
        title=current.title,
        checked_at=current.checked_at,
        run_id=current.id,
        claim_texts=texts,
        not_modified=sum(1 for check in current.sources if check.not_modified),
    )
    if previous is None:
        return dataclasses.replace(base, sources=_source_changes(None, current, passages))
    old_keys, new_keys = _claim_keys(previous.claims), _claim_keys(current.claims)
    old_by_key = {old_keys[claim.claim]: claim for claim in previous.claims}
    new_by_key = {new_keys[claim.claim]: claim for claim in current.claims}
    verdicts = tuple(
        VerdictChange(claim=claim.claim, text=claim.text, before=old_by_key[key].verdict, after=claim.verdict)
        for key, claim in new_by_key.items()
        if key in old_by_key and old_by_key[key].verdict != claim.verdict
    )
    old_flags = {_flag_key(flag, old_keys): flag for flag in previous.flags}
    new_flags = {_flag_key(flag, new_keys): flag for flag in current.flags}
    return dataclasses.replace(
        base,
        previous_run_id=previous.id,
        previous_checked_at=previous.checked_at,
        verdict_changes=verdicts,
        new_flags=tuple(flag for key, flag in new_flags.items() if key not in old_flags),
        # A flag whose claim left the article is not "resolved"; the claim is listed as removed.
        resolved_flags=tuple(flag for key, flag in old_flags.items() if key not in new_flags and key[0] in new_by_key),
        sources=_source_changes(previous, current, passages),
        new_claims=tuple(claim for key, claim in new_by_key.items() if key not in old_by_key),
        removed_claims=tuple(claim for key, claim in old_by_key.items() if key not in new_by_key),
        article_changed=previous.article_sha256 != current.article_sha256,
        settings_changed=previous.settings_hash != current.settings_hash,
    )


def _flag_key(flag: FlagRow, keys: Mapping[str, str]) -> tuple[str, str, str]:
    return keys.get(flag.claim, flag.claim), flag.code, flag.ref


def _source_changes(
    previous: RunRecord | None, current: RunRecord, passages: Mapping[str, tuple[PassageChange, ...]]
) -> tuple[SourceChange, ...]:
    before = {check.ref: check for check in previous.sources} if previous else {}
    changes = []
    for check in current.sources:
        old = before.get(check.ref)
        if old is not None and old.url != check.url:
            old = None  # the reference now points elsewhere: nothing to compare
        common = {
            "ref": check.ref,
            "url": check.url,
            "status": check.status,
            "state": check.state,
            "http_status": check.http_status,
            "reason": check.reason,
        }
        if check.status != "ok":
            changes.append(
                SourceChange(
                    change="unavailable",
                    previous_state=old.state if old else "",
                    failures=check.failures,
                    failing_since=check.failing_since,
                    newly=old is not None and old.status == "ok",
                    **common,
                )
            )
            continue
        if old is None:
            continue
        if old.status != "ok":
            changes.append(SourceChange(change="recovered", previous_state=old.state, **common))
            continue
        if old.final_url and check.final_url and old.final_url != check.final_url:
            changes.append(SourceChange(change="redirected", before=old.final_url, after=check.final_url, **common))
        old_text = old.snapshot.text_sha256 if old.snapshot else ""
        new_text = check.snapshot.text_sha256 if check.snapshot else ""
        if old_text and new_text and old_text != new_text:
            changes.append(
                SourceChange(
                    change="changed", before=old_text, after=new_text, passages=passages.get(check.ref, ()), **common
                )
            )
    return tuple(changes)

