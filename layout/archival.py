"""PDF/A finishing: ReportLab's bytes → an archival PDF that validators accept.

ReportLab writes a correct PDF, but not an archival one: no XMP metadata, no
OutputIntent, link annotations without the Print flag, an empty ``/Trans`` on every
page, and stream syntax strict validators reject. pikepdf (qpdf) does the finishing:
``pikepdf.pdfa.prepare`` adds the sRGB OutputIntent (the ICC v2 profile shipped in
``layout/data``), print flags and the XMP packet declaring conformance; qpdf rewrites
the file with clean stream syntax; ``pikepdf.pdfa.validate_written`` re-reads the bytes
and the build fails rather than write a file that does not validate.

What the build validates, and what it leaves to ``briefing check``. The build runs the
validator's object tier on every file it writes: trailer, catalog, metadata and XMP,
output intent, pages and their boxes, fonts (embedded, widths, CMaps), images, annotations,
name trees. It leaves out the content tier (``structure_only``): reading every page's
content stream for its operators and every glyph it shows, 0.4 s of a 0.5 s validation on
the reference edition. The page content is written by this package's own code in a fixed
dialect (Type0 text, DeviceGray and the output intent's colours, images as XObjects), so
it is valid by construction; the test suite holds every edition and corpus case it builds
to the full validator and to PDFBox Preflight, and ``briefing check`` runs both on any file.

Reproducible bytes. The dates in the file come from the edition, not the clock: the
edition's ``date`` (the first of the month when no day is given) at 00:00 UTC, or
``SOURCE_DATE_EPOCH`` when that variable is set (the reproducible-builds convention).
The file ID is derived from the content (qpdf's deterministic ID). So the same inputs
(edition, assets, style, fonts, program and library versions) give the same bytes on
any machine.

Revisions (a corrected re-issue, ``edition.revision``). ``xmpMM:DocumentID`` is derived from
the publication's title and the edition's id (its file name), so every revision of an edition
shares it; ``xmpMM:InstanceID`` is derived from it and the revision number, and
``xmpMM:VersionID`` is the number (1 for the original): both change with each revision. A
revision's ModDate (``xmp:ModifyDate``) is its date, the CreationDate stays the edition's;
``dc:date`` lists both. The Info entry ``/BriefingRevision`` holds the number, the InstanceID,
and for a correction its date and note (what was corrected), as JSON: a custom Info entry,
which PDF/A allows. PDF/A-1 knows only the XMP 2004 properties, which have no
``xmpMM:InstanceID`` (it came with XMP 2005); declaring it would need an extension schema,
which pikepdf's validator does not read. So under 1b the InstanceID is in that Info entry
only; under 2b and plain PDF it is in the XMP packet too.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import pikepdf
import pikepdf.pdfa
from reportlab import Version as REPORTLAB_VERSION

from layout import __version__
from layout.errors import BriefingError
from layout.variants import DEFAULT_VARIANT, VARIANTS, Variant  # noqa: F401 - re-exported

ICC_PROFILE = "sRGB-v2.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
REVISION_KEY = "/BriefingRevision"




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
    publisher: str = ""
    """dc:publisher (the edition's publisher)."""
    edition_key: str = ""
    """The publication's title and the edition's id: what DocumentID is derived from."""
    revision: int = 1
    modified: datetime | None = None
    """The revision's date; None for the original (ModDate = CreationDate)."""
    revision_note: str = ""

    def document_id(self) -> str:
        return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'briefing:' + (self.edition_key or self.identifier))}"

    def instance_id(self) -> str:
        return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.document_id()}#revision-{self.revision}')}"


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
        if flavour and not flavour.startswith("1"):
            _drop_cid_sets(pdf)
        if annotate is not None:
            annotate(pdf)
        _write_info(pdf, metadata)
        if flavour:
            icc = resources.files("layout").joinpath("data", ICC_PROFILE).read_bytes()
            pikepdf.pdfa.prepare(pdf, flavour, output_intent=icc, output_condition_identifier=OUTPUT_CONDITION)
        _write_xmp(pdf, metadata, flavour)
        settings = (pikepdf.pdfa.resolve_save_kwargs(flavour, deterministic_id=True) if flavour
                    else {"deterministic_id": True, "force_version": "1.4"})
        out = io.BytesIO()
        pdf.save(out, **settings)
    data = out.getvalue()
    if flavour:
        with structure_only():
            report = pikepdf.pdfa.validate_written(io.BytesIO(data), flavour, save_kwargs=settings)
        if not report.passed:
            findings = "\n  ".join(str(finding) for finding in report.findings[:10])
            raise ArchivalError(f"the finished PDF is not valid {VARIANTS[variant].description}:\n  {findings}")
    return data


@contextmanager
def structure_only() -> Iterator[bool]:
    """pikepdf's PDF/A validator without its content tier while the block runs (see the module's
    docstring); yields whether it is left out. With a pikepdf whose walker has no such tier to
    leave out, the block runs the full validation: slower, never weaker."""
    from pikepdf.pdfa import _walker  # noqa: PLC0415 - pikepdf's walker has no public switch for this

    walker = getattr(_walker, "DocumentWalker", None)
    if walker is None or not callable(getattr(walker, "on_page_content", None)):
        yield False
        return
    original = walker.on_page_content
    walker.on_page_content = _skip_page_content
    try:
        yield True
    finally:
        walker.on_page_content = original


def _skip_page_content(self, page, where: str = "page") -> None:
    """A page's content streams: valid by construction, read in full by ``briefing check``."""


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


def _drop_cid_sets(pdf: pikepdf.Pdf) -> None:
    """PDF/A-1 requires a /CIDSet of every CIDFont subset (layout.cidfonts writes one); PDF/A-2
    and -3 make it optional and pikepdf's validator does not check one there, so it goes."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and "/CIDSet" in obj:
            del obj["/CIDSet"]


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
    info.ModDate = _pdf_date(metadata.modified or metadata.date)
    record = {"number": metadata.revision, "instance_id": metadata.instance_id()}
    if metadata.revision > 1:
        record |= {"date": (metadata.modified or metadata.date).date().isoformat(), "note": metadata.revision_note}
    info[REVISION_KEY] = pikepdf.String(json.dumps(record, ensure_ascii=True, sort_keys=True))


def _write_xmp(pdf: pikepdf.Pdf, metadata: Metadata, flavour: str | None) -> None:
    """The XMP packet agreeing with the Info dictionary, plus what only XMP can say."""
    declared = flavour is not None
    stamp = metadata.date.isoformat()
    modified = (metadata.modified or metadata.date).isoformat()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        if not declared:
            xmp["dc:title"] = metadata.title
            xmp["dc:creator"] = [metadata.author]
            xmp["dc:description"] = metadata.subject
            xmp["pdf:Keywords"] = ", ".join(metadata.keywords)
            xmp["xmp:CreateDate"] = stamp
            xmp["xmp:ModifyDate"] = modified
        xmp["dc:language"] = [metadata.language]
        xmp["dc:identifier"] = metadata.identifier
        xmp["dc:rights"] = metadata.rights
        xmp["xmp:MetadataDate"] = modified
        if metadata.publisher:
            xmp["dc:publisher"] = [metadata.publisher]
        xmp["dc:date"] = list(dict.fromkeys([stamp, modified]))
        xmp["xmpMM:DocumentID"] = metadata.document_id()
        if flavour != "1b":  # XMP 2005: not in PDF/A-1's predefined schemas (see the module's docstring)
            xmp["xmpMM:InstanceID"] = metadata.instance_id()
        xmp["xmpMM:VersionID"] = str(metadata.revision)
        xmp["pdf:Producer"] = producer()
    pdf.docinfo.Producer = producer()  # here, after prepare(), which names pikepdf: both must agree
    _declare_on_description(pdf)


XMPMM = "http://ns.adobe.com/xap/1.0/mm/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _declare_on_description(pdf: pikepdf.Pdf) -> None:
    """Move the xmpMM namespace declaration onto its ``rdf:Description``.

    pikepdf declares a namespace it adds on each property element; PDFBox Preflight looks for
    a schema's declaration on the Description only ("Schema is not set in this document")."""
    from lxml import etree

    packet = pdf.Root.Metadata.read_bytes()
    start, end = packet.index(b"<x:xmpmeta"), packet.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    root = etree.fromstring(packet[start:end])
    for description in root.iter(f"{{{RDF}}}Description"):
        if not any(child.tag.startswith(f"{{{XMPMM}}}") for child in description):
            continue
        replacement = etree.Element(description.tag, dict(description.attrib),
                                    nsmap={**description.nsmap, "xmpMM": XMPMM})
        replacement.text, replacement.tail = description.text, description.tail
        replacement.extend(list(description))
        description.getparent().replace(description, replacement)
    etree.cleanup_namespaces(root)
    pdf.Root.Metadata.write(packet[:start] + etree.tostring(root, encoding="utf-8") + packet[end:])
