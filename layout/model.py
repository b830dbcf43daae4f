"""The edition as typed data: what the editors wrote, with where they wrote it.

Nothing here knows about ReportLab; ``layout.pages`` turns these nodes into flowables.
Every node keeps the ``Location`` of its source so later stages (glyph coverage,
image checks) can point back at the exact line of the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.errors import Location, Problem


@dataclass(frozen=True)
class Run:
    """A stretch of text with one set of inline attributes."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class Paragraph:
    runs: Runs
    location: Location


@dataclass(frozen=True)
class Subheading:
    """An in-article heading (``###`` is level 1, ``####`` level 2)."""

    runs: Runs
    level: int
    location: Location


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[Runs, ...]
    location: Location


@dataclass(frozen=True)
class Table:
    """A pipe table; every row has as many cells as the header (Markdown pads or cuts)."""

    header: tuple[Runs, ...]
    """Empty when the header row has no text."""
    rows: tuple[tuple[Runs, ...], ...]
    location: Location
    caption: Runs = ()
    """The paragraph ``表1 …`` written right before the table (表题); empty for none."""
    align: tuple[str | None, ...] = ()
    """Per column, what the Markdown delimiter row asks (``:--`` left, ``:-:`` center,
    ``--:`` right), or None: numeric columns right, others left."""
    key_path: str = ""
    """Where the table is in the YAML (``chapters[0].articles[1].body``), for errors found in layout."""


@dataclass(frozen=True)
class Figure:
    path: Path
    caption: str
    location: Location


Block = Paragraph | Subheading | ListBlock | Table | Figure


@dataclass(frozen=True)
class Source:
    label: str | None
    """None: the style's ``wording.default_source_label`` (原文链接)."""
    url: str
    location: Location


@dataclass(frozen=True)
class Article:
    title: str
    blocks: tuple[Block, ...]
    sources: tuple[Source, ...]
    location: Location


@dataclass(frozen=True)
class Chapter:
    title: str
    articles: tuple[Article, ...]
    location: Location


@dataclass(frozen=True)
class Revision:
    """A corrected re-issue: the original edition is revision 1."""

    number: int
    date: str
    """YYYY-MM-DD, the day the correction was published."""
    note: str
    """What was corrected."""
    location: Location | None = None


@dataclass(frozen=True)
class Edition:
    title: str
    issue_label: str
    year: int
    month: int
    day: int | None
    publisher: str
    copyright: str
    department: str | None = None
    style: str | None = None
    subject: str | None = None
    keywords: tuple[str, ...] = ()
    location: Location | None = None
    revision: Revision | None = None
    """None for the original (revision 1)."""


@dataclass(frozen=True)
class Contact:
    label: str
    value: str
    location: Location


@dataclass(frozen=True)
class BackPage:
    title: str
    blocks: tuple[Block, ...]
    contacts: tuple[Contact, ...]
    qr: str | None
    location: Location


@dataclass(frozen=True)
class Issue:
    path: Path
    edition: Edition
    chapters: tuple[Chapter, ...]
    back_page: BackPage | None
    texts: tuple[tuple[str, Location, str], ...] = field(default=(), repr=False)
    """Every user-visible string with its location and key path, for coverage checks."""
    warnings: tuple[Problem, ...] = field(default=(), repr=False)
    """Problems of severity warning found while loading: printed, the build goes on."""
