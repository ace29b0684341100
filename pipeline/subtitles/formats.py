"""The subtitle formats, behind one registry (as pysubs2's `formats/`): which one a file is,
reading it strictly into `Cue`s, writing cues out.

A file's format is told by its content, not trusted from its name: a WebVTT file saved as
`nah.srt` is read as WebVTT and reported as such. The name decides only when the content
does not say (an empty file, or text that is no known format yet). Text with nothing of any
format (no timing line, no cue number, no ASS event: a script, notes, a README) is said once to
be no subtitle file, not read as SubRip into an error per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pipeline.errors import Diagnostic, error, warning
from pipeline.files import rename_hint
from pipeline.messages import N_, Items, Message, say
from pipeline.subtitles.checks import _check_cues, in_time_order
from pipeline.subtitles.encoding import load_text
from pipeline.subtitles.file_times import in_file_syntax
from pipeline.subtitles.master_timecode import past_end_hint, read_from_master
from pipeline.subtitles.mojibake import double_decoded
from pipeline.subtitles.model import Parsed, SubtitleFile, line_list
from pipeline.subtitles.normalise import composed_cues
from pipeline.subtitles.programme_start import read_from_programme_start

if TYPE_CHECKING:     # the manifest's model reads this module's SUFFIXES
    from pipeline.manifest.settings import Style


@dataclass(frozen=True)
class Format:
    name: str
    label: str                       # what messages call it
    suffixes: tuple[str, ...]        # the first is the one files of this format should have
    reader: str                      # "module:function" in pipeline.subtitles: (text, path)
    cue_hint: Message                # what a cue looks like, for a file without any
    writer: str | None = None        # "module:function": (cues, path, **options), for sidecars.py

    # A format's module, and the library it reads with (pysubs2, webvtt-py, lxml), is imported
    # when a file of it is read or written: together they are 0.1 s of every command's start,
    # a campaign of SubRip files' too.
    @property
    def parse(self) -> Callable[[str, Path], Parsed]:
        return _function(self.reader)

    @property
    def write(self) -> Callable[..., None] | None:
        return _function(self.writer) if self.writer else None


def _function(name: str) -> Callable:
    module, function = name.split(":")
    return getattr(import_module(f"pipeline.subtitles.{module}"), function)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("srt", "SubRip", (".srt",), "srt:parse_srt",
           say(N_("an SRT cue is a number, a timing line, text, then a blank line")),
           "srt:write_srt"),
    Format("vtt", "WebVTT", (".vtt",), "vtt:parse_vtt",
           say(N_("a WebVTT file starts with WEBVTT; each cue is a timing line "
                  "(00:00:01.000 --> 00:00:02.500), text, then a blank line")), "vtt:write_vtt"),
    Format("ass", "ASS", (".ass",), "ssa:parse_ass",
           say(N_("each subtitle is a Dialogue: line in the [Events] section"))),
    Format("ssa", "SSA", (".ssa",), "ssa:parse_ssa",
           say(N_("each subtitle is a Dialogue: line in the [Events] section"))),
    Format("ttml", "TTML", (".ttml", ".xml", ".dfxp"), "ttml:parse_ttml",
           say(N_("each subtitle is a <p> element with begin and end times inside <body>")),
           "imsc:write_ttml"),
)}

SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS.values() for s in f.suffixes)
# The hint of a file whose name does not say its format (`renamed` gives the name).

# A name no subtitles folder is searched for (`watch`, `Manifest.subtitle_path`).
NOT_PICKED_UP = N_("the pipeline picks up only %(suffixes)s files from a subtitles folder, not "
                   "%(name)s")

# Checked against the decoded text's first characters (and, for ASS, its section names).
_WEBVTT = re.compile(r"WEBVTT(?:[ \t\n]|$)")
_SRT_START = re.compile(r"\d+[ \t]*\n[ \t]*\d+:\d{2}:\d{2},\d{3}[ \t]*-->|\d+:\d{2}:\d{2},\d{3}[ \t]*-->")
_SSA_SECTION = re.compile(r"^\s*\[(Script Info|V4\+? Styles|Events)\]", re.IGNORECASE | re.MULTILINE)
# What a file of any of these formats has, however loosely typed, and a script, notes or a
# README have not: a line starting with a time (SubRip's and WebVTT's timing lines: H:MM:SS,
# or MM:SS.mmm), a SubRip cue's number alone on its line, or an ASS event.
_CUE_LIKE = re.compile(r"^[ \t]*(?:\d+:\d{2}:\d{2}|\d+:\d{2}[.,]\d+|\d+[ \t]*$|Dialogue[ \t]*:)",
                       re.IGNORECASE | re.MULTILINE)


# Subtitle and caption formats of broadcast and of old players that are not read here, by the
# sign each file starts with: named, so the translator or the station exports the right thing
# (read as SubRip, an SCC file was "rename it to .srt", which converts nothing).
FOREIGN = (
    (re.compile(r"Scenarist_SCC"), say(N_("a Scenarist SCC file (CEA-608 closed captions)"))),
    (re.compile(r"...STL\d\d\.01"), say(N_("an EBU STL file (EBU Tech 3264)"))),
    (re.compile(r"\{\d+\}\{\d+\}"), say(N_("a MicroDVD file (times counted in frames)"))),
    # YouTube's other caption download (Studio's "Download" as .sbv): "0:00:01.000,0:00:03.000"
    # then the text, no cue numbers. A trial's was read as SubRip and told to be renamed .srt.
    (re.compile(r"\d{1,2}:\d\d:\d\d\.\d{3},\d{1,2}:\d\d:\d\d\.\d{3}\s*$", re.M),
     say(N_("a YouTube SBV file (SubViewer)"))),
    (re.compile(r"\[INFORMATION\]"), say(N_("a SubViewer 2.0 file"))),
    # Text, so not told by the binary document check (encoding.py): WordPad's and Word's RTF.
    (re.compile(r"\{\\rtf"), say(N_("a rich-text document (RTF, from WordPad or Word)"))),
)


def _labels() -> Items:
    """The formats read here, as a message lists them ("SubRip, WebVTT, ASS, SSA or TTML")."""
    return Items(tuple(dict.fromkeys(f.label for f in FORMATS.values())), ", ", " or ")


def _head(path: Path) -> str:
    """The file's first bytes, one character each (latin-1 decodes any byte)."""
    with open(path, "rb") as file:
        return file.read(64).decode("latin-1")


def foreign_format_of(path: Path) -> Message | None:
    """What the file at `path` is when it is a subtitle format not read here, else None (also
    when it cannot be read: the reader says why)."""
    try:
        return foreign_format(_head(path))
    except OSError:
        return None


def content_format_of(path: Path) -> Format | None:
    """The format read here that the file at `path` starts as, from its content alone (never
    TTML: any XML starts alike), or None: what a file saved under another name holds."""
    try:
        with open(path, "rb") as file:
            head = file.read(512)
    except OSError:
        return None
    # As Notepad saves it: UTF-8 (a BOM, perhaps) and CRLF line ends.
    text = head.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    found = sniff(text)
    return FORMATS[found] if found not in (None, "ttml") else None


def _rename(path: Path, fmt: Format) -> Message:
    """The hint to name `path` `renamed(path, fmt)`, or to move out the file of that name
    beside it first (`nah.srt.txt` beside `nah.srt`, the file read)."""
    name = renamed(path, fmt)
    taken = name.lower() != path.name.lower() and (path.parent / name).exists()
    return rename_hint(name, name if taken else None)


def renamed(path: Path, fmt: Format) -> str:
    """The name `path` should have to be read as `fmt`: `nah.srt` for `nah.txt`, and for
    `nah.srt.txt` (Notepad's "Text Documents" adds `.txt`; Windows hides it) too."""
    stem = Path(path.stem)
    base = stem.stem if stem.suffix.lower() in SUFFIXES else path.stem
    return f"{base}{fmt.suffixes[0]}"


def foreign_format(text: str) -> Message | None:
    """What `text` is when it starts as a subtitle format not read here (`FOREIGN`), or None."""
    head = text.lstrip(" \t\n\ufeff")[:64]
    return next((name for sign, name in FOREIGN if sign.match(head)), None)


def sniff(text: str) -> str | None:
    """The format `text` (decoded) is written in, or None when its first lines do not say.

    Only certain signs count: a `WEBVTT` first line, XML, ASS/SSA section headings, or an SRT
    cue with a comma before its milliseconds. A timing line with a dot could be SRT written
    loosely or WebVTT without its header: the file's name decides that one.
    """
    head = text.lstrip(" \t\n\ufeff")[:8192]
    if _WEBVTT.match(head):
        return "vtt"
    if head.startswith("<"):
        return "ttml"   # any XML: the TTML reader says so when it is XML of another kind
    sections = {m.lower() for m in _SSA_SECTION.findall(head)}
    if sections:
        return "ssa" if "v4 styles" in sections and "v4+ styles" not in sections else "ass"
    if _SRT_START.match(head):
        return "srt"
    return None


def format_of_name(path: Path) -> Format | None:
    suffix = path.suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)


def read_subtitles(path: str | Path, *, duration: float | None = None, fps: float | None = None,
                   style: Style | None = None, burned: bool = True,
                   timecode: str | None = None, language: str | None = None) -> SubtitleFile:
    """Read and check a subtitle file of any known format; content problems become
    diagnostics (each with its line), never exceptions. The cues' text is in Unicode NFC
    whatever form the file uses; the file is only read.

    `duration` is the master's length in seconds: cues beyond it are reported; `fps` its frame
    rate: overlaps are judged on the frames the cues are shown on (`checks.py`), or on those of
    the rate the file says it is timed at (a TTML file's ttp:frameRate) when `fps` is not given
    (`file_check.check_file` counts gaps at it too). Colours and fonts in the file (those that
    differ from the campaign's `style`, when given) are reported in one warning, unless
    `style.from_file` (the language's `style: {from_file: true}`); `burned` false: the cues go
    to a selectable track, which the viewer's player draws in its own style. `timecode` is the
    master's own start timecode (`MediaInfo.timecode`, at `fps`): a file timed to it is read
    from there, with a note (`master_timecode.py`); a TTML file in media time timed from the
    start of programme it gives is read from that start (`programme_start.py`). `language`
    is the file's, when given otherwise than by its name (`check --lang`): a recording given
    here is told to take its name. Raises `SubtitleError` only when the file cannot be opened.
    """
    path = Path(path)
    text, encoding, diagnostics = load_text(path, language)
    named = format_of_name(path)
    # An EBU STL file is binary past its first bytes: its sign is read from them.
    foreign = foreign_format(text if text is not None else _head(path))
    if foreign is not None:
        diagnostics = [d for d in diagnostics if d.code != "encoding"]
        labels = _labels()
        return SubtitleFile(path, (), (*diagnostics, error(
            say(N_("this is %(format)s, a format not read here (%(formats)s are)"),
                format=foreign, formats=labels), path, 1,
            say(N_("export the subtitles from the subtitle editor (Subtitle Edit, Aegisub, the "
                   "caption software) as SubRip (.srt), WebVTT or TTML")), "format")),
            encoding, None)
    if text is None:     # a .docx or a video is no SubRip file for having no other name
        return SubtitleFile(path, (), tuple(diagnostics), encoding, named and named.name)
    found = sniff(text)
    if found is None and text.strip() and not _CUE_LIKE.search(text):
        # A script, notes, a README: once, not an error per paragraph of what the name's
        # format (or SubRip) would have read.
        labels = _labels()
        return SubtitleFile(path, (), (*diagnostics, error(
            say(N_("this is not a subtitle file: it is in none of the formats read here "
                   "(%(formats)s); no line of it gives a cue's times"), formats=labels),
            path, None,
            say(N_("subtitles give each text the times it is shown, as 00:00:01,500 --> "
                   "00:00:03,000: save them from a subtitle editor (Subtitle Edit, Aegisub) in "
                   "one of those formats")), "not-subtitles")), encoding, None)
    fmt = FORMATS[found] if found else named or FORMATS["srt"]
    if named is not None and fmt.name != named.name and not {fmt.name, named.name} <= {"ass", "ssa"}:
        diagnostics.append(warning(
            say(N_("this is a %(format)s file, but its name ends in %(suffix)s: it is read as "
                   "%(format)s"), format=fmt.label, suffix=path.suffix),
            path, 1, _rename(path, fmt), "format"))
    elif named is None:
        # `check` reads any name, but a campaign's subtitles folder is searched by extension
        # (`manifest.Manifest.subtitle_path`, `watch`): a translator's `nah.txt` is never used.
        diagnostics.append(warning(
            say(NOT_PICKED_UP, suffixes=Items(SUFFIXES, ", ", " and "), name=path.name),
            path, 1, _rename(path, fmt), "format"))
    parsed = fmt.parse(text, path)
    # From here on, text is NFC: the one place it is normalised (see subtitles/normalise.py).
    parsed.cues, mixed_forms = composed_cues(parsed.cues, path)
    diagnostics += parsed.diagnostics + mixed_forms + double_decoded(parsed.cues, path)
    # Said only when the reader said nothing wrong: its errors say why no cue was read (a
    # WebVTT file timed with SubRip's commas was told "no cues" besides each cue's error).
    if not parsed.cues and not any(d.severity == "error" for d in parsed.diagnostics):
        blank = not text.strip()
        message = say(N_("the file is empty: it has no text")) if blank \
            else say(N_("the file contains no cues"))
        diagnostics.append(error(message, path, 1 if blank else None, fmt.cue_hint, "empty"))
    asked = style is not None and style.from_file
    kept = asked and fmt.name in ("ass", "ssa")
    # An ASS style in the campaign's font and colours loses nothing (Aegisub writes a style
    # into every file: the demo's, Noto Sans in white, was warned of).
    replaced = [] if kept else [line for line in parsed.styled_lines
                                if not _looks_as(parsed.styles, line, style)]
    dropped = parsed.inline_style_lines + replaced
    if dropped:
        diagnostics.append(style_warning(path, dropped, fmt, asked, burned))
    # The file's own start of programme first; the master's timecode where it reads none.
    moved, unread = read_from_programme_start(parsed, path, fps, duration)
    diagnostics += unread
    if moved is None:
        moved = read_from_master(parsed, path, timecode, fps, duration)
    origin = Fraction(0)
    if moved is not None:
        parsed.cues, origin, told = moved
        # The master's start is the start of programme the file did not give (a SMPTE file's).
        diagnostics = [d for d in diagnostics if d is not parsed.start_missing] + [told]
    rate = fps or (float(parsed.frame_rate) if parsed.frame_rate else None)
    parsed.cues, unordered = in_time_order(parsed.cues, path, fmt.name)
    checked = _check_cues(parsed.cues, path, duration, rate, fmt.name)
    if moved is None:    # its cues past the video's end may be timed to the master's timecode
        checked = past_end_hint(checked, parsed, timecode, fps, duration)
    diagnostics += in_file_syntax(unordered + checked, fmt.name, origin, parsed.notation)
    diagnostics.sort(key=lambda d: d.line or 0)
    return SubtitleFile(path, tuple(parsed.cues), tuple(diagnostics), encoding, fmt.name,
                        tuple(parsed.styled_lines), parsed.styles,
                        max(parsed.found or 0, len(parsed.cues)), parsed.notation,
                        parsed.frame_rate, origin)


def _looks_as(styles: dict, line: int, style: Style | None) -> bool:
    """Whether the ASS/SSA style defined at `line` (of `styles`, `Parsed.styles`) draws as the
    campaign's `style`: its font family, fill and outline colours (opaque), bold and italic."""
    found = next((s.style for s in styles.values() if s.line == line), None)
    if found is None or style is None:
        return False

    def rgb(colour) -> str:
        return f"#{colour.r:02X}{colour.g:02X}{colour.b:02X}" if colour.a == 0 else ""

    return (found.fontname.casefold() == style.font.casefold()
            and rgb(found.primarycolor) == style.color.upper()
            and rgb(found.outlinecolor) == style.outline_color.upper()
            and bool(found.bold) == style.bold and not found.italic)


def style_warning(path: Path, lines: list[int], fmt: Format, asked: bool = False,
                  burned: bool = True) -> Diagnostic:
    """The one warning that the file's colours and fonts give way to the campaign's style (or,
    for ASS/SSA burned with its own styles, that its inline colour and font tags are dropped;
    or, not `burned`, to the player's)."""
    distinct = sorted(set(lines))

    def listing(message: Message) -> Message:
        # The warning's own line is its prefix's (`PATH:7:`): lines are listed only when there
        # are others, not "(line 7)" again.
        return message if len(distinct) == 1 else \
            say(N_("%(problem)s (%(lines)s)"), problem=message, lines=line_list(distinct))

    if not burned:
        # `from_file` cannot help here: a selectable track carries text and places, no styles.
        message = say(N_("the colours and fonts of this %(format)s file are not used: a "
                         "selectable subtitle track is drawn in the viewer's player's style"),
                      format=fmt.label)
        return warning(listing(message), path, min(lines),
                       say(N_("only an ASS or SSA file burned with `style: {from_file: "
                              "true}` keeps its styles; where a colour says who speaks, "
                              "write the speaker's name in the text")), "style")
    if asked and fmt.name in ("ass", "ssa"):
        message = say(N_("the inline colour and font tags of this %(format)s file are not "
                         "used: only its styles are burned"), format=fmt.label)
        return warning(listing(message), path, min(lines),
                       say(N_("set colours and fonts in the file's styles")), "style")
    if fmt.name in ("ass", "ssa"):
        hint = say(N_("to burn the file's own styles, set `style: {from_file: true}` for this "
                      "language in the manifest"))
    elif asked:
        hint = say(N_("`style: {from_file: true}` keeps the styles of ASS/SSA files only"))
    else:
        hint = say(N_("colours and fonts come from the campaign's manifest; remove them from "
                      "the file"))
    message = say(N_("the colours and fonts of this %(format)s file are not used: subtitles "
                     "take the campaign's style"), format=fmt.label)
    return warning(listing(message), path, min(lines), hint, "style")
