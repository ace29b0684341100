"""Files in a spot's subtitles or audio folder that no language of the manifest will use: the
inputs' side of `render/strays.py` (the output folder's). A translator who saves `TZO.SRT`,
`mix-v2.srt` or `nah.srt.bak` is told at once, by `validate`, `plan` and `render`, rather than
finding the variant unchanged.

A warning per file, with the reason (manifest/input_names.py); never an error: a backup or a
file for a later campaign may be there on purpose. Only the folders of the manifest's spots are
looked at, and, as `files.index_folder` lists them, plain files not hidden. Only names no
manifest can use are said (a capital, a backup's or a version's name, a format not read): a
file of a language this manifest lacks, or a recording of a language it burns, may be another
manifest's sharing the folder (the demo's TV manifest takes 6 of the web manifest's 21
languages), and `check --manifest` says when a translator's file is of no language of the
manifest, or says this of it when it has such a name.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, warning
from pipeline.files import index_folder
from pipeline.manifest import AUDIO_SUFFIXES, SUBTITLE_SUFFIXES, Manifest
from pipeline.manifest.input_names import Unused, why_unused
from pipeline.messages import N_, say


def unused_inputs(manifest: Manifest) -> list[Diagnostic]:
    """`unused_by_spot`'s warnings, every spot's."""
    return [found for said in unused_by_spot(manifest).values() for found in said]


def unused_by_spot(manifest: Manifest) -> dict[str, list[Diagnostic]]:
    """{spot id: a warning for each file in the spot's subtitles or audio folder that no
    variant uses}, but for a subtitled language's file in a format not read when it has no
    other, and for a dubbed or voiced-over language's misnamed files when it has no recording:
    the error that its subtitles (`Manifest.subtitle_path`) or recording
    (`deliveries.find_delivery`) are missing names those files, once, with what to do
    (`tzo.L.wav` and `tzo.R.wav`: join them). A command given other spots (`--spot`) leaves a
    spot's out with it."""
    codes = set(manifest.language_codes())
    pictured = any(not profile.audio_only for profile in manifest.profiles)
    by_spot: dict[str, list[Diagnostic]] = {}
    for spot in manifest.spots:
        found = by_spot.setdefault(spot.id, [])
        # A language listed twice is its spot's entry here: voiced on the radio spot,
        # subtitled on the TV spots.
        entries = [language for language in manifest.languages if language.made_for(spot.id)
                   or manifest.language_for(spot.id, language.code) is None]
        voiced = {language.code for language in entries if language.needs_audio}
        subtitled = {language.code for language in entries
                     if language.needs_subtitles and pictured}
        for folder, suffixes, kind in ((manifest.subtitles_dir / spot.id, SUBTITLE_SUFFIXES,
                                        "subtitle"),
                                       (manifest.audio_dir / spot.id, AUDIO_SUFFIXES, "audio")):
            present = {name for names in index_folder(folder).values() for name in names}
            for name in sorted(present):
                unused = why_unused(name, codes, suffixes, kind, present)
                stem = name.partition(".")[0]
                if kind == "subtitle" and stem in subtitled and not any(
                        f"{stem}{suffix}" in present for suffix in suffixes):
                    continue
                if kind == "audio" and unused is not None and unused.code in voiced and not any(
                        f"{unused.code}{suffix}" in present for suffix in suffixes):
                    continue
                if unused is not None:
                    found.append(not_used(unused, folder / name))
    return by_spot


def not_used(unused: Unused, path: Path) -> Diagnostic:
    """The warning that no variant uses the file at `path`, and why."""
    return warning(say(N_("not used: %(reason)s"), reason=unused.why), path, hint=unused.to_do,
                   code="unused-input")
