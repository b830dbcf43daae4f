"""The cover: drawn straight onto the first page (no folio, no footer).

Two blocks on the type area's width: the title and issue label hang from ``title_top``
(the title's first baseline), the publisher lines stand on ``meta_bottom`` (the last
baseline). Every text wraps with the Chinese line breaker; what is too tall to leave a
line's space between the blocks is set smaller, the title and issue label down to
``MIN_TITLE_SCALE`` of their size and the publisher lines to ``MIN_META_SCALE``. A text
that fits at none of these sizes is refused at its line in the edition.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.colour import set_fill, set_stroke
from layout.errors import InputError, Problem
from layout.model import Edition, Issue
from layout.pages.cjk import CJKParagraph
from layout.pages.fit import fit, locate, scaled, wrapped
from layout.pages.typeset import Typesetter

MIN_TITLE_SCALE = 0.5
MIN_META_SCALE = 0.75


def edition_date(typesetter: Typesetter, edition: Edition) -> str:
    return typesetter.style.wording.date.format(year=edition.year, month=edition.month, day=edition.day or "")


@dataclass
class CoverPlan:
    """Where everything on the cover goes: (paragraph, x, bottom y) and the rule's y."""

    placed: list[tuple[CJKParagraph, float, float]]
    rule_y: float | None


def plan_cover(typesetter: Typesetter, issue: Issue) -> CoverPlan:
    """Fit the cover's texts (see the module's docstring); InputError if they cannot fit."""
    edition = issue.edition
    style = typesetter.style
    page = style.page
    left, right = page.margin_left.pt(), page.width.pt() - page.margin_right.pt()
    heads = [(edition.title, "cover_title", "edition.title"),
             (style.wording.cover_issue_label.format(issue_label=edition.issue_label), "cover_issue",
              "edition.issue_label")]
    metas = [(text, key) for text, key in ((edition.publisher, "edition.publisher"),
                                           (edition.department, "edition.department"),
                                           (edition_date(typesetter, edition), "edition.date")) if text]

    def meta_block(scale: float):
        ts = scaled(typesetter, ["cover_meta"], scale)
        paras = [wrapped(ts, text, "cover_meta", right - left) for text, _ in metas]
        leading = ts.text_style("cover_meta").leading.pt(ts.size("cover_meta"))
        lines = sum(p.line_count for p in paras)
        top = style.cover.meta_bottom.pt() + leading * (lines - 1) + ts.size("cover_meta")
        return ts, paras, leading, top

    def attempt(meta_scale: float, head_scale: float, title: str = edition.title):
        ts_meta, metas_wrapped, meta_leading, meta_top = meta_block(meta_scale)
        ts = scaled(typesetter, ["cover_title", "cover_issue"], head_scale)
        placed, y = [], page.height.pt() - style.cover.title_top.pt()
        for index, (text, role, _) in enumerate([(title, *heads[0][1:]), heads[1]]):
            para = wrapped(ts, text, role, right - left)
            if index:
                y -= para.spaceBefore
            # The first baseline at y: it sits fontSize below the paragraph's top.
            placed.append((para, left, y + para.fontSize - para.height))
            y -= para.height
        rule_y = None
        if style.cover.rule_width.pt():
            y -= style.cover.rule_width.pt() + ts.size("cover_issue")
            rule_y = y
        lowest = y - (style.cover.rule_width.pt() if rule_y is not None else 0.0)
        if lowest - meta_leading < meta_top:
            return None
        baseline = style.cover.meta_bottom.pt() + meta_leading * (sum(p.line_count for p in metas_wrapped) - 1)
        for para in metas_wrapped:
            # First baseline at ``baseline``; the block's lines step down by the leading.
            placed.append((para, left, baseline + para.fontSize - para.height))
            baseline -= para.height
        return CoverPlan(placed, rule_y)

    plan = fit(lambda scale: fit(lambda head: attempt(scale, head), MIN_TITLE_SCALE), MIN_META_SCALE)
    if plan is not None:
        return plan
    # Nothing fits: blame the publisher lines if they alone fill the lower half, else the heads.
    _, _, _, meta_top = meta_block(MIN_META_SCALE)
    if meta_top > page.height.pt() / 2:
        text, key = max(metas, key=lambda item: len(item[0]))
        what = "publisher lines"
    else:
        text, _, key = max(heads, key=lambda item: len(item[0]))
        what = "title and issue label"
    role = "cover_meta" if what == "publisher lines" else "cover_title"
    least = MIN_META_SCALE if what == "publisher lines" else MIN_TITLE_SCALE
    size = typesetter.size(role) * least
    advice = "shorten it"
    if key == "edition.title":
        low, high = 0, len(text)  # the longest title that fits with these publisher lines
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if attempt(MIN_META_SCALE, MIN_TITLE_SCALE, text[:middle]) else (low, middle - 1)
        advice = f"shorten it to at most {low} characters"
    raise InputError([Problem(locate(issue, key), f"{len(text)} characters: the cover's {what} do not fit "
                              f"on the page even at {size:.1f}pt; {advice}", key)])


def draw_cover(canvas, typesetter: Typesetter, plan: CoverPlan, bleed: float = 0.0) -> None:
    """``bleed`` (print): the band runs that far beyond the page's top and sides."""
    style = typesetter.style
    page, cover = style.page, style.cover
    width, height = page.width.pt(), page.height.pt()
    canvas.saveState()
    if cover.band_height.pt():
        set_fill(canvas, style.color(cover.band_color))
        canvas.rect(0.0 - bleed, height - cover.band_height.pt(), width + 2 * bleed, cover.band_height.pt() + bleed,
                    stroke=0, fill=1)
    for para, x, y in plan.placed:
        para.drawOn(canvas, x, y)
    if plan.rule_y is not None:
        set_stroke(canvas, style.color(cover.rule_color))
        canvas.setLineWidth(cover.rule_width.pt())
        canvas.line(width / 2 - cover.rule_length.pt() / 2, plan.rule_y,
                    width / 2 + cover.rule_length.pt() / 2, plan.rule_y)
    canvas.restoreState()
