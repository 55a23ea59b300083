"""report.json: the contract's document, and the one view of a run every writer renders.

`report_document` turns a Report into the `claimcheck.report/1` document of
../shared/design/CONTRACT.md. The Markdown and HTML writers render this same document, so a
verdict, an ordering or a count is decided once, here, and the three files cannot disagree.

Decisions the contract leaves open, fixed here:

- `sources[].passages` is the NUMBER of passages extracted from the source (an int; 0 for an
  unavailable source). The passages themselves appear as evidence under the claims.
- Unknown text values are "" (a string stays a string); unknown numbers are null
  (`http_status`, an evidence `start`/`end` whose passage is missing). A flag's `source` is
  the source id or null when the flag rests on no source.
- A claim with no Judgement is `unverifiable` with `verdict_reason` "not judged".
- Scores are rounded to 3 decimals; claims are in article order; a claim's evidence is best
  score first; a claim's flags most severe first, then in the contract's code order.
- `summary.by_verdict` and `summary.by_flag` list every verdict and every contract flag
  code, with zero counts too; `by_flag` counts flags (a claim can carry a code twice).

Additive keys (the contract allows adding): top-level `generator`, `skipped` (sentences not
checked, with the reason), `unattached_flags` (flags naming no known claim; normally empty);
`sources[]`: `reason`, `kind_reasons`, `authors`, `journal`, `doi`, `study_designs`,
`notes` (what extraction had to do: a fallback reader, a cap), `cited_by`, `identifiers`
({doi, pmid, pmcid, arxiv, preprint}), `read_from` (where the text came from and why: see
`read_from_entry`); `claims[]`: `verdict_reason`, `worst_severity` (null when unflagged),
`abstract_only` (true when every text the claim was checked against is an abstract),
`judge` (the judge whose answers decided the verdict: "default", "nli:PATH", "openai:MODEL";
null when a rule decided it: nothing cited, nothing readable, an absence of evidence),
`judge_fallback` (why the judge chosen did not answer, so the default judge decided; null
when it did);
`inherited_citations` and `inherited_from` (ids taken from the claim a sentence goes on about,
"In that trial, ...", and that claim's id or null; `citations` stays what the sentence writes);
`evidence[]`: `passage_id`, `coverage`, `missing`; `flags[]`: `passage` (passage id or
null); `summary`: `claims_flagged`, `flags`, `flags_by_severity`, `sources`,
`sources_by_status`, `sources_by_kind`, `skipped`, `graph` (the graph queries), `judges`
(claims decided by each judge), `judge_fallbacks` (claims the default judge decided because
the judge chosen could not answer).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..fetch.services import NAMES as SERVICE_NAMES
from ..graph import flag_sort_key
from ..records import (
    FLAG_CODES,
    RELATIONS,
    SEVERITIES,
    SEVERITY_RANK,
    SOURCE_KINDS,
    SOURCE_STATUSES,
    VERDICTS,
    Evidence,
    Flag,
    Report,
    Source,
)

SCHEMA = "claimcheck.report/1"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Anything a browser would strip or fold inside a URL (controls, spaces) makes it unsafe to
# emit as an href: "java\tscript:" is still javascript to a browser.
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\s]")


def report_document(report: Report) -> dict[str, Any]:
    """The report.json document of `report` (see the module docstring for its decisions)."""
    article = report.article
    claims = sorted(article.claims, key=lambda claim: (claim.start, claim.end, claim.id))
    claim_ids = {claim.id for claim in claims}
    judgements = {judgement.claim_id: judgement for judgement in report.judgements}
    passages = {passage.id: passage for source in report.sources for passage in source.passages}
    source_order = {source.id: index for index, source in enumerate(report.sources)}
    by_id = {source.id: source for source in report.sources}
    evidence_by_claim: dict[str, list[Evidence]] = {}
    for evidence in report.evidence:
        evidence_by_claim.setdefault(evidence.claim_id, []).append(evidence)
    flags_by_claim: dict[str, list[Flag]] = {}
    for flag in report.flags:
        flags_by_claim.setdefault(flag.claim_id, []).append(flag)
    cited_by: dict[str, list[str]] = {}
    for claim in claims:
        for citation in claim.checked_citations:
            cited_by.setdefault(citation, []).append(claim.id)

    def evidence_entry(evidence: Evidence) -> dict[str, Any]:
        passage = passages.get(evidence.passage_id)
        return {
            "source": evidence.source_id,
            "passage": passage.text if passage else "",
            "start": passage.start if passage else None,
            "end": passage.end if passage else None,
            "score": _score(evidence.score),
            "relation": evidence.relation,
            "passage_id": evidence.passage_id,
            "coverage": _score(evidence.coverage),
            "missing": list(evidence.missing),
        }

    def evidence_order(evidence: Evidence) -> tuple:
        return (
            -_score(evidence.score),
            RELATIONS.index(evidence.relation) if evidence.relation in RELATIONS else len(RELATIONS),
            source_order.get(evidence.source_id, len(source_order)),
            evidence.passage_id,
        )

    claim_entries = []
    for claim in claims:
        judgement = judgements.get(claim.id)
        flags = sorted(flags_by_claim.get(claim.id, ()), key=flag_sort_key)
        claim_entries.append(
            {
                "id": claim.id,
                "text": claim.text,
                "section": claim.section,
                "start": claim.start,
                "end": claim.end,
                "citations": list(claim.citations),
                "verdict": judgement.verdict if judgement else "unverifiable",
                "score": _score(judgement.score) if judgement else 0.0,
                "evidence": [
                    evidence_entry(evidence)
                    for evidence in sorted(evidence_by_claim.get(claim.id, ()), key=evidence_order)
                ],
                "flags": [_flag_entry(flag) for flag in flags],
                "verdict_reason": judgement.reason if judgement else "not judged",
                "worst_severity": flags[0].severity if flags else None,
                "judge": (judgement.judge or None) if judgement else None,
                "judge_fallback": (judgement.judge_fallback or None) if judgement else None,
                # Ids the sentence does not write but takes from the claim it goes on about
                # ("In that trial, ..."): the claim is checked against both lists.
                "inherited_citations": list(claim.inherited),
                "inherited_from": claim.inherited_from or None,
                "abstract_only": _abstract_only(claim.checked_citations, evidence_by_claim.get(claim.id, ()), by_id),
            }
        )

    document = {
        "schema": SCHEMA,
        "article": {
            "title": article.title,
            "location": article.location,
            "checked_at": report.checked_at,
            "sha256": article.sha256,
        },
        "sources": [_source_entry(source, cited_by.get(source.id, [])) for source in report.sources],
        "claims": claim_entries,
        "summary": _summary(report, claim_entries),
        "generator": {"name": "claimcheck", "version": __version__},
        "skipped": [
            {
                "text": skipped.text,
                "section": skipped.section,
                "start": skipped.start,
                "end": skipped.end,
                "reason": skipped.reason,
                "citations": list(skipped.citations),
            }
            for skipped in sorted(article.skipped, key=lambda skipped: (skipped.start, skipped.end))
        ],
        "unattached_flags": [
            {"claim": flag.claim_id, **_flag_entry(flag)}
            for flag in sorted(report.flags, key=flag_sort_key)
            if flag.claim_id not in claim_ids
        ],
    }
    return _json_safe(document)


def document_json(document: Mapping[str, Any]) -> str:
    """The text of report.json: deterministic (insertion order kept), UTF-8, no NaN."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def safe_href(url: str) -> str | None:
    """`url` if it is an absolute http(s) URL safe to emit as a link, else None.

    Source URLs come from the article (untrusted): a `javascript:` or `data:` URL, or one
    hiding a scheme behind controls or spaces, is shown as text, never made a link. So is a
    URL with a user name or password: a click would send them, and
    "https://www.nih.gov@evil.example/" reads as one site while going to another.
    """
    if not url or _URL_UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return url


def flagged_first(claims: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The flagged claims of a document, most severe first.

    Order: worst severity, then the number of flags at that severity, then article order.
    """
    flagged = [claim for claim in claims if claim["flags"]]

    def severity_order(claim: Mapping[str, Any]) -> tuple[int, int, int]:
        worst = claim["worst_severity"]
        at_worst = sum(1 for flag in claim["flags"] if flag["severity"] == worst)
        return (-SEVERITY_RANK.get(worst, -1), -at_worst, claim["start"])

    return sorted(flagged, key=severity_order)


def _source_entry(source: Source, cited_by: list[str]) -> dict[str, Any]:
    return {
        "id": source.id,
        "url": source.url,
        "final_url": source.final_url,
        "status": source.status,
        "http_status": source.http_status,
        "kind": source.kind,
        "title": source.title,
        "publisher": source.publisher,
        "published": source.published,
        "content_sha256": source.content_sha256,
        "fetched_at": source.fetched_at,
        "archived_as": source.archived_as,
        "passages": len(source.passages),
        "reason": source.reason,
        "kind_reasons": list(source.kind_reasons),
        "authors": list(source.authors),
        "journal": source.journal,
        "doi": source.doi,
        "study_designs": list(source.study_designs),
        "notes": list(source.notes),
        "cited_by": cited_by,
        "identifiers": {
            "doi": source.identifiers.doi,
            "pmid": source.identifiers.pmid,
            "pmcid": source.identifiers.pmcid,
            "arxiv": source.identifiers.arxiv,
            "preprint": source.identifiers.preprint,
        },
        "read_from": read_from_entry(source),
    }


def read_from_entry(source: Source) -> dict[str, Any]:
    """Where a source's text came from, for report.json: `kind` ("page", "page_metadata",
    "abstract", "full_text", "open_access_copy", "archived_copy", "nothing"), `service`,
    `url` and `archived_as` of what was read, `date` it was captured, `why` the page itself
    was not read, `page_status` (the status the cited page itself got), `abstract_only`, and
    `lookups`: every step of the chain ({service, outcome, url, archived_as, found})."""
    read = source.read_from
    if read is None:
        return {
            "kind": "page" if source.status == "ok" else "nothing", "service": "", "url": source.final_url or source.url,
            "archived_as": source.archived_as, "date": source.fetched_at, "why": "", "page_status": source.status,
            "abstract_only": False, "lookups": [],
        }
    return {
        "kind": read.kind,
        "service": read.service,
        "url": read.url if read.kind not in ("page", "nothing") else source.final_url or source.url,
        "archived_as": read.archived_as if read.kind not in ("page", "nothing") else source.archived_as,
        "date": read.date if read.kind not in ("page", "nothing") else source.fetched_at,
        "why": read.why,
        "page_status": read.page_status,
        "abstract_only": read.abstract_only,
        "lookups": [
            {"service": lookup.service, "outcome": lookup.outcome, "url": lookup.url,
             "archived_as": lookup.archived_as, "found": lookup.found}
            for lookup in read.lookups
        ],
    }


ABSTRACT_ONLY = "checked against the abstract only"
_READ_KINDS = {
    "page_metadata": "the abstract in the page's own metadata",
    "abstract": "the abstract",
    "full_text": "the open-access full text",
    "open_access_copy": "an open-access copy",
    "archived_copy": "an archived copy",
}


def read_from_text(read_from: Mapping[str, Any]) -> str:
    """How a source was read, in one sentence for the Markdown and HTML reports ("" for a
    page read as usual): what was read, from where, when, and why not the page; for a source
    nothing could be found for, what each service answered."""
    names = SERVICE_NAMES
    kind = read_from["kind"]
    if kind in ("page", "nothing") and not read_from["lookups"] and not read_from["why"]:
        return ""  # the page was read (or failed) as usual: the chain was not asked
    why = f" ({read_from['why']})" if read_from["why"] else ""
    if kind in ("page", "nothing"):
        asked = "; ".join(
            f"{names.get(lookup['service'], lookup['service'])}: {lookup['outcome']}" for lookup in read_from["lookups"]
        )
        lead = "Read from the page itself" if kind == "page" else "Nothing readable was found"
        return f"{lead}{why}. Looked up: {asked or 'nothing to look up by'}."
    service = names.get(read_from["service"], read_from["service"])
    source = f" from {service}" if service else ""
    date = f", captured {read_from['date'][:10]}" if read_from["date"] else ""
    return f"Read from {_READ_KINDS.get(kind, kind)}{source}{date}{why}."


def _abstract_only(citations: Sequence[str], evidence: Sequence[Evidence], sources: Mapping[str, Source]) -> bool:
    """Whether every text a claim was checked against is an abstract: the sources of its
    evidence, or (with no evidence) its cited sources that could be read."""
    checked = {item.source_id for item in evidence} or {
        citation for citation in citations if citation in sources and sources[citation].status == "ok"
    }
    reads = [sources[source_id].read_from for source_id in checked if source_id in sources]
    return bool(reads) and all(read is not None and read.abstract_only for read in reads)


def _flag_entry(flag: Flag) -> dict[str, Any]:
    return {
        "code": flag.code,
        "severity": flag.severity,
        "message": flag.message,
        "source": flag.source_id or None,
        "evidence": flag.evidence,
        "passage": flag.passage_id or None,
    }


def _summary(report: Report, claim_entries: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(claim["verdict"] for claim in claim_entries)
    codes = Counter(flag.code for flag in report.flags)
    severities = Counter(flag.severity for flag in report.flags)
    statuses = Counter(source.status for source in report.sources)
    kinds = Counter(source.kind for source in report.sources)
    return {
        "claims": len(claim_entries),
        "by_verdict": _counts(VERDICTS, verdicts),
        "by_flag": _counts(FLAG_CODES, codes),
        "sources_unavailable": sum(1 for source in report.sources if source.status != "ok"),
        "claims_flagged": sum(1 for claim in claim_entries if claim["flags"]),
        "flags": len(report.flags),
        "flags_by_severity": _counts(SEVERITIES, severities),
        "sources": len(report.sources),
        "sources_by_status": _counts(SOURCE_STATUSES, statuses),
        "sources_by_kind": _counts(SOURCE_KINDS, kinds),
        "skipped": len(report.article.skipped),
        "graph": dict(report.graph_summary),
        "judges": dict(sorted(Counter(claim["judge"] for claim in claim_entries if claim["judge"]).items())),
        "judge_fallbacks": sum(1 for claim in claim_entries if claim["judge_fallback"]),
    }


def _counts(vocabulary: Sequence[str], counted: Counter) -> dict[str, int]:
    """Every word of the vocabulary with its count (zeros too), then any value outside it,
    so a new code from a later stage is counted rather than lost."""
    counts = {word: counted.get(word, 0) for word in vocabulary}
    for extra in sorted(set(counted) - set(vocabulary)):
        counts[extra] = counted[extra]
    return counts


def _score(value: float) -> float:
    return round(float(value), 3) if math.isfinite(value) else 0.0


def _json_safe(value: Any) -> Any:
    """`value` as plain JSON: strings valid for UTF-8 (lone surrogates become U+FFFD),
    tuples and sets as lists, non-finite floats as null, keys as strings."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {_json_safe(str(key)): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return [_json_safe(item) for item in sorted(value, key=str)]
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return _json_safe(str(value))


# What each graph query means to an editor, in the order the report lists them. Keys are
# summarize_graph's; a query missing from the summary (an older run) is left out.
_GLANCE = (
    ("claims_single_source", "claim", "Claims resting on a single source"),
    ("claims_commercial_only", "claim", "Claims whose only support is commercial"),
    ("claims_sources_unavailable", "claim", "Claims none of whose cited sources could be read"),
    ("claims_conflicting_evidence", "claim", "Claims with both supporting and contradicting passages"),
    ("claims_uncited", "claim", "Claims that cite nothing"),
    ("sources_never_matched", "source", "Sources cited but never matched to any claim"),
    ("sources_cited_by_many", "source", "Sources many claims lean on"),
    ("sources_uncited", "source", "Listed sources no checked claim cites"),
)


def at_a_glance(document: Mapping[str, Any]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The non-empty graph findings of a document as (label, "claim"|"source", entries),
    each entry an (id, note) pair: what the Markdown and HTML reports list at the top."""
    graph_summary = document["summary"].get("graph") or {}
    findings = []
    for key, kind, label in _GLANCE:
        value = graph_summary.get(key)
        if not value:
            continue
        if key == "claims_single_source":
            entries = [(str(claim), f"source [{source}]") for claim, source in dict(value).items()]
        elif key == "sources_cited_by_many":
            entries = [(str(source), f"{count} claims") for source, count in dict(value).items()]
        else:
            entries = [(str(item), "") for item in value]
        findings.append((label, kind, entries))
    return findings


def claim_details(claim: Mapping[str, Any], max_evidence: int) -> dict[str, Any]:
    """How the Markdown and HTML reports show one flagged claim without quoting a passage
    twice: assess often rests several flags on the same passage.

    `flags`: each flag as {"flag", "evidence" (the claim's evidence entry for the quoted
    passage, for its relation and score, or None), "repeat" (an earlier flag of this claim
    already quoted that passage)}. `evidence`: the claim's other evidence, best first, at
    most `max_evidence`; `evidence_total`: how many other entries there were.
    """
    by_passage = {entry["passage_id"]: entry for entry in claim["evidence"]}
    quoted_ids: set[str] = set()
    quoted_texts: set[str] = set()
    flags = []
    for flag in claim["flags"]:
        repeat = bool(flag["evidence"]) and (flag["passage"] in quoted_ids or flag["evidence"] in quoted_texts)
        if flag["evidence"]:
            quoted_texts.add(flag["evidence"])
            if flag["passage"]:
                quoted_ids.add(flag["passage"])
        flags.append({"flag": flag, "evidence": by_passage.get(flag["passage"] or ""), "repeat": repeat})
    others = [
        entry
        for entry in claim["evidence"]
        if entry["passage_id"] not in quoted_ids and entry["passage"] not in quoted_texts
    ]
    return {"flags": flags, "evidence": others[:max_evidence], "evidence_total": len(others)}
