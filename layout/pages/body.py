"""Chapters and articles → flowables: heads, paragraphs, lists, tables, figures, sources."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from layout import model
from layout.pages.cjk import CJKParagraph
from layout.pages.figures import figure
from layout.pages.fill import ChapterEnd
from layout.pages.flowables import Anchor, Heading, WithSources
from layout.pages.segment import head_paragraph
from layout.pages.table import make_table
from layout.pages.typeset import Typesetter


def chinese_numeral(n: int, digits: str, ten: str, hundred: str = "百", thousand: str = "千") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 100 → 一百, 101 → 一百零一, 110 → 一百一十,
    1010 → 一千零一十 (1–9999; beyond, digit by digit). ``digits`` are 0–9."""
    if n < 10 or n >= 10000:
        return "".join(digits[int(d)] for d in str(n))
    if n < 20:
        return ten + (digits[n - 10] if n > 10 else "")
    out, started, zero = "", False, False
    for value, name in ((1000, thousand), (100, hundred), (10, ten), (1, "")):
        digit = n // value % 10
        if digit:
            out += (digits[0] if zero else "") + digits[digit] + name
            started, zero = True, False
        elif started:
            zero = True
    return out


def chapter_anchor(typesetter: Typesetter, index: int, chapter: model.Chapter) -> Anchor:
    wording = typesetter.style.wording
    numeral = chinese_numeral(index + 1, wording.numerals, wording.ten, wording.hundred, wording.thousand)
    return Anchor(f"ch{index + 1}", 0, wording.chapter_number.format(numeral=numeral, n=index + 1), chapter.title,
                  chapter.location, f"chapters[{index}].title")


def article_anchor(typesetter: Typesetter, chapter_index: int, index: int, article: model.Article) -> Anchor:
    number = typesetter.style.wording.article_number.format(chapter=chapter_index + 1, article=index + 1)
    return Anchor(f"ch{chapter_index + 1}.{index + 1}", 1, number, article.title, article.location,
                  f"chapters[{chapter_index}].articles[{index}].title")


def build_chapters(typesetter: Typesetter, chapters: tuple[model.Chapter, ...]) -> list[Flowable]:
    """The body: each chapter on a new page, then its articles."""
    story: list[Flowable] = []
    for ci, chapter in enumerate(chapters):
        if ci:
            story.append(PageBreak())
        story.append(heading(typesetter, chapter_anchor(typesetter, ci, chapter), "chapter"))
        for ai, article in enumerate(chapter.articles):
            story.append(heading(typesetter, article_anchor(typesetter, ci, ai, article), "article"))
            story.extend(with_sources(build_blocks(typesetter, article.blocks, "body"),
                                      [source_line(typesetter, source) for source in article.sources]))
        story.append(ChapterEnd(ci))
    return story


def with_sources(blocks: list[Flowable], sources: list[CJKParagraph]) -> list[Flowable]:
    """The article's blocks and source lines, the sources kept with the last paragraph."""
    if sources and blocks and type(blocks[-1]) is CJKParagraph:
        return [*blocks[:-1], WithSources(blocks[-1], sources)]
    return [*blocks, *sources]


def heading(typesetter: Typesetter, anchor: Anchor, role: str) -> Heading:
    style = typesetter.style
    size = typesetter.size(role)
    gap = style.headings.article_number_gap.pt(size)
    number_width = typesetter.width(anchor.number, role) + (gap if role == "article" else 0)
    number = typesetter.make_paragraph(anchor.number, role, spaceBefore=0, spaceAfter=0, firstLineIndent=0)
    title = head_paragraph(typesetter, anchor.title, role, firstLineIndent=0)
    if role != "chapter":
        return Heading(anchor, number, number_width, title)
    headings = style.headings
    return Heading(anchor, number, number_width, title, rule_width=headings.chapter_rule.pt(size),
                   rule_color=style.color(headings.chapter_rule_color), rule_gap=headings.chapter_rule_gap.pt(size))


def build_blocks(typesetter: Typesetter, blocks: tuple[model.Block, ...], role: str) -> list[Flowable]:
    out: list[Flowable] = []
    for block in blocks:
        if isinstance(block, model.Paragraph):
            out.append(typesetter.make_paragraph(block.runs, role))
        elif isinstance(block, model.Subheading):
            para = typesetter.make_paragraph(block.runs, "subheading" if block.level == 1 else "subheading_minor")
            para.keepWithNext = True
            out.append(para)
        elif isinstance(block, model.ListBlock):
            out.extend(list_items(typesetter, block))
        elif isinstance(block, model.Table):
            out.append(table(typesetter, block))
        elif isinstance(block, model.Figure):
            out.append(figure(typesetter, block))
    return out


def list_items(typesetter: Typesetter, block: model.ListBlock) -> list[Flowable]:
    size = typesetter.size("list_item")
    indent = typesetter.text_style("list_item").left_indent.pt(size)
    items = []
    for i, runs in enumerate(block.items):
        bullet = f"{block.start + i}." if block.ordered else "•"
        items.append(typesetter.make_paragraph(runs, "list_item", bullet=bullet,
                                               bullet_indent=indent - typesetter.width(bullet + " ", "list_item")))
    return items


def table(typesetter: Typesetter, block: model.Table) -> Flowable:
    """A pipe table (``layout.pages.table``); InputError at its line if it cannot fit the frame."""
    return make_table(typesetter, block)


def source_line(typesetter: Typesetter, source: model.Source) -> Flowable:
    wording = typesetter.style.wording
    label = source.label or wording.default_source_label
    before, _, after = wording.source_line.partition("{url}")
    runs = (model.Run(before.format(label=label)), model.Run(source.url, href=source.url),
            model.Run(after.format(label=label)))
    return typesetter.make_paragraph(tuple(r for r in runs if r.text), "source")
