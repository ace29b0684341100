"""Where a master's programme starts: a spot's `programme_start:` in-point.

Masters come with what goes before the programme on tape and in file deliveries: colour bars
and line-up tone, a slate or countdown clock, black (the UK DPP's AS-11 gives 30 s before
10:00:00:00; tape masters a minute or two before 01:00:00:00). Taken as programme, the tone is
levelled with it, every variant counts them in its length, and a dub recorded from the
programme's start plays that much early. The spot names the programme's first frame, by its
timecode on the master's own clock or in seconds from the master's first frame; from then on the
master is seen from there (`programme_view`): its length and start timecode are the
programme's, the conform step reads its picture from that frame (media/conform.py) and places
its sound against it (`from_programme`: what comes before is cut, faded in over 20 ms as any
sound cut at the picture's start is, audio_layout.align). What the programme has after its end
(black, a clock) is still in it: the spot's master ends where the programme does.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError
from pipeline.media.audio_layout import SoundMap
from pipeline.media.probe import MediaInfo
from pipeline.media.timecode import (counted_on, exact_rate, rate_problem, rate_text,
                                     seconds)

if TYPE_CHECKING:       # read only: the manifest's model is no dependency of media's
    from pipeline.manifest import Manifest, Spot

HINT = ("give the timecode of the programme's first frame on the master's clock, e.g. "
        "'programme_start: \"10:00:00:00\"', or its seconds from the master's first frame, e.g. "
        "'programme_start: 30'")
SECONDS = "give the programme's start in seconds from the master's first frame, e.g. " \
          "'programme_start: 30'"


def programme_of(manifest: Manifest, spot: Spot, info: MediaInfo) -> MediaInfo:
    """The spot's probed master `info` seen from its `programme_start` (media/programme.py)
    when it gives one; `PipelineError` at that key's line when the master has no such frame, or
    the spot is aired from the master's sound alone (`medium: radio`), which is not cut."""
    start = spot.programme_start
    if start is None or start.at is None:
        return info
    try:
        if spot.medium == "radio":
            raise PipelineError(f"spot {spot.id!r} is a radio spot, aired from its master's sound "
                                "as delivered: programme_start cuts a video master's picture and "
                                "sound", hint="export the radio master from its programme's start")
        return programme_view(info, start.at)
    except PipelineError as exc:
        raise PipelineError(exc.message, manifest.path, start.line, exc.hint) from None


def programme_view(info: MediaInfo, at: str | float) -> MediaInfo:
    """The probed master `info` seen from its programme's first frame `at` (a timecode on its
    clock, `HH:MM:SS:FF` or `HH:MM:SS;FF`, or seconds from its first frame, taken to the
    nearest frame): its `duration` the programme's (seconds), its `timecode` the programme's
    first frame's label, `programme_start` the seconds before it. Raises `PipelineError`
    without a place (the caller knows the manifest's line) for a master with no picture, a
    timecode the master has no clock for or that does not label its frames, and a frame at or
    before the master's first or at or after its end."""
    video = info.video
    if video is None or not video.fps:
        raise PipelineError(f"programme_start is a frame of the master's picture, and {info.path} "
                            "has none: a radio master is aired as it is delivered",
                            hint="export the radio master from its programme's start")
    rate = exact_rate(video.fps)
    frames = _frames(info, at, rate)
    end = round(Fraction(info.duration) * rate)
    where = f"{at!r}" if isinstance(at, str) else f"{at:g} s ({frames} frames)"
    if frames <= 0:
        raise PipelineError(f"programme_start {where} is not after the master's first frame"
                            + (f" ({info.timecode})" if info.timecode else ""), hint=HINT)
    if frames >= end:
        raise PipelineError(f"programme_start {where} is not before the end of {info.path} "
                            f"({end} frames, {info.duration:.3f} s)", hint=HINT)
    start = float(frames / rate)
    timecode = counted_on(info.timecode, rate, frames) if info.timecode else None
    return replace(info, duration=info.duration - start, timecode=timecode, programme_start=start)


def _frames(info: MediaInfo, at: str | float, rate: Fraction) -> int:
    """Frames from the master's first frame to `at` (negative: before it)."""
    if not isinstance(at, str):
        return round(Fraction(at) * rate)
    clock = info.timecode
    if clock is None:
        raise PipelineError(f"programme_start {at!r} is a timecode, and {info.path} carries none "
                            "to count it on", hint=SECONDS)
    problem = rate_problem(clock, rate)
    if problem:
        raise PipelineError(f"programme_start {at!r} cannot be counted on the master's clock: "
                            f"{problem}", hint=SECONDS)
    problem = rate_problem(at, rate)
    if problem:
        raise PipelineError(f"programme_start: {problem}; the master runs at "
                            f"{rate_text(rate)} fps", hint=HINT)
    if (";" in at) != (";" in clock):
        kind = "drop-frame" if ";" in clock else "non-drop-frame"
        written = f"{at[:8]}{';' if ';' in clock else ':'}{at[9:]}"
        raise PipelineError(f"programme_start {at!r} and the master's timecode {clock} are counted "
                            f"differently: the master's is {kind}",
                            hint=f"write the programme's start as the master counts it: "
                                 f"'{written}'")
    return int((seconds(at, rate) - seconds(clock, rate)) * rate)


def from_programme(sound: SoundMap, start: float) -> SoundMap:
    """`sound` placed against the programme's first frame, `start` seconds into the master's
    picture: each stream starts and ends that much earlier (a stream that started before it is
    then cut there: audio_layout.align)."""
    return replace(sound, delays=tuple(delay - start for delay in sound.delays),
                   ends=tuple(None if end is None else end - start for end in sound.ends))
