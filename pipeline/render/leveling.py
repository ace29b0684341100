"""Bringing a track to a profile's loudness: a plain gain, a true-peak limiter where peaks would
pass the ceiling, and a check of the encoded result by the meter, corrected or refused.

Why not `loudnorm`: its second pass is linear only when the input is 3 s or longer, its loudness
range is within the target's and the gain leaves the true peak under the ceiling; otherwise it
silently switches to dynamic mode and misses its target (MEASURED.md lists the 3 s trap; with
it, a 4 s ident dubbed with one word landed at -21.6 LUFS on the broadcast chain by ebur128 while
the record, loudnorm measuring itself, said -23.0). A gain has no such conditions, at any length; the limiter (run at 4x the sample
rate, where sample peaks approach true peaks as ITU-R BS.1770-4 measures them) handles the peaks;
and the encoded file is measured by `ebur128` (EBU R128), the figure records and catalogs carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.errors import RenderError
from pipeline.media.loudness import Loudness
from pipeline.profiles import Profile

Stream = ffmpeg.nodes.FilterableStream

OVERSAMPLE = 4                 # the limiter runs at 4x the output rate (BS.1770-4's true-peak rate)
LIMITER_HEADROOM = 0.5         # dB kept under the ceiling: resampling and lossy encoders overshoot
LIMITER_FLOOR = -24.0          # dBFS: the lowest limit alimiter takes (0.0625)
CORRECTIONS = 2                # encodes after the first, before a track that still misses fails
MARGIN = 0.1                   # dB: how far a correction aims inside the ceiling
MIN_SLOPE = 0.2                # LU per dB of gain: a correction's step is at most 5x the miss


@dataclass(frozen=True)
class Leveling:
    """What is applied to a track: a gain, and the ceiling of a limiter if one is needed."""

    gain: float = 0.0                  # dB
    ceiling: float | None = None       # dBTP the limiter holds peaks under; None: no limiter
    corrections: int = 0               # encodes that followed a measured miss

    def to_json(self) -> dict:
        return {"gain_db": round(self.gain, 2),
                "limiter_dbtp": None if self.ceiling is None else round(self.ceiling, 2),
                "corrections": self.corrections}


@dataclass(frozen=True)
class SharedTrack:
    """A levelled, encoded audio track that variants copy, and what the meter measured on it."""

    path: Path
    loudness: Loudness
    leveling: Leveling

    def to_json(self) -> dict:
        return self.loudness.to_json() | self.leveling.to_json()


def first_leveling(profile: Profile, measured: Loudness) -> Leveling:
    """The gain that takes `measured` to the target; a limiter when that gain would push the
    true peak within LIMITER_HEADROOM of the ceiling. Silence gets neither (nothing to level)."""
    if not measured.defined:
        return Leveling()
    gain = profile.loudness - measured.integrated
    ceiling = profile.true_peak - LIMITER_HEADROOM
    peak = (measured.true_peak if measured.true_peak is not None else -99.0) + gain
    return Leveling(gain, ceiling if peak > ceiling else None)


def miss(profile: Profile, result: Loudness, slack: float = 1.0) -> str | None:
    """Why `result` misses the profile, or None: integrated loudness more than `slack` times the
    profile's tolerance from its target (EBU R128: broadcast +-0.5 LU), or true peak over the
    ceiling. Undefined loudness (silence) misses nothing here; the record flags it."""
    problems = []
    if result.defined and abs(result.integrated - profile.loudness) > profile.loudness_tolerance * slack:
        problems.append(f"integrated loudness {result.integrated:.1f} LUFS is more than "
                        f"{profile.loudness_tolerance * slack:g} LU from the target "
                        f"{profile.loudness:g} LUFS")
    if result.true_peak is not None and result.true_peak > profile.true_peak:
        problems.append(f"true peak {result.true_peak:.1f} dBTP is above the ceiling "
                        f"{profile.true_peak:g} dBTP")
    return "; ".join(problems) or None


def corrected(profile: Profile, applied: Leveling, result: Loudness,
              before: tuple[Leveling, Loudness] | None = None) -> Leveling:
    """A further gain step toward the target. Where a limiter holds the peaks, part of any extra
    gain goes into limiting rather than loudness: with an earlier step (`before`), the gain is
    stepped by the secant of the two measured results (how many LU a dB of gain bought), not
    dB for LU. A limiter is added when the new gain would take the measured peak past the
    ceiling; an existing one is lowered by the overshoot the resampler and encoder added."""
    missing = profile.loudness - result.integrated if result.defined else 0.0
    slope = 1.0
    if before is not None and before[1].defined and result.defined and applied.gain != before[0].gain:
        slope = (result.integrated - before[1].integrated) / (applied.gain - before[0].gain)
        slope = min(1.0, max(MIN_SLOPE, slope))
    gain = applied.gain + missing / slope
    ceiling = applied.ceiling
    if result.true_peak is not None:
        if ceiling is None:
            if result.true_peak + gain - applied.gain > profile.true_peak - LIMITER_HEADROOM:
                ceiling = profile.true_peak - LIMITER_HEADROOM
        else:
            overshoot = max(0.0, result.true_peak - ceiling)
            ceiling = min(ceiling, profile.true_peak - MARGIN - overshoot)
    return Leveling(gain, None if ceiling is None else max(ceiling, LIMITER_FLOOR),
                    applied.corrections + 1)


def level(audio: Stream, profile: Profile, leveling: Leveling) -> Stream:
    """The gain, the limiter if any (at OVERSAMPLE x the rate, delay compensated), then the
    profile's rate and sample format. A mono profile gets the stereo source's two channels
    averaged first, before the limiter watches the peaks."""
    if profile.channels == 1:
        audio = audio.filter("pan", args="mono|c0=0.5*c0+0.5*c1")
    audio = audio.filter("volume", volume=f"{leveling.gain:.2f}dB")
    if leveling.ceiling is not None:
        audio = (audio.filter("aresample", profile.sample_rate * OVERSAMPLE)
                 .filter("alimiter", limit=10 ** (leveling.ceiling / 20), level=0, latency=1))
    return (audio.filter("aresample", profile.sample_rate)
            .filter("aformat", sample_fmts="s32p" if profile.audio_codec.startswith("pcm") else "fltp",
                    channel_layouts="stereo" if profile.channels == 2 else "mono"))


def level_and_verify(profile: Profile, measured: Loudness, encode: Callable[[Leveling], None],
                     meter: Callable[[], Loudness], what: str) -> tuple[Loudness, Leveling]:
    """Encode with the first leveling, measure the result, correct up to CORRECTIONS times.

    A result more than half the tolerance off (or over the ceiling) is corrected, so delivered
    figures sit well inside the tolerance; one still outside the whole tolerance, or over the
    ceiling, after the corrections raises `RenderError`. Returns (measured result, leveling).
    """
    leveling, before = first_leveling(profile, measured), None
    while True:
        encode(leveling)
        result = meter()
        if miss(profile, result, slack=0.5) is None:
            return result, leveling
        if leveling.corrections >= CORRECTIONS:
            break
        leveling, before = corrected(profile, leveling, result, before), (leveling, result)
    problem = miss(profile, result)
    if problem is None:
        return result, leveling
    raise RenderError(f"{what}: {problem} after {leveling.corrections} corrections "
                      f"(gain {leveling.gain:+.1f} dB"
                      + (f", limiter at {leveling.ceiling:.1f} dBTP)" if leveling.ceiling is not None
                         else ")"),
                      hint="the track's peaks are far above its loudness; master it with less "
                           "dynamic range")

