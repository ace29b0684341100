"""What pictures cost to make on this kind of machine, and which of them share a decode.

A picture an ffmpeg process makes from a master (a burned variant, or the picture that a
profile's soft, dub and mix variants share) costs the master's decode, once per process, and its
own scaling, subtitles and x264 encode. Several pictures in one process share the decode (one
`split`), but ffmpeg 5.1 runs the filters of all of them in one thread, and every x264 encoder
holds its own frames in memory. The grouping rule weighs those three against each other with the
figures below, per spot, and takes the cheaper plan.

Figures: CPU seconds per megapixel of frame, and MiB, measured on the machine kind the pipeline
is tuned for (2 cores, Debian ffmpeg 5.1, libx264 164): `/work/shared/MEASURED.md` (a 30 s
1920x1080p25 master: decode 6.7 CPU-s, + subtitles 8.7, + x264 veryfast 32.6, + medium 62.4;
one process 110 MiB, each 1080p medium encoder ~420 MiB, veryfast ~220 MiB) and the encoders'
peak memory in `make bench` (bench/results.json, `largest`: 1.8 GiB for 4 medium encoders
sharing a decode), and the refit measured below. On another machine kind, measure them again
(`/usr/bin/time` on `ffmpeg -i MASTER -vf ... -f null -`) and compare with `make bench`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

MEGAPIXEL = 1e6
FRAMES = 750 * 1920 * 1080 / MEGAPIXEL   # the MEASURED.md master: 750 frames of 2.07 MP

DECODE = 6.7 / FRAMES                     # CPU-s per decoded megapixel (H.264 High)
SUBTITLES = (8.7 - 6.7) / FRAMES          # CPU-s per burned megapixel (libass, blending)
# CPU-s per decoded megapixel to refit it (scale, pad, format): 1080p to 360p on the bench's
# master took 0.38 CPU-s over its 1.62 s decode for 250 frames (bench/work, 2 cores, ffmpeg 5.1).
SCALE = 0.38 / (250 * 1920 * 1080 / MEGAPIXEL)
# x264 CPU-s per encoded megapixel by preset; presets not measured count as `medium`.
ENCODE = {"veryfast": (32.6 - 8.7) / FRAMES, "medium": (62.4 - 8.7) / FRAMES}
PROCESS_MIB = 110.0                       # ffmpeg with the master's decoder and the filters
ENCODER_MIB = {"veryfast": 110.0, "medium": 210.0}   # per encoded megapixel (x264's frames)
START_SECONDS = 0.1                       # starting an ffmpeg process, probing its inputs
# CPU-s per second of audio for one shared track: loudnorm pass 1 on the master's audio (-vn),
# pass 2 into AAC, measuring the result (MEASURED.md: 1.31, 1.82 - 1.15 and 0.66 s for 30 s).
AUDIO = (1.31 + 0.67 + 0.66) / 30
# A variant that copies its picture and audio: the remux (0.19 s for 30 s of 1080p).
REMUX = 0.19 / 30
# Every variant, once made: its check (ffprobe), poster frame (0.20 s) and records.
FINISH = 0.2 + 3 * START_SECONDS
# A size-capped profile's two x264 passes against one single-pass encode at the same preset:
# pass 1 with ffmpeg's `fastfirstpass` (statistics only) and pass 2 at the capped bitrate took
# 0.52x and 1.16x the CPU of a crf encode (bench master, 1080p to 720p, `medium`, 2 cores);
# the pass-1 run decodes and filters the master again.
FIRST_PASS, SECOND_PASS = 0.52, 1.16
# A master (render/mastering.py) against a burn of its frame: ProRes 422 HQ, the slowest,
# measured ~1.5x libx264 medium per frame here, plus the leader. Masters are never made in a
# shared decode: each is its own process.
MASTER = 2.0

T = TypeVar("T")


@dataclass(frozen=True)
class Picture:
    """One picture a process encodes: its frame, x264 preset, and what its branch filters."""

    width: int
    height: int
    preset: str
    refit: bool            # scaled, padded or cropped: the frame differs from the master's
    burned: bool           # subtitles drawn in
    passes: int = 1        # 2 for a size-capped profile (encoders.two_pass)

    @property
    def megapixels(self) -> float:
        return self.width * self.height / MEGAPIXEL

    @property
    def branch(self) -> tuple:
        """Pictures with the same branch key share one scaling of the decoded frame."""
        return (self.width, self.height, self.refit)


@dataclass(frozen=True)
class Estimate:
    cpu: float          # CPU seconds
    serial: float       # seconds of it in ffmpeg's one filtering thread
    memory: float       # MiB at the peak


def _filters(pictures: Sequence[Picture], master_megapixels: float) -> float:
    """CPU-s per frame of the scaling and subtitles of `pictures` (one scaling per frame size)."""
    scaling = SCALE * master_megapixels * len({p.branch for p in pictures if p.refit})
    return scaling + sum(SUBTITLES * p.megapixels for p in pictures if p.burned)


def _encode(picture: Picture) -> float:
    return ENCODE.get(picture.preset, ENCODE["medium"]) * picture.megapixels


def estimate(pictures: Sequence[Picture], master_megapixels: float, frames: float) -> Estimate:
    """What one ffmpeg process making `pictures` from one decode of the master costs; with a
    size-capped picture among them, the first-pass run before it too (render/pictures.py: a
    decode and the filters of the size-capped pictures, and their first passes)."""
    decode = DECODE * master_megapixels
    filters = _filters(pictures, master_megapixels)
    encodes = sum(_encode(p) * (SECOND_PASS if p.passes == 2 else 1.0) for p in pictures)
    capped = [p for p in pictures if p.passes == 2]
    cpu = frames * (decode + filters + encodes) + START_SECONDS
    serial = frames * filters
    if capped:
        first = _filters(capped, master_megapixels)
        cpu += frames * (decode + first + FIRST_PASS * sum(map(_encode, capped))) + START_SECONDS
        serial += frames * first
    memory = PROCESS_MIB + sum(ENCODER_MIB.get(p.preset, ENCODER_MIB["medium"]) * p.megapixels
                               for p in pictures)
    return Estimate(cpu, serial, memory)


def master_estimate(picture: Picture, master_megapixels: float, frames: float) -> Estimate:
    """A master's own process (MASTER times a single picture's encode at its frame)."""
    alone = estimate([picture], master_megapixels, frames)
    return Estimate(alone.cpu * MASTER, alone.serial, alone.memory)


def wall(groups: Sequence[Estimate], cores: int, slots: int) -> float:
    """Seconds for `groups` run `slots` at a time on `cores`: the CPU work spread over the cores,
    unless one process's filtering thread is the longer of the two."""
    spread = sum(g.cpu for g in groups) / max(1, min(cores, slots * cores))
    return max(spread, max((g.serial for g in groups), default=0.0))


def group_pictures(items: Sequence[T], picture: Callable[[T], Picture], master_megapixels: float,
                   frames: float, *, cores: int, slots: int, memory_mib: float) -> list[list[T]]:
    """`items` (the pictures of one master) cut into the groups that each share a decode:
    the plan with the least estimated wall time whose every group fits in `memory_mib` (the
    scheduler runs together only what fits); on a tie, fewer groups. Candidates: everything in
    one process; one process per profile frame; 2.. processes balanced by cost; one per picture."""
    items = list(items)
    if not items:
        return []

    def cost(group: Sequence[T]) -> Estimate:
        return estimate([picture(i) for i in group], master_megapixels, frames)

    candidates = [[items]]
    by_branch: dict[tuple, list[T]] = {}
    for item in items:
        by_branch.setdefault(picture(item).branch, []).append(item)
    candidates.append(list(by_branch.values()))
    for count in range(2, len(items)):
        candidates.append(_balanced(items, count, lambda i: cost([i]).cpu))
    candidates.append([[item] for item in items])
    feasible = [groups for groups in candidates
                if max(cost(g).memory for g in groups) <= memory_mib] or [[[i] for i in items]]
    return min(feasible, key=lambda groups: (wall([cost(g) for g in groups], cores, slots),
                                             len(groups)))


def _balanced(items: list[T], count: int, weight: Callable[[T], float]) -> list[list[T]]:
    """Longest-processing-time first: each item to the lightest group so far."""
    groups: list[list[T]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for item in sorted(items, key=weight, reverse=True):
        lightest = loads.index(min(loads))
        groups[lightest].append(item)
        loads[lightest] += weight(item)
    return [g for g in groups if g]


def x264_threads(encoders: int, pictures_running: int, cores: int | None = None) -> int:
    """x264 threads per encoder of a process, given how many picture processes run at once
    (this one included). 0 lets x264 decide (1.5 per core) when the process has the machine to
    itself. Otherwise its share of the cores, but never 1 in a process of several encoders:
    with one thread x264 encodes in ffmpeg's own thread, and the encoders of a shared decode
    would take turns on one core (ffmpeg 5.1 feeds them one after another)."""
    cores = cores or os.cpu_count() or 1
    if pictures_running <= 1:
        return 0
    share = max(1, cores // pictures_running)
    return max(share, 2) if encoders > 1 else share
