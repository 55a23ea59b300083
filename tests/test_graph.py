"""The claim–evidence graph: its shape, the editor's queries on it, and GraphML export."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import networkx as nx
import pytest
from factories import (
    HOSTILE_SCRIPT,
    WALKING_EXPECTED,
    evidence,
    hostile_report,
    make_article,
    walking_report,
)
from lxml import etree

from pipeline.config import Settings, load_settings
from pipeline.graph import build_graph, summarize_graph, write_graphml
from pipeline.records import Judgement, Reference, Report


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def with_report_settings(settings: Settings, **changes: object) -> Settings:
    return dataclasses.replace(settings, report=dataclasses.replace(settings.report, **changes))


def test_nodes_are_article_claims_sources_and_only_the_passages_evidence_names(settings: Settings) -> None:
    graph = build_graph(walking_report(), settings)
    kinds = {node: data["kind"] for node, data in graph.nodes(data=True)}
    assert kinds["article"] == "article"
    assert sorted(node for node, kind in kinds.items() if kind == "claim") == [f"claim:c{n}" for n in range(1, 7)]
    assert sorted(node for node, kind in kinds.items() if kind == "source") == [f"source:{n}" for n in range(1, 7)]
    # Source 1 has three passages but only two are evidence: the third gets no node.
    assert sorted(node for node, kind in kinds.items() if kind == "passage") == [
        "passage:1:p1",
        "passage:1:p2",
        "passage:2:p1",
        "passage:2:p2",
        "passage:2:p3",
        "passage:2:p4",
        "passage:3:p1",
    ]


def test_edges_carry_their_relation_as_key_and_evidence_scores(settings: Settings) -> None:
    graph = build_graph(walking_report(), settings)
    edges = set(graph.edges(keys=True))
    assert ("article", "claim:c3", "contains") in edges
    assert ("claim:c2", "source:1", "cites") in edges and ("claim:c2", "source:2", "cites") in edges
    assert ("claim:c6", "source:1", "cites") not in edges
    assert ("source:2", "passage:2:p4", "contains") in edges
    assert graph.edges["passage:2:p4", "claim:c5", "contradicts"]["score"] == pytest.approx(0.57)
    assert graph.edges["passage:2:p2", "claim:c2", "related"]["score"] == pytest.approx(0.31)
    assert graph.number_of_edges("passage:2:p1", "claim:c2") == 1


def test_claim_and_source_attributes(settings: Settings) -> None:
    graph = build_graph(walking_report(), settings)
    c1 = graph.nodes["claim:c1"]
    assert c1["verdict"] == "partially_supported"
    assert c1["flags"] == "GENERALIZATION CERTAINTY_OVERSTATEMENT"  # most severe first
    assert (c1["worst_severity"], c1["flag_count"]) == ("medium", 2)
    assert graph.nodes["claim:c5"]["flags"] == "" and graph.nodes["claim:c5"]["worst_severity"] == ""
    timed_out = graph.nodes["source:4"]
    assert (timed_out["status"], timed_out["source_kind"], timed_out["passages"]) == ("timeout", "unknown", 0)
    assert "http_status" not in timed_out  # unknown, so absent rather than None
    assert graph.nodes["source:3"]["source_kind"] == "commercial"
    assert all(value is not None for _, data in graph.nodes(data=True) for value in data.values())


def test_node_text_is_folded_and_cut_to_the_configured_length(settings: Settings) -> None:
    graph = build_graph(walking_report(), with_report_settings(settings, graph_text_chars=20))
    text = graph.nodes["claim:c4"]["text"]
    assert len(text) == 20 and text.endswith("…") and text.startswith("The national health")


def test_summary_queries_find_the_expected_claims_and_sources(settings: Settings) -> None:
    many_two = with_report_settings(settings, many_citations_min=2)
    summary = summarize_graph(build_graph(walking_report(), many_two), many_two)
    for key, expected in WALKING_EXPECTED.items():
        assert summary[key] == expected, key
    assert summary["edges_by_relation"] == {"contains": 13, "cites": 7, "supports": 5, "contradicts": 1, "related": 1}
    assert summary["nodes"] == 1 + 6 + 6 + 7


def test_sources_cited_by_many_honours_the_threshold(settings: Settings) -> None:
    assert settings.report.many_citations_min == 3
    summary = summarize_graph(build_graph(walking_report(), settings), settings)
    assert summary["sources_cited_by_many"] == {}


def test_commercial_only_follows_the_configured_commercial_kinds(settings: Settings) -> None:
    peer_reviewed_as_commercial = dataclasses.replace(
        settings, assess=dataclasses.replace(settings.assess, commercial_kinds=("peer_reviewed",))
    )
    summary = summarize_graph(build_graph(walking_report(), settings), peer_reviewed_as_commercial)
    assert summary["claims_commercial_only"] == ["c1", "c2", "c5"]


def test_support_from_two_sources_is_not_single_source_even_with_one_citation(settings: Settings) -> None:
    report = walking_report()
    # c3 cites only [3]; give it support from [1] too.
    report = dataclasses.replace(report, evidence=report.evidence + (evidence("c3", "1:p3", 0.7),))
    summary = summarize_graph(build_graph(report, settings), settings)
    assert "c3" not in summary["claims_single_source"]
    assert "c3" not in summary["claims_commercial_only"]


def test_a_citation_without_a_source_record_still_counts_as_unavailable(settings: Settings) -> None:
    text = "Stretching prevents all running injuries [7].\n"
    article = make_article(
        "Stretching",
        text,
        claims=[("c1", "Stretching prevents all running injuries [7].", "", ["7"])],
        references=[Reference("7", "https://gone.example.org/a", "A lost page")],
    )
    report = Report(article, (), (), (Judgement("c1", "unverifiable", 0.0),), (), "2025-01-01T00:00:00Z")
    graph = build_graph(report, settings)
    assert graph.nodes["source:7"]["status"] == "missing"
    assert graph.nodes["source:7"]["url"] == "https://gone.example.org/a"
    summary = summarize_graph(graph, settings)
    assert summary["claims_sources_unavailable"] == ["c1"]
    assert summary["sources_unavailable"] == ["7"]
    assert summary["claims_single_source"] == {"c1": "7"}


def test_graphml_round_trips_nodes_edges_and_typed_attributes(tmp_path: Path, settings: Settings) -> None:
    graph = build_graph(walking_report(), settings)
    path = write_graphml(graph, tmp_path / "graph.graphml")
    assert path == tmp_path / "graph.graphml"
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.is_directed() and back.is_multigraph()
    assert set(back.nodes) == set(graph.nodes)
    assert set(back.edges(keys=True)) == set(graph.edges(keys=True))
    assert back.edges["passage:2:p4", "claim:c5", "contradicts"]["score"] == pytest.approx(0.57)
    assert back.nodes["claim:c4"]["start"] == graph.nodes["claim:c4"]["start"]
    assert isinstance(back.nodes["claim:c4"]["start"], int)
    assert back.nodes["source:1"]["http_status"] == 200
    assert back.nodes["claim:c1"]["flags"] == "GENERALIZATION CERTAINTY_OVERSTATEMENT"
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


def test_graphml_survives_hostile_text_and_odd_attribute_values(tmp_path: Path, settings: Settings) -> None:
    graph = build_graph(hostile_report(), settings)
    # Attributes a later change might add: none of them may break the export.
    graph.nodes["claim:c2"].update(
        missing=None, pair=("a", "b"), tags={"y", "x"}, nested={"k": 1}, nan=math.nan, ok=True
    )
    graph.add_node("odd\x00id\ud800", kind="odd", text="x\x1fy")
    path = write_graphml(graph, tmp_path / "graph.graphml")

    etree.parse(str(path))  # a strict XML 1.0 parser accepts the file
    raw = path.read_text(encoding="utf-8")
    assert "\x00" not in raw and "\x07" not in raw and "\x1b" not in raw
    back = nx.read_graphml(path, force_multigraph=True)
    passage_text = back.nodes["passage:1:p1"]["text"]
    assert HOSTILE_SCRIPT in passage_text  # kept as text, escaped by the XML writer
    assert "bell nul esc vtab lone\ufffd nonchar end" in passage_text
    c2 = back.nodes["claim:c2"]
    assert (c2["pair"], c2["tags"], c2["ok"]) == ("a b", "x y", True)
    assert "missing" not in c2 and "nan" not in c2
    assert back.nodes["oddid\ufffd"]["text"] == "xy"
    # The graph given to the writer is not changed by the cleaning.
    assert graph.nodes["claim:c2"]["missing"] is None
