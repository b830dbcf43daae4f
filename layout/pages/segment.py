"""Heads and TOC entries: break only between words, in lines of balanced length.

Body text breaks between any two characters (clreq); a head or a TOC entry is read as
a phrase, and "指/南" or "碳/达峰" across lines reads badly. So their lines may start
only where a word starts, as the segmenter rjieba (jieba's dictionary and HMM, in Rust)
finds them, with the domain words of ``layout/data/words.txt`` added (碳达峰, 低碳 …).

rjieba, not jieba: both give the same words, but jieba's cold start (import and
dictionary load on the first cut) costs 0.8–1.2 s, where rjieba's costs 0.12–0.19 s.
It is imported on the first head not segmented before: the words of each head are kept in
``layout.cache``, so rebuilding an edition does not load the segmenter at all.

Balance: a multi-line head keeps the fewest lines the greedy breaker finds, then the
widest line is made as narrow as it can be without adding a line (a binary search on
the measure, as CSS ``text-wrap: balance``), so no short word is left alone on the last
line when a more even setting exists. Where no word boundary fits a line (one word
wider than the measure), the breaker's emergency break applies as for any text.
"""

from __future__ import annotations

from functools import cache as cache_in_process
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from layout import cache
from layout.model import Run
from layout.pages.cjk import CJKParagraph
from layout.pages.linebreak import EPSILON, Items, Line, break_lines
from layout.pages.typeset import Typesetter

_BALANCE_STEPS = 16
"""Binary-search steps for the balanced measure: 1/65536 of the measure, far below a point."""


@cache_in_process
def _segmenter():
    import rjieba  # noqa: PLC0415 - lazily: only heads not segmented before pay for it

    for line in _domain_words().splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#"):
            rjieba.add_word(fields[0], int(fields[1]) if len(fields) > 1 else None, None)
    return rjieba


def word_starts(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a word starts (0 included); kept in ``layout.cache``, so a head
    already seen is not segmented again (nor the segmenter loaded for it)."""
    where = cache.entry("words", _segmenter_version(), _domain_words(), text)
    starts = cache.load(where)
    if isinstance(starts, frozenset):
        return starts
    found, position = set(), 0
    for word in _segmenter().cut(text):
        found.add(position)
        position += len(word)
    cache.store(where, frozenset(found))
    return frozenset(found)


@cache_in_process
def _domain_words() -> str:
    return resources.files("layout").joinpath("data", "words.txt").read_text(encoding="utf-8")


@cache_in_process
def _segmenter_version() -> str:
    """What identifies the installed rjieba (its files' names, sizes and times), found without
    importing it: the import is what the cache saves."""
    spec = find_spec("rjieba")
    if spec is None or not spec.submodule_search_locations:
        return "not installed"
    folder = Path(next(iter(spec.submodule_search_locations)))
    return repr(sorted((path.name, path.stat().st_size, path.stat().st_mtime_ns)
                       for path in folder.iterdir() if path.is_file()))


def balanced_lines(text: Items, lo: int, hi: int, first_width: float, width: float, style) -> list[Line]:
    """The fewest lines, with the widest as narrow as it can be without adding a line."""
    lines = break_lines(text, lo, hi, first_width, width, True, style)
    if len(lines) < 2 or not all(_fits(line, first_width if i == 0 else width) for i, line in enumerate(lines)):
        return lines
    best, low, high = lines, 0.0, min(first_width, width)
    for _ in range(_BALANCE_STEPS):
        cut = (low + high) / 2
        trial = break_lines(text, lo, hi, first_width - cut, width - cut, True, style)
        if len(trial) == len(lines) and all(_fits(line, (first_width if i == 0 else width) - cut)
                                             for i, line in enumerate(trial)):
            best, low = trial, cut
        else:
            high = cut
    return best


def _fits(line: Line, avail: float) -> bool:
    return line.width - line.shrinkable <= avail + EPSILON


class HeadParagraph(CJKParagraph):
    """A head or TOC title: breaks at word starts only, lines balanced (see the module)."""

    def wrap(self, avail_width, avail_height):
        if self._laid_width != avail_width:
            avail = self._avail(avail_width)
            lo, hi = self._range
            self._lines = balanced_lines(self._text, lo, hi, avail - self._first_indent(), avail, self.style)
            self._laid_width = avail_width
        self.width = avail_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height


def head_paragraph(typesetter: Typesetter, text: str, role: str, **overrides: float) -> HeadParagraph:
    """``text`` in ``role`` as a head: word breaks and balanced lines."""
    pieces = typesetter.pieces((Run(text),), role)
    style = typesetter.paragraph_style(role, **overrides)
    breaks = word_starts("".join(piece.text for piece in pieces))
    return HeadParagraph(pieces, style, _text=Items(pieces, style, breaks))
