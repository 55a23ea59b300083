"""Checks on who a claim speaks of and what backs it: GENERALIZATION, COMMERCIAL_ONLY.

GENERALIZATION: the evidence is about a restricted group — a patient group ("women with
vaginismus"), one sex, an age band, animals or cells — and the claim does not carry that
restriction. The group is read from the backing passages (sentence and context window) and
from the cited source's title (for sources that are not studies, only the title: a guide
mentions groups in passing), with the cue lists of population.toml: a group noun plus the
words that extend it ("with vaginismus", "aged 65"). The claim carries the restriction when it
names the group's words (synonyms count: "female" for "women"), or when another cited source
about people in general backs it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..language.cues import Term, TermAnalyzer, cue_set, term_analyzer, tokenize
from ..language.strength import claim_strength
from ..language.text import STOPWORDS
from ..match.retrieval import covered, with_synonyms
from ..records import Evidence, Flag, Source
from .context import ClaimContext, cite
from .people import Group, StatedLimit, groups_named, stated_limits, states_a_limit
from .widening import cited_studies, content_keys, counted_groups, draws_advice, reports_its_sample, widening_cue
from .wording import distances_itself, inside_quotes, reports_an_observation

# Words before a group noun that may describe it ("retired", "older", "pregnant").
_DESCRIBING_WORDS = 2


@dataclass(frozen=True, slots=True)
class Population:
    """A restricted group named in evidence: the phrase as written, its term keys, the key of
    its group noun ("women") and the keys of the condition after it ("vaginismus")."""

    phrase: str
    keys: frozenset[str]
    nonhuman: bool
    head: frozenset[str] = frozenset()
    condition: frozenset[str] = frozenset()
    start: int = 0  # character offset of the phrase in the text it was read from

    def kept_by(self, claim_keys: frozenset[str]) -> bool:
        """Whether a claim with these term keys keeps to this group: it names the group and,
        when the group has a condition, at least one word of it. (Describing words such as
        "retired" or "lifelong" may be dropped without widening the claim much.)"""
        return bool(self.head & claim_keys) and (not self.condition or bool(self.condition & claim_keys))


def populations(text: str, context: ClaimContext) -> list[Population]:
    """The restricted groups `text` names ("women with vaginismus", "mice")."""
    lexicon = context.settings.lexicon("population")
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    extend = int(lexicon.get("extenders", {}).get("extend_words", 3))
    tokens = tokenize(text)
    hits = cue_set(lexicon, "groups", "nonhuman", "extenders").find(text)
    extender_at = {hit.first_token for hit in hits if hit.group == "extenders"}
    # Small words inside a condition ("with a diagnosis of depression") that do not end it.
    inner = frozenset(lexicon.get("extenders", {}).get("inner_words", ()))
    found: list[Population] = []
    for hit in hits:
        if hit.group not in ("groups", "nonhuman"):
            continue
        last = hit.last_token
        # "women with vaginismus", "adults aged 65 to 80": extend over the condition words.
        ends_with_extender = tokens[last].stem in _extender_stems(context)
        if last + 1 in extender_at or ends_with_extender:
            position = last + 1
            taken = 0
            while position < len(tokens) and taken < extend:
                between = text[tokens[position - 1].end : tokens[position].start]
                if any(mark in between for mark in ",;:.()"):
                    break
                word = tokens[position].word
                if word in inner and position + 1 < len(tokens) and tokens[position + 1].word not in STOPWORDS:
                    position += 1  # "with a diagnosis", "diagnosis of depression": read on
                    continue
                if word in STOPWORDS and position not in extender_at:
                    break  # "people with kidney disease should speak": the group ends at "should"
                if position not in extender_at:
                    taken += 1
                last = position
                position += 1
        first = hit.first_token
        # "retired men", "older women": describing words before the group noun belong to it.
        while first > hit.first_token - _DESCRIBING_WORDS and first > 0:
            previous = tokens[first - 1]
            between = text[previous.end : tokens[first].start]
            if previous.word in STOPWORDS or not previous.word.isalpha() or any(mark in between for mark in ",;:.()"):
                break
            first -= 1
        phrase = text[tokens[first].start : tokens[last].end]
        extenders = _extender_keys(context)
        keys = frozenset(term.key for term in analyzer.terms(phrase)) - extenders
        head = frozenset(term.key for term in analyzer.terms(hit.surface)) - extenders
        condition_text = text[tokens[hit.last_token].end : tokens[last].end] if last > hit.last_token else ""
        condition = frozenset(term.key for term in analyzer.terms(condition_text)) - extenders
        if ends_with_extender:
            if not condition:
                continue  # "participants with" and nothing after: no restriction read
            # "participants with X", "people with X": the noun means anyone, so any word for
            # people in the claim names it ("people without a diagnosis" for "participants with
            # a diagnosis"); the condition is the restriction.
            keys = keys - head  # the editor is told the condition it drops, not "participants"
            head = head | _general_keys(context)
        found.append(Population(phrase, keys, hit.group == "nonhuman", head, condition, tokens[first].start))
    return found


def _general_keys(context: ClaimContext) -> frozenset[str]:
    lexicon = context.settings.lexicon("population")
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    return frozenset(term.key for cue in lexicon.get("general", {}).get("cues", []) for term in analyzer.terms(cue))


def _extender_stems(context: ClaimContext) -> frozenset[str]:
    lexicon = context.settings.lexicon("population")
    return frozenset(token.stem for cue in lexicon.get("extenders", {}).get("cues", []) for token in tokenize(cue))


def _extender_keys(context: ClaimContext) -> frozenset[str]:
    lexicon = context.settings.lexicon("population")
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    return frozenset(analyzer.key(token.stem) for cue in lexicon.get("extenders", {}).get("cues", [])
                     for token in tokenize(cue))


def generalization(context: ClaimContext) -> list[Flag]:
    """Evidence about a restricted group stated of people in general (see module docstring)."""
    if distances_itself(context.claim.text, context.settings.lexicon("superiority")):
        return []
    widened = widened_population(context)
    if widened is not None:
        return [widened]
    if draws_advice(context.claim.text, context):
        # Advice drawn from a study for a group it says its findings may not reach is a
        # generalization whatever the claim's verb, even when no passage backs the claim
        # (assess.widening).
        beyond = beyond_stated_limits(context, cited_studies(context), advice=True)
        if beyond is not None:
            return [beyond]
    if not context.backing:
        return []
    # Only a claim that states a finding can widen it: a cause, or an association stated by an
    # explicit cue (not a mere "more"/"differences").
    strength = context.strength
    stated = strength.label in ("causal", "conditional_causal") or (
        strength.label == "correlational"
        and bool(cue_set(context.settings.lexicon("strength"), "correlational").find(context.claim.text)))
    if not stated:
        return []  # "it cannot show whether short sleep causes low mood" states no finding
    if _within_the_study(context):
        return []  # "In that trial, ...", "across five trials in marathon runners, ...": its own scope
    beyond = beyond_stated_limits(context)
    if beyond is not None:
        return [beyond]
    claim_keys = keys_with_synonyms(context.claim.text, context)
    lexicon = context.settings.lexicon("population")
    qualified = bool(cue_set(lexicon, "qualifiers").find(context.claim.text))
    claim_nonhuman = any(group.nonhuman for group in populations(context.claim.text, context))
    # The first backing source whose evidence is about a restricted group the claim drops.
    restricted: tuple[Evidence, Population, str] | None = None
    for row in context.best_per_source():
        passage = context.passage(row)
        source = context.sources.get(row.source_id)
        if passage is None or source is None:
            continue
        # A study's passages describe its sample; a guide's passages mention groups in
        # passing ("many women find..."), so for those only the title restricts the scope.
        is_study = source.kind == "peer_reviewed"
        places = [(source.title, "title")]
        if is_study:
            # A claim naming the group its study was done in ("across five trials in marathon
            # runners") in words of the passage's own sentence speaks of that sentence's
            # finding: groups in the sentences around it ("... and by 14% in children") are
            # other findings' groups.
            own = _names_the_passage_group(context, passage.text)
            places.append((passage.text if own else passage.context or passage.text, "passage"))
        # Groups a study names as ones its findings may not reach ("whether these findings
        # apply to women is unknown") are not its sample.
        excluded = [group.phrase.lower() for limit in stated_limits(source, context) for group in limit.excluded]
        groups = [(group, where) for text, where in places for group in populations(text, context)
                  if not any(group.phrase.lower() in phrase for phrase in excluded)]
        nonhuman = [d for d in source.study_designs if d in context.settings.assess.nonhuman_designs]
        if nonhuman and not claim_nonhuman and not any(group.nonhuman for group, _ in groups):
            # An animal or cell study whose passages never say "mice": its design says it.
            design = nonhuman[0].replace("_", " ")
            groups.insert(0, (Population(f"{design} research", frozenset({nonhuman[0]}), True), "study design"))
        # A cited source about people in general that backs the claim as well: the claim's
        # scope rests on it, not only on the restricted study ("walking is linked with lower
        # blood pressure" cited to a guideline and to a study of older women).
        if not groups:
            return []
        # The claim keeps the source's scope if it names any of the groups the source names.
        kept = [group for group, _ in groups if group.kept_by(claim_keys)]
        if kept:
            example = _given_as_example(context, kept)
            if example is None:
                continue
            cue, group = example
            return [context.flag(
                "GENERALIZATION", "medium",
                f'The evidence from [{row.source_id}] is about "{group.phrase}", but the claim gives them only as '
                f'an example ("{cue}") of a wider group.', row)]
        if is_study and reports_its_sample(context, source, claim_keys):
            continue  # "pupils", "children aged 12 to 14": the people the study counted
        restricted = restricted or (row, *groups[0])
    if restricted is None:
        return []
    row, group, where = restricted
    # The claim names the group ("women") but drops part of it ("with hypertension"): low.
    covered = (group.head or group.keys) & claim_keys
    if group.nonhuman:
        severity = "high"
    elif covered or qualified:
        severity = "low"
    else:
        severity = "medium"
    missing = ", ".join(f'"{word}"' for word in _words_of(group, claim_keys, context))
    absent = f" (no {missing})" if missing else ""
    return [context.flag(
        "GENERALIZATION", severity,
        f'The evidence from [{row.source_id}] is about "{group.phrase}" (its {where}), but the claim '
        f"does not say so{absent}.", row)]


def keys_with_synonyms(text: str, context: ClaimContext) -> frozenset[str]:
    """The term keys of `text` and of its words' WordNet synonyms (match.retrieval's
    `with_synonyms`): "teenagers" names the group a source calls "adolescents"."""
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    keys = set(analyzer.term_keys(text))
    if context.settings.match.wordnet_synonyms:
        for term in with_synonyms(analyzer.terms(text), context.settings):
            keys.update(term.alternates)
    return frozenset(keys)


def _within_the_study(context: ClaimContext) -> bool:
    """Whether the claim reports its study in the study's own population:
    it refers back to the study ("The effect was modest", "In that trial, ...", "the same
    study", a citation carried over from the sentence before) and names no group of its own,
    so its scope is the study's; a sentence that names one ("That means any probiotic eases
    pain in people with IBS") is judged on that group."""
    text = context.claim.text
    lexicon = context.settings.lexicon("population")
    names_group = bool(populations(text, context)) or bool(cue_set(lexicon, "general").find(text))
    return context.refers_back and not names_group


def widened_population(context: ClaimContext) -> Flag | None:
    """GENERALIZATION for a claim that says its finding holds for everyone or at any age
    ("for headphone users of any age") while a study behind it was done in a restricted group
    (its title's group, or the people it counted): see assess.widening."""
    cue = widening_cue(context.claim.text, context)
    if not cue:
        return None
    behind = [context.sources[row.source_id] for row in context.best_per_source() if row.source_id in context.sources]
    for source in [source for source in behind if source.kind == "peer_reviewed"] or cited_studies(context):
        groups = [group.phrase for group in populations(source.title, context)]
        groups += [group.phrase for group in counted_groups(source, context) if not group.general]
        if groups:
            return context.flag("GENERALIZATION", "medium",
                                f'The claim says it holds "{cue}", but [{source.id}] studied "{groups[0]}".',
                                source_id=source.id)
    return None


def beyond_stated_limits(context: ClaimContext, studies: Iterable[Source] | None = None,
                         advice: bool = False) -> Flag | None:
    """GENERALIZATION from a cited study's own words on whom its findings reach
    (assess.people.stated_limits): the claim names a group the study says they may not reach
    ("whether the results hold for people with asthma is unknown"), or the claim
    states a rule (not what the study observed) and names no particular group of people while
    the study says its people were a particular group ("limited to trained sprinters", "should
    not be extrapolated to people who do not work night shifts"). A study of
    adults that "may not apply to children" says nothing against a claim about adults.
    `studies`: the sources to read (default: those behind the claim's backing rows). With
    `advice` (a claim drawing advice, assess.widening) only a group the study names is
    checked, by any of the claim's words ("Older walkers" names "older adults"): "should"
    alone is no rule stated of people in general."""
    if states_a_limit(context.claim.text, context):
        return None  # "... though whether it holds for women is unknown": the claim keeps the limit
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    named = groups_named(context.claim.text, context)
    # The words of the groups the claim speaks of (not of who says it: "researchers found");
    # advice drawn for a group may name it by words that are no nouns for people ("older walkers").
    claim_keys = frozenset().union(*(keys_with_synonyms(group.phrase, context) for group in named))
    if advice:
        claim_keys |= content_keys(context.claim.text, context)
    particular = [group for group in named if not group.general] + populations(context.claim.text, context)
    rule = not reports_an_observation(context.strength, context.settings.lexicon("observation"))
    if studies is None:
        studies = [context.sources[row.source_id] for row in context.best_per_source() if row.source_id in context.sources]
    for source in studies:
        if source.kind != "peer_reviewed":
            continue  # a guide's "several studies only included ..." speaks of others' studies
        limits = stated_limits(source, context)
        for limit in limits:
            named = next((group for group in limit.excluded if group.named_by(claim_keys)
                          and not _reports_on(source, group, limits, analyzer)), None)
            if named is not None:
                return Flag(context.claim.id, "GENERALIZATION", "medium",
                            f'The claim speaks of "{named.phrase}", but [{source.id}] says its findings may not '
                            f'reach them: "{limit.passage.text}"', source.id, limit.passage.id, limit.passage.text)
        excluding = next((limit for limit in limits if limit.particular_sample), None)
        if excluding is not None and rule and not advice and not particular and not study_groups(context.claim.text, context):
            return Flag(context.claim.id, "GENERALIZATION", "medium",
                        f'The claim says it of people in general, but [{source.id}] says its findings may not reach '
                        f'beyond the people it studied: "{excluding.passage.text}"', source.id,
                        excluding.passage.id, excluding.passage.text)
    return None


def _reports_on(source: Source, group: Group, limits: tuple[StatedLimit, ...], analyzer: TermAnalyzer) -> bool:
    """Whether `source` names `group` outside its statements of limits: a study that reports
    a result in that group ("among participants taking insulin, ...") is no extrapolation."""
    in_limits = {limit.passage.id for limit in limits}
    return any(group.named_by(analyzer.term_keys(passage.text))
               for passage in source.passages if passage.id not in in_limits)


def _names_the_passage_group(context: ClaimContext, sentence: str) -> bool:
    """Whether the claim names the group its study was done in (study_groups) in words that
    `sentence` carries, every content word of it."""
    phrases = study_groups(context.claim.text, context)
    if not phrases:
        return False
    keys = term_analyzer(context.settings.lexicon("synonyms")).term_keys(sentence)
    return any(all(covered(term, keys) for term in phrase) for phrase in phrases)


def study_groups(text: str, context: ClaimContext) -> list[tuple[Term, ...]]:
    """The groups a sentence says its study was done in, as content terms: the words after
    "trials in", "a study of", "among" (population lexicon, [study_scope]) up to a comma or a
    verb, when they name people ("marathon runners", "214 adults with IBS-D")."""
    table = context.settings.lexicon("population").get("study_scope", {})
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    found = []
    for phrase in _scope_phrases(text, table):
        if not _names_people(phrase, context, table):
            continue
        skip = set(table.get("skip", ()))
        terms = tuple(term for term in analyzer.terms(phrase)
                      if term.word not in skip and not term.word.replace(",", "").isdigit())
        if terms:
            found.append(terms)
    return found


def _scope_phrases(text: str, table: Mapping[str, Any]) -> list[str]:
    nouns, links = _words(table.get("nouns", ())), _words(table.get("links", ()))
    openers, stops = _words(table.get("openers", ())), _words(table.get("stops", ()))
    after = rf"\b(?:{nouns})\s+(?:{links})\s+|^\s*(?:{openers})\s+"
    phrases = []
    for match in re.finditer(after, text, re.IGNORECASE):
        rest = re.split(r"[,;:()]", text[match.end():], maxsplit=1)[0]
        rest = re.split(rf"\b(?:{stops})\b", rest, maxsplit=1, flags=re.IGNORECASE)[0]
        if rest.strip():
            phrases.append(rest.strip())
    return phrases


def _names_people(phrase: str, context: ClaimContext, table: Mapping[str, Any]) -> bool:
    lexicon = context.settings.lexicon("population")
    if cue_set(lexicon, "groups", "general").find(phrase):
        return True
    endings = tuple(table.get("people_endings", ()))
    return any(token.word.endswith(endings) for token in tokenize(phrase) if len(token.word) > 4)


def _words(items: Iterable[str]) -> str:
    return "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True)) or r"(?!)"


def _given_as_example(context: ClaimContext, groups: list[Population]) -> tuple[str, Population] | None:
    """(cue, group) when the claim names one of `groups` right after an example cue ("such
    as women with vaginismus"): the claim is then about a wider group."""
    text = context.claim.text
    lexicon = context.settings.lexicon("population")
    reach = int(lexicon.get("examples", {}).get("reach", 3))
    cues = cue_set(lexicon, "examples").find(text)
    tokens = tokenize(text)
    for mention in populations(text, context):
        if not any(mention.head & group.head for group in groups):
            continue
        for cue in cues:
            words_between = sum(1 for token in tokens if cue.end <= token.start < mention.start)
            if cue.end <= mention.start and words_between <= reach:
                group = next(group for group in groups if mention.head & group.head)
                return cue.surface, group
    return None


def _words_of(group: Population, claim_keys: frozenset[str], context: ClaimContext) -> list[str]:
    analyzer = term_analyzer(context.settings.lexicon("synonyms"))
    return [term.word for term in analyzer.terms(group.phrase) if term.key in group.keys - claim_keys]


def commercial_only(context: ClaimContext) -> list[Flag]:
    """A health-effect claim whose only backing sources sell what they write about."""
    if not context.backing:
        return []
    text = context.claim.text
    superiority = context.settings.lexicon("superiority")
    if context.judgement.verdict == "unverifiable" or distances_itself(text, superiority):
        return []  # an absence claim, or a sentence that reports the assertion critically
    if cue_set(superiority, "reporting").find(text):
        return []  # "shops claim that...": the sentence reports the vendors' assertion, not its own
    strength = claim_strength(text, context.settings.lexicon("strength"))
    health = cue_set(context.settings.lexicon("strength"), "health_effect").find(text)
    if strength.label in ("none",) and not health:
        return []
    # 'describes its capsules as "clinically proven to lift your mood"': the health claim is
    # the seller's words, quoted; the sentence reports them (MISQUOTE checks the quote).
    quoted = all(inside_quotes(text, hit.start) for hit in health) and (
        strength.label == "none" or inside_quotes(text, strength.cue_start))
    if quoted:
        return []
    behind: tuple[Evidence, ...] = context.best_per_source()
    kinds = context.kinds(tuple(row.source_id for row in behind))
    commercial = tuple(context.settings.assess.commercial_kinds)
    if not kinds or not all(kind in commercial for kind in kinds):
        return []
    if context.unread_not_of_kinds(commercial):
        return []  # a cited source that could not be read may back it: "only commercial" is unsure
    ids = tuple(row.source_id for row in behind)
    # Quote what makes it a health claim: a comparison, else the effect verb, else the outcome.
    compared = cue_set(superiority, "cues").find(text)
    effect = strength.cue if strength.label in ("causal", "conditional_causal") else ""
    around = [hit for hit in compared if effect and hit.start <= strength.cue_start < hit.end]
    cue = (around[0].surface if around else effect) or (compared[0].surface if compared else "") or (
        health[0].surface if health else strength.cue)
    # Point at the commercial passage that states an effect, when one of the rows does.
    lexicon = context.settings.lexicon("strength")
    stating = [row for row in context.backing
               if claim_strength(context.passage_text(row), lexicon).label != "none"
               or cue_set(lexicon, "health_effect").find(context.passage_text(row))]
    return [context.flag("COMMERCIAL_ONLY", "medium",
                         f'This health claim ("{cue}") rests only on commercial sources ({cite(ids)}), '
                         "which sell what they write about.", stating[0] if stating else behind[0])]
