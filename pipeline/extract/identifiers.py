"""What names a cited source as a paper: DOI, PubMed id, PMC id, arXiv id, preprint server.

Read from three places, first found wins per identifier (`identify_source`):

1. the cited address: a doi.org link, a DOI inside a publisher's path ("/doi/full/10.1080/..."),
   a PubMed, PubMed Central or Europe PMC record, an arXiv, bioRxiv or medRxiv page. The
   address is searched as a whole, not by host: an archived or proxied link carries the
   original address in its path ("web.archive.org/web/2020/https://pubmed.ncbi.nlm.nih.gov/1/"),
   and a page served from a test or intranet server keeps the site's name in its path;
2. the article's reference entry ("doi:10.1016/...", "PMID: 31234567", "PMCID: PMC6543210",
   "arXiv:2101.01234");
3. the page itself, when one was read (its citation_doi / citation_pmid metadata).

Pure functions of text: no I/O. The patterns follow each registry's documented syntax (a DOI
is "10." + a registrant code of 4-9 digits + "/" + any suffix; a PMCID is "PMC" + digits).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from ..records import Identifiers

__all__ = ["doi_in_address", "identifiers_in_address", "identifiers_in_text", "identify_source", "merge_identifiers"]

_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>\]\[{}|\\^`]+", re.IGNORECASE)
# What publishers append to a DOI in their addresses: the view of the article, not its name.
_VIEW_SUFFIX = re.compile(
    r"(?:/(?:full|abstract|pdf|epdf|pdfdirect|pdfft|epub|fulltext|full-text|html|summary|references|"
    r"figures|tables|meta|metrics|suppl|supplemental|citedby|info|related|reader|view|download)"
    r"(?:/.*)?|\.(?:full|abstract|full\.pdf|pdf|html|article-info|article-metrics|supplementary-material))$",
    re.IGNORECASE,
)
# bioRxiv and medRxiv DOIs (10.1101/ then digits, dated since 2019) carry a version in their
# addresses ("...123456v2"); Cold Spring Harbor's journals share the prefix with letters.
_RXIV_DOI = re.compile(r"^10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,}(v\d+)?$", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(\d{4}\.\d{4,5})$", re.IGNORECASE)
_TRAILING = ".,;:)]}>'\""

_PMID_ADDRESS = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:abstract|article)/med/)"
    r"(\d{1,9})(?!\d)",
    re.IGNORECASE,
)
_PMCID_ADDRESS = re.compile(
    r"(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/|"
    r"europepmc\.org/(?:article/pmc/|articles/|abstract/pmc/))(pmc\d{3,9})(?!\d)",
    re.IGNORECASE,
)
_ARXIV_ADDRESS = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_PMID_TEXT = re.compile(r"\bPMID\s*[:#]?\s*(\d{1,9})\b")
_PMCID_TEXT = re.compile(r"\b(PMC\d{3,9})\b")
_ARXIV_TEXT = re.compile(r"\barxiv\s*:\s*(\d{4}\.\d{4,5})(?:v\d+)?\b", re.IGNORECASE)


def identify_source(url: str, entry: str = "", page: Identifiers | None = None) -> Identifiers:
    """The identifiers of a cited source from its address, its reference entry and (when a
    page was read) the page's own metadata; the first place that names one wins."""
    return merge_identifiers(identifiers_in_address(url), identifiers_in_text(entry), page or Identifiers())


def merge_identifiers(*found: Identifiers) -> Identifiers:
    """Each identifier from the first of `found` that has it; the preprint server from the
    first that names one."""
    merged = Identifiers()
    for item in found:
        merged = replace(
            merged,
            doi=merged.doi or item.doi,
            pmid=merged.pmid or item.pmid,
            pmcid=merged.pmcid or item.pmcid,
            arxiv=merged.arxiv or item.arxiv,
            preprint=merged.preprint or item.preprint,
        )
    return _with_preprint(merged, "")


def identifiers_in_address(url: str) -> Identifiers:
    """The identifiers an address carries (see the module docstring, point 1)."""
    text = unquote(url.strip())
    pmid = _PMID_ADDRESS.search(text)
    pmcid = _PMCID_ADDRESS.search(text)
    arxiv = _ARXIV_ADDRESS.search(text)
    found = Identifiers(
        doi=doi_in_address(url),
        pmid=pmid.group(1) if pmid else "",
        pmcid=pmcid.group(1).upper() if pmcid else "",
        arxiv=arxiv.group(1) if arxiv else "",
    )
    return _with_preprint(found, text)


def identifiers_in_text(text: str) -> Identifiers:
    """The identifiers a reference entry writes out (see the module docstring, point 2)."""
    doi = _DOI.search(text)
    pmid = _PMID_TEXT.search(text)
    pmcid = _PMCID_TEXT.search(text)
    arxiv = _ARXIV_TEXT.search(text)
    found = Identifiers(
        doi=_clean_doi(doi.group(0)) if doi else "",
        pmid=pmid.group(1) if pmid else "",
        pmcid=pmcid.group(1).upper() if pmcid else "",
        arxiv=arxiv.group(1) if arxiv else "",
    )
    return _with_preprint(found, text)


def doi_in_address(url: str) -> str:
    """The DOI inside an address ("" when none): a doi.org link's path, a publisher path
    ("/doi/full/10.1056/NEJMoa2034577/"), a query ("?doi=10.1093/ajcn/nqaa123"); with the
    publisher's view suffixes ("/full", ".pdf", a preprint's "v2") taken off."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    for piece in (parts.path, parts.query):
        found = _DOI.search(unquote(piece))
        if found:
            return _clean_doi(found.group(0).split("&", 1)[0])
    return ""


def _clean_doi(raw: str) -> str:
    doi = raw.rstrip(_TRAILING)
    previous = None
    while previous != doi:
        previous = doi
        doi = _VIEW_SUFFIX.sub("", doi).rstrip(_TRAILING + "/")
    rxiv = _RXIV_DOI.match(doi)
    if rxiv and rxiv.group(1):
        doi = doi[: -len(rxiv.group(1))]
    return doi


def _with_preprint(found: Identifiers, context: str) -> Identifiers:
    """`found` with its arXiv id, arXiv DOI and preprint server filled in from each other and
    from `context` (an address or entry naming medRxiv or bioRxiv)."""
    arxiv, doi, server = found.arxiv, found.doi, found.preprint
    from_doi = _ARXIV_DOI.match(doi)
    if from_doi and not arxiv:
        arxiv = from_doi.group(1)
    if arxiv and not doi:
        doi = f"10.48550/arXiv.{arxiv}"  # the DOI arXiv registers for every paper
    if not server:
        lowered = context.lower()
        if arxiv:
            server = "arxiv"
        elif "medrxiv" in lowered:
            server = "medrxiv"
        elif "biorxiv" in lowered:
            server = "biorxiv"
        elif doi and _RXIV_DOI.match(doi):
            server = "biorxiv or medrxiv"  # one prefix for both servers; the DOI alone cannot say which
    return Identifiers(doi=doi, pmid=found.pmid, pmcid=found.pmcid, arxiv=arxiv, preprint=server)
