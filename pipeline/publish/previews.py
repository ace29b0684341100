"""What a card's players play: the lightest fitting video (the proxy, progressive, filling its
frame) and sound (coded, not PCM, a radio file's first), with the WebVTT tracks of the video."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from pipeline.publish.deliverables import Medium, extension, media_type, playable
from pipeline.publish.file_row import Deliverable


@dataclass(frozen=True)
class Preview:
    variant: dict
    type: str                       # MIME type for <source type=...>
    tracks: tuple[dict, ...] = ()   # WebVTT subtitle files
    # The media whose files it previews, which the page's filter keeps it for: a video's
    # picture those of every medium with one, a sound its own file's (deliverables.Medium).
    media: tuple[str, ...] = ()


def previews(deliverables: list[Deliverable], subtitles: list[dict]
             ) -> tuple[Preview | None, Preview | None]:
    """Of a card's `deliverables` (and its `subtitles`, the WebVTT ones the video's tracks),
    what its players play: the proxy (else the lightest playable video), of the progressive
    ones when there are, of those whose picture fills their frame when one does, of those
    showing all of the master's picture (no crop: `picture_shown`) when one does; and the
    lightest coded sound (not PCM: `_heavy`), a radio file's when there is one."""
    videos = [d for d in deliverables if playable(d.variant) == "video"]
    sounds = [d for d in deliverables if playable(d.variant) == "audio"]
    # An interlaced TV file combs wherever its picture moves: browsers show both fields at once.
    # A phone's portrait spot plays in its vertical video, not in the proxy's 16:9 frame where
    # it is a strip between black bars (the render's `bars` warning).
    video = min(videos, key=lambda d: ((d.variant.get("master") or {}).get("scan", "progressive")
                                       != "progressive",
                                       "bars" in (d.variant.get("warning_codes") or ()),
                                       # ... nor in its square file's crop beside the vertical.
                                       (d.variant.get("picture_shown") or 1) < 1,
                                       d.variant["profile"] != "proxy", d.variant["bytes"]),
                default=None)
    # A coded file first: a trial's station on a 400 kbit/s line waited 30 s, stalling four
    # times, to hear a 5 s spot from its 2,304 kbit/s Broadcast WAV, beside a 16 kB voice note.
    sound = min(sounds, key=lambda d: (_heavy(d.variant), d.kind.medium != "radio",
                                       d.variant["bytes"]), default=None)
    # A soft language's file with its subtitles burned (messaging, social feeds) is shown
    # without its track: both would be on screen.
    tracks = tuple(s for s in subtitles if extension(s["file"]) == "vtt") \
        if video is None or video.variant.get("treatment") != "burn" else ()
    return (_preview(video, tracks, PICTURE_MEDIA) if video else None,
            _preview(sound, media=(sound.kind.medium,)) if sound else None)


PICTURE_MEDIA = tuple(medium for medium in get_args(Medium) if medium != "radio")


HEAVY_BITS_PER_SECOND = 400_000   # over MP3's and AAC's highest rates: PCM, FLAC


def _heavy(variant: dict) -> bool:
    """Whether the file takes more than `HEAVY_BITS_PER_SECOND` to play as it downloads."""
    duration = variant.get("duration") or 0
    return duration > 0 and variant["bytes"] * 8 / duration > HEAVY_BITS_PER_SECOND


def _preview(deliverable: Deliverable, tracks: tuple[dict, ...] = (),
             media: tuple[str, ...] = ()) -> Preview:
    variant = deliverable.variant
    return Preview(variant, media_type(variant["file"]), tracks, media)
