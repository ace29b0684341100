"""Rendering variants: an ffmpeg graph per treatment, run, then checked and recorded.

Each treatment is a small builder in `TREATMENTS`; they share the conform step's picture
(media/conform.py), the profile's encoder settings, and the audio of `render/audio.py`.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline import RENDER_VERSION
from pipeline.errors import RenderError
from pipeline.files import atomic_output, partial_path
from pipeline.fingerprint import HashCache, sha256_json
from pipeline.media.conform import Stream, field_picture, master_fits, master_picture
from pipeline.media.ffmpeg import ffmpeg_version, run_ffmpeg
from pipeline.render.audio import audio_source, shared_audio
from pipeline.render.audio_only import render_sound
from pipeline.render.encoders import container_args, two_pass, video_encoder_args
from pipeline.render.certificate import certify, check_programme
from pipeline.render.leveling import SharedTrack
from pipeline.render.mastering import master_graph, master_problems, master_record, weaves_fields
from pipeline.render.plan import VariantPlan
from pipeline.render.record import (
    check_output,
    made_once,
    make_record,
    write_json,
    write_poster,
    write_sidecars,
)
from pipeline.subtitles.burn import ass_fontsdir, burn_in, write_ass
from pipeline.subtitles.srt import write_srt

Progress = Callable[[float], None]   # fraction done, 0..1


def shared_picture(plan: VariantPlan, threads: int = 0, progress: Progress | None = None) -> Path:
    """The picture every non-burned variant of this spot and profile uses.

    The master itself when it already fits the profile; otherwise one encode per spot and
    profile, kept in the spot's `.work/` folder under a name that carries its fingerprint.
    """
    variant, master = plan.variant, plan.inputs["master"]
    if master_fits(plan.conform, variant.profile):
        return Path(master["path"])
    duration = plan.master.duration
    key = sha256_json({"master": master["sha256"],
                       "video": video_encoder_args(variant.profile, duration=duration),
                       "fit": [variant.profile.width, variant.profile.height, variant.profile.fit,
                               variant.profile.fps],
                       "conform": plan.conform.picture_settings,
                       "render_version": RENDER_VERSION, "ffmpeg": ffmpeg_version()})[:16]
    target = variant.folder / ".work" / f"{variant.spot.id}.{variant.profile.name}.{key}.picture.mp4"
    with made_once(target) as needed:
        if needed:
            with atomic_output(target) as partial, \
                    tempfile.TemporaryDirectory(prefix="pipeline-pass-") as passes:
                picture = master_picture(master["path"], plan.conform, variant.profile)
                passlog = str(Path(passes) / "x264")

                def graph(pass_number: int | None):
                    args = video_encoder_args(variant.profile, threads, duration=duration,
                                              passlog=passlog if pass_number else None,
                                              pass_number=pass_number)
                    if pass_number == 1:
                        return ffmpeg.output(picture, os.devnull, f="null", **args)
                    return ffmpeg.output(picture, str(partial), an=None, sn=None, f="mp4", **args)

                _encode(graph, variant.profile, target, f"encoding the shared picture of "
                        f"{variant.spot.id} for {variant.profile.name}", duration, progress)
            for stale in target.parent.glob(f"{variant.spot.id}.{variant.profile.name}.*.picture.mp4"):
                if stale != target:
                    stale.unlink(missing_ok=True)
    return target


@dataclass
class Job:
    """What a treatment builder needs besides the plan, and what it leaves for the checks."""

    plan: VariantPlan
    workdir: Path
    cache: HashCache
    threads: int = 0
    progress: Progress | None = None
    audio: SharedTrack | None = None      # the shared audio track the variant copies
    picture: Path | None = None           # the shared picture, for non-burned variants


def audio_track(job: Job) -> Stream:
    """The variant's audio: the shared, normalised track of its source, copied. A profile that
    names a loudness standard refuses a track that breaks it before anything is encoded."""
    plan = job.plan
    job.audio = shared_audio(plan, audio_source(plan, job.cache), job.cache)
    check_programme(plan.variant.profile, job.audio.loudness, plan.master.duration,
                    f"the audio of {plan.variant.stem}")
    return ffmpeg.input(str(job.audio.path))["a:0"]


def burn_files(job: Job) -> tuple[Path, Path]:
    """The ASS script at the output's frame size, and a fonts folder holding just its font."""
    plan, profile = job.plan, job.plan.variant.profile
    folder = job.workdir / plan.variant.language.code
    folder.mkdir(parents=True, exist_ok=True)
    ass = folder / "subtitles.ass"
    write_ass(plan.cues, ass, style=plan.variant.language.style, width=profile.width,
              height=profile.height, font=plan.font, language=plan.variant.language.code,
              fps=profile.fps or plan.master.video.fps, file_styles=plan.file_styles)
    return ass, ass_fontsdir(plan.font, folder / "fonts",
                             *(chosen.font for chosen in plan.file_styles.values()))


def burned(picture: Stream, job: Job) -> Stream:
    return burn_in(picture, *burn_files(job))


def build_burn(job: Job) -> tuple[Stream, ...]:
    plan = job.plan
    picture = master_picture(plan.inputs["master"]["path"], plan.conform, plan.variant.profile)
    return burned(picture, job), audio_track(job)


def build_remux(job: Job) -> tuple[Stream, ...]:
    """soft, dub and mix: the shared picture and the shared audio track, plus subtitles if any."""
    job.picture = shared_picture(job.plan, job.threads)
    streams: tuple[Stream, ...] = (ffmpeg.input(str(job.picture))["v:0"], audio_track(job))
    if job.plan.subtitles is not None:
        # The translator's file may be UTF-16 or carry a BOM: ffmpeg gets our clean UTF-8 copy.
        track = job.workdir / "track.srt"
        write_srt(job.plan.cues, track)
        streams += (ffmpeg.input(str(track), f="srt")["s:0"],)
    return streams


TREATMENTS: dict[str, Callable[[Job], tuple[Stream, ...]]] = {
    "burn": build_burn, "soft": build_remux, "dub": build_remux, "mix": build_remux,
}


def output_args(plan: VariantPlan, threads: int = 0, passlog: str | None = None) -> dict:
    """Codecs, stream metadata and container flags of the variant's output file (`passlog`: the
    second pass of a size-capped burn)."""
    variant, profile = plan.variant, plan.variant.profile
    treatment = variant.language.treatment
    args = container_args(profile) | {"c:a": "copy"}
    args.update(video_encoder_args(profile, threads, duration=plan.master.duration,
                                   passlog=passlog) if treatment == "burn" else {"c:v": "copy"})
    spoken = plan.settings["language_tag"] if treatment in ("dub", "mix") \
        else plan.settings["source_language_tag"]
    args["metadata:s:a:0"] = f"language={spoken}"
    if plan.subtitles is not None and treatment != "burn":
        args.update({"c:s": "mov_text", "metadata:s:s:0": f"language={plan.settings['language_tag']}",
                     "disposition:s:0": "0"})
    args["t"] = f"{plan.master.duration:.3f}"
    args["metadata"] = f"title={variant.spot.title} ({variant.language.name})"
    return args


def build_master(job: Job, destination: Path):
    """A master (render/mastering.py): the treatment's picture from the master itself (a shared
    4:2:0 H.264 picture would be a generation down), burned where the treatment says, and the
    shared mix, after the leader. Subtitles of other treatments travel as sidecar files."""
    plan = job.plan
    build = field_picture if weaves_fields(plan) else master_picture
    picture = build(plan.inputs["master"]["path"], plan.conform, plan.variant.profile)
    if plan.variant.language.treatment == "burn":
        picture = burned(picture, job)
    audio = audio_track(job)
    return master_graph(plan, picture, audio, job.audio.loudness, destination, job.workdir,
                        job.threads)


def _passlog(job: Job) -> str:
    return str(job.workdir / f"x264-{job.plan.variant.language.code}")


def first_pass(job: Job, picture: Stream):
    """x264's first pass of a size-capped burn: statistics only, to the null muxer."""
    plan = job.plan
    return ffmpeg.output(picture, os.devnull, f="null",
                         **video_encoder_args(plan.variant.profile, job.threads,
                                              duration=plan.master.duration,
                                              passlog=_passlog(job), pass_number=1))


def build_graph(job: Job, destination: Path):
    """The variant's graph as a function of the x264 pass (None: a single encode)."""
    if job.plan.variant.profile.mastered:
        master = build_master(job, destination)
        return lambda pass_number: master
    streams = TREATMENTS[job.plan.variant.language.treatment](job)

    def graph(pass_number: int | None):
        if pass_number == 1:
            return first_pass(job, streams[0])
        return ffmpeg.output(*streams, str(destination),
                             **output_args(job.plan, job.threads,
                                           _passlog(job) if pass_number else None))
    return graph


def build_burn_group(jobs: list[Job], destinations: list[Path]):
    """Several languages of one spot and profile burned from one decode: the fitted picture is
    split to one burn (`ass` filter) and encoder per language; they all copy one audio track.
    Returns the graph as a function of the x264 pass, as `build_graph`."""
    first = jobs[0].plan
    pictures = (master_picture(first.inputs["master"]["path"], first.conform, first.variant.profile)
                .filter_multi_output("split", len(jobs)))
    audio = audio_track(jobs[0])
    streams = []
    for index, job in enumerate(jobs):
        job.audio = jobs[0].audio
        streams.append(burned(pictures[index], job))

    def graph(pass_number: int | None):
        if pass_number == 1:
            return ffmpeg.merge_outputs(*(first_pass(job, picture)
                                          for job, picture in zip(jobs, streams)))
        return ffmpeg.merge_outputs(*(
            ffmpeg.output(picture, audio, str(destination),
                          **output_args(job.plan, job.threads, _passlog(job) if pass_number else None))
            for job, picture, destination in zip(jobs, streams, destinations)))
    return graph


def _encode(graph: Callable[[int | None], object], profile, path: Path, what: str,
            duration: float, progress: Progress | None) -> None:
    """One ffmpeg run, or two for a size-capped profile (encoders.two_pass), each reporting
    half of the progress."""
    if not two_pass(profile):
        _run(graph(None), path, what, duration, progress)
        return
    for number in (1, 2):
        half = (lambda done, n=number: progress((n - 1 + done) / 2)) if progress else None
        _run(graph(number), path, f"{what} (pass {number} of 2)", duration, half)


def _run(graph, path: Path, what: str, duration: float, progress: Progress | None) -> None:
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    report = (lambda seconds: progress(min(1.0, seconds / duration))) if progress and duration else None
    run_ffmpeg(["-loglevel", "error", *args], what=what, path=path, progress=report)


def render_variant(plan: VariantPlan, cache: HashCache, *, threads: int = 0,
                   progress: Progress | None = None) -> dict:
    """Render one planned variant; return its record. Nothing appears under a final name on failure."""
    variant = plan.variant
    if variant.profile.audio_only:
        return render_sound(plan, cache, progress=progress)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pipeline-") as workdir:
        job = Job(plan, Path(workdir), cache, threads, progress)
        partial = partial_path(variant.output)
        try:
            _encode(build_graph(job, partial), variant.profile, variant.output,
                    f"rendering {variant.stem}", plan.master.duration, progress)
            return finish(job, partial, started)
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
            _encode(build_burn_group(jobs, partials), first.profile, first.output,
                    f"burning {', '.join(p.variant.language.code for p in plans)} into "
                    f"{first.spot.id} for {first.profile.name}", plans[0].master.duration,
                    progress)
        results: list[dict | RenderError] = []
        for job, partial in zip(jobs, partials):
            try:
                results.append(finish(job, partial, started))
            except RenderError as exc:
                results.append(exc)
        return results
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)


def finish(job: Job, partial: Path, started: float) -> dict:
    """Check a rendered file, extract its poster, then move it and its record into place: the
    record last, so a variant is up to date only once everything is there."""
    plan = job.plan
    info = check_output(plan, partial)
    if plan.variant.profile.mastered:
        problems = master_problems(plan, info)
        if problems:
            raise RenderError(f"{plan.variant.stem}: the rendered master failed its checks: "
                              + "; ".join(problems), plan.variant.output)
    record = make_record(plan, partial, info, job.audio, time.monotonic() - started)
    if plan.variant.profile.mastered:
        record |= master_record(plan)
    certify(plan, partial, record, job.audio)
    write_poster(plan, partial, job.picture)
    os.replace(partial, plan.variant.output)
    write_sidecars(plan)
    write_json(plan.variant.record_path, record)
    return record
