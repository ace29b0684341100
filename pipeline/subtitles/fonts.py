"""Fonts as libass sees them: which file a name resolves to, what it covers, how wide text is.

Burned subtitles are drawn by libass, which finds fonts through fontconfig and quietly
substitutes another family when the one asked for is missing, and draws a box ("tofu") for a
character the font lacks. Both are checked here before anything is rendered.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import FontNotInstalled, SubtitleError
from pipeline.messages import N_, Message, say
from pipeline.subtitles.normalise import IGNORABLE

if TYPE_CHECKING:
    import uharfbuzz as hb

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
INSTALL_HINT = say(N_("install it (Noto fonts: 'apt-get install fonts-noto-core'), or give the "
                      "path of a .ttf/.otf file as the font"))
# Where fontconfig finds a font the user installs, on every system it runs on.
USER_FONTS = "~/.local/share/fonts"
SHORT_LIST = 6      # installed families a hint names, when there are no more


@dataclass(frozen=True)
class Font:
    family: str  # the family name libass is asked for in the ASS style
    path: Path


# --- resolving --------------------------------------------------------------------------------

@functools.cache
def resolve_font(name_or_path: str) -> Font:
    """A font file's path, or a family name resolved by fontconfig as libass does.

    Raises `SubtitleError` when the file is missing or fontconfig would substitute another family.
    """
    if name_or_path.lower().endswith(FONT_SUFFIXES) or "/" in name_or_path:
        return _font_file(Path(name_or_path).expanduser())
    path, families = _fc_match(name_or_path)
    wanted = _normalise(name_or_path)
    for family in families:
        if _normalise(family) == wanted:
            return Font(family, path)
    # fonts-noto-core helps a Noto family only: Arial is no package of it.
    hint = INSTALL_HINT if wanted.startswith("noto") else say(
        N_("install it (its .ttf or .otf file in %(folder)s), or give the path of a .ttf/.otf "
           "file as the font"), folder=USER_FONTS)
    raise FontNotInstalled(name_or_path, f'"{families[0] if families else path.name}" ({path})',
                           hint=hint)


def style_font_hint(family: str, campaign: str, styles: int = 1) -> Message:
    """What helps when the font `family` that `styles` ASS/SSA styles of the translator's file
    name is not installed: installing it, or naming an installed one in the styles: the
    campaign's font `campaign` when it is installed, and every installed family when they are
    few."""
    such_as: Message | str = ""
    try:
        such_as = say(N_(", such as the campaign's %(font)s"),
                      font=f'"{resolve_font(campaign).family}"')
    except SubtitleError:     # its own error says so
        pass
    families = installed_families()
    installed: Message | str = ""
    if len(families) <= SHORT_LIST:
        installed = say(N_(" (installed: %(families)s)"),
                        families=", ".join(families) or say(N_("none")))
    whose = say(N_("the style's font")) if styles == 1 else \
        say(N_("the font of these %(count)s styles"), count=styles)
    return say(N_("install %(font)s (its .ttf or .otf file in %(folder)s), or change %(whose)s "
                  "in the file to an installed one%(such_as)s%(installed)s"),
               font=f'"{family}"', folder=USER_FONTS, whose=whose, such_as=such_as,
               installed=installed)


@functools.cache
def installed_families() -> tuple[str, ...]:
    """The font families fontconfig has, each once, sorted."""
    binary = shutil.which("fc-list")
    if binary is None:
        return ()
    result = subprocess.run([binary, ":", "family"], capture_output=True, text=True,
                            check=False)
    return tuple(sorted({line.split(",")[0].strip() for line in result.stdout.splitlines()
                         if line.strip()}))


def bold_variant(font: Font) -> Font:
    """The face libass uses for bold text of `font`'s family (itself when there is none)."""
    try:
        path, families = _fc_match(f"{font.family}:weight=bold")
    except SubtitleError:
        return font
    if any(_normalise(family) == _normalise(font.family) for family in families):
        return Font(font.family, path)
    return font


def _normalise(family: str) -> str:
    return "".join(family.split()).casefold()


def _font_file(path: Path) -> Font:
    if not path.is_file():
        raise SubtitleError(say(N_("font file not found")), path, hint=INSTALL_HINT)
    try:
        with _open_font(path) as font:
            names = font["name"]
            # libass and VSFilter match the legacy family name (ID 1), as GDI does.
            family = names.getName(1, 3, 1, 0x409) or names.getDebugName(1)
    except Exception as exc:  # fontTools raises many kinds of errors for a broken file
        raise SubtitleError(say(N_("cannot read the font file: %(reason)s"), reason=str(exc)),
                            path, hint=say(N_("use a TrueType or OpenType font file"))) from None
    if not family:
        raise SubtitleError(say(N_("the font file has no family name")), path)
    return Font(str(family), path)


@functools.cache
def _fc_match(pattern: str) -> tuple[Path, tuple[str, ...]]:
    binary = shutil.which("fc-match")
    if binary is None:
        raise SubtitleError(say(N_("fc-match (fontconfig) not found")),
                            hint=say(N_("install it with 'apt-get install fontconfig'")))
    # fontconfig's pattern syntax gives '-', ':' and ',' a meaning; family names need them literal.
    if ":" in pattern:
        family, _, properties = pattern.partition(":")
        pattern = fc_escape(family) + ":" + properties
    else:
        pattern = fc_escape(pattern)
    result = subprocess.run([binary, "--format=%{file}\n%{family}\n", pattern],
                            capture_output=True, text=True, check=False)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or not lines[0]:
        raise SubtitleError(say(N_("fontconfig found no font for %(pattern)s"),
                                pattern=f'"{pattern}"'), hint=INSTALL_HINT)
    families = tuple(name for name in (lines[1] if len(lines) > 1 else "").split(",") if name)
    return Path(lines[0]), families


def fc_escape(name: str) -> str:
    for char in "\\-:,":
        name = name.replace(char, "\\" + char)
    return name


# --- coverage ---------------------------------------------------------------------------------

def _open_font(path: Path):
    """The font file's tables, read as they are asked for (fontTools' TTFont, first face)."""
    # fontTools and HarfBuzz are imported where fonts are read: only burned languages need them,
    # and their imports are 40 ms of every command's start (a soft or dubbed campaign's too).
    from fontTools.ttLib import TTFont

    return TTFont(path, lazy=True, fontNumber=0)


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    with _open_font(path) as font:
        return frozenset(font.getBestCmap() or {})


@functools.cache
def line_height_em(font: Font) -> float:
    """The distance between two lines of text in `font`, in ems: its ascent plus descent (the
    hhea table's, which libass lays lines out with; OS/2's typographic figures when hhea has
    none). Noto Sans: 1.362."""
    with _open_font(font.path) as face:
        hhea, units = face["hhea"], face["head"].unitsPerEm
        span = hhea.ascent - hhea.descent
        if span <= 0 and "OS/2" in face:
            span = face["OS/2"].sTypoAscender - face["OS/2"].sTypoDescender
    return span / units if span > 0 else 1.2


def covers(font: Font, char: str) -> bool:
    """Whether `font` has a glyph for the character `char`."""
    return ord(char) in _cmap(font.path)


# Letters whose precomposed glyph draws another letter, each with the sequence that draws it
# right. Noto Sans 2.004 (Debian 12's fonts-noto-core 20201225, the campaign's default font)
# builds U+1E74/U+1E75, U and u with a tilde *below* (a creaky vowel in some orthographies of
# Mexico's languages), from U/u and the tilde *above*, as it builds Ũ/ũ: its glyf composites
# say so, and a translator's trial saw "ṵ" burned as "ũ" with no warning. Written apart, u +
# U+0330, HarfBuzz composes them back into that glyph; a combining grapheme joiner between
# them (U+034F, default-ignorable: not drawn, and it stops the composition) leaves the mark
# to the font's mark attachment (GPOS), which puts it below. Right in any font that places
# U+0330, so applied whatever the font (tests/test_burn.py looks at the pixels).
DRAWN_APART = {"\u1e74": "U\u034f\u0330", "\u1e75": "u\u034f\u0330"}


def drawn_apart(font: Font) -> dict[str, str]:
    """`DRAWN_APART`'s letters whose parts `font` has: one without the mark would draw it
    from another font, unsaid (its coverage is checked on the letter as written)."""
    return {letter: parts for letter, parts in DRAWN_APART.items() if not uncovered(parts, font)}


def uncovered(text: str, font: Font) -> list[str]:
    """The distinct characters of `text` (spaces and default-ignorable characters aside) `font`
    has no glyph for, in order.

    Combining marks are checked like any other character: libass would draw a box for them.
    """
    cmap = _cmap(font.path)
    return [char for char in dict.fromkeys(text) if not char.isspace() and ord(char) not in cmap
            and not IGNORABLE.match(char)]


# --- measuring --------------------------------------------------------------------------------

@functools.cache
def _hb_font(path: Path) -> tuple[hb.Font, int]:
    import uharfbuzz as hb   # see _open_font

    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return hb.Font(face), face.upem


def units_per_em(font: Font) -> int:
    """The font's design units per em: what `advance` counts in."""
    return _hb_font(font.path)[1]


@functools.lru_cache(maxsize=65536)
def advance(line: str, font: Font) -> int:
    """Advance width of one line of text, in the font's design units (see `units_per_em`).

    Shaped with HarfBuzz, as libass does, so kerning counts and combining marks add nothing.
    In units, not pixels, so that one shaping serves every size and sums of widths are exact.
    """
    import uharfbuzz as hb   # see _open_font

    hb_font, _ = _hb_font(font.path)
    buffer = hb.Buffer()
    buffer.add_str(line)
    buffer.guess_segment_properties()
    hb.shape(hb_font, buffer, {})
    # An empty line shapes to no glyphs, and uharfbuzz gives None for their positions.
    return sum(position.x_advance for position in buffer.glyph_positions or ())


def text_width(text: str, font: Font, size_px: float) -> float:
    """Advance width in pixels of `text` (its widest line) set at an em of `size_px` pixels."""
    widest = max(advance(line, font) for line in text.split("\n"))
    return widest * size_px / units_per_em(font)


@functools.cache
def _vertical_units(path: Path) -> tuple[int, int, int]:
    """(ascender, descender, units per em) as libass's `set_font_metrics` takes them, the
    descender counted down from the baseline (positive)."""
    with _open_font(path) as font:
        upem = font["head"].unitsPerEm
        os2 = font["OS/2"] if "OS/2" in font else None
        if os2 is not None and os2.usWinAscent + os2.usWinDescent:
            return os2.usWinAscent, os2.usWinDescent, upem
        if "hhea" in font and font["hhea"].ascent - font["hhea"].descent:
            return font["hhea"].ascent, -font["hhea"].descent, upem
        if os2 is not None and os2.sTypoAscender - os2.sTypoDescender:
            return os2.sTypoAscender, -os2.sTypoDescender, upem
        return font["head"].yMax, -font["head"].yMin, upem


def _line_height_units(path: Path) -> tuple[int, int]:
    """(ascender + descender, units per em) as libass's `set_font_metrics` takes them."""
    ascent, descent, upem = _vertical_units(path)
    return ascent + descent, upem


def ascent_em(font: Font) -> float:
    """How far below the top of a line libass draws its baseline (`\\an7` puts the top where
    `\\pos` says), in ems of the size `ass_font_size` sets: the ascender libass takes (see
    `_vertical_units`) over units per em. Noto Sans: 1.069."""
    ascent, _, upem = _vertical_units(font.path)
    return ascent / upem


def ass_font_size(font: Font, em_px: float) -> float:
    """The ASS `Fontsize` that sets `font` at an em of `em_px` pixels (PlayResY = frame height).

    libass (ass_font.c) replaces FreeType's ascender/descender with the OS/2 table's usWinAscent
    and usWinDescent (as GDI and VSFilter do), then asks FreeType for a size of type
    FT_SIZE_REQUEST_TYPE_REAL_DIM with height = Fontsize: the font is scaled so that
    winAscent + winDescent spans Fontsize pixels. Hence

        Fontsize = em_px * (winAscent + winDescent) / unitsPerEm

    e.g. Noto Sans (1069 + 293 over 1000 units): an em of 54 px needs Fontsize 73.5.
    """
    line, upem = _line_height_units(font.path)
    return em_px * line / upem


def em_from_ass_font_size(font: Font, fontsize: float) -> float:
    """The inverse of `ass_font_size`: the em in pixels that an ASS Fontsize gives."""
    line, upem = _line_height_units(font.path)
    return fontsize * upem / line
