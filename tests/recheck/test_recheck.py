"""Re-checks over a real loopback site: a cited page rewritten, then deleted; 304 answers
reusing stored snapshots; reworded passages; edited articles; redirects and recoveries.

Time is a clock passed into the re-check, so a week of re-checks runs in a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from pipeline import runner
from pipeline.config import Settings, load_settings
from pipeline.errors import UsageError
from pipeline.fetch.archive_read import ArchiveIndex
from pipeline.recheck import (
    ArticleRecheck,
    PassageChange,
    RecheckOutcome,
    SourceChange,
    due_articles,
    format_every,
    parse_every,
    recheck_articles,
    word_diff,
)
from pipeline.recheck.report import (
    history_text,
    recheck_document,
    recheck_markdown,
    write_recheck,
)
from pipeline.runner import CheckRequest, stored_location
from pipeline.store import ArticleRow, FlagRow, Store
from pipeline.store.record import check_and_record

FINDING = "Adults who walked briskly for thirty minutes a day had lower resting blood pressure after twelve weeks than those who did not."
REWORDED = "Adults who walked briskly for thirty minutes a day had the same resting blood pressure after twelve weeks as those who did not."


def _page(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>".encode()


STUDY_V1 = _page(
    "Walking and blood pressure: a twelve-week trial",
    "Researchers followed 240 adults with mildly raised blood pressure for twelve weeks.",
    FINDING,
    "No serious side effects were reported during the study.",
)
# The rewrite: the finding is withdrawn, nothing on the page supports the claim any more.
STUDY_V2 = _page(
    "Walking and blood pressure: a twelve-week trial",
    "This summary is being revised while the study data are checked again.",
    "An updated page will be posted here when the review is complete.",
)
STUDY_REWORDED = _page(
    "Walking and blood pressure: a twelve-week trial",
    "Researchers followed 240 adults with mildly raised blood pressure for twelve weeks.",
    REWORDED,
    "No serious side effects were reported during the study.",
)
GUIDE = _page(
    "Staying active",
    "Health services advise adults to do at least 150 minutes of moderate activity every week.",
    "Moderate activity includes brisk walking, cycling and dancing.",
)
GONE = Reply(status=404, body=b"<html><body>no such page</body></html>")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += timedelta(days=days)


@dataclass
class Site:
    server: LoopbackServer
    article: Path
    db: Path
    settings: Settings
    tmp: Path

    def recheck(self, clock: Clock) -> ArticleRecheck:
        with Store(self.db, self.settings.recheck) as store:
            (result,) = recheck_articles(store, store.articles(), self.settings, clock=clock).articles
        return result

    def store(self) -> Store:
        return Store(self.db, self.settings.recheck)


def _article_text(server: LoopbackServer, extra: str = "") -> str:
    return (
        "# Walking for your heart\n\n"
        "Brisk walking for thirty minutes a day lowers resting blood pressure in adults with mildly raised "
        "blood pressure [1].\n"
        "Adults are advised to do at least 150 minutes of moderate activity every week [2].\n"
        f"{extra}\n## Sources\n"
        f"1. Walking trial. {server.url('/study')}\n"
        f"2. Staying active. {server.url('/guide')}\n"
    )


@pytest.fixture
def site(loopback: LoopbackServer, tmp_path: Path) -> Iterator[Site]:
    """An article citing two loopback pages, checked once and recorded."""
    loopback.add("/study", Reply(body=STUDY_V1, etag='"study-v1"'))
    loopback.add("/guide", Reply(body=GUIDE, last_modified="Mon, 01 Jan 2024 00:00:00 GMT"))
    article = tmp_path / "walking.md"
    article.write_text(_article_text(loopback), encoding="utf-8")
    settings = load_settings().with_fetch(allow_private_hosts=True)
    db = tmp_path / "runs.db"
    outcome = check_and_record(CheckRequest(article=str(article), out_dir=tmp_path / "out"), settings, db)
    assert [judgement.verdict for judgement in outcome.report.judgements] == ["supported", "supported"]
    yield Site(loopback, article, db, settings, tmp_path)


def test_a_page_rewritten_then_deleted_is_reported_each_time(site: Site) -> None:
    clock = Clock()
    clock.advance(1)
    site.server.add("/study", Reply(body=STUDY_V2, etag='"study-v2"'))
    rewritten = site.recheck(clock)

    (verdict,) = rewritten.verdict_changes
    # Nothing on the page supports the claim now; which weaker verdict is the matcher's call.
    assert (verdict.claim, verdict.before) == ("c1", "supported") and verdict.after != "supported"
    changed = [flag for flag in rewritten.new_flags if flag.code == "SOURCE_CHANGED"]
    assert [(flag.claim, flag.ref, flag.severity, flag.evidence) for flag in changed] == [
        ("c1", "1", "medium", FINDING)
    ]
    assert "is no longer on the page" in changed[0].message
    (source,) = [change for change in rewritten.sources if change.change == "changed"]
    assert source.ref == "1"
    # Every passage c1 rested on is gone, the finding first (it carried the most).
    assert source.passages[0].before == FINDING and source.passages[0].diff == (("-", FINDING),)
    assert all((p.claim, p.after) == ("c1", "") for p in source.passages)
    assert rewritten.not_modified == 1  # the guide answered 304
    markdown = recheck_markdown(recheck_document_for(rewritten))
    shown = verdict.after.replace("_", " ")
    assert f"- **c1** supported → **{shown}**: Brisk walking" in markdown
    assert "- **medium** `SOURCE_CHANGED` on c1 [1]: Source \\[1\\] has changed since the check of" in markdown
    assert f"  - c1, passage gone: ~~{FINDING}~~" in markdown

    site.server.add("/study", GONE)
    states = []
    for days in (1, 1, 2):  # failures on days 2, 3 and 5: three checks over three days
        clock.advance(days)
        result = site.recheck(clock)
        (unavailable,) = [change for change in result.sources if change.change == "unavailable"]
        states.append((unavailable.state, unavailable.failures, unavailable.newly, unavailable.http_status))
        if days == 1 and len(states) == 1:
            assert [(c.before, c.after) for c in result.verdict_changes] in ([(verdict.after, "unverifiable")], [])
            assert [flag.code for flag in result.new_flags] == ["SOURCE_UNAVAILABLE"]
    assert states == [("failing", 1, True, 404), ("failing", 2, False, 404), ("dead", 3, False, 404)]
    assert "**DEAD (3 failed checks since" in recheck_markdown(recheck_document_for(result))

    with site.store() as store:
        article = store.article(stored_location(str(site.article)))
        runs = store.runs(article.id)
        assert [run.kind for run in runs] == ["check"] + ["recheck"] * 4
        assert store.integrity() == "ok"
        # Both versions of the page stay readable from their WARCs.
        first, second = (next(check for check in run.sources if check.ref == "1").snapshot for run in runs[:2])
    assert first.id != second.id and first.archive != second.archive
    assert FINDING.encode() in ArchiveIndex(first.archive).record(first.record_id).body
    assert b"This summary is being revised" in ArchiveIndex(second.archive).record(second.record_id).body


def recheck_document_for(result: ArticleRecheck) -> dict:
    return recheck_document(RecheckOutcome(checked_at=result.checked_at, articles=(result,)))


def test_unchanged_sources_answer_304_and_reuse_the_stored_snapshot(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    with site.store() as store:
        snapshots_before = store.count("snapshots")
        first_run = store.latest_run(store.articles()[0].id)

    def no_extraction(*args: object) -> None:
        raise AssertionError("a page that answered 304 was extracted again")

    # The stored extraction of each confirmed snapshot stands in for extracting it again.
    monkeypatch.setattr(runner.extract, "extract_source", no_extraction)
    result = site.recheck(Clock())
    conditional = [request.headers for request in site.server.requests[-2:]]
    assert sorted((h.get("if-none-match", ""), h.get("if-modified-since", "")) for h in conditional) == [
        ("", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ('"study-v1"', ""),
    ]
    assert result.not_modified == 2
    assert (result.verdict_changes, result.new_flags, result.sources) == ((), (), ())
    with site.store() as store:
        assert store.count("snapshots") == snapshots_before  # nothing new archived as a snapshot
        latest = store.latest_run(store.articles()[0].id)
    assert [check.snapshot.id for check in latest.sources] == [check.snapshot.id for check in first_run.sources]
    assert all(check.not_modified for check in latest.sources)
    # ... and gives exactly what extracting it gave: the same evidence, verdicts and flags.
    assert (latest.evidence, latest.claims, latest.flags) == (first_run.evidence, first_run.claims, first_run.flags)


def test_a_snapshot_that_cannot_be_read_back_is_fetched_again(site: Site) -> None:
    with site.store() as store:
        archive = store.latest_run(store.articles()[0].id).archive
    archive.write_bytes(archive.read_bytes()[:200])  # torn: its records are gone
    requests_before = len(site.server.requests)
    result = site.recheck(Clock())
    sent = [
        (r.path, r.headers.get("if-none-match") or r.headers.get("if-modified-since") or "")
        for r in site.server.requests[requests_before:]
    ]
    # Asked conditionally (the file is there), got 304s, could not read the snapshots back,
    # so asked again for the pages themselves.
    assert sorted(sent) == [
        ("/guide", ""),
        ("/guide", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("/study", ""),
        ("/study", '"study-v1"'),
    ]
    assert result.not_modified == 0
    assert (result.verdict_changes, result.new_flags) == ((), ())


def test_a_reworded_passage_is_shown_as_a_word_diff(site: Site) -> None:
    site.server.add("/study", Reply(body=STUDY_REWORDED, etag='"study-v3"'))
    result = site.recheck(Clock())
    (flag,) = [flag for flag in result.new_flags if flag.code == "SOURCE_CHANGED"]
    assert "now reads differently" in flag.message and flag.evidence == FINDING
    (change,) = [change for change in result.sources if change.change == "changed"]
    (passage,) = change.passages
    assert passage.after == REWORDED and 60 <= passage.similarity < 95
    assert ("-", "lower") in passage.diff and ("+", "the same") in passage.diff
    assert ("-", "than") in passage.diff and ("+", "as") in passage.diff


def test_an_edited_article_lists_claims_added_and_removed(site: Site) -> None:
    text = _article_text(site.server, "Cycling to work cuts the risk of heart disease by half [2].\n")
    site.article.write_text(
        text.replace("Adults are advised to do at least 150 minutes", "Adults should aim for 150 minutes")
    )
    result = site.recheck(Clock())
    assert result.article_changed and not result.settings_changed
    assert [claim.text for claim in result.new_claims] == [
        "Adults should aim for 150 minutes of moderate activity every week.",
        "Cycling to work cuts the risk of heart disease by half.",
    ]
    assert [claim.text for claim in result.removed_claims] == [
        "Adults are advised to do at least 150 minutes of moderate activity every week."
    ]
    # Flags of a claim that left the article are not "resolved": the claim is listed as removed.
    assert all(flag.claim != "c2" for flag in result.resolved_flags)


def test_redirected_then_recovered_sources(site: Site) -> None:
    clock = Clock()
    site.server.add("/guide-2025", Reply(body=GUIDE))
    site.server.redirect("/guide", "/guide-2025")
    redirected = site.recheck(clock)
    (change,) = [change for change in redirected.sources if change.change == "redirected"]
    assert (change.ref, change.before, change.after) == ("2", site.server.url("/guide"), site.server.url("/guide-2025"))

    site.server.add("/guide", Reply(status=503, body=b"down"))
    clock.advance(1)
    down = site.recheck(clock)
    assert [(c.ref, c.state, c.status) for c in down.sources if c.change == "unavailable"] == [
        ("2", "failing", "http_error")
    ]
    site.server.add("/guide", Reply(body=GUIDE))
    clock.advance(1)
    back = site.recheck(clock)
    assert [(c.ref, c.change, c.previous_state) for c in back.sources] == [("2", "recovered", "failing")]
    with site.store() as store:
        assert store.sources([site.server.url("/guide")])[site.server.url("/guide")].failures == 0


def test_an_article_that_cannot_be_read_again_is_reported_not_raised(site: Site, tmp_path: Path) -> None:
    site.article.unlink()
    with site.store() as store:
        outcome = recheck_articles(store, store.articles(), site.settings, clock=Clock())
        runs = store.count("runs")
    (result,) = outcome.articles
    assert result.error == f"{site.article}: article not found"
    assert runs == 1  # nothing recorded for it
    assert outcome.reaches("high")
    paths = write_recheck(outcome, tmp_path / "re")
    assert "**Could not be read again:**" in paths["md"].read_text()
    assert not list((tmp_path / "runs.snapshots").glob("*.part"))


def test_word_diff_keeps_changes_and_cuts_long_unchanged_runs() -> None:
    before = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    after = before.replace("eight", "EIGHT")
    assert word_diff(before, after, 2) == (("=", "… six seven"), ("-", "eight"), ("+", "EIGHT"), ("=", "nine ten …"))
    assert word_diff("a b c", "a b c d", 6) == (("=", "a b c"), ("+", "d"))


def test_intervals_and_due_articles() -> None:
    assert [parse_every(text) for text in ("30m", "12h", "7d", "2w", "1.5d")] == [1800, 43200, 604800, 1209600, 129600]
    assert [format_every(seconds) for seconds in (1800, 43200, 604800, 129600)] == ["30m", "12h", "1w", "36h"]
    for bad in ("7", "week", "0d", "30s", "-1d"):
        with pytest.raises(UsageError):
            parse_every(bad)
    now = datetime(2025, 1, 8, 3, 0, tzinfo=UTC)
    rows = [
        ArticleRow(1, "/never-run.md", "", "", 7 * 86400, ""),
        ArticleRow(2, "/ran-a-week-ago-plus-a-minute.md", "", "", 7 * 86400, "2025-01-01T03:01:00Z"),
        ArticleRow(3, "/ran-yesterday.md", "", "", 7 * 86400, "2025-01-07T03:00:00Z"),
        ArticleRow(4, "/hourly-ran-50-minutes-ago.md", "", "", 3600, "2025-01-08T02:10:00Z"),
        ArticleRow(6, "/hourly-ran-55-minutes-ago.md", "", "", 3600, "2025-01-08T02:05:00Z"),  # 6 minutes early is fine
        ArticleRow(5, "/not-watched.md", "", "", 0, ""),
    ]
    assert [row.id for row in due_articles(rows, now, early_minutes=60)] == [1, 2, 6]


def test_an_article_published_at_a_url_is_read_again_from_it(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.add("/study", Reply(body=STUDY_V1, etag='"study-v1"'))
    loopback.add("/guide", Reply(body=GUIDE))
    page = (
        "<html><head><title>Walking for your heart</title></head><body><article><h1>Walking for your heart</h1>"
        "<p>Brisk walking for thirty minutes a day lowers resting blood pressure in adults with mildly raised "
        f'blood pressure, <a href="{loopback.url("/study")}">a twelve-week trial found</a>.</p>'
        "</article></body></html>"
    )
    story = loopback.add("/story", Reply(body=page.encode()))
    settings = load_settings().with_fetch(allow_private_hosts=True)
    db = tmp_path / "runs.db"
    check_and_record(CheckRequest(article=story, out_dir=tmp_path / "out"), settings, db)
    loopback.add(
        "/story", Reply(body=page.replace("</article>", "<p>Updated: see our newer guide.</p></article>").encode())
    )
    with Store(db, settings.recheck) as store:
        (article,) = store.articles()
        assert article.location == story
        (result,) = recheck_articles(store, [article], settings, clock=Clock()).articles
        runs = store.runs(article.id)
    assert loopback.hits("/story") == 2
    assert result.error == "" and result.article_changed
    assert [run.article_sha256 != runs[0].article_sha256 for run in runs] == [False, True]
    assert result.not_modified == 1  # the cited trial answered 304


def test_source_text_in_recheck_md_and_history_is_inert() -> None:
    hostile = "Read [this](javascript:alert(1)) <script>steal()</script> | cell\n# heading \x1b[31mred"
    change = PassageChange("c1", "1", hostile, hostile + " more", 80.0, word_diff(hostile, hostile + " more", 6))
    result = ArticleRecheck(
        location="https://example.org/a",
        title="<b>Title</b>",
        run_id=2,
        previous_run_id=1,
        previous_checked_at="2025-01-01T00:00:00Z",
        new_flags=(FlagRow("c1", "SOURCE_CHANGED", "medium", hostile, "1", hostile),),
        sources=(SourceChange("1", "javascript:alert(1)", "changed", passages=(change,)),),
    )
    markdown = recheck_markdown(recheck_document_for(result))
    assert "<script>" not in markdown and "<b>" not in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown)  # no link: every bracket escaped
    assert "\\<script\\>" in markdown and "\\[this\\](javascript:" in markdown
    assert "\x1b" not in history_text({"article": {"title": hostile, "location": "x"}, "runs": []})
