"""Proof a built PDF, and refresh the README's pictures from it.

    python scripts/proof.py output/2021-10.pdf [--pages 1,8] [--dpi 110] [--readme] [--body-page 8]

The proof itself is ``briefing proof`` (``layout/proof.py``: pypdfium2 and Pillow, no system
tool); ``--readme`` also writes docs/cover.png, docs/toc.png, docs/body.png and
docs/back.png from the first, second, --body-page and last pages at 40 dpi.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pypdfium2

from layout.errors import BriefingError
from layout.proof import make_proof, parse_pages, render

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--pages", default="")
    parser.add_argument("--dpi", type=float, default=110)
    parser.add_argument("--readme", action="store_true", help="refresh the README's pictures")
    parser.add_argument("--body-page", type=int, default=8, help="page shown as the README's body page")
    args = parser.parse_args()
    try:
        proofed = make_proof(args.pdf, parse_pages(args.pages) if args.pages else [], args.dpi)
    except BriefingError as exc:
        print(f"proof.py: {exc}", file=sys.stderr)
        return 1
    print(f"{proofed.pages} pages → {proofed.sheet.parent}")
    if args.readme:
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        document = pypdfium2.PdfDocument(args.pdf)
        for name, page in (("cover", 1), ("toc", 2), ("body", args.body_page), ("back", len(document))):
            render(document[page - 1], 40 / 72).save(docs / f"{name}.png")
        document.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
