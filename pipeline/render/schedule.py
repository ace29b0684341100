"""What a local render runs and in which order: its work cut into units, each waiting for what
it needs.

- `audio`: one shared, normalised audio track (and its loudness) per source and audio settings;
- `pictures`: one ffmpeg process making some of a spot's pictures from one decode, its burned
  variants and the pictures shared by soft, dub and mix variants, grouped by
  `costs.group_pictures`, each picture once however many profiles carry it
  (`shared_picture.picture_identity`); its burns' audio is copied in at its end, so it waits only
  for the tracks a loudness standard may refuse;
- `remux`: the soft variants of a spot and profile, or its dub and mix variants, copying its
  picture and their audio tracks in one process (render/remuxes.py);
- `master`: one master (render/mastering.py), never in a shared decode: its leader and codec
  are its own, and its picture comes from the master itself; it waits for its audio track;
- `sound`: one audio-only variant (render/audio_only.py), which levels its own sound.

The ready unit with the longest chain of work behind it goes first (list scheduling): the
picture processes start at once, the audio levels beside them, and the short copies fill the
gaps between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.messages import N_, Message, say
from pipeline.render import costs
from pipeline.render.certificate import standard_of
from pipeline.render.encoders import two_pass
from pipeline.render.variants import VariantPlan
from pipeline.render.shared_picture import (
    picture_identity,
    shared_picture_target,
    shared_picture_twin,
)
from pipeline.render.treatments import audio_identity

UnitKind = Literal["audio", "pictures", "remux", "master", "sound"]


@dataclass(eq=False)
class Unit:
    kind: UnitKind
    plans: list[VariantPlan]         # audio: one variant that copies the track; else the variants
    shared: list[VariantPlan] = field(default_factory=list)  # pictures: a plan per shared picture
    needs: list["Unit"] = field(default_factory=list)
    needs_of: list[list["Unit"]] = field(default_factory=list)  # remux: what each plan needs
    cost: float = 0.0                # estimated CPU seconds
    memory: float = 0.0              # estimated peak MiB
    encoders: int = 0                # x264 encoders it runs
    rank: float = 0.0                # its cost plus that of the longest chain waiting for it

    @property
    def first(self) -> VariantPlan:
        """A plan of the unit's spot (a pictures unit may make only shared pictures)."""
        return (self.plans or self.shared)[0]

    @property
    def variants(self) -> list[VariantPlan]:
        """The variants whose outcome this unit decides."""
        return [] if self.kind == "audio" else self.plans

    @property
    def label(self) -> str:
        """`label_message`'s English text."""
        return str(self.label_message)

    @property
    def label_message(self) -> Message:
        """What a progress display calls the work of a unit that variants share:
        `blue-heart/spot.yua.web sound` (a levelled track: the master's, `master`, or a
        language's recording; for the profile it is first made for: two profiles at two
        targets make two), `blue-heart/spot.web+proxy picture` (pictures shared by soft, dub
        and mix variants)."""
        variant = self.first.variant
        spot = f"{variant.manifest.campaign}/{variant.spot.id}"
        if self.kind == "audio":
            language = variant.language
            who = language.code if language.treatment in ("dub", "mix") else "master"
            return say(N_("%(work)s sound"), work=f"{spot}.{who}.{variant.profile.name}")
        profiles = dict.fromkeys(plan.variant.profile.name for plan in self.shared)
        return say(N_("%(work)s picture"), work=f"{spot}.{'+'.join(profiles)}")


def _picture(item: tuple[str, VariantPlan]) -> costs.Picture:
    kind, plan = item
    profile, video = plan.variant.profile, plan.master.video
    return costs.Picture(profile.width, profile.height, profile.preset,
                         refit=(video.width, video.height) != (profile.width, profile.height),
                         burned=kind == "burn", passes=2 if two_pass(profile) else 1)


def _master_size(plan: VariantPlan) -> tuple[float, float]:
    """(megapixels of the master's frame, frames in the spot)."""
    master = plan.master
    return (master.video.width * master.video.height / costs.MEGAPIXEL,
            master.duration * (master.video.fps or 25))


def _master(plan: VariantPlan) -> costs.Estimate:
    return costs.master_estimate(_picture(("burn" if plan.variant.treatment == "burn" else "master",
                                          plan)), *_master_size(plan))


def own_cost(plan: VariantPlan) -> float:
    """Estimated CPU seconds of a stale variant's own work, in `Unit.cost`'s units, what a
    progress display weighs it by before the units are built (and where none are: a Dask
    render): a master's or an audio-only variant's unit; a burn's encode alone (in a group it
    shares the decode); a soft, dub or mix variant's copy, its picture and track being work
    shared with others. Its checks, poster and records (costs.FINISH) in each case."""
    seconds = plan.master.duration if plan.master else 0.0
    profile = plan.variant.profile
    if plan.master is None:
        work = 0.0
    elif profile.audio_only:
        work = costs.AUDIO * seconds
    elif plan.master.video is None:   # no picture to encode (a render that will fail)
        work = costs.REMUX * seconds
    elif profile.mastered:
        work = _master(plan).cpu
    elif plan.variant.treatment == "burn":
        work = costs.estimate([_picture(("burn", plan))], *_master_size(plan)).cpu
    else:
        work = costs.REMUX * seconds
    return work + costs.FINISH


def _alone(plan: VariantPlan, audio: dict[tuple, "Unit"]) -> "Unit":
    """A unit for a variant rendered in a process of its own: a master or an audio-only one."""
    if plan.variant.profile.audio_only:
        return Unit("sound", [plan], memory=costs.PROCESS_MIB, cost=own_cost(plan))
    estimate = _master(plan)
    return Unit("master", [plan], needs=[audio[audio_identity(plan)]],
                cost=own_cost(plan), memory=estimate.memory, encoders=1)


def _partition(plans: list[VariantPlan], test) -> tuple[list[VariantPlan], list[VariantPlan]]:
    """(the plans that pass `test`, the others), in order."""
    chosen, others = [], []
    for plan in plans:
        (chosen if test(plan) else others).append(plan)
    return chosen, others


def build_units(todo: list[VariantPlan], *, cores: int, slots: int, memory_mib: float) -> list[Unit]:
    """The units that render `todo` (stale variants) with `slots` jobs at a time on `cores`,
    picture groups each fitting in `memory_mib` (the batch's scheduler starts a unit only
    while the estimates of those running and its own fit in it together)."""
    alone, todo = _partition(todo, lambda p: p.variant.profile.mastered or p.variant.profile.audio_only)
    audio: dict[tuple, Unit] = {}
    # Every video variant copies one shared audio track (an audio-only variant levels its own).
    for plan in todo + [plan for plan in alone if not plan.variant.profile.audio_only]:
        key = audio_identity(plan)
        if key not in audio:
            audio[key] = Unit("audio", [plan], cost=costs.AUDIO * plan.master.duration
                              + 3 * costs.START_SECONDS, memory=costs.PROCESS_MIB)
    masters: dict[tuple, list[tuple[str, VariantPlan]]] = {}
    shared_targets = set()
    # A picture is encoded once however many profiles carry it (profiles that differ only in
    # their sound): its first plan is the item grouped, the others ride along as its twins.
    first_of: dict[tuple, VariantPlan] = {}
    twins: dict[int, list[VariantPlan]] = {}
    for plan in todo:
        variant = plan.variant
        items = masters.setdefault((variant.manifest.output_dir, variant.manifest.campaign,
                                    variant.spot.id), [])
        burn = variant.treatment == "burn"
        if not burn:
            target = shared_picture_target(plan)
            if target is None or target in shared_targets or target.exists() \
                    or shared_picture_twin(target) is not None:   # linked by its copies
                continue
            shared_targets.add(target)
        identity = picture_identity(plan)
        if identity in first_of:
            twins[id(first_of[identity])].append(plan)
            continue
        first_of[identity], twins[id(plan)] = plan, []
        items.append(("burn" if burn else "shared", plan))
    units: list[Unit] = list(audio.values())
    maker: dict = {}
    for items in masters.values():
        if not items:
            continue
        megapixels, frames = _master_size(items[0][1])
        for group in costs.group_pictures(items, _picture, megapixels, frames, cores=cores,
                                          slots=slots, memory_mib=memory_mib):
            burns, shared = ([each for kind, plan in group if kind == wanted
                              for each in (plan, *twins[id(plan)])] for wanted in ("burn", "shared"))
            estimate = costs.estimate([_picture(i) for i in group], megapixels, frames)
            # Burned pictures are encoded without sound, the tracks copied in at the end
            # (render/pictures.py): only a profile naming a loudness standard, which may refuse
            # its track, waits for it, so that a refused burn is not encoded.
            judged = [plan for plan in burns if standard_of(plan.variant.profile) is not None]
            unit = Unit("pictures", burns, shared,
                        needs=list({id(u): u for u in (audio[audio_identity(p)] for p in judged)}
                                   .values()),
                        cost=estimate.cpu + costs.FINISH * len(burns), memory=estimate.memory,
                        encoders=len(group))
            units.append(unit)
            for plan in unit.shared:
                maker[shared_picture_target(plan)] = unit
    remuxes: dict[tuple, Unit] = {}
    needed: dict[tuple, set[int]] = {}
    for plan in todo:
        variant = plan.variant
        if variant.treatment == "burn":
            continue
        target = shared_picture_target(plan)
        needs = [audio[audio_identity(plan)]] + ([maker[target]] if target in maker else [])
        # Soft variants copy the master's track, made early; dub and mix ones their own, the
        # last of which may be made much later: two copying units, so that the soft copies
        # (and their checks) run beside the levelling of the recordings, not after it.
        key = (variant.manifest.output_dir, variant.manifest.campaign, variant.spot.id,
               variant.profile.name, variant.treatment == "soft")
        if key not in remuxes:
            remuxes[key], needed[key] = Unit("remux", [], memory=costs.PROCESS_MIB), set()
            units.append(remuxes[key])
        unit = remuxes[key]
        unit.plans.append(plan)
        unit.needs_of.append(needs)
        unit.needs += [need for need in needs if id(need) not in needed[key]]
        needed[key].update(id(need) for need in needs)
        unit.cost += costs.REMUX * plan.master.duration + costs.FINISH
    units += [_alone(plan, audio) for plan in alone]
    _rank(units)
    return units


def _rank(units: list[Unit]) -> None:
    """rank = cost + the largest rank among the units waiting for this one."""
    waiting: dict[int, list[Unit]] = {}
    for unit in units:
        for need in unit.needs:
            waiting.setdefault(id(need), []).append(unit)
    done: set[int] = set()

    def rank(unit: Unit) -> float:
        if id(unit) not in done:
            unit.rank = unit.cost + max((rank(u) for u in waiting.get(id(unit), [])), default=0.0)
            done.add(id(unit))
        return unit.rank

    for unit in units:
        rank(unit)
