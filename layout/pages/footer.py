"""The running footer: the copyright at the left, the folio at the right, a hairline above.

The copyright has the type area's width less a column kept for the widest folio. A
copyright too long for one line wraps upwards from ``footer_baseline`` (the folio stays
on the last line, the hairline moves up with the first), as long as the footer stays
below the type area; failing that it is set smaller, down to ``MIN_SCALE`` of the
footer's size. One plan serves every page, so every footer looks the same; a copyright
that fits at none of these sizes is refused at its line in the edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.colour import set_stroke
from layout.errors import InputError, Problem
from layout.model import Issue
from layout.pages.cjk import CJKParagraph
from layout.pages.fit import fit, locate, scaled, wrapped
from layout.pages.typeset import Typesetter

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

    def draw(self, canvas, typesetter: Typesetter, folio: str, mirrored: bool = False) -> None:
        """``mirrored`` (a verso in print): the folio at the left, the outside edge, and the
        copyright flush right."""
        ts = self.typesetter
        page = ts.style.page
        right = page.width.pt() - page.margin_right.pt()
        canvas.saveState()
        if self.rule_y is not None:
            set_stroke(canvas, ts.style.color(ts.text_style("footer").color))
            canvas.setLineWidth(page.footer_rule.pt())
            canvas.line(self.x, self.rule_y, right, self.rule_y)
        if mirrored:
            widest = max(line.width for line in self.copyright._lines)
            self.copyright.drawOn(canvas, right - widest, self.bottom)
            ts.draw_line(canvas, self.x, page.footer_baseline.pt(), folio, "footer", align="left")
        else:
            self.copyright.drawOn(canvas, self.x, self.bottom)
            ts.draw_line(canvas, right, page.footer_baseline.pt(), folio, "footer", align="right")
        canvas.restoreState()


def plan_footer(typesetter: Typesetter, issue: Issue) -> FooterPlan:
    style = typesetter.style
    page = style.page
    left, right = page.margin_left.pt(), page.width.pt() - page.margin_right.pt()
    baseline = page.footer_baseline.pt()
    text = issue.edition.copyright

    def attempt(scale: float) -> FooterPlan | None:
        ts = scaled(typesetter, ["footer"], scale)
        size = ts.size("footer")
        folios = [*WIDEST_FOLIOS, style.wording.body_folio.format(n=8888)]
        reserve = max(ts.width(folio, "footer") for folio in folios) + size
        para = wrapped(ts, text, "footer", right - left - reserve)
        leading = para.leading
        first = baseline + (para.line_count - 1) * leading
        rule_y = first + page.footer_rule_gap.pt() if page.footer_rule.pt() else None
        top = max(first + size, rule_y + page.footer_rule.pt() / 2 if rule_y is not None else 0.0)
        if para.line_count > 1 and top > page.margin_bottom.pt():
            return None
        # The last baseline on ``baseline``: it sits ``leading - fontSize`` above the bottom.
        return FooterPlan(ts, para, left, baseline - leading + para.fontSize, rule_y)

    plan = fit(attempt, MIN_SCALE)
    if plan is None:
        size = typesetter.size("footer") * MIN_SCALE
        raise InputError([Problem(locate(issue, "edition.copyright"), f"{len(text)} characters do not fit in the "
                                  f"footer below the type area even at {size:.1f}pt; shorten it",
                                  "edition.copyright")])
    return plan
