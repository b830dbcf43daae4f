"""Properties of the built reference edition, read back from the PDF itself."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

from markdown_it import MarkdownIt
from pdfread import TOC_ENTRY, Line, Pdf, normalize

from conftest import REFERENCE, ROOT, build

A4 = (595.28, 841.89)


def roman(n: int) -> str:
    table = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in table:
        count, n = divmod(n, value)
        out += letters * count
    return out


def front_pages(pdf: Pdf) -> list[int]:
    """Pages after the cover labelled in roman numerals: the table of contents."""
    return [i for i in range(1, len(pdf)) if re.fullmatch(r"[ivxlc]+", pdf.labels[i])]


def body_size(pdf: Pdf) -> float:
    """The most common text size of the body pages: what headings are bigger than."""
    sizes = Counter(line.size for i in range(len(pdf)) if pdf.labels[i].isdigit() for line in pdf.lines[i])
    return sizes.most_common(1)[0][0]


def toc_entries(pdf: Pdf) -> list[tuple[str, str]]:
    """(entry text, printed folio) in order, joining wrapped titles."""
    entries, pending = [], ""
    for page, index in enumerate(front_pages(pdf)):
        lines = [line for line in pdf.lines[index] if line.top < pdf.footer_top]
        right = max(line.x1 for line in lines)
        for line in lines[1:] if page == 0 else lines:  # the first page opens with the TOC's title
            match = TOC_ENTRY.match(line.text)
            if match and abs(line.x1 - right) < 1 and ".." in line.text:
                entries.append((normalize(pending + match["text"]), match["folio"]))
                pending = ""
            else:
                pending += line.text
    assert not pending, f"TOC text without a page number: {pending!r}"
    return entries


def headings(pdf: Pdf) -> list[tuple[str, int, Line]]:
    """(heading text, page index, first line) of every line run bigger than body text."""
    size = body_size(pdf)
    found = []
    for index in range(len(pdf)):
        if not pdf.labels[index].isdigit():
            continue
        run: list[Line] = []
        for line in pdf.lines[index] + [None]:
            if line is not None and line.size > size + 1 and line.top < pdf.footer_top:
                if run and abs(run[-1].size - line.size) > 0.1:
                    found.append((normalize("".join(item.text for item in run)), index, run[0]))
                    run = []
                run.append(line)
            elif run:
                found.append((normalize("".join(item.text for item in run)), index, run[0]))
                run = []
    return found


def test_pages_are_a4(reference_pdf):
    for page in reference_pdf.reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))


def test_cover_has_title_label_publisher_date_and_no_footer(reference_pdf, reference_data):
    edition = reference_data["edition"]
    text = normalize(reference_pdf.page_text(0))
    for value in (edition["title"], edition["issue_label"], edition["publisher"], edition["department"]):
        assert normalize(value) in text
    year, month = (int(part) for part in str(edition["date"]).split("-")[:2])
    assert f"{year}年{month}月" in text
    assert not reference_pdf.footer_lines(0)
    assert edition["copyright"] not in text


def test_every_page_after_the_cover_has_copyright_and_its_folio(reference_pdf, reference_data):
    copyright_line = reference_data["edition"]["copyright"]
    for index in range(1, len(reference_pdf)):
        footer = "".join(line.text for line in reference_pdf.footer_lines(index))
        assert footer == copyright_line + reference_pdf.labels[index], f"page {index + 1}: {footer!r}"


def test_folios_are_consecutive_and_equal_page_labels(reference_pdf):
    labels = reference_pdf.labels
    front = front_pages(reference_pdf)
    assert front == list(range(1, len(front) + 1)), "the TOC follows the cover"
    assert [labels[i] for i in front] == [roman(i + 1) for i in front]
    body = labels[len(front) + 1:]
    assert body == [str(n) for n in range(1, len(body) + 1)]


def test_toc_lists_every_chapter_and_article_in_order(reference_pdf, reference_data):
    titles = [normalize(entry[0]) for entry in toc_entries(reference_pdf)]
    expected = []
    for chapter in reference_data["chapters"]:
        expected.append(normalize(chapter["title"]))
        expected.extend(normalize(article["title"]) for article in chapter["articles"])
    assert len(titles) == len(expected) == 7 + 34
    for got, title in zip(titles, expected, strict=True):
        assert got.endswith(title), (got, title)


def test_toc_folio_is_the_page_where_each_heading_lands(reference_pdf):
    landed: dict[str, list[int]] = {}
    for text, index, _ in headings(reference_pdf):
        landed.setdefault(text, []).append(index)
    for text, folio in toc_entries(reference_pdf):
        assert text in landed, f"TOC entry {text!r} has no heading in the body"
        assert len(landed[text]) == 1, f"{text!r} is a heading on several pages"
        assert reference_pdf.labels[landed[text][0]] == folio, f"{text!r}: TOC says {folio}"


def test_outline_equals_the_toc(reference_pdf):
    outline = reference_pdf.outline()
    toc = toc_entries(reference_pdf)
    assert [normalize(title) for _, title, _ in outline] == [text for text, _ in toc]
    assert [reference_pdf.labels[page] for _, _, page in outline] == [folio for _, folio in toc]
    levels = [level for level, _, _ in outline]
    assert levels[0] == 0 and set(levels) == {0, 1}


def test_toc_entries_are_links_to_their_headings(reference_pdf):
    targets = []
    for index in front_pages(reference_pdf):
        for annotation in reference_pdf.reader.pages[index].get("/Annots", []):
            page = reference_pdf.link_target(annotation.get_object())
            if page is not None:
                targets.append(reference_pdf.labels[page])
    assert targets == [folio for _, folio in toc_entries(reference_pdf)]


def test_chapters_start_a_new_page_and_headings_never_end_one(reference_pdf, reference_data):
    chapter_titles = {normalize(c["title"]) for c in reference_data["chapters"]}
    for text, index, line in headings(reference_pdf):
        lines = [item for item in reference_pdf.lines[index] if item.top < reference_pdf.footer_top]
        if any(text.endswith(title) for title in chapter_titles):
            assert lines[0] == line, f"chapter {text!r} is not at the top of page {index + 1}"
        assert lines[-1].size <= line.size and lines[-1] != line, f"{text!r} ends page {index + 1}"
        after = [item for item in lines if item.top > line.top and item.size < line.size]
        assert after, f"heading {text!r} is the last thing on page {index + 1}"


def _paragraphs(markdown: str) -> list[str]:
    """Plain text of each paragraph, heading and list item of a CommonMark text."""
    out = []
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "inline":
            out.append("".join(child.content for child in token.children if child.type == "text"))
    return out


def test_every_paragraph_and_source_of_the_yaml_is_in_the_pdf(reference_pdf, reference_data):
    body = normalize("".join(reference_pdf.page_text(i, without_footer=True) for i in range(len(reference_pdf))))
    missing = []
    for chapter in reference_data["chapters"]:
        for article in chapter["articles"]:
            for paragraph in _paragraphs(article["body"]):
                if normalize(paragraph) not in body:
                    missing.append(paragraph[:40])
            for source in article.get("sources", []):
                if normalize(source["url"]) not in body:
                    missing.append(source["url"])
    assert not missing, f"{len(missing)} paragraphs not found, e.g. {missing[:3]}"


def test_source_urls_are_live_links(reference_pdf, reference_data):
    uris = set()
    for page in reference_pdf.reader.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A")
            if action and action.get("/S") == "/URI":
                uris.add(str(action["/URI"]))
    for chapter in reference_data["chapters"]:
        for article in chapter["articles"]:
            for source in article.get("sources", []):
                assert source["url"] in uris


def test_back_page_has_every_contact(reference_pdf, reference_data):
    back = reference_data["back_page"]
    text = normalize(reference_pdf.page_text(len(reference_pdf) - 1, without_footer=True))
    assert normalize(back["title"]) in text
    for contact in back["contacts"]:
        assert normalize(contact["label"]) in text and normalize(contact["value"]) in text


def test_no_missing_glyphs_in_extracted_text(reference_pdf):
    for index in range(len(reference_pdf)):
        text = reference_pdf.page_text(index)
        assert "\x00" not in text and "\ufffd" not in text, f"page {index + 1}"


def test_subscripts_print(reference_pdf, reference_data):
    wanted = {char for char in "₂₄" if char in str(reference_data)}
    text = "".join(reference_pdf.page_text(i) for i in range(len(reference_pdf)))
    assert wanted and wanted <= set(text)


def test_all_fonts_embedded_and_none_standard(reference_pdf):
    assert reference_pdf.fonts()
    assert reference_pdf.font_problems() == []


def test_document_info_and_language(reference_pdf, reference_data):
    edition = reference_data["edition"]
    info = reference_pdf.reader.metadata
    assert normalize(edition["title"]) in normalize(info.title) and edition["issue_label"] in info.title
    assert info.author == edition["publisher"]
    assert info.subject and info.get("/Keywords")
    assert reference_pdf.reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_two_builds_are_byte_identical(reference_pdf_path, tmp_path):
    again = tmp_path / "again.pdf"
    assert build(REFERENCE, again) == 0
    assert again.read_bytes() == reference_pdf_path.read_bytes()
    elsewhere = tmp_path / "subprocess.pdf"
    subprocess.run([sys.executable, "-m", "layout", "build", str(REFERENCE), "-o", str(elsewhere)],
                   cwd=ROOT, check=True, capture_output=True)
    assert elsewhere.read_bytes() == reference_pdf_path.read_bytes()


def test_reference_builds_through_the_front_door():
    """The README's build command writes output/2021-10.pdf (the default output path)."""
    result = subprocess.run([sys.executable, "-m", "layout", "build", "issues/2021-10.yaml"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (ROOT / "output" / "2021-10.pdf").stat().st_size > 0
