"""WebVTT sidecars."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from pipeline.files import write_atomically
from pipeline.subtitles.model import ALIGNMENT_TAG, FORMAT_TAG, Cue, format_time

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
