"""The scoring behind bench/article_eval.py: synthetic reports and gold, exact counts.

No pipeline run and no bench run here, except one test that reads a generated article with
the pipeline's own ingest (the claims must come out citing their pages), and one that checks
our reading of a case's gold against the shared scorer itself (needs ../shared/eval).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import article_eval  # noqa: E402
import article_scoring as scoring  # noqa: E402
import public_articles as public  # noqa: E402
from article_scoring import Figures, Gold, GoldClaim, GoldSource  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.ingest import parse_article  # noqa: E402


def claim(text: str, verdict: str, *codes: str, citations: tuple[str, ...] = ("1",)) -> dict:
    return {"text": text, "verdict": verdict, "citations": list(citations),
            "flags": [{"code": code, "severity": "high", "message": ""} for code in codes]}


def report(claims: list[dict], sources: list[dict] | None = None) -> dict:
    return {"schema": "claimcheck.report/1", "claims": claims, "sources": sources or []}


NOT_ON_CORRECT = frozenset({"CONTRADICTED", "CAUSAL_OVERSTATEMENT"})
GOLD = Gold(
    claims=(
        # planted: every required flag (a fixture's `flags`)
        GoldClaim("walnuts cut", frozenset({"partially_supported"}), flags_all=frozenset({"CAUSAL_OVERSTATEMENT", "GENERALIZATION"})),
        # planted: one of (a case's `flags_any`)
        GoldClaim("nine in ten", frozenset({"unverifiable", "unsupported"}), flags_any=frozenset({"UNCITED", "UNSUPPORTED"})),
        GoldClaim("doubles the risk", frozenset({"contradicted"}), flags_any=frozenset({"NUMBER_MISMATCH"})),
        # correct
        GoldClaim("Oats lower cholesterol", frozenset({"supported"}), flags_none=NOT_ON_CORRECT),
        GoldClaim("a daily walk", frozenset({"supported", "partially_supported"}), flags_none=NOT_ON_CORRECT),
        GoldClaim("fish twice a week", frozenset({"supported"}), flags_none=NOT_ON_CORRECT),
        GoldClaim("never reported", frozenset({"supported"}), flags_none=NOT_ON_CORRECT),
        # other: must not be called supported
        GoldClaim("green tea", frozenset({"unsupported", "unverifiable", "partially_supported"})),
    ),
    sources=(
        GoldSource(id="1", kinds=frozenset({"peer_reviewed"})),
        GoldSource(id="2", kinds=frozenset({"government", "nonprofit"})),
        GoldSource(id="3", status_not=frozenset({"ok"})),
        GoldSource(url_suffix="/shop/pills.html", kinds=frozenset({"commercial"})),
        GoldSource(url_suffix="/missing.html", kinds=frozenset({"blog"})),
    ),
    not_claims=("By Ann Writer", "Sign up for our newsletter"),
)
REPORT = report(
    [
        claim("Eating WALNUTS CUT heart disease in half.", "partially_supported", "CAUSAL_OVERSTATEMENT", "GENERALIZATION"),
        claim("Nine in ten adults sleep too little.", "unverifiable", "UNCITED"),
        claim("Smoking doubles the risk of stroke.", "contradicted", "CONTRADICTED"),  # not the flag it needs
        claim("Oats lower cholesterol in adults.", "supported"),
        claim("A daily walk helps.", "partially_supported", "CAUSAL_OVERSTATEMENT"),  # right verdict, false flag
        claim("Eat fish twice a week.", "unsupported"),  # wrong verdict
        claim("Green tea melts fat.", "supported"),  # other, called supported
        claim("By Ann Writer, health desk", "unverifiable", "UNCITED"),  # a byline taken for a claim, flagged
        claim("Sign up for our newsletter today", "unverifiable"),  # a not-claim, unflagged
    ],
    [
        {"id": "1", "url": "http://a/x", "kind": "peer_reviewed", "status": "ok"},
        {"id": "2", "url": "http://b/y", "kind": "commercial", "status": "ok"},
        {"id": "3", "url": "http://c/z", "kind": "unknown", "status": "http_error"},
        {"id": "4", "url": "http://d/shop/pills.html", "kind": "commercial", "status": "ok"},
    ],
)


def test_each_outcome_is_counted_once_in_its_figure() -> None:
    scored = scoring.score(REPORT, GOLD)
    assert scored.figures == Figures(
        planted=2, planted_total=3,  # walnuts (both flags), nine in ten (one of); not "doubles"
        correct=1, correct_total=4,  # oats; not the walk (false flag), fish (verdict), "never reported" (absent)
        other=0, other_total=1,  # green tea called supported
        false_alarms=2,  # CAUSAL_OVERSTATEMENT on the walk, the flagged byline
        sources=3, sources_total=5,  # 1, 3 (dead, not ok), shop; not 2 (kind), not the missing page
        articles=1,
    )
    assert len(scored.misses) == 1 + 3 + 1 + 1 + 2
    assert any("no claim with 'never reported'" in miss for miss in scored.misses)
    assert any("not a claim, flagged: 'By Ann Writer'" in miss for miss in scored.misses)


def test_every_required_flag_is_needed_and_one_of_suffices() -> None:
    every = Gold((GoldClaim("x", frozenset({"supported"}), flags_all=frozenset({"A", "B"})),))
    one_of = Gold((GoldClaim("x", frozenset({"supported"}), flags_any=frozenset({"A", "B"})),))
    only_a = report([claim("x", "supported", "A")])
    assert scoring.score(only_a, every).figures.planted == 0
    assert scoring.score(only_a, one_of).figures.planted == 1
    assert scoring.score(report([claim("x", "supported", "A", "B")]), every).figures.planted == 1


def test_a_false_flag_spoils_a_caught_planted_problem_too() -> None:
    gold = Gold((GoldClaim("x", frozenset({"partially_supported"}), flags_any=frozenset({"A"}),
                           flags_none=frozenset({"B"})),))
    scored = scoring.score(report([claim("x", "partially_supported", "A", "B")]), gold)
    assert (scored.figures.planted, scored.figures.false_alarms) == (0, 1)


def test_public_labels() -> None:
    refute = scoring.from_label("masks", scoring.REFUTE)
    support = scoring.from_label("masks", scoring.SUPPORT)
    nei = scoring.from_label("masks", scoring.NEI)
    assert (refute.role, support.role, nei.role) == ("planted", "correct", "other")
    gold = Gold((refute,))
    # A refuted claim is caught by the verdict alone, or by the flag under any verdict.
    assert scoring.score(report([claim("Masks work", "contradicted")]), gold).figures.planted == 1
    assert scoring.score(report([claim("Masks work", "partially_supported", "CONTRADICTED")]), gold).figures.planted == 1
    assert scoring.score(report([claim("Masks work", "unsupported", "UNSUPPORTED")]), gold).figures.planted == 0
    assert scoring.score(report([claim("Masks work", "partially_supported")]), Gold((nei,))).figures.other == 1
    assert scoring.score(report([claim("Masks work", "supported")]), Gold((nei,))).figures.other == 0
    flagged = scoring.score(report([claim("Masks work", "supported", "GENERALIZATION", "PARTIAL_SUPPORT")]), Gold((support,)))
    assert (flagged.figures.correct, flagged.figures.false_alarms) == (0, 1)  # PARTIAL_SUPPORT is not a false alarm
    with pytest.raises(ValueError):
        scoring.from_label("x", "MAYBE")


def test_answers_read_as_labels() -> None:
    gold = Gold(tuple(scoring.from_label(text, label) for text, label in
                      (("a", "SUPPORT"), ("b", "REFUTE"), ("c", "NEI"), ("d", "SUPPORT"), ("e", "NEI"))))
    scored = scoring.score(report([claim("a", "supported"), claim("b", "partially_supported", "CONTRADICTED"),
                                   claim("c", "unsupported", "UNSUPPORTED"), claim("d", "contradicted")]), gold)
    assert scored.labels == (("SUPPORT", "SUPPORT"), ("REFUTE", "REFUTE"), ("NEI", "NEI"),
                             ("SUPPORT", "REFUTE"), ("NEI", "MISSING"))


def test_the_baseline_catches_nothing_raises_nothing_and_gets_every_correct_claim() -> None:
    base = scoring.every_source(scoring.every_claim(REPORT), "peer_reviewed")
    scored = scoring.score(base, GOLD)
    assert (scored.figures.planted, scored.figures.false_alarms) == (0, 0)
    assert scored.figures.correct == 3  # all but the claim the report does not have
    assert scored.figures.sources == 2  # source 1 by kind, 3 by status
    assert REPORT["claims"][0]["verdict"] == "partially_supported"  # the report itself is untouched
    majority = scoring.score(scoring.every_claim(REPORT, *scoring.label_answer(scoring.REFUTE)),
                             Gold((scoring.from_label("walnuts", scoring.REFUTE),)))
    assert majority.figures.planted == 1


def test_majorities_are_counted_and_ties_broken_by_name() -> None:
    golds = [Gold((), (GoldSource(id="1", kinds=frozenset({"blog", "clinic"})), GoldSource(id="2", kinds=frozenset({"clinic"})))),
             Gold((), (GoldSource(id="1", kinds=frozenset({"blog"})), GoldSource(id="2"))),]
    assert scoring.majority_kind(golds) == "blog"  # blog 2, clinic 2: alphabetical
    assert scoring.majority_kind([Gold(())]) is None
    assert scoring.majority_label(["NEI", "SUPPORT", "NEI", "SUPPORT", "REFUTE"]) == "NEI"


def test_figures_add_up() -> None:
    one = Figures(planted=1, planted_total=2, false_alarms=3, articles=1)
    two = Figures(correct=4, correct_total=5, false_alarms=1, sources=1, sources_total=1, articles=1)
    assert scoring.total([one, two]) == Figures(1, 2, 4, 5, 0, 0, 4, 1, 1, 2)
    assert scoring.total([one, two]).false_per_article == 2.0
    assert Figures().false_per_article == 0.0


def test_fixture_expectations_read_as_gold() -> None:
    expected = {
        "sources": {"kinds": {"1": "government", "L1": "blog"}},
        "claim": [{"contains": "a", "verdict": ["supported"], "flags": [], "not_flags": ["CONTRADICTED"]},
                  {"contains": "b", "verdict": ["unsupported"], "flags": ["UNCITED"], "not_flags": []},
                  {"contains": "c", "flags": []}],
        "skipped": [{"contains": "By us", "reason": "byline"}],
    }
    gold = scoring.from_fixture(expected)
    assert [item.role for item in gold.claims] == ["correct", "planted", "correct"]
    assert gold.claims[2].verdicts == frozenset(scoring.VERDICTS)  # no verdict given: any
    assert gold.sources == (GoldSource(id="1", kinds=frozenset({"government"})), GoldSource(id="L1", kinds=frozenset({"blog"})))
    assert gold.not_claims == ("By us",)


def test_the_shared_scorers_json_line_becomes_figures() -> None:
    gold = {"claims": [{}] * 4, "not_claims": ["x", "y", "z"], "sources": {"1": {}, "2": {}}}
    line = {"met": 6, "total": 9, "false_alarms": 2, "planted": [1, 2], "clean": [2, 2],
            "misses": ["'a': verdict supported", "not a claim, flagged: 'y'"]}
    figures = article_eval.figures_of_shared(line, gold)
    # 6 met = 3 claims + 2 not-claims + 1 source
    assert figures == Figures(planted=1, planted_total=2, correct=2, correct_total=2, false_alarms=2,
                              sources=1, sources_total=2, articles=1)


# ── generated public articles ───────────────────────────────────────────────────────────────


def _public_claim(key: str, text: str, label: str = "SUPPORT", page: str = "p1", held_out: bool = False) -> public.PublicClaim:
    return public.PublicClaim("demo", key, text, label, page, "A <title> & more", ("First <b>part</b>.",), held_out)


def test_articles_are_cut_in_a_fixed_order_per_half() -> None:
    claims = [_public_claim(str(i), f"Claim number {i} holds for adults.", held_out=i % 3 == 0) for i in range(40)]
    claims.append(_public_claim("x", "Two sentences here. And a second one."))  # left out
    claims.append(_public_claim("y", "Claim number 1 holds for adults."))  # same fragment as "1": left out
    built = public.articles("demo", claims, per_article=5, per_half=3)
    assert [article.name for article in built] == ["demo-dev-01", "demo-dev-02", "demo-dev-03",
                                                   "demo-heldout-01", "demo-heldout-02"]
    assert all(len(article.claims) == 5 for article in built)
    assert all(claim.held_out == article.held_out for article in built for claim in article.claims)
    assert not {"x", "y"} & {claim.key for article in built for claim in article.claims}
    assert built == public.articles("demo", list(reversed(claims)), per_article=5, per_half=3)


def test_a_generated_article_reads_as_claims_citing_their_pages() -> None:
    article = public.PublicArticle("demo", "demo-dev-01", (
        _public_claim("1", "# Zinc shortens colds in adults", page="p1"),
        _public_claim("2", "Vitamin [C] did not prevent colds.", label="NEI", page="p2"),
        _public_claim("3", "Zinc lozenges were well tolerated", label="REFUTE", page="p1"),
    ), False)
    article = public.PublicArticle("demo", article.name, tuple(
        public.PublicClaim(c.dataset, c.key, public._clean(c.text), c.label, c.page, c.title, c.evidence, False)
        for c in article.claims), False)
    text = public.article_markdown(article, "http://127.0.0.1:9")
    parsed = parse_article(text.encode(), location="demo.md", media_type="markdown", settings=load_settings())
    gold = public.gold_of(article)
    for expected, number in zip(gold.claims, ("1", "2", "1")):
        found = [c for c in parsed.claims if expected.fragment.lower() in c.text.lower()]
        assert len(found) == 1 and found[0].citations == (number,), expected.fragment
    assert [ref.url for ref in parsed.references] == ["http://127.0.0.1:9/demo/p1.html", "http://127.0.0.1:9/demo/p2.html"]
    assert [item.label for item in gold.claims] == ["SUPPORT", "NEI", "REFUTE"]


def test_pages_escape_their_text_and_fragments_cut_at_a_word() -> None:
    page = public.page_html("A <title> & more", ["x < y", "<script>alert(1)</script>"])
    assert "<title>A &lt;title&gt; &amp; more</title>" in page and "<script>" not in page
    long = "Vitamin D supplements taken daily through the winter months lowered the rate of falls."
    fragment = public.fragment_of(long)
    assert long.startswith(fragment) and len(fragment) <= public.FRAGMENT_CHARS and long[len(fragment)] == " "
    assert public.fragment_of("Short claim.") == "Short claim"


def test_the_judge_option_is_passed_only_when_the_cli_has_it() -> None:
    assert article_eval.cli_knows("--quiet")
    assert not article_eval.cli_knows("--no-such-option")


# ── agreement with the shared scorer ───────────────────────────────────────────────────────


@pytest.mark.shared_eval("articles")
@pytest.mark.parametrize("case", ["screentime", "vitc-colds", "probiotics-ibs", "hiit-diabetes"])
def test_reading_a_cases_gold_agrees_with_the_shared_scorer(case: str, tmp_path: Path) -> None:
    """A synthetic report for a development case (each gold claim answered in a way that
    varies with its position) is scored by score_report.py and by article_scoring; the
    figures agree, so the fixtures and public sets are counted as the cases are."""
    folder = article_eval.CASES / case
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    claims = []
    for i, entry in enumerate(gold["claims"]):
        if i % 7 == 6:
            continue  # every seventh claim missing from the report
        verdict = sorted(entry["verdict"])[0] if i % 3 else "supported"
        codes = sorted(entry.get("flags_any", []))[:1] if i % 2 else []
        if i % 5 == 4:
            codes += sorted(entry.get("flags_none", []))[:1]
        claims.append(claim(f"Text {entry['fragment'].upper()} more", verdict, *codes))
    claims += [claim(f"{text} x", "unverifiable", *(("UNCITED",) if i % 2 else ())) for i, text in enumerate(gold["not_claims"])]
    kinds = ["peer_reviewed", "government", "commercial", "nonprofit"]
    sources = [{"id": str(i), "url": f"http://127.0.0.1/{i}.html", "kind": kinds[i % 4], "status": "ok" if i % 3 else "http_error"}
               for i in range(1, 10)]
    sources += [{"id": f"L{i}", "url": f"http://127.0.0.1/site{suffix}", "kind": kinds[i % 4], "status": "ok"}
                for i, suffix in enumerate(gold.get("sources_by_url_suffix", {}))]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report(claims, sources)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(article_eval.SCORER), str(path), str(folder / "gold.json"), "--json"],
                          capture_output=True, text=True, check=True)
    theirs = article_eval.figures_of_shared(json.loads(done.stdout), gold)
    ours = scoring.score(report(claims, sources), scoring.from_case(gold)).figures
    assert ours == theirs
    # The synthetic report tests something: some of each figure right, some wrong.
    assert 0 < ours.planted < ours.planted_total and 0 < ours.correct < ours.correct_total
    assert 0 < ours.sources < ours.sources_total and ours.false_alarms > 0


# ── held-out items stay closed ─────────────────────────────────────────────────────────────


def _result(name: str, held_out: bool) -> article_eval.ArticleResult:
    figures = Figures(planted=1, planted_total=2, correct=1, correct_total=2, false_alarms=1, articles=1)
    return article_eval.ArticleResult("cases", name, held_out, figures, Figures(correct=2, correct_total=2, articles=1),
                                      met=(3, 5), baseline_met=(2, 5), misses=(f"MISS-OF-{name}",), labels=(("SUPPORT", "NEI"),))


def test_misses_are_shown_for_development_articles_only(capsys: pytest.CaptureFixture[str]) -> None:
    results = [_result("open-one", False), _result("closed-one", True)]
    article_eval.print_tables(results, article_eval.summarise(results), show=True)
    shown = capsys.readouterr().out
    assert "MISS-OF-open-one" in shown and "MISS-OF-closed-one" not in shown
    assert "closed-one" in shown  # its totals are printed
    as_json = json.dumps(article_eval._as_json(results, article_eval.summarise(results), article_eval.Options(), 1.0))
    assert "MISS-OF-open-one" in as_json and "MISS-OF-closed-one" not in as_json


def test_halves_are_summed_apart() -> None:
    results = [_result("a", False), _result("b", False), _result("c", True)]
    summary = article_eval.summarise(results)
    assert summary["development"]["cases"]["ours"]["planted"] == 2 and summary["development"]["cases"]["articles"] == 2
    assert summary["held_out"]["cases"]["ours"]["false_alarms"] == 1
    assert summary["development"]["cases"]["met"] == [6, 10] and summary["development"]["cases"]["baseline_met"] == [4, 10]


# ── our own cases (fixtures/articles) ─────────────────────────────────────────────────────


def test_our_cases_are_their_own_group_cut_by_their_own_split(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`--only ours` runs fixtures/articles/* as the shared cases are run; each result carries
    our split's half, and a held-out case's misses never reach the table. The check and the
    scorer are stood in for (no pipeline run here): only the wiring is tested."""
    from splits import OUR_CASES_DEVELOPMENT, OUR_CASES_HELD_OUT

    assert "ours" in article_eval.GROUPS
    checked: list[str] = []

    def fake_check(case: Path, out: Path, work: Path, options: article_eval.Options) -> dict:
        checked.append(case.name)
        out.mkdir(parents=True)
        (out / "report.json").write_text("{}", encoding="utf-8")
        return {"claims": [], "sources": []}

    def fake_score(report: Path, case: Path, *, baseline: bool = False) -> dict:
        figures = Figures(planted=0 if baseline else 1, planted_total=8, correct=8 if baseline else 2,
                          correct_total=8, articles=1)
        return {"figures": figures, "met": (10, 31), "misses": [f"MISS-OF-{case.name}"]}

    monkeypatch.setattr(article_eval, "_check_case", fake_check)
    monkeypatch.setattr(article_eval, "shared_score", fake_score)
    results = article_eval.run_cases(article_eval.Options(), tmp_path, "ours")
    assert sorted(checked) == sorted(OUR_CASES_DEVELOPMENT + OUR_CASES_HELD_OUT)
    assert {result.group for result in results} == {"ours"}
    assert {result.name for result in results if result.held_out} == set(OUR_CASES_HELD_OUT)
    summary = article_eval.summarise(results)
    assert summary["development"]["ours"]["articles"] == 4 and summary["held_out"]["ours"]["articles"] == 4
    article_eval.print_tables(results, summary, show=True)
    shown = capsys.readouterr().out
    assert all(f"MISS-OF-{name}" in shown for name in OUR_CASES_DEVELOPMENT)
    assert not any(f"MISS-OF-{name}" in shown for name in OUR_CASES_HELD_OUT)
