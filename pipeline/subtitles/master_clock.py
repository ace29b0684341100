"""The timecode a TV master's frames are labelled with, and whether its subtitles can be
written on it (`ebutt.py` writes them): apart from the document so that planning, naming the
sidecar and an up-to-date run need no XML library (lxml takes a tenth of a second to import).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pipeline.media.timecode import counted_on, nominal, seconds
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import Cue

SUFFIX = "ebutt.xml"     # a TV master's EBU-TT sidecar: <spot>.<lang>.<profile>.ebutt.xml


@dataclass(frozen=True)
class MasterClock:
    """The timecode a master's frames are labelled with: its programme's first frame's label
    (`HH:MM:SS:FF`, `HH:MM:SS;FF` drop-frame) and its frame rate."""

    timecode: str
    rate: Fraction

    @property
    def drop(self) -> bool:
        return ";" in self.timecode

    def frame(self, ms: int) -> int:
        """The programme's frame (from 0) a time of a cue, in milliseconds, falls on: the
        nearest boundary (the cues are on the master's frames already: `frames.snap_cues`)."""
        return FrameGrid(self.rate).nearest(ms)

    def label(self, frame: int) -> str:
        """The label of the programme's frame `frame`, as TTML writes SMPTE timecode: colons
        only, drop-frame said by `ttp:dropMode` (TTML1 §6.2.3, Appendix N.3)."""
        return counted_on(self.timecode, self.rate, frame).replace(";", ":")

    @property
    def start_frames(self) -> int:
        """Frames from 00:00:00:00 to the programme's first, as TTML1 Appendix N.3 counts a
        label (less the labels drop-frame skips)."""
        return int(seconds(self.timecode, self.rate) * self.rate)


def clock_problem(timecode: str, rate: Fraction, duration: float) -> str | None:
    """Why the subtitles of a master whose programme starts at `timecode` and lasts
    `duration` seconds cannot be written in EBU-TT on its clock, or None. TTML's drop mode
    (TTML1 §6.2.3, Appendix N.3) drops 2 labels a minute, 29.97 fps's: 59.94 fps drop-frame
    timecode drops 4, and a reader would put a cue 10 hours in 36 s off. A programme whose
    timecode passes midnight has labels that run back to 00:00:00:00, which no reader can
    place after the ones before."""
    if ";" in timecode and nominal(rate) != 30:
        return (f"EBU-TT counts drop-frame timecode at 29.97 fps only (ttp:dropMode "
                f"\"dropNTSC\" drops 2 labels a minute; {float(rate):.2f} fps drops "
                f"{2 * nominal(rate) // 30})")
    last = f"23:59:59{';' if ';' in timecode else ':'}{nominal(rate) - 1:02d}"
    if seconds(timecode, rate) + Fraction(duration) >= seconds(last, rate) + 1 / rate:
        return (f"the programme's timecode, from {timecode}, passes midnight, where its "
                "labels start again from 00:00:00:00")
    return None


def cue_frames(cue: Cue, clock: MasterClock) -> tuple[int, int]:
    """(first frame, frame after the last) of the programme the cue is shown on: at least
    one, where a rate other than the master's would put its two times on one frame."""
    first = clock.frame(cue.start)
    return first, max(clock.frame(cue.end), first + 1)
