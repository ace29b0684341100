"""Delivery defects a meter of loudness does not see: DC offset, clipping and dead air.

They are read from the 100 ms blocks that `loudness.analyse_sound` already cuts a delivered
track into (`astats`, reset every block: astats.py's graphs and parsing), so finding them
costs no decode and no process of its own: per channel of the stereo downmix, each block's
mean (DC), lowest and highest sample,
and the count and flatness of the samples at its extremes (`Peak_count`, `Flat_factor`). A
track of more than two channels is also read per channel before the downmix (`channel_stats`),
for clipping only: the downmix takes a centre or a surround at -3 dB and adds the others, so a
clipped channel's flat tops no longer reach full scale there (a clipped centre under quiet
fronts peaked at 0.78 of it) and were missed.

- DC offset: the mean of every sample. A constant offset is no sound at all, but it is a step
  where the track starts or is cut (a click), eats headroom, and upsets limiters and the
  transmitter's own processing. AES17 measures a converter's DC offset as the mean of its
  output, in dB relative to full scale (dBFS); so does this.
- Clipping: samples held at full scale in runs. A converter or a plug-in that runs out of
  range holds the rail for several samples; a recording that merely reaches 0 dBFS touches it
  for one or two. The classic "over" indicator of digital meters counts 3 consecutive samples at
  full scale; AES17 defines full scale as the largest positive sample.
- Clipping under a lossy codec (AAC, MP3, Opus, Vorbis, AMR...: `LOSSY`): the codec keeps no
  flat top, its decode rings above and below full scale, so no run is found. What it keeps is
  where the clipped sound sits: a clipped recording spends a large share of its loud blocks
  near full scale (`near_full_scale`), where a clean one, even normalised to 0 dBFS, or a
  limited master only touches it at their peaks (LOSSY_LEVEL, LOSSY_SHARE, LOSSY_BLOCKS).
- Dead air: a block is silent when the swing of every channel (half its peak-to-peak, which a
  DC offset does not change) stays under SILENCE_LEVEL.
- Sound in the LFE channel above its band: the LFE carries only what lies under 120 Hz (ITU-R
  BS.775-3; Dolby's and SMPTE's deliveries band-limit it there), and a stereo downmix leaves it
  out. A voice or a main channel routed to it by a wrong channel order is lost in every stereo
  variant. It is read on the LFE alone, high-passed an octave above its band (`lfe_band`), and
  compared with the loudest main channel's level (each channel's RMS, from `channel_stats`).
- A centre far under the other main channels: film and TV mixes carry the voice on the centre
  (ITU-R BS.775-3's L R C LFE Ls Rs). A wrong channel order that moves the voice to a front or a
  surround leaves the centre silent or holding another stem, and the downmix puts the voice on
  one side (a surround's 3 dB down). Read from the same blocks' per-channel RMS, gated (`gated`).
- One side silent: a mono recording stored on one track of a stereo file (or on one front of a
  5.1 whose centre is empty), which the downmix carries on one side only; or both sides
  sounding but far apart. Read from the same gated levels (ONE_SIDED, SIDES_APART).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import ffmpeg

if TYPE_CHECKING:     # astats.py reads the blocks with this module's thresholds
    from pipeline.media.astats import Block

Stream = ffmpeg.nodes.FilterableStream

# Codecs whose decode has no flat tops to find (ffmpeg's decoder names, as the probe gives
# them), and how a message names them: clipping is read there by LOSSY_LEVEL and LOSSY_SHARE.
# Any other (PCM, FLAC, ALAC, WavPack...) keeps the samples as recorded: CLIP_LEVEL, CLIP_RUN.
LOSSY = {"aac": "AAC", "mp3": "MP3", "mp2": "MP2", "opus": "Opus", "vorbis": "Vorbis",
         "ac3": "AC-3", "eac3": "E-AC-3", "amr_nb": "AMR-NB", "amr_wb": "AMR-WB",
         "wmav1": "WMA", "wmav2": "WMA", "wmapro": "WMA Pro", "dts": "DTS", "speex": "Speex",
         "gsm": "GSM", "gsm_ms": "GSM", "qcelp": "QCELP", "evrc": "EVRC"}
# A block is clipped when one channel's extreme is within CLIP_LEVEL of full scale and the
# samples at that extreme form runs of CLIP_RUN samples on average (astats' flat factor is the
# mean run length, weighted by length, in dB). A clean recording normalised to 0 dBFS: 1-2
# samples at its peak and a flat factor of 0 dB (espeak-ng's voice: -0.05 dBFS, 2 samples).
CLIP_LEVEL = -0.1              # dBFS
CLIP_RUN = 3                   # samples
# A recording clipped, then lowered (normalised to -1 dBFS, as an audio editor's Normalize does
# by default) keeps its flat tops under full scale, all at one level: its own peak. A mono or
# stereo track is clipped there when PLATEAU_BLOCKS blocks or more of one channel have runs
# (CLIP_RUN) at exactly that channel's peak, and their levels (RMS) spread over PLATEAU_SPREAD
# dB or more: a steady tone's blocks (a 60 Hz tone in 16 bits repeats its top samples) peak
# at one level too, at one RMS. Measured on espeak-ng speech clipped by +14 dB (16 bits), then
# lowered by 1 dB (16 bits) and 3 dB (24 bits): 67 of its 104 blocks, all at its peak; the
# same speech clean, normalised or brickwall-limited to -1 dBFS: no block with runs; 60 Hz and
# 40 Hz tones in 16 bits: every block, at one RMS; speech over a 55 Hz tone: 14 blocks, at
# one RMS and under the track's peak.
PLATEAU_BLOCKS = 3
PLATEAU_SPREAD = 3.0           # dB
# Decoded from a lossy codec, a block is clipped when LOSSY_SHARE or more of one channel's
# samples are at or above LOSSY_LEVEL (either polarity), and a track when LOSSY_BLOCKS blocks
# or more are. Measured on espeak-ng speech (3 voices), speech over a music-like bed and two
# music-like signals (a chord with noise; kicks, a saw bass and hats), each hard-clipped by +3,
# +6, +12 and +24 dB, or normalised clean to 0 dBFS and to -1 dBTP, or limited (+12 to +24 dB
# into a look-ahead brickwall limiter, or into ffmpeg's alimiter, at -1 or -0.1 dBFS), then
# encoded by ffmpeg to AAC 32k/64k/128k mono and stereo at 44.1/48 kHz, MP3 64k/128k (LAME),
# Opus 64k/128k and Vorbis 96k: 630 files. The share in each file's third highest block:
#   clipped by +12 or +24 dB: 7.6 % or more (the least: speech +12 dB, AAC 64k stereo 44.1 kHz)
#   clean at 0 dBFS or -1 dBTP, or limited to -1 dBFS: 2.3 % at most (a chord at 0 dBFS, Opus)
#   speech (alone or over a bed) brickwall-limited to -0.1 dBFS: 5.3 % at most (Opus 128k)
#   the trial's phone recording (+24 dB, AAC mono 48 kHz): 16.0 %; its clean siblings: 0.5 %
# The rule finds all 91 clipped by +12 or +24 dB (the trial's included), none of the 190 clean
# or limited to -1 dBFS (the trial's 10 clean deliveries included) and none of the 105
# brickwall-limited speech files; clipped by +6 dB, 25 of 45 (missed in every codec: the
# Spanish voice, 1,007 samples held at full scale in its 7 s WAV, 2.2 to 3.7 % in the decode);
# by +3 dB, 9. Limited to -0.1 dBFS, dense music-like signals reach it: 3 of 30
# brickwall-limited, 20 of 30 through alimiter, which holds samples at its ceiling (speech
# through it: 6 of 105, up to 8.9 %); such a master's decode goes over full scale in a lossy
# delivery anyway. The codec rounds a clipped plateau into a hump from -1.5 to +1 dBFS (MP3
# 128k: -0.75 to -0.25 dBFS), so a level nearer full scale told clean from clipped less well
# (at -0.25 dBFS they overlapped); nor did the decoded peak (limited to -1 dBFS: up to +3.5
# dBFS in AAC 64k; clipped speech in MP3: +0.5) or the crest factor (limited music 5 dB,
# clipped speech 10 dB).
LOSSY_LEVEL = -1.0             # dBFS
LOSSY_SHARE = 0.06             # of a block's samples in one channel
LOSSY_BLOCKS = 3
# Under SILENCE_LEVEL every channel is silence: the dead-air floor (room tone of a usable
# recording, EBU Tech 3276, sits around -70 dBFS; speech's pauses keep their breaths above it).
SILENCE_LEVEL = -60.0          # dBFS
# A track's offset is also read in its pauses: its blocks whose swing is under PAUSE_LEVEL, when
# it has PAUSES of them or more. A converter's offset is there as everywhere; the mean that
# clipping gives a waveform whose tops it cuts more on one side than on the other is not: the
# trial's phone take (espeak-ng's voice clipped by +24 dB, AAC) has a mean of -43.9 dBFS and
# none in its 16 pauses; the same voice clipped, with 0.02 of offset added, -30.9 dBFS over the
# whole track and -34.0 (the 0.02) in its pauses. Noise at that level averages out in a block:
# -40 dBFS of it over 4,800 samples leaves a mean near -80 dBFS.
PAUSE_LEVEL = -40.0            # dBFS
PAUSES = 3                     # blocks
# The LFE is read above LFE_BAND, an octave over its 120 Hz limit, through two second-order
# high-passes (24 dB an octave): a band-limited LFE at its usual level (10 dB or more under the
# mains) leaves there 40 dB or more under the loudest main channel, a voice routed to it about
# its own level. Sound there is said when within LFE_MARGIN of that channel and over LFE_FLOOR.
LFE_BAND = 240                 # Hz
LFE_MARGIN = 20.0              # dB
LFE_FLOOR = -60.0              # dBFS
# A channel's level where it sounds (`_gated_level`): the RMS of its blocks that ITU-R
# BS.1770-4's gates keep, applied to each channel (over GATE_ABSOLUTE, and no more than
# GATE_RELATIVE under the mean of those). A voice heard for a few seconds of a spot is then read
# at its speaking level, as steady music is at its own, not diluted by its pauses. Measured on
# tests/test_loudness.py's copy of a user's master (a voice on the front right alone for 5 s of
# 12 s, steady tones in the other fronts): 15.3 dB between the voice and the centre's tone over
# the whole track, 19.9 dB gated.
GATE_ABSOLUTE = -70.0          # dBFS
GATE_RELATIVE = -10.0          # dB
# The centre is said to be missing when CENTRE_MARGIN or more under the loudest other main
# channel (gated), that one over SILENCE_LEVEL. A mix anchors its voice in the centre and keeps
# music and effects under it while it speaks; between its lines, a spot held to EBU R128 s1
# (short-term loudness at most 5 LU over its -23 LUFS programme) has no room for music more than
# a few dB over the voice, so a correct mix stays some 10 dB inside the margin. A voice moved off
# the centre leaves it silent or holding another stem (that master's tone: 19.9 dB under).
CENTRE_MARGIN = 15.0           # dB
# Front left and right within this of each other, with nothing in the centre, are a phantom
# centre: a stereo mix carried in a 5.1 (a studio's dub exported so), whose voice the downmix
# puts in the middle as it was heard. Not a wrong order, so not said.
PHANTOM_CENTRE = 3.0           # dB
# A stereo pair (a two-channel track's sides, or the front left and right of a 5.1) is one-sided
# when one side carries the sound, over SILENCE_LEVEL where it sounds (gated), and the other
# none: no block over GATE_ABSOLUTE, or ONE_SIDED or more under it. That is a mono recording
# stored on one track (a mono microphone recorded onto track 1 of a stereo session: the trial's
# dub had its right channel all zeros), which the downmix would carry on one side only, 3 dB
# hotter there than centred, and a station summing to mono 6 dB down. The gated levels read a
# voice where it speaks, at -20 to -30 dBFS; 40 dB under it is the noise floor of a usable
# recording (SILENCE_LEVEL; EBU Tech 3276's room tone, -70 dBFS): what such a side holds is
# the hiss of an input nobody plugged in, or a far microphone's bleed, never part of the
# programme, and a stereo mix never puts its whole sound so far to one side. Its other side
# is used on both (`Defects.silent_side`). Both sides sounding but SIDES_APART or
# more apart (audio_streams.STEMS_APART's figure, for the same reason: a stereo mix's balance
# stays near the centre) may be a pan someone wanted: said, not changed. Not when a channel
# the downmix shares between the sides (a centre) carries sound within ONE_SIDED of the louder
# front: the downmix has it in the middle, where a 5.1 keeps its voice, whatever its fronts.
ONE_SIDED = 40.0               # dB
SIDES_APART = 10.0             # dB
# The channel the downmix shares between its sides, and each front's other side.
SHARED = ("FC", "BC")
OTHER_SIDE = {"FL": "FR", "FR": "FL"}


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
        """The front (FL or FR) that is silent beside the other (ONE_SIDED), or None."""
        sides = self.sides
        if sides is None:
            return None
        louder, level, other = sides
        return OTHER_SIDE[louder] if other is None or level - other >= ONE_SIDED else None

    @property
    def sides_apart(self) -> float | None:
        """How far apart (dB) the two fronts are where each sounds, when SIDES_APART or more
        and the quieter is not silent (`silent_side`); None otherwise."""
        sides = self.sides
        if sides is None or sides[2] is None:
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
                      "pause_dc": tuple(pauses) if pauses is not None else None})


def find_defects(blocks: list[Block], sample_rate: int,
                 channels: tuple[str, ...] | None = None, layout: str | None = None,
                 lfe: float | None = None, codec: str | None = None,
                 starts: list[float] = ()) -> Defects:
    """The DC offset, clipping and sound span of a track of `layout` from its blocks
    (`sample_rate`: Hz). `channels`: the names of the source's channels, in order, when its
    blocks' clipped samples and levels were read per channel of the source (`channel_stats`);
    a stereo track's levels are read in the downmix's blocks.
    `lfe`: the LFE's level above LFE_BAND (`parse_lfe_band`, dBFS), when it has one. `codec`:
    the source's (the probe's name); from a lossy one (`LOSSY`), whose blocks were read by
    `near_full_scale`, a track is clipped only in LOSSY_BLOCKS blocks or more. `starts`: where
    sound starts after silence, to the sample (astats.sound_starts), which puts the first
    block's sound where it starts (`_onset`)."""
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
    gated = {}
    if channels:
        named = tuple(name for c, name in enumerate(channels)
                      if any(c < len(b.clipped) and b.clipped[c] for b in clipped))
        levels = {name: _level(blocks, c, total) for c, name in enumerate(channels)
                  if name != "LFE"}
        loudest = max(levels, key=lambda name: levels[name] or -math.inf)
        loudest_level = levels[loudest]
        gated = {name: _gated_level(blocks, c) for c, name in enumerate(channels)
                 if name != "LFE"}
    elif layout == "stereo":
        # Its sides as the downmix's blocks read them (the same channels): two mono streams
        # taken as left and right are told from stems by them (audio_streams.stems_warning).
        gated = {name: _gated_level(blocks, c) for c, name in enumerate(("FL", "FR"))}
    return Defects(
        dc=_mean_dc(blocks), clipped_samples=samples, clip_level=clip_level,
        clipped_blocks=len(clipped), clipped_channels=named, layout=layout, codec=lossy,
        pause_dc=_mean_dc(pauses) if len(pauses) >= PAUSES else None,
        clipped_from=clipped[0].time if clipped else None,
        clipped_to=end(clipped[-1]) if clipped else None,
        first_sound=_onset(sound[0].time, end(sound[0]), starts) if sound else None,
        last_sound=end(sound[-1]) if sound else None,
        length=round(total / sample_rate, 6), lfe_band=lfe if channels else None,
        loudest=loudest, loudest_level=loudest_level, gated=gated)


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
