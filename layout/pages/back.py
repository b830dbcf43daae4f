"""The closing page: brand, about text, contacts, and a vector QR code when given."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCode
from reportlab.platypus import Flowable, Spacer

from layout.model import BackPage
from layout.pages.body import build_blocks
from layout.pages.typeset import Typesetter


def build_back_page(typesetter: Typesetter, back: BackPage) -> list[Flowable]:
    style = typesetter.style
    story: list[Flowable] = [
        Spacer(0, style.back.contacts_gap.pt() * 2),
        typesetter.make_paragraph(back.title, "back_title"),
        *build_blocks(typesetter, back.blocks, "back_text"),
        Spacer(0, style.back.contacts_gap.pt()),
    ]
    for contact in back.contacts:
        line = style.wording.contact_line.format(label=contact.label, value=contact.value)
        story.append(typesetter.make_paragraph(line, "back_contact"))
    if back.qr:
        story += [Spacer(0, style.back.contacts_gap.pt() / 2), qr_code(back.qr, style.back.qr_size.pt())]
    return story


def qr_code(value: str, size: float) -> QrCode:
    """A vector QR code (error correction M, 4-module quiet zone included in ``size``).

    ReportLab's canvas-level ``QrCode`` flowable, not the ``QrCodeWidget`` drawing: the
    drawing renderer selects Helvetica, an unembedded standard font an archive rejects.
    """
    code = QrCode(value, width=size, height=size, qrLevel="M")
    code.hAlign = "LEFT"
    return code
