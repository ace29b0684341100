"""A preview a translator can look at, without a full render: a contact sheet with the first
frame of every cue, subtitles burned as they will air (`render/contact_sheet.py`), a specimen of
every character of the file (`render/specimen.py`), and a 360p proxy video, its cues on the
master's frames as the render has them (`subtitle_input.as_rendered`).

The proxy is one decode, scaled to 360 lines and encoded with x264 `veryfast`, while the sheet
is made beside it.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import ffmpeg

from pipeline.errors import (
    CommandLineError,
    Diagnostic,
    PipelineError,
    RenderError,
    in_file_order,
    raise_if_errors,
)
from pipeline.files import atomic_output
from pipeline.manifest import Language, Manifest, Spot, load_manifest
from pipeline.media.conform import Master, examine, master_picture, master_sound
from pipeline.media.ffmpeg import stop_jobs
from pipeline.media.probe import probe, probe_video
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.audio import audio_encoder_args
from pipeline.render.contact_sheet import even, run_graph, write_sheet
from pipeline.render.encoders import container_args, video_encoder_args
from pipeline.render.specimen import label_font, write_specimen
from pipeline.render.subtitle_input import as_rendered
from pipeline.render.variants import UnknownSelection
from pipeline.subtitles.burn import (
    StyleFont,
    ass_fontsdir,
    burn_in,
    style_fonts,
    style_glyphs,
    write_ass,
)
from pipeline.subtitles.fonts import Font, resolve_font
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.model import Cue, in_file_syntax
from pipeline.subtitles.off_grid import off_grid_times
from pipeline.subtitles.qc import check_cues

PROXY_LINES = 360     # the proxy's shorter side


@dataclass(frozen=True)
class Preview:
    spot: str
    language: str
    sheet: Path
    proxy: Path | None
    specimen: Path
    cues: int
    seconds: float
    warnings: tuple[Diagnostic, ...] = ()
    profile: Profile | None = None      # whose frame the subtitles were laid out on


@dataclass(frozen=True)
class NotMade:
    """A spot and language whose preview could not be made: the `error` that kept it from
    being made, and the files of an earlier preview that were `removed` so that none is
    taken for this one."""

    spot: str
    language: str
    error: PipelineError
    removed: tuple[Path, ...] = ()


def preview_paths(manifest: Manifest, spot: Spot, language: Language) -> tuple[Path, Path, Path]:
    """Where the sheet, the proxy and the specimen go: beside the spot's variants."""
    folder = manifest.campaign_dir / spot.id
    stem = f"{spot.id}.{language.code}"
    return (folder / f"{stem}.preview.png", folder / f"{stem}.preview.mp4",
            folder / f"{stem}.specimen.png")


def proxy_profile(profile: Profile) -> Profile:
    """The built-in `proxy` settings on a frame of the profile's shape, 360 lines on its short side."""
    if profile.width >= profile.height:
        width, height = even(PROXY_LINES * profile.width / profile.height), PROXY_LINES
    else:
        width, height = PROXY_LINES, even(PROXY_LINES * profile.height / profile.width)
    return replace(BUILTIN_PROFILES["proxy"], name="preview", width=width, height=height,
                   fit=profile.fit, fps=None)


# --- choosing what to preview ---------------------------------------------------------------

def make_previews(manifest_path: Path | str, *, languages: tuple[str, ...] = (),
                  spots: tuple[str, ...] = (), profile: str | None = None,
                  video: bool = True) -> list[Preview | NotMade]:
    """Previews of every selected spot and language that has a subtitle file, in order: each a
    `Preview`, or `NotMade` (one file's error never keeps the others' previews from being made
    and shown). A preview not made leaves no earlier one of its spot and language: that showed
    an older file, or settings since changed, and under the usual names a translator would take
    it for the file as it is now.

    Languages and spots not named are all taken; at least one of them should be named.
    Raises `PipelineError` when nothing can be previewed (a name not in the manifest, no file).
    """
    manifest = load_manifest(manifest_path)
    chosen_languages = _select(manifest, manifest.languages, languages, "--lang", "language", "code")
    chosen_spots = _select(manifest, manifest.spots, spots, "--spot", "spot", "id")
    named = _profile(manifest, profile) if profile else None     # a usage error before any work
    pairs = [(spot, language) for spot in chosen_spots for language in chosen_languages
             if manifest.subtitle_files(spot, language)]
    if not pairs:
        # Why each subtitled language has none, as `validate` says it: what is in its folder
        # instead (`nah.srt.txt (SubRip under another name: ...)`), at its manifest line.
        missing = []
        for spot, language in ((s, l) for s in chosen_spots for l in chosen_languages
                               if l.needs_subtitles):
            try:
                manifest.subtitle_path(spot, language)
            except PipelineError as exc:
                missing += exc.diagnostics
        raise_if_errors(missing)
        raise PipelineError("no language chosen has subtitles: preview shows subtitles",
                            manifest.path, hint="choose a burn or soft language with --lang")
    made: list[Preview | NotMade] = []
    for spot, language in pairs:
        try:
            made.append(preview(manifest, spot, language, named, video=video))
        except PipelineError as exc:
            made.append(NotMade(spot.id, language.code, exc,
                                _remove(preview_paths(manifest, spot, language))))
    return made


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
    return [known[name] for name in wanted] if wanted else list(items)


def _profile(manifest: Manifest, name: str) -> Profile:
    """The profile `--profile` names: the manifest's, or a built-in one."""
    found = next((p for p in manifest.profiles if p.name == name), BUILTIN_PROFILES.get(name))
    if found is not None and found.medium != "video":
        raise CommandLineError(f"--profile {name}: an audio-only profile; subtitles are laid out "
                               "on a video profile's frame", "--profile",
                               hint=f"name a video profile, e.g. {BUILTIN_PROFILES['web'].name}")
    if found is not None:
        return found
    raise CommandLineError(f"--profile {name}: no profile of that name in {manifest.path}, nor "
                           "built in", "--profile",
                           hint=f"profiles there: {', '.join(p.name for p in manifest.profiles)}")


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
            video: bool = True) -> Preview:
    """Write the sheet (and the proxy) of one spot and language, on the frame of the `named`
    profile or the one `preview_frame` chooses; raise if the file cannot air."""
    started = time.monotonic()
    if not spot.master.exists():
        raise PipelineError(f"master of spot {spot.id!r} not found: {spot.master}", manifest.path,
                            spot.line)
    try:
        master = examine(probe_video(spot.master), spot.audio, spot.crop)
    except PipelineError as exc:
        if exc.path is not None:
            raise
        raise PipelineError(exc.message, manifest.path, exc.line or spot.line, exc.hint) from None
    profile = preview_frame(manifest, master, named)
    path = manifest.subtitle_path(spot, language)
    subtitles = read_subtitles(path, duration=master.info.duration,
                               fps=master.info.video.fps,
                               style=language.style,
                               timecode=master.info.timecode)
    font = resolve_font(language.style.font)
    own_styles = style_fonts(subtitles, font.family) if language.style.from_file else {}
    cues = list(subtitles.cues)
    # Line by line, as `check` says them: the reader's, the glyphs', the QC's and the frame
    # grid's together, errors and warnings alike (a trial's translator, shown the reader's
    # three errors alone, fixed them and was then stopped by the QC's fourth).
    found = in_file_order([*subtitles.diagnostics,
                           *style_glyphs(cues, own_styles, font, path), *in_file_syntax(check_cues(
        cues, path, qc=language.qc, fps=master.info.video.fps, style=language.style, font=font,
        frame_width=profile.width, frame_height=profile.height, file_styles=own_styles,
        fmt=subtitles.format) +
        off_grid_times(cues, path, master.info.video.fps, fmt=subtitles.format,
                       notation=subtitles.notation, qc=language.qc), subtitles.format,
        subtitles.origin)])
    raise_if_errors(found)
    # Burned as the render burns them: on the master's frames, a cue on no frame left out (an
    # Aegisub file at 29.97 fps was burned here by the nearest frames, one frame early).
    shown = list(as_rendered(cues, subtitles.format, master.info))
    sheet, proxy, specimen = preview_paths(manifest, spot, language)
    with tempfile.TemporaryDirectory(prefix="pipeline-preview-") as workdir:
        work = Path(workdir)
        fontsdir = ass_fontsdir(font, work, label_font(font),
                                *(chosen.font for chosen in own_styles.values()))
        jobs = [lambda: write_sheet(master, cues, shown, language, font, profile, work, fontsdir,
                                    sheet, own_styles, subtitles.format, subtitles.notation,
                                    subtitles.origin),
                lambda: write_specimen(cues, language, font, profile, work, fontsdir, specimen,
                                       own_styles)]
        if video:
            jobs.append(lambda: write_proxy(master, shown, language, font, profile, work,
                                            fontsdir, proxy, own_styles))
        # Side by side: the sheet's seeks and the one-frame specimen finish while the proxy encodes.
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="preview") as pool:
            futures = [pool.submit(job) for job in jobs]
            try:
                for future in futures:
                    future.result()
            except KeyboardInterrupt:
                stop_jobs(futures)
                raise
    return Preview(spot.id, language.code, sheet, proxy if video else None, specimen, len(cues),
                   time.monotonic() - started, tuple(found), profile)


def proxy_graph(master: Master, profile: Profile, ass: Path, fontsdir: Path, output: Path):
    """The whole master at 360 lines with the subtitles burned, and the master's sound."""
    path = str(master.info.path)
    picture = burn_in(master_picture(path, master, profile), ass, fontsdir)
    streams = [picture] + ([master_sound(path, master)] if master.sound else [])
    args = video_encoder_args(profile) | container_args(profile)
    if master.sound:
        args |= audio_encoder_args(profile)
    return ffmpeg.output(*streams, str(output), t=f"{master.info.duration:.3f}", **args)


def write_proxy(master: Master, cues: list[Cue], language: Language, font: Font,
                profile: Profile, work: Path, fontsdir: Path, target: Path,
                file_styles: dict[str, StyleFont] | None = None) -> Path:
    small = proxy_profile(profile)
    ass = work / "proxy.ass"
    write_ass(cues, ass, style=language.style, width=small.width, height=small.height, font=font,
              language=language.code, fps=master.info.video.fps, file_styles=file_styles,
              qc=language.qc)
    with atomic_output(target) as partial:
        run_graph(proxy_graph(master, small, ass, fontsdir, partial),
                  f"encoding the preview video {target.name}", target)
        info = probe(partial)
        if info.video is None or (info.video.width, info.video.height) != (small.width, small.height):
            raise RenderError(f"the preview video is not {small.width}x{small.height}", target)
    return target


