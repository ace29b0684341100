"""What a profile's settings may not be, found when the manifest is read, at the field's line:
a frame, container, codec or bit rate that ffmpeg's encoders would refuse only once rendering,
or a medium and container that do not go together (`encoder_problems`, `profile_problem`).
"""

from __future__ import annotations

import math
import re

from pipeline.errors import Reason
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.profiles import Profile, bits_per_second

# Which containers serve which medium, and the audio codecs each audio container takes.
VIDEO_CONTAINERS = ("mp4", "mov", "mxf")
AUDIO_CODECS = {"wav": ("pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le"),
                "mp3": ("libmp3lame",), "mp2": ("mp2", "mp2fixed"),
                "ogg": ("libopus", "libvorbis", "flac"), "mp4": ("aac",)}
# MPEG audio's bit rates in kb/s by sample rate, of each layer a container holds: ISO/IEC
# 11172-3 at 32, 44.1 and 48 kHz, its low sampling frequencies (ISO/IEC 13818-3) at 16, 22.05
# and 24 kHz, and LAME's MPEG 2.5 at 8-12 kHz for Layer III. ffmpeg's MP2 encoders refuse any
# other only once encoding ("bitrate 250 is not allowed in mp2"); LAME takes it and writes the
# nearest it can (a trial's 500k at 22.05 kHz came out at 160 kb/s, its page saying 500).
_LOW = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
MPEG_AUDIO_BITRATES = {
    "mp2": {**dict.fromkeys((32000, 44100, 48000), (32, 48, 56, 64, 80, 96, 112, 128, 160, 192,
                                                     224, 256, 320, 384)),
            **dict.fromkeys((16000, 22050, 24000), _LOW)},
    "mp3": {**dict.fromkeys((32000, 44100, 48000), (32, 40, 48, 56, 64, 80, 96, 112, 128, 160,
                                                     192, 224, 256, 320)),
            **dict.fromkeys((16000, 22050, 24000), _LOW),
            **dict.fromkeys((8000, 11025, 12000), _LOW[:8])}}

X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow", "placebo")
X264_PROFILES = ("baseline", "main", "high", "high10", "high422", "high444")
# The pictures each H.264 profile carries (ITU-T H.264 Annex A: Baseline, Main and High are 8-bit
# 4:2:0; High 10 adds 10-bit; High 4:2:2 adds 4:2:2; High 4:4:4 takes every one x264 writes).
_8BIT_420 = ("yuv420p", "yuvj420p", "nv12")
X264_PIX_FMTS = {"baseline": _8BIT_420, "main": _8BIT_420, "high": _8BIT_420,
                 "high10": _8BIT_420 + ("yuv420p10le",),
                 "high422": _8BIT_420 + ("yuv420p10le", "yuv422p", "yuvj422p", "yuv422p10le",
                                         "nv16")}
VIDEO_CODECS = ("libx264", "mpeg2video", "prores_ks")
OPUS_APPLICATIONS = ("voip", "audio", "lowdelay")
BITRATE = re.compile(r"\d+(\.\d+)?[kM]?")


def encoder_problems(profile: Profile) -> list[tuple[str, Reason]]:
    """(field, why) for each encoder setting ffmpeg would refuse only once rendering: an x264
    preset or profile it does not have, a CRF outside x264's 0-51, a bit rate it cannot read.
    Found when the manifest is read, at the field's line. Each why is its English text and the
    message it was said from (`Reason.source`), for a Spanish terminal's `validate`."""
    return [(field, Reason(why)) for field, why in _encoder_problems(profile)]


def _encoder_problems(profile: Profile) -> list[tuple[str, Message]]:
    found = []
    if profile.medium == "video":
        if profile.video_codec not in VIDEO_CODECS:
            found.append(("video_codec", say(N_("video_codec is one of %(codecs)s, not "
                                                "%(codec)s"),
                                             codecs=Items(VIDEO_CODECS, choice=True),
                                             codec=repr(profile.video_codec))))
        elif profile.video_codec == "libx264":
            if profile.preset not in X264_PRESETS:
                found.append(("preset", say(N_("preset %(preset)s is not an x264 preset "
                                               "(%(presets)s)"), preset=repr(profile.preset),
                                            presets=Items(tuple(X264_PRESETS)))))
            if profile.x264_profile is not None and profile.x264_profile not in X264_PROFILES:
                found.append(("x264_profile", say(N_("x264_profile %(profile)s is not one of "
                                                     "%(profiles)s"),
                                                  profile=repr(profile.x264_profile),
                                                  profiles=Items(tuple(X264_PROFILES)))))
            elif profile.pix_fmt not in X264_PIX_FMTS.get(profile.x264_profile, (profile.pix_fmt,)):
                # x264 refused it only once encoding ("baseline profile doesn't support 4:4:4").
                fits = [name for name in X264_PROFILES
                        if profile.pix_fmt in X264_PIX_FMTS.get(name, (profile.pix_fmt,))]
                found.append(("x264_profile", say(N_("x264_profile %(profile)s cannot carry "
                                                     "pix_fmt %(pix_fmt)s (H.264 Annex A; "
                                                     "%(fits)s can)"),
                                                  profile=repr(profile.x264_profile),
                                                  pix_fmt=repr(profile.pix_fmt),
                                                  fits=Items(tuple(fits), " or "))))
            if profile.crf is not None and not 0 <= profile.crf <= 51:
                found.append(("crf", say(N_("crf %(crf)s is outside x264's 0 to 51"),
                                         crf=profile.crf)))
        if profile.qscale is not None and not 1 <= profile.qscale <= 31:
            found.append(("qscale", say(N_("qscale %(qscale)s is outside 1 to 31"),
                                        qscale=profile.qscale)))
        if profile.fps is not None and not 0 < profile.fps <= 300:
            found.append(("fps", say(N_("fps %(fps)s is not a frame rate (0 to 300)"),
                                     fps=Number(profile.fps, "g"))))
        found += _odd_frame(profile) + _huge_frame(profile)
    for name in ("video_bitrate", "audio_bitrate"):
        value = getattr(profile, name)
        if value is not None and not BITRATE.fullmatch(str(value)):
            found.append((name, say(N_("%(name)s %(value)s is not a bit rate (like 192k or "
                                       "20M)"), name=name, value=repr(value))))
        elif value is not None and not float(str(value).rstrip("kM")):
            found.append((name, say(N_("%(name)s must be positive, not %(value)s"), name=name,
                                    value=repr(value))))
    if profile.opus_application is not None and profile.opus_application not in OPUS_APPLICATIONS:
        found.append(("opus_application", say(N_("opus_application is one of %(choices)s, "
                                                 "not %(value)s"),
                                              choices=Items(OPUS_APPLICATIONS, choice=True),
                                              value=repr(profile.opus_application))))
    if not 8000 <= profile.sample_rate <= 192000:
        found.append(("sample_rate", say(N_("sample_rate %(rate)s is not an audio rate (8000 to "
                                            "192000 Hz)"), rate=profile.sample_rate)))
    elif profile.medium == "audio" and profile.container in ("mp2", "mp3"):
        found += _mpeg_audio_problems(profile)
    return found


def _mpeg_audio_problems(profile: Profile) -> list[tuple[str, Message]]:
    """An MPEG Layer II or III file's sample rate and bit rate, which its standards fix."""
    tables, layer = MPEG_AUDIO_BITRATES[profile.container], profile.container.upper()
    if profile.sample_rate not in tables:
        return [("sample_rate", say(N_("sample_rate %(rate)s is not an %(layer)s rate "
                                       "(%(rates)s)"), rate=profile.sample_rate, layer=layer,
                                    rates=Items(tuple(str(rate) for rate in tables))))]
    rate, allowed = profile.audio_bitrate, tables[profile.sample_rate]
    if rate is None or not BITRATE.fullmatch(str(rate)):
        return []                      # no rate is ffmpeg's default; a bad one is said above
    if round(bits_per_second(str(rate)) / 1000, 3) not in allowed:
        return [("audio_bitrate", say(N_("audio_bitrate %(rate)s is not an %(layer)s rate at "
                                         "%(sample_rate)s Hz (%(rates)s)"), rate=str(rate),
                                      layer=layer, sample_rate=profile.sample_rate,
                                      rates=Items(tuple(f"{k}k" for k in allowed))))]
    return []


def _odd_frame(profile: Profile) -> list[tuple[str, Message]]:
    """The encoders halve the chroma of 4:2:0 pictures both ways and of 4:2:2 ones across:
    x264 refuses a frame whose halved side is not whole, after the whole decode."""
    halved = {"width": "420" in profile.pix_fmt or "422" in profile.pix_fmt,
              "height": "420" in profile.pix_fmt}
    return [(side, say(N_("%(side)s must be even for %(pix_fmt)s, not %(value)s"), side=side,
                       pix_fmt=profile.pix_fmt, value=getattr(profile, side)))
            for side, needed in halved.items() if needed and getattr(profile, side) % 2]


# H.264's largest level (6.2, ITU-T H.264 Table A-1): 139,264 macroblocks of 16x16 px a frame
# (8192x4320), no side over sqrt(8 x that) macroblocks (A.3.1 f), 16,880 px. A trial's
# 100000x100000 profile passed validate, to fail after the whole decode or exhaust memory.
MAX_MACROBLOCKS = 139_264
MAX_SIDE_PX = 16 * math.isqrt(8 * MAX_MACROBLOCKS)


def _huge_frame(profile: Profile) -> list[tuple[str, Message]]:
    blocks = -(-profile.width // 16) * -(-profile.height // 16)
    if blocks <= MAX_MACROBLOCKS and max(profile.width, profile.height) <= MAX_SIDE_PX:
        return []
    side = "width" if profile.width >= profile.height else "height"
    return [(side, say(N_("a %(size)s frame is larger than any H.264 level allows (6.2: "
                          "%(blocks)s macroblocks, 8192x4320; no side over %(side)s px)"),
                       size=f"{profile.width}x{profile.height}",
                       blocks=f"{MAX_MACROBLOCKS:,}", side=MAX_SIDE_PX))]


def profile_problem(profile: Profile) -> tuple[tuple[str, ...], Reason] | None:
    """Why a profile (built in or overridden) cannot be rendered, with the fields that make it
    so, the one to change first (a manifest's error is said at the first of them it sets); or
    None. Why, as `encoder_problems`' (its English text and its message)."""
    found = _profile_problem(profile)
    return None if found is None else (found[0], Reason(found[1]))


def _profile_problem(profile: Profile) -> tuple[tuple[str, ...], Message] | None:
    if profile.medium == "video":
        if profile.container not in VIDEO_CONTAINERS:
            return (("container", "medium"),
                    say(N_("a video profile's container is one of %(containers)s, not "
                           "%(container)s (set 'medium: audio' for sound alone)"),
                        containers=Items(VIDEO_CONTAINERS, choice=True),
                        container=repr(profile.container)))
        if profile.width < 2 or profile.height < 2:
            return (("width", "height") if profile.width < 2 else ("height", "width"),
                    say(N_("a video profile needs a width and a height of at least 2 px")))
        if profile.mastered and abs(profile.width / profile.height / (16 / 9) - 1) > 0.005:
            # Square pixels: no profile key sets another shape. A trial's 720x576 XDCAM
            # master came out 5:4, labelled HD422; its 720x480 one failed in the encoder.
            return (("width", "height"), say(
                N_("a TV master (a leader, timecode, mono tracks or an interlaced scan) is 16:9 "
                   "with square pixels, as HD's 1920x1080 and 1280x720 (SMPTE ST 274, ST 296), "
                   "not %(size)s: an SD frame's pixels are not square, and no profile key sets "
                   "them; an SD master is upscaled into an HD frame"),
                size=f"{profile.width}x{profile.height}"))
        if profile.mastered and profile.max_mb_per_minute:
            # A master's picture is encoded in one pass at its own rate (render/mastering.py).
            return (("max_mb_per_minute", "scan", "timecode", "leader", "audio_tracks"),
                    say(N_("a size cap (max_mb_per_minute) is a web or messaging file's: a "
                           "master (a leader, timecode, mono tracks or an interlaced scan) has "
                           "its video_bitrate")))
        return None
    if profile.container not in AUDIO_CODECS:
        return (("container", "medium"),
                say(N_("an audio profile's container is one of %(containers)s, not "
                       "%(container)s"), containers=Items(tuple(AUDIO_CODECS), choice=True),
                    container=repr(profile.container)))
    if profile.audio_codec not in AUDIO_CODECS[profile.container]:
        return (("audio_codec", "container"),
                say(N_("audio codec %(codec)s does not go in %(container)s (use %(codecs)s)"),
                    codec=repr(profile.audio_codec), container=repr(profile.container),
                    codecs=Items(tuple(AUDIO_CODECS[profile.container]), " or ")))
    if profile.channels not in (1, 2):
        return ("channels",), say(N_("an audio profile is mono (channels: 1) or stereo "
                                     "(channels: 2)"))
    if profile.bext and profile.container != "wav":
        return ("bext", "container"), say(N_("a bext chunk goes in a WAV file only"))
    if profile.playout_parts:
        return (("timecode", "leader", "audio_tracks", "medium"),
                say(N_("an audio profile has no leader, timecode or mono tracks (a video "
                       "master's)")))
    return None


# Mastering profiles (CONTRACT.md "Next"): what stations' traffic departments ask for. The leader
# is 12 s (bars 5, slate 5, black 2): long enough to line up and read, as most station specs ask.
