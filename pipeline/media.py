"""ffmpeg and ffprobe: locating them, running them, probing media, measuring loudness."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .errors import MediaError, RenderError

log = logging.getLogger(__name__)

INSTALL_HINT = ("install it with 'apt-get install ffmpeg' (or 'make setup'), "
                "or point $FFMPEG and $FFPROBE at the binaries")


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
        where = f"${variable}={configured!r}" if configured else f"{name!r} on PATH"
        raise MediaError(f"{name} not found ({where})", hint=INSTALL_HINT)
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


# --- running ffmpeg -----------------------------------------------------------------------

Progress = Callable[[float], None]  # seconds of output written so far


def run_ffmpeg(args: Sequence[str], *, what: str, path: Path | str | None = None,
               progress: Progress | None = None) -> str:
    """Run ffmpeg with `args` (without the binary); return stderr; raise `RenderError` on failure.

    With `progress`, ffmpeg's `-progress` key=value stream on stdout feeds it the output time.
    """
    command = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y"]
    if progress:
        command += ["-progress", "pipe:1", "-nostats"]
    command += list(args)
    log.info("%s", shlex.join(command))
    with subprocess.Popen(command, stdout=subprocess.PIPE if progress else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, errors="replace") as process:
        if progress:
            # stderr is drained beside stdout, or a chatty ffmpeg blocks on a full pipe; the
            # reader is always joined before the pipes close, whatever happens on stdout.
            collected: list[str] = []
            reader = threading.Thread(target=lambda: collected.extend(process.stderr), daemon=True)
            reader.start()
            try:
                _follow_progress(process.stdout, progress)
            except BaseException:   # Ctrl-C: ffmpeg got the SIGINT too; make sure it stops
                process.kill()
                raise
            finally:
                process.wait()
                reader.join()
            stderr = "".join(collected)
        else:
            stderr = process.stderr.read()
        returncode = process.wait()
    if returncode != 0:
        tail = [line for line in stderr.splitlines() if line.strip()][-15:]
        raise RenderError(f"ffmpeg failed while {what} (exit {returncode})", path,
                          stderr_tail="\n".join(tail))
    return stderr


def _follow_progress(lines, progress: Progress) -> None:
    """Feed `progress` the output time from ffmpeg's `-progress` stream, to its end.

    A display that fails must not fail the render nor leave ffmpeg blocked on a full pipe: the
    failure is logged once, progress stops, and the stream is still read to the end.
    """
    for line in lines:
        if progress is None or not line.startswith("out_time_us="):
            continue
        value = line.split("=", 1)[1].strip()
        if not value.lstrip("-").isdigit():
            continue
        try:
            progress(max(0, int(value)) / 1e6)
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


# --- probing --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stream:
    index: int
    kind: str            # video | audio | subtitle | data
    codec: str
    language: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    sample_rate: int | None = None
    channels: int | None = None
    pix_fmt: str | None = None
    profile: str | None = None

    def to_json(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict) -> "Stream":
        return cls(**data)


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration: float
    format_name: str
    streams: tuple[Stream, ...]

    @property
    def video(self) -> Stream | None:
        return next((s for s in self.streams if s.kind == "video"), None)

    @property
    def audio(self) -> Stream | None:
        return next((s for s in self.streams if s.kind == "audio"), None)

    def of_kind(self, kind: str) -> list[Stream]:
        return [s for s in self.streams if s.kind == kind]

    def to_json(self) -> dict:
        return {"path": str(self.path), "duration": self.duration, "format_name": self.format_name,
                "streams": [s.to_json() for s in self.streams]}

    @classmethod
    def from_json(cls, data: dict) -> "MediaInfo":
        return cls(Path(data["path"]), data["duration"], data["format_name"],
                   tuple(Stream.from_json(s) for s in data["streams"]))


def _rate(text: str | None) -> float | None:
    if not text or text in ("0/0", "0"):
        return None
    num, _, den = text.partition("/")
    return float(num) / float(den or 1) if float(den or 1) else None


def probe(path: Path | str) -> MediaInfo:
    """Streams and duration of a media file; `MediaError` naming the file when unreadable."""
    path = Path(path)
    if not path.exists():
        raise MediaError("file not found", path)
    result = subprocess.run(
        [ffprobe_binary(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)], capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unreadable"
        raise MediaError(f"ffprobe cannot read this file: {reason}", path,
                         hint="export the file again as MP4/MOV (video) or WAV/FLAC (audio)")
    data = json.loads(result.stdout or "{}")
    streams = []
    for raw in data.get("streams", []):
        kind = raw.get("codec_type", "data")
        # A cover picture is a "video" stream in ffprobe's eyes; it is not a picture track.
        if kind == "video" and raw.get("disposition", {}).get("attached_pic"):
            kind = "data"
        streams.append(Stream(
            index=int(raw["index"]), kind=kind, codec=raw.get("codec_name", "unknown"),
            language=raw.get("tags", {}).get("language"),
            width=raw.get("width"), height=raw.get("height"),
            fps=_rate(raw.get("avg_frame_rate")) or _rate(raw.get("r_frame_rate")) if kind == "video" else None,
            sample_rate=int(raw["sample_rate"]) if raw.get("sample_rate") else None,
            channels=raw.get("channels"), pix_fmt=raw.get("pix_fmt"), profile=raw.get("profile"),
        ))
    fmt = data.get("format", {})
    duration = float(fmt.get("duration") or 0.0)
    return MediaInfo(path, duration, fmt.get("format_name", ""), tuple(streams))


def probe_video(path: Path | str) -> MediaInfo:
    """A probe that insists on a picture: what a master must have."""
    info = probe(path)
    if info.video is None or info.duration <= 0:
        raise MediaError("not a video: ffprobe finds no picture stream with a duration", path,
                         hint="the master must be a video file (MP4, MOV, MXF)")
    return info


def probe_audio(path: Path | str) -> MediaInfo:
    info = probe(path)
    if info.audio is None or info.duration <= 0:
        raise MediaError("not an audio file: ffprobe finds no audio stream", path,
                         hint="give a WAV or FLAC file")
    return info


# --- loudness -------------------------------------------------------------------------------

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
