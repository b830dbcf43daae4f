"""Find and register the style's fonts; check that they can draw every character.

A face is a TrueType font file named in ``styles/*.yaml`` with a chain of fallback
faces. Text is split into runs so that each character is drawn by the first face of
the chain that has it (``split_by_face``): that is how ``CO₂`` gets its subscript two
from Noto Serif while the rest comes from Noto Serif CJK.

Each face is embedded as one Type0 font (``layout.cidfonts``); its parsed tables are kept
between runs (``layout.cache``).

``check_coverage`` runs before layout: a character that no face of a chain can draw is
an error at the line of the YAML where it was written, so nothing ever prints blank.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab import Version as REPORTLAB_VERSION
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

from layout import cache
from layout.cidfonts import CIDFont
from layout.errors import InputError, Location, Problem
from layout.model import Issue
from layout.styles import Style, TextStyles

# Characters that are layout, not glyphs: never looked up in a font.
_INVISIBLE = {"\n", "\t", "\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


@dataclass
class FontSet:
    """The registered faces of a style: name → ReportLab font name, cmap and fallbacks."""

    names: dict[str, str]
    cmaps: dict[str, frozenset[int]]
    fallbacks: dict[str, list[str]]
    _found: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    """face_for's answers: every character of an edition is looked up several times."""

    def chain(self, face: str) -> list[str]:
        return [face, *self.fallbacks[face]]

    def face_for(self, char: str, face: str) -> str | None:
        key = (char, face)
        if key in self._found:
            return self._found[key]
        found = next((candidate for candidate in self.chain(face) if ord(char) in self.cmaps[candidate]), None)
        self._found[key] = found
        return found

    def split_by_face(self, text: str, face: str) -> list[tuple[str, str]]:
        """``text`` as (ReportLab font name, text) runs, each char in the first face that has it.

        Punctuation of ambiguous width (— … · “ ” ‘ ’) takes the first face's full-width
        glyph in Chinese context, and the first fallback's (Latin) glyph where its
        neighbours are Latin only (``Net Zero—a plan``, ``"it’s"``)."""
        runs: list[tuple[str, str]] = []
        for index, char in enumerate(text):
            if char in _INVISIBLE or char == " ":
                chosen = face
            elif char in AMBIGUOUS_WIDTH and _latin_context(text, index):
                chosen = next((f for f in self.chain(face)[1:] if ord(char) in self.cmaps[f]), None) \
                    or self.face_for(char, face) or face
            else:
                chosen = self.face_for(char, face) or face
            name = self.names[chosen]
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs


AMBIGUOUS_WIDTH = frozenset("—…·“”‘’")
"""East Asian Width 'A' marks that Chinese sets full-width and Latin proportional."""


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _latin_context(text: str, index: int) -> bool:
    """Are the nearest characters on both sides of ``text[index]`` (spaces and other
    ambiguous marks skipped) Latin? At either end of the text the context is Chinese, so
    that the two quotes of ``他说“Yes”`` match."""
    neighbours = []
    for step in (-1, 1):
        k = index + step
        while 0 <= k < len(text) and (text[k] in AMBIGUOUS_WIDTH or text[k].isspace()):
            k += step
        if 0 <= k < len(text):
            neighbours.append(text[k])
    return len(neighbours) == 2 and not any(_is_cjk(char) for char in neighbours)


def find_font_file(file: str, style: Style) -> Path | None:
    candidate = Path(file).expanduser()
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    for root in style.font_dirs():
        if (root / candidate).is_file():
            return (root / candidate).resolve()
    return None


def face_file(spec, style: Style) -> Path | None:
    """The file a face draws with: the first of its ``prefer`` files found, else its ``file``."""
    for file in (*spec.prefer, spec.file):
        path = find_font_file(file, style)
        if path is not None:
            return path
    return None


_REGISTERED: dict[tuple[Path, int], tuple[str, frozenset[int]]] = {}


def register_fonts(style: Style) -> FontSet:
    """Register every face of ``style`` with ReportLab (once per file per process)."""
    problems: list[Problem] = []
    names: dict[str, str] = {}
    cmaps: dict[str, frozenset[int]] = {}
    for face, spec in style.fonts.faces.items():
        where = ("fonts", "faces", face, "file")
        path = face_file(spec, style)
        if path is None:
            dirs = ", ".join(style.fonts.dirs)
            problems.append(Problem(style.locate(where), f"font file '{spec.file}' not found in {dirs}; "
                                    "put it there, add its folder to fonts.dirs, or give a full path",
                                    ".".join(where)))
            continue
        key = (path, spec.subfont_index)
        if key not in _REGISTERED:
            font_name = f"{path.stem}-{spec.subfont_index}" if spec.subfont_index else path.stem
            try:
                font = load_font(font_name, path, spec.subfont_index)
            except (TTFError, OSError, ValueError) as exc:
                advice = ("it has PostScript (CFF) outlines, which cannot be embedded as TrueType: "
                          "convert it (scripts/build_fonts.py shows how) or use a .ttf"
                          if "postscript" in str(exc).lower() else f"cannot load it ({exc})")
                problems.append(Problem(style.locate(where), f"'{spec.file}': {advice}", ".".join(where)))
                continue
            pdfmetrics.registerFont(font)
            _REGISTERED[key] = (font_name, frozenset(font.face.charToGlyph))
        names[face], cmaps[face] = _REGISTERED[key]
    if problems:
        raise InputError(problems)
    fallbacks = {face: list(spec.fallback) for face, spec in style.fonts.faces.items()}
    return FontSet(names, cmaps, fallbacks)


def load_font(name: str, path: Path, subfont_index: int = 0) -> TTFont:
    """ReportLab's ``TTFont(name, path, subfontIndex=subfont_index)``, its parsed tables from the
    cache (``layout.cache``) when they are there. The file's bytes, which the subsets are cut
    from, are read each time. Raises what ``TTFont`` raises for a file it cannot use."""
    path = path.resolve()
    stat = path.stat()
    where = cache.entry("fonts", REPORTLAB_VERSION, str(path), stat.st_size, stat.st_mtime_ns, subfont_index)
    font = _restore(cache.load(where), name, path)
    if font is not None:
        return font
    font = CIDFont(name, str(path), subfontIndex=subfont_index)
    # Less what pickle cannot keep: the per-document subsets (empty yet), the file's bytes and
    # the scale to thousandths of an em (a lambda), made again above.
    cache.store(where, ({k: v for k, v in font.__dict__.items() if k not in ("state", "face")},
                        {k: v for k, v in font.face.__dict__.items() if k not in ("_ttf_data", "_pdfScale")}))
    return font


def _restore(tables, name: str, path: Path) -> TTFont | None:
    """The font from a cache entry's tables; None for no entry or one of another shape."""
    try:
        font_state, face_state = tables
        face = TTFontFace.__new__(TTFontFace)
        face.__dict__.update(face_state)
        face._pdfScale = _scale(face.unitsPerEm)
        face._ttf_data = path.read_bytes()
        font = CIDFont.__new__(CIDFont)
        font.__dict__.update(font_state)
    except (TypeError, ValueError, AttributeError, KeyError):
        return None
    font.fontName, font.face, font.state = name, face, WeakKeyDictionary()
    return font


def _scale(units_per_em: int):
    """ReportLab's ``_pdfScale``: font units to thousandths of an em."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def faces_in_use(style: Style) -> list[str]:
    """Every face a text style draws with, in a stable order."""
    used: list[str] = []
    for role in TextStyles.__dataclass_fields__:
        text = getattr(style.text, role)
        for face in (text.font, text.bold_font):
            if face and face not in used:
                used.append(face)
    return used


def check_coverage(issue: Issue, style: Style, fonts: FontSet) -> None:
    """Raise InputError naming every character of ``issue`` that a face in use cannot draw."""
    wording = [getattr(style.wording, name) for name in style.wording.__dataclass_fields__]
    chains = faces_in_use(style)
    problems: list[Problem] = []
    reported: set[tuple[str, Location]] = set()
    # Each distinct character once; the texts are read one by one only for the ones no face has.
    uncovered = {char for char in set().union(*(text for text, _, _ in issue.texts))
                 if any(fonts.face_for(char, face) is None for face in chains)}
    for text, location, key_path in (issue.texts if uncovered else ()):
        missing: dict[str, str] = {}
        for char in dict.fromkeys(text):
            if char not in uncovered or char in _INVISIBLE or char == " " or (
                    unicodedata.category(char) == "Cc" and char != "\x00"):
                continue
            for face in chains:
                if fonts.face_for(char, face) is None:
                    missing.setdefault(char, face)
        for char, face in missing.items():
            # Texts are recorded one source line at a time: the column is the character's own.
            where = location
            if "\n" not in text and location.line is not None and location.column is not None:
                where = Location(location.file, location.line, location.column + text.index(char))
            if (char, where) in reported:
                continue
            reported.add((char, where))
            chain = " → ".join(style.fonts.faces[f].file for f in fonts.chain(face))
            problems.append(Problem(where, f"no font has '{char}' (U+{ord(char):04X}, "
                                    f"{unicodedata.name(char, 'unnamed')}); tried {chain}; replace "
                                    "the character or add a fallback face that has it", key_path))
    for text in wording:
        for char in str(text):
            if any(fonts.face_for(char, face) is None for face in chains):
                problems.append(Problem(style.locate(("wording",)), f"no font has '{char}' "
                                        f"(U+{ord(char):04X}) used in the style's wording", "wording"))
    if problems:
        raise InputError(problems)
