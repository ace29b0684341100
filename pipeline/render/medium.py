"""Which variants a spot has: a radio spot (sound alone) and a video spot serve different
profiles and treatments.

A spot is a radio spot when the manifest says `medium: radio` or its master has no picture
(CONTRACT.md "Next"). A radio spot has no picture for a video profile, and nothing to show a
`burn` or `soft` language's subtitles on: those languages are an error on their line. An
audio-only profile of a video spot serves the languages with a sound of their own (`dub`, `mix`):
a `burn` or `soft` language's sound is the master's, in the source language, and a file named
for the language would say otherwise.
"""

from __future__ import annotations

from pipeline.errors import PipelineError
from pipeline.manifest import Language, Manifest, Spot
from pipeline.media.probe import MediaInfo
from pipeline.profiles import Profile

# The treatments that carry the master's own sound.
MASTER_SOUND = ("burn", "soft")


def is_radio(manifest: Manifest, spot: Spot, master: MediaInfo) -> bool:
    """Whether the spot is sound alone; `PipelineError` on the spot's line when its `medium:`
    contradicts its master, or a radio spot's master has no sound."""
    if spot.medium == "video" and master.video is None:
        raise PipelineError(f"spot {spot.id!r} says 'medium: video' but its master "
                            f"{spot.master.name} has no picture", manifest.path, spot.line,
                            "give a video master, or write 'medium: radio'")
    radio = spot.medium == "radio" or master.video is None
    if radio and master.audio is None:
        raise PipelineError(f"the master of radio spot {spot.id!r} has no sound", manifest.path,
                            spot.line)
    return radio


def refuse_subtitles(manifest: Manifest, spot: Spot, language: Language) -> None:
    """`burn` or `soft` on a radio spot: a `PipelineError` on the language's line."""
    raise PipelineError(f"language {language.code!r} uses '{language.treatment}', but spot "
                        f"{spot.id!r} is a radio spot (sound alone): its languages use 'dub' or "
                        "'mix'", manifest.path, language.line,
                        "give the language a recorded track (dub) or a voice-over (mix)")


def not_applicable(manifest: Manifest, radio: bool, spot: Spot, language: Language,
                   profile: Profile) -> str | None:
    """Why this spot, language and profile make no variant (the plan lists it as skipped), or
    None when they do."""
    if radio and not profile.audio_only:
        return f"spot {spot.id!r} is a radio spot: video profile {profile.name!r} does not apply"
    if not radio and profile.audio_only and language.treatment in MASTER_SOUND:
        return (f"'{language.treatment}' keeps the master's own sound ({manifest.source_language}):"
                f" audio-only profile {profile.name!r} serves dub and mix languages")
    return None
