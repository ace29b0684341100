"""What ffprobe says of a media file: its streams and duration, as a frozen model.

The model is cached by file content (render/inputs.py); `PROBE_VERSION` is part of that cache's
key and moves whenever the model gains or changes a field, so an old entry is never misread.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import MediaError
from pipeline.files import empty_file, still_growing
from pipeline.media.cut_short import check_wav_header, cut_short, mp4_cut_short, riff_cut_short
from pipeline.media.ffmpeg import ffmpeg_binary, ffprobe_binary
from pipeline.media.frame_times import fastest_rate, frame_times, unreliable_base
from pipeline.media.timecode import STANDARD_RATES, constant_rate, measured_constant_rate
from pipeline.messages import N_, Number, say


PROBE_VERSION = 12


@dataclass(frozen=True)
class Stream:
    index: int
    kind: str            # video | audio | subtitle | data
    codec: str
    language: str | None = None
    width: int | None = None           # stored pixels, before SAR and rotation
    height: int | None = None
    fps: float | None = None           # the rate the picture is made at (see `_stream`)
    sample_rate: int | None = None
    channels: int | None = None
    pix_fmt: str | None = None
    profile: str | None = None
    level: int | None = None           # codec level as ffprobe gives it (H.264: 40 is 4.0)
    sar: str | None = None             # sample (pixel) aspect ratio "N:D"; None when not given
    field_order: str | None = None     # progressive | tt | bb | tb | bt | unknown; None: not given
    rotation: int | None = None        # display matrix rotation, degrees counter-clockwise
    variable_rate: bool | None = None  # average and base frame rates differ (phone video)
    average_fps: float | None = None   # a variable-rate picture's average rate, for people
    # Its fastest stretch's rate, measured from its frames' times where ffprobe's base rate is
    # none (a timescale: media/frame_times.py); None where the base rate is taken as it.
    peak_fps: float | None = None
    start_time: float | None = None    # seconds, on the file's clock (edit lists applied)
    duration: float | None = None      # seconds
    channel_layout: str | None = None  # ffmpeg's name: mono, stereo, 5.1(side), 7.1...
    sample_format: str | None = None   # ffmpeg's decoded sample format: s16, s32, flt, fltp...
    # Bits per sample the file stores (ffprobe's bits_per_raw_sample, else bits_per_sample):
    # 24 of a 24-bit WAV or FLAC; None for a lossy codec, which stores no samples.
    sample_bits: int | None = None
    # A sound stream's bits per second as ffprobe gives it (a lossy codec's coding rate: 64000
    # of a 64 kb/s MP3); None where not given.
    bit_rate: int | None = None
    color_space: str | None = None     # Y'CbCr matrix as ffprobe names it: bt709, smpte170m...
    color_transfer: str | None = None  # transfer curve: bt709, smpte2084 (PQ), arib-std-b67 (HLG)
    color_primaries: str | None = None  # bt709, bt2020 (a phone's HDR video), smpte170m...
    # A subtitle track's "default" disposition: a player shows it unasked (in MP4/MOV, ffmpeg
    # reads it from the track header's track_enabled flag, media/track_header.py).
    default: bool | None = None

    def to_json(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict) -> "Stream":
        return cls(**data)


@dataclass(frozen=True)
class MediaInfo:
    """A file's streams. `duration` is its picture's length when it has a picture (the spot's
    length: sound running past the last frame is not part of it), else the file's length."""

    path: Path
    duration: float
    format_name: str
    streams: tuple[Stream, ...]
    start_time: float = 0.0            # seconds: where the earliest stream starts
    timecode: str | None = None        # SMPTE timecode of the first frame (MXF, MOV tmcd), if any
    # Seconds from the picture's first frame to its programme's (a spot's `programme_start`):
    # then `duration` and `timecode` are the programme's (media/programme.py).
    programme_start: float = 0.0

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
                "streams": [s.to_json() for s in self.streams], "start_time": self.start_time,
                "timecode": self.timecode} | (
                    {"programme_start": self.programme_start} if self.programme_start else {})

    @classmethod
    def from_json(cls, data: dict) -> "MediaInfo":
        return cls(Path(data["path"]), data["duration"], data["format_name"],
                   tuple(Stream.from_json(s) for s in data["streams"]), data.get("start_time", 0.0),
                   data.get("timecode"), data.get("programme_start", 0.0))


def _rate(text: str | None) -> float | None:
    if not text or text in ("0/0", "0"):
        return None
    num, _, den = text.partition("/")
    return float(num) / float(den or 1) if float(den or 1) else None


def _number(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _rotation(raw: dict) -> int | None:
    """The display matrix's rotation (ffprobe's side data), or the older `rotate` tag (which
    counts clockwise), as degrees counter-clockwise in 0..359."""
    for data in raw.get("side_data_list", []):
        if "rotation" in data:
            return round(float(data["rotation"])) % 360
    tag = _number(raw.get("tags", {}).get("rotate"))
    return round(-tag) % 360 if tag is not None else None


def _duration(raw: dict) -> float | None:
    """A stream's length in seconds: ffprobe's, else Matroska's `DURATION` tag (HH:MM:SS.nnn,
    written by ffmpeg and mkvmerge), where ffprobe gives none: without it an MKV master whose
    sound runs past its picture took the file's length, the sound's, as the spot's."""
    seconds = _number(raw.get("duration"))
    if seconds is not None:
        return seconds
    tag = next((v for k, v in raw.get("tags", {}).items() if k.upper() == "DURATION"), None)
    parts = tag.split(":") if isinstance(tag, str) else []
    if len(parts) != 3 or _number(parts[2]) is None or not all(p.isdigit() for p in parts[:2]):
        return None
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + float(parts[2])


def _variable(average: float | None, base: float | None) -> bool:
    """Whether a picture's frames come at a variable rate: its average and base rates differ
    by more than 1 %, or its base is a rate in use and its average, a little off it, is not (a
    phone's 30 fps with jittered frame times averaged 30.126, 7200/239: taken as constant, a
    master was encoded at that rate, its leader and programme counted in it, its last frames
    lost). A 15 fps screen recording averaging 14.99 is left as it is: no standard rate is
    its."""
    if not (average and base) or abs(average - base) <= 1e-4 * base:
        return False
    return abs(average - base) > 0.01 * base or (_in_use(base) and not _in_use(average))


def _in_use(rate: float) -> bool:
    return any(abs(float(standard) - rate) <= 1e-3 * rate for standard in STANDARD_RATES)


def _stream(raw: dict, kind: str) -> Stream:
    video = kind == "video"
    avg, base = _rate(raw.get("avg_frame_rate")), _rate(raw.get("r_frame_rate"))
    variable = _variable(avg, base) if video else None
    sar = raw.get("sample_aspect_ratio")
    level = raw.get("level")
    return Stream(
        index=int(raw["index"]), kind=kind, codec=raw.get("codec_name", "unknown"),
        language=raw.get("tags", {}).get("language"),
        width=raw.get("width"), height=raw.get("height"),
        # A variable-rate picture is conformed to a constant rate (media/conform.py): that rate
        # is its frame grid everywhere (subtitle times, leader, poster, the encoders' frames),
        # not the average, on which no frame of it falls (18.8 fps for a 30/15/10 phone clip).
        fps=(float(constant_rate(base)) if variable else avg or base) if video else None,
        sample_rate=int(raw["sample_rate"]) if raw.get("sample_rate") else None,
        channels=raw.get("channels"), pix_fmt=raw.get("pix_fmt"), profile=raw.get("profile"),
        level=level if isinstance(level, int) and level > 0 else None,
        sar=sar if video and sar and not sar.startswith("0:") else None,
        field_order=raw.get("field_order") if video else None,
        rotation=_rotation(raw) if video else None,
        variable_rate=variable, average_fps=avg if variable else None,
        start_time=_number(raw.get("start_time")), duration=_duration(raw),
        channel_layout=raw.get("channel_layout") if kind == "audio" else None,
        sample_format=raw.get("sample_fmt") if kind == "audio" else None,
        sample_bits=_bits(raw) if kind == "audio" else None,
        bit_rate=int(_number(raw.get("bit_rate")) or 0) or None if kind == "audio" else None,
        color_space=raw.get("color_space") if video else None,
        color_transfer=raw.get("color_transfer") if video else None,
        color_primaries=raw.get("color_primaries") if video else None,
        default=bool(raw.get("disposition", {}).get("default")) if kind == "subtitle" else None,
    )


def _bits(raw: dict) -> int | None:
    """The bits per sample an audio stream stores, when ffprobe gives them (0: not said)."""
    for key in ("bits_per_raw_sample", "bits_per_sample"):
        value = _number(raw.get(key))
        if value:
            return int(value)
    return None


def _measured(path: Path, raw: dict, stream: Stream) -> Stream:
    """A variable-rate picture whose base rate is no stretch's rate (a timescale, 90000: it
    was made 120 fps, four frames for each a phone shot), made constant at the standard rate
    nearest its fastest stretch's, read from its frames' times (one more ffprobe, for such
    pictures alone)."""
    time_base = raw.get("time_base")
    if not (stream.variable_rate and time_base and unreliable_base(
            _rate(raw.get("r_frame_rate")), stream.average_fps, time_base)):
        return stream
    peak = fastest_rate(frame_times(path, stream.index, time_base))
    if peak is None:
        return stream
    return replace(stream, fps=float(measured_constant_rate(peak)), peak_fps=round(peak, 3))


def probe(path: Path | str, *, decode: bool = True) -> MediaInfo:
    """Streams and duration of a media file; `MediaError` naming the file when unreadable
    (of 0 bytes: said so, `files.empty_file`).
    An MP3 or FLAC is decoded for its length (`_as_decoded`) unless `decode` is False: for a
    file the caller decodes anyway (a sound-only variant, whose meter counts its samples)."""
    path = Path(path)
    if not path.exists():
        raise MediaError(say(N_("file not found")), path)
    empty = empty_file(path)
    if empty is not None:
        # No line: a recording or a video has none (a text file's empty first line has).
        raise MediaError(empty.detail, path, None, empty.hint_detail, empty.code)
    result = subprocess.run(
        [ffprobe_binary(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)], capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        short = riff_cut_short(path) or (mp4_cut_short(path, result.stderr)
                                         if not still_growing(path) else None)
        if short is not None:
            raise short
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unreadable"
        reason = reason.removeprefix(f"{path}: ")   # the diagnostic names the file already
        # ffprobe's reason in its own words (English).
        raise MediaError(say(N_("ffprobe cannot read this file: %(reason)s"), reason=reason),
                         path, hint=say(N_("it is still being written (it grew as it was read): "
                                           "wait for its copy to end, then run the command "
                                           "again")) if still_growing(path) else
                         say(N_("export the file again as MP4/MOV (video) or PCM WAV/FLAC "
                                "(audio)")))
    data = json.loads(result.stdout or "{}")
    held = _share_held(data)
    if held is not None and held < 0.99:
        listed_by = "index" if "mp4" in data["format"]["format_name"] else "header"
        # `.0%` is `.0f` of a hundred times it, and the sign after.
        raise cut_short(path, say(N_("it holds %(held)s%% of the data its index lists")
                                  if listed_by == "index" else
                                  N_("it holds %(held)s%% of the data its header lists"),
                                  held=Number(held * 100, ".0f")))
    if data.get("format", {}).get("format_name") == "wav":
        check_wav_header(path, _number(data["format"].get("duration")))
    streams = []
    for raw in data.get("streams", []):
        kind = raw.get("codec_type", "data")
        # A cover picture is a "video" stream in ffprobe's eyes; it is not a picture track.
        if kind == "video" and raw.get("disposition", {}).get("attached_pic"):
            kind = "data"
        streams.append(_measured(path, raw, _stream(raw, kind)))
    fmt = data.get("format", {})
    picture = next((s for s in streams if s.kind == "video"), None)
    duration = (picture.duration if picture and picture.duration else None) \
        or float(fmt.get("duration") or 0.0)
    # MXF keeps its timecode in the file's tags, MOV in its tmcd track's.
    timecodes = [fmt.get("tags", {}).get("timecode")] + \
        [raw.get("tags", {}).get("timecode") for raw in data.get("streams", [])]
    info = MediaInfo(path, duration, fmt.get("format_name", ""), tuple(streams),
                     _number(fmt.get("start_time")) or 0.0, next(filter(None, timecodes), None))
    if decode and info.format_name in DECODED_FOR_LENGTH and info.audio:
        return _as_decoded(info)
    return info


# Containers whose streams' bit rates and lengths, as ffprobe gives them, come from an index
# or a header written for the whole file: MP4/MOV (sample sizes summed), WAV, AIFF (PCM's
# constant rate) and MP3 (its Xing/Info header's byte count).
INDEXED = ("mp4", "wav", "w64", "aiff", "mp3")

# Sounds whose length is taken from decoding them: an MP3's header counts its encoder's delay
# and padding (a 20.000 s spot read as 20.040 s), a FLAC's STREAMINFO its samples as encoded,
# whatever an interrupted copy left of them.
DECODED_FOR_LENGTH = ("mp3", "flac")


def _share_held(data: dict) -> float | None:
    """For the `INDEXED` containers: the file's size over the bytes its index or header lists
    for its pictures and sounds (ffprobe's stream bit rates, over their durations). A file cut
    short by an interrupted copy keeps its whole index or header at the front, so ffprobe reads
    it as whole; its data ends early. None for other containers, or when a stream's rate or
    length is not given (a variable-rate MP3 without a Xing header)."""
    fmt = data.get("format", {})
    size = _number(fmt.get("size"))
    if not any(name in INDEXED for name in fmt.get("format_name", "").split(",")) or not size:
        return None
    listed = 0.0
    for raw in data.get("streams", []):
        if raw.get("codec_type") not in ("video", "audio"):
            continue
        rate = _number(raw.get("bit_rate"))
        seconds = _number(raw.get("duration") or fmt.get("duration"))
        if not rate or not seconds:
            return None
        listed += rate * seconds / 8
    return size / listed if listed else None


def _as_decoded(info: MediaInfo) -> MediaInfo:
    """`info` with its length, and its sound's, as long as ffmpeg decodes its first sound
    (decoder delay and padding trimmed, as every render hears it); `MediaError` when it is
    shorter than its header gives by more than 1 % or 0.1 s: a file cut short. One decode of
    the sound, without output (about 0.2 s for a 30 s MP3 here)."""
    sound = info.audio
    result = subprocess.run(
        [ffmpeg_binary(), "-nostdin", "-v", "error", "-nostats", "-i", str(info.path),
         "-map", f"0:{sound.index}", "-f", "null", "-", "-progress", "pipe:1"],
        capture_output=True, text=True, errors="replace", check=False)
    ends = [line.partition("=")[2] for line in result.stdout.splitlines()
            if line.startswith("out_time_us=")]
    if result.returncode != 0 or not ends or not ends[-1].strip().isdigit():
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no sound"
        raise MediaError(say(N_("ffmpeg cannot decode this file: %(reason)s"),
                             reason=reason.removeprefix(f"{info.path}: ")),
                         info.path, hint=say(N_("export the file again as PCM WAV or FLAC")))
    decoded = int(ends[-1]) / 1e6
    # An encoder's delay and padding are up to two frames (0.05 s of MP3 at 44.1 kHz).
    if decoded < info.duration - max(0.1, 0.01 * info.duration):
        raise cut_short(info.path, say(N_("it decodes to %(decoded)s s of sound, its header "
                                          "gives %(length)s s"), decoded=Number(decoded, ".2f"),
                                       length=Number(info.duration, ".2f")))
    streams = tuple(replace(stream, duration=decoded) if stream is sound else stream
                    for stream in info.streams)
    return replace(info, duration=decoded, streams=streams)


def probe_video(path: Path | str) -> MediaInfo:
    """A probe that insists on a picture: what a master must have."""
    info = probe(path)
    if info.video is None or info.duration <= 0:
        raise MediaError("not a video: ffprobe finds no picture stream with a duration", path,
                         hint="the master must be a video file (MP4, MOV, MXF)")
    return info


def probe_master(path: Path | str) -> MediaInfo:
    """A spot's master: a video, or a sound alone (a radio spot's master)."""
    info = probe(path)
    if (info.video is None and info.audio is None) or info.duration <= 0:
        raise MediaError("neither a picture nor a sound: ffprobe finds no video or audio stream "
                         "with a duration", path,
                         hint="a master is a video (MP4, MOV, MXF) or, for radio, a sound file "
                              "(PCM WAV, FLAC, MP3)")
    return info


def probe_audio(path: Path | str) -> MediaInfo:
    info = probe(path)
    if info.audio is None or info.duration <= 0:
        raise MediaError(say(N_("not an audio file: ffprobe finds no audio stream")), path,
                         hint=say(N_("give a PCM WAV or AIFF, FLAC, MP3, MP2, M4A/AAC, Ogg or "
                                     "Opus file")))
    return info


def busiest_second_bits(path: Path | str) -> int | None:
    """Bits the first audio stream's packets hold in its busiest whole second (by their
    times): what a lossy coding spends on sound, where its average, over silences a coder
    spends nothing on, reads thin (a trial's 128 kb/s AAC dub averaged 63 kb/s). None without
    a whole second of packets, or when ffprobe cannot list them."""
    result = subprocess.run(
        [ffprobe_binary(), "-v", "error", "-select_streams", "a:0", "-show_entries",
         "packet=pts_time,size", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, errors="replace", check=False)
    if result.returncode != 0:
        return None
    seconds: dict[int, int] = {}
    for line in result.stdout.splitlines():
        try:
            time, size = line.split(",")[:2]
            second = int(float(time))
            seconds[second] = seconds.get(second, 0) + 8 * int(size)
        except ValueError:
            continue        # a packet without a time ("N/A"), a blank line
    whole = sorted(seconds)[:-1]            # the last second is partial
    return max((seconds[second] for second in whole), default=None)
