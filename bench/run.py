"""Whole-process wall time of briefing beside Typst on the same content. A measurement, not a test.

    python bench/run.py [--runs 5] [--no-suite | --suite-args "tests/test_x.py …"]

Every measure of issue 14's table, each run alternately with its peer (ours, Typst, ours,
Typst …) in fresh processes; the table shows medians and each side's peak RSS (its own
``os.wait4`` rusage, which covers the workers it waited for). The peer is
``bench/typst_peer.py``: the same edition's text with the shipped Noto CJK fonts, A4, TOC and
footers, compiled by the ``typst`` PyPI package (a benchmark dependency only: ``pip install
typst``). The measures:

- the reference edition and the 8× edition, cold (``-o`` elsewhere: never "up to date"),
  PDF/A-1b against Typst's ``a-1b``, and ``--pdf-a none`` against Typst without a standard;
  "cold" is a fresh process; the font and head-word cache (``layout.cache``) is warm after the
  first run, so the reference is also timed with it off (``BRIEFING_NO_CACHE=1``);
- build time against pages: the 1×, 2×, 4× and 8× editions, seconds per page;
- an unchanged rebuild: ``build EDITION`` and ``build --all`` (12 editions) a second time;
- a year: 12 copies of the reference as ``issues/2021-01…12.yaml`` (each with its own date
  and label) built cold by ``build --all`` (a process per core), against Typst compiling the
  12 documents 2 at a time, a whole process each (one process compiling them all would reuse
  its memoised layout of the identical articles: not the work we do);
- ``check`` on the reference and on the 8× edition;
- the test suite, once (``--no-suite`` leaves it out).

Before timing, the package's bytecode is compiled (``compileall``), as ``pip install`` does:
with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__``, every process would compile
``layout`` from source first. Writes the table to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from typst_peer import edition_to_typst  # noqa: E402

REFERENCE = ROOT / "issues" / "2021-10.yaml"
TYPST = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], "
         "font_paths=[sys.argv[4]], ignore_system_fonts=True{standard})")
YEAR = 12


def run(command: list[str], ok: tuple[int, ...] = (0,), expect: str | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process, which must exit with a code in ``ok``
    (and print ``expect``, when given)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # no pipe to fill up and block
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = _text(out), _text(err)
    if child.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    if expect is not None and expect not in stdout:
        raise SystemExit(f"{' '.join(command)} did not say {expect!r}:\n{stdout}{stderr}")
    return seconds, usage.ru_maxrss / 1024


def _text(stream) -> str:
    stream.seek(0)
    return stream.read().decode(errors="replace")


class Command:
    """A command to time, with what to do before each run (not timed)."""

    def __init__(self, argv: list[str], before: Callable[[], None] | None = None, ok: tuple[int, ...] = (0,),
                 expect: str | None = None):
        self.argv, self.before, self.ok, self.expect = argv, before, ok, expect

    def time(self) -> tuple[float, float]:
        if self.before is not None:
            self.before()
        return run(self.argv, self.ok, self.expect)


class Parallel(Command):
    """Several commands, ``at_once`` at a time: the wall time of all, the peak RSS of the largest."""

    def __init__(self, commands: list[list[str]], at_once: int):
        super().__init__([])
        self.commands, self.at_once = commands, at_once

    def time(self) -> tuple[float, float]:
        start, waiting, running, peak = time.perf_counter(), list(self.commands), {}, 0.0
        while waiting or running:
            while waiting and len(running) < self.at_once:
                command = waiting.pop(0)
                child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                running[child.pid] = (child, command)  # kept: a dropped Popen is reaped by the next one
            pid, status, usage = os.wait4(-1, 0)
            child, command = running.pop(pid)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed")
            peak = max(peak, usage.ru_maxrss / 1024)
        return time.perf_counter() - start, peak


def alternate(commands: dict[str, Command], runs: int) -> dict[str, tuple[float, float]]:
    """Median seconds and max RSS per command, run in turn ``runs`` times."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(runs):
        for name, command in commands.items():
            seconds, peak = command.time()
            times[name].append(seconds)
            rss[name] = max(rss[name], peak)
    return {name: (statistics.median(values), rss[name]) for name, values in times.items()}


def scaled(edition: Path, factor: int, folder: Path) -> Path:
    """The edition with every chapter's articles repeated ``factor`` times."""
    data = yaml.safe_load(edition.read_text("utf-8"))
    for chapter in data["chapters"]:
        chapter["articles"] = chapter["articles"] * factor
    path = folder / f"{edition.stem}-x{factor}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def year_of(edition: Path, folder: Path) -> Path:
    """A publication folder with ``YEAR`` copies of ``edition``, one per month, each dated so."""
    text = edition.read_text("utf-8")
    (folder / "issues").mkdir(parents=True)
    for month in range(1, YEAR + 1):
        copy = re.sub(r"(?m)^  date: \d{4}-\d{2}$", f"  date: 2021-{month:02d}", text)
        copy = re.sub(r"(?m)^  issue_label: .*$", f"  issue_label: {month}月刊", copy)
        (folder / "issues" / f"2021-{month:02d}.yaml").write_text(copy, "utf-8")
    return folder


def ours(edition: Path, pdf: Path, *extra: str) -> Command:
    return Command([sys.executable, "-m", "layout", "build", str(edition), "-o", str(pdf), "--quiet", *extra])


def typst_source(edition: Path, folder: Path) -> Path:
    source = folder / f"{edition.stem}.typ"
    if not source.exists():
        source.write_text(edition_to_typst(edition), "utf-8")
    return source


def peer(edition: Path, folder: Path, standard: str | None = "a-1b") -> Command:
    source = typst_source(edition, folder)
    code = TYPST.format(standard=f", pdf_standards=[{standard!r}]" if standard else "")
    return Command([sys.executable, "-c", code, str(source), str(folder / f"{edition.stem}-typst.pdf"),
                    str(folder), str(ROOT / "fonts")])


def peer_year(publication: Path, folder: Path) -> Command:
    """Typst compiling the year's editions, each in its own process, 2 at a time."""
    (folder / "year-typst").mkdir(exist_ok=True)
    return Parallel([peer(edition, folder / "year-typst").argv
                     for edition in sorted((publication / "issues").glob("*.yaml"))], 2)


def row(label: str, mine: tuple[float, float], theirs: tuple[float, float] | None, target: str,
        met: bool | None) -> tuple[str, ...]:
    seconds, rss = mine
    peer_text = f"{theirs[0]:.2f} s ({theirs[1]:.0f} MB)" if theirs else ""
    ratio = f"{seconds / theirs[0]:.1f}×" if theirs else ""
    verdict = "" if met is None else ("yes" if met else "**no**")
    return label, f"{seconds:.2f} s ({rss:.0f} MB)", peer_text, ratio, target, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="alternating runs per measure (default 5)")
    parser.add_argument("--no-suite", action="store_true", help="leave out the test suite (run once)")
    parser.add_argument("--suite-args", default="", help="pytest arguments for the suite row (default: the whole "
                                                         "suite), e.g. tests/test_rebuild.py")
    args = parser.parse_args()
    runs = args.runs
    compileall.compile_dir(ROOT / "layout", quiet=1)
    rows: list[tuple[str, ...]] = []
    peaks: list[float] = []

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        editions = {1: REFERENCE} | {f: scaled(REFERENCE, f, folder) for f in (2, 4, 8)}
        pdfs = {f: folder / f"x{f}.pdf" for f in editions}
        times = {}
        for factor in (1, 2, 4, 8):
            result = alternate({"ours": ours(editions[factor], pdfs[factor]),
                                "typst": peer(editions[factor], folder)}, runs)
            times[factor] = result
            peaks.append(result["ours"][1])
            if factor in (1, 8):
                label = "reference edition, cold, PDF/A-1b" if factor == 1 else "8× edition, cold, PDF/A-1b"
                mine, theirs = result["ours"], result["typst"]
                rows.append(row(label, mine, theirs, "≤ 1.0× Typst", mine[0] <= theirs[0]))
        no_cache = ours(REFERENCE, folder / "no-cache.pdf")
        no_cache.argv = ["env", "BRIEFING_NO_CACHE=1", *no_cache.argv]  # env execs python: the same process
        result = alternate({"ours": no_cache, "typst": peer(REFERENCE, folder)}, runs)
        peaks.append(result["ours"][1])
        rows.append(row("reference edition, cold, PDF/A-1b, no cache (`BRIEFING_NO_CACHE=1`)", result["ours"],
                        result["typst"], "≤ 1.0× Typst", result["ours"][0] <= result["typst"][0]))
        result = alternate({"ours": ours(REFERENCE, folder / "plain.pdf", "--pdf-a", "none"),
                            "typst": peer(REFERENCE, folder, None)}, runs)
        peaks.append(result["ours"][1])
        rows.append(row("reference edition, `--pdf-a none` (Typst: no standard)", result["ours"], result["typst"],
                        "", None))
        rows.append(_linearity(times, pdfs))

        rows += _unchanged(folder, runs)
        year, year_peak = _year(folder, runs)
        rows.append(year)
        peaks.append(year_peak)
        for factor, limit in ((1, 2.0), (8, 10.0)):
            check = Command([sys.executable, "-m", "layout", "check", str(pdfs[factor]), "--quiet"], ok=(0, 1))
            seconds, rss = alternate({"check": check}, runs)["check"]  # timed whether it passes or fails
            peaks.append(rss)
            rows.append(row(f"`check`, {factor}× edition ({_pages(pdfs[factor])} pages)", (seconds, rss), None,
                            f"≤ {limit:.0f} s", seconds <= limit))
    rows.append(("peak RSS of any build or check", f"{max(peaks):.0f} MB", "", "", "≤ 300 MB",
                 "yes" if max(peaks) <= 300 else "**no**"))
    if not args.no_suite:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", *args.suite_args.split()], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        summary = (done.stdout.strip().splitlines() or [""])[-1].strip("= ")
        what = f"test suite ({summary})" if not args.suite_args else f"tests: {args.suite_args} ({summary})"
        rows.append((what, f"{seconds:.0f} s", "", "", "≤ 90 s",
                     "yes" if seconds <= 90 and done.returncode == 0 else "**no**"))

    table = ["| measure | briefing (peak RSS) | Typst (peak RSS) | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    table += [f"| {' | '.join(cells)} |" for cells in rows]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (f"# Benchmark\n\n{machine}; whole-process wall time, medians of {runs} alternating runs.\n"
            f"Rerun: `python bench/run.py`.\n\n" + "\n".join(table) + "\n")
    (ROOT / "bench" / "RESULTS.md").write_text(text, "utf-8")
    print(text)


def _linearity(times: dict[int, dict], pdfs: dict[int, Path]) -> tuple[str, ...]:
    """The cost of each added page, between successive sizes (1×→2×→4×→8×), ours and Typst's:
    linear when ours does not grow (within 25 %, the noise of a shared machine)."""
    factors = sorted(times)
    pages = {factor: _pages(pdfs[factor]) for factor in factors}

    def slopes(side: str) -> list[float]:
        return [(times[b][side][0] - times[a][side][0]) / max(1, pages[b] - pages[a])
                for a, b in pairwise(factors)]

    mine, theirs = slopes("ours"), slopes("typst")
    sizes = " → ".join(f"{pages[f]}" for f in factors)
    grows = mine[-1] / mine[0] if mine[0] > 0 else float("inf")
    return (f"build time vs pages ({sizes} pages): seconds per added page",
            " / ".join(f"{s * 1000:.0f} ms" for s in mine), " / ".join(f"{s * 1000:.0f} ms" for s in theirs), "",
            "linear", "yes" if grows <= 1.25 else f"**no** (×{grows:.1f})")


def _unchanged(folder: Path, runs: int) -> list[tuple[str, ...]]:
    """``build EDITION`` and ``build --all`` (a year) with nothing changed since the last build."""
    single = folder / "single"
    (single / "issues").mkdir(parents=True)
    edition = single / "issues" / REFERENCE.name
    shutil.copy(REFERENCE, edition)
    run([sys.executable, "-m", "layout", "build", str(edition), "--quiet"])
    publication = year_of(REFERENCE, folder / "built-year")
    run([sys.executable, "-m", "layout", "build", "--all", str(publication), "--quiet"])
    result = alternate({
        "one": Command([sys.executable, "-m", "layout", "build", str(edition), "--quiet"], expect="up to date"),
        "all": Command([sys.executable, "-m", "layout", "build", "--all", str(publication), "--quiet"],
                       expect="nothing to build"),
        "python": Command([sys.executable, "-c", "pass"]),
    }, max(runs, 5))
    python = f"Python's start alone: {result['python'][0]:.3f} s"
    return [row(f"unchanged rebuild, `build EDITION` ({python})", result["one"], None, "≤ 0.1 s",
                result["one"][0] <= 0.1),
            row(f"unchanged rebuild, `build --all`, {YEAR} editions", result["all"], None, "≤ 0.1 s",
                result["all"][0] <= 0.1)]


def _year(folder: Path, runs: int) -> tuple[tuple[str, ...], float]:
    publication = year_of(REFERENCE, folder / "year")

    def cold() -> None:
        shutil.rmtree(publication / "output", ignore_errors=True)

    result = alternate({"ours": Command([sys.executable, "-m", "layout", "build", "--all", str(publication),
                                         "--quiet"], before=cold),
                        "typst": peer_year(publication, folder)}, runs)
    mine, theirs = result["ours"], result["typst"]
    label = f"a year: {YEAR} editions, cold, `build --all` ({os.cpu_count()} processes; Typst 2 at a time)"
    return row(label, mine, theirs, "≤ 1.0× Typst", mine[0] <= theirs[0]), mine[1]


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


if __name__ == "__main__":
    main()
