"""Progress people can read: rich bars on a terminal, one plain line per event elsewhere."""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, TextIO

from pipeline.cli.language import said, widest, word
from pipeline.cli.outcomes import STATUS
from pipeline.media.ffmpeg import stopping
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.render import costs
from pipeline.render.reporting import Outcome, Shared
from pipeline.render.schedule import own_cost
from pipeline.render.variants import Plan, VariantPlan


def can_redraw(stream: TextIO | None = None) -> bool:
    """A terminal that can move its cursor: a tty whose TERM is not dumb."""
    stream = stream or sys.stdout
    return stream.isatty() and os.environ.get("TERM", "") not in ("dumb", "unknown")


def work_of(plan: VariantPlan) -> float:
    """A stale variant's share of a render's work, in estimated CPU seconds (the schedule's
    `Unit.cost`, which `Reporter.expect` may give instead once the units are built); a remake
    only makes the files beside its variant again: a copy's checks, poster and records."""
    if plan.remake:
        return costs.FINISH
    return max(own_cost(plan), 0.01)


class PlainReporter:
    """One line per started and finished variant: for logs, CI and pipes."""

    def __init__(self, plan: Plan, stream: TextIO | None = None, quiet: bool = False):
        self.total = sum(1 for v in plan.variants if v.status == "stale")
        self.done = 0
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.running: set[str] = set()
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
        with self._lock:
            self.running.add(plan.variant.key)
        self._line(f"[{self.done}/{self.total}] {_word(START)} {plan.variant.key}")

    def progress(self, plan: VariantPlan, fraction: float) -> None:
        return None

    def finished(self, outcome: Outcome) -> None:
        if outcome.status not in ("rendered", "remade", "failed"):
            return
        with self._lock:
            self.done += 1
            self.running.discard(outcome.plan.variant.key)
        self._line(f"[{self.done}/{self.total}] {_word(ended(outcome.status))} "
                   f"{outcome.plan.variant.key} {outcome.seconds:.1f}s")

    def expect(self, shared: list[Shared], work: dict[str, float] | None = None) -> None:
        return None

    # Shared work has lines of its own: a log silent for the minutes of a shared picture's
    # encode read as a hung render.
    def shared_started(self, shared: Shared) -> None:
        with self._lock:
            self.running.add(named(shared))
        self._line(f"[{self.done}/{self.total}] {_word(START)} {named(shared)}")

    def shared_progress(self, shared: Shared, fraction: float) -> None:
        return None

    def shared_finished(self, shared: Shared, seconds: float, failed: bool) -> None:
        with self._lock:
            self.running.discard(named(shared))
        self._line(f"[{self.done}/{self.total}] {_word(ended('failed') if failed else MADE)} "
                   f"{named(shared)} {seconds:.1f}s")


# A plain line's words: what starts, what shared work made, and a job Ctrl-C ended.
START, MADE, STOPPED = N_("start"), N_("made"), N_("stopped")


def named(shared: Shared) -> str:
    """What a display calls shared work, in the terminal's language ("... picture" was English
    in a Spanish terminal's bars and lines)."""
    return said(shared.detail, shared.label)


def ended(status: str) -> str:
    """The word of a job's end: its status's, but "stopped" for one that failed because Ctrl-C
    killed its ffmpeg (a trial's log of an interrupted render said "failed" of two, and a
    grep for failures would have paged someone)."""
    return STOPPED if status == "failed" and stopping() else STATUS[status]


def _word(english: str) -> str:
    """`english` in the terminal's language, padded to the widest of a line's words (8 cells in
    English: "start   ", "rendered")."""
    width = widest((START, MADE, STOPPED,
                    *(STATUS[status] for status in ("rendered", "remade", "failed"))), 8)
    return f"{word(english):<{width}}"


def make_reporter(plan: Plan, quiet: bool = False, transient: bool = False):
    """Bars on a terminal that can redraw lines; plain lines on a pipe, a file or TERM=dumb
    (none with `quiet`, nor with `transient`: that caller reports outcomes itself)."""
    if can_redraw() and not quiet:
        from pipeline.cli.bars import RichReporter
        return RichReporter(plan, transient=transient)
    return PlainReporter(plan, quiet=quiet or transient)


def planning_text(count: int, width: int) -> str:
    """What the planning spinner says of `count` manifests, the longest telling that fits a
    terminal `width` cells wide beside the spinner: wrapped, the 80-column terminal of a trial
    kept its first line behind on each redraw."""
    what = (say_count(N_plural("%(count)s manifest", "%(count)s manifests"), count, count=count)
            if count != 1 else say(N_("the manifest")))
    tellings = [said(say(N_("planning: reading %(what)s, probing the masters, hashing and "
                            "checking the inputs..."), what=what)),
                said(say(N_("planning: reading %(what)s, probing and hashing..."), what=what)),
                said(say(N_("planning...")))]
    return next((text for text in tellings if len(text) + 2 < width), tellings[-1])


@contextmanager
def planning(count: int, quiet: bool = False) -> Iterator[None]:
    """On a terminal, a spinner saying what runs before any bar can: planning probes every
    master and hashes every input (seconds for a campaign of 21 languages, minutes with cold
    caches on a network disk), and a terminal that shows nothing then looks hung."""
    if quiet or not can_redraw():
        yield
        return
    from rich.console import Console
    console = Console(highlight=False)
    status = console.status(planning_text(count, console.width))
    # Shown after two seconds only: a plan from warm caches (a render with nothing to do) leaves
    # the terminal as it was, no cursor codes.
    timer = threading.Timer(2.0, status.start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        status.stop()
