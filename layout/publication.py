"""The publication folder: where an edition's styles, fonts and output live, and the lookup order.

An edition belongs to a *publication folder*: the folder it sits in, or that folder's parent
when it sits in a folder named ``issues/`` (the repository's own layout: ``issues/``,
``styles/``, ``fonts/``, ``output/`` side by side). Nothing depends on the working directory.

Styles (``--style NAME|PATH``, else ``edition.style``, else ``briefing``) are looked up in order:

1. a path (a name with a ``/`` or ending in ``.yaml``): that file, relative to the working
   directory when not absolute;
2. ``<publication>/styles/NAME.yaml``;
3. the built-in styles shipped in the package.

A ``base:`` style is looked up the same way, starting in the folder of the style that names it.
Font files named by a style are looked up: an absolute path; the style's ``fonts.dirs`` (each
relative to the style file that lists it, a derived style's before its base's); then
``<publication>/fonts``; then the built-in fonts. So a house style whose ``fonts.dirs`` point
nowhere (copied alone, or installed) still finds the shipped fonts.

The default output is ``<publication>/output/<edition>.pdf``.

The built-in styles and fonts are the repository's ``styles/`` and ``fonts/``: the wheel carries
them as ``layout/builtin_styles`` and ``layout/builtin_fonts`` (``pyproject.toml`` maps the
folders), found with ``importlib.resources``; run from a checkout, the top-level folders are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from layout.errors import InputError, Location, Problem

DEFAULT_STYLE = "briefing"
STYLE_SUFFIXES = (".yaml", ".yml")


@cache
def builtin_dir(kind: str) -> Path:
    """The built-in ``styles`` or ``fonts`` folder."""
    from importlib import resources  # here: an unchanged rebuild must not wait for it

    packaged = resources.files("layout") / f"builtin_{kind}"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / kind  # running from a checkout


def publication_folder(edition: Path) -> Path:
    """The edition's folder, or its parent when the edition sits in ``issues/``."""
    folder = Path(os.path.abspath(edition)).parent
    return folder.parent if folder.name == "issues" else folder


def default_output(edition: Path) -> Path:
    return publication_folder(edition) / "output" / f"{edition.stem}.pdf"


def style_dirs(publication: Path | None) -> list[tuple[Path, str]]:
    """Folders searched for a style by name, in order, each with how ``briefing styles`` calls it."""
    found = [(publication / "styles", "publication")] if publication is not None else []
    return [*found, (builtin_dir("styles"), "built-in")]


def font_dirs(publication: Path | None) -> list[Path]:
    """Folders searched for fonts after a style's own ``fonts.dirs``."""
    found = [publication / "fonts"] if publication is not None else []
    return [*found, builtin_dir("fonts")]


@dataclass(frozen=True)
class VisibleStyle:
    name: str
    path: Path
    origin: str
    """'publication' or 'built-in'."""
    shadowed: bool = False
    """A style of the same name earlier in the lookup order wins."""


def visible_styles(publication: Path | None) -> list[VisibleStyle]:
    """Every style a name can reach from ``publication``, in lookup order."""
    seen: set[str] = set()
    folders: set[Path] = set()
    styles = []
    for folder, origin in style_dirs(publication):
        if not folder.is_dir() or folder.resolve() in folders:
            continue  # run from the checkout, the publication's styles/ are the built-in ones
        folders.add(folder.resolve())
        for path in sorted(p for p in folder.iterdir() if p.suffix in STYLE_SUFFIXES and p.is_file()):
            styles.append(VisibleStyle(path.stem, path, origin, shadowed=path.stem in seen))
            seen.add(path.stem)
    return styles


def is_path(name_or_path: str) -> bool:
    return "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(STYLE_SUFFIXES)


def find_style(name_or_path: str, publication: Path | None, first: Path | None = None,
               relative_to: Path | None = None, where: Location | None = None, key_path: str = "") -> Path:
    """The style file ``name_or_path`` names, in the lookup order (``first``: a folder tried before
    the publication's, for ``base:``; ``relative_to``: the folder a relative path starts from,
    default the working directory). Raises InputError listing the styles that exist."""
    if is_path(name_or_path):
        path = Path(name_or_path).expanduser()
        path = path if path.is_absolute() else (relative_to or Path.cwd()) / path
        if path.is_file():
            return path
        raise InputError([Problem(where or Location(Path("--style")), f"style file {path} not found; check the path",
                                  key_path)])
    folders = list(dict.fromkeys(([first] if first is not None else [])
                                 + [folder for folder, _ in style_dirs(publication)]))
    for folder in folders:
        for suffix in STYLE_SUFFIXES:
            candidate = folder / f"{name_or_path}{suffix}"
            if candidate.is_file():
                return candidate
    names = ", ".join(f"{s.name} ({s.origin})" for s in visible_styles(publication))
    looked = ", ".join(str(folder) for folder in folders)
    raise InputError([Problem(where or Location(Path("--style")),
                              f"style '{name_or_path}' not found (looked in {looked}); the styles are: "
                              f"{names or 'none'}; name one of them or give the path of a .yaml file",
                              key_path)])
