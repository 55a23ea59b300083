"""When an article says it was published: HTML metadata, Markdown front matter, datelines."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.ingest import parse_article


@pytest.mark.parametrize(
    ("text", "media_type", "published"),
    [
        ("# Walking\n\n_Published 12 March 2024 by Ana Ruiz_\n\nWalking lowers blood pressure [1].\n", "markdown", "2024-03-12"),
        ("---\ntitle: Walking\ndate: 2023-07-01\n---\n# Walking\n\nWalking lowers blood pressure [1].\n", "markdown", "2023-07-01"),
        ("Walking and health\n\nPosted on: March 3, 2022 | Health desk\n\nWalking lowers blood pressure.\n", "text", "2022-03-03"),
        # A check date, an update or a bare year is not a publication date.
        ("# Walking\n\n_Checked against the cited sources on 15 November 2025._\n\nWalking lowers blood pressure [1].\n", "markdown", ""),
        ("# Walking\n\nPublished: 2024\n\nWalking lowers blood pressure [1].\n", "markdown", ""),
        (
            '<html><head><meta property="article:published_time" content="2021-05-04T08:00:00Z"></head>'
            "<body><article><h1>Walking</h1><p>Walking lowers blood pressure in older adults.</p></article></body></html>",
            "html",
            "2021-05-04",
        ),
        (
            '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-01-31"}</script>'
            "</head><body><article><h1>Walking</h1><p>Walking lowers blood pressure in older adults.</p></article></body></html>",
            "html",
            "2020-01-31",
        ),
        (
            "<html><body><article><h1>Walking</h1><time datetime='2019-11-02'>2 Nov</time>"
            "<p>Walking lowers blood pressure in older adults.</p></article></body></html>",
            "html",
            "2019-11-02",
        ),
    ],
)
def test_the_publication_date_an_article_gives(text: str, media_type: str, published: str) -> None:
    article = parse_article(text.encode(), location="a." + media_type, media_type=media_type, settings=load_settings())
    assert article.published == published
