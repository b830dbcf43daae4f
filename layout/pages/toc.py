"""The table of contents: real page numbers, dotted leaders, links, bounded passes.

Headings notify ``('TOCEntry', (anchor, folio))`` as they land on a page; the TOC draws
the entries of the previous pass. The TOC converges in two passes whatever the content:
folios count from the first body page, so the TOC's own length never moves a heading,
and the page-number column has a fixed width, so numbers never change how an entry
wraps. ``document.render_pdf`` refuses a third pass rather than loop.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from layout.colour import set_fill
from layout.errors import InputError, Location, Problem
from layout.pages.flowables import Anchor, HangingText
from layout.pages.segment import head_paragraph
from layout.pages.typeset import Typesetter

Entry = tuple[Anchor, str]


class TocEntry(HangingText):
    """One TOC line: number, wrapped title, leaders, right-aligned folio; all a link."""

    def __init__(self, typesetter: Typesetter, anchor: Anchor, folio: str, role: str,
                 number_column: float):
        style = typesetter.style
        size = typesetter.size(role)
        text = typesetter.text_style(role)
        indent = text.left_indent.pt(size)
        number_width = indent + number_column
        number = typesetter.make_paragraph(anchor.number, role, spaceBefore=0, spaceAfter=0,
                                           leftIndent=indent, firstLineIndent=0) if anchor.number else None
        title = head_paragraph(typesetter, anchor.title, role, leftIndent=0, firstLineIndent=0)
        reserve = style.toc.number_width.pt(size) + 2 * style.toc.gap.pt(size) + style.toc.min_leader.pt(size)
        super().__init__(number, number_width, title, right_reserve=reserve)
        self.typesetter = typesetter
        self.anchor = anchor
        self.folio = folio
        self.role = role

    def draw(self):
        super().draw()
        canvas = self.canv
        ts = self.typesetter
        toc = ts.style.toc
        size = ts.size(self.role)
        font = ts.fonts.names[ts.text_style(self.role).font]
        baseline = self._last_baseline()
        # Folio, right-aligned in the reserved column.
        ts.draw_line(canvas, self.width, baseline, self.folio, self.role, align="right")
        # Leaders: whole leader characters, aligned to a grid so columns of dots line up.
        # A step of at least a tenth of an em: the count is bounded whatever the style says.
        step = max(canvas.stringWidth(toc.leader, font, size) + toc.leader_spacing.pt(size), size / 10)
        start = self.last_line_end() + toc.gap.pt(size)
        end = self.width - canvas.stringWidth(self.folio, font, size) - toc.gap.pt(size)
        first, last = int(start / step) + 1, int(end / step)
        set_fill(canvas, ts.style.color(ts.text_style(self.role).color))
        if last > first:
            # One text object: the leader at x = i × step for every i, the grid kept by TJ offsets.
            leaders = canvas.beginText(first * step, baseline)
            width = canvas.stringWidth(toc.leader, font, size)
            leaders._code.append(_leader_row(canvas, font, size, toc.leader, last - first,
                                             (step - width) * 1000 / size))
            canvas.drawText(leaders)
        canvas.linkRect("", self.anchor.key, (0, 0, self.width, self.height), relative=1, thickness=0)

    def split(self, avail_width, avail_height):
        """An entry is kept whole (its leaders and folio belong to its last line and the whole
        entry is its link); one taller than a page of the table of contents is refused."""
        page = self.typesetter.style.page
        frame = page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt()
        self.wrap(avail_width, avail_height)
        if self.height > frame:
            lines = self.title.line_count
            most = int(len(self.anchor.title) * (frame / self.height)) // 10 * 10
            raise InputError([Problem(self.anchor.location or Location(Path("edition")),
                                      f"{len(self.anchor.title)} characters take {lines} lines in the table of "
                                      f"contents, more than a page holds; shorten the title to at most "
                                      f"about {most} characters", self.anchor.key_path)])
        return []

    def _last_baseline(self) -> float:
        """y of the title's last baseline (ReportLab sets the first at fontSize below the top)."""
        para = self.title
        return self.height - para.fontSize - (para.line_count - 1) * para.leading


def _leader_row(canvas, font: str, size: float, leader: str, count: int, gap: float) -> str:
    """``Tf`` and one ``TJ`` drawing ``leader`` ``count`` times, ``gap`` thousandths of an em apart.

    The font is one Type0 font (layout.cidfonts), so the leader is one run of codes."""
    face = pdfmetrics.getFont(font)
    (subset, data), = face.splitString(leader, canvas._doc)
    glyph = f"({canvas._escape(data)})"
    return (f"{face.getSubsetInternalName(subset, canvas._doc)} {fp_str(size)} Tf "
            f"[{f' {-gap:.3f} '.join([glyph] * count)}] TJ")


class TableOfContents(Flowable):
    """Collects heading positions during a pass; draws the previous pass's entries."""

    def __init__(self, typesetter: Typesetter):
        super().__init__()
        self.typesetter = typesetter
        self.drawn: list[Entry] = []
        self.collected: list[Entry] = []
        self._flowables: list[TocEntry] = []
        self._made: list[TocEntry] = []
        self._made_for: list[Entry] | None = None

    # -- the indexing protocol of BaseDocTemplate.multiBuild -------------------

    def isIndexing(self):
        return True

    def isSatisfied(self):
        return self.drawn == self.collected

    def beforeBuild(self):
        self.drawn, self.collected = self.collected, []

    def afterBuild(self):
        pass

    def notify(self, kind, stuff):
        if kind == "TOCEntry":
            self.collected.append(stuff)

    # -- layout ---------------------------------------------------------------

    def entries(self) -> list[TocEntry]:
        """One flowable per entry; numbers of a level share one column width. Made again only
        when the entries drawn change (each pass wraps and splits the table more than once)."""
        if self._made_for != self.drawn:
            self._made, self._made_for = self._make_entries(), list(self.drawn)
        return list(self._made)

    def _make_entries(self) -> list[TocEntry]:
        roles = {anchor.level: "toc_chapter" if anchor.level == 0 else "toc_article" for anchor, _ in self.drawn}
        ts = self.typesetter
        gap = {level: 0.0 if level == 0 else ts.style.headings.article_number_gap.pt(ts.size(role))
               for level, role in roles.items()}
        columns = {level: max(ts.width(a.number, role) for a, _ in self.drawn if a.level == level) + gap[level]
                   for level, role in roles.items()}
        return [TocEntry(self.typesetter, anchor, folio, roles[anchor.level], columns[anchor.level])
                for anchor, folio in self.drawn]

    def wrap(self, avail_width, avail_height):
        self._flowables = self.entries()
        height = 0.0
        for i, entry in enumerate(self._flowables):
            height += entry.wrap(avail_width, avail_height)[1] + entry.getSpaceAfter()
            if i:
                height += entry.getSpaceBefore()
        self.width, self.height = avail_width, height
        return avail_width, height

    def split(self, avail_width, avail_height):
        entries = self.entries()
        for entry in entries:
            entry.split(avail_width, avail_height)  # refuses an entry taller than a page
        if entries and entries[0].wrap(avail_width, avail_height)[1] > avail_height:
            return []  # not even the first entry fits here: the table starts on the next page
        return entries

    def draw(self):
        y = self.height
        for i, entry in enumerate(self._flowables):
            if i:
                y -= entry.getSpaceBefore()
            y -= entry.height
            entry.drawOn(self.canv, 0, y)
            y -= entry.getSpaceAfter()
