"""Delivery defects a meter of loudness does not see, found in a track's 100 ms blocks: DC
offset, clipping (and clipping under a lossy codec), dead air, sound in the LFE above its band,
an empty centre, one side silent; and, in its seconds at the mains frequencies, a hum. What
each is, and the levels that find it, with their sources: defect_levels.py.

The blocks (and the mains bands' seconds, astats.mains_bands) are read in the one decode
`sound_analysis.analyse_sound` already makes of a delivered track (`astats`, reset every block:
astats.py), so finding them costs no decode and no process of its own.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import ffmpeg

from pipeline.media.astats import Block
from pipeline.media.defect_levels import (CENTRE_MARGIN, GATE_ABSOLUTE, GATE_RELATIVE, LFE_FLOOR,
                                          LFE_MARGIN, LOSSY, LOSSY_BLOCKS, ONE_SIDED, OTHER_SIDE,
                                          PAUSES, PAUSE_LEVEL, PHANTOM_CENTRE, PLATEAU_BLOCKS,
                                          PLATEAU_SPREAD, SHARED, SIDES_APART, SILENCE_LEVEL,
                                          STEADY_BLOCKS, STEADY_SPREAD, STEADY_UNDER, HUM_UNDER,
                                          MAINS_SILENT, MAINS_TONAL)

Stream = ffmpeg.nodes.FilterableStream


def offset_dbfs(dc: tuple[float, ...]) -> float:
    """The largest of per-channel offsets (full scale = 1.0) in dBFS; -inf for none."""
    worst = max((abs(value) for value in dc), default=0.0)
    return 20 * math.log10(worst) if worst > 0 else -math.inf


@dataclass(frozen=True)
class Defects:
    """What a track's blocks show: its DC offset per channel of its stereo downmix (full scale
    = 1.0), its clipped samples (in its most clipped channel), and where its sound starts and
    ends (seconds). `layout`: the source's (a mono one's offset is the same on both sides of
    the downmix: one figure). `clipped_channels`: the names of the source's clipped channels
    (ffmpeg's: FC, LFE...) when it was read per channel before the downmix (`channel_stats`).
    `codec`: the lossy codec (`LOSSY`'s name) when clipping was read by the share of samples
    near full scale (`near_full_scale`), not by runs at it. `pause_dc`: the offset of its
    pauses (PAUSE_LEVEL), when it has PAUSES of them or more."""

    dc: tuple[float, ...]
    clipped_samples: int = 0
    clipped_blocks: int = 0
    clipped_from: float | None = None    # start of the first clipped block, s
    clipped_to: float | None = None      # end of the last clipped block, s
    first_sound: float | None = None     # where the sound of the first block over SILENCE_LEVEL
                                         # starts (to the sample, when read: `_onset`), s
    last_sound: float | None = None      # end of the last block over SILENCE_LEVEL, s
    length: float = 0.0                  # seconds decoded
    clipped_channels: tuple[str, ...] = ()
    layout: str | None = None
    codec: str | None = None
    clip_level: float | None = None      # dBFS of flat tops under full scale (`plateau`)
    pause_dc: tuple[float, ...] | None = None
    lfe_band: float | None = None        # dBFS RMS of the LFE above LFE_BAND, when it has one
    loudest: str | None = None           # the loudest main channel (not the LFE), by RMS
    loudest_level: float | None = None   # its RMS, dBFS
    # Each main channel's level where it sounds (`_gated_level`, dBFS; None: no block over
    # GATE_ABSOLUTE), when the source was read per channel; a stereo track's FL and FR.
    gated: dict[str, float | None] = field(default_factory=dict)
    # The main channels whose level holds steady where they sound (`_steady`): noise, hum or a
    # tone, no programme.
    steady: tuple[str, ...] = ()
    # A mains hum (`_hum`): its frequency (Hz) and its floor (dBFS RMS in its band).
    hum: tuple[int, float] | None = None

    @property
    def lfe_misrouted(self) -> bool:
        """Whether the LFE carries sound above its band at about a main channel's level."""
        return (self.lfe_band is not None and self.loudest_level is not None
                and self.lfe_band > max(LFE_FLOOR, self.loudest_level - LFE_MARGIN))

    @property
    def off_centre(self) -> str | None:
        """The main channel that holds the sound (the loudest, gated, over SILENCE_LEVEL) of a
        layout whose centre is CENTRE_MARGIN or more under it: the voice is probably there,
        not on the centre. None otherwise: for a phantom centre (PHANTOM_CENTRE), and when the
        LFE holds the voice (`lfe_misrouted`): one wrong channel order, said where the voice
        went."""
        others = {name: level for name, level in self.gated.items()
                  if name != "FC" and level is not None}
        if "FC" not in self.gated or not others or self.lfe_misrouted:
            return None
        channel, centre = max(others, key=others.__getitem__), self.gated["FC"]
        pair = others.get({"FL": "FR", "FR": "FL"}.get(channel, ""))
        if pair is not None and others[channel] - pair < PHANTOM_CENTRE:
            return None
        if others[channel] > SILENCE_LEVEL and (
                centre is None or centre <= others[channel] - CENTRE_MARGIN):
            return channel
        return None

    @property
    def sides(self) -> tuple[str, float, float | None] | None:
        """The louder front (FL or FR), its gated level and the other's (None: silent), when
        the louder carries sound (over SILENCE_LEVEL) and no shared channel (SHARED) carries
        sound within ONE_SIDED of it; None otherwise, and for a track without both fronts
        (mono)."""
        if "FL" not in self.gated or "FR" not in self.gated:
            return None
        louder = max(OTHER_SIDE, key=lambda name: self.gated[name] or -math.inf)
        level, other = self.gated[louder], self.gated[OTHER_SIDE[louder]]
        if level is None or level <= SILENCE_LEVEL:
            return None
        shared = [self.gated.get(name) for name in SHARED]
        if any(centre is not None and centre > level - ONE_SIDED for centre in shared):
            return None
        return louder, level, other

    @property
    def silent_side(self) -> str | None:
        """The front (FL or FR) that is silent beside the other (ONE_SIDED), or holds only a
        steady noise STEADY_UNDER or more under it where the other's sound moves (`steady`);
        None otherwise."""
        sides = self.sides
        if sides is None:
            return None
        louder, level, other = sides
        quiet = OTHER_SIDE[louder]
        if other is None or level - other >= ONE_SIDED:
            return quiet
        return quiet if self.noise_side and level - other >= STEADY_UNDER else None

    @property
    def noise_side(self) -> bool:
        """Whether the quieter front holds a steady level and the louder does not (`steady`):
        a noise (an input's hiss, a hum) beside the programme."""
        sides = self.sides
        return (sides is not None and OTHER_SIDE[sides[0]] in self.steady
                and sides[0] not in self.steady)

    @property
    def sides_apart(self) -> float | None:
        """How far apart (dB) the two fronts are where each sounds, when SIDES_APART or more
        and the quieter is not silent (`silent_side`); None otherwise."""
        sides = self.sides
        if sides is None or sides[2] is None or self.silent_side is not None:
            return None
        gap = sides[1] - sides[2]
        return gap if SIDES_APART <= gap < ONE_SIDED else None

    @property
    def dc_dbfs(self) -> float | None:
        """The largest channel's offset in dBFS (AES17); None when there is none."""
        level = offset_dbfs(self.dc)
        return level if level > -math.inf else None

    def to_cache(self) -> dict:
        return asdict(self)

    @classmethod
    def from_cache(cls, data: dict) -> "Defects":
        pauses = data.get("pause_dc")
        return cls(**{**data, "dc": tuple(data["dc"]),
                      "clipped_channels": tuple(data.get("clipped_channels", ())),
                      "steady": tuple(data.get("steady", ())),
                      "hum": tuple(data["hum"]) if data.get("hum") else None,
                      "pause_dc": tuple(pauses) if pauses is not None else None})


def find_defects(blocks: list[Block], sample_rate: int,
                 channels: tuple[str, ...] | None = None, layout: str | None = None,
                 lfe: float | None = None, codec: str | None = None,
                 starts: list[float] = (), mains: dict[int, list[float]] | None = None,
                 loudness: float | None = None) -> Defects:
    """The DC offset, clipping and sound span of a track of `layout` from its blocks
    (`sample_rate`: Hz). `channels`: the names of the source's channels, in order, when its
    blocks' clipped samples and levels were read per channel of the source (`channel_stats`);
    a stereo track's levels are read in the downmix's blocks.
    `lfe`: the LFE's level above LFE_BAND (`parse_lfe_band`, dBFS), when it has one. `codec`:
    the source's (the probe's name); from a lossy one (`LOSSY`), whose blocks were read by
    `near_full_scale`, a track is clipped only in LOSSY_BLOCKS blocks or more. `starts`: where
    sound starts after silence, to the sample (astats.sound_starts), which puts the first
    block's sound where it starts (`_onset`). `mains`: each mains frequency's levels, second by
    second (astats.parse_mains), read for a hum against the track's integrated `loudness`
    (LUFS)."""
    total = sum(block.samples for block in blocks)
    if not total:
        return Defects(dc=())
    floor = 10 ** (SILENCE_LEVEL / 20)
    sound = [b for b in blocks if b.swing >= floor]
    clipped = [b for b in blocks if max(b.clipped, default=0)]
    lossy = LOSSY.get(codec or "")
    if lossy and len(clipped) < LOSSY_BLOCKS:
        clipped = []
    pauses = [b for b in blocks if b.swing < 10 ** (PAUSE_LEVEL / 20)]
    samples = sum(max(b.clipped) for b in clipped)
    clip_level = None
    if not clipped and not lossy and not channels:
        clipped, clip_level = plateau(blocks)
        samples = sum(max(b.flat) for b in clipped)

    def end(block: Block) -> float:
        return round(block.time + block.samples / sample_rate, 3)

    named = ()
    loudest = loudest_level = None
    if channels:
        named = tuple(name for c, name in enumerate(channels)
                      if any(c < len(b.clipped) and b.clipped[c] for b in clipped))
        levels = {name: _level(blocks, c, total) for c, name in enumerate(channels)
                  if name != "LFE"}
        loudest = max(levels, key=lambda name: levels[name] or -math.inf)
        loudest_level = levels[loudest]
        named_channels = tuple(enumerate(channels))
    elif layout == "stereo":
        # Its sides as the downmix's blocks read them (the same channels): two mono streams
        # taken as left and right are told from stems by them (audio_streams.stems_warning).
        named_channels = tuple(enumerate(("FL", "FR")))
    else:
        named_channels = ()
    gated = {name: _gated_level(blocks, c) for c, name in named_channels if name != "LFE"}
    steady = tuple(name for c, name in named_channels if name in OTHER_SIDE and _steady(blocks, c))
    return Defects(
        dc=_mean_dc(blocks), clipped_samples=samples, clip_level=clip_level,
        clipped_blocks=len(clipped), clipped_channels=named, layout=layout, codec=lossy,
        pause_dc=_mean_dc(pauses) if len(pauses) >= PAUSES else None,
        clipped_from=clipped[0].time if clipped else None,
        clipped_to=end(clipped[-1]) if clipped else None,
        first_sound=_onset(sound[0].time, end(sound[0]), starts) if sound else None,
        last_sound=end(sound[-1]) if sound else None,
        length=round(total / sample_rate, 6), lfe_band=lfe if channels else None,
        loudest=loudest, loudest_level=loudest_level, gated=gated, steady=steady,
        hum=_hum(mains or {}, loudness))


def plateau(blocks: list[Block]) -> tuple[list[Block], float | None]:
    """The blocks of a mono or stereo track (its downmix's channels) whose tops are flat at
    its own peak under full scale, and that peak (dBFS): a recording clipped, then lowered
    (PLATEAU_BLOCKS, PLATEAU_SPREAD); ([], None) when none is. One pass over the blocks a
    channel."""
    for c in range(max((len(b.flat) for b in blocks), default=0)):
        extremes = [max(abs(b.low[c]), abs(b.high[c])) if c < len(b.high) else 0.0
                    for b in blocks]
        peak = max(extremes, default=0.0)
        # ffmpeg prints levels to 6 decimals: one sample value reads the same in every block.
        at = [b for b, extreme in zip(blocks, extremes)
              if c < len(b.flat) and b.flat[c] and peak - extreme < 1e-6]
        powers = [10 * math.log10(b.power[c]) for b in at if c < len(b.power) and b.power[c]]
        if (len(at) >= PLATEAU_BLOCKS and peak > 0
                and max(powers, default=0) - min(powers, default=0) >= PLATEAU_SPREAD):
            return at, 20 * math.log10(peak)
    return [], None


def _onset(start: float, end: float, starts: list[float]) -> float:
    """Where the sound of the first block over SILENCE_LEVEL (from `start` to `end`, seconds)
    starts: the first of `starts` (the ends of silences, to the sample) inside it, or else the
    last in the block before, whose last samples may start a sound that block's swing did not
    reach the floor with; the block's `start` when none is (a file without silence read there).
    To the millisecond."""
    inside = [t for t in starts if start <= t < end]
    before = [t for t in starts if 2 * start - end <= t < start]
    return round(min(inside) if inside else max(before) if before else start, 3)


def _mean_dc(blocks: list[Block]) -> tuple[float, ...]:
    """Each channel's mean over `blocks` (full scale = 1.0), weighted by their samples."""
    total = sum(b.samples for b in blocks) or 1
    width = max((len(b.dc) for b in blocks), default=0)
    return tuple(round(sum(b.samples * b.dc[c] for b in blocks if c < len(b.dc)) / total, 7)
                 for c in range(width))


def _level(blocks: list[Block], channel: int, total: int) -> float | None:
    """A source channel's RMS over the whole track (dBFS): its blocks' mean squares, weighted by
    their samples; None for digital silence."""
    energy = sum(b.samples * b.power[channel] for b in blocks if channel < len(b.power))
    return round(10 * math.log10(energy / total), 2) if energy > 0 else None


def _gated_level(blocks: list[Block], channel: int) -> float | None:
    """A source channel's level where it sounds (dBFS): the RMS of its blocks over GATE_ABSOLUTE
    and no more than GATE_RELATIVE under their mean (BS.1770-4's two gates); None when no block
    is over GATE_ABSOLUTE."""
    def mean(kept: list[Block]) -> float:
        return sum(b.samples * b.power[channel] for b in kept) / sum(b.samples for b in kept)

    sounding = [b for b in blocks if channel < len(b.power) and b.samples
                and b.power[channel] > 10 ** (GATE_ABSOLUTE / 10)]
    if not sounding:
        return None
    floor = mean(sounding) * 10 ** (GATE_RELATIVE / 10)
    return round(10 * math.log10(mean([b for b in sounding if b.power[channel] > floor])), 2)


def _hum(mains: dict[int, list[float]], loudness: float | None) -> tuple[int, float] | None:
    """(frequency, floor) of the mains frequency whose band's floor (the 10th percentile of its
    seconds over MAINS_SILENT) is within HUM_UNDER of `loudness` and MAINS_TONAL over the other
    frequency's: a steady tone in every second; None when there is none (or no loudness)."""
    def floor(levels: list[float]) -> float | None:
        heard = sorted(level for level in levels if level > MAINS_SILENT)
        return heard[(len(heard) - 1) // 10] if len(heard) >= 3 else None

    floors = {frequency: floor(levels) for frequency, levels in mains.items()}
    if loudness is None or len(floors) < 2:
        return None
    frequency = max(floors, key=lambda f: floors[f] if floors[f] is not None else -math.inf)
    level = floors[frequency]
    others = [value for f, value in floors.items() if f != frequency]
    if level is None or level < loudness - HUM_UNDER or any(
            other is not None and level - other < MAINS_TONAL for other in others):
        return None
    return frequency, round(level, 1)


def _steady(blocks: list[Block], channel: int) -> bool:
    """Whether a source channel's level holds within STEADY_SPREAD dB (its 10th to 90th
    percentile) over its STEADY_BLOCKS or more blocks over GATE_ABSOLUTE: a noise, a hum or a
    tone. Sorted once: O(n log n) in blocks."""
    levels = sorted(10 * math.log10(b.power[channel]) for b in blocks
                    if channel < len(b.power) and b.power[channel] > 10 ** (GATE_ABSOLUTE / 10))
    if len(levels) < STEADY_BLOCKS:
        return False
    return levels[(9 * (len(levels) - 1)) // 10] - levels[(len(levels) - 1) // 10] <= STEADY_SPREAD


def remove_dc(audio: Stream, dc: tuple[float, float]) -> Stream:
    """`audio`, a stereo downmix (audio_layout.to_stereo), with each channel's measured offset
    subtracted (`aeval`, in doubles), then declared stereo again: `aeval` keeps a WAV's
    unknown layout (no channel mask), and ffmpeg then failed to link the limiter's resampler
    when it reinitialised the graph ("Cannot select channel layout"); `aeval`'s own
    `c=stereo` failed the same way on a mono delivery's upmix.

    A subtraction, not a high-pass: it changes no frequency but 0 Hz, so speech and music are
    untouched, and it needs no settling. A high-pass starts from rest: on a track that starts
    at +0.2 of DC its first output sample is still +0.2 (measured: first-order at 10 Hz
    +0.19987, second-order at 20 Hz +0.19963), the very step at the start it was meant to remove,
    decaying over tens of milliseconds; a first-order filter at 10 Hz also left a mean of
    +0.0008 over 4 s. The subtraction's first sample is the signal's own. `dcshift` would do the
    same for one value on every channel, but works on 32-bit integers and clips the floating
    point downmix (audio_layout.to_stereo) above full scale.
    """
    exprs = "|".join(f"val({c}){-value:+.7f}" for c, value in enumerate(dc))
    return audio.filter("aeval", exprs=exprs, c="same").filter("aformat", channel_layouts="stereo")
