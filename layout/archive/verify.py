"""``briefing verify``: every drift between a publication folder and its manifest.

Reads every byte again (no hash cache: a file touched back to its old size and time is
still caught) and names, per edition:

- a PDF changed after archiving (its sha256 is not the manifest's);
- a PDF missing;
- an input (the YAML, a style, a figure, a font) changed or gone without a rebuild;
- an edition in ``issues/`` never built, or a manifest entry whose YAML is gone;
- with ``rebuild``: a rebuild (in a temporary folder, with the options of the recorded build)
  that is not byte-identical to the archived PDF.

Versions that differ from the build's (program, libraries) are notes, not drift: the archive
is still what was published, but a rebuild may differ.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from layout.archive.hashes import HashCache, input_name, input_path, sha256_file, versions
from layout.archive.incremental import editions_in
from layout.archive.manifest import manifest_path, read_manifest
from layout.errors import BriefingError, InputError


@dataclass(frozen=True)
class Finding:
    edition: str
    message: str
    drift: bool = True
    """False for a note (versions differ): printed, not failing."""


def _short(digest: str | None) -> str:
    return (digest or "none")[:12]


def verify(publication: Path, rebuild: bool = False, jobs: int | None = None) -> list[Finding]:
    manifest = read_manifest(publication)
    findings: list[Finding] = []
    if not manifest and not manifest_path(publication).exists():
        return [Finding("", f"{manifest_path(publication)}: no manifest; run briefing build --all first")]
    editions = {path.stem: path for path in editions_in(publication)}
    current = versions(HashCache(None))
    for key in sorted(set(editions) | set(manifest)):
        entry = manifest.get(key)
        if entry is None:
            findings.append(Finding(key, f"{input_name(editions[key], publication)}: never built; run "
                                         "briefing build --all"))
            continue
        if key not in editions:
            findings.append(Finding(key, f"{entry.get('source')}: in the manifest, but the file is gone; restore it "
                                         "(the archive keeps what an edition was built from)"))
        findings += _check_entry(key, entry, publication)
        if entry.get("versions") != current:
            findings.append(Finding(key, f"{key}: built by other program or library versions than these; a "
                                         "rebuild may differ (briefing build --all rebuilds it)", drift=False))
    if rebuild:
        findings += _rebuilds(publication, manifest, editions, jobs)
    return findings


def _check_entry(key: str, entry: dict, publication: Path) -> list[Finding]:
    found = []
    pdf_name = entry.get("pdf", f"output/{key}.pdf")
    pdf = input_path(pdf_name, publication)
    if not pdf.exists():
        found.append(Finding(key, f"{pdf_name}: missing; restore it from a backup or run briefing build --all"))
    else:
        digest = sha256_file(pdf)
        if digest != entry.get("sha256"):
            found.append(Finding(key, f"{pdf_name}: changed after archiving (its sha256 is not the one the manifest "
                                      "records); restore the archived file, or rebuild it from its inputs with "
                                      "briefing build --all"))
    for name, recorded in sorted((entry.get("inputs") or {}).items()):
        path = input_path(name, publication)
        digest = sha256_file(path) if path.is_file() else None
        if digest is None:
            found.append(Finding(key, f"{name}: an input of {key} is gone since its build; restore it, or run "
                                      "briefing build --all"))
        elif digest != recorded:
            found.append(Finding(key, f"{name}: an input of {key} changed without a rebuild; run briefing build "
                                      "--all"))
    return found


def rebuild_digest(edition: Path, style: str | None, variant: str) -> tuple[str | None, str]:
    """(sha256 of a fresh build of ``edition`` in a temporary folder, or None; the problem)."""
    from layout.build import build_edition

    with tempfile.TemporaryDirectory(prefix="briefing-verify-") as folder:
        output = Path(folder) / f"{edition.stem}.pdf"
        try:
            build_edition(edition, output, style, variant)
        except InputError as exc:
            return None, "; ".join(str(problem) for problem in exc.problems[:3])
        except BriefingError as exc:
            return None, str(exc)
        return sha256_file(output), ""


def _rebuilds(publication: Path, manifest: dict, editions: dict[str, Path], jobs: int | None) -> list[Finding]:
    keys = [key for key in sorted(manifest) if key in editions]
    if not keys:
        return []
    arguments = [(editions[key], (manifest[key].get("options") or {}).get("style"),
                  (manifest[key].get("options") or {}).get("pdf_a", "1b")) for key in keys]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(keys) or 1))
    if jobs == 1:
        results = [rebuild_digest(*args) for args in arguments]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(rebuild_digest, *zip(*arguments, strict=True)))
    found = []
    for key, (digest, problem) in zip(keys, results, strict=True):
        recorded = manifest[key].get("sha256")
        if digest is None:
            found.append(Finding(key, f"{key}: does not rebuild: {problem}"))
        elif digest != recorded:
            found.append(Finding(key, f"{key}: a rebuild is not byte-identical to the archived PDF (sha256 "
                                      f"{_short(digest)}…, the manifest records {_short(recorded)}…)"))
    return found
