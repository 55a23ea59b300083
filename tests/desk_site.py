"""A small site of our own for the editor's desk tests: an article of three causal claims
citing an observational cohort [1] and a cross-sectional survey [2], so each claim's causal
wording is flagged (CAUSAL_OVERSTATEMENT) on the passage it rests on.

    with LoopbackServer() as server:
        article = publish(server, tmp_path)          # the pages served, the article written
        server.add("/sleep", Reply(body=sleep_page(SLEEP_LONG_REVISED), etag='"s2"'))  # c3's passage reworded
"""

from __future__ import annotations

from pathlib import Path

from loopback import LoopbackServer, Reply

TEA_FINDING = (
    "Adults who drank three cups of green tea each day had a lower rate of heart attacks than those who drank none."
)
SLEEP_SHORT = (
    "In this cross-sectional survey of 1,100 students, those who slept fewer than six hours reported more low mood."
)
SLEEP_LONG = "Students who slept at least eight hours were less likely to report anxiety."
SLEEP_LONG_REVISED = (
    "Students who slept at least eight hours were slightly less likely to report anxiety in the spring term."
)
CLAIMS = (
    "Drinking three cups of green tea each day prevents heart attacks in adults [1].",
    "Sleeping fewer than six hours causes low mood in students [2].",
    "Sleeping at least eight hours cures anxiety in students [2].",
)


def page(title: str, *paragraphs: str, head: str = "") -> bytes:
    """A plain article page (paragraphs are HTML as given)."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def tea_page() -> bytes:
    return page(
        "Tea drinking and heart health in a cohort of older adults",
        "This cohort study followed 5,200 adults aged 60 to 80 for nine years.",
        TEA_FINDING,
        "The authors note that tea drinkers also exercised more and smoked less.",
    )


def sleep_page(long_sleep: str = SLEEP_LONG) -> bytes:
    return page(
        "Sleep duration and mood: a cross-sectional survey",
        SLEEP_SHORT,
        long_sleep,
        "Because sleep and mood were measured at the same time, the direction of the link is unknown.",
    )


def publish(server: LoopbackServer, folder: Path, name: str = "habits") -> Path:
    """Serve both sources and write the article citing them; returns the article's path."""
    server.add("/tea", Reply(body=tea_page(), etag='"t1"'))
    server.add("/sleep", Reply(body=sleep_page(), etag='"s1"'))
    article = folder / f"{name}.md"
    body = "\n\n".join(CLAIMS)
    article.write_text(
        f"# Small habits\n\n{body}\n\n## Sources\n1. Tea cohort. {server.url('/tea')}\n2. Sleep survey. {server.url('/sleep')}\n",
        encoding="utf-8",
    )
    return article
