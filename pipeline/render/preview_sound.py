"""The sound of a dub's or a voice-over's preview (`render/preview.py`): what a translator who
recorded one hears before a render, as it will air.

The language's variants are planned as validate plans them (`plan.plan_manifest`, on the
manifest narrowed to the spots and languages previewed): the recording found, probed, analysed
and checked against its spot, and what validate says of it and of the music bed under it is
what the preview says. Its sound is then the render's own (`audio.audio_source`: the dub
padded or cut to the spot and faded out, the voice-over mixed over the bed and the bed ducked
under it), levelled as a shared track is (`audio.level_into`: a gain, a limiter where needed,
measured by the EBU R128 meter on the file written, corrected) to the `proxy` profile's
target, in its AAC: the sound of the 360p preview video, or for a radio spot (or with
`--no-video`) a sound file of its own, `<spot>.<lang>.preview.m4a`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import (Diagnostic, PipelineError, ValidationError, error, in_file_order,
                             reason_message)
from pipeline.files import index_folder
from pipeline.fingerprint import CACHE_NAME, HashCache
from pipeline.manifest import Language, Manifest, Spot
from pipeline.manifest.input_names import meant_for
from pipeline.media.loudness import Loudness
from pipeline.messages import N_, Items, say
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.audio import audio_source, level_into
from pipeline.render.plan import plan_manifest
from pipeline.render.variants import Selection, VariantPlan

# The sound of a radio spot's preview: the proxy's (AAC 96 kb/s, 48 kHz stereo, -16 LUFS), as
# small as the 360p video and played by every phone and browser.
SOUND_PROFILE = replace(BUILTIN_PROFILES["proxy"], name="preview", fps=None)


@dataclass(frozen=True)
class Recording:
    """A dub or voice-over as its preview needs it: a planned variant of its spot and language
    whose sound can be made (any profile's: before levelling, each has the same sound), the
    cache it was planned with, and what validate says of the recording and its music bed."""

    plan: VariantPlan
    cache: HashCache
    diagnostics: tuple[Diagnostic, ...]

    @property
    def path(self) -> Path:
        return self.plan.audio

    @property
    def radio(self) -> bool:
        """The spot is sound alone: its preview is a sound file."""
        return self.plan.radio

    @property
    def what(self) -> str:
        return N_("dub") if self.plan.variant.language.treatment == "dub" else N_("voice-over")


def plan_recordings(manifest: Manifest, pairs: list[tuple[Spot, Language]], cache: HashCache
                    ) -> dict[tuple[str, str], Recording | PipelineError]:
    """Each (spot, language) of `pairs` (languages with a recording) planned as validate plans
    it: its `Recording`, or the `PipelineError` saying why its sound cannot be made (the
    recording's errors, or what blocks every variant before the recording is read: a master
    that cannot be read, a voice-over's spot with no music bed)."""
    if not pairs:
        return {}
    selection = Selection(spots=tuple(dict.fromkeys(spot.id for spot, _ in pairs)),
                          languages=tuple(dict.fromkeys(language.code for _, language in pairs)))
    plans = plan_manifest(selection.narrowed(manifest), cache)
    found: dict[tuple[str, str], Recording | PipelineError] = {}
    for spot, language in pairs:
        mine = [plan for plan in plans
                if (plan.variant.spot.id, plan.variant.language.code) == (spot.id, language.code)]
        try:
            found[spot.id, language.code] = _recording(manifest, spot, language, mine, cache)
        except PipelineError as exc:
            found[spot.id, language.code] = exc
    return found


def _recording(manifest: Manifest, spot: Spot, language: Language, plans: list[VariantPlan],
               cache: HashCache) -> Recording:
    planned = [plan for plan in plans if plan.status != "skipped"]
    if not planned:
        reasons = Items(tuple(reason_message(reason) for reason in dict.fromkeys(
            reason for plan in plans for reason in plan.reasons)), "; ")
        raise PipelineError(say(N_("no variant of spot %(spot)s is made in %(language)s: "
                                   "%(reasons)s"), spot=repr(spot.id),
                                language=repr(language.code), reasons=reasons),
                            manifest.path, language.line)
    # The files this sound is made from: what validate says of them is the preview's to say.
    # (A subtitle file's problems are found by the preview's own check of it, on its frame.)
    sources = {Path(item["path"]) for plan in planned for role, item in plan.inputs.items()
               if role in ("audio", "music_bed")}
    if language.treatment == "mix" and spot.music_bed is not None:
        sources.add(spot.music_bed)
    own = list(dict.fromkeys(d for plan in planned for d in plan.diagnostics
                             if d.path is not None and Path(d.path) in sources))
    ready = [plan for plan in planned if "audio" in plan.inputs
             and ("music_bed" in plan.inputs or language.treatment != "mix")]
    if ready and not any(d.severity == "error" for d in own):
        return Recording(ready[0], cache, tuple(in_file_order(own, [manifest.path])))
    subtitles = {Path(item["path"]) for plan in planned for role, item in plan.inputs.items()
                 if role == "subtitles"} | set(manifest.subtitle_files(spot, language))
    blocking = [d for plan in planned for d in plan.problems + plan.notes
                if d.severity == "error" and (d.path is None or Path(d.path) not in subtitles)]
    said = in_file_order(dict.fromkeys(blocking + own), [manifest.path])
    if not any(d.severity == "error" for d in said):     # not expected: every plan stopped
        said.append(error(say(N_("the %(language)s recording of spot %(spot)s could not be "
                                 "planned"), language=language.code, spot=repr(spot.id)),
                          manifest.path, language.line,
                          say(N_("run %(command)s on the manifest"),
                              command="pipeline validate")))
    raise ValidationError(said)


def recording_there(manifest: Manifest, spot: Spot, language: Language) -> bool:
    """Whether the spot's audio folder holds a file meant for the language (its recording, or
    one validate reads as a misnamed or split copy of it, and says why)."""
    codes = [known.code for known in manifest.languages]
    return any(meant_for(name, codes) == language.code
               for names in index_folder(manifest.audio_dir / spot.id).values()
               for name in names)


def sound_plan(recording: Recording, profile: Profile) -> VariantPlan:
    """The recording's plan with `profile` (a preview's) in place of its variant's."""
    plan = recording.plan
    return replace(plan, variant=replace(plan.variant, profile=profile))


def write_sound(recording: Recording, profile: Profile, target: Path) -> Loudness:
    """The recording's sound as the render makes it, levelled to `profile`'s target and encoded
    in its audio codec into `target` (an `.m4a` for AAC); its loudness, measured on `target`."""
    plan = sound_plan(recording, profile)
    return level_into(plan, audio_source(plan, recording.cache), recording.cache, target)[0]


def open_cache(manifest: Manifest) -> HashCache:
    """The campaign's hash cache, which validate and render keep (their figures reused)."""
    return HashCache(manifest.output_dir / CACHE_NAME)
