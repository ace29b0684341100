"""A subtitle file timed to its master's own timecode, read from the master's start.

Broadcast subtitles are commonly timed to the programme's timecode (SMPTE ST 12-1), the one the
video master carries in a MOV `tmcd` track or as an MXF timecode (`probe.MediaInfo.timecode`),
where the programme starts at 10:00:00:00 (the UK DPP's AS-11 delivery) or 01:00:00:00. Read
from 00:00:00:00, every cue of such a file is hours past the end of a spot. So where a file is
used with its master (render, validate, watch, preview, `check --manifest`), the master carries
a start timecode, every cue of the file lies within the master read from that start, [start,
start + length], and none would be on it read from zero, the file's times are read from the
master's start, and a note says so once. A TTML file timed in SMPTE timecode that does not give
its programme's start (`ebuttm:documentStartOfProgramme`, EBU Tech 3350) takes the master's
instead; one that gives it is read from it. A TTML file in media time read from the start of
programme it gives is not read again from here (`programme_start.py`); one read from here has
its first cue's frame label on the master's timecode in the note, the time its subtitler's
editor shows. A file whose cues fit both ways, or only partly either way, is read as it is, and
the checks say what they find: nothing is guessed.

Where the file's times are clock times (SubRip, WebVTT, TTML in media time), the master's start
is its timecode read as one (`timecode.clock_seconds`): what a subtitle editor whose video is
set to start at that timecode adds to the video's own times. A SubRip cue at 01:00:04,000 on a
23.976 fps master from 01:00:00:00 is 4 s into the video; with the start counted in frames
(3603.6 s), a trial's station had every cue 3.6 s early. Where they are timecode (TTML in SMPTE
time, which TTML1 Appendix N.3 counts in frames at the exact rate, less the labels drop-frame
skips), the start is counted the same way (`timecode.seconds`): 10:00:00;00 at 29.97 fps is
35999.964 s. At 25 fps both are 36000 s for 10:00:00:00.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from pipeline.errors import Diagnostic, note
from pipeline.media.timecode import clock_seconds, counted_on, exact_rate, rate_problem, seconds
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import Cue, Parsed


def read_from_master(parsed: Parsed, path: Path, timecode: str | None, fps: float | None,
                     duration: float | None) -> tuple[list[Cue], Fraction, Diagnostic] | None:
    """(the cues read from the master's start, the seconds they were moved back by, the note
    saying so) when `parsed`'s file is timed to its master's timecode (see the module's
    docstring); None when it is read as it is. `timecode` is the master's start timecode
    (`HH:MM:SS:FF`, `HH:MM:SS;FF` drop-frame), `fps` its frame rate, `duration` its length in
    seconds."""
    if parsed.start_given or not parsed.cues or not timecode or not fps or duration is None:
        return None
    rate = exact_rate(fps)
    if rate_problem(timecode, rate):
        return None     # a label its own rate cannot have: no start to read the file from
    smpte = parsed.notation is not None and parsed.notation.smpte is not None
    start = seconds(timecode, rate) if smpte else clock_seconds(timecode, rate)
    if not start:
        return None
    # In milliseconds of the file's own time line: a SMPTE TTML file's cues count from the
    # start of programme it was checked as (`Parsed.counted_from`).
    counted_from = parsed.counted_from * 1000
    length = round(duration * 1000)     # where `checks._check_past_end` puts the video's end
    first = start * 1000
    if not all(first <= cue.start + counted_from and cue.end + counted_from <= first + length
               and cue.start + counted_from >= length for cue in parsed.cues):
        return None
    moved = first - counted_from
    cues = [replace(cue, start=round(cue.start - moved), end=round(cue.end - moved))
            for cue in parsed.cues]
    more = (" (it gives no ebuttm:documentStartOfProgramme)"
            if parsed.start_missing is not None else "")
    if parsed.notation is not None and not smpte:
        # A TTML file in media time (only TTML has a notation): its subtitler's editor shows
        # the programme's frames, where 10:00:01.000 may be no frame's label (29.97 fps).
        first = min(cues, key=lambda cue: cue.start)
        label = counted_on(timecode, rate, FrameGrid(rate).nearest(first.start))
        more += f"; its first cue (cue {first.index}) begins on frame {label}"
    told = note(f"{path.name} is timed to the master's timecode, from {timecode}: its times "
                f"are read from there{more}", path, code="master-timecode")
    return cues, moved / 1000, told
