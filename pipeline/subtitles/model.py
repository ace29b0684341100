"""The subtitle model every format reads into and writes from: cues in milliseconds, with their
text in SubRip markup and the line they came from.

Whatever the file's format, a cue's text is kept as SubRip writes it: lines joined with "\\n",
`<i>`, `<b>`, `<u>` for italics, bold and underline, and `{\\anN}` for its place on screen
(N as on a numeric keypad: 8 top centre, 2 bottom centre, 7 top left...). Readers of other
formats translate their markup into this; writers translate it back out.

SubRip cannot write a literal `<`, so the model borrows WebVTT's references (W3C WebVTT, "WebVTT
cue text tokenizer": text, decoded after the tags are found): a `<` shown is stored as `&lt;`,
an `&` that would read as `&lt;` or `&amp;` as `&amp;` (`escaped`); no reader leaves it raw.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from pipeline.errors import Diagnostic, Findings
from pipeline.messages import N_plural, Items, Message, say_count

SAFE_AREA = 0.90               # title-safe: the central 90 % of width and height (EBU R 95)
SAFE_MARGIN = (1 - SAFE_AREA) / 2
# A portrait frame of 9:16 (or taller) goes to Stories, Reels and TikTok, whose name, caption,
# buttons and reply bar lie over its top and bottom: burned text keeps to the band Meta's
# Reels safe zone leaves, its top 14 % and bottom 35 % kept clear (TikTok's lower 20 % is
# inside it). A media team's trial found the `vertical` profile's text 105 px from the bottom
# of 1920, under those apps' own caption.
PORTRAIT_CLEAR = (0.14, 0.35)  # (top, bottom) shares of the height


def clear_rows(width: int, height: int) -> tuple[float, float]:
    """(top, bottom) shares of a `width` x `height` frame's height that burned text keeps clear
    of: PORTRAIT_CLEAR on a 9:16 portrait frame or a taller one, else title-safe's margin."""
    if width and height * 9 >= width * 16 * 0.99:
        return PORTRAIT_CLEAR
    return SAFE_MARGIN, SAFE_MARGIN
# A line of text as a fraction of the height where a line number is placed without a font (a
# row of the screen, a sidecar's region): IMSC's cell row at tts:lineHeight 125 % (imsc.py).
LINE_STEP = 1.25 / 15

ALIGNMENT_TAG = re.compile(r"\{\\an[1-9]\}")
FORMAT_TAG = re.compile(r"</?[ibu]>|<font(?:\s[^>]*)?>|</font>", re.IGNORECASE)
OVERRIDE_BLOCK = re.compile(r"\{\\[^}]*\}")
# The two characters `escaped` stores as references, and the references `literal` decodes.
_ESCAPED = re.compile(r"<|&(?=lt;|amp;)")
_REFERENCE = re.compile(r"&(lt|amp);")

LISTED_LINES = 8  # lines named in a warning about many cues; the rest are counted


@dataclass(frozen=True)
class Margins:
    """How far a positioned cue's text stays from the frame's edges, as fractions of the frame:
    `left` and `right` of its width (a pillarboxed picture's, from its edges: burn.cue_margins),
    `vertical` of its height from the edge the cue is aligned to (top or bottom); in the middle
    row, how far the text's centre is below the frame's middle (negative: above; WebVTT's
    `line:40%,center`). `lines`: WebVTT's line number (`line:2`, `line:-3`, snap-to-lines),
    lines of text from the edge, past `vertical`: the first line is that many lines below the
    top, or starts that many above the bottom, the cue kept above it. Burned text never comes
    closer than the title-safe area allows, whatever these say."""

    left: float = 0.0
    right: float = 0.0
    vertical: float = 0.0
    lines: int = 0


@dataclass(frozen=True)
class Cue:
    index: int
    start: int  # milliseconds
    end: int    # milliseconds
    text: str   # lines joined with "\n", SubRip tags kept (see the module's docstring)
    line: int   # 1-based line of the cue's first line (its index line) in the file
    margins: Margins | None = None  # from the file's positions; None: the style's defaults
    style: str | None = None        # the ASS/SSA style it names, for `style: {from_file: true}`


@dataclass(frozen=True)
class TimeNotation:
    """How a TTML file writes its times (the notation most of its times use), so that a time
    can be written back as it writes them: "clock" (`00:00:02.240`), "frames" (clock time with
    frames, `00:00:02:06`), or an offset's metric, "s", "ms", "f" or "t" (`2.24s`, `56f`)."""

    unit: str = "clock"
    rate: Fraction | float | None = None   # frames ("frames", "f") or ticks ("t") a second
    # A file timed in SMPTE timecode (ttp:timeBase="smpte"): (seconds on its timecode of the
    # time its cues count from, frames a timecode second counts, its ttp:dropMode); its times
    # are frame labels of that timecode (`ttml_time.smpte_label`), not seconds plus frames.
    smpte: tuple[Fraction, int, str] | None = None

    @staticmethod
    def most_used(counts: dict[str, int], frame_rate: Fraction | None,
                  tick_rate: float) -> "TimeNotation | None":
        """The notation most of a file's times use, from how many use each ("clock",
        "frames" or an offset's metric); the first met of those used as often. Hours and
        minutes as a clock time, which says them better. None: the file has no times."""
        if not counts:
            return None
        unit = max(counts, key=counts.__getitem__)      # the first of the most used
        if unit in ("t", "f", "frames"):
            return TimeNotation(unit, tick_rate if unit == "t" else frame_rate)
        return TimeNotation(unit) if unit in ("s", "ms") else TimeNotation()


@dataclass(frozen=True)
class SubtitleFile(Findings):
    path: Path
    cues: tuple[Cue, ...]
    diagnostics: tuple[Diagnostic, ...]
    encoding: str
    format: str | None = "srt"      # the registry's name of the format found in the file;
                                    # None: none (not text, or text in no format read)
    styled_lines: tuple[int, ...] = ()  # lines whose colours or fonts the campaign's style replaces
    styles: dict = field(default_factory=dict)  # ASS/SSA: style name -> `ssa.FileStyle`
    in_file: int | None = None  # cues in the file, read or not (None: the ones read)
    notation: TimeNotation | None = None  # TTML: how its times are written
    frame_rate: Fraction | None = None   # frames a second the file says it is timed at (TTML)
    # Seconds the cues were moved back by to read the file from its master's start timecode
    # (`master_timecode.py`), 0 when read as it is: a cue's time plus this is the time as the
    # file writes it (a SMPTE TTML file's, as counted from its programme's start).
    origin: Fraction = Fraction(0)


def cue_middle(cue: Cue, duration: float) -> float:
    """Seconds: the middle of the part of `cue` on screen in a picture `duration` seconds long
    (a cue may run past the picture's end), where a poster or a contact sheet shows it."""
    start = cue.start / 1000
    return (start + min(max(start, cue.end / 1000), duration)) / 2


def plain_text(cue: Cue | str) -> str:
    """The text as it appears on screen: without `<i>`, `<b>`, `<u>`, `<font>` and `{\\anN}`.

    Other `{\\...}` blocks are not removed: the burner shows them as typed (see
    `subtitles/burn.py`), so their characters need glyphs like any other.
    """
    text = cue.text if isinstance(cue, Cue) else cue
    if "<" not in text and "{" not in text and "&" not in text:
        return text   # most cues: asked for several times a cue by the checks, no regex run
    return literal(FORMAT_TAG.sub("", ALIGNMENT_TAG.sub("", text)))


def escaped(shown: str) -> str:
    """Text as a cue shows it, in the model's markup: `<` as `&lt;`, an `&` that would
    read as a reference as `&amp;` (see the module's docstring)."""
    return _ESCAPED.sub(lambda match: "&lt;" if match.group() == "<" else "&amp;", shown)


def literal(text: str) -> str:
    """Text without tags, in the model's markup, as shown: the inverse of `escaped`."""
    return _REFERENCE.sub(lambda match: "<" if match.group(1) == "lt" else "&", text)


def alignment(cue: Cue | str) -> int | None:
    """The cue's `{\\anN}` (1-9, numeric keypad), the last one when there are several (as the
    burner has always honoured it); None when it has none."""
    text = cue.text if isinstance(cue, Cue) else cue
    tags = ALIGNMENT_TAG.findall(text)
    return int(tags[-1][4]) if tags else None


def with_alignment(text: str, align: int | None) -> str:
    """`text` with `{\\anN}` in front (nothing for None)."""
    return f"{{\\an{align}}}{text}" if align else text


def placed(text: str, align: int | None, margins: Margins | None) -> tuple[str, Margins | None]:
    """(text with `{\\anN}`, margins) as every reader stores a position. Margins within the
    title-safe area are dropped (every output keeps text at least that far in), and the default
    place (bottom centre, no margins) is left unsaid, so the campaign's style decides it."""
    if margins is not None:
        middle = align is not None and place(align)[0] == "middle"
        left, right, vertical = (value if value > SAFE_MARGIN + 1e-9 else 0.0
                                 for value in (margins.left, margins.right, margins.vertical))
        margins = Margins(left, right, margins.vertical if middle else vertical, margins.lines)
        if margins == Margins():
            margins = None
    if align == 2 and margins is None:
        align = None
    return with_alignment(text, align), margins


ROWS = ("bottom", "middle", "top")
COLUMNS = ("left", "center", "right")


def place(align: int) -> tuple[str, str]:
    """(row, column) of a keypad alignment: 8 is ("top", "center"), 1 ("bottom", "left")."""
    return ROWS[(align - 1) // 3], COLUMNS[(align - 1) % 3]


def keypad(row: str, column: str) -> int:
    """The keypad alignment (ASS `\\an`) of a row and column: the inverse of `place`."""
    return ROWS.index(row) * 3 + COLUMNS.index(column) + 1


def row_at(at: float) -> tuple[str, float]:
    """(row, margin) of text placed at `at` (a fraction of the height from the top): the edge
    it is nearer to keeps the distance. Where the text box's own edge falls depends on the
    player's line height, so this is the nearest keypad row, not an exact position."""
    if at < 1 / 3:
        return "top", at
    if at > 2 / 3:
        return "bottom", 1 - at
    return "middle", 0.0


def column_at(at: float) -> str:
    """The keypad column nearest to text centred at `at` (a fraction of the width from the
    left): "left" in the left third, "right" in the right third, else "center". Where the
    text's own edges fall depends on its width, so a left or right column keeps no margin:
    its text starts at the title-safe edge."""
    return "left" if at < 1 / 3 else "right" if at > 2 / 3 else "center"


def screen_row(cue: Cue) -> str:
    """The third of the screen ("top", "middle", "bottom") `cue`'s text is anchored in: its
    `{\\anN}` row (bottom when it has none), moved by its margin: a top or bottom cue lifted
    past a third of the height counts as in the middle, a middle one moved past it as in that
    third. Cues in different rows may be on screen at once (a sign at the top over dialogue at
    the bottom, Netflix TTSG's forced narratives)."""
    row, _ = place(alignment(cue) or 2)
    margins = cue.margins or Margins()
    return row_at(anchored_at(row, margins.vertical, margins.lines))[0]


def anchored_at(row: str, vertical: float, lines: int) -> float:
    """Where a cue of `row` with these margins (`Margins`) is anchored, as a fraction of the
    height from the top: its text's top edge, centre or bottom edge; a line number counted in
    `LINE_STEP`s from title-safe, for a one-line cue."""
    if row == "middle":
        return 0.5 + vertical
    if not lines:
        return vertical if row == "top" else 1 - vertical
    edge = max(SAFE_MARGIN, vertical)
    return edge + lines * LINE_STEP if row == "top" else 1 - edge - (lines - 1) * LINE_STEP


# A timecode's day, in milliseconds: its labels start again at midnight (SMPTE ST 12-1), so a
# file read from a master's timecode writes its times past it from 00:00:00 again.
DAY_MS = 86_400_000


def format_time(ms: int, separator: str = ",") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def file_time(ms: int, fmt: str) -> str:
    """`ms` as a file of the registry's format `fmt` writes a time: `00:00:03,500` in SubRip,
    `00:00:03.500` in WebVTT and TTML, `0:00:03.50` in ASS/SSA (centiseconds, rounded down)."""
    if fmt in ("ass", "ssa"):
        hours, rest = divmod(ms // 10, 360_000)
        minutes, rest = divmod(rest, 6000)
        return f"{hours}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"
    return format_time(ms, "," if fmt == "srt" else ".")


def visible(text: str) -> str:
    """`text` with each control and format character (Cc, Cf: a BOM, a zero width space)
    written as <U+FEFF>, as a message quotes what a line holds; a TAB stays a TAB."""
    return "".join(f"<U+{ord(char):04X}>" if char != "\t" and
                   unicodedata.category(char) in ("Cc", "Cf") else char for char in text)


def line_list(lines: list[int], cues: bool = False) -> Message:
    """`line 3`, or `lines 3, 7, ... and 4 more` (at most `LISTED_LINES` named); with `cues`,
    `the cue at line 3` / `the cues at lines 3, 7`: where a cue starts, not the line of the text
    it is about (a cue's text starts a line or two below, as its format puts it)."""
    listed: list = list(lines[:LISTED_LINES])
    if len(lines) > LISTED_LINES:
        more = len(lines) - LISTED_LINES
        listed.append(say_count(N_plural("%(count)s more", "%(count)s more"), more, count=more))
    # English: commas between the numbers, "and" before a count of the rest only.
    numbers = Items(tuple(listed), ", ", " and " if len(lines) > LISTED_LINES else None)
    forms = (N_plural("the cue at line %(lines)s", "the cues at lines %(lines)s") if cues else
             N_plural("line %(lines)s", "lines %(lines)s"))
    return say_count(forms, len(lines), lines=numbers)


@dataclass
class Parsed:
    """What a format's reader found in the decoded text; the registry adds the checks common to
    every format (`subtitles/formats.py`)."""

    cues: list[Cue] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    styled_lines: list[int] = field(default_factory=list)  # colours, fonts the campaign replaces
    # ASS/SSA events with inline colour or font tags: dropped even when the file's styles are kept
    inline_style_lines: list[int] = field(default_factory=list)
    styles: dict = field(default_factory=dict)
    # Cues the reader met, those rejected for an error too, so a summary does not say "1 cue"
    # of a file of 3; None: as many as it kept.
    found: int | None = None
    notation: TimeNotation | None = None
    # TTML: ttp:frameRate times ttp:frameRateMultiplier, when the file gives them.
    frame_rate: Fraction | None = None
    # TTML timed in SMPTE timecode (`ttml_time.py`): the seconds of its timecode its cues count
    # from (its programme's start); whether the file gives that start
    # (ebuttm:documentStartOfProgramme); and, when it does not and its times are an hour or
    # more in, the error saying so, which its master's own timecode can answer instead.
    counted_from: Fraction = Fraction(0)
    start_given: bool = False
    start_missing: Diagnostic | None = None
    # TTML in media time: its ebuttm:documentStartOfProgramme as written, and its line; the
    # file may be timed from it (`programme_start.py`).
    programme_start: tuple[str, int] | None = None
