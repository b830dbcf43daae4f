"""Overprinting: text drawn over other text, or off the paper, measured on the glyphs.

Each glyph is given its em box: its advance across (pdfplumber's x0–x1) and, up and down,
from ``ASCENT`` of its size above its baseline to ``DESCENT`` below it (the ideographic em
box, which every Han glyph and Latin letter stays inside). Font bounding boxes are not
used: they are taller than the leading of well-set text and would find overlaps that ink
never makes. Glyphs are grouped into lines by baseline (the text matrix's y). Found:

* two lines whose em boxes overlap, both across and up and down, by more than
  ``TOLERANCE`` (lines set too close, a block drawn over another);
* two glyphs of one line, neither of them punctuation, overlapping across by more than
  ``SAME_LINE_OVERLAP`` of an em (lines set with no leading land on one baseline;
  punctuation is exempt because compressed marks legitimately share their em);
* a glyph whose em box leaves the paper.

Used by ``briefing check`` (layout/check.py) on every page, cover and footers included.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.glyphrows import baseline_of, by_baseline

ASCENT = 0.88
DESCENT = 0.12
TOLERANCE = 0.5
"""Points."""
SAME_LINE_OVERLAP = 0.3
"""Ems."""
_PUNCTUATION_BLOCKS = ((0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2000, 0x206F))


@dataclass(frozen=True)
class _Box:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    return not char.isalnum() or any(low <= code <= high for low, high in _PUNCTUATION_BLOCKS)


def _lines(chars: list[dict], height: float) -> list[list[_Box]]:
    boxes = []
    for char in chars:
        if char["text"].isspace():
            continue
        baseline = baseline_of(char, height)
        size = float(char["size"])
        boxes.append((baseline, _Box(char["text"], float(char["x0"]), float(char["x1"]),
                                     baseline - ASCENT * size, baseline + DESCENT * size, size)))
    return [sorted((box for _, box in line), key=lambda b: b.x0) for line in by_baseline(boxes)]


def _text(line: list[_Box]) -> str:
    return "".join(box.text for box in line)[:24]


def find_overprints(chars: list[dict], width: float, height: float) -> list[str]:
    """What overprints on one page (pdfplumber ``chars``, the page's width and height in pt)."""
    found: list[str] = []
    lines = _lines(chars, height)
    for line in lines:
        for box in line:
            beyond = max(-box.x0, box.x1 - width, -box.top, box.bottom - height)
            if beyond > TOLERANCE:
                found.append(f"{_text(line)!r} runs {beyond:.1f} pt off the paper")
                break
        for a, b in zip(line, line[1:]):
            overlap = min(a.x1, b.x1) - b.x0
            if (overlap > SAME_LINE_OVERLAP * min(a.size, b.size) and not _is_punctuation(a.text)
                    and not _is_punctuation(b.text)):
                found.append(f"{_text(line)!r}: {a.text} and {b.text} drawn over each other")
                break
    baselines = [line[0].bottom - DESCENT * line[0].size for line in lines]
    reach = ASCENT * max((box.size for line in lines for box in line), default=0.0)
    for index, upper in enumerate(lines):
        upper_bottom = max(box.bottom for box in upper)
        for lower, baseline in zip(lines[index + 1:], baselines[index + 1:]):
            if baseline - reach >= upper_bottom:  # this line and every one below start lower down
                break
            if min(box.top for box in lower) >= upper_bottom - TOLERANCE:
                continue
            hit = _overlap(upper, lower)
            if hit:
                found.append(f"{_text(upper)!r} and {_text(lower)!r} overprint ({hit})")
    return found


def _overlap(upper: list[_Box], lower: list[_Box]) -> str | None:
    """The first pair of glyphs of two lines whose em boxes overlap both ways, or None."""
    j = 0
    for a in upper:
        while j < len(lower) and lower[j].x1 <= a.x0 + TOLERANCE:
            j += 1
        k = j
        while k < len(lower) and lower[k].x0 < a.x1 - TOLERANCE:
            b = lower[k]
            if min(a.bottom, b.bottom) - max(a.top, b.top) > TOLERANCE:
                return f"{a.text} over {b.text}"
            k += 1
    return None
