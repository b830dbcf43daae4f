"""The wheel is the product: built, installed in a fresh venv, used as a new user would.

The wheel is built from a copy of the sources (the checkout is left clean) and installed into
a venv that sees this interpreter's site-packages for the dependencies (so nothing is
downloaded but the build backend); the package itself must come from the venv. An edition kept
in a folder whose path has a space and Chinese characters is built from another working
directory, and the PDF is checked from ``/``. This is what the README's set-up block does.

``.ci/run`` sets BRIEFING_TEST_WHEEL=1: there a wheel that cannot be built fails the test;
elsewhere (no network for the build backend) it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REFERENCE, ROOT

SOURCES = ("pyproject.toml", "README.md", "layout", "fonts", "styles")


def run(command: list[str], cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                             if (ROOT / name).is_dir() else {}))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                 "-w", str(work / "dist"), str(source)], work, env)
    if built.returncode != 0:
        reason = f"cannot build the wheel: {built.stderr.strip()[-500:]}"
        if os.environ.get("BRIEFING_TEST_WHEEL") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    wheel = next((work / "dist").glob("briefing_layout-*.whl"))
    venv = work / "venv"
    assert run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], work, env).returncode == 0
    installed = run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--force-reinstall",
                     "--disable-pip-version-check", str(wheel)], work, env)
    assert installed.returncode == 0, installed.stderr
    return venv


@pytest.fixture(scope="module")
def user_env(venv) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def test_the_package_comes_from_the_wheel_with_its_data(venv, user_env, tmp_path):
    probe = ("import layout, layout.publication as p; print(layout.__file__); "
             "print(p.builtin_dir('styles')); print(p.builtin_dir('fonts'))")
    result = run([str(venv / "bin" / "python"), "-c", probe], tmp_path, user_env)
    assert result.returncode == 0, result.stderr
    module, styles, fonts = (Path(line) for line in result.stdout.splitlines())
    for path in (module, styles, fonts):
        assert str(path).startswith(str(venv)), path
    assert (styles / "briefing.yaml").is_file()
    for name in ("OFL.txt", "MANIFEST.json", "NotoSerifSC-Regular.ttf", "NotoSansSC-Bold.ttf"):
        assert (fonts / name).is_file(), name


def test_a_new_user_builds_and_checks_an_edition_kept_anywhere(venv, user_env, tmp_path):
    folder = tmp_path / "我的 简报"
    folder.mkdir()
    edition = folder / "2021-10.yaml"
    shutil.copy(REFERENCE, edition)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    briefing = str(venv / "bin" / "briefing")

    built = run([briefing, "build", str(edition)], elsewhere, user_env)
    pdf = folder / "output" / "2021-10.pdf"
    assert built.returncode == 0, built.stderr
    assert f"wrote {pdf} (" in built.stdout and pdf.is_file()
    assert list(elsewhere.iterdir()) == []

    checked = run([briefing, "check", str(pdf)], Path("/"), user_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert " 0 failed" in checked.stdout

    text = folder / "notes.txt"
    text.write_text("not a PDF\n", "utf-8")
    refused = run([briefing, "check", str(text)], Path("/"), user_env)
    assert refused.returncode == 1 and "not a PDF;" in refused.stderr and "Traceback" not in refused.stderr

    before = edition.read_bytes()
    overwrite = run([briefing, "build", str(edition), "-o", str(edition)], elsewhere, user_env)
    assert overwrite.returncode == 1 and "never written over" in overwrite.stderr
    assert edition.read_bytes() == before

    into_folder = run([briefing, "build", str(edition), "-o", str(folder)], elsewhere, user_env)
    assert into_folder.returncode == 1 and "is a folder;" in into_folder.stderr

    unknown = run([briefing, "validate", str(edition), "--style", "official"], elsewhere, user_env)
    assert unknown.returncode == 1 and "briefing (built-in)" in unknown.stderr, unknown.stderr


def test_every_subpackage_is_in_the_wheel():
    """pyproject.toml lists the packages (fonts/ and styles/ are mapped in): a new subpackage of
    layout/ missing from the list would install a briefing that cannot import itself."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "layout").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
