"""PAdES signing and its verification (pyHanko).

``sign_pdf`` adds one PAdES signature (B-B; B-T with a timestamp from an RFC 3161 server)
to a built edition as an incremental update, so the bytes the build wrote stay as they
are, and the result is still the PDF/A it was. A plain pyHanko signature breaks PDF/A-1b
in three ways, each undone here:

- the signature widget has no appearance (``/AP``): an invisible signature gets an empty
  form XObject, a visible one the stamp drawn here (ReportLab, with the built-in CJK font
  embedded, as every font of the edition is), both with the Print flag;
- pyHanko rewrites the metadata (Info ``/Producer`` gets "; pyHanko …", the XMP packet
  another Producer and a ModifyDate in local time): here the metadata is left as the build
  wrote it, Info and XMP agreeing; when the file was signed is the signature's own
  ``/M`` and signing-time attribute;
- pyHanko raises the catalog ``/Version`` (1.7 for PAdES, 2.0 for an EC P-256 key) and
  declares an extension: a PDF/A-1 file is PDF 1.4, so the version stays.

Every signed file is verified before it is written (``verify_signatures``: the digest,
the coverage) and checked by pikepdf's PDF/A validator, so ``sign`` never writes a file
that ``check`` would fail for the signature.

``verify_signatures`` reads signatures without the network: no certificate is trusted
(``trust_roots=[]``, no fetching). What a signature proves here is integrity and
coverage; whether its certificate belongs to the publisher is for the reader (an agency)
to decide with its own trust list (README: Signing).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pikepdf.pdfa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import NoOpStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from layout.errors import BriefingError

FIELD_NAME = "BriefingSignature"
STAMP_SIZE = (200.0, 54.0)
"""Points: the visible signature's box, at the bottom right of a page's type area."""
STAMP_FONT = "NotoSansSC-Regular.ttf"
PRINT_FLAG = 4
LOCKED_FLAG = 128


for _name in ("pyhanko", "pyhanko_certvalidator"):
    # pyHanko logs a self-signed certificate as an error with a traceback; verify_signatures
    # reports it in its own words.
    logging.getLogger(_name).addHandler(logging.NullHandler())


class SignError(BriefingError):
    """The key, the certificate, the PDF or the timestamp server will not do."""


@dataclass(frozen=True)
class SignatureReport:
    """One signature of a PDF, as ``verify_signatures`` found it."""

    field: str
    intact: bool
    """The digest of the signed bytes is the one the signature holds."""
    valid: bool
    """The signature over that digest verifies with the certificate's key."""
    whole_file: bool
    """Its /ByteRange covers the whole file but its own /Contents: nothing was added after it."""
    coverage: str
    signer: str
    """The certificate subject's common name (else the whole subject)."""
    signing_time: datetime | None
    """The timestamp token's time (B-T), else the signer's clock."""
    timestamped: bool
    trusted: bool
    """A chain to a trusted root: never here (no trust list), reported for completeness."""

    @property
    def passed(self) -> bool:
        return self.intact and self.valid and self.whole_file


@dataclass(frozen=True)
class Credentials:
    key: object
    cert: object
    chain: tuple
    """Further certificates of --cert's file (intermediate CAs): embedded with the signature."""
    subject: str


def key_is_encrypted(key_path: Path) -> bool:
    """True if the key file needs a passphrase (asked before ``load_credentials``)."""
    data = read_input(key_path, "key")
    try:
        serialization.load_pem_private_key(data, None) if b"-----BEGIN" in data \
            else serialization.load_der_private_key(data, None)
    except TypeError:
        return True
    except ValueError:
        return False  # not a key at all: load_credentials says so
    return False


def load_credentials(key_path: Path, cert_path: Path, passphrase: bytes | None) -> Credentials:
    """The signing key and its certificate, checked to belong together and to be valid today."""
    key_data, cert_data = read_input(key_path, "key"), read_input(cert_path, "certificate")
    try:
        key = load_private_key_from_pemder_data(key_data, passphrase)
    except (TypeError, ValueError) as exc:
        wrong = passphrase is not None and ("password" in str(exc).lower() or "decrypt" in str(exc).lower())
        raise SignError(f"{key_path}: " + ("the passphrase does not open this key; give the right one" if wrong else
                                           "is not a private key in PEM or DER form; give the key that "
                                           "belongs to --cert")) from None
    try:
        chain = list(load_certs_from_pemder_data(cert_data))
        cert = chain[0]
        parsed = x509.load_der_x509_certificate(cert.dump())
    except (TypeError, ValueError, IndexError):
        raise SignError(f"{cert_path}: is not an X.509 certificate in PEM or DER form; give the "
                        "publisher's signing certificate") from None
    if _public_bytes(serialization.load_der_private_key(key.dump(), None).public_key()) != \
            _public_bytes(parsed.public_key()):
        raise SignError(f"{key_path}: this key does not belong to the certificate {cert_path} "
                        f"({_subject(cert)}); give the matching pair")
    now = datetime.now(UTC)
    if not parsed.not_valid_before_utc <= now <= parsed.not_valid_after_utc:
        raise SignError(f"{cert_path}: the certificate is valid from {parsed.not_valid_before_utc:%Y-%m-%d} to "
                        f"{parsed.not_valid_after_utc:%Y-%m-%d}, not today; renew it")
    return Credentials(key, cert, tuple(chain[1:]), _subject(cert))


def sign_pdf(data: bytes, credentials: Credentials, visible: bool = False, reason: str | None = None,
             location: str | None = None, timestamp_url: str | None = None, name: str = "the PDF") -> bytes:
    """``data`` with a PAdES signature appended as an incremental update (see the module doc);
    ``name`` (the file's path) for messages."""
    _check_signable(data, name)
    writer = _ArchivalWriter(io.BytesIO(data))
    signed_at = datetime.now(UTC)
    if visible:
        page, box = _stamp_place(data)
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box)
        fields.append_signature_field(writer, spec)
        appearance = _stamp_appearance(writer, credentials.subject, signed_at, reason, location)
    else:
        fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME))
        appearance = writer.add_object(_empty_form())
    widget = _widget(writer)
    widget["/AP"] = generic.DictionaryObject({generic.pdf_name("/N"): appearance})
    widget["/F"] = generic.NumberObject(PRINT_FLAG | LOCKED_FLAG)
    signer = signers.SimpleSigner(signing_cert=credentials.cert, signing_key=credentials.key,
                                  cert_registry=SimpleCertificateStore.from_certs([credentials.cert, *credentials.chain]))
    metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                            location=location)
    timestamper = timestamps.HTTPTimeStamper(timestamp_url, timeout=30) if timestamp_url else None
    pdf_signer = signers.PdfSigner(metadata, signer, timestamper=timestamper, stamp_style=NoOpStampStyle())
    try:
        out = pdf_signer.sign_pdf(writer, existing_fields_only=True)
    except timestamps.TimestampRequestError as exc:
        raise SignError(f"--timestamp-url {timestamp_url}: no timestamp ({exc}); check the address and "
                        "the network, or sign without a timestamp (PAdES B-B)") from None
    signed = out.getvalue()
    _verify_written(signed)
    return signed


class _ArchivalWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer that leaves the metadata and the PDF version alone."""

    def _update_meta(self) -> None:
        """Info and XMP stay as the build wrote them (they agree; pyHanko's update does not)."""

    def ensure_output_version(self, version) -> None:
        """A PDF/A-1 file is PDF 1.4: no /Version 1.7 or 2.0 in the catalog."""

    def register_extension(self, ext) -> None:
        """No /Extensions (ESIC, ISO 32002) declared in a PDF 1.4 file."""


def _empty_form() -> generic.StreamObject:
    """The invisible signature's appearance: a form XObject that draws nothing."""
    zero = generic.NumberObject(0)
    return generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                                 generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                                 generic.pdf_name("/BBox"): generic.ArrayObject([zero] * 4)}, stream_data=b"")


def _check_signable(data: bytes, name: str) -> None:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # noqa: BLE001 - pyHanko's parser errors have several bases
        raise SignError(f"{name}: not a readable PDF ({exc}); give the file briefing build wrote") from None
    if reader.encrypted:
        raise SignError(f"{name}: is encrypted; sign the file briefing build wrote")
    if reader.embedded_signatures:
        raise SignError(f"{name}: is signed already; sign the file briefing build wrote, once")


def _widget(writer: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == FIELD_NAME:
            writer.update_container(field)
            return field
    raise AssertionError("the signature field just added is missing")


def _stamp_place(data: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """The last page with a free box of STAMP_SIZE (no glyph, image or drawing in it) at the
    bottom right of its type area (the page's /ArtBox, which the build sets; else the page
    less 20 mm margins)."""
    import pdfplumber

    width, height = STAMP_SIZE
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index in range(len(pdf.pages) - 1, -1, -1):
            page = pdf.pages[index]
            art = page.page_obj.attrs.get("ArtBox")
            x0, y0, x1, y1 = (float(v) for v in art) if art else (57.0, 57.0, page.width - 57, page.height - 57)
            box = (max(x0, x1) - width, min(y0, y1), max(x0, x1), min(y0, y1) + height)
            top, bottom = page.height - box[3], page.height - box[1]
            drawn = [*page.chars, *page.images, *page.rects, *page.lines, *page.curves]  # a QR code is rects
            if not any(o["x1"] > box[0] and o["x0"] < box[2] and o["bottom"] > top and o["top"] < bottom
                       for o in drawn):
                return index, box
    raise SignError(f"no page has a free {width:.0f}×{height:.0f} pt corner at the bottom right of its type "
                    "area for a visible signature; sign without --visible (the signature is the same)")


def _stamp_appearance(writer, signer: str, signed_at: datetime, reason: str | None,
                      location: str | None) -> generic.IndirectObject:
    """The visible signature's appearance: a thin frame and three lines, drawn by ReportLab in
    the built-in CJK font (embedded) and imported as a form XObject."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from layout import cmap
    from layout.publication import builtin_dir

    cmap.install()  # the stamp's ToUnicode in blocks of 100 (a simple font: ReportLab's own embedding)
    if "BriefingStamp" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BriefingStamp", str(builtin_dir("fonts") / STAMP_FONT)))
    width, height = STAMP_SIZE
    out = io.BytesIO()
    # The initial font named: else ReportLab sets Helvetica (standard-14, never embedded).
    drawing = canvas.Canvas(out, pagesize=(width, height), invariant=True, initialFontName="BriefingStamp")
    drawing.setStrokeColorRGB(0.25, 0.25, 0.25)
    drawing.setLineWidth(0.6)
    drawing.rect(0.3, 0.3, width - 0.6, height - 0.6)
    drawing.setFillColorRGB(0, 0, 0)
    lines = [f"Digitally signed by {signer}", f"{signed_at:%Y-%m-%d %H:%M} UTC",
             "; ".join(part for part in (reason, location) if part)]
    for number, line in enumerate(line for line in lines if line):
        size = 9 if number == 0 else 8
        while size > 5 and pdfmetrics.stringWidth(line, "BriefingStamp", size) > width - 12:
            size -= 0.5
        drawing.setFont("BriefingStamp", size)
        drawing.drawString(6, height - 16 - 14 * number, line)
    drawing.showPage()
    drawing.save()
    return writer.import_page_as_xobject(PdfFileReader(io.BytesIO(out.getvalue())), page_ix=0)


def _verify_written(signed: bytes) -> None:
    """The signed bytes verify and are still PDF/A: else a bug, never written."""
    reports = verify_signatures(signed)
    if len(reports) != 1 or not reports[0].passed:
        raise AssertionError(f"the signed file does not verify: {reports}")
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        part = str(pdf.open_metadata().get("pdfaid:part") or "")
    if part:
        report = pikepdf.pdfa.validate_written(io.BytesIO(signed), f"{part}b")
        if report.violations:
            raise AssertionError(f"the signed file is no longer PDF/A-{part}b: {report.violations[:3]}")


def verify_signatures(data: bytes) -> list[SignatureReport]:
    """Every signature of the PDF in ``data``, verified offline (no trust list, no fetching)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = ValidationContext(trust_roots=[], allow_fetching=False)
    reports = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        reports.append(SignatureReport(
            field=embedded.field_name, intact=bool(status.intact), valid=bool(status.valid),
            whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            coverage=status.coverage.name.lower().replace("_", " ") if status.coverage else "unknown",
            signer=_subject(status.signing_cert),
            signing_time=(status.timestamp_validity.timestamp if status.timestamp_validity is not None
                          else status.signer_reported_dt or embedded.self_reported_timestamp),
            timestamped=status.timestamp_validity is not None, trusted=bool(status.trusted)))
    return reports


def _public_bytes(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _subject(cert) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)


def read_input(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SignError(f"{path}: no such file; give the {what} file's path") from None
    except IsADirectoryError:
        raise SignError(f"{path}: is a folder; give the {what} file's path") from None
    except OSError as exc:
        raise SignError(f"{path}: cannot read it ({exc.strerror}); check its permissions") from None
