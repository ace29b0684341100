"""What makes cues unusable whatever their format: no text, end before start, overlaps,
cues past the end of the video.

Two cues overlap when they share a time and a row of the screen (`model.screen_row`): cues in
different rows, a sign at the top over dialogue at the bottom, are shown together, as
Aegisub, WebVTT and IMSC files often have them."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, error, warning
from pipeline.messages import N_, say
from pipeline.subtitles.model import (ALIGNMENT_TAG, OVERRIDE_BLOCK, Cue, format_time, plain_text,
                                      screen_row)


def _check_cues(cues: list[Cue], path: Path, duration: float | None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    # Per row, the cue ending last so far: a long cue can overlap several.
    latest_in: dict[str, Cue] = {}
    end_of_video = round(duration * 1000) if duration is not None else None
    for cue in cues:
        where = f"cue {cue.index}"
        if not plain_text(cue).strip():
            found.append(error(f"{where} has no text", path, cue.line,
                               "write the subtitle text, or delete the cue", "empty"))
        for block in dict.fromkeys(OVERRIDE_BLOCK.findall(ALIGNMENT_TAG.sub("", cue.text))):
            found.append(warning(say(N_("cue %(cue)s contains the editing tag %(tag)s; burned-in "
                                        "subtitles show it as typed"), cue=cue.index, tag=repr(block)),
                                 path, cue.line,
                                 "remove editing tags from the text", "tags"))
        if cue.end <= cue.start:
            found.append(error(
                f"{where} ends before it starts ({format_time(cue.start)} --> "
                f"{format_time(cue.end)})", path, cue.line,
                "the second time is when the subtitle disappears: it must be later",
                "end-before-start"))
        row = screen_row(cue)
        latest = latest_in.get(row)
        if latest is not None and cue.start < latest.end:
            overlap = "overlaps" if cue.start >= latest.start else "starts before"
            found.append(error(
                f"{where} (starts {format_time(cue.start)}) {overlap} cue {latest.index} "
                f"(line {latest.line}, {format_time(latest.start)} --> {format_time(latest.end)})"
                f" at the {row} of the screen", path, cue.line,
                f"make cue {latest.index} end before cue {cue.index} starts, or fix the order "
                "of the cues; to show both at once, place them in different rows of the screen "
                "(top, middle, bottom)", "overlap"))
        if end_of_video is not None:
            found.extend(_check_past_end(cue, path, end_of_video))
        if latest is None or cue.end > latest.end:
            latest_in[row] = cue
    return found


def _check_past_end(cue: Cue, path: Path, end_of_video: int) -> list[Diagnostic]:
    video = format_time(end_of_video)
    if cue.start >= end_of_video:
        return [error(f"cue {cue.index} starts at {format_time(cue.start)}, after the end of the "
                      f"video ({video})", path, cue.line,
                      "check the times, or that the file belongs to this spot", "past-end")]
    if cue.end > end_of_video:
        return [warning(say(N_("cue %(cue)s ends at %(end)s, after the end of the video "
                               "(%(video)s); it will be cut"), cue=cue.index,
                            end=format_time(cue.end), video=video), path, cue.line,
                        f"end it at {video} at the latest", "past-end")]
    return []
