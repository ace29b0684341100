"""One subtitle file checked as translators check it (`check`, `watch`): everything wrong with
it in one result, the reader's errors and repairs, the glyphs its font lacks, the QC warnings
(subtitles/qc.py) and the fit on each frame it is burned into, its times between the video's
frames (subtitles/off_grid.py), a cue an hour late when the video's length is not known
(`qc.late_start`), each said as the file writes times.

A file that cannot be read, or whose font cannot be found, is a result with an error, not an
exception: the other files of a batch are still checked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, Findings, PipelineError, in_file_order, note
from pipeline.manifest import QcSettings, Style
from pipeline.messages import N_, Message, N_plural, say, say_count
from pipeline.subtitles.file_styles import style_fonts, style_glyphs
from pipeline.subtitles.file_times import in_file_syntax
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.formats import FORMATS, NOT_PICKED_UP, format_of_name, read_subtitles
from pipeline.subtitles.frames import FrameGrid, snap_cues
from pipeline.subtitles.mp4_track import shown_together
from pipeline.subtitles.off_grid import off_grid_times, timed_rate
from pipeline.subtitles.qc import DEFAULT_FPS, check_cues, check_fit, late_start


@dataclass(frozen=True)
class CheckResult(Findings):
    path: Path
    cues: int
    diagnostics: tuple[Diagnostic, ...]
    language: str | None = None
    format: str | None = None       # the registry's name of the format found in the file
    in_file: int | None = None      # cues in the file, read or not (None: `cues`)
    # (frames a second, where that rate comes from): gaps were counted in its frames. From
    # "video" (given), "ttp:frameRate" (the file's own, for want of the video's), "times" (the
    # one rate its times are on, for want of both: `off_grid.timed_rate`) or "assumed".
    counted_at: tuple[float, str] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, name: str | None = None) -> Message:
        """"nah.srt: 12 cues, 0 errors, 1 warning", as a message a Spanish terminal says."""
        # The format is named when the file's name does not already say it (`nah.srt` that
        # holds WebVTT, or `notes.txt`).
        named = format_of_name(self.path)
        found = f" ({FORMATS[self.format].label})" \
            if self.format and (named is None or named.name != self.format) else ""
        # A cue rejected for an error is still one of the file's: "1 of 3 cues read".
        cues = (say_count(N_plural("%(read)s of %(count)s cue read",
                                   "%(read)s of %(count)s cues read"),
                          self.in_file, read=self.cues, count=self.in_file)
                if self.in_file and self.in_file > self.cues else
                say_count(N_plural("%(count)s cue", "%(count)s cues"), self.cues,
                          count=self.cues))
        return say(N_("%(file)s%(format)s: %(cues)s, %(errors)s, %(warnings)s"),
                   file=str(name or self.path), format=found, cues=cues,
                   errors=say_count(N_plural("%(count)s error", "%(count)s errors"),
                                    len(self.errors), count=len(self.errors)),
                   warnings=say_count(N_plural("%(count)s warning", "%(count)s warnings"),
                                      len(self.warnings), count=len(self.warnings)))

    def to_json(self) -> dict:
        return {"path": str(self.path), "language": self.language, "format": self.format,
                "cues": self.cues, "cues_in_file": self.in_file or self.cues,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "frames_counted_at": {"fps": round(self.counted_at[0], 3),
                                      "from": self.counted_at[1]} if self.counted_at else None,
                "diagnostics": [d.to_json() for d in self.diagnostics]}


def check_file(path: str | Path, *, qc: QcSettings = QcSettings(), duration: float | None = None,
               fps: float | None = None, font_name: str | None = None, style: Style | None = None,
               burned: bool = True, frames: Iterable[tuple[int, int]] = ((1920, 1080),),
               language: str | None = None, notes: Iterable[Diagnostic] = (),
               timecode: str | None = None, own_fonts: bool = False,
               tracked: bool = False) -> CheckResult:
    """Everything wrong with one subtitle file: reader errors, missing glyphs, QC warnings.

    The font is `font_name` (a family or a file), else the style's; the title-safe fit is
    measured on each of `frames` (`title_safe.burned_frames`), as validate measures it. With
    `burned` false (a track the viewer's player draws) glyphs and the fit are not checked.
    An unreadable file or a font that cannot be found is an error in the result, so the other
    files of a batch are still checked. `notes` are warnings about how it is checked (no spot
    matched: `in_campaign.manifest_settings`), reported with the file's. `fps` is the video's
    frame rate; without it, frames are counted at the rate the file says it is timed at (a TTML
    file's ttp:frameRate times ttp:frameRateMultiplier, TTML1 §6.2.4-6.2.5), else at the one
    rate its times are on when they are not on 25 fps's frames, else at 25 fps (`counted_at`
    says which). `timecode` is the master's own start timecode: a file timed to
    it is read from there, with a note (`master_timecode.py`). With `own_fonts` (a file
    checked without its campaign, which may take its styles or not), the fonts its own styles
    name that are not installed are noted (`_uninstalled_style_fonts`). `tracked`: its
    campaign carries it as an MP4 track too (`Manifest.tracks`), which shows cues placed one
    over another as one subtitle (`mp4_track.shown_together`).
    """
    path = Path(path)
    style = style or Style()
    try:
        subtitles = read_subtitles(path, duration=duration, fps=fps,
                                   style=style, burned=burned, timecode=timecode,
                                   language=language)
    except PipelineError as exc:
        return CheckResult(path, 0, (*notes, *exc.diagnostics), language)
    cues = list(subtitles.cues)
    notes = tuple(notes)
    # Said not used by the campaign, with why: its name is not said again in general words
    # (a trial's nah.srt.txt had both, with the same hint).
    unused = any(note.code == "unused-input" for note in notes)
    diagnostics = [*notes, *(d for d in subtitles.diagnostics if not (
        unused and d.detail is not None and d.detail.template == NOT_PICKED_UP))]
    font, own_styles = None, {}
    if burned:
        try:
            font = resolve_font(font_name or style.font)
            own_styles = style_fonts(subtitles, font.family) if style.from_file else {}
        except PipelineError as exc:   # reported on this file; the batch goes on
            # Each keeps its messages, said in the terminal's language (a trial's Spanish check
            # said the font's error in English).
            diagnostics += [replace(found, severity="error", path=path, code="font",
                                    line=found.line if found.path == path else None)
                            for found in exc.diagnostics]
            font = None
        else:
            diagnostics += style_glyphs(cues, own_styles, font, path)
            if own_fonts and not style.from_file:
                diagnostics += _uninstalled_style_fonts(subtitles, font.family, path)
    rate = fps or (float(subtitles.frame_rate) if subtitles.frame_rate else None)
    counted_at = ((rate, "video" if fps else "ttp:frameRate") if rate
                  else (DEFAULT_FPS, "assumed"))
    timed = timed_rate(cues, subtitles.format, DEFAULT_FPS) if rate is None else None
    if timed is not None:      # its gaps counted on the frames its times are on, not 25's
        rate, counted_at = float(timed), (float(timed), "times")
    diagnostics += in_file_syntax(
        check_cues(cues, path, qc=qc, fps=rate, style=None, font=None, fmt=subtitles.format,
                   language=language)
        + ([] if font is None else check_fit(cues, path, qc=qc, style=style, font=font,
                                             frames=frames, file_styles=own_styles))
        # Timed to the video's frames or not: only its own rate can tell, not the file's.
        + off_grid_times(cues, path, fps, fmt=subtitles.format, notation=subtitles.notation,
                         qc=qc)
        # Past its end when the video's length is known; its time as the file writes times.
        + (late_start(cues, path) if duration is None else [])
        + (shown_together(snap_cues(cues, fps, subtitles.format), path, cues) if tracked
           else []),
        subtitles.format, subtitles.origin, subtitles.notation,
        FrameGrid.at(rate or DEFAULT_FPS, subtitles.format))
    return CheckResult(path, len(cues), tuple(in_file_order(diagnostics)), language,
                       subtitles.format, subtitles.in_file, counted_at)


def _uninstalled_style_fonts(subtitles, campaign_font: str, path: Path) -> list[Diagnostic]:
    """A note for each font the file's own styles name that is not installed, said as what it
    would be where a campaign takes the file's styles (`style: {from_file: true}`): a trial's
    Aegisub file (every style in Arial) passed `check`, and its language was blocked in the
    campaign that took its styles."""
    try:
        style_fonts(subtitles, campaign_font)
    except PipelineError as exc:
        return [note(say(N_("where a campaign takes this file's own styles (a language's "
                            "style: {from_file: true}): %(problem)s"),
                         problem=found.detail or found.message),
                     path, found.line, found.hint_detail or found.hint, "font")
                for found in exc.diagnostics]
    return []
