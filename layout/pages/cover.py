"""The cover: drawn straight onto the first page (no folio, no footer)."""

from __future__ import annotations

from reportlab.lib.colors import HexColor

from layout.model import Edition
from layout.pages.typeset import Typesetter


def edition_date(typesetter: Typesetter, edition: Edition) -> str:
    return typesetter.style.wording.date.format(year=edition.year, month=edition.month, day=edition.day or "")


def draw_cover(canvas, typesetter: Typesetter, edition: Edition) -> None:
    style = typesetter.style
    page, cover = style.page, style.cover
    width, height = page.width.pt(), page.height.pt()
    left, right = page.margin_left.pt(), width - page.margin_right.pt()
    canvas.saveState()
    if cover.band_height.pt():
        canvas.setFillColor(HexColor(style.color(cover.band_color)))
        canvas.rect(0, height - cover.band_height.pt(), width, cover.band_height.pt(), stroke=0, fill=1)

    y = height - cover.title_top.pt()
    for text, role in ((edition.title, "cover_title"),
                       (style.wording.cover_issue_label.format(issue_label=edition.issue_label), "cover_issue")):
        para = typesetter.make_paragraph(text, role)
        y -= para.spaceBefore
        _, h = para.wrap(right - left, height)
        # Place the first baseline at y: it sits fontSize below the paragraph's top.
        para.drawOn(canvas, left, y + para.fontSize - h)
        y -= h
    if cover.rule_width.pt():
        y -= cover.rule_width.pt() + typesetter.size("cover_issue")
        canvas.setStrokeColor(HexColor(style.color(cover.rule_color)))
        canvas.setLineWidth(cover.rule_width.pt())
        canvas.line(width / 2 - cover.rule_length.pt() / 2, y, width / 2 + cover.rule_length.pt() / 2, y)

    lines = [edition.publisher, edition.department, edition_date(typesetter, edition)]
    lines = [line for line in lines if line]
    leading = typesetter.text_style("cover_meta").leading.pt(typesetter.size("cover_meta"))
    baseline = cover.meta_bottom.pt() + leading * (len(lines) - 1)
    for line in lines:
        # A paragraph, not a plain string, so the Han–Latin gap of 2021年 matches the rest.
        para = typesetter.make_paragraph(line, "cover_meta")
        _, h = para.wrap(right - left, height)
        para.drawOn(canvas, left, baseline + para.fontSize - h)
        baseline -= leading
    canvas.restoreState()
