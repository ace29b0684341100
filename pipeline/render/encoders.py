"""The encoder and container settings of a profile, as ffmpeg output arguments."""

from __future__ import annotations

from pipeline.profiles import Profile


def video_encoder_args(profile: Profile, threads: int = 0) -> dict:
    """x264 settings of the profile; `threads` 0 lets x264 decide."""
    args: dict = {"c:v": profile.video_codec, "preset": profile.preset, "pix_fmt": "yuv420p"}
    if profile.x264_profile:
        args["profile:v"] = profile.x264_profile
    if profile.video_bitrate:
        # Constant-rate deliverable (broadcast): cap the rate and give the VBV a 2 s buffer.
        rate = profile.video_bitrate
        args.update({"b:v": rate, "maxrate": rate, "bufsize": _double(rate)})
    else:
        args["crf"] = profile.crf
    if threads:
        args["threads"] = threads
    return args


def _double(rate: str) -> str:
    number, unit = (rate[:-1], rate[-1]) if rate[-1].isalpha() else (rate, "")
    return f"{float(number) * 2:g}{unit}"


def container_args(profile: Profile) -> dict:
    args: dict = {"f": "mp4" if profile.container == "mp4" else "mov"}
    if profile.faststart:
        args["movflags"] = "+faststart"
    return args
