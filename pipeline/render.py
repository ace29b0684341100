"""Rendering one variant: an ffmpeg graph per treatment, checked output, atomic rename, record.

Each treatment is a small builder in `TREATMENTS`; they share the pieces below: fitting the
master's picture to a profile, the profile's encoder settings, and two-pass loudness
normalisation (pass 1 measured once per audio source and cached, pass 2 linear).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import ffmpeg

from . import RENDER_VERSION, __version__
from .ass import ass_fontsdir, write_ass
from .errors import RenderError
from .fingerprint import HashCache, sha256_file, sha256_json
from .media import (Loudness, MediaInfo, ffmpeg_version, loudnorm_filter, measure_loudness,
                    parse_loudnorm, probe, run_ffmpeg)
from .plan import VariantPlan
from .profiles import Profile
from .subtitles import write_srt, write_vtt

Stream = ffmpeg.nodes.FilterableStream
Progress = Callable[[float], None]   # fraction done, 0..1


# --- shared pieces --------------------------------------------------------------------------

def fit_picture(video: Stream, profile: Profile) -> Stream:
    """Scale the master into the profile's frame: letterbox (pad), centre crop, or fit width."""
    w, h = profile.width, profile.height
    if profile.fit == "crop":
        video = video.filter("scale", w, h, force_original_aspect_ratio="increase").filter("crop", w, h)
    else:  # pad and fit-width: the whole picture stays visible, bars fill the rest
        video = (video.filter("scale", w, h, force_original_aspect_ratio="decrease")
                 .filter("pad", w, h, "(ow-iw)/2", "(oh-ih)/2"))
    video = video.filter("setsar", 1)
    if profile.fps:
        video = video.filter("fps", profile.fps)
    return video.filter("format", "yuv420p")


def video_encoder_args(profile: Profile, threads: int = 0) -> dict:
    args: dict = {"c:v": profile.video_codec, "preset": profile.preset, "pix_fmt": "yuv420p"}
    if profile.x264_profile:
        args["profile:v"] = profile.x264_profile
    if profile.video_bitrate:
        # Constant-rate deliverable (broadcast): cap the rate and give the VBV a 2 s buffer.
        rate = profile.video_bitrate
        args.update({"b:v": rate, "maxrate": rate, "bufsize": _double(rate)})
    else:
        args["crf"] = profile.crf
    if threads:
        args["threads"] = threads
    return args


def _double(rate: str) -> str:
    number, unit = (rate[:-1], rate[-1]) if rate[-1].isalpha() else (rate, "")
    return f"{float(number) * 2:g}{unit}"


def audio_encoder_args(profile: Profile) -> dict:
    args: dict = {"c:a": profile.audio_codec, "ar": profile.sample_rate, "ac": profile.channels}
    if profile.audio_bitrate:
        args["b:a"] = profile.audio_bitrate
    return args


def container_args(profile: Profile) -> dict:
    args: dict = {"f": "mp4" if profile.container == "mp4" else "mov"}
    if profile.faststart:
        args["movflags"] = "+faststart"
    return args


def normalise(audio: Stream, profile: Profile, measured: Loudness) -> Stream:
    """Pass 2 of loudnorm, linear, then back to 48 kHz (loudnorm outputs 192 kHz)."""
    args = loudnorm_filter(profile.loudness, profile.true_peak, profile.loudness_range, measured)
    return (audio.filter("loudnorm", **args)
            .filter("aresample", profile.sample_rate)
            .filter("aformat", sample_fmts="s32p" if profile.audio_codec.startswith("pcm") else "fltp",
                    channel_layouts="stereo" if profile.channels == 2 else "mono"))


# --- audio sources per treatment ------------------------------------------------------------

@dataclass(frozen=True)
class AudioSource:
    """The audio a treatment starts from, before loudness normalisation."""

    key: str                                   # identifies the measurement in the cache
    build: Callable[[], Stream]                # a fresh graph each call (ffmpeg-python graphs are DAGs)


def master_audio(plan: VariantPlan, cache: HashCache | None = None) -> AudioSource:
    master = plan.inputs["master"]
    return AudioSource(f"master:{master['sha256']}",
                       lambda: ffmpeg.input(master["path"])["a:0"])


# Levels of the `mix` treatment: the voice-over sits 6 LU above the bed before ducking, and the
# compressor (threshold -30 dBFS) pulls the bed down a further ~10 dB while the voice speaks.
VOICE_LEVEL, BED_LEVEL = -20.0, -26.0
DUCKING = {"threshold": 0.03, "ratio": 8, "attack": 15, "release": 400}


def file_audio(item: dict, duration: float) -> AudioSource:
    """An audio file as stereo 48 kHz, padded with silence or cut to `duration`."""
    return AudioSource(f"file:{item['sha256']}:{duration}",
                       lambda: ffmpeg.input(item["path"])["a:0"]
                       .filter("aformat", sample_rates=48000, channel_layouts="stereo")
                       .filter("apad", whole_dur=duration).filter("atrim", duration=duration))


def dub_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    # The dub is padded or cut to the master's length so picture and sound end together.
    return file_audio(plan.inputs["audio"], plan.master.duration)


def mixed_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    """Voice-over over the music bed, both levelled first (tracks arrive anywhere from -30 to
    -14 LUFS), the bed ducked under the voice by a sidechain compressor."""
    duration = plan.master.duration
    voice = file_audio(plan.inputs["audio"], duration)
    bed = file_audio(plan.inputs["music_bed"], duration)
    voice_gain = VOICE_LEVEL - measured_loudness(voice, cache).integrated
    bed_gain = BED_LEVEL - measured_loudness(bed, cache).integrated

    def build() -> Stream:
        split = voice.build().filter("volume", f"{voice_gain:.2f}dB").filter_multi_output("asplit", 2)
        music = bed.build().filter("volume", f"{bed_gain:.2f}dB")
        ducked = ffmpeg.filter([music, split[0]], "sidechaincompress", **DUCKING)
        return ffmpeg.filter([ducked, split[1]], "amix", inputs=2, duration="first", normalize=0)

    return AudioSource(f"mix:{bed.key}:{voice.key}:{VOICE_LEVEL}:{BED_LEVEL}:{DUCKING}", build)


def measured_loudness(source: AudioSource, cache: HashCache) -> Loudness:
    """Pass 1 of loudnorm on the source, once per source (cached by content)."""
    known = cache.measure(source.key)
    if known:
        return Loudness(**known)
    graph = (source.build().filter("loudnorm", print_format="json")
             .output("-", f="null"))
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    stderr = run_ffmpeg(["-loglevel", "info", "-nostats", *args], what="measuring loudness")
    loudness = parse_loudnorm(stderr)
    cache.remember(source.key, loudness.__dict__)
    return loudness


# --- the shared picture of soft, dub and mix variants ---------------------------------------

_picture_locks: dict[str, threading.Lock] = {}
_picture_locks_guard = threading.Lock()


def master_fits(info: MediaInfo, profile: Profile) -> bool:
    """The master's video can be copied as it is: same codec, frame, rate and pixel format."""
    video = info.video
    return bool(
        video and video.codec == "h264" and profile.video_codec == "libx264"
        and (video.width, video.height) == (profile.width, profile.height)
        and (profile.fps is None or abs((video.fps or 0) - profile.fps) < 0.01)
        and video.pix_fmt == "yuv420p" and not profile.video_bitrate
        and (profile.x264_profile is None or (video.profile or "").lower() == profile.x264_profile))


def shared_picture(plan: VariantPlan, threads: int = 0,
                   progress: Progress | None = None) -> tuple[Path, bool]:
    """(file, encoded): the picture every non-burned variant of this spot and profile uses.

    The master itself when it already fits the profile; otherwise one encode per spot and
    profile, kept in the spot's `.work/` folder under a name that carries its fingerprint.
    """
    variant, master = plan.variant, plan.inputs["master"]
    if master_fits(plan.master, variant.profile):
        return Path(master["path"]), False
    key = sha256_json({"master": master["sha256"], "video": video_encoder_args(variant.profile),
                       "fit": [variant.profile.width, variant.profile.height, variant.profile.fit,
                               variant.profile.fps],
                       "render_version": RENDER_VERSION, "ffmpeg": ffmpeg_version()})[:16]
    target = variant.folder / ".work" / f"{variant.spot.id}.{variant.profile.name}.{key}.picture.mp4"
    with _picture_locks_guard:
        lock = _picture_locks.setdefault(str(target), threading.Lock())
    with lock:
        if not target.exists():
            with atomic_output(target) as partial:
                graph = ffmpeg.output(fit_picture(ffmpeg.input(master["path"])["v:0"], variant.profile),
                                      str(partial), an=None, sn=None, f="mp4",
                                      **video_encoder_args(variant.profile, threads))
                _run(graph, target, f"encoding the shared picture of {variant.spot.id} "
                     f"for {variant.profile.name}", plan.master.duration, progress)
            for stale in target.parent.glob(f"{variant.spot.id}.{variant.profile.name}.*.picture.mp4"):
                if stale != target:
                    stale.unlink(missing_ok=True)
    return target, True


# --- treatments -----------------------------------------------------------------------------

@dataclass
class Job:
    """What a treatment builder needs besides the plan."""

    plan: VariantPlan
    workdir: Path
    cache: HashCache
    threads: int = 0
    progress: Progress | None = None


def burn_files(job: Job) -> tuple[Path, Path]:
    """The ASS script at the output's frame size, and a fonts folder holding just its font."""
    plan, profile = job.plan, job.plan.variant.profile
    folder = job.workdir / plan.variant.language.code
    folder.mkdir(parents=True, exist_ok=True)
    ass = folder / "subtitles.ass"
    write_ass(plan.cues, ass, style=plan.variant.language.style, width=profile.width,
              height=profile.height, font=plan.font)
    return ass, ass_fontsdir(plan.font, folder / "fonts")


def build_burn(job: Job) -> tuple[Stream, ...]:
    plan, profile = job.plan, job.plan.variant.profile
    ass, fontsdir = burn_files(job)
    master = ffmpeg.input(plan.inputs["master"]["path"])
    video = fit_picture(master["v:0"], profile).filter("subtitles", filename=str(ass),
                                                       fontsdir=str(fontsdir))
    source = master_audio(plan)
    return video, normalise(source.build(), profile, measured_loudness(source, job.cache))


def _picture_and_audio(job: Job, audio_source) -> tuple[Stream, ...]:
    picture, _ = shared_picture(job.plan, job.threads)
    source = audio_source(job.plan, job.cache)
    audio = normalise(source.build(), job.plan.variant.profile, measured_loudness(source, job.cache))
    streams: tuple[Stream, ...] = (ffmpeg.input(str(picture))["v:0"], audio)
    if job.plan.subtitles is not None:
        # The translator's file may be UTF-16 or carry a BOM: ffmpeg gets our clean UTF-8 copy.
        track = job.workdir / "track.srt"
        write_srt(job.plan.cues, track)
        streams += (ffmpeg.input(str(track), f="srt")["s:0"],)
    return streams


TREATMENTS: dict[str, Callable[[Job], tuple[Stream, ...]]] = {
    "burn": build_burn,
    "soft": lambda job: _picture_and_audio(job, master_audio),
    "dub": lambda job: _picture_and_audio(job, dub_audio),
    "mix": lambda job: _picture_and_audio(job, mixed_audio),
}


def output_args(plan: VariantPlan) -> dict:
    """Codecs, stream metadata and container flags of the variant's output file."""
    variant, profile = plan.variant, plan.variant.profile
    treatment = variant.language.treatment
    args = audio_encoder_args(profile) | container_args(profile)
    args.update(video_encoder_args(profile) if treatment == "burn" else {"c:v": "copy"})
    spoken = plan.settings["language_tag"] if treatment in ("dub", "mix") \
        else plan.settings["source_language_tag"]
    args["metadata:s:a:0"] = f"language={spoken}"
    if plan.subtitles is not None and treatment != "burn":
        args.update({"c:s": "mov_text", "metadata:s:s:0": f"language={plan.settings['language_tag']}",
                     "disposition:s:0": "0"})
    args["t"] = f"{plan.master.duration:.3f}"
    args["metadata"] = f"title={variant.spot.title} ({variant.language.name})"
    return args


def encoding_args(plan: VariantPlan, threads: int) -> dict:
    args = output_args(plan)
    if threads and args.get("c:v") != "copy":
        args["threads"] = threads
    return args


def build_graph(job: Job, destination: Path):
    streams = TREATMENTS[job.plan.variant.language.treatment](job)
    return ffmpeg.output(*streams, str(destination), **encoding_args(job.plan, job.threads))


def build_burn_group(jobs: list[Job], destinations: list[Path]):
    """Several languages of one spot and profile burned from one decode: the fitted picture and
    the normalised audio are split to one subtitles filter and encoder per language."""
    first = jobs[0]
    profile, count = first.plan.variant.profile, len(jobs)
    master = ffmpeg.input(first.plan.inputs["master"]["path"])
    pictures = fit_picture(master["v:0"], profile).filter_multi_output("split", count)
    source = master_audio(first.plan)
    sounds = normalise(source.build(), profile,
                       measured_loudness(source, first.cache)).filter_multi_output("asplit", count)
    outputs = []
    for index, (job, destination) in enumerate(zip(jobs, destinations)):
        ass, fontsdir = burn_files(job)
        video = pictures[index].filter("subtitles", filename=str(ass), fontsdir=str(fontsdir))
        outputs.append(ffmpeg.output(video, sounds[index], str(destination),
                                     **encoding_args(job.plan, job.threads)))
    return ffmpeg.merge_outputs(*outputs)


# --- running, checking, recording -----------------------------------------------------------

def partial_path(final: Path) -> Path:
    """A temporary name beside `final`, unique to this process and thread."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.with_name(f".{final.stem}.partial-{os.getpid()}-{threading.get_ident()}{final.suffix}")


@contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """A temporary name beside `final`, renamed into place only if the block succeeds."""
    partial = partial_path(final)
    try:
        yield partial
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


def _run(graph, path: Path, what: str, duration: float, progress: Progress | None) -> None:
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    report = (lambda seconds: progress(min(1.0, seconds / duration))) if progress and duration else None
    run_ffmpeg(["-loglevel", "error", *args], what=what, path=path, progress=report)


def render_variant(plan: VariantPlan, cache: HashCache, *, threads: int = 0,
                   progress: Progress | None = None) -> dict:
    """Render one planned variant; return its record. Nothing appears under a final name on failure."""
    variant = plan.variant
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pipeline-") as workdir:
        job = Job(plan, Path(workdir), cache, threads, progress)
        partial = partial_path(variant.output)
        try:
            _run(build_graph(job, partial), variant.output, f"rendering {variant.stem}",
                 plan.master.duration, progress)
            return finish(plan, partial, started)
        finally:
            partial.unlink(missing_ok=True)


def render_burn_group(plans: list[VariantPlan], cache: HashCache, *, threads: int = 0,
                      progress: Progress | None = None) -> list[dict | RenderError]:
    """Burn several languages of one spot and profile in one ffmpeg process (one decode).

    Returns each variant's record, or the error that kept it from its final name.
    """
    started = time.monotonic()
    partials = [partial_path(plan.variant.output) for plan in plans]
    first = plans[0].variant
    try:
        with tempfile.TemporaryDirectory(prefix="pipeline-") as workdir:
            jobs = [Job(plan, Path(workdir), cache, threads, progress) for plan in plans]
            _run(build_burn_group(jobs, partials), first.output,
                 f"burning {', '.join(p.variant.language.code for p in plans)} into "
                 f"{first.spot.id} for {first.profile.name}", plans[0].master.duration, progress)
        results: list[dict | RenderError] = []
        for plan, partial in zip(plans, partials):
            try:
                results.append(finish(plan, partial, started))
            except RenderError as exc:
                results.append(exc)
        return results
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)


def finish(plan: VariantPlan, partial: Path, started: float) -> dict:
    """Check a rendered file, measure it, extract its poster, then move it and its record into
    place: the record last, so a variant is up to date only once everything is there."""
    info = check_output(plan, partial)
    loudness = measure_loudness(partial)
    record = make_record(plan, partial, info, loudness, time.monotonic() - started)
    write_poster(plan, partial)
    os.replace(partial, plan.variant.output)
    write_sidecars(plan)
    write_json(plan.variant.record_path, record)
    return record


def check_output(plan: VariantPlan, path: Path) -> MediaInfo:
    """The rendered file has the profile's frame, the master's length and the expected tracks."""
    profile, variant = plan.variant.profile, plan.variant
    info = probe(path)
    problems = []
    video = info.video
    if video is None or (video.width, video.height) != (profile.width, profile.height):
        size = f"{video.width}x{video.height}" if video else "no picture"
        problems.append(f"picture is {size}, the profile wants {profile.width}x{profile.height}")
    if info.audio is None or info.audio.sample_rate != profile.sample_rate:
        problems.append(f"audio is not {profile.sample_rate} Hz")
    frame = 1 / (video.fps or 25) if video else 0.04
    if abs(info.duration - plan.master.duration) > max(2 * frame, 0.1):
        problems.append(f"duration {info.duration:.3f} s differs from the master's "
                        f"{plan.master.duration:.3f} s")
    if plan.subtitles is not None and variant.language.treatment != "burn" and not info.of_kind("subtitle"):
        problems.append("the subtitle track is missing")
    if problems:
        raise RenderError(f"{variant.stem}: the rendered file failed its checks: " + "; ".join(problems),
                          variant.output)
    return info


def loudness_warnings(plan: VariantPlan, loudness: Loudness) -> list[str]:
    profile = plan.variant.profile
    warnings = []
    if abs(loudness.integrated - profile.loudness) > profile.loudness_tolerance:
        warnings.append(f"integrated loudness {loudness.integrated:.1f} LUFS is more than "
                        f"{profile.loudness_tolerance} LU from the target {profile.loudness} LUFS")
    if loudness.true_peak > profile.true_peak + 0.1:
        warnings.append(f"true peak {loudness.true_peak:.1f} dBTP is above {profile.true_peak} dBTP")
    return warnings


def make_record(plan: VariantPlan, path: Path, info: MediaInfo, loudness: Loudness,
                seconds: float) -> dict:
    variant = plan.variant
    video = info.video
    sidecars = [variant.sidecar_path(s).name for s in ("srt", "vtt")] \
        if plan.subtitles is not None and variant.language.treatment != "burn" else []
    return {
        "render_version": RENDER_VERSION, "pipeline_version": __version__, "ffmpeg": ffmpeg_version(),
        "fingerprint": plan.fingerprint, "campaign": variant.manifest.campaign,
        "spot": variant.spot.id, "spot_title": variant.spot.title,
        "language": variant.language.code, "language_name": variant.language.name,
        "treatment": variant.language.treatment, "profile": variant.profile.name,
        "file": variant.output.name, "poster": variant.poster_path.name, "sidecars": sidecars,
        "bytes": path.stat().st_size, "sha256": sha256_file(path),
        "duration": round(info.duration, 3), "width": video.width, "height": video.height,
        "streams": [s.to_json() for s in info.streams],
        "loudness": loudness.to_json(),
        "inputs": plan.inputs, "settings": plan.settings,
        "qc": {"warnings": [w.format() for w in plan.warnings] + loudness_warnings(plan, loudness)},
        "render_seconds": round(seconds, 2),
        "rendered_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def poster_time(plan: VariantPlan) -> float:
    """The middle of the first cue for burned variants (so the poster shows the subtitles)."""
    if plan.variant.language.treatment == "burn" and plan.cues:
        cue = plan.cues[0]
        return (cue.start + cue.end) / 2000
    return plan.master.duration * 0.4


def write_poster(plan: VariantPlan, video: Path) -> None:
    target = plan.variant.poster_path
    with atomic_output(target) as partial:
        run_ffmpeg(["-loglevel", "error", "-ss", f"{poster_time(plan):.3f}", "-i", str(video),
                    "-frames:v", "1", "-vf", "scale=480:-2", "-q:v", "3", "-f", "image2",
                    str(partial)], what="extracting the poster frame", path=target)


def write_sidecars(plan: VariantPlan) -> None:
    if plan.subtitles is None or plan.variant.language.treatment == "burn":
        return
    write_srt(plan.cues, plan.variant.sidecar_path("srt"))
    write_vtt(plan.cues, plan.variant.sidecar_path("vtt"))


def write_json(path: Path, value: dict) -> None:
    with atomic_output(path) as partial:
        partial.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
