"""Shared fixtures: the reference edition built once per test session, read back as a PDF."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "issues" / "2021-10.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))
# The suite's own cache of fonts and head words (layout.cache), shared by the builds it runs
# in this process and in subprocesses, and not the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="briefing-test-cache-")

from pdfread import Pdf  # noqa: E402
from preflight import SWEEP, remember_check_rows  # noqa: E402

remember_check_rows()  # before the test modules import check_pdfa_preflight by name


BACK_PAGE = """\
back_page:
  title: 赛西碳索
  text: 中国电子技术标准化研究院（赛西）。
  contacts:
    - {label: 联系电话, value: 010-64102702}
"""
"""The closing page every edition has (validation refuses an edition without one)."""


def write_edition(folder: Path, text: str, name: str = "edition.yaml") -> Path:
    """An edition in ``folder`` with its own unchanged copy of the house style in styles/.

    Its ``fonts.dirs: [../fonts]`` points nowhere there: the lookup order (layout.publication)
    falls back to the built-in fonts. A text with top-level ``chapters:`` and no ``back_page:``
    gets ``BACK_PAGE`` at its end (no line above it moves), as every real edition has one."""
    if re.search(r"^chapters:", text, re.M) and not re.search(r"^back_page:", text, re.M):
        text = text + ("" if text.endswith("\n") else "\n") + BACK_PAGE
    styles = folder / "styles"
    styles.mkdir(parents=True, exist_ok=True)
    (styles / "briefing.yaml").write_text((ROOT / "styles" / "briefing.yaml").read_text("utf-8"), "utf-8")
    path = folder / name
    path.write_text(text, "utf-8")
    return path


class Built:
    """``BUILT.append((path, variant))``: a test that built a PDF by another route than ``build``
    hands it to Preflight (a PDF/A-1b only) as it is now."""

    def append(self, item: tuple[Path, str]) -> None:
        path, variant = item
        if variant == "1b":
            SWEEP.submit(path)

    def extend(self, items) -> None:
        for item in items:
            self.append(item)


BUILT = Built()


def build(edition: Path, output: Path, *extra: str) -> int:
    """``briefing build``; a PDF/A-1b it writes goes to Preflight in the background (tests/preflight.py)."""
    from layout.cli import main

    code = main(["build", str(edition), "-o", str(output), *extra])
    if code == 0:
        BUILT.append((output, extra[extra.index("--pdf-a") + 1] if "--pdf-a" in extra else "1b"))
    return code


@pytest.fixture(scope="session", autouse=True)
def _preflight_verdicts():
    """At the end of the session (of each xdist worker), every Preflight verdict that
    test_archival's sweep has not asserted yet: a PDF/A-1b Preflight rejects is an error here."""
    yield
    verdicts = SWEEP.verdicts()
    SWEEP.close()
    wrong = [f"{v.path}: {v.detail}" for v in verdicts[SWEEP.reported:] if v.valid != v.expect_valid]
    assert not wrong, "Apache PDFBox Preflight rejects PDFs the suite built:\n" + "\n".join(wrong)


def pytest_sessionfinish(session):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Tests marked run_last (the Preflight sweep over every PDF built) go after all others.

    Under pytest-xdist (``--dist loadgroup``, pyproject.toml), the tests of a module that share
    a module-scoped fixture (a PDF built once for them) run in one worker, so that it is built
    once; every other test goes to whichever worker is free. The groups go first (stable order
    within each): the long ones (the README's commands, the wheel) do not start at the end while
    the other worker waits."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        shared = definitions and any(
            fixture.scope in ("module", "class") and not getattr(fixture, "_autouse", False)
            for fixtures in definitions.name2fixturedefs.values() for fixture in fixtures[-1:])
        if shared and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items.sort(key=lambda item: (item.get_closest_marker("run_last") is not None,
                                 item.get_closest_marker("xdist_group") is None))


def checked(view) -> list:
    """Every ``briefing check`` row of ``view`` (a layout.check.PdfView) but Preflight (the suite
    runs Preflight on every PDF it built, at the end)."""
    from layout import check

    results = []
    for row in check.CHECKS:
        if row is not check.check_pdfa_preflight:
            result = row(view)
            results.extend(result if isinstance(result, list) else [result])
    return results


@pytest.fixture(scope="session")
def reference_pdf_path(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("reference") / "2021-10.pdf"
    assert build(REFERENCE, output) == 0
    return output


@pytest.fixture(scope="session")
def reference_print_pdf_path(tmp_path_factory) -> Path:
    """The reference's print variant (``--print``), built once for the tests that read it."""
    output = tmp_path_factory.mktemp("print") / "2021-10-print.pdf"
    assert build(REFERENCE, output, "--print") == 0
    return output


@pytest.fixture(scope="session")
def reference_pdf(reference_pdf_path) -> Pdf:
    return Pdf(reference_pdf_path)


@pytest.fixture(scope="session")
def reference_data() -> dict:
    return yaml.safe_load(REFERENCE.read_text("utf-8"))
