"""Subtitle sidecars (SubRip, WebVTT, IMSC1 TTML; EBU-TT beside a TV master), each read back
by an independent reader before it is put in place: pysrt for SubRip, webvtt-py for WebVTT,
ttconv (the reference IMSC implementation's converter) for TTML and EBU-TT. A sidecar that does
not read back as the same cues, at the same times and on the same row of the screen, is an
error, not a published file.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

from pipeline.errors import RenderError
from pipeline.files import atomic_output
from pipeline.subtitles.master_clock import MasterClock, cue_frames
from pipeline.subtitles.formats import FORMATS
from pipeline.subtitles.model import Cue, anchored_at, plain_text, row_at, screen_row
from pipeline.subtitles.srt import model_text

SIDECAR_SUFFIXES = ("srt", "vtt", "ttml")

Shown = tuple[int, int, tuple[str, ...], str | None]   # start ms, end ms, lines, row (None: any)


def shown(cue: Cue, positioned: bool = True) -> Shown:
    """What a viewer gets of `cue`: its times, its text lines, and the third of the screen its
    text is anchored in (a bottom cue lifted by a large margin is in the middle third)."""
    lines = tuple(line.strip() for line in plain_text(cue).split("\n"))
    return cue.start, cue.end, lines, screen_row(cue) if positioned else None


def read_back_srt(path: Path) -> list[Shown]:
    # The sidecars' own readers load only when sidecars are written, not on every command's start.
    import pysrt

    # pysrt gives the text as written; SubRip's `<` and `&lt;` are read as the reader reads them.
    return [(item.start.ordinal, item.end.ordinal,
             tuple(line.strip() for line in plain_text(model_text(item.text)).split("\n")), None)
            for item in pysrt.open(str(path), encoding="utf-8")]


def _vtt_row(line: str | None) -> str:
    if not line:
        return "bottom"
    value = line.partition(",")[0]
    if value.endswith("%"):
        return row_at(float(value[:-1]) / 100)[0]
    number = int(value)
    return row_at(anchored_at("bottom" if number < 0 else "top", 0.0, abs(number)))[0]


def read_back_vtt(path: Path) -> list[Shown]:
    import webvtt   # see read_back_srt
    from webvtt.models import Timestamp

    return [(Timestamp.from_string(caption.start).in_milliseconds(),
             Timestamp.from_string(caption.end).in_milliseconds(),
             tuple(html.unescape(line).strip() for line in caption.text.split("\n")),
             _vtt_row(caption.settings.line))
            for caption in webvtt.read(str(path))]


def _ttml_lines(paragraph) -> tuple[str, ...]:
    from ttconv.model import Br, Span, Text

    text: list[str] = []

    def visit(element) -> None:
        for child in element:
            if isinstance(child, Text):
                text.append(child.get_text())
            elif isinstance(child, Br):
                text.append("\n")
            elif isinstance(child, Span):
                visit(child)

    visit(paragraph)
    return tuple(line.strip() for line in "".join(text).split("\n"))


def _ttml_row(region) -> str:
    from ttconv.style_properties import DisplayAlignType, StyleProperties

    origin = region.get_style(StyleProperties.Origin)
    extent = region.get_style(StyleProperties.Extent)
    top, height = origin.y.value / 100, extent.height.value / 100
    display = region.get_style(StyleProperties.DisplayAlign)
    anchor = {DisplayAlignType.before: top, DisplayAlignType.center: top + height / 2,
              DisplayAlignType.after: top + height}[display]
    return row_at(anchor)[0]


def _read_ttconv(path: Path) -> tuple[list[tuple[Fraction, Fraction, tuple[str, ...], str]], str]:
    """(each paragraph's begin and end in exact seconds, lines and row, as ttconv reads the
    document; its language)."""
    # ttconv is imported where a sidecar is read back: it takes a tenth of a second to import,
    # which planning and an up-to-date run need not pay.
    from ttconv.imsc.reader import to_model

    document = to_model(ElementTree.parse(path))
    if document is None:
        return [], ""
    found = []
    for division in document.get_body():
        for paragraph in division:
            # ttconv leaves out a begin of 0 (None).
            found.append((Fraction(paragraph.get_begin() or 0), Fraction(paragraph.get_end()),
                          _ttml_lines(paragraph), _ttml_row(paragraph.get_region())))
    return found, document.get_lang()


def read_back_ttml(path: Path) -> tuple[list[Shown], str]:
    """(what ttconv reads, the document's language)."""
    found, language = _read_ttconv(path)
    return [(round(begin * 1000), round(end * 1000), lines, row)
            for begin, end, lines, row in found], language


def read_back_ebutt(path: Path, clock: MasterClock) -> tuple[list[Shown], str]:
    """(what ttconv reads of an EBU-TT document on `clock`, its times as frames of the
    programme, the document's language). ttconv counts a SMPTE label from 00:00:00:00 (TTML1
    Appendix N.3), knowing nothing of the start of programme: independent of our labels."""
    found, language = _read_ttconv(path)
    return [(round(begin * clock.rate) - clock.start_frames,
             round(end * clock.rate) - clock.start_frames, lines, row)
            for begin, end, lines, row in found], language


def _compare(kind: str, wrote: list[Shown], read: list[Shown], target: Path) -> None:
    if len(wrote) != len(read):
        raise RenderError(f"the {kind} sidecar reads back as {len(read)} cues, not {len(wrote)}",
                          target, hint="this is a bug in the pipeline's writer")
    for number, (mine, theirs) in enumerate(zip(wrote, read), 1):
        if theirs[3] is None:
            mine = mine[:3] + (None,)
        if mine != theirs:
            raise RenderError(f"the {kind} sidecar's cue {number} reads back as {theirs}, "
                              f"not as written {mine}", target,
                              hint="this is a bug in the pipeline's writer")


def write_ebutt(cues: Iterable[Cue], target: Path, language: str, clock: MasterClock, *,
                frame: tuple[int, int], title: str, media: str) -> Path:
    """The EBU-TT Part 1 sidecar of a master on `clock` at `target` (`ebutt.py`), put in place
    only once ttconv reads it back as the same cues on the same frames of the programme, in
    the same rows, in `language`. Raises `RenderError` otherwise."""
    # The document's module is imported here, with lxml: planning and an up-to-date run,
    # which name the sidecar, need neither.
    from pipeline.subtitles.ebutt import ebutt_document

    cues = sorted(cues, key=lambda cue: cue.start)
    wrote = [(*cue_frames(cue, clock), *shown(cue)[2:]) for cue in cues]
    with atomic_output(target) as partial:
        partial.write_bytes(ebutt_document(cues, language, clock, frame=frame, title=title,
                                           media=media))
        read, lang = read_back_ebutt(partial, clock)
        if lang != language:
            raise RenderError(f"the EBU-TT sidecar's language reads back as {lang!r}, "
                              f"not {language!r}", target)
        _compare("EBU-TT", wrote, read, target)
    return target


def write_sidecars(cues: Iterable[Cue], path_for: Callable[[str], Path], language: str,
                   forced: bool = False) -> list[Path]:
    """The `.srt`, `.vtt` and `.ttml` (IMSC1 text, `xml:lang` the BCP 47 tag `language`;
    `forced`: a forced narrative's, `itts:forcedDisplay`, which SubRip and WebVTT have no way
    to say) sidecars at `path_for(suffix)`, each written by the registry's writer of its
    format and put in place only once its independent reader agrees. Raises `RenderError`
    otherwise."""
    cues = list(cues)
    wrote = [shown(cue) for cue in cues]
    written = []
    for suffix in SIDECAR_SUFFIXES:
        fmt, target = FORMATS[suffix], path_for(suffix)
        with atomic_output(target) as partial:
            if suffix == "ttml":
                fmt.write(cues, partial, language=language, forced=forced)
                read, lang = read_back_ttml(partial)
                if lang != language:
                    raise RenderError(f"the TTML sidecar's language reads back as {lang!r}, "
                                      f"not {language!r}", target)
            else:
                fmt.write(cues, partial)
                read = (read_back_srt if suffix == "srt" else read_back_vtt)(partial)
            _compare(fmt.label, wrote, read, target)
        written.append(target)
    return written
