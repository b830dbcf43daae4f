"""Draw the figures of the two test editions (tests/editions/*/issues/figures/: figures/x.png
in an article resolves beside the edition file, as the README documents), deterministically.

Charts are lines and blocks only (no text, so no font is needed); each PNG stays under
60 KB. Run from anywhere: ``python tests/editions/make_figures.py``. The PNGs are committed;
rerunning rewrites the same pixels.

lvse-2022-03:    odd-shaped bar chart (figures/分行业排放.png, 760×1010)
jiance-2023-07:  very tall narrow strip (tall.png, 240×2400), very wide flat strip
                 (wide.png, 2400×220), a small low-resolution map (small.png, 300×200),
                 an RGBA PNG with transparency (rgba.png), and a Chinese file name with a
                 space (排放 趋势.png).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GREEN = (23, 96, 74)
LIGHT = (163, 205, 185)
GREY = (120, 120, 120)
BLUE = (29, 79, 145)
ORANGE = (214, 120, 40)


def bars(size: tuple[int, int], values: list[float], horizontal: bool = False) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    pad = max(8, min(width, height) // 12)
    draw.line([(pad, pad), (pad, height - pad), (width - pad, height - pad)], fill=GREY, width=3)
    n = len(values)
    if horizontal:
        step = (height - 2 * pad) / n
        for i, v in enumerate(values):
            y0 = pad + i * step + step * 0.2
            draw.rectangle([pad + 2, y0, pad + 2 + v * (width - 3 * pad), y0 + step * 0.6],
                           fill=GREEN if i % 2 else LIGHT)
    else:
        step = (width - 2 * pad) / n
        for i, v in enumerate(values):
            x0 = pad + i * step + step * 0.2
            draw.rectangle([x0, height - pad - v * (height - 3 * pad), x0 + step * 0.6, height - pad - 2],
                           fill=GREEN if i % 2 else LIGHT)
    return image


def line_chart(size: tuple[int, int], series: list[list[float]], mode: str = "RGB") -> Image.Image:
    width, height = size
    background = (255, 255, 255, 0) if mode == "RGBA" else "white"
    image = Image.new(mode, size, background)
    draw = ImageDraw.Draw(image)
    pad = max(6, min(width, height) // 10)
    for k in range(5):  # grid
        y = pad + k * (height - 2 * pad) / 4
        draw.line([(pad, y), (width - pad, y)], fill=(200, 200, 200, 255) if mode == "RGBA" else (220, 220, 220))
    colors = [GREEN, BLUE, ORANGE]
    for s, values in enumerate(series):
        points = [(pad + i * (width - 2 * pad) / (len(values) - 1), height - pad - v * (height - 2 * pad))
                  for i, v in enumerate(values)]
        color = colors[s % 3] + ((255,) if mode == "RGBA" else ())
        draw.line(points, fill=color, width=max(2, min(width, height) // 80))
    return image


def wave(n: int, phase: float, base: float = 0.5, amp: float = 0.35) -> list[float]:
    return [base + amp * math.sin(phase + i * 0.45) * (1 - i / (2 * n)) for i in range(n)]


def main() -> None:
    lvse = HERE / "lvse-2022-03" / "issues" / "figures"
    jiance = HERE / "jiance-2023-07" / "issues" / "figures"
    lvse.mkdir(parents=True, exist_ok=True)
    jiance.mkdir(parents=True, exist_ok=True)

    bars((760, 1010), [0.92, 0.61, 0.44, 0.37, 0.21, 0.15, 0.08]).save(lvse / "分行业排放.png", optimize=True)

    bars((240, 2400), [0.9, 0.75, 0.7, 0.62, 0.55, 0.5, 0.41, 0.33, 0.3, 0.22, 0.18, 0.12, 0.1, 0.05],
         horizontal=True).save(jiance / "tall.png", optimize=True)
    line_chart((2400, 220), [wave(40, 0.0), wave(40, 1.3, 0.4)]).save(jiance / "wide.png", optimize=True)
    small = bars((300, 200), [0.3, 0.55, 0.8, 0.45, 0.65])
    small.save(jiance / "small.png", optimize=True)
    rgba = line_chart((900, 560), [wave(24, 0.2), wave(24, 2.0, 0.45), wave(24, 3.1, 0.35)], mode="RGBA")
    ImageDraw.Draw(rgba).rectangle([600, 60, 860, 200], fill=(23, 96, 74, 96))  # a half-transparent block
    rgba.save(jiance / "rgba.png", optimize=True)
    line_chart((1000, 600), [wave(30, 0.7, 0.55, 0.3), wave(30, 2.4, 0.4, 0.25)]).save(
        jiance / "排放 趋势.png", optimize=True)

    for path in sorted(lvse.glob("*.png")) + sorted(jiance.glob("*.png")):
        size = path.stat().st_size
        assert size < 60_000, f"{path.name}: {size} bytes"
        print(f"{path.relative_to(HERE)}  {Image.open(path).size}  {Image.open(path).mode}  {size} bytes")


if __name__ == "__main__":
    main()
