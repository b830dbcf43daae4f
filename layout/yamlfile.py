"""Read a YAML file into plain data, remembering where every value came from.

PyYAML's composer gives nodes with marks; we walk them ourselves instead of using
``yaml.load`` so that every key path maps to a ``file:line:col``. Only the safe core
tags are honoured (no object construction), aliases count against a node budget (an
alias bomb fails fast), duplicate keys are errors, and timestamps stay strings (the
schema decides what a date is).

``validate`` checks the data against a JSON Schema and turns each failure into a
``Problem`` at the right line, with the hint the schema carries in ``x-hint``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from layout.errors import InputError, Location, Problem

MAX_BYTES = 2_000_000
MAX_NODES = 200_000

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class YamlDocument:
    path: Path
    data: Any
    value_marks: dict[KeyPath, tuple[int, int]]
    key_marks: dict[KeyPath, tuple[int, int]]

    def locate(self, path: KeyPath, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), else its nearest parent."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe not in marks and probe:
            probe = probe[:-1]
        line, column = marks.get(probe, (1, 1))
        return Location(self.path, line, column)

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        return Problem(self.locate(path, key=key), message, format_key_path(path))


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; raise InputError (with a location) if it is not readable YAML."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(Location(path), "file not found; check the path")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(path), f"cannot read the file ({exc.strerror})")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(Location(path, 1, 1),
                                  f"file is {len(raw):,} bytes, over the {MAX_BYTES:,}-byte limit; "
                                  "split it or remove embedded data")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(Location(path, line, 1),
                                  "file is not UTF-8; save it as UTF-8 (from GB18030/GBK: "
                                  f"iconv -f GB18030 -t UTF-8 {path.name})")]) from None
    if not text.strip():
        raise InputError([Problem(Location(path, 1, 1), "file is empty; see issues/2021-10.yaml for the format")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        lines = text.splitlines()
        if line <= len(lines) and "\t" in lines[line - 1]:
            what += " (a tab character: YAML indents with spaces only)"
        raise InputError([Problem(Location(path, line, column),
                                  f"YAML syntax error: {what}; fix the syntax at this point")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(path, 1, 1), f"YAML error: {exc}")]) from None
    doc = YamlDocument(path, None, {}, {})
    walker = _Walker(doc, text.splitlines())
    doc.data = walker.plain(node, ())
    if walker.problems:
        raise InputError(walker.problems)
    return doc


class _Walker:
    def __init__(self, doc: YamlDocument, lines: list[str]):
        self.doc = doc
        self.lines = lines
        self.nodes = 0
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def plain(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError([Problem(self.doc.locate(path), f"document expands to more than {MAX_NODES:,} "
                                      "values (an alias bomb?); remove the anchors and aliases")])
        self.doc.value_marks[path] = _position(node, self.lines)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            self.constructor.flatten_mapping(node)
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(Problem(Location(self.doc.path, *_position(key_node, self.lines)),
                                                 "a key must be a plain word", format_key_path(path)))
                    continue
                key = key_node.value
                if key in out:
                    self.problems.append(Problem(Location(self.doc.path, *_position(key_node, self.lines)),
                                                 f"duplicate key '{key}'; keep only one",
                                                 format_key_path(path)))
                self.doc.key_marks[path + (key,)] = _position(key_node, self.lines)
                out[key] = self.plain(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """Numbers, booleans and null as such; everything else (dates too) as text."""
        tag = node.tag.rsplit(":", 1)[-1]
        if tag in ("int", "float", "bool", "null"):
            return getattr(self.constructor, f"construct_yaml_{tag}")(node)
        return node.value


def _position(node: yaml.Node, lines: list[str]) -> tuple[int, int]:
    mark = node.start_mark
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and mark.line + 1 < len(lines):
        # Block scalar: the content starts on the line after the indicator.
        first = lines[mark.line + 1]
        return mark.line + 2, len(first) - len(first.lstrip(" ")) + 1
    return mark.line + 1, mark.column + 1


_TYPE_NAMES = {"string": "text", "object": "a mapping (key: value)", "array": "a list",
               "integer": "a whole number", "number": "a number", "boolean": "true or false"}


def validate(doc: YamlDocument, schema: dict) -> list[Problem]:
    """Every schema violation of ``doc`` as a Problem, in document order."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(doc.data):
        problems.extend(_explain(doc, error))
    return problems


def _explain(doc: YamlDocument, error: jsonschema.ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("x-hint")
    kind = error.validator
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        out = []
        for key in sorted(set(error.instance) - set(known)):
            close = difflib.get_close_matches(key, known, n=1)
            advice = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            out.append(doc.problem(path + (key,), f"unknown key '{key}'; {advice}", key=True))
        return out
    if kind == "required":
        missing = error.message.split("'")[1]
        field_hint = schema.get("properties", {}).get(missing, {}).get("x-hint")
        advice = field_hint or "add it"
        return [doc.problem(path, f"missing required field '{missing}'; {advice}")]
    if kind == "type":
        want = error.validator_value
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in (want if isinstance(want, list) else [want]))
        got = _describe(error.instance)
        return [doc.problem(path, f"expected {want}, found {got}; {hint or 'change the value'}")]
    if kind in ("minItems", "minLength"):
        what = "list is empty" if kind == "minItems" else "text is empty"
        return [doc.problem(path, f"{what}; {hint or 'fill it in or remove the key'}")]
    if kind == "pattern":
        return [doc.problem(path, f"'{error.instance}' is not valid here; {hint or error.message}")]
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return [doc.problem(path, f"'{error.instance}' is not one of: {options}")]
    return [doc.problem(path, f"{error.message}; {hint or 'see the schema'}")]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"'{value}' (true/false)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'"
