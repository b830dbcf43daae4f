"""Text → paragraphs: styles, font runs, links. The one place paragraphs are made.

``make_paragraph`` turns runs into ``CJKParagraph``s (``layout.pages.cjk``: clreq
line-start/line-end rules, punctuation compression, inter-character justification);
every part of the layout (body, headings, TOC entries, cover, back page, table cells)
goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from layout.colour import set_fill
from layout.fonts import FontSet
from layout.images import ImagePolicy
from layout.model import Run, Runs
from layout.pages.cjk import CJKParagraph
from layout.pages.linebreak import CJKStyle, Piece
from layout.styles import Style, TextStyle

# ReportLab's ParagraphStyle names that callers may override → CJKStyle fields.
_OVERRIDES = {"spaceBefore": "space_before", "spaceAfter": "space_after", "leftIndent": "left_indent",
              "rightIndent": "right_indent", "firstLineIndent": "first_line_indent"}


@dataclass(frozen=True)
class Typesetter:
    """Makes paragraphs in the style's text roles (``body``, ``article``, …)."""

    style: Style
    fonts: FontSet
    images: ImagePolicy = ImagePolicy()
    """What the PDF variant allows of figures' pixels (``layout.images``)."""

    def text_style(self, role: str) -> TextStyle:
        return getattr(self.style.text, role)

    def size(self, role: str) -> float:
        return self.text_style(role).size.pt()

    def paragraph_style(self, role: str, **overrides: float) -> CJKStyle:
        """The role's paragraph settings in points; ReportLab-named overrides (``spaceBefore=0``)."""
        text = self.text_style(role)
        size = text.size.pt()
        typography = self.style.typography
        values = dict(
            font_size=size, leading=text.leading.pt(size), alignment=text.align,
            first_line_indent=text.first_line_indent.pt(size), left_indent=text.left_indent.pt(size),
            space_before=text.space_before.pt(size), space_after=text.space_after.pt(size),
            punctuation=typography.punctuation, push_in=typography.push_in,
            han_latin_gap=typography.han_latin_gap.pt(size),
            widows=typography.widows,
            orphans=typography.orphans, min_last_line_chars=typography.min_last_line_chars,
            max_stretch=typography.max_stretch.pt(size), max_han_gap=typography.max_han_gap.pt(size),
        )
        for name, value in overrides.items():
            if name not in _OVERRIDES:
                raise TypeError(f"make_paragraph: unknown override {name!r}; known: {', '.join(_OVERRIDES)}")
            values[_OVERRIDES[name]] = value
        return CJKStyle(**values)

    def pieces(self, runs: Runs, role: str) -> list[Piece]:
        """``runs`` as pieces of one font each: fallback faces, bold, link colour."""
        text = self.text_style(role)
        size = text.size.pt()
        color = self.style.color(text.color)
        link = self.style.color("link")
        out = []
        for run in runs:
            face = (text.bold_font or text.font) if run.bold else text.font
            for font_name, chunk in self.fonts.split_by_face(run.text, face):
                out.append(Piece(chunk, font_name, size, link if run.href else color, run.href))
        return out

    def make_paragraph(self, content: Runs | str, role: str, *, bullet: str | None = None,
                       bullet_indent: float = 0.0, **overrides: float) -> CJKParagraph:
        """A paragraph of ``content`` in ``role``; ``bullet`` is set at ``bullet_indent`` on its
        first line (list items)."""
        runs = (Run(content),) if isinstance(content, str) else content
        marker = self.pieces((Run(bullet),), role) if bullet else ()
        return CJKParagraph(self.pieces(runs, role), self.paragraph_style(role, **overrides),
                            bullet=marker, bullet_indent=bullet_indent)

    def width(self, text: str, role: str) -> float:
        """Width of ``text`` set on one line in ``role``'s regular face."""
        size = self.size(role)
        runs = self.fonts.split_by_face(text, self.text_style(role).font)
        return sum(stringWidth(chunk, name, size) for name, chunk in runs)

    def draw_line(self, canvas, x: float, y: float, text: str, role: str, align: str = "left") -> None:
        """Draw one line of ``text`` at baseline ``y``, with font fallback; no wrapping."""
        size = self.size(role)
        runs = self.fonts.split_by_face(text, self.text_style(role).font)
        x -= {"left": 0, "center": self.width(text, role) / 2, "right": self.width(text, role)}[align]
        set_fill(canvas, self.style.color(self.text_style(role).color))
        for name, chunk in runs:
            canvas.setFont(name, size)
            canvas.drawString(x, y, chunk)
            x += canvas.stringWidth(chunk, name, size)
