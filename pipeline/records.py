"""The records that flow between stages.

Every record is a frozen, slotted dataclass. Records refer to each other by id, never by
text: a claim cites reference ids, evidence names a claim id and a passage id, a flag names
the claim, source and passage it rests on. Sequences are tuples so a record stays hashable
and cannot be changed behind a later stage's back.

    ingest  ─▶ Article{Claim, Reference, SkippedSentence}
    fetch   ─▶ Snapshot | FetchFailure; Resolution{PaperRecord, Lookup, ServiceAnswer} for
               the references the runner asks the scholarly chain about (a ResolveRequest)
    extract ─▶ Source{Passage, Identifiers, ReadFrom}
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
    # When the article says it was published ("yyyy-mm-dd"; "" when it does not say).
    published: str = ""


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


# ── scholarly resolution (asked by the runner, answered by fetch, read by extract) ─────────


@dataclass(frozen=True, slots=True)
class Identifiers:
    """What names a source as a paper: DOI, PubMed id, PubMed Central id, arXiv id, and the
    preprint server it was posted to ("medrxiv", "biorxiv", "arxiv"; "" for a journal)."""

    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    arxiv: str = ""
    preprint: str = ""

    def __bool__(self) -> bool:
        return bool(self.doi or self.pmid or self.pmcid or self.arxiv)


@dataclass(frozen=True, slots=True)
class ResolveRequest:
    """One reference the runner asks the scholarly chain about, and why.

    `state` is what the cited page turned out to be ("refused", "dead", "challenge",
    "cookie_wall", "login", "paywall", "landing", "not_found", "database_record", "no_link");
    `why` says it in words for the report. `have_abstract`: the page's own metadata carries
    the abstract, so only a full text is worth asking for. `archive_first`: the page is gone
    or changed, so its archived copy comes before any abstract. `archive_before`: the date
    ("yyyy-mm-dd") the archived copy should precede (the article's, or its first check's).
    """

    reference_id: str
    url: str
    identifiers: Identifiers
    state: str
    why: str
    have_abstract: bool = False
    archive_first: bool = False
    ask_archive: bool = True
    archive_before: str = ""


@dataclass(frozen=True, slots=True)
class Lookup:
    """One step of the chain for one source: the service asked (or passed over), the request
    made, and what came of it in plain words ("abstract found", "no record for this DOI",
    "HTTP 503 after 3 attempts", "switched off", "not in the archive ...")."""

    service: str
    outcome: str
    url: str = ""
    archived_as: str = ""
    found: bool = False


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """What a scholarly service says about a paper: its bibliographic facts and its abstract
    (paragraphs, labels such as "Methods:" kept at their start). `url` is the request that
    answered, `archived_as` its WARC record, `fetched_at` when it was answered."""

    service: str
    url: str
    title: str = ""
    journal: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    abstract: tuple[str, ...] = ()
    archived_as: str = ""
    fetched_at: str = ""
    content_sha256: str = ""


@dataclass(frozen=True, slots=True)
class ServiceAnswer:
    """An API answer worth keeping, so a later check of the same paper need not ask again:
    the request URL (never carrying a key), the response as received, and when."""

    url: str
    service: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    fetched_at: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the scholarly chain found for one ResolveRequest.

    `record`: the best abstract and bibliographic facts found (None when none). `copy`: a
    document read in the page's place, fetched like any page and archived: an open-access
    full text (`copy_kind` "full_text" from Europe PMC, "open_access_copy" from Unpaywall) or
    an archived copy ("archived_copy", from the Wayback Machine, `copy_date` its capture
    date). `lookups` is every step taken or passed over, in order; `answers` the new API
    answers worth caching.
    """

    request: ResolveRequest
    record: PaperRecord | None = None
    copy: Snapshot | None = None
    copy_kind: str = ""
    copy_service: str = ""
    copy_date: str = ""
    lookups: tuple[Lookup, ...] = ()
    answers: tuple[ServiceAnswer, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadFrom:
    """Where a source's text came from, when not (only) from the cited page.

    `kind`: "page_metadata" (the abstract in the page's own metadata), "abstract" (from a
    scholarly service), "full_text" (an open-access full text from Europe PMC),
    "open_access_copy" (Unpaywall's copy), "archived_copy" (the Wayback Machine), or
    "nothing" (the chain found nothing readable). `service` names where; `url` and
    `archived_as` the request or copy and its WARC record; `date` when that text was
    captured; `why` why the page itself was not read; `page_status` the status the cited
    page itself got (what link checks count); `lookups` every step of the chain.
    """

    kind: str
    why: str
    service: str = ""
    url: str = ""
    archived_as: str = ""
    date: str = ""
    page_status: str = ""
    lookups: tuple[Lookup, ...] = ()

    @property
    def abstract_only(self) -> bool:
        """Whether the text read is an abstract, not the whole paper."""
        return self.kind in ("page_metadata", "abstract")


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
    # What names the source as a paper (from its address, its reference entry, its page).
    identifiers: Identifiers = field(default_factory=Identifiers)
    # Where the text came from when not from the cited page as fetched (None: the page).
    read_from: ReadFrom | None = None


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
    # The verdict model's probability of each verdict it chooses among, (verdict, p) pairs;
    # empty when a rule or a reading judge decided. The flag gates of assess read them.
    probabilities: tuple[tuple[str, float], ...] = ()


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
