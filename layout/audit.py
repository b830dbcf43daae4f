"""The typography audit: reads a built PDF, and only the PDF, against TYPOGRAPHY.md.

Lines are rebuilt (``layout.glyphrows``) from the glyphs pdfplumber extracts: per page, the glyphs on one
baseline (the text matrix's y, exact for every font), sorted by x, inside the text frame
(the page less the style's margins, so the footer and folio are left out). A row of a
table or a TOC line with its leaders is one *row*; the stretches of a row separated by
a wide gap (table cells) are its *segments*.

A row continues the paragraph of the row before it when both are of one size and one
font family (bold is the same family; a #### head of the body's size is not), the next
starts no further right, is not a list item (a bullet or ``12.`` before a gap), and is
one leading lower, or, across a page, when it is flush left and its family begins
indented paragraphs somewhere in the file.

Checks, each with page numbers and the offending line's text:

``line start`` / ``line end``
    no segment starts with a NO_START mark or ends with a NO_END one;
``—— …… whole``
    no line ends inside —— or …… (an odd run at the end, the same mark opening the next);
``inside the frame``
    no glyph beyond the frame by more than the tolerance, except a full-width mark
    compressed to half width at a line's end (opening marks: at its start);
``justified lines flush``
    every non-last line of a justified paragraph (a role whose ``align`` is ``justify``,
    recognised by size and leading) ends at the frame's right edge, unless it is set
    ragged by rule: flush would take more than ``MAX_HAN_GAP`` per stretchable gap;
``Han–Latin gap``
    each Han/Latin boundary is the style's gap plus the line's inter-character stretch
    (read from its Han–Han gaps, or where a line has none, 链100，链101，…, from its
    Han–punctuation gaps), no gap next to Chinese punctuation, none at a line's start;
``URL breaks``
    a web or e-mail address broken across lines is broken where the Chicago Manual
    allows (after ``/`` but not inside ``//``, after ``= &``; before ``. ? # - _ ~ % @ = &``),
    never after a hyphen (extractors drop it), with at least 4 characters on its last line
    and not only its last dotted part (``.html``);
``Han gap``
    on every line, no gap between two adjacent Han characters exceeds their natural
    spacing by more than ``MAX_HAN_GAP`` (0.25 em, the house style's ``max_han_gap``):
    justification never letter-spaces Chinese text;
``widows and orphans``
    no page starts with a paragraph's lone last line or ends with its lone (indented)
    first line (paragraphs are followed across pages by their first-line indent);
``no 孤字``
    no paragraph's last line holds fewer than ``min_last_line_chars`` characters besides
    punctuation;
``table cells``
    in table rows (``/Table`` marked content), cells are told apart by gaps; between two
    lines of one cell (``text.table``'s leading apart, overlapping), no number is broken
    (a digit ends one line, a digit, mark or Han character starts the next), and no three
    lines of a cell hold one character each (a collapsed column).

The character classes are spelled out here again, from TYPOGRAPHY.md, rather than
imported from the line breaker: the audit is a second opinion.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from layout.glyphrows import Row, TextFrame, cells, read_rows
from layout.publication import builtin_dir
from layout.styles import Style, load_style

NO_START = frozenset("，。、；：？！）］｝〕】〗〉》」』”’～·／…%‰℃!),.:;?]}")
NO_END = frozenset("（［｛〔【〖〈《「『“‘／([{")
NO_SPLIT = frozenset("—…")
CLOSING = frozenset("，。、；：？！）］｝〕】〗〉》」』”’")
OPENING = frozenset("（［｛〔【〖〈《「『“‘")
CHINESE_PUNCTUATION = frozenset("“”‘’—…·") | {chr(c) for c in range(0x3000, 0x3040)} | {
    chr(c) for c in range(0xFF00, 0xFFF0)}
URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)[!#-'*-;=?-~]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+")
_URL_REST = re.compile(r"[!#-'*-;=?-~]+")
_LAST_PART = re.compile(r"\.[A-Za-z0-9]+")
"""An address's last dotted part (``.html``, ``.cn``): never alone on a line."""
URL_BREAK_AFTER = frozenset("/=&")
URL_BREAK_BEFORE = frozenset(".?#-_~%@=&")
URL_MIN_TAIL = 4
"""Characters: the fewest of a broken web address on its last line."""
MAX_HAN_GAP = 0.25
"""Ems: the most extra space between two adjacent Han characters (the house style's
``typography.max_han_gap``; a documented constant so that ``check`` reads only the PDF)."""

DEFAULT_STYLE = builtin_dir("styles") / "briefing.yaml"

TOLERANCE = 0.5
"""Points: how far a glyph may be from where a rule puts it (TYPOGRAPHY.md rules 2, 3)."""
LEADING_TOLERANCE = 0.3
"""Points: how exactly two lines of one paragraph are ``leading`` apart."""

CHECKS = {
    "line start": "no line starts with ，。、；：？！）》”’…%℃ and the like",
    "line end": "no line ends with （《“‘ and the like",
    "—— …… whole": "—— and …… are never split across lines",
    "inside the frame": "no glyph beyond the text frame (a half-width line-end mark excepted)",
    "justified lines flush": "every non-last line of a justified paragraph is flush right",
    "Han–Latin gap": "one consistent gap between Han and Latin/digits, none next to punctuation",
    "URL breaks": "web addresses break after / = &, before . ? # - _ ~ % @, 4+ characters on the last line",
    "Han gap": f"no gap between Han characters wider than {MAX_HAN_GAP} em extra",
    "widows and orphans": "no page starts with a paragraph's lone last line or ends with its lone first line",
    "no 孤字": "no paragraph ends with a line of a single character",
    "table cells": "no number broken across lines in a table cell, no column one character wide",
}


@dataclass(frozen=True)
class Finding:
    check: str
    page: int
    line: str
    detail: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.check}: {self.detail}: {self.line}"


@dataclass
class TypographyReport:
    lines_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))
    """How many lines (or boundaries) each check examined."""
    exempt: int = 0
    """Non-last justified lines with nothing to stretch (one unbreakable Latin string)."""

    @property
    def ok(self) -> bool:
        return not self.findings

    def count(self, check: str) -> int:
        return sum(1 for finding in self.findings if finding.check == check)

    def as_rows(self) -> list[tuple[str, bool, str]]:
        """(check, passed, detail) per check, for ``briefing check``."""
        rows = []
        for check, rule in CHECKS.items():
            found = [f for f in self.findings if f.check == check]
            detail = f"{rule}: {self.checked[check]} examined"
            if found:
                examples = "; ".join(f"page {f.page}: {f.detail}: {f.line[:40]}" for f in found[:3])
                detail += f", {len(found)} violation{'s' if len(found) > 1 else ''} (e.g. {examples})"
            rows.append((f"typography: {check}", not found, detail))
        return rows


def audit_typography(pdf_path: Path | str, frame: TextFrame | None = None, *,
                     style: Style | Path | str | None = None) -> TypographyReport:
    """Audit the PDF at ``pdf_path``; ``frame`` and ``style`` default to the house style's."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        pages = [(page.chars, float(page.height)) for page in pdf.pages]
    return audit_pages(pages, frame, style=style)


def audit_pages(pages: list[tuple[list[dict], float]], frame: TextFrame | None = None, *,
                style: Style | Path | str | None = None) -> TypographyReport:
    """Audit pages already read: each page's pdfplumber ``chars`` and its height."""
    if not isinstance(style, Style):
        style = load_style(Path(style) if style else DEFAULT_STYLE)
    frame = frame or TextFrame.from_style(style)
    rows = [read_rows(index + 1, chars, height, frame) for index, (chars, height) in enumerate(pages)]
    return _Auditor(style, frame).run(rows)


LIST_MARKER = re.compile(r"•|\d+\.")
LEADERS = re.compile(r"[.·…]+(?:\d+|[ivxlcdm]+)?")


def _starts_list_item(row: Row) -> bool:
    """A bullet or ``12.`` hanging before a gap of at least a fifth of an em: a list item's first line."""
    text = row.text
    marker = LIST_MARKER.match(text)
    if marker is None or marker.end() >= len(row.glyphs):
        return False
    before, after = row.glyphs[marker.end() - 1], row.glyphs[marker.end()]
    return after.x0 - before.x1 >= 0.2 * after.size


def _kind(char: str) -> str:
    code = ord(char)
    if (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3FFFF
            or 0xF900 <= code <= 0xFAFF or 0x3040 <= code <= 0x30FF):
        return "han"
    if char in CHINESE_PUNCTUATION:
        return "punct"
    return "latin" if char.isalnum() else "other"


def _url_break_allowed(before: str, after: str) -> bool:
    """A web address may break between ``before`` and ``after`` (Chicago: after / = &, not inside //;
    before . ? # - _ ~ % @)."""
    return (before in URL_BREAK_AFTER and not before == after == "/") or after in URL_BREAK_BEFORE


@dataclass(frozen=True)
class _Role:
    size: float
    leading: float
    left_indent: float
    first_line_indent: float
    gap: float

    @property
    def indents(self) -> tuple[float, ...]:
        """Where a line of the role may start, from the frame's left edge."""
        return (0.0, self.left_indent, self.left_indent + self.first_line_indent)


class _Auditor:
    def __init__(self, style: Style, frame: TextFrame):
        self.frame = frame
        self.style = style
        self.gap_em = style.typography.han_latin_gap
        self.leadings: dict[float, set[float]] = {}
        self.justified: list[_Role] = []
        for role in style.text.__dataclass_fields__:
            text = getattr(style.text, role)
            size = text.size.pt()
            leading = text.leading.pt(size)
            self.leadings.setdefault(round(size, 2), set()).add(leading)
            if text.align == "justify":
                self.justified.append(_Role(size, leading, text.left_indent.pt(size),
                                            text.first_line_indent.pt(size),
                                            style.typography.han_latin_gap.pt(size)))
        self.report = TypographyReport()

    def run(self, pages: list[list[Row]]) -> TypographyReport:
        flow = [row for rows in pages for row in rows]
        self._first_row = {rows[0].page: rows[0] for rows in pages if rows}
        # The faces that begin indented paragraphs: only they continue across a page break
        # (a run of #### heads of the body's size, in another face, does not).
        self._indented = set()
        for row in flow:
            role = self._role(row)
            if role is not None and role.first_line_indent and abs(
                    row.x0 - self.frame.left - role.left_indent - role.first_line_indent) < TOLERANCE:
                self._indented.add((round(row.size, 2), row.family))
        self._url_starts: set[int] = set()
        """Rows (by id) that continue a web address broken at the end of the row before."""
        continued = False
        for index, row in enumerate(flow):
            following = flow[index + 1] if index + 1 < len(flow) else None
            role = None if row.table else self._role(row)
            carried, continued = continued, (following is not None and row.table == following.table
                                             and self._continues(row, following, role))
            if role is not None and role.first_line_indent:
                self._widow_orphan(row, following, role, carried, continued)
                if carried and not continued:
                    self._lone_character(row)
            self.report.lines_checked += 1
            self._line_start_end(row)
            self._inside_frame(row)
            if not row.table:  # cells side by side: their gaps are not a justified line's
                self._han_gap(row)
            if following is not None:
                self._no_split(row, following)
            if continued and not row.table:
                self._url_break(row, following)
            if role is not None:
                if continued:
                    self._flush(row)
                self._han_latin(row, role)
        self._tablecells([row for row in flow if row.table])
        return self.report

    def _find(self, check: str, row: Row, detail: str) -> None:
        self.report.findings.append(Finding(check, row.page, row.text, detail))

    # -- which lines belong together ------------------------------------------------------

    def _role(self, row: Row) -> _Role | None:
        for role in self.justified:
            if abs(row.size - role.size) < 0.05:
                return role
        return None

    def _continues(self, row: Row, following: Row, role: _Role | None) -> bool:
        """Is ``following`` the next line of ``row``'s paragraph?"""
        x0 = row.x0 + (row.glyphs[0].size / 2 if row.glyphs[0].text in OPENING else 0.0)  # a compressed （《
        if abs(row.size - following.size) > 0.05 or following.x0 > x0 + TOLERANCE:
            return False
        if row.family != following.family:  # a head of the body's size (####) is set in another face
            return False
        if _starts_list_item(following):  # items set with no space between them
            return False
        if (role is not None and role.first_line_indent and (round(row.size, 2), row.family) in self._indented
                and abs(following.x0 - self.frame.left - role.left_indent - role.first_line_indent) < TOLERANCE):
            return False  # a first line (paragraphs set with no space between them: GB/T 9704's grid)
        if following.page == row.page:
            leadings = {role.leading} if role else self.leadings.get(round(row.size, 2), set())
            return any(abs(following.baseline - row.baseline - leading) < LEADING_TOLERANCE for leading in leadings)
        # Across a page break: only where a paragraph's first line is told apart by its indent.
        if following.page != row.page + 1 or role is None or not role.first_line_indent:
            return False
        if (round(row.size, 2), row.family) not in self._indented:
            return False
        return abs(following.x0 - self.frame.left - role.left_indent) < TOLERANCE

    # -- the checks -----------------------------------------------------------------------

    def _line_start_end(self, row: Row) -> None:
        for index, segment in enumerate(row.segments()):
            text = "".join(g.text for g in segment)
            if LEADERS.fullmatch(text):  # a TOC line's leaders (and folio), set apart by a wide gap
                continue
            self.report.checked["line start"] += 1
            self.report.checked["line end"] += 1
            url_break = index == 0 and id(row) in self._url_starts and text[0] in URL_BREAK_BEFORE
            if text[0] in NO_START and not url_break:  # a web address may break before its . and ?
                self._find("line start", row, f"starts with {text[0]}")
            if text[-1] in NO_END:
                self._find("line end", row, f"ends with {text[-1]}")

    def _no_split(self, row: Row, following: Row) -> None:
        last = row.text[-1]
        if last not in NO_SPLIT:
            return
        self.report.checked["—— …… whole"] += 1
        run = len(row.text) - len(row.text.rstrip(last))
        if run % 2 and following.text[0] == last:
            self._find("—— …… whole", row, f"{last * 2} split across lines")

    def _inside_frame(self, row: Row) -> None:
        self.report.checked["inside the frame"] += 1
        frame = self.frame
        for i, glyph in enumerate(row.glyphs):
            if glyph.x1 > frame.right + TOLERANCE:
                half = i == len(row.glyphs) - 1 and glyph.text in CLOSING
                if not (half and glyph.x1 - glyph.size / 2 <= frame.right + TOLERANCE):
                    self._find("inside the frame", row, f"{glyph.text} ends {glyph.x1 - frame.right:.1f} pt "
                                                        "beyond the right edge")
                    return
            if glyph.x0 < frame.left - TOLERANCE:
                half = i == 0 and glyph.text in OPENING
                if not (half and glyph.x0 + glyph.size / 2 >= frame.left - TOLERANCE):
                    self._find("inside the frame", row, f"{glyph.text} starts {frame.left - glyph.x0:.1f} pt "
                                                        "before the left edge")
                    return

    def _flush(self, row: Row) -> None:
        if row.spaces == 0 and not any(_kind(g.text) in ("han", "punct") for g in row.glyphs):
            self.report.exempt += 1  # one Latin string: nothing may be stretched
            return
        self.report.checked["justified lines flush"] += 1
        last = row.glyphs[-1]
        right = self.frame.right
        ends = [last.x1] + ([last.x1 - last.size / 2] if last.text in CLOSING else [])
        if not any(abs(end - right) <= TOLERANCE for end in ends) and not self._ragged_by_rule(row):
            self._find("justified lines flush", row, f"ends {right - min(ends, key=lambda e: abs(e - right)):.1f} pt "
                                                     "short of the right edge")

    def _ragged_by_rule(self, row: Row) -> bool:
        """Is ``row`` set at natural spacing because flush would exceed ``MAX_HAN_GAP`` per gap?"""
        kinds = [_kind(g.text) for g in row.glyphs]
        gaps = row.spaces + sum(1 for ka, kb in zip(kinds, kinds[1:]) if "han" in (ka, kb) or "punct" in (ka, kb))
        natural = all(b.x0 - a.x1 <= TOLERANCE for a, b, ka, kb in zip(row.glyphs, row.glyphs[1:], kinds, kinds[1:])
                      if ka == kb == "han")
        return natural and self.frame.right - row.x1 > MAX_HAN_GAP * row.size * max(gaps, 1) - TOLERANCE

    def _han_latin(self, row: Row, role: _Role) -> None:
        glyphs = row.glyphs
        kinds = [_kind(g.text) for g in glyphs]
        stretch = [b.x0 - a.x1 for a, b, ka, kb in zip(glyphs, glyphs[1:], kinds, kinds[1:])
                   if ka == kb == "han"]
        if not stretch:
            # No two Han side by side (链100，链101，…): a gap between Han and punctuation is the
            # same stretch (compressed marks, which overlap their neighbour, left out).
            stretch = [b.x0 - a.x1 for a, b, ka, kb in zip(glyphs, glyphs[1:], kinds, kinds[1:])
                       if {ka, kb} == {"han", "punct"} and b.x0 - a.x1 > -TOLERANCE]
        base = statistics.median(stretch) if stretch else None
        gaps = []
        for a, b, ka, kb in zip(glyphs, glyphs[1:], kinds, kinds[1:]):
            pair = {ka, kb}
            if pair == {"han", "latin"}:
                self.report.checked["Han–Latin gap"] += 1
                gaps.append((b.x0 - a.x1, a, b))
            elif pair == {"punct", "latin"} and b.x0 - a.x1 > (base or 0.0) + TOLERANCE:
                self.report.checked["Han–Latin gap"] += 1
                self._find("Han–Latin gap", row, f"{b.x0 - a.x1:.1f} pt between {a.text}{b.text} "
                                                 "(no gap next to punctuation)")
        offset = row.x0 - self.frame.left
        if kinds[0] == "latin" and role.gap > TOLERANCE:
            at_indent = any(abs(offset - indent) <= TOLERANCE for indent in role.indents)
            gapped = any(abs(offset - indent - role.gap) <= TOLERANCE for indent in role.indents)
            if gapped and not at_indent:
                self._find("Han–Latin gap", row, f"a gap before {glyphs[0].text} at the start of the line")
        if base is not None:
            for gap, a, b in gaps:
                if abs(gap - base - role.gap) > TOLERANCE:
                    self._find("Han–Latin gap", row, f"{gap:.2f} pt between {a.text}{b.text}; expected "
                                                     f"{role.gap:.2f} pt plus the line's {base:.2f} pt stretch")
        elif gaps and max(g for g, _, _ in gaps) - min(g for g, _, _ in gaps) > TOLERANCE:
            self._find("Han–Latin gap", row, "unequal Han–Latin gaps on one line: "
                                             + ", ".join(f"{g:.2f}" for g, _, _ in gaps))

    def _widow_orphan(self, row: Row, following: Row | None, role: _Role, carried: bool,
                      continued: bool) -> None:
        """``carried``: the line before continues into this one; ``continued``: this one goes on."""
        first_line = abs(row.x0 - self.frame.left - role.left_indent - role.first_line_indent) < TOLERANCE
        if continued and following.page != row.page:
            self.report.checked["widows and orphans"] += 1
            if first_line:
                self._find("widows and orphans", row, "a paragraph's first line alone at the foot of the page")
        if carried and not continued and row is self._first_row.get(row.page):
            self.report.checked["widows and orphans"] += 1
            self._find("widows and orphans", row, "a paragraph's last line alone at the top of the page")

    def _lone_character(self, row: Row) -> None:
        self.report.checked["no 孤字"] += 1
        real = [g.text for g in row.glyphs if _kind(g.text) in ("han", "latin")]
        if len(real) < self.style.typography.min_last_line_chars:
            self._find("no 孤字", row, f"the paragraph's last line holds only {''.join(real) or 'punctuation'}")

    def _tablecells(self, rows: list[Row]) -> None:
        text = self.style.text.table
        ratio = text.leading.pt(text.size.pt()) / text.size.pt()
        stacks: dict[tuple[int, float], int] = {}
        for row, below in zip(rows, rows[1:]):
            if below.page != row.page or abs(below.baseline - row.baseline - ratio * row.size) > LEADING_TOLERANCE:
                continue
            for upper in cells(row):
                for lower in cells(below):
                    if lower[0].x0 >= upper[-1].x1 or lower[-1].x1 <= upper[0].x0:
                        continue  # not the same column
                    self.report.checked["table cells"] += 1
                    last, first = upper[-1].text, lower[0].text
                    if (last.isdigit() or last == ".") and (first.isdigit() or first in ".%‰℃"
                                                            or _kind(first) == "han"):
                        self._find("table cells", below, f"a number broken across lines: {last}/{first}")
                    key = (row.page, round(upper[0].x0))
                    if len(upper) == len(lower) == 1:
                        stacks[key] = stacks.get(key, 1) + 1
                        if stacks[key] == 3:
                            self._find("table cells", below, "a column one character wide")
                    else:
                        stacks.pop(key, None)

    def _url_break(self, row: Row, following: Row) -> None:
        text = row.text
        joined = text + following.text
        matches = list(URL.finditer(joined))
        if id(row) in self._url_starts:  # the address began lines above: its rest is a URL too
            matches.append(_URL_REST.match(joined))
        for match in matches:
            if match and match.start() < len(text) < match.end():
                self.report.checked["URL breaks"] += 1
                self._url_starts.add(id(following))
                before, after = text[-1], following.text[0]
                allowed = _url_break_allowed(before, after)
                part = text[match.start():]
                forced = not any(_url_break_allowed(a, b) for a, b in zip(part, part[1:] + after))
                if forced:  # the line holds no place the rules allow: any break is the only one
                    continue
                if not allowed or before == "-":
                    self._find("URL breaks", row, f"{match.group()[:60]} broken between {before!r} and {after!r}")
                elif len(tail := joined[len(text):match.end()]) < URL_MIN_TAIL or _LAST_PART.fullmatch(tail):
                    self._find("URL breaks", row, f"{match.group()[:60]} leaves only {tail!r} on its last line")

    def _han_gap(self, row: Row) -> None:
        """The widest gap between two adjacent Han characters, less their natural spacing."""
        widest = None
        for segment in row.segments():
            for a, b in zip(segment, segment[1:]):
                if _kind(a.text) == _kind(b.text) == "han" and not b.after_space:
                    gap = (b.x0 - a.x1) / b.size
                    widest = gap if widest is None or gap > widest else widest
        if widest is None:
            return
        self.report.checked["Han gap"] += 1
        if widest > MAX_HAN_GAP + TOLERANCE / row.size:
            self._find("Han gap", row, f"{widest:.2f} em between Han characters (at most {MAX_HAN_GAP} em)")
