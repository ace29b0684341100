"""A language's subtitle file as planning takes it: read at its spot's master's length and frame
rate, QC'd, and for a burned language its fit measured on each frame it is burned into.

Every problem of the file is found in one run, as `check` finds them: the cues that could be read
are checked even when others could not, and a burned file's fit and glyphs are said with its
reading errors, so that fixing those brings no second round of problems.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, PipelineError, in_file_order, raise_if_errors
from pipeline.manifest import Language
from pipeline.media.probe import MediaInfo
from pipeline.subtitles.file_styles import style_fonts, style_glyphs
from pipeline.subtitles.fonts import Font, resolve_font
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.frames import FrameGrid, snap_cues
from pipeline.subtitles.file_times import in_file_syntax
from pipeline.subtitles.model import Cue
from pipeline.subtitles.mp4_track import shown_together
from pipeline.subtitles.qc import check_cues, check_fit
from pipeline.subtitles.title_safe import BurnedFrame


def read_language_file(path: Path, language: Language, master: MediaInfo,
                       frames: list[BurnedFrame], tracked: bool = False
                       ) -> tuple[tuple[Cue, ...], list[Diagnostic], dict]:
    """(cues on the master's frames and within its length, the file's warnings and notes,
    its own styles' fonts (ASS/SSA, for a language that takes them and is burned into some of
    its variants)) of `path`. A file timed to the master's own timecode is
    read from the master's start (`master_timecode.py`), here, so that every output of it
    (burned, track, sidecars, poster) has the same times; its note says so. `frames` are the
    pictures the language is burned into (none: it is burned into none, `Manifest.burns`),
    whose fit is said with the file's reading errors. `tracked`: some of its variants carry
    it as an MP4 track, which shows cues placed one over another as one (`shown_together`).
    Raises `ValidationError` with every problem found when any is an error."""
    fps = master.video.fps if master.video else None
    burned = bool(frames)
    subtitles = read_subtitles(path, duration=master.duration, fps=fps,
                               style=language.style,
                               burned=burned, timecode=master.timecode)
    own_styles = {}
    if burned and language.style.from_file:
        own_styles = style_fonts(subtitles, language.style.font)   # empty unless ASS/SSA
    cues = as_rendered(subtitles.cues, subtitles.format, master)
    # QC at the master's real frame rate; a burned language's fit on each frame it is burned
    # into, given to that frame's variants only (fit_on_frame).
    checked = in_file_syntax(check_cues(subtitles.cues, path, qc=language.qc, fps=fps,
                                        style=None, font=None, fmt=subtitles.format,
                                        language=language.code)
                             + (shown_together(cues, path, subtitles.cues) if tracked else []),
                             # Its times as the file writes them, as `check` says them: a
                             # trial's SMPTE TTML was told 00:00:04.638 by validate, 01:00:04:19
                             # by check.
                             subtitles.format, subtitles.origin, subtitles.notation,
                             FrameGrid.at(fps, subtitles.format) if fps else None)
    found = [*subtitles.diagnostics, *checked]
    if subtitles.errors and burned:
        found += _unreached_burn_checks(subtitles, language, own_styles, path, frames)
    raise_if_errors(in_file_order(found))
    return cues, [*subtitles.notes, *subtitles.warnings, *checked], own_styles


def as_rendered(cues: Iterable[Cue], fmt: str, master: MediaInfo) -> tuple[Cue, ...]:
    """`cues` of a file of the registry's format `fmt` as every output of them has them (burned,
    sidecars, track; `preview`'s burn too): on the master's frames, without those on no frame
    (`frames.snap_cues`), and ending with it: a cue past the end (a warning, "it will be cut")
    made a soft variant's text track, and so the file, 0.4 s longer than its spot."""
    end = round(master.duration * 1000)
    snapped = snap_cues(cues, master.video.fps if master.video else None, fmt)
    return tuple(replace(cue, end=min(cue.end, end)) for cue in snapped if cue.start < end)


def _unreached_burn_checks(subtitles, language: Language, own_styles: dict, path: Path,
                           frames: Iterable[BurnedFrame]) -> list[Diagnostic]:
    """What a burned file's variants would be told of its fit on each frame and of its glyphs,
    which they never reach when its reading errors block them."""
    try:
        font = resolve_font(language.style.font)
    except PipelineError:   # reported, and blocking, where planning resolves the font
        return []
    found = check_fit(list(subtitles.cues), path, qc=language.qc, style=language.style,
                      font=font, frames=frames, file_styles=own_styles)
    return found + list(style_glyphs(subtitles.cues, own_styles, font, path))


def fit_on_frame(cues: Iterable[Cue], path: Path, language: Language, font: Font,
                 frame: BurnedFrame, file_styles: dict) -> list[Diagnostic]:
    """The burned text's fit on one frame (`frame`: its pixels, and a pillarboxed picture's
    columns), for that frame's variants only: a cue that does not fit a 1080x1920 `vertical`
    frame is no warning of the same language's 1280x720 `messaging` variant. Raises
    `ValidationError` for text the frame cannot hold (it would be burned cut off), which blocks
    that frame's variants only."""
    found = check_fit(list(cues), path, qc=language.qc, style=language.style, font=font,
                      frames=[frame], file_styles=file_styles)
    raise_if_errors(found)
    return found


def master_settings(master: MediaInfo | None) -> dict:
    """`read_subtitles`'s length, frame rate and start timecode of `master` (none if None)."""
    if master is None:
        return {}
    return {"duration": master.duration, "fps": master.video.fps if master.video else None,
            "timecode": master.timecode}


def language_font(language: Language, manifest_path: Path) -> Font:
    """The font a burned language's style names, found; a `PipelineError` at the language's
    line of the manifest if it cannot be."""
    try:
        return resolve_font(language.style.font)
    except PipelineError as exc:
        raise PipelineError(exc.said_message, manifest_path, language.line,
                            exc.said_hint) from None
