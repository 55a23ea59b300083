"""The lexical database at work in match: paraphrases by synonym are supported, a reversal by
antonym is a contradiction. Each class is shown on several sentences written for the test, and
each with the WordNet settings off, so the test fails if the database stops being used."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest
from factories import make_source

from pipeline.config import load_settings
from pipeline.language.cues import term_analyzer
from pipeline.language.lexical import lexical_database
from pipeline.match.matcher import judge_passages, judge_passages_many, match_claims
from pipeline.match.retrieval import claim_view, covered
from pipeline.records import Claim
from pipeline.runner import CheckRequest, check_article

DEMO_ARTICLE = Path(__file__).resolve().parents[2] / "fixtures" / "intimacy" / "intimacy-draft.md"


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def without_wordnet(settings):
    return dataclasses.replace(settings, match=dataclasses.replace(
        settings.match, wordnet_synonyms=False, wordnet_antonyms=False))


# Claims that say what their first passage says in other words: two of their content words
# are WordNet synonyms of the passage's, none of them in the hand lists.
PARAPHRASES = [
    ("Youngsters who skipped breakfast reported more tiredness at school.",
     ["Children who skipped breakfast reported more fatigue at school.", "The canteen opened at eight.",
      "Lessons began at nine."]),
    ("Grownups who took the tablets felt weary by noon.",
     ["Adults who took the tablets felt tired by noon.", "The tablets were white.", "Noon was lunchtime."]),
    ("Infants in the nursery were ill less often after the change.",
     ["Babies in the nursery were sick less often after the change.", "The nursery had twelve cots.",
      "Staff worked in shifts."]),
    ("Pupils who walked to class showed less fatigue in the afternoon.",
     ["Students who walked to class showed less tiredness in the afternoon.", "Buses were late.",
      "Classes ended at three."]),
]


def _decision(claim, passages, settings):
    decisions = []
    judge_passages_many([(claim, passages)], settings, observe=lambda _, decision: decisions.append(decision))
    return decisions[0]


@pytest.mark.parametrize("claim, passages", PARAPHRASES)
def test_a_paraphrase_by_synonyms_is_supported(settings, without_wordnet, claim, passages):
    judged = judge_passages(claim, passages, settings)
    assert judged.verdict == "supported"
    assert judged.ranking[0] == 0
    # The synonyms are what carries the claim: without the database two key terms are missing
    # and the verdict model is less sure the claim is supported. (Whether it still says
    # "supported" is the model's call: paraphrases often lack a word or two.)
    with_db, without_db = _decision(claim, passages, settings), _decision(claim, passages, without_wordnet)
    assert with_db.inputs.named()["key_missing"] == 0
    assert without_db.inputs.named()["key_missing"] >= 1
    assert dict(with_db.probabilities)["supported"] > dict(without_db.probabilities)["supported"]


def test_a_synonym_covers_a_claim_term_and_an_unrelated_word_does_not(settings):
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    terms = {term.word: term for term in claim_view("Youngsters who nap sleep better.", settings).terms}
    assert covered(terms["youngsters"], analyzer.term_keys("Children who nap sleep better."))
    assert not covered(terms["youngsters"], analyzer.term_keys("Parents who nap sleep better."))


# A claim whose passage swaps one of its verbs or adjectives for the antonym, all else equal.
REVERSALS = [
    ("Daily stretching widened the range of motion in older adults.",
     ["Daily stretching narrowed the range of motion in older adults.", "The study ran for a year.",
      "Participants were recruited locally."]),
    ("Night shifts lengthened the time nurses needed to fall asleep.",
     ["Night shifts shortened the time nurses needed to fall asleep.", "Nurses worked twelve-hour shifts.",
      "Most wards were busy."]),
    ("The new dressing accelerated wound healing in diabetic patients.",
     ["The new dressing decelerated wound healing in diabetic patients.", "Wounds were photographed weekly.",
      "Patients were seen in clinic."]),
]


@pytest.mark.parametrize("claim, passages", REVERSALS)
def test_a_verb_swapped_for_its_antonym_contradicts(settings, without_wordnet, claim, passages):
    judged = judge_passages(claim, passages, settings)
    assert judged.verdict == "contradicted"
    assert judged.relations[0] == "contradicts"
    assert judge_passages(claim, passages, without_wordnet).verdict != "contradicted"


@pytest.mark.parametrize("claim, passages", [
    # the antonym is said of something else (shoes, not the range of motion)
    ("Stretching widened the range of motion in older adults.",
     ["In older adults stretching improved the range of motion.", "Narrow shoes were a common complaint among them.",
      "The study ran for a year."]),
    # nouns that name other people are no reversal
    ("Parents reported better sleep after the bedtime programme.",
     ["Children reported better sleep after the bedtime programme.", "The programme lasted a month.",
      "Families were recruited online."]),
    # the passage carries the claim's word too
    ("The lotion softened dry skin on the hands.",
     ["The lotion softened dry skin on the hands but hardened the nails.", "It was applied twice a day.",
      "Most users were over sixty."]),
])
def test_an_antonym_said_of_something_else_is_no_contradiction(settings, claim, passages):
    assert judge_passages(claim, passages, settings).verdict != "contradicted"


def test_a_check_reading_the_lexical_database_opens_no_outside_connection(tmp_path, monkeypatch):
    """The whole offline demo check, with a fresh settings object (so the WordNet tables are
    read inside the guard): any connection to an address off this machine fails the test."""
    attempts: list[object] = []
    connect = socket.socket.connect

    def loopback_only(self, address):
        host = address[0] if isinstance(address, tuple) else ""
        if isinstance(address, tuple) and not (str(host).startswith("127.") or host in ("::1", "localhost")):
            attempts.append(address)
            raise OSError("this test allows loopback connections only")
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    fresh = load_settings()
    outcome = check_article(CheckRequest(article=str(DEMO_ARTICLE), out_dir=tmp_path, offline=True), fresh)
    assert outcome.report.judgements and all(path.exists() for path in outcome.outputs.values())
    assert len(lexical_database(fresh)) > 10_000  # the tables were read in this run
    assert attempts == []


@pytest.mark.parametrize("claim_text, synonym, unmatched", [
    ("Youngsters who nap after lunch show less tiredness and better marks in spelling.", "youngsters", "spelling"),
    ("Grownups who walk daily feel less weary and sleep longer in winter.", "weary", "winter"),
    ("Pupils given fruit at break were ill less often and read more fluently.", "pupils", "fluently"),
])
def test_partial_support_never_names_a_word_whose_synonym_the_source_gives(
        settings, without_wordnet, claim_text, synonym, unmatched):
    source = make_source("1", "https://school-health.example.org/report", [
        "Children who nap after lunch show less fatigue and better marks.",
        "Adults who walk daily feel less tired and sleep longer.",
        "Students given fruit at break were sick less often."])
    claim = Claim("c1", claim_text, "s", 0, 1, ("1",))
    evidence, _ = match_claims([claim], [source], settings)
    missing = set().union(*(e.missing for e in evidence))
    assert unmatched in missing
    assert synonym not in missing
    plain, _ = match_claims([claim], [source], without_wordnet)
    assert synonym in set().union(*(e.missing for e in plain))
