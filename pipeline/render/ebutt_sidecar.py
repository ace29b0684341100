"""The EBU-TT sidecar of a TV master (`subtitles/ebutt.py`): beside each variant of a profile
with a `timecode` that carries a subtitle file as a track or sidecars (not burned), its
subtitles on that master's own clock, `<spot>.<lang>.<profile>.ebutt.xml`.

A file per profile, not per language as the other sidecars are: its labels are the master's
frames, at the master's rate from the profile's timecode, and a campaign's two masters may
differ in both (a `broadcast-prores` at `fps: 29.97` beside a 25 fps MXF, a station's
`timecode: "01:00:00:00"`); each file goes with its master, as its loudness certificate does.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, note
from pipeline.messages import N_, Items, say
from pipeline.manifest import Manifest
from pipeline.media.timecode import rate_problem
from pipeline.render.leader import output_rate
from pipeline.render.variants import Variant, VariantPlan
from pipeline.subtitles.master_clock import SUFFIX, MasterClock, clock_problem
from pipeline.subtitles.sidecars import write_ebutt

CODE = "ebutt-not-written"     # the note that a master's EBU-TT cannot be written


def ebutt_path(variant: Variant) -> Path:
    return variant.folder / f"{variant.stem}.{SUFFIX}"


def _clock(plan: VariantPlan) -> tuple[MasterClock | None, str | None]:
    """(the master's clock, why no EBU-TT can be written on it) of a variant that would carry
    one; (None, None) for the others."""
    variant, master = plan.variant, plan.master
    timecode = variant.profile.timecode
    if (timecode is None or plan.subtitles is None or variant.treatment == "burn"
            or master is None or master.video is None):
        return None, None
    rate = output_rate(variant.profile, master.video.fps)
    if rate_problem(timecode, rate):
        return None, None        # the master is blocked, at the profile's line
    return MasterClock(timecode, rate), clock_problem(timecode, rate, master.duration)


def master_clock(plan: VariantPlan) -> MasterClock | None:
    """The clock of the master whose EBU-TT sidecar the variant has, or None when it has none."""
    clock, problem = _clock(plan)
    return None if problem else clock


def ebutt_name(plan: VariantPlan) -> str | None:
    """The name of the variant's EBU-TT sidecar, or None when it has none."""
    return ebutt_path(plan.variant).name if master_clock(plan) else None


def write_ebutt_sidecar(plan: VariantPlan) -> None:
    """The variant's EBU-TT sidecar, when it has one (`sidecars.write_ebutt`)."""
    clock = master_clock(plan)
    if clock is None:
        return
    variant = plan.variant
    write_ebutt(plan.cues, ebutt_path(variant), variant.language.bcp47, clock,
                frame=(variant.profile.width, variant.profile.height),
                title=variant.spot.title, media=variant.output.name)


def ebutt_notes(manifest: Manifest, plans: list[VariantPlan]) -> list[Diagnostic]:
    """A note at the line of each profile with a timecode whose master's clock EBU-TT cannot
    count (59.94 fps drop-frame; a programme past midnight), once per profile and reason,
    with the spots and languages left without the file; also a note of each such variant."""
    found: dict[tuple[str, str], list[VariantPlan]] = {}
    for plan in plans:
        if plan.status == "skipped":
            continue
        _, problem = _clock(plan)
        if problem:
            found.setdefault((plan.variant.profile.name, problem), []).append(plan)
    notes = []
    for (name, problem), plans_of in found.items():
        which = sorted({f"{plan.variant.spot.id} {plan.variant.language.code}"
                        for plan in plans_of})
        told = note(say(N_("profile %(profile)s: %(problem)s, so its masters of %(which)s have "
                           "no %(suffix)s sidecar (EBU-TT in the master's timecode); their .srt, "
                           ".vtt and .ttml are timed from the programme's first frame"),
                        profile=repr(name), problem=problem, which=Items(tuple(which)),
                        suffix=f".{SUFFIX}"), manifest.path,
                    manifest.profile_line(name),
                    say(N_("a non-drop-frame timecode (HH:MM:SS:FF) from a whole hour has one")),
                    CODE)
        notes.append(told)
        for plan in plans_of:
            plan.notes.append(told)
    return notes
