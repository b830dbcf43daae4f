"""The editors' month (issue 12): new → build --all → verify; tampering caught; a corrected
re-issue; an unchanged build --all that does nothing; the metadata of revisions.

One temporary publication folder holds the reference edition and two small ones; the
reference is built once. Every command runs in-process through ``layout.cli.main``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import BUILT, REFERENCE
from PIL import Image

from layout.archive.new import advance_label
from layout.check import check_pdf
from layout.cli import main
from layout.errors import InputError
from layout.load import load_issue

SMALL = """\
edition:
  title: 碳达峰碳中和工作简报
  issue_label: {label}
  date: {date}
  publisher: 中国电子技术标准化研究院
  copyright: 版权归属赛西所有，引用转载请注明出处
chapters:
  - title: 标准进展
    articles:
      - title: 一篇短文
        body: |
          截至 2020 年底，全国风电累计装机达到 2.81 亿千瓦。
{figure}
back_page:
  title: 赛西碳索
  text: 中国电子技术标准化研究院（赛西）。
  contacts:
    - {{label: 联系电话, value: 010-64102702}}
"""
FIGURE = "\n          ![图1 装机容量](figures/trend.png)\n"
REVISION = "  revision: {number: 2, date: 2021-10-20, note: 第1.1条的装机容量更正为2.81亿千瓦}\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def manifest(publication: Path) -> dict:
    return json.loads((publication / "output" / "manifest.json").read_text("utf-8"))["editions"]


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("publication")
    issues = folder / "issues"
    (issues / "figures").mkdir(parents=True)
    shutil.copy(REFERENCE, issues / "2021-10.yaml")
    Image.new("RGB", (600, 300), (30, 90, 160)).save(issues / "figures" / "trend.png", dpi=(300, 300))
    (issues / "2021-08.yaml").write_text(SMALL.format(label="8月刊", date="2021-08", figure=""), "utf-8")
    (issues / "2021-09.yaml").write_text(SMALL.format(label="9月刊", date="2021-09", figure=FIGURE), "utf-8")
    return folder


def tamper(pdf_path: Path, old: str, new: str) -> None:
    """Change ``old`` to ``new`` in the text of a built PDF and save it again as PDF/A-1b, as
    issue 12 did: the /ActualText of the line (what copy, search and extraction read)."""
    def encode(text: str) -> bytes:
        return text.encode("utf-16-be").hex().upper().encode()

    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        changed = 0
        for page in pdf.pages:
            data = page.Contents.read_bytes()
            if encode(old) in data:
                page.Contents.write(data.replace(encode(old), encode(new)))
                changed += 1
        assert changed == 1, f"{old!r} is not in one page's text"
        pdf.save(pdf_path, **pikepdf.pdfa.resolve_save_kwargs("1b", deterministic_id=True))


def test_the_editors_month(publication, capsys):
    issues, output = publication / "issues", publication / "output"

    # 1. new: the next edition from the latest (the reference), one stub chapter to fill
    assert run(capsys, "new", "2021-11", "--in", str(publication))[0] == 0
    started = issues / "2021-11.yaml"
    text = started.read_text("utf-8")
    reference = REFERENCE.read_text("utf-8")
    assert "issue_label: 11月刊" in text and "date: 2021-11" in text
    for fixed in ("title: 碳达峰碳中和工作简报", "publisher: 中国电子技术标准化研究院", "copyright: 版权归属赛西所有"):
        assert fixed in text and fixed in reference
    assert reference[reference.index("back_page:"):].strip() in text  # the closing page, line for line
    code, said = run(capsys, "new", "2021-11", "--in", str(publication))
    assert code == 1 and "already exists" in said and started.read_text("utf-8") == text
    code, said = run(capsys, "validate", str(started))
    stub_line = next(n for n, line in enumerate(text.splitlines(), 1) if "TODO: the article's text" in line)
    assert code == 1 and re.search(rf"2021-11\.yaml:{stub_line}:\d+: chapters\[0\]\.articles\[0\]\.body: .*fill this in",
                                   said), said
    started.write_text(text.replace("TODO: the chapter's title", "标准进展")
                       .replace("TODO: the article's title", "一篇短文")
                       .replace("TODO: the article's text", "全国碳市场累计成交量达到 1.79 亿吨。"), "utf-8")

    # build --all builds all four, records them; verify is clean
    code, said = run(capsys, "build", "--all", str(publication), "--jobs", "2")
    assert code == 0, said
    assert "4 built, 0 up to date, 0 failed" in said
    editions = manifest(publication)
    assert sorted(editions) == ["2021-08", "2021-09", "2021-10", "2021-11"]
    for key, entry in editions.items():
        pdf = output / f"{key}.pdf"
        assert entry["sha256"] == sha256(pdf) and entry["pdf"] == f"output/{key}.pdf"
        assert entry["inputs"][f"issues/{key}.yaml"] == sha256(issues / f"{key}.yaml")
        assert entry["revision"] == 1 and entry["pdf_a"] == "1b" and entry["history"][0]["sha256"] == entry["sha256"]
        with pikepdf.open(pdf) as opened:
            assert entry["pages"] == len(opened.pages) and entry["title"] == str(opened.docinfo.Title)
        BUILT.append((pdf, "1b"))
    assert editions["2021-09"]["inputs"]["issues/figures/trend.png"] == sha256(issues / "figures" / "trend.png")
    assert any(name.endswith(".ttf") for name in editions["2021-10"]["inputs"])
    assert editions["2021-10"]["versions"]["briefing-layout"] and editions["2021-10"]["versions"]["reportlab"]
    code, said = run(capsys, "verify", str(publication))
    assert code == 0 and "clean: 4 editions" in said, said

    # a second run with nothing changed builds nothing and says so
    times = {key: (output / f"{key}.pdf").stat().st_mtime_ns for key in editions}
    clock = time.perf_counter()
    code, said = run(capsys, "build", "--all", str(publication))
    seconds = time.perf_counter() - clock
    assert code == 0 and "nothing to build; all 4 editions are up to date" in said, said
    assert times == {key: (output / f"{key}.pdf").stat().st_mtime_ns for key in editions}
    assert seconds < 2, f"an unchanged build --all took {seconds:.2f} s"

    # 2. tamper with the reference's PDF: still a PDF/A that check passes; verify names it
    archived = (output / "2021-10.pdf").read_bytes()
    tamper(output / "2021-10.pdf", "2.81", "5.81")
    assert not [result for result in check_pdf(output / "2021-10.pdf") if result.failed]
    code, said = run(capsys, "verify", str(publication))
    assert code == 1, said
    assert re.search(r"^output/2021-10\.pdf: changed after archiving", said, re.MULTILINE), said
    assert "1 drift" in said and "2021-09" not in said
    # an input changed without a rebuild, and a PDF missing: each named
    Image.new("RGB", (600, 300), (160, 90, 30)).save(issues / "figures" / "trend.png", dpi=(300, 300))
    (output / "2021-08.pdf").unlink()
    code, said = run(capsys, "verify", str(publication))
    assert code == 1
    assert re.search(r"^issues/figures/trend\.png: an input of 2021-09 changed without a rebuild", said, re.MULTILINE), said
    assert re.search(r"^output/2021-08\.pdf: missing", said, re.MULTILINE) and "3 drifts" in said, said
    (output / "2021-10.pdf").write_bytes(archived)  # the archived file restored

    # 3. a corrected re-issue of 2021-09 → build --all rebuilds what changed → verify is clean
    original = (output / "2021-09.pdf").read_bytes()
    source = (issues / "2021-09.yaml").read_text("utf-8")
    (issues / "2021-09.yaml").write_text(source.replace("chapters:", REVISION.replace("2021-10-20", "2021-09-20")
                                                        + "chapters:", 1), "utf-8")
    code, said = run(capsys, "build", "--all", str(publication))
    assert code == 0 and "2 built, 2 up to date, 0 failed" in said, said
    code, said = run(capsys, "verify", str(publication))
    assert code == 0, said
    entry = manifest(publication)["2021-09"]
    assert entry["revision"] == 2 and [item["revision"] for item in entry["history"]] == [1, 2]
    assert entry["history"][0]["sha256"] == hashlib.sha256(original).hexdigest()
    assert entry["history"][1]["sha256"] == entry["sha256"] == sha256(output / "2021-09.pdf")
    assert "装机容量更正" in entry["history"][1]["note"]
    BUILT.append((output / "2021-09.pdf", "1b"))


def test_a_failing_edition_is_listed_and_the_others_build(tmp_path, capsys):
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "2021-08.yaml").write_text(SMALL.format(label="8月刊", date="2021-08", figure=""), "utf-8")
    broken = SMALL.format(label="9月刊", date="2021-13", figure="")
    (tmp_path / "issues" / "2021-09.yaml").write_text(broken, "utf-8")
    code, said = run(capsys, "build", "--all", str(tmp_path))
    assert code == 1
    assert re.search(r"2021-09\.yaml:4:9: edition\.date: month 13 does not exist", said), said
    assert "1 built, 0 up to date, 1 failed" in said and (tmp_path / "output" / "2021-08.pdf").is_file()
    assert sorted(manifest(tmp_path)) == ["2021-08"]


def test_verify_rebuild_catches_a_forged_manifest(tmp_path, capsys):
    """A PDF replaced together with its manifest hash passes a plain verify; the rebuild does not."""
    (tmp_path / "issues").mkdir()
    edition = tmp_path / "issues" / "2021-08.yaml"
    edition.write_text(SMALL.format(label="8月刊", date="2021-08", figure=""), "utf-8")
    assert run(capsys, "build", str(edition))[0] == 0  # a single build records the manifest too
    assert run(capsys, "verify", str(tmp_path), "--rebuild")[0] == 0
    pdf = tmp_path / "output" / "2021-08.pdf"
    tamper(pdf, "2.81", "5.81")
    path = tmp_path / "output" / "manifest.json"
    path.write_text(path.read_text("utf-8").replace(manifest(tmp_path)["2021-08"]["sha256"], sha256(pdf)), "utf-8")
    assert run(capsys, "verify", str(tmp_path))[0] == 0
    code, said = run(capsys, "verify", str(tmp_path), "--rebuild")
    assert code == 1 and "2021-08: a rebuild is not byte-identical to the archived PDF" in said, said


def test_revisions_share_the_document_id(tmp_path, capsys):
    (tmp_path / "issues").mkdir()
    edition = tmp_path / "issues" / "2021-10.yaml"
    edition.write_text(SMALL.format(label="10月刊", date="2021-10", figure=""), "utf-8")
    originals, revised = tmp_path / "original", tmp_path / "revised"
    for variant in ("1b", "2b"):
        assert run(capsys, "build", str(edition), "-o", str(originals / f"{variant}.pdf"), "--pdf-a", variant)[0] == 0
    edition.write_text(edition.read_text("utf-8").replace("chapters:", REVISION + "chapters:", 1), "utf-8")
    for variant in ("1b", "2b"):
        assert run(capsys, "build", str(edition), "-o", str(revised / f"{variant}.pdf"), "--pdf-a", variant)[0] == 0
    BUILT.extend([(originals / "1b.pdf", "1b"), (revised / "1b.pdf", "1b")])

    def read(path: Path) -> tuple[dict, dict]:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            xmp = {key: meta.get(key) for key in ("xmpMM:DocumentID", "xmpMM:InstanceID", "xmpMM:VersionID",
                                                  "dc:publisher", "dc:date", "xmp:ModifyDate", "xmp:CreateDate")}
            return xmp, {**json.loads(str(pdf.docinfo["/BriefingRevision"])), "mod": str(pdf.docinfo.ModDate)}

    for variant in ("1b", "2b"):
        (before, before_info), (after, after_info) = read(originals / f"{variant}.pdf"), read(revised / f"{variant}.pdf")
        assert before["xmpMM:DocumentID"] == after["xmpMM:DocumentID"] and before["xmpMM:DocumentID"].startswith("uuid:")
        assert (before["xmpMM:VersionID"], after["xmpMM:VersionID"]) == ("1", "2")
        assert before_info["instance_id"] != after_info["instance_id"]
        assert set(before["dc:publisher"]) == set(after["dc:publisher"]) == {"中国电子技术标准化研究院"}
        assert after["dc:date"][0].startswith("2021-10-01") and after["dc:date"][-1].startswith("2021-10-20")
        assert after["xmp:ModifyDate"].startswith("2021-10-20") and after["xmp:CreateDate"].startswith("2021-10-01")
        assert after_info["note"] == "第1.1条的装机容量更正为2.81亿千瓦" and after_info["mod"].startswith("D:20211020")
        if variant == "2b":  # XMP 2005; PDF/A-1's predefined schemas have no InstanceID (layout.archival)
            assert after["xmpMM:InstanceID"] == after_info["instance_id"] != before["xmpMM:InstanceID"]
        else:
            assert after["xmpMM:InstanceID"] is None
    results = check_pdf(revised / "1b.pdf")
    assert not [result for result in results if result.failed], results
    import pdfplumber

    with pdfplumber.open(revised / "1b.pdf") as pdf:
        last = pdf.pages[-1].extract_text()
    assert "第2版（2021-10-20修订）：第1.1条的装机容量更正为2.81亿千瓦" in last.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize(("label", "old", "new", "expected"), [
    ("10月刊", (2021, 10), (2021, 11), "11月刊"),
    ("12月刊", (2021, 12), (2022, 1), "1月刊"),
    ("2022年第3期", (2022, 3), (2022, 4), "2022年第4期"),
    ("2022年第12期", (2022, 12), (2023, 1), "2023年第1期"),
    ("第07期", (2022, 3), (2022, 5), "第09期"),
    ("总第41期", (2022, 3), (2022, 4), "总第42期"),
    ("十月刊", (2021, 10), (2021, 11), None),
    ("2022年第3期（总第41期）", (2022, 3), (2022, 4), None),
    ("第7期", (2022, 12), (2023, 1), None),
])
def test_the_issue_label_advances_in_its_own_form(label, old, new, expected):
    assert advance_label(label, old, new) == expected


def test_a_label_it_cannot_read_is_left_to_the_editor(tmp_path, capsys):
    (tmp_path / "issues").mkdir()
    text = SMALL.format(label="特刊", date="2021-08", figure="")
    (tmp_path / "issues" / "2021-08.yaml").write_text(text, "utf-8")
    code, said = run(capsys, "new", "2021-09", "--in", str(tmp_path / "issues"))
    assert code == 0 and "note: the issue label" in said
    started = (tmp_path / "issues" / "2021-09.yaml").read_text("utf-8")
    line = next(n for n, row in enumerate(started.splitlines(), 1) if row.startswith("  issue_label:"))
    code, said = run(capsys, "validate", str(tmp_path / "issues" / "2021-09.yaml"))
    assert code == 1 and re.search(rf":{line}:\d+: edition\.issue_label: .*fill this in", said), said


def test_an_edition_without_back_page_is_refused(tmp_path):
    text = SMALL.format(label="8月刊", date="2021-08", figure="")
    path = tmp_path / "edition.yaml"
    path.write_text(text[:text.index("back_page:")], "utf-8")
    with pytest.raises(InputError) as caught:
        load_issue(path)
    message = str(caught.value.problems[0])
    assert message.startswith(f"{path}:1:1: ") and "missing required field 'back_page'" in message
    assert "copy the back_page block from the previous edition" in message and "briefing new" in message


def test_new_without_editions_or_a_publication(tmp_path, capsys):
    code, said = run(capsys, "new", "2021-11", "--in", str(tmp_path))
    assert code == 1 and "no issues/ folder" in said
    (tmp_path / "issues").mkdir()
    code, said = run(capsys, "new", "2021-11", "--in", str(tmp_path))
    assert code == 1 and "no edition to start from" in said
    code, said = run(capsys, "new", "../x", "--in", str(tmp_path))
    assert code == 1 and "is not an edition id" in said
