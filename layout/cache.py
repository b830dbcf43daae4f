"""What a build may keep between runs: parsed fonts and the word breaks of heads.

Two things cost a build more to work out than to remember, and do not change between the
builds of a month: ReportLab's parse of each font's tables (about 20 ms a CJK font), and
the words of each head (the segmenter's dictionary takes 0.12 s to load, on the first head
of every run). Both are kept as small pickles in ``$XDG_CACHE_HOME/briefing`` (else
``~/.cache/briefing``), one file per entry, named by a hash of everything the value depends
on: the font file's path, size and modification time and ReportLab's version; the head's
text, the domain words and the segmenter's version. A changed input is a new key, so a
stale entry is never read; old ones are only disk space (``rm -r ~/.cache/briefing``).

A cache that cannot be read or written (a read-only home, a damaged entry, another
program's file) is passed over: the value is worked out as if there were none.
``BRIEFING_NO_CACHE=1`` turns the cache off; the benchmark reports builds with and without.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

FORMAT = 1
"""Raise when what an entry holds changes shape: old entries are then never read."""


def folder() -> Path | None:
    """Where entries live, or None when the cache is off."""
    if os.environ.get("BRIEFING_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "briefing"


def entry(kind: str, *key: object) -> Path | None:
    """The file of the entry of ``kind`` for ``key`` (every input the value depends on)."""
    root = folder()
    if root is None:
        return None
    digest = hashlib.sha256(repr((FORMAT, *key)).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return root / kind / f"{digest}.pickle"


def load(path: Path | None):
    """The value stored at ``path``, or None (no cache, no entry, or one that cannot be read)."""
    if path is None:
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - missing, damaged or foreign: work the value out instead
        return None


def store(path: Path | None, value) -> None:
    """Keep ``value`` at ``path``, whole or not at all (builds may run side by side)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # no entry this time: the next run works the value out again
