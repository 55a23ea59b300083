"""The desk's exports: the reviewed report (Markdown, self-contained HTML, JSON) carries each
decision; ClaimReview JSON-LD rates exactly the claims the desk decided, with the schema.org
fields; a run recorded before the store kept reports is refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from desk_serving import Desk

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.errors import UsageError
from pipeline.review import export_files
from pipeline.store import ClaimRow, DecisionRequest, FlagRow, RunRecord, Store

WHEN = "2025-04-02T08:30:00Z"


def _decide(db: Path, *decisions: tuple[str, dict[str, object]]) -> dict[str, int]:
    """Record decisions on the CAUSAL_OVERSTATEMENT flags; {claim id: flag index}."""
    with Store(db) as store:
        run = store.run(1)
        causal = {flag.claim: index for index, flag in enumerate(run.flags) if flag.code == "CAUSAL_OVERSTATEMENT"}
        for action, fields in decisions:
            store.decide(DecisionRequest(1, action, str(fields.pop("who", "ana")), WHEN, **fields))  # type: ignore[arg-type]
    return causal


def _flag_of(db: Path, claim: str, code: str = "CAUSAL_OVERSTATEMENT") -> int:
    with Store(db) as store:
        return next(i for i, flag in enumerate(store.run(1).flags) if flag.claim == claim and flag.code == code)


def test_the_reviewed_report_shows_every_decision_in_markdown_html_and_json(desk: Desk) -> None:
    _decide(
        desk.db,
        ("dismiss", {"flag": _flag_of(desk.db, "c1"), "reason": "The cohort adjusted for exercise."}),
        ("confirm", {"flag": _flag_of(desk.db, "c2"), "who": "ben"}),
        ("note", {"flag": _flag_of(desk.db, "c2"), "reason": "Writer asked to soften.", "who": "ben"}),
        ("fixed", {"claim": "c3"}),
    )
    with Store(desk.db) as store:
        files = export_files(store, 1, load_settings())
    document = json.loads(files["reviewed-report.json"])
    assert document["schema"] == "claimcheck.report/1"  # the report's own document, keys added
    review = document["summary"]["review"]
    assert (review["confirmed"], review["dismissed"], review["claims_fixed"], review["reviewers"]) == (
        1,
        1,
        1,
        ["ana", "ben"],
    )
    by_claim = {claim["id"]: claim for claim in document["claims"]}
    c1 = next(flag for flag in by_claim["c1"]["flags"] if flag["code"] == "CAUSAL_OVERSTATEMENT")
    assert (c1["review"]["status"], c1["review"]["by"], c1["review"]["why"]) == (
        "dismissed",
        "ana",
        "The cohort adjusted for exercise.",
    )
    assert by_claim["c3"]["review"]["status"] == "fixed"
    assert all(flag["review"]["status"] == "open" for flag in by_claim["c3"]["flags"])

    markdown = files["reviewed-report.md"]
    assert "- **Review:** 1 flags confirmed, 1 dismissed" in markdown
    assert "*Decision:* **dismissed** by ana on 2025-04-02: The cohort adjusted for exercise." in markdown
    assert "*Decision:* **confirmed** by ben on 2025-04-02; *note by ben:* Writer asked to soften." in markdown
    assert "*Decision:* **fixed** by ana on 2025-04-02" in markdown

    html = BeautifulSoup(files["reviewed-report.html"], "html.parser")
    decisions = [node.get_text(" ", strip=True) for node in html.select("p.decision")]
    assert any(text.startswith("Dismissed by ana on 2025-04-02: The cohort adjusted") for text in decisions)
    assert any(text.startswith("Confirmed by ben") for text in decisions)
    # Self-contained: no script to run, nothing remote; the ClaimReview rides along as data.
    assert [script.get("type") for script in html.find_all("script")] == ["application/ld+json"]
    assert not html.select("[src], link[href]")
    embedded = json.loads(html.find("script").string)
    assert embedded == json.loads(files["claimreview.jsonld"])


def test_claimreview_rates_the_claims_the_desk_decided(desk: Desk) -> None:
    _decide(
        desk.db,
        ("confirm", {"flag": _flag_of(desk.db, "c1")}),
        ("dismiss", {"flag": _flag_of(desk.db, "c2"), "reason": "The survey's authors say so in their summary."}),
        # c3 has three flags; one dismissed leaves it undecided: not rated.
        ("dismiss", {"flag": _flag_of(desk.db, "c3"), "reason": "Accepted."}),
    )
    with Store(desk.db) as store:
        settings = load_settings()
        files = export_files(store, 1, settings, publish_url="https://desk.example.org/checks/habits")
    graph = json.loads(files["claimreview.jsonld"])
    assert graph["@context"] == "https://schema.org"
    reviews = {review["url"]: review for review in graph["@graph"]}
    assert sorted(reviews) == [
        "https://desk.example.org/checks/habits#claim-c1",
        "https://desk.example.org/checks/habits#claim-c2",
    ]
    c1 = reviews["https://desk.example.org/checks/habits#claim-c1"]
    assert c1["@type"] == "ClaimReview"
    assert c1["claimReviewed"] == "Drinking three cups of green tea each day prevents heart attacks in adults."
    assert c1["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 3,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Overstated: causation from an association",
        "ratingExplanation": c1["reviewRating"]["ratingExplanation"],
    }
    assert "cohort study" in c1["reviewRating"]["ratingExplanation"]
    assert c1["itemReviewed"] == {"@type": "Claim", "appearance": {"@type": "CreativeWork", "headline": "Small habits"}}
    assert c1["author"] == {"@type": "Person", "name": "ana"}
    assert c1["datePublished"] == "2025-04-02"
    c2 = reviews["https://desk.example.org/checks/habits#claim-c2"]
    assert (c2["reviewRating"]["ratingValue"], c2["reviewRating"]["alternateName"]) == (5, "Supported")
    assert c2["reviewRating"]["ratingExplanation"] == "The survey's authors say so in their summary."


def test_claimcheck_export_writes_the_four_files(
    desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _decide(desk.db, ("confirm", {"flag": _flag_of(desk.db, "c1")}))
    config = tmp_path / "desk.toml"
    config.write_text('[review]\norganization = "The Health Desk"\n', encoding="utf-8")
    out = tmp_path / "reviewed"
    assert main(["export", str(desk.article), "--db", str(desk.db), "--out", str(out), "--config", str(config)]) == 0
    assert (
        capsys.readouterr().out
        == f"run 1 exported -> {out / 'reviewed-report.html'} (and .md, .json, claimreview.jsonld)\n"
    )
    assert sorted(path.name for path in out.iterdir()) == [
        "claimreview.jsonld",
        "reviewed-report.html",
        "reviewed-report.json",
        "reviewed-report.md",
    ]
    (review,) = json.loads((out / "claimreview.jsonld").read_text())["@graph"]
    assert review["author"] == {"@type": "Organization", "name": "The Health Desk"}
    assert review["url"] == "reviewed-report.html#claim-c1"


def test_a_run_recorded_without_its_report_is_shown_but_not_exported(tmp_path: Path) -> None:
    run = RunRecord(
        location="/old/piece.md",
        title="Old piece",
        kind="check",
        mode="live",
        checked_at="2024-01-01T00:00:00Z",
        settings_hash="s",
        article_sha256="a",
        archive=None,
        summary={},
        claims=(ClaimRow("c1", "Walking cures colds.", "", (), "unverifiable", 0.0),),
        flags=(FlagRow("c1", "UNCITED", "medium", "No source is cited."),),
    )
    with Store(tmp_path / "runs.db") as store:
        store.record_run(run)
        with pytest.raises(UsageError, match="^run 1 was recorded before the store kept reports; re-check"):
            export_files(store, 1, load_settings())
        from pipeline.review.desk import Filters, run_view

        view = run_view(store, 1, Filters(), 2)
    assert view.segments is None
    assert [item.claim.claim for item in view.queue] == ["c1"]
