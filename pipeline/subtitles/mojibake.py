"""Text decoded twice ("mojibake"): a UTF-8 file read as Windows-1252 (or Latin-1) and saved as
UTF-8 again, so that "é" is "Ã©", "ñ" is "Ã±" and "’" is "â€™". Its bytes are valid UTF-8, so
`encoding.py` takes them; only the text tells, and it would be burned as it is.

Found and undone by ftfy (`ftfy.fix_encoding_and_explain`), which changes text only where its
sequences are far likelier mojibake than writing (`ftfy.badness`) and says which conversions it
undid. Two of its answers are not believed: an undoing through another code page than those
(the Baltic Windows-1257 has ā, ē, ī, ō, so Nahuatl text could be "undone" through it; through
MacRoman, a guillemet or quotation mark before a letter would be), and one that gives
characters Unicode does not assign or leaves to private use. Text in the orthographies of
Mexico (macrons, ʼ, ꞌ, superscript tone numbers, a̱, ɨ, ʉ, ñ, ¿, ¡) is not taken for mojibake
(tests/test_check_cli.py). The time is linear in the text's length: ftfy's detector is one
regular expression, and text it does not flag is not looked at again.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, error
from pipeline.messages import N_, Items, say
from pipeline.subtitles.model import Cue, plain_text

# The code pages a Spanish-language Windows reads a file in, and ftfy's names for them
# ("sloppy": with the 5 bytes Windows-1252 leaves undefined read as Latin-1's).
WESTERN = {"latin-1", "windows-1252", "sloppy-windows-1252"}
UNASSIGNED = {"Cn", "Co"}   # Unicode categories: not assigned, private use
# A UTF-8 lead byte read as Windows-1252 or Latin-1 (Â to ô) before a continuation byte read
# so (U+0080 to U+00BF, or the Windows-1252 letters and marks of 0x80 to 0x9F): every double
# decoding has one, and text that has none is not given to ftfy (70 ms to import, and its
# detector on every cue of every plan).
LOOKS_DOUBLE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
                          "\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e"
                          "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
QUOTED = 60   # characters of a long line quoted, from the word where it first changes


def double_decoded(cues: Iterable[Cue], path: Path | str) -> list[Diagnostic]:
    """An error for each cue whose text, as shown, looks decoded twice, at the cue's line,
    with each changed line as typed and as it likely should read: an error, since "estÃ¡n"
    would be burned into the picture, or reach viewers in every sidecar, as it is (a trial
    found it only a warning, exit 0)."""
    found = []
    for cue in cues:
        shown = plain_text(cue)
        if shown.isascii() or not LOOKS_DOUBLE.search(shown):
            continue   # the common cases: no UTF-8 sequence read as Windows-1252 or Latin-1
        fixed = undone(shown)
        if fixed is None:
            continue
        changes = tuple(say(N_("%(typed)s should probably read %(fixed)s"),
                            typed=f"'{typed}'", fixed=f"'{right}'")
                        for typed, right in map(_excerpt, shown.split("\n"), fixed.split("\n"))
                        if typed != right)
        found.append(error(
            say(N_("cue %(cue)s looks decoded twice (mojibake): %(changes)s"), cue=cue.index,
                changes=Items(changes, "; ")),
            path, cue.line,
            say(N_("the text was converted to UTF-8 twice, read as Windows-1252 or Latin-1 and "
                   "saved as UTF-8 again: retype it, or go back to a copy from before the "
                   "conversion")),
            "mojibake"))
    return found


def undone(text: str) -> str | None:
    """`text` with a double decoding undone, or None when ftfy finds none to believe (see the
    module's docstring)."""
    # Imported here: its tables cost 70 ms, which a plan of text with no `LOOKS_DOUBLE` pair
    # (an up-to-date render, 0.7 s in all) does not pay.
    from ftfy import fix_encoding_and_explain

    fixed, steps = fix_encoding_and_explain(text)
    if fixed == text:
        return None
    western = all(name in WESTERN for action, name in steps if action == "encode")
    utf8 = any((action == "decode" and name.startswith("utf-8"))
               or name == "decode_inconsistent_utf8" for action, name in steps)
    assigned = all(unicodedata.category(char) not in UNASSIGNED for char in fixed)
    return fixed if western and utf8 and assigned else None


def _excerpt(typed: str, fixed: str) -> tuple[str, str]:
    """A line as typed and as fixed; a long one from the word where they first differ (the
    part before it is the same in both), `QUOTED` characters of each, "…" where cut."""
    if len(typed) <= QUOTED:
        return typed, fixed
    start = typed.rfind(" ", 0, len(os.path.commonprefix([typed, fixed]))) + 1

    def cut(line: str) -> str:
        part = line[start:start + QUOTED]
        return ("…" if start else "") + part + ("…" if start + QUOTED < len(line) else "")

    return cut(typed), cut(fixed)
