"""The encoder and container settings of a profile, as ffmpeg output arguments, and an encode
run with them: once, or twice for a size-capped profile (`two_pass`). The shared picture
(render/shared_picture.py) and the variants' own renders (render/treatments.py,
render/pictures.py, render/remuxes.py) all run their graphs here.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline.media.colour import BT709
from pipeline.media.ffmpeg import run_ffmpeg
from pipeline.profiles import Profile, bits_per_second

Progress = Callable[[float], None]   # fraction done, 0..1

# XDCAM HD422 (Sony's name for MPEG-2 4:2:2P@HL long GOP at 50 Mb/s CBR, SMPTE RDD 9): what
# mediainfo recognises by that commercial name and stations' ingest servers take. A fixed GOP
# (12 frames at 25 a second, 15 at 29.97: `xdcam_gop`) with M=3 (two B-frames between anchors),
# open as XDCAM's long GOP is (ffmpeg closes a GOP by
# ending it on a P-frame: 10 or 13 frames, never 12; the file's first GOP is closed anyway), and
# no extra I-frame at scene changes (it would break the fixed pattern); 10-bit DC
# precision, the intra VLC table and non-linear quantiser as 4:2:2P@HL encoders use them. The VBV
# buffer stays within 4:2:2P@HL's 47,185,920 bits.
XDCAM_HD422 = {"profile:v": 0, "level:v": 2, "g": 12, "bf": 2,
               "sc_threshold": 1_000_000_000, "intra_vlc": 1, "non_linear_quant": 1, "dc": 10,
               "qmin": 1, "qmax": 12, "lmin": "1*QP2LAMBDA", "bufsize": 36_408_333,
               "rc_init_occupancy": 36_408_333, "rc_max_vbv_use": 1, "rc_min_vbv_use": 1}


def xdcam_gop(rate: Fraction) -> int:
    """Frames in an XDCAM HD422 GOP at `rate` frames a second: 15 in the 29.97/30 family (1080i
    at 59.94 fields, as stations of NTSC countries air), else 12 (25, 50i; 23.98 and 720p as
    Sony's 12 too). A GOP of 12 at 29.97 is flagged by strict ingest checks."""
    return 15 if round(float(rate)) == 30 else 12


# ProRes 422 HQ (`prores_ks` profile 3), tagged as Apple's own encoder writes it ("apl0"), which
# some ingest tools check before they trust a file.
PRORES_422_HQ = {"profile:v": 3, "vendor": "apl0"}

# A size-capped file's budget: the container (moov, headers) takes about this much, and two-pass
# x264 lands within a few per cent of its target bitrate, so it aims at 92 % of what is left.
CONTAINER_BYTES = 64_000
RATE_MARGIN = 0.92


def capped_video_bitrate(profile: Profile, duration: float | None) -> int:
    """bits/s of video that keep a `duration`-second file, with its audio, under the profile's
    size cap (`max_mb_per_minute`, 10^6 bytes a minute); a minute when the duration is not
    known. A short spot's fixed container cost weighs more on each second."""
    seconds = duration if duration and duration > 0 else 60.0
    budget = profile.max_mb_per_minute * 1e6 * seconds / 60 - CONTAINER_BYTES
    audio = bits_per_second(profile.audio_bitrate) if profile.audio_bitrate else 0
    return max(100_000, int(budget * 8 * RATE_MARGIN / seconds - audio))


def _x264_escaped(value: str) -> str:
    """A value inside `-x264-params` (key=value:key=value, read by av_dict_parse_string)."""
    return "".join("\\" + char if char in "\\:='\"" else char for char in value)


def two_pass(profile: Profile) -> bool:
    """A size-capped profile's video is encoded in two passes (x264's stats file from the first
    places the bits of the second), so the file meets its size."""
    return profile.max_mb_per_minute is not None


def video_encoder_args(profile: Profile, threads: int = 0, *, duration: float | None = None,
                       passlog: str | None = None, pass_number: int | None = None) -> dict:
    """The profile's video encoder settings; `threads` 0 lets the encoder decide. A size-capped
    profile gets its bitrate from the spot's `duration` (seconds) and, with `passlog`, the x264
    pass it is (1 or 2)."""
    args: dict = {"c:v": profile.video_codec, "pix_fmt": profile.pix_fmt}
    if profile.video_codec == "mpeg2video":
        args |= XDCAM_HD422 | BT709
    elif profile.video_codec == "prores_ks":
        args |= PRORES_422_HQ | BT709
    else:
        args |= BT709
        args["preset"] = profile.preset
        if profile.x264_profile:
            args["profile:v"] = profile.x264_profile
    if two_pass(profile):
        args["b:v"] = str(capped_video_bitrate(profile, duration))
        if passlog:
            # x264's statistics file named outright: ffmpeg would name it after the output
            # stream's index among all outputs, which differs between a picture group's first
            # pass (size-capped pictures alone) and its second (every picture, with audio).
            args |= {"pass": pass_number or 2, "passlogfile": passlog,
                     "x264-params": f"stats={_x264_escaped(passlog)}"}
    elif profile.video_bitrate:
        # Constant-rate deliverable (broadcast): cap the rate (and floor it, for MPEG-2's CBR),
        # with a 2 s VBV buffer unless the codec's own is set above.
        rate = profile.video_bitrate
        args = {"b:v": rate, "maxrate": rate, "bufsize": _double(rate)} | args
        if profile.video_codec == "mpeg2video":
            args["minrate"] = rate
    elif profile.crf is not None:
        args["crf"] = profile.crf
    if profile.qscale is not None:
        args["q:v"] = profile.qscale
    if profile.scan != "progressive":
        # Interlaced DCT and motion estimation, the field order in the stream's header.
        args["flags"] = "+ildct+ilme"
        args["top"] = 1 if profile.scan == "tff" else 0
    if threads:
        args["threads"] = threads
    return args


def _double(rate: str) -> str:
    number, unit = (rate[:-1], rate[-1]) if rate[-1].isalpha() else (rate, "")
    return f"{float(number) * 2:g}{unit}"


def container_args(profile: Profile) -> dict:
    args: dict = {"f": {"mp4": "mp4", "mov": "mov", "mxf": "mxf"}[profile.container]}
    if profile.faststart:
        args["movflags"] = "+faststart"
    if profile.container in ("mp4", "mov") and profile.timecode is None:
        # The MP4/MOV muxer writes a `tmcd` data track whenever a timecode reaches it: the
        # master's, on its copied stream or in its global metadata. Some web players and
        # WhatsApp refuse a file with one; only a profile that sets its own `timecode` (a
        # station's master) carries one.
        args["write_tmcd"] = 0
    return args


def encode(graph: Callable[[int | None], object], passes: bool, path: Path, what: str,
           duration: float, progress: Progress | None, frame_rate: float | None = None) -> None:
    """One ffmpeg run of `graph(None)`, or, with `passes` (a size-capped picture in it,
    encoders.two_pass), `graph(1)` then `graph(2)`, each reporting half of the progress;
    `frame_rate`: its first picture output's (run_ffmpeg)."""
    if not passes:
        run_graph(graph(None), path, what, duration, progress, frame_rate)
        return
    for number in (1, 2):
        half = (lambda done, n=number: progress((n - 1 + done) / 2)) if progress else None
        run_graph(graph(number), path, f"{what} (pass {number} of 2)", duration, half,
                  frame_rate)


def run_graph(graph, path: Path, what: str, duration: float, progress: Progress | None,
              frame_rate: float | None = None) -> None:
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    report = (lambda seconds: progress(min(1.0, seconds / duration))) \
        if progress and duration else None
    run_ffmpeg(["-loglevel", "error", *args], what=what, path=path, progress=report,
               frame_rate=frame_rate)
