"""One writer at a time in a campaign's output folder.

Two renders of one campaign side by side each planned from what was there when they started:
the older one, still rendering a translator's old subtitles, rewrote the sidecars that a newer
render (of another profile) had just made from the new ones, and its records said otherwise.
`render`, `watch` (around each of its renders) and `clean --delete` hold an exclusive lock on
the campaign folder's lock file for their whole run, planning included: a second one waits
and then plans from what the first left. It is an `fcntl.flock`, so the kernel releases it
when its process ends, however it ends (killed, crashed, the machine's power): there is no
stale lock to remove by hand. The file itself stays, holding who last took the lock (pid, start
time), which a waiting command shows.

`plan`, `validate`, `check` and `publish` take no lock: they write nothing a render writes
(plan keeps only its hash caches, replaced atomically), and every record and variant file is
moved into place whole (files.atomic_output), so `publish` never reads half a record; it may
publish the state before a running render's next variant, as it would a moment earlier.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.errors import PipelineError
from pipeline.messages import N_, Number, say

LOCK_NAME = ".pipeline.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a campaign's lock, as its lock file says."""

    folder: Path
    pid: int | None
    started: float | None        # seconds since the epoch
    command: str = ""


def _read_holder(folder: Path, handle) -> Holder:
    handle.seek(0)
    fields = dict(line.split("=", 1) for line in handle.read().splitlines() if "=" in line)
    try:
        pid = int(fields.get("pid", ""))
    except ValueError:
        pid = None
    try:
        started = float(fields.get("started", ""))
    except ValueError:
        started = None
    return Holder(folder, pid, started, fields.get("command", ""))


class StillLocked(PipelineError):
    """Another command held the campaign's lock for longer than the wait allowed."""


WAIT_POLL = 0.2     # seconds between two tries of a lock waited for with a limit


@contextmanager
def _locked(folder: Path, command: str, on_wait: Callable[[Holder], None] | None,
            until: tuple[float, float] | None) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    # "a+": the holder's details are not truncated away by a command that only waits.
    with open(folder / LOCK_NAME, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(folder, handle)
            if on_wait is not None:
                on_wait(holder)
            if until is None:
                fcntl.flock(handle, fcntl.LOCK_EX)    # Ctrl-C while waiting: KeyboardInterrupt
            else:
                _wait_for(handle, folder, *until)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid={os.getpid()}\nstarted={time.time():.0f}\ncommand={command}\n")
        handle.flush()
        yield


def _wait_for(handle, folder: Path, deadline: float, wait: float) -> None:
    """Take the lock by `deadline` (time.monotonic(); `wait` seconds from the command's start),
    else raise `StillLocked` naming who holds it then: a cron's render behind a hung one
    queued for ever (an operations trial)."""
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                break
            time.sleep(WAIT_POLL)
    holder = _read_holder(folder, handle)
    who = say(N_("pid %(pid)s"), pid=holder.pid) if holder.pid else say(N_("another process"))
    raise StillLocked(say(N_("another %(command)s of this campaign (%(who)s) still holds its "
                             "lock after %(seconds)s s: nothing was done"),
                          command=holder.command or "render", who=who,
                          seconds=Number(wait, "g")), holder.folder / LOCK_NAME,
                      hint=say(N_("let it finish or stop it, then run the command again; "
                                  "--wait sets how long to wait")))


@contextmanager
def campaign_lock(folders: Iterable[Path], command: str,
                  on_wait: Callable[[Holder], None] | None = None,
                  wait: float | None = None) -> Iterator[None]:
    """Hold the lock of every campaign folder in `folders` within; `on_wait(holder)` is called
    before waiting for one another process holds; with `wait`, for at most that many seconds
    in all (`StillLocked` after). Taken in one order (sorted), so that two commands over
    several campaigns cannot each hold one and wait for the other's."""
    until = None if wait is None else (time.monotonic() + wait, wait)
    with ExitStack() as stack:
        for folder in sorted({Path(f).resolve() for f in folders}):
            stack.enter_context(_locked(folder, command, on_wait, until))
        yield
