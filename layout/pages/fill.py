"""Page fill: no page holds three lines or fewer before a forced break.

Each chapter starts a new page, so a chapter whose last lines spill over leaves a page
almost empty (the reference edition's folio 4 held two lines). ``PageFill`` takes part
in ReportLab's multi-pass protocol (like the TOC): during a pass it counts the text
lines set on each page and, at each ``ChapterEnd``, how many the chapter's last page
holds. When that is 1 to ``SHORT_PAGE`` lines, the chapter is tightened for the next
pass: paragraphs are re-broken one line shorter (TeX's ``\\looseness=-1``) by pushing
in their full-width marks (clreq push-in: a mark inside a line set at half width, the
style's punctuation rule at line ends unchanged), from the chapter's last paragraphs
backwards, one line per line to pull back. A paragraph is changed only where that
saves a line. Where none does and there is no paragraph spacing to shrink either (a
style on a line grid), the paragraph running onto the short page carries more lines
over. At most ``MAX_ROUNDS`` rounds; if a page is still short, ``briefing check``
reports it. Loosening the page before (wider spacing) is not used: a loose
page reads worse than push-in, which clreq lists as the first means of adjustment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from reportlab.platypus import Flowable

from layout.pages.cjk import CJKParagraph

SHORT_PAGE = 3
"""A page before a forced break holding this many lines or fewer is too short."""
MAX_ROUNDS = 2
"""Passes that may tighten (each costs one more layout pass)."""
SPACE_SHRINK = 0.5
"""Paragraph spacing on the page before a short one may shrink to this share of the style's
(TeX's ``\\parskip`` shrink); the lines themselves never move closer."""
_SOLID = 4
"""Lines a table or figure counts as: never a short page."""


class ChapterEnd(Flowable):
    """Marks where a chapter's text ends (a forced page break follows)."""

    _ZEROSIZE = True

    def __init__(self, chapter: int):
        super().__init__()
        self.chapter = chapter
        self.width = self.height = 0

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        pass


def _paragraph(flowable) -> CJKParagraph | None:
    inner = getattr(flowable, "paragraph", flowable)  # WithSources holds one
    return inner if isinstance(inner, CJKParagraph) else None


class PageFill(Flowable):
    """The multi-pass participant that finds short pages and tightens their chapters."""

    _ZEROSIZE = True

    def __init__(self, story: list[Flowable]):
        super().__init__()
        self.width = self.height = 0
        self.chapters: dict[int, list[CJKParagraph]] = defaultdict(list)
        """Each chapter's body paragraphs, in order: the ones that may be tightened."""
        pending: list[CJKParagraph] = []
        for flowable in story:
            if isinstance(flowable, ChapterEnd):
                self.chapters[flowable.chapter] = pending
                pending = []
            elif (paragraph := _paragraph(flowable)) is not None:
                pending.append(paragraph)
        self._owner = {id(p._text): p for paragraphs in self.chapters.values() for p in paragraphs}
        self.rows: dict[int, int] = defaultdict(int)
        self.pages: dict[int, set[int]] = defaultdict(set)
        self.short: dict[int, tuple[int, int]] = {}
        """chapter → (page, lines) of each chapter end found short in this pass."""
        self.rounds = 0
        self.changed = False
        self._shrunk: set[int] = set()
        self._carried: set[int] = set()
        self.lines_on: dict[tuple[int, int], int] = defaultdict(int)
        """(paragraph text, page) → lines of it set there, in this pass."""
        self._chapter_start: int | None = None

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        pass

    # -- ReportLab's indexing protocol (BaseDocTemplate.multiBuild) ---------------------

    def isIndexing(self):
        return True

    def isSatisfied(self):
        return not self.changed

    def beforeBuild(self):
        self.rows.clear()
        self.pages.clear()
        self.lines_on.clear()
        self.short = {}
        self.changed = False

    def afterBuild(self):
        if self.short and self.rounds < MAX_ROUNDS:
            self.rounds += 1
            for chapter, (page, lines) in self.short.items():
                self.changed |= self._tighten(chapter, page, lines)

    def notify(self, kind, stuff):
        pass

    # -- what the document reports ------------------------------------------------------

    def placed(self, flowable: Flowable, page: int) -> None:
        """``flowable`` was set on ``page`` (called from the document's ``afterFlowable``)."""
        if isinstance(flowable, ChapterEnd):
            if 0 < self.rows[page] <= SHORT_PAGE and page != self._chapter_start:  # not a short chapter
                self.short[flowable.chapter] = (page, self.rows[page])
            return
        if getattr(getattr(flowable, "anchor", None), "level", None) == 0:  # a chapter head
            self._chapter_start = page
        title = getattr(flowable, "title", None)
        if isinstance(title, CJKParagraph):  # a head
            self.rows[page] += title.line_count
        elif hasattr(flowable, "line_count"):
            self.rows[page] += flowable.line_count
        elif getattr(flowable, "height", 0) > 0:
            self.rows[page] += _SOLID
        paragraph = _paragraph(flowable)
        if paragraph is not None and id(paragraph._text) in self._owner:
            self.pages[id(paragraph._text)].add(page)
            self.lines_on[(id(paragraph._text), page)] += paragraph.line_count

    def _tighten(self, chapter: int, page: int, lines: int) -> bool:
        """Pull ``lines`` lines of ``chapter`` back from ``page``; True if anything changed.

        First push-in, one line fewer per paragraph, nearest the chapter's end first; where
        no paragraph gives a line, the paragraph spacing on the page before shrinks."""
        paragraphs = self.chapters.get(chapter, [])
        near = [p for p in paragraphs if self.pages[id(p._text)] & {page - 1, page}]
        far = [p for p in paragraphs if p not in near]
        saved = 0
        for paragraph in [*reversed(near), *reversed(far)]:
            if saved >= lines:
                break
            if paragraph.tighten():
                self._owner[id(paragraph._text)] = paragraph
                saved += 1
        if saved:
            return True
        changed = False
        for paragraph in paragraphs:
            if self.pages[id(paragraph._text)] == {page - 1} and paragraph.style.space_after > 0:
                if id(paragraph) not in self._shrunk:
                    self._shrunk.add(id(paragraph))
                    paragraph.style = replace(paragraph.style, space_after=paragraph.style.space_after * SPACE_SHRINK)
                    changed = True
        return changed or self._carry_over(paragraphs, page, lines)

    def _carry_over(self, paragraphs: list[CJKParagraph], page: int, lines: int) -> bool:
        """The last means, where push-in saves no line and there is no spacing to shrink (a
        style on a line grid, GB/T 9704's): the paragraph running from the page before onto
        the short page carries more lines over (a larger ``widows``), so that page holds
        more than ``SHORT_PAGE`` lines; the page before ends that much short, as a page
        before a forced break may."""
        for paragraph in reversed(paragraphs):
            key = id(paragraph._text)
            if {page - 1, page} <= self.pages[key] and key not in self._carried:
                self._carried.add(key)
                carried = self.lines_on[(key, page)] + SHORT_PAGE + 1 - lines
                paragraph.style = replace(paragraph.style, widows=max(paragraph.style.widows, carried))
                return True
        return False
