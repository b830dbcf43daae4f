"""Style files: typed, validated, unknown keys rejected, fonts checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.errors import InputError
from layout.fonts import register_fonts
from layout.styles import load_style

from conftest import ROOT

BRIEFING = ROOT / "styles" / "briefing.yaml"


def variant(tmp_path: Path, text: str, name: str = "variant.yaml") -> Path:
    """A style in tmp_path based on the house style (fonts resolved from the repo)."""
    (tmp_path / "briefing.yaml").write_text(
        BRIEFING.read_text("utf-8").replace("dirs: [../fonts]", f"dirs: [{ROOT / 'fonts'}]"), "utf-8")
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def messages(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        register_fonts(load_style(path))
    return [str(problem) for problem in caught.value.problems]


def test_house_style_loads_and_every_length_has_a_unit():
    style = load_style(BRIEFING)
    assert style.text.body.size.pt() == 10.5
    assert style.text.body.first_line_indent.pt(10.5) == 21
    assert round(style.page.width.pt(), 2) == 595.28


@pytest.mark.parametrize("text, fragment, where", [
    ("base: briefing\ntext:\n  body: {font_szie: 10pt}\n", "unknown key; did you mean font?", "3:10"),
    ("base: briefing\ntext:\n  body: {size: 10px}\n", "'10px' is not a length", "3:16"),
    ("base: briefing\ntext:\n  body: {align: justfy}\n", "'justfy' is not one of", "3:17"),
    ("base: briefing\ntext:\n  body: {font: kaiti}\n", "no face named 'kaiti'", "3:16"),
    ("base: briefing\ncolors: {accent: green}\n", "not a colour; write #rrggbb", "2:18"),
    ("base: briefing\nfonts:\n  faces:\n    serif: {file: FZShuSong.ttf}\n", "'FZShuSong.ttf' not found", "4:19"),
    ("base: nothing\n", "base style", "1:7"),
])
def test_style_problems_are_located(tmp_path, text, fragment, where):
    found = messages(variant(tmp_path, text))
    matching = [m for m in found if fragment in m]
    assert matching, found
    assert any(f"variant.yaml:{where}:" in m for m in matching), matching


def test_a_style_can_point_at_other_font_files(tmp_path):
    path = variant(tmp_path, "base: briefing\nfonts:\n  faces:\n"
                             f"    serif: {{file: {ROOT / 'fonts' / 'NotoSansSC-Regular.ttf'}, fallback: [sans_latin]}}\n")
    style = load_style(path)
    fonts = register_fonts(style)
    assert fonts.names["serif"] == fonts.names["sans"]
    assert style.text.body.size.pt() == 10.5  # inherited


def cff_font(path: Path) -> Path:
    """A minimal OpenType font with PostScript (CFF) outlines, as Noto CJK's .otf/.ttc are."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)), pen.lineTo((0, 500)), pen.lineTo((500, 500)), pen.closePath()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder([".notdef", "A"])
    builder.setupCharacterMap({ord("A"): "A"})
    builder.setupCFF("TestCFF", {"FullName": "Test CFF"}, {".notdef": pen.getCharString(), "A": pen.getCharString()}, {})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test CFF", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(path)
    return path


def test_cff_fonts_are_refused_with_advice(tmp_path):
    cff = cff_font(tmp_path / "TestCFF-Regular.otf")
    found = messages(variant(tmp_path, f"base: briefing\nfonts:\n  faces:\n    serif: {{file: {cff}}}\n"))
    assert any("PostScript (CFF)" in m for m in found), found


# -- values: every length and number has a range, refused at its line -----------------------

@pytest.mark.parametrize("text, where, fragments", [
    # text sizes and leading
    ("text:\n  body: {size: 0pt}\n", "3:16", ["text.body.size", "0pt is not a usable size", "from 5pt to 72pt"]),
    ("text:\n  body: {size: -3pt}\n", "3:16", ["text.body.size", "from 5pt to 72pt"]),
    ("text:\n  body: {size: 200pt}\n", "3:16", ["text.body.size", "from 5pt to 72pt"]),
    ("text:\n  body: {leading: 0pt}\n", "3:19", ["text.body.leading", "from 10.5pt to 42pt"]),
    ("text:\n  body: {leading: 10pt}\n", "3:19", ["text.body.leading", "from 10.5pt"]),
    ("text:\n  chapter: {size: 200pt}\n", "3:19", ["text.chapter.size", "from 5pt to 72pt"]),
    ("text:\n  chapter: {size: 60pt, leading: 70pt}\n", "3:19", ["text.chapter.size", "10 characters must fit"]),
    ("text:\n  body: {first_line_indent: -2em}\n", "3:29", ["text.body.first_line_indent", "indent"]),
    ("text:\n  chapter: {left_indent: 2em}\n", "3:26", ["text.chapter.left_indent", "usable head indent", "write 0em"]),
    ("text:\n  list_item: {left_indent: 0em}\n", "3:28", ["text.list_item.left_indent", "from 21pt"]),
    ("text:\n  body: {space_after: -4pt}\n", "3:23", ["text.body.space_after", "from 0pt"]),
    # the page and its type area
    ("page:\n  width: 0mm\n", "3:10", ["page.width", "0mm is not a usable page width", "from 50mm"]),
    ("page:\n  height: -297mm\n", "3:11", ["page.height", "from 50mm"]),
    ("page:\n  margin_top: -10mm\n", "3:15", ["page.margin_top", "-10mm is not a usable margin"]),
    ("page:\n  margin_left: 100mm\n  margin_right: 100mm\n", "4:17",
     ["page.margin_right", "type area 10mm wide", "at most 170mm"]),
    ("page:\n  margin_left: 80mm\n  margin_right: 80mm\n", "4:17",
     ["page.margin_right", "50mm wide is too narrow for the text sizes", "at most 14.1pt"]),
    ("page:\n  margin_top: 150mm\n  margin_bottom: 120mm\n", "4:18", ["page.margin_bottom", "27mm high"]),
    ("page:\n  footer_baseline: 30mm\n", "3:20", ["page.footer_baseline", "into the type area"]),
    ("page:\n  footer_baseline: 0mm\n", "3:20", ["page.footer_baseline", "off the page"]),
    ("page:\n  footer_rule_gap: 20mm\n", "3:20", ["page.footer_rule_gap", "rule into the type area"]),
    # cover, TOC, heads, back page, typography
    ("cover:\n  title_top: 280mm\n", "3:14", ["cover.title_top", "below the publisher lines"]),
    ("cover:\n  title_top: 0mm\n", "3:14", ["cover.title_top", "from 34pt"]),
    ("cover:\n  meta_bottom: 0mm\n", "3:16", ["cover.meta_bottom", "from 5mm"]),
    ("cover:\n  band_height: -5mm\n", "3:16", ["cover.band_height", "from 0mm"]),
    ("toc:\n  leader_spacing: -10pt\n", "3:19", ["toc.leader_spacing", "-10pt is not a usable leader spacing"]),
    ("toc:\n  leader: \"\"\n", "3:11", ["toc.leader", "not one visible character"]),
    ("toc:\n  leader: \"..\"\n", "3:11", ["toc.leader", "not one visible character"]),
    ("toc:\n  number_width: 0em\n", "3:17", ["toc.number_width", "page-number column"]),
    ("headings:\n  chapter_rule: 50pt\n", "3:17", ["headings.chapter_rule", "from 0pt to 5pt"]),
    ("back:\n  qr_size: 0mm\n", "3:12", ["back.qr_size", "from 15mm to 80mm"]),
    ("typography:\n  widows: 0\n", "3:11", ["typography.widows", "from 1 to 5"]),
    ("typography:\n  han_latin_gap: -1pt\n", "3:18", ["typography.han_latin_gap", "from 0pt"]),
    ("typography:\n  max_stretch: 5em\n", "3:16", ["typography.max_stretch", "to 10.5pt"]),
    # wording templates: documented fields only, simple specs, capped width
    ("wording:\n  body_folio: \"{n:>30000000}\"\n", "3:15", ["wording.body_folio", "at most 20"]),
    ("wording:\n  document_title: \"{title.__class__.__mro__}\"\n", "3:19",
     ["wording.document_title", "{title.__class__.__mro__} is not a field here", "{title}"]),
    ("wording:\n  document_title: \"{title[0]}\"\n", "3:19", ["no attribute or index access"]),
    ("wording:\n  date: \"{year!r}\"\n", "3:9", ["wording.date", "conversions are not allowed"]),
    ("wording:\n  date: \"{}年\"\n", "3:9", ["wording.date", "{} is not a field here"]),
    ("wording:\n  date: \"{year:{month}}\"\n", "3:9", ["wording.date", "not a simple format"]),
    ("wording:\n  date: \"{year\"\n", "3:9", ["wording.date", "expected '}'"]),
    ("wording:\n  date: \"{year}年{month}月{day:02d}日\"\n", "3:9", ["wording.date", "{day} is empty"]),
    ("wording:\n  cover_issue_label: \"{issue_label:d}\"\n", "3:22", ["does not suit the field"]),
    ("wording:\n  body_folio: \"{n:.2}\"\n", "3:15", ["does not suit the field"]),
    ("wording:\n  chapter_number: \"{numerl}、\"\n", "3:19", ["{numerl} is not a field here", "{numeral}"]),
])
def test_style_values_are_refused_at_their_line(tmp_path, text, where, fragments):
    found = messages(variant(tmp_path, "base: briefing\n" + text))
    assert len(found) == 1, found  # one problem, not a cascade
    assert found[0].startswith(f"{tmp_path / 'variant.yaml'}:{where}: "), found
    for fragment in fragments:
        assert fragment in found[0], found


@pytest.mark.parametrize("text", [
    "wording:\n  date: \"{year}年{month:02d}月\"\n",
    "wording:\n  body_folio: \"— {n:>3} —\"\n",
    "text:\n  body: {size: 5pt, leading: 5pt}\n",
    "page:\n  margin_left: 0mm\n  margin_right: 0mm\n  margin_top: 0mm\n",
    "toc:\n  leader_spacing: 0pt\n  leader: \"·\"\n",
])
def test_values_at_the_edges_of_their_ranges_load(tmp_path, text):
    load_style(variant(tmp_path, "base: briefing\n" + text))


@pytest.mark.parametrize("content", [
    "root:$6$salt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",  # /etc/shadow-like
    "NAME=\"Debian GNU/Linux\"\nID=debian\n",
    "edition:\n  title: 碳达峰\nchapters: []\n",  # an edition passed as a style
    "secret_key: hunter2\npassword: swordfish\n",
    "- a\n- b\n",
    "# Title\n\nSome *text*: with colons: here\n",
])
@pytest.mark.parametrize("suffix", [".yaml", ".txt", ""])
def test_a_file_that_is_not_a_style_is_refused_in_one_line_without_echoing_it(tmp_path, content, suffix):
    path = tmp_path / f"notastyle{suffix}"
    path.write_text(content, "utf-8")
    with pytest.raises(InputError) as caught:
        load_style(path)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(str(path)), problems
    for secret in ("hunter2", "swordfish", "$6$salt", "debian", "碳达峰", "colons"):
        assert secret not in problems[0], problems
    if suffix != ".yaml" or "edition" in content or "secret" in content or "NAME" in content:
        assert "not a style file; a style is a YAML mapping of sections" in problems[0]


def test_leader_spacing_cannot_hang_the_toc_even_if_a_style_slipped_through(tmp_path):
    """The leader loop is bounded by its own step, not by the style's validation."""
    import dataclasses

    from layout.pages.toc import TocEntry
    from layout.pages.flowables import Anchor
    from layout.pages.typeset import Typesetter
    from layout.styles import Length
    from reportlab.pdfgen.canvas import Canvas

    style = load_style(BRIEFING)
    style = dataclasses.replace(style, toc=dataclasses.replace(style.toc, leader_spacing=Length(-10, "pt")))
    entry = TocEntry(Typesetter(style, register_fonts(style)), Anchor("x", 0, "一、", "标题"), "1", "toc_chapter", 30)
    entry.wrap(400, 800)
    canvas = Canvas(str(tmp_path / "x.pdf"))
    entry.drawOn(canvas, 0, 0)  # returns: at most width / (size / 10) leaders
    drawn = sum(line.count("(") for line in canvas._code)  # leaders are literal strings, one per glyph
    assert 0 < drawn < 2000


def test_every_length_and_number_of_a_style_has_a_range():
    """A new field without a range would be accepted at any value: the table must cover it."""
    import dataclasses
    import typing

    from layout.style_values import RANGES
    from layout.styles import Length, Style

    missing = []
    hints = typing.get_type_hints(Style)
    for section in ("page", "cover", "toc", "headings", "back", "typography"):
        kind = hints[section]
        for f in dataclasses.fields(kind):
            if typing.get_type_hints(kind)[f.name] in (Length, int) and f"{section}.{f.name}" not in RANGES:
                missing.append(f"{section}.{f.name}")
    from layout.styles import TextStyle
    for f in dataclasses.fields(TextStyle):
        if typing.get_type_hints(TextStyle)[f.name] in (Length, int) and f"text.*.{f.name}" not in RANGES:
            missing.append(f"text.*.{f.name}")
    assert not missing
