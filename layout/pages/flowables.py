"""Flowables shared by the parts: numbered text with a hanging indent, and headings.

``HangingText`` sets a number (``1.1``, ``一、``) at the left and wraps the title beside
it, so continuation lines align with the title, not under the number; an optional
right reserve keeps room for a TOC page number. ``Heading`` adds what a heading owes
the reader of the PDF: a named destination, an outline entry and a TOC notification.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable

from layout.errors import Location
from layout.pages.cjk import CJKParagraph


@dataclass(frozen=True)
class Anchor:
    """Where a heading lives: its PDF destination key, outline level and TOC text."""

    key: str
    level: int
    number: str
    title: str
    location: Location | None = field(default=None, compare=False)
    """Where the title is in the edition (for a title too long to set)."""
    key_path: str = field(default="", compare=False)

    @property
    def label(self) -> str:
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
        """Taller than the frame (a title of many lines): the title splits between its lines,
        the number stays with the first part and continuation lines keep their indent."""
        self.wrap(avail_width, avail_height)
        parts = self.title.split(self.title_width(avail_width), avail_height - (self.height - self.title_height))
        if len(parts) != 2:
            return []
        return self._parts(*parts)

    def _parts(self, head: CJKParagraph, tail: CJKParagraph) -> list[Flowable]:
        first = HangingText(self.number, self.number_width, head, self.right_reserve)
        rest = HangingText(None, self.number_width, tail, self.right_reserve)
        rest.keepWithNext = self.keepWithNext
        return [first, rest]

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter


class Heading(HangingText):
    """A chapter or article head: destination, outline entry, optional rule below."""

    keepWithNext = True

    def __init__(self, anchor: Anchor | None, number: CJKParagraph | None, number_width: float, title: CJKParagraph,
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

    def _parts(self, head: CJKParagraph, tail: CJKParagraph) -> list[Flowable]:
        """The first part is the heading (destination, outline, TOC); the rule goes under the last."""
        first = Heading(self.anchor, self.number, self.number_width, head)
        first.keepWithNext = False
        rest = Heading(None, None, self.number_width, tail, self.rule_width, self.rule_color, self.rule_gap)
        return [first, rest]

    def draw(self):
        canvas = self.canv
        if self.anchor is not None:  # None: the continuation of a heading split between pages
            canvas.bookmarkHorizontal(self.anchor.key, 0, self.height + self.style.spaceBefore)
            canvas.addOutlineEntry(self.anchor.label, self.anchor.key, self.anchor.level, closed=False)
        super().draw()
        if self.rule_width:
            canvas.setStrokeColor(HexColor(self.rule_color))
            canvas.setLineWidth(self.rule_width)
            y = self.rule_width / 2
            canvas.line(0, y, self.width, y)
