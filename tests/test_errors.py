"""Every kind of broken input: one message, where it is, what to do; exit 1; nothing written.

One table (WeasyPrint ``tests/css/test_errors.py`` style): each case edits a small valid
edition (or its style file, or adds a file beside it), runs ``briefing validate`` and
``briefing build`` through ``layout.cli.main``, and expects exit 1, a line
``file:line:col: … fragment …`` at exactly that line and column, no traceback, no PDF.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from PIL import Image

from layout.cli import main
from layout.yamlfile import MAX_BYTES

from conftest import write_edition

EDITION = """\
edition:
  title: 碳达峰碳中和工作简报
  issue_label: 10月刊
  date: 2021-10
  publisher: 中国电子技术标准化研究院
  copyright: 版权归属赛西所有，引用转载请注明出处
  keywords: [碳达峰, 碳中和]
chapters:
  - title: 标准进展
    articles:
      - title: 团体标准正式发布
        body: |
          第一段。

          第二段。
        sources:
          - url: https://example.org/a
back_page:
  title: 赛西碳索
  text: 中国电子技术标准化研究院（赛西）。
  contacts:
    - {label: 联系电话, value: 010-64102702}
  qr: https://example.org/qr
"""
# Body paragraphs are on lines 13 and 15, column 11.

BILLION_LAUGHS = "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9) if i else ', '.join(['lol'] * 9)}]\n" for i in range(10))


@dataclass(frozen=True)
class At:
    """The location of the first occurrence of ``needle`` in the broken file."""

    needle: str

    def resolve(self, text: str) -> str:
        index = text.index(self.needle)
        line = text.count("\n", 0, index) + 1
        return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


@dataclass(frozen=True)
class Case:
    name: str
    fragment: str
    where: str | At
    edit: tuple[str, str] | None = None
    """Replace this with that in the edition."""
    style_edit: tuple[str, str] | None = None
    """Replace this with that in the edition's styles/briefing.yaml (the problem is there)."""
    raw: bytes | None = None
    """The edition's bytes, instead of an edit."""
    setup: Callable[[Path, pytest.MonkeyPatch], None] | None = None
    """Prepare files beside the edition."""


def png(name: str, fmt: str = "PNG") -> Callable[[Path, pytest.MonkeyPatch], None]:
    return lambda folder, _: Image.new("RGB", (8, 6), "white").save(folder / name, fmt)


def write(name: str, data: bytes) -> Callable[[Path, pytest.MonkeyPatch], None]:
    return lambda folder, _: (folder / name).write_bytes(data)


def unreadable(name: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = folder / name
        Image.new("RGB", (8, 6), "white").save(path)
        path.chmod(0)
        if os.geteuid() == 0:  # root reads anything: make the open fail as it would for a user
            original = Path.open

            def refuse(self, *args, **kwargs):
                if self.name == name:
                    raise PermissionError(13, "Permission denied", str(self))
                return original(self, *args, **kwargs)

            monkeypatch.setattr(Path, "open", refuse)
    return setup


def body(markdown: str) -> tuple[str, str]:
    """Replace the second paragraph (line 15, column 11) by ``markdown``."""
    return ("第二段。", markdown.replace("\n", "\n          "))


CASES = [
    # -- YAML syntax
    Case("tab indent", "tab character", "2:1", ("  title: 碳达峰", "\ttitle: 碳达峰")),
    Case("unclosed quote", "quoted text that starts here is never closed", "3:16",
         ("  issue_label: 10月刊", '  issue_label: "10月刊')),
    Case("bad indentation", "indentation does not line up", "3:2", ("  issue_label:", " issue_label:")),
    Case("unclosed bracket", "'[' list that starts here is never closed", "7:13",
         ("[碳达峰, 碳中和]", "[碳达峰, 碳中和")),
    Case("colon in a value", "put the whole value in quotes", "3:20",
         ("issue_label: 10月刊", "issue_label: 10月刊: 特刊")),
    Case("two documents", "keep one edition per file", "24:1", ("  qr: https://example.org/qr\n",
                                                                "  qr: https://example.org/qr\n---\na: 1\n")),
    Case("undefined alias", "no matching anchor", "2:10", ("  title: 碳达峰碳中和工作简报", "  title: *name")),
    Case("control character", "control character U+0007", "2:12", ("碳达峰碳中和工作简报", "碳达\x07峰碳中和工作简报")),
    # -- document shape and types
    Case("not a mapping", "must be a mapping with 'edition:'", "1:1", raw="- edition\n- chapters\n".encode()),
    Case("a bare word", "must be a mapping with 'edition:'", "1:1", raw=b"hello\n"),
    Case("title is a list", "expected text, found a list", "2:10",
         ("  title: 碳达峰碳中和工作简报", "  title: [a, b]")),
    Case("chapters is a mapping", "expected a list, found a mapping", "9:5",
         ("  - title: 标准进展\n    articles:", "    title: 标准进展\n    articles:")),
    Case("body is a number", "expected text, found the number 42", "12:15",
         ("body: |\n          第一段。\n\n          第二段。", "body: 42")),
    Case("articles is empty value", "expected a list, found nothing", "10:14",
         (EDITION[EDITION.index("      - title: 团体"):EDITION.index("back_page:")], "")),
    # -- required and unknown keys
    Case("missing field", "missing required field 'publisher'", "2:3", ("  publisher: 中国电子技术标准化研究院\n", "")),
    Case("missing body", "missing required field 'body'", "11:9",
         ("        body: |\n          第一段。\n\n          第二段。\n", "")),
    Case("unknown key", "did you mean 'copyright'", "6:3", ("  copyright:", "  copyrigth:")),
    Case("unknown article key", "did you mean 'sources'", "16:9", ("        sources:", "        sorces:")),
    Case("duplicate key", "duplicate key 'title'", "6:3", ("  copyright:", "  title: again\n  copyright:")),
    Case("non-word key", "a key must be a plain word", "6:5", ("  copyright:", "  ? [a]\n  : x\n  copyright:")),
    # -- empty parts
    Case("chapter without articles", "a chapter needs at least one article", "10:15",
         ("    articles:\n      - title: 团体标准正式发布\n        body: |\n          第一段。\n\n          第二段。\n"
          "        sources:\n          - url: https://example.org/a\n", "    articles: []\n")),
    Case("no chapters", "add at least one chapter", "8:11",
         (EDITION[EDITION.index("chapters:"):EDITION.index("back_page:")], "chapters: []\n")),
    Case("empty body", "text is empty", "12:15", ("body: |\n          第一段。\n\n          第二段。", 'body: ""')),
    Case("blank title", "write some text", "11:16", ("title: 团体标准正式发布", 'title: "   "')),
    Case("body with no paragraph", "the text has no paragraphs", "13:11",
         ("第一段。\n\n          第二段。", "<!-- 待补 -->")),
    # -- dates
    Case("month 13", "month 13 does not exist", "4:9", ("date: 2021-10", "date: 2021-13")),
    Case("30 February", "has no day 30", "4:9", ("date: 2021-10", "date: 2021-02-30")),
    Case("29 February of a common year", "has no day 29", "4:9", ("date: 2021-10", "date: 2021-02-29")),
    Case("year 0000", "year 0000 is out of range", "4:9", ("date: 2021-10", "date: 0000-10")),
    Case("date in words", "YYYY-MM", "4:9", ("date: 2021-10", "date: 十月")),
    Case("date is a number", "expected text, found the number 2021", "4:9", ("date: 2021-10", "date: 2021")),
    # -- URLs
    Case("source url", "http:// or https://", "17:18", ("url: https://example.org/a", "url: htp:/x")),
    Case("url with a space", "with no spaces", "17:18",
         ("url: https://example.org/a", "url: https://example.org/a b")),
    Case("qr url", "http:// or https://", "23:7", ("qr: https://example.org/qr", "qr: example.org/qr")),
    Case("link target", "is not a web address", "15:11", body("见[通知](www.example.org)。")),
    Case("javascript link", "is not a web address", "15:11", body("见[通知](javascript:alert(1))。")),
    # -- images
    Case("missing image", "not found", "15:11", body("![图一](figures/x.png)")),
    Case("unreadable image", "cannot be read", "15:11", body("![图一](locked.png)"), setup=unreadable("locked.png")),
    Case("text file as image", "is not a readable PNG or JPEG", "15:11", body("![图一](notes.png)"),
         setup=write("notes.png", "这不是图片".encode())),
    Case("damaged PNG", "is not a readable PNG or JPEG", "15:11", body("![图一](broken.png)"),
         setup=write("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40)),
    Case("empty image file", "is an empty file", "15:11", body("![图一](empty.png)"), setup=write("empty.png", b"")),
    Case("GIF image", "is a GIF image", "15:11", body("![图一](anim.gif)"), setup=png("anim.gif", "GIF")),
    Case("image is a folder", "is a folder", "15:11", body("![图一](figures)"),
         setup=lambda folder, _: (folder / "figures").mkdir()),
    Case("image outside the folder", "outside the edition's folder", "15:11", body("![图一](../x.png)")),
    Case("absolute image path", "outside the edition's folder", "15:11", body("![图一](/etc/hosts)")),
    Case("remote image", "is remote; the program never downloads", "15:11",
         body("![图一](https://example.org/x.png)")),
    Case("image inside a sentence", "give it a paragraph of its own", "15:11", body("如图![图一](fig.png)所示"), setup=png("fig.png")),
    # -- Markdown the layout does not support
    Case("code block", "a code block is not supported", "15:11", body("```\nx = 1\n```")),
    Case("indented code", "indented code block", "15:11", body("    x = 1")),
    Case("block quote", "a block quote ('>') is not supported", "15:11", body("> 引文")),
    Case("raw HTML", "raw HTML", "15:11", body("第二段<b>加粗</b>。")),
    Case("level-1 heading", "a level-1 heading is not supported", "15:11", body("# 大标题")),
    Case("setext heading", "a level-2 heading is not supported", "15:11", body("小标题\n------")),
    Case("nested list", "nested lists are not supported", "16:11", body("- 甲\n  - 乙")),
    Case("inline code", "inline code", "15:11", body("用 `x` 表示")),
    Case("horizontal rule", "a horizontal rule", "15:11", body("***")),
    Case("bold never closed", "finds no bold it opens or closes", "15:11",
         body("**邹骥：我们判断，中国已开始进入到碳达峰平台期。")),
    Case("bold left open by Latin punctuation", "add a space after the closing **", "15:15",
         body("文中所称**Net Zero:**target一词。")),
    Case("underscore bold left literal", "'__' would print as-is", "15:11", body("__邹骥：__我们判断。")),
    # -- encodings and empty files
    Case("GB18030 file", "not UTF-8; save it as UTF-8 (from GB18030", "2:1", raw=EDITION.encode("gb18030")),
    Case("empty file", "file is empty", "1:1", raw=b""),
    Case("only comments", "file has only comments", "1:1", raw="# 待写\n".encode()),
    Case("over the size limit", "-byte limit; split it", "1:1",
         raw=EDITION.encode() + b"#" * MAX_BYTES + b"\n"),
    # -- characters no font has (U+4DAE 䶮 is in the shipped fonts: 通用规范汉字表 has it)
    Case("emoji in a body line", "no font has '\U0001F600' (U+1F600", "15:14", body("第二段\U0001F600。")),
    Case("CJK extension A in a title", "(U+4DB5", "11:18", ("title: 团体标准正式发布", "title: 团体\u4DB5标准正式发布")),
    Case("CJK extension B in back text", "(U+20000", "20:11", ("text: 中国电子", "text: 中国\U00020000电子")),
    # -- safe loading
    Case("python object tag", "the tag '!!python/object/apply:os.system' is not allowed", "2:10",
         ("  title: 碳达峰碳中和工作简报", "  title: !!python/object/apply:os.system [echo pwned]")),
    Case("local tag", "the tag '!include' is not allowed", "2:10",
         ("  title: 碳达峰碳中和工作简报", "  title: !include other.yaml")),
    Case("bad !!int", "is not a valid int", "2:10", ("  title: 碳达峰碳中和工作简报", "  title: !!int many")),
    Case("billion laughs", "alias bomb", "6:5", raw=BILLION_LAUGHS.encode()),
    Case("alias that contains itself", "contains it", "2:10", ("  title: 碳达峰碳中和工作简报", "  title: &a [*a]")),
    Case("merge key", "merge keys ('<<') are not supported", "6:3", ("  copyright:", "  <<: {x: 1}\n  copyright:")),
    # -- style: the edition's, and errors in the style file (reported in that file)
    Case("unknown style", "style 'nosuch' not found", "6:10", ("  copyright:", "  style: nosuch\n  copyright:")),
    Case("style: unknown key", "unknown key; did you mean size?", At("szie"),
         style_edit=("body:             {font: serif, bold_font: serif_bold, size:",
                     "body:             {font: serif, bold_font: serif_bold, szie:")),
    Case("style: length without unit", "'10.5' is not a length; write a number with a unit", At("10.5,"),
         style_edit=("bold_font: serif_bold, size: 10.5pt,", "bold_font: serif_bold, size: 10.5,")),
    Case("style: unknown unit", "'10.5px' is not a length", At("10.5px"),
         style_edit=("bold_font: serif_bold, size: 10.5pt", "bold_font: serif_bold, size: 10.5px")),
    Case("style: unknown face", "no face named 'serf'", At("serf"),
         style_edit=("body:             {font: serif,", "body:             {font: serf,")),
    Case("style: font file missing", "font file 'NoSuchFont.ttf' not found", At("NoSuchFont"),
         style_edit=("{file: NotoSerifSC-Regular.ttf", "{file: NoSuchFont.ttf")),
    Case("style: bad colour", "is not a colour; write #rrggbb", At('"#17604"'),
         style_edit=('accent: "#17604a"', 'accent: "#17604"')),
    Case("style: YAML syntax", "tab character", At("\tmargin_top"),
         style_edit=("  margin_top: 25mm", "\tmargin_top: 25mm")),
]


def make(tmp_path: Path, case: Case, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The broken edition and the file the problem is in."""
    text = EDITION
    if case.edit:
        assert case.edit[0] in text, case.edit[0]
        text = text.replace(*case.edit, 1)
    edition = write_edition(tmp_path, text)
    if case.raw is not None:
        edition.write_bytes(case.raw)
    culprit = edition
    if case.style_edit:
        culprit = tmp_path / "styles" / "briefing.yaml"
        style = culprit.read_text("utf-8")
        assert case.style_edit[0] in style, case.style_edit[0]
        culprit.write_text(style.replace(*case.style_edit, 1), "utf-8")
    if case.setup:
        case.setup(tmp_path, monkeypatch)
    return edition, culprit


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_input_is_reported_where_it_is(tmp_path, monkeypatch, capsys, case, command):
    edition, culprit = make(tmp_path, case, monkeypatch)
    output = tmp_path / "out" / "edition.pdf"
    argv = [command, str(edition)] + (["-o", str(output)] if command == "build" else [])
    started = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    where = case.where.resolve(culprit.read_text("utf-8")) if isinstance(case.where, At) else case.where
    lines = [line for line in err.splitlines() if case.fragment in line]
    assert lines, f"no line with {case.fragment!r} in:\n{err}"
    assert any(line.startswith(f"{culprit}:{where}: ") for line in lines), f"expected at {where}:\n{err}"
    # Every message is "what is wrong; what to do".
    assert all("; " in line for line in lines), lines
    assert not output.exists() and not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob("*.part"))
    assert elapsed < 5, elapsed


def test_the_table_covers_enough_cases():
    assert len(CASES) >= 30


def test_billion_laughs_is_rejected_fast(tmp_path, capsys):
    edition = write_edition(tmp_path, BILLION_LAUGHS)
    started = time.perf_counter()
    assert main(["validate", str(edition)]) == 1
    assert time.perf_counter() - started < 1.0
    assert "alias bomb" in capsys.readouterr().err


def test_python_tag_never_runs(tmp_path, capsys):
    marker = tmp_path / "pwned"
    text = EDITION.replace("  title: 碳达峰碳中和工作简报",
                           f"  title: !!python/object/apply:os.system ['touch {marker}']")
    assert main(["validate", str(write_edition(tmp_path, text))]) == 1
    assert not marker.exists()


def test_all_problems_in_one_run(tmp_path, capsys):
    text = (EDITION.replace("copyright:", "copyrigth:").replace("date: 2021-10", "date: 2021-13")
            .replace("url: https://example.org/a", "url: htp:/x"))
    assert main(["validate", str(write_edition(tmp_path, text))]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) >= 4, err  # unknown key, missing copyright, bad url, and the summary
    assert err[-1].endswith("nothing was written")


def test_many_problems_after_the_schema_in_one_run(tmp_path, capsys):
    text = EDITION.replace("date: 2021-10", "date: 2021-13").replace(*body("![图](x.png)\n\n**甲：乙"))
    assert main(["validate", str(write_edition(tmp_path, text))]) == 1
    err = capsys.readouterr().err
    assert "month 13" in err and "not found" in err and "would print as-is" in err


def test_escaped_asterisks_are_not_reported(tmp_path, capsys):
    text = EDITION.replace(*body(r"\*\*注：\*\*见附件"))
    assert main(["validate", str(write_edition(tmp_path, text))]) == 0, capsys.readouterr().err
