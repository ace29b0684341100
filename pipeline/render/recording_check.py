"""`check` of a translator's recording: what validate would say of it, before it is sent.

A trial's clipped dub, its dub 2 s longer than its spot (an error in validate) and one channel
of a split-mono pair (not used, in validate) were each "0 errors, 0 warnings" in `check`, with
or without `--manifest`: check read the probe alone. Now:

- with a manifest, the spot known from the file's folder (`<audio_dir>/<spot id>/`, or
  `--spot`) and the language from its name (`yua.wav`, or `--lang`), the file gets validate's
  own analysis and rules (`Inputs.recording_diagnostics`: its probe, one decode, the checks
  against the spot's length for every variant the manifest makes of it), through validate's
  hash cache; a file in its spot's folder that validate would not read, its language taken
  from its name, gets what validate says instead (the missing recording's error, or the
  file's "not used" warning);
- without one, or when its spot or language is not the manifest's (said, as a warning), the
  rules that need no spot (`deliveries.check_alone`: silence, clipping, DC offset, the
  channels' order), against the built-in profiles' rate and loudness targets; but a file named
  as one channel of a language's recording split into a mono file per channel (`yua.L.wav`),
  which validate never reads as a recording, gets what validate says of it, from the files
  beside it (`deliveries.find_recording`): its channels to be joined (a trial's `yua.L.wav`
  beside its `yua.R.wav` was "0 errors, 0 warnings" here, the split-mono error in validate),
  its other channels missing, or, `yua.wav` there, itself not used. With `--lang`, the name
  is read for that language: a file validate would not read as its recording (`grabacion.wav`,
  `tzo_final.wav` with `--lang tzo`) is said so, with the name to give it (`tzo.wav`), as
  validate says it of a misnamed file in a spot's folder.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

import langcodes

from pipeline.errors import Diagnostic, PipelineError, error, in_file_order, warning
from pipeline.files import index_folder, special_file
from pipeline.fingerprint import CACHE_NAME, HashCache
from pipeline.manifest import AUDIO_SUFFIXES, Language, Manifest, QcSettings, Spot
from pipeline.manifest.input_names import (Unused, backup_of, channel_code, channel_of, meant_for,
                                           why_unused)
from pipeline.media.probe import MediaInfo, probe_audio
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.deliveries import analyse_delivery, check_alone, check_delivery
from pipeline.render.delivery_files import find_delivery, find_recording
from pipeline.render.inputs import Inputs
from pipeline.render.memo import Blocked
from pipeline.render.sound_input import SoundCheck, heading, probe_findings
from pipeline.render.sound_warnings import dead_air
from pipeline.render.unused_inputs import not_used, unused_inputs
from pipeline.standards import input_unit, loudest
from pipeline.subtitles.in_campaign import no_language

# How the file was checked, the end of its summary.
ALONE = say(N_("checked without its spot (its length against the spot's: by validate, or with "
               "--manifest)"))
CHANNEL = say(N_("checked as validate reads a language's recording from the files in its folder"))
WITHOUT_SPOT = say(N_("checked without its spot"))


def check_recording(path: Path | str, manifest: Manifest | None = None, spot: str | None = None,
                    language: str | None = None, duration: float | None = None) -> SoundCheck:
    """A recording checked as validate checks it in `manifest` (`spot` and `language`: the
    given ones, else its folder's and name's), else without its spot, or, given the spot's
    `duration` (seconds, `check --duration`), against a spot of that length: its length, sound
    past the end and dead air at the end, as validate says them. An unreadable file is an
    error in the result, so the other files of a batch are still checked."""
    path = Path(path)
    if special_file(path):     # ffprobe would wait on a pipe for ever
        # files.NOT_REGULAR's words, in a sentence of their own.
        return SoundCheck(path, (error(say(N_("the recording is not a regular file")), path,
                                       hint=say(N_("name the file itself, not a pipe or a "
                                                   "device"))),))
    try:
        info = probe_audio(path)
    except PipelineError as exc:
        return SoundCheck(path, tuple(exc.diagnostics))
    if manifest is None:
        stem = path.name.partition(".")[0]
        if language is None and backup_of(path.name, AUDIO_SUFFIXES) \
                and langcodes.tag_is_valid(stem):
            language = stem.lower()     # tse.wav.bak: said not read, as any name with --lang
        found, checked = _as_channel(path, language), CHANNEL
        if found is None:
            found = _alone(path, info, N_("recording"), BUILTIN_PROFILES.values(), duration)
            # A trial's --duration 15 was left unread, the summary "checked without its spot".
            checked = ALONE if duration is None else say(
                N_("checked against a spot of %(length)s s (--duration)"),
                length=Number(duration, "g"))
            if language is not None:
                found = _named(path, language) + found
            elif not langcodes.tag_is_valid(stem):
                found = [_no_code(path, stem)] + found
    else:
        found, checked = _in_campaign(path, info, manifest, spot, language)
    return SoundCheck(path, tuple(found), checked=checked, **heading(info))


def _alone(path: Path, info: MediaInfo, what: str, profiles: Iterable[Profile],
           spot_duration: float | None = None) -> list[Diagnostic]:
    """The probe's findings and `check_alone`'s, against `profiles`' highest rate and highest
    target (with a `spot_duration`, `check_delivery`'s against a spot of that length, as
    validate's), and, when one of them is sound alone (the built-in radio ones, without a
    manifest), its dead air as validate says it of a dub aired alone (`dead_air`, against the
    spot's length, else the file's own): one decode, not cached (no manifest names an output
    folder to keep it in)."""
    profiles = tuple(profiles)
    found = probe_findings(path, info, what, profiles)
    try:
        analysis = analyse_delivery(path, info, None)
    except PipelineError as exc:
        return found + exc.diagnostics
    unit = input_unit(profiles)
    found += (check_alone(path, analysis, what, loudest(profiles), unit)
              if spot_duration is None else
              check_delivery(path, info.duration, analysis, spot_duration, QcSettings(), what,
                             loudest(profiles), unit))
    # Beside speech past the spot's end too, as validate says it: a silence at the start may
    # be what makes it too long.
    if any(profile.audio_only for profile in profiles) and not any(
            d.severity == "error" and d.code != "sound-past-end" for d in found):
        found += dead_air(path, analysis, spot_duration, what)
    return found


def _as_channel(path: Path, language: str | None = None) -> list[Diagnostic] | None:
    """What validate says of `path` when its name marks it as one channel of a recording
    split into a mono file per channel (`yua.L.wav`), its language `language` or else taken
    from that name, and its folder as the spot's (`find_recording`'s errors, at the file): the
    join of its channels, or those missing; with the language's one file there, that `path`
    is not used. None for any other name, or one before whose channel is no language code
    (`music_L.wav`: no recording of a language), or not `language`'s."""
    if language is not None:
        code = language.lower() if channel_of(path.name, language.lower(),
                                              AUDIO_SUFFIXES) else None
    else:
        code = channel_code(path.name, AUDIO_SUFFIXES)
    if code is None or not langcodes.tag_is_valid(code):
        return None
    index = index_folder(path.parent)
    try:
        find_recording(path.parent, code, index, [code], path, None)
    except PipelineError as exc:
        return exc.diagnostics
    present = [name for names in index.values() for name in names]
    return [not_used(why_unused(path.name, [code], AUDIO_SUFFIXES, "audio", present), path)]


def _no_code(path: Path, stem: str) -> Diagnostic:
    """The warning that `path`, checked with no language given, is named after none (`stem`,
    its name before the first dot): a trial's "Grabación final.wav" passed as if validate
    would read it."""
    return warning(say(N_("not read as any language's recording: validate reads a language's "
                          "recording from the file named after its code (tzo.wav, yua.flac, "
                          "...), and %(stem)s is no language code"),
                       stem=repr(stem)), path,
                   hint=say(N_("rename it after its language's code in the manifest, or give "
                               "the language with --lang")), code="unused-input")


def _named(path: Path, language: str) -> list[Diagnostic]:
    """The warning that validate would not read `path` as the recording of `language` (given
    with `--lang`, no manifest) in its spot's folder, and the name to give it; none for
    `<code>.<format>`. validate's own reason for a name that starts with the code
    (`why_unused`: `tzo_final.wav`, `TZO.WAV`); for any other (`grabacion.wav`), the rule."""
    code = language.lower()
    present = [name for names in index_folder(path.parent).values() for name in names]
    unused = why_unused(path.name, [code], AUDIO_SUFFIXES, "audio", present)
    if unused is None:
        stem, _, ending = path.name.partition(".")
        if stem == code and f".{ending}".lower() in AUDIO_SUFFIXES:
            return []
        suffix = path.suffix.lower()
        unused = Unused(code, say(N_("validate reads a language's recording from the file named "
                                     "after its code in its spot's folder (%(wav)s, %(flac)s, "
                                     "...)"), wav=f"{code}.wav", flac=f"{code}.flac"),
                        say(N_("rename it to %(name)s"),
                            name=f"{code}{suffix if suffix in AUDIO_SUFFIXES else '.wav'}"))
    return [warning(say(N_("not read as the recording of language %(code)s: %(reason)s"),
                        code=repr(code), reason=unused.why), path,
                    hint=unused.to_do, code="unused-input")]


def _in_campaign(path: Path, info: MediaInfo, manifest: Manifest, spot_id: str | None,
                 code: str | None) -> tuple[list[Diagnostic], Message]:
    """What validate says of the file as its language's recording for its spot, and how it
    was checked; without its spot (`_alone`) when the manifest has not its spot or language,
    or the spot's master cannot be read, with a warning saying so."""
    codes = list(manifest.language_codes())
    given = code
    code = code or meant_for(path.name, codes)
    folder = path.resolve().parent.name
    spot = next((known for known in manifest.spots if known.id == (spot_id or folder)), None)
    # The language's entry for the spot (a language listed twice, burned on the TV spots and
    # dubbed on the radio one); without the spot, the entry that is recorded, if one is.
    entries = manifest.entries_of(code) if code else ()
    language = ((spot and manifest.language_for(spot.id, code))
                or next((known for known in entries if known.needs_audio), None)
                or next(iter(entries), None))
    notes = []
    if language is None:
        notes.append(no_language(manifest, path, code or path.name.partition(".")[0],
                                 WITHOUT_SPOT, "nah.wav"))
    elif not language.needs_audio:
        notes.append(not_voiced(manifest, path, language))
    if spot is None:
        notes.append(_no_spot(manifest, path, folder))
    if notes:
        return notes + _alone(path, info, _what(language), manifest.profiles), WITHOUT_SPOT
    place = manifest.audio_dir / spot.id
    checked = say(N_("checked as validate checks %(code)s's %(what)s for spot %(spot)s"),
                  code=code, what=say(_what(language)), spot=repr(spot.id))
    if given is None and path.resolve().parent == place.resolve():
        # Where validate looks: what it says of this file, or of the file it reads instead
        # (with --lang, the file is checked as that language's, whatever its name).
        try:
            track = find_delivery(manifest, spot, language, index_folder(place))
        except PipelineError as exc:
            return exc.diagnostics, checked
        if track.resolve() != path.resolve():
            return _of(path, unused_inputs(manifest)), checked
    elif given is None:
        present = [name for names in index_folder(path.parent).values() for name in names]
        unused = why_unused(path.name, codes, AUDIO_SUFFIXES, "audio", present)
        if unused is not None:     # said as validate would say it there, and checked all the same
            notes.append(warning(say(N_("not used: %(reason)s (checked as language %(code)s)"),
                                     reason=unused.why, code=repr(code)),
                                 path, hint=unused.to_do, code="unused-input"))
    else:       # --lang: checked as that language's, and told if validate would not read it
        notes.extend(_named(path, code))
    cache = HashCache(manifest.output_dir / CACHE_NAME)
    try:
        found = Inputs(manifest, cache).recording_diagnostics(spot, language, path)
    except Blocked as blocked:     # its master: the media team's, said as the reason
        # Each error said in Spanish where it can be (its detail), else in English.
        why = Items(tuple(d.detail or d.message for d in blocked.diagnostics
                          if d.severity == "error"), "; ")
        return [_no_master(path, spot, why)] + _alone(path, info, _what(language),
                                                      manifest.profiles), WITHOUT_SPOT
    finally:
        cache.save()
    return notes + _of(path, found), checked


def _of(path: Path, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Those of `diagnostics` at the file `path` names, named as it was typed, in validate's
    order (its errors first: planning says them after the file's warnings)."""
    return in_file_order(replace(d, path=path) for d in diagnostics
                         if d.path is not None and Path(d.path).resolve() == path.resolve())


def _what(language: Language | None) -> str:
    """The recording as validate names it: the language's dub or voice-over."""
    if language is None or not language.needs_audio:
        return N_("recording")
    return N_("dub") if language.treatment == "dub" else N_("voice-over")


def not_voiced(manifest: Manifest, path: Path, language: Language, alone: bool = True
               ) -> Diagnostic:
    """The warning that `language` takes no recording in `manifest`, of its recording `path`;
    `alone`: said with check's "checked without its spot" (else as watch says it of a
    recording just saved: a trial's was followed by "up to date" and nothing else)."""
    # The treatment, a manifest's keyword, as the manifest writes it.
    said = say(N_("language %(code)s has treatment '%(treatment)s' in %(manifest)s: its "
                  "variants carry the master's sound, and no variant uses this recording"),
               code=repr(language.code), treatment=language.treatment,
               manifest=manifest.path.name)
    return warning(say(N_("%(said)s; %(checked)s"), said=said, checked=WITHOUT_SPOT)
                   if alone else said, path,
                   hint=say(N_("for a dubbed version, the language's treatment is 'dub' (or "
                               "'mix' for a voice-over on the music bed)")), code="unused-input")


def _no_spot(manifest: Manifest, path: Path, folder: str) -> Diagnostic:
    ids = ", ".join(known.id for known in manifest.spots)
    return warning(say(N_("its folder, %(folder)s, is no spot of %(manifest)s (spots: %(ids)s): "
                          "its length is not checked against a spot's"),
                       folder=repr(folder), manifest=manifest.path.name, ids=ids), path,
                   hint=say(N_("keep the file in the folder named after its spot's id, "
                               "%(folder)s/<spot id>/, or name the spot with --spot ID"),
                            folder=str(manifest.audio_dir)),
                   code="no-master")


def _no_master(path: Path, spot: Spot, why: Items) -> Diagnostic:
    return warning(say(N_("the master of spot %(spot)s cannot be read (%(why)s): its length is "
                          "not known, so the recording's is not checked against it"),
                       spot=repr(spot.id), why=why), path,
                   hint=say(N_("run pipeline validate on the manifest for the master's problem")),
                   code="no-master")
