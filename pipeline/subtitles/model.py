"""The subtitle model every format reads into and writes from: cues in milliseconds,
with their text and the line they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Diagnostic, Findings

ALIGNMENT_TAG = re.compile(r"\{\\an[1-9]\}")


FORMAT_TAG = re.compile(r"</?[ibu]>|<font(?:\s[^>]*)?>|</font>", re.IGNORECASE)


OVERRIDE_BLOCK = re.compile(r"\{\\[^}]*\}")


LISTED_LINES = 8  # lines named in a warning about many cues; the rest are counted


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

    Other `{\\...}` blocks are not removed: the burner shows them as typed (see `subtitles/ass.py`),
    so their characters need glyphs like any other.
    """
    text = cue.text if isinstance(cue, Cue) else cue
    return FORMAT_TAG.sub("", ALIGNMENT_TAG.sub("", text))


def format_time(ms: int, separator: str = ",") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def line_list(lines: list[int]) -> str:
    """`line 3`, or `lines 3, 7, ... and 4 more` (at most `LISTED_LINES` named)."""
    listed = ", ".join(map(str, lines[:LISTED_LINES]))
    more = f" and {len(lines) - LISTED_LINES} more" if len(lines) > LISTED_LINES else ""
    return f"{'line' if len(lines) == 1 else 'lines'} {listed}{more}"
