"""The signature row of ``briefing check``: is the signed file as it was signed?

Read from the PDF alone, as every row is (``layout.check.PdfView``). An unsigned file
gets ``n/a``. A signed one passes when every signature is intact (the digest of the bytes
its /ByteRange names is the one it signed, and the signature over it verifies) and the
last one covers the whole file but its own /Contents (nothing was appended after it:
an incremental update after signing fails). The signer (the certificate's common name)
and the signing time are reported; trust in the certificate is not judged, as that is
the reader's decision with its own trust list, and ``check`` uses no network
(``layout.sign.verify_signatures``). Verifying needs pyHanko (the ``[sign]`` extra):
without it, a signed file's row is skipped, saying so.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from layout.check import CheckResult, PdfView


def signature_fields(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """The signed signature fields (/FT /Sig with a /V) of the form, at any depth."""
    form = pdf.Root.get("/AcroForm")
    found, todo, seen = [], list(form.get("/Fields", [])) if form is not None else [], set()
    while todo:
        field = todo.pop()
        if not isinstance(field, pikepdf.Dictionary) or field.objgen in seen and field.objgen != (0, 0):
            continue
        seen.add(field.objgen)
        if field.get("/FT") == "/Sig" and "/V" in field:
            found.append(field)
        todo.extend(field.get("/Kids", []))
    return found


def check_signature(view: PdfView) -> CheckResult:
    """Each signature intact and the last one covering the whole file (see the module doc)."""
    from layout.check import CheckResult

    name = "signature intact, covering the whole file"
    if not signature_fields(view.pdf):
        return CheckResult(name, "n/a", "not signed (briefing sign adds a signature)")
    try:
        from layout.sign import verify_signatures
    except ImportError:
        return CheckResult(name, "skip", "signed, but pyHanko is not installed to verify it: "
                                         "pip install 'briefing-layout[sign]'")
    reports = verify_signatures(view.path.read_bytes())
    problems = [f"{r.field}: " + ("the signed bytes were changed (digest mismatch)" if not r.intact else
                                  "the signature does not verify with its certificate" if not r.valid else
                                  f"bytes were added after it (coverage: {r.coverage})")
                for r in reports if not r.passed and (not r.intact or not r.valid or r is reports[-1])]
    if not reports:
        problems.append("a signature field is filled, but no signature could be read from it")
    if problems:
        return CheckResult(name, "fail", "; ".join(problems))
    last = reports[-1]
    when = f"{last.signing_time.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if last.signing_time else "no time given"
    clock = "by a timestamp server" if last.timestamped else "by the signer's clock, not timestamped"
    return CheckResult(name, "pass", f"intact, whole file; signed by {last.signer}, {when} ({clock}); "
                                     "the certificate is not judged here (the reader's trust list decides)")
