"""What makes cues unusable whatever their format: no visible text, no duration or end before
start, overlaps, cues past the end of the video.

Two cues overlap when they share a time and a row of the screen (`model.screen_row`): cues in
different rows, a sign at the top over dialogue at the bottom, are shown together, as
Aegisub, WebVTT and IMSC files often have them. With the video's frame rate known, cues are
judged on the frames they will be shown on (`frames.FrameGrid`, as the render snaps them):
an editor's millisecond rounding (`00:00:03,010 --> ` then `00:00:03,000`) that the snapping
removes is no overlap. Without it, an overlap of at most `ROUNDING_MS` is a warning: under a
frame at every usual rate up to 50 fps, so most likely that rounding, not two subtitles meant
to be on screen together.

Cues are checked, and used everywhere, in the order of their start times: ASS/SSA events and
TTML paragraphs carry no order (Aegisub keeps lines in the order they were added), and players
sort SubRip and WebVTT cues by time. A SubRip or WebVTT file out of that order gets a warning
(`in_time_order`): W3C WebVTT asks for cues in order of their start times, and a SubRip's
numbers are its cues' order on screen. A cue alone out of line among cues in order (a typo in
its time, or a cue moved) is named itself, not the cue after it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

import regex

from pipeline.errors import Diagnostic, error, note, warning
from pipeline.messages import N_, Items, N_plural, say, say_count
from pipeline.subtitles.srt import ANY_TAG, tag_like
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import (ALIGNMENT_TAG, OVERRIDE_BLOCK, Cue, format_time, line_list,
                                      plain_text, screen_row, visible)

ROUNDING_MS = 20   # one frame at 50 fps; see the module's docstring
# An overlap, said of each row of the screen (`screen_row`) in its own words.
ROW_OVERLAPS = {
    "top": N_("cue %(cue)s (starts %(start)s) overlaps cue %(previous)s (line %(line)s, "
              "%(previous_start)s --> %(end)s) at the top of the screen"),
    "middle": N_("cue %(cue)s (starts %(start)s) overlaps cue %(previous)s (line %(line)s, "
                 "%(previous_start)s --> %(end)s) in the middle of the screen"),
    "bottom": N_("cue %(cue)s (starts %(start)s) overlaps cue %(previous)s (line %(line)s, "
                 "%(previous_start)s --> %(end)s) at the bottom of the screen")}
LATE_MS = 3_600_000   # a cue this far in is no spot's: an hour off, a tape's timecode
TAPE_TIMECODE = say(N_("a file timed to a tape's timecode starts at 01:00:00:00: subtract it in "
                       "your editor"))
# Characters that draw nothing: separators (Zs, Zl, Zp), controls (Cc: tabs, line breaks) and
# format characters (Cf: U+200B zero width space, U+200C/U+200D joiners, U+2060, U+FEFF).
INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
# The Unicode names of the invisible characters pasted text brings (messages: a Spanish
# terminal says them in Spanish); others are said by their Unicode name.
INVISIBLE_NAMES = {
    "\u00ad": N_("soft hyphen"),
    "\u180e": N_("mongolian vowel separator"),
    "\u200b": N_("zero width space"),
    "\u200c": N_("zero width non-joiner"),
    "\u200d": N_("zero width joiner"),
    "\u200e": N_("left-to-right mark"),
    "\u200f": N_("right-to-left mark"),
    "\u2060": N_("word joiner"),
    "\ufeff": N_("zero width no-break space"),
}


def named_characters(chars: Iterable[str]) -> Items:
    """`chars` as "U+200B (zero width space), ...", in code point order, each once."""
    return Items(tuple(say(N_("%(code_point)s (%(name)s)"), code_point=f"U+{ord(char):04X}",
                           name=say(INVISIBLE_NAMES[char]) if char in INVISIBLE_NAMES
                           else unicodedata.name(char, "?").lower())
                       for char in sorted(set(chars))), ", ")


def invisible(text: str) -> bool:
    """Whether `text` shows nothing on screen: it has no character outside `INVISIBLE`."""
    return all(unicodedata.category(char) in INVISIBLE for char in text)


def _check_cues(cues: list[Cue], path: Path, duration: float | None,
                fps: float | None = None, fmt: str | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    grid = FrameGrid.at(fps, fmt) if fps else None
    # Per row, the cue ending last so far: a long cue can overlap several.
    latest_in: dict[str, Cue] = {}
    end_of_video = round(duration * 1000) if duration is not None else None
    late: list[Cue] = []       # starting after the end of the video: said once, together
    for cue in cues:
        found.extend(_check_text(cue, path, fmt))
        if cue.end <= cue.start:
            found.append(_no_duration(cue, path))
        # A cue on no frame (the QC's `no-frame`) overlaps nothing on screen.
        on_screen = grid is None or cue.end <= cue.start or grid.shown(cue)
        row = screen_row(cue)
        latest = latest_in.get(row)
        if latest is not None and on_screen:
            found.extend(_check_overlap(cue, latest, row, path, grid))
        if end_of_video is not None and cue.start >= end_of_video:
            late.append(cue)
        elif end_of_video is not None and cue.end > end_of_video:
            found.append(_ends_past_end(cue, path, end_of_video))
        if on_screen and (latest is None or _end(cue, grid) > _end(latest, grid)):
            latest_in[row] = cue
    if late:
        found.append(_starts_past_end(late, path, end_of_video))
    found.extend(_tabs(cues, path))
    found.extend(_lost_letters(cues, path))
    found.extend(_stray_invisibles(cues, path))
    return found


# A '?' between two letters: where Notepad's "ANSI" (Windows-1252) save put each letter it
# cannot hold (ꞌ, ɨ, ʉ, a̱'s macron below...). A trial's "Tuꞌun savi" came back "Tu?un savi",
# and the file, converted to UTF-8 as the encoding error's hint says, passed with no word.
LOST_LETTER = regex.compile(r"(?<=\p{L}\p{M}*)\?(?=\p{L})")
# A web address's query ("un.org/es?lang=mix") has its '?' between letters too.
ADDRESS = regex.compile(r"://|www\.|[/=]|\.\p{L}")


def _lost_letters(cues: list[Cue], path: Path) -> list[Diagnostic]:
    """One warning for the cues with a '?' between letters, at the first, with its word."""
    marked = []
    for cue in cues:
        word = next((word for word in plain_text(cue).split()
                     if LOST_LETTER.search(word) and not ADDRESS.search(word)), None)
        if word:
            marked.append((cue, word))
    if not marked:
        return []
    cue, word = marked[0]
    return [warning(
        say_count(N_plural("%(count)s cue has a '?' between letters (cue %(cue)s: %(word)s): "
                           "a letter the file could not hold when it was saved as ANSI "
                           "(Windows-1252) is lost as '?'",
                           "%(count)s cues have a '?' between letters (the first: cue %(cue)s, "
                           "%(word)s): a letter the file could not hold when it was saved as "
                           "ANSI (Windows-1252) is lost as '?'"), len(marked),
                  count=len(marked), cue=cue.index, word=f"'{word}'"),
        path, cue.line, say(N_("type the lost letters again (ꞌ, ɨ, ʉ, a̱...) and save the file "
                               "as UTF-8 (in Notepad: Save as, Encoding: UTF-8)")),
        "lost-letter")]


# Invisible characters that text copied from a web page, Word or a chat brings: the zero width
# space, the soft hyphen, the word joiner, a byte order mark inside a line, and the zero width
# joiners outside an emoji's sequence (where 👩‍👧 needs them). libass draws none of them, but a
# player of a subtitle track may break a line at one, draw it as a box, or, the soft hyphen,
# as a hyphen; and a search or a spelling check misses the word it is in.
STRAY_INVISIBLE = regex.compile(
    r"[\u00ad\u180e\u200b\u2060\ufeff]"
    r"|(?<!\p{Extended_Pictographic}[\ufe0f\U0001F3FB-\U0001F3FF]*)[\u200c\u200d]")


def _stray_invisibles(cues: list[Cue], path: Path) -> list[Diagnostic]:
    """One warning for the `STRAY_INVISIBLE` characters of the cues, at the first cue with
    one, naming each kind by its code point, and the first one's word with it made visible.
    One search a cue, and all of them in the cues that have one: O(n)."""
    # A cue of invisible characters alone has its error, which names them (`_check_text`).
    marked = [(cue, found) for cue in cues
              if (found := STRAY_INVISIBLE.search(cue.text)) and not invisible(cue.text)]
    if not marked:
        return []
    chars = [char for cue, _ in marked for char in STRAY_INVISIBLE.findall(cue.text)]
    cue, found = marked[0]
    before = regex.search(r"\S*$", cue.text[:found.start()]).group()
    after = regex.match(r"\S*", cue.text[found.end():]).group()
    where = f"'{visible(before + found.group() + after)}'"
    return [warning(
        say_count(N_plural("%(count)s invisible character in the text, %(chars)s (cue %(cue)s: "
                           "%(where)s): a player may break the line there or draw it as a box, "
                           "and a search misses its word",
                           "%(count)s invisible characters in the text, %(chars)s (the first: "
                           "cue %(cue)s, %(where)s): a player may break the line there or draw "
                           "them as boxes, and a search misses their words"),
                  len(chars), count=len(chars), cue=cue.index, where=where,
                  chars=named_characters(chars)),
        path, cue.line, say(N_("delete each one: such characters come with text copied from a "
                               "web page, Word or a chat; an editor that shows hidden characters "
                               "(Notepad++, Subtitle Edit) finds them")), "invisible-characters")]


def _tabs(cues: list[Cue], path: Path) -> list[Diagnostic]:
    """One warning a file for its cues with a TAB in their text, at the first: burned-in
    subtitles draw a TAB as one space (libass, and the line breaking, take it for one), and
    players of a subtitle track as they like, so a column lined up with tabs in the editor is
    not lined up on screen. A TAB is mostly text copied out of a spreadsheet."""
    tabbed = [cue for cue in cues if "\t" in plain_text(cue)]
    if not tabbed:
        return []
    return [warning(
        say_count(N_plural("%(count)s cue has a TAB character in its text (cue %(cue)s): it is "
                           "shown as one space, not as the column an editor lines up",
                           "%(count)s cues have a TAB character in their text (the first: cue "
                           "%(cue)s): it is shown as one space, not as the column an editor "
                           "lines up"), len(tabbed),
                  cue=tabbed[0].index, count=len(tabbed)),
        path, tabbed[0].line, say(N_("replace each TAB with a space, or break the line where "
                                     "the columns were meant")), "tab")]


def in_time_order(cues: list[Cue], path: Path, fmt: str) -> tuple[list[Cue], list[Diagnostic]]:
    """`cues` sorted by start time (stable: cues starting together keep the file's order), and
    for a SubRip or WebVTT file (`fmt`) not in that order, a warning at each cue whose time
    jumps ahead of the cues around it (`_jumps_ahead`: a typo, 00:40:04 for 00:00:04), then
    one at the first other cue that starts before a cue above it; see the module's docstring.
    O(n log n)."""
    ordered = sorted(cues, key=lambda cue: cue.start)
    if fmt not in ("srt", "vtt") or all(a is b for a, b in zip(ordered, cues)):
        return ordered, []
    ahead = _jumps_ahead(cues)
    found = [warning(
        say(N_("cue %(cue)s starts at %(start)s, after cue %(next)s below it (%(next_start)s), "
               "while the cues before and after it are in order: its time is mistyped, or the "
               "cue is out of place"),
            cue=cue.index, start=format_time(cue.start), next=following.index,
            next_start=format_time(following.start)),
        path, cue.line,
        say(N_("check the times of cue %(cue)s (the cue before it starts at %(before)s); if they "
               "are right, sort the cues by start time in the subtitle editor"), cue=cue.index,
            before=format_time(before.start) if before else "00:00:00,000"),
        "order") for before, cue, following in ahead]
    skipped = {id(cue) for _, cue, _ in ahead}
    first, count, latest = None, 0, None
    for cue in cues:   # `latest`: the cue starting last so far, in the file's order
        if id(cue) in skipped:
            continue
        if latest is not None and cue.start < latest.start:
            count += 1
            first = first or (cue, latest)
        if latest is None or cue.start > latest.start:
            latest = cue
    if first is None:
        return ordered, found
    cue, above = first
    return ordered, found + [warning(
        say_count(N_plural(
            "cue %(cue)s starts at %(start)s, before cue %(above)s (line %(line)s, starting "
            "%(above_start)s) above it in the file: %(count)s cue is out of time order; cues "
            "are shown in the order of their times",
            "cue %(cue)s starts at %(start)s, before cue %(above)s (line %(line)s, starting "
            "%(above_start)s) above it in the file: %(count)s cues are out of time order; cues "
            "are shown in the order of their times"), count,
            cue=cue.index, start=format_time(cue.start), above=above.index, line=above.line,
            above_start=format_time(above.start), count=count),
        path, cue.line, say(N_("sort the cues by start time in the subtitle editor, and number "
                               "them again")), "order")]


# Cues named one by one as out of line; a file with more is disordered, said as such.
JUMPS_NAMED = 3


def _jumps_ahead(cues: list[Cue]) -> list[tuple[Cue | None, Cue, Cue]]:
    """(the cue before, the cue, the cue after) for the first `JUMPS_NAMED` cues, in the file's
    order, that start after the next one while the cue before does not, and later than the one
    after the next too, those two in order: the cues around it are in order without it, and it
    is the one out of line. A trial's
    typo, 00:40:04,000 between 00:00:01 and 00:00:07, was said as "cue 3 is before cue 2" with
    the hint to sort the cues, which would have moved the typo to the end. O(n)."""
    found = []
    for at in range(len(cues) - 1):
        before = cues[at - 1] if at else None
        cue, following = cues[at], cues[at + 1]
        after_next = cues[at + 2] if at + 2 < len(cues) else None
        if cue.start > following.start \
                and (before is None or before.start <= following.start) \
                and (after_next is None or following.start <= after_next.start < cue.start):
            found.append((before, cue, following))
    return found[:JUMPS_NAMED]


def _joined_in_srt(cue: Cue, path: Path, fmt: str | None) -> list[Diagnostic]:
    """A note where the text `cue` shows has what SubRip players would read as a tag: the .srt
    sidecar and the MP4 track (made from SubRip) write it with an invisible joiner
    (`srt.KEPT_TEXT`), so a tool reading the .srt gets one character more than is shown. Said
    where the translator looks, since the file is right; in a SubRip file, not for the tags
    its reader has warned of already."""
    shown = [text for text in dict.fromkeys(tag_like(cue))
             if fmt != "srt" or not ANY_TAG.fullmatch(text)]
    if not shown:
        return []
    return [note(say_count(N_plural(
        "cue %(cue)s: SubRip players may read %(texts)s as a tag; a .srt sidecar or MP4 track of "
        "it has an invisible word joiner (U+2060) after the < so that it is shown as typed",
        "cue %(cue)s: SubRip players may read %(texts)s as tags; a .srt sidecar or MP4 track of "
        "it has an invisible word joiner (U+2060) after the < so that it is shown as typed"),
        len(shown), cue=cue.index, texts=", ".join(shown)), path, cue.line, code="srt-text")]


def _check_text(cue: Cue, path: Path, fmt: str | None = None) -> list[Diagnostic]:
    found = []
    shown = plain_text(cue)
    if invisible(shown):
        drawn_nothing = [char for char in shown if not char.isspace()]
        found.append(error(say(N_("cue %(cue)s has no visible text: only %(characters)s"),
                               cue=cue.index, characters=named_characters(drawn_nothing))
                           if drawn_nothing
                           else say(N_("cue %(cue)s has no text"), cue=cue.index), path, cue.line,
                           say(N_("write the subtitle text, or delete the cue")), "empty"))
    for block in dict.fromkeys(OVERRIDE_BLOCK.findall(ALIGNMENT_TAG.sub("", cue.text))):
        # Quoted as typed: repr() would double its backslash (`'{\\pos(10,10)}'`).
        found.append(warning(say(N_("cue %(cue)s contains the editing tag %(tag)s; burned-in "
                                    "subtitles show it as typed"), cue=cue.index,
                                 tag=f"'{block}'"), path, cue.line,
                             say(N_("remove editing tags from the text")), "tags"))
    found.extend(_joined_in_srt(cue, path, fmt))
    return found


def _no_duration(cue: Cue, path: Path) -> Diagnostic:
    later = say(N_("the second time is when the subtitle disappears: it must be later"))
    if cue.end == cue.start:
        return error(say(N_("cue %(cue)s has no duration: it starts and ends at %(time)s"),
                         cue=cue.index, time=format_time(cue.start)), path, cue.line, later,
                     "end-before-start")   # the code tools know it by, as before
    return error(say(N_("cue %(cue)s ends before it starts (%(start)s --> %(end)s)"),
                     cue=cue.index, start=format_time(cue.start), end=format_time(cue.end)),
                 path, cue.line, later, "end-before-start")


def _end(cue: Cue, grid: FrameGrid | None) -> int:
    """When `cue` ends: its frame after the last on `grid`, else its time in milliseconds."""
    return grid.frames(cue)[1] if grid else cue.end


def _check_overlap(cue: Cue, latest: Cue, row: str, path: Path,
                   grid: FrameGrid | None) -> list[Diagnostic]:
    """An error when `cue` starts before `latest` (the cue of its row ending last so far) ends,
    on the frames they are shown on when `grid` is known; see the module's docstring."""
    if cue.start >= latest.end:
        return []
    if grid is not None and grid.frames(cue)[0] >= grid.frames(latest)[1]:
        return []   # gone once snapped: the gap warning says where, in frames
    # Cues come in time order (`in_time_order`): `latest` started no later than `cue`.
    where = say(ROW_OVERLAPS[row], cue=cue.index, start=format_time(cue.start),
                previous=latest.index, line=latest.line, previous_start=format_time(latest.start),
                end=format_time(latest.end))
    hint = say(N_("make cue %(previous)s end before cue %(cue)s starts; to show both at once, "
                  "place them in different rows of the screen (top, middle, bottom)"),
               previous=latest.index, cue=cue.index)
    if latest.index == cue.index:
        # Two cues numbered alike ("make cue 1 end before cue 1 starts"): told apart by line.
        hint = say(N_("make the cue %(cue)s at line %(previous_line)s end before the one at line "
                      "%(line)s starts; to show both at once, place them in different rows of "
                      "the screen (top, middle, bottom)"),
                   cue=cue.index, previous_line=latest.line, line=cue.line)
    overlap = latest.end - cue.start
    if grid is None and overlap <= ROUNDING_MS:
        return [warning(say(N_("cue %(cue)s (starts %(start)s) overlaps cue %(previous)s (line "
                               "%(line)s, ending %(end)s) by %(ms)s ms, less than a frame: most "
                               "likely a subtitle editor's rounding; give the video's frame rate "
                               "(--fps) to know whether it is still there on the video's frames"),
                            cue=cue.index, start=format_time(cue.start), previous=latest.index,
                            line=latest.line, end=format_time(latest.end), ms=overlap),
                        path, cue.line, say(N_("end cue %(previous)s at %(start)s"),
                                            previous=latest.index, start=format_time(cue.start)),
                        "overlap")]
    return [error(where, path, cue.line, hint, "overlap")]


def _starts_past_end(late: list[Cue], path: Path, end_of_video: int) -> Diagnostic:
    """One error at the first of the cues starting after the end of the video, naming the
    others' lines (a trial's 5,000-cue file timed an hour off gave 4,995 errors, one a cue);
    a first one an hour or more in is most likely a tape's timecode, and the hint says so."""
    first, others = late[0], [cue.line for cue in late[1:]]
    times = {"cue": first.index, "start": format_time(first.start),
             "video": format_time(end_of_video)}
    message = say_count(N_plural(
        "cue %(cue)s starts at %(start)s, after the end of the video (%(video)s); so does "
        "%(others)s",
        "cue %(cue)s starts at %(start)s, after the end of the video (%(video)s); so do "
        "%(others)s"), len(others), **times, others=line_list(others, cues=True)) if others \
        else say(N_("cue %(cue)s starts at %(start)s, after the end of the video (%(video)s)"),
                 **times)
    hint = say(N_("check the hours of the times (%(tape)s), or that the file belongs to this "
                  "spot"), tape=TAPE_TIMECODE) if first.start >= LATE_MS else \
        say(N_("check the times, or that the file belongs to this spot"))
    return error(message, path, first.line, hint, "past-end")


def _ends_past_end(cue: Cue, path: Path, end_of_video: int) -> Diagnostic:
    video = format_time(end_of_video)
    return warning(say(N_("cue %(cue)s ends at %(end)s, after the end of the video "
                          "(%(video)s); it will be cut"), cue=cue.index,
                       end=format_time(cue.end), video=video), path, cue.line,
                   say(N_("end it at %(video)s at the latest"), video=video), "past-end")
