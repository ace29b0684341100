#!/usr/bin/env python3
"""`make bench`: the pipeline against hand-written ffmpeg, side by side in one run (issue 5).

A campaign of one 1920x1080p25 H.264 master (10 s by default) with 12 languages (4 burn, 4 soft,
4 dub) in the `web` profile is built once under bench/work/. Each round then runs, in an order
that rotates from round to round:

    pipeline  `pipeline render MANIFEST --force` into an empty output folder (no hash or loudness
              cache: every measurement is paid), followed by
      noop    the same command again without --force: everything is up to date
      rerun   one burned language's SRT changed by one character, the command again
    loop      what a media team writes by hand: one ffmpeg per variant, each decoding and
              re-encoding the whole picture (x264 medium crf 20), single-pass loudnorm, one after
              another
    best      the best hand-written commands for the same outputs: one encode per burned
              language, the master's video stream-copied for soft and dub, two-pass loudnorm
              (master measured once, each dub track once), mov_text for soft, 2 at a time

Reported: median wall time per contender, ratios between contenders (median of the per-round
ratios: the contenders of one round ran back to back on the same machine), the issue's targets,
and the peak memory of each run (the largest single process, exact from wait4's ru_maxrss, and
the sum of the whole process tree sampled from /proc every 50 ms). Timings are noisy on shared
machines: read the ratios. Nothing here asserts a timing; the exit code is 0 unless something
failed to run.

    python bench/bench_render.py                       # 3 rounds, 10 s master
    python bench/bench_render.py --quick               # 1 round
    python bench/bench_render.py --seconds 2 --runs 1  # a quick check of the machinery
    python bench/bench_render.py --only pipeline,best  # some contenders only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from pipeline.media.ffmpeg import escape_filter_value

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "results.json"

GENERATOR_VERSION = "3"      # bump when the generated campaign changes: it is made again
WIDTH, HEIGHT, FPS, GOP = 1920, 1080, 25, 50
RATE = 48000
CAMPAIGN = "bench"

# The `web` profile of the contract, as the hand-written contenders spell it.
VIDEO = ["-c:v", "libx264", "-preset", "medium", "-crf", "20", "-profile:v", "high",
         "-pix_fmt", "yuv420p"]
AUDIO = ["-c:a", "aac", "-b:a", "192k", "-ar", str(RATE), "-ac", "2"]
MP4 = ["-movflags", "+faststart", "-f", "mp4"]
LOUDNORM = "loudnorm=I=-16:TP=-1:LRA=11"

# 4 burn, 4 soft, 4 dub; dub tracks mastered at different loudness on purpose.
LANGUAGES = (
    ("nah", "burn"), ("tzh", "burn"), ("zai", "burn"), ("mix", "burn"),
    ("tzo", "soft"), ("ote", "soft"), ("tsz", "soft"), ("amu", "soft"),
    ("yua", "dub"), ("tar", "dub"), ("hch", "dub"), ("mto", "dub"),
)
DUB_GAIN_DB = {"yua": 4.0, "tar": -12.0, "hch": -4.0, "mto": -8.0}   # ~ -14 .. -30 LUFS
# Short enough that a 10 s spot's cues pass the pipeline's reading-speed QC without warnings.
CUE_TEXTS = (
    "Nadie está en venta.",
    "Corazón Azul\ncontra la trata.",
    "Si sabes algo, llama.",
    "Muestra · {code}",
)

TARGETS = {
    "pipeline/loop": 0.40,     # pipeline wall <= 0.40 x the loop's
    "pipeline/best": 1.10,     # pipeline wall <= 1.10 x the best hand-written commands'
    "noop": 1.0,               # seconds
    "rerun_overhead": 1.0,     # seconds over the re-rendered variant's own render time
}
CONTENDERS = ("pipeline", "noop", "rerun", "loop", "best")


class BenchError(Exception):
    pass


# --- tools ------------------------------------------------------------------------------------

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


class Usage:
    """Peak memory of what one measurement started: exact per process (wait4), sampled per tree."""

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


_JSON_BLOCK = re.compile(r"\{\s*\"input_i\".*?\}", re.S)


def loudnorm_pass1(path: Path, usage: Usage | None = None, extra: tuple[str, ...] = ()) -> dict:
    """loudnorm's measurement of a file's first audio stream (`-vn`: no picture decode)."""
    err = ffmpeg("-loglevel", "info", "-nostats", "-i", str(path), "-vn", "-sn", *extra,
                 "-af", f"{LOUDNORM}:print_format=json", "-f", "null", "-",
                 usage=usage, what=f"measuring {path.name}")
    blocks = _JSON_BLOCK.findall(err)
    if not blocks:
        raise BenchError(f"loudnorm printed no measurement for {path}")
    return json.loads(blocks[-1])


def loudnorm_pass2(measured: dict) -> str:
    return (f"{LOUDNORM}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
            f":measured_LRA={max(float(measured['input_lra']), 0.0)}"
            f":measured_thresh={measured['input_thresh']}:offset={measured['target_offset']}"
            f":linear=true,aresample={RATE}")


# --- the campaign -----------------------------------------------------------------------------

@dataclass
class Campaign:
    folder: Path
    seconds: float
    spot: str
    master: Path
    manifest: Path
    out: Path                                   # <out>/<contender>/...

    def srt(self, code: str) -> Path:
        return self.folder / "subtitles" / self.spot / f"{code}.srt"

    def wav(self, code: str) -> Path:
        return self.folder / "audio" / self.spot / f"{code}.wav"

    @property
    def pipeline_out(self) -> Path:
        return self.out / "pipeline"

    def pipeline_record(self, code: str) -> Path:
        return self.pipeline_out / CAMPAIGN / self.spot / f"{self.spot}.{code}.web.json"

    def hand_output(self, contender: str, code: str) -> Path:
        return self.out / contender / f"{self.spot}.{code}.web.mp4"


def seconds_label(seconds: float) -> str:
    return f"{seconds:g}".replace(".", "-")


def make_campaign(seconds: float) -> Campaign:
    """The campaign under bench/work/campaign-<seconds>s/, made once (a stamp says with what)."""
    label = seconds_label(seconds)
    folder = WORK / f"campaign-{label}s"
    spot = f"spot-{label}s"
    campaign = Campaign(folder, seconds, spot, folder / "media" / f"{spot}.mp4",
                        folder / "manifests" / "bench.yaml", WORK / f"out-{label}s")
    stamp = folder / ".stamp"
    key = json.dumps({"version": GENERATOR_VERSION, "seconds": seconds,
                      "languages": LANGUAGES, "gains": DUB_GAIN_DB})
    if stamp.exists() and stamp.read_text() == key and campaign.master.exists():
        return campaign
    print(f"building the campaign in {folder.relative_to(ROOT)} (once) ...", flush=True)
    if folder.exists():
        shutil.rmtree(folder)
    for sub in ("media", "manifests", f"subtitles/{spot}", f"audio/{spot}"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    make_master(campaign)
    for code, treatment in LANGUAGES:
        if treatment in ("burn", "soft"):
            write_srt(campaign.srt(code), code, seconds)
        if treatment == "dub":
            make_dub(campaign.wav(code), seconds, DUB_GAIN_DB[code])
    write_manifest(campaign)
    stamp.write_text(key)
    return campaign


def font_file(pattern: str) -> str:
    found = subprocess.run(["fc-match", "--format=%{file}", pattern], capture_output=True,
                           text=True, check=False).stdout.strip()
    if not found or not Path(found).exists():
        raise BenchError(f"font {pattern!r} not found (apt-get install fonts-noto-core)")
    return found


def make_master(c: Campaign) -> None:
    """Moving gradients with light film grain, a moving test card and a title; music-like audio.
    The grain keeps x264 honest: a flat synthetic picture would encode unrealistically fast. At
    alls=2 one frame costs x264 medium ~0.065 CPU-s, close to MEASURED.md's 30 s master (0.083);
    alls=4 would triple it."""
    d = c.seconds
    bold = escape_filter_value(font_file("Noto Sans:bold"))
    graph = ";".join([
        f"gradients=s={WIDTH}x{HEIGHT}:r={FPS}:d={d}:speed=0.03:nb_colors=3"
        ":c0=0x0b2e6b:c1=0x1d5fbf:c2=0x0a1a3a[bg]",
        f"testsrc2=s=640x360:r={FPS}:d={d}[card]",
        f"[bg][card]overlay=x='200+900*t/{d}':y='120+200*sin(t)',"
        f"drawtext=fontfile='{bold}':text='Blue Heart':fontsize=110:fontcolor=white"
        ":x=(w-tw)/2:y=560:shadowx=3:shadowy=3,"
        "noise=alls=2:allf=t,format=yuv420p[v]",
        f"aevalsrc=exprs='0.12*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*0.5*t))"
        f"+0.08*sin(2*PI*277.2*t)+0.06*sin(2*PI*329.6*t)"
        f"|0.12*sin(2*PI*220.4*t)*(0.6+0.4*cos(2*PI*0.5*t))+0.08*sin(2*PI*330*t)'"
        f":s={RATE}:d={d}[tone]",
        f"anoisesrc=c=pink:a=0.03:r={RATE}:d={d}[hiss]",
        "[tone][hiss]amix=inputs=2:normalize=0,volume=-6dB[a]",
    ])
    partial = c.master.with_name(".partial.mp4")
    ffmpeg("-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", f"{d}",
           "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-preset", "fast",
           "-crf", "18", "-g", str(GOP), "-keyint_min", str(GOP), "-sc_threshold", "0",
           *AUDIO, "-metadata:s:a:0", "language=spa", *MP4, str(partial),
           what="generating the master")
    os.replace(partial, c.master)


def cue_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(path: Path, code: str, seconds: float) -> None:
    """3 or 4 cues spread over the spot."""
    texts = CUE_TEXTS if code in ("nah", "zai", "tzo", "tsz") else CUE_TEXTS[:3]
    slot = seconds / len(texts)
    blocks = []
    for i, text in enumerate(texts):
        start, end = i * slot + 0.1 * slot, (i + 1) * slot - 0.1 * slot
        blocks.append(f"{i + 1}\n{cue_time(start)} --> {cue_time(end)}\n{text.format(code=code)}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")


def make_dub(path: Path, seconds: float, gain_db: float) -> None:
    """A voice-like track (a pitched tone in syllable bursts) over a quiet bed, at some gain."""
    expr = ("0.25*sin(2*PI*(160+40*sin(2*PI*0.7*t))*t)*gt(sin(2*PI*3.1*t),-0.2)"
            "*gt(sin(2*PI*0.37*t+1),-0.6)+0.04*sin(2*PI*110*t)")
    ffmpeg("-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}|{expr}':s={RATE}:d={seconds}",
           "-af", f"volume={gain_db}dB,alimiter=limit=0.89:level=false",
           "-ar", str(RATE), "-ac", "2", "-c:a", "pcm_s16le", "-f", "wav", str(path),
           what=f"generating {path.name}")


def write_manifest(c: Campaign) -> None:
    lines = [
        "# Generated by bench/bench_render.py: the benchmark campaign (issue 5).",
        f"campaign: {CAMPAIGN}",
        'title: "Benchmark campaign"',
        "source_language: spa",
        "spots:",
        f"  - id: {c.spot}",
        f'    title: "Benchmark spot ({c.seconds:g} s)"',
        f"    master: ../media/{c.master.name}",
        "languages:",
        *[f"  - {{code: {code}, treatment: {treatment}}}" for code, treatment in LANGUAGES],
        "profiles: [web]",
        "subtitles_dir: ../subtitles",
        "audio_dir: ../audio",
        f"output_dir: {os.path.relpath(c.pipeline_out, c.manifest.parent)}",
    ]
    c.manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


# --- contender: the pipeline --------------------------------------------------------------------

def pipeline_command(c: Campaign, force: bool) -> list[str]:
    # -v logs every ffmpeg command the pipeline starts: counted below (a no-op must start none).
    return [pipeline_binary(), "-v", "render", str(c.manifest), *(["--force"] if force else [])]


def count_ffmpeg_commands(log_text: str) -> int:
    return sum(1 for line in log_text.splitlines() if re.match(r"^\S*ffmpeg -hide_banner", line))


def rendered_count(log_text: str) -> int | None:
    found = re.findall(r"(\d+) rendered, (\d+) up-to-date", log_text)
    return int(found[-1][0]) if found else None


def run_pipeline(c: Campaign, logs: Path, name: str, force: bool) -> Callable[[Usage], dict]:
    log = logs / f"{name}.log"
    log.unlink(missing_ok=True)

    def work(usage: Usage) -> dict:
        text = run(pipeline_command(c, force), usage, log=log, what=f"pipeline render ({name})")
        return {"ffmpeg_commands": count_ffmpeg_commands(text), "rendered": rendered_count(text)}
    return work


def clean_pipeline_output(c: Campaign) -> None:
    """A fresh output folder: no variants, no records, no .pipeline-cache.json, no .work/."""
    if c.pipeline_out.exists():
        shutil.rmtree(c.pipeline_out)
    c.pipeline_out.mkdir(parents=True)


def pipeline_variants(c: Campaign) -> dict:
    """render_seconds and treatment of each variant, from the records the pipeline wrote."""
    found = {}
    for code, treatment in LANGUAGES:
        record = json.loads(c.pipeline_record(code).read_text(encoding="utf-8"))
        found[code] = {"treatment": treatment, "render_seconds": record["render_seconds"],
                       "loudness_lufs": record["loudness"]["integrated_lufs"],
                       "true_peak_dbtp": record["loudness"]["true_peak_dbtp"]}
    return found


def change_one_subtitle(c: Campaign) -> tuple[str, bytes]:
    """Append one character to the first cue of the first burned language; return what to restore."""
    code = next(code for code, treatment in LANGUAGES if treatment == "burn")
    path = c.srt(code)
    original = path.read_bytes()
    blocks = original.decode("utf-8").split("\n\n")
    blocks[0] = blocks[0].rstrip("\n") + "!"
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    return code, original


# --- contender: the plain loop -----------------------------------------------------------------

def subtitles_filter(srt: Path) -> str:
    return f"subtitles=filename={escape_filter_value(str(srt))}:force_style='Fontname=Noto Sans'"


def loop_command(c: Campaign, code: str, treatment: str, out: Path) -> list[str]:
    master = str(c.master)
    if treatment == "burn":
        return ["-i", master, "-map", "0:v:0", "-map", "0:a:0", "-vf", subtitles_filter(c.srt(code)),
                *VIDEO, "-af", f"{LOUDNORM},aresample={RATE}", *AUDIO, *MP4, str(out)]
    if treatment == "soft":
        return ["-i", master, "-i", str(c.srt(code)), "-map", "0:v:0", "-map", "0:a:0", "-map", "1:s:0",
                *VIDEO, "-af", f"{LOUDNORM},aresample={RATE}", *AUDIO, "-c:s", "mov_text",
                "-metadata:s:s:0", f"language={code}", *MP4, str(out)]
    return ["-i", master, "-i", str(c.wav(code)), "-map", "0:v:0", "-map", "1:a:0", *VIDEO,
            "-af", f"{LOUDNORM},aresample={RATE}", *AUDIO, "-t", f"{c.seconds}",
            "-metadata:s:a:0", f"language={code}", *MP4, str(out)]


def run_loop(c: Campaign) -> Callable[[Usage], dict]:
    folder = c.out / "loop"

    def work(usage: Usage) -> dict:
        for code, treatment in LANGUAGES:
            out = c.hand_output("loop", code)
            ffmpeg("-loglevel", "error", *loop_command(c, code, treatment, out), usage=usage,
                   what=f"loop: {code} ({treatment})")
        return {}
    return prepare(folder, work)


def prepare(folder: Path, work: Callable[[Usage], dict]) -> Callable[[Usage], dict]:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return work


# --- contender: the best hand-written commands ---------------------------------------------------

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


def run_best(c: Campaign, workers: int = 2) -> Callable[[Usage], dict]:
    folder = c.out / "best"
    master = str(c.master)
    audio = folder / "master-audio.m4a"        # the master's audio, normalised once

    def work(usage: Usage) -> dict:
        measured: dict[str, dict] = {}

        def master_audio() -> None:
            found = loudnorm_pass1(c.master, usage)
            ffmpeg("-loglevel", "error", "-i", master, "-map", "0:a:0", "-af", loudnorm_pass2(found),
                   *AUDIO, "-f", "mp4", str(audio), usage=usage, what="best: master audio")

        def burn(code: str) -> None:
            ffmpeg("-loglevel", "error", "-i", master, "-i", str(audio), "-map", "0:v:0",
                   "-map", "1:a:0", "-vf", subtitles_filter(c.srt(code)), *VIDEO, "-c:a", "copy",
                   *MP4, str(c.hand_output("best", code)), usage=usage, what=f"best: burn {code}")

        def soft(code: str) -> None:
            ffmpeg("-loglevel", "error", "-i", master, "-i", str(audio), "-i", str(c.srt(code)),
                   "-map", "0:v:0", "-map", "1:a:0", "-map", "2:s:0", "-c:v", "copy", "-c:a", "copy",
                   "-c:s", "mov_text", "-metadata:s:s:0", f"language={code}", *MP4,
                   str(c.hand_output("best", code)), usage=usage, what=f"best: soft {code}")

        def measure_dub(code: str) -> None:
            measured[code] = loudnorm_pass1(c.wav(code), usage)

        def dub(code: str) -> None:
            ffmpeg("-loglevel", "error", "-i", master, "-i", str(c.wav(code)), "-map", "0:v:0",
                   "-map", "1:a:0", "-c:v", "copy", "-af", loudnorm_pass2(measured[code]), *AUDIO,
                   "-t", f"{c.seconds}", "-metadata:s:a:0", f"language={code}", *MP4,
                   str(c.hand_output("best", code)), usage=usage, what=f"best: dub {code}")

        by = {t: [code for code, treatment in LANGUAGES if treatment == t] for t in ("burn", "soft", "dub")}
        # Longest first; a worker waiting for the master's audio measures a dub track meanwhile.
        tasks = [Task("master-audio", master_audio)]
        tasks += [Task(f"burn:{code}", lambda code=code: burn(code), ("master-audio",)) for code in by["burn"]]
        tasks += [Task(f"measure:{code}", lambda code=code: measure_dub(code)) for code in by["dub"]]
        tasks += [Task(f"dub:{code}", lambda code=code: dub(code), (f"measure:{code}",)) for code in by["dub"]]
        tasks += [Task(f"soft:{code}", lambda code=code: soft(code), ("master-audio",)) for code in by["soft"]]
        run_tasks(tasks, workers)
        return {"workers": workers}
    return prepare(folder, work)


def run_solo_burn(c: Campaign, code: str) -> Callable[[Usage], dict]:
    """Reference for the re-run: one burned variant by hand, alone on the machine."""
    folder = c.out / "solo"

    def work(usage: Usage) -> dict:
        ffmpeg("-loglevel", "error", *loop_command(c, code, "burn", folder / f"{code}.mp4"),
               usage=usage, what=f"solo burn {code}")
        return {}
    return prepare(folder, work)


# --- checking what the hand-written contenders made (untimed) -------------------------------------

def check_outputs(c: Campaign, contender: str) -> dict:
    """Every output is a 1920x1080 H.264 + AAC 48 kHz MP4 of the master's length (soft: with a
    subtitle track); its loudness as measured. Not timed."""
    problems, loudness = [], {}
    for code, treatment in LANGUAGES:
        path = c.hand_output(contender, code)
        if not path.exists():
            problems.append(f"{code}: missing")
            continue
        data = json.loads(subprocess.run(
            [ffprobe_binary(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
             str(path)], capture_output=True, text=True, check=False).stdout or "{}")
        kinds = {s.get("codec_type"): s for s in data.get("streams", [])}
        video, audio = kinds.get("video", {}), kinds.get("audio", {})
        if (video.get("codec_name"), video.get("width"), video.get("height")) != ("h264", WIDTH, HEIGHT):
            problems.append(f"{code}: picture {video.get('codec_name')} {video.get('width')}x{video.get('height')}")
        if (audio.get("codec_name"), audio.get("sample_rate")) != ("aac", str(RATE)):
            problems.append(f"{code}: audio {audio.get('codec_name')} {audio.get('sample_rate')}")
        if treatment == "soft" and "subtitle" not in kinds:
            problems.append(f"{code}: no subtitle track")
        duration = float(data.get("format", {}).get("duration") or 0)
        if abs(duration - c.seconds) > 0.1:
            problems.append(f"{code}: duration {duration:.3f} s")
        found = loudnorm_pass1(path)
        loudness[code] = {"lufs": float(found["input_i"]), "true_peak_dbtp": float(found["input_tp"])}
    return {"ok": not problems, "problems": problems, "loudness": loudness}


# --- the run ------------------------------------------------------------------------------------

def code_state() -> dict:
    """The commit, and the pipeline files that differ from it: other people edit the pipeline while
    it is measured, so each pipeline run says which code it ran."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "pipeline"],
                           capture_output=True, text=True, check=False).stdout.split("\n")
    return {"commit": commit, "pipeline_files_changed": [line[3:] for line in dirty if line.strip()]}


def machine() -> dict:
    version = subprocess.run([ffmpeg_binary(), "-hide_banner", "-version"], capture_output=True,
                             text=True, check=False).stdout.splitlines()
    x264 = subprocess.run([ffmpeg_binary(), "-hide_banner", "-h", "encoder=libx264"],
                          capture_output=True, text=True, check=False).returncode == 0
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), "")
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    code = code_state()
    pipeline_version = subprocess.run([pipeline_binary(), "--version"], capture_output=True, text=True,
                                      check=False).stdout.strip()
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "memory_gib": round(memory / 2**30, 1),
            "ffmpeg": version[0] if version else "unknown", "libx264": x264,
            "python": platform.python_version(), "kernel": platform.release(),
            "pipeline": pipeline_version, "git_commit": code["commit"],
            "pipeline_files_changed_since_commit": code["pipeline_files_changed"],
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="one round (same as --runs 1)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the master (default 10)")
    parser.add_argument("--only", default=",".join(CONTENDERS),
                        help=f"comma-separated subset of {','.join(CONTENDERS)}")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON (default bench/results.json)")
    parser.add_argument("--no-check", action="store_true", help="skip the untimed output checks")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(CONTENDERS)
    if unknown or runs < 1:
        parser.error(f"unknown contender(s): {', '.join(sorted(unknown))}" if unknown else "--runs must be >= 1")

    campaign = make_campaign(args.seconds)
    logs = campaign.out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"{info['nproc']} cores, {info['cpu']}, {info['ffmpeg']}", flush=True)
    print(f"campaign: {campaign.manifest.relative_to(ROOT)} ({args.seconds:g} s master, "
          f"{len(LANGUAGES)} languages), {runs} round(s): {', '.join(only)}", flush=True)

    results: dict[str, list[Measurement]] = {name: [] for name in CONTENDERS + ("solo-burn",)}
    checks: dict[str, dict] = {}
    variants: list[dict] = []
    rerun_notes: list[dict] = []
    groups = [g for g in ("pipeline", "loop", "best")
              if g in only or (g == "pipeline" and ({"noop", "rerun"} & set(only)))]

    def record(name: str, m: Measurement, round_no: int) -> None:
        results[name].append(m)
        extra = " ".join(f"{k}={v}" for k, v in m.extra.items() if v is not None and k != "code")
        if "code" in m.extra:
            changed = m.extra["code"]["pipeline_files_changed"]
            extra += f" code={m.extra['code']['commit']}{'+' + ','.join(changed) if changed else ''}"
        print(f"  round {round_no}  {name:<9} {m.wall:8.2f} s  cpu {m.cpu:7.1f} s  load {m.load:4.1f}  largest {m.largest_mib:6.0f} MiB  "
              f"tree {m.tree_mib:6.0f} MiB  {extra}", flush=True)

    try:
        for round_no in range(1, runs + 1):
            order = groups[(round_no - 1) % len(groups):] + groups[:(round_no - 1) % len(groups)]
            print(f"round {round_no}/{runs}: {' -> '.join(order)}", flush=True)
            for group in order:
                if group == "pipeline":
                    run_pipeline_group(campaign, logs, only, round_no, record, variants, rerun_notes)
                else:
                    work = run_loop(campaign) if group == "loop" else run_best(campaign)
                    record(group, measure(work), round_no)
                    if not args.no_check and group not in checks:
                        checks[group] = check_outputs(campaign, group)
                        if not checks[group]["ok"]:
                            print(f"  {group}: output problems: {checks[group]['problems']}", flush=True)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130

    info["git_commit_at_end"] = code_state()["commit"]
    summary = summarise(results, runs, variants, rerun_notes)
    print_table(summary)
    write_results(args.output, info, campaign, runs, only, summary, results, checks, variants, rerun_notes)
    return 0


def run_pipeline_group(c: Campaign, logs: Path, only: list[str], round_no: int, record,
                       variants: list[dict], rerun_notes: list[dict]) -> None:
    if "pipeline" in only:
        clean_pipeline_output(c)
        code = code_state()
        m = measure(run_pipeline(c, logs, f"pipeline-{round_no}", force=True))
        m.extra["code"] = code
        record("pipeline", m, round_no)
        variants.append(pipeline_variants(c))
    else:   # only the re-runs are measured: bring the output up to date first, untimed
        run(pipeline_command(c, force=False), log=logs / f"setup-{round_no}.log", what="pipeline render (setup)")
    if "noop" in only:
        record("noop", measure(run_pipeline(c, logs, f"noop-{round_no}", force=False)), round_no)
    if "rerun" in only:
        code, original = change_one_subtitle(c)
        before = json.loads(c.pipeline_record(code).read_text())["render_seconds"]
        try:
            m = measure(run_pipeline(c, logs, f"rerun-{round_no}", force=False))
        finally:
            c.srt(code).write_bytes(original)
        after = json.loads(c.pipeline_record(code).read_text())["render_seconds"]
        m.extra.update({"language": code, "render_seconds": after,
                        "render_seconds_in_full_run": before,
                        "overhead_s": round(m.wall - after, 3)})
        record("rerun", m, round_no)
        # What the same variant costs by hand, alone on the machine (x264 on every core).
        solo = measure(run_solo_burn(c, code))
        record("solo-burn", solo, round_no)
        rerun_notes.append({"language": code, "wall_s": round(m.wall, 3), "render_seconds": after,
                            "render_seconds_in_full_run": before, "solo_hand_burn_s": round(solo.wall, 3)})


def summarise(results: dict[str, list[Measurement]], runs: int, variants: list[dict],
              rerun_notes: list[dict]) -> dict:
    out: dict = {"contenders": {}, "ratios": {}, "targets": {}}
    for name, ms in results.items():
        if not ms:
            continue
        walls = [m.wall for m in ms]
        out["contenders"][name] = {
            "runs": len(ms), "median_wall_s": round(median(walls), 3),
            "min_wall_s": round(min(walls), 3), "max_wall_s": round(max(walls), 3),
            "median_cpu_s": round(median([m.cpu for m in ms]), 2),
            "largest_process_mib": round(max(m.largest_mib for m in ms), 1),
            "tree_sampled_mib": round(max(m.tree_mib for m in ms), 1),
        }

    def paired(a: str, b: str) -> dict | None:
        if not results[a] or not results[b]:
            return None
        pairs = [x.wall / y.wall for x, y in zip(results[a], results[b])]
        return {"median_of_round_ratios": round(median(pairs), 3),
                "ratio_of_medians": round(median([m.wall for m in results[a]])
                                          / median([m.wall for m in results[b]]), 3),
                "per_round": [round(p, 3) for p in pairs],
                "cpu_median_of_round_ratios": round(median(
                    [x.cpu / y.cpu for x, y in zip(results[a], results[b]) if y.cpu]), 3)}

    for a, b in (("pipeline", "loop"), ("pipeline", "best"), ("best", "loop")):
        ratio = paired(a, b)
        if ratio:
            out["ratios"][f"{a}/{b}"] = ratio
    for key in ("pipeline/loop", "pipeline/best"):
        if key in out["ratios"]:
            value = out["ratios"][key]["median_of_round_ratios"]
            out["targets"][key] = {"value": value, "target": f"<= {TARGETS[key]:.2f}",
                                   "pass": value <= TARGETS[key]}
    if results["noop"]:
        value = median([m.wall for m in results["noop"]])
        starts = max(m.extra.get("ffmpeg_commands") or 0 for m in results["noop"])
        out["targets"]["noop"] = {"value": round(value, 3), "target": f"< {TARGETS['noop']:.0f} s",
                                  "ffmpeg_commands": starts, "pass": value < TARGETS["noop"] and starts == 0}
    if results["rerun"]:
        overhead = median([m.extra["overhead_s"] for m in results["rerun"]])
        rendered = {m.extra.get("rendered") for m in results["rerun"]}
        out["targets"]["rerun"] = {
            "value": round(overhead, 3),
            "target": f"wall - variant's render_seconds < {TARGETS['rerun_overhead']:.0f} s",
            "rendered_variants": sorted(r for r in rendered if r is not None),
            "pass": overhead < TARGETS["rerun_overhead"] and rendered == {1}}
    if variants:
        per_treatment: dict[str, list[float]] = {}
        for run_variants in variants:
            for code, v in run_variants.items():
                per_treatment.setdefault(v["treatment"], []).append(v["render_seconds"])
        out["pipeline_render_seconds"] = {
            t: {"median_per_variant_s": round(median(s), 2), "sum_per_run_s": round(sum(s) / len(variants), 2)}
            for t, s in per_treatment.items()}
    return out


def print_table(summary: dict) -> None:
    contenders, ratios, targets = summary["contenders"], summary["ratios"], summary["targets"]
    label = {"pipeline": "pipeline render --force", "loop": "plain loop (12 encodes)",
             "best": "best hand-written (j2)", "noop": "pipeline no-op re-run",
             "rerun": "pipeline, 1 SRT changed", "solo-burn": "ref: 1 burn by hand, solo"}
    row = "{:<27} {:>4} {:>9} {:>15} {:>7} {:>8} {:>19} {:>6} {:>9} {:>9}"
    print()
    print(row.format("contender", "runs", "median s", "min-max s", "cpu s", "ratio", "target",
                     "result", "largest", "tree"))
    print("-" * 125)
    for name in ("pipeline", "loop", "best", "noop", "rerun", "solo-burn"):
        if name not in contenders:
            continue
        c = contenders[name]
        ratio, target, result = "", "", ""
        if name in ("loop", "best") and f"pipeline/{name}" in targets:
            t = targets[f"pipeline/{name}"]
            ratio, target, result = f"{t['value']:.3f}", f"pipe/{name} {t['target']}", "PASS" if t["pass"] else "FAIL"
        elif name == "noop" and "noop" in targets:
            t = targets["noop"]
            target, result = f"< 1 s, 0 ffmpeg", "PASS" if t["pass"] else "FAIL"
        elif name == "rerun" and "rerun" in targets:
            t = targets["rerun"]
            ratio, target, result = f"+{t['value']:.2f}s", "variant + < 1 s", "PASS" if t["pass"] else "FAIL"
        print(row.format(label[name], c["runs"], f"{c['median_wall_s']:.2f}",
                         f"{c['min_wall_s']:.2f}-{c['max_wall_s']:.2f}", f"{c['median_cpu_s']:.1f}", ratio, target, result,
                         f"{c['largest_process_mib']:.0f} MiB", f"{c['tree_sampled_mib']:.0f} MiB"))
    cpu = [f"{k} {v['cpu_median_of_round_ratios']:.3f}" for k, v in ratios.items()]
    if cpu:
        print("\nCPU-time ratios (less sensitive to other load on the machine): " + ", ".join(cpu))
    if "best/loop" in ratios:
        print(f"best/loop = {ratios['best/loop']['median_of_round_ratios']:.3f} "
              "(how much of the loop's work cannot be avoided)")
    if "rerun" in targets:
        r = contenders["rerun"]
        print(f"rerun: {targets['rerun']['rendered_variants']} variant(s) rendered; overhead over the "
              f"variant's own render_seconds {targets['rerun']['value']:.2f} s (median); "
              f"rerun wall {r['median_wall_s']:.2f} s")
    if "pipeline_render_seconds" in summary:
        parts = [f"{t} {v['median_per_variant_s']:.2f} s/variant ({v['sum_per_run_s']:.1f} s summed)"
                 for t, v in summary["pipeline_render_seconds"].items()]
        print("pipeline render_seconds by treatment: " + "; ".join(parts))
    print("largest = peak RSS of the largest single process (wait4); tree = peak of the summed RSS "
          "of all processes, sampled every 50 ms")


def write_results(path: Path, info: dict, c: Campaign, runs: int, only: list[str], summary: dict,
                  results: dict[str, list[Measurement]], checks: dict, variants: list[dict],
                  rerun_notes: list[dict]) -> None:
    data = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": info,
        "config": {"master_seconds": c.seconds, "size": f"{WIDTH}x{HEIGHT}", "fps": FPS, "gop": GOP,
                   "languages": {code: t for code, t in LANGUAGES}, "profile": "web", "runs": runs,
                   "contenders": only, "hand_written_workers": 2},
        "targets": TARGETS,
        "summary": summary,
        "runs": {name: [m.to_json() for m in ms] for name, ms in results.items() if ms},
        "pipeline_variants_last_run": variants[-1] if variants else None,
        "rerun": rerun_notes,
        "output_checks": checks,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    sys.exit(main())
