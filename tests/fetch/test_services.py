"""Each service's requests and answers, as its documentation describes them: the paths built
on a base URL, and what the readers make of documented answers, empty ones and broken ones."""

from __future__ import annotations

import json

import pytest

from pipeline.fetch.scholarly import _archive_may_hold
from pipeline.fetch.services import (
    BadAnswer,
    Capture,
    crossref_url,
    efetch_url,
    esearch_url,
    europepmc_fulltext_url,
    europepmc_search_url,
    openalex_url,
    read_crossref,
    read_efetch,
    read_esearch,
    read_europepmc,
    read_openalex,
    read_unpaywall,
    read_wayback,
    requests_per_second,
    unpaywall_url,
    wayback_url,
)
from pipeline.records import Identifiers


def test_requests_follow_the_documented_paths() -> None:
    epmc = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    assert europepmc_search_url(epmc, Identifiers(doi="10.1/a")) == (
        f"{epmc}/search?query=DOI%3A%2210.1%2Fa%22&format=json&resultType=core&pageSize=1"
    )
    assert "query=EXT_ID%3A123%20AND%20SRC%3AMED" in europepmc_search_url(epmc, Identifiers(doi="10.1/a", pmid="123"))
    assert "query=PMCID%3APMC9" in europepmc_search_url(epmc, Identifiers(pmid="123", pmcid="PMC9"))
    assert europepmc_search_url(epmc, Identifiers()) == ""
    assert europepmc_fulltext_url(epmc + "/", "PMC9") == f"{epmc}/PMC9/fullTextXML"
    eutils = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    assert esearch_url(eutils, "10.1/a", "me@example.org") == (
        f"{eutils}/esearch.fcgi?db=pubmed&term=10.1%2Fa%5Bdoi%5D&retmode=json&tool=claimcheck&email=me@example.org"
    )
    assert efetch_url(eutils, "42", "") == f"{eutils}/efetch.fcgi?db=pubmed&id=42&retmode=xml&tool=claimcheck"
    assert crossref_url("https://api.crossref.org", "10.1/a(b)", "me@example.org") == (
        "https://api.crossref.org/works/10.1/a%28b%29?mailto=me@example.org"
    )
    assert openalex_url("https://api.openalex.org", "10.1/a", "") == "https://api.openalex.org/works/doi:10.1/a"
    assert unpaywall_url("https://api.unpaywall.org/v2", "10.1/a", "me@example.org") == (
        "https://api.unpaywall.org/v2/10.1/a?email=me@example.org"
    )
    assert wayback_url("https://archive.org/wayback/available", "https://a.example/p?q=1", "2024-03-05") == (
        "https://archive.org/wayback/available?url=https%3A%2F%2Fa.example%2Fp%3Fq%3D1&timestamp=20240305"
    )


def test_published_rates() -> None:
    assert requests_per_second("ncbi_eutils", has_key=False, has_contact=True) == 3
    assert requests_per_second("ncbi_eutils", has_key=True, has_contact=True) == 10
    assert requests_per_second("crossref", has_key=False, has_contact=False) == 5
    assert requests_per_second("crossref", has_key=False, has_contact=True) == 10


def test_europepmc_search_answers() -> None:
    hit = {
        "hitCount": 1,
        "resultList": {"result": [{
            "id": "31", "source": "MED", "pmid": "31", "pmcid": "PMC7", "doi": "10.1/a", "title": "A <i>tidy</i> trial",
            "authorString": "Okafor I, Lindgren T.", "journalInfo": {"journal": {"title": "J Ex"}},
            "firstPublicationDate": "2021-02-03", "isOpenAccess": "Y",
            "abstractText": "<h4>Methods</h4>We walked 20 adults.<h4>Results</h4>Pressure fell by 4 mmHg in all of them.",
        }]},
    }
    found = read_europepmc(json.dumps(hit).encode())
    assert found is not None
    paper, open_access = found
    assert paper.title == "A tidy trial" and open_access and paper.pmcid == "PMC7" and paper.service == "europepmc"
    assert paper.abstract == ("Methods: We walked 20 adults.", "Results: Pressure fell by 4 mmHg in all of them.")
    assert paper.authors == ("Okafor I", "Lindgren T")
    assert read_europepmc(b'{"version": "6.9", "hitCount": 0, "resultList": {"result": []}}') is None
    with pytest.raises(BadAnswer, match="not a Europe PMC search result"):
        read_europepmc(b'{"something": "else"}')
    with pytest.raises(BadAnswer, match="malformed JSON"):
        read_europepmc(b"<html>busy</html>")


def test_esearch_answers() -> None:
    assert read_esearch(b'{"esearchresult": {"count": "1", "idlist": ["35000009"]}}') == ("35000009",)
    assert read_esearch(b'{"esearchresult": {"count": "0", "idlist": []}}') == ()
    with pytest.raises(BadAnswer, match="PubMed search error"):
        read_esearch(b'{"esearchresult": {"ERROR": "Invalid query"}}')
    with pytest.raises(BadAnswer):
        read_esearch(b'{"error": "API rate limit exceeded"}')


PUBMED = b"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">35000009</PMID>
<Article PubModel="Print"><Journal><JournalIssue><PubDate><Year>2022</Year><Month>Mar</Month></PubDate></JournalIssue>
<Title>Invented Sleep</Title></Journal><ArticleTitle>Screens and <i>sleep</i></ArticleTitle>
<Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Teenagers sleep late.</AbstractText>
<AbstractText Label="RESULTS">Screens before bed delayed sleep by <b>20</b> minutes.</AbstractText></Abstract>
<AuthorList><Author><LastName>Osei</LastName><ForeName>Kofi</ForeName></Author></AuthorList></Article></MedlineCitation>
<PubmedData><ArticleIdList><ArticleId IdType="doi">10.5555/s.1</ArticleId><ArticleId IdType="pmc">PMC3</ArticleId>
</ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>"""


def test_pubmed_efetch_answers() -> None:
    paper = read_efetch(PUBMED)
    assert paper is not None
    assert (paper.title, paper.journal, paper.published, paper.pmid, paper.doi, paper.pmcid) == (
        "Screens and sleep", "Invented Sleep", "2022 Mar", "35000009", "10.5555/s.1", "PMC3"
    )
    assert paper.abstract == ("Background: Teenagers sleep late.", "Results: Screens before bed delayed sleep by 20 minutes.")
    assert paper.authors == ("Kofi Osei",)
    assert read_efetch(b'<?xml version="1.0"?><PubmedArticleSet></PubmedArticleSet>') is None
    with pytest.raises(BadAnswer, match="malformed XML"):
        read_efetch(b"<PubmedArticleSet><PubmedArticle><Medline")
    with pytest.raises(BadAnswer, match="not a PubmedArticleSet"):
        read_efetch(b"<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>")


def test_an_entity_in_an_answer_is_never_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&c;</ArticleTitle><Abstract><AbstractText>&c;</AbstractText></Abstract></Article></MedlineCitation>
</PubmedArticle></PubmedArticleSet>"""
    paper = read_efetch(bomb)
    assert paper is None or "aaaa" not in " ".join(paper.abstract)


def test_crossref_answers() -> None:
    work = {"status": "ok", "message": {
        "DOI": "10.1/a", "title": ["Noise and blood pressure"], "container-title": ["J Ex"],
        "published": {"date-parts": [[2024, 1, 9]]}, "author": [{"given": "Ana", "family": "Ruiz"}],
        "abstract": "<jats:p>We followed 12,000 adults for eight years.</jats:p>",
    }}
    paper = read_crossref(json.dumps(work).encode())
    assert (paper.title, paper.journal, paper.published, paper.authors) == ("Noise and blood pressure", "J Ex", "2024-01-09", ("Ana Ruiz",))
    assert paper.abstract == ("We followed 12,000 adults for eight years.",)
    del work["message"]["abstract"]
    assert read_crossref(json.dumps(work).encode()).abstract == ()
    with pytest.raises(BadAnswer, match="malformed JSON"):
        read_crossref(b"Resource not found.")


def test_openalex_rebuilds_the_abstract_from_its_inverted_index() -> None:
    work = {"id": "https://openalex.org/W1", "title": "T", "publication_date": "2020-05-01",
            "abstract_inverted_index": {"fell.": [4], "Pressure": [0], "by": [2], "4mmHg": [3], "fell": [1]},
            "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/777"}}
    paper = read_openalex(json.dumps(work).encode())
    assert paper.abstract == ("Pressure fell by 4mmHg fell.",) and paper.pmid == "777"
    assert read_openalex(json.dumps({**work, "abstract_inverted_index": None}).encode()).abstract == ()
    with pytest.raises(BadAnswer):
        read_openalex(b'{"error": "NotFoundError"}')


def test_unpaywall_answers() -> None:
    record = {"is_oa": True, "best_oa_location": {"url_for_pdf": "https://repo.example/a.pdf", "url": "https://repo.example/a"},
              "oa_locations": [{"url": "https://repo.example/a"}, {"url_for_landing_page": "https://pmc.example/b"}]}
    assert read_unpaywall(json.dumps(record).encode()) == ("https://repo.example/a.pdf", "https://repo.example/a", "https://pmc.example/b")
    assert read_unpaywall(json.dumps({**record, "is_oa": False}).encode()) == ()
    with pytest.raises(BadAnswer):
        read_unpaywall(b'{"HTTP_status_code": 404, "error": true}')


def test_wayback_availability_answers() -> None:
    assert read_wayback(b'{"archived_snapshots": {}}') is None
    capture = read_wayback(json.dumps({"archived_snapshots": {"closest": {
        "available": True, "status": "200", "timestamp": "20130919044612",
        "url": "http://web.archive.org/web/20130919044612/http://example.com/"}}}).encode())
    assert capture == Capture("http://web.archive.org/web/20130919044612/http://example.com/", "20130919044612")
    assert capture.date == "2013-09-19"
    assert capture.original_bytes_url == "http://web.archive.org/web/20130919044612id_/http://example.com/"
    captured_error = {"archived_snapshots": {"closest": {"available": True, "status": "404", "timestamp": "20130919044612",
                                                         "url": "http://web.archive.org/web/20130919044612/http://x/"}}}
    assert read_wayback(json.dumps(captured_error).encode()) is None
    with pytest.raises(BadAnswer):
        read_wayback(b'{"archived_snapshots": {"closest": {"url": "javascript:alert(1)", "timestamp": "now"}}}')


@pytest.mark.parametrize(
    ("url", "archive", "may"),
    [
        ("https://www.clinic.example/a", "https://archive.org/wayback/available", True),
        ("http://127.0.0.1:8000/a", "https://archive.org/wayback/available", False),
        ("http://10.0.0.5/intranet/page", "https://archive.org/wayback/available", False),
        ("http://localhost/a", "https://archive.org/wayback/available", False),
        ("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/wayback/available", True),
    ],
)
def test_a_public_archive_is_never_told_of_a_private_address(url: str, archive: str, may: bool) -> None:
    assert _archive_may_hold(url, archive) is may
