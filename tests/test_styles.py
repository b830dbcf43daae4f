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


def test_cff_fonts_are_refused_with_advice(tmp_path):
    cff = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not cff.exists():
        pytest.skip("fonts-noto-cjk is not installed")
    found = messages(variant(tmp_path, f"base: briefing\nfonts:\n  faces:\n    serif: {{file: {cff}}}\n"))
    assert any("PostScript (CFF)" in m for m in found), found
