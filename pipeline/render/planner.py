"""Planning one manifest (`Planner`): every variant of its spots, languages and profiles, each
input probed, read and checked once however many variants use it (render/inputs.py), then its
fingerprint and status; a problem blocks the variants of what has it, a combination that does
not apply is skipped with its reason. Over several manifests: render/plan.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from pipeline import RENDER_VERSION
from pipeline.errors import Diagnostic, Reason, error, in_file_order, raise_if_errors, warning
from pipeline.fingerprint import HashCache, sha256_json
from pipeline.manifest import Language, Manifest
from pipeline.manifest.language_names import (autonym, autonym_table, group_of_languages,
                                              known_autonyms, own_name_known)
from pipeline.media.ffmpeg import ffmpeg_identity, ffmpeg_version
from pipeline.media.geometry import Geometry
from pipeline.media.probe import MediaInfo
from pipeline.messages import N_, Items, Message, N_plural, say, say_count
from pipeline.publish.i18n import nameless_language
from pipeline.render.ebutt_sidecar import ebutt_notes
from pipeline.render.memo import Blocked
from pipeline.render.master_fit import MasterFit
from pipeline.render.medium import (MASTER_SOUND, is_radio, master_view, not_applicable,
                                    refuse_subtitles, sidecar_notes)
from pipeline.render.own_files import OwnFiles
from pipeline.render.sound_warnings import use_analysis
from pipeline.render.status import variant_settings, variant_status
from pipeline.render.subtitle_input import fit_on_frame, language_font, read_language_file
from pipeline.render.variants import Variant, VariantPlan, block_shared_names
from pipeline.subtitles.file_styles import style_glyphs
from pipeline.subtitles.title_safe import BurnedFrame, burned_frame, burned_frames


class Planner(MasterFit, OwnFiles):
    """Plans one manifest; each input is probed, read and hashed once however many variants use
    it (render/inputs.py)."""

    def __init__(self, manifest: Manifest, cache: HashCache, force: bool):
        super().__init__(manifest, cache)
        self.force = force
        self._ffmpeg_key = f"ffmpeg-version:{ffmpeg_identity()}"   # raises if there is no ffmpeg
        self.ffmpeg = ""

    def plan(self) -> list[VariantPlan]:
        with self.manifest.listed_once():       # each input folder listed once a plan
            return self._plan_all()

    def _plan_all(self) -> list[VariantPlan]:
        # Remembered per binary, so planning an up-to-date campaign starts no ffmpeg process;
        # else asked while the inputs are probed, not before (one ffmpeg start, ~0.06 s).
        with ThreadPoolExecutor(max_workers=1) as pool:
            version = pool.submit(self.cache.remembered, self._ffmpeg_key,
                                  lambda: {"version": ffmpeg_version()})
            names = pool.submit(self._remember_autonyms)
            self._probe_all()
        self.ffmpeg = version.result()["version"]
        self.diagnostics += names.result()
        plans = []
        for spot in self.manifest.spots:
            for language in self.manifest.languages_of(spot.id):
                for profile in self.manifest.profiles:
                    variant = Variant(self.manifest, spot, language, profile)
                    plans.append(self._plan_variant(variant))
        self.diagnostics += block_shared_names(self.manifest, plans)
        self.diagnostics += sidecar_notes(self.manifest, plans) + ebutt_notes(self.manifest, plans)
        return plans

    def _remember_autonyms(self) -> list[Diagnostic]:
        """The names of the languages the manifest does not name, kept in the cache: a later
        run (the catalog it writes, an up-to-date campaign) does not load CLDR's table; a
        warning for each whose name would be no name of its own (`nameless_language`)."""
        table, found, nameless = autonym_table(), {}, []
        for language in self.manifest.languages:
            if language.given_name is None:
                known = self.cache.remembered(
                    f"names:{table}:{language.code}",
                    lambda code=language.code: {"name": autonym(code),
                                                "own": own_name_known(code),
                                                "group": group_of_languages(code)})
                found[language.code] = known["name"]
                if known["group"] and not known["own"]:
                    nameless.append(nameless_language(self.manifest, language, known["name"]))
        known_autonyms(found)
        return nameless

    def _plan_variant(self, variant: Variant) -> VariantPlan:
        plan = VariantPlan(variant, ffmpeg=self.ffmpeg)
        try:
            self._gather_inputs(plan)
        except Skipped as skipped:
            plan.status, plan.reasons = "skipped", [Reason(skipped.reason)]
            return plan
        except Blocked as blocked:
            variant = plan.variant
            if plan.master is None and variant.profile.audio_only and \
                    variant.language.treatment in MASTER_SOUND:
                # Made by no spot, radio or video, whatever its unreadable master holds: a
                # trial's master still being copied counted 8 blocked variants for 5.
                plan.status, plan.reasons = "skipped", [Reason(not_applicable(
                    self.manifest, False, variant.spot, variant.language, variant.profile))]
                return plan
            if not plan.radio:     # a radio spot's subtitled languages are refused as such
                plan.notes += self._check_own_files(plan.variant, plan.master)
                # A profile's own mistakes (a timecode its rate cannot have) said in the same
                # run as the dub that blocked its only language, not once that is fixed.
                if plan.conform is not None and plan.variant.profile.mastered:
                    try:
                        self._check_master(plan)
                    except Blocked as found:     # reported once, by _once; its variant's
                        plan.notes += found.diagnostics
            plan.status = "blocked"
            plan.warnings += blocked.warnings
            plan.problems = list(blocked.diagnostics)
            plan.reasons = [Reason(d) for d in blocked.diagnostics if d.severity == "error"]
            return plan
        finally:
            plan.notes += self._misnamed_notes(plan)
        # In file and line order, as the plan's: its record keeps them so, and render's report
        # and the page show them so.
        plan.warnings = in_file_order(plan.warnings, [self.manifest.path])
        plan.settings = variant_settings(plan, self.manifest)
        plan.fingerprint = sha256_json({
            "inputs": {role: item["sha256"] for role, item in plan.inputs.items()},
            "settings": plan.settings, "render_version": RENDER_VERSION, "ffmpeg": self.ffmpeg})
        plan.status, plan.reasons = variant_status(plan, self.cache, self.ffmpeg, self.force)
        return plan

    def _gather_inputs(self, plan: VariantPlan) -> None:
        variant = plan.variant
        spot, language = variant.spot, variant.language
        if not language.made_for(spot.id):
            made_for = self.manifest.spots_of(language.code)     # over the code's entries
            raise Skipped(say_count(N_plural("language %(code)s is made for spot %(spots)s "
                                              "only (its 'spots:')",
                                              "language %(code)s is made for spots %(spots)s "
                                              "only (its 'spots:')"),
                                     len(made_for), code=repr(language.code),
                                     spots=Items(made_for)))
        plan.master = self._once(("master", master_view(spot)), lambda: self._probe_master(spot))
        self._add_input(plan, "master", spot.master)
        plan.radio = self._once(("medium", spot.id),
                                lambda: is_radio(self.manifest, spot, plan.master))
        if plan.radio and language.needs_subtitles:
            if self._once(("video-spot", language.spots),
                          lambda: self._has_video_spot(language)):
                # A campaign of radio and video spots subtitles its video spots; the radio one
                # is not for that language, as a video profile is not for a radio spot. A
                # language whose `spots:` names radio spots alone has no picture to go on.
                raise Skipped(say(N_("spot %(spot)s is a radio spot: '%(treatment)s' "
                                      "subtitles go on the manifest's video spots"),
                                   spot=repr(spot.id), treatment=language.treatment))
            self._once(("radio-treatment", spot.id, language.code),
                       lambda: refuse_subtitles(self.manifest, spot, language))
        reason = not_applicable(self.manifest, plan.radio, spot, language, variant.profile)
        if reason:
            raise Skipped(reason)
        if plan.radio:
            # Said once, at the master: no variant carries its sound (dubs and voice-overs
            # replace it), so it is no QC warning of theirs, nor a reason for --strict to fail;
            # a note of the spot's variants, which `--spot` leaves out with them.
            plan.notes += self._master_sound(spot, plan.master)
        if not plan.radio:
            plan.conform = self._once(("conform", spot.id, spot.master),
                                      lambda: self._examine(spot, plan.master))
            # A profile that follows the spot's shape gets its frame for this spot.
            profile = variant.profile.oriented(float(plan.conform.geometry.display_aspect))
            if profile != variant.profile:
                plan.variant = variant = replace(variant, profile=profile)
            self._note_deinterlaced(plan)
            self._note_pre_roll(plan)
            if not variant.profile.audio_only:
                plan.warnings += self._once(
                    ("bars", spot.id, profile.width, profile.height, profile.fit),
                    lambda: self._bars(plan))
            if variant.treatment == "soft" and profile.plays_without_tracks:
                plan.warnings += self._once(("track-unseen", language.code, profile.name),
                                            lambda: self._track_unseen(plan))
            if language.treatment in MASTER_SOUND and plan.conform.sound is not None:
                analysis, warnings = self._video_master_sound(spot, plan.conform)
                use_analysis(plan, "master", analysis)
                plan.warnings += warnings + self._range(spot.master, analysis, variant.profile,
                                                        language.treatment, plan.radio)
                self._short_term(spot.master, analysis, variant.profile, language.treatment,
                                 plan.master.duration)
                if not analysis.loudness.defined:
                    self._silent_held(spot, variant.profile, declared=False)
        if language.treatment in MASTER_SOUND:
            if plan.conform.sound is None and not plan.conform.silent:
                self._block(say(N_("master %(master)s of spot %(spot)s has no audio stream: its "
                                   "%(treatments)s languages would have no sound"),
                                master=str(spot.master), spot=repr(spot.id),
                                treatments=Items(MASTER_SOUND, last=" and ")), spot.line,
                            say(N_("add 'audio: silent' to the spot for a silent track, or "
                                   "export the master with its sound")))
            if plan.conform.silent:
                self._silent_held(spot, variant.profile, declared=True)
        if language.treatment == "mix":
            if spot.music_bed is None:
                self._block(say(N_("language %(code)s uses 'mix' but spot %(spot)s has no "
                                   "music_bed"), code=repr(language.code), spot=repr(spot.id)),
                            spot.line,
                            say(N_("add 'music_bed:' to the spot, use 'dub', or list the spots "
                                   "it is made for in the language's 'spots:' (without "
                                   "%(spot)s)"), spot=repr(spot.id)))
            plan.tracks["music_bed"], analysis, warnings = self._music_bed(
                spot, plan.master, variant.profile.sample_rate)
            use_analysis(plan, "music_bed", analysis)
            plan.warnings += warnings
            self._add_input(plan, "music_bed", spot.music_bed)
        if language.needs_audio:
            track, plan.tracks["audio"], analysis, warnings = self._delivery(
                spot, language, plan.master, variant.profile, plan.radio)
            use_analysis(plan, "audio", analysis)
            plan.warnings += warnings
            self._add_input(plan, "audio", track)
        if variant.profile.audio_only:     # sound alone: no subtitles to carry
            return
        delivered = self._once(("subtitle-files", spot.id, language.code),
                               lambda: self.manifest.subtitle_files(spot, language))
        if language.needs_subtitles or delivered:
            subtitles = self._once(("subtitle-file", spot.id, language.code),
                                   lambda: self.manifest.subtitle_path(spot, language))
            geometry = plan.conform.geometry if plan.conform else None
            plan.cues, warnings, file_styles, notes = self._once(
                ("subtitles", subtitles, plan.master.duration, plan.master.timecode,
                 language.style.from_file, geometry),
                lambda: self._read_subtitles(subtitles, language, plan.master, geometry))
            # A file's own styles are a burn's (its fonts among its inputs), not a track's: a
            # soft language burned in its messaging file is a track in its web file.
            plan.file_styles = file_styles if variant.treatment == "burn" else {}
            plan.warnings += warnings
            plan.notes += notes
            self._add_input(plan, "subtitles", subtitles)
        if variant.treatment == "burn":
            plan.font = self._once(("font", language.style.font, language.line),
                                   lambda: language_font(language, self.manifest.path))
            frame = burned_frame(variant.profile, plan.conform.geometry)  # picture's columns too
            plan.warnings += self._once(("fit", subtitles, frame, plan.font.path, language.line),
                                        lambda: self._fit(plan, subtitles, frame))
            # Its errors block the burn; a symbol drawn from a fallback font is a warning.
            plan.warnings += self._once(("glyphs", subtitles, plan.font.path),
                                        lambda: self._glyphs(plan, subtitles))
            self._add_input(plan, "font", plan.font.path)
            for name, chosen in sorted(plan.file_styles.items()):
                self._add_input(plan, f"font:{name}", chosen.font.path)
        if language.treatment in MASTER_SOUND:     # the choices about sound concern these only
            warnings = self._sound_warnings(spot, plan.conform)
            self.diagnostics.extend(warnings)
            plan.warnings += warnings
        if plan.conform is not None and plan.conform.colour_warning:
            colour = warning(plan.conform.colour_warning, self.manifest.path, spot.line,
                             code="picture-colour",
                             hint=say(N_("export the master in SDR, BT.709 (BT.601 for SD)")))
            self.diagnostics.append(colour)
            plan.warnings.append(colour)
        if variant.profile.mastered:
            self._check_master(plan)

    def _block(self, message: str, line: int | None, hint: str | None = None):
        diagnostic = error(message, self.manifest.path, line, hint)
        self.diagnostics.append(diagnostic)
        raise Blocked([diagnostic])

    def _read_subtitles(self, path: Path, language: Language, master: MediaInfo,
                        geometry: Geometry | None):
        # A file with reading errors fitted on its variants' frames, turned as theirs are.
        frames = burned_frames(self.manifest.profiles, geometry, language.treatment)
        cues, found, own_styles = read_language_file(path, language, master, frames,
                                                     self.manifest.tracks(language))
        # A note (a file read from the master's timecode) is said once, with the plan's
        # diagnostics; it is no QC warning of the variants, but a note of theirs.
        self.diagnostics.extend(found)
        return (cues, [d for d in found if d.severity == "warning"], own_styles,
                [d for d in found if d.severity == "note"])

    def _glyphs(self, plan: VariantPlan, path: Path) -> list[Diagnostic]:
        found = style_glyphs(plan.cues, plan.file_styles, plan.font, path)
        raise_if_errors(found)
        self.diagnostics.extend(found)
        return found

    def _fit(self, plan: VariantPlan, path: Path, frame: BurnedFrame) -> list[Diagnostic]:
        found = fit_on_frame(plan.cues, path, plan.variant.language, plan.font, frame,
                             plan.file_styles)
        self.diagnostics.extend(found)
        return found


class Skipped(Exception):
    """A variant the manifest does not make, and why."""

    def __init__(self, reason: Message):
        super().__init__(str(reason))
        self.reason = reason
