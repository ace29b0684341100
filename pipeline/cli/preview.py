"""`pipeline preview`: how a language's subtitles will look, and its dub or voice-over as it
will air, without a full render.

A plain Click command that `cli/main.py` adds to its group: it parses options, calls
`render.preview.make_previews` and prints what each preview made, or why none was.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import MANIFEST, echo, emit, fails_cleanly
from pipeline.cli.language import said, word
from pipeline.media.loudness import Loudness
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count
from pipeline.render.preview import NotMade, Preview, make_previews
from pipeline.render.preview_sound import SOUND_PROFILE

@click.command(help=N_("""Show how a language's subtitles will look, and let its dub or
voice-over be heard as it will air, without a full render.

Writes, next to the variants, a contact sheet (the first frame of every cue, subtitles
burned as they will air; a cue on no frame, never shown, says so), a specimen of every
character of the file (drawn as it will air, with its code points, for a native-speaker
reviewer) and a small 360p video with the subtitles burned:
<output_dir>/<campaign>/<spot>/<spot>.<lang>.preview.png, <spot>.<lang>.specimen.png and
<spot>.<lang>.preview.mp4. The frame is a portrait one
when the manifest makes any for the spot (a line wraps soonest there), else its first
profile's; --profile chooses another. A file with errors gets no preview: its errors are
listed, and an earlier preview of it is removed (it showed the file as it was), saying so.

A dub's or voice-over's video carries its sound as the render makes it (the dub fitted to
the spot; the voice-over mixed over the music bed, the bed ducked under it), levelled to
the proxy's -16 LUFS; a radio spot's (or with --no-video) is a sound file,
<spot>.<lang>.preview.m4a. The recording is checked as validate checks it, and the
loudness measured on the file is printed.

\b
Examples:
  pipeline preview manifests/blue-heart.yaml --lang nah
  pipeline preview manifests/blue-heart.yaml --lang yua          # a dub: hear it
  pipeline preview manifests/blue-heart.yaml --spot not-for-sale-15 --no-video
  pipeline preview manifests/blue-heart.yaml --lang tzh --profile vertical"""))
@MANIFEST
# Parameters are named after their options: PIPELINE_PREVIEW_LANG is read for --lang.
@click.option("--lang", multiple=True, metavar=N_("CODE"),
              help=N_("The language to preview (repeatable; with --spot alone: every one with "
                      "subtitles or a recording)."))
@click.option("--spot", multiple=True, metavar=N_("ID"),
              help=N_("Only this spot (repeatable; default: every spot)."))
@click.option("--profile", metavar=N_("NAME"),
              help=N_("Lay the picture and subtitles out on this profile's frame, turned for a "
                      "portrait master as its variants are (default: the manifest's first portrait "
                      "frame, such as vertical, or messaging on a portrait master; else its first "
                      "video profile)."))
@click.option("--no-video", is_flag=True,
              help=N_("No 360p video: the pictures (sheet, specimen) and a dub's or voice-over's "
                      "sound file."))
@fails_cleanly
def preview(manifest: Path, lang, spot, profile, no_video: bool) -> None:
    if not lang and not spot:
        raise click.UsageError(said(say(N_("say which language (--lang CODE) or spot (--spot "
                                           "ID) to preview"))))
    # The specimen's titles in the terminal's language: the reviewer's.
    previews = make_previews(manifest, languages=lang, spots=spot, profile=profile,
                             video=not no_video, words=said)
    for item in previews:
        if isinstance(item, NotMade):
            for diagnostic in item.error.diagnostics:
                emit(diagnostic)
            errors = sum(d.severity == "error" for d in item.error.diagnostics)
            echo(said(say_count(N_plural("%(spot)s %(language)s: no preview made, because of "
                                         "the error above",
                                         "%(spot)s %(language)s: no preview made, because of "
                                         "the errors above"), errors,
                                spot=item.spot, language=item.language)), err=True)
            _say_removed(item.removed)
            continue
        for diagnostic in item.warnings:
            emit(diagnostic)
        echo(said(say(N_("%(spot)s %(language)s: %(previewed)s in %(seconds)s s"),
                      spot=item.spot, language=item.language, previewed=_previewed(item),
                      seconds=Number(item.seconds, ".1f"))))
        _say_made(item, profile_given=bool(profile))
        _say_removed(item.removed)
    if any(isinstance(item, NotMade) for item in previews):
        sys.exit(1)


# What a preview made, a line each under its spot and language, the values in one column.
PREVIEW_LABELS = {"frame": N_("frame:"), "sheet": N_("contact sheet:"), "specimen": N_("specimen:"),
        "proxy": N_("video:"), "sound": N_("sound:"), "loudness": N_("loudness:")}


def _say_made(item: Preview, profile_given: bool) -> None:
    lines = {}
    if item.profile is not None and (item.sheet or item.proxy):   # a sound file has none
        frame = say(N_("%(width)sx%(height)s of profile %(profile)s"), width=item.profile.width,
                    height=item.profile.height, profile=repr(item.profile.name))
        lines["frame"] = said(frame) + ("" if profile_given else
                                        " " + word(N_("(--profile NAME for another)")))
    lines.update({key: str(path) for key in ("sheet", "specimen", "proxy", "sound")
                  if (path := getattr(item, key))})
    if item.loudness is not None:
        lines["loudness"] = said(_loudness(item.loudness))
    labels = {key: word(label) for key, label in PREVIEW_LABELS.items()}
    width = max(map(len, labels.values())) + 1      # one column whatever a preview made
    for key, text in lines.items():
        echo(f"  {labels[key]:<{width}}{text}")


def _say_removed(paths) -> None:
    # Said, so that nobody looks for them, nor at a copy of them, as this file's.
    for path in paths:
        echo(said(say(N_("  removed the previous preview: %(path)s"), path=str(path))), err=True)


def _previewed(item: Preview) -> Items:
    """What a preview was made of: its cues, its recording (`the dub yua.wav`), or both."""
    parts = [say_count(N_plural("%(count)s cue", "%(count)s cues"), item.cues,
                       count=item.cues)] if item.sheet else []
    if item.recording is not None:
        parts.append(say(N_("the %(what)s %(file)s"), what=say(item.recording.what),
                         file=item.recording.path.name))
    return Items(tuple(parts), last=" and ")


def _loudness(loudness: Loudness) -> Message:
    """A preview's loudness as measured on its file, and what it is measured against."""
    target = Number(SOUND_PROFILE.loudness, "g")
    if not loudness.defined:
        return say(N_("silent (loudness undefined)"))
    if loudness.true_peak is None:
        return say(N_("%(integrated)s LUFS integrated, measured on the file (ebur128); the "
                      "proxy's target: %(target)s LUFS"),
                   integrated=Number(loudness.integrated, ".1f"), target=target)
    return say(N_("%(integrated)s LUFS integrated, true peak %(peak)s dBTP, measured on the "
                  "file (ebur128); the proxy's target: %(target)s LUFS"),
               integrated=Number(loudness.integrated, ".1f"),
               peak=Number(loudness.true_peak, ".1f"), target=target)
