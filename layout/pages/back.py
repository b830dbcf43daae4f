"""The closing page: brand, about text, contacts, and a vector QR code when given."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
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


def qr_code(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    drawing.hAlign = "LEFT"
    return drawing
