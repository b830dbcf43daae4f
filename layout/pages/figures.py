"""Figures → one flowable each: the image at its placed size, its caption below.

``layout.images`` decides the size (the file's resolution, shrunk to the frame's width
and its height less the caption) and the pixels (what the PDF variant allows); this
module draws them, and ``figure_notices`` says, before layout, which figures will print
soft and which were converted.
"""

from __future__ import annotations

import math

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from layout import model
from layout.errors import Problem, note, warning
from layout.images import (LOW_PPI, ImageInfo, ImagePolicy, conversion, effective_ppi, inspect_image, pdf_image,
                           placed_size)
from layout.pages.typeset import Typesetter

PRINT_PPI = 300.0
"""The print variant wants at least this at the placed size (a press's 150 lpi screen, twice over)."""
SLACK = 1.0
"""Points kept free below a figure as tall as the frame, against rounding at its edge."""
MIN_SIZE_MM = 15.0
"""A figure whose longer side prints shorter than this gets a warning: too small to read."""
RESERVE_LINES = 3
"""Body lines' height a figure leaves free below itself on its page: the lines after it
can follow on that page, rather than stand alone there before a chapter's page break."""
MIN_SHRINK = 0.8
"""A figure that does not fit the rest of a page is set up to 20% smaller to stay there
(the heading or paragraph above it keeps its figure); smaller than that, it moves on."""


def figure(typesetter: Typesetter, block: model.Figure) -> FigureFlowable:
    caption = typesetter.make_paragraph(block.caption, "caption") if block.caption else None
    body = typesetter.text_style("body")
    reserve = RESERVE_LINES * body.leading.pt(body.size.pt())
    return FigureFlowable(inspect_image(block.path), typesetter.images, frame_height(typesetter), caption, reserve)


def frame_height(typesetter: Typesetter) -> float:
    page = typesetter.style.page
    return page.height.pt() - page.margin_top.pt() - page.margin_bottom.pt()


def frame_width(typesetter: Typesetter) -> float:
    page = typesetter.style.page
    return page.width.pt() - page.margin_left.pt() - page.margin_right.pt()


class FigureFlowable(Flowable):
    """The image centred at ``placed_size`` for the width offered and the frame's height
    less the caption, the caption below it: one block that moves to the next page whole.
    (One flowable, not a KeepTogether: it works inside any container, the closing page's
    too.) Only a caption taller than the frame parts them. Where the rest of a page is a
    little short, it is shrunk to fit (``MIN_SHRINK``)."""

    def __init__(self, info: ImageInfo, policy: ImagePolicy, frame_height: float, caption: Flowable | None,
                 reserve: float = 0.0):
        super().__init__()
        self.info, self.policy, self.frame_height, self.caption = info, policy, frame_height, caption
        self.reserve = reserve
        self.draw_width = self.draw_height = self.caption_height = self.gap = 0.0

    def wrap(self, avail_width, avail_height):
        room = self.frame_height - self.reserve - SLACK
        if self.caption is not None:
            self.caption_height = self.caption.wrap(avail_width, self.frame_height)[1]
            self.gap = self.caption.getSpaceBefore()
            room -= self.caption_height + self.gap + self.caption.getSpaceAfter()
        self.draw_width, self.draw_height = placed_size(self.info, avail_width, room)
        self.width = avail_width
        self.height = self.draw_height + (self.gap + self.caption_height if self.caption is not None else 0.0)
        return self.width, self.height

    def getSpaceAfter(self):  # noqa: N802 - ReportLab's name
        return self.caption.getSpaceAfter() if self.caption is not None else 0.0

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        if self.caption is not None and self.height > self.frame_height:  # a caption longer than a page
            alone = FigureFlowable(self.info, self.policy, self.frame_height, None, self.reserve)
            return [alone, self.caption] if alone.wrap(avail_width, avail_height)[1] <= avail_height else []
        # A little smaller here rather than a heading or a paragraph left alone above a gap.
        smaller = FigureFlowable(self.info, self.policy, min(avail_height, self.frame_height), self.caption,
                                 self.reserve)
        smaller.wrap(avail_width, avail_height)
        if smaller.height <= avail_height and smaller.draw_height >= MIN_SHRINK * self.draw_height:
            return [smaller]
        return []  # whole on the next page

    def draw(self):
        # Decoded afresh in each layout pass and dropped once drawn: forty figures held
        # decoded at once would take the memory of forty full-page bitmaps.
        source = pdf_image(self.info, self.policy, (self.draw_width, self.draw_height))
        reader = source if isinstance(source, str) else ImageReader(
            source.convert("RGBA") if getattr(source, "mode", "") == "LA" else source)
        alpha = getattr(source, "mode", "") in ("RGBA", "LA")
        self.canv.drawImage(reader, (self.width - self.draw_width) / 2, self.height - self.draw_height,
                            self.draw_width, self.draw_height, mask="auto" if alpha else None)
        if self.caption is not None:
            self.caption.drawOn(self.canv, 0, 0)


def figure_notices(typesetter: Typesetter, issue: model.Issue, printing: bool = False,
                   allow_low_res: bool = False) -> list[Problem]:
    """A warning for each figure that prints below LOW_PPI where it is placed, or so small
    (under MIN_SIZE_MM on its longer side) that it cannot be read; a note for each whose
    pixels the PDF variant makes us convert. For ``printing`` (the print variant), below
    PRINT_PPI is a warning and below LOW_PPI an error, a warning with ``allow_low_res``."""
    bodies = [(f"chapters[{c}].articles[{a}].body", article.blocks)
              for c, chapter in enumerate(issue.chapters) for a, article in enumerate(chapter.articles)]
    bodies += [("back_page.text", issue.back_page.blocks)] if issue.back_page else []
    notices = []
    for key_path, block in ((key, b) for key, blocks in bodies for b in blocks if isinstance(b, model.Figure)):
        placed = figure(typesetter, block)
        placed.wrap(frame_width(typesetter), placed.frame_height)
        name, width, height = block.path.name, placed.draw_width, placed.draw_height
        ppi = effective_ppi(placed.info, width, height)
        size = f"{width / 72 * 25.4:.0f} × {height / 72 * 25.4:.0f} mm"
        if printing and ppi < PRINT_PPI:
            need = math.ceil(width / 72 * PRINT_PPI)
            low = ppi < LOW_PPI
            what = (f"figure '{name}' prints at {ppi:.0f} ppi ({size}), below {PRINT_PPI:.0f}, and will look "
                    f"soft in print; use a file at least {need} px wide")
            if low and not allow_low_res:
                notices.append(Problem(block.location, f"{what} (under {LOW_PPI:.0f} ppi is refused for print; "
                                       "--allow-low-res prints it anyway)", key_path))
            else:
                notices.append(warning(block.location, what, key_path))
        elif ppi < LOW_PPI:
            need = math.ceil(width / 72 * LOW_PPI)
            notices.append(warning(block.location, f"figure '{name}' prints at {ppi:.0f} ppi ({size}), below "
                                   f"{LOW_PPI:.0f}, and will look soft in print; use a file at least {need} px "
                                   "wide", key_path))
        elif max(width, height) / 72 * 25.4 < MIN_SIZE_MM:
            notices.append(warning(block.location, f"figure '{name}' is {placed.info.width} × "
                                   f"{placed.info.height} px and prints {size} at {ppi:.0f} ppi, too small to "
                                   "read; use a larger image, or record a lower resolution in the file",
                                   key_path))
        done = conversion(placed.info, typesetter.images)
        if done:
            keep = ("to keep it, build with --pdf-a 2b" if "transparency" in done and "CMYK" not in done
                    else "to choose the colours yourself, export the image as sRGB")
            notices.append(note(block.location, f"figure '{name}': {done} for {typesetter.images.variant}; "
                                f"{keep}", key_path))
    return notices
