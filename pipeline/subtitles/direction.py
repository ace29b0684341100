"""The base direction of a cue: right-to-left for the languages written in Arabic, Hebrew,
Thaana, Syriac, N'Ko, Adlam... scripts, left-to-right for the others.

The base (paragraph) direction decides where neutral characters go: an Arabic sentence typed in
logical order, ending with a full stop, must end at the left. libass takes it from the style's
or the event's font encoding (ass_shaper.c, `ass_resolve_base_direction`): -1 lets FriBidi find
it from the first strong character (FRIBIDI_PAR_ON), any other value forces left-to-right, as
VSFilter does. So a right-to-left cue is written with `{\\fe-1}` and starts with a right-to-left
mark (U+200F), which makes it right-to-left even when it begins with a Latin name or a number.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Literal

import langcodes

Direction = Literal["ltr", "rtl"]
STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}   # Unicode bidi classes (UAX #9)
RLM = "\u200f"


@functools.cache
def language_direction(tag: str | None) -> Direction | None:
    """The direction of the language's script: the script in the tag, else its likely script
    (CLDR likely subtags, through langcodes), whose direction HarfBuzz knows. None when the
    language or its script is unknown."""
    if not tag:
        return None
    try:
        script = langcodes.Language.get(tag).maximize().script
    except (ValueError, LookupError):   # langcodes' tag errors are ValueErrors
        return None
    if not script:
        return None
    import uharfbuzz as hb   # only burned languages ask: its import is 20 ms of every start

    buffer = hb.Buffer()
    buffer.script = script
    buffer.guess_segment_properties()   # hb_script_get_horizontal_direction
    return "rtl" if buffer.direction == "rtl" else "ltr"


def first_strong(text: str) -> Direction | None:
    """The direction of the first strongly directional character (UAX #9 rule P2), if any."""
    for char in text:
        direction = STRONG.get(unicodedata.bidirectional(char))
        if direction:
            return direction
    return None


def cue_direction(text: str, language: str | None) -> Direction:
    """The base direction of a cue's on-screen `text` in `language`.

    The language's script decides, so an Arabic line that starts with a Latin acronym is still
    right-to-left; but a cue with no letter of that direction at all (a line quoted in another
    script) takes its first strong character's.
    """
    expected = language_direction(language)
    if expected and any(STRONG.get(unicodedata.bidirectional(char)) == expected for char in text):
        return expected
    return first_strong(text) or expected or "ltr"
