"""Archival output: PDF/A proven by two validators, reproducible bytes, ``briefing check``."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from layout.archival import structure_only
from layout.check import REQUIRE_PREFLIGHT, check_pdf
from layout.cli import main

from conftest import REFERENCE, ROOT, build
from preflight import SWEEP

def failing(path: Path) -> list[str]:
    return [result.name for result in check_pdf(path) if result.failed]


def test_reference_edition_passes_every_check(reference_pdf_path, capsys):
    assert main(["check", str(reference_pdf_path)]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and re.search(r"^\d+ passed, 0 failed", out, re.M)
    assert main(["check", str(reference_pdf_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    signature = [row for row in rows if row["name"].startswith("signature")]
    assert [row["status"] for row in signature] == ["n/a"]  # not signed (tests/test_sign.py signs)
    assert {row["status"] for row in rows if row not in signature} <= {"pass", "skip"} and len(rows) >= 9


def test_xmp_agrees_with_the_info_dictionary_and_the_edition(reference_pdf_path, reference_data):
    edition = reference_data["edition"]
    with pikepdf.open(reference_pdf_path) as pdf:
        meta = pdf.open_metadata()
        info = pdf.docinfo
        assert meta["pdfaid:part"] == "1" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == str(info.Title)
        assert meta["dc:creator"] == [edition["publisher"]] == [str(info.Author)]
        assert meta["dc:description"] == str(info.Subject)
        assert meta["pdf:Producer"] == str(info.Producer)
        assert "zh-CN" in meta["dc:language"]
        assert meta["dc:rights"] == edition["copyright"]
        year, month = str(edition["date"]).split("-")[:2]
        assert meta["xmp:CreateDate"].startswith(f"{year}-{month}")
        assert str(info.CreationDate).startswith(f"D:{year}{month}")
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile.read_bytes()
        assert profile[8] == 2, "PDF/A-1 needs an ICC version 2 profile"


def test_every_annotation_prints(reference_pdf_path):
    with pikepdf.open(reference_pdf_path) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert int(annotation.get("/F", 0)) & 4, "Print flag missing"


def test_plain_pdf_when_asked(tmp_path, capsys):
    output = tmp_path / "plain.pdf"
    assert build(REFERENCE, output, "--pdf-a", "none") == 0
    with pikepdf.open(output) as pdf:
        assert "/OutputIntents" not in pdf.Root
    capsys.readouterr()
    assert main(["check", str(output), "--json"]) == 0  # one check: its rows and its exit code
    rows = {row["name"]: row["status"] for row in json.loads(capsys.readouterr().out)}
    assert rows["PDF/A (pikepdf validator)"] == rows["PDF/A-1b (Apache PDFBox Preflight)"] == "n/a"
    assert "fail" not in rows.values()


def test_pdf_a_2b_validates(tmp_path):
    output = tmp_path / "2b.pdf"
    assert build(REFERENCE, output, "--pdf-a", "2b") == 0
    result = {r.name: r for r in check_pdf(output)}
    assert result["PDF/A (pikepdf validator)"].status == "pass"
    assert "2b" in result["PDF/A (pikepdf validator)"].detail


# -- reproducibility -------------------------------------------------------------


def _build_in_subprocess(output: Path, cwd: Path, **env: str) -> bytes:
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    subprocess.run([sys.executable, "-m", "layout", "build", str(REFERENCE), "-o", str(output)],
                   cwd=cwd, env=environment, check=True, capture_output=True)
    return output.read_bytes()


def test_bytes_depend_on_the_inputs_not_on_the_clock_zone_or_folder(reference_pdf_path, tmp_path):
    elsewhere = _build_in_subprocess(tmp_path / "a.pdf", tmp_path, TZ="Asia/Shanghai", LANG="C")
    assert elsewhere == reference_pdf_path.read_bytes()


def test_source_date_epoch_sets_the_dates(tmp_path):
    data = _build_in_subprocess(tmp_path / "epoch.pdf", ROOT, SOURCE_DATE_EPOCH="1700000000")
    with pikepdf.open(tmp_path / "epoch.pdf") as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20231114")
        assert pdf.open_metadata()["xmp:CreateDate"].startswith("2023-11-14")
    assert data == _build_in_subprocess(tmp_path / "again.pdf", ROOT, SOURCE_DATE_EPOCH="1700000000")


# -- a damaged PDF fails exactly the check it should ---------------------------------


def _damage(source: Path, target: Path, edit) -> Path:
    with pikepdf.open(source) as pdf:
        edit(pdf)
        pdf.save(target)
    return target


def _add_helvetica(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[5]
    page.Resources.Font.FHelv = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        Encoding=pikepdf.Name.WinAnsiEncoding))
    # In the empty top margin: drawn over the text, it would fail the overprint row too.
    page.contents_add(pikepdf.Stream(pdf, b"BT /FHelv 12 Tf 100 815 Td (Added later) Tj ET"), prepend=False)


def _remove_xmp(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.Metadata


def _to_unicode(font: pikepdf.Dictionary) -> dict[str, bytes]:
    """Character → code, from the font's ToUnicode CMap."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    return {chr(int(uni, 16)): bytes.fromhex(code)  # one-byte codes or two (a Type0 font's CIDs)
            for code, uni in re.findall(r"<([0-9A-Fa-f]{2}(?:[0-9A-Fa-f]{2})?)>\s*<([0-9A-Fa-f]{4})>", cmap)}


def _change_first_toc_number(pdf: pikepdf.Pdf) -> None:
    """The first folio of the TOC (a string of digits in the right half) becomes another number.

    The footer's folio on a TOC page is roman, so the first run of digits is an entry's."""
    page = pdf.pages[1]
    ops = pikepdf.parse_content_stream(page)
    x = 0.0
    codes: dict[str, bytes] = {}
    for i, (operands, op) in enumerate(ops):
        if op == pikepdf.Operator("Tm"):
            x = float(operands[4])
        elif op == pikepdf.Operator("Tf"):
            codes = _to_unicode(page.Resources.Font[str(operands[0])])
        elif op == pikepdf.Operator("Tj"):
            shown, chars = bytes(operands[0]), {code: char for char, code in codes.items()}
            width = len(next(iter(chars), b"_"))
            text = "".join(chars.get(shown[k:k + width], "") for k in range(0, len(shown), width))
            if text.isdigit() and x > float(page.mediabox[2]) / 2:
                other = next(d for d in "987654321" if d in codes and d != text)
                ops[i] = pikepdf.ContentStreamInstruction([pikepdf.String(codes[other])], op)
                break
    page.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(ops))


@pytest.mark.parametrize("edit, broken, still_pdf_a", [
    (_add_helvetica, "fonts embedded, no standard-14", False),
    (_remove_xmp, "metadata complete and consistent", False),
    (_change_first_toc_number, "TOC page numbers = pages where the headings land", True),
])
def test_a_damaged_pdf_fails_exactly_its_check(reference_pdf_path, tmp_path, edit, broken, still_pdf_a, capsys):
    damaged = _damage(reference_pdf_path, tmp_path / "damaged.pdf", edit)
    assert main(["check", str(damaged), "--json"]) == 1
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    failed = {name for name, row in rows.items() if row["status"] == "fail"}
    pdfa = {name for name in rows if name.startswith("PDF/A")}
    assert failed - pdfa == {broken}, f"only {broken!r} should fail"
    assert (failed & pdfa == set()) == still_pdf_a
    if edit is _change_first_toc_number:
        assert "says" in rows[broken]["detail"] and "page 2" in rows[broken]["detail"]


# -- Apache PDFBox Preflight, on everything the suite built --------------------------


@pytest.mark.run_last
def test_preflight_accepts_every_pdf_a_the_suite_built(reference_pdf_path, tmp_path):
    """Runs after every other test (see conftest): each PDF/A-1b built by the suite (in this
    process; an xdist worker's own) validates. tests/preflight.py ran Preflight on each in the
    background as it was built; here the verdicts so far are collected, and a damaged copy of
    the reference proves the sweep rejects. Whatever is built after this test is asserted at
    the session's end (conftest._preflight_verdicts)."""
    if not SWEEP.available():
        give_up = pytest.fail if os.environ.get(REQUIRE_PREFLIGHT) == "1" else pytest.skip
        give_up("Apache PDFBox Preflight not installed (apt-get install default-jre-headless libpdfbox2-java "
                "libcommons-logging-java libjaxb-api-java libactivation-java); .ci/run installs it")
    damaged = _damage(reference_pdf_path, tmp_path / "no-xmp.pdf", _remove_xmp)
    SWEEP.submit(damaged, expect_valid=False)
    verdicts = SWEEP.verdicts()
    SWEEP.reported = len(verdicts)
    assert [v.valid for v in verdicts if v.path == reference_pdf_path] == [True]
    assert [(v.valid, v.detail.split()[:1]) for v in verdicts if v.path == damaged] == [(False, ["7.1"])]
    rejected = [f"{v.path.name}: {v.detail[:300]}" for v in verdicts if v.valid != v.expect_valid]
    assert not rejected, "\n".join(rejected)


def _findings(data: bytes, content: bool) -> list[str]:
    """The rules pikepdf's validator finds broken in ``data`` (PDF/A-1b), with or without its content tier."""
    if content:
        report = pikepdf.pdfa.validate_written(io.BytesIO(data), "1b")
    else:
        with structure_only() as skipped:
            assert skipped, "this pikepdf's validator has no content tier to leave out: the build validates in full"
            report = pikepdf.pdfa.validate_written(io.BytesIO(data), "1b")
    return [finding.rule for finding in report.findings]


def _altered(path: Path, change) -> bytes:
    with pikepdf.open(path) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, **pikepdf.pdfa.resolve_save_kwargs("1b", deterministic_id=True))
    return out.getvalue()


def test_the_build_validates_structure_and_leaves_page_content_to_check(reference_pdf_path):
    """What layout.archival says the build validates: an object-tier defect (no output intent) is
    caught without the content tier; a content-tier one (DeviceCMYK drawn under an sRGB intent) is
    left to the full validator, which ``check`` and the tests run, and which still finds it."""
    assert _findings(reference_pdf_path.read_bytes(), content=False) == []

    def drop_intent(pdf):
        del pdf.Root["/OutputIntents"]

    assert _findings(_altered(reference_pdf_path, drop_intent), content=False)

    def draw_cmyk(pdf):
        pdf.pages[1].contents_add(pdf.make_stream(b"q 0 0 0 1 k 10 10 5 5 re f Q"), prepend=False)

    cmyk = _altered(reference_pdf_path, draw_cmyk)
    assert _findings(cmyk, content=True), "the full validator must find DeviceCMYK under an sRGB intent"
    assert _findings(cmyk, content=False) == []  # the build never draws it (layout.colour)
    assert _findings(cmyk, content=True)  # and the validator is whole again after the block
