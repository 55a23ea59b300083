"""Reading an article as a person does: page furniture and the article's own meta sentences
are never claims, and a sentence that goes on about the source of the sentence before it is
checked against that source (citation carry-over). Every test article is written here."""

from __future__ import annotations

import pytest

from pipeline.config import Settings, load_settings
from pipeline.ingest.article import media_type_for, parse_article
from pipeline.records import Article


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


def parse(text: str, settings: Settings, *, location: str = "piece.md") -> Article:
    return parse_article(
        text.encode("utf-8"), location=location, media_type=media_type_for(location), settings=settings
    )


def reason_of(article: Article, fragment: str) -> str | None:
    """"claim" for a claim, else the reason the sentence holding `fragment` was skipped."""
    if any(fragment in claim.text for claim in article.claims):
        return "claim"
    found = [item.reason for item in article.skipped if fragment in item.text]
    assert len(found) == 1, (fragment, [item.text for item in article.skipped])
    return found[0]


# ── page furniture written as text ────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "line",
    [
        "By Priya Natarajan, science desk · 3 October 2025 · 4 min read",
        "By Owen Castell, Senior Health Editor · Published March 2, 2024",
        "By our health desk · Updated 4 May",
        "By Lena Hoff and Marco Ruiz · 2024-11-30",
        "Wed 12 Feb 2025 08.15 GMT · Last modified on Wed 12 Feb 2025 10.02 GMT",
        "Health · Updated 3 hours ago",
        "By Dana Whitcombe, nutrition writer",
        "Photo: Ashbury Gazette archive",
        "Image credit: a stock library",
        "Read more: Seven myths about fasting",
        "Related: What your step count says about you",
        "This story was reviewed by our medical editor.",
        "Reviewed by our medical editor, Dr Sam Ilves.",
        "We may earn a small commission when you buy through links on this page.",
        "We looked at what the trials of magnesium actually show.",
        "We asked two sleep researchers how much the evidence tells us.",
        "Sign up for our free weekly fitness newsletter",
        "Get our newsletter on sleep every Sunday.",
        "Share on WhatsApp",
    ],
)
def test_bylines_datelines_captions_and_meta_sentences_are_not_claims(settings: Settings, line: str) -> None:
    article = parse(f"# Fasting and focus\n\n{line}\n\nFasting for 16 hours lowered insulin in 40 adults [1].\n", settings)
    assert reason_of(article, line[:14]) == "meta"
    assert [claim.text[:7] for claim in article.claims] == ["Fasting"]


@pytest.mark.parametrize(
    "sentence",
    [
        "By week twelve, fasting glucose had fallen by 9% in the fasting group [1].",
        "By Christmas Day, most of the volunteers had stopped fasting [1].",
        "Caffeine — two cups a day — raised alertness in shift workers [1].",
        "We looked at 12 trials of fasting; nine found lower insulin [1].",
        "Fasting · the evidence on insulin is mixed [1].",
        "Subscribers to the meal scheme lost 3 kg in a year [1].",
        "Share of adults who fast fell to 12% in 2024 [1].",
    ],
)
def test_sentences_that_only_look_like_furniture_stay_claims(settings: Settings, sentence: str) -> None:
    article = parse(f"# Fasting and focus\n\n{sentence}\n", settings)
    assert reason_of(article, sentence[:14]) == "claim"


# ── page furniture marked by the page's structure ─────────────────────────────────────────

HTML_WITH_FURNITURE = """<!doctype html><html><head><title>Cold showers | The Lakeside Post</title></head>
<body><article>
<h1>Do cold showers help you wake up?</h1>
<div class="article-meta"><span class="author">Ines Mbeki</span> <time datetime="2025-02-01">1 Feb 2025</time></div>
<p class="byline">Ines Mbeki reports from the Lakeside newsroom, where 12 reporters cover health.</p>
<figure><img src="/shower.jpg" alt="">
<figcaption>A swimmer at the lake, where water was 4C on the day. Picture by Rolf Brandt</figcaption></figure>
<p>A cold shower raised alertness scores by 15% in a trial of 60 students
(<a href="https://journal.example.org/cold-shower-trial">the trial</a>).</p>
<p itemprop="author">Ines Mbeki has written about health since 2011.</p>
<p>Alertness rose within two minutes of the shower in 70% of volunteers, the same trial found.</p>
</article></body></html>"""


def test_html_bylines_captions_and_author_notes_are_meta(settings: Settings) -> None:
    article = parse(HTML_WITH_FURNITURE, settings, location="https://news.example.com/cold-showers.html")
    assert reason_of(article, "12 reporters") == "meta"  # a byline by its class, numbers or not
    assert reason_of(article, "water was 4C") == "meta"  # a caption by its tag
    assert reason_of(article, "since 2011") == "meta"  # an author note by its schema.org itemprop
    assert reason_of(article, "1 Feb 2025") == "meta"
    assert [claim.text[:12] for claim in article.claims] == ["A cold showe", "Alertness ro"]


def test_a_class_word_does_not_make_the_whole_article_meta(settings: Settings) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n} says that cold water raised alertness in {n * 10} volunteers in the trial, "
        f"and the effect lasted about an hour in most of them [1].</p>"
        for n in range(1, 5)
    )
    page = (f"<html><body><div class='post-content author-note'><h1>Cold water</h1>{paragraphs}</div>"
            "<ol class='references'><li>https://journal.example.org/t</li></ol></body></html>")
    article = parse(page, settings, location="https://blog.example.com/cold.html")
    assert len(article.claims) == 4


# ── citation carry-over ───────────────────────────────────────────────────────────────────

TRIAL_THEN = "## Trials\n\nIn a trial of 120 office workers, standing desks cut sitting time by an hour a day [3]. {}\n"


@pytest.mark.parametrize(
    "follow_up",
    [
        "In that trial, back pain scores fell by a third.",
        "The same trial found no change in weight after six months.",
        "That three-month trial also measured blood pressure, which did not change.",
        "The researchers reported that most workers kept using the desks.",
        "Its authors note that 14 workers dropped out.",
        "In it, 40% of workers said they felt more alert.",
        "It also found that neck pain fell by 20%.",
        "Back pain fell by a third in the study's participants, the team reported.",
    ],
)
def test_a_sentence_about_the_source_just_cited_inherits_its_citation(settings: Settings, follow_up: str) -> None:
    article = parse(TRIAL_THEN.format(follow_up), settings)
    first, second = article.claims
    assert second.citations == () and second.inherited == ("3",) and second.inherited_from == first.id
    assert second.checked_citations == ("3",)


@pytest.mark.parametrize(
    "follow_up",
    [
        "In another trial, back pain scores fell by a third.",  # another study
        "A second trial found no change in weight after six months.",
        "The earlier trial found no change in weight after six months.",
        "Studies of standing desks in schools found 40% less sitting.",  # no definite reference
        "Office workers sit for about 9 hours a day.",
    ],
)
def test_a_sentence_about_another_or_no_study_inherits_nothing(settings: Settings, follow_up: str) -> None:
    article = parse(TRIAL_THEN.format(follow_up), settings)
    assert [claim.inherited for claim in article.claims] == [(), ()]


def test_carry_over_stops_at_a_heading_and_far_paragraphs(settings: Settings) -> None:
    article = parse(
        "## Trials\n\nStanding desks cut sitting time by an hour a day in 120 workers [3].\n\n"
        "## Other results\n\nIn that trial, back pain fell by a third.\n\n"
        "## More\n\nStanding desks cut sitting by 50 minutes in 80 nurses [4].\n\nThe weather was mild.\n\n"
        "Lunch breaks were long.\n\nIn that trial, 12% of nurses reported sore feet.\n",
        settings,
    )
    assert claim_of(article, "back pain").inherited == ()  # a heading between
    assert claim_of(article, "sore feet").inherited == ()  # three paragraphs back


def test_carry_over_picks_the_named_kind_among_several_sources(settings: Settings) -> None:
    text = (
        "# Desks\n\nStanding desks cut sitting time [1][2].\n\nThe review found 9 studies in all. "
        "The survey found that 60% of workers liked them.\n\nThe report found 3 small benefits.\n\n"
        "## Sources\n\n1. Standing desks and sitting time: a systematic review. https://example.org/review\n"
        "2. Office workers and their desks: a national survey. https://example.org/survey\n"
    )
    article = parse(text, settings)
    assert claim_of(article, "9 studies").inherited == ("1",)
    assert claim_of(article, "60% of workers").inherited == ("2",)
    assert claim_of(article, "3 small benefits").inherited == ()  # neither title says "report"


def test_a_chain_of_follow_ups_keeps_the_source(settings: Settings) -> None:
    article = parse(TRIAL_THEN.format("In that trial, back pain fell by a third. The same trial found 8% fewer sick days."),
                    settings)
    first, second, third = article.claims
    assert second.inherited == third.inherited == ("3",) and third.inherited_from == second.id


def test_an_uncited_sentence_with_a_back_reference_is_a_claim(settings: Settings) -> None:
    # Not check-worthy on its own words, but it says what the cited trial found.
    article = parse(TRIAL_THEN.format("The researchers were surprised by how much people enjoyed them."), settings)
    assert claim_of(article, "surprised").inherited == ("3",)


def test_carry_over_in_html_with_inline_links(settings: Settings) -> None:
    page = ("<html><body><article><h1>Desks</h1><p>Standing desks cut sitting time by an hour a day, "
            "<a href='https://trials.example.org/desks'>a trial of 120 workers found</a>. In that trial, "
            "back pain fell by a third.</p></article></body></html>")
    article = parse(page, settings, location="https://news.example.com/desks.html")
    assert claim_of(article, "back pain").inherited == (article.claims[0].citations[0],)


def claim_of(article: Article, fragment: str):
    found = [claim for claim in article.claims if fragment in claim.text]
    assert len(found) == 1, (fragment, [claim.text for claim in article.claims])
    return found[0]
