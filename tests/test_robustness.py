"""Whatever an editor does to the YAML, the outcome is a good PDF or located messages;
whatever happens to a build (an error, Ctrl-C, SIGKILL), the previous PDF survives."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from layout.cli import main

from conftest import REFERENCE, ROOT, write_edition

REFERENCE_TEXT = REFERENCE.read_text("utf-8")
SMALL_TEXT = REFERENCE_TEXT[:REFERENCE_TEXT.index("  # 二、国际视野")] + REFERENCE_TEXT[REFERENCE_TEXT.index("back_page:"):]
"""The reference's edition block, first chapter and closing page: every key the reference uses, in
1/20 of its text, so that a mutation that still validates costs a small layout (validate lays the
edition out), not the reference's ~1.5 s."""
SMALL_LINES = SMALL_TEXT.splitlines(keepends=True)

LOCATED = re.compile(r"^[^:]+:\d+(:\d+)?: ")
SUMMARY = re.compile(r"^\d+ problems?; nothing was written$")

# Text an editor might paste: YAML punctuation, indentation, CJK, full-width marks, Markdown.
SPLICE_ALPHABET = st.sampled_from(list(
    " \t\n:-#&*!|>'\"{}[],?%@`\\<" + "碳达峰中和标准：，。“”（）《》、" + "**__#>![]()0123456789abcxyz"
    + "\u00a0\u3000\U0001F600\u4DB5"))
RETYPED_VALUES = ["", "42", "3.5", "true", "null", "[]", "{}", "[a, b]", "{a: 1}", "'x'", '"unclosed',
                  "|", ">-", "&anchor x", "*nowhere", "!!python/object/apply:os.system [true]", "2021-13",
                  "2021-02-30", "htp:/x", "![图](../x.png)", "**邹骥：**我们"]


@st.composite
def mutated_reference(draw) -> str:
    """The small reference edition (SMALL_TEXT) with one to three random edits."""
    lines = list(SMALL_LINES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "retype", "rename", "splice", "truncate",
                                     "dedent", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i:i + draw(st.integers(1, 5))]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "retype" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(RETYPED_VALUES))}\n"
        elif kind == "rename" and ":" in lines[i]:
            key, rest = lines[i].split(":", 1)
            lines[i] = f"{key}{draw(st.sampled_from(['x', 's', '_', '2', '字']))}:{rest}"
        elif kind == "splice":
            at = draw(st.integers(0, len(lines[i])))
            text = draw(st.text(SPLICE_ALPHABET, min_size=1, max_size=12))
            lines[i] = lines[i][:at] + text + lines[i][at:]
        elif kind == "truncate":
            text = "".join(lines)
            lines = (text[:draw(st.integers(0, len(text)))]).splitlines(keepends=True) or [""]
        elif kind == "dedent":
            lines[i] = lines[i][1:]
        elif kind == "indent":
            lines[i] = " " + lines[i]
        if not lines:
            lines = [""]
    return "".join(lines)


def assert_complete_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), (len(data), data[-40:])


@pytest.fixture(scope="module")
def previous_pdf_path(tmp_path_factory) -> Path:
    """A good PDF that every failed build must leave untouched."""
    output = tmp_path_factory.mktemp("previous") / "previous.pdf"
    folder = tmp_path_factory.mktemp("small")
    assert main(["build", str(write_edition(folder, SMALL_TEXT)), "-o", str(output)]) == 0
    return output


@pytest.fixture
def previous_pdf(previous_pdf_path) -> bytes:
    return previous_pdf_path.read_bytes()


BUILDS_PER_OUTCOME = 4
builds_done = {0: 0, 1: 0}


# BRIEFING_FUZZ_EXAMPLES=5000 for a longer hunt.
@settings(max_examples=int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", 60)), deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=mutated_reference())
def test_a_mutated_edition_builds_or_is_reported_with_locations(capsys, previous_pdf_path, text):
    """Every example is validated; the first few that pass and the first few that fail are also
    built over a previous PDF (building is ~1 s, validating ~0.05 s)."""
    previous_pdf = previous_pdf_path.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        edition = write_edition(Path(folder), text)
        code = run_and_check(capsys, ["validate", str(edition)])
        if builds_done[code] >= BUILDS_PER_OUTCOME:
            return
        builds_done[code] += 1
        target = Path(folder) / "out" / "edition.pdf"
        target.parent.mkdir()
        target.write_bytes(previous_pdf)
        assert run_and_check(capsys, ["build", str(edition), "-o", str(target)]) == code
        leftovers = [p.name for p in target.parent.iterdir() if p != target]
        assert not leftovers, leftovers
        if code == 0:
            assert_complete_pdf(target)
        else:
            assert target.read_bytes() == previous_pdf


def run_and_check(capsys, argv: list[str]) -> int:
    """Run the CLI; exit 0, or 1 with only located messages and the summary; never a traceback."""
    capsys.readouterr()  # only what this run prints
    code = main(argv)
    event(f"{argv[0]} exit {int(code)}")
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 1), (code, err)
    if code == 1:
        lines = err.splitlines()
        assert lines and SUMMARY.match(lines[-1]), err
        strays = [line for line in lines[:-1] if not LOCATED.match(line)]
        assert not strays, err
    return int(code)


@pytest.mark.xdist_group("test_robustness")  # the property test's worker (conftest groups it by its fixture)
def test_the_mutations_built_both_good_and_bad_editions():
    """Runs after the property test (file order): it must not have been vacuous."""
    if not any(builds_done.values()):
        pytest.skip("only meaningful after the property test above")
    assert builds_done[0] >= 1 and builds_done[1] >= 1, builds_done


# -- interrupted builds ----------------------------------------------------------

def large_edition(folder: Path, copies: int = 6) -> Path:
    """The reference with its chapters repeated: several seconds of rendering."""
    start = REFERENCE_TEXT.index("chapters:\n") + len("chapters:\n")
    end = REFERENCE_TEXT.index("back_page:")
    text = REFERENCE_TEXT[:end] + REFERENCE_TEXT[start:end] * (copies - 1) + REFERENCE_TEXT[end:]
    return write_edition(folder, text, "large.yaml")


def start_build(edition: Path, target: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "layout", "build", str(edition), "-o", str(target)],
                            cwd=edition.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def interrupt_mid_build(tmp_path: Path, previous_pdf: bytes, how: signal.Signals):
    edition = large_edition(tmp_path)
    target = tmp_path / "out" / "target.pdf"
    target.parent.mkdir()
    target.write_bytes(previous_pdf)
    process = start_build(edition, target)
    time.sleep(2.5)  # past loading and checks (< 1 s), well inside rendering (~6 s)
    assert process.poll() is None, process.communicate()
    process.send_signal(how)
    _, err = process.communicate(timeout=30)
    return process.returncode, err.decode("utf-8", "replace"), target


def test_sigkill_mid_build_leaves_the_previous_pdf(tmp_path, previous_pdf):
    code, err, target = interrupt_mid_build(tmp_path, previous_pdf, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert target.read_bytes() == previous_pdf
    # SIGKILL cannot be caught, so a temporary file could survive if the kill landed while
    # writing it; the guarantee is only that it never takes the target's name. (The PDF is
    # rendered in memory first, so in practice there is none.)
    others = [p.name for p in target.parent.iterdir() if p != target]
    assert all(re.fullmatch(r"\.target\.pdf\..+\.part", name) for name in others), others


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_mid_build_leaves_the_previous_pdf_and_no_temp_file(tmp_path, previous_pdf, how):
    code, err, target = interrupt_mid_build(tmp_path, previous_pdf, how)
    assert code == 130, err
    assert "Traceback" not in err, err
    assert "interrupted" in err
    assert target.read_bytes() == previous_pdf
    assert [p.name for p in target.parent.iterdir()] == ["target.pdf"]


def test_interrupt_while_writing_removes_the_temp_file(tmp_path, monkeypatch):
    """Ctrl-C between the temporary file and the rename: the target is kept, the temp removed."""
    from layout import build

    target = tmp_path / "target.pdf"
    target.write_bytes(b"%PDF-1.7 previous %%EOF")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(build.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.write_atomic(target, b"%PDF-1.7 new, never seen %%EOF")
    assert target.read_bytes() == b"%PDF-1.7 previous %%EOF"
    assert [p.name for p in tmp_path.iterdir()] == ["target.pdf"]


def test_first_build_into_a_missing_folder_is_whole(tmp_path, previous_pdf):
    target = tmp_path / "new" / "deeper" / "target.pdf"
    from layout.build import write_atomic

    write_atomic(target, previous_pdf)
    assert target.read_bytes() == previous_pdf
    assert_complete_pdf(target)


def test_no_network_is_touched(tmp_path, monkeypatch, capsys):
    """Validation and a whole build run with every socket refused; a remote image is an error."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the program opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    edition = write_edition(tmp_path, REFERENCE_TEXT)
    assert main(["build", str(edition), "-o", str(tmp_path / "out.pdf")]) == 0
    remote = REFERENCE_TEXT.replace("这是我市首个低碳团体标准。", "这是我市首个低碳团体标准。\n\n          "
                                    "![图](https://example.org/x.png)", 1)
    assert remote != REFERENCE_TEXT
    assert main(["validate", str(write_edition(tmp_path, remote, "remote.yaml"))]) == 1
    assert "is remote" in capsys.readouterr().err
