"""``briefing``: the command line. The only module that prints.

    briefing build EDITION.yaml [-o FILE.pdf] [--style NAME|PATH] [--pdf-a 1b|2b|none] [--print [--allow-low-res]]
                                [--strict] [--quiet] [--force]
    briefing validate EDITION.yaml [--style NAME|PATH] [--pdf-a …] [--print] [--strict]
    briefing check FILE.pdf [--json] [--style PATH] [--quiet]
    briefing styles [EDITION.yaml|FOLDER]
    briefing new YYYY-MM [--in PUBLICATION]
    briefing build --all [PUBLICATION] [--pdf-a …] [--strict] [--quiet] [--jobs N] [--force]
    briefing verify [PUBLICATION] [--rebuild]
    briefing sign FILE.pdf --key KEY.pem --cert CERT.pem [--visible] [-o SIGNED.pdf] [--timestamp-url URL]
    briefing volume YEAR [PUBLICATION] [-o FILE.pdf] [--style NAME|PATH] [--pdf-a …]
    briefing proof EDITION.yaml|FILE.pdf [--pages 1,5-7] [--dpi 110] [-o FOLDER]
    briefing impose FILE.pdf [-o BOOKLET.pdf]

Exit codes: 0 ok, 1 input error (each printed as file:line:col: …, or ``what; what to do``)
or a failed check, 2 usage, 70 internal error (rerun with --traceback and report it), 130
interrupted (Ctrl-C or SIGTERM; nothing written). Results go to stdout; errors, and progress
when stderr is a terminal (``--quiet`` silences it), go to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from layout import __version__
from layout.errors import BriefingError, ExitCode, InputError
from layout.publication import DEFAULT_STYLE, default_output, publication_folder, visible_styles
from layout.variants import DEFAULT_VARIANT, VARIANTS

if TYPE_CHECKING:
    from layout.check import CheckResult
    from layout.print.variant import PrintSetup

# The stages (layout.build, layout.check, layout.print: ReportLab and pikepdf) and the archive's
# tools are imported by the commands that use them: `briefing build` and `build --all` with
# nothing to do must not wait for them (layout.archive.freshness answers from the manifest).

PASSPHRASE_VARIABLE = "BRIEFING_KEY_PASSPHRASE"
"""Where ``sign`` reads the key's passphrase (never from the command line)."""
TIMESTAMP_VARIABLE = "BRIEFING_TIMESTAMP_URL"

SLOW_BUILD = 1.0
"""Seconds: a build slower than this says how long each stage took."""


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="Typeset a briefing edition from YAML to PDF.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the Python traceback of internal errors")
    commands = parser.add_subparsers(dest="command", required=True)
    style_help = (f"style name or .yaml path (default: the edition's style:, else {DEFAULT_STYLE}); a name is "
                  "looked up in the publication folder's styles/, then the built-in styles (see briefing styles)")
    pdf_a_help = f"archival conformance (default {DEFAULT_VARIANT}); 'none' for a plain PDF"
    quiet_help = "no progress (shown only when stderr is a terminal) and no stage times on stderr"
    build = commands.add_parser("build", help="build the PDF of an edition")
    build.add_argument("edition", type=Path, nargs="?",
                       help="the edition's .yaml file; with --all, the publication folder (default: the working "
                            "directory's, the nearest folder holding issues/)")
    build.add_argument("--all", action="store_true", dest="all",
                       help="build every edition in issues/ whose inputs changed since its last build")
    build.add_argument("-j", "--jobs", type=int, default=None, help="with --all: editions built at once "
                                                                    "(default: one per core)")
    build.add_argument("-o", "--output", type=Path,
                       help="PDF to write (default: output/<edition>.pdf in the publication folder: the "
                            "edition's folder, or its parent when the edition is in issues/)")
    build.add_argument("--style", help=style_help)
    build.add_argument("--pdf-a", choices=list(VARIANTS), default=DEFAULT_VARIANT, dest="pdf_a", help=pdf_a_help)
    build.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--force", action="store_true",
                       help="build even when the PDF is up to date (its inputs, options and the program "
                            "unchanged since output/manifest.json recorded it)")
    _print_options(build)
    validate = commands.add_parser("validate", help="run the whole build (layout, archival finishing and its "
                                                    "validation) without writing the PDF")
    validate.add_argument("edition", type=Path)
    validate.add_argument("--style", help=style_help)
    validate.add_argument("--pdf-a", choices=list(VARIANTS), default=DEFAULT_VARIANT, dest="pdf_a",
                          help=pdf_a_help)
    validate.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _print_options(validate)
    impose = commands.add_parser("impose", help="a saddle-stitch booklet: A4 pages two-up on A3 sheets")
    impose.add_argument("pdf", type=Path)
    impose.add_argument("-o", "--output", type=Path, help="the booklet (default: FILE-booklet.pdf beside FILE)")
    check = commands.add_parser("check", help="audit a built PDF: PDF/A, fonts, metadata, TOC, footers, links, "
                                              "typography; reads only the PDF")
    check.add_argument("pdf", type=Path)
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("--style", type=Path, help="style file whose type area and sizes replace those the "
                                                   "build recorded in the PDF (for PDFs made elsewhere)")
    check.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    new = commands.add_parser("new", help="start the next edition from the latest one in issues/")
    new.add_argument("edition_id", help="the new edition's id and file name, e.g. 2021-11")
    new.add_argument("--in", type=Path, dest="publication", default=None,
                     help="the publication folder (default: the working directory's, the nearest folder "
                          "holding issues/)")
    verify = commands.add_parser("verify", help="compare the publication's PDFs and inputs with "
                                                "output/manifest.json; exit 0 only when nothing drifted")
    verify.add_argument("publication", type=Path, nargs="?", default=None,
                        help="the publication folder (default: the working directory's)")
    verify.add_argument("--rebuild", action="store_true",
                        help="also rebuild every edition in a temporary folder and compare the bytes")
    verify.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    _add_sign_parser(commands)
    styles = commands.add_parser("styles", help="list the styles a name can reach, and where each comes from")
    styles.add_argument("where", type=Path, nargs="?", default=None,
                        help="an edition or a publication folder (default: the working directory)")
    volume = commands.add_parser("volume", help="bind every edition of a year into one PDF (cover, TOC, "
                                                "outline edition → chapter → article)")
    volume.add_argument("year", type=int, help="the year, e.g. 2021: binds issues/2021-*.yaml")
    volume.add_argument("publication", type=Path, nargs="?", default=Path("."),
                        help="the publication folder, or its issues/ (default: the working directory)")
    volume.add_argument("-o", "--output", type=Path, help="PDF to write (default: output/YEAR-volume.pdf)")
    volume.add_argument("--style", help=style_help.replace("the edition's", "the last edition's"))
    volume.add_argument("--pdf-a", choices=list(VARIANTS), default=DEFAULT_VARIANT, dest="pdf_a", help=pdf_a_help)
    volume.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    proof = commands.add_parser("proof", help="contact sheet and full-size PNGs of a PDF's pages, for proofing")
    proof.add_argument("source", type=Path, help="an edition's .yaml (its built PDF is proofed) or a PDF")
    proof.add_argument("--pages", help="pages to render full size, e.g. 1,5-7 (default: none)")
    proof.add_argument("--dpi", type=float, default=110, help="resolution of the full-size pages (default 110)")
    proof.add_argument("-o", "--output", type=Path, help="folder to write (default: beside the PDF, "
                                                         "<name>-proof/)")
    return parser


def _add_sign_parser(commands) -> None:
    sign = commands.add_parser("sign", help="add a PAdES signature with the publisher's key and certificate "
                                            "(needs pyHanko: pip install 'briefing-layout[sign]')")
    sign.add_argument("pdf", type=Path, help="the PDF briefing build wrote")
    sign.add_argument("--key", type=Path, required=True,
                      help=f"private key, PEM or DER; its passphrase from ${PASSPHRASE_VARIABLE}, else asked")
    sign.add_argument("--cert", type=Path, required=True,
                      help="the key's certificate, PEM or DER (further certificates in the file, the CA chain, "
                           "are embedded too)")
    sign.add_argument("-o", "--output", type=Path,
                      help="signed PDF to write (default: FILE.signed.pdf beside FILE; FILE itself only when "
                           "named here)")
    sign.add_argument("--visible", action="store_true",
                      help="draw the signature (signer, time, reason) at the bottom right of the last page "
                           "with room for it")
    sign.add_argument("--timestamp-url", default=os.environ.get(TIMESTAMP_VARIABLE) or None,
                      help=f"RFC 3161 timestamp server: PAdES B-T instead of B-B (default: ${TIMESTAMP_VARIABLE})")
    sign.add_argument("--reason", help="why it is signed, e.g. 正式发布")
    sign.add_argument("--location", help="where it is signed, e.g. 北京")


class Progress:
    """Stage names on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, quiet: bool):
        self.on = not quiet and sys.stderr.isatty()

    def __call__(self, stage: str) -> None:
        if self.on:
            print(f"  {stage}…", file=sys.stderr, flush=True)


def print_checks(results: list[CheckResult], as_json: bool) -> None:
    if as_json:
        print(json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False, indent=2))
        return
    width = max(_display_width(r.name) for r in results)
    for r in results:
        print(f"{r.status.upper():<4}  {r.name}{' ' * (width - _display_width(r.name))}  {r.detail}")
    failed = sum(r.failed for r in results)
    skipped = sum(r.status == "skip" for r in results)
    absent = sum(r.status == "n/a" for r in results)
    summary = f"{len(results) - failed - skipped - absent} passed, {failed} failed, {skipped} skipped"
    print(summary + (f", {absent} not applicable" if absent else ""))


def print_warnings(warnings: list, notes: list = ()) -> None:
    """Each note (what the build did on its own: a figure's colours converted) and each
    warning on its own line (stderr), then how many warnings; nothing when there are none."""
    for problem in [*notes, *warnings]:
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
        return _command(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count > 1 else ''}; nothing was written", file=sys.stderr)
        return ExitCode.INPUT_ERROR
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.INPUT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.INPUT_ERROR
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if args.traceback:
            import traceback

            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in briefing, not in your files. Rerun with --traceback and send the output "
              "with the edition to the maintainers.", file=sys.stderr)
        return ExitCode.INTERNAL_ERROR


def _command(args: argparse.Namespace) -> int:
    if args.command == "build" and args.all:
        return _build_all(args)
    if args.command == "build" and (args.edition is None or args.jobs is not None):
        print("usage: briefing build EDITION.yaml [options], or briefing build --all [PUBLICATION]\n"
              "error: give the edition's .yaml file, or --all (--jobs goes with --all)", file=sys.stderr)
        return ExitCode.USAGE
    if args.command == "new":
        return _new(args)
    if args.command == "verify":
        return _verify(args)
    if args.command == "build" and not args.force and _up_to_date(args):
        return ExitCode.OK
    if args.command == "check":  # before importing the build (ReportLab): check does not need it
        from layout.check import check_pdf

        results = check_pdf(args.pdf, args.style, Progress(args.quiet))
        code = ExitCode.CHECK_FAILED if any(r.failed for r in results) else ExitCode.OK
        _say(lambda: print_checks(results, args.json))
        return code
    from layout.build import build_edition, check_output

    if args.command == "build":
        progress = Progress(args.quiet)
        if args.output is not None:
            check_output(args.output, [args.edition])  # -o "" is no file, not the working directory
        output = Path(os.path.abspath(args.output if args.output is not None else default_output(args.edition)))
        clock = time.perf_counter()
        prepared, rendered = build_edition(args.edition, output, args.style, args.pdf_a, progress, args.strict,
                                           _printing(args))
        print_warnings(prepared.warnings, prepared.notes)
        if output == Path(os.path.abspath(default_output(args.edition))) and _printing(args) is None:
            from layout.archive.manifest import built_from, record_build

            record_build(publication_folder(args.edition),
                         built_from(args.edition, output, rendered.pdf, prepared, rendered, args.pdf_a, args.style))
        seconds = time.perf_counter() - clock
        _say(f"wrote {output} ({rendered.pages} pages, {rendered.passes} passes, {seconds:.1f} s)")
        if seconds > SLOW_BUILD and not args.quiet:
            stages = ", ".join(f"{name} {spent:.1f} s" for name, spent in prepared.timings.items())
            print(f"stages: {stages}", file=sys.stderr)
        return ExitCode.OK
    if args.command == "validate":
        prepared, _ = build_edition(args.edition, None, args.style, args.pdf_a, Progress(args.quiet), args.strict,
                                    _printing(args))
        print_warnings(prepared.warnings, prepared.notes)
        _say(f"{args.edition}: ok; it builds (briefing build writes it)")
        return ExitCode.OK
    if args.command == "sign":
        return _sign(args)
    if args.command == "impose":
        from layout.print.impose import impose_file

        output, sheets = impose_file(args.pdf, args.output)
        _say(f"wrote {output} ({sheets} sheets, {sheets * 4} pages)")
        return ExitCode.OK
    if args.command == "volume":
        return _volume(args)
    if args.command == "proof":
        return _proof(args)
    return _list_styles(args.where)


def _up_to_date(args: argparse.Namespace) -> bool:
    """``build EDITION`` to its default output, whose PDF the manifest shows up to date
    (layout.archive.freshness): say so and build nothing. ``--print`` always builds."""
    if args.print_variant or args.allow_low_res:
        return False
    default = os.path.abspath(default_output(args.edition))
    if args.output is not None and os.path.abspath(args.output) != default:
        return False
    from layout.archive.freshness import stale_reason

    reason, entry = stale_reason(args.edition, args.style, args.pdf_a, args.strict)
    if reason is not None:
        Progress(args.quiet)(f"building: {reason}")
        return False
    warnings = entry.get("warnings") or 0
    if warnings and not args.quiet:
        print(f"its last build printed {warnings} warning{'s' if warnings > 1 else ''} (--force rebuilds and "
              "shows them)", file=sys.stderr)
    _say(f"{default} is up to date; nothing to build (--force rebuilds it)")
    return True


def _build_all(args: argparse.Namespace) -> int:
    """``build --all``: the stale editions, in parallel; a count on stderr as each finishes."""
    if args.output is not None or args.style is not None:
        print("error: --all builds each edition to output/<edition>.pdf with its own style:; leave out -o and "
              "--style, or build one edition", file=sys.stderr)
        return ExitCode.USAGE
    from layout.archive.incremental import build_stale, find_publication, stale_editions

    clock = time.perf_counter()
    publication = find_publication(args.edition)
    stale, fresh = stale_editions(publication, args.pdf_a, args.strict, args.force)
    if not stale:
        _say(f"nothing to build; all {len(fresh)} editions are up to date")
        if not args.quiet and sys.stderr.isatty():
            print(f"({time.perf_counter() - clock:.2f} s)", file=sys.stderr)
        return ExitCode.OK
    show = Progress(args.quiet).on
    for item in stale:
        if show:
            print(f"  {item.edition.stem}: {item.reason}", file=sys.stderr)

    def done(count: int, total: int, outcome) -> None:
        if show:
            state = "built" if outcome.built else "FAILED"
            print(f"  [{count}/{total}] {outcome.edition.stem} {state}", file=sys.stderr, flush=True)

    outcomes = build_stale(publication, stale, args.pdf_a, args.strict, args.jobs, done)
    for outcome in outcomes:
        for line in [*outcome.warnings, *outcome.problems]:
            print(line, file=sys.stderr)
        if outcome.internal:
            print(f"internal error building {outcome.edition}:\n{outcome.internal}", file=sys.stderr)
        if outcome.built:
            _say(f"wrote {outcome.built.pdf} ({outcome.built.pages} pages)")
    failed = [outcome.edition.name for outcome in outcomes if outcome.built is None]
    built = len(outcomes) - len(failed)
    _say(f"{built} built, {len(fresh)} up to date, {len(failed)} failed "
         f"({time.perf_counter() - clock:.1f} s){': ' + ', '.join(failed) if failed else ''}")
    if any(outcome.internal for outcome in outcomes):
        return ExitCode.INTERNAL_ERROR
    return ExitCode.INPUT_ERROR if failed else ExitCode.OK


def _verify(args: argparse.Namespace) -> int:
    from layout.archive.incremental import find_publication
    from layout.archive.manifest import read_manifest
    from layout.archive.verify import verify

    publication = find_publication(args.publication)
    findings = verify(publication, args.rebuild)
    for finding in findings:
        _say(finding.message if finding.drift else f"note: {finding.message}")
    drifts = sum(finding.drift for finding in findings)
    count = len(read_manifest(publication))
    if drifts:
        _say(f"{drifts} drift{'s' if drifts > 1 else ''}; output/manifest.json records what was published")
        return ExitCode.CHECK_FAILED
    checked = "inputs, PDFs and rebuilds" if args.rebuild else "inputs and PDFs"
    _say(f"clean: {count} edition{'s' if count != 1 else ''}, {checked} as output/manifest.json records")
    return ExitCode.OK


def _new(args: argparse.Namespace) -> int:
    from layout.archive.incremental import find_publication
    from layout.archive.new import new_edition

    publication = find_publication(args.publication)
    created = new_edition(publication, args.edition_id)
    for line in created.todo:
        _say(f"note: {line}")
    shown = os.path.relpath(created.path) if not os.path.relpath(created.path).startswith("..") else created.path
    _say(f"wrote {shown}; fill in each TODO (the chapter, its article), then: briefing validate {shown}")
    return ExitCode.OK


def _sign(args: argparse.Namespace) -> int:
    """``briefing sign``: the input is replaced only when -o names it."""
    try:
        from layout import sign
    except ImportError:
        raise BriefingError("signing needs pyHanko, which is not installed; pip install "
                            "'briefing-layout[sign]'") from None
    output = args.output if args.output is not None else args.pdf.with_name(args.pdf.stem + ".signed.pdf")
    from layout.build import check_output, write_atomic

    check_output(output, [args.key, args.cert])
    passphrase = None
    if sign.key_is_encrypted(args.key):
        typed = os.environ.get(PASSPHRASE_VARIABLE)
        if typed is None:
            if not sys.stdin.isatty():
                raise BriefingError(f"{args.key}: the key is encrypted; set {PASSPHRASE_VARIABLE}, or run "
                                    "on a terminal to be asked for its passphrase")
            import getpass

            typed = getpass.getpass(f"passphrase for {args.key}: ")
        passphrase = typed.encode("utf-8")
    credentials = sign.load_credentials(args.key, args.cert, passphrase)
    signed = sign.sign_pdf(sign.read_input(args.pdf, "PDF"), credentials, args.visible, args.reason,
                           args.location, args.timestamp_url, str(args.pdf))
    write_atomic(output, signed)
    level = "B-T, timestamped" if args.timestamp_url else "B-B"
    _say(f"signed {output} (PAdES {level}, {'visible' if args.visible else 'invisible'}, "
         f"by {credentials.subject})")
    return ExitCode.OK


def _print_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print", action="store_true", dest="print_variant",
                        help="the print variant: bleed, crop marks, chapters on rectos, pages to a multiple of 4")
    parser.add_argument("--allow-low-res", action="store_true",
                        help="with --print: figures under 150 ppi are warnings, not errors")


def _printing(args: argparse.Namespace) -> PrintSetup | None:
    """--print; --allow-low-res alone is kept for a style with ``print: true``."""
    if not (args.print_variant or args.allow_low_res):
        return None
    from layout.print.variant import PrintSetup

    return PrintSetup(allow_low_res=args.allow_low_res, requested=args.print_variant)


def _volume(args: argparse.Namespace) -> int:
    from layout.build import check_output
    from layout.volume import build_volume, volume_output

    if args.output is not None:
        check_output(args.output, [])
    publication = publication_folder(args.publication / "edition.yaml")  # issues/ names its parent
    output = Path(os.path.abspath(args.output if args.output is not None else volume_output(publication, args.year)))
    clock = time.perf_counter()
    prepared, rendered = build_volume(publication, args.year, output, args.style, args.pdf_a,
                                      Progress(args.quiet))
    print_warnings([w for each in prepared for w in each.warnings], [n for each in prepared for n in each.notes])
    editions = f"{len(prepared)} edition{'s' if len(prepared) > 1 else ''}"
    _say(f"wrote {output} ({editions}, {rendered.pages} pages, {rendered.passes} passes, "
         f"{time.perf_counter() - clock:.1f} s)")
    return ExitCode.OK


def _proof(args: argparse.Namespace) -> int:
    from layout.proof import make_proof, parse_pages

    pages = parse_pages(args.pages) if args.pages else []
    written = make_proof(args.source, pages, args.dpi, args.output)
    _say(f"wrote {written.sheet} ({written.pages} pages" +
         (f"; full size: {', '.join(p.name for p in written.full)})" if written.full else ")"))
    return ExitCode.OK


def _list_styles(where: Path | None) -> int:
    where = where if where is not None else Path.cwd()
    if where.is_dir():
        publication = publication_folder(where / "edition.yaml")
    else:
        publication = publication_folder(where)
    for style in visible_styles(publication):
        note = f"  (hidden by the {style.name} above)" if style.shadowed else ""
        _say(f"{style.name:<16}{style.origin:<12}{style.path}{note}")
    return ExitCode.OK


def _say(what) -> None:
    """Print ``what`` (a line, or a function that prints) to stdout. A reader that has gone
    (``briefing check … | head -1``) is not an error: the command's exit code stands."""
    try:
        what() if callable(what) else print(what)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """The reader of our stdout has gone: send the rest to /dev/null, quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
