"""The print variant (``--print``) of the reference edition, measured on the PDF: page boxes,
crop marks outside the bleed, the cover band in the bleed, chapters on rectos, folios on the
outside edge, the page count, pure-K text, PDF/A; and figure resolution for print."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import yaml
from PIL import Image

from conftest import ROOT, build, write_edition
from layout.check import PdfView, check_pdf
from layout.cli import main
from layout.ink_check import text_colours

STYLE = yaml.safe_load((ROOT / "styles" / "briefing.yaml").read_text("utf-8"))
MM = 72 / 25.4
WIDTH, HEIGHT = (float(STYLE["page"][key].removesuffix("mm")) * MM for key in ("width", "height"))
BLEED = 3 * MM


@pytest.fixture(scope="module")
def print_pdf(reference_print_pdf_path) -> Path:
    return reference_print_pdf_path


@pytest.fixture(scope="module")
def view(print_pdf):
    view = PdfView(print_pdf)
    yield view
    view.close()


def box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(v) for v in page.obj[name]]


def test_trim_and_bleed_boxes_on_every_page(view):
    for page in view.pdf.pages:
        assert box(page, "/TrimBox") == pytest.approx([0, 0, WIDTH, HEIGHT], abs=0.01)
        assert box(page, "/BleedBox") == pytest.approx([-BLEED, -BLEED, WIDTH + BLEED, HEIGHT + BLEED], abs=0.01)
        media = box(page, "/MediaBox")
        assert media[0] < -BLEED - 5 and media[1] < -BLEED - 5, "the MediaBox holds the marks outside the bleed"
        assert media[2] > WIDTH + BLEED + 5 and media[3] > HEIGHT + BLEED + 5


def _segments(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """Every straight line stroked on ``page`` (m … l pairs)."""
    out, start = [], None
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "m":
            start = tuple(float(v) for v in operands)
        elif str(operator) == "l" and start is not None:
            end = tuple(float(v) for v in operands)
            out.append((*start, *end))
            start = end
    return out


def test_crop_marks_lie_outside_the_bleed_on_the_trim_lines(view):
    for page in view.pdf.pages:
        marks = [s for s in _segments(page) if not (0 <= min(s[0], s[2]) and max(s[0], s[2]) <= WIDTH
                                                   and 0 <= min(s[1], s[3]) and max(s[1], s[3]) <= HEIGHT)]
        assert len(marks) == 8, "two marks at each corner"
        for x0, y0, x1, y1 in marks:
            for x, y in ((x0, y0), (x1, y1)):  # outside the BleedBox, inside the MediaBox
                assert x <= -BLEED or x >= WIDTH + BLEED or y <= -BLEED or y >= HEIGHT + BLEED
            # on the extension of a trim line
            assert (y0 == y1 and min(abs(y0), abs(y0 - HEIGHT)) < 0.01) or \
                   (x0 == x1 and min(abs(x0), abs(x0 - WIDTH)) < 0.01)


def test_cover_band_runs_into_the_bleed(view):
    band = float(STYLE["cover"]["band_height"].removesuffix("mm")) * MM
    rects = []
    for operands, operator in pikepdf.parse_content_stream(view.pdf.pages[0]):
        if str(operator) == "re":
            x, y, w, h = (float(v) for v in operands)
            rects.append((x, y, x + w, y + h))
    assert any(x0 <= -BLEED + 0.01 and x1 >= WIDTH + BLEED - 0.01 and y1 >= HEIGHT + BLEED - 0.01
               and y0 == pytest.approx(HEIGHT - band, abs=0.01) for x0, y0, x1, y1 in rects), rects


def test_page_count_is_a_multiple_of_four(view):
    assert len(view.pdf.pages) % 4 == 0


def test_toc_and_chapters_start_on_rectos_with_odd_folios(view, reference_data):
    with view.pdf.open_outline() as outline:
        chapters = [(item.title, item.destination) for item in outline.root]
    titles = [chapter["title"] for chapter in reference_data["chapters"]]
    chapters = [(title, destination) for title, destination in chapters if any(title.endswith(t) for t in titles)]
    assert len(chapters) == len(titles) > 3
    for title, destination in chapters:
        index = view.page_ids[destination[0].objgen]
        assert index % 2 == 0, f"{title} on page {index + 1}, a verso"
        assert int(view.labels[index]) % 2 == 1, f"{title} has folio {view.labels[index]}"
    toc_title = STYLE["wording"]["toc_title"]
    toc_page = next(i for i in range(len(view.pdf.pages)) if toc_title in "".join(c["text"] for c in view.chars[i]))
    assert toc_page % 2 == 0


def test_blank_pages_are_versos_before_a_recto_or_the_padding_at_the_end(view):
    pages = len(view.pdf.pages)
    blanks = [i for i in range(pages) if not view.chars[i]]
    assert blanks, "the reference edition needs blank versos in print"
    content_end = max(i for i in range(pages) if view.chars[i])
    for index in blanks:
        assert index % 2 == 1 or index > content_end, f"page {index + 1} is a blank recto inside the text"


FOLIO_CHARACTERS = set("0123456789ivxlcdm")


def test_folios_stand_on_the_outside_edge(view):
    frame = view.frame()
    checked = 0
    for index in range(1, len(view.pdf.pages)):
        folio = [c for c in view.chars[index] if c["top"] > frame.bottom and c["text"] in FOLIO_CHARACTERS]
        if not view.chars[index]:
            continue
        assert "".join(c["text"] for c in folio) == view.labels[index]
        middle = sum(c["x0"] + c["x1"] for c in folio) / 2 / len(folio)
        if index % 2 == 1:  # page index + 1 even: a verso, folio at the left
            assert middle < WIDTH / 2 and min(c["x0"] for c in folio) == pytest.approx(frame.left, abs=0.5)
        else:
            assert middle > WIDTH / 2 and max(c["x1"] for c in folio) == pytest.approx(frame.right, abs=0.5)
        checked += 1
    assert checked > 20


def test_text_is_pure_k_but_for_the_style_colours(view):
    colours = STYLE["colors"]
    chromatic = [tuple(int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)) for h in (colours["accent"], colours["link"])]
    body = float(STYLE["text"]["body"]["size"].removesuffix("pt"))
    body_black = body_all = 0
    for page in view.pdf.pages:
        for kind, size, written in text_colours(page):
            body_all += size == body
            assert kind != "grey4", written
            if kind == "colour":
                values = [float(v) for v in written.split()[:3]]
                assert written.endswith(" rg") and any(
                    all(abs(a - b) < 0.001 for a, b in zip(values, rgb, strict=True)) for rgb in chromatic), written
            else:
                assert written.endswith(" g"), written  # DeviceGray: K alone
                body_black += size == body and written == "0 g"
    assert body_all and body_black / body_all > 0.9, "body text in solid black"  # links are the rest


def test_print_variant_passes_every_check_preflight_included(print_pdf):
    results = check_pdf(print_pdf)
    assert not [r for r in results if r.failed]
    assert any(r.name.startswith("PDF/A-1b (Apache") and r.status in ("pass", "skip") for r in results)
    assert any(r.name.startswith("text colour") and r.status == "pass" for r in results)


def test_screen_pdf_keeps_its_single_sided_layout(reference_pdf_path):
    with pikepdf.open(reference_pdf_path) as pdf:
        for page in pdf.pages:
            assert "/TrimBox" not in page.obj and "/BleedBox" not in page.obj
            assert box(page, "/MediaBox") == pytest.approx([0, 0, WIDTH, HEIGHT], abs=0.01)
    view = PdfView(reference_pdf_path)
    try:
        assert all(view.chars[i] for i in range(len(view.pdf.pages))), "no blank pages"
        frame = view.frame()
        for index in range(1, len(view.pdf.pages)):  # folios at the right on every page
            folio = [c for c in view.chars[index] if c["top"] > frame.bottom and c["text"] in FOLIO_CHARACTERS]
            assert max(c["x1"] for c in folio) == pytest.approx(frame.right, abs=0.5)
    finally:
        view.close()


# -- figure resolution for print ---------------------------------------------------------------

EDITION = """\
edition:
  title: 印刷测试
  issue_label: 特刊
  date: 2022-03-15
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 图片
    articles:
      - title: 一张图
        body: |
          图前的一段文字。

          ![图一](figures/{name})

          图后的一段文字。
"""


def _figure_edition(folder: Path, pixels: int, ppi: int) -> Path:
    (folder / "figures").mkdir(parents=True)
    Image.new("RGB", (pixels, pixels // 2), (30, 120, 90)).save(folder / "figures" / "f.png", dpi=(ppi, ppi))
    return write_edition(folder, EDITION.format(name="f.png"))


def test_a_figure_under_300_ppi_is_a_print_warning_naming_the_file(tmp_path, capsys):
    edition = _figure_edition(tmp_path, 1000, 200)  # 127 mm wide at 200 ppi: fits the frame
    assert main(["validate", str(edition), "-q"]) == 0
    assert "f.png" not in capsys.readouterr().err
    assert main(["validate", str(edition), "--print", "-q"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "'f.png' prints at 200 ppi" in err and "below 300" in err
    assert main(["validate", str(edition), "--print", "--strict", "-q"]) == 1


def test_a_figure_under_150_ppi_is_refused_for_print_unless_allowed(tmp_path, capsys):
    edition = _figure_edition(tmp_path, 300, 100)
    output = tmp_path / "out.pdf"
    assert main(["build", str(edition), "--print", "-o", str(output), "-q"]) == 1
    err = capsys.readouterr().err
    assert "'f.png' prints at 100 ppi" in err and "--allow-low-res" in err and "warning" not in err
    assert err.startswith(f"{edition}:")
    assert not output.exists()
    assert build(edition, output, "--print", "--allow-low-res") == 0
    assert "warning" in capsys.readouterr().err
    assert check_pdf(output) and not [r for r in check_pdf(output) if r.failed]


def test_print_true_in_a_style_makes_the_print_variant(tmp_path):
    edition = write_edition(tmp_path, EDITION.replace("          ![图一](figures/{name})\n\n", ""))
    style = tmp_path / "styles" / "press.yaml"
    style.write_text("base: briefing\nprint: true\n", "utf-8")
    output = tmp_path / "out.pdf"
    assert build(edition, output, "--style", str(style)) == 0
    with pikepdf.open(output) as pdf:
        assert len(pdf.pages) % 4 == 0 and all("/TrimBox" in page.obj for page in pdf.pages)
