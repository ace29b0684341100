"""A track's level checked where it is delivered: each encode measured by the meter (EBU R128,
`ebur128`) and corrected until it lands within half the tolerance of its aim and under the
ceiling, else the nearest kept or refused with its figures.

A correction moves the gain by what a dB of it bought in the encodes so far, under one limiter
at a time (a lower limiter takes loudness away by itself), and finds where more gain crosses
ITU-R BS.1770-4's relative gate, which makes the loudness fall as the gain rises (`gate_edge`).
The gain and limiter themselves, and the first aim: render/leveling.py.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Callable

from pipeline.errors import RenderError
from pipeline.media.loudness import Loudness
from pipeline.messages import N_, N_plural, Number, say, say_count
from pipeline.profiles import Profile
from pipeline.render.leveling import (LIMITER_FLOOR, Leveling, aim, first_leveling, headroom,
                                      miss, misses)

log = logging.getLogger(__name__)

CORRECTIONS = 4                # encodes after the first, before a track that still misses fails
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


Try = tuple[Leveling, Loudness]


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None
                                         and abs(a - b) < SAME_CEILING)


def next_ceiling(profile: Profile, applied: Leveling, result: Loudness,
                 gain: float) -> float | None:
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


def _aimed(leveling: Leveling, profile: Profile, target: float) -> Leveling:
    """`leveling` with the loudness aimed at, where 0.05 LU or more under the target (`aim`)."""
    return replace(leveling, aimed=target if profile.loudness - target >= 0.05 else None)


def _accepted(profile: Profile, result: Loudness, target: float, limit: float | None) -> bool:
    """Inside the profile's tolerance and ceiling (and `limit`), and within half the tolerance
    of the loudness aimed at."""
    near = not result.defined or abs(result.integrated - target) <= profile.loudness_tolerance / 2
    return near and miss(profile, result, short_term_limit=limit) is None


def _badness(profile: Profile, result: Loudness) -> float:
    """How far (dB or LU) a result is outside the profile's tolerance and ceiling."""
    off = (abs(result.integrated - profile.loudness) - profile.loudness_tolerance
           if result.defined else 0)
    over = result.true_peak - profile.true_peak if result.true_peak is not None else 0
    return max(0.0, off) + max(0.0, over)
