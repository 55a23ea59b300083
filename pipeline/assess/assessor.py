"""Assess: claims + evidence + sources → flags an editor can act on.

`assess_claims` runs, for each claim in order, the checks below and returns their flags
(claim order, then check order). Every flag carries a one-sentence message that quotes the
cue it rests on, the source and passage it points at, and that passage's text.

  1. availability  UNCITED, SOURCE_UNAVAILABLE (one per unreadable cited source; says which
                   quoted words could not be checked for it)
  2. verdict       ABSENCE_CLAIM (info; the verdict stays unverifiable), UNSUPPORTED,
                   PARTIAL_SUPPORT (names the missing terms), CONTRADICTED
  3. exact words   MISQUOTE, NUMBER_MISMATCH                     (assess.exact_words)
  4. attribution   MISATTRIBUTION                                (assess.attribution)
  5. wording       CAUSAL_OVERSTATEMENT, CERTAINTY_OVERSTATEMENT,
                   SUPERIORITY_CLAIM                             (assess.wording)
  6. scope         GENERALIZATION, COMMERCIAL_ONLY               (assess.scope)

Nothing is asserted from a source that could not be read, except SOURCE_UNAVAILABLE; and as
the claim may rest on it, findings from the readable sources are said of them alone: with a
cited source unread, UNSUPPORTED and PARTIAL_SUPPORT speak of the readable sources and are a
step less severe, NUMBER_MISMATCH and CAUSAL_OVERSTATEMENT are medium and say so, MISQUOTE
waits unless the quoted outlet's own page was read, MISATTRIBUTION is not raised for an outlet
the unread source may be, COMMERCIAL_ONLY is not raised (and SUPERIORITY_CLAIM is medium)
unless the unread source is known by its address to be commercial too.

Candidates of the codes in assess.gates.GATED (flags raised from soft evidence) then pass their
learned gate, where one ships (configs/models/flag_gates.json); the others are all raised.

SOURCE_CHANGED belongs to the re-check, not to a single run. Lexicons and thresholds come from
`settings` (the [assess] and [match] sections, configs/lexicons/*.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import Settings
from ..language.cues import absence_cue
from ..language.outlets import source_names
from ..records import Article, Evidence, Flag, Judgement, Severity, Source
from .attribution import misattribution
from .context import ClaimContext, cite
from .exact_words import misquote, number_mismatch, unchecked_quotes
from .gates import GateObserver, gate_flags
from .scope import commercial_only, generalization
from .wording import causal_overstatement, certainty_overstatement, superiority_claim

Check = Callable[[ClaimContext], list[Flag]]


def availability(context: ClaimContext) -> list[Flag]:
    """UNCITED for a claim citing nothing; SOURCE_UNAVAILABLE for each cited source that
    could not be read, graded by whether the claim still has support elsewhere."""
    if not context.cited_ids:
        return [context.flag("UNCITED", "medium",
                             "This factual sentence cites no source, so nothing backs it.")]
    flags = []
    supported = context.judgement.verdict in ("supported", "partially_supported")
    quotes = unchecked_quotes(context)
    unchecked = (" Its quoted words " + ", ".join(f'"{quote}"' for quote in quotes[:2]) +
                 " are not in the sources that could be read, so they could not be checked.") if quotes else ""
    for source_id in context.unreadable_ids:
        source = context.sources.get(source_id)
        if source is None:
            why = "it is not in the reference list"
        elif source.status == "ok":
            why = "no readable text could be extracted from it"
        else:
            why = (source.reason or source.status.replace("_", " ")).rstrip(".")
        if supported:
            severity: Severity = "low"
            still = "the claim is still checked against its other sources"
        elif context.readable:
            severity, still = "medium", "and its other sources do not support the claim"
        else:
            severity, still = "high", "and no other cited source can be read"
        joiner = ";" if supported else ","
        flags.append(context.flag("SOURCE_UNAVAILABLE", severity,
                                  f"Source [{source_id}] could not be read ({why}){joiner} {still}.{unchecked}",
                                  source_id=source_id))
        unchecked = ""  # said once, on the first unreadable source
    return flags


def verdict_flags(context: ClaimContext) -> list[Flag]:
    """Flags that restate the verdict for an editor (ABSENCE_CLAIM, UNSUPPORTED, ...)."""
    verdict = context.judgement.verdict
    cue = absence_cue(context.claim.text, context.settings.lexicon("absence"))
    if cue is not None and context.cited_ids:
        return [context.flag("ABSENCE_CLAIM", "info",
                             f'The claim says evidence is absent ("{cue.surface}"); matching sources cannot '
                             "confirm an absence, so check it against the literature.")]
    if cue is not None:
        return [context.flag("ABSENCE_CLAIM", "info",
                             f'The claim says evidence is absent ("{cue.surface}"), which cannot be confirmed here.')]
    best = context.evidence[0] if context.evidence else None
    # Only what was read is judged: with a cited source unread, "nothing supports it" is said
    # of the readable ones, and the claim may rest on the other (SOURCE_UNAVAILABLE says so).
    read_ids = [source.id for source in context.readable]
    unread = context.unreadable_ids if read_ids else ()
    cited = cite(read_ids) if unread else cite(list(context.cited_ids))
    sources = "readable cited sources" if unread else "cited sources"
    caveat = f"; source {cite(list(unread))} could not be read" if unread else ""
    if verdict == "unsupported":
        closest = f" (closest passage shares {best.coverage:.0%} of its terms)" if best else ""
        return [context.flag("UNSUPPORTED", "medium" if unread else "high",
                             f"No passage of the {sources} {cited} supports this claim{closest}{caveat}.", best)]
    if verdict == "partially_supported":
        missing = _missing_terms(context.evidence)
        named = ", ".join(f'"{word}"' for word in missing[:6]) or "part of it"
        row = context.backing[0] if context.backing else best
        return [context.flag("PARTIAL_SUPPORT", "low" if unread else "medium",
                             f"The {sources} {cited} support only part of this claim: nothing in them "
                             f"matches {named}{caveat}.", row)]
    if verdict == "contradicted":
        row = next((r for r in context.evidence if r.relation == "contradicts"), best)
        reason = context.judgement.reason.strip()
        # The judgement may already say who says otherwise ("source [3] (3:p3) says otherwise: ...").
        # A reason opening with an ordinary word ("The claim says...") reads on after a colon.
        opening = reason.split(" ", 1)[0]
        follows = reason[:1].lower() + reason[1:] if opening in ("The", "A", "An", "It", "Its") else reason
        message = (reason[:1].upper() + reason[1:] if "otherwise" in reason
                   else f"A cited passage says otherwise: {follows}")
        if not message.endswith("."):
            message += "."
        return [context.flag("CONTRADICTED", "high", message, row)]
    return []


def _missing_terms(evidence: Sequence[Evidence]) -> list[str]:
    """The claim words no backing passage carries (missing from every row), in claim order."""
    rows = [row for row in evidence if row.relation != "contradicts"]
    if not rows:
        return []
    common = set(rows[0].missing).intersection(*(row.missing for row in rows[1:]))
    return [word for word in rows[0].missing if word in common]


CHECKS: tuple[Check, ...] = (
    availability,
    verdict_flags,
    misquote,
    number_mismatch,
    misattribution,
    causal_overstatement,
    certainty_overstatement,
    superiority_claim,
    generalization,
    commercial_only,
)


def assess_claims(
    article: Article,
    sources: Sequence[Source],
    evidence: Sequence[Evidence],
    judgements: Sequence[Judgement],
    settings: Settings,
    observe: GateObserver | None = None,
) -> tuple[Flag, ...]:
    """Every flag of every claim of `article` (see the module docstring for the checks);
    `observe`, when given, is called with every gated candidate (see assess.gates)."""
    by_id = {source.id: source for source in sources}
    passages = {passage.id: passage for source in sources for passage in source.passages}
    verdicts = {judgement.claim_id: judgement for judgement in judgements}
    rows: dict[str, list[Evidence]] = {}
    for row in evidence:
        rows.setdefault(row.claim_id, []).append(row)
    references = {reference.id: reference for reference in article.references}
    names = {source.id: source_names(source, settings) for source in sources}
    flags: list[Flag] = []
    for claim in article.claims:
        judgement = verdicts.get(claim.id) or Judgement(claim.id, "unverifiable", 0.0, "not judged")
        context = ClaimContext(
            claim, judgement, tuple(sorted(rows.get(claim.id, []), key=lambda row: -row.score)),
            by_id, passages, settings, references, names,
        )
        raised = [flag for check in CHECKS for flag in check(context)]
        flags.extend(gate_flags(_without_restatement(raised, context), context, observe))
    return tuple(flags)


def _without_restatement(raised: list[Flag], context: ClaimContext) -> list[Flag]:
    """`raised` less a PARTIAL_SUPPORT that names nothing missing when a flag saying how the
    claim goes beyond its sources (`[assess] partial_at_most`: a cause, a certainty, a
    population, a speaker) is raised too: the sources carry every term, so the partial support
    is that flag's finding, said again without saying what."""
    capping = set(context.settings.assess.partial_at_most)
    if _missing_terms(context.evidence) or not any(flag.code in capping for flag in raised):
        return raised
    return [flag for flag in raised if flag.code != "PARTIAL_SUPPORT"]
