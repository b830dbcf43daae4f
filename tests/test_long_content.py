"""Legitimate content at its edges builds and passes check: a hundred chapters and more,
titles of a thousand characters; what no layout can hold is refused at its line."""

from __future__ import annotations

import pytest

from layout.check import PdfView
from layout.cli import main
from layout.pages.body import chinese_numeral

from conftest import build, checked, write_edition
from pdfread import normalize

DIGITS = "零一二三四五六七八九"


@pytest.mark.parametrize("n, written", [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (35, "三十五"), (99, "九十九"),
    (100, "一百"), (101, "一百零一"), (105, "一百零五"), (110, "一百一十"), (111, "一百一十一"), (120, "一百二十"),
    (200, "二百"), (305, "三百零五"), (999, "九百九十九"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (1100, "一千一百"), (2024, "二千零二十四"),
])
def test_chapter_numerals(n, written):
    assert chinese_numeral(n, DIGITS, "十") == written


def edition(chapters: list[str], article_title: str = "文章", qr: str = "https://example.org/x") -> str:
    text = """\
edition:
  title: 测试简报
  issue_label: 10月刊
  date: 2021-10
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
"""
    for title in chapters:
        text += f"""\
  - title: {title}
    articles:
      - title: {article_title}
        body: |
          天津市低碳发展研究中心组织编制的团体标准正式发布。
"""
    return text + f"back_page:\n  title: 联系我们\n  contacts:\n    - {{label: 电话, value: 010-1}}\n  qr: {qr}\n"


def built(tmp_path, text: str) -> PdfView:
    """Build ``text``, run every check on it, return the PDF opened once (pdfplumber is slow)."""
    output = tmp_path / "long.pdf"
    assert build(write_edition(tmp_path, text), output) == 0
    view = PdfView(output)
    failed = [r for r in checked(view) if r.failed]
    assert not failed, failed
    return view


def page_text(view: PdfView, index: int, without_footer: bool = False) -> str:
    lines = view.lines(index)
    return normalize("".join(line.text for line in (lines[:-1] if without_footer else lines)))


@pytest.mark.parametrize("count", [100, 120])
def test_a_hundred_chapters_and_more_build_with_a_right_toc(tmp_path, count):
    view = built(tmp_path, edition([f"第{n}章" for n in range(1, count + 1)]))
    toc = "".join(page_text(view, i) for i in view.front_pages)
    for n in sorted({n for n in (1, 99, 100, 101, 110, count) if n <= count}):
        numeral = chinese_numeral(n, DIGITS, "十")
        assert f"{numeral}、第{n}章" in toc
        # The chapter's head is on the page the TOC names (the folio after the leaders).
        folio = toc.split(f"{numeral}、第{n}章", 1)[1].lstrip(".").split(f"{n}.1", 1)[0]
        page = view.labels.index(folio)
        assert page_text(view, page).startswith(f"{numeral}、第{n}章")
    view.close()


def test_a_thousand_character_chapter_title_splits_between_pages(tmp_path):
    title = "碳达峰碳中和标准体系建设" * 83 + "指南"  # 998 characters
    view = built(tmp_path, edition([title], article_title="文章标题" * 250))
    body = [i for i, label in enumerate(view.labels) if label.isdigit()]
    text = "".join(page_text(view, i, without_footer=True) for i in body)
    assert text.startswith("一、" + title + "1.1" + "文章标题" * 250)
    first = page_text(view, body[0])
    assert title[:40] in first and title[-20:] not in first  # it did need a second page
    view.close()


@pytest.mark.parametrize("text, key, fragment", ids=["title", "qr"], argvalues=[
    (edition(["长" * 3000]), "chapters[0].title", "more than a page holds; shorten the title"),
    (edition(["标准"], qr="https://example.org/" + "a" * 3000), "back_page.qr",
     "a QR code holds at most"),
])
def test_what_no_page_can_hold_is_refused_at_its_line(tmp_path, capsys, text, key, fragment):
    path = write_edition(tmp_path, text)
    assert main(["build", str(path), "-o", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    line = next(i for i, source in enumerate(text.splitlines(), 1) if ("a" * 3000 in source or "长" * 3000 in source))
    assert f"{path}:{line}:" in err and f"{key}: " in err and fragment in err, err

