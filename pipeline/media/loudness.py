"""Loudness as EBU R128 measures it: `loudnorm`'s two passes and its JSON report."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RenderError
from pipeline.media.ffmpeg import run_ffmpeg


@dataclass(frozen=True)
class Loudness:
    """EBU R128 figures as `loudnorm` reports them."""

    integrated: float      # LUFS
    true_peak: float       # dBTP
    lra: float             # LU
    threshold: float       # LUFS

    def to_json(self) -> dict:
        return {"integrated_lufs": round(self.integrated, 2), "true_peak_dbtp": round(self.true_peak, 2),
                "lra_lu": round(self.lra, 2)}


_JSON_BLOCK = re.compile(r"\{\s*\"input_i\".*?\}", re.S)


def parse_loudnorm(stderr: str, prefix: str = "input") -> Loudness:
    match = None
    for match in _JSON_BLOCK.finditer(stderr):
        pass
    if match is None:
        raise RenderError("loudnorm printed no measurement", stderr_tail=stderr[-2000:])
    data = json.loads(match.group(0))

    def number(key: str) -> float:
        value = data[f"{prefix}_{key}"]
        return -99.0 if value in ("-inf", "inf") else float(value)

    return Loudness(number("i"), number("tp"), number("lra"), number("thresh"))


def loudnorm_filter(target: float, true_peak: float, lra: float,
                    measured: Loudness | None = None) -> dict:
    """The keyword arguments of a `loudnorm` filter: analysis only, or linear pass 2."""
    args = {"I": target, "TP": true_peak, "LRA": lra, "print_format": "json"}
    if measured is not None:
        args.update(measured_I=measured.integrated, measured_TP=measured.true_peak,
                    measured_LRA=max(measured.lra, 0.0), measured_thresh=measured.threshold,
                    linear="true")
    return args


def measure_loudness(path: Path | str) -> Loudness:
    """Integrated loudness, true peak and LRA of a file's first audio stream (`-vn`: MEASURED.md
    found analysing a video's audio without it decodes the picture too, 3.7x the time)."""
    stderr = run_ffmpeg(["-loglevel", "info", "-nostats", "-i", str(path), "-map", "0:a:0",
                         "-af", "loudnorm=print_format=json", "-vn", "-sn", "-f", "null", "-"],
                        what="measuring loudness", path=path)
    return parse_loudnorm(stderr)
