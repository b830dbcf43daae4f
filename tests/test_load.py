"""Reading editions: every problem reported with its file:line:col and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from layout.errors import InputError
from layout.load import load_issue
from layout.model import Figure, ListBlock, Paragraph, Subheading, Table

MINIMAL = """\
edition:
  title: 碳达峰碳中和工作简报
  issue_label: 10月刊
  date: 2021-10
  publisher: 中国电子技术标准化研究院
  copyright: 版权归属赛西所有，引用转载请注明出处
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
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edition.yaml"
    path.write_text(text, "utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_issue(write(tmp_path, text))
    return [str(problem) for problem in caught.value.problems]


def test_minimal_edition_loads(tmp_path):
    issue = load_issue(write(tmp_path, MINIMAL))
    article = issue.chapters[0].articles[0]
    assert (issue.edition.year, issue.edition.month, issue.edition.day) == (2021, 10, None)
    assert [block.runs[0].text for block in article.blocks] == ["第一段。", "第二段。"]
    assert article.blocks[1].location.line == 14
    assert article.sources[0].label is None  # the style's default label


CASES = [
    # (description, replace this, with this, expected fragment, line:col)
    ("tab", "  title: 碳达峰", "\ttitle: 碳达峰", "tab character", "2:1"),
    ("unclosed quote", "  issue_label: 10月刊", '  issue_label: "10月刊', "YAML syntax error", None),
    ("missing field", "  publisher: 中国电子技术标准化研究院\n", "", "missing required field 'publisher'", "2:3"),
    ("unknown key", "  copyright:", "  copyrigth:", "did you mean 'copyright'", "6:3"),
    ("wrong type", "  title: 碳达峰碳中和工作简报", "  title: [a, b]", "expected text, found a list", "2:10"),
    ("bad date", "date: 2021-10", "date: 2021-13", "month 13 does not exist", "4:9"),
    ("impossible day", "date: 2021-10", "date: 2021-02-30", "has no day 30", "4:9"),
    ("date format", "date: 2021-10", "date: 十月", "YYYY-MM", "4:9"),
    ("bad url", "url: https://example.org/a", "url: htp:/x", "http:// or https://", "16:18"),
    ("empty articles", "    articles:\n      - title: 团体标准正式发布\n        body: |\n          第一段。\n\n          第二段。\n"
     "        sources:\n          - url: https://example.org/a\n", "    articles: []\n", "list is empty", "9:15"),
    ("code block", "第二段。", "第二段。\n\n          ```\n          x\n          ```", "code block is not supported", "16:11"),
    ("html", "第二段。", "第二段。<b>粗</b>", "raw HTML", "14:11"),
    ("level-1 heading", "第二段。", "# 大标题", "use '### ' for a subheading", "14:11"),
    ("remote image", "第二段。", "![图](https://example.org/x.png)", "is remote", "14:11"),
    ("missing image", "第二段。", "![图](figures/x.png)", "not found", "14:11"),
    ("escaping image", "第二段。", "![图](../x.png)", "outside the edition's folder", "14:11"),
    ("link target", "第二段。", "[点此](www.example.org)", "is not a web address", "14:11"),
    ("duplicate key", "  copyright:", "  title: again\n  copyright:", "duplicate key 'title'", "6:3"),
]


@pytest.mark.parametrize("name, old, new, fragment, where", CASES, ids=[case[0] for case in CASES])
def test_problem_is_reported_where_it_is(tmp_path, name, old, new, fragment, where):
    assert old in MINIMAL
    found = problems(tmp_path, MINIMAL.replace(old, new, 1))
    matching = [p for p in found if fragment in p]
    assert matching, found
    if where:
        assert any(f"edition.yaml:{where}:" in p for p in matching), matching


def test_all_problems_in_one_run(tmp_path):
    text = MINIMAL.replace("copyright:", "copyrigth:").replace("date: 2021-10", "date: 10/2021")
    found = problems(tmp_path, text)
    assert len(found) >= 3  # unknown key, missing copyright, bad date


def test_not_a_mapping(tmp_path):
    assert "must be a mapping" in problems(tmp_path, "- a\n- b\n")[0]


def test_not_utf8(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_bytes(MINIMAL.encode("gb18030"))
    with pytest.raises(InputError, match="not UTF-8.*GB18030"):
        load_issue(path)


def test_empty_file(tmp_path):
    assert "file is empty" in problems(tmp_path, "\n")[0]


def test_body_blocks(tmp_path):
    Image.new("RGB", (4, 3), "white").save(tmp_path / "fig.png")
    body = ("### 小标题\n\n一段**加粗**和[链接](https://example.org)。\n\n- 甲\n- 乙\n\n"
            "| 列 | 值 |\n|---|---|\n| a | 1 |\n\n![图一](fig.png)\n")
    text = MINIMAL.replace("第一段。\n\n          第二段。", body.replace("\n", "\n          ").rstrip())
    blocks = load_issue(write(tmp_path, text)).chapters[0].articles[0].blocks
    assert [type(b) for b in blocks] == [Subheading, Paragraph, ListBlock, Table, Figure]
    bold = [run for run in blocks[1].runs if run.bold]
    assert bold[0].text == "加粗"
    assert [run.href for run in blocks[1].runs if run.href] == ["https://example.org"]


def test_soft_line_breaks_vanish_between_chinese_characters(tmp_path):
    text = MINIMAL.replace("第一段。", "第一\n          段 and\n          more。")
    runs = load_issue(write(tmp_path, text)).chapters[0].articles[0].blocks[0].runs
    assert runs[0].text == "第一段 and more。"


def test_an_impossible_date_is_reported_with_the_structural_problems(tmp_path):
    path = tmp_path / "e.yaml"
    path.write_text("edition:\n  title: x\n  issue_label: x\n  date: 2021-13\n  publisher: x\n"
                    "  copyright: x\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_issue(path)
    messages = [str(problem) for problem in caught.value.problems]
    assert any("missing required field 'chapters'" in m for m in messages), messages
    assert any(m.startswith(f"{path}:4:9: edition.date: month 13 does not exist") for m in messages), messages
