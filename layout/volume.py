"""``briefing volume 2021``: a year's editions bound into one PDF/A file.

Design: the editions are typeset again, together, in one ReportLab document, rather than
their built PDFs concatenated with pikepdf. One document gives one table of contents whose
numbers are the pages where the heads land (the same two-pass TOC as an edition's), one
outline, page labels written as the folios are drawn, and each font embedded once as one
subset for the whole year; concatenation would carry twelve subsets of every font and
need the folios, labels, TOC and outline of every page rewritten after the fact, which
``briefing check`` could then only take on trust. The layout inside each chapter is the
editions' own (same style, same breaker; each chapter starts a page), so the volume reads
as the editions did.

The volume: its cover (the last edition's title, ``wording.volume_label``), its table of
contents (each edition and its chapters, dotted leaders, the volume's folios), then per
edition a title page (its title and issue label at the cover title's size, its publisher
and department: the outline's and TOC's first level) and its chapters and articles, whose footers keep that edition's copyright; the
last edition's closing page ends the volume. The outline nests edition → chapter →
article. Folios run through the volume or restart per edition (``volume.folios``), the
page labels match what is printed (``10-3`` with ``wording.volume_folio_prefix``).
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from layout.archival import DEFAULT_VARIANT, Metadata, build_date, make_archival
from layout.build import Prepared, Progress, check_output, prepare, write_atomic
from layout.document import Rendered, document_options, document_title, lay_out, roman
from layout.errors import BriefingError, InputError, Problem
from layout.model import Issue
from layout.pages.back import build_back_page
from layout.pages.body import build_chapters, heading
from layout.pages.cover import draw_cover, plan_cover
from layout.pages.fill import ChapterEnd, PageFill
from layout.pages.fit import locate
from layout.pages.flowables import Anchor, Heading
from layout.pages.footer import plan_footer
from layout.pages.toc import TableOfContents, TocEntry
from layout.pages.typeset import Typesetter
from layout.pdfrecord import record_layout

TOC_LEVELS = 2
"""The volume's TOC lists editions and their chapters; the outline adds the articles."""


class VolumeError(BriefingError):
    """No editions for the year, or editions that cannot be bound together."""


@dataclass(frozen=True)
class Volume:
    year: int
    issues: list[Issue]
    editions: list[Path]


def find_editions(publication: Path, year: int) -> list[Path]:
    """Every ``issues/<year>-*.yaml`` of the publication folder (or the folder itself when it
    has no issues/), in file-name order (2021-01 … 2021-12)."""
    folder = publication / "issues" if (publication / "issues").is_dir() else publication
    return sorted(path for path in folder.glob(f"{year}-*.yaml") if path.is_file())


def volume_output(publication: Path, year: int) -> Path:
    return publication / "output" / f"{year}-volume.pdf"


def volume_issue(typesetter: Typesetter, volume: Volume) -> Issue:
    """The last edition with the volume's issue label: what the cover and metadata show."""
    last = volume.issues[-1]
    label = typesetter.style.wording.volume_label.format(year=volume.year)
    return replace(last, edition=replace(last.edition, issue_label=label))


def volume_metadata(typesetter: Typesetter, volume: Volume) -> Metadata:
    wording = typesetter.style.wording
    edition = volume_issue(typesetter, volume).edition
    fields = dict(title=edition.title, issue_label=edition.issue_label, year=volume.year, month=edition.month)
    return Metadata(
        title=document_title(wording.document_title, fields),
        author=edition.publisher,
        subject="、".join(edition_heading(typesetter, issue) for issue in volume.issues),
        keywords=(edition.title, edition.issue_label),
        language=typesetter.style.language,
        identifier=wording.volume_identifier.format(title=edition.title, year=volume.year),
        rights=edition.copyright,
        date=build_date(edition.year, edition.month, edition.day),
    )


def edition_heading(typesetter: Typesetter, issue: Issue) -> str:
    """An edition's title in the volume (its title page, TOC entry and bookmark)."""
    edition = issue.edition
    fields = dict(title=edition.title, issue_label=edition.issue_label, year=edition.year, month=edition.month)
    return document_title(typesetter.style.wording.document_title, fields)


class VolumeToc(TableOfContents):
    """The table of contents of editions and chapters (articles are in the outline only)."""

    def notify(self, kind, stuff):
        if kind == "TOCEntry" and stuff[0].level < TOC_LEVELS:
            self.collected.append(stuff)

    def _make_entries(self) -> list[TocEntry]:
        """Editions in the chapter role, chapters in the article role; a chapter number
        ends in its own full-width mark (一、), so no gap is added after it."""
        ts = self.typesetter
        roles = {0: "toc_chapter", 1: "toc_article"}
        columns = {level: max((ts.width(a.number, role) for a, _ in self.drawn if a.level == level), default=0.0)
                   for level, role in roles.items()}
        return [TocEntry(ts, anchor, folio, roles[anchor.level], columns[anchor.level])
                for anchor, folio in self.drawn]


class VolumeDocument(BaseDocTemplate):
    """Cover, TOC (front matter, roman folios), then each edition on its own page template,
    whose footer carries that edition's copyright and the volume's folio."""

    def __init__(self, buffer, typesetter: Typesetter, volume: Volume):
        style = typesetter.style
        metadata = volume_metadata(typesetter, volume)
        super().__init__(buffer, **document_options(typesetter, metadata))
        self.typesetter = typesetter
        self.volume = volume
        self.fill: PageFill | None = None
        self.per_edition = style.volume.folios == "per_edition"
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text")
        cover = plan_cover(typesetter, volume_issue(typesetter, volume))
        self.footers = [plan_footer(typesetter, issue) for issue in volume.issues]
        templates = [
            PageTemplate("cover", [frame], onPage=lambda canvas, doc: draw_cover(canvas, typesetter, cover)),
            PageTemplate("front", [frame], onPageEnd=self.draw_front_footer),
        ]
        for index in range(len(volume.issues)):
            templates.append(PageTemplate(f"edition{index}", [frame], onPage=partial(self.start_page, index),
                                          onPageEnd=partial(self.draw_body_footer, index)))
        self.addPageTemplates(templates)

    def beforeDocument(self):
        self.body_start: int | None = None
        self.edition_start: dict[int, int] = {}
        self.current_folio = ""

    def prefix(self, index: int) -> str:
        if not self.per_edition:
            return ""
        edition = self.volume.issues[index].edition
        return self.typesetter.style.wording.volume_folio_prefix.format(year=edition.year, month=edition.month)

    def start_page(self, index: int, canvas, doc):
        page = canvas.getPageNumber()
        if self.body_start is None:
            self.body_start = page
            canvas.addPageLabel(0, "ROMAN_LOWER", 1)
            if not self.per_edition:
                canvas.addPageLabel(page - 1, "ARABIC", 1)
        if index not in self.edition_start:
            self.edition_start[index] = page
            if self.per_edition:
                canvas.addPageLabel(page - 1, "ARABIC", 1, prefix=self.prefix(index))
        start = self.edition_start[index] if self.per_edition else self.body_start
        number = self.typesetter.style.wording.body_folio.format(n=page - start + 1)
        self.current_folio = self.prefix(index) + number

    def draw_front_footer(self, canvas, doc):
        self.footers[-1].draw(canvas, self.typesetter, roman(canvas.getPageNumber()))

    def draw_body_footer(self, index: int, canvas, doc):
        self.footers[index].draw(canvas, self.typesetter, self.current_folio)

    def afterFlowable(self, flowable):
        if self.fill is not None:
            if isinstance(flowable, Heading) and flowable.anchor is not None and flowable.anchor.level == 1:
                self.fill._chapter_start = self.page  # a chapter head (level 0 is the edition's page)
            self.fill.placed(flowable, self.page)
        if isinstance(flowable, Heading) and flowable.anchor is not None:
            self.notify("TOCEntry", (flowable.anchor, self.current_folio))


def edition_story(typesetter: Typesetter, issue: Issue, index: int, chapter_base: int) -> list:
    """An edition's title page and chapters, its anchors under ``e<index>-`` one level down
    and its chapter ends numbered from ``chapter_base`` (one page fill for the volume)."""
    edition = issue.edition
    anchor = Anchor(f"e{index + 1}", 0, "", edition_heading(typesetter, issue), edition.location, "edition.title")
    frame = typesetter.style.page
    drop = (frame.height.pt() - frame.margin_top.pt() - frame.margin_bottom.pt()) / 4
    lines = [text for text in (edition.publisher, edition.department) if text]
    gap = 2 * typesetter.size("cover_meta")
    story = [Spacer(1, drop), heading(typesetter, anchor, "cover_title"),
             *(typesetter.make_paragraph(text, "cover_meta", spaceBefore=gap if not i else 0)
               for i, text in enumerate(lines)), PageBreak()]
    for flowable in build_chapters(typesetter, issue.chapters):
        if isinstance(flowable, Heading) and flowable.anchor is not None:
            own = flowable.anchor
            flowable.anchor = replace(own, key=f"e{index + 1}-{own.key}", level=own.level + 1)
        elif isinstance(flowable, ChapterEnd):
            flowable = ChapterEnd(chapter_base + flowable.chapter)
        story.append(flowable)
    return story


def build_volume_story(typesetter: Typesetter, volume: Volume) -> list:
    toc = VolumeToc(typesetter)
    body: list = []
    chapters = 0
    for index, issue in enumerate(volume.issues):
        body += [NextPageTemplate(f"edition{index}"), PageBreak(), *edition_story(typesetter, issue, index, chapters)]
        chapters += len(issue.chapters)
    story = [NextPageTemplate("front"), PageBreak(),
             typesetter.make_paragraph(typesetter.style.wording.toc_title, "toc_title"), toc, PageFill(body), *body]
    back = volume.issues[-1].back_page
    if back:
        story += [PageBreak(), *build_back_page(typesetter, back)]
    return story


def check_copyrights(volume: Volume) -> None:
    """Every edition's copyright must be the last one's: the volume has one ``dc:rights``, and
    ``briefing check`` holds every footer to it."""
    last = volume.issues[-1].edition.copyright
    problems = [Problem(locate(issue, "edition.copyright"), f"'{issue.edition.copyright}' differs from the "
                        f"copyright of {volume.editions[-1].name} ('{last}'); a volume carries one copyright: "
                        "make the editions' agree", "edition.copyright")
                for issue in volume.issues[:-1] if issue.edition.copyright != last]
    if problems:
        raise InputError(problems)


def render_volume(typesetter: Typesetter, volume: Volume) -> Rendered:
    buffer = io.BytesIO()
    document = VolumeDocument(buffer, typesetter, volume)
    story = build_volume_story(typesetter, volume)
    document.fill = next(flowable for flowable in story if isinstance(flowable, PageFill))
    passes = lay_out(document, story)
    return Rendered(buffer.getvalue(), document.page, passes)


def build_volume(publication: Path, year: int, output: Path | None, style: str | None = None,
                 variant: str = DEFAULT_VARIANT, progress: Progress | None = None) -> tuple[list[Prepared], Rendered]:
    """Bind every edition of ``year`` in ``publication`` into ``output`` (None: validate only).

    The volume's style is ``style`` (``--style``), else the last edition's; every edition is
    loaded and checked against it (fonts' coverage included) before anything is laid out."""
    editions = find_editions(publication, year)
    if not editions:
        folder = publication / "issues" if (publication / "issues").is_dir() else publication
        missing = "" if folder.is_dir() else " (no such folder)"
        raise VolumeError(f"no edition of {year} in {folder}{missing} (files {year}-MM.yaml); give the year of "
                          "editions there or the publication folder that holds them")
    if output is not None:
        check_output(output, editions)
    last = prepare(editions[-1], style, progress, variant=variant)
    style_path = str(last.typesetter.style.path.absolute())
    prepared = [prepare(edition, style_path, progress, variant=variant) for edition in editions[:-1]] + [last]
    if output is not None:
        check_output(output, [path for each in prepared for path in each.inputs])
    typesetter = last.typesetter
    volume = Volume(year, [each.issue for each in prepared], editions)
    check_copyrights(volume)
    if progress is not None:
        progress("render")
    rendered = render_volume(typesetter, volume)
    if progress is not None:
        progress("archival")
    annotate = partial(record_layout, style=typesetter.style, variant=variant)
    pdf = make_archival(rendered.pdf, volume_metadata(typesetter, volume), variant, annotate)
    rendered = dataclasses.replace(rendered, pdf=pdf)
    if output is not None:
        write_atomic(output, pdf)
    return prepared, rendered
