"""``check_pdf`` runs the two validators in processes of their own beside the audit: the rows
are the ones each check gives alone, in the same order; a verdict that fails is still found;
Preflight that runs out of its bounded heap is run again without the bound."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

import layout.check as check
from layout.check import CHECKS, PdfView, check_pdf, preflight_command
from layout.cli import main

from conftest import write_edition
from test_cli import TINY


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("background")
    edition = write_edition(folder, TINY, "tiny.yaml")
    assert main(["build", str(edition), "-o", str(folder / "tiny.pdf"), "--quiet"]) == 0
    return folder / "tiny.pdf"


def rows_one_by_one(path: Path) -> list[tuple[str, str, str]]:
    view = PdfView(path)
    try:
        rows = []
        for run in CHECKS:
            result = run(view)
            rows += [(r.name, r.status, r.detail) for r in (result if isinstance(result, list) else [result])]
        return rows
    finally:
        view.close()


def test_rows_are_those_of_each_check_alone_in_order(small_pdf):
    together = [(r.name, r.status, r.detail) for r in check_pdf(small_pdf)]
    assert together == rows_one_by_one(small_pdf)
    assert together[0][0] == "PDF/A (pikepdf validator)" and together[0][1] == "pass"


def test_a_failing_pikepdf_verdict_comes_back_from_its_process(small_pdf, tmp_path):
    """A file whose XMP claims PDF/A-1b but whose output intent is gone: pikepdf's process finds
    it, and says what check's row, run alone, says."""
    broken = tmp_path / "no-intent.pdf"
    with pikepdf.open(small_pdf) as pdf:
        del pdf.Root["/OutputIntents"]
        pdf.save(broken)
    row = next(r for r in check_pdf(broken) if r.name == "PDF/A (pikepdf validator)")
    assert row.status == "fail" and row.detail
    view = PdfView(broken)
    try:
        alone = check.check_pdfa_pikepdf(view)
    finally:
        view.close()
    assert (alone.status, alone.detail) == (row.status, row.detail)


def spied(monkeypatch) -> list:
    """The processes check starts, from now on."""
    started = []

    class Spy(check.subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(check.subprocess, "Popen", Spy)
    return started


def test_preflight_out_of_heap_runs_again_unbounded(small_pdf, monkeypatch):
    if preflight_command(small_pdf) is None:
        pytest.skip("Apache PDFBox Preflight not installed")
    monkeypatch.setattr(check, "JAVA_OPTIONS", (*check.JAVA_OPTIONS[:-1], "-Xmx2m"))
    started = spied(monkeypatch)
    view = PdfView(small_pdf)
    try:
        row = check.check_pdfa_preflight(view)
    finally:
        view.close()
    assert row.status == "pass", row.detail
    assert ["-Xmx2m" in job.args for job in started] == [True, False]


def test_no_validator_process_outlives_a_file_that_cannot_be_read(small_pdf, monkeypatch):
    """Pages that cannot be read: check_pdf raises CheckError and ends the processes it started."""
    started = spied(monkeypatch)

    def unreadable(view):
        raise OSError("a stream that does not inflate")

    monkeypatch.setattr(PdfView, "_read_text", unreadable)
    with pytest.raises(check.CheckError, match="cannot read its pages"):
        check_pdf(small_pdf)
    assert started and all(job.returncode is not None for job in started)
