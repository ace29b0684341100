"""A file an interrupted copy or download cut short, said as such (`cut_short`: copy it again,
not export it again), and a WAV's header read against what the file holds: ffprobe takes a PCM
WAV's length from its size, so a cut one reads as a whole, shorter file, and it cannot read one
cut inside its header at all.

The probe's other checks of a file cut short raise the same error (media/probe.py: a container
whose index lists more data than the file holds, an MP3 or FLAC that decodes shorter than its
header gives), and so does the loudness meter (media/loudness.py).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import MediaError
from pipeline.messages import N_, Message, Number, say


def cut_short(path: Path | str | None, how: Message) -> MediaError:
    """The error for a file an interrupted copy or download cut short; `how` says how it shows."""
    return MediaError(say(N_("the file is cut short: %(how)s (an interrupted copy or "
                             "download?)"), how=how), path,
                      hint=say(N_("copy the file again from where it came from")))


# A WAV written while it records (a stream, a crashed recorder) leaves its data size unset
# (an RF64's 64-bit sizes too).
_UNSET_SIZES = (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF)


def riff_cut_short(path: Path) -> MediaError | None:
    """The error for a WAV (RIFF, or RF64 over 4 GB) that holds fewer bytes than its first
    chunk lists, when ffprobe cannot read it: one cut inside its header (a Broadcast WAV's
    bext and iXML chunks run to kilobytes before its sound) was said to be unreadable, to be
    exported again, when it only needs copying again."""
    with open(path, "rb") as file:
        head = file.read(28)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        listed = int.from_bytes(head[4:8], "little")
    elif head[:4] in (b"RF64", b"BW64") and head[12:16] == b"ds64" and len(head) == 28:
        listed = int.from_bytes(head[20:28], "little")   # the ds64 chunk's RIFF size
    else:
        return None
    size = path.stat().st_size
    # The size a RIFF lists leaves out its first 8 bytes (the chunk's name and size).
    if listed in _UNSET_SIZES or size >= listed + 8:
        return None
    # Sizes with thousands commas, as Mexican Spanish writes them too.
    return cut_short(path, say(N_("it holds %(size)s of the %(listed)s bytes its header lists"),
                               size=f"{size:,}", listed=f"{listed + 8:,}"))


def check_wav_header(path: Path, seconds: float | None) -> None:
    """`MediaError` when a WAV holds less sound than its data chunk's size says: ffprobe takes a
    PCM WAV's length from the file's size, so a WAV cut short by an interrupted copy reads as a
    whole, shorter file (a dub half uploaded rendered as a spot with 10 s of dead air, a master
    so cut as a shorter spot). The header is read by mutagen."""
    from mutagen.wave import WAVE   # only for WAVs: planning an MP4 campaign need not load it

    try:
        header = WAVE(path).info
    except Exception:   # noqa: BLE001 - mutagen's own errors: ffprobe read the file, so go on
        return
    bytes_per_frame = header.channels * header.bits_per_sample // 8
    declared = round(header.length * header.sample_rate) * bytes_per_frame   # the data size
    if not seconds or not header.length or declared in _UNSET_SIZES:
        return
    held = seconds / header.length
    if seconds < header.length - max(0.1, 0.01 * header.length):
        # `.0%` is `.0f` of a hundred times it, and the sign after.
        raise cut_short(path, say(N_("it holds %(held)s%% of the sound its header lists "
                                     "(%(seconds)s s of %(length)s s)"),
                                  held=Number(held * 100, ".0f"), seconds=Number(seconds, ".2f"),
                                  length=Number(header.length, ".2f")))


def mp4_cut_short(path: Path, stderr: str) -> MediaError | None:
    """The error for an MP4 or MOV an interrupted copy cut before its index (moov, written at
    its end unless made for streaming), from ffprobe's `stderr`; None for anything else, such
    as a file named .mp4 that is none (ffprobe says "moov atom not found" of both): a cut one
    starts with its boxes (ISO/IEC 14496-12: a size, then `ftyp`, or a MOV's `wide`, `free`,
    `skip` or `mdat`). A trial's was told to export the file again, no word of the copy."""
    if "moov atom not found" not in stderr:
        return None
    try:
        with open(path, "rb") as handle:
            boxes = handle.read(8)[4:8] in (b"ftyp", b"wide", b"free", b"skip", b"mdat")
    except OSError:
        return None
    return cut_short(path, say(N_("it has no index (an MP4's or MOV's moov, written at its "
                                  "end)"))) if boxes else None
