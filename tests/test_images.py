"""Figures: placed at their resolution inside the frame, converted as the PDF variant
requires, refused at their line when too large; every image made here by Pillow."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml
from PIL import Image

from conftest import ROOT, build, write_edition
from layout.check import check_pdf
from layout.cli import main
from layout.images import DEFAULT_PPI, MAX_PIXELS

HEAD = """\
edition:
  title: 图片测试
  issue_label: 特刊
  date: 2022-03-15
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 图片
    articles:
      - title: 各种图片
        body: |
"""
BODY_LINE = len(HEAD.splitlines()) + 1
"""The line of the body's first text line in an edition made by ``edition``."""
STYLE = yaml.safe_load((ROOT / "styles" / "briefing.yaml").read_text("utf-8"))


def mm(value: str) -> float:
    assert value.endswith("mm")
    return float(value[:-2]) * 72 / 25.4


PAGE = STYLE["page"]
FRAME = (mm(PAGE["margin_left"]), mm(PAGE["margin_top"]), mm(PAGE["width"]) - mm(PAGE["margin_right"]),
         mm(PAGE["height"]) - mm(PAGE["margin_bottom"]))
"""The text frame as x0, top, x1, bottom in points from the page's top left."""


def png16(path: Path, width: int, height: int, pixel: tuple[int, ...]) -> None:
    """A 16-bit PNG (Pillow cannot write one): RGBA when ``pixel`` has 4 values, grey when 1."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    colour_type = {4: 6, 1: 0}[len(pixel)]
    row = b"\0" + struct.pack(f">{len(pixel)}H", *pixel) * width
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
                     + chunk(b"IEND", b""))


def make_figures(folder: Path) -> dict[str, str]:
    """Every kind of figure, by file name → what it is."""
    figures = folder / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", (600, 300), (200, 30, 30, 128)).save(figures / "rgba.png")
    Image.new("LA", (300, 300), (80, 100)).save(figures / "la.png")
    palette = Image.new("P", (320, 200), 1)
    palette.putpalette([255, 255, 255, 0, 100, 200] + [0] * 762)
    palette.save(figures / "palette.png", transparency=0)
    png16(figures / "rgba16.png", 300, 200, (0x1234, 0x8000, 0xFFFF, 0x8000))
    png16(figures / "grey16.png", 280, 200, (0x8000,))
    Image.new("CMYK", (420, 300), (0, 255, 255, 0)).save(figures / "cmyk.jpg", quality=90)
    Image.new("RGB", (200, 6000), (30, 90, 160)).save(figures / "tall.png")
    Image.new("RGB", (6000, 200), (160, 90, 30)).save(figures / "wide.png")
    Image.new("RGB", (40, 40), (0, 0, 0)).save(figures / "tiny.png")
    Image.new("RGB", (600, 300), (90, 90, 200)).save(figures / "print.png", dpi=(300, 300))
    Image.new("RGB", (400, 300), (50, 50, 50)).save(figures / "lowres.png", dpi=(72, 72))
    Image.new("RGB", (380, 300), (50, 150, 50)).save(figures / "排放 趋势.png")
    return {"rgba.png": "alpha", "la.png": "alpha", "palette.png": "alpha", "rgba16.png": "alpha",
            "grey16.png": "16-bit grey", "cmyk.jpg": "cmyk", "tall.png": "tall", "wide.png": "wide",
            "tiny.png": "tiny", "print.png": "300 ppi", "lowres.png": "72 ppi", "排放 趋势.png": "unicode"}


def edition(folder: Path, paragraphs: list[str]) -> Path:
    """An edition whose one article holds ``paragraphs`` (each one line, blank lines between)."""
    body = "".join(f"          {p}\n\n" for p in paragraphs)
    return write_edition(folder, HEAD + body.rstrip("\n") + "\n")


def figure_line(index: int) -> int:
    """The YAML line of paragraph ``index`` of ``edition``'s body."""
    return BODY_LINE + 2 * index


def run(*argv: str, capsys) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """One edition holding every kind of figure, built as PDF/A-1b and PDF/A-2b."""
    folder = tmp_path_factory.mktemp("gallery")
    kinds = make_figures(folder)
    names = list(kinds)
    paragraphs = [f"![图{i} {name}](<figures/{name}>)" for i, name in enumerate(names)]
    path = edition(folder, paragraphs)
    outputs = {}
    for variant in ("1b", "2b"):
        outputs[variant] = folder / f"gallery-{variant}.pdf"
        assert build(path, outputs[variant], "--pdf-a", variant) == 0
    return folder, path, names, outputs


@pytest.fixture(scope="module")
def gallery_notes(gallery, tmp_path_factory):
    """What the builds print about the figures, by variant."""
    folder, path, _, _ = gallery
    notes = {}
    for variant in ("1b", "2b"):
        result = subprocess.run([sys.executable, "-m", "layout", "build", str(path), "-o",
                                 str(folder / f"notes-{variant}.pdf"), "--pdf-a", variant],
                                capture_output=True, text=True, cwd=ROOT, timeout=120,
                                env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stderr
        notes[variant] = result.stderr
    return notes


def placed(pdf_path: Path) -> list[tuple[int, dict]]:
    """Every image drawn, with its page index, in reading order (pdfplumber's bboxes)."""
    with pdfplumber.open(pdf_path) as pdf:
        return [(index, image) for index, page in enumerate(pdf.pages)
                for image in sorted(page.images, key=lambda im: im["top"])]


def width(image: dict) -> float:
    return image["x1"] - image["x0"]


def test_every_figure_is_placed_inside_the_frame(gallery):
    _, _, names, outputs = gallery
    for variant, output in outputs.items():
        images = placed(output)
        assert len(images) == len(names), variant
        x0, top, x1, bottom = FRAME
        for page, image in images:
            where = f"{variant} page {page + 1} image {image['srcsize']}"
            assert image["x0"] >= x0 - 0.5 and image["x1"] <= x1 + 0.5, where
            assert image["top"] >= top - 0.5 and image["bottom"] <= bottom + 0.5, where
            image_width, height = width(image), image["bottom"] - image["top"]
            pixels_w, pixels_h = image["srcsize"]
            assert image_width / height == pytest.approx(pixels_w / pixels_h, rel=0.01), where


def test_figures_are_placed_at_their_resolution_and_shrunk_to_fit_both_ways(gallery):
    _, _, names, outputs = gallery
    images = dict(zip(names, (image for _, image in placed(outputs["1b"])), strict=True))
    x0, top, x1, bottom = FRAME
    tall = images["tall.png"]
    assert tall["bottom"] - tall["top"] < bottom - top  # 2880 pt at 150 ppi: shrunk to the frame
    assert tall["bottom"] - tall["top"] > 0.85 * (bottom - top)  # … less only its caption
    assert width(tall) / (tall["bottom"] - tall["top"]) == pytest.approx(200 / 6000, rel=0.01)
    assert width(images["wide.png"]) == pytest.approx(x1 - x0, abs=0.5)
    assert width(images["tiny.png"]) == pytest.approx(40 * 72 / DEFAULT_PPI, abs=0.1)  # none recorded; never enlarged
    assert width(images["print.png"]) == pytest.approx(600 * 72 / 300, abs=0.1)  # 300 ppi recorded
    assert width(images["rgba.png"]) == pytest.approx(600 * 72 / DEFAULT_PPI, abs=0.1)
    assert width(images["排放 趋势.png"]) == pytest.approx(380 * 72 / DEFAULT_PPI, abs=0.1)
    assert width(images["lowres.png"]) == pytest.approx(400, abs=0.1)  # 72 ppi recorded: 1 px = 1 pt
    assert tall["srcsize"][1] / ((tall["bottom"] - tall["top"]) / 72) == pytest.approx(300, rel=0.01)  # resampled


def test_a_72_ppi_figure_is_placed_at_72_ppi_and_gets_a_warning_naming_it(gallery, gallery_notes):
    _, path, names, outputs = gallery
    key = "chapters[0].articles[0].body"
    warnings = [w for w in gallery_notes["1b"].splitlines() if ": warning: " in w]
    assert warnings == [
        f"{path}:{figure_line(names.index('tiny.png'))}:11: warning: {key}: figure 'tiny.png' is 40 × 40 px and "
        "prints 7 × 7 mm at 150 ppi, too small to read; use a larger image, or record a lower resolution in the file",
        f"{path}:{figure_line(names.index('lowres.png'))}:11: warning: {key}: figure 'lowres.png' prints at 72 ppi "
        "(141 × 106 mm), below 150, and will look soft in print; use a file at least 834 px wide"]
    assert "2 warnings (--strict makes them errors)" in gallery_notes["1b"]


def test_pdf_a_1b_has_no_transparency_and_no_cmyk(gallery):
    _, _, _, outputs = gallery
    with pikepdf.open(outputs["1b"]) as pdf:
        images = [image for page in pdf.pages for image in page.get_images().values()]
        assert images and not any("/SMask" in image or "/Mask" in image for image in images)
        assert {str(image.ColorSpace) for image in images} <= {"/DeviceRGB", "/DeviceGray"}
    result = {r.name: r for r in check_pdf(outputs["1b"])}
    assert result["PDF/A (pikepdf validator)"].status == "pass"


def _pixel(pdf_path: Path, size: tuple[int, int]) -> tuple[int, ...]:
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                if (int(image.Width), int(image.Height)) == size:
                    return pikepdf.PdfImage(image).as_pil_image().convert("RGB").getpixel((5, 5))
    raise AssertionError(f"no {size} image")


def test_transparency_is_flattened_onto_white_and_cmyk_becomes_its_srgb_colour(gallery):
    _, _, _, outputs = gallery
    red, green, blue = _pixel(outputs["1b"], (600, 300))  # (200, 30, 30) at alpha 128 over white
    assert (red, green, blue) == pytest.approx((227, 142, 142), abs=2)
    red, green, blue = _pixel(outputs["1b"], (420, 300))  # CMYK (0, 100%, 100%, 0)
    assert red > 200 and green < 60 and blue < 60  # Adobe's inverted CMYK read the right way round


def test_pdf_a_2b_keeps_transparency_as_a_soft_mask_but_not_cmyk(gallery):
    _, _, _, outputs = gallery
    with pikepdf.open(outputs["2b"]) as pdf:
        images = [image for page in pdf.pages for image in page.get_images().values()]
        masked = {(int(i.Width), int(i.Height)) for i in images if "/SMask" in i}
        assert masked == {(600, 300), (300, 300), (320, 200), (300, 200)}  # RGBA, LA, palette, 16-bit RGBA
        assert "/DeviceCMYK" not in {str(image.ColorSpace) for image in images}
    result = {r.name: r for r in check_pdf(outputs["2b"])}
    assert result["PDF/A (pikepdf validator)"].status == "pass"


def test_each_conversion_is_noted_in_one_line_naming_the_file(gallery, gallery_notes):
    _, path, names, _ = gallery
    expected_1b = {"rgba.png", "la.png", "palette.png", "rgba16.png", "cmyk.jpg"}
    notes = [n for n in gallery_notes["1b"].splitlines() if ": note: " in n]
    assert {n.split("figure '")[1].split("'")[0] for n in notes} == expected_1b
    for note in notes:
        name = note.split("figure '")[1].split("'")[0]
        assert note.startswith(f"{path}:{figure_line(names.index(name))}:11: note: chapters[0].articles[0].body: "
                               f"figure '{name}': ")
        assert "for PDF/A-1b; " in note
    assert "transparency flattened onto white" in next(n for n in notes if "'rgba.png'" in n)
    assert "CMYK converted to sRGB" in next(n for n in notes if "'cmyk.jpg'" in n)
    notes_2b = [n for n in gallery_notes["2b"].splitlines() if ": note: " in n]
    assert notes_2b == [f"{path}:{figure_line(names.index('cmyk.jpg'))}:11: note: chapters[0].articles[0].body: "
                        "figure 'cmyk.jpg': CMYK converted to sRGB for PDF/A-2b; to choose the colours yourself, "
                        "export the image as sRGB"]
    assert "to keep it, build with --pdf-a 2b" in next(n for n in notes if "'rgba.png'" in n)


@pytest.mark.parametrize("written", ["figures/排放 趋势.png", "<figures/排放 趋势.png>",
                                     "figures/%E6%8E%92%E6%94%BE%20%E8%B6%8B%E5%8A%BF.png",
                                     "figures/排放%20趋势.png"])
def test_figure_names_with_chinese_and_spaces_are_found(tmp_path, written, capsys):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("RGB", (300, 200), (50, 150, 50)).save(figures / "排放 趋势.png")
    path = edition(tmp_path, ["图前。", f"![图一]({written})"])
    code, _, err = run("validate", str(path), capsys=capsys)
    assert (code, err) == (0, "")
    assert build(path, tmp_path / "x.pdf") == 0
    assert len(placed(tmp_path / "x.pdf")) == 1


def test_an_image_over_the_pixel_limit_is_refused_at_its_line_without_decoding(tmp_path, capsys, monkeypatch):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("1", (13000, 13000)).save(figures / "bomb.png")  # 169 Mpx in a few kilobytes
    assert (figures / "bomb.png").stat().st_size < 600_000
    path = edition(tmp_path, ["第一段。", "![炸弹](figures/bomb.png)"])
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for argv in (["validate", str(path)], ["build", str(path), "-o", str(tmp_path / "x.pdf")]):
        code, _, err = run(*argv, capsys=capsys)
        assert code == 1, err
        assert err.splitlines()[0] == (
            f"{path}:{figure_line(1)}:11: chapters[0].articles[0].body: image 'figures/bomb.png' is "
            f"13000 × 13000 pixels, over the limit of {MAX_PIXELS // 1_000_000} million; scale it down "
            "(3000 px on the long side prints 250 mm at 300 ppi)")
        assert "DecompressionBomb" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_no_raw_pillow_warning_for_a_large_image_within_the_limit(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("L", (6000, 6000), 128).save(figures / "big.png")  # 36 Mpx < 40 Mpx, below Pillow's 89 Mpx too
    path = edition(tmp_path, ["第一段。", "![大图](figures/big.png)"])
    result = subprocess.run([sys.executable, "-W", "error::Warning", "-m", "layout", "validate", str(path)],
                            capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr


PEAK_SCRIPT = """
import sys
from layout.cli import main
code = main(sys.argv[1:])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(code, peak.split()[1])
"""
"""Runs the CLI and prints its exit code and peak RSS in kB. (VmHWM, not getrusage's
ru_maxrss: Linux carries the latter over exec from the forking parent, here pytest.)"""


def test_a_build_with_two_images_at_the_pixel_limit_stays_under_500_mb(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    side = int(MAX_PIXELS ** 0.5) - 10
    gradient = Image.linear_gradient("L").resize((side, side))
    Image.merge("RGBA", (gradient, gradient.rotate(90), gradient.rotate(180), gradient.rotate(270))).save(
        figures / "big.png", compress_level=1)
    Image.merge("RGB", (gradient, gradient.rotate(90), gradient)).convert("CMYK").save(figures / "big.jpg")
    del gradient
    path = edition(tmp_path, ["第一段。", "![大图](figures/big.png)", "![大图二](figures/big.jpg)"])
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, "build", str(path), "-o", str(tmp_path / "x.pdf")],
                            capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=120)
    code, peak_kb = result.stdout.split()[-2:]
    assert code == "0", result.stderr
    assert int(peak_kb) < 500 * 1024
    images = placed(tmp_path / "x.pdf")
    assert len(images) == 2
    for _, image in images:  # resampled to 300 ppi at the placed size
        assert image["srcsize"][0] / ((image["x1"] - image["x0"]) / 72) == pytest.approx(300, rel=0.01)


def test_a_sparse_1_gb_edition_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.yaml"
    subprocess.run(["truncate", "-s", "1G", str(path)], check=True)
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, "validate", str(path)],
                            capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    code, peak_kb = result.stdout.split()[-2:]
    assert code == "1"
    assert result.stderr.splitlines()[0] == (f"{path}:1:1: file is 1,073,741,824 bytes, over the 2,000,000-byte "
                                             "limit; split it or remove embedded data")
    assert int(peak_kb) < 200 * 1024


def _failed_checks(path: Path) -> list[str]:
    return [r.name for r in check_pdf(path) if r.failed]


def test_a_tall_figure_after_a_heading_stays_with_it_a_little_smaller(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("RGB", (200, 6000), (30, 90, 160)).save(figures / "tall.png")
    path = write_edition(tmp_path, HEAD.replace("body: |\n", "body: |\n          ![高图](figures/tall.png)\n"))
    output = tmp_path / "x.pdf"
    assert build(path, output) == 0
    with pdfplumber.open(output) as pdf:
        pages = [i for i, page in enumerate(pdf.pages) if page.images]
        assert len(pages) == 1
        page = pdf.pages[pages[0]]
        assert "各种图片" in page.extract_text()  # the article's heading, on the figure's page
        image = page.images[0]
        x0, top, x1, bottom = FRAME
        assert 0.7 * (bottom - top) < image["bottom"] - image["top"] < bottom - top
    assert _failed_checks(output) == []


def test_a_figure_on_the_closing_page_and_a_caption_longer_than_a_page(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("RGB", (200, 6000), (30, 90, 160)).save(figures / "tall.png")
    Image.new("RGBA", (600, 300), (200, 30, 30, 128)).save(figures / "rgba.png")
    caption = "很长的图注" * 600
    text = HEAD + (f"          正文。\n\n          ![{caption}](figures/tall.png)\n\n"
                   f"          ![{caption}](figures/rgba.png)\n"
                   "back_page:\n  title: 联系我们\n  text: |\n    说明。\n\n    ![高图](figures/tall.png)\n"
                   "  contacts:\n    - {label: 电话, value: 010-12345678}\n")
    path = write_edition(tmp_path, text)
    output = tmp_path / "x.pdf"
    assert build(path, output) == 0
    images = placed(output)
    assert len(images) == 3
    x0, top, x1, bottom = FRAME
    assert all(top - 0.5 <= im["top"] and im["bottom"] <= bottom + 0.5 for _, im in images)
    assert _failed_checks(output) == []


def test_check_finds_a_figure_that_leaves_the_type_area(gallery, tmp_path):
    _, _, _, outputs = gallery
    result = {r.name: r for r in check_pdf(outputs["1b"])}["figures inside the frame"]
    assert (result.status, result.detail) == ("pass", "12 figures, the lowest at 72 ppi")
    moved = tmp_path / "moved.pdf"
    with pikepdf.open(outputs["1b"]) as pdf:
        page = next(page for page in pdf.pages if page.get_images())
        page.contents_add(pikepdf.Stream(pdf, b"q 1 0 0 1 0 -300 cm"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"Q"))
        pdf.save(moved)
    result = {r.name: r for r in check_pdf(moved)}["figures inside the frame"]
    assert result.status == "fail" and "leaves the type area" in result.detail


def test_a_camera_photo_is_set_upright_and_a_multi_picture_jpeg_is_placed(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    photo = Image.new("RGB", (300, 100), (200, 0, 0))
    photo.paste((0, 0, 200), (0, 0, 30, 100))  # a blue band on the stored image's left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    photo.save(figures / "turned.jpg", exif=exif, quality=95)
    photo.save(figures / "phone.jpg", format="MPO", save_all=True, append_images=[photo])
    with Image.open(figures / "phone.jpg") as check:
        assert check.format == "MPO"
    path = edition(tmp_path, ["第一段。", "![转过的照片](figures/turned.jpg)", "![手机照片](figures/phone.jpg)"])
    output = tmp_path / "x.pdf"
    assert build(path, output) == 0
    (_, turned), (_, phone) = placed(output)
    assert (turned["x1"] - turned["x0"]) / (turned["bottom"] - turned["top"]) == pytest.approx(100 / 300, rel=0.01)
    assert (phone["x1"] - phone["x0"]) / (phone["bottom"] - phone["top"]) == pytest.approx(300 / 100, rel=0.01)
    with pikepdf.open(output) as pdf:
        upright = next(pikepdf.PdfImage(image).as_pil_image() for page in pdf.pages
                       for image in page.get_images().values() if int(image.Width) == 100)
    red, green, blue = upright.convert("RGB").getpixel((50, 10))  # turned clockwise: the band is on top
    assert blue > 150 and red < 80
    assert _failed_checks(output) == []


def test_figures_one_pixel_thin_or_one_pixel_in_all_build(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    Image.new("L", (1, 5_000_000), 100).save(figures / "needle.png")
    Image.new("L", (20_000, 1), 100).save(figures / "line.png")
    Image.new("RGB", (1, 1), (1, 2, 3)).save(figures / "dot.png")
    png16(figures / "grey16.png", 4000, 3000, (0x8000,))  # 16-bit, resampled after conversion
    path = edition(tmp_path, ["第一段。", "![针](figures/needle.png)", "![线](figures/line.png)",
                              "![点](figures/dot.png)", "![灰](figures/grey16.png)"])
    output = tmp_path / "x.pdf"
    assert build(path, output) == 0
    images = placed(output)
    assert len(images) == 4
    x0, top, x1, bottom = FRAME
    needle = images[0][1]
    assert needle["bottom"] - needle["top"] > 0.7 * (bottom - top)
    assert needle["srcsize"][1] < 5_000_000  # resampled
    assert width(images[1][1]) == pytest.approx(x1 - x0, abs=0.5)
    assert width(images[2][1]) == pytest.approx(72 / DEFAULT_PPI, abs=0.01)
    assert _failed_checks(output) == []


def test_a_spaced_figure_path_that_names_no_file_is_refused_at_its_line(tmp_path, capsys):
    path = edition(tmp_path, ["图前。", "![图一](figures/没有 这个.png)"])
    code, _, err = run("validate", str(path), capsys=capsys)
    assert code == 1
    assert err.splitlines()[0].startswith(f"{path}:{figure_line(1)}:11: chapters[0].articles[0].body: "
                                          "image 'figures/没有 这个.png' not found")


def test_forty_figures_stay_under_500_mb(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    for i in range(4):
        Image.new("RGB", (2000, 1500), (20 * i, 96, 74)).save(figures / f"f{i}.png")
    path = edition(tmp_path, [f"![图{i}](figures/f{i % 4}.png)" for i in range(40)])
    result = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, "build", str(path), "-o", str(tmp_path / "x.pdf")],
                            capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, timeout=120)
    code, peak_kb = result.stdout.split()[-2:]
    assert code == "0", result.stderr
    assert int(peak_kb) < 500 * 1024
    assert len(placed(tmp_path / "x.pdf")) == 40
