"""Locations in input files and the errors users see.

An error prints as ``file:line:col: key.path: what is wrong; what to do`` (lines and
columns 1-based), the form editors and their editors' jump-to-error features know.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
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


ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, where it is, and what to do about it.

    A ``severity="warning"`` problem is printed and counted, and the build goes on
    (``--strict`` makes it an error); collect it in the same list as errors and let
    ``split_problems`` sort them out.
    """

    location: Location
    message: str
    key_path: str = ""
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def __str__(self) -> str:
        where = f"{self.key_path}: " if self.key_path else ""
        level = "warning: " if self.is_warning else ""
        # One problem, one line: editors' jump-to-error reads line by line.
        message = " ".join(self.message.splitlines())
        return f"{self.location}: {level}{where}{message}"


def warning(location: Location, message: str, key_path: str = "") -> Problem:
    """A warning: printed and counted, the build goes on (``--strict``: an error)."""
    return Problem(location, message, key_path, WARNING)


def split_problems(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of ``problems``, each in the order given."""
    return ([p for p in problems if not p.is_warning], [p for p in problems if p.is_warning])


def as_errors(problems: list[Problem]) -> list[Problem]:
    """``problems`` with every warning made an error (``--strict``)."""
    return [replace(p, severity=ERROR) for p in problems]


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
