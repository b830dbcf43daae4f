"""``output/manifest.json``: what was published, edition by edition.

Per edition (keyed by its id, the file name without ``.yaml``)::

    id, source (the YAML), pdf, date, title, revision, pages, pdf_a,
    sha256 (of the PDF), inputs {name: sha256} (names relative to the publication folder,
    ``<built-in>/…`` for the package's own styles and fonts), options (--style, --pdf-a),
    style_file (the style it was built with), lookups {folder: digest of its file names},
    environment {SOURCE_DATE_EPOCH}, warnings (how many its build printed),
    versions {program, its source digest, python, qpdf, libraries},
    history [{revision, date, note, sha256}]: every PDF published under each revision.

The file is written atomically (``layout.atomic.replace_atomic``) with sorted keys and a fixed
indent, so the same archive gives the same bytes. ``build`` updates it when it writes an
edition's default output (``output/<edition>.pdf``); ``build --all`` after each edition.
``layout.archive.freshness`` reads an entry back to tell whether its PDF is up to date.
Two ``build`` runs writing one manifest at the same moment may lose one's entry: the next
``build --all`` rebuilds that edition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from layout.archive.hashes import CACHE_NAME, HashCache, input_name, lookups, sha256_bytes, versions
from layout.atomic import replace_atomic
from layout.errors import BriefingError
from layout.publication import publication_folder

MANIFEST_NAME = "manifest.json"
FORMAT = 1


class ManifestError(BriefingError):
    """The manifest exists but cannot be read."""


def manifest_path(publication: Path) -> Path:
    return publication / "output" / MANIFEST_NAME


def cache_path(publication: Path) -> Path:
    return publication / "output" / CACHE_NAME


def read_manifest(publication: Path) -> dict:
    """The manifest's ``editions`` (empty when there is none yet)."""
    path = manifest_path(publication)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc}); restore it from a backup, or move it away and "
                            "run briefing build --all to start a new record") from None
    editions = data.get("editions") if isinstance(data, dict) else None
    if not isinstance(editions, dict):
        raise ManifestError(f"{path}: is not a briefing manifest (no 'editions'); move it away and run "
                            "briefing build --all")
    return editions


def write_manifest(publication: Path, editions: dict) -> None:
    text = json.dumps({"format": FORMAT, "editions": editions}, ensure_ascii=False, indent=2, sort_keys=True)
    path = manifest_path(publication)
    try:
        replace_atomic(path, (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise ManifestError(f"cannot write {path} ({exc.strerror or exc}); fix the folder's permissions or "
                            "free space, then build again") from None


@dataclass(frozen=True)
class Built:
    """What one build tells the manifest (picklable: ``build --all`` builds in other processes)."""

    edition: Path
    pdf: Path
    sha256: str
    pages: int
    inputs: tuple[Path, ...]
    title: str
    date: str
    revision: int
    revision_date: str | None
    revision_note: str | None
    pdf_a: str
    style: str | None
    style_file: Path
    lookup_folders: tuple[Path, ...]
    environment: tuple[tuple[str, str | None], ...]
    warnings: int


def entry_for(built: Built, publication: Path, hashes: HashCache, previous: dict | None) -> dict:
    """The manifest entry of a fresh build, its history carried over from ``previous``."""
    inputs = {input_name(path, publication): hashes.hash(Path(path)) for path in dict.fromkeys(built.inputs)}
    history = [item for item in (previous or {}).get("history", []) if isinstance(item, dict)]
    published = {"revision": built.revision, "date": built.revision_date or built.date, "sha256": built.sha256}
    if built.revision_note:
        published["note"] = built.revision_note
    if not any(item.get("sha256") == built.sha256 and item.get("revision") == built.revision for item in history):
        history.append(published)
    return {
        "id": built.edition.stem, "source": input_name(built.edition, publication),
        "pdf": input_name(built.pdf, publication), "date": built.date, "title": built.title,
        "revision": built.revision, "pages": built.pages, "pdf_a": built.pdf_a, "sha256": built.sha256,
        "inputs": inputs, "options": {"style": built.style, "pdf_a": built.pdf_a},
        "style_file": input_name(built.style_file, publication),
        "lookups": lookups(built.lookup_folders, publication),
        "environment": dict(built.environment), "warnings": built.warnings,
        "versions": versions(hashes), "history": history,
    }


def record_build(publication: Path, built: Built) -> None:
    """Add or replace ``built``'s entry in the publication's manifest."""
    editions = read_manifest(publication)
    hashes = HashCache(cache_path(publication))
    key = built.edition.stem
    editions[key] = entry_for(built, publication, hashes, editions.get(key))
    write_manifest(publication, editions)
    hashes.save()


def built_from(edition: Path, pdf: Path, pdf_bytes: bytes, prepared, rendered, variant: str,
               style: str | None) -> Built:
    """A ``Built`` from ``layout.build.build_edition``'s results."""
    from layout.archive.freshness import environment, lookup_folders
    from layout.document import edition_metadata

    issue = prepared.issue
    style_used = prepared.typesetter.style
    metadata = edition_metadata(prepared.typesetter, issue)
    date = f"{issue.edition.year:04d}-{issue.edition.month:02d}" + (
        f"-{issue.edition.day:02d}" if issue.edition.day else "")
    revision = issue.edition.revision
    return Built(Path(edition).absolute(), Path(pdf).absolute(), sha256_bytes(pdf_bytes), rendered.pages,
                 tuple(Path(p).absolute() for p in prepared.inputs), metadata.title, date,
                 revision.number if revision else 1, revision.date if revision else None,
                 revision.note if revision else None, variant, style, Path(style_used.path).absolute(),
                 tuple(lookup_folders(style_used, publication_folder(edition))), tuple(environment().items()),
                 len(prepared.warnings))
