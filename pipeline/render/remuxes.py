"""Soft (or dub and mix) variants of one spot and profile copied by one ffmpeg process.

Each of these variants is a stream copy of the picture its spot and profile share and of its
own shared audio track, plus a subtitle track for soft ones: no frame is decoded. What a copy
costs is mostly starting ffmpeg and probing its inputs (~0.1 s each on this machine kind,
MEASURED.md), so one process reads the shared picture once and writes every variant of the
group, each to its own partial file. Which variants go together is `render/schedule.py`'s call.
The burns' sound is copied in the same way (`copy_group`, render/pictures.py).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterable

import ffmpeg

from pipeline.errors import PipelineError, RenderError
from pipeline.files import partial_path, work_folder
from pipeline.fingerprint import HashCache
from pipeline.render.encoders import Progress, run_graph
from pipeline.render.treatments import (
    Job,
    build_remux,
    finish_each,
    output_args,
    render_variant,
)
from pipeline.render.variants import VariantPlan


def render_remux_group(plans: list[VariantPlan], cache: HashCache, *, threads: int = 0,
                       progress: Progress | None = None) -> list[dict | PipelineError]:
    """Copy every plan's picture, audio and subtitles into its file in one ffmpeg run; then
    check, record and move each into place.

    Returns each variant's record, or the error that kept it from its final name: a variant
    whose streams cannot be made (its audio refused by a loudness standard, say) fails alone.
    If the shared run fails, each variant is rendered on its own, so that one unreadable input
    fails its variant and no other.
    """
    if len(plans) == 1:
        return [render_variant(plans[0], cache, threads=threads, progress=progress)]
    started = time.monotonic()
    failed: dict[int, PipelineError] = {}
    with work_folder("remux") as workdir:
        jobs, outputs = [], []
        for index, plan in enumerate(plans):
            folder = Path(workdir) / str(index)   # each variant's subtitle track has its own
            folder.mkdir()
            job = Job(plan, folder, cache, threads, progress)
            try:
                partial = partial_path(plan.variant.output)
                outputs.append(ffmpeg.output(*build_remux(job), str(partial),
                                             **output_args(plan, threads)))
            except PipelineError as exc:
                failed[index] = exc
                continue
            jobs.append(job)
        try:
            made = copy_group(jobs, outputs, "rendering", started, progress)
        except RenderError:
            return [failed.get(i) or _alone(plan, cache, threads) for i, plan in enumerate(plans)]
    return in_order(failed, made, len(plans))


def copy_group(jobs: list[Job], outputs: list, what: str, started: float,
               progress: Progress | None = None) -> list[dict | PipelineError]:
    """One ffmpeg run of `outputs` (outputs[i] writes jobs[i]'s variant to its `partial_path`),
    then `finish_each`: each variant's record, or the error that kept it from its final name.
    Raises `RenderError` when the run fails, its partial files removed."""
    if not jobs:
        return []
    partials = [partial_path(job.plan.variant.output) for job in jobs]
    plan = jobs[0].plan
    try:
        run_graph(ffmpeg.merge_outputs(*outputs), plan.variant.output,
                  f"{what} {', '.join(job.plan.variant.stem for job in jobs)}",
                  plan.master.duration, progress)
    except BaseException:
        for partial in partials:
            partial.unlink(missing_ok=True)
        raise
    return finish_each(jobs, partials, started)


def in_order(failed: dict[int, PipelineError], made: Iterable[dict | PipelineError],
             count: int) -> list[dict | PipelineError]:
    """`count` results by index: `failed`'s where it has one, else the next of `made`."""
    rest = iter(made)
    return [failed[index] if index in failed else next(rest) for index in range(count)]


def _alone(plan: VariantPlan, cache: HashCache, threads: int) -> dict | PipelineError:
    try:
        return render_variant(plan, cache, threads=threads)
    except PipelineError as exc:
        return exc
