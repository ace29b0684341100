"""Advanced SubStation Alpha (ASS) and SubStation Alpha (SSA): a strict reader, by pysubs2.

pysubs2 reads the script (styles, events, times, italics and bold through `parse_tags`), but
it keeps no line numbers, assumes the standard field order whatever the `Format:` line says,
gives up on the whole file at one bad time, and fills a missing field with a default. So a
first pass of our own walks the lines the way pysubs2 does, reports each of those problems on
its line and blanks the line, and only then hands the script to pysubs2; its events come back
in file order, so the n-th event is the n-th event line we kept.

A cue's text becomes SubRip markup (see `model.py`): `\\N` a line break, `\\h` a no-break space,
`{\\i1}` `<i>`, the alignment (`\\an`, `\\a`, the style's) and `\\pos` a `{\\anN}` and margins.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pysubs2
from pysubs2.formats.substation import (
    EVENT_FORMAT_LINE,
    SECTION_HEADING,
    STYLE_FIELDS,
    STYLE_FORMAT_LINE,
    parse_tags,
)

from pipeline.errors import error, warning
from pipeline.messages import N_, Items, Message, say
from pipeline.subtitles.model import Cue, Margins, Parsed, column_at, escaped, keypad, place, placed

TIME = re.compile(r"\d+:\d{2}:\d{2}\.\d{2}$")   # H:MM:SS.cc, as Aegisub and libass write it
TIME_HINT = say(N_("times are H:MM:SS.cc (centiseconds, two digits), e.g. 0:00:01.50"))
OVERRIDE = re.compile(r"\{([^}]*)\}")
OVERRIDE_TAG = re.compile(r"\\(\d?[a-zA-Z]+)(\([^)]*\)|[^\\]*)")
HANDLED_TAGS = {"i", "b", "u", "r", "p", "an", "a", "pos"}
# Inline colours, transparency and fonts: reported with the file's styles, in one warning.
COLOUR_FONT_TAGS = {"c", "1c", "2c", "3c", "4c", "alpha", "1a", "2a", "3a", "4a", "fn", "fs"}
NUMBER_FIELDS = {"fontsize", "scalex", "scaley", "spacing", "angle", "outline", "shadow",
                 "borderstyle", "alignment", "marginl", "marginr", "marginv", "alphalevel",
                 "encoding", "bold", "italic", "underline", "strikeout"}
EVENT_TYPES = ("Dialogue", "Comment")
UNSUPPORTED_EVENTS = ("Picture", "Sound", "Movie", "Command")


@dataclass(frozen=True)
class FileStyle:
    """A style of the translator's script, for burning it as the file says
    (`style: {from_file: true}`): pysubs2's style and the script's own frame."""

    name: str
    style: pysubs2.SSAStyle
    play_res: tuple[int, int]
    line: int


class _Walker:
    """The first pass: sections, `Format:` lines, field counts, times and style names."""

    def __init__(self, text: str, path: Path, kind: str):
        self.lines = text.split("\n")
        self.path = path
        self.kind = kind                       # "ass" or "ssa"
        self.label = "ASS" if kind == "ass" else "SSA"
        self.parsed = Parsed()
        self.info: dict[str, str] = {}
        self.style_lines: dict[str, int] = {}
        self.damaged_styles: dict[str, int] = {}     # the lines of styles with an error
        self.event_lines: list[int] = []       # 1-based, in order, of the events pysubs2 reads
        self.dropped: set[int] = set()         # lines blanked after they were listed
        self.event_styles: list[tuple[int, str]] = []
        self.dialogues = 0                     # Dialogue: lines, read or not
        # Each Dialogue: line's place among them: its cue's number, as WebVTT and TTML cues
        # are numbered by their place, kept or not.
        self.places: dict[int, int] = {}

    def fail(self, message: str | Message, number: int, hint: str | Message | None = None,
             code: str = "structure"):
        self.parsed.diagnostics.append(error(message, self.path, number, hint, code))
        self.lines[number - 1] = ""            # pysubs2 never sees it
        self.dropped.add(number)

    def run(self) -> str:
        section = None
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if SECTION_HEADING.match(line):
                section = line.lstrip("\ufeff").lower()
                continue
            if not line or line.startswith(";") or line.startswith("!:"):
                continue
            if section is None:
                self.fail(say(N_("%(line)s is outside any section of this %(format)s script"),
                              line=repr(line[:40]), format=self.label),
                          number, say(N_("a script starts with [Script Info]")))
            elif section == "[script info]":
                key, colon, value = line.partition(":")
                if colon:
                    self.info[key.strip()] = value.strip()
            elif section in ("[v4+ styles]", "[v4 styles]"):
                self._style(line, number)
            elif section == "[events]":
                self._event(line, number)
        for number, name in self.event_styles:
            if name in self.style_lines or name.lstrip("*") in self.style_lines:
                continue
            damaged = self.damaged_styles.get(name, self.damaged_styles.get(name.lstrip("*")))
            if damaged is not None:
                # Defined, on a line with an error of its own: that line is what to fix.
                self.fail(say(N_("style %(style)s cannot be read: its line, %(line)s, has an "
                                 "error"), style=repr(name), line=damaged), number,
                          say(N_("fix the style's line (its error says how)")), "style")
            else:
                self.fail(say(N_("style %(style)s is not defined in the styles section"),
                              style=repr(name)), number,
                          say(N_("define it, or use one of: %(styles)s"),
                              styles=Items(tuple(self.style_lines), choice=True))
                          if self.style_lines else
                          # A trial's two styles, each with an error, were said "none".
                          say(N_("define it, or fix one of the styles that cannot be read: "
                                 "%(styles)s"), styles=Items(tuple(self.damaged_styles)))
                          if self.damaged_styles else
                          say(N_("define it, or use one of: none")), "style")
        return "\n".join(self.lines)

    def _format(self, line: str, number: int, expected: str) -> None:
        fields = [f.strip().lower() for f in line.partition(":")[2].split(",")]
        wanted = [f.strip().lower() for f in expected.partition(":")[2].split(",")]
        if fields != wanted:
            self.fail(say(N_("this %(format)s script's Format line lists other fields than the "
                             "standard ones"), format=self.label), number,
                      say(N_("use %(line)s"), line=repr(expected)), "format-line")

    def _style(self, line: str, number: int) -> None:
        if line.startswith("Format:"):
            self._format(line, number, STYLE_FORMAT_LINE[self.kind])
            return
        if not line.startswith("Style:"):
            self.fail(say(N_("expected a Style: line, found %(found)s"), found=repr(line[:40])),
                      number)
            return
        values = line.partition(":")[2].strip().split(",")
        names = ["name", *STYLE_FIELDS[self.kind]]
        if values[0].strip():
            self.damaged_styles[values[0].strip()] = number     # until it is read whole
        if len(values) != len(names):
            self.fail(say(N_("this style has %(count)s fields; %(format)s styles have "
                             "%(expected)s"), count=len(values), format=self.label,
                          expected=len(names)), number,
                      say(N_("check for a missing or extra comma")), "style")
            return
        for name, value in zip(names, values):
            if name in NUMBER_FIELDS and not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
                self.fail(say(N_("style %(style)s: %(field)s must be a number, not %(value)s"),
                              style=repr(values[0]), field=name, value=repr(value)), number,
                          say(N_("write it in digits, as 48 or 1.5")), "style")
                return
        alignment = int(values[names.index("alignment")])
        valid = range(1, 10) if self.kind == "ass" else pysubs2.common.SSA_ALIGNMENT
        if alignment not in valid:
            self.fail(say(N_("style %(style)s: alignment %(alignment)s is not a valid %(format)s "
                             "alignment"), style=repr(values[0]), alignment=alignment,
                          format=self.label), number,
                      say(N_("use one of %(values)s (2: bottom centre)"),
                          values=Items(tuple(map(str, valid)), ", ", " or ", choice=True)), "style")
            return
        self.style_lines[values[0]] = number
        self.damaged_styles.pop(values[0].strip(), None)

    def _event(self, line: str, number: int) -> None:
        kind, colon, rest = line.partition(":")
        if line.startswith("Format:"):
            self._format(line, number, EVENT_FORMAT_LINE[self.kind])
            return
        if kind in UNSUPPORTED_EVENTS:
            self.parsed.diagnostics.append(warning(
                say(N_("%(kind)s events are not supported and are left out"), kind=kind),
                self.path, number,
                say(N_("remove the line")), "event"))
            self.lines[number - 1] = ""
            return
        if kind not in EVENT_TYPES or not colon:
            self.fail(say(N_("expected a Dialogue: line, found %(found)s"),
                          found=repr(line[:40])), number)
            return
        if kind == "Dialogue":
            self.dialogues += 1
            self.places[number] = self.dialogues
        fields = rest.strip().split(",", 9)
        if len(fields) != 10:
            self.fail(say(N_("this %(kind)s line has %(count)s fields before its text; it needs "
                             "10"), kind=kind, count=len(fields)),
                      number, say(N_("check for a missing comma")), "structure")
            return
        start, end = fields[1].strip(), fields[2].strip()
        if not TIME.match(start) or not TIME.match(end):
            # The time to fix alone, when the other is right.
            template = (N_("malformed start time in this %(kind)s line: %(start)s")
                        if TIME.match(end) else
                        N_("malformed end time in this %(kind)s line: %(end)s")
                        if TIME.match(start) else
                        N_("malformed time in this %(kind)s line: %(start)s, %(end)s"))
            self.fail(say(template, kind=kind, start=repr(start), end=repr(end)), number,
                      TIME_HINT, "timing")
            return
        self.event_lines.append(number)
        if kind == "Dialogue":
            self.event_styles.append((number, fields[3].strip()))


def _play_res(info: dict[str, str]) -> tuple[int, int]:
    """The script's frame (PlayResX, PlayResY), defaulted as libass does (384x288, or one from
    the other at 4:3)."""
    def number(key: str) -> int:
        try:
            return max(0, int(info.get(key, "0")))
        except ValueError:
            return 0
    x, y = number("PlayResX"), number("PlayResY")
    if not x and not y:
        return 384, 288
    if not y:
        return x, 1024 if x == 1280 else round(x * 3 / 4)
    if not x:
        return 1280 if y == 1024 else round(y * 4 / 3), y
    return x, y


class _Converter:
    """One event's text, style, alignment and margins as a `Cue`."""

    def __init__(self, walker: _Walker, subs: pysubs2.SSAFile):
        self.walker = walker
        self.subs = subs
        self.play_res = _play_res(walker.info)
        self.hard_breaks = walker.info.get("WrapStyle", "").strip() == "2"
        self.used_styles: set[str] = set()
        self.inline_style_lines: set[int] = set()

    def warn(self, message: str | Message, number: int, code: str = "tags") -> None:
        self.walker.parsed.diagnostics.append(warning(message, self.walker.path, number,
                                                      say(N_("remove the tags")), code))

    def cue(self, index: int, event: pysubs2.SSAEvent, number: int) -> Cue | None:
        """The event as a cue; None for a drawing (reported)."""
        style = self.subs.styles.get(event.style) or self.subs.styles.get(event.style.lstrip("*"))
        style = style or pysubs2.SSAStyle()
        self.used_styles.add(event.style)
        # libass honours the first \\an or \\a of an event and the first \\pos, not the last.
        tag_align, position, others = None, None, []
        for block in OVERRIDE.findall(event.text):
            for name, argument in OVERRIDE_TAG.findall(block):
                name, argument = name.lower(), argument.strip()
                # \fn and \r take a name, which the tag pattern reads as part of the tag's.
                for prefix in ("fn", "r"):
                    if name.startswith(prefix) and name != prefix:
                        name, argument = prefix, name[len(prefix):] + argument
                if name == "an" and tag_align is None and argument in tuple("123456789"):
                    tag_align = int(argument)
                elif name == "a" and tag_align is None and argument.isdigit() \
                        and int(argument) in pysubs2.common.SSA_ALIGNMENT:
                    tag_align = pysubs2.Alignment.from_ssa_alignment(int(argument)).value
                elif name == "pos" and position is None:
                    position = _numbers(argument)
                elif name == "move":
                    position = position or _numbers(argument)[:2]
                    others.append(name)
                elif name == "s":
                    others.append("s (strikeout)")
                elif name in COLOUR_FONT_TAGS:
                    self.inline_style_lines.add(number)
                elif name not in HANDLED_TAGS:
                    others.append(name)
        align = tag_align or style.alignment.value
        if others:
            listed = Items(tuple(f"\\{tag}" for tag in dict.fromkeys(others)))
            self.warn(say(N_("cue %(cue)s: the override tags %(tags)s are not supported and are "
                             "left out"), cue=index, tags=listed), number)
        text = self._text(event.text, style, index, number)
        if text is None:
            return None
        align, margins = self._placement(event, style, align, position)
        text, margins = placed(text, align, margins)
        return Cue(index, event.start, event.end, text, number, margins, event.style)

    def _text(self, text: str, style: pysubs2.SSAStyle, index: int, number: int) -> str | None:
        out, active = [], set()
        for fragment, computed in parse_tags(text, style, self.subs.styles):
            if computed.drawing:
                self.walker.parsed.diagnostics.append(error(
                    say(N_("cue %(cue)s draws a shape (\\p drawing mode): it cannot be burned as "
                           "text"), cue=index),
                    self.walker.path, number, say(N_("remove the drawing")), "tags"))
                return None
            wanted = {tag for tag, on in (("i", computed.italic), ("b", computed.bold),
                                          ("u", computed.underline)) if on}
            out += [f"</{tag}>" for tag in sorted(active - wanted)]
            out += [f"<{tag}>" for tag in sorted(wanted - active)]
            active = wanted
            # A `<` in an event's text is text to libass: escaped, never read as a SubRip tag.
            out.append(escaped(fragment.replace("\\N", "\n").replace("\\h", "\u00a0")
                               .replace("\\n", "\n" if self.hard_breaks else " ")))
        out += [f"</{tag}>" for tag in sorted(active)]
        return "\n".join(line.strip() for line in "".join(out).split("\n"))

    def _placement(self, event: pysubs2.SSAEvent, style: pysubs2.SSAStyle, align: int,
                   position: list[float] | None) -> tuple[int, Margins]:
        """The keypad alignment and margins of the event: its style's and its own margins, or
        where its `\\pos` anchors it."""
        width, height = self.play_res
        row, column = place(align)
        if position and len(position) >= 2:
            x, y = position[0] / width, position[1] / height
            vertical = {"top": y, "middle": y - 0.5, "bottom": 1 - y}[row]
            if column == "center":
                # Centred on x, which margins cannot say: the text's width decides where its
                # edges fall, and margins only narrow the width it may take. Left at the centre,
                # \pos(200,900) on a 1920 px frame was drawn in the middle; the nearest column
                # keeps it on its side of the frame, as WebVTT's `position` is read.
                return keypad(row, column_at(x)), Margins(0.0, 0.0, vertical)
            return align, Margins(x if column == "left" else 0.0,
                                  1 - x if column == "right" else 0.0, vertical)
        left = (event.marginl or style.marginl) / width
        right = (event.marginr or style.marginr) / width
        vertical = (event.marginv or style.marginv) / height if row != "middle" else 0.0
        return align, Margins(left, right, vertical)


def _numbers(argument: str) -> list[float]:
    try:
        return [float(v) for v in argument.strip("()").split(",")]
    except ValueError:
        return []


def _parse(text: str, path: Path, kind: str) -> Parsed:
    walker = _Walker(text, path, kind)
    cleaned = walker.run()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # every case it warns about was reported above
        subs = pysubs2.SSAFile.from_string(cleaned, format_=kind)
    converter = _Converter(walker, subs)
    parsed = walker.parsed
    kept = [number for number in walker.event_lines if number not in walker.dropped]
    for event, number in zip(subs.events, kept):
        if event.is_comment:
            continue
        # Numbered by its Dialogue: line's place: counted among those kept, a cue after a
        # rejected line had the number the rejected line's error gave it.
        cue = converter.cue(walker.places[number], event, number)
        if cue is not None:
            parsed.cues.append(cue)
    used = {walker.style_lines[name] for name in converter.used_styles if name in walker.style_lines}
    parsed.styled_lines += sorted(used)
    parsed.inline_style_lines += sorted(converter.inline_style_lines)
    parsed.found = walker.dialogues
    parsed.styles = {name: FileStyle(name, style, converter.play_res, walker.style_lines.get(name, 0))
                     for name, style in subs.styles.items()}
    return parsed


def parse_ass(text: str, path: Path) -> Parsed:
    """Cues and problems of a decoded ASS script."""
    return _parse(text, path, "ass")


def parse_ssa(text: str, path: Path) -> Parsed:
    """Cues and problems of a decoded SSA (v4) script."""
    return _parse(text, path, "ssa")
