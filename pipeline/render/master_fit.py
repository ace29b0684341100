"""What planning says of a video master against each profile it is rendered to: a frame rate
with no interlaced form for an interlaced profile, a timecode that does not fit the output
rate, a slate's text the font lacks (errors); a picture that leaves most of the frame to black
bars and an interlaced master made progressive (warnings). A part of the planner
(render/planner.py), apart because it is a concern of its own: the master's fit to the frame, where
the planner gathers each variant's inputs.
"""

from __future__ import annotations

from fractions import Fraction

from pipeline.errors import Diagnostic, PipelineError, note, raise_if_errors, warning
from pipeline.messages import N_, Items, Message, Number, say
from pipeline.media.geometry import bars_warning
from pipeline.media.scan import SCAN_NAMES
from pipeline.media.timecode import counted_on, exact_rate, pre_roll, rate_problem, rate_text
from pipeline.render.inputs import Inputs
from pipeline.render.leader import output_rate, scan_problem
from pipeline.render.mastering import converted, deinterlaced_per_field
from pipeline.render.slate import slate_problems
from pipeline.render.variants import VariantPlan
from pipeline.subtitles.fonts import Font, resolve_font

# Whole rates of the NTSC family's: what phones and screen recorders make (media/timecode.py's
# `measured_constant_rate`), not what its stations air.
WHOLE_NTSC_RATES = (Fraction(24), Fraction(30), Fraction(60))
# The rates drop-frame timecode counts (SMPTE ST 12-1): 29.97 and 59.94.
DROP_RATES = (Fraction(30000, 1001), Fraction(60000, 1001))


class MasterFit(Inputs):
    """The planner's checks of a video master against a variant's profile (each said once)."""

    def _check_master(self, plan: VariantPlan) -> None:
        """A master's frame rate has an interlaced form if the profile is interlaced, its timecode
        fits that rate, and its slate's text the font."""
        variant, profile = plan.variant, plan.variant.profile
        master_fps = plan.master.video.fps if plan.master.video else None
        scan = scan_problem(profile, master_fps)
        problem = scan or (
            profile.timecode and rate_problem(profile.timecode, output_rate(profile, master_fps)))
        if problem:
            # At the key to change: a manifest of several profiles is not left to guess which.
            # A rate no interlaced master has is the profile's fps when it sets one.
            line = self.manifest.profile_line(profile.name, *(("fps", "scan") if scan
                                                              else ("timecode",)))
            self._once(("timecode", profile.name, variant.spot.id), lambda: self._raise(
                say(N_("profile %(profile)s: %(problem)s (spot %(spot)s)"),
                    profile=repr(profile.name), problem=problem, spot=variant.spot.id), line))
        if profile.leader and profile.leader.slate:
            font = self._once(("font", self.manifest.style.font, None),
                              lambda: self._resolve_slate_font())
            self._once(("slate-glyphs", variant.key, font.path),
                       lambda: raise_if_errors(slate_problems(variant, font)))
            self._add_input(plan, "slate_font", font.path)
        self._note_whole_rate(plan, master_fps)
        self._note_rate_converted(plan)
        self._note_drop_mode(plan, master_fps)

    def _note_drop_mode(self, plan: VariantPlan, master_fps: float | None) -> None:
        """A TV master written in non-drop-frame timecode (the profile's default) at 29.97 or
        59.94 fps, of a master whose own timecode is drop-frame, is noted once a spot and
        profile: a trial's 09:59:58;00 master came out 09:59:48:00 without a word, and an NTSC
        station labelling in drop-frame reads non-drop times 3.6 s an hour apart (SMPTE
        ST 12-1)."""
        profile, spot, own = plan.variant.profile, plan.variant.spot, plan.master.timecode
        rate = output_rate(profile, master_fps)
        if not (profile.mastered and profile.timecode and ";" not in profile.timecode
                and own and ";" in own and rate in DROP_RATES):
            return
        # A label drop-frame skips (10:01:00;00: the first of that minute is 10:01:00;02) is
        # no timecode to give: the first one after it (the review).
        labels = (profile.timecode[:8] + ";" + profile.timecode[9:],
                  profile.timecode[:8] + (";02" if rate < 40 else ";04"))
        drop = next((label for label in labels if not rate_problem(label, rate)), "HH:MM:SS;FF")
        line = self.manifest.profile_line(profile.name, "timecode")
        plan.notes += self._once(("drop-mode", profile.name, spot.id), lambda: self._checked([
            note(say(N_("profile %(profile)s writes spot %(spot)s's master in non-drop-frame "
                        "timecode (%(timecode)s), where its master's own is drop-frame "
                        "(%(own)s)"), profile=repr(profile.name), spot=spot.id,
                     timecode=profile.timecode, own=own), self.manifest.path, line,
                 say(N_("for drop-frame, give the profile %(key)s"),
                     key=f"timecode: \"{drop}\""), "drop-mode")]))

    def _note_whole_rate(self, plan: VariantPlan, master_fps: float | None) -> None:
        """A TV master made at 24, 30 or 60 fps exactly (a phone's or a screen recording's
        rate, the profile setting none) is said once a spot and profile: stations of the
        NTSC family (Mexico's among them) run at 23.976, 29.97 and 59.94, and convert such a
        file, a frame dropped every 33 s at 30; `fps: 29.97` makes it at their rate. Interlaced
        profiles refuse those rates outright (`leader.scan_problem`)."""
        profile, spot = plan.variant.profile, plan.variant.spot
        rate = output_rate(profile, master_fps)
        if not profile.mastered or profile.fps or rate not in WHOLE_NTSC_RATES:
            return
        ntsc = {24: "23.976", 30: "29.97", 60: "59.94"}[int(rate)]
        line = self.manifest.profile_line(profile.name)
        plan.notes += self._once(("whole-rate", profile.name, spot.id), lambda: self._checked([
            warning(say(N_("profile %(profile)s makes spot %(spot)s's master at %(rate)s fps, "
                           "its own rate: NTSC stations run at %(ntsc)s fps and convert it, "
                           "dropping a frame every %(every)s s"), profile=repr(profile.name),
                        spot=spot.id, rate=str(rate), ntsc=ntsc,
                        every=Number(1000 / int(rate), ".0f")), self.manifest.path, line,
                    code="whole-rate",
                    hint=say(N_("give the profile %(fps)s to make it at their rate, or ignore "
                                "this for a station that takes it as it is"),
                             fps=f"'fps: {ntsc}'"))]))

    def _note_rate_converted(self, plan: VariantPlan) -> None:
        """A TV master made at a profile's frame rate other than its master's (25 to 29.97,
        24 to 25, leader.RateChange) is said once a spot and profile, as what becomes of the
        master's frames or fields: ffmpeg's `fps` repeats or drops whole pictures, with none
        of a standards converter's motion compensation, so motion judders (2:3 pulldown and
        even repeats are said without it); 30 to 29.97, a picture every 33 s, is not said."""
        profile, spot = plan.variant.profile, plan.variant.spot
        change = converted(plan) if profile.mastered else None
        if change is None:
            return
        source, made = rate_text(change.source), rate_text(exact_rate(profile.fps))
        how: str | Message = change.said()
        if change.judders:
            how = say(N_("%(how)s (no motion-compensated conversion), so motion judders"), how=how)
        keep = say(N_("leave the profile's fps unset to keep %(rate)s fps"), rate=source)
        if change.pulldown:
            hint = say(N_("a station that takes %(rate)s fps masters gets the film's frames as "
                          "they are: give the profile %(scan)s and leave its fps unset"),
                       rate=source, scan="'scan: progressive'")
        elif change.near_pulldown:
            hint = say(N_("ask for the master made at %(rate)s fps, or %(keep)s"),
                       rate=rate_text(change.made * 2 / 5), keep=keep)
        elif change.judders:
            hint = say(N_("ask for the master made at %(rate)s fps (a standards converter does it "
                          "far better), or %(keep)s"), rate=made, keep=keep)
        else:
            hint = keep
        line = self.manifest.profile_line(profile.name, "fps")
        plan.notes += self._once(("rate-converted", profile.name, spot.id), lambda: self._checked([
            warning(say(N_("profile %(profile)s makes spot %(spot)s's %(source)s fps master at "
                           "%(made)s fps: %(how)s"), profile=repr(profile.name), spot=spot.id,
                        source=source, made=made, how=how), self.manifest.path, line,
                    code="rate-converted", hint=hint)]))

    def _bars(self, plan: VariantPlan) -> list[Diagnostic]:
        """A picture that leaves most of the profile's frame to black bars (a phone's portrait
        video in `web`, a 16:9 master in `vertical`): said once a spot and frame, at the spot,
        naming every profile of that frame, with the profile its shape fills; a QC warning of
        each of those variants, so that the catalog and the page say it beside the file
        (media/geometry.py `bars_warning`)."""
        variant = plan.variant
        found = bars_warning(plan.conform.geometry, variant.profile, variant.spot.id,
                             self.manifest.path, variant.spot.line,
                             [profile.kind for profile in self.manifest.profiles],
                             self.manifest.profiles, plan.conform.own_bars)
        if found is None:
            return []
        self.diagnostics.append(found)
        return [found]

    def _track_unseen(self, plan: VariantPlan) -> list[Diagnostic]:
        """A `soft` language's file for messaging apps or social feeds (`TRACKLESS`) whose
        profile keeps its subtitles a track (`soft_subtitles: track`; these burn them unless
        told): their players show no subtitle track, so its viewers see no subtitles. Said
        once a language and profile, at the language; a QC warning of each such variant, said
        on the page beside the file (a trial's Tsotsil messaging file: Spanish sound, no
        Tsotsil at all)."""
        variant = plan.variant
        found = warning(
            say(N_("language %(code)s is 'soft', but profile %(profile)s makes a file for "
                   "messaging apps and social feeds, whose players show no subtitle track: "
                   "its viewers will see no subtitles"), code=repr(variant.language.code),
                profile=repr(variant.profile.name)),
            self.manifest.path, variant.language.line,
            say(N_("leave out the profile's 'soft_subtitles: track' to burn them into the "
                   "picture, or leave %(profile)s out of the profiles the language is made in"),
                profile=repr(variant.profile.name)), "track-unseen")
        self.diagnostics.append(found)
        return [found]

    def _note_deinterlaced(self, plan: VariantPlan) -> None:
        """An interlaced master made progressive is said, not a QC warning of the file: the
        profile asks for progressive frames, and a station or a player may want them; the
        fields' motion is halved (a frame for every two fields, the frame rate kept). Once a
        spot and master profile, which 'scan: tff' can make keep the fields; once a spot for
        all the other (web, phone) profiles, which players show as whole frames only."""
        variant, profile = plan.variant, plan.variant.profile
        scan = plan.conform.scan.scan
        if scan == "progressive" or profile.audio_only or profile.scan != "progressive":
            return      # an interlaced profile's fields are woven from the master's
        interlaced = say(N_("spot %(spot)s's interlaced master (%(scan)s)"),
                         spot=variant.spot.id, scan=say(SCAN_NAMES[scan]))
        # Notes of the variants they are said for, which `--profile` leaves out with them; not
        # QC warnings of their files.
        if profile.mastered:
            if deinterlaced_per_field(plan):
                return      # a frame per field: no motion lost (its rate change is said)
            key = ("woven", profile.name, variant.spot.id)
            plan.notes += self._once(key, lambda: self._checked([
                warning(say(N_("profile %(profile)s is progressive: %(master)s is deinterlaced "
                               "into whole frames, half of its fields' motion"),
                            profile=repr(profile.name), master=interlaced), self.manifest.path,
                        self.manifest.profile_line(profile.name, "scan"),
                        code="deinterlaced",
                        hint=say(N_("to keep the fields, give the profile %(scan)s (HD's field "
                                    "order, SMPTE ST 274)"), scan="'scan: tff'"))]))
            return
        named = [p.name for p in self.manifest.profiles
                 if not (p.audio_only or p.mastered) and p.scan == "progressive"]
        names = tuple(map(repr, named))
        which = (say(N_("profile %(profile)s is progressive"), profile=names[0])
                 if len(names) == 1 else
                 say(N_("profiles %(profiles)s are progressive"),
                     profiles=Items(names, ", ", " and ")))
        # At the one profile's line; of several, at `profiles:`, which they share.
        where = (self.manifest.path, self.manifest.profile_line(named[0]) if len(named) == 1
                 else self.manifest.line_of("profiles"))
        plan.notes += self._once(("woven", variant.spot.id), lambda: self._checked([
            warning(say(N_("%(which)s: %(master)s is deinterlaced into whole frames, half of its "
                           "fields' motion"), which=which, master=interlaced), *where,
                    code="deinterlaced",
                    hint=say(N_("web and phone players show whole frames only: to keep the "
                                "motion, export the master progressive at its field rate (50p or "
                                "59.94p)")))]))

    def _note_pre_roll(self, plan: VariantPlan) -> None:
        """A master whose timecode reaches a whole hour a few seconds in (00:59:57:00, the UK
        DPP's 09:59:30:00) most likely carries what comes before its programme: bars, a slate,
        black. Rendered as it is, each variant counts them in its programme (its length, what a
        station books), a dub recorded from the programme's start plays that much early, and a
        profile's leader comes before them. Said once a spot: only the media team can tell (and
        give the spot's `programme_start`, media/programme.py)."""
        info, spot = plan.master, plan.variant.spot
        fps = info.video.fps if info.video else None
        if spot.programme_start is not None:     # the media team said where the programme starts
            return
        if not info.timecode or not fps or rate_problem(info.timecode, exact_rate(fps)):
            return
        rate = exact_rate(fps)
        frames = pre_roll(info.timecode, rate, info.duration or 0.0)
        if frames is None:
            return
        hour, seconds = counted_on(info.timecode, rate, frames), float(frames / rate)
        plan.notes += self._once(("pre-roll", spot.id), lambda: self._checked([warning(
            say(N_("spot %(spot)s's master starts at %(timecode)s, %(seconds)s s (%(frames)s "
                   "frames) before %(hour)s, where programmes start: if it carries bars, a slate "
                   "or black before its programme, every variant counts them in its length, dubs "
                   "and voice-overs recorded from the programme's start play that much early, and "
                   "a profile's leader comes before them"), spot=spot.id, timecode=info.timecode,
                seconds=Number(seconds, ".2f"), frames=frames, hour=hour),
            self.manifest.path, spot.line, code="pre-roll",
            hint=say(N_("give the spot %(start)s to cut what comes before it (or export the master "
                        "from that frame), or ignore this if its picture starts there"),
                     start=f"'programme_start: \"{hour}\"'"))]))

    def _raise(self, message: str | Message, line: int | None):
        raise PipelineError(message, self.manifest.path, line)

    def _resolve_slate_font(self) -> Font:
        try:
            return resolve_font(self.manifest.style.font)
        except PipelineError as exc:
            raise PipelineError(say(N_("the slate's font: %(message)s"),
                                    message=exc.said_message), self.manifest.path,
                                self.manifest.line_of("style"), exc.said_hint) from None
