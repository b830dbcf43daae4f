"""``briefing impose FILE.pdf``: a saddle-stitch booklet for the office print room.

Pages (their TrimBox, so a print variant's marks and bleed are left off; the MediaBox
otherwise) are placed two-up on landscape sheets twice their width: A4 on A3. The page
count is padded with blank pages to a multiple of 4; for n pages, sheet k (from 0) carries
n − 2k and 2k + 1 on its front and 2k + 2 and n − 2k − 1 on its back, so the sheets,
printed on both sides (flip on the short edge), stacked, folded and stapled, read in
order. Each page is a form XObject (pikepdf ``Page.as_form_xobject``), so fonts and
images are shared, not copied. The booklet is a plain PDF: a work file for printing,
not an archival copy.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from layout.build import check_output, write_atomic
from layout.errors import BriefingError
from layout.print.variant import SIGNATURE


class ImposeError(BriefingError):
    """The PDF cannot be imposed (unreadable, or pages of different sizes)."""


def booklet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers (from 1) of each sheet side in printing order: front of
    sheet 1, back of sheet 1, front of sheet 2 …; ``pages`` a multiple of 4."""
    sides = []
    for k in range(pages // SIGNATURE):
        sides.append((pages - 2 * k, 2 * k + 1))
        sides.append((2 * k + 2, pages - 2 * k - 1))
    return sides


def impose(source: pikepdf.Pdf) -> pikepdf.Pdf:
    """The booklet of ``source``'s pages (see the module's docstring)."""
    boxes = [_box(page) for page in source.pages]
    width, height = boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1]
    for index, (x0, y0, x1, y1) in enumerate(boxes):
        if abs((x1 - x0) - width) > 1 or abs((y1 - y0) - height) > 1:
            raise ImposeError(f"page {index + 1} is {x1 - x0:.0f} × {y1 - y0:.0f} pt, page 1 {width:.0f} × "
                              f"{height:.0f} pt; a booklet needs pages of one size")
    out = pikepdf.new()
    forms = []
    for page, box in zip(source.pages, boxes, strict=True):
        form = out.copy_foreign(pikepdf.Page(page).as_form_xobject())
        form.BBox = pikepdf.Array(box)
        forms.append((form, box))
    count = len(forms) + (-len(forms) % SIGNATURE)
    for left, right in booklet_order(count):
        sheet = out.add_blank_page(page_size=(2 * width, height))
        resources, code = {}, []
        for slot, number in enumerate((left, right)):
            if number > len(forms):
                continue  # a blank page of the padding
            form, (x0, y0, _, _) = forms[number - 1]
            name = f"/P{number}"
            resources[name] = form
            code.append(f"q 1 0 0 1 {slot * width - x0:.3f} {-y0:.3f} cm {name} Do Q")
        sheet.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(resources))
        sheet.obj.Contents = out.make_stream("\n".join(code).encode())
    return out


def _box(page: pikepdf.Page) -> list[float]:
    box = page.obj.get("/TrimBox", page.obj.MediaBox)
    return [float(value) for value in box]


def impose_file(path: Path, output: Path | None = None) -> tuple[Path, int]:
    """Impose the PDF at ``path`` into ``output`` (default FILE-booklet.pdf); return it and the sheet count."""
    output = output if output is not None else path.with_name(f"{path.stem}-booklet.pdf")
    check_output(output, [path])
    try:
        source = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        raise ImposeError(f"{path}: not a readable PDF ({exc}); give a PDF built by briefing build") from None
    with source:
        if not len(source.pages):
            raise ImposeError(f"{path}: has no pages")
        booklet = impose(source)
        with booklet:
            buffer = io.BytesIO()
            booklet.save(buffer, deterministic_id=True)
    write_atomic(output, buffer.getvalue())
    return output, len(booklet_order(len(source.pages) + (-len(source.pages) % SIGNATURE))) // 2
