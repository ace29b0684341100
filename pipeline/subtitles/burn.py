"""Cues to an ASS script, burned in by libass through ffmpeg's `ass` filter.

We wrap lines ourselves, measuring real advances with HarfBuzz, instead of leaving it to libass:
libass only knows the margins, while broadcast needs every line inside the title-safe area
(the central 90 % of the frame), balanced like a subtitler would break it, and a word too long
for any line shrunk rather than cut off at the frame's edge.
"""

from __future__ import annotations

import math
import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.errors import SubtitleError
from pipeline.files import write_atomically
from pipeline.manifest import Style
from pipeline.media.conform import Stream
from pipeline.subtitles.direction import RLM, cue_direction
from pipeline.subtitles.fonts import (
    Font,
    advance,
    ass_font_size,
    bold_variant,
    covers,
    em_from_ass_font_size,
    missing_glyphs,
    resolve_font,
    text_width,
    units_per_em,
)
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import (
    ALIGNMENT_TAG,
    FORMAT_TAG,
    SAFE_AREA,
    SAFE_MARGIN,
    Cue,
    SubtitleFile,
    plain_text,
)
from pipeline.subtitles.ssa import FileStyle

SHRINK_SLACK = 0.98            # a shrunk word is set a little under the limit, for rounding
ALIGNMENT = {"bottom": 2, "top": 8}
SRT_TO_ASS_TAG = {"<i>": r"{\i1}", "</i>": r"{\i0}", "<b>": r"{\b1}", "</b>": r"{\b0}",
                  "<u>": r"{\u1}", "</u>": r"{\u0}"}
# libass reads "\N", "\n" and "\h" as line breaks and spaces even after a literal backslash; a
# word joiner (default-ignorable, zero width) between them keeps the backslash a backslash.
JOINER_CANDIDATES = ("\u2060", "\u200b", "\ufeff")

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
Style: Default,{family},{fontsize:.2f},{colour},&H000000FF,{outline_colour},&H00000000,\
{bold},0,0,0,100,100,0,0,1,{outline:.2f},0,{alignment},{margin_h},{margin_h},{margin_v},1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


class _Tag(str):
    """An ASS override already in ASS syntax (e.g. `{\\i1}`): zero width, never escaped."""


Word = list[str]  # text pieces and `_Tag`s, no spaces


@dataclass(frozen=True)
class Layout:
    """How cues are wrapped on one frame: the em, the title-safe width, the face measured."""

    em_px: float
    max_width: float
    measure_font: Font
    joiner: str

    @classmethod
    def for_cues(cls, style: Style, font: Font, width: int, height: int,
                 cues: Iterable[Cue]) -> "Layout":
        """The layout a whole file is burned with: measured with the bold face when bold is
        used anywhere in it (it is wider, and too wide is worse)."""
        bold = style.bold or any("<b>" in cue.text.lower() for cue in cues)
        outline = outline_px(style, height)
        return cls(style.size * height, width * SAFE_AREA - 2 * outline,
                   bold_variant(font) if bold else font, _joiner(font))


def outline_px(style: Style, height: int) -> float:
    """The outline is given at 1080 lines and scales with the frame."""
    return style.outline * height / 1080


def ass_colour(value: str) -> str:
    """`#RRGGBB` to ASS `&HAABBGGRR` (alpha 00: opaque)."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise SubtitleError(f"colour {value!r} is not of the form #RRGGBB",
                            hint="write colours as in HTML, e.g. #FFFFFF for white")
    red, green, blue = value[1:3], value[3:5], value[5:7]
    return f"&H00{blue}{green}{red}".upper()


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


# --- text to words ----------------------------------------------------------------------------

def _lines_of_words(text: str) -> list[list[Word]]:
    """Split SRT text into lines of words, turning SRT tags into ASS tags attached to words."""
    lines: list[list[Word]] = [[[]]]
    for piece in re.split(f"({FORMAT_TAG.pattern})", text, flags=re.IGNORECASE):
        if not piece:
            continue
        if FORMAT_TAG.fullmatch(piece):
            tag = SRT_TO_ASS_TAG.get(piece.lower())
            if tag:  # <font> is dropped: the style decides colours
                lines[-1][-1].append(_Tag(tag))
            continue
        for char in piece.replace("\t", " "):
            if char == "\n":
                lines.append([[]])
            elif char == " ":
                lines[-1].append([])
            elif lines[-1][-1] and not isinstance(lines[-1][-1][-1], _Tag):
                lines[-1][-1][-1] += char
            else:
                lines[-1][-1].append(char)
    return [_merge_tag_only_words(words) for words in lines]


def _merge_tag_only_words(words: list[Word]) -> list[Word]:
    """Glue words without text (runs of spaces, a lone tag) to a neighbour, so no extra spaces."""
    merged: list[Word] = []
    pending: Word = []
    for word in words:
        if any(not isinstance(piece, _Tag) for piece in word):
            merged.append(pending + word)
            pending = []
        else:
            pending += word
    if pending:
        if merged:
            merged[-1] += pending
        else:
            merged.append(pending)
    return merged


def _plain(words: list[Word]) -> str:
    return " ".join("".join(piece for piece in word if not isinstance(piece, _Tag))
                    for word in words)


def _escape(piece: str, joiner: str) -> str:
    if isinstance(piece, _Tag):
        return piece
    out = []
    for position, char in enumerate(piece):
        if char in "{}":
            out.append("\\" + char)
        elif char == "\\":
            following = piece[position + 1:position + 2]
            # At the end of a piece the next output may be a tag's "{": guard that too.
            out.append("\\" + joiner if following in ("N", "n", "h", "") else "\\")
        else:
            out.append(char)
    return "".join(out)


def _ass_line(words: list[Word], joiner: str) -> str:
    return " ".join("".join(_escape(piece, joiner) for piece in word) for word in words)


# --- wrapping ---------------------------------------------------------------------------------

def _break_lines(widths: Sequence[int], gaps: Sequence[int], limit: float) -> list[int]:
    """Where a run of words breaks into lines: the index of each line's first word.

    `widths[i]` is the advance of word i and `gaps[i]` that of the space after it, in integer
    units (the last gap is not drawn). The fewest lines that fit `limit`; among those, the
    longest line as short as possible (two lines of similar length rather than a full line and
    an orphan); among those, the most even: the least sum of squared shortfalls from the longest
    line, the minimum-raggedness cost of Knuth and Plass ("Breaking paragraphs into lines",
    1981). A word wider than `limit` gets a line of its own, and so does every other word then.

    Time O(n log W + n k) for n words, k words on a line and W the limit in units: a binary
    search on the longest line with one greedy pass per step, then one pass of the raggedness
    programme, which only looks back as far as a line can reach.
    """
    count = len(widths)
    starts = [0]
    for width, gap in zip(widths, gaps):
        starts.append(starts[-1] + width + gap)

    def span(first: int, end: int) -> int:  # the drawn width of words first..end-1
        return starts[end] - starts[first] - gaps[end - 1]

    cap = math.floor(limit)
    if count < 2 or span(0, count) <= cap:
        return [0]
    if max(widths) > cap:
        return list(range(count))

    def greedy_lines(longest: int) -> int:
        lines, first = 1, 0
        for end in range(2, count + 1):
            if span(first, end) > longest:
                lines, first = lines + 1, end - 1
        return lines

    fewest = greedy_lines(cap)
    too_short, enough = max(widths) - 1, cap  # the shortest longest line lies in (too_short, enough]
    while enough - too_short > 1:
        middle = (too_short + enough) // 2
        if greedy_lines(middle) <= fewest:
            enough = middle
        else:
            too_short = middle
    # cost[end]: (lines, raggedness) of the best breaking of words 0..end-1 under `enough`;
    # on a tie the earlier break wins, leaving the lower line the longer (bottom-heavy).
    cost: list[tuple[int, int]] = [(0, 0)]
    line_start = [0]
    for end in range(1, count + 1):
        best, best_first = None, end - 1
        first = end - 1
        while first >= 0 and span(first, end) <= enough:
            lines, ragged = cost[first]
            candidate = (lines + 1, ragged + (enough - span(first, end)) ** 2)
            if best is None or candidate <= best:
                best, best_first = candidate, first
            first -= 1
        cost.append(best)
        line_start.append(best_first)
    breaks, end = [], count
    while end > 0:
        end = line_start[end]
        breaks.append(end)
    return breaks[::-1]


def layout_cue(text: str, layout: Layout) -> tuple[list[str], float]:
    """(ASS lines, em in pixels) for one cue: wrapped, and shrunk if one word cannot fit.

    Each word and each pair of neighbours is shaped once (the pair gives the space between
    them, kerning included), and line widths are sums of those: exact, and linear in the words.
    """
    lines = _lines_of_words(text)
    font, em = layout.measure_font, layout.em_px
    if text_width("\n".join(map(_plain, lines)), font, em) <= layout.max_width:
        return [_ass_line(words, layout.joiner) for words in lines], em  # fits as written
    upem = units_per_em(font)
    widths = [[advance(_plain([word]), font) for word in words] for words in lines]
    widest_word = max((width for line in widths for width in line), default=0) * em / upem
    if widest_word > layout.max_width:
        em *= layout.max_width / widest_word * SHRINK_SLACK
    wrapped = []
    for words, line in zip(lines, widths):
        gaps = [advance(_plain(pair), font) - left - right
                for pair, left, right in zip(zip(words, words[1:]), line, line[1:])] + [0]
        firsts = _break_lines(line, gaps, layout.max_width * upem / em)
        wrapped += [words[a:b] for a, b in zip(firsts, firsts[1:] + [len(words)])]
    return [_ass_line(words, layout.joiner) for words in wrapped], em


def _joiner(font: Font) -> str:
    return next((char for char in JOINER_CANDIDATES if covers(font, char)), "")


# --- the script -------------------------------------------------------------------------------

def write_ass(cues: Iterable[Cue], path: str | Path, *, style: Style, width: int, height: int,
              font: Font, language: str | None = None, fps: float | None = None,
              file_styles: dict[str, "StyleFont"] | None = None) -> None:
    """Write an ASS script for a `width`x`height` frame, every line inside the title-safe area.

    `style.size` is the em of the text as a fraction of the frame height; PlayRes is the frame
    so that sizes, margins and outline are in the frame's own pixels. `language` (a BCP 47 tag
    or ISO 639 code) gives each cue its base direction (`subtitles/direction.py`); `fps`, the
    frame rate of the picture it is burned into, puts each cue on exactly its frames. A cue's
    `{\\anN}` and margins (from the translator's file) place it, never closer to an edge than
    title-safe. With `file_styles` (`style: {from_file: true}` on an ASS/SSA file), each cue is
    drawn in its own style of the file, scaled to the frame, inside the same title-safe area.
    """
    cues = list(cues)
    layout = Layout.for_cues(style, font, width, height, cues)
    grid = FrameGrid.at(fps) if fps else None
    outline = outline_px(style, height)
    styles = FileStyles(file_styles or {}, width, height)
    header = script_header(style, font, width, height)
    header = header.replace("\n\n[Events]", "".join(styles.lines) + "\n\n[Events]")
    events = []
    for cue in cues:
        name, own = styles.of(cue)
        margins = cue_margins(cue, width, height, own.outline if own else outline)
        events.append(_dialogue(cue, cue_layout(own.layout if own else layout, margins, width),
                                own.font if own else font, language, grid, margins, name))
    write_atomically(Path(path), header + "".join(events))


def script_header(style: Style, font: Font, width: int, height: int) -> str:
    """[Script Info] and the `Default` style of a `width`x`height` frame: PlayRes is the frame,
    the text's em is `style.size` of its height, the margins keep it inside title-safe."""
    outline = outline_px(style, height)
    return HEADER.format(
        width=width, height=height, family=font.family,
        fontsize=ass_font_size(font, style.size * height),
        colour=ass_colour(style.color), outline_colour=ass_colour(style.outline_color),
        bold=-1 if style.bold else 0, outline=outline, alignment=ALIGNMENT[style.position],
        margin_h=math.ceil(width * SAFE_MARGIN),
        margin_v=math.ceil(height * SAFE_MARGIN + outline))


def cue_margins(cue: Cue, width: int, height: int, outline: float) -> tuple[int, int, int] | None:
    """The Dialogue's MarginL, MarginR, MarginV in frame pixels for a cue with margins of its
    own, each at least the title-safe margin (the style's); None for a cue without."""
    if cue.margins is None:
        return None
    safe_h, safe_v = math.ceil(width * SAFE_MARGIN), math.ceil(height * SAFE_MARGIN + outline)
    return (max(safe_h, math.ceil(cue.margins.left * width)),
            max(safe_h, math.ceil(cue.margins.right * width)),
            max(safe_v, math.ceil(cue.margins.vertical * height + outline)))


def cue_layout(layout: Layout, margins: tuple[int, int, int] | None, width: int) -> Layout:
    """`layout` narrowed to what a cue's own left and right margins leave of the width."""
    if margins is None:
        return layout
    extra = margins[0] + margins[1] - 2 * math.ceil(width * SAFE_MARGIN)
    return replace(layout, max_width=layout.max_width - extra)


def escape_text(text: str, font: Font) -> str:
    """Plain `text` as ASS Dialogue text that libass shows as typed (no tags, no line breaks)."""
    return _escape(text, _joiner(font))


def _dialogue(cue: Cue, layout: Layout, font: Font, language: str | None,
              grid: FrameGrid | None, margins: tuple[int, int, int] | None = None,
              style_name: str = "Default") -> str:
    alignments = ALIGNMENT_TAG.findall(cue.text)
    lines, em = layout_cue(ALIGNMENT_TAG.sub("", cue.text), layout)
    prefix = alignments[-1] if alignments else ""  # the SRT convention {\an8}: kept
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


# --- the translator's own styles ------------------------------------------------------------

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
    outline: float


class FileStyles:
    """The file's styles at the frame's size: script units scaled from the file's PlayRes, the
    margins at least title-safe, the width text may take measured at the style's font."""

    def __init__(self, styles: dict[str, StyleFont], width: int, height: int):
        self.names = {name: f"File{number}" for number, name in enumerate(sorted(styles), 1)}
        self.scaled = {name: self._scale(self.names[name], styles[name], width, height)
                       for name in sorted(styles)}
        self.lines = ["\n" + scaled.line for scaled in self.scaled.values()]

    def of(self, cue: Cue) -> tuple[str, _Scaled | None]:
        if cue.style in self.scaled:
            return self.names[cue.style], self.scaled[cue.style]
        return "Default", None

    @staticmethod
    def _scale(name: str, chosen: StyleFont, width: int, height: int) -> _Scaled:
        style, (res_x, res_y) = chosen.style.style, chosen.style.play_res
        y, x = height / res_y, width / res_x
        fontsize, outline, shadow = style.fontsize * y, style.outline * y, style.shadow * y
        safe_h, safe_v = math.ceil(width * SAFE_MARGIN), math.ceil(height * SAFE_MARGIN + outline)
        left, right = max(safe_h, math.ceil(style.marginl * x)), max(safe_h, math.ceil(style.marginr * x))
        vertical = max(safe_v, math.ceil(style.marginv * y))
        scale_x = max(style.scalex, 1) / 100
        measure = bold_variant(chosen.font) if style.bold else chosen.font
        # Text is wrapped unscaled, so the width it may take is divided by the style's ScaleX.
        layout = Layout(em_from_ass_font_size(chosen.font, fontsize),
                        (width - left - right - 2 * outline) / scale_x, measure,
                        _joiner(chosen.font))
        # Angle 0: turned text would leave the title-safe area.
        line = (f"Style: {name},{chosen.font.family},{fontsize:.2f},{_colour(style.primarycolor)},"
                f"{_colour(style.secondarycolor)},{_colour(style.outlinecolor)},"
                f"{_colour(style.backcolor)},{-1 if style.bold else 0},{-1 if style.italic else 0},"
                f"{-1 if style.underline else 0},{-1 if style.strikeout else 0},{style.scalex:g},"
                f"{style.scaley:g},{style.spacing * x:g},0,{style.borderstyle},{outline:.2f},"
                f"{shadow:.2f},{int(style.alignment)},{left},{right},{vertical},1")
        return _Scaled(line, layout, chosen.font, outline)


def _colour(color) -> str:
    """pysubs2's Color as ASS `&HAABBGGRR`."""
    return f"&H{color.a:02X}{color.b:02X}{color.g:02X}{color.r:02X}"


def style_fonts(subtitles: SubtitleFile) -> dict[str, StyleFont]:
    """The font of each style the file's cues use, resolved as libass would find it.

    Raises `SubtitleError` on the style's line when its font is not installed.
    """
    chosen = {}
    for name in sorted({cue.style for cue in subtitles.cues if cue.style in subtitles.styles}):
        style = subtitles.styles[name]
        try:
            chosen[name] = StyleFont(style, resolve_font(style.style.fontname))
        except SubtitleError as exc:
            raise SubtitleError(f"style {name!r}: {exc.message}", subtitles.path, style.line,
                                exc.hint) from None
    return chosen


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


# --- handing files to ffmpeg ------------------------------------------------------------------

def burn_in(picture: Stream, ass: Path, fontsdir: Path) -> Stream:
    """`picture` with the ASS script drawn on it by libass, shaped with HarfBuzz.

    Every burn (variants, burn groups, preview tiles and proxy, specimen) goes through here.
    ffmpeg's `subtitles` filter has no `shaping` option and leaves the field at 0, which it
    hands libass as ASS_SHAPING_SIMPLE (libavfilter/vf_subtitles.c): FriBidi only, no OpenType
    mark positioning, so a combining macron below (U+0331) is drawn after its vowel instead of
    under it, and decomposed text looks unlike composed text. The `ass` filter reads the script
    itself (PlayRes, styles and fontsdir as before) and takes `shaping=complex`. File names go
    as keyword values, which ffmpeg-python escapes for the filter graph.
    """
    return picture.filter("ass", filename=str(ass), fontsdir=str(fontsdir), shaping="complex")


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
