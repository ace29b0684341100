"""Progress people can read: rich bars on a terminal, one plain line per event elsewhere."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pipeline.render.batch import Outcome
from pipeline.render.plan import Plan, VariantPlan


class PlainReporter:
    """One line per started and finished variant: for logs, CI and pipes."""

    def __init__(self, plan: Plan, stream: TextIO | None = None, quiet: bool = False):
        self.total = sum(1 for v in plan.variants if v.status == "stale")
        self.done = 0
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self._lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def _line(self, text: str) -> None:
        if not self.quiet:
            with self._lock:
                print(text, file=self.stream, flush=True)

    def started(self, plan: VariantPlan) -> None:
        self._line(f"[{self.done}/{self.total}] start    {plan.variant.key}")

    def progress(self, plan: VariantPlan, fraction: float) -> None:
        return None

    def finished(self, outcome: Outcome) -> None:
        if outcome.status not in ("rendered", "failed"):
            return
        with self._lock:
            self.done += 1
        self._line(f"[{self.done}/{self.total}] {outcome.status:<8} {outcome.plan.variant.key} "
                   f"{outcome.seconds:.1f}s")


class RichReporter:
    """Overall variants done / total with an ETA, and a bar with speed per running variant."""

    def __init__(self, plan: Plan):
        self.total = sum(1 for v in plan.variants if v.status == "stale")
        self._bars = Progress(
            TextColumn("{task.description:<45}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
            TextColumn("{task.fields[speed]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=Console(stderr=False, highlight=False), transient=False)
        self._overall: TaskID | None = None
        self._tasks: dict[str, tuple[TaskID, float]] = {}
        self._lock = threading.Lock()

    def __enter__(self):
        self._bars.__enter__()
        self._overall = self._bars.add_task(f"{self.total} variants", total=max(self.total, 1),
                                               speed="")
        return self

    def __exit__(self, *exc) -> None:
        self._bars.__exit__(*exc)

    def started(self, plan: VariantPlan) -> None:
        with self._lock:
            task = self._bars.add_task(plan.variant.key, total=1.0, speed="")
            self._tasks[plan.variant.key] = (task, time.monotonic())

    def progress(self, plan: VariantPlan, fraction: float) -> None:
        with self._lock:
            task, started = self._tasks.get(plan.variant.key, (None, 0.0))
        if task is None:
            return
        elapsed = time.monotonic() - started
        media_seconds = fraction * (plan.master.duration if plan.master else 0)
        speed = f"{media_seconds / elapsed:4.1f}x" if elapsed > 0 else ""
        self._bars.update(task, completed=fraction, speed=speed)

    def finished(self, outcome: Outcome) -> None:
        if outcome.status not in ("rendered", "failed"):
            return
        with self._lock:
            task, _ = self._tasks.pop(outcome.plan.variant.key, (None, 0.0))
        if task is not None:
            self._bars.remove_task(task)
        mark = "[green]rendered[/]" if outcome.status == "rendered" else "[red]failed[/]"
        self._bars.console.print(f"{mark} {escape(outcome.plan.variant.key)} {outcome.seconds:.1f}s")
        self._bars.advance(self._overall, 1)


def make_reporter(plan: Plan, quiet: bool = False):
    """Bars on a terminal that can redraw lines; plain lines on a pipe, a file or TERM=dumb."""
    if sys.stdout.isatty() and not quiet and os.environ.get("TERM", "") not in ("dumb", "unknown"):
        return RichReporter(plan)
    return PlainReporter(plan, quiet=quiet)
