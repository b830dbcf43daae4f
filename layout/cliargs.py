"""The command line's grammar: every command, argument and option of ``briefing``.

``layout.cli`` parses with it and runs the command. It imports nothing of the stages, so
``briefing build`` with nothing to do stays fast.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from layout import __version__
from layout.publication import DEFAULT_STYLE
from layout.variants import DEFAULT_VARIANT, VARIANTS

PASSPHRASE_VARIABLE = "BRIEFING_KEY_PASSPHRASE"
"""Where ``sign`` reads the key's passphrase (never from the command line)."""
TIMESTAMP_VARIABLE = "BRIEFING_TIMESTAMP_URL"


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


def _print_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--print", action="store_true", dest="print_variant",
                        help="the print variant: bleed, crop marks, chapters on rectos, pages to a multiple of 4")
    parser.add_argument("--allow-low-res", action="store_true",
                        help="with --print: figures under 150 ppi are warnings, not errors")
