"""TrueType faces embedded as Type0 fonts: one font per face, two-byte codes.

ReportLab embeds a TrueType face as simple fonts of at most 256 glyphs each. A Chinese
edition draws some 2,000 distinct characters, so its lines switch among eight subsets
every few characters: a page of the reference carried about 530 ``Tf`` operators, and
nearly every glyph its own ``Td`` and string. That is most of the time of drawing a page,
of writing its content stream, and of reading it back (``briefing check``, any extractor).

``CIDFont`` keeps ReportLab's metrics, its layout of text and its subsetting of the font
program (``TTFontFile.makeSubset``); it changes the encoding and the objects written. Each
face is one Type0 font with the Identity-H encoding (two bytes a glyph) over a
CIDFontType2 whose CIDs are the subset's glyph indices (``/CIDToGIDMap /Identity``): CID
``n`` is the ``n``-th distinct glyph the document drew, so the subset ReportLab cuts from
the characters in CID order has glyph ``n`` at index ``n``. The CIDFont has the widths
(``/W``) ReportLab measures with, a ``/CIDSet`` (PDF/A-1 requires one of every CIDFont
subset), and a ToUnicode CMap in blocks of at most 100 entries (``layout.cmap``).
"""

from __future__ import annotations

import hashlib
import struct
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont

from layout.cmap import make_cid_to_unicode_cmap

NBSP = 0xA0


class _Drawn:
    """What one document has drawn with a face: its CIDs, and the font's name there."""

    def __init__(self):
        self.cid_of: dict[int, int] = {}
        """Unicode code point → CID (0 for a character the face lacks: .notdef)."""
        self.cid_of_glyph: dict[int, int] = {}
        self.chars: list[int] = []
        """The first character drawn with each glyph, in CID order (CID = index + 1)."""
        self.internal_name: str | None = None
        self.frozen = False


class CIDFont(TTFont):
    """A ReportLab ``TTFont`` written as one Type0 font (see the module's docstring)."""

    code_bytes = 2
    """Bytes a glyph takes in a string drawn with this font."""

    def __init__(self, name, filename, validate=0, subfontIndex=0):
        super().__init__(name, filename, validate=validate, subfontIndex=subfontIndex, shapable=False)
        self.state: WeakKeyDictionary = WeakKeyDictionary()
        """Per document: what it has drawn (``_Drawn``)."""

    def _drawn(self, doc) -> _Drawn:
        drawn = self.state.get(doc)
        if drawn is None:
            drawn = self.state[doc] = _Drawn()
        return drawn

    def splitString(self, text, doc, encoding="utf-8"):
        """``text`` as one run of two-byte CIDs (ReportLab's interface: [(subset, bytes)])."""
        if not isinstance(text, str):
            text = text.decode("utf-8")
        drawn = self._drawn(doc)
        cid_of = drawn.cid_of
        codes = bytearray()
        for code in map(ord, text):
            cid = cid_of.get(code)
            if cid is None:
                cid = self._assign(drawn, code)
            codes.append(cid >> 8)
            codes.append(cid & 0xFF)
        return [(0, bytes(codes))]

    def _assign(self, drawn: _Drawn, code: int) -> int:
        glyph = self.face.charToGlyph.get(32 if code == NBSP else code, 0)
        if glyph == 0:
            cid = 0
        elif glyph in drawn.cid_of_glyph:
            cid = drawn.cid_of_glyph[glyph]
        else:
            if drawn.frozen:
                raise pdfdoc.PDFError(f"font {self.fontName} is already written; cannot add U+{code:04X}")
            drawn.chars.append(32 if code == NBSP else code)
            cid = drawn.cid_of_glyph[glyph] = len(drawn.chars)
        drawn.cid_of[code] = cid
        return cid

    def getSubsetInternalName(self, subset, doc):
        drawn = self._drawn(doc)
        if drawn.internal_name is None:
            drawn.internal_name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + drawn.internal_name
            doc.delayedFonts.append(self)
        return "/" + drawn.internal_name

    def addObjects(self, doc):
        """The Type0 font, its CIDFontType2, descriptor, font program, CIDSet and ToUnicode."""
        drawn = self._drawn(doc)
        drawn.frozen = True
        face = self.face
        chars = drawn.chars
        base = f"{_tag(face.name, chars)}+{(face.name + face.subfontNameX).decode('pdfdoc')}"

        program = pdfdoc.PDFStream()
        program.content = _with_bbox(face.makeSubset(chars), _glyph_bbox(face, chars))
        program.dictionary["Length1"] = len(program.content)
        cid_set = pdfdoc.PDFStream()
        cid_set.content = _cid_set(len(chars))
        to_unicode = pdfdoc.PDFStream()
        to_unicode.content = make_cid_to_unicode_cmap(base, chars)
        if doc.compression:
            for stream in (program, cid_set, to_unicode):
                stream.filters = [pdfdoc.PDFZCompress]
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor", "FontName": pdfdoc.PDFName(base),
            "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
            "FontBBox": pdfdoc.PDFArray(face.bbox), "ItalicAngle": face.italicAngle,
            "Ascent": face.ascent, "Descent": face.descent, "CapHeight": face.capHeight,
            "StemV": face.stemV, "MissingWidth": face.defaultWidth,
            "FontFile2": doc.Reference(program, f"fontFile:{face.filename}({drawn.internal_name})"),
            "CIDSet": doc.Reference(cid_set, f"cidSet:{base}"),
        })
        widths = [face.getCharWidth(code) for code in chars]
        cid_font = pdfdoc.PDFDictionary({
            "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({"Registry": pdfdoc.PDFString("Adobe"),
                                                   "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}),
            "FontDescriptor": doc.Reference(descriptor, f"fontDescriptor:{base}"),
            "DW": face.defaultWidth,
            "W": pdfdoc.PDFArray([1, pdfdoc.PDFArray(widths)] if widths else []),
            "CIDToGIDMap": "/Identity",
        })
        font = pdfdoc.PDFDictionary({
            "Type": "/Font", "Subtype": "/Type0", "BaseFont": pdfdoc.PDFName(base),
            "Encoding": "/Identity-H",
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"cidFont:{base}")]),
            "ToUnicode": doc.Reference(to_unicode, f"toUnicodeCMap:{base}"),
        })
        # Indirect, as ReportLab's own fonts: each page's resources refer to the one object.
        doc.idToObject["BasicFonts"].dict[drawn.internal_name] = doc.Reference(font, drawn.internal_name)
        del self.state[doc]


def _tag(name: bytes, chars: list[int]) -> str:
    """The six capitals before a subset's name, from what it holds: the same subset, the same tag."""
    digest = hashlib.sha256(name + ",".join(map(str, chars)).encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _cid_set(count: int) -> bytes:
    """The CIDSet bit string of CIDs 0 to ``count`` (high bit first)."""
    bits = bytearray((count + 1 + 7) // 8)
    for cid in range(count + 1):
        bits[cid >> 3] |= 0x80 >> (cid & 7)
    return bytes(bits)


def _glyph_bbox(face, chars: list[int]) -> tuple[int, int, int, int] | None:
    """The union of the bounding boxes of the glyphs of ``chars`` (font units), from each glyph's
    header in the font's ``glyf`` table; None if none has an outline."""
    start, _ = face.get_table_pos("glyf")
    data, positions = face._ttf_data, face.glyphPos
    boxes = []
    for code in chars:
        glyph = face.charToGlyph[code]
        offset = start + positions[glyph]
        if positions[glyph + 1] - positions[glyph] >= 10:
            boxes.append(struct.unpack(">4h", data[offset + 2:offset + 10]))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _with_bbox(program: bytes, bbox: tuple[int, int, int, int] | None) -> bytes:
    """``program`` with its ``head`` table's bounding box set to ``bbox``, checksums redone.

    ReportLab's subset keeps the whole font's box; Ghostscript takes a CIDFont's ascent from it
    and, with every glyph box reaching up to the tallest glyph of the font, pdftotext then reads
    the lines of a rewritten file in another order."""
    if bbox is None:
        return program
    tables = struct.unpack(">H", program[4:6])[0]
    for entry in range(12, 12 + 16 * tables, 16):
        if program[entry:entry + 4] == b"head":
            offset, length = struct.unpack(">2L", program[entry + 8:entry + 16])
            break
    else:
        return program
    font = bytearray(program)
    font[offset + 8:offset + 12] = b"\0\0\0\0"  # checkSumAdjustment, while summing
    font[offset + 36:offset + 44] = struct.pack(">4h", *bbox)
    font[entry + 4:entry + 8] = struct.pack(">L", _checksum(bytes(font[offset:offset + length])))
    font[offset + 8:offset + 12] = struct.pack(">L", (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _checksum(data: bytes) -> int:
    """The TrueType checksum: the sum of the big-endian longs, the data padded to four bytes."""
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF
