"""What a manifest sets of a campaign's and a language's look and checks: burned subtitles'
style (`style:`) and the QC thresholds (`qc:`), frozen; `manifest.load` reads them at their lines,
each key in its `RANGES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from pipeline.ranges import NOT_NEGATIVE, POSITIVE, Range

# A colour as HTML writes it, `#RRGGBB`: the manifest's reader checks it at its line.
Colour = str
HTML_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Box:
    """A translucent box behind burned text (`style: {box: true}`, or with these keys)."""

    color: Colour = "#000000"
    opacity: float = 0.6         # 1: opaque

    RANGES: ClassVar[dict[str, Range]] = {"opacity": Range(0, 1, above=True)}


EDGE_MOST = 10.0     # px at 1080 lines: the widest outline or shadow a style may ask for


@dataclass(frozen=True)
class Style:
    """The look of burned-in subtitles."""

    font: str = "Noto Sans"
    size: float = 0.05           # em, a fraction of the frame's short side (linebreak.em_px)
    # White with a black edge wide enough to stand off white and yellow picture: outline 2 and
    # no shadow barely did (a trial's engineer, over colour bars); 3 and a 1.5 px shadow give
    # the fill 6.7:1 (WCAG) against the 4 px around it over white, 2 alone 1.9:1 (docs/
    # manifest.md, "Style").
    outline: float = 3.0         # outline width in pixels at 1080 lines
    shadow: float = 1.5          # drop shadow's offset down and right, pixels at 1080 lines
    box: Box | None = None       # a box behind the text instead of the shadow
    position: Literal["bottom", "top"] = "bottom"
    color: Colour = "#FFFFFF"
    outline_color: Colour = "#000000"
    bold: bool = False
    from_file: bool = False      # an ASS/SSA file is burned with its own styles

    # An edge past EDGE_MOST px at 1080 lines (a fifth of the default em) fills the letters'
    # bowls: 4 px began to crowd Otomí's underlined vowels; a trial's `shadow: 1e9` passed and
    # the fit's messages gave widths of -1999998278 px.
    RANGES: ClassVar[dict[str, Range]] = {"size": Range(0, 1, above=True),
                                          "outline": Range(0, EDGE_MOST, unit=" px"),
                                          "shadow": Range(0, EDGE_MOST, unit=" px")}


@dataclass(frozen=True)
class QcSettings:
    """Thresholds of the QC: subtitles (Netflix Timed Text Style Guide defaults) and deliveries."""

    max_cps: float = 17.0
    max_line_chars: int = 42
    max_lines: int = 2
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap_frames: int = 2
    duration_tolerance: float = 0.5    # seconds a dub or voice-over may differ from its spot

    RANGES: ClassVar[dict[str, Range]] = {
        "max_cps": POSITIVE, "max_line_chars": Range(1), "max_lines": Range(1),
        "min_duration": NOT_NEGATIVE, "max_duration": POSITIVE, "min_gap_frames": NOT_NEGATIVE,
        "duration_tolerance": NOT_NEGATIVE}
