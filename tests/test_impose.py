"""``briefing impose``: A4 pages two-up on A3 sheets in saddle-stitch order, read back from
the imposed PDF's text positions."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from layout.cli import main
from layout.print.impose import booklet_order

A4 = (595.2756, 841.8898)


def numbered_pdf(path: Path, pages: int, trim: bool = False) -> Path:
    """``pages`` A4 pages, each with its number large in the middle (and, with ``trim``, a
    print variant's MediaBox grown beyond a TrimBox)."""
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 60)
        canvas.drawCentredString(A4[0] / 2, A4[1] / 2, f"P{number}")
        canvas.showPage()
    canvas.save()
    if trim:
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            for page in pdf.pages:
                page.obj.TrimBox = pikepdf.Array([0, 0, *A4])
                page.obj.MediaBox = pikepdf.Array([-30, -30, A4[0] + 30, A4[1] + 30])
            pdf.save(path)
    return path


def sides(path: Path) -> list[tuple[str | None, str | None]]:
    """(left, right) page number read on each side of each sheet: the words P<n> by position."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert (float(page.width), float(page.height)) == pytest.approx((2 * A4[0], A4[1]), abs=0.5)
            halves: list[str | None] = [None, None]
            for word in page.extract_words():
                if word["text"].startswith("P"):
                    slot = 0 if (word["x0"] + word["x1"]) / 2 < A4[0] else 1
                    assert abs((word["x0"] + word["x1"]) / 2 - (slot + 0.5) * A4[0]) < 2, "centred on its half"
                    halves[slot] = word["text"][1:]
            out.append(tuple(halves))
    return out


def test_booklet_order_of_eight_pages():
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("pages, trim", [(8, False), (10, True), (1, False)])
def test_imposed_sheets_read_in_saddle_stitch_order(tmp_path, capsys, pages, trim):
    source = numbered_pdf(tmp_path / "pages.pdf", pages, trim)
    assert main(["impose", str(source)]) == 0
    booklet = tmp_path / "pages-booklet.pdf"
    padded = pages + (-pages % 4)
    assert f"({padded // 4} sheets, {padded} pages)" in capsys.readouterr().out
    expected = [tuple(str(n) if n <= pages else None for n in side) for side in booklet_order(padded)]
    assert sides(booklet) == expected
    # Sheet 1 front: the last page and the first; back: 2 and n-1.
    assert expected[0] == (str(padded) if padded == pages else None, "1")


def test_impose_the_print_variant_of_the_reference(reference_print_pdf_path, tmp_path, capsys):
    printed = reference_print_pdf_path
    output = tmp_path / "booklet.pdf"
    assert main(["impose", str(printed), "-o", str(output)]) == 0
    with pikepdf.open(printed) as source, pikepdf.open(output) as booklet:
        assert len(booklet.pages) == len(source.pages) // 2
        box = [float(v) for v in source.pages[0].TrimBox]
        assert [float(v) for v in booklet.pages[0].MediaBox] == pytest.approx([0, 0, 2 * box[2], box[3]], abs=0.01)
    with pdfplumber.open(output) as pdf, pdfplumber.open(printed) as source:
        title = source.pages[0].extract_text().split()[0]
        first = pdf.pages[0]
        right = "".join(c["text"] for c in first.chars if c["x0"] >= box[2])
        assert title in right, "the cover is the right half of sheet 1's front"


def test_impose_refuses_what_is_not_a_pdf(tmp_path, capsys):
    text = tmp_path / "notes.pdf"
    text.write_text("not a pdf", "utf-8")
    assert main(["impose", str(text)]) == 1
    assert "not a readable PDF" in capsys.readouterr().err
    assert main(["impose", str(text), "-o", str(text)]) == 1
