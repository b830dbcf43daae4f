"""The running footer: the copyright at the left, the folio at the right, a hairline above.

The style's ``page.folio_format`` sets each folio (``"— {n} —"``), ``page.folio_size`` its
size, and ``page.folio_side`` its place: ``right``, ``outside`` (right on odd pages, left
on even ones, the copyright then on the right; GB/T 9704) or ``center``.

The copyright has the type area's width less a column kept for the widest folio. A
copyright too long for one line wraps upwards from ``footer_baseline`` (the folio stays
on the last line, the hairline moves up with the first), as long as the footer stays
below the type area; failing that it is set smaller, down to ``MIN_SCALE`` of the
footer's size. One plan serves every page, so every footer looks the same; a copyright
that fits at none of these sizes is refused at its line in the edition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from layout.colour import set_stroke
from layout.errors import InputError, Problem
from layout.model import Issue
from layout.pages.cjk import CJKParagraph
from layout.pages.fit import fit, locate, scaled, wrapped
from layout.pages.typeset import Typesetter
from layout.styles import Length

MIN_SCALE = 0.75
WIDEST_FOLIOS = ("xxxviii",)
"""The widest roman folio of a table of contents (38 pages); a body folio is measured at n = 8888."""


@dataclass
class FooterPlan:
    typesetter: Typesetter
    """The house typesetter, or one with the footer set smaller."""
    copyright: CJKParagraph
    x: float
    bottom: float
    rule_y: float | None
    reserve: float = 0.0
    """Width of the folio's column beside the copyright."""

    def draw(self, canvas, typesetter: Typesetter, folio: str, mirrored: bool = False) -> None:
        """``mirrored`` (a verso in print): the folio at the left, the outside edge, and the
        copyright flush right."""
        ts = self.typesetter
        page = ts.style.page
        right = page.width.pt() - page.margin_right.pt()
        text = page.folio_format.format(n=folio)
        side = page.folio_side
        if side == "outside":
            side = "right" if canvas.getPageNumber() % 2 else "left"
        canvas.saveState()
        if self.rule_y is not None:
            set_stroke(canvas, ts.style.color(ts.text_style("footer").color))
            canvas.setLineWidth(page.footer_rule.pt())
            canvas.line(self.x, self.rule_y, right, self.rule_y)
        if mirrored and side == "right":  # a verso of the print variant: the outside edge
            side = "left"
        # The copyright on the side the folio leaves free (above it when the folio is centred).
        lift = self.copyright.leading if side == "center" else 0.0
        if side == "left":
            widest = max(line.width for line in self.copyright._lines)
            self.copyright.drawOn(canvas, right - widest, self.bottom)
        else:
            self.copyright.drawOn(canvas, self.x, self.bottom + lift)
        x = {"left": self.x, "right": right, "center": (self.x + right) / 2}[side]
        folio_typesetter(ts).draw_line(canvas, x, page.footer_baseline.pt(), text, "footer", align=side)
        canvas.restoreState()


def folio_typesetter(typesetter: Typesetter) -> Typesetter:
    """``typesetter`` with its footer role at ``page.folio_size`` (when set): the folio's."""
    size = typesetter.style.page.folio_size.pt()
    if not size:
        return typesetter
    text = typesetter.style.text
    footer = dataclasses.replace(text.footer, size=Length(size, "pt"))
    style = dataclasses.replace(typesetter.style, text=dataclasses.replace(text, footer=footer))
    return Typesetter(style, typesetter.fonts, typesetter.images)


def plan_footer(typesetter: Typesetter, issue: Issue) -> FooterPlan:
    style = typesetter.style
    page = style.page
    left, right = page.margin_left.pt(), page.width.pt() - page.margin_right.pt()
    baseline = page.footer_baseline.pt()
    text = issue.edition.copyright

    def attempt(scale: float) -> FooterPlan | None:
        ts = scaled(typesetter, ["footer"], scale)
        size = ts.size("footer")
        folios = [page.folio_format.format(n=folio)
                  for folio in (*WIDEST_FOLIOS, style.wording.body_folio.format(n=8888))]
        reserve = max(folio_typesetter(ts).width(folio, "footer") for folio in folios) + size
        if page.folio_side == "center":
            reserve = 0.0
        para = wrapped(ts, text, "footer", right - left - reserve)
        leading = para.leading
        first = baseline + (para.line_count - 1) * leading
        if page.folio_side == "center":
            first += para.leading  # the copyright stands on the line above the folio
        rule_y = first + page.footer_rule_gap.pt() if page.footer_rule.pt() else None
        top = max(first + size, rule_y + page.footer_rule.pt() / 2 if rule_y is not None else 0.0)
        if para.line_count > 1 and top > page.margin_bottom.pt():
            return None
        # The last baseline on ``baseline``: it sits ``leading - fontSize`` above the bottom.
        return FooterPlan(ts, para, left, baseline - leading + para.fontSize, rule_y, reserve)

    plan = fit(attempt, MIN_SCALE)
    if plan is None:
        size = typesetter.size("footer") * MIN_SCALE
        raise InputError([Problem(locate(issue, "edition.copyright"), f"{len(text)} characters do not fit in the "
                                  f"footer below the type area even at {size:.1f}pt; shorten it",
                                  "edition.copyright")])
    return plan
