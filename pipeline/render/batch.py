"""Rendering a plan: stale variants in parallel, longest first, keeping going past failures."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from pipeline.errors import PipelineError, RenderError, ValidationError, internal_error
from pipeline.files import remove_abandoned_work_folders
from pipeline.messages import N_, say

# What to look at when the machine refused a render's file (a full disk, a folder not writable).
FOLDERS_HINT = say(N_("check free space, permissions, and that its folders are folders"))
DASK_INSTALL = "pip install '.[dask]'"      # a command, said as it is typed
from pipeline.media.ffmpeg import stop_jobs
from pipeline.render import costs
from pipeline.render.failures import forget_failure, remember_failure
from pipeline.render.machine import cores, memory_budget_mib
from pipeline.render.pictures import render_picture_group
from pipeline.render.stored_record import read_record
from pipeline.render.variants import Plan, VariantPlan
from pipeline.render.remake import remake_beside
from pipeline.render.reporting import (ENCODED_SHARE, Outcome, Reporter, Shared,
                                       estimated_cost, shared_work, variant_work)
from pipeline.render.remote import Store, fetch_outputs, render_on_worker, upload_inputs
from pipeline.render.remuxes import render_remux_group
from pipeline.render.schedule import Unit, build_units
from pipeline.render.strays import in_the_way
from pipeline.render.treatments import prepare_audio, render_variant

log = logging.getLogger(__name__)

# Units that encode a picture: never more at once than cores (more would only share them).
ENCODES = ("pictures", "master")


class NotStarted(PipelineError):
    """What a variant that --fail-fast kept from starting is held back by: not an error of its
    own, and not reported as one."""


def _held_back(plan: VariantPlan, error: PipelineError) -> Outcome:
    """The outcome of a variant whose work cannot be done: what it needs failed, or was never
    started."""
    return Outcome(plan, "not started" if isinstance(error, NotStarted) else "failed", error=error)


def render_plan(plan: Plan, *, jobs: int = 1, fail_fast: bool = False,
                reporter: Reporter | None = None, scheduler: str | None = None,
                store: Store | None = None) -> list[Outcome]:
    """Render every stale variant; blocked and up-to-date ones are reported, not run.

    With `scheduler` (a Dask address such as tcp://host:8786) the renders run on that cluster's
    workers instead of local threads; with `store` too, inputs and outputs travel through that
    object store instead of a shared file system.
    """
    remove_abandoned_work_folders()     # a render killed before: its encodes in /tmp
    outcomes: list[Outcome] = []
    todo, remakes = [], []

    def record(outcome: Outcome) -> None:
        _remember(outcome)
        outcomes.append(outcome)
        if reporter:
            reporter.finished(outcome)

    early: list[Outcome] = []
    for variant in plan.variants:
        if variant.status == "stale" and (obstacle := in_the_way(variant.variant)):
            early.append(Outcome(variant, "failed", error=obstacle))   # not its group's others
        elif variant.status == "stale":
            (remakes if variant.remake else todo).append(variant)
        else:     # no memo to write or delete (`_remember`)
            early.append(Outcome(variant, "blocked") if variant.status == "blocked" else
                         Outcome(variant, "up-to-date",
                                 record=read_record(variant.variant.record_path)))
    todo.sort(key=estimated_cost, reverse=True)
    units = None if scheduler else build_units(todo, cores=cores(), slots=jobs,
                                               memory_mib=memory_budget_mib())
    # The shared work announced before any outcome moves the display's total (which would
    # fall back, else, when the work joins it), and the variants weighed by their units' costs.
    shares = {id(unit): shared for unit in units or () if (shared := shared_work(unit))}
    if reporter:
        weights = {key: work for unit in units or () for key, work in variant_work(unit).items()}
        reporter.expect(list(shares.values()), weights)
    for outcome in early:
        record(outcome)

    try:
        # Here, whatever the executor: a frame or a sound read from a file on this disk.
        if not _remake_locally(plan, remakes, jobs, reporter, record) and fail_fast:
            stopped = NotStarted("not started: an earlier variant failed and --fail-fast is on")
            for variant in todo:
                record(_held_back(variant, stopped))
            return outcomes
        if scheduler:
            _render_on_dask(plan, todo, scheduler, fail_fast, reporter, record, store)
        else:
            _render_locally(plan, units, shares, jobs, fail_fast, reporter, record)
    finally:
        plan.save_caches()
    return outcomes


def _remember(outcome: Outcome) -> None:
    """A failed variant's memo written, a rendered one's deleted (render/failures.py): what
    `plan` and `publish` say of a variant without a file. A variant --fail-fast kept from
    starting did not fail; an up-to-date one keeps any memo of a forced render that failed."""
    variant = outcome.plan.variant
    try:
        if outcome.status == "failed" and outcome.error is not None:
            remember_failure(outcome.plan, outcome.error)
        elif outcome.status in ("rendered", "remade"):
            forget_failure(variant)
    except OSError as exc:   # the failure itself is reported all the same
        log.warning("%s: warning: the memo of its %s could not be %s (%s): 'pipeline plan' and "
                    "'pipeline publish' cannot tell", variant.failure_path,
                    "failure" if outcome.status == "failed" else "earlier failure",
                    "written" if outcome.status == "failed" else "deleted",
                    exc.strerror or exc)


def _remake_locally(plan: Plan, remakes: list[VariantPlan], jobs: int,
                    reporter: Reporter | None, record) -> bool:
    """The files beside up-to-date variants made again (render/remake.py), `jobs` at once;
    False if any could not be."""
    def remake(variant: VariantPlan) -> Outcome:
        if reporter:
            reporter.started(variant)
        started = time.monotonic()
        try:
            made = remake_beside(variant, plan.caches[variant.variant.manifest.output_dir])
        except PipelineError as exc:
            return Outcome(variant, "failed", time.monotonic() - started, error=exc)
        except OSError as exc:
            return Outcome(variant, "failed", time.monotonic() - started, error=RenderError(
                say(N_("the files beside it could not be made again: %(reason)s"),
                    reason=exc.strerror or str(exc)),
                exc.filename or variant.variant.output, hint=FOLDERS_HINT))
        return Outcome(variant, "remade", time.monotonic() - started, record=made)

    ok = True
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, cores())),
                            thread_name_prefix="remake") as pool:
        for outcome in pool.map(remake, remakes):
            ok = ok and outcome.status == "remade"
            record(outcome)
    return ok


def _render_locally(plan: Plan, waiting: list[Unit], shares: dict[int, Shared], jobs: int,
                    fail_fast: bool, reporter: Reporter | None, record) -> None:
    """Run the units of `schedule.build_units` (`waiting`; `shares`, the work of those that
    make what variants share, by id) on `jobs` threads: each as soon as what it needs
    is made and the memory of the units running allows, the longest chain of work first. At
    most as many picture encodes as cores; the other units (audio, copies) run beside them in
    the slots left (default_jobs: one more than cores), not after them, but no more processes
    than cores while an encode still waits."""
    machine_cores, budget = cores(), memory_budget_mib()
    running: dict[Future, Unit] = {}
    finished: set[int] = set()
    failed: dict[int, PipelineError] = {}
    stop = threading.Event()

    def execute(unit: Unit, threads: int) -> tuple[list[Outcome], PipelineError | None]:
        variants = unit.variants
        if stop.is_set():
            error = NotStarted("not started: an earlier variant failed and --fail-fast is on")
            return [_held_back(v, error) for v in variants], error
        shared = shares.get(id(unit))
        if reporter:
            for variant in variants:
                reporter.started(variant)
            if shared:
                reporter.shared_started(shared)

        def progress(fraction: float) -> None:
            if shared:
                reporter.shared_progress(shared, fraction)
            # ffmpeg's own fraction ends with its encode; the checks of the file (probe, meter
            # reading, certificate, record) follow: a trial's masters sat at 100 % for 4 s.
            for variant in variants:
                reporter.progress(variant, fraction * ENCODED_SHARE)

        cache = plan.caches[unit.first.variant.manifest.output_dir]
        report = progress if reporter else None
        started, error = time.monotonic(), None
        try:
            if unit.kind == "audio":
                prepare_audio(unit.plans[0], cache)
                results: list = []
            elif unit.kind == "pictures":
                results = render_picture_group(unit.plans, unit.shared, cache, threads=threads,
                                               progress=report)
            elif unit.kind == "remux":
                results = render_remux_group(unit.plans, cache, threads=threads, progress=report)
            else:
                results = [render_variant(unit.plans[0], cache, threads=threads, progress=report)]
        except PipelineError as exc:
            error, results = exc, [exc] * len(variants)
        except OSError as exc:   # the machine's (a full disk, an output folder not writable)
            error = RenderError(say(N_("the render could not use this path: %(reason)s"),
                                    reason=exc.strerror or str(exc)),
                                exc.filename or unit.first.variant.output, hint=FOLDERS_HINT)
            results = [error] * len(variants)
        except Exception as exc:  # noqa: BLE001 - a bug fails its variants, not the batch
            log.debug("internal error in %s", unit.first.variant.key, exc_info=True)
            error = internal_error(exc, unit.first.variant.output)
            results = [error] * len(variants)
        seconds = time.monotonic() - started
        if reporter and shared:
            reporter.shared_finished(shared, seconds, failed=error is not None)
        # One ffmpeg made a group's pictures (or copies): its time is not any one variant's.
        outcomes = [Outcome(v, "failed", seconds, error=r, together=len(variants))
                    if isinstance(r, PipelineError) else
                    Outcome(v, "rendered", seconds, record=r, together=len(variants))
                    for v, r in zip(variants, results)]
        for outcome in outcomes:
            if outcome.record is not None:
                # The record's sha256 is of these bytes: the next plan, which checks the file
                # is still the one rendered, does not read it again.
                with contextlib.suppress(OSError):
                    cache.known(outcome.plan.variant.output, outcome.record["sha256"])
        if fail_fast and (error or any(o.status == "failed" for o in outcomes)):
            stop.set()
        return outcomes, error

    def drop_blocked(unit: Unit) -> None:
        """A remux unit's variants whose audio or picture was not made fail with that error;
        the others are copied all the same."""
        kept = []
        for plan, needs in zip(unit.plans, unit.needs_of):
            blocked = next((failed[id(n)] for n in needs if id(n) in failed), None)
            if blocked is None:
                kept.append((plan, needs))
            else:
                record(_held_back(plan, blocked))
        unit.plans, unit.needs_of = [plan for plan, _ in kept], [needs for _, needs in kept]
        if kept:   # else the unit is blocked below, with no variant left to report
            unit.needs = list({id(n): n for _, needs in kept for n in needs}.values())

    def start_ready(pool: ThreadPoolExecutor) -> None:
        ready = sorted((u for u in waiting if all(id(n) in finished for n in u.needs)),
                       key=lambda u: u.rank, reverse=True)
        encodes_waiting = sum(u.kind in ENCODES for u in waiting)
        for unit in ready:
            if unit.needs_of and any(id(n) in failed for n in unit.needs):
                drop_blocked(unit)
            blocked = next((failed[id(n)] for n in unit.needs if id(n) in failed), None)
            if blocked is not None:  # what it needs was not made: its variants fail with that
                encodes_waiting -= unit.kind in ENCODES
                waiting.remove(unit)
                finished.add(id(unit))
                failed[id(unit)] = blocked
                for variant in unit.variants:
                    record(_held_back(variant, blocked))
                continue
            in_use = sum(u.memory for u in running.values())
            encoding = sum(u.kind in ENCODES for u in running.values())
            if unit.kind in ENCODES:
                limit = jobs if encoding < machine_cores else 0
            elif encodes_waiting and encoding < machine_cores:
                # An encode waits for a core (or for its audio): the other units keep to the
                # cores, so that the audio it waits for is not slowed by a third process.
                limit = min(jobs, machine_cores)
            else:
                limit = jobs
            if len(running) >= limit or (running and in_use + unit.memory > budget):
                continue
            threads = costs.x264_threads(max(1, unit.encoders), 1 + encoding, machine_cores)
            encodes_waiting -= unit.kind in ENCODES
            waiting.remove(unit)
            running[pool.submit(execute, unit, threads)] = unit

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render") as pool:
        try:
            while waiting or running:
                start_ready(pool)
                if not running:
                    continue  # only units whose needs failed were left: recorded above
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    unit = running.pop(future)
                    outcomes, error = future.result()
                    for outcome in outcomes:
                        record(outcome)
                    finished.add(id(unit))
                    if error is not None:
                        failed[id(unit)] = error
        except KeyboardInterrupt:
            stop.set()
            stop_jobs(running)
            raise


def _render_on_dask(plan: Plan, todo: list[VariantPlan], scheduler: str, fail_fast: bool,
                    reporter: Reporter | None, record, store: Store | None) -> None:
    """Without a store, workers share the output folder's file system with this machine (or
    mount it at the same path): inputs are read and outputs written there, as locally."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise PipelineError(say(N_("the Dask executor needs the %(package)s package"),
                                package="'distributed'"),
                            hint=DASK_INSTALL) from None
    target = store.open() if store else None
    if target is not None:
        upload_inputs(todo, target)
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise PipelineError(say(N_("cannot reach the Dask scheduler at %(scheduler)s: %(reason)s"),
                                scheduler=scheduler, reason=str(exc)),
                            hint=say(N_("start one with %(command)s and point --scheduler at it"),
                                     command="'dask scheduler'")) from None
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
        seen = set()
        for future in as_completed(futures):
            seen.add(future)
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
                    # Those not reported yet report nothing now (cancelled, or done meanwhile):
                    # each is counted, as not started.
                    stopped = NotStarted("not started: an earlier variant failed and "
                                         "--fail-fast is on")
                    for other, held in futures.items():
                        if other not in seen:
                            record(_held_back(held, stopped))
                    break
            else:
                record(Outcome(variant, "rendered", seconds, record=result))
