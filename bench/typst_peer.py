"""The benchmark's peer: the same edition typeset by Typst (a benchmark dependency only).

``edition_to_typst`` turns an edition YAML into Typst markup with the same content and
the same page furniture as ours: A4, 25 mm margins, the shipped Noto Serif/Sans CJK
fonts, a cover, an outline (TOC with dotted leaders and page numbers), chapter and
article heads, CommonMark bodies (paragraphs, bold, links, lists, tables, figures), a
copyright footer with the folio. It is a fair peer, not a replica of our layout.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from markdown_it import MarkdownIt

_SPECIAL = set("\\#*_$@<>[]`~/=-+\"'")


def escape(text: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _inline(children) -> str:
    out = []
    for token in children or []:
        if token.type == "text":
            out.append(escape(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "strong_open":
            out.append("#strong[")
        elif token.type == "em_open":
            out.append("#emph[")
        elif token.type in ("strong_close", "em_close", "link_close"):
            out.append("]")
        elif token.type == "link_open":
            out.append(f'#link("{token.attrs["href"]}")[')
        elif token.type == "code_inline":
            out.append(escape(token.content))
        elif token.type == "image":
            out.append(f'#image("{token.attrs["src"]}", width: 80%)')
    return "".join(out)


def body_to_typst(markdown: str) -> str:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    out: list[str] = []
    row: list[str] = []
    cells: list[str] = []
    columns = 0
    for i, token in enumerate(tokens):
        if token.type == "inline":
            text = _inline(token.children)
            parent = tokens[i - 1].type
            if parent in ("th_open", "td_open"):
                row.append(f"[{text}]")
            elif parent == "heading_open":
                out.append(f"#strong[{text}]\n")
            elif tokens[i - 2].type == "list_item_open" if i >= 2 else False:
                out.append(f"- {text}\n")
            else:
                out.append(text + "\n\n")
        elif token.type == "tr_close":
            columns = max(columns, len(row))
            cells += row
            row = []
        elif token.type == "table_close":
            out.append(f"#table(columns: {columns}, {', '.join(cells)})\n\n")
            cells, columns = [], 0
        elif token.type == "bullet_list_close" or token.type == "ordered_list_close":
            out.append("\n")
    return "".join(out)


def edition_to_typst(path: Path) -> str:
    data = yaml.safe_load(path.read_text("utf-8"))
    edition = data["edition"]
    serif = '("Noto Serif Briefing", "Noto Serif SC Briefing")'
    sans = '("Noto Sans Briefing", "Noto Sans SC Briefing")'
    out = [
        f'#set document(title: "{escape(edition["title"])}")',
        '#set page(paper: "a4", margin: 25mm, footer: context [#set text(size: 8pt, font: '
        f'{sans}); {escape(edition["copyright"])} #h(1fr) #counter(page).display()])',
        f'#set text(font: {serif}, size: 10.5pt, lang: "zh", region: "cn")',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.8em)",
        f"#show heading: set text(font: {sans})",
        '#set heading(numbering: "1.1")',
        f'#page(footer: none)[#v(60mm)#align(center)[#text(size: 30pt, font: {sans})[{escape(edition["title"])}]'
        f'#v(8mm)#text(size: 16pt)[{escape(str(edition["issue_label"]))}]#v(1fr)'
        f'{escape(edition["publisher"])}]]',
        '#outline(title: [目录], indent: 2em)',
        "#pagebreak()",
        "#counter(page).update(1)",
    ]
    for chapter in data["chapters"]:
        out.append("#pagebreak(weak: true)")
        out.append(f"= {escape(chapter['title'])}\n")
        for article in chapter["articles"]:
            out.append(f"== {escape(article['title'])}\n")
            out.append(body_to_typst(article["body"]))
            for source in article.get("sources") or []:
                label = source.get("label", "原文链接")
                out.append(f'#align(right)[（{escape(label)}：#link("{source["url"]}"))）]\n')
    back = data.get("back_page")
    if back:
        out.append("#pagebreak()")
        out.append(f"#align(center)[#text(size: 16pt)[{escape(back['title'])}]]\n")
        out.append(escape(back.get("text", "")) + "\n")
        for contact in back.get("contacts", []):
            out.append(f"{escape(contact['label'])}：{escape(str(contact['value']))}\n")
    return "\n".join(out)
