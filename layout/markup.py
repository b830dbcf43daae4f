"""CommonMark article bodies → typed blocks (``layout.model``).

markdown-it-py parses; this module keeps what the layout supports and reports the rest:
paragraphs with **bold**, *italic*, [links](url) and bare web and e-mail addresses
(linked, ``layout.autolink``); ``###``/``####`` subheadings; flat
bullet and numbered lists; pipe tables; a stand-alone ``![caption](image.png)`` as a
figure. Code, block quotes, raw HTML, rules, nested lists and ``#``/``##`` headings
(reserved for chapters and articles) are reported as problems with their line.

Soft line breaks inside a paragraph vanish between two CJK characters and become one
space elsewhere, so editors may wrap long Chinese paragraphs freely.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it import MarkdownIt
from PIL import Image
from markdown_it.token import Token

from layout.autolink import find_addresses
from layout.cjk_emphasis import use_cjk_emphasis
from layout.errors import Location, Problem, warning
from layout.model import Block, Figure, ListBlock, Paragraph, Run, Runs, Subheading, Table

# text_join off: backslash escapes stay ``text_special`` tokens, so an escaped \\*\\* is not
# mistaken for emphasis that CommonMark left literal.
# The emphasis rule is the CommonMark CJK-friendly amendment's (``**记者：**报告`` is bold).
_PARSER = use_cjk_emphasis(MarkdownIt("commonmark").enable("table").disable("text_join"))
# markdown-it silently turns a link to javascript:/data: back into bracketed text; we want it
# parsed as a link so that its target is reported like any other bad one.
_PARSER.validateLink = lambda url: True
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003134f]")
_SOFTBREAK = "\x00softbreak"  # placeholder run, resolved once the neighbours are known
_TABLE_CAPTION = re.compile(r"表\s*[0-9０-９]+(?:[-.－．][0-9０-９]+)*(?:\s|[：:　]|$)")
"""A paragraph starting 表1, 表 1, 表2-1 … right before a table is that table's caption (表题)."""
_CAPTION_LIMIT = 200
"""Characters: a longer paragraph is prose about the table, not its caption."""
_SUBHEADING_LEVELS = {"h3": 1, "h4": 2}
_IMAGE_FORMATS = {"PNG", "JPEG"}
# ``**``/``***``/``__`` still in a text run after parsing: emphasis that did not open or close.
_LITERAL_EMPHASIS = re.compile(r"(?<!\*)\*{2,3}(?!\*)|(?<!_)__(?!_)")
# ``**name：**text`` → suggest ``**name**：text``: punctuation just inside a closing marker.
_PUNCT_INSIDE = re.compile(r"(\*\*|__)([^*_\s][^*_]*?)([\u3000-\u303f\uff00-\uff0f\uff1a-\uff20:;,.!?]+)\1")

# ``25亿-30亿``, ``2019年-2020年``, ``10-12亿吨``: a number (with a Han unit) before an ASCII
# hyphen and a number after it, the range's end followed by a Han unit or preceded by one.
_HYPHEN_RANGE = re.compile(
    r"(?<![A-Za-z0-9.\-/])\d+(?:\.\d+)? ?[\u4e00-\u9fff]{1,2}-\d+(?:\.\d+)?(?: ?[\u4e00-\u9fff])?"
    r"|(?<![A-Za-z0-9.\-/])\d+(?:\.\d+)?-\d+(?:\.\d+)?(?= ?[年月日亿万千百吨个%％倍])")

_UNSUPPORTED = {
    "fence": "a code block", "code_block": "an indented code block (4 spaces of indent?)",
    "blockquote_open": "a block quote ('>')", "hr": "a horizontal rule",
    "html_block": "raw HTML", "html_inline": "raw HTML", "code_inline": "inline code (`…`)",
}


class BodyParser:
    """Parses one CommonMark text that starts at ``location`` in a YAML file."""

    def __init__(self, location: Location, key_path: str, base_dir: Path):
        self.location = location
        self.key_path = key_path
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self._lines: list[str] = []

    def parse(self, text: str) -> tuple[Block, ...]:
        self._lines = text.split("\n")
        tokens = _PARSER.parse(text)
        blocks: list[Block] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            where = self._at(token)
            if token.type == "paragraph_open":
                blocks.append(self._paragraph(tokens[i + 1], where))
                i += 3
            elif token.type == "heading_open":
                level = _SUBHEADING_LEVELS.get(token.tag)
                if level is None:
                    self._problem(where, f"a level-{token.tag[1]} heading is not supported here; use "
                                         "'### ' for a subheading (chapters and articles are YAML entries)")
                runs = self._runs(tokens[i + 1], where)
                blocks.append(Subheading(runs, level or 1, where))
                i += 3
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                close = _matching_close(tokens, i)
                blocks.append(self._list(tokens[i:close + 1], where))
                i = close + 1
            elif token.type == "table_open":
                close = _matching_close(tokens, i)
                blocks.append(self._table(tokens[i:close + 1], where, blocks))
                i = close + 1
            else:
                what = _UNSUPPORTED.get(token.type, f"'{token.type}'")
                self._problem(where, f"{what} is not supported in an article; write it as a paragraph")
                i = _matching_close(tokens, i) + 1 if token.nesting == 1 else i + 1
        return tuple(blocks)

    # -- blocks ---------------------------------------------------------------

    def _paragraph(self, inline: Token, where: Location) -> Block:
        children = inline.children or []
        if len(children) == 1 and children[0].type == "image":
            return self._figure(children[0], where)
        return Paragraph(self._runs(inline, where), where)

    def _list(self, tokens: list[Token], where: Location) -> ListBlock:
        ordered = tokens[0].type == "ordered_list_open"
        start = int(tokens[0].attrs.get("start", 1)) if ordered else 1
        items: list[Runs] = []
        depth = 0
        for token in tokens[1:-1]:
            if token.type in ("bullet_list_open", "ordered_list_open"):
                self._problem(self._at(token), "nested lists are not supported; flatten the list")
            if token.type == "list_item_open":
                depth += 1
                items.append(())
            elif token.type == "list_item_close":
                depth -= 1
            elif token.type == "inline" and depth == 1:
                runs = self._runs(token, self._at(token) if token.map else where)
                items[-1] = items[-1] + ((Run("\n"),) if items[-1] else ()) + runs
        return ListBlock(ordered, start, tuple(items), where)

    def _table(self, tokens: list[Token], where: Location, blocks: list[Block]) -> Table:
        """The table; a paragraph ``表1 …`` just before it (``blocks[-1]``) becomes its caption."""
        rows: list[tuple[Runs, ...]] = []
        align: list[str | None] = []
        header_rows = 0
        for token in tokens:
            if token.type == "tr_open":
                rows.append(())
            elif token.type == "th_open":
                style = str(token.attrs.get("style", ""))
                align.append(style.removeprefix("text-align:") or None)
            elif token.type == "inline":
                rows[-1] = rows[-1] + (self._runs(token, where),)
            elif token.type == "thead_close":
                header_rows = len(rows)
        header = rows[0] if header_rows and any(rows[0]) else ()
        caption: Runs = ()
        before = "".join(run.text for run in blocks[-1].runs) if blocks and isinstance(blocks[-1], Paragraph) else ""
        if _TABLE_CAPTION.match(before) and len(before) <= _CAPTION_LIMIT:
            caption = blocks.pop().runs
        return Table(header, tuple(rows[header_rows:]), where, caption, tuple(align), self.key_path)

    def _figure(self, image: Token, where: Location) -> Figure:
        src = str(image.attrs.get("src", ""))
        caption = "".join(child.content for child in image.children or [])
        return Figure(self._image_path(src, where), caption, where)

    def _image_path(self, src: str, where: Location) -> Path:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) and not re.match(r"^[a-zA-Z]:[\\/]", src):
            self._problem(where, f"image '{src}' is remote; the program never downloads: save it "
                                 "beside the edition and use a relative path")
            return Path(src)
        relative = Path(src)
        path = (self.base_dir / relative).resolve()
        if relative.is_absolute() or not path.is_relative_to(self.base_dir.resolve()):
            self._problem(where, f"image '{src}' is outside the edition's folder; copy it into "
                                 f"{self.base_dir} and use a relative path")
        elif path.is_dir():
            self._problem(where, f"image '{src}' is a folder, not a file; name the image file in it")
        elif not path.is_file():
            self._problem(where, f"image '{src}' not found (looked for {path}); check the file name")
        else:
            problem = _check_image(path)
            if problem:
                self._problem(where, f"image '{src}' {problem}")
        return path

    # -- inline ---------------------------------------------------------------

    def _runs(self, inline: Token, where: Location) -> Runs:
        runs: list[Run] = []
        bold = italic = 0
        href: str | None = None
        if inline.map:
            where = self._at(inline)
        for child in inline.children or []:
            kind = child.type
            if kind == "text":
                self._check_literal_emphasis(child.content, inline.content, where)
                if href is None:
                    self._check_ranges(child.content, inline.content, where)
                runs.extend(_linked(child.content, bold > 0, italic > 0, href))
            elif kind == "text_special":  # a backslash escape or an entity: literal on purpose
                runs.append(Run(child.content, bold > 0, italic > 0, href))
            elif kind == "softbreak":
                runs.append(Run(_SOFTBREAK, bold > 0, italic > 0, href))
            elif kind == "hardbreak":
                runs.append(Run("\n", bold > 0, italic > 0, href))
            elif kind in ("strong_open", "strong_close"):
                bold += 1 if kind == "strong_open" else -1
            elif kind in ("em_open", "em_close"):
                italic += 1 if kind == "em_open" else -1
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                if not re.match(r"^(https?://|mailto:)\S+$", href):
                    self._problem(where, f"link target '{href}' is not a web address; write http(s)://…")
            elif kind == "link_close":
                href = None
            elif kind == "image":
                self._problem(where, "an image inside a paragraph is not supported; give it a paragraph of "
                                     "its own, with blank lines around it")
            else:
                self._problem(where, f"{_UNSUPPORTED.get(kind, repr(kind))} is not supported; "
                                     "write it as plain text")
                runs.append(Run(child.content, bold > 0, italic > 0, href))
        return _merge(_resolve_softbreaks(runs))

    def _check_literal_emphasis(self, text: str, source: str, where: Location) -> None:
        """Report ``**``/``__`` that CommonMark left as text (they would print as asterisks)."""
        match = _LITERAL_EMPHASIS.search(text)
        if not match:
            return
        marker = match.group()
        at = self._locate(text[match.start():].split("\n", 1)[0][:12], marker, source, where)
        inside = _PUNCT_INSIDE.search(text)
        if inside and len(inside.group()) <= 30:
            mark, words, punct = inside.groups()
            self._problem(at, f"'{mark}' would print as-is: CommonMark does not close bold after "
                              f"punctuation ('{punct}') that a character follows; write "
                              f"{mark}{words}{mark}{punct} with the punctuation outside the bold, "
                              f"or add a space after the closing {mark}")
        else:
            self._problem(at, f"'{marker}' would print as-is: CommonMark finds no bold it opens or "
                              f"closes; pair it with another {marker} (punctuation outside the bold), "
                              f"or write \\{marker[0]}\\{marker[0]} for literal characters")

    def _locate(self, probe: str, fallback: str, source: str, where: Location) -> Location:
        """Where ``probe`` (else ``fallback``) is in the YAML: the paragraph's lines searched."""
        offset = source.find(probe)
        line = (where.line or 1) + (source.count("\n", 0, offset) if offset >= 0 else 0)
        raw = self._lines[line - (self.location.line or 1)] if 0 <= line - (self.location.line or 1) < len(
            self._lines) else ""
        column = raw.find(probe) if probe in raw else max(raw.find(fallback), 0)
        return Location(where.file, line, (self.location.column or 1) + column)

    def _check_ranges(self, text: str, source: str, where: Location) -> None:
        """Warn where an ASCII hyphen joins the two ends of a numeric range (GB/T 15834 4.5.3)."""
        for match in _HYPHEN_RANGE.finditer(text):
            written = match.group()
            years = all(re.fullmatch(r"(19|20)\d\d ?年?", part) for part in written.split("-"))
            suggestion = written.replace("-", "—" if years else "～")
            self.problems.append(warning(
                self._locate(written, written, source, where),
                f"'{written}': an ASCII hyphen in a range reads as a minus sign; write {suggestion} "
                f"(GB/T 15834: ～ for a range of numbers, — for one of years)", self.key_path))

    def _at(self, token: Token) -> Location:
        if not token.map:
            return self.location
        return Location(self.location.file, (self.location.line or 1) + token.map[0], self.location.column)

    def _problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message, self.key_path))


def _check_image(path: Path) -> str | None:
    """Why ``path`` cannot be placed as a figure (``what is wrong; what to do``), or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        return f"cannot be read ({exc.strerror}); check its permissions"
    if not head:
        return "is an empty file; export the image again"
    try:
        with Image.open(path) as image:
            kind = image.format
            image.verify()
        with Image.open(path) as image:
            image.load()  # verify() does not decode: truncated data only shows here
    except Image.DecompressionBombError:
        return "has too many pixels to place safely; scale it down (e.g. to 3000 px wide)"
    except OSError as exc:
        if isinstance(exc, PermissionError):
            return f"cannot be read ({exc.strerror}); check its permissions"
        return "is not a readable PNG or JPEG image (damaged or another format); export it again as PNG"
    except Exception:  # noqa: BLE001 - Pillow raises many types for damaged files
        return "is damaged (it cannot be decoded); export it again as PNG"
    if kind not in _IMAGE_FORMATS:
        return f"is a {kind} image, which the layout does not place; convert it to PNG or JPEG"
    return None


def _matching_close(tokens: list[Token], start: int) -> int:
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _linked(text: str, bold: bool, italic: bool, href: str | None) -> list[Run]:
    """``text`` as runs, its bare web and e-mail addresses linked (``layout.autolink``)."""
    if href is not None:
        return [Run(text, bold, italic, href)]
    runs, position = [], 0
    for start, end, target in find_addresses(text):
        runs += [Run(text[position:start], bold, italic), Run(text[start:end], bold, italic, target)]
        position = end
    return runs + [Run(text[position:], bold, italic)]


def _resolve_softbreaks(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for i, run in enumerate(runs):
        if run.text != _SOFTBREAK:
            out.append(run)
            continue
        before = next((r.text for r in reversed(runs[:i]) if r.text and r.text != _SOFTBREAK), "")
        after = next((r.text for r in runs[i + 1:] if r.text and r.text != _SOFTBREAK), "")
        cjk_join = before and after and _CJK.match(before[-1]) and _CJK.match(after[0])
        out.append(Run("" if cjk_join else " ", run.bold, run.italic, run.href))
    return out


def _merge(runs: list[Run]) -> Runs:
    """Join neighbouring runs with the same attributes; drop empty ones."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (run.bold, run.italic, run.href):
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic, run.href)
        else:
            out.append(run)
    return tuple(out)
