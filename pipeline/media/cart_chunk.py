"""The AES46-2002 `cart` chunk: what radio automation in the Americas (WideOrbit, RCS
NexGen/Zetta, ENCO, Dalet, AudioVault, Rivendell) files a Broadcast WAV by: its CutID is the
spot's number, its Title and Artist what the log shows, its Category the kind of spot.

ffmpeg does not write one, so `write_cart` puts it into the WAVE file ffmpeg wrote, just
before the samples (where Rivendell and BWF MetaEdit put it, and where a reader that stops at
`data` still finds it): the samples move up by the chunk's size, the RIFF size grows by as much.

The layout is CartChunk.org's version 1.01, standardised as AES46-2002
(http://www.cartchunk.org/cc_spec.htm and its updates page, which adds URL[1024]), as
libsndfile's SF_CART_INFO (sndfile.h) and BASS's TAG_CART lay it out: ASCII fields of fixed
size, NUL-padded; LevelReference a little-endian int32; eight post timers of a four-letter
usage and a uint32 position in samples; 276 reserved bytes; URL[1024]; then TagText, free
CR/LF text to the end of the chunk. Without TagText the chunk is 2048 bytes (Rivendell's
CART_CHUNK_SIZE).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.errors import RenderError
from pipeline.media.audio_tags import ascii_text, chunk_before_data

VERSION = "0101"
# (field, size in bytes) of the text fields, in their order; LevelReference follows.
TEXT_FIELDS = (("version", 4), ("title", 64), ("artist", 64), ("cut_id", 64),
               ("client_id", 64), ("category", 64), ("classification", 64), ("out_cue", 64),
               ("start_date", 10), ("start_time", 8), ("end_date", 10), ("end_time", 8),
               ("producer_app_id", 64), ("producer_app_version", 64), ("user_def", 64))
TIMERS = 8
RESERVED = 276
URL = 1024
SIZE = sum(size for _, size in TEXT_FIELDS) + 4 + TIMERS * 8 + RESERVED + URL     # 2048
# The sample value of the 0 dB reference level: 32768 (full scale of 16-bit samples) is what
# CartChunk.org's sample file and Rivendell (CART_DEFAULT_LEVEL_REF 0x8000) write, whatever
# the bit depth; playout reads it as "the file is at full scale", not as its loudness.
LEVEL_REFERENCE = 0x8000
# How far the samples are moved at a time when the chunk is put before them.
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Cart:
    """The fields of a `cart` chunk this pipeline fills; the others stay empty."""

    title: str                    # the spot's title and language
    artist: str                   # the campaign's title
    cut_id: str                   # the clock number, or "" (the station gives its own)
    samples: int                  # its end-of-audio timer, in samples: the spot's length, or
                                  # the end of its sound before dead air
    category: str = "PSA"         # a public service announcement, as the campaign's spots are
    producer_app_id: str = "pipeline"
    producer_app_version: str = __version__
    start: int = 0                # its start-of-audio timer, in samples

    def data(self) -> bytes:
        """The chunk's data (without its 8-byte header)."""
        values = {"version": VERSION} | {
            key: getattr(self, key) for key in ("title", "artist", "cut_id", "category",
                                                "producer_app_id", "producer_app_version")}
        text = b"".join(ascii_text(values.get(key, ""), size).encode("ascii").ljust(size, b"\0")
                        for key, size in TEXT_FIELDS)
        # AUDs and AUDe, the start and end of the audio, are the timers automation systems
        # read as a cut's cue-in and end (AudioVault, ENCO DAD). The other six are unused: no
        # usage, no value.
        timers = struct.pack("<4sI4sI", b"AUDs", self.start, b"AUDe", self.samples)
        timers += bytes(8 * (TIMERS - 2))
        return (text + struct.pack("<i", LEVEL_REFERENCE) + timers + bytes(RESERVED)
                + bytes(URL))


def write_cart(path: Path, cart: Cart) -> None:
    """Put `cart` into a RIFF or RF64 WAVE file as a `cart` chunk just before its `data` chunk,
    in place (the file is a render's partial one: a failure here leaves nothing under a final
    name); `RenderError` if the file is not a WAVE file with its samples, or would pass 4 GiB
    as RIFF."""
    payload = cart.data()
    chunk = struct.pack("<4sI", b"cart", len(payload)) + payload + bytes(len(payload) & 1)
    at = chunk_before_data(path, b"data", "data chunk")[0] - 8
    with open(path, "r+b") as handle:
        header = handle.read(12)
        riff_size = struct.unpack("<I", header[4:8])[0]
        if header[:4] == b"RIFF" and riff_size + len(chunk) > 0xFFFFFFFF:
            raise RenderError("the WAVE file would pass 4 GiB with its cart chunk", path)
        position = handle.seek(0, os.SEEK_END)
        while position > at:                       # from the end, so nothing is overwritten
            step = min(_BLOCK, position - at)
            position -= step
            handle.seek(position)
            block = handle.read(step)
            handle.seek(position + len(chunk))
            handle.write(block)
        handle.seek(at)
        handle.write(chunk)
        if header[:4] == b"RIFF":
            handle.seek(4)
            handle.write(struct.pack("<I", riff_size + len(chunk)))
        else:    # RF64 (EBU Tech 3306): the RIFF size is the ds64 chunk's first field
            handle.seek(12)
            if handle.read(4) != b"ds64":
                raise RenderError("the RF64 file has no ds64 chunk first", path)
            handle.seek(20)
            size = struct.unpack("<Q", handle.read(8))[0]
            handle.seek(20)
            handle.write(struct.pack("<Q", size + len(chunk)))
