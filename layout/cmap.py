"""ToUnicode CMaps that survive the tools a PDF meets after us.

ReportLab embeds each TrueType subset as a simple font of up to 256 glyphs and gives
it a ToUnicode CMap written as one ``beginbfchar`` block of 256 entries. Adobe's CMap
specification (Technical Note #5099 and #5014) limits a block to 100 entries; viewers
are lenient, but Ghostscript's ``pdfwrite`` — run by print shops and archive
migrations — drops such a map and with it the text layer: 24,020 extractable Han
characters of the reference edition became 13.

Every face of an edition is one Type0 font whose CMap ``make_cid_to_unicode_cmap`` writes
(``layout.cidfonts``). ``make_to_unicode_cmap`` writes a simple subset's mapping the same
way, in blocks of at most 100 entries, with code points outside the BMP as UTF-16
surrogate pairs, as the specification says; ``install`` puts it in ReportLab's place for
the one simple font left, the visible signature's stamp (``layout.sign``).
"""

from __future__ import annotations

from collections.abc import Sequence

import reportlab.pdfbase.ttfonts as ttfonts

BLOCK = 100
"""Entries per ``beginbfchar`` block: the limit of Adobe's CMap specification."""


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """The ToUnicode CMap of a simple-font subset: code ``i`` (one byte) → Unicode ``subset[i]``."""
    entries = [f"<{code:02X}> <{_utf16_hex(value)}>" for code, value in enumerate(subset)]
    return _cmap(fontname, f"<00> <{len(subset) - 1:02X}>", entries)


def make_cid_to_unicode_cmap(fontname: str, chars: Sequence[int]) -> str:
    """The ToUnicode CMap of a Type0 font (``layout.cidfonts``): CID ``i + 1`` (two bytes) →
    Unicode ``chars[i]``."""
    entries = [f"<{cid:04X}> <{_utf16_hex(value)}>" for cid, value in enumerate(chars, start=1)]
    return _cmap(fontname, "<0000> <FFFF>", entries)


def _cmap(fontname: str, codespace: str, entries: list[str]) -> str:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        codespace,
        "endcodespacerange",
    ]
    for start in range(0, len(entries), BLOCK):
        block = entries[start:start + BLOCK]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def install() -> None:
    """Make ReportLab write our CMaps (idempotent)."""
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
