"""Replacing a file whole or not at all: a temporary file beside it, fsynced, then renamed.

Standard library only, so that the archive's records (``output/manifest.json``, the hash
cache) are written without importing the layout stages: ``build --all`` records each edition
from its parent process, which builds nothing itself. ``layout.build.write_atomic`` does the
same for the PDFs, turning an OSError into a message about ``-o``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def replace_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync, then rename it over ``path``.

    The new file appears whole under its name or not at all; on any failure (OSError raised)
    or interrupt the temporary file is removed and ``path`` is left as it was. The file gets
    the permissions a plain ``open`` would give it (the umask's), not mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".part", dir=path.parent)
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
