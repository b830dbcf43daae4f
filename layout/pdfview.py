"""One PDF opened once for ``briefing check``: pikepdf for structure and, through it, text.

Each page's glyphs and images are read once by ``layout.pagetext`` (an interpreter of the
content streams that gives pdfminer's numbers in a tenth of its time). A file it cannot interpret (a font
without /ToUnicode, a Type3 font, an inline image, a rotated page: not what briefing writes,
but what a proofreader's re-saved copy may hold) is read with pdfplumber instead, lazily
imported; ``PdfView.reader`` says which read it.

``PdfView`` reads lazily and caches what the rows share (page labels, XMP, lines, the TOC
read from the front matter's link annotations, the type area the build recorded). A
file that is not a readable PDF raises ``CheckError`` with what it is instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pikepdf

from layout.audit import TextFrame
from layout.errors import BriefingError
from layout.pagetext import read_page
from layout.pdfrecord import read_layout, read_record
from layout.styles import Style, load_style

_LEADERS = re.compile(r"^(?P<entry>.*?)\s*[.·…]{3,}\s*(?P<folio>\S+)$")


class CheckError(BriefingError):
    """The file to check is not a readable PDF (or not a file at all)."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str
    """'pass', 'fail', 'skip' or 'n/a' (an archival row of a PDF built with --pdf-a none)."""
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "fail"


@dataclass(frozen=True)
class TextLine:
    text: str
    baseline: float
    """Minus the baseline's height above the bottom of the page: sorts top to bottom."""


@dataclass(frozen=True)
class TocEntry:
    page: int
    text: str
    folio: str
    target: int | None


_BODY_LABEL = re.compile(r"(?P<prefix>.*?)(?P<n>[1-9]\d*)")


def is_body_label(label: str) -> bool:
    """A body page's label: a number, or a number after a prefix (a volume's ``10-3``)."""
    return _BODY_LABEL.fullmatch(label) is not None and not label.isalpha()


def normalize(text: str) -> str:
    return re.sub(r"\s+", "", text)


class PdfView:
    """One PDF, opened once with pikepdf (structure and, by ``layout.pagetext``, text)."""

    reader: str
    """``pagetext``, or ``pdfplumber (why)`` where the fast reader met what it does not interpret."""

    def __init__(self, path: Path, style: Path | None = None, *, read_text: bool = True):
        """Open ``path``; read its pages' text too unless ``read_text`` is False (then call
        ``read_text()``: check_pdf starts the validators in between)."""
        self.path = path
        self.pdf = _open(path)
        self.background: dict[str, object] = {}
        """Processes started to run beside the checks (check_pdf's validators), by name."""
        try:
            self.record = read_record(self.pdf)
            self.style: Style | None = load_style(style) if style is not None else read_layout(self.pdf)
            self.labels = [page.label for page in self.pdf.pages]
            self.page_ids = {page.obj.objgen: index for index, page in enumerate(self.pdf.pages)}
        except BriefingError:
            self.pdf.close()
            raise
        except Exception as exc:  # noqa: BLE001 - pikepdf's errors on a damaged page tree
            self.pdf.close()
            raise CheckError(f"{path}: cannot read its pages ({type(exc).__name__}: {exc}); "
                             "it is damaged: build it again with briefing build") from None
        if read_text:
            self.read_text()

    def read_text(self) -> None:
        """Each page's glyphs, images and height (``chars``, ``images``, ``heights``); a
        CheckError (the file closed) if the pages cannot be read."""
        self._lines: dict[int, list[TextLine]] = {}
        self._bottoms: dict[int, tuple[list[float], list[tuple[int, dict]]]] = {}
        try:
            self.chars, self.images, self.heights = self._read_text()
            for index, page in enumerate(self.pdf.pages):
                if "/TrimBox" in page.obj:  # a print variant: measure on the trimmed page
                    self.heights[index] = _on_trim(self.chars[index] + self.images[index], page.obj)
        except BriefingError:
            self.pdf.close()
            raise
        except Exception as exc:  # noqa: BLE001 - pdfminer's errors have no common base
            self.pdf.close()
            raise CheckError(f"{self.path}: cannot read its pages ({type(exc).__name__}: {exc}); "
                             "it is damaged: build it again with briefing build") from None

    def _read_text(self) -> tuple[list[list], list[list[dict]], list[float]]:
        """Each page's glyphs, images and height: by layout.pagetext, else by pdfplumber."""
        fonts: dict = {}
        self.text_runs: list[list] | None = None
        """Per page, the fill colour and size at each text operator (layout.ink_check), if read."""
        try:
            pages = [read_page(page, fonts) for page in self.pdf.pages]
            self.reader = "pagetext"
            self.text_runs = [p.text_runs for p in pages]
            return [p.chars for p in pages], [p.images for p in pages], [p.height for p in pages]
        except Exception as exc:  # noqa: BLE001 - Unsupported, or a stream pikepdf cannot decode
            self.reader = f"pdfplumber ({exc})"
        import pdfplumber  # only for files the fast reader does not interpret

        with pdfplumber.open(self.path) as plumber:
            return ([page.chars for page in plumber.pages], [page.images for page in plumber.pages],
                    [float(page.height) for page in plumber.pages])

    @property
    def plain(self) -> bool:
        """Built with --pdf-a none (as the build recorded): the archival rows do not apply."""
        return self.record.get("pdf_a") == "none" and not self.xmp.get("pdfaid:part")

    def frame(self) -> TextFrame | None:
        """The type area: the /ArtBox of the first page after the cover (the build sets it), else
        the style's margins."""
        index = 1 if len(self.pdf.pages) > 1 else 0
        box = self.pdf.pages[index].obj.get("/ArtBox") if self.pdf.pages else None
        if box is not None and len(box) == 4:
            x0, y0, x1, y1 = (float(v) for v in box)
            height = self.heights[index]
            return TextFrame(min(x0, x1), height - max(y0, y1), max(x0, x1), height - min(y0, y1))
        return TextFrame.from_style(self.style) if self.style is not None else None

    def close(self) -> None:
        self.pdf.close()

    def blank(self, index: int) -> bool:
        """A page of the print variant left blank on purpose (a verso before a recto start, or
        padding to a multiple of 4: layout.print): no text at all, in a PDF with a TrimBox."""
        return not self.chars[index] and "/TrimBox" in self.pdf.pages[index].obj

    @cached_property
    def xmp(self) -> dict:
        meta = self.pdf.open_metadata()
        return {key: meta.get(key) for key in ("dc:title", "dc:creator", "dc:description", "dc:rights",
                                               "dc:language", "dc:identifier", "pdf:Producer",
                                               "pdf:Keywords", "xmp:CreateDate", "pdfaid:part")}

    def lines(self, index: int, chars: list[dict] | None = None) -> list[TextLine]:
        """The text lines of a page (or of ``chars``), top to bottom; a page's are read once.

        Glyphs are grouped by their baseline (the text matrix's y), not their boxes, so a
        fallback glyph with other metrics (the ₂ of CO₂) stays on its line: a glyph joins the
        first line (in reading order) within 1 pt of its baseline."""
        if chars is None and index in self._lines:
            return self._lines[index]
        rows: dict[float, list[dict]] = {}
        joins: dict[float, float] = {}  # baseline → its line: keys are only added, so the first stays first
        for char in self.chars[index] if chars is None else chars:
            baseline = -char["matrix"][5]
            key = joins.get(baseline)
            if key is None:
                key = joins[baseline] = next((k for k in rows if abs(k - baseline) <= 1.0), baseline)
            rows.setdefault(key, []).append(char)
        found = [TextLine("".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])), key)
                 for key, row in sorted(rows.items())]
        if chars is None:
            self._lines[index] = found
        return found

    def text_in(self, index: int, rect: list[float]) -> str:
        """The text of the glyphs inside ``rect`` (PDF coordinates) on a page."""
        x0, y0, x1, y1 = rect
        bottoms, chars = self._by_bottom(index)  # a TOC page has a link a line: look only near it
        nearby = sorted(chars[bisect_left(bottoms, y0 - 3):bisect_right(bottoms, y1 + 1)],
                        key=lambda pair: pair[0])
        inside = [c for _, c in nearby if c["x0"] >= x0 - 1 and c["x1"] <= x1 + 1 and c["y1"] <= y1 + 1]
        return "".join(line.text for line in self.lines(index, inside))

    def _by_bottom(self, index: int) -> tuple[list[float], list[tuple[int, dict]]]:
        """A page's glyphs with their drawing order, sorted by their boxes' bottoms (``y0``)."""
        if index not in self._bottoms:
            chars = sorted(enumerate(self.chars[index]), key=lambda pair: pair[1]["y0"])
            self._bottoms[index] = ([c["y0"] for _, c in chars], chars)
        return self._bottoms[index]

    def target(self, annotation: pikepdf.Dictionary) -> int | None:
        """Page index a link jumps to; None if it goes nowhere in this file."""
        dest = annotation.get("/Dest")
        if dest is None and annotation.get("/A") is not None and annotation.A.get("/S") == "/GoTo":
            dest = annotation.A.D
        if isinstance(dest, (pikepdf.String, pikepdf.Name)):
            dest = self.named_destinations.get(str(dest))
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
            return self.page_ids.get(dest[0].objgen)
        return None

    @cached_property
    def named_destinations(self) -> dict:
        found = {}
        names = self.pdf.Root.get("/Names")
        if names is not None and "/Dests" in names:
            tree = pikepdf.NameTree(names.Dests)
            found.update({str(key): value for key, value in tree.items()})
        if "/Dests" in self.pdf.Root:
            found.update({str(key).lstrip("/"): value for key, value in self.pdf.Root.Dests.items()})
        return found

    @cached_property
    def front_pages(self) -> list[int]:
        """Pages after the cover whose label does not end in a number (i, ii; not 12 or
        10-3): the table of contents."""
        return [i for i in range(1, len(self.labels)) if not is_body_label(self.labels[i])]

    @cached_property
    def toc(self) -> list[TocEntry]:
        entries = []
        for index in self.front_pages:
            for annotation in self.pdf.pages[index].get("/Annots", []):
                if annotation.get("/Subtype") != "/Link" or annotation.get("/A", {}).get("/S") == "/URI":
                    continue
                text = self.text_in(index, [float(v) for v in annotation.Rect])
                match = _LEADERS.match(text)
                entry, folio = (match["entry"], match["folio"]) if match else (text, "")
                entries.append(TocEntry(index, entry, folio, self.target(annotation)))
        return entries


def _on_trim(objects: list[dict], page: pikepdf.Dictionary) -> float:
    """Move pdfplumber's ``objects`` of a page whose MediaBox reaches beyond its TrimBox (the
    print variant's slug, layout.print) to the trimmed page's coordinates; its height."""
    media = [float(v) for v in page.MediaBox]
    trim = [float(v) for v in page.TrimBox]
    height = trim[3] - trim[1]
    shift = min(media[1], media[3]) - min(trim[1], trim[3])
    shift_x = min(media[0], media[2]) - min(trim[0], trim[2])
    for item in objects:
        item["y0"], item["y1"] = item["y0"] + shift, item["y1"] + shift
        item["top"], item["bottom"] = height - item["y1"], height - item["y0"]
        if item.get("matrix"):  # pdfminer's, from the MediaBox's corner
            a, b, c, d, e, f = item["matrix"]
            item["matrix"] = (a, b, c, d, e + shift_x, f + shift)
    return height


def _open(path: Path) -> pikepdf.Pdf:
    """``path`` opened with pikepdf, or a CheckError saying what the file is instead."""
    if path.is_dir():
        raise CheckError(f"{path}: is a folder; give a PDF file, e.g. output/2021-10.pdf")
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise CheckError(f"{path}: no such file; check the path (briefing build prints where it wrote)") from None
    except OSError as exc:
        raise CheckError(f"{path}: cannot read it ({exc.strerror}); check its permissions") from None
    if not head:
        raise CheckError(f"{path}: is empty (0 bytes); build it again with briefing build")
    if b"%PDF-" not in head:
        kind = "a PNG image" if head.startswith(b"\x89PNG") else "a JPEG image" if head.startswith(b"\xff\xd8") \
            else "text" if _is_text(head) else "not a PDF"
        raise CheckError(f"{path}: is {kind}, not a PDF; give the PDF that briefing build wrote")
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise CheckError(f"{path}: is encrypted; check audits unencrypted PDFs: give the file "
                         "briefing build wrote (or decrypt it: qpdf --decrypt in.pdf out.pdf)") from None
    except pikepdf.PdfError as exc:
        raise CheckError(f"{path}: is damaged or truncated ({exc}); build it again with briefing build") from None


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3 and b"\0" not in head  # a character cut at 1024 bytes
    return b"\0" not in head
