"""Learned gates on flags raised from soft evidence: keep a candidate flag or drop it.

The checks of assess raise a candidate from a cue and a reading of the evidence (an absolute
the passage does not use, a group the evidence is restricted to, a number given otherwise, an
outlet that is not the cited one ...). Whether such a candidate is worth an editor's time
depends on more than its cue: how well the evidence supports the claim (the verdict model's
probabilities), what kind of source backs it, what study designs it reports. A gate is a
binary logistic model over GATE_FEATURES, fitted per flag code by bench/train_decisions.py on
the development articles' flags a fact-checker requires or forbids, and shipped in
configs/models/flag_gates.json (`[assess] flag_gates`). A code with no gate in the file keeps
the rule: its candidates are all raised. A gate ships only for a code where cross-validation
by article showed it beats raising every candidate (docs/decisions.md).

The flags that restate the verdict (UNSUPPORTED, PARTIAL_SUPPORT, CONTRADICTED) have no gate of
their own: the verdict model is their decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..config import Settings
from ..language.strength import claim_strength
from ..learned import LinearModel, load_model_set
from ..memo import once_per_object
from ..records import Flag
from .context import ClaimContext

GATED = ("NUMBER_MISMATCH", "GENERALIZATION", "CERTAINTY_OVERSTATEMENT", "CAUSAL_OVERSTATEMENT", "MISATTRIBUTION")
GATE_FEATURES = (
    "p_supported", "p_partially_supported", "p_contradicted", "p_unsupported", "unverifiable",
    "severity_high", "quotes_passage", "evidence_score", "evidence_coverage",
    "kind_peer_reviewed", "kind_authoritative", "kind_commercial", "kind_media",
    "unread", "refers_back", "claim_causal", "claim_hedged", "claim_firm",
    "design_observational", "design_causal", "design_nonhuman", "other_flags", "cited",
)
_MEDIA_KINDS = frozenset({"health_media", "blog", "clinic", "nonprofit", "unknown"})
_VERDICTS = ("supported", "partially_supported", "contradicted", "unsupported")

# Called with (claim text, flag, gate features, kept) for every gated candidate: how
# bench/train_decisions.py reads the candidates of a whole run.
GateObserver = Callable[[str, Flag, tuple[float, ...], bool], None]


@once_per_object
def flag_gates(settings: Settings) -> Mapping[str, LinearModel]:
    """The gates named by `[assess] flag_gates`, by flag code ({} when the setting is "")."""
    path = settings.assess.flag_gates
    if not path:
        return {}
    return {code: model for code, model in load_model_set(path, GATE_FEATURES).items() if code in GATED}


def gate_features(flag: Flag, context: ClaimContext, flags: Sequence[Flag]) -> tuple[float, ...]:
    """GATE_FEATURES of candidate `flag` among the claim's `flags` (see the module docstring)."""
    judgement = context.judgement
    probabilities = dict(judgement.probabilities)
    if not probabilities:  # a rule or a reading judge decided: its verdict is certain
        probabilities = {verdict: float(judgement.verdict == verdict) for verdict in _VERDICTS}
    kinds = {source.kind for source in context.readable}
    designs = {design for source in context.readable for design in source.study_designs}
    assess = context.settings.assess
    best = context.evidence[0] if context.evidence else None
    strength = claim_strength(context.claim.text, context.settings.lexicon("strength"))
    values = (
        *(probabilities.get(verdict, 0.0) for verdict in _VERDICTS),
        1.0 if judgement.verdict == "unverifiable" else 0.0,
        1.0 if flag.severity == "high" else 0.0,
        1.0 if flag.evidence else 0.0,
        best.score if best else 0.0,
        best.coverage if best else 0.0,
        1.0 if "peer_reviewed" in kinds else 0.0,
        1.0 if kinds & set(assess.authoritative_kinds) - {"peer_reviewed"} else 0.0,
        1.0 if kinds & set(assess.commercial_kinds) else 0.0,
        1.0 if kinds & _MEDIA_KINDS else 0.0,
        1.0 if context.unreadable_ids else 0.0,
        1.0 if context.refers_back else 0.0,
        1.0 if strength.label in ("causal", "conditional_causal") and not strength.negated else 0.0,
        1.0 if strength.qualified else 0.0,
        1.0 if strength.absolutes or strength.boosters else 0.0,
        1.0 if designs & set(assess.observational_designs) else 0.0,
        1.0 if designs & set(assess.causal_designs) else 0.0,
        1.0 if designs & set(assess.nonhuman_designs) else 0.0,
        float(min(3, sum(1 for other in flags if other is not flag and other.code != flag.code))),
        float(min(3, len(context.cited_ids))),
    )
    return tuple(float(value) for value in values)


def gate_flags(flags: Sequence[Flag], context: ClaimContext, observe: GateObserver | None = None) -> list[Flag]:
    """The claim's `flags` with every gated candidate its gate turns down left out."""
    gates = flag_gates(context.settings)
    if not gates and observe is None:
        return list(flags)
    kept = []
    for flag in flags:
        if flag.code not in GATED:
            kept.append(flag)
            continue
        features = gate_features(flag, context, flags)
        gate = gates.get(flag.code)
        keep = gate is None or gate.probabilities(features)[gate.classes[-1]] >= 0.5
        if observe is not None:
            observe(context.claim.text, flag, features, keep)
        if keep:
            kept.append(flag)
    return kept
