"""Shared fixtures: the reference edition built once per test session, read back as a PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "issues" / "2021-10.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pdfread import Pdf  # noqa: E402


def write_edition(folder: Path, text: str, name: str = "edition.yaml") -> Path:
    """An edition in ``folder`` with its own copy of the house style (fonts from the repo)."""
    styles = folder / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    house = (ROOT / "styles" / "briefing.yaml").read_text("utf-8")
    (styles / "briefing.yaml").write_text(house.replace("dirs: [../fonts]", f"dirs: [{ROOT / 'fonts'}]"), "utf-8")
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def build(edition: Path, output: Path, *extra: str) -> int:
    from layout.cli import main

    return main(["build", str(edition), "-o", str(output), *extra])


@pytest.fixture(scope="session")
def reference_pdf_path(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("reference") / "2021-10.pdf"
    assert build(REFERENCE, output) == 0
    return output


@pytest.fixture(scope="session")
def reference_pdf(reference_pdf_path) -> Pdf:
    return Pdf(reference_pdf_path)


@pytest.fixture(scope="session")
def reference_data() -> dict:
    return yaml.safe_load(REFERENCE.read_text("utf-8"))
