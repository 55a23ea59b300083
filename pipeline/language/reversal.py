"""The explicit reversal the judge quotes: which kind of opposite a passage says of a claim.

`clash` names the first reversal found between a claim and a passage, in the order the judge
trusts them: a negation, a reversed direction or another number on what both say
(pipeline/language/polarity.py: these three are `STRONG_CLASHES`, and turn the judge's
leaning round on a passage about the claim), a denial of two or more terms, a word swapped for
its antonym (configs/lexicons/antonyms.toml, words of numbers left out: "11 to 16 year olds"
says nothing old), an effect where the other text reports none (`null_clash`), and last one
negated term the other text states. The contract's CONTRADICTED rests on one of these, never
on a model's leaning alone (pipeline/match/judge.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Settings
from ..memo import once_per_object
from .cues import tokenize
from .numbers import Quantity, read_quantities
from .polarity import no_effect, null_cues, oppositions, polarities, words_outside_numbers


@once_per_object
def antonym_map(settings: Settings) -> dict[str, frozenset[str]]:
    """{stem: the stems of its antonyms} from antonyms.toml (built once per settings). The
    WordNet antonyms are not added here: as the judge's `antonym` feature and a weak clash they
    were measured worse (dev fixtures 841 → 839 expectations, one false alarm; Check-COVID train
    macro-F1 0.433 → 0.430); they count only said of the same thing (polarity's `_reversal`)."""
    table: dict[str, set[str]] = {}
    for pair in settings.lexicon("antonyms").get("pairs", []):
        stems = [token.stem for word in pair for token in tokenize(word)[:1]]
        if len(stems) == 2 and stems[0] != stems[1]:
            table.setdefault(stems[0], set()).add(stems[1])
            table.setdefault(stems[1], set()).add(stems[0])
    return {stem: frozenset(others) for stem, others in table.items()}


STRONG_CLASHES = frozenset({"negation", "direction", "number"})


def clash(claim: str, passage: str, settings: Settings,
          quantities: Sequence[Quantity] | None = None) -> tuple[str, str]:
    """(kind, why) `passage` says the opposite of `claim`, why in words for an editor;
    ("", "") when no explicit reversal is found. `quantities` are the claim's numbers the
    passage may give otherwise (default: all it has; the matcher passes those its cited
    sources give nowhere). Kinds: "negation" or "direction" on a term
    both share, "number" (one of the same kind that differs; pipeline/language/number_clash.py),
    "denial" (one text negates what the other states), "antonym" (a word swapped for its
    antonym: "safe" → "harmful"), "null" (an effect where the other reports none),
    "weak_denial" (one text negates a single term the other states)."""
    numbers = read_quantities(claim, settings.lexicon("numbers")) if quantities is None else quantities
    opposed = oppositions(claim, numbers, passage, settings)
    for kind in ("negation", "direction", "number", "denial"):
        if getattr(opposed, kind):
            return kind, getattr(opposed, kind)
    table = antonym_map(settings)
    claim_tokens, passage_tokens = words_outside_numbers(claim, settings), words_outside_numbers(passage, settings)
    for stem, word in claim_tokens.items():
        if stem in table and stem not in passage_tokens and not table[stem] & claim_tokens.keys():
            swapped = sorted(table[stem] & passage_tokens.keys())
            if swapped:
                return "antonym", f'the claim says "{word}" where the passage says "{passage_tokens[swapped[0]]}"'
    why = null_clash(claim, passage, settings)
    if why:
        return "null", why
    # Last, one negated term the other text states plainly: quotable, but often a negation
    # of something else, so it counts only where the judge leans to a contradiction.
    return ("weak_denial", opposed.weak_denial) if opposed.weak_denial else ("", "")


def null_clash(claim: str, passage: str, settings: Settings) -> str:
    """Why one text reports no effect where the other states one, or "": "no effect" against
    a stated change, only when the other text states a direction ("reduced", "higher"), since
    "same" or "similar" alone compare nothing. A negated change ("did not lower") reports no
    effect too: it neither states one nor clashes with "no reduction"."""
    claim_null, passage_null = null_cues(claim, settings), null_cues(passage, settings)
    if claim_null and not no_effect(passage, settings) and _directed(passage, settings):
        return f'the claim says "{claim_null[0].surface}" where the passage reports an effect or difference'
    if passage_null and not no_effect(claim, settings) and _directed(claim, settings):
        return f'the passage says "{passage_null[0].surface}"'
    return ""


def _directed(text: str, settings: Settings) -> bool:
    """Whether `text` states a change or difference (a direction word governing a term that no
    negation governs: "did not lower the risk" reports no change, as "no reduction" does)."""
    return any(direction and not negated for negated, direction, _ in polarities(text, settings).values())
