"""``briefing``: the command line. The only module that prints.

    briefing build issues/2021-10.yaml [-o output/2021-10.pdf] [--style NAME|PATH]
    briefing validate issues/2021-10.yaml [--style NAME|PATH]
    briefing check output/2021-10.pdf [--json]

Exit codes: 0 ok, 1 input error (each printed as file:line:col: …) or a failed check,
2 usage, 70 internal error (rerun with --traceback and report it), 130 interrupted
(Ctrl-C or SIGTERM; nothing written).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
import traceback
import unicodedata
from pathlib import Path

from layout import __version__
from layout.archival import DEFAULT_VARIANT, VARIANTS
from layout.build import build_edition, default_output, prepare
from layout.check import CheckResult, check_pdf
from layout.errors import BriefingError, ExitCode, InputError


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="Typeset a briefing edition from YAML to PDF.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the Python traceback of internal errors")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the PDF of an edition")
    build.add_argument("edition", type=Path, help="issues/<edition>.yaml")
    build.add_argument("-o", "--output", type=Path, help="PDF to write (default: output/<edition>.pdf)")
    build.add_argument("--style", help="style name (styles/<name>.yaml) or path; overrides edition.style")
    build.add_argument("--pdf-a", choices=list(VARIANTS), default=DEFAULT_VARIANT, dest="pdf_a",
                       help=f"archival conformance (default {DEFAULT_VARIANT}); 'none' for a plain PDF")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    validate = commands.add_parser("validate", help="check an edition (schema, style, fonts, characters) without building")
    validate.add_argument("edition", type=Path)
    validate.add_argument("--style")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check = commands.add_parser("check", help="audit a built PDF: PDF/A, fonts, metadata, TOC, footers, links")
    check.add_argument("pdf", type=Path)
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--style", type=Path, help="style file the PDF was built with (its type area); "
                       "default: the house style")
    return parser


def print_checks(results: list[CheckResult], as_json: bool) -> None:
    if as_json:
        print(json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2))
        return
    width = max(_display_width(r.name) for r in results)
    for r in results:
        print(f"{r.status.upper():<4}  {r.name}{' ' * (width - _display_width(r.name))}  {r.detail}")
    failed = sum(r.failed for r in results)
    skipped = sum(r.status == "skip" for r in results)
    print(f"{len(results) - failed - skipped} passed, {failed} failed, {skipped} skipped")


def print_warnings(warnings: list) -> None:
    """Each warning on its own line (stderr), then how many; nothing when there are none."""
    for problem in warnings:
        print(problem, file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''} (--strict makes them errors)",
              file=sys.stderr)


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _interrupt(signum, frame):
    """SIGTERM ends a build like Ctrl-C does: the temporary file is removed, nothing written."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if in_main_thread else None
    try:
        return _run(argv)
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str] | None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return ExitCode.OK if exc.code == 0 else ExitCode.USAGE
    try:
        if args.command == "build":
            output = args.output or default_output(args.edition)
            prepared, rendered = build_edition(args.edition, output, args.style, args.pdf_a, args.strict)
            print_warnings(prepared.warnings)
            seconds = sum(prepared.timings.values())
            print(f"wrote {output} ({rendered.pages} pages, {rendered.passes} passes, {seconds:.1f} s)")
        elif args.command == "check":
            if not args.pdf.is_file():
                print(f"{args.pdf}: no such file", file=sys.stderr)
                return ExitCode.USAGE
            results = check_pdf(args.pdf, args.style)
            print_checks(results, args.json)
            return ExitCode.CHECK_FAILED if any(r.failed for r in results) else ExitCode.OK
        else:
            print_warnings(prepare(args.edition, args.style, args.strict).warnings)
            print(f"{args.edition}: ok")
        return ExitCode.OK
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count > 1 else ''}; nothing was written", file=sys.stderr)
        return ExitCode.INPUT_ERROR
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.INPUT_ERROR
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if args.traceback:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in briefing, not in your files. Rerun with --traceback and send the output "
              "with the edition to the maintainers.", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR
