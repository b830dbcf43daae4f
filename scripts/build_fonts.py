"""Rebuild the shipped fonts in fonts/ from Debian's Noto packages, deterministically.

    apt-get install fonts-noto-cjk fonts-noto-core
    python scripts/build_fonts.py            # about 3 minutes on 2 cores
    python scripts/build_fonts.py --marks-only   # only full_width_marks, on the fonts in fonts/

Why: ReportLab embeds TrueType (``glyf``) fonts only, and Noto CJK is OpenType-CFF
with 65,535 glyphs. This script subsets Noto Serif/Sans CJK SC to the repertoire we
support and converts the outlines to TrueType quadratics (fontTools' cu2qu), so the
fonts load in ReportLab and embed as subsets. It also subsets Noto Serif/Sans (already
TrueType) as fallbacks for what Noto CJK lacks: the subscript digits of CO₂ and CH₄.

Repertoire of the CJK fonts: the 8,105 characters of 《通用规范汉字表》 (2013,
fonts/charset/) ∪ GB 2312 ∪ Latin, Greek, Cyrillic, punctuation, symbols, and
full-width forms (``CJK_BLOCKS``), where the source font has them.

Deterministic: no clock (head.created/modified are the source's), sorted inputs, no
glyph names, no hinting; two runs give byte-identical files. The run ends by writing
fonts/MANIFEST.json: origin, version and sha256 of every source and every output.

The fonts are renamed ("Noto Serif SC Briefing") because a subset is a Modified
Version under the SIL OFL 1.1; no Reserved Font Name is used.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
CHARSET = FONTS / "charset" / "tongyong-guifan-hanzi-biao-8105.txt"
CJK_DIR = Path("/usr/share/fonts/opentype/noto")
LATIN_DIR = Path("/usr/share/fonts/truetype/noto")

CJK_BLOCKS = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x206F),
              (0x2070, 0x209F), (0x2100, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF),
              (0x2500, 0x257F), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3200, 0x32FF),
              (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
LATIN_BLOCKS = [(0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x2070, 0x209F), (0x2100, 0x214F),
                (0x2150, 0x218F), (0x2190, 0x21FF), (0x2200, 0x22FF)]

# (output file, source file, family in the collection or None, Debian package, repertoire, style)
BUILDS = [
    ("NotoSerifSC-Regular.ttf", CJK_DIR / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "fonts-noto-cjk", "cjk", "Regular"),
    ("NotoSerifSC-Bold.ttf", CJK_DIR / "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "fonts-noto-cjk", "cjk", "Bold"),
    ("NotoSansSC-Regular.ttf", CJK_DIR / "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "fonts-noto-cjk", "cjk", "Regular"),
    ("NotoSansSC-Bold.ttf", CJK_DIR / "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "fonts-noto-cjk", "cjk", "Bold"),
    ("NotoSerif-Regular.ttf", LATIN_DIR / "NotoSerif-Regular.ttf", None, "fonts-noto-core", "latin", "Regular"),
    ("NotoSerif-Bold.ttf", LATIN_DIR / "NotoSerif-Bold.ttf", None, "fonts-noto-core", "latin", "Bold"),
    ("NotoSans-Regular.ttf", LATIN_DIR / "NotoSans-Regular.ttf", None, "fonts-noto-core", "latin", "Regular"),
    ("NotoSans-Bold.ttf", LATIN_DIR / "NotoSans-Bold.ttf", None, "fonts-noto-core", "latin", "Bold"),
]
REPERTOIRES = {
    "cjk": "《通用规范汉字表》8,105 ∪ GB 2312 ∪ Latin/Greek/Cyrillic, punctuation, symbols, full-width forms",
    "latin": "Latin, Latin-1, Latin Extended-A/B, general punctuation, super/subscripts, letterlike, "
             "number forms, arrows, mathematical operators",
}


def read_charset() -> set[int]:
    chars = [line for line in CHARSET.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert len(chars) == len(set(chars)) == 8105, f"{CHARSET} must list 8,105 distinct characters"
    return {ord(char) for char in chars}


def gb2312() -> set[int]:
    found = set()
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([first, second]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def blocks(ranges: list[tuple[int, int]]) -> set[int]:
    return {code for start, end in ranges for code in range(start, end + 1)}


def open_face(path: Path, family: str | None) -> tuple[TTFont, int]:
    if family is None:
        return TTFont(path, recalcTimestamp=False), 0
    for index, font in enumerate(TTCollection(path).fonts):
        if font["name"].getDebugName(1) == family:
            return TTFont(path, fontNumber=index, recalcTimestamp=False), index
    raise SystemExit(f"{path}: no font named {family!r}")


def subset_font(font: TTFont, codepoints: set[int]) -> None:
    options = subset.Options()
    options.layout_features = []        # our layout engine does its own spacing
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "DSIG"]
    available = set(font.getBestCmap())
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints & available))
    subsetter.subset(font)


def convert_to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (max error 1 unit of 1000)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def full_width_marks(font: TTFont) -> None:
    """Give the CJK font's em dash and middle dot their full-width Chinese forms.

    Noto CJK maps U+2014 — and U+00B7 · to proportional (Latin) glyphs and keeps the
    full-width ones behind the ``locl``/``fwid`` features, which our layout does not apply:
    "——" showed a gap between its halves and "·" in 乌尔苏拉·冯德莱恩 was narrow. Here
    U+2014 becomes a rule spanning the whole em (two join into one unbroken ——), as thick
    as the font's em dash and centred like its U+2015 horizontal bar, and U+00B7 takes the
    glyph of U+30FB, the full-width middle dot. Latin text gets the Latin fonts' forms
    (``layout.fonts`` chooses the face by context).
    """
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    if hmtx[cmap[0x2014]][0] == 1000 and glyf[cmap[0x2014]].xMin == 0:
        return  # done already
    dash, bar = glyf[cmap[0x2014]], glyf[cmap[0x2015]]
    middle = (bar.yMin + bar.yMax) / 2
    half = (dash.yMax - dash.yMin) / 2
    pen = TTGlyphPen(None)
    pen.moveTo((0, round(middle - half)))
    pen.lineTo((0, round(middle + half)))
    pen.lineTo((1000, round(middle + half)))
    pen.lineTo((1000, round(middle - half)))
    pen.closePath()
    name = "emdash.full"
    order = font.getGlyphOrder()
    if name not in order:
        font.setGlyphOrder(order + [name])
        glyf.glyphOrder = font.getGlyphOrder()
    glyf[name] = pen.glyph()
    glyf[name].recalcBounds(glyf)
    hmtx[name] = (1000, 0)
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    dot = cmap.get(0x30FB)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[0x2014] = name
            if dot:
                table.cmap[0x00B7] = dot


def patch_shipped() -> None:
    """Apply ``full_width_marks`` to the CJK fonts already in fonts/ (no sources needed)."""
    manifest = json.loads((FONTS / "MANIFEST.json").read_text("utf-8"))
    for entry in manifest:
        if entry["source"]["package"] != "fonts-noto-cjk":
            continue
        target = FONTS / entry["file"]
        font = TTFont(target, recalcTimestamp=False)
        full_width_marks(font)
        font.save(target, reorderTables=True)
        entry["glyphs"] = len(font.getGlyphOrder())
        entry["sha256"] = sha256(target)
    (FONTS / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                         "utf-8")


def rename(font: TTFont, family: str, style: str) -> None:
    """A subset is a Modified Version (OFL §3): give it its own name."""
    name = font["name"]
    postscript = f"{family.replace(' ', '')}-{style}"
    for record_id, value in ((1, family), (2, style), (3, f"{postscript};briefing-layout"),
                             (4, f"{family} {style}"), (6, postscript), (16, family), (17, style)):
        name.setName(value, record_id, 3, 1, 0x409)
        name.setName(value, record_id, 1, 0, 0)
    name.names = [record for record in name.names
                  if record.nameID not in (1, 2, 3, 4, 6, 16, 17) or record.langID in (0x409, 0)]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_version(package: str) -> str:
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True,
                          text=True, check=True).stdout


def main() -> None:
    repertoire = {"cjk": read_charset() | gb2312() | blocks(CJK_BLOCKS), "latin": blocks(LATIN_BLOCKS)}
    manifest = []
    for output, source, family, package, kind, style in BUILDS:
        start = time.perf_counter()
        font, index = open_face(source, family)
        version = font["name"].getDebugName(5)
        subset_font(font, repertoire[kind])
        if "CFF " in font:
            convert_to_truetype(font)
        if kind == "cjk":
            full_width_marks(font)
        new_family = (family or font["name"].getDebugName(1)).replace(" CJK", "") + " Briefing"
        rename(font, new_family, style)
        target = FONTS / output
        font.save(target, reorderTables=True)
        covered = len(font.getBestCmap())
        manifest.append({
            "file": output, "family": new_family, "style": style, "glyphs": len(font.getGlyphOrder()),
            "characters": covered, "repertoire": REPERTOIRES[kind], "licence": "OFL.txt",
            "version": version, "sha256": sha256(target),
            "source": {"package": package, "package_version": package_version(package), "path": str(source),
                       "face_index": index, "sha256": sha256(source)},
        })
        print(f"{output}: {covered} characters, {target.stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - start:.0f} s", flush=True)
    (FONTS / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                                         "utf-8")


if __name__ == "__main__":
    import sys

    patch_shipped() if sys.argv[1:] == ["--marks-only"] else main()
