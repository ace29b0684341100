"""The rate of a variable-rate picture's fastest stretch, read from its frames' own timestamps.

ffprobe's base rate (r_frame_rate) is a guess: the standard rate its first frames' intervals fit
best. When none fits (a phone's frame times jitter by a fifth of a frame), it gives the stream's
timescale instead (90000/1), and when the clip starts slow (in low light) a rate below its
average (15000/1001 for a 15-then-30 fps clip averaging 22.5). Neither is a rate the picture was
shot at; for those alone (`unreliable_base`) the probe reads every frame's time, once, without
decoding (`fastest_rate`).
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from pipeline.errors import MediaError
from pipeline.messages import N_, say
from pipeline.media.ffmpeg import ffprobe_binary

# The fastest rate a camera records at (STANDARD_RATES' highest): a base above it is a timescale.
HIGHEST_RATE = 120
# A phone in low light falls from 30 to 15 or 10 fps, not further for long: a base more than
# this many times its average is no stretch of it.
MOST_BASE_OVER_AVERAGE = 4
# Frame intervals a stretch is measured over: half a second at 30 fps. A phone's clock stamps
# each frame a few ms off its time; over 15 intervals only the two ends' errors count, 1.6 %
# of the stretch for 4 ms of jitter, where one interval's rate was off by a quarter.
WINDOW = 15
# Stretches left out as the fastest: a frame stamped late (a hiccup, then the next on time)
# shortens the stretch starting on it; the third shortest stretch is real frames'.
STRAYS = 2


def unreliable_base(base: float, average: float | None, time_base: str | None) -> bool:
    """ffprobe's base rate is not the rate of a stretch of the picture: above any camera's rate,
    the stream's timescale (`time_base` 1/90000 and a base of 90000), below the picture's
    average (the fastest stretch is never slower than the whole) or far above it."""
    ticks = _ticks(time_base)
    if base > HIGHEST_RATE or (ticks is not None and abs(base - ticks) < 1e-6 * ticks):
        return True
    return bool(average) and (base < 0.99 * average or base > MOST_BASE_OVER_AVERAGE * average)


def _ticks(time_base: str | None) -> float | None:
    """Ticks a second of a time base written `1/90000`."""
    try:
        return float(1 / Fraction(time_base)) if time_base else None
    except (ValueError, ZeroDivisionError):
        return None


def frame_times(path: Path, index: int, time_base: str) -> list[Fraction]:
    """Presentation times, in seconds, of stream `index`'s frames (its packets: no decoding),
    in time order (a stream with B-frames stores them out of it)."""
    result = subprocess.run(
        [ffprobe_binary(), "-v", "error", "-select_streams", str(index), "-show_entries",
         "packet=pts", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() \
            else say(N_("unreadable"))
        raise MediaError(say(N_("ffprobe cannot read this file's frame times: %(reason)s"),
                             reason=reason), path)
    unit = Fraction(time_base)
    ticks = {int(line.strip().strip(",")) for line in result.stdout.split()
             if line.strip().strip(",").lstrip("-").isdigit()}
    return [tick * unit for tick in sorted(ticks)]


def fastest_rate(times: list[Fraction]) -> float | None:
    """Frames a second in the fastest stretch of `times` (sorted seconds): WINDOW intervals, the
    shortest time they take but the STRAYS shortest. Not the average (18.8 fps for a phone clip
    at 30, 15 and 10), nor a percentile of the intervals (a clip mostly in low light has a few
    per cent of them in its 30 fps stretch). None for fewer than two frames."""
    if len(times) < 2:
        return None
    window = min(WINDOW, len(times) - 1)
    spans = sorted(times[i + window] - times[i] for i in range(len(times) - window))
    span = spans[min(STRAYS, len(spans) - 1)]
    return float(window / span) if span > 0 else None
