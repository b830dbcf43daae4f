"""Image intake: decode limits, colour conversion, placement size.

Every figure goes through here twice: ``check_image`` when the edition is read (the
header first, so that a file with too many pixels is refused before anything is
decoded), and ``pdf_image`` when the page is drawn (the pixels as the PDF variant
allows them).

Resolution. A figure is placed at its own resolution: the ppi its file records (PNG
``pHYs``, JPEG JFIF/EXIF density), or ``DEFAULT_PPI`` when it records none or an
implausible one (below ``MIN_PLAUSIBLE_PPI`` or above ``MAX_PLAUSIBLE_PPI``). It is then
shrunk (never enlarged) to fit the frame's width and the frame's height less its
caption, keeping its proportions. A figure that prints below ``LOW_PPI`` at its placed
size gets a warning naming the file.

Colour. PDF/A-1 forbids transparency and, with our sRGB output intent, CMYK: under
PDF/A-1b transparency is flattened onto the page colour (white) and CMYK, palette,
16-bit and other modes become 8-bit sRGB (or grey), each with a one-line note. Under
PDF/A-2b an alpha channel is kept (as an /SMask, which 2b allows); CMYK is still
converted, because device CMYK needs a CMYK output intent in every PDF/A part. Without
PDF/A (``--pdf-a none``) transparency is kept too. JPEGs in RGB or grey are embedded as
they are (no re-encoding), unless their EXIF orientation says the camera stored them
turned (they are turned upright) or they are a camera's multi-picture MPO (the first
picture is kept).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

FORMATS = {"PNG", "JPEG"}
MAX_PIXELS = 40_000_000
"""Largest image accepted (width × height), checked from the header before decoding:
40 Mpx is 7700 × 5200, twice what a full A4 page needs at 600 ppi, and keeps a build's
memory well under 500 MB."""
DEFAULT_PPI = 150.0
"""Resolution assumed for a file that records none: a 1000 px wide chart prints 169 mm wide."""
MIN_PLAUSIBLE_PPI, MAX_PLAUSIBLE_PPI = 50.0, 2400.0
LOW_PPI = 150.0
"""Below this at its placed size a figure looks soft in print: a warning names the file."""
PAGE_COLOUR = (255, 255, 255)
MAX_EMBED_PPI, EMBED_PPI = 450.0, 300.0
"""A figure decoded for embedding (PNG, or a JPEG that needs conversion) with more than
MAX_EMBED_PPI at its placed size is resampled to EMBED_PPI: print needs no more, and the
build's memory and the file stay small. An RGB or grey JPEG goes in untouched."""

# Pillow's own bomb check would print a raw DecompressionBombWarning (or raise) on its own
# terms; ours runs first, from the header, so Pillow's is switched off where we decode.
Image.MAX_IMAGE_PIXELS = None


class ImageProblem(Exception):
    """Why an image cannot be placed: ``what is wrong; what to do`` (no file name)."""


@dataclass(frozen=True)
class ImageInfo:
    """What the header says: enough to place the figure and to decide its conversion."""

    path: Path
    format: str
    width: int
    height: int
    mode: str
    ppi: float
    """The resolution the figure is placed at (the file's, or DEFAULT_PPI)."""
    has_alpha: bool
    icc_profile: bytes | None
    orientation: int = 1
    """EXIF orientation (1 upright; 5-8 turned a quarter): cameras store photos unrotated."""
    multi_picture: bool = False
    """A camera's MPO: a JPEG with a second picture appended, embedded as its first only."""

    @property
    def natural_size(self) -> tuple[float, float]:
        """Width and height in points at ``ppi``."""
        return self.width * 72.0 / self.ppi, self.height * 72.0 / self.ppi


@dataclass(frozen=True)
class ImagePolicy:
    """What the PDF variant allows of an image's pixels."""

    keep_alpha: bool = False
    keep_cmyk: bool = False
    variant: str = "PDF/A-1b"
    """The variant's name, for the notes that say why pixels were converted."""


def policy_for(flavour: str | None) -> ImagePolicy:
    """The image policy of a PDF/A flavour ('1b', '2b', … or None for a plain PDF)."""
    if flavour is None:
        return ImagePolicy(keep_alpha=True, keep_cmyk=True, variant="a plain PDF")
    return ImagePolicy(keep_alpha=not flavour.startswith("1"), keep_cmyk=False, variant=f"PDF/A-{flavour}")


def inspect_image(path: Path) -> ImageInfo:
    """Read only the header of ``path``; raise ImageProblem if it cannot be placed."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise ImageProblem(f"cannot be read ({exc.strerror}); check its permissions") from None
    if not head:
        raise ImageProblem("is an empty file; export the image again")
    try:
        with Image.open(path) as image:  # lazy: reads the header, decodes nothing
            kind, (width, height), mode = image.format, image.size, image.mode
            info = dict(image.info)
            has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in info
            if width * height > MAX_PIXELS:
                raise ImageProblem(f"is {width} × {height} pixels, over the limit of {MAX_PIXELS // 1_000_000} "
                                   "million; scale it down (3000 px on the long side prints 250 mm at 300 ppi)")
            orientation = _orientation(image, info)
    except ImageProblem:
        raise
    except PermissionError as exc:
        raise ImageProblem(f"cannot be read ({exc.strerror}); check its permissions") from None
    except Exception:  # noqa: BLE001 - Pillow raises many types for damaged headers
        raise ImageProblem("is not a readable PNG or JPEG image (damaged or another format); "
                           "export it again as PNG") from None
    multi_picture = kind == "MPO"  # what phones write: a JPEG for everyone who reads it
    kind = "JPEG" if multi_picture else kind
    if kind not in FORMATS:
        raise ImageProblem(f"is a {kind} image, which the layout does not place; convert it to PNG or JPEG")
    if orientation >= 5:
        width, height = height, width
    return ImageInfo(path, kind, width, height, mode, _ppi(info.get("dpi")), has_alpha,
                     info.get("icc_profile") or None, orientation, multi_picture)


def _orientation(image: Image.Image, info: dict) -> int:
    """The EXIF orientation, from the header only: a JPEG's APP1, or a PNG's eXIf chunk if it
    comes before the pixels (Pillow's ``getexif`` would decode a PNG to look after them)."""
    if image.format in ("JPEG", "MPO"):
        exif = image.getexif()
    elif info.get("exif"):
        exif = Image.Exif()
        exif.load(info["exif"])
    else:
        return 1
    value = exif.get(0x0112, 1)
    return value if value in range(1, 9) else 1


def check_image(path: Path) -> ImageInfo:
    """``inspect_image``, then decode the pixels once: truncated data only shows there."""
    info = inspect_image(path)
    try:
        with warnings.catch_warnings(), Image.open(path) as image:
            warnings.simplefilter("ignore")
            image.load()
    except Exception:  # noqa: BLE001 - Pillow raises many types for damaged data
        raise ImageProblem("is damaged (it cannot be decoded); export it again as PNG") from None
    return info


def _ppi(dpi: object) -> float:
    """The horizontal resolution a file records, if plausible; else DEFAULT_PPI."""
    try:
        value = float(dpi[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_PPI
    return value if MIN_PLAUSIBLE_PPI <= value <= MAX_PLAUSIBLE_PPI else DEFAULT_PPI


def placed_size(info: ImageInfo, max_width: float, max_height: float) -> tuple[float, float]:
    """The figure's size in points: its natural size, shrunk to fit the box, never enlarged."""
    width, height = info.natural_size
    scale = min(1.0, max_width / width, max(max_height, 1.0) / height)
    return width * scale, height * scale


def effective_ppi(info: ImageInfo, placed_width: float, placed_height: float | None = None) -> float:
    """Pixels per inch where the figure prints (the lower of the two directions when the
    height is given: rounding makes them differ for a figure one pixel thin)."""
    across = info.width / (placed_width / 72.0)
    return across if placed_height is None else min(across, info.height / (placed_height / 72.0))


def conversion(info: ImageInfo, policy: ImagePolicy) -> str | None:
    """What ``pdf_image`` will do to the pixels under ``policy``, in words, or None."""
    steps = []
    if info.has_alpha and not policy.keep_alpha:
        steps.append("transparency flattened onto white")
    if info.mode == "CMYK" and not policy.keep_cmyk:
        steps.append("CMYK converted to sRGB")
    return ", ".join(steps) or None  # 16 bits, palettes … become 8-bit RGB or grey silently: nothing is lost to see


def pdf_image(info: ImageInfo, policy: ImagePolicy, placed: tuple[float, float]) -> str | Image.Image | io.BytesIO:
    """The figure as ReportLab should embed it: the file itself when it may go in as it
    is (a JPEG in RGB or grey), else 8-bit L, RGB or (when kept) RGBA pixels, resampled
    to EMBED_PPI when the file has more than MAX_EMBED_PPI at its ``placed`` size (points)."""
    if info.format == "JPEG" and info.mode in ("RGB", "L") and info.orientation == 1 and not info.multi_picture:
        return str(info.path)
    target = tuple(max(1, round(side / 72.0 * EMBED_PPI)) for side in placed)
    resample = effective_ppi(info, *placed) > MAX_EMBED_PPI
    with warnings.catch_warnings(), Image.open(info.path) as source:
        warnings.simplefilter("ignore")
        if resample and info.format == "JPEG":
            # The decoder skips what it need not make (the request is in the stored orientation).
            source.draft(source.mode, target if info.orientation < 5 else target[::-1])
        source.load()
        image = ImageOps.exif_transpose(source) if info.orientation != 1 else source
        if resample and image.mode not in _HIGH_DEPTH:
            image = _reduce_in_strips(image, (image.width // target[0], image.height // target[1]))
        image = _eight_bit(image, info)
    if resample and (image.width, image.height) != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if image.mode == "CMYK" and not policy.keep_cmyk:
        image = _cmyk_to_srgb(image, info.icc_profile)
    if image.mode in ("RGBA", "LA") and not policy.keep_alpha:
        image = _flatten(image)
    if info.format == "JPEG" and image.mode in ("RGB", "L"):
        buffer = io.BytesIO()  # a converted JPEG stays a JPEG: a photo as Flate would be 5-10× larger
        image.save(buffer, "JPEG", quality=92, optimize=False)
        buffer.seek(0)
        return buffer
    return image


_HIGH_DEPTH = ("I;16", "I;16B", "I;16L", "I", "F")


def _reduce_in_strips(image: Image.Image, factor: tuple[int, int]) -> Image.Image:
    """``image`` shrunk by whole ``factor``s across and down (box filter), a band of rows
    at a time: Pillow copies a whole RGBA image to premultiply it, which a strip keeps
    small. (A Lanczos resize over a large factor builds a kernel table of factor² size.)"""
    across, down = max(1, factor[0]), max(1, factor[1])
    if across == down == 1:
        return image
    step = down * max(1, 256 // down)
    parts = [image.crop((0, top, image.width, min(image.height, top + step))).reduce((across, down))
             for top in range(0, image.height, step)]
    out = Image.new(parts[0].mode, (parts[0].width, sum(part.height for part in parts)))
    y = 0
    for part in parts:
        out.paste(part, (0, y))
        y += part.height
    return out


def _eight_bit(image: Image.Image, info: ImageInfo) -> Image.Image:
    """Pixels in L, LA, RGB, RGBA or CMYK, 8 bits per channel."""
    mode = image.mode
    if mode in _HIGH_DEPTH:
        high = 65535 if mode.startswith("I;16") or _peak(image) > 255 else 255
        return image.convert("F").point(lambda v: v * 255.0 / high).convert("L")
    if mode in ("RGBA", "LA", "CMYK") or (mode in ("L", "RGB") and not info.has_alpha):
        return image
    if mode in ("L", "RGB", "P", "PA", "1"):  # a palette, or a colour key (tRNS) as transparency
        grey = mode in ("L", "1") or (mode == "P" and _grey_palette(image))
        alpha = info.has_alpha or mode == "PA"
        return image.convert(("LA" if grey else "RGBA") if alpha else ("L" if grey else "RGB"))
    return image.convert("RGB")  # YCbCr, LAB, HSV …


def _peak(image: Image.Image) -> float:
    return image.getextrema()[1]


def _grey_palette(image: Image.Image) -> bool:
    palette = image.getpalette() or []
    return all(palette[i] == palette[i + 1] == palette[i + 2] for i in range(0, len(palette) - 2, 3))


def _flatten(image: Image.Image) -> Image.Image:
    """Composite onto the page colour: what the reader would see on a white page."""
    if image.mode == "LA":
        background = Image.new("L", image.size, PAGE_COLOUR[0])
        background.paste(image.convert("L"), mask=image.getchannel("A"))
        return background
    background = Image.new("RGB", image.size, PAGE_COLOUR)
    background.paste(image.convert("RGB"), mask=image.getchannel("A"))
    return background


def _cmyk_to_srgb(image: Image.Image, profile: bytes | None) -> Image.Image:
    """Through the file's own ICC profile when it has one, else Pillow's naive formula.
    (Pillow already undoes Adobe's inverted CMYK when it decodes such a JPEG.)"""
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                             outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB")
