"""What a font lacks, said before anything is burned: the characters of a subtitle file or a
slate that the font they are drawn in has no glyph for (libass would draw a box, "tofu"), the
symbols libass borrows from the font fontconfig falls back to, and the installed fonts that
have them (fontconfig's `fc-list` and `fc-match`).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Iterable

import regex

from pipeline.errors import Diagnostic, error, warning
from pipeline.messages import N_, Items, Message, say
from pipeline.subtitles.fonts import Font, fc_escape, uncovered
from pipeline.subtitles.model import Cue, plain_text

EMOJI = regex.compile(r"\p{Extended_Pictographic}")


def listed(chars: Iterable[str]) -> str:
    """Characters as a reader can find them: `U+00E1 ('á')`, ..."""
    return ", ".join(f"U+{ord(char):04X} ({char!r})" for char in chars)


def missing_glyphs(cues: Iterable[Cue], font: Font, path: Path | str) -> list[Diagnostic]:
    """One error per cue that uses a letter, mark or digit the font has no glyph for (a word
    would be drawn in two fonts, or with a box); the hint names the installed fonts that have
    every such character of the cue.

    A symbol or punctuation mark the font lacks (♪, the music note of SDH lyrics, as Netflix
    TTSG writes them) is drawn by libass from the font fontconfig falls back to (`fallback`):
    a warning per file naming it, an error only when no installed font has it. Line widths
    measure it as the font's own missing glyph (Noto Sans: 0.60 em; DejaVu Sans's ♪: 0.64 em,
    a pixel or two at subtitle sizes)."""
    texts = [(cue, plain_text(cue)) for cue in cues]
    # The file's distinct characters first: most files have none missing, and then no cue is
    # looked at again.
    used = set().union(*(text for _, text in texts)) - {"\n", "\r"}
    absent = set(uncovered("".join(used), font))
    borrowed = {char: other for char in absent if _symbol(char)
                and (other := fallback(font, char)) is not None}
    absent -= borrowed.keys()
    found = []
    for cue, text in texts if absent else ():
        missing = [char for char in dict.fromkeys(text) if char in absent]
        controls = [char for char in missing if unicodedata.category(char) == "Cc"]
        if controls:
            # An ESC or a form feed is no letter any font has: a font's hint misled.
            found.append(error(
                say(N_("cue %(cue)s holds control characters, which are no text and would be "
                       "drawn as a box: %(characters)s"), cue=cue.index,
                    characters=listed(controls)), path, cue.line,
                say(N_("delete them (they come in with text copied out of another program)")),
                "glyph"))
            missing = [char for char in missing if char not in controls]
        if missing:
            found.append(error(
                say(N_("cue %(cue)s uses characters that font %(font)s (%(file)s) does not "
                       "have: %(characters)s"), cue=cue.index, font=f'"{font.family}"',
                    file=str(font.path), characters=listed(missing)), path, cue.line,
                font_hint(frozenset(missing), say(N_("`style: {font: ...}` for the language in "
                                                     "the manifest, `--font` for check")),
                          frozenset(used)), "glyph"))
    if borrowed:
        first = next(cue for cue, text in texts if borrowed.keys() & set(text))
        drawn = Items(tuple(say(N_("%(characters)s from %(family)s"),
                                characters=listed(sorted(chars)), family=f'"{family}"')
                            for family, chars in _by_family(borrowed).items()), "; ")
        found.append(warning(
            say(N_("font %(font)s has no glyph for some symbols: libass draws %(drawn)s, the "
                   "font fontconfig falls back to (first in cue %(cue)s)"),
                font=f'"{font.family}"', drawn=drawn, cue=first.index), path, first.line,
            hint=say(N_("fine for a symbol; for the same look in every cue, use a font that "
                        "has them")),
            code="glyph-fallback"))
    return found


def _symbol(char: str) -> bool:
    """A symbol or punctuation mark (Unicode categories S* and P*): drawn alone, another font's
    glyph does not break a word."""
    return unicodedata.category(char)[0] in "SP"


def _by_family(borrowed: dict[str, str]) -> dict[str, list[str]]:
    families: dict[str, list[str]] = {}
    for char, family in borrowed.items():
        families.setdefault(family, []).append(char)
    return families


@functools.cache
def fallback(font: Font, char: str) -> str | None:
    """The family libass draws `char` in when `font` lacks it, or None when no installed font
    has it: with fontconfig, libass's fontselect takes the first font of fontconfig's sorted
    list for the family (`fc-match -s`) that has the glyph (seen in ffmpeg's log: "Glyph 0x266A
    not found, selecting one more font for (Noto Sans, 400, 0)" -> DejaVuSans)."""
    having = _files_with(char)
    for path, family in _fallbacks(font.family):
        if path in having:
            return family
    return None


@functools.cache
def _fallbacks(family: str) -> tuple[tuple[str, str], ...]:
    """(file, family) of fontconfig's fonts in the order it ranks them for `family`."""
    binary = shutil.which("fc-match")
    if binary is None:
        return ()
    result = subprocess.run([binary, "-s", "--format=%{file}\t%{family[0]}\n",
                             fc_escape(family)], capture_output=True, text=True, check=False)
    return tuple(tuple(line.split("\t", 1)) for line in result.stdout.splitlines()
                 if "\t" in line)


def _files_with(char: str) -> frozenset[str]:
    binary = shutil.which("fc-list")
    if binary is None:
        return frozenset()
    result = subprocess.run([binary, f":charset={ord(char):x}", "file"],
                            capture_output=True, text=True, check=False)
    return frozenset(line.strip().rstrip(":") for line in result.stdout.splitlines()
                     if line.strip())


def font_hint(chars: frozenset[str], setting: str | Message,
              whole: frozenset[str] = frozenset()) -> Message:
    """The hint of a missing-glyph error: the installed fonts that have every one of `chars`,
    to be set where `setting` says, or that no installed font has them. With `whole` (every
    character of the file), fonts that have all of those come first: a font that has only
    this cue's missing ones may lack others (Noto Sans Arabic has no Latin letters), and
    following the hint would only move the error."""
    families = fonts_with(whole) if whole else []
    if families:
        named = ", ".join(f'"{family}"' for family in families)
        return say(N_("use a font that has every character of the file (%(fonts)s installed): "
                      "%(setting)s; or fix the character"), fonts=named, setting=setting)
    families = fonts_with(chars)
    if not families and any(EMOJI.match(char) for char in chars):
        return say(N_("an emoji: libass, which burns subtitles, draws outline fonts, not colour "
                      "emoji fonts (Noto Color Emoji draws nothing): write it as a word, or "
                      "install an emoji font of outlines ('apt-get install fonts-symbola'), which "
                      "it then falls back to"))
    if not families:
        return say(N_("no installed font has them: install one that covers the language (Noto "
                      "fonts: 'apt-get install fonts-noto-core'), or fix the character"))
    named = ", ".join(f'"{family}"' for family in families)
    return say(N_("use a font that has them (%(fonts)s installed): %(setting)s; or fix the "
                  "character"), fonts=named, setting=setting)


@functools.cache   # asked once a process for the same characters (each cue missing them)
def fonts_with(chars: frozenset[str], limit: int = 3) -> list[str]:
    """Up to `limit` installed families (fontconfig) with a glyph for every one of `chars`,
    Noto Sans families first (the pipeline's default is one), monospaced ones last."""
    binary = shutil.which("fc-list")
    if binary is None:
        return []
    charset = " ".join(f"{ord(char):x}" for char in sorted(set(chars)))
    result = subprocess.run([binary, f":charset={charset}", "family"],
                            capture_output=True, text=True, check=False)
    families = sorted({line.split(",")[0].strip() for line in result.stdout.splitlines()
                       if line.strip()}, key=lambda family: (not family.startswith("Noto Sans"),
                                                             "Mono" in family, len(family), family))
    return families[:limit]
