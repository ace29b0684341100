"""Output profiles: frame, codecs and loudness target of one kind of deliverable."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Fit = Literal["pad", "crop", "fit-width"]


@dataclass(frozen=True)
class Profile:
    name: str
    width: int
    height: int
    fit: Fit = "pad"              # pad: letterbox; crop: centre crop; fit-width: scale to width, pad height
    container: Literal["mp4", "mov"] = "mp4"
    video_codec: str = "libx264"
    x264_profile: str | None = "high"
    max_level: float | None = 4.2      # highest H.264 level of a master copied as it is (4.2: 1080p60)
    preset: str = "medium"
    crf: int | None = 20
    video_bitrate: str | None = None   # e.g. "20M": constant-rate encode instead of CRF
    fps: float | None = None           # None: the master's frame rate
    audio_codec: str = "aac"
    audio_bitrate: str | None = "192k"
    sample_rate: int = 48000
    channels: int = 2
    loudness: float = -16.0            # integrated LUFS target
    loudness_tolerance: float = 1.0    # LU either side of the target that QC accepts
    true_peak: float = -1.0            # dBTP ceiling
    loudness_range: float = 11.0       # LU: a wider loudness range (EBU Tech 3342) is a QC warning
    faststart: bool = True

    @property
    def extension(self) -> str:
        return self.container

    def settings(self) -> dict:
        """Every field, for records and fingerprints."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


BUILTIN_PROFILES: dict[str, Profile] = {
    "web": Profile("web", 1920, 1080, crf=20, audio_bitrate="192k"),
    "broadcast": Profile("broadcast", 1920, 1080, container="mov", crf=None, video_bitrate="20M",
                         audio_codec="pcm_s24le", audio_bitrate=None, loudness=-23.0,
                         loudness_tolerance=0.5, loudness_range=7.0, faststart=False),
    "square": Profile("square", 1080, 1080, fit="crop", crf=21, audio_bitrate="128k"),
    "vertical": Profile("vertical", 1080, 1920, fit="fit-width", crf=21, audio_bitrate="128k"),
    "proxy": Profile("proxy", 640, 360, x264_profile=None, preset="veryfast", crf=28,
                     audio_bitrate="96k"),
}
