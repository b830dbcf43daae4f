"""Flowables shared by the parts: numbered text with a hanging indent, headings, keeps.

``HangingText`` sets a number (``1.1``, ``一、``) at the left and wraps the title beside
it, so continuation lines align with the title, not under the number; an optional
right reserve keeps room for a TOC page number. ``Heading`` adds what a heading owes
the reader of the PDF: a named destination, an outline entry and a TOC notification.

Keeps. ``KeepHeads`` keeps a head with the first lines of what follows it (not with all
of it, as ReportLab's ``KeepTogether`` does); ``WithSources`` keeps an article's source
lines with the last lines of its last paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus.flowables import _listWrapOn

from layout.colour import set_stroke
from layout.errors import Location
from layout.pages.cjk import CJKParagraph
from layout.pages.linebreak import PUNCT, char_kind


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
            set_stroke(canvas, self.rule_color)
            canvas.setLineWidth(self.rule_width)
            y = self.rule_width / 2
            canvas.line(0, y, self.width, y)


class WithSources(Flowable):
    """An article's last paragraph and its source lines (（原文链接：…）), which never start a
    page on their own: when they do not fit below the paragraph, the paragraph's last
    lines (at least ``widows``) go over with them; a paragraph too short to split goes
    over whole."""

    def __init__(self, paragraph: CJKParagraph, sources: list[CJKParagraph]):
        super().__init__()
        self.paragraph = paragraph
        self.sources = list(sources)
        self.keepWithNext = False

    @property
    def parts(self) -> list[CJKParagraph]:
        return [self.paragraph, *self.sources]

    @property
    def line_count(self) -> int:
        return sum(part.line_count for part in self.parts)

    def _gap(self, before: CJKParagraph, after: CJKParagraph) -> float:
        """Space between two parts, as a frame sets it (space after and before overlap)."""
        return max(before.getSpaceAfter(), after.getSpaceBefore())

    def wrap(self, avail_width, avail_height):
        height = 0.0
        for i, part in enumerate(self.parts):
            height += part.wrap(avail_width, avail_height)[1]
            if i:
                height += self._gap(self.parts[i - 1], part)
        self.width, self.height = avail_width, height
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        if self.height <= avail_height + 1e-6:
            return [self]
        room = avail_height
        if self.paragraph.height <= avail_height:  # the paragraph fits, its sources do not
            room = self.paragraph.height - self.paragraph.leading
        parts = self.paragraph.split(avail_width, room)
        if len(parts) < 2:
            return []
        head, tail = parts
        return [head, WithSources(tail, self.sources)]

    def draw(self):
        y = self.height
        for i, part in enumerate(self.parts):
            if i:
                y -= self._gap(self.parts[i - 1], part)
            y -= part.height
            part.drawOn(self.canv, 0, y)

    def getSpaceBefore(self):
        return self.paragraph.getSpaceBefore()

    def getSpaceAfter(self):
        return self.sources[-1].getSpaceAfter()


HEAD_CARRY = 2
"""Lines of a page-filling head carried to the next page, so its text does not start alone."""


class KeepHeads(KeepTogether):
    """The group ReportLab makes of flowables marked ``keepWithNext`` (heads) and the one
    after them (``BaseDocTemplate.keepTogetherClass``).

    ReportLab's ``KeepTogether`` moves the heads and *all* of the next paragraph to a new
    page when they do not fit together, leaving the page up to a paragraph short. Here
    the heads stay with the first lines of the next paragraph (at least its ``orphans``)
    and the rest of it goes on the next page, as in TeX; only when not even that fits do
    the heads move."""

    def split(self, aW, aH):
        *heads, last = self._content
        if heads and self._H > aH and isinstance(last, (CJKParagraph, WithSources)):
            _, used = _listWrapOn(heads, aW, self.canv)
            used += max(heads[-1].getSpaceAfter(), last.getSpaceBefore())
            parts = last.split(aW, aH - used - 1e-3) if aH - used > 0 else []
            if len(parts) >= 2:
                return [*heads, *parts]
            carried = self._carry_head_lines(heads, aW, aH)
            if carried:
                return [*carried, last]
        return super().split(aW, aH)

    def _carry_head_lines(self, heads: list, aW: float, aH: float) -> list | None:
        """A head so long that it fills the page leaves no line for what follows it: split
        the head so that its last ``HEAD_CARRY`` lines go on to the next page with the text."""
        head = heads[-1]
        if not isinstance(head, HangingText) or head.title.line_count <= HEAD_CARRY:
            return None
        _, used = _listWrapOn(heads[:-1], aW, self.canv)
        room = aH - used - HEAD_CARRY * head.title.style.leading
        parts = head.split(aW, room) if room > 0 else []
        return [*heads[:-1], *parts] if len(parts) == 2 else None
