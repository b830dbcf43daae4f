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
    preflight = getattr(layout.check, "check_pdfa_preflight", None)
    if preflight is not None and hasattr(layout.check, "CHECKS"):
        monkeypatch.setattr(layout.check, "CHECKS", tuple(c for c in layout.check.CHECKS if c is not preflight))


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


def built(name: str, tmp_path: Path) -> Path:
    output = tmp_path / f"{name}.pdf"
    code, err = run(["build", str(CASES[name]), "-o", str(output), "--style", str(HOUSE_STYLE)])
    assert code == 0, err
    return output


def source_line(name: str, needle: str) -> int:
    """The first line holding ``needle`` that is not a YAML comment."""
    lines = CASES[name].read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line and not line.lstrip().startswith("#"))


def test_hyphen_range_warns_at_its_line():
    """25亿-30亿吨 with an ASCII hyphen: a warning at its line, and the edition still validates."""
    code, err = run(["validate", str(CASES["lvse-2022-03"]), "--style", str(HOUSE_STYLE)])
    assert code == 0, err
    line = source_line("lvse-2022-03", "25亿-30亿吨")
    assert any(f"2022-03.yaml:{line}:" in row for row in err.splitlines()), err


def test_lvse_metadata_links_and_markup(tmp_path: Path):
    """The PDF title holds the year once; bare URLs and e-mails are links; no Markdown prints literally."""
    import pikepdf
    import pypdf

    output = built("lvse-2022-03", tmp_path)
    with pikepdf.open(output) as pdf:
        title = str(pdf.docinfo.get("/Title", ""))
        uris = {str(annot.get("/A", {}).get("/URI", "")) for page in pdf.pages for annot in page.get("/Annots", [])}
    assert "2022年2022年" not in title and "第3期" in title, title
    assert "https://www.ndrc.gov.cn/xxgk/zcfb/tz/202202/t20220210_1314511.html" in uris
    assert "mailto:carbon@example.cn" in uris and "mailto:zhuanban@example.org.cn" in uris, sorted(uris)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(output).pages)
    assert "**" not in text and "![" not in text


def test_jiance_figure_with_a_space_is_placed(tmp_path: Path):
    """figures/排放 趋势.png, written as editors type it, is drawn, not printed as Markdown."""
    import pypdf

    output = built("jiance-2023-07", tmp_path)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(output).pages)
    assert "](figures" not in text and "趋势 .png" not in text


def test_jiance_chinese_source_urls_are_percent_encoded(tmp_path: Path):
    """A sources: URL with Chinese characters is written as an ASCII, percent-encoded /URI (not UTF-16)."""
    import pikepdf

    output = built("jiance-2023-07", tmp_path)
    with pikepdf.open(output) as pdf:
        raw = [bytes(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
               if "/A" in annot and "/URI" in annot.A]
    assert any(b"%E5%8D%8F%E5%90%8C" in uri for uri in raw), raw  # 协同
    assert all(uri.isascii() for uri in raw), [u for u in raw if not u.isascii()]
