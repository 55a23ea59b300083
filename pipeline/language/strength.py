"""How strongly a sentence states a relationship: none, correlational, conditional causal,
causal; whether it is hedged or boosted; and how a secondary text words its source.

    "X was associated with lower Y"     correlational
    "X may reduce Y"                    conditional_causal
    "X reduces Y", "X can reduce Y"     causal
    "Levels were within normal range"   none

The rule, in order (cues from configs/lexicons/strength.toml; each list is searched on its
own, so a phrase may be both a hedge and a frame):
  0. cues inside a recommendation or future-work clause ("should", "further studies are
     needed to determine whether ...") do not count: a frame blocks the relation cues after it
     in its clause (clauses end at ";", ":", and at "but", "while", ", and", ", as" ...); a
     phrase that classifies ("should be considered a risk marker") is no frame, and a cue
     capitalised inside a sentence is part of a name, unless the sentence is a title-case
     headline;
  1. a correlational cue ("associated with", "linked to", "predicts") → correlational, even
     beside a causal verb: "higher intake was associated with reduced risk" reports a
     co-occurrence, and "reduced" there describes it;
  2. causal cues that are aims or questions are dropped ("needed to reduce", "whether X
     improves"; but "was shown to reduce" asserts); a change participle after "is/was/were"
     ("levels were significantly reduced") describes an observed difference, not a cause;
  3. a causal cue under a conditional modal ("may", "might", "could", "appears to") standing
     at most `reach` words before it in the same clause → conditional_causal; so is a
     modal over a predicate of benefit ("may be useful", "could offer an advantage");
  4. a causal cue → causal ("can reduce" included: measured on the development split, "can"
     sentences are mostly direct causal or none, rarely conditional); a word that is a verb
     only after an auxiliary counts there ("may lower", "can impact"; not "a lower risk");
  5. an observed difference (step 2), a weak correlational cue ("a marker of", "risk of") or a
     between-group comparison ("higher in X than in Y") → correlational;
  6. otherwise none.
`hedged` is true when any hedge cue occurs ("suggests", "may", "appears", "preliminary");
`boosters` lists the words that state a finding firmly ("clearly", "proven", "established");
`negated` marks a null finding ("did not reduce", "was not associated with"): the label keeps
its class, as the causal-language scheme does, but a comparison reads it as no relationship.

`rule_strength` is that rule alone. `claim_strength` adds the learned model on top when the
lexicon's [learned] table names one (strength_model.py; docs/strength.md): the model reads the
rule's decision and the words around it, and its label replaces the rule's only when it is
confident. `claim_strength` is what the `claimcheck strength` verb and the assess stage call,
and `compare_strength` what `claimcheck compare` calls; they know nothing of claims or sources,
only of text and lexicon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from .cues import CueHit, Token, cue_set, tokenize
from .strength_model import learned_label, quoted_cue, strength_model
from .text import sentence_spans

StrengthLabel = Literal["none", "correlational", "conditional_causal", "causal"]
STRENGTH_ORDER: dict[str, int] = {"none": 0, "correlational": 1, "conditional_causal": 2, "causal": 3}
# Words between a modal and the causal verb it governs ("may in part help to reduce"), when
# the lexicon's [conditional] table sets no `reach`.
MODAL_REACH = 6
# Endings of the causal cues that are adjectives ("effective", "beneficial", "harmful").
_ADJECTIVE_ENDINGS = ("ive", "ful", "ial", "ous")
# Marks that end a clause wherever they stand.
_CLAUSE_MARKS = ";:()[]—–"

_RELATION = ("causal", "correlational", "comparative", "comparative:anchors")
# Searched on their own, so a weak phrase never hides a causal verb inside it ("reduced risk"
# in "coffee reduced risk of stroke").
_WEAK = ("weak_correlational",)
_MODALS = ("conditional", "conditional:predicates")
_BLOCKERS = ("not_asserted:before_verb", "not_asserted:asserting_to")
_FRAMES = ("not_asserted:frames", "not_asserted:not_frames")
_BREAKS = ("not_asserted:clause_breaks", "not_asserted:comma_breaks", "not_asserted:not_breaks")
_DESCRIBED = ("descriptive:be", "descriptive:participles")


@dataclass(frozen=True, slots=True)
class Strength:
    """The strength of one sentence, with the cues that decided it (for quoting in flags)."""

    label: StrengthLabel
    hedged: bool
    cue: str = ""  # the words that decided the label, as written ("was associated with")
    hedge: str = ""  # the first hedge as written
    qualified: bool = False  # carries a hedge or a softening qualifier ("can", "often")
    absolutes: tuple[str, ...] = ()
    boosters: tuple[str, ...] = ()  # words that state it firmly ("clearly", "established")
    cue_start: int = -1  # where `cue` starts in the text (-1 when there is no cue)
    negated: bool = False  # a null finding: "did not reduce", "was not associated with"
    # which step of the rule decided the label (see the module docstring): "association",
    # "modal", "verb", "observed", "weak", "comparison", or "" when no cue decided it
    step: str = ""


def claim_strength(text: str, lexicon: Mapping[str, Any]) -> Strength:
    """The strength of `text`: the cue rules' reading (`rule_strength`), with its label
    replaced by the learned model's when the lexicon's [learned] table names a model and the
    model is confident enough (strength_model.py). A label the model gave says
    step="learned" and quotes the first cue of its kind in the text; a causal reading needs
    one (a flag quotes the causal words), so with none the rules' reading stands."""
    rule = rule_strength(text, lexicon)
    model = strength_model(lexicon)
    if model is None:
        return rule
    label = learned_label(text, rule, lexicon, model)
    if label == rule.label:
        return rule
    hit = quoted_cue(text, label, lexicon)
    if hit is None:
        if label in ("causal", "conditional_causal"):
            return rule
        return replace(rule, label=label, step="learned", cue="", cue_start=-1, negated=False)
    return replace(rule, label=label, step="learned", cue=hit.surface, cue_start=hit.start,
                   negated=_negated(text, (hit.start, hit.end), lexicon))


def rule_strength(text: str, lexicon: Mapping[str, Any]) -> Strength:
    """The strength of `text` under the cue rules alone (see the module docstring)."""
    # "in May", "Might Foods Ltd": a capitalised word inside the sentence is a name.
    hedges = [hit for hit in cue_set(lexicon, "hedges", "conditional").find(text) if not _in_name(text, hit, lexicon)]
    hedge = hedges[0].surface if hedges else ""
    qualified = bool(hedges or cue_set(lexicon, "qualifiers").find(text))
    absolutes = tuple(hit.surface for hit in cue_set(lexicon, "absolutes").find(text))
    boosters = tuple(hit.surface for hit in cue_set(lexicon, "boosters").find(text))
    label, cue, step = _label(text, lexicon)
    negated = cue is not None and _negated(text, cue, lexicon)
    return Strength(label, bool(hedges), text[cue[0] : cue[1]] if cue else "", hedge, qualified,
                    absolutes, boosters, cue[0] if cue else -1, negated, step)


def _negated(text: str, cue: tuple[int, int], lexicon: Mapping[str, Any]) -> bool:
    """Whether a null-finding word stands inside the cue spanning characters `cue` ("may not
    be one of cause and effect": a modal cue with the negation after its modal) or within
    `reach` words before it, in the same clause ("was not associated with", "did not reduce");
    not when it follows a `contrast` word and a noun stands between ("A and not B reduces")."""
    position = cue[0]
    tokens = tokenize(text)
    index = next((i for i, token in enumerate(tokens) if token.start >= position), None)
    if index is None:
        return False
    reach = int(lexicon.get("null_finding", {}).get("reach", 3))
    contrast = set(lexicon.get("null_finding", {}).get("contrast", []))
    for hit in cue_set(lexicon, "null_finding").find(text):
        if position <= hit.start and hit.end <= cue[1]:
            return True
        # "protein and not sugar activates": the null word sets one noun against another.
        if (hit.first_token > 0 and tokens[hit.first_token - 1].word in contrast
                and index - hit.last_token > 1):
            continue
        if 0 < index - hit.last_token <= reach:
            between = text[tokens[hit.last_token].end : tokens[index].start]
            if not any(mark in between for mark in ",;:()"):
                return True
    return False


def _clauses(text: str, tokens: Sequence[Token], lexicon: Mapping[str, Any]) -> list[int]:
    """The clause number of each token: a new clause starts after ";", ":", brackets and
    dashes, at a stand-alone break word ("but", "whereas") and at a comma break (", and")."""
    breaks = cue_set(lexicon, *_BREAKS).find(text)
    starts = {hit.first_token for hit in breaks if hit.group == "clause_breaks"}
    starts |= {hit.first_token for hit in breaks if hit.group == "comma_breaks" and hit.first_token > 0
               and "," in text[tokens[hit.first_token - 1].end : tokens[hit.first_token].start]}
    clause, numbers = 0, []
    for index, token in enumerate(tokens):
        if index and (index in starts or any(mark in text[tokens[index - 1].end : token.start] for mark in _CLAUSE_MARKS)):
            clause += 1
        numbers.append(clause)
    return numbers


def _label(text: str, lexicon: Mapping[str, Any]) -> tuple[StrengthLabel, tuple[int, int] | None, str]:
    tokens = tokenize(text)
    if not tokens:
        return "none", None, ""
    clause = _clauses(text, tokens, lexicon)
    frames = [hit for hit in cue_set(lexicon, *_FRAMES).find(text) if hit.group == "frames"]

    def framed(hit: CueHit) -> bool:
        return any(clause[frame.last_token] == clause[hit.first_token] for frame in frames)

    relation = [hit for hit in cue_set(lexicon, *_RELATION).find(text)
                if not framed(hit) and not _in_name(text, hit, lexicon) and not _modifier(text, tokens, hit, lexicon)]
    strong = [hit for hit in relation if hit.group == "correlational"]
    if strong:
        return "correlational", (strong[0].start, strong[0].end), "association"
    blocks = cue_set(lexicon, *_BLOCKERS).find(text)
    aims = {hit.last_token for hit in blocks if hit.group == "before_verb"}
    causal = [hit for hit in relation if hit.group == "causal" and hit.first_token - 1 not in aims]
    causal = sorted(causal + [hit for hit in _after_auxiliary(text, tokens, lexicon)
                              if not framed(hit) and not _in_name(text, hit, lexicon)], key=lambda hit: hit.start)
    described = _described(text, tokens, lexicon)
    # "a significant improvement in", "greater reductions in": a change that was observed.
    before = set(lexicon.get("descriptive", {}).get("observed_before", []))
    for hit in causal:
        if hit.first_token > 0 and tokens[hit.first_token - 1].word in before:
            described.setdefault(hit.first_token, tokens[hit.first_token - 1].start)
    observed = [hit for hit in causal if hit.first_token in described]
    causal = [hit for hit in causal if hit.first_token not in described]
    modals = cue_set(lexicon, *_MODALS).find(text)
    governing = [hit for hit in modals if hit.group == "conditional"]
    reach = int(lexicon.get("conditional", {}).get("reach", MODAL_REACH))
    for verb in causal + [hit for hit in modals if hit.group == "predicates" and not framed(hit)]:
        for modal in governing:
            if 0 < verb.first_token - modal.last_token <= reach and clause[modal.last_token] == clause[verb.first_token]:
                return "conditional_causal", (modal.start, verb.end), "modal"
    if causal:
        verb = causal[0]
        # Quote a softener with its verb ("can reduce"): the editor sees the claim's words.
        softeners = [hit for hit in cue_set(lexicon, "qualifiers").find(text)
                     if 0 < verb.first_token - hit.last_token <= 1]
        return "causal", ((softeners[0].start if softeners else verb.start), verb.end), "verb"
    if observed:
        first = observed[0]
        return "correlational", (described[first.first_token], first.end), "observed"
    weak = [hit for hit in cue_set(lexicon, *_WEAK).find(text) if not framed(hit) and not _in_name(text, hit, lexicon)]
    if weak:
        return "correlational", (weak[0].start, weak[0].end), "weak"
    comparison = _comparison(text, tokens, relation, lexicon)
    if comparison is not None:
        return "correlational", (comparison.start, comparison.end), "comparison"
    return "none", None, ""


def _after_auxiliary(text: str, tokens: Sequence[Token], lexicon: Mapping[str, Any]) -> list[CueHit]:
    """Words that are verbs only after an auxiliary ("may lower the risk", "could potentially
    impact"): elsewhere they are adjectives or nouns ("a lower risk", "the impact")."""
    auxiliaries = set(lexicon.get("causal", {}).get("auxiliaries", []))
    found = []
    for hit in cue_set(lexicon, "causal:after_auxiliary").find(text):
        before = hit.first_token - 1
        if before > 0 and tokens[before].word.endswith("ly"):
            before -= 1  # "could potentially impact"
        if before >= 0 and tokens[before].word in auxiliaries:
            found.append(hit)
    return found


def _in_name(text: str, hit: CueHit, lexicon: Mapping[str, Any]) -> bool:
    """A cue written with a capital inside the sentence is part of a name ("American Heart
    Association"), not a statement; unless the whole sentence is a headline in title case
    ("Green Tea Boosts Memory"), where a capital says nothing of a name."""
    return hit.first_token > 0 and text[hit.start].isupper() and not _title_case(text, lexicon)


def _title_case(text: str, lexicon: Mapping[str, Any]) -> bool:
    """Whether most longer words of `text` start with a capital: a press-release headline set
    in title case (short words are left out: "in", "of", "and" stay lower case in titles)."""
    names = lexicon.get("names", {})
    words = [token for token in tokenize(text) if len(token.word) >= int(names.get("title_word_length", 4))]
    if len(words) < int(names.get("title_min_words", 3)):
        return False
    capitals = sum(text[token.start].isupper() for token in words)
    return capitals / len(words) >= float(names.get("title_share", 0.75))


def _modifier(text: str, tokens: Sequence[Token], hit: CueHit, lexicon: Mapping[str, Any]) -> bool:
    """A one-word causal cue used as an adjective or a noun: after a determiner ("the
    increased safety", "a decrease in"), or a participle opening the sentence ("Reduced
    compliance remains an issue")."""
    if hit.group != "causal" or hit.first_token != hit.last_token:
        return False
    if hit.first_token == 0:
        return tokens[0].word.endswith(("ed", "ing")) and len(tokens) > 1
    if tokens[hit.first_token].word.endswith(_ADJECTIVE_ENDINGS):
        return False  # "an effective treatment" says it works
    determiners = set(lexicon.get("descriptive", {}).get("determiners", []))
    return tokens[hit.first_token - 1].word in determiners


def _described(text: str, tokens: Sequence[Token], lexicon: Mapping[str, Any]) -> dict[int, int]:
    """{token index of a change participle used to describe: start of its "be"} — "levels
    were (significantly) reduced"; not "was reduced by X", which names a cause."""
    hits = cue_set(lexicon, *_DESCRIBED).find(text)
    reach = int(lexicon.get("descriptive", {}).get("adverbs", 2))
    be_ends = {hit.last_token: hit.start for hit in hits if hit.group == "be"}
    after = set(lexicon.get("descriptive", {}).get("observed_after", []))
    found: dict[int, int] = {}
    for hit in hits:
        if hit.group != "participles":
            continue
        following = tokens[hit.last_token + 1].word if hit.last_token + 1 < len(tokens) else ""
        if following == "by":
            continue
        if following.endswith("ly") and hit.last_token + 2 < len(tokens):
            following = tokens[hit.last_token + 2].word  # "increases linearly with"
        for gap in range(0, reach + 1):
            if hit.first_token - 1 - gap in be_ends:
                found[hit.first_token] = be_ends[hit.first_token - 1 - gap]
                break
        else:
            if following in after:
                # "levels increased with age": a change over a group or time, with no agent.
                found[hit.first_token] = hit.start
    return found


def _comparison(text: str, tokens: Sequence[Token], relation: Sequence[CueHit],
                lexicon: Mapping[str, Any]) -> CueHit | None:
    """The first comparative word of a between-group comparison, or None. The sentence must
    name the other group ("than", "compared with", "between"); "more than half" is a count."""
    counts = set(lexicon.get("comparative", {}).get("counts", []))
    anchors = [hit for hit in relation if hit.group == "anchors"]
    real = []
    for anchor in anchors:
        following = tokens[anchor.last_token + 1] if anchor.last_token + 1 < len(tokens) else None
        if anchor.cue == "than" and following is not None and (following.word[:1].isdigit() or following.word in counts):
            continue
        real.append(anchor)
    comparatives = [hit for hit in relation if hit.group == "comparative"]
    if real:
        return comparatives[0] if comparatives else None
    # "patients with X had higher Y", "rates were greater among Z": a group's difference stated
    # through its verb, with the other group implied.
    linking = set(lexicon.get("comparative", {}).get("linking", []))
    for hit in comparatives:
        before = [tokens[i].word for i in range(max(0, hit.first_token - 2), hit.first_token)]
        if linking.intersection(before):
            return hit
    return None


def is_stronger(claim: StrengthLabel, evidence: StrengthLabel) -> bool:
    """Whether a claim of strength `claim` overstates evidence of strength `evidence`."""
    return STRENGTH_ORDER[claim] > STRENGTH_ORDER[evidence]


def text_strength(text: str, lexicon: Mapping[str, Any]) -> Strength:
    """The strength of a text of one or more sentences: that of its strongest sentence (a
    press release's conclusion may add a quote or a caveat to its finding)."""
    spans = sentence_spans(text) or [(0, len(text))]
    if len(spans) == 1:
        return claim_strength(text, lexicon)
    found = [(start, claim_strength(text[start:end], lexicon)) for start, end in spans]
    offset, best = max(found, key=lambda item: STRENGTH_ORDER[item[1].label])
    hedge = next((strength.hedge for _, strength in found if strength.hedge), "")
    return Strength(best.label, any(s.hedged for _, s in found), best.cue, hedge, any(s.qualified for _, s in found),
                    tuple(a for _, s in found for a in s.absolutes), tuple(b for _, s in found for b in s.boosters),
                    offset + best.cue_start if best.cue_start >= 0 else -1, best.negated, best.step)


def _rank(strength: Strength) -> int:
    """A strength's place on the scale when two texts are compared: a null finding states no
    relationship, whatever its verb."""
    return 0 if strength.negated else STRENGTH_ORDER[strength.label]


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a secondary statement (a claim, a press release) states its source's finding."""

    label: Literal["same", "exaggerates", "downplays"]
    claim: Strength
    source: Strength
    flags: tuple[str, ...] = ()


def compare_strength(claim: str, source: str, lexicon: Mapping[str, Any]) -> Comparison:
    """Compare the strength of `claim` with that of `source` (the `claimcheck compare` verb).

    The label is the sign of the strength difference (the InSciOut scheme); the flags say
    which overstatement it is: causal wording over correlational or conditional evidence,
    or a hedged source stated without its hedge, or an absolute the source does not use.
    """
    claim_strength_ = text_strength(claim, lexicon)
    source_strength = text_strength(source, lexicon)
    difference = _rank(claim_strength_) - _rank(source_strength)
    label: Literal["same", "exaggerates", "downplays"] = (
        "exaggerates" if difference > 0 else "downplays" if difference < 0 else "same"
    )
    flags: list[str] = []
    if (claim_strength_.label == "causal" and not claim_strength_.negated
            and source_strength.label in ("correlational", "conditional_causal")):
        flags.append("CAUSAL_OVERSTATEMENT")
    fresh_absolutes = {a.lower() for a in claim_strength_.absolutes} - {a.lower() for a in source_strength.absolutes}
    if (source_strength.hedged and not claim_strength_.qualified) or fresh_absolutes:
        flags.append("CERTAINTY_OVERSTATEMENT")
    return Comparison(label=label, claim=claim_strength_, source=source_strength, flags=tuple(flags))
