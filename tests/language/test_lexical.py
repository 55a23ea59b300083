"""The lexical database: WordNet tables read by stem, and the command that derives them."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError
from pipeline.language.lexical import LexicalDatabase, lexical_database, read_tables
from pipeline.language.text import stem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def database():
    return lexical_database(load_settings())


@pytest.mark.parametrize("word, other", [
    ("kids", "children"), ("physicians", "doctors"), ("elderly", "older"), ("youngsters", "child"),
    ("tiredness", "fatigue"), ("cardiac", "heart"), ("infants", "babies"), ("pupils", "students"),
])
def test_words_sharing_a_frequent_sense_are_synonyms(database, word, other):
    assert stem(other) in database.synonyms(stem(word))
    assert stem(word) in database.synonyms(stem(other))


@pytest.mark.parametrize("word, other", [
    ("cold", "stale"),          # a rare sense of "cold"
    ("study", "den"),           # a room to study in: a rare sense
    ("trial", "tribulation"),
    ("cell", "jail"),
    ("emotional", "affected"),  # "affective" shares its stem with the verb "affect": left out
    ("children", "parents"),    # related, not the same
])
def test_rare_senses_and_borrowed_stems_make_no_synonyms(database, word, other):
    assert stem(other) not in database.synonyms(stem(word))


@pytest.mark.parametrize("word, other", [
    ("raised", "lowered"), ("widened", "narrowed"), ("lengthened", "shortened"),
    ("increases", "decreasing"), ("accelerated", "decelerated"), ("rose", "fell"), ("safe", "dangerous"),
])
def test_reversing_antonyms_are_found_in_either_order_and_any_form(database, word, other):
    assert database.opposed(stem(word), stem(other))
    assert database.opposed(stem(other), stem(word))


@pytest.mark.parametrize("word, other", [("parents", "children"), ("men", "women"), ("kids", "children")])
def test_nouns_naming_other_people_are_not_reversals(database, word, other):
    assert not database.opposed(stem(word), stem(other))


def test_hypernyms_climb_two_levels_from_the_first_sense(database):
    assert {stem("juvenile"), stem("person")} <= database.hypernyms(stem("kid"))
    assert database.hypernyms(stem("kid")).isdisjoint({stem("kid")})
    assert stem("kid") in database.hyponyms(stem("juvenile"))


def test_the_hypernym_table_is_read_only_when_asked_for():
    calls = []

    def rows():
        calls.append(1)
        return [("kid", ["person"])]

    database = LexicalDatabase({"kid": "child"}, [], rows)
    assert database.synonyms("kid") == {"child"} and calls == []
    assert database.hypernyms("kid") == {"person"} and database.hyponyms("person") == {"kid"}
    assert database.hypernyms("child") == frozenset() and calls == [1]


def test_a_database_built_from_small_tables_answers_by_stem():
    database = LexicalDatabase({"rais": "lift\telev", "lift": "rais", "elev": "rais"}, [("rais", "lower")],
                               [("kid", ("person",))])
    assert database.synonyms("rais") == {"lift", "elev"}
    assert database.synonyms("lift") == {"rais"}
    assert database.antonyms("lower") == {"rais"}
    assert database.hypernyms("kid") == {"person"}
    assert database.synonyms("unknown") == frozenset() and database.antonyms("unknown") == frozenset()


def test_a_missing_table_is_a_config_error_naming_the_file(tmp_path):
    with pytest.raises(ConfigError) as error:
        read_tables(tmp_path)
    assert "synonyms.tsv" in str(error.value)


def test_a_settings_file_may_point_at_other_tables(tmp_path):
    tables = tmp_path / "mine"
    tables.mkdir()
    (tables / "synonyms.tsv").write_text("# a comment\nbanana\tplantain\nplantain\tbanana\n", encoding="utf-8")
    (tables / "antonyms.tsv").write_text("a\tripe\tunrip\nn\tbanana\tapple\n", encoding="utf-8")
    (tables / "hypernyms.tsv").write_text("n\tbanana\tfruit\n", encoding="utf-8")
    user = tmp_path / "settings.toml"
    user.write_text('[files]\nwordnet = "mine"\n', encoding="utf-8")
    database = lexical_database(load_settings(user))
    assert database.synonyms("banana") == {"plantain"}
    assert database.opposed("ripe", "unrip")
    assert not database.opposed("banana", "apple")  # a noun pair: never a reversal
    assert database.hypernyms("banana") == {"fruit"}


def test_reading_the_tables_opens_no_connection(monkeypatch):
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    database = read_tables(ROOT / "configs" / "wordnet")
    assert stem("children") in database.synonyms(stem("kids"))
    assert attempts == []


# ── bench/build_wordnet_tables.py on a tiny WordNet written for the test ──────────────────

_HEADER = "  1 This software and database is being provided to you under a licence.\n"


def _builder():
    spec = importlib.util.spec_from_file_location("build_wordnet_tables", ROOT / "bench" / "build_wordnet_tables.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_wordnet_tables"] = module
    spec.loader.exec_module(module)
    return module


def _tiny_wordnet(folder: Path) -> Path:
    """A WordNet in the 3.0 file format: "child"/"kid" share their first sense, "kid" as a verb
    means to tease ("josh", its second verb sense), "raise"/"lower" are antonyms in their first
    senses, "grow" is a second-sense synonym of "raise", and "children" is the irregular plural
    of "child"."""
    files = {
        "LICENSE": "WordNet licence text\n",
        "data.noun": _HEADER
        + "00000001 18 n 02 child 0 kid 0 001 @ 00000002 n 0000 | a young person\n"
        + "00000002 18 n 01 person 0 000 | a human\n",
        "data.verb": _HEADER
        + "00000011 32 v 02 kid 0 josh 0 000 | to tease\n"
        + "00000012 38 v 02 raise 0 lift 0 001 ! 00000013 v 0101 | move upward\n"
        + "00000013 38 v 01 lower 0 001 ! 00000012 v 0101 | move down\n"
        + "00000014 30 v 02 grow 0 raise 0 000 | cultivate\n"
        + "00000015 32 v 01 kid 0 000 | deceive for fun\n",
        "data.adj": _HEADER,
        "data.adv": _HEADER,
        "index.noun": _HEADER + "child n 1 1 @ 1 1 00000001\nkid n 1 1 @ 1 1 00000001\nperson n 1 0 1 1 00000002\n",
        "index.verb": _HEADER + "grow v 1 0 1 1 00000014\njosh v 1 0 1 0 00000011\n"
        + "kid v 2 0 2 0 00000015 00000011\nlift v 1 0 1 0 00000012\nlower v 1 1 ! 1 1 00000013\n"
        + "raise v 2 1 ! 2 1 00000012 00000014\n",
        "index.adj": _HEADER,
        "index.adv": _HEADER,
        "noun.exc": "children child\n",
        "verb.exc": "",
        "cntlist.rev": "child%1:18:00:: 1 40\nkid%1:18:00:: 1 10\nraise%2:38:00:: 1 30\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_builder_keeps_frequent_senses_with_irregular_forms_and_stems_them(tmp_path):
    builder = _builder()
    import Stemmer

    folder = _tiny_wordnet(tmp_path)
    stemmer = Stemmer.Stemmer("english")
    tables = builder.stemmed(builder.build(folder, 1), builder.overshadowed(folder, stemmer), stemmer)
    assert "child\tchildren\tkid" in tables["synonyms.tsv"]
    assert "children\tchild\tkid" in tables["synonyms.tsv"]
    assert "lift\trais" in tables["synonyms.tsv"] and "rais\tlift" in tables["synonyms.tsv"]
    assert not any("josh" in line for line in tables["synonyms.tsv"])  # a second sense of "kid"
    assert not any("grow" in line for line in tables["synonyms.tsv"])  # a second sense of "raise"
    assert tables["antonyms.tsv"] == ["v\tlower\trais"]
    assert "n\tkid\tperson" in tables["hypernyms.tsv"]
    database = LexicalDatabase(dict(line.split("\t", 1) for line in tables["synonyms.tsv"]),
                               [tuple(line.split("\t")[1:]) for line in tables["antonyms.tsv"]])
    assert "kid" in database.synonyms(stem("children"))


def test_the_builder_lists_the_nouns_for_kinds_of_person_as_whole_words(tmp_path):
    builder = _builder()
    import Stemmer

    folder = _tiny_wordnet(tmp_path)
    stemmer = Stemmer.Stemmer("english")
    people = builder.stemmed(builder.build(folder, 1), builder.overshadowed(folder, stemmer), stemmer)["people.tsv"]
    # "kid" and "child" lie below "person" in their first sense; plurals by rule and from noun.exc.
    assert {"child", "children", "kid", "kids", "person", "persons"} <= set(people)
    assert "josh" not in people and "rais" not in people and "raise" not in people  # verbs
    assert builder.plurals("woman") == ("womans", "women") and builder.plurals("baby") == ("babies",)
    database = LexicalDatabase({}, [], (), lambda: people)
    assert database.is_person("kids") and not database.is_person("kid ") and not database.is_person("lower")


def test_the_people_table_knows_kinds_of_person_and_not_words_that_share_their_stem():
    database = read_tables(ROOT / "configs" / "wordnet")
    assert all(database.is_person(word) for word in ("runners", "undergraduates", "women", "officers"))
    assert not any(database.is_person(word) for word in ("office", "marathon", "custom", "steady"))
