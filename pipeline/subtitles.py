"""Read, check and write subtitle files (SRT in, SRT and WebVTT out).

The reader is strict on purpose: pysrt silently drops cues it cannot parse and glues a cue onto
the previous one when a blank line is missing, so a mistake would reach the air unnoticed. Here
every problem becomes a `Diagnostic` with the file, the line and a hint, and nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import Diagnostic, Findings, SubtitleError, error, warning
from .files import write_atomically

INDEX = re.compile(r"^\d+$")
_TIME = r"(\d+):(\d{2}):(\d{2})([,.])(\d{3})"
# Position coordinates after the times are an old SubRip extension that some tools still write.
TIMING = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}"
                    r"(?:\s+X1:-?\d+\s+X2:-?\d+\s+Y1:-?\d+\s+Y2:-?\d+)?$", re.IGNORECASE)
# Loose on purpose: a line resembling a timing line inside a cue's text means a lost blank line.
TIMING_LIKE = re.compile(r"^\d+:\d+:\d+([,.:]\d+)?\s*-->")
ALIGNMENT_TAG = re.compile(r"\{\\an[1-9]\}")
FORMAT_TAG = re.compile(r"</?[ibu]>|<font(?:\s[^>]*)?>|</font>", re.IGNORECASE)
OVERRIDE_BLOCK = re.compile(r"\{\\[^}]*\}")

TIMING_HINT = "write it as HH:MM:SS,mmm --> HH:MM:SS,mmm, e.g. 00:00:01,500 --> 00:00:03,000"
UTF8_HINT = "save the file as UTF-8 (in most editors: 'Save as', encoding 'UTF-8')"


@dataclass(frozen=True)
class Cue:
    index: int
    start: int  # milliseconds
    end: int    # milliseconds
    text: str   # lines joined with "\n", SRT tags kept
    line: int   # 1-based line of the cue's first line (its index line) in the file


@dataclass(frozen=True)
class SubtitleFile(Findings):
    path: Path
    cues: tuple[Cue, ...]
    diagnostics: tuple[Diagnostic, ...]
    encoding: str


def plain_text(cue: Cue | str) -> str:
    """The text as it appears on screen: without `<i>`, `<b>`, `<u>`, `<font>` and `{\\anN}`.

    Other `{\\...}` blocks are not removed: the burner shows them as typed (see `ass.py`),
    so their characters need glyphs like any other.
    """
    text = cue.text if isinstance(cue, Cue) else cue
    return FORMAT_TAG.sub("", ALIGNMENT_TAG.sub("", text))


def format_time(ms: int, separator: str = ",") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


# --- decoding -------------------------------------------------------------------------------

def _line_of_offset(data: bytes, offset: int) -> int:
    # CR-only files exist (old Mac editors); count each CRLF, CR or LF once.
    prefix = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return prefix.count(b"\n") + 1


def _decode(data: bytes, path: Path) -> tuple[str | None, str, list[Diagnostic]]:
    """(text, encoding, diagnostics); text is None when the bytes cannot be trusted.

    Only UTF-8 and BOM-marked UTF-16 are accepted. We do not fall back to Windows-1252 or
    Latin-1: every byte sequence is "valid" in them, and so it is in Windows-1250, ISO-8859-15
    or MacRoman, so a guess cannot be told apart from mojibake, and mojibake burned into a
    broadcast cannot be recalled. The languages this pipeline serves (saltillo, ẍ, ʉ, combining
    macron below) are not even representable in those code pages. Asking for UTF-8 is cheap.
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
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return None, "unknown", [error(
            f"the file contains NUL bytes (first at byte {offset}); it looks like UTF-16 "
            "without a byte order mark", path, _line_of_offset(data, offset),
            UTF8_HINT, "encoding")]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        return None, "unknown", [_decode_error(data, exc, path, "utf-8")]


def _decode_error(data: bytes, exc: UnicodeDecodeError, path: Path, encoding: str,
                  bom_length: int = 0) -> Diagnostic:
    value = data[exc.start]
    message = (f"the file is not valid {encoding.upper()}: byte 0x{value:02X} at offset "
               f"{exc.start + bom_length} cannot be decoded")
    if encoding == "utf-8" and not bom_length:  # with a BOM it was saved as UTF-8 and damaged
        guess = bytes([value]).decode("cp1252", errors="replace")
        if guess != "\ufffd":
            message += f" (in Windows-1252 it would be {guess!r}: it was probably saved as ANSI)"
    if encoding.startswith("utf-16"):
        line = data[:exc.start].decode(encoding, errors="replace").replace("\r\n", "\n") \
            .replace("\r", "\n").count("\n") + 1
    else:
        line = _line_of_offset(data, exc.start)
    return error(message, path, line, UTF8_HINT, "encoding")


# --- parsing --------------------------------------------------------------------------------

def _parse_time(match: re.Match, first: int) -> int | None:
    hours, minutes, seconds, _, millis = match.groups()[first:first + 5]
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


class _Parser:
    """A line-by-line state machine over the decoded text; collects cues and diagnostics."""

    def __init__(self, lines: list[str], path: Path):
        self.lines = [line.rstrip() for line in lines]
        self.path = path
        self.cues: list[Cue] = []
        self.diagnostics: list[Diagnostic] = []
        self.i = 0

    def fail(self, message: str, line: int, hint: str | None, code: str) -> None:
        self.diagnostics.append(error(message, self.path, line, hint, code))

    def warn(self, message: str, line: int, hint: str | None, code: str) -> None:
        self.diagnostics.append(warning(message, self.path, line, hint, code))

    def blank(self, i: int) -> bool:
        return i >= len(self.lines) or not self.lines[i].strip()

    def skip_to_blank(self) -> None:
        while not self.blank(self.i):
            self.i += 1

    def run(self) -> list[Cue]:
        while self.i < len(self.lines):
            if self.blank(self.i):
                self.i += 1
            else:
                self.cue()
        return self.cues

    def cue(self) -> None:
        first = self.i + 1
        head = self.lines[self.i].strip()
        previous = self.cues[-1].index if self.cues else 0
        if INDEX.match(head):
            index = int(head)
            self.i += 1
        elif TIMING_LIKE.match(head):
            index = previous + 1
            self.warn(f"cue has no number before its timing line (taken as cue {index})", first,
                      "put the cue number on the line above the times", "index")
        else:
            after = f" (is there a blank line inside cue {previous}'s text?)" if self.cues else ""
            self.fail(f"expected a cue number, found {head[:40]!r}{after}", first,
                      "each cue is: a number, a timing line, text lines, then a blank line",
                      "structure")
            self.skip_to_blank()
            return
        if self.cues and index <= previous:
            self.warn(f"cue number {index} does not increase (previous cue is {previous})",
                      first, "number the cues 1, 2, 3, ... in order", "index")
        times = self.timing(index)
        if times is None:
            self.skip_to_blank()
            return
        text = self.text(index)
        self.cues.append(Cue(index, times[0], times[1], "\n".join(text), first))

    def timing(self, index: int) -> tuple[int, int] | None:
        number = self.i + 1
        if self.blank(self.i):
            self.fail(f"cue {index} has no timing line", number, TIMING_HINT, "timing")
            return None
        raw = self.lines[self.i].strip()
        match = TIMING.match(raw)
        start = _parse_time(match, 0) if match else None
        end = _parse_time(match, 5) if match else None
        if start is None or end is None:
            self.fail(f"malformed timing line in cue {index}: {raw[:60]!r}", number, TIMING_HINT,
                      "timing")
            return None
        self.i += 1
        if "." in (match.group(4), match.group(9)):
            self.warn(f"cue {index} uses '.' before the milliseconds; SRT uses ','", number,
                      TIMING_HINT, "timing-format")
        return start, end

    def text(self, index: int) -> list[str]:
        text: list[str] = []
        while not self.blank(self.i):
            line = self.lines[self.i]
            if TIMING_LIKE.match(line.strip()):
                # Never merge: the lost blank line is an error, and the next cue starts here.
                if text and INDEX.match(text[-1].strip()):
                    text.pop()
                    self.i -= 1
                following = self.lines[self.i].strip()
                label = f"cue {following}" if INDEX.match(following) else "the next timing line"
                self.fail(f"missing blank line before {label}", self.i + 1,
                          f"add an empty line between the text of cue {index} and the next cue",
                          "missing-blank-line")
                break
            text.append(line)
            self.i += 1
        return text


# --- checks ---------------------------------------------------------------------------------

def _check_cues(cues: list[Cue], path: Path, duration: float | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    latest: Cue | None = None  # the cue ending last so far: a long cue can overlap several
    end_of_video = round(duration * 1000) if duration is not None else None
    for cue in cues:
        where = f"cue {cue.index}"
        if not plain_text(cue).strip():
            found.append(error(f"{where} has no text", path, cue.line,
                               "write the subtitle text, or delete the cue", "empty"))
        for block in dict.fromkeys(OVERRIDE_BLOCK.findall(ALIGNMENT_TAG.sub("", cue.text))):
            found.append(warning(f"{where} contains the editing tag {block!r}; burned-in "
                                 "subtitles show it as typed", path, cue.line,
                                 "remove editing tags from the text", "tags"))
        if cue.end <= cue.start:
            found.append(error(
                f"{where} ends before it starts ({format_time(cue.start)} --> "
                f"{format_time(cue.end)})", path, cue.line,
                "the second time is when the subtitle disappears: it must be later",
                "end-before-start"))
        if latest is not None and cue.start < latest.end:
            overlap = "overlaps" if cue.start >= latest.start else "starts before"
            found.append(error(
                f"{where} (starts {format_time(cue.start)}) {overlap} cue {latest.index} "
                f"(line {latest.line}, {format_time(latest.start)} --> {format_time(latest.end)})",
                path, cue.line, f"make cue {latest.index} end before cue {cue.index} starts, "
                "or fix the order of the cues", "overlap"))
        if end_of_video is not None:
            found.extend(_check_past_end(cue, path, end_of_video))
        if latest is None or cue.end > latest.end:
            latest = cue
    return found


def _check_past_end(cue: Cue, path: Path, end_of_video: int) -> list[Diagnostic]:
    video = format_time(end_of_video)
    if cue.start >= end_of_video:
        return [error(f"cue {cue.index} starts at {format_time(cue.start)}, after the end of the "
                      f"video ({video})", path, cue.line,
                      "check the times, or that the file belongs to this spot", "past-end")]
    if cue.end > end_of_video:
        return [warning(f"cue {cue.index} ends at {format_time(cue.end)}, after the end of the "
                        f"video ({video}); it will be cut", path, cue.line,
                        f"end it at {video} at the latest", "past-end")]
    return []


def read_srt(path: str | Path, *, duration: float | None = None) -> SubtitleFile:
    """Read and check an SRT file; content problems become diagnostics, never exceptions.

    `duration` is the master's length in seconds; cues beyond it are reported.
    Raises `SubtitleError` only when the file cannot be opened.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SubtitleError("subtitle file not found", path,
                            hint="check the file name and folder") from None
    except OSError as exc:
        raise SubtitleError(f"cannot read the subtitle file: {exc.strerror}", path) from None
    text, encoding, diagnostics = _decode(data, path)
    if text is None:
        return SubtitleFile(path, (), tuple(diagnostics), encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")   # _decode removed any BOM
    parser = _Parser(text.split("\n"), path)
    cues = parser.run()
    diagnostics += parser.diagnostics
    if not cues:
        message = "the file is empty" if not text.strip() else "the file contains no cues"
        diagnostics.append(error(message, path, None,
                                 "an SRT cue is a number, a timing line, text, then a blank line",
                                 "empty"))
    diagnostics += _check_cues(cues, path, duration)
    diagnostics.sort(key=lambda d: d.line or 0)
    return SubtitleFile(path, tuple(cues), tuple(diagnostics), encoding)


# --- writing --------------------------------------------------------------------------------

def write_srt(cues: Iterable[Cue], path: str | Path) -> None:
    """Write cues as SRT, numbered 1, 2, 3, ... (the numbers in the source may have gaps)."""
    blocks = [f"{number}\n{format_time(cue.start)} --> {format_time(cue.end)}\n{cue.text}\n"
              for number, cue in enumerate(cues, 1)]
    write_atomically(Path(path), "\n".join(blocks))


VTT_TAG = re.compile(r"</?[ibu]>", re.IGNORECASE)


def _vtt_text(text: str) -> str:
    # WebVTT knows <i>, <b>, <u> but not <font>; any other '<' or '&' would start markup.
    text = FORMAT_TAG.sub(lambda m: m.group(0).lower() if VTT_TAG.fullmatch(m.group(0)) else "",
                          ALIGNMENT_TAG.sub("", text))
    parts = re.split(r"(</?[ibu]>)", text)
    escaped = [part if VTT_TAG.fullmatch(part) else
               part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               for part in parts]
    return "".join(escaped)


def write_vtt(cues: Iterable[Cue], path: str | Path) -> None:
    """Write cues as WebVTT (UTF-8, `HH:MM:SS.mmm` times)."""
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, 1):
        blocks.append(f"{number}\n{format_time(cue.start, '.')} --> {format_time(cue.end, '.')}\n"
                      f"{_vtt_text(cue.text)}\n")
    write_atomically(Path(path), "\n".join(blocks))
