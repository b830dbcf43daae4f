"""Column measures for tables (``layout.pages.table``): which columns hold numbers, where a
cell may not break, min- and max-content widths, and how a frame's width is shared out.

Widths are measured on the line breaker's own items (``layout.pages.linebreak``), so a
column is never narrower than what the breaker can actually set in it.
"""

from __future__ import annotations

import re

from layout import model
from layout.pages.linebreak import EPSILON, Items, measure

UNITS = "万亿千百十兆吨元角厘毫米克升瓦焦度个只件台套辆架艘座栋户家人名位次项条倍成年月日时秒周岁期届份张册篇页里斤亩顷方伏安帕"
"""Han characters that, right after a number, are its unit (or magnitude): ``3.2亿吨``,
``12万千瓦``, ``2021年``. Like the punctuation classes of ``linebreak``, a property of
the script, not wording."""
_NUMBER = r"[+\-−±]?[¥$€£]?\d(?:[\d,]*\d)?(?:\.\d+)?"
_UNIT = rf"(?:[%‰℃]|[A-Za-z]{{1,4}}(?:/[A-Za-z]{{1,4}})?|[{UNITS}]{{1,4}}(?:/[{UNITS}]{{1,2}})?)"
_QUANTITY = rf"{_NUMBER}{_UNIT}?"
_NUMERIC_CELL = re.compile(rf"{_QUANTITY}(?:\s*(?:[-–—~～至]|——)\s*{_QUANTITY})?")
_QUANTITY_CELL = re.compile(_QUANTITY)
_INTEGER_PART = re.compile(r"[+\-−±]?[¥$€£]?\d(?:[\d,]*\d)?")
_BOUND = re.compile(rf"{_NUMBER}(?:[%‰℃]|[{UNITS}]{{1,4}}|[\u3400-\u9fff])")
"""A number with its unit (or the one Han character after it): kept on one line in a cell."""
_PLACEHOLDER = frozenset({"", "-", "–", "—", "——", "/", "…", "……", "×", "N/A", "n/a"})
"""Cells that say "no value": they do not make a column textual."""


def is_numeric(text: str) -> bool:
    return bool(_NUMERIC_CELL.fullmatch(text.strip()))


def column_alignment(block: model.Table, text_align: str = "left") -> list[str]:
    """left, center, right or justify per column: what the Markdown asks, else right for
    numbers (``decimal`` where each is one quantity, ``3.27`` or ``12亿吨``: right-aligned on
    the decimal point) and ``text_align`` (``text.table.align``) for the rest."""
    columns = max([len(block.header)] + [len(row) for row in block.rows])
    out = []
    for j in range(columns):
        asked = block.align[j] if j < len(block.align) else None
        if asked in ("left", "center", "right"):
            out.append(asked)
            continue
        texts = ["".join(run.text for run in row[j]).strip() for row in block.rows if j < len(row)]
        values = [text for text in texts if text not in _PLACEHOLDER]
        if values and all(_QUANTITY_CELL.fullmatch(text) for text in values):
            out.append("decimal")
        else:
            out.append("right" if values and all(is_numeric(text) for text in values) else text_align)
    return out


def decimal_tail(items: Items) -> float:
    """Width of a quantity after its integer part (``.27``, ``.2亿吨``, ``%``; 0 for ``100``):
    cells of a ``decimal`` column are indented from the right by the longest tail less theirs."""
    integer = _INTEGER_PART.match("".join(items.ch))
    if integer is None or not items.n:
        return 0.0
    return measure(items, 0, items.n - 1)[0] - measure(items, 0, integer.end() - 1)[0]


def bind_numbers(items: Items) -> None:
    """No line break inside a number and its unit (``3.2亿吨`` never stacks)."""
    text = "".join(items.ch)
    for match in _BOUND.finditer(text):
        for k in range(match.start(), match.end() - 1):
            if not items.hard[k]:
                items.brk[k] = False


def _widest_piece(items: Items, cut: list[bool]) -> float:
    """Width of the widest stretch of ``items`` between two items where ``cut`` is true."""
    widest = 0.0
    start = 0
    for k in range(items.n):
        if cut[k] or k == items.n - 1:
            widest = max(widest, measure(items, start, k)[0])
            start = k + 1
    return widest


def min_content(items: Items) -> float:
    """Width of the widest piece of ``items`` that cannot be broken."""
    return _widest_piece(items, items.brk)


def max_content(items: Items) -> float:
    """Width of ``items`` set on one line (per hard line: the widest)."""
    return _widest_piece(items, items.hard)


def widest_word(items: Items) -> str:
    """The text of the widest unbreakable piece, for error messages."""
    best, text, start = -1.0, "", 0
    for k in range(items.n):
        if items.brk[k] or k == items.n - 1:
            width = measure(items, start, k)[0]
            if width > best:
                best, text = width, "".join(items.ch[start:k + 1])
            start = k + 1
    return text


def distribute(mins: list[float], maxs: list[float], width: float, full: bool,
               prefs: list[float] | None = None) -> list[float]:
    """Column widths from min- and max-content widths (see ``layout.pages.table``).

    ``prefs`` (between the two) is what a column asks for when not everything fits: its
    data on one line, its header wrapped. When those fit, each column gets its ``pref``
    and the rest goes to the columns whose headers still wrap, in proportion to what
    they lack. Otherwise, a column whose ``pref`` is within the fair share of what is left
    (``room / columns``) is set at it first, so short columns (a name, a number) never
    wrap; this repeats while it frees more room. The other columns share the rest by the
    CSS rule: each its minimum plus room in proportion to how much more it wants.
    """
    if prefs is not None and sum(maxs) > width + EPSILON:
        if sum(prefs) <= width + EPSILON:
            lack = [hi - pref for hi, pref in zip(maxs, prefs)]
            room = width - sum(prefs)
            return [pref + room * need / sum(lack) for pref, need in zip(prefs, lack)]
        maxs = prefs
    high = sum(maxs)
    if high <= width + EPSILON:
        if not full or high <= 0:
            return list(maxs)
        return [m * width / high for m in maxs]
    fixed: set[int] = set()
    while True:
        free = [j for j in range(len(mins)) if j not in fixed]
        room = width - sum(maxs[j] for j in fixed)
        narrow = {j for j in free if maxs[j] <= room / len(free)}
        rest = [j for j in free if j not in narrow]
        if not narrow or not rest or sum(mins[j] for j in rest) > room - sum(maxs[j] for j in narrow) + EPSILON:
            break
        fixed |= narrow
    free = [j for j in range(len(mins)) if j not in fixed]
    room = width - sum(maxs[j] for j in fixed) - sum(mins[j] for j in free)
    wants = {j: maxs[j] - mins[j] for j in free}
    total = sum(wants.values()) or 1.0
    return [maxs[j] if j in fixed else mins[j] + room * wants[j] / total for j in range(len(mins))]
