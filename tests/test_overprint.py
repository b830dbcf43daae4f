"""``briefing check`` finds text drawn over text or off the paper, and passes well-set pages:
crafted PDFs, editions laid out the way the cover and footer were before they fitted
their text (monkeypatched), and two editions that used to fail the typography rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from layout import document
from layout.check import PdfView, check_overprint
from layout.pages import footer
from layout.pages.cover import CoverPlan, edition_date

from conftest import ROOT, build, checked, write_edition

FONT = "OverprintTestSerif"


def crafted(path: Path, draw) -> Path:
    """A one-page A4 PDF whose text ``draw(canvas)`` places."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(ROOT / "fonts" / "NotoSerifSC-Regular.ttf")))
    canvas = Canvas(str(path), pagesize=(595.28, 841.89))
    canvas.setFont(FONT, 12)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return path


def overprint_row(path: Path):
    view = PdfView(path)
    try:
        return check_overprint(view)
    finally:
        view.close()


def well_set(canvas):
    for i in range(30):  # 12 pt type on 18 pt leading; compressed marks share their em
        canvas.drawString(72, 760 - 18 * i, "碳达峰碳中和工作简报，标准“零碳”。")
    canvas.setFont(FONT, 8)
    canvas.drawString(72, 40, "版权归属赛西所有")
    canvas.drawRightString(523, 40, "12")


@pytest.mark.parametrize("name, draw, fragment", [
    ("lines 6 pt apart", lambda c: (c.drawString(72, 700, "碳达峰碳中和"), c.drawString(72, 694, "工作简报标准")),
     "overprint"),
    ("a second block over the first", lambda c: (c.drawString(72, 700, "碳达峰碳中和工作简报"),
                                                 c.drawString(100, 703, "中国电子技术标准化研究院")), "overprint"),
    ("two lines on one baseline", lambda c: (c.drawString(72, 700, "碳达峰碳中和"), c.drawString(80, 700, "工作简报")),
     "drawn over each other"),
    ("a line beyond the right edge", lambda c: c.drawString(500, 700, "碳达峰碳中和工作简报"), "off the paper"),
    ("a line above the top edge", lambda c: c.drawString(72, 838, "碳达峰碳中和"), "off the paper"),
    ("a line below the bottom edge", lambda c: c.drawString(72, -2, "碳达峰碳中和"), "off the paper"),
])
def test_overprinting_and_text_off_the_paper_fail_the_row(tmp_path, name, draw, fragment):
    result = overprint_row(crafted(tmp_path / "bad.pdf", lambda c: (well_set(c), c.setFont(FONT, 12), draw(c))))
    assert result.failed and fragment in result.detail, (name, result)


def test_a_well_set_page_passes_the_row(tmp_path):
    result = overprint_row(crafted(tmp_path / "good.pdf", well_set))
    assert not result.failed, result


# -- the cover and footer as they were drawn before they fitted their text ---------------------

EDITION = """\
edition:
  title: {title}
  issue_label: 10月刊
  date: 2021-10
  publisher: {publisher}
  copyright: {copyright}
chapters:
  - title: 标准进展
    articles:
      - title: 文章
        body: |
          天津市低碳发展研究中心组织编制的团体标准正式发布。
"""


def unfitted_cover(typesetter, issue) -> CoverPlan:
    """The cover laid out without fitting: each publisher line assumed to take one line."""
    style, edition = typesetter.style, issue.edition
    page = style.page
    left, width = page.margin_left.pt(), page.width.pt() - page.margin_left.pt() - page.margin_right.pt()
    placed, y = [], page.height.pt() - style.cover.title_top.pt()
    for text, role in ((edition.title, "cover_title"), (f"（{edition.issue_label}）", "cover_issue")):
        para = typesetter.make_paragraph(text, role)
        y -= para.spaceBefore
        _, h = para.wrap(width, page.height.pt())
        placed.append((para, left, y + para.fontSize - h))
        y -= h
    lines = [edition.publisher, edition_date(typesetter, edition)]
    leading = typesetter.text_style("cover_meta").leading.pt(typesetter.size("cover_meta"))
    baseline = style.cover.meta_bottom.pt() + leading * (len(lines) - 1)
    for line in lines:
        para = typesetter.make_paragraph(line, "cover_meta")
        _, h = para.wrap(width, page.height.pt())
        placed.append((para, left, baseline + para.fontSize - h))
        baseline -= leading
    return CoverPlan(placed, None)


def one_line_footer(self, canvas, typesetter, folio):
    """The footer drawn as one line whatever its length."""
    page = typesetter.style.page
    typesetter.draw_line(canvas, page.margin_left.pt(), page.footer_baseline.pt(), self.text, "footer")
    typesetter.draw_line(canvas, page.width.pt() - page.margin_right.pt(), page.footer_baseline.pt(), folio,
                         "footer", align="right")


@pytest.mark.parametrize("fields, unfit", [
    ({"title": "碳" * 150}, "cover"),
    ({"publisher": "中" * 120}, "cover"),
    ({"copyright": "版" * 150}, "footer"),
])
def test_the_row_catches_the_unfitted_cover_and_footer(tmp_path, monkeypatch, fields, unfit):
    values = {"title": "测试简报", "publisher": "测试出版单位", "copyright": "版权所有", **fields}
    if unfit == "cover":
        monkeypatch.setattr(document, "plan_cover", unfitted_cover)
    else:
        original = footer.plan_footer

        def plan(typesetter, issue):
            result = original(typesetter, issue)
            result.text = issue.edition.copyright
            return result

        monkeypatch.setattr(document, "plan_footer", plan)
        monkeypatch.setattr(footer.FooterPlan, "draw", one_line_footer)
    output = tmp_path / "unfit.pdf"
    assert build(write_edition(tmp_path, EDITION.format(**values)), output) == 0
    result = overprint_row(output)
    assert result.failed, result
    monkeypatch.undo()
    fitted = tmp_path / "fitted.pdf"
    assert build(write_edition(tmp_path, EDITION.format(**values)), fitted) == 0
    assert not overprint_row(fitted).failed


def test_the_reference_edition_passes_the_row(reference_pdf_path):
    result = overprint_row(reference_pdf_path)
    assert not result.failed and result.detail.endswith("pages"), result


# -- false positives the typography rows used to report ------------------------------------------

CHAIN = "，".join(f"链{n}" for n in range(100, 420)) + "。"
FIRST = "天津市低碳发展研究中心组织编制的团体标准正式发布。\n"
HEADS = FIRST + "".join(f"\n          #### 小标题{n}\n" for n in range(40))


ITEMS = FIRST + "\n" + "".join(f"          - 列表项{n}\n" for n in range(30)) + "".join(
    f"          {n}. 第{n}项\n" for n in range(1, 12))


@pytest.mark.parametrize("body, style", ids=["chain", "heads", "tight list", "wide leader gap"], argvalues=[
    (CHAIN + "\n", ""), (HEADS, ""), (ITEMS, "text:\n  list_item: {space_after: 0pt}\n"),
    (FIRST, "toc:\n  gap: 3em\n")])
def test_well_set_pages_pass_every_row(tmp_path, body, style):
    text = EDITION.format(title="测试简报", publisher="测试出版单位", copyright="版权所有").replace(FIRST, body)
    output = tmp_path / "fp.pdf"
    path = write_edition(tmp_path, text)
    if style:
        (tmp_path / "styles" / "tight.yaml").write_text("base: briefing\n" + style, "utf-8")
        path.write_text(path.read_text("utf-8").replace("  copyright:", "  style: tight\n  copyright:"), "utf-8")
    assert build(path, output) == 0
    view = PdfView(output, tmp_path / "styles" / ("tight.yaml" if style else "briefing.yaml"))
    results = checked(view)
    view.close()
    failed = [r for r in results if r.failed]
    assert not failed, failed
    details = {r.name: r.detail for r in results}
    if body.startswith(CHAIN):  # the rows did look at the chain
        assert " 0 examined" not in details["typography: Han–Latin gap"]

