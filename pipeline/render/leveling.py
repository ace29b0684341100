"""Bringing a track to a profile's loudness: a plain gain, a true-peak limiter where peaks would
pass the ceiling, aimed at the target (or under it, for EBU R128 s1); the check of the encoded
result by the meter, corrected or refused, is render/corrections.py.

Why not `loudnorm`: its second pass is linear only when the input is 3 s or longer, its loudness
range is within the target's and the gain leaves the true peak under the ceiling; otherwise it
silently switches to dynamic mode and misses its target (MEASURED.md lists the 3 s trap; with
it, a 4 s ident dubbed with one word landed at -21.6 LUFS by ebur128, loudnorm saying -23.0). A
gain has no such conditions, at any length; the limiter (run at 4x the sample rate, where sample
peaks approach true peaks as BS.1770-4 measures them) handles the peaks; and the encoded file is
measured by `ebur128` (EBU R128), the figure records and catalogs carry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import ffmpeg

from pipeline.media.loudness import Loudness
from pipeline.messages import N_, Items, Number, say
from pipeline.profiles import Profile
from pipeline.standards import loudness_unit, short_term_rule

Stream = ffmpeg.nodes.FilterableStream

OVERSAMPLE = 4                 # the limiter runs at 4x the output rate (BS.1770-4's true-peak rate)
LIMITER_HEADROOM = 0.5         # dB kept under the ceiling: resampling and lossy encoders overshoot
# libopus at 32 kb/s overshot a limited speech-over-music track by 0.6-1.5 dB (ebur128 on 9
# encodes of one dub): its first limiter sits lower, so the first encode usually passes.
CODEC_HEADROOM = {"libopus": 1.5}
LIMITER_FLOOR = -24.0          # dBFS: the lowest limit alimiter takes (0.0625)
MARGIN = 0.1                   # LU: how far a correction aims inside a loudness limit


@dataclass(frozen=True)
class Leveling:
    """What is applied to a track: a gain, and the ceiling of a limiter if one is needed."""

    gain: float = 0.0                  # dB
    ceiling: float | None = None       # dBTP the limiter holds peaks under; None: no limiter
    corrections: int = 0               # encodes that followed a measured miss
    # How hard the limiter works, set once an encode is kept (`level_and_verify`): dB off the
    # source's loudest true peak (it after the gain, less the ceiling), and LU off the integrated
    # loudness (the source's after the gain, less the result's): plosives shaved cost none.
    peak_cut: float = 0.0
    loudness_cut: float = 0.0
    aimed: float | None = None         # LUFS aimed at under the target for EBU R128 s1 (`aim`)

    def to_json(self) -> dict:
        return {"gain_db": round(self.gain, 2),
                "limiter_dbtp": None if self.ceiling is None else round(self.ceiling, 2),
                "corrections": self.corrections, "limiter_peak_cut_db": round(self.peak_cut, 1),
                "limiter_loudness_cut_lu": round(self.loudness_cut, 1),
                **({} if self.aimed is None else {"aimed_lufs": round(self.aimed, 2)})}

    def cutting(self, source: Loudness, result: Loudness) -> "Leveling":
        """This leveling with what its limiter took from the `source` track (`peak_cut`,
        `loudness_cut`), from the source's figures and the encoded `result`'s."""
        if self.ceiling is None or not source.defined or not result.defined:
            return self
        peak = source.true_peak if source.true_peak is not None else -99.0
        return replace(self, peak_cut=max(0.0, peak + self.gain - self.ceiling),
                       loudness_cut=max(0.0, source.integrated + self.gain - result.integrated))


@dataclass(frozen=True)
class SharedTrack:
    """A levelled, encoded audio track that variants copy, and what the meter measured on it."""

    path: Path
    loudness: Loudness
    leveling: Leveling

    def to_json(self) -> dict:
        return self.loudness.to_json() | self.leveling.to_json()


def headroom(profile: Profile) -> float:
    """dB under the profile's true-peak ceiling at which the first limiter is set."""
    return CODEC_HEADROOM.get(profile.audio_codec, LIMITER_HEADROOM)


def aim(profile: Profile, loudness: Loudness, short_term_limit: float | None = None
        ) -> float | None:
    """The integrated loudness (LUFS) to level to: the profile's target, or under it by as much
    as `loudness`'s maximum short-term loudness is over `short_term_limit` (EBU R128 s1: target
    + 5 LU for short-form content), plus MARGIN. A gain moves both figures alike, so lowering
    the integrated loudness by the excess brings the loudest 3 s under the limit. None when the
    target's tolerance leaves no room for that: the programme's check then refuses the mix with
    its figure (render/certificate.py)."""
    target = profile.loudness
    if short_term_limit is None or not loudness.defined or loudness.max_short_term is None:
        return target
    lowered = loudness.integrated - (loudness.max_short_term - short_term_limit) - MARGIN
    if lowered >= target:
        return target
    above = loudness.max_short_term - loudness.integrated
    return lowered if above <= short_term_room(profile, short_term_limit) else None


def short_term_room(profile: Profile, short_term_limit: float) -> float:
    """LU: how far a sound's loudest 3 s (its maximum short-term loudness) may be above its
    integrated loudness for `aim` to keep them under `short_term_limit` (LUFS) inside the
    profile's tolerance: the limit's 5 LU over the target (EBU R128 s1), plus the tolerance,
    less the margins aimed inside both."""
    return short_term_limit - MARGIN - (profile.loudness - profile.loudness_tolerance + MARGIN / 2)


def first_leveling(profile: Profile, measured: Loudness,
                   short_term_limit: float | None = None) -> Leveling:
    """The gain that takes `measured` to the target (`aim`); a limiter when that gain would push
    the true peak within the codec's headroom of the ceiling. Silence gets neither (nothing to
    level)."""
    if not measured.defined:
        return Leveling()
    gain = (aim(profile, measured, short_term_limit) or profile.loudness) - measured.integrated
    ceiling = profile.true_peak - headroom(profile)
    peak = (measured.true_peak if measured.true_peak is not None else -99.0) + gain
    return Leveling(gain, ceiling if peak > ceiling else None)


def miss(profile: Profile, result: Loudness, slack: float = 1.0,
         short_term_limit: float | None = None) -> str | None:
    """Why `result` misses the profile, or None: integrated loudness more than `slack` times the
    tolerance from the target (EBU R128: +-0.5 LU), true peak over the ceiling, or (given a
    limit) maximum short-term loudness over it. Silence misses nothing here; the record says it."""
    missed = misses(profile, result, slack, short_term_limit)
    return None if missed is None else str(missed)


def misses(profile: Profile, result: Loudness, slack: float = 1.0,
           short_term_limit: float | None = None) -> Items | None:
    """`miss` as messages, for an error to say in the terminal's language."""
    problems, unit = [], loudness_unit(profile.loudness_standard)
    if result.defined and abs(result.integrated - profile.loudness) > profile.loudness_tolerance * slack:
        problems.append(say(N_("integrated loudness %(loudness)s %(unit)s is more than "
                               "%(tolerance)s LU from the target %(target)s %(unit)s"),
                            loudness=Number(result.integrated, ".1f"), unit=unit,
                            tolerance=Number(profile.loudness_tolerance * slack, "g"),
                            target=Number(profile.loudness, "g")))
    if result.true_peak is not None and result.true_peak > profile.true_peak:
        problems.append(say(N_("true peak %(peak)s dBTP is above the ceiling %(ceiling)s dBTP"),
                            peak=Number(result.true_peak, ".1f"),
                            ceiling=Number(profile.true_peak, "g")))
    if (short_term_limit is not None and result.max_short_term is not None
            and result.max_short_term > short_term_limit):
        problems.append(say(N_("maximum short-term loudness %(loudness)s %(unit)s is above "
                               "%(limit)s %(unit)s (%(rule)s)"),
                            loudness=Number(result.max_short_term, ".1f"), unit=unit,
                            limit=Number(short_term_limit, ".1f"),
                            rule=short_term_rule(profile.loudness_standard)))
    return Items(tuple(problems), "; ") if problems else None


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
                    channel_layouts="stereo" if profile.channels == 2 else "mono")
            .filter("asetpts", "N/SR/TB"))
