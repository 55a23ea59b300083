"""The scholarly services the resolution chain asks, as their documentation describes them:
the request each documented path makes, and what each answer says (pure functions, no I/O).

    service       documented path (appended to the base URL in [scholarly])       answer
    europepmc     /search?query=DOI:"…"|EXT_ID:… AND SRC:MED|PMCID:…&format=json   JSON
                  &resultType=core;  /{PMCID}/fullTextXML (open-access full text)  JATS XML
    ncbi_eutils   /esearch.fcgi?db=pubmed&term={doi}[doi]&retmode=json             JSON
                  /efetch.fcgi?db=pubmed&id={pmid}&retmode=xml                     PubMed XML
    crossref      /works/{doi}                                                     JSON
    openalex      /works/doi:{doi}                                                 JSON
    unpaywall     /{doi}?email={contact}                                           JSON
    wayback       ?url={address}&timestamp={yyyymmdd}  (the availability API)      JSON

Each reader returns what the chain needs or raises `BadAnswer` with a one-line reason when the
answer cannot be read (malformed JSON or XML, an unexpected shape): a service's failure is a
step of the chain that came to nothing, never an exception out of it.

Rates are each service's published limits where it publishes one (NCBI: 3 requests a second,
10 with an API key; Crossref: 5 a second, 10 in the polite pool with a contact address;
OpenAlex: 10 a second) and a modest rate of our own where it does not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from lxml import etree

from ..language.abstracts import abstract_paragraphs
from ..records import Identifiers, PaperRecord

__all__ = [
    "NAMES",
    "BadAnswer",
    "Capture",
    "crossref_url",
    "europepmc_fulltext_url",
    "europepmc_search_url",
    "esearch_url",
    "efetch_url",
    "openalex_url",
    "read_crossref",
    "read_efetch",
    "read_esearch",
    "read_europepmc",
    "read_openalex",
    "read_unpaywall",
    "read_wayback",
    "requests_per_second",
    "unpaywall_url",
    "wayback_url",
]

# How the report names each service.
NAMES = {
    "europepmc": "Europe PMC",
    "ncbi_eutils": "PubMed (NCBI E-utilities)",
    "crossref": "Crossref",
    "openalex": "OpenAlex",
    "unpaywall": "Unpaywall",
    "wayback": "the Wayback Machine",
}
TOOL = "claimcheck"  # NCBI asks every E-utilities client to name itself (`tool`) and give an email
JSON_ACCEPT = {"Accept": "application/json"}
XML_ACCEPT = {"Accept": "application/xml, text/xml;q=0.9"}
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"\s+")
_WAYBACK_CAPTURE = re.compile(r"(/web/\d{14})/")
_MAX_ABSTRACT = 20_000


class BadAnswer(Exception):
    """A service's answer that cannot be read; `str()` is the reason for the report."""


def requests_per_second(service: str, *, has_key: bool, has_contact: bool) -> float:
    """How many requests a second the chain sends `service` at most."""
    if service == "ncbi_eutils":
        return 10.0 if has_key else 3.0
    if service == "crossref":
        return 10.0 if has_contact else 5.0
    if service == "wayback":
        return 2.0  # no published limit for the availability API: stay gentle
    return 10.0


# ── requests ──────────────────────────────────────────────────────────────────────────────


def europepmc_search_url(base: str, ids: Identifiers) -> str:
    """Europe PMC's search for the one record an identifier names (PMCID first, then PMID,
    then DOI: the most specific wins); "" when there is none to ask by."""
    if ids.pmcid:
        query = f"PMCID:{ids.pmcid}"
    elif ids.pmid:
        query = f"EXT_ID:{ids.pmid} AND SRC:MED"
    elif ids.doi:
        query = f'DOI:"{ids.doi}"'
    else:
        return ""
    return f"{base.rstrip('/')}/search?query={quote(query, safe='')}&format=json&resultType=core&pageSize=1"


def europepmc_fulltext_url(base: str, pmcid: str) -> str:
    return f"{base.rstrip('/')}/{quote(pmcid, safe='')}/fullTextXML"


def esearch_url(base: str, doi: str, contact: str) -> str:
    term = quote(f"{doi}[doi]", safe="")
    return f"{base.rstrip('/')}/esearch.fcgi?db=pubmed&term={term}&retmode=json&tool={TOOL}" + _param("email", contact)


def efetch_url(base: str, pmid: str, contact: str) -> str:
    return f"{base.rstrip('/')}/efetch.fcgi?db=pubmed&id={quote(pmid, safe='')}&retmode=xml&tool={TOOL}" + _param(
        "email", contact
    )


def crossref_url(base: str, doi: str, contact: str) -> str:
    return f"{base.rstrip('/')}/works/{quote(doi, safe='/')}" + _param("mailto", contact, first=True)


def openalex_url(base: str, doi: str, contact: str) -> str:
    return f"{base.rstrip('/')}/works/doi:{quote(doi, safe='/')}" + _param("mailto", contact, first=True)


def unpaywall_url(base: str, doi: str, contact: str) -> str:
    return f"{base.rstrip('/')}/{quote(doi, safe='/')}" + _param("email", contact, first=True)


def wayback_url(base: str, address: str, before: str) -> str:
    stamp = before.replace("-", "")[:8]
    return f"{base}?url={quote(address, safe='')}" + (f"&timestamp={stamp}" if stamp else "")


def _param(name: str, value: str, *, first: bool = False) -> str:
    if not value.strip():
        return ""
    return f"{'?' if first else '&'}{name}={quote(value.strip(), safe='@')}"


# ── answers ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Capture:
    """The capture the Wayback Machine's availability API points to."""

    url: str
    timestamp: str  # yyyymmddhhmmss

    @property
    def date(self) -> str:
        return f"{self.timestamp[:4]}-{self.timestamp[4:6]}-{self.timestamp[6:8]}"

    @property
    def original_bytes_url(self) -> str:
        """The capture as archived, without the archive's toolbar: the "id_" form of the
        address (web.archive.org/web/<timestamp>id_/<address>)."""
        return _WAYBACK_CAPTURE.sub(r"\1id_/", self.url, count=1)


def read_europepmc(body: bytes) -> tuple[PaperRecord, bool] | None:
    """The first result of a Europe PMC search, and whether it is open access (None when the
    search found nothing)."""
    data = _json(body)
    results = _dig(data, "resultList", "result")
    if not isinstance(results, list):
        if isinstance(data, dict) and ("hitCount" in data or "resultList" in data):
            return None
        raise BadAnswer("the answer is not a Europe PMC search result")
    if not results or not isinstance(results[0], dict):
        return None
    hit = results[0]
    authors = _dig(hit, "authorList", "author")
    names = tuple(_text(a.get("fullName")) for a in authors if isinstance(a, dict) and a.get("fullName"))[:30] if isinstance(authors, list) else ()
    if not names and _text(hit.get("authorString")):
        names = tuple(name.strip() for name in _text(hit.get("authorString")).rstrip(".").split(",") if name.strip())[:30]
    return PaperRecord(
        service="europepmc",
        url="",
        title=_plain(_text(hit.get("title"))),
        journal=_text(_dig(hit, "journalInfo", "journal", "title")) or _text(hit.get("bookOrReportDetails", {}).get("publisher") if isinstance(hit.get("bookOrReportDetails"), dict) else ""),
        published=_text(hit.get("firstPublicationDate")) or _text(hit.get("pubYear")),
        authors=names,
        doi=_text(hit.get("doi")),
        pmid=_text(hit.get("pmid")),
        pmcid=_text(hit.get("pmcid")),
        abstract=abstract_paragraphs(_text(hit.get("abstractText"))),
    ), _text(hit.get("isOpenAccess")).upper() == "Y"


def read_esearch(body: bytes) -> tuple[str, ...]:
    """The PubMed ids an esearch answer lists (none when it found nothing)."""
    data = _json(body)
    result = data.get("esearchresult") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        raise BadAnswer("the answer is not an esearch result")
    if result.get("ERROR") and not result.get("idlist"):
        raise BadAnswer(f"PubMed search error: {_text(result.get('ERROR'))[:120]}")
    ids = result.get("idlist") or []
    return tuple(str(pmid) for pmid in ids if str(pmid).isdigit())


def read_efetch(body: bytes) -> PaperRecord | None:
    """The first article of a PubMed efetch answer (None when it holds none)."""
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise BadAnswer(f"malformed XML ({str(error).splitlines()[0][:100]})") from None
    if root is None or root.tag != "PubmedArticleSet":
        raise BadAnswer(f"the answer is not a PubmedArticleSet ({getattr(root, 'tag', '?')})")
    article = root.find("PubmedArticle")
    if article is None:
        return None
    citation = article.find("MedlineCitation")
    info = citation.find("Article") if citation is not None else None
    if info is None:
        return None
    sections = []
    for part in info.findall("Abstract/AbstractText"):
        text = _SPACES.sub(" ", "".join(part.itertext())).strip()
        label = (part.get("Label") or "").strip()
        if text:
            sections.append(f"{label.capitalize()}: {text}" if label and label.isupper() else f"{label}: {text}" if label else text)
    ids = {node.get("IdType"): (node.text or "").strip() for node in article.findall("PubmedData/ArticleIdList/ArticleId")}
    authors = []
    for author in info.findall("AuthorList/Author")[:30]:
        last, fore = author.findtext("LastName") or "", author.findtext("ForeName") or author.findtext("Initials") or ""
        name = f"{fore} {last}".strip() or (author.findtext("CollectiveName") or "").strip()
        if name:
            authors.append(name)
    date = info.find("Journal/JournalIssue/PubDate")
    published = " ".join(filter(None, (date.findtext("Year"), date.findtext("Month"), date.findtext("Day")))) if date is not None else ""
    return PaperRecord(
        service="ncbi_eutils",
        url="",
        title=_SPACES.sub(" ", "".join(info.find("ArticleTitle").itertext()) if info.find("ArticleTitle") is not None else "").strip(),
        journal=(info.findtext("Journal/Title") or "").strip(),
        published=published or (date.findtext("MedlineDate") or "" if date is not None else ""),
        authors=tuple(authors),
        doi=ids.get("doi", ""),
        pmid=(citation.findtext("PMID") or "").strip() if citation is not None else "",
        pmcid=ids.get("pmc", ""),
        abstract=tuple(sections)[:60],
    )


def read_crossref(body: bytes) -> PaperRecord:
    """A Crossref work (its `message`)."""
    data = _json(body)
    work = data.get("message") if isinstance(data, dict) else None
    if not isinstance(work, dict):
        raise BadAnswer("the answer is not a Crossref work")
    parts = _dig(work, "published", "date-parts") or _dig(work, "issued", "date-parts")
    published = ""
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] and parts[0][0]:
        published = "-".join(f"{int(value):02d}" if index else str(int(value)) for index, value in enumerate(parts[0][:3]))
    authors = tuple(
        " ".join(filter(None, (_text(a.get("given")), _text(a.get("family"))))) or _text(a.get("name"))
        for a in (work.get("author") or [])[:30]
        if isinstance(a, dict)
    )
    return PaperRecord(
        service="crossref",
        url="",
        title=_first(work.get("title")),
        journal=_first(work.get("container-title")),
        published=published,
        authors=tuple(name for name in authors if name),
        doi=_text(work.get("DOI")),
        abstract=abstract_paragraphs(_text(work.get("abstract"))),
    )


def read_openalex(body: bytes) -> PaperRecord:
    """An OpenAlex work; its abstract rebuilt from the inverted index OpenAlex gives."""
    data = _json(body)
    if not isinstance(data, dict) or not (data.get("id") or data.get("title") or data.get("display_name")):
        raise BadAnswer("the answer is not an OpenAlex work")
    index = data.get("abstract_inverted_index")
    words: dict[int, str] = {}
    if isinstance(index, dict):
        for word, positions in index.items():
            for position in positions if isinstance(positions, list) else ():
                if isinstance(position, int) and 0 <= position < 20_000:
                    words[position] = str(word)
    abstract = " ".join(words[position] for position in sorted(words))
    authors = tuple(
        _text(_dig(item, "author", "display_name")) for item in (data.get("authorships") or [])[:30] if isinstance(item, dict)
    )
    ids = data.get("ids") if isinstance(data.get("ids"), dict) else {}
    return PaperRecord(
        service="openalex",
        url="",
        title=_text(data.get("title") or data.get("display_name")),
        journal=_text(_dig(data, "primary_location", "source", "display_name")),
        published=_text(data.get("publication_date")),
        authors=tuple(name for name in authors if name),
        doi=_text(data.get("doi")).removeprefix("https://doi.org/"),
        pmid=_text(ids.get("pmid")).rstrip("/").rsplit("/", 1)[-1] if ids.get("pmid") else "",
        abstract=(abstract[:_MAX_ABSTRACT],) if abstract else (),
    )


def read_unpaywall(body: bytes) -> tuple[str, ...]:
    """The open-access copies Unpaywall knows, best first (its PDF, then its page), and the
    other locations after; () when the paper has none."""
    data = _json(body)
    if not isinstance(data, dict) or "is_oa" not in data:
        raise BadAnswer("the answer is not an Unpaywall record")
    locations = [data.get("best_oa_location"), *(data.get("oa_locations") or [])]
    found: list[str] = []
    for location in locations:
        if not isinstance(location, dict):
            continue
        for key in ("url_for_pdf", "url_for_landing_page", "url"):
            value = _text(location.get(key))
            if value.startswith(("http://", "https://")) and value not in found:
                found.append(value)
    return tuple(found[:4]) if data.get("is_oa") else ()


def read_wayback(body: bytes) -> Capture | None:
    """The capture the availability API points to (None when the archive holds none)."""
    data = _json(body)
    if not isinstance(data, dict) or "archived_snapshots" not in data:
        raise BadAnswer("the answer is not a Wayback availability answer")
    closest = _dig(data, "archived_snapshots", "closest")
    if not isinstance(closest, dict) or not closest.get("available", True):
        return None
    url, stamp = _text(closest.get("url")), _text(closest.get("timestamp"))
    if not url.startswith(("http://", "https://")) or not re.fullmatch(r"\d{14}", stamp):
        raise BadAnswer("the availability answer names no capture address and time")
    if _text(closest.get("status")) not in ("", "200"):
        return None  # the archive captured an error page, not the page
    return Capture(url=url, timestamp=stamp)


def _plain(text: str) -> str:
    return _SPACES.sub(" ", _TAG.sub(" ", text)).strip()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadAnswer(f"malformed JSON ({str(error)[:80]})") from None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def _first(value: Any) -> str:
    if isinstance(value, list):
        return _plain(next((item for item in value if isinstance(item, str) and item.strip()), ""))
    return _plain(_text(value))
