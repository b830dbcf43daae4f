"""The parts of an edition as page templates and flowables: cover, TOC, body, back page."""
