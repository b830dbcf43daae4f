"""Page-flow rows of ``briefing check``: short pages and orphaned source lines.

Read from the PDF alone (``layout.check.PdfView``), as every check is:

``no near-empty page``
    no body page (numeric label), except the file's last with text, holds three text lines or
    fewer besides its footer, unless it carries an image or starts a chapter (a page a
    bookmark with bookmarks under it leads to: a chapter that short is the editor's choice): such a
    page is the spill-over of a chapter before the forced break of the next one
    (TYPOGRAPHY.md rule 15).
``source lines kept``
    no page starts with a source line ("（原文链接：https://…）", any label): a source
    line belongs under its article's last paragraph.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from layout.check import CheckResult, PdfView

SHORT_PAGE = 3
"""Text lines (footer not counted) a page before a forced break must exceed."""
SOURCE_LINE = re.compile(r"^[（(]?[^：:\s（(]{1,12}[：:]\s*(?:https?://|ftp://|www\.)")


def _body_pages(view: PdfView) -> list[int]:
    from layout.check import is_body_label

    return [index for index, label in enumerate(view.labels) if index and is_body_label(label)]


def _chapter_pages(view: PdfView) -> set[int]:
    """Pages a bookmark with bookmarks under it leads to: a chapter's (an edition's, in a volume)."""
    import pikepdf

    pages = set()
    root = view.pdf.Root.get("/Outlines")
    stack = [root.get("/First")] if root is not None and root.get("/First") is not None else []
    while stack:
        item = stack.pop()
        if item.get("/Next") is not None:
            stack.append(item.Next)
        if item.get("/First") is None:
            continue
        stack.append(item.First)
        dest = item.get("/Dest")
        if dest is None and item.get("/A") is not None:
            dest = item.A.get("/D")
        if dest is not None:
            pages.add(view.target(pikepdf.Dictionary(Dest=dest)))
    return pages


def check_short_pages(view: PdfView) -> CheckResult:
    from layout.check import CheckResult

    name = "no near-empty page before a forced break"
    pages = _body_pages(view)
    chapters = _chapter_pages(view)
    problems = []
    # the file's last page with text (the closing page) may be short; blank pages after it
    # (the print variant's padding to a multiple of 4) do not make it a spill-over
    last_text = max((i for i in range(len(view.labels)) if not view.blank(i)), default=None)
    for index in pages:
        if view.blank(index) or index == last_text:
            continue
        text_lines = len(view.lines(index)) - 1  # the footer is the last line (checked elsewhere)
        if text_lines <= SHORT_PAGE and index not in chapters and not view.pdf.pages[index].get_images():
            first = view.lines(index)[0].text[:20] if text_lines > 0 else ""
            problems.append(f"page {index + 1} (label {view.labels[index]}) holds only {max(text_lines, 0)} "
                            f"line{'s' if text_lines != 1 else ''} ({first!r}…)")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or
                       f"{len(pages)} body pages, each more than {SHORT_PAGE} lines or the last")


def _in_source_size(view: PdfView, index: int, line) -> bool:
    """Is ``line`` set in the source lines' size (as the build recorded it)? A body paragraph
    that reads like one (“新欧洲包豪斯”：https://…) is not, where the two sizes differ."""
    if view.style is None:
        return True
    source, body = view.style.text.source.size.pt(), view.style.text.body.size.pt()
    if abs(source - body) < 0.05:
        return True
    sizes = [float(c["size"]) for c in view.chars[index] if abs(-c["matrix"][5] - line.baseline) <= 1.0]
    return any(abs(size - source) < 0.05 for size in sizes)


def check_orphaned_sources(view: PdfView) -> CheckResult:
    from layout.check import CheckResult

    name = "source lines kept with their article"
    problems = []
    pages = _body_pages(view)
    for index in pages:
        lines = view.lines(index)
        if len(lines) > 1 and SOURCE_LINE.match(lines[0].text) and _in_source_size(view, index, lines[0]):
            problems.append(f"page {index + 1} (label {view.labels[index]}) starts with a source line: "
                            f"{lines[0].text[:40]!r}")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or
                       f"no page of {len(pages)} starts with a source line")
