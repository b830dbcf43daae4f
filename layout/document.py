"""The document: page templates, the story, and the two-pass render to PDF bytes.

Pages, in order: the cover (template ``cover``: no footer), the table of contents
(``front``: footer with a roman folio), the chapters (``body``: footer with folios from
1), the closing page (``back``). The PDF's page labels match the printed folios
(i, ii, … then 1, 2, …), so "go to page 12" in a viewer shows folio 12.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

from layout import __version__
from layout.archival import Metadata, build_date
from layout.model import Issue
from layout.pages.back import build_back_page
from layout.pages.body import build_chapters
from layout.pages.cover import draw_cover, edition_date, plan_cover
from layout.pages.flowables import Heading
from layout.pages.footer import plan_footer
from layout.pages.toc import TableOfContents
from layout.pages.typeset import Typesetter

MAX_PASSES = 3
"""The TOC needs two passes (see layout.pages.toc); a third only if something is wrong."""


def roman(n: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        count, n = divmod(n, value)
        out += letters * count
    return out


def edition_metadata(typesetter: Typesetter, issue: Issue) -> Metadata:
    """Title, author, subject … of the PDF: one source for the Info dictionary and XMP."""
    edition = issue.edition
    wording = typesetter.style.wording
    fields = dict(title=edition.title, issue_label=edition.issue_label, year=edition.year, month=edition.month)
    return Metadata(
        title=wording.document_title.format(**fields),
        author=edition.publisher,
        subject=edition.subject or "、".join(chapter.title for chapter in issue.chapters),
        keywords=edition.keywords or (edition.title, edition_date(typesetter, edition)),
        language=typesetter.style.language,
        identifier=wording.document_identifier.format(**fields),
        rights=edition.copyright,
        date=build_date(edition.year, edition.month, edition.day),
    )


class BriefingDocument(BaseDocTemplate):
    def __init__(self, buffer, typesetter: Typesetter, issue: Issue):
        style = typesetter.style
        page = style.page
        metadata = edition_metadata(typesetter, issue)
        super().__init__(
            buffer, pagesize=(page.width.pt(), page.height.pt()),
            leftMargin=page.margin_left.pt(), rightMargin=page.margin_right.pt(),
            topMargin=page.margin_top.pt(), bottomMargin=page.margin_bottom.pt(),
            title=metadata.title, author=metadata.author, subject=metadata.subject,
            keywords=list(metadata.keywords),
            creator=f"briefing-layout {__version__}", lang=style.language, invariant=1,
            initialFontName=typesetter.fonts.names[style.text.body.font],
            initialFontSize=typesetter.size("body"), displayDocTitle=1,
        )
        self.typesetter = typesetter
        self.issue = issue
        self.body_start: int | None = None
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
        cover = plan_cover(typesetter, issue)
        self.footer = plan_footer(typesetter, issue)
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=lambda canvas, doc: draw_cover(canvas, typesetter, cover)),
            PageTemplate("front", [frame], onPage=self.draw_front_footer),
            PageTemplate("body", [frame], onPage=self.draw_body_footer),
            PageTemplate("back", [frame], onPage=self.draw_body_footer),
        ])

    def beforeDocument(self):
        self.body_start = None

    def folio(self, page: int) -> str:
        return self.typesetter.style.wording.body_folio.format(n=page - self.body_start + 1)

    def draw_front_footer(self, canvas, doc):
        self.draw_footer(canvas, roman(canvas.getPageNumber()))

    def draw_body_footer(self, canvas, doc):
        page = canvas.getPageNumber()
        if self.body_start is None:
            self.body_start = page
            canvas.addPageLabel(0, "ROMAN_LOWER", 1)
            canvas.addPageLabel(page - 1, "ARABIC", 1)
        self.draw_footer(canvas, self.folio(page))

    def draw_footer(self, canvas, folio: str) -> None:
        self.footer.draw(canvas, self.typesetter, folio)

    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading) and flowable.anchor is not None:
            self.notify("TOCEntry", (flowable.anchor, self.folio(self.page)))


def build_story(typesetter: Typesetter, issue: Issue) -> list:
    toc = TableOfContents(typesetter)
    story = [NextPageTemplate("front"), PageBreak(),
             typesetter.make_paragraph(typesetter.style.wording.toc_title, "toc_title"), toc,
             NextPageTemplate("body"), PageBreak(), *build_chapters(typesetter, issue.chapters)]
    if issue.back_page:
        story += [NextPageTemplate("back"), PageBreak(), *build_back_page(typesetter, issue.back_page)]
    return story


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    passes: int


def render_pdf(typesetter: Typesetter, issue: Issue) -> Rendered:
    """Lay out ``issue``; the PDF's bytes are identical for identical inputs."""
    buffer = io.BytesIO()
    document = BriefingDocument(buffer, typesetter, issue)
    passes = document.multiBuild(build_story(typesetter, issue), maxPasses=MAX_PASSES)
    return Rendered(buffer.getvalue(), document.page, passes)
