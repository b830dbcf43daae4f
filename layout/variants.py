"""The ``--pdf-a`` variants: a table, not an ``if`` chain (``layout.archival`` finishes each).

Apart from ``layout.archival`` so that the command line can offer them without importing
pikepdf and ReportLab (``briefing build --all`` with nothing to do starts in milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    flavour: str | None
    """pikepdf's PDF/A flavour ('1b', '2b'), or None for a plain PDF."""
    description: str


VARIANTS = {
    "1b": Variant("1b", "PDF/A-1b (ISO 19005-1 = GB/T 23286.1), level B"),
    "2b": Variant("2b", "PDF/A-2b (ISO 19005-2), level B"),
    "none": Variant(None, "plain PDF 1.4, no PDF/A declaration"),
}
DEFAULT_VARIANT = "1b"
