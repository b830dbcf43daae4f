"""``check``'s fast reader (layout.pagetext) gives the rows the numbers pdfplumber gave them,
on what briefing writes, on forms and on a re-saved copy; what it does not interpret (a
standard-14 font, an inline image, a string it cannot tokenize) is read with pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from layout.check import check_pdf
from layout.pagetext import Unsupported, read_page, tokens
from layout.pdfview import PdfView

from conftest import ROOT, build

KEYS = ("text", "fontname", "size", "x0", "x1", "y0", "y1", "top", "bottom", "tag")
"""What the rows read of a glyph (layout.audit, glyphrows, overprint, flow_check, pdfview)."""
TABLES = ROOT / "tests" / "editions" / "lvse-2022-03" / "issues" / "2022-03.yaml"


def assert_as_pdfplumber(path: Path, pages: list[int]) -> int:
    """The fast reader's glyphs and images on ``pages`` (0-based) equal pdfplumber's; how many glyphs."""
    view = PdfView(path)
    try:
        assert view.reader == "pagetext"
        with pdfplumber.open(path, pages=[index + 1 for index in pages]) as plumber:
            compared = 0
            for index, page in zip(pages, plumber.pages, strict=True):
                mine, theirs = view.chars[index], page.chars
                assert len(mine) == len(theirs), f"page {index + 1}"
                for a, b in zip(mine, theirs):
                    for key in KEYS:
                        if isinstance(b[key], float):
                            assert a[key] == pytest.approx(b[key], abs=1e-6), (index, key, b["text"])
                        else:
                            assert a[key] == b[key], (index, key, b["text"])
                    assert a["matrix"] == pytest.approx(b["matrix"], abs=1e-6)
                assert [(i["x0"], i["top"], i["x1"], i["bottom"], tuple(i["srcsize"])) for i in view.images[index]] \
                    == pytest.approx([(i["x0"], i["top"], i["x1"], i["bottom"], tuple(i["srcsize"]))
                                      for i in page.images])
                assert view.heights[index] == pytest.approx(float(page.height))
                compared += len(mine)
        return compared
    finally:
        view.close()


def test_reference_glyphs_are_pdfplumbers(reference_pdf_path):
    assert assert_as_pdfplumber(reference_pdf_path, [0, 1, 3, 8]) > 2000


def test_table_tags_and_figures_are_pdfplumbers(tmp_path):
    output = tmp_path / "lvse.pdf"
    assert build(TABLES, output) == 0
    with pikepdf.open(output) as pdf:
        pages = len(pdf.pages)
    view = PdfView(output)
    tables = [i for i in range(pages) if any(c["tag"] == "Table" for c in view.chars[i])]
    figures = [i for i in range(pages) if view.images[i]]
    view.close()
    assert tables and figures, "the edition has a table and a figure"
    assert_as_pdfplumber(output, sorted({tables[0], figures[0], pages - 1}))


def test_forms_and_a_resaved_copy_are_read_fast(reference_pdf_path, tmp_path):
    """A proofreader's copy: the pages wrapped in form XObjects (as a stamping tool leaves them),
    saved again with normalized content streams and object streams."""
    with pikepdf.open(reference_pdf_path) as source, pikepdf.new() as wrapped:
        for page in list(source.pages)[:4]:
            blank = wrapped.add_blank_page(page_size=(float(page.mediabox[2]), float(page.mediabox[3])))
            blank.add_overlay(wrapped.copy_foreign(page.as_form_xobject()))
        wrapped.save(tmp_path / "forms.pdf")
        source.save(tmp_path / "resaved.pdf", normalize_content=True,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert assert_as_pdfplumber(tmp_path / "forms.pdf", [0, 1, 3]) > 1000
    assert assert_as_pdfplumber(tmp_path / "resaved.pdf", [1, 3]) > 1000


def test_type0_fonts_are_pdfplumbers(tmp_path):
    """Identity-H CID fonts, two bytes a glyph (Typst writes them; its strings hold bare parentheses)."""
    typst = pytest.importorskip("typst")  # a benchmark dependency: the one writer of such fonts at hand
    source = tmp_path / "type0.typ"
    source.write_text('#set page(paper: "a4")\n#set text(font: "Noto Serif SC", size: 11pt)\n'
                      '#set par(justify: true)\n= 标题 Heading\n' + "碳达峰碳中和工作简报（2021年10月刊）。" * 6
                      + "\n\n#rotate(30deg)[斜排 turned]\n", "utf-8")
    typst.compile(str(source), output=str(tmp_path / "type0.pdf"), root=str(tmp_path),
                  font_paths=[str(ROOT / "fonts")], ignore_system_fonts=True)
    with pikepdf.open(tmp_path / "type0.pdf") as pdf:
        assert any(font.get("/Subtype") == "/Type0" for font in pdf.pages[0].Resources.Font.values())
    assert assert_as_pdfplumber(tmp_path / "type0.pdf", [0]) > 100


def crafted(path: Path, draw) -> Path:
    canvas = Canvas(str(path), pagesize=(595.28, 841.89))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return path


def test_text_state_operators_are_pdfplumbers(tmp_path):
    """Tc, Tw, Tz, Ts, TL with T*, ' and ", a rotated and a scaled text matrix, and q/Q around them."""
    def draw(canvas):
        text = canvas.beginText(72, 760)
        text.setFont(serif(), 11, leading=15)
        text.setCharSpace(1.5)
        text.setWordSpace(4)
        text.textLine("Spaced words and 汉字 together")
        text.setHorizScale(80)
        text.setRise(3)
        text.textLine("Narrow, raised text")
        text._code.append("2 Tc (After a quote) '")
        canvas.drawText(text)
        canvas.saveState()
        canvas.translate(300, 400)
        canvas.rotate(30)
        canvas.scale(1.5, 0.75)
        canvas.setFont(serif(), 12)
        canvas.drawString(0, 0, "Turned 30 degrees 斜排")
        canvas.restoreState()
        canvas.setFont(serif(), 9)
        canvas.drawString(72, 100, "After Q, the page's own state")

    path = crafted(tmp_path / "state.pdf", draw)
    assert assert_as_pdfplumber(path, [0]) > 80


def serif() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "PagetextTestSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PagetextTestSerif", str(ROOT / "fonts" / "NotoSerifSC-Regular.ttf")))
    return "PagetextTestSerif"


def test_a_double_quote_moves_to_the_next_line(tmp_path):
    """PDF 1.7 §9.4.3: ``aw ac string "`` sets the spacings, moves to the next line, shows the
    string (pdfminer forgets the move; this reader does not)."""
    def draw(canvas):
        text = canvas.beginText(72, 700)
        text.setFont(serif(), 10, leading=14)
        text.textOut("Above")
        text.textOut("Below")
        canvas.drawText(text)

    path = crafted(tmp_path / "tj.pdf", draw)
    with pikepdf.open(path) as pdf:  # the second Tj made a "
        page = pdf.pages[0]
        instructions = pikepdf.parse_content_stream(page)
        last = max(i for i, (_, operator) in enumerate(instructions) if str(operator) == "Tj")
        instructions[last] = pikepdf.ContentStreamInstruction([6, 0.5, *instructions[last].operands],
                                                              pikepdf.Operator('"'))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        pdf.save(tmp_path / "quote.pdf")
    view = PdfView(tmp_path / "quote.pdf")
    assert view.reader == "pagetext"
    lines = view.lines(0)
    view.close()
    assert [(line.text, line.baseline) for line in lines] == [("Above", -700), ("Below", -686)]


def test_text_colours_are_ink_checks(reference_pdf_path, tmp_path):
    """The fill colour noted at each text operator is what layout.ink_check's own walk finds."""
    from layout.ink_check import classify, text_colours

    def draw(canvas):
        canvas.setFont(serif(), 10)
        for y, colour in ((700, lambda: canvas.setFillGray(0.4)), (680, lambda: canvas.setFillColorCMYK(0, 0, 0, 0.8)),
                          (660, lambda: canvas.setFillColorRGB(0.2, 0.2, 0.2)),
                          (640, lambda: canvas.setFillColorCMYK(0.3, 0.3, 0.3, 0))):
            canvas.saveState()
            colour()
            canvas.drawString(72, y, "灰色 grey")
            canvas.restoreState()
        canvas._code.append("/DeviceRGB cs .3 .3 .3 sc")  # a grey of four inks, by sc
        canvas.drawString(72, 620, "after cs and sc")

    for path in (reference_pdf_path, crafted(tmp_path / "colours.pdf", draw)):
        view = PdfView(path)
        try:
            assert view.reader == "pagetext"
            for index, page in enumerate(view.pdf.pages):
                noted = [(classify(space, values), size, written)
                         for (space, values, written), size in view.text_runs[index]]
                assert noted == text_colours(page), index
        finally:
            view.close()
    assert {kind for kind, _, _ in noted} == {"k", "grey4"}
    assert noted[-1] == ("grey4", 10.0, "0.3 0.3 0.3 sc")


def test_what_it_does_not_interpret_is_read_with_pdfplumber(tmp_path):
    helvetica = crafted(tmp_path / "helvetica.pdf", lambda c: c.drawString(72, 700, "Hello, proofreader"))
    with pikepdf.open(helvetica) as pdf, pytest.raises(Unsupported, match="standard-14"):
        read_page(pdf.pages[0])
    view = PdfView(helvetica)
    assert view.reader.startswith("pdfplumber (") and "standard-14" in view.reader
    assert "".join(c["text"] for c in view.chars[0]) == "Hello, proofreader"
    view.close()
    # check still runs every row on it, and finds the font check has always found there
    rows = {row.name: row for row in check_pdf(helvetica)}
    assert rows["fonts embedded, no standard-14"].status == "fail"
    assert "Helvetica" in rows["fonts embedded, no standard-14"].detail


def test_an_inline_image_is_read_with_pdfplumber(tmp_path):
    from PIL import Image

    picture = Image.new("RGB", (40, 20), "red")
    path = crafted(tmp_path / "inline.pdf", lambda c: c.drawInlineImage(picture, 100, 500, 80, 40))
    view = PdfView(path)
    assert view.reader.startswith("pdfplumber (") and "inline image" in view.reader
    assert [(round(i["x0"]), round(i["bottom"]), tuple(i["srcsize"])) for i in view.images[0]] == \
        [(100, round(841.89 - 500), (40, 20))]
    view.close()


def test_tokens():
    stream = (b"q 1 0 0 1 -2.5 .5 cm BT /F1+0 10.5 Tf [(a\\(b\\)\\101\\n) -250 <004100 42>] TJ "
              b"/Span <</ActualText <FEFF0041> /MCID 3>> BDC (x\\\\y) Tj EMC ET % a comment\nQ")
    assert tokens(stream) == ["q", 1.0, 0.0, 0.0, 1.0, -2.5, 0.5, "cm", "BT", "/F1+0", 10.5, "Tf",
                              [b"a(b)A\n", -250.0, b"\x00\x41\x00\x42"], "TJ", "/Span",
                              {"/ActualText": b"\xfe\xff\x00\x41", "/MCID": 3.0}, "BDC", b"x\\y", "Tj", "EMC", "ET", "Q"]
    assert tokens(b"(a(b)\\)c) Tj [(\x00\x28\x00\x29)] TJ") == [b"a(b))c", "Tj", [b"\x00(\x00)"], "TJ"]
    for bad in (b"(a(b c) Tj", b"[(a) Tj", b"BI /W 1 ID x EI"):
        with pytest.raises(Unsupported):
            tokens(bad)
