"""Summarise a corpus run: ``CORPUS_REPORT=r.json pytest tests/test_corpus.py; python tests/corpus/summarize.py r.json``.

Prints failures by category, each failing case with its first reason, peak RSS and the
slowest cases (the closing note of issue 10 asks for both).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict


def main(path: str) -> None:
    rows = json.load(open(path, encoding="utf-8"))
    total, failed = Counter(), Counter()
    by_category = defaultdict(list)
    for row in rows:
        total[row["category"]] += 1
        if row["failures"]:
            failed[row["category"]] += 1
            by_category[row["category"]].append(row)
    print(f"{'category':<10} {'cases':>5} {'failed':>6}")
    for category in total:
        print(f"{category:<10} {total[category]:>5} {failed[category]:>6}")
    print(f"{'all':<10} {sum(total.values()):>5} {sum(failed.values()):>6}\n")
    for category, cases in by_category.items():
        print(f"## {category}")
        for row in cases:
            print(f"- {row['id']} [{row['expect']}; validate {row['validate']}, build {row['build']}]: "
                  f"{row['failures'][0][:160]}")
        print()
    rss = [r for r in rows if r.get("rss_mb")]
    if rss:
        top = max(rss, key=lambda r: r["rss_mb"])
        print(f"peak RSS: {top['rss_mb']} MB ({top['id']}); measured for {len(rss)} isolated cases")
    slow = sorted(rows, key=lambda r: -r["seconds"])[:5]
    print("slowest: " + ", ".join(f"{r['id']} {r['seconds']:.1f} s" for r in slow))


if __name__ == "__main__":
    main(sys.argv[1])
