"""Each page's glyphs and images, read straight from its content streams: ``check``'s fast reader.

A small interpreter of the content-stream operators that place text and images (``q``/``Q``,
``cm``, ``BT``, ``Tf``, ``Tc``/``Tw``/``Tz``/``TL``/``Ts``, ``Td``/``TD``/``Tm``/``T*``,
``Tj``/``TJ``/``'``/``"``, ``Do`` of images and forms, ``BDC``/``BMC``/``EMC``), over a
regular-expression tokenizer of the decoded streams (pikepdf decodes them). It does
pdfminer's arithmetic (the char's matrix, its advance, its box from the font's /Descent,
Tc between glyphs as pdfminer adds it) so the audit rows see the numbers pdfplumber gave
them, at a fraction of the time and memory: a glyph is a ``Char`` with slots, not a dict.
One difference, on purpose: ``"`` moves to the next line before it shows its string, as PDF
1.7 §9.4.3 says (pdfminer does not move).

What it reads: simple fonts (TrueType, Type1 not of the standard 14) and Type0 fonts with
``Identity-H``, each with a /ToUnicode CMap; image and form XObjects. Whatever else it meets
(a glyph shown in a font without /ToUnicode, a standard-14, Type3 or vertical font, an inline
image, a rotated page, a string with unbalanced parentheses) raises ``Unsupported``:
``PdfView`` then reads that whole file with pdfplumber instead (slower, same numbers). On the
way it notes the fill colour at each text operator, for layout.ink_check.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

_TOKEN = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)|/[^\s/\[\]()<>{}%]*|\((?:[^()\\]|\\.)*\)|<<|>>|<[0-9A-Fa-f\s]*>"
                    rb"|[\[\]]|[A-Za-z'\"][A-Za-z0-9*'\"]*|%[^\r\n]*|\S", re.DOTALL)
_PLAIN_ESCAPES = re.compile(rb"(?:[^\\]|\\(?:[0-3][0-7][0-7]|[nrtbf()]))*", re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"\n": b"", b"\r": b"",
            b"\r\n": b""}
_NUMBER_START = frozenset(b"+-.0123456789")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_SPACES = {"g": "gray", "rg": "rgb", "k": "cmyk"}
_COLOUR_SPACES = {"/DeviceGray": "gray", "/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/G": "gray", "/RGB": "rgb",
                  "/CMYK": "cmyk"}
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>|\[([^\]]*)\]")


class Unsupported(Exception):
    """The page holds something this reader does not interpret: read the file with pdfplumber."""


class Char:
    """One glyph as pdfplumber gives it, with only the keys the rows read (``char["x0"]``)."""

    __slots__ = ("text", "fontname", "size", "x0", "x1", "y0", "y1", "top", "bottom", "matrix", "tag")

    def __init__(self, text, fontname, size, x0, x1, y0, y1, top, bottom, matrix, tag):
        self.text, self.fontname, self.size, self.matrix, self.tag = text, fontname, size, matrix, tag
        self.x0, self.x1, self.y0, self.y1, self.top, self.bottom = x0, x1, y0, y1, top, bottom

    __getitem__ = object.__getattribute__  # char["x0"] at C speed (a missing key: AttributeError)

    def __setitem__(self, key: str, value) -> None:
        setattr(self, key, value)

    def __contains__(self, key: str) -> bool:
        return key in self.__slots__

    def get(self, key: str, default=None):
        return getattr(self, key, default)

    def keys(self) -> tuple[str, ...]:
        return self.__slots__


@dataclass
class _Font:
    name: str
    two_byte: bool
    widths: dict[int, float]
    """Code → width in text space units (thousandths already applied)."""
    default_width: float
    descent: float
    unicode: dict[int, str]
    simple: bool
    problem: str = ""
    """Why this reader cannot place its glyphs (raised only if one is shown: ReportLab selects
    Helvetica on every page it never draws with)."""


def _hex(raw: bytes) -> bytes:
    digits = bytes(raw).translate(None, b" \t\r\n\f\0")
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _unescape(raw: bytes) -> bytes:
    if b"\\" not in raw:
        return raw
    if b"\\\\" not in raw and _PLAIN_ESCAPES.fullmatch(raw):
        # Only octal codes and \n \r \t \b \f \( \): Python's escapes, bar the brackets.
        return codecs.escape_decode(raw.replace(b"\\(", b"(").replace(b"\\)", b")"))[0]

    def one(match: re.Match) -> bytes:
        what = match.group(1)
        if what[:1].isdigit():
            return bytes([int(what, 8) & 0xFF])
        return _ESCAPES.get(what, what)

    return _ESCAPE.sub(one, raw)


def tokens(data: bytes) -> list:
    """The operands and operators of a content stream: floats, ``/names`` (str with the slash),
    bytes (strings), lists (arrays), ``dict`` (a dictionary, its content dropped) and operators
    (str without a slash)."""
    out: list = []
    stack: list[list] = []
    strings: dict[bytes, bytes] = {}  # a TJ's one-glyph strings come again and again
    found = _TOKEN.findall(data)
    if b"(" in found:  # a string holding balanced parentheses, unescaped (binary CIDs may)
        found = _scan(data)
    for token in found:
        first = token[0]
        if first in _NUMBER_START:
            out.append(float(token))
        elif first == 0x2F:  # /
            out.append(token.decode("latin-1"))
        elif first == 0x28:  # (
            text = strings.get(token)
            if text is None:
                if len(token) == 1:
                    raise Unsupported("a string with unbalanced parentheses")
                text = strings[token] = _unescape(token[1:-1])
            out.append(text)
        elif first == 0x3C:  # <
            if token == b"<<":
                stack.append(out)
                out = []
            else:
                out.append(_hex(token[1:-1]))
        elif first == 0x3E:  # >>
            if token != b">>" or not stack:
                raise Unsupported(f"unexpected {token!r}")
            inner, out = out, stack.pop()
            out.append(dict(zip(inner[::2], inner[1::2])))
        elif first == 0x5B:  # [
            stack.append(out)
            out = []
        elif first == 0x5D:  # ]
            if not stack:
                raise Unsupported("unbalanced ]")
            inner, out = out, stack.pop()
            out.append(inner)
        elif first == 0x25:  # % comment
            continue
        elif 0x41 <= first <= 0x7A or first in (0x27, 0x22):
            if token == b"BI":
                raise Unsupported("an inline image")
            operator = _OPERATORS.get(token)
            if operator is None:
                operator = _OPERATORS[token] = _Operator(token.decode("latin-1"))
            out.append(operator)
        else:
            raise Unsupported(f"unexpected {token[:20]!r}")
    if stack:
        raise Unsupported("unbalanced [ or <<")
    return out


def _scan(data: bytes) -> list[bytes]:
    """``_TOKEN.findall(data)``, with strings that hold balanced parentheses taken whole."""
    found, position, end = [], 0, len(data)
    while (match := _TOKEN.search(data, position)) is not None:
        token, position = match.group(), match.end()
        if token == b"(":
            depth = 1
            while position < end and depth:
                byte = data[position]
                position += 2 if byte == 0x5C else 1
                depth += (byte == 0x28) - (byte == 0x29)
            if depth:
                raise Unsupported("a string with unbalanced parentheses")
            token = data[match.start():position]
        found.append(token)
    return found


class _Operator(str):
    __slots__ = ()


_OPERATORS: dict[bytes, _Operator] = {}


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def _to_unicode(stream: pikepdf.Stream | None) -> dict[int, str]:
    if stream is None:
        raise Unsupported("a font without /ToUnicode")
    data = stream.read_bytes()
    found: dict[int, str] = {}
    for block in _BFCHAR.findall(data):
        values = re.findall(rb"<([0-9A-Fa-f\s]*)>", block)
        for code, target in zip(values[::2], values[1::2]):
            found[int(code, 16)] = _hex(target).decode("utf-16-be", "ignore")
    for block in _BFRANGE.findall(data):
        parts = _HEX.findall(block)
        index = 0
        while index + 2 < len(parts):
            low, high = int(parts[index][0], 16), int(parts[index + 1][0], 16)
            target, array = parts[index + 2]
            if array:
                for offset, item in enumerate(re.findall(rb"<([0-9A-Fa-f\s]*)>", array)):
                    found[low + offset] = _hex(item).decode("utf-16-be", "ignore")
            else:
                raw = _hex(target)
                base = int.from_bytes(raw, "big") if raw else 0
                for offset in range(high - low + 1):
                    value = (base + offset).to_bytes(max(len(raw), 1), "big")[-max(len(raw), 1):]
                    found[low + offset] = value.decode("utf-16-be", "ignore")
            index += 3
    return found


def _number(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def read_font(font: pikepdf.Dictionary) -> _Font:
    """What the reader needs of a font resource, or Unsupported."""
    subtype = font.get("/Subtype")
    if subtype == "/Type0":
        if str(font.get("/Encoding")) != "/Identity-H":
            raise Unsupported(f"a Type0 font with encoding {font.get('/Encoding')}")
        described = font.DescendantFonts[0]
        descriptor = described.get("/FontDescriptor", {})
        widths: dict[int, float] = {}
        table = list(described.get("/W", []))
        index = 0
        while index < len(table) - 1:
            first = int(table[index])
            if isinstance(table[index + 1], pikepdf.Array):
                for offset, width in enumerate(table[index + 1]):
                    widths[first + offset] = float(width) * 0.001
                index += 2
            else:
                last, width = int(table[index + 1]), float(table[index + 2]) * 0.001
                widths.update(dict.fromkeys(range(first, last + 1), width))
                index += 3
        default = _number(described.get("/DW", 1000), 1000.0) * 0.001
        two_byte, simple = True, False
    elif subtype in ("/TrueType", "/Type1"):
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or "/Widths" not in font:
            raise Unsupported("a simple font without widths (a standard-14 font)")
        first = int(font.get("/FirstChar", 0))
        widths = {first + i: _number(w) * 0.001 for i, w in enumerate(font.Widths)}
        default = _number(descriptor.get("/MissingWidth", 0)) * 0.001
        two_byte, simple = False, True
    else:
        raise Unsupported(f"a {subtype} font")
    name = descriptor.get("/FontName", "unknown")
    descent = _number(descriptor.get("/Descent", 0))
    return _Font(str(name).lstrip("/"), two_byte, widths, default, -abs(descent) * 0.001,
                 _to_unicode(font.get("/ToUnicode")), simple)


@dataclass
class PageContent:
    chars: list[Char]
    images: list[dict]
    height: float
    text_runs: list[tuple[tuple[str, tuple, str], float]]
    """The fill colour (space, values, as written) and font size at each text-showing operator."""


class _Reader:
    """One page's interpreter state (pdfminer's, reduced to what places glyphs and images)."""

    def __init__(self, height: float, x_shift: float, y_shift: float, fonts: dict):
        self.height, self.x_shift, self.y_shift = height, x_shift, y_shift
        self.chars: list[Char] = []
        self.images: list[dict] = []
        self.tag: str | None = None
        self.runs: list[tuple[tuple[str, tuple, str], float]] = []
        """(fill colour, font size) at each text operator: what layout.ink_check reads."""
        self.fonts: dict[tuple[int, int], _Font] = fonts
        """Fonts already read, by object number: shared by the pages of a file."""

    def font(self, resource: pikepdf.Object) -> _Font:
        found = self.fonts.get(resource.objgen) if resource.is_indirect else None
        if found is None:
            try:
                found = read_font(resource)
            except Unsupported as exc:
                found = _Font("", False, {}, 0.0, 0.0, {}, True, str(exc))
            if resource.is_indirect:
                self.fonts[resource.objgen] = found
        return found

    def run(self, data: bytes, resources: pikepdf.Dictionary, ctm: Matrix, depth: int = 0) -> None:
        if depth > 8:
            raise Unsupported("forms nested too deep")
        fonts = resources.get("/Font", {}) if resources is not None else {}
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        stack: list[tuple] = []
        # The fill colour as layout.ink_check follows it (its own q/Q stack, its cs space and Tf
        # size outside it), recorded at each text operator of the page itself (not its forms).
        fill: tuple = ("gray", (0.0,), "0 g")
        fills: list[tuple] = []
        space, tf_size = "gray", 0.0
        runs = self.runs if depth == 0 else []
        font: _Font | None = None
        size = char_space = word_space = rise = leading = 0.0
        scaling = 100.0
        tm: Matrix = IDENTITY
        line_x = line_y = 0.0
        operands: list = []
        append = self.chars.append
        height, x_shift, y_shift = self.height, self.x_shift, self.y_shift
        for token in tokens(data):
            if type(token) is not _Operator:
                operands.append(token)
                continue
            op = token
            if op == "Tj" or op == "TJ" or op == "'" or op == '"':
                runs.append((fill, tf_size))
                if op == "'" or op == '"':
                    if op == '"' and len(operands) >= 3:
                        word_space, char_space = operands[-3], operands[-2]
                    a, b, c, d, e, f = tm
                    tm = (a, b, c, d, leading * c + e, leading * d + f)
                    line_x = line_y = 0.0
                if not operands:
                    continue
                seq = operands[-1] if op == "TJ" else [operands[-1]]
                if font is None or not isinstance(seq, list):
                    operands = []
                    continue
                matrix = _mult(tm, ctm)
                a, b, c, d, e, f = matrix
                scale = scaling * 0.01
                cspace = char_space * scale
                wspace = 0.0 if font.two_byte else word_space * scale
                dxscale = 0.001 * size * scale
                if font.problem and any(type(item) is bytes and item for item in seq):
                    raise Unsupported(font.problem)
                widths, default, unicode = font.widths, font.default_width, font.unicode
                descent = font.descent * size
                upright = b == 0 and c == 0 and a > 0 and d > 0
                fontname, tag = font.name, self.tag
                x, y = line_x, line_y
                need_space = False
                for item in seq:
                    if type(item) is float:
                        x -= item * dxscale
                        need_space = True
                        continue
                    if type(item) is not bytes:
                        continue
                    if font.two_byte:
                        codes = [item[i] << 8 | item[i + 1] for i in range(0, len(item) - 1, 2)]
                    else:
                        codes = item
                    for code in codes:
                        if need_space:
                            x += cspace
                        text = unicode.get(code)
                        if text is None:
                            if font.simple:
                                raise Unsupported(f"code {code} of {fontname} has no /ToUnicode entry")
                            text = f"(cid:{code})"
                        adv = widths.get(code, default) * size * scale
                        # The char's matrix: the text matrix moved to (x, y); its box from the
                        # descent to one em above it, one advance across (pdfminer's LTChar).
                        ex, fy = x * a + y * c + e, x * b + y * d + f
                        y_low, y_high = descent + rise, descent + rise + size
                        if upright:
                            x0, x1, y0, y1 = ex, ex + a * adv, fy + d * y_low, fy + d * y_high
                            if x1 < x0:
                                x0, x1 = x1, x0
                            if y1 < y0:
                                y0, y1 = y1, y0
                        else:
                            xs = (ex + c * y_low, ex + a * adv + c * y_low, ex + c * y_high,
                                  ex + a * adv + c * y_high)
                            ys = (fy + d * y_low, fy + b * adv + d * y_low, fy + d * y_high,
                                  fy + b * adv + d * y_high)
                            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
                        append(Char(text, fontname, y1 - y0, x0 + x_shift, x1 + x_shift, y0, y1,
                                    height - y1 + y_shift, height - y0 + y_shift, (a, b, c, d, ex, fy), tag))
                        x += adv
                        if code == 32 and wspace:
                            x += wspace
                        need_space = True
                line_x, line_y = x, y
            elif op == "Td" or op == "TD":
                if len(operands) >= 2:
                    tx, ty = operands[-2], operands[-1]
                    a, b, c, d, e, f = tm
                    tm = (a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f)
                    if op == "TD":
                        leading = ty
                line_x = line_y = 0.0
            elif op == "Tf":
                if len(operands) == 2:
                    tf_size = operands[1]
                if len(operands) >= 2:
                    resource = fonts.get(operands[-2]) if fonts is not None else None
                    if resource is None:
                        raise Unsupported(f"no font {operands[-2]} in the resources")
                    font, size = self.font(resource), operands[-1]
            elif op == "Tm":
                if len(operands) >= 6:
                    tm = tuple(operands[-6:])
                line_x = line_y = 0.0
            elif op == "T*":
                a, b, c, d, e, f = tm
                tm = (a, b, c, d, leading * c + e, leading * d + f)
                line_x = line_y = 0.0
            elif op == "BT":
                tm, line_x, line_y = IDENTITY, 0.0, 0.0
            elif op == "g" or op == "rg" or op == "k":
                values = tuple(operands)
                fill = (_SPACES[op], values, " ".join(f"{v:g}" for v in values) + f" {op}")
            elif op == "cs":
                if operands:
                    space = _COLOUR_SPACES.get(operands[0], "other")
                    fill = (space, (), f"{operands[0]} cs")
            elif op == "sc" or op == "scn":
                values = tuple(v for v in operands if type(v) is float)
                fill = (space, values, " ".join(f"{v:g}" for v in values) + f" {op}")
            elif op == "q":
                fills.append(fill)
                stack.append((ctm, font, size, char_space, word_space, scaling, leading, rise, tm, line_x, line_y))
            elif op == "Q":
                if fills:
                    fill = fills.pop()
                if stack:
                    ctm, font, size, char_space, word_space, scaling, leading, rise, tm, line_x, line_y = stack.pop()
            elif op == "cm":
                if len(operands) >= 6:
                    ctm = _mult(tuple(operands[-6:]), ctm)
            elif op == "Tc":
                char_space = operands[-1] if operands else char_space
            elif op == "Tw":
                word_space = operands[-1] if operands else word_space
            elif op == "Tz":
                scaling = operands[-1] if operands else scaling
            elif op == "TL":
                leading = -operands[-1] if operands else leading
            elif op == "Ts":
                rise = operands[-1] if operands else rise
            elif op == "BDC" or op == "BMC":
                tag = operands[-2 if op == "BDC" else -1] if operands else None
                self.tag = tag[1:] if isinstance(tag, str) else None
            elif op == "EMC":
                self.tag = None
            elif op == "Do":
                if operands and xobjects is not None and operands[-1] in xobjects:
                    self.xobject(xobjects[operands[-1]], resources, ctm, depth)
            elif op == "ID" or op == "EI":
                raise Unsupported("an inline image")
            operands = []

    def xobject(self, xobject: pikepdf.Object, resources: pikepdf.Dictionary, ctm: Matrix, depth: int) -> None:
        subtype = xobject.get("/Subtype")
        if subtype == "/Form" and "/BBox" in xobject:
            matrix = tuple(float(v) for v in xobject.get("/Matrix", IDENTITY))
            own = xobject.get("/Resources")
            self.run(xobject.read_bytes(), own if own is not None else resources, _mult(matrix, ctm), depth + 1)
        elif subtype == "/Image" and "/Width" in xobject and "/Height" in xobject:
            a, b, c, d, e, f = ctm
            xs = (e, a + e, c + e, a + c + e)
            ys = (f, b + f, d + f, b + d + f)
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            self.images.append({"x0": x0 + self.x_shift, "x1": x1 + self.x_shift, "y0": y0, "y1": y1,
                                "top": self.height - y1 + self.y_shift, "bottom": self.height - y0 + self.y_shift,
                                "width": x1 - x0, "height": y1 - y0,
                                "srcsize": (int(xobject.Width), int(xobject.Height)), "tag": self.tag})


def read_page(page: pikepdf.Page, fonts: dict | None = None) -> PageContent:
    """The glyphs and images of ``page``, in pdfplumber's coordinates (from the MediaBox's
    top-left corner); Unsupported if it holds what this reader does not interpret. ``fonts``
    caches the fonts read, for the next page of the same file."""
    if int(page.obj.get("/Rotate", 0)) % 360:
        raise Unsupported("a rotated page")
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    left, bottom = min(x0, x1), min(y0, y1)
    height = abs(y1 - y0)
    reader = _Reader(height, left, -bottom, {} if fonts is None else fonts)
    contents = page.obj.get("/Contents")
    if contents is None:
        return PageContent([], [], height, [])
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"\n".join(stream.read_bytes() for stream in streams)
    reader.run(data, page.resources, (1.0, 0.0, 0.0, 1.0, -left, -bottom))
    return PageContent(reader.chars, reader.images, height, reader.runs)
