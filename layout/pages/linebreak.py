"""Chinese line breaking: which characters may end a line, how wide each line is set.

The rules are W3C clreq and GB/T 15834, as TYPOGRAPHY.md states them:

* **Items and glue.** The text arrives as pieces ``(text, font, size, colour, href)``,
  already split by fallback face. Each non-space character becomes an item with its
  advance; what lies between two items is glue: a typed space, the style's Han–Latin
  gap (which replaces a typed space at such a boundary), or nothing.
* **Breaks.** A line may end after an item unless the next one may not start a line
  (``NO_START``), this one may not end it (``NO_END``), they are two halves of ——/……,
  they are inside one Latin word, or inside one web address except where the Chicago
  Manual allows (``url_break_allowed``); a range's hyphen joining Han and digits
  (``25亿-30亿``) is glued to both sides, with no Han–Latin gap.
* **Punctuation.** Full-width marks take half an em at a line end and between adjacent
  marks (or everywhere, per style). A line is filled greedily: first, where the style
  allows it, by compressing the marks inside it (push-in), then by carrying characters
  to the next line (push-out). No glyph ever hangs outside the frame.
* **Loose lines.** Where filling line by line leaves a justified line looser than the
  style allows (a long web address), the paragraph is re-broken as a whole (total fit).
  A line that even then would need more than ``max_han_gap`` extra per gap is set ragged
  (left-aligned) rather than letter-spaced; total fit counts such a line as costly, so a
  break inside a web address is preferred to it.

``layout.pages.cjk`` draws the lines this module finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

from reportlab.pdfbase import pdfmetrics

# -- character classes (TYPOGRAPHY.md, "Character classes") -------------------------------

NO_START = frozenset("，。、；：？！）］｝〕】〗〉》」』”’～·／…%‰℃!),.:;?]}")
NO_END = frozenset("（［｛〔【〖〈《「『“‘／([{")
NO_SPLIT = frozenset("—…⸺")
"""Two of the same in a row (——, ……) are one mark: never broken, never spaced apart."""
CLOSING = frozenset("，。、；：？！）］｝〕】〗〉》」』”’")
"""Full-width marks whose glyph sits in the left half of the em: compressed on the right."""
OPENING = frozenset("（［｛〔【〖〈《「『“‘")
"""Full-width marks whose glyph sits in the right half of the em: compressed on the left."""
_CJK_PUNCT_OUTSIDE_BLOCKS = frozenset("“”‘’—…·⸺")

HAN, PUNCT, LATIN = 0, 1, 2
OPEN, CLOSE = -1, 1
_SPACES = " \t\u00a0"
"""Word spaces. The ideographic space U+3000 is not one: it is set as a full-width character."""
_FULL_WIDTH = 0.9
"""A mark whose advance is at least this many ems is full-width (and may be compressed):
some fonts draw “” ‘’ narrow, and those are left as they are."""
_HARD_BREAK = "\n"
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\ufeff")
EPSILON = 1e-6
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)[!#-'*-;=?-~]+")
_URL_TRAILING = ".,;:!?)'"
URL_BREAK_AFTER = frozenset("/=&")
"""Chicago Manual 6.17 / 14.18: a web address may break after a slash (after both of ``//``,
never between them), an equals sign or an ampersand …"""
URL_BREAK_BEFORE = frozenset(".?#-_~%@=&")
"""… and before a period, question mark, number sign, hyphen, underscore, tilde, percent
sign or @. Never after a hyphen: poppler and pdfium drop a hyphen that ends a line."""
URL_MIN_TAIL = 4
"""Fewest characters of a web address carried to its last line; nor may that line hold
only the address's last dotted part (a lone ``.html`` or ``.cn``): see ``_left_in_url``."""
RANGE_HYPHENS = frozenset("-\u2010\u2011\u2013")
"""Hyphens and the en dash: between Han and a digit they join a range (``25亿-30亿``)."""


def url_break_allowed(before: str, after: str) -> bool:
    """May a web address break between ``before`` and ``after`` (Chicago's rules)?"""
    if before == "/" and after == "/":
        return False
    return before in URL_BREAK_AFTER or after in URL_BREAK_BEFORE


def char_kind(char: str) -> int:
    """HAN for ideographs, kana and hangul; PUNCT for Chinese punctuation; LATIN otherwise."""
    code = ord(char)
    if (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3FFFF
            or 0xF900 <= code <= 0xFAFF or 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF):
        return HAN
    if (0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0xFE30 <= code <= 0xFE4F
            or char in _CJK_PUNCT_OUTSIDE_BLOCKS):
        return PUNCT
    return LATIN


class Piece(NamedTuple):
    """A stretch of text in one font, size and colour, optionally a link."""

    text: str
    font_name: str
    font_size: float
    color: Any
    href: str | None = None


@dataclass
class CJKStyle:
    """What a paragraph needs to know, in points. ``Typesetter`` fills it from the style file."""

    font_size: float
    """Nominal size: the first baseline sits this far below the paragraph's top."""
    leading: float
    first_line_indent: float = 0.0
    left_indent: float = 0.0
    right_indent: float = 0.0
    alignment: str = "left"
    """left, center, right or justify (non-last lines flush on both sides)."""
    space_before: float = 0.0
    space_after: float = 0.0
    punctuation: str = "line_end_half"
    """line_end_half or compressed; see ``layout.styles.TypographyStyle``."""
    push_in: bool = False
    han_latin_gap: float = 0.0
    widows: int = 2
    orphans: int = 2
    min_last_line_chars: int = 2
    max_stretch: float = float("inf")
    """Stretch per gap (pt) above which a justified paragraph is broken by total fit."""
    max_han_gap: float = float("inf")
    """Most extra space per gap (pt) a justified line may get; a line needing more is ragged."""

    # ReportLab's names, for code written against ParagraphStyle.
    fontSize = property(lambda self: self.font_size)
    spaceBefore = property(lambda self: self.space_before)
    spaceAfter = property(lambda self: self.space_after)
    leftIndent = property(lambda self: self.left_indent)
    rightIndent = property(lambda self: self.right_indent)
    firstLineIndent = property(lambda self: self.first_line_indent)



_WIDTHS: dict[str, dict[str, float]] = {}


def _advance(char: str, font_name: str) -> float:
    """Advance of ``char`` in 1/1000 em (cached per font)."""
    table = _WIDTHS.setdefault(font_name, {})
    width = table.get(char)
    if width is None:
        width = table[char] = pdfmetrics.stringWidth(char, font_name, 1000)
    return width


class Items:
    """A paragraph's characters as items and glue, with every break and stretch decided.

    Arrays are indexed by item; ``glue[k]``, ``brk[k]``, ``hard[k]`` and ``stretch[k]``
    describe the gap after item ``k``.
    """

    def __init__(self, pieces: Sequence[Piece], style: CJKStyle, breaks: frozenset[int] | None = None):
        """``breaks``: offsets into the pieces' joined text where a line may start (word
        starts, for heads); None allows every break the rules allow. Hard breaks stay."""
        self.pieces = list(pieces)
        chars: list[str] = []
        owner: list[int] = []
        source: list[int] = []
        position = 0
        for index, piece in enumerate(self.pieces):
            for char in piece.text:
                if char not in _INVISIBLE:
                    chars.append(char)
                    owner.append(index)
                    source.append(position)
                position += 1
        url_of = self._find_urls(chars, owner)

        ch, pc, adv, kind, url = [], [], [], [], []
        space_after: list[float] = []
        space_piece: list[int] = []
        hard: list[bool] = []
        at: list[int] = []
        for char, index, link, offset in zip(chars, owner, url_of, source):
            piece = self.pieces[index]
            if char == _HARD_BREAK:
                if ch:
                    hard[-1] = True
                continue
            if char in _SPACES:
                if ch and not hard[-1] and not space_after[-1]:
                    space_after[-1] = _advance(" ", piece.font_name) * piece.font_size / 1000
                    space_piece[-1] = index
                continue
            ch.append(char)
            pc.append(index)
            adv.append(_advance(char, piece.font_name) * piece.font_size / 1000)
            kind.append(char_kind(char))
            url.append(link)
            at.append(offset)
            space_after.append(0.0)
            space_piece.append(-1)
            hard.append(False)
        n = len(ch)
        self.ch, self.pc, self.adv, self.kind, self.hard = ch, pc, adv, kind, hard

        # Punctuation that may take half an em: full-width marks only (fonts differ).
        side = [0] * n
        cmp_max = [0.0] * n
        for k, char in enumerate(ch):
            size = self.pieces[pc[k]].font_size
            if adv[k] >= _FULL_WIDTH * size and (char in CLOSING or char in OPENING):
                side[k] = CLOSE if char in CLOSING else OPEN
                cmp_max[k] = adv[k] / 2
        fixed = [0.0] * n
        if style.punctuation == "compressed":
            fixed = list(cmp_max)
        else:
            for k in range(n - 1):
                if side[k] and side[k + 1] and not space_after[k] and not hard[k]:
                    if side[k] == CLOSE:
                        fixed[k] = cmp_max[k]
                    elif side[k + 1] == OPEN:
                        fixed[k + 1] = cmp_max[k + 1]
        self.side = side
        self.fixed = fixed
        self.eff = [adv[k] - fixed[k] for k in range(n)]
        compressible = [cmp_max[k] - fixed[k] for k in range(n)]
        self.endcmp = [compressible[k] if side[k] == CLOSE else 0.0 for k in range(n)]
        self.shrink = compressible if style.push_in else [0.0] * n
        """How much each mark inside a line may give up to keep a character on the line."""

        # Latin words: which contain a letter or digit (those get the Han–Latin gap).
        word_alnum = [False] * n
        k = 0
        while k < n:
            if kind[k] != LATIN:
                k += 1
                continue
            j = k
            while j + 1 < n and kind[j + 1] == LATIN and not space_after[j] and not hard[j]:
                j += 1
            alnum = any(c.isalnum() for c in ch[k:j + 1])
            for i in range(k, j + 1):
                word_alnum[i] = alnum
            k = j + 1

        glue = [0.0] * n
        typed_space = [False] * n
        brk = [False] * n
        stretch = [False] * n
        url_left = _left_in_url(url, ch)
        for k in range(n - 1):
            a, b, ka, kb = ch[k], ch[k + 1], kind[k], kind[k + 1]
            spaced = space_after[k] > 0
            ranged = (not spaced and ((ka == HAN and b in RANGE_HYPHENS and k + 2 < n and ch[k + 2].isdigit())
                                      or (kb == HAN and a in RANGE_HYPHENS and k > 0 and ch[k - 1].isdigit())))
            boundary = not ranged and ((ka == HAN and kb == LATIN and word_alnum[k + 1])
                                       or (ka == LATIN and kb == HAN and word_alnum[k]))
            if boundary:
                glue[k] = style.han_latin_gap
            elif spaced and ka != PUNCT and kb != PUNCT:
                glue[k] = space_after[k]
                typed_space[k] = space_piece[k] == pc[k]
            if hard[k]:
                brk[k] = True
            elif url[k] is not None and url[k] == url[k + 1]:  # before its . and ? too (Chicago)
                brk[k] = url_break_allowed(a, b) and url_left[k + 1] >= URL_MIN_TAIL
            elif b in NO_START or a in NO_END or (a == b and a in NO_SPLIT) or ranged:
                brk[k] = False
            else:
                brk[k] = spaced or boundary or ka != LATIN or kb != LATIN
            stretch[k] = ((spaced or boundary or ka != LATIN or kb != LATIN)
                          and not (a == b and a in NO_SPLIT) and not ranged)
        if breaks is not None:
            for k in range(n - 1):
                brk[k] = brk[k] and (hard[k] or at[k + 1] in breaks)
        self.glue, self.brk, self.stretch = glue, brk, stretch
        self.typed_space = typed_space
        """The gap after item k is a space the editor typed: drawn as a space glyph, so that
        text extraction and copying keep the words apart."""
        self.spaced = [width > 0 for width in space_after]
        """The editor typed a space after item k (drawn as a space or as the Han–Latin gap)."""
        self.n = n
        self.max_endcmp = max(self.endcmp, default=0.0)

    def _find_urls(self, chars: list[str], owner: list[int]) -> list[int | None]:
        """For each character, the id of the web address it belongs to (None outside one)."""
        url_of: list[int | None] = [None] * len(chars)
        text = "".join(chars)
        count = 0
        for match in _URL.finditer(text):
            end = match.end()
            while end > match.start() and text[end - 1] in _URL_TRAILING:
                end -= 1
            for i in range(match.start(), end):
                url_of[i] = count
            count += 1
        for index, piece in enumerate(self.pieces):  # a linked run spelled as an address
            if piece.href and not any(char_kind(c) != LATIN or c in _SPACES for c in piece.text):
                for i, who in enumerate(owner):
                    if who == index and url_of[i] is None:
                        url_of[i] = count
                count += 1
        return url_of

    def stretch_per_gap(self, line: Line, avail: float) -> float:
        """Extra space each stretchable gap of ``line`` takes to fill ``avail`` (0 if it is full)."""
        room = avail - line.width
        if room <= EPSILON:
            return 0.0
        gaps = sum(self.stretch[line.start:line.end])
        return room / gaps if gaps else float("inf")

    def real_chars(self, start: int, end: int) -> int:
        """Characters of items start..end that are not line-start-forbidden punctuation."""
        return sum(1 for k in range(start, end + 1) if self.ch[k] not in NO_START)


def _left_in_url(url: list[int | None], ch: list[str]) -> list[int]:
    """For each item of a web address, how many of its characters remain from there on;
    0 at the dot that starts its last dotted part (``.html``), where no break may come."""
    left = [0] * len(url)
    plain_tail = True  # nothing but letters and digits after this item, to the address's end
    for k in range(len(url) - 1, -1, -1):
        if url[k] is None:
            continue
        same = k + 1 < len(url) and url[k + 1] == url[k]
        plain_tail = plain_tail if same else True
        left[k] = 1 + (left[k + 1] if same else 0)
        if ch[k] == "." and plain_tail:
            left[k] = 0
        plain_tail = plain_tail and ch[k].isalnum()
    return left


class Line(NamedTuple):
    start: int
    end: int
    width: float
    """Natural width with the line-end mark compressed, before push-in."""
    shrinkable: float
    """How much push-in could still take from the marks inside the line."""
    last: bool
    """Set ragged (a paragraph's last line, or before a hard break)."""
    ragged: bool = False
    """Set ragged although not last: justifying it would exceed ``max_han_gap``."""


def break_lines(text: Items, lo: int, hi: int, first_width: float, width: float,
                ends_paragraph: bool, style: CJKStyle) -> list[Line]:
    """Lines of items lo..hi-1: greedy (each line takes as much as fits after push-in), or,
    where that leaves a justified line looser than ``style.max_stretch``, the best total fit."""
    lines = _greedy(text, lo, hi, first_width, width, ends_paragraph)
    if ends_paragraph and len(lines) >= 2 and style.min_last_line_chars > 1:
        _avoid_lone_last_char(text, lines, first_width, width, style.min_last_line_chars)
    if style.alignment == "justify" and len(lines) >= 2:
        fit = _Fit(text, first_width, width, style)
        greedy_cost = [fit.cost(line, first_width if i == 0 else width) for i, line in enumerate(lines)]
        if max(greedy_cost) > fit.loose:
            better = fit.total_fit(lo, hi, ends_paragraph)
            if better is not None and better[0] < sum(greedy_cost) + fit.LINE * len(lines):
                lines = better[1]
    if style.alignment == "justify":
        lines = [line._replace(ragged=True) if not line.last and text.stretch_per_gap(
                     line, first_width if i == 0 else width) > style.max_han_gap + EPSILON else line
                 for i, line in enumerate(lines)]
    return lines


def _fitting_breaks(text: Items, start: int, hi: int, avail: float):
    """Each place a line from ``start`` may end and still fit ``avail``: (end, width, push-in).

    ``width`` is the natural width with the line-end mark compressed, ``push-in`` how much
    the marks inside could still give; the scan stops at a hard break or once nothing more
    can fit."""
    eff, glue, shrink, endcmp, brk, hard = text.eff, text.glue, text.shrink, text.endcmp, text.brk, text.hard
    natural = 0.0
    optional = -shrink[start] if text.side[start] == OPEN else 0.0  # never hang at the start
    for k in range(start, hi):
        if k > start:
            natural += glue[k - 1]
        natural += eff[k]
        optional += shrink[k]
        if k == hi - 1 or brk[k]:
            w = natural - endcmp[k]
            o = optional - shrink[k] if endcmp[k] else optional
            if w - o <= avail + EPSILON:
                yield k, w, o
        if hard[k] or natural - optional - text.max_endcmp > avail + EPSILON:
            return


def _greedy(text: Items, lo: int, hi: int, first_width: float, width: float,
            ends_paragraph: bool) -> list[Line]:
    lines: list[Line] = []
    start = lo
    while start < hi:
        avail = first_width if not lines else width
        best = None
        for best in _fitting_breaks(text, start, hi, avail):
            pass
        if best is None:  # nothing breakable fits: break anywhere (an overlong word or address)
            best = _emergency(text, start, hi, avail)
        end, w, o = best
        lines.append(Line(start, end, w, o, text.hard[end] or (end == hi - 1 and ends_paragraph)))
        start = end + 1
    return lines


class _Fit:
    """Total fit (after Knuth and Plass) for the rare paragraph whose greedy lines are loose,
    such as one with a long web address: the breaks that minimise the summed squares of
    each line's stretch per gap (in ems), over the whole paragraph."""

    LINE = 1e-4
    """Cost of a line in itself: of two equally even settings, the shorter wins."""
    LONE = 1.0
    """Cost of a last line below ``min_last_line_chars`` (孤字)."""
    RAGGED = 2.0
    """Cost of a non-last line that would need more than ``max_han_gap`` per gap (set ragged)."""

    def __init__(self, text: Items, first_width: float, width: float, style: CJKStyle):
        self.text = text
        self.first_width = first_width
        self.width = width
        self.em = style.font_size
        self.min_last = style.min_last_line_chars
        self.loose = (style.max_stretch / self.em) ** 2
        self.max_gap = style.max_han_gap

    def cost(self, line: Line, avail: float) -> float:
        """Squared departure from natural spacing per gap, in ems (stretch, or push-in)."""
        if line.last:
            return 0.0
        if self.text.stretch_per_gap(line, avail) > self.max_gap + EPSILON:
            return self.RAGGED
        room = avail - line.width
        gaps = sum(self.text.stretch[line.start:line.end])
        return (room / max(gaps, 1) / self.em) ** 2

    def total_fit(self, lo: int, hi: int, ends_paragraph: bool) -> tuple[float, list[Line]] | None:
        text = self.text
        best: dict[int, tuple[float, Line | None]] = {lo: (0.0, None)}
        for start in range(lo, hi):
            if start not in best:
                continue
            base = best[start][0]
            avail = self.first_width if start == lo else self.width
            for k, w, o in _fitting_breaks(text, start, hi, avail):
                last = text.hard[k] or (k == hi - 1 and ends_paragraph)
                line = Line(start, k, w, o, last)
                cost = base + self.cost(line, avail) + self.LINE
                if last and k == hi - 1 and ends_paragraph and text.real_chars(start, k) < self.min_last:
                    cost += self.LONE
                if k + 1 not in best or cost < best[k + 1][0]:
                    best[k + 1] = (cost, line)
        if hi not in best:
            return None
        lines = []
        position = hi
        while position != lo:
            line = best[position][1]
            lines.append(line)
            position = line.start
        return best[hi][0], lines[::-1]


def measure(text: Items, start: int, end: int) -> tuple[float, float]:
    natural = sum(text.eff[start:end + 1]) + sum(text.glue[start:end])
    optional = sum(text.shrink[start + 1 if text.side[start] == OPEN else start:end + 1])
    if text.endcmp[end]:
        return natural - text.endcmp[end], optional - text.shrink[end]
    return natural, optional


def _emergency(text: Items, start: int, hi: int, avail: float) -> tuple[int, float, float]:
    end = start
    for k in range(start + 1, hi):
        w, o = measure(text, start, k)
        if w - o > avail + EPSILON:
            break
        end = k
        if text.hard[k]:
            break
    return (end, *measure(text, start, end))


def _avoid_lone_last_char(text: Items, lines: list[Line], first_width: float, width: float,
                          wanted: int) -> None:
    """No 孤字: pull the last line up by compressing harder, else bring characters down."""
    last, previous = lines[-1], lines[-2]
    if previous.last or text.real_chars(last.start, last.end) >= wanted:
        return
    w, o = measure(text, previous.start, last.end)
    if w - o <= (first_width if len(lines) == 2 else width) + EPSILON:
        lines[-2:] = [Line(previous.start, last.end, w, o, True)]
        return
    for b in range(previous.end - 1, previous.start, -1):
        if text.brk[b] and text.real_chars(b + 1, last.end) >= wanted:
            tail_w, tail_o = measure(text, b + 1, last.end)
            if tail_w - tail_o <= width + EPSILON:
                lines[-2:] = [Line(previous.start, b, *measure(text, previous.start, b), False),
                              Line(b + 1, last.end, tail_w, tail_o, True)]
            return
