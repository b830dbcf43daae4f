"""The pipeline, stage by stage: load → style → fonts → coverage → render → archival → write.

``prepare`` does every check that needs no layout (``briefing validate`` stops there);
``build_edition`` renders and writes the PDF atomically: the new file appears whole under
its name or not at all, so a failed or interrupted build never damages the previous one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from layout.archival import DEFAULT_VARIANT, make_archival
from layout.document import Rendered, edition_metadata, render_pdf
from layout.errors import InputError
from layout.fonts import check_coverage, register_fonts
from layout.load import load_issue
from layout.model import Issue
from layout.pages.cover import plan_cover
from layout.pages.footer import plan_footer
from layout.pages.typeset import Typesetter
from layout.styles import load_style, resolve_style_path

DEFAULT_STYLE = "briefing"


@dataclass
class Prepared:
    issue: Issue
    typesetter: Typesetter
    timings: dict[str, float] = field(default_factory=dict)


def prepare(edition: Path, style: str | None = None) -> Prepared:
    """Load and check everything; raise InputError with all problems found."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    issue = load_issue(edition)
    lap("load")
    style_path = resolve_style_path(style or issue.edition.style or DEFAULT_STYLE, edition)
    loaded_style = load_style(style_path)
    lap("style")
    fonts = register_fonts(loaded_style)
    lap("fonts")
    check_coverage(issue, loaded_style, fonts)
    lap("coverage")
    typesetter = Typesetter(loaded_style, fonts)
    problems = []
    for plan in (plan_cover, plan_footer):  # texts too long for the cover or footer: refused in validate too
        try:
            plan(typesetter, issue)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return Prepared(issue, typesetter, timings)


def build_edition(edition: Path, output: Path, style: str | None = None,
                  variant: str = DEFAULT_VARIANT) -> tuple[Prepared, Rendered]:
    """Render ``edition`` and write it to ``output`` as ``variant`` (see layout.archival)."""
    prepared = prepare(edition, style)
    clock = time.perf_counter()
    rendered = render_pdf(prepared.typesetter, prepared.issue)
    prepared.timings["render"] = time.perf_counter() - clock
    clock = time.perf_counter()
    metadata = edition_metadata(prepared.typesetter, prepared.issue)
    rendered = dataclasses.replace(rendered, pdf=make_archival(rendered.pdf, metadata, variant))
    prepared.timings["archival"] = time.perf_counter() - clock
    write_atomic(output, rendered.pdf)
    return prepared, rendered


def default_output(edition: Path) -> Path:
    return Path("output") / f"{edition.stem}.pdf"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync, then rename over it.

    The new file appears whole under its name or not at all: a failure or an interrupt
    removes the temporary file and leaves the previous ``path`` untouched (a SIGKILL can
    leave a ``.NAME.*.part`` beside it, never a damaged ``path``). The file gets the
    permissions a plain ``open`` would give it (the umask's), not mkstemp's 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(handle.fileno(), 0o666 & ~umask)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
