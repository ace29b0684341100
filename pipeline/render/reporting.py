"""What a render tells whoever shows its progress (`Reporter`: the terminal's bars, the plain
lines of a log, `watch`): each variant's `Outcome`, the `Shared` work that decides no variant's
outcome, and the estimated CPU seconds both are weighed by (`shared_work`, `variant_work`; the
schedule's `Unit.cost`); and the relative cost that orders the jobs (`estimated_cost`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pipeline.errors import Diagnostic, PipelineError, diagnostic_from_json
from pipeline.messages import Message
from pipeline.render import costs
from pipeline.render.audio import shared_track_path, source_key
from pipeline.render.schedule import Unit
from pipeline.render.shared_picture import picture_identity
from pipeline.render.variants import VariantPlan

# "not started": --fail-fast stopped the run before the variant's work began.
# "remade": an up-to-date variant whose poster, certificate or sidecars were made again.
OutcomeStatus = Literal["rendered", "remade", "up-to-date", "failed", "blocked", "not started"]

# A variant's share of its work that ffmpeg's progress reports, the rest its checks: a TV
# master's probe, meter reading and certificate took 4 s after 72 s of encoding (a trial's).
ENCODED_SHARE = 0.95


@dataclass
class Outcome:
    plan: VariantPlan
    status: OutcomeStatus
    seconds: float = 0.0
    error: PipelineError | None = None
    record: dict | None = None            # of a rendered or up-to-date variant
    together: int = 1                     # variants its job made at once: `seconds` is the job's

    @property
    def warnings(self) -> list[Diagnostic]:
        """QC warnings of the variant as rendered (its record: inputs and output), or of its
        inputs when it failed."""
        if self.record is not None:
            return [diagnostic_from_json(w) for w in (self.record.get("qc") or {}).get("warnings", [])]
        return list(self.plan.warnings) if self.status == "failed" else []


@dataclass(frozen=True)
class Shared:
    """Work that decides no variant's outcome, as a progress display shows it: a levelled
    track, the pictures shared by soft, dub and mix variants (a schedule `Unit` with no
    `variants`). `work` is in `estimated_cost`'s units; `seconds`, the spot's length; `kind`,
    the unit's (`audio` levels a track, `pictures` encodes); `detail`, the label as a message,
    for a display to say it in the terminal's language (`label` is its English)."""
    key: int
    label: str
    work: float
    seconds: float
    kind: str
    detail: Message | None = None


class Reporter(Protocol):
    def started(self, plan: VariantPlan) -> None: ...
    def progress(self, plan: VariantPlan, fraction: float) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...
    # Shared work: all of it announced before any starts, then each as it runs. A render of
    # soft languages sat at 0 % with no row while their one picture was encoded (a trial's).
    # `work`: the variants' weights by key once the units are known (`variant_work`).
    def expect(self, shared: list[Shared], work: dict[str, float] | None = None) -> None: ...
    def shared_started(self, shared: Shared) -> None: ...
    def shared_progress(self, shared: Shared, fraction: float) -> None: ...
    def shared_finished(self, shared: Shared, seconds: float, failed: bool) -> None: ...


def estimated_cost(plan: VariantPlan) -> float:
    """Relative cost, to start the longest jobs first: a new picture costs ~100x a remux; a
    master encodes its whole picture, leader included, whatever its treatment (costs.MASTER)."""
    profile = plan.variant.profile
    if profile.mastered:
        return _picture_cost(plan) * costs.MASTER
    if plan.variant.treatment == "burn" and not profile.audio_only:
        return _picture_cost(plan)
    return plan.master.duration if plan.master else 0.0


def _picture_cost(plan: VariantPlan) -> float:
    seconds = plan.master.duration if plan.master else 0.0
    return seconds * plan.variant.profile.width * plan.variant.profile.height / 1e4


def shared_work(unit: Unit) -> Shared | None:
    """The work of `unit` that decides no variant's outcome, as a progress display shows it, in
    `Unit.cost`'s units (estimated CPU seconds): a levelled track not made yet, its unit's cost;
    the pictures a pictures unit makes for soft, dub and mix variants (once each, however many
    profiles carry one), their share of their unit's (`_split`). None for a unit with none (a
    track made before, a remux, a master, a burn group alone)."""
    seconds = unit.first.master.duration
    if unit.kind == "audio":
        plan = unit.plans[0]
        if shared_track_path(plan, source_key(plan)).exists():
            return None
        work = unit.cost
    elif unit.shared:
        work = _split(unit)[1]
    else:
        return None
    return Shared(id(unit), unit.label, max(work, 0.01), seconds, unit.kind,
                  unit.label_message)


def variant_work(unit: Unit) -> dict[str, float]:
    """Each variant's share of `unit`'s cost by key, in `Unit.cost`'s units: what a progress
    display weighs the variants by once the units are known. The weights were the pictures'
    pixels times seconds and a copy's seconds (`estimated_cost`): the audio-only variants and the
    copies, which run last, weighed a twentieth of their time, and a trial's total said 90 %
    with 84 of 364 variants done."""
    return dict(zip((plan.variant.key for plan in unit.variants), _split(unit)[0]))


def _split(unit: Unit) -> tuple[list[float], float]:
    """(each of `unit.variants`' share of its cost, the share of its shared pictures): a pictures
    unit's by what each picture costs alone (`_picture_cost`; a burn's checks, costs.FINISH,
    its own), any other unit's evenly."""
    variants = unit.variants
    if unit.kind != "pictures":
        return [unit.cost / max(1, len(variants))] * len(variants), 0.0
    pictures = {picture_identity(plan): plan for plan in unit.shared}
    shared = sum(_picture_cost(plan) for plan in pictures.values())
    burns = [_picture_cost(plan) for plan in variants]
    encode = unit.cost - costs.FINISH * len(variants)
    whole = shared + sum(burns)
    if whole <= 0:
        return [unit.cost / max(1, len(variants))] * len(variants), 0.0 if variants else unit.cost
    return ([encode * burn / whole + costs.FINISH for burn in burns], encode * shared / whole)
