"""WebVTT (W3C WebVTT): a strict reader and the sidecar writer.

The reader is our own small block parser because webvtt-py (the well-kept library) keeps no
line numbers and, in strict mode, stops at the first problem with a message that does not say
where it is. Each block's timestamps, cue settings and region settings are still checked by
webvtt-py's own strict validators, so what counts as valid WebVTT is the library's view; we add
only the line, the hint, and going on to the next block.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Iterable

from webvtt.errors import MalformedCaptionError
from webvtt.models import Region, Timestamp

from pipeline.errors import error, note, warning
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.files import write_atomically
from pipeline.subtitles.markup import styled_runs, unbalanced_tags
from pipeline.subtitles.model import (
    Cue,
    SAFE_MARGIN,
    Margins,
    Parsed,
    alignment,
    format_time,
    place,
    escaped,
    placed,
)
from pipeline.subtitles.vtt_settings import CueSettingsReader

HEADER = re.compile(r"WEBVTT(?:[ \t].*)?$")
_TIMESTAMP = r"(?:\d+:)?\d{2}:\d{2}\.\d{3}"
# As the WebVTT parser collects timings: spaces are optional around the arrow; what follows the
# end time (after a space) is the cue settings.
TIMING = re.compile(rf"({_TIMESTAMP})[ \t]*-->[ \t]*({_TIMESTAMP})(?:[ \t]+(.*))?$")
TIME_FIRST = re.compile(r"\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d")
TIMING_HINT = say(N_("write it as HH:MM:SS.mmm --> HH:MM:SS.mmm (a dot before the "
                     "milliseconds), e.g. 00:00:01.500 --> 00:00:03.000"))
TAG = re.compile(r"<(/?)([^\s.>/]*)((?:\.[^\s.>]+)*)(?:\s[^>]*)?>")
KEPT_TAGS = {"i", "b", "u"}
SILENT_TAGS = {"v", "lang", "c"}  # no look of their own: the speaker, the language, a class
STYLE_CSS = re.compile(r"\b(color|background(?:-color)?|font(?:-family|-size)?)\s*:", re.I)


def _spaces(text: str) -> bool:
    """Whether a line is of only spaces: visibly empty, but no empty line to WebVTT."""
    return bool(text) and not text.strip()


class _Reader(CueSettingsReader):
    def __init__(self, text: str, path: Path):
        self.lines = text.split("\n")
        self.path = path
        self.parsed = Parsed()
        self.regions: dict[str, Region] = {}
        self.seen_cue = False
        self.cue_blocks = 0      # cues met, kept or not: a cue is named by its place in the file
        self.tag_warnings: set[tuple[int, str]] = set()   # (line, what): <font> and </font> warn once
        self.unrendered: dict[str, list[tuple[int, str]]] = {}
        self.spaces: list[int] = []   # the lines of only spaces left out of the cues' text
        self.karaoke: list[tuple[int, int]] = []   # (cue, line) of each cue with timestamp tags
        self.voices: dict[str, int] = {}   # the speakers of <v> tags, at their first line

    def fail(self, message: str | Message, line: int, hint: str | Message | None = None,
             code: str = "structure"):
        self.parsed.diagnostics.append(error(message, self.path, line, hint, code))

    def warn(self, message: str | Message, line: int, hint: str | Message | None = None,
             code: str = "structure"):
        self.parsed.diagnostics.append(warning(message, self.path, line, hint, code))

    def _malformed(self, index: int, raw: str, line: int) -> None:
        self.fail(say(N_("malformed WebVTT timing line in cue %(cue)s: %(line)s"), cue=index,
                      line=repr(raw.strip()[:60])), line, TIMING_HINT, "timing")

    def run(self) -> Parsed:
        blocks = self._blocks()
        if not HEADER.match(self.lines[0] if self.lines else ""):
            self.fail(say(N_("a WebVTT file starts with the line WEBVTT")), 1,
                      say(N_("put WEBVTT alone on the first line, then a blank line")), "syntax")
        elif blocks:
            header = blocks.pop(0)
            arrow = next((i for i, (_, text) in enumerate(header) if "-->" in text), None)
            if arrow is not None:
                self.fail(say(N_("missing blank line after the WEBVTT line")), header[arrow][0],
                          say(N_("leave an empty line between the header and the first cue")),
                          "missing-blank-line")
                blocks.insert(0, header[arrow:])
            else:
                self._block_in_header(header)
        for block in blocks:
            self._block(block)
        self.unrendered_warnings()
        if self.karaoke:
            self._karaoke_warning()
        if self.spaces:
            # Said once: YouTube's files have one in most cues, and they show nothing anyway.
            count = len(self.spaces)
            self.parsed.diagnostics.append(note(
                say_count(N_plural("%(count)s line of only spaces left out of cue text",
                                   "%(count)s lines of only spaces left out of cue text"),
                          count, count=count),
                self.path, self.spaces[0]))
        return self.parsed

    def _block_in_header(self, header: list[tuple[int, str]]) -> None:
        """A STYLE or REGION block written right under the WEBVTT line: without the blank line
        between them, it is read as more of the header (W3C WebVTT, "collect a WebVTT block"),
        and players drop its styles or regions without a word."""
        line, name = next(((line, text.strip()) for line, text in header[1:]
                           if text.strip() in ("STYLE", "REGION")), (None, None))
        if line is not None:
            self.warn(say(N_("missing blank line after the WEBVTT line: the %(block)s block on "
                             "this line is read as part of the header, and players ignore it"),
                          block=name), line,
                      say(N_("leave an empty line between the WEBVTT line and the %(block)s "
                             "block"), block=name), "missing-blank-line")

    def _karaoke_warning(self) -> None:
        """One warning for every cue with karaoke timestamp tags, at the first: a karaoke file
        has them in every cue, and a warning a cue buried the file's other warnings."""
        (cue, line), count = self.karaoke[0], len(self.karaoke)
        what = say(N_("karaoke timestamp tags are not supported: the whole cue is shown at once"))
        message = say(N_("cue %(cue)s: %(problem)s"), cue=cue, problem=what) if count == 1 else \
            say(N_("%(count)s cues, from cue %(cue)s: %(problem)s"), count=count, cue=cue,
                problem=what)
        self.warn(message, line, say(N_("remove the tags")), "tags")

    def _blocks(self) -> list[list[tuple[int, str]]]:
        """Runs of non-empty lines as (line number, text). Only an empty line ends a cue
        (W3C WebVTT, "collect a WebVTT block"): a line of only spaces in a cue's text is part of
        it (YouTube's files have them; `_text` leaves them out), elsewhere it ends the block as
        an empty line does. A line with an arrow inside a cue's text starts a new block, as
        WebVTT players read it (`_next_cue`)."""
        blocks: list[list[tuple[int, str]]] = []
        current: list[tuple[int, str]] = []
        timed = False              # the current block has its timing line already
        for number, text in enumerate(self.lines, 1):
            if not text.strip() and not (timed and text):
                if current:
                    blocks.append(current)
                current, timed = [], False
                continue
            if "-->" in text and current and blocks and (timed or len(current) > 1):
                current, timed = self._next_cue(blocks, current, number, text), False
            current.append((number, text))
            timed = timed or "-->" in text
        if current:
            blocks.append(current)
        return blocks

    def _next_cue(self, blocks: list[list[tuple[int, str]]], current: list[tuple[int, str]],
                  number: int, text: str) -> list[tuple[int, str]]:
        """Ends the block `current` before the timing line `text` (line `number`), which WebVTT
        players read as the next cue's, and returns what starts that cue. After a line of only
        spaces the cue's text ended as meant; a line of spaces then an identifier line is
        warned of (players show the identifier as text), any other line is a lost blank line."""
        if _spaces(current[-1][1]):
            blocks.append(current)
            return []
        if len(current) > 2 and _spaces(current[-2][1]) and "-->" not in current[-1][1]:
            identifier = current[-1][1].strip()[:40]
            self.warn(say(N_("the line before the identifier line %(identifier)s has only "
                             "spaces: WebVTT players end a cue only at an empty line, so they "
                             "show %(identifier)s as the last line of the cue before; it is "
                             "read here as the next cue's identifier"),
                          identifier=repr(identifier)), current[-2][0],
                      say(N_("delete the spaces, leaving the line empty")), "structure")
            blocks.append(current[:-1])
            return [current[-1]]
        self.fail(say(N_("missing blank line before the timing line %(line)s"),
                      line=repr(text.strip()[:40])), number,
                  say(N_("add an empty line between one cue's text and the next cue")),
                  "missing-blank-line")
        blocks.append(current)
        return []

    def _block(self, block: list[tuple[int, str]]) -> None:
        number, first = block[0]
        keyword = first.split(maxsplit=1)[0] if first.strip() else ""
        if keyword == "NOTE" and "-->" not in first:
            return
        if keyword == "STYLE" and first.strip() == "STYLE":
            if self.seen_cue:
                self.fail(say(N_("a STYLE block after the first cue is ignored by players")),
                          number, say(N_("move it before the first cue, or remove it")))
            styled = [n for n, text in block[1:] if STYLE_CSS.search(text)]
            self.parsed.styled_lines += styled or [number]
            return
        if keyword == "REGION" and first.strip() == "REGION":
            self._region(block)
            return
        self._cue(block)

    def _region(self, block: list[tuple[int, str]]) -> None:
        number = block[0][0]
        if self.seen_cue:
            self.fail(say(N_("a REGION block after the first cue is ignored by players")), number,
                      say(N_("move it before the first cue")))
            return
        try:
            region = Region.from_string(" ".join(text for _, text in block[1:]), strict=True)
        except MalformedCaptionError as exc:
            # webvtt-py's own words, in English.
            self.fail(say(N_("WebVTT region: %(problem)s"), problem=str(exc)), number,
                      say(N_("region settings are id:, width:, lines:, regionanchor:, "
                             "viewportanchor: and scroll:up")))
            return
        if region.id:
            self.regions[region.id] = region

    def _cue(self, block: list[tuple[int, str]]) -> None:
        # Counted with the rejected ones: after a cue with an error, the next is not "cue 1" too.
        self.cue_blocks += 1
        index = self.cue_blocks
        head = 0 if "-->" in block[0][1] else 1
        first = block[0][0]
        if head >= len(block) or "-->" not in block[head][1]:
            # A line that starts with a time but has no "-->" ("->", "- ->", an en dash) is the
            # cue's timing line mistyped, not an identifier followed by a missing timing line.
            typo = next(((n, text) for n, text in block[:2] if TIME_FIRST.match(text)), None)
            if typo:
                self._malformed(index, typo[1], typo[0])
                return
            found = repr(block[0][1].strip()[:40])
            self.fail(say(N_("expected a timing line after %(found)s (is there a blank line "
                             "inside cue %(previous)s's text?)"), found=found, previous=index - 1)
                      if self.parsed.cues else
                      say(N_("expected a timing line after %(found)s"), found=found),
                      block[min(head, len(block) - 1)][0],
                      say(N_("a WebVTT cue is an optional identifier line, a timing line "
                             "(00:00:01.000 --> 00:00:02.500), text lines, then a blank line")),
                      "timing")
            return
        self.seen_cue = True
        number, raw = block[head]
        match = TIMING.match(raw.strip())
        if not match:
            self._malformed(index, raw, number)
            return
        try:
            start = Timestamp.from_string(match.group(1)).in_milliseconds()
            end = Timestamp.from_string(match.group(2)).in_milliseconds()
        except MalformedCaptionError:   # minutes or seconds over 59
            self._malformed(index, raw, number)
            return
        lines = block[head + 1:]
        if lines and all(_spaces(text) for _, text in lines):
            # YouTube's files have them: a cue that shows nothing, not a subtitle to check.
            self.warn(say(N_("cue %(cue)s has only spaces for text: it shows nothing and is left "
                             "out"), cue=index), first, say(N_("delete the cue")), "blank-cue")
            return
        settings = self.settings(match.group(3) or "", number, index)
        text = self._text(lines, index)
        text, margins = placed(text, *self.placement(settings, number, index))
        self.note_unrendered(settings, number)
        self.parsed.cues.append(Cue(index, start, end, text, first, margins))

    def _text(self, lines: list[tuple[int, str]], index: int) -> str:
        out = []
        self.spaces += [number for number, line in lines if _spaces(line)]
        lines = [(number, line) for number, line in lines if not _spaces(line)]
        for number, line in lines:
            pieces = []
            position = 0
            # References are text, decoded after the tags are found (W3C WebVTT, "WebVTT cue
            # text tokenizer"): `&lt;i&gt;` is the three characters <i>, never italics.
            for match in TAG.finditer(line):
                pieces.append(escaped(html.unescape(line[position:match.start()])))
                position = match.end()
                pieces.append(self._tag(match, number, index))
            pieces.append(escaped(html.unescape(line[position:])))
            out.append("".join(pieces).rstrip())
        self.parsed.diagnostics += unbalanced_tags(zip((n for n, _ in lines), out), index,
                                                   self.path)
        return "\n".join(out)

    def _tag(self, match: re.Match, number: int, index: int) -> str:
        closing, name, classes = match.group(1), match.group(2), match.group(3)
        if name in KEPT_TAGS:
            if classes:
                self.parsed.styled_lines.append(number)
            return f"<{closing}{name}>"
        if name in SILENT_TAGS:
            speaker = match.group(0)[1 + len(closing) + len(name) + len(classes):-1].strip()
            if name == "v" and not closing and speaker:
                self.voices.setdefault(speaker, number)
            if name == "c" and classes and not closing:
                self.parsed.styled_lines.append(number)
            return ""
        if re.fullmatch(r"[\d:.]+", name):
            if not self.karaoke or self.karaoke[-1][0] != index:
                self.karaoke.append((index, number))
            return ""
        if name in ("ruby", "rt"):
            what = say(N_("ruby annotations are not supported: the annotation is shown after its "
                          "text"))
        else:
            what = say(N_("<%(tag)s> is not a WebVTT tag: players ignore it, and so does the "
                          "pipeline"), tag=name)
        if (number, str(what)) not in self.tag_warnings:
            self.tag_warnings.add((number, str(what)))
            self.warn(say(N_("cue %(cue)s: %(problem)s"), cue=index, problem=what), number,
                      say(N_("remove the tag")), "tags")
        return ""


def parse_vtt(text: str, path: Path) -> Parsed:
    """Cues and problems of decoded WebVTT text; positions become `{\\anN}` and margins,
    `<c.class>` spans and STYLE blocks are noted as styling the campaign's style replaces."""
    parsed = (reader := _Reader(text, path)).run()
    parsed.found = reader.cue_blocks
    if reader.voices:
        # A speaker's name is for a screen reader or a style: browsers do not draw it, nor does
        # the burn, and the sidecars, written from the cues' text, leave it out (a trial's SDH
        # file lost its <v Narrador> unsaid).
        parsed.diagnostics.append(note(
            say(N_("the speakers of its <v> tags (%(names)s) are kept in no subtitle the pipeline "
                   "makes: players do not show them either"), names=Items(tuple(reader.voices))),
            path, min(reader.voices.values()),
            say(N_("where viewers must read who speaks (SDH), write it in the text: NARRADOR: "
                   "...")), "voices"))
    return parsed


# --- writing ----------------------------------------------------------------------------------

def _percent(fraction: float) -> str:
    return f"{round(min(max(fraction, 0.0), 1.0) * 100, 2):g}%"


def cue_settings(cue: Cue) -> str:
    """The WebVTT cue settings that place `cue` where its `{\\anN}` and margins say, as the
    TTML sidecar's region does (inside the title-safe area, `model.SAFE_MARGIN` of the frame
    from its edges), separated by spaces (W3C WebVTT, "WebVTT cue settings list"); `line:`
    and `position:` take their alignment after a comma (`line:5%,start`)."""
    align = alignment(cue) or (2 if cue.margins else None)
    if align is None:
        return ""
    row, column = place(align)
    margins = cue.margins or Margins()
    settings = []
    if margins.lines and row != "middle":
        # A line number as the file wrote it: players count its lines in their own text size.
        settings.append(f"line:{margins.lines if row == 'top' else -margins.lines}")
    elif row == "top":
        # Inside the title-safe area, as the burn and the TTML regions are (`line:0` is the edge).
        settings.append(f"line:{_percent(max(SAFE_MARGIN, margins.vertical))},start")
    elif row == "middle":
        settings.append(f"line:{_percent(0.5 + margins.vertical)},center")
    elif margins.vertical:
        settings.append(f"line:{_percent(1 - margins.vertical)},end")
    if column != "center":
        # A left or right cue's box where the TTML sidecar puts its region (`imsc.region_box`):
        # from its margin, at least the title-safe one, to the title-safe edge across. Without
        # `position:` WebVTT puts an align:left box at 0 %, on the frame's edge (WebVTT,
        # "computed position"), and its `size:` defaults to the rest of the width.
        near = max(SAFE_MARGIN, margins.left if column == "left" else margins.right)
        anchor = f"{_percent(near)},line-left" if column == "left" else \
            f"{_percent(1 - near)},line-right"
        settings += [f"position:{anchor}", f"size:{_percent(1 - near - SAFE_MARGIN)}",
                     f"align:{column}"]
    return " ".join(settings)


def _vtt_text(text: str) -> str:
    # WebVTT knows <i>, <b>, <u>; any other '<' or '&' would start markup.
    out = []
    for piece, active in styled_runs(text):
        escaped = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for tag in sorted(active):
            escaped = f"<{tag}>{escaped}</{tag}>"
        out.append(escaped)
    return "".join(out)


def write_vtt(cues: Iterable[Cue], path: str | Path) -> None:
    """Write cues as WebVTT (UTF-8, `HH:MM:SS.mmm` times), positions as cue settings."""
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, 1):
        settings = cue_settings(cue)
        timing = f"{format_time(cue.start, '.')} --> {format_time(cue.end, '.')}"
        blocks.append(f"{number}\n{timing}{' ' + settings if settings else ''}\n"
                      f"{_vtt_text(cue.text)}\n")
    write_atomically(Path(path), "\n".join(blocks))
