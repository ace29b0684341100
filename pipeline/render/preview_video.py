"""A preview's 360p video: the whole master at 360 lines on its profile's shape (`proxy_profile`),
its cues burned as `Burned` holds them, its sound the master's or a dub's or voice-over's as the
render makes it (render/preview_sound.py); one decode, encoded with x264 `veryfast`, checked and
metered as written (render/preview.py makes it beside the contact sheet).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import ffmpeg

from pipeline.errors import RenderError
from pipeline.files import atomic_output
from pipeline.manifest import Language
from pipeline.media.conform import Master, master_picture, master_sound
from pipeline.media.loudness import Loudness, measure_file
from pipeline.media.probe import probe
from pipeline.messages import N_, say
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.audio import audio_encoder_args
from pipeline.render.contact_sheet import even, run_graph
from pipeline.render.encoders import container_args, video_encoder_args
from pipeline.render.preview_sound import Recording, write_sound
from pipeline.subtitles.burn import burn_in, write_ass
from pipeline.subtitles.file_styles import StyleFont
from pipeline.subtitles.fonts import Font
from pipeline.subtitles.model import Cue, SubtitleFile
from pipeline.subtitles.title_safe import burned_frame

PROXY_LINES = 360     # the proxy's shorter side


@dataclass(frozen=True)
class Burned:
    """A language's subtitle file as the preview burns it: read and checked, its `cues` as
    read and as `shown` on the master's frames (a cue on no frame left out), and its fonts."""

    subtitles: SubtitleFile
    cues: list[Cue]
    shown: list[Cue]
    font: Font
    own_styles: dict[str, StyleFont]


def proxy_profile(profile: Profile) -> Profile:
    """The built-in `proxy` settings on a frame of the profile's shape, 360 lines on its short
    side."""
    if profile.width >= profile.height:
        width, height = even(PROXY_LINES * profile.width / profile.height), PROXY_LINES
    else:
        width, height = PROXY_LINES, even(PROXY_LINES * profile.height / profile.width)
    return replace(BUILTIN_PROFILES["proxy"], name="preview", width=width, height=height,
                   fit=profile.fit, fps=None)


def proxy_graph(master: Master, profile: Profile, output: Path, ass: Path | None = None,
                fontsdir: Path | None = None, sound: Path | None = None):
    """The whole master at 360 lines, with the subtitles of `ass` burned when given, and the
    levelled track `sound` (copied, as a variant copies its shared track) or else the master's
    sound."""
    path = str(master.info.path)
    picture = master_picture(path, master, profile)
    if ass is not None:
        picture = burn_in(picture, ass, fontsdir)
    streams = [picture]
    args = video_encoder_args(profile) | container_args(profile)
    if sound is not None:
        streams.append(ffmpeg.input(str(sound))["a:0"])
        args["c:a"] = "copy"
    elif master.sound:
        streams.append(master_sound(path, master))
        args |= audio_encoder_args(profile)
    return ffmpeg.output(*streams, str(output), t=f"{master.info.duration:.3f}", **args)


def write_proxy(master: Master, profile: Profile, work: Path, target: Path, language: Language,
                burned: Burned | None = None, fontsdir: Path | None = None,
                recording: Recording | None = None) -> Loudness | None:
    """The proxy at `target`: `burned`'s cues burned, and `recording`'s sound levelled to the
    proxy's target; that sound's loudness, measured on the written file (None: the master's
    sound, as it is)."""
    small = proxy_profile(profile)
    ass = None
    if burned is not None:
        ass = work / "proxy.ass"
        write_ass(burned.shown, ass, style=language.style, width=small.width,
                  height=small.height, font=burned.font, language=language.code,
                  fps=master.info.video.fps, file_styles=burned.own_styles, qc=language.qc,
                  picture_width=burned_frame(small, master.geometry).picture_width)
    sound = None
    if recording is not None:
        sound = work / "sound.m4a"
        write_sound(recording, small, sound)
    with atomic_output(target) as partial:
        run_graph(proxy_graph(master, small, partial, ass, fontsdir, sound),
                  f"encoding the preview video {target.name}", target)
        info = probe(partial)
        size = (small.width, small.height)
        if info.video is None or (info.video.width, info.video.height) != size:
            raise RenderError(say(N_("the preview video is not %(size)s"),
                                  size=f"{small.width}x{small.height}"), target)
        # As the render's own checks: the file as written, decoded and metered (ebur128).
        loudness = measure_file(partial) if sound is not None else None
    return loudness
