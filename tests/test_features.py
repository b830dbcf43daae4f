"""Everything an article body may hold, built into a PDF and read back."""

from __future__ import annotations

import pytest
from PIL import Image
from pdfread import Pdf, normalize

from conftest import build, write_edition

EDITION = """\
edition:
  title: 测试简报
  issue_label: 特刊
  date: 2022-03-15
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 功能
    articles:
      - title: 列表、表格与图片
        body: |
          甲烷（CH₄）与二氧化碳（CO₂）的**排放**数据见[官网](https://example.org/data)。

          ### 一、列表

          1. 第一项
          2. 第二项

          ### 二、表格

          | 年份 | 排放量 |
          |---|---|
          | 2020 | 100 |
          | 2021 | 95 |

          ![图1 排放趋势](figures/trend.png)
        sources:
          - {label: 消息来源, url: "https://example.org/news?id=1&lang=zh"}
back_page:
  title: 联系我们
  contacts:
    - {label: 电话, value: 010-12345678}
  qr: https://example.org/subscribe
"""


@pytest.fixture(scope="module")
def features_pdf(tmp_path_factory) -> Pdf:
    folder = tmp_path_factory.mktemp("features")
    (folder / "figures").mkdir()
    Image.new("RGB", (400, 200), (30, 120, 90)).save(folder / "figures" / "trend.png")
    output = folder / "features.pdf"
    assert build(write_edition(folder, EDITION), output) == 0
    return Pdf(output)


def test_inline_markup_tables_lists_and_captions_print(features_pdf):
    text = normalize("".join(features_pdf.page_text(i) for i in range(len(features_pdf))))
    for fragment in ("甲烷（CH₄）与二氧化碳（CO₂）的排放数据见官网。", "一、列表", "1.第一项", "2.第二项",
                     "年份排放量", "2020100", "202195", "图1排放趋势",
                     "（消息来源：https://example.org/news?id=1&lang=zh）", "2022年3月"):
        assert fragment in text


def test_inline_link_and_source_are_links(features_pdf):
    uris = {str(a.get_object()["/A"]["/URI"]) for page in features_pdf.reader.pages
            for a in page.get("/Annots", []) if "/A" in a.get_object()}
    assert {"https://example.org/data", "https://example.org/news?id=1&lang=zh"} <= uris


def test_figure_is_embedded(features_pdf):
    images = [name for page in features_pdf.reader.pages
              for name, obj in page["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 1


def test_back_page_draws_a_qr_code(features_pdf):
    back = features_pdf.reader.pages[-1]
    content = back.get_contents().get_data()
    assert content.count(b" re") > 100  # a QR code is hundreds of filled squares
    assert "010-12345678" in features_pdf.page_text(len(features_pdf) - 1)


def test_tables_and_qr_code_bring_no_standard_font(features_pdf):
    """ReportLab's table and drawing defaults select Helvetica, which is never embedded."""
    assert features_pdf.font_problems() == []
