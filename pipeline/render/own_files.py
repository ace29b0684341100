"""What planning still checks of a variant it blocked: its language's own files (its dub's or
voice-over's recording, its music bed, its subtitle file), as far as they can be checked, so
that a missing or broken one is said in the same run as what blocked the variant (a master
that cannot be read, or has no sound), not once that is fixed. A part of the planner
(render/planner.py), apart because it is a concern of its own: checks that run only where the
planner's gathering of a variant's inputs (`_gather_inputs`) stopped before them.
"""

from __future__ import annotations

from pipeline.errors import Diagnostic, raise_if_errors
from pipeline.media.probe import MediaInfo
from pipeline.render.delivery_files import find_delivery
from pipeline.render.inputs import Inputs
from pipeline.render.memo import Blocked
from pipeline.render.subtitle_input import master_settings
from pipeline.render.variants import Variant
from pipeline.subtitles.formats import read_subtitles


class OwnFiles(Inputs):
    """The planner's checks of a blocked variant's own files (each said once)."""

    def _check_own_files(self, variant: Variant, master: MediaInfo | None) -> list[Diagnostic]:
        """A blocked variant's language's own files, if planning stopped before them, checked
        as far as they can be, with the `master` when it could be read (the QC of subtitles
        needs its length and frame rate, and a file timed to its timecode is read from there):
        a missing or broken file is said in the same run as the problem that blocked it (a
        master that cannot be read, or has no sound), not once that is fixed. Returns their
        problems, the variant's: `--spot` and `--lang` leave them out with it."""
        spot, language = variant.spot, variant.language
        checks = []
        if language.needs_audio:
            folder = self.manifest.audio_dir / spot.id

            def delivery() -> None:
                track = self._once(("delivery", spot.id, language.code), lambda: find_delivery(
                    self.manifest, spot, language,
                    self.manifest.folder_index(folder),
                    self._probe_recording))
                # Probed with the master (_probe_all): the answer is in the memo.
                self._once(("audio", track), lambda: self._probe_recording(track))
            checks.append(delivery)
        if language.treatment == "mix" and spot.music_bed is not None:
            checks.append(lambda: self._once(("audio", spot.music_bed),
                                             lambda: self._probe_bed(spot)))
        if (language.needs_subtitles and not variant.profile.audio_only
                and ("subtitle-file", spot.id, language.code) not in self._memo):
            checks.append(lambda: self._once(("subtitles-alone", spot.id, language.code),
                                             lambda: raise_if_errors(read_subtitles(
                                                 self.manifest.subtitle_path(spot, language),
                                                 style=language.style,
                                                 burned=self.manifest.burns(language),
                                                 **master_settings(master)).diagnostics)))
        found = []
        for check in checks:
            try:
                check()
            except Blocked as blocked:     # reported once, by _once
                found += blocked.diagnostics
        return found
