"""What a sound's analysis finds that nobody asked for, said as warnings on its file: a DC
offset (and the correction subtracted from the rendered sound), clipping, a voice routed off
the centre or into the LFE by a wrong channel order, a delivery's, a bed's or a video
master's one silent side (the other put in its place; render/sound_sides.py) or a delivery's
or bed's sides far apart, and dead air at the start or end of a sound aired alone (a video
master's silent, short or long sound: render/master_sound.py).

The analysis is `deliveries.py`'s (one decode of each file, `media/defects.py`'s readings);
these are the rules read off it, for dubs and voice-overs, music beds and masters alike, and
what a variant's plan takes from it (`use_analysis`: the corrections, or the loudness its
levelling starts from).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Diagnostic, error, warning
from pipeline.media.audio_layout import GAINS, spoken
from pipeline.media.defect_levels import (CLIP_LEVEL, CLIP_RUN, LFE_BAND, LOSSY_LEVEL,
                                          LOSSY_SHARE, SILENCE_LEVEL)
from pipeline.media.defects import Defects, offset_dbfs
from pipeline.media.loudness import BLOCK
from pipeline.media.sound_analysis import SoundAnalysis
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count
from pipeline.render.sound_sides import master_sides, side_warnings, silent_side
from pipeline.render.variants import VariantPlan

# A DC offset over DC_LIMIT is said and subtracted from the rendered sound. Clean material sits
# well under it (measured: espeak-ng's synthetic voice -62.5 dBFS, a mixed music-like signal
# -71.7 dBFS; microphones and their preamps pass no DC at all), while a faulty converter or
# plug-in puts it at -40 dBFS and over (the defect found: `dcshift=0.2`, -14 dBFS). Under the
# limit nothing is done, so a clean delivery renders to the same bytes as before.
DC_LIMIT = -50.0           # dBFS (AES17: the mean, relative to full scale)
# Dead air a dub may start or end with before it is said: a radio spot's sound starts at once
# and runs to its end; pauses inside speech are not looked at. A spot's top is trimmed tight
# (playout fires it on its first sample): a trial's phone dub began a second late on air, under
# the 1 s this was, unsaid. Its end gets more room: a dub's speech rarely fills the spot to the
# frame, and the bed after the last word is part of it.
LEADING_SILENCE = 0.5      # seconds
TRAILING_SILENCE = 2.0     # seconds
# What to do with a track whose channel order moved its voice (into the LFE, off the centre): a
# language's own recording is exported again; a master's or a bed's streams may be chosen.
VOICE_ORDER_HINT = say(N_("export it again with the voice on the left and right channels (or "
                         "the centre of a 5.1: L R C LFE Ls Rs)"))
ORDER_HINT = say(N_("check the channel order of the export (L R C LFE Ls Rs: the order of a "
                    "WAV's channel mask and of ffmpeg's 5.1), or choose the master's streams "
                    "with the spot's audio: key"))
# A 5.1's or 7.1's surrounds (a 6.1's back centre too): what the downmix takes 3 dB down.
SURROUNDS = ("BL", "BR", "SL", "SR", "BC")


def dc_correction(analysis: SoundAnalysis, sides: bool = False) -> tuple[float, ...] | None:
    """The per-channel offset (full scale = 1.0) to subtract from the track's stereo downmix
    (`dc_offset`), when its largest is over DC_LIMIT; None otherwise (nothing done: the same
    bytes as ever). `sides`: a silent side is replaced by the other (`silent_side`), whose
    offset the downmix then carries on both sides."""
    defects = analysis.defects
    if defects is None:
        return None
    dc = dc_offset(defects)
    silent = silent_side(analysis) if sides else None
    if silent is not None and len(dc) == 2:
        # Exact for a stereo track; for a 5.1, when its surrounds carry the same offset or
        # none (the downmix's sides differ by their surrounds'). Their offsets are not read.
        live = dc[1 if silent == "FL" else 0]
        dc = (live, live)
    return dc if offset_dbfs(dc) > DC_LIMIT else None


def dc_offset(defects: Defects) -> tuple[float, ...]:
    """A track's DC offset per channel of its downmix (full scale = 1.0): its mean (AES17); a
    clipped track's read in its pauses when it has them (defect_levels.PAUSE_LEVEL), as its clipping
    moves the mean of its loud blocks (`lopsided`)."""
    return defects.pause_dc if defects.clipped_samples and defects.pause_dc is not None \
        else defects.dc


def lopsided(defects: Defects) -> bool:
    """Whether a track's mean is over DC_LIMIT only because it is clipped: its pauses have no
    offset over it. Clipping cuts a waveform's tops more on one side than on the other where
    the waveform is not symmetric (a voice's seldom is), so the mean of its loud blocks moves,
    and nothing else's. Said with the clipping, not as an offset, and not subtracted: a
    constant taken from the whole track would put that offset into its pauses, the step at
    the start and end that an offset is said for."""
    return (bool(defects.clipped_samples) and defects.pause_dc is not None
            and offset_dbfs(defects.dc) > DC_LIMIT >= offset_dbfs(defects.pause_dc))



def defect_warnings(path: Path, analysis: SoundAnalysis, what: str,
                    removed: bool = True, voice: bool = False,
                    sides: bool = False, replaced: bool = False) -> list[Diagnostic]:
    """Warnings for a DC offset over DC_LIMIT (one that is its clipping's, `lopsided`, is said
    with the clipping), for clipped samples, for sound in the LFE above its band at about a
    main channel's level, for a mains hum, and for a centre far under the other main channels
    (media/defects.py's rules). `removed`: the offset is subtracted from the rendered
    sound; not so for a radio master, which stations air as delivered and no variant carries.
    `voice`: the track is a language's own recording (a dub, a voice-over), whose voice in the
    LFE or off the centre is an error: its variants would go to air without it, or with it on
    one side. `sides`: the track is a delivery or a music bed, whose silent side is replaced
    by the other, and said, and whose sides far apart are said (`side_warnings`). `replaced`:
    its silent side is replaced (its offset is then the other's), said by the caller (a video
    master's sound: sound_sides.master_sides)."""
    defects, found = analysis.defects, []
    dc = dc_correction(analysis, sides or replaced)
    if dc is not None:
        channels = (N_("left %(offset)s"), N_("right %(offset)s"))
        # A mono track has no sides: its offset, the same in both of its downmix's channels,
        # is said once.
        figures = (Number(dc[0], "+.4f") if defects.layout == "mono" else
                   Items(tuple(say(side, offset=Number(value, "+.4f"))
                               for side, value in zip(channels, dc))))
        template = (N_("the %(what)s has a DC offset of %(level)s dBFS (%(channels)s of full "
                       "scale): it would click where the sound starts and ends and takes "
                       "headroom; it is subtracted from the rendered sound") if removed else
                    N_("the %(what)s has a DC offset of %(level)s dBFS (%(channels)s of full "
                       "scale): it would click where the sound starts and ends and takes "
                       "headroom; stations air the master as delivered (no variant made here "
                       "carries its sound)"))
        found.append(warning(
            say(template, what=say(what), level=Number(offset_dbfs(dc), ".1f"),
                channels=figures),
            path,
            hint=say(N_("check the recording chain (converter, plug-ins) and export it again")),
            code="dc-offset"))
    if defects.clipped_samples:
        said = _clipping(defects, what)
        if lopsided(defects):
            said = say(N_("%(clipping)s; its mean, %(level)s dBFS, is the clipping's (the tops are "
                          "cut more on one side than on the other), not a DC offset: its pauses "
                          "have none, and nothing is subtracted"),
                       clipping=said, level=Number(defects.dc_dbfs, ".1f"))
        found.append(warning(said, path,
                             hint=say(N_("record or export it again with headroom (peaks under "
                                         "-1 dBFS); levelling cannot restore what clipping cut "
                                         "off")),
                             code="clipping"))
    if defects.lfe_misrouted:
        said = say(N_("the %(what)s carries sound above %(band)s Hz in its LFE channel at "
                      "%(level)s dBFS RMS (its loudest main channel, %(channel)s, at "
                      "%(loudest)s): a voice or a main channel seems routed there; a stereo "
                      "downmix leaves the LFE out (ITU-R BS.775-3), so it loses that sound"),
                   what=say(what), band=LFE_BAND, level=Number(defects.lfe_band, ".1f"),
                   loudest=Number(defects.loudest_level, ".1f"), channel=defects.loudest)
        if voice:      # an error: its variants would go to air without the voice
            found.append(error(said, path, hint=VOICE_ORDER_HINT, code="lfe-content"))
        else:
            found.append(warning(said, path, hint=ORDER_HINT, code="lfe-content"))
    # Of a language's own recording alone: a music bed's or a master's bass may dwell on a
    # note near a mains frequency (B1, 61.7 Hz, is 2.4 dB down in the 60 Hz band).
    if defects.hum and voice:
        frequency, level = defects.hum
        found.append(warning(
            say(N_("the %(what)s carries a mains hum at %(frequency)s Hz, %(under)s dB under its "
                   "loudness (%(level)s dBFS RMS in every second, its pauses too): power "
                   "cables, a dimmer or a ground loop, heard between the words and lifted with "
                   "them by levelling"), what=say(what), frequency=frequency,
                under=Number(analysis.loudness.integrated - level, ".0f"),
                level=Number(level, ".1f")),
            path, hint=say(N_("record it again away from power cables and dimmers (a phone or "
                              "laptop on its battery), or run it through a hum filter (a notch "
                              "at %(frequency)s Hz and its harmonics)"), frequency=frequency),
            code="hum"))
    # Not of a music bed: an M&E has no voice, and its centre, where the dialogue was, may well
    # be empty.
    if defects.off_centre and what != "music bed":
        said = _off_centre(defects, what)
        found.append(error(said, path, hint=VOICE_ORDER_HINT, code="centre-empty") if voice
                     else warning(said, path, hint=ORDER_HINT, code="centre-empty"))
    if sides:
        found += side_warnings(path, defects, what, voice)
    return found


def _clipping(defects: Defects, what: str) -> Message:
    """How much of a track is clipped, and where: samples held at full scale, or at its peak
    under it (clipped, then lowered: `defects.plateau`), or in a lossy delivery, whose codec
    rounded its flat tops off, its blocks crowded near full scale (media/defects.py's rules)."""
    figures = dict(what=say(what), samples=Number(defects.clipped_samples, "d"),
                   blocks=Number(defects.clipped_blocks, "d"), block=Number(BLOCK * 1000, ".0f"),
                   start=Number(defects.clipped_from, ".1f"), end=Number(defects.clipped_to, ".1f"),
                   channels=_where(defects))
    if defects.clip_level is not None:
        # Normalised after it was clipped: its level is fine, its distortion is not.
        return say_count(N_plural(
            "the %(what)s was clipped, then lowered: %(samples)s samples held at its peak, "
            "%(level)s dBFS (runs of %(run)s or more, its flat tops), in one %(block)s ms block, "
            "between %(start)s s and %(end)s s%(channels)s",
            "the %(what)s was clipped, then lowered: %(samples)s samples held at its peak, "
            "%(level)s dBFS (runs of %(run)s or more, its flat tops), in %(blocks)s of its "
            "%(block)s ms blocks, between %(start)s s and %(end)s s%(channels)s"),
            defects.clipped_blocks, run=CLIP_RUN, level=Number(defects.clip_level, ".1f"),
            **figures)
    if defects.codec is None:
        return say_count(N_plural(
            "the %(what)s is clipped: %(samples)s samples held at full scale (runs of %(run)s or "
            "more within %(level)s dB of it) in one %(block)s ms block, between %(start)s s and "
            "%(end)s s%(channels)s",
            "the %(what)s is clipped: %(samples)s samples held at full scale (runs of %(run)s or "
            "more within %(level)s dB of it) in %(blocks)s of its %(block)s ms blocks, between "
            "%(start)s s and %(end)s s%(channels)s"),
            defects.clipped_blocks, run=CLIP_RUN, level=Number(-CLIP_LEVEL), **figures)
    return say_count(N_plural(
        "the %(what)s was clipped before it was encoded (%(codec)s): one of its %(block)s ms "
        "blocks, between %(start)s s and %(end)s s%(channels)s, has %(share)s%% or more of its "
        "samples within %(level)s dB of full scale (%(samples)s samples), which a clean "
        "recording reaches only at its peaks",
        "the %(what)s was clipped before it was encoded (%(codec)s): %(blocks)s of its "
        "%(block)s ms blocks, between %(start)s s and %(end)s s%(channels)s, have %(share)s%% "
        "or more of their samples within %(level)s dB of full scale (%(samples)s samples), "
        "which a clean recording reaches only at its peaks"),
        defects.clipped_blocks, codec=defects.codec,
        share=Number(round(LOSSY_SHARE * 100, 2), "g"), level=Number(-LOSSY_LEVEL), **figures)


def _off_centre(defects: Defects, what: str) -> Message:
    """What a track whose centre is far under another main channel (`Defects.off_centre`)
    seems to hold, and what the stereo downmix (audio_layout.GAINS) makes of that channel."""
    channel, centre = defects.off_centre, defects.gated["FC"]
    loudest = defects.gated[channel]
    left, right = GAINS[channel]
    side = (say(N_("both its channels")) if left and right else
            say(N_("its left channel only")) if left else say(N_("its right channel only")))
    level = (say(N_("silent")) if centre is None else
             say(N_("%(under)s dB under it (%(level)s)"), under=Number(loudest - centre, ".1f"),
                 level=Number(centre, ".1f")))
    template = (N_("the %(what)s is loudest in a surround, its %(channel)s channel, at "
                   "%(loudest)s dBFS RMS (gated), and its centre channel is %(centre)s: its sound "
                   "seems routed to the surrounds, not its voice to the centre (a wrong channel "
                   "order?); the stereo downmix (ITU-R BS.775-3) takes %(channel)s 3 dB down into "
                   "%(side)s")
                if channel in SURROUNDS else
                N_("the %(what)s is loudest in its %(channel)s channel, at %(loudest)s dBFS RMS "
                   "(gated), and its centre channel is %(centre)s: film and TV mixes carry the "
                   "voice on the centre, so the voice is probably not there (a wrong channel "
                   "order?); the stereo downmix (ITU-R BS.775-3) takes %(channel)s as it is into "
                   "%(side)s"))
    return say(template, what=say(what), channel=spoken(channel, defects.layout),
               loudest=Number(loudest, ".1f"), centre=level, side=side)


def _where(defects) -> Message | str:
    """Which channels of a track of more than two hold the clips: the one to fix."""
    names = defects.clipped_channels
    if not names:
        return ""
    return say_count(N_plural(", in its %(names)s channel (of %(layout)s)",
                              ", in its %(names)s channels (of %(layout)s)"), len(names),
                     names=Items(tuple(spoken(name, defects.layout) for name in names), ", ",
                                 " and "), layout=defects.layout)


# Without a manifest a recording is not known to be a dub: a voice-over's silences are filled
# by the spot's sound mixed under it, which only the manifest says.
# A campaign knows whether the file is aired alone: a dub of a video spot with no radio file
# plays under its picture, which its silences are timed to (a trial read check's warning and
# check --manifest's silence as two answers).
# `%(hint)s`: what to do of a dub, a whole phrase.
_OVER_A_BED = N_("%(hint)s; if it is a voice-over, mixed over the spot's own sound, or a dub of "
                 "a video spot with no radio file, check it with --manifest: its silences are "
                 "then not aired alone")


# Under a voice-over, the bed (or the master's sound) plays wherever the voice pauses.
_BED_HINT = say(N_("the music bed (or the master's sound) under the voice-over is silent there: "
                   "ask for one that fills the spot, or re-time the voice-over"))


def _alone(hint: Message, alone: bool) -> Message:
    """`hint`, and when the file was checked without its spot, what a voice-over's or a video
    dub's check is (`_OVER_A_BED`)."""
    return say(_OVER_A_BED, hint=hint) if alone else hint


def dead_air(path: Path, analysis: SoundAnalysis, spot_duration: float | None,
             what: str) -> list[Diagnostic]:
    """Warnings for a dub heard alone (on radio) that starts with more than LEADING_SILENCE of
    silence, or leaves more than TRAILING_SILENCE of the spot silent at its end (padding
    included: it is what goes on air). Not for a voice-over: the bed plays under it.

    A radio `master` is held to the same limits: stations air it as it is, the source
    language's spot, and its silences are paid airtime. A video master's
    leader (black and silence before the first frame of the spot) is another matter: only a
    radio master is given here.

    A `recording` whose spot is not known (`check` without a manifest: `spot_duration` None)
    is held to a dub's limits, against its own length: its silences are the file's, and a
    translator sent two files back "0 warnings" that validate then said were dead air."""
    defects = analysis.defects
    if what not in ("dub", "master", "recording") or defects is None \
            or defects.first_sound is None:
        return []
    alone = spot_duration is None
    return _dead_air_said(path, defects.first_sound, defects.last_sound,
                     defects.length if alone else spot_duration, what, alone)


def mix_dead_air(plan: VariantPlan, span: tuple[float, float] | None,
                 length: float) -> list[Diagnostic]:
    """`dead_air`'s warnings of a voice-over's variant heard alone (an audio-only profile),
    from its rendered file (`span`: seconds to its first sound and to the end of its last,
    `Reading.sound_span`; None: silence throughout, said as such elsewhere; `length`: its
    seconds): the voice's silences are filled by the bed mixed under it, but a bed that ends
    before the spot is dead air all the same (a trial's voice-overs aired 5 s of it, said of
    the dub beside them only). At the bed's file, else the master's, whose sound it is."""
    if plan.variant.language.treatment != "mix" or span is None:
        return []
    bed = Path(plan.inputs["music_bed" if "music_bed" in plan.inputs else "master"]["path"])
    return _dead_air_said(bed, *span, length, N_("voice-over mix"), alone=False)


def _dead_air_said(path: Path, first: float, last: float, spot_duration: float, what: str,
              alone: bool) -> list[Diagnostic]:
    """The warnings of `dead_air`: `first` and `last`, seconds to the first sound and to the
    end of the last, of a spot of `spot_duration` seconds (the file's own length when `alone`,
    its spot not known)."""
    found = []
    if first > LEADING_SILENCE:
        found.append(warning(
            say(N_("the %(what)s starts with %(silence)s s of silence (under %(level)s dBFS; more "
                   "than %(limit)s s is dead air on radio)"), what=say(what),
                silence=Number(first, ".2f"), level=Number(SILENCE_LEVEL),
                limit=Number(LEADING_SILENCE)),
            path, hint=_BED_HINT if what == "voice-over mix" else
            _alone(say(N_("trim the silence before the first word")), alone),
            code="leading-silence"))
    end = min(last, spot_duration)
    if spot_duration - end > TRAILING_SILENCE:
        # Without a spot, the silence is the file's own: "of the spot" named one not there.
        template = (N_("the last %(silence)s s of the %(what)s are silence: its sound ends at "
                       "%(end)s s (under %(level)s dBFS after it; more than %(limit)s s is dead "
                       "air on radio)") if alone else
                    N_("the last %(silence)s s of the spot would be silence: the %(what)s's "
                       "sound ends at %(end)s s (under %(level)s dBFS after it; more than "
                       "%(limit)s s is dead air on radio)"))
        found.append(warning(
            say(template, silence=Number(spot_duration - end, ".1f"),
                what=say(what), end=Number(end, ".1f"), level=Number(SILENCE_LEVEL),
                limit=Number(TRAILING_SILENCE)), path,
            hint=(say(N_("trim the silence after the last word")) if what == "master" else
                  _alone(say(N_("re-time the recording to fill its spot")), alone)
                  if what == "recording" else _BED_HINT if what == "voice-over mix" else
                  say(N_("re-time the recording to fill the spot's %(length)s s"),
                      length=Number(spot_duration, ".2f"))),
            code="trailing-silence"))
    return found


def use_analysis(plan: VariantPlan, role: str, analysis: SoundAnalysis) -> None:
    """What the render takes from a track's analysis: the offset to subtract and, of a
    delivery, a music bed or a master's one stereo stream (sound_sides.master_sides), the
    silent side the other replaces; or else the loudness levelling starts from (one decode
    fewer at render time)."""
    sides = role != "master" or master_sides(plan.conform.sound)
    dc = dc_correction(analysis, sides)
    silent = silent_side(analysis) if sides else None
    if silent is not None:
        plan.one_sided[role] = silent
    if dc is not None:
        plan.dc[role] = dc
    if dc is None and silent is None and analysis.fitted is not None:
        plan.sounds[role] = analysis.fitted
    # Else levelling measures the corrected track itself: the planned figure heard the offset
    # (its true peak above all), or one side alone (3 dB under the same sound on both).
