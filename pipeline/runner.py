"""The one ordered sequence of stages: the only module that wires them together.

`check_article` runs, in order:

    1. read     the article's bytes: from its file, or fetched when it is an http(s) URL
    2. ingest   bytes → Article (claims with their citations, references)
    3. fetch    references → Snapshot | FetchFailure, every response archived to WARC
                (from the network, or replayed from an archive with no network at all)
   3a. resolve  the sources whose page is refused, dead, not the paper (a bot check, a wall,
                a landing page) or a database record, decided by extract.resolution_request
                (a pure reading of the page), looked up by fetch.scholarly: open abstracts,
                open-access full texts, archived copies; every request archived like a page
    4. extract  snapshots → Sources (kind, metadata, passages); a re-check passes in the
                Sources it already holds for pages that answered 304 (same bytes, same
                settings), and those are not extracted again
    5. match    claims × passages → Evidence, one Judgement per claim
    6. assess   everything → Flags; a claim whose flags say it goes beyond its sources has
                its verdict lowered (assess.settle)
    7. graph    the claim–evidence graph, and the summary queries on it
    8. report   report.json / report.md / report.html / graph.graphml, atomically

Steps 1-2 are `read_article`, step 3 `fetch_sources`, step 3a `resolve_sources`, steps 4-7
`analyse`: a re-check (pipeline.recheck.rechecker) runs the same four functions, with
conditional requests in step 3, and writes its own report instead of step 8. Step 3a is where
reading and fetching meet: the decision that a page is not the paper is extract's, the
requests it leads to are fetch's, and the runner, above both, passes one to the other (fetch
never imports extract). Recording a run in the run store is not a stage:
the store does it with what `check_article` returns (`pipeline.store.check_and_record`).

Each stage is a pure function of the records before it; only steps 1, 3 and 8 touch the
outside world, and they do it here or in their own modules, never inside a pure stage.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from . import assess, extract, fetch, graph, ingest, match
from .config import Settings
from .errors import (
    ArchiveError,
    ArticleError,
    ArticleFetchError,
    PipelineError,
    UsageError,
)
from .fetch import archive
from .progress import Progress, SilentProgress
from .records import (
    Article,
    FetchFailure,
    Reference,
    Report,
    Resolution,
    Snapshot,
    Source,
)
from .report import write_reports

if TYPE_CHECKING:  # graph.py is the only module that imports networkx at run time
    import networkx as nx

ARCHIVE_NAME = "sources.warc.gz"
GRAPH_NAME = "graph.graphml"
STAGES = ("read", "ingest", "fetch", "extract", "match", "assess", "graph", "report")


@dataclass(frozen=True, slots=True)
class CheckRequest:
    """What to check and where from.

    `archive`: replay sources from this WARC instead of the network. `offline`: the same with
    the article's default archive (`<article stem>.warc.gz` beside it). Recording the run in
    the run store is the store's business (`pipeline.store.check_and_record`).
    """

    article: str
    out_dir: Path | None = None
    archive: Path | None = None
    offline: bool = False
    # When the article was first checked ("yyyy-mm-dd..."), from the run store: an archived
    # copy of a dead source is taken from before then. "" for a first check.
    first_checked: str = ""

    @property
    def replayed(self) -> bool:
        """Whether the sources come from an archive rather than the network."""
        return self.archive is not None or self.offline


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The report of one run, the files written for it, and what was fetched (for the run
    store, which records the run and keeps its archive)."""

    report: Report
    outputs: dict[str, Path]
    fetched: tuple[Snapshot | FetchFailure, ...] = ()
    archive: Path | None = None
    resolutions: tuple[Resolution, ...] = ()


def is_url(location: str) -> bool:
    """Whether `location` is an http(s) URL rather than a path."""
    return urlsplit(location).scheme.lower() in ("http", "https")


def article_slug(location: str) -> str:
    """A folder name for a run's outputs: the file stem, or host and path of a URL."""
    if is_url(location):
        parts = urlsplit(location)
        raw = f"{parts.hostname or 'article'}{parts.path}"
    else:
        raw = Path(location).stem
    slug = re.sub(r"[^A-Za-z0-9]+", "-", raw).strip("-").lower()
    return slug[:80] or "article"


def default_archive_for(location: str) -> Path:
    """The archive `--offline` replays: `<article stem>.warc.gz` beside the article file."""
    if is_url(location):
        raise UsageError("--offline needs an article file with an archive beside it; for a URL give --archive PATH")
    path = Path(location)
    return path.with_name(f"{path.stem}.warc.gz")


def check_article(
    request: CheckRequest,
    settings: Settings,
    progress: Progress | None = None,
    judge: match.Judge | None = None,
    *,
    cache: fetch.AnswerCache | None = None,
) -> CheckOutcome:
    """Run the whole check of one article and write its reports (see the module docstring).
    `judge` answers in step 5 (default: the one `[judge] use` names, answers kept in memory;
    the run store passes one whose answers it keeps). `cache` holds scholarly answers kept
    from earlier runs (the run store's)."""
    progress = progress or SilentProgress()
    out_dir = request.out_dir or Path("outputs") / article_slug(request.article)
    replay_from = _replay_archive(request)
    transport = archive.ReplayTransport(replay_from) if replay_from else None
    checked_at = _now()

    # A file article is read before anything is written, so a bad one leaves no trace; an
    # article given by URL is fetched like a source, into the run's archive.
    article = None if is_url(request.article) else read_article(request.article, settings, progress=progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    # The archive is written beside the reports under a temporary name and renamed when the
    # run completes, so an interrupted run never replaces the previous run's archive (its own
    # `.part` archive stays behind, readable up to the last complete record).
    archive_path = out_dir / ARCHIVE_NAME
    partial_archive = out_dir / f"{ARCHIVE_NAME}.part"
    try:
        with archive.WarcRecorder(partial_archive, name=ARCHIVE_NAME) as recorder:
            if article is None:
                article = read_article(request.article, settings, transport=transport, recorder=recorder, progress=progress)
            fetched = fetch_sources(
                references_to_fetch(article), settings, transport=transport, recorder=recorder, progress=progress
            )
            resolutions = resolve_sources(
                article,
                fetched,
                settings,
                transport=transport,
                recorder=recorder,
                cache=cache,
                archive_before=archive_date(article.published or request.first_checked, transport, checked_at),
            )
    except PipelineError:
        partial_archive.unlink(missing_ok=True)  # the article itself failed: nothing to keep
        raise
    partial_archive.replace(archive_path)

    report, claim_graph = _analyse(article, fetched, settings, checked_at, progress, judge=judge,
                                   resolutions=resolutions)

    progress.start("report")
    outputs = write_reports(report, out_dir, settings)
    outputs["graph"] = graph.write_graphml(claim_graph, out_dir / GRAPH_NAME)
    outputs["archive"] = archive_path
    progress.finish("report")

    return CheckOutcome(
        report=report,
        outputs=outputs,
        fetched=tuple(fetched),
        archive=archive_path,
        resolutions=tuple(resolutions.values()),
    )


def read_article(
    location: str,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: archive.WarcRecorder | None = None,
    progress: Progress | None = None,
) -> Article:
    """Steps 1-2: the article at `location` (file or URL) read and split into claims."""
    progress = progress or SilentProgress()
    progress.start("read")
    raw, resolved, media_type = _read_article(location, settings, transport, recorder)
    progress.finish("read")

    progress.start("ingest")
    article = ingest.parse_article(raw, location=resolved, media_type=media_type, settings=settings)
    progress.finish("ingest")
    return article


def fetch_sources(
    references: Sequence[Reference],
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: archive.WarcRecorder | None = None,
    progress: Progress | None = None,
    validators: Mapping[str, fetch.Validators] | None = None,
) -> tuple[Snapshot | FetchFailure, ...]:
    """Step 3: every reference fetched (and archived by `recorder`).

    `validators` ({url: (etag, last_modified)}) makes the requests conditional; a source that
    has not changed then comes back as a Snapshot with http_status 304 and no body, for the
    caller (recheck) to replace with the snapshot it stored.
    """
    progress = progress or SilentProgress()
    progress.start("fetch", len(references))
    fetched = fetch.fetch_references_sync(
        references,
        settings.fetch,
        transport=transport,
        recorder=recorder,
        on_result=lambda result: progress.advance("fetch", result.url),
        validators=validators,
    )
    progress.finish("fetch")
    return fetched


def resolve_sources(
    article: Article,
    fetched: Sequence[Snapshot | FetchFailure],
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    recorder: archive.WarcRecorder | None = None,
    cache: fetch.AnswerCache | None = None,
    archive_before: str = "",
) -> dict[str, Resolution]:
    """Step 3a: {reference id: what the scholarly chain found} for the sources whose page
    cannot be read as the paper (extract.resolution_request decides which, and why)."""
    references = {reference.id: reference for reference in references_to_fetch(article)}
    requests = []
    for result in fetched:
        reference = references.get(result.reference_id) or Reference(id=result.reference_id, url=result.url)
        wanted = extract.resolution_request(reference, result, settings, archive_before=archive_before)
        if wanted is not None:
            requests.append(wanted)
    found = fetch.resolve_references_sync(
        requests, settings.fetch, settings.scholarly, transport=transport, recorder=recorder, cache=cache
    )
    return {resolution.request.reference_id: resolution for resolution in found}


def archive_date(known: str, transport: httpx.AsyncBaseTransport | None, checked_at: str) -> str:
    """The date ("yyyy-mm-dd") an archived copy of a dead source should precede: `known`,
    the article's publication date, else its first check when the store knows it; else this
    check's date, or, replaying an archive, the date that archive was made (so the replay
    asks for exactly what the live run asked for)."""
    if known:
        return known[:10]
    started = transport.index.started if isinstance(transport, archive.ReplayTransport) else ""
    return (started or checked_at)[:10]


def analyse(
    article: Article,
    fetched: Sequence[Snapshot | FetchFailure],
    settings: Settings,
    *,
    checked_at: str | None = None,
    progress: Progress | None = None,
    extracted: Mapping[str, Source] | None = None,
    judge: match.Judge | None = None,
    resolutions: Mapping[str, Resolution] | None = None,
) -> Report:
    """Steps 4-7: extract, match, assess and summarise the graph; pure (no I/O) but for
    what a judge of the operator's choosing does (an LLM endpoint's requests).

    `extracted` ({reference id: Source}) stands in for step 4 on those references;
    `resolutions` ({reference id: Resolution}) are what step 3a found for the others; `judge`
    is as for `check_article`.
    """
    return _analyse(
        article, fetched, settings, checked_at or _now(), progress or SilentProgress(), extracted, judge, resolutions
    )[0]


def _analyse(
    article: Article,
    fetched: Sequence[Snapshot | FetchFailure],
    settings: Settings,
    checked_at: str,
    progress: Progress,
    extracted: Mapping[str, Source] | None = None,
    judge: match.Judge | None = None,
    resolutions: Mapping[str, Resolution] | None = None,
) -> tuple[Report, nx.MultiDiGraph]:
    known = extracted or {}
    found = resolutions or {}
    listed = {reference.id: reference.title for reference in article.references}
    progress.start("extract", len(fetched))
    sources = tuple(
        known.get(result.reference_id)
        or _extract_one(result, listed.get(result.reference_id, ""), settings, progress, found.get(result.reference_id))
        for result in fetched
    )
    progress.finish("extract")

    progress.start("match", len(article.claims))
    evidence, judgements = match.match_claims(article.claims, sources, settings, judge)
    progress.finish("match")

    progress.start("assess")
    flags = assess.assess_claims(article, sources, evidence, judgements, settings)
    judgements, flags = assess.settle(judgements, flags, settings)
    progress.finish("assess")

    report = Report(
        article=article,
        sources=sources,
        evidence=evidence,
        judgements=judgements,
        flags=flags,
        checked_at=checked_at,
    )

    progress.start("graph")
    claim_graph = graph.build_graph(report, settings)
    report = dataclasses.replace(report, graph_summary=graph.summarize_graph(claim_graph, settings))
    progress.finish("graph")
    return report, claim_graph


def stored_location(location: str) -> str:
    """How the store names an article: a URL as given, a file by its absolute path (a
    scheduled re-check runs from another working folder)."""
    return location.strip() if is_url(location) else str(Path(location).resolve())


def _replay_archive(request: CheckRequest) -> Path | None:
    if request.archive is not None:
        chosen = request.archive
    elif request.offline:
        chosen = default_archive_for(request.article)
    else:
        return None
    if not chosen.is_file():
        raise ArchiveError("archive not found (run once online, or give --archive PATH)", path=str(chosen))
    return chosen


def _read_article(
    location: str,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    recorder: archive.WarcRecorder | None,
) -> tuple[bytes, str, str]:
    """The article's bytes, the location they came from, and their media type."""
    if is_url(location):
        result = fetch.fetch_document(location, settings.fetch, transport=transport, recorder=recorder)
        if isinstance(result, FetchFailure):
            raise ArticleFetchError(f"cannot fetch the article ({result.status}): {result.reason}", location=location)
        return result.body, result.final_url or location, ingest.media_type_for(location, result.content_type)
    path = Path(location)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError("article not found", location=location) from None
    except IsADirectoryError:
        raise ArticleError("is a folder, not an article file", location=location) from None
    except OSError as error:
        raise ArticleError(f"cannot read the article: {error.strerror or error}", location=location) from None
    return raw, location, ingest.media_type_for(location)


def references_to_fetch(article: Article) -> tuple[Reference, ...]:
    """The article's references, plus an empty one for each citation missing from its list,
    so a dangling [7] reaches the report as an unavailable source instead of vanishing."""
    listed = {reference.id for reference in article.references}
    missing: dict[str, Reference] = {}
    for claim in article.claims:
        for citation in claim.checked_citations:
            if citation not in listed and citation not in missing:
                missing[citation] = Reference(id=citation, url="", title="")
    return article.references + tuple(missing.values())


def _extract_one(
    result: Snapshot | FetchFailure,
    listed: str,
    settings: Settings,
    progress: Progress,
    resolution: Resolution | None,
) -> Source:
    """The source from a fetched page, or from a failure and `listed`, the article's reference
    entry for it (what may still say who the source is when the page cannot be read), or from
    what step 3a found in the page's place."""
    source = extract.read_source(result, settings, listed=listed, resolution=resolution)
    progress.advance("extract", result.url)
    return source


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
