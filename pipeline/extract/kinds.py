"""What kind of source a page is.

    classify_source(url, page, ...)      ─▶ (kind, reasons)   from the domain table + page signals
    kind_from_domain(url, ...)           ─▶ (kind, reasons)   for a source that could not be read

What design the research has, and whether a page is a "not found" page, are in
pipeline.extract.designs.

Every kind decision carries its reasons (short phrases an editor can check), because a kind
drives flags (COMMERCIAL_ONLY) and a wrong kind must be easy to see and to correct in the
domain table. Cue lists live in configs/lexicons/source_signals.toml and study_designs.toml,
the domain table in configs/source_kinds.toml. The page's metadata and visible text come from
pipeline/extract/pagemeta.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..language.cues import reference_parts
from ..language.domains import address_names_site, host_of, registrable_domain
from ..records import SourceKind
from .pagemeta import PageMetadata

__all__ = [
    "classify_source",
    "domain_entry",
    "kind_from_domain",
    "normalize_cue_text",
    "phrase_pattern",
]

_SPACES = re.compile(r"\s+")


# ── domains ───────────────────────────────────────────────────────────────────────────────


def domain_entry(host: str, table: Mapping[str, str]) -> tuple[str, str] | None:
    """The most specific (domain, kind) entry of `table` matching `host`: a domain matches
    itself and its subdomains, so "pubmed.ncbi.nlm.nih.gov" beats "nih.gov"."""
    labels = host.split(".")
    for index in range(len(labels)):
        candidate = ".".join(labels[index:])
        if candidate in table:
            return candidate, table[candidate]
    return None


def _suffix_hit(host: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if host == suffix or host.endswith("." + suffix):
            return suffix
    return ""


def kind_from_domain(
    url: str, *, domain_kinds: Mapping[str, str], lexicon: Mapping[str, Any], listed: str = ""
) -> tuple[SourceKind, tuple[str, ...]]:
    """The kind of a source known only by its address (a dead link): preprint servers,
    the domain table, government suffixes, and words in the site's name that say what it is
    ("lakesidesleepclinic.co.uk"; the source_signals lexicon's [address_words]). When the
    address names no site (127.0.0.1), `listed`, the article's reference entry, may give the
    publisher a public body's, clinic's or society's name ("... Lakeside Sleep Clinic").
    "unknown" otherwise."""
    host = host_of(url)
    preprint = _suffix_hit(host, lexicon.get("preprint", {}).get("domains", ()))
    if preprint:
        return "unknown", (f"domain {preprint} is a preprint server (not peer reviewed)",)
    entry = domain_entry(host, domain_kinds)
    if entry:
        return entry[1], (f"domain {entry[0]} listed as {entry[1]}",)  # type: ignore[return-value]
    suffix = _suffix_hit(host, lexicon.get("government", {}).get("domain_suffixes", ()))
    if suffix:
        return "government", (f"host ends in .{suffix} (government domain)",)
    site = registrable_domain(url).split(".")[0] if address_names_site(url) else ""
    for kind, patterns in lexicon.get("address_words", {}).items():
        found = next((hit for pattern in patterns if (hit := _compiled(pattern).search(site))), None)
        if found:
            return kind, (f"no domain entry; the site's name {site!r} has '{found.group(0)}' in it",)  # type: ignore[return-value]
    publisher = _listed_publisher(listed)
    if publisher:
        cues = _Cues(PageMetadata(names=(publisher,)), lexicon)
        for kind in ("government", "clinic", "professional_body"):
            table = lexicon.get(kind, {})
            strong = cues.named(table.get("publisher_cues" if kind == "government" else "name_cues", ()))
            strong = strong or (cues._body_name(table)[0] if kind == "professional_body" else [])
            if strong:
                return kind, (f"the article's reference entry names its publisher '{publisher}'",)  # type: ignore[return-value]
    return "unknown", (f"no domain entry for {host or 'this address'}",)


def _listed_publisher(entry: str) -> str:
    """The publisher an article's reference entry gives after the title ("Insomnia and CBT-I.
    Lakeside Sleep Clinic" → "Lakeside Sleep Clinic"), or ""."""
    pieces = reference_parts(entry)
    return pieces[-1].rstrip(".") if len(pieces) >= 2 and len(pieces[-1].split()) <= 8 else ""


# ── kinds ─────────────────────────────────────────────────────────────────────────────────


def classify_source(
    url: str,
    page: PageMetadata,
    *,
    domain_kinds: Mapping[str, str],
    lexicon: Mapping[str, Any],
) -> tuple[SourceKind, tuple[str, ...]]:
    """The kind of a read source and the reasons for it, decided in this order:

    1. a preprint server's domain → "unknown" (research, but not peer reviewed);
    2. a domain-table entry of an authoritative kind (journals, government, professional
       bodies) → that kind; nothing on the page overrides it (journals sell PDFs);
    3. another domain-table entry → that kind, unless the page clearly sells (schema.org
       Product/Offer, "add to cart", ...) and the kind may be overridden by commerce
       ([precedence] commerce_overrides): then "commercial", and the reasons say so;
    4. no entry: a government host suffix (.gov, .gov.uk, .gc.ca, ...) → "government";
    4a. an address that names no site (an IP address, localhost): the address the page
       declares as its own (canonical link, og:url) stands in for it, but only as a claim to
       be corroborated: its domain-table kind is taken when the page's own signals name that
       kind too, then steps 2-3 apply to it; otherwise it is noted and not used. (A page on
       127.0.0.1 declaring a canonical URL on nhs.uk is not thereby "government": it must
       also carry a public body's name, markup or boilerplate.)
    5. no entry: scholarly metadata (citation_journal_title, citation_doi, ScholarlyArticle),
       or a paper's shape (a study design in its title, a structured abstract's headings and
       authors, not marked up as news) → "peer_reviewed", unless the page says it is a
       preprint → "unknown";
    6. no entry: clear selling (shop buttons, product markup, the site presenting itself as
       a product: "X is an FDA cleared app") → "commercial", except on a page marked up as a
       news or magazine article with fewer than override_min_points (an advert's "Shop now",
       a paywall's "Subscribe & save"), which step 8 scores; then hosting on a blogging
       platform (its stylesheets or scripts come from substack, medium, ...) → "blog";
    7. no entry: a site name only public bodies carry ("NHS", "National Institutes of
       Health") → "government";
    8. no entry: cue scores per kind (strong cue 2, weak cue 1, on the page's text, markup
       and own names; the best at or above [scoring] min_score wins, ties to the kind listed
       first in [scoring] order);
    9. otherwise "unknown".
    """
    host = host_of(url)
    preprint = _suffix_hit(host, lexicon.get("preprint", {}).get("domains", ()))
    if preprint:
        return "unknown", (f"domain {preprint} is a preprint server (not peer reviewed)",)
    cues = _Cues(page, lexicon)
    entry = domain_entry(host, domain_kinds)
    if entry:
        return _with_entry(entry[1], [f"domain {entry[0]} listed as {entry[1]}"], cues)
    suffix = _suffix_hit(host, lexicon.get("government", {}).get("domain_suffixes", ()))
    if suffix:
        return "government", (f"host ends in .{suffix} (government domain)",)
    if not address_names_site(url):
        lead = f"{host or 'the address'} names no site; page signals decide"
        return _declared(page.declared_url, cues, domain_kinds, lead) or _from_page(cues, lead)
    return _from_page(cues, "no domain entry; page signals decide")


def _with_entry(kind: str, reasons: list[str], cues: _Cues) -> tuple[SourceKind, tuple[str, ...]]:
    """Steps 2-3: a domain-table kind, unless clear selling overrides a kind that may be."""
    precedence = cues.lexicon.get("precedence", {})
    if kind in precedence.get("authoritative", ()):
        return kind, tuple(reasons)  # type: ignore[return-value]
    points, selling = cues.selling()
    if points >= precedence.get("override_min_points", 2) and kind in precedence.get("commerce_overrides", ()):
        return "commercial", (*reasons, *selling, f"page signals of selling override the domain entry ({kind})")
    reasons += [f"{reason} (noted, not decisive)" for reason in cues.affiliate()]
    return kind, tuple(reasons)  # type: ignore[return-value]


def _declared(
    declared_url: str, cues: _Cues, domain_kinds: Mapping[str, str], lead: str
) -> tuple[SourceKind, tuple[str, ...]] | None:
    """Step 4a: the kind of the address a page declares as its own, when its own signals
    agree; None when it declares none (or one the table does not know), or they disagree
    (then the page decides alone and the reasons say the declared address was not used)."""
    if not declared_url or not address_names_site(declared_url):
        return None
    lexicon = cues.lexicon
    host = host_of(declared_url)
    preprint = _suffix_hit(host, lexicon.get("preprint", {}).get("domains", ()))
    if preprint and cues.scholarly():
        return "unknown", (lead, f"the page declares its address on {preprint}, a preprint server (not peer reviewed)")
    entry = domain_entry(host, domain_kinds)
    suffix = _suffix_hit(host, lexicon.get("government", {}).get("domain_suffixes", ()))
    domain, kind = entry if entry else (suffix, "government") if suffix else ("", "")
    if not kind:
        return None
    said = f"the page declares its address on {domain} ({'listed as ' + kind if entry else 'a government suffix'})"
    agree = cues.agreeing(kind)
    if not agree:
        found, reasons = _from_page(cues, lead)
        return found, (*reasons, f"{said}, but nothing on the page itself says {kind}: not used")
    return _with_entry(kind, [lead, f"{said}, and its own signals agree ({agree[0]})"], cues)


def _from_page(cues: _Cues, lead: str) -> tuple[SourceKind, tuple[str, ...]]:
    """Steps 5-9: the kind from the page alone."""
    scholarly = cues.scholarly() or cues.paper_shape()
    if scholarly:
        preprint = cues.on_page(cues.lexicon.get("preprint", {}).get("text_cues", ()))
        if preprint:
            return "unknown", (*scholarly[:1], f"the page says '{preprint[0]}' (a preprint, not peer reviewed)")
        return "peer_reviewed", tuple(scholarly)
    points, selling = cues.selling()
    article = cues.typed(cues.lexicon.get("precedence", {}).get("article_types", ()))
    if points and article and points < cues.lexicon.get("precedence", {}).get("override_min_points", 2):
        pass  # a magazine's or news site's article with an advert or a paywall button: scored below
    elif points:
        return "commercial", tuple(selling)
    platform = cues.platform()
    if platform:
        return "blog", (lead, *platform)
    public_body = cues.named(cues.lexicon.get("government", {}).get("publisher_cues", ()))
    if public_body:
        name, cue = public_body[0]
        return "government", (f"the site calls itself '{name}', a public body's name ('{cue}')",)
    return cues.scored(lead)


class _Cues:
    """The page's cue hits, computed once per list and kept for the reasons."""

    def __init__(self, page: PageMetadata, lexicon: Mapping[str, Any]) -> None:
        self.page = page
        self.lexicon = lexicon
        self.text = normalize_cue_text(page.page_text)
        self.types = set(page.schema_types)
        # The names the page gives itself: where a public body's or a society's name is read.
        self.names = tuple(dict.fromkeys(name for name in (page.publisher, *page.names) if name))

    def phrases_in(self, text: str, phrases: Sequence[str]) -> list[str]:
        """The phrases of `phrases` found in `text` (whole words, case-insensitive)."""
        if not text or not phrases:
            return []
        pattern = phrase_pattern(tuple(phrases))
        return list(dict.fromkeys(match.group(0) for match in pattern.finditer(normalize_cue_text(text))))

    def named(self, phrases: Sequence[str]) -> list[tuple[str, str]]:
        """(name, phrase) for each of the page's own names that contains one of `phrases`."""
        return [(name, hits[0]) for name in self.names if (hits := self.phrases_in(name, phrases))]

    def on_page(self, phrases: Sequence[str]) -> list[str]:
        if not phrases:
            return []
        pattern = phrase_pattern(tuple(phrases))
        return list(dict.fromkeys(match.group(0) for match in pattern.finditer(self.text)))

    def typed(self, names: Sequence[str]) -> list[str]:
        return [name for name in names if name in self.types]

    def scholarly(self) -> list[str]:
        table = self.lexicon.get("scholarly", {})
        reasons = [f"{name} present" for name in self.page.scholarly_fields[:3]]
        reasons += [f"schema.org {name}" for name in self.typed(table.get("jsonld_types", ()))]
        if self.page.doi and not reasons:
            reasons.append(f"DOI {self.page.doi} declared by the source")
        return reasons

    def paper_shape(self) -> list[str]:
        """A paper without scholarly metadata: a study design in its title, the headings of a
        structured abstract and an author, on a page not marked up as news (step 5)."""
        table = self.lexicon.get("scholarly", {})
        if self.typed(self.lexicon.get("health_media", {}).get("jsonld_types", ())) or not self.page.authors:
            return []
        design = self.phrases_in(self.page.title, table.get("title_designs", ()))
        if not design:
            return []
        headings = self.on_page(table.get("abstract_headings", ()))
        if len(headings) < table.get("min_abstract_headings", 4):
            return []
        return [f"a study design in its title ('{design[0]}')",
                f"a structured abstract ({', '.join(headings[:4])}) and named authors"]

    def selling(self) -> tuple[int, list[str]]:
        """How clearly the page sells (points: a shop button 1, Product markup with an Offer
        price 2, without a price 1) and the reasons."""
        table = self.lexicon.get("commercial", {})
        points, reasons = 0, []
        products = self.typed(table.get("jsonld_types", ()))
        if products and self.page.offer_prices:
            points, reasons = 2, [f"schema.org {products[0]} with Offer price ({self.page.offer_prices[0]})"]
        elif "Product" in products:
            points, reasons = 1, ["schema.org Product markup"]
        buttons = self.on_page(table.get("strong_cues", ()))
        points, reasons = points + len(buttons), reasons + [f"'{cue}' on the page" for cue in buttons[:3]]
        own = self.own_product()
        return points + len(own), reasons + own

    def own_product(self) -> list[str]:
        """The site describing itself as something it sells ("Natural Cycles is an FDA
        cleared birth control app"): the page promotes its publisher's own product."""
        nouns = self.lexicon.get("commercial", {}).get("own_product_nouns", ())
        names = [name for name in self.names if 1 <= len(name.split()) <= 4]
        if not nouns or not names:
            return []
        body = "|".join(re.escape(noun) for noun in sorted(nouns, key=len, reverse=True))
        for name in names:
            pattern = _compiled(rf"(?<![\w-]){re.escape(normalize_cue_text(name))}\s+is\s+(?:an?|the|our)\s+"
                                rf"(?:[\w-]+\s+){{0,4}}?(?:{body})(?![\w-])")
            found = pattern.search(self.text)
            if found:
                return [f"the site presents itself as a product ('{found.group(0)}')"]
        return []

    def platform(self) -> list[str]:
        """A page that loads its stylesheets or scripts from a blogging platform is hosted there."""
        hosts = self.lexicon.get("blog", {}).get("platform_hosts", ())
        found = next((host for host in self.page.resource_hosts if _suffix_hit(host, hosts)), "")
        return [f"hosted on a blogging platform (loads {found})"] if found else []

    def subscription(self) -> list[str]:
        """A price by the month or year: a weak selling cue (an advertisement for another
        company's service shows one too)."""
        pattern = self.lexicon.get("commercial", {}).get("subscription_pattern", "")
        found = _compiled(pattern).search(self.page.page_text[:300_000]) if pattern else None
        return [f"a subscription price ('{found.group(0)}')"] if found else []

    def affiliate(self) -> list[str]:
        table = self.lexicon.get("commercial", {})
        return [
            f"affiliate disclosure ('{cue}')" for cue in self.on_page(table.get("affiliate_cues", ()))[:1]
        ]

    def prices(self) -> list[str]:
        pattern = self.lexicon.get("commercial", {}).get("price_pattern", "")
        if not pattern:
            return []
        return list(
            dict.fromkeys(
                match.group(0) for match in _compiled(pattern).finditer(self.page.page_text[:300_000])
            )
        )[:20]

    def agreeing(self, kind: str) -> list[str]:
        """The page's own signals of `kind` (empty when it gives none): what must back the
        kind of an address the page merely declares."""
        if kind == "peer_reviewed":
            return self.scholarly()
        if kind == "commercial":
            return self.selling()[1] + self._score(kind)[1]
        if kind == "government":
            named = self.named(self.lexicon.get("government", {}).get("publisher_cues", ()))
            return [f"the site calls itself '{name}'" for name, _ in named[:1]] + self._score(kind)[1]
        return self._score(kind)[1]

    def scored(self, lead: str) -> tuple[SourceKind, tuple[str, ...]]:
        """Step 8: each kind's score from its cue lists; the best at or above min_score."""
        scoring = self.lexicon.get("scoring", {})
        results: list[tuple[int, int, str, list[str]]] = []
        for rank, kind in enumerate(scoring.get("order", ())):
            score, hits = self._score(kind)
            if score:
                results.append((score, -rank, kind, hits))
        if results:
            score, _, kind, hits = max(results)
            if score >= scoring.get("min_score", 2):
                return kind, (lead, *hits[:4])  # type: ignore[return-value]
        noted = [hit for *_, hits in results for hit in hits][:2]
        nothing = lead.replace("; page signals decide", "") if lead.endswith("page signals decide") else lead
        if nothing.startswith("no domain entry"):
            nothing = "no domain entry"
        return "unknown", (f"{nothing} and no decisive page signal", *noted)

    def _score(self, kind: str) -> tuple[int, list[str]]:
        table = self.lexicon.get(kind, {})
        strong = [f"schema.org {name}" for name in self.typed(table.get("jsonld_types", ()))]
        strong += [f"'{cue}' on the page" for cue in self.on_page(table.get("strong_cues", ()))]
        strong += [f"the site calls itself '{name}' ('{cue}')"
                   for name, cue in self.named(table.get("name_cues", ()))[:1]]
        weak = [f"schema.org {name}" for name in self.typed(table.get("weak_jsonld_types", ()))]
        # A weak cue inside a strong one ("reviewed by" in "medically reviewed by") is no second hit.
        weak += [
            f"'{cue}' on the page"
            for cue in self.on_page(table.get("weak_cues", ()))
            if not any(cue in hit for hit in strong)
        ]
        weak += [f"the site calls itself '{name}' ('{cue}')"
                 for name, cue in self.named(table.get("weak_name_cues", ()))[:1]]
        if kind == "professional_body":
            strong_name, weak_name = self._body_name(table)
            strong += strong_name
            weak += weak_name
        elif kind == "commercial":
            weak += self.affiliate() + self.subscription()
            prices = self.prices()
            if len(prices) >= self.lexicon.get("commercial", {}).get("min_prices", 2):
                weak.append(f"{len(prices)} prices shown ({', '.join(prices[:2])})")
        elif kind == "blog":
            if self.page.personal_blog:
                strong.append("schema.org BlogPosting by a person, no organisation")
            generator = self.phrases_in(self.page.generator, table.get("generators", ()))
            weak += [f"made with {generator[0]}"] if generator else []
            strong += self.platform()
            holder = self.page.copyright_holder.lower()
            if holder and any(holder == author.lower() for author in self.page.authors):
                strong.append(f"copyright held by its author, {self.page.copyright_holder}")
        return 2 * len(strong) + len(weak), strong + weak

    def _body_name(self, table: Mapping[str, Any]) -> tuple[list[str], list[str]]:
        """A society's name: an organisation word with a discipline ("Academy of Sleep
        Medicine") is strong, an organisation word alone ("Cancer Society") weak."""
        names = (*self.names, *self.page.organization_names)
        words, disciplines = table.get("name_words", ()), table.get("disciplines", ())
        weak: list[str] = []
        for name in names:
            found = self.phrases_in(name, words)
            if not found:
                continue
            field = self.phrases_in(name, disciplines)
            if field:
                return [f"organisation name has '{found[0]}' and '{field[0]}'"], []
            weak = weak or [f"organisation name has '{found[0]}'"]
        return [], weak


def normalize_cue_text(text: str) -> str:
    return _SPACES.sub(" ", text.lower().replace("’", "'").replace("\u00a0", " "))


@lru_cache(maxsize=256)
def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of whole-word phrases, longest first so "shop now" beats "shop"."""
    ordered = sorted({phrase.lower() for phrase in phrases if phrase}, key=len, reverse=True)
    body = "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
