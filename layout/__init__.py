"""Typesets a Chinese monthly policy briefing from YAML into a print-ready PDF.

The pipeline, one module per stage::

    issues/<edition>.yaml ─load_issue→ Issue
        ─(load_style, register_fonts, check_coverage)→ build_story → flowables
        ─render_pdf (dry layout passes, one drawn)→ PDF bytes ─make_archival→ output/<edition>.pdf

``layout.build.build_edition`` wires the stages together.
"""

__version__ = "0.1.0"
