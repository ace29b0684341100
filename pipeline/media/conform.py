"""Turning a master's picture into a profile's frame."""

from __future__ import annotations

import ffmpeg

from pipeline.profiles import Profile

Stream = ffmpeg.nodes.FilterableStream


def fit_picture(video: Stream, profile: Profile) -> Stream:
    """Scale the master into the profile's frame: letterbox (pad), centre crop, or fit width."""
    w, h = profile.width, profile.height
    if profile.fit == "crop":
        video = video.filter("scale", w, h, force_original_aspect_ratio="increase").filter("crop", w, h)
    else:  # pad and fit-width: the whole picture stays visible, bars fill the rest
        video = (video.filter("scale", w, h, force_original_aspect_ratio="decrease")
                 .filter("pad", w, h, "(ow-iw)/2", "(oh-ih)/2"))
    video = video.filter("setsar", 1)
    if profile.fps:
        video = video.filter("fps", profile.fps)
    return video.filter("format", "yuv420p")
