"""How well each word resource links a claim's words to a source's other words, and what it costs.

    .venv/bin/python bench/lexical_eval.py                 # hand lists and the WordNet tables
    .venv/bin/python bench/lexical_eval.py --vectors       # also wordllama's token vectors, when
                                                           # installed (pip install wordllama)

Pairs measured (claim wording → source wording):

  * paraphrases: the kinds the project's issue names and more of their kind, written for this
    bench ("kids" → "children", "heart attack" → "myocardial infarction");
  * reversals: antonym pairs a passage may use to say the opposite ("raised" → "lowered");
  * notes: the paraphrase mappings the fact-checker wrote out in the NOTES.md of the development
    article cases (bench/splits.py; never the held-out ones): `"three-month" = 12 weeks`,
    `“gas” means wind`. Read from ../shared at run time, never copied into the project.

For each pair: whether every content word of the claim side is matched by a word of the source
side, by stem, by a hand-list group (configs/lexicons/synonyms.toml), by a WordNet synonym
(configs/wordnet/), or by vector similarity at or above --threshold (wordllama, average of its
token vectors). Reversals count as found when the pair is an antonym pair of the resource (for
vectors: when the similarity reaches the threshold, which is what a vector match would wrongly
treat as the same). Costs: the time and resident memory added by loading each resource (imports included),
measured in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from splits import ARTICLE_CASES_DEVELOPMENT  # noqa: E402

from pipeline.config import load_settings  # noqa: E402
from pipeline.language.cues import term_analyzer, tokenize  # noqa: E402
from pipeline.language.lexical import lexical_database  # noqa: E402
from pipeline.language.reversal import antonym_map  # noqa: E402
from pipeline.language.text import STOPWORDS  # noqa: E402

ARTICLES = ROOT.parent / "shared" / "eval" / "articles"

PARAPHRASES = [
    ("kids", "children"), ("heart attack", "myocardial infarction"), ("the recommended daily amount", "the RDA"),
    ("fell asleep faster", "shorter sleep-onset latency"), ("older adults", "elderly"), ("doctors", "physicians"),
    ("teenagers", "adolescents"), ("youngsters", "children"), ("tiredness", "fatigue"), ("grownups", "adults"),
    ("infants", "babies"), ("pupils", "students"), ("ill", "sick"), ("cardiac", "heart"), ("kidney", "renal"),
    ("risk", "danger"), ("intake", "consumption"), ("tummy", "stomach"), ("high blood pressure", "hypertension"),
    ("phones", "smartphones"), ("heal", "cure"), ("yearly", "annual"), ("sadness", "unhappiness"),
]
REVERSALS = [
    ("raised", "lowered"), ("widened", "narrowed"), ("lengthened", "shortened"), ("increased", "decreased"),
    ("accelerated", "slowed"), ("improved", "worsened"), ("strengthened", "weakened"), ("safe", "dangerous"),
    ("higher", "lower"), ("rose", "fell"), ("expanded", "shrank"), ("more", "fewer"),
]
_NOTE_PAIR = re.compile(r'["“]([^"”]{2,60})["”] (?:=|means) ["“]?([^;."”)]{2,80})')


def note_pairs() -> list[tuple[str, str]]:
    """Paraphrase mappings written out in the development cases' NOTES.md."""
    pairs = []
    for case in ARTICLE_CASES_DEVELOPMENT:
        notes = ARTICLES / case / "NOTES.md"
        if notes.exists():
            pairs.extend((" ".join(a.split()), " ".join(b.split()))
                         for a, b in _NOTE_PAIR.findall(notes.read_text(encoding="utf-8")))
    return [(a, b) for a, b in pairs if not re.fullmatch(r"[\d.,% ]+", b)]


def content(text: str, settings) -> list[tuple[str, str]]:
    """(word, stem) of the content words of `text` (abbreviations expanded)."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    return [(token.word, token.stem) for token in tokenize(analyzer.expand(text))
            if token.word not in STOPWORDS and not token.word.isdigit()]


class Matchers:
    def __init__(self, settings, vectors: bool, threshold: float) -> None:
        self.settings = settings
        self.analyzer = term_analyzer(settings.lexicon("synonyms"))
        self.database = lexical_database(settings)
        self.antonyms = antonym_map(settings)
        self.threshold = threshold
        self.model = _wordllama() if vectors else None

    def hand(self, claim: str, source: str) -> bool:
        source_keys = self.analyzer.term_keys(source)
        return all(self.analyzer.key(s) in source_keys or s in {t for _, t in content(source, self.settings)}
                   for _, s in content(claim, self.settings)) or self.analyzer.term_keys(claim) <= source_keys

    def wordnet(self, claim: str, source: str) -> bool:
        source_stems = {s for _, s in content(source, self.settings)}
        source_keys = self.analyzer.term_keys(source)
        return self.hand(claim, source) or all(
            s in source_stems or self.analyzer.key(s) in source_keys or self.database.synonyms(s) & source_stems
            for _, s in content(claim, self.settings))

    def similarity(self, claim: str, source: str) -> float:
        """The least, over the claim's content words, of its best similarity to a source word."""
        words = [w for w, _ in content(source, self.settings)]
        scores = []
        for word, _ in content(claim, self.settings):
            scores.append(max((float(self.model.similarity(word, other)) for other in words), default=0.0))
        return min(scores, default=0.0)

    def opposed_hand(self, a: str, b: str) -> bool:
        return any(t in self.antonyms.get(s, ()) for _, s in content(a, self.settings) for _, t in content(b, self.settings))

    def opposed_wordnet(self, a: str, b: str) -> bool:
        return any(self.database.opposed(s, t) for _, s in content(a, self.settings) for _, t in content(b, self.settings))


def _wordllama():
    import wordllama
    from wordllama import WordLlama

    # The package folder holds weights/ and tokenizers/; naming it as the cache folder finds both
    # there (its own lookup looks for a "tokenizer" folder that the wheel does not have).
    return WordLlama.load(disable_download=True, cache_dir=Path(wordllama.__file__).parent)


_RSS = "(lambda: int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]))"
_COST = {
    "wordnet": f"rss = {_RSS}; from pipeline.config import load_settings; "
               "from pipeline.language.lexical import lexical_database; s = load_settings(); import time; "
               "r = rss(); t = time.perf_counter(); lexical_database(s).synonyms('kid'); "
               "print(time.perf_counter() - t, (rss() - r) / 1024)",
    "wordllama": f"rss = {_RSS}; import time, pathlib; r = rss(); t = time.perf_counter(); import wordllama; "
                 "from wordllama import WordLlama; "
                 "m = WordLlama.load(disable_download=True, cache_dir=pathlib.Path(wordllama.__file__).parent); "
                 "m.similarity('kids', 'children'); print(time.perf_counter() - t, (rss() - r) / 1024)",
}


def cost(name: str) -> str:
    """Seconds and MiB of resident memory that loading the resource adds, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _COST[name]], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return f"not measured ({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode})"
    seconds, mib = (float(value) for value in done.stdout.split())
    return f"load {seconds:.2f} s, +{mib:.0f} MiB RSS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", action="store_true", help="also measure wordllama's vectors (if installed)")
    parser.add_argument("--threshold", type=float, default=0.6, help="vector similarity counted as a match")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    matchers = Matchers(load_settings(), args.vectors, args.threshold)
    sets = {"paraphrases": PARAPHRASES, "notes (dev cases)": note_pairs()}
    results: dict[str, dict[str, str]] = {}
    for label, pairs in sets.items():
        row = {"pairs": str(len(pairs)),
               "hand lists": f"{sum(matchers.hand(a, b) for a, b in pairs)}",
               "+ WordNet": f"{sum(matchers.wordnet(a, b) for a, b in pairs)}"}
        if matchers.model is not None:
            row[f"vectors ≥ {args.threshold}"] = f"{sum(matchers.similarity(a, b) >= args.threshold for a, b in pairs)}"
            row["+ WordNet or vectors"] = f"{sum(matchers.wordnet(a, b) or matchers.similarity(a, b) >= args.threshold for a, b in pairs)}"
        results[label] = row
    row = {"pairs": str(len(REVERSALS)),
           "hand lists": f"{sum(matchers.opposed_hand(a, b) for a, b in REVERSALS)}",
           "+ WordNet": f"{sum(matchers.opposed_hand(a, b) or matchers.opposed_wordnet(a, b) for a, b in REVERSALS)}"}
    if matchers.model is not None:
        row[f"vectors ≥ {args.threshold} (would match as same)"] = \
            f"{sum(matchers.similarity(a, b) >= args.threshold for a, b in REVERSALS)}"
        row["vector similarity of reversals (mean)"] = \
            f"{sum(matchers.similarity(a, b) for a, b in REVERSALS) / len(REVERSALS):.2f}"
    results["reversals found as antonyms"] = row
    results["cost"] = {"WordNet tables": cost("wordnet")}
    if args.vectors:
        results["cost"]["wordllama"] = cost("wordllama")
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for label, row in results.items():
        print(f"{label}: " + "; ".join(f"{key} {value}" for key, value in row.items()))
    if matchers.model is not None:
        print("vector similarity per paraphrase pair:")
        for a, b in PARAPHRASES:
            print(f"  {a} / {b}: {matchers.similarity(a, b):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
