"""``briefing proof``: a small edition built and proofed; the pictures measured against the PDF
(one thumbnail per page in rows, full-size pages at the asked resolution and not blank),
the labels the sheet prints read from the PDF's page labels, and every mistake refused."""

from __future__ import annotations

import math
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import build
from PIL import Image
from test_volume import SMALL_CHAPTERS, small_edition

from layout.cli import main
from layout.proof import GAP, LABEL_HEIGHT, THUMB_WIDTH, page_labels, parse_pages


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("proof")
    (folder / "issues").mkdir()
    edition = folder / "issues" / "2021-11.yaml"
    edition.write_text(small_edition(11, SMALL_CHAPTERS[11]), "utf-8")
    pdf = folder / "output" / "2021-11.pdf"
    assert build(edition, pdf) == 0
    return edition, pdf


def test_contact_sheet_and_full_pages_beside_the_pdf(built, capsys):
    edition, pdf = built
    assert main(["proof", str(edition), "--pages", "1,3-4", "--dpi", "50"]) == 0
    folder = pdf.parent / "2021-11-proof"
    assert "contact.png" in capsys.readouterr().out
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
        width, height = (float(v) for v in document.pages[0].mediabox[2:])
    sheet = Image.open(folder / "contact.png")
    thumb_height = round(THUMB_WIDTH * height / width)
    rows = math.ceil(count / 6)
    assert sheet.size[0] == 6 * (THUMB_WIDTH + GAP) + GAP
    assert abs(sheet.size[1] - (rows * (thumb_height + LABEL_HEIGHT + GAP) + GAP)) <= rows
    for page in (1, 3, 4):
        image = Image.open(folder / f"page-{page:03d}.png")
        assert abs(image.size[0] - width * 50 / 72) <= 1 and abs(image.size[1] - height * 50 / 72) <= 1
        assert image.convert("L").getextrema()[0] < 100  # something is drawn on it
    assert sorted(p.name for p in folder.glob("page-*.png")) == ["page-001.png", "page-003.png", "page-004.png"]


def test_labels_are_the_page_labels(built):
    """What the sheet prints under each thumbnail is the folio the page carries."""
    _, pdf = built
    with pikepdf.open(pdf) as document:
        labels = [page.label for page in document.pages]
    rendered = pypdfium2.PdfDocument(pdf)
    try:
        assert page_labels(rendered) == labels
    finally:
        rendered.close()
    assert labels[:3] == ["i", "ii", "1"]


def test_a_pdf_and_an_output_folder(built, tmp_path):
    _, pdf = built
    assert main(["proof", str(pdf), "-o", str(tmp_path / "sheets")]) == 0
    assert [p.name for p in (tmp_path / "sheets").iterdir()] == ["contact.png"]


@pytest.mark.parametrize(("args", "message"), [
    (["--pages", "0"], "not a range of pages from 1"),
    (["--pages", "5-3"], "not a range of pages from 1"),
    (["--pages", "1,x"], "'x' is not a page or a range"),
    (["--pages", "99"], "page 99 is beyond the last"),
    (["--dpi", "5"], "write a resolution from 20 to 600"),
])
def test_mistakes_are_refused(built, args, message, capsys):
    _, pdf = built
    assert main(["proof", str(pdf), *args]) == 1
    assert message in capsys.readouterr().err


def test_an_edition_not_built_yet(tmp_path, capsys):
    edition = tmp_path / "2021-12.yaml"
    edition.write_text("edition: {}\n", "utf-8")
    assert main(["proof", str(edition)]) == 1
    assert f"run briefing build {edition} first" in capsys.readouterr().err


def test_not_a_pdf(tmp_path, capsys):
    text = tmp_path / "notes.pdf"
    text.write_text("hello", "utf-8")
    assert main(["proof", str(text)]) == 1
    assert "not a readable PDF" in capsys.readouterr().err


def test_parse_pages():
    assert parse_pages("1, 5-7,6") == [1, 5, 6, 7]
