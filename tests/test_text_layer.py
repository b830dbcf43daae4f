"""The text layer survives the tools a PDF meets after us: Ghostscript, qpdf, pikepdf.

Each tool rewrites the reference edition; every Han character that pdftotext extracts
from our PDF must still be extractable, in the same order, from the rewritten one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from layout.cmap import BLOCK

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def require(tool: str) -> str:
    """The tool's path; in CI (where .ci/run installs it) a missing tool fails, elsewhere it skips."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not installed (apt-get install ghostscript qpdf poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def han_text(pdf: Path) -> str:
    out = subprocess.run([require("pdftotext"), "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return "".join(HAN.findall(out))


def ghostscript(source: Path, target: Path) -> None:
    subprocess.run([require("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={target}", str(source)], check=True, capture_output=True, timeout=300)


def qpdf(source: Path, target: Path) -> None:
    subprocess.run([require("qpdf"), "--object-streams=generate", str(source), str(target)],
                   check=True, capture_output=True, timeout=120)


def pikepdf_resave(source: Path, target: Path) -> None:
    with pikepdf.open(source) as pdf:
        pdf.save(target, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


@pytest.mark.parametrize("rewrite", [ghostscript, qpdf, pikepdf_resave], ids=lambda f: f.__name__)
def test_every_han_character_survives_a_rewrite(rewrite: Callable[[Path, Path], None],
                                                reference_pdf_path, tmp_path):
    before = han_text(reference_pdf_path)
    assert len(before) > 10_000, "the reference edition should have a full text layer"
    rewritten = tmp_path / "rewritten.pdf"
    rewrite(reference_pdf_path, rewritten)
    assert han_text(rewritten) == before


def test_to_unicode_blocks_hold_at_most_100_entries(reference_pdf_path):
    counts = []
    with pikepdf.open(reference_pdf_path) as pdf:
        for font in {obj.objgen: obj for obj in pdf.objects
                     if isinstance(obj, pikepdf.Dictionary) and "/ToUnicode" in obj}.values():
            cmap = font.ToUnicode.read_bytes().decode("ascii")
            counts += [int(n) for n in re.findall(r"(\d+) begin(?:bfchar|bfrange)", cmap)]
    assert counts, "no ToUnicode CMap found"
    assert max(counts) <= BLOCK
