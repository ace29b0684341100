"""Running and measuring what a contender starts: wall time, CPU time, peak memory, load.

Every process is reaped with wait4, which gives its CPU time and peak RSS (and that of the
descendants it reaped: for the pipeline, every ffmpeg it started); the summed RSS of the whole
process tree is sampled from /proc every 50 ms.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

RATE = 48000


class BenchError(Exception):
    pass


# --- binaries ---------------------------------------------------------------------------------

def ffmpeg_binary() -> str:
    found = shutil.which(os.environ.get("FFMPEG") or "ffmpeg")
    if not found:
        raise BenchError("ffmpeg not found (set $FFMPEG or install it: make setup)")
    return found


def ffprobe_binary() -> str:
    found = shutil.which(os.environ.get("FFPROBE") or "ffprobe")
    if not found:
        raise BenchError("ffprobe not found (set $FFPROBE or install it: make setup)")
    return found


def pipeline_binary() -> str:
    beside = Path(sys.executable).parent / "pipeline"
    found = str(beside) if beside.exists() else shutil.which("pipeline")
    if not found:
        raise BenchError("the `pipeline` command is not installed (make setup)")
    return found


# --- running ----------------------------------------------------------------------------------

class Usage:
    """What one measurement's processes used: CPU seconds and the largest peak RSS (wait4)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.largest_kib = 0
        self.cpu_s = 0.0
        self.processes = 0

    def add(self, rusage) -> None:
        with self.lock:
            self.largest_kib = max(self.largest_kib, rusage.ru_maxrss)
            self.cpu_s += rusage.ru_utime + rusage.ru_stime
            self.processes += 1


def run(args: list[str], usage: Usage | None = None, log: Path | None = None,
        what: str = "") -> str:
    """Run a command (argument list, no shell), wait for it with wait4 to get its peak RSS (and
    that of its reaped descendants); return its stderr (or the log's text); raise on failure."""
    if log is not None:
        with open(log, "ab") as out:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
            _, status, rusage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        text = log.read_text(encoding="utf-8", errors="replace")
    else:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        # stderr is read to the end before waiting: nothing blocks on a full pipe.
        text = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        _, status, rusage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if usage is not None:
        usage.add(rusage)
    if process.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-10:])
        raise BenchError(f"{what or args[0]} failed (exit {process.returncode}):\n{tail}")
    return text


def ffmpeg(*args: str, usage: Usage | None = None, what: str = "ffmpeg") -> str:
    return run([ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", *args], usage, what=what)


def probe(path: Path) -> dict:
    return json.loads(subprocess.run(
        [ffprobe_binary(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)], capture_output=True, text=True, check=False).stdout or "{}")


@dataclass
class Task:
    name: str
    run: Callable[[], None]
    after: tuple[str, ...] = ()


def run_tasks(tasks: list[Task], workers: int) -> None:
    """`workers` at a time, each taking the first task (in list order) whose dependencies are done."""
    done: set[str] = set()
    taken: set[str] = set()
    failures: list[BaseException] = []
    condition = threading.Condition()

    def worker() -> None:
        while True:
            with condition:
                while True:
                    if failures or len(taken) == len(tasks):
                        return
                    ready = [t for t in tasks if t.name not in taken and all(d in done for d in t.after)]
                    if ready:
                        task = ready[0]
                        taken.add(task.name)
                        break
                    condition.wait()
            try:
                task.run()
            except BaseException as exc:        # noqa: BLE001 - reported by the caller
                with condition:
                    failures.append(exc)
                    condition.notify_all()
                return
            with condition:
                done.add(task.name)
                condition.notify_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


# --- loudness, as the hand-written contenders do it ---------------------------------------------

_JSON_BLOCK = re.compile(r"\{\s*\"input_i\".*?\}", re.S)


def loudnorm_pass1(path: Path, target: str, usage: Usage | None = None) -> dict:
    """loudnorm's measurement of a file's first audio stream (`-vn`: no picture decode)."""
    err = ffmpeg("-loglevel", "info", "-nostats", "-i", str(path), "-vn", "-sn",
                 "-af", f"{target}:print_format=json", "-f", "null", "-",
                 usage=usage, what=f"measuring {path.name}")
    blocks = _JSON_BLOCK.findall(err)
    if not blocks:
        raise BenchError(f"loudnorm printed no measurement for {path}")
    return json.loads(blocks[-1])


def loudnorm_pass2(target: str, measured: dict) -> str:
    return (f"{target}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
            f":measured_LRA={max(float(measured['input_lra']), 0.0)}"
            f":measured_thresh={measured['input_thresh']}:offset={measured['target_offset']}"
            f":linear=true,aresample={RATE}")


# --- measuring --------------------------------------------------------------------------------

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class TreeSampler:
    """Every 50 ms: the summed RSS of every descendant of this process, and which ffmpegs ran."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_kib = 0
        self.ffmpeg_seen: set[tuple[int, str]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        info: dict[int, tuple[str, str]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    stat = handle.read().decode("utf-8", "replace")
            except OSError:
                continue
            close = stat.rfind(")")
            comm = stat[stat.find("(") + 1:close]
            fields = stat[close + 2:].split()
            pid, ppid = int(name), int(fields[1])
            children.setdefault(ppid, []).append(pid)
            info[pid] = (comm, fields[19])          # starttime tells reused pids apart
        total = 0
        todo = list(children.get(os.getpid(), []))
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                with open(f"/proc/{pid}/statm") as handle:
                    total += int(handle.read().split()[1]) * PAGE_KIB
            except (OSError, IndexError, ValueError):
                continue
            if info[pid][0] == "ffmpeg":
                self.ffmpeg_seen.add((pid, info[pid][1]))
        self.peak_kib = max(self.peak_kib, total)


@dataclass
class Measurement:
    wall: float
    cpu: float                  # user + system seconds of every process started (wait4)
    largest_mib: float
    tree_mib: float
    load: float                 # 1-minute load average when the measurement started
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"wall_s": round(self.wall, 3), "cpu_s": round(self.cpu, 2),
                "largest_process_mib": round(self.largest_mib, 1),
                "tree_sampled_mib": round(self.tree_mib, 1), "loadavg_1min_before": round(self.load, 2),
                **self.extra}


def measure(work: Callable[[Usage], dict | None]) -> Measurement:
    usage = Usage()
    load = os.getloadavg()[0]
    with TreeSampler() as sampler:
        started = time.perf_counter()
        extra = work(usage) or {}
        wall = time.perf_counter() - started
        sampler.sample()
    extra.setdefault("processes", usage.processes)
    extra.setdefault("ffmpeg_processes_sampled", len(sampler.ffmpeg_seen))
    return Measurement(wall, usage.cpu_s, usage.largest_kib / 1024, sampler.peak_kib / 1024, load, extra)
