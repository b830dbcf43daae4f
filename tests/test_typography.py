"""Chinese line breaking and justification (TYPOGRAPHY.md), on small cases and whole editions.

Unit tests force a break at each mark: a paragraph exactly one line of Han characters
wide, then the mark. Edition tests build a PDF and run the typography audit on it.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Table

from layout.audit import NO_END as AUDIT_NO_END
from layout.audit import NO_START as AUDIT_NO_START
from layout.audit import TextFrame, audit_typography
from layout.fonts import register_fonts
from layout.model import Run
from layout.pages.linebreak import CLOSING, NO_END, NO_START, URL_MIN_TAIL, url_break_allowed
from layout.pages.typeset import Typesetter
from layout.styles import load_style

from conftest import ROOT, build, write_edition

STYLE = load_style(ROOT / "styles" / "briefing.yaml")
TS = Typesetter(STYLE, register_fonts(STYLE))
SIZE = TS.size("body")
N = 20
WIDTH = N * SIZE
"""A line of exactly N Han characters (body size, no indent)."""
HAN = "汉"
STRESS = Path(__file__).resolve().parent / "stress"


PUSH_IN = Typesetter(dataclasses.replace(STYLE, typography=dataclasses.replace(STYLE.typography, push_in=True)),
                     TS.fonts)


def lines_of(text: str | tuple[Run, ...], width: float = WIDTH, typesetter: Typesetter = TS,
             **overrides) -> list[str]:
    para = typesetter.make_paragraph(text, "body", firstLineIndent=0, **overrides)
    para.wrap(width, 10_000)
    return para.line_texts


def render(flowables: list, width: float = WIDTH) -> bytes:
    """A one-column PDF whose text frame is ``width`` wide, at the house style's left margin."""
    page = STYLE.page
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(page.width.pt(), page.height.pt()), invariant=1,
                          initialFontName=TS.fonts.names["serif"])
    frame = Frame(page.margin_left.pt(), page.margin_bottom.pt(), width, page.height.pt() - page.margin_top.pt()
                  - page.margin_bottom.pt(), leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("all", [frame])])
    doc.build(flowables)
    return buffer.getvalue()


def audit_bytes(pdf: bytes, tmp_path: Path, width: float = WIDTH):
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    page = STYLE.page
    frame = TextFrame(page.margin_left.pt(), page.margin_top.pt(), page.margin_left.pt() + width,
                      page.height.pt() - page.margin_bottom.pt())
    return audit_typography(path, frame, style=STYLE)


# -- the character classes ------------------------------------------------------------------

def test_breaker_and_audit_agree_with_typography_md():
    assert NO_START == AUDIT_NO_START and NO_END == AUDIT_NO_END
    for mark in "，。、；：？！）］｝〕】〗〉》」』”’～·／…%‰℃!),.:;?]}":
        assert mark in NO_START
    for mark in "（［｛〔【〖〈《「『“‘／([{":
        assert mark in NO_END


# -- forced breaks at each mark -----------------------------------------------------------

@pytest.mark.parametrize("mark", sorted(NO_START))
def test_no_line_starts_with_a_no_start_mark(mark):
    lines = lines_of(HAN * N + mark + "字汉字")
    assert len(lines) == 2
    assert lines[1][0] not in NO_START, lines
    assert mark in lines[0] + lines[1][:2]


@pytest.mark.parametrize("mark", sorted(NO_END))
def test_no_line_ends_with_a_no_end_mark(mark):
    lines = lines_of(HAN * (N - 1) + mark + "字汉字")
    assert all(line[-1] not in NO_END for line in lines), lines


@pytest.mark.parametrize("mark", sorted(CLOSING))
def test_with_push_in_a_mark_inside_the_line_makes_room_for_the_line_end_mark(mark):
    """push_in: a comma inside the line gives up half an em so the closing mark stays on it."""
    text = HAN * 9 + "，" + HAN * (N - 10) + mark + "字汉字"
    lines = lines_of(text, typesetter=PUSH_IN)
    assert lines[0] == text[:N + 1], lines


@pytest.mark.parametrize("mark", sorted(CLOSING))
def test_without_push_in_marks_inside_a_line_stay_full_width_and_a_character_moves(mark):
    """The house style: the comma keeps its full em; the character before the mark goes down."""
    text = HAN * 9 + "，" + HAN * (N - 10) + mark + "字汉字"
    lines = lines_of(text)
    assert lines[0] == text[:N - 1] and lines[1].startswith(HAN + mark), lines


@pytest.mark.parametrize("pair", ["——", "……"])
@pytest.mark.parametrize("position", range(N - 3, N + 1))
def test_dashes_and_ellipses_are_never_split(pair, position):
    lines = lines_of(HAN * position + pair + HAN * 6)
    for line, following in zip(lines, lines[1:]):
        trailing = len(line) - len(line.rstrip(pair[0]))
        assert trailing % 2 == 0 or following[0] != pair[0], lines
    assert lines[1][0] not in NO_START


def test_lone_last_character_is_avoided():
    lines = lines_of(HAN * (N + 1) + "。")
    assert len(lines[-1].rstrip("。")) >= STYLE.typography.min_last_line_chars, lines


def test_latin_words_and_numbers_are_not_broken_inside():
    text = HAN * (N - 3) + "ISO 14064-1:2018" + HAN * 5 + "8,500万" + HAN * 30
    lines = lines_of(text)
    joined = "|".join(lines)
    for word in ("14064-1:2018", "8,500"):
        assert word in joined.replace("|", "") and word in joined, lines


@pytest.mark.parametrize("width_chars", [12, 17, 23, 31])
def test_urls_break_only_where_chicago_allows(width_chars):
    url = "https://www.example.org/climate_policy/2021-10/carbon-neutral.html?id=1042&lang=zh#section-2"
    lines = lines_of("详见" + url + "。", width=width_chars * SIZE)
    text = "".join(lines)
    start = text.index("https")
    position = 0
    for line in lines[:-1]:
        position += len(line)
        if start < position < start + len(url):
            assert url_break_allowed(line[-1], text[position]), lines
            assert len(url) - (position - start) >= URL_MIN_TAIL, lines
            assert not re.fullmatch(r"\.[A-Za-z0-9]+", url[position - start:]), lines


def test_existing_spaces_at_han_latin_boundaries_become_the_style_gap():
    spaced = TS.make_paragraph("自 2021 年 9 月 1 日起实施", "body", firstLineIndent=0)
    tight = TS.make_paragraph("自2021年9月1日起实施", "body", firstLineIndent=0)
    for para in (spaced, tight):
        para.wrap(WIDTH * 2, 100)
    assert spaced.last_line_end() == pytest.approx(tight.last_line_end())
    gap = STYLE.typography.han_latin_gap.pt(SIZE)
    digits = TS.width("2021", "body") + TS.width("9", "body") + TS.width("1", "body")
    assert tight.last_line_end() == pytest.approx(7 * SIZE + digits + 6 * gap)


def test_widows_and_orphans():
    para = TS.make_paragraph(HAN * (5 * 40), "body")
    para.wrap(40 * SIZE, 10_000)
    assert para.line_count == 6  # first line indented 2 em
    leading = para.leading
    head, tail = para.split(40 * SIZE, 5 * leading)
    assert (head.line_count, tail.line_count) == (4, 2)  # not 5 + a lone last line
    assert para.split(40 * SIZE, 1 * leading) == []  # not a lone first line
    assert head.text + tail.text == para.text


def test_table_cells_wrap_to_the_cell_width(tmp_path):
    cells = [[TS.make_paragraph(HAN * 30 + "，" + HAN * 5, "table", firstLineIndent=0, spaceBefore=0, spaceAfter=0),
              TS.make_paragraph("COP26", "table", firstLineIndent=0, spaceBefore=0, spaceAfter=0)]]
    table = Table(cells)
    width, height = table.wrap(300, 1000)
    assert width == pytest.approx(300) and height > 2 * TS.size("table")
    assert audit_bytes(render([table], 300), tmp_path, 300).ok


def test_a_broken_link_is_one_uri_over_each_line(tmp_path):
    url = "https://www.example.org/climate_policy/2021-10/carbon-neutral-report/index.html?id=1042"
    runs = (Run(HAN * 15), Run(url, href=url), Run("。"))
    para = TS.make_paragraph(runs, "body", firstLineIndent=0)
    pdf = render([para])
    reader = PdfReader(io.BytesIO(pdf))
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]]
    assert len(uris) >= 2 and set(uris) == {url}


def test_justified_paragraphs_pass_the_audit(tmp_path):
    texts = [HAN * (N * 3) + mark + HAN * 7 for mark in "，。、；：？！）》”"] + [
        "应对气变和关爱环境要求重新思考人类的生活方式，欧洲绿色协议的实施将带来系统变化，而“房屋翻新”"
        "战略将有助于减少排放，自 2021 年 9 月 1 日起实施 ISO 14064-1:2018，CO₂ 排放减少 30%，降低 0.2℃。"]
    pdf = render([TS.make_paragraph(text, "body") for text in texts])
    report = audit_bytes(pdf, tmp_path)
    assert report.ok, [str(f) for f in report.findings]
    assert report.checked["justified lines flush"] >= 10


def test_compressed_line_end_mark_is_half_width_and_inside_the_frame(tmp_path):
    pdf = render([TS.make_paragraph(HAN * (N - 1) + "，" + HAN * 10, "body", firstLineIndent=0)])
    path = tmp_path / "end.pdf"
    path.write_bytes(pdf)
    with pdfplumber.open(path) as doc:
        comma = next(c for c in doc.pages[0].chars if c["text"] == "，")
    right = STYLE.page.margin_left.pt() + WIDTH
    assert comma["x0"] + SIZE / 2 == pytest.approx(right, abs=0.01)


def test_the_audit_finds_what_stock_reportlab_gets_wrong(tmp_path):
    """The audit is only as good as what it catches: a Paragraph(wordWrap='CJK') fails it."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    style = ParagraphStyle("x", fontName=TS.fonts.names["serif"], fontSize=SIZE,
                           leading=TS.paragraph_style("body").leading, alignment=TA_JUSTIFY, wordWrap="CJK")
    texts = [HAN * N + "，" + HAN * 50, HAN * (N - 1) + "《" + HAN * 50, HAN * N + "。" + HAN * 50]
    report = audit_bytes(render([Paragraph(text, style) for text in texts]), tmp_path)
    found = {finding.check for finding in report.findings}
    assert {"line start", "line end", "inside the frame"} <= found, found


def test_the_audit_finds_widows_orphans_and_lone_characters(tmp_path):
    """Stock paragraphs allowed widows and orphans: a two-line paragraph split over a page
    leaves its first line at the foot and its last at the top; a 孤字 ends another."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Spacer

    body = TS.paragraph_style("body")
    style = ParagraphStyle("x", fontName=TS.fonts.names["serif"], fontSize=SIZE, leading=body.leading,
                           firstLineIndent=2 * SIZE, alignment=TA_JUSTIFY, wordWrap="CJK",
                           allowWidows=1, allowOrphans=1)
    page = STYLE.page
    frame_height = page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt()
    lines_per_page = int(frame_height // body.leading)
    story = [Spacer(0, (lines_per_page - 1) * body.leading), Paragraph(HAN * (N + 5), style),
             Paragraph(HAN * (N - 2) + HAN * N + HAN + "。", style)]
    report = audit_bytes(render(story), tmp_path)
    details = {(f.check, f.detail) for f in report.findings}
    assert ("widows and orphans", "a paragraph's first line alone at the foot of the page") in details
    assert ("widows and orphans", "a paragraph's last line alone at the top of the page") in details
    assert any(check == "no 孤字" for check, _ in details), details


# -- whole editions -------------------------------------------------------------------------

def test_reference_edition_passes_the_audit(reference_pdf_path):
    report = audit_typography(reference_pdf_path)
    assert report.lines_checked > 500
    assert report.checked["justified lines flush"] > 300
    assert report.ok, "\n".join(str(f) for f in report.findings[:20])
    assert all(passed for _, passed, _ in report.as_rows())


def test_stress_data_is_what_the_script_makes():
    result = subprocess.run([sys.executable, str(STRESS / "make_stress.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def stress_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stress")
    output = folder / "stress.pdf"
    assert build(write_edition(folder, (STRESS / "stress.yaml").read_text("utf-8")), output) == 0
    return output


def test_stress_edition_is_long_and_passes_the_audit(stress_pdf):
    with pdfplumber.open(stress_pdf) as pdf:
        assert len(pdf.pages) >= 30
    report = audit_typography(stress_pdf)
    assert report.ok, "\n".join(str(f) for f in report.findings[:20])
    for check in ("line start", "justified lines flush", "Han–Latin gap", "URL breaks", "—— …… whole",
                  "widows and orphans", "no 孤字"):
        assert report.checked[check] > 0, check


@pytest.mark.parametrize("typography", ["{punctuation: compressed, han_latin_gap: 0pt}",
                                        "{punctuation: line_end_half, han_latin_gap: 0.5em}"])
def test_stress_edition_passes_in_other_typography_settings(tmp_path, typography):
    edition = write_edition(tmp_path, (STRESS / "stress.yaml").read_text("utf-8"))
    variant = tmp_path / "styles" / "variant.yaml"
    variant.write_text(f"base: briefing\ntypography: {typography}\n", "utf-8")
    output = tmp_path / "variant.pdf"
    assert build(edition, output, "--style", str(variant)) == 0
    report = audit_typography(output, style=variant)
    assert report.ok, "\n".join(str(f) for f in report.findings[:20])


def test_stress_edition_passes_every_check_of_briefing_check(stress_pdf):
    """Subscripts in TOC titles (CO₂), long URLs, 35 pages: the archivist's audit agrees."""
    from layout.check import check_pdf

    failed = [f"{r.name}: {r.detail}" for r in check_pdf(stress_pdf) if r.failed]
    assert not failed, "\n".join(failed)
