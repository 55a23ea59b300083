"""Whole articles made from public claim–evidence data, for bench/article_eval.py.

Each generated article is a Markdown page of CLAIMS_PER_ARTICLE claims, one paragraph each,
every claim citing its evidence with a `[n]` marker and a numbered source list whose URLs
point at plain HTML pages (written here: a title and the evidence text, nothing else) served
on loopback. Nothing is written into the repository: `write_articles` writes into a folder the
caller gives (a temporary one), with the URL's PORT filled in.

The sets, and which half of each is held out (bench/splits.py draws every line):

    check_covid  Check-COVID's journalist-written claims (`is_auth`) with the abstract each
                 cites (title + sentences) as its page. The train file is the development half,
                 the dev file is held out. In this data every NOTENOUGHINFO claim repeats a
                 SUPPORT or REFUTE claim word for word with the same abstract (its label is about
                 one annotated sentence, not the abstract); an article gives the whole abstract,
                 so a claim whose text and abstract carry SUPPORT or REFUTE takes that label, a
                 claim carrying both is left out, and one carrying only NOTENOUGHINFO stays NEI.
    healthver    HealthVer dev: a claim with one of its evidence passages (the pair whose id has
                 the lowest md5, so one claim is in the set once), held out by topic.
    scifact      SciFact pairs: a claim with its gold evidence (again one pair per claim), held
                 out by claim.

Labels: SUPPORT / Supports / entailment → SUPPORT; REFUTE / Refutes → REFUTE; NOTENOUGHINFO /
Neutral / not_entailment → NEI (see article_scoring.from_label for what each must get).
A claim that is more than one sentence is left out (the citation marker would sit on its last
sentence only, and the first would be read as uncited). Which claims, and in which article,
is fixed by an md5 of the set name and the item's id, so every run builds the same articles;
each half gives at most ARTICLES_PER_HALF articles (check_covid's held-out half has 33
claims, so 3).
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from article_scoring import NEI, REFUTE, SUPPORT, Gold, from_label  # noqa: E402
from splits import healthver_held_out, scifact_held_out  # noqa: E402

from pipeline.language.text import sentence_spans  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SETS = ("check_covid", "healthver", "scifact")
CLAIMS_PER_ARTICLE = 10
ARTICLES_PER_HALF = 12
FRAGMENT_CHARS = 60  # a claim is found in the report by its first this many characters
LABELS = {"SUPPORT": SUPPORT, "Supports": SUPPORT, "entailment": SUPPORT,
          "REFUTE": REFUTE, "Refutes": REFUTE,
          "NOTENOUGHINFO": NEI, "Neutral": NEI, "not_entailment": NEI}


@dataclass(frozen=True, slots=True)
class PublicClaim:
    """One claim with its evidence page and label."""

    dataset: str
    key: str  # the item's id in its dataset
    text: str
    label: str  # SUPPORT / REFUTE / NEI
    page: str  # the evidence page's name; claims citing the same abstract share it
    title: str
    evidence: tuple[str, ...]  # paragraphs of the evidence page
    held_out: bool


@dataclass(frozen=True, slots=True)
class PublicArticle:
    """One generated article: its name, claims and whether it is in the held-out half."""

    dataset: str
    name: str
    claims: tuple[PublicClaim, ...]
    held_out: bool


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _clean(text: str) -> str:
    """One line of text, with brackets made round (a `[` would read as a citation marker) and
    no opening Markdown marker (a heading, list or quote)."""
    text = " ".join(text.split()).replace("[", "(").replace("]", ")")
    return re.sub(r"^(?:#+|[*+>-]|\d+[.)])\s+", "", text)


def _one_sentence(text: str) -> bool:
    return len(sentence_spans(text)) == 1


# ── the three sets ─────────────────────────────────────────────────────────────────────────


def check_covid_claims(eval_dir: Path = EVAL) -> list[PublicClaim]:
    """Check-COVID's `is_auth` claims, one per (claim text, abstract), labelled as the module
    docstring says; train is the development half, dev the held-out one."""
    folder = eval_dir / "check_covid"
    with (folder / "corpus.json").open(encoding="utf-8") as handle:
        corpus = {row["cord_id"]: row for row in map(json.loads, handle) if row}
    claims = []
    for held_out, name in ((False, "covidCheck_train_composed+extracted.json"),
                           (True, "covidCheck_dev_composed+extracted.json")):
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        with (folder / name).open(encoding="utf-8") as handle:
            for row in (json.loads(line) for line in handle if line.strip()):
                if row["is_auth"] is True:
                    groups[(_clean(row["claim"]), row["cord_id"])].append(row)
        for (text, cord_id), rows in groups.items():
            settled = {LABELS[row["label"]] for row in rows} - {NEI}
            if len(settled) > 1:
                continue
            label = settled.pop() if settled else NEI
            row = min(rows, key=lambda item: _md5(str(item["id"])))
            source = corpus[cord_id]
            claims.append(PublicClaim("check_covid", str(row["id"]), text, label, f"cc-{cord_id}",
                                      _clean(source["title"]) or "Abstract",
                                      (" ".join(source["abstract"]),), held_out))
    return claims


def healthver_claims(eval_dir: Path = EVAL) -> list[PublicClaim]:
    """HealthVer dev, one evidence passage per claim, held out by topic."""
    with (eval_dir / "healthver" / "healthver_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_claim: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_claim[_clean(row["claim"])].append(row)
    claims = []
    for text, pairs in by_claim.items():
        row = min(pairs, key=lambda item: _md5(f"healthver:{item['id']}"))
        claims.append(PublicClaim("healthver", row["id"], text, LABELS[row["label"]], f"hv-{row['id']}",
                                  "Research summary", (_clean(row["evidence"]),),
                                  healthver_held_out(row["topic_ip"])))
    return claims


def scifact_claims(eval_dir: Path = EVAL) -> list[PublicClaim]:
    """SciFact pairs, one evidence per claim, held out by claim."""
    with (eval_dir / "scifact_pairs" / "rte_scifact_train.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_claim: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_claim[row["sentence2"]].append(row)
    claims = []
    for claim, pairs in by_claim.items():
        row = min(pairs, key=lambda item: _md5(f"scifact:{item['index']}"))
        claims.append(PublicClaim("scifact", row["index"], _clean(claim), LABELS[row["entailment"]],
                                  f"sf-{row['index']}", "Research summary", (_clean(row["sentence1"]),),
                                  scifact_held_out(claim)))
    return claims


LOADERS = {"check_covid": check_covid_claims, "healthver": healthver_claims, "scifact": scifact_claims}


def articles(dataset: str, claims: Iterable[PublicClaim], per_article: int = CLAIMS_PER_ARTICLE,
             per_half: int = ARTICLES_PER_HALF) -> list[PublicArticle]:
    """The articles of one set: each half's usable claims in md5 order, cut into articles of
    `per_article` (an incomplete last one is dropped), at most `per_half` per half. A claim
    is usable when it is one sentence and its fragment is not that of a claim already taken."""
    built = []
    for held_out in (False, True):
        pool = sorted((claim for claim in claims if claim.held_out == held_out and _one_sentence(claim.text)),
                      key=lambda claim: _md5(f"{dataset}:{claim.key}"))
        taken: list[PublicClaim] = []
        fragments: set[str] = set()
        for claim in pool:
            if fragment_of(claim.text).lower() not in fragments:
                fragments.add(fragment_of(claim.text).lower())
                taken.append(claim)
        count = min(per_half, len(taken) // per_article)
        half = "heldout" if held_out else "dev"
        for index in range(count):
            chunk = tuple(taken[index * per_article:(index + 1) * per_article])
            built.append(PublicArticle(dataset, f"{dataset}-{half}-{index + 1:02d}", chunk, held_out))
    return built


def fragment_of(text: str) -> str:
    """The start of a claim by which its report claim is found: FRAGMENT_CHARS characters,
    cut back to a whole word."""
    text = text.rstrip(" .")
    if len(text) <= FRAGMENT_CHARS:
        return text
    cut = text[:FRAGMENT_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


# ── writing ────────────────────────────────────────────────────────────────────────────────


def page_html(title: str, paragraphs: Sequence[str]) -> str:
    """A plain HTML page: a title and the evidence paragraphs, every text escaped."""
    body = "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"</head>\n<body>\n<main>\n<article>\n<h1>{html.escape(title)}</h1>\n{body}\n</article>\n</main>\n"
            "</body>\n</html>\n")


def article_markdown(article: PublicArticle, base_url: str) -> str:
    """The article's Markdown: a heading, one paragraph per claim with its `[n]` marker, and
    the numbered sources (a page cited twice keeps one number)."""
    numbers: dict[str, int] = {}
    for claim in article.claims:
        numbers.setdefault(claim.page, len(numbers) + 1)
    lines = [f"# Evidence digest {article.name}", ""]
    for claim in article.claims:
        lines += [f"{claim.text.rstrip(' .')} [{numbers[claim.page]}].", ""]
    lines += ["## Sources", ""]
    titles = {claim.page: claim.title for claim in article.claims}
    for page, number in numbers.items():
        lines.append(f"{number}. {titles[page].rstrip('.')}. {base_url}/{article.dataset}/{page}.html")
    return "\n".join(lines) + "\n"


def gold_of(article: PublicArticle) -> Gold:
    """What each claim of the article must get, from its label."""
    return Gold(tuple(from_label(fragment_of(claim.text), claim.label) for claim in article.claims))


def write_pages(folder: Path, built: Iterable[PublicArticle]) -> None:
    """Every evidence page of `built` under `folder/<dataset>/<page>.html`."""
    for article in built:
        (folder / article.dataset).mkdir(parents=True, exist_ok=True)
        for claim in article.claims:
            target = folder / article.dataset / f"{claim.page}.html"
            if not target.exists():
                target.write_text(page_html(claim.title, claim.evidence), encoding="utf-8")


def write_article(folder: Path, article: PublicArticle, base_url: str) -> Path:
    """The article's Markdown file in `folder`, its sources under `base_url`."""
    target = folder / f"{article.name}.md"
    target.write_text(article_markdown(article, base_url), encoding="utf-8")
    return target
