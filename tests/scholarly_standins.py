"""Loopback stand-ins for the scholarly services, answering on their documented paths in their
documented formats (JSON and XML), with bodies written here for invented papers.

    Europe PMC        {base}/europepmc/webservices/rest/search?query=...&format=json&resultType=core
                      {base}/europepmc/webservices/rest/{PMCID}/fullTextXML        (JATS XML)
    NCBI E-utilities  {base}/entrez/eutils/esearch.fcgi?db=pubmed&term=...&retmode=json
                      {base}/entrez/eutils/efetch.fcgi?db=pubmed&id=...&retmode=xml (PubmedArticleSet)
    Crossref          {base}/crossref/works/{doi}            ({"status": "ok", "message": {...}})
    OpenAlex          {base}/openalex/works/doi:{doi}        (a Work object, abstract_inverted_index)
    Unpaywall         {base}/unpaywall/v2/{doi}?email=...    (is_oa, best_oa_location, oa_locations)
    Wayback           {base}/wayback/available?url=...&timestamp=...  ({"archived_snapshots": ...})
                      {base}/web/{timestamp}id_/{address}    (the capture as archived)

Each service knows only the papers it is told about (`StandIns.add(paper, services)`), and can
be scripted to fail first (`fail(service, replies)`: 429 with Retry-After, 5xx, malformed
bodies), as the real ones do. `requests_to(service)` lists what reached each one.

    with LoopbackServer() as server:
        standins = StandIns(server)
        standins.add(Paper(doi="10.5555/x", ...), {"europepmc", "crossref"})
        settings_file.write_text(standins.settings_toml())
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, quote, unquote, urlsplit

from loopback import LoopbackServer, Reply, SeenRequest

SERVICES = ("europepmc", "ncbi_eutils", "crossref", "openalex", "unpaywall", "wayback")
_PREFIXES = {
    "europepmc": "/europepmc/webservices/rest",
    "ncbi_eutils": "/entrez/eutils",
    "crossref": "/crossref",
    "openalex": "/openalex",
    "unpaywall": "/unpaywall/v2",
    "wayback": "/wayback/available",
}
JSON = "application/json;charset=UTF-8"
XML = "text/xml; charset=UTF-8"


@dataclass(frozen=True)
class Paper:
    """An invented paper, as the stand-ins describe it."""

    doi: str
    title: str
    journal: str
    abstract: tuple[str, ...]  # paragraphs; "Label: text" gives a labelled section
    pmid: str = ""
    pmcid: str = ""
    year: int = 2023
    month: int = 5
    day: int = 14
    authors: tuple[tuple[str, str], ...] = (("Ines", "Okafor"), ("Tomas", "Lindgren"))
    full_text: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (section title, paragraphs): open access
    oa_copy: str = ""  # an open-access copy's address, for Unpaywall
    crossref_abstract: bool = True  # whether the publisher deposited the abstract with Crossref


@dataclass
class _Capture:
    timestamp: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass
class StandIns:
    """The six stand-ins on one loopback server (see the module docstring)."""

    server: LoopbackServer
    papers: dict[str, tuple[Paper, frozenset[str]]] = field(default_factory=dict)
    captures: dict[str, list[_Capture]] = field(default_factory=dict)
    _failures: dict[str, list[Reply]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for service, prefix in _PREFIXES.items():
            self.server.handle(prefix, lambda seen, service=service: self._answer(service, seen))
        self.server.handle("/web/", self._capture)

    # ── setting up ──

    def add(self, paper: Paper, services: Iterable[str]) -> Paper:
        """Let `services` know `paper`."""
        self.papers[paper.doi.lower()] = (paper, frozenset(services))
        return paper

    def archive(self, address: str, timestamp: str, body: bytes) -> None:
        """Let the Wayback stand-in hold a capture of `address` made at `timestamp` (14 digits)."""
        self.captures.setdefault(address, []).append(_Capture(timestamp, body))

    def fail(self, service: str, replies: Sequence[Reply]) -> None:
        """Answer `service`'s next requests with `replies`, in turn, before answering normally."""
        self._failures.setdefault(service, []).extend(replies)

    def base(self, service: str) -> str:
        return self.server.url(_PREFIXES[service])

    def settings_toml(self, enabled: Sequence[str] = SERVICES, contact: str = "desk@example.org") -> str:
        """A settings file pointing every service at its stand-in."""
        urls = "\n".join(f'{service}_url = "{self.base(service)}"' for service in SERVICES)
        listed = ", ".join(f'"{service}"' for service in enabled)
        return f'[fetch]\ncontact = "{contact}"\n\n[scholarly]\nenabled = [{listed}]\n{urls}\n'

    def requests_to(self, service: str) -> list[SeenRequest]:
        return [seen for seen in self.server.requests if seen.path.startswith(_PREFIXES[service])]

    # ── answering ──

    def _answer(self, service: str, seen: SeenRequest) -> Reply:
        queued = self._failures.get(service)
        if queued:
            return queued.pop(0)
        parts = urlsplit(seen.path)
        path = unquote(parts.path.removeprefix(_PREFIXES[service]))
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        return getattr(self, f"_{service}")(path, query)

    def _known(self, service: str, doi: str = "", pmid: str = "", pmcid: str = "") -> Paper | None:
        for paper, services in self.papers.values():
            if service not in services:
                continue
            if (doi and paper.doi.lower() == doi.lower()) or (pmid and paper.pmid == pmid) or (
                pmcid and paper.pmcid.upper() == pmcid.upper()
            ):
                return paper
        return None

    def _europepmc(self, path: str, query: dict[str, str]) -> Reply:
        if path.endswith("/fullTextXML"):
            paper = self._known("europepmc", pmcid=path.strip("/").split("/")[0])
            if paper is None or not paper.full_text:
                return Reply(status=404, content_type=JSON, body=b'{"errCode":404,"errMsg":"full text not found"}')
            return Reply(content_type="application/xml", body=_jats(paper))
        if path.rstrip("/") != "/search" or query.get("format") != "json":
            return Reply(status=400, content_type=JSON, body=b'{"errMsg":"unsupported request"}')
        asked = query.get("query", "")
        paper = None
        if asked.startswith("DOI:"):
            paper = self._known("europepmc", doi=asked[4:].strip('"'))
        elif asked.startswith("PMCID:"):
            paper = self._known("europepmc", pmcid=asked[6:])
        elif asked.startswith("EXT_ID:"):
            paper = self._known("europepmc", pmid=asked[7:].split()[0])
        results = [_europepmc_result(paper)] if paper else []
        document = {"version": "6.9", "hitCount": len(results), "request": {"queryString": asked,
                    "resultType": query.get("resultType", "lite")}, "resultList": {"result": results}}
        return Reply(content_type=JSON, body=json.dumps(document).encode())

    def _ncbi_eutils(self, path: str, query: dict[str, str]) -> Reply:
        if path == "/esearch.fcgi":
            term = query.get("term", "")
            paper = self._known("ncbi_eutils", doi=term.removesuffix("[doi]")) if term.endswith("[doi]") else None
            ids = [paper.pmid] if paper and paper.pmid else []
            document = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": {
                "count": str(len(ids)), "retmax": str(len(ids)), "retstart": "0", "idlist": ids,
                "translationset": [], "querytranslation": term}}
            return Reply(content_type="application/json; charset=UTF-8", body=json.dumps(document).encode())
        if path == "/efetch.fcgi":
            paper = self._known("ncbi_eutils", pmid=query.get("id", ""))
            return Reply(content_type=XML, body=_pubmed_xml(paper))
        return Reply(status=400, content_type="text/plain", body=b"unknown utility")

    def _crossref(self, path: str, query: dict[str, str]) -> Reply:
        paper = self._known("crossref", doi=path.removeprefix("/works/"))
        if paper is None:
            return Reply(status=404, content_type="text/plain", body=b"Resource not found.")
        message = {
            "DOI": paper.doi, "type": "journal-article", "title": [paper.title], "container-title": [paper.journal],
            "published": {"date-parts": [[paper.year, paper.month, paper.day]]},
            "author": [{"given": given, "family": family, "sequence": "first" if index == 0 else "additional"}
                       for index, (given, family) in enumerate(paper.authors)],
            "publisher": "Invented Academic Press",
        }
        if paper.crossref_abstract:
            message["abstract"] = "".join(_jats_section(text) for text in paper.abstract)
        document = {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
        return Reply(content_type=JSON, body=json.dumps(document).encode())

    def _openalex(self, path: str, query: dict[str, str]) -> Reply:
        paper = self._known("openalex", doi=path.removeprefix("/works/doi:"))
        if paper is None:
            return Reply(status=404, content_type=JSON, body=b'{"error":"NotFoundError","message":"not found"}')
        words: dict[str, list[int]] = {}
        for position, word in enumerate(" ".join(text.split(": ", 1)[-1] for text in paper.abstract).split()):
            words.setdefault(word, []).append(position)
        document = {
            "id": f"https://openalex.org/W{abs(hash(paper.doi)) % 10**9}", "doi": f"https://doi.org/{paper.doi}",
            "title": paper.title, "display_name": paper.title,
            "publication_date": f"{paper.year:04d}-{paper.month:02d}-{paper.day:02d}",
            "primary_location": {"source": {"display_name": paper.journal, "type": "journal"}},
            "authorships": [{"author": {"display_name": f"{given} {family}"}} for given, family in paper.authors],
            "ids": {"doi": f"https://doi.org/{paper.doi}"} | ({"pmid": f"https://pubmed.ncbi.nlm.nih.gov/{paper.pmid}"} if paper.pmid else {}),
            "abstract_inverted_index": words,
        }
        return Reply(content_type=JSON, body=json.dumps(document).encode())

    def _unpaywall(self, path: str, query: dict[str, str]) -> Reply:
        if not query.get("email"):
            return Reply(status=422, content_type=JSON, body=b'{"HTTP_status_code":422,"error":true,"message":"email required"}')
        paper = self._known("unpaywall", doi=path.lstrip("/"))
        if paper is None:
            message = {"HTTP_status_code": 404, "error": True, "message": f"'{path.lstrip('/')}' is not a known DOI"}
            return Reply(status=404, content_type=JSON, body=json.dumps(message).encode())
        location = {"url": paper.oa_copy, "url_for_pdf": None, "url_for_landing_page": paper.oa_copy,
                    "host_type": "repository", "version": "acceptedVersion", "license": "cc-by"} if paper.oa_copy else None
        document = {"doi": paper.doi, "doi_url": f"https://doi.org/{paper.doi}", "is_oa": bool(paper.oa_copy),
                    "best_oa_location": location, "oa_locations": [location] if location else [],
                    "title": paper.title, "journal_name": paper.journal, "year": paper.year}
        return Reply(content_type=JSON, body=json.dumps(document).encode())

    def _wayback(self, path: str, query: dict[str, str]) -> Reply:
        address = query.get("url", "")
        held = self.captures.get(address, [])
        if not held:
            return Reply(content_type=JSON, body=b'{"url": "%s", "archived_snapshots": {}}' % address.encode())
        wanted = (query.get("timestamp", "") + "0" * 14)[:14] if query.get("timestamp") else "99999999999999"
        # Like the real API: the capture closest to the time asked for, before or after it.
        closest = min(held, key=lambda capture: abs(int(capture.timestamp) - int(wanted)))
        snapshot = {"available": True, "status": "200", "timestamp": closest.timestamp,
                    "url": self.server.url(f"/web/{closest.timestamp}/{address}")}
        return Reply(content_type=JSON, body=json.dumps({"url": address, "archived_snapshots": {"closest": snapshot}}).encode())

    def _capture(self, seen: SeenRequest) -> Reply:
        stamp, _, address = seen.path.removeprefix("/web/").partition("/")
        raw = stamp.endswith("id_")
        for capture in self.captures.get(address, []):
            if capture.timestamp == stamp.removesuffix("id_"):
                body = capture.body if raw else capture.body.replace(b"<body>", b"<body><div id='wm-toolbar'>Wayback</div>", 1)
                return Reply(content_type=capture.content_type, body=body)
        return Reply(status=404, body=b"<html><body>Not in the archive.</body></html>")


# ── bodies ───────────────────────────────────────────────────────────────────────────────


def _europepmc_result(paper: Paper) -> dict[str, object]:
    abstract = "".join(
        f"<h4>{escape(text.split(': ', 1)[0])}</h4>{escape(text.split(': ', 1)[1])}" if ": " in text[:30] else escape(text)
        for text in paper.abstract
    )
    result: dict[str, object] = {
        "id": paper.pmid or paper.pmcid or paper.doi, "source": "MED" if paper.pmid else "PPR",
        "doi": paper.doi, "title": paper.title,
        "authorString": ", ".join(f"{family} {given[0]}" for given, family in paper.authors) + ".",
        "authorList": {"author": [{"fullName": f"{family} {given[0]}", "firstName": given, "lastName": family}
                                  for given, family in paper.authors]},
        "journalInfo": {"journal": {"title": paper.journal}, "yearOfPublication": paper.year},
        "pubYear": str(paper.year), "abstractText": abstract,
        "firstPublicationDate": f"{paper.year:04d}-{paper.month:02d}-{paper.day:02d}",
        "isOpenAccess": "Y" if paper.full_text else "N", "inEPMC": "Y" if paper.full_text else "N",
        "hasTextMinedTerms": "N",
    }
    if paper.pmid:
        result["pmid"] = paper.pmid
    if paper.pmcid:
        result["pmcid"] = paper.pmcid
    return result


def _pubmed_xml(paper: Paper | None) -> bytes:
    head = '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
    if paper is None:
        return (head + "<PubmedArticleSet></PubmedArticleSet>\n").encode()
    sections = "".join(
        f'<AbstractText Label="{escape(text.split(": ", 1)[0].upper())}">{escape(text.split(": ", 1)[1])}</AbstractText>'
        if ": " in text[:30] else f"<AbstractText>{escape(text)}</AbstractText>"
        for text in paper.abstract
    )
    authors = "".join(f"<Author ValidYN=\"Y\"><LastName>{escape(family)}</LastName><ForeName>{escape(given)}</ForeName></Author>"
                      for given, family in paper.authors)
    ids = f'<ArticleId IdType="pubmed">{paper.pmid}</ArticleId><ArticleId IdType="doi">{escape(paper.doi)}</ArticleId>'
    if paper.pmcid:
        ids += f'<ArticleId IdType="pmc">{paper.pmcid}</ArticleId>'
    return (
        head + "<PubmedArticleSet><PubmedArticle><MedlineCitation Status=\"MEDLINE\" Owner=\"NLM\">"
        f'<PMID Version="1">{paper.pmid}</PMID><Article PubModel="Print-Electronic"><Journal>'
        f"<JournalIssue CitedMedium=\"Internet\"><PubDate><Year>{paper.year}</Year><Month>{paper.month:02d}</Month>"
        f"</PubDate></JournalIssue><Title>{escape(paper.journal)}</Title></Journal>"
        f"<ArticleTitle>{escape(paper.title)}</ArticleTitle><Abstract>{sections}</Abstract>"
        f"<AuthorList CompleteYN=\"Y\">{authors}</AuthorList></Article></MedlineCitation>"
        f"<PubmedData><ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle></PubmedArticleSet>\n"
    ).encode()


def _jats_section(text: str) -> str:
    if ": " in text[:30]:
        label, body = text.split(": ", 1)
        return f"<jats:sec><jats:title>{escape(label)}</jats:title><jats:p>{escape(body)}</jats:p></jats:sec>"
    return f"<jats:p>{escape(text)}</jats:p>"


def _jats(paper: Paper) -> bytes:
    abstract = "".join(f"<p>{escape(text)}</p>" for text in paper.abstract)
    body = "".join(
        f"<sec><title>{escape(title)}</title>{''.join(f'<p>{escape(p)}</p>' for p in paragraphs)}</sec>"
        for title, paragraphs in paper.full_text
    )
    contribs = "".join(f'<contrib contrib-type="author"><name><surname>{escape(family)}</surname>'
                       f"<given-names>{escape(given)}</given-names></name></contrib>" for given, family in paper.authors)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article" dtd-version="1.3">'
        f"<front><journal-meta><journal-title-group><journal-title>{escape(paper.journal)}</journal-title>"
        "</journal-title-group></journal-meta><article-meta>"
        f'<article-id pub-id-type="pmcid">{paper.pmcid}</article-id><article-id pub-id-type="doi">{escape(paper.doi)}</article-id>'
        f"<title-group><article-title>{escape(paper.title)}</article-title></title-group>"
        f'<contrib-group>{contribs}</contrib-group><pub-date pub-type="epub"><day>{paper.day}</day>'
        f"<month>{paper.month}</month><year>{paper.year}</year></pub-date><abstract>{abstract}</abstract>"
        f"</article-meta></front><body>{body}</body><back><ref-list><ref><mixed-citation>An unrelated earlier "
        "study of something else entirely.</mixed-citation></ref></ref-list></back></article>\n"
    ).encode()


def quoted(address: str) -> str:
    """`address` as it travels in a query string."""
    return quote(address, safe="")
