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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from layout.errors import InputError, Location, Problem, quote

if TYPE_CHECKING:
    import jsonschema

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
    source: str = ""
    spans: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    """Where each text scalar is in ``source`` (start and end character index)."""

    def locate(self, path: KeyPath, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), else its nearest parent."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe not in marks and probe:
            probe = probe[:-1]
        line, column = marks.get(probe, (1, 1))
        return Location(self.path, line, column)

    def segments(self, path: KeyPath) -> list[tuple[str, Location]]:
        """The text at ``path`` cut into pieces that each stand verbatim on one source line,
        with where each starts: so a character can be reported at its own line and column.
        Pieces YAML rewrote (escapes) are placed at the nearest piece before them."""
        value = self.data
        for part in path:
            value = value[part]
        start, end = self.spans.get(tuple(path), (0, 0))
        here = self.locate(path)
        if not isinstance(value, str) or end <= start:
            return [(value, here)] if isinstance(value, str) else []
        out: list[tuple[str, Location]] = []
        cursor = start
        for line in value.split("\n"):
            whole = self.source.find(line.strip(), cursor, end) if line.strip() else -1
            for piece in ([line.strip()] if whole >= 0 else line.split()):
                found = whole if whole >= 0 else self.source.find(piece, cursor, end)
                if found < 0:
                    out.append((piece, self._location_of(cursor)))
                    continue
                out.append((piece, self._location_of(found)))
                cursor = found + len(piece)
        return out

    def locate_char(self, path: KeyPath, char: str) -> Location:
        """Where ``char`` of the text at ``path`` is in the file: the character itself, or
        the escape (``\\a``, ``\\x1b``, ``\\u2028`` …) a double-quoted scalar wrote it as."""
        start, end = self.spans.get(tuple(path), (0, 0))
        if end > start:
            found = self.source.find(char, start, end)
            if found >= 0:
                return self._location_of(found)
            for match in _ESCAPE.finditer(self.source, start, end):
                if _unescape(match.group()) == char:
                    return self._location_of(match.start())
        return self.locate(path)

    def _location_of(self, index: int) -> Location:
        line_start = self.source.rfind("\n", 0, index) + 1
        return Location(self.path, self.source.count("\n", 0, index) + 1, index - line_start + 1)

    def problem(self, path: KeyPath, message: str, *, key: bool = False) -> Problem:
        return Problem(self.locate(path, key=key), message, format_key_path(path))


_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SHORT_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
                  "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _unescape(escape: str) -> str:
    """The character a YAML double-quoted escape stands for."""
    if len(escape) > 2:
        return chr(int(escape[2:], 16))
    return _SHORT_ESCAPES.get(escape[1], escape[1])


def read_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; raise InputError (with a location) if it is not readable YAML."""
    try:
        # The size is known before a byte is read, and the read is bounded all the same
        # (a pipe or a device reports no size): a 1 GB file costs nothing.
        size = path.stat().st_size
        if size <= MAX_BYTES:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            size = len(raw)
    except FileNotFoundError:
        raise InputError([Problem(Location(path), "file not found; check the path")]) from None
    except IsADirectoryError:
        raise InputError([Problem(Location(path), "is a folder, not a file; name the .yaml file inside it "
                                  "(an edition is issues/<edition>.yaml)")]) from None
    except PermissionError:
        raise InputError([Problem(Location(path), "cannot read the file (permission denied); check its "
                                  "permissions or run as a user who may read it")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(path), f"cannot read the file ({exc.strerror}); check the path "
                                  "and that the file is a regular, readable file")]) from None
    if size > MAX_BYTES:
        shown = f"{size:,} bytes, " if size > MAX_BYTES + 1 else ""  # a pipe's size is unknown
        raise InputError([Problem(Location(path, 1, 1),
                                  f"file is {shown}over the {MAX_BYTES:,}-byte limit; "
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
    # Lines are counted as editors count them: a lone CR (old Mac files) is a line break, as
    # PyYAML takes it. U+2028, U+2029 and NEL PyYAML would count too, where editors do not:
    # it reads them as stand-ins of the same length (so every index still matches the
    # file), and the values get them back, for load to report at their own line and column.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        node = _compose(text.translate(_STAND_INS))
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(path, text, exc)]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise InputError([Problem(Location(path, line, column),
                                  f"control character U+{code:04X} is not allowed in YAML; "
                                  "delete it (it is invisible: retype the text around it)")]) from None
    except RecursionError:
        raise InputError([Problem(Location(path, 1, 1), "the document is nested too deeply; "
                                  "flatten the brackets and indentation")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Location(path, 1, 1), f"YAML error: {exc}; fix the syntax")]) from None
    if node is None:
        raise InputError([Problem(Location(path, 1, 1), "file has only comments; "
                                  "see issues/2021-10.yaml for the format")])
    doc = YamlDocument(path, None, {}, {}, text)
    lines = text.split("\n")
    _check_expansion(path, node, lines)
    walker = _Walker(doc, lines)
    doc.data = walker.plain(node, ())
    if walker.problems:
        raise InputError(walker.problems)
    return doc


def _compose(text: str) -> yaml.Node | None:
    """PyYAML's node tree of ``text``: from libyaml where PyYAML has it (ten times faster, the
    same nodes and marks), and for a text libyaml refuses, from PyYAML's own parser, whose
    messages the advice below is written for."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError):
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


_STAND_INS = {0x2028: 0xFDD0, 0x2029: 0xFDD1, 0x85: 0xFDD2}
"""Line separators PyYAML would count as line breaks → noncharacters it reads as text."""
_RESTORE = {value: key for key, value in _STAND_INS.items()}


# What PyYAML says → what the editor should do, keyed by a fragment of its message.
_SYNTAX_ADVICE = (
    ("quoted scalar", "a quoted text that starts here is never closed; add the closing quote"),
    ("flow sequence", "a '[' list that starts here is never closed or has a stray character; "
                      "close it with ']' and separate items with commas"),
    ("flow mapping", "a '{' mapping that starts here is never closed or has a stray character; "
                     "close it with '}' and separate entries with commas"),
    ("mapping values are not allowed", "a ':' followed by a space inside a value; put the whole "
                                       "value in quotes"),
    ("undefined alias", "an alias (*name) with no matching anchor (&name); define the anchor "
                        "or write the value out"),
    ("another document", "a second document (a '---' line); keep one edition per file"),
    ("cannot start any token", "a character that cannot start a value; put the value in quotes"),
    ("<block end>", "the indentation does not line up with the lines above; indent keys at "
                    "the same level with the same number of spaces"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor a list item; "
                                    "add the ':' or put the text in quotes"),
)


def _syntax_problem(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error at the most useful of PyYAML's two marks, with advice."""
    message = f"{exc.context or ''} {exc.problem or ''}"
    mark = exc.problem_mark or exc.context_mark
    advice = "fix the syntax at this point"
    for fragment, hint in _SYNTAX_ADVICE:
        if fragment in message:
            advice = hint
            # An unclosed quote or bracket is found at the end of the file: point at its start.
            if fragment in ("quoted scalar", "flow sequence", "flow mapping") and exc.context_mark:
                mark = exc.context_mark
            break
    lines = text.split("\n")
    if exc.problem_mark and "\t" in (lines[exc.problem_mark.line:exc.problem_mark.line + 1] or [""])[0]:
        mark = exc.problem_mark
        advice = "a tab character: YAML indents with spaces only; replace the tab with spaces"
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = (exc.problem or "invalid YAML").strip()
    return Problem(Location(path, line, column), f"YAML syntax error ({what}); {advice}")


def _check_expansion(path: Path, root: yaml.Node, lines: list[str]) -> None:
    """Refuse documents whose aliases expand to too many values or contain themselves,
    counting each shared node once (an alias bomb is rejected in milliseconds)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise InputError([Problem(Location(path, *_position(node, lines)), "an alias refers to a value "
                                      "that contains it; remove the anchors and aliases")])
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        open_nodes.discard(key)
        if total > MAX_NODES:
            raise InputError([Problem(Location(path, *_position(node, lines)),
                                      f"this value expands to more than {MAX_NODES:,} values (an alias bomb?); "
                                      "remove the anchors and aliases")])
        sizes[key] = total
        return total

    try:
        size(root)
    except RecursionError:
        raise InputError([Problem(Location(path, 1, 1), "the document is nested too deeply; "
                                  "flatten the brackets and indentation")]) from None


# Tags a plain-data document may carry; anything else (!!python/object, !custom) is refused.
_CORE_TAGS = {f"tag:yaml.org,2002:{name}" for name in
              ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
MAX_DEPTH = 64


class _Walker:
    def __init__(self, doc: YamlDocument, lines: list[str]):
        self.doc = doc
        self.lines = lines
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def plain(self, node: yaml.Node, path: KeyPath) -> Any:
        self.doc.value_marks[path] = position = _position(node, self.lines)
        if len(path) > MAX_DEPTH:
            raise InputError([Problem(Location(self.doc.path, *position), f"values nested more than "
                                      f"{MAX_DEPTH} levels deep; flatten the structure")])
        if node.tag not in _CORE_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(Location(self.doc.path, *position), f"the tag '{tag}' is not "
                                         "allowed (only plain data is read); remove the tag",
                                         format_key_path(path)))
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(Location(self.doc.path, *_position(key_node, self.lines)),
                                                 "merge keys ('<<') are not supported; write the keys out",
                                                 format_key_path(path)))
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _CORE_TAGS:
                    self.problems.append(Problem(Location(self.doc.path, *_position(key_node, self.lines)),
                                                 "a key must be a plain word; write it as name: value", format_key_path(path)))
                    continue
                key = key_node.value.translate(_RESTORE)
                if key in out:
                    self.problems.append(Problem(Location(self.doc.path, *_position(key_node, self.lines)),
                                                 f"duplicate key {quote(key)}; keep only one",
                                                 format_key_path(path)))
                self.doc.key_marks[path + (key,)] = _position(key_node, self.lines)
                out[key] = self.plain(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:str":
            self.doc.spans[path] = (node.start_mark.index, node.end_mark.index)
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        """Numbers, booleans and null as such; everything else (dates too) as text."""
        tag = node.tag.rsplit(":", 1)[-1]
        if tag in ("int", "float", "bool", "null"):
            try:
                return getattr(self.constructor, f"construct_yaml_{tag}")(node)
            except (ValueError, KeyError, yaml.YAMLError):
                self.problems.append(Problem(Location(self.doc.path, *_position(node, self.lines)),
                                             f"{quote(node.value)} is not a valid {tag}; remove the '!!{tag}' tag",
                                             format_key_path(path)))
                return None
        return node.value.translate(_RESTORE)


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
    import jsonschema  # here: check reads no YAML and need not import it

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
            out.append(doc.problem(path + (key,), f"unknown key {quote(key)}; {advice}", key=True))
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
        return [doc.problem(path, f"{quote(error.instance)} is not valid here; {hint or 'see the schema'}")]
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return [doc.problem(path, f"{quote(error.instance)} is not one of: {options}; write one of them")]
    return [doc.problem(path, f"{quote(error.message, 80)} ({kind}); {hint or 'see the schema'}")]


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
    return quote(value)
