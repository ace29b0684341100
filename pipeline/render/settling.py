"""Files still being written: waited for until they stop changing, so that watch checks and
renders a file copied in whole, not the part of it copied so far.

A translator or the media team often copies a file into a watched folder (a 100 MB dub from a
network share or a USB stick takes many seconds), and the watcher reports the first writes long
before the last: a WAV whose header lists more sound than is there yet, a subtitle file cut in
the middle of a cue. A file has settled when its size and modification time (its `Signature`)
stay the same over `STEADY_POLLS` polls `POLL_INTERVAL` seconds apart.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

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
    still changing when `seconds` ran out."""

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


def wait_until_settled(paths: Iterable[Path], *, stop_event: threading.Event | None = None,
                       on_waiting: Callable[[Growing], None] | None = None,
                       interval: float = POLL_INTERVAL, notice_after: float = NOTICE_AFTER,
                       limit: float = GIVE_UP_AFTER) -> Settled | None:
    """Wait until every file of `paths` that exists has settled (`interval` seconds between
    polls), or `limit` seconds have passed; None if `stop_event` was set meanwhile (checked at
    every poll). `on_waiting(growing)` is called once, with the files still changing and their
    sizes, if the wait lasts `notice_after` seconds. A file that disappears has settled."""
    start = time.monotonic()
    pause = stop_event or threading.Event()   # never set: a plain sleep of `interval`
    last = {path: signature(path) for path in paths}
    steady = dict.fromkeys(last, 0)           # polls in a row that found the file unchanged
    told = False
    while waiting := [path for path in sorted(last)
                      if last[path] is not None and steady[path] < STEADY_POLLS]:
        waited = time.monotonic() - start
        if waited >= limit:
            return Settled(last, tuple(waiting), waited)
        if waited >= notice_after and not told and on_waiting is not None:
            told = True
            on_waiting(tuple((path, last[path][0]) for path in waiting))
        if pause.wait(interval):
            return None
        for path in waiting:
            now = signature(path)
            steady[path] = steady[path] + 1 if now == last[path] else 0
            last[path] = now
    return Settled(last, (), time.monotonic() - start)
