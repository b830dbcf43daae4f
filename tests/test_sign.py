"""``briefing sign`` and check's signature row, with throwaway certificates made here.

A small edition is built once and signed invisibly (EC P-256: the key for which pyHanko
would raise the PDF version to 2.0) and visibly (RSA 2048). Each signed file must keep
its PDF/A-1b (pikepdf, Preflight, metadata), its original bytes, and pass the signature
row; a byte changed inside the signed range, and an update appended after the signature,
must fail it.
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from conftest import build, write_edition
from layout.check import PdfView, check_metadata, check_pdfa_pikepdf, check_pdfa_preflight, check_signature
from layout.cli import PASSPHRASE_VARIABLE, main

pytest.importorskip("pyhanko")

EDITION = """\
edition:
  title: 签名测试简报
  issue_label: 2022年第3期
  date: 2022-03
  publisher: 测试出版单位
  copyright: 版权归属测试单位
chapters:
  - title: 签名
    articles:
      - title: 电子签名的发布文件
        body: |
          本期简报以数字签名发布，接收单位可在阅读器的签名面板中核验文件自签名后未被修改。
"""
SIGNER = "测试出版单位签名"
PASSPHRASE = "口令 secret"


def make_credentials(folder: Path, kind: str, days: tuple[int, int] = (-1, 30),
                     passphrase: str | None = PASSPHRASE, time_stamping: bool = False) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Publisher")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + datetime.timedelta(days=days[0]))
               .not_valid_after(now + datetime.timedelta(days=days[1]))
               .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                              critical=True))
    if time_stamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.TIME_STAMPING]),
                                        critical=True)
    cert = builder.sign(key, hashes.SHA256())
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    prefix = f"{kind}-tsa" if time_stamping else kind
    key_path, cert_path = folder / f"{prefix}-key.pem", folder / f"{prefix}-cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@pytest.fixture(scope="module")
def edition_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sign")
    output = folder / "edition.pdf"
    assert build(write_edition(folder, EDITION), output) == 0
    return output


@pytest.fixture(scope="module")
def signed(edition_pdf, tmp_path_factory) -> dict[str, Path]:
    """The edition signed invisibly with an EC key and visibly with an RSA key."""
    folder = tmp_path_factory.mktemp("signed")
    results = {}
    os.environ[PASSPHRASE_VARIABLE] = PASSPHRASE
    try:
        for kind, extra in (("ec", []), ("rsa", ["--visible", "--reason", "正式发布", "--location", "北京"])):
            key, cert = make_credentials(folder, kind)
            output = folder / f"{kind}.pdf"
            assert main(["sign", str(edition_pdf), "--key", str(key), "--cert", str(cert), "-o", str(output),
                         *extra]) == 0
            results["invisible" if kind == "ec" else "visible"] = output
    finally:
        del os.environ[PASSPHRASE_VARIABLE]
    return results


def rows(path: Path, *checks) -> dict[str, tuple[str, str]]:
    view = PdfView(path)
    try:
        return {check.__name__: (result.status, result.detail) for check in checks
                for result in [check(view)]}
    finally:
        view.close()


@pytest.mark.parametrize("variant", ["invisible", "visible"])
def test_signed_edition_stays_pdf_a_and_verifies(signed, edition_pdf, variant):
    path = signed[variant]
    found = rows(path, check_signature, check_pdfa_pikepdf, check_metadata, check_pdfa_preflight)
    assert found["check_signature"][0] == "pass", found["check_signature"]
    assert f"signed by {SIGNER}" in found["check_signature"][1]
    assert found["check_pdfa_pikepdf"][0] == "pass", found["check_pdfa_pikepdf"]
    assert found["check_metadata"][0] == "pass", found["check_metadata"]
    preflight = found["check_pdfa_preflight"]
    if os.environ.get("BRIEFING_REQUIRE_PREFLIGHT") == "1" or preflight[0] != "skip":
        assert preflight[0] == "pass", preflight
    original, data = edition_pdf.read_bytes(), path.read_bytes()
    assert data.startswith(original), "the signature is an incremental update: the built bytes come first"
    with pikepdf.open(path) as pdf, pikepdf.open(edition_pdf) as before:
        assert pdf.pdf_version == "1.4" and "/Version" not in pdf.Root and "/Extensions" not in pdf.Root
        assert str(pdf.docinfo.Producer) == str(before.docinfo.Producer)
        assert str(pdf.open_metadata()["pdf:Producer"]) == str(before.open_metadata()["pdf:Producer"])
        (field,) = pdf.Root.AcroForm.Fields
        assert field.FT == "/Sig" and int(field.F) & 4 and not int(field.F) & (1 | 2 | 32)
        appearance = field.AP.N
        assert appearance.Subtype == "/Form"
        page = next(p for p in pdf.pages if any(a.objgen == field.objgen for a in p.get("/Annots", [])))
        rect = [float(v) for v in field.Rect]
        if variant == "invisible":
            assert rect[2] - rect[0] == rect[3] - rect[1] == 0
        else:
            art = [float(v) for v in page.ArtBox]
            assert art[0] <= rect[0] < rect[2] <= art[2] and art[1] <= rect[1] < rect[3] <= art[3]
            fonts = [font for font in _xobject_fonts(appearance)]
            assert fonts and all("/FontFile2" in _descriptor(font) for font in fonts)


def _descriptor(font):
    """A font's descriptor: a Type0 font's is its descendant CIDFont's (layout.cidfonts)."""
    return font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor


def _xobject_fonts(form):
    yield from form.get("/Resources", {}).get("/Font", {}).values()
    for child in form.get("/Resources", {}).get("/XObject", {}).values():
        yield from _xobject_fonts(child)


def test_visible_stamp_lies_on_no_text(signed):
    import pdfplumber

    with pikepdf.open(signed["visible"]) as pdf:
        field = pdf.Root.AcroForm.Fields[0]
        index = next(i for i, p in enumerate(pdf.pages) if any(a.objgen == field.objgen for a in p.get("/Annots", [])))
        x0, y0, x1, y1 = (float(v) for v in field.Rect)
    with pdfplumber.open(signed["visible"]) as plumber:
        page = plumber.pages[index]
        top, bottom = page.height - y1, page.height - y0
        under = [c["text"] for c in page.chars if c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom]
    assert not under


def test_a_changed_byte_in_the_signed_range_fails(signed, tmp_path):
    data = bytearray(signed["invisible"].read_bytes())
    at = data.index(b"/CreationDate (D:") + len(b"/CreationDate (D:") + 3  # the year's last digit
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    status, detail = rows(tampered, check_signature)["check_signature"]
    assert status == "fail" and "changed" in detail


def test_an_update_after_the_signature_fails(signed, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed["visible"].read_bytes()))
    writer.root["/PageMode"] = generic.pdf_name("/UseOutlines")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    updated = tmp_path / "updated.pdf"
    updated.write_bytes(out.getvalue())
    status, detail = rows(updated, check_signature)["check_signature"]
    assert status == "fail" and "added after it" in detail


def test_unsigned_edition_has_no_signature_row_to_pass(edition_pdf):
    assert rows(edition_pdf, check_signature)["check_signature"][0] == "n/a"


def test_default_output_beside_the_input_and_the_input_untouched(edition_pdf, tmp_path, monkeypatch):
    source = tmp_path / "issue.pdf"
    source.write_bytes(edition_pdf.read_bytes())
    key, cert = make_credentials(tmp_path, "ec", passphrase=None)
    assert main(["sign", str(source), "--key", str(key), "--cert", str(cert)]) == 0
    assert source.read_bytes() == edition_pdf.read_bytes()
    assert rows(tmp_path / "issue.signed.pdf", check_signature)["check_signature"][0] == "pass"
    # The input is replaced only when -o names it.
    assert main(["sign", str(source), "--key", str(key), "--cert", str(cert), "-o", str(source)]) == 0
    assert rows(source, check_signature)["check_signature"][0] == "pass"
    assert main(["sign", str(source), "--key", str(key), "--cert", str(cert), "-o", str(tmp_path / "x.pdf")]) == 1


@pytest.mark.parametrize(("case", "message"), [
    ("no passphrase", f"set {PASSPHRASE_VARIABLE}"),
    ("wrong passphrase", "passphrase does not open"),
    ("other key", "does not belong to the certificate"),
    ("expired", "not today; renew it"),
    ("key as cert", "is not an X.509 certificate"),
    ("-o the key", "never written over"),
    ("timestamp server down", "no timestamp"),
    ("not a pdf", "not a readable PDF"),
])
def test_refusals(edition_pdf, tmp_path, monkeypatch, capsys, case, message):
    key, cert = make_credentials(tmp_path, "ec")
    pdf, extra = str(edition_pdf), []
    monkeypatch.setenv(PASSPHRASE_VARIABLE, PASSPHRASE)
    if case == "no passphrase":
        monkeypatch.delenv(PASSPHRASE_VARIABLE)
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
    elif case == "wrong passphrase":
        monkeypatch.setenv(PASSPHRASE_VARIABLE, "wrong")
    elif case == "other key":
        (tmp_path / "other").mkdir()
        key, _ = make_credentials(tmp_path / "other", "ec")
    elif case == "expired":
        key, cert = make_credentials(tmp_path, "ec", days=(-30, -1))
    elif case == "key as cert":
        cert = key
    elif case == "-o the key":
        extra = ["-o", str(key)]
    elif case == "timestamp server down":
        extra = ["--timestamp-url", "http://127.0.0.1:9/"]
    elif case == "not a pdf":
        pdf = str(cert)
    output = ["-o", str(tmp_path / "out.pdf")] if "-o" not in extra else []
    before = Path(key).read_bytes()
    assert main(["sign", pdf, "--key", str(key), "--cert", str(cert), *output, *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.pdf").exists() and Path(key).read_bytes() == before


def test_timestamp_server_gives_pades_b_t(edition_pdf, tmp_path, monkeypatch, capsys):
    """B-T against a timestamp server on this machine (pyHanko's DummyTimeStamper behind HTTP)."""
    import asyncio
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import tsp
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa_key_path, tsa_cert_path = make_credentials(tmp_path, "rsa", passphrase=None, time_stamping=True)
    stamper = DummyTimeStamper(load_cert_from_pemder(str(tsa_cert_path)),
                               load_private_key_from_pemder(str(tsa_key_path), None))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        key, cert = make_credentials(tmp_path, "ec", passphrase=None)
        output = tmp_path / "b-t.pdf"
        monkeypatch.setenv("BRIEFING_TIMESTAMP_URL", f"http://127.0.0.1:{server.server_port}/")
        assert main(["sign", str(edition_pdf), "--key", str(key), "--cert", str(cert), "-o", str(output)]) == 0
    finally:
        server.shutdown()
    assert "PAdES B-T" in capsys.readouterr().out
    status, detail = rows(output, check_signature)["check_signature"]
    assert status == "pass" and "by a timestamp server" in detail, detail


def test_without_pyhanko_sign_says_what_to_install_and_check_skips(signed, edition_pdf, monkeypatch, capsys):
    import sys

    import layout

    monkeypatch.setitem(sys.modules, "layout.sign", None)  # as if the [sign] extra were not installed
    monkeypatch.delattr(layout, "sign", raising=False)
    assert main(["sign", str(edition_pdf), "--key", "k.pem", "--cert", "c.pem"]) == 1
    assert "pip install 'briefing-layout[sign]'" in capsys.readouterr().err
    status, detail = rows(signed["invisible"], check_signature)["check_signature"]
    assert status == "skip" and "briefing-layout[sign]" in detail
