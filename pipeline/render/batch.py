"""Rendering a plan: stale variants in parallel, longest first, keeping going past failures."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal, Protocol

from pipeline.errors import (
    Diagnostic,
    PipelineError,
    ValidationError,
    diagnostic_from_json,
    internal_error,
)
from pipeline.media.conform import master_fits
from pipeline.media.ffmpeg import stop_jobs
from pipeline.render.plan import Plan, VariantPlan, read_record
from pipeline.render.remote import Store, fetch_outputs, render_on_worker, upload_inputs
from pipeline.render.treatments import render_burn_group, render_variant

log = logging.getLogger(__name__)

OutcomeStatus = Literal["rendered", "up-to-date", "failed", "blocked"]

# A master's encode against a burn's (ProRes 422 HQ, the slowest, measured ~1.5x libx264 medium
# per frame here, plus the leader).
MASTER_COST = 2.0

# Memory one 1080p x264 `medium` encode needs at most (MEASURED.md: 532 MiB peak RSS).
MEMORY_PER_JOB = 600 * 1024 * 1024


@dataclass
class Outcome:
    plan: VariantPlan
    status: OutcomeStatus
    seconds: float = 0.0
    error: PipelineError | None = None
    record: dict | None = None            # of a rendered or up-to-date variant

    @property
    def warnings(self) -> list[Diagnostic]:
        """QC warnings of the variant as rendered (its record: inputs and output), or of its
        inputs when it failed."""
        if self.record is not None:
            return [diagnostic_from_json(w) for w in (self.record.get("qc") or {}).get("warnings", [])]
        return list(self.plan.warnings) if self.status == "failed" else []


class Reporter(Protocol):
    def started(self, plan: VariantPlan) -> None: ...
    def progress(self, plan: VariantPlan, fraction: float) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


def default_jobs() -> int:
    """As many jobs as cores, fewer when memory would not hold that many 1080p encoders."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return cores
    return max(1, min(cores, memory // MEMORY_PER_JOB))


def encoder_threads(running: int) -> int:
    """x264 threads per job so that the jobs running together do not oversubscribe the cores;
    a job that runs alone (the last one, or a re-render of one language) gets them all (0: auto)."""
    if running <= 1:
        return 0
    cores = os.cpu_count() or 1
    return max(1, cores // running)


def picture_cost(plan: VariantPlan) -> float:
    profile = plan.variant.profile
    seconds = plan.master.duration if plan.master else 0.0
    return seconds * profile.width * profile.height / 1e4


def estimated_cost(plan: VariantPlan) -> float:
    """Relative cost, to start the longest jobs first: a new picture costs ~100x a remux; a
    master encodes its whole picture, leader included, whatever its treatment."""
    if plan.variant.profile.mastered:
        return picture_cost(plan) * MASTER_COST
    if plan.variant.language.treatment == "burn":
        return picture_cost(plan)
    return plan.master.duration if plan.master else 0.0


def render_plan(plan: Plan, *, jobs: int = 1, fail_fast: bool = False,
                reporter: Reporter | None = None, scheduler: str | None = None,
                store: Store | None = None) -> list[Outcome]:
    """Render every stale variant; blocked and up-to-date ones are reported, not run.

    With `scheduler` (a Dask address such as tcp://host:8786) the renders run on that cluster's
    workers instead of local threads; with `store` too, inputs and outputs travel through that
    object store instead of a shared file system.
    """
    outcomes: list[Outcome] = []
    todo = []
    for variant in plan.variants:
        if variant.status == "stale":
            todo.append(variant)
        else:
            outcome = (Outcome(variant, "blocked") if variant.status == "blocked" else
                       Outcome(variant, "up-to-date", record=read_record(variant.variant.record_path)))
            outcomes.append(outcome)
            if reporter:
                reporter.finished(outcome)
    todo.sort(key=estimated_cost, reverse=True)

    def record(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if reporter:
            reporter.finished(outcome)

    try:
        if scheduler:
            _render_on_dask(plan, todo, scheduler, fail_fast, reporter, record, store)
        else:
            _render_locally(plan, todo, jobs, fail_fast, reporter, record)
    finally:
        plan.save_caches()
    return outcomes


# Burned languages of one spot and profile share one decode, up to this many encoders in one
# ffmpeg process (MEASURED.md: split=4 ran in 0.83x the wall time of separate runs, ~1 GiB).
MAX_BURN_GROUP = 4


def work_units(todo: list[VariantPlan], jobs: int) -> list[list[VariantPlan]]:
    """What each ffmpeg job renders: one variant, or a group of burned variants that share a
    decode, cut into enough groups to keep every job slot busy; longest first."""
    groups: dict[tuple, list[VariantPlan]] = defaultdict(list)
    units = []
    for plan in todo:
        v = plan.variant
        if v.language.treatment == "burn" and not v.profile.mastered:   # a master has its own leader
            groups[(v.manifest.output_dir, v.manifest.campaign, v.spot.id, v.profile.name)].append(plan)
        else:
            units.append([plan])
    for members in groups.values():
        size = min(MAX_BURN_GROUP, math.ceil(len(members) / min(jobs, len(members))))
        units += [members[i:i + size] for i in range(0, len(members), size)]
    # The first remux of a spot and profile whose master does not fit also encodes the picture
    # the others share: it goes early, so the others do not wait for it holding a job slot.
    picture_owner = {}
    for unit in units:
        v = unit[0].variant
        if v.language.treatment != "burn" and not v.profile.mastered and not v.profile.audio_only \
                and unit[0].conform \
                and not master_fits(unit[0].conform, v.profile):
            picture_owner.setdefault((v.manifest.output_dir, v.spot.id, v.profile.name), id(unit))

    def cost(unit: list[VariantPlan]) -> float:
        extra = picture_cost(unit[0]) if id(unit) in picture_owner.values() else 0.0
        return sum(map(estimated_cost, unit)) + extra

    units.sort(key=cost, reverse=True)
    return units


def _render_locally(plan: Plan, todo: list[VariantPlan], jobs: int, fail_fast: bool,
                    reporter: Reporter | None, record) -> None:
    units = work_units(todo, jobs)
    unfinished = [len(units)]
    lock = threading.Lock()
    stop = threading.Event()

    def run(unit: list[VariantPlan]) -> list[Outcome]:
        with lock:
            threads = encoder_threads(min(jobs, unfinished[0]))
        try:
            return _run_unit(unit, threads)
        finally:
            with lock:
                unfinished[0] -= 1

    def _run_unit(unit: list[VariantPlan], threads: int) -> list[Outcome]:
        if stop.is_set():
            return [Outcome(v, "failed", error=PipelineError("not started: an earlier variant failed "
                                                             "and --fail-fast is on")) for v in unit]
        if reporter:
            for variant in unit:
                reporter.started(variant)

        def progress(fraction: float) -> None:
            for variant in unit:
                reporter.progress(variant, fraction)

        cache = plan.caches[unit[0].variant.manifest.output_dir]
        started = time.monotonic()
        try:
            if len(unit) == 1:
                results = [render_variant(unit[0], cache, threads=threads,
                                          progress=progress if reporter else None)]
            else:
                results = render_burn_group(unit, cache, threads=threads,
                                            progress=progress if reporter else None)
        except PipelineError as exc:
            results = [exc] * len(unit)
        except Exception as exc:  # noqa: BLE001 - a bug fails its variants, not the batch
            log.debug("internal error while rendering %s", unit[0].variant.key, exc_info=True)
            results = [internal_error(exc, unit[0].variant.output)] * len(unit)
        seconds = time.monotonic() - started
        outcomes = [Outcome(v, "failed", seconds, error=r) if isinstance(r, PipelineError)
                    else Outcome(v, "rendered", seconds, record=r) for v, r in zip(unit, results)]
        if fail_fast and any(o.status == "failed" for o in outcomes):
            stop.set()
        return outcomes

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render") as pool:
        pending: set[Future] = {pool.submit(run, unit) for unit in units}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for outcome in future.result():
                        record(outcome)
        except KeyboardInterrupt:
            stop.set()
            stop_jobs(pending)
            raise


def _render_on_dask(plan: Plan, todo: list[VariantPlan], scheduler: str, fail_fast: bool,
                    reporter: Reporter | None, record, store: Store | None) -> None:
    """Without a store, workers share the output folder's file system with this machine (or
    mount it at the same path): inputs are read and outputs written there, as locally."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise PipelineError("the Dask executor needs the 'distributed' package",
                            hint="pip install '.[dask]'") from None
    target = store.open() if store else None
    if target is not None:
        upload_inputs(todo, target)
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise PipelineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                            hint="start one with 'dask scheduler' and point --scheduler at it") from None
    with client:
        futures = {}
        for variant in todo:
            key = f"render-{variant.variant.key}-{variant.fingerprint[:12]}"
            cache_path = str(plan.caches[variant.variant.manifest.output_dir].path)
            future = client.submit(render_on_worker, variant, store, cache_path, key=key,
                                   priority=int(estimated_cost(variant)), pure=False)
            futures[future] = variant
            if reporter:
                reporter.started(variant)
        for future in as_completed(futures):
            variant = futures[future]
            result, diagnostics, seconds = future.result()
            if result is not None and target is not None:
                try:
                    fetch_outputs(variant, result, target)
                except PipelineError as exc:
                    result, diagnostics = None, exc.diagnostics
            if result is None:
                record(Outcome(variant, "failed", seconds, error=ValidationError(diagnostics)))
                if fail_fast:
                    client.cancel([f for f in futures if not f.done()])
                    break
            else:
                record(Outcome(variant, "rendered", seconds, record=result))
