"""Whole articles end to end: planted problems caught, correct claims judged right, false alarms.

Run from the repository root:

    .venv/bin/python bench/article_eval.py                  # fixtures, the 7 cases, our 8, public sets
    .venv/bin/python bench/article_eval.py --only cases     # the 7 cases of ../shared/eval/articles
    .venv/bin/python bench/article_eval.py --only ours      # our 8 cases of fixtures/articles
    .venv/bin/python bench/article_eval.py --only fixtures --show   # misses, development items only
    .venv/bin/python bench/article_eval.py --json           # every number as one JSON object
    .venv/bin/python bench/article_eval.py --judge NAME     # passed to `claimcheck check --judge`
    .venv/bin/python bench/article_eval.py --config my.toml # passed to `claimcheck check --config`

Four groups of articles, each cut into a development half and a held-out half by
bench/splits.py (held-out items are measured, never looked into: their misses are never
printed, with --show or in --json):

    fixtures  the project's fixtures (fixtures/*/), checked offline from their archives, scored
              against expected.toml (bench/article_scoring.from_fixture); "met" is every
              expectation of expected.toml as fixtures/expectations.compare counts it
    cases     the seven cases of ../shared/eval/articles, each site/ served on loopback, scored
              by the shared scorer itself (score_report.py --json), so the numbers are its own;
              "met" is its "all expectations", "sources" its sources (kind and dead link)
    ours      our own eight cases in the same format (fixtures/articles/*/), written blind,
              run and scored exactly as the cases are (the shared scorer)
    public    articles generated at run time from Check-COVID, HealthVer and SciFact
              (bench/public_articles.py: 10 claims each, at most 12 per set and half), their
              evidence pages served on loopback; also verdict macro-F1 over SUPPORT/REFUTE/NEI

Every line carries the trivial baseline beside our number: every claim `supported` with no
flag, every source the kind most common in the group's development gold; the public sets also
the majority class of their development half (every claim given that label's answer). Every
run is `claimcheck check` itself, in this process (`--quiet --no-db`), so --judge and --config
reach it exactly as on the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "fixtures"))

import article_scoring as scoring  # noqa: E402
import public_articles as public  # noqa: E402
from evidence_eval import macro_f1  # noqa: E402
from expectations import compare, load_expected  # noqa: E402
from manifest import fixture_article, fixture_folders, is_held_out  # noqa: E402
from splits import HELD_OUT_FIXTURES, article_case_held_out, our_case_held_out  # noqa: E402

from pipeline import cli  # noqa: E402

CASES = ROOT.parent / "shared" / "eval" / "articles"
OURS = ROOT / "fixtures" / "articles"
SCORER = CASES / "score_report.py"
GROUPS = ("fixtures", "cases", "ours", "public")
PUBLIC_LABELS = (scoring.SUPPORT, scoring.REFUTE, scoring.NEI)


@dataclass
class ArticleResult:
    """One article checked and scored, with its baselines."""

    group: str  # fixtures | cases | ours | public:<set>
    name: str
    held_out: bool
    ours: scoring.Figures
    baseline: scoring.Figures  # every claim supported, no flag; every source the majority kind
    majority: scoring.Figures | None = None  # public: every claim the majority label's answer
    majority_label: str = ""  # public: the development half's most common label
    met: tuple[int, int] | None = None  # every expectation of the article's own scorer
    baseline_met: tuple[int, int] | None = None  # ... met by the baseline
    labels: tuple[tuple[str, str], ...] = ()
    misses: tuple[str, ...] = ()
    seconds: float = 0.0
    error: str = ""


@dataclass
class Options:
    """What every `claimcheck check` run is given besides the article."""

    judge: str | None = None
    config: str | None = None
    notes: list[str] = field(default_factory=list)


# ── running claimcheck ─────────────────────────────────────────────────────────────────────


def cli_knows(option: str) -> bool:
    """Whether `claimcheck check` accepts `option` (e.g. --judge, which a later change adds)."""
    _, unknown = cli.build_parser().parse_known_args(["check", "article.md", option, "x"])
    return option not in unknown


def run_check(article: str, out: Path, options: Options, *, offline: bool = False) -> dict[str, Any]:
    """`claimcheck check` on `article` in this process; the parsed report.json."""
    argv = ["check", article, "--out", str(out), "--quiet", "--no-db"]
    argv += ["--offline"] if offline else ["--allow-private-hosts"]
    if options.judge:
        argv += ["--judge", options.judge]
    if options.config:
        argv += ["--config", options.config]
    errors = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(errors):
        status = cli.main(argv)
    report = out / "report.json"
    if status > 1 or not report.is_file():
        raise RuntimeError(f"claimcheck exited {status}: {errors.getvalue().strip()[-200:]}")
    return json.loads(report.read_text(encoding="utf-8"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[int]:
    """Serve `folder` as static files on 127.0.0.1; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


# ── the three groups ───────────────────────────────────────────────────────────────────────


def run_fixtures(options: Options, work: Path) -> list[ArticleResult]:
    """Every fixture, offline from its archive, scored against its expected.toml."""
    folders = fixture_folders()
    golds = {folder.name: scoring.from_fixture(load_expected(folder)) for folder in folders}
    held = {folder.name: is_held_out(folder) or folder.name in HELD_OUT_FIXTURES for folder in folders}
    kind = scoring.majority_kind(gold for name, gold in golds.items() if not held[name])
    results = []
    for folder in folders:
        started = time.perf_counter()
        try:
            report = run_check(str(fixture_article(folder)), work / f"fixture-{folder.name}", options, offline=True)
        except RuntimeError as error:
            results.append(_failed("fixtures", folder.name, held[folder.name], golds[folder.name], str(error)))
            continue
        seconds = time.perf_counter() - started
        ours = scoring.score(report, golds[folder.name])
        base = scoring.score(scoring.baseline_report(report, kind), golds[folder.name])
        checks = compare(report, load_expected(folder))
        base_checks = compare(scoring.baseline_report(report, kind), load_expected(folder))
        results.append(ArticleResult("fixtures", folder.name, held[folder.name], ours.figures, base.figures,
                                     met=(checks.met, checks.checks), baseline_met=(base_checks.met, base_checks.checks),
                                     misses=ours.misses, seconds=seconds))
    return results


def case_folders(root: Path = CASES) -> list[Path]:
    """The cases under `root` (folders with gold.json): ../shared/eval/articles, or ours."""
    return sorted(path.parent for path in root.glob("*/gold.json"))


# Each group of whole-article cases: where its folders are and which of them are held out.
CASE_GROUPS = {"cases": (CASES, article_case_held_out), "ours": (OURS, our_case_held_out)}


def run_cases(options: Options, work: Path, group: str = "cases") -> list[ArticleResult]:
    """Each case of `group` ("cases" or "ours") served on loopback, checked, and scored by the
    shared scorer."""
    root, held_out = CASE_GROUPS[group]
    cases = case_folders(root)
    kind = scoring.majority_kind(
        scoring.from_case(json.loads((case / "gold.json").read_text(encoding="utf-8")))
        for case in cases if not held_out(case.name))
    results = []
    for case in cases:
        out = work / f"{group}-{case.name}"
        started = time.perf_counter()
        try:
            report = _check_case(case, out, work, options)
        except RuntimeError as error:
            gold = scoring.from_case(json.loads((case / "gold.json").read_text(encoding="utf-8")))
            results.append(_failed(group, case.name, held_out(case.name), gold, str(error)))
            continue
        seconds = time.perf_counter() - started
        baseline_path = out / "baseline-report.json"
        baseline_path.write_text(json.dumps(scoring.every_source(report, kind) if kind else report), encoding="utf-8")
        ours = shared_score(out / "report.json", case)
        base = shared_score(baseline_path, case, baseline=True)
        results.append(ArticleResult(group, case.name, held_out(case.name), ours["figures"],
                                     base["figures"], met=ours["met"], baseline_met=base["met"],
                                     misses=tuple(ours["misses"]), seconds=seconds))
    return results


def _check_case(case: Path, out: Path, work: Path, options: Options) -> dict[str, Any]:
    """The case's site served on loopback and its article (a file with PORT filled in, or
    site/article.html by URL) checked."""
    with serve(case / "site") as port:
        return run_check(case_location(case, port, work), out, options)


def case_location(case: Path, port: int, work: Path) -> str:
    """Where to check a case whose site is served on `port`: its article file with PORT filled
    in, written under `work`, or else site/article.html by URL."""
    article = next((case / f"article.{ext}" for ext in ("md", "txt") if (case / f"article.{ext}").exists()), None)
    if article is None:
        return f"http://127.0.0.1:{port}/article.html"
    target = work / f"{case.name}{article.suffix}"
    target.write_text(article.read_text(encoding="utf-8").replace("PORT", str(port)), encoding="utf-8")
    return str(target)


def shared_score(report: Path, case: Path, *, baseline: bool = False) -> dict[str, Any]:
    """The shared scorer's verdict on `report` (SCORE_BASELINE=all-supported when `baseline`),
    as Figures. Its JSON gives planted, clean, false alarms and all expectations met; the
    sources right are what is left of "met" once the claims and the not-claims are taken out
    (each not-claim missed is one "not a claim, flagged" line among its misses)."""
    env = {key: value for key, value in os.environ.items() if key != "SCORE_BASELINE"}
    if baseline:
        env["SCORE_BASELINE"] = "all-supported"
    done = subprocess.run([sys.executable, str(SCORER), str(report), str(case / "gold.json"), "--name", case.name,
                           "--json"], capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"score_report.py failed on {case.name}: {done.stdout.strip()[-200:]}{done.stderr.strip()[-200:]}")
    scored = json.loads(done.stdout)
    return {"figures": figures_of_shared(scored, json.loads((case / "gold.json").read_text(encoding="utf-8"))),
            "met": (scored["met"], scored["total"]), "misses": scored["misses"]}


def figures_of_shared(scored: dict[str, Any], gold: dict[str, Any]) -> scoring.Figures:
    """The shared scorer's JSON line (with the case's gold.json) as Figures."""
    not_claims = len(gold.get("not_claims", []))
    not_claims_right = not_claims - sum(1 for miss in scored["misses"] if miss.startswith("not a claim, flagged"))
    claims_right = scored["planted"][0] + scored["clean"][0]
    sources_total = scored["total"] - len(gold["claims"]) - not_claims
    return scoring.Figures(planted=scored["planted"][0], planted_total=scored["planted"][1],
                           correct=scored["clean"][0], correct_total=scored["clean"][1],
                           false_alarms=scored["false_alarms"],
                           sources=scored["met"] - claims_right - not_claims_right,
                           sources_total=sources_total, articles=1)


def run_public(options: Options, work: Path, per_half: int) -> list[ArticleResult]:
    """The generated articles of every public set present, served on loopback."""
    built: list[public.PublicArticle] = []
    for dataset, load in public.LOADERS.items():
        try:
            claims = load()
        except FileNotFoundError:
            options.notes.append(f"{dataset}: its data is not in ../shared/eval; left out")
            continue
        built += public.articles(dataset, claims, per_half=per_half)
    site = work / "public-site"
    public.write_pages(site, built)
    majority = {dataset: scoring.majority_label(claim.label for article in built if article.dataset == dataset
                                                and not article.held_out for claim in article.claims)
                for dataset in {article.dataset for article in built}}
    results = []
    with serve(site) as port:
        for article in built:
            gold = public.gold_of(article)
            path = public.write_article(work, article, f"http://127.0.0.1:{port}")
            started = time.perf_counter()
            try:
                report = run_check(str(path), work / f"public-{article.name}", options)
            except RuntimeError as error:
                results.append(_failed(f"public:{article.dataset}", article.name, article.held_out, gold, str(error),
                                       majority[article.dataset]))
                continue
            seconds = time.perf_counter() - started
            ours = scoring.score(report, gold)
            base = scoring.score(scoring.every_claim(report), gold)
            most = scoring.score(scoring.every_claim(report, *scoring.label_answer(majority[article.dataset])), gold)
            results.append(ArticleResult(f"public:{article.dataset}", article.name, article.held_out, ours.figures,
                                         base.figures, majority=most.figures,
                                         majority_label=majority[article.dataset], labels=ours.labels,
                                         misses=ours.misses, seconds=seconds))
    return results


def _failed(group: str, name: str, held_out: bool, gold: scoring.Gold, error: str, label: str = "") -> ArticleResult:
    """A run that did not finish: every claim missed, and the failure named in the table (a
    run of `claimcheck` that fails counts against it)."""
    empty = scoring.score({"claims": [], "sources": []}, gold)
    return ArticleResult(group, name, held_out, empty.figures, empty.figures, majority=empty.figures,
                         majority_label=label, labels=empty.labels, error=error)


# ── printing ───────────────────────────────────────────────────────────────────────────────


def _ratio(right: int, total: int, share: bool = False) -> str:
    if not total:
        return "-"
    return f"{right}/{total} {right / total:.2f}" if share else f"{right}/{total}"


def _cells(figures: scoring.Figures, met: Sequence[int] | None, share: bool) -> str:
    false = f"{figures.false_alarms} ({figures.false_per_article:.1f})" if share else str(figures.false_alarms)
    return (f"{_ratio(figures.planted, figures.planted_total, share):>12} {_ratio(figures.correct, figures.correct_total, share):>12}"
            f" {_ratio(figures.other, figures.other_total, share):>12} {false:>9} {_ratio(figures.sources, figures.sources_total, share):>12}"
            f" {_ratio(*met, share) if met else '-':>14}")


def _row(label: str, ours: scoring.Figures, base: scoring.Figures, met: Sequence[int] | None,
         base_met: Sequence[int] | None, tail: str = "", share: bool = False) -> str:
    return f"  {label:<28}{_cells(ours, met, share)}  |{_cells(base, base_met, share)}{tail}"


HEADER = (f"  {'':<28}{'claimcheck':^77}  |{'baseline: all supported, no flag':^77}\n"
          + f"  {'article':<28}" + f"{'planted':>12} {'correct':>12} {'other':>12} {'false':>9} {'sources':>12} {'met':>14}" * 1
          + "  |" + f"{'planted':>12} {'correct':>12} {'other':>12} {'false':>9} {'sources':>12} {'met':>14}")
LEGEND = """\
planted = planted problems caught (acceptable verdict and the flag it needs); correct = correct claims
judged right (acceptable verdict, no false flag); other = claims with no planted problem that must not
be called supported (public NEI); false = false alarms, total (per article); sources = source kinds
right (cases, ours: and the dead link not read); met = every expectation of the article's own scorer.
The baseline answers every claim `supported` with no flag and gives every source the kind most common
in the group's development gold; it catches nothing and raises no false alarm."""


def summarise(results: Sequence[ArticleResult]) -> dict[str, Any]:
    """Per half and group: the summed figures, baselines and, for public sets, macro-F1."""
    summary: dict[str, Any] = {}
    for half in ("development", "held_out"):
        chosen = [result for result in results if result.held_out == (half == "held_out")]
        groups: dict[str, Any] = {}
        for group in dict.fromkeys(result.group for result in chosen):
            members = [result for result in chosen if result.group == group]
            entry: dict[str, Any] = {
                "articles": len(members), "ours": asdict(scoring.total(m.ours for m in members)),
                "baseline": asdict(scoring.total(m.baseline for m in members)),
                "seconds": round(sum(m.seconds for m in members), 2),
                "failed": [m.name for m in members if m.error]}
            for key in ("met", "baseline_met"):
                pairs = [getattr(member, key) for member in members]
                if all(pairs):
                    entry[key] = [sum(pair[0] for pair in pairs), sum(pair[1] for pair in pairs)]
            if group.startswith("public:"):
                entry["majority"] = asdict(scoring.total(m.majority for m in members if m.majority))
                entry["macro_f1"] = _public_f1(members)
            groups[group] = entry
        summary[half] = groups
    return summary


def _public_f1(members: Sequence[ArticleResult]) -> dict[str, Any]:
    """Verdict macro-F1 over the labels the set has (of SUPPORT / REFUTE / NEI: SciFact pairs
    have no REFUTE, and the Check-COVID articles no NEI), for ours, all `supported` and the
    majority label; a claim not found counts as a wrong answer."""
    gold = [expected for member in members for expected, _ in member.labels]
    answered = [answer for member in members for _, answer in member.labels]
    label = members[0].majority_label
    present = [name for name in PUBLIC_LABELS if name in gold]

    def f1(predicted: Sequence[str]) -> float:
        return round(macro_f1(gold, predicted, present)["macro_f1"], 3)

    return {"ours": f1(answered), "all_supported": f1([scoring.SUPPORT] * len(gold)),
            "majority": f1([label] * len(gold)), "majority_label": label, "claims": len(gold)}


def print_tables(results: Sequence[ArticleResult], summary: dict[str, Any], show: bool) -> None:
    """The tables: per half, per article (public sets: per set) and per group, each with the
    trivial baseline beside it; with `show`, the misses of development articles."""
    print(LEGEND)
    for half in ("development", "held_out"):
        chosen = [result for result in results if result.held_out == (half == "held_out")]
        if not chosen:
            continue
        print(f"\n{'DEVELOPMENT HALF' if half == 'development' else 'HELD-OUT HALF (measured only; no misses shown)'}")
        print(HEADER)
        for group, entry in summary[half].items():
            members = [result for result in chosen if result.group == group]
            if not group.startswith("public:"):
                for member in members:
                    tail = f"  {member.seconds:.1f}s" + (f"  FAILED: {member.error}" if member.error else "")
                    print(_row(f"{group} {member.name}", member.ours, member.baseline, member.met, member.baseline_met, tail))
                    if show and half == "development":
                        for miss in member.misses:
                            print(f"      {miss}")
            label = f"{group} ({entry['articles']})" if group.startswith("public:") else f"{group} total"
            print(_row(label, _figures(entry["ours"]), _figures(entry["baseline"]), entry.get("met"),
                       entry.get("baseline_met"), f"  {entry['seconds']:.0f}s", share=True))
            if "macro_f1" in entry:
                f1 = entry["macro_f1"]
                print(_row(f"  majority class: {f1['majority_label']}", _figures(entry["majority"]),
                           _figures(entry["baseline"]), None, None, share=True).split("|")[0]
                      + f"| verdict macro-F1 {f1['ours']:.3f}, all supported {f1['all_supported']:.3f}, "
                        f"majority {f1['majority']:.3f} ({f1['claims']} claims)")
            if entry["failed"]:
                print(f"      failed runs: {', '.join(entry['failed'])}")
            if show and half == "development" and group.startswith("public:"):
                for member in members:
                    for miss in member.misses:
                        print(f"      {member.name}: {miss}")


def _figures(entry: dict[str, int]) -> scoring.Figures:
    return scoring.Figures(**entry)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", action="append", choices=GROUPS, help="run only this group (repeatable)")
    parser.add_argument("--show", action="store_true", help="list the misses of development articles (never held-out)")
    parser.add_argument("--json", action="store_true", help="print every number as one JSON object")
    parser.add_argument("--judge", metavar="NAME", help="passed to `claimcheck check --judge` (when it has that option)")
    parser.add_argument("--config", metavar="FILE", help="passed to `claimcheck check --config`")
    parser.add_argument("--public-articles", type=int, default=public.ARTICLES_PER_HALF, metavar="N",
                        help=f"generated articles per public set and half (default {public.ARTICLES_PER_HALF})")
    args = parser.parse_args(argv)
    options = Options(config=args.config)
    if args.judge:
        if cli_knows("--judge"):
            options.judge = args.judge
        else:
            options.notes.append(f"--judge {args.judge}: `claimcheck check` has no --judge option yet; ignored")
    groups = args.only or list(GROUPS)
    started = time.perf_counter()
    results: list[ArticleResult] = []
    with tempfile.TemporaryDirectory(prefix="article-eval-") as folder:
        work = Path(folder)
        if "fixtures" in groups:
            results += run_fixtures(options, work)
        for group in ("cases", "ours"):
            if group not in groups:
                continue
            if SCORER.is_file():
                results += run_cases(options, work, group)
            else:
                options.notes.append(f"{group}: the shared scorer {SCORER} is not here; left out")
        if "public" in groups:
            results += run_public(options, work, args.public_articles)
    wall = time.perf_counter() - started
    summary = summarise(results)
    if args.json:
        print(json.dumps(_as_json(results, summary, options, wall), indent=1))
    else:
        for note in options.notes:
            print(f"note: {note}")
        print_tables(results, summary, args.show)
        print(f"\nwall time {wall:.1f} s")
    return 0


def _as_json(results: Sequence[ArticleResult], summary: dict[str, Any], options: Options, wall: float) -> dict[str, Any]:
    """Everything measured; a held-out article's misses and labels are left out."""
    articles = []
    for result in results:
        entry = asdict(result)
        if result.held_out:
            entry.pop("misses")
            entry.pop("labels")
        articles.append(entry)
    return {"summary": summary, "articles": articles, "notes": options.notes, "judge": options.judge,
            "config": options.config, "wall_seconds": round(wall, 1)}


if __name__ == "__main__":
    raise SystemExit(main())
