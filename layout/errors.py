"""Locations in input files and the errors users see.

An error prints as ``file:line:col: key.path: what is wrong; what to do`` (lines and
columns 1-based), the form editors and their editors' jump-to-error features know.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0
    INPUT_ERROR = 1
    CHECK_FAILED = 1
    """``briefing check``: the PDF failed a check (the PDF is the input)."""
    USAGE = 2
    INTERNAL_ERROR = 70
    INTERRUPTED = 130
    """Ctrl-C or SIGTERM: 128 + SIGINT, what shells report for an interrupted command."""


@dataclass(frozen=True)
class Location:
    file: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.file)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is, and what to do about it."""

    location: Location
    message: str
    key_path: str = ""

    def __str__(self) -> str:
        where = f"{self.key_path}: " if self.key_path else ""
        # One problem, one line: editors' jump-to-error reads line by line.
        message = " ".join(self.message.splitlines())
        return f"{self.location}: {where}{message}"


@dataclass(frozen=True)
class Notice(Problem):
    """Something to know that does not stop the build (a low-resolution figure, a colour
    conversion): printed as ``file:line:col: warning: …`` or ``…: note: …``."""

    level: str = "warning"

    def __str__(self) -> str:
        where = f"{self.key_path}: " if self.key_path else ""
        message = " ".join(self.message.splitlines())
        return f"{self.location}: {self.level}: {where}{message}"


class BriefingError(Exception):
    """Base of every error this program reports to the user (never a traceback)."""


class InputError(BriefingError):
    """One or more problems in the user's files; all are reported in one run."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(
            problems,
            key=lambda p: (str(p.location.file), p.location.line or 0, p.location.column or 0),
        )
        super().__init__("\n".join(str(p) for p in self.problems))


def quote(value: object, limit: int = 40) -> str:
    """A value as it may appear in a message: quoted, on one line, at most ``limit`` characters."""
    text = str(value).strip()
    first = text.splitlines()[0] if text else ""
    if len(first) > limit or first != text:
        first = first[:limit] + "…"
    return f"'{first}'"


def fail(location: Location, message: str, key_path: str = "") -> InputError:
    """An InputError holding a single problem."""
    return InputError([Problem(location, message, key_path)])
