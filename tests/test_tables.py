"""Pipe tables on real PDFs: widths, splitting over pages, rules, captions, alignment, refusal.

Editions are written here, built through ``layout.cli.main`` and read back with
pdfplumber (glyph positions, drawn lines) and pypdf (link annotations); every PDF built
must pass ``briefing check``.
"""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from layout.audit import TextFrame, audit_typography
from layout.cli import main
from layout.colour import parse_colour
from layout.errors import InputError, Location
from layout.fonts import register_fonts
from layout.markup import BodyParser
from layout.model import Run, Table
from layout.pages.columns import distribute, is_numeric, min_content
from layout.pages.table import TableFlowable
from layout.pages.typeset import Typesetter
from layout.styles import load_style

from conftest import ROOT, build, write_edition

STYLE = load_style(ROOT / "styles" / "briefing.yaml")
FRAME = TextFrame.from_style(STYLE)
OUTER = STYLE.table.outer_rule.pt()
INNER = STYLE.table.inner_rule.pt()
HAN = "碳达峰碳中和工作稳步推进各地出台实施方案"
URL = "https://www.ndrc.gov.cn/xxgk/zcfb/tz/202110/t20211024_1300725.html?code=&state=123"
LONG_CELL = (HAN * 200)[:3000]
"""A cell taller than a page at any column width the frame allows."""

HEAD = """\
edition:
  title: 表格测试
  issue_label: 特刊
  date: 2022-03
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
"""


def pipe_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def edition(chapters: dict[str, str]) -> str:
    """One chapter per entry (each starts a page), its one article's body a table."""
    out = [HEAD]
    for title, body in chapters.items():
        out.append(f"  - title: {title}\n    articles:\n      - title: {title}测试\n        body: |\n")
        out.append(textwrap.indent(f"表格之前的正文。\n\n{body}\n\n表格之后的正文。\n", " " * 10))
    return "".join(out)


FIFTEEN = pipe_table([f"指标{i + 1}" for i in range(15)], [[f"{(i * 7 + j) % 90 + 1}.5" for i in range(15)]
                                                          for j in range(3)])
WIDE = {
    "十五列": FIFTEEN,
    "长单元格": pipe_table(["项目", "数量", "说明"], [["排放", "3.2亿吨", (HAN * 6)[:120]], ["能耗", "12%", "下降"]]),
    "数字单位": pipe_table(["项目", "数量", "说明"], [["排放", "3.2亿吨", (HAN * 6)[:110]], ["能耗", "25亿～30亿吨", "下降"]]),
    "小数": pipe_table(["地区", "能耗", "增量"], [["河北", "3.27", "1.5亿吨"], ["全国", "49.8", "12亿吨"],
                                             ["合计", "100", "0.25亿吨"]]),
    "链接": pipe_table(["名称", "链接", "说明"], [["通知", f"<{URL}>", HAN], ["方案", "见官网", "无"]]),
}
LONG_ROWS = [[f"省份{i}", f"{i * 1.5:.1f}亿吨", f"{i % 7 - 3}.5%", HAN[:(i * 7) % 20 + 2]] for i in range(90)]
LONG = {
    "长表": "表1 各省份碳排放数据\n" + pipe_table(["省份", "排放量", "同比", "说明"], LONG_ROWS),
    "高行": pipe_table(["项目", "说明"], [["长", LONG_CELL], ["短", "一行"]]),
}


def built(tmp_path_factory, name: str, chapters: dict[str, str]) -> Path:
    folder = tmp_path_factory.mktemp(name)
    output = folder / f"{name}.pdf"
    assert build(write_edition(folder, edition(chapters)), output) == 0
    return output


@pytest.fixture(scope="module")
def wide_pdf(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "wide", WIDE)


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return built(tmp_path_factory, "long", LONG)


# -- reading the PDF ---------------------------------------------------------------------------

_OPENED: dict[Path, pdfplumber.PDF] = {}


def pages_of(path: Path, chapter: str) -> list:
    """The pdfplumber pages of ``chapter`` (it starts with its title; the next chapter or the
    closing page, the last, ends it)."""
    titles = list({**WIDE, **LONG})
    if path not in _OPENED:  # kept open: a PDF collected mid-build warns inside pikepdf's validator
        _OPENED[path] = pdfplumber.open(path)
    pdf = _OPENED[path]
    out, inside = [], False
    for page in pdf.pages[2:-1]:
        text = page.extract_text() or ""
        heads = [title for title in titles if f"、{title}" in text]
        if heads:
            inside = heads[0] == chapter
        if inside:
            out.append(page)
    assert out, chapter
    return out


def baselines(page) -> list[list[dict]]:
    """The page's glyphs (no spaces) inside the text frame, grouped by baseline, sorted by x."""
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        if char["text"].isspace() or not FRAME.top - 1 <= char["bottom"] <= FRAME.bottom + 1:
            continue
        key = round(char["bottom"], 1)
        rows.setdefault(key, []).append(char)
    return [sorted(chars, key=lambda c: c["x0"]) for _, chars in sorted(rows.items())]


def find(page, text: str) -> list[dict] | None:
    """The glyphs of ``text`` if it is set whole on one line of ``page``."""
    for row in baselines(page):
        joined = "".join(c["text"] for c in row)
        at = joined.find(text)
        if at >= 0:
            return row[at:at + len(text)]
    return None


def table_rules(page) -> list[dict]:
    """Horizontal lines drawn in the table's rule colour, top to bottom."""
    color = parse_colour(STYLE.color(STYLE.table.rule_color)).values  # a grey: one DeviceGray value
    lines = [line for line in page.lines if line["top"] == pytest.approx(line["bottom"], abs=0.01)
             and all(abs(a - b) < 0.01 for a, b in zip(_components(line["stroking_color"]), color))]
    return sorted(lines, key=lambda line: line["top"])


def _components(colour) -> tuple:
    """pdfplumber gives a DeviceGray colour as a bare number."""
    return tuple(colour) if isinstance(colour, (tuple, list)) else (colour,)


def table_text(page) -> str:
    return "".join(c["text"] for row in baselines(page) for c in row)


# -- the builds --------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["wide_pdf", "long_pdf"])
def test_every_table_edition_passes_check(which, request, capsys):
    path = request.getfixturevalue(which)
    assert main(["check", str(path)]) == 0, capsys.readouterr().out


def test_fifteen_columns_fit_the_frame(wide_pdf):
    page = pages_of(wide_pdf, "十五列")[0]
    for j in range(3):
        values = [f"{(i * 7 + j) % 90 + 1}.5" for i in range(15)]
        assert find(page, "".join(values)) is not None, values  # one line, column after column
    glyphs = [c for row in baselines(page) for c in row]
    assert min(c["x0"] for c in glyphs) >= FRAME.left - 0.5
    assert max(c["x1"] for c in glyphs) <= FRAME.right + 0.5
    for header in range(1, 16):
        assert f"指标{header}" in table_text(page)


def test_long_cells_wrap_inside_their_column(wide_pdf):
    for chapter, length in (("长单元格", 120), ("数字单位", 110)):
        page = pages_of(wide_pdf, chapter)[0]
        assert (HAN * 6)[:length] in table_text(page)
        label = find(page, "排放")
        assert label is not None, "a two-character row label is never stacked"
        rules = table_rules(page)
        assert rules[0]["x0"] == pytest.approx(FRAME.left, abs=0.5)
        assert rules[0]["x1"] == pytest.approx(FRAME.right, abs=0.5)
        cell = [c for row in baselines(page) for c in row if c["text"] in HAN and c["x0"] > label[-1]["x1"] + 30]
        assert max(c["x1"] for c in cell) <= FRAME.right + 0.5


def test_a_number_and_its_unit_stay_on_one_line(wide_pdf):
    page = pages_of(wide_pdf, "数字单位")[0]
    for value in ("3.2亿吨", "能耗"):
        chars = find(page, value)
        assert chars is not None, f"{value} is broken across lines"
        assert len({round(c["bottom"], 1) for c in chars}) == 1
    assert find(page, "25亿～") is not None and find(page, "30亿吨") is not None


def test_a_long_url_breaks_inside_its_cell_and_links_whole(wide_pdf):
    page = pages_of(wide_pdf, "链接")[0]
    left, right = find(page, "链接说明")[0]["x0"], find(page, "链接说明")[2]["x0"]
    column = "".join(c["text"] for row in baselines(page) for c in row if left - 0.5 <= c["x0"] and c["x1"] < right)
    assert URL in column
    url_lines = [row for row in baselines(page) if any(left - 0.5 <= c["x0"] and c["x1"] < right
                                                       and c["text"].isascii() for c in row)]
    assert len(url_lines) >= 2, "the address is broken over lines"
    reader = PdfReader(wide_pdf)
    uris = {a.get_object()["/A"]["/URI"] for a in reader.pages[page.page_number - 1].get("/Annots", [])}
    assert uris == {URL}


def test_caption_is_centred_above_the_first_part(long_pdf):
    page = pages_of(long_pdf, "长表")[0]
    caption = find(page, "各省份碳排放数据")
    assert caption is not None
    top_rule = table_rules(page)[0]
    assert caption[-1]["bottom"] < top_rule["top"]
    header = find(page, "省份排放量同比说明")
    assert header is not None and header[0]["top"] > top_rule["top"]
    middle = (find(page, "表1")[0]["x0"] + caption[-1]["x1"]) / 2
    assert middle == pytest.approx((FRAME.left + FRAME.right) / 2, abs=1.0)
    for later in pages_of(long_pdf, "长表")[1:]:
        assert find(later, "各省份碳排放数据") is None


def test_long_table_repeats_its_header_and_closes_every_page(long_pdf):
    pages = pages_of(long_pdf, "长表")
    assert len(pages) >= 3
    seen: list[str] = []
    for page in pages:
        rules = table_rules(page)
        widths = [round(rule["linewidth"], 2) for rule in rules]
        assert widths == [OUTER, INNER, OUTER], widths  # three-line table on every page
        header = find(page, "省份排放量同比说明")
        assert header is not None and rules[0]["top"] < header[0]["top"] < rules[1]["top"]
        cells = [c for row in baselines(page) for c in row if rules[1]["bottom"] < c["top"] < rules[2]["top"]]
        assert cells and max(c["bottom"] for c in cells) < rules[2]["top"]
        seen += [row[0] for row in LONG_ROWS if find(page, row[0] + row[1])]
    assert seen == [row[0] for row in LONG_ROWS], "every row once, in order"


def test_numeric_columns_are_right_aligned(long_pdf):
    for page in pages_of(long_pdf, "长表"):
        found = [(row, find(page, "".join(row[:3]))) for row in LONG_ROWS]
        found = [(row, chars) for row, chars in found if chars]
        assert len(found) > 10
        for column in (1, 2):
            ends = [chars[len("".join(row[:column + 1])) - 1]["x1"] for row, chars in found]
            assert max(ends) - min(ends) < 0.05, (column, ends)
        lefts = {round(find(page, row[3])[0]["x0"], 1) for row, _ in found}
        assert len(lefts) == 1, "the text column stays left-aligned"


def test_numbers_of_one_kind_align_on_the_decimal_point(wide_pdf):
    page = pages_of(wide_pdf, "小数")[0]
    points = [find(page, text)[text.index(".")]["x0"] for text in ("3.27", "49.8")]
    assert find(page, "100")[-1]["x1"] == pytest.approx(points[0], abs=0.05)
    assert points[1] == pytest.approx(points[0], abs=0.05)
    units = [find(page, text) for text in ("1.5亿吨", "12亿吨", "0.25亿吨")]
    integers = [chars[len(text.split(".")[0].split("亿")[0]) - 1]["x1"]
                for chars, text in zip(units, ("1.5亿吨", "12亿吨", "0.25亿吨"))]
    assert max(integers) - min(integers) < 0.05, integers
    header = find(page, "地区能耗增量")
    assert header[3]["x1"] == pytest.approx(find(page, "3.27")[-1]["x1"], abs=0.05)  # the longest tail is flush


def test_a_row_taller_than_a_page_is_split_between_its_lines(long_pdf):
    pages = pages_of(long_pdf, "高行")
    assert len(pages) >= 2
    text = ""
    for page in pages:
        rules = table_rules(page)
        assert [round(rule["linewidth"], 2) for rule in rules] == [OUTER, INNER, OUTER]
        assert find(page, "项目说明") is not None, "the header repeats"
        text += table_text(page).split("项目说明", 1)[1].removesuffix("表格之后的正文。")
    assert text == "长" + LONG_CELL + "短一行"


# -- refused, and the pieces ---------------------------------------------------------------------

def test_a_table_that_cannot_fit_is_refused_at_its_line(tmp_path, capsys):
    impossible = pipe_table([f"列{i}" for i in range(15)], [["1234567890123"] * 15])
    text = edition({"不可能": impossible})
    path = write_edition(tmp_path, text)
    line = text.splitlines().index("          | 列0 | 列1 | 列2 | 列3 | 列4 | 列5 | 列6 | 列7 | 列8 | 列9 | 列10 "
                                   "| 列11 | 列12 | 列13 | 列14 |") + 1
    output = tmp_path / "out.pdf"
    assert main(["build", str(path), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line}:11: chapters[0].articles[0].body: table has 15 columns, too wide for the 160 mm" in err
    assert "1234567890123" in err and "split it" in err
    assert not output.exists()


def test_grid_style_rules_every_cell(tmp_path):
    path = write_edition(tmp_path, edition({"网格": pipe_table(["a", "b", "c"], [["1", "2", "3"], ["4", "5", "6"]])}))
    style = path.parent / "styles" / "briefing.yaml"
    style.write_text(style.read_text("utf-8").replace("rules: three_line", "rules: grid"), "utf-8")
    output = tmp_path / "grid.pdf"
    assert build(path, output) == 0
    with pdfplumber.open(output) as pdf:
        page = pdf.pages[2]
        vertical = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.01]
        horizontal = table_rules(page)
    assert len(vertical) == 4 and len(horizontal) == 4  # 3 columns, header + 2 rows
    assert audit_typography(output).ok


def test_caption_is_a_table_number_paragraph_right_before_the_table():
    parser = BodyParser(Location(Path("x.yaml"), 1, 1), "body", Path("."))
    blocks = parser.parse("表 2 排放量\n| a | b |\n|--|--:|\n| 1 | 2 |\n\n表1显示排放下降。\n\n| c |\n|---|\n| 3 |\n")
    first, sentence, second = blocks
    assert isinstance(first, Table) and "".join(r.text for r in first.caption) == "表 2 排放量"
    assert first.align == (None, "right") and first.key_path == "body"
    assert isinstance(second, Table) and second.caption == ()
    assert "".join(r.text for r in sentence.runs) == "表1显示排放下降。"


@pytest.mark.parametrize("text", ["3.2亿吨", "1,234", "-0.5", "30%", "+1.5%", "25亿～30亿", "10亿-12亿吨/年",
                                  "2019—2020", "12.5GW", "2021年"])
def test_numbers_are_recognised(text):
    assert is_numeric(text)


@pytest.mark.parametrize("text", ["排放", "约3亿吨", "COP26", "见附件1", "3.2亿吨左右"])
def test_words_are_not_numbers(text):
    assert not is_numeric(text)


def test_distribution_never_goes_below_min_content():
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randint(1, 12)
        mins = [rng.uniform(5, 60) for _ in range(n)]
        maxs = [m + rng.choice([0, rng.uniform(0, 600)]) for m in mins]
        width = rng.uniform(sum(mins), sum(mins) + 800)
        prefs = [lo + rng.random() * (hi - lo) for lo, hi in zip(mins, maxs)]
        for full, asked in ((True, None), (False, None), (True, prefs), (False, prefs)):
            widths = distribute(mins, maxs, width, full, asked)
            assert all(w >= lo - 1e-6 for w, lo in zip(widths, mins))
            assert sum(widths) <= width + 1e-6
            if full or sum(maxs) > width:
                assert sum(widths) == pytest.approx(width)
            if sum(maxs) <= width:
                assert all(w >= hi - 1e-6 for w, hi in zip(widths, maxs))


def test_columns_get_their_min_content_and_shrink_before_refusing():
    typesetter = Typesetter(STYLE, register_fonts(STYLE))
    runs = lambda text: (Run(text),)  # noqa: E731
    block = Table(tuple(runs(f"标题{i}") for i in range(12)), (tuple(runs("3.2亿吨") for _ in range(12)),),
                  Location(Path("x.yaml"), 3, 5), key_path="body")
    table = TableFlowable(typesetter, block, 700)
    table.fit(453)
    assert table.grid.size < typesetter.size("table")  # twelve 3.2亿吨 need a smaller size
    assert table.grid.size >= STYLE.table.min_size.pt()
    for j, width in enumerate(table.grid.widths):
        cells = [row.cells[j] for row in [table.head, *table.rows]]
        need = max(min_content(cell._text) for cell in cells)
        assert width - 2 * table.grid.pad_x >= need - 1e-6
    with pytest.raises(InputError) as error:
        TableFlowable(typesetter, block, 700).fit(150)
    assert error.value.problems[0].location.line == 3


def test_table_rows_at_the_body_size_are_not_audited_as_paragraphs(tmp_path):
    """Cells side by side are not one justified line: no Han–Latin or flush findings between cells."""
    path = write_edition(tmp_path, edition({"正文字号": WIDE["数字单位"]}))
    style = path.parent / "styles" / "briefing.yaml"
    text = style.read_text("utf-8")
    body = next(line for line in text.splitlines() if line.strip().startswith("body:"))
    table = next(line for line in text.splitlines() if line.strip().startswith("table:") and "{" in line)
    style.write_text(text.replace(table, body.replace("body:", "table:").replace(", first_line_indent: 2em", "")),
                     "utf-8")
    output = tmp_path / "body-size.pdf"
    assert build(path, output) == 0
    report = audit_typography(output, style=style)
    assert report.ok, [str(finding) for finding in report.findings]
    assert report.lines_checked > 5


def test_check_finds_a_collapsed_column(tmp_path, monkeypatch):
    """What the old layout did at 110 characters (columns shared out by the CSS rule alone,
    numbers breakable): ``check`` must fail it."""
    import layout.pages.table as table_module

    def css_only(mins, maxs, width, full, prefs=None):
        wants = [hi - lo for lo, hi in zip(mins, maxs)]
        return [lo + (width - sum(mins)) * want / sum(wants) for lo, want in zip(mins, wants)]

    monkeypatch.setattr(table_module, "bind_numbers", lambda items: None)
    monkeypatch.setattr(table_module, "distribute", css_only)
    monkeypatch.setattr(table_module, "MIN_COLUMN_EMS", 0)
    output = tmp_path / "collapsed.pdf"
    assert build(write_edition(tmp_path, edition({"塌陷": WIDE["数字单位"]})), output) == 0
    report = audit_typography(output)
    assert report.count("table cells") >= 1, [str(finding) for finding in report.findings]


@pytest.mark.parametrize("setting, fragment", [
    ("rules: dotted", "'dotted' is not one of: three_line, grid"),
    ("min_size: 2pt", "table.min_size: 2 pt is out of range"),
    ("outer_rule: -1pt", "table.outer_rule: -1 pt is out of range"),
    ("header_font: nope", "table.header_font: no face named 'nope'"),
    ("rule_color: sepia", "table.rule_color: 'sepia' is neither a colour name"),
    ("stripes: true", "table.stripes: unknown key"),
])
def test_table_style_keys_are_checked_at_their_line(tmp_path, setting, fragment):
    path = write_edition(tmp_path, edition({"样式": "| a |\n|---|\n| 1 |"}))
    style = path.parent / "styles" / "briefing.yaml"
    text = style.read_text("utf-8")
    key = setting.split(":")[0]
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if line.startswith(f"  {key}:") and i > lines.index("table:")),
              lines.index("table:") + 1)
    if lines[at].startswith(f"  {key}:"):
        lines[at] = f"  {setting}"
    else:
        lines.insert(at, f"  {setting}")
    style.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError) as error:
        load_style(style)
    problem = next(p for p in error.value.problems if fragment in str(p))
    assert problem.location.line == at + 1


def random_table(seed: int) -> str:
    """A table of random shape and cells: empty, marks only, numbers, long Han, addresses, words."""
    rng = random.Random(seed)
    pool = ["", "3.2亿吨", "12%", "-0.5", "25亿～30亿吨", "（", "——", "……", "**加粗**", "[链接](https://a.org/x)",
            URL, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij", "COP26", "“引号”", "。", "a", "2021年10月"]

    def cell() -> str:
        return rng.choice(pool) if rng.random() < 0.5 else (HAN * 80)[:rng.choice([1, 2, 5, 20, 60, 120, 400, 1500])]

    columns = rng.choice([1, 2, 3, 4, 6, 10, 15, 25])
    rows = [[cell() for _ in range(columns)] for _ in range(rng.choice([0, 1, 2, 5, 40, 150]))]
    header = [cell() if rng.random() < 0.8 else "" for _ in range(columns)]
    text = pipe_table(header, rows)
    if rng.random() < 0.5:
        text = "表1 标题" + HAN[:rng.randint(0, 20)] + "\n\n" + text
    return "正文。\n\n" * rng.randint(0, 30) + text


@pytest.mark.parametrize("seed", [140, 158, 3, 27, 51])
def test_random_tables_are_set_or_refused_never_crash(seed):
    """Seeds 140 and 158 once ended in ReportLab's "Splitting error" (a table of a header alone)."""
    from layout.document import render_pdf
    from layout.model import Article, Chapter, Edition, Issue

    typesetter = Typesetter(STYLE, register_fonts(STYLE))
    where = Location(Path("x.yaml"), 1, 1)
    parser = BodyParser(where, "body", Path("."))
    blocks = parser.parse(random_table(seed))
    issue = Issue(Path("x.yaml"), Edition("t", "l", 2022, 3, None, "p", "c"),
                  (Chapter("章", (Article("文", blocks, (), where),), where),), None)
    try:
        assert render_pdf(typesetter, issue).pages >= 3
    except InputError as error:
        assert "too wide for the 160 mm text frame" in str(error)
