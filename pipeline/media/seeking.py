"""Finding a frame by its time: the frame grid, the times ffmpeg is given, and a file to seek in.

- A frame is shown from its start to the next one's: the frame at a time is the one that starts
  at or before it (`frame_start`), on the picture's grid counted from its first frame.
- `-ss` and `trim` count in microseconds and turn a time into the stream's ticks to the
  nearest (`ffmpeg_seconds`).
- `-ss` decodes from the last keyframe at or before the time (by decoding order). Two traps,
  both measured on ffmpeg 5.1:
  - MPEG-TS and MPEG-PS have no index. The seek often lands on the keyframe *after* the time
    (21 of 29 seeks in an H.264 TS with a 12-frame GOP, up to 8 frames late); in a file with
    one keyframe, past the end; and in an MPEG-2 program stream the frames after a seek are
    stamped 1-3 frames wrong. `seekable_picture` copies a picture from a container without an
    index into a MOV first.
  - In an open GOP (long-GOP MPEG-2's habit), the frames shown just before a keyframe are
    decoded after it, from the GOP before. A seek to their time lands on that keyframe and
    loses them; decoding from `OPEN_GOP_LEAD` earlier and trimming keeps them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.media.probe import MediaInfo

# Seconds a decode starts before the frame it is for, so that an open GOP's frames shown before
# a keyframe are decoded: covers a reordering delay of 6 frames at 25 fps.
OPEN_GOP_LEAD = 0.25
# Containers whose seeks land on the frame asked (ffprobe's format names): they carry an index.
INDEXED = ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mxf", "avi")


def frame_start(at: float, rate: Fraction, duration: float) -> float:
    """Seconds: the start of the frame shown at `at` seconds of a picture of `rate` frames a
    second counted from 0, and at most the start of its last frame (`duration` seconds long)."""
    # Times are whole microseconds (cue times are milliseconds): taken as such, 2.64 s is frame
    # 66 at 25 fps, not the binary float's 65.99999...
    at_us, duration_us = Fraction(round(at * 1_000_000), 1_000_000), \
        Fraction(round(duration * 1_000_000), 1_000_000)
    frame = min(math.floor(at_us * rate), math.ceil(duration_us * rate) - 1)
    return float(max(0, frame) / rate)


def ffmpeg_seconds(at: float) -> str:
    """`at` seconds as `-ss` and `trim` read it: to the nearest microsecond, what they count in.
    They turn it into the stream's ticks to the nearest, so a frame's start, even one no whole
    number of microseconds (29.97 fps), is that frame's own tick: every time base in use ticks
    at 90 kHz or slower. Never earlier than the frame: on a keyframe, `-ss` would then decode
    the whole GOP before it (0.49 CPU-s for a 1080p poster at a GOP boundary instead of 0.17)."""
    return f"{round(max(0.0, at) * 1_000_000) / 1_000_000:.6f}"


@dataclass(frozen=True)
class SeekablePicture:
    """A file holding a master's picture where `-ss` lands on the frame asked, and `offset`:
    seconds from that file's start (its earliest stream) to the programme's first frame (the
    picture's, or the spot's `programme_start`: media/programme.py)."""

    path: Path
    offset: float


def seekable_picture(info: MediaInfo, work: Path) -> SeekablePicture:
    """The master itself when its container has an index (`INDEXED`); else its picture alone,
    copied into a MOV in `work` (0.09 s for a 10 s 1080p TS; MOV takes more codecs than MP4). The copy is read once from the
    start, so its timestamps are those of a linear read; it holds one stream, so its start is
    its first frame's. A stream copy drops the frames before the first keyframe, as a decode
    from the start does (the render's picture starts at its first decoded frame too)."""
    if info.format_name in INDEXED:
        offset = (info.video.start_time if info.video and info.video.start_time is not None
                  else info.start_time) - info.start_time
        return SeekablePicture(info.path, offset + info.programme_start)
    copy = work / "picture.mov"
    run_ffmpeg(["-loglevel", "error", "-fflags", "+genpts", "-i", str(info.path), "-map", "0:v:0",
                "-c", "copy", "-f", "mov", str(copy)],
               what="copying the master's picture to seek in it", path=info.path)
    return SeekablePicture(copy, info.programme_start)
