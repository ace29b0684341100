"""What `validate`, `plan` and `render` say of a plan: its diagnostics, its summary line (the
variants' counts in the terminal's language, the errors and warnings said above it), the files
no variant owns, and `plan --json`'s document with each master's view and start timecodes."""

from __future__ import annotations

import json

from pipeline.cli.common import echo, emit, left_out_summary
from pipeline.cli.language import said
from pipeline.cli.outcomes import COUNTED
from pipeline.media.conform import Master
from pipeline.messages import N_, N_plural, say, say_count
from pipeline.render.intermediates import unused_intermediates, unused_warning
from pipeline.render.leader import start_timecodes
from pipeline.render.strays import stray_files, stray_warning
from pipeline.render.variants import Plan


def report_plan_diagnostics(plan: Plan) -> None:
    for diagnostic in plan.diagnostics:
        emit(diagnostic)


def report_strays(plan: Plan, whole: bool) -> None:
    """A warning per campaign folder holding files of no variant (render/strays.py): they are
    never published, and only `pipeline clean --delete` deletes them. With `whole` (no
    --spot, --lang or --profile: the plan has every variant), another for the intermediates
    under `.work/` none of them uses (render/intermediates.py)."""
    for manifest in plan.manifests:
        found = [stray_warning(manifest, stray_files(manifest))]
        if whole:
            found.append(unused_warning(manifest, unused_intermediates(manifest, plan.variants)))
        for diagnostic in found:
            if diagnostic is not None:
                emit(diagnostic)


# A variant's status as `plan` lists it: the contract's words in English (scripts read
# `--json`), the terminal's in another language (a trial's Spanish `plan` read "stale ...
# (sin generar aún)" where `render --dry-run` said "se generaría").
PLAN_STATUS = {"up-to-date": N_("up-to-date"), "stale": N_("stale"), "blocked": N_("blocked"),
               "skipped": N_("skipped")}
# A stale variant completed from its rendered file (`VariantPlan.remake`): "stale" in English,
# else what the summary counts it as (a trial's Spanish plan listed "por generar" lines under
# "0 por generar, 248 por completar").
TO_COMPLETE = N_("to complete")


def plan_summary(plan: Plan) -> str:
    """The plan's counts ("63 variants: 0 up to date, 63 to render, 0 blocked") and the
    manifests that could not be planned, in the terminal's language."""
    # Not among the counted variants: "56 blocked (42 not applicable)" read as 42 of the 56.
    skipped = say_count(N_plural("; %(count)s more not applicable (skipped)",
                                 "; %(count)s more not applicable (skipped)"),
                        len(plan.skipped), count=len(plan.skipped)) if plan.skipped else ""
    remakes = sum(1 for v in plan.variants if v.status == "stale" and v.remake)
    remade = say(N_(", %(count)s to complete from their rendered files"),
                 count=remakes) if remakes else ""
    stale = plan.count("stale") - remakes
    counts = said(say(N_("%(variants)s: %(current)s, %(stale)s%(remade)s, %(blocked)s%(skipped)s"),
                      variants=say_count(N_plural("%(count)s variant", "%(count)s variants"),
                                         len(plan.variants), count=len(plan.variants)),
                      current=say_count(N_plural("%(count)s up to date", "%(count)s up to date"),
                                        plan.count("up-to-date"), count=plan.count("up-to-date")),
                      stale=say_count(N_plural("%(count)s to render", "%(count)s to render"),
                                      stale, count=stale),
                      remade=remade, skipped=skipped,
                      blocked=say_count(COUNTED["blocked"], plan.count("blocked"),
                                        count=plan.count("blocked"))))
    # Alone after a manifest's errors, "0 variants" read as a valid manifest with none in it.
    return "; ".join(([counts] if plan.manifests else []) + unplanned_summary(plan))


def said_counts(plan: Plan) -> str:
    """The errors and warnings said of the plan ("1 error, 4 warnings"; notes are neither);
    "in all" after a manifest's own count ("its 2 errors; 2 errors, 0 warnings" read as a
    repetition, and "its 2 errors; 3 errors" as a contradiction)."""
    warnings = sum(d.severity == "warning" for d in plan.diagnostics)
    counts = say(N_("%(errors)s, %(warnings)s"),
                 errors=say_count(N_plural("%(count)s error", "%(count)s errors"),
                                  len(plan.errors), count=len(plan.errors)),
                 warnings=say_count(N_plural("%(count)s warning", "%(count)s warnings"),
                                    warnings, count=warnings))
    return said(say(N_("in all: %(counts)s"), counts=counts) if plan.unplanned else counts)


def report_summary(plan: Plan) -> None:
    """The plan's summary line, with the errors and warnings said above it (a trial's `plan`
    exited 1 under a summary that named none), then what the selection left out."""
    echo(f"{plan_summary(plan)}; {said_counts(plan)}", err=True)
    left_out = left_out_summary(plan.left_out)
    if left_out:
        echo(left_out, err=True)


def unplanned_summary(plan: Plan) -> list[str]:
    """A sentence for each manifest that could not be planned."""
    return [said(say(N_("%(path)s could not be planned because of its %(errors)s"),
                     path=str(path), errors=say_count(N_plural("%(count)s error",
                                                               "%(count)s errors"),
                                                      count, count=count)))
            for path, count in plan.unplanned.items()]


Starts = dict[str, tuple[str, str]]     # profile -> (its file's start timecode, programme's)


def plan_masters(plan: Plan) -> dict[tuple[str, str], tuple[Master, Starts]]:
    """Each (campaign, spot)'s master, and where each profile of its planned variants that
    sets a timecode starts its file and its programme: one pass over the variants (a pass per
    spot made `plan` quadratic in spots: 3,200 took 18 s)."""
    masters = {(v.variant.manifest.campaign, v.variant.spot.id): v.conform
               for v in plan.variants + plan.skipped if v.conform is not None}
    profiles: dict[tuple[str, str], dict] = {}
    for v in plan.variants:
        key = (v.variant.manifest.campaign, v.variant.spot.id)
        profiles.setdefault(key, {}).setdefault(v.variant.profile.name, v.variant.profile)
    found = {}
    for key, master in masters.items():
        fps = master.info.video.fps if master.info.video else None
        starts = ((name, start_timecodes(profile, fps))
                  for name, profile in profiles.get(key, {}).items())
        found[key] = (master, {name: start for name, start in starts if start is not None})
    return found


def _master_json(campaign: str, spot: str, master: Master, starts: Starts) -> dict:
    """How `plan --json` shows a master: the conform step's view, its file's rate, flag and
    timecode, and where the profiles that set a timecode start."""
    video = master.info.video
    return {"campaign": campaign, "spot": spot, "path": str(master.info.path),
            "fps": video.fps if video else None,
            "field_order": video.field_order if video else None,
            "timecode": master.info.timecode, "programme_start": master.info.programme_start,
            "profiles": [{"profile": name, "file_timecode": file, "programme_timecode": programme}
                         for name, (file, programme) in starts.items()]} | master.describe()


def plan_json(plan: Plan, masters: dict[tuple[str, str], tuple[Master, Starts]],
               whole: bool) -> str:
    return json.dumps({"variants": [v.to_json() for v in plan.variants + plan.skipped],
                       "strays": [str(path) for manifest in plan.manifests
                                  for path in stray_files(manifest)],
                       # Known for the whole plan only: a selection's would list the others'.
                       "unused_intermediates": [
                           str(path) for manifest in plan.manifests
                           for path in unused_intermediates(manifest, plan.variants).paths]
                       if whole else None,
                       "masters": [_master_json(campaign, spot, master, starts)
                                   for (campaign, spot), (master, starts) in masters.items()],
                       "diagnostics": [d.to_json() for d in plan.diagnostics],
                       # Of the variants --spot, --lang or --profile left out only.
                       "diagnostics_left_out": [d.to_json() for d in plan.left_out]},
                      indent=2, ensure_ascii=False)
