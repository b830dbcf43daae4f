"""The edge-case corpus (tests/corpus/cases.py): every input builds a PDF that passes
``check`` or is refused at its line; never exit 70, never a hang, the previous PDF intact.

Each case runs ``validate`` then ``build`` through ``layout.cli.main`` in-process, bounded by
a 30 s alarm; cases marked ``isolate`` (they may hang or eat memory) run in a subprocess
with a timeout and an address-space limit, and report their peak RSS. ``validate`` and
``build`` must agree: ``validate`` never says ok where ``build`` fails.

Set ``CORPUS_REPORT=/path/report.json`` to write every case's outcome (codes, seconds,
peak RSS, why it failed) for the closing note.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import layout.check
from layout.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus.cases import STYLE_NAME, Case, all_cases, materialize  # noqa: E402
from preflight import SWEEP  # noqa: E402

from conftest import checked as check_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASES = all_cases()
SECONDS = 30
ISOLATED_LIMIT_BYTES = 3 << 30
"""Address-space cap of an isolated case (a runaway allocation fails instead of swapping)."""
MAX_RSS_MB = 500
PREVIOUS = b"%PDF-1.4\n% the previous build, which a refused build must leave intact\n%%EOF\n"

LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?:(?P<key>[^\s:]+): )?(?P<msg>.+)$")
UNLOCATED = re.compile(r"^(?P<file>[^:]+(?::(?!\s)[^:]*)*): (?P<msg>.+)$")
SUMMARY = re.compile(r"^\d+ problems?; nothing was written$")
WARNING_SUMMARY = re.compile(r"^\d+ warnings?")
STAGES = re.compile(r"^stages: (?:\w+ \d+\.\d s(?:, |$))+")
"""A build over a second says how long each stage took (issue 9): not a problem line."""

REPORT: list[dict] = []


class CaseTimeout(BaseException):
    """Raised by the alarm: a BaseException, so the CLI's last line of defence does not swallow it."""


@pytest.fixture(scope="module", autouse=True)
def _corpus_report():
    yield
    target = os.environ.get("CORPUS_REPORT")
    if target:
        Path(target).write_text(json.dumps(REPORT, ensure_ascii=False, indent=1), "utf-8")


@pytest.fixture(autouse=True)
def _no_preflight(monkeypatch):
    """Preflight (Java) is validated elsewhere; here check runs its other rows."""
    preflight = getattr(layout.check, "check_pdfa_preflight", None)
    if preflight is not None and hasattr(layout.check, "CHECKS"):
        monkeypatch.setattr(layout.check, "CHECKS", tuple(c for c in layout.check.CHECKS if c is not preflight))


def _alarm(signum, frame):
    raise CaseTimeout


def run_in_process(argv: list[str]) -> dict:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except CaseTimeout:
        code = "timeout"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return {"code": code, "out": out.getvalue(), "err": err.getvalue(), "seconds": time.perf_counter() - start}


WRAPPER = """\
import contextlib, io, json, resource, signal, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from layout.cli import main
class Timeout(BaseException):
    pass
def alarm(signum, frame):
    raise Timeout
signal.signal(signal.SIGALRM, alarm)
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, {seconds})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Timeout:
        code = "timeout"
    signal.setitimer(signal.ITIMER_REAL, 0)
    result = {{"code": code, "out": out.getvalue(), "err": err.getvalue(), "seconds": time.perf_counter() - start,
              "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}
    sys.__stdout__.write(json.dumps(result) + "\\n")
    sys.__stdout__.flush()
    if code == "timeout":
        break
"""


def run_isolated(argvs: list[list[str]], cwd: Path) -> list[dict]:
    """Run the commands one after the other in one fresh interpreter; a result per command.

    Peak RSS is the process's so far (validate's, then the larger of validate's and build's)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    command = [sys.executable, "-c", WRAPPER.format(limit=ISOLATED_LIMIT_BYTES, seconds=SECONDS), json.dumps(argvs)]
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=len(argvs) * SECONDS + 5)
        stdout, stderr, ending = done.stdout, done.stderr, f"died ({done.returncode})"
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        stderr, ending = "", "timeout"
    results = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    elapsed = time.perf_counter() - start - sum(r["seconds"] for r in results)
    while len(results) < len(argvs):  # the command that hung or died, and any not run after it
        results.append({"code": ending, "out": "", "err": stderr[-2000:], "seconds": elapsed})
        ending, elapsed = "not run (the previous command did not finish)", 0.0
    return results


def stderr_problems(case: Case, err: str) -> list[str]:
    """Why the stderr of a refusal is not ``file:line:col: key: what; what to do`` lines."""
    problems = []
    for line in err.splitlines():
        if not line.strip() or SUMMARY.match(line) or WARNING_SUMMARY.match(line) or STAGES.match(line):
            continue
        match = LOCATED.match(line)
        if not match and case.line is None:
            match = UNLOCATED.match(line)
        if not match or ";" not in match["msg"]:
            problems.append(f"not 'file:line:col: key: what; what to do': {line[:200]!r}")
    return problems


def located_at(case: Case, err: str) -> bool:
    lines = case.line if isinstance(case.line, tuple) else (case.line,)
    for text in err.splitlines():
        match = LOCATED.match(text)
        if (match and match["file"].endswith(case.file) and int(match["line"]) in lines
                and case.key in (match["key"] or "")):
            return True
    return False


def glyphs_outside_page(path: Path) -> list[str]:
    """Glyphs whose boxes leave the page (a long copyright line, a cover pushed down): pdfium's boxes.

    A stop-gap until ``check`` detects overprinting and text outside the page (issue 10)."""
    import pypdfium2 as pdfium

    found = []
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            text = page.get_textpage()
            for k in range(text.count_chars()):
                left, bottom, right, top = text.get_charbox(k)
                if right - left > 0 and (left < -1 or right > width + 1 or bottom < -1 or top > height + 1):
                    found.append(f"page {index + 1}: {text.get_text_range(k, 1)!r} at x {left:.0f}–{right:.0f}, "
                                 f"y {bottom:.0f}–{top:.0f} on a {width:.0f}×{height:.0f} page")
                    break
    finally:
        document.close()
    return found


def test_corpus_size():
    categories = {c.category for c in CASES}
    assert len(CASES) >= 110 and categories == {"tables", "figures", "styles", "text", "resources", "paths"}


def _variant(extra: tuple[str, ...] | list[str]) -> str:
    """The --pdf-a a case builds (1b unless it says otherwise)."""
    extra = list(extra)
    return extra[extra.index("--pdf-a") + 1] if "--pdf-a" in extra[:-1] else "1b"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path):
    folder = tmp_path / "case"
    folder.mkdir()
    edition = materialize(case, folder)
    output = Path(case.output) if Path(case.output).is_absolute() else folder / case.output
    default_output = case.output == "out/case.pdf"
    if default_output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(PREVIOUS)
    before = output.read_bytes() if output.is_file() else None

    cwd = folder / case.cwd if case.cwd is not None else folder
    cwd.mkdir(parents=True, exist_ok=True)
    if case.cwd is not None:
        edition_arg, output_arg = os.path.relpath(edition, cwd), os.path.relpath(output, cwd)
    else:
        edition_arg, output_arg = str(edition), str(output)
    validate_argv = ["validate", edition_arg, *case.extra]
    build_argv = ["build", edition_arg, "-o", output_arg, *case.extra]

    failures: list[str] = []
    if case.isolate:
        validated, built = run_isolated([validate_argv, build_argv], cwd)
        intact_after_validate = True  # checked in-process only; a refused build checks it below
    else:
        here = os.getcwd()
        os.chdir(cwd)
        try:
            validated = run_in_process(validate_argv)
            intact_after_validate = before is None or (output.is_file() and output.read_bytes() == before)
            built = run_in_process(build_argv)
        finally:
            os.chdir(here)

    for name, result in (("validate", validated), ("build", built)):
        code = result["code"]
        if code not in (0, 1):
            first = (result["err"].strip().splitlines() or [""])[0]
            failures.append(f"{name} exit {code} after {result['seconds']:.1f} s: {first[:300]}")
        elif result["seconds"] > SECONDS:
            failures.append(f"{name} took {result['seconds']:.1f} s (> {SECONDS} s)")
        if code in (0, 1):  # refusals and warnings alike: located lines, no raw Python warnings
            failures += [f"{name}: {p}" for p in stderr_problems(case, result["err"])]
        if code == 0 and case.warns and case.warns not in result["err"]:
            failures.append(f"{name}: no warning naming {case.warns!r} on stderr")
        if case.never_echo and case.never_echo in result["out"] + result["err"]:
            failures.append(f"{name} echoed the foreign file's lines ({case.never_echo!r})")
        if result.get("rss_mb", 0) > MAX_RSS_MB:
            failures.append(f"{name} peak RSS {result['rss_mb']:.0f} MB > {MAX_RSS_MB} MB")
    if not intact_after_validate:
        failures.append("validate touched the output path")
    if case.category == "paths" and case.output != Case.output:
        pass  # validate takes no -o: a refused output path is build's alone to judge
    elif validated["code"] == 0 and built["code"] != 0:
        failures.append("validate said ok where build failed")
    elif validated["code"] in (0, 1) and built["code"] in (0, 1) and validated["code"] != built["code"]:
        failures.append(f"validate exit {validated['code']} but build exit {built['code']}")

    if built["code"] == 1 or validated["code"] == 1:
        if before is not None and not (output.is_file() and output.read_bytes() == before):
            failures.append("a refused build did not leave the previous file intact")
    if case.expect == "builds" and built["code"] != 0:
        failures.append("legitimate content was not built")
    if case.expect == "refused" and built["code"] == 0:
        failures.append("built what should be refused")
    for name, result in (("validate", validated), ("build", built)):
        if case.expect in ("refused", "either") and result["code"] == 1 and case.line is not None \
                and not located_at(case, result["err"]):
            failures.append(f"{name}: no message at {case.file}:{case.line} naming {case.key!r}; got: "
                            + " | ".join(result["err"].splitlines()[:3])[:400])
    checked = ""
    if built["code"] == 0:
        if not output.is_file() or output.read_bytes() == before:
            failures.append("build exit 0 but no new PDF at the output path")
        else:
            style = folder / STYLE_NAME if case.style is not None else None
            # Every row of check but Preflight, in this process; Preflight validates the PDF in the
            # suite's background sweep (tests/preflight.py), one JVM for many cases, its verdict
            # asserted by the last test or at the session's end.
            view = layout.check.PdfView(output, style)
            try:
                failed = [r for r in check_rows(view) if r.failed]
            finally:
                view.close()
            if _variant(case.extra) == "1b":
                SWEEP.submit(output)
            checked = "check passed" if not failed else "check failed"
            failures += [f"check: {r.name}: {r.detail[:200]}" for r in failed]
            failures += [f"text outside the page, check passed it: {g}" for g in glyphs_outside_page(output)[:3]]

    REPORT.append({"id": case.id, "category": case.category, "expect": case.expect,
                   "validate": validated["code"], "build": built["code"],
                   "seconds": round(validated["seconds"] + built["seconds"], 2),
                   "rss_mb": round(max(validated.get("rss_mb", 0), built.get("rss_mb", 0))) or None,
                   "check": checked, "failures": failures,
                   "stderr": (built["err"] or validated["err"]).splitlines()[:4]})
    assert not failures, f"{case.id} ({case.description}):\n  " + "\n  ".join(failures)
