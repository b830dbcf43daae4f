"""Text in a fixed space (the cover, the footer): wrap it, then shrink it within limits.

Pages drawn straight onto the canvas have no frame to flow into: a long title or
copyright must be fitted into the room the design leaves it. ``fit_paragraphs`` wraps
the texts with the Chinese line breaker at the style's sizes and, where they are too
tall, sets them smaller in steps down to ``min_scale`` of the style's size (leading in
proportion). What still does not fit is the caller's to refuse, at the text's line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from layout.errors import Location
from layout.model import Issue
from layout.pages.cjk import CJKParagraph
from layout.pages.typeset import Typesetter
from layout.styles import Length

SCALE_STEP = 0.05


def scaled(typesetter: Typesetter, roles: Sequence[str], scale: float) -> Typesetter:
    """A typesetter whose ``roles`` are set at ``scale`` times their size and leading."""
    if scale == 1.0:
        return typesetter
    text = typesetter.style.text
    changes = {}
    for role in roles:
        role_style = getattr(text, role)
        size = role_style.size.pt()
        changes[role] = dataclasses.replace(role_style, size=Length(size * scale, "pt"),
                                            leading=Length(role_style.leading.pt(size) * scale, "pt"))
    style = dataclasses.replace(typesetter.style, text=dataclasses.replace(text, **changes))
    return Typesetter(style, typesetter.fonts)


def scales(min_scale: float) -> list[float]:
    """1.0, 0.95, … down to ``min_scale``: the sizes tried, largest first."""
    steps = int(round((1.0 - min_scale) / SCALE_STEP))
    return [round(1.0 - i * SCALE_STEP, 4) for i in range(steps + 1)]


def fit(attempt: Callable[[float], object | None], min_scale: float) -> object | None:
    """The first result of ``attempt(scale)`` that is not None, trying the largest scale first."""
    for scale in scales(min_scale):
        result = attempt(scale)
        if result is not None:
            return result
    return None


def wrapped(typesetter: Typesetter, text: str, role: str, width: float) -> CJKParagraph:
    para = typesetter.make_paragraph(text, role, firstLineIndent=0)
    para.wrap(width, 1e9)
    return para


def locate(issue: Issue, key_path: str) -> Location:
    """Where the text at ``key_path`` (``edition.title``) starts in the edition file."""
    for _, where, path in issue.texts:
        if path == key_path:
            return where
    return Location(issue.path)
