"""Typed settings, loaded once and passed explicitly to every stage.

The package's own `configs/default.toml` holds every default; a user file (`--config`) is
layered on top of it key by key, so a user sets only what they change. Word lists
(`configs/lexicons/*.toml`) and the source-kind domain table (`configs/source_kinds.toml`)
are read here too, so no stage opens a file. An unknown key is an error, not a silent no-op:
a typo in a threshold must not go unnoticed.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, get_type_hints

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """How an article is read (see the [ingest] section of default.toml)."""

    max_bytes: int = 20_000_000
    heading_max_words: int = 20
    heading_max_chars: int = 160
    wrap_min_chars: int = 50


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How sources are fetched (see the [fetch] section of default.toml)."""

    user_agent: str = "claimcheck"
    max_concurrency: int = 8
    per_host_concurrency: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_deadline: float = 45.0
    max_redirects: int = 5
    max_bytes: int = 10_000_000
    retries: int = 2
    backoff_base: float = 0.5
    retry_after_cap: float = 30.0
    politeness_delay: float = 0.0
    respect_robots: bool = False
    allow_private_hosts: bool = False
    contact: str = ""


SCHOLARLY_SERVICES = ("europepmc", "ncbi_eutils", "crossref", "openalex", "unpaywall", "wayback")


@dataclass(frozen=True, slots=True)
class ScholarlySettings:
    """Where a paper is looked up when its page cannot be read (see the [scholarly] section):
    which services are on, and each one's base URL (a mirror or a test server may stand in)."""

    enabled: tuple[str, ...] = SCHOLARLY_SERVICES
    europepmc_url: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    ncbi_eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    crossref_url: str = "https://api.crossref.org"
    openalex_url: str = "https://api.openalex.org"
    unpaywall_url: str = "https://api.unpaywall.org/v2"
    wayback_url: str = "https://archive.org/wayback/available"


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """How a snapshot becomes passages (see the [extract] section of default.toml)."""

    window: int = 1
    min_passage_chars: int = 15
    max_passages: int = 3000
    max_passage_chars: int = 1000
    max_input_bytes: int = 3_000_000
    max_text_chars: int = 500_000
    max_pdf_pages: int = 80
    max_signal_chars: int = 300_000
    design_lead_chars: int = 3000
    favor_precision: bool = True
    soft_404_max_chars: int = 1500
    wall_max_chars: int = 400
    min_abstract_chars: int = 200


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How claims are matched to passages and judged."""

    top_k: int = 5
    related_min: float = 0.30
    related_rank_min: float = 0.05
    support_min: float = 0.50
    partial_min: float = 0.50
    contradict_min: float = 0.20
    clash_coverage_min: float = 0.5
    quote_min: float = 90.0
    union_min_terms: int = 8
    number_tolerance: float = 0.01
    candidates: int = 60
    cover_max: int = 4
    cover_min_gain: float = 0.05
    window: int = 1
    judge_top: int = 3
    ranker_model: str = "models/evidence_ranker.json"
    judge_model: str = "models/evidence_judge.json"
    verdict_model: str = "models/verdict.json"
    wordnet_synonyms: bool = True
    wordnet_antonyms: bool = True


@dataclass(frozen=True, slots=True)
class JudgeSettings:
    """Which judge decides support, and how a judge other than the default is asked (see the
    [judge] section of default.toml and docs/judges.md)."""

    use: str = "default"
    openai_base_url: str = "http://localhost:8000/v1"
    openai_api_key_env: str = ""
    openai_response_format: str = "json_schema"
    openai_max_tokens: int = 1024
    concurrency: int = 4
    connect_timeout: float = 5.0
    timeout: float = 120.0
    retries: int = 2
    backoff_base: float = 1.0
    retry_after_cap: float = 60.0
    max_calls: int = 2000
    nli_labels: tuple[str, ...] = ()
    nli_max_length: int = 512
    nli_batch_size: int = 8


@dataclass(frozen=True, slots=True)
class AssessSettings:
    """How flags are raised."""

    commercial_kinds: tuple[str, ...] = ("commercial",)
    authoritative_kinds: tuple[str, ...] = ("peer_reviewed", "government", "professional_body")
    observational_designs: tuple[str, ...] = (
        "cross_sectional", "cohort", "case_control", "survey", "case_series", "case_report",
        "ecological", "qualitative", "observational",
    )
    quote_min_words: int = 3
    nonhuman_designs: tuple[str, ...] = ("animal", "in_vitro")
    causal_designs: tuple[str, ...] = ("randomized_trial", "systematic_review", "meta_analysis")
    negation_reach: int = 5
    flag_gates: str = "models/flag_gates.json"
    partial_at_most: tuple[str, ...] = (
        "CAUSAL_OVERSTATEMENT", "CERTAINTY_OVERSTATEMENT", "GENERALIZATION", "MISATTRIBUTION",
    )
    unsupported_at_most: tuple[str, ...] = ("MISQUOTE",)


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """What the report writers and the graph summary show."""

    max_evidence_per_claim: int = 3
    brief_claim_chars: int = 220
    graph_text_chars: int = 300
    many_citations_min: int = 3


@dataclass(frozen=True, slots=True)
class RecheckSettings:
    """The run store and re-checks of published pieces (see the [recheck] section)."""

    busy_timeout: float = 30.0
    dead_after_failures: int = 3
    dead_after_days: float = 3.0
    failure_statuses: tuple[str, ...] = ("http_error", "unreachable", "timeout")
    passage_kept_min: float = 95.0
    passage_similar_min: float = 60.0
    diff_context_words: int = 6
    changed_severity: str = "medium"
    due_early_minutes: float = 60.0
    workers: int = 2
    decision_claim_similar_min: float = 80.0


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """The editor's desk, `claimcheck review` and its exports (see the [review] section)."""

    host: str = "127.0.0.1"
    port: int = 8765
    context_passages: int = 2
    organization: str = ""
    publish_url: str = ""


@dataclass(frozen=True, slots=True)
class FileSettings:
    """Where the data files live, relative to the settings file that names them."""

    source_kinds: str = "source_kinds.toml"
    lexicons: str = "lexicons"
    wordnet: str = "wordnet"


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings of one run, plus the data files they point at."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    scholarly: ScholarlySettings = field(default_factory=ScholarlySettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    match: MatchSettings = field(default_factory=MatchSettings)
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    assess: AssessSettings = field(default_factory=AssessSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    recheck: RecheckSettings = field(default_factory=RecheckSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    files: FileSettings = field(default_factory=FileSettings)
    # {lexicon name (file stem): parsed TOML}; read-only views.
    lexicons: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # {domain: kind} from source_kinds.toml's [domains] table.
    source_kinds: Mapping[str, str] = field(default_factory=dict)
    # The folder of the WordNet tables, resolved ("" = the package's); read on first use
    # (pipeline/language/lexical.py), since most commands never need them.
    wordnet_dir: str = ""

    def lexicon(self, name: str) -> Mapping[str, Any]:
        """The lexicon file `name` (its stem), or a ConfigError naming what is missing."""
        try:
            return self.lexicons[name]
        except KeyError:
            raise ConfigError(f"lexicon '{name}' not found (expected lexicons/{name}.toml)") from None

    def with_fetch(self, **changes: Any) -> Settings:
        """A copy with some fetch settings changed (the CLI's switches use this)."""
        return dataclasses.replace(self, fetch=dataclasses.replace(self.fetch, **changes))

    def with_judge(self, **changes: Any) -> Settings:
        """A copy with some judge settings changed (`--judge` uses this)."""
        return dataclasses.replace(self, judge=dataclasses.replace(self.judge, **changes))


_SECTIONS: dict[str, type] = {
    "ingest": IngestSettings,
    "fetch": FetchSettings,
    "scholarly": ScholarlySettings,
    "extract": ExtractSettings,
    "match": MatchSettings,
    "judge": JudgeSettings,
    "assess": AssessSettings,
    "report": ReportSettings,
    "recheck": RecheckSettings,
    "review": ReviewSettings,
    "files": FileSettings,
}


def default_config_dir() -> Path:
    """The configs/ folder shipped with the package (mapped as `pipeline.configs`)."""
    return Path(str(resources.files("pipeline.configs")))


def load_settings(user_file: str | Path | None = None) -> Settings:
    """Read the package defaults, layer `user_file` on top, and load the data files.

    Data file paths in a user file are relative to that file; the defaults' to the package.
    """
    base_dir = default_config_dir()
    merged = _read_toml(base_dir / "default.toml")
    data_dirs = {"source_kinds": base_dir, "lexicons": base_dir, "wordnet": base_dir}
    if user_file is not None:
        user_path = Path(user_file)
        overrides = _read_toml(user_path)
        for key in overrides.get("files", {}):
            data_dirs[key] = user_path.parent
        merged = _layer(merged, overrides)
    unknown = set(merged) - set(_SECTIONS)
    if unknown:
        raise ConfigError(f"unknown section [{sorted(unknown)[0]}]", path=str(user_file or ""))
    try:
        sections = {name: _build_section(name, cls, merged.get(name, {})) for name, cls in _SECTIONS.items()}
        unknown_services = sorted(set(sections["scholarly"].enabled) - set(SCHOLARLY_SERVICES))
        if unknown_services:
            raise ConfigError(
                f"unknown service '{unknown_services[0]}' in scholarly.enabled (known: {', '.join(SCHOLARLY_SERVICES)})"
            )
    except ConfigError as error:
        # A bad value can only come from the user's file: the defaults are tested.
        raise ConfigError(str(error), path=str(user_file or "")) from None
    files: FileSettings = sections["files"]
    kinds_path = data_dirs["source_kinds"] / files.source_kinds
    lexicon_dir = data_dirs["lexicons"] / files.lexicons
    return Settings(
        **sections,
        lexicons=_read_lexicons(lexicon_dir),
        source_kinds=MappingProxyType(dict(_read_toml(kinds_path).get("domains", {}))),
        wordnet_dir=str(data_dirs["wordnet"] / files.wordnet),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("settings file not found", path=str(path)) from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read settings: {error}", path=str(path)) from None


def _layer(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `top` laid over it; tables merge key by key, everything else replaces."""
    result = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = _layer(dict(result[key]), value)
        else:
            result[key] = value
    return result


def _build_section(name: str, cls: type, values: Mapping[str, Any]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(f"unknown setting '{key}' in [{name}]")
    converted: dict[str, Any] = {}
    for key, value in values.items():
        converted[key] = _coerce(f"{name}.{key}", hints[key], value)
    return cls(**converted)


def _coerce(where: str, hint: Any, value: Any) -> Any:
    """Check a TOML value against the field's type; TOML ints are accepted for floats."""
    text = str(hint)
    if hint is bool or text == "bool":
        ok = isinstance(value, bool)
    elif hint is int or text == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is float or text == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif hint is str or text == "str":
        ok = isinstance(value, str)
    elif text.startswith("tuple"):
        ok = isinstance(value, list)
        value = tuple(value) if ok else value
    else:
        ok = True
    if not ok:
        raise ConfigError(f"setting {where} has the wrong type ({type(value).__name__})")
    return value


def _read_lexicons(directory: Path) -> Mapping[str, Mapping[str, Any]]:
    if not directory.is_dir():
        raise ConfigError("lexicon folder not found", path=str(directory))
    return MappingProxyType(
        {path.stem: MappingProxyType(_read_toml(path)) for path in sorted(directory.glob("*.toml"))}
    )
