"""Claim strength (none / correlational / conditional causal / causal), hedges and boosters,
and the comparison of a secondary text with its source. Sentences written for these tests
(gardening), each pinning one rule of pipeline/language/strength.py."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.language.strength import (
    claim_strength,
    compare_strength,
    is_stronger,
    text_strength,
)


@pytest.fixture(scope="module")
def lexicon():
    return load_settings().lexicon("strength")


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        # the four classes, with the words that decide them
        ("Mulching reduces weeds in raised beds.", "causal", "reduces"),
        ("Mulching can reduce weeds.", "causal", "can reduce"),
        ("Mulching may reduce weeds in raised beds.", "conditional_causal", "may reduce"),
        ("Mulch appears to slow weed growth.", "conditional_causal", "appears to slow"),
        ("Mulching was associated with fewer weeds.", "correlational", "associated with"),
        ("The beds were measured in May.", "none", ""),
        # a correlational cue outranks a causal word that only describes the outcome
        ("Heavy mulching was associated with reduced weed cover.", "correlational", "associated with"),
        # ... but a risk phrase under a causal verb does not ("leading to increased risk")
        ("Mulching led to increased risk of slugs.", "causal", "led to"),
        ("Mulching may reduce the risk of weed outbreaks.", "conditional_causal", "may reduce"),
        # an observed change: a participle after "be" (adverbs allowed), or with no agent
        ("Weed counts were reduced in mulched beds.", "correlational", "were reduced"),
        ("Weed counts were significantly reduced in mulched beds.", "correlational", "were significantly reduced"),
        ("Weed cover increased with bed age.", "correlational", "increased"),
        ("Weed cover was reduced by mulching.", "causal", "reduced"),
        # aims, questions and recommendations assert nothing; a finding before "but" still counts
        ("Further studies should test whether mulching reduces weeds.", "none", ""),
        ("Further research is needed to determine whether mulching reduces weeds.", "none", ""),
        ("Mulching reduces weeds, but further research is needed.", "causal", "reduces"),
        ("Mulching was shown to reduce weeds.", "causal", "reduce"),
        # adjectives, nouns and names are not verbs
        ("The increased weed cover was visible from the path.", "none", ""),
        ("The American Mulch Association recommends mulch for beginners.", "none", ""),
        ("Mulch is an effective treatment for weedy beds.", "causal", "effective"),
        # a modal over a predicate of benefit
        ("Mulch may be useful for tomato growers.", "conditional_causal", "may be useful"),
        # weak correlational cues and real between-group comparisons
        ("Weed cover is a marker of soil fertility.", "correlational", "marker"),
        ("Weeds were fewer in mulched beds than in bare beds.", "correlational", "fewer"),
        ("More than half of the beds had weeds.", "none", ""),
        # the scheme keeps negated findings in their class
        ("Mulching did not reduce weeds.", "causal", "reduce"),
    ],
)
def test_claim_strength(lexicon, text, label, cue):
    strength = claim_strength(text, lexicon)
    assert (strength.label, strength.cue) == (label, cue)
    if cue:
        assert text[strength.cue_start : strength.cue_start + len(cue)] == cue


@pytest.mark.parametrize(
    ("text", "label", "cue"),
    [
        # verbs of change and harm beyond "reduce" and "improve"
        ("Frost harms young seedlings.", "causal", "harms"),
        ("Compost eases heavy clay.", "causal", "eases"),
        ("Better drainage translated into larger yields.", "causal", "translated into"),
        # a benefit named as a noun
        ("The benefits of mulching were clear by midsummer.", "causal", "benefits of"),
        # causative "make" and "change"
        ("Shade makes lettuce less bitter.", "causal", "makes lettuce less"),
        ("Liming changes the flavour of the crop.", "causal", "changes the"),
        # key to, idioms of protection and harm; a modal keeps them conditional
        ("Drainage is key to healthy roots.", "causal", "is key to"),
        ("Drainage could be the key to healthy roots.", "conditional_causal", "could be the key to"),
        ("Marigolds keep aphids at bay.", "causal", "keep aphids at bay"),
        ("Late frost puts tender plants at risk.", "causal", "puts tender plants at risk"),
        # a part in the cause, stated
        ("A fungus is strongly implicated in the blight.", "causal", "is strongly implicated"),
        # a capacity claimed is conditional; "prone to" asserts, as "likely to" does
        ("The new mulch has the potential to prevent weed growth.", "conditional_causal", "potential to prevent"),
        ("Wet soil is prone to cause root rot.", "causal", "cause"),
        # "lower" and "impact" are verbs only after an auxiliary
        ("Mulch may lower soil temperature.", "conditional_causal", "may lower"),
        ("Mulch can lower soil temperature.", "causal", "can lower"),
        ("Frost can impact the harvest.", "causal", "can impact"),
        ("Mulched beds had lower soil temperature than bare beds.", "correlational", "lower"),
        ("The impact was small.", "none", ""),
        # a headline in title case: its capitals are no names
        ("Mulch Reduces Weeds in Raised Beds", "causal", "Reduces"),
        # a recommendation frame that classifies still states the relationship; "as well as"
        # joins nouns, so the frame still covers the cue after it
        ("Clover should be considered a marker of poor soil.", "correlational", "marker"),
        ("Further trials, as well as effective mulching guides, are recommended.", "none", ""),
        # more correlational and weak wording
        ("Fruit size varies with soil depth.", "correlational", "varies with"),
        ("Its relation with soil depth was weak.", "correlational", "relation with"),
        ("The difference was largely explained by soil depth.", "correlational", "explained by"),
        ("Waterlogging is a risk to young roots.", "correlational", "risk to"),
    ],
)
def test_press_release_wording(lexicon, text, label, cue):
    strength = claim_strength(text, lexicon)
    assert (strength.label, strength.cue) == (label, cue)


def test_a_contrasted_noun_is_no_null_finding(lexicon):
    assert not claim_strength("Compost and not manure improves the soil.", lexicon).negated
    assert claim_strength("Compost did not improve the soil.", lexicon).negated
    assert claim_strength("Frost did not lower the yield.", lexicon).negated


def test_a_negation_after_the_modal_of_a_cue_makes_a_null_finding(lexicon):
    # The cue starts at the modal, so the negation stands inside it, not before it.
    assert claim_strength("So the link may not be one of cause and effect.", lexicon).negated
    assert claim_strength("Mulching may not improve the yield.", lexicon).negated
    assert not claim_strength("Mulching may improve the yield.", lexicon).negated


def test_hedges_qualifiers_boosters_and_absolutes(lexicon):
    assert claim_strength("Results suggest mulching helps.", lexicon).hedged
    plain = claim_strength("Mulching reduces weeds.", lexicon)
    assert not plain.hedged and not plain.qualified and plain.boosters == ()
    assert claim_strength("Mulching can reduce weeds.", lexicon).qualified
    assert claim_strength("Mulching clearly reduces weeds.", lexicon).boosters == ("clearly",)
    assert claim_strength("Mulch always stops weeds.", lexicon).absolutes == ("always",)
    # "May" the month, capitalised inside the sentence, is no hedge
    assert not claim_strength("The beds were measured in May.", lexicon).hedged


def test_text_strength_takes_the_strongest_sentence(lexicon):
    text = "Gardeners in the study were delighted. Mulching cuts weeds, the authors say."
    strength = text_strength(text, lexicon)
    assert (strength.label, strength.cue) == ("causal", "cuts")
    assert text[strength.cue_start : strength.cue_start + 4] == "cuts"


@pytest.mark.parametrize(
    ("claim", "source", "label", "flags"),
    [
        ("Mulching cuts weeds.", "Mulching was associated with fewer weeds.", "exaggerates", ("CAUSAL_OVERSTATEMENT",)),
        ("Mulching reduces weeds.", "Mulching may reduce weeds.", "exaggerates",
         ("CAUSAL_OVERSTATEMENT", "CERTAINTY_OVERSTATEMENT")),
        ("Mulching may reduce weeds.", "Mulching reduced weed cover by half.", "downplays", ()),
        ("Mulching was linked to fewer weeds.", "Mulching was associated with fewer weeds.", "same", ()),
        ("Mulching always stops weeds.", "Mulching stopped weeds in most beds.", "same", ("CERTAINTY_OVERSTATEMENT",)),
    ],
)
def test_compare_strength(lexicon, claim, source, label, flags):
    comparison = compare_strength(claim, source, lexicon)
    assert (comparison.label, comparison.flags) == (label, flags)


def test_is_stronger():
    assert is_stronger("causal", "correlational") and not is_stronger("correlational", "conditional_causal")
