"""The shared sentence splitter and text primitives (pipeline/language/text.py)."""

from __future__ import annotations

import pytest

from pipeline.language.text import (
    CITATION_MARKER,
    content_terms,
    normalize,
    sentence_spans,
    words,
)


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Leafy greens, e.g. kale and chard, carry folate. They are cheap.",
            ["Leafy greens, e.g. kale and chard, carry folate.", "They are cheap."],
        ),
        (
            "Okafor et al. followed 400 runners. Most kept running.",
            ["Okafor et al. followed 400 runners.", "Most kept running."],
        ),
        (
            "Rest vs. stretching was compared in two trials. Neither won.",
            ["Rest vs. stretching was compared in two trials.", "Neither won."],
        ),
        (
            "Blood pressure fell by 4.5 mmHg on average, or 3.2 percent. The drop held.",
            ["Blood pressure fell by 4.5 mmHg on average, or 3.2 percent.", "The drop held."],
        ),
        (
            'The coach said "rest matters." Then the team slept.',
            ['The coach said "rest matters."', "Then the team slept."],
        ),
        (
            "“Naps help,” the nurse wrote.[2] Nobody argued.",
            ["“Naps help,” the nurse wrote.[2]", "Nobody argued."],
        ),
    ],
)
def test_splitter_survives_abbreviations_decimals_and_quotes(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Walking helps.[3] Swimming too.", ["Walking helps.[3]", "Swimming too."]),
        ("Walking helps.[3][4] Swimming too.", ["Walking helps.[3][4]", "Swimming too."]),
        ("Walking helps. [3] Swimming too.", ["Walking helps. [3]", "Swimming too."]),
        ("Walking helps [3]. Swimming too [1-2].", ["Walking helps [3].", "Swimming too [1-2]."]),
        ("Walking helps [3, 5]. Swimming too.", ["Walking helps [3, 5].", "Swimming too."]),
    ],
)
def test_markers_stay_with_the_sentence_they_follow(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_semicolon_does_not_end_a_sentence() -> None:
    # syntok ends a sentence at ";" before a capital; the citation at the end covers both clauses.
    text = "Stretching eases stiffness; Physiotherapists agree it helps [2]. Ice is another story."
    assert sentences(text) == [
        "Stretching eases stiffness; Physiotherapists agree it helps [2].",
        "Ice is another story.",
    ]


def test_a_line_break_always_ends_a_sentence() -> None:
    assert sentences("Heading without a stop\nBody text follows here.") == [
        "Heading without a stop",
        "Body text follows here.",
    ]


def test_spans_are_offsets_into_the_original_text() -> None:
    text = "  Café owners slept less [1].\n\nThey drank more coffee.  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Café owners slept less [1].", "They drank more coffee."]
    assert all(not text[a].isspace() and not text[b - 1].isspace() for a, b in spans)


def test_marker_only_or_blank_text_has_no_sentences() -> None:
    assert sentence_spans("") == []
    assert sentence_spans("  \n\t") == []
    assert sentence_spans("[4]") == []


def test_citation_marker_forms() -> None:
    found = [m.group() for m in CITATION_MARKER.finditer("a [1] b [1, 5] c [1-3] d [2–4] e [1][2] f [x] g [1234]")]
    assert found == ["[1]", "[1, 5]", "[1-3]", "[2–4]", "[1]", "[2]"]


def test_words_normalize_and_terms() -> None:
    assert normalize("“Don’t” – 5\u00a0mg") == '"Don\'t" - 5 mg'
    assert words("Low-fat diets don’t cure IBS.") == ["low-fat", "diets", "don't", "cure", "ibs"]
    assert content_terms("The walks were reducing the pain") == ["walk", "reduc", "pain"]
