"""Subtitle QC as professional subtitlers work to it (Netflix Timed Text Style Guide, Subtitle
Edit's Netflix checker): reading speed, line length and count, durations, gaps, fit inside the
title-safe area at the real font (subtitles/title_safe.py), and look-alike apostrophes.

These are warnings: the file can be rendered, but a viewer may not manage to read it. What makes
a file unusable (malformed timing, overlaps, cues past the end, missing glyphs) is an error,
found by `formats.read_subtitles` and `glyphs.missing_glyphs`; `check_file` gathers both
(subtitles/file_check.py).

Characters are counted as user-perceived characters (Unicode extended grapheme clusters,
regex's `\\X`): "a̱" (a + U+0331 combining macron below) is one character to a reader, as the
Netflix guide and Subtitle Edit count it, not two code points. Tone numbers written as
superscripts after a letter (Chinantec, Triqui and Mazatec spellings: "ja¹³") are read with their
syllable as a combining tone accent is (`TONE_NUMBERS`): counted in a line's length, which they
take, not in its reading speed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, error, warning
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count
from pipeline.manifest import QcSettings, Style
from pipeline.subtitles.checks import LATE_MS, TAPE_TIMECODE
from pipeline.subtitles.fonts import Font
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import (
    Cue,
    format_time,
    line_list,
    plain_text,
    screen_row,
)
from pipeline.subtitles.normalise import graphemes
from pipeline.subtitles.title_safe import BurnedFrame, Fitter, merged_frames

DEFAULT_FPS = 25.0
# Superscript digits right after a letter: a syllable's tone (INALI's norms for Chinantec and
# Triqui write "ja¹³", "a³²"). A trial's Chinantec file was said to read too fast for its
# tone numbers.
SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
TONE_NUMBERS = re.compile(f"(?<=[^\\W\\d_{SUPERSCRIPT_DIGITS}])[{SUPERSCRIPT_DIGITS}]+")
# Characters typed for the glottal stop or an apostrophe, with their Unicode names (messages:
# the page says them in Spanish): the language's letter (ʼ, ꞌ), and what keyboards and
# autocorrect give instead: ’, ', the acute accent ´ (a key of Spanish keyboards), the ʻokina ʻ
# and the grave accent `.
APOSTROPHES = {
    "\u0027": N_("apostrophe"),
    "\u2019": N_("right single quotation mark"),
    "\u02bc": N_("modifier letter apostrophe"),
    "\ua78c": N_("Latin small letter saltillo"),
    "\u00b4": N_("acute accent"),
    "\u02bb": N_("modifier letter turned comma"),
    "\u0060": N_("grave accent"),
}


# The letter a language's spelling writes its glottal stop with (INALI's norms): a trial's
# Tsotsil file, ꞌ more often than ʼ, was told to make them all ꞌ.
# With the language's name, as the hint says it (a trial's translator read "'tzo' se escribe").
SPELLED_WITH = {"tzo": ("\u02bc", N_("Tsotsil")), "tzh": ("\u02bc", N_("Tseltal")),
                "yua": ("\u02bc", N_("Yucatec Maya")), "mix": ("\ua78c", N_("Mixtec"))}


def _lines(cue: Cue) -> list[str]:
    """The cue's text lines as shown on screen (tags removed), without empty ones."""
    return [line.strip() for line in plain_text(cue).split("\n") if line.strip()]


def reading_speed(cue: Cue) -> float | None:
    """Characters per second: every character including spaces, line breaks excluded (Netflix),
    tone numbers too (`TONE_NUMBERS`)."""
    lines = _lines(cue)
    return _per_second(sum(map(graphemes, lines)) - _tone_numbers(lines), cue)


def _tone_numbers(lines: list[str]) -> int:
    """The superscript tone numbers of `lines`: one regular-expression pass a line."""
    return sum(len(found) for line in lines for found in TONE_NUMBERS.findall(line))


def _per_second(characters: int, cue: Cue) -> float | None:
    seconds = (cue.end - cue.start) / 1000
    return characters / seconds if seconds > 0 else None


# --- the rules ------------------------------------------------------------------------------

def check_cues(cues: Iterable[Cue], path: Path | str, *, qc: QcSettings, fps: float | None,
               style: Style | None, font: Font | None, frame_width: int = 1920,
               frame_height: int = 1080, file_styles: dict | None = None,
               fmt: str | None = None, language: str | None = None) -> list[Diagnostic]:
    """Every QC warning for `cues`, each on the cue's first line with a short hint, and an
    error for a cue whose text the frame cannot hold (it would be burned cut off).

    `fps` is the master's frame rate: gaps are counted in frames, and a cue on no frame is said
    (`no-frame`) instead of its reading speed and duration (25 fps is assumed when unknown),
    on the frames the times of a file of the registry's format `fmt` stand for (`frames.py`).
    The title-safe fit is measured only when both `style` and `font` are given, at the style's
    size on a `frame_width` x `frame_height` frame, wrapped exactly as the burner wraps it
    (a cue of one of `file_styles`, `file_styles.style_fonts`, in that style). The file's
    `language` code, when known, names its apostrophe letter (`SPELLED_WITH`).
    """
    cues = list(cues)
    found: list[Diagnostic] = []
    grid = FrameGrid.at(fps or DEFAULT_FPS, fmt)
    for cue in cues:
        lines = _lines(cue)
        lengths = [graphemes(line) for line in lines]
        # A cue never shown: how fast it reads and how short it is are beside the point.
        unseen = cue.end > cue.start and not grid.shown(cue)
        found += [] if unseen else _reading_speed(cue, lines, lengths, path, qc)
        found += _line_lengths(cue, lines, lengths, path, qc)
        found += [_no_frame(cue, path, grid, fps)] if unseen else _duration(cue, path, qc)
    timed = [cue for cue in cues if cue.end > cue.start]    # the others are errors already
    if fps and timed and not any(grid.shown(cue) for cue in timed):
        # Rendered, its variants would carry an empty track and empty sidecars.
        found.append(error(say(N_("no cue of the file is on a frame at %(rate)s fps: none of "
                                  "it would be shown"), rate=Number(round(grid.fps, 3))),
                           path, cues[0].line, say(N_("lengthen its cues to a frame at least")),
                           "no-frame"))
    found += _gaps(cues, path, qc, fps, fmt)
    found += _apostrophes(cues, path, language)
    if style is not None and font is not None:
        found += check_fit(cues, path, qc=qc, style=style, font=font,
                           frames=[(frame_width, frame_height)], file_styles=file_styles)
    found.sort(key=lambda d: d.line or 0)
    return found


def check_fit(cues: list[Cue], path: Path | str, *, qc: QcSettings, style: Style, font: Font,
              frames: Iterable[tuple], file_styles: dict | None = None) -> list[Diagnostic]:
    """The title-safe fit of `check_cues` alone, on each of `frames` (`title_safe.BurnedFrame`s
    or (width, height) in pixels), once each, in their order: what each frame a file is burned
    into says of it, given only to the variants of that frame; a cue's problem on several
    frames is one diagnostic naming them all (`title_safe.merged_frames`)."""
    found = []
    for frame in dict.fromkeys(BurnedFrame(*frame) for frame in frames):
        fitter = Fitter(style, font, frame.width, frame.height, cues, file_styles or {}, qc,
                        frame.picture_width)
        found += [problem for cue in cues for problem in fitter.check(cue, _lines(cue), path, qc)]
    return merged_frames(found)


def _reading_speed(cue: Cue, lines: list[str], lengths: list[int], path,
                   qc: QcSettings) -> list[Diagnostic]:
    tones = _tone_numbers(lines)
    characters = sum(lengths) - tones
    cps = _per_second(characters, cue)
    if cps is None or cps <= qc.max_cps:
        return []
    seconds = (cue.end - cue.start) / 1000
    counted = say_count(N_plural("%(count)s character", "%(count)s characters"), characters,
                        count=characters)
    if tones:
        # Said, or a translator counting in an editor finds more characters than the warning.
        counted = say_count(N_plural("%(characters)s (and %(count)s tone number, not counted)",
                                     "%(characters)s (and %(count)s tone numbers, not counted)"),
                            tones, characters=counted, count=tones)
    return [warning(
        say(N_("cue %(cue)s reads too fast: %(characters)s in %(seconds)s s is %(rate)s "
               "characters per second (at most %(limit)s)"), cue=cue.index,
            # To the ms where the too-short warning says it too: a 25 ms cue read "0.03 s" here
            # and "0.025 s" there.
            characters=counted, seconds=Number(seconds, ".3f" if seconds < qc.min_duration
                                               else ".2f"), rate=Number(cps, ".1f"),
            limit=Number(qc.max_cps)), path, cue.line, _slower(characters, qc), "reading-speed")]


def _slower(characters: int, qc: QcSettings) -> Message:
    """How to read `characters` at `qc.max_cps` at most, in a duration the same cue's other
    warnings allow: never under the shortest (written as the too-short warning writes it,
    0.833 s), nor over the longest."""
    needed = characters / qc.max_cps
    shortest = round(qc.min_duration * 1000) / 1000
    if needed > qc.max_duration:
        # As many cues as the reading time needs: a pasted paragraph of 300 words needs 36,
        # not the "two cues" it was told.
        parts = math.ceil(needed / qc.max_duration)
        return say(N_("shorten the text, or split it into %(parts)s cues or more: it needs "
                      "%(needed)s s, and a cue stays on screen %(longest)s s at most"),
                   parts=parts, needed=Number(needed, ".2f"), longest=Number(qc.max_duration))
    if needed < shortest:
        return say(N_("shorten the text, or show it for at least %(seconds)s s"),
                   seconds=Number(shortest, ".3f"))
    return say(N_("shorten the text, or show it for at least %(seconds)s s"),
               seconds=Number(needed, ".2f"))


def _line_lengths(cue: Cue, lines: list[str], lengths: list[int], path,
                  qc: QcSettings) -> list[Diagnostic]:
    found = []
    for number, (line, length) in enumerate(zip(lines, lengths), 1):
        if length > qc.max_line_chars:
            # Tone numbers take room on the line, not reading time: said, or a translator reads
            # two counts of one line (its reading speed's leaves them out).
            tones = _tone_numbers([line])
            found.append(warning(
                say_count(N_plural("cue %(cue)s, text line %(line)s, has %(characters)s "
                                   "characters, %(count)s of them a tone number (at most "
                                   "%(limit)s)", "cue %(cue)s, text line %(line)s, has "
                                   "%(characters)s characters, %(count)s of them tone numbers "
                                   "(at most %(limit)s)"), tones, count=tones, cue=cue.index,
                          line=number, characters=length, limit=qc.max_line_chars) if tones else
                say(N_("cue %(cue)s, text line %(line)s, has %(characters)s characters (at most "
                       "%(limit)s)"), cue=cue.index, line=number, characters=length,
                    limit=qc.max_line_chars), path, cue.line,
                say(N_("break the line in two at a natural pause, or shorten it")),
                "line-length"))
    if len(lengths) > qc.max_lines:
        found.append(warning(
            say(N_("cue %(cue)s has %(lines)s lines of text (at most %(limit)s)"), cue=cue.index,
                lines=len(lengths), limit=qc.max_lines), path, cue.line,
            say(N_("shorten the text, or split the cue into two cues")), "line-count"))
    return found


def _duration(cue: Cue, path, qc: QcSettings) -> list[Diagnostic]:
    length = cue.end - cue.start
    if length <= 0:  # an error already (ends before it starts)
        return []
    shortest, longest = round(qc.min_duration * 1000), round(qc.max_duration * 1000)
    if shortest <= length <= longest:
        return []
    times = {"cue": cue.index, "seconds": Number(length / 1000, ".3f"),
             "start": format_time(cue.start), "end": format_time(cue.end)}
    if length < shortest:
        return [warning(
            say(N_("cue %(cue)s is on screen for only %(seconds)s s (%(start)s --> %(end)s; at "
                   "least %(minimum)s s)"), **times, minimum=Number(shortest / 1000, ".3f")),
            path, cue.line,
            say(N_("show it longer, or join it with the cue before or after")), "too-short")]
    return [warning(
        say(N_("cue %(cue)s stays on screen for %(seconds)s s (%(start)s --> %(end)s; at most "
               "%(maximum)s s)"), **times, maximum=Number(longest / 1000)), path, cue.line,
        say(N_("split it into two cues at a natural pause")), "too-long")]


def _no_frame(cue: Cue, path, grid: FrameGrid, fps: float | None) -> Diagnostic:
    """A cue on no frame of the video (`FrameGrid.shown`), which the render leaves out."""
    end = grid.boundary(cue.start) + 1
    while not grid.shown(replace(cue, end=grid.player_ms(end))):
        end += 1   # a start near a frame's middle may cover half of it at most: the next too
    return warning(
        say(N_("cue %(cue)s (%(start)s --> %(end)s) falls between two frames at %(rate)s fps: "
               "it is never shown%(assumed)s"), cue=cue.index, start=format_time(cue.start),
            end=format_time(cue.end), rate=Number(round(grid.fps, 3)), assumed=_assumed(fps)),
        path, cue.line,
        say(N_("lengthen it to at least one frame, %(ms)s ms at %(rate)s fps: end it at %(end)s "
               "or later; or delete it (YouTube's rolling captions have such cues between two "
               "others)"), ms=Number(round(1000 / grid.fps, 1)), rate=Number(round(grid.fps, 3)),
            end=format_time(grid.player_ms(end))), "no-frame")


def _assumed(fps: float | None) -> Message | str:
    return "" if fps else say(N_(" (25 fps assumed: give the master's frame rate with --fps)"))


def _gaps(cues: list[Cue], path, qc: QcSettings, fps: float | None,
          fmt: str | None) -> list[Diagnostic]:
    """Frames between cues, counted on the grid the cues are snapped to when rendered, between
    consecutive cues of one row of the screen (a sign at the top changes apart from the
    dialogue at the bottom)."""
    if qc.min_gap_frames <= 0:
        return []
    grid = FrameGrid.at(fps or DEFAULT_FPS, fmt)
    assumed = _assumed(fps)
    found = []
    previous_in: dict[str, Cue] = {}
    for cue in cues:
        if not grid.shown(cue):
            continue   # never on screen: no gap before or after it (`no-frame` says so)
        row = screen_row(cue)
        previous, previous_in[row] = previous_in.get(row), cue
        if previous is None:
            continue
        gap = grid.frames(cue)[0] - grid.frames(previous)[1]
        # An overlap is the reader's (`checks.py`), judged on the frames when they are known:
        # one the snapping removes leaves these cues touching, or a gap, to be judged here.
        if gap < 0 or (not fps and cue.start < previous.end):
            continue
        if gap < qc.min_gap_frames:
            latest = grid.player_ms(grid.frames(cue)[0] - qc.min_gap_frames)
            found.append(warning(
                say(N_("cue %(cue)s starts %(gap_ms)s ms (%(gap)s) after cue %(previous)s ends; "
                       "leave at least %(minimum)s (%(minimum_ms)s ms at %(rate)s fps)%(assumed)s"),
                    cue=cue.index, gap=_frames(gap), previous=previous.index,
                    # The gap on the frames, as the minimum is: the typed one, rounded
                    # another way, read "67 ms (1 frame)... at least 2 frames (67 ms)".
                    gap_ms=Number(gap * 1000 / grid.fps, ".0f"),
                    minimum=_frames(qc.min_gap_frames),
                    minimum_ms=Number(qc.min_gap_frames * 1000 / grid.fps, ".0f"),
                    rate=Number(round(grid.fps, 3)), assumed=assumed), path, cue.line,
                say(N_("end cue %(previous)s at %(end)s or earlier, so the eye sees the "
                       "subtitle change"), previous=previous.index, end=format_time(latest)),
                "gap"))
    return found


def _frames(count: int) -> Message:
    return say_count(N_plural("%(count)s frame", "%(count)s frames"), count, count=count)


def late_start(cues: list[Cue], path) -> list[Diagnostic]:
    """One warning at the first cue starting an hour or more in, when the video's length is not
    known (else it is an error past its end): a spot runs seconds to minutes, and an hour off is
    the classic slip, a file timed to a tape's timecode (which starts at 01:00:00:00 or
    10:00:00:00) or an hour typed for a minute."""
    late = next((cue for cue in cues if cue.start >= LATE_MS), None)
    if late is None:
        return []
    return [warning(say(N_("cue %(cue)s starts at %(start)s, an hour or more into the video: a "
                           "spot is seconds to minutes long"), cue=late.index,
                        start=format_time(late.start)), path, late.line,
                    say(N_("check the hours of the times (%(tape)s), or give --manifest (a file "
                           "timed to its master's own timecode is read from there) or the "
                           "video's length with --duration"), tape=TAPE_TIMECODE),
                    "late-start")]


# A quotation in single quotes, ‘…’ (Word's autocorrect types them): its closing ’, the first
# after ‘ that no letter follows, is a quotation mark, not a slip for the language's
# apostrophe (a trial's ‘Hmɨɨ¹ jáa²’ was told to change it to ꞌ). An apostrophe inside a
# quoted word (‘Tu’un savi’) is still counted.
QUOTED = re.compile(r"‘(?:[^‘’]|’(?=[^\W\d_]))*’(?![^\W\d_])")


def _apostrophes(cues: list[Cue], path, language: str | None = None) -> list[Diagnostic]:
    where: dict[str, list[int]] = {}
    used: Counter = Counter()
    for cue in cues:
        text = QUOTED.sub(lambda quoted: quoted[0][:-1], plain_text(cue))
        for char in set(text) & APOSTROPHES.keys():
            where.setdefault(char, []).append(cue.line)
            used[char] += text.count(char)
    if len(where) < 2:
        return []
    # Most typed first (each occurrence counts, not each cue): the others are probably the
    # slips. A tie names no winner: the language's spelling decides, not a code point's order.
    forms = sorted(where, key=lambda char: (-used[char], char))

    def describe(char: str) -> Message:
        return say(N_("%(code_point)s %(character)s (%(name)s) %(times)s, in %(lines)s"),
                   code_point=f"U+{ord(char):04X}", character=char, name=say(APOSTROPHES[char]),
                   times=say_count(N_plural("%(count)s time", "%(count)s times"), used[char],
                                   count=used[char]),
                   lines=line_list(where[char], cues=True))

    letter, named = SPELLED_WITH.get(language or "", (None, None))
    if letter is not None and letter in where:
        # The slips are the others, however many: said at the first of them.
        forms = [letter, *(char for char in forms if char != letter)]
    first_slip = min(line for char in forms[1:] for line in where[char])
    if letter is not None:
        hint = say(N_("%(language)s (%(code)s) is written with %(form)s (%(name)s): replace the "
                      "others with it") if letter in where else
                   N_("%(language)s (%(code)s) is written with %(form)s (%(name)s): replace them "
                      "all with it"),
                   language=say(named), code=repr(language),
                   form=f"U+{ord(letter):04X} {letter}", name=say(APOSTROPHES[letter]))
    elif used[forms[0]] == used[forms[1]]:
        hint = say(N_("the language's spelling uses one of them (Mixtec writes the saltillo ꞌ, "
                      "Tsotsil and Tseltal ʼ): replace the others with it"))
    else:
        hint = say(N_("the language's spelling uses one of them; most of this file uses "
                      "%(form)s: replace the others with it (or all with the right one)"),
                   form=f"U+{ord(forms[0]):04X} {forms[0]}")
    return [warning(say(N_("look-alike apostrophes are mixed: %(forms)s"),
                        forms=Items(tuple(map(describe, forms)), "; ")),
                    path, first_slip, hint, "apostrophes")]
