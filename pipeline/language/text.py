"""Text primitives shared by every stage that reads prose: sentences, words, stems, quotes.

One place for each: ingest splits the article and extract splits source pages with the same
`sentence_spans`; match and assess compare the same `content_terms`.

Sentence splitting uses syntok (measured the best of the splitters tried on article text with
"e.g.", "et al.", "vs.", decimals and quotes). syntok does not split before a citation
marker that follows a full stop ("... helps.[3] Next") nor after one ("helps [1]. Next"), so
markers are blanked out before splitting (same length, so offsets hold) and re-attached to
the sentence they follow.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
import syntok.segmenter as syntok_segmenter

# "[1]", "[1, 5]", "[1-3]", "[1–3]", "[2,4-6]". A marker glued to the next one ("[1][2]") is
# two markers.
CITATION_MARKER = re.compile(r"\[\s*\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*\s*\]")
_TRAILING_MARKERS = re.compile(r"(?:\s*\[\s*\d{1,3}(?:\s*[,;–—-]\s*\d{1,3})*\s*\])+")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_QUOTE_TRANSLATION = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "\u2010": "-",  # hyphen; NFKC turns the non-breaking hyphen (U+2011) into this
        "\u2011": "-",  # non-breaking hyphen, common in pasted web text
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)

# Function words carry no evidence. A fixed linguistic list, not a tunable lexicon.
STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself nor of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves s t don re ve ll d m o y via per among within upon whether""".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, in order.

    Splits within each line (a line break always ends a sentence: headings, list items and
    paragraphs never run together). Citation markers right after a sentence belong to it.
    """
    blanked = CITATION_MARKER.sub(lambda match: " " * len(match.group()), text)
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in blanked.splitlines(keepends=True):
        if line.strip():
            for start, end in _join_clauses(line, _syntok_spans(line)):
                spans.append((line_start + start, line_start + end))
        line_start += len(line)
    return [_trim(text, *_attach_trailing_markers(text, start, end)) for start, end in spans]


def _syntok_spans(line: str) -> list[tuple[int, int]]:
    result = []
    for paragraph in syntok_segmenter.analyze(line):
        for sentence in paragraph:
            tokens = list(sentence)
            if tokens:
                result.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
    return result


def _join_clauses(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with those syntok ended at a semicolon joined to the next: syntok ends a
    sentence at ";" before a capital ("...and desire; Healthline notes ... [1]."), but a
    semicolon joins clauses of one sentence, and the citation at its end covers both."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and line[joined[-1][0]:joined[-1][1]].rstrip().endswith(";"):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _attach_trailing_markers(text: str, start: int, end: int) -> tuple[int, int]:
    match = _TRAILING_MARKERS.match(text, end)
    if match:
        end = match.end()
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def normalize(text: str) -> str:
    """`text` with curly quotes, dashes and odd spaces made plain, and NFKC-normalised.

    Keeps the length of ordinary text the same (each mapped character is one character), so
    it is safe to use for matching within a span.
    """
    return unicodedata.normalize("NFKC", text).translate(_QUOTE_TRANSLATION)


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, hyphenated words kept whole."""
    return [match.group().lower().replace("’", "'") for match in _WORD.finditer(normalize(text))]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter2) stem of a lower-case word."""
    return _stemmer().stemWord(word)


def stems(words_: list[str]) -> list[str]:
    """The stems of many lower-case words at once (uncached: for loading word tables, which
    would otherwise crowd out the cache `stem` keeps for the words of texts)."""
    return _stemmer().stemWords(words_)


def content_terms(text: str) -> list[str]:
    """Stems of the words of `text` that carry meaning (no function words), in order."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]
