"""Whole-process wall time of briefing beside Typst on the same content. A measurement, not a test.

    python bench/run.py [--runs 5] [--suite]

Runs each measure alternately with its peer (ours, Typst, ours, Typst …) in fresh
processes and takes medians; peak RSS comes from each child's own rusage (os.wait4).
The peer is ``bench/typst_peer.py``: the same edition's text with the shipped Noto
CJK fonts, A4, TOC and footers, compiled by the ``typst`` PyPI package (a benchmark
dependency only: ``pip install typst``). Writes the table to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from typst_peer import edition_to_typst  # noqa: E402

REFERENCE = ROOT / "issues" / "2021-10.yaml"
TYPST = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], "
         "font_paths=[sys.argv[4]], ignore_system_fonts=True, pdf_standards=['a-1b'])")


def run(command: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process, which must exit with a code in ``ok``."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stderr = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024


def scaled(edition: Path, factor: int, folder: Path) -> Path:
    """The edition with every chapter's articles repeated ``factor`` times."""
    data = yaml.safe_load(edition.read_text("utf-8"))
    for chapter in data["chapters"]:
        chapter["articles"] = chapter["articles"] * factor
    path = folder / f"{edition.stem}-x{factor}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def ours(edition: Path, pdf: Path) -> list[str]:
    return [sys.executable, "-m", "layout", "build", str(edition), "-o", str(pdf)]


def peer(edition: Path, folder: Path) -> list[str]:
    source = folder / f"{edition.stem}.typ"
    source.write_text(edition_to_typst(edition), "utf-8")
    return [sys.executable, "-c", TYPST, str(source), str(folder / f"{edition.stem}-typst.pdf"),
            str(folder), str(ROOT / "fonts")]


def alternate(commands: dict[str, list[str]], runs: int, ok: tuple[int, ...] = (0,)) -> dict[str, tuple[float, float]]:
    """Median seconds and max RSS per command, run in turn ``runs`` times."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(runs):
        for name, command in commands.items():
            seconds, peak = run(command, ok)
            times[name].append(seconds)
            rss[name] = max(rss[name], peak)
    return {name: (statistics.median(values), rss[name]) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true", help="also time the test suite (once)")
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        editions = {1: REFERENCE} | {f: scaled(REFERENCE, f, folder) for f in (2, 4, 8)}
        pdfs = {f: folder / f"x{f}.pdf" for f in editions}
        for factor in (1, 8):
            result = alternate({"ours": ours(editions[factor], pdfs[factor]),
                                "typst": peer(editions[factor], folder)}, args.runs)
            (mine, rss), (theirs, _) = result["ours"], result["typst"]
            label = "reference edition, cold, PDF/A-1b" if factor == 1 else "8× edition, cold, PDF/A-1b"
            rows.append((label, f"{mine:.2f} s ({rss:.0f} MB)", f"{theirs:.2f} s", f"{mine / theirs:.1f}×"))
        for factor in (2, 4):
            mine, rss = alternate({"ours": ours(editions[factor], pdfs[factor])}, max(3, args.runs // 2))["ours"]
            pages = _pages(pdfs[factor])
            rows.append((f"{factor}× edition ({pages} pages)", f"{mine:.2f} s ({rss:.0f} MB)", "", ""))
        for factor in (1, 8):
            check = [sys.executable, "-m", "layout", "check", str(pdfs[factor])]
            seconds, rss = alternate({"check": check}, 3, ok=(0, 1))["check"]  # timed pass or fail
            rows.append((f"`check`, {factor}× edition ({_pages(pdfs[factor])} pages)",
                         f"{seconds:.2f} s ({rss:.0f} MB)", "", ""))
    if args.suite:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-x"], cwd=ROOT, capture_output=True)
        rows.append(("test suite", f"{time.perf_counter() - start:.0f} s", "", ""))

    table = ["| measure | briefing (peak RSS) | Typst | ratio |", "|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (f"# Benchmark\n\n{machine}; whole-process wall time, medians of {args.runs} alternating runs.\n"
            f"Rerun: `python bench/run.py`.\n\n" + "\n".join(table) + "\n")
    (ROOT / "bench" / "RESULTS.md").write_text(text, "utf-8")
    print(text)


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


if __name__ == "__main__":
    main()
