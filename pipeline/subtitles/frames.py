"""Cue times on the video's frame grid.

Subtitlers time cues to frames (to the shot changes), and a subtitle that shows one frame early
or stays one frame over a cut is a QC reject. A file's times are milliseconds, frames are not
(1001/24 ms at 23.976 fps), and ASS times are centiseconds, so each boundary is snapped to a
frame boundary: a time in milliseconds to the nearest, a frame being covered by a cue when more
than half of it lies inside the cue (an exact half goes to the later frame, so nothing appears
before its time), an ASS/SSA time as libass shows it (below). A cue may cover no frame so:
shorter than a frame, between two frames' boundaries, or inside one frame and over no more than
half of it (at 25 fps, 00:00:01,010 --> 00:00:01,030 is half of frame 25). It is never shown:
left out of the burn, the subtitle track and the sidecars alike (`snap_cues`), and warned of
(`qc.py`, `no-frame`); before, it was stretched to a frame it hardly covers, or written as an
event that starts where it ends. Then each output format is given a time that lands on exactly
those frames:

- ASS (burned by libass through ffmpeg's `ass` filter): the filter hands libass each frame's
  time as `pts * time_base * 1000` converted to whole milliseconds by truncation
  (libavfilter/vf_subtitles.c), and libass shows an event when `Start <= now < End`
  (ass_render.c). A boundary at frame `k` is written as the centisecond nearest the middle of
  the open interval between the times of frames `k-1` and `k`: at least 3 ms from both ends at
  59.94 fps, so neither float error nor a millisecond time base moves a cue by a frame.
- SRT, WebVTT and the mov_text track (drawn by players, which show a cue once the clock reaches
  it): the frame's time rounded down to the millisecond, never after the frame itself.

An ASS/SSA file's own times are read as libass shows them, not by the nearest boundary. Aegisub,
snapping to frames, writes the middle between a frame and the one before it (libaegisub's
`Framerate::TimeAtFrame`, START and END) in centiseconds, and such a time may lie nearer the
frame before: the nearest boundary put about half of them a frame early at 23.976, 24 and 29.97
fps. libass, in Aegisub's preview as in ffmpeg's `ass` filter, shows an event from the first
frame whose time (truncated to the millisecond) is at or after its Start: the frame the
translator saw. A time at most half a centisecond after a frame is taken as that frame's (its
time rounded to the centisecond, as in a file converted from SubRip) up to 30 fps; above, a
centisecond is more than a third of a frame (60 % at 59.94 fps), Aegisub's middles lie there
too, and libass's reading alone decides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterable

from pipeline.media.timecode import exact_rate, rate_text
from pipeline.subtitles.model import Cue

TOLERANCE_MS = 1   # a time this close to a frame boundary is on it (SRT has whole milliseconds)
ASS_FORMATS = ("ass", "ssa")   # the registry's names of the formats timed in centiseconds
ROUNDED_UP_MS = 5   # half a centisecond: an ASS time this far after a frame is that frame's
ROUNDED_UP_RATE = 30   # fps: up to it, and only then (see the module's docstring)


def frame_rate(fps: float) -> Fraction:
    """The exact rate behind a probed or typed frame rate: 24000/1001 for 23.976 and 23.98, 25
    for 25 (`timecode.exact_rate`, the one place rates are made exact)."""
    return exact_rate(fps)


@dataclass(frozen=True)
class FrameGrid:
    rate: Fraction   # frames per second
    libass: bool = False   # an ASS/SSA file's times: read as libass shows them (see above)
    # Pictures drawn a frame: 2 where an interlaced frame's fields are drawn one by one
    # (render/mastering.py weaves them), each cue from its first frame's first field.
    drawn: int = 1

    @classmethod
    def at(cls, fps: float, fmt: str | None = None) -> "FrameGrid":
        """The grid of `fps` as the times of a file of the registry's format `fmt` fall on it
        (None: times in milliseconds, as the render writes them)."""
        return cls(frame_rate(fps), fmt in ASS_FORMATS)

    @property
    def fps(self) -> float:
        return float(self.rate)

    def __str__(self) -> str:
        return rate_text(self.rate) + " fps"   # 25 fps, 23.976 fps

    def time_ms(self, frame: int) -> Fraction:
        """When `frame` (numbered from 0) starts, in exact milliseconds."""
        return frame * 1000 / self.rate

    # The per-time methods below work on the rate's numerator and denominator in integers:
    # they run for every cue time of a file (several times a time with --fps), and Fraction
    # arithmetic made `check --fps` of 50,000 cues take 26 s, integers the same results in 7 s.

    def nearest(self, ms: int) -> int:
        """The frame boundary nearest `ms` milliseconds; a tie goes to the later frame."""
        num, den = self.rate.numerator, self.rate.denominator
        return (2 * ms * num + 1000 * den) // (2000 * den)   # floor(ms * rate / 1000 + 1/2)

    def boundary(self, ms: int) -> int:
        """The frame boundary a time of the file stands for: the nearest, or for an ASS/SSA
        file the first frame libass shows at or after it (see the module's docstring)."""
        if not self.libass:
            return self.nearest(ms)
        # A frame's time truncated to whole milliseconds is at or after `ms` exactly when the
        # exact time is: libass's test needs no truncation here.
        early = ROUNDED_UP_MS if self.rate <= ROUNDED_UP_RATE else 0
        num, den = self.rate.numerator, self.rate.denominator
        return -(-(ms - early) * num // (1000 * den))   # ceil((ms - early) * rate / 1000)

    def frames(self, cue: Cue) -> tuple[int, int]:
        """(first frame, frame after the last) the cue is on screen for; the same frame twice
        for a cue on no frame (`shown`): one whose start and end go to the same boundary, one
        lying inside a single frame and covering half of it or less (its boundaries, each the
        nearest, would have put it on that frame, a frame it does not cover), or one that ends
        before it starts."""
        first, end = self.boundary(cue.start), self.boundary(cue.end)
        num, den = self.rate.numerator, self.rate.denominator
        # Inside one frame: `end == first + 1` only when the cue spans its middle, and no more
        # than half a frame long only when it lies inside it. libass's reading needs no such
        # rule: it shows the cue on a frame whose time the cue holds, as Aegisub showed it.
        if not self.libass and end == first + 1 and 2 * (cue.end - cue.start) * num <= 1000 * den:
            return first, first
        return first, max(first, end)

    def shown(self, cue: Cue) -> bool:
        """Whether the cue is on screen for a frame at all: a cue shorter than a frame may fall
        between two (at 25 fps, 00:00:01,010 --> 00:00:01,030 covers half of frame 25)."""
        first, end = self.frames(cue)
        return end > first

    def off_grid(self, ms: int) -> bool:
        """Whether `ms` is not a frame boundary written to the millisecond."""
        num, den = self.rate.numerator, self.rate.denominator
        # |ms - time_ms(nearest)| >= TOLERANCE_MS, both sides times the numerator
        return abs(ms * num - self.nearest(ms) * 1000 * den) >= TOLERANCE_MS * num

    def player_ms(self, frame: int) -> int:
        """The millisecond time a player shows `frame` at or after: the frame's, rounded down."""
        return frame * 1000 * self.rate.denominator // self.rate.numerator

    def ass_centiseconds(self, frame: int) -> int:
        """An ASS time (in centiseconds) that libass, fed the drawn pictures' times truncated
        to milliseconds, reaches at frame `frame`'s first picture and not at the picture
        before it (with `drawn` 2, the previous frame's second field)."""
        picture = frame * self.drawn
        if picture <= 0:
            return 0
        middle = (2 * picture - 1) * Fraction(500) / (self.rate * self.drawn)
        return round(middle / 10)


def snap_cues(cues: Iterable[Cue], fps: float | None, fmt: str | None = None) -> list[Cue]:
    """The cues of a file of the registry's format `fmt` with their times on the frame grid of
    `fps`, as players should get them (`player_ms`), without those on no frame (`shown`): the
    one place the burn, the subtitle track and the sidecars leave them out, so all three agree
    (the QC warns of each, `no-frame`). Unchanged when the frame rate is unknown."""
    if not fps:
        return list(cues)
    grid = FrameGrid.at(fps, fmt)
    snapped = []
    for cue in cues:
        first, end = grid.frames(cue)
        if end > first:
            snapped.append(replace(cue, start=grid.player_ms(first), end=grid.player_ms(end)))
    return snapped
