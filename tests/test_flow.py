"""Heads break between words, pages keep and fill, metadata and outline are right.

Each test reads the built PDF (pdfplumber, pikepdf) and holds it to the edition's YAML:
head lines against the segmenter's word starts, page tops against source lines, the
outline's /Count against its own tree, the title against the edition's label.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from conftest import REFERENCE, build, write_edition
from layout.check import PdfView, check_metadata
from layout.flow_check import check_orphaned_sources, check_short_pages
from layout.load import load_issue
from layout.pages.segment import word_starts

YEAR_LABEL = """\
edition:
  title: 绿色低碳发展动态
  issue_label: 2022年第3期
  date: 2022-03
  publisher: 测试出版单位
  copyright: 版权归属测试单位
chapters:
  - title: 标准进展
    articles:
      - title: 关于印发加快建立健全绿色低碳循环发展经济体系若干措施的通知
        body: |
          为贯彻落实党中央、国务院决策部署，加快建立健全绿色低碳循环发展经济体系，现印发有关措施。
"""
_LEADER_TAIL = re.compile(r"(?:\s*\.)+\s*\S+$")


def _lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines, top to bottom, spaces left out (glyphs grouped by baseline)."""
    pages = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                key = next((k for k in rows if abs(k - char["matrix"][5]) <= 1.0), char["matrix"][5])
                rows.setdefault(key, []).append(char)
            pages.append(["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"]) if not c["text"].isspace())
                          for _, row in sorted(rows.items(), reverse=True)])
    return pages


def _head_breaks(pages: list[list[str]], number: str, title: str) -> list[list[int]]:
    """For every place ``number`` + ``title`` is set (head, TOC entry), the offsets in
    ``title`` where its lines break; a TOC entry's leaders and folio are taken off."""
    compact = [i for i, c in enumerate(title) if not c.isspace()]
    want = "".join(title[i] for i in compact)
    found = []
    for lines in pages:
        for start, line in enumerate(lines):
            if not line.startswith(number + want[:2]):
                continue
            got, breaks = line[len(number):], []
            for following in lines[start + 1:]:
                if _LEADER_TAIL.sub("", got) == want or len(got) >= len(want):
                    break
                breaks.append(len(got))
                got += following
            if _LEADER_TAIL.sub("", got) == want:
                found.append([compact[b] for b in breaks])
    return found


def _heads(edition: Path) -> list[tuple[str, str]]:
    issue = load_issue(edition)
    numerals = "一二三四五六七八九十"
    heads = []
    for ci, chapter in enumerate(issue.chapters):
        heads.append((f"{numerals[ci]}、", chapter.title))
        heads += [(f"{ci + 1}.{ai + 1}", article.title) for ai, article in enumerate(chapter.articles)]
    return heads


def _break_problems(pdf: Path, edition: Path) -> tuple[list[str], int]:
    pages = _lines(pdf)
    problems, multi = [], 0
    for number, title in _heads(edition):
        places = _head_breaks(pages, number, title)
        assert places, f"{number} {title} not found in the PDF"
        starts = word_starts(title)
        for breaks in places:
            multi += bool(breaks)
            for b in breaks:
                if b not in starts:
                    problems.append(f"{number} breaks inside a word: {title[:b]}/{title[b:]}")
            if breaks:
                last = title[breaks[-1]:].strip()
                if len([c for c in last if c.isalnum()]) <= 2:
                    problems.append(f"{number} ends with a short line: {last!r}")
    return problems, multi


def test_heads_and_toc_entries_break_between_words(reference_pdf_path):
    problems, multi = _break_problems(reference_pdf_path, REFERENCE)
    assert multi >= 8, f"only {multi} multi-line heads and TOC entries found: the test reads the wrong lines"
    assert not problems, "\n".join(problems)


def test_heads_are_balanced(reference_pdf_path):
    """A two-line head's lines differ by less than a line's worth: the widest is as narrow
    as the words allow (1.1 used to fill its first line and leave 团体标准正式发布 below)."""
    pages = _lines(reference_pdf_path)
    for number, title in _heads(REFERENCE):
        for breaks in _head_breaks(pages, number, title):
            if len(breaks) == 1:
                first, second = title[:breaks[0]].strip(), title[breaks[0]:].strip()
                assert len(second) >= len(first) / 3, f"{number}: {first} / {second}"


def test_no_source_line_at_a_page_top_and_no_near_empty_page(reference_pdf_path):
    view = PdfView(reference_pdf_path)
    try:
        for check in (check_orphaned_sources, check_short_pages):
            result = check(view)
            assert result.status == "pass", result.detail
    finally:
        view.close()


def test_sources_carry_the_paragraphs_last_lines_over(tmp_path):
    """A paragraph that fits with its source line below it that does not: the source goes
    over with the paragraph's last lines (at least widows), never alone."""
    from layout.fonts import register_fonts
    from layout.pages.flowables import WithSources
    from layout.pages.typeset import Typesetter
    from layout.styles import load_style

    style = load_style(write_edition(tmp_path, YEAR_LABEL).parent / "styles" / "briefing.yaml")
    typesetter = Typesetter(style, register_fonts(style))
    paragraph = typesetter.make_paragraph("碳达峰碳中和" * 60, "body")
    source = typesetter.make_paragraph("（原文链接：https://example.org/a）", "source")
    kept = WithSources(paragraph, [source])
    width = 450.0
    kept.wrap(width, 1000)
    lines = paragraph.line_count
    assert lines >= 4
    parts = kept.split(width, paragraph.height + 1)  # the paragraph fits, the source does not
    head, tail = parts
    assert head.line_count == lines - style.typography.widows
    assert isinstance(tail, WithSources) and tail.sources == [source]
    assert tail.paragraph.line_count == style.typography.widows


@pytest.fixture(scope="module")
def year_label_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("year")
    output = folder / "year.pdf"
    assert build(write_edition(folder, YEAR_LABEL), output) == 0
    return output


def test_a_label_with_the_year_gives_the_title_once(year_label_pdf, tmp_path):
    with pikepdf.open(year_label_pdf) as pdf:
        assert str(pdf.docinfo.Title) == "绿色低碳发展动态 2022年第3期"
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "绿色低碳发展动态 2022年第3期"
        # The same file with the doubled title of the old build: check's metadata row fails.
        doubled = "绿色低碳发展动态 2022年2022年第3期"
        pdf.docinfo.Title = doubled
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = doubled
        pdf.save(tmp_path / "doubled.pdf")
    for path, status in ((year_label_pdf, "pass"), (tmp_path / "doubled.pdf", "fail")):
        view = PdfView(path)
        try:
            assert check_metadata(view).status == status, check_metadata(view).detail
        finally:
            view.close()


def _outline(pdf: pikepdf.Pdf):
    def children(node):
        child = node.get("/First")
        while child is not None:
            yield child
            child = child.get("/Next")
    return children


def test_bookmarks_read_like_the_heads(reference_pdf_path, reference_data):
    with pikepdf.open(reference_pdf_path) as pdf:
        children = _outline(pdf)
        chapters = list(children(pdf.Root.Outlines))
        titles = [str(c.Title) for c in chapters]
        assert titles == [f"{n}、{c['title']}" for n, c in zip("一二三四五六七八九", reference_data["chapters"])]
        first = [str(a.Title) for a in children(chapters[0])]
        assert first[0] == f"1.1 {reference_data['chapters'][0]['articles'][0]['title']}"


def test_outline_counts_follow_the_pdf_spec(reference_pdf_path, reference_data):
    """PDF 1.7 §12.3.3: the root's /Count is the number of visible items; an open item's,
    its visible descendants; a closed item's, minus the descendants it would show."""
    with pikepdf.open(reference_pdf_path) as pdf:
        children = _outline(pdf)

        def visible(node) -> int:
            total = 0
            for child in children(node):
                below = visible(child)
                if "/First" in child:
                    count = int(child.Count)
                    assert abs(count) == below, f"{child.Title}: /Count {count}, {below} below it"
                    total += 1 + (below if count > 0 else 0)
                else:
                    total += 1
            return total

        root = pdf.Root.Outlines
        entries = sum(1 + len(c["articles"]) for c in reference_data["chapters"])
        assert visible(root) == entries  # every chapter is open
        assert int(root.Count) == entries


def test_check_finds_a_wrong_count_and_a_stray_space(reference_pdf_path, tmp_path):
    from layout.check import check_outline_form

    damaged = tmp_path / "outline.pdf"
    with pikepdf.open(reference_pdf_path) as pdf:
        root = pdf.Root.Outlines
        root.Count = int(root.Count) + 7  # what ReportLab wrote: open children counted twice
        first = root.First
        first.Title = str(first.Title).replace("、", "、 ", 1)
        pdf.save(damaged)
    for path, status in ((reference_pdf_path, "pass"), (damaged, "fail")):
        view = PdfView(path)
        try:
            result = check_outline_form(view)
        finally:
            view.close()
        assert result.status == status, result.detail
    assert "/Count" in result.detail and "space after a full-width mark" in result.detail


SHORT_CHAPTER = """\
edition:
  title: 测试简报
  issue_label: 特刊
  date: 2022-03
  publisher: 测试出版单位
  copyright: 版权归属测试单位
chapters:
  - title: 短章
    articles:
      - title: 一篇短文
        body: 只有一行。
  - title: 长章
    articles:
      - title: 另一篇
        body: 第二章的正文。
"""


def test_a_short_chapter_is_not_a_near_empty_page(tmp_path):
    """A chapter of three lines on its own page is the editor's choice, not a spill-over."""
    output = tmp_path / "short.pdf"
    assert build(write_edition(tmp_path, SHORT_CHAPTER), output) == 0
    view = PdfView(output)
    try:
        first_chapter = next(i for i, label in enumerate(view.labels) if label == "1")
        assert len(view.lines(first_chapter)) - 1 <= 3  # heads and one line: a short page indeed
        result = check_short_pages(view)
    finally:
        view.close()
    assert result.status == "pass", result.detail
