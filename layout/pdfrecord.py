"""What the build records in the PDF so that ``briefing check`` needs nothing but the PDF.

Two things, both written while the file is finished (before it is validated):

- every page's ``/ArtBox`` (a standard page box, allowed by PDF/A) is the type area: the
  page less the style's margins, the frame the typography audit measures against;
- the document information dictionary's ``/BriefingLayout`` is a JSON string with the style's ``page``, ``text`` and
  ``typography`` sections as numbers (sizes, leadings, indents, alignment, the Han–Latin gap,
  the widow and 孤字 limits): the values the audit needs to recognise body text and headings.
  A custom Info entry is ignored by viewers, allowed by PDF/A (it has no XMP counterpart to
  agree with) and accepted by both validators; a private catalog key is not.

``read_layout`` turns the record back into a ``Style`` (fonts and wording left empty).
"""

from __future__ import annotations

import dataclasses
import json
import typing

import pikepdf

from layout.styles import FontsStyle, Length, Style

KEY = "/BriefingLayout"
SECTIONS = ("page", "text", "typography")
VERSION = 1


def record_layout(pdf: pikepdf.Pdf, style: Style, variant: str) -> None:
    """Write the type area, the style's layout numbers and the ``--pdf-a`` variant into ``pdf``."""
    page = style.page
    box = [page.margin_left.pt(), page.margin_bottom.pt(), page.width.pt() - page.margin_right.pt(),
           page.height.pt() - page.margin_top.pt()]
    for each in pdf.pages:
        each.obj.ArtBox = pikepdf.Array([round(value, 3) for value in box])
    record = {"version": VERSION, "pdf_a": variant, **{name: _dump(getattr(style, name)) for name in SECTIONS}}
    pdf.docinfo[KEY] = pikepdf.String(json.dumps(record, ensure_ascii=True, sort_keys=True, separators=(",", ":")))


def read_record(pdf: pikepdf.Pdf) -> dict:
    """The raw record (empty if there is none or it is not JSON)."""
    try:
        record = json.loads(str(pdf.docinfo.get(KEY, "")))
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def read_layout(pdf: pikepdf.Pdf) -> Style | None:
    """The style recorded by ``record_layout``, or None if the PDF has no (readable) record."""
    record = read_record(pdf)
    try:
        sections = {name: _load(typing.get_type_hints(Style)[name], record[name]) for name in SECTIONS}
        return Style(fonts=FontsStyle(faces={}), **sections)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _dump(value: object) -> object:
    if isinstance(value, Length):
        return [value.value, value.unit]
    if dataclasses.is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_dump(item) for item in value]
    return str(value)


def _load(kind: type, data: object) -> object:
    if kind is Length:
        value, unit = data
        return Length(float(value), str(unit))
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _load(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.name in data})
    return data
