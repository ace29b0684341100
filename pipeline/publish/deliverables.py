"""What each published file is for a broadcaster: its kind, the medium it serves, whether a
browser can play it.

A variant's kind is found from what its catalog entry says, in this order: its profile's name
(the built-in profiles of CONTRACT.md, present and announced), or the built-in profile a
manifest's own derives from (`profile_base`), else its file's extension (a manifest's own
profile named `radio-aac` that writes `.m4a` is still radio, and so is one that changes its
built-in's file or codecs, AAC in `.m4a` from `radio-mp3`: its `profile_base` is null), with
the spot's `medium` telling an audio-only file from a video. Attachments (sidecars,
certificates, plots) are known by their extension. New kinds of file slot in here, as one line of a table.
At the end, the words a file's line says of its picture and sound (rate and scan, how it was
made, its coding), as messages the card fills in (`file_row.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Literal

from pipeline.profiles import TRACKLESS
from pipeline.publish.i18n import N_

Medium = Literal["tv", "radio", "web", "messaging"]
Playable = Literal["video", "audio"] | None


MEDIA: dict[str, str] = {"tv": N_("TV"), "radio": N_("Radio"), "web": N_("Web and social media"),
                         "messaging": N_("Messaging apps")}  # the page's filter, in this order


@dataclass(frozen=True)
class Kind:
    label: str           # a message, translated where shown
    medium: Medium
    order: int           # within a card: masters first, previews last
    use: str | None = None   # what a station does with it, a message (built-in profiles only)


# A station's operator asked which file to air: the radio MP3 (streaming's -16 LUFS) sat beside
# the Broadcast WAV (R128's -23) with nothing to tell them apart. Each built-in kind says its use.
BY_PROFILE: dict[str, Kind] = {
    "broadcast": Kind(N_("TV master (MOV, PCM audio)"), "tv", 10,
                      N_("To air on TV: for the station's playout or editing")),
    "broadcast-mxf": Kind(N_("TV master, MXF XDCAM HD422"), "tv", 11,
                          N_("To air on TV: for playout servers that take MXF (XDCAM)")),
    "broadcast-prores": Kind(N_("TV master, ProRes 422 HQ"), "tv", 12,
                             N_("To air on TV: for playout or editing that takes ProRes")),
    # A trial's community station read "where an audio processor levels loudness" as its own
    # (most FM stations have one on air) and took the -23 LUFS file, 7 dB under the MP3.
    "radio": Kind(N_("Radio master, Broadcast WAV"), "radio", 20,
                  N_("To air on radio where the automation levels each file's loudness (EBU "
                     "R128, -23 LUFS): for the console or the automation system; played as it "
                     "is, it sounds quieter than most of what a station airs")),
    "radio-mp2": Kind(N_("Radio, MP2"), "radio", 21,
                      N_("To air on radio: for automation systems that take MP2 (MPEG Layer II)")),
    "radio-mp3": Kind(N_("Radio, MP3"), "radio", 21,
                      N_("For streaming, and to air as it is at a station whose automation "
                         "does not level each file's loudness, with or without an audio "
                         "processor on air; where it does, air the Broadcast WAV")),
    "web": Kind(N_("Web video"), "web", 30, N_("For websites and social media")),
    "square": Kind(N_("Square video for social media"), "web", 31,
                   N_("For social media feeds")),
    "vertical": Kind(N_("Vertical video for stories and reels"), "web", 32,
                     N_("For stories and reels")),
    "messaging": Kind(N_("Video for messaging apps"), "messaging", 40,
                      N_("To send through messaging apps (WhatsApp, Telegram)")),
    "voice-note": Kind(N_("Voice note"), "messaging", 41,
                       N_("To send as a voice note through messaging apps")),
    "proxy": Kind(N_("Light preview video"), "web", 50, N_("To preview only, not to air")),
}


_TRACKLESS = frozenset(BY_PROFILE[name] for name in TRACKLESS)


# The MP3's use names the Broadcast WAV: on a card without one (a video campaign's, without the
# `radio` profile) a trial's station was sent to a file the page did not have.
MP3_WITHOUT_WAV = replace(BY_PROFILE["radio-mp3"], use=N_(
    "For streaming, and to air as it is at a station whose automation does not level each file's "
    "loudness, with or without an audio processor on air (it is louder than broadcast loudness, "
    "-23 LUFS)"))


def for_card(kinds: list[Kind]) -> list[Kind]:
    """The kinds of a card's files, each saying its use as the card's other files allow."""
    if BY_PROFILE["radio"] in kinds:
        return kinds
    return [MP3_WITHOUT_WAV if kind == BY_PROFILE["radio-mp3"] else kind for kind in kinds]


def burned_for_phones(files: list[tuple[Kind, dict]], medium: str) -> str | None:
    """Of a card's files (each its kind and catalog variant), the name of one for players that
    show no subtitle track (`profiles.TRACKLESS`: messaging apps, social feeds) whose
    subtitles are in its picture (its variant's `treatment` is `burn`), one of `medium` first;
    None without one."""
    burned = [(kind.medium != medium, kind.order, PurePosixPath(variant["file"]).name)
              for kind, variant in files
              if kind in _TRACKLESS and variant.get("treatment") == "burn"]
    return min(burned)[2] if burned else None


BY_EXTENSION: dict[str, Kind] = {
    "mxf": Kind(N_("TV master (MXF)"), "tv", 13),
    "mov": Kind(N_("TV master (MOV)"), "tv", 14),
    "wav": Kind(N_("Radio master (WAV)"), "radio", 22),
    "flac": Kind(N_("Radio master (FLAC)"), "radio", 23),
    "mp3": Kind(N_("Radio, MP3"), "radio", 24),
    "mp2": Kind(N_("Radio, MP2"), "radio", 24),
    "m4a": Kind(N_("Radio, AAC"), "radio", 25),
    "aac": Kind(N_("Radio, AAC"), "radio", 25),
    "ogg": Kind(N_("Voice note"), "messaging", 42),
    "opus": Kind(N_("Voice note"), "messaging", 42),
    "mp4": Kind(N_("Video (MP4)"), "web", 33),
    "webm": Kind(N_("Video (WebM)"), "web", 34),
}


OTHER = Kind(N_("Other file"), "web", 90)


# What Chromium, Firefox and Safari play from a <video>/<audio> element (type= of <source>).
VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm"}


AUDIO_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac", "ogg": "audio/ogg",
               "opus": "audio/ogg", "wav": "audio/wav", "flac": "audio/flac"}


SUBTITLE_LABELS = {"srt": N_("Subtitles, SubRip (SRT)"), "vtt": N_("Subtitles, WebVTT"),
                   "ttml": N_("Subtitles, TTML (IMSC1)"),
                   "ebutt": N_("Subtitles, EBU-TT, in the TV master's timecode")}


# What a station does with each subtitle file: a trial's TV operator saw four subtitle files
# under a language and no word of which one their system takes.
SUBTITLE_USES = {
    "srt": N_("For editing and playout systems that load subtitles from a file; most players "
              "open it too"),
    "vtt": N_("For websites and web players (the subtitles of an HTML5 video)"),
    "ttml": N_("For streaming platforms and subtitle systems that take IMSC1 (TTML)"),
    "ebutt": N_("For the subtitle system that plays them out with the TV master"),
}


EBUTT_SUFFIX = ".ebutt.xml"     # a TV master's own (render/ebutt_sidecar.py)


CERTIFICATE_SUFFIX = ".loudness.html"


PLOT_SUFFIXES = (".loudness.png", ".loudness.svg")


def extension(file: str) -> str:
    return PurePosixPath(file).suffix.lstrip(".").lower()


def kind_of(variant: dict) -> Kind:
    """The kind of a catalog variant, from its profile name or the built-in profile it derives
    from (`profile_base`: a manifest's `whatsapp: {base: messaging}`), else its extension (a
    missing variant's `extension`: it has no file)."""
    ext = variant.get("extension") or extension(variant["file"])
    base = variant.get("profile_base", "")
    if base is None:    # it writes another file or codec than its built-in's (Profile.file_kind)
        return BY_EXTENSION.get(ext, OTHER)
    known = BY_PROFILE.get(variant.get("profile", "")) or BY_PROFILE.get(base)
    return known or BY_EXTENSION.get(ext, OTHER)


def playable(variant: dict) -> Playable:
    """How a browser can preview the variant in place, if it can.

    A radio spot's MP4 (`medium: radio`, or a file with no picture) plays as audio.
    """
    ext = extension(variant["file"])
    if ext in VIDEO_TYPES:
        has_picture = variant.get("width") is not None and variant.get("medium") != "radio"
        return "video" if has_picture else "audio"
    return "audio" if ext in AUDIO_TYPES else None


def media_type(file: str) -> str:
    ext = extension(file)
    return VIDEO_TYPES.get(ext) or AUDIO_TYPES.get(ext, "application/octet-stream")


def subtitle_kind(file: str) -> str:
    """The key of SUBTITLE_LABELS a subtitle file is under: `ebutt` for a TV master's EBU-TT
    sidecar, else its extension."""
    return "ebutt" if file.lower().endswith(EBUTT_SUFFIX) else extension(file)


def attachment_role(file: str) -> str:
    """`subtitles`, `certificate`, `plot` or `other`, by the file's name."""
    name = file.lower()
    if name.endswith(CERTIFICATE_SUFFIX):
        return "certificate"
    if name.endswith(PLOT_SUFFIXES):
        return "plot"
    return "subtitles" if subtitle_kind(name) in SUBTITLE_LABELS else "other"


# What a station's ingest checks of a TV master before it airs (render/mastering.py's record):
# the picture's rate and scan, the mono tracks' layout. Messages, each taking its figure.
SCANS = {"progressive": N_("%(rate)s fps, progressive"),
         "tff": N_("%(rate)s fps, interlaced, top field first"),
         "bff": N_("%(rate)s fps, interlaced, bottom field first")}
SEGMENTED = N_("each frame's two fields from one picture (PsF)")
DEINTERLACED = N_("made from an interlaced picture, a frame for every two fields: half of its "
                  "motion")
# A master made by enlarging its picture: from SD (576 lines or fewer: PAL's and NTSC's), the
# upconversion a station's ingest asks about; else the size it was enlarged from.
UPSCALED_SD = N_("upconverted from SD (%(size)s)")
UPSCALED = N_("picture enlarged from %(size)s")
SD_LINES = 576
# A file whose frame shows part of the master's picture (geometry.shown_share).
CROPPED = N_("cropped: %(share)s %% of the master's picture shown")
# A master made at another rate than its master's (render/leader.py `RateChange`): film's 2:3
# pulldown, which stations of the NTSC family air every day; else pictures repeated or dropped
# with no motion compensation, which a station sees as judder and may refuse.
PULLDOWN = N_("2:3 pulldown from %(rate)s fps")
CONVERTED = N_("converted from %(rate)s fps without motion compensation: motion judders")
# Every picture kept or repeated alike (50p to 25p, 25p to 50p): its motion stays even.
EVEN = N_("converted from %(rate)s fps with even motion")
# A sound file's coding and sample rate, on its line: two MP3 profiles (a station's 128 kb/s at
# 44.1 kHz beside the built-in 256 kb/s at 48 kHz) showed the same "Radio, MP3" and use.
PCM_BITS = {False: N_("PCM %(bits)s-bit"), True: N_("PCM %(bits)s-bit float")}
BIT_RATE = N_("%(rate)s kbit/s")
SAMPLE_RATE = N_("%(rate)s kHz")
TRACKS = {"silence": N_("%(num)s mono tracks: the mix on 1 and 2, silence on the others"),
          "copy": N_("%(num)s mono tracks: the mix on 1 and 2, and again on each next pair")}
