"""A TTML file in media time timed from its own start of programme, read from that start.

EBU-TT-D files (EBU Tech 3380) are in media time, `ttp:timeBase="media"`, TTML's default. Those
broadcasters convert from EBU-TT Part 1 keep the programme's times: 10:00:01.000 is one second
into a programme whose start, `ebuttm:documentStartOfProgramme` (EBU Tech 3350), the file gives
as 10:00:00:00. Read from zero, every cue of such a file is ten hours past the end of a spot,
and a master without a start timecode (`master_timecode.py`) cannot say where it starts. So a
file in media time that gives its start of programme, every cue of which begins at or after
that start and none within the video read from zero, is read from that start, and a note says
so once. A file whose cues fit both ways, or only partly, is read as it is, and the checks say
what they find: nothing is guessed; nor without the video's length, which alone tells.

The start is a time of the file's own clock: `HH:MM:SS:FF`, its frames counted at the file's
`ttp:frameRate` (times its multiplier) as its clock times' frames are (`ttml_time.py`), else at
the master's rate; or `HH:MM:SS.mmm`. 10:00:00:00 is 36000 s at any rate.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from pipeline.errors import Diagnostic, note, warning
from pipeline.media.timecode import exact_rate
from pipeline.messages import N_, Message, say
from pipeline.subtitles.model import Cue, Parsed
from pipeline.media.timecode import rate_text
from pipeline.subtitles.ttml_time import CLOCK

NAME = "ebuttm:documentStartOfProgramme"
START_HINT = say(N_("write it as HH:MM:SS:FF, hours, minutes, seconds and frames (e.g. "
                    "%(example)s), or as HH:MM:SS.mmm"), example=f"<{NAME}>10:00:00:00</{NAME}>")


def read_from_programme_start(parsed: Parsed, path: Path, fps: float | None,
                              duration: float | None
                              ) -> tuple[tuple[list[Cue], Fraction, Diagnostic] | None,
                                         list[Diagnostic]]:
    """((the cues read from the file's start of programme, the seconds they were moved back by,
    the note saying so) when `parsed`'s file is timed from it (see the module's docstring),
    else None; and the warnings about the start as the file writes it). `fps` is the master's
    frame rate, `duration` its length in seconds."""
    if parsed.programme_start is None:
        return None, []
    text, line = parsed.programme_start
    clock = CLOCK.match(text)
    if clock is None or clock.group(6) or int(clock.group(2)) > 59 or int(clock.group(3)) > 59:
        return None, [_unread(say(N_("%(element)s %(text)s is not a time: the file's times are "
                                     "not read from it"), element=NAME, text=repr(text)),
                              path, line, START_HINT)]
    hours, minutes, seconds, fraction, frames = clock.group(1, 2, 3, 4, 5)
    start = Fraction(int(hours) * 3600 + int(minutes) * 60 + int(seconds)) + Fraction(
        fraction or 0)
    if frames is not None and int(frames):     # frame 00 is the second's start at any rate
        if parsed.frame_rate:
            rate, whose = parsed.frame_rate, say(N_("the file's ttp:frameRate"))
        elif fps:
            rate, whose = exact_rate(fps), say(N_("the video's rate"))
        elif duration is None:
            return None, []     # no rate to count at, and no video to read the file on
        else:
            return None, [_unread(say(N_(
                "%(element)s %(text)s counts frames, but neither the file (ttp:frameRate) nor "
                "the video gives a frame rate: the file's times are not read from it"),
                element=NAME, text=repr(text)), path, line,
                say(N_('give the video\'s frame rate on <tt> (ttp:frameRate="25"), or write the '
                       "start as HH:MM:SS.mmm")))]
        if int(frames) >= rate:
            last = -(-rate // 1) - 1     # the highest whole number below the rate
            return None, [_unread(say(N_(
                "%(element)s %(text)s counts frame %(frame)s, but at %(rate)s fps a second has "
                "frames 0 to %(last)s: the file's times are not read from it"), element=NAME,
                text=repr(text), frame=int(frames), rate=rate_text(rate), last=last), path, line,
                say(N_("check the frame number (the rate is %(whose)s)"), whose=whose))]
        start += int(frames) / rate
    if not start or not parsed.cues or duration is None:
        return None, []
    first, length = round(start * 1000), round(duration * 1000)
    if not all(cue.start >= first and cue.start >= length for cue in parsed.cues):
        return None, []
    cues = [replace(cue, start=round(cue.start - start * 1000), end=round(cue.end - start * 1000))
            for cue in parsed.cues]
    told = note(say(N_("%(file)s is timed from its start of programme, %(start)s (%(element)s): "
                       "its times are read from there"), file=path.name, start=text,
                    element=NAME), path, line, code="programme-start")
    return (cues, start, told), []


def _unread(message: Message, path: Path, line: int, hint: Message) -> Diagnostic:
    return warning(message, path, line, hint, "programme-start")
