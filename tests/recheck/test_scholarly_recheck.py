"""Re-checks of an article citing a paper whose publisher refuses automated readers: the paper's
abstract is looked up once and kept in the run store, so a re-check of the unchanged paper asks
no service again; with every service failing, the re-check completes as it did before the
chain existed, and says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from loopback import LoopbackServer, Reply
from scholarly_standins import SERVICES, Paper, StandIns

from pipeline.config import load_settings
from pipeline.recheck import recheck_articles
from pipeline.runner import CheckRequest
from pipeline.store import Store
from pipeline.store.record import check_and_record

PAPER = Paper(
    doi="10.5555/walk.2021.4", pmid="34000004", title="Brisk walking and blood pressure in older adults",
    journal="Journal of Invented Cardiology",
    abstract=("In a twelve-week trial of 180 adults over sixty, thirty minutes of brisk walking a day lowered "
              "resting systolic blood pressure by 5 mmHg compared with usual activity.",),
)
GUIDE = (b"<html><head><title>Staying active</title></head><body><article><h1>Staying active</h1>"
         b"<p>Adults are advised to do at least 150 minutes of moderate activity every week.</p></article></body></html>")


def _article(tmp: Path, web: LoopbackServer) -> Path:
    article = tmp / "walking.md"
    article.write_text(
        "# Walking for your heart\n\n"
        "Thirty minutes of brisk walking a day lowered systolic blood pressure by 5 mmHg in adults over sixty [1].\n"
        "Adults are advised to do at least 150 minutes of moderate activity every week [2].\n\n## Sources\n"
        f"1. Brisk walking and blood pressure. J Invented Cardiol. doi:{PAPER.doi}. {web.url('/journal/article/4')}\n"
        f"2. Staying active. {web.url('/guide')}\n",
        encoding="utf-8",
    )
    return article


def _settings(tmp: Path, base: str, enabled: tuple[str, ...] = SERVICES):  # type: ignore[no-untyped-def]
    config = tmp / "services.toml"
    urls = "\n".join(f'{name}_url = "{base}/{name}"' for name in SERVICES)
    listed = ", ".join(f'"{name}"' for name in enabled)
    config.write_text(f'[fetch]\ncontact = "desk@example.org"\nbackoff_base = 0.01\n\n[scholarly]\nenabled = [{listed}]\n{urls}\n')
    return load_settings(config).with_fetch(allow_private_hosts=True)


def test_a_recheck_does_not_ask_again_for_an_unchanged_paper(loopback: LoopbackServer, tmp_path: Path) -> None:
    web = loopback
    web.add("/journal/article/4", Reply(status=403, body=b"<html><body>Forbidden</body></html>"))
    web.add("/guide", Reply(body=GUIDE, etag='"guide-1"'))
    with LoopbackServer() as services:
        standins = StandIns(services)
        standins.add(PAPER, {"ncbi_eutils"})
        config = tmp_path / "standins.toml"
        config.write_text(standins.settings_toml(), encoding="utf-8")
        settings = load_settings(config).with_fetch(allow_private_hosts=True)
        db = tmp_path / "runs.db"
        outcome = check_and_record(CheckRequest(article=str(_article(tmp_path, web)), out_dir=tmp_path / "out"), settings, db)
        first = outcome.report.sources[0]
        assert first.status == "ok" and first.read_from is not None and first.read_from.service == "ncbi_eutils"
        asked = services.hits()
        assert asked >= 3  # Europe PMC (nothing), esearch, efetch, ...
        with Store(db, settings.recheck) as store:
            assert store.count("scholarly_answers") == 2  # the PubMed id and the abstract
            clock = lambda: datetime.now(UTC) + timedelta(days=1)  # noqa: E731
            (result,) = recheck_articles(store, store.articles(), settings, clock=clock).articles
            latest = store.run(result.run_id)
        # Europe PMC's "no record" is asked again (a paper may be indexed since); PubMed's answers are kept.
        repeated = [seen.path for seen in services.requests[asked:]]
        assert not any("/entrez/eutils/" in path for path in repeated)
        assert result.error == ""
        assert [check.status for check in latest.sources] == ["http_error", "ok"]  # the link's health is the page's
        # ... and its reason says what stood in for the page.
        assert latest.sources[0].reason.startswith("Read from the abstract from PubMed (NCBI E-utilities)")
        assert "refused by the site" in latest.sources[0].reason
        assert [claim.verdict for claim in latest.claims][0] in ("supported", "partially_supported")


def test_with_every_service_failing_a_recheck_completes_and_says_why(loopback: LoopbackServer, tmp_path: Path) -> None:
    web = loopback
    web.add("/journal/article/4", Reply(status=403, body=b"<html><body>Forbidden</body></html>"))
    web.add("/guide", Reply(body=GUIDE))
    with LoopbackServer() as failing:
        failing.handle("/", lambda seen: Reply(status=500, body=b"internal error"))
        settings = _settings(tmp_path, failing.base_url)
        (tmp_path / "off").mkdir()
        off = _settings(tmp_path / "off", failing.base_url, enabled=())
        db = tmp_path / "runs.db"
        article = _article(tmp_path, web)
        check_and_record(CheckRequest(article=str(article), out_dir=tmp_path / "out"), off, db)
        with Store(db, settings.recheck) as store:
            clock = lambda: datetime.now(UTC) + timedelta(days=1)  # noqa: E731
            (failed,) = recheck_articles(store, store.articles(), settings, clock=clock).articles
            (switched_off,) = recheck_articles(store, store.articles(), off,
                                               clock=lambda: datetime.now(UTC) + timedelta(days=2)).articles
            runs = store.runs(store.articles()[0].id)
        assert failing.hits() > 0 and failed.error == "" and switched_off.error == ""
        assert [[(c.claim, c.verdict) for c in run.claims] for run in runs[1:]] == [[(c.claim, c.verdict) for c in runs[0].claims]] * 2
        assert [check.status for check in runs[1].sources] == ["http_error", "ok"]
        assert "refused by the site" in runs[1].sources[0].reason
