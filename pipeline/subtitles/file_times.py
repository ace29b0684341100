"""Times the checks computed, written as the checked file writes times: what a translator
searches the file for, or types into it (`in_file_syntax`), and a time as a TTML file of a given
notation writes it (`written_time`): clock time, frames, ticks, or a SMPTE timecode's labels."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from fractions import Fraction
from typing import Iterable

from pipeline.errors import Diagnostic
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import DAY_MS, TimeNotation, file_time, format_time
from pipeline.subtitles.ttml_time import smpte_label


def written_time(at: float, notation: TimeNotation) -> str:
    """`at` seconds as a TTML file of `notation` writes a time, rounded up to its precision
    (a millisecond, a frame, a tick) so that it falls in the frame that starts at `at`. Frames
    count from the whole second, as TTML reads them (seconds + frames / frame rate)."""
    if notation.smpte is not None and notation.rate:
        # A frame label of the file's timecode: the frame starting at `at` after the time
        # its cues count from (TTML1 §6.2.11, SMPTE time base).
        start, counted_rate, drop = notation.smpte
        frames = math.ceil((Fraction(at).limit_denominator(1_000_000) + start) * notation.rate
                           - Fraction(1, 1000))
        return smpte_label(frames, counted_rate, drop)
    microseconds = round(at * 1_000_000)    # whole microseconds: 1.24 is not 1.2400000000000002
    if notation.unit == "frames" and notation.rate:
        seconds, rest = divmod(microseconds, 1_000_000)
        frames = math.ceil(rest * notation.rate / 1_000_000 - 1e-6)
        if frames >= notation.rate:
            seconds, frames = seconds + 1, 0
        hours, seconds = divmod(seconds, 3600)
        return f"{hours:02d}:{seconds // 60:02d}:{seconds % 60:02d}:{frames:02d}"
    if notation.unit in ("f", "t") and notation.rate:
        return f"{math.ceil(microseconds * notation.rate / 1_000_000 - 1e-6)}{notation.unit}"
    milliseconds = -(-microseconds // 1000)
    if notation.unit == "ms":
        return f"{milliseconds}ms"
    if notation.unit == "s":
        return f"{milliseconds // 1000}.{milliseconds % 1000:03d}".rstrip("0").rstrip(".") + "s"
    return format_time(milliseconds, ".")


# A time as `format_time` writes it in a diagnostic (SRT's syntax), and whether a hint asks
# for it "or earlier" / "or later": a bound on the video's frames, not a time of the file.
_QUOTED_TIME = re.compile(r"\b(\d{2,}):(\d{2}):(\d{2}),(\d{3})\b(?=( or earlier| or later)?)")


def in_file_syntax(diagnostics: Iterable[Diagnostic], fmt: str,
                   origin: Fraction = Fraction(0),
                   notation: TimeNotation | None = None,
                   grid: FrameGrid | None = None) -> list[Diagnostic]:
    """The checks' diagnostics with the times they give (written as SRT writes them) written
    as the file's format writes them: `00:00:03.500` in WebVTT and TTML, `0:00:03.50` in
    ASS/SSA (centiseconds, rounded down), a frame label of its timecode in a TTML file timed in
    SMPTE timecode (`notation.smpte`: `10:00:03:15`), and on the file's own time line, `origin`
    seconds later (a file read from its master's timecode, `SubtitleFile.origin`: 10:00:03,500):
    what a translator searches the file for. Only for times the checks computed: a parser's
    message quotes the file's own text as it is.

    A hint's "T or earlier" / "T or later" in a file written in frame labels is the latest
    (earliest) label that `grid`, the frames the checks counted on, reads at or before (after)
    T's frame (`_bounding_label`)."""
    smpte = notation.smpte if notation is not None and notation.rate else None
    if fmt == "srt" and not origin:
        return list(diagnostics)
    labels = notation is not None and notation.rate and (
        smpte is not None or notation.unit == "frames" and notation.rate == int(notation.rate))

    def syntax(match: re.Match) -> str:
        hours, minutes, seconds, millis = map(int, match.groups()[:4])
        ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
        if labels and match.group(5) and grid is not None:
            return _bounding_label(ms, match.group(5) == " or earlier", grid, notation, origin)
        if smpte is not None:
            # The nearest frame: the checks' times are the cues', each a frame's to the ms.
            start, counted_rate, drop = smpte
            frames = round((Fraction(ms, 1000) + origin + start) * Fraction(notation.rate))
            return smpte_label(frames, counted_rate, drop)
        if labels:
            # `00:00:03:11`, as a TTML file timed in frames writes it (and is searched for).
            # At a whole rate only: at 29.97 a label (seconds + frames / rate) is no frame's
            # start, and a hint's "or earlier" would fall in the next frame.
            return written_time(ms / 1000 + float(origin), notation)
        # On the file's time line, past midnight from 00:00:00 again (a master from 23:59:57:00).
        return file_time(round(ms + origin * 1000) % DAY_MS if origin else ms, fmt)

    def change(text: str) -> str:
        return _QUOTED_TIME.sub(syntax, text)

    # The messages too, said in a Spanish terminal: a trial's hint of a WebVTT file gave
    # SubRip's 00:00:06,006 there (its English said 00:00:06.006).
    return [replace(d, message=change(d.message), hint=change(d.hint) if d.hint else d.hint,
                    detail=d.detail.map_text(change) if d.detail else None,
                    hint_detail=d.hint_detail.map_text(change) if d.hint_detail else None)
            for d in diagnostics]


def _bounding_label(ms: int, earlier: bool, grid: FrameGrid, notation: TimeNotation,
                    origin: Fraction) -> str:
    """The latest frame label of the file (`earlier`), else the earliest, that the reader puts
    on `grid`'s frame boundary of `ms` or before it (else at or after it).

    Labels counted at another rate than the video's fall between its frames: a gap hint at
    29.97 fps for a file counting 25 fps labels, rounded up to the label after 6.939 s (frame
    208), said `00:00:06:24`, the cue's own end, which the reader puts on frame 209. Label `k`
    (frames counted from 00:00:00:00 of the file's time line, or of its timecode, TTML1
    Appendix N.3) is `k / rate` seconds there, read to the millisecond as `ttml.py` reads it."""
    rate = Fraction(notation.rate)
    start = notation.smpte[0] if notation.smpte is not None else Fraction(0)
    frame = grid.boundary(ms)

    def on_grid(label: int) -> int:
        return grid.boundary(round((label / rate - start - origin) * 1000))

    label = math.floor((Fraction(ms, 1000) + origin + start) * rate)
    if earlier:
        while on_grid(label + 1) <= frame:
            label += 1
        while label > 0 and on_grid(label) > frame:
            label -= 1
    else:
        while on_grid(label) < frame:
            label += 1
        while label > 0 and on_grid(label - 1) >= frame:
            label -= 1
    if notation.smpte is not None:
        return smpte_label(label, notation.smpte[1], notation.smpte[2])
    seconds, frames = divmod(label, int(rate))
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{frames:02d}"
