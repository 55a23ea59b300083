"""MkDocs hooks: the reference pages that are generated from the code, not written twice.

A page asks for a generated block with a marker on a line of its own:

    <!-- generated: commands -->    `claimcheck <command> --help` for every command, from the
                                    argparse parser the console script itself uses
                                    (`pipeline.cli.build_parser`)
    <!-- generated: settings -->    one table per section of configs/default.toml: key,
                                    default, type (from the dataclasses of pipeline/config.py)
                                    and the comment the file gives the key
    <!-- generated: lexicons -->    the word lists in configs/lexicons/, each with the first
                                    paragraph of its header comment
    <!-- generated: contract -->    the import-linter contract of pyproject.toml, verbatim
    <!-- generated: layers -->      every layer of that contract, top first, with the
                                    docstring of each of its modules and packages

So a new command, option, setting, lexicon, layer or stage module shows up in the site on the next build, and a
changed help text or default cannot disagree with the docs. tests/test_docs.py builds the
site and checks that every command and every setting is there.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import re
import tomllib
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline import cli
from pipeline import config as settings_module

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = ROOT / "configs"
PYPROJECT = ROOT / "pyproject.toml"
MARKER = re.compile(r"^<!-- generated: ([a-z_]+) -->$", re.MULTILINE)
# argparse wraps help to the terminal's width; the site gets the same text on every machine.
HELP_COLUMNS = "100"


# ── commands ─────────────────────────────────────────────────────────────────────────────


def command_parsers(
    parser: argparse.ArgumentParser | None = None,
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(prog, parser) for the console script and every command and sub-command under it,
    in the order the parser declares them ("claimcheck", "claimcheck check", ...)."""
    parser = parser or cli.build_parser()
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from command_parsers(child)


def commands_markdown() -> str:
    """`--help` of every command as Markdown: a heading and the help text verbatim."""
    sections = []
    with _fixed_width():
        for prog, parser in command_parsers():
            level = "#" * min(2 + prog.count(" "), 4)
            sections.append(f"{level} `{prog}`\n\n```text\n{parser.format_help().rstrip()}\n```\n")
    return "\n".join(sections)


@contextmanager
def _fixed_width() -> Iterator[None]:
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS
    try:
        yield
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


# ── settings ─────────────────────────────────────────────────────────────────────────────


@dataclasses.dataclass(frozen=True)
class SettingDoc:
    """One key of configs/default.toml as the settings reference shows it."""

    section: str
    key: str
    default: Any
    type_name: str
    description: str


_SECTION_LINE = re.compile(r"^\[([A-Za-z0-9_]+)\]")
_KEY_LINE = re.compile(r"^([A-Za-z0-9_]+)\s*=")


def toml_comments(text: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """({section: its introduction}, {(section, key): its description}) from a TOML file's
    comments, by the convention default.toml follows:

    - a key's description is the comment at the end of its line, continued on the indented
      comment lines right below it;
    - a key with no comment on its line takes the comment lines right above it instead;
    - comment lines right after a section header, above a key that has its own comment,
      introduce the section.
    """
    intros: dict[str, str] = {}
    described: dict[tuple[str, str], list[str]] = {}
    section = ""
    block: list[str] = []  # comment lines at the start of a line, since the last other line
    block_opens_section = False
    current: list[str] | None = None  # the key whose comment indented lines continue
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            block, block_opens_section, current = [], False, None
        elif (header := _SECTION_LINE.match(line)) is not None:
            section, block, block_opens_section, current = header.group(1), [], True, None
        elif line.startswith("#"):
            block.append(stripped.lstrip("#").strip())
            current = None
        elif line[0].isspace() and stripped.startswith("#"):
            if current is not None:
                current.append(stripped.lstrip("#").strip())
        elif (key_line := _KEY_LINE.match(line)) is not None:
            trailing = _trailing_comment(line)
            if trailing:
                if block and block_opens_section:
                    intros[section] = " ".join(block)
                current = [trailing]
            else:
                current = list(block)
            described[(section, key_line.group(1))] = current
            block, block_opens_section = [], False
        else:  # a value continued over several lines (an array)
            block, block_opens_section = [], False
    return intros, {where: " ".join(parts) for where, parts in described.items()}


def _trailing_comment(line: str) -> str:
    """The comment after a `key = value` line's value (a # inside a string is not one)."""
    quote = ""
    for index, character in enumerate(line):
        if quote:
            if character == quote:
                quote = ""
        elif character in "\"'":
            quote = character
        elif character == "#":
            return line[index + 1 :].strip()
    return ""


def setting_docs(config_dir: Path = CONFIG_DIR) -> tuple[dict[str, str], list[SettingDoc]]:
    """({section: introduction}, every setting) of `config_dir`/default.toml, in file order,
    typed by the settings dataclasses of pipeline/config.py."""
    text = (config_dir / "default.toml").read_text(encoding="utf-8")
    values = tomllib.loads(text)
    intros, descriptions = toml_comments(text)
    settings = []
    for section, cls in settings_module._SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            settings.append(
                SettingDoc(
                    section=section,
                    key=field.name,
                    default=values.get(section, {}).get(field.name, field.default),
                    type_name=_type_name(hints[field.name]),
                    description=descriptions.get((section, field.name), ""),
                )
            )
    return intros, settings


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) is tuple:
        (item, *_) = typing.get_args(hint)
        return f"list of {_type_name(item)}"
    return {bool: "boolean", int: "integer", float: "number", str: "text"}.get(hint, str(hint))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:_}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def settings_markdown() -> str:
    """One table per section of default.toml: key, default, type, what it does."""
    intros, settings = setting_docs()
    parts = []
    for section in settings_module._SECTIONS:
        parts.append(f"### `[{section}]`\n")
        if section in intros:
            parts.append(_cell(intros[section]) + "\n")
        parts.append("| key | default | type | what it does |\n|---|---|---|---|")
        for setting in (setting for setting in settings if setting.section == section):
            parts.append(
                f"| `{setting.key}` | `{_cell(_toml_value(setting.default))}` | {setting.type_name} "
                f"| {_cell(setting.description)} |"
            )
        parts.append("")
    return "\n".join(parts)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("<", "&lt;")


# ── lexicons ─────────────────────────────────────────────────────────────────────────────


def lexicon_docs(config_dir: Path = CONFIG_DIR) -> list[tuple[str, str]]:
    """(file name, first paragraph of its header comment) for every lexicon file."""
    lexicons = []
    for path in sorted((config_dir / "lexicons").glob("*.toml")):
        paragraph: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            words = line.lstrip("#").strip()
            if not words:
                if paragraph:
                    break
                continue
            paragraph.append(words)
        lexicons.append((path.name, " ".join(paragraph)))
    return lexicons


def lexicons_markdown() -> str:
    """A table of the lexicon files and what each one holds."""
    rows = [f"| `lexicons/{name}` | {_cell(about)} |" for name, about in lexicon_docs()]
    return "\n".join(["| file | what it holds |", "|---|---|", *rows]) + "\n"


# ── architecture ─────────────────────────────────────────────────────────────────────────


def contract_toml(pyproject: Path = PYPROJECT) -> str:
    """The import-linter section of pyproject.toml as written there, comment included."""
    lines = pyproject.read_text(encoding="utf-8").splitlines()
    start = lines.index("[tool.importlinter]")
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    end = start
    in_layers = False
    for end in range(start, len(lines)):
        in_layers = in_layers or lines[end].startswith("layers = [")
        if in_layers and lines[end] == "]":
            break
    return "\n".join(lines[start : end + 1])


def contract_markdown() -> str:
    """The contract as a TOML block."""
    return f"```toml\n{contract_toml()}\n```\n"


def layers(pyproject: Path = PYPROJECT) -> list[list[str]]:
    """The layers of the contract, top first; each a list of dotted module names."""
    tool = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = (c for c in tool["contracts"] if c["type"] == "layers")
    return [[name.strip() for name in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def module_docstring(dotted: str) -> tuple[str, str]:
    """(path relative to the repository, docstring) of a module or package of pipeline."""
    relative = Path(*dotted.split("."))
    path = ROOT / relative / "__init__.py" if (ROOT / relative).is_dir() else ROOT / relative.with_suffix(".py")
    shown = f"{relative}/" if path.name == "__init__.py" else str(relative.with_suffix(".py"))
    return shown, ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def layers_markdown() -> str:
    """Each layer, top first: its modules' paths and docstrings."""
    parts = []
    for number, layer in enumerate(layers(), start=1):
        for dotted in layer:
            shown, docstring = module_docstring(dotted)
            summary, _, rest = docstring.partition("\n\n")
            parts.append(f"**{number}. `{shown}`**: {_cell(' '.join(summary.split()))}\n")
            body = rest.strip("\n").rstrip()  # blank lines only: the first line keeps its indent
            if body:
                parts.append(f"```text\n{body}\n```\n")
    return "\n".join(parts)


# ── the hook ─────────────────────────────────────────────────────────────────────────────

GENERATORS: dict[str, Callable[[], str]] = {
    "commands": commands_markdown,
    "settings": settings_markdown,
    "lexicons": lexicons_markdown,
    "contract": contract_markdown,
    "layers": layers_markdown,
}


def render_markers(markdown: str) -> str:
    """`markdown` with every generated-block marker replaced by its block."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"unknown generated block '{name}' (known: {', '.join(GENERATORS)})")
        return GENERATORS[name]()

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs event: fill in the generated blocks of a page."""
    return render_markers(markdown)
