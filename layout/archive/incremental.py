"""``briefing build --all``: build every edition of a publication whose inputs changed.

An edition is rebuilt when ``layout.archive.freshness.why_stale`` says so (the key
``briefing build EDITION`` uses too: options, program and library versions, the sha256 of
every input, the names in the lookup folders, SOURCE_DATE_EPOCH, the PDF's own sha256), or
always with ``--force``. A file's hash is read again only when its size or mtime changed
(``HashCache``), so a run with nothing to do reads no file but the manifest and the cache.

Stale editions are built in parallel, one process per core this process may run on
(``ProcessPoolExecutor``; its workers live for the whole run, so each imports the layout stages
and parses the fonts once, whatever the number of editions); each finished edition is
recorded in the manifest at once, so an interrupted run keeps what it built. An edition that fails is reported with its located problems; the others still build.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from layout.archive.freshness import why_stale
from layout.archive.hashes import HashCache, versions
from layout.archive.manifest import Built, built_from, cache_path, read_manifest, record_build
from layout.errors import BriefingError, InputError
from layout.publication import default_output

ISSUES = "issues"


class PublicationError(BriefingError):
    """No publication folder where one was expected."""


def find_publication(where: Path | None) -> Path:
    """The publication folder: ``where`` if it has ``issues/`` (its parent when it is ``issues/``);
    without ``where``, the working directory or the nearest folder above it with ``issues/``."""
    start = Path(os.path.abspath(where if where is not None else Path.cwd()))
    if start.name == ISSUES and start.is_dir():
        return start.parent
    for folder in (start, *start.parents) if where is None else (start,):
        if (folder / ISSUES).is_dir():
            return folder
    above = " here or above" if where is None else ""
    raise PublicationError(f"{start}: no {ISSUES}/ folder{above}; give the publication folder (the one "
                           f"holding {ISSUES}/), or run the command inside it")


def editions_in(publication: Path) -> list[Path]:
    folder = publication / ISSUES
    return sorted(path for path in folder.glob("*.yaml") if path.is_file() and not path.name.startswith("."))


@dataclass(frozen=True)
class Stale:
    edition: Path
    reason: str


def stale_editions(publication: Path, variant: str, strict: bool = False,
                   force: bool = False) -> tuple[list[Stale], list[Path]]:
    """(the editions to build, each with why; the editions up to date). ``force``: all of them."""
    manifest = read_manifest(publication)
    hashes = HashCache(cache_path(publication))
    current = versions(hashes)
    stale, fresh = [], []
    for edition in editions_in(publication):
        reason = "--force" if force else why_stale(manifest.get(edition.stem), edition, publication,
                                                   {"style": None, "pdf_a": variant}, current, hashes, strict)
        if reason:
            stale.append(Stale(edition, reason))
        else:
            fresh.append(edition)
    hashes.save()
    return stale, fresh


@dataclass
class Outcome:
    edition: Path
    built: Built | None = None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    internal: str | None = None
    """A traceback: a bug in briefing."""


def build_one(edition: Path, variant: str, strict: bool) -> Outcome:
    """Build one edition to its default output (run in a worker process); never raises."""
    from layout.build import build_edition

    output = default_output(edition)
    try:
        prepared, rendered = build_edition(edition, output, None, variant, None, strict)
    except InputError as exc:
        return Outcome(edition, problems=[str(problem) for problem in exc.problems])
    except BriefingError as exc:
        return Outcome(edition, problems=[f"{edition}: {exc}"])
    except Exception:  # noqa: BLE001 - reported as a bug by the caller, the other editions go on
        return Outcome(edition, internal=traceback.format_exc())
    warnings = [str(problem) for problem in [*prepared.notes, *prepared.warnings]]
    return Outcome(edition, built_from(edition, output, rendered.pdf, prepared, rendered, variant, None),
                   warnings=warnings)


Event = Callable[[int, int, Outcome], None]


def _size(item: Stale) -> int:
    """Largest edition first (a long one started last would keep one core busy alone at the end)."""
    try:
        return -item.edition.stat().st_size
    except OSError:
        return 0


def cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def build_stale(publication: Path, stale: list[Stale], variant: str, strict: bool = False,
                jobs: int | None = None, on_done: Event | None = None) -> list[Outcome]:
    """Build ``stale`` (in parallel when there are several and more than one core), recording
    each success in the manifest as it finishes; ``on_done(done, total, outcome)`` after each."""
    jobs = max(1, min(jobs or cores(), len(stale)))
    outcomes = []

    def finished(outcome: Outcome) -> None:
        if outcome.built is not None:
            record_build(publication, outcome.built)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(len(outcomes), len(stale), outcome)

    if jobs == 1:
        for item in stale:
            finished(build_one(item.edition, variant, strict))
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(build_one, item.edition, variant, strict) for item in sorted(stale, key=_size)]
            for future in as_completed(futures):
                finished(future.result())
    return sorted(outcomes, key=lambda outcome: outcome.edition.name)
