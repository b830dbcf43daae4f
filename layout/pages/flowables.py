"""Flowables shared by the parts: numbered text with a hanging indent, and headings.

``HangingText`` sets a number (``1.1``, ``一、``) at the left and wraps the title beside
it, so continuation lines align with the title, not under the number; an optional
right reserve keeps room for a TOC page number. ``Heading`` adds what a heading owes
the reader of the PDF: a named destination, an outline entry and a TOC notification.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable

from layout.pages.cjk import CJKParagraph
from layout.pages.linebreak import PUNCT, char_kind


@dataclass(frozen=True)
class Anchor:
    """Where a heading lives: its PDF destination key, outline level and TOC text."""

    key: str
    level: int
    number: str
    title: str

    @property
    def label(self) -> str:
        """Number and title as a bookmark reads: "1.1 标题", but "一、标题" (no space after a
        full-width mark, which has its own white)."""
        if not self.number or char_kind(self.number[-1]) == PUNCT:
            return f"{self.number}{self.title}".strip()
        return f"{self.number} {self.title}".strip()


class HangingText(Flowable):
    def __init__(self, number: CJKParagraph | None, number_width: float, title: CJKParagraph,
                 right_reserve: float = 0.0):
        super().__init__()
        self.number = number
        self.number_width = number_width
        self.title = title
        self.right_reserve = right_reserve
        self.style = title.style

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        _, self.title_height = self.title.wrap(self.title_width(avail_width), avail_height)
        if self.number is not None:
            self.number.wrap(self.number_width + 1, avail_height)
        self.height = self.title_height
        return self.width, self.height

    def title_width(self, avail_width: float) -> float:
        return avail_width - self.number_width - self.right_reserve

    def last_line_end(self) -> float:
        """x (from this flowable's left) where the title's last line ends; valid after wrap."""
        return self.number_width + self.title.last_line_end()

    def draw(self):
        top = self.height
        if self.number is not None:
            self.number.drawOn(self.canv, 0, top - self.number.height)
        self.title.drawOn(self.canv, self.number_width, top - self.title_height)

    def split(self, avail_width, avail_height):
        return []

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter


class Heading(HangingText):
    """A chapter or article head: destination, outline entry, optional rule below."""

    keepWithNext = True

    def __init__(self, anchor: Anchor, number: CJKParagraph | None, number_width: float, title: CJKParagraph,
                 rule_width: float = 0.0, rule_color: str = "#000000", rule_gap: float = 0.0):
        super().__init__(number, number_width, title)
        self.anchor = anchor
        self.rule_width = rule_width
        self.rule_color = rule_color
        self.rule_gap = rule_gap

    def wrap(self, avail_width, avail_height):
        super().wrap(avail_width, avail_height)
        if self.rule_width:
            self.height += self.rule_gap + self.rule_width
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.bookmarkHorizontal(self.anchor.key, 0, self.height + self.style.spaceBefore)
        canvas.addOutlineEntry(self.anchor.label, self.anchor.key, self.anchor.level, closed=False)
        super().draw()
        if self.rule_width:
            canvas.setStrokeColor(HexColor(self.rule_color))
            canvas.setLineWidth(self.rule_width)
            y = self.rule_width / 2
            canvas.line(0, y, self.width, y)
