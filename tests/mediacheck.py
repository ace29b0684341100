"""Measurements of real output files for the tests: frames, band energies, loudness."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
FFPROBE = shutil.which("ffprobe") or "ffprobe"


def streams(path: Path) -> list[dict]:
    out = subprocess.run([FFPROBE, "-v", "error", "-print_format", "json", "-show_streams",
                          "-show_format", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"]


def duration(path: Path) -> float:
    out = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=nw=1:nk=1", str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def gray_frame(path: Path, at: float, width: int, height: int) -> bytes:
    """One decoded frame as 8-bit gray pixels, row by row."""
    out = subprocess.run([FFMPEG, "-v", "error", "-ss", f"{at}", "-i", str(path), "-frames:v", "1",
                          "-vf", f"scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    assert len(out) == width * height, f"no frame at {at}s in {path}"
    return out


def changed_fraction(a: bytes, b: bytes, width: int, rows: range, threshold: int = 60) -> float:
    """Share of pixels in `rows` that differ by more than `threshold` between two gray frames."""
    changed = total = 0
    for y in rows:
        for x in range(width):
            i = y * width + x
            total += 1
            changed += abs(a[i] - b[i]) > threshold
    return changed / total


def band_rms_db(path: Path, frequency: float, start: float = 0.0, length: float | None = None) -> float:
    """RMS level (dBFS) of the audio in a narrow band around `frequency`."""
    args = [FFMPEG, "-hide_banner", "-nostats", "-ss", f"{start}"]
    if length:
        args += ["-t", f"{length}"]
    args += ["-i", str(path), "-vn", "-af",
             f"bandpass=f={frequency}:width_type=q:w=8,astats=measure_overall=RMS_level:measure_perchannel=none",
             "-f", "null", "-"]
    err = subprocess.run(args, capture_output=True, text=True, check=True).stderr
    found = re.findall(r"RMS level dB: (-?[\d.]+|-inf)", err)
    assert found, err[-500:]
    return -200.0 if found[-1] == "-inf" else float(found[-1])


def integrated_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) measured with the ebur128 filter, independently of
    the pipeline's own loudnorm measurement."""
    err = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-vn", "-af",
                          "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stderr
    summary = err[err.rindex("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return lufs, peak
