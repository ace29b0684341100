"""Planning: every variant (spot x language x profile), its inputs, fingerprint and status.

Validation happens here, all at once and before any rendering: a problem in one language's
file blocks that language's variants only, and every problem is reported in one run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, PipelineError, error, in_file_order
from pipeline.fingerprint import CACHE_NAME, HashCache
from pipeline.manifest import Manifest, load_manifest
from pipeline.manifest.load import InvalidManifest, checkable
from pipeline.manifest.model import Concern
from pipeline.messages import N_, say
from pipeline.publish.i18n import misnamed_languages, unnamed_languages
from pipeline.render.planner import Planner
from pipeline.render.unused_inputs import unused_by_spot
from pipeline.render.variants import Plan, Selection, VariantPlan
from pipeline.subtitles.title_safe import frame_merges


def build_plan(manifest_paths: Iterable[Path | str], *, force: bool = False,
               selection: Selection | None = None) -> Plan:
    """Every variant of the manifests, planned; combinations that do not apply (a video profile
    on a radio spot, an audio-only profile for a language without a sound of its own) are in
    `skipped`, with the reason. With `selection`, the plan is narrowed to the variants it
    wants, and a value it names that no manifest has raises `UnknownSelection` before anything
    is probed."""
    manifest_paths = [Path(path) for path in manifest_paths]     # loaded, then ranked
    manifests, variants, skipped, diagnostics = [], [], [], []
    campaigns: dict[Path, Manifest] = {}
    unreadable = False
    unplanned: dict[Path, int] = {}
    valid_parts: list[Manifest] = []     # of manifests with schema errors: files checked only
    about: dict[Diagnostic, Concern] = {}   # of entries the selection leaves out
    for path in manifest_paths:
        try:
            manifest = load_manifest(path)
        except PipelineError as exc:
            diagnostics.extend(exc.diagnostics)
            # The errors of the spots, languages or profiles a selection leaves out are left
            # out with them; when they are all the manifest's, the rest of it is whole.
            invalid = exc if isinstance(exc, InvalidManifest) else None
            aside = {d: concern for d, concern in (invalid.concerns if invalid else {}).items()
                     if selection is not None and selection.leaves_out_entry(*concern)}
            about.update(aside)
            if invalid and all(d in aside or invalid.page_only(d) for d in invalid.diagnostics):
                manifest = invalid.manifest
            else:
                unreadable = True
                # Counted as said: once each (an alias repeats its error once a use).
                unplanned[path] = len({d for d in exc.diagnostics
                                       if d.severity == "error" and d not in aside})
                if invalid:     # the selected entries' files checked, as the selection's
                    valid_parts.append(checkable(selection.narrowed(invalid.manifest)
                                                 if selection else invalid.manifest))
                continue
        other = campaigns.setdefault(manifest.campaign_dir.resolve(), manifest)
        if other.path.resolve() == manifest.path.resolve() and other is not manifest:
            continue                                   # the same manifest named twice
        if other is not manifest:
            # One catalog per campaign folder: each manifest's render would list its own
            # variants only, and the last one written would hide the other's from publishing.
            diagnostics.append(error(
                say(N_("campaign %(campaign)s is also %(other)s's, with the same output folder "
                       "(%(folder)s): its variants are not planned"),
                    campaign=repr(manifest.campaign), other=str(other.path),
                    folder=str(manifest.campaign_dir)), manifest.path,
                manifest.line_of("campaign"), say(N_("give this manifest a campaign name of its "
                                                     "own, or merge the two manifests into one"))))
            unplanned[path] = 1
            continue
        manifests.append(manifest)
    # A manifest that cannot be read may be the one that has the name: its error is reported
    # then, not the name.
    if selection is not None and not unreadable:
        selection.check(manifests)
    caches: dict[Path, HashCache] = {}
    for manifest, files_only in [(m, False) for m in manifests] + [(m, True) for m in valid_parts]:
        cache = caches.setdefault(manifest.output_dir,
                                  HashCache(manifest.output_dir / CACHE_NAME, fresh=force))
        planner = Planner(manifest, cache, force)
        planned_variants = planner.plan()
        diagnostics.extend(planner.diagnostics)
        if files_only:
            continue     # a manifest that cannot be rendered has no variants to plan
        for planned in planned_variants:
            (skipped if planned.status == "skipped" else variants).append(planned)
        # Of the languages run only: `render --lang tzh` says nothing of oto's name.
        chosen = selection.languages if selection else ()
        diagnostics.extend(unnamed_languages(manifest, chosen)
                           + misnamed_languages(manifest, chosen))
        # A spot's own files: a --spot of another leaves them out, as its variants.
        for spot, unused in unused_by_spot(manifest).items():
            diagnostics.extend(unused)
            about.update((found, ("spot", spot)) for found in unused)
    # Each file's problems by line, as `check` prints them, though found check after check (its
    # reading, its QC, its fit on each frame); the manifests' own first.
    # A cue's fit on each frame, found variant by variant, is said once naming the frames.
    merges = frame_merges(_unique(diagnostics))
    plan = Plan(manifests, variants, in_file_order(list(merges), manifest_paths),
                caches, skipped, unplanned, about=about,
                parts={merged: parts for merged, parts in merges.items() if parts != (merged,)})
    if selection is None:
        return plan
    selected = plan.select(selection)
    if not unreadable:
        selection.check_selected(selected)
    return selected


def plan_manifest(manifest: Manifest, cache: HashCache) -> list[VariantPlan]:
    """Every variant of one loaded `manifest`, planned as `build_plan` plans it (each file
    probed, analysed and checked as validate checks it), the skipped ones with their reason:
    for `preview`, which narrows the manifest to a spot and language (`Selection.narrowed`)
    so that no other language's files are read."""
    return Planner(manifest, cache, False).plan()


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return list(dict.fromkeys(diagnostics))
