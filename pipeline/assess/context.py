"""What every assess check reads about one claim, gathered once (`ClaimContext`).

The checks (strength, assess.scope, assess.exact_words, assess.attribution) are functions
`check(context) -> list[Flag]`; they share this view of the claim, its judgement, its
evidence and its cited sources so none of them re-derives it differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..config import Settings
from ..ingest.carryover import back_reference, compile_carry_cues
from ..language.cues import cue_set
from ..language.numbers import Quantity, read_quantities
from ..language.strength import Strength, claim_strength
from ..records import (
    Claim,
    Evidence,
    Flag,
    Judgement,
    Passage,
    Reference,
    Severity,
    Source,
)
from .people import causative_cue


# Plain names of study designs for messages ("cross_sectional" → "cross-sectional study").
def design_name(design: str) -> str:
    """A study design id as an editor reads it."""
    return design.replace("_", "-") + " study" if design else "study"


@dataclass(frozen=True)
class ClaimContext:
    """One claim with everything the checks need. Not slotted: it caches derived views."""

    claim: Claim
    judgement: Judgement
    evidence: tuple[Evidence, ...]  # this claim's, best first
    sources: Mapping[str, Source]  # every source of the run, by id
    passages: Mapping[str, Passage]  # every passage of the run, by id
    settings: Settings
    # The article's reference entries by id: what the article itself says a source is (its
    # title and publisher as the writer listed them), the only account of an unread source.
    references: Mapping[str, Reference] = field(default_factory=dict)
    # The squashed names each source goes by (outlets.source_names), worked out once per run
    # by the caller: every claim's attribution check asks them of every source.
    source_names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _quantities: dict[str, tuple[Quantity, ...]] = field(default_factory=dict, compare=False)

    @cached_property
    def cited_ids(self) -> tuple[str, ...]:
        """The claim's citations, each once, in the order written."""
        return self.claim.checked_citations

    @cached_property
    def refers_back(self) -> bool:
        """Whether the claim is about a study named before it: a citation carried over from
        the sentence before, a definite reference ("In that trial", "the same study", "the
        researchers"; ingest.carryover), or an opening that points back ("The effect was
        modest"; population lexicon [anaphora])."""
        text = self.claim.text
        opening = cue_set(self.settings.lexicon("population"), "anaphora").find(text)
        return (bool(self.claim.inherited) or bool(opening and opening[0].first_token == 0)
                or back_reference(text, compile_carry_cues(self.settings.lexicon("carry_over"))) is not None)

    @cached_property
    def strength(self) -> Strength:
        """How strongly the claim states a relationship (language.strength), read once; a
        cause stated by the state it leaves people in ("is making teenagers anxious",
        assess.people.causative_cue) is causal too, though no verb of the lexicon says it."""
        found = claim_strength(self.claim.text, self.settings.lexicon("strength"))
        if found.label != "none":
            return found
        span = causative_cue(self.claim.text, self.settings)
        if span is None:
            return found
        return replace(found, label="causal", cue=self.claim.text[span[0] : span[1]], cue_start=span[0])

    @cached_property
    def readable(self) -> tuple[Source, ...]:
        """Cited sources that were read and have text."""
        return tuple(
            source
            for sid in self.cited_ids
            if (source := self.sources.get(sid)) is not None and source.status == "ok" and source.passages
        )

    @cached_property
    def unreadable_ids(self) -> tuple[str, ...]:
        """Cited ids with no readable source (failed, empty, or not in the reference list)."""
        readable = {source.id for source in self.readable}
        return tuple(sid for sid in self.cited_ids if sid not in readable)

    @cached_property
    def unread_note(self) -> str:
        """"; source [6] could not be read" when a cited source could not be read (the claim
        may rest on it, so a finding from the readable ones is less sure), else ""."""
        return f"; source {cite(list(self.unreadable_ids))} could not be read" if self.unreadable_ids else ""

    def unread_not_of_kinds(self, kinds: tuple[str, ...]) -> tuple[str, ...]:
        """Unread cited sources not known (by their address) to be of `kinds`: what backs the
        claim from them cannot be told."""
        return tuple(sid for sid in self.unreadable_ids
                     if sid not in self.sources or self.sources[sid].kind not in kinds)

    @cached_property
    def backing(self) -> tuple[Evidence, ...]:
        """Evidence the claim rests on: supporting rows, else the related ones, best first."""
        supports = tuple(row for row in self.evidence if row.relation == "supports")
        return supports or tuple(row for row in self.evidence if row.relation == "related")

    def best_per_source(self, rows: tuple[Evidence, ...] | None = None) -> tuple[Evidence, ...]:
        """The best row of each source among `rows` (default: `backing`), best first."""
        seen: dict[str, Evidence] = {}
        for row in rows if rows is not None else self.backing:
            if row.source_id not in seen or row.score > seen[row.source_id].score:
                seen[row.source_id] = row
        return tuple(sorted(seen.values(), key=lambda row: -row.score))

    def passage(self, row: Evidence) -> Passage | None:
        """The passage an evidence row names."""
        return self.passages.get(row.passage_id)

    def passage_text(self, row: Evidence) -> str:
        """The sentence an evidence row names ("" when unknown)."""
        passage = self.passage(row)
        return passage.text if passage else ""

    def quantities(self, passage: Passage) -> tuple[Quantity, ...]:
        """The numbers of a passage's sentence, read once per run."""
        cached = self._quantities.get(passage.id)
        if cached is None:
            cached = read_quantities(passage.text, self.settings.lexicon("numbers"))
            self._quantities[passage.id] = cached
        return cached

    def kinds(self, source_ids: tuple[str, ...]) -> tuple[str, ...]:
        """The kinds of the given sources, in order."""
        return tuple(self.sources[sid].kind for sid in source_ids if sid in self.sources)

    def flag(self, code: str, severity: Severity, message: str, row: Evidence | None = None,
             source_id: str = "") -> Flag:
        """A flag on this claim, quoting `row`'s passage when given."""
        if row is not None:
            return Flag(self.claim.id, code, severity, message, row.source_id, row.passage_id, self.passage_text(row))
        return Flag(self.claim.id, code, severity, message, source_id)


def cite(source_ids: tuple[str, ...] | list[str]) -> str:
    """Source ids as an article writes them: "[1], [5]"."""
    return ", ".join(f"[{sid}]" for sid in source_ids)
