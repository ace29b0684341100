"""The contact sheet of a preview (`render/preview.py`): one tile per cue, the first frame the
cue is burned on (its times on the master's frames, as the render snaps them: `frames.py`) with
the subtitles burned as they will air, labelled with the cue's number and the frame's time as
the file writes times. A cue on no frame, which the render leaves out, has a tile of no picture
that says so, labelled with the cue's number and its start as typed.

The sheet seeks: each tile is its own input opened with `-ss` before `-i` (decoding from the
keyframe before the cue's first frame, a few dozen frames), so a 30 s spot's sheet costs about
as much as a few poster frames, not a decode of the whole master. Each decode starts a quarter
second early and is trimmed at the frame (open GOPs), in the master or, for a container
without an index (MPEG-TS, MPEG-PS), in a copy of its picture (media/seeking.py). `-ss` before
`-i` restarts timestamps at zero, so each frame is put back at its time (`setpts=...+T/TB`)
before the `ass` filter draws the cue that is on screen then.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.errors import RenderError
from pipeline.files import atomic_output
from pipeline.manifest import Language
from pipeline.messages import N_, Message, say
from pipeline.media.colour import OUTPUT
from pipeline.media.conform import Master, framed, progressive
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.media.seeking import OPEN_GOP_LEAD, SeekablePicture, ffmpeg_seconds, frame_start, \
    seekable_picture
from pipeline.profiles import Profile
from pipeline.subtitles.burn import burn_in, write_ass
from pipeline.subtitles.title_safe import burned_frame
from pipeline.subtitles.file_styles import StyleFont
from pipeline.subtitles.fonts import Font
from pipeline.subtitles.file_times import written_time
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import DAY_MS, Cue, TimeNotation, file_time

TILE = 480            # longest side of a tile, in pixels (tiles are never enlarged)
COLUMNS = 4
GAP = 8               # pixels between tiles and around the sheet
BACKGROUND = "0x202020"
NOT_SHOWN = N_("not shown (no frame)")   # a tile's text for a cue on no frame
SEEK_WINDOW = 0.5     # seconds read after each seek: enough for one frame at any frame rate
TILES_PER_RUN = 16    # inputs (seeks) per ffmpeg process
TILE_NAME = "tile-%04d.png"


def tile_size(profile: Profile) -> tuple[int, int]:
    """A tile's picture, in pixels (its label's strip above it is `label_size`)."""
    scale = min(1.0, TILE / max(profile.width, profile.height))
    return even(profile.width * scale), even(profile.height * scale)


def label_size(profile: Profile) -> tuple[int, int]:
    """(font size, height) of the strip above a tile's picture that holds its label."""
    # The short side decides: a vertical tile's label fits across its width.
    font = max(10, min(tile_size(profile)) // 12)
    return font, even(font * 1.6)


def sheet_size(profile: Profile, cues: int) -> tuple[int, int]:
    """The contact sheet's size in pixels for `cues` tiles."""
    width, height = tile_size(profile)
    height += label_size(profile)[1]
    columns = min(COLUMNS, cues)
    rows = math.ceil(cues / columns)
    return columns * width + (columns + 1) * GAP, rows * height + (rows + 1) * GAP


def tile_box(profile: Profile, number: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of tile `number`'s picture (from 0) in the sheet, below its
    label's strip."""
    width, height = tile_size(profile)
    strip = label_size(profile)[1]
    column, row = number % COLUMNS, number // COLUMNS
    left, top = GAP + column * (width + GAP), GAP + row * (strip + height + GAP) + strip
    return left, top, left + width, top + height


def even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def tile_time(cue: Cue, master: Master, fmt: str | None = None) -> float | None:
    """Seconds from the picture's first frame: the start of the first frame `cue` (of a file of
    the registry's format `fmt`) is burned on, at most the last frame's (a cue may start in
    the picture's last milliseconds); None for a cue on no frame (`FrameGrid.shown`)."""
    grid = FrameGrid.at(master.info.video.fps or 25.0, fmt)   # a preview's master has a picture
    first, end = grid.frames(cue)
    if end <= first:
        return None
    # The middle of the frame: its start, in microseconds, may round to the frame before.
    return frame_start(float((first + Fraction(1, 2)) / grid.rate), grid.rate,
                       master.info.duration)


def tiles_graph(master: Master, cues: list[Cue], font: Font, profile: Profile, ass: Path,
                fontsdir: Path, folder: Path, first: int, picture: SeekablePicture, fmt: str,
                notation: TimeNotation | None = None, origin: Fraction = Fraction(0),
                not_shown: str = NOT_SHOWN):
    """One input per cue's first frame (`tile_time`), read from
    `picture` (`seekable_picture`) from `OPEN_GOP_LEAD` before and trimmed there; conformed
    (deinterlaced with its neighbours), subtitled, scaled, labelled above with the cue's number and
    the time of the frame shown as the file writes it (`label_time`; `origin` seconds later for
    a file read from its master's timecode, `SubtitleFile.origin`), and
    written as `folder/tile-NNNN.png`, numbered from `first`. A cue on no frame gets a tile of
    no picture saying `not_shown` (`NOT_SHOWN` in the terminal's language, `not_shown_tiles`)."""
    width, height = tile_size(profile)
    label_font, strip = label_size(profile)
    frame = replace(profile, fps=None)  # one frame per tile: no frame-rate conversion
    shown_at: dict[float | None, list[tuple[int, Cue]]] = {}
    for number, cue in enumerate(cues, first):
        shown_at.setdefault(tile_time(cue, master, fmt), []).append((number, cue))
    outputs = not_shown_tiles(shown_at.pop(None, []), font, profile, folder, fmt, notation,
                              origin, not_shown)
    for at, sharing in shown_at.items():
        seek = max(0.0, at - OPEN_GOP_LEAD)
        # One decoder thread per input: tiles decode one after another anyway, and each
        # thread would hold its own frames.
        source = ffmpeg.input(str(picture.path), ss=ffmpeg_seconds(seek + picture.offset),
                              t=f"{SEEK_WINDOW + at - seek:.6f}", threads=1)
        shown = progressive(source["v:0"], master)
        if at > seek:
            shown = shown.trim(start=ffmpeg_seconds(at - seek))
        shown = shown.trim(end_frame=1).setpts(f"PTS-STARTPTS+{at:.6f}/TB")
        # The conformed picture is BT.709 (media/colour.py); an untagged frame would be taken
        # as BT.601 by the conversion to the PNG's R'G'B'.
        shown = (burn_in(framed(shown, master, frame), ass, fontsdir)
                 .filter("scale", width, height, in_color_matrix=OUTPUT).filter("format", "rgb24"))
        # Cues of different rows on screen together (a sign over the dialogue) have the same
        # frame: decoded once and split, one copy per cue's label. ffmpeg-python merges equal
        # inputs into one node, which refuses to feed two filters without a `split`.
        copies = shown.split() if len(sharing) > 1 else None
        for copy, (number, cue) in enumerate(sharing):
            # The label goes in a strip above the picture: anywhere on it, a box covered the
            # subtitles a subtitler checks there (a long sign at the top, an SSA top line).
            tile = ((copies[copy] if copies is not None else shown)
                    .filter("pad", width, height + strip, 0, strip, color=BACKGROUND)
                    .drawtext(text=f"{cue.index}  {label_time(at + origin, fmt, notation)}",
                              fontfile=str(font.path), fontsize=label_font, fontcolor="white",
                              x=2, y=f"({strip}-th)/2"))
            outputs.append(tile.output(str(folder / (TILE_NAME % number)), vframes=1,
                                       f="image2", vcodec="png"))
    return ffmpeg.merge_outputs(*outputs)


def not_shown_tiles(cues: list[tuple[int, Cue]], font: Font, profile: Profile, folder: Path,
                    fmt: str, notation: TimeNotation | None, origin: Fraction,
                    not_shown: str = NOT_SHOWN) -> list:
    """The tiles of (number, cue) of cues on no frame: black, `not_shown` across the middle,
    labelled with the cue's number and its start as the file writes it."""
    if not cues:
        return []
    width, height = tile_size(profile)
    label_font, strip = label_size(profile)
    blank = (ffmpeg.input(f"color=c=black:s={width}x{height}:r=25:d=0.04", f="lavfi")
             .drawtext(text=not_shown, fontfile=str(font.path), fontsize=label_font,
                       fontcolor="white", x="(w-tw)/2", y="(h-th)/2")
             .filter("pad", width, height + strip, 0, strip, color=BACKGROUND))
    # One source split, as for cues sharing a frame: ffmpeg-python merges equal inputs.
    copies = blank.split() if len(cues) > 1 else None
    outputs = []
    for copy, (number, cue) in enumerate(cues):
        label = f"{cue.index}  {label_time(cue.start / 1000 + float(origin), fmt, notation)}"
        tile = (copies[copy] if copies is not None else blank).drawtext(
            text=label, fontfile=str(font.path), fontsize=label_font, fontcolor="white", x=2,
            y=f"({strip}-th)/2")
        outputs.append(tile.output(str(folder / (TILE_NAME % number)), vframes=1, f="image2",
                                   vcodec="png"))
    return outputs


def label_time(at: float, fmt: str, notation: TimeNotation | None = None) -> str:
    """A tile's time: `at` seconds (the start of the frame it shows) as the file's format `fmt`
    writes a time (a TTML file: in its own `notation`, `file_times.written_time`), rounded up to
    that format's precision (milliseconds; centiseconds in ASS/SSA; a TTML file's frames or
    ticks) so that it falls inside the frame: a subtitler's editor sent to it shows that
    frame (at 29.97 fps the second frame starts at 33.37 ms: 00:00:00,034, as 33 ms is still
    the first). Not the cue's start as typed: frames fall on their grid, not on typed times (at
    25 fps a cue typed to start at 1.230 s is first shown on the frame at 1.240 s)."""
    if fmt == "ttml" and notation is not None:
        return written_time(at, notation)
    # Whole microseconds (1.24 is not 1.2400000000000002), from 00:00:00 again past midnight.
    microseconds = round(at * 1_000_000) % (DAY_MS * 1000)
    step = 10_000 if fmt in ("ass", "ssa") else 1_000
    return file_time(-(-microseconds // step) * step // 1_000, fmt)


def sheet_graph(folder: Path, count: int, output: Path):
    """The tiles in reading order, `COLUMNS` to a row."""
    columns = min(COLUMNS, count)
    rows = math.ceil(count / columns)
    return (ffmpeg.input(str(folder / TILE_NAME), f="image2", start_number=0, framerate=25)
            .filter("tile", f"{columns}x{rows}", padding=GAP, margin=GAP, color=BACKGROUND)
            .output(str(output), vframes=1, f="image2", vcodec="png"))


def write_sheet(master: Master, cues: list[Cue], shown: list[Cue], language: Language,
                font: Font, profile: Profile, work: Path, fontsdir: Path, target: Path,
                file_styles: dict[str, StyleFont] | None, fmt: str,
                notation: TimeNotation | None = None, origin: Fraction = Fraction(0),
                words: Callable[[Message], str] = str) -> Path:
    """The sheet of a file's `cues` as read, a tile each, with `shown` (the same cues as the
    render has them, `subtitle_input.as_rendered`) burned; its words said by `words` (the
    terminal's language: a Spanish preview's tile said "not shown (no frame)")."""
    ass = work / "sheet.ass"
    write_ass(shown, ass, style=language.style, width=profile.width, height=profile.height,
              font=font, language=language.code, fps=master.info.video.fps,
              file_styles=file_styles, qc=language.qc,
              picture_width=burned_frame(profile, master.geometry).picture_width)
    folder = work / "tiles"
    folder.mkdir()
    picture = seekable_picture(master.info, work)
    # A bounded number of inputs per process: every open input holds a decoder's frames.
    for first in range(0, len(cues), TILES_PER_RUN):
        run_graph(tiles_graph(master, cues[first:first + TILES_PER_RUN], font, profile, ass,
                              fontsdir, folder, first, picture, fmt, notation, origin,
                              words(say(NOT_SHOWN))),
                  f"taking the frames of {target.name}", target)
    missing = [cue for number, cue in enumerate(cues) if not (folder / (TILE_NAME % number)).exists()]
    if missing:     # ffmpeg writes no image, and says nothing, where a seek finds no frame
        raise RenderError("no picture found for the contact sheet at the first frame of cue "
                          + ", ".join(f"{cue.index} ({tile_time(cue, master, fmt):.3f} s)"
                                      for cue in missing), target)
    with atomic_output(target) as partial:
        run_graph(sheet_graph(folder, len(cues), partial),
                  f"making the contact sheet {target.name}", target)
    return target


def run_graph(graph, what: str, target: Path) -> None:
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    run_ffmpeg(["-loglevel", "error", *args], what=what, path=target)
