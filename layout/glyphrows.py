"""A built page's glyphs as rows of text: what the typography audit measures.

pdfplumber gives each glyph with its text matrix; the glyphs on one baseline (the
matrix's y, exact for every font) inside the type area are one ``Row``, sorted by x,
spaces kept apart. A row of a table (``/Table`` marked content) is marked as such; the
stretches of a row separated by a wide gap are its segments (``Row.segments``), a
table row's cells (``cells``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import TypeVar

from layout.styles import Style

T = TypeVar("T")

SEGMENT_GAP = 1.5
"""Ems: a wider horizontal gap splits a row into segments (table cells)."""
BASELINE_TOLERANCE = 1.0
"""Points: glyphs this close vertically share a baseline."""
CELL_GAP = 0.75
"""Ems: a wider gap between two glyphs of a table row separates two cells."""


@dataclass(frozen=True)
class TextFrame:
    """The type area, in points from the page's top-left corner (pdfplumber's coordinates)."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def from_style(cls, style: Style) -> TextFrame:
        page = style.page
        return cls(page.margin_left.pt(), page.margin_top.pt(), page.width.pt() - page.margin_right.pt(),
                   page.height.pt() - page.margin_bottom.pt())


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    size: float
    after_space: bool = False
    """A space glyph lies between this glyph and the one before it."""
    family: str = ""
    """The font's family (``NotoSerifSC`` of ``ABCDEF+NotoSerifSC-Bold``): bold is the same family."""


@dataclass
class Row:
    """The glyphs of one baseline inside the frame (spaces kept apart)."""

    page: int
    """1-based page number in the file."""
    baseline: float
    glyphs: list[Glyph]
    spaces: int
    table: bool = False
    """The row is a table's (its glyphs are in ``/Table`` marked content): cells side by side,
    so only the checks of single lines apply, not those of justified paragraphs."""

    @cached_property  # a row is read many times, never changed
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @cached_property
    def size(self) -> float:
        sizes = [round(g.size, 2) for g in self.glyphs]
        return max(set(sizes), key=sizes.count)

    @cached_property
    def family(self) -> str:
        families = [g.family for g in self.glyphs]
        return max(sorted(set(families)), key=families.count)

    def segments(self) -> list[list[Glyph]]:
        return split_at_gaps(self.glyphs, SEGMENT_GAP)


def baseline_of(char: dict, page_height: float) -> float:
    """A glyph's baseline in points from the page's top: its text matrix's y (exact for every
    font, where boxes differ with the font's metrics)."""
    matrix = char.get("matrix")
    return page_height - matrix[5] if matrix else float(char["bottom"])


def by_baseline(placed: list[tuple[float, T]]) -> list[list[tuple[float, T]]]:
    """``(baseline, item)`` pairs in lines, top to bottom: an item within ``BASELINE_TOLERANCE``
    of a line's first baseline joins that line."""
    lines: list[list[tuple[float, T]]] = []
    for baseline, item in sorted(placed, key=lambda pair: pair[0]):
        if lines and baseline - lines[-1][0][0] <= BASELINE_TOLERANCE:
            lines[-1].append((baseline, item))
        else:
            lines.append([(baseline, item)])
    return lines


def read_rows(page_number: int, chars: list[dict], page_height: float, frame: TextFrame) -> list[Row]:
    """The rows of glyphs on one page inside ``frame`` (pdfplumber ``chars``), top to bottom."""
    placed = [(baseline, char) for char in chars
              if frame.top - BASELINE_TOLERANCE <= (baseline := baseline_of(char, page_height))
              <= frame.bottom + BASELINE_TOLERANCE]
    groups = by_baseline(placed)
    rows = []
    for group in groups:
        chars_in_row = [char for _, char in group]  # pdfplumber keeps drawing order: a stable sort
        chars_in_row.sort(key=lambda c: c["x0"])
        glyphs = []
        spaced = False
        for c in chars_in_row:
            if c["text"].isspace():
                spaced = True
                continue
            glyphs.append(Glyph(c["text"], float(c["x0"]), float(c["x1"]), float(c["size"]), spaced,
                                _family(c.get("fontname", ""))))
            spaced = False
        if glyphs:
            table = all(c.get("tag") == "Table" for c in chars_in_row)
            rows.append(Row(page_number, group[0][0], glyphs, len(chars_in_row) - len(glyphs), table))
    return rows


@cache
def _family(fontname: str) -> str:
    return fontname.split("+")[-1].split("-")[0]


def cells(row: Row) -> list[list[Glyph]]:
    """A table row's glyphs, cell by cell (a gap wider than ``CELL_GAP`` ems between cells)."""
    return split_at_gaps(row.glyphs, CELL_GAP)


def split_at_gaps(glyphs: list[Glyph], ems: float) -> list[list[Glyph]]:
    """``glyphs`` (left to right) in runs, a new one after every gap wider than ``ems`` of the
    next glyph's size."""
    out = [[glyphs[0]]]
    for before, glyph in zip(glyphs, glyphs[1:]):
        if glyph.x0 - before.x1 > ems * glyph.size:
            out.append([])
        out[-1].append(glyph)
    return out
