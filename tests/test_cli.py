"""The command line: exit codes, messages, and output that is never half-written."""

from __future__ import annotations

from pathlib import Path

from layout.cli import main

from conftest import REFERENCE, write_edition


def copy_edition(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    """The reference edition in tmp_path, optionally with one edit."""
    text = REFERENCE.read_text("utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace, 1)
    return write_edition(tmp_path, text, "2021-10.yaml")


def test_usage_error_exits_2(capsys):
    assert main(["build"]) == 2
    assert main(["frobnicate"]) == 2


def test_validate_ok(capsys):
    assert main(["validate", str(REFERENCE)]) == 0
    assert "ok" in capsys.readouterr().out


def test_input_error_exits_1_with_location_and_writes_nothing(tmp_path, capsys):
    edition = copy_edition(tmp_path, ("date: 2021-10", "date: 2021-13"))
    output = tmp_path / "out" / "x.pdf"
    assert main(["build", str(edition), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"{edition}:" in err and "month 13 does not exist" in err
    assert "Traceback" not in err
    assert not output.exists()


def test_failed_build_keeps_the_previous_pdf(tmp_path, capsys):
    edition = copy_edition(tmp_path)
    output = tmp_path / "out" / "2021-10.pdf"
    assert main(["build", str(edition), "-o", str(output)]) == 0
    before = output.read_bytes()
    broken = copy_edition(tmp_path, ("publisher:", "publisherr:"))
    assert main(["build", str(broken), "-o", str(output)]) == 1
    assert output.read_bytes() == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["2021-10.pdf"]


def test_character_no_font_has_is_an_error_at_its_line(tmp_path, capsys):
    edition = copy_edition(tmp_path, ("赛西碳索", "赛西碳索\U0001F600"))
    line = next(i for i, text in enumerate(edition.read_text("utf-8").splitlines(), 1) if "\U0001F600" in text)
    assert main(["validate", str(edition)]) == 1
    err = capsys.readouterr().err
    assert f"{edition}:{line}:" in err and "U+1F600" in err


def test_style_override(tmp_path, capsys):
    edition = copy_edition(tmp_path)
    assert main(["validate", str(edition), "--style", "nonexistent"]) == 1
    assert "file not found" in capsys.readouterr().err
