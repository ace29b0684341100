"""Cues to an ASS script, burned in by libass through ffmpeg's `ass` filter with complex
(HarfBuzz) shaping: the script's header and styles (the campaign's, or with `from_file` the
translator's own, scaled to the frame: `file_styles.py`), each cue's lines as `linebreak.py`
wraps them, placed on its frames (`frames.py`), and the fonts folder handed to libass.
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Literal

from pipeline.errors import SubtitleError
from pipeline.files import write_atomically
from pipeline.manifest import QcSettings, Style
from pipeline.media.colour import FROM_BT601, TO_BT601
from pipeline.media.conform import Stream
from pipeline.subtitles.direction import RLM, cue_direction
from pipeline.subtitles.fonts import Font, ass_font_size, covers, drawn_apart, line_height_em
from pipeline.subtitles.file_styles import FileStyles, StyleFont
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import (
    ALIGNMENT_TAG,
    Cue,
    alignment,
    place,
    plain_text,
    with_alignment,
)
from pipeline.subtitles.linebreak import (
    Layout,
    box_padding_px,
    edge_px,
    em_px,
    escape_piece,
    font_joiner,
    layout_cue,
    outline_px,
    picture_columns,
    safe_margins,
    shadow_px,
)

ALIGNMENT = {"bottom": 2, "top": 8}
# What a picture handed to `burn_in` holds.
Samples = Literal["bt709", "bt601", "rgb"]

HEADER = """\
[Script Info]
ScriptType: v4.00+
PlayResX: {width}
PlayResY: {height}
WrapStyle: 2
ScaledBorderAndShadow: yes
YCbCr Matrix: None

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,{family},{fontsize:.2f},{colour},{colour},{outline_colour},{back_colour},\
{bold},0,0,0,100,100,0,0,{border_style},{outline:.2f},{shadow:.2f},{alignment},{margin_h},\
{margin_h},{margin_v},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


def ass_colour(value: str, opacity: float = 1.0) -> str:
    """`#RRGGBB` to ASS `&HAABBGGRR` (alpha 00: opaque, FF: transparent)."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise SubtitleError(f"colour {value!r} is not of the form #RRGGBB",
                            hint="write colours as in HTML, e.g. #FFFFFF for white")
    red, green, blue = value[1:3], value[3:5], value[5:7]
    return f"&H{round((1 - opacity) * 255):02X}{blue}{green}{red}".upper()


def ass_time(ms: int) -> str:
    """`H:MM:SS.cc`, rounded up: a cue never appears before its SRT start, and since rounding up
    keeps order, a cue that ended before the next began still does."""
    return _clock(-(-ms // 10))


def _clock(centis: int) -> str:
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6000)
    seconds, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{centis:02d}"


def ass_times(cue: Cue, grid: FrameGrid | None) -> tuple[str, str]:
    """The Start and End of a cue's Dialogue line: on exactly the frames it covers when the
    video's frame grid is known (`subtitles/frames.py`), else its times rounded up."""
    if grid is None:
        return ass_time(cue.start), ass_time(cue.end)
    first, end = grid.frames(cue)
    return _clock(grid.ass_centiseconds(first)), _clock(grid.ass_centiseconds(end))


# --- the script -------------------------------------------------------------------------------

def write_ass(cues: Iterable[Cue], path: str | Path, *, style: Style, width: int, height: int,
              font: Font, language: str | None = None, fps: float | None = None,
              fields: bool = False, file_styles: dict[str, "StyleFont"] | None = None,
              qc: QcSettings | None = None, picture_width: int | None = None) -> None:
    """Write an ASS script for a `width`x`height` frame, every line inside the title-safe area.

    `style.size` is the em of the text as a fraction of the frame's short side (its height; a
    portrait frame's width: linebreak.em_px); PlayRes is the frame so that sizes, margins and
    outline are in the frame's own pixels. `language` (a BCP 47 tag
    or ISO 639 code) gives each cue its base direction (`subtitles/direction.py`); `fps`, the
    frame rate of the picture it is burned into, puts each cue on exactly its frames; with
    `fields`, that picture is drawn a field at a time (an interlaced master woven from its
    fields), and each cue starts and ends on a frame's first field, both fields of each of its
    frames carrying it (a cue at 2.52 s, on field 151 of 59.94, was drawn on frame 75's second
    field only, its text combed). A cue's
    `{\\anN}` and margins (from the translator's file) place it, never closer to an edge than
    title-safe. With `file_styles` (`style: {from_file: true}` on an ASS/SSA file), each cue is
    drawn in its own style of the file, scaled to the frame, inside the same title-safe area.
    With `qc` (the language's), a line over its `max_line_chars` is broken too (linebreak.py).
    `picture_width`: the columns of a narrower picture centred between black bars (a 4:3
    master pillarboxed in 16:9, `title_safe.burned_frame`), whose own title-safe area and
    centre the text keeps to (`linebreak.safe_margins`).
    """
    cues = list(cues)
    layout = Layout.for_cues(style, font, width, height, cues, qc, picture_width)
    grid = replace(FrameGrid.at(fps), drawn=2 if fields else 1) if fps else None
    edge = edge_px(style, font, width, height)
    styles = FileStyles(file_styles or {}, width, height, picture_width)
    header = script_header(style, font, width, height, picture_width)
    header = header.replace("\n\n[Events]", "".join(styles.lines) + "\n\n[Events]")
    events = []
    for cue in cues:
        name, own = styles.of(cue)
        reach = own.edge if own else edge
        margins = cue_margins(cue, width, height, reach, picture_width)
        events.append(_dialogue(cue, cue_layout(own.layout if own else layout, margins, width,
                                                reach, picture_width),
                                own.font if own else font, language, grid, margins, name,
                                (width, height, reach)))
    write_atomically(Path(path), header + "".join(events))


def script_header(style: Style, font: Font, width: int, height: int,
                  picture_width: int | None = None) -> str:
    """[Script Info] and the `Default` style of a `width`x`height` frame: PlayRes is the frame,
    the text's em is `style.size` of its short side, the margins keep it inside title-safe with
    its outline and its shadow or box (`linebreak.edge_px`), of the picture's `picture_width`
    columns between bars (equal margins: centred on the picture as on the frame).

    A box is libass's BorderStyle 4: one rectangle of BackColour behind the event's lines (as
    wide as the widest), the outline drawn on it as usual, padded by the Shadow value past the
    outline (ass_render.c, add_background); no shadow is drawn then. Without a box, BorderStyle 1:
    the outline, and a shadow of the outline's shape and colour offset down and right."""
    edge = edge_px(style, font, width, height)
    if style.box:
        back, border_style = ass_colour(style.box.color, style.box.opacity), 4
        shadow = box_padding_px(style, font, width, height)
    else:
        back, border_style = ass_colour(style.outline_color), 1
        shadow = shadow_px(style, width, height)
    safe_h, safe_top, safe_bottom = safe_margins(width, height, edge, picture_width)
    return HEADER.format(
        width=width, height=height, family=font.family,
        fontsize=ass_font_size(font, em_px(style, width, height)),
        colour=ass_colour(style.color), outline_colour=ass_colour(style.outline_color),
        back_colour=back, bold=-1 if style.bold else 0, border_style=border_style,
        outline=outline_px(style, width, height), shadow=shadow,
        alignment=ALIGNMENT[style.position], margin_h=safe_h,
        margin_v=safe_top if style.position == "top" else safe_bottom)


def cue_margins(cue: Cue, width: int, height: int, edge: float,
                picture_width: int | None = None) -> tuple[int, int, int] | None:
    """The Dialogue's MarginL, MarginR, MarginV in frame pixels for a cue with margins of its
    own, each at least the title-safe margin (the style's); None for a cue without. Its
    left and right margins are shares of the picture's width (the file was timed and placed
    on the master's picture), from the picture's edges (`picture_width`: between bars). A
    cue's alignment alone (`{\\an8}`) takes its row's margin where the top's and the bottom's
    differ (a portrait frame's, `model.clear_rows`): the style has one MarginV, of its own row."""
    safe_h, safe_top, safe_bottom = safe_margins(width, height, edge, picture_width)
    row, _ = place(alignment(cue) or 2)
    if cue.margins is None:
        if safe_top == safe_bottom or row == "middle" or alignment(cue) is None:
            return None
        return safe_h, safe_h, safe_top if row == "top" else safe_bottom
    bar, columns = picture_columns(width, picture_width)
    return (max(safe_h, bar + math.ceil(cue.margins.left * columns)),
            max(safe_h, bar + math.ceil(cue.margins.right * columns)),
            max(safe_top if row == "top" else safe_bottom,
                math.ceil(cue.margins.vertical * height + edge)))


def cue_layout(layout: Layout, margins: tuple[int, int, int] | None, width: int,
               edge: float, picture_width: int | None = None) -> Layout:
    """`layout` narrowed to what a cue's own left and right margins leave of the width."""
    if margins is None:
        return layout
    extra = margins[0] + margins[1] - 2 * safe_margins(width, 1, edge, picture_width)[0]
    return replace(layout, max_width=layout.max_width - extra)


def escape_text(text: str, font: Font) -> str:
    """Plain `text` as ASS Dialogue text that libass shows as typed (no tags, no line breaks)."""
    return escape_piece(text, font_joiner(font), drawn_apart(font))


def kept_inside(cue: Cue, margins: tuple[int, int, int] | None, lines: int, em: float,
                font: Font, frame: tuple[int, int, float]) -> tuple[int | None, tuple | None]:
    """The cue's keypad alignment and Dialogue margins with its `lines` lines at `em` px
    (`frame`: the frame's width and height and the text's `edge_px`) placed where its margins
    say and kept inside title-safe: a block the margin would push past the far edge is moved back
    until it fits (WebVTT's `line:90%` puts the box's top at 90 %, and browsers move a box
    back inside the video: W3C WebVTT, "apply WebVTT cue settings"). A middle cue with an
    offset (`line:40%,center`) is set from the top, its centre where the offset says: libass
    centres a middle alignment on the frame and ignores MarginV (ass_render.c). A line number
    (`Margins.lines`) moves the text by whole lines of it, as WebVTT's line boxes stack (W3C
    WebVTT, snap-to-lines): `line:2` starts two lines below the top; `line:-3` starts three
    above the bottom, moved up whole lines until its last is above it. The block is `lines`
    lines of the font's line height (libass's ascent plus descent, `fonts.line_height_em`),
    the edge drawn past both its ends."""
    align = alignment(cue)
    if margins is None or cue.margins is None:
        return align, margins
    width, height, edge = frame
    row, _ = place(align or 2)
    step = em * line_height_em(font)
    block = lines * step
    _, safe_top, safe_bottom = safe_margins(width, height, edge)
    left, right, vertical = margins
    if row == "middle":
        if not cue.margins.vertical:
            return align, margins
        align, vertical = align + 3, round((0.5 + cue.margins.vertical) * height - block / 2)
        row = "top"
    elif cue.margins.lines:
        moved = cue.margins.lines if row == "top" else max(0, cue.margins.lines - lines)
        vertical += round(moved * step)
    # MarginV counts from the row's own edge; the block stays clear of the other edge's too.
    near, far = (safe_top, safe_bottom) if row == "top" else (safe_bottom, safe_top)
    return align, (left, right, max(near, min(vertical, math.floor(height - far - block))))


def _dialogue(cue: Cue, layout: Layout, font: Font, language: str | None,
              grid: FrameGrid | None, margins: tuple[int, int, int] | None, style_name: str,
              frame: tuple[int, int, float]) -> str:
    lines, em = layout_cue(ALIGNMENT_TAG.sub("", cue.text), layout)
    align, margins = kept_inside(cue, margins, len(lines), em, font, frame)
    prefix = with_alignment("", align)  # the SRT convention {\an8}: kept
    if em < layout.em_px:
        prefix += rf"{{\fs{ass_font_size(font, em):.2f}}}"
    if cue_direction(plain_text(cue), language) == "rtl":
        # The style's Encoding 1 makes libass lay every line out left-to-right; -1 lets it take
        # the direction from the first strong character, which the mark makes right-to-left.
        prefix += r"{\fe-1}" + (RLM if covers(font, RLM) else "")
    text = prefix + r"\N".join(lines)
    start, end = ass_times(cue, grid)
    left, right, vertical = margins or (0, 0, 0)   # 0: the style's
    return f"Dialogue: 0,{start},{end},{style_name},,{left},{right},{vertical},,{text}\n"


# --- handing files to ffmpeg ------------------------------------------------------------------

def burn_in(picture: Stream, ass: Path, fontsdir: Path, *, samples: Samples = "bt709") -> Stream:
    """`picture` with the ASS script drawn on it by libass, shaped with HarfBuzz.

    Every burn (variants, burn groups, preview tiles and proxy, slate, specimen) goes through
    here. ffmpeg's `subtitles` filter has no `shaping` option and leaves the field at 0, which it
    hands libass as ASS_SHAPING_SIMPLE (libavfilter/vf_subtitles.c): FriBidi only, no OpenType
    mark positioning, so a combining macron below (U+0331) is drawn after its vowel instead of
    under it, and decomposed text looks unlike composed text. The `ass` filter reads the script
    itself (PlayRes, styles and fontsdir as before) and takes `shaping=complex`. File names go
    as keyword values, which ffmpeg-python escapes for the filter graph.

    `samples` says what `picture` holds. The `ass` filter draws the script's colours with
    BT.601's weights (`colour.TO_BT601`): yellow text in a BT.709 picture came out G' 240, not
    255.
    - "bt709": BT.709 Y'CbCr, every video picture. When the script draws a colour that is not
      a grey (`coloured`), the picture is drawn on in BT.601's matrix and brought back; a grey
      is the same in both, so white text costs nothing.
    - "bt601": Y'CbCr drawn by a lavfi `color` source (the slate's backdrop), which has the same
      weights: brought to BT.709 after the text.
    - "rgb": R'G'B' (the specimen's PNG), drawn as it is.

    A converted picture is drawn on and brought back in 4:4:4 (chroma repeated, then averaged
    back: the picture itself comes back unchanged). In 4:2:0, the way back took each pixel's
    Y' from its 2x2 block's shared chroma, which at the edge of coloured text mixes fill and
    outline: Y' up to 19 off there, and a black outline pushed below black (Y' 0, outside
    EBU R103) next to magenta text.
    """
    convert = samples == "bt601" or (samples == "bt709" and coloured(Path(ass).read_text("utf-8")))
    if not convert:
        return _ass(picture, ass, fontsdir)
    if samples == "bt709":
        picture = picture.filter("colorspace", **TO_BT601)
    full = picture.filter("scale", flags="neighbor").filter("format", "yuv444p|yuv444p10le")
    back = _ass(full, ass, fontsdir).filter("colorspace", **FROM_BT601)
    return back.filter("scale", flags="area")   # to the pixel format the graph asks for next


def _ass(picture: Stream, ass: Path, fontsdir: Path) -> Stream:
    return picture.filter("ass", filename=str(ass), fontsdir=str(fontsdir), shaping="complex")


# A style's four colours (`&HAABBGGRR`, or a decimal number), and an override tag's (`\c`, `\1c`
# to `\4c`, hex after any `&` and `H`: libass's parse_color_tag), never `\clip`.
_STYLE_COLOURS = re.compile(r"^Style:(?:[^,\n]*,){3}([^,\n]*),([^,\n]*),([^,\n]*),([^,\n]*),", re.M)
_TAG_COLOUR = re.compile(r"\\[1-4]?c(?!lip)[&Hh]*([0-9A-Fa-f]*)")
_KARAOKE = re.compile(r"\\(?:k[fo]?|K)\d")


def coloured(script: str) -> bool:
    """Whether the ASS script draws a colour that is not a grey (R' = G' = B'), in a style or an
    override tag. A grey has the same Y'CbCr in BT.601 and BT.709 (Cb = Cr = 0, Y' = R'); an
    unreadable colour counts as coloured. A style's SecondaryColour counts only in a script
    with karaoke tags (`\\k`, `\\kf`, `\\ko`, `\\K`), the only thing that draws it: Aegisub's
    default style has a red one."""
    karaoke = _KARAOKE.search(script) is not None
    values = [value for match in _STYLE_COLOURS.finditer(script)
              for number, value in enumerate(match.groups()) if number != 1 or karaoke]
    values += [f"&H{digits}" for digits in _TAG_COLOUR.findall(script) if digits]
    return any(not _grey(value) for value in values)


def _grey(value: str) -> bool:
    value = value.strip()
    try:
        number = int(value[2:], 16) if value[:2].upper() == "&H" else int(value)
    except ValueError:
        return False
    blue, green, red = (number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF
    return blue == green == red


def ass_fontsdir(font: Font, tmpdir: Path, *others: Font) -> Path:
    """A folder under `tmpdir` holding only the fonts' files, for the `ass` filter's fontsdir.

    libass loads every file in fontsdir; a system font folder costs time and memory per render.
    """
    folder = Path(tmpdir) / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for each in (font, *others):
        target = folder / each.path.name
        if not target.exists():
            try:
                target.symlink_to(each.path.resolve())
            except OSError:  # file systems without symlinks
                shutil.copyfile(each.path, target)
    return folder
