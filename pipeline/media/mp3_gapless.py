"""An MP3's length as its LAME tag declares it, made true: the encoder's delay and padding.

An MP3 is whole frames of 1152 samples (MPEG-1 Layer III; 576 for MPEG-2 and 2.5), and its
first frame, an Info (or Xing) frame of silence, carries LAME's extension: the encoder's delay
at the start and its padding at the end, 12 bits each, which a gapless decoder (ffmpeg's,
mpg123, foobar2000, most playout systems that read the tag) drops, leaving the programme's
samples exactly.

ffmpeg 5.1's MP3 muxer writes a padding that counts the last frame alone: a programme whose
length is 1 to 46 samples past a multiple of its frame's samples (1152; 576 in MPEG-2) takes
one more frame of padding, which the tag leaves out, and decodes to the multiple plus 47, at
any rate, bit rate and channel count (a 60.000042 s spot at 48 kHz, 2,880,002 samples,
decoded to 2,880,047: a radio trial's DAW export; 1,440,001, 1,440,002 and 1,440,010 all to
1,440,047). `declare_length` writes the padding the programme's length gives, and the tag's
CRC-16 again as ffmpeg computes it: of the frame's first 190 bytes, the CRC's own bytes zero
(LAME's tag format, rev. 1, where a stereo MPEG-1 frame's tag ends at byte 190; a mono or
MPEG-2 frame's ends before, so its CRC bytes are among the 190).
"""

from __future__ import annotations

import struct
from pathlib import Path

from pipeline.errors import RenderError

INFO_TAGS = (b"Info", b"Xing")
# The Xing header's flags: which fields follow it, each of this many bytes.
XING_FIELDS = ((0x1, 4), (0x2, 4), (0x4, 100), (0x8, 4))   # frames, bytes, TOC, quality
ENCODERS = (b"LAME", b"Lavc", b"Lavf", b"L3.9")
DELAY_AT = 21            # bytes into LAME's extension: delay and padding, 12 bits each
TAG_CRC_AT = 34          # bytes into LAME's extension: the tag's CRC-16
CRC_OF = 190             # the frame's first bytes the tag's CRC is of
FIRST_BYTES = 192        # of the first frame, enough to hold LAME's extension in any mode
MAX_PADDING = 0xFFF


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected, initial 0), LAME's tag CRC (and ffmpeg's
    AV_CRC_16_ANSI_LE)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def tag_crc(frame: bytes, lame: int) -> bytes:
    """The CRC of the Info tag of `frame` (an MP3's first bytes) whose LAME extension starts at
    `lame`, big-endian, as ffmpeg's MP3 muxer computes it (see above)."""
    zeroed = bytearray(frame[:CRC_OF])
    zeroed[lame + TAG_CRC_AT:lame + TAG_CRC_AT + 2] = b"\0\0"
    return _crc16(bytes(zeroed[:CRC_OF])).to_bytes(2, "big")


def _layout(frame: bytes) -> tuple[int, int, int]:
    """(samples a frame, where the Info tag starts, where LAME's extension starts) of an MP3's
    first frame, or ValueError when it is none with an Info tag and LAME's extension."""
    if len(frame) < FIRST_BYTES or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        raise ValueError("no MPEG audio frame at its start")
    mpeg1 = (frame[1] >> 3) & 3 == 3
    mono = frame[3] >> 6 == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)   # side information, bytes
    tag = 4 + side
    if frame[tag:tag + 4] not in INFO_TAGS:
        raise ValueError("no Info tag in its first frame")
    flags = struct.unpack(">I", frame[tag + 4:tag + 8])[0]
    lame = tag + 8 + sum(size for flag, size in XING_FIELDS if flags & flag)
    if frame[lame:lame + 4] not in ENCODERS or not flags & 0x1:
        raise ValueError("no frame count and LAME extension in its Info tag")
    return (1152 if mpeg1 else 576), tag, lame


def declare_length(path: Path, samples: int) -> None:
    """Write into the MP3 at `path` (with no ID3v2 tag before its first frame) the end padding
    that makes its LAME tag declare `samples` samples (per channel), and the tag's CRC.

    Raises `RenderError` when the file has no Info tag with a frame count and LAME's extension,
    or holds too few frames for `samples`, or more than the 12-bit padding can take away."""
    with open(path, "r+b") as file:
        frame = bytearray(file.read(FIRST_BYTES))
        try:
            per_frame, tag, lame = _layout(frame)
        except ValueError as exc:
            raise RenderError(f"the MP3's length cannot be declared: {exc}", path) from None
        frames = struct.unpack(">I", frame[tag + 8:tag + 12])[0]
        delay = int.from_bytes(frame[lame + DELAY_AT:lame + DELAY_AT + 3], "big") >> 12
        padding = frames * per_frame - delay - samples
        if not 0 <= padding <= MAX_PADDING:
            raise RenderError(f"the MP3's {frames} frames, less its delay of {delay} samples, "
                              f"cannot hold exactly {samples} samples", path)
        frame[lame + DELAY_AT:lame + DELAY_AT + 3] = ((delay << 12) | padding).to_bytes(3, "big")
        frame[lame + TAG_CRC_AT:lame + TAG_CRC_AT + 2] = tag_crc(frame, lame)
        file.seek(0)
        file.write(frame)
