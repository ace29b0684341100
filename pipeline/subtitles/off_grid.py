"""Cue times between the video's frames, said only where putting them on frames changes what a
subtitler checks: one warning a file, for translators (`check`, `watch`, `preview`).

The render puts every cue time on a frame boundary (`frames.py`): a time in milliseconds on the
nearest, an ASS/SSA time where libass shows it. That is what a subtitler means by a time. The
Netflix Timed Text Style Guide has times snapped to frames, and a cue typed to start at
00:00:04,000 on a 29.97 fps video (frame 120 starts at 4004.0 ms) can only be meant for frame
120; a file's format may not even hold the frame's time: SRT and WebVTT write whole
milliseconds, ASS/SSA centiseconds (a third of a frame at 29.97 fps: Aegisub, snapping to frames,
writes the middle between two). So a time between frames is no warning in itself: the render
rounds it as it was meant, and saying so of every time of every 29.97 fps file (where a round
time is nearly always between frames) was noise. The warning is kept where the rounding changes
something a subtitler cares about:

- The file seems timed to a video of another frame rate (a 25 fps version, on a 29.97 fps
  master): at least `MIN_TIMES` of its times, and a quarter or more, are off this video's frames
  (by a millisecond or more: the format could write them closer), nearly all its times
  (`FITTED`) are on the frames of another rate a subtitle editor is set to, and `MIN_TIMES` of
  those are no round number (a multiple of 50 ms: 1,500 or 4,250 is typed by hand, and is on the
  frames of several rates by chance); or a TTML file counts its frames at another rate
  (ttp:frameRate). Its cues were set to another picture's frames, and each can land a frame off
  the shot change it was timed to. ASS/SSA files are left out: a centisecond is a third of a
  frame, and with the middles Aegisub writes, half of all centiseconds are some frame's at any
  usual rate, so their times cannot tell which rate they were timed to.
- A cue long enough as typed is shown for less than the shortest duration (Netflix: 5/6 s, 20
  frames at 23.976 fps) once its start and end are on frames: the rounding took a frame off it.

Gaps and overlaps are judged on the frames by their own checks (`qc._gaps`, `checks.py`), which
give the frames: a gap the rounding makes too short is said there, not again here.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Iterable

from pipeline.errors import Diagnostic, warning
from pipeline.manifest import QcSettings
from pipeline.media.timecode import STANDARD_RATES, exact_rate
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.subtitles.frames import ASS_FORMATS, FrameGrid
from pipeline.subtitles.model import Cue, TimeNotation, format_time

LISTED_TIMES = 6   # cue times named in the warning; the rest are counted
MIN_TIMES = 3      # times off the grid (and not round) before a file is said to fit another rate
FITTED = 0.9       # the share of a file's times on another rate's frames for it to fit it
ROUND_MS = 50      # a time a multiple of this is taken as typed by hand
# The rates a subtitle editor is set to; faster ones are a camera's, and 100 fps frames are
# every centisecond, which any file converted from ASS would fit.
EDITOR_RATES = tuple(rate for rate in STANDARD_RATES if rate <= 60)


def off_grid_times(cues: Iterable[Cue], path, fps: float | None, *, fmt: str | None = None,
                   notation: TimeNotation | None = None,
                   qc: QcSettings = QcSettings()) -> list[Diagnostic]:
    """One warning when putting the times of `cues` (of a file of the registry's format `fmt`,
    a TTML file's times written in `notation`) on the frames of an `fps` video changes what a
    subtitler checks (see the module's docstring); none when the frame rate is unknown.

    For translators: the render snaps the times itself, so it is not one of the render's QC
    warnings (which `render --strict` fails on). A cue that ends before it starts (an error)
    is left out: its times are to be fixed, not snapped."""
    if not fps:
        return []
    grid = FrameGrid.at(fps, fmt)
    cues = [cue for cue in cues if cue.end > cue.start]
    timed = _other_rate(cues, grid, fmt, notation)
    short = _too_short(cues, grid, qc)
    if timed is None and not short:
        return []
    messages, hints, lines = [], [], []
    if timed is not None:
        message, hint, line = timed
        messages.append(message)
        hints.append(hint)
        lines.append(line)
    if short:
        messages.append(_short_message(short, grid, qc))
        first, needed = short[0]
        hints.append(say(N_("end cue %(cue)s at %(time)s or later (snapping its times to the "
                            "video's frames in your subtitle editor shows how long it really "
                            "is)"), cue=first.index, time=format_time(grid.player_ms(needed))))
        lines.append(first.line)
    said = messages[0] if len(messages) == 1 else \
        say(N_("%(timed)s; and %(short)s"), timed=messages[0], short=messages[1])
    hint = hints[0] if len(hints) == 1 else Items(tuple(hints), "; ")
    return [warning(said, path, min(lines), hint, "frame-grid")]


# --- timed to another frame rate ------------------------------------------------------------

def _other_rate(cues: list[Cue], grid: FrameGrid, fmt: str | None,
                notation: TimeNotation | None) -> tuple[Message, Message, int] | None:
    """(message, hint, line) when the times seem timed to another frame rate, else None."""
    found = _edges_off(cues, grid, fmt)
    if found is None:
        return None
    edges, off = found
    counted = notation.rate if notation and notation.unit in ("frames", "f") else None
    if counted:
        # A TTML file counting frames: its own rate says what it was timed to.
        other = FrameGrid(exact_rate(float(counted)))
        if other.rate == grid.rate:
            return None   # the video's frames, in media time: each rounds to its own
        how = say(N_("the file counts its frames at %(other)s (ttp:frameRate), not at the "
                     "video's %(grid)s: %(off)s of its %(count)s cue times fall between the "
                     "video's frames"), other=str(other), grid=str(grid), off=len(off),
                  count=len(edges))
    else:
        fitted = _fitted_rates(edges, grid)
        if not fitted:
            return None
        on = sum(not fitted[0].off_grid(ms) for _, _, ms in edges)
        # Times every 5th frame of 29.97 fps are every 4th of 23.976: either may be the one.
        named = str(fitted[0]) if len(fitted) == 1 else \
            say(N_("%(first)s or %(second)s"), second=str(fitted[-1]),
                first=", ".join(str(rate).removesuffix(" fps") for rate in fitted[:-1]))
        how = say(N_("the cue times seem timed to a %(named)s video, not to this %(grid)s one: "
                     "all %(on)s are on a %(named)s video's frames, %(off)s between this video's "
                     "frames") if on == len(edges) else
                  N_("the cue times seem timed to a %(named)s video, not to this %(grid)s one: "
                     "%(on)s of the %(count)s are on a %(named)s video's frames, %(off)s between "
                     "this video's frames"),
                  named=named, grid=str(grid), on=on, count=len(edges), off=len(off))
    listed = Items(tuple(say(_EDGES[edge], cue=cue.index, time=format_time(ms),
                             between=_between(grid, ms))
                         for cue, edge, ms in off[:LISTED_TIMES]), "; ")
    more = len(off) - LISTED_TIMES
    message = say(N_("%(how)s; each is moved to the nearest, which may be a frame off the shot "
                     "change it was timed to: %(listed)s; and %(more)s more") if more > 0 else
                  N_("%(how)s; each is moved to the nearest, which may be a frame off the shot "
                     "change it was timed to: %(listed)s"), how=how, listed=listed, more=more)
    hint = say(N_("time the file on this video: in your subtitle editor, open it, set the frame "
                  "rate to %(grid)s and snap the times to its frames"), grid=str(grid))
    return message, hint, off[0][0].line


_EDGES = {"starts": N_("cue %(cue)s starts at %(time)s, %(between)s"),
          "ends": N_("cue %(cue)s ends at %(time)s, %(between)s")}


def timed_rate(cues: list[Cue], fmt: str | None, assumed: float) -> Fraction | None:
    """The one editor frame rate (`EDITOR_RATES`) a file's times are on when they are not on
    the frames of the `assumed` rate (a check without the video's), as `_other_rate` finds it
    for a given video: a trial's correct 29.97 fps file, its gaps counted at 25, was told of
    40 ms gaps that were 67. None: on the assumed rate's frames, an ASS/SSA file (its
    centiseconds fit any rate), or several rates or none fit."""
    grid = FrameGrid.at(assumed)
    found = _edges_off(cues, grid, fmt)
    fitted = _fitted_rates(found[0], grid) if found else []
    return fitted[0].rate if len(fitted) == 1 else None


def _edges_off(cues: list[Cue], grid: FrameGrid, fmt: str | None
               ) -> tuple[list[tuple[Cue, str, int]], list[tuple[Cue, str, int]]] | None:
    """(every cue's start and end as (cue, "starts" or "ends", ms), those between `grid`'s
    frames) when enough are between them to be timed to another rate (`MIN_TIMES`, and a
    quarter of them); None otherwise, and for an ASS/SSA file (its centiseconds fit any
    rate)."""
    if fmt in ASS_FORMATS:
        return None
    edges = [(cue, edge, ms) for cue in cues
             for edge, ms in (("starts", cue.start), ("ends", cue.end))]
    off = [(cue, edge, ms) for cue, edge, ms in edges if grid.off_grid(ms)]
    if len(off) < MIN_TIMES or 4 * len(off) < len(edges):
        return None
    return edges, off


def _fitted_rates(edges: list[tuple[Cue, str, int]], grid: FrameGrid) -> list[FrameGrid]:
    """The editor's frame rates, other than the video's, whose frames nearly all of the times
    are on and not by being round numbers: those most are on, slowest first, less those on
    whose frames a slower one's all are (a 25 fps file is on the frames of 50 fps too); two
    when the times fit both (every 5th frame of 29.97 fps is every 4th of 23.976)."""
    counted = []
    # A rate is left at its first time off its frames past the share that may be: each rate
    # read every time of a 200,000-cue file (a third of its `check`).
    allowed = len(edges) - math.ceil(FITTED * len(edges))
    for rate in EDITOR_RATES:
        other = FrameGrid(rate)
        if rate == grid.rate:
            continue
        on, missed = [], 0
        for _, _, ms in edges:
            if not other.off_grid(ms):
                on.append(ms)
            else:
                missed += 1
                if missed > allowed:
                    break
        unround = [ms for ms in on if ms % ROUND_MS]
        if missed <= allowed and len(unround) >= MIN_TIMES:
            counted.append((len(on), other))
    most = max((on for on, _ in counted), default=0)
    fitted: list[FrameGrid] = []
    for _, other in sorted((c for c in counted if c[0] == most), key=lambda c: c[1].rate):
        if not any((other.rate / slower.rate).denominator == 1 for slower in fitted):
            fitted.append(other)
    return fitted


def _between(grid: FrameGrid, ms: int) -> Message:
    """`between frames 44 (1.468 s) and 45 (1.502 s)`: the frames a time off the grid lies
    between, with their times to the millisecond (rounded), which the time is not."""
    before = math.floor(ms * grid.rate / 1000)
    return say(N_("between frames %(before)s (%(start)s s) and %(after)s (%(end)s s)"),
               before=before, start=_seconds(grid.time_ms(before)), after=before + 1,
               end=_seconds(grid.time_ms(before + 1)))


def _seconds(ms: Fraction) -> Number:
    """Exact milliseconds in seconds, rounded half up to the millisecond (as players show it)."""
    return Number(math.floor(ms + Fraction(1, 2)) / 1000, ".3f")


# --- a frame lost under the shortest duration ------------------------------------------------

def _too_short(cues: list[Cue], grid: FrameGrid, qc: QcSettings) -> list[tuple[Cue, int]]:
    """(cue, the frame it should end on at the earliest) of each cue at least the shortest
    duration as typed (the too-short warning says the others) and shorter on its frames."""
    shortest = round(qc.min_duration * 1000)   # as the too-short warning counts it
    found = []
    for cue in cues:
        first, end = grid.frames(cue)
        if cue.end - cue.start >= shortest and grid.time_ms(end) - grid.time_ms(first) < shortest:
            found.append((cue, first + math.ceil(shortest * grid.rate / 1000)))
    return found


def _short_message(short: list[tuple[Cue, int]], grid: FrameGrid, qc: QcSettings) -> Message:
    def figures(cue: Cue) -> dict:
        first, end = grid.frames(cue)
        return dict(cue=cue.index, start=format_time(cue.start), end=format_time(cue.end),
                    length=Number((cue.end - cue.start) / 1000, ".3f"), frames=end - first,
                    shown=_seconds(grid.time_ms(end) - grid.time_ms(first)))
    minimum = Number(round(qc.min_duration * 1000) / 1000, ".3f")
    if len(short) == 1:
        return say(N_("on the frames of the %(grid)s video, cue %(cue)s (%(start)s --> %(end)s, "
                      "%(length)s s) is shown for %(frames)s frames (%(shown)s s), under the "
                      "%(minimum)s s minimum"), grid=str(grid), minimum=minimum,
                   **figures(short[0][0]))
    listed = Items(tuple(say(N_("cue %(cue)s (%(start)s --> %(end)s, %(length)s s) for "
                                "%(frames)s frames (%(shown)s s)"), **figures(cue))
                         for cue, _ in short[:LISTED_TIMES]), "; ")
    more = len(short) - LISTED_TIMES
    return say(N_("on the frames of the %(grid)s video, %(count)s cues are shown for less than "
                  "the %(minimum)s s minimum: %(listed)s; and %(more)s more") if more > 0 else
               N_("on the frames of the %(grid)s video, %(count)s cues are shown for less than "
                  "the %(minimum)s s minimum: %(listed)s"), grid=str(grid), count=len(short),
               minimum=minimum, listed=listed, more=more)
