"""Colours of a style, ``#rrggbb``, ``gray(g)`` or ``cmyk(c, m, y, k)``, and how the PDF draws them.

A press prints black and grey with one ink (K) only when the PDF says so: DeviceGray (the
``g``/``G`` operators) or DeviceCMYK ``0 0 0 k``. An RGB grey (``0.11 0.11 0.11 rg``) is
separated into all four inks (about 280% for #1c1c1c), which no printer accepts for body
text. So:

- ``gray(g)`` is DeviceGray, PDF's own scale: 0 is black (solid K), 1 is white (paper);
- ``#rrggbb`` with r = g = b is drawn as the same DeviceGray level, never as RGB;
- ``cmyk(c, m, y, k)`` with c = m = y = 0 is the DeviceGray level 1 − k (the same K ink);
- any other ``cmyk()`` is DeviceCMYK only in a plain PDF (``--pdf-a none``). PDF/A-1 and -2
  forbid DeviceCMYK beside our sRGB OutputIntent, so under PDF/A it is converted to RGB
  (naively: r = (1 − c)(1 − k) …), and the build says so in a note (``cmyk_notes``);
- any other ``#rrggbb`` is DeviceRGB.

Each component is a number from 0 to 1; ``validate`` gives the message for a value that is none
of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"\s*(\d+(?:\.\d+)?|\.\d+)\s*"
_HEX = re.compile(r"#([0-9a-fA-F]{6})")
_GRAY = re.compile(rf"gray\({_NUMBER}\)")
_CMYK = re.compile(rf"cmyk\({_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}\)")
FORMS = "#rrggbb, gray(g) or cmyk(c, m, y, k) with each number from 0 to 1 (gray(0) is black)"


@dataclass(frozen=True)
class Colour:
    space: str
    """``gray``, ``rgb`` or ``cmyk``: the PDF colour space it is drawn in."""
    values: tuple[float, ...]

    def operator(self, stroke: bool = False) -> str:
        """The content-stream operator that sets it, e.g. ``0 g`` or ``0.09 0.376 0.29 rg``."""
        name = {"gray": "g", "rgb": "rg", "cmyk": "k"}[self.space]
        return f"{' '.join(_num(v) for v in self.values)} {name.upper() if stroke else name}"

    @property
    def rgb(self) -> tuple[float, float, float]:
        if self.space == "gray":
            return (self.values[0],) * 3
        if self.space == "rgb":
            return self.values  # type: ignore[return-value]
        c, m, y, k = self.values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def _num(value: float) -> str:
    """Three decimals, as the text of layout.pages.cjk has always been written."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def parse_colour(text: str, device_cmyk: bool = True) -> Colour | None:
    """The colour ``text`` writes, in the space it is drawn in; None if it is no colour.
    With ``device_cmyk`` False (PDF/A), a chromatic cmyk() becomes RGB."""
    text = str(text).strip()
    if match := _HEX.fullmatch(text):
        value = match.group(1)
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
        if r == g == b:
            return Colour("gray", (round(r / 255, 4),))
        return Colour("rgb", (r / 255, g / 255, b / 255))
    if match := _GRAY.fullmatch(text):
        level = float(match.group(1))
        return Colour("gray", (level,)) if level <= 1 else None
    if match := _CMYK.fullmatch(text):
        c, m, y, k = (float(v) for v in match.groups())
        if max(c, m, y, k) > 1:
            return None
        if c == m == y == 0:
            return Colour("gray", (round(1 - k, 4),))
        colour = Colour("cmyk", (c, m, y, k))
        return colour if device_cmyk else Colour("rgb", tuple(round(v, 4) for v in colour.rgb))
    return None


def validate(text: object) -> str | None:
    """What is wrong with ``text`` as a colour (None if nothing)."""
    if isinstance(text, str) and parse_colour(text) is not None:
        return None
    if isinstance(text, str) and (_GRAY.fullmatch(text.strip()) or _CMYK.fullmatch(text.strip())):
        return f"'{text}' has a number above 1; write {FORMS}"
    return f"'{text}' is not a colour; write {FORMS}"


def is_device_cmyk(text: str) -> bool:
    colour = parse_colour(text)
    return colour is not None and colour.space == "cmyk"


def fill_operator(text: str, device_cmyk: bool = True) -> str:
    return _parse(text, device_cmyk).operator()


def _parse(text: str, device_cmyk: bool) -> Colour:
    colour = parse_colour(text, device_cmyk)
    if colour is None:
        raise ValueError(f"not a colour: {text!r}")  # styles are validated when loaded
    return colour


def set_fill(canvas, text: str, device_cmyk: bool = True) -> None:
    """Set ``canvas``'s fill colour to ``text`` in its own colour space (see the module)."""
    _set(_parse(text, device_cmyk), canvas.setFillGray, canvas.setFillColorCMYK, canvas.setFillColorRGB)


def set_stroke(canvas, text: str, device_cmyk: bool = True) -> None:
    """Set ``canvas``'s stroke colour to ``text`` in its own colour space."""
    _set(_parse(text, device_cmyk), canvas.setStrokeGray, canvas.setStrokeColorCMYK, canvas.setStrokeColorRGB)


def _set(colour: Colour, gray, cmyk, rgb) -> None:
    {"gray": gray, "cmyk": cmyk}.get(colour.space, rgb)(*colour.values)


def reportlab_colour(text: str, device_cmyk: bool = True):
    """A ReportLab colour object, for ReportLab flowables that take one (``HRFlowable``):
    DeviceGray has none, so a grey becomes K-only CMYK where CMYK is allowed, else RGB."""
    from reportlab.lib.colors import CMYKColor, Color

    colour = _parse(text, device_cmyk)
    if colour.space == "cmyk" or (colour.space == "gray" and device_cmyk):
        values = colour.values if colour.space == "cmyk" else (0, 0, 0, 1 - colour.values[0])
        return CMYKColor(*values)
    return Color(*colour.rgb)
