"""Colours for print: gray() and cmyk() in styles, neutral text in DeviceGray, CMYK under PDF/A
drawn as RGB with a note, and check's text-colour row on real PDFs."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from conftest import build, write_edition
from layout.check import check_pdf
from layout.cli import main
from layout.colour import Colour, parse_colour
from layout.ink_check import text_colours

EDITION = """\
edition:
  title: 颜色测试
  issue_label: 特刊
  date: 2022-03-15
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 颜色
    articles:
      - title: 一篇文章
        body: |
          正文是黑色的，标题是强调色的。
"""


@pytest.mark.parametrize("text, expected", [
    ("gray(0.9)", Colour("gray", (0.9,))),
    ("gray(0)", Colour("gray", (0.0,))),
    ("#1c1c1c", Colour("gray", (0.1098,))),  # a neutral #rrggbb is DeviceGray
    ("#17604a", Colour("rgb", (0x17 / 255, 0x60 / 255, 0x4a / 255))),
    ("cmyk(0, 0.6, 0.6, 0.2)", Colour("cmyk", (0.0, 0.6, 0.6, 0.2))),
    ("cmyk(0, 0, 0, 1)", Colour("gray", (0.0,))),  # K alone: the same ink as DeviceGray
    ("cmyk(0,0,0,0.25)", Colour("gray", (0.75,))),
])
def test_colours_parse_to_the_space_they_are_drawn_in(text, expected):
    assert parse_colour(text) == expected


@pytest.mark.parametrize("text", ["gray(1.5)", "cmyk(0, 2, 0, 0)", "cmyk(0, 0.5, 0)", "red", "#12345", "gray()"])
def test_what_is_no_colour(text):
    assert parse_colour(text) is None


def test_cmyk_under_pdf_a_is_rgb():
    assert parse_colour("cmyk(0, 0.6, 0.6, 0.2)", device_cmyk=False) == Colour("rgb", (0.8, 0.32, 0.32))


@pytest.mark.parametrize("line, fragment", [
    ("colors: {accent: gray(1.2)}", "colors.accent: 'gray(1.2)' has a number above 1; write #rrggbb, gray(g)"),
    ("colors:\n  accent: cmyk(0, 0.6)", "colors.accent: 'cmyk(0, 0.6)' is not a colour; write #rrggbb"),
    ("cover: {band_color: grey(0.5)}", "cover.band_color: 'grey(0.5)' is neither a colour name"),
])
def test_a_bad_colour_is_refused_at_its_line(tmp_path, capsys, line, fragment):
    edition = write_edition(tmp_path, EDITION)
    style = tmp_path / "styles" / "bad.yaml"
    style.write_text(f"base: briefing\n{line}\n", "utf-8")
    assert main(["validate", str(edition), "--style", str(style), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{style}:{line.count(chr(10)) + 2}:" in err and fragment in err


def _operators(path: Path) -> set[str]:
    with pikepdf.open(path) as pdf:
        return {written for page in pdf.pages for _, _, written in text_colours(page)}


def test_gray_and_cmyk_text_in_a_plain_pdf(tmp_path):
    edition = write_edition(tmp_path, EDITION)
    style = tmp_path / "styles" / "inks.yaml"
    style.write_text("base: briefing\ncolors: {text: gray(0.2), accent: 'cmyk(1, 0.2, 0, 0.3)'}\n", "utf-8")
    output = tmp_path / "plain.pdf"
    assert build(edition, output, "--style", str(style), "--pdf-a", "none") == 0
    written = _operators(output)
    assert "0.2 g" in written and "1 0.2 0 0.3 k" in written
    assert not [w for w in written if w.endswith(" rg") and len(set(w.split()[:3])) == 1]


def test_cmyk_under_pdf_a_1b_is_drawn_as_rgb_with_a_note_and_validates(tmp_path, capsys):
    edition = write_edition(tmp_path, EDITION)
    style = tmp_path / "styles" / "inks.yaml"
    style.write_text("base: briefing\ncolors: {accent: 'cmyk(1, 0.2, 0, 0.3)'}\n", "utf-8")
    output = tmp_path / "archival.pdf"
    assert build(edition, output, "--style", str(style)) == 0
    err = capsys.readouterr().err
    assert f"{style}:2:" in err and "note: colors.accent: colour 'cmyk(1, 0.2, 0, 0.3)' is drawn as #008fb2" in err
    written = _operators(output)
    assert not [w for w in written if w.endswith(" k")], "no DeviceCMYK beside an sRGB output intent"
    assert "0 0.561 0.698 rg" in written
    results = check_pdf(output)
    assert not [r for r in results if r.failed], [r for r in results if r.failed]


def test_reference_text_is_k_only_and_check_says_so(reference_pdf_path):
    row = next(r for r in check_pdf(reference_pdf_path) if r.name.startswith("text colour"))
    assert row.status == "pass" and "none in a grey of four inks" in row.detail


def test_check_fails_on_text_in_an_rgb_grey(reference_pdf_path, tmp_path):
    damaged = tmp_path / "rgb-grey.pdf"
    with pikepdf.open(reference_pdf_path) as pdf:
        page = pdf.pages[2]
        page.contents_coalesce()
        data = page.obj.Contents.read_bytes()
        assert b"\n0 g" in data or b" 0 g" in data
        page.obj.Contents.write(data.replace(b" 0 g", b" .11 .11 .11 rg").replace(b"\n0 g", b"\n.11 .11 .11 rg"))
        pdf.save(damaged)
    row = next(r for r in check_pdf(damaged) if r.name.startswith("text colour"))
    assert row.status == "fail" and "page 3: text in 0.11 0.11 0.11 rg" in row.detail
