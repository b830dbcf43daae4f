"""``briefing new 2021-11``: the next edition, started from the latest one in ``issues/``.

The latest edition is the one with the latest ``date`` (then the last file name). The new
file keeps its fixed parts: title, publisher, department, copyright, style, subject and
keywords (marked to check), and its ``back_page`` block copied line for line. The date is
the new id when the id is a date (``2021-11``), else the latest edition's month plus one.
The issue label advances in the form the latest one has: the month before 月 (``10月刊`` →
``11月刊``), the year and the issue number (``2022年第3期`` → ``2022年第4期``; a new year
starts again at 第1期), or the one number in it by the months between the two editions. A
label it cannot read (no digits, several numbers) is left as a ``TODO`` for the editor.

One chapter with one article is left to fill: their texts start with ``TODO``, which
validation refuses at its line (``layout.load.PLACEHOLDER``), so a stub never builds an
empty edition. An existing file is never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from layout.archive.incremental import ISSUES, editions_in
from layout.errors import BriefingError
from layout.load import PLACEHOLDER

DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


class NewEditionError(BriefingError):
    """The new edition cannot be started (it exists, no edition to start from, a bad id)."""


@dataclass
class Created:
    path: Path
    todo: list[str] = field(default_factory=list)
    """What the editor must decide that the program could not (said on the command line too)."""


def new_edition(publication: Path, edition_id: str) -> Created:
    if not ID.fullmatch(edition_id):
        raise NewEditionError(f"{edition_id!r} is not an edition id; give a name of letters, digits, '-' and "
                              "'.', e.g. 2021-11 (it becomes issues/2021-11.yaml)")
    target = publication / ISSUES / f"{edition_id}.yaml"
    if target.exists():
        raise NewEditionError(f"{target}: already exists; briefing new never overwrites an edition; edit it, "
                              "or choose another id")
    latest = _latest(publication)
    source = latest.read_text("utf-8")
    data = yaml.safe_load(source)
    edition = data["edition"]
    created = Created(target)
    text = _compose(edition_id, latest, source, data, edition, created)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewEditionError(f"{target}: already exists; briefing new never overwrites an edition") from None
    except OSError as exc:
        raise NewEditionError(f"cannot write {target} ({exc.strerror}); check the folder's permissions") from None
    return created


def _latest(publication: Path) -> Path:
    candidates = []
    for path in editions_in(publication):
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
            date = DATE.fullmatch(str(data["edition"]["date"]))
        except (OSError, ValueError, yaml.YAMLError, KeyError, TypeError):
            continue
        if date:
            candidates.append(((int(date[1]), int(date[2]), int(date[3] or 1), path.name), path))
    if not candidates:
        raise NewEditionError(f"{publication / ISSUES}: no edition to start from (none that reads as one); copy "
                              "an edition there, e.g. the reference issues/2021-10.yaml, and run briefing new again")
    return max(candidates)[1]


def _compose(edition_id: str, latest: Path, source: str, data: dict, edition: dict, created: Created) -> str:
    old = DATE.fullmatch(str(edition["date"]))
    old_year, old_month = int(old[1]), int(old[2])
    given = DATE.fullmatch(edition_id)
    if given:
        date, year, month = edition_id, int(given[1]), int(given[2])
    else:
        year, month = (old_year + 1, 1) if old_month == 12 else (old_year, old_month + 1)
        date = f"{year:04d}-{month:02d}"
        created.todo.append(f"the date is {date}, the month after {latest.stem}'s; change it if it is not")
    label = advance_label(str(edition["issue_label"]), (old_year, old_month), (year, month))
    if label is None:
        created.todo.append(f"the issue label: cannot tell how {edition['issue_label']!r} advances; write it "
                            "(issue_label, marked TODO)")
        label = f"{PLACEHOLDER}: the issue label (the last edition's was {edition['issue_label']})"
    lines = [f"# Started by briefing new from {latest.name}: fill in each {PLACEHOLDER}, then",
             f"#   briefing validate issues/{edition_id}.yaml",
             "edition:",
             f"  title: {_scalar(edition['title'])}",
             f"  issue_label: {_scalar(label)}",
             f"  date: {date}"
             + ("" if given else "                      # check: the month after the last edition"),
             f"  publisher: {_scalar(edition['publisher'])}"]
    if edition.get("department"):
        lines.append(f"  department: {_scalar(edition['department'])}")
    lines.append(f"  copyright: {_scalar(edition['copyright'])}")
    if edition.get("style"):
        lines.append(f"  style: {_scalar(edition['style'])}")
    if edition.get("subject"):
        lines += [f"  # check: the subject and keywords are {latest.stem}'s",
                  f"  subject: {_scalar(edition['subject'])}"]
    if edition.get("keywords"):
        lines.append(f"  keywords: [{', '.join(_scalar(k, flow=True) for k in edition['keywords'])}]")
    titles = [str(chapter.get("title")) for chapter in data.get("chapters") or [] if isinstance(chapter, dict)]
    lines += ["", "chapters:"]
    if titles:
        lines.append(f"  # {latest.stem}'s chapters were: {', '.join(titles)}")
    lines += ["  # titles without their numbers: the program numbers chapters 一、二、… and articles 1.1, 1.2, …",
              "  - title: " + _scalar(f"{PLACEHOLDER}: the chapter's title"),
              "    articles:",
              "      - title: " + _scalar(f"{PLACEHOLDER}: the article's title"),
              "        body: |             # CommonMark: a blank line between paragraphs",
              f"          {PLACEHOLDER}: the article's text",
              "        # sources:          # optional",
              "        #   - {label: …, url: https://…}",
              "      # more articles: another '- title: … body: |' like the one above",
              "  # more chapters: another '- title: … articles:' like the one above",
              ""]
    back = _block(source, "back_page")
    if back:
        lines += [f"# The closing page, as in {latest.name}", *back]
    else:
        created.todo.append(f"the closing page: {latest.name} has none; write back_page (marked TODO)")
        lines += ["back_page:", "  title: " + _scalar(f"{PLACEHOLDER}: the closing page's title"),
                  "  text: " + _scalar(f"{PLACEHOLDER}: about the publisher"),
                  "  contacts:", "    - {label: …, value: …}"]
    return "\n".join(lines) + "\n"


def advance_label(label: str, old: tuple[int, int], new: tuple[int, int]) -> str | None:
    """``label`` advanced from the edition of ``old`` (year, month) to ``new``'s, or None."""
    (old_year, old_month), (new_year, new_month) = old, new
    months = (new_year - old_year) * 12 + new_month - old_month
    year_at = [m.span() for m in re.finditer(rf"(?<!\d){old_year}(?!\d)", label)]
    numbers = [m for m in re.finditer(r"\d+", label) if m.span() not in year_at]
    if len(numbers) > 1 or months <= 0 or (not numbers and not year_at):
        return None
    advanced = label
    if numbers:
        number = numbers[0]
        value = int(number[0])
        after = label[number.end():].lstrip()
        if value == old_month and after.startswith("月"):
            value = new_month
        elif year_at and new_year != old_year:
            value = 1  # a new year's first issue
        else:
            value += months
        text = str(value).zfill(len(number[0]) if number[0].startswith("0") else 0)  # 第07期 stays padded
        advanced = label[:number.start()] + text + label[number.end():]
    if year_at:
        advanced = re.sub(rf"(?<!\d){old_year}(?!\d)", str(new_year), advanced)
    elif new_year != old_year and not (numbers and label[numbers[0].end():].lstrip().startswith("月")):
        return None  # a running number across years: the editor knows
    return advanced


def _scalar(text: object, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain when it reads back unchanged, else double-quoted."""
    text = str(text)
    try:
        plain = yaml.safe_load(f"[{text}]" if flow else f"k: {text}")
        same = plain == [text] if flow else plain == {"k": text}
    except yaml.YAMLError:
        same = False
    if same and "\n" not in text and "#" not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _block(source: str, key: str) -> list[str]:
    """The lines of the top-level ``key:`` block of ``source``, as written (comments kept)."""
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"{key}\s*:", line)), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"[^\s#]", lines[i])), len(lines))
    block = lines[start:end]
    while block and (not block[-1].strip() or block[-1].lstrip().startswith("#")):
        block.pop()
    return block
