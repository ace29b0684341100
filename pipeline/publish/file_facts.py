"""What the catalog says a rendered file is, from its render record: a master's facts as a
station's ingest reads them, a video file's picture rate and scan, a sound file's codec and
rate, and the programme's length without a master's leader.
"""

from __future__ import annotations

import re
from fractions import Fraction

from pipeline.media.timecode import counted_on
from pipeline.profiles import bits_per_second


def programme_duration(record: dict) -> float | None:
    """The spot's length on air. A master's file holds its leader (bars, slate, black) before
    the programme, and `duration` is the file's: a station reading it would book the spot for
    the programme and the leader together."""
    programme = (record.get("master") or {}).get("programme_seconds")
    return round(programme, 3) if programme is not None else record.get("duration")


# A TV master's record (render/mastering.py's `master_record`) as a station's ingest reads it.
MASTER_FACTS = ("rate", "scan", "woven_from_fields", "deinterlaced", "upscaled_from",
                "converted_from", "pulldown", "judders", "programme_timecode", "file_timecode",
                "audio_tracks")


def master_facts(master: dict) -> dict:
    """A master's picture rate ("N/D" frames a second), scan (progressive, tff, bff), whether
    its fields were woven from the master's own, the [width, height] of a picture enlarged to
    its frame (`upscaled_from`), the master's rate ("N/D") where pictures were repeated or
    dropped to make another (`converted_from`, with `pulldown` for film's 2:3 and `judders`
    where unevenly), the timecodes of the programme's and the
    file's first frames ("HH:MM:SS:FF") and of the programme's last (`programme_last_timecode`,
    its end of message, which a station's playout list books it to), and its audio tracks'
    layout ("mix L", "silence"...)."""
    facts = {key: master[key] for key in MASTER_FACTS if master.get(key) is not None}
    start, frames = master.get("programme_timecode"), master.get("programme_frames")
    if start and frames and master.get("rate"):
        facts["programme_last_timecode"] = counted_on(start, Fraction(master["rate"]), frames - 1)
    return facts


# ffprobe's field_order as the page's scan: what a station's ingest or editor is set to.
SCAN_OF_FIELD_ORDER = {"progressive": "progressive", "tt": "tff", "tb": "tff", "bb": "bff",
                       "bt": "bff"}


def picture_facts(record: dict) -> dict | None:
    """A video file's picture rate (frames a second, a decimal as text) and scan, from its
    record's streams, when it is no master (a master says them among its facts): a trial's
    station could not tell whether the web MP4 could air (its 25p, from the page). None for a
    file of sound, or a rate or field order ffprobe did not give."""
    if record.get("master"):
        return None
    video = next((s for s in record.get("streams") or [] if s.get("kind") == "video"), None)
    scan = SCAN_OF_FIELD_ORDER.get((video or {}).get("field_order") or "progressive")
    if video is None or not video.get("fps") or scan is None:
        return None
    return {"rate": f"{video['fps']:.3f}".rstrip("0").rstrip("."), "scan": scan}


# A PCM codec's sample size as ffprobe names it: pcm_s24le, pcm_u8, pcm_f32le (float).
PCM = re.compile(r"pcm_([suf])(\d+)")


def sound_facts(record: dict) -> dict | None:
    """A file of sound alone (no picture): its codec, sample rate and channels, from its
    record's streams, and its bit rate (the encoder's, from the profile's settings: an Ogg
    Opus file gives ffprobe none) or PCM's bits a sample. What tells two MP3 profiles apart
    on the page (128 kb/s at 44.1 kHz beside 256 kb/s at 48 kHz); None for a video file."""
    streams = record.get("streams") or []
    audio = next((s for s in streams if s.get("kind") == "audio"), None)
    if audio is None or any(s.get("kind") == "video" for s in streams):
        return None
    facts = {key: audio[key] for key in ("codec", "sample_rate", "channels") if audio.get(key)}
    pcm = PCM.match(audio.get("codec", ""))
    rate = ((record.get("settings") or {}).get("profile") or {}).get("audio_bitrate")
    if pcm:
        facts |= {"bits": int(pcm.group(2)), **({"float": True} if pcm.group(1) == "f" else {})}
    elif rate and audio.get("codec") != "flac":     # lossless: a bit rate it was not set
        facts["bit_rate"] = round(bits_per_second(str(rate)))
    return facts


def leader_duration(record: dict) -> float | None:
    """Seconds of leader before a master's programme; None for a file without one."""
    seconds = ((record.get("master") or {}).get("leader") or {}).get("seconds")
    return round(seconds, 3) if seconds else None
