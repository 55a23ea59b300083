"""Ingest: articles in Markdown, plain text, HTML and .docx → claims, skipped sentences and
references. Every test article is written here, in our own words."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from pipeline.config import Settings, load_settings
from pipeline.errors import ArticleError
from pipeline.ingest.article import media_type_for, parse_article
from pipeline.ingest.layout import marker_ids, parse_reference_entry
from pipeline.language.text import CITATION_MARKER
from pipeline.records import Article, Reference

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "article.txt"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def parse(
    text: str | bytes, settings: Settings, *, location: str = "piece.md", media_type: str | None = None
) -> Article:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(raw, location=location, media_type=media_type or media_type_for(location), settings=settings)


def claim_with(article: Article, fragment: str):
    found = [claim for claim in article.claims if fragment in claim.text]
    assert len(found) == 1, (fragment, [claim.text for claim in article.claims])
    return found[0]


def skipped_with(article: Article, fragment: str):
    found = [item for item in article.skipped if fragment in item.text]
    assert len(found) == 1, (fragment, [item.text for item in article.skipped])
    return found[0]


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def assert_offsets(article: Article) -> None:
    """The invariant of every format: the span is the sentence as written; the claim text is
    that span without markers and link syntax, whitespace tidied."""
    previous_end = 0
    for number, claim in enumerate(article.claims, start=1):
        assert claim.id == f"c{number}"
        span = article.text[claim.start : claim.end]
        assert span and span == span.strip()
        assert claim.start >= previous_end  # document order, no overlap
        previous_end = claim.end
        expected = _MD_LINK.sub(lambda m: m.group(1), span)
        expected = re.sub(r"\[\^?\d[^\]]*\]", "", expected).replace("**", "")
        expected = re.sub(r"\s+([.,;:!?)])", r"\1", " ".join(expected.split()))
        assert claim.text == expected, (claim.text, span)
        for marker in CITATION_MARKER.finditer(span):
            for number_id in marker_ids(marker.group()):
                assert number_id in claim.citations
    for item in article.skipped:
        assert article.text[item.start : item.end].strip() == article.text[item.start : item.end]


# ── media types ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("location", "content_type", "expected"),
    [
        ("notes/piece.md", None, "markdown"),
        ("piece.MARKDOWN", None, "markdown"),
        ("piece.txt", None, "text"),
        ("piece.html", None, "html"),
        ("piece.htm", None, "html"),
        ("piece.docx", None, "docx"),
        ("https://example.org/a/piece.md?ref=feed#top", None, "markdown"),
        ("https://example.org/health/sleep-and-tea", None, "html"),
        ("https://example.org/export.md", "text/html; charset=utf-8", "html"),
        ("https://example.org/download", "text/plain", "text"),
        ("https://example.org/page.html", "application/octet-stream", "html"),
    ],
)
def test_media_type_by_suffix_or_content_type(location: str, content_type: str | None, expected: str) -> None:
    assert media_type_for(location, content_type) == expected


def test_unknown_media_type_is_one_clear_line() -> None:
    with pytest.raises(ArticleError) as error:
        media_type_for("report.pdf")
    assert str(error.value) == (
        "report.pdf: cannot read '.pdf' as an article: give a .md, .markdown, .txt, .html, .htm or .docx file"
    )
    with pytest.raises(ArticleError) as error:
        media_type_for("README")
    assert "a file without a suffix" in str(error.value)


# ── citation markers ──────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("sentence", "citations"),
    [
        ("Brisk walking lowers resting heart rate [1].", ("1",)),
        ("Brisk walking lowers resting heart rate.[1]", ("1",)),
        ("Brisk walking lowers resting heart rate. [1]", ("1",)),
        ("Brisk walking lowers resting heart rate [1] [5].", ("1", "5")),
        ("Brisk walking lowers resting heart rate [1, 5].", ("1", "5")),
        ("Brisk walking lowers resting heart rate [1-3].", ("1", "2", "3")),
        ("Brisk walking lowers resting heart rate [2–4].", ("2", "3", "4")),
        ("Brisk walking lowers resting heart rate [1][2].", ("1", "2")),
        ("Brisk walking lowers resting heart rate.[1][2]", ("1", "2")),
        ("Brisk walking [3] lowers resting heart rate [1].", ("3", "1")),
        ("Brisk walking [2] lowers resting heart rate [2, 1].", ("2", "1")),
        ("Brisk walking lowers resting heart rate.[^2]", ("2",)),
    ],
)
def test_every_marker_form_cites_its_sentence(settings: Settings, sentence: str, citations: tuple[str, ...]) -> None:
    article = parse(f"# Walking\n\nSome people walk to work. {sentence} Cycling is another option.\n", settings)
    claim = claim_with(article, "resting heart rate")
    assert claim.citations == citations
    assert claim.text == "Brisk walking lowers resting heart rate."
    assert "[" not in claim.text
    assert_offsets(article)
    # The neighbours keep their own (lack of) citations.
    assert skipped_with(article, "Cycling").citations == ()


def test_marker_ids_expand_ranges_and_lists() -> None:
    assert marker_ids("[2, 4-6]") == ["2", "4", "5", "6"]
    assert marker_ids("[7–9]") == ["7", "8", "9"]
    assert marker_ids("[01]") == ["1"]
    assert marker_ids("[1-900]") == ["1", "900"]  # a typo, not nine hundred citations


def test_citation_missing_from_the_list_stays_on_the_claim(settings: Settings) -> None:
    article = parse(
        "# Tea\n\nGreen tea holds L-theanine [1]. Black tea holds more caffeine [7].\n\n"
        "## Sources\n\n1. Tea compounds. https://example.org/tea\n",
        settings,
    )
    assert claim_with(article, "Black tea").citations == ("7",)
    assert [reference.id for reference in article.references] == ["1"]


# ── reference lists ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1. Magnesium and sleep. https://example.org/mg", ("1", "https://example.org/mg", "Magnesium and sleep")),
        ("[1] Magnesium and sleep https://example.org/mg", ("1", "https://example.org/mg", "Magnesium and sleep")),
        ("1. [Magnesium and sleep](https://example.org/mg)", ("1", "https://example.org/mg", "Magnesium and sleep")),
        ("- [1] <https://example.org/mg>", ("1", "https://example.org/mg", "")),
        ('[1]: https://example.org/mg "Magnesium and sleep"', ("1", "https://example.org/mg", "Magnesium and sleep")),
        ("(1) Magnesium and sleep — doi:10.1000/mg.42", ("1", "https://doi.org/10.1000/mg.42", "Magnesium and sleep")),
        ("2) Magnesium and sleep, www.example.org/mg.", ("2", "https://www.example.org/mg", "Magnesium and sleep")),
        (
            "Magnesium and sleep, available at: https://example.org/mg",
            (None, "https://example.org/mg", "Magnesium and sleep"),
        ),
    ],
)
def test_reference_entry_forms(line: str, expected: tuple[str | None, str, str]) -> None:
    noise = load_settings().lexicon("ingest_structure")["reference_noise"]
    assert parse_reference_entry(line, (), noise) == expected


def test_a_line_without_number_or_address_is_no_entry() -> None:
    assert parse_reference_entry("Magnesium and sleep") is None


@pytest.mark.parametrize(
    "heading", ["## Sources", "## References", "### Citations", "## Notes", "## Bibliography", "Sources:"]
)
@pytest.mark.parametrize(
    "entries",
    [
        "1. Magnesium review. https://example.org/mg\n2. Sleep survey. https://example.org/survey",
        "[1] Magnesium review https://example.org/mg\n[2] Sleep survey https://example.org/survey",
        "1. [Magnesium review](https://example.org/mg)\n2. [Sleep survey](https://example.org/survey)",
        "- [1] <https://example.org/mg>\n- [2] <https://example.org/survey>",
    ],
)
def test_reference_list_under_a_heading(settings: Settings, heading: str, entries: str) -> None:
    article = parse(
        "# Magnesium\n\nMagnesium may shorten the time to fall asleep [1]. "
        f"One in three adults report poor sleep [2].\n\n{heading}\n{entries}\n",
        settings,
    )
    urls = {reference.id: reference.url for reference in article.references}
    assert urls == {"1": "https://example.org/mg", "2": "https://example.org/survey"}
    # Reference lines are neither claims nor skipped sentences.
    assert [claim.citations for claim in article.claims] == [("1",), ("2",)]
    assert not any("example.org" in item.text or "review" in item.text for item in article.skipped)
    assert_offsets(article)


def test_lists_numbered_one_throughout_are_numbered_by_position(settings: Settings) -> None:
    article = parse(
        "# Iron\n\nIron deficiency causes fatigue [2].\n\n## References\n\n"
        "1. Iron basics. https://example.org/a\n1. Fatigue and iron. https://example.org/b\n",
        settings,
    )
    assert [(r.id, r.url) for r in article.references] == [
        ("1", "https://example.org/a"),
        ("2", "https://example.org/b"),
    ]


def test_numbered_lines_with_addresses_are_a_list_without_a_heading(settings: Settings) -> None:
    article = parse(
        "Vitamin C does not prevent colds in most people [1].\n\n"
        "[1] Colds and vitamin C https://example.org/c\n[2] Zinc lozenges https://example.org/z\n",
        settings,
        location="colds.txt",
    )
    assert [r.id for r in article.references] == ["1", "2"]
    assert len(article.claims) == 1 and article.skipped == ()


def test_a_notes_section_of_prose_is_not_a_reference_list(settings: Settings) -> None:
    article = parse("# Salt\n\nSalt raises blood pressure [1].\n\n## Notes\n\nThis trial lasted 12 weeks.\n", settings)
    assert claim_with(article, "12 weeks").section == "Notes"


# ── inline links ──────────────────────────────────────────────────────────────────────────


def test_markdown_inline_links_become_references_l1_l2(settings: Settings) -> None:
    article = parse(
        "# Fibre\n\n"
        "The [NHS](https://www.nhs.uk/fibre) advises 30 g of fibre a day. "
        'Oats lower cholesterol, says a [review](https://example.org/oats "Oat review").\n\n'
        "Most adults eat far less fibre, according to the [NHS](https://www.nhs.uk/fibre/).\n",
        settings,
    )
    first, second, third = article.claims
    assert first.text == "The NHS advises 30 g of fibre a day."
    assert (first.citations, second.citations, third.citations) == (("L1",), ("L2",), ("L1",))
    assert second.text == "Oats lower cholesterol, says a review."
    assert article.references == (
        Reference("L1", "https://www.nhs.uk/fibre", "NHS"),
        Reference("L2", "https://example.org/oats", "review"),
    )
    assert article.text[first.start : first.end].startswith("The [NHS](https://www.nhs.uk/fibre)")
    assert_offsets(article)


def test_an_inline_link_to_a_listed_source_cites_its_number(settings: Settings) -> None:
    article = parse(
        "# Fibre\n\nA [large review](https://example.org/oats) found oats lower LDL. Beans help too [2].\n\n"
        "## Sources\n1. Oat review. https://example.org/oats\n2. Beans. https://example.org/beans\n",
        settings,
    )
    assert claim_with(article, "large review").citations == ("1",)
    assert [r.id for r in article.references] == ["1", "2"]


def test_a_numbered_link_is_a_marker_with_an_address(settings: Settings) -> None:
    article = parse("# Zinc\n\nZinc shortens colds by a day [3](https://example.org/zinc).\n", settings)
    claim = article.claims[0]
    assert claim.citations == ("3",)
    assert claim.text == "Zinc shortens colds by a day."
    assert article.references == (Reference("3", "https://example.org/zinc"),)


def test_links_in_meta_text_are_not_sources(settings: Settings) -> None:
    article = parse(
        "# Zinc\n\nZinc shortens colds [1].\n\nDisclaimer: this page is not medical advice, [learn more](https://example.org/legal).\n",
        settings,
    )
    assert skipped_with(article, "Disclaimer").reason == "meta"
    assert all(reference.url != "https://example.org/legal" for reference in article.references)


def test_bare_addresses_are_links_and_leave_the_claim_text(settings: Settings) -> None:
    article = parse("# Zinc\n\nZinc lozenges shorten colds (https://example.org/zinc).\n", settings)
    claim = article.claims[0]
    assert claim.citations == ("L1",)
    assert claim.text == "Zinc lozenges shorten colds."
    assert article.references[0].url == "https://example.org/zinc"


# ── sections and titles ───────────────────────────────────────────────────────────────────


def test_sections_follow_the_nearest_heading(settings: Settings) -> None:
    article = parse(
        "Intro\n=====\n\nCoffee raises alertness [1].\n\n## Heart\n\nCoffee raises blood pressure briefly [2].\n\n"
        "### Over years\n\nHabitual drinkers show little rise [3].\n\n"
        "Habits\n------\n\nMost people drink 2 cups [4].\n",
        settings,
    )
    assert article.title == "Intro"
    sections = [claim.section for claim in article.claims]
    assert sections == ["", "Heart", "Over years", "Habits"]
    assert [item.reason for item in article.skipped] == ["heading"] * 4
    assert skipped_with(article, "Intro").section == ""
    assert_offsets(article)


def test_title_falls_back_to_front_matter_then_file_name(settings: Settings) -> None:
    with_front_matter = parse('---\ntitle: "Sleep and screens"\n---\n\nScreens delay sleep by 20 minutes.\n', settings)
    assert with_front_matter.title == "Sleep and screens"
    assert "title:" not in " ".join(claim.text for claim in with_front_matter.claims)
    plain = parse(
        "Screens delay sleep by 20 minutes. Blue light is blamed.\n", settings, location="/tmp/screens-and-sleep.md"
    )
    assert plain.title == "screens-and-sleep"


def test_bold_lines_are_headings(settings: Settings) -> None:
    article = parse(
        "# Tea\n\n**What the trials show**\n\nA small trial found calmer sleep [1].\n\n"
        "**Short answer:** tea may help a little [2].\n",
        settings,
    )
    assert claim_with(article, "small trial").section == "What the trials show"
    assert claim_with(article, "tea may help").text == "Short answer: tea may help a little."
    assert_offsets(article)


PLAIN_ARTICLE = """Does cold water swimming lift mood?

Updated on 4 March 2024

Key points

Cold water swimming raises noradrenaline for about an hour after a swim [1]. Regular
swimmers in one survey reported less tension than non-swimmers, though the survey could
not separate cause from habit [2].

1. What happens in the body: a short stress, then calm

Cold exposure triggers a gasp reflex; Swimmers learn to control it with practice [3].

Pack a warm hat.

2. Risks

Hypothermia can set in within 30 minutes in water below 10 °C [4].

Three things to bring

1. A tow float

2. A friend

3. Warm clothes

Sources

1. Noradrenaline after immersion. https://example.org/immersion
2. Swimmer survey. https://example.org/survey
"""


def test_plain_text_headings_paragraphs_and_wrapped_lines(settings: Settings) -> None:
    article = parse(PLAIN_ARTICLE, settings, location="swim.txt")
    assert article.title == "Does cold water swimming lift mood?"
    assert skipped_with(article, "Updated on").reason == "meta"
    headings = [item.text for item in article.skipped if item.reason == "heading"]
    assert headings == [
        "Does cold water swimming lift mood?",
        "Key points",
        "1. What happens in the body: a short stress, then calm",
        "2. Risks",
        "Three things to bring",
        "Sources",
    ]
    survey = claim_with(article, "Regular swimmers")
    assert survey.citations == ("2",) and survey.section == "Key points"
    assert "\n" in article.text[survey.start : survey.end]  # a hard-wrapped sentence is one claim
    gasp = claim_with(article, "gasp reflex")  # the semicolon joins two clauses of one sentence
    assert gasp.citations == ("3",) and gasp.section.startswith("1. What happens")
    assert claim_with(article, "Hypothermia").section == "2. Risks"
    assert skipped_with(article, "warm hat").reason == "advice"
    # The numbered items in consecutive paragraphs are a list, not headings.
    assert skipped_with(article, "A friend").section == "Three things to bring"
    assert [r.id for r in article.references] == ["1", "2"]
    assert_offsets(article)


def test_page_chrome_before_the_title_is_meta(settings: Settings) -> None:
    article = parse(
        "Support our newsroom\n\nWe answer to readers alone. A $3 donation keeps this page free.\n\n"
        "Loading...\n\nIs green tea good for sleep?\n\nChecked on May 2, 2024\n\nOverview\n\n"
        "Green tea carries L-theanine, which some trials link to calmer sleep [1].\n",
        settings,
        location="tea.txt",
    )
    assert article.title == "Is green tea good for sleep?"
    title_start = article.text.index("Is green tea")
    before = [item for item in article.skipped if item.start < title_start]
    assert {item.reason for item in before} == {"meta"} and len(before) == 4
    assert all(claim.start > title_start for claim in article.claims)
    assert claim_with(article, "L-theanine").section == "Overview"


# ── what is a claim ───────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Walking after meals lowers blood sugar.", None),
        ("About 30% of adults sleep under six hours.", None),
        ("A 2021 study of nurses found the same pattern.", None),
        ("Research shows that naps help memory.", None),
        ("The WHO recommends daily activity for adults.", None),
        ("Healthline notes that stretching feels good.", None),
        ("Caffeine is linked to shorter sleep.", None),
        ("Use of sunscreen prevents burns [3].", None),
        ("Many couples enjoy long walks together.", "not_check_worthy"),
        ("Gardening is a popular hobby.", "not_check_worthy"),
        # A statistic written in words is a number a fact-checker must verify.
        ("Office workers sit for an average of ten hours a day.", None),
        ("Nearly a third of gardeners grow their own herbs.", None),
        ("Roughly one in four cyclists commutes all year round.", None),
        ("Most commuters spend about forty minutes on the train.", None),
        ("One thing is clear: gardeners love their sheds.", "not_check_worthy"),
        ("Two of the allotments were flooded.", "not_check_worthy"),
        ("Start by setting a fixed bedtime.", "advice"),
        ("Try a ten-minute walk after dinner [2].", "advice"),
        ("You should drink water before exercise [4].", "advice"),
        ("If your knees ache, stop and rest.", "advice"),
        ("Do not stop any prescribed medicine without advice.", "advice"),
        ("If you feel dizzy, do not drive home.", "advice"),
        # Telling a professional is advice too.
        ("If your ankles swell often, mention it to your pharmacist.", "advice"),
        ("Inform your dentist before any extraction if you take blood thinners.", "advice"),
        ("If the rash spreads, phone your GP the same day.", "advice"),
        ("If a mole changes shape, show it to a doctor.", "advice"),
        ("Report any new chest pain to your doctor straight away.", "advice"),
        ("Mentions of cramp rose in the survey [2].", None),
        ("Report cards improved at schools with longer breaks [3].", None),
        ("Trials do not show that vitamin pills prevent colds.", None),
        ("Does coffee raise blood pressure? [1]", "question"),
        ("Is yoga safe in pregnancy?", "question"),
        ("If you'd like, I can draft a weekly plan.", "meta"),
        ("Want to dive deeper?", "meta"),
        ("This page is not medical advice.", "meta"),
        ("Learn more.", "meta"),
    ],
)
def test_claim_or_skipped_with_reason(settings: Settings, sentence: str, reason: str | None) -> None:
    article = parse(f"# Habits\n\n{sentence}\n", settings)
    if reason is None:
        assert [claim.text for claim in article.claims] == [
            CITATION_MARKER.sub("", sentence).replace(" .", ".").strip()
        ]
    else:
        assert article.claims == ()
        assert skipped_with(article, sentence[:12]).reason == reason


def test_cited_sentences_are_claims_even_when_plain(settings: Settings) -> None:
    article = parse("# Habits\n\nMany couples enjoy long walks together [5].\n", settings)
    assert article.claims[0].citations == ("5",)


def test_skipped_sentences_keep_their_citations(settings: Settings) -> None:
    article = parse("# Habits\n\nTry a ten-minute walk after dinner [2][6].\n", settings)
    assert skipped_with(article, "walk").citations == ("2", "6")


def test_disclaimer_block_is_meta_throughout(settings: Settings) -> None:
    article = parse(
        "# Habits\n\nDisclaimer: we can be wrong. Please check with a doctor. Read more.\n\nSleep cuts risk [1].\n",
        settings,
    )
    assert {item.reason for item in article.skipped if item.reason != "heading"} == {"meta"}
    assert len(article.claims) == 1


# ── HTML ──────────────────────────────────────────────────────────────────────────────────


HTML_ARTICLE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Walking and mood | Example Health</title>
<script>var claim = "Walking cures everything [9].";</script><style>p { color: red }</style></head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<article>
  <h1>Walking and mood</h1>
  <p class="byline">By Ana Silva</p>
  <p>A brisk 20-minute walk lifts mood for about two hours.<sup><a href="#ref-1">1</a></sup>
     The <a href="https://www.nhs.uk/walking">NHS</a> counts walking as moderate exercise.</p>
  <div class="share-buttons"><a href="https://social.example/share">Share this</a></div>
  <h2>What trials show</h2>
  <p>In a trial of 120 office workers, walking breaks reduced fatigue <sup>[2]</sup>.
     Another trial saw no change in anxiety.<a href="#fn3">[3]</a></p>
  <h3>Caveats</h3>
  <ul><li>Try a short walk at lunch.</li><li>Most trials were short, under 8 weeks [2, 3].</li></ul>
  <aside>Walking shoes cut injuries by 50% — shop now</aside>
  <h2>References</h2>
  <ol>
    <li id="ref-1">Mood after walking. <a href="https://example.org/mood">example.org/mood</a>
        <a href="#back-1">↩</a></li>
    <li>Office walking trial https://example.org/office</li>
    <li><a href="https://doi.org/10.1000/anx">Anxiety and activity</a></li>
  </ol>
</article>
<footer>Copyright Example Health. Walking reduces stress by 90%.</footer>
</body></html>"""


def test_html_article(settings: Settings) -> None:
    article = parse(HTML_ARTICLE, settings, location="https://health.example/walking.html")
    assert article.title == "Walking and mood"
    assert [(claim.text, claim.section, claim.citations) for claim in article.claims] == [
        ("A brisk 20-minute walk lifts mood for about two hours.", "", ("1",)),
        ("The NHS counts walking as moderate exercise.", "", ("L1",)),
        ("In a trial of 120 office workers, walking breaks reduced fatigue.", "What trials show", ("2",)),
        ("Another trial saw no change in anxiety.", "What trials show", ("3",)),
        ("Most trials were short, under 8 weeks.", "Caveats", ("2", "3")),
    ]
    assert article.references == (
        Reference("1", "https://example.org/mood", "Mood after walking"),
        Reference("2", "https://example.org/office", "Office walking trial"),
        Reference("3", "https://doi.org/10.1000/anx", "Anxiety and activity"),
        Reference("L1", "https://www.nhs.uk/walking", "NHS"),
    )
    # Navigation, scripts, share buttons, asides and footers are gone from the text.
    for gone in ("Home", "cures everything", "color: red", "Share this", "shop now", "Copyright"):
        assert gone not in article.text
    assert skipped_with(article, "By Ana").reason == "meta"
    assert skipped_with(article, "short walk").reason == "advice"
    assert_offsets(article)
    first = article.claims[0]
    assert article.text[first.start : first.end] == "A brisk 20-minute walk lifts mood for about two hours.[1]"


def test_html_title_falls_back_to_title_element_and_sections_start_empty(settings: Settings) -> None:
    article = parse(
        "<html><head><title>Salt facts</title></head><body><p>Salt raises blood pressure.</p>"
        "<h3>Sodium</h3><p>Adults eat 9 g a day.</p></body></html>",
        settings,
        location="salt.html",
    )
    assert article.title == "Salt facts"
    assert [(claim.text, claim.section) for claim in article.claims] == [
        ("Salt raises blood pressure.", ""),
        ("Adults eat 9 g a day.", "Sodium"),
    ]


def test_html_footnotes_section_and_relative_links(settings: Settings) -> None:
    article = parse(
        '<html><body><main><p>Fasting lowers insulin<a href="#fn1" class="footnote-ref"><sup>1</sup></a>. '
        'See the <a href="/guides/fasting">guide</a> and <a href="mailto:a@b.c">mail us</a>.</p>'
        '<section class="footnotes"><ol><li id="fn1"><p>Insulin study '
        '<a href="https://example.org/insulin">https://example.org/insulin</a>'
        '<a href="#fnref1" class="footnote-back">↩︎</a></p></li></ol></section></main></body></html>',
        settings,
        location="https://news.example/fasting/",
    )
    assert article.claims[0].citations == ("1",)
    assert article.references[0] == Reference("1", "https://example.org/insulin", "Insulin study")
    # A relative link is resolved against the article's address; mail links are not sources.
    guide = [r for r in article.references if r.id.startswith("L")]
    assert [r.url for r in guide] == ["https://news.example/guides/fasting"]


def test_html_declared_charset_is_honoured(settings: Settings) -> None:
    page = (
        '<html><head><meta charset="windows-1252"></head><body><p>“Caf\u00e9” owners sleep 6 hours.</p></body></html>'
    )
    raw = page.encode("cp1252")
    article = parse(raw, settings, location="cafe.html")
    assert article.claims[0].text == "“Café” owners sleep 6 hours."


def test_html_ordered_list_start_numbers_the_entries(settings: Settings) -> None:
    article = parse(
        "<html><body><p>Sleep helps memory [4].</p><h2>Sources</h2>"
        '<ol start="4"><li><a href="https://example.org/memory">Memory and sleep</a></li></ol></body></html>',
        settings,
        location="memory.html",
    )
    assert article.references == (Reference("4", "https://example.org/memory", "Memory and sleep"),)


def test_html_superscripts_exponents_and_paragraph_headings(settings: Settings) -> None:
    article = parse(
        "<html><body><h1>Weight</h1><p>A BMI of 30 kg/m<sup>2</sup> or more counts as obesity<sup>1</sup>. "
        "About 10<sup>9</sup> adults live with it, a count first made in 2016<sup>2</sup>.</p>"
        "<p><strong>Sources:</strong></p><ol><li>Obesity definition https://example.org/bmi</li>"
        "<li>Global estimate https://example.org/global</li></ol></body></html>",
        settings,
        location="weight.html",
    )
    assert [(claim.text, claim.citations) for claim in article.claims] == [
        ("A BMI of 30 kg/m^2 or more counts as obesity.", ("1",)),
        ("About 10^9 adults live with it, a count first made in 2016.", ("2",)),
    ]
    assert [r.id for r in article.references] == ["1", "2"]
    assert skipped_with(article, "Sources").reason == "heading"


def test_html_furniture_is_dropped_but_not_the_article(settings: Settings) -> None:
    article = parse(
        '<html><body class="has-sidebar cookie-consent-enabled">'
        '<ul><li><a href="/a">Health</a></li><li><a href="/b">Fitness news</a></li></ul>'
        '<div class="layout-with-sidebar">'
        "<p>Resistance training twice a week slows muscle loss after 60, a pooled analysis found.</p>"
        "<p>Adults who lifted weights had 15% lower mortality in one cohort of older women.</p>"
        "<p>Balance work cut falls by about a quarter in trials of people over 65 living at home.</p>"
        '<ul><li><a href="https://example.org/sleep">Adults need seven hours of sleep.</a></li></ul>'
        "</div>"
        '<div class="related-stories"><p>Why walking beats running for sore knees</p></div>'
        '<div class="share-bar"><p>Share this story</p></div>'
        "</body></html>",
        settings,
        location="https://news.example/strength",
    )
    texts = [claim.text for claim in article.claims]
    assert len(texts) == 4 and texts[-1] == "Adults need seven hours of sleep."
    assert article.claims[-1].citations == ("L1",)
    for gone in ("Fitness news", "sore knees", "Share this"):
        assert gone not in article.text


# ── .docx ─────────────────────────────────────────────────────────────────────────────────


def _docx(with_footnote: bool = False) -> bytes:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Stretching before runs", 0)
    document.add_paragraph("Static stretching does not cut running injuries [1].")
    document.add_heading("Evidence", 1)
    paragraph = document.add_paragraph("A review by ")
    rel_id = document.part.relate_to("https://example.org/review", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the Cochrane group"
    run.append(text)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)
    paragraph.add_run(" found warm-ups lower strain risk.")
    if with_footnote:
        note_run = document.add_paragraph("Cooling down has no proven benefit.").add_run()
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), "2")  # Word's ids start after its separators; readers see 1
        note_run._r.append(reference)
    else:
        document.add_heading("Sources", 1)
        document.add_paragraph("1. Injury trial. https://example.org/injury")
    buffer = io.BytesIO()
    document.save(buffer)
    raw = buffer.getvalue()
    return _add_footnotes(raw) if with_footnote else raw


def _add_footnotes(raw: bytes) -> bytes:
    """Add a footnotes part (python-docx cannot write one) to a saved .docx."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:id="2"><w:p><w:r><w:t>Cool-down study https://example.org/cool</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    source, target = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", footnotes)
    return target.getvalue()


def test_docx_article(settings: Settings) -> None:
    article = parse(_docx(), settings, location="stretching.docx")
    assert article.title == "Stretching before runs"
    assert [(claim.text, claim.section, claim.citations) for claim in article.claims] == [
        ("Static stretching does not cut running injuries.", "", ("1",)),
        ("A review by the Cochrane group found warm-ups lower strain risk.", "Evidence", ("L1",)),
    ]
    assert article.references == (
        Reference("1", "https://example.org/injury", "Injury trial"),
        Reference("L1", "https://example.org/review", "the Cochrane group"),
    )
    assert_offsets(article)


def test_docx_footnotes_are_markers_and_references(settings: Settings) -> None:
    article = parse(_docx(with_footnote=True), settings, location="stretching.docx")
    cooling = claim_with(article, "Cooling down")
    assert cooling.citations == ("1",)
    assert article.text[cooling.start : cooling.end] == "Cooling down has no proven benefit.[1]"
    assert Reference("1", "https://example.org/cool", "Cool-down study") in article.references


# ── the seed article ──────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def seed(settings: Settings) -> Article:
    if not SEED.exists():
        pytest.skip("../shared/seed/article.txt is not beside this checkout")
    return parse_article(SEED.read_bytes(), location=str(SEED), media_type="text", settings=settings)


def test_seed_structure(seed: Article) -> None:
    assert seed.title.endswith("?")
    sections = list(dict.fromkeys(claim.section for claim in seed.claims))
    headings = [item for item in seed.skipped if item.reason == "heading"]
    # The title, an executive summary and seven numbered sections.
    assert len(headings) == 9 and headings[0].text == seed.title and headings[0].section == ""
    numbered = [item.text for item in headings[2:]]
    assert [text.split(".")[0] for text in numbered] == [str(n) for n in range(1, 8)]
    assert sections == [item.text for item in headings[1:8]]  # section 7 holds no claim
    assert_offsets(seed)


def test_seed_cited_sentences_are_claims_with_their_citations(seed: Article) -> None:
    only_four = [claim for claim in seed.claims if claim.citations == ("4",)]
    assert len(only_four) == 3
    assert all(claim.section in ("Executive summary",) or claim.section.startswith("5.") for claim in only_four)
    cited = [claim for claim in seed.claims if claim.citations]
    assert len(cited) == 13
    assert {n for claim in seed.claims for n in claim.citations} == {str(n) for n in range(1, 14)}
    uncited = [claim for claim in seed.claims if not claim.citations]
    assert len(uncited) == 1 and uncited[0].section.startswith("6.") and "trials" in uncited[0].text


def test_seed_skips_chrome_offer_advice_and_questions(seed: Article) -> None:
    title_start = seed.text.index(seed.title)
    chrome = [item for item in seed.skipped if item.start < title_start]
    assert chrome and {item.reason for item in chrome} == {"meta"}
    assert all(claim.start > title_start for claim in seed.claims)
    offer = [item for item in seed.skipped if item.text.startswith("If you")]
    assert len(offer) == 1 and offer[0].reason == "meta"
    deeper = [item for item in seed.skipped if item.text.startswith("Want to")]
    assert len(deeper) == 1 and deeper[0].reason == "meta"
    questions = [item for item in seed.skipped if item.reason == "question"]
    assert len(questions) == 5 and all(item.start > deeper[0].end for item in questions)
    advice = [item for item in seed.skipped if item.reason == "advice"]
    assert len(advice) == 1 and advice[0].section.startswith("7.") and len(advice[0].citations) == 3
    dateline_and_disclaimer = [item for item in seed.skipped if title_start < item.start < seed.text.index("Executive")]
    assert dateline_and_disclaimer and {item.reason for item in dateline_and_disclaimer} == {"meta"}


# ── decoding and errors ───────────────────────────────────────────────────────────────────


def test_sha256_is_of_the_bytes_and_line_ends_are_unified(settings: Settings) -> None:
    raw = b"# Tea\r\n\r\nGreen tea lowers LDL a little [1].\r\n"
    article = parse(raw, settings)
    assert article.sha256 == hashlib.sha256(raw).hexdigest()
    assert "\r" not in article.text
    assert article.claims[0].text == "Green tea lowers LDL a little."


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf# Tea\n\nGreen tea lowers LDL [1].\n",
        "# Tea\n\nGreen tea lowers LDL [1].\n".encode("utf-16"),
        "# Tea\n\nGreen tea lowers LDL [1].\n".encode("utf-32"),
    ],
)
def test_byte_order_marks(settings: Settings, raw: bytes) -> None:
    article = parse(raw, settings)
    assert article.title == "Tea" and article.claims[0].citations == ("1",)


def test_cp1252_fallback(settings: Settings) -> None:
    article = parse("# Caf\u00e9\n\nCaf\u00e9 workers sleep 6 hours [1].\n".encode("cp1252"), settings)
    assert article.title == "Café" and article.claims[0].text == "Café workers sleep 6 hours."


@pytest.mark.parametrize(
    ("raw", "media_type", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "markdown", "not a text, Markdown or HTML article"),
        (b"Oats lower LDL\x00\x00 [1].", "text", "not a text, Markdown or HTML article"),
        (b"%PDF-1.7\n1 0 obj", "text", "not a text, Markdown or HTML article"),
        (bytes(range(1, 32)) * 4, "html", "not a text, Markdown or HTML article"),
        (b"", "markdown", "the article is empty"),
        (b"  \n\t\r\n ", "text", "the article is empty"),
        (b"---\n\n***\n\n```\nprint(1)\n```\n", "markdown", "the article has no sentences to check"),
        (b"<html><body><script>alert(1)</script></body></html>", "html", "the article has no sentences to check"),
        (b"<html></html>", "html", "the article has no sentences to check"),
        (b"PK\x03\x04 not really a zip", "docx", "not a readable .docx file"),
        (b"plain words", "docx", "not a readable .docx file"),
        (b"# Tea\n\nText.", "pdf", "unknown media type 'pdf'"),
    ],
)
def test_errors_have_exact_messages(settings: Settings, raw: bytes, media_type: str, message: str) -> None:
    with pytest.raises(ArticleError) as error:
        parse_article(raw, location="in/piece", media_type=media_type, settings=settings)
    assert str(error.value) == f"in/piece: {message}"


def test_too_large_is_refused(settings: Settings) -> None:
    small = dataclasses.replace(settings, ingest=dataclasses.replace(settings.ingest, max_bytes=10))
    with pytest.raises(ArticleError) as error:
        parse_article(b"# Tea\n\nGreen tea lowers LDL.", location="tea.md", media_type="markdown", settings=small)
    assert str(error.value) == "tea.md: the article is too large (28 bytes; the limit is 10)"


# ── never an unexpected exception ─────────────────────────────────────────────────────────

_PIECES = st.sampled_from(
    [
        "[1]",
        "[2-4]",
        "[1, 3]",
        "[^2]",
        "# ",
        "## Sources\n",
        "1. ",
        "- ",
        "[x](https://a.example/c)",
        "<https://x.example>",
        "**",
        "_",
        "\n\n",
        "\n",
        "e.g. ",
        "<p>",
        "</p>",
        "<a href='http://q.example'>",
        "</a>",
        "<sup>1</sup>",
        "<h2>",
        "</h2>",
        "<ol>",
        "<li>",
        "References",
        "> ",
        "```",
        "---\n",
        "|a|b|\n|--|--|\n",
        "Sources\n",
        "www.x.example/a_(b)",
        "Loading...",
        "?",
        "Try ",
        "donate",
        "Oats lower LDL by 5%. ",
        "If you'd like, I can help. ",
        "“",
        "”",
        "—",
    ]
)
_MIXED = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.one_of(st.binary(max_size=400), _MIXED.map(str.encode), st.text(max_size=300).map(str.encode)),
    media_type=st.sampled_from(["markdown", "text", "html", "docx"]),
)
def test_any_input_gives_an_article_or_an_article_error(settings: Settings, raw: bytes, media_type: str) -> None:
    try:
        article = parse_article(raw, location="fuzz", media_type=media_type, settings=settings)
    except ArticleError:
        return
    assert article.claims or article.skipped
    for number, claim in enumerate(article.claims, start=1):
        assert claim.id == f"c{number}"
        assert 0 <= claim.start < claim.end <= len(article.text)
        assert claim.text.strip() == claim.text and claim.text
    reference_ids = [reference.id for reference in article.references]
    assert len(reference_ids) == len(set(reference_ids))
    for claim in article.claims:
        for citation in claim.citations:
            assert citation in reference_ids or citation.isdigit()
