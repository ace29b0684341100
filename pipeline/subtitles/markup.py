"""A cue's `<i>`, `<b>` and `<u>` as they are drawn: the runs they style, and whether they
pair up.

The burn turns each tag into an ASS override (`linebreak.SRT_TO_ASS_TAG`) and the sidecars
write the runs `styled_runs` finds, so a tag is a switch: `<i>` turns italics on, `</i>`
turns them off, a closing tag of a style that is off does nothing, and a style still on at the
end of the cue lasts to its end (libass starts each event afresh). WebVTT players read a cue's
tags the same way (W3C WebVTT, "WebVTT cue text parsing rules": an end tag that does not match
the current element is ignored, and elements still open end with the cue), and so do SubRip
players. A cue that leaves a style on, or closes one it did not open, is shown otherwise than
its translator meant, with no error to say so: these are warnings, at the tag's line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, warning
from pipeline.messages import N_, say
from pipeline.subtitles.model import ALIGNMENT_TAG, FORMAT_TAG, literal

TAG = re.compile(r"<(/?)([ibu])>", re.IGNORECASE)
SHOWN = {"i": N_("in italics"), "b": N_("in bold"), "u": N_("underlined")}


def unbalanced_tags(lines: Iterable[tuple[int, str]], cue: int,
                    path: Path | str) -> list[Diagnostic]:
    """Warnings for the tags of cue number `cue` that do not pair up: a style left on (at its
    opening tag's line), a closing tag of a style that is off (at its line; when a style opened
    before it stays on to the end, the two are said as one mismatch, `<b>...</i>`). `lines`
    are (line number in the file, text in SubRip markup) of the cue's text, in order."""
    serial = 0
    on: dict[str, tuple[int, int]] = {}     # style -> (serial, line) of the tag that opened it
    # Closing tags of a style that was off: (style, line, the openings then on, latest first).
    strays: list[tuple[str, int, list[tuple[str, int]]]] = []
    for number, text in lines:
        for match in TAG.finditer(text):
            closing, name = match.group(1), match.group(2).lower()
            if not closing:
                serial += 1
                on.setdefault(name, (serial, number))
            elif name in on:
                del on[name]
            else:
                then = sorted(((style, opened[0]) for style, opened in on.items()),
                              key=lambda item: -item[1])
                strays.append((name, number, then))
    left_on = {opened[0]: style for style, opened in on.items()}
    found = []
    for name, number, then in strays:
        meant, opened = next(((style, opened) for style, opened in then
                              if left_on.get(opened) == style), (None, None))
        if meant is None:
            found.append(warning(say(N_("cue %(cue)s: %(closing)s closes no %(opening)s and is "
                                        "ignored"), cue=cue, closing=f"</{name}>",
                                     opening=f"<{name}>"), path, number,
                                 say(N_("remove %(closing)s, or add the %(opening)s it "
                                        "closes"), closing=f"</{name}>", opening=f"<{name}>"),
                                 "unbalanced-tags"))
            continue
        del left_on[opened]
        found.append(warning(say(N_("cue %(cue)s: %(opening)s is closed with %(closing)s, which "
                                    "is ignored, so the rest of the cue is shown %(style)s"),
                                 cue=cue, opening=f"<{meant}>", closing=f"</{name}>",
                                 style=say(SHOWN[meant])), path, number,
                             say(N_("close %(opening)s with %(closing)s"), opening=f"<{meant}>",
                                 closing=f"</{meant}>"), "unbalanced-tags"))
    for name in left_on.values():
        found.append(warning(say(N_("cue %(cue)s: %(opening)s is not closed, so the rest of the "
                                    "cue is shown %(style)s"), cue=cue, opening=f"<{name}>",
                                 style=say(SHOWN[name])), path, on[name][1],
                             say(N_("add %(closing)s where it should end"),
                                 closing=f"</{name}>"), "unbalanced-tags"))
    return found


def styled_runs(text: str) -> list[tuple[str, frozenset[str]]]:
    """The cue's text without `{\\anN}` as runs of (text, {"i", "b", "u"} in force), in order;
    `<font>` tags are left out (colours are the campaign's), line breaks stay in the text.
    An unclosed tag runs to the end of the cue, as players draw it. Each run's text is as
    shown: the model's references decoded (`model.literal`)."""
    runs: list[tuple[str, frozenset[str]]] = []
    active: set[str] = set()
    for piece in re.split(f"({FORMAT_TAG.pattern})", ALIGNMENT_TAG.sub("", text),
                          flags=re.IGNORECASE):
        if not piece:
            continue
        if FORMAT_TAG.fullmatch(piece):
            name = piece.strip("</>").lower()
            if name in ("i", "b", "u"):
                (active.discard if piece.startswith("</") else active.add)(name)
            continue
        runs.append((literal(piece), frozenset(active)))
    return runs
