"""Bringing a track to a profile's loudness: a plain gain, a true-peak limiter where peaks would
pass the ceiling, and a check of the encoded result by the meter, corrected or refused.

Why not `loudnorm`: its second pass is linear only when the input is 3 s or longer, its loudness
range is within the target's and the gain leaves the true peak under the ceiling; otherwise it
silently switches to dynamic mode and misses its target (MEASURED.md lists the 3 s trap; with
it, a 4 s ident dubbed with one word landed at -21.6 LUFS by ebur128, loudnorm saying -23.0). A
gain has no such conditions, at any length; the limiter (run at 4x the sample rate, where sample
peaks approach true peaks as BS.1770-4 measures them) handles the peaks; and the encoded file is
measured by `ebur128` (EBU R128), the figure records and catalogs carry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.errors import RenderError
from pipeline.media.loudness import Loudness
from pipeline.messages import N_, Items, N_plural, Number, say, say_count
from pipeline.profiles import Profile
from pipeline.standards import loudness_unit, short_term_rule

Stream = ffmpeg.nodes.FilterableStream
log = logging.getLogger(__name__)

OVERSAMPLE = 4                 # the limiter runs at 4x the output rate (BS.1770-4's true-peak rate)
LIMITER_HEADROOM = 0.5         # dB kept under the ceiling: resampling and lossy encoders overshoot
# libopus at 32 kb/s overshot a limited speech-over-music track by 0.6-1.5 dB (ebur128 on 9
# encodes of one dub): its first limiter sits lower, so the first encode usually passes.
CODEC_HEADROOM = {"libopus": 1.5}
LIMITER_FLOOR = -24.0          # dBFS: the lowest limit alimiter takes (0.0625)
CORRECTIONS = 4                # encodes after the first, before a track that still misses fails
MARGIN = 0.1                   # LU: how far a correction aims inside a loudness limit
# dB a lowered limiter is set under what the last encode needed: a lossy encoder's overshoot moved
# by up to 0.5 dB between encodes of nearly the same signal (libopus 32 kb/s, AAC 192 kb/s)
PEAK_MARGIN = 0.5
MIN_SLOPE = 1 / 3              # LU per dB of gain: a correction's step is at most 3x the miss
# dB: corrections stay this close to the first gain, whatever the slope says (a runaway went 20
# dB past it); a 0.35 s word of plosives needed 7.7 dB more, its limiter taking 5 LU of it.
MAX_CORRECTION = 10.0
SAME_CEILING = 0.05            # dB: limiters this close are the same limiter
# LU: more gain under one limiter that measured this much less loudness crossed EBU R128's
# relative gate (`gate_edge`); ebur128 prints tenths, so a fall of one tenth may be rounding.
GATE_FALL = 0.15
# dB: two encodes either side of the gate's edge this close leave nothing to bisect.
GATE_RESOLUTION = 0.1


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


def _aimed(leveling: Leveling, profile: Profile, target: float) -> Leveling:
    """`leveling` with the loudness aimed at, where 0.05 LU or more under the target (`aim`)."""
    return replace(leveling, aimed=target if profile.loudness - target >= 0.05 else None)


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


Try = tuple[Leveling, Loudness]


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < SAME_CEILING)


def next_ceiling(profile: Profile, applied: Leveling, result: Loudness, gain: float) -> float | None:
    """The limiter of the next encode. One that let the encoded peak past the ceiling is lowered
    by the excess plus PEAK_MARGIN (an encoder's overshoot differs each time); a track without
    one gets one when the new gain takes its peak within the codec's headroom of the ceiling."""
    ceiling = applied.ceiling
    if result.true_peak is None:
        return ceiling
    if ceiling is None:
        if result.true_peak + gain - applied.gain > profile.true_peak - headroom(profile):
            ceiling = profile.true_peak - headroom(profile)
    elif result.true_peak > profile.true_peak:
        ceiling -= result.true_peak - profile.true_peak + PEAK_MARGIN
    return None if ceiling is None else max(ceiling, LIMITER_FLOOR)


def _slope(tries: list[Try]) -> float:
    """LU the last two encodes under one limiter bought per dB of gain (1.0 without such a
    pair), kept within [MIN_SLOPE, 1]: a limiter only ever takes loudness away."""
    pairs = [(a, b) for i, a in enumerate(tries) for b in tries[i + 1:]
             if _same(a[0].ceiling, b[0].ceiling) and a[1].defined and b[1].defined
             and abs(a[0].gain - b[0].gain) > 0.01]
    if not pairs:
        return 1.0
    (l1, r1), (l2, r2) = pairs[-1]
    slope = (r2.integrated - r1.integrated) / (l2.gain - l1.gain)
    return min(1.0, max(MIN_SLOPE, slope))


Edge = tuple[tuple[float, float], tuple[float, float]]


def gate_edge(tries: list[Try], ceiling: float | None) -> Edge | None:
    """((gain dB, LUFS) below, (gain dB, LUFS) above) of the two encodes under `ceiling`, next
    to each other in gain, where more gain measured at least GATE_FALL less loudness; None when
    loudness rose with gain, as it does unless a gate moves.

    Integrated loudness leaves out the 400 ms blocks 10 LU under the loudness of those above -70
    LUFS (BS.1770-4's relative gate). A gain moves every block alike, but where the limiter holds
    the loud ones the gate rises less than a quiet passage (a bed, room tone), which crosses it:
    the loudness falls by up to several LU (a 5.1 spot's voice under a -4 dBTP limiter: -18.0
    LUFS at +6.8 dB, -21.4 at +7.0 dB; the bed at -31.6 LUFS, the gate at -31.5)."""
    under = sorted((l.gain, r.integrated) for l, r in tries
                   if _same(l.ceiling, ceiling) and r.defined)
    return next(((a, b) for a, b in zip(under, under[1:])
                 if b[0] - a[0] > 0.01 and b[1] < a[1] - GATE_FALL), None)


def next_gain(tries: list[Try], ceiling: float | None, target: float) -> float | None:
    """The gain (dB) of the next encode under `ceiling`, toward `target` LUFS, from the encodes
    made so far: between the two nearest under this limiter that fall either side of the target
    (interpolated, never outside them); else a step from the nearest by the measured slope
    (`_slope`). None when more gain under this limiter bought no loudness (it all went into
    limiting) and the target is above what was reached: no gain reaches it.

    Past an edge of the relative gate (`gate_edge`) loudness is not monotonic in gain and no
    slope holds across it: the search stays under the edge, where the quiet passage is left
    out as it was in the source, and bisects between the two encodes either side of it while
    the target is above the one under it; None once they are GATE_RESOLUTION apart."""
    edge = gate_edge(tries, ceiling)
    if edge is not None:
        (below, reached), (above, _) = edge
        if target > reached:
            return (below + above) / 2 if above - below > GATE_RESOLUTION else None
        tries = [t for t in tries if not (_same(t[0].ceiling, ceiling) and t[0].gain > below)]
    under = sorted(((l.gain, r.integrated) for l, r in tries
                    if _same(l.ceiling, ceiling) and r.defined), key=lambda t: t[0])
    low = [t for t in under if t[1] < target]
    high = [t for t in under if t[1] >= target]
    if low and high:
        (g1, i1), (g2, i2) = max(low, key=lambda t: t[1]), min(high, key=lambda t: t[1])
        if g1 < g2 and i2 > i1:
            return g1 + (g2 - g1) * (target - i1) / (i2 - i1)
    if len(low) >= 2 and not high:
        (g1, i1), (g2, i2) = low[-2], low[-1]
        if i2 - i1 <= 0.05:
            return None
    if under:
        gain, reached = min(under, key=lambda t: abs(t[1] - target))
    else:
        last = tries[-1]
        gain, reached = last[0].gain, last[1].integrated
    return gain + (target - reached) / _slope(tries)


def corrected(profile: Profile, tries: list[Try], target: float | None = None) -> Leveling | None:
    """The next encode's gain and limiter after the measured `tries` (oldest first), or None
    when nothing new is left to try. The limiter is lowered first when the last peak passed the
    ceiling (`next_ceiling`); the gain then comes from the encodes under that limiter
    (`next_gain`), bracketed or stepped by what a dB bought, never more than MAX_CORRECTION from
    the first gain. Encodes under different limiters are never mixed in one slope: a lower
    limiter takes loudness away by itself (a voice's peaks held 4 dB lower cost 3 LU), which a
    secant across the two read as gain buying no loudness, and stepped the gain 20 dB up."""
    applied, result = tries[-1]
    target = profile.loudness if target is None else target
    missing = target - result.integrated if result.defined else 0.0
    ceiling = next_ceiling(profile, applied, result, applied.gain + missing)
    if _same(ceiling, applied.ceiling) or not result.defined:
        gain = next_gain(tries, ceiling, target) if result.defined else applied.gain
    else:
        # A new limiter: nothing measured under it yet; step as the last encode missed.
        gain = applied.gain + missing
    if gain is None:
        return None
    first = tries[0][0].gain
    gain = min(first + MAX_CORRECTION, max(first - MAX_CORRECTION, gain))
    if any(_same(l.ceiling, ceiling) and abs(l.gain - gain) < 0.05 for l, _ in tries):
        return None
    return Leveling(gain, ceiling, applied.corrections + 1)


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


def level_and_verify(profile: Profile, measured: Loudness, encode: Callable[[Leveling], None],
                     meter: Callable[[], Loudness], what: str,
                     short_term_limit: float | None = None) -> tuple[Loudness, Leveling]:
    """Encode with the first leveling, measure the result, correct up to CORRECTIONS times.

    A result more than half the tolerance from its aim (the target, or under it where EBU R128
    s1's `short_term_limit` (LUFS) asks and the tolerance allows: `aim`), over the ceiling, or
    over that limit is corrected, so delivered figures sit well inside the tolerance. When the
    corrections run out, the best encode (inside the whole tolerance and under the ceiling,
    nearest its aim) is kept, encoded again if it was not the last and measured again; none
    such raises `RenderError` with the nearest figures. Returns (measured result, leveling).
    At most CORRECTIONS + 2 encodes.
    """
    leveling = first_leveling(profile, measured, short_term_limit)
    target = aim(profile, measured, short_term_limit)
    limit = short_term_limit if target is not None else None   # None: s1 is past correcting
    target = profile.loudness if target is None else target
    tries: list[Try] = []
    while True:
        encode(leveling)
        result = meter()
        tries.append((leveling, result))
        log.info("%s: gain %+.2f dB, limiter %s dBTP: %s LUFS, %s dBTP", what, leveling.gain,
                 leveling.ceiling, result.integrated, result.true_peak)
        if limit is not None:
            lowered = aim(profile, result, limit)
            limit = None if lowered is None else limit
            target = profile.loudness if lowered is None else min(target, lowered)
        if _accepted(profile, result, target, limit):
            return result, _aimed(leveling.cutting(measured, result), profile, target)
        if leveling.corrections >= CORRECTIONS:
            break
        following = corrected(profile, tries, target)
        if following is None:
            break
        leveling = following
    stuck = (say(N_("; %(n)s encodes, and more gain bought too little loudness: the limiter "
                    "took it"), n=len(tries)) if following is None else "")
    # A radio trial's phone dub failed here for three 4 ms clicks its clipping warning had
    # placed; the hint named dynamics alone.
    hint = say(N_("the track's peaks are far above its loudness: clicks or clipped peaks (its "
                  "clipping warning, if it has one, says where), or a mix of wide dynamics; "
                  "remove the clicks, or master it with less dynamic range"))
    edges = [e for e in (gate_edge(tries, c) for c in {l.ceiling for l, _ in tries}) if e]
    if edges:     # the cause is the gate, however the corrections ended
        (below, before), (above, after) = min(edges, key=lambda e: e[1][0] - e[0][0])
        stuck = say(N_("; %(n)s encodes, and a quiet passage sits on the edge of ITU-R "
                       "BS.1770-4's relative gate (10 LU under the loudness): from %(below)s to "
                       "%(above)s dB of gain the loudness fell by %(fall)s LU as the gate took "
                       "it in"), n=len(tries), below=Number(below, "+.2f"),
                    above=Number(above, "+.2f"), fall=Number(before - after, ".1f"))
        hint = say(N_("lift the quiet passage (a music bed, room tone) a few dB, or set it "
                      "clearly under the voice (3 dB lower or more), so the gate counts it, or "
                      "leaves it out, at any gain"))
    kept = [(l, r) for l, r in tries if miss(profile, r) is None]
    if kept:
        best, result = min(kept, key=lambda t: abs(t[1].integrated - target) if t[1].defined else 0)
        if best is not tries[-1][0]:
            encode(best)             # the file on disk is the last encode's: make the best again
            result = meter()
        problem = misses(profile, result)
        if problem is None:
            return result, _aimed(best.cutting(measured, result), profile, target)
    else:
        best, result = min(tries, key=lambda t: _badness(profile, t[1]))
        problem = misses(profile, result)
    count = leveling.corrections
    limiter = (say(N_(", limiter at %(ceiling)s dBTP"), ceiling=Number(best.ceiling, ".1f"))
               if best.ceiling is not None else "")
    raise RenderError(say_count(N_plural(
        "%(what)s: %(problem)s after %(n)s correction (the nearest encode: gain %(gain)s "
        "dB%(limiter)s)%(stuck)s",
        "%(what)s: %(problem)s after %(n)s corrections (the nearest encode: gain %(gain)s "
        "dB%(limiter)s)%(stuck)s"), count, what=what, problem=problem, n=count,
        gain=Number(best.gain, "+.1f"), limiter=limiter, stuck=stuck), hint=hint)


def _accepted(profile: Profile, result: Loudness, target: float, limit: float | None) -> bool:
    """Inside the profile's tolerance and ceiling (and `limit`), and within half the tolerance
    of the loudness aimed at."""
    near = not result.defined or abs(result.integrated - target) <= profile.loudness_tolerance / 2
    return near and miss(profile, result, short_term_limit=limit) is None


def _badness(profile: Profile, result: Loudness) -> float:
    """How far (dB or LU) a result is outside the profile's tolerance and ceiling."""
    off = abs(result.integrated - profile.loudness) - profile.loudness_tolerance if result.defined else 0
    over = result.true_peak - profile.true_peak if result.true_peak is not None else 0
    return max(0.0, off) + max(0.0, over)
