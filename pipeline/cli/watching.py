"""What `pipeline watch` prints of each event of `render/watch.py`: what it watches, the files
that changed or are still being copied, their checks, and each variant's outcome, as `render`
says them. Apart from `cli/translate.py`, which parses the command and calls the core."""

from __future__ import annotations

import os

from pipeline.cli.common import echo, emit
from pipeline.cli.language import diagnostic_line, said, said_reasons
from pipeline.cli.outcomes import STATUS, print_warnings
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count
from pipeline.render.reporting import Outcome
from pipeline.render.intermediates import size_text
from pipeline.render.variants import Selection
from pipeline.render.watch import WatchEvent
from pipeline.render.watch_inputs import Watched


def watching_text(watched: Watched) -> Message | str:
    """What watch looks at: the manifest, not its whole folder (nothing else there starts
    anything), and in the subtitles and audio folders that are there (one not there is not
    watched) the subtitle files and recordings, of the selected spots and languages only."""
    manifest = str(watched.manifest)
    kinds = tuple(say(template, folder=os.path.join(folder, "")) for template, folder in
                  ((N_("the subtitle files in %(folder)s"), watched.subtitles),
                   (N_("the recordings in %(folder)s"), watched.audio)) if folder)
    if not kinds:
        return manifest
    selection = watched.selection or Selection()
    named = tuple(say_count(forms, len(names), names=Items(tuple(names)))
                  for forms, names in ((N_plural("spot %(names)s", "spots %(names)s"),
                                        selection.spots),
                                       (N_plural("language %(names)s", "languages %(names)s"),
                                        selection.languages)) if names)
    files = Items(kinds, " and ")
    if named:
        return say(N_("%(manifest)s and, of %(named)s, %(files)s"), manifest=manifest,
                   named=Items(named, " and "), files=files)
    if len(kinds) > 1:
        return say(N_("%(manifest)s, %(files)s"), manifest=manifest, files=files)
    return say(N_("%(manifest)s and %(files)s"), manifest=manifest, files=files)


def print_event(event: WatchEvent) -> None:
    """Print `event` in the terminal's language (a render's error from ffmpeg stays in
    English)."""
    if event.kind == "ready":
        echo(said(say(N_("watching %(what)s (Ctrl-C to stop)"),
                      what=watching_text(event.watching))), err=True)
        return
    if event.kind == "copying":
        for path, size in event.growing:
            echo(said(say(N_("waiting for %(path)s to finish copying (%(size)s so far)"),
                          path=str(path), size=size_text(size))), err=True)
        for diagnostic in event.diagnostics:
            emit(diagnostic)
        return
    # A "changed" event told before its renders (a "checked" one) adds only its outcomes.
    for path in event.paths if not event.told else ():
        echo(said(say(N_("removed: %(path)s") if path in event.removed else
                      N_("changed: %(path)s"), path=str(path))))
    # Rendered with no save of this session to explain it: edited before watch started.
    for plan in event.behind if not event.told else ():
        echo(said(say(N_("out of date: %(variant)s (%(reasons)s)"), variant=plan.variant.key,
                      reasons=said_reasons(plan.reasons))))
    for diagnostic in event.diagnostics if event.kind == "error" else ():
        emit(diagnostic)
    if event.kind == "error":
        echo(said(say(N_("the manifest has errors: nothing rendered; fix it and save again"))),
             err=True)
        return
    shown = set()
    for check in event.checks:
        if not event.told:
            for diagnostic in check.diagnostics:
                emit(diagnostic)
            echo(said(check.summary()))
        shown.update(diagnostic_line(d) for d in check.diagnostics)
    for diagnostic in event.notes if not event.told else ():
        emit(diagnostic)
    for diagnostic in event.diagnostics if not event.told else ():
        emit(diagnostic)
    if event.kind == "checked":
        return
    for outcome in event.outcomes:
        echo(outcome_line(outcome))
    # After the lines, once each under the variants it is on, as `render` says them: a dub's
    # warning was said under each of its profiles' lines. Not again those its check showed.
    print_warnings([o for o in event.outcomes if o.status in ("rendered", "failed")], shown)
    if not event.outcomes:
        echo(said(say(N_("no variant uses this file"))))


def outcome_line(outcome: Outcome) -> str:
    """`  <status>  <variant> <what>`, the status in a column as wide as the widest one in the
    terminal's language."""
    variant = outcome.plan.variant
    status = outcome.status if outcome.status in STATUS else "up-to-date"
    if status == "rendered":
        what = say(N_("in %(seconds)s s"), seconds=Number(outcome.seconds, ".1f"))
    elif status == "failed":
        what = outcome.error.message if outcome.error else ""
    elif status == "blocked":
        what = say(N_("(previous render kept; fix the errors above)")
                   if variant.output.exists() else
                   N_("(not rendered; fix the errors above)"))
    elif status == "remade":     # as render counts it: its file kept, what is beside it made
        what = say(N_("(poster, sidecars or certificate made again)"))
    else:
        what = ""
    width = max(len(said(say(word))) for word in STATUS.values())
    key = f"{variant.key}:" if status == "failed" else variant.key
    return f"  {said(say(STATUS[status])):<{width}}  {key} {said(what)}".rstrip()
