"""EBU-TT Part 1 (EBU Tech 3350) for a TV master: its subtitles timed in SMPTE timecode on the
master's own clock, as playout subtitle systems take them (`sidecars.py` reads every document
back through ttconv before it is put in place).

The other sidecars count from the programme's first frame (00:00:00.000), where a web player
starts; a station's master starts its programme at its profile's `timecode` (10:00:00:00)
after a leader, and its subtitle inserter fires a cue when the master's timecode reads the
cue's label. So each time here is the label of the master's frame (`ttp:timeBase="smpte"`):
the programme's start counted on by the cue's frames at the master's rate (`ttp:frameRate`,
with `ttp:frameRateMultiplier="1000 1001"` at 29.97 and 59.94 fps), drop-frame
(`ttp:dropMode="dropNTSC"`) when the profile writes its timecode with `;`. A cue at 2.2 s of a
programme from 10:00:00:00 at 25 fps is `10:00:02:05`, whatever the leader before it.

`ttp:markerMode="discontinuous"`: each time is a label to be matched against the timecode
the video carries, not a point on a time line counted from the document's start (TTML1
§6.2.6). That is what a station's inserter does with it, it holds if the spot is laid into a
reel whose timecode jumps between items, and it is how EBU Tech 3360's mapping from EBU STL,
the file these systems took before EBU-TT, writes STL's timecodes (IRT's reference
implementation). Continuous markers would add nothing the labels do not say (the master's
timecode runs without a break) and would let a processor take the labels for durations.

The document metadata Tech 3350 asks for: `ebuttm:conformsToStandard` (Tech 3350 v1.1's
`urn:ebu:tt:exchange:2015-09`) and, for readers of v1.0, where it was required,
`ebuttm:documentEbuttVersion` `v1.0` (the document uses nothing v1.0 lacks); with them the
start of programme (`ebuttm:documentStartOfProgramme`, STL's TCP: the label of the first frame
meant for transmission, after the leader), the number of subtitles and the longest row (STL's
TNS and MNC), the spot's title and the master's file name. Styles are referenced, never set
on content (Tech 3350 takes `tts:` attributes on `tt:style` and regions only): white text on a
black background, the teletext look STL files carry, since EBU-TT Part 1 has no text outline.
"""

from __future__ import annotations

from typing import Iterable

from lxml import etree

from pipeline import __version__
from pipeline.media.timecode import nominal
from pipeline.subtitles.imsc import TT, TTP, TTS, add_text, region_key, regions, serialised
from pipeline.subtitles.master_clock import MasterClock, cue_frames
from pipeline.subtitles.model import Cue, plain_text
from pipeline.subtitles.ttml import TT_NAMESPACES, XML
from pipeline.subtitles.ttml_time import EBUTT_METADATA

EBUTTM = "{%s}" % EBUTT_METADATA
NSMAP = {"tt": TT_NAMESPACES[0], "ttp": TT_NAMESPACES[0] + "#parameter",
         "tts": TT_NAMESPACES[0] + "#styling", "ebuttm": EBUTT_METADATA}
STANDARD = "urn:ebu:tt:exchange:2015-09"     # EBU-TT Part 1 v1.1 (Tech 3350)
VERSION = "v1.0"                             # documentEbuttVersion, as v1.0 readers look for it
# A run's styles by its SubRip tags; every run is in a span of `text`, the white on black.
TAG_STYLES = {"i": ("italic", "fontStyle"), "b": ("bold", "fontWeight"),
              "u": ("underline", "textDecoration")}
COLUMNS = ("left", "center", "right")


def ebutt_document(cues: Iterable[Cue], language: str, clock: MasterClock, *,
                   frame: tuple[int, int], title: str, media: str) -> bytes:
    """An EBU-TT Part 1 document of `cues` (times in milliseconds from the programme's start)
    on `clock`; `xml:lang` the BCP 47 tag `language`, `frame` the master's (width, height),
    `title` the spot's and `media` the master's file name."""
    cues = sorted(cues, key=lambda cue: cue.start)
    root = etree.Element(f"{TT}tt", nsmap=NSMAP)
    root.set(f"{{{XML}}}lang", language)
    for name, value in _parameters(clock).items():
        root.set(name, value)
    root.set(f"{TTS}extent", f"{frame[0]}px {frame[1]}px")
    head = etree.SubElement(root, f"{TT}head")
    _metadata(etree.SubElement(head, f"{TT}metadata"), cues, clock, title, media)
    styling = etree.SubElement(head, f"{TT}styling")
    for name, attributes in _styles().items():
        etree.SubElement(styling, f"{TT}style", {f"{{{XML}}}id": name, **{
            f"{TTS}{key}": value for key, value in attributes.items()}})
    layout = etree.SubElement(head, f"{TT}layout")
    named = regions(cues)
    for name, box in named.values():
        # textAlign is a style's, referenced by the region, whose paragraphs inherit it.
        box = dict(box)
        etree.SubElement(layout, f"{TT}region", {
            f"{{{XML}}}id": name, "style": box.pop("textAlign"),
            **{f"{TTS}{key}": value for key, value in box.items()}})
    body = etree.SubElement(root, f"{TT}body", {"style": "base"})
    div = etree.SubElement(body, f"{TT}div")
    for number, cue in enumerate(cues, 1):
        first, end = cue_frames(cue, clock)
        paragraph = etree.SubElement(div, f"{TT}p", {
            f"{{{XML}}}id": f"sub{number}", "begin": clock.label(first),
            "end": clock.label(end), "region": named[region_key(cue)][0]})
        add_text(paragraph, cue.text, _span)
    return serialised(root, head, div)


def _styles() -> dict[str, dict[str, str]]:
    return {"base": {"fontFamily": "proportionalSansSerif", "fontSize": "100%",
                     "lineHeight": "125%"},
            "text": {"color": "white", "backgroundColor": "black"},
            **{name: {attribute: name} for name, attribute in TAG_STYLES.values()},
            **{column: {"textAlign": column} for column in COLUMNS}}


def _span(active) -> dict[str, str]:
    """Every run in a span of the `text` style and those of its tags (Tech 3350: styles
    referenced, not set on content)."""
    return {"style": " ".join(["text", *(TAG_STYLES[tag][0] for tag in "ibu" if tag in active)])}


def _metadata(metadata, cues: list[Cue], clock: MasterClock, title: str, media: str) -> None:
    document = etree.SubElement(metadata, f"{EBUTTM}documentMetadata")
    rows = [len(line) for cue in cues for line in plain_text(cue.text).split("\n")]
    for name, value in (
            ("conformsToStandard", STANDARD), ("documentEbuttVersion", VERSION),
            ("documentOriginatingSystem", f"pipeline {__version__}"),
            ("relatedMediaIdentifier", media), ("documentOriginalProgrammeTitle", title),
            ("documentTotalNumberOfSubtitles", str(len(cues))),
            ("documentMaximumNumberOfDisplayableCharacterInAnyRow", str(max(rows, default=0))),
            ("documentStartOfProgramme", clock.label(0))):
        etree.SubElement(document, f"{EBUTTM}{name}").text = value


def _parameters(clock: MasterClock) -> dict[str, str]:
    """The `ttp:` attributes of the document's root on `clock`."""
    # The rate a timecode second counts, times the multiplier: 30 x 1000/1001 is 29.97.
    times = clock.rate / nominal(clock.rate)
    multiplier = {} if times == 1 else {
        "frameRateMultiplier": f"{times.numerator} {times.denominator}"}
    return {f"{TTP}{name}": value for name, value in {
        "timeBase": "smpte", "frameRate": str(nominal(clock.rate)), **multiplier,
        "markerMode": "discontinuous", "dropMode": "dropNTSC" if clock.drop else "nonDrop",
    }.items()}
