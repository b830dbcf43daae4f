"""The usable range of every length and number in a style, checked at its line.

``RANGES`` is the table: for each field (``*`` matches any text role) the least and
greatest value that still lays out a readable page. A bound written in ``em`` is relative
to the field's reference size (the role's own size for ``text.*``; see ``_REFERENCE``),
so ``2em`` of indent is right at any size. ``RELATIONS`` are the few rules that tie fields
together: leading at least the size, a type area inside the page and large enough to set
text in, heads that fit across it, a footer between the type area and the paper's edge.

Wording templates are vetted here too: only their documented field names, no attribute
or index access (``{title.__class__}``), simple format specs with a capped width.

Every problem is reported at the line of the value that is out of range, with the range
to write instead: ``text.body.size: 0pt is not a usable size; write a size from 5pt to 72pt``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}


@dataclass(frozen=True)
class Range:
    low: str | None
    """Least value, as a length (``5pt``, ``0mm``, ``1em``) or a plain number; None: unbounded."""
    high: str | None
    what: str
    """What the value is, for the message: ``size`` → "0pt is not a usable size"."""


# -- the table ----------------------------------------------------------------------------

RANGES: dict[str, Range] = {
    "page.width": Range("50mm", "1200mm", "page width"),
    "page.height": Range("50mm", "1200mm", "page height"),
    "page.margin_top": Range("0mm", "300mm", "margin"),
    "page.margin_bottom": Range("0mm", "300mm", "margin"),
    "page.margin_left": Range("0mm", "300mm", "margin"),
    "page.margin_right": Range("0mm", "300mm", "margin"),
    "page.footer_baseline": Range("0mm", "300mm", "footer position"),
    "page.footer_rule": Range("0pt", "5pt", "rule width"),
    "page.footer_rule_gap": Range("0mm", "50mm", "gap"),
    "page.folio_size": Range("0pt", "72pt", "size"),  # 0pt: the footer's size
    "text.*.size": Range("5pt", "72pt", "size"),
    "text.*.leading": Range("1em", "4em", "leading"),
    "text.*.first_line_indent": Range("0em", "10em", "indent"),
    "text.*.left_indent": Range("0em", "10em", "indent"),
    "text.list_item.left_indent": Range("2em", "10em", "indent"),  # the bullet or number hangs in it
    "text.chapter.left_indent": Range("0em", "0em", "head indent"),  # heads hang their number at the margin
    "text.article.left_indent": Range("0em", "0em", "head indent"),
    "text.chapter.first_line_indent": Range("0em", "0em", "head indent"),
    "text.article.first_line_indent": Range("0em", "0em", "head indent"),
    "text.*.space_before": Range("0pt", "72pt", "space"),
    "text.*.space_after": Range("0pt", "72pt", "space"),
    "cover.band_height": Range("0mm", "100mm", "band height"),
    "cover.title_top": Range("1em", "1200mm", "title position"),  # the first line on the paper
    "cover.rule_width": Range("0pt", "5pt", "rule width"),
    "cover.rule_length": Range("0mm", "1200mm", "rule length"),
    "cover.meta_bottom": Range("5mm", "1200mm", "position"),  # descenders on the paper
    "toc.leader_spacing": Range("0pt", "1em", "leader spacing"),
    "toc.number_width": Range("1em", "10em", "page-number column"),
    "toc.gap": Range("0pt", "3em", "gap"),
    "toc.min_leader": Range("0em", "20em", "leader length"),
    "headings.chapter_rule": Range("0pt", "5pt", "rule width"),
    "headings.chapter_rule_gap": Range("0pt", "36pt", "gap"),
    "headings.article_number_gap": Range("0em", "3em", "gap"),
    "back.qr_size": Range("15mm", "80mm", "QR code size"),
    "back.qr_gap": Range("0mm", "50mm", "gap"),
    "back.contacts_gap": Range("0mm", "100mm", "gap"),
    "back.rule_width": Range("0pt", "5pt", "rule width"),
    "back.rule_gap": Range("0pt", "72pt", "gap"),
    "typography.han_latin_gap": Range("0em", "1em", "gap"),
    "typography.max_stretch": Range("0em", "1em", "stretch"),
    "typography.max_han_gap": Range("0em", "0.25em", "gap"),  # what check holds a PDF to
    "typography.widows": Range("1", "5", "number of lines"),
    "typography.orphans": Range("1", "5", "number of lines"),
    "typography.min_last_line_chars": Range("1", "2", "number of characters"),  # what the breaker can always give
}

# Which text role's size an ``em`` means, per section (``text.*`` fields use their own role).
_REFERENCE = {"toc": "toc_article", "headings": "article", "typography": "body", "back": "body",
              "page": "footer", "cover": "cover_title"}

MIN_FRAME_WIDTH_MM = 40
MIN_FRAME_HEIGHT_MM = 50
MIN_CHARS_PER_LINE = 10
"""Characters of a role's size that must fit across the type area (a head's number and title)."""

# -- templates ------------------------------------------------------------------------------

TEMPLATE_FIELDS = {
    "chapter_number": ("numeral", "n"), "article_number": ("chapter", "article"),
    "date": ("year", "month", "day"), "cover_issue_label": ("issue_label",),
    "document_title": ("title", "issue_label", "year", "month"),
    "document_identifier": ("title", "issue_label", "year", "month"),
    "source_line": ("label", "url"), "contact_line": ("label", "value"), "body_folio": ("n",),
    "revision_line": ("number", "date", "note"),
    "volume_label": ("year",), "volume_identifier": ("title", "year"),
    "volume_folio_prefix": ("year", "month"),
}
"""The fields each wording template is formatted with (layout/pages, layout/document.py)."""
MAX_FORMAT_WIDTH = 20
_TEXT = {"numeral": "一", "issue_label": "10月刊", "title": "简报", "label": "原文链接", "url": "https://x.cn",
         "value": "010-1", "date": "2021-11-05", "note": "更正"}
_SAMPLES = ({**_TEXT, "number": 2, "n": 1, "chapter": 1, "article": 1, "year": 2021, "month": 10, "day": 1},
            {**_TEXT, "number": 2, "n": 1, "chapter": 1, "article": 1, "year": 2021, "month": 10, "day": ""})
"""What templates are formatted with: the day is "" when an edition's date has none."""
_SPEC = re.compile(r"(?:[^{}]?[<>=^])?[-+ ]?0?(?P<width>\d*)(?:\.\d{1,2})?[sd]?")


def template_problem(template: str, fields: tuple[str, ...]) -> str | None:
    """Why ``template`` is not a usable wording template, or None."""
    use = f"use {', '.join('{' + f + '}' for f in fields)} ({{{{ }}}} for literal braces)"
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"{exc}; {use}"
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in fields:
            return f"{{{name}}} is not a field here (no attribute or index access); {use}"
        if conversion is not None:
            return f"{{{name}!{conversion}}}: conversions are not allowed; {use}"
        match = _SPEC.fullmatch(spec or "")
        if match is None:
            return f"{{{name}:{spec}}} is not a simple format; write e.g. {{{name}}} or {{{name}:02d}}"
        if match["width"] and int(match["width"]) > MAX_FORMAT_WIDTH:
            return f"{{{name}:{spec}}} is {match['width']} wide; write a width of at most {MAX_FORMAT_WIDTH}"
    for index, sample in enumerate(_SAMPLES):  # a number format on a text field, a precision on a number …
        try:
            template.format(**{name: sample[name] for name in fields})
        except (ValueError, TypeError) as exc:
            if index:
                return "{day} is empty where an edition's date has no day; write {day} without a format"
            return f"a format that does not suit the field ({exc}); {use}"
    return None


# -- checking ---------------------------------------------------------------------------------


def _pt(bound: str, em: float) -> float:
    value, unit = re.fullmatch(r"(-?\d+(?:\.\d+)?)([a-z]*)", bound).groups()
    return float(value) * (em if unit == "em" else _PT.get(unit, 1.0))


def _bound_text(bound: str | None, points: float | None) -> str:
    """A bound as the message shows it: em bounds in points (at this field's size)."""
    if bound is None or not bound.endswith("em"):
        return str(bound)
    return f"{round(points, 1):g}pt"


def _shown(value: Any) -> str:
    if hasattr(value, "unit"):
        return f"{value.value:g}{value.unit}"
    return str(value)


def _fields(style: Any) -> list[tuple[tuple[str, ...], Any, Range, float]]:
    """(key path, value, range, em) for every field of ``style`` the table covers."""
    out = []
    roles = list(type(style.text).__dataclass_fields__)
    for pattern, bound in RANGES.items():
        section, *rest = pattern.split(".")
        if section == "text":
            # ``text.*.x`` for every role without a ``text.<role>.x`` of its own.
            for role in (roles if rest[0] == "*" else [rest[0]]):
                if rest[0] == "*" and f"text.{role}.{rest[-1]}" in RANGES:
                    continue
                text = getattr(style.text, role)
                out.append((("text", role, rest[-1]), getattr(text, rest[-1]), bound, text.size.pt()))
        else:
            em = getattr(style.text, _REFERENCE[section]).size.pt()
            out.append(((section, rest[0]), getattr(getattr(style, section), rest[0]), bound, em))
    return out


def check_values(style: Any, report: Callable[[tuple, str], None]) -> None:
    """Report every value of ``style`` out of its range, then the rules between fields.

    ``report(key_path, message)`` records a problem at the value's line. A value in ``em``
    is not checked when the size it refers to is itself out of range (one problem, not two)."""
    bad: set[tuple] = set()
    sizes_bad = {role for role in type(style.text).__dataclass_fields__
                 if _out_of_range(getattr(style.text, role).size, RANGES["text.*.size"], 0.0)}
    for path, value, bound, em in _fields(style):
        role = path[1] if path[0] == "text" else _REFERENCE.get(path[0])
        if role in sizes_bad and path[-1] != "size" and getattr(value, "unit", "") == "em":
            continue
        if role in sizes_bad and path[-1] != "size" and "em" in f"{bound.low}{bound.high}":
            continue
        message = _out_of_range(value, bound, em)
        if message:
            report(path, message)
            bad.add(path)
    if bad:
        return
    reported = []

    def counting(path: tuple, message: str) -> None:
        reported.append(path)
        report(path, message)

    for rule in RELATIONS:  # in order: later rules assume the earlier ones hold
        rule(style, counting)
        if reported:
            return


def _out_of_range(value: Any, bound: Range, em: float) -> str | None:
    number = value.pt(em) if hasattr(value, "pt") else float(value)
    low = _pt(bound.low, em) if bound.low is not None else None
    high = _pt(bound.high, em) if bound.high is not None else None
    if (low is None or number >= low - 1e-6) and (high is None or number <= high + 1e-6):
        return None
    lo, hi = _bound_text(bound.low, low), _bound_text(bound.high, high)
    if low is not None and low == high:
        return f"{_shown(value)} is not a usable {bound.what} here; write {bound.low}"
    span = f"from {lo} to {hi}" if low is not None and high is not None else (
        f"of at least {lo}" if low is not None else f"of at most {hi}")
    article = "an" if bound.what[0] in "aeiou" else "a"
    return f"{_shown(value)} is not a usable {bound.what}; write {article} {bound.what} {span}"


def _frame(style: Any) -> tuple[float, float]:
    page = style.page
    return (page.width.pt() - page.margin_left.pt() - page.margin_right.pt(),
            page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt())


def _type_area(style: Any, report: Callable) -> bool:
    width, height = _frame(style)
    page = style.page
    mm = 72 / 25.4
    if width < MIN_FRAME_WIDTH_MM * mm:
        report(("page", "margin_right"), f"the margins leave a type area {width / mm:.0f}mm wide on a "
               f"{page.width.pt() / mm:.0f}mm page; make margin_left + margin_right at most "
               f"{page.width.pt() / mm - MIN_FRAME_WIDTH_MM:.0f}mm (a type area of {MIN_FRAME_WIDTH_MM}mm or more)")
    if height < MIN_FRAME_HEIGHT_MM * mm:
        report(("page", "margin_bottom"), f"the margins leave a type area {height / mm:.0f}mm high on a "
               f"{page.height.pt() / mm:.0f}mm page; make margin_top + margin_bottom at most "
               f"{page.height.pt() / mm - MIN_FRAME_HEIGHT_MM:.0f}mm (a type area of {MIN_FRAME_HEIGHT_MM}mm or more)")
    return width < MIN_FRAME_WIDTH_MM * mm or height < MIN_FRAME_HEIGHT_MM * mm


def _leading(style: Any, report: Callable) -> None:
    width, height = _frame(style)
    widest = width / MIN_CHARS_PER_LINE
    roles = type(style.text).__dataclass_fields__
    too_large = [role for role in roles if getattr(style.text, role).size.pt() > widest + 1e-6]
    most = f"{int(widest * 10) / 10:g}pt"
    if len(too_large) > 2:  # the type area is what is too narrow: one problem, at the margins
        sizes = ", ".join(f"{role} {_shown(getattr(style.text, role).size)}" for role in too_large[:4])
        report(("page", "margin_right"), f"a type area {width * 25.4 / 72:.0f}mm wide is too narrow for the text "
               f"sizes ({sizes} …): {MIN_CHARS_PER_LINE} characters of each must fit across it; narrow the "
               f"margins or make the sizes at most {most}")
    else:
        for role in too_large:
            report(("text", role, "size"), f"{_shown(getattr(style.text, role).size)} is too large for the type "
                   f"area: {MIN_CHARS_PER_LINE} characters must fit across its {width:.0f}pt; "
                   f"write a size from 5pt to {most}")
    for role in roles:
        text = getattr(style.text, role)
        if text.leading.pt(text.size.pt()) > height / 3:
            report(("text", role, "leading"), f"{_shown(text.leading)} leaves fewer than 3 lines on a page; "
                   f"write a leading of at most {height / 3:.0f}pt")


def _footer(style: Any, report: Callable) -> None:
    page = style.page
    footer = style.text.footer
    size = footer.size.pt()
    bottom = page.margin_bottom.pt()
    lowest = size * 0.3  # the descenders of the footer stay on the paper
    if page.footer_baseline.pt() < lowest:
        report(("page", "footer_baseline"), f"{_shown(page.footer_baseline)} puts the footer's descenders "
               f"off the page; write at least {lowest:.1f}pt")
    elif page.footer_baseline.pt() + size > bottom + 1e-6:
        report(("page", "footer_baseline"), f"{_shown(page.footer_baseline)} puts the footer into the type "
               f"area (margin_bottom is {_shown(page.margin_bottom)}); write at most "
               f"{max(0.0, bottom - size) * 25.4 / 72:.1f}mm or raise margin_bottom")
    elif page.footer_rule.pt() and page.footer_baseline.pt() + page.footer_rule_gap.pt() > bottom:
        report(("page", "footer_rule_gap"), f"{_shown(page.footer_rule_gap)} puts the footer rule into the "
               f"type area; write at most {(bottom - page.footer_baseline.pt()) * 25.4 / 72:.1f}mm")


def _cover(style: Any, report: Callable) -> None:
    page, cover = style.page, style.cover
    height = page.height.pt()
    if cover.title_top.pt() >= height - cover.meta_bottom.pt():
        report(("cover", "title_top"), f"{_shown(cover.title_top)} puts the title below the publisher lines "
               f"(meta_bottom {_shown(cover.meta_bottom)} on a {height * 25.4 / 72:.0f}mm page); "
               "write a smaller title_top or meta_bottom")
    if cover.rule_length.pt() > page.width.pt():
        report(("cover", "rule_length"), f"{_shown(cover.rule_length)} is wider than the page; "
               f"write at most {page.width.pt() * 25.4 / 72:.0f}mm")


def _back(style: Any, report: Callable) -> None:
    width, _ = _frame(style)
    back = style.back
    if back.qr_size.pt() + back.qr_gap.pt() > width / 2:
        report(("back", "qr_size"), f"{_shown(back.qr_size)} with qr_gap {_shown(back.qr_gap)} takes more "
               f"than half of the {width * 25.4 / 72:.0f}mm type area; make them smaller")


def _leader(style: Any, report: Callable) -> None:
    leader = style.toc.leader
    if len(leader) != 1 or leader.isspace():
        report(("toc", "leader"), f"'{leader[:10]}' is not one visible character; write e.g. \".\" or \"·\"")


RELATIONS: tuple[Callable[[Any, Callable], bool | None], ...] = (_type_area, _leading, _footer, _cover, _back, _leader)
