"""Text encodings of subtitle files: UTF-8 (with or without BOM) and BOM-marked UTF-16, and
nothing guessed."""

from __future__ import annotations

import codecs
import re
import shlex
from pathlib import Path

import filetype
import langcodes

from pipeline.errors import Diagnostic, SubtitleError, error, warning
from pipeline.files import empty_file, special_file
from pipeline.messages import N_, Message, N_plural, say, say_count

UTF8_HINT = say(N_("save the file as UTF-8 (in most editors: 'Save as', encoding 'UTF-8')"))


def _line_of_offset(data: bytes, offset: int) -> int:
    # CR-only files exist (old Mac editors); count each CRLF, CR or LF once.
    prefix = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1


def decode_text(data: bytes, path: Path, kind: str = "subtitle file",
                language: str | None = None) -> tuple[str | None, str, list[Diagnostic]]:
    """(text, encoding, diagnostics) of the bytes of a `kind` (a subtitle file, a manifest);
    text is None when the bytes cannot be trusted. `language`: the file's, when known
    otherwise than by its name (`check --lang`), for the name a recording given here is to
    have.

    Only UTF-8 and BOM-marked UTF-16 are accepted, and an XML document's (a TTML file's)
    declared encoding (`_declared`), which leaves nothing to guess. We do not fall back to
    Windows-1252 or Latin-1: every byte sequence is "valid" in them, and so it is in
    Windows-1250, ISO-8859-15 or MacRoman, so a guess cannot be told apart from mojibake, and
    mojibake burned into a broadcast cannot be recalled. The languages this pipeline serves
    (saltillo, ẍ, ʉ, combining macron below) are not even representable in those code pages.
    Asking for UTF-8 is cheap.
    """
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
    for bom, encoding in boms:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(encoding.replace("-sig", "")), encoding, []
            except UnicodeDecodeError as exc:
                return None, encoding, [_decode_error(body, exc, path,
                                                      encoding.replace("-sig", ""), len(bom))]
    binary = _not_text(data)
    if binary is not None:
        known = _media_kind(data, path, language)
        message, hint = known or (binary, say(N_("a %(kind)s is text: check that this is the "
                                                 "right file (not a video, an image or a "
                                                 "document)"), kind=_KINDS.get(kind, kind)))
        return None, "unknown", [error(message, path, None, hint, "encoding")]
    if b"\x00" in data:
        offset, count = data.index(b"\x00"), data.count(b"\x00")
        if count * 10 < len(data):
            # UTF-16's Latin text is half NUL bytes; a few in text are stray characters (a
            # trial's one NUL in a UTF-8 file was said to look like UTF-16).
            line = _line_of_offset(data, offset)
            column = len(data[:offset].replace(b"\r", b"\n").rsplit(b"\n", 1)[-1]
                         .decode("utf-8", "replace")) + 1
            return None, "unknown", [error(
                say_count(N_plural("the file contains a NUL character (line %(line)s, column "
                                   "%(column)s), which no text holds",
                                   "the file contains %(count)s NUL characters (the first at "
                                   "line %(line)s, column %(column)s), which no text holds"),
                          count, count=count, line=line, column=column), path, line,
                say(N_("delete it: most editors show it as NUL or ^@; then save the file as "
                       "UTF-8")), "encoding")]
        # Latin text's NULs are its high bytes: after each letter in little-endian order.
        order = "UTF-16LE" if data[1::2].count(0) >= data[0::2].count(0) else "UTF-16BE"
        return None, "unknown", [error(
            say(N_("the file contains NUL bytes (first at byte %(offset)s); it looks like UTF-16 "
                   "without a byte order mark"), offset=offset), path,
            _line_of_offset(data, offset),
            _conversion_hint(path, order) if _decodes(data, order) else UTF8_HINT, "encoding")]
    declared = _declared(data, path)
    if declared is not None:
        return declared
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        return None, "unknown", [_decode_error(data, exc, path, "utf-8")]


# An XML declaration's encoding (XML 1.0 section 4.3.3), which a TTML file's first line gives.
_XML_DECLARATION = re.compile(rb'<\?xml[^>]*?\sencoding\s*=\s*["\']([A-Za-z][\w.:-]*)["\']')


def _declared(data: bytes, path: Path) -> tuple[str | None, str, list[Diagnostic]] | None:
    """An XML document declaring an encoding other than UTF-8 that Python knows, read as
    declared: older DFXP exports write ISO-8859-1, well-formed and unambiguous (a trial's was
    refused, and the hint's `iconv` left its bytes UTF-8 under the old declaration, which every
    XML tool then read as mojibake). Its bytes UTF-8 all the same: read as UTF-8, with a
    warning to mend the declaration. None for any other file."""
    found = _XML_DECLARATION.match(data.lstrip()[:200])
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        return None                    # an unknown name: read as UTF-8, or refused so
    # UTF-16 without its byte order mark has NUL bytes, refused before: so declared, it is not.
    utf16 = encoding.startswith("utf-16")
    if encoding == "utf-8" or (data.isascii() and not utf16):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if utf16:
            return None
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError as exc:
            return None, "unknown", [_decode_error(data, exc, path, encoding)]
        except LookupError:            # a codec of bytes, not of text ("rot13", "base64")
            return None
    return text, "utf-8", [warning(
        say(N_("the file declares encoding=\"%(declared)s\", but its bytes are UTF-8: read as "
               "UTF-8; XML tools read it as declared, garbled"),
            declared=name), path, 1,
        say(N_("change the first line's encoding=\"%(declared)s\" to encoding=\"UTF-8\""),
            declared=name), "encoding")]


# Control bytes no text file has (all below 0x20 but tab, line feed, form feed and carriage
# return; and DEL), as `file(1)` and Git tell text from binary data.
CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}


def _not_text(data: bytes) -> Message | None:
    """Why `data` (without a BOM) is no text file, or None. UTF-16 without a BOM has its NUL
    bytes on one side only (every other byte, the high byte of Latin letters), so NULs spread
    over both sides (a few: stray ones in text), or more than 5 % control bytes (random data
    has 11 %, text next to none), are data of some other kind."""
    if not data:
        return None
    sample = data[:65536]
    nuls = [sample[side::2].count(0) for side in (0, 1)]
    if sum(nuls) >= 4 and min(nuls) > max(nuls) // 20:   # not one side's high bytes
        return say(N_("this is not a text file: it has NUL bytes on both even and odd offsets "
                      "(%(count)s in its first %(bytes)s bytes)"), count=sum(nuls),
                   bytes=len(sample))
    controls = sum(1 for byte in sample if byte in CONTROL) - sum(nuls)
    if controls * 20 > len(sample):
        return say(N_("this is not a text file: %(percent)s %% of its first %(bytes)s bytes are "
                      "control characters"), percent=controls * 100 // len(sample),
                   bytes=len(sample))
    return None


def _recording_name(path: Path, language: str | None) -> tuple[str, bool]:
    """(stem, named): the name validate reads `language`'s recording under (`yua` for
    `VID_0001.mp4` checked with `--lang yua`), else the file's own stem; `named` false when
    that stem is no language code (a phone's `VID_0001`), so the file is still to be named."""
    if language:
        return language.lower(), True
    stem = path.name.partition(".")[0]
    return stem, langcodes.tag_is_valid(stem)


def _sound_of_video(path: Path, language: str | None) -> Message:
    """The hint for a video given where a subtitle file is read: a dub recorded on a phone.
    Its command names the files by their paths (the terminal shortens them under the current
    folder: a trial's bare names failed from another folder) and never overwrites one
    (`-n`): beside a WAV of the same name, the sound is written under another, to choose. The
    WAV is named after the language (`--lang`), as validate reads it, not after the video."""
    stem, named = _recording_name(path, language)
    wav = path.with_name(f"{stem}.wav")
    other = path.with_name(f"{stem}-video.wav") if wav.exists() else wav
    command = f"ffmpeg -n -i {shlex.quote(str(path))} -vn {shlex.quote(str(other))}"
    if not named:
        # A trial's VID_0001.mp4 was told to become VID_0001.wav, which validate never reads.
        return say(N_("a dub or voice-over is delivered as sound alone, a WAV, FLAC, MP3 or M4A "
                      "file named after its language's code (tzo.wav, yua.wav, ...): to take "
                      "the video's sound, in a terminal: %(command)s; then rename %(wav)s after "
                      "its language, or check the video again with --lang"),
                   command=command, wav=other.name)
    if other == wav:
        return say(N_("a dub or voice-over is delivered as sound alone, a WAV, FLAC, MP3 or M4A "
                      "file: to take the video's sound, in a terminal: %(command)s"),
                   command=command)
    return say(N_("a dub or voice-over is delivered as sound alone (in a terminal: %(command)s); "
                  "%(wav)s, beside it, is already a recording: listen to both, and keep the one "
                  "to use as %(wav)s"), command=command, wav=wav.name)


APPLE_DOUBLE = b"\x00\x05\x16\x07"      # AppleDouble's magic number (RFC 1740)


def _media_kind(data: bytes, path: Path, language: str | None
                ) -> tuple[Message, Message] | None:
    """(message, hint) of a video, a sound or an image given where text is read, named by its
    content (the `filetype` library's signatures): a translator's dub recorded on a phone as a
    video, a WAV saved under a subtitle's name (the name to give it: `language`'s, when
    given). None for any other data."""
    if data.startswith(APPLE_DOUBLE):
        # A Mac writes one beside each file it copies to a disk or zip that has no place for
        # its metadata: a trial's check of ._nah.srt was told to name it after its language.
        return (say(N_("this is not a text file: it is a Mac's metadata for %(name)s (an "
                       "AppleDouble '._' file, copied beside it from a Mac)"),
                    name=path.name.removeprefix("._")),
                say(N_("delete it: the subtitles are in %(name)s"),
                    name=path.name.removeprefix("._")))
    found = filetype.guess(data[:8192])
    if found is None:
        return None
    media, name = found.mime.split("/")[0], found.extension.upper()
    if media == "video":
        # A voice talent's phone video was told "this is not a text file", which they had
        # never meant to send.
        return (say(N_("this is a video (%(format)s): neither a subtitle file (text) nor a "
                       "recording (sound alone)"), format=name), _sound_of_video(path, language))
    if media == "audio":
        return (say(N_("this is not a text file: it is a sound recording (%(format)s)"),
                    format=name),
                say(N_("a recording is checked as one by its name: rename it %(name)s"),
                    name=f"{_recording_name(path, language)[0]}.{found.extension}"))
    if media == "image":
        return (say(N_("this is not a text file: it is an image (%(format)s)"), format=name),
                say(N_("subtitles are a text file: check that this is the right file")))
    extension = found.extension
    if extension == "zip" and path.suffix[1:].lower() in DOCUMENTS:
        # An Office or OpenDocument file is a ZIP whose parts `filetype` may not reach.
        extension = path.suffix[1:].lower()
        name = extension.upper()
    elif extension == "zip":
        return (say(N_("this is not a text file: it is a ZIP archive (%(format)s)"),
                    format=name),
                say(N_("unzip it and give the subtitle file it holds (.srt, .vtt, .ass or "
                       ".ttml)")))
    document = DOCUMENTS.get(extension)
    if document:
        # A trial's .docx was "25 % of its first 8 bytes are control characters".
        return (say(N_("this is not a text file: it is %(document)s (%(format)s)"),
                    document=document, format=name),
                say(N_("subtitles are a text file a subtitle editor saves: paste the text into "
                       "Subtitle Edit or Aegisub, time it, and save it as SubRip (.srt)")))
    return None


# Documents a translator's text may be in (the `filetype` library's names for them).
_WORD, _SHEET, _SLIDES = (say(N_("a Word document")), say(N_("a spreadsheet")),
                          say(N_("a presentation")))
DOCUMENTS = {"docx": _WORD, "doc": _WORD, "odt": say(N_("an OpenDocument text")),
             "pdf": say(N_("a PDF document")), "xlsx": _SHEET, "xls": _SHEET, "ods": _SHEET,
             "pptx": _SLIDES, "ppt": _SLIDES, "odp": _SLIDES}
# What `decode_text` reads, named in its messages.
_KINDS = {"subtitle file": say(N_("subtitle file")), "manifest": say(N_("manifest"))}


def _decode_error(data: bytes, exc: UnicodeDecodeError, path: Path, encoding: str,
                  bom_length: int = 0) -> Diagnostic:
    value = data[exc.start]
    where = {"encoding": encoding.upper(), "byte": f"0x{value:02X}",
             "offset": exc.start + bom_length}
    message = say(N_("the file is not valid %(encoding)s: byte %(byte)s at offset %(offset)s "
                     "cannot be decoded"), **where)
    hint = UTF8_HINT
    if encoding == "utf-8" and not bom_length:  # with a BOM it was saved as UTF-8 and damaged
        legacy = _legacy_encoding(data)
        guess = bytes([value]).decode(legacy, errors="replace")
        if guess != "\ufffd":
            message = say(N_("the file is not valid %(encoding)s: byte %(byte)s at offset "
                             "%(offset)s cannot be decoded (in Mac OS Roman it would be "
                             "%(letter)s: it was probably saved on a Mac as 'Western (Mac OS "
                             "Roman)')") if legacy == "mac_roman" else
                          N_("the file is not valid %(encoding)s: byte %(byte)s at offset "
                             "%(offset)s cannot be decoded (in Windows-1252 it would be "
                             "%(letter)s: it was probably saved as ANSI)"),
                          **where, letter=repr(guess))
            if _decodes(data, legacy):
                hint = _conversion_hint(path, ICONV_NAMES[legacy])
    if encoding.startswith("utf-16"):
        line = data[:exc.start].decode(encoding, errors="replace").replace("\r\n", "\n") \
            .replace("\r", "\n").count("\n") + 1
    else:
        line = _line_of_offset(data, exc.start)
    return error(message, path, line, hint, "encoding")


# The two 8-bit code pages a translator's editor saves in, by iconv's names: Windows' "ANSI"
# and a Mac's "Western (Mac OS Roman)". Nothing is read in them (decode_text): they name the
# command that converts a file. Their accented letters lie in each other's punctuation: Mac OS
# Roman's á é ñ ó ú (0x87 0x8E 0x96 0x97 0x9C) are Windows-1252's ‡ Ž – — œ, and Windows' á é
# ñ ó (0xE1 0xE9 0xF1 0xF3) are the Mac's · È Ò Û. A trial's Mac file, told to convert from
# Windows-1252, became "Diidxaz‡: gœdxi –ee" and then passed its check.
ICONV_NAMES = {"cp1252": "WINDOWS-1252", "mac_roman": "MACINTOSH"}
# Bytes either reading takes for an apostrophe or a quote (Windows' ‘ ’ “ ”, the Mac's ë í ì
# î): in a word (k’op, Bats’il) both read as plausibly; they count for neither.
_EITHER = frozenset(b"\x91\x92\x93\x94")


def _legacy_encoding(data: bytes) -> str:
    """"mac_roman" when more of `data`'s bytes over 0x7F read as a letter of their word's case
    (beside an ASCII letter of it, the other side no letter of the other case) in Mac OS Roman
    than in Windows-1252; else "cp1252", the commoner. Windows-1252's letters under 0xA0 (š œ
    ž ƒ) are left out: no orthography of these languages has them, and they are the Mac's ú ö
    û of the same bytes. `chardet` and `charset_normalizer`, tried on the trial's two-cue
    file, named MacLatin2 and mac_iceland at 4 % confidence."""
    readings = {name: data.decode(name, errors="replace") for name in ICONV_NAMES}
    scores = dict.fromkeys(ICONV_NAMES, 0)
    for index, value in enumerate(data):
        if value < 0x80 or value in _EITHER:
            continue
        before = chr(data[index - 1]) if index else " "
        after = chr(data[index + 1]) if index + 1 < len(data) else " "
        for name, text in readings.items():
            letter = text[index]
            if name == "cp1252" and value < 0xA0 or not letter.isalpha():
                continue
            fits = str.islower if letter.islower() else str.isupper
            scores[name] += any(side.isascii() and fits(side) and not (
                other.isascii() and other.isalpha() and not fits(other))
                for side, other in ((before, after), (after, before)))
    return "mac_roman" if scores["mac_roman"] > scores["cp1252"] else "cp1252"


def _conversion_hint(path: Path, encoding: str) -> Message:
    """How to save a file that reads whole as `encoding` (iconv's name) as UTF-8: in an editor,
    and the command that converts it, for the media team's terminal (a trial's UTF-16 file
    without a byte order mark was told to save it as UTF-8, no command). The converted copy is
    written under a hidden name, which `watch` ignores: a trial's watch, running, checked the
    copy and said it used by no variant, then removed."""
    quoted = shlex.quote(str(path))
    converted = shlex.quote(str(path.with_name(f".{path.name}.utf8")))
    return say(N_("save the file as UTF-8 (in most editors: 'Save as', encoding 'UTF-8'); or, "
                  "in a terminal: %(command)s"),
               command=f"iconv -f {encoding} -t UTF-8 {quoted} > {converted} "
                       f"&& mv {converted} {quoted}")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def load_text(path: Path, language: str | None = None
              ) -> tuple[str | None, str, list[Diagnostic]]:
    """The file's text with `\\n` line ends (no BOM), its encoding, and what was wrong with its
    bytes; the text is None when they cannot be trusted (see `decode_text`, and for
    `language`) or there are none (a file of 0 bytes: `files.empty_file`).

    Raises `SubtitleError` only when the file cannot be opened, or is a pipe or a device.
    """
    if special_file(path):
        raise SubtitleError(say(N_("the subtitle file is not a regular file")), path,
                            hint=say(N_("name the file itself, not a pipe or a device"))) from None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleError(say(N_("subtitle file not found")), path,
                            hint=say(N_("check the file name and folder"))) from None
    except IsADirectoryError:
        raise SubtitleError(say(N_("this is a folder, not a subtitle file")), path) from None
    except OSError as exc:
        raise SubtitleError(say(N_("cannot read the subtitle file: %(reason)s"),
                                reason=exc.strerror), path) from None
    # Nothing to read is said as that, once, not as what each format's reader makes of it.
    empty = None if data else empty_file(path)
    if empty is not None:
        return None, "utf-8", [empty]
    text, encoding, diagnostics = decode_text(data, path, language=language)
    if text is not None:   # CR-only files exist (old Mac editors): each CRLF, CR or LF is one
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, diagnostics
