"""A sound's 100 ms blocks as ffmpeg's `astats` reads them: the filter graphs that print each
block's figures (`block_stats` on the stereo downmix, `channel_stats` on the source's channels,
`near_full_scale` on a lossy source's, `lfe_band` on the LFE, `mains_bands` at the mains
frequencies), and the parsing of ffmpeg's log
into `Block`s; and, in the same decode, where its sound starts to the sample (`sound_starts`).
What the blocks say about a track (its DC offset, clipping, dead air, channel order) is
`defects.py`'s; the thresholds these graphs and counts apply are defect_levels.py's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import ffmpeg

from pipeline.media.defect_levels import (CLIP_LEVEL, CLIP_RUN, LFE_BAND, LOSSY_LEVEL,
                                          LOSSY_SHARE, MAINS, MAINS_BLOCK, MAINS_Q,
                                          SILENCE_LEVEL)

Stream = ffmpeg.nodes.FilterableStream

# What each block's `astats` reports (per channel of the downmix, and overall). RMS_level: a
# stereo track's sides (its own channels) are read by it as a source's channels are by
# `channel_stats`, which reads only a track of more than two channels.
PER_CHANNEL = "DC_offset+Min_level+Max_level+Peak_count+Flat_factor+RMS_level"
OVERALL = "Peak_level+Number_of_samples"
# What `channel_stats` reports per channel of the source, and nothing overall: what tells its
# blocks from the downmix's in ffmpeg's log (`parse_blocks`). DC_offset: a channel's level is
# read without its offset (`_power`).
SOURCE_CHANNEL = "DC_offset+Min_level+Max_level+Peak_count+Flat_factor+RMS_level"
# What `near_full_scale` reports per channel of the source, and nothing overall; without the
# RMS_level of `channel_stats`, which tells its blocks from those in ffmpeg's log.
NEAR_CHANNEL = "Min_level+Max_level+Peak_count"


@dataclass(frozen=True)
class Block:
    """One block as `astats` reads it: start (s), samples per channel, and per channel of the
    downmix its mean, lowest and highest sample (full scale = 1.0); the samples clipped in it
    and the mean square less the mean's (AC power, `_power`) per channel of the source when it
    was read (`channel_stats`), else of the downmix; or, decoded from a lossy codec (`near_full_scale`), per channel of the source
    its samples at or above LOSSY_LEVEL where they are LOSSY_SHARE of the block or more, else 0."""

    time: float
    samples: int
    peak: float | None         # dBFS, overall sample peak; None for digital silence
    dc: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    clipped: tuple[int, ...]
    power: tuple[float, ...] = ()   # mean square per channel (of the source, when it was read)
    # Per channel as `clipped`: samples at the block's own extreme in runs (CLIP_RUN), at any
    # level (defects.plateau: flat tops a recording was clipped into, then lowered).
    flat: tuple[int, ...] = ()

    @property
    def swing(self) -> float:
        """Half the largest channel's peak-to-peak swing: its level without its offset."""
        return max(((h - lo) / 2 for lo, h in zip(self.low, self.high)), default=0.0)

    def level(self, dc: tuple[float, ...]) -> float:
        """The block's sample peak (full scale = 1.0) once the track's offset `dc` is removed."""
        return max((max(abs(lo - d), abs(h - d)) for lo, h, d in zip(self.low, self.high, dc)),
                   default=0.0)


def block_stats(audio: Stream, samples: int) -> Stream:
    """`audio` cut into blocks of `samples` and read by `astats`, each block's figures printed
    (ametadata) for `parse_blocks`. In doubles: `Min_level`/`Max_level` are then fractions of
    full scale whatever the decoder's format, and no value is rounded. The frames' metadata is
    dropped first: `channel_stats`'s figures of a source of more than two channels ride on its
    frames through the downmix, and its channels past the second would be printed as more
    channels of the downmix (six offsets to subtract from a stereo track, and ffmpeg failed)."""
    return (audio.filter("aformat", sample_fmts="dbl")
            .filter("ametadata", mode="delete")
            .filter("asetnsamples", n=samples, p=0)
            .filter("astats", metadata=1, reset=1, measure_perchannel=PER_CHANNEL,
                    measure_overall=OVERALL)
            .filter("ametadata", mode="print"))


def channel_stats(audio: Stream, samples: int) -> Stream:
    """`audio` as decoded (every channel, before the downmix) cut into the same blocks of
    `samples` as `block_stats`, each block's extremes per channel printed for `parse_blocks`;
    the audio passes on unchanged (in doubles, which hold any decoder's samples exactly)."""
    return (audio.filter("aformat", sample_fmts="dbl")
            .filter("asetnsamples", n=samples, p=0)
            .filter("astats", metadata=1, reset=1, measure_perchannel=SOURCE_CHANNEL,
                    measure_overall="none")
            .filter("ametadata", mode="print"))


def near_full_scale(audio: Stream, samples: int):
    """The output that reads `audio` (the source as decoded: every channel, before the downmix)
    cut into the same blocks of `samples` as `block_stats`, each block's samples at or above
    LOSSY_LEVEL counted per channel for `parse_blocks`: hard-clipped there (`asoftclip`), they
    are the samples at its extremes (`Peak_count`). In the decoder's float (the lossy ones
    decode to it): one value at the level either way, and no conversion to pay. Measured on
    30 s of AAC on a busy 2-core machine, it adds 0.15 to 0.25 s of CPU to the analysis's 0.4
    to 0.6 s in stereo, 0.03 to 0.10 s in mono; counting by an expression (`aeval`) cost half
    as much again as the clip."""
    return (audio.filter("asoftclip", type="hard", threshold=f"{10 ** (LOSSY_LEVEL / 20):.9f}")
            .filter("asetnsamples", n=samples, p=0)
            .filter("astats", metadata=1, reset=1, measure_perchannel=NEAR_CHANNEL,
                    measure_overall="none")
            .filter("ametadata", mode="print").output("-", f="null"))


_LINE = re.compile(r"^\[(Parsed_ametadata_\d+) @ [^\]]+\] (.*)$", re.M)
_TIME = re.compile(r"^frame:\d+\s+pts:\S+\s+pts_time:([\d.]+)", re.M)
_VALUE = re.compile(r"^lavfi\.astats\.(\w+)\.(\w+)=(\S+)", re.M)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_blocks(stderr: str) -> list[Block]:
    """The blocks `block_stats` printed, in order; with their clipped samples per channel of
    the source when `channel_stats` printed too (its blocks are the same samples), or when
    `near_full_scale` did (a lossy source), by its count of samples near full scale."""
    printed = _printed(stderr)
    downmix, source, near = [], [], []
    for lines in printed.values():
        blocks = _read_blocks("\n".join(lines))
        # Only the downmix's astats measures something overall (its sample count at least), and
        # only channel_stats's the RMS level.
        if any(block[1] for block in blocks):
            downmix.extend(blocks)
        elif any("RMS_level" in c for block in blocks for c in block[2]):
            source.extend(blocks)
        else:
            near.extend(blocks)
    found = []
    for i, (time, overall, ordered) in enumerate(downmix):
        samples = int(overall.get("Number_of_samples") or 0)
        flat = ()
        if i < len(near):
            clipped = tuple(_near(c, samples) for c in near[i][2])
        else:
            read = source[i][2] if i < len(source) else ordered
            clipped = tuple(_clipped(c) for c in read)
            flat = tuple(_flat(c) for c in read)
        found.append(Block(
            time=time, samples=samples, peak=overall.get("Peak_level"),
            dc=tuple(c.get("DC_offset") or 0.0 for c in ordered),
            low=tuple(c.get("Min_level") or 0.0 for c in ordered),
            high=tuple(c.get("Max_level") or 0.0 for c in ordered),
            clipped=clipped, flat=flat,
            power=tuple(_power(c) for c in (source[i][2] if i < len(source) else ordered))))
    return found


def _printed(stderr: str, mains: bool = False) -> dict[str, list[str]]:
    """The lines each `ametadata` printed, by its name in the graph: `mains_bands`'s alone, or
    (`mains` false) all but theirs."""
    printed: dict[str, list[str]] = {}
    for match in _LINE.finditer(stderr):
        printed.setdefault(match.group(1), []).append(match.group(2))
    return {name: lines for name, lines in printed.items()
            if any(line.startswith(_MAINS_KEY) for line in lines) == mains}


_MAINS_KEY = "mains="
_MAINS_LEVEL = re.compile(r"^lavfi\.astats\.Overall\.RMS_level=(\S+)", re.M)


def mains_bands(audio: Stream, samples: int) -> list:
    """The outputs that read `audio` (the stereo downmix) through narrow band-passes at each of
    MAINS, in blocks of MAINS_BLOCK (`samples` a 100 ms block: ten of them), each block's RMS
    printed with its frequency for `parse_mains`."""
    split = audio.filter_multi_output("asplit", len(MAINS))
    outputs = []
    for n, frequency in enumerate(MAINS):
        band = split[n].filter("pan", args="mono|c0=0.5*c0+0.5*c1")
        for _ in range(2):
            band = band.filter("bandpass", f=frequency, width_type="q", width=MAINS_Q)
        outputs.append(band.filter("asetnsamples", n=round(samples * MAINS_BLOCK / 0.1), p=0)
                       .filter("astats", metadata=1, reset=1, measure_perchannel="none",
                               measure_overall="RMS_level")
                       .filter("ametadata", mode="add", key=_MAINS_KEY[:-1],
                               value=str(frequency))
                       .filter("ametadata", mode="print").output("-", f="null"))
    return outputs


def parse_mains(stderr: str) -> dict[int, list[float]]:
    """{frequency (Hz): each block's RMS level in its band (dBFS; digital silence left out)}
    as `mains_bands` printed them; empty when it printed none."""
    found: dict[int, list[float]] = {}
    for lines in _printed(stderr, mains=True).values():
        mark = next(line for line in lines if line.startswith(_MAINS_KEY))
        levels = (_number(m.group(1)) for m in _MAINS_LEVEL.finditer("\n".join(lines)))
        found[int(mark[len(_MAINS_KEY):])] = [v for v in levels if v is not None]
    return found


def _power(channel: dict[str, float | None]) -> float:
    """A channel's mean square in a block (full scale = 1.0) without its offset: its AC power,
    RMS^2 - DC^2 (a constant is no sound: a dead input holding a converter's offset of 0.05
    read -26 dBFS RMS, as loud as a voice); 0 for silence. No more than its peak-to-peak swing
    squared, which bounds the RMS of any signal less its mean: ffmpeg prints the two figures to
    six decimals, and their rounding alone left -68 dBFS of "sound" in a block holding an
    offset of 0.2000004 and nothing else, -67 dBFS with 0.3333333, over GATE_ABSOLUTE (its
    swing is 0)."""
    level = channel.get("RMS_level")
    if level is None:
        return 0.0
    dc = channel.get("DC_offset") or 0.0
    swing = (channel.get("Max_level") or 0.0) - (channel.get("Min_level") or 0.0)
    return min(max(10 ** (level / 10) - dc * dc, 0.0), swing * swing)


def _read_blocks(text: str) -> list[tuple[float, dict, list[dict]]]:
    """One ametadata's blocks: (start in s, overall values, values of each channel in order)."""
    starts = list(_TIME.finditer(text))
    blocks = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        channels: dict[int, dict[str, float | None]] = {}
        overall: dict[str, float | None] = {}
        for match in _VALUE.finditer(text, start.end(), end):
            where, key, value = match.groups()
            target = overall if where == "Overall" else channels.setdefault(int(where), {})
            target[key] = _number(value)
        blocks.append((float(start.group(1)), overall, [channels[c] for c in sorted(channels)]))
    return blocks


def _clipped(channel: dict[str, float | None]) -> int:
    """Samples at full scale in runs (`CLIP_LEVEL`, `CLIP_RUN`) in one channel of a block."""
    extreme = max(abs(channel.get("Min_level") or 0.0), abs(channel.get("Max_level") or 0.0))
    return _flat(channel) if extreme >= 10 ** (CLIP_LEVEL / 20) else 0


def _flat(channel: dict[str, float | None]) -> int:
    """Samples at a block's extreme in runs of CLIP_RUN on average (astats' flat factor), at
    whatever level that extreme is, in one channel of it."""
    flat = channel.get("Flat_factor")
    if flat is None or 10 ** (flat / 20) < CLIP_RUN:
        return 0
    return int(channel.get("Peak_count") or 0)


def _near(channel: dict[str, float | None], samples: int) -> int:
    """A channel's samples at or above LOSSY_LEVEL in a block (`near_full_scale`), when they are
    LOSSY_SHARE of its `samples` or more; else 0. Clipped there, they are the samples at its
    extremes; an extreme that does not reach the level is its block's own lowest or highest
    sample, counted once (a decoded waveform hardly repeats a value): not counted."""
    level = 10 ** (LOSSY_LEVEL / 20) * (1 - 1e-5)      # ffmpeg prints 6 decimals
    reached = ((channel.get("Max_level") or 0.0) >= level,
               -(channel.get("Min_level") or 0.0) >= level)
    if not any(reached):
        return 0
    count = int(channel.get("Peak_count") or 0) - reached.count(False)
    return count if count >= LOSSY_SHARE * samples else 0


def lfe_band(audio: Stream, index: int):
    """The output that reads channel `index` (the LFE) of `audio` above LFE_BAND: its RMS level
    printed by `volumedetect` (the only one in the graph) for `parse_lfe_band`."""
    return (audio.filter("pan", args=f"mono|c0=c{index}")
            .filter("highpass", f=LFE_BAND, poles=2).filter("highpass", f=LFE_BAND, poles=2)
            .filter("volumedetect").output("-", f="null"))


_MEAN_VOLUME = re.compile(r"^\[Parsed_volumedetect_\d+ @ [^\]]+\] mean_volume: (\S+) dB", re.M)


def parse_lfe_band(stderr: str) -> float | None:
    """The level `lfe_band` printed (dBFS), or None when it printed none."""
    found = _MEAN_VOLUME.search(stderr)
    return _number(found.group(1)) if found else None


# Where sound starts after silence, to the sample, for the blocks' first sound to be said to the
# hundredth of a second (a block says 0.5 s of a head of 0.55 s): ffmpeg's `silencedetect` at
# the blocks' floor (SILENCE_LEVEL, every channel under it), on silences of ONSET_GAP or more.
# It reads samples, not their swing, so a DC offset at the floor or over would hide every
# silence: the downmix is high-passed first (ONSET_HIGHPASS, an octave under hearing), which
# lets a voice's or music's onset through at once; what a high-pass does with an offset at
# the very start (it decays over some 100 ms) lies before any head long enough to be said.
# Measured: a head of 0.553 s was found at 0.553, with an offset of 0.2 on it too. Only the
# first ONSET_WINDOW is read (a head of silence longer is said to the block, 0.1 s): over a
# whole 30 s stereo track the reading cost 0.15 s of CPU to the analysis's 0.68 (medians of
# 10 runs), over its first 10 s 0.02, under the machine's noise.
ONSET_GAP = 0.01               # seconds
ONSET_HIGHPASS = 10            # Hz
ONSET_WINDOW = 10.0            # seconds


def sound_starts(audio: Stream):
    """The output that prints where each silence of `audio` (the stereo downmix) ends in its
    first ONSET_WINDOW, for `parse_sound_starts`."""
    return (audio.filter("atrim", end=ONSET_WINDOW)
            .filter("highpass", f=ONSET_HIGHPASS, poles=2)
            .filter("silencedetect", noise=f"{SILENCE_LEVEL:g}dB", d=ONSET_GAP)
            .output("-", f="null"))


_SILENCE_END = re.compile(r"^\[silencedetect @ [^\]]+\] silence_end: (\S+)", re.M)


def parse_sound_starts(stderr: str) -> list[float]:
    """Where `sound_starts` found sound after silence (seconds), in order."""
    return [value for value in map(_number, _SILENCE_END.findall(stderr)) if value is not None]
