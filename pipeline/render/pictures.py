"""Several pictures of one master from one decode: burned variants of any profile, and the
pictures that profiles' soft, dub and mix variants share.

The decoded frame is split once per profile frame, fitted once per frame, then split again to
each picture's subtitles filter and encoder (MEASURED.md: four 1080p burns sharing a decode took
0.83x the wall time of separate runs, with identical output bytes). Which pictures go together
is decided by `render/costs.py`.

Burned pictures are encoded without sound, then copied with their profile's levelled audio
track into their files by one more process: the encode need not wait for the audio to be
measured and levelled (1.5-3 s of a cold render on this machine kind), and that copy costs
about 0.2 s at its end.
"""

from __future__ import annotations

import shutil
import time
from contextlib import ExitStack
from pathlib import Path

import ffmpeg

from pipeline.errors import PipelineError
from pipeline.files import atomic_output, link_atomically, partial_path, work_folder
from pipeline.fingerprint import HashCache
from pipeline.media.conform import Master, Stream, decoded_picture, framed, progressive
from pipeline.profiles import Profile
from pipeline.render.certificate import standard_of
from pipeline.render.encoders import Progress, encode, two_pass
from pipeline.render.leader import output_rate
from pipeline.render.variants import VariantPlan
from pipeline.render.record import made_once, poster_output, poster_time
from pipeline.render.shared_picture import (
    drop_stale_pictures,
    first_pass,
    picture_args,
    picture_identity,
    shared_picture_target,
)
from pipeline.render.treatments import (
    Job,
    audio_track,
    burn_first_pass,
    burned,
    output_args,
    passlog,
)
from pipeline.render.remuxes import copy_group, in_order


def _frame(profile: Profile) -> tuple:
    """What conforming a master for this profile depends on: equal for equal frames."""
    return (profile.width, profile.height, profile.fit, profile.fps)


def _branches(path: str, master: Master, profiles: list[Profile]) -> dict[tuple, list]:
    """The master's picture decoded (and deinterlaced) once, split once per distinct frame
    among `profiles`, framed once per frame, then split to as many consumers as that frame has:
    {frame: [stream, ...]}."""
    consumers: dict[tuple, list[Profile]] = {}
    for profile in profiles:
        consumers.setdefault(_frame(profile), []).append(profile)
    video = progressive(decoded_picture(path, master), master)
    decoded = video.filter_multi_output("split", len(consumers)) if len(consumers) > 1 else None
    branches = {}
    for index, (frame, users) in enumerate(consumers.items()):
        fitted = framed(decoded[index] if decoded is not None else video, master, users[0])
        split = fitted.filter_multi_output("split", len(users)) if len(users) > 1 else None
        branches[frame] = [split[i] for i in range(len(users))] if split is not None else [fitted]
    return branches


def render_picture_group(burns: list[VariantPlan], shared: list[VariantPlan], cache: HashCache,
                         *, threads: int = 0, progress: Progress | None = None
                         ) -> list[dict | PipelineError]:
    """Burn `burns` and encode the shared picture of each plan in `shared` (one per spot and
    profile) in one ffmpeg process, all from one decode of their spot's master; then give each
    burn its sound (`_with_sound`). A size-capped picture among them (encoders.two_pass) takes
    a first-pass run before it, decoding for the size-capped pictures alone. Plans of profiles
    that differ only in their sound carry the same picture (shared_picture.picture_identity): it is
    encoded once, its poster copied and its shared picture file linked.

    Returns each burned variant's record, or the error that kept it from its final name.
    Raises `RenderError` when an ffmpeg run fails: then no variant was made (shared pictures
    encoded before a failed copy of the sound are kept).
    """
    started = time.monotonic()
    refused: dict[int, PipelineError] = {}
    with work_folder("burn") as workdir:
        # Each burn's poster is taken from the frames its encoder gets: no decode of its file.
        jobs = [Job(plan, Path(workdir), cache, threads, progress,
                    poster=partial_path(plan.variant.poster_path)) for plan in burns]
        # A profile naming a loudness standard may refuse a track: its burns waited for their
        # audio (render/schedule.py), and one refused is not encoded.
        for index, job in enumerate(jobs):
            if standard_of(job.plan.variant.profile) is not None:
                try:
                    audio_track(job)
                except PipelineError as exc:
                    refused[index] = exc
        encoding = [job for index, job in enumerate(jobs) if index not in refused]
        # Burns of profiles that differ only in their sound are one picture: encoded once.
        lead = _leads([job.plan for job in encoding])
        silent = [Path(workdir) / f"burn-{lead[index]}.mp4" for index in range(len(encoding))]
        encoded = [index for index in range(len(encoding)) if lead[index] == index]
        try:
            with ExitStack() as stack:
                targets = [shared_picture_target(plan) for plan in shared]
                first = _leads(shared)
                wanted = [(plan, target) for index, (plan, target) in enumerate(zip(shared, targets))
                          if first[index] == index and stack.enter_context(made_once(target))]
                made = [(plan, stack.enter_context(atomic_output(target)), str(Path(workdir) / f"x264-{i}"))
                        for i, (plan, target) in enumerate(wanted)]
                if encoded or made:
                    _encode([encoding[i] for i in encoded], [silent[i] for i in encoded], made,
                            (burns or shared)[0], threads, progress)
            for index in encoded:   # the poster frame, if the picture reached its time
                taken = poster_frames(encoding[index], 1)
                if taken.exists():
                    shutil.move(taken, encoding[index].poster)
            for index, job in enumerate(encoding):
                taken = encoding[lead[index]].poster
                if lead[index] != index and taken.exists():   # else read from its file, as the lead's
                    shutil.copyfile(taken, job.poster)
            for plan, target in wanted:
                drop_stale_pictures(plan, target)
            for index, (plan, target) in enumerate(zip(shared, targets)):
                if first[index] != index:
                    with made_once(target) as needed:
                        if needed:
                            link_atomically(targets[first[index]], target)
                            drop_stale_pictures(plan, target)
            return in_order(refused, _with_sound(encoding, silent, started), len(burns))
        finally:   # a failure or an interrupt anywhere: no poster left under its partial name
            for job in jobs:
                job.poster.unlink(missing_ok=True)


def poster_frames(job: Job, number: int | None = None) -> Path:
    """The image2 pattern of the frames `record.poster_output` takes for `job`, in its work
    folder, or the file of frame `number` (1: the poster). In the pattern, a `%` of the
    folder's own name is written `%%` (image2's literal percent sign): a temporary folder
    named `...%g` failed the second frame ("Cannot write more than one file with the same
    name")."""
    variant = job.plan.variant
    stem = f"poster-{variant.language.code}-{variant.profile.name}"
    if number is not None:
        return job.workdir / f"{stem}.{number}.jpg"
    return Path(str(job.workdir).replace("%", "%%")) / f"{stem}.%d.jpg"


def _leads(plans: list[VariantPlan]) -> list[int]:
    """For each plan, the index of the first of `plans` that carries the same picture
    (shared_picture.picture_identity): its own index when it is the first."""
    first: dict[tuple, int] = {}
    return [first.setdefault(picture_identity(plan), index) for index, plan in enumerate(plans)]


def _encode(jobs: list[Job], silent: list[Path], made: list[tuple[VariantPlan, Path, str]],
            first: VariantPlan, threads: int, progress: Progress | None) -> None:
    """One ffmpeg run (two with a size-capped picture) from one decode of `first`'s master:
    each job's burned picture, without sound, into its `silent` file and its poster; each
    shared picture of `made` (plan, partial file, x264 pass log) into its partial file."""
    duration = first.master.duration

    def graph(pass_number: int | None):
        """Every picture (None: single passes; 2: the second pass of the size-capped ones),
        or the first pass of the size-capped ones alone (1)."""
        capped = pass_number == 1
        burning = [job for job in jobs if not capped or two_pass(job.plan.variant.profile)]
        making = [m for m in made if not capped or two_pass(m[0].variant.profile)]
        branches = _branches(first.inputs["master"]["path"], first.conform,
                             [job.plan.variant.profile for job in burning]
                             + [plan.variant.profile for plan, _, _ in making])
        outputs = []
        for job in burning:
            profile = job.plan.variant.profile
            picture = burned(branches[_frame(profile)].pop(), job)
            if capped:
                outputs.append(burn_first_pass(job, picture))
                continue
            log = passlog(job) if pass_number and two_pass(profile) else None
            split = picture.filter_multi_output("split", 2)
            outputs.append(ffmpeg.output(split[0], str(silent[jobs.index(job)]),
                                         **picture_args(profile, threads, duration, log)))
            outputs.append(poster_output(split[1], poster_time(job.plan), poster_frames(job)))
        for plan, partial, log in making:
            profile = plan.variant.profile
            picture = branches[_frame(profile)].pop()
            if capped:
                outputs.append(first_pass(picture, profile, threads, duration, log))
                continue
            outputs.append(ffmpeg.output(picture, str(partial), **picture_args(
                profile, threads, duration, log if pass_number and two_pass(profile) else None)))
        return ffmpeg.merge_outputs(*outputs)

    what = ", ".join([job.plan.variant.stem for job in jobs] + [
        f"the shared picture of {p.variant.spot.id} for {p.variant.profile.name}" for p, _, _ in made])
    passes = any(two_pass(p.variant.profile) for p in [job.plan for job in jobs] + [m[0] for m in made])
    # Progress counted in frames of the first output (ffmpeg's `frame`): a run of many outputs
    # leaves out its output time (media/ffmpeg.py `_follow_progress`).
    lead = (jobs[0].plan if jobs else made[0][0]).variant.profile
    encode(graph, passes, first.variant.output, f"rendering {what}", duration, progress,
           float(output_rate(lead, first.master.video.fps if first.master.video else None)))


def _with_sound(jobs: list[Job], silent: list[Path], started: float) -> list[dict | PipelineError]:
    """Each burned picture in `silent` copied with its profile's shared audio track into its
    variant's partial file, all by one ffmpeg process; then checked, recorded and moved into
    place. The tracks are levelled here if their audio units have not done it yet.

    Returns each variant's record, or the error that kept it from its final name: a track that
    a loudness standard refuses fails its variants alone. Raises `RenderError` when the copy
    fails (nothing is left under a final name)."""
    failed: dict[int, PipelineError] = {}
    kept, outputs = [], []
    tracks: dict[Path, Stream] = {}   # one input per audio track, copied into all its burns
    for index, (job, picture) in enumerate(zip(jobs, silent)):
        try:
            audio = audio_track(job)
        except PipelineError as exc:
            failed[index] = exc
            continue
        audio = tracks.setdefault(job.audio.path, audio)
        outputs.append(ffmpeg.output(ffmpeg.input(str(picture))["v:0"], audio,
                                     str(partial_path(job.plan.variant.output)),
                                     **output_args(job.plan, copy_picture=True)))
        kept.append(job)
    return in_order(failed, copy_group(kept, outputs, "adding the sound to", started), len(jobs))
