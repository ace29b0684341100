"""ffmpeg and ffprobe: locating them once, and running ffmpeg with progress and clean errors."""

from __future__ import annotations

import functools
import logging
import os
import re
import shlex
import shutil
import subprocess
import threading
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Callable, Iterable, Sequence

from pipeline.errors import MediaError, RenderError
from pipeline.messages import N_, say

log = logging.getLogger(__name__)


INSTALL_HINT = say(N_("install it with %(apt)s (or %(make)s), or point $FFMPEG and $FFPROBE at "
                     "the binaries"), apt="'apt-get install ffmpeg'", make="'make setup'")


@functools.cache
def ffmpeg_binary() -> str:
    return _locate("FFMPEG", "ffmpeg")


@functools.cache
def ffprobe_binary() -> str:
    return _locate("FFPROBE", "ffprobe")


def _locate(variable: str, name: str) -> str:
    configured = os.environ.get(variable)
    found = shutil.which(configured or name)
    if not found:
        where = f"${variable}={configured!r}" if configured else \
            say(N_("%(name)s on PATH"), name=repr(name))
        raise MediaError(say(N_("%(name)s not found (%(where)s)"), name=name, where=where),
                         hint=INSTALL_HINT)
    return found


def ffmpeg_identity() -> str:
    """What changes when the ffmpeg binary does, without running it."""
    stat = os.stat(ffmpeg_binary())
    return f"{ffmpeg_binary()}:{stat.st_size}:{stat.st_mtime_ns}"


@functools.cache
def ffmpeg_version() -> str:
    """The first line of `ffmpeg -version`: part of every fingerprint."""
    out = subprocess.run([ffmpeg_binary(), "-hide_banner", "-version"], capture_output=True,
                         text=True, check=False).stdout
    return out.splitlines()[0].strip() if out else "unknown"


def ffmpeg_release(version: str) -> str:
    """`ffmpeg 5.1.9-0+deb12u1` from `ffmpeg_version`'s line ("ffmpeg version 5.1.9-0+deb12u1
    Copyright (c) 2000-2026 the FFmpeg developers"): what a certificate names, without the
    copyright banner; the line as it is when it has another shape."""
    found = re.match(r"ffmpeg version (\S+)", version)
    return f"ffmpeg {found.group(1)}" if found else version


Progress = Callable[[float], None]  # seconds of output written so far

# The ffmpeg processes running now, and whether new ones may start (see `stop_jobs`).
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()


def stopping() -> bool:
    """Whether a batch is being wound down after Ctrl-C (`stop_jobs`): a job failing now was
    killed, not failed."""
    return _stopping.is_set()


def stop_jobs(futures: Iterable[Future]) -> None:
    """After Ctrl-C, wind a batch of jobs down: those not started are cancelled; the ffmpeg
    processes of those running are killed and no new one starts; returns once every running
    job has ended, having cleaned its partial files. A further Ctrl-C meanwhile does not cut
    this short: it takes a moment, and cutting it would leave those files behind.

    Killed, not asked: ffmpeg takes SIGTERM, and the terminal's SIGINT, as "finish the file",
    so x264 encoded the frames in its lookahead and every trailer was written, for partial
    files deleted right after (12-25 s on the demo campaign). A SIGINT sent to this process
    alone never reaches them either."""
    futures = [future for future in futures if not future.cancel()]
    _stopping.set()
    try:
        with _running_lock:
            for process in _running:
                process.kill()
        while futures:
            try:
                wait(futures)
            except KeyboardInterrupt:
                pass
            futures = [future for future in futures if not future.done()]
    finally:
        _stopping.clear()


def run_ffmpeg(args: Sequence[str], *, what: str, path: Path | str | None = None,
               progress: Progress | None = None, frame_rate: float | None = None) -> str:
    """Run ffmpeg with `args` (without the binary); return stderr; raise `RenderError` on failure.

    With `progress`, ffmpeg's `-progress` key=value stream on stdout feeds it the output time:
    counted in frames at `frame_rate` (frames a second of the first picture output) when given
    (`_follow_progress`).
    """
    command = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y"]
    if progress:
        # Four reports a second, not ffmpeg's two: a short render's bar moves, not only ends.
        command += ["-progress", "pipe:1", "-stats_period", "0.25", "-nostats"]
    command += list(args)
    log.info("%s", shlex.join(command))
    with _running_lock:
        if _stopping.is_set():
            raise RenderError(say(N_("ffmpeg not started for %(what)s: interrupted"), what=what),
                              path)
        process = subprocess.Popen(command, stdout=subprocess.PIPE if progress else subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, errors="replace")
        _running.add(process)
    try:
        stderr, returncode = _wait(process, progress, frame_rate)
    finally:
        with _running_lock:
            _running.discard(process)
    full = next((line for line in stderr.splitlines() if any(
        sign in line for sign in DISK_FULL)), None)
    if full is not None:
        # ffmpeg exits 0 when the disk fills as it writes the trailer: a trial's full disk was
        # said to be a master to export again ("ffprobe cannot read this file").
        folder = Path(path).parent if path is not None else Path.cwd()
        raise RenderError(say(N_("the disk is full: ffmpeg could not write while %(what)s "
                                 "(%(said)s)"), what=what, said=full.strip()), path,
                          hint=say(N_("free space on the disk of %(folder)s (df -h shows it), "
                                      "then run the command again: what was made before is "
                                      "kept"), folder=str(folder)))
    if returncode != 0:
        tail = [line for line in stderr.splitlines() if line.strip()][-15:]
        raise RenderError(say(N_("ffmpeg failed while %(what)s (exit %(code)s)"), what=what,
                              code=returncode), path,
                          stderr_tail="\n".join(tail))
    return stderr


# ffmpeg's words (strerror's) when a file system refuses a write for want of room.
DISK_FULL = ("No space left on device", "Disk quota exceeded")


def _wait(process: subprocess.Popen, progress: Progress | None,
          frame_rate: float | None = None) -> tuple[str, int]:
    """ffmpeg's stderr and exit code, once it ended; `progress` fed on the way."""
    with process:
        if progress:
            # stderr is drained beside stdout, or a chatty ffmpeg blocks on a full pipe; the
            # reader is always joined before the pipes close, whatever happens on stdout.
            collected: list[str] = []
            reader = threading.Thread(target=lambda: collected.extend(process.stderr), daemon=True)
            reader.start()
            try:
                _follow_progress(process.stdout, progress, frame_rate)
            except BaseException:   # Ctrl-C: ffmpeg got the SIGINT too; make sure it stops
                process.kill()
                raise
            finally:
                process.wait()
                reader.join()
            stderr = "".join(collected)
        else:
            stderr = process.stderr.read()
        return stderr, process.wait()


def _follow_progress(lines, progress: Progress, frame_rate: float | None = None) -> None:
    """Feed `progress` the output time from ffmpeg's `-progress` stream, to its end: its
    `out_time_us`, or with `frame_rate` its `frame` count at that rate. ffmpeg 5.1 cuts each
    report at about 1,000 bytes, and one of many outputs (a spot's 31 burned languages) spends
    them on each output's `stream_N_q` before `out_time_us`: a trial's render showed 41.4 % for
    five minutes. `frame` comes first.

    A display that fails must not fail the render nor leave ffmpeg blocked on a full pipe: the
    failure is logged once, progress stops, and the stream is still read to the end.
    """
    key = "frame=" if frame_rate else "out_time_us="
    scale = frame_rate if frame_rate else 1e6
    for line in lines:
        if progress is None or not line.startswith(key):
            continue
        value = line.split("=", 1)[1].strip()
        if not value.lstrip("-").isdigit():
            continue
        try:
            progress(max(0, int(value)) / scale)
        except Exception as exc:  # noqa: BLE001 - any display bug; the render goes on
            log.warning("warning: the progress display failed (%s: %s); rendering goes on",
                        type(exc).__name__, exc)
            log.debug("progress display failure", exc_info=True)
            progress = None


def escape_filter_value(value: str) -> str:
    """A filter option value written into a filtergraph string by hand: escaped for the option
    parser, then for the graph parser (ffmpeg's two levels of escaping)."""
    for char in "\\':":
        value = value.replace(char, "\\" + char)
    for char in "\\'[],;":
        value = value.replace(char, "\\" + char)
    return value
