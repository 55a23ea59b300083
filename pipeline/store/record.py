"""Recording a finished check in the run store: the run, its verdicts, and its WARC kept.

The runner checks an article and knows nothing of the store; the store sits above it and
records what `check_article` returns. `check_and_record` is what the CLI's `check` calls.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from ..config import Settings
from ..match import Judge, judging, keeps_answers
from ..progress import Progress
from ..runner import (
    CheckOutcome,
    CheckRequest,
    article_slug,
    check_article,
    stored_location,
)
from .rows import RunRecord
from .runs import extraction_key, run_from_report, settings_fingerprint
from .runstore import Store

__all__ = ["check_and_record", "record_check", "run_judge"]


def check_and_record(
    request: CheckRequest, settings: Settings, db: Path | None, progress: Progress | None = None
) -> CheckOutcome:
    """Check the article (`pipeline.runner.check_article`) and, when `db` is given, record
    the run in the store there; `outputs["db"]` then names it. A judge that keeps its
    answers keeps them in that store too (`run_judge`). A store that exists already lends the
    check what it knows: the scholarly answers it kept (so a paper looked up before is not
    asked for again) and when the article was first checked (an archived copy of a dead
    source is taken from before then). A replay asks the store nothing: it reads its archive
    alone."""
    with run_judge(settings, db) as judge:
        if db is None or not db.is_file():
            outcome = check_article(request, settings, progress, judge)
        else:
            with Store(db, settings.recheck) as known:
                recorded = known.article(stored_location(request.article))
                if recorded is not None and not request.first_checked:
                    request = dataclasses.replace(request, first_checked=recorded.added_at)
                outcome = check_article(request, settings, progress, judge, cache=None if request.replayed else known)
    if db is None:
        return outcome
    # Not a progress stage: it takes milliseconds, and the stage lines are a contract.
    record_check(request, outcome, settings, db)
    return CheckOutcome(
        report=outcome.report,
        outputs={**outcome.outputs, "db": db},
        fetched=outcome.fetched,
        archive=outcome.archive,
    )


@contextlib.contextmanager
def run_judge(settings: Settings, db: Path | None) -> Iterator[Judge]:
    """The judge `[judge] use` names for one run, its answers kept in the store at `db` when
    it keeps answers (nli, openai) and there is a store; in memory otherwise."""
    if db is None or not keeps_answers(settings):
        with judging(settings) as judge:
            yield judge
        return
    with Store(db, settings.recheck) as store, judging(settings, store.judge_cache()) as judge:
        yield judge


def record_check(request: CheckRequest, outcome: CheckOutcome, settings: Settings, db: Path) -> RunRecord:
    """Record a finished check in the store at `db`, its WARC moved into the store."""
    assert outcome.archive is not None, "a finished check always has an archive"
    report = outcome.report
    location = stored_location(request.article)
    with Store(db, settings.recheck) as runs:
        kept = runs.adopt_archive(outcome.archive, report.checked_at, article_slug(location))
        record = run_from_report(
            report,
            outcome.fetched,
            location=location,
            kind="check",
            mode="replay" if request.replayed else "live",
            settings_hash=settings_fingerprint(settings),
            archive=kept,
            extraction=extraction_key(settings),
            resolutions=outcome.resolutions,
        )
        return runs.record_run(record)
