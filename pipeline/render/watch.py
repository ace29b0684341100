"""Watch mode: a translator saves a subtitle file (or a dubbed track), it is checked at once and
the variants it affects are rendered again. On starting, it first catches up with what was
saved while nothing watched: the out-of-date variants are checked and rendered as after a save.

File-system events come from `watchfiles` (inotify and its kin, through the Rust `notify`
crate), debounced, so an editor's save in several writes is one change. The debounce ends a
batch while a copy is still writing (a dub copied from a share takes many seconds), so a file
is checked only once it has settled (render/settling.py: size and modification time unchanged
for a second), each file on its own: a save beside a copy is checked and rendered at once, the
copy once it ends, its wait said if it lasts, and a file named again with nothing new since
it was handled (the copy's later writes) is not checked twice. Files are looked at between
renders: one that starts being copied during a render is waited for once that render ends. A
bad file blocks its variants in the plan, and blocked variants are never rendered: the
previous good render stays where it is until the file is fixed.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection, Iterable, Literal

import watchfiles

from pipeline.errors import CommandLineError, Diagnostic, PipelineError, raise_if_errors
from pipeline.manifest import AUDIO_SUFFIXES, Manifest, load_manifest
from pipeline.manifest.load import InvalidManifest
from pipeline.publish.catalog import write_catalog_through
from pipeline.render.batch import render_plan
from pipeline.render.reporting import Outcome, Reporter
from pipeline.render.lock import Holder, campaign_lock
from pipeline.render.plan import build_plan
from pipeline.render.recording_check import not_voiced
from pipeline.render.settling import Growing, Settled, Signature, Waits, signature
from pipeline.render.sound_input import MISNAMED
from pipeline.render.variants import Plan, Selection, UnknownSelection, VariantPlan
from pipeline.render.watch_inputs import (InputFilter, Pair, Watched, affected_pair, pairs_of,
                                          recently_written, watched_inputs, watched_roots)
from pipeline.subtitles.in_campaign import manifest_settings
from pipeline.subtitles.file_check import CheckResult, check_file

EventKind = Literal["ready", "copying", "checked", "changed", "error"]
# Makes the progress display of one change's renders: entered before they start, left after.
ReporterFactory = Callable[[Plan], AbstractContextManager[Reporter]]


@dataclass(frozen=True)
class WatchEvent:
    """What happened after a change: the files, their checks, what blocked, what was rendered."""

    kind: EventKind
    paths: tuple[Path, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()   # problems that block the affected variants
    # What the sound files checked hold against their names (`_sound_notes`), told with `checks`.
    notes: tuple[Diagnostic, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    watching: Watched | None = None     # a "ready" event's: what is watched
    removed: tuple[Path, ...] = ()
    # A "changed" event whose paths, checks and blocking problems a "checked" event gave
    # before its renders started: only the outcomes are new.
    told: bool = False
    # Variants found stale when watch started or reloaded the manifest (an edit made before,
    # a variant never rendered): named, since no save of this session explains their render.
    behind: tuple[VariantPlan, ...] = ()
    # A "copying" event's files still being written when a batch's wait for them is said.
    growing: Growing = ()


def watch(manifest_path: Path | str, *, on_event: Callable[[WatchEvent], None],
          stop_event: threading.Event | None = None, debounce_ms: int = 800,
          jobs: int = 1, reporter: ReporterFactory | None = None,
          selection: Selection | None = None,
          on_wait: Callable[[Holder], None] | None = None) -> None:
    """Watch the manifest, its subtitles and audio folders until `stop_event` is set.

    Once the watcher is listening, catches up (`catch_up`: the selection's variants out of
    date are checked and rendered as if their files had just been saved, with a save's
    events), then calls `on_event` with a "ready" event, then per batch of changes a
    "checked" event (the files' checks, at once) and a "changed" one after its renders
    (which a `reporter(plan)` follows while they run). A changed file is first waited for
    until it has settled (`Waits`), each on its own: those settled are checked and rendered
    while others are still waited for; a "copying" event names a file still being written
    `NOTICE_AFTER` seconds after it was named, another (with a warning) one still growing after
    `GIVE_UP_AFTER` seconds, which is then checked as it is. The catch-up leaves out the
    languages a file of which is still being copied as watch starts (rendered once it has
    settled). Setting `stop_event` ends a wait at its next poll, and watch. With `selection`,
    only the files of its spots and languages are watched and only its variants rendered (a
    translator's one language). Raises `PipelineError` if the manifest is invalid at the start,
    `CommandLineError` if the selection names what it does not have, or values that select
    nothing together (as `render` does: the names before anything is watched, the combinations
    on the catch-up's plan, the one plan a start builds); later mistakes in it are reported as
    "error" events and the last good manifest is kept. Each batch of changes is planned and
    rendered holding the campaign's lock (render/lock.py), `on_wait(holder)` called when it
    waits for another command's.
    """
    manifest_path = Path(manifest_path)
    manifest = load_selected(manifest_path, selection)
    if selection is not None:
        # Its names checked as render checks them, before anything is watched: a typo would
        # otherwise watch nothing, silently. Their combinations need the plan: the catch-up's,
        # the one plan a start builds.
        selection.check([manifest])
    caught_up = False
    # Each file as it was when its last batch was checked (None: not there).
    handled: dict[Path, Signature | None] = {}
    waits = Waits()     # the files named and not settled yet, each waited for on its own
    while not (stop_event and stop_event.is_set()):
        roots = watched_roots(manifest)
        ready = False
        # yield_on_timeout: an empty batch tells us the watcher is listening (then "ready"),
        # and comes every 250 ms at least, when the files waited for are looked at again.
        for changes in watchfiles.watch(*roots, watch_filter=InputFilter(manifest, selection),
                                        debounce=debounce_ms,
                                        stop_event=stop_event, rust_timeout=250,
                                        yield_on_timeout=True):
            named = {Path(path) for _, path in changes}
            if not caught_up:
                # Once the watcher listens, so a save during these renders is not missed, and
                # before "ready": a save after it is a new change, not one the catch-up saw.
                # Once only: listening again on moved folders follows a reload, which caught up.
                caught_up = True
                # A copy going on as watch starts is waited for too, or the catch-up would
                # check the part of it copied so far; its language only is left out of the
                # catch-up, and rendered once the copy settles.
                waits.add(recently_written(manifest, selection, named))
                settled = _first_looks(waits, stop_event, on_event)
                if settled is None:
                    return
                copying = pairs_of(manifest, waits.paths)
                event, _ = _locked(manifest, (manifest.path,), on_wait, lambda: (catch_up(
                    manifest, jobs=jobs, reporter=reporter, on_checked=on_event,
                    selection=selection, leaving=copying), None))
                handled.update(settled)
                if event is not None:
                    on_event(event)
            if not ready:
                ready = True
                on_event(WatchEvent("ready", watching=watched_inputs(manifest, selection)))
            waits.add(_unhandled(named, handled))
            settled = _looked(waits, on_event).signatures
            if not settled:
                continue
            changed, copying = set(settled), pairs_of(manifest, waits.paths)
            event, reloaded = _locked(manifest, changed, on_wait, lambda: handle_changes(
                manifest, changed, jobs=jobs, reporter=reporter, on_checked=on_event,
                selection=selection, leaving=copying))
            handled.update(settled)
            on_event(event)
            if reloaded is not None:
                folders_moved = watched_roots(reloaded) != roots
                manifest = reloaded
                if folders_moved:
                    break  # listen again, on the folders the manifest names now


def _looked(waits: Waits, on_event: Callable[[WatchEvent], None]) -> Settled:
    """`waits.poll()`, the files it says are still being copied and those it gives up on said
    as "copying" events."""
    settled, noticed = waits.poll()
    if noticed:
        on_event(WatchEvent("copying", growing=noticed))
    if settled.growing:
        on_event(WatchEvent("copying", settled.growing, diagnostics=settled.warnings))
    return settled


def _first_looks(waits: Waits, stop_event: threading.Event | None,
                 on_event: Callable[[WatchEvent], None]) -> dict[Path, Signature | None] | None:
    """The files of `waits` (written just before watch started) looked at until each has
    settled or been found changing, a copy going on (a second at most: two looks); those
    settled, with their signatures. None if `stop_event` was set meanwhile (checked at every
    look). A file saved just before is caught up with, not told as a save after "ready"; a
    copy holds up no other language."""
    pause = stop_event or threading.Event()   # never set: a plain sleep until the next look
    settled: dict[Path, Signature | None] = {}
    while waits.paths - waits.changing:
        if pause.wait(waits.next_look()):
            return None
        settled.update(_looked(waits, on_event).signatures)
    return settled


def load_selected(path: Path, selection: Selection | None) -> Manifest:
    """The manifest; also one whose only errors are of the page's own keys, or, with a
    selection, of the spots, languages or profiles it leaves out (`InvalidManifest.concerns`):
    its entries that have none, as `render` takes it. Raises `ValidationError` otherwise."""
    try:
        return load_manifest(path)
    except InvalidManifest as exc:
        if not all(exc.page_only(d) or selection is not None and d in exc.concerns
                   and selection.leaves_out_entry(*exc.concerns[d]) for d in exc.diagnostics):
            raise
        return exc.manifest


def _unhandled(paths: set[Path], handled: dict[Path, Signature | None]) -> set[Path]:
    """`paths` but those unchanged since their last batch was handled. A copy is still being
    watched while it is waited for and rendered: the next batch names the file again, as it
    was checked and rendered, and its translator saw it checked a second time, 'up to date'."""
    return {path for path in paths if path not in handled or handled[path] != signature(path)}


def _locked(manifest: Manifest, paths, on_wait, work):
    """`work()` holding the campaign's lock; a `PipelineError` it raises as an "error" event,
    but a `CommandLineError` (the catch-up's check of the selection), which it raises."""
    try:
        # Another render of the campaign (one typed beside the watch) first: this one then
        # plans from the files it made.
        with campaign_lock([manifest.campaign_dir], "watch", on_wait=on_wait):
            return work()
    except CommandLineError:
        raise
    except PipelineError as exc:      # a mistake in a file never stops the watcher
        return WatchEvent("error", tuple(sorted(paths)), diagnostics=tuple(exc.diagnostics)), None


def handle_changes(manifest: Manifest, paths: set[Path], *, jobs: int = 1,
                   reporter: ReporterFactory | None = None,
                   on_checked: Callable[[WatchEvent], None] | None = None,
                   selection: Selection | None = None, leaving: Collection[Pair] = ()
                   ) -> tuple[WatchEvent, Manifest | None]:
    """Check the changed files and render what they affect (of `selection`'s variants only,
    but those of the (spot, language) pairs `leaving`, a file of which is still being copied:
    they are rendered once it has settled); (event, the reloaded manifest). `on_checked` is
    given the checks as a "checked" event before the renders start: a translator reads them
    at once, not after the render (whose progress display would hold them back), nor never if
    the render is stopped. A reloaded manifest catches up as watch does on starting: the
    files of the variants out of date are checked too, and those variants named."""
    ordered = tuple(sorted(paths))
    removed = tuple(p for p in ordered if not p.exists())
    reloaded = None
    if manifest.path.resolve() in {p.resolve() for p in paths}:
        try:
            reloaded = load_selected(manifest.path, selection)
        except PipelineError as exc:
            return WatchEvent("error", ordered, diagnostics=tuple(exc.diagnostics),
                              removed=removed), None
        manifest = reloaded
        wanted = None  # everything may have changed
    else:
        wanted = {pair for pair in (affected_pair(manifest, p) for p in paths) if pair}
    try:
        # With the selection: the errors of entries it leaves out leave the rest to render.
        plan = build_plan([manifest.path], selection=selection)
    except UnknownSelection:
        plan = build_plan([manifest.path])   # a saved manifest without a selected name
    if not plan.manifests:  # the manifest broke between the event and now
        return WatchEvent("error", ordered, diagnostics=tuple(plan.diagnostics),
                          removed=removed), reloaded
    # Not checked against a reloaded manifest (no usage error in the middle of watching): a
    # language the manifest no longer has simply selects nothing.
    selected = [v for v in plan.variants
                if (wanted is None or _pair(v) in wanted) and _pair(v) not in leaving
                and (selection is None or selection.wants(v))]
    behind = _behind(selected) if reloaded is not None else []
    event = _check_and_render(manifest, plan, selected, ordered, removed, behind, jobs=jobs,
                              reporter=reporter, on_checked=on_checked)
    return event, reloaded


def catch_up(manifest: Manifest, *, jobs: int = 1, reporter: ReporterFactory | None = None,
             on_checked: Callable[[WatchEvent], None] | None = None,
             selection: Selection | None = None,
             leaving: Collection[Pair] = ()) -> WatchEvent | None:
    """What was saved while nothing watched: `selection`'s variants that are stale (an edit
    made before watch started, never rendered) or blocked, their files checked and those
    variants rendered as after a save of those files; the "changed" event, or None when all
    are up to date (nothing checked, nothing rendered). The variants of the (spot, language)
    pairs `leaving` are left to watch, a file of theirs still being copied: nothing of the part
    copied so far is checked, and no other language waits for the copy. A translator edited
    her file, then started watch, and heard nothing until she saved it again. Raises
    `CommandLineError` if the selection's values, each of which the manifest has, select no
    variant together (as `render` does: the plan says which combinations are not made, and
    why)."""
    plan = build_plan([manifest.path], selection=selection)
    if not plan.manifests:
        return WatchEvent("error", (manifest.path,), diagnostics=tuple(plan.diagnostics))
    if selection is not None:
        selection.check_selected(plan.select(selection))
    selected = _behind(v for v in plan.variants if _pair(v) not in leaving
                       and (selection is None or selection.wants(v)))
    if not selected:
        plan.save_caches()
        return None
    return _check_and_render(manifest, plan, selected, (), (), selected, jobs=jobs,
                             reporter=reporter, on_checked=on_checked)


def _pair(plan: VariantPlan) -> Pair:
    return plan.variant.spot.id, plan.variant.language.code


def _behind(variants: Iterable[VariantPlan]) -> list[VariantPlan]:
    return [v for v in variants if v.status in ("stale", "blocked")]


def _check_and_render(manifest: Manifest, plan: Plan, selected: list[VariantPlan],
                      changed: tuple[Path, ...], removed: tuple[Path, ...],
                      behind: list[VariantPlan], *, jobs: int,
                      reporter: ReporterFactory | None,
                      on_checked: Callable[[WatchEvent], None] | None) -> WatchEvent:
    """The changed files and those of the `behind` variants checked ("checked" event to
    `on_checked`), then the `selected` variants rendered; the "changed" event."""
    files = set(changed) | {path for v in behind for path in _files_of(manifest, v)}
    subtitles = manifest.subtitles_dir.resolve()
    checks = tuple(_check(manifest, plan, path) for path in sorted(files)
                   if subtitles in path.resolve().parents and path.exists()
                   and path.suffix.lower() not in AUDIO_SUFFIXES)
    checked = {check.path.resolve() for check in checks}
    blocking = _blocking(plan, selected, checked)
    notes = _sound_notes(manifest, plan, files)
    named = tuple(v for v in behind if v.status == "stale")  # blocked ones: their outcome says
    if on_checked is not None:
        on_checked(WatchEvent("checked", changed, checks, blocking, notes, removed=removed,
                              behind=named))
    narrowed = Plan(plan.manifests, selected, plan.diagnostics, plan.caches)
    try:
        with reporter(narrowed) if reporter else nullcontext() as progress:
            outcomes = render_plan(narrowed, jobs=jobs, reporter=progress)
    finally:
        # Interrupted too, as `render` does: a Ctrl-C as a render ends, or between two
        # variants, left the files in place and the catalog listing the ones before them.
        problems = write_catalog_through(manifest)
    raise_if_errors(problems)
    return WatchEvent("changed", changed, checks, blocking, notes, tuple(outcomes),
                      removed=removed, told=on_checked is not None, behind=named)


def _files_of(manifest: Manifest, plan: VariantPlan) -> list[Path]:
    """The subtitle and audio files of a variant's spot and language, found as the watcher
    finds them (a blocked variant's plan may not have got as far as naming them)."""
    keep, pair = InputFilter(manifest), _pair(plan)
    folders = ((manifest.subtitles_dir / pair[0]).resolve(), (manifest.audio_dir / pair[0]).resolve())
    return [path for folder in folders if folder.is_dir() for path in sorted(folder.iterdir())
            if keep(None, str(path)) and affected_pair(manifest, path) == pair]


def _check(manifest: Manifest, plan: Plan, path: Path) -> CheckResult:
    """The translator's check of one file, with the master the plan already probed; its
    language is read from its name (a name no variant reads said so)."""
    pair = affected_pair(manifest, path)
    master = next((v.master for v in plan.variants
                   if pair and v.variant.spot.id == pair[0] and v.master is not None), None)
    return check_file(path, **manifest_settings(manifest, path, master=master))


def _sound_notes(manifest: Manifest, plan: Plan, files: set[Path]) -> tuple[Diagnostic, ...]:
    """What planning found the sound files among `files` to hold against their names (a phone's
    AAC named .mp3, a .wav of ADPCM: sound_input.misnamed), as validate and render say it; and
    a recording of a language that takes none (a `soft` or `burn` one), which its variants,
    "up to date", do not use. Not a QC warning of any variant, so no rendered outcome carries
    it: told with the checks, or a translator watching her dub would never hear it."""
    sounds = {path.resolve() for path in files if path.suffix.lower() in AUDIO_SUFFIXES}
    unvoiced = []
    for path in sorted(p for p in files if p.resolve() in sounds and p.exists()):
        pair = affected_pair(manifest, path)
        # The language's entry for that spot: a language listed twice is voiced on some only.
        language = (manifest.language_for(*pair) or next(iter(manifest.entries_of(pair[1])), None)
                    if pair else None)
        if language is not None and not language.needs_audio:
            unvoiced.append(not_voiced(manifest, path, language, alone=False))
    return tuple(d for d in plan.diagnostics if d.code in MISNAMED and d.path is not None
                 and Path(d.path).resolve() in sounds) + tuple(unvoiced)


def _blocking(plan: Plan, selected: list[VariantPlan], checked: set[Path]) -> tuple[Diagnostic, ...]:
    """The plan's errors that block a selected variant, except those of files just checked."""
    reasons = {reason for v in selected if v.status == "blocked" for reason in v.reasons}
    return tuple(d for d in plan.errors if d.format() in reasons
                 and not (d.path is not None and Path(d.path).resolve() in checked))
