"""``styles/<name>.yaml`` → a typed, validated ``Style``.

Every size, margin, colour, font and piece of Chinese wording of the layout lives in the
style file; ``layout.style_model`` gives each a type, a default and a line of
documentation, and this module loads a file into them, rejecting what it does not know
(``body.font_szie: unknown key; did you mean font_size?``) and values out of their range
(``layout.style_values``).

Lengths are written with a unit: ``10.5pt``, ``18mm``, ``1.2cm``, ``0.5in``, or ``2em``
(relative to the text style's own size, where that makes sense). A style may start
from another with ``base: briefing`` and override only what differs.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

from layout import colour
from layout.errors import InputError, Location, Problem
from layout.publication import find_style, font_dirs, is_path
# The typed options live in layout.style_model; the program imports these from here.
from layout.style_model import FontsStyle, Length, Style, TextStyle, TextStyles, _len  # noqa: F401
from layout.style_values import TEMPLATE_FIELDS, check_values, template_problem
from layout.yamlfile import KeyPath, YamlDocument, format_key_path, read_yaml

# -- loading ------------------------------------------------------------------

def load_style(path: Path, publication: Path | None = None) -> Style:
    """The style at ``path`` (found with ``layout.publication.find_style``), merged over its
    ``base:`` chain. Its ``fonts.dirs`` become absolute, a derived style's before its base's,
    followed by ``publication``'s fonts/ and the built-in fonts (layout.publication)."""
    data, docs = _read_with_bases(path, publication, seen=())
    problems: list[Problem] = []
    converter = _Converter(docs, problems)
    data.pop("base", None)
    style = converter.convert(Style, data, ())
    if problems:
        raise InputError(problems)
    locations = {key: doc.locate(key) for doc, _ in docs for key in doc.value_marks}
    dirs = [*style.fonts.dirs, *(str(folder) for folder in font_dirs(publication))]
    style = dataclasses.replace(style, path=path, locations=locations,
                                fonts=dataclasses.replace(style.fonts, dirs=list(dict.fromkeys(dirs))))
    _check_references(style, converter, problems)
    check_values(style, converter.problem)
    if problems:
        raise InputError(problems)
    return style


def _read_with_bases(path: Path, publication: Path | None,
                     seen: tuple[Path, ...]) -> tuple[dict, list[tuple[YamlDocument, dict]]]:
    """Merge ``path`` over its ``base:`` chain. Returns data and, per file, its doc and keys."""
    not_a_style = InputError([Problem(Location(path), "not a style file; a style is a YAML mapping of sections "
                                      "such as base:, page:, fonts:, text:, wording: (see styles/briefing.yaml)")])
    try:
        doc = read_yaml(path)
    except InputError:
        if path.suffix in (".yaml", ".yml") or not path.is_file():
            raise
        raise not_a_style from None
    sections = {f.name for f in dataclasses.fields(Style) if f.name not in _SET_BY_LOADER} | {"base"}
    if not isinstance(doc.data, dict) or not sections & set(doc.data):
        # Not a style at all (a text file, an edition, /etc/passwd): one line, nothing of it echoed.
        raise not_a_style
    docs = [(doc, doc.data)]
    data = _absolute_font_dirs(doc.data, path.parent)
    base = doc.data.get("base")
    if base is None:
        return data, docs
    try:
        base_path = find_style(str(base), publication, first=path.parent, relative_to=path.parent)
    except InputError as exc:
        message = exc.problems[0].message
        raise InputError([doc.problem(("base",), "base " + message)]) from None
    if base_path.resolve() == path.resolve() and not is_path(str(base)):
        # styles/briefing.yaml with ``base: briefing``: the built-in style of that name.
        base_path = find_style(str(base), None)
    if base_path.resolve() in seen or base_path.resolve() == path.resolve():
        raise InputError([doc.problem(("base",), f"base style refers back to itself; name a style in {path.parent}")])
    merged, base_docs = _read_with_bases(base_path, publication, seen + (path.resolve(),))
    combined = _deep_merge(merged, data)
    base_dirs = merged.get("fonts", {}).get("dirs") if isinstance(merged.get("fonts"), dict) else None
    own_dirs = data.get("fonts", {}).get("dirs") if isinstance(data.get("fonts"), dict) else None
    if isinstance(base_dirs, list) and isinstance(own_dirs, list):
        # A derived style keeps its base's font folders, after its own.
        combined["fonts"]["dirs"] = list(dict.fromkeys([*own_dirs, *base_dirs]))
    elif isinstance(base_dirs, list) and isinstance(combined.get("fonts"), dict):
        combined["fonts"].setdefault("dirs", base_dirs)
    return combined, base_docs + docs


def _absolute_font_dirs(data: dict, folder: Path) -> dict:
    """``data`` with ``fonts.dirs`` made absolute, relative to ``folder`` (the style file's)."""
    fonts = data.get("fonts")
    if not isinstance(fonts, dict):
        return dict(data)
    dirs = fonts.get("dirs", ["../fonts"])
    if not isinstance(dirs, list):
        return dict(data)
    absolute = [entry if not isinstance(entry, str) or entry.startswith("~") or Path(entry).is_absolute()
                else str((folder / entry).resolve()) for entry in dirs]
    return {**data, "fonts": {**fonts, "dirs": absolute}}


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


_SET_BY_LOADER = ("path", "locations", "device_cmyk")


class _Converter:
    """Turns plain YAML data into the dataclasses above, following their type hints."""

    def __init__(self, docs: list[tuple[YamlDocument, dict]], problems: list[Problem]):
        self.docs = docs
        self.problems = problems

    def locate(self, path: KeyPath, key: bool = False) -> Location:
        """The most specific location of ``path`` in the last file that sets it."""
        best = None
        for doc, _ in self.docs:
            marks = doc.key_marks if key else doc.value_marks
            if tuple(path) in marks:
                best = doc.locate(path, key=key)
        return best or self.docs[-1][0].locate(path, key=key)

    def problem(self, path: KeyPath, message: str, key: bool = False) -> None:
        self.problems.append(Problem(self.locate(path, key), message, format_key_path(path)))

    def convert(self, kind: Any, value: Any, path: KeyPath) -> Any:
        origin = typing.get_origin(kind)
        if kind is Length:
            return self._length(value, path)
        if dataclasses.is_dataclass(kind):
            return self._dataclass(kind, value, path)
        if origin in (types.UnionType, typing.Union):
            options = [k for k in typing.get_args(kind) if k is not type(None)]
            return None if value is None else self.convert(options[0], value, path)
        if origin is Literal:
            choices = typing.get_args(kind)
            if value not in choices:
                self.problem(path, f"'{value}' is not one of: {', '.join(choices)}")
            return value
        if origin is list:
            if not isinstance(value, list):
                self.problem(path, "expected a list, e.g. [a, b]")
                return []
            return [self.convert(typing.get_args(kind)[0], v, path + (i,)) for i, v in enumerate(value)]
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(path, "expected a mapping of name: value")
                return {}
            return {k: self.convert(typing.get_args(kind)[1], v, path + (k,)) for k, v in value.items()}
        if kind is str:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.problem(path, "expected text")
                return ""
            return str(value)
        if kind is bool:
            if not isinstance(value, bool):
                self.problem(path, "expected true or false")
                return False
            return value
        if kind is int:
            if not isinstance(value, int) or isinstance(value, bool):
                self.problem(path, "expected a whole number")
                return 0
            return value
        if kind is Path:
            return Path(value)
        raise TypeError(f"no conversion for {kind}")

    def _dataclass(self, kind: type, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping with keys such as "
                               f"{', '.join(f.name for f in dataclasses.fields(kind))[:80]}")
            return None
        hints = typing.get_type_hints(kind)
        known = [f.name for f in dataclasses.fields(kind) if f.name not in _SET_BY_LOADER]
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                advice = f"did you mean {close[0]}?" if close else f"known keys: {', '.join(known)}"
                self.problem(path + (key,), f"unknown key; {advice}", key=True)
        kwargs = {}
        for f in dataclasses.fields(kind):
            if f.name in value:
                kwargs[f.name] = self.convert(hints[f.name], value[f.name], path + (f.name,))
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                if f.name not in _SET_BY_LOADER:
                    self.problem(path, f"missing required key '{f.name}'; add it")
                    return None
        return kind(**kwargs)

    def _length(self, value: Any, path: KeyPath) -> Length:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
            return Length(0.0, "pt")
        if isinstance(value, str) and re.fullmatch(r"-?\d+(?:\.\d+)?(pt|mm|cm|in|em)", value.strip()):
            return _len(value.strip())
        self.problem(path, f"'{value}' is not a length; write a number with a unit: pt, mm, cm, in or em "
                           "(e.g. 10.5pt, 18mm)")
        return Length(0.0, "pt")


def _check_wording(style: Style, converter: _Converter) -> None:
    """Every template may use only its own fields, plainly formatted (layout.style_values)."""
    for key, fields in TEMPLATE_FIELDS.items():
        template = getattr(style.wording, key, None)
        problem = template_problem(template, fields) if template is not None else None
        if problem:
            converter.problem(("wording", key), problem)
    problem = template_problem(style.page.folio_format, ("n",))
    if problem:
        converter.problem(("page", "folio_format"), problem)
    if len(style.wording.numerals) != 10:
        converter.problem(("wording", "numerals"), f"has {len(style.wording.numerals)} characters; "
                                                   "write the ten digits 0-9, e.g. 零一二三四五六七八九")


def _check_references(style: Style, converter: _Converter, problems: list[Problem]) -> None:
    """Every font and colour a style names must exist."""
    _check_wording(style, converter)
    _check_table(style, converter)
    faces = style.fonts.faces
    for name, face in faces.items():
        for i, other in enumerate(face.fallback):
            if other not in faces:
                converter.problem(("fonts", "faces", name, "fallback", i),
                                  f"no face named '{other}'; faces: {', '.join(faces)}")
    for name, value in style.colors.items():
        if (problem := colour.validate(value)) is not None:
            converter.problem(("colors", name), problem)
    for role in dataclasses.fields(TextStyles):
        text: TextStyle = getattr(style.text, role.name)
        for key in ("font", "bold_font"):
            value = getattr(text, key)
            if value is not None and value not in faces:
                converter.problem(("text", role.name, key), f"no face named '{value}'; faces: {', '.join(faces)}")
        if text.color not in style.colors and colour.validate(text.color) is not None:
            converter.problem(("text", role.name, "color"), f"'{text.color}' is neither a colour name "
                                                            f"({', '.join(style.colors)}) nor {colour.FORMS}")
    for section, key in (("cover", "band_color"), ("cover", "rule_color"), ("headings", "chapter_rule_color"),
                         ("back", "rule_color")):
        value = getattr(getattr(style, section), key)
        if value not in style.colors and colour.validate(value) is not None:
            converter.problem((section, key), f"'{value}' is neither a colour name ({', '.join(style.colors)}) "
                                              f"nor {colour.FORMS}")


def _check_table(style: Style, converter: _Converter) -> None:
    """The ``table:`` section: faces and colours that exist, lengths in their range."""
    table = style.table
    if table.header_font is not None and table.header_font not in style.fonts.faces:
        converter.problem(("table", "header_font"), f"no face named '{table.header_font}'; "
                                                    f"faces: {', '.join(style.fonts.faces)}")
    if table.rule_color not in style.colors and colour.validate(table.rule_color) is not None:
        converter.problem(("table", "rule_color"), f"'{table.rule_color}' is neither a colour name "
                                                   f"({', '.join(style.colors)}) nor {colour.FORMS}")
    size = style.text.table.size.pt()
    limits = {"outer_rule": (0, 6, "pt"), "inner_rule": (0, 6, "pt"), "padding_x": (0, 3, "em"),
              "padding_y": (0, 3, "em"), "caption_gap": (0, 36, "pt"), "space_before": (0, 72, "pt"),
              "space_after": (0, 72, "pt")}
    for key, (low, high, unit) in limits.items():
        value = getattr(table, key).pt(size)
        top = high * (size if unit == "em" else 1)
        if not low <= value <= top:
            converter.problem(("table", key), f"{value:g} pt is out of range; write a length from 0 to "
                                              f"{high:g}{unit}")
    min_size = table.min_size.pt(size)
    if not 4 <= min_size <= max(size, 4):
        converter.problem(("table", "min_size"), f"{min_size:g} pt is out of range; write a size from 4pt "
                                                 f"to the table text's size ({size:g}pt)")
