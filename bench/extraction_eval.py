"""Main-text extraction measured on ../shared/eval/extraction (181 real news and blog pages
with their true article bodies; scrapinghub's article-extraction-benchmark).

Run from the repository root:

    .venv/bin/python bench/extraction_eval.py              # all pages, our extract stage
    .venv/bin/python bench/extraction_eval.py --limit 20   # the first 20 pages (sorted by id)
    .venv/bin/python bench/extraction_eval.py --no-precision   # trafilatura without favor_precision

Each page goes through `pipeline.extract.extractor.extract_source` exactly as a fetched source would
(bytes in, Source.text out; headings included). The metric is the dataset's own, written
here in our words: the text is split into word tokens (runs of \\w), every run of 4 tokens
is a shingle, and a page's true positives, false positives and false negatives are the
multiset overlaps of predicted and true shingles, normalised to sum to 1 per page. Precision
and recall are averaged over pages (pages with nothing to score are left out of that
average), and F1 is the harmonic mean of the two averages.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings, load_settings  # noqa: E402
from pipeline.extract.extractor import extract_source  # noqa: E402
from pipeline.records import Snapshot  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "extraction"
_TOKEN = re.compile(r"\w+")

Counts = tuple[float, float, float]


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of runs of `size` word tokens in `text` (one short run if it has fewer)."""
    tokens = _TOKEN.findall(text or "")
    runs = (tuple(tokens[index : index + size]) for index in range(max(1, len(tokens) - size + 1)))
    return Counter(run for run in runs if run)


def page_counts(true: str, predicted: str) -> Counts:
    """(tp, fp, fn) of one page's shingles, normalised so that they sum to 1."""
    expected, found = shingles(true), shingles(predicted)
    hits = sum((expected & found).values())
    counts = (float(hits), float(sum(found.values()) - hits), float(sum(expected.values()) - hits))
    total = sum(counts)
    return tuple(count / total for count in counts) if total else counts  # type: ignore[return-value]


def scores(pages: Sequence[Counts]) -> dict[str, float]:
    """Precision and recall averaged over pages, and the F1 of those averages."""

    def ratio(hits: float, other: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return hits / (hits + other) if hits + other else 0.0

    precision = statistics.mean(ratio(tp, fp, fp, fn) for tp, fp, fn in pages if tp + fp > 0)
    recall = statistics.mean(ratio(tp, fn, fp, fn) for tp, fp, fn in pages if tp + fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def page_ids(limit: int | None = None) -> list[str]:
    """The dataset's page ids, sorted, at most `limit` of them."""
    ids = sorted(path.name.removesuffix(".html.gz") for path in (DATA / "html").glob("*.html.gz"))
    return ids[:limit] if limit else ids


def extracted_text(page_id: str, settings: Settings) -> str:
    """Our main text of one dataset page, read as a fetched HTML snapshot would be."""
    body = gzip.decompress((DATA / "html" / f"{page_id}.html.gz").read_bytes())
    snapshot = Snapshot(
        reference_id="1",
        url=f"https://bench.invalid/{page_id}",
        final_url=f"https://bench.invalid/{page_id}",
        http_status=200,
        content_type="text/html",
        headers=(),
        body=body,
        fetched_at="",
        content_sha256="",
    )
    return extract_source(snapshot, settings).text


def evaluate(ids: Sequence[str], settings: Settings) -> dict[str, float]:
    """Scores of our extraction on the pages `ids`, plus pages per second."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    counts = [
        page_counts(truth[page_id].get("articleBody", ""), extracted_text(page_id, settings))
        for page_id in ids
    ]
    elapsed = time.perf_counter() - started
    return {**scores(counts), "pages": len(ids), "pages_per_second": len(ids) / elapsed if elapsed else 0.0}


def main(argv: Sequence[str] | None = None) -> int:
    """Print precision, recall, F1 and speed of the extract stage on the dataset."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (sorted by id)")
    parser.add_argument("--no-precision", action="store_true", help="run trafilatura without favor_precision")
    args = parser.parse_args(argv)
    if not (DATA / "ground-truth.json").is_file():
        print(f"dataset not found at {DATA}", file=sys.stderr)
        return 2
    settings = load_settings()
    if args.no_precision:
        settings = dataclasses.replace(
            settings, extract=dataclasses.replace(settings.extract, favor_precision=False)
        )
    result = evaluate(page_ids(args.limit), settings)
    print(
        f"pages={result['pages']}  precision={result['precision']:.3f}  recall={result['recall']:.3f}  "
        f"F1={result['f1']:.3f}  speed={result['pages_per_second']:.1f} pages/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
