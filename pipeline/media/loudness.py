"""Loudness as EBU R128 measures it, by ffmpeg's `ebur128` filter (an ITU-R BS.1770-4 meter):
integrated loudness, loudness range and true peak, and where a track's sound ends.

The same meter measures what the pipeline starts from and checks what it delivers; it is not
the tool that changes the level (a plain gain and a limiter, `render/audio.py`), so a delivered
figure is an independent reading, not the normaliser's own claim (`loudnorm` reports its target
even where it missed it: on inputs under 3 s it switches to dynamic mode, MEASURED.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import ffmpeg

from pipeline.errors import RenderError
from pipeline.media.astats import Block
from pipeline.media.cut_short import cut_short
from pipeline.media.defect_levels import SILENCE_LEVEL
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.messages import N_, say

Stream = ffmpeg.nodes.FilterableStream

# EBU R128 / BS.1770-4 absolute gate: a track none of whose 400 ms blocks reaches it has no
# defined integrated loudness (ebur128 then prints its floor, -70.0 LUFS).
ABSOLUTE_GATE = -70.0          # LUFS
# Where sound ends is read from the sample peak of each 100 ms block (`astats`, reset every block):
# ebur128's per-block true peak lags by its oversampling filter and would put the tail of a sound
# that stops on a block boundary into the next block.
BLOCK = 0.1                    # seconds
# A block holds sound when its peak is within SOUND_RANGE dB of the track's true peak (and above
# the absolute floor): speech's quietest syllables sit 25-35 dB under its peaks, while a usable
# recording's noise floor sits 45 dB or more under them (EBU Tech 3276's studio noise limits are
# stricter still), so room tone and hiss are silence and a last quiet word is sound.
SOUND_RANGE = 40.0             # dB under the track's true peak
SOUND_FLOOR = -70.0            # dBFS
# EBU Tech 3342: LRA's short-term readings are gated 20 LU under their power mean; 10th-95th.
LRA_GATE = 20.0                # LU
# ffmpeg's ebur128 rounds 10 % of the gated readings to a count, and with fewer than 5 of them
# (a programme of 3.0 to 3.5 s) that count is 0: it reports the relative gate itself, 20 LU, as
# the range, even for a steady tone.
FEW_READINGS = 5


@dataclass(frozen=True)
class Loudness:
    """EBU R128 figures of one audio signal, as `ebur128=peak=true` reports them."""

    integrated: float | None   # LUFS; None when undefined (silence: no block above the gate)
    true_peak: float | None    # dBTP; None for digital silence
    lra: float                 # LU
    max_momentary: float | None = None    # LUFS, highest 400 ms (momentary) loudness
    max_short_term: float | None = None   # LUFS, highest 3 s (short-term) loudness

    @property
    def defined(self) -> bool:
        return self.integrated is not None

    def to_json(self) -> dict:
        """For records and the catalog: an undefined figure is null, never a number."""
        return {"integrated_lufs": _round(self.integrated), "true_peak_dbtp": _round(self.true_peak),
                "lra_lu": round(self.lra, 2), "max_momentary_lufs": _round(self.max_momentary),
                "max_short_term_lufs": _round(self.max_short_term), "meter": "ebur128"}

    def to_cache(self) -> dict:
        return asdict(self)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


_SUMMARY_I = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS")
_SUMMARY_LRA = re.compile(r"Loudness range:\s*LRA:\s*(-?[\d.]+) LU")
_SUMMARY_PEAK = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS")
# One line per 100 ms when the frame log is printed (`framelog=info`): time, momentary, short-term.
FRAME_LINE = re.compile(r"\bt:\s*([\d.]+)\s+TARGET:\S+\s+\w+\s+M:\s*(-?[\d.]+|-?inf|nan)\s+"
                    r"S:\s*(-?[\d.]+|-?inf|nan)")


@dataclass(frozen=True)
class Frame:
    """The meter's reading every 100 ms: momentary (400 ms) and short-term (3 s) loudness, LUFS;
    None under the absolute gate (silence, or a window not filled yet)."""

    time: float                # seconds from the start of the measured signal (end of the block)
    momentary: float | None
    short_term: float | None


def parse_frames(stderr: str) -> list[Frame]:
    """The frame log `ebur128=framelog=info` prints, in order."""
    return [Frame(float(t), _gated(m), _gated(s)) for t, m, s in FRAME_LINE.findall(stderr)]


def _gated(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > ABSOLUTE_GATE else None


def _highest(values) -> float | None:
    return max((v for v in values if v is not None), default=None)


def short_term_range(frames: list[Frame]) -> float | None:
    """LRA (LU) of a frame log holding fewer than FEW_READINGS gated short-term readings, where
    ffmpeg's figure is its gate's width: their 10th and 95th percentiles by nearest rank are the
    quietest and the loudest of them. None when there are none or enough for ffmpeg's figure."""
    readings = [f.short_term for f in frames if f.short_term is not None]
    if not readings:
        return None
    mean = 10 * math.log10(sum(10 ** (r / 10) for r in readings) / len(readings))
    kept = [r for r in readings if r >= mean - LRA_GATE]
    return max(kept) - min(kept) if len(kept) < FEW_READINGS else None


def parse_ebur128(stderr: str) -> Loudness:
    """The summary `ebur128` prints at the end of its input, with the highest momentary and
    short-term readings of its frame log when it printed one (and, from them, the loudness range
    of a programme too short for ffmpeg's: `short_term_range`); `RenderError` without a summary."""
    at = stderr.rfind("Summary:")
    summary = stderr[at:] if at >= 0 else ""
    integrated, lra, peak = (_SUMMARY_I.search(summary), _SUMMARY_LRA.search(summary),
                             _SUMMARY_PEAK.search(summary))
    if not (integrated and lra and peak):
        raise RenderError("the ebur128 meter printed no summary", stderr_tail=stderr[-2000:])
    value = float(integrated.group(1))
    frames = parse_frames(stderr[:at])
    few = short_term_range(frames)
    return Loudness(integrated=value if value > ABSOLUTE_GATE else None,
                    true_peak=None if peak.group(1) == "-inf" else float(peak.group(1)),
                    lra=float(lra.group(1)) if few is None else round(few, 1),
                    max_momentary=_highest(f.momentary for f in frames),
                    max_short_term=_highest(f.short_term for f in frames))


def sound_end(blocks: list[Block], true_peak: float | None, block: float,
              dc: tuple[float, ...] = ()) -> float | None:
    """End (s) of the last block whose sample peak, less the track's offset `dc` (a constant is
    no sound), is within SOUND_RANGE dB of `true_peak`."""
    if true_peak is None:
        return None
    threshold = 10 ** (max(SOUND_FLOOR, true_peak - SOUND_RANGE) / 20)
    end = None
    for each in blocks:
        if each.level(dc or (0.0,) * len(each.low)) >= threshold:
            end = round(each.time + block, 3)
    return end


def metered(audio: Stream, framelog: str, dualmono: bool = False):
    """`audio` through the meter into the null muxer. `framelog`: "info" prints the meter's
    figures every 100 ms, "verbose" hides them."""
    return audio.filter("ebur128", peak="true", framelog=framelog,
                        **({"dualmono": "true"} if dualmono else {})).output("-", f="null")


def _meter_args(audio: Stream, framelog: str, dualmono: bool = False) -> list[str]:
    graph = metered(audio, framelog, dualmono)
    return ["-loglevel", "info", "-nostats", *ffmpeg.compile(graph, cmd="ffmpeg")[1:]]


def measure(audio: Stream, *, what: str = "measuring loudness", path: Path | str | None = None
            ) -> Loudness:
    """Integrated loudness, true peak, LRA and highest momentary and short-term loudness of a
    signal (an ffmpeg-python audio stream). Raises `RenderError` when ffmpeg cannot decode it."""
    return measure_with_frames(audio, what=what, path=path)[0]


# The MP4/MOV demuxer's word for samples its index lists past the end of the file's data: a
# faststart file cut short keeps its whole index at the front, so ffprobe finds nothing wrong.
CUT_SHORT = re.compile(r"^\[mov,mp4[^\]]*\] stream \d+, offset 0x[0-9a-f]+: partial file$", re.M)


def measure_with_frames(audio: Stream, *, what: str = "measuring loudness",
                        path: Path | str | None = None, dualmono: bool = False
                        ) -> tuple[Loudness, list[Frame]]:
    """`measure`, and the meter's 100 ms readings (for a plot of loudness over time); a mono
    signal as dual mono with `dualmono` (`read_decoded`). `MediaError` when an input is cut
    short (`CUT_SHORT`)."""
    stderr = run_ffmpeg(_meter_args(audio, "info", dualmono), what=what, path=path)
    if CUT_SHORT.search(stderr):
        raise cut_short(path, say(N_("its data ends before the end its index lists")))
    return parse_ebur128(stderr), parse_frames(stderr[:stderr.rfind("Summary:")])


def measure_file(path: Path | str) -> Loudness:
    """The loudness of a file's first audio stream (only that stream is decoded: MEASURED.md
    found analysing a video's audio along with its picture takes 3.7x the time)."""
    return measure(ffmpeg.input(str(path))["a:0"], path=path)


DUAL_MONO = "dual-mono"


def dual_mono_json(single_channel: Loudness) -> dict:
    """What a record's `loudness` adds for a mono file measured as dual mono: how it was
    measured and BS.1770's figure for its one channel (the one `ebur128` gives unasked), so that
    whoever measures the file again sees why their meter reads 3 LU less."""
    return {"measured_as": DUAL_MONO, "single_channel_lufs": _round(single_channel.integrated)}


@dataclass(frozen=True)
class Reading:
    """A delivered sound file as it decodes: the meter's figures and its length in samples (per
    channel)."""

    loudness: Loudness
    samples: int
    # Its silences, (start, end) in seconds: every channel under SILENCE_LEVEL for SILENT_FOR
    # or longer (ffmpeg's `silencedetect`), where its sound starts and ends.
    silences: tuple[tuple[float, float], ...] = ()

    def sound_span(self, sample_rate: int) -> tuple[float, float] | None:
        """Seconds from the start to its first sound, and to the end of its last: (0, its
        length) when it starts and ends with sound; None when it is silence throughout."""
        length = self.samples / sample_rate
        first, last = 0.0, length
        if self.silences and self.silences[0][0] <= 1e-3:
            first = self.silences[0][1]
        if self.silences and self.silences[-1][1] >= length - 1e-3:
            last = self.silences[-1][0]
        return (first, last) if first < last else None


_SAMPLES = re.compile(r"Number of samples:\s*(\d+)")
_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")
SILENT_FOR = 0.1      # seconds: a pause between words is no silence to say


def _silences(stderr: str) -> tuple[tuple[float, float], ...]:
    """`silencedetect`'s spans: a start, then its end (printed at the end of the input too)."""
    found, start = [], None
    for kind, value in _SILENCE.findall(stderr):
        if kind == "start":
            start = max(0.0, float(value))
        elif start is not None:
            found.append((start, float(value)))
            start = None
    return tuple(found)


def read_decoded(path: Path | str, *, dualmono: bool = False,
                 silence_level: float = SILENCE_LEVEL) -> Reading:
    """Decode a delivered file once (the bytes a listener's decoder gets: an MP3's decoded
    overshoot included) and read its loudness, its length in samples and its silences.

    `dualmono`: a mono file measured as played on both loudspeakers (ebur128's `dualmono`, +3 LU
    over BS.1770's one channel): a mono voice note at -16 LUFS sounds as loud as stereo at -16.
    `silence_level`: dBFS under which its silences are read (a levelled file's floor moved by its
    gain: hiss under it, lifted 20 dB, stays silence). Raises `RenderError` when ffmpeg cannot
    decode the file."""
    audio = (ffmpeg.input(str(path))["a:0"]
             .filter("astats", metadata=0, measure_overall="Number_of_samples",
                     measure_perchannel="none")
             .filter("silencedetect", noise=f"{silence_level:.2f}dB", d=SILENT_FOR))
    stderr = run_ffmpeg(_meter_args(audio, "info", dualmono), what="measuring the delivered sound",
                        path=path)
    samples = _SAMPLES.search(stderr)
    if samples is None:
        raise RenderError("astats printed no sample count", path, stderr_tail=stderr[-2000:])
    return Reading(parse_ebur128(stderr), int(samples.group(1)), _silences(stderr))
