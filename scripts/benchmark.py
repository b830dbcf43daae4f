"""Time the build of an edition, stage by stage. A measurement, not a test.

    python scripts/benchmark.py [issues/2021-10.yaml] [--runs 5]

Prints the cold start (a fresh process, as an editor runs it: imports, font loading,
everything) and, in this process, the median of each stage over ``--runs`` warm builds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.build import build_edition  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", nargs="?", type=Path, default=ROOT / "issues" / "2021-10.yaml")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "bench.pdf"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "layout", "build", str(args.edition), "-o", str(output)],
                       cwd=ROOT, check=True, capture_output=True)
        cold = time.perf_counter() - start

        stages: dict[str, list[float]] = {}
        totals = []
        for _ in range(args.runs):
            start = time.perf_counter()
            prepared, rendered = build_edition(args.edition, output)
            totals.append(time.perf_counter() - start)
            for stage, seconds in prepared.timings.items():
                stages.setdefault(stage, []).append(seconds)

    print(f"edition: {args.edition} → {rendered.pages} pages, {len(rendered.pdf):,} bytes, {rendered.passes} passes")
    print(f"cold build (new process): {cold:.2f} s")
    print(f"warm build, median of {args.runs}: {statistics.median(totals):.2f} s")
    for stage, values in stages.items():
        print(f"  {stage:<9} {statistics.median(values) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
