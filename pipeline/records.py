"""The records that flow between stages.

Every record is a frozen, slotted dataclass. Records refer to each other by id, never by
text: a claim cites reference ids, evidence names a claim id and a passage id, a flag names
the claim, source and passage it rests on. Sequences are tuples so a record stays hashable
and cannot be changed behind a later stage's back.

    ingest  ─▶ Article{Claim, Reference, SkippedSentence}
    fetch   ─▶ Snapshot | FetchFailure
    extract ─▶ Source{Passage}
    match   ─▶ Evidence, Judgement
    assess  ─▶ Flag
    runner  ─▶ Report (everything above, for the writers)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The outside contract's vocabularies (../shared/design/CONTRACT.md). Kept here, once.
Verdict = Literal["supported", "partially_supported", "contradicted", "unsupported", "unverifiable"]
SourceStatus = Literal[
    "ok",
    "http_error",
    "unreachable",
    "timeout",
    "blocked",
    "too_large",
    "unsupported_type",
    "robots_disallowed",
]
SourceKind = Literal[
    "peer_reviewed",
    "government",
    "professional_body",
    "nonprofit",
    "health_media",
    "clinic",
    "commercial",
    "blog",
    "unknown",
]
Relation = Literal["supports", "contradicts", "related"]
Severity = Literal["high", "medium", "low", "info"]

VERDICTS: tuple[Verdict, ...] = (
    "supported",
    "partially_supported",
    "contradicted",
    "unsupported",
    "unverifiable",
)
SOURCE_STATUSES: tuple[SourceStatus, ...] = (
    "ok",
    "http_error",
    "unreachable",
    "timeout",
    "blocked",
    "too_large",
    "unsupported_type",
    "robots_disallowed",
)
SOURCE_KINDS: tuple[SourceKind, ...] = (
    "peer_reviewed",
    "government",
    "professional_body",
    "nonprofit",
    "health_media",
    "clinic",
    "commercial",
    "blog",
    "unknown",
)
RELATIONS: tuple[Relation, ...] = ("supports", "contradicts", "related")
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
# Ordered from most to least severe; `--fail-on` compares by this order.
SEVERITY_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1, "info": 0}

FLAG_CODES: tuple[str, ...] = (
    "UNSUPPORTED",
    "PARTIAL_SUPPORT",
    "CONTRADICTED",
    "NUMBER_MISMATCH",
    "MISQUOTE",
    "MISATTRIBUTION",
    "CAUSAL_OVERSTATEMENT",
    "CERTAINTY_OVERSTATEMENT",
    "GENERALIZATION",
    "SUPERIORITY_CLAIM",
    "COMMERCIAL_ONLY",
    "UNCITED",
    "SOURCE_UNAVAILABLE",
    "SOURCE_CHANGED",
    "ABSENCE_CLAIM",
)


# ── ingest ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of the article's reference list (or one inline link).

    `id` is the citation number as written ("1"), or "L1", "L2"... for inline links that
    carry no number.
    """

    id: str
    url: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    """A check-worthy sentence of the article.

    `start`/`end` are character offsets into `Article.text`; `text` is that span with the
    citation markers removed. `citations` are reference ids in the order written.

    `inherited` are ids the sentence does not write but takes from the claim it goes on
    about (`inherited_from`, a claim id): "In that trial, ..." after a sentence citing the
    trial (ingest.carryover). The claim is checked against `checked_citations`, both together.
    """

    id: str
    text: str
    section: str
    start: int
    end: int
    citations: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()
    inherited_from: str = ""

    @property
    def checked_citations(self) -> tuple[str, ...]:
        """The ids the claim is checked against: its own, then the inherited ones."""
        return tuple(dict.fromkeys(self.citations + self.inherited))


@dataclass(frozen=True, slots=True)
class SkippedSentence:
    """A sentence ingest decided is not a claim, kept so the report can say what was skipped.

    `reason`: "heading" | "question" | "advice" | "meta" | "not_check_worthy".
    """

    text: str
    section: str
    start: int
    end: int
    reason: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """An article split into claims and references.

    `text` is the article as read (Markdown/plain text as is; HTML reduced to its text);
    every offset in the claims points into it. `sha256` is of the bytes read.
    """

    title: str
    location: str
    sha256: str
    text: str
    claims: tuple[Claim, ...]
    references: tuple[Reference, ...]
    skipped: tuple[SkippedSentence, ...] = ()


# ── fetch ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one successful fetch read, byte for byte (the body is decoded from transfer and
    content encodings, not from its charset).

    `archived_as` names the WARC file and record ("sources.warc.gz#<record-id>").
    `redirects` lists every URL before `final_url`, in order.
    """

    reference_id: str
    url: str
    final_url: str
    http_status: int
    content_type: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: str
    content_sha256: str
    archived_as: str = ""
    redirects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A source that could not be read, and why (`reason` is one line for an editor)."""

    reference_id: str
    url: str
    status: SourceStatus
    reason: str
    fetched_at: str
    http_status: int | None = None
    final_url: str | None = None
    archived_as: str = ""
    redirects: tuple[str, ...] = ()


# ── extract ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of a source's main text, with a short window of its neighbours.

    `id` is "<source id>:p<n>" (n from 1). `start`/`end` are offsets of the sentence in
    `Source.text`; `context` is the window (the sentence with its neighbours) used for
    retrieval, so a claim that spans two source sentences can still be found.
    """

    id: str
    source_id: str
    text: str
    start: int
    end: int
    context: str = ""
    heading: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """A cited source after extraction: what it is, who published it and what it says.

    Failed fetches become a Source too, with `status` other than "ok", no passages and the
    failure `reason`; so every reference appears once in the report.
    """

    id: str
    url: str
    status: SourceStatus
    final_url: str = ""
    http_status: int | None = None
    reason: str = ""
    kind: SourceKind = "unknown"
    kind_reasons: tuple[str, ...] = ()
    title: str = ""
    publisher: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    journal: str = ""
    doi: str = ""
    study_designs: tuple[str, ...] = ()
    content_sha256: str = ""
    fetched_at: str = ""
    archived_as: str = ""
    text: str = ""
    passages: tuple[Passage, ...] = ()
    # What extraction had to do that a reader of the report should know, in plain words:
    # a fallback reader used, a page or PDF cut at a size cap, malformed metadata ignored.
    notes: tuple[str, ...] = ()
    # The names the page gives its site or publisher (schema.org publisher, site-name meta, the
    # <title> part that is not the headline, the copyright holder): who the source is when its
    # address says nothing, and what an article may call it ("AASM", "NHS").
    names: tuple[str, ...] = ()


# ── match ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage judged against a claim.

    `score` in 0..1 (retrieval and alignment combined); `relation` says whether the passage
    supports, contradicts or is merely related to the claim. `coverage` is the share of the
    claim's content terms the passage carries; `missing` lists the ones it does not.
    """

    claim_id: str
    source_id: str
    passage_id: str
    score: float
    relation: Relation
    coverage: float = 0.0
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one claim from all its evidence. `judge` names the judge whose answers
    decided it ("" when a rule did: nothing cited, nothing readable, an absence claimed);
    `judge_fallback` says why the judge chosen did not answer, so the default judge did."""

    claim_id: str
    verdict: Verdict
    score: float
    reason: str = ""
    judge: str = ""
    judge_fallback: str = ""


# ── assess ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding about a claim, for an editor.

    `message` is one plain sentence saying why; `evidence` quotes the passage the flag
    rests on (empty when none). `source_id`/`passage_id` link to it.
    """

    claim_id: str
    code: str
    severity: Severity
    message: str
    source_id: str = ""
    passage_id: str = ""
    evidence: str = ""


# ── report ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a writer needs, from one run."""

    article: Article
    sources: tuple[Source, ...]
    evidence: tuple[Evidence, ...]
    judgements: tuple[Judgement, ...]
    flags: tuple[Flag, ...]
    checked_at: str
    graph_summary: dict[str, object] = field(default_factory=dict)
