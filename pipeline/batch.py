"""Rendering a plan: stale variants in parallel, longest first, keeping going past failures."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal, Protocol

from .errors import PipelineError
from .plan import Plan, VariantPlan
from .render import render_variant

OutcomeStatus = Literal["rendered", "up-to-date", "failed", "blocked"]

# Memory one 1080p x264 `medium` encode needs at most (MEASURED.md: 532 MiB peak RSS).
MEMORY_PER_JOB = 600 * 1024 * 1024


@dataclass
class Outcome:
    plan: VariantPlan
    status: OutcomeStatus
    seconds: float = 0.0
    error: PipelineError | None = None
    record: dict | None = None


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


def encoder_threads(jobs: int) -> int:
    """x264 threads per job so that N jobs together do not oversubscribe the cores (0: auto)."""
    if jobs <= 1:
        return 0
    cores = os.cpu_count() or 1
    return max(1, cores // jobs)


def estimated_cost(plan: VariantPlan) -> float:
    """Relative cost, to start the longest jobs first: a new picture costs ~100x a remux."""
    profile = plan.variant.profile
    seconds = plan.master.duration if plan.master else 0.0
    if plan.variant.language.treatment == "burn":
        return seconds * profile.width * profile.height / 1e4
    return seconds


def render_plan(plan: Plan, *, jobs: int = 1, fail_fast: bool = False,
                reporter: Reporter | None = None) -> list[Outcome]:
    """Render every stale variant; blocked and up-to-date ones are reported, not run."""
    outcomes: list[Outcome] = []
    todo = []
    for variant in plan.variants:
        if variant.status == "stale":
            todo.append(variant)
        else:
            outcome = Outcome(variant, "blocked" if variant.status == "blocked" else "up-to-date")
            outcomes.append(outcome)
            if reporter:
                reporter.finished(outcome)
    todo.sort(key=estimated_cost, reverse=True)
    threads = encoder_threads(jobs)
    cache_of = {id(v): plan.caches[v.variant.manifest.output_dir] for v in todo}
    stop = threading.Event()

    def run(variant: VariantPlan) -> Outcome:
        if stop.is_set():
            return Outcome(variant, "failed", error=PipelineError("not started: an earlier variant failed "
                                                                  "and --fail-fast is on"))
        if reporter:
            reporter.started(variant)
        started = time.monotonic()
        try:
            record = render_variant(variant, cache_of[id(variant)], threads=threads,
                                    progress=(lambda f: reporter.progress(variant, f)) if reporter else None)
        except PipelineError as exc:
            if fail_fast:
                stop.set()
            return Outcome(variant, "failed", time.monotonic() - started, error=exc)
        return Outcome(variant, "rendered", time.monotonic() - started, record=record)

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="render") as pool:
        pending: set[Future] = {pool.submit(run, variant) for variant in todo}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    outcome = future.result()
                    outcomes.append(outcome)
                    if reporter:
                        reporter.finished(outcome)
        except KeyboardInterrupt:
            # ffmpeg got the same SIGINT; let the workers clean their partial files, then stop.
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            plan.save_caches()
    return outcomes
