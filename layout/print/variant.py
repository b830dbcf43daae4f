"""The print variant: page boxes, bleed, crop marks, recto starts and padding.

The layout is drawn at the trimmed page size as always; ``finish_print`` then grows each
page's MediaBox by ``SLUG`` on every side (negative coordinates: nothing drawn moves, so the
ArtBox, the folios and every position ``check`` measures stay where they were), sets the
TrimBox to the page and the BleedBox ``BLEED`` beyond it, and draws crop marks in the slug,
outside the BleedBox. The marks are DeviceGray black (``0 G``): the registration colour
(a Separation /All) is not allowed in PDF/A-1b, and a black mark prints on every plate that
carries K, which is the one the cutter reads.

During layout, ``RectoBreak`` starts the table of contents and every chapter on a recto
(an odd page: the cover is page 1, a recto), leaving the verso before it blank and
unnumbered (page template ``blank``), and ``PadPages`` adds blank pages at the end up to a
multiple of 4, as saddle stitching needs. Footers are mirrored: on a verso (even page) the
folio stands at the left, the outside edge, and the copyright at the right.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf
from reportlab.platypus.doctemplate import ActionFlowable

MM = 72 / 25.4
BLEED = 3 * MM
"""The bleed: what the cover band and anything else that touches the edge runs beyond it."""
MARK_GAP = 1 * MM
"""Between the BleedBox and the start of a crop mark."""
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.25
"""Points: a hairline, as printers draw them."""
SLUG = BLEED + MARK_GAP + MARK_LENGTH + 2 * MM
"""How far the MediaBox reaches beyond the trimmed page on every side."""
BLANK_TEMPLATE = "blank"
"""The page template of a blank page: nothing drawn, no footer, no folio."""
SIGNATURE = 4
"""Saddle stitching folds sheets of four pages: the page count is padded to a multiple of it."""


@dataclass(frozen=True)
class PrintSetup:
    """What the print variant asks of the layout."""

    bleed: float = BLEED
    allow_low_res: bool = False
    """Figures under 150 ppi are warnings, not errors (``--allow-low-res``)."""
    requested: bool = True
    """False: only ``--allow-low-res`` was given; the print variant is made only if the style
    says ``print: true``."""


def is_verso(page: int) -> bool:
    """Page numbers count from 1 on the cover, a recto: even pages are versos (left-hand)."""
    return page % 2 == 0


class RectoBreak(ActionFlowable):
    """A page break after which the text goes on on a recto in page template ``template``;
    the verso between, if any, is left blank (template ``blank``)."""

    def __init__(self, template: str):
        super().__init__()
        self.template = template

    def apply(self, doc):
        if not is_verso(doc.page):  # the next page would be a verso: leave it blank
            doc.handle_nextPageTemplate(BLANK_TEMPLATE)
            doc.handle_pageBreak()
            doc.clean_hanging()
        doc.handle_nextPageTemplate(self.template)
        doc.handle_pageBreak()


class PadPages(ActionFlowable):
    """Blank pages after the last, to a multiple of ``SIGNATURE`` pages."""

    def apply(self, doc):
        for _ in range(-doc.page % SIGNATURE):
            doc.handle_nextPageTemplate(BLANK_TEMPLATE)
            doc.handle_pageBreak()
            doc.clean_hanging()


def finish_print(pdf: pikepdf.Pdf, bleed: float = BLEED) -> None:
    """Boxes and crop marks on every page of ``pdf`` (see the module's docstring)."""
    for page in pdf.pages:
        x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
        page.obj.TrimBox = pikepdf.Array([x0, y0, x1, y1])
        page.obj.BleedBox = pikepdf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
        page.obj.MediaBox = pikepdf.Array([x0 - SLUG, y0 - SLUG, x1 + SLUG, y1 + SLUG])
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"Q\n" + crop_marks((x0, y0, x1, y1), bleed)))


def crop_marks(trim: tuple[float, float, float, float], bleed: float) -> bytes:
    """Eight hairlines, two at each corner, on the trim lines' extensions beyond the bleed."""
    x0, y0, x1, y1 = trim
    start, end = bleed + MARK_GAP, bleed + MARK_GAP + MARK_LENGTH
    lines = []
    for x, sign_x in ((x0, -1), (x1, 1)):
        for y, sign_y in ((y0, -1), (y1, 1)):
            lines.append((x + sign_x * start, y, x + sign_x * end, y))  # horizontal, on the trim's y
            lines.append((x, y + sign_y * start, x, y + sign_y * end))  # vertical, on the trim's x
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in lines)
    return f"q 0 G {MARK_WIDTH} w 0 J [] 0 d {path} S Q\n".encode()
