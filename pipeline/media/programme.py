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
from pipeline.messages import N_, Number, say
from pipeline.media.audio_streams import SoundMap
from pipeline.media.probe import MediaInfo
from pipeline.media.timecode import (counted_on, exact_rate, rate_problem, rate_text,
                                     seconds)

if TYPE_CHECKING:       # read only: the manifest's model is no dependency of media's
    from pipeline.manifest import Manifest, Spot

HINT = say(N_("give the timecode of the programme's first frame on the master's clock, e.g. "
              "%(timecode)s, or its seconds from the master's first frame, e.g. %(seconds)s"),
           timecode="'programme_start: \"10:00:00:00\"'", seconds="'programme_start: 30'")
SECONDS = say(N_("give the programme's start in seconds from the master's first frame, e.g. "
                 "%(seconds)s"), seconds="'programme_start: 30'")
RADIO_HINT = say(N_("export the radio master from its programme's start"))


def programme_of(manifest: Manifest, spot: Spot, info: MediaInfo) -> MediaInfo:
    """The spot's probed master `info` seen from its `programme_start` (media/programme.py)
    when it gives one; `PipelineError` at that key's line when the master has no such frame, or
    the spot is aired from the master's sound alone (`medium: radio`), which is not cut."""
    start = spot.programme_start
    if start is None or start.at is None:
        return info
    try:
        if spot.medium == "radio":
            raise PipelineError(say(N_("spot %(spot)s is a radio spot, aired from its master's "
                                       "sound as delivered: programme_start cuts a video "
                                       "master's picture and sound"), spot=repr(spot.id)),
                                hint=RADIO_HINT)
        return programme_view(info, start.at)
    except PipelineError as exc:
        raise PipelineError(exc.said_message, manifest.path, start.line,
                            exc.said_hint) from None


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
        raise PipelineError(say(N_("programme_start is a frame of the master's picture, and "
                                   "%(file)s has none: a radio master is aired as it is "
                                   "delivered"), file=str(info.path)), hint=RADIO_HINT)
    rate = exact_rate(video.fps)
    frames = _frames(info, at, rate)
    end = round(Fraction(info.duration) * rate)
    where = repr(at) if isinstance(at, str) else say(N_("%(seconds)s s (%(frames)s frames)"),
                                                      seconds=Number(at, "g"), frames=frames)
    if frames <= 0:
        raise PipelineError(say(N_("programme_start %(start)s is not after the master's first "
                                   "frame (%(timecode)s)"), start=where, timecode=info.timecode)
                            if info.timecode else
                            say(N_("programme_start %(start)s is not after the master's first "
                                   "frame"), start=where), hint=HINT)
    if frames >= end:
        raise PipelineError(say(N_("programme_start %(start)s is not before the end of %(file)s "
                                   "(%(frames)s frames, %(seconds)s s)"), start=where,
                                file=str(info.path), frames=end,
                                seconds=Number(info.duration, ".3f")), hint=HINT)
    start = float(frames / rate)
    timecode = counted_on(info.timecode, rate, frames) if info.timecode else None
    return replace(info, duration=info.duration - start, timecode=timecode, programme_start=start)


def _frames(info: MediaInfo, at: str | float, rate: Fraction) -> int:
    """Frames from the master's first frame to `at` (negative: before it)."""
    if not isinstance(at, str):
        return round(Fraction(at) * rate)
    clock = info.timecode
    if clock is None:
        raise PipelineError(say(N_("programme_start %(start)s is a timecode, and %(file)s "
                                   "carries none to count it on"), start=repr(at),
                                file=str(info.path)), hint=SECONDS)
    problem = rate_problem(clock, rate)
    if problem:
        raise PipelineError(say(N_("programme_start %(start)s cannot be counted on the master's "
                                   "clock: %(problem)s"), start=repr(at), problem=problem),
                            hint=SECONDS)
    problem = rate_problem(at, rate)
    if problem:
        raise PipelineError(say(N_("programme_start: %(problem)s; the master runs at %(rate)s "
                                   "fps"), problem=problem, rate=rate_text(rate)), hint=HINT)
    if (";" in at) != (";" in clock):
        kind = N_("drop-frame") if ";" in clock else N_("non-drop-frame")
        written = f"{at[:8]}{';' if ';' in clock else ':'}{at[9:]}"
        raise PipelineError(say(N_("programme_start %(start)s and the master's timecode %(clock)s "
                                   "are counted differently: the master's is %(kind)s"),
                                start=repr(at), clock=clock, kind=say(kind)),
                            hint=say(N_("write the programme's start as the master counts it: "
                                        "%(written)s"), written=f"'{written}'"))
    return int((seconds(at, rate) - seconds(clock, rate)) * rate)


def from_programme(sound: SoundMap, start: float) -> SoundMap:
    """`sound` placed against the programme's first frame, `start` seconds into the master's
    picture: each stream starts and ends that much earlier (a stream that started before it is
    then cut there: audio_layout.align)."""
    return replace(sound, delays=tuple(delay - start for delay in sound.delays),
                   ends=tuple(None if end is None else end - start for end in sound.ends))
