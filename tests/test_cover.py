"""The cover and the footer fit whatever text they are given: long texts wrap, then shrink,
and nothing is drawn over anything else or off the paper. Measured on the PDF's glyphs."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
import yaml

from layout.cli import main

from conftest import ROOT, build, write_edition

TITLE = "碳达峰碳中和工作简报之" * 14 + "特辑"  # 156 characters
PUBLISHER = "中国电子技术标准化研究院" * 10  # 120
COPYRIGHT = "版权归属赛西所有，引用转载请注明出处。" * 8  # 152
HOUSE = yaml.safe_load((ROOT / "styles" / "briefing.yaml").read_text("utf-8"))


def edition(title: str = "测试简报", publisher: str = "测试出版单位", copyright: str = "版权所有",
            department: str = "") -> str:
    return f"""\
edition:
  title: {title}
  issue_label: 10月刊
  date: 2021-10
  publisher: {publisher}
{f"  department: {department}" + chr(10) if department else ""}  copyright: {copyright}
chapters:
  - title: 标准进展
    articles:
      - title: 文章
        body: |
          天津市低碳发展研究中心组织编制的团体标准正式发布。
"""


def mm(text: str) -> float:
    return float(text.removesuffix("mm")) * 72 / 25.4


def lines_of(chars: list[dict], height: float) -> list[dict]:
    """Glyphs grouped by baseline, each line with its text and its em box (size above and
    below the baseline in the ideographic proportions 0.88 / 0.12)."""
    rows: dict[float, list[dict]] = {}
    for char in chars:
        if char["text"].isspace():
            continue
        baseline = height - char["matrix"][5]
        key = next((k for k in rows if abs(k - baseline) < 1.0), baseline)
        rows.setdefault(key, []).append(char)
    out = []
    for baseline, row in sorted(rows.items()):
        row.sort(key=lambda c: c["x0"])
        size = max(c["size"] for c in row)
        out.append({"text": "".join(c["text"] for c in row), "baseline": baseline, "size": size,
                    "top": baseline - 0.88 * size, "bottom": baseline + 0.12 * size,
                    "x0": row[0]["x0"], "x1": row[-1]["x1"], "chars": row})
    return out


def assert_nothing_overlaps(lines: list[dict], width: float, height: float) -> None:
    for line in lines:
        assert 0 <= line["x0"] and line["x1"] <= width and 0 <= line["top"] and line["bottom"] <= height, line["text"]
        for a, b in zip(line["chars"], line["chars"][1:]):
            assert b["x0"] >= a["x1"] - 0.55 * a["size"], (line["text"], a["text"], b["text"])
    for upper, lower in zip(lines, lines[1:]):
        assert lower["top"] >= upper["bottom"] - 0.5, (upper["text"][:20], lower["text"][:20])


def built(tmp_path: Path, text: str) -> pdfplumber.PDF:
    output = tmp_path / "cover.pdf"
    assert build(write_edition(tmp_path, text), output) == 0
    return pdfplumber.open(output)


@pytest.mark.parametrize("fields", [
    {"title": TITLE}, {"publisher": PUBLISHER}, {"title": TITLE, "publisher": PUBLISHER, "department": PUBLISHER},
    {"title": "碳" * 400},
])
def test_long_cover_texts_wrap_and_shrink_without_overprinting(tmp_path, fields):
    with built(tmp_path, edition(**fields)) as pdf:
        page = pdf.pages[0]
        width, height = float(page.width), float(page.height)
        lines = lines_of(page.chars, height)
    assert_nothing_overlaps(lines, width, height)
    text = "".join(line["text"] for line in lines)
    title, publisher = fields.get("title", "测试简报"), fields.get("publisher", "测试出版单位")
    assert title + "（10月刊）" in text and text.endswith(publisher + fields.get("department", "") + "2021年10月")
    # The date's baseline stays where the style puts the last cover line; the title starts at title_top.
    assert lines[-1]["baseline"] == pytest.approx(height - mm(HOUSE["cover"]["meta_bottom"]), abs=0.5)
    assert lines[0]["baseline"] == pytest.approx(mm(HOUSE["cover"]["title_top"]), abs=0.5)
    # Lines stay inside the type area's width.
    left, right = mm(HOUSE["page"]["margin_left"]), width - mm(HOUSE["page"]["margin_right"])
    assert all(line["x0"] >= left - 0.5 and line["x1"] <= right + 0.5 for line in lines)


def test_a_long_copyright_wraps_above_the_folio_line_below_the_type_area(tmp_path):
    with built(tmp_path, edition(copyright=COPYRIGHT)) as pdf:
        page = pdf.pages[2]  # folio 1
        width, height = float(page.width), float(page.height)
        lines = lines_of(page.chars, height)
    frame_bottom = height - mm(HOUSE["page"]["margin_bottom"])
    footer = [line for line in lines if line["top"] > frame_bottom]
    assert len(footer) >= 2
    assert_nothing_overlaps(lines, width, height)
    assert "".join(line["text"] for line in footer) == COPYRIGHT + "1"
    assert footer[-1]["baseline"] == pytest.approx(height - mm(HOUSE["page"]["footer_baseline"]), abs=0.5)
    folio = footer[-1]["chars"][-1]
    assert folio["x1"] == pytest.approx(width - mm(HOUSE["page"]["margin_right"]), abs=0.5)
    assert all(line["x1"] < folio["x0"] for line in footer[:-1])
    # The hairline above the footer moved up with its first line and stays below the type area.
    with pdfplumber.open(tmp_path / "cover.pdf") as pdf:
        rules = [line for line in pdf.pages[2].lines if abs(line["top"] - line["bottom"]) < 0.1
                 and line["top"] > height / 2]
    assert len(rules) == 1 and footer[0]["top"] > rules[0]["top"] > frame_bottom


@pytest.mark.parametrize("fields, key, line", [
    ({"title": "碳" * 2000}, "edition.title", 2),
    ({"publisher": "中" * 2000}, "edition.publisher", 5),
    ({"copyright": "版" * 800}, "edition.copyright", 6),
])
def test_what_cannot_fit_is_refused_at_its_line(tmp_path, capsys, fields, key, line):
    path = write_edition(tmp_path, edition(**fields))
    assert main(["build", str(path), "-o", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and f"{key}: " in err and "shorten it" in err, err
    assert not (tmp_path / "x.pdf").exists()
