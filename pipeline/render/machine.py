"""What this machine gives a local render: its cores, the memory its processes may use, and
so how many jobs run at once by default (`render --jobs`).

Read each time they are asked, not fixed in advance: the cores are those this process may run
on (its CPU affinity: `taskset`'s or a cpuset's share, not the machine's count), the memory what
is available now. render/batch.py schedules a render's units within them.
"""

from __future__ import annotations

import os

# Memory one 1080p x264 `medium` encode needs at most (MEASURED.md: 532 MiB peak RSS).
MEMORY_PER_JOB = 600 * 1024 * 1024


def default_jobs() -> int:
    """One job more than cores: as many picture encodes as cores, and the audio and copies
    beside them, so that they do not wait for an encode to end (batch._render_locally); fewer
    when memory would not hold that many 1080p encoders."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return cores() + 1
    return max(1, min(cores() + 1, memory // MEMORY_PER_JOB))


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def memory_budget_mib() -> float:
    """What the render's processes may use together: the memory available now (Linux
    MemAvailable), else half the machine's."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 / 2**20
    except (ValueError, OSError):
        return float("inf")
