"""Match: each claim × the passages of its cited sources → scored evidence and a verdict.

The stage, in order (`match_claims`):
  1. index every passage of every readable source once (BM25 over stemmed content terms,
     bm25s; the same terms feed coverage, so synonyms and abbreviations count in both);
  2. per claim, read its content terms, leaving out its frame: reporting verbs, unnamed
     sources ("health sites"), hedges, and the outlets it names ("Healthline notes X" asks
     Healthline for X, not for the word "Healthline");
  3. score the passages of the claim's cited sources (formula below); passages below
     `related_min` are not evidence;
  4. judge each passage: contradicts (negation, reversed direction or another number on a
     passage about the same thing: polarity), supports (score ≥ support_min), related;
  5. keep the best `top_k`, every contradiction, and per source the few passages that
     together carry the most of the claim (a greedy cover: a long sentence listing four
     practices is said by four source sentences, never by one);
  6. one verdict per claim (`_verdict`): contradicted when the strongest contradiction
     outscores all support; supported when one passage reaches support_min or the kept
     passages together carry union_support_min of its (IDF-weighted) terms; partially
     supported from partial_min / union_partial_min; else unsupported. Unverifiable instead
     when the claim cites nothing, states an absence of evidence ("no trials have..."), or
     when no cited source could be read, or the readable ones do not support it and the
     others could not be read (they may be the support).

The score of a passage for a claim, 0..1:

    score = (1 − align_weight) · coverage_score + align_weight · alignment
    coverage_score = s + context_weight · (c − s) · s / c
        s, c = weighted coverage of the sentence, of its context window (c ≥ s)
    weighted coverage = Σ idf(t) over claim terms t the text carries / Σ idf(t) over all
    alignment = rapidfuzz partial_ratio(claim, sentence) / 100, scaled down by
                len(sentence) / len(claim) when the sentence is the shorter

Why: coverage says how much of what the claim asserts the passage also says (IDF weighting
makes "vaginismus" count more than "way"); the context window catches a claim spread over two
source sentences, discounted because the neighbour is less directly the evidence, and in
proportion to what the sentence itself carries (a sentence saying none of the claim must not
inherit its neighbour's score); alignment rewards near-verbatim wording that term overlap
misses (word order, short function words), and the length scaling stops a short sentence
from aligning perfectly inside a long claim. BM25 picks the candidates and breaks ties; the
score itself is absolute, so thresholds mean the same for every claim. On Check-COVID's
train split this ranking gave MRR 0.572 / recall@3 0.687 against 0.566 / 0.673 for BM25 alone
on the same terms (align_weight 0 → 0.567; 0.1–0.35 within 0.001 of 0.2). Measured
with the final lexicons: train 0.569 / 0.684 (BM25 alone 0.560 / 0.665); dev 0.531 / 0.633
(BM25 alone 0.534 / 0.628).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s
from rapidfuzz import fuzz

from .cues import Term, absence_cue, squash, term_analyzer, tokenize
from .outlets import named_outlets, source_names
from .polarity import number_disagreements, opposition
from .config import Settings
from .numbers import Quantity, read_quantities
from .records import Claim, Evidence, Judgement, Relation, Source, Verdict
from .text import normalize


@dataclass(frozen=True, slots=True)
class PassageJudgement:
    """A claim judged against a list of passages (the `claimcheck evidence` verb).

    `scores[i]` is passage i's score (0..1); `ranking` lists passage indices best first;
    `evidence` the indices judged to support or contradict; `relations[i]` is passage i's
    relation, or None below `related_min`.
    """

    scores: tuple[float, ...]
    ranking: tuple[int, ...]
    evidence: tuple[int, ...]
    verdict: Verdict
    relations: tuple[Relation | None, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _Doc:
    """One passage as the matcher sees it."""

    text: str
    context: str
    keys: frozenset[str]
    context_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Scored:
    index: int  # into the corpus
    score: float
    coverage: float
    missing: tuple[str, ...]
    covered: frozenset[str]  # claim term keys this passage carries
    relation: Relation | None
    conflict: str  # why it contradicts, in words ("the passage says 'did not'")


class _Corpus:
    """Passages indexed once: their term keys, document frequencies and a BM25 index."""

    def __init__(self, texts: Sequence[tuple[str, str]], settings: Settings) -> None:
        analyzer = term_analyzer(settings.lexicon("synonyms"))
        self.docs = [
            _Doc(text, context or text, analyzer.term_keys(text), analyzer.term_keys(context or text))
            for text, context in texts
        ]
        frequencies: Counter[str] = Counter()
        for doc in self.docs:
            frequencies.update(doc.keys)
        self.df = frequencies
        self._idf: dict[str, float] = {}
        self.bm25: bm25s.BM25 | None = None
        if self.docs:
            self.bm25 = bm25s.BM25()
            # An empty document gets one placeholder token: bm25s needs a token per document.
            self.bm25.index([sorted(doc.keys) or ["\x00"] for doc in self.docs], show_progress=False)

    def idf(self, key: str) -> float:
        """BM25's IDF of a term key; a term found nowhere weighs as one found once."""
        value = self._idf.get(key)
        if value is None:
            n = len(self.docs)
            df = max(1, self.df.get(key, 0))
            value = self._idf[key] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return value

    def bm25_scores(self, keys: Sequence[str]) -> list[float]:
        """BM25 scores of every document for a query of term keys."""
        if self.bm25 is None or not keys:
            return [0.0] * len(self.docs)
        return [float(value) for value in self.bm25.get_scores(list(keys))]


# ── claims ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _ClaimView:
    text: str
    terms: tuple[Term, ...]  # content terms, attribution words left out, one per key
    quantities: tuple[Quantity, ...]


def _claim_view(text: str, settings: Settings, names: frozenset[str] = frozenset()) -> _ClaimView:
    """The claim's content terms without its frame: reporting verbs, hedges, the outlets it
    names as its origin, and any word that is a name of a cited source (`names`)."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    frame_keys = _frame_keys(settings)
    named = {token.word for mention in named_outlets(text, settings.lexicon("attribution"), names)
             for token in tokenize(mention.name)}
    seen: set[str] = set()
    terms = []
    for term in analyzer.terms(text):
        if term.key in seen or term.key in frame_keys or squash(term.word) in names or term.word in named:
            continue
        if term.word.replace(",", "").replace(".", "").isdigit():
            continue
        seen.add(term.key)
        terms.append(term)
    return _ClaimView(text, tuple(terms), read_quantities(text, settings.lexicon("numbers")))


def _frame_keys(settings: Settings) -> frozenset[str]:
    """Term keys that frame a claim rather than state it: reporting verbs, unnamed sources
    ("health sites"), hedges, qualifiers, connectives, and number words."""
    analyzer = term_analyzer(settings.lexicon("synonyms"))
    attribution = settings.lexicon("attribution")
    words: list[str] = list(attribution.get("reporting_verbs", {}).get("cues", []))
    words.extend(attribution.get("generic_sources", {}).get("cues", []))
    strength = settings.lexicon("strength")
    for table in ("hedges", "qualifiers", "conditional"):
        words.extend(strength.get(table, {}).get("cues", []))
    words.extend(settings.lexicon("synonyms").get("ignore", {}).get("cues", []))
    # Numbers are compared as numbers (polarity, NUMBER_MISMATCH), not as words.
    numbers = settings.lexicon("numbers")
    for table in ("words", "multipliers", "fractions"):
        words.extend(numbers.get(table, {}))
    return frozenset(analyzer.key(token.stem) for word in words for token in tokenize(word) if " " not in word)


# ── scoring one passage ───────────────────────────────────────────────────────────────────


def _covered(term: Term, keys: frozenset[str]) -> bool:
    if term.key in keys:
        return True
    if term.parts:
        whole_parts = term.parts[:-1]
        return term.parts[-1] in keys or (bool(whole_parts) and all(part in keys for part in whole_parts))
    return False


def _weighted(claim: _ClaimView, keys: frozenset[str], corpus: _Corpus) -> tuple[float, frozenset[str]]:
    """The IDF-weighted share of the claim's terms that `keys` carry, and which they are."""
    weights = [corpus.idf(term.key) for term in claim.terms]
    total = sum(weights)
    if not total:
        return 0.0, frozenset()
    carried = 0.0
    hit = []
    for term, weight in zip(claim.terms, weights):
        if _covered(term, keys):
            carried += weight
            hit.append(term.key)
    return carried / total, frozenset(hit)


def _alignment(claim: str, passage: str) -> float:
    a, b = normalize(claim).lower(), normalize(passage).lower()
    if not a or not b:
        return 0.0
    ratio = fuzz.partial_ratio(a, b) / 100
    return ratio * min(1.0, len(b) / len(a))


def _score(claim: _ClaimView, index: int, corpus: _Corpus, settings: Settings) -> _Scored:
    doc = corpus.docs[index]
    match = settings.match
    sentence_cov, covered = _weighted(claim, doc.keys, corpus)
    context_cov, _ = _weighted(claim, doc.context_keys, corpus)
    coverage_score = sentence_cov
    if context_cov > sentence_cov > 0:
        # Neighbours add to a sentence's coverage in proportion to what the sentence carries
        # itself: a sentence that says none of the claim gains nothing from its neighbours.
        coverage_score += match.context_weight * (context_cov - sentence_cov) * (sentence_cov / context_cov)
    score = (1 - match.align_weight) * coverage_score + match.align_weight * _alignment(claim.text, doc.text)
    plain = sum(_covered(term, doc.keys) for term in claim.terms) / len(claim.terms) if claim.terms else 0.0
    missing = tuple(term.word for term in claim.terms if not _covered(term, doc.keys))
    conflict = opposition(claim.text, claim.quantities, doc.text, settings) if sentence_cov >= match.contradiction_min else ""
    if conflict and score >= match.partial_min:
        relation: Relation | None = "contradicts"
    elif score >= match.support_min:
        relation = "supports"
    elif score >= match.related_min:
        relation = "related"
    else:
        relation = None
    return _Scored(index, round(score, 4), round(plain, 4), missing, covered, relation, conflict)


# ── ranking, keeping, judging ─────────────────────────────────────────────────────────────


def _rank(claim: _ClaimView, positions: Sequence[int], corpus: _Corpus, settings: Settings) -> list[_Scored]:
    """Score the passages at `positions` for a claim, best first.

    Only the most promising `candidates` by BM25 and by context coverage are scored in full
    (alignment costs a rapidfuzz call each); the rest cannot reach `related_min` in practice.
    """
    if not positions or not claim.terms:
        return []
    limit = settings.match.candidates
    bm25 = corpus.bm25_scores([term.key for term in claim.terms])
    chosen = set(sorted(positions, key=lambda i: -bm25[i])[:limit])
    chosen.update(sorted(positions, key=lambda i: -_weighted(claim, corpus.docs[i].context_keys, corpus)[0])[:limit])
    top_bm25 = max((bm25[i] for i in chosen), default=0.0) or 1.0
    scored = [_score(claim, i, corpus, settings) for i in chosen]
    # Ties in score (common for short claims) are broken by BM25, then by position.
    scored.sort(key=lambda row: (-row.score, -bm25[row.index] / top_bm25, row.index))
    return scored


def _keep(
    claim: _ClaimView, rows: Sequence[_Scored], owner: Sequence[str], corpus: _Corpus, settings: Settings
) -> list[_Scored]:
    """The evidence kept for a claim, best first: the best `top_k` rows that are evidence at
    all, every contradicting row, and for each source the few passages that together carry
    the most of the claim (`_cover`): a long sentence listing several practices is rarely
    said by one source sentence, but may be said by three."""
    relevant = [row for row in rows if row.relation is not None]
    kept = {row.index: row for row in relevant[: settings.match.top_k]}
    kept.update((row.index, row) for row in relevant if row.relation == "contradicts")
    by_source: dict[str, list[_Scored]] = {}
    for row in rows:
        by_source.setdefault(owner[row.index], []).append(row)
    for source_rows in by_source.values():
        for row in _cover(claim, source_rows, corpus, settings):
            kept.setdefault(row.index, row if row.relation else _as_related(row))
    return sorted(kept.values(), key=lambda row: -row.score)


def _cover(claim: _ClaimView, rows: Sequence[_Scored], corpus: _Corpus, settings: Settings) -> list[_Scored]:
    """Greedy cover: passages chosen one by one for the most claim weight they add, while a
    passage adds at least `cover_min_gain` of it and shares two or more claim terms (one
    shared word is chance), at most `cover_max` of them."""
    weight = {term.key: corpus.idf(term.key) for term in claim.terms}
    total = sum(weight.values())
    if not total:
        return []
    candidates = [row for row in rows if len(row.covered) >= 2 and row.relation != "contradicts"]
    chosen: list[_Scored] = []
    carried: frozenset[str] = frozenset()
    while candidates and len(chosen) < settings.match.cover_max:
        best = max(candidates, key=lambda row: (sum(weight[k] for k in row.covered - carried), row.score))
        gain = sum(weight[k] for k in best.covered - carried) / total
        if gain < settings.match.cover_min_gain:
            break
        chosen.append(best)
        carried |= best.covered
        candidates.remove(best)
    return chosen


def _as_related(row: _Scored) -> _Scored:
    return _Scored(row.index, row.score, row.coverage, row.missing, row.covered, "related", row.conflict)


def _verdict(
    claim: _ClaimView, rows: Sequence[_Scored], corpus: _Corpus, settings: Settings, label: Sequence[str]
) -> tuple[Verdict, float, str]:
    """The verdict from a claim's kept evidence; `label[i]` names passage i for the reason."""
    match = settings.match
    supporting = [row for row in rows if row.relation in ("supports", "related")]
    against = [row for row in rows if row.relation == "contradicts"]
    best = max(supporting, key=lambda row: row.score, default=None)
    worst = max(against, key=lambda row: row.score, default=None)
    union_keys = frozenset().union(*(row.covered for row in supporting)) if supporting else frozenset()
    union, _ = _weighted(claim, union_keys, corpus)
    best_score = best.score if best else 0.0
    if worst is not None and worst.score >= best_score:
        return "contradicted", worst.score, f"{label[worst.index]} says otherwise: {worst.conflict}."
    missing = [term.word for term in claim.terms if not _covered(term, union_keys)]
    if best is not None and best_score >= match.support_min:
        return "supported", best_score, f"{label[best.index]} states it (score {best_score:.2f})."
    if best is not None and union >= match.union_support_min:
        return "supported", round(union, 4), f"Together the cited passages state it ({union:.0%} of its terms)."
    if best is not None and (best_score >= match.partial_min or union >= match.union_partial_min):
        gaps = ", ".join(f'"{word}"' for word in missing[:5]) or "its wording"
        return "partially_supported", round(max(best_score, union), 4), f"The cited sources support part of it; nothing in them matches {gaps}."
    if best is not None:
        return "unsupported", best_score, f"No cited passage states it; the closest, {label[best.index]}, shares only {best.coverage:.0%} of its terms."
    return "unsupported", 0.0, "No passage of the cited sources is about what it says."


def match_claims(
    claims: Sequence[Claim], sources: Sequence[Source], settings: Settings
) -> tuple[tuple[Evidence, ...], tuple[Judgement, ...]]:
    """Evidence for every claim from its cited sources, and one Judgement per claim, in
    claim order (see the module docstring for the steps and the score)."""
    by_id = {source.id: source for source in sources}
    texts: list[tuple[str, str]] = []
    owner: list[str] = []
    passage_ids: list[str] = []
    positions: dict[str, list[int]] = {}
    for source in sources:
        if source.status != "ok":
            continue
        for passage in source.passages:
            positions.setdefault(source.id, []).append(len(texts))
            texts.append((passage.text, passage.context))
            owner.append(source.id)
            passage_ids.append(passage.id)
    corpus = _Corpus(texts, settings)
    label = [f"source [{sid}] ({pid})" for sid, pid in zip(owner, passage_ids)]
    names = {source.id: source_names(source, settings) for source in sources}
    absence = settings.lexicon("absence")
    evidence: list[Evidence] = []
    judgements: list[Judgement] = []
    for claim in claims:
        cited = tuple(dict.fromkeys(claim.citations))
        readable = [sid for sid in cited if sid in positions]
        view = _claim_view(claim.text, settings, frozenset().union(*(names.get(sid, frozenset()) for sid in cited)))
        rows = _rank(view, [i for sid in readable for i in positions[sid]], corpus, settings)
        kept = _keep(view, rows, owner, corpus, settings)
        evidence.extend(
            Evidence(claim.id, owner[row.index], passage_ids[row.index], row.score, row.relation or "related",
                     row.coverage, row.missing)
            for row in kept
        )
        cue = absence_cue(claim.text, absence)
        if not cited:
            judgements.append(Judgement(claim.id, "unverifiable", 0.0, "The sentence cites no source to check it against."))
        elif cue is not None:
            judgements.append(Judgement(claim.id, "unverifiable", 0.0,
                                        f'It asserts an absence of evidence ("{cue.surface}"), which no passage can confirm.'))
        elif not readable:
            why = "; ".join(_unreadable(sid, by_id) for sid in cited)
            judgements.append(Judgement(claim.id, "unverifiable", 0.0, f"No cited source could be read ({why})."))
        else:
            verdict, score, reason = _verdict(view, kept, corpus, settings, label)
            if verdict in ("supported", "partially_supported"):
                verdict, score, reason = _numbers_check(view, kept, positions, readable, owner, corpus, settings,
                                                        (verdict, score, reason))
            unread = [sid for sid in cited if sid not in positions]
            if verdict == "unsupported" and unread:
                # What could not be read may be what supports it: say so rather than "unsupported".
                why = "; ".join(_unreadable(sid, by_id) for sid in unread)
                verdict, reason = "unverifiable", f"The readable sources do not support it, and the rest could not be read ({why})."
            judgements.append(Judgement(claim.id, verdict, score, reason))
    return tuple(evidence), tuple(judgements)


def _numbers_check(
    claim: _ClaimView, kept: Sequence[_Scored], positions: Mapping[str, list[int]], readable: Sequence[str],
    owner: Sequence[str], corpus: _Corpus, settings: Settings, verdict: tuple[Verdict, float, str],
) -> tuple[Verdict, float, str]:
    """A claim whose number the cited sources give differently is contradicted (the
    contract's "different number"), however well its words match."""
    if not claim.quantities:
        return verdict
    near: list[int] = []
    for row in kept:
        for index in (row.index, row.index - 1, row.index + 1):
            if 0 <= index < len(owner) and owner[index] == owner[row.index] and index not in near:
                near.append(index)
    everywhere = [corpus.docs[i].text for sid in readable for i in positions[sid]]
    found = number_disagreements(
        claim.quantities, [corpus.docs[i].text for i in near], everywhere, settings)
    if not found:
        return verdict
    quantity, other, index = found[0]
    return ("contradicted", verdict[1],
            f'The claim says "{quantity.text}" where source [{owner[near[index]]}] says "{other.text}".')


def _unreadable(source_id: str, by_id: Mapping[str, Source]) -> str:
    source = by_id.get(source_id)
    if source is None:
        return f"[{source_id}] is not in the reference list"
    if source.status == "ok":
        return f"[{source_id}] has no readable text"
    return f"[{source_id}] {source.reason or source.status}"


def judge_passages(claim: str, passages: Sequence[str], settings: Settings) -> PassageJudgement:
    """Score and judge `passages` (plain strings, no context) for one claim: the
    `claimcheck evidence` verb. Same scoring and verdict rules as `match_claims`."""
    corpus = _Corpus([(text, text) for text in passages], settings)
    view = _claim_view(claim, settings)
    rows = _rank(view, range(len(passages)), corpus, settings)
    kept = _keep(view, rows, [""] * len(passages), corpus, settings)
    relation_of = {row.index: row.relation for row in kept}
    score_of = {row.index: row.score for row in rows}
    scores = tuple(score_of.get(i, 0.0) for i in range(len(passages)))
    relations = tuple(relation_of.get(i) for i in range(len(passages)))
    ranked = [row.index for row in rows]
    ranking = tuple(ranked + [i for i in range(len(passages)) if i not in score_of])
    evidence = tuple(i for i in ranked if relation_of.get(i) in ("supports", "contradicts"))
    label = [f"passage {i}" for i in range(len(passages))]
    cue = absence_cue(claim, settings.lexicon("absence"))
    if cue is not None:
        verdict: Verdict = "unverifiable"
        reason = f'It asserts an absence of evidence ("{cue.surface}"), which no passage can confirm.'
    elif not passages:
        verdict, reason = "unverifiable", "No passages were given."
    else:
        verdict, _, reason = _verdict(view, kept, corpus, settings, label)
    return PassageJudgement(scores, ranking, evidence, verdict, relations, reason)
