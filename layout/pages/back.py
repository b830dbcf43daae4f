"""The closing page: brand, about text, contacts, and a vector QR code when given.

Set as a colophon: one block standing on the foot of the type area (the page above it
left empty, as on the back of a printed briefing), the brand over an accent rule, the
about text, then the contact lines with the QR code beside them, then, for a corrected
re-issue, the style's ``wording.revision_line`` (which revision, when, what was corrected). A block too tall for
one page simply flows from the top instead.
"""

from __future__ import annotations

from functools import cache

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, HRFlowable, Spacer

from layout.colour import reportlab_colour
from layout.model import BackPage, Revision
from layout.pages.body import build_blocks
from layout.pages.typeset import Typesetter

if TYPE_CHECKING:
    from reportlab.graphics.barcode.qr import QrCode


def build_back_page(typesetter: Typesetter, back: BackPage, revision: Revision | None = None) -> list[Flowable]:
    style = typesetter.style
    block: list[Flowable] = [typesetter.make_paragraph(back.title, "back_title")]
    if style.back.rule_width.pt():
        block.append(HRFlowable(width="100%", thickness=style.back.rule_width.pt(),
                                color=reportlab_colour(style.color(style.back.rule_color), style.device_cmyk),
                                spaceBefore=0, spaceAfter=style.back.rule_gap.pt()))
    block += build_blocks(typesetter, back.blocks, "back_text")
    contacts = [typesetter.make_paragraph(style.wording.contact_line.format(label=c.label, value=c.value),
                                          "back_contact") for c in back.contacts]
    code = qr_code(back.qr, style.back.qr_size.pt()) if back.qr else None
    if contacts or code:
        block += [Spacer(0, style.back.contacts_gap.pt()), BesideCode(contacts, code, style.back.qr_gap.pt())]
    if revision is not None:
        line = style.wording.revision_line.format(number=revision.number, date=revision.date, note=revision.note)
        block += [Spacer(0, style.back.contacts_gap.pt()), typesetter.make_paragraph(line, "back_contact")]
    return [AtFoot(block)]


def qr_code(value: str, size: float) -> QrCode:
    """A vector QR code (error correction M, 4-module quiet zone included in ``size``).

    ReportLab's canvas-level ``QrCode`` flowable, not the ``QrCodeWidget`` drawing: the
    drawing renderer selects Helvetica, an unembedded standard font an archive rejects.
    """
    from reportlab.graphics.barcode.qr import QrCode  # noqa: PLC0415 - ReportLab's graphics: 50 ms, only for a QR

    return QrCode(value, width=size, height=size, qrLevel="M")


def _encodes(value: str) -> bool:
    from reportlab.graphics.barcode import qrencoder  # noqa: PLC0415 - as in qr_code

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    try:
        code.make()
    except Exception as exc:  # ReportLab raises a bare Exception("code length overflow …")
        if "overflow" in str(exc):
            return False
        raise
    return True


@cache
def qr_capacity() -> int:
    """The longest web address (in UTF-8 bytes) a QR code holds at error correction M."""
    low, high = 1, 8000
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _encodes("a" * middle) else (low, middle - 1)
    return low


def qr_problem(value: str) -> str | None:
    """Why ``value`` cannot be drawn as the closing page's QR code, or None."""
    if _encodes(value):
        return None
    size = len(value.encode("utf-8"))
    return (f"the address is {size} bytes; a QR code holds at most {qr_capacity()} (error correction M); "
            "use a shorter address (a short link) or leave qr out")


class BesideCode(Flowable):
    """Lines of text at the left, a QR code (if any) at the right, tops aligned."""

    def __init__(self, lines: list[Flowable], code: QrCode | None, gap: float):
        super().__init__()
        self.lines, self.code, self.gap = lines, code, gap

    def wrap(self, avail_width, avail_height):
        text_width = avail_width - (self.code.width + self.gap if self.code else 0)
        self.heights = [line.wrap(text_width, avail_height)[1] for line in self.lines]
        text_height = sum(self.heights) + sum(line.getSpaceAfter() for line in self.lines[:-1])
        self.width, self.height = avail_width, max(text_height, self.code.height if self.code else 0)
        return self.width, self.height

    def draw(self):
        y = self.height
        for line, height in zip(self.lines, self.heights, strict=True):
            y -= height
            line.drawOn(self.canv, 0, y)
            y -= line.getSpaceAfter()
        if self.code:
            self.code.drawOn(self.canv, self.width - self.code.width, self.height - self.code.height)


class AtFoot(Flowable):
    """Flowables set as one block standing on the bottom of the frame."""

    def __init__(self, flowables: list[Flowable]):
        super().__init__()
        self.flowables = flowables

    def _layout(self, avail_width, avail_height) -> float:
        self.placed = []
        total = 0.0
        for i, flowable in enumerate(self.flowables):
            _, height = flowable.wrap(avail_width, avail_height)
            before = flowable.getSpaceBefore() if i else 0.0
            after = flowable.getSpaceAfter() if i < len(self.flowables) - 1 else 0.0
            self.placed.append((flowable, total + before, height))
            total += before + height + after
        return total

    def wrap(self, avail_width, avail_height):
        self.block_height = self._layout(avail_width, avail_height)
        self.width, self.height = avail_width, max(avail_height - 1e-3, self.block_height)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        # Taller than a page: let the parts flow as ordinary flowables.
        return list(self.flowables) if self._layout(avail_width, avail_height) > avail_height else []

    def draw(self):
        top = self.block_height
        for flowable, offset, height in self.placed:
            flowable.drawOn(self.canv, 0, top - offset - height)
