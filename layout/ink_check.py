"""``check``'s text-colour row: is black and grey text set with the K ink alone?

Read from the content streams only (pikepdf): the fill colour in force at every
text-showing operator (``Tj``, ``TJ``, ``'``, ``"``), followed through ``q``/``Q``, ``g``,
``rg``, ``k`` and ``cs``/``sc``/``scn``. A colour is

- *K only*: DeviceGray (the initial fill colour too), or DeviceCMYK with c = m = y = 0;
- *four-colour grey*: a neutral in RGB (r = g = b) or CMYK (c = m = y > 0), which a press
  separates into all four inks (#1c1c1c → about 280%): the row fails on any;
- *colour*: anything else (heads, links in the accent or link colour), reported, not judged.

Body text is the text set at the body size the build recorded (layout.pdfrecord).
``check`` has layout.pagetext follow the colours as it reads the glyphs (``PdfView.text_runs``,
the same walk as ``text_colours``), so the streams are parsed once.
"""

from __future__ import annotations

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_SPACES = {"/DeviceGray": "gray", "/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/G": "gray", "/RGB": "rgb",
           "/CMYK": "cmyk"}


def classify(space: str, values: tuple[float, ...]) -> str:
    """``k``, ``grey4`` or ``colour`` (see the module's docstring)."""
    if space == "gray":
        return "k"
    if space == "cmyk" and len(values) == 4:
        c, m, y, _ = values
        if c == m == y == 0:
            return "k"
        return "grey4" if c == m == y else "colour"
    if space == "rgb" and len(values) == 3:
        r, g, b = values
        return "grey4" if abs(r - g) < 1e-3 and abs(g - b) < 1e-3 else "colour"
    return "colour"


def text_colours(page: pikepdf.Page) -> list[tuple[str, float, str]]:
    """(class, font size, colour as written) of every text-showing operator of ``page``."""
    stack: list[tuple[str, tuple[float, ...], str]] = []
    fill: tuple[str, tuple[float, ...], str] = ("gray", (0.0,), "0 g")
    space, size, out = "gray", 0.0, []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(fill)
        elif op == "Q" and stack:
            fill = stack.pop()
        elif op in ("g", "rg", "k"):
            values = tuple(float(v) for v in operands)
            fill = ({"g": "gray", "rg": "rgb", "k": "cmyk"}[op], values,
                    " ".join(f"{v:g}" for v in values) + f" {op}")
        elif op == "cs" and operands:
            space = _SPACES.get(str(operands[0]), "other")
            fill = (space, (), f"{operands[0]} cs")
        elif op in ("sc", "scn"):
            # pikepdf gives reals as Decimal: every operand but a pattern's name is a component
            values = tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))
            fill = (space, values, " ".join(f"{v:g}" for v in values) + f" {op}")
        elif op == "Tf" and len(operands) == 2:
            size = float(operands[1])
        elif op in TEXT_OPERATORS:
            out.append((classify(fill[0], fill[1]), size, fill[2]))
    return out


def check_text_colour(view) -> object:
    from layout.check import CheckResult

    name = "text colour: body text is pure black (K only)"
    body_size = view.style.text.body.size.pt() if view.style is not None else None
    counts = {"k": 0, "grey4": 0, "colour": 0}
    body = {"k": 0, "grey4": 0, "colour": 0}
    problems: list[str] = []
    runs = view.text_runs  # read with the glyphs (layout.pagetext), else from the streams here
    for index, page in enumerate(view.pdf.pages):
        found = text_colours(page) if runs is None else \
            [(classify(space, values), size, written) for (space, values, written), size in runs[index]]
        for kind, size, written in found:
            counts[kind] += 1
            if body_size is not None and abs(size - body_size) < 0.01:
                body[kind] += 1
            problem = f"page {index + 1}: text in {written}"
            if kind == "grey4" and len(problems) < 3 and problem not in problems:
                problems.append(problem)
    if problems:
        return CheckResult(name, "fail", f"{counts['grey4']} text runs in a grey of four inks, e.g. "
                           + "; ".join(problems) + "; set them in DeviceGray (gray(g) in the style)")
    if not sum(counts.values()):
        return CheckResult(name, "pass", "no text")
    if body_size is not None and body["k"] >= body["colour"]:
        what = f"body text K only ({body['k']} runs" + (f", {body['colour']} in a link colour)" if body["colour"]
                                                        else ")")
    else:
        what = "body text in a colour of its style"
    return CheckResult(name, "pass", f"{what}; in all {counts['k']} runs K only, {counts['colour']} in colour, "
                                     "none in a grey of four inks")
