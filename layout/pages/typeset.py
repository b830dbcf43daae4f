"""Text → ReportLab paragraphs: styles, font runs, links. The one place paragraphs are made.

``make_paragraph`` is the hook where a CJK-aware line breaker replaces ReportLab's
``Paragraph`` (clreq line-start/line-end rules, inter-character justification); every
part of the layout (body, headings, TOC entries, cover, back page) goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from layout.fonts import FontSet
from layout.model import Run, Runs
from layout.styles import Style, TextStyle

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


@dataclass(frozen=True)
class Typesetter:
    """Makes paragraphs in the style's text roles (``body``, ``article``, …)."""

    style: Style
    fonts: FontSet

    def text_style(self, role: str) -> TextStyle:
        return getattr(self.style.text, role)

    def size(self, role: str) -> float:
        return self.text_style(role).size.pt()

    def paragraph_style(self, role: str, **overrides) -> ParagraphStyle:
        text = self.text_style(role)
        size = text.size.pt()
        values = dict(
            fontName=self.fonts.names[text.font], fontSize=size, leading=text.leading.pt(size),
            textColor=HexColor(self.style.color(text.color)), alignment=_ALIGN[text.align],
            firstLineIndent=text.first_line_indent.pt(size), leftIndent=text.left_indent.pt(size),
            spaceBefore=text.space_before.pt(size), spaceAfter=text.space_after.pt(size),
            wordWrap="CJK", allowWidows=0, allowOrphans=0,
        )
        values.update(overrides)
        return ParagraphStyle(role, **values)

    def markup(self, runs: Runs, role: str) -> str:
        """ReportLab paragraph markup for ``runs``: fallback fonts, bold, links."""
        text = self.text_style(role)
        out = []
        for run in runs:
            face = (text.bold_font or text.font) if run.bold else text.font
            pieces = []
            for font_name, chunk in self.fonts.split_by_face(run.text, face):
                chunk = escape(chunk).replace("\n", "<br/>")
                pieces.append(f'<font name="{font_name}">{chunk}</font>')
            piece = "".join(pieces)
            if run.href:
                link = self.style.color("link")
                piece = f'<a href="{escape(run.href, {chr(34): "&quot;"})}" color="{link}">{piece}</a>'
            out.append(piece)
        return "".join(out)

    def make_paragraph(self, content: Runs | str, role: str, **overrides) -> Paragraph:
        runs = (Run(content),) if isinstance(content, str) else content
        return Paragraph(self.markup(runs, role), self.paragraph_style(role, **overrides))

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
        canvas.setFillColor(HexColor(self.style.color(self.text_style(role).color)))
        for name, chunk in runs:
            canvas.setFont(name, size)
            canvas.drawString(x, y, chunk)
            x += canvas.stringWidth(chunk, name, size)
