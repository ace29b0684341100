"""A preview a translator can look at and listen to, without a full render: a contact sheet
with the first frame of every cue, subtitles burned as they will air (`render/contact_sheet.py`),
a specimen of every character of the file (`render/specimen.py`), and a 360p proxy video, its
cues on the master's frames as the render has them (`subtitle_input.as_rendered`), carrying a
dub's or a voice-over's sound as the render makes it (`render/preview_sound.py`); of a radio
spot's dub or voice-over, that sound alone, in a small file every player plays.

The proxy (render/preview_video.py) is one decode, scaled to 360 lines and encoded with x264
`veryfast`, while the sheet is made beside it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable


from pipeline.errors import (
    CommandLineError,
    Diagnostic,
    PipelineError,
    in_file_order,
    raise_if_errors,
)
from pipeline.files import index_folder, work_folder
from pipeline.messages import N_, Items, Message, say
from pipeline.manifest import Language, Manifest, Spot, load_manifest
from pipeline.media.conform import Master, examine
from pipeline.media.ffmpeg import stop_jobs
from pipeline.media.loudness import Loudness
from pipeline.media.probe import probe_video
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.contact_sheet import write_sheet
from pipeline.render.delivery_files import find_delivery
from pipeline.media.programme import programme_of
from pipeline.render.preview_sound import (SOUND_PROFILE, Recording, open_cache, plan_recordings,
                                           recording_there, write_sound)
from pipeline.render.preview_video import Burned, write_proxy
from pipeline.render.specimen import label_font, write_specimen
from pipeline.render.subtitle_input import as_rendered
from pipeline.render.variants import PreviewPaths, UnknownSelection, preview_paths
from pipeline.subtitles.burn import ass_fontsdir
from pipeline.subtitles.file_styles import style_fonts, style_glyphs
from pipeline.subtitles.file_times import in_file_syntax
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.off_grid import off_grid_times
from pipeline.subtitles.qc import check_cues, check_fit
from pipeline.subtitles.title_safe import burned_frame




@dataclass(frozen=True)
class Preview:
    """What was made of one spot and language: the sheet and specimen of its subtitles (None
    without a subtitle file), the proxy video, and of a dub or voice-over its `recording`, the
    sound file made of it (a radio spot's, or with --no-video) and the `loudness` the meter
    measured on the file that carries it."""

    spot: str
    language: str
    sheet: Path | None
    proxy: Path | None
    specimen: Path | None
    cues: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()
    profile: Profile | None = None      # whose frame the picture (and subtitles) was laid out on
    recording: Recording | None = None
    sound: Path | None = None
    loudness: Loudness | None = None
    # An earlier preview's files this one does not make again (its video, before --no-video):
    # removed, as they showed the file as it was.
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class NotMade:
    """A spot and language whose preview could not be made: the `error` that kept it from
    being made, and the files of an earlier preview that were `removed` so that none is
    taken for this one."""

    spot: str
    language: str
    error: PipelineError
    removed: tuple[Path, ...] = ()


# --- choosing what to preview ---------------------------------------------------------------

def make_previews(manifest_path: Path | str, *, languages: tuple[str, ...] = (),
                  spots: tuple[str, ...] = (), profile: str | None = None,
                  video: bool = True, words: Callable[[Message], str] = str
                  ) -> list[Preview | NotMade]:
    """Previews of every selected spot and language that has a subtitle file or a recording (a
    dub, a voice-over), in order: each a `Preview`, or `NotMade` (one file's error never keeps
    the others' previews from being made and shown). A preview not made leaves no earlier one
    of its spot and language: that showed an older file, or settings since changed, and under
    the usual names a translator would take it for the file as it is now.

    Languages and spots not named are all taken; at least one of them should be named. `words`
    says what the pictures write in words (the specimen's titles) in the reviewer's language.
    Raises `PipelineError` when nothing can be previewed (a name not in the manifest, no file).
    """
    manifest = load_manifest(manifest_path)
    chosen_languages = _select(manifest, manifest.languages, languages, "--lang", "language", "code")
    chosen_spots = _select(manifest, manifest.spots, spots, "--spot", "spot", "id")
    named = _profile(manifest, profile) if profile else None     # a usage error before any work
    # Of a language listed twice (burned on the TV spots, dubbed on the radio one), each
    # spot's own entry.
    combinations = [(spot, language) for spot in chosen_spots
                    for language in manifest.languages_of(spot.id) if language in chosen_languages]
    pairs = [(spot, language) for spot, language in combinations
             if manifest.subtitle_files(spot, language)
             or (language.needs_audio and recording_there(manifest, spot, language))]
    if not pairs:
        # Why each language has nothing to preview, as `validate` says it: what is in its
        # folder instead (`nah.srt.txt (SubRip under another name: ...)`), at its manifest line.
        raise_if_errors(d for spot, language in combinations
                        for d in _missing(manifest, spot, language))
        raise PipelineError(say(N_("no language chosen has subtitles or a recording: preview "
                                   "shows a burn or soft language's subtitles, a dub or a "
                                   "voice-over")),
                            manifest.path, hint=say(N_("choose a language with --lang")))
    cache = open_cache(manifest)
    try:
        recordings = plan_recordings(manifest, [(spot, language) for spot, language in pairs
                                                if language.needs_audio], cache)
        made: list[Preview | NotMade] = []
        for spot, language in pairs:
            try:
                made.append(preview(manifest, spot, language, named, video=video,
                                    recording=recordings.get((spot.id, language.code)),
                                    words=words))
            except PipelineError as exc:
                made.append(NotMade(spot.id, language.code, exc,
                                    _remove(preview_paths(manifest, spot, language))))
    finally:
        cache.save()
    return made


def _missing(manifest: Manifest, spot: Spot, language: Language) -> list[Diagnostic]:
    """The error of the language's missing file for the spot, as validate says it."""
    try:
        if language.needs_subtitles:
            manifest.subtitle_path(spot, language)
        else:
            find_delivery(manifest, spot, language, index_folder(manifest.audio_dir / spot.id))
    except PipelineError as exc:
        return exc.diagnostics
    return []


def _remove(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """Delete those of `paths` that exist (outputs of an earlier preview); the ones deleted."""
    removed = []
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return tuple(removed)


def _select(manifest: Manifest, items, wanted: tuple[str, ...], option: str, what: str, key: str):
    known = {getattr(item, key): item for item in items}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UnknownSelection([(option, what, unknown, list(known))], str(manifest.path))
    # Every entry of a name: a language listed twice is one language of two entries.
    return ([item for name in dict.fromkeys(wanted) for item in items
             if getattr(item, key) == name] if wanted else list(items))


def _profile(manifest: Manifest, name: str) -> Profile:
    """The profile `--profile` names: the manifest's, or a built-in one."""
    found = next((p for p in manifest.profiles if p.name == name), BUILTIN_PROFILES.get(name))
    if found is not None and found.medium != "video":
        raise CommandLineError(say(N_("%(option)s: an audio-only profile; subtitles are laid "
                                      "out on a video profile's frame"),
                                   option=f"--profile {name}"), "--profile",
                               hint=say(N_("name a video profile, e.g. %(profile)s"),
                                        profile=BUILTIN_PROFILES["web"].name))
    if found is not None:
        return found
    raise CommandLineError(say(N_("%(option)s: no profile of that name in %(manifest)s, nor "
                                  "built in"), option=f"--profile {name}",
                               manifest=str(manifest.path)), "--profile",
                           hint=say(N_("profiles there: %(profiles)s"),
                                    profiles=Items(tuple(p.name for p in manifest.profiles))))


def preview_frame(manifest: Manifest, master: Master, named: Profile | None = None) -> Profile:
    """The frame a spot's subtitles are laid out on: the `named` profile, else the first of the
    manifest's video profiles whose frame is portrait for this master (`vertical`, or
    `messaging` on a phone's portrait video, whose frame turns: profiles.oriented), else its
    first video profile. Each turned as its variants of this master are.

    A portrait frame is where burned text is most likely to wrap (fewest ems across): shown the
    landscape one, a translator never saw a line of the portrait variant drawn on three."""
    aspect = float(master.geometry.display_aspect)
    if named is not None:
        return named.oriented(aspect)
    frames = [p.oriented(aspect) for p in manifest.profiles if p.medium == "video"]
    return next((p for p in frames if p.height > p.width), frames[0] if frames
                else BUILTIN_PROFILES["web"])


# --- one preview ------------------------------------------------------------------------------

def preview(manifest: Manifest, spot: Spot, language: Language, named: Profile | None = None, *,
            video: bool = True, recording: Recording | PipelineError | None = None,
            words: Callable[[Message], str] = str) -> Preview:
    """Write the sheet and specimen of a language's subtitles (if it has a file), and the proxy,
    on the frame of the `named` profile or the one `preview_frame` chooses, carrying the sound
    of its `recording` (a dub's or voice-over's, planned by `plan_recordings`: the error that
    keeps it from being made, if any) or else the master's; of a radio spot's recording, or
    without `video`, its sound alone. Raise if a file cannot air."""
    started = time.monotonic()
    paths = preview_paths(manifest, spot, language)
    subtitled = language.needs_subtitles or bool(manifest.subtitle_files(spot, language))
    if isinstance(recording, PipelineError) and not subtitled:
        raise recording
    if isinstance(recording, Recording) and recording.radio:
        loudness = write_sound(recording, SOUND_PROFILE, paths.sound)
        return Preview(spot.id, language.code, None, None, None, 0, time.monotonic() - started,
                       recording.diagnostics, recording=recording, sound=paths.sound,
                       loudness=loudness, removed=_others(paths, paths.sound))
    master = _examined(manifest, spot)
    profile = preview_frame(manifest, master, named)
    # A recording's warnings (or the errors that keep its sound from being made), with the
    # subtitle file's.
    found = [] if recording is None else list(recording.diagnostics)
    burned = None
    if subtitled:
        burned, checked = _checked_subtitles(manifest, spot, language, master, profile)
        found += checked
    found = in_file_order(found, [manifest.path])
    raise_if_errors(found)
    sound = recording if isinstance(recording, Recording) else None
    measured: list[Loudness] = []
    with work_folder("preview") as workdir:
        work = Path(workdir)
        jobs = []
        fontsdir = None
        if burned is not None:
            fontsdir = ass_fontsdir(burned.font, work, label_font(burned.font),
                                    *(chosen.font for chosen in burned.own_styles.values()))
            jobs += [lambda: write_sheet(master, burned.cues, burned.shown, language, burned.font,
                                         profile, work, fontsdir, paths.sheet, burned.own_styles,
                                         burned.subtitles.format, burned.subtitles.notation,
                                         burned.subtitles.origin, words),
                     lambda: write_specimen(burned.cues, language, burned.font, profile, work,
                                            fontsdir, paths.specimen, burned.own_styles, words)]
        if video:
            jobs.append(lambda: measured.append(write_proxy(
                master, profile, work, paths.proxy, language, burned, fontsdir, sound)))
        elif sound is not None:
            jobs.append(lambda: measured.append(write_sound(sound, SOUND_PROFILE, paths.sound)))
        # Side by side: the sheet's seeks and the one-frame specimen finish while the proxy encodes.
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="preview") as pool:
            futures = [pool.submit(job) for job in jobs]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:
                stop_jobs(futures)
                raise
    made = Preview(spot.id, language.code, paths.sheet if burned else None,
                   paths.proxy if video else None, paths.specimen if burned else None,
                   len(burned.cues) if burned else 0, time.monotonic() - started, tuple(found),
                   profile, sound, None if video or sound is None else paths.sound,
                   next((loudness for loudness in measured if loudness is not None), None))
    return replace(made, removed=_others(paths, made.sheet, made.proxy, made.specimen,
                                         made.sound))


def _others(paths: PreviewPaths, *made: Path | None) -> tuple[Path, ...]:
    """The files of an earlier preview among `paths` that this one did not write, removed."""
    return _remove(tuple(path for path in paths if path not in made))


def _examined(manifest: Manifest, spot: Spot) -> Master:
    """The spot's master as the conform step sees it; its error at the spot's line."""
    if not spot.master.exists():
        raise PipelineError(say(N_("master of spot %(spot)s not found: %(master)s"),
                                spot=repr(spot.id), master=str(spot.master)), manifest.path,
                            spot.line)
    try:
        return examine(programme_of(manifest, spot, probe_video(spot.master)), spot.audio,
                       spot.crop)
    except PipelineError as exc:
        if exc.path is not None:
            raise
        raise PipelineError(exc.said_message, manifest.path, exc.line or spot.line,
                            exc.said_hint) from None


def _checked_subtitles(manifest: Manifest, spot: Spot, language: Language, master: Master,
                       profile: Profile) -> tuple[Burned, list[Diagnostic]]:
    """The language's subtitle file read and checked for the master and the `profile`'s frame,
    and what the checks found."""
    path = manifest.subtitle_path(spot, language)
    subtitles = read_subtitles(path, duration=master.info.duration,
                               fps=master.info.video.fps,
                               style=language.style,
                               burned=manifest.burns(language),
                               timecode=master.info.timecode)
    font = resolve_font(language.style.font)
    own_styles = style_fonts(subtitles, font.family) if language.style.from_file else {}
    cues = list(subtitles.cues)
    # Line by line, as `check` says them: the reader's, the glyphs', the QC's and the frame
    # grid's together, errors and warnings alike (a trial's translator, shown the reader's
    # three errors alone, fixed them and was then stopped by the QC's fourth).
    # The fit on the profile's frame, in a pillarboxed picture's own title-safe width.
    fit = check_fit(cues, path, qc=language.qc, style=language.style, font=font,
                    frames=[burned_frame(profile, master.geometry)], file_styles=own_styles)
    found = [*subtitles.diagnostics, *style_glyphs(cues, own_styles, font, path),
             *in_file_syntax(sorted(check_cues(
                 cues, path, qc=language.qc, fps=master.info.video.fps, style=None, font=None,
                 fmt=subtitles.format, language=language.code) + fit,
                 key=lambda d: d.line or 0) +
                 off_grid_times(cues, path, master.info.video.fps, fmt=subtitles.format,
                                notation=subtitles.notation, qc=language.qc), subtitles.format,
                 subtitles.origin, subtitles.notation,
                 FrameGrid.at(master.info.video.fps, subtitles.format))]
    # Burned as the render burns them: on the master's frames, a cue on no frame left out (an
    # Aegisub file at 29.97 fps was burned here by the nearest frames, one frame early).
    shown = list(as_rendered(cues, subtitles.format, master.info))
    return Burned(subtitles, cues, shown, font, own_styles), found
