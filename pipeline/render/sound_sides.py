"""Which side of a sound carries it: a track one of whose sides is silent beside the other (a
mono recording stored on one track), put on both sides, centred, in every variant and said
(`one-sided`); or both sides sounding far apart, said and left as they are (`sides-apart`).

The levels are `media/defects.py`'s (Defects.sides, silent_side, sides_apart), read in the one
decode of each file's analysis. These are the rules for whose sound they are: a dub's, a
voice-over's or a music bed's (`side_warnings`), and a video master's whose sound is one stereo
stream (`master_sides`): a mono microphone on track 1 of a stereo edit went to air on one side
of every burned and subtitled variant. Two mono streams taken as a master's left and right are
not read so: they may be stems, audio_streams.stems_warning's.
"""

from __future__ import annotations

import math
from pathlib import Path

from pipeline.errors import Diagnostic, warning
from pipeline.media.audio_streams import SoundMap
from pipeline.media.defect_levels import GATE_ABSOLUTE, ONE_SIDED, OTHER_SIDE
from pipeline.media.defects import Defects
from pipeline.media.sound_analysis import SoundAnalysis
from pipeline.messages import N_, Number, say

# What a side that is silent, or far under the other, is called: a stereo track's, or the
# fronts of a track of more channels.
SIDE_NAMES = {"stereo": {"FL": N_("left"), "FR": N_("right")}}
FRONT_NAMES = {"FL": N_("front left"), "FR": N_("front right")}
# What to do next time, by whose the sound is.
_ONE_SIDED_HINT = say(N_("next time, export the recording as mono, or with its sound on both "
                        "channels"))
_MASTER_HINT = say(N_("next time, export the master with its sound on both channels, or as mono"))


def master_sides(sound: SoundMap | None) -> bool:
    """Whether a video master's sound is read for a silent side: one stereo stream (whatever
    chose it). Not two mono streams taken as left and right (stems, or a mono programme on
    track 1 as EBU R 48 lays its tracks: audio_streams.stems_warning says which keys to write),
    nor summed streams (mono), nor a 5.1 (its empty centre is the centre-empty warning)."""
    return (sound is not None and len(sound.streams) == 1 and sound.layout == "stereo"
            and sound.mix is None)


def silent_side(analysis: SoundAnalysis) -> str | None:
    """The front (FL or FR) of a track that is silent beside the other
    (defects.Defects.silent_side), whose place the other takes in every variant
    (audio_layout.pan_expression); None for a track without one."""
    return analysis.defects.silent_side if analysis.defects is not None else None


# A silent side given the other's sound doubles the power BS.1770 sums over the two (each
# weighted 1): the track levelling measures reads 10 log10(2) LU over the one delivered.
ONE_SIDED_GAIN = 10 * math.log10(2)


def levelled_from(analysis: SoundAnalysis) -> float:
    """The integrated loudness (LUFS) of the track the variants level: the delivered one's
    (of its stereo downmix: a mono file's as dual mono), and a one-sided one's with its sound
    on both sides (`silent_side`); a trial's left-only stereo was said lifted 3 dB more than
    the render lifts it."""
    gain = ONE_SIDED_GAIN if silent_side(analysis) is not None else 0.0
    return analysis.loudness.integrated + gain


def side_warnings(path: Path, defects: Defects, what: str, voice: bool) -> list[Diagnostic]:
    """A track (a delivery or a music bed) with one side silent beside the other (`one-sided`:
    replaced by it in every variant, render/audio.py), or with both sounding SIDES_APART or
    more apart (`sides-apart`: as delivered, a pan may be wanted); defects.Defects.sides's
    rules. A voice's silent front beside a silent centre is the centre-empty error's (where
    its voice went) and not said again."""
    said = [] if voice and defects.off_centre else one_sided(path, defects, what)
    # A silent side is never far apart (Defects.sides_apart): the one or the other.
    return said or _sides_apart(path, defects, what)


def one_sided(path: Path, defects: Defects, what: str) -> list[Diagnostic]:
    """The `one-sided` warning of a track with one side silent beside the other, or none. Of a
    master's sound (`what`: "master"), with the hint to export the master so."""
    silent = defects.silent_side
    if silent is None:
        return []
    names = SIDE_NAMES.get(defects.layout or "", FRONT_NAMES)
    _, level, other = defects.sides
    live = OTHER_SIDE[silent]
    figures = dict(under=Number(level - other, ".1f"), level=Number(level, ".1f"),
                   other=Number(other, ".1f")) if other is not None else {}
    quiet = (say(N_("silent (no 100 ms block over %(floor)s dBFS RMS)"),
                 floor=Number(GATE_ABSOLUTE, "g")) if other is None else
             say(N_("%(under)s dB under it where each sounds (%(level)s and %(other)s dBFS "
                    "RMS, gated)"), **figures) if level - other >= ONE_SIDED else
             # Defects.noise_side: a steady level beside the programme's moving one.
             say(N_("a steady noise %(under)s dB under it (%(level)s and %(other)s dBFS RMS, "
                    "gated), an unplugged input's hiss or a hum, no programme"), **figures))
    said = say(N_("the %(what)s has sound on its %(side)s channel only, its %(silent)s "
                  "channel is %(quiet)s: a mono recording stored on one track, which would "
                  "go to air on one side (and 3 dB under other spots where a station sums "
                  "to mono); its %(side)s channel is used on both sides, centred"),
               what=say(what), side=say(names[live]), silent=say(names[silent]),
               quiet=quiet)
    return [warning(said, path, hint=_MASTER_HINT if what == "master" else _ONE_SIDED_HINT,
                    code="one-sided")]


def _sides_apart(path: Path, defects: Defects, what: str) -> list[Diagnostic]:
    apart = defects.sides_apart
    if apart is None:
        return []
    names = SIDE_NAMES.get(defects.layout or "", FRONT_NAMES)
    left, right = defects.gated["FL"], defects.gated["FR"]
    said = say(N_("the %(what)s's %(left_name)s and %(right_name)s channels are %(apart)s dB "
                  "apart where each sounds (%(left)s and %(right)s dBFS RMS, gated): it is "
                  "heard from the %(side)s, and the variants carry it so"),
               what=say(what), left_name=say(names["FL"]), right_name=say(names["FR"]),
               apart=Number(apart, ".1f"), left=Number(left, ".1f"), right=Number(right, ".1f"),
               side=say(names["FL" if left > right else "FR"]))
    return [warning(said, path, hint=say(N_("if it is not meant to be off the centre, export "
                                            "it again balanced (or as mono)")),
                    code="sides-apart")]
