"""Output profiles: frame, codecs and loudness target of one kind of deliverable.

A profile's `medium` says what it delivers: `video` (a picture and its sound) or `audio` (the
sound alone: radio masters, MP3s, voice notes). Its file's extension follows from its container.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import ClassVar, Literal

from pipeline.ranges import POSITIVE, Range

Fit = Literal["pad", "crop", "fit-width"]
Scan = Literal["progressive", "tff", "bff"]
Medium = Literal["video", "audio"]
SoftSubtitles = Literal["track", "burn"]
Container = Literal["mp4", "mov", "mxf", "wav", "mp3", "mp2", "ogg"]

# The built-in profiles whose files play where no subtitle track is shown: WhatsApp, Telegram,
# and the feeds of stories and reels play an MP4's picture and sound alone.
TRACKLESS = ("messaging", "vertical", "square")


@dataclass(frozen=True)
class Leader:
    """What comes before the programme in a master, in seconds (each rounded to whole frames):
    SMPTE colour bars with a 1 kHz alignment tone, a slate identifying the spot, then black.

    `tone` is the tone's level in dBFS; None takes the profile's loudness standard's alignment
    level (EBU R68: -18 dBFS for EBU R128; SMPTE RP 155: -20 dBFS for ATSC A/85)."""

    bars: float = 0.0
    slate: float = 0.0
    black: float = 0.0
    tone: float | None = None

    @property
    def seconds(self) -> float:
        return self.bars + self.slate + self.black


@dataclass(frozen=True)
class Profile:
    name: str
    width: int                         # px; 0 for an audio profile
    height: int
    fit: Fit = "pad"              # pad: letterbox; crop: centre crop; fit-width: scale to width, pad height
    orient: bool = False               # the frame turns on its side for a portrait master
    medium: Medium = "video"
    container: Container = "mp4"
    video_codec: str = "libx264"       # libx264, mpeg2video (XDCAM HD422) or prores_ks (ProRes 422 HQ)
    x264_profile: str | None = "high"
    max_level: float | None = 4.2      # highest H.264 level of a master copied as it is (4.2: 1080p60)
    preset: str = "medium"
    crf: int | None = 20
    video_bitrate: str | None = None   # e.g. "20M": constant-rate encode instead of CRF
    qscale: int | None = None          # a fixed quantiser for codecs that take one (ProRes: 1-31)
    max_mb_per_minute: float | None = None  # size cap (10^6 bytes a minute): two-pass bitrate
    fps: float | None = None           # None: the master's frame rate
    pix_fmt: str = "yuv420p"           # of the encoded picture (4:2:2 for the mastering profiles)
    scan: Scan = "progressive"         # the encoded picture's scan: interlaced top or bottom field first
    audio_codec: str = "aac"
    audio_bitrate: str | None = "192k"
    opus_application: str | None = None     # libopus tuning: voip (speech), audio, lowdelay
    sample_rate: int = 48000
    channels: int = 2
    audio_tracks: int = 0              # 0: one track of `channels`; N: N mono tracks, the mix on 1-2
    audio_fill: Literal["silence", "copy"] = "silence"   # tracks past 2: silent, or the mix again
    loudness: float = -16.0            # integrated LUFS target
    loudness_tolerance: float = 1.0    # LU either side of the target that QC accepts
    true_peak: float = -1.0            # dBTP ceiling
    # LU: a wider loudness range (LRA, as EBU Tech 3342 measures it) is a QC warning. The
    # profile's own limit, no standard's: EBU R128 and ATSC A/85 set none.
    loudness_range: float = 11.0
    loudness_standard: Literal["ebu-r128", "atsc-a85"] | None = None   # sets the three above
    faststart: bool = True
    bext: bool = False                 # WAV: a Broadcast Wave `bext` chunk (EBU Tech 3285 v2)
    timecode: str | None = None        # "HH:MM:SS:FF" (";FF" drop-frame) of the programme's first frame
    leader: Leader | None = None       # bars, tone, slate and black before the programme
    clock_in_name: bool = False        # the file is named `<clock number>.<ext>`
    # What the file does with a `soft` language's subtitles: a selectable track, or burned
    # into the picture where its players show no track (messaging apps, social feeds).
    soft_subtitles: SoftSubtitles = "track"
    # The built-in profile a manifest's own derives from (`base:`, or the built-in it
    # overrides), None for a built-in itself: what the file is for a broadcaster (its kind on
    # the published page); not a setting of the render.
    base: str | None = None

    # What a manifest may set each figure to (checked at its line; encoder_problems checks
    # those whose range depends on the codec). Loudness below -70 LUFS is no programme.
    RANGES: ClassVar[dict[str, Range]] = {
        "max_level": Range(1, 6.2), "max_mb_per_minute": POSITIVE, "channels": Range(1, 8),
        "loudness": Range(-70, 0, unit=" LUFS"), "loudness_tolerance": Range(0, above=True,
                                                                              unit=" LU"),
        "true_peak": Range(high=0, unit=" dBTP"), "loudness_range": Range(0, above=True,
                                                                         unit=" LU")}

    @classmethod
    def ranges(cls, unit: str) -> dict[str, Range]:
        """`RANGES` with the loudness said in `unit`, its standard's (standards.loudness_unit:
        LKFS under ATSC A/85), as its other figures are."""
        return {**cls.RANGES, "loudness": replace(cls.RANGES["loudness"], unit=f" {unit}")}

    @property
    def extension(self) -> str:
        """The file's extension: the container's, `.m4a` for sound alone in MP4."""
        return "m4a" if self.medium == "audio" and self.container == "mp4" else self.container

    @property
    def audio_only(self) -> bool:
        return self.medium == "audio"

    @property
    def playout_parts(self) -> bool:
        """A leader, a start timecode or discrete mono tracks: a station playout master's."""
        return bool(self.timecode or (self.leader and self.leader.seconds) or self.audio_tracks)

    @property
    def mastered(self) -> bool:
        """Rendered as a master (render/mastering.py): with `playout_parts`, or interlaced. An
        interlaced file is a station's (web and phone players show whole frames only), and a
        master's picture is the one that weaves its fields from the master's; made as other
        files are, from whole frames, both fields of a frame showed one moment (a trial's
        1080i master: idet 0 TFF, 75 progressive, half its motion)."""
        return self.playout_parts or (self.medium == "video" and self.scan != "progressive")

    def oriented(self, display_aspect: float) -> "Profile":
        """The profile for a master of `display_aspect` (width / height): with `orient`, a
        portrait master (phone video) gets the frame on its side, 720x1280 for 1280x720."""
        if self.orient and display_aspect < 1 < self.width / max(1, self.height):
            return replace(self, width=self.height, height=self.width)
        return self

    def settings(self) -> dict:
        """Every field, for records and fingerprints, but `base` (what the file is for, not how
        it is made) and `soft_subtitles`, whose effect is the variant's treatment
        (`treatment_of`), in its settings already: a variant it does not change keeps its
        fingerprint."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)
                if f.name not in ("base", "soft_subtitles")}

    @property
    def plays_without_tracks(self) -> bool:
        """Its files play where no subtitle track is shown (`TRACKLESS`)."""
        return self.kind in TRACKLESS

    def burns(self, treatment: str) -> bool:
        """Whether its files have a `treatment` language's subtitles in the picture: a video
        profile's, of a burn language or of a soft one it burns (`treatment_of`)."""
        return self.medium == "video" and self.treatment_of(treatment) == "burn"

    def tracks(self, treatment: str) -> bool:
        """Whether its files carry a `treatment` language's subtitles as a selectable track (an
        MP4's `mov_text`, subtitles/mp4_track.py): a video profile's that does not burn them,
        but a master's (its subtitles are sidecar files, render/mastering.py)."""
        return self.medium == "video" and not self.mastered and not self.burns(treatment)

    def treatment_of(self, treatment: str) -> str:
        """What a language's `treatment` is in this profile's files: `soft` is `burn` in a
        video profile whose `soft_subtitles` is `burn` (WhatsApp, Telegram, stories and reels
        show no subtitle track: a trial's Tsotsil messaging file had Spanish sound and no
        Tsotsil at all); else the treatment itself."""
        if treatment == "soft" and self.medium == "video" and self.soft_subtitles == "burn":
            return "burn"
        return treatment

    @property
    def kind(self) -> str:
        """The built-in profile this one is, or derives from."""
        return self.base or self.name

    @property
    def file_kind(self) -> str | None:
        """The built-in whose kind of file this one writes, as the page names it: its `kind`,
        unless it changes that one's file or codecs (`podcast: {base: radio-mp3, container:
        mp4, audio_codec: aac}` writes AAC, not the MP3 the page would say); None then, the
        file known by its extension. A bit rate or a PCM sample size keeps the kind."""
        built_in = BUILTIN_PROFILES.get(self.kind)
        if built_in is None:
            return self.kind
        same = (self.extension, self.video_codec, _codec_family(self.audio_codec)) == \
            (built_in.extension, built_in.video_codec, _codec_family(built_in.audio_codec))
        return self.kind if same else None


def _codec_family(codec: str) -> str:
    return "pcm" if codec.startswith("pcm_") else codec


def _plain(value):
    return value.__dict__.copy() if isinstance(value, Leader) else value


def bits_per_second(rate: str) -> float:
    """A bit rate as profiles write it ("96k", "20M", "128000") in bits a second."""
    units = {"k": 1e3, "K": 1e3, "M": 1e6}
    return float(rate[:-1]) * units[rate[-1]] if rate[-1] in units else float(rate)


MASTER_LEADER = Leader(bars=5.0, slate=5.0, black=2.0)
_MASTER = dict(width=1920, height=1080, x264_profile=None, max_level=None, crf=None,
               audio_codec="pcm_s24le", audio_bitrate=None, loudness=-23.0, loudness_tolerance=0.5,
               true_peak=-1.0, loudness_range=7.0, loudness_standard="ebu-r128", faststart=False,
               timecode="10:00:00:00", leader=MASTER_LEADER)


BUILTIN_PROFILES: dict[str, Profile] = {
    "web": Profile("web", 1920, 1080, crf=20, audio_bitrate="192k"),
    "broadcast": Profile("broadcast", 1920, 1080, container="mov", crf=None, video_bitrate="20M",
                         audio_codec="pcm_s24le", audio_bitrate=None, loudness=-23.0,
                         loudness_tolerance=0.5, loudness_range=7.0, loudness_standard="ebu-r128",
                         faststart=False),
    "broadcast-mxf": Profile("broadcast-mxf", container="mxf", video_codec="mpeg2video",
                             video_bitrate="50M", pix_fmt="yuv422p", scan="tff", audio_tracks=8,
                             audio_fill="silence", **_MASTER),
    # qscale 2: prores_ks skips its per-slice search of quantisers (measured on the demo master:
    # 5.8x less CPU, PSNR 59.8 dB against 57.6 dB, 49 Mb/s against 73 Mb/s; like Apple's encoder
    # the rate then follows the picture, under HQ's nominal 184 Mb/s for such content).
    "broadcast-prores": Profile("broadcast-prores", container="mov", video_codec="prores_ks",
                                qscale=2, pix_fmt="yuv422p10le", audio_tracks=4, audio_fill="copy",
                                **_MASTER),
    # Social feeds (stories, reels, posts) show no subtitle track: a soft language's subtitles
    # are burned into these, as into `messaging`'s.
    "square": Profile("square", 1080, 1080, fit="crop", crf=21, audio_bitrate="128k",
                      soft_subtitles="burn"),
    "vertical": Profile("vertical", 1080, 1920, fit="fit-width", crf=21, audio_bitrate="128k",
                        soft_subtitles="burn"),
    "proxy": Profile("proxy", 640, 360, x264_profile=None, preset="veryfast", crf=28,
                     audio_bitrate="96k"),
    # Messaging apps refuse or recompress videos over ~16 MB; H.264 Main plays on older phones;
    # 720p, or 720x1280 for a portrait spot.
    "messaging": Profile("messaging", 1280, 720, orient=True, x264_profile="main", crf=None,
                         max_mb_per_minute=16.0, audio_bitrate="128k", soft_subtitles="burn"),
    # A station's playout: Broadcast WAV at EBU R128's -23 LUFS (true peak -1 dBTP), with its
    # loudness certificate.
    "radio": Profile("radio", 0, 0, medium="audio", container="wav", x264_profile=None, crf=None,
                     audio_codec="pcm_s24le", audio_bitrate=None, loudness=-23.0,
                     loudness_tolerance=0.5, loudness_range=7.0, loudness_standard="ebu-r128",
                     faststart=False, bext=True),
    # Stations and portals that take MP3: CBR 256 kb/s at the streaming level, -16 LUFS.
    "radio-mp3": Profile("radio-mp3", 0, 0, medium="audio", container="mp3", x264_profile=None,
                         crf=None, audio_codec="libmp3lame", audio_bitrate="256k",
                         faststart=False),
    # A station's playout that takes MPEG-1 Audio Layer II (DAVID/DigaSystem, Dira, older
    # Dalet, RCS): to air, so at the Broadcast WAV's EBU R128 level, not streaming's. 384 kb/s
    # is Layer II's highest rate (ISO/IEC 11172-3); BBC R&D White Paper WHP 061 (2003) judges
    # 256 kb/s a high-quality stereo broadcast signal, and a station codes the file again for
    # its transmitter (DAB, a stream): the margin keeps that second coding clean.
    "radio-mp2": Profile("radio-mp2", 0, 0, medium="audio", container="mp2", x264_profile=None,
                         crf=None, audio_codec="mp2", audio_bitrate="384k", loudness=-23.0,
                         loudness_tolerance=0.5, loudness_range=7.0,
                         loudness_standard="ebu-r128", faststart=False),
    # A voice note messaging apps play as one (WhatsApp, Telegram, Signal): Ogg Opus, mono,
    # libopus tuned for speech.
    "voice-note": Profile("voice-note", 0, 0, medium="audio", container="ogg", x264_profile=None,
                          crf=None, audio_codec="libopus", audio_bitrate="32k",
                          opus_application="voip", channels=1, faststart=False),
}
