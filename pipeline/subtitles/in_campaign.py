"""A subtitle file checked as a campaign's manifest would render it (`check --manifest`,
`watch`): its language's thresholds and style, its spot's real length and frame rate, and a
warning for each of these the file could not be matched to, since a check that silently
falls back to defaults passes a cue an hour late (a file outside `subtitles/<spot id>/`, a
master not there yet, a language the manifest does not have).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import langcodes

from pipeline.errors import Diagnostic, PipelineError, SubtitleError, warning
from pipeline.files import index_folder
from pipeline.manifest import SUBTITLE_SUFFIXES, Language, Manifest, Spot, load_manifest
from pipeline.manifest.load import InvalidManifest
from pipeline.manifest.model import Concern
from pipeline.manifest.input_names import Unused, why_unused
from pipeline.media.geometry import geometry_of
from pipeline.media.probe import MediaInfo, probe_master
from pipeline.media.programme import programme_of
from pipeline.messages import N_, Message, say
from pipeline.subtitles.title_safe import burned_frames


def campaign_for(manifest_path: Path, paths: Iterable[Path], language: str | None = None,
                 spot: str | None = None) -> tuple[Manifest, dict[Diagnostic, set[Concern]]]:
    """The manifest `check --manifest` reads the files through, with the errors it has in
    entries of other spots and languages than the files' (of `spot` and `language`, else of
    their folders and names): those do not stop a translator's check of hers, and are
    returned apart. Raises the manifest's error when one is the files' own, a profile's (its
    frame is every burned file's) or the whole manifest's."""
    try:
        return load_manifest(manifest_path), {}
    except InvalidManifest as exc:
        paths = [Path(path) for path in paths]
        theirs = {("language", code) for code in ([language] if language
                                                  else [p.stem.lower() for p in paths])}
        theirs |= {("spot", name) for name in ([spot] if spot
                                               else [p.resolve().parent.name for p in paths])}
        others = {d: {exc.concerns[d]} for d in exc.diagnostics if d in exc.concerns
                  and exc.concerns[d][0] != "profile" and exc.concerns[d] not in theirs}
        if len(others) < len(exc.diagnostics):
            raise
        return exc.manifest, others


def manifest_settings(manifest: Manifest, path: Path, language: str | None = None,
                      master: MediaInfo | None = None, spot: str | None = None,
                      burned: bool = False) -> dict:
    """`check_file`'s keyword arguments for `path` as `manifest` would render it, with `notes`,
    the warnings of what could not be matched; `burned`: as if its language were burned
    (`check --font`), on every video profile's frame.

    The language is `language`, else the file's name (`nah.vtt`; a name no variant reads but
    meant for a language of the manifest, `NAH.SRT` or `nah-v2.srt`, that language, with a
    warning saying why it is not read); the spot is `spot` (an id the manifest has), else the
    file's folder (`subtitles/<spot id>/`), whose master (`master` when already probed) gives
    the real duration and frame rate, and its own start timecode (a file timed to it is read
    from there).
    """
    path = Path(path)
    folder = path.resolve().parent.name
    found = next((s for s in manifest.spots if s.id == (spot or folder)), None)
    # The entry of the language for this spot: a language listed twice is burned on the TV
    # spots and dubbed on the radio one, each entry with its `spots:`.
    languages = {code: _entry_for(manifest, found, code) for code in manifest.language_codes()}
    code = language or path.stem
    lang = languages.get(code)
    # `TZO.SRT`, `mix-v2.srt`: said as `validate` says it, not as a language the manifest
    # lacks beside a list naming it, and checked as its language's file.
    unused = None if lang or language else why_unused(
        path.name, languages, SUBTITLE_SUFFIXES, "subtitle",
        [name for names in index_folder(path.parent).values() for name in names])
    if unused is not None:
        code, lang = unused.code, languages[unused.code]
    settings: dict = {"qc": lang.qc if lang else manifest.qc,
                      "style": lang.style if lang else manifest.style,
                      "burned": burned or lang is None or manifest.burns(lang),
                      "language": code}
    if unused is not None:
        notes = [_unused(path, unused)]
    else:
        notes = [] if lang else [no_language(manifest, path, code)]
    if found is not None and lang is not None:
        notes += _one_of_several(manifest, path, found, lang)
    if found is None:
        notes.append(_no_spot(manifest, path, folder))
    elif master is None:
        try:
            master = probe_master(found.master) if found.master.exists() else None
        except PipelineError as exc:
            notes.append(_no_length(path, say(N_("the master of spot %(spot)s, %(master)s, "
                                                 "cannot be read (%(reason)s)"),
                                              spot=repr(found.id), master=str(found.master),
                                              reason=exc.said_message)))
        else:
            if master is None:
                # Said by watch too, which has no --duration (a trial's fresh clone).
                notes.append(_no_length(path, say(N_("the master of spot %(spot)s, %(master)s, "
                                                     "is not there"), spot=repr(found.id),
                                                  master=str(found.master)),
                                        say(N_("put the master there (every variant of the "
                                               "spot needs it); until then, `pipeline check` "
                                               "takes the video's length as --duration "
                                               "SECONDS"))))
            else:
                master = _programme(manifest, found, master, path, notes)
    # Fitted on every frame the spot's variants burn it into, as validate fits it: the
    # phone's portrait master turns `messaging` to 720x1280, whose em is the width.
    # A 4:3 master's 16:9 frames give it the title-safe width of its picture between bars.
    geometry = None
    if master is not None and master.video is not None:
        geometry = geometry_of(master.video, found.crop if found else None)
    settings["frames"] = burned_frames(manifest.profiles, geometry,
                                       lang.treatment if lang and not burned else "burn")
    settings["tracked"] = bool(lang) and manifest.tracks(lang)
    if master is not None:
        settings["duration"] = master.duration
        settings["fps"] = master.video.fps if master.video else None
        settings["timecode"] = master.timecode
    settings["notes"] = tuple(notes)
    return settings


def _entry_for(manifest: Manifest, spot: Spot | None, code: str) -> Language:
    """The entry of language `code` made for `spot`, else (no spot, or one it is not made for)
    its first entry."""
    return (spot and manifest.language_for(spot.id, code)) or manifest.entries_of(code)[0]


def _one_of_several(manifest: Manifest, path: Path, spot: Spot, language: Language
                    ) -> list[Diagnostic]:
    """validate's error of a language with several subtitle files for the spot (a translator's
    new mix.ass beside the old mix.srt) when `path` is one of them: which one is rendered
    cannot be guessed, so neither is (Manifest.subtitle_path)."""
    files = manifest.subtitle_files(spot, language)
    if len(files) < 2 or path.resolve() not in {file.resolve() for file in files}:
        return []
    try:
        manifest.subtitle_path(spot, language)
    except SubtitleError as exc:
        return list(exc.diagnostics)
    return []


def _unused(path: Path, unused: Unused) -> Diagnostic:
    return warning(say(N_("not used: %(reason)s (checked as language %(code)s)"),
                       reason=unused.why, code=repr(unused.code)), path, hint=unused.to_do,
                   code="unused-input")


def no_language(manifest: Manifest, path: Path, code: str,
                checked: Message = say(N_("checked with the campaign's own settings")),
                example: str = "nah.srt") -> Diagnostic:
    """The warning that `check --manifest` found no language `code` in the manifest for the
    file at `path`, and how it was `checked` instead (`example`: a file named as it should)."""
    codes = ", ".join(manifest.language_codes())
    figures = dict(manifest=manifest.path.name, codes=codes, checked=checked)
    # A name that is no language code at all (a trial's grabacion_final.wav was "language
    # 'grabacion_final'") is said as a name.
    said = (say(N_("language %(code)s is not in %(manifest)s (languages: %(codes)s): no variant "
                   "uses this file; %(checked)s"), code=repr(code), **figures)
            if langcodes.tag_is_valid(code) else
            say(N_("the file's name, %(name)s, names no language of %(manifest)s (languages: "
                   "%(codes)s): no variant uses this file; %(checked)s"), name=path.name,
                **figures))
    return warning(said, path,
                   hint=say(N_("name the file after its language's code in the manifest, in "
                               "lower case (%(example)s), or give it with --lang"),
                            example=example), code="no-language")


def _no_spot(manifest: Manifest, path: Path, folder: str) -> Diagnostic:
    ids = ", ".join(spot.id for spot in manifest.spots)
    return _no_length(path, say(N_("its folder, %(folder)s, is no spot of %(manifest)s (spots: "
                                   "%(ids)s)"), folder=repr(folder),
                                manifest=manifest.path.name, ids=ids),
                      say(N_("keep the file in the folder named after its spot's id, "
                             "%(folder)s/<spot id>/, or name the spot with --spot ID (or give "
                             "--duration SECONDS)"), folder=str(manifest.subtitles_dir)))


def _programme(manifest: Manifest, spot: Spot, master: MediaInfo, path: Path,
               notes: list[Diagnostic]) -> MediaInfo | None:
    """The probed `master` seen from the spot's `programme_start`, as validate sees it (its
    length and its first frame's timecode the programme's: a trial's check read a file timed
    to the programme from the bars' first frame); None, with a note, when it has no such
    frame (validate's error on the manifest)."""
    try:
        return programme_of(manifest, spot, master)
    except PipelineError as exc:
        notes.append(_no_length(path, say(N_("the programme_start of spot %(spot)s cannot be "
                                             "used (%(reason)s)"), spot=repr(spot.id),
                                          reason=exc.said_message)))
        return None


def _no_length(path: Path, why: Message,
               hint: Message = say(N_("give the video's length with --duration SECONDS"))
               ) -> Diagnostic:
    return warning(say(N_("%(why)s: the video's length and frame rate are not known, so cues "
                          "after its end are not found"), why=why), path, hint=hint,
                   code="no-master")
