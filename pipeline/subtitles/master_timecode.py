"""A subtitle file timed to its master's own timecode, read from the master's start.

Broadcast subtitles are commonly timed to the programme's timecode (SMPTE ST 12-1), the one the
video master carries in a MOV `tmcd` track or as an MXF timecode (`probe.MediaInfo.timecode`),
where the programme starts at 10:00:00:00 (the UK DPP's AS-11 delivery) or 01:00:00:00. Read
from 00:00:00:00, every cue of such a file is hours past the end of a spot. So where a file is
used with its master (render, validate, watch, preview, `check --manifest`), the master carries
a start timecode, every cue of the file starts within the master read from that start, [start,
start + length) (one that ends past its end is cut there, said as in any file), and none would
be on it read from zero, the file's times are read from the
master's start, and a note says so once. A TTML file timed in SMPTE timecode that does not give
its programme's start (`ebuttm:documentStartOfProgramme`, EBU Tech 3350) takes the master's
instead; one that gives it is read from it. A TTML file in media time read from the start of
programme it gives is not read again from here (`programme_start.py`); one read from here has
its first cue's frame label on the master's timecode in the note, the time its subtitler's
editor shows. A file whose cues fit both ways, or only partly either way, is read as it is, and
the checks say what they find: nothing is guessed; where a cue is past the video's end, the
first says once the master's start and the cue that kept the file from being read from it.

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
from pipeline.messages import N_, Message, Number, say
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import DAY_MS, Cue, Parsed, format_time


def read_from_master(parsed: Parsed, path: Path, timecode: str | None, fps: float | None,
                     duration: float | None) -> tuple[list[Cue], Fraction, Diagnostic] | None:
    """(the cues read from the master's start, the seconds they were moved back by, the note
    saying so) when `parsed`'s file is timed to its master's timecode (see the module's
    docstring); None when it is read as it is. `timecode` is the master's start timecode
    (`HH:MM:SS:FF`, `HH:MM:SS;FF` drop-frame), `fps` its frame rate, `duration` its length in
    seconds."""
    span = _master_span(parsed, timecode, fps, duration)
    if span is None:
        return None
    smpte, rate, first, length = span
    wraps = _wraps(parsed, smpte, first, length)
    if any(_off_master(cue, parsed, first, length, wraps) for cue in parsed.cues):
        return None
    moved = first - parsed.counted_from * 1000

    def after(cue: Cue) -> Fraction:     # past midnight on the master: a day later
        return moved - (DAY_MS if wraps and cue.start - moved < 0 else 0)
    cues = [replace(cue, start=round(cue.start - after(cue)), end=round(cue.end - after(cue)))
            for cue in parsed.cues]
    unstarted = say(N_(" (it gives no ebuttm:documentStartOfProgramme)")) \
        if parsed.start_missing is not None else ""
    first_frame: Message | str = ""
    if parsed.notation is not None and not smpte:
        # A TTML file in media time (only TTML has a notation): its subtitler's editor shows
        # the programme's frames, where 10:00:01.000 may be no frame's label (29.97 fps).
        first = min(cues, key=lambda cue: cue.start)
        first_frame = say(N_("; its first cue (cue %(cue)s) begins on frame %(frame)s"),
                          cue=first.index,
                          frame=counted_on(timecode, rate, FrameGrid(rate).nearest(first.start)))
    told = note(say(N_("%(file)s is timed to the master's timecode, from %(timecode)s: its times "
                       "are read from there%(unstarted)s%(first_frame)s"), file=path.name,
                    timecode=timecode, unstarted=unstarted, first_frame=first_frame),
                path, code="master-timecode")
    return cues, moved / 1000, told


def _master_span(parsed: Parsed, timecode: str | None, fps: float | None,
                 duration: float | None) -> tuple[bool, Fraction, Fraction, int] | None:
    """(whether the file is timed in SMPTE timecode, the master's exact rate, its start as the
    file counts it and its length, in milliseconds: see the module's docstring); None when the
    master gives no start to read the file from."""
    if parsed.start_given or not parsed.cues or not timecode or not fps or duration is None:
        return None
    rate = exact_rate(fps)
    if rate_problem(timecode, rate):
        return None     # a label its own rate cannot have: no start to read the file from
    smpte = parsed.notation is not None and parsed.notation.smpte is not None
    start = seconds(timecode, rate) if smpte else clock_seconds(timecode, rate)
    # Where `checks._check_past_end` puts the video's end.
    return (smpte, rate, start * 1000, round(duration * 1000)) if start else None


def _wraps(parsed: Parsed, smpte: bool, first: Fraction, length: int) -> bool:
    """Whether the master's timecode passes midnight (23:59:57:00 for 6 s ends at 00:00:03:00)
    and the file has a cue before it: its cues from 00:00:00 on are then the master's last
    seconds (a trial's file timed so was refused, its second cue "before" the master). A file
    whose cues are all after midnight fits the master read from zero as well: read as it is.
    Clock times only (SubRip, WebVTT, TTML in media time): a day of a TTML file's SMPTE labels
    is not 86,400 s at the NTSC rates, and its start of programme is checked before."""
    return not smpte and first + length > DAY_MS and any(
        cue.start + parsed.counted_from * 1000 >= first for cue in parsed.cues)


def _off_master(cue: Cue, parsed: Parsed, first: Fraction, length: int,
                wraps: bool = False) -> Message | None:
    """Why `cue` keeps its file from being read from the master's start (`first`), if it does:
    it starts outside the master read from there, or on it read as it is. `wraps`: the master
    passes midnight (`_wraps`), a cue before its start being after midnight."""
    # In milliseconds of the file's own time line: a SMPTE TTML file's cues count from the
    # start of programme it was checked as (`Parsed.counted_from`).
    start = cue.start + parsed.counted_from * 1000
    if wraps and start < first:
        start += DAY_MS
    if start < first:
        return say(N_("cue %(cue)s (%(start)s) starts before it"), cue=cue.index,
                   start=format_time(cue.start))
    if start >= first + length:
        return say(N_("cue %(cue)s (%(start)s) starts after its end"), cue=cue.index,
                   start=format_time(cue.start))
    # A cue that starts on the master and ends past it does not: its file is timed to it, and
    # the cue is cut at the end, said as in any file (a trial's last cue, 12 frames over, made
    # its file "10 hours in", an error).
    if start < length:
        return say(N_("cue %(cue)s (%(start)s) is on the video read as it is"), cue=cue.index,
                   start=format_time(cue.start))
    return None


HOUR = 3_600_000       # milliseconds


def past_end_hint(diagnostics: list[Diagnostic], parsed: Parsed, timecode: str | None,
                  fps: float | None, duration: float | None) -> list[Diagnostic]:
    """`diagnostics` of a file not read from its master's timecode (`read_from_master` gave
    None), the first cue past the video's end (`past-end`) hinting, once a file, at the start
    it was not read from and the first cue that kept it: an SRT timed from 10:00:01,000 to a
    master from 01:00:00:00 was told only to check its times, or that it belongs to the spot."""
    at = next((n for n, d in enumerate(diagnostics) if d.code == "past-end"), None)
    span = _master_span(parsed, timecode, fps, duration) if at is not None else None
    if span is None:
        return diagnostics
    smpte, rate, first, length = span
    # A file whose cues all start in its first hour and before the master's timecode is timed
    # from zero, plainly: the timecode is nothing to it (a trial's hint told a file timed from
    # 0 to 14 s of a master from 10:00:00:00 when such files are read from there).
    if all(cue.start + parsed.counted_from * 1000 < min(first, HOUR) for cue in parsed.cues):
        return diagnostics
    wraps = _wraps(parsed, smpte, first, length)
    why = next((why for cue in parsed.cues
                if (why := _off_master(cue, parsed, first, length, wraps))), None)
    if why is None:     # it would have been read from there (`read_from_master`)
        return diagnostics
    end = counted_on(timecode, rate, FrameGrid(rate).nearest(length))
    said = say(N_("the master's timecode starts at %(timecode)s (its %(length)s s end at "
                  "%(end)s): a file timed to it is read from there when all its cues start "
                  "within that; %(why)s"), timecode=timecode, length=Number(length / 1000, "g"),
               end=end, why=why)
    found = diagnostics[at]
    # Its messages too: a Spanish terminal said the hint without it.
    hint = say(N_("%(hint)s; %(said)s"), hint=found.hint_detail or found.hint, said=said)
    return [*diagnostics[:at], replace(found, hint=str(hint), hint_detail=hint),
            *diagnostics[at + 1:]]
