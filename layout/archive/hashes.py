"""File hashes (sha256), cached by path + size + mtime_ns; versions; input names.

``HashCache`` keeps ``output/.briefing-hashes.json``: a file whose size and modification time
(nanoseconds) are those recorded is not read again. ``build`` and ``build --all`` trust it
(that is what makes a run with nothing changed fast: the fonts, tens of MB, are read once per
size and mtime); ``verify`` never does: it reads every byte. A file hashed less than
``RACY_NS`` after its last modification may be written again within the same timestamp on a
file system with coarse times: its entry is not trusted, and it is read again next time (git's
"racily clean" rule).

Nothing here imports more than the standard library's lightest modules: an unchanged
rebuild must answer in milliseconds.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from functools import cache
from pathlib import Path

from layout import __version__
from layout.publication import builtin_dir

CACHE_NAME = ".briefing-hashes.json"
LIBRARIES = ("reportlab", "pikepdf", "pypdf", "PyYAML", "fonttools", "markdown-it-py", "mdit-py-cjk-friendly",
             "linkify-it-py", "jsonschema", "pillow", "rjieba")
"""The distributions whose versions can change the bytes of a build."""
BUILTIN = "<built-in>"
RACY_NS = 2_000_000_000
"""A file modified less than this before it was hashed is hashed again next time."""


def sha256_file(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class HashCache:
    """sha256 of files, re-read only when their size or mtime_ns changed."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is not None:
            try:
                loaded = json.loads(path.read_text("utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def hash(self, path: Path) -> str | None:
        """The file's sha256, or None when it does not exist (or cannot be read)."""
        key = str(path)
        try:
            stat = path.stat()
        except OSError:
            return None
        entry = self.entries.get(key)
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == [stat.st_size, stat.st_mtime_ns]:
            return entry[2]
        now = time.time_ns()
        try:
            digest = sha256_file(path)
        except OSError:
            return None
        racy = stat.st_mtime_ns > now - RACY_NS
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, digest, "racy"][:4 if racy else 3]
        self.changed = True
        return digest

    def save(self) -> None:
        """Write the cache (atomically); a cache that cannot be written is only slower next time."""
        if self.path is None or not self.changed:
            return
        from layout.atomic import replace_atomic

        try:
            replace_atomic(self.path, json.dumps(self.entries, sort_keys=True).encode("utf-8"))
        except OSError:
            return
        self.changed = False


def input_name(path: Path, publication: Path) -> str:
    """How the manifest names an input: relative to the publication folder, ``<built-in>/…``
    for the package's own styles and fonts, else the absolute path."""
    path = Path(os.path.abspath(path))
    for base, prefix in ((publication.absolute(), ""),
                         (builtin_dir("styles"), f"{BUILTIN}/styles/"), (builtin_dir("fonts"), f"{BUILTIN}/fonts/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def lookups(folders, publication: Path) -> dict[str, str | None]:
    """``{folder's input name: listing(folder)}``: what a build's lookup folders held."""
    return {input_name(folder, publication): listing(folder) for folder in folders}


def input_path(name: str, publication: Path) -> Path:
    """The file an input name (``input_name``) stands for."""
    if name.startswith(f"{BUILTIN}/"):
        kind, _, rest = name[len(BUILTIN) + 1:].partition("/")
        return builtin_dir(kind) / rest
    path = Path(name)
    return path if path.is_absolute() else publication / path


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of each of ``LIBRARIES`` installed, from the first ``NAME-VERSION.dist-info``
    (or ``.egg-info``) folder on ``sys.path``: what ``importlib.metadata.version`` finds, read from
    the folder names alone (importing ``importlib.metadata`` and asking it takes ~40 ms)."""
    wanted = {_normal(name): name for name in LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            stem, dot, kind = entry.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info") or "-" not in stem:
                continue
            name, _, version = stem.partition("-")
            library = wanted.get(_normal(name))
            if library is not None and library not in found:
                found[library] = version.split("-py")[0] if kind == "egg-info" else version
    return tuple((name, found[name]) for name in LIBRARIES if name in found)


def program_files() -> list[Path]:
    """The package's own files whose change can change a build (code, schema, data)."""
    package = Path(__file__).resolve().parent.parent
    found = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        found += [Path(folder, name) for name in files if os.path.splitext(name)[1] in PROGRAM_SUFFIXES]
    return sorted(found)


PROGRAM_SUFFIXES = {".py", ".json", ".txt", ".icc"}


def listing(folder: Path) -> str | None:
    """What a lookup folder holds, as one digest of its sorted names (None when it is not a
    folder): a file added, removed or renamed there can change what a name finds."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    return sha256_bytes("\0".join(names).encode("utf-8", "surrogateescape"))


def versions(hashes: HashCache) -> dict[str, str]:
    """The program's version and a digest of its source, Python's and the libraries'.

    Read from the distributions' metadata, without importing them (a run with nothing to do
    stays fast). qpdf is not named: pikepdf's wheels carry their own, so pikepdf's version
    stands for it."""
    import hashlib

    package = Path(__file__).resolve().parent.parent
    source = hashlib.sha256()
    for path in program_files():
        source.update(f"{path.relative_to(package).as_posix()}\0{hashes.hash(path)}\n".encode())
    return {"briefing-layout": __version__, "briefing-layout source": source.hexdigest(),
            "python": sys.version.split()[0], **dict(_library_versions())}
