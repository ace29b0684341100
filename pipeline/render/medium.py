"""Which variants a spot has: a radio spot (sound alone) and a video spot serve different
profiles and treatments.

A spot is a radio spot when the manifest says `medium: radio` or its master has no picture
(CONTRACT.md "Next"). A radio spot has no picture for a video profile, and nothing to show a
`burn` or `soft` language's subtitles on: those languages are an error on their line. An
audio-only profile of a video spot serves the languages with a sound of their own (`dub`, `mix`):
a `burn` or `soft` language's sound is the master's, in the source language, and a file named
for the language would say otherwise. A video spot's master is seen from its programme's first
frame (`media.programme.programme_of`); a radio spot's is aired as delivered.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, PipelineError, note
from pipeline.manifest import Language, Manifest, Spot
from pipeline.media.probe import MediaInfo
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.profiles import Profile
from pipeline.subtitles.master_clock import SUFFIX as EBUTT_SUFFIX
from pipeline.subtitles.sidecars import SIDECAR_SUFFIXES

# The treatments that carry the master's own sound.
MASTER_SOUND = ("burn", "soft")


def sound_source(treatment: str, inputs: dict) -> Path:
    """The file a variant's sound is made from, by its language's `treatment`, from its plan's
    `inputs`: the master for the treatments of MASTER_SOUND, else the dub or voice-over
    recording. What to fix when the sound is off, so said there once for all its variants."""
    return Path(inputs["master" if treatment in MASTER_SOUND else "audio"]["path"])


def radio_master(spot: Spot, info: MediaInfo) -> bool:
    """The master is a radio spot's sound, to analyse (`is_radio`'s rule; a contradiction
    is reported when the spot is planned)."""
    return info.audio is not None and (spot.medium == "radio"
                                       or (spot.medium is None and info.video is None))


def is_radio(manifest: Manifest, spot: Spot, master: MediaInfo) -> bool:
    """Whether the spot is sound alone; `PipelineError` on the spot's line when its `medium:`
    contradicts its master, or a radio spot's master has no sound."""
    if spot.medium == "video" and master.video is None:
        raise PipelineError(say(N_("spot %(spot)s says %(medium)s but its master %(master)s has "
                                   "no picture"), spot=repr(spot.id), medium="'medium: video'",
                                master=spot.master.name), manifest.path, spot.line,
                            say(N_("give a video master, or write %(medium)s"),
                                medium="'medium: radio'"))
    radio = spot.medium == "radio" or master.video is None
    if radio and master.audio is None:
        raise PipelineError(say(N_("the master of radio spot %(spot)s has no sound"),
                                spot=repr(spot.id)), manifest.path, spot.line)
    return radio


def refuse_subtitles(manifest: Manifest, spot: Spot, language: Language) -> None:
    """`burn` or `soft` on a radio spot: a `PipelineError` on the language's line."""
    raise PipelineError(say(N_("language %(language)s uses %(treatment)s, but spot %(spot)s is a "
                               "radio spot (sound alone): its languages use %(dub)s or %(mix)s"),
                            language=repr(language.code), treatment=f"'{language.treatment}'",
                            spot=repr(spot.id), dub="'dub'", mix="'mix'"),
                        manifest.path, language.line,
                        say(N_("name a video spot in the language's 'spots:', or give it a "
                               "recorded track (dub) or a voice-over (mix)")) if language.spots
                        else say(N_("give the language a recorded track (dub) or a voice-over "
                                    "(mix)")))


def carries(radio: bool, treatment: str, profile: Profile) -> bool:
    """Whether a spot (a radio spot or not) has a variant of a `treatment` language in
    `profile`: a radio spot in audio-only profiles alone; a video spot in every profile, but
    the master's own sound (MASTER_SOUND) in no audio-only one."""
    return profile.audio_only if radio else not (profile.audio_only and treatment in MASTER_SOUND)


def not_applicable(manifest: Manifest, radio: bool, spot: Spot, language: Language,
                   profile: Profile) -> Message | None:
    """Why this spot, language and profile make no variant (the plan lists it as skipped), or
    None when they do (`carries`)."""
    if carries(radio, language.treatment, profile):
        return None
    if radio:
        return say(N_("spot %(spot)s is a radio spot: video profile %(profile)s does not apply"),
                   spot=repr(spot.id), profile=repr(profile.name))
    return say(N_("'%(treatment)s' keeps the master's own sound (%(source)s): audio-only "
                  "profile %(profile)s serves dub and mix languages"),
               treatment=language.treatment, source=manifest.source_language,
               profile=repr(profile.name))


def _in_timecode(profile: Profile) -> str | Message:
    """What the note says of a master's EBU-TT sidecar (render/ebutt_sidecar.py)."""
    if profile.timecode is None:
        return ""
    return say(N_("; and as %(name)s (EBU-TT), in the master's own timecode, from %(timecode)s"),
               name=f"<spot>.<lang>.{profile.name}.{EBUTT_SUFFIX}", timecode=profile.timecode)


def sidecar_notes(manifest: Manifest, plans: list) -> list[Diagnostic]:
    """A note at each master profile's line (`Profile.mastered`: MXF, ProRes MOV) that has
    `soft` variants: a master carries no subtitle track (render/treatments.py `build_master`),
    so those languages' subtitles reach stations only as the sidecar files beside it, timed
    from the programme's first frame, not the file's (after its leader), and, for a master
    with a timecode, in EBU-TT on that timecode. Also a note of each such variant
    (`VariantPlan.notes`), so that a selection leaving them out leaves it out."""
    soft: dict[str, list] = {}
    for plan in plans:
        variant = plan.variant
        if (variant.profile.mastered and variant.treatment == "soft"
                and plan.status != "skipped"):
            soft.setdefault(variant.profile.name, []).append(plan)
    notes = []
    for name, plans_of in soft.items():
        profile = plans_of[0].variant.profile
        codes = sorted({plan.variant.language.code for plan in plans_of})
        leader = profile.leader
        after = (say(N_(", not from the file's, which starts with a %(seconds)s s leader"),
                     seconds=Number(leader.seconds, "g"))
                 if leader is not None and leader.seconds else "")
        told = note(say(N_("profile %(profile)s makes %(container)s masters, which carry no "
                           "subtitle track: the subtitles of %(languages)s (treatment %(soft)s) "
                           "reach stations only as the files beside each master (%(suffixes)s), "
                           "timed from the programme's first frame%(after)s%(timecode)s"),
                        profile=repr(name), container=profile.container.upper(),
                        languages=Items(tuple(codes)), soft="'soft'",
                        suffixes=Items(tuple(f".{suffix}" for suffix in SIDECAR_SUFFIXES)),
                        after=after, timecode=_in_timecode(profile)), manifest.path,
                    manifest.profile_line(name),
                    say(N_("for subtitles in the master's picture, give the profile "
                           "'soft_subtitles: burn', or the language 'treatment: burn'")),
                    "sidecars-only")
        notes.append(told)
        for plan in plans_of:
            plan.notes.append(told)
    return notes


def master_view(spot: Spot) -> tuple:
    """The master as `spot` sees it, for what is known of it once: its file and the spot's
    `programme_start` (two spots may cut one master at two in-points)."""
    return spot.master, spot.programme_start.at if spot.programme_start else None
