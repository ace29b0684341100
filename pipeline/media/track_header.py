"""A text track of an MP4/MOV file ffmpeg wrote, switched off in its track header.

ISO/IEC 14496-12 section 8.3.2 (TrackHeaderBox, `tkhd`): the box's 24-bit flags hold
`track_enabled` (0x000001), `track_in_movie` (0x000002) and `track_in_preview` (0x000004); the
QuickTime File Format gives the first the same meaning. Players show an enabled text track
unasked (QuickTime, Safari and iOS), and ffmpeg's own demuxer (mov.c `mov_read_tkhd`) reads the
flag as the "default" disposition that ffprobe reports.

ffmpeg 5.1's MP4/MOV muxer (movenc.c `enable_tracks`) sets `track_enabled` on the first track of
each kind (picture, sound, text) when no track of that kind has the "default" disposition, and no
muxer option stops it (`ffmpeg -h muxer=mp4`). A dub's lone subtitle track, whose disposition
the pipeline leaves unset, so comes out enabled: shown over a sound that already speaks the
language. `switch_off_text_tracks` clears the flag once ffmpeg has finished the file: one byte
changes in place, no box moves or changes size, and the track stays selectable (it keeps
`track_in_movie` and its alternate group).

The boxes are walked by mutagen's MP4 atom parser (`mutagen.mp4.Atoms`, the parser behind its MP4
tags; mutagen is a dependency for the MP3s' ID3 tags), which descends `moov`, `trak` and `mdia`
and reads each box's size and place, 32- or 64-bit. A file it cannot walk, or one without a text
track, is a `RenderError`: a variant never goes out with its subtitles left on unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import RenderError
from pipeline.messages import N_, say

TRACK_ENABLED = 0x000001

# A media handler box's (`hdlr`) handler_type of a text track: `sbtl`, ffmpeg's for mov_text in
# MP4 (Apple's subtitle media); `text`, its choice in MOV (QuickTime text media, 3GPP TS 26.245
# timed text); `subt`, ISO/IEC 14496-30's subtitle media.
TEXT_HANDLERS = (b"sbtl", b"text", b"subt")


def switch_off_text_tracks(path: Path) -> int:
    """Clear the `track_enabled` flag of every text track of the MP4/MOV file at `path`, in
    place; return how many tracks were switched off. `RenderError` when its boxes cannot be
    walked or it has no text track."""
    from mutagen.mp4 import AtomError, Atoms   # only dub and mix variants with subtitles need it

    with open(path, "r+b") as handle:
        try:
            moov = Atoms(handle)[b"moov"]
            texts = [trak for trak in moov.findall(b"trak")
                     if _payload(handle, trak[b"mdia", b"hdlr"])[8:12] in TEXT_HANDLERS]
            headers = [trak[b"tkhd", ] for trak in texts]
            flags = [_payload(handle, tkhd)[1:4] for tkhd in headers]
        except (AtomError, KeyError, ValueError) as exc:
            reason = exc.args[0] if exc.args else type(exc).__name__   # a KeyError's str() quotes it
            raise RenderError(say(N_("its MP4 boxes cannot be read to switch its subtitle track "
                                     "off: %(reason)s"), reason=reason), path) from exc
        if not texts:
            raise RenderError(say(N_("it has no text track (hdlr %(handlers)s) to switch off"),
                                  handlers="/".join(h.decode() for h in TEXT_HANDLERS)), path)
        for tkhd, value in zip(headers, flags):
            # The flags are bytes 1-3 of the box's payload, after its one-byte version.
            handle.seek(tkhd.offset + tkhd.length - tkhd.datalength + 1)
            handle.write((int.from_bytes(value, "big") & ~TRACK_ENABLED).to_bytes(3, "big"))
    return len(texts)


def _payload(handle, atom) -> bytes:
    """The box's payload; `ValueError` when the file ends before it does (cut short)."""
    whole, data = atom.read(handle)
    if not whole or len(data) < 12:
        raise ValueError(say(N_("the %(box)s box at byte %(offset)s is cut short"),
                             box=atom.name.decode(errors="replace"), offset=atom.offset))
    return data
