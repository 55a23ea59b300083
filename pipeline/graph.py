"""The claim–evidence graph, the editor's queries on it, and its GraphML export.

The only module that imports networkx. One directed multigraph per run:

    article ──contains──▶ claim:<id> ──cites──▶ source:<id> ──contains──▶ passage:<passage id>
    passage:<passage id> ──supports | contradicts | related (score)──▶ claim:<id>

Every edge's key is its relation, so a query reads `graph.edges(keys=True)` without opening
attribute dicts. Flags are claim attributes (their codes, worst severity and count), because
every flag belongs to exactly one claim. Only passages that some evidence or flag names get
a node: a source's thousands of other sentences would bury the structure.

`summarize_graph` answers what an editor asks of the structure at a glance (which claims
rest on one source, which rest on commercial sources only, which sources were cited but
never matched...). `write_graphml` makes any graph GraphML-safe on the way out: scalar
attributes only, and text stripped of what XML 1.0 forbids, since source text is hostile.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from pathlib import Path

import networkx as nx

from .atomic import atomic_write_bytes
from .config import Settings
from .records import FLAG_CODES, SEVERITY_RANK, Flag, Report

# What XML 1.0 cannot carry at all (not even as a character reference): C0 controls other
# than tab/newline/return, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")

ARTICLE_NODE = "article"
STRUCTURE_RELATIONS = ("contains", "cites")
EVIDENCE_RELATIONS = ("supports", "contradicts", "related")


def xml_safe_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (lone surrogates become U+FFFD).

    HTML and Markdown output use it too: a NUL or a lone surrogate in a source page has no
    business in any report an editor reads.
    """
    return _XML_FORBIDDEN.sub(lambda match: "\ufffd" if "\ud800" <= match.group() <= "\udfff" else "", text)


def claim_node(claim_id: str) -> str:
    """The node id of a claim."""
    return f"claim:{claim_id}"


def source_node(source_id: str) -> str:
    """The node id of a source."""
    return f"source:{source_id}"


def passage_node(passage_id: str) -> str:
    """The node id of a passage (passage ids already carry their source: "1:p3")."""
    return f"passage:{passage_id}"


def build_graph(report: Report, settings: Settings | None = None) -> nx.MultiDiGraph:
    """The claim–evidence graph of one run (see the module docstring for its shape).

    Node attributes: `kind` (article | claim | source | passage), `label`, `text` (whitespace
    collapsed and cut to `settings.report.graph_text_chars`), and per kind: claims carry
    `verdict`, `score`, `flags` (codes, most severe first), `worst_severity`, `flag_count`,
    `order` (article order); sources carry `status`, `source_kind`, `url`, `title`,
    `http_status` (absent when unknown), `passages` (count), `order`. None is never stored.
    """
    settings = settings or Settings()
    text_chars = settings.report.graph_text_chars
    article = report.article
    graph = nx.MultiDiGraph(name=shorten(article.title, text_chars) or "article")
    graph.add_node(
        ARTICLE_NODE,
        kind="article",
        label=shorten(article.title, text_chars) or "article",
        title=article.title,
        location=article.location,
        sha256=article.sha256,
        checked_at=report.checked_at,
    )

    for order, source in enumerate(report.sources):
        graph.add_node(
            source_node(source.id),
            **_without_none(
                kind="source",
                label=source.id,
                text=shorten(source.title or source.url, text_chars),
                order=order,
                status=source.status,
                source_kind=source.kind,
                url=source.url,
                final_url=source.final_url,
                http_status=source.http_status,
                reason=source.reason,
                title=source.title,
                publisher=source.publisher,
                published=source.published,
                passages=len(source.passages),
            ),
        )

    judgements = {judgement.claim_id: judgement for judgement in report.judgements}
    flags_by_claim: dict[str, list] = {}
    for flag in report.flags:
        flags_by_claim.setdefault(flag.claim_id, []).append(flag)
    references = {reference.id: reference for reference in article.references}

    for order, claim in enumerate(sorted(article.claims, key=lambda claim: (claim.start, claim.end))):
        judgement = judgements.get(claim.id)
        flags = sorted(flags_by_claim.get(claim.id, ()), key=flag_sort_key)
        node = claim_node(claim.id)
        graph.add_node(
            node,
            kind="claim",
            label=claim.id,
            text=shorten(claim.text, text_chars),
            order=order,
            section=claim.section,
            start=claim.start,
            end=claim.end,
            verdict=judgement.verdict if judgement else "unverifiable",
            score=_finite(judgement.score if judgement else 0.0),
            verdict_reason=judgement.reason if judgement else "not judged",
            flags=" ".join(dict.fromkeys(flag.code for flag in flags)),
            worst_severity=flags[0].severity if flags else "",
            flag_count=len(flags),
        )
        graph.add_edge(ARTICLE_NODE, node, key="contains", relation="contains")
        for citation in claim.checked_citations:
            target = source_node(citation)
            if target not in graph:
                # A citation with no source record (the runner normally adds one): keep the
                # edge, so the claim still shows what it leans on.
                reference = references.get(citation)
                graph.add_node(
                    target,
                    kind="source",
                    label=citation,
                    text=reference.title if reference else "",
                    order=len(report.sources),
                    status="missing",
                    source_kind="unknown",
                    url=reference.url if reference else "",
                    passages=0,
                )
            graph.add_edge(node, target, key="cites", relation="cites")

    passages = {passage.id: passage for source in report.sources for passage in source.passages}
    wanted = [evidence.passage_id for evidence in report.evidence]
    wanted += [flag.passage_id for flag in report.flags if flag.passage_id]
    for passage_id in dict.fromkeys(wanted):
        passage = passages.get(passage_id)
        if passage is None or source_node(passage.source_id) not in graph:
            continue
        node = passage_node(passage.id)
        graph.add_node(
            node,
            kind="passage",
            label=passage.id,
            text=shorten(passage.text, text_chars),
            source=passage.source_id,
            start=passage.start,
            end=passage.end,
        )
        graph.add_edge(source_node(passage.source_id), node, key="contains", relation="contains")

    for evidence in report.evidence:
        passage, claim = passage_node(evidence.passage_id), claim_node(evidence.claim_id)
        if passage in graph and claim in graph:
            graph.add_edge(
                passage,
                claim,
                key=evidence.relation,
                relation=evidence.relation,
                score=_finite(evidence.score),
                coverage=_finite(evidence.coverage),
            )
    return graph


def summarize_graph(graph: nx.MultiDiGraph, settings: Settings | None = None) -> dict[str, object]:
    """The structural findings an editor wants at a glance, from queries on `graph`.

    Claim lists are in article order, source lists in reference order; every value is plain
    JSON (lists, dicts of str → str/int, ints), so it goes into report.json as it is:

    - `claims_single_source`: {claim: source} for claims that rest on one source: exactly
      one source supports them, or none does and they cite exactly one.
    - `claims_commercial_only`: claims whose support (the sources with a supporting passage,
      or if none, the readable cited sources) is all of `settings.assess.commercial_kinds`.
    - `claims_uncited`: claims that cite nothing.
    - `claims_sources_unavailable`: claims every cited source of which could not be read.
    - `claims_conflicting_evidence`: claims with both supporting and contradicting passages.
    - `sources_never_matched`: readable sources that claims cite but no passage of which was
      matched to any claim.
    - `sources_unavailable`: sources that could not be fetched or read.
    - `sources_uncited`: sources no claim cites (listed, or cited only in skipped sentences).
    - `sources_cited_by_many`: {source: number of citing claims} for sources cited by at
      least `settings.report.many_citations_min` claims, most cited first.
    - `citations_per_source`: {source: number of citing claims} for every source.
    - `nodes`, `edges`, `edges_by_relation`: the size of the graph.
    """
    settings = settings or Settings()
    commercial = set(settings.assess.commercial_kinds)
    claims = _nodes_of_kind(graph, "claim")
    sources = _nodes_of_kind(graph, "source")

    def cited(claim: str) -> list[str]:
        return list(dict.fromkeys(target for _, target, key in graph.out_edges(claim, keys=True) if key == "cites"))

    def backing(claim: str, relation: str) -> list[str]:
        # Evidence edges run passage → claim; the passage's source is its one predecessor
        # along a "contains" edge.
        found = []
        for passage, _, key in graph.in_edges(claim, keys=True):
            if key == relation:
                found.extend(_source_of(graph, passage))
        return sorted(set(found), key=lambda node: graph.nodes[node].get("order", 0))

    single_source: dict[str, str] = {}
    commercial_only, uncited, all_unavailable, conflicting = [], [], [], []
    for claim in claims:
        claim_id = graph.nodes[claim]["label"]
        citations = cited(claim)
        supporting = backing(claim, "supports")
        # What the claim rests on: the sources that support it, or, when none does, what it cites.
        rests_on = supporting or citations
        if len(rests_on) == 1:
            single_source[claim_id] = graph.nodes[rests_on[0]]["label"]
        readable = [source for source in citations if graph.nodes[source].get("status") == "ok"]
        support_base = supporting or readable
        if support_base and all(graph.nodes[source].get("source_kind") in commercial for source in support_base):
            commercial_only.append(claim_id)
        if not citations:
            uncited.append(claim_id)
        elif not readable:
            all_unavailable.append(claim_id)
        if supporting and backing(claim, "contradicts"):
            conflicting.append(claim_id)

    citing_claims = Counter()
    for source in sources:
        citing_claims[source] = sum(1 for _, _, key in graph.in_edges(source, keys=True) if key == "cites")
    matched = {
        source
        for passage, _, key in graph.edges(keys=True)
        if key in EVIDENCE_RELATIONS
        for source in _source_of(graph, passage)
    }

    def source_id(node: str) -> str:
        return graph.nodes[node]["label"]

    many = settings.report.many_citations_min
    by_citations = sorted(sources, key=lambda node: (-citing_claims[node], graph.nodes[node].get("order", 0)))
    relation_counts = Counter(key for _, _, key in graph.edges(keys=True))
    return {
        "claims_single_source": single_source,
        "claims_commercial_only": commercial_only,
        "claims_uncited": uncited,
        "claims_sources_unavailable": all_unavailable,
        "claims_conflicting_evidence": conflicting,
        "sources_never_matched": [
            source_id(node)
            for node in sources
            if citing_claims[node] and graph.nodes[node].get("status") == "ok" and node not in matched
        ],
        "sources_unavailable": [source_id(node) for node in sources if graph.nodes[node].get("status") != "ok"],
        "sources_uncited": [source_id(node) for node in sources if not citing_claims[node]],
        "sources_cited_by_many": {
            source_id(node): citing_claims[node] for node in by_citations if citing_claims[node] >= many
        },
        "citations_per_source": {source_id(node): citing_claims[node] for node in sources},
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "edges_by_relation": {
            relation: relation_counts[relation]
            for relation in STRUCTURE_RELATIONS + EVIDENCE_RELATIONS
            if relation_counts[relation]
        },
    }


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `graph` as GraphML to `path` atomically, made safe for XML on the way.

    GraphML holds only scalar attributes: None is dropped, sequences are joined with spaces,
    other objects become their text, non-finite floats are dropped; every string (node ids
    too) loses the characters XML 1.0 forbids. The graph passed in is not changed.
    """
    safe = nx.MultiDiGraph()
    safe.graph.update(_scalar_attributes(graph.graph))
    renamed = {node: xml_safe_text(str(node)) for node in graph.nodes}
    for node, attributes in graph.nodes(data=True):
        safe.add_node(renamed[node], **_scalar_attributes(attributes))
    for source, target, key, attributes in graph.edges(keys=True, data=True):
        safe.add_edge(renamed[source], renamed[target], key=xml_safe_text(str(key)), **_scalar_attributes(attributes))
    buffer = io.BytesIO()
    nx.write_graphml_xml(safe, buffer, encoding="utf-8", infer_numeric_types=True)
    return atomic_write_bytes(path, buffer.getvalue())


def _scalar_attributes(attributes: dict) -> dict[str, str | int | float | bool]:
    result: dict[str, str | int | float | bool] = {}
    for name, value in attributes.items():
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        if isinstance(value, (set, frozenset)):
            value = " ".join(sorted(str(item) for item in value))
        elif isinstance(value, (list, tuple)):
            value = " ".join(str(item) for item in value)
        elif not isinstance(value, (str, int, float, bool)):
            value = str(value)
        result[xml_safe_text(str(name))] = xml_safe_text(value) if isinstance(value, str) else value
    return result


def _nodes_of_kind(graph: nx.MultiDiGraph, kind: str) -> list[str]:
    nodes = [node for node, node_kind in graph.nodes(data="kind") if node_kind == kind]
    return sorted(nodes, key=lambda node: graph.nodes[node].get("order", 0))


def _source_of(graph: nx.MultiDiGraph, passage: str) -> list[str]:
    return [
        source
        for source, _, key in graph.in_edges(passage, keys=True)
        if key == "contains" and graph.nodes[source].get("kind") == "source"
    ]


def flag_sort_key(flag: Flag) -> tuple[int, int, str, str]:
    """Most severe first, then in the contract's code order: how every output lists flags."""
    code_rank = FLAG_CODES.index(flag.code) if flag.code in FLAG_CODES else len(FLAG_CODES)
    return (-SEVERITY_RANK.get(flag.severity, -1), code_rank, flag.source_id, flag.message)


def shorten(text: str, limit: int) -> str:
    """`text` with whitespace folded, cut to `limit` characters with an ellipsis."""
    collapsed = _WHITESPACE.sub(" ", text).strip()
    return collapsed if len(collapsed) <= limit else collapsed[: max(limit - 1, 0)].rstrip() + "…"


def _finite(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def _without_none(**attributes: object) -> dict[str, object]:
    return {name: value for name, value in attributes.items() if value is not None}
