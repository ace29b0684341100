"""Rendering variants: an ffmpeg graph per treatment, run, then checked and recorded.

Each treatment is a small builder in `TREATMENTS`; they share the conform step's picture
(media/conform.py), the profile's encoder settings, and the audio of `render/audio.py`.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.errors import PipelineError, RenderError
from pipeline.messages import N_, Items, say
from pipeline.files import partial_path, work_folder
from pipeline.fingerprint import HashCache
from pipeline.media.colour import H264_BT709
from pipeline.media.conform import Stream, field_picture, master_picture
from pipeline.media.track_header import switch_off_text_tracks
from pipeline.render.audio import (
    AUDIO_SOURCES,
    audio_encoder_args,
    audio_source,
    programme_short_term_limit,
    shared_audio,
    track_name,
)
from pipeline.render.audio_only import render_sound
from pipeline.render.encoders import (
    Progress,
    container_args,
    encode,
    two_pass,
    video_encoder_args,
)
from pipeline.render.certificate import certify, check_programme
from pipeline.render.leveling import SharedTrack
from pipeline.render.mastering import (deinterlaced_per_field, drawn_rate, master_graph,
                                       master_problems, master_record, weaves_fields)
from pipeline.render.shared_picture import first_pass, shared_picture
from pipeline.render.variants import VariantPlan
from pipeline.render.record import (
    check_output,
    files_beside,
    make_record,
    write_json,
    write_poster,
    write_sidecars,
)
from pipeline.subtitles.burn import ass_fontsdir, burn_in, write_ass
from pipeline.subtitles.mp4_track import one_at_a_time
from pipeline.subtitles.srt import write_srt
from pipeline.subtitles.title_safe import burned_frame


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
    poster: Path | None = None            # a burned variant's poster, taken in its picture group


def prepare_audio(plan: VariantPlan, cache: HashCache) -> SharedTrack:
    """The shared, levelled audio track the variant copies, made if needed, and its loudness."""
    return shared_audio(plan, audio_source(plan, cache), cache)


def audio_identity(plan: VariantPlan) -> tuple:
    """What tells two variants' audio tracks apart, known before anything is measured: where
    the track is kept (its spot's folder), the source's inputs and the profile's audio settings
    (see `audio.shared_audio`). Two spots dubbed with the same recording each have a track."""
    profile, treatment = plan.variant.profile, plan.variant.language.treatment
    roles = {"burn": ("master",), "soft": ("master",), "dub": ("audio",),
             "mix": ("music_bed", "audio")}[treatment]
    return (str(plan.variant.folder), AUDIO_SOURCES[treatment].__name__,
            *(plan.inputs[role]["sha256"] for role in roles),
            plan.master.duration if treatment in ("dub", "mix") else None,
            tuple(sorted(audio_encoder_args(profile).items())),
            profile.loudness, profile.loudness_tolerance, profile.true_peak,
            programme_short_term_limit(plan))


def audio_track(job: Job) -> Stream:
    """The variant's audio: the shared, normalised track of its source, copied. A profile that
    names a loudness standard refuses a track that breaks it before anything is encoded."""
    plan = job.plan
    job.audio = prepare_audio(plan, job.cache)
    check_programme(plan.variant.profile, job.audio.loudness, plan.master.duration,
                    *track_name(plan))
    return ffmpeg.input(str(job.audio.path))["a:0"]


def burn_files(job: Job) -> tuple[Path, Path]:
    """The ASS script at the output's frame size, and a fonts folder holding just its font:
    one folder per language and profile, as a picture group may burn a language into several
    frames (one script for all of them would lay every frame out as the last one written).
    The text keeps to the title-safe area of the picture's own columns, as planning's fit
    check measured it (`title_safe.burned_frame`: a 4:3 master between bars in 16:9)."""
    plan, profile = job.plan, job.plan.variant.profile
    folder = job.workdir / f"{plan.variant.language.code}-{profile.name}"
    folder.mkdir(parents=True, exist_ok=True)
    ass = folder / "subtitles.ass"
    write_ass(plan.cues, ass, style=plan.variant.language.style, width=profile.width,
              height=profile.height, font=plan.font, language=plan.variant.language.code,
              fps=drawn_rate(plan), fields=weaves_fields(plan), file_styles=plan.file_styles,
              qc=plan.variant.language.qc,
              picture_width=burned_frame(profile, plan.conform.geometry).picture_width)
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
        # The translator's file may be UTF-16 or carry a BOM: ffmpeg gets our clean UTF-8 copy,
        # its simultaneous cues merged (mov_text samples cannot overlap). SubRip, not WebVTT:
        # ffmpeg's WebVTT decoder turns a literal "{" into "\{" in the track; a literal "<"
        # survives its SubRip decoder as `srt.subrip_text` writes it.
        track = job.workdir / "track.srt"
        write_srt(one_at_a_time(job.plan.cues), track)
        streams += (ffmpeg.input(str(track), f="srt")["s:0"],)
    return streams


TREATMENTS: dict[str, Callable[[Job], tuple[Stream, ...]]] = {
    "burn": build_burn, "soft": build_remux, "dub": build_remux, "mix": build_remux,
}


# The selectable subtitle track's disposition. `soft`: the subtitles are the language's only
# carrier (Spanish audio, Nahuatl text), so a player shows them unasked: "default", which
# ffprobe, mpv and VLC read as the track to select. `dub`/`mix`: the audio already speaks the
# language and the track is its same-language text, for a viewer who asks for it: neither
# default nor "forced" (forced marks text shown to every viewer, such as the translation of a
# sign or a foreign line, Netflix TTSG "forced narratives"; a full transcript is not that).
# ffmpeg's MP4/MOV muxer enables a lone text track all the same: `finish` switches it off
# (media/track_header.py).
# A dub's or mix's file of forced narratives alone (`Language.forced_subtitles`) is text every
# viewer must read: shown unasked, and flagged forced, which players that hide subtitles still
# show.
# SDH subtitles (`Language.sdh`) are flagged captions: MP4's track kind "caption" of the DASH
# role scheme (ISO/IEC 14496-12 8.10.4, ISO/IEC 23009-1), which players list as "CC".
SUBTITLE_DISPOSITION = {"soft": "default", "dub": "0", "mix": "0"}
FORCED_DISPOSITION = "default+forced"
SDH_DISPOSITION = "default+captions"


def subtitle_disposition(plan: VariantPlan) -> str:
    """The MP4/MOV subtitle track's disposition of the variant (`SUBTITLE_DISPOSITION`)."""
    language = plan.variant.language
    if language.forced_subtitles:
        return FORCED_DISPOSITION
    return SDH_DISPOSITION if language.sdh else SUBTITLE_DISPOSITION[language.treatment]


def carries_hidden_text_track(plan: VariantPlan) -> bool:
    """The variant's file carries a subtitle track that must not show unasked (`dub`, `mix`
    of a transcript)."""
    return (plan.subtitles is not None and not plan.variant.profile.mastered
            and plan.variant.treatment in SUBTITLE_DISPOSITION
            and subtitle_disposition(plan) == "0")


def output_args(plan: VariantPlan, threads: int = 0, passlog: str | None = None, *,
                copy_picture: bool = False) -> dict:
    """Codecs, stream metadata and container flags of the variant's output file (`passlog`: the
    second pass of a size-capped burn; `copy_picture`: a burn whose picture was encoded
    before, see `render/pictures.py`)."""
    variant, profile = plan.variant, plan.variant.profile
    treatment = variant.treatment
    args = container_args(profile) | {"c:a": "copy"}
    encoded_here = treatment == "burn" and not copy_picture
    # A copied picture (the master's own, or one encoded before) is tagged BT.709 like the rest.
    args.update(video_encoder_args(profile, threads, duration=plan.master.duration, passlog=passlog)
                if encoded_here else {"c:v": "copy", "bsf:v": H264_BT709})
    args["metadata:s:a:0"] = f"language={plan.spoken_tag}"
    if plan.subtitles is not None and treatment != "burn":
        # An MP4 track's name is its handler box's (`hdlr`) name: MediaInfo's "Title", VLC's and
        # MPC-HC's track list, mpv's fallback (ffmpeg writes no `title` of an MP4 track). The
        # language's name as the manifest gives it, not ffmpeg's "SubtitleHandler".
        args.update({"c:s": "mov_text", "metadata:s:s:0": f"language={plan.settings['language_tag']}",
                     "metadata:s:s": f"handler_name={variant.language.name}",
                     "disposition:s:0": subtitle_disposition(plan)})
    args["t"] = f"{plan.master.duration:.3f}"
    args["metadata"] = f"title={variant.title}"
    return args


def build_master(job: Job, destination: Path):
    """A master (render/mastering.py): the treatment's picture from the master itself (a shared
    4:2:0 H.264 picture would be a generation down), burned where the treatment says, and the
    shared mix, after the leader. Subtitles of other treatments travel as sidecar files."""
    plan = job.plan
    path, profile = plan.inputs["master"]["path"], plan.variant.profile
    woven = weaves_fields(plan)
    picture = field_picture(path, plan.conform, profile, woven=woven) \
        if woven or deinterlaced_per_field(plan) else master_picture(path, plan.conform, profile)
    if plan.variant.treatment == "burn":
        picture = burned(picture, job)
    audio = audio_track(job)
    return master_graph(plan, picture, audio, job.audio.loudness, destination, job.workdir,
                        job.threads)


def passlog(job: Job) -> str:
    """Where x264 keeps a size-capped burn's first-pass statistics: one file per language and
    profile, as a picture group may burn several of each."""
    variant = job.plan.variant
    return str(job.workdir / f"x264-{variant.language.code}-{variant.profile.name}")


def burn_first_pass(job: Job, picture: Stream):
    """x264's first pass of a size-capped burn."""
    plan = job.plan
    return first_pass(picture, plan.variant.profile, job.threads, plan.master.duration,
                      passlog(job))


def build_graph(job: Job, destination: Path):
    """The variant's graph as a function of the x264 pass (None: a single encode)."""
    if job.plan.variant.profile.mastered:
        master = build_master(job, destination)
        return lambda pass_number: master
    streams = TREATMENTS[job.plan.variant.treatment](job)

    def graph(pass_number: int | None):
        if pass_number == 1:
            return burn_first_pass(job, streams[0])
        return ffmpeg.output(*streams, str(destination),
                             **output_args(job.plan, job.threads,
                                           passlog(job) if pass_number else None))
    return graph


def encodes_picture(plan: VariantPlan) -> bool:
    """The variant's own ffmpeg run encodes its picture: a burn, or a master (render/mastering.py).
    soft, dub and mix copy the shared picture, encoded (in two passes, if size-capped) before:
    a first pass over it ran x264 for statistics nothing read (2.9 s where the remux takes 0.8)."""
    return plan.variant.profile.mastered or plan.variant.treatment == "burn"


def render_variant(plan: VariantPlan, cache: HashCache, *, threads: int = 0,
                   progress: Progress | None = None) -> dict:
    """Render one planned variant; return its record. Nothing appears under a final name on failure."""
    variant = plan.variant
    if variant.profile.audio_only:
        return render_sound(plan, cache, progress=progress)
    started = time.monotonic()
    with work_folder("variant") as workdir:
        job = Job(plan, Path(workdir), cache, threads, progress)
        partial = partial_path(variant.output)
        try:
            encode(build_graph(job, partial), two_pass(variant.profile) and encodes_picture(plan),
                   variant.output,
                   f"rendering {variant.stem}", plan.master.duration, progress)
            return finish(job, partial, started)
        finally:
            partial.unlink(missing_ok=True)


def finish_each(jobs: list[Job], partials: list[Path], started: float) -> list[dict | PipelineError]:
    """`finish` of each job's partial file, side by side: the record, or the error that kept
    that variant from its final name. Every partial file and poster is gone when it returns or
    raises (an interrupt, say), whichever variants were finished by then."""
    def finished(job: Job, partial: Path) -> dict | PipelineError:
        try:
            return finish(job, partial, started)
        except PipelineError as exc:     # its own failure: the other variants go on
            return exc

    # One after another, these checks, posters and records would hold the group's slot with
    # one core busy: the renders ended together.
    pool = ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1)))
    try:
        return list(pool.map(finished, jobs, partials))
    finally:
        pool.shutdown(cancel_futures=True)     # an interrupt: those running end, no other starts
        for job, partial in zip(jobs, partials):
            partial.unlink(missing_ok=True)
            if job.poster is not None:
                job.poster.unlink(missing_ok=True)


def finish(job: Job, partial: Path, started: float) -> dict:
    """Switch a dub's or mix's subtitle track off, check the rendered file, extract its poster,
    then move it and its record into place: the record last, so a variant is up to date only
    once everything is there."""
    plan = job.plan
    if carries_hidden_text_track(plan):
        try:
            switch_off_text_tracks(partial)
        except RenderError as exc:   # named by the partial file, which is gone when it is told
            raise RenderError(say(N_("%(variant)s: %(message)s"), variant=plan.variant.stem,
                                  message=exc.said_message), plan.variant.output) from exc
    info = check_output(plan, partial)
    if plan.variant.profile.mastered:
        problems = master_problems(plan, info)
        if problems:
            raise RenderError(say(N_("%(variant)s: the rendered master failed its checks: "
                                     "%(problems)s"), variant=plan.variant.stem,
                                  problems=Items(tuple(problems), "; ")), plan.variant.output)
    record = make_record(plan, partial, info, job.audio, time.monotonic() - started)
    if plan.variant.profile.mastered:
        record |= master_record(plan)
    certify(plan, partial, record, job.audio)
    write_poster(plan, partial, job.picture, job.poster)
    os.replace(partial, plan.variant.output)
    write_sidecars(plan)
    record["beside"] = files_beside(plan.variant.folder, record)
    write_json(plan.variant.record_path, record)
    return record
