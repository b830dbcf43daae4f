"""Render a built PDF to PNG pages and contact sheets for proofing, as an editor would.

    python scripts/proof.py output/2021-10.pdf [--dpi 60] [--out output/proof]

Writes one PNG per page (pdftoppm, from poppler-utils) and ``sheet-NN.png`` contact
sheets of eight pages each; ``--readme`` also refreshes docs/cover.png, docs/toc.png and
docs/body.png and docs/back.png from the first, second, --body-page and last pages.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "proof")
    parser.add_argument("--readme", action="store_true", help="refresh the README's pictures")
    parser.add_argument("--body-page", type=int, default=8, help="page shown as the README's body page")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("proof.py: pdftoppm not found; install poppler-utils (apt-get install poppler-utils, "
              "brew install poppler)", file=sys.stderr)
        return 1
    if not args.pdf.is_file():
        print(f"proof.py: {args.pdf}: no such file; give a PDF that briefing build wrote", file=sys.stderr)
        return 1

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(args.pdf), str(args.out / "page")], check=True)
    pages = sorted(args.out.glob("page-*.png"))
    for start in range(0, len(pages), 8):
        images = [Image.open(page) for page in pages[start:start + 8]]
        width, height = images[0].size
        sheet = Image.new("RGB", (width * 4 + 30, height * 2 + 10), "#888888")
        for i, image in enumerate(images):
            sheet.paste(image, ((i % 4) * (width + 10), (i // 4) * (height + 10)))
        sheet.save(args.out / f"sheet-{start // 8 + 1:02d}.png")
    print(f"{len(pages)} pages → {args.out}")

    if args.readme:
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        for name, page in (("cover", 1), ("toc", 2), ("body", args.body_page), ("back", -1)):
            page = page if page > 0 else len(pages)
            subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                            str(args.pdf), str(docs / name)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
