"""The GB/T 9704-2012 style (``styles/gbt9704.yaml``), measured on a built PDF with pdfplumber:
the type area (156 × 225 mm, top 37 mm, left 28 mm), the body's glyph size (the 156/28 mm
character pitch), the line pitch (225/22 mm), 28 characters on a full line and 22 lines on
a full page, the folio "— n —" in 14 pt with its em box 7 mm below the type area, right on
odd pages and left on even ones; and ``check`` passes. Built with the shipped fonts (the
documented fallbacks); a file the style prefers (simfang.ttf) in the publication's fonts/
is taken instead."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from conftest import REFERENCE, ROOT, build
from test_volume import SMALL_CHAPTERS, small_edition

from layout.check import CHECKS, PdfView, check_pdf, check_pdfa_preflight

MM = 72 / 25.4
HAN = "碳达峰碳中和标准体系建设稳步推进重点行业企业温室气体排放核算方法与报告指南"
EDITION = """\
edition:
  title: 碳达峰碳中和工作简报
  issue_label: 11月刊
  date: 2021-11
  publisher: 中国电子技术标准化研究院
  copyright: 版权归属赛西所有
  style: gbt9704
chapters:
  - title: 标准进展
    articles:
      - title: 温室气体排放核算国家标准发布
        body: |
          {long}。

          {short}。
      - title: 碳足迹标识试点启动
        body: |
          {long}。
back_page:
  title: 赛西碳索
  text: 中国电子技术标准化研究院是工业和信息化部直属事业单位。
  contacts:
    - {{label: 联系电话, value: 010-64102702}}
"""


def write(folder: Path) -> Path:
    (folder / "issues").mkdir(parents=True)
    edition = folder / "issues" / "2021-11.yaml"
    edition.write_text(EDITION.format(long=HAN * 30, short=HAN[:20]), "utf-8")
    return edition


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gbt9704")
    output = folder / "output" / "2021-11.pdf"
    assert build(write(folder), output) == 0
    return output


def rows(page) -> list[list[dict]]:
    """The page's text lines (glyphs grouped by baseline), top to bottom."""
    lines: dict[float, list[dict]] = {}
    for char in page.chars:
        key = next((k for k in lines if abs(k - char["bottom"]) < 1), char["bottom"])
        lines.setdefault(key, []).append(char)
    return [sorted(lines[key], key=lambda c: c["x0"]) for key in sorted(lines)]


def test_type_area(pdf):
    with pdfplumber.open(pdf) as document:
        for page in document.pages[1:]:
            x0, y0, x1, y1 = (float(v) for v in page.page_obj.attrs["ArtBox"])
            assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
            assert abs(x0 - 28 * MM) < 0.01 and abs(x1 - x0 - 156 * MM) < 0.01
            assert abs(page.height - y1 - 37 * MM) < 0.01 and abs(y1 - y0 - 225 * MM) < 0.01


def test_body_grid_22_lines_of_28_characters(pdf):
    pitch = 156 / 28 * MM
    with pdfplumber.open(pdf) as document:
        page = document.pages[2]  # folio 1: two heads, then the long paragraph, which goes on over
        area = [row for row in rows(page) if row[0]["bottom"] < page.height - 35 * MM]
        assert len(area) == 22
        # Every line on the grid of 22 (baselines 225/22 mm apart): body lines exactly; a head
        # (16 pt) hangs its first baseline 16 pt below its top, 0.2 pt lower than the body's.
        line = 225 / 22 * MM
        first = next(row for row in area if abs(row[0]["size"] - pitch) < 0.01)[0]["matrix"][5]
        for row in area:
            steps = (first - row[0]["matrix"][5]) / line
            body_line = abs(row[0]["size"] - pitch) < 0.01
            assert abs(steps - round(steps)) * line < (0.02 if body_line else 0.25), steps
        assert round((area[0][0]["matrix"][5] - area[-1][0]["matrix"][5]) / line) == 21
        body = [row for row in area if abs(row[0]["size"] - pitch) < 0.01]
        assert len(body) == 20 and len(body[0]) == 26  # the first line indented 2 characters
        for row in body[1:]:
            assert len(row) == 28, "".join(c["text"] for c in row)
            assert abs(row[0]["x0"] - 28 * MM) < 0.1 and abs(row[-1]["x1"] - 184 * MM) < 0.1
        assert all("NotoSerifSC" in c["fontname"] for row in body for c in row)  # the 仿宋 fallback


def test_folio_outside_7mm_below_the_type_area(pdf):
    with pdfplumber.open(pdf) as document:
        for index in (2, 3, 4):  # folios 1, 2, 3 on pages 3, 4, 5
            page = document.pages[index]
            folio = [c for c in page.chars if abs(c["size"] - 14) < 0.01]
            text = "".join(c["text"] for c in sorted(folio, key=lambda c: c["x0"]))
            assert text == f"— {index - 1} —"
            assert all(abs(c["top"] - (page.height - 35 * MM) - 7 * MM) < 0.3 for c in folio)
            odd = (index + 1) % 2 == 1
            if odd:
                assert abs(max(c["x1"] for c in folio) - 184 * MM) < 0.5
            else:
                assert abs(min(c["x0"] for c in folio) - 28 * MM) < 0.5


def test_check_passes(pdf):
    failed = [f"{r.name}: {r.detail}" for r in check_pdf(pdf) if r.failed]
    assert not failed, failed


def audit(pdf: Path) -> list[str]:
    """The failed rows of ``briefing check`` but Preflight."""
    view = PdfView(pdf)
    try:
        rows = [check(view) for check in CHECKS if check is not check_pdfa_preflight]
    finally:
        view.close()
    return [f"{r.name}: {r.detail}" for found in rows for r in (found if isinstance(found, list) else [found])
            if r.failed]


def test_the_reference_edition_in_this_style_passes_check(tmp_path):
    """62 pages with paragraphs set with no space between them (told apart by their indent) and a
    body paragraph that reads like a source line at the top of a page (“新欧洲包豪斯”：https://…)."""
    output = tmp_path / "reference.pdf"
    assert build(REFERENCE, output, "--style", "gbt9704") == 0
    assert not audit(output)


def test_a_chapter_spilling_two_lines_carries_more_over(tmp_path):
    """Two lines of a chapter would spill onto a page of their own; push-in saves no line and
    the grid has no paragraph spacing to shrink: page fill carries the paragraph over."""
    edition = tmp_path / "2021-11.yaml"
    edition.write_text(small_edition(11, SMALL_CHAPTERS[11], style="gbt9704"), "utf-8")
    output = tmp_path / "out.pdf"
    assert build(edition, output) == 0
    assert not audit(output)


def test_a_preferred_font_in_the_publication_is_taken(tmp_path):
    """simfang.ttf (here a renamed Noto Sans SC) in the publication's fonts/ draws the body."""
    edition = write(tmp_path)
    (tmp_path / "fonts").mkdir()
    shutil.copy(ROOT / "fonts" / "NotoSansSC-Regular.ttf", tmp_path / "fonts" / "simfang.ttf")
    output = tmp_path / "out.pdf"
    assert build(edition, output, "--pdf-a", "none") == 0
    with pdfplumber.open(output) as document:
        body = [c for c in document.pages[2].chars if abs(c["size"] - 156 / 28 * MM) < 0.01]
    assert body and all("NotoSansSC" in c["fontname"] for c in body)


def test_a_centred_folio_under_the_copyright(tmp_path):
    """``page.folio_side: center`` with another ``folio_format``: any style may use the options."""
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "centred.yaml").write_text(
        "base: briefing\npage: {folio_side: center, folio_format: '第{n}页'}\n", "utf-8")
    edition = tmp_path / "2021-12.yaml"
    edition.write_text(small_edition(12, SMALL_CHAPTERS[12], style="centred"), "utf-8")
    output = tmp_path / "out.pdf"
    assert build(edition, output, "--pdf-a", "none") == 0
    assert not audit(output)
    with pdfplumber.open(output) as document:
        page = document.pages[2]
        footer = rows(page)[-2:]
    assert "".join(c["text"] for c in footer[-1]) == "第1页"
    middle = (footer[-1][0]["x0"] + footer[-1][-1]["x1"]) / 2
    assert abs(middle - (25 * MM + (210 - 25) * MM) / 2) < 0.5
    assert "".join(c["text"] for c in footer[0]).startswith("版权归属")
