"""The loudness limits a sound the render only levels (a dub, the master's) is judged by at
planning, from its analysis, so that `validate` and `check` tell a translator before a render:
a loudness range (EBU Tech 3342) wider than a profile's own limit, a warning; loudest 3 s over
EBU R128 s1's maximum short-term loudness by more than levelling can take back, an error that
blocks that profile's variants (`LoudnessChecks`, a part of the planner). A mix made here is
judged by the render, from the mix (render/record.py).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, error, warning
from pipeline.manifest import Manifest
from pipeline.media.loudness import Loudness
from pipeline.media.sound_analysis import SoundAnalysis
from pipeline.messages import N_, Items, N_plural, Number, say, say_count
from pipeline.profiles import Profile
from pipeline.render.leveling import aim, short_term_room
from pipeline.render.master_sound import silent_held
from pipeline.render.medium import MASTER_SOUND, carries
from pipeline.render.memo import Memo
from pipeline.standards import STANDARDS, input_unit, loudness_unit, short_term_limit


# What to ask for, by where the range comes from: levelling is a plain gain, so the source's.
# A trial's engineer was told to "master the mix" of a mix the pipeline had made.
_LRA_SOURCE = {
    **dict.fromkeys(MASTER_SOUND, N_("the master's sound has this range; ask for a master mixed "
                                     "with less dynamics")),
    "dub": N_("the dub recording has this range; even out its level (a compressor) before "
              "delivering it"),
    "mix": N_("the mix made here of the voice-over over the music bed has this range; even out "
              "the voice-over's level (a compressor), or give a music bed of steadier level"),
}
LOUDNESS_RANGE = "loudness-range"     # the code of its warning


def limit_profiles(manifest: Manifest, radio: bool, treatment: str,
                   profile: Profile) -> tuple[str, ...]:
    """The names of the manifest's profiles whose loudness-range limit is `profile`'s, of
    those a `treatment` language's variants of a spot (`radio` or not) are made in
    (medium.carries): whose limit a sound's range is said to pass, all in one warning."""
    names = tuple(p.name for p in manifest.profiles if p.loudness_range == profile.loudness_range
                  and carries(radio, treatment, p))
    return names or (profile.name,)


# Its words before the warning named its profiles: kept for the page, which says a record's
# warning in Spanish from its template, in variants rendered before.
_RANGE_BEFORE = N_("loudness range %(range)s LU, measured per EBU Tech 3342, is wider than "
                   "the profile's limit of %(limit)s LU")


def range_limits(manifest: Manifest, radio: bool, treatment: str,
                 lra: float) -> dict[float, tuple[str, ...]]:
    """The loudness-range limits a range of `lra` LU passes, lowest first, each with the names
    of its profiles, of those a `treatment` language's variants of a spot (`radio` or not)
    are made in (medium.carries)."""
    limits: dict[float, tuple[str, ...]] = {}
    for p in sorted(manifest.profiles, key=lambda p: p.loudness_range):
        if lra > p.loudness_range and carries(radio, treatment, p):
            limits[p.loudness_range] = limits.get(p.loudness_range, ()) + (p.name,)
    return limits


def loudness_range(source: Path, lra: float, limits: dict[float, tuple[str, ...]],
                   treatment: str) -> list[Diagnostic]:
    """A warning, at `source`, for a loudness range (LRA in LU, as EBU Tech 3342 measures it)
    wider than any of the `limits` (each a profile's `loudness_range`, with the names of the
    profiles that set it: `limit_profiles`, `range_limits`); levelling is a plain gain:
    nothing compresses a sound whose quiet passages would be lost on air. That limit is the
    profile's own, not a standard's: neither EBU R128 nor ATSC A/85:2013 sets one, and the
    warning says whose it is. A sound over two limits (7 LU and 11) is one warning naming
    each with its profiles: a trial's every dub was said twice, once a profile, in validate
    and check alike. Said at planning of a sound the render only levels (a dub, the
    master's), from its analysis, so that validate tells a translator before a render; of a
    mix made here, by the render, from the mix."""
    over = {limit: names for limit, names in limits.items() if lra > limit}
    if not over:
        return []
    forms = N_plural("loudness range %(range)s LU, measured per EBU Tech 3342, is wider than "
                     "the limit of %(limit)s LU of profile %(profiles)s",
                     "loudness range %(range)s LU, measured per EBU Tech 3342, is wider than "
                     "the limit of %(limit)s LU of profiles %(profiles)s")
    # Every profile named, whatever its limit: when one joins or leaves, the records of
    # the variants already made get the new words (status.warnings_changed), nothing
    # rendered again (a trial's added profile re-encoded every burn of the spot for them).
    figures = dict(range=Number(lra, ".1f"),
                   profiles=Items(tuple(name for names in over.values() for name in names),
                                  ", ", " and "))
    if len(over) == 1:
        ((limit, names),) = over.items()
        said = say_count(forms, len(names), **figures, limit=Number(limit))
    else:
        each = N_plural("%(limit)s LU of profile %(names)s", "%(limit)s LU of profiles %(names)s")
        said = say(N_("loudness range %(range)s LU, measured per EBU Tech 3342, is wider than "
                      "the limits of %(limits)s"), **figures,
                   limits=Items(tuple(say_count(each, len(names), limit=Number(limit),
                                                names=Items(names, ", ", " and "))
                                      for limit, names in over.items()), ", ", " and "))
    return [warning(said, source, hint=say(N_("quiet passages may be lost on air: %(source)s"),
                                           source=say(_LRA_SOURCE[treatment])),
                    code=LOUDNESS_RANGE)]


SHORT_TERM = "short-term-loudness"     # the code of its error (publish/reasons.py)


def short_term_excess(source: Path, loudness: Loudness, profile: Profile, treatment: str,
                      seconds: float) -> list[Diagnostic]:
    """An error, at `source`, for a sound (`loudness`: its levelled-from figures) whose loudest
    3 s, levelled by a plain gain to the profile's target, would be over the maximum
    short-term loudness of EBU R128 s1 (or the house rule after it) for a spot of `seconds`,
    by more than lowering it inside the profile's tolerance can take back (leveling.aim): the
    render refuses such a variant at its loudness check, after encoding it (a trial's dub,
    5.4 LU from its average to its loudest 3 s, passed check, validate and preview, then its
    Broadcast WAV failed at -17.6 LUFS against -18.0). None when the profile has no such limit
    or levelling meets it."""
    limit = short_term_limit(profile.loudness_standard, seconds)
    if limit is None or not loudness.defined or loudness.max_short_term is None \
            or aim(profile, loudness, limit) is not None:
        return []
    unit = loudness_unit(profile.loudness_standard)
    above = loudness.max_short_term - loudness.integrated
    reach, room = profile.loudness + above, short_term_room(profile, limit)
    can = room - (limit - profile.loudness)   # what `aim` may lower it by, past s1's 5 LU
    what = N_("master's sound") if treatment in MASTER_SOUND else N_("dub")
    # The rule's source, a house rule said with its article (standards.short_term_rule).
    standard = STANDARDS[profile.loudness_standard]
    template = (N_("the loudest 3 s of the %(what)s are %(above)s LU above its loudness as a "
                   "whole (maximum short-term %(max)s, integrated %(integrated)s %(unit)s): "
                   "levelled to the %(target)s %(unit)s of profile %(profile)s, they would "
                   "reach %(reach)s %(unit)s, %(over)s LU over the %(limit)s %(unit)s of the "
                   "%(rule)s for spots; lowering it within the profile's tolerance of "
                   "%(tolerance)s LU takes back %(can)s LU at most, %(margin)s LU in all kept "
                   "clear of the two limits; its variants of that profile are not made")
                if standard.short_form_house else
                N_("the loudest 3 s of the %(what)s are %(above)s LU above its loudness as a "
                   "whole (maximum short-term %(max)s, integrated %(integrated)s %(unit)s): "
                   "levelled to the %(target)s %(unit)s of profile %(profile)s, they would "
                   "reach %(reach)s %(unit)s, %(over)s LU over the %(limit)s %(unit)s of "
                   "%(rule)s for spots; lowering it within the profile's tolerance of "
                   "%(tolerance)s LU takes back %(can)s LU at most, %(margin)s LU in all kept "
                   "clear of the two limits; its variants of that profile are not made"))
    said = say(template, what=say(what), above=Number(above, ".1f"),
               max=Number(loudness.max_short_term, ".1f"),
               integrated=Number(loudness.integrated, ".1f"), unit=unit,
               target=Number(profile.loudness, "g"), profile=repr(profile.name),
               reach=Number(reach, ".1f"), limit=Number(limit, ".1f"),
               over=Number(reach - limit, ".1f"), can=Number(can, ".2f"),
               margin=Number(profile.loudness_tolerance - can, ".2f"),
               rule=say(standard.short_form_source),
               tolerance=Number(profile.loudness_tolerance, "g"))
    return [error(said, source,
                  hint=say(_SHORT_TERM_HINT[what], allowed=Number(room, ".2f"),
                           less=Number(max(above - room, 0.1), ".1f")),
                  code=SHORT_TERM)]


# As the loudness range's hint: who can even the sound out, the recording's or the master's.
_SHORT_TERM_HINT = {
    "dub": N_("even out the recording's loudest passage (a compressor, or a lower level there) "
              "by %(less)s dB or more: no 3 s may be more than %(allowed)s LU above the whole"),
    "master's sound": N_("ask for a master whose loudest passage is %(less)s dB or more lower: "
                         "no 3 s may be more than %(allowed)s LU above the whole"),
}


class LoudnessChecks(Memo):
    """The planner's loudness limits of a sound it reads (render/inputs.py `Inputs`, whose
    `manifest` they read), each said once a file and rule."""

    manifest: Manifest

    def _range(self, source: Path, analysis: SoundAnalysis, profile: Profile,
               treatment: str, radio: bool) -> list[Diagnostic]:
        """The loudness-range warning of a sound the render only levels (a dub, the master's),
        from its analysis, said once a file, naming every limit it passes of the profiles of
        a spot (`radio` or not) with those profiles (`range_limits`), and carried by their
        variants alone; not of a voice-over, mixed by the render."""
        if treatment == "mix":
            return []
        lra = (analysis.fitted or analysis.loudness).lra
        limits = range_limits(self.manifest, radio, treatment, lra)
        if not any(profile.name in names for names in limits.values()):
            return []
        return self._once(("loudness-range", source, lra, tuple(limits.items())),
                          lambda: self._checked(loudness_range(source, lra, limits, treatment)))

    def _short_term(self, source: Path, analysis: SoundAnalysis, profile: Profile,
                    treatment: str, seconds: float) -> None:
        """The error of a sound the render only levels (a dub, the master's) whose loudest 3 s
        are over EBU R128 s1's limit for a spot of `seconds` by more than levelling can take
        back (`short_term_excess`), from its analysis: once a file and loudness rule, Blocked
        for the variants of the profiles of that rule alone. Not of a voice-over, mixed by
        the render (its mix is checked when made)."""
        if treatment == "mix":
            return
        loudness = analysis.fitted or analysis.loudness
        self._once(("short-term", source, loudness, seconds, profile.loudness_standard,
                    profile.loudness, profile.loudness_tolerance),
                   lambda: self._checked(short_term_excess(source, loudness, profile, treatment,
                                                           seconds)))

    def _silent_held(self, spot, profile: Profile, declared: bool) -> None:
        """`master_sound.silent_held`'s error, once a spot and profile: Blocked for that
        profile's variants of the master's sound before anything is made."""
        self._once(("silent-held", spot.id, profile.name), lambda: self._checked(silent_held(
            self.manifest.path, spot, profile, declared, input_unit(self.manifest.profiles))))
