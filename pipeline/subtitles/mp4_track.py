"""What an MP4 file's selectable subtitle track (`mov_text`) makes of a file's cues: one cue at a
time, without positions.

A `mov_text` track holds one sample at a time and no place on screen: players draw each at the
bottom. A sign at the top over the dialogue (a cue of another row of the screen,
`model.screen_row`, on screen with it, as Aegisub, WebVTT and IMSC files have them) becomes one
subtitle at the bottom on the track, the upper cue's lines first (`one_at_a_time`), while the
burned pictures and the subtitle files beside the video keep both places. The translator is
told so (`shown_together`), once a file, for a language some profile carries as a track
(`Profile.tracks`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, note
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.subtitles.model import ALIGNMENT_TAG, ROWS, Cue, format_time, screen_row

# The rows of the screen from the top: a track writes the upper cue's lines first.
RANK = {row: order for order, row in enumerate(reversed(ROWS))}   # top, middle, bottom


def one_at_a_time(cues: Iterable[Cue]) -> list[Cue]:
    """`cues` as a track that shows one cue at a time, for tracks whose samples cannot overlap
    (MP4's `mov_text`: a sample ends where the next starts, so a sign at the top would vanish
    when the dialogue under it starts). Where cues of different rows share a time, that time
    becomes a cue of its own holding their texts, top row first, without their positions;
    elsewhere the cues are as they were. Numbered from 1; each keeps the line of its first cue.

    Time O(n log n + s) for n cues and s (text, segment) pairs; s is n when no cues overlap."""
    cues = list(cues)
    edges = sorted({ms for cue in cues for ms in (cue.start, cue.end)})
    opening = sorted(cues, key=lambda cue: cue.start)
    showing: list[Cue] = []
    merged: list[Cue] = []
    next_cue = 0
    for start, end in zip(edges, edges[1:]):
        showing = [cue for cue in showing if cue.end > start]
        while next_cue < len(opening) and opening[next_cue].start <= start:
            if opening[next_cue].end > start:
                showing.append(opening[next_cue])
            next_cue += 1
        if not showing:
            continue
        if len(showing) == 1:
            text = showing[0].text
        else:
            ordered = sorted(showing, key=lambda cue: (RANK[screen_row(cue)], cue.start))
            text = "\n".join(ALIGNMENT_TAG.sub("", cue.text) for cue in ordered)
        first = min(showing, key=lambda cue: cue.line)
        if merged and merged[-1].end == start and merged[-1].text == text:
            merged[-1] = replace(merged[-1], end=end)   # the same cue across an edge of another
        else:
            merged.append(replace(first, index=len(merged) + 1, start=start, end=end, text=text,
                                  margins=first.margins if len(showing) == 1 else None))
    return merged


def shown_together(cues: Iterable[Cue], path: Path,
                   written: Iterable[Cue] = ()) -> list[Diagnostic]:
    """A note where cues of different rows of the screen are on screen at once, naming the
    first such pair (the upper cue's line) and counting them: the MP4 files' track shows each
    pair as one subtitle at the bottom. `cues` on the frames they are shown on (`snap_cues`),
    `written` the same cues as the file writes them, whose times the note quotes (a snapped
    00:00:01.001 is in no file), as SubRip writes times, as the checks do (`in_file_syntax`). Time
    O(n log n) for n cues: each is compared with the cue ending last in each other row."""
    pairs: list[tuple[Cue, Cue]] = []
    latest_in: dict[str, Cue] = {}
    for cue in sorted(cues, key=lambda cue: (cue.start, cue.line)):
        row = screen_row(cue)
        pairs += [(other, cue) for other_row, other in latest_in.items()
                  if other_row != row and other.end > cue.start]
        if row not in latest_in or cue.end > latest_in[row].end:
            latest_in[row] = cue
    if not pairs:
        return []
    upper, lower = sorted(pairs[0], key=lambda cue: RANK[screen_row(cue)])
    typed = {(cue.index, cue.line): cue.start for cue in written}
    start = max(typed.get((cue.index, cue.line), cue.start) for cue in (upper, lower))
    return [note(say_count(N_plural(
        "cue %(upper)s is shown over cue %(lower)s from %(time)s: the subtitle track of the MP4 "
        "files holds no position, so players show the two as one subtitle at the bottom, the "
        "upper cue's lines first",
        "%(count)s times cues are shown one over another, the first cue %(upper)s over cue "
        "%(lower)s from %(time)s: the subtitle track of the MP4 files holds no position, so "
        "players show each pair as one subtitle at the bottom, the upper cue's lines first"),
        len(pairs), count=len(pairs), upper=upper.index, lower=lower.index,
        time=format_time(start)), path, upper.line,
        say(N_("the burned pictures and the subtitle files beside the video (.srt, .vtt, .ttml) "
               "keep both places; to keep them apart on the track too, time the upper cue where "
               "no other is shown")), code="track-position")]
