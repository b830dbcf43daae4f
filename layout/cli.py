"""``briefing``: the command line. The only module that prints.

    briefing build issues/2021-10.yaml [-o output/2021-10.pdf] [--style NAME|PATH]
    briefing validate issues/2021-10.yaml [--style NAME|PATH]

Exit codes: 0 ok, 1 input error (each printed as file:line:col: …), 2 usage,
70 internal error (rerun with --traceback and report it).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from layout import __version__
from layout.build import build_edition, default_output, prepare
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
    validate = commands.add_parser("validate", help="check an edition (schema, style, fonts, characters) without building")
    validate.add_argument("edition", type=Path)
    validate.add_argument("--style")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return ExitCode.OK if exc.code == 0 else ExitCode.USAGE
    try:
        if args.command == "build":
            output = args.output or default_output(args.edition)
            prepared, rendered = build_edition(args.edition, output, args.style)
            seconds = sum(prepared.timings.values())
            print(f"wrote {output} ({rendered.pages} pages, {rendered.passes} passes, {seconds:.1f} s)")
        else:
            prepare(args.edition, args.style)
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
        return ExitCode.INPUT_ERROR
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if args.traceback:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in briefing, not in your files. Rerun with --traceback and send the output "
              "with the edition to the maintainers.", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR
