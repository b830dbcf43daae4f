"""The README cannot go stale: every command it shows runs, and every output it shows is real.

- Each ```` ```sh ```` block's commands run in order (``briefing`` is this checkout's
  ``python -m layout``) in a temporary publication folder holding a copy of ``issues/`` and
  ``styles/``; ``/tmp/`` in a command or an output stands for a temporary folder.
- A ```` ```text ```` block right after a ``sh`` block is the output (stdout and stderr) of that
  block's last command, compared line by line. Other prose and blocks may come and go.
- The ```` ```sh setup ```` block (venv, pip, pytest) is not run here: ``tests/test_wheel.py``
  does the same on a fresh venv. Here its commands must be the known set-up commands.

``python tests/test_readme.py --update`` rewrites the output blocks from a real run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(?P<info>[^`]*)$")
SETUP_COMMANDS = (r"python3 -m venv \.venv && \. \.venv/bin/activate",
                  r"pip install -e '\.\[test\]' && briefing build issues/2021-10\.yaml",
                  r"python -m pytest")
PREFLIGHT_ROW = "PDF/A-1b (Apache PDFBox Preflight)"


@dataclass
class Block:
    info: str
    start: int
    """Index of the line after the opening fence."""
    lines: list[str]
    output: Block | None = None
    commands: list[str] = field(default_factory=list)


def read_blocks(text: str) -> list[Block]:
    """The fenced blocks of ``text``; a ``sh`` block gets the ``text`` block that follows it."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = previous_end = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        block = Block(match["info"].strip(), index + 1, lines[index + 1:end])
        previous = blocks[-1] if blocks else None
        between = lines[previous_end + 1:index] if previous else []
        if previous and previous.info == "sh" and block.info == "text" and not "".join(between).strip():
            previous.output = block
        else:
            blocks.append(block)
        previous_end = end
        index = end + 1
    for block in blocks:
        block.commands = _commands(block.lines) if block.info.split()[:1] == ["sh"] else []
    return blocks


def _commands(lines: list[str]) -> list[str]:
    joined = "\n".join(lines).replace("\\\n", " ")
    commands = [re.sub(r"\s+#\s.*$", "", line).strip() for line in joined.splitlines()]
    return [command for command in commands if command and not command.startswith("#")]


@dataclass
class Ran:
    block: Block
    outputs: list[tuple[str, int, str]]
    """Per command: the command, its exit code, what it printed (stdout and stderr)."""


def run_readme(work: Path) -> list[Ran]:
    scratch = work / "scratch"
    publication = work / "publication"
    shim = work / "bin"
    for folder in (scratch, shim):
        folder.mkdir(parents=True)
    shutil.copytree(ROOT / "issues", publication / "issues")
    shutil.copytree(ROOT / "styles", publication / "styles")
    (shim / "briefing").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m layout "$@"\n')
    (shim / "briefing").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    ran = []
    for block in read_blocks(README.read_text("utf-8")):
        if block.info != "sh":
            continue
        outputs = []
        for command in block.commands:
            result = subprocess.run(["bash", "-c", command.replace("/tmp/", f"{scratch}/")], cwd=publication,
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    timeout=600)
            printed = result.stdout.replace(f"{scratch}/", "/tmp/")
            printed = "\n".join(line for line in printed.splitlines() if not line.startswith("stages: "))
            outputs.append((command, result.returncode, printed))
        ran.append(Ran(block, outputs))
    return ran


def preflight_may_be_missing() -> bool:
    from layout.check import REQUIRE_PREFLIGHT, preflight_command

    return preflight_command(Path("x.pdf")) is None and os.environ.get(REQUIRE_PREFLIGHT) != "1"


def compare(expected: list[str], actual: list[str]) -> list[str]:
    """Differences, row by row."""
    problems = []
    if len(expected) != len(actual):
        problems.append(f"{len(expected)} lines shown, {len(actual)} printed")
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), 1):
        if want == got:
            continue
        if PREFLIGHT_ROW in want and PREFLIGHT_ROW in got and got.startswith("SKIP") and preflight_may_be_missing():
            continue
        summary = re.fullmatch(r"\d+ passed, 0 failed, \d+ skipped(, \d+ not applicable)?", want)
        if summary and preflight_may_be_missing():
            continue
        problems.append(f"line {number}:\n  README: {want}\n  ran:    {got}")
    return problems


def test_setup_block_holds_the_known_commands():
    blocks = [block for block in read_blocks(README.read_text("utf-8")) if block.info == "sh setup"]
    assert len(blocks) == 1, "one ```sh setup block"
    assert len(blocks[0].commands) == len(SETUP_COMMANDS)
    for command, pattern in zip(blocks[0].commands, SETUP_COMMANDS, strict=True):
        assert re.fullmatch(pattern, command), f"{command!r}: tests/test_wheel.py runs {pattern!r}"


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory) -> list[Ran]:
    return run_readme(tmp_path_factory.mktemp("readme"))


def test_every_command_runs(readme_run):
    assert len(readme_run) >= 3
    for ran in readme_run:
        for index, (command, code, printed) in enumerate(ran.outputs):
            shows_output = ran.block.output is not None and index == len(ran.outputs) - 1
            allowed = (0, 1) if shows_output else (0,)
            assert code in allowed, f"README line {ran.block.start}: {command!r} exited {code}:\n{printed}"


def test_every_output_shown_is_what_the_command_prints(readme_run):
    problems = []
    for ran in readme_run:
        if ran.block.output is None:
            continue
        command, _, printed = ran.outputs[-1]
        found = compare(ran.block.output.lines, printed.splitlines())
        if found:
            problems.append(f"README line {ran.block.output.start}, output of {command!r}:\n" + "\n".join(found))
    assert not problems, "\n\n".join(problems) + "\n\nIf the program is right: python tests/test_readme.py --update"


def test_example_errors_are_one_run_with_locations(readme_run):
    """The error example: several problems of one file, reported in one run, each at file:line:col."""
    shown = [ran.block.output.lines for ran in readme_run
             if ran.block.output is not None and "validate" in ran.outputs[-1][0] and ran.outputs[-1][1] == 1]
    assert shown, "the README shows an example of located errors"
    located = [line for line in shown[0] if re.match(r"^\S+\.yaml:\d+:\d+: ", line)]
    assert len(located) >= 2 and len({line.split(":")[0] for line in located}) == 1


def update() -> None:
    """Rewrite every output block of README.md with what its command prints now."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        ran = run_readme(Path(folder))
    lines = README.read_text("utf-8").splitlines()
    for item in sorted((r for r in ran if r.block.output is not None), key=lambda r: -r.block.output.start):
        output = item.block.output
        lines[output.start:output.start + len(output.lines)] = item.outputs[-1][2].splitlines()
    README.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_readme.py --update")
    sys.path.insert(0, str(ROOT))
    update()
