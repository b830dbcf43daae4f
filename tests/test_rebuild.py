"""An unchanged rebuild (issue 14): ``briefing build EDITION`` a second time answers "up to date"
without touching the PDF, and every input of the key (layout.archive.freshness) that changes
makes it build again: the edition, a figure, the style, a style that now shadows it, the
options, SOURCE_DATE_EPOCH, the PDF itself.

One small edition with a figure is built once; each test works on a copy of that publication
folder (the manifest keeps names relative to it). Commands run in-process through
``layout.cli.main``; one runs in a subprocess to see what the fast path imports.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, Pdf
from test_archive import FIGURE, SMALL
from PIL import Image

from layout.cli import main

EDITION = SMALL.format(label="8月刊", date="2021-08", figure=FIGURE)
UP_TO_DATE = "is up to date; nothing to build"


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A publication folder with one edition (a figure, the house style copied into styles/), built."""
    folder = tmp_path_factory.mktemp("built") / "publication"
    (folder / "issues" / "figures").mkdir(parents=True)
    (folder / "styles").mkdir()
    shutil.copy(ROOT / "styles" / "briefing.yaml", folder / "styles" / "briefing.yaml")
    (folder / "issues" / "2021-08.yaml").write_text(EDITION, "utf-8")
    Image.new("RGB", (600, 300), (30, 90, 160)).save(folder / "issues" / "figures" / "trend.png", dpi=(300, 300))
    assert main(["build", str(folder / "issues" / "2021-08.yaml"), "-q"]) == 0
    return folder


@pytest.fixture
def publication(built, tmp_path) -> Path:
    folder = tmp_path / "publication"
    shutil.copytree(built, folder)
    return folder


def edition_of(publication: Path) -> Path:
    return publication / "issues" / "2021-08.yaml"


def pdf_of(publication: Path) -> Path:
    return publication / "output" / "2021-08.pdf"


def build(capsys, publication: Path, *extra: str) -> str:
    code, said = run(capsys, "build", str(edition_of(publication)), *extra)
    assert code == 0, said
    return said


def assert_rebuilt(capsys, publication: Path, *extra: str) -> str:
    before = pdf_of(publication).stat().st_mtime_ns if pdf_of(publication).exists() else None
    said = build(capsys, publication, *extra)
    assert "wrote" in said and UP_TO_DATE not in said, said
    assert pdf_of(publication).stat().st_mtime_ns != before
    again = [option for option in extra if option != "--force"]
    assert build(capsys, publication, *again).count(UP_TO_DATE) == 1  # recorded: the next one is fast
    return said


def test_an_unchanged_rebuild_touches_nothing(publication, capsys):
    pdf = pdf_of(publication)
    stat, data = pdf.stat(), pdf.read_bytes()
    manifest = (publication / "output" / "manifest.json").read_bytes()
    said = build(capsys, publication)
    assert UP_TO_DATE in said and "wrote" not in said
    assert pdf.read_bytes() == data and pdf.stat().st_mtime_ns == stat.st_mtime_ns
    assert (publication / "output" / "manifest.json").read_bytes() == manifest
    # -o naming the default output is the same build; build --all shares the manifest
    assert UP_TO_DATE in build(capsys, publication, "-o", str(pdf))
    code, said = run(capsys, "build", "--all", str(publication))
    assert code == 0 and "nothing to build" in said


def test_force_rebuilds(publication, capsys):
    said = build(capsys, publication, "--force")
    assert "wrote" in said


def test_an_edited_edition_is_rebuilt(publication, capsys):
    edition = edition_of(publication)
    edition.write_text(EDITION.replace("2.81 亿千瓦", "3.28 亿千瓦"), "utf-8")
    assert_rebuilt(capsys, publication)
    assert "3.28" in Pdf(pdf_of(publication)).page_text(2)


def test_an_edit_within_the_same_timestamp_is_seen(publication, capsys):
    """A file system with coarse times: same size, same mtime, other bytes. The entry hashed
    within RACY_NS of the file's mtime is not trusted."""
    edition = edition_of(publication)
    future = time.time_ns() + 60_000_000_000  # hashed "before" its mtime: racily clean
    os.utime(edition, ns=(future, future))
    assert_rebuilt(capsys, publication, "--force")
    text = edition.read_text("utf-8").replace("2.81", "9.99")
    edition.write_text(text, "utf-8")
    os.utime(edition, ns=(future, future))
    assert_rebuilt(capsys, publication)
    assert "9.99" in Pdf(pdf_of(publication)).page_text(2)


def test_a_changed_figure_is_rebuilt(publication, capsys):
    Image.new("RGB", (600, 300), (200, 30, 30)).save(publication / "issues" / "figures" / "trend.png",
                                                     dpi=(300, 300))
    assert_rebuilt(capsys, publication)


def test_a_changed_style_is_rebuilt(publication, capsys):
    style = publication / "styles" / "briefing.yaml"
    style.write_text(style.read_text("utf-8") + "\n# a comment changes the bytes\n", "utf-8")
    assert_rebuilt(capsys, publication)


def test_a_style_that_now_shadows_another_is_rebuilt(publication, capsys):
    """Without styles/briefing.yaml the built-in is used; adding one changes the lookup."""
    (publication / "styles" / "briefing.yaml").unlink()
    assert_rebuilt(capsys, publication)
    shutil.copy(ROOT / "styles" / "briefing.yaml", publication / "styles" / "briefing.yaml")
    said = assert_rebuilt(capsys, publication)
    assert "wrote" in said


def test_other_options_rebuild(publication, capsys):
    assert_rebuilt(capsys, publication, "--pdf-a", "none")
    assert b"pdfaid" not in pdf_of(publication).read_bytes()
    assert_rebuilt(capsys, publication)
    assert b"pdfaid" in pdf_of(publication).read_bytes()
    assert_rebuilt(capsys, publication, "--style", str(publication / "styles" / "briefing.yaml"))


def test_print_and_another_output_always_build(publication, capsys, tmp_path):
    said = build(capsys, publication, "--print", "--allow-low-res")
    assert "wrote" in said
    other = tmp_path / "elsewhere.pdf"
    assert "wrote" in build(capsys, publication, "-o", str(other))
    assert "wrote" in build(capsys, publication, "-o", str(other))
    assert_rebuilt(capsys, publication)  # the --print build replaced the recorded PDF


def test_source_date_epoch_rebuilds(publication, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert_rebuilt(capsys, publication)
    assert b"20231114" in pdf_of(publication).read_bytes()  # 2023-11-14T22:13:20Z
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert_rebuilt(capsys, publication)


@pytest.mark.parametrize("damage", ["delete", "edit"])
def test_a_deleted_or_edited_pdf_is_rebuilt(publication, capsys, damage):
    pdf = pdf_of(publication)
    good = pdf.read_bytes()
    if damage == "delete":
        pdf.unlink()
    else:
        stat = pdf.stat()
        pdf.write_bytes(good[:-8] + b"%%EOF\n\n\n")  # same size, same mtime: only the hash tells
        os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        cache = publication / "output" / ".briefing-hashes.json"
        entries = json.loads(cache.read_text("utf-8"))
        entries[str(pdf)] = [len(good), stat.st_mtime_ns, hashlib.sha256(good).hexdigest()]  # a trusted entry
        cache.write_text(json.dumps(entries), "utf-8")
    said = assert_rebuilt(capsys, publication)
    assert pdf.read_bytes() == good, said  # the same inputs give the same bytes


def test_strict_rebuilds_an_edition_that_had_warnings(publication, capsys):
    edition = edition_of(publication)
    edition.write_text(EDITION.replace("2.81 亿千瓦", "2.81亿-3.00亿千瓦"), "utf-8")
    said = assert_rebuilt(capsys, publication)
    assert "1 warning" in said
    assert "its last build printed 1 warning" in build(capsys, publication)
    code, said = run(capsys, "build", str(edition), "--strict")
    assert code == 1 and UP_TO_DATE not in said and "nothing was written" in said


def test_the_fast_path_imports_no_stage(built):
    """What an unchanged rebuild imports: the manifest and hash cache readers, not ReportLab."""
    probe = ("import sys; from layout.cli import main; code = main(['build', sys.argv[1], '-q']); "
             "heavy = sorted(m for m in ('reportlab', 'pikepdf', 'yaml', 'PIL', 'layout.build', 'multiprocessing', "
             "'concurrent.futures', 'importlib.metadata') if m in sys.modules); print(code, heavy)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe, str(edition_of(built))], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert UP_TO_DATE in done.stdout


def test_a_font_added_then_changed_is_rebuilt(publication, capsys):
    """A font in the publication's fonts/ is found before the built-in one (a lookup change);
    a new revision of that file is another input."""
    from fontTools.ttLib import TTFont

    fonts = publication / "fonts"
    fonts.mkdir()
    font = fonts / "NotoSans-Regular.ttf"
    shutil.copy(ROOT / "fonts" / "NotoSans-Regular.ttf", font)
    assert_rebuilt(capsys, publication)
    manifest = json.loads((publication / "output" / "manifest.json").read_text("utf-8"))
    assert manifest["editions"]["2021-08"]["inputs"]["fonts/NotoSans-Regular.ttf"]
    with TTFont(font) as face:
        face["head"].fontRevision += 1
        face.save(font)
    assert_rebuilt(capsys, publication)


def test_the_same_style_path_naming_another_file_is_rebuilt(publication, capsys, monkeypatch, tmp_path):
    """--style paths are relative to the working directory: the same words can name another file."""
    monkeypatch.chdir(publication)
    assert_rebuilt(capsys, publication, "--style", "styles/briefing.yaml")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "styles").mkdir(parents=True)
    (elsewhere / "styles" / "briefing.yaml").write_text("base: briefing\npage: {margin_left: 30mm}\n", "utf-8")
    monkeypatch.chdir(elsewhere)
    said = assert_rebuilt(capsys, publication, "--style", "styles/briefing.yaml")
    assert "wrote" in said


def test_another_library_version_rebuilds(publication, capsys, monkeypatch):
    from layout.archive import hashes

    recorded = hashes._library_versions()
    monkeypatch.setattr(hashes, "_library_versions", lambda: tuple(
        (name, version + ".post1" if name == "reportlab" else version) for name, version in recorded))
    assert_rebuilt(capsys, publication)


def test_build_all_force_and_strict(publication, capsys):
    code, said = run(capsys, "build", "--all", str(publication), "--force")
    assert code == 0 and "1 built, 0 up to date" in said
    edition = edition_of(publication)
    edition.write_text(EDITION.replace("2.81 亿千瓦", "2.81亿-3.00亿千瓦"), "utf-8")
    code, said = run(capsys, "build", "--all", str(publication))
    assert code == 0 and "1 built" in said and "warning: " in said
    code, said = run(capsys, "build", "--all", str(publication), "--strict")
    assert code == 1 and "0 built, 0 up to date, 1 failed" in said


def test_build_all_imports_the_stages_once_per_worker(tmp_path):
    """A pool of one process per core: each worker imports the layout stages once, whatever the
    number of editions, and the parent (which only records) never does."""
    from layout.archive.incremental import cores

    (tmp_path / "issues").mkdir()
    for month in ("01", "02", "03"):
        text = SMALL.format(label="8月刊", date=f"2021-{month}", figure="")
        (tmp_path / "issues" / f"2021-{month}.yaml").write_text(text, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run([sys.executable, "-m", "layout", "build", "--all", str(tmp_path), "-q"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("wrote") == 3
    imports = [line for line in done.stderr.splitlines() if line.endswith("| layout.build")]
    assert len(imports) == min(cores(), 3)


def test_a_hand_edited_manifest_never_passes_for_up_to_date(publication, capsys):
    """An entry without the PDF's hash, and a PDF gone: built, not "up to date" (None is no hash)."""
    path = publication / "output" / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["editions"]["2021-08"]["sha256"]
    path.write_text(json.dumps(manifest), "utf-8")
    pdf_of(publication).unlink()
    said = build(capsys, publication)
    assert "wrote" in said and pdf_of(publication).is_file()
