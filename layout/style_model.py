"""The typed options of a style: every size, margin, colour, font and piece of wording of the
layout, each with its type, default and a line of documentation (what ``layout.styles``
loads a ``styles/<name>.yaml`` into, and what the rest of the program reads).

Lengths carry their unit (``Length``): ``10.5pt``, ``18mm``, ``1.2cm``, ``0.5in``, or ``2em``
(relative to the text style's own size, where that makes sense).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from layout.colour import is_device_cmyk, parse_colour
from layout.errors import Location
from layout.yamlfile import KeyPath

_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


@dataclass(frozen=True)
class Length:
    value: float
    unit: str

    def pt(self, em: float = 0.0) -> float:
        """In points; ``em`` is the font size that ``em`` units refer to."""
        return self.value * (em if self.unit == "em" else _UNITS[self.unit])


def _len(text: str) -> Length:
    value, unit = re.fullmatch(r"(-?\d+(?:\.\d+)?)(pt|mm|cm|in|em)", text).groups()
    return Length(float(value), unit)


@dataclass(frozen=True)
class PageStyle:
    width: Length = _len("210mm")
    height: Length = _len("297mm")
    margin_top: Length = _len("25mm")
    margin_bottom: Length = _len("25mm")
    margin_left: Length = _len("25mm")
    margin_right: Length = _len("25mm")
    footer_baseline: Length = _len("14mm")
    """Distance of the footer's baseline above the bottom edge of the paper."""
    footer_rule: Length = _len("0.5pt")
    """Width of the hairline above the footer; 0pt for none."""
    footer_rule_gap: Length = _len("4mm")
    """Distance from the footer's baseline up to the hairline."""
    folio_format: str = "{n}"
    """How every printed folio is set (body and front matter): ``"— {n} —"`` for GB/T 9704's
    folio between dashes. Page labels stay the bare folio ``n``."""
    folio_side: Literal["right", "outside", "center"] = "right"
    """Where the folio stands in the footer: ``right``; ``outside`` (right on odd pages, left on
    even ones, the copyright on the other side); ``center`` (the copyright on the line above,
    aligned as ``text.footer.align`` says)."""
    folio_size: Length = _len("0pt")
    """Size of the folio; 0pt: the footer's size."""


@dataclass(frozen=True)
class FontFace:
    file: str
    """A .ttf/.ttc/.otf (TrueType outlines) found in one of ``fonts.dirs``, or a path."""
    subfont_index: int = 0
    """Which font of a .ttc collection."""
    prefer: list[str] = field(default_factory=list)
    """Files tried before ``file``, in order (licensed system fonts such as simfang.ttf);
    ``file`` is the documented fallback used when none of them is found."""
    fallback: list[str] = field(default_factory=list)
    """Faces (by name) that draw the characters this one lacks, tried in order."""


@dataclass(frozen=True)
class FontsStyle:
    faces: dict[str, FontFace]
    dirs: list[str] = field(default_factory=lambda: ["../fonts"])
    """Folders searched for font files, relative to the style file (system folders allowed)."""


@dataclass(frozen=True)
class TextStyle:
    font: str
    """Name of a face in ``fonts.faces``."""
    bold_font: str | None = None
    """Face for **bold** runs; defaults to ``font``."""
    size: Length = _len("10.5pt")
    leading: Length = _len("1.6em")
    color: str = "text"
    """A name from ``colors``, #rrggbb, gray(g) or cmyk(c, m, y, k) (layout.colour)."""
    align: Literal["left", "center", "right", "justify"] = "left"
    first_line_indent: Length = _len("0pt")
    left_indent: Length = _len("0pt")
    space_before: Length = _len("0pt")
    space_after: Length = _len("0pt")


@dataclass(frozen=True)
class TextStyles:
    body: TextStyle
    subheading: TextStyle
    subheading_minor: TextStyle
    list_item: TextStyle
    table: TextStyle
    caption: TextStyle
    source: TextStyle
    chapter: TextStyle
    article: TextStyle
    toc_title: TextStyle
    toc_chapter: TextStyle
    toc_article: TextStyle
    cover_title: TextStyle
    cover_issue: TextStyle
    cover_meta: TextStyle
    footer: TextStyle
    back_title: TextStyle
    back_text: TextStyle
    back_contact: TextStyle


@dataclass(frozen=True)
class CoverStyle:
    band_height: Length = _len("0mm")
    """Height of a coloured band across the top of the cover; 0mm for none."""
    band_color: str = "accent"
    title_top: Length = _len("90mm")
    """Distance from the top of the paper to the title's first baseline."""
    rule_width: Length = _len("0pt")
    """Width of the rule under the issue label; 0pt for none."""
    rule_length: Length = _len("60mm")
    rule_color: str = "accent"
    meta_bottom: Length = _len("40mm")
    """Distance from the bottom of the paper to the last line of publisher/department/date."""


@dataclass(frozen=True)
class TocStyle:
    leader: str = "."
    """Character repeated between an entry and its page number."""
    leader_spacing: Length = _len("3pt")
    """Extra space between two leader characters."""
    number_width: Length = _len("2em")
    """Space reserved for page numbers; entries never run into it."""
    gap: Length = _len("6pt")
    """Minimum space around the leaders."""
    min_leader: Length = _len("2em")
    """Shortest run of leaders: a title wraps rather than leave less room than this."""


@dataclass(frozen=True)
class HeadingStyle:
    chapter_rule: Length = _len("0pt")
    """Width of the rule under a chapter head; 0pt for none."""
    chapter_rule_color: str = "accent"
    chapter_rule_gap: Length = _len("4pt")
    article_number_gap: Length = _len("0.5em")
    """Space between an article's number (1.1) and its title; wrapped lines align with the title."""


@dataclass(frozen=True)
class BackStyle:
    qr_size: Length = _len("30mm")
    """Side of the QR code, quiet zone included."""
    qr_gap: Length = _len("8mm")
    """Least space between the contact lines and the QR code beside them."""
    contacts_gap: Length = _len("12mm")
    """Space between the about text and the contact lines."""
    rule_width: Length = _len("0pt")
    """Width of the rule under the brand; 0pt for none."""
    rule_color: str = "accent"
    rule_gap: Length = _len("6pt")
    """Space between the rule and the about text."""


@dataclass(frozen=True)
class TypographyStyle:
    """How Chinese lines are broken and justified (W3C clreq, GB/T 15834; see TYPOGRAPHY.md)."""

    punctuation: Literal["line_end_half", "compressed"] = "line_end_half"
    """Width of full-width punctuation (，。、；：？！）》”（《“ …): ``line_end_half`` sets it one em
    wide except at a line end and between two adjacent marks (``）。`` ``。”`` ``，“``), where it
    takes half an em; ``compressed`` sets it half an em wide everywhere."""
    push_in: bool = False
    """With ``line_end_half``: whether marks inside a line may also be compressed to half an
    em to keep a character on its line (clreq's push-in) before one is moved to the next
    line (push-out). Off, a mark is full width wherever it is not at a line end or next to
    another mark, and the line is justified by its gaps instead."""
    han_latin_gap: Length = _len("0.25em")
    """Space between a Han character and a Latin word or number (``COP26``, ``2021``); 0pt for
    none. A space the editor typed at such a boundary is replaced by it; no gap appears
    next to Chinese punctuation or at a line's start or end."""
    widows: int = 2
    """Fewest lines of a paragraph carried over to the top of the next page."""
    orphans: int = 2
    """Fewest lines of a paragraph left at the bottom of a page before it breaks."""
    min_last_line_chars: int = 2
    """A paragraph's last line should hold at least this many characters besides punctuation
    (no 孤字): punctuation above is compressed, or a character brought down, to get them."""
    max_stretch: Length = _len("0.15em")
    """Lines are filled one by one; where that leaves a justified line with more than this
    much extra space per gap (a long web address or Latin term that would not fit), the
    whole paragraph is re-broken for the most even spacing overall."""
    max_han_gap: Length = _len("0.25em")
    """Most extra space justification may put in one gap (between two Han characters, or
    next to one). A line that cannot be justified within it (beside a long web address)
    is broken elsewhere, preferably inside the address, or else set ragged (left-aligned)
    instead of letter-spaced. ``briefing check`` holds PDFs to 0.25 em."""


@dataclass(frozen=True)
class TableStyle:
    """Pipe tables (``layout.pages.table``). Cells take font, size, leading and colour from
    ``text.table``; ``em`` lengths here are relative to that size."""

    rules: Literal["three_line", "grid"] = "three_line"
    """``three_line``: the three-line table (三线表) of Chinese reports, a thick rule above and
    below the table and a thin one under the header row; ``grid``: every cell ruled."""
    outer_rule: Length = _len("1pt")
    """Width of the rules above and below the table (and of a grid's border)."""
    inner_rule: Length = _len("0.5pt")
    """Width of the rule under the header row (and of a grid's inner lines)."""
    rule_color: str = "text"
    """A name from ``colors``, #rrggbb, gray(g) or cmyk(c, m, y, k)."""
    width: Literal["full", "auto"] = "full"
    """``full``: the table spans the text frame; ``auto``: as wide as its content needs, at
    most the frame, centred (a browser's auto table layout)."""
    padding_x: Length = _len("0.5em")
    """Space left and right of a cell's text."""
    padding_y: Length = _len("0.3em")
    """Space above and below a cell's text."""
    min_size: Length = _len("7.5pt")
    """A table too wide for the frame at ``text.table.size`` is set smaller, down to this
    size; one that does not fit even then is refused at its line."""
    header_font: str | None = None
    """Face of the header row; defaults to ``text.table.bold_font``."""
    caption_gap: Length = _len("3pt")
    """Space between a caption (表题, a paragraph ``表1 …`` right before the table) and the table."""
    space_before: Length = _len("6pt")
    space_after: Length = _len("8pt")


@dataclass(frozen=True)
class VolumeStyle:
    """The yearly volume (``briefing volume``, layout.volume)."""

    folios: Literal["continuous", "per_edition"] = "continuous"
    """``continuous``: folios run from 1 through the whole volume; ``per_edition``: each edition
    starts again at 1, its folios prefixed by ``wording.volume_folio_prefix`` (``10-1``)."""


@dataclass(frozen=True)
class Wording:
    toc_title: str = "目录"
    numerals: str = "零一二三四五六七八九"
    """Digits 0–9 for chapter numbers."""
    ten: str = "十"
    hundred: str = "百"
    thousand: str = "千"
    """十, 百, 千: chapter numbers are written 十二, 一百零一, 一千零一十 (to 9999)."""
    chapter_number: str = "{numeral}、"
    article_number: str = "{chapter}.{article}"
    date: str = "{year}年{month}月"
    cover_issue_label: str = "（{issue_label}）"
    document_title: str = "{title} {year}年{issue_label}"
    """PDF title. Fields: title, issue_label, year, month."""
    document_identifier: str = "{title} {year}-{month:02d}"
    """The edition's identifier in the XMP metadata (dc:identifier). Same fields."""
    default_source_label: str = "原文链接"
    source_line: str = "（{label}：{url}）"
    contact_line: str = "{label}：{value}"
    revision_line: str = "第{number}版（{date}修订）：{note}"
    """On the closing page of a corrected re-issue. Fields: number (2 for the first
    correction), date (YYYY-MM-DD), note (what was corrected)."""
    body_folio: str = "{n}"
    """Folio of body pages; ``n`` counts from 1 on the first chapter page. Front matter
    (cover, TOC) is numbered i, ii, … with the cover's folio unprinted."""
    volume_label: str = "{year}年合订本"
    """The volume's issue label (its cover, its PDF title). Fields: year."""
    volume_identifier: str = "{title} {year}"
    """The volume's dc:identifier. Fields: title, year."""
    volume_folio_prefix: str = "{month}-"
    """With ``volume.folios: per_edition``: what precedes an edition's folios and page labels
    (``10-3``). Fields: year, month."""


@dataclass(frozen=True)
class Style:
    fonts: FontsStyle
    text: TextStyles
    page: PageStyle = field(default_factory=PageStyle)
    colors: dict[str, str] = field(default_factory=lambda: {"text": "#000000"})
    """Named colours: #rrggbb, gray(g) (0 black … 1 white) or cmyk(c, m, y, k), numbers 0–1.
    Neutrals are drawn in DeviceGray, so black text prints with K alone (layout.colour)."""
    cover: CoverStyle = field(default_factory=CoverStyle)
    toc: TocStyle = field(default_factory=TocStyle)
    headings: HeadingStyle = field(default_factory=HeadingStyle)
    back: BackStyle = field(default_factory=BackStyle)
    typography: TypographyStyle = field(default_factory=TypographyStyle)
    table: TableStyle = field(default_factory=TableStyle)
    wording: Wording = field(default_factory=Wording)
    volume: VolumeStyle = field(default_factory=VolumeStyle)
    language: str = "zh-CN"
    print: bool = False
    """Build the print variant (``briefing build --print``): trim and bleed boxes, crop marks,
    chapters on rectos, mirrored footers, pages padded to a multiple of 4 (``layout.print``)."""
    path: Path = Path("styles/briefing.yaml")
    """Set by the loader: where the style came from (fonts are found relative to it)."""
    locations: dict = field(default_factory=dict, compare=False, repr=False)
    """Set by the loader: key path → Location, for errors found after loading (fonts)."""
    device_cmyk: bool = field(default=True, compare=False, repr=False)
    """Set by the build: False under PDF/A, where cmyk() colours are drawn as RGB (layout.colour)."""

    def color(self, name: str) -> str:
        """The colour ``name`` (a name from ``colors`` or a colour) as it is drawn: a chromatic
        cmyk() as #rrggbb where DeviceCMYK is not allowed (PDF/A; layout.colour)."""
        value = self.colors.get(name, name)
        if not self.device_cmyk and is_device_cmyk(value):
            return "#" + "".join(f"{round(v * 255):02x}" for v in parse_colour(value, device_cmyk=False).rgb)
        return value

    def font_dirs(self) -> list[Path]:
        """``fonts.dirs`` as folders, in order: ``~`` expanded, a relative one taken from the
        style file's folder (where a font is looked for, and what a rebuild watches)."""
        folders = [Path(folder).expanduser() for folder in self.fonts.dirs]
        return [folder if folder.is_absolute() else self.path.parent / folder for folder in folders]

    def locate(self, path: KeyPath) -> Location:
        probe = tuple(path)
        while probe and probe not in self.locations:
            probe = probe[:-1]
        return self.locations.get(probe, Location(self.path))
