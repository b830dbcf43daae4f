"""Is an edition's PDF up to date? What a build is recorded under, and the check against it.

``briefing build EDITION`` (to its default output) and ``build --all`` share one key, kept in
the edition's entry of ``output/manifest.json`` (``layout.archive.manifest``), file hashes
coming from ``output/.briefing-hashes.json`` (``layout.archive.hashes.HashCache``). A PDF is
up to date when all of these are what its last build recorded:

- the options: ``--style`` as given and the file it names now, ``--pdf-a``;
- the program (the package's version and a digest of its source, data included), Python's
  version and the libraries' (``layout.archive.hashes.versions``);
- the sha256 of every file the build read: the edition, the style and its ``base:`` chain,
  each figure, each font file (hashed again only when its size or mtime changes);
- the names in every folder a name was looked up in (the style folders, the ``base:``
  folders, each ``fonts.dirs``): a style or font added that would now shadow the one used
  is a change;
- ``SOURCE_DATE_EPOCH`` (it is the PDF's date);
- the PDF itself: its sha256 is the one recorded (edited, replaced or deleted, it is rebuilt);
  it is read every time, never taken from the cache (0.5 ms for the reference's 0.6 MB);
- with ``--strict``, the last build had no warnings (else it is rebuilt, and refused).

``--print`` builds and builds to another ``-o`` are not recorded and always build;
``--force`` rebuilds anyway. This module imports no layout stage: an unchanged rebuild reads
the manifest and the hash cache and stats its inputs, nothing more.
"""

from __future__ import annotations

import os
from pathlib import Path

from layout.archive.hashes import HashCache, input_name, input_path, listing, sha256_file, versions
from layout.archive.manifest import ManifestError, cache_path, read_manifest
from layout.errors import BriefingError
from layout.publication import default_output, find_style, publication_folder, style_dirs

ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
"""The environment variables that change a build's bytes."""


def environment() -> dict[str, str | None]:
    return {name: (os.environ.get(name) or "").strip() or None for name in ENVIRONMENT}


def lookup_folders(style, publication: Path) -> list[Path]:
    """Every folder a name was looked up in to build with ``style`` (a loaded style): the
    style folders, the folder of each file of its ``base:`` chain, each of its ``fonts.dirs``
    and, for a font named with a subfolder, that subfolder."""
    folders = [folder for folder, _ in style_dirs(publication)]
    folders += [Path(location.file).parent for location in style.locations.values()]
    names = [name for spec in style.fonts.faces.values() for name in (*spec.prefer, spec.file)]
    for root in style.font_dirs():
        folders += [root, *((root / name).parent for name in names if not Path(name).is_absolute())]
    folders += [Path(name).expanduser().parent for name in names if Path(name).expanduser().is_absolute()]
    return list(dict.fromkeys(Path(os.path.abspath(folder)) for folder in folders))


def why_stale(entry: dict | None, edition: Path, publication: Path, options: dict, current: dict,
              hashes: HashCache, strict: bool = False, style_file: Path | None = None) -> str | None:
    """Why ``edition``'s default output must be built again (None: it is up to date).

    ``options`` is ``{"style": …, "pdf_a": …}`` as given; ``style_file`` the file ``--style`` names
    now; ``current`` is ``versions(hashes)``."""
    if not isinstance(entry, dict) or entry.get("source") != input_name(edition, publication):
        return "never built"
    if entry.get("options") != options:
        return "last built with other options"
    if style_file is not None and entry.get("style_file") != input_name(style_file, publication):
        return f"--style {options.get('style')} names another file now"
    if entry.get("versions") != current:
        recorded = entry.get("versions") if isinstance(entry.get("versions"), dict) else {}
        changed = sorted(k for k in set(current) | set(recorded) if current.get(k) != recorded.get(k))
        return f"the program or a library changed ({', '.join(changed)})"
    if entry.get("environment") != environment():
        return "SOURCE_DATE_EPOCH changed"
    if strict and entry.get("warnings") != 0:
        return "--strict, and its last build had warnings"
    inputs = entry.get("inputs")
    if not isinstance(inputs, dict) or not inputs:
        return "its inputs were not recorded"
    for name, digest in sorted(inputs.items()):
        found = hashes.hash(input_path(name, publication))
        if found is None or found != digest:
            return f"{name} changed" if found is not None else f"{name} is gone"
    folders = entry.get("lookups")
    if not isinstance(folders, dict):
        return "its lookup folders were not recorded"
    for name, digest in sorted(folders.items()):
        if listing(input_path(name, publication)) != digest:
            return f"a file was added to or removed from {name}/"
    pdf = default_output(edition)
    try:
        written = sha256_file(pdf)
    except OSError:
        written = None
    if written is None or written != entry.get("sha256"):
        what = "is missing" if not pdf.exists() else "is not the PDF the manifest records"
        return f"output/{pdf.name} {what}; rebuilt from its inputs"
    return None


def stale_reason(edition: Path, style: str | None, variant: str, strict: bool) -> tuple[str | None, dict]:
    """``briefing build EDITION`` to its default output: (why it must be built, None when its PDF
    is up to date; the manifest entry). Anything unreadable is a reason to build: the build
    then reports it where it is."""
    publication = publication_folder(edition)
    try:
        entry = read_manifest(publication).get(Path(edition).stem)
    except ManifestError:
        return "the manifest cannot be read", {}
    if not isinstance(entry, dict):
        return "never built", {}
    style_file = None
    if style is not None:
        try:
            style_file = find_style(style, publication)
        except BriefingError:
            return f"--style {style} is not found", entry
    hashes = HashCache(cache_path(publication))
    reason = why_stale(entry, Path(edition), publication, {"style": style, "pdf_a": variant}, versions(hashes),
                       hashes, strict, style_file)
    hashes.save()
    return reason, entry
