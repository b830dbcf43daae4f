"""The command line: exit codes, messages, where files are found and written, and every case
of issue 9 (a user's or the environment's mistake is exit 1 with what to do, never exit 70)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from layout import build as build_module
from layout.cli import main
from layout.publication import builtin_dir, publication_folder
from layout.styles import load_style

from conftest import REFERENCE, ROOT, write_edition

TINY = """\
edition:
  title: 测试简报
  issue_label: 1月刊
  date: 2022-01
  publisher: 测试出版单位
  copyright: 版权所有
chapters:
  - title: 标准进展
    articles:
      - title: 一篇短文
        body: |
          碳达峰碳中和工作简报的一篇短文，只为测试命令行。
back_page:
  title: 联系我们
  contacts:
    - {label: 电话, value: 010-12345678}
"""


def copy_edition(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    """The reference edition in tmp_path, optionally with one edit."""
    text = REFERENCE.read_text("utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace, 1)
    return write_edition(tmp_path, text, "2021-10.yaml")


def tiny(folder: Path, name: str = "tiny.yaml") -> Path:
    """A one-article edition in ``folder``, with no styles/ or fonts/ of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(TINY, "utf-8")
    return path


def error_line(err: str) -> str:
    """The message: one line, saying what is wrong and (after ';') what to do."""
    assert "Traceback" not in err and "internal error" not in err, err
    first = err.strip().splitlines()[0]
    assert ";" in first, first
    return first


@pytest.fixture(scope="module")
def tiny_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    assert main(["build", str(tiny(folder)), "--quiet"]) == 0
    return folder / "output" / "tiny.pdf"


def test_usage_error_exits_2(capsys):
    assert main(["build"]) == 2
    assert main(["frobnicate"]) == 2


def test_validate_says_it_builds_without_writing(tmp_path, capsys, monkeypatch):
    calls = []
    real = build_module.make_archival
    monkeypatch.setattr(build_module, "make_archival", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    edition = tiny(tmp_path)
    assert main(["validate", str(edition)]) == 0
    out = capsys.readouterr().out
    assert "ok" in out and "nothing was written" not in out
    assert calls == ["1b"], "validate runs the archival finishing and its validation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_validate_fails_where_build_fails_at_the_end(tmp_path, capsys, monkeypatch):
    from layout.archival import ArchivalError

    def broken(*args, **kwargs):
        raise ArchivalError("the finished PDF is not valid")

    monkeypatch.setattr(build_module, "make_archival", broken)
    edition = tiny(tmp_path)
    assert main(["validate", str(edition)]) == 1
    assert main(["build", str(edition)]) == 1
    assert not (tmp_path / "output" / "tiny.pdf").exists()


def test_input_error_exits_1_with_location_and_writes_nothing(tmp_path, capsys):
    edition = copy_edition(tmp_path, ("date: 2021-10", "date: 2021-13"))
    output = tmp_path / "out" / "x.pdf"
    assert main(["build", str(edition), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"{edition}:" in err and "month 13 does not exist" in err
    assert "Traceback" not in err
    assert not output.exists()


def test_failed_build_keeps_the_previous_pdf(tmp_path, capsys):
    edition = tiny(tmp_path)
    output = tmp_path / "out" / "tiny.pdf"
    assert main(["build", str(edition), "-o", str(output)]) == 0
    before = output.read_bytes()
    edition.write_text(TINY.replace("publisher:", "publisherr:"), "utf-8")
    assert main(["build", str(edition), "-o", str(output)]) == 1
    assert output.read_bytes() == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["tiny.pdf"]


def test_character_no_font_has_is_an_error_at_its_line(tmp_path, capsys):
    edition = tiny(tmp_path)
    edition.write_text(TINY.replace("联系我们", "联系我们\U0001F600"), "utf-8")
    line = next(i for i, text in enumerate(edition.read_text("utf-8").splitlines(), 1) if "\U0001F600" in text)
    assert main(["validate", str(edition)]) == 1
    err = capsys.readouterr().err
    assert f"{edition}:{line}:" in err and "U+1F600" in err


# -- where things are found and written (layout.publication) ----------------------


def test_publication_folder():
    assert publication_folder(Path("/x/issues/e.yaml")) == Path("/x")
    assert publication_folder(Path("/x/mine/e.yaml")) == Path("/x/mine")


def test_edition_in_issues_built_from_inside_issues(tmp_path, capsys, monkeypatch):
    """cd issues && briefing build e.yaml: output in the publication's output/, path printed in full."""
    edition = tiny(tmp_path / "pub" / "issues")
    monkeypatch.chdir(edition.parent)
    assert main(["build", edition.name, "--quiet"]) == 0
    written = tmp_path / "pub" / "output" / "tiny.pdf"
    assert written.is_file() and not (edition.parent / "output").exists()
    assert f"wrote {written} (" in capsys.readouterr().out


def test_edition_anywhere_uses_built_in_style_and_fonts(tmp_path, capsys, monkeypatch):
    edition = tiny(tmp_path / "某处 的 简报")
    monkeypatch.chdir("/")
    assert main(["build", str(edition)]) == 0
    assert (edition.parent / "output" / "tiny.pdf").is_file()


def test_styles_copied_alone_find_the_built_in_fonts(tmp_path, capsys):
    """A publication with styles/ (fonts.dirs: [../fonts] pointing nowhere) and no fonts/."""
    edition = write_edition(tmp_path, TINY)
    assert not (tmp_path / "fonts").exists()
    assert main(["validate", str(edition)]) == 0, capsys.readouterr().err


def test_unknown_style_lists_the_styles(tmp_path, capsys):
    edition = tiny(tmp_path)
    (tmp_path / "styles").mkdir()
    shutil.copy(ROOT / "styles" / "briefing.yaml", tmp_path / "styles" / "house.yaml")
    assert main(["validate", str(edition), "--style", "official"]) == 1
    message = error_line(capsys.readouterr().err)
    assert "style 'official' not found" in message
    assert "house (publication)" in message and "briefing (built-in)" in message


def test_styles_command_lists_every_visible_style(tmp_path, capsys):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "house.yaml").write_text("base: briefing\n", "utf-8")
    assert main(["styles", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["house", "publication"] for line in lines)
    assert any(line.split()[:2] == ["briefing", "built-in"] and str(builtin_dir("styles")) in line
               for line in lines)


def test_publication_style_named_like_the_built_in_one_may_derive_from_it(tmp_path, capsys):
    edition = tiny(tmp_path)
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "briefing.yaml").write_text("base: briefing\npage: {margin_left: 30mm}\n", "utf-8")
    assert main(["validate", str(edition)]) == 0, capsys.readouterr().err


def test_derived_style_keeps_its_base_font_folders(tmp_path, capsys):
    """base.yaml in one folder names a font in its own fonts.dirs; derived.yaml elsewhere finds it."""
    house = (ROOT / "styles" / "briefing.yaml").read_text("utf-8")
    assert "dirs: [../fonts]" in house and "file: NotoSerif-Regular.ttf" in house
    base_folder = tmp_path / "house" / "styles"
    base_folder.mkdir(parents=True)
    (tmp_path / "house" / "myfonts").mkdir()
    shutil.copy(builtin_dir("fonts") / "NotoSerif-Regular.ttf", tmp_path / "house" / "myfonts" / "Special.ttf")
    (base_folder / "base.yaml").write_text(house.replace("dirs: [../fonts]", "dirs: [../myfonts]")
                                           .replace("file: NotoSerif-Regular.ttf", "file: Special.ttf"), "utf-8")
    derived = tmp_path / "elsewhere" / "derived.yaml"
    derived.parent.mkdir()
    derived.write_text(f"base: {base_folder / 'base.yaml'}\nfonts:\n  dirs: [mine]\n", "utf-8")
    style = load_style(derived)
    assert str(tmp_path / "house" / "myfonts") in style.fonts.dirs
    assert style.fonts.dirs.index(str(tmp_path / "elsewhere" / "mine")) < \
        style.fonts.dirs.index(str(tmp_path / "house" / "myfonts"))
    assert main(["validate", str(tiny(tmp_path / "e")), "--style", str(derived)]) == 0, capsys.readouterr().err


# -- -o and the environment ----------------------------------------------------------


@pytest.mark.parametrize("target", ["edition", "style", "font"])
def test_output_naming_an_input_is_refused(tmp_path, capsys, target):
    edition = write_edition(tmp_path, TINY)
    style = tmp_path / "styles" / "briefing.yaml"
    font = tmp_path / "fonts" / "NotoSerif-Regular.ttf"
    font.parent.mkdir()
    shutil.copy(builtin_dir("fonts") / "NotoSerif-Regular.ttf", font)
    path = {"edition": edition, "style": style, "font": font}[target]
    before = path.read_bytes()
    assert main(["build", str(edition), "-o", str(path)]) == 1
    message = error_line(capsys.readouterr().err)
    assert "input" in message and "never" in message
    assert path.read_bytes() == before


@pytest.mark.parametrize("case", ["folder", "under a file", "300 bytes", "empty", "read-only"])
def test_output_that_cannot_be_written(tmp_path, capsys, case):
    edition = tiny(tmp_path)
    output = {"folder": str(tmp_path), "under a file": str(edition / "x.pdf"),
              "300 bytes": str(tmp_path / ("长" * 100 + ".pdf")), "empty": "",
              "read-only": "/proc/briefing-test.pdf"}[case]
    assert main(["build", str(edition), "-o", output]) == 1
    error_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


@pytest.mark.parametrize("value", ["99999999999999999", "yesterday", "-5"])
def test_impossible_source_date_epoch(tmp_path, capsys, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert main(["build", str(tiny(tmp_path))]) == 1
    assert "SOURCE_DATE_EPOCH" in error_line(capsys.readouterr().err)


def test_a_bug_is_exit_70(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(build_module, "render_pdf", lambda *a: 1 / 0)
    assert main(["build", str(tiny(tmp_path))]) == 70
    assert "internal error" in capsys.readouterr().err


# -- progress ----------------------------------------------------------------------


def test_progress_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    edition = tiny(tmp_path)
    assert main(["build", str(edition)]) == 0
    assert "render…" not in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["build", str(edition), "--force"]) == 0
    err = capsys.readouterr().err
    assert all(f"{stage}…" in err for stage in ("load", "style", "fonts", "render", "archival", "write"))
    assert main(["build", str(edition), "--quiet", "--force"]) == 0
    assert capsys.readouterr().err == ""


def test_slow_build_says_what_took_the_time(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("layout.cli.SLOW_BUILD", 0.0)
    assert main(["build", str(tiny(tmp_path))]) == 0
    stages = capsys.readouterr().err
    assert "stages:" in stages and "render" in stages and " s" in stages


# -- check: reads only the PDF -------------------------------------------------------


def test_check_needs_no_style_file(tiny_pdf, capsys, monkeypatch):
    """The type area and sizes come from the PDF: with no built-in style to fall back on, check passes."""
    monkeypatch.setattr("layout.audit.DEFAULT_STYLE", Path("/nonexistent/briefing.yaml"))
    monkeypatch.setattr("layout.publication.builtin_dir", lambda kind: Path("/nonexistent"))
    monkeypatch.chdir("/")
    assert main(["check", str(tiny_pdf), "--quiet"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "typography: inside the frame" in out


def test_art_box_is_the_type_area_of_the_style(tmp_path, capsys):
    edition = tiny(tmp_path)
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "briefing.yaml").write_text(
        "base: briefing\npage: {margin_left: 30mm, margin_right: 20mm, margin_top: 40mm}\n", "utf-8")
    assert main(["build", str(edition), "--quiet"]) == 0
    mm = 72 / 25.4
    with pikepdf.open(tmp_path / "output" / "tiny.pdf") as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.ArtBox)
            width, height = float(page.mediabox[2]), float(page.mediabox[3])
            assert (x0, width - x1, height - y1) == pytest.approx((30 * mm, 20 * mm, 40 * mm), abs=0.01)
            assert y0 == pytest.approx(27 * mm, abs=0.01)
    assert main(["check", str(tmp_path / "output" / "tiny.pdf")]) == 0, capsys.readouterr().out


def test_plain_pdf_archival_rows_not_applicable(tmp_path, capsys):
    edition = tiny(tmp_path)
    assert main(["build", str(edition), "--pdf-a", "none", "--quiet"]) == 0
    assert main(["check", str(tmp_path / "output" / "tiny.pdf"), "--quiet"]) == 0
    out = capsys.readouterr().out
    # The two archival rows, and the signature row of an unsigned file.
    assert out.count("N/A ") == 3 and "3 not applicable" in out and "FAIL" not in out
    assert "N/A   PDF/A (pikepdf validator)" in out and "N/A   signature" in out


def _encrypted(path: Path, source: Path) -> None:
    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="o", user="u"))


@pytest.mark.parametrize("case", ["text", "png", "empty", "truncated", "encrypted", "folder", "missing"])
def test_check_on_what_is_not_a_pdf(tmp_path, tiny_pdf, capsys, case):
    path = tmp_path / "input.pdf"
    if case == "text":
        path.write_text("edition:\n  title: 测试\n", "utf-8")
    elif case == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "truncated":
        path.write_bytes(tiny_pdf.read_bytes()[:2000])
    elif case == "encrypted":
        _encrypted(path, tiny_pdf)
    elif case == "folder":
        path.mkdir()
    code = main(["check", str(path)])
    captured = capsys.readouterr()
    if case == "truncated" and code == 1 and not captured.err:
        assert "FAIL" in captured.out  # qpdf recovered what it could: the checks say what is wrong
        return
    assert code == 1
    assert str(path) in error_line(captured.err)


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_check_into_a_closed_pipe(tiny_pdf, reader):
    """briefing check … | head -1 (or a reader that is gone before check writes): no
    BrokenPipeError, and check's own exit code, not 70."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m layout check --json "{tiny_pdf}" | {reader}; '
                       "exit ${PIPESTATUS[0]}"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "BrokenPipe" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert result.stdout.count("\n") == (1 if reader == "head -1" else 0)


def test_check_shows_its_rows_on_a_terminal(tiny_pdf, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["check", str(tiny_pdf)]) == 0
    err = capsys.readouterr().err
    assert "pdfa preflight…" in err and "typography…" in err


def test_missing_preflight_fails_when_required(tiny_pdf, monkeypatch):
    from layout.check import REQUIRE_PREFLIGHT, check_pdf

    monkeypatch.setattr("layout.check.JAVA_DIR", Path("/nonexistent"))
    row = next(r for r in check_pdf(tiny_pdf) if "Preflight" in r.name)
    assert row.status == "skip" or os.environ.get(REQUIRE_PREFLIGHT) == "1"
    monkeypatch.setenv(REQUIRE_PREFLIGHT, "1")
    row = next(r for r in check_pdf(tiny_pdf) if "Preflight" in r.name)
    assert row.status == "fail" and "not installed" in row.detail


def test_pdf_without_a_record_needs_style_for_typography(tiny_pdf, tmp_path, capsys):
    """A PDF made elsewhere (no /BriefingLayout, no /ArtBox): the typography rows are skipped with
    the reason, and --style supplies the type area."""
    stripped = tmp_path / "stripped.pdf"
    with pikepdf.open(tiny_pdf) as pdf:
        del pdf.docinfo["/BriefingLayout"]
        for page in pdf.pages:
            del page.obj["/ArtBox"]
        pdf.save(stripped)
    main(["check", str(stripped), "--json"])
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["typography"]["status"] == "skip" and "--style" in rows["typography"]["detail"]
    main(["check", str(stripped), "--json", "--style", str(builtin_dir("styles") / "briefing.yaml")])
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["typography: inside the frame"]["status"] == "pass"
