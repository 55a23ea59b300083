"""The labelled development data the learned decisions are fitted on (bench/train_decisions.py).

Every example is measured by the pipeline's own code: a claim's VERDICT_FEATURES are what
`match_claims` / `judge_passages_many` hand the verdict model (read through their `observe`
hook), a candidate flag's GATE_FEATURES what `assess_claims` hands its gate. Development data
only (bench/splits.py draws the line; a held-out item is never read here):

    fixture      the project's development fixtures (fixtures/*/ but vitd), checked offline
                 from their archives; labels from expected.toml (verdict sets, flags, not_flags,
                 skipped sentences)
    case         the development cases of ../shared/eval/articles (screentime, vitc-colds,
                 probiotics-ibs, hiit-diabetes) and of our own fixtures/articles (earbuds-hearing,
                 standing-desks, nordic-walking, magnesium-cramps), each site served on loopback;
                 labels from gold.json (verdict sets, flags_any, flags_none, not_claims)
    check_covid  Check-COVID train: each claim with its cited abstract's sentences; SUPPORT →
                 supported, REFUTE → contradicted, NOTENOUGHINFO → unsupported
    healthver    HealthVer dev, the development half by topic; the evidence passage cut into
                 sentences; Supports / Refutes / Neutral likewise
    scifact      SciFact pairs, the development half by claim; entailment → supported,
                 not_entailment → contradicted or unsupported (either is right)
    covidfact    COVID-Fact train; entailment → supported, not_entailment → contradicted or
                 unsupported
    mismatched   half the Check-COVID train claims each read against another claim's abstract
                 (negative sampling, `mismatched`): unsupported

A label is a set of acceptable verdicts (a fact-checker often accepts several), among the four
the model chooses from; a claim a rule decides (nothing cited, an absence claimed, nothing
readable) is no example.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "fixtures"))

import evidence_eval  # noqa: E402
import public_articles as public  # noqa: E402
from article_eval import CASE_GROUPS, case_folders, case_location, serve  # noqa: E402
from expectations import load_expected  # noqa: E402
from manifest import fixture_article, fixture_folders, is_held_out  # noqa: E402
from splits import HELD_OUT_FIXTURES, healthver_held_out, scifact_held_out  # noqa: E402

from pipeline.assess import assess_claims  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.match import judge_passages_many, match_claims  # noqa: E402
from pipeline.match.verdict import Decision, allowed_verdicts  # noqa: E402
from pipeline.match.verdict_model import VERDICT_CLASSES  # noqa: E402
from pipeline.records import Article, Flag, Source  # noqa: E402
from pipeline.runner import CheckRequest, check_article  # noqa: E402

ALL = frozenset(VERDICT_CLASSES)
NOT_SUPPORTED = frozenset({"contradicted", "unsupported"})
PUBLIC_LABELS = {
    "SUPPORT": frozenset({"supported"}), "REFUTE": frozenset({"contradicted"}),
    "NOTENOUGHINFO": frozenset({"unsupported"}),
    "Supports": frozenset({"supported"}), "Refutes": frozenset({"contradicted"}), "Neutral": frozenset({"unsupported"}),
    "entailment": frozenset({"supported"}), "not_entailment": NOT_SUPPORTED,
}


@dataclass(frozen=True, slots=True)
class Example:
    """One claim decided by the verdict model: its features and acceptable verdicts."""

    dataset: str
    group: str  # cross-validation group: an article, an abstract, a topic, a claim
    text: str
    labels: frozenset[str]
    values: tuple[float, ...]
    allowed: frozenset[str] = ALL  # the verdicts the evidence allows (verdict.allowed_verdicts)
    role: str = ""  # article claims: "correct" (only `supported` is right) or "planted"
    gold: str = ""  # public items: the dataset's label


@dataclass(frozen=True, slots=True)
class GoldClaim:
    """What a fact-checker expects of one article claim (from either dialect)."""

    fragment: str
    verdicts: frozenset[str]
    required: frozenset[str]  # flags one of which must be raised (all of them for a fixture)
    forbidden: frozenset[str]

    @property
    def role(self) -> str:
        """"correct" when it needs no flag and `supported` is right, else "planted"."""
        return "correct" if not self.required and "supported" in self.verdicts else "planted"


@dataclass(frozen=True)
class CheckedArticle:
    """A development article read and fetched once (fetch and extract are not refitted):
    matching and assessing can then be rerun under any model."""

    name: str
    dataset: str  # fixture | case
    article: Article
    sources: tuple[Source, ...]
    gold: tuple[GoldClaim, ...]
    not_claims: tuple[str, ...]

    def gold_of(self, text: str) -> GoldClaim | None:
        """The gold entry whose fragment the claim text contains (as the scorers find it)."""
        lowered = text.lower()
        return next((gold for gold in self.gold if gold.fragment.lower() in lowered), None)


# ── articles ──────────────────────────────────────────────────────────────────────────────


def development_articles(settings: Settings) -> list[CheckedArticle]:
    """Every development fixture and case, checked once (see the module docstring)."""
    found = []
    with tempfile.TemporaryDirectory(prefix="decisions-") as folder:
        work = Path(folder)
        for fixture in fixture_folders():
            if is_held_out(fixture) or fixture.name in HELD_OUT_FIXTURES:
                continue
            expected = load_expected(fixture)
            outcome = check_article(CheckRequest(str(fixture_article(fixture)), work / fixture.name, offline=True),
                                    settings)
            gold = tuple(GoldClaim(entry["contains"], frozenset(entry.get("verdict", ALL)),
                                   frozenset(entry.get("flags", ())), frozenset(entry.get("not_flags", ())))
                         for entry in expected.get("claim", []))
            found.append(CheckedArticle(fixture.name, "fixture", outcome.report.article, outcome.report.sources, gold,
                                        tuple(entry["contains"] for entry in expected.get("skipped", []))))
        loopback = settings.with_fetch(allow_private_hosts=True)
        cases = [(case, held_out) for root, held_out in CASE_GROUPS.values() for case in case_folders(root)]
        for case, held_out in cases:
            if held_out(case.name):
                continue
            data = json.loads((case / "gold.json").read_text(encoding="utf-8"))
            with serve(case / "site") as port:
                outcome = check_article(CheckRequest(case_location(case, port, work), work / case.name), loopback)
            gold = tuple(GoldClaim(entry["fragment"], frozenset(entry["verdict"]),
                                   frozenset(entry.get("flags_any", ())), frozenset(entry.get("flags_none", ())))
                         for entry in data["claims"])
            found.append(CheckedArticle(case.name, "case", outcome.report.article, outcome.report.sources, gold,
                                        tuple(data.get("not_claims", ()))))
    return found


def public_dev_articles(settings: Settings) -> list[CheckedArticle]:
    """The development half of the articles bench/article_eval.py builds from public data
    (bench/public_articles.py), each checked once with its pages served on loopback. Their
    gold is the benchmark's: a SUPPORT claim must raise none of the flags a checker forbids on
    a correct claim, a REFUTE claim needs CONTRADICTED. (Flag gates only: their claims are
    already verdict examples as public items.)"""
    built = []
    for dataset, load in public.LOADERS.items():
        try:
            claims = load()
        except FileNotFoundError:
            continue
        built += [article for article in public.articles(dataset, claims) if not article.held_out]
    found = []
    loopback = settings.with_fetch(allow_private_hosts=True)
    with tempfile.TemporaryDirectory(prefix="decisions-public-") as folder:
        work = Path(folder)
        public.write_pages(work / "site", built)
        with serve(work / "site") as port:
            for article in built:
                path = public.write_article(work, article, f"http://127.0.0.1:{port}")
                outcome = check_article(CheckRequest(str(path), work / article.name), loopback)
                gold = tuple(GoldClaim(claim.fragment, claim.verdicts, claim.flags_any, claim.flags_none)
                             for claim in public.gold_of(article).claims)
                found.append(CheckedArticle(article.name, "public", outcome.report.article, outcome.report.sources,
                                            gold, ()))
    return found


def article_examples(checked: CheckedArticle, settings: Settings) -> list[Example]:
    """The verdict examples of one checked article under `settings`' models."""
    decisions: dict[str, Decision] = {}
    match_claims(checked.article.claims, checked.sources, settings,
                 observe=lambda text, decision: decisions.setdefault(text, decision))
    examples = []
    for claim in checked.article.claims:
        decision = decisions.get(claim.text)
        gold = checked.gold_of(claim.text)
        if decision is None or decision.inputs is None or gold is None or not gold.verdicts & ALL:
            continue
        examples.append(Example(checked.dataset, checked.name, claim.text, gold.verdicts & ALL,
                                decision.inputs.values, frozenset(allowed_verdicts(decision.inputs)), gold.role))
    return examples


@dataclass(frozen=True, slots=True)
class GateExample:
    """One gated candidate flag: its code, features and whether a fact-checker wants it."""

    group: str  # the article
    code: str
    text: str
    values: tuple[float, ...]
    wanted: bool
    role: str


def gate_examples(checked: CheckedArticle, settings: Settings) -> list[GateExample]:
    """The labelled gated candidates of one checked article under `settings`' verdict model:
    a candidate is wanted when its code is among the claim's required flags, unwanted when
    among its forbidden ones or when the sentence is not a claim at all; else unlabelled."""
    evidence, judgements = match_claims(checked.article.claims, checked.sources, settings)
    seen: list[tuple[str, Flag, tuple[float, ...]]] = []
    assess_claims(checked.article, checked.sources, evidence, judgements, settings,
                  observe=lambda text, flag, values, _: seen.append((text, flag, values)))
    examples = []
    for text, flag, values in seen:
        gold = checked.gold_of(text)
        if gold is None:
            if any(fragment.lower() in text.lower() for fragment in checked.not_claims):
                examples.append(GateExample(checked.name, flag.code, text, values, False, "not_claim"))
            continue
        if flag.code in gold.required:
            examples.append(GateExample(checked.name, flag.code, text, values, True, gold.role))
        elif flag.code in gold.forbidden:
            examples.append(GateExample(checked.name, flag.code, text, values, False, gold.role))
    return examples


# ── public claim–evidence data ────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PublicItem:
    """One public claim with its passages, label and cross-validation group."""

    dataset: str
    group: str
    claim: str
    passages: tuple[str, ...]
    gold: str


def public_items(eval_dir: Path = evidence_eval.EVAL) -> list[PublicItem]:
    """The development items of every public set present (see the module docstring)."""
    items: list[PublicItem] = []
    if (eval_dir / "check_covid").is_dir():
        corpus = evidence_eval.load_corpus(eval_dir / "check_covid")
        for claim in evidence_eval.load_claims("train", eval_dir / "check_covid"):
            items.append(PublicItem("check_covid", f"cc:{claim['cord_id']}", claim["claim"],
                                    tuple(corpus[claim["cord_id"]]["abstract"]), claim["label"]))
        items += mismatched(items)
    if (eval_dir / evidence_eval.HEALTHVER_FILE).is_file():
        for row in evidence_eval.load_healthver(eval_dir / evidence_eval.HEALTHVER_FILE):
            if not healthver_held_out(row["topic_ip"]):
                items.append(PublicItem("healthver", f"hv:{row['topic_ip']}", row["claim"],
                                        tuple(evidence_eval.sentences(row["evidence"])), row["label"]))
    if (eval_dir / evidence_eval.SCIFACT_FILE).is_file():
        for row in evidence_eval.load_scifact(eval_dir / evidence_eval.SCIFACT_FILE):
            if not scifact_held_out(row["sentence2"]):
                items.append(PublicItem("scifact", f"sf:{row['sentence2']}", row["sentence2"], (row["sentence1"],),
                                        row["entailment"]))
    if (eval_dir / evidence_eval.COVIDFACT_FILE).is_file():
        for row in evidence_eval.load_covidfact(eval_dir / evidence_eval.COVIDFACT_FILE):
            items.append(PublicItem("covidfact", f"cf:{row['sentence1'][:200]}", row["Sentence2"],
                                    tuple(evidence_eval.sentences(row["sentence1"])), row["label"]))
    return items


def mismatched(items: Sequence[PublicItem], every: int = 2) -> list[PublicItem]:
    """Check-COVID claims read against an abstract they do not cite (negative sampling): every
    `every`-th train claim, each paired with the abstract an md5 of its id picks among the
    others, labelled unsupported. Every public set pairs a claim with the text written about
    it, so without these the model never sees a passage that shares a word or two with a
    claim and is about something else, which an article's wrong citation is."""
    abstracts = sorted({item.group: item.passages for item in items if item.dataset == "check_covid"}.items())
    found = []
    for number, item in enumerate(item for item in items if item.dataset == "check_covid"):
        if number % every:
            continue
        pick = int(hashlib.md5(f"mismatch:{item.claim}".encode("utf-8")).hexdigest(), 16) % len(abstracts)
        group, passages = abstracts[pick]
        if group == item.group:
            group, passages = abstracts[(pick + 1) % len(abstracts)]
        found.append(PublicItem("mismatched", f"mm:{item.group}", item.claim, passages, "NOTENOUGHINFO"))
    return found


def public_examples(items: Iterable[PublicItem], settings: Settings,
                    progress: Callable[[int], None] | None = None) -> list[Example]:
    """The verdict examples of the public items (each through the evidence verb's code)."""
    examples = []
    for number, item in enumerate(items):
        decisions: list[Decision] = []
        judge_passages_many([(item.claim, list(item.passages))], settings,
                            observe=lambda _, decision: decisions.append(decision))
        if decisions and decisions[0].inputs is not None:
            examples.append(Example(item.dataset, item.group, item.claim, PUBLIC_LABELS[item.gold],
                                    decisions[0].inputs.values, frozenset(allowed_verdicts(decisions[0].inputs)),
                                    gold=item.gold))
        if progress is not None and number % 500 == 0:
            progress(number)
    return examples


def with_models(settings: Settings, verdict_model: str | None = None, flag_gates: str | None = None) -> Settings:
    """`settings` with other model files (a fold's, a placeholder)."""
    match = dataclasses.replace(settings.match, verdict_model=verdict_model) if verdict_model else settings.match
    assess = dataclasses.replace(settings.assess, flag_gates=flag_gates) if flag_gates is not None else settings.assess
    return dataclasses.replace(settings, match=match, assess=assess)


def write_json(path: Path, data: Mapping[str, Any] | Sequence[Any]) -> None:
    """`data` as indented JSON at `path`."""
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
