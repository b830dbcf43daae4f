"""``briefing check FILE.pdf``: the archivist's audit, reading nothing but the PDF.

Each check returns a ``CheckResult`` (pass, fail or skip, with the offending page or
object). Nothing here knows how the PDF was made: the copyright line comes from the
XMP ``dc:rights``, the folios from the page labels, the TOC from the link annotations
of the front-matter pages (pages whose label does not end in a number) and the text inside them.

The typography section (``layout.audit``) measures TYPOGRAPHY.md's rules on the glyphs.

The typography audit needs the intended type area and the style's sizes: the build records
them in the PDF (``layout.pdfrecord``: each page's ``/ArtBox`` and an Info entry), so no
style file is read (``--style`` overrides the record, for PDFs made elsewhere).

A skip is not a pass: ``briefing check`` exits 0 only when no check failed, and says
which were skipped and why (Preflight needs Java and Debian's PDFBox packages). A PDF
built with ``--pdf-a none`` has its archival rows marked ``n/a``, not failed.
A file that is not a readable PDF raises ``CheckError`` (exit 1), never a traceback.

``check_pdf`` starts the two validators (pikepdf's, in a Python process of its own, and
Preflight's Java) before it reads the pages, and collects them after the other rows: on two
cores they run while the audit does. A row called alone validates in turn.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pikepdf

from layout.audit import audit_pages
from layout.pdfa_verdict import verdict
from layout.pdfview import (_BODY_LABEL, CheckError, CheckResult, PdfView, TextLine, TocEntry,  # noqa: F401
                            _open, is_body_label, normalize)
from layout.flow_check import check_orphaned_sources, check_short_pages
from layout.ink_check import check_text_colour
from layout.overprint import find_overprints
from layout.signature_check import check_signature, signature_fields

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
    "Times-BoldItalic", "Symbol", "ZapfDingbats",
}
PREFLIGHT_JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "jaxb-api",
                  "javax.activation")
"""What Preflight's Validator_A1b loads, from Debian's libpdfbox2-java, libcommons-logging-java,
libjaxb-api-java and libactivation-java (commons-io is not needed)."""
REQUIRE_PREFLIGHT = "BRIEFING_REQUIRE_PREFLIGHT"
"""Set to 1 (.ci/run does) to make a missing Preflight a failure, not a skip."""
PREFLIGHT_INSTALL = "apt-get install default-jre-headless libpdfbox2-java libjaxb-api-java libactivation-java"
JAVA_DIR = Path("/usr/share/java")
JAVA_OPTIONS = ("-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xmx160m")
"""For one short run: the quick compiler only and the serial collector (Preflight takes half the
time, 4.7 s instead of 10 s on a 213-page edition) and a heap that keeps check's peak memory
low (210 MB instead of 570 MB there). A file that needs more heap is validated again without
the limit (``check_pdfa_preflight``)."""
_DOUBLED_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?\s*[-/.]?\s*\1(?!\d)")


def _page(view: PdfView, index: int) -> str:
    return f"page {index + 1} (label {view.labels[index]})"


# -- the checks ------------------------------------------------------------------


def start_pikepdf(view: PdfView) -> subprocess.Popen | None:
    """The pikepdf validator started on ``view``'s file, or None where its row needs no validation."""
    part = view.xmp.get("pdfaid:part")
    if view.plain or not part:
        return None
    # In a process of its own (2.6 s of Python on a 213-page edition, which need not wait); -P:
    # the working directory is not searched, so a folder named layout there cannot stand in.
    return subprocess.Popen([sys.executable, "-P", "-m", "layout.pdfa_verdict", str(view.path), f"{part}b"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _pikepdf_verdict(view: PdfView, flavour: str) -> dict:
    """What validate_written says of the file: from the process check_pdf started, else here."""
    job = view.background.pop("pikepdf", None)
    if isinstance(job, subprocess.Popen):
        try:
            stdout, _ = job.communicate(timeout=PREFLIGHT_TIMEOUT)
        except subprocess.TimeoutExpired:
            job.kill()
            job.communicate()
            raise
        if job.returncode == 0 and stdout.strip().startswith("{"):
            return json.loads(stdout)
    return verdict(str(view.path), flavour)  # a check run row by row, or the process failed


def check_pdfa_pikepdf(view: PdfView) -> CheckResult:
    name = "PDF/A (pikepdf validator)"
    if view.plain:
        return CheckResult(name, "n/a", "built with --pdf-a none: not an archival file")
    part = view.xmp.get("pdfaid:part")
    if not part:
        return CheckResult(name, "fail", "no PDF/A identification (pdfaid:part) in the XMP metadata")
    report = _pikepdf_verdict(view, f"{part}b")
    if report["passed"]:
        return CheckResult(name, "pass", f"PDF/A-{part}b")
    if not report["violations"] and signature_fields(view.pdf) and \
            all(where.endswith("/AcroForm") for where in report["unsupported"]):
        # pikepdf does not judge forms; a signed edition's only form is its signature field.
        judge = "Preflight judges it" if part == "1" else "no validator here judges it"
        return CheckResult(name, "pass", f"PDF/A-{part}b; pikepdf does not judge the signature's form field "
                                         f"({judge})")
    return CheckResult(name, "fail", "; ".join(report["findings"]))


def preflight_command(path: Path) -> list[str] | None:
    """The PDFBox Preflight command line, or None if Java or a jar is missing."""
    java = shutil.which("java")
    jars = [JAVA_DIR / f"{jar}.jar" for jar in PREFLIGHT_JARS]
    if java is None or not all(jar.is_file() for jar in jars):
        return None
    return [java, *JAVA_OPTIONS, "-cp", ":".join(map(str, jars)), "org.apache.pdfbox.preflight.Validator_A1b",
            str(path)]


PREFLIGHT_TIMEOUT = 300
"""Seconds Preflight may take before its row fails."""


def start_preflight(view: PdfView) -> CheckResult | subprocess.Popen:
    """Preflight's row where it is known without Java (n/a, skip), else Preflight started on
    ``view``'s file: check_pdf starts it first and collects it last, so Java runs while Python audits."""
    name = "PDF/A-1b (Apache PDFBox Preflight)"
    if view.plain:
        return CheckResult(name, "n/a", "built with --pdf-a none: not an archival file")
    if view.xmp.get("pdfaid:part") not in (None, "1"):
        return CheckResult(name, "skip", "Preflight validates PDF/A-1b only")
    command = preflight_command(view.path)
    if command is None:
        status = "fail" if os.environ.get(REQUIRE_PREFLIGHT) == "1" else "skip"
        return CheckResult(name, status, f"Java or PDFBox not installed ({PREFLIGHT_INSTALL})")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_pdfa_preflight(view: PdfView) -> CheckResult:
    name = "PDF/A-1b (Apache PDFBox Preflight)"
    started = view.background.pop("preflight", None) or start_preflight(view)
    if isinstance(started, CheckResult):
        return started
    try:
        stdout, stderr = started.communicate(timeout=PREFLIGHT_TIMEOUT)
        if "OutOfMemoryError" in stderr + stdout:  # a file larger than JAVA_OPTIONS' heap: again, unlimited
            command = [arg for arg in started.args if not arg.startswith("-Xmx")]
            started = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            stdout, stderr = started.communicate(timeout=PREFLIGHT_TIMEOUT)
    except subprocess.TimeoutExpired:
        started.kill()
        started.communicate()
        raise
    if started.returncode == 0 and "is a valid PDF/A-1b file" in stdout:
        return CheckResult(name, "pass", "valid PDF/A-1b")
    errors = sorted({line.strip() for line in stdout.splitlines() if re.match(r"^\s*\d+\.\d", line)})
    return CheckResult(name, "fail", "; ".join(errors[:3]) or stdout.strip()[:200])


def check_fonts(view: PdfView) -> CheckResult:
    name = "fonts embedded, no standard-14"
    problems = []
    for index, page in enumerate(view.pdf.pages):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for key, font in fonts.items():
            base = str(font.get("/BaseFont", "")).lstrip("/")
            if base.split("+")[-1] in STANDARD_14:
                problems.append(f"{_page(view, index)}: {key} {base} is a standard-14 font (never embedded)")
                continue
            described = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = described.get("/FontDescriptor", {})
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"{_page(view, index)}: {key} {base} is not embedded")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(dict.fromkeys(problems)) or
                       f"{len(view.pdf.pages)} pages")


def check_metadata(view: PdfView) -> CheckResult:
    name = "metadata complete and consistent"
    info, xmp = view.pdf.docinfo, view.xmp
    problems = [f"Info /{key} missing" for key in ("Title", "Author", "Subject", "Keywords", "CreationDate",
                                                      "Producer") if f"/{key}" not in info]
    pairs = (("Title", "dc:title", lambda v: v), ("Author", "dc:creator", lambda v: (list(v or []) or [""])[0]),
             ("Subject", "dc:description", lambda v: v), ("Producer", "pdf:Producer", lambda v: v),
             ("Keywords", "pdf:Keywords", lambda v: v))
    for key, prop, value in pairs:
        if f"/{key}" in info and str(info[f"/{key}"]) != (value(xmp.get(prop)) or ""):
            problems.append(f"Info /{key} {str(info[f'/{key}'])!r} ≠ XMP {prop} {xmp.get(prop)!r}")
    for prop in ("dc:language", "dc:identifier", "dc:rights", "xmp:CreateDate"):
        if not xmp.get(prop):
            problems.append(f"XMP {prop} missing")
    doubled = _DOUBLED_YEAR.search(str(info.get("/Title", "")))
    if doubled:
        problems.append(f"Info /Title names the year twice ({doubled.group()!r}); the issue label already "
                        "holds the year")
    if "/Lang" not in view.pdf.Root:
        problems.append("catalog /Lang missing")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or str(info.get("/Title", "")))


def check_toc(view: PdfView) -> CheckResult:
    name = "TOC page numbers = pages where the headings land"
    if not view.toc:
        return CheckResult(name, "fail", "no linked TOC entries on the front-matter pages")
    problems = []
    for entry in view.toc:
        where = f"{_page(view, entry.page)}: {entry.text[:24]!r}"
        if entry.target is None:
            problems.append(f"{where} links nowhere")
        elif view.labels[entry.target] != entry.folio:
            problems.append(f"{where} says {entry.folio or '(no number)'}, its heading is on "
                            f"{view.labels[entry.target]}")
        elif not _carries(normalize("".join(line.text for line in view.lines(entry.target))), normalize(entry.text)):
            problems.append(f"{where}: no such heading on page {view.labels[entry.target]}")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or f"{len(view.toc)} entries")


HEAD_START = 40
"""Characters: a heading longer than this may continue on the next page (a title of many
lines split between pages); the page its TOC entry names must carry its start."""


def _carries(page_text: str, heading: str) -> bool:
    return heading in page_text or (len(heading) > HEAD_START and heading[:HEAD_START] in page_text)


def check_outline(view: PdfView) -> CheckResult:
    """The outline's items, in order, are the TOC's entries; or its first levels are, where the
    TOC lists fewer levels (a volume's: editions and chapters, the articles in the outline only)."""
    name = "outline = TOC"
    with view.pdf.open_outline() as outline:
        items = []

        def walk(nodes, depth):
            for node in nodes:
                page = view.target(pikepdf.Dictionary(Dest=node.destination)) if node.destination else None
                items.append((normalize(node.title), page, depth))
                walk(node.children, depth + 1)

        walk(outline.root, 0)
    toc = [(normalize(entry.text), entry.target) for entry in view.toc]
    deepest = max((depth for *_, depth in items), default=0)
    for levels in range(deepest + 1, 0, -1):
        # A TOC may list fewer levels than the outline (a volume's: editions and chapters).
        if [(title, page) for title, page, depth in items if depth < levels] == toc:
            shown = "" if levels > deepest else f" (the outline's first {levels} of {deepest + 1} levels)"
            return CheckResult(name, "pass", f"{len(toc)} entries{shown}")
    items = [(title, page) for title, page, _ in items]
    for i, (got, want) in enumerate(zip(items, toc, strict=False)):
        if got != want:
            return CheckResult(name, "fail", f"entry {i + 1}: outline {got[0][:24]!r} → "
                                             f"{_label(view, got[1])}, TOC {want[0][:24]!r} → {_label(view, want[1])}")
    return CheckResult(name, "fail", f"outline has {len(items)} entries, TOC {len(toc)}")


def check_outline_form(view: PdfView) -> CheckResult:
    """Bookmark titles without a space after a full-width mark ("一、 标准进展"), and each
    /Count as PDF 1.7 §12.3.3 defines it (the root: every visible item)."""
    name = "outline titles and /Count"
    root = view.pdf.Root.get("/Outlines")
    if root is None or "/First" not in root:
        return CheckResult(name, "pass", "no outline")
    problems, items = [], 0

    def visible(node) -> int:
        nonlocal items
        total, child = 0, node.get("/First")
        while child is not None:
            items += 1
            title = str(child.get("/Title", ""))
            if re.search(r"[\u3000-\u303f\uff00-\uffef]\s", title):
                problems.append(f"bookmark {title[:20]!r} has a space after a full-width mark")
            below = visible(child)
            count = int(child.get("/Count", 0))
            if "/First" in child and abs(count) != below:
                problems.append(f"bookmark {title[:20]!r}: /Count {count}, {below} items below it")
            total += 1 + (below if count >= 0 else 0)
            child = child.get("/Next")
        return total

    shown = visible(root)
    if int(root.get("/Count", shown)) != shown:
        problems.insert(0, f"outline root /Count {int(root.Count)}, {shown} visible items")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems[:3]) or
                       f"{items} bookmarks, /Count {shown}")


def _label(view: PdfView, index: int | None) -> str:
    return "nowhere" if index is None else view.labels[index]


def check_footers(view: PdfView) -> CheckResult:
    name = "copyright and folio on every page after the cover"
    rights = view.xmp.get("dc:rights")
    if not rights and len(view.labels) > 1:
        # No metadata to say what it should be: hold every footer to the first one's.
        first = view.lines(1)[-1].text if view.lines(1) else ""
        rights = first.removesuffix(view.labels[1]).strip()
    problems = []
    if any(normalize(rights) in normalize(line.text) for line in view.lines(0)):
        problems.append("page 1 (the cover) carries the copyright line")
    # The folio as the build's style sets it ("— 12 —"), after the copyright's last line, or before
    # it where the folio is on the left (GB/T 9704's even pages, a verso of the print variant).
    folio_format = view.style.page.folio_format if view.style is not None else "{n}"
    for index in range(1, len(view.labels)):
        if view.blank(index):
            continue
        folio = normalize(folio_format.format(n=view.labels[index]))
        expected = normalize(rights) + folio
        mirrored = folio + normalize(rights)
        footer = ""
        for line in reversed(view.lines(index)):  # a long copyright wraps over the footer's last lines
            footer = normalize(line.text) + footer
            if len(footer) >= len(expected):
                break
        if footer != expected and footer != mirrored:
            problems.append(f"{_page(view, index)}: footer reads {footer[-60:]!r}")
    blanks = sum(view.blank(index) for index in range(len(view.labels)))
    detail = f"{len(view.labels) - 1 - blanks} pages" + (f" ({blanks} blank for print)" if blanks else "")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or detail)


def check_labels(view: PdfView) -> CheckResult:
    name = "page labels = folios (i, ii … then 1, 2 …)"
    front = view.front_pages
    body = [label for label in view.labels[1:] if is_body_label(label)]
    problems = []
    if front != list(range(1, len(front) + 1)):
        problems.append("front matter is not right after the cover")
    # 1, 2, 3 …; or, in a volume with folios per edition, 10-1, 10-2 … 11-1 …: each prefix once.
    expected, seen = [], []
    for label in body:
        prefix = _BODY_LABEL.fullmatch(label)["prefix"]
        if not seen or seen[-1] != prefix:
            seen.append(prefix)
            count = 0
        count += 1
        expected.append(f"{prefix}{count}")
    if body != expected or len(seen) != len(set(seen)) or (len(seen) > 1 and "" in seen):
        problems.append(f"body labels are not 1, 2, 3 …: {', '.join(body[:8])} …")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or
                       f"{', '.join(view.labels[:3])} … {view.labels[-1]}")


def check_links(view: PdfView) -> CheckResult:
    name = "link targets valid"
    problems, count = [], 0
    for index, page in enumerate(view.pdf.pages):
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            count += 1
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/URI":
                uri = str(action.URI)
                if not re.fullmatch(r"(https?://|mailto:)\S+", uri):
                    problems.append(f"{_page(view, index)}: URI {uri!r} is not a web address")
            elif view.target(annotation) is None:
                problems.append(f"{_page(view, index)}: a link goes to no page of this file")
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems) or f"{count} links")


def check_figures(view: PdfView) -> CheckResult:
    """Every image after the cover lies inside the type area; the detail gives the lowest ppi."""
    name = "figures inside the frame"
    frame = view.frame()
    if frame is None:
        return CheckResult(name, "skip", "the PDF records no type area (not built by briefing); "
                                         "give the style with --style")
    problems, ppis = [], []
    for index, images in enumerate(view.images[1:], start=1):
        for image in images:
            width = image["x1"] - image["x0"]
            ppis.append(image["srcsize"][0] / (width / 72) if width > 0 else 0.0)
            if (image["x0"] < frame.left - 0.5 or image["x1"] > frame.right + 0.5
                    or image["top"] < frame.top - 0.5 or image["bottom"] > frame.bottom + 0.5):
                problems.append(f"{_page(view, index)}: an image at ({image['x0']:.0f}, {image['top']:.0f})–"
                                f"({image['x1']:.0f}, {image['bottom']:.0f}) pt leaves the type area")
    detail = f"{len(ppis)} figures, the lowest at {min(ppis):.0f} ppi" if ppis else "no figures"
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems[:5]) or detail)


def check_overprint(view: PdfView) -> CheckResult:
    name = "no overprinting, no text off the paper"
    problems = []
    for index, page in enumerate(view.pdf.pages):
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        problems += [f"{_page(view, index)}: {found}"
                     for found in find_overprints(view.chars[index], x1 - x0, view.heights[index])]
    return CheckResult(name, "fail" if problems else "pass", "; ".join(problems[:3]) +
                       (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "") or
                       f"{len(view.pdf.pages)} pages")


def check_typography(view: PdfView) -> list[CheckResult]:
    """The typography section: TYPOGRAPHY.md's rules measured on the glyphs (layout.audit)."""
    frame = view.frame()
    if view.style is None or frame is None:
        return [CheckResult("typography", "skip", "the PDF records no type area and sizes (not built by "
                                                  "briefing); give the style it was made with: --style FILE")]
    report = audit_pages(list(zip(view.chars, view.heights, strict=True)), frame, style=view.style)
    return [CheckResult(name, "pass" if passed else "fail", detail) for name, passed, detail in report.as_rows()]


CHECKS: tuple[Callable[[PdfView], CheckResult | list[CheckResult]], ...] = (
    check_pdfa_pikepdf, check_pdfa_preflight, check_signature, check_fonts, check_metadata, check_toc,
    check_outline_form, check_outline,  # in this order: pikepdf's open_outline rewrites /Count on exit
    check_footers, check_labels, check_links, check_short_pages, check_orphaned_sources, check_overprint,
    check_figures, check_text_colour, check_typography,
)


def check_pdf(path: Path, style: Path | None = None,
              progress: Callable[[str], None] | None = None) -> list[CheckResult]:
    """Every check on the PDF at ``path``. A check that crashes is reported as failed.

    ``style`` overrides the type area and sizes the build recorded in the PDF. ``progress``
    is told the name of each check as it starts. Raises CheckError if ``path`` is no PDF."""
    collecting = gc.isenabled()
    gc.disable()  # while reading hundreds of thousands of glyphs, none in a cycle; then set aside
    view = None
    try:
        view = PdfView(path, style, read_text=False)
        try:
            view.background["preflight"] = start_preflight(view)
            view.background["pikepdf"] = start_pikepdf(view)
        except Exception:  # noqa: BLE001, S110 - their rows, run in turn, report what went wrong
            pass
        view.read_text()
        gc.freeze()  # the collector leaves the glyphs alone; the validators' cycles are still collected
        if collecting:
            gc.enable()
        results: list[list[CheckResult] | None] = [None] * len(CHECKS)
        # The validators' rows last (their processes have run beside the others), each in its place.
        waiting = (check_pdfa_pikepdf, check_pdfa_preflight)
        order = [i for i, check in enumerate(CHECKS) if check not in waiting] + \
                [i for i, check in enumerate(CHECKS) if check in waiting]
        for index in order:
            check = CHECKS[index]
            if progress is not None:
                progress(check.__name__.removeprefix("check_").replace("_", " "))
            try:
                result = check(view)
                results[index] = result if isinstance(result, list) else [result]
            except Exception as exc:  # noqa: BLE001 - a damaged file must still give a table
                name = check.__name__.removeprefix("check_")
                results[index] = [CheckResult(name, "fail", f"could not check: {type(exc).__name__}: {exc}")]
        return [result for rows in results for result in rows or []]
    finally:
        if view is not None:
            for job in view.background.values():
                if isinstance(job, subprocess.Popen) and job.poll() is None:
                    job.kill()
                    job.communicate()
            view.close()
        gc.unfreeze()
        if collecting:
            gc.enable()
