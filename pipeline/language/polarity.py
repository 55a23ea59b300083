"""Does a passage say the opposite of a claim? Negation, reversed direction, another number.

Used by match to call a passage `contradicts`, and by the support judgement's features. Each
test looks only at what both texts are about: a negation or a direction word counts for the
content words it governs (the next few within its clause), and only words both texts share
are compared; so "not only", or a negation of some other word ("without cost"), is no
contradiction. A number contradicts only when the passage gives a number of the same kind
(a percentage for a percentage) and none that agrees (the same number anywhere in the cited
text: pipeline/language/number_clash.py). A denial needs two or more shared terms that one text negates and
the other states. A negation also counts when one text negates the first word it governs
and the other states that word plainly of the same thing (a word beside it is the same in
both: "cold water is not safe" / "cold water is safe"). `negated_only` lists the terms a
text mentions only to deny them. Cues: configs/lexicons/negation.toml.

A word swapped for its antonym (a verb, adjective or adverb, from the WordNet tables of
pipeline/language/lexical.py: "widened" / "narrowed") and said of the same thing counts as a
reversed direction.

pipeline/language/reversal.py adds the looser reversals the judge weighs and names the kind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ..config import Settings
from ..memo import once_per_object
from .cues import clause_words, cue_set, term_analyzer, tokenize
from .lexical import lexical_database
from .number_clash import number_opposition
from .numbers import Quantity, read_quantities
from .text import STOPWORDS


@dataclass(frozen=True, slots=True)
class Opposition:
    """Why a passage says the opposite of a claim, one reason per kind ("" when none)."""

    negation: str = ""
    direction: str = ""
    number: str = ""
    denial: str = ""
    # One text negates one term the other states plainly (a weaker sign than `denial`: the
    # negation may be of something else, so it is weighed by the judge, never a reason alone).
    weak_denial: str = ""

    def reason(self) -> str:
        """The first reason found, in words for an editor ("" when the texts agree)."""
        return self.negation or self.direction or self.number or self.denial


def opposition(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> str:
    """Why `passage` says the opposite of `claim` (whose numbers are `quantities`), in words
    for an editor, or "" when it does not."""
    return oppositions(claim, quantities, passage, settings).reason()


def oppositions(claim: str, quantities: Sequence[Quantity], passage: str, settings: Settings) -> Opposition:
    """Every kind of opposition between `claim` and `passage`: a negation on a shared term,
    a reversed direction on a shared term, a number of the same kind that disagrees, and a
    denial: one text negates `_DENIAL_MIN` or more terms the other states plainly ("fails to
    be transmitted by respiratory droplets" against "transmits via respiratory droplets";
    one shared word is too often a negation of something else: "do not get enough sleep")."""
    claim_polarity = polarities(claim, settings)
    passage_polarity = polarities(passage, settings)
    negation = direction = ""
    claim_reading, passage_reading = _read(claim, settings), _read(passage, settings)
    for key, (negated, sense, cue) in claim_polarity.items():
        if key not in passage_polarity:
            continue
        other_negated, other_sense, other_cue = passage_polarity[key]
        if negated != other_negated and not negation:
            # A negation counts for a later word it governs only when the first is not a
            # word of the other text too: in "but not illness days" (against "fewer days off
            # sick") it is the illness that is denied; in "no effect on spread" the spread.
            negating, other = (passage_reading, claim_reading) if other_negated else (claim_reading, passage_reading)
            said, first = negating.negated_words.get(key, ("", ""))
            if said and (first == key or first not in other.company):
                negation = f'{"the passage" if other_negated else "the claim"} says "{said}"'
        if sense and other_sense and sense != other_sense and not direction:
            direction = f'the claim says "{cue}" where the passage says "{other_cue}"'
    # A word swapped for its antonym, said of the same thing, reverses the statement as a
    # direction word would ("widened the gap" against "narrowed the gap").
    direction = direction or _reversal(claim_reading, passage_reading, settings)
    # One text negates a term the other states plainly, said of the same thing ("cold water is
    # not safe" against "cold water is safe"): the word beside it is the same in both.
    negation = negation or _one_sided(claim, passage, settings, "the claim") \
        or _one_sided(passage, claim, settings, "the passage")
    # Where both report no effect, words one negates and the other states are the same finding
    # in other words ("improved no more than on placebo" / "did not differ from placebo").
    if no_effect(claim, settings) and no_effect(passage, settings):
        return Opposition(negation, direction, number_opposition(claim, quantities, passage, settings))
    denial = _denial(claim_reading, passage, passage_polarity, settings, ("the claim", "the passage"))
    denial = denial or _denial(passage_reading, claim, claim_polarity, settings, ("the passage", "the claim"))
    weak = denial or _denial(claim_reading, passage, passage_polarity, settings, ("the claim", "the passage"), 1) \
        or _denial(passage_reading, claim, claim_polarity, settings, ("the passage", "the claim"), 1)
    number = number_opposition(claim, quantities, passage, settings)
    return Opposition(negation, direction, number, denial, weak)


_DENIAL_MIN = 2


def _reversal(claim: _Reading, passage: _Reading, settings: Settings) -> str:
    """Why the passage reverses the claim by an antonym, or "": a claim word (a verb, adjective
    or adverb) that the passage lacks while it carries a WordNet antonym of it, and that the
    claim does not carry itself, said of the same thing: a content word beside the one is
    beside the other too (see `_company`). "lengthened the time children slept" against
    "shortened the time children slept"; not "safe for adults" against "dangerous doses"."""
    if not settings.match.wordnet_antonyms:
        return ""
    database = lexical_database(settings)
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    claim_words, passage_words = claim.words, passage.words
    for stem_, word in claim_words.items():
        opposites = database.antonyms(stem_)
        swapped = opposites & passage_words.keys()
        if not swapped or stem_ in passage_words or not opposites.isdisjoint(claim_words):
            continue
        around = claim.company.get(analyzer.key(stem_), frozenset())
        for other in sorted(swapped):
            if around & passage.company.get(analyzer.key(other), frozenset()):
                return f'the claim says "{word}" where the passage says "{passage_words[other]}"'
    return ""


def _one_sided(negating: str, other: str, settings: Settings, who: str) -> str:
    """Why `negating` (called `who`) negates a term that `other` states with no negation at all,
    said of the same thing, or "": the term is the first word the negation governs ("is not
    safe"), and a content word beside it is the same in both texts (see `_company`)."""
    reading, other_reading = _read(negating, settings), _read(other, settings)
    if not reading.negated:
        return ""
    company, first, denied = reading.company, reading.negated_words, reading.negated_only
    other_polarity, other_company, other_first = other_reading.polarity, other_reading.company, \
        other_reading.negated_words
    for key, (said, opening) in first.items():
        # Only the first word a negation governs, and every mention of it negated: "reduced
        # sickness absence but not illness days" still states the one it does not negate.
        if key != opening or key not in denied or key in other_polarity or key not in other_company:
            continue
        # A negation naming the group compared with ("less likely than pupils at schools without
        # the programme") denies the term only where the other text names that group too
        # ("than exercising adults"), not where it names the group studied ("programme schools").
        if key in reading.compared_keys[1] and key not in other_reading.compared_keys[0]:
            continue
        shared = company.get(key, frozenset()) & other_company[key]
        # Where the other text negates a word of this company too, the two negations may say
        # the same thing in other words ("did not improve results" / "no improvement").
        if shared and not (company.get(key, frozenset()) | other_company[key]) & other_first.keys():
            return f'{who} says "{said}"' + (" where the passage does not negate it" if who == "the claim" else "")
    return ""


def _denial(reading: _Reading, other: str, other_polarity: Polarity, settings: Settings,
            who: tuple[str, str], least: int = _DENIAL_MIN) -> str:
    """Why a text (read as `reading`, called who[0]) denies `least` or more terms that `other`
    (who[1]) states plainly, or "". One term is enough only when the other text negates
    nothing: where both negate, the two negations may say the same thing in other words
    ("neither dose made colds shorter" / "did not reduce the duration of colds")."""
    if least < _DENIAL_MIN and _read(other, settings).negated:
        return ""
    keys = _stated_keys(other, settings)
    # A group compared with is denied only where the other text compares with it too (`_one_sided`).
    as_group = reading.compared_keys[1]
    as_group = as_group - _read(other, settings).compared_keys[0] if as_group else as_group
    denied = [(key, cue) for key, (negated, _, cue) in reading.polarity.items()
              if negated and key in keys and key not in other_polarity and key not in as_group]
    if len(denied) < least:
        return ""
    return f'{who[0]} denies ("{denied[0][1]}") what {who[1]} states'


def _stated_keys(text: str, settings: Settings) -> frozenset[str]:
    """The term keys `text` offers as stated: every word and the parts of hyphenated ones,
    but not what a negating prefix denies ("non-exercising controls" does not state
    exercising; negation.toml [negation] prefixes)."""
    prefixes = frozenset(settings.lexicon("negation").get("negation", {}).get("prefixes", []))
    keys: set[str] = set()
    for term in term_analyzer(settings.lexicon("synonyms")).terms(text):
        keys.add(term.key)
        if term.word.split("-", 1)[0] not in prefixes:
            keys.update(term.parts)
    return frozenset(keys)


Polarity = dict[str, tuple[bool, int, str]]
Company = dict[str, frozenset[str]]


class _Reading:
    """What polarity reads of one text, each part computed when first asked for (a passage
    is read for every claim it is a candidate of, most of them needing only a part)."""

    def __init__(self, text: str, settings: Settings) -> None:
        self.text, self.settings = text, settings
        self.hits = _cues(text, settings)
        self.negated = any(hit.group == "negation" for hit in self.hits)

    @cached_property
    def tokens(self) -> list[Any]:
        return tokenize(self.text)

    @cached_property
    def words(self) -> dict[str, str]:
        """{stem: the word as written} of every word outside numbers ("year olds" is an age)."""
        return words_outside_numbers(self.text, self.settings)

    @cached_property
    def in_cue(self) -> set[int]:
        """Positions of the tokens that are part of a cue (skipped as content words)."""
        return {i for hit in self.hits for i in range(hit.first_token, hit.last_token + 1)}

    @cached_property
    def polarity(self) -> Polarity:
        return _polarities(self)

    @cached_property
    def company(self) -> Company:
        return _company(self)

    @cached_property
    def compared(self) -> tuple[frozenset[int], frozenset[int]]:
        return _compared(self)

    @cached_property
    def compared_keys(self) -> tuple[frozenset[str], frozenset[str]]:
        return _compared_keys(self)

    @cached_property
    def negated_words(self) -> dict[str, tuple[str, str]]:
        return _negated_words(self) if self.negated else {}

    @cached_property
    def null(self) -> list[Any]:
        """The null finding's wording, less a comparison that bounds a number ("no more than
        5 g" is a limit, "improved no more than on placebo" a null finding)."""
        hits = cue_set(self.settings.lexicon("antonyms"), "null").find(self.text)
        spans = [(quantity.start, quantity.end) for quantity in read_quantities(self.text, self.settings.lexicon("numbers"))]
        return [hit for hit in hits if not any(start <= hit.start < end for start, end in spans)]

    @cached_property
    def negated_only(self) -> frozenset[str]:
        return _negated_only(self) if self.negated else frozenset()


_CACHE_MAX = 20_000


@once_per_object
def _readings(settings: Settings) -> dict[str, _Reading]:
    """The texts read under `settings` (a passage is compared with many claims)."""
    return {}


def polarities(text: str, settings: Settings) -> Polarity:
    """{term key: (negated, direction +1/−1/0, the cue as written)} for the content words a
    negation or a direction word in `text` governs (remembered per settings object: a
    passage is compared with many claims)."""
    return _read(text, settings).polarity


def negated_only(text: str, settings: Settings) -> frozenset[str]:
    """Term keys every mention of which in `text` lies in a negation's scope: the words it
    governs, or, when it opens a clause ("it cannot show that magnesium lengthens sleep"), the
    rest of that clause. A passage that mentions a term only to deny it does not carry it."""
    return _read(text, settings).negated_only


def negated(text: str, settings: Settings) -> bool:
    """Whether `text` negates anything it asserts (a negation cue outside the phrases that
    negate nothing: "not only", "those who did not")."""
    return _read(text, settings).negated


def _read(text: str, settings: Settings) -> _Reading:
    cache = _readings(settings)
    found = cache.get(text)
    if found is None:
        if len(cache) > _CACHE_MAX:
            cache.clear()
        found = cache[text] = _Reading(text, settings)
    return found


def _polarities(reading: _Reading) -> dict[str, tuple[bool, int, str]]:
    """{term key: (negated, direction +1/−1/0, the cue as written)} for the content words a
    negation or a direction word governs: the next `_REACH` content words within its clause
    (a direction word also governs the content word just before it: "anxiety decreased")."""
    text, tokens, hits, in_cue, settings = reading.text, reading.tokens, reading.hits, reading.in_cue, reading.settings
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    result: dict[str, tuple[bool, int, str]] = {}
    last_direction = -2
    for hit in hits:
        if hit.group in _NOT_NEGATION:
            continue
        if hit.group != "negation":
            # A direction word right after another says how much of it ("fell more", "rose less"):
            # the pair goes the first one's way.
            adjacent, last_direction = hit.first_token == last_direction + 1, hit.last_token
            if adjacent:
                continue
        targets = _negation_scope(text, tokens, hit, hits, in_cue, settings) if hit.group == "negation" \
            else clause_words(text, tokens, hit.last_token, +1, in_cue)
        if hit.group != "negation":
            # A direction word governs the word right after it ("less sleep", "lower levels"), or, at
            # a clause's end, the word before it ("anxiety decreased.").
            targets = targets[:_DIRECTION_REACH] or clause_words(text, tokens, hit.first_token, -1, in_cue)[:1]
        for position in targets:
            key = analyzer.key(tokens[position].stem)
            negated, direction, cue = result.get(key, (False, 0, ""))
            if hit.group == "negation":
                result[key] = (True, direction, hit.surface)
            else:
                # The negation, when there is one, is the cue worth quoting.
                result[key] = (negated, 1 if hit.group == "up" else -1, cue if negated else hit.surface)
    return result


_DIRECTION_REACH = 1
_NOT_NEGATION = ("not_negation", "groups", "caveats")


def _cues(text: str, settings: Settings) -> list[Any]:
    return cue_set(settings.lexicon("negation"), "negation", "not_negation", "not_negation:groups",
                   "not_negation:caveats", "up", "down").find(text)


def _compared(reading: _Reading) -> tuple[frozenset[int], frozenset[int]]:
    """(positions of the content words that name a group compared with: the rest of the clause
    after a comparison word, "than pupils at schools without the programme"; positions of the
    negations at most `comparison_reach` words after one, which name such a group)."""
    text, tokens, settings = reading.text, reading.tokens, reading.settings
    scope = settings.lexicon("negation").get("scope", {})
    comparisons, reach = frozenset(scope.get("comparison", [])), int(scope.get("comparison_reach", 0))
    words: set[int] = set()
    for index, token in enumerate(tokens):
        if token.word in comparisons:
            words.update(clause_words(text, tokens, index, +1, set(), _SCOPE_REACH))
    negations = {hit.first_token for hit in reading.hits if hit.group == "negation" and any(
        tokens[i].word in comparisons for i in range(max(0, hit.first_token - reach), hit.first_token)
        if not _CLAUSE_BREAK.search(text[tokens[i].end:tokens[hit.first_token].start]))}
    return frozenset(words), frozenset(negations)


def _compared_keys(reading: _Reading) -> tuple[frozenset[str], frozenset[str]]:
    """(the term keys of the words naming a group compared with; the keys a negation naming
    such a group governs: "than those without the programme" negates "programme" only as the
    group's name)."""
    analyzer = term_analyzer(reading.settings.lexicon("synonyms"))
    words, negations = reading.compared
    tokens = reading.tokens
    governed = {analyzer.key(tokens[position].stem) for hit in reading.hits if hit.first_token in negations
                for position in _negation_scope(reading.text, tokens, hit, reading.hits, reading.in_cue,
                                                reading.settings)}
    return frozenset(analyzer.key(tokens[i].stem) for i in words), frozenset(governed)


_CLAUSE_BREAK = re.compile(r"[.;:!?,()]")


def _negation_scope(text: str, tokens: Sequence[Any], hit: Any, hits: Sequence[Any], in_cue: set[int],
                    settings: Settings, *, undecided: bool = True) -> list[int]:
    """The content words a negation governs. Inside a relative clause ("blood pressure that is
    not under control increases your risk") the negation ends where the main clause's verb
    begins: the first direction word after it, so it denies the control, not the increase.
    After a contrast ("the first dose but not the second") it governs one word. With
    `undecided`, it ends before a clause it leaves open ("cannot show whether screens lower
    mood" negates the showing; `_negated_only` reads that clause as not asserted instead)."""
    governed = clause_words(text, tokens, hit.last_token, +1, in_cue)
    scope = settings.lexicon("negation").get("scope", {})
    before = " ".join(token.word for token in tokens[max(0, hit.first_token - 2):hit.first_token])
    if governed and before in scope.get("relative_clause", []):
        verbs = [other.first_token for other in hits if other.group in ("up", "down") and other.first_token > governed[0]]
        if verbs:
            governed = [position for position in governed if position < verbs[0]]
    if governed and hit.surface.lower() in scope.get("set_pronouns", []):
        governed = _predicate_after_set(text, tokens, hit, governed, in_cue, scope)
    if governed and hit.first_token and tokens[hit.first_token - 1].word in scope.get("contrast", []):
        governed = governed[:1]
    if governed and undecided:
        questions = frozenset(scope.get("open_question", []))
        opener = next((i for i in range(hit.last_token + 1, governed[-1]) if tokens[i].word in questions), None)
        if opener is not None:
            governed = [position for position in governed if position < opener]
    return governed


def _predicate_after_set(text: str, tokens: Sequence[Any], hit: Any, governed: list[int], in_cue: set[int],
                         scope: Mapping[str, Any]) -> list[int]:
    """The words a negating pronoun denies when a phrase naming whom it counts follows it
    ("nobody in the walking group had a serious side effect" denies the side effect, not the
    walking group): the content words of its clause after the first predicate verb
    (negation.toml [scope] set_*), as many as it would govern; all it governs when no such
    phrase or verb is there."""
    right_after = [token.word for token in tokens[hit.last_token + 1 : hit.last_token + 3]]
    if not set(right_after) & set(scope.get("set_prepositions", [])):
        return governed
    verbs = frozenset(scope.get("set_verbs", []))
    verb = next((i for i in range(hit.last_token + 1, len(tokens)) if tokens[i].word in verbs), None)
    if verb is None:
        return governed
    return clause_words(text, tokens, verb, +1, in_cue)[: len(governed)] or governed


def _company(reading: _Reading) -> Company:
    """{term key: the keys of the content words next to it in its clause} (`_COMPANY_REACH` on
    each side; cue words and function words are skipped): what a term is said of, so a negation
    in one text and a plain statement in the other can be seen to be about the same thing."""
    text, tokens, in_cue, settings = reading.text, reading.tokens, reading.in_cue, reading.settings
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    company: dict[str, set[str]] = {}
    for position, token in enumerate(tokens):
        if position in in_cue or token.word in STOPWORDS:
            continue
        near = clause_words(text, tokens, position, +1, in_cue)[:_COMPANY_REACH] + \
            clause_words(text, tokens, position, -1, in_cue)[:_COMPANY_REACH]
        company.setdefault(analyzer.key(token.stem), set()).update(analyzer.key(tokens[i].stem) for i in near)
    return {key: frozenset(keys) for key, keys in company.items()}


_COMPANY_REACH = 3


def _negated_words(reading: _Reading) -> dict[str, tuple[str, str]]:
    """{term key: (the negation and the words up to it as written ("no effect on spread"),
    the key of the first word that negation governs)} for the content words negations govern."""
    text, tokens, hits, in_cue, settings = reading.text, reading.tokens, reading.hits, reading.in_cue, reading.settings
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    found: dict[str, tuple[str, str]] = {}
    for hit in hits:
        if hit.group == "negation":
            governed = _negation_scope(text, tokens, hit, hits, in_cue, settings)
            first = analyzer.key(tokens[governed[0]].stem) if governed else ""
            for position in governed:
                found.setdefault(analyzer.key(tokens[position].stem), (text[hit.start:tokens[position].end], first))
    return found


def _negated_only(reading: _Reading) -> frozenset[str]:
    text, tokens, hits, in_cue, settings = reading.text, reading.tokens, reading.hits, reading.in_cue, reading.settings
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    openers = frozenset(settings.lexicon("negation").get("scope", {}).get("opens_clause", []))
    inside: set[int] = set()
    for hit in hits:
        if hit.group != "negation":
            continue
        governed = _negation_scope(text, tokens, hit, hits, in_cue, settings, undecided=False)
        # "cannot show that X lengthens sleep", "no evidence that X protects": the negation
        # denies what the clause it opens says of its subject (the clause's first content
        # word, which is still mentioned: "without the expectation that kissing leads
        # anywhere" is about kissing). Otherwise it denies only the words it governs ("not an
        # unavoidable consequence of getting older" does not deny getting older).
        span = range(hit.last_token + 1, (governed[1] if len(governed) > 1 else hit.last_token + 1) + 1)
        opener = next((i for i in span if i < len(tokens) and tokens[i].word in openers), None)
        if opener is not None:
            clause = clause_words(text, tokens, opener, +1, in_cue, _SCOPE_REACH)
            governed = [i for i in governed if i < opener] + clause[1:]
        inside.update(governed)
    keys_in = {analyzer.key(tokens[i].stem) for i in inside}
    keys_out = {analyzer.key(token.stem) for i, token in enumerate(tokens) if i not in inside and i not in in_cue}
    return frozenset(keys_in - keys_out)


_SCOPE_REACH = 12


def words_outside_numbers(text: str, settings: Settings) -> dict[str, str]:
    """{stem: word} of the words of `text` that are not part of a number ("11 to 16 year olds"
    says nothing old against a claim about young people)."""
    spans = [(quantity.start, quantity.end) for quantity in read_quantities(text, settings.lexicon("numbers"))]
    return {token.stem: token.word for token in tokenize(text)
            if not any(token.start < end and token.end > start for start, end in spans)}


def null_cues(text: str, settings: Settings) -> list[Any]:
    """The wording of a null finding in `text` (antonyms.toml [null]: "no difference", "not
    linked"), as cue hits."""
    return _read(text, settings).null


def null_wording(text: str, settings: Settings) -> bool:
    """Whether `text` words a null finding (see `null_cues`)."""
    return bool(_read(text, settings).null)


def no_effect(text: str, settings: Settings) -> bool:
    """Whether `text` reports no effect or difference: a null finding's wording
    (antonyms.toml [null]: "no difference", "not linked") or a change it negates ("did not
    lower the risk", "neither dose shortened colds")."""
    return bool(_read(text, settings).null) or any(
        direction and negated for negated, direction, _ in polarities(text, settings).values())
