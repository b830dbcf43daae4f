"""The pipeline, stage by stage: load → style → fonts → coverage → render → archival → write.

``prepare`` does every check that needs no layout; ``build_edition`` renders, finishes and
validates the PDF, then writes it atomically: the new file appears whole under its name or
not at all, so a failed or interrupted build never damages the previous one. ``briefing
validate`` is ``build_edition`` without the write. The output is checked before any work:
it may not name an input (edition, style, figure, font) nor a folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from layout.archival import DEFAULT_VARIANT, VARIANTS, make_archival
from layout.atomic import replace_atomic
from layout.colour import is_device_cmyk
from layout.document import Rendered, edition_metadata, render_pdf
from layout.errors import ERROR, BriefingError, InputError, Problem, as_errors, note
from layout.fonts import check_coverage, face_file, register_fonts
from layout.images import policy_for
from layout.load import load_issue
from layout.model import Figure, Issue
from layout.pages.figures import figure_notices
from layout.pages.typeset import Typesetter
from layout.pdfrecord import record_layout
from layout.print.variant import PrintSetup, finish_print
from layout.publication import DEFAULT_STYLE, default_output, find_style, publication_folder
from layout.styles import load_style

__all__ = ["DEFAULT_STYLE", "Prepared", "build_edition", "default_output", "prepare", "write_atomic"]

MAX_EPOCH = 253402300799
"""9999-12-31T23:59:59Z: the last moment a PDF date (four-digit year) can express."""

Progress = Callable[[str], None]


class OutputError(BriefingError):
    """The output path cannot be written (or would overwrite an input)."""


@dataclass
class Prepared:
    issue: Issue
    typesetter: Typesetter
    timings: dict[str, float] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)
    """Every file the build reads: edition, style chain, figures, fonts."""
    warnings: list[Problem] = field(default_factory=list)
    """Problems of severity warning: the caller prints them; the build goes on."""
    printing: PrintSetup | None = None
    """The print variant's setup (``--print`` or ``print: true`` in the style), or None."""
    notes: list[Problem] = field(default_factory=list)
    """What the build did on its own (a figure's colours converted for PDF/A): printed, never
    counted as a warning."""


class _Stages:
    """Times each stage and tells ``progress`` when one starts."""

    def __init__(self, timings: dict[str, float], progress: Progress | None):
        self.timings = timings
        self.progress = progress

    @contextlib.contextmanager
    def stage(self, name: str):
        if self.progress is not None:
            self.progress(name)
        clock = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - clock


def check_environment() -> None:
    """SOURCE_DATE_EPOCH, when set, must be a date a PDF can hold."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not (epoch.isdigit() and int(epoch) <= MAX_EPOCH):
        raise BriefingError(f"SOURCE_DATE_EPOCH={epoch[:30]!r} is not a date a PDF can hold; set it to whole "
                            f"seconds since 1970 (0 to {MAX_EPOCH}, e.g. $(date +%s)) or unset it")


def prepare(edition: Path, style: str | None = None, progress: Progress | None = None,
            timings: dict[str, float] | None = None, strict: bool = False,
            variant: str = DEFAULT_VARIANT, printing: PrintSetup | None = None) -> Prepared:
    """Load and check everything that needs no layout; raise InputError with all problems found.

    ``style`` (``--style``) is a name or a path relative to the working directory; the edition's
    ``style:`` is a name or a path relative to the edition (layout.publication: the lookup order).
    With ``strict``, warnings are raised as errors. ``variant`` decides what figures' pixels
    become (layout.images), and so the notes. ``printing`` (``--print``; a style's ``print: true``
    asks for the default setup) makes the print variant (layout.print): under 150 ppi a figure
    is then an error, unless ``printing.allow_low_res``."""
    timings = {} if timings is None else timings
    stages = _Stages(timings, progress)
    check_environment()
    publication = publication_folder(edition)
    with stages.stage("load"):
        issue = load_issue(edition)
    with stages.stage("style"):
        if style is not None:
            style_path = find_style(style, publication)
        else:
            style_path = find_style(issue.edition.style or DEFAULT_STYLE, publication,
                                    relative_to=edition.absolute().parent)
        loaded_style = load_style(style_path, publication)
        loaded_style = dataclasses.replace(loaded_style, device_cmyk=VARIANTS[variant].flavour is None)
        if printing is not None and not printing.requested:
            printing = printing if loaded_style.print else None
        elif printing is None and loaded_style.print:
            printing = PrintSetup()
    with stages.stage("fonts"):
        fonts = register_fonts(loaded_style)
    with stages.stage("coverage"):
        check_coverage(issue, loaded_style, fonts)
    typesetter = Typesetter(loaded_style, fonts, policy_for(VARIANTS[variant].flavour))
    figures = figure_notices(typesetter, issue, printing is not None, printing is not None and printing.allow_low_res)
    figures += cmyk_notes(loaded_style, variant)
    if errors := [problem for problem in figures if problem.severity == ERROR]:
        raise InputError(errors)
    warnings = list(issue.warnings) + [problem for problem in figures if problem.is_warning]
    if strict and warnings:
        raise InputError(as_errors(warnings))
    fonts_read = [face_file(spec, loaded_style) for spec in loaded_style.fonts.faces.values()]
    inputs = [edition, style_path, *{location.file for location in loaded_style.locations.values()},
              *_figures(issue), *(path for path in fonts_read if path is not None)]
    return Prepared(issue, typesetter, timings, inputs, warnings, printing,
                    [problem for problem in figures if not problem.is_warning])


def cmyk_notes(style, variant: str) -> list[Problem]:
    """A note for each cmyk() colour of ``style`` drawn as RGB because ``variant`` is PDF/A
    (layout.colour: DeviceCMYK needs a CMYK output intent; ours is sRGB)."""
    if VARIANTS[variant].flavour is None:
        return []
    return [note(style.locate(("colors", name)), f"colour '{value}' is drawn as {style.color(name)} (sRGB): "
                 f"PDF/A-{variant} with an sRGB output intent does not allow DeviceCMYK; build with "
                 "--pdf-a none to keep it CMYK", f"colors.{name}")
            for name, value in style.colors.items() if is_device_cmyk(value)]


def _figures(issue: Issue) -> list[Path]:
    return [block.path for chapter in issue.chapters for article in chapter.articles
            for block in article.blocks if isinstance(block, Figure)]


def build_edition(edition: Path, output: Path | None, style: str | None = None,
                  variant: str = DEFAULT_VARIANT, progress: Progress | None = None,
                  strict: bool = False, printing: PrintSetup | None = None) -> tuple[Prepared, Rendered]:
    """Render ``edition`` and write it to ``output`` as ``variant`` (see layout.archival).

    With ``output`` None nothing is written (``briefing validate``): every other stage runs,
    the archival finishing and its validation included, so validate fails where build would."""
    if output is not None:
        check_output(output, [edition])
    timings: dict[str, float] = {}
    prepared = prepare(edition, style, progress, timings, strict, variant, printing)
    if output is not None:
        check_output(output, prepared.inputs)
    stages = _Stages(timings, progress)
    with stages.stage("render"):
        rendered = render_pdf(prepared.typesetter, prepared.issue, prepared.printing)
    with stages.stage("archival"):
        metadata = edition_metadata(prepared.typesetter, prepared.issue)
        annotate = partial(finish, style=prepared.typesetter.style, variant=variant, printing=prepared.printing)
        rendered = dataclasses.replace(rendered, pdf=make_archival(rendered.pdf, metadata, variant, annotate))
    if output is not None:
        with stages.stage("write"):
            write_atomic(output, rendered.pdf)
    return prepared, rendered


def finish(pdf, style, variant: str, printing: PrintSetup | None) -> None:
    """What the build adds to the rendered PDF before it is validated: the layout record, and
    for print the page boxes and crop marks."""
    record_layout(pdf, style=style, variant=variant)
    if printing is not None:
        finish_print(pdf, printing.bleed)


def check_output(output: Path, inputs: list[Path]) -> None:
    """Refuse an output path that names an input or cannot hold a file, before any work."""
    text = str(output)
    if not text.strip() or text == ".":
        raise OutputError("-o names no file; give the PDF's path, e.g. -o output/edition.pdf")
    size = len(output.name.encode("utf-8", "surrogateescape"))
    if size > 255:
        raise OutputError(f"-o: the file name is {size} bytes, over the 255 a file system allows; "
                          "choose a shorter name")
    try:
        for path in inputs:
            if output.exists() and path.exists() and os.path.samefile(output, path):
                raise OutputError(f"{output}: this is an input of the build ({path.name}) and is never "
                                  "written over; choose another -o, e.g. one ending in .pdf")
        if output.is_dir():
            raise OutputError(f"{output}: is a folder; give a file name inside it, e.g. -o {output / 'edition.pdf'}")
        for parent in output.absolute().parents:
            if parent.exists():
                if not parent.is_dir():
                    raise OutputError(f"{output}: {parent} is a file, not a folder; choose a path in a folder")
                break
    except OSError as exc:
        raise write_error(output, exc) from None


def write_error(output: Path, exc: OSError) -> OutputError:
    """An OSError while writing ``output``, as what happened and what to do."""
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot write {output} ({reason}); choose a writable folder with -o, "
                       "or fix the folder's permissions or free space")


def write_atomic(path: Path, data: bytes) -> None:
    """``layout.atomic.replace_atomic``: ``path`` whole or not at all (a SIGKILL can leave a
    ``.NAME.*.part`` beside it, never a damaged ``path``), with an OSError told as what
    happened and what to do."""
    try:
        replace_atomic(path, data)
    except OSError as exc:
        raise write_error(path, exc) from None
