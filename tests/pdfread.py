"""Reading a built PDF back the way a reader (or an archivist) sees it.

Only the PDF is consulted: text and positions via pdfplumber, structure (outline, page
labels, annotations, fonts) via pypdf. Nothing here imports the program under test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pdfplumber
from pypdf import PdfReader
from pypdf.generic import IndirectObject

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
    "Times-BoldItalic", "Symbol", "ZapfDingbats",
}


@dataclass(frozen=True)
class Line:
    """A line of glyphs sharing a baseline: text, left/right x, baseline y from the top, size."""

    text: str
    x0: float
    x1: float
    top: float
    size: float
    fonts: frozenset[str]


class Pdf:
    def __init__(self, path: Path):
        self.path = path
        self.reader = PdfReader(path)
        with pdfplumber.open(path) as pdf:
            self.page_height = float(pdf.pages[0].height)
            self.page_width = float(pdf.pages[0].width)
            self.lines: list[list[Line]] = [_lines(page.chars) for page in pdf.pages]

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def labels(self) -> list[str]:
        return list(self.reader.page_labels)

    def page_text(self, index: int, *, without_footer: bool = False) -> str:
        lines = self.lines[index]
        if without_footer:
            lines = [line for line in lines if line.top < self.footer_top]
        return "\n".join(line.text for line in lines)

    @property
    def footer_top(self) -> float:
        """Lines below this (from the top) are in the footer zone: the bottom 20 mm."""
        return self.page_height - 20 / 25.4 * 72

    def footer_lines(self, index: int) -> list[Line]:
        return [line for line in self.lines[index] if line.top >= self.footer_top]

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, page index) of every outline entry, depth first."""
        out: list[tuple[int, str, int]] = []

        def walk(items, level):
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    out.append((level, item.title, self.reader.get_destination_page_number(item)))

        walk(self.reader.outline, 0)
        return out

    def fonts(self) -> list[dict]:
        """Every font dictionary in the file (descendants of Type0 fonts included)."""
        found = []
        for number in range(1, int(self.reader.trailer["/Size"])):
            obj = self.reader.get_object(IndirectObject(number, 0, self.reader))
            if hasattr(obj, "get") and obj.get("/Type") == "/Font":
                found.append(obj)
        return found


    def link_target(self, annotation) -> int | None:
        """Page index an internal link annotation jumps to (named or explicit /Dest), else None."""
        dest = annotation.get("/Dest")
        if dest is None and annotation.get("/A", {}).get("/S") == "/GoTo":
            dest = annotation["/A"]["/D"]
        if dest is None:
            return None
        if isinstance(dest, str):
            return self.reader.get_destination_page_number(self.reader.named_destinations[str(dest)])
        target = dest[0].idnum
        return next(i for i, page in enumerate(self.reader.pages) if page.indirect_reference.idnum == target)

    def font_problems(self) -> list[str]:
        """Fonts an archive rejects: standard-14 ones (never embedded) and any without a font file."""
        problems = []
        for font in self.fonts():
            name = str(font.get("/BaseFont", "")).lstrip("/")
            if name.split("+")[-1] in STANDARD_14:
                problems.append(f"{name}: a standard-14 font")
            elif font.get("/Subtype") != "/Type0":  # a Type0 font is checked through its descendant
                descriptor = font.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"{name}: not embedded")
        return problems


def _lines(chars: list[dict]) -> list[Line]:
    rows: dict[float, list[dict]] = {}
    for char in chars:
        baseline = round(char["bottom"], 0)
        key = next((k for k in rows if abs(k - baseline) <= 1.5), baseline)
        rows.setdefault(key, []).append(char)
    lines = []
    for key in sorted(rows):
        row = sorted(rows[key], key=lambda c: c["x0"])
        text = "".join(c["text"] for c in row)
        size = max(round(c["size"], 1) for c in row)
        lines.append(Line(text, row[0]["x0"], row[-1]["x1"], min(c["top"] for c in row), size,
                          frozenset(c["fontname"] for c in row)))
    return lines


TOC_ENTRY = re.compile(r"^(?P<text>.*?)[.\s]*(?P<folio>\d+)$")


def normalize(text: str) -> str:
    """Whitespace removed: extraction splits and joins lines where layout did."""
    return re.sub(r"\s+", "", text)
