"""Our whole-article cases (fixtures/articles/*) are well formed: not a test of the pipeline.

Each case is in the format of ../shared/eval/articles (gold.json, NOTES.md, the article as
article.md / article.txt with PORT placeholders or site/article.html, and site/ with the cited
pages). Checked here: the gold parses with the expected keys and only contract verdicts, flag
codes and source kinds; every cited page is in site/ except exactly one planted dead link, the
one the gold expects not to be read; every gold fragment is in the article (a claim's exactly
once); the notes explain every claim; the split in bench/splits.py names every case once. And,
like the hook that keeps the shared gold out of the project, no fragment of the shared gold is in
our cases and no sentence of ours (30 characters or more) is in a shared gold fragment.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from splits import OUR_CASES_DEVELOPMENT, OUR_CASES_HELD_OUT, our_case_held_out  # noqa: E402

from pipeline.records import FLAG_CODES, SOURCE_KINDS, VERDICTS  # noqa: E402

OURS = ROOT / "fixtures" / "articles"
SHARED = ROOT.parent / "shared" / "eval" / "articles"
CASES = sorted(path.parent for path in OURS.glob("*/gold.json"))
GOLD_KEYS = {"about", "claims", "not_claims", "sources", "sources_by_url_suffix"}
HELD_OUT_HEADER = "held out — measure only"
LOOPBACK_URL = re.compile(r"http://127\.0\.0\.1:PORT(/[^\s)>\]]*)")
LIST_ENTRY = re.compile(r"^\s*(\d+)\.\s.*?http://127\.0\.0\.1:PORT(/[^\s)>\]]*)", re.MULTILINE)
MIN_SENTENCE = 30


def _flat(text: str) -> str:
    return " ".join(text.split())


def _text_article(case: Path) -> Path | None:
    return next((case / name for name in ("article.md", "article.txt") if (case / name).is_file()), None)


def article_text(case: Path) -> str:
    """What a reader sees of the article: the file, or the HTML page's body text."""
    article = _text_article(case)
    if article is not None:
        return _flat(article.read_text(encoding="utf-8"))
    page = html.fromstring((case / "site" / "article.html").read_bytes())
    return _flat(page.body.text_content())


def cited_paths(case: Path) -> list[str]:
    """The paths the article cites: its loopback URLs, or the links in the HTML article's body."""
    article = _text_article(case)
    if article is not None:
        return LOOPBACK_URL.findall(article.read_text(encoding="utf-8"))
    page = html.fromstring((case / "site" / "article.html").read_bytes())
    hrefs = page.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]//a/@href")
    return [urlsplit(href).path for href in hrefs]


def numbered_sources(case: Path) -> dict[str, str]:
    """A text article's source list: number → path."""
    article = _text_article(case)
    return dict(LIST_ENTRY.findall(article.read_text(encoding="utf-8"))) if article else {}


def gold_paths(case: Path, gold: dict) -> dict[str, dict]:
    """Each gold source expectation by the path it names."""
    numbered = numbered_sources(case)
    cited = set(cited_paths(case))
    paths = {numbered[number]: expected for number, expected in gold["sources"].items()}
    for suffix, expected in gold["sources_by_url_suffix"].items():
        matching = [path for path in cited if path.endswith(suffix)]
        assert len(matching) == 1, f"{case.name}: {suffix} names {len(matching)} cited paths"
        paths[matching[0]] = expected
    return paths


def our_files() -> list[Path]:
    return sorted(path for path in OURS.rglob("*") if path.is_file() and path.suffix in {".md", ".txt", ".html", ".json"})


def sentences(text: str) -> list[str]:
    plain = _flat(re.sub(r"<[^>]+>", " ", text))
    return [part.strip() for part in re.split(r"(?<=[.!?…])\s+", plain) if len(part.strip()) >= MIN_SENTENCE]


def test_the_split_names_every_case_once() -> None:
    names = {case.name for case in CASES}
    assert len(CASES) == 8
    assert names == set(OUR_CASES_DEVELOPMENT) | set(OUR_CASES_HELD_OUT)
    assert not set(OUR_CASES_DEVELOPMENT) & set(OUR_CASES_HELD_OUT)
    assert [our_case_held_out(name) for name in OUR_CASES_DEVELOPMENT + OUR_CASES_HELD_OUT] == [False] * 4 + [True] * 4
    assert our_case_held_out("a-case-nobody-placed")


def test_both_halves_mix_formats() -> None:
    def formats(names: tuple[str, ...]) -> set[str]:
        return {(_text_article(OURS / name) or OURS / name / "site" / "article.html").suffix
                for name in names if (OURS / name / "gold.json").is_file()}
    assert formats(OUR_CASES_DEVELOPMENT) >= {".html", ".md"}
    assert formats(OUR_CASES_HELD_OUT) >= {".html", ".md"}
    pdfs = [path for path in OURS.rglob("*.pdf")]
    assert pdfs and all(path.read_bytes().startswith(b"%PDF-") for path in pdfs)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_gold_parses_with_contract_values(case: Path) -> None:
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    assert set(gold) == GOLD_KEYS
    assert 14 <= len(gold["claims"]) <= 18
    planted = [claim for claim in gold["claims"] if claim.get("flags_any")]
    correct = [claim for claim in gold["claims"] if not claim.get("flags_any")]
    assert abs(len(planted) - len(correct)) <= 2, "about half the claims carry a planted problem"
    for claim in gold["claims"]:
        assert isinstance(claim["fragment"], str) and claim["fragment"].strip() == claim["fragment"]
        assert claim["verdict"] and set(claim["verdict"]) <= set(VERDICTS)
        assert ("flags_any" in claim) != ("flags_none" in claim), claim["fragment"]
        assert set(claim.get("flags_any", []) + claim.get("flags_none", [])) <= set(FLAG_CODES)
        assert claim.get("flags_any", True), claim["fragment"]
    fragments = [claim["fragment"].lower() for claim in gold["claims"]] + [text.lower() for text in gold["not_claims"]]
    assert len(fragments) == len(set(fragments))
    expectations = list(gold["sources"].values()) + list(gold["sources_by_url_suffix"].values())
    assert 6 <= len(expectations) <= 8
    for expected in expectations:
        assert set(expected) <= {"kind", "status_not", "readable"} and expected
        assert set(expected.get("kind", [])) <= set(SOURCE_KINDS)
    assert sum(1 for expected in expectations if expected.get("status_not") == ["ok"]) == 1


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_cited_page_is_served_but_the_one_dead_link(case: Path) -> None:
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    cited = set(cited_paths(case))
    missing = {path for path in cited if not (case / "site" / path.lstrip("/")).is_file()}
    expected = gold_paths(case, gold)
    dead = {path for path, entry in expected.items() if entry.get("status_not") == ["ok"]}
    assert len(missing) == 1 and missing == dead
    assert set(expected) <= cited
    if _text_article(case) is not None:
        assert set(numbered_sources(case).values()) == cited, "every URL of the text is in the numbered list"
        assert set(gold["sources"]) == set(numbered_sources(case)), "the gold has every numbered source"
    else:
        assert not (case / "article.md").exists() and not (case / "article.txt").exists()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_fragment_is_in_the_article_and_explained(case: Path) -> None:
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    text = article_text(case).lower()
    notes = _flat((case / "NOTES.md").read_text(encoding="utf-8"))
    for claim in gold["claims"]:
        assert text.count(claim["fragment"].lower()) == 1, claim["fragment"]
        assert claim["fragment"] in notes, f"NOTES.md does not discuss {claim['fragment']!r}"
    for fragment in gold["not_claims"]:
        assert fragment.lower() in text, fragment
    header = (case / "NOTES.md").read_text(encoding="utf-8").split("\n", 1)[0]
    assert (HELD_OUT_HEADER in header) == our_case_held_out(case.name)


def _shared_fragments() -> list[str]:
    found = []
    for path in sorted(SHARED.glob("*/gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        found += [claim["fragment"] for claim in gold["claims"]] + list(gold.get("not_claims", []))
    return found


@pytest.mark.shared_eval("articles")
def test_nothing_of_the_shared_gold_is_in_our_cases() -> None:
    """The hook's rule, for our cases: no shared gold fragment in our files, and none of our
    sentences (or gold fragments) inside a shared gold fragment."""
    shared = [fragment.lower() for fragment in _shared_fragments()]
    assert len(shared) > 100
    ours = {path: path.read_text(encoding="utf-8") for path in our_files()}
    for path, text in ours.items():
        lowered = _flat(text).lower()
        assert not [fragment for fragment in shared if fragment in lowered], path.relative_to(OURS)
        for sentence in sentences(text):
            assert not [fragment for fragment in shared if sentence.lower() in fragment], (path.relative_to(OURS), sentence)
    for case in CASES:
        gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
        for fragment in [claim["fragment"] for claim in gold["claims"]] + gold["not_claims"]:
            assert not [theirs for theirs in shared if fragment.lower() in theirs], (case.name, fragment)
