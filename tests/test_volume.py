"""``briefing volume``: a publication folder with the reference edition and two small ones of
2021, bound into one PDF and read back: ``check`` (Preflight included) passes, the outline
nests edition → chapter → article as the YAML does, the TOC lists editions and chapters at
the pages where they land, folios run through or restart per edition with labels to match,
each font is embedded once, and every paragraph extracts as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REFERENCE
from test_copy_paste import EXTRACTORS, _body_text, _mismatches, _paragraphs

from layout.check import CHECKS, PdfView, check_pdf, check_pdfa_preflight
from layout.cli import main
from layout.load import load_issue

SMALL_CHAPTERS = {
    11: [("标准进展", ["《温室气体排放核算》国家标准发布", "碳足迹标识试点启动"]), ("地方动态", ["某省印发碳达峰实施方案"])],
    12: [("宏观政策", ["2030年前碳达峰行动方案解读"])],
}
BODY = ("本月，{title}。文件明确了适用范围、核算边界和报告要求，提出到2025年基本建立统一规范的碳排放统计核算体系，"
        "为实现碳达峰碳中和目标提供数据支撑。各地有关部门将结合实际抓好贯彻落实，加强宣传解读和培训，"
        "推动重点行业企业开展核算与报告工作。")


def small_edition(month: int, chapters: list[tuple[str, list[str]]], style: str | None = None) -> str:
    """A small edition of 2021 with the reference's publisher, copyright and back page."""
    reference = REFERENCE.read_text("utf-8")
    head = reference[reference.index("edition:"):reference.index("chapters:")]
    head = head.replace("issue_label: 10月刊", f"issue_label: {month}月刊").replace("date: 2021-10", f"date: 2021-{month:02d}")
    if style:
        head = head.replace("edition:\n", f"edition:\n  style: {style}\n", 1)
    text = head + "chapters:\n"
    for title, articles in chapters:
        text += f"  - title: {title}\n    articles:\n"
        for article in articles:
            body = BODY.format(title=article)
            text += f"      - title: {article}\n        body: |\n          {body}\n\n          {body}\n"
    return text + reference[reference.index("back_page:"):]


def make_publication(folder: Path) -> Path:
    issues = folder / "issues"
    issues.mkdir(parents=True)
    shutil.copy(REFERENCE, issues / "2021-10.yaml")
    for month, chapters in SMALL_CHAPTERS.items():
        (issues / f"2021-{month}.yaml").write_text(small_edition(month, chapters), "utf-8")
    (issues / "2020-12.yaml").write_text(small_edition(12, SMALL_CHAPTERS[12]).replace("2021", "2020"), "utf-8")
    styles = folder / "styles"
    styles.mkdir()
    (styles / "per-edition.yaml").write_text("base: briefing\nvolume:\n  folios: per_edition\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return make_publication(tmp_path_factory.mktemp("volume"))


@pytest.fixture(scope="module")
def volume(publication) -> Path:
    assert main(["volume", "2021", str(publication), "-q"]) == 0
    return publication / "output" / "2021-volume.pdf"


@pytest.fixture(scope="module")
def per_edition(publication) -> Path:
    output = publication / "output" / "per-edition.pdf"
    assert main(["volume", "2021", str(publication), "--style", "per-edition", "-o", str(output), "-q"]) == 0
    return output


def audit(pdf: Path) -> list:
    """Every row of ``briefing check`` but Preflight (run once, on the continuous volume)."""
    view = PdfView(pdf)
    try:
        rows = [check(view) for check in CHECKS if check is not check_pdfa_preflight]
        return [row for found in rows for row in (found if isinstance(found, list) else [found])]
    finally:
        view.close()


def editions(publication: Path) -> list[Path]:
    return sorted((publication / "issues").glob("2021-*.yaml"))


def test_check_passes_preflight_included(volume):
    failed = [f"{r.name}: {r.detail}" for r in check_pdf(volume) if r.failed]
    assert not failed, failed


def test_outline_nests_edition_chapter_article(volume, publication):
    issues = [load_issue(path) for path in editions(publication)]
    with pikepdf.open(volume) as pdf, pdf.open_outline() as outline:
        tops = list(outline.root)
        assert [top.title for top in tops] == [f"{i.edition.title} 2021年{i.edition.issue_label}" for i in issues]
        for top, issue in zip(tops, issues, strict=True):
            assert [c.title.split("、", 1)[1] for c in top.children] == [c.title for c in issue.chapters]
            for node, chapter in zip(top.children, issue.chapters, strict=True):
                assert [a.title.split(" ", 1)[1] for a in node.children] == [a.title for a in chapter.articles]
                assert all(not a.children for a in node.children)


def test_toc_lists_editions_and_chapters_at_their_pages(volume, publication):
    issues = [load_issue(path) for path in editions(publication)]
    view = PdfView(volume)
    try:
        texts = [entry.text for entry in view.toc]
        assert len(texts) == len(issues) + sum(len(i.chapters) for i in issues)  # no articles
        assert all(entry.folio == view.labels[entry.target] for entry in view.toc)
        assert view.labels[:2] == ["i", "ii"] and view.labels[2] == "1"
        assert view.labels[2:] == [str(n) for n in range(1, len(view.labels) - 1)]  # continuous
        page = view.toc[0].target  # the first edition's title page carries its title
        assert "2021年10月刊" in "".join(line.text for line in view.lines(page)).replace(" ", "")
    finally:
        view.close()


def test_folios_per_edition(per_edition, publication):
    months = [load_issue(path).edition.month for path in editions(publication)]
    with pikepdf.open(per_edition) as pdf:
        labels = [page.label for page in pdf.pages]
    body = labels[2:]
    assert [label.split("-")[0] for label in body if label.endswith("-1")] == [str(m) for m in months]
    for month in months:
        own = [label for label in body if label.startswith(f"{month}-")]
        assert own == [f"{month}-{n}" for n in range(1, len(own) + 1)]
    failed = [f"{r.name}: {r.detail}" for r in audit(per_edition) if r.failed]
    assert not failed, failed  # the footers print these folios; the TOC names them


def test_fonts_embedded_once(volume):
    """One document: each face is embedded once for the whole year (one Type0 font,
    layout.cidfonts), no character of a face in it twice, as twelve editions' PDFs put
    together would have it."""
    per_face: dict[str, list[str]] = {}
    with pikepdf.open(volume) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/ToUnicode" in obj:
                face = str(obj.BaseFont).split("+")[-1]
                cmap = obj.ToUnicode.read_bytes().decode("ascii")
                per_face.setdefault(face, []).append(re.findall(r"<[0-9A-F]{4}> <([0-9A-F]{4,8})>", cmap))
    assert per_face
    for face, fonts in per_face.items():
        assert len(fonts) == 1, f"{face} is embedded {len(fonts)} times"
        assert fonts[0] and len(fonts[0]) == len(set(fonts[0])), face


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_text_extracts_as_written(volume, publication, extractor):
    copyright = load_issue(REFERENCE).edition.copyright
    _, body = _body_text(volume, EXTRACTORS[extractor](volume), copyright)
    paragraphs = [p for path in editions(publication) for p in _paragraphs(path, "（{label}：{url}）")]
    problems = _mismatches(paragraphs, body)
    assert not problems, "\n".join(problems[:8])


def test_a_year_without_editions_is_refused(publication, capsys):
    assert main(["volume", "1999", str(publication)]) == 1
    error = capsys.readouterr().err
    assert "no edition of 1999" in error and str(publication / "issues") in error


def test_editions_must_share_their_copyright(tmp_path, capsys):
    folder = make_publication(tmp_path)
    edition = folder / "issues" / "2021-11.yaml"
    edition.write_text(edition.read_text("utf-8").replace("copyright: 版权归属赛西所有", "copyright: 版权所有"), "utf-8")
    assert main(["volume", "2021", str(folder), "-q"]) == 1
    error = capsys.readouterr().err
    assert f"{edition}:" in error and "edition.copyright: '版权所有" in error and "2021-12.yaml" in error
    assert not (folder / "output" / "2021-volume.pdf").exists()


def test_labels_that_skip_a_folio_fail_check(per_edition, tmp_path):
    """The per-edition labels are held to 1, 2, 3 … within each prefix: a volume whose labels
    skip one (11-2, 11-3 … where 11-1, 11-2 … is printed) fails the labels row and the footers row."""
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(per_edition) as pdf:
        nums = pdf.Root.PageLabels.Nums
        for i in range(1, len(nums), 2):
            if str(nums[i].get("/P", "")) == "11-":
                nums[i].St = 2
        pdf.save(damaged)
    rows = {r.name: r for r in audit(damaged) if "label" in r.name or "footer" in r.name or "copyright" in r.name}
    assert all(r.failed for r in rows.values()) and len(rows) == 2, rows
