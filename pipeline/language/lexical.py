"""The general lexical database: synonyms, antonyms and hypernyms from WordNet, by word stem.

Hand lists (configs/lexicons/synonyms.toml, antonyms.toml) know the words of the articles they
were written for; a new article brings new words ("kids" for "children", "widened" against
"narrowed"). This module answers the same questions for any English word from compact tables
derived from Princeton WordNet 3.0 by bench/build_wordnet_tables.py (configs/wordnet/, with
WordNet's licence beside them). Nothing is downloaded and WordNet itself is never read at run
time: the tables are plain text, read once per settings object on first use (37 k stems with
synonyms, about 0.02 s; the hypernym table only when a hypernym is asked for).

Words are compared by Snowball stem, like every other word list of the project, so "raised",
"raises" and "raising" all meet "lowered". A stem stands for every part of speech it spells,
so the tables keep only each word's frequent senses (WordNet orders senses by frequency):
"kid" meets "child" (both first senses), never "chaff" (a rare sense of "kid").

    synonyms(stem)   stems sharing a frequent sense with it ("kid" → "child", "youngster"...)
    antonyms(stem)   stems of its direct antonyms ("rais" → "lower", "widen" → "narrow")
    hypernyms(stem)  stems one or two levels above its first sense ("kid" → "juvenil", "person")
    opposed(a, b)    whether two stems are antonyms
    is_person(word)  whether a noun's most frequent sense is a kind of person, however far
                     below "person" ("runners", "undergraduates", "women"; not "marathon").
                     Asked of whole lower-case words, not stems: an agent noun's stem is often
                     another word's ("officer" and "office" are both "offic"). Read on first ask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..config import Settings, default_config_dir
from ..errors import ConfigError
from ..memo import once_per_object

_NONE: frozenset[str] = frozenset()


class LexicalDatabase:
    """Synonym, antonym and hypernym tables keyed by word stem (see the module docstring)."""

    def __init__(self, synonym_rows: Mapping[str, str], antonym_pairs: Iterable[tuple[str, str]],
                 hypernym_rows: Iterable[tuple[str, Sequence[str]]] | Callable[[], Iterable[tuple[str, Sequence[str]]]]
                 = (), people: Iterable[str] | Callable[[], Iterable[str]] = ()) -> None:
        """Tables of word stems (the tables are written in stems, so loading stems nothing):
        `synonym_rows` maps a stem to its synonyms' stems, tab-separated (split on first ask);
        `antonym_pairs` are the pairs that reverse what a sentence says (verbs, adjectives,
        adverbs). `hypernym_rows` may be a function giving them, called on the first question
        about hypernyms (a run that asks none never reads that table). `people` are whole
        words (or a function giving them, called on the first question) naming kinds of person."""
        self._synonym_rows = synonym_rows
        antonyms: dict[str, set[str]] = {}
        for first, second in antonym_pairs:
            if first != second:
                antonyms.setdefault(first, set()).add(second)
                antonyms.setdefault(second, set()).add(first)
        self._antonyms = {key: frozenset(values) for key, values in antonyms.items()}
        self._hypernym_source = hypernym_rows
        self._hypernym_rows: dict[str, list[str]] | None = None
        self._hyponym_rows: dict[str, list[str]] = {}
        self._synonyms: dict[str, frozenset[str]] = {}
        self._hypernyms: dict[str, frozenset[str]] = {}
        self._people_source = people
        self._people: frozenset[str] | None = None

    def synonyms(self, stem_: str) -> frozenset[str]:
        """Stems that share a frequent sense with `stem_` (not itself)."""
        found = self._synonyms.get(stem_)
        if found is None:
            row = self._synonym_rows.get(stem_)
            found = self._synonyms[stem_] = frozenset(row.split("\t")) - {stem_} if row else _NONE
        return found

    def antonyms(self, stem_: str) -> frozenset[str]:
        """Stems of the direct antonyms of `stem_` that reverse a statement (verbs, adjectives,
        adverbs: "raise"/"lower"; not nouns such as "parent"/"child", which name other people)."""
        return self._antonyms.get(stem_, _NONE)

    def hypernyms(self, stem_: str) -> frozenset[str]:
        """Stems of the words one or two levels above the first sense of `stem_` (as a noun and
        as a verb)."""
        found = self._hypernyms.get(stem_)
        if found is None:
            found = self._hypernyms[stem_] = frozenset(self._rows_above().get(stem_, ())) - {stem_}
        return found

    def hyponyms(self, stem_: str) -> frozenset[str]:
        """Stems whose first sense lies one or two levels below `stem_` ("phone" under "equip")."""
        self._rows_above()
        return frozenset(self._hyponym_rows.get(stem_, ())) - {stem_}

    def _rows_above(self) -> dict[str, list[str]]:
        if self._hypernym_rows is None:
            source = self._hypernym_source
            rows = source() if callable(source) else source
            # A stem may head a noun row and a verb row ("kid"): both count.
            self._hypernym_rows = {}
            for word, above in rows:
                self._hypernym_rows.setdefault(word, []).extend(above)
                for other in above:
                    self._hyponym_rows.setdefault(other, []).append(word)
        return self._hypernym_rows

    def is_person(self, word: str) -> bool:
        """Whether the lower-case noun `word` names a kind of person (its most frequent sense)."""
        if self._people is None:
            source = self._people_source
            self._people = frozenset(source() if callable(source) else source)
        return word in self._people

    def opposed(self, first: str, second: str) -> bool:
        """Whether the two stems are direct antonyms."""
        return second in self._antonyms.get(first, _NONE)

    def __len__(self) -> int:
        return len(self._synonym_rows)


def read_tables(folder: Path) -> LexicalDatabase:
    """The database from the tables in `folder` (synonyms.tsv, antonyms.tsv, hypernyms.tsv,
    people.tsv)."""
    synonym_rows = dict(line.split("\t", 1) for line in _rows(folder / "synonyms.tsv") if "\t" in line)
    antonym_pairs = [(parts[1], parts[2]) for parts in (line.split("\t") for line in _rows(folder / "antonyms.tsv"))
                     if len(parts) == 3 and parts[0] in _REVERSING]

    def hypernym_rows() -> list[tuple[str, list[str]]]:
        return [(parts[1], parts[2:]) for parts in (line.split("\t") for line in _rows(folder / "hypernyms.tsv"))
                if len(parts) > 2]

    def people() -> list[str]:
        return [line.strip() for line in _rows(folder / "people.tsv")]

    return LexicalDatabase(synonym_rows, antonym_pairs, hypernym_rows, people)


_REVERSING = frozenset("var")  # parts of speech whose antonyms reverse a statement


def _rows(path: Path) -> list[str]:
    """The lines of a table, comments and blank lines left out."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the lexical database: {error.strerror or error}", path=str(path)) from None
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@once_per_object
def lexical_database(settings: Settings) -> LexicalDatabase:
    """The lexical database `settings` names (`[files] wordnet`), read once per settings object."""
    folder = Path(settings.wordnet_dir) if settings.wordnet_dir else default_config_dir() / settings.files.wordnet
    return read_tables(folder)
