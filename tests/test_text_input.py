"""Text at its edges: control characters, invisible line separators, line endings,
decomposed Unicode, and web addresses with Chinese characters."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pikepdf
import pytest

from conftest import build, write_edition
from layout.cli import main
from layout.markup import link_target
from pdfread import Pdf

EDITION = """\
edition:
  title: {title}
  issue_label: 特刊
  date: 2022-03-15
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 文本
    articles:
      - title: {article}
        body: |
          {body}

          第二段。
        sources:
          - {{label: 消息来源, url: "{url}"}}
back_page:
  title: 联系我们
"""
DEFAULTS = dict(title="测试简报", article="文本的边界", body="第一段。", url="https://example.org/news")


def edition_text(**fields: str) -> str:
    return EDITION.format(**{**DEFAULTS, **fields})


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().err.splitlines()


CONTROL_ESCAPES = [  # (written in a double-quoted title, code point, name in the message)
    ("\\a", 0x07, "BEL"), ("\\e", 0x1B, "ESC"), ("\\x1b", 0x1B, "ESC"), ("\\u0007", 0x07, "BEL"),
    ("\\0", 0x00, "NUL"), ("\\b", 0x08, "backspace"), ("\\r", 0x0D, "carriage return"),
    ("\\x7f", 0x7F, "DEL"), ("\\x9b", 0x9B, "an invisible control character"), ("\\N", 0x85, "NEL"),
    ("\\L", 0x2028, "line separator"), ("\\P", 0x2029, "paragraph separator"),
]


@pytest.mark.parametrize("escape,code,name", CONTROL_ESCAPES, ids=[e[0] for e in CONTROL_ESCAPES])
def test_a_control_character_from_an_escape_is_refused_at_the_escape(tmp_path, capsys, escape, code, name):
    path = write_edition(tmp_path, edition_text(title=f'"测试{escape}简报"'))
    expected = (f"{path}:2:13: edition.title: control character U+{code:04X} ({name}) cannot be printed; "
                "delete it (in a double-quoted value, the escape that makes it, such as \\a or \\x1b; for a "
                "line break write the text as a | block)")
    assert run(capsys, "validate", str(path)) == (1, [expected, "1 problem; nothing was written"])
    assert run(capsys, "build", str(path), "-o", str(tmp_path / "x.pdf"))[0] == 1
    assert not (tmp_path / "x.pdf").exists()


def test_escapes_are_found_after_an_escaped_backslash_and_on_later_lines(tmp_path, capsys):
    path = write_edition(tmp_path, edition_text(article='"一\\\\a二\\n三\\a四"'))
    # 一 \\ a 二 \n 三 \a: the \\a is a backslash and an 'a'; the BEL is the second \a.
    line = EDITION.splitlines().index("      - title: {article}") + 1
    column = len("      - title: ") + 1 + len('"一\\\\a二\\n三')
    assert run(capsys, "validate", str(path))[1][0].startswith(
        f"{path}:{line}:{column}: chapters[0].articles[0].title: control character U+0007 (BEL)")


RAW_CONTROLS = [("\x07", "U+0007"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x9b", "U+009B"), ("\x00", "U+0000")]


@pytest.mark.parametrize("char,code", RAW_CONTROLS, ids=[c[1] for c in RAW_CONTROLS])
def test_a_raw_control_character_is_refused_at_its_line_and_column(tmp_path, capsys, char, code):
    path = write_edition(tmp_path, edition_text(body=f"第一{char}段。"))
    line = EDITION.splitlines().index("          {body}") + 1
    code_, err = run(capsys, "validate", str(path))
    assert code_ == 1
    assert err[0].startswith(f"{path}:{line}:13: control character {code} ")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"], ids=["U+2028", "U+2029", "NEL"])
def test_unicode_line_separators_are_refused_where_an_editor_shows_them(tmp_path, capsys, separator):
    # PyYAML counts each as a line break, so a report counted its way would put everything
    # after the first one line too low; editors do not break lines there. A later problem
    # (a BEL escape in the article's title) is reported in the same run, at its own line.
    text = edition_text(title=f"测试{separator}简报", body=f"第一段{separator}继续。", article='"文\\a章"')
    path = write_edition(tmp_path, text)
    body_line = EDITION.splitlines().index("          {body}") + 1
    article_line = EDITION.splitlines().index("      - title: {article}") + 1
    code, err = run(capsys, "validate", str(path))
    name = {"\u2028": "line separator", "\u2029": "paragraph separator", "\x85": "NEL"}[separator]
    advice = (f"an invisible {name} (U+{ord(separator):04X}), usually pasted from Word or a web page; "
              "delete it, and press Enter where a new line was meant")
    assert code == 1
    assert err[:2] == [f"{path}:2:12: edition.title: {advice}",
                       f"{path}:{article_line}:18: chapters[0].articles[0].title: control character U+0007 (BEL) "
                       "cannot be printed; delete it (in a double-quoted value, the escape that makes it, such as "
                       "\\a or \\x1b; for a line break write the text as a | block)"]
    assert err[2] == f"{path}:{body_line}:14: chapters[0].articles[0].body: {advice}"
    assert err[3] == "3 problems; nothing was written"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_line_numbers_are_right_with_windows_and_old_mac_line_endings(tmp_path, capsys, newline):
    text = edition_text().replace("date: 2022-03-15", "date: 2022-13-15")
    path = write_edition(tmp_path, "")
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    code, err = run(capsys, "validate", str(path))
    assert (code, err[0]) == (1, f"{path}:4:9: edition.date: month 13 does not exist; write YYYY-MM with a "
                                 "month from 01 to 12")


def test_decomposed_unicode_draws_as_its_composed_form(tmp_path, capsys):
    title, body = "Café 简报", "拼音 lǜ sè（绿色）与 Ångström。"
    nfd_title, nfd_body = unicodedata.normalize("NFD", title), unicodedata.normalize("NFD", body)
    assert nfd_title != title and nfd_body != body
    path = write_edition(tmp_path, edition_text(article=nfd_title, body=nfd_body))
    assert run(capsys, "validate", str(path)) == (0, [])
    output = tmp_path / "nfd.pdf"
    assert build(path, output) == 0
    pdf = Pdf(output)
    text = "".join(pdf.page_text(i) for i in range(len(pdf))).replace(" ", "")
    assert title.replace(" ", "") in text and "lǜ" in text and "Ångström" in text
    assert "\u0301" not in text and "\u030c" not in text


def test_a_character_no_font_has_is_still_refused_after_normalising(tmp_path, capsys):
    path = write_edition(tmp_path, edition_text(body="第一段 a\u0301\u0301 。"))  # á + a second acute: no composed form
    code, err = run(capsys, "validate", str(path))
    assert code == 1 and "U+0301" in err[0]


def uris(path) -> list[bytes]:
    with pikepdf.open(path) as pdf:
        return [bytes(annotation.A.URI) for page in pdf.pages for annotation in page.get("/Annots", [])
                if "/A" in annotation and "/URI" in annotation.A]


def test_source_and_inline_links_with_chinese_are_ascii_uris_by_one_function(tmp_path):
    source = "https://例子.中国/政策/碳达峰?主题=碳中和#第二节"
    inline = "https://www.gov.cn/zhengce/碳达峰.htm?q=绿色 低碳"
    path = write_edition(tmp_path, edition_text(url=source, body=f"见[通知](<{inline}>)。"))
    output = tmp_path / "links.pdf"
    assert build(path, output) == 0
    written = uris(output)
    expected = [link_target(inline).encode("ascii"), link_target(source).encode("ascii")]
    assert written == expected
    assert written[1] == (b"https://xn--fsqu00a.xn--fiqs8s/%E6%94%BF%E7%AD%96/%E7%A2%B3%E8%BE%BE%E5%B3%B0"
                          b"?%E4%B8%BB%E9%A2%98=%E7%A2%B3%E4%B8%AD%E5%92%8C#%E7%AC%AC%E4%BA%8C%E8%8A%82")
    assert unquote(written[0].decode()) == inline
    # The printed source line shows the address as the editor wrote it.
    pdf = Pdf(output)
    assert "例子.中国/政策/碳达峰" in "".join(pdf.page_text(i) for i in range(len(pdf)))


@pytest.mark.parametrize("url", ["https://example.org/a%20b?x=%E7%A2%B3", "https://example.org/news?id=1&lang=zh",
                                 "https://例子.中国/路径", "mailto:张三@例子.cn"])
def test_link_target_is_ascii_and_idempotent(url):
    once = link_target(url)
    assert once.isascii() and link_target(once) == once
