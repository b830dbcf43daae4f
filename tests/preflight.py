"""Apache PDFBox Preflight on every PDF/A-1b the suite builds, in the background.

``conftest.build`` hands each PDF/A-1b it wrote to ``SWEEP.submit``: a copy of the bytes as built
is queued, and a thread validates the queue in batches, one JVM per batch (Validator_A1b's
``xml group`` mode: one verdict per file, in list order), while the tests go on. Java is
another process, so its time overlaps the tests'; one warm JVM for several PDFs (with
layout.check.JAVA_OPTIONS but its heap bound) costs a fraction of a JVM per PDF.
``SWEEP.verdicts()`` waits for the queue and returns every verdict so far. Under pytest-xdist every worker has its own sweep of what it built.

``remember_check_rows`` makes ``briefing check``'s Preflight row, in the tests, run Preflight
once per distinct file content: the same bytes checked again get the row's own earlier result
(Preflight is deterministic), and the sweep takes a pass from it instead of a JVM of its own.
"""

from __future__ import annotations

import functools
import hashlib
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from layout.check import preflight_command

ROWS: dict[tuple, object] = {}
"""(sha256 of the file, BRIEFING_REQUIRE_PREFLIGHT, the Java command) → the CheckResult check's
row gave it. A test that changes the command (its Java options) or the environment gets a run."""


def _key(path: Path) -> tuple | None:
    from layout import check

    command = check.preflight_command(Path(path))
    if command is None:
        return None
    return (hashlib.sha256(Path(path).read_bytes()).hexdigest(), os.environ.get(check.REQUIRE_PREFLIGHT),
            tuple(command[:-1]))


def remember_check_rows() -> None:
    """Wrap layout.check's Preflight row (in CHECKS and by name) with a memo by file content;
    ``start_preflight`` (check_pdf starts Java before its other rows) gives a remembered row
    instead of starting Java again.

    Only results of a real Preflight run are kept: with Java missing (or made missing by a
    test), the row runs as it is."""
    from layout import check

    row = getattr(check, "check_pdfa_preflight", None)
    if row is None or row not in getattr(check, "CHECKS", ()) or getattr(row, "remembers", False):
        return

    def key_of(view) -> tuple | None:
        path = getattr(view, "path", None)
        return _key(path) if path is not None and Path(path).is_file() else None

    @functools.wraps(row)
    def remembered(view):
        key = key_of(view)
        if key is None:
            return row(view)
        if key not in ROWS:
            ROWS[key] = row(view)
        else:  # a Java that check_pdf started anyway is not waited for
            view_jobs = getattr(view, "background", {})
            started = view_jobs.pop("preflight", None) if isinstance(view_jobs, dict) else None
            if isinstance(started, subprocess.Popen):
                started.kill()
                started.communicate()
        return ROWS[key]

    remembered.remembers = True
    check.CHECKS = tuple(remembered if entry is row else entry for entry in check.CHECKS)
    check.check_pdfa_preflight = remembered
    start = getattr(check, "start_preflight", None)
    if start is not None:
        @functools.wraps(start)
        def start_remembered(view):
            key = key_of(view)
            return ROWS[key] if key is not None and key in ROWS else start(view)

        check.start_preflight = start_remembered


@dataclass
class Verdict:
    path: Path
    """The PDF as the test named it (its bytes were copied when it was built)."""
    valid: bool
    detail: str
    expect_valid: bool = True


class Sweep:
    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Path, Path, bool]] = queue.Queue()
        self._verdicts: list[Verdict] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._folder: Path | None = None
        self._count = 0
        self.reported = 0
        """How many verdicts a test has already asserted (the rest are asserted at session end)."""

    @staticmethod
    def available() -> bool:
        return preflight_command(Path("x.pdf")) is not None

    def submit(self, path: Path, expect_valid: bool = True) -> None:
        """Queue the bytes ``path`` holds now; ``expect_valid=False`` for a PDF Preflight must reject."""
        if not self.available():
            return
        earlier = ROWS.get(_key(path))  # (not None: available() above)
        if expect_valid and getattr(earlier, "status", None) == "pass":
            with self._lock:
                self._verdicts.append(Verdict(path, True, "passed check's Preflight row (the same bytes)"))
            return
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="briefing-preflight-"))
            self._count += 1
            copy = self._folder / f"{self._count:05d}.pdf"
            shutil.copyfile(path, copy)
            self._queue.put((path, copy, expect_valid))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="preflight", daemon=True)
                self._thread.start()

    def verdicts(self) -> list[Verdict]:
        """Every verdict of what was submitted so far (waits for the queue)."""
        self._queue.join()
        with self._lock:
            return list(self._verdicts)

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _work(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                found = self._validate(batch)
            except Exception as error:  # noqa: BLE001 (a verdict, not a lost thread)
                found = [Verdict(path, False, f"Preflight did not run: {error!r}", expect)
                         for path, _, expect in batch]
            with self._lock:
                self._verdicts.extend(found)
            for _ in batch:
                self._queue.task_done()

    def _validate(self, batch: list[tuple[Path, Path, bool]]) -> list[Verdict]:
        listing = batch[0][1].with_suffix(".list")
        listing.write_text("".join(f"{copy}\n" for _, copy, _ in batch), "utf-8")
        command = preflight_command(listing)
        # [options, -cp, jars]; then the class and the file. No heap bound: one JVM, many files.
        java, rest = command[0], [arg for arg in command[1:-2] if not arg.startswith("-Xmx")]
        # An environment of its own: the tests change os.environ (monkeypatch) while this thread
        # starts Java, and a child started from the process's live environ then can fail with
        # EFAULT ("Bad address") as the environ array is rebuilt under it.
        run = subprocess.run([java, *rest, command[-2], "xml", "group", str(listing)], env=dict(os.environ),
                             capture_output=True, text=True, timeout=120 + 30 * len(batch), check=False)
        report = Path(f"{listing}.preflight.xml")
        results = ET.parse(report).getroot().findall("preflight") if report.is_file() else []
        verdicts = []
        for index, (path, copy, expect) in enumerate(batch):
            result = results[index] if index < len(results) else None
            if result is None or result.get("name") != copy.name:
                output = (run.stdout + run.stderr).strip()[-300:]
                verdicts.append(Verdict(path, False, f"no verdict (exit {run.returncode}): {output}", expect))
                continue
            valid = (result.findtext("isValid") or "").strip() == "true"
            errors = [f"{error.findtext('code')} {error.findtext('details')}" for error in result.iter("error")]
            verdicts.append(Verdict(path, valid, "; ".join(errors[:3]), expect))
        return verdicts


SWEEP = Sweep()
