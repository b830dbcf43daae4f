"""Bold and italic next to Chinese text: the CommonMark CJK-friendly amendment's delimiter rule.

CommonMark does not close ``**`` that follows punctuation and precedes a letter, so the
natural Chinese lead-in ``**记者：**报告…`` prints its asterisks. The amendment
(https://github.com/tats-u/markdown-cjk-friendly, ``specification.md``; CommonMark spec
issue 650) changes only which delimiter runs are left- and right-flanking:

* left-flanking: not followed by whitespace, and either not followed by a *non-CJK*
  punctuation character, or preceded by whitespace, a non-CJK punctuation character, a
  CJK character or an ideographic variation selector;
* right-flanking: not preceded by whitespace, and either not preceded by a non-CJK
  punctuation character, or followed by whitespace, a non-CJK punctuation character or a
  CJK character;
* ``_``/``__`` may also open when both flanking and preceded by any punctuation.

A CJK character is one whose East Asian Width is W, F or H (full-width marks included);
a standard variation selector after it is skipped. Without CJK characters around a
delimiter the rule is exactly CommonMark's.

``use_cjk_emphasis(md)`` replaces markdown-it-py's ``emphasis`` tokenizer on that parser
only. (The ``mdit-py-cjk-friendly`` package does the same by monkey-patching
``StateInline.scanDelims`` for every parser in the process at import, with a simplified
rule of its own; we do not depend on it.)
"""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, StateInline


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (unicodedata.east_asian_width(char) in "WFH" and not 0x1F000 <= code <= 0x1FAFF) or (
        0x1100 <= code <= 0x11FF or 0xAC00 <= code <= 0xD7AF)  # Hangul


def _punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _before(src: str, start: int) -> tuple[str, bool]:
    """The character before ``start`` (variation selectors skipped) and whether it is an IVS."""
    pos = start - 1
    if pos >= 0 and 0xE0100 <= ord(src[pos]) <= 0xE01EF:
        return src[pos], True
    if pos >= 1 and 0xFE00 <= ord(src[pos]) <= 0xFE0E:
        pos -= 1
    return (src[pos] if pos >= 0 else " "), False


def scan_delims(state: StateInline, start: int, can_split_word: bool) -> tuple[bool, bool, int]:
    """(can_open, can_close, length) of the delimiter run at ``start``, amended for CJK."""
    src, pos = state.src, start
    marker = src[start]
    while pos < state.posMax and src[pos] == marker:
        pos += 1
    last, last_ivs = _before(src, start)
    following = src[pos] if pos < state.posMax else " "
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
    last_punct, next_punct = _punct(last), _punct(following)
    last_cjk, next_cjk = is_cjk(last) or last_ivs, is_cjk(following)
    last_other_punct = last_punct and not is_cjk(last)
    next_other_punct = next_punct and not next_cjk
    left = not next_space and (not next_other_punct or last_space or last_other_punct or last_cjk)
    right = not last_space and (not last_other_punct or next_space or next_other_punct or next_cjk)
    if can_split_word:
        return left, right, pos - start
    return left and (not right or last_punct), right and (not left or next_punct), pos - start


def _tokenize(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's ``emphasis.tokenize`` with ``scan_delims`` for ``scanDelims``."""
    marker = state.src[state.pos]
    if silent or marker not in "_*":
        return False
    can_open, can_close, length = scan_delims(state, state.pos, marker == "*")
    for _ in range(length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(Delimiter(marker=ord(marker), length=length, token=len(state.tokens) - 1,
                                          end=-1, open=can_open, close=can_close))
    state.pos += length
    return True


def use_cjk_emphasis(md: MarkdownIt) -> MarkdownIt:
    md.inline.ruler.at("emphasis", _tokenize)
    return md
