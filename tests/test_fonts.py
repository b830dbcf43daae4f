"""The shipped fonts: what the manifest promises is what is in fonts/."""

from __future__ import annotations

import hashlib
import json

from fontTools.ttLib import TTFont

from conftest import ROOT

FONTS = ROOT / "fonts"
MANIFEST = json.loads((FONTS / "MANIFEST.json").read_text("utf-8"))


def test_every_shipped_font_is_in_the_manifest_with_its_checksum_and_licence():
    listed = {entry["file"] for entry in MANIFEST}
    assert listed == {path.name for path in FONTS.glob("*.ttf")}
    for entry in MANIFEST:
        data = (FONTS / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert (FONTS / entry["licence"]).is_file()


def test_cjk_fonts_are_truetype_and_cover_the_general_standard_chinese_characters():
    lines = (FONTS / "charset" / "tongyong-guifan-hanzi-biao-8105.txt").read_text("utf-8").splitlines()
    charset = {ord(line) for line in lines if line and not line.startswith("#")}
    assert len(charset) == 8105
    for entry in MANIFEST:
        if "SC" in entry["file"]:
            with TTFont(FONTS / entry["file"], lazy=True) as font:
                assert "glyf" in font and "CFF " not in font, entry["file"]
                assert charset <= set(font.getBestCmap()), entry["file"]
