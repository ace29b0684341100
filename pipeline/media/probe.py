"""What ffprobe says of a media file: its streams and duration, as a frozen model."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import MediaError
from pipeline.media.ffmpeg import ffprobe_binary


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
                         hint="give a WAV, FLAC, MP3, M4A/AAC, Ogg or Opus file")
    return info
