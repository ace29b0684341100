"""SMPTE timecode (SMPTE ST 12-1) of a master: checked, and counted back over the leader.

Arithmetic, and drop-frame counting at 29.97 and 59.94 fps, are the `timecode` library's; here
are the rules a profile's `timecode: "HH:MM:SS:FF"` must follow and the exact frame rate a master
is encoded at.
"""

from __future__ import annotations

import re
from fractions import Fraction

from timecode import Timecode

from pipeline.messages import N_, say

TIMECODE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)([:;])(\d\d)$")
# Rates written as ffmpeg reports them, to the exact fractions NTSC uses.
NTSC_DENOMINATOR = 1001


def syntax_problem(text: str) -> str | None:
    """Why `text` is not a timecode `HH:MM:SS:FF` (or `HH:MM:SS;FF`, drop-frame), or None."""
    if TIMECODE.match(text):
        return None
    shape = re.fullmatch(r"(\d\d):(\d\d):(\d\d)[:;]\d\d", text)
    if shape:
        # Written right, out of range: said as that (before: "is not of the form", which it is).
        parts = zip(("hours", "minutes", "seconds"), map(int, shape.groups()), (23, 59, 59))
        name, value, highest = next(part for part in parts if part[1] > part[2])
        return f"timecode {text!r} has {value} {name}: they run from 00 to {highest:02d}"
    return f"timecode {text!r} is not of the form HH:MM:SS:FF (HH:MM:SS;FF for drop-frame)"


def exact_rate(fps: float) -> Fraction:
    """The rational frame rate a probed or typed rate stands for (29.97002997 and 29.97 ->
    30000/1001; 25.0 -> 25). The decimals subtitlers and editors write for the NTSC rates,
    23.976 or 23.98, 29.97, 47.95, 59.94, 119.88, are all within 0.005 of N*1000/1001: no
    other rate in use is that close to one, and 23.98 taken as itself would put every cue
    time of a 23.976 fps file 2 ms off its frame."""
    whole = Fraction(round(fps))
    if abs(float(whole) - fps) < 1e-3:
        return whole
    ntsc = Fraction(round(fps * NTSC_DENOMINATOR / 1000) * 1000, NTSC_DENOMINATOR)
    if abs(float(ntsc) - fps) < 5e-3:         # 29.97, 23.976, 59.94 as people type them
        return ntsc
    return Fraction(fps).limit_denominator(NTSC_DENOMINATOR)


def rate_text(rate: Fraction | float) -> str:
    """A frame rate as people write it: "25", "29.97", "23.976", "59.94" (not 59.9401)."""
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def parse_rate(text: str) -> Fraction:
    """A frame rate typed as a number (`25`, `23.98`) or a fraction (`24000/1001`), exact;
    `ValueError` saying what is accepted (a `Message`) when it is neither, or not above
    zero."""
    numerator, _, denominator = text.strip().partition("/")
    try:
        rate = (Fraction(int(numerator), int(denominator)) if denominator
                else exact_rate(float(numerator)))
    except (ValueError, ZeroDivisionError):
        rate = None
    if rate is None or rate <= 0:
        raise ValueError(say(N_("%(text)s is not a frame rate: give a number such as 25 or "
                                "23.976, or a fraction such as 24000/1001"), text=repr(text)))
    return rate


# The frame rates cameras, phones and players are made for (ATSC A/53, SMPTE ST 2036, EBU).
STANDARD_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001),
                  Fraction(30), Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60),
                  Fraction(100), Fraction(120000, 1001), Fraction(120))


def constant_rate(base: float) -> Fraction:
    """The constant rate a variable-rate picture is made at: the standard rate nearest its base
    rate (ffprobe's r_frame_rate, the rate of its fastest stretch: a phone recording at 30 that
    drops to 15 or 10 in low light reads 30 there, its average 18.8). Nothing the fastest
    stretch shows is dropped, the slower ones repeat frames, and the rate is one every player
    and platform takes; a jittered base read as 30.2 is 30. A base that is no stretch's rate
    (a timescale, 90000) is not given here: the probe measures the fastest stretch from the
    frames' times instead (media/frame_times.py, `measured_constant_rate`)."""
    return min(STANDARD_RATES, key=lambda rate: abs(float(rate) - base))


# How close a rate measured from frame times must be to an NTSC rate to be taken as one: its
# frames stamped on NTSC's grid (3003 ticks of 90 kHz at 29.97), not a phone's jittered clock.
NTSC_MEASURED = 1e-4


def measured_constant_rate(rate: float) -> Fraction:
    """`constant_rate` of the fastest stretch's rate as measured from the frames' times
    (media/frame_times.py). A phone at about 30 fps is made 30, not 29.97: phones record at
    whole rates (their camera APIs offer 24, 25, 30, 60), and jitter leaves the measurement a
    per cent or so off, ten times the 0.1 % between the two; so an NTSC rate only when the
    frames' times fall on its grid (a camera or screen recorder locked to 29.97 measures
    29.970). A profile for NTSC television converts to its own `fps: 29.97`."""
    nearest = constant_rate(rate)
    off = abs(rate - float(nearest))
    if nearest.denominator == NTSC_DENOMINATOR and off > NTSC_MEASURED * rate:
        return Fraction(round(nearest))
    return nearest


def nominal(rate: Fraction) -> int:
    """Frames counted per timecode second (30 for 29.97)."""
    return round(rate)


def drop_frame_allowed(rate: Fraction) -> bool:
    return rate.denominator == NTSC_DENOMINATOR and nominal(rate) in (30, 60)


def rate_problem(text: str, rate: Fraction) -> str | None:
    """Why `text` cannot label frames at `rate`: a frame number past the second, drop-frame
    at a rate that has none, or a drop-frame label that is skipped."""
    match = TIMECODE.match(text)
    if match is None:
        return syntax_problem(text)
    if int(match.group(5)) >= nominal(rate):
        return f"timecode {text!r} numbers frame {match.group(5)} at {float(rate):.3f} fps"
    if match.group(4) == ";" and not drop_frame_allowed(rate):
        return f"timecode {text!r} is drop-frame, which only 29.97 and 59.94 fps have"
    minute, second, frame = int(match.group(2)), int(match.group(3)), int(match.group(5))
    dropped = 2 * nominal(rate) // 30     # labels dropped each minute: 2 at 29.97, 4 at 59.94
    if match.group(4) == ";" and second == 0 and minute % 10 and frame < dropped:
        # SMPTE ST 12-1: the first labels of every minute but each tenth are skipped; counted
        # as if they were there, the programme started two frames before the label said.
        return (f"timecode {text!r} does not exist in drop-frame: frames 00 to {dropped - 1:02d} "
                f"of every minute but each tenth are skipped (the first is "
                f"{text[:9]}{dropped:02d})")
    return None


# A label as files carry it: two digits of frames up to 100 a second, three above (ffmpeg's
# `av_timecode_make_string`, QuickTime's tmcd), `.` or `,` for drop-frame in some writers.
LABEL = re.compile(r"^(\d\d):(\d\d):(\d\d)([:;.,])(\d{2,3})$")


def same_label(one: str | None, other: str | None) -> bool:
    """Whether two timecode labels name the same frame, read as numbers. SMPTE ST 12-1 labels up
    to 60 frames a second, in two digits; ST 12-3 gives 100 and 120 fps (and 72, 96) frame
    counts of their own, which a file's tmcd track or MXF timecode carries as the frame's number
    in its second: ffmpeg writes 09:59:48:000 at 120 fps where the `timecode` library writes
    09:59:48:00, and a 120 fps progressive master was failed on that after its encode."""
    if one == other:
        return True
    found = [LABEL.match(text or "") for text in (one, other)]
    if not all(found):
        return False
    return len({(tuple(map(int, match.group(1, 2, 3, 5))), match.group(4) in ";.,")
                for match in found}) == 1


def _timecode(rate: Fraction, drop: bool, text: str | None = None,
              frames: int | None = None) -> Timecode:
    return Timecode(f"{rate.numerator}/{rate.denominator}", text, frames=frames,
                    force_non_drop_frame=not drop)


def seconds(text: str, rate: Fraction) -> Fraction:
    """Seconds from 00:00:00:00 to the start of the frame `text` labels, at `rate` frames a
    second: the frames counted up to it (less the labels drop-frame skips, written `;FF`, SMPTE
    ST 12-1) over the rate. 10:00:00:00 at 25 fps is 36000 s; 10:00:00;00 at 29.97 fps is
    35999.964 s, and 10:00:00:00 non-drop at 29.97 fps 36036 s. `text` must be a label of
    `rate` (`rate_problem`)."""
    # The library counts frames from 1 (00:00:00:00 is frame 1).
    return Fraction(_timecode(rate, ";" in text, text).frames - 1) / rate


def clock_seconds(text: str, rate: Fraction) -> Fraction:
    """The timecode `text` read as a clock time: its hours, minutes and seconds, then its frames
    at `rate` (01:00:00:12 at 25 fps is 3600.48 s), as TTML reads a clock time's frames
    (`subtitles/ttml_time.py`). What a subtitle editor whose video is set to start at `text`
    adds to the video's own times in a SubRip or WebVTT file. At 23.976 fps non-drop it is 3.6
    s an hour behind `seconds` (01:00:00:00 is 86400 frames, 3603.6 s); drop-frame keeps the
    two within 2 frames over a day."""
    match = TIMECODE.match(text)
    hours, minutes, whole, _, frames = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(whole) + int(frames) / rate


# The longest pre-roll taken as one: the UK DPP's AS-11 masters give 30 s of bars, ident and
# black before 10:00:00:00; tape masters a minute or two before 01:00:00:00.
PRE_ROLL_MOST = 120


def pre_roll(text: str, rate: Fraction, duration: float) -> int | None:
    """Frames from a master's first frame, labelled `text`, to the next whole hour of its
    timecode, where programmes start (10:00:00:00, 01:00:00:00), when that hour falls within
    the master (`duration` seconds) at most PRE_ROLL_MOST seconds in; None for a master that
    starts on the hour, or with no hour near its start."""
    frames = round((-clock_seconds(text, rate) % 3600) * nominal(rate))
    if frames and frames / rate < min(PRE_ROLL_MOST, duration):
        return frames
    return None


def counted_back(text: str, rate: Fraction, frames: int) -> str:
    """The timecode `frames` frames before `text` (where a file starts when its programme starts
    at `text` after a leader of `frames` frames), wrapping past midnight."""
    drop = ";" in text
    start = _timecode(rate, drop, text)
    last = f"23:59:59{';' if drop else ':'}{nominal(rate) - 1:02d}"
    day = _timecode(rate, drop, last).frames
    # The library counts frames from 1 (00:00:00:00 is frame 1).
    return str(_timecode(rate, drop, frames=(start.frames - 1 - frames) % day + 1))


def counted_on(text: str, rate: Fraction, frames: int) -> str:
    """The timecode `frames` frames after `text` (the label of a master's frame counted from its
    first, labelled `text`), wrapping past midnight."""
    return counted_back(text, rate, -frames)
