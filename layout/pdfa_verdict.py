"""pikepdf's PDF/A validator on one file, as the plain data ``check``'s row reads.

``briefing check`` runs it as a process of its own (``python -m layout.pdfa_verdict FILE
FLAVOUR`` prints the verdict as JSON), started before the audit and collected after it; a row
run alone calls ``verdict`` in turn. Importing this module imports nothing of the stages.
"""

from __future__ import annotations

import json
import sys


def verdict(path: str, flavour: str) -> dict:
    """Passed or not, how many violations, where the unsupported findings are, the first three."""
    import pikepdf.pdfa  # noqa: PLC0415 - 0.15 s: only where a file is validated

    report = pikepdf.pdfa.validate_written(path, flavour)
    return {"passed": report.passed, "violations": len(report.violations),
            "unsupported": [finding.where for finding in report.unsupported],
            "findings": [str(finding) for finding in report.findings[:3]]}


if __name__ == "__main__":
    print(json.dumps(verdict(sys.argv[1], sys.argv[2])))
