"""SubRip (SRT): a strict reader and a writer.

The reader is strict on purpose: pysrt silently drops cues it cannot parse and glues a cue onto
the previous one when a blank line is missing, so a mistake would reach the air unnoticed. Here
every problem becomes a `Diagnostic` with the file, the line and a hint, and nothing is guessed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, error, warning
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.files import write_atomically
from pipeline.subtitles.markup import unbalanced_tags
from pipeline.subtitles.model import (ALIGNMENT_TAG, Cue, Parsed, alignment, escaped,
                                      format_time, keypad, literal, place, plain_text,
                                      screen_row, visible, with_alignment)

INDEX = re.compile(r"^\d+$")


_TIME = r"(\d+):(\d{2}):(\d{2})([,.])(\d{3})"


# Position coordinates after the times are an old SubRip extension that some tools still write.
TIMING = re.compile(rf"^{_TIME}\s*-->\s*{_TIME}"
                    r"(?P<box>\s+X1:-?\d+\s+X2:-?\d+\s+Y1:-?\d+\s+Y2:-?\d+)?$", re.IGNORECASE)
# HH:MM:SS:FF (;FF drop-frame) on both sides: a timecode's frames where SubRip has milliseconds.
FRAME_TIMING = re.compile(r"(\d{1,2}:\d\d:\d\d)([:;])(\d\d)\s*-->"
                          r"\s*\d{1,2}:\d\d:\d\d[:;]\d\d\s*$")

# The rates a timecode's frame number may count at, by the highest it reaches: drop-frame (;)
# is NTSC's alone, 29.97 or 59.94; below 25 either PAL's 25 or NTSC's 29.97 (Mexico's).
NTSC, NTSC_DOUBLE = 30000 / 1001, 60000 / 1001


def _in_milliseconds(seconds: str, separator: str, frames: str) -> Message | str:
    """"; at 25 fps, 00:00:03:12 is 00:00:03,480 (at 29.97 fps, 00:00:03,400)": the frame
    number of a timecode said in milliseconds at the rates it may count at; "" past 59."""
    frame = int(frames)
    if separator == ";":
        rates = [NTSC] if frame < 30 else [NTSC_DOUBLE]
    else:
        rates = next((rates for below, rates in ((25, [25, NTSC]), (30, [NTSC]),
                                                 (50, [50, NTSC_DOUBLE]), (60, [NTSC_DOUBLE]))
                      if frame < below), [])
    said = [(f"{rate:.4g}", f"{seconds},{min(999, round(frame * 1000 / rate)):03d}")
            for rate in rates]
    if not said:
        return ""
    # Two rates at most: the second in parentheses.
    other = say(N_(" (at %(rate)s fps, %(time)s)"), rate=said[1][0], time=said[1][1]) \
        if len(said) > 1 else ""
    return say(N_("; at %(rate)s fps, %(timecode)s is %(time)s%(other)s"), rate=said[0][0],
               timecode=f"{seconds}{separator}{frames}", time=said[0][1], other=other)


# Loose on purpose: a line resembling a timing line inside a cue's text means a lost blank line,
# not text to burn: a time and `-->`, or a time, an arrow however mistyped (->, - >, =>, an en
# or em dash) and another time.
TIMING_LIKE = re.compile(r"^\d+:\d+:\d+([,.:]\d+)?\s*(?:-->|[-–—=]+\s*>?\s*\d+:\d+)")


TIMING_HINT = say(N_("write it as HH:MM:SS,mmm --> HH:MM:SS,mmm, e.g. 00:00:01,500 --> "
                     "00:00:03,000"))


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
        self.found = 0      # cue blocks (with a number or a timing line), read or not
        self.diagnostics: list[Diagnostic] = []
        self.dotted: list[tuple[int, int]] = []   # (cue, line) of timing lines with '.'
        self.boxed: list[tuple[int, int]] = []    # (cue, line) of timing lines with X1..Y2
        self.i = 0

    def fail(self, message: str | Message, line: int, hint: str | Message | None,
             code: str) -> None:
        self.diagnostics.append(error(message, self.path, line, hint, code))

    def warn(self, message: str | Message, line: int, hint: str | Message | None,
             code: str) -> None:
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
        self._dots()
        self._boxes()
        return self.cues

    def _boxes(self) -> None:
        """One warning a file for its cues placed by a box in pixels after the times (`X1:100
        X2:500 Y1:10 Y2:50`, an old SubRip extension few players read): left out without a
        word, a trial's subtitler took them for kept."""
        if not self.boxed:
            return
        cue, line = self.boxed[0]
        self.warn(say_count(N_plural(
            "cue %(cue)s is placed by a box in pixels after its times (X1: X2: Y1: Y2:), which "
            "is not used: it is shown where the campaign's style puts subtitles",
            "%(count)s cues are placed by a box in pixels after their times (X1: X2: Y1: Y2:; "
            "the first: cue %(cue)s), which is not used: they are shown where the campaign's "
            "style puts subtitles"), len(self.boxed), count=len(self.boxed), cue=cue), line,
            say(N_("to place a cue at the top, start its text with {\\an8}; else delete the "
                   "box")), "style")

    def _dots(self) -> None:
        """One warning a file for its timing lines with '.' before the milliseconds, at the
        first: a tool that writes one writes every cue so (a trial's 30 identical warnings
        buried the file's other findings)."""
        if not self.dotted:
            return
        cue, line = self.dotted[0]
        message = (say(N_("cue %(cue)s uses '.' before the milliseconds; SRT uses ','"), cue=cue)
                   if len(self.dotted) == 1 else
                   say(N_("%(count)s cues use '.' before the milliseconds (the first: cue "
                          "%(cue)s); SRT uses ','"), count=len(self.dotted), cue=cue))
        self.warn(message, line, TIMING_HINT, "timing-format")

    def cue(self) -> None:
        first = self.i + 1
        head = self.lines[self.i].strip()
        previous = self.cues[-1].index if self.cues else 0
        if head.startswith("\ufeff"):
            # Where a file began: two files pasted into one. A trial's was "expected a cue
            # number, found '\ufeff2' (is there a blank line inside cue 1's text?)".
            head = head.lstrip("\ufeff").strip()
            self.warn(say(N_("an invisible byte order mark (U+FEFF), which starts a file, starts "
                             "this line: two files pasted into one? It is skipped")), first,
                      say(N_("delete it (an editor that shows hidden characters, as Notepad++ "
                             "or Subtitle Edit, finds it)")), "structure")
        if INDEX.match(head):
            index = int(head)
            self.i += 1
        elif TIMING_LIKE.match(head):
            index = previous + 1
            self.warn(say(N_("cue has no number before its timing line (taken as cue %(cue)s)"),
                          cue=index), first,
                      say(N_("put the cue number on the line above the times")), "index")
        else:
            found = f"'{visible(head[:40])}'"
            self.fail(say(N_("expected a cue number, found %(found)s (is there a blank line "
                             "inside cue %(previous)s's text?)"), found=found, previous=previous)
                      if self.cues else
                      say(N_("expected a cue number, found %(found)s"), found=found), first,
                      say(N_("each cue is: a number, a timing line, text lines, then a blank "
                             "line")), "structure")
            self.skip_to_blank()
            return
        self.found += 1
        if self.cues and index <= previous:
            self.warn(say(N_("cue number %(cue)s does not increase (previous cue is %(previous)s)"),
                          cue=index, previous=previous),
                      first, say(N_("number the cues 1, 2, 3, ... in order")), "index")
        times = self.timing(index)
        if times is None:
            self.skip_to_blank()
            return
        starts = self.i + 1
        text = self.markup(index, self.text(index), starts)
        self.cues.append(Cue(index, times[0], times[1], "\n".join(text), first))

    def markup(self, index: int, text: list[str], first: int) -> list[str]:
        """The cue's text lines (the first at line `first`) in the model's markup (`model_text`),
        after one warning for the tags SubRip has not (see `SUBRIP_TAGS`) and one for each
        <i>, <b> or <u> that does not pair up (`markup.unbalanced_tags`)."""
        for number, line in enumerate(text, first):
            matches = [match for match in ANY_TAG.finditer(line)
                       if not SUBRIP_TAGS.fullmatch(match.group())]
            unknown = tuple(dict.fromkeys(f"<{match.group(1).lower()}>" for match in matches))
            # Spanish quotes typed on a keyboard without them: <<Kʼusi chaval>> reads as a tag.
            quotes = any(line[max(match.start() - 1, 0):match.start()] == "<"
                         and line[match.end():match.end() + 1] == ">" for match in matches)
            if unknown:
                self.warn(say_count(N_plural(
                    "cue %(cue)s has the tag %(tags)s, which SubRip does not have (only <i>, "
                    "<b>, <u> and <font>): burned subtitles show it as typed",
                    "cue %(cue)s has the tags %(tags)s, which SubRip does not have (only <i>, "
                    "<b>, <u> and <font>): burned subtitles show them as typed"), len(unknown),
                    cue=index, tags=Items(unknown, ", ", " and ")), number,
                    say(N_("if they are quotation marks, type « and » (typed as << and >> they "
                           "read as a tag)")) if quotes else
                    say(N_("remove the tags, or use <i>, <b> or <u>")), "tags")
        decoded = [model_text(line) for line in text]
        self.diagnostics += unbalanced_tags(enumerate(decoded, first), index, self.path)
        return decoded

    def timing(self, index: int) -> tuple[int, int] | None:
        number = self.i + 1
        if self.blank(self.i):
            self.fail(say(N_("cue %(cue)s has no timing line"), cue=index), number, TIMING_HINT,
                      "timing")
            return None
        raw = self.lines[self.i].strip()
        match = TIMING.match(raw)
        start = _parse_time(match, 0) if match else None
        end = _parse_time(match, 5) if match else None
        if start is None or end is None:
            framed = FRAME_TIMING.match(raw)
            if framed:
                # A trial's "00:00:03:12": a caption tool's timecode, frames after the seconds.
                self.fail(say(N_("the timing line of cue %(cue)s counts frames, a timecode "
                                 "(%(line)s), where SubRip writes milliseconds"), cue=index,
                              line=repr(raw[:60])), number,
                          say(N_("export it as SubRip with milliseconds%(times)s"),
                              times=_in_milliseconds(*framed.groups())), "timing")
                return None
            self.fail(say(N_("malformed timing line in cue %(cue)s: %(line)s"), cue=index,
                          line=repr(raw[:60])), number, TIMING_HINT, "timing")
            return None
        self.i += 1
        if "." in (match.group(4), match.group(9)):
            self.dotted.append((index, number))
        if match.group("box"):
            self.boxed.append((index, number))
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
                self.fail(say(N_("missing blank line before cue %(cue)s"), cue=following)
                          if INDEX.match(following) else
                          say(N_("missing blank line before the next timing line")), self.i + 1,
                          say(N_("add an empty line between the text of cue %(cue)s and the next "
                                 "cue"), cue=index), "missing-blank-line")
                break
            text.append(line)
            self.i += 1
        return text


FONT_TAG = re.compile(r"<font(?:\s[^>]*)?>|</font>", re.IGNORECASE)
# The tags SubRip has, as Subtitle Edit, Aegisub and players (VLC, mpv, ffmpeg's SubRip
# decoder) read them: italics, bold, underline, and <font> with color, face or size. Any other
# (<s>, <span>, <ruby>, a typo) is no markup to libass: it is burned as typed, and counted so.
SUBRIP_TAGS = re.compile(r"</?[ibu]>|<font(?:\s[^>]*)?>|</font>", re.IGNORECASE)
ANY_TAG = re.compile(r"</?([A-Za-z][\w-]*)(?:\s[^<>]*)?>")
# HTML character references (&lt; &amp; &nbsp; &#233; &#x2019;), which some tools write and
# many players show decoded: decoded with html.unescape. Only complete ones, ending in ";":
# HTML also decodes a few legacy names without it, and "&not" in "&nota" is text.
REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
FONT_STYLE = re.compile(r"<font\s[^>]*\b(?:color|face|size)\s*=", re.IGNORECASE)


def model_text(line: str) -> str:
    """A line of SubRip text in the model's markup (`model.escaped`). SubRip has no escapes, so
    what a `<` is is decided here: one that starts a tag SubRip has (`SUBRIP_TAGS`) is markup;
    any other (`<3`, `a < b`, `<s>`) is text, as Subtitle Edit shows it and libass burns it.
    Character references are text too, decoded after the tags are found as WebVTT's are (W3C
    WebVTT, "WebVTT cue text tokenizer"): `&lt;i&gt;` is the three characters <i>. A joiner
    after a `<` or `&` is the writer's (`KEPT_TEXT`), dropped."""
    pieces, tags = SUBRIP_TAGS.split(line), SUBRIP_TAGS.findall(line)
    decoded = [REFERENCE.sub(lambda match: html.unescape(match.group()), piece)
               for piece in pieces]
    return "".join(escaped(_JOINED.sub(r"\1", piece)) + tag
                   for piece, tag in zip(decoded, tags + [""]))


def parse_srt(text: str, path: Path) -> Parsed:
    """Cues and problems of decoded SRT text; `<font color|face|size>` lines are noted as
    styling the campaign's style replaces."""
    parser = _Parser(text.split("\n"), path)
    cues = parser.run()
    styled = [number for number, line in enumerate(parser.lines, 1) if FONT_STYLE.search(line)]
    return Parsed(cues, parser.diagnostics, styled, found=parser.found)


# What SubRip players may read as a tag: a `<` with a `>` after it and no `<` between. ffmpeg's
# SubRip decoder (libavcodec/htmlsubtitles.c, as mpv and every ffmpeg-based player read SRT)
# drops `<3>` and reads `< b y >` as bold; only `<<`, a lone `<` and `< 3 >` are shown as typed.
# And an `&` that this reader would decode as the start of a reference (`REFERENCE`).
KEPT_TEXT = re.compile(r"<(?=[^<>]*>)|&(?=#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
# SubRip has no escapes. A WORD JOINER (U+2060: zero width, default-ignorable, as libass and
# players draw it) after such a `<` or `&` makes it no tag's nor reference's start: ffmpeg's
# decoder needs a tag's name to start with a letter, digit, `_` or `/`, this reader a letter
# or `#`, and the text is shown as typed. The reader drops it again (`model_text`).
JOINER = "\u2060"
_JOINED = re.compile(f"([<&]){JOINER}")


def tag_like(cue: Cue) -> list[str]:
    """The pieces of the text `cue` shows that SubRip players would read as tags, written with
    a joiner (`KEPT_TEXT`): `["<3>"]` for "Te quiero <3> mucho"."""
    return re.findall(r"<[^<>]*>", plain_text(cue))


def subrip_text(text: str) -> str:
    """Cue text in the model's markup as SubRip writes it, for the sidecar and for ffmpeg (the
    MP4 track is made from it): a literal `<` or `&` as typed, with a joiner after it where it
    would be read as markup (`KEPT_TEXT`). `<font>` tags are left out: the file's colours and
    fonts give way to the campaign's style (the reader's warning says so), as elsewhere."""
    text = FONT_TAG.sub("", text)
    pieces, tags = SUBRIP_TAGS.split(text), SUBRIP_TAGS.findall(text)
    written = [KEPT_TEXT.sub(lambda match: match.group() + JOINER, literal(piece))
               for piece in pieces]
    return "".join(piece + tag for piece, tag in zip(written, tags + [""]))


def write_srt(cues: Iterable[Cue], path: str | Path) -> None:
    """Write cues as SRT, numbered 1, 2, 3, ... (the numbers in the source may have gaps),
    their text as `subrip_text` writes it, placed by `{\\anN}` alone (`as_placed`)."""
    blocks = [f"{number}\n{format_time(cue.start)} --> {format_time(cue.end)}\n"
              f"{subrip_text(as_placed(cue))}\n" for number, cue in enumerate(cues, 1)]
    write_atomically(Path(path), "\n".join(blocks))


def as_placed(cue: Cue) -> str:
    """`cue`'s text with the `{\\anN}` of the third of the screen it shows in: SubRip carries
    no margins, so a cue its margins move into another third (a WebVTT `line:50%` is a top
    box from mid-height, a TTML region at mid-height) takes that third's row, its column kept
    (a trial's middle cue came out `{\\an8}`, at the top)."""
    if cue.margins is None:
        return cue.text
    row, column = place(alignment(cue) or 2)
    shown = screen_row(cue)
    if shown == row:
        return cue.text
    align = keypad(shown, column)
    return with_alignment(ALIGNMENT_TAG.sub("", cue.text), align if align != 2 else None)
