"""Pipe tables as a flowable: column widths like a browser's auto table layout, rows that
split across pages, and the three-line table (三线表) of Chinese reports.

* **Cells** are ``CJKParagraph``s (``layout.pages.cjk``): the same line breaker as the
  body, so Chinese text breaks between characters, web addresses after ``/ . - _ …``,
  and nothing starts a line that may not. A number and the unit after it (``3.2亿吨``,
  ``30%``, ``2021年``) are one unbreakable word in a cell.
* **Column widths.** Each column has a min-content width (its widest unbreakable word)
  and a max-content width (its longest cell on one line), padding included. When the
  max-content widths fit, columns get them (``table.width: auto``) or share out the rest
  of the frame in their proportion (``full``); when only the min-content widths fit, each
  column gets its minimum plus a share of the remaining room in proportion to how much
  more it wants (max − min), as CSS 2.1's automatic table layout suggests.
* **Too wide.** A table whose min-content widths exceed the frame is set smaller, 0.5 pt
  at a time down to ``table.min_size``; failing that it is refused at its line in the
  YAML (``InputError``), with what to do.
* **Pages.** A row is kept whole unless it is taller than a quarter of the frame; such a
  row is split between its lines to fill the page. The header row repeats at the top of
  every page the table spans, and each page's part is closed by the bottom rule (by the
  whole grid, in ``grid`` style). A caption (``表1 …``) is drawn above the first part,
  kept with it.
* **Alignment.** Cells sit at the top of their row, header cells in its middle. A column
  whose cells are all numbers (``1,234``, ``-0.5``, ``30%``, ``3.2亿吨``, ranges such as
  ``25亿～30亿``) is right-aligned, header included, and on the decimal point where every
  cell is one quantity; other columns follow ``text.table.align``; the Markdown delimiter
  row (``:--``, ``:-:``, ``--:``) overrides both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportlab.platypus import Flowable

from layout import model
from layout.colour import set_stroke
from layout.errors import InputError, Problem
from layout.pages.cjk import CJKParagraph
from layout.pages.columns import (bind_numbers, column_alignment, decimal_tail, distribute, max_content,
                                  min_content, widest_word)
from layout.pages.linebreak import EPSILON, CJKStyle, Items, Piece
from layout.pages.typeset import Typesetter

SIZE_STEP = 0.5
"""Points: how much smaller each try at fitting a too-wide table is set."""
HEADER_SHARE = 0.25
"""A header row taller than this share of the frame is not repeated on later pages."""
ROW_SHARE = 0.25
"""A row up to this share of the frame tall is kept whole (moved to the next page if it
does not fit); a taller one is split between its lines to fill the page."""
NARROW_COLUMN = 6
"""Ems: a column narrower than this lets a cell end with a one-character line."""
SHORT_CELLS = 8
"""Ems: a table whose every cell is at most this wide on one line (labels and numbers) is
set as much smaller as needed, down to ``table.min_size``, for no cell to wrap."""
HEADER_WRAP = 6
"""Ems: a header cell up to this wide stays on one line; a wider one may take two lines
where the columns do not all fit."""
MIN_COLUMN_EMS = 2
"""A column is at least this many characters wide (less only where all its cells are shorter)."""
MARK = "Table"
"""Marked-content tag around each part's rules and cells: ``layout.audit`` tells table
rows from paragraphs by it (a row of cells is neither justified nor one line of text)."""
_SLACK = 1e-3
"""Points added to a cell's measure so that float rounding never wraps a cell set at its
max-content width."""


def frame_size(typesetter: Typesetter) -> tuple[float, float]:
    """Width and height of the text frame, in points."""
    page = typesetter.style.page
    return (page.width.pt() - page.margin_left.pt() - page.margin_right.pt(),
            page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt())


def make_table(typesetter: Typesetter, block: model.Table) -> Flowable:
    """The flowable for ``block``; raises InputError (at the table's line) if it cannot fit."""
    width, height = frame_size(typesetter)
    table = TableFlowable(typesetter, block, height)
    table.fit(width)
    return table


@dataclass
class _Cell:
    items: Items
    style: CJKStyle

    def paragraph(self, width: float) -> CJKParagraph:
        """The cell's paragraph for a column ``width`` wide. In a narrow column a last line of
        one character is allowed: bringing one down to it would break a word (指/标1)."""
        style = self.style
        if width < NARROW_COLUMN * style.font_size:
            style = replace(style, min_last_line_chars=1)
        return CJKParagraph((), style, _text=self.items)


@dataclass
class _Grid:
    """What every part of one table shares: the size it is set at, columns, rules."""

    size: float
    leading: float
    widths: list[float]
    """Column widths, padding included."""
    pad_x: float
    pad_y: float
    outer: float
    inner: float
    grid: bool
    color: str
    frame_height: float
    caption: CJKParagraph | None
    caption_gap: float
    space_before: float
    space_after: float

    @property
    def width(self) -> float:
        return sum(self.widths)

    def text_width(self, column: int) -> float:
        return self.widths[column] - 2 * self.pad_x + _SLACK


class _Row:
    """One row's cell paragraphs (None for an empty cell), wrapped to their columns."""

    def __init__(self, cells: list[CJKParagraph | None], grid: _Grid, header: bool = False):
        self.cells = cells
        self.header = header
        self.height = 2 * grid.pad_y + max(
            [grid.leading] + [cell.wrap(grid.text_width(j), 1e9)[1] for j, cell in enumerate(cells) if cell])

    def lines(self, grid: _Grid) -> int:
        return round((self.height - 2 * grid.pad_y) / grid.leading)

    def split(self, grid: _Grid, room: float) -> tuple[_Row, _Row] | None:
        """This row's first lines that fit in ``room`` (padding included) and the rest."""
        text_room = room - 2 * grid.pad_y
        if text_room < grid.leading - EPSILON:
            return None
        heads: list[CJKParagraph | None] = []
        tails: list[CJKParagraph | None] = []
        for j, cell in enumerate(self.cells):
            if cell is None:
                heads.append(None)
                tails.append(None)
                continue
            parts = cell.split(grid.text_width(j), text_room)
            heads.append(parts[0] if parts else None)
            tails.append(parts[1] if len(parts) > 1 else (cell if not parts else None))
        if not any(heads) or not any(tails):
            return None
        return _Row(heads, grid, self.header), _Row(tails, grid, self.header)


class _TablePart(Flowable):
    """The rows of a table that go on one page (all of them, until ``split``)."""

    def __init__(self, grid: _Grid | None = None, head: _Row | None = None, rows: list[_Row] | None = None,
                 *, first: bool = True, last: bool = True):
        super().__init__()
        self.grid = grid
        self.head = head
        """The header row drawn at the top of this part (repeated on every page)."""
        self.rows = rows or []
        self.first = first
        self.last = last

    def _fixed_height(self, with_caption: bool) -> float:
        grid = self.grid
        height = 2 * grid.outer
        if self.head is not None:
            height += self.head.height + (grid.inner if self.rows else 0.0)
        if with_caption and grid.caption is not None:
            height += grid.caption.height + grid.caption_gap
        return height

    def _gap_after(self, row: _Row) -> float:
        """The rule between ``row`` and the next: under a header row, or a grid's."""
        return self.grid.inner if row.header or self.grid.grid else 0.0

    def _rows_height(self, rows: list[_Row]) -> float:
        return sum(row.height for row in rows) + sum(self._gap_after(row) for row in rows[:-1])

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self._fixed_height(self.first) + self._rows_height(self.rows)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.grid.space_before if self.first else 0.0

    def getSpaceAfter(self):
        return self.grid.space_after if self.last else 0.0

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        grid = self.grid
        room = avail_height - self._fixed_height(self.first)
        fresh = avail_height >= grid.frame_height - 1.0
        page_room = grid.frame_height - self._fixed_height(False)
        taken: list[_Row] = []
        rest: list[_Row] = []
        used = 0.0
        for i, row in enumerate(self.rows):
            extra = self._gap_after(taken[-1]) if taken else 0.0
            if used + extra + row.height <= room + EPSILON:
                taken.append(row)
                used += extra + row.height
                continue
            keep = row.height <= min(page_room, ROW_SHARE * grid.frame_height) + EPSILON
            if keep and (taken or not fresh):
                rest = self.rows[i:]  # it goes whole to the next page
                break
            halves = row.split(grid, room - used - extra)
            if halves is not None and halves[1].lines(grid) == 1 and halves[0].lines(grid) > 2:
                halves = row.split(grid, room - used - extra - grid.leading)  # no lone line over the page
            if halves is None or (not fresh and halves[0].height < 2 * grid.leading + 2 * grid.pad_y - EPSILON):
                rest = self.rows[i:]
                break
            taken.append(halves[0])
            rest = [halves[1]] + self.rows[i + 1:]
            break
        if not rest:
            return [self] if self.height <= avail_height + EPSILON else []
        if not taken:
            return []
        repeat = self.head if self.head is not None else None
        return [_TablePart(grid, self.head, taken, first=self.first, last=False),
                _TablePart(grid, repeat, rest, first=False, last=self.last)]

    def draw(self):
        grid = self.grid
        canvas = self.canv
        x0 = (self.width - grid.width) / 2
        y = self.height
        if self.first and grid.caption is not None:
            y -= grid.caption.height
            grid.caption.drawOn(canvas, 0, y)
            y -= grid.caption_gap
        top = y
        canvas._code.append(f"/{MARK} BMC")
        canvas.saveState()
        set_stroke(canvas, grid.color)
        self._rule(x0, y, grid.outer)
        y -= grid.outer
        rows = ([self.head] if self.head is not None else []) + self.rows
        for index, row in enumerate(rows):
            x = x0
            for j, cell in enumerate(row.cells):
                if cell is not None:
                    cell.mark = MARK
                    drop = (row.height - 2 * grid.pad_y - cell.height) / 2 if row.header else 0.0
                    cell.drawOn(canvas, x + grid.pad_x, y - grid.pad_y - drop - cell.height)
                x += grid.widths[j]
            y -= row.height
            if index < len(rows) - 1:
                self._rule(x0, y, self._gap_after(row))
                y -= self._gap_after(row)
        self._rule(x0, y, grid.outer)
        bottom = y - grid.outer
        if grid.grid:
            x = x0
            for j, width in enumerate(grid.widths[:-1]):
                x += width
                canvas.setLineWidth(grid.inner)
                canvas.line(x, bottom, x, top)
            canvas.setLineWidth(grid.outer)
            canvas.line(x0 + grid.outer / 2, bottom, x0 + grid.outer / 2, top)
            canvas.line(x0 + grid.width - grid.outer / 2, bottom, x0 + grid.width - grid.outer / 2, top)
        canvas.restoreState()
        canvas._code.append("EMC")

    def _rule(self, x0: float, y: float, width: float) -> None:
        """A horizontal rule ``width`` thick across the table, its top edge at ``y``."""
        if width <= 0:
            return
        canvas = self.canv
        canvas.setLineWidth(width)
        middle = y - width / 2
        canvas.line(x0, middle, x0 + self.grid.width, middle)


class TableFlowable(_TablePart):
    """A whole table: measures its cells and fits its columns to the frame (``fit``)."""

    def __init__(self, typesetter: Typesetter, block: model.Table, frame_height: float):
        super().__init__()
        self.typesetter = typesetter
        self.block = block
        self.frame_height = frame_height
        self.align = column_alignment(block, typesetter.text_style("table").align)
        self._fitted_width: float | None = None

    # -- cells at a size ---------------------------------------------------------------

    def _cells(self, runs: model.Runs, column: int, size: float, header: bool) -> _Cell | None:
        ts = self.typesetter
        text = ts.text_style("table")
        nominal = text.size.pt()
        face_regular = text.font
        face_bold = text.bold_font or text.font
        face_header = ts.style.table.header_font or face_bold
        color = ts.style.color(text.color)
        link = ts.style.color("link")
        pieces = []
        for run in runs:
            face = face_header if header else (face_bold if run.bold else face_regular)
            for font_name, chunk in ts.fonts.split_by_face(run.text, face):
                pieces.append(Piece(chunk, font_name, size, link if run.href else color, run.href))
        if not any(piece.text.strip() for piece in pieces):
            return None
        base = ts.paragraph_style("table", firstLineIndent=0, spaceBefore=0, spaceAfter=0, leftIndent=0,
                                  rightIndent=0)
        scale = size / nominal
        style = replace(base, font_size=size, leading=base.leading * scale, han_latin_gap=base.han_latin_gap * scale,
                        max_stretch=base.max_stretch * scale, widows=1, orphans=1,
                        alignment="right" if self.align[column] == "decimal" else self.align[column])
        items = Items(pieces, style)
        bind_numbers(items)
        return _Cell(items, style)

    def _rows_at(self, size: float) -> tuple[list[_Cell | None] | None, list[list[_Cell | None]]]:
        columns = len(self.align)

        def cells(row: tuple[model.Runs, ...], header: bool) -> list[_Cell | None]:
            return [self._cells(row[j] if j < len(row) else (), j, size, header) for j in range(columns)]

        head = cells(self.block.header, True) if self.block.header else None
        rows = [cells(row, False) for row in self.block.rows]
        for j, align in enumerate(self.align):
            if align == "decimal":
                column = [row[j] for row in rows if row[j] is not None]
                tails = [decimal_tail(cell.items) for cell in column]
                for cell, tail in zip(column, tails):
                    cell.style = replace(cell.style, right_indent=max(tails) - tail)
        return head, rows

    # -- fitting ---------------------------------------------------------------------------

    def _sizes(self) -> list[float]:
        ts = self.typesetter
        nominal = ts.size("table")
        smallest = min(ts.style.table.min_size.pt(nominal), nominal)
        sizes = []
        size = nominal
        while size > smallest + EPSILON:
            sizes.append(size)
            size -= SIZE_STEP
        return sizes + [smallest]

    def fit(self, avail_width: float) -> None:
        """Choose the size and column widths for a frame ``avail_width`` wide, or refuse."""
        if self._fitted_width == avail_width:
            return
        ts = self.typesetter
        table_style = ts.style.table
        nominal = ts.size("table")
        # Widths grow in proportion to the size (advances, gaps and em paddings all do): measure
        # once at the nominal size, then set the cells again only at the size chosen.
        head, rows = self._rows_at(nominal)
        every = ([head] if head else []) + rows
        max_text = self._widths(every, max_content)
        # Never narrower than two characters where the content is wider: a column one character
        # wide stacks words (碳/达/峰), what check's table-cells row fails.
        min_text = [max(lo, min(hi, MIN_COLUMN_EMS * nominal))
                    for lo, hi in zip(self._widths(every, min_content), max_text)]
        # What a column would like when not everything fits: its data on one line, its header
        # on one line if short, else on two (a long header wraps before the data does).
        body_max = self._widths(rows, max_content)
        head_max = self._widths([head] if head else [], max_content)
        wrap = HEADER_WRAP * nominal
        pref_text = [max(b, lo, h if h <= wrap else max(wrap, h / 2))
                     for b, lo, h in zip(body_max, min_text, head_max)]
        short = all(m <= SHORT_CELLS * nominal for m in max_text)
        chosen = fitting = None
        for size in self._sizes():
            pad_x = table_style.padding_x.pt(size)
            mins = [m * size / nominal + 2 * pad_x for m in min_text]
            maxs = [m * size / nominal + 2 * pad_x for m in max_text]
            setting = (size, pad_x, mins, maxs, [m * size / nominal + 2 * pad_x for m in pref_text])
            if sum(maxs) <= avail_width + EPSILON:
                chosen = setting  # no cell wraps
                break
            if fitting is None and sum(mins) <= avail_width + EPSILON:
                fitting = setting
            if fitting is not None and not short:
                break
        if chosen is None and fitting is None:
            raise self._too_wide(avail_width, size, mins, every)
        if chosen is None or (fitting is not None and not short and fitting[0] > chosen[0]):
            chosen = fitting
        size, pad_x, mins, maxs, prefs = chosen
        if size != nominal:
            head, rows = self._rows_at(size)
        widths = distribute(mins, maxs, avail_width, table_style.width == "full", prefs)
        caption = None
        if self.block.caption:
            caption = ts.make_paragraph(self.block.caption, "caption", spaceBefore=0, spaceAfter=0,
                                        firstLineIndent=0)
            caption.wrap(avail_width, 1e9)
        leading = ts.text_style("table").leading.pt(nominal) * size / nominal
        grid = _Grid(size=size, leading=leading, widths=widths, pad_x=pad_x,
                     pad_y=table_style.padding_y.pt(size), outer=table_style.outer_rule.pt(size),
                     inner=table_style.inner_rule.pt(size), grid=table_style.rules == "grid",
                     color=ts.style.color(table_style.rule_color), frame_height=self.frame_height,
                     caption=caption, caption_gap=table_style.caption_gap.pt(size),
                     space_before=table_style.space_before.pt(size), space_after=table_style.space_after.pt(size))

        def row_of(cells: list[_Cell | None], header: bool) -> _Row:
            return _Row([cell.paragraph(grid.text_width(j)) if cell else None for j, cell in enumerate(cells)],
                        grid, header)

        self.grid = grid
        self.head = row_of(head, True) if head else None
        self.rows = [row_of(cells, False) for cells in rows]
        if self.head is not None and (not self.rows or self.head.height > HEADER_SHARE * self.frame_height):
            self.rows.insert(0, self.head)  # alone, or too tall to repeat: an ordinary first row
            self.head = None
        self._fitted_width = avail_width

    def _widths(self, every: list[list[_Cell | None]], content) -> list[float]:
        """Per column, the widest ``content`` (min_content or max_content) of its cells."""
        return [max([content(row[j].items) + row[j].style.right_indent for row in every if row[j]] + [0.0])
                for j in range(len(self.align))]

    def _too_wide(self, avail_width: float, size: float, mins: list[float],
                  every: list[list[_Cell | None]]) -> InputError:
        column = max(range(len(mins)), key=mins.__getitem__)
        cells = [row[column] for row in every if row[column]]
        word = widest_word(max(cells, key=lambda cell: min_content(cell.items)).items) if cells else ""
        if len(word) > 30:
            word = word[:30] + "…"
        count = len(self.align)
        message = (f"table has {count} column{'s' if count > 1 else ''}, too wide for the "
                   f"{avail_width * 25.4 / 72:.0f} mm text frame even at {size:g} pt (its unbreakable words "
                   f"need {sum(mins) * 25.4 / 72:.0f} mm; the widest, in column {column + 1}, is '{word}'); "
                   "split it into narrower tables, or shorten the widest cells")
        return InputError([Problem(self.block.location, message, self.block.key_path)])

    def wrap(self, avail_width, avail_height):
        self.fit(avail_width)
        return super().wrap(avail_width, avail_height)

    def split(self, avail_width, avail_height):
        self.fit(avail_width)
        return super().split(avail_width, avail_height)
