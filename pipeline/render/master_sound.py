"""What a video master's sound carries into the burned and subtitled variants that nobody asked
for, said as warnings on the master: silence, sound that ends before the picture (padded with
silence) or runs past it (cut), and the defects any sound is checked for (`sound_warnings`);
and the error of a silent spot in a profile held to a loudness standard (`silent_held`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, error, warning
from pipeline.manifest import QcSettings
from pipeline.media.audio_streams import SoundMap
from pipeline.media.loudness import ABSOLUTE_GATE
from pipeline.media.sound_analysis import SoundAnalysis
from pipeline.messages import N_, Number, say
from pipeline.profiles import Profile
from pipeline.render.sound_sides import master_sides, one_sided
from pipeline.render.sound_warnings import defect_warnings
from pipeline.standards import STANDARDS


def master_sound_warnings(path: Path, analysis: SoundAnalysis, picture: float,
                          unit: str) -> list[Diagnostic]:
    """What the burned and subtitled variants of a video master of `picture` seconds carry from
    its sound (`analyse_master_sound`'s analysis) that nobody asked for: silence (undefined
    loudness: no 400 ms block reaches ITU-R BS.1770-4's absolute gate), or sound that ends more than
    a delivery's default `duration_tolerance` (0.5 s) before the picture, the rest padded with
    silence. Warnings, not errors: the dubs' variants are unaffected and a spot's `audio:
    silent` says silence is meant; `--strict` refuses them. Neither for a spot with `audio:
    silent`, which has no sound analysed. The gate is said in `unit` (standards.input_unit)."""
    if not analysis.loudness.defined:
        return [warning(say(N_("the master's sound is silent (its loudness is undefined: no 400 "
                               "ms block reaches ITU-R BS.1770-4's absolute gate, %(gate)s "
                               "%(unit)s): every burned and subtitled variant goes to air "
                               "silent"), gate=Number(ABSOLUTE_GATE, "g"), unit=unit), path,
                        hint="export the master again with its sound, or choose its streams "
                             "with the spot's 'audio:' key; 'audio: silent' on the spot says "
                             "the spot is meant to be silent", code="master-silent")]
    # The decoded sound, aligned with the picture: where it ends on the picture's clock.
    ends = analysis.defects.length if analysis.defects is not None else None
    if ends is None or picture - ends <= QcSettings().duration_tolerance:
        return []
    return [warning(say(N_("the master's sound ends %(short)s s before its picture (padded with "
                           "silence): its sound stops at %(end)s s of %(length)s s"),
                        short=Number(picture - ends, ".1f"), end=Number(ends, ".1f"),
                        length=Number(picture, ".1f")), path,
                    hint="export the master again with its sound running to the picture's end",
                    code="master-sound-short")]


def master_sound_long(path: Path, sound: SoundMap, picture: float) -> list[Diagnostic]:
    """A warning when the master's `sound` runs more than a delivery's default
    `duration_tolerance` (0.5 s) past its `picture` (seconds): every variant of it is cut at
    the picture's end, faded (`audio_streams.fitted_to_picture`). A trial's 7 s of sound under
    6 s of film lost its last second without a word, where a short sound is said."""
    ends = max((end for end in sound.ends if end is not None), default=None)
    if ends is None or ends - picture <= QcSettings().duration_tolerance:
        return []
    return [warning(say(N_("the master's sound runs %(over)s s past its picture (cut at the "
                           "picture's end, faded): its sound ends at %(end)s s of %(length)s s"),
                        over=Number(ends - picture, ".1f"), end=Number(ends, ".1f"),
                        length=Number(picture, ".1f")), path,
                    hint=say(N_("check that the sound is the spot's own mix, or export the "
                                "master with its sound ending with the picture")),
                    code="master-sound-long")]


def video_master_warnings(path: Path, analysis: SoundAnalysis, sound: SoundMap, picture: float,
                          unit: str) -> list[Diagnostic]:
    """What the burned and subtitled variants of a video master carry from its `sound`
    (`analyse_master_sound`'s analysis) that nobody asked for: its silence or its end before
    the `picture`'s (`master_sound_warnings`, in `unit`) or past it (`master_sound_long`), its
    DC offset and clipping
    (`defect_warnings`) and, of one stereo stream (sound_sides.master_sides), a silent side,
    put on both sides as a dub's is (`use_analysis`)."""
    found = master_sound_warnings(path, analysis, picture, unit) + \
        master_sound_long(path, sound, picture)
    if analysis.defects is None:
        return found
    sides = master_sides(sound)
    return (found + defect_warnings(path, analysis, N_("master's sound"), replaced=sides)
            + (one_sided(path, analysis.defects, N_("master")) if sides else []))


def silent_held(manifest: Path, spot, profile: Profile, declared: bool,
                unit: str) -> list[Diagnostic]:
    """The error of a `spot` whose master's sound is silence (`declared`: its `audio: silent`,
    at that line of `manifest`; else its analysis found no sound, at the master) in a profile
    held to a loudness standard, whose integrated rule no silence meets (standards.py
    `verdict`); none for a profile without one. `unit`: the campaign's (`input_unit`). A
    trial's silent spot passed validate and failed its TV master at render, told to "master
    the mix with less dynamic range"."""
    standard = STANDARDS.get(profile.loudness_standard or "")
    if standard is None:
        return []
    where, line = (manifest, spot.audio.line) if declared else (spot.master, None)
    return [error(
        say(N_("spot %(spot)s is silent (%(why)s): profile %(profile)s holds its files to "
               "%(standard)s, whose integrated loudness no silence meets; its variants of that "
               "profile are not made"), spot=repr(spot.id),
            why=say(N_("'audio: silent'")) if declared else
            say(N_("its master's sound is below %(level)s %(unit)s throughout"),
                level=Number(ABSOLUTE_GATE, "g"), unit=unit),
            profile=repr(profile.name), standard=standard.title), where, line,
        # A spot takes every profile of its manifest: the way out is a manifest of its own.
        say(N_("give the spot its sound; or, to deliver it silent, render it from a manifest "
               "of its own whose profiles set %(key)s"), key="loudness_standard: null"),
        code="master-silent")]
