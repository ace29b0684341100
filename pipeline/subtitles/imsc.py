"""TTML written as an IMSC1 text profile document (W3C IMSC 1.0.1), whose players are
broadcasters' and streaming platforms'; positions become regions inside the title-safe area
(`sidecars.py` reads every document back through ttconv)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from lxml import etree

from pipeline.files import write_atomically
from pipeline.subtitles.model import (
    LINE_STEP,
    SAFE_MARGIN,
    Cue,
    Margins,
    alignment,
    anchored_at,
    format_time,
    place,
)
from pipeline.subtitles.markup import styled_runs
from pipeline.subtitles.ttml import IMSC1_TEXT, TT_NAMESPACES, XML

TT = "{%s}" % TT_NAMESPACES[0]
TTS = "{%s#styling}" % TT_NAMESPACES[0]
TTP = "{%s#parameter}" % TT_NAMESPACES[0]
ITTS = "http://www.w3.org/ns/ttml/profile/imsc1#styling"
NSMAP = {None: TT_NAMESPACES[0], "tts": TT_NAMESPACES[0] + "#styling",
         "ttp": TT_NAMESPACES[0] + "#parameter"}
TEXT_ALIGN = {"left": "left", "center": "center", "right": "right"}
DISPLAY_ALIGN = {"top": "before", "middle": "center", "bottom": "after"}


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 3):g}%"


# The text's size as the document leaves it: tts:fontSize 100% of the initial 1c, a cell being
# 1/15 of the height (the initial ttp:cellResolution "32 15", TTML1 7.2.1), and the base style's
# tts:lineHeight 125%. ttconv computes the same: fontSize 6.667rh, lineHeight 8.333rh.
CELL_ROWS = 15
LINE_HEIGHT = LINE_STEP             # 1.25 / CELL_ROWS of the frame's height per line of text
# Lines a region holds: the two the QC allows (`QcSettings.max_lines`, Netflix TTSG), and one
# more for a line the player wraps: 42 characters at 1c are 1,500-1,650 px of the 1,728 px a
# 90 % wide region has on a 1080p frame in Noto Sans or DejaVu Sans, and wide glyphs wrap.
LINES_HELD = 3                     # 25 % of the frame: a third of the title-safe height
                                   # (30 %) holds it, with gaps between rows


def region_box(align: int | None, margins: Margins | None, lines: int = LINES_HELD) -> dict[str, str]:
    """`tts:` attributes of the region that puts text where `align` and `margins` say, inside
    the title-safe area: `LINES_HELD` lines tall, its edge the text is aligned to where the
    cue is anchored (the top or bottom of the title-safe area, or the cue's margin from the
    frame's edge; a middle cue is centred).

    IMSC 1.0.1 (W3C Recommendation, 24 April 2018), section "Dimensions and Position"
    (https://www.w3.org/TR/ttml-imsc1.0.1/#region-dim-pos): "No two presented regions in a
    given intermediate synchronic document SHALL overlap, i.e. the intersection of the sets of
    coordinates within each presented region is empty." Cues of different rows may be shown at
    once (a sign at the top over the dialogue at the bottom), so a region is no taller than
    its text may be: the top, middle and bottom regions of the title-safe area are then 7.5 %
    of the height apart. Cues the file lifted by margins overlap only where their texts of
    `LINES_HELD` lines would, less than 25 % of the height apart.

    `lines`: the most lines a cue of the region has, when more than `LINES_HELD`: the region
    grows to hold them (at most the title-safe height), since a region clips what overflows it
    (tts:overflow "hidden") and a line lost is worse than regions that may touch."""
    height = min(max(LINES_HELD, lines) * LINE_HEIGHT, 1 - 2 * SAFE_MARGIN)
    row, column = place(align or 2)
    margins = margins or Margins()
    left = max(SAFE_MARGIN, margins.left) if column == "left" else SAFE_MARGIN
    right = max(SAFE_MARGIN, margins.right) if column == "right" else SAFE_MARGIN
    # Where the text's edge is anchored (a line number counted in this document's lines);
    # the region is kept inside title-safe.
    at = anchored_at(row, margins.vertical, margins.lines)
    if row == "top":
        top = min(max(SAFE_MARGIN, at), 1 - SAFE_MARGIN - height)
    elif row == "bottom":
        top = max(min(1 - SAFE_MARGIN, at), SAFE_MARGIN + height) - height
    else:   # centred, or moved by the cue's offset (model.Margins)
        top = min(max(SAFE_MARGIN, at - height / 2), 1 - SAFE_MARGIN - height)
    return {"origin": f"{_percent(left)} {_percent(top)}",
            "extent": f"{_percent(1 - left - right)} {_percent(height)}",
            "displayAlign": DISPLAY_ALIGN[row], "textAlign": TEXT_ALIGN[column]}


def _clock(ms: int) -> str:
    return format_time(ms, ".")


def ttml_document(cues: Iterable[Cue], language: str, forced: bool = False) -> bytes:
    """An IMSC1 text profile document of `cues`, `xml:lang` the BCP 47 tag `language`; with
    `forced`, its body `itts:forcedDisplay="true"` (IMSC 1.0.1 section 8.4.6: shown even
    where a viewer turned subtitles off: a forced narrative, `forced_subtitles`)."""
    cues = list(cues)
    root = etree.Element(f"{TT}tt", nsmap={**NSMAP, "itts": ITTS} if forced else NSMAP)
    root.set(f"{{{XML}}}lang", language)
    root.set(f"{TTP}profile", IMSC1_TEXT)
    root.set(f"{TTP}timeBase", "media")
    head = etree.SubElement(root, f"{TT}head")
    styling = etree.SubElement(head, f"{TT}styling")
    etree.SubElement(styling, f"{TT}style", {
        f"{{{XML}}}id": "base", f"{TTS}color": "white", f"{TTS}fontFamily": "proportionalSansSerif",
        f"{TTS}fontSize": "100%", f"{TTS}lineHeight": "125%", f"{TTS}textOutline": "black 5%"})
    layout = etree.SubElement(head, f"{TT}layout")
    named = regions(cues)
    for name, box in named.values():
        etree.SubElement(layout, f"{TT}region", {f"{{{XML}}}id": name, **{
            f"{TTS}{k}": v for k, v in box.items()}})
    body = etree.SubElement(root, f"{TT}body", {"style": "base", **(
        {f"{{{ITTS}}}forcedDisplay": "true"} if forced else {})})
    div = etree.SubElement(body, f"{TT}div")
    for number, cue in enumerate(cues, 1):
        paragraph = etree.SubElement(div, f"{TT}p", {
            f"{{{XML}}}id": f"cue{number}", "begin": _clock(cue.start), "end": _clock(cue.end),
            "region": named[region_key(cue)][0]})
        add_text(paragraph, cue.text)
    return serialised(root, head, div)


def region_key(cue: Cue) -> tuple:
    """What decides a cue's region: its keypad alignment and its margins."""
    return alignment(cue) or 2, cue.margins


def regions(cues: list[Cue]) -> dict[tuple, tuple[str, dict[str, str]]]:
    """{`region_key`: (its region's xml:id, its `region_box`)} of the regions `cues` use, each
    tall enough for the most lines a cue of it has, in the order cues first use them."""
    tallest: dict[tuple, int] = {}
    for cue in cues:
        key = region_key(cue)
        tallest[key] = max(tallest.get(key, 0), cue.text.count("\n") + 1)
    named: dict[tuple, tuple[str, dict[str, str]]] = {}
    for key, lines in tallest.items():
        row, column = place(key[0])
        name = row if column == "center" else f"{row}-{column}"
        named[key] = (name if key[1] is None else f"{name}-{len(named) + 1}",
                      region_box(*key, lines))
    return named


def serialised(root, head, div) -> bytes:
    """The document as UTF-8 bytes, indented by hand around the paragraphs of `div` only:
    inside one, any whitespace is text."""
    for paragraph in div:
        paragraph.tail = "\n      "
    etree.indent(head, space="  ", level=1)
    root.text = head.tail = div.tail = "\n  "
    body = div.getparent()
    body.text = "\n    "
    div.text = "\n      "
    if len(div):
        div[-1].tail = "\n    "
    body.tail = "\n"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def inline_styles(active) -> dict[str, str]:
    """The `tts:` attributes of a run in the SubRip tags `active` (IMSC1 styles inline)."""
    return {name: value for tag, name, value in (
        ("i", f"{TTS}fontStyle", "italic"), ("b", f"{TTS}fontWeight", "bold"),
        ("u", f"{TTS}textDecoration", "underline")) if tag in active}


def add_text(paragraph, text: str, span: Callable[[set], dict[str, str]] = inline_styles
             ) -> None:
    """SubRip markup into the paragraph: a span per styled run, `<br/>` per line break.
    `span(active)`: the attributes of the span of a run in the tags `active`; a run whose
    span would have none is the paragraph's own text."""
    for piece, active in styled_runs(text):
        attributes = span(active)
        parent = etree.SubElement(paragraph, f"{TT}span", attributes) if attributes else paragraph
        for position, line in enumerate(piece.split("\n")):
            if position:
                etree.SubElement(parent, f"{TT}br")
            _append(parent, line)


def _append(parent, text: str) -> None:
    """`text` at the end of `parent`'s content: after its last child, or as its text."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def write_ttml(cues: Iterable[Cue], path: str | Path, *, language: str = "und",
               forced: bool = False) -> None:
    """Write cues as an IMSC1 text profile TTML document (UTF-8), positions as regions; with
    `forced`, a forced narrative's (`ttml_document`)."""
    write_atomically(Path(path), ttml_document(cues, language, forced))
