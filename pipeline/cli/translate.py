"""`pipeline check` and `pipeline watch`: the translators' commands, with `pipeline preview`
(cli/preview.py).

Plain Click commands that `cli/main.py` adds to its group. Each parses options, calls one core
function (`file_check.check_file`, `watch.watch`) and prints.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

import click
import langcodes

from pipeline.cli.common import (MANIFEST, echo, emit, fails_cleanly, left_out_summary,
                                 say_waiting, stop_signal, verbosity, with_selectors)
from pipeline.cli.language import said
from pipeline.cli.progress import make_reporter
from pipeline.cli.watching import print_event
from pipeline.errors import Diagnostic, note
from pipeline.files import spelt_on_disk
from pipeline.manifest import AUDIO_SUFFIXES, QcSettings, Style
from pipeline.manifest.input_names import backup_of
from pipeline.media.timecode import parse_rate
from pipeline.messages import N_, Items, say
from pipeline.render.recording_check import check_recording
from pipeline.render.sound_input import SoundCheck
from pipeline.render.variants import Selection
from pipeline.render.watch import watch as watch_manifest
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.in_campaign import campaign_for, manifest_settings
from pipeline.subtitles.file_check import CheckResult, check_file

def _language(ctx, param, value: str | None) -> str | None:
    if value is not None and not langcodes.tag_is_valid(value):
        raise click.BadParameter(said(say(N_("%(value)s is not an ISO 639-3 code or BCP 47 tag "
                                             "(e.g. nah, yua)"), value=repr(value))))
    return value


class Positive(click.FloatRange):
    """A number above 0 and finite: click's range lets 'nan' and 'inf' through, which failed
    `check --duration nan` as an internal error."""

    def __init__(self):
        super().__init__(0, min_open=True)

    def convert(self, value, param, ctx) -> float:
        try:
            float(value)
        except (TypeError, ValueError):
            # Click's "'15s' is not a valid float range." named its type, not what to type.
            self.fail(said(say(N_("%(value)s is not a number of seconds: write it as 15 or "
                                  "14.5"), value=repr(value))), param, ctx)
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(said(say(N_("%(value)s is not a finite number"), value=repr(value))),
                      param, ctx)
        return number


class FrameRate(click.ParamType):
    """A frame rate as subtitlers type it, as the exact rate's float (23.98 is 24000/1001)."""

    name = "fps"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            return value
        try:
            return float(parse_rate(str(value)))
        except ValueError as exc:
            self.fail(said(exc.args[0]), param, ctx)     # parse_rate's Message


# --- check ------------------------------------------------------------------------------------

@click.command(help=N_("""Check subtitle files and recordings before they are delivered: the
problems that would stop them from being rendered, and what professional subtitlers would fix.

Two ways. On its own, a file is checked against the usual thresholds (or --max-cps,
--max-line-chars, --max-lines), with the video's length and frame rate given by --duration
and --fps when known, and burned text fitted on a 1920x1080 frame in --font. With
--manifest, it is checked as `pipeline validate` checks it for its campaign: its language's
thresholds and style, the length, frame rate and timecode of its spot's master (the spot is
the folder the file is in, subtitles/<spot id>/, or --spot), and burned text fitted on every
frame the spot's variants burn it into.

SubRip (.srt), WebVTT (.vtt), ASS/SSA (.ass, .ssa) and TTML (.ttml, .xml, .dfxp) files
are read, each by what its content is. A recording (.wav, .flac, .mp3, .mp2, .m4a, .aac,
.ogg, .opus) is read for what it holds against its name (a .wav of compressed sound is
said to be converted to PCM WAV), its sample rate, and its defects: silence, clipping, a
DC offset, a voice in the wrong channel; with --manifest, all that validate checks of it
against its spot (its length, sound past the spot's end), or what validate says of it
instead (a file it does not use). A file named as one channel of a recording exported as
a mono file per channel (yua.L.wav beside yua.R.wav) gets validate's error for it, with
or without --manifest: the files to join, or the channels missing. With --lang, a
recording validate would not read as that language's under its name (grabacion.wav,
tzo_final.wav) is said so, with the name to give it.

Prints, file by file, PATH:LINE: error|warning: MESSAGE (hint: ...) for every problem,
then the file's summary line. Errors stop the file from being rendered; warnings are worth
fixing (reading speed, line length, durations, gaps, text that will not fit the screen,
mixed apostrophes). Exit code 1 if any file has an error.

\b
Examples (in the demo's folder):
  pipeline check subtitles/not-for-sale-15/nah.srt
  pipeline check subtitles/not-for-sale-15/*.srt --duration 15 --fps 25
  pipeline check subtitles/not-for-sale-15/tzo.vtt subtitles/not-for-sale-15/amu.ass
  pipeline check subtitles/not-for-sale-15/tzh.srt --font "Noto Sans" --max-cps 15 --json
  pipeline check subtitles/not-for-sale-15/tzh.srt --manifest manifests/blue-heart.yaml
  pipeline check subtitles/not-for-sale-15/mix.srt --manifest manifests/blue-heart.yaml \\
      --spot not-for-sale-15
  pipeline check audio/not-for-sale-15/yua.wav
  pipeline check audio/not-for-sale-15/yua.wav --manifest manifests/blue-heart.yaml"""))
@click.argument("subtitles", nargs=-1, required=True, metavar=N_("FILE..."),
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", metavar=N_("CODE"), callback=_language,
              help=N_("The files' language (default: the file name, e.g. nah.vtt is nah)."))
@click.option("--duration", type=Positive(), metavar=N_("SECONDS"),
              help=N_("Length of the spot: cues after its end are reported, and a recording "
                      "is checked against it (its length, sound past the end, dead air) as "
                      "validate checks it."))
@click.option("--fps", type=FrameRate(), metavar=N_("N"),
              help=N_("Frame rate of the video (25, 23.976 or 23.98, 24000/1001, ...): gaps "
                      "between cues are counted in its frames (when not given: a TTML file's "
                      "own ttp:frameRate, else the one rate all the file's times are on, else "
                      "25), and times "
                      "that seem timed to another frame rate, or a cue its frames make shorter "
                      "than the minimum, are reported (only when given)."))
@click.option("--font", metavar=N_("NAME_OR_PATH"),
              help=N_('Font of the burned subtitles, a family or a file (default "Noto Sans").'))
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
              help=N_("Take thresholds, font, duration and frame rate from this campaign manifest, "
                      "and fit burned text on every frame its variants are burned on."))
@click.option("--spot", metavar=N_("ID"),
              help=N_("With --manifest: the files' spot (default: the folder they are in, "
                      "subtitles/<spot id>/)."))
@click.option("--max-cps", type=Positive(), metavar=N_("N"),
              help=N_("Most characters per second (default 17)."))
@click.option("--max-line-chars", type=click.IntRange(1), metavar=N_("N"),
              help=N_("Most characters in a line (default 42)."))
@click.option("--max-lines", type=click.IntRange(1), metavar=N_("N"),
              help=N_("Most lines in a subtitle (default 2)."))
@click.option("--json", is_flag=True, help=N_("Print the results as JSON (for tools)."))
@fails_cleanly
def check(subtitles: tuple[Path, ...], lang, duration, fps, font, manifest, spot, max_cps,
          max_line_chars, max_lines, json: bool) -> None:
    if spot and not manifest:
        raise click.UsageError(said(say(N_("--spot names a spot of the manifest: give "
                                           "--manifest too"))))
    campaign, others = campaign_for(manifest, subtitles, lang, spot) if manifest else (None, {})
    if spot:
        Selection(spots=(spot,)).check([campaign])     # as `render --spot`: exit 2, the ids
    results: list[CheckResult | SoundCheck] = []
    # Absolute, as the manifest's are: --json names the same file from any folder (README),
    # and the terminal shows a path under the current folder relative to it (`echo`).
    # As the manifest's paths: a name typed composed finds the file a Mac stored decomposed.
    for path in (spelt_on_disk(Path(os.path.abspath(given))) for given in subtitles):
        if path.suffix.lower() in AUDIO_SUFFIXES or backup_of(path.name, AUDIO_SUFFIXES):
            results.append(check_recording(path, campaign, spot, lang,
                                           None if campaign else duration))
            continue
        settings = manifest_settings(campaign, path, lang, spot=spot,
                                     burned=bool(font)) if campaign else {
            "qc": QcSettings(), "style": Style(), "language": lang or _code_of(path)}
        overrides = {key: value for key, value in (("max_cps", max_cps),
                                                   ("max_line_chars", max_line_chars),
                                                   ("max_lines", max_lines)) if value}
        settings["qc"] = replace(settings["qc"], **overrides)
        settings.update({key: value for key, value in (("duration", duration), ("fps", fps))
                         if value})
        if duration:     # given: the master's length is not missed
            settings["notes"] = tuple(note for note in settings.get("notes", ())
                                      if note.code != "no-master")
        if font:
            settings["burned"] = True
        # Without its campaign, whether the file's own styles are used is not known: their
        # fonts are noted if not installed.
        results.append(check_file(path, font_name=font, own_fonts=campaign is None, **settings))
    errors = sum(len(r.errors) for r in results)
    if json:
        click.echo(_results_json(results, errors))
    else:
        # File by file, each summary under its problems: a trial lost which file a problem
        # of a long batch was of when every summary came after every problem.
        for result in results:
            for diagnostic in result.diagnostics:
                emit(diagnostic)
            if isinstance(result, CheckResult):
                for diagnostic in _how_checked(result, known_length=bool(campaign or duration)):
                    emit(diagnostic)
            echo(said(result.summary()))
        # The manifest's errors of other spots and languages: the media team's to fix.
        elsewhere = left_out_summary(others, N_("that are not these files'"),
                                     say(N_("run %(command)s"),
                                         command=f"pipeline validate {manifest}"))
        if elsewhere:
            echo(elsewhere, err=True)
    if errors:
        sys.exit(1)


def _how_checked(result: CheckResult, known_length: bool) -> list[Diagnostic]:
    """The notes of how a subtitle file was checked that its own diagnostics do not say: the
    frame rate its gaps were counted at when it is the file's own, and, once a file (not per
    cue), that cues after the video's end cannot be found without its length (`known_length`
    false; `late_start` still warns of one an hour in). None after a file of no cue read (an
    EBU STL file, a README): there was nothing to time."""
    notes = []
    if result.counted_at and result.counted_at[1] in ("ttp:frameRate", "times"):
        # Not the video's, which may differ: said, as 25 fps assumed is.
        notes.append(note(say(N_("frames are counted at %(rate)s, the rate the file gives "
                                 "(ttp:frameRate); give --fps for the video's own")
                              if result.counted_at[1] == "ttp:frameRate" else
                              N_("frames are counted at %(rate)s, the rate all the file's times "
                                 "are on; give --fps for the video's own"),
                              rate=str(FrameGrid.at(result.counted_at[0]))), result.path))
    if not known_length and result.cues:
        notes.append(note(say(N_("the video's length is not known, so cues after its end are "
                                 "not found")), result.path,
                          hint=say(N_("give --duration SECONDS, or --manifest"))))
    return notes


def _results_json(results: list[CheckResult | SoundCheck], errors: int) -> str:
    return json.dumps({"files": [r.to_json() for r in results], "errors": errors,
                       "warnings": sum(len(r.warnings) for r in results)},
                      indent=2, ensure_ascii=False)


def _code_of(path: Path) -> str | None:
    return path.stem if langcodes.tag_is_valid(path.stem) else None


# --- watch ------------------------------------------------------------------------------------

@click.command(help=N_("""Check and re-render as soon as a subtitle or audio file changes.

Watches the manifest and its subtitles and audio folders. A new or saved file is checked
at once; the variants of its spot and language are rendered again. On starting, the
variants already out of date (a file edited before) are checked and rendered the same
way. A file with errors is reported and the previous good render is kept. --spot, --lang
and --profile narrow it as they narrow `pipeline render`: only those files are watched,
only those variants rendered. A file still being copied in is waited for (up to 10
minutes) and checked once, whole; the other files are not held up by it. Stop with
Ctrl-C, SIGTERM or SIGHUP: exit code 0, or 128 + the signal's number (130 for Ctrl-C)
if a render was running then (it is abandoned: nothing partial is left, the previous
render of those variants stays).

\b
Examples:
  pipeline watch manifests/blue-heart.yaml
  pipeline watch manifests/blue-heart.yaml --lang nah --profile proxy"""))
@MANIFEST
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              metavar=N_("N"),
              help=N_("Variants rendered at once after a change."))
@click.option("--debounce", type=click.IntRange(50, 60_000), default=800, show_default=True,
              metavar=N_("MS"), help=N_("Wait this long for more changes before starting."))
@with_selectors
@fails_cleanly
def watch(manifest: Path, jobs: int, debounce: int, spot, lang, profile) -> None:
    displays = []   # the progress display of the latest change (it knows what is running)

    def progress_display(plan):
        displays[:] = [make_reporter(plan, quiet=verbosity().quiet, transient=True)]
        return displays[0]

    try:
        watch_manifest(manifest, on_event=print_event, debounce_ms=debounce, jobs=jobs,
                       reporter=progress_display, on_wait=say_waiting,
                       selection=Selection(spot, lang, profile) if spot or lang or profile else None)
    except KeyboardInterrupt as exc:     # later presses are ignored (fails_cleanly)
        running = sorted(displays[0].running) if displays else []
        if running:
            echo(said(say(N_("stopped watching; the render of %(variants)s was abandoned (no "
                             "partial file left; save again or run `pipeline render` to finish "
                             "it)"), variants=Items(tuple(running)))), err=True)
            sys.exit(128 + stop_signal(exc))
        echo(said(say(N_("stopped watching"))), err=True)

