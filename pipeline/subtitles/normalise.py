"""One Unicode normalisation for everything the pipeline writes: NFC (composed).

Translators' editors and copies from PDFs give the same letter in two forms: composed ("ä",
U+00E4) or decomposed ("a" + U+0308 combining diaeresis). They look alike but are different
text: shaped, measured, searched and sorted differently. Cues are turned to NFC once, as they
leave the reader (`composed_cues`), so the ASS script, the sidecars, the subtitle track and the
QC all see one form; the translator's file itself is never rewritten. Letters that have no
composed form (a + U+0331 combining macron below) are the same in NFC and NFD and are left as
typed. Unicode Standard Annex #15 (Unicode Normalization Forms).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import regex

from pipeline.errors import Diagnostic, warning
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.subtitles.model import FORMAT_TAG, OVERRIDE_BLOCK, Cue, line_list

GRAPHEME = regex.compile(r"\X")   # a user-perceived character (extended grapheme cluster)
# A character that can join a neighbour into one grapheme (a combining mark, a joiner, Hangul
# jamo, CR...): anything but Grapheme_Cluster_Break=Other or Control (UAX #29, rules GB3-GB13).
JOINING = regex.compile(r"[^\p{GCB=Other}\p{GCB=Control}\n]")


# Unicode's default-ignorable characters (variation selectors, joiners, the soft hyphen, the
# zero-width space, direction marks...): HarfBuzz, which libass shapes with, draws none of them,
# with or without a glyph (measured: an emoji's U+FE0F after © in Noto Sans, which has no glyph
# for it, shapes to a zero-width space).
IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")


def graphemes(text: str) -> int:
    """User-perceived characters in `text`: a base letter with its combining marks counts once,
    and an invisible character (`IGNORABLE`) not at all: a trial's cue of 42 letters and a
    zero-width space pasted from Word was said to have 43, which the translator could not find."""
    if JOINING.search(text) is None and IGNORABLE.search(text) is None:
        return len(text)        # the common case, ten times cheaper than splitting
    return sum(1 for grapheme in GRAPHEME.findall(text) if IGNORABLE.sub("", grapheme))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def composed_cues(cues: Iterable[Cue], path: Path | str) -> tuple[list[Cue], list[Diagnostic]]:
    """The cues with their text in NFC, spaces at a line's edges or two in a row left out
    (`tidied_spaces`), then a line's leading combining marks put back on the letter before its
    line break (`rejoined_marks`); one warning if the file mixes the composed and the
    decomposed form of a letter (each form's lines listed), and those of the marks and spaces."""
    # Spaces first: a mark after a line's leading space (" ̱di") is a line-starting mark once
    # the space goes, put back on its letter and said, not left stranded unsaid (a reviewer).
    cues, spaced = tidied_spaces(list(cues), path)
    cues, stranded = rejoined_marks(cues, path)
    return ([replace(cue, text=nfc(cue.text)) for cue in cues],
            _mixed_forms(cues, path) + stranded + spaced)


# Combining marks at the start of a line: typed after a line break set between a letter and
# its mark (editors move their cursor by code points), they have no letter, and libass draws
# them on none: a trial's Wixárika cue "pa" / "̱di" was burned "pa" / "di", its macron lost.
# A line's tags come before them (each line in italics, as editors write it), and a line's
# closing tags after its letter.
TAGS = f"(?:{FORMAT_TAG.pattern}|{OVERRIDE_BLOCK.pattern})"
LEADING = regex.compile(f"^(?P<tags>{TAGS}*)(?P<marks>\\p{{M}}+)", regex.IGNORECASE)
CLOSING = regex.compile(r"(?:</[^>\n]*>)*$")
TAG = regex.compile(TAGS, regex.IGNORECASE)


def rejoined_marks(cues: list[Cue], path: Path | str) -> tuple[list[Cue], list[Diagnostic]]:
    """The cues with the combining marks (Unicode category M) that start a line (after its
    tags) moved onto the letter ending the line above, where they were typed, a line left
    with no text dropped, and a warning for each cue mended; marks with no letter before them
    (a cue's first line, a line after an empty one) are warned of and left as they are
    (libass draws them alone: a trial's macron below was burned as a stray underscore)."""
    mended, found = [], []
    for cue in cues:
        text, moved = _rejoined(cue.text)
        if moved:
            letter, marks = moved
            found.append(warning(
                say_count(N_plural("cue %(cue)s: a line starts with %(marks)s, a mark of the "
                                   "letter before the line break: it is drawn there, "
                                   "%(letter)s at the end of the line above",
                                   "cue %(cue)s: a line starts with %(marks)s, marks of the "
                                   "letter before the line break: they are drawn there, "
                                   "%(letter)s at the end of the line above"),
                          len(marks), cue=cue.index, marks=_named(marks), letter=repr(letter)),
                path, cue.line, say(N_("put the line break after the mark: delete it, and type "
                                       "it again after %(letter)s"), letter=repr(letter)),
                "stranded-mark"))
        alone = next((leading["marks"] for line in text.split("\n")
                      if (leading := LEADING.match(line))), None)
        if alone:
            found.append(warning(
                say_count(N_plural("cue %(cue)s: a line starts with %(marks)s, a mark with no "
                                   "letter before it: it is drawn alone, on no letter",
                                   "cue %(cue)s: a line starts with %(marks)s, marks with no "
                                   "letter before them: they are drawn alone, on no letter"),
                          len(alone), cue=cue.index, marks=_named(alone)),
                path, cue.line, say(N_("type the mark after its letter, or delete it")),
                "mark-without-letter"))
        mended.append(replace(cue, text=text) if text != cue.text else cue)
    return mended, found


# Spaces (U+0020; a no-break space is typed on purpose) at a line's start or end, after or
# before its tags, and two or more in a row: a subtitler's checker flags each (Netflix TTSG
# spacing), libass draws them, a centred line with a space at its end stands off centre.
EDGE = regex.compile(f"^(?:{TAGS}| )+|(?:{TAGS}| )+$", regex.IGNORECASE)   # tags, spaces
DOUBLE_SPACE = regex.compile(r"(?<=\S) {2,}(?=\S)")
_SPACE_SIGNS = ("  ", " \n", "\n ", "> ", " <", "} ", " {")   # where one of them may be


def tidied_spaces(cues: list[Cue], path: Path | str) -> tuple[list[Cue], list[Diagnostic]]:
    """The cues with the spaces at each line's edges left out and two or more in a row made
    one, and one warning naming the cues that had them (what is rendered is corrected; the
    translator's file is not)."""
    tidied, lines = [], []
    for cue in cues:
        if not cue.text.startswith(" ") and not cue.text.endswith(" ") and \
                not any(sign in cue.text for sign in _SPACE_SIGNS):
            tidied.append(cue)      # most cues: no space where one may be too many
            continue
        text = "\n".join(line if not line.strip() else DOUBLE_SPACE.sub(" ", EDGE.sub(
            lambda edge: "".join(TAG.findall(edge[0])), line)) for line in cue.text.split("\n"))
        if text != cue.text:
            lines.append(cue.line)
            cue = replace(cue, text=text)
        tidied.append(cue)
    if not lines:
        return tidied, []
    return tidied, [warning(
        say_count(N_plural("%(cues)s has a line that starts or ends with a space, or two spaces "
                           "in a row: rendered without them",
                           "%(cues)s have lines that start or end with a space, or two spaces "
                           "in a row: rendered without them"), len(lines),
                  cues=line_list(lines, True)),
        path, lines[0], say(N_("delete them in the file: a space at a line's end moves a "
                               "centred line off centre")), "spaces")]


def _rejoined(text: str) -> tuple[str, tuple[str, str] | None]:
    """`text` with each line's leading marks put on the letter ending the line before (before
    its closing tags), and (that letter with the first marks moved, in NFC; the marks), or
    None when none moved."""
    if "\n" not in text:
        return text, None
    lines = text.split("\n")
    kept, moved = [lines[0]], None
    for line in lines[1:]:
        leading = LEADING.match(line)
        before = TAG.sub("", kept[-1]) if leading else ""
        if not before or before[-1].isspace():
            kept.append(line)       # no mark, or no letter to take it: said, left
            continue
        marks = leading["marks"]
        cut = CLOSING.search(kept[-1]).start()
        kept[-1] = kept[-1][:cut] + marks + kept[-1][cut:]
        moved = moved or (nfc(GRAPHEME.findall(before)[-1] + marks), marks)
        rest = leading["tags"] + line[leading.end():]
        if TAG.sub("", rest).strip():
            kept.append(rest)        # a line of the marks alone is gone with them
    return "\n".join(kept), moved


def _named(marks: str) -> Items:
    """`marks` as "U+0331 (combining macron below), ...", in the order typed."""
    return Items(tuple(say(N_("%(code_point)s (%(name)s)"), code_point=f"U+{ord(mark):04X}",
                           name=unicodedata.name(mark, "?").lower()) for mark in marks), ", ")


def _code_points(text: str) -> str:
    return " + ".join(f"U+{ord(char):04X}" for char in text)


def _kind(grapheme: str) -> tuple[str, str] | None:
    """(the letter in NFC, "composed" or "decomposed") of a grapheme, or None when the letter
    has one form only (nothing to compose)."""
    letter = nfc(grapheme)
    if unicodedata.normalize("NFD", letter) == letter:
        return None
    return letter, "composed" if grapheme == letter else "decomposed"


def _mixed_forms(cues: list[Cue], path: Path | str) -> list[Diagnostic]:
    # letter (NFC) -> form ("composed" / "decomposed") -> (as typed, lines)
    seen: dict[str, dict[str, tuple[str, list[int]]]] = {}
    kinds: dict[str, tuple[str, str] | None] = {}   # grapheme -> (letter, form); None: one form
    for cue in cues:
        text = cue.text
        if text.isascii():
            continue
        # With nothing that joins, each character is a grapheme of its own, and only the
        # non-ASCII ones can have two forms: no grapheme split (most of this check's time).
        found = (GRAPHEME.findall(text) if JOINING.search(text) is not None
                 else [char for char in text if char > "\x7f"])
        for grapheme in dict.fromkeys(found):
            if grapheme not in kinds:
                kinds[grapheme] = _kind(grapheme)
            kind = kinds[grapheme]
            if kind is not None:
                letter, form = kind
                seen.setdefault(letter, {}).setdefault(form, (grapheme, []))[1].append(cue.line)
    mixed = {letter: forms for letter, forms in seen.items() if len(forms) == 2}
    if not mixed:
        return []

    def describe(letter: str) -> Message:
        (composed, composed_lines), (decomposed, decomposed_lines) = \
            mixed[letter]["composed"], mixed[letter]["decomposed"]
        return say(N_("%(letter)s composed (%(composed)s) in %(composed_lines)s, decomposed "
                      "(%(decomposed)s) in %(decomposed_lines)s"), letter=letter,
                   composed=_code_points(composed), composed_lines=line_list(composed_lines, True),
                   decomposed=_code_points(decomposed),
                   decomposed_lines=line_list(decomposed_lines, True))

    # The less used form of each letter is probably the slip: point at its first line.
    slips = [min(forms.values(), key=lambda item: len(item[1]))[1][0] for forms in mixed.values()]
    return [warning(
        say(N_("the same letter is typed in two Unicode forms: %(letters)s"),
            letters=Items(tuple(map(describe, mixed)), "; ")),
        path, min(slips),
        say(N_("they look alike and are burned alike (the pipeline writes text composed, "
               "Unicode NFC), but search, spell-checkers and sorting treat them as different "
               "letters: retype them one way, or convert the file to NFC in your editor")),
        "unicode-forms")]
