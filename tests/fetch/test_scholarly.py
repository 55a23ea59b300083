"""The resolution chain against loopback stand-ins of every service (tests/scholarly_standins.py):
the order of the steps, the services' failures (429 with Retry-After, 5xx, empty results, a
DOI that resolves to nothing, malformed XML), the switches, the archive and its replay, kept
answers, the API key that never reaches the archive, and the address guard."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply
from scholarly_standins import SERVICES, Paper, StandIns

from pipeline.config import FetchSettings, ScholarlySettings, load_settings
from pipeline.fetch import ReplayTransport, WarcRecorder, resolve_references_sync
from pipeline.fetch.archive_read import read_archive
from pipeline.records import Identifiers, Resolution, ResolveRequest, ServiceAnswer

TRIAL = Paper(
    doi="10.5555/trial.2023.1", pmid="36000001", pmcid="PMC9000001", title="Brisk walking and blood pressure",
    journal="Journal of Invented Cardiology",
    abstract=("Methods: We randomised 240 adults to daily brisk walking or usual activity.",
              "Results: Systolic pressure fell by 6 mmHg more with walking."),
    full_text=(("Results", ("Systolic pressure fell by 6 mmHg more in the walking group.",)),),
)
SURVEY = Paper(
    doi="10.5555/survey.2022.9", pmid="35000009", title="Screens and sleep in teenagers", journal="Invented Sleep",
    abstract=("Teenagers who used screens before bed took longer to fall asleep.",),
)


@pytest.fixture
def standins(loopback: LoopbackServer) -> StandIns:
    return StandIns(loopback)


def _settings(standins: StandIns, enabled: tuple[str, ...] = SERVICES) -> ScholarlySettings:
    return ScholarlySettings(enabled=enabled, **{f"{service}_url": standins.base(service) for service in SERVICES})


def _fetch(**changes: object) -> FetchSettings:
    base = dataclasses.replace(load_settings().fetch, allow_private_hosts=True, contact="desk@example.org",
                               backoff_base=0.01, total_deadline=20.0)
    return dataclasses.replace(base, **changes)


def _request(ref: str, doi: str = "", pmid: str = "", url: str = "https://publisher.example/x", **fields: object) -> ResolveRequest:
    return ResolveRequest(reference_id=ref, url=url, identifiers=Identifiers(doi=doi, pmid=pmid), state="refused",
                          why="the publisher answered 403", **fields)  # type: ignore[arg-type]


def _resolve(standins: StandIns, *requests: ResolveRequest, enabled: tuple[str, ...] = SERVICES, **options: object) -> tuple[Resolution, ...]:
    fetch = _fetch(**options.pop("fetch", {}))  # type: ignore[arg-type]
    return resolve_references_sync(requests, fetch, _settings(standins, enabled), **options)  # type: ignore[arg-type]


def _outcomes(resolution: Resolution) -> list[tuple[str, str]]:
    return [(lookup.service, lookup.outcome) for lookup in resolution.lookups]


def test_europepmc_gives_the_abstract_and_an_open_access_full_text_ends_the_chain(standins: StandIns) -> None:
    standins.add(TRIAL, {"europepmc", "crossref", "unpaywall"})
    (found,) = _resolve(standins, _request("1", doi=TRIAL.doi))
    assert found.record is not None and found.record.service == "europepmc"
    assert found.record.abstract == ("Methods: We randomised 240 adults to daily brisk walking or usual activity.",
                                     "Results: Systolic pressure fell by 6 mmHg more with walking.")
    assert found.record.pmcid == "PMC9000001" and found.record.journal == "Journal of Invented Cardiology"
    assert found.copy_kind == "full_text" and b"<article" in found.copy.body  # type: ignore[union-attr]
    assert _outcomes(found) == [("europepmc", "abstract found"), ("europepmc", "open-access full text found")]
    (search,) = [seen for seen in standins.requests_to("europepmc") if "/search" in seen.path]
    assert "format=json" in search.path and "resultType=core" in search.path and "DOI%3A%22" in search.path
    assert search.headers["accept"].startswith("application/json")
    assert not standins.requests_to("crossref") and not standins.requests_to("unpaywall")


def test_pubmed_by_doi_then_crossref_and_openalex_are_not_needed(standins: StandIns) -> None:
    standins.add(SURVEY, {"ncbi_eutils", "crossref", "openalex"})
    (found,) = _resolve(standins, _request("1", doi=SURVEY.doi))
    assert found.record is not None and found.record.service == "ncbi_eutils"
    assert found.record.abstract == ("Teenagers who used screens before bed took longer to fall asleep.",)
    assert found.record.pmid == "35000009" and found.record.published == "2023 05"
    assert _outcomes(found)[:3] == [("europepmc", "no Europe PMC record for this paper"),
                                    ("ncbi_eutils", "PubMed id found"), ("ncbi_eutils", "abstract found")]
    esearch, efetch = standins.requests_to("ncbi_eutils")
    assert "term=10.5555%2Fsurvey.2022.9%5Bdoi%5D" in esearch.path and "retmode=json" in esearch.path
    assert "id=35000009" in efetch.path and "tool=claimcheck" in efetch.path and "email=desk@example.org" in efetch.path
    assert not standins.requests_to("crossref") and not standins.requests_to("openalex")


def test_a_429_with_retry_after_is_waited_out_and_asked_again(standins: StandIns) -> None:
    standins.add(TRIAL, {"europepmc"})
    standins.fail("europepmc", [Reply(status=429, content_type="application/json", headers=(("Retry-After", "1"),),
                                      body=b'{"errMsg":"slow down"}')])
    (found,) = _resolve(standins, _request("1", doi=TRIAL.doi))
    first, second = [seen for seen in standins.requests_to("europepmc") if "/search" in seen.path]
    assert second.at - first.at >= 0.95  # it waited as long as it was asked to
    assert found.record is not None and found.record.service == "europepmc"


def test_a_service_failing_with_5xx_is_passed_over_for_the_rest_of_the_run(standins: StandIns) -> None:
    standins.add(TRIAL, {"crossref"})
    standins.add(SURVEY, {"crossref"})
    standins.fail("europepmc", [Reply(status=503, body=b"busy")] * 10)
    first, second = _resolve(standins, _request("1", doi=TRIAL.doi), _request("2", doi=SURVEY.doi),
                             fetch={"retries": 2, "max_concurrency": 1})
    assert len(standins.requests_to("europepmc")) == 3  # one source's three attempts, then never again
    assert _outcomes(first)[0][1].startswith("failed: the site failed with a server error (HTTP 503")
    assert ("europepmc", "not asked: it failed earlier in this run (HTTP 503)") in _outcomes(second)
    assert first.record.service == second.record.service == "crossref"  # type: ignore[union-attr]


def test_empty_results_and_a_doi_that_resolves_to_nothing(standins: StandIns) -> None:
    (found,) = _resolve(standins, _request("1", doi="10.5555/nothing.here"))
    assert found.record is None and found.copy is None
    assert _outcomes(found) == [
        ("europepmc", "no Europe PMC record for this paper"),
        ("ncbi_eutils", "no PubMed record for this DOI"),
        ("crossref", "no record for this DOI"),
        ("openalex", "no record for this DOI"),
        ("unpaywall", "no record for this DOI"),
        ("wayback", "no archived copy"),
    ]
    assert not found.answers  # nothing found is nothing kept: the paper may be indexed later


def test_malformed_xml_from_pubmed_is_a_failed_step_and_the_chain_goes_on(standins: StandIns) -> None:
    standins.add(SURVEY, {"crossref"})
    standins.fail("ncbi_eutils", [Reply(content_type="text/xml", body=b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><Med')])
    (found,) = _resolve(standins, _request("1", doi=SURVEY.doi, pmid=SURVEY.pmid))
    assert _outcomes(found)[1][0] == "ncbi_eutils"
    assert _outcomes(found)[1][1].startswith("failed: the answer could not be read (malformed XML")
    assert found.record is not None and found.record.service == "crossref"


def test_unpaywall_needs_a_contact_address_and_its_copy_is_fetched_like_a_page(standins: StandIns, loopback: LoopbackServer) -> None:
    copy = loopback.add("/repository/accepted.html", body=b"<html><body><article><p>The accepted manuscript.</p></article></body></html>")
    standins.add(dataclasses.replace(SURVEY, oa_copy=copy), {"unpaywall"})
    (without,) = _resolve(standins, _request("1", doi=SURVEY.doi), enabled=("unpaywall",), fetch={"contact": ""})
    assert [item for item in _outcomes(without) if item[0] == "unpaywall"] == [
        ("unpaywall", "not asked: Unpaywall requires an email address ([fetch] contact is empty)")
    ]
    assert not standins.requests_to("unpaywall")
    (found,) = _resolve(standins, _request("1", doi=SURVEY.doi), enabled=("unpaywall",))
    assert found.copy_kind == "open_access_copy" and found.copy.final_url == copy  # type: ignore[union-attr]
    assert "email=desk@example.org" in standins.requests_to("unpaywall")[0].path


def test_a_dead_page_is_read_from_the_capture_the_archive_holds_before_the_date(standins: StandIns) -> None:
    dead = "https://www.clinic.example/advice/walking"
    standins.archive(dead, "20220105090000", b"<html><body><p>Old advice.</p></body></html>")
    standins.archive(dead, "20240301090000", b"<html><body><p>Newer advice.</p></body></html>")
    request = dataclasses.replace(_request("1", url=dead), state="dead", archive_first=True, archive_before="2024-03-10")
    (found,) = _resolve(standins, request)
    assert found.copy_kind == "archived_copy" and found.copy_date == "2024-03-01"
    assert found.copy.body == b"<html><body><p>Newer advice.</p></body></html>"  # type: ignore[union-attr]
    availability = standins.requests_to("wayback")[0].path
    assert "timestamp=20240310" in availability and "url=https%3A%2F%2Fwww.clinic.example" in availability
    # The capture is asked for as archived ("id_"), without the archive's toolbar.
    assert any(seen.path.startswith("/web/20240301090000id_/") for seen in standins.server.requests)
    # The availability API gives the closest capture either side; one after the date is said to be.
    (later,) = _resolve(standins, dataclasses.replace(request, archive_before="2023-12-01"))
    assert later.copy_date == "2024-03-01"
    assert any("the closest capture, made after 2023-12-01" in lookup.outcome for lookup in later.lookups)


def test_every_service_switched_off_asks_nothing_and_says_so(standins: StandIns) -> None:
    standins.add(TRIAL, set(SERVICES))
    (found,) = _resolve(standins, dataclasses.replace(_request("1", doi=TRIAL.doi), archive_first=True), enabled=())
    assert standins.server.hits() == 0
    assert {outcome for _, outcome in _outcomes(found)} == {"not asked: switched off ([scholarly] enabled)"}
    assert {service for service, _ in _outcomes(found)} == set(SERVICES)


def test_without_permission_the_address_guard_refuses_the_stand_ins(standins: StandIns) -> None:
    standins.add(TRIAL, {"europepmc"})
    (found,) = _resolve(standins, _request("1", doi=TRIAL.doi), fetch={"allow_private_hosts": False})
    assert standins.server.hits() == 0
    assert "loopback" in _outcomes(found)[0][1]


def test_every_request_is_archived_and_a_replay_asks_nothing(standins: StandIns, tmp_path: Path) -> None:
    standins.add(TRIAL, {"europepmc"})
    standins.add(SURVEY, {"ncbi_eutils"})
    requests = (_request("1", doi=TRIAL.doi), _request("2", doi=SURVEY.doi), _request("3", doi="10.5555/unknown"))
    with WarcRecorder(tmp_path / "run.warc.gz") as recorder:
        live = _resolve(standins, *requests, recorder=recorder)
    archived = {response.url for response in read_archive(tmp_path / "run.warc.gz")}
    assert {seen.path for seen in standins.server.requests} == {url.split(str(standins.server.port), 1)[1] for url in archived}
    hits = standins.server.hits()
    replayed = _resolve(standins, *requests, transport=ReplayTransport(tmp_path / "run.warc.gz"))
    assert standins.server.hits() == hits
    assert [(r.record, r.copy_kind) for r in replayed] == [(r.record, r.copy_kind) for r in live]
    # A request the archive does not hold is not sent: it is "not in the archive".
    (missing,) = _resolve(standins, _request("4", doi="10.5555/never.asked", url="https://elsewhere.example/y"), transport=ReplayTransport(tmp_path / "run.warc.gz"))
    assert standins.server.hits() == hits
    assert all("not in the archive" in outcome for _, outcome in _outcomes(missing))


def test_an_ncbi_key_is_sent_on_the_wire_and_never_archived(standins: StandIns, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NCBI_API_KEY", "k3y-that-must-not-leak")
    standins.add(SURVEY, {"ncbi_eutils"})
    with WarcRecorder(tmp_path / "run.warc.gz") as recorder:
        (found,) = _resolve(standins, _request("1", doi=SURVEY.doi), enabled=("ncbi_eutils",), recorder=recorder)
    assert found.record is not None
    assert all("api_key=k3y-that-must-not-leak" in seen.path for seen in standins.requests_to("ncbi_eutils"))
    assert b"k3y-that-must-not-leak" not in (tmp_path / "run.warc.gz").read_bytes()
    import gzip

    assert b"k3y-that-must-not-leak" not in gzip.decompress((tmp_path / "run.warc.gz").read_bytes())
    # The archive still replays it (the key rides on the wire only).
    monkeypatch.delenv("NCBI_API_KEY")
    (again,) = _resolve(standins, _request("1", doi=SURVEY.doi), enabled=("ncbi_eutils",),
                        transport=ReplayTransport(tmp_path / "run.warc.gz"))
    assert again.record == found.record


class _Kept(dict):
    """Answers kept from an earlier run, as the run store keeps them."""

    def answer(self, url: str) -> ServiceAnswer | None:
        return self.get(url)


def test_a_kept_answer_is_used_instead_of_asking_and_goes_into_the_archive(standins: StandIns, tmp_path: Path) -> None:
    standins.add(TRIAL, {"crossref"})
    (first,) = _resolve(standins, _request("1", doi=TRIAL.doi), enabled=("crossref",))
    assert len(first.answers) == 1 and first.answers[0].service == "crossref"
    kept = _Kept({answer.url: answer for answer in first.answers})
    hits = standins.server.hits()
    with WarcRecorder(tmp_path / "run.warc.gz") as recorder:
        (second,) = _resolve(standins, _request("1", doi=TRIAL.doi), enabled=("crossref",), cache=kept, recorder=recorder)
    assert standins.server.hits() == hits
    assert second.record.abstract == first.record.abstract  # type: ignore[union-attr]
    assert ("crossref", f"abstract found (kept from {first.answers[0].fetched_at})") in _outcomes(second)
    assert not second.answers  # already kept
    (record,) = read_archive(tmp_path / "run.warc.gz")
    assert record.url == first.answers[0].url and record.date == first.answers[0].fetched_at
