"""Files the corpus writes beside its editions: images of every mode and shape, damaged and
hostile ones (a PNG cut in half, a pixel-bomb header, a symlink out of the folder), a sparse file.

Each maker takes the path to write. Large images are written as raw PNG chunks from a
compressed stream, so the generator never holds the pixels in memory.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from PIL import Image

FileMaker = Callable[[Path], None]


def png(size: tuple[int, int], mode: str = "RGB", **save) -> FileMaker:
    def make(path: Path) -> None:
        color = {"RGBA": (23, 96, 74, 128), "LA": (80, 128), "L": 80, "1": 1, "I;16": 30000,
                 "P": 1, "CMYK": (10, 80, 60, 20)}.get(mode, (23, 96, 74))
        image = Image.new(mode, size, color)
        if mode == "P":
            image.putpalette([255, 255, 255, 23, 96, 74] + [0] * 762)
            image.paste(0, (0, 0, size[0] // 2, size[1]))
        fmt = "JPEG" if path.suffix.lower() in (".jpg", ".jpeg") else path.suffix.lstrip(".").upper()
        image.save(path, fmt if fmt != "JPG" else "JPEG", **save)
    return make


def png_rgba16(path: Path) -> None:
    """A 16-bit-per-channel RGBA PNG (Pillow cannot write one: raw chunks)."""
    width, height = 40, 30
    raw = b"".join(b"\0" + struct.pack(">4H", 6000, 24000, 19000, 32768) * width for _ in range(height))
    _write_png(path, width, height, 16, 6, zlib.compress(raw))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _write_png(path: Path, width: int, height: int, depth: int, color: int, idat: bytes) -> None:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))


def huge_gray_png(side: int) -> FileMaker:
    """A side×side 8-bit grey PNG of zeros, compressed in a stream (no big image in memory)."""
    def make(path: Path) -> None:
        compressor = zlib.compressobj(9)
        row = b"\0" * (side + 1)
        parts = [compressor.compress(row) for _ in range(side)]
        parts.append(compressor.flush())
        _write_png(path, side, side, 8, 0, b"".join(parts))
    return make


def pixel_bomb(path: Path) -> None:
    """A PNG header claiming 100000×100000 RGBA pixels, with a few bytes of data."""
    _write_png(path, 100_000, 100_000, 8, 6, zlib.compress(b"\0" * 1000))


def corrupt_png(path: Path) -> None:
    buffer = BytesIO()
    Image.new("RGB", (200, 100), (23, 96, 74)).save(buffer, "PNG")
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])


def symlink_outside(path: Path) -> None:
    outside = path.parent.parent.parent / "outside.png"
    png((20, 20))(outside)
    path.symlink_to(outside)


def sparse(size: int) -> FileMaker:
    def make(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)
    return make
