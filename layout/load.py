"""``issues/<edition>.yaml`` → ``Issue``, reporting every problem of the file in one run."""

from __future__ import annotations

import calendar
import dataclasses
import re
import unicodedata
from pathlib import Path
from typing import Any

from layout.errors import InputError, Location, Problem, quote, split_problems
from layout.markup import BodyParser
from layout.model import (Article, BackPage, Block, Chapter, Contact, Edition, Issue, Paragraph,
                          Revision, Run, Source)
from layout.pages.back import qr_problem
from layout.schema import load_schema
from layout.publication import find_style, publication_folder
from layout.yamlfile import KeyPath, YamlDocument, format_key_path, read_yaml, validate

MIN_YEAR, MAX_YEAR = 1900, 2100
PLACEHOLDER = "TODO"
"""A text starting with this is a stub left to fill in (``briefing new`` writes them): refused."""
MAX_TEXT = 300_000
"""Characters of text in one edition (the reference has about 30,000: 30 pages; eight times
the reference, 216 pages, is the benchmark's large edition). Above it a build would run for
a minute and more; the body that crosses it is refused at its line, so every accepted
edition builds in under 30 s on a two-core machine."""


def load_issue(path: Path) -> Issue:
    """Read and validate an edition. Raises InputError listing all problems found."""
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), "the file must be a mapping with 'edition:' and 'chapters:' "
                                          "at the top; see issues/2021-10.yaml")])
    problems = validate(doc, load_schema("issue"))
    if problems:
        # Structure is wrong: building typed nodes would only add noise. A check that needs
        # one well-formed value still runs, so that one pass reports it too.
        raise InputError(problems + _date_problems(doc))
    builder = _IssueBuilder(doc)
    issue = builder.issue()
    errors, warnings = split_problems(builder.problems)
    if errors:
        raise InputError(builder.problems)
    return dataclasses.replace(issue, warnings=tuple(warnings))


def _date_problems(doc: YamlDocument) -> list[Problem]:
    edition = doc.data.get("edition")
    date = edition.get("date") if isinstance(edition, dict) else None
    if not isinstance(date, str) or not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
        return []
    builder = _IssueBuilder(doc)
    builder.date(("edition", "date"))
    return builder.problems


# C0 but tab and newline, DEL, C1, and the Unicode line and paragraph separators: none
# prints, and PDF/A text may not carry them. (Raw in the file, PyYAML refuses most of them
# itself; these arrive through double-quoted escapes such as "\a" or "\x1b".)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0b: "vertical tab", 0x0c: "form feed",
                  0x0d: "carriage return", 0x1b: "ESC", 0x7f: "DEL", 0x85: "NEL",
                  0x2028: "line separator", 0x2029: "paragraph separator"}


def _control_message(char: str, raw: bool) -> str:
    name = _CONTROL_NAMES.get(ord(char), "an invisible control character")
    if raw and char in "\u2028\u2029\x85":  # YAML would break the line here; editors show nothing
        return (f"an invisible {name} (U+{ord(char):04X}), usually pasted from Word or a web page; "
                "delete it, and press Enter where a new line was meant")
    return (f"control character U+{ord(char):04X} ({name}) cannot be printed; delete it (in a "
            "double-quoted value, the escape that makes it, such as \\a or \\x1b; for a line "
            "break write the text as a | block)")


class _IssueBuilder:
    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.problems: list[Problem] = []
        self.texts: list[tuple[str, Location, str]] = []
        self.length = 0
        """Characters of text read so far (for ``MAX_TEXT``)."""

    def text(self, path: KeyPath) -> str:
        """The string at ``path`` in NFC, recorded line by line with its locations for the
        glyph-coverage check; control characters are reported at their own line and column."""
        value = self._get(path)
        key_path = format_key_path(path)
        for char in dict.fromkeys(_CONTROL.findall(value)):
            start, end = self.doc.spans.get(tuple(path), (0, 0))
            raw = char in self.doc.source[start:end]
            self.problems.append(Problem(self.doc.locate_char(path, char), _control_message(char, raw), key_path))
        if value.lstrip().startswith(PLACEHOLDER):
            self.problems.append(self.doc.problem(
                path, f"{quote(value)} is a stub left to fill in; fill this in (write the text in its "
                      "place), or remove the entry"))
        # Decomposed text (NFD, as macOS copies it: e + U+0301) is drawn as its composed form.
        self.texts.extend((unicodedata.normalize("NFC", piece), where, key_path)
                          for piece, where in self.doc.segments(path))
        return unicodedata.normalize("NFC", value)

    def issue(self) -> Issue:
        data = self.doc.data
        edition = self.edition(("edition",))
        chapters = tuple(self.chapter(("chapters", i)) for i in range(len(data["chapters"])))
        back = self.back_page(("back_page",))
        return Issue(self.doc.path, edition, chapters, back, tuple(self.texts))

    def edition(self, path: KeyPath) -> Edition:
        raw = self._get(path)
        year, month, day = self.date(path + ("date",))
        optional = {key: self.text(path + (key,)) for key in ("department", "style", "subject")
                    if key in raw}
        if "style" in optional:
            self.style(path + ("style",), optional["style"])
        keywords = tuple(self.text(path + ("keywords", i)) for i in range(len(raw.get("keywords", []))))
        revision = self.revision(path + ("revision",), (year, month)) if "revision" in raw else None
        return Edition(
            title=self.text(path + ("title",)), issue_label=self.text(path + ("issue_label",)),
            year=year, month=month, day=day, publisher=self.text(path + ("publisher",)),
            copyright=self.text(path + ("copyright",)), keywords=keywords,
            location=self.doc.locate(path), revision=revision, **optional)

    def revision(self, path: KeyPath, edition_month: tuple[int, int]) -> Revision:
        raw = self._get(path)
        year, month, _ = self.date(path + ("date",))
        if (year, month) < edition_month:
            self._problem(path + ("date",), f"a correction cannot come before the edition "
                                            f"({edition_month[0]}-{edition_month[1]:02d}); check the date")
        return Revision(raw["number"], raw["date"], self.text(path + ("note",)), self.doc.locate(path))

    def date(self, path: KeyPath) -> tuple[int, int, int | None]:
        parts = [int(p) for p in self._get(path).split("-")]
        year, month, day = parts[0], parts[1], parts[2] if len(parts) == 3 else None
        if not MIN_YEAR <= year <= MAX_YEAR:
            self._problem(path, f"year {year:04d} is out of range; write the edition's year "
                                f"({MIN_YEAR}–{MAX_YEAR})")
        elif not 1 <= month <= 12:
            self._problem(path, f"month {month} does not exist; write YYYY-MM with a month from 01 to 12")
        elif day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            self._problem(path, f"{year}-{month:02d} has no day {day}; check the date")
        return year, month, day

    def style(self, path: KeyPath, name: str) -> None:
        """The style an edition names must exist (the same lookup as the build's)."""
        try:
            find_style(name, publication_folder(self.doc.path), relative_to=self.doc.path.parent)
        except InputError as exc:
            self._problem(path, exc.problems[0].message)

    def chapter(self, path: KeyPath) -> Chapter:
        count = len(self._get(path + ("articles",)))
        articles = tuple(self.article(path + ("articles", i)) for i in range(count))
        return Chapter(self.text(path + ("title",)), articles, self.doc.locate(path))

    def article(self, path: KeyPath) -> Article:
        sources = tuple(self.source(path + ("sources", i))
                        for i in range(len(self._get(path).get("sources", []))))
        return Article(self.text(path + ("title",)), self.body(path + ("body",)), sources,
                       self.doc.locate(path))

    def source(self, path: KeyPath) -> Source:
        raw = self._get(path)
        label = self.text(path + ("label",)) if "label" in raw else None
        return Source(label, self.text(path + ("url",)), self.doc.locate(path))

    def back_page(self, path: KeyPath) -> BackPage:
        raw = self._get(path)
        blocks = self.body(path + ("text",)) if "text" in raw else ()
        contacts = tuple(
            Contact(self.text(path + ("contacts", i, "label")), self.text(path + ("contacts", i, "value")),
                    self.doc.locate(path + ("contacts", i)))
            for i in range(len(raw.get("contacts", []))))
        qr = self.text(path + ("qr",)) if "qr" in raw else None
        if qr is not None and (why := qr_problem(qr)):
            self._problem(path + ("qr",), why)
        return BackPage(self.text(path + ("title",)), blocks, contacts, qr, self.doc.locate(path))

    def body(self, path: KeyPath) -> tuple[Block, ...]:
        where = self.doc.locate(path)
        text = self.text(path)
        self.length += len(text)
        if self.length > MAX_TEXT:
            if self.length - len(text) <= MAX_TEXT:  # the body that crosses the limit, once
                self._problem(path, f"the edition's text passes {MAX_TEXT:,} characters here (about 300 "
                                    "pages; a monthly edition has about 30,000); split it into several "
                                    "editions or shorten it")
            return (Paragraph((Run(""),), where),)
        parser = BodyParser(where, format_key_path(path), self.doc.path.parent)
        blocks = parser.parse(text)
        self.problems.extend(parser.problems)
        if not blocks:
            self._problem(path, "the text has no paragraphs; write at least one")
            blocks = (Paragraph((Run(""),), where),)
        return blocks

    def _get(self, path: KeyPath) -> Any:
        value = self.doc.data
        for part in path:
            value = value[part]
        return value

    def _problem(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.doc.problem(path, message))
