"""The print variant and imposition, for the press and the office print room.

``variant``: what ``briefing build --print`` (or ``print: true`` in a style) changes: a
TrimBox equal to the page, a 3 mm BleedBox, the MediaBox grown to hold crop marks drawn
outside the bleed, the cover band run into the bleed, chapters (and the table of contents)
starting on a recto with unnumbered blank versos where needed, folios and footers on the
outside edge, and the page count padded with blank pages to a multiple of 4.

``impose``: ``briefing impose FILE.pdf``: a saddle-stitch booklet, A4 pages two-up on A3
sheets in booklet order.
"""
