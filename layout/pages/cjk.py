"""``CJKParagraph``: a platypus flowable that sets Chinese text to TYPOGRAPHY.md's rules.

Replaces ReportLab's ``Paragraph(wordWrap='CJK')`` for every paragraph the layout makes.
``layout.pages.linebreak`` decides where lines end and how wide they are; this module
places the glyphs and draws them:

* **Justification.** The space left on a non-last line goes equally to every gap next to
  a Chinese character and to every space, never inside a Latin word or number; a line
  the breaker marks ``ragged`` (it would need more than ``max_han_gap``) is left-aligned.
* **Drawing.** One text object per paragraph; glyphs are positioned exactly with ``Td``
  and ``TJ`` offsets (no ``Tc``), so text extraction reads the true positions. Links get
  one ``/URI`` rectangle per line fragment, each carrying the whole address.
* **Pages.** Widow and orphan control when a paragraph is split between frames.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

from reportlab.lib.colors import toColor
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from layout.colour import fill_operator, parse_colour, set_fill
from layout.markup import link_target
from layout.pages.linebreak import EPSILON, OPEN, CJKStyle, Items, Line, Piece, break_lines, measure

_RGB: dict[Any, str] = {}
_SILENT_GAP = 0.06
"""Ems of white between two glyphs that no extractor reads as a space (half pdfium's
threshold, the lower one); wider white is covered by /ActualText (``_actual_text_spans``)."""


def _num(value: float) -> str:
    """A number for the content stream: three decimals, no trailing zeros (fast, deterministic)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_OFFSETS: dict[float, str] = {}


def _offset(value: float) -> str:
    """``_num(value)``, remembered: a justified line repeats the same few offsets (the key is
    the value at the three decimals written, so the text is the same as ``_num``'s)."""
    key = round(value, 3)
    text = _OFFSETS.get(key)
    if text is None:
        if len(_OFFSETS) > 50_000:
            _OFFSETS.clear()
        text = _OFFSETS[key] = _num(key)
    return text


def _fill(color: Any) -> str:
    """The fill operator of a colour (cached): DeviceGray for neutrals, so black text prints as K
    alone (layout.colour); a ReportLab colour object as ``rg``."""
    operator = _RGB.get(color)
    if operator is None:
        if isinstance(color, str) and parse_colour(color) is not None:
            operator = fill_operator(color)
        else:
            value = toColor(color)
            operator = f"{_num(value.red)} {_num(value.green)} {_num(value.blue)} rg"
        _RGB[color] = operator
    return operator


class CJKParagraph(Flowable):
    """A paragraph of Chinese (and Latin) text, broken and justified by the rules above."""

    mark: str | None = None
    """A marked-content tag each drawn line is wrapped in (a table's cells: ``Table``), so that
    readers of the PDF (``check``) can tell the line's glyphs apart. Its /ActualText span then
    takes the same tag: text extractors report only the innermost tag, and do not restore the
    outer one after a nested span ends."""

    def __init__(self, pieces: Sequence[Piece], style: CJKStyle, *, bullet: Sequence[Piece] = (),
                 bullet_indent: float = 0.0, _text: Items | None = None, _range: tuple[int, int] | None = None,
                 _indent_first: bool = True, _ends_paragraph: bool = True):
        super().__init__()
        self.style = style
        self.bullet = tuple(bullet)
        self.bullet_indent = bullet_indent
        self.keepWithNext = False
        self._text = _text if _text is not None else Items(pieces, style)
        self._range = _range if _range is not None else (0, self._text.n)
        self._indent_first = _indent_first
        self._ends_paragraph = _ends_paragraph
        self._lines: list[Line] = []
        self._laid_width: float | None = None
        self.width = self.height = 0.0

    # -- what callers read ---------------------------------------------------------------

    fontSize = property(lambda self: self.style.font_size)
    leading = property(lambda self: self.style.leading)
    spaceBefore = property(lambda self: self.style.space_before)
    spaceAfter = property(lambda self: self.style.space_after)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def text(self) -> str:
        lo, hi = self._range
        return "".join(self._text.ch[lo:hi])

    @property
    def line_texts(self) -> list[str]:
        """The text of each line as laid out by the last ``wrap`` (spaces left out)."""
        return ["".join(self._text.ch[line.start:line.end + 1]) for line in self._lines]

    def getSpaceBefore(self):
        return self.style.space_before

    def getSpaceAfter(self):
        return self.style.space_after

    def last_line_end(self) -> float:
        """x, from the paragraph's left, where the last line's last glyph ends (after wrap)."""
        if not self._lines:
            return self.style.left_indent
        line = self._lines[-1]
        return self._line_x(len(self._lines) - 1, line) + line.width - self._shrink_used(len(self._lines) - 1, line)

    def minWidth(self):
        """Widest hard line unbroken (what ``Table`` sizes its columns by, as for Paragraph)."""
        text = self._text
        lo, hi = self._range
        widest = 0.0
        start = lo
        for k in range(lo, hi):
            if text.hard[k] or k == hi - 1:
                widest = max(widest, measure(text, start, k)[0])
                start = k + 1
        return widest + self.style.left_indent + self.style.right_indent + self._first_indent()

    # -- layout --------------------------------------------------------------------------

    def _first_indent(self) -> float:
        return self.style.first_line_indent if self._indent_first else 0.0

    def _avail(self, width: float) -> float:
        return width - self.style.left_indent - self.style.right_indent

    def wrap(self, avail_width, avail_height):
        if self._laid_width != avail_width:
            avail = self._avail(avail_width)
            lo, hi = self._range
            self._lines = break_lines(self._text, lo, hi, avail - self._first_indent(), avail,
                                      self._ends_paragraph, self.style)
            self._laid_width = avail_width
        self.width = avail_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def tighten(self) -> bool:
        """Set one line shorter if pushing in the marks inside its lines (clreq push-in)
        saves a line: TeX's ``\\looseness=-1``, for page fill (``layout.pages.fill``).
        Kept only when a line is saved; needs a previous ``wrap``."""
        if self.style.push_in or self._laid_width is None or self._range != (0, self._text.n):
            return False
        style = replace(self.style, push_in=True)
        text = Items(self._text.pieces, style)
        avail = self._avail(self._laid_width)
        lines = break_lines(text, 0, text.n, avail - self._first_indent(), avail, self._ends_paragraph, style)
        if len(lines) >= len(self._lines):
            return False
        self.style, self._text, self._lines = style, text, lines
        return True

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        total = len(self._lines)
        fits = int((avail_height + EPSILON) / self.style.leading)
        if fits >= total:
            return [self]
        if total - fits < self.style.widows:
            fits = total - self.style.widows
        if fits < max(self.style.orphans, 1):
            return []
        cut = self._lines[fits].start
        lo, hi = self._range
        head = CJKParagraph((), replace(self.style, space_after=0.0), bullet=self.bullet,
                            bullet_indent=self.bullet_indent, _text=self._text, _range=(lo, cut),
                            _indent_first=self._indent_first, _ends_paragraph=False)
        tail = CJKParagraph((), replace(self.style, space_before=0.0), _text=self._text, _range=(cut, hi),
                            _indent_first=False, _ends_paragraph=self._ends_paragraph)
        head._lines, head._laid_width = self._lines[:fits], avail_width
        tail._lines, tail._laid_width = self._lines[fits:], avail_width
        tail.keepWithNext = self.keepWithNext
        return [head, tail]

    def _line_avail(self, index: int) -> float:
        avail = self._avail(self.width)
        return avail - self._first_indent() if index == 0 else avail

    def _shrink_used(self, index: int, line: Line) -> float:
        return min(line.shrinkable, max(0.0, line.width - self._line_avail(index)))

    def _line_x(self, index: int, line: Line) -> float:
        x = self.style.left_indent + (self._first_indent() if index == 0 else 0.0)
        room = self._line_avail(index) - (line.width - self._shrink_used(index, line))
        alignment = self.style.alignment
        if alignment == "center":
            x += room / 2
        elif alignment == "right":
            x += room
        return x

    def _place(self, index: int, line: Line) -> list[float]:
        """Where each glyph of ``line`` is drawn (its origin x, from the paragraph's left)."""
        text = self._text
        used = self._shrink_used(index, line)
        ratio = used / line.shrinkable if line.shrinkable > EPSILON else 0.0
        room = self._line_avail(index) - (line.width - used)
        per_gap = 0.0
        if self.style.alignment == "justify" and not (line.last or line.ragged) and room > EPSILON:
            gaps = sum(text.stretch[line.start:line.end])
            per_gap = room / gaps if gaps else 0.0
        x = self._line_x(index, line)
        positions = []
        for k in range(line.start, line.end + 1):
            if k == line.end and text.endcmp[k]:
                squeeze = text.fixed[k] + text.endcmp[k]
            elif k == line.start and text.side[k] == OPEN:
                squeeze = text.fixed[k]
            else:
                squeeze = text.fixed[k] + ratio * text.shrink[k]
            positions.append(x - squeeze if text.side[k] == OPEN else x)
            x += text.adv[k] - squeeze
            if k < line.end:
                x += text.glue[k] + (per_gap if text.stretch[k] else 0.0)
        return positions

    # -- drawing -------------------------------------------------------------------------

    def draw(self):
        canvas = self.canv
        if getattr(canvas, "dry", False):  # a layout pass (layout.document.lay_out): nothing to draw
            return
        text = self._text
        code = ["BT"]
        state = _TextState()
        links: list[tuple[str, tuple[float, float, float, float]]] = []
        for index, line in enumerate(self._lines):
            baseline = self.height - self.style.font_size - index * self.style.leading
            positions = self._place(index, line)
            spans = self._actual_text_spans(line, positions)
            if self.mark:
                code.append(f"/{self.mark} BMC")
            k = line.start
            while k <= line.end:
                piece_index = text.pc[k]
                span_end = spans.get(k)
                if span_end is not None:
                    actual = _utf16(self._source_text(k, span_end, line))
                    code.append(f"/{self.mark or 'Span'} <</ActualText {actual}>> BDC")
                run_end = next((end for start, end in spans.items() if start <= k <= end), None)
                glyphs: list[tuple[str, float, float]] = []
                while True:
                    x = positions[k - line.start]
                    glyphs.append((text.ch[k], x, text.adv[k]))
                    if k < line.end and text.typed_space[k]:
                        glyphs.append((" ", x + text.adv[k], text.glue[k]))
                    if k == line.end or text.pc[k + 1] != piece_index or k == run_end or k + 1 in spans:
                        break
                    k += 1
                self._emit_run(canvas, code, state, text.pieces[piece_index], glyphs, baseline)
                if k == run_end:
                    code.append("EMC")
                k += 1
            if self.mark:
                code.append("EMC")
            links.extend(self._link_rects(line, positions, baseline))
        code.append("ET")
        if self.bullet and self._indent_first and self._lines:  # before the text: read first
            baseline = self.height - self.style.font_size
            x = self.bullet_indent
            for piece in self.bullet:
                canvas.setFont(piece.font_name, piece.font_size)
                if isinstance(piece.color, str) and parse_colour(piece.color) is not None:
                    set_fill(canvas, piece.color)  # DeviceGray for a neutral, as the text (layout.colour)
                else:
                    canvas.setFillColor(toColor(piece.color))
                canvas.drawString(x, baseline, piece.text)
                x += pdfmetrics.stringWidth(piece.text, piece.font_name, piece.font_size)
        if len(code) > 2:
            canvas._code.append(" ".join(code))
        for url, rect in links:
            canvas.linkURL(link_target(url), rect, relative=1, thickness=0)

    def _actual_text_spans(self, line: Line, positions: list[float]) -> dict[int, int]:
        """Where the line's glyphs stand apart by more white than the source has:
        {first item: last item} of the one span to cover with /ActualText, or {}.

        The Han–Latin gap and justification draw white where the editor typed none (or more
        than the space typed). Text extractors read white wider than a threshold as a space:
        pdfium from about 0.13 em, poppler from about 0.2 em (pypdfium2 4, pdftotext 22+), so
        "2021年" would copy as "2021 年". From the first pair with more than ``_SILENT_GAP``
        em of such white to the end of the line, the glyphs are wrapped in one ``/Span``
        whose ``/ActualText`` is the source's characters, typed spaces included. The span runs
        to the line's end because pdfium misplaces the text that follows a span drawn in
        more than one text-showing operation (a font change inside it) and then reads a
        space there; at a line's end nothing follows on that line."""
        text = self._text
        for k in range(line.start, line.end):
            white = positions[k + 1 - line.start] - positions[k - line.start] - text.adv[k]
            if text.typed_space[k]:
                white -= text.glue[k]
            if white > _SILENT_GAP * text.pieces[text.pc[k]].font_size:
                return {k: line.end}
        return {}

    def _source_text(self, start: int, end: int, line: Line) -> str:
        """Items start..end as the editor wrote them: the spaces typed between them kept (a
        space typed at a Han–Latin boundary too, though the gap is drawn there), drawn gaps
        not."""
        text = self._text
        return "".join(text.ch[k] + (" " if text.spaced[k] and k < line.end else "")
                       for k in range(start, end + 1))

    @staticmethod
    def _emit_run(canvas, code: list[str], state: _TextState, piece: Piece,
                  glyphs: list[tuple[str, float, float]], baseline: float) -> None:
        """``glyphs`` (char, x, advance) of one piece: Tf/rg when they change, then Td and TJ.

        The hot loop of a build (every glyph of the edition passes here once): glyph codes as
        hex strings (nothing to escape), offsets formatted once per distinct value."""
        font = pdfmetrics.getFont(piece.font_name)
        size = piece.font_size
        fill = _fill(piece.color)
        if fill != state.rgb:
            code.append(fill)
            state.rgb = fill
        doc = canvas._doc
        per_point = -1000 / size
        width = getattr(font, "code_bytes", 1)  # two for a Type0 font (layout.cidfonts)
        offset = 0
        for subset, data in font.splitString("".join(g[0] for g in glyphs), doc):
            name = state.names.get((font.fontName, subset))
            if name is None:  # ReportLab's subset /F name: one lookup per subset per paragraph
                name = state.names[(font.fontName, subset)] = font.getSubsetInternalName(subset, doc)
            if (name, size) != state.font:
                code.append(f"{name} {_num(size)} Tf")
                state.font = (name, size)
            _, x0, advance = glyphs[offset]
            dx, dy = _num(x0 - state.x), _num(baseline - state.y)
            code.append(f"{dx} {dy} Td")
            state.x += float(dx)  # what the reader will compute: no rounding drift along a paragraph
            state.y += float(dy)
            parts: list[str] = []
            count = len(data) // width
            start, end = 0, x0 + advance
            for i in range(1, count):
                _, x, advance = glyphs[offset + i]
                gap = x - end
                if gap > EPSILON or gap < -EPSILON:
                    parts.append(f"<{data[start * width:i * width].hex()}>")
                    parts.append(_offset(gap * per_point))
                    start = i
                end = x + advance
            parts.append(f"<{data[start * width:].hex()}>")
            code.append(f"[{' '.join(parts)}] TJ" if len(parts) > 1 else f"{parts[0]} Tj")
            offset += count

    def _link_rects(self, line: Line, positions: list[float], baseline: float):
        text = self._text
        k = line.start
        while k <= line.end:
            href = text.pieces[text.pc[k]].href
            j = k
            while j < line.end and text.pieces[text.pc[j + 1]].href == href:
                j += 1
            if href:
                piece = text.pieces[text.pc[k]]
                ascent, descent = pdfmetrics.getAscentDescent(piece.font_name, piece.font_size)
                x1 = positions[j - line.start] + text.adv[j]
                yield href, (positions[k - line.start], baseline + descent, x1, baseline + ascent)
            k = j + 1


def _utf16(text: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, as a hex string."""
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"


class _TextState:
    """What the current text object has set: font, colour and the line matrix origin."""

    def __init__(self):
        self.font: tuple[str, float] | None = None
        self.names: dict[tuple[str, int], str] = {}
        self.rgb: str | None = None
        self.x = 0.0
        self.y = 0.0
