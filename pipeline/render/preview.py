"""A preview a translator can look at, without a full render: a contact sheet with one frame
from the middle of every cue, subtitles burned as they will air, a specimen of every character
of the file (`render/specimen.py`), and a 360p proxy video.

The sheet seeks: each tile is its own input opened with `-ss` before `-i` (decoding from the
keyframe before the cue's middle, a few dozen frames), so a 30 s spot's sheet costs about as
much as a few poster frames, not a decode of the whole master. Each decode starts a quarter
second early and is trimmed at the frame (open GOPs), in the master or, for a container
without an index (MPEG-TS, MPEG-PS), in a copy of its picture (media/seeking.py). `-ss` before
`-i` restarts timestamps at zero, so each frame is put back at its time (`setpts=...+T/TB`)
before the `ass` filter draws the cue that is on screen then. The proxy is one decode, scaled to
360 lines and encoded with x264 `veryfast`, while the sheet is made beside it.
"""

from __future__ import annotations

import math
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import ffmpeg

from pipeline.errors import CommandLineError, Diagnostic, PipelineError, RenderError, raise_if_errors
from pipeline.files import atomic_output
from pipeline.manifest import Language, Manifest, Spot, load_manifest
from pipeline.media.colour import OUTPUT
from pipeline.media.conform import Master, examine, framed, master_picture, master_sound, progressive
from pipeline.media.ffmpeg import run_ffmpeg, stop_jobs
from pipeline.media.probe import probe, probe_video
from pipeline.media.seeking import OPEN_GOP_LEAD, SeekablePicture, ffmpeg_seconds, frame_start, \
    seekable_picture
from pipeline.media.timecode import exact_rate
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.audio import audio_encoder_args
from pipeline.render.encoders import container_args, video_encoder_args
from pipeline.render.specimen import label_font, write_specimen
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
from pipeline.subtitles.model import (
    Cue,
    alignment,
    cue_middle,
    file_time,
    in_file_syntax,
    place,
    screen_row,
)
from pipeline.subtitles.qc import check_cues, off_grid_times

TILE = 480            # longest side of a tile, in pixels (tiles are never enlarged)
COLUMNS = 4
GAP = 8               # pixels between tiles and around the sheet
BACKGROUND = "0x202020"
PROXY_LINES = 360     # the proxy's shorter side
SEEK_WINDOW = 0.5     # seconds read after each seek: enough for one frame at any frame rate
TILES_PER_RUN = 16    # inputs (seeks) per ffmpeg process
TILE_NAME = "tile-%04d.png"


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


def preview_paths(manifest: Manifest, spot: Spot, language: Language) -> tuple[Path, Path, Path]:
    """Where the sheet, the proxy and the specimen go: beside the spot's variants."""
    folder = manifest.campaign_dir / spot.id
    stem = f"{spot.id}.{language.code}"
    return (folder / f"{stem}.preview.png", folder / f"{stem}.preview.mp4",
            folder / f"{stem}.specimen.png")


def tile_size(profile: Profile) -> tuple[int, int]:
    scale = min(1.0, TILE / max(profile.width, profile.height))
    return _even(profile.width * scale), _even(profile.height * scale)


def sheet_size(profile: Profile, cues: int) -> tuple[int, int]:
    """The contact sheet's size in pixels for `cues` tiles."""
    width, height = tile_size(profile)
    columns = min(COLUMNS, cues)
    rows = math.ceil(cues / columns)
    return columns * width + (columns + 1) * GAP, rows * height + (rows + 1) * GAP


def proxy_profile(profile: Profile) -> Profile:
    """The built-in `proxy` settings on a frame of the profile's shape, 360 lines on its short side."""
    if profile.width >= profile.height:
        width, height = _even(PROXY_LINES * profile.width / profile.height), PROXY_LINES
    else:
        width, height = PROXY_LINES, _even(PROXY_LINES * profile.height / profile.width)
    return replace(BUILTIN_PROFILES["proxy"], name="preview", width=width, height=height,
                   fit=profile.fit, fps=None)


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


# --- choosing what to preview ---------------------------------------------------------------

def make_previews(manifest_path: Path | str, *, languages: tuple[str, ...] = (),
                  spots: tuple[str, ...] = (), profile: str | None = None,
                  video: bool = True) -> list[Preview | PipelineError]:
    """Previews of every selected spot and language that has a subtitle file, in order: each a
    `Preview`, or the error that kept it from being made (one file's error never keeps the
    others' previews from being made and shown).

    Languages and spots not named are all taken; at least one of them should be named.
    Raises `PipelineError` when nothing can be previewed (a name not in the manifest, no file).
    """
    manifest = load_manifest(manifest_path)
    chosen_languages = _select(manifest, manifest.languages, languages, "--lang", "language", "code")
    chosen_spots = _select(manifest, manifest.spots, spots, "--spot", "spot", "id")
    frame = _profile(manifest, profile)
    pairs = [(spot, language) for spot in chosen_spots for language in chosen_languages
             if manifest.subtitle_files(spot, language)]
    if not pairs:
        wanted = ", ".join(f"{manifest.subtitles_dir / s.id / l.code}.*" for s in chosen_spots
                           for l in chosen_languages)
        raise PipelineError(f"no subtitle file to preview (looked for {wanted})", manifest.path,
                            hint="put the file at subtitles/<spot id>/<language code>.srt "
                            "(or .vtt, .ass, .ssa, .ttml, .xml, .dfxp)")
    made: list[Preview | PipelineError] = []
    for spot, language in pairs:
        try:
            made.append(preview(manifest, spot, language, frame, video=video))
        except PipelineError as exc:
            made.append(exc)
    return made


def _select(manifest: Manifest, items, wanted: tuple[str, ...], option: str, what: str, key: str):
    known = {getattr(item, key): item for item in items}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UnknownSelection([(option, what, unknown, list(known))], str(manifest.path))
    return [known[name] for name in wanted] if wanted else list(items)


def _profile(manifest: Manifest, name: str | None) -> Profile:
    """The frame the subtitles are laid out on: the named profile, else the manifest's first
    video profile."""
    if name is None:
        return next((p for p in manifest.profiles if p.medium == "video"), BUILTIN_PROFILES["web"])
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


# --- one preview ------------------------------------------------------------------------------

def preview(manifest: Manifest, spot: Spot, language: Language, profile: Profile, *,
            video: bool = True) -> Preview:
    """Write the sheet (and the proxy) of one spot and language; raise if the file cannot air."""
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
    path = manifest.subtitle_path(spot, language)
    subtitles = read_subtitles(path, duration=master.info.duration,
                               fps=master.info.video.fps,
                               keep_style=language.style.from_file)
    font = resolve_font(language.style.font)
    raise_if_errors(subtitles.diagnostics)
    own_styles = style_fonts(subtitles) if language.style.from_file else {}
    raise_if_errors(style_glyphs(subtitles.cues, own_styles, font, path))
    cues = list(subtitles.cues)
    checked = in_file_syntax(check_cues(
        cues, path, qc=language.qc, fps=master.info.video.fps, style=language.style, font=font,
        frame_width=profile.width, frame_height=profile.height, file_styles=own_styles) +
        off_grid_times(cues, path, master.info.video.fps), subtitles.format)
    raise_if_errors(checked)
    warnings = list(subtitles.warnings) + checked
    sheet, proxy, specimen = preview_paths(manifest, spot, language)
    with tempfile.TemporaryDirectory(prefix="pipeline-preview-") as workdir:
        work = Path(workdir)
        fontsdir = ass_fontsdir(font, work, label_font(font),
                                *(chosen.font for chosen in own_styles.values()))
        jobs = [lambda: write_sheet(master, cues, language, font, profile, work, fontsdir, sheet,
                                    own_styles, subtitles.format),
                lambda: write_specimen(cues, language, font, profile, work, fontsdir, specimen,
                                       own_styles)]
        if video:
            jobs.append(lambda: write_proxy(master, cues, language, font, profile, work, fontsdir,
                                            proxy, own_styles))
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
                   time.monotonic() - started, tuple(warnings))


def tile_time(cue: Cue, master: Master) -> float:
    """Seconds from the picture's first frame: the start of the frame shown at the middle of
    the part of `cue` on screen (so a one-frame cue in the last frame has its tile)."""
    rate = exact_rate(master.info.video.fps or 25.0)     # a preview's master has a picture
    return frame_start(cue_middle(cue, master.info.duration), rate, master.info.duration)


def tiles_graph(master: Master, cues: list[Cue], font: Font, profile: Profile, ass: Path,
                fontsdir: Path, folder: Path, first: int, picture: SeekablePicture, fmt: str):
    """One input per cue, each the frame shown at the cue's middle (`tile_time`), read from
    `picture` (`seekable_picture`) from `OPEN_GOP_LEAD` before and trimmed there; conformed
    (deinterlaced with its neighbours), subtitled, scaled, labelled with the cue's number and
    the time of the frame shown as the file's format `fmt` writes it (`label_time`), and
    written as `folder/tile-NNNN.png`, numbered from `first`."""
    width, height = tile_size(profile)
    frame = replace(profile, fps=None)  # one frame per tile: no frame-rate conversion
    outputs = []
    for number, cue in enumerate(cues, first):
        at = tile_time(cue, master)
        seek = max(0.0, at - OPEN_GOP_LEAD)
        # One decoder thread per input: tiles decode one after another anyway, and each
        # thread would hold its own frames.
        source = ffmpeg.input(str(picture.path), ss=ffmpeg_seconds(seek + picture.offset),
                              t=f"{SEEK_WINDOW + at - seek:.6f}", threads=1)
        tile = progressive(source["v:0"], master)
        if at > seek:
            tile = tile.trim(start=ffmpeg_seconds(at - seek))
        tile = tile.trim(end_frame=1).setpts(f"PTS-STARTPTS+{at:.6f}/TB")
        # The conformed picture is BT.709 (media/colour.py); an untagged frame would be taken
        # as BT.601 by the conversion to the PNG's R'G'B'.
        tile = (burn_in(framed(tile, master, frame), ass, fontsdir)
                .filter("scale", width, height, in_color_matrix=OUTPUT).filter("format", "rgb24")
                .drawtext(text=f"{cue.index}  {label_time(at, fmt)}", fontfile=str(font.path),
                          fontsize=max(10, height // 12), fontcolor="white", x=_label_x(cue), y=6,
                          box=1, boxcolor="black@0.6", boxborderw=4))
        outputs.append(tile.output(str(folder / (TILE_NAME % number)), vframes=1, f="image2",
                                   vcodec="png"))
    return ffmpeg.merge_outputs(*outputs)


def label_time(at: float, fmt: str) -> str:
    """A tile's time: `at` seconds (the start of the frame it shows) as the file's format `fmt`
    writes a time, rounded up to that format's precision (milliseconds; centiseconds in
    ASS/SSA) so that it falls inside the frame: a subtitler's editor sent to it shows that
    frame (at 29.97 fps the second frame starts at 33.37 ms: 00:00:00,034, as 33 ms is still
    the first). Not the cue's start as typed: the tile is the frame at the cue's middle, and
    frames fall on their grid, not on typed times (at 25 fps a cue typed to start at 1.230 s
    is first shown on the frame at 1.240 s)."""
    microseconds = round(at * 1_000_000)    # whole microseconds: 1.24 is not 1.2400000000000002
    step = 10_000 if fmt in ("ass", "ssa") else 1_000
    return file_time(-(-microseconds // step) * step // 1_000, fmt)


def _label_x(cue: Cue) -> str:
    """Where the tile's label goes across its top (a `drawtext` x): the top left, unless the
    cue itself is at the top left or centre (a sign, a `line:0` WebVTT cue), whose text the
    label's box covered; then the top right."""
    at_top_left = screen_row(cue) == "top" and place(alignment(cue) or 2)[1] != "right"
    return "w-tw-6" if at_top_left else "6"


def sheet_graph(folder: Path, count: int, output: Path):
    """The tiles in reading order, `COLUMNS` to a row."""
    columns = min(COLUMNS, count)
    rows = math.ceil(count / columns)
    return (ffmpeg.input(str(folder / TILE_NAME), f="image2", start_number=0, framerate=25)
            .filter("tile", f"{columns}x{rows}", padding=GAP, margin=GAP, color=BACKGROUND)
            .output(str(output), vframes=1, f="image2", vcodec="png"))


def write_sheet(master: Master, cues: list[Cue], language: Language, font: Font,
                profile: Profile, work: Path, fontsdir: Path, target: Path,
                file_styles: dict[str, StyleFont] | None, fmt: str) -> Path:
    ass = work / "sheet.ass"
    write_ass(cues, ass, style=language.style, width=profile.width, height=profile.height,
              font=font, language=language.code, fps=master.info.video.fps,
              file_styles=file_styles)
    folder = work / "tiles"
    folder.mkdir()
    picture = seekable_picture(master.info, work)
    # A bounded number of inputs per process: every open input holds a decoder's frames.
    for first in range(0, len(cues), TILES_PER_RUN):
        _run(tiles_graph(master, cues[first:first + TILES_PER_RUN], font, profile, ass, fontsdir,
                         folder, first, picture, fmt), f"taking the frames of {target.name}",
             target)
    missing = [cue for number, cue in enumerate(cues) if not (folder / (TILE_NAME % number)).exists()]
    if missing:     # ffmpeg writes no image, and says nothing, where a seek finds no frame
        raise RenderError("no picture found for the contact sheet at the middle of cue "
                          + ", ".join(f"{cue.index} ({tile_time(cue, master):.3f} s)"
                                      for cue in missing), target)
    with atomic_output(target) as partial:
        _run(sheet_graph(folder, len(cues), partial), f"making the contact sheet {target.name}",
             target)
    return target


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
              language=language.code, fps=master.info.video.fps, file_styles=file_styles)
    with atomic_output(target) as partial:
        _run(proxy_graph(master, small, ass, fontsdir, partial),
             f"encoding the preview video {target.name}", target)
        info = probe(partial)
        if info.video is None or (info.video.width, info.video.height) != (small.width, small.height):
            raise RenderError(f"the preview video is not {small.width}x{small.height}", target)
    return target


def _run(graph, what: str, target: Path) -> None:
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    run_ffmpeg(["-loglevel", "error", *args], what=what, path=target)
