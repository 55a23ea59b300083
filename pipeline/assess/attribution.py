"""MISATTRIBUTION: the claim names an outlet or body that is not among its cited sources,
or whose cited source does not say what the claim attributes to it.

Finding the names (no list of outlets: any name, by its position in the sentence):
  - the subject of a reporting verb: the run of capitalised words (joined by "and", "&",
    commas and name function words such as "for", "of") just before "highlight", "argue",
    "notes"..., with "both"/"also"/"likewise" allowed between ("Healthline and ISSM both
    highlight", "SELF and Choosing Therapy argue"), and "<Name> and other sources note";
  - the name after an introducer ("according to the WHO").
  A lone capitalised word opening the sentence ("Multiple guides emphasise") is a name only
  when it cannot be an ordinary word: all capitals, inner capitals (NaturalCycles), or joined
  to another name.

Matching a name to a source (`names_source`): the same squashed name, acronym or initials
(ISSM ↔ International Society for Sexual Medicine) of any name the source goes by (its
publisher, journal, the names its page gives itself: site name, schema.org publisher, <title>
suffix, copyright holder), an author's surname, a host label (Healthline ↔ healthline.com,
Choosing Therapy ↔ choosingtherapy.com; only when the address names a site, not 127.0.0.1),
or the name inside the source's title.

Only what can be verified is flagged. A named outlet that no cited source goes by is a
MISATTRIBUTION (high) unless a cited source could not be read and may be that outlet: its
reference entry names it, or nothing tells who it is (no address naming a site, no publisher
in the article's reference entry). Then SOURCE_UNAVAILABLE already says the claim cannot be
checked there; asserting a misattribution from a page nobody read would be a guess.

Whether the source says it: the clause of the sentence that names the outlet (split at ";"
and ":", so "...; X and Y both recommend Z" is judged on "X and Y both recommend Z") is judged
against that source's passages alone with match's `judge_passages`; anything less than
partial support is a MISATTRIBUTION naming the outlet. A clause that is mostly a quotation
("X describes it as '...'") is left to MISQUOTE, which checks the quoted words themselves.
Whom the statement speaks of: a sentence that hands a statement to a source (an attribution
frame, a named outlet, or a body described and a verb of saying: "the ministry's food office
echoes this, saying that ...") and speaks in it of particular groups of people ("lifeguards
and ski instructors") none of which its readable cited sources mention, in any words, has
them say what they never said: MISATTRIBUTION (medium). A source names a group when it uses
the word, a synonym (WordNet or the synonym lexicon), the activity the group is named after
("people who smoke" for "smokers") or, for "people with X", the condition X. Groups that
mean anyone ("people", "adults") do not count; a cited source that could not be read may mention them, so nothing is said then.
A body described rather than named ("the charity cautions that ...") is checked by its kind
(attribution [body_kinds]): when every cited source is of a known institutional kind and none
is of the described body's kind, the claim hands the statement to someone it does not cite:
MISATTRIBUTION (medium). A cited news page, blog or page of unknown kind may be passing the
body's words on, and a source that could not be read may be the body: nothing is said then.
(Name finding: outlets; groups of people: assess.people.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz

from ..language.cues import TermAnalyzer, cue_set, initials, reference_parts, squash, term_analyzer, tokenize
from ..language.domains import address_names_site
from ..language.lexical import lexical_database
from ..language.outlets import Mention, attribution_frames, author_surnames, named_outlets, source_names
from ..language.text import STOPWORDS, stem
from ..match.matcher import judge_passages
from ..records import Flag, Source
from .context import ClaimContext, cite
from .people import Group, groups_named


def _names_of(source: Source, context: ClaimContext) -> frozenset[str]:
    """The names `source` goes by: the run's precomputed ones, else worked out here."""
    known = context.source_names.get(source.id)
    return known if known is not None else source_names(source, context.settings)


def names_source(name: str, source: Source, context: ClaimContext) -> bool:
    """Whether `name` is a name `source` goes by (see the module docstring)."""
    squashed = squash(name)
    if not squashed:
        return False
    known = _names_of(source, context)
    function_words = context.settings.lexicon("attribution").get("name_function_words", {}).get("cues", [])
    if squashed in known or any(acronym in known for acronym in initials(name, function_words)):
        return True
    if squashed in author_surnames(source):
        return True  # "Halvorsen and colleagues found" for a paper by Halvorsen I et al.
    if len(squashed) >= 5 and any(len(other) >= 5 and fuzz.ratio(squashed, other) >= 90 for other in known):
        return True
    if any(short_form(name, full, function_words) for full in (source.publisher, source.journal, *source.names) if full):
        return True  # "the Directorate suggests", "NICE" for a page of the body with the longer name
    title_words = {squash(word) for word in re.findall(r"[^\W_]+", source.title)}
    return squashed in title_words or (len(squashed) >= 5 and squashed in squash(source.title))


# A name written in capitals only ("NICE", "CDC"): an acronym.
_ACRONYM = re.compile(r"[A-Z]{3,6}")
# The share of a name's initials an acronym must keep to stand for it ("CDC" keeps three of
# "Centers for Disease Control and Prevention"'s four, "NICE" four of five; "NIH" three of
# five initials of the National Institute for Health and Care Excellence is another body).
_ACRONYM_SHARE = 0.75


def _loose_acronym(acronym: str, full: str, function_words: list[str]) -> bool:
    """Whether a lower-case acronym is a looser form of `full`'s initials (exact initials are
    matched by `names_source`): the same first letter, its letters in order among the initials,
    and most of them kept ("CDC" for "Centers for Disease Control and Prevention", "NICE" for
    "National Institute for Health and Care Excellence")."""
    content = initials(full, function_words)[:1]
    if not content or len(content[0]) <= len(acronym) or content[0][0] != acronym[0]:
        return False
    letters = iter(content[0])
    in_order = all(letter in letters for letter in acronym)
    return in_order and len(acronym) >= _ACRONYM_SHARE * len(content[0])


# Words that join two parts of a name rather than end its head ("Health and Safety ..."):
# a run of words before them is no short form.
_JOINING = frozenset({"and", "&"})


def short_form(name: str, full: str, function_words: list[str]) -> bool:
    """Whether `name` is the short form a text uses for the longer name `full`: its words are
    a run of `full`'s words that ends the name or stands just before one of its function words
    (the head of the name: "Directorate" of "Health and Safety at Work Directorate", "Society"
    of "Society for Musculoskeletal Medicine", "Health Service" of "National Health Service").
    A run before "and" or a word that is no function word is only part of a name ("Health" of
    "Health and Safety ...", "National" of "National Institute ...")."""
    if _ACRONYM.fullmatch(name.strip()):
        return _loose_acronym(name.strip().lower(), full, function_words)
    words = [word.lower() for word in re.findall(r"[^\W_]+", name)]
    words = [word for word in words if word not in ("the", "its")]
    if len("".join(words)) < 5:
        return False  # too short a word to stand for a body ("Care", "Work")
    written = [word.lower() for word in re.findall(r"[^\W_]+", full)]
    enders = {word.lower() for word in function_words} - _JOINING
    size = len(words)
    if not words or len(written) <= size:
        return False
    return any(written[start:start + size] == words
               and (start + size == len(written) or written[start + size] in enders)
               for start in range(len(written) - size + 1))


def _listed_as(name: str, entry: str, context: ClaimContext) -> bool:
    """Whether the article's own reference entry (title, publisher as the writer listed
    them) names `name`: "... American Academy of Sleep Medicine" names "AASM"."""
    squashed = squash(name)
    if not squashed or not entry:
        return False
    if len(squashed) >= 4 and squashed in squash(entry):
        return True
    function_words = context.settings.lexicon("attribution").get("name_function_words", {}).get("cues", [])
    pieces = [piece for piece in re.split(r"[.,;:|()\[\]–—]+\s*|\s+-\s+", entry) if piece.strip()]
    return any(squashed in initials(piece, function_words) for piece in pieces)


def _publishers_listed(entry: str, function_words: list[str]) -> list[str]:
    """The publisher names a reference entry gives after its title: title-case pieces other
    than the first ("Insomnia and CBT-I. Lakeside Sleep Clinic" → ["Lakeside Sleep Clinic"];
    "Melatonin – NHS" → ["NHS"]; a journal name before its volume counts too)."""
    skip = {word.lower() for word in function_words}
    names = []
    for piece in reference_parts(entry)[1:]:
        piece = re.sub(r"[\s\d;:().,/-]+$", "", piece)  # "Nutrients 2024;16(7):1043" → "Nutrients"
        words = re.findall(r"[^\W_][\w'’&-]*", piece)
        if words and len(words) <= 8 and all(w[0].isupper() or w.lower() in skip for w in words):
            names.append(piece)
    return names


def _unread_may_be(name: str, source_id: str, context: ClaimContext) -> bool:
    """Whether the unread cited source `source_id` may be the outlet `name`: its reference
    entry names it, or nothing says who it is. A source is ruled out when its address names
    another site (its host labels were already compared by `names_source`) or when the
    article's own reference entry gives another publisher ("... Depression Action"): then the
    article itself does not credit that outlet, and that much can be checked."""
    reference = context.references.get(source_id)
    entry = reference.title if reference is not None else ""
    if _listed_as(name, entry, context):
        return True
    function_words = context.settings.lexicon("attribution").get("name_function_words", {}).get("cues", [])
    if _publishers_listed(entry, function_words):
        return False
    source = context.sources.get(source_id)
    address = (source.final_url or source.url) if source is not None else reference.url if reference else ""
    return not address_names_site(address)


_CLAUSE_SPLIT = re.compile(r"[;:]\s+")
# A quotation in double quotes, straight or curly.
_QUOTED = re.compile(r"[“\"][^”\"]+[”\"]")
# A clause shorter than this (in words, the outlet's name left out) says too little to be
# judged alone; the whole sentence is judged instead.
_MIN_CLAUSE_WORDS = 5


def _clause_of(text: str, mention: Mention) -> str:
    """The clause of `text` that names `mention` (split at ";" and ":"), or the whole text
    when that clause is too short to say anything by itself."""
    start = 0
    for piece in _CLAUSE_SPLIT.split(text):
        position = text.find(piece, start)
        end = position + len(piece)
        if position <= mention.start < end:
            rest = piece.replace(mention.name, " ")
            return piece if len(rest.split()) >= _MIN_CLAUSE_WORDS else text
        start = end
    return text


def unmentioned_groups(context: ClaimContext) -> list[Flag]:
    """MISATTRIBUTION for a statement handed to a source that speaks of groups of people the
    source never mentions (see the module docstring)."""
    text = context.claim.text
    lexicon = context.settings.lexicon("attribution")
    if not context.readable or context.unreadable_ids or not _hands_over(text, lexicon):
        return []
    if context.judgement.verdict not in ("supported", "partially_supported"):
        return []  # nothing of the claim is in its sources: UNSUPPORTED says so
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    # Groups spoken of are plural ("lifeguards"); "any doctor", "a nurse" name someone acting.
    named = [group for group in groups_named(text, context)
             if not group.general and _plural(_head_token(group, analyzer).word)]
    groups = [group for group in named if not group.general_head]
    if not groups:
        return []
    database = lexical_database(context.settings)
    words: set[str] = set()
    for source in context.readable:
        for token in tokenize(f"{source.title} {source.text}"):
            words.update((token.word, token.stem, analyzer.key(token.stem)))
    if any(group.general_head and group.narrowing <= words for group in named):
        return []  # "people with diabetes": the source speaks of diabetes
    for group in groups:
        head = _head_token(group, analyzer)
        said = {head.word, head.stem, analyzer.key(head.stem), *database.synonyms(head.stem), *_activity(head.word),
                *_quality(head.word, database)}
        if said & words or _narrowing_said(group, words):
            return []  # the source speaks of at least one of them
    named = " and ".join(f'"{group.phrase}"' for group in groups[:3])
    sources = cite([source.id for source in context.readable])
    return [context.flag("MISATTRIBUTION", "medium",
                         f"The claim has {sources} speak of {named}, but {'it never mentions' if len(context.readable) == 1 else 'none of them mentions'} "
                         f"{'them' if len(groups) > 1 else 'it'}.",
                         context.backing[0] if context.backing else None)]


def _plural(word: str) -> bool:
    """Whether a noun for people is plural ("runners", "women", "children")."""
    return (word.endswith("s") and not word.endswith("ss")) or word.endswith("men") or word in ("children", "people")


def _narrowing_said(group: Group, words: set[str]) -> bool:
    """Whether a source gives the words that narrow a group ("health care" of "health care
    workers", also written "healthcare"): it speaks of the same people in its own words
    ("health care personnel")."""
    if not group.narrowing:
        return False
    return group.narrowing <= words or "".join(sorted(group.narrowing)) in words or any(
        "".join(order) in words for order in _orders(group.phrase, group.narrowing))


def _orders(phrase: str, narrowing: frozenset[str]) -> list[tuple[str, ...]]:
    """The narrowing words of a phrase as written, in order (to join "health" "care")."""
    written = tuple(token.word for token in tokenize(phrase) if token.stem in narrowing or token.word in narrowing)
    return [written] if len(written) > 1 else []


def _activity(noun: str) -> set[str]:
    """The stems of the activity a noun for people is named after ("smokers" → "smoke",
    "runners" → "run", "cyclists" → "cycl"): a source may say "people who smoke"."""
    word = noun[:-1] if noun.endswith("s") else noun
    for suffix in ("er", "ist"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            root = word[: -len(suffix)]
            candidates = {root, root + "e"}
            if len(root) > 2 and root[-1] == root[-2]:
                candidates.add(root[:-1])  # "runn" → "run"
            return {stem(candidate) for candidate in candidates}
    return set()


def _quality(noun: str, database: Any) -> set[str]:
    """The stem of the quality a compound noun for people is named after, when it is made of
    a word of quality (one with a direct WordNet antonym: "new" ↔ "old") and a noun for a
    person ("newcomers" → "new"; "comer" is a person): a source may say "if you are new to
    it". A first part with no opposite ("life" of "lifeguards") names no quality."""
    word = noun[:-1] if noun.endswith("s") else noun
    found = set()
    for split in range(3, len(word) - 3):
        lead, rest = word[:split], word[split:]
        if lead not in STOPWORDS and database.antonyms(stem(lead)) and database.is_person(rest):
            found.add(stem(lead))
    return found


def _head_token(group: Group, analyzer: TermAnalyzer) -> Any:
    """The token of a group's phrase that names the people ("instructors" in "ski instructors",
    "people" in "people with asthma")."""
    tokens = tokenize(group.phrase)
    return next((token for token in reversed(tokens) if analyzer.key(token.stem) in group.head), tokens[-1])


def _hands_over(text: str, lexicon: Mapping[str, Any]) -> bool:
    """Whether the sentence hands its statement to a source: an attribution frame, a named
    outlet, or a body described and a verb of saying after it (attribution [reported_speech])."""
    if attribution_frames(text, lexicon) or named_outlets(text, lexicon):
        return True
    verbs = cue_set(lexicon, "reported_speech:verbs").find(text)
    nouns = cue_set(lexicon, "frame_nouns").find(text)
    return any(noun.end <= verb.start for noun in nouns for verb in verbs)


def described_body(context: ClaimContext) -> list[Flag]:
    """MISATTRIBUTION for a statement handed to a body described by its kind ("the charity")
    while no cited source is of that kind (see the module docstring)."""
    text = context.claim.text
    lexicon = context.settings.lexicon("attribution")
    table = lexicon.get("body_kinds", {})
    if not table or context.unreadable_ids or not context.readable:
        return []
    kinds = {source.kind for source in context.readable}
    if kinds & _PASSING_ON:
        return []
    spans = _speaker_spans(text, lexicon)
    described = [hit for hit in cue_set(table, *table).find(text)
                 if any(start <= hit.start < end for start, end in spans)
                 and not (hit.first_token > 0 and text[hit.start].isupper())]  # a capital: part of a name
    if not described or any(hit.group in kinds for hit in described):
        return []
    hit = described[0]
    sources = ", ".join(f"[{source.id}] is {_KIND_WORDS.get(source.kind, source.kind)}" for source in context.readable)
    return [context.flag("MISATTRIBUTION", "medium",
                         f'The claim hands this to a {hit.surface.lower()}, but none of its cited sources is one ({sources}).',
                         context.backing[0] if context.backing else None)]


# Source kinds that pass on what others say: a body's words cited through them are no misattribution.
_PASSING_ON = frozenset({"health_media", "blog", "unknown"})
_KIND_WORDS = {"peer_reviewed": "a research paper", "government": "a government page",
               "professional_body": "a professional body's page", "nonprofit": "a charity's page",
               "clinic": "a clinic's page", "commercial": "a seller's page"}


def _speaker_spans(text: str, lexicon: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The parts of a sentence that say who speaks: its attribution frames, and the words
    before a verb of reported speech ("The ministry's food office echoes this,")."""
    spans = list(attribution_frames(text, lexicon))
    verbs = cue_set(lexicon, "reported_speech:verbs").find(text)
    if verbs:
        spans.append((0, verbs[0].start))
    return spans


def misattribution(context: ClaimContext) -> list[Flag]:
    """Named outlets that are not cited, or whose cited source does not say the claim; a body
    described by a kind no cited source has; and a statement handed to a source that speaks
    of people the source never mentions."""
    return _misnamed(context) or described_body(context) or unmentioned_groups(context)


def _misnamed(context: ClaimContext) -> list[Flag]:
    """Named outlets that are not cited, or whose cited source does not say the claim."""
    known = frozenset().union(*(_names_of(source, context) | author_surnames(source)
                                for source in context.sources.values()))
    mentions = named_outlets(context.claim.text, context.settings.lexicon("attribution"), known)
    if not mentions:
        return []
    cited = [context.sources[sid] for sid in context.cited_ids if sid in context.sources]
    flags: list[Flag] = []
    for mention in mentions:
        matched = [source for source in cited if names_source(mention.name, source, context)]
        if not matched and any(_unread_may_be(mention.name, sid, context) for sid in context.unreadable_ids):
            continue  # the outlet may be the source that could not be read: SOURCE_UNAVAILABLE says so
        if not matched:
            elsewhere = [source.id for source in context.sources.values()
                         if source.id not in context.cited_ids and names_source(mention.name, source, context)]
            also = f" ({mention.name} is source {cite(elsewhere)}, cited elsewhere)" if elsewhere else ""
            cited_text = f"the sources it cites ({cite(list(context.cited_ids))})" if context.cited_ids else "its sources (it cites none)"
            flags.append(context.flag("MISATTRIBUTION", "high",
                                      f'The claim names "{mention.name}", which is not among {cited_text}{also}.'))
            continue
        clause = _clause_of(context.claim.text, mention)
        unquoted = _QUOTED.sub(" ", clause).replace(mention.name, " ")
        if _QUOTED.search(clause) and len(re.findall(r"[^\W_]+", unquoted)) < _MIN_CLAUSE_WORDS:
            continue  # what it attributes is a quotation ("X calls it '...'"): MISQUOTE checks the words
        for source in matched:
            if source.status != "ok" or not source.passages:
                continue  # SOURCE_UNAVAILABLE says why it cannot be checked
            # What the sentence attributes to this outlet is the clause that names it ("...;
            # X and Y both recommend Z"), judged against this source's passages alone.
            judged = judge_passages(clause, [passage.text for passage in source.passages], context.settings)
            if judged.verdict in ("supported", "partially_supported"):
                continue
            best = source.passages[judged.ranking[0]] if judged.ranking else None
            share = f"its closest passage scores {judged.scores[judged.ranking[0]]:.2f}" if best else "it has no text"
            flags.append(Flag(context.claim.id, "MISATTRIBUTION", "medium",
                              f'The claim attributes this to "{mention.name}", but its cited source [{source.id}] '
                              f"does not say it ({share}).", source.id, best.id if best else "",
                              best.text if best else ""))
    return flags
