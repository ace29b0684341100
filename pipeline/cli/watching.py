"""What `pipeline watch` prints of each event of `render/watch.py`: what it watches, the files
that changed or are still being copied, their checks, and each variant's outcome, as `render`
says them. Apart from `cli/translate.py`, which parses the commands and calls the core."""

from __future__ import annotations

import os

from pipeline.cli.common import echo, emit
from pipeline.cli.language import diagnostic_line, said
from pipeline.cli.outcomes import print_warnings
from pipeline.render.reporting import Outcome
from pipeline.render.intermediates import size_text
from pipeline.render.variants import Selection
from pipeline.render.watch import WatchEvent
from pipeline.render.watch_inputs import Watched


def watching_text(watched: Watched) -> str:
    """What watch looks at: the manifest, not its whole folder (nothing else there starts
    anything), and in the subtitles and audio folders that are there (one not there is not
    watched) the subtitle files and recordings, of the selected spots and languages only."""
    kinds = [f"the {kind} in {os.path.join(folder, '')}" for kind, folder in
             (("subtitle files", watched.subtitles), ("recordings", watched.audio)) if folder]
    if not kinds:
        return str(watched.manifest)
    selection = watched.selection or Selection()
    named = [f"{word}{'s' if len(names) > 1 else ''} {', '.join(names)}"
             for word, names in (("spot", selection.spots), ("language", selection.languages))
             if names]
    files = " and ".join(kinds)
    if named:
        return f"{watched.manifest} and, of {' and '.join(named)}, {files}"
    return f"{watched.manifest}{', ' if len(kinds) > 1 else ' and '}{files}"


def print_event(event: WatchEvent) -> None:
    if event.kind == "ready":
        echo(f"watching {watching_text(event.watching)} (Ctrl-C to stop)", err=True)
        return
    if event.kind == "copying":
        for path, size in event.growing:
            echo(f"waiting for {path} to finish copying ({size_text(size)} so far)",
                 err=True)
        for diagnostic in event.diagnostics:
            emit(diagnostic)
        return
    # A "changed" event told before its renders (a "checked" one) adds only its outcomes.
    for path in event.paths if not event.told else ():
        echo(f"{'removed' if path in event.removed else 'changed'}: {path}")
    # Rendered with no save of this session to explain it: edited before watch started.
    for plan in event.behind if not event.told else ():
        echo(f"out of date: {plan.variant.key} ({'; '.join(plan.reasons)})")
    for diagnostic in event.diagnostics if event.kind == "error" else ():
        emit(diagnostic)
    if event.kind == "error":
        echo("the manifest has errors: nothing rendered; fix it and save again", err=True)
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
        echo("no variant uses this file")


def outcome_line(outcome: Outcome) -> str:
    variant = outcome.plan.variant
    if outcome.status == "rendered":
        return f"  rendered    {variant.key} in {outcome.seconds:.1f} s"
    if outcome.status == "failed":
        return f"  failed      {variant.key}: {outcome.error.message if outcome.error else ''}"
    if outcome.status == "blocked":
        kept = "previous render kept" if variant.output.exists() else "not rendered"
        return f"  blocked     {variant.key} ({kept}; fix the errors above)"
    if outcome.status == "remade":     # as render counts it: its file kept, what is beside it made
        return f"  remade      {variant.key} (poster, sidecars or certificate made again)"
    return f"  up to date  {variant.key}"
