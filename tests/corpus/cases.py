"""The edge-case corpus of issue 10: small editions at the edges of tables, figures, styles,
text, resources and paths, each with what it must give.

Every ``Case`` is a tiny edition (1–3 chapters) plus, optionally, a style override
(``styles/case.yaml`` with ``base: briefing``) and extra files. ``materialize`` writes it
into an empty folder beside a copy of the house style (fonts from the repository) and
returns the edition's path.

``expect`` is
- ``"builds"``: legitimate content; ``validate`` and ``build`` exit 0 and the PDF passes
  ``check``;
- ``"refused"``: exit 1 with a ``file:line:col: key: what; what to do`` line at ``line``
  of ``file`` naming ``key``. The line is computed from the generated text (``line_of``),
  never copied from a run. ``line=None`` means a file-level refusal (no line to point at);
- ``"either"``: a judgement call the product may make either way (said in ``description``);
  whichever it does must still be graceful and, if refused, located at ``line``.

``isolate`` cases run in a subprocess with a timeout and an address-space limit (they may
hang or eat memory today); their peak RSS is recorded.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from files import (FileMaker, corrupt_png, huge_gray_png, pixel_bomb, png, png_rgba16,  # noqa: E402
                   sparse, symlink_outside)

ROOT = Path(__file__).resolve().parents[2]
EDITION_NAME = "edition.yaml"
STYLE_NAME = "styles/case.yaml"



@dataclass(frozen=True)
class Case:
    id: str
    category: str
    description: str
    edition: str
    """The YAML text of the edition."""
    expect: str = "builds"
    key: str = ""
    """For refusals: the key path the message names (a substring of it)."""
    line: int | tuple[int, ...] | None = None
    """For refusals: the line (or any of these lines) the message points at."""
    file: str = EDITION_NAME
    """For refusals: the file (relative to the case folder) the message points into."""
    style: str | None = None
    """The text of styles/case.yaml; the edition names it with ``style: case``."""
    files: dict[str, bytes | str | FileMaker] = field(default_factory=dict)
    edition_path: str = EDITION_NAME
    output: str = "out/case.pdf"
    """Where ``build -o`` writes, relative to the case folder (absolute paths kept)."""
    extra: tuple[str, ...] = ()
    """More command-line arguments for validate and build (``--style …``)."""
    isolate: bool = False
    cwd: str | None = None
    """Run with this working directory (relative to the case folder) and relative paths."""
    warns: str = ""
    """For builds: text every run's stderr must hold (a warning naming the file or its line)."""
    never_echo: str = ""
    """Text that must not appear in the output (a foreign file's contents)."""


# -- the edition text -----------------------------------------------------------------------

BACK = """\
back_page:
  title: 赛西碳索
  text: 中国电子技术标准化研究院（赛西）。
  contacts:
    - {label: 联系电话, value: 010-64102702}
"""


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON is valid YAML; control characters become escapes)."""
    return json.dumps(value, ensure_ascii=False)


def block(text: str, indent: int = 10) -> str:
    """A literal block ``|`` body, indented."""
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.split("\n")) + "\n"


def article(title: str = "团体标准正式发布", body: str = "第一段。\n\n第二段。", sources: str = "") -> str:
    out = f"      - title: {q(title)}\n        body: {block(body)}"
    if sources:
        out += f"        sources:\n          - url: {sources}\n"
    return out


def chapter(title: str = "标准进展", articles: list[str] | None = None) -> str:
    return f"  - title: {q(title)}\n    articles:\n" + "".join(articles or [article()])


def edition(body: str | None = None, *, chapters: list[str] | None = None, title: str = "碳达峰碳中和工作简报",
            label: str = "10月刊", publisher: str = "中国电子技术标准化研究院",
            copyright: str = "版权归属赛西所有，引用转载请注明出处", extra: str = "", style: bool = False,
            back: str = BACK, qr: str | None = None) -> str:
    if chapters is None:
        chapters = [chapter(articles=[article(body=body if body is not None else "第一段。\n\n第二段。")])]
    head = (f"edition:\n  title: {q(title)}\n  issue_label: {q(label)}\n  date: 2021-10\n"
            f"  publisher: {q(publisher)}\n  copyright: {q(copyright)}\n")
    if style:
        head += "  style: case\n"
    head += extra
    tail = back + (f"  qr: {q(qr)}\n" if qr is not None else "")
    return head + "chapters:\n" + "".join(chapters) + tail


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` occurrence of ``needle`` (lines split at LF only, as editors count)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


BODY_KEY = "chapters[0].articles[0].body"


def body_case(id: str, category: str, description: str, body: str, expect: str = "builds",
              needle: str | None = None, key: str = BODY_KEY, **kw) -> Case:
    text = edition(body)
    line = line_of(text, needle) if needle is not None else None
    return Case(id, category, description, text, expect, key if needle is not None else "", line, **kw)


def style_case(id: str, description: str, overrides: str, needle: str | None, key: str = "",
               expect: str = "refused", body: str | None = None, **kw) -> Case:
    style = "base: briefing\n" + overrides
    line = line_of(style, needle) if needle is not None else None
    if line is not None and kw.pop("next_line_too", False):
        line = (line, line + 1)
    return Case(f"styles-{id}", "styles", description, edition(body, style=True), expect, key, line,
                file=STYLE_NAME, style=style, **kw)


# -- tables ---------------------------------------------------------------------------------

def table(header: list[str], rows: list[list[str]], align: str = "---") -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([align] * len(header)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


HAN = "碳达峰碳中和标准体系建设指南发布实施方案绿色低碳循环发展经济体系"
URL = "https://www.example.gov.cn/xxgk/zcfb/tz/202202/t20220210_1314511_very_long_path_segment.html"


def han(n: int, offset: int = 0) -> str:
    return "".join(HAN[(offset + i) % len(HAN)] for i in range(n))


def table_cases() -> list[Case]:
    cases: list[Case] = []

    def add(id: str, description: str, header: list[str], rows: list[list[str]], expect: str = "builds",
            align: str = "---", before: str = "表1 测试表格\n\n") -> None:
        body = before + table(header, rows, align) + "\n\n表后的一段文字。"
        needle = "| " + header[0] + " |" if expect != "builds" else None
        cases.append(body_case(f"table-{id}", "tables", description, body, expect, needle))

    for n in (1, 2, 3, 5, 8, 10, 12, 15, 20):
        add(f"columns-{n}", f"{n} columns of short Chinese words", [f"列{i + 1}" for i in range(n)],
            [[han(2 + (r + i) % 3, r + i) for i in range(n)] for r in range(4)])
    add("cell-120", "3 columns, one cell of 120 Chinese characters", ["项目", "内容", "备注"],
        [["标准", han(120), "无"], ["政策", "短", "无"]])
    add("cell-110-numbers", "110-character cell beside short numeric columns (3.2亿吨 must not stack)",
        ["地区", "排放量", "说明"], [["北京", "3.2亿吨", han(110)], ["天津", "12.5%", han(40)]])
    add("cell-url", "a 95-character URL alone in a cell", ["名称", "链接"], [["意见", URL], ["方案", URL[:40]]])
    add("cell-url-glued", "a URL glued to Chinese inside a cell", ["名称", "说明"], [["意见", "详见" + URL + "。"]])
    add("cell-empty", "empty cells, a whole empty row and an empty header cell", ["地区", "", "备注"],
        [["北京", "", ""], ["", "", ""], ["天津", "1", ""]])
    add("row-taller-than-page", "a 2-column row with a 3000-character cell (taller than a page)",
        ["项目", "内容"], [["标准", han(3000)], ["政策", "短"]])
    add("rows-200", "a 200-row table (header must repeat on every page)", ["序号", "地区", "排放量", "变化"],
        [[str(r + 1), han(3, r), f"{(r * 37) % 1000 / 10}亿吨", f"{(r * 13) % 50 - 25:+d}%"] for r in range(200)])
    add("numbers", "numeric columns: 3.2亿吨, 12.5%, 2019—2020, -1.1%, 8,500万", ["地区", "排放量", "占比", "年份", "变化", "资金"],
        [["北京", "3.2亿吨", "12.5%", "2019—2020", "-1.1%", "8,500万"],
         ["内蒙古", "12.25亿吨", "7.0%", "2021", "+0.4%", "1,200万"]], align="--:")
    add("long-latin-word", "a 60-letter Latin word in a narrow column", ["名称", "说明"],
        [["CBAM", "Carbonbordersadjustmentmechanismtransitionalperiodregulation"], ["CCER", "短"]])
    add("numbers-20-columns", "20 columns of 16-digit numbers: cannot fit even at min-content, refused at the table",
        [f"第{i + 1}列" for i in range(20)], [[str(10**15 + r * 7 + i) for i in range(20)] for r in range(3)],
        expect="refused")
    add("header-only", "a table with a header row and no body rows", ["地区", "排放量"], [])
    add("bold-and-links", "bold text and a link inside cells", ["名称", "说明"],
        [["**重点**", "[原文](https://example.org/a)"], ["普通", "**加粗**说明"]])
    add("one-column-long", "one column, 30 rows of 80 characters", ["内容"], [[han(80, r)] for r in range(30)])
    add("no-caption", "a table with no caption paragraph before it", ["地区", "排放量"], [["北京", "3.2亿吨"]], before="")
    add("wide-and-long", "12 columns × 60 rows, mixed numbers and words", [f"指标{i}" for i in range(12)],
        [[han(2, r) if i == 0 else f"{r * i % 997}.{i}" for i in range(12)] for r in range(60)])
    return cases


# -- figures --------------------------------------------------------------------------------

def figure_cases() -> list[Case]:
    cases: list[Case] = []

    def add(id: str, description: str, name: str, maker: FileMaker | bytes | str | None,
            expect: str = "builds", src: str | None = None, warns: str = "") -> None:
        src = src or f"figures/{name}"
        body = f"图前一段。\n\n![图1 {id}]({src})\n\n图后一段。"
        files = {f"figures/{name}": maker} if maker is not None else {}
        needle = f"]({src})" if expect != "builds" else None
        cases.append(body_case(f"figure-{id}", "figures", description, body, expect, needle, files=files,
                               warns=warns))

    add("rgb", "an ordinary 800×500 RGB PNG", "a.png", png((800, 500)))
    add("rgba", "RGBA PNG with alpha: flattened under PDF/A-1b", "a.png", png((600, 400), "RGBA"))
    add("la", "LA (grey + alpha) PNG", "a.png", png((600, 400), "LA"))
    add("p-trns", "palette PNG with a transparent index", "a.png", png((600, 400), "P", transparency=0))
    add("rgba16", "16-bit RGBA PNG", "a.png", png_rgba16)
    add("gray16", "16-bit greyscale PNG", "a.png", png((600, 400), "I;16"))
    add("gray", "8-bit greyscale PNG", "a.png", png((600, 400), "L"))
    add("bilevel", "1-bit PNG", "a.png", png((600, 400), "1"))
    add("cmyk-jpeg", "CMYK JPEG: converted to sRGB under PDF/A-1b", "a.jpg", png((600, 400), "CMYK"))
    add("jpeg-progressive", "progressive RGB JPEG", "a.jpg", png((600, 400), progressive=True))
    add("png-interlaced", "interlaced (Adam7) PNG", "a.png", png((600, 400), interlace=1))
    add("tiny", "a 1×1 px image (warning: below 150 ppi)", "a.png", png((1, 1)), warns="a.png")
    add("small-300x200-72dpi", "a 300×200 px screenshot saved at 72 dpi: placed at its 72 ppi, a warning naming "
        "the file", "a.png", png((300, 200), dpi=(72, 72)), warns="a.png")
    add("small-300x200", "a 300×200 px image with no resolution: placed at the default 150 ppi, no warning",
        "a.png", png((300, 200)))
    add("huge", "a 4000×3000 px image", "a.png", png((4000, 3000)))
    add("tall", "a 200×6000 px image: must fit the frame's height too", "a.png", png((200, 6000)))
    add("wide", "a 6000×200 px image", "a.png", png((6000, 200)))
    add("missing", "the named file does not exist", "nope.png", None, "refused")
    add("corrupt", "a PNG cut in half", "a.png", corrupt_png, "refused")
    add("not-an-image", "a text file named .png", "a.png", "这不是图片\n", "refused")
    add("empty-file", "an empty .png", "a.png", b"", "refused")
    add("gif", "a GIF image", "a.gif", png((60, 40)), "refused")
    add("chinese-name", "a Chinese file name", "排放趋势.png", png((600, 400)))
    add("space-angle", "a Chinese name with a space, written <figures/排放 趋势.png>", "排放 趋势.png",
        png((600, 400)), src="<figures/排放 趋势.png>")
    add("space-percent", "a name with a space written %20", "排放 趋势.png", png((600, 400)),
        src="figures/排放%20趋势.png")
    add("percent-encoded-chinese", "a Chinese name written percent-encoded", "排放.png", png((600, 400)),
        src="figures/%E6%8E%92%E6%94%BE.png")
    add("space-bare", "a name with a bare space (as editors type it; not a CommonMark link): build it, or "
        "refuse at the line saying to write <…>; never print the Markdown literally", "排放 趋势.png",
        png((600, 400)), expect="either", src="figures/排放 趋势.png")
    add("symlink-outside", "a symlink in figures/ pointing outside the edition's folder", "a.png",
        symlink_outside, "refused")
    add("dotdot", "a path that climbs out with ../", "x.png", None, "refused", src="../x.png")
    add("absolute", "an absolute path", "x.png", None, "refused", src="/etc/hostname")
    add("remote", "a remote image", "x.png", None, "refused", src="https://example.org/x.png")
    add("pixel-bomb", "a PNG header claiming 100000×100000 px", "a.png", pixel_bomb, "refused")
    return cases


# -- styles ---------------------------------------------------------------------------------

NON_STYLE = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


def style_cases() -> list[Case]:
    cases = [
        style_case("body-size-0", "body size 0 (invisible text)", "text:\n  body: {size: 0pt}\n", "size: 0pt",
                   "text.body.size"),
        style_case("body-size-negative", "negative body size", "text:\n  body: {size: -5pt}\n", "size: -5pt",
                   "text.body.size"),
        style_case("body-size-huge", "body size 500pt: a character wider than the frame",
                   "text:\n  body: {size: 500pt, leading: 520pt}\n", "size: 500pt", "text.body"),
        style_case("leading-0", "body leading 0 (overprinted lines)", "text:\n  body: {leading: 0pt}\n",
                   "leading: 0pt", "text.body.leading"),
        style_case("leading-below-size", "leading half the size: lines overprint",
                   "text:\n  body: {size: 20pt, leading: 10pt}\n", "leading: 10pt", "text.body.leading"),
        style_case("margins-wider-than-page", "left + right margins wider than the page",
                   "page:\n  margin_left: 120mm\n  margin_right: 120mm\n", "margin_left", "page.margin", next_line_too=True),
        style_case("negative-top-margin", "negative top margin (text above the page)",
                   "page:\n  margin_top: -20mm\n", "margin_top", "page.margin_top"),
        style_case("page-width-0", "page width 0", "page:\n  width: 0mm\n", "width: 0mm", "page.width"),
        style_case("page-height-negative", "negative page height", "page:\n  height: -297mm\n", "height",
                   "page.height"),
        style_case("page-huge", "a 20 m page (beyond PDF's 200 in user-space limit)", "page:\n  width: 20000mm\n",
                   "width", "page.width"),
        style_case("heads-200pt", "200pt chapter and article heads: refuse at the size, or build without "
                   "overprinting", "text:\n  chapter: {size: 200pt, leading: 220pt}\n  article: {size: 200pt, "
                   "leading: 220pt}\n", "chapter:", "text.", expect="either",
                   next_line_too=True),
        style_case("leader-spacing-negative", "toc.leader_spacing -10pt (hung with growing memory)",
                   "toc:\n  leader_spacing: -10pt\n", "leader_spacing", "toc.leader_spacing", isolate=True),
        style_case("leader-spacing-0", "toc.leader_spacing 0: leader dots touching, legitimate",
                   "toc:\n  leader_spacing: 0pt\n", None, expect="builds", isolate=True),
        style_case("template-width", "a wording template {n:>30000000} (hung)",
                   "wording:\n  body_folio: \"{n:>30000000}\"\n", "body_folio", "wording.body_folio", isolate=True),
        style_case("template-attribute", "{title.__class__.__mro__} in the document title",
                   "wording:\n  document_title: \"{title.__class__.__mro__}\"\n", "document_title",
                   "wording.document_title"),
        style_case("template-index", "{title[0]} index access", "wording:\n  document_title: \"{title[0]}\"\n",
                   "document_title", "wording.document_title"),
        style_case("template-unknown-field", "an unknown field {foo}", "wording:\n  chapter_number: \"{foo}、\"\n",
                   "chapter_number", "wording.chapter_number"),
        style_case("template-conversion", "a conversion {numeral!r}",
                   "wording:\n  chapter_number: \"{numeral!r}、\"\n", "chapter_number", "wording.chapter_number"),
        style_case("template-unbalanced", "an unbalanced brace", "wording:\n  body_folio: \"{n\"\n", "body_folio",
                   "wording.body_folio"),
        style_case("unknown-key", "an unknown key", "text:\n  body: {szie: 10pt}\n", "szie", "text.body.szie"),
        style_case("no-unit", "a length without a unit", "text:\n  body: {size: 10.5}\n", "size: 10.5",
                   "text.body.size"),
        style_case("nan-length", "nan as a length", "text:\n  body: {size: nanpt}\n", "nanpt", "text.body.size"),
        style_case("inf-length", "inf as a length", "page:\n  margin_left: infmm\n", "infmm", "page.margin_left"),
        style_case("huge-number", "1e308pt as a size", "text:\n  body: {size: 1e308pt}\n", "1e308pt",
                   "text.body.size"),
        style_case("bad-color", "a colour of five hex digits", "colors:\n  text: \"#12345\"\n", "#12345",
                   "colors.text"),
        style_case("numerals-short", "numerals with 3 characters instead of 10",
                   "wording:\n  numerals: 零一二\n", "numerals", "wording.numerals"),
        style_case("qr-size-0", "a QR code of size 0", "back:\n  qr_size: 0mm\n", "qr_size", "back.qr_size"),
        style_case("title-top-below-page", "the cover title placed below the page", "cover:\n  title_top: 400mm\n",
                   "title_top", "cover.title_top"),
        style_case("max-stretch-negative", "negative max_stretch", "typography:\n  max_stretch: -1em\n",
                   "max_stretch", "typography.max_stretch"),
        style_case("indent-wider-than-frame", "first-line indent of 100em", "text:\n  body: {first_line_indent: 100em}\n",
                   "first_line_indent", "text.body.first_line_indent"),
        style_case("font-missing", "a font file that does not exist",
                   "fonts:\n  faces:\n    serif: {file: Nope.ttf, fallback: [serif_latin]}\n", "Nope.ttf",
                   "fonts.faces.serif"),
    ]
    missing = "base: nowhere\n"
    cases.append(Case("styles-base-missing", "styles", "a base style that does not exist",
                     edition(style=True), "refused", "base", 1, file=STYLE_NAME, style=missing))
    # A base chain: case → middle → briefing.
    cases.append(Case("styles-base-chain", "styles", "a base chain case → middle → briefing", edition(style=True),
                      style="base: middle\ntext:\n  body: {size: 11pt}\n",
                      files={"styles/middle.yaml": "base: briefing\npage:\n  margin_left: 28mm\n"}))
    loop = "base: loop2\n"
    cases.append(Case("styles-base-loop", "styles", "a base loop case → loop2 → case", edition(style=True),
                      "refused", "base", 1, file="styles/loop2.yaml", style=loop,
                      files={"styles/loop2.yaml": "base: case\n"}))
    # A style path naming a file that is not a style: refused, its lines never echoed.
    cases.append(Case("styles-not-a-style", "styles", "--style naming a passwd-like file: refused without "
                      "echoing its lines", edition(), "refused", "", None, file="passwd",
                      files={"passwd": NON_STYLE}, extra=("--style", "./passwd"),
                      never_echo="root:x:0:0"))
    cases.append(Case("styles-edition-as-style", "styles", "--style naming the edition file itself",
                      edition(), "refused", "", None, extra=("--style", "./" + EDITION_NAME)))
    cases.append(Case("styles-binary-as-style", "styles", "--style naming a PNG", edition(), "refused", "", None,
                      file="x.png", files={"x.png": png((10, 10))}, extra=("--style", "./x.png")))
    for case in cases:
        if case.extra:  # style paths on the command line are relative to the case folder
            object.__setattr__(case, "cwd", ".")
    return cases


# -- text -----------------------------------------------------------------------------------

def text_cases() -> list[Case]:
    cases: list[Case] = []

    def control(name: str, char: str, raw: bool) -> None:
        if raw:  # the YAML reader sees it: located, but no key can be known yet
            body = f"第一段。\n\n第二段有一个控制字符{char}在这里。"
            cases.append(body_case(f"text-{name}-raw", "text", f"a raw {name} (U+{ord(char):04X}) in a body",
                                   body, "refused", "第二段有一个", key=""))
        else:  # as a YAML escape (\uXXXX) inside a double-quoted title: passes the YAML reader
            text = edition(chapters=[chapter(articles=[article(title="标题@结束")])])
            text = text.replace("标题@结束", f"标题\\u{ord(char):04X}结束")
            cases.append(Case(f"text-{name}-escaped", "text", f"{name} (U+{ord(char):04X}) as a YAML escape in a "
                              "title", text, "refused", "chapters[0].articles[0].title", line_of(text, "title: \"标题")))

    for name, char in (("bel", "\x07"), ("esc", "\x1b"), ("nul", "\x00"), ("del", "\x7f"), ("c1-nel", "\x85"),
                       ("c1-csi", "\x9b")):
        control(name, char, raw=True)
        control(name, char, raw=False)
    # U+2028 in one article, a NUL escape later: the later line must not shift.
    ls_text = edition(chapters=[chapter(articles=[article(body="第一段\u2028同一段。"),
                                                  article(title="第二篇@标题")])]).replace("第二篇@", "第二篇\\u0000")
    cases.append(Case("text-u2028-then-error", "text", "a U+2028 in a body, then a NUL escape in a later title: "
                      "that title's line must be exact", ls_text, "refused", "chapters[0].articles[1].title",
                      line_of(ls_text, "第二篇")))
    cases.append(body_case("text-u2028", "text", "a U+2028 in a body: converted or refused at its line (README says "
                           "which)", "第一段\u2028同一段。", "either", "第一段"))
    cases.append(body_case("text-nfd", "text", "decomposed (NFD) Latin with accents, as copied from macOS: "
                           "NFC-normalised and drawn", "Fran\u0063\u0327ois Mollins\u0301 与 Cre\u0301dit Agricole 合作。"))
    cases.append(body_case("text-emoji", "text", "an emoji no font draws: refused at its line", "第一段。\n\n绿色发展🌱加油。",
                           "refused", "绿色发展"))
    cases.append(body_case("text-pua", "text", "a private-use character (U+E000)", "第一段\ue000。", "refused", "第一段"))
    cases.append(body_case("text-long-paragraph", "text", "one 20000-character paragraph", han(20000)))
    cases.append(Case("text-title-1000", "text", "a 1000-character article title",
                      edition(chapters=[chapter(articles=[article(title=han(1000))])])))
    cases.append(Case("text-chapter-title-1000", "text", "a 1000-character chapter title",
                      edition(chapters=[chapter(title=han(1000))])))
    cases.append(Case("text-100-chapters", "text", "100 chapters (numbering 一百 and beyond)",
                      edition(chapters=[chapter(title=f"第{i}章" + han(4, i)) for i in range(102)])))
    cases.append(Case("text-cover-title-150", "text", "a 150-character cover title", edition(title=han(150))))
    cases.append(Case("text-publisher-120", "text", "a 120-character publisher", edition(publisher=han(120))))
    cases.append(Case("text-copyright-150", "text", "a 150-character copyright", edition(copyright=han(150))))
    cases.append(Case("text-label-with-year", "text", "an issue_label containing the year (2022年第3期)",
                      edition(label="2021年第10期")))
    qr_text = edition(qr="https://example.org/" + "a" * 3000)
    cases.append(Case("text-qr-3000", "text", "a 3000-character QR address: refused with the limit", qr_text,
                      "refused", "back_page.qr", line_of(qr_text, "  qr: ")))
    cases.append(Case("text-qr-300", "text", "a 300-character QR address (fits a QR code)",
                      edition(qr="https://example.org/" + "a" * 280)))
    cases.append(body_case("text-bare-url-300", "text", "a bare 300-character URL without break points",
                           "详见https://example.org/" + "a" * 300 + "。"))
    cases.append(body_case("text-bare-url-glued", "text", "bare URLs glued to Chinese",
                           "全文详见https://www.ndrc.gov.cn/xxgk/zcfb/tz/202202/t20220210_1314511.html。各地执行中的问题"
                           "请反馈。"))
    cases.append(body_case("text-email", "text", "an e-mail address in text", "问题请发送至邮箱：carbon@example.cn，我们将答复。"))
    cases.append(body_case("text-bold-leadin", "text", "the natural **记者：** lead-in",
                           "**记者：**第一个履约周期结束了，您怎么评价？\n\n**专家：**总体来看运行平稳。"))
    range_case = body_case("text-range-hyphen", "text", "a hyphen range 25亿-30亿吨 (a warning at its line, exit 0)",
                           "行业年减排潜力约为25亿-30亿吨，2019-2020年已贡献。")
    cases.append(Case(range_case.id, "text", range_case.description, range_case.edition,
                      warns=f"{EDITION_NAME}:{line_of(range_case.edition, '25亿-30亿吨')}:"))
    cases.append(body_case("text-dashes-dots", "text", "—— and · in names and ……",
                           "冯德莱恩说——能源价格上涨是警钟。乌尔苏拉·冯德莱恩表示……"))
    cases.append(body_case("text-long-latin", "text", "a 500-letter Latin word with no break point", "a" * 500))
    cases.append(body_case("text-bom", "text", "a UTF-8 BOM at the start of the file", "第一段。",
                           files={}) )
    bom = cases[-1]
    cases[-1] = Case(bom.id, bom.category, bom.description, "\ufeff" + bom.edition)
    cases.append(body_case("text-crlf", "text", "CRLF line endings throughout", "第一段。"))
    crlf = cases[-1]
    cases[-1] = Case(crlf.id, crlf.category, crlf.description, crlf.edition.replace("\n", "\r\n"))
    crlf_err = edition(chapters=[chapter(articles=[article(body="第一段。\n\n**没有闭合")])])
    return cases + [Case("text-crlf-error-line", "text", "CRLF endings and an error: its line counts CRLF once",
                         crlf_err.replace("\n", "\r\n"), "refused", BODY_KEY, line_of(crlf_err, "**没有闭合"))]


# -- resources ------------------------------------------------------------------------------

def resource_cases() -> list[Case]:
    from layout.yamlfile import MAX_BYTES

    base = edition()
    over = base + "# " + "x" * (MAX_BYTES + 1 - len(base.encode()) - 3) + "\n"
    assert len(over.encode()) == MAX_BYTES + 1
    cases = [
        Case("resources-2mb-plus-1", "resources", "a YAML of the size limit + 1 byte", over, "refused", "", 1,
             isolate=True),
        Case("resources-sparse-1gb", "resources", "a 1 GB sparse file as the edition: refused before reading",
             "", "refused", "", None, edition_path="big.yaml", files={"big.yaml": sparse(1 << 30)}, isolate=True),
        Case("resources-png-13000", "resources", "a 13000×13000 px PNG (169 Mpx): refused at its line before "
             "decoding (over the documented pixel limit), or built within the RSS bound; no raw Pillow warning",
             edition("![图](figures/big.png)"), "either", BODY_KEY, line_of(edition("![图](figures/big.png)"),
                                                                             "![图]"),
             files={"figures/big.png": huge_gray_png(13000)}, isolate=True),
        Case("resources-deep-nesting", "resources", "10000 nested YAML flow sequences", "a: " + "[" * 10000 +
             "]" * 10000 + "\n", "refused", "", 1, isolate=True),
        Case("resources-deep-markdown", "resources", "3000 nested Markdown list markers in a body",
             edition("- " * 3000 + "深"), "refused", BODY_KEY, line_of(edition("- " * 3000 + "深"), "- - -"),
             isolate=True),
        Case("resources-many-articles", "resources", "one chapter of 300 short articles",
             edition(chapters=[chapter(articles=[article(title=f"第{i}篇" + han(6, i), body=han(80, i))
                                                for i in range(300)])]), isolate=True),
        Case("resources-many-figures", "resources", "40 figures of 2000×1500 px in one article",
             edition("\n\n".join(f"![图{i}](figures/f{i % 4}.png)" for i in range(40))),
             files={f"figures/f{i}.png": png((2000, 1500)) for i in range(4)}, isolate=True),
        Case("resources-emphasis-storm", "resources", "20001 ** (one left unmatched) in a body (markdown-it stays linear)",
             edition("碳" + "**碳" * 20001), "refused", BODY_KEY, line_of(edition("碳**碳"), "碳**碳"), isolate=True),
        Case("resources-long-line", "resources", "a 600000-character single-line body: under the file size "
             "limit, over the text limit (it would build for a minute); refused at its line",
             edition(han(600_000)), "refused", BODY_KEY, line_of(edition("碳碳碳"), "碳碳碳"), isolate=True),
        Case("resources-many-keys", "resources", "50000 unknown keys in the edition block",
             edition(extra="".join(f"  k{i}: v\n" for i in range(50_000))), "refused", "edition.k0",
             line_of(edition(extra="  k0: v\n"), "  k0: "), isolate=True),
    ]
    return cases


# -- paths ----------------------------------------------------------------------------------

def path_cases() -> list[Case]:
    text = edition()
    return [
        Case("paths-spaces-chinese-folder", "paths", "edition in a folder with spaces and Chinese", text,
             edition_path="绿色 低碳/简报 2022.yaml", output="输出 文件/简报 2022.pdf"),
        Case("paths-relative", "paths", "relative edition and output paths from the case folder", text,
             cwd=".", output="out/rel.pdf"),
        Case("paths-relative-subdir", "paths", "run from a subfolder with ../ paths", text,
             edition_path="issues/e.yaml", cwd="work", output="../out/x.pdf", files={"work/.keep": ""}),
        Case("paths-output-is-edition", "paths", "-o naming the edition itself: refused, the YAML intact", text,
             "refused", "", None, output=EDITION_NAME),
        Case("paths-output-is-folder", "paths", "-o naming an existing folder", text, "refused", "", None,
             output="out", files={"out/.keep": ""}),
        Case("paths-output-under-file", "paths", "-o under a regular file (not a folder)", text, "refused", "", None,
             output="afile/x.pdf", files={"afile": "x"}),
        Case("paths-output-name-300-bytes", "paths", "-o with a 300-byte file name", text, "refused", "", None,
             output="out/" + "长" * 98 + ".pdf"),
        Case("paths-output-deep-new", "paths", "-o in folders that do not exist yet", text,
             output="a/b/c/d/x.pdf"),
        Case("paths-output-no-suffix", "paths", "-o without .pdf", text, output="out/case"),
        Case("paths-edition-missing", "paths", "an edition path that does not exist", text, "refused", "", None,
             edition_path="real.yaml", extra=(), files={}, output="out/x.pdf", cwd=None) ,
        Case("paths-edition-is-folder", "paths", "the edition path is a folder", text, "refused", "", None,
             edition_path="adir", files={"adir/.keep": ""}),
        Case("paths-edition-symlink", "paths", "the edition reached through a symlink", text,
             edition_path="real.yaml", files={"link.yaml": lambda p: p.symlink_to(p.parent / "real.yaml")}),
        Case("paths-edition-txt-suffix", "paths", "an edition file named .txt", text, edition_path="e.txt"),
    ]


def all_cases() -> list[Case]:
    cases = table_cases() + figure_cases() + style_cases() + text_cases() + resource_cases() + path_cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases


# -- writing a case -------------------------------------------------------------------------

def write_house_style(folder: Path) -> None:
    styles = folder / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    house = (ROOT / "styles" / "briefing.yaml").read_text("utf-8")
    (styles / "briefing.yaml").write_text(house.replace("dirs: [../fonts]", f"dirs: [{ROOT / 'fonts'}]"), "utf-8")


def materialize(case: Case, folder: Path) -> Path:
    """Write ``case`` into ``folder``; return the edition's path (absolute)."""
    write_house_style(folder)
    path = folder / case.edition_path
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.id == "paths-edition-missing":
        return folder / "missing.yaml"
    if case.id == "paths-edition-is-folder":
        path.mkdir(exist_ok=True)
    elif case.edition:
        path.write_bytes(case.edition.encode("utf-8"))
    if case.style is not None:
        (folder / STYLE_NAME).write_text(case.style, "utf-8")
    for name, content in case.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
    if case.id == "paths-edition-symlink":
        return folder / "link.yaml"
    return path


if __name__ == "__main__":  # a summary of the corpus
    from collections import Counter

    corpus = all_cases()
    print(Counter(c.category for c in corpus), len(corpus))
    print(Counter(c.expect for c in corpus))
    if os.environ.get("VERBOSE"):
        for c in corpus:
            print(f"{c.id:40} {c.expect:8} {c.file}:{c.line} {c.key}")
