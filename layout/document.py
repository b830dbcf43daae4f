"""The document: page templates, the story, and the multi-pass render to PDF bytes.

Two passes settle the TOC (``layout.pages.toc``); page fill (``layout.pages.fill``) adds
one where a chapter's last page would hold three lines or fewer. The layout passes
before the last are dry: they break lines and fill pages but draw nothing
(``DryCanvas``); once only the TOC's entries are left to draw, the next pass draws the
pages (``lay_out``). Footers are drawn at each page's end, after its text, so extractors read
them last.

Pages, in order: the cover (template ``cover``: no footer), the table of contents
(``front``: footer with a roman folio), the chapters (``body``: footer with folios from
1), the closing page (``back``). The print variant (``layout.print``) adds blank pages
(``blank``) before a recto start and at the end, and mirrors the footers. The PDF's page labels match the printed folios
(i, ii, … then 1, 2, …), so "go to page 12" in a viewer shows folio 12.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

from layout import __version__
from layout.archival import Metadata, build_date
from layout.errors import InputError
from layout.model import Issue
from layout.pages.back import build_back_page
from layout.pages.body import build_chapters
from layout.pages.cover import draw_cover, edition_date, plan_cover
from layout.pages.fill import MAX_ROUNDS, PageFill
from layout.pages.flowables import Heading, KeepHeads
from layout.pages.footer import plan_footer
from layout.pages.toc import TableOfContents
from layout.pages.typeset import Typesetter
from layout.print.variant import BLANK_TEMPLATE, PadPages, PrintSetup, RectoBreak, is_verso

MAX_PASSES = 3 + MAX_ROUNDS
"""The TOC needs two passes (see layout.pages.toc), the second of which draws; page fill may
add one per tightening round (layout.pages.fill); more only if something is wrong."""


def roman(n: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        count, n = divmod(n, value)
        out += letters * count
    return out


def document_title(template: str, fields: dict) -> str:
    """The PDF title from the style's template. Where the issue label already names the
    year ("2022年第3期"), the template's ``{year}`` and the 年 or separator after it are
    left out, so the title never reads "2022年2022年第3期"."""
    if str(fields["year"]) in fields["issue_label"]:
        template = re.sub(r"\{year\}\s*[年\-/.]?\s*", "", template)
    return re.sub(r" {2,}", " ", template.format(**fields)).strip()


def edition_metadata(typesetter: Typesetter, issue: Issue) -> Metadata:
    """Title, author, subject … of the PDF: one source for the Info dictionary and XMP."""
    edition = issue.edition
    wording = typesetter.style.wording
    fields = dict(title=edition.title, issue_label=edition.issue_label, year=edition.year, month=edition.month)
    return Metadata(
        title=document_title(wording.document_title, fields),
        author=edition.publisher,
        subject=edition.subject or "、".join(chapter.title for chapter in issue.chapters),
        keywords=edition.keywords or (edition.title, edition_date(typesetter, edition)),
        language=typesetter.style.language,
        identifier=wording.document_identifier.format(**fields),
        rights=edition.copyright,
        date=build_date(edition.year, edition.month, edition.day),
        publisher=edition.publisher,
        edition_key=f"{edition.title}/{issue.path.stem}",
        **_revision_fields(edition.revision),
    )


def _revision_fields(revision) -> dict:
    """Metadata's revision fields (layout.archival): number, date and what was corrected."""
    if revision is None:
        return {}
    year, month, day = (int(part) for part in revision.date.split("-"))
    return dict(revision=revision.number, modified=build_date(year, month, day), revision_note=revision.note)


def plan_fixed_text(typesetter: Typesetter, issue: Issue):
    """The cover and the footer fitted to their places; what cannot fit, all of it, as one InputError."""
    plans, problems = [], []
    for plan in (plan_cover, plan_footer):
        try:
            plans.append(plan(typesetter, issue))
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return plans


def document_options(typesetter: Typesetter, metadata: Metadata) -> dict:
    """ReportLab's document settings from the style and the metadata: page, margins, Info,
    reproducible bytes (``invariant``), and heads kept with the first lines after them."""
    style = typesetter.style
    page = style.page
    return dict(
        pagesize=(page.width.pt(), page.height.pt()),
        leftMargin=page.margin_left.pt(), rightMargin=page.margin_right.pt(),
        topMargin=page.margin_top.pt(), bottomMargin=page.margin_bottom.pt(),
        title=metadata.title, author=metadata.author, subject=metadata.subject,
        keywords=list(metadata.keywords), creator=f"briefing-layout {__version__}", lang=style.language,
        invariant=1, pageCompression=0,  # qpdf compresses once, at the archival save
        initialFontName=typesetter.fonts.names[style.text.body.font],
        initialFontSize=typesetter.size("body"), displayDocTitle=1,
        keepTogetherClass=KeepHeads,  # heads stay with the first lines that follow, not all of them
    )


class BriefingDocument(BaseDocTemplate):
    def __init__(self, buffer, typesetter: Typesetter, issue: Issue, printing: PrintSetup | None = None):
        metadata = edition_metadata(typesetter, issue)
        super().__init__(buffer, **document_options(typesetter, metadata))
        self.typesetter = typesetter
        self.issue = issue
        self.printing = printing
        self.body_start: int | None = None
        self.fill: PageFill | None = None
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
        cover, self.footer = plan_fixed_text(typesetter, issue)
        self.addPageTemplates([
            PageTemplate("cover", [frame], onPage=lambda canvas, doc: draw_cover(
                canvas, typesetter, cover, printing.bleed if printing else 0.0)),
            # Footers are drawn at the page's end, after its text: extractors read the body first.
            PageTemplate("front", [frame], onPageEnd=self.draw_front_footer),
            PageTemplate("body", [frame], onPage=self.start_body_page, onPageEnd=self.draw_body_footer),
            PageTemplate("back", [frame], onPage=self.start_body_page, onPageEnd=self.draw_body_footer),
            PageTemplate(BLANK_TEMPLATE, [frame]),
        ])

    def beforeDocument(self):
        self.body_start = None

    def folio(self, page: int) -> str:
        return self.typesetter.style.wording.body_folio.format(n=page - self.body_start + 1)

    def draw_front_footer(self, canvas, doc):
        self.draw_footer(canvas, roman(canvas.getPageNumber()))

    def start_body_page(self, canvas, doc):
        page = canvas.getPageNumber()
        if self.body_start is None:
            self.body_start = page
            canvas.addPageLabel(0, "ROMAN_LOWER", 1)
            canvas.addPageLabel(page - 1, "ARABIC", 1)

    def draw_body_footer(self, canvas, doc):
        self.draw_footer(canvas, self.folio(canvas.getPageNumber()))

    def draw_footer(self, canvas, folio: str) -> None:
        if self.printing is not None and is_verso(canvas.getPageNumber()):
            self.footer.draw(canvas, self.typesetter, folio, mirrored=True)
        else:
            self.footer.draw(canvas, self.typesetter, folio)

    def afterFlowable(self, flowable):
        if self.fill is not None:
            self.fill.placed(flowable, self.page)
        if isinstance(flowable, Heading) and flowable.anchor is not None:
            self.notify("TOCEntry", (flowable.anchor, self.folio(self.page)))


def build_story(typesetter: Typesetter, issue: Issue, printing: PrintSetup | None = None) -> list:
    toc = TableOfContents(typesetter)
    chapters = build_chapters(typesetter, issue.chapters)
    if printing is None:
        front, body = [NextPageTemplate("front"), PageBreak()], [NextPageTemplate("body"), PageBreak()]
    else:  # the TOC and every chapter on a recto
        front, body = [RectoBreak("front")], [RectoBreak("body")]
        chapters = [RectoBreak("body") if type(flowable) is PageBreak else flowable for flowable in chapters]
    story = [*front, typesetter.make_paragraph(typesetter.style.wording.toc_title, "toc_title"), toc,
             PageFill(chapters), *body, *chapters]
    if issue.back_page:
        story += [NextPageTemplate("back"), PageBreak(), *build_back_page(typesetter, issue.back_page, issue.edition.revision)]
    if printing is not None:
        story.append(PadPages())
    return story


class DryCanvas(Canvas):
    """The canvas of a layout pass: flowables that see ``dry`` skip drawing (the pass only
    decides where things go; its output is thrown away)."""

    dry = True


class LayoutError(RuntimeError):
    """The passes did not settle: a bug, never the user's input."""


def lay_out(document: BaseDocTemplate, story: list, max_passes: int = MAX_PASSES) -> int:
    """ReportLab's ``multiBuild`` with dry layout passes: lay out until the pages are settled,
    then draw once. Returns the number of passes, the drawing one included.

    The pages are settled when every indexing flowable is satisfied but perhaps the table of
    contents: its entries never move the body (``layout.pages.toc``: folios count from the
    first body page, which starts a page, a recto in print), so the drawing pass can draw the
    entries the last dry pass collected. Once drawn, every participant must be satisfied (the
    TOC collected what it drew); if one is not, the dry passes resume and the pages are drawn
    again: slower, never wrong."""
    indexing = [flowable for flowable in story if flowable.isIndexing()]
    edits: list = []
    document._indexingFlowables = indexing
    document._multiBuildEdits = edits.append  # ReportLab's protocol for deferred edits
    document._doSave = 0
    passes, dry = 0, True
    while True:
        passes += 1
        for flowable in indexing:
            flowable.beforeBuild()
        document.build(story[:], canvasmaker=DryCanvas if dry else Canvas)
        for flowable in indexing:
            flowable.afterBuild()
        while edits:  # e.g. clearing the marks of flowables postponed to the next frame
            edit = edits.pop(0)
            edit[0](*edit[1:])
        unsettled = [flowable for flowable in indexing if not flowable.isSatisfied()]
        if not dry and not unsettled:
            break
        if passes >= max_passes:
            raise LayoutError(f"the table of contents and page fill did not settle in {max_passes} passes")
        dry = not all(isinstance(flowable, TableOfContents) for flowable in unsettled)
    del document._multiBuildEdits
    document.canv.save()
    return passes


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    passes: int


def render_pdf(typesetter: Typesetter, issue: Issue, printing: PrintSetup | None = None) -> Rendered:
    """Lay out ``issue`` (for print with ``printing``); the PDF's bytes are identical for identical inputs."""
    buffer = io.BytesIO()
    document = BriefingDocument(buffer, typesetter, issue, printing)
    story = build_story(typesetter, issue, printing)
    document.fill = next(flowable for flowable in story if isinstance(flowable, PageFill))
    passes = lay_out(document, story)
    return Rendered(buffer.getvalue(), document.page, passes)
