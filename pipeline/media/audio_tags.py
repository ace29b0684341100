"""What a sound file says about itself: the Broadcast Wave `bext` chunk and ID3v2.3 tags.

Broadcast WAV (EBU Tech 3285): ffmpeg's wav muxer writes the `bext` chunk (`-write_bext 1`, its
text fields from the output's metadata) as version 1, whose 190 reserved bytes after the UMID are
zeros. Version 2 gives the first 10 of those bytes to five loudness figures (EBU R128); no
well-kept tool on Debian writes them (BWF MetaEdit is not packaged in bookworm; libsndfile's
SF_BROADCAST_INFO has them but python-soundfile does not expose it, and it would write the whole
file again), so `write_bext_loudness` puts them in place in the chunk ffmpeg wrote: fixed
offsets, fixed sizes, nothing else moves. ffmpeg also writes 24-bit PCM with a
WAVE_FORMAT_EXTENSIBLE `fmt ` chunk, which Tech 3285 does not know (its format categories, from
ITU-R BR.1352, are WAVE_FORMAT_PCM and WAVE_FORMAT_MPEG) and readers that know only those refuse:
`write_plain_pcm_format` makes it WAVE_FORMAT_PCM, in place too.

A WAV's RIFF `LIST INFO` chunk (ffmpeg writes it from `-metadata title=` as `INAM`) has no
declared encoding: playout software and mediainfo read its bytes as Windows-1252, so the UTF-8
ffmpeg writes showed "Línea" as "LÃ\u00adnea". `write_info_latin1` writes its texts again in
place as ISO-8859-1 letters, which Windows-1252 reads alike.

MP3s and MP2s (both MPEG audio streams, whose ID3v2 playout reads alike) carry ID3v2.3 tags
written by mutagen (title, album and artist for the campaign, TLAN with the
ISO 639-3 code, recording year, and the clock number): v2.3, not v2.4, because Windows'
Explorer before Windows 10 and older playout and tag tools read v2.3 alone (a trial's
community station runs such a machine); its texts are ISO-8859-1 where they fit, else
UTF-16 with a BOM, its year TYER.

The clock number (`pipeline/clock.py`) is where a station's playout and traffic software read
a spot's identity, in each format: the start of the bext Description and its
OriginatorReference, the AES46 cart chunk's CutID (`media/cart_chunk.py`), the INFO comment
(`ICMT`), ID3's `TXXX:CLOCK` and comment (`COMM`),
Vorbis comments `CLOCK` and `DESCRIPTION` (the comment), an MP4's comment.
"""

from __future__ import annotations

import struct
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


from pipeline.errors import RenderError
from pipeline.messages import N_, say
from pipeline.media.defect_levels import LOSSY
from pipeline.media.loudness import Reading
from pipeline.media.probe import busiest_second_bits

# EBU Tech 3285 v2, offsets within the chunk's data: Description[256] Originator[32]
# OriginatorReference[32] OriginationDate[10] OriginationTime[8] TimeReferenceLow/High[4+4]
# Version[2] UMID[64] LoudnessValue LoudnessRange MaxTruePeakLevel MaxMomentaryLoudness
# MaxShortTermLoudness [2 each, signed, 1/100 LU/LUFS/dBTP] Reserved[180] CodingHistory[...].
BEXT_FIELDS = {"description": 256, "originator": 32, "originator_reference": 32}
VERSION_AT = 346
LOUDNESS_AT = 412
CODING_HISTORY_AT = 602
NOT_MEASURED = 0x7FFF          # Tech 3285 v2: a loudness field whose value was not computed


# Letters of Mexico's orthographies that NFKD does not reduce to ASCII, and what a station's
# ASCII field writes for them: the glottal stop's ʼ and ꞌ (and the look-alikes typed for them)
# as an apostrophe, the barred vowels as their base. Dropped, "Batsʼi kʼop" read "Batsi kop".
# Dashes and quotation marks as ASCII's: dropped, a trial's "Maaya tʼaan — «no están»" read
# "Maaya t'aan no estan" in the cart, its clauses run together. The euro sign, which neither
# ASCII nor ISO-8859-1 has, as its ISO 4217 code (dropped, "5 €" read "5").
ASCII_FOR = str.maketrans({"\u02bc": "'", "\ua78c": "'", "\ua78b": "'", "\u2019": "'",
                           "\u2018": "'", "\u02bb": "'", "\u00b4": "'", "\u0268": "i",
                           "\u0197": "I", "\u0289": "u", "\u0244": "U", "\u2013": "-",
                           "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-",
                           "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"',
                           "\u201e": '"', "\u20ac": "EUR"})


def latin1_text(text: str) -> str:
    """`text` in the letters ISO-8859-1 and Windows-1252 both have (Spanish's á, í, ñ, ü, ¿
    kept); any other folded as `ascii_text` folds it (ꞌ and ʼ as `'`, ɨ as i, a̱ as a).

    Not Windows-1252's own: its 0x80-0x9F letters (’, “, œ) are control codes to a reader
    that takes INFO as ISO-8859-1, and the fold loses nothing an indigenous orthography needs
    that those would have kept."""
    kept = []
    for letter in unicodedata.normalize("NFC", text):
        if letter.isprintable() and (letter < "\x80" or "\xa0" <= letter <= "\xff"):
            kept.append(letter)
        else:
            # Folded whole (ﬁ as fi, € as EUR): no letter decomposes into more than 18
            # (U+FDFA, Unicode's longest compatibility decomposition).
            kept.append(ascii_text(letter, 18) if letter.strip() else " ")
    return " ".join("".join(kept).split())


def ascii_text(text: str, limit: int) -> str:
    """`text` in the ASCII bext's fields take (accents dropped, apostrophe-like letters as `'`
    and barred vowels as their base (`ASCII_FOR`), other letters left out), at most `limit`
    characters."""
    folded = unicodedata.normalize("NFKD", text.translate(ASCII_FOR))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split())[:limit]


@dataclass(frozen=True)
class Bext:
    """The text fields of a `bext` chunk, before ffmpeg writes them."""

    description: str              # free text: what the recording is
    originator: str               # who made it
    originator_reference: str     # a unique reference of this file
    origination: datetime         # when it was made
    coding_history: str           # EBU R98 lines: how it was coded, e.g. A=PCM,F=48000,W=24,...

    def metadata(self) -> dict[str, str]:
        """ffmpeg's `-metadata` keys of the wav muxer's bext chunk, each fitted to its field."""
        values = {key: ascii_text(getattr(self, key), size) for key, size in BEXT_FIELDS.items()}
        return values | {"origination_date": self.origination.strftime("%Y-%m-%d"),
                         "origination_time": self.origination.strftime("%H:%M:%S"),
                         "coding_history": "".join(ascii_text(line, 256) + "\r\n" for line
                                                   in self.coding_history.splitlines())[:1024]}


def originator_reference(clock: str | None, fingerprint: str) -> str:
    """The bext OriginatorReference: the clock number when it fits the field's 32 characters,
    else the first 32 of the render's fingerprint.

    EBU R 99 gives the field a USID (country, a registered organisation code, serial number,
    time, random digits); without a registered organisation code we cannot write one, and the
    field is what playout software files a Broadcast WAV under, so it holds the number the
    station's log books the spot by. A longer number (the manifest allows 63) cut short could
    read as another spot's: the Description, which begins with it, then carries it whole."""
    if clock and len(clock) <= BEXT_FIELDS["originator_reference"]:
        return clock
    return fingerprint[:BEXT_FIELDS["originator_reference"]]


def coding_history(sample_rate: int, bits: int, channels: int, tool: str,
                   sources: tuple[str, ...] = ()) -> str:
    """The EBU R98 coding history of a PCM file made by `tool`: the `sources`' lines (how what
    it is made from was coded, `source_history`), then its own, one a line."""
    mode = "mono" if channels == 1 else "stereo"
    return "\n".join((*sources, f"A=PCM,F={sample_rate},W={bits},M={mode},T={tool}"))


# EBU R98's names of codings (its A= field) for PCM and MPEG audio, by the probe's codec name
# (MPEG-2's under 32 kHz); another coding, which R98 (2001) does not name, goes by its own name:
# A=AAC, A=OPUS, A=PCM_MULAW (G.711, no linear PCM). Its B= is kbit/s a channel.
R98_CODINGS = {"mp3": ("MPEG1L3", "MPEG2L3"), "mp2": ("MPEG1L2", "MPEG2L2")}


def source_history(info, what: str) -> str:
    """The EBU R98 coding history line of a delivered sound a file is made from: `info` (the
    probe of the file, `MediaInfo`) and `what` it is ("dub nah.ogg"). A lossy stream whose
    header gives no bit rate (Opus in Ogg) is given the bits a second its packets hold in its
    busiest second (`probe.busiest_second_bits`, the rate the thin-coding warning says). A radio
    trial's Broadcast WAV, made from a WhatsApp voice note, said only its own PCM."""
    stream = info.audio
    codec = stream.codec
    mpeg = R98_CODINGS.get(codec)
    linear = codec.startswith("pcm_") and codec not in ("pcm_mulaw", "pcm_alaw")
    coding = ("PCM" if linear else
              mpeg[stream.sample_rate < 32000] if mpeg and stream.sample_rate else codec.upper())
    rate = stream.bit_rate or (busiest_second_bits(info.path) if codec in LOSSY else None)
    per_channel = (round(rate / 1000 / stream.channels)
                   if rate and stream.channels and not linear else None)
    fields = [f"A={coding}", f"F={stream.sample_rate}" if stream.sample_rate else None,
              f"B={per_channel}" if per_channel else None,
              f"W={stream.sample_bits}" if stream.sample_bits else None,
              f"M={'mono' if stream.channels == 1 else 'stereo'}"
              if stream.channels in (1, 2) else None,
              f"T={what.replace(',', ' ')}"]     # R98's fields are parted by commas
    return ",".join(field for field in fields if field)


def _centi(value: float | None) -> int:
    if value is None:
        return NOT_MEASURED
    return max(-32768, min(32766, round(value * 100)))


def loudness_fields(reading: Reading) -> bytes:
    """The five v2 loudness fields (10 bytes, little-endian int16 in hundredths)."""
    loudness = reading.loudness
    return struct.pack("<5h", _centi(loudness.integrated),
                       _centi(loudness.lra if loudness.defined else None),
                       _centi(loudness.true_peak), _centi(loudness.max_momentary),
                       _centi(loudness.max_short_term))


def chunk_before_data(path: Path, wanted: bytes, what: str) -> tuple[int, int]:
    """(where the data of the first `wanted` chunk starts, its size in bytes) in a RIFF/RF64
    WAVE file, looked for before the samples (ffmpeg writes `fmt ` and `bext` there;
    `b"data"` gives the samples' own); `RenderError` if there is none. `what` names what the
    chunk was wanted for."""
    with open(path, "rb") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] not in (b"RIFF", b"RF64") or header[8:12] != b"WAVE":
            raise RenderError(say(N_("not a WAVE file: no %(what)s"), what=what), path)
        position = 12
        while True:
            handle.seek(position)
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise RenderError(say(N_("the WAVE file has no %(what)s"), what=what), path)
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == wanted:
                return position + 8, size
            if name == b"data":
                raise RenderError(say(N_("the WAVE file has no %(what)s before its data"),
                                      what=what), path)
            position += 8 + size + (size & 1)


def _bext_offset(path: Path) -> int:
    """Where the `bext` chunk's data starts in a RIFF/RF64 WAVE file; `RenderError` if none."""
    start, size = chunk_before_data(path, b"bext", "bext chunk")
    if size < CODING_HISTORY_AT:
        raise RenderError(say(N_("the bext chunk is %(size)s bytes, shorter than EBU Tech "
                                 "3285's %(least)s"), size=size, least=CODING_HISTORY_AT), path)
    return start


WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
# WAVE_FORMAT_EXTENSIBLE's sub-format for integer PCM (KSDATAFORMAT_SUBTYPE_PCM, mmreg.h).
_SUBTYPE_PCM = bytes.fromhex("0100000000001000800000aa00389b71")
# The speaker positions plain PCM implies for one and two channels (front centre; front left
# and right), which an extensible chunk may also leave unset (0).
_PLAIN_MASKS = {1: (0, 0x4), 2: (0, 0x3)}


def write_plain_pcm_format(path: Path) -> bool:
    """Make a mono or stereo integer-PCM WAVE file's `fmt ` chunk WAVE_FORMAT_PCM if it is
    WAVE_FORMAT_EXTENSIBLE (ffmpeg writes that for more than 16 bits); True if it changed.

    In place, nothing else moves: the 40-byte extensible chunk (48 bytes with its header) becomes
    a 16-byte plain one and a 16-byte `JUNK` chunk, the padding RIFF readers skip. Left as it is
    when the extensible chunk says more than plain PCM can (other speaker positions, fewer valid
    bits than the container's, a sub-format other than PCM). `RenderError` if the file is not a
    WAVE file or has no `fmt ` chunk before its data."""
    start, size = chunk_before_data(path, b"fmt ", "fmt chunk")
    with open(path, "r+b") as handle:
        handle.seek(start)
        chunk = handle.read(size)
        if size != 40 or struct.unpack("<H", chunk[:2])[0] != WAVE_FORMAT_EXTENSIBLE:
            return False
        channels, rate, byte_rate, block_align, bits, extra, valid_bits, mask = \
            struct.unpack("<HIIHHHHI", chunk[2:24])
        if (extra != 22 or chunk[24:40] != _SUBTYPE_PCM or valid_bits != bits
                or mask not in _PLAIN_MASKS.get(channels, ())):
            return False
        handle.seek(start - 8)
        handle.write(struct.pack("<4sIHHIIHH", b"fmt ", 16, WAVE_FORMAT_PCM, channels, rate,
                                 byte_rate, block_align, bits))
        handle.write(struct.pack("<4sI", b"JUNK", 16) + bytes(16))
    return True


def write_bext_loudness(path: Path, reading: Reading) -> None:
    """Make the file's `bext` chunk version 2 with the measured loudness of its own samples
    (EBU Tech 3285 v2); in place, nothing else in the file changes."""
    start = _bext_offset(path)
    with open(path, "r+b") as handle:
        handle.seek(start + VERSION_AT)
        handle.write(struct.pack("<H", 2))
        handle.seek(start + LOUDNESS_AT)
        handle.write(loudness_fields(reading))


def _info_text(raw: bytes) -> str:
    """An INFO text's bytes read as ffmpeg writes them (UTF-8), or as written here (ISO-8859-1:
    a file done twice keeps its letters)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def write_info_latin1(path: Path) -> int:
    """Write the texts of a WAVE file's `LIST INFO` chunk (ffmpeg's, UTF-8) again as
    `latin1_text` in ISO-8859-1; return how many changed. `RenderError` if the file has no
    LIST chunk before its data.

    In place, nothing moves: a text's bytes in ISO-8859-1 are never more than in UTF-8 (a
    letter past ASCII takes 2 to 4 bytes there, 1 here, and a folded one at most 1), so each
    keeps its sub-chunk's size, the rest filled with NULs, which end an INFO text (a ZSTR)."""
    start, size = chunk_before_data(path, b"LIST", "LIST INFO chunk")
    changed = 0
    with open(path, "r+b") as handle:
        handle.seek(start)
        chunk = handle.read(size)
        position = 4 if chunk[:4] == b"INFO" else size
        while position + 8 <= size:
            length = struct.unpack("<I", chunk[position + 4:position + 8])[0]
            raw = chunk[position + 8:position + 8 + length]
            text = _info_text(raw.split(b"\0", 1)[0])
            new = latin1_text(text).encode("latin-1").ljust(length, b"\0")
            if new != raw:
                handle.seek(start + position + 8)
                handle.write(new)
                changed += 1
            position += 8 + length + (length & 1)
    return changed


@dataclass(frozen=True)
class Id3:
    """The ID3v2.3 frames of a radio MP3 or MP2."""

    title: str
    album: str                    # the campaign's title (TALB, and TPE1 the artist)
    language: str                 # ISO 639-3 (TLAN)
    year: int
    campaign: str                 # the campaign's id, for machines (TXXX:CAMPAIGN)
    clock: str | None = None      # the clock number (TXXX:CLOCK)
    # The comment that says it, and the comment's language (ISO 639-2): Variant.clock_comment.
    comment: tuple[str, str] | None = None


def write_id3(path: Path, tags: Id3) -> None:
    """Replace the file's ID3 tag with `tags`, as ID3v2.3 (the frames given in v2.4's terms,
    made v2.3's by mutagen's `update_to_v23`)."""
    # only radio MP3s and MP2s need it
    from mutagen.id3 import COMM, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TXXX

    id3 = ID3()

    def text(frame, value: str, **keys):
        # ISO-8859-1 where it holds the text (a clock number, a code: found by a byte search
        # as ASCII, read by every v2.3 reader), else UTF-16, v2.3's other encoding.
        try:
            value.encode("latin-1")
            encoding = 0
        except UnicodeEncodeError:
            encoding = 1
        id3.add(frame(encoding=encoding, text=value, **keys))

    text(TIT2, tags.title)
    text(TALB, tags.album)
    # The campaign is the artist too, as in the Broadcast WAV's cart chunk: automation files
    # an imported MP3 by title and artist, and a trial's found it empty beside the WAV's.
    text(TPE1, tags.album)
    text(TLAN, tags.language)
    text(TDRC, str(tags.year))
    text(TXXX, tags.campaign, desc="CAMPAIGN")
    if tags.clock:
        # No ID3 frame is a spot's clock (or cart) number: TIT1, the content group, is a
        # genre's; TSRC an ISRC. A user-defined TXXX is what tag editors and playout read and
        # write by name; the comment is what every player and log shows.
        text(TXXX, tags.clock, desc="CLOCK")
    if tags.comment:
        text(COMM, tags.comment[0], lang=tags.comment[1], desc="")
    id3.update_to_v23()     # TDRC as TYER: save(v2_version=3) alone writes v2.4's frame
    id3.save(path, v2_version=3)
