"""Files still being written: waited for until they stop changing, so that watch checks and
renders a file copied in whole, not the part of it copied so far; each file on its own
(`Waits`), so that a save is not held up by a copy beside it.

A translator or the media team often copies a file into a watched folder (a 100 MB dub from a
network share or a USB stick takes many seconds), and the watcher reports the first writes long
before the last: a WAV whose header lists more sound than is there yet, a subtitle file cut in
the middle of a cue. A file has settled when its size and modification time (its `Signature`)
stay the same over `STEADY_POLLS` polls `POLL_INTERVAL` seconds apart.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, warning
from pipeline.render.intermediates import size_text

Signature = tuple[int, int]   # (size in bytes, modification time in nanoseconds)
Growing = tuple[tuple[Path, int], ...]   # files still changing, with their sizes in bytes

# Settled: unchanged for 1 s, at three polls 0.5 s apart. A copy writes many times a second
# (cp, Explorer and Finder write 128 KiB to 1 MiB at a time: even 1 MB/s over a VPN to a share
# is several writes a second), so a second without one means the writer has stopped; an
# editor's save is over in milliseconds, so a translator's save waits 1 s more than before.
# Two polls of 0.5 s rather than one of 1 s see the last write, and a stop, sooner. A copy
# that stalls for longer is checked as it is then (cut short: an error at the file) and
# again when its next write changes the file.
POLL_INTERVAL = 0.5        # seconds
STEADY_POLLS = 2
# A save settles in 1 s; only a copy takes longer than this, and it is said then, once.
NOTICE_AFTER = 2.0         # seconds
# Long enough for the largest delivery over a slow link (a 30-minute stereo 24-bit programme
# is 520 MB: 9 minutes at 1 MB/s; a 60 s 5.1 dub is 52 MB), short enough that a file which
# never stops growing (a recorder writing into the folder) holds the watcher up for minutes,
# not for ever: after it, the file is checked as it is, with a warning.
GIVE_UP_AFTER = 600.0      # seconds


def signature(path: Path) -> Signature | None:
    """The file's size and modification time; None when it is not there (or not readable)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass(frozen=True)
class Settled:
    """What a wait found: each file's signature at its end (None: not there), and the files
    still changing when it gave up on them, after `seconds`."""

    signatures: dict[Path, Signature | None]
    growing: tuple[Path, ...] = ()
    seconds: float = 0.0           # how long the wait was

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """One warning at each file that had not settled when the wait gave up."""
        return tuple(warning(
            f"still being written after {_span(self.seconds)} "
            f"({size_text(self.signatures[path][0])} so far): checked as it is now",
            path, hint="if it is still being copied, it is checked again once it stops changing",
            code="still-growing") for path in self.growing)


def _span(seconds: float) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 90 else f"{seconds:.0f} s"


@dataclass
class _Wait:
    """One file waited for: its signature at the last look, when that was, how many looks in a
    row found it unchanged, and since when it is waited for (time.monotonic() seconds)."""

    last: Signature | None
    looked: float
    since: float
    steady: int = 0
    changed: bool = False     # a look found it changed since it was named
    told: bool = False        # said to be still copying


class Waits:
    """Files waited for until they settle, each on its own: a translator's save, settled in a
    second, is handed on while a 500 MB dub copied beside it is still being written (waited
    for together, the save waited minutes behind the dub). Each file is looked at `interval`
    seconds after its last look; it is said once (`poll`'s noticed files) when it has been
    waited for `notice_after` seconds, and handed on as it is, with a warning, when it is still
    changing after `limit` seconds (counted from when it was first named: a copy's later writes,
    naming it again, do not restart its wait). A file that is not there has settled."""

    def __init__(self, *, interval: float = POLL_INTERVAL, notice_after: float = NOTICE_AFTER,
                 limit: float = GIVE_UP_AFTER):
        self.interval, self.notice_after, self.limit = interval, notice_after, limit
        self._files: dict[Path, _Wait] = {}

    def __bool__(self) -> bool:
        return bool(self._files)

    @property
    def paths(self) -> set[Path]:
        """The files still waited for."""
        return set(self._files)

    @property
    def changing(self) -> set[Path]:
        """The files still waited for that a look found changed since they were named: copies
        going on, where the others may be saves about to settle."""
        return {path for path, wait in self._files.items() if wait.changed}

    def add(self, paths: Iterable[Path]) -> None:
        """Wait for `paths` too; a file already waited for keeps its wait."""
        now = time.monotonic()
        for path in paths:
            if path not in self._files:
                self._files[path] = _Wait(signature(path), now, now)

    def next_look(self) -> float:
        """Seconds until a file is due to be looked at again (0: now; `interval` when none is
        waited for)."""
        now = time.monotonic()
        return max(0.0, min((wait.looked + self.interval - now
                             for wait in self._files.values()), default=self.interval))

    def poll(self) -> tuple[Settled, Growing]:
        """Look at the files due (`interval` seconds since their last look): those that have
        settled, or been given up on (`Settled.growing`), are waited for no more and returned
        with their signatures; with the files to be said still being copied, each once, with
        its size in bytes."""
        now = time.monotonic()
        done: dict[Path, Signature | None] = {}
        given_up, noticed, longest = [], [], 0.0
        for path in sorted(self._files):
            wait = self._files[path]
            if now - wait.looked < self.interval:
                continue
            current = signature(path)
            wait.steady = wait.steady + 1 if current == wait.last else 0
            wait.changed = wait.changed or current != wait.last
            wait.last, wait.looked = current, now
            waited = now - wait.since
            if current is None or wait.steady >= STEADY_POLLS:
                done[path] = current
            elif waited >= self.limit and wait.steady == 0:
                # Unchanged at this look, it gets the next one to settle: a render that held
                # the watcher past the limit does not make a finished copy "still written".
                done[path] = current
                given_up.append(path)
                longest = max(longest, waited)
            elif waited >= self.notice_after and not wait.told:
                wait.told = True
                noticed.append((path, current[0]))
        for path in done:
            del self._files[path]
        return Settled(done, tuple(given_up), longest), tuple(noticed)

