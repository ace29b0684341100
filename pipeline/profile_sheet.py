"""What each output profile makes, in a line a media team reads before naming it in a manifest:
its file, picture, video coding, sound and loudness (`pipeline profiles`).

A trial's media team, writing a 21-language manifest, had no way to list the profiles it could
name, nor to see what a manifest's override of one had become, but the README's table. Each
column is a message (`pipeline/messages.py`), said in the terminal's language; the figures are
the profile's own, in the units the field writes them (px, fps, kb/s, kHz, LUFS or LKFS, dBTP).
"""

from __future__ import annotations

import re

from pipeline.messages import N_, Message, say
from pipeline.media.scan import SCAN_NAMES
from pipeline.profiles import Profile
from pipeline.publish.deliverables import TRACKS
from pipeline.standards import STANDARDS, loudness_unit

# The labels of `describe`'s lines, in order.
LABELS = {"picture": N_("picture"), "video": N_("video"), "subtitles": N_("soft subtitles"),
          "sound": N_("sound"), "loudness": N_("loudness")}

# Encoder names (ffmpeg's) as the field calls the codings.
CODINGS = {"libx264": "H.264", "mpeg2video": "MPEG-2 (XDCAM HD422)", "prores_ks": "ProRes 422 HQ",
           "aac": "AAC", "libmp3lame": "MP3", "mp2": "MPEG-1 Layer II", "libopus": "Opus"}
PCM = re.compile(r"pcm_s(\d+)[lb]e")

# How a master's picture of another shape goes into the frame (a trial read "letterboxed" of a
# 16:9 master in a 16:9 frame, which has no bars).
FITS = {"pad": N_("the picture whole, bars where its shape differs"),
        "crop": N_("the picture cropped to fill it"),
        "fit-width": N_("the picture scaled to its width")}


def describe(profile: Profile) -> dict[str, Message]:
    """`LABELS`' lines of `profile` (an audio profile's `sound` and `loudness` alone): `picture`
    (size in px, how a master's picture is fitted, frame rate, scan), `video` (coding, rate
    control, pixel format, a playout master's leader and timecode), `subtitles` (a soft
    language's: `_soft_subtitles`), `sound` (coding, bit rate, sample rate, channels or which
    mono tracks carry the mix) and `loudness` (target and tolerance in its standard's unit,
    true-peak ceiling in dBTP, loudness range limit in LU, the standard, after EBU R128 and
    ATSC A/85; a mono file's figure as dual mono's)."""
    sound = {"sound": _sound(profile), "loudness": _loudness(profile)}
    if profile.audio_only:
        return sound
    return {"picture": _picture(profile), "video": _video(profile),
            "subtitles": _soft_subtitles(profile), **sound}


def _soft_subtitles(profile: Profile) -> Message:
    """What the video profile does with a `soft` language's subtitles (`soft_subtitles`), and
    why where the file's players show no track (`plays_without_tracks`). A master carries none
    (render/treatments.py build_master): its sidecar files go with it."""
    unseen = profile.plays_without_tracks
    if profile.soft_subtitles == "burn":
        return say(N_("burned into the picture (messaging apps and social feeds show no "
                      "track)") if unseen else N_("burned into the picture"))
    if profile.mastered:
        return say(N_("in files beside it (a master carries no track)"))
    return say(N_("a selectable track, which messaging apps and social feeds do not show")
               if unseen else N_("a selectable track"))


RATE_UNITS = {"k": "kb/s", "M": "Mb/s"}


def bit_rate(rate: str) -> str:
    """ffmpeg's `192k`, `20M` as the field writes them: `192 kb/s`, `20 Mb/s`."""
    unit = RATE_UNITS.get(rate[-1:])
    return f"{rate[:-1]} {unit}" if unit else f"{rate} b/s"


def _picture(profile: Profile) -> Message:
    rate = (say(N_("%(fps)s fps"), fps=f"{profile.fps:g}") if profile.fps
            else say(N_("the master's frame rate")))
    turned = say(N_(", turned for a portrait master")) if profile.orient else ""
    return say(N_("%(width)sx%(height)s (%(fit)s%(turned)s), %(rate)s, %(scan)s"),
               width=profile.width, height=profile.height, fit=say(FITS[profile.fit]),
               turned=turned, rate=rate, scan=say(SCAN_NAMES[profile.scan]))


def _video(profile: Profile) -> Message:
    coding = CODINGS.get(profile.video_codec, profile.video_codec)
    if profile.x264_profile in ("main", "high") and profile.preset == "ultrafast":
        # ultrafast turns off CABAC, B-frames and the 8x8 transform, and x264 then writes the
        # stream as Constrained Baseline whatever profile is asked (measured with ffprobe, Main
        # and High asked): the sheet said Main of a file that is not.
        coding += " Constrained Baseline"
    elif profile.x264_profile:
        coding += f" {profile.x264_profile.capitalize()}"
    if profile.max_mb_per_minute:
        rate = say(N_("two passes to at most %(size)s MB a minute"),
                   size=f"{profile.max_mb_per_minute:g}")
    elif profile.video_bitrate:
        # A bit rate x264 codes up to (no filler): easy pictures take far less.
        rate = bit_rate(profile.video_bitrate)
    elif profile.crf is not None:
        rate = f"CRF {profile.crf}"
    elif profile.qscale is not None:
        rate = say(N_("quantiser %(q)s"), q=profile.qscale)
    else:
        rate = ""
    preset = say(N_(", preset %(preset)s"), preset=profile.preset) \
        if profile.video_codec == "libx264" else ""
    leader = profile.leader.seconds if profile.leader else 0
    playout = (say(N_(", a leader of %(seconds)s s"), seconds=f"{leader:g}") if leader else "",
               say(N_(", timecode from %(timecode)s"), timecode=profile.timecode)
               if profile.timecode else "")
    return say(N_("%(coding)s, %(rate)s%(preset)s, %(pixels)s%(leader)s%(timecode)s"),
               coding=coding, rate=rate, preset=preset, pixels=profile.pix_fmt,
               leader=playout[0], timecode=playout[1])


def _sound(profile: Profile) -> Message:
    pcm = PCM.fullmatch(profile.audio_codec)
    # As the page writes it ("PCM de 24 bits" in Spanish).
    coding = say(N_("PCM %(bits)s-bit"), bits=pcm.group(1)) if pcm else \
        CODINGS.get(profile.audio_codec, profile.audio_codec)
    if profile.audio_bitrate:
        coding = f"{coding} {bit_rate(profile.audio_bitrate)}"
    layout = (say(TRACKS[profile.audio_fill], num=profile.audio_tracks)
              if profile.audio_tracks else
              say(N_("mono")) if profile.channels == 1 else
              say(N_("stereo")) if profile.channels == 2 else
              say(N_("%(channels)s channels"), channels=profile.channels))
    # A station's playout reads the Broadcast WAV's description and origination (EBU Tech 3285).
    bext = say(N_(", Broadcast WAV (bext chunk)")) if profile.bext else ""
    return say(N_("%(coding)s, %(rate)s kHz, %(layout)s%(bext)s"), coding=coding,
               rate=f"{profile.sample_rate / 1000:g}", layout=layout, bext=bext)


def _loudness(profile: Profile) -> Message:
    standard = STANDARDS.get(profile.loudness_standard or "")
    unit = loudness_unit(profile.loudness_standard)
    # A mono file's figure is dual mono's (render/audio_only.py): a meter reading its one
    # channel by BS.1770 finds 3 LU less, as the page and the certificate say.
    mono = say(N_(" (mono measured as dual mono: %(single)s %(unit)s on its one channel)"),
               single=f"{profile.loudness - 3:g}", unit=unit) \
        if profile.channels == 1 and not profile.audio_tracks else ""
    return say(N_("%(target)s %(unit)s ±%(tolerance)s LU%(mono)s, true peak %(peak)s dBTP, "
                  "loudness range at most %(range)s LU%(standard)s"),
               target=f"{profile.loudness:g}", unit=unit, mono=mono,
               tolerance=f"{profile.loudness_tolerance:g}", peak=f"{profile.true_peak:g}",
               range=f"{profile.loudness_range:g}",
               standard=f", {standard.title}" if standard else "")
