"""PDF/A finishing: ReportLab's bytes → an archival PDF that validators accept.

ReportLab writes a correct PDF, but not an archival one: no XMP metadata, no
OutputIntent, link annotations without the Print flag, an empty ``/Trans`` on every
page, and stream syntax strict validators reject. pikepdf (qpdf) does the finishing:
``pikepdf.pdfa.prepare`` adds the sRGB OutputIntent (the ICC v2 profile shipped in
``layout/data``), print flags and the XMP packet declaring conformance; qpdf rewrites
the file with clean stream syntax; ``pikepdf.pdfa.validate_written`` re-reads the bytes
and the build fails rather than write a file that does not validate.

Reproducible bytes. The dates in the file come from the edition, not the clock: the
edition's ``date`` (the first of the month when no day is given) at 00:00 UTC, or
``SOURCE_DATE_EPOCH`` when that variable is set (the reproducible-builds convention).
The file ID is derived from the content (qpdf's deterministic ID). So the same inputs
(edition, assets, style, fonts, program and library versions) give the same bytes on
any machine.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import pikepdf
import pikepdf.pdfa
from reportlab import Version as REPORTLAB_VERSION

from layout import __version__
from layout.errors import BriefingError

ICC_PROFILE = "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@dataclass(frozen=True)
class Variant:
    flavour: str | None
    """pikepdf's PDF/A flavour ('1b', '2b'), or None for a plain PDF."""
    description: str


VARIANTS = {
    "1b": Variant("1b", "PDF/A-1b (ISO 19005-1 = GB/T 23286.1), level B"),
    "2b": Variant("2b", "PDF/A-2b (ISO 19005-2), level B"),
    "none": Variant(None, "plain PDF 1.4, no PDF/A declaration"),
}
DEFAULT_VARIANT = "1b"


@dataclass(frozen=True)
class Metadata:
    """What the Info dictionary and the XMP packet say about the edition."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    language: str
    identifier: str
    rights: str
    date: datetime


class ArchivalError(BriefingError):
    """The finished file did not validate: a bug, never the user's input."""


def producer() -> str:
    return f"briefing-layout {__version__} (ReportLab {REPORTLAB_VERSION}, pikepdf {pikepdf.__version__})"


def build_date(year: int, month: int, day: int | None) -> datetime:
    """The date written into the file: SOURCE_DATE_EPOCH if set, else the edition's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime(year, month, day or 1, tzinfo=UTC)


def _pdf_date(moment: datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def make_archival(pdf_bytes: bytes, metadata: Metadata, variant: str = DEFAULT_VARIANT,
                  annotate: Callable[[pikepdf.Pdf], None] | None = None) -> bytes:
    """Finish ReportLab's output as ``variant`` (a key of VARIANTS); return the new bytes.

    ``annotate`` may add to the file before it is saved and validated (layout.pdfrecord)."""
    flavour = VARIANTS[variant].flavour
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        _clean_reportlab_output(pdf)
        if annotate is not None:
            annotate(pdf)
        _write_info(pdf, metadata)
        if flavour:
            icc = resources.files("layout").joinpath("data", ICC_PROFILE).read_bytes()
            pikepdf.pdfa.prepare(pdf, flavour, output_intent=icc, output_condition_identifier=OUTPUT_CONDITION)
        _write_xmp(pdf, metadata, declared=flavour is not None)
        settings = (pikepdf.pdfa.resolve_save_kwargs(flavour, deterministic_id=True) if flavour
                    else {"deterministic_id": True, "force_version": "1.4"})
        out = io.BytesIO()
        pdf.save(out, **settings)
    data = out.getvalue()
    if flavour:
        report = pikepdf.pdfa.validate_written(io.BytesIO(data), flavour, save_kwargs=settings)
        if not report.passed:
            findings = "\n  ".join(str(finding) for finding in report.findings[:10])
            raise ArchivalError(f"the finished PDF is not valid {VARIANTS[variant].description}:\n  {findings}")
    return data


def _clean_reportlab_output(pdf: pikepdf.Pdf) -> None:
    """Undo what ReportLab writes that archives reject or validators misread."""
    for page in pdf.pages:
        # An empty transition dictionary on every page: meaningless, and PDF/A-1 forbids it.
        if "/Trans" in page.obj and not page.obj.Trans.keys():
            del page.obj["/Trans"]
    if "/Outlines" in pdf.Root:
        _count_outline(pdf.Root.Outlines, is_open=True)
    labels = pdf.Root.get("/PageLabels")
    if labels is not None and "/Nums" in labels:
        # Label dictionaries as direct objects, the form the PDF/A schema expects.
        nums = labels.Nums
        labels.Nums = pikepdf.Array(
            pikepdf.Dictionary(dict(item.items())) if isinstance(item, pikepdf.Dictionary) else item
            for item in nums)


def _count_outline(node: pikepdf.Dictionary, is_open: bool) -> int:
    """Set each outline item's /Count as PDF 1.7 §12.3.3 defines it; return how many items
    below ``node`` are visible when ``node`` is open.

    ReportLab adds the children of open items twice into the root's count (48 for 41
    entries). An open item counts its visible descendants; a closed one, negated, those
    that would be visible if it were opened; the root counts every visible item."""
    visible = 0
    child = node.get("/First")
    while child is not None:
        child_open = int(child.get("/Count", 0)) >= 0
        below = _count_outline(child, child_open)
        visible += 1 + (below if child_open else 0)
        child = child.get("/Next")
    if "/First" in node:
        node.Count = visible if is_open else -visible
    elif "/Count" in node and node.get("/Type") != "/Outlines":
        del node["/Count"]
    return visible


def _write_info(pdf: pikepdf.Pdf, metadata: Metadata) -> None:
    date = _pdf_date(metadata.date)
    info = pdf.docinfo
    info.Title = metadata.title
    info.Author = metadata.author
    info.Subject = metadata.subject
    info.Keywords = ", ".join(metadata.keywords)
    info.CreationDate = date
    info.ModDate = date


def _write_xmp(pdf: pikepdf.Pdf, metadata: Metadata, declared: bool) -> None:
    """The XMP packet agreeing with the Info dictionary, plus what only XMP can say."""
    stamp = metadata.date.isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        if not declared:
            xmp["dc:title"] = metadata.title
            xmp["dc:creator"] = [metadata.author]
            xmp["dc:description"] = metadata.subject
            xmp["pdf:Keywords"] = ", ".join(metadata.keywords)
            xmp["xmp:CreateDate"] = stamp
            xmp["xmp:ModifyDate"] = stamp
        xmp["dc:language"] = [metadata.language]
        xmp["dc:identifier"] = metadata.identifier
        xmp["dc:rights"] = metadata.rights
        xmp["xmp:MetadataDate"] = stamp
        xmp["pdf:Producer"] = producer()
    pdf.docinfo.Producer = producer()  # here, after prepare(), which names pikepdf: both must agree
