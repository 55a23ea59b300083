"""Steps 1-4 of a re-check, for one article: read it again, fetch its sources conditionally,
stand stored snapshots in for "304 Not Modified" answers, look up the papers whose pages cannot
be read (answered from the store's kept answers where it has them), and analyse (see
pipeline.recheck.rechecker).

Split from recheck.py because this is the part that does I/O and runs in worker processes:
`gatherer` runs jobs here or in a fork-started pool, and hands back, in order, a `Gathered`
(the report and what was fetched) or the message of the error that stopped the article.
Nothing here writes to the store: the parent records each article when it is done, so an
interrupted re-check keeps the articles it finished and none of an unfinished one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from .. import runner
from ..config import Settings
from ..errors import ArchiveError, ArticleError
from ..fetch.archive import WarcRecorder
from ..fetch.archive_read import ArchiveIndex
from ..fetch.body import BodyReader
from ..match import judging, keeps_answers
from ..records import FetchFailure, Report, Resolution, Snapshot, Source
from ..store import SnapshotRow, Store


@dataclass(frozen=True, slots=True)
class GatherJob:
    """One article to gather: where it is read from, the time of its run, and the WARC path
    (in the store's snapshot folder) its responses are archived to."""

    location: str
    checked_at: str
    archive_path: Path


@dataclass(frozen=True, slots=True)
class Gathered:
    """Steps 1-4 done: the analysed report, every fetch result (304s replaced by the stored
    snapshots they confirmed), and {reference id: stored snapshot} for those."""

    report: Report
    fetched: tuple[Snapshot | FetchFailure, ...]
    reused: dict[str, SnapshotRow]
    resolutions: tuple[Resolution, ...] = ()


# Set in each worker process by _start_worker (inherited through fork, never pickled).
_WORKER: _Gather | None = None


class _Gather:
    """Steps 1-4 for one job. Reads validators from `store` in this process; a worker opens
    its own connection (an SQLite connection must not be used across a fork)."""

    def __init__(self, store: Store, settings: Settings, transport: httpx.AsyncBaseTransport | None, key: str) -> None:
        self.db_path, self.settings, self.transport, self.key = store.path, settings, transport, key
        self._store: Store | None = store
        self._owner = os.getpid()

    def __call__(self, job: GatherJob) -> Gathered | str:
        if self._store is None or os.getpid() != self._owner:
            self._store, self._owner = Store(self.db_path, self.settings.recheck, create=False), os.getpid()
        try:
            return _gather_one(self._store, job, self.settings, self.transport, self.key)
        except (ArticleError, ArchiveError) as error:
            return str(error)


def _start_worker(gather: _Gather) -> None:
    global _WORKER
    _WORKER = gather
    # Ctrl-C reaches the whole process group: the parent alone decides how to stop, and
    # stops a worker with SIGTERM, which must end it quietly (not as the CLI's interrupt).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _in_worker(job: GatherJob) -> Gathered | str:
    assert _WORKER is not None
    return _WORKER(job)


@contextlib.contextmanager
def gatherer(
    store: Store, settings: Settings, transport: httpx.AsyncBaseTransport | None, workers: int, key: str
) -> Iterator[Callable[[Sequence[GatherJob]], Iterator[Gathered | str]]]:
    """A function from jobs to their results in order (a Gathered, or the message of the
    error that stopped the article): here, or in a pool of `workers` processes."""
    gather = _Gather(store, settings, transport, key)
    if workers <= 1:
        yield lambda jobs: map(gather, jobs)
        return
    # fork: the settings (read-only mappings) and the gatherer reach the workers without
    # pickling; only jobs and results cross the pipes.
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(gather,)
    )
    try:
        yield lambda jobs: pool.map(_in_worker, jobs)
    except BaseException:
        # Interrupted (or failed): stop the workers now instead of waiting out their articles;
        # nothing of an unfinished article has been recorded.
        for child in multiprocessing.active_children():
            child.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _gather_one(
    store: Store, job: GatherJob, settings: Settings, transport: httpx.AsyncBaseTransport | None, key: str
) -> Gathered:
    """Steps 1-4: read, fetch conditionally, reuse stored snapshots (and their extractions)
    for 304s, analyse."""
    partial = job.archive_path.with_name(f"{job.archive_path.name}.part")
    try:
        with WarcRecorder(partial, name=job.archive_path.name) as recorder:
            article = runner.read_article(job.location, settings, transport=transport, recorder=recorder)
            references = runner.references_to_fetch(article)
            known = store.sources([reference.url for reference in references if reference.url])
            stored = {
                url: row.snapshot
                for url, row in known.items()
                if row.snapshot is not None
                and (row.snapshot.etag or row.snapshot.last_modified)
                and row.snapshot.archive.is_file()
            }
            validators = {
                url: (snapshot.etag or None, snapshot.last_modified or None) for url, snapshot in stored.items()
            }
            fetched = runner.fetch_sources(
                references, settings, transport=transport, recorder=recorder, validators=validators
            )
            fetched, reused = _reuse_stored(fetched, stored, settings)
            again = [reference for reference, result in zip(references, fetched, strict=True) if result is None]
            if again:
                # A 304 whose stored snapshot cannot be read back: ask for the page itself.
                refetched = iter(runner.fetch_sources(again, settings, transport=transport, recorder=recorder))
                fetched = [next(refetched) if result is None else result for result in fetched]
            results = tuple(result for result in fetched if result is not None)
            # Papers looked up before are answered from the store's kept answers, not asked again.
            recorded = store.article(job.location)
            resolutions = runner.resolve_sources(
                article,
                results,
                settings,
                transport=transport,
                recorder=recorder,
                cache=store,
                archive_before=runner.archive_date(
                    article.published or (recorded.added_at if recorded else ""), transport, job.checked_at
                ),
            )
        partial.replace(job.archive_path)
    finally:
        partial.unlink(missing_ok=True)
    extracted = _kept_extractions(store, results, reused, key)
    # The judge's answers are kept in (and read from) the store: an unchanged claim against an
    # unchanged passage is not asked about again.
    with judging(settings, store.judge_cache() if keeps_answers(settings) else None) as judge:
        report = runner.analyse(article, results, settings, checked_at=job.checked_at, extracted=extracted,
                                judge=judge, resolutions=resolutions)
    return Gathered(report=report, fetched=results, reused=reused, resolutions=tuple(resolutions.values()))


def _kept_extractions(
    store: Store, results: Sequence[Snapshot | FetchFailure], reused: Mapping[str, SnapshotRow], key: str
) -> dict[str, Source]:
    """The stored extractions of the snapshots 304 answers confirmed, made to look as a fresh
    extraction of this run's answer would (its reference id, URL, time and record)."""
    extracted = {}
    for result in results:
        snapshot = reused.get(result.reference_id)
        kept = store.extraction(snapshot.id, key) if snapshot is not None and isinstance(result, Snapshot) else None
        if kept is None:
            continue
        # Passage ids are "<source id>:p<n>"; the page may be cited under another number now.
        ref, prefix = result.reference_id, f"{kept.id}:"
        passages = tuple(
            dataclasses.replace(passage, id=ref + ":" + passage.id.removeprefix(prefix), source_id=ref)
            for passage in kept.passages
        )
        extracted[ref] = dataclasses.replace(
            kept,
            id=ref,
            url=result.url,
            fetched_at=result.fetched_at,
            archived_as=result.archived_as,
            passages=passages,
        )
    return extracted


def _reuse_stored(
    fetched: Sequence[Snapshot | FetchFailure],
    stored: Mapping[str, SnapshotRow],
    settings: Settings,
) -> tuple[list[Snapshot | FetchFailure | None], dict[str, SnapshotRow]]:
    """Replace each 304 answer by the stored snapshot it confirms (None where that snapshot
    cannot be read back intact); returns the results and {reference id: stored snapshot}."""
    indexes: dict[Path, ArchiveIndex | None] = {}
    results: list[Snapshot | FetchFailure | None] = []
    reused: dict[str, SnapshotRow] = {}
    for result in fetched:
        snapshot = stored.get(result.url)
        if not (isinstance(result, Snapshot) and result.http_status == 304 and snapshot is not None):
            results.append(result)
            continue
        restored = _read_back(snapshot, result, indexes, settings.fetch.max_bytes)
        results.append(restored)
        if restored is not None:
            reused[result.reference_id] = snapshot
    return results, reused


def _read_back(
    stored: SnapshotRow, answer: Snapshot, indexes: dict[Path, ArchiveIndex | None], limit: int
) -> Snapshot | None:
    """The stored snapshot's body from its WARC, decoded as the fetcher decodes a live body
    (body.BodyReader) and checked against its hash; None when it cannot be."""
    if stored.archive not in indexes:
        try:
            indexes[stored.archive] = ArchiveIndex(stored.archive)
        except ArchiveError:
            indexes[stored.archive] = None
    index = indexes[stored.archive]
    archived = index.record(stored.record_id) if index is not None else None
    if archived is None:
        return None
    reader = BodyReader(limit, check_type=False)
    response = httpx.Response(archived.status, headers=list(archived.headers), stream=httpx.ByteStream(archived.body))
    asyncio.run(reader.read(response))
    if reader.problem is not None or hashlib.sha256(reader.body).hexdigest() != stored.content_sha256:
        return None
    return Snapshot(
        reference_id=answer.reference_id,
        url=answer.url,
        final_url=stored.final_url,
        http_status=stored.http_status or 200,
        content_type=stored.content_type,
        headers=archived.headers,
        body=reader.body,
        fetched_at=answer.fetched_at,  # confirmed current at the time of the 304
        content_sha256=stored.content_sha256,
        archived_as=archived.archived_as,
        redirects=stored.redirects,
    )
