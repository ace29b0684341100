"""A translator's own ASS/SSA styles (`style: {from_file: true}`): the installed font each
style's Fontname is, and the styles at the frame's size, their margins at least title-safe, the
width text may take measured in the style's font (`FileStyles`), for the burn, the title-safe
checks and the preview's specimen."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from pipeline.errors import (
    Diagnostic,
    FontNotInstalled,
    SubtitleError,
    error,
    raise_if_errors,
)
from pipeline.messages import N_plural, Items, say_count
from pipeline.subtitles.fonts import (
    Font,
    bold_variant,
    drawn_apart,
    em_from_ass_font_size,
    resolve_font,
    style_font_hint,
)
from pipeline.subtitles.glyphs import missing_glyphs
from pipeline.subtitles.linebreak import Layout, font_joiner, picture_columns, safe_margins
from pipeline.subtitles.model import Cue, SubtitleFile

if TYPE_CHECKING:
    from pipeline.subtitles.ssa import FileStyle   # read with pysubs2, loaded with ASS files only


@dataclass(frozen=True)
class StyleFont:
    """A style of the translator's ASS/SSA file and the installed font its Fontname is."""

    style: FileStyle
    font: Font


@dataclass(frozen=True)
class _Scaled:
    line: str
    layout: Layout
    font: Font
    edge: float         # how far its text reaches past the glyphs: outline and shadow or box


class FileStyles:
    """The file's styles at the frame's size: script units scaled from the file's PlayRes, the
    margins at least title-safe, the width text may take measured at the style's font. With
    `picture_width` (a picture between black bars, `linebreak.safe_margins`), the PlayRes's
    width is the picture's, and the margins are taken from its edges."""

    def __init__(self, styles: dict[str, StyleFont], width: int, height: int,
                 picture_width: int | None = None):
        self.names = {name: f"File{number}" for number, name in enumerate(sorted(styles), 1)}
        self.scaled = {name: self._scale(self.names[name], styles[name], width, height,
                                         picture_width)
                       for name in sorted(styles)}
        self.lines = ["\n" + scaled.line for scaled in self.scaled.values()]

    def of(self, cue: Cue) -> tuple[str, _Scaled | None]:
        if cue.style in self.scaled:
            return self.names[cue.style], self.scaled[cue.style]
        return "Default", None

    @staticmethod
    def _scale(name: str, chosen: StyleFont, width: int, height: int,
               picture_width: int | None) -> _Scaled:
        style, (res_x, res_y) = chosen.style.style, chosen.style.play_res
        bar, columns = picture_columns(width, picture_width)
        y, x = height / res_y, columns / res_x
        # Text scales with the short sides (linebreak.em_px): a file styled on a 1920x1080
        # script keeps its proportions on a 1080x1920 frame, not drawn 1.8 times larger.
        text = min(width, height) / min(res_x, res_y)
        fontsize, outline, shadow = style.fontsize * text, style.outline * text, style.shadow * text
        # The shadow (or BorderStyle 3's box's, or 4's padding) reaches past the outline.
        edge = outline + shadow
        safe_h, safe_top, safe_bottom = safe_margins(width, height, edge, picture_width)
        left = max(safe_h, bar + math.ceil(style.marginl * x))
        right = max(safe_h, bar + math.ceil(style.marginr * x))
        # ASS's alignments are a keypad's: 7 to 9 at the top, from which MarginV counts.
        vertical = max(safe_top if int(style.alignment) >= 7 else safe_bottom,
                       math.ceil(style.marginv * y))
        scale_x = max(style.scalex, 1) / 100
        measure = bold_variant(chosen.font) if style.bold else chosen.font
        # Glyphs fill the width between the margins, as libass places them; outline and shadow
        # reach past it, never past title-safe (the margins are at least safe_h). Text is
        # wrapped unscaled, so the width it may take is divided by the style's ScaleX.
        layout = Layout(em_from_ass_font_size(chosen.font, fontsize),
                        (width - left - right) / scale_x, measure, font_joiner(chosen.font),
                        apart=drawn_apart(chosen.font))
        # Angle 0: turned text would leave the title-safe area.
        line = (f"Style: {name},{chosen.font.family},{fontsize:.2f},{_colour(style.primarycolor)},"
                f"{_colour(style.secondarycolor)},{_colour(style.outlinecolor)},"
                f"{_colour(style.backcolor)},{-1 if style.bold else 0},{-1 if style.italic else 0},"
                f"{-1 if style.underline else 0},{-1 if style.strikeout else 0},{style.scalex:g},"
                f"{style.scaley:g},{style.spacing * x:g},0,{style.borderstyle},{outline:.2f},"
                f"{shadow:.2f},{int(style.alignment)},{left},{right},{vertical},1")
        return _Scaled(line, layout, chosen.font, edge)


def _colour(color) -> str:
    """pysubs2's Color as ASS `&HAABBGGRR`."""
    return f"&H{color.a:02X}{color.b:02X}{color.g:02X}{color.r:02X}"


def style_fonts(subtitles: SubtitleFile, campaign_font: str) -> dict[str, StyleFont]:
    """The font of each style the file's cues use, resolved as libass would find it.

    Raises `ValidationError` with one error for each font that cannot be found, at the line
    of the first style naming it, naming every style that does and how many of the file's
    lines each styles, all at once: an Aegisub file, every style in Arial (its default), had
    an error a style, five saying the same thing. The hint of one not installed names what
    helps (`fonts.style_font_hint`, with the campaign's `campaign_font`).
    """
    chosen: dict[str, StyleFont] = {}
    failed: dict[str, tuple[SubtitleError, list[str]]] = {}   # message -> (error, its styles)
    used = Counter(cue.style for cue in subtitles.cues if cue.style in subtitles.styles)
    for name in sorted(used, key=lambda name: subtitles.styles[name].line):
        style = subtitles.styles[name]
        try:
            chosen[name] = StyleFont(style, resolve_font(style.style.fontname))
        except SubtitleError as exc:
            failed.setdefault(exc.message, (exc, []))[1].append(name)
    raise_if_errors([_font_error(exc, names, used, subtitles, campaign_font)
                     for exc, names in failed.values()])
    return chosen


def _font_error(exc: SubtitleError, names: list[str], used: Counter, subtitles: SubtitleFile,
                campaign_font: str) -> Diagnostic:
    """The error of the font of styles `names` (in the file's order), `exc` its own, at the
    first's line; each style said with the lines (Dialogue events) it styles, `used`."""
    styles = Items(tuple(say_count(N_plural("%(style)s (%(count)s line)",
                                            "%(style)s (%(count)s lines)"),
                                   used[name], style=repr(name), count=used[name])
                         for name in names), ", ", " and ")
    line = subtitles.styles[names[0]].line
    if not isinstance(exc, FontNotInstalled):   # a font file that is missing or unreadable
        message = say_count(N_plural("style %(styles)s: %(problem)s",
                                     "styles %(styles)s: %(problem)s"), len(names),
                            styles=styles, problem=exc.said_message)
        return error(message, subtitles.path, line, exc.said_hint, "font")
    message = say_count(N_plural(
        "the font %(font)s is not installed, and %(count)s style of the file uses it: "
        "%(styles)s; fontconfig would draw %(substitute)s in its place, so these subtitles are "
        "not burned until the font is installed or the style names an installed one",
        "the font %(font)s is not installed, and %(count)s styles of the file use it: "
        "%(styles)s; fontconfig would draw %(substitute)s in its place, so these subtitles "
        "are not burned until the font is installed or the styles name an installed one"),
        len(names), font=f'"{exc.family}"', count=len(names), styles=styles,
        substitute=exc.substitute)
    return error(message, subtitles.path, line,
                 style_font_hint(exc.family, campaign_font, len(names)), "font")


def style_glyphs(cues: Iterable[Cue], fonts: dict[str, StyleFont], fallback: Font,
                 path: Path) -> list:
    """`missing_glyphs` of each cue in the font it is drawn in (its style's, or `fallback`)."""
    found = []
    groups: dict[Path, tuple[Font, list[Cue]]] = {}
    for cue in cues:
        font = fonts[cue.style].font if cue.style in fonts else fallback
        groups.setdefault(font.path, (font, []))[1].append(cue)
    for font, members in groups.values():
        found += missing_glyphs(members, font, path)
    return sorted(found, key=lambda d: d.line or 0)
