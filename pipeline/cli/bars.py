"""Rich progress bars on a terminal that can redraw its lines (imported only there: rich takes
a tenth of a second to import, which a piped or quiet run need not pay)."""

from __future__ import annotations

import threading
import time

from rich.cells import cell_len
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table
from rich.text import Text

from pipeline.cli.language import said, widest, word
from pipeline.messages import N_, N_plural, say_count
from pipeline.render.reporting import ENCODED_SHARE, Outcome, Shared
from pipeline.render.variants import Plan, VariantPlan
from pipeline.cli.common import shorten
from pipeline.cli.progress import ended, named, work_of


class KeyColumn(ProgressColumn):
    """A variant's key (or the overall count) in `width` cells, shortened from the left when it
    does not fit: the end (language and profile) is what tells variants apart; the overall
    row's count that does not fit is its figures alone ("84/364"). Shown as plain text: no
    markup, no highlighting of its numbers."""

    def __init__(self, width: int):
        self.width = width
        super().__init__(table_column=Column(width=width, no_wrap=True))

    def render(self, task: Task) -> Text:
        text = task.description
        if cell_len(text) > self.width and task.fields.get("short"):
            text = task.fields["short"]
        return Text(shorten(text, self.width), no_wrap=True, overflow="crop")


# Columns after the key, in the order they are given up when the terminal is narrow (the
# remaining time first), each with the cells it needs; the percentage is never given up.
PERCENT_CELLS = 6          # "100.0%"
OPTIONAL_CELLS = {"speed": 6, "elapsed": 7, "remaining": 7}
# What the speed column says of work that reports no speed: a track being levelled, a file
# being checked after its encode. The column is as wide as the longest in the terminal's
# language (a Spanish terminal's read "nivel…" and "revis…" in 6 cells).
LEVEL, CHECK = N_("level"), N_("check")
DROP_ORDER = ("remaining", "elapsed", "speed")
KEY_CELLS = (12, 45)       # the key column's least and most width
BAR_CELLS = (10, 40)       # the bar's least and most width


def optional_cells() -> dict[str, int]:
    """The optional columns' cells, the speed column's as wide as its words (`LEVEL`, `CHECK`)
    in the terminal's language."""
    return OPTIONAL_CELLS | {"speed": widest((LEVEL, CHECK), OPTIONAL_CELLS["speed"])}


def layout(width: int, key_cells: int, optional: dict[str, int] = OPTIONAL_CELLS
           ) -> tuple[int, int, tuple[str, ...]]:
    """(key width, bar width or 0 for no bar, optional columns kept) for a terminal `width`
    cells wide whose longest key is `key_cells` wide and whose optional columns take
    `optional` cells each; every line fits in `width`."""
    kept = [name for name in optional]
    key_wanted = max(KEY_CELLS[0], min(key_cells, KEY_CELLS[1]))

    def room(columns: list[str], bar: bool) -> int:
        cells = [PERCENT_CELLS] + [optional[c] for c in columns]
        separators = len(cells) + (1 if bar else 0)   # one space between two columns
        return width - sum(cells) - separators

    for name in DROP_ORDER:
        if room(kept, True) >= min(key_wanted, 24) + BAR_CELLS[0]:
            break
        kept.remove(name)
    available = room(kept, True)
    if available < KEY_CELLS[0] + BAR_CELLS[0]:
        return max(1, room(kept, False)), 0, tuple(kept)
    key = min(key_wanted, available - BAR_CELLS[0])
    return key, min(BAR_CELLS[1], available - key), tuple(kept)


class RemainingColumn(TimeRemainingColumn):
    """rich's remaining time, but for the overall row: the time so far times the work left over
    the work done. rich's own estimate is the speed of the last 30 s, which a total that moved
    only when a variant ended froze for minutes ("0:00:20" for five minutes of a campaign's
    render), and which the uneven rate of a batch (audio first, then encodes, then copies)
    would make jump."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("overall") or task.finished:
            return super().render(task)
        done = task.completed / task.total if task.total else 0.0
        if done <= 0.005 or task.elapsed is None:   # too little done to say anything yet
            return Text("-:--:--", style="progress.remaining")
        seconds = int(task.elapsed * (1 - done) / done)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"{hours:d}:{minutes:02d}:{seconds:02d}", style="progress.remaining")


class Bars(Progress):
    """rich's Progress, laid out again for the terminal's width at every refresh, so that no
    line is ever wider than the terminal (a wrapped line would break the redraw)."""

    def __init__(self, console: Console, transient: bool = False):
        self._layouts: dict[tuple, tuple[ProgressColumn, ...]] = {}
        self._width_of = console   # rich renders once while building, before `self.console` exists
        self._longest = 0          # the widest key so far: columns do not jump as variants end
        self._optional = optional_cells()
        super().__init__(console=console, transient=transient)

    def make_tasks_table(self, tasks) -> Table:
        tasks = [task for task in tasks if task.visible]
        self._longest = max([self._longest, *(cell_len(task.description) for task in tasks)])
        self.columns = self._columns(layout(self._width_of.width, self._longest, self._optional))
        return super().make_tasks_table(tasks)

    def _columns(self, plan: tuple[int, int, tuple[str, ...]]) -> tuple[ProgressColumn, ...]:
        if plan not in self._layouts:
            key, bar, kept = plan
            columns: list[ProgressColumn] = [KeyColumn(key)]
            if bar:
                columns.append(BarColumn(bar_width=bar))
            columns.append(TextColumn("{task.percentage:>5.1f}%", markup=False,
                                      table_column=Column(width=PERCENT_CELLS, no_wrap=True)))
            speed = self._optional["speed"]
            optional = {"speed": TextColumn(f"{{task.fields[speed]:>{speed}}}", markup=False,
                                            table_column=Column(width=speed, no_wrap=True)),
                        "elapsed": TimeElapsedColumn(), "remaining": RemainingColumn()}
            columns += [optional[name] for name in self._optional if name in kept]
            self._layouts[plan] = tuple(columns)
        return self._layouts[plan]


class RichReporter:
    """Overall work done with an ETA, and a bar with speed per running variant and per running
    piece of shared work (a levelled track, a picture soft, dub and mix variants share).

    The overall row says the variants done of those to render ("84/364 variants") and the work
    done, not the variants finished: each variant's fraction weighted by its expected cost in
    estimated CPU seconds (progress.work_of, then its unit's share, `reporting.variant_work`),
    and the shared work's (`reporting.shared_work`), so that it moves while the long encodes
    run and its share of the work is about its share of the time; with ~80 variants the running
    bars do not all fit, and that row is what is read.

    `transient`: the bars vanish when the batch ends and no line is printed per variant (for
    `watch`, which reports each change's outcomes itself).
    """

    def __init__(self, plan: Plan, transient: bool = False, console: Console | None = None):
        stale = [v for v in plan.variants if v.status == "stale"]
        self.total = len(stale)
        self.done = 0                             # variants whose work is over
        self.transient = transient
        self.running: set[str] = set()
        self._work = {v.variant.key: work_of(v) for v in stale}
        self._done: dict[str | int, float] = {}   # key: fraction of its work done
        # highlight=False: numbers and paths in variant keys are not coloured as if they meant
        # something; NO_COLOR is honoured by rich itself.
        self._bars = Bars(console or Console(highlight=False), transient=transient)
        self._overall: TaskID | None = None
        self._tasks: dict[str | int, tuple[TaskID, float]] = {}
        self._lock = threading.Lock()

    def __enter__(self):
        if self.total:   # nothing to render (all up to date): no display at all
            self._bars.__enter__()
            self._overall = self._bars.add_task(
                self._count(), short=f"{self.done}/{self.total}",
                total=sum(self._work.values()) or 1.0, speed="", overall=True)
        return self

    def _count(self) -> str:
        """The overall row's key: the variants done of those to render ("84/364 variants"; the
        row said "364 variants" until the end)."""
        return said(say_count(N_plural("%(done)s/%(count)s variant", "%(done)s/%(count)s variants"),
                              self.total, done=self.done, count=self.total))

    def __exit__(self, *exc) -> None:
        if self.total:
            self._bars.__exit__(*exc)

    def _advance(self, key: str, fraction: float) -> None:
        """The overall row at the work done, with `key` at `fraction` (never backwards: a
        two-pass encode's report, say, or a bar restarted)."""
        with self._lock:
            self._done[key] = max(self._done.get(key, 0.0), min(1.0, fraction))
            done = sum(self._work.get(k, 0.0) * f for k, f in self._done.items())
        if self._overall is not None:
            self._bars.update(self._overall, completed=done)

    def expect(self, shared: list[Shared], work: dict[str, float] | None = None) -> None:
        """The overall row's total grows by the work variants share, before any of it runs, and
        the variants are weighed by the costs of the units that make them (`work`)."""
        with self._lock:
            self._work.update((key, weight) for key, weight in (work or {}).items()
                              if key in self._work)
            self._work.update((item.key, item.work) for item in shared)
            total = sum(self._work.values()) or 1.0
        if self._overall is not None:
            self._bars.update(self._overall, total=total)

    def shared_started(self, shared: Shared) -> None:
        # A track's levelling reports no progress: its row says what it does meanwhile.
        speed = word(LEVEL) if shared.kind == "audio" else ""
        with self._lock:
            task = self._bars.add_task(named(shared), total=1.0, speed=speed)
            self._tasks[shared.key] = (task, time.monotonic())
            self.running.add(named(shared))

    def shared_progress(self, shared: Shared, fraction: float) -> None:
        self._moved(shared.key, fraction, shared.seconds)

    def shared_finished(self, shared: Shared, seconds: float, failed: bool) -> None:
        with self._lock:
            task, _ = self._tasks.pop(shared.key, (None, 0.0))
            self.running.discard(named(shared))
        if task is not None:
            self._bars.remove_task(task)
        if failed and not self.transient:    # its variants' errors say why, under the table
            self._bars.console.print(Text.assemble((word(ended("failed")), "red"),
                                                   f" {named(shared)} {seconds:.1f}s"))
        self._advance(shared.key, 1.0)

    def started(self, plan: VariantPlan) -> None:
        with self._lock:
            task = self._bars.add_task(plan.variant.key, total=1.0, speed="")
            self._tasks[plan.variant.key] = (task, time.monotonic())
            self.running.add(plan.variant.key)

    def progress(self, plan: VariantPlan, fraction: float) -> None:
        self._moved(plan.variant.key, fraction, plan.master.duration if plan.master else 0,
                    checked=fraction >= ENCODED_SHARE)

    def _moved(self, key, fraction: float, duration: float, checked: bool = False) -> None:
        """The row of `key` (a variant's, or shared work's) at `fraction` of its work, with
        its speed (media seconds of a `duration`-second spot a second), and the overall row."""
        with self._lock:
            task, started = self._tasks.get(key, (None, 0.0))
        if task is None:
            return
        elapsed = time.monotonic() - started
        speed = f"{fraction * duration / elapsed:4.1f}x" if elapsed > 0 else ""
        if checked:
            # Encoded: the file is being checked (probed, metered, certified), which takes a
            # TV master seconds; a trial read the bar held still there as hung.
            speed = word(CHECK)
        self._bars.update(task, completed=fraction, speed=speed)
        self._advance(key, fraction)

    def finished(self, outcome: Outcome) -> None:
        if outcome.status not in ("rendered", "remade", "failed"):
            return
        with self._lock:
            task, _ = self._tasks.pop(outcome.plan.variant.key, (None, 0.0))
            self.running.discard(outcome.plan.variant.key)
            self.done += 1
            count, short = self._count(), f"{self.done}/{self.total}"
        if task is not None:
            self._bars.remove_task(task)
        if self._overall is not None:
            self._bars.update(self._overall, description=count, short=short)
        if not self.transient:
            style = "red" if outcome.status == "failed" else "green"
            self._bars.console.print(
                Text.assemble((word(ended(outcome.status)), style),
                              f" {outcome.plan.variant.key} {outcome.seconds:.1f}s"))
        self._advance(outcome.plan.variant.key, 1.0)   # a failed variant's work is over too
