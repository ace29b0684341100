"""What planning learns from a manifest's files, each once: the masters' probes and conform
examination and their sound's analysis, the music beds' probes and analyses, and each
audio delivery's probe, analysis and checks.

`_probe_all` starts every ffprobe and ffmpeg these take at once, a few at a time, before any
variant is planned; the planner (`render/planner.py`) then finds each answer, or error, in the memo
as if it had computed it (`_once`). Answers that cost a process are kept in the hash cache, keyed
by the files' content.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from pipeline.errors import Diagnostic, PipelineError, raise_if_errors, warning
from pipeline.files import input_problem
from pipeline.fingerprint import HashCache, sha256_json
from pipeline.manifest import AUDIO_SUFFIXES, Language, Manifest, Spot
from pipeline.media.audio_layout import DOWNMIX_VERSION, FADE
from pipeline.media.audio_streams import STEMS_HINT, TWO_MONO, stems_warning
from pipeline.media.conform import Master, examine
from pipeline.media.loudness import BLOCK, SOUND_FLOOR, SOUND_RANGE
from pipeline.media.probe import PROBE_VERSION, MediaInfo, probe_audio, probe_master
from pipeline.media.programme import programme_of
from pipeline.media.sound_analysis import ANALYSIS_VERSION, SoundAnalysis
from pipeline.messages import N_, Message, say
from pipeline.profiles import Profile
from pipeline.render.deliveries import (analyse_delivery, analyse_master_sound, check_bed,
                                       check_delivery, quiet)
from pipeline.render.delivery_files import RECORDING_UNREADABLE, find_delivery
from pipeline.render.loudness_limits import LoudnessChecks
from pipeline.render.medium import (MASTER_SOUND, carries, is_radio, master_view,
                                   not_applicable, radio_master)
from pipeline.render.master_sound import video_master_warnings
from pipeline.render.memo import Blocked
from pipeline.render.sound_input import coarse_samples, low_sample_rate, misnamed, thin_coding
from pipeline.render.sound_warnings import dead_air, defect_warnings
from pipeline.render.strays import WrittenFiles
from pipeline.render.variants import VariantPlan
from pipeline.standards import input_unit, loudest

PROBES_AT_ONCE = 4
# A video master's sound as quiet as a badly recorded dub is most often the wrong tracks taken
# (a trial's mix at -36 LUFS was lifted 20 dB without a word).
MASTER_QUIET = say(N_("check that the streams the spot takes are its mix (validate names them; "
                      "the spot's 'audio: {streams: [...]}' chooses others), or export the "
                      "master again with its mix at a working level"))


class Inputs(LoudnessChecks):
    """A manifest's files as planning reads them; each probed, examined and analysed once."""

    def __init__(self, manifest: Manifest, cache: HashCache):
        super().__init__()
        self.manifest = manifest
        self.cache = cache
        self._written = WrittenFiles(manifest)

    def _probe_all(self) -> None:
        """What each spot's files take an ffprobe or ffmpeg to learn, all at once, a few at a
        time (each mostly waits on its start-up and the disk): the master's probe and conform
        examination (and its sound's analysis), the music bed's probe and analysis, each audio
        delivery's probe and sound analysis.
        `_once` then finds every answer, or error, as if it had computed it."""
        work = []
        for spot in self.manifest.spots:
            probed = threading.Event()     # the master's length is known (or its probe failed)
            work.append(lambda spot=spot, probed=probed: self._master_chain(spot, probed))
            if spot.music_bed is not None and any(language.treatment == "mix"
                                                  for language in self.manifest.languages):
                work.append(lambda spot=spot, probed=probed: self._delivery_chain(
                    spot, spot.music_bed, probed, lambda spot=spot: self._probe_bed(spot)))
            folder = self.manifest.audio_dir / spot.id
            for language in self.manifest.languages:
                if not language.needs_audio or not language.made_for(spot.id):
                    continue
                try:
                    track = find_delivery(self.manifest, spot, language,
                                          self.manifest.folder_index(folder),
                                          self._probe_recording)
                except PipelineError:
                    continue  # reported when its variants are planned
                # Queued after its spot's master chain, which a worker has started by then: the
                # wait cannot hold every worker.
                work.append(lambda spot=spot, track=track, probed=probed:
                            self._delivery_chain(spot, track, probed))
        with ThreadPoolExecutor(max_workers=PROBES_AT_ONCE) as pool:
            answers = [answer for chain in pool.map(lambda run: run(), work) for answer in chain]
        for key, value, failure in answers:   # failures reported in manifest order
            if key not in self._memo:
                self._memo[key] = (value, failure)
                if failure is not None:
                    self.diagnostics.extend(failure.diagnostics)

    def _master_chain(self, spot: Spot, probed: threading.Event) -> list[tuple]:
        try:
            answers = self._chain((("master", master_view(spot)), lambda: self._probe_master(spot)))
        finally:
            probed.set()
        if ("master", master_view(spot)) not in self._memo:
            return answers
        info = self._memo[("master", master_view(spot))][0]
        if radio_master(spot, info):
            return answers + self._chain((("master-sound", spot.master),
                                          lambda: self._analyse(spot.master, info, None)))
        answers += self._chain((("conform", spot.id, spot.master),
                                lambda: self._examine_video(spot)))
        conform = self._memo.get(("conform", spot.id, spot.master), (None,))[0]
        if conform is None or conform.sound is None or not any(
                language.treatment in MASTER_SOUND for language in self.manifest.languages):
            return answers
        return answers + self._chain((("video-sound", master_view(spot)),
                                      lambda: self._analyse_master(conform)))

    def _delivery_chain(self, spot: Spot, track: Path, probed: threading.Event,
                        prober=None) -> list[tuple]:
        """A delivery's (or music bed's: `prober`) probe, then (its spot's length known) its
        analysis."""
        own = prober is None     # a language's own recording (`_recording`)
        answers = self._chain((("audio", track), prober or (lambda: self._probe_recording(track))))
        probed.wait()
        master = self._memo.get(("master", master_view(spot)))
        info = self._memo.get(("audio", track))
        if master is None or info is None:
            return answers
        duration = master[0].duration

        def analyse():
            return self._analyse(track, info[0], duration)
        return answers + self._chain((("sound", track, duration),
                                      (lambda: _recording(analyse)) if own else analyse))

    def _has_video_spot(self, language: Language) -> bool:
        """Whether a spot `language` is made for (its `spots:`) has a picture
        (`medium.is_radio`'s rule). A spot whose master cannot be read counts as one unless it
        says `medium: radio` or its master's name is a sound's (`.wav`): its error is said where
        it is planned (a trial's video master typed with a Windows '\\' had each subtitled
        language refused on the radio spot beside it too)."""
        for spot in self.manifest.spots:
            if not language.made_for(spot.id):
                continue
            try:
                master = self._once(("master", master_view(spot)), lambda: self._probe_master(spot))
                if not self._once(("medium", spot.id),
                                  lambda: is_radio(self.manifest, spot, master)):
                    return True
            except Blocked:
                if spot.medium != "radio" and spot.master.suffix.lower() not in AUDIO_SUFFIXES:
                    return True
        return False

    def _add_input(self, plan: VariantPlan, role: str, path: Path) -> None:
        """`path` as the variant's input `role`; `Blocked` if a render writes that file."""
        self._once(("written", role, path), lambda: self._checked(
            self._written.problems(plan.variant, role, path)))
        plan.inputs[role] = {"path": str(path), "sha256": self.cache.sha256(path)}

    def _probe_master(self, spot: Spot) -> MediaInfo:
        """The spot's master probed, seen from its programme's first frame (`programme_of`)."""
        return programme_of(self.manifest, spot,
                            self._probe_spot_file(spot, spot.master, say(N_("master")),
                                                  probe_master))

    def _probe_spot_file(self, spot: Spot, path: Path, what: Message, prober) -> MediaInfo:
        """A file the spot names, probed; an error on the spot's line when it is missing or
        cannot be read."""
        problem = input_problem(path)
        if problem:
            raise PipelineError(say(N_("%(what)s of spot %(spot)s %(problem)s: %(path)s"),
                                    what=what, spot=repr(spot.id), problem=problem[0],
                                    path=str(path)),
                                self.manifest.path, spot.line, problem[1])
        return self._probe(path, prober)

    def _examine_video(self, spot: Spot) -> Master | None:
        """`_examine` of a spot's probed master, or None for a radio spot (medium.is_radio
        decides, and reports a contradiction, when the spot is planned)."""
        info = self._memo[("master", master_view(spot))][0]
        return None if spot.medium == "radio" or info.video is None else self._examine(spot, info)

    def _examine(self, spot: Spot, info: MediaInfo) -> Master:
        """The conform step's view of the master (an `idet` sample only when the probe leaves
        the scan in doubt, cached by content)."""
        try:
            return examine(info, spot.audio, spot.crop, self.cache)
        except PipelineError as exc:
            if exc.path is not None:      # ffmpeg could not read the master: its own error
                raise
            raise PipelineError(exc.said_message, self.manifest.path, exc.line or spot.line,
                                exc.said_hint) from None

    def _sound_warnings(self, spot: Spot, master: Master) -> list[Diagnostic]:
        """The conform step's choices about the master's sound (streams left out, a default
        taken), as warnings on the spot's `audio:` key or the spot; not two mono streams taken
        as left and right where the stems warning (`_stems`, made before) says that already."""
        stems, _ = self._memo.get(("stems", spot.id), (None, None))
        return [warning(text, self.manifest.path, spot.audio.line or spot.line, code="audio-streams")
                for text in master.warnings
                if not (stems and isinstance(text, Message) and text.template == TWO_MONO)]

    def _probe_bed(self, spot: Spot) -> MediaInfo:
        return self._probe_spot_file(spot, spot.music_bed, say(N_("music bed")), probe_audio)

    def _music_bed(self, spot: Spot, master: MediaInfo, rate: int
                   ) -> tuple[MediaInfo, SoundAnalysis, list[Diagnostic]]:
        """The spot's music bed probed and analysed as a delivery is (fitted to the spot: the
        loudness its levelling starts from), and its DC offset, clipping, a silent side (the
        other put in its place), sides far apart, a sample rate under the variant's `rate`
        that leaves out part of the band, and music that ends well before the spot or past it
        (`check_bed`) as warnings on it: stations air it under every voice-over. No word on
        its pauses: the voice fills them."""
        bed = spot.music_bed
        info = self._once(("audio", bed), lambda: self._probe_bed(spot))
        self._misnamed(bed, info, N_("music bed"))
        analysis = self._once(("sound", bed, master.duration),
                              lambda: self._analyse(bed, info, master.duration))
        warnings = self._once(("bed-check", bed, master.duration), lambda: self._checked(
            (defect_warnings(bed, analysis, N_("music bed"), sides=True)
             if analysis.defects else []) + check_bed(bed, info.duration, analysis,
                                                      master.duration)))
        return info, analysis, warnings + self._low_rate(bed, info, N_("music bed"), rate)

    def _misnamed(self, path: Path, info: MediaInfo, what: str) -> None:
        """A sound file that holds another format than its name says, said once on the
        terminal: every variant renders from what it holds, so none carries the warning."""
        self._once(("misnamed", path), lambda: self._checked(misnamed(path, info, what)))

    def _misnamed_notes(self, plan: VariantPlan) -> list[Diagnostic]:
        """What `_misnamed` said of the files the variant reads so far: notes of the variant,
        which `--spot` and `--lang` leave out with it."""
        return [d for item in plan.inputs.values()
                for d in self._memo.get(("misnamed", Path(item["path"])), (None,))[0] or []]

    def _low_rate(self, path: Path, info: MediaInfo, what: str, rate: int) -> list[Diagnostic]:
        """`low_sample_rate`'s warning on a file a variant of `rate` Hz carries, and
        `coarse_samples`' and `thin_coding`'s, each said once."""
        return (self._once(("sample-rate", path, what, rate),
                           lambda: self._checked(low_sample_rate(path, info, what, rate)))
                + self._once(("sample-bits", path, what),
                             lambda: self._checked(coarse_samples(path, info, what)
                                                   + thin_coding(path, info, what))))

    def _master_sound(self, spot: Spot, master: MediaInfo) -> list[Diagnostic]:
        """A radio master's DC offset, clipping and dead air (sound_warnings.py's rules), as
        warnings on its file: stations air it as delivered, the source language's spot."""
        self._misnamed(spot.master, master, N_("master"))
        analysis = self._once(("master-sound", spot.master),
                              lambda: self._analyse(spot.master, master, None))
        if analysis.defects is None:
            return []
        return self._once(("master-check", spot.master), lambda: self._checked(
            defect_warnings(spot.master, analysis, N_("master"), removed=False)
            + dead_air(spot.master, analysis, master.duration, N_("master"))))

    def _video_master_sound(self, spot: Spot, master: Master
                            ) -> tuple[SoundAnalysis, list[Diagnostic]]:
        """A video master's sound analysed (the loudness its levelling starts from, its DC
        offset subtracted when it has one), and what it holds that nobody asked for as
        warnings on the master (master_sound.video_master_warnings), for the burned and
        subtitled variants that carry it; and, at the spot, two mono streams taken as left and
        right that look like stems (audio_streams.stems_warning)."""
        analysis = self._once(("video-sound", master_view(spot)),
                              lambda: self._analyse_master(master))
        unit = input_unit(self.manifest.profiles)
        # Levelled up to the highest target of the profiles that carry it (not audio-only ones).
        carrying = [p for p in self.manifest.profiles if carries(False, "burn", p)]
        top = loudest(carrying) if carrying else ()
        warnings = self._once(("video-sound-check", master_view(spot)), lambda: self._checked(
            video_master_warnings(spot.master, analysis, master.sound, master.info.duration,
                                  unit)
            + quiet(spot.master, analysis, N_("master's sound"), top, unit, MASTER_QUIET)))
        stems = self._once(("stems", spot.id),
                           lambda: self._checked(self._stems(spot, master, analysis)))
        return analysis, warnings + stems

    def _stems(self, spot: Spot, master: Master, analysis: SoundAnalysis) -> list[Diagnostic]:
        said = analysis.defects and stems_warning(spot.audio, master.sound,
                                                  analysis.defects.gated, str(spot.master))
        return [warning(said, self.manifest.path, spot.line, STEMS_HINT, "stems")] if said else []

    def _analyse_master(self, master: Master) -> SoundAnalysis:
        """`analyse_master_sound`, once per master content and choice of its sound streams."""
        key = (f"master-sound:{ANALYSIS_VERSION}:{BLOCK}:{SOUND_RANGE}:{SOUND_FLOOR}:"
               f"stereo{DOWNMIX_VERSION}:fade{FADE}:{sha256_json(master.sound_settings)}:"
               f"{master.info.duration}:{self.cache.sha256(master.info.path)}")
        return SoundAnalysis.from_cache(self.cache.remembered(
            key, lambda: analyse_master_sound(master).to_cache()))

    def _delivery(self, spot: Spot, language: Language, master: MediaInfo, profile: Profile,
                  radio: bool = False) -> tuple[Path, MediaInfo, SoundAnalysis, list[Diagnostic]]:
        """The language's audio delivery, found, probed, analysed and checked against the spot
        and a variant of `profile` (`_recording`); its path, probe, analysis and warnings. The
        folder listed and the file found once per folder and language."""
        folder = self.manifest.audio_dir / spot.id
        index = self.manifest.folder_index(folder)
        track = self._once(("delivery", spot.id, language.code),
                           lambda: find_delivery(self.manifest, spot, language, index,
                                                 self._probe_recording))
        return (track, *self._recording(track, language, master, profile, radio))

    def _recording(self, track: Path, language: Language, master: MediaInfo, profile: Profile,
                   radio: bool) -> tuple[MediaInfo, SoundAnalysis, list[Diagnostic]]:
        """A language's recording at `track` probed, analysed and checked against the spot of
        `master` and a variant of `profile`; its probe, analysis and warnings (errors raise
        Blocked). Each step once per file or (file, spot length, rule).
        `radio`: the spot is; its variant is then sound alone, as an audio-only profile's is,
        where a dub's silence at the start or end is dead air (a dub under a picture is timed
        to it)."""
        info = self._once(("audio", track), lambda: self._probe_recording(track))
        # The track as its warnings name it (a word the page translates).
        what = N_("dub") if language.treatment == "dub" else N_("voice-over")
        # Said from the probe, before the analysis: also of a track it finds silent or cut.
        self._misnamed(track, info, what)
        low_rate = self._low_rate(track, info, what, profile.sample_rate)
        analysis = self._once(("sound", track, master.duration),
                              lambda: _recording(lambda: self._analyse(track, info,
                                                                       master.duration)))
        # Levelled up to the highest target of the profiles its spot's variants are made in.
        top = loudest(p for p in self.manifest.profiles if carries(radio, language.treatment, p))
        unit = input_unit(self.manifest.profiles)
        checked = ("delivery-check", track, master.duration, language.qc.duration_tolerance,
                   what, top, unit, master.programme_start)
        found = self._once(checked, lambda: self._warned(check_delivery(
            track, info.duration, analysis, master.duration, language.qc, what, top, unit,
            master.programme_start)))
        warnings = low_rate + [d for d in found if d.severity == "warning"]
        if radio or profile.audio_only:
            warnings = warnings + self._once(
                ("dead-air", track, master.duration, what),
                lambda: self._checked(dead_air(track, analysis, master.duration, what)))
        warnings = warnings + self._range(track, analysis, profile, language.treatment, radio)
        # Its errors (speech past the spot's end) raised once the file's every warning is said:
        # a trial's dub too long was told of its dead air and loudness range only once trimmed.
        # Those warnings stay the blocked variant's: `render --lang ctu` said another
        # language's, blocked, as of no variant.
        try:
            self._once(("delivery-errors", *checked[1:]), lambda: raise_if_errors(
                [d for d in found if d.severity == "error"]))
            self._short_term(track, analysis, profile, language.treatment, master.duration)
        except Blocked as blocked:
            raise Blocked(blocked.diagnostics, warnings) from None
        return info, analysis, warnings

    def recording_diagnostics(self, spot: Spot, language: Language,
                              track: Path) -> list[Diagnostic]:
        """What planning says of the file at `track`, wherever it is, as `language`'s recording
        for `spot` (`_recording` for each variant of them: `check --manifest`). The master is
        probed for its length: Blocked when it cannot be read or contradicts `medium:`."""
        master = self._once(("master", master_view(spot)), lambda: self._probe_master(spot))
        radio = self._once(("medium", spot.id), lambda: is_radio(self.manifest, spot, master))
        for profile in self.manifest.profiles:
            if not_applicable(self.manifest, radio, spot, language, profile) is None:
                try:
                    self._recording(track, language, master, profile, radio)
                except Blocked:      # its errors are said, once: validate blocks on them,
                    continue         # and says each profile's warnings all the same
        return list(self.diagnostics)

    def _analyse(self, path: Path, info: MediaInfo, duration: float | None) -> SoundAnalysis:
        """Loudness and sound end of a delivery, and its loudness fitted to a spot of `duration`
        seconds (None: not fitted, a radio master), once per file content and spot length
        (kept with its hash)."""
        # The thresholds, the downmix and the fit are in the key: changing one analyses again.
        key = (f"sound:{ANALYSIS_VERSION}:{BLOCK}:{SOUND_RANGE}:{SOUND_FLOOR}:"
               f"stereo{DOWNMIX_VERSION}:fit{duration}:fade{FADE}:{self.cache.sha256(path)}")
        return SoundAnalysis.from_cache(self.cache.remembered(
            key, lambda: analyse_delivery(path, info, duration).to_cache()))

    def _probe_recording(self, track: Path) -> MediaInfo:
        """`_probe` of a language's own recording (`_recording`)."""
        return _recording(lambda: self._probe(track, probe_audio))

    def _probe(self, path: Path, prober) -> MediaInfo:
        """ffprobe once per file content; the answer is kept with the file's hash."""
        key = f"probe:{PROBE_VERSION}:{prober.__name__}:{self.cache.sha256(path)}"
        known = self.cache.measure(key)
        if known is not None:
            return replace(MediaInfo.from_json(known), path=path)
        info = prober(path)
        self.cache.remember(key, info.to_json())
        return info


def _recording(compute):
    """`compute()` of a language's own recording (its probe, or its decode): an error of it
    (no sound ffprobe or ffmpeg can read there) carries RECORDING_UNREADABLE, which the page
    says in its language (publish/reasons.py); a master's or a music bed's has no such code.
    An empty file (files.empty_file's "empty", kept by probe for the terminal's words) is one
    that cannot be read, to a station."""
    try:
        return compute()
    except PipelineError as exc:
        if exc.code in (None, "empty"):
            exc.code = RECORDING_UNREADABLE
        raise
