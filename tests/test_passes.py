"""layout.document.lay_out: dry layout passes until only the TOC is left to draw, then a drawing
pass; a participant still unsettled after drawing sends it back to lay out (and draw) again."""

from __future__ import annotations

import io

import pytest
from layout.document import DryCanvas, LayoutError, lay_out
from layout.pages.toc import TableOfContents
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer


class Participant(Flowable):
    """An indexing flowable satisfied on the passes listed in ``verdicts`` (by pass number)."""

    def __init__(self, document: BaseDocTemplate, verdicts: list[bool]):
        Flowable.__init__(self)  # not the TOC's, which wants a typesetter
        self.document, self.verdicts, self.canvases = document, list(verdicts), []
        self.width = self.height = 0

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        pass

    def isIndexing(self):
        return True

    def beforeBuild(self):
        pass

    def afterBuild(self):
        self.canvases.append("dry" if isinstance(self.document.canv, DryCanvas) else "draw")

    def isSatisfied(self):
        return self.verdicts[len(self.canvases) - 1]


class TocParticipant(Participant, TableOfContents):
    """The same, counted as the table of contents (whose entries never move the body)."""


def document() -> BaseDocTemplate:
    doc = BaseDocTemplate(io.BytesIO())
    doc.addPageTemplates([PageTemplate("page", [Frame(72, 72, 400, 600)])])
    return doc


@pytest.mark.parametrize("kind, verdicts, expected", [
    (TocParticipant, [False, True], ["dry", "draw"]),  # the usual TOC: collect, then draw
    (TocParticipant, [False, False, True], ["dry", "draw", "draw"]),  # drew, still unsettled: again
    (Participant, [False, False, True, True], ["dry", "dry", "dry", "draw"]),  # page fill: dry until settled
    (Participant, [True, True], ["dry", "draw"]),
])
def test_passes(kind, verdicts, expected):
    doc = document()
    participant = kind(doc, verdicts)
    assert lay_out(doc, [participant, Spacer(10, 10)]) == len(expected)
    assert participant.canvases == expected


def test_passes_that_never_settle_are_a_bug_not_a_hang():
    doc = document()
    with pytest.raises(LayoutError):
        lay_out(doc, [Participant(doc, [False] * 20), Spacer(10, 10)], max_passes=5)
