"""What is planned: a variant (spot x language x profile) and where its files go, its plan
(inputs, fingerprint, status, what was read and probed for it), the plan of a whole run, and
the variants a command is about (its `--spot`, `--lang` and `--profile`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Literal, NamedTuple

from pipeline.errors import CommandLineError, Diagnostic, Reason, error, reason_message
from pipeline.fingerprint import HashCache
from pipeline.manifest import Language, Manifest, Spot
from pipeline.manifest.model import Concern
from pipeline.media.conform import Master
from pipeline.media.loudness import Loudness
from pipeline.media.probe import MediaInfo
from pipeline.messages import N_, Items, say
from pipeline.profiles import Profile
from pipeline.render.failures import Failure
from pipeline.subtitles.file_styles import StyleFont
from pipeline.subtitles.fonts import Font
from pipeline.subtitles.model import Cue
from pipeline.subtitles.title_safe import merged_frames

Status = Literal["up-to-date", "stale", "blocked", "skipped"]


def titled(spot: str, language: str, apart: str = " · ") -> str:
    """A file's title: "No estamos a la venta (Maaya tʼaan)"; a language's name that holds
    parentheses itself after `apart` instead ("... · Batsʼi kʼop (tsotsil)"): a trial read
    "(Batsʼi kʼop (tsotsil))" in a title and a Broadcast WAV's Description."""
    return f"{spot}{apart}{language}" if "(" in language else f"{spot} ({language})"


@dataclass(frozen=True)
class Variant:
    manifest: Manifest
    spot: Spot
    language: Language
    profile: Profile

    @property
    def stem(self) -> str:
        return f"{self.spot.id}.{self.language.code}.{self.profile.name}"

    @property
    def treatment(self) -> str:
        """What its file does with the language (`Profile.treatment_of`): the language's
        treatment, but `burn` for a `soft` language in a profile that burns its subtitles.
        The language's own (`language.treatment`) says what it has besides: its sidecars."""
        return self.profile.treatment_of(self.language.treatment)

    @property
    def key(self) -> str:
        return f"{self.manifest.campaign}/{self.stem}"

    @property
    def folder(self) -> Path:
        return self.manifest.campaign_dir / self.spot.id

    @property
    def clock(self) -> str | None:
        """The variant's clock number, when the manifest gives one."""
        return self.manifest.clock_for(self.spot, self.language, self.profile)

    @property
    def title(self) -> str:
        """What its file's title tag says (`titled`): the spot's title and the language's name."""
        return titled(self.spot.title, self.language.name)

    @property
    def output(self) -> Path:
        """`<spot>.<lang>.<profile>.<ext>`, or `<clock>.<ext>` where the profile asks for it."""
        name = self.clock if self.profile.clock_in_name and self.clock else self.stem
        return self.folder / f"{name}.{self.profile.extension}"

    @property
    def record_path(self) -> Path:
        return self.folder / f"{self.stem}.json"

    @property
    def poster_path(self) -> Path:
        return self.folder / f"{self.stem}.jpg"

    @property
    def failure_path(self) -> Path:
        """The memo of its last failed render (render/failures.py), beside its record."""
        return self.folder / f"{self.stem}.failed.json"

    def sidecar_path(self, suffix: str) -> Path:
        return self.folder / f"{self.spot.id}.{self.language.code}.{suffix}"


class PreviewPaths(NamedTuple):
    """Where a spot and language's preview files go: beside the spot's variants."""

    sheet: Path
    proxy: Path
    specimen: Path
    sound: Path


def preview_paths(manifest: Manifest, spot: Spot, language: Language) -> PreviewPaths:
    folder = manifest.campaign_dir / spot.id
    stem = f"{spot.id}.{language.code}"
    return PreviewPaths(folder / f"{stem}.preview.png", folder / f"{stem}.preview.mp4",
                        folder / f"{stem}.specimen.png", folder / f"{stem}.preview.m4a")


@dataclass
class VariantPlan:
    variant: Variant
    status: Status = "stale"
    reasons: list[str] = field(default_factory=list)   # each a `Reason` where it is said
    fingerprint: str = ""
    inputs: dict[str, dict] = field(default_factory=dict)   # role -> {"path", "sha256"}
    settings: dict = field(default_factory=dict)
    master: MediaInfo | None = None
    radio: bool = False                                     # the spot is sound alone (a radio spot)
    conform: Master | None = None                           # the master as the conform step sees it;
                                                            # None for a radio spot
    tracks: dict[str, MediaInfo] = field(default_factory=dict)   # role -> probe of an audio input
    sounds: dict[str, Loudness] = field(default_factory=dict)    # role -> its whole stereo downmix
                                                                 # measured when planning
    dc: dict[str, tuple[float, ...]] = field(default_factory=dict)  # role -> DC offset per channel
                                                                    # of its downmix, to remove
    one_sided: dict[str, str] = field(default_factory=dict)  # role -> its silent front (FL, FR),
                                                             # which the other replaces
    cues: tuple[Cue, ...] | None = None
    font: Font | None = None
    file_styles: dict[str, StyleFont] = field(default_factory=dict)  # style: {from_file: true}
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)   # what blocks it
    # What else is said of it, neither a QC warning of its file nor what blocks it: how its
    # master is made (deinterlaced), a blocked variant's other problems, its radio master's.
    notes: list[Diagnostic] = field(default_factory=list)
    # Files beside an up-to-date variant to make again from its rendered file (a deleted
    # poster, certificate or sidecar); the variant is "stale" but not rendered again.
    remake: list[str] = field(default_factory=list)
    failure: Failure | None = None          # its last render failed (a stale variant's memo)
    ffmpeg: str = ""                        # the ffmpeg version planned with (in its fingerprint);
                                            # names its intermediates without starting ffmpeg

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every problem found for this variant: what blocks it, its warnings and notes."""
        return self.problems + self.warnings + self.notes

    @property
    def spoken_tag(self) -> str:
        """The ISO 639-2 tag of the language its sound speaks: the language's own for a dub or
        a voice-over mix, the campaign's source language for the master's sound."""
        return self.settings["language_tag"] if self.variant.language.treatment in ("dub", "mix") \
            else self.settings["source_language_tag"]

    @property
    def subtitles(self) -> Path | None:
        return Path(self.inputs["subtitles"]["path"]) if "subtitles" in self.inputs else None

    @property
    def audio(self) -> Path | None:
        return Path(self.inputs["audio"]["path"]) if "audio" in self.inputs else None

    @property
    def slot_samples(self) -> int:
        """The spot's length in samples at the profile's rate: what a radio variant lasts."""
        return round(self.master.duration * self.variant.profile.sample_rate)

    def to_json(self) -> dict:
        v = self.variant
        return {"campaign": v.manifest.campaign, "spot": v.spot.id, "language": v.language.code,
                "treatment": v.treatment, "profile": v.profile.name,
                # A soft language burned in this profile (Profile.treatment_of), as the
                # catalog says it.
                **({"language_treatment": v.language.treatment}
                   if v.treatment != v.language.treatment else {}),
                "medium": v.profile.medium,
                "status": self.status, "reasons": self.reasons, "output": str(v.output),
                "inputs": self.inputs, "fingerprint": self.fingerprint, "remake": self.remake,
                "last_failure": self.failure.to_json() if self.failure else None}


def block_shared_names(manifest: Manifest, plans: list[VariantPlan]) -> list[Diagnostic]:
    """Variants of `manifest` that would write the same file (clock numbers in names, the same
    extension), each blocked by one error, at the manifest's `clock` (else `profiles`) line;
    the errors."""
    by_output: dict[Path, list[VariantPlan]] = {}
    for plan in plans:
        by_output.setdefault(plan.variant.output, []).append(plan)
    found = []
    for output, sharing in by_output.items():
        if len(sharing) < 2:
            continue
        diagnostic = error(say(N_("%(variants)s would all be written to %(file)s"),
                               variants=Items(tuple(p.variant.stem for p in sharing)),
                               file=output.name), manifest.path,
                           manifest.line_of("clock") or manifest.line_of("profiles"),
                           say(N_("put %(field)s in the clock pattern, or name files by clock "
                                  "number in one profile per extension"), field="{profile}"))
        found.append(diagnostic)
        for plan in sharing:
            if plan.status != "blocked":
                plan.status, plan.reasons = "blocked", []
            plan.problems = plan.problems + [diagnostic]
            plan.reasons = plan.reasons + [Reason(diagnostic)]
    return found


@dataclass
class Plan:
    manifests: list[Manifest]
    variants: list[VariantPlan]
    diagnostics: list[Diagnostic]
    caches: dict[Path, HashCache]
    skipped: list[VariantPlan] = field(default_factory=list)   # combinations that do not apply
    # Manifests that could not be planned (unreadable, schema errors, a campaign folder taken),
    # as named, with the number of their errors that kept each from it.
    unplanned: dict[Path, int] = field(default_factory=dict)
    # Of a selection (`select`): the diagnostics of the variants it left out only, each with
    # what left them out, ("profile", "tv"), for the summary to count.
    left_out: dict[Diagnostic, set[Concern]] = field(default_factory=dict)
    # The errors of one spot, language or profile entry of a manifest that a selection leaves
    # out (manifest/load.py's InvalidManifest), and the warnings of a spot's files no variant
    # uses (render/unused_inputs.py): no variant carries them.
    about: dict[Diagnostic, Concern] = field(default_factory=dict)
    # A cue's fit problem on several frames said once (title_safe.frame_merges): the problems
    # its variants were told of their own frames.
    parts: dict[Diagnostic, tuple[Diagnostic, ...]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def select(self, selection: Selection) -> Plan:
        """The plan narrowed to the variants `selection` wants, with the diagnostics that
        concern them; a problem that concerns no variant at all (a manifest that cannot be
        read, a file of no language) stays. Those of the variants left out only are kept
        apart, in `left_out`, with the spots, languages and profiles that left them out."""
        variants = [v for v in self.variants if selection.wants(v)]
        attached: dict[Diagnostic, set[Concern]] = {}
        for v in self.variants:
            for d in v.diagnostics:
                attached.setdefault(d, set()).update(selection.leaves_out(v))
        attached.update((d, {concern}) for d, concern in self.about.items()
                        if selection.leaves_out_entry(*concern))
        concerning = {d for v in variants for d in v.diagnostics}
        diagnostics, left_out = [], {}
        for d in self.diagnostics:
            parts = self.parts.get(d, (d,))
            kept = [part for part in parts if part in concerning or part not in attached]
            if len(kept) == len(parts):
                diagnostics.append(d)
                continue
            # A cue's fit said over several frames: said of the selected variants' frames,
            # counted apart of the others'.
            diagnostics += merged_frames(kept)
            rest = [part for part in parts if part not in kept]
            left_out.update((said, set().union(*(attached[part] for part in rest)))
                            for said in merged_frames(rest))
        return Plan(self.manifests, variants, diagnostics, self.caches,
                    [v for v in self.skipped if selection.wants(v)], self.unplanned, left_out,
                    parts=self.parts)

    def count(self, status: Status) -> int:
        return sum(1 for v in self.variants if v.status == status)

    def save_caches(self) -> None:
        for cache in self.caches.values():
            cache.save()


# --- selection ---------------------------------------------------------------------------------

# A value is checked against the manifests before anything is planned: one that names nothing in
# any of them would select nothing, and the run would end with "0 rendered" and exit code 0, a
# typo looking like a campaign with nothing left to do.

# option, what it names, and the names a manifest has for it
FILTERS: tuple[tuple[str, str, Callable[[Manifest], list[str]]], ...] = (
    ("--spot", "spot", lambda manifest: [spot.id for spot in manifest.spots]),
    ("--lang", "language", lambda manifest: [language.code for language in manifest.languages]),
    ("--profile", "profile", lambda manifest: [profile.name for profile in manifest.profiles]),
)


LISTED_SKIPPED = 3   # combinations named when a selection makes no variant


class UnknownSelection(CommandLineError):
    """Values of `--spot`, `--lang` or `--profile` that no manifest has, each with the names the
    manifests do have."""

    def __init__(self, unknown: list[tuple[str, str, list[str], list[str]]], where: str):
        self.unknown = unknown    # (option, what, values not found, names the manifests have)
        lines = [f"{option} {', '.join(values)}: no {what} of that name in {where} "
                 f"({what}s there: {', '.join(known) or 'none'}{_cased(option, values, known)})"
                 for option, what, values, known in unknown]
        super().__init__("\n".join(lines), unknown[0][0])


def _cased(option: str, values: list[str], known: list[str]) -> str:
    """The names among `known` that `values` differ from in case alone (`--lang TZO`, as a
    Windows folder shows the file), offered with the option to type."""
    lower = {name.lower(): name for name in known}
    meant = [f"{option} {lower[value.lower()]}" for value in values if value.lower() in lower]
    return f"; did you mean {' '.join(meant)}?" if meant else ""


@dataclass(frozen=True)
class Selection:
    """The values given; an empty tuple selects everything."""

    spots: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()

    def wants(self, plan: VariantPlan) -> bool:
        variant = plan.variant
        return (self.covers(variant.spot.id, variant.language.code)
                and (not self.profiles or variant.profile.name in self.profiles))

    def covers(self, spot: str, language: str) -> bool:
        """Whether some selected variant is of this spot and language (uses its files)."""
        return ((not self.spots or spot in self.spots)
                and (not self.languages or language in self.languages))

    def leaves_out(self, plan: VariantPlan) -> set[Concern]:
        """What of the variant's the selection does not name: ("spot", id), ("language", code),
        ("profile", name); nothing for a variant it wants."""
        variant = plan.variant
        named = (("spot", variant.spot.id), ("language", variant.language.code),
                 ("profile", variant.profile.name))
        return {(what, name) for what, name in named if self.leaves_out_entry(what, name)}

    def narrowed(self, manifest: Manifest) -> Manifest:
        """The manifest with the spots, languages and profiles the selection names only."""
        return replace(manifest,
                       spots=tuple(s for s in manifest.spots
                                   if not self.leaves_out_entry("spot", s.id)),
                       languages=tuple(l for l in manifest.languages
                                       if not self.leaves_out_entry("language", l.code)),
                       profiles=tuple(p for p in manifest.profiles
                                      if not self.leaves_out_entry("profile", p.name)))

    def leaves_out_entry(self, what: str, name: str) -> bool:
        """Whether the selection names values of `what` (spot, language, profile), not `name`;
        never of another entry (the page's `publish` keys)."""
        values = {"spot": self.spots, "language": self.languages,
                  "profile": self.profiles}.get(what, ())
        return bool(values) and name not in values

    def check(self, manifests: list[Manifest]) -> None:
        """Raise `UnknownSelection` naming every value that is in none of `manifests`; a value
        that one of several manifests has is fine (the others simply contribute nothing)."""
        unknown = []
        for (option, what, names), given in zip(FILTERS, (self.spots, self.languages,
                                                          self.profiles)):
            known = _unique(name for manifest in manifests for name in names(manifest))
            missing = [value for value in _unique(given) if value not in known]
            if missing:
                unknown.append((option, what, missing, known))
        if unknown:
            raise UnknownSelection(unknown, _where(manifests))

    def check_selected(self, selected: "Plan") -> None:
        """Raise `CommandLineError` when the values, each of which some manifest has, select no
        variant together (`--lang nah --profile radio-mp3` for a subtitled language, which has
        no sound of its own), saying why the combinations they name are not made."""
        given = [(option, value) for (option, _, _), values
                 in zip(FILTERS, (self.spots, self.languages, self.profiles)) for value in values]
        if selected.variants or not given:
            return
        # Each reason as the message it was said from: a Spanish terminal says them in Spanish.
        said = {f"{v.variant.stem}: {'; '.join(v.reasons)}": say(
            "%(stem)s: %(reasons)s", stem=v.variant.stem,
            reasons=Items(tuple(reason_message(r) for r in v.reasons), "; "))
            for v in selected.skipped[:LISTED_SKIPPED]}
        why = Items(tuple(said.values()), "; ") if said else None
        named = " ".join(f"{option} {value}" for option, value in given)
        raise CommandLineError(
            say(N_("%(given)s: no variant is made with all of these (%(why)s)"), given=named,
                why=why) if why else
            # No combination to explain: the values are in different manifests.
            say(N_("%(given)s: no variant is made with all of these: no manifest has them all"),
                given=named), given[0][0])


def _where(manifests: list[Manifest]) -> str:
    if len(manifests) == 1:
        return str(manifests[0].path)
    return f"any of the {len(manifests)} manifests"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
