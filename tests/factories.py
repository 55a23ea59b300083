"""Small, realistic Report records for tests, built the way the stages build them.

`walking_report()` is a complete run over a short article on walking and health: six
claims, six sources (one timed out, one commercial, one never matched, one never cited),
evidence of every relation and flags of every severity. Its expected graph findings are
written out in `WALKING_EXPECTED` so tests assert values, not "no exception".

`hostile_report()` is the same run with attacker-controlled text in every field a source
page or an article can reach: script tags, event-handler attributes, javascript: URLs,
Markdown link syntax, table pipes, control characters and a lone surrogate.

The lower-level builders (`make_article`, `make_source`, `evidence`, `flag`) are for tests
that need their own small scenario.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Sequence

from pipeline.language.text import CITATION_MARKER
from pipeline.records import (
    Article,
    Claim,
    Evidence,
    Flag,
    Judgement,
    Passage,
    Reference,
    Report,
    SkippedSentence,
    Source,
)

CHECKED_AT = "2025-03-04T10:20:30Z"


def make_article(
    title: str,
    text: str,
    claims: Sequence[tuple[str, str, str, Sequence[str]]],
    references: Sequence[Reference] = (),
    skipped: Sequence[tuple[str, str, str]] = (),
    location: str = "articles/walking.md",
) -> Article:
    """An Article over `text`; each claim is (id, sentence as written, section, citations)
    and each skipped sentence (sentence, section, reason). Offsets are found in `text`, and a
    claim's text is its sentence without citation markers, as ingest produces it."""
    built = []
    for claim_id, sentence, section, citations in claims:
        start = text.index(sentence)
        plain = _without_markers(sentence)
        built.append(Claim(claim_id, plain, section, start, start + len(sentence), tuple(citations)))
    skipped_sentences = []
    for sentence, section, reason in skipped:
        start = text.index(sentence)
        skipped_sentences.append(SkippedSentence(sentence, section, start, start + len(sentence), reason))
    return Article(
        title=title,
        location=location,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        text=text,
        claims=tuple(built),
        references=tuple(references),
        skipped=tuple(skipped_sentences),
    )


def _without_markers(sentence: str) -> str:
    return re.sub(r"\s*" + CITATION_MARKER.pattern, "", sentence).strip()


def make_source(
    source_id: str,
    url: str,
    sentences: Iterable[str] = (),
    *,
    kind: str = "unknown",
    status: str = "ok",
    title: str = "",
    publisher: str = "",
    reason: str = "",
    http_status: int | None = None,
) -> Source:
    """A Source whose text is `sentences` joined by spaces, one passage per sentence
    ("<id>:p1", "<id>:p2"...) with offsets into that text, as extract produces them."""
    passages, pieces, offset = [], [], 0
    for number, sentence in enumerate(sentences, start=1):
        passages.append(Passage(f"{source_id}:p{number}", source_id, sentence, offset, offset + len(sentence)))
        pieces.append(sentence)
        offset += len(sentence) + 1
    text = " ".join(pieces)
    readable = status == "ok"
    return Source(
        id=source_id,
        url=url,
        status=status,  # type: ignore[arg-type]
        final_url=url if readable else "",
        http_status=http_status if http_status is not None else (200 if readable else None),
        reason=reason,
        kind=kind,  # type: ignore[arg-type]
        kind_reasons=(f"domain listed as {kind}",) if kind != "unknown" else (),
        title=title,
        publisher=publisher,
        content_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() if readable else "",
        fetched_at=CHECKED_AT,
        archived_as=f"sources.warc.gz#<urn:uuid:{source_id}>" if readable else "",
        text=text,
        passages=tuple(passages),
    )


def evidence(claim_id: str, passage_id: str, score: float, relation: str = "supports") -> Evidence:
    """Evidence linking a claim to a passage; the source is read from the passage id."""
    return Evidence(claim_id, passage_id.split(":")[0], passage_id, score, relation)  # type: ignore[arg-type]


def flag(
    claim_id: str,
    code: str,
    severity: str,
    message: str,
    source: Source | None = None,
    passage_number: int | None = None,
) -> Flag:
    """A Flag; with a source and passage number it quotes that passage, as assess does."""
    passage = source.passages[passage_number - 1] if source is not None and passage_number else None
    return Flag(
        claim_id=claim_id,
        code=code,
        severity=severity,  # type: ignore[arg-type]
        message=message,
        source_id=source.id if source is not None else "",
        passage_id=passage.id if passage else "",
        evidence=passage.text if passage else "",
    )


WALKING_TEXT = """# Walking and health: what the studies say

## Blood sugar

A short walk after dinner lowers blood sugar in everyone [1].
People who walk every day live longer, a large cohort study found [1][2].
Walking beats any medication for type 2 diabetes [3].

## Guidelines

The national health agency recommends 150 minutes of moderate activity a week [4].
Most adults sleep better on days they walk outdoors [2][5].
Walking uphill burns about twice the energy of walking on flat ground.
Try a ten-minute stroll after your largest meal.
"""

# What the graph queries must find in walking_report() (default settings, except
# `sources_cited_by_many`, which is for many_citations_min = 2).
WALKING_EXPECTED = {
    "claims_single_source": {"c1": "1", "c3": "3", "c4": "4", "c5": "2"},
    "claims_commercial_only": ["c3"],
    "claims_uncited": ["c6"],
    "claims_sources_unavailable": ["c4"],
    "claims_conflicting_evidence": ["c5"],
    "sources_never_matched": ["5"],
    "sources_unavailable": ["4"],
    "sources_uncited": ["6"],
    "citations_per_source": {"1": 2, "2": 2, "3": 1, "4": 1, "5": 1, "6": 0},
    "sources_cited_by_many": {"1": 2, "2": 2},
}
# Flagged claims, most severe first: c2 and c3 have a high flag (article order between
# them), c1 a medium one, c4 and c6 a low one.
WALKING_FLAGGED_ORDER = ["c2", "c3", "c1", "c4", "c6"]


def walking_sources() -> tuple[Source, ...]:
    """The six sources of walking_report(), in reference order."""
    return (
        make_source(
            "1",
            "https://journal.example.org/articles/post-meal-walking",
            [
                "In 14 adults with type 2 diabetes, a 15-minute walk after the evening meal reduced glucose peaks.",
                "Participants who walked daily also reported fewer hospital visits over two years.",
                "The trial did not include people without diabetes.",
            ],
            kind="peer_reviewed",
            title="Post-meal walking and glucose in type 2 diabetes",
            publisher="Journal of Applied Physiology Examples",
        ),
        make_source(
            "2",
            "https://cohort.example.edu/reports/walking-mortality",
            [
                "In this observational cohort of 40,000 adults, daily walkers had lower all-cause mortality.",
                "Residual confounding by general health cannot be excluded.",
                "Participants reported sleeping longer on days with outdoor walks.",
                "Sleep quality scores did not differ between walkers and non-walkers.",
            ],
            kind="peer_reviewed",
            title="Daily walking and mortality: a cohort study",
            publisher="Example University",
        ),
        make_source(
            "3",
            "https://shop.example.com/blog/walk-off-diabetes",
            ["Our walking programme works better than pills for blood sugar, customers say."],
            kind="commercial",
            title="Walk off diabetes with our programme",
            publisher="StrideShop",
        ),
        make_source(
            "4",
            "https://health-agency.example.gov/activity-guidelines",
            kind="unknown",
            status="timeout",
            reason="no response within 45 seconds (tried 3 times)",
        ),
        make_source(
            "5",
            "https://magazine.example.net/sleep-and-exercise",
            ["Exercise in the morning is linked with earlier bedtimes in teenagers."],
            kind="health_media",
            title="Sleep and exercise",
            publisher="Example Health Magazine",
        ),
        make_source(
            "6",
            "https://walker.example.blog/my-favourite-routes",
            ["My favourite route runs along the river for six kilometres."],
            kind="blog",
            title="My favourite routes",
        ),
    )


def walking_report() -> Report:
    """A complete run over the walking article (see the module docstring)."""
    sources = walking_sources()
    s1, s2, s3, s4 = sources[:4]
    article = make_article(
        "Walking and health: what the studies say",
        WALKING_TEXT,
        claims=[
            ("c1", "A short walk after dinner lowers blood sugar in everyone [1].", "Blood sugar", ["1"]),
            ("c2", "People who walk every day live longer, a large cohort study found [1][2].", "Blood sugar", ["1", "2"]),
            ("c3", "Walking beats any medication for type 2 diabetes [3].", "Blood sugar", ["3"]),
            (
                "c4",
                "The national health agency recommends 150 minutes of moderate activity a week [4].",
                "Guidelines",
                ["4"],
            ),
            ("c5", "Most adults sleep better on days they walk outdoors [2][5].", "Guidelines", ["2", "5"]),
            ("c6", "Walking uphill burns about twice the energy of walking on flat ground.", "Guidelines", []),
        ],
        references=[Reference(source.id, source.url, source.title) for source in sources],
        skipped=[
            ("# Walking and health: what the studies say", "", "heading"),
            ("Try a ten-minute stroll after your largest meal.", "Guidelines", "advice"),
        ],
    )
    return Report(
        article=article,
        sources=sources,
        evidence=(
            evidence("c1", "1:p1", 0.74),
            evidence("c2", "2:p1", 0.81),
            evidence("c2", "1:p2", 0.58),
            evidence("c2", "2:p2", 0.31, "related"),
            evidence("c3", "3:p1", 0.66),
            evidence("c5", "2:p3", 0.61),
            evidence("c5", "2:p4", 0.57, "contradicts"),
        ),
        judgements=(
            Judgement("c1", "partially_supported", 0.62, "supported for adults with diabetes only"),
            Judgement("c2", "supported", 0.81, "two cited sources report the association"),
            Judgement("c3", "supported", 0.66, "only the cited shop makes this comparison"),
            Judgement("c4", "unverifiable", 0.0, "the cited source could not be read"),
            Judgement("c5", "partially_supported", 0.48, "one passage supports it, another contradicts it"),
            Judgement("c6", "unverifiable", 0.0, "the sentence cites nothing"),
        ),
        flags=(
            flag("c1", "GENERALIZATION", "medium", "The study tested adults with diabetes; the claim says everyone.", s1, 1),
            flag("c1", "CERTAINTY_OVERSTATEMENT", "low", "'In everyone' states as certain what the study saw in a small group."),
            flag(
                "c2",
                "CAUSAL_OVERSTATEMENT",
                "high",
                "An observational cohort shows an association, not that walking makes people live longer.",
                s2,
                1,
            ),
            flag("c3", "SUPERIORITY_CLAIM", "medium", "The claim says walking is better than medication."),
            flag("c3", "COMMERCIAL_ONLY", "high", "The only support is a shop selling a walking programme.", s3, 1),
            flag("c4", "SOURCE_UNAVAILABLE", "low", "Source [4] did not respond, so the claim could not be checked.", s4),
            flag("c6", "UNCITED", "low", "A factual statement with no citation."),
        ),
        checked_at=CHECKED_AT,
    )


def _shifted(record, shift: int):  # a Claim or SkippedSentence moved by `shift` characters
    return dataclasses.replace(record, start=record.start + shift, end=record.end + shift)


# Strings an attacker controls through a source page or an article.
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SVG = '"><svg onload=alert(1)>'
HOSTILE_TEXTAREA = "</textarea><b>bold</b>"
HOSTILE_MD_LINK = "[click me](javascript:alert(1))"
HOSTILE_URL = "javascript:alert(document.cookie)"
HOSTILE_CONTROLS = "bell\x07 nul\x00 esc\x1b vtab\x0b lone\ud800 nonchar\ufffe end"


def hostile_report() -> Report:
    """walking_report() with hostile text in source titles, URLs, passages, flag quotes, the
    article's title and a claim's text (offsets kept consistent)."""
    report = walking_report()
    hostile_passage = (
        f"# Heading {HOSTILE_SCRIPT} {HOSTILE_IMG} {HOSTILE_SVG} {HOSTILE_TEXTAREA} "
        f"{HOSTILE_MD_LINK} | cell | `code` {HOSTILE_CONTROLS}"
    )
    bad_source = make_source(
        "1",
        HOSTILE_URL,
        [hostile_passage, "Participants who walked daily also reported fewer hospital visits."],
        kind="peer_reviewed",
        title=f"{HOSTILE_SCRIPT}{HOSTILE_SVG} | x |",
        publisher=HOSTILE_IMG,
    )
    data_source = make_source(
        "3",
        "data:text/html,<script>alert(2)</script>",
        ["Our programme works better than pills, customers say."],
        kind="commercial",
        title=HOSTILE_MD_LINK,
    )
    # A pipe in a field the sources table shows must not add a column.
    dead_source = dataclasses.replace(report.sources[3], reason="refused | 403 | by the server")
    sources = (bad_source, report.sources[1], data_source, dead_source) + report.sources[4:]
    hostile_claim_sentence = f"A short walk {HOSTILE_SVG} lowers blood sugar {HOSTILE_SCRIPT} in everyone [1]."
    article_text = report.article.text.replace(
        "A short walk after dinner lowers blood sugar in everyone [1].", hostile_claim_sentence
    )
    shift = len(hostile_claim_sentence) - len("A short walk after dinner lowers blood sugar in everyone [1].")
    old_claims = report.article.claims
    claims = (
        dataclasses.replace(
            old_claims[0],
            text=_without_markers(hostile_claim_sentence),
            end=old_claims[0].start + len(hostile_claim_sentence),
        ),
    ) + tuple(_shifted(claim, shift) for claim in old_claims[1:])
    skipped = tuple(
        _shifted(item, shift) if item.start > old_claims[0].start else item for item in report.article.skipped
    )
    article = dataclasses.replace(
        report.article,
        title=f"Walking {HOSTILE_SCRIPT} {HOSTILE_TEXTAREA}",
        location=HOSTILE_URL,
        text=article_text,
        claims=claims,
        skipped=skipped,
    )
    flags = tuple(
        dataclasses.replace(item, evidence=hostile_passage, message=f"Says {HOSTILE_IMG} {HOSTILE_MD_LINK}")
        if item.claim_id == "c1" and item.passage_id
        else item
        for item in report.flags
    )
    return dataclasses.replace(report, article=article, sources=sources, flags=flags)
