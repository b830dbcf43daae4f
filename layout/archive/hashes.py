"""File hashes (sha256), cached by path + size + mtime_ns; versions; input names.

``HashCache`` keeps ``output/.briefing-hashes.json``: a file whose size and modification time
(nanoseconds) are those recorded is not read again. ``build --all`` trusts it (that is what
makes a run with nothing changed fast); ``verify`` never does: it reads every byte.
"""

from __future__ import annotations

import hashlib
import json
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

from layout import __version__
from layout.publication import builtin_dir

CACHE_NAME = ".briefing-hashes.json"
LIBRARIES = ("reportlab", "pikepdf", "pypdf", "PyYAML", "fonttools", "markdown-it-py", "mdit-py-cjk-friendly",
             "linkify-it-py", "jsonschema", "pillow", "rjieba")
"""The distributions whose versions can change the bytes of a build."""
BUILTIN = "<built-in>"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
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
        if isinstance(entry, list) and entry[:2] == [stat.st_size, stat.st_mtime_ns]:
            return entry[2]
        try:
            digest = sha256_file(path)
        except OSError:
            return None
        self.entries[key] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        from layout.build import write_atomic

        write_atomic(self.path, json.dumps(self.entries, sort_keys=True).encode("utf-8"))
        self.changed = False


def input_name(path: Path, publication: Path) -> str:
    """How the manifest names an input: relative to the publication folder, ``<built-in>/…``
    for the package's own styles and fonts, else the absolute path."""
    path = Path(path).absolute()
    for base, prefix in ((publication.absolute(), ""),
                         (builtin_dir("styles"), f"{BUILTIN}/styles/"), (builtin_dir("fonts"), f"{BUILTIN}/fonts/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def input_path(name: str, publication: Path) -> Path:
    """The file an input name (``input_name``) stands for."""
    if name.startswith(f"{BUILTIN}/"):
        kind, _, rest = name[len(BUILTIN) + 1:].partition("/")
        return builtin_dir(kind) / rest
    path = Path(name)
    return path if path.is_absolute() else publication / path


@cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    found = []
    for name in LIBRARIES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return tuple(found)


def program_files() -> list[Path]:
    """The package's own files whose change can change a build (code, schema, data)."""
    package = Path(__file__).resolve().parent.parent
    return sorted(path for path in package.rglob("*")
                  if path.is_file() and path.suffix in {".py", ".json", ".txt", ".icc"}
                  and "__pycache__" not in path.parts)


def versions(hashes: HashCache) -> dict[str, str]:
    """The program's version and a digest of its source, Python's and the libraries'.

    Read from the distributions' metadata, without importing them (a run with nothing to do
    stays fast). qpdf is not named: pikepdf's wheels carry their own, so pikepdf's version
    stands for it."""
    package = Path(__file__).resolve().parent.parent
    source = hashlib.sha256()
    for path in program_files():
        source.update(f"{path.relative_to(package).as_posix()}\0{hashes.hash(path)}\n".encode())
    return {"briefing-layout": __version__, "briefing-layout source": source.hexdigest(),
            "python": platform.python_version(), **dict(_library_versions())}
