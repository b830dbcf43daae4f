"""``briefing proof``: a built PDF as pictures, for proofing by eye.

Writes, into ``<pdf name>-proof/`` beside the PDF (or ``-o FOLDER``):

- ``contact.png``: every page as a thumbnail on a grey sheet, each labelled with its page
  label (the printed folio: ``ii``, ``12``, ``10-3``) and its place in the file;
- ``page-NNN.png``: the pages chosen with ``--pages 1,5-7`` at full size (``--dpi``, 110
  by default), NNN the page's place in the file.

Rendering is pdfium's (pypdfium2) and drawing Pillow's, so no system tool is needed; the
labels are set in the shipped Noto Sans. Given an edition (``.yaml``), the PDF proofed is
the one ``briefing build`` writes by default (``output/<edition>.pdf``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFont

from layout.errors import BriefingError
from layout.publication import builtin_dir, default_output

THUMB_WIDTH = 200
"""Pixels: a thumbnail's width on the contact sheet."""
GAP = 16
LABEL_HEIGHT = 22
MIN_DPI, MAX_DPI = 20, 600
MAX_PAGES_FULL = 200
"""Full-size pages one run may write (a typo such as 1-9999 is refused, not rendered)."""


class ProofError(BriefingError):
    """The pages, resolution or file to proof are not usable."""


@dataclass(frozen=True)
class Proofed:
    sheet: Path
    full: list[Path]
    pages: int


def parse_pages(text: str) -> list[int]:
    """``"1,5-7"`` → [1, 5, 6, 7] (pages in the file, from 1); ProofError for anything else."""
    pages: list[int] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if match is None:
            raise ProofError(f"--pages {text!r}: {part.strip()!r} is not a page or a range; write e.g. 1,5-7")
        first, last = int(match[1]), int(match[2] or match[1])
        if first < 1 or last < first:
            raise ProofError(f"--pages {text!r}: {part.strip()!r} is not a range of pages from 1; write e.g. 5-7")
        pages += [page for page in range(first, last + 1) if page not in pages]
        if len(pages) > MAX_PAGES_FULL:
            raise ProofError(f"--pages {text!r}: more than {MAX_PAGES_FULL} pages; choose fewer "
                             "(the contact sheet shows them all)")
    return pages


def proof_pdf(source: Path) -> Path:
    """The PDF to proof: ``source`` itself, or the built PDF of an edition."""
    if source.suffix.lower() in (".yaml", ".yml"):
        pdf = default_output(source)
        if not pdf.is_file():
            raise ProofError(f"{pdf}: not built yet; run briefing build {source} first")
        return pdf
    if not source.is_file():
        raise ProofError(f"{source}: no such file; give a PDF or an edition's .yaml")
    return source


def make_proof(source: Path, pages: list[int], dpi: float = 110, output: Path | None = None) -> Proofed:
    """Write the contact sheet and the full-size ``pages`` of ``source``'s PDF (see above)."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ProofError(f"--dpi {dpi:g}: write a resolution from {MIN_DPI} to {MAX_DPI}")
    pdf_path = proof_pdf(source)
    folder = output if output is not None else pdf_path.parent / f"{pdf_path.stem}-proof"
    try:
        document = pypdfium2.PdfDocument(pdf_path)
    except pypdfium2.PdfiumError as exc:
        raise ProofError(f"{pdf_path}: not a readable PDF ({exc}); give the PDF briefing build wrote") from None
    try:
        count = len(document)
        beyond = [page for page in pages if page > count]
        if beyond:
            raise ProofError(f"--pages: page {beyond[0]} is beyond the last; {pdf_path.name} has {count} pages")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProofError(f"cannot write {folder} ({exc.strerror}); choose a writable folder with -o") from None
        labels = page_labels(document)
        sheet = folder / "contact.png"
        contact_sheet(document, labels).save(sheet, optimize=True)
        full = []
        for page in pages:
            path = folder / f"page-{page:03d}.png"
            render(document[page - 1], dpi / 72).save(path, optimize=True)
            full.append(path)
        return Proofed(sheet, full, count)
    finally:
        document.close()


def page_labels(document: pypdfium2.PdfDocument) -> list[str]:
    """What the contact sheet prints under each page: its page label, else its place in the file."""
    return [document.get_page_label(index) or str(index + 1) for index in range(len(document))]


def render(page: pypdfium2.PdfPage, scale: float) -> Image.Image:
    """One page as an RGB picture, ``scale`` pixels per point."""
    return page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")


def contact_sheet(document: pypdfium2.PdfDocument, labels: list[str]) -> Image.Image:
    """Every page of ``document`` as a labelled thumbnail, in rows."""
    count = len(document)
    columns = 6 if count <= 48 else 10
    thumbs = []
    for index in range(count):
        page = document[index]
        thumbs.append(render(page, THUMB_WIDTH / page.get_width()))
    cell_height = max(thumb.height for thumb in thumbs) + LABEL_HEIGHT
    rows = -(-count // columns)
    sheet = Image.new("RGB", (columns * (THUMB_WIDTH + GAP) + GAP, rows * (cell_height + GAP) + GAP), "#8a8a8a")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(builtin_dir("fonts") / "NotoSans-Regular.ttf"), 14)
    for index, thumb in enumerate(thumbs):
        x = GAP + (index % columns) * (THUMB_WIDTH + GAP)
        y = GAP + (index // columns) * (cell_height + GAP)
        sheet.paste(thumb, (x, y))
        caption = f"{labels[index]}  ·  p. {index + 1}"
        draw.text((x + THUMB_WIDTH / 2, y + thumb.height + LABEL_HEIGHT / 2), caption, fill="#ffffff",
                  font=font, anchor="mm")
    return sheet
