"""Audio deliveries (dubs and voice-overs) checked before anything is rendered.

A language's track is `<audio_dir>/<spot>/<code>.<ext>`, exactly one per language, in any format
ffmpeg decodes that recording studios and phones send: WAV, FLAC, MP3, MP2, M4A/AAC, Ogg, Opus
(found by `delivery_files.py`). Each file is analysed once (cached by its content's hash and the
spot's length): its loudness by the EBU R128 meter and where its sound ends
(`media/sound_analysis.py`), so that a track which would be cut, padded or published silent is
reported to the translator in `validate`, `render` and `watch` alike; and, from the same decode,
the loudness of the track fitted to the spot, which levelling starts from (no second decode of
it at render time), and the defects a loudness meter does not see (`media/defects.py`): a DC
offset (removed from the rendered sound, and said), clipping, a voice routed off the centre or
into the LFE by a wrong channel order, one side silent (the other put in its place, and said) or
the sides far apart, and dead air at the start or end of a dub (said). A video master's sound,
which its burned and subtitled variants carry, is analysed the same way
(`analyse_master_sound`).
"""

from __future__ import annotations

from pathlib import Path

import ffmpeg

from pipeline.errors import Diagnostic, MediaError, PipelineError, RenderError, error, warning
from pipeline.manifest import QcSettings
from pipeline.media.audio_layout import fit_length, layout_of
from pipeline.media.audio_streams import fitted_to_picture, merged_sound
from pipeline.media.conform import Master
from pipeline.media.defect_levels import LFE_BAND, LFE_FLOOR, LOSSY, SILENCE_LEVEL
from pipeline.media.loudness import ABSOLUTE_GATE, BLOCK
from pipeline.media.probe import MediaInfo
from pipeline.media.sound_analysis import SoundAnalysis, analyse_sound, analyse_stream
from pipeline.render.sound_sides import ONE_SIDED_GAIN, levelled_from
from pipeline.render.sound_warnings import TRAILING_SILENCE, VOICE_ORDER_HINT, defect_warnings
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count
from pipeline.profiles import Profile

# Below this integrated loudness a track is noise floor, not a recording: levelling it to a
# -23 LUFS broadcast target would lift its noise by more than 37 dB. LUFS here and below, LKFS
# in A/85's words: one ITU-R BS.1770 measure (messages write standards.input_unit).
NEAR_SILENT = -60.0        # LUFS
# A recording levelled up by QUIET_LIFT or more to a profile's target is usable, but its noise
# floor comes up as much: said, with the lift and the profile, so that it can be recorded again
# louder (a trial's dub at -52.5 LUFS was raised by 29.5 dB without a word). Measured to the
# highest target it is made into: a fixed -40 LUFS floor (17 dB under EBU R128's -23) let a
# trial's -35 LUFS voice-over through, lifted 19 dB to radio-mp3's -16.
QUIET_LIFT = 17.0          # dB
# A dub whose sound, first to last, spans less than this share of its spot is no recording of
# it but a failed take or export: a trial's had a 0.3 s beep in 30 s of hiss, levelled up 28 dB
# and published, its page telling stations to cut both ends off. A dub is aired alone; a
# voice-over's short tag line over its bed is no such slip, nor a 4 s ident's one word (under
# LEAST_SOUND_FROM: their dead air is warned of).
LEAST_SOUND = 0.1
LEAST_SOUND_FROM = 10.0    # seconds of spot
def analyse_delivery(path: Path, info: MediaInfo, duration: float | None) -> SoundAnalysis:
    """`analyse_sound` of the file's first audio stream (`info`: its probe), and in the same
    decode the loudness of the track as levelling takes it, fitted to a spot of `duration`
    seconds (render/audio.py's `file_audio`; None: not wanted, as for a radio master, which no
    variant levels); an unsupported channel layout or ffmpeg's failure to decode the file is
    an error on that file."""
    stream = info.audio
    try:
        layout = layout_of(stream.channels or 0, stream.channel_layout)
    except PipelineError as exc:
        said = exc.diagnostics[0]     # its messages, to be said in Spanish
        raise MediaError(said.detail or said.message, path,
                         hint=said.hint_detail or said.hint) from None
    try:
        return analyse_sound(path, stream.sample_rate or 48000, layout,
                             None if duration is None
                             else lambda audio: fit_length(audio, duration, fade=True),
                             stream.codec)
    except RenderError as exc:
        raise _undecodable(exc, N_("ffmpeg cannot decode this audio: %(reason)s"), path,
                           say(N_("export it again as PCM WAV or FLAC"))) from None


def analyse_master_sound(master: Master) -> SoundAnalysis:
    """A video master's sound as its variants carry it (the streams the conform step chose,
    aligned with the picture, merged and downmixed: audio_streams.stereo_sound), analysed as a
    delivery is, in one decode: DC offset and clipping (per channel too when the layout has
    more than two, a split-mono pair's included, and of summed streams in a lossy codec), and
    the loudness levelling starts from (`fitted`: the downmix made as long as the picture).
    ffmpeg's failure to decode it is an error on the master."""
    sound, path = master.sound, master.info.path
    source = merged_sound(ffmpeg.input(str(path)), sound)
    # Streams merged from several codecs (rare) are read as the first lossy one is: its clips
    # have lost their flat tops, a PCM stream's still sit near full scale.
    codecs = [master.info.of_kind("audio")[n].codec for n in sound.streams]
    codec = next((codec for codec in codecs if codec in LOSSY), codecs[0])
    try:
        return analyse_stream(source, path, sound.sample_rates[0], sound.layout,
                              lambda stereo: fitted_to_picture(stereo, sound, master.info.duration),
                              codec, sound.downmix)
    except RenderError as exc:
        raise _undecodable(exc, N_("ffmpeg cannot decode the master's sound: %(reason)s"), path,
                           say(N_("export the master again"))) from None


# What ffmpeg says when the filter graph the pipeline built cannot run: no fault of the file.
GRAPH_FAILED = ("could not choose their formats", "Error reinitializing filters",
                "Error initializing complex filters", "Failed to configure")


def _undecodable(exc: RenderError, template: str, path: Path, hint: Message
                 ) -> PipelineError:
    """ffmpeg's last word on a file it could not decode (ffmpeg's English, as it prints it), as
    an error on that file; where its filter graph failed instead, the pipeline's error, said so
    (a trial's late split mono was "cannot decode the master's sound: Conversion failed!",
    "export the master again", while ffmpeg decoded it)."""
    lines = exc.stderr_tail.strip().splitlines()
    graph = next((line.strip() for line in lines if any(m in line for m in GRAPH_FAILED)), None)
    if graph is not None:
        return RenderError(say(N_("the filter graph the pipeline built for this sound failed to "
                                  "run (%(said)s): the file itself may well decode"), said=graph),
                           path,
                           hint=say(N_("a fault of the pipeline, not of the file: report it with "
                                       "the output of the same command run with -vv")),
                           stderr_tail=exc.stderr_tail)
    said = lines[-1] if lines else say(N_("unreadable"))
    return MediaError(say(template, reason=said), path, hint=hint)


def check_delivery(path: Path, duration: float, analysis: SoundAnalysis, spot_duration: float,
                   qc: QcSettings, what: str, loudest: tuple[Profile, ...],
                   unit: str, in_point: float = 0.0) -> list[Diagnostic]:
    """What is wrong with a delivered track of `duration` seconds for a spot of `spot_duration`,
    levelled to the target of the `loudest` profiles at the most (standards.loudest); loudness
    figures said in `unit` (standards.input_unit); `in_point`: the seconds of the master before
    its programme (a spot's `programme_start`), which the track is timed after.

    Errors: silence (undefined loudness, ITU-R BS.1770-4's absolute gate), near-silence (under
    NEAR_SILENT), sound in a block that starts at or after the spot's end (it would be cut; said
    with the warnings below but the length's). Warnings: a length more than
    `qc.duration_tolerance` seconds from the spot's (cut or padded with silence; a voice-over
    shorter than its spot, whose bed plays on, is the translator's to see alone), a track
    levelling lifts by QUIET_LIFT or more (`_quiet`), and the defects of `defect_warnings`.
    """
    unusable = _unusable(path, analysis, what, unit) or _mostly_silent(path, analysis, what,
                                                                       spot_duration)
    if unusable:
        return unusable
    # The last block may run past the decoded samples (a file's length is rarely whole blocks).
    end = None if analysis.sound_end is None else min(analysis.sound_end, duration)
    found = quiet(path, analysis, what, loudest, unit)
    difference = duration - spot_duration
    if end is not None and end - BLOCK >= spot_duration - 1e-3:
        # Said first, with the file's other defects, not alone: a trial's dub 1.5 s too long
        # was trimmed and sent again, to be told then of the clipping it had had all along.
        # Its length warning would say the same as this error.
        # A spot cut at an in-point: a track timed to the whole master, from its bars, is the
        # likely slip (a trial's was told of 8.01 s with no word of the in-point).
        figures = dict(spot=Number(spot_duration, ".2f"), what=say(what), end=Number(end, ".1f"))
        said = (say(N_("sound continues past the spot's end: speech would be cut at %(spot)s s, "
                       "the end of the programme from %(in_point)s s into the master "
                       "(programme_start) (the %(what)s has sound until %(end)s s)"),
                    in_point=Number(in_point, ".2f"), **figures) if in_point else
                say(N_("sound continues past the spot's end: speech would be cut at %(spot)s s "
                       "(the %(what)s has sound until %(end)s s)"), **figures))
        lead = analysis.defects.first_sound if analysis.defects is not None else None
        hint = (say(N_("trim or re-time the recording to the spot's %(spot)s s from the "
                       "programme's first frame, not the master's"), spot=figures["spot"])
                if in_point else
                # A trial's 17 s take for a 15 s spot began with 3.5 s of silence: trimming
                # that alone makes it fit.
                say(N_("trim the %(lead)s s of silence at its start: the recording then fits "
                       "the spot's %(spot)s s"), lead=Number(lead, ".2f"), spot=figures["spot"])
                if lead is not None and lead >= end - spot_duration + BLOCK else
                say(N_("trim or re-time the recording to the spot's %(spot)s s"),
                    spot=figures["spot"]))
        found.insert(0, error(said, path, hint=hint, code="sound-past-end"))
    # At the precision said (10 ms): a 60.000042 s spot's dub 0.500042 s short read "0.50 s
    # shorter (tolerance 0.5 s)" in a radio trial.
    elif round(abs(difference), 2) > qc.duration_tolerance and difference < 0 \
            and what == "voice-over":
        # Its music bed plays on after it: a voice-over ending early is how many are written.
        # A trial's page told stations of a 5 s voice-over's "length" in a 20 s spot.
        found.append(warning(
            say(N_("the voice-over is %(length)s s long, the spot %(spot)s s: the sound under "
                   "it plays alone for its last %(difference)s s"), length=Number(duration, ".2f"),
                spot=Number(spot_duration, ".2f"), difference=Number(-difference, ".2f")),
            path, hint=say(N_("if the voice is to end there, nothing to do; else check that "
                              "this is the recording for this spot")), code="voice-over-short"))
    elif round(abs(difference), 2) > qc.duration_tolerance:
        template = (N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s s "
                       "longer (tolerance %(tolerance)s s); its end is silence and will be cut")
                    if difference > 0 else
                    N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s s "
                       "shorter (tolerance %(tolerance)s s); it will be padded with silence"))
        found.append(warning(
            say(template, what=say(what), length=Number(duration, ".2f"),
                spot=Number(spot_duration, ".2f"), difference=Number(abs(difference), ".2f"),
                tolerance=Number(qc.duration_tolerance)), path,
            hint=say(N_("check that this is the recording for this spot")), code="length"))
    return found + _defects(path, analysis, what)


def check_bed(path: Path, duration: float, analysis: SoundAnalysis,
              spot_duration: float) -> list[Diagnostic]:
    """Warnings on a spot's music bed against the spot's `spot_duration` (seconds): its music
    (`analysis.sound_end`) ending more than TRAILING_SILENCE before the spot's end, where every
    voice-over over it then has no music (a trial's 6 s bed under a 12 s spot: 4.5 s of
    silence closing each video file, said of its radio file alone), or going on more than
    TRAILING_SILENCE past it, cut there (a bed made for a longer cut of the spot; a ring-out
    past the end, 40 dB under the peak within about a second, is no cut music). `duration`:
    the file's length as probed, said when its decode gives none. Nothing of a bed without
    sound (its defects say so)."""
    if analysis.sound_end is None:
        return []
    # The decoded length: ffprobe only estimates an ADTS AAC's or a header-less MP3's.
    length = (analysis.defects.length if analysis.defects is not None else 0.0) or duration
    end = min(analysis.sound_end, length)
    figures = dict(length=Number(length, ".2f"), spot=Number(spot_duration, ".2f"))
    hint = say(N_("check that this is the music bed of this cut of the spot"))
    if end - spot_duration > TRAILING_SILENCE:
        return [warning(say(N_("the music bed is %(length)s s long, the spot %(spot)s s: its "
                               "music goes on to %(end)s s and is cut off at the spot's end"),
                            end=Number(end, ".1f"), **figures),
                        path, hint=hint, code="bed-cut")]
    if spot_duration - end > TRAILING_SILENCE:
        return [warning(say(N_("the music bed's sound ends at %(end)s s, the spot at %(spot)s s "
                               "(the bed is %(length)s s long): its voice-overs have no music in "
                               "their last %(missing)s s"), end=Number(end, ".1f"),
                            missing=Number(spot_duration - end, ".1f"), **figures),
                        path, hint=hint, code="bed-short")]
    return []


def check_alone(path: Path, analysis: SoundAnalysis, what: str, loudest: tuple[Profile, ...],
                unit: str) -> list[Diagnostic]:
    """`check_delivery`'s rules that need no spot, for a recording whose spot is not known
    (`check` without a manifest): silence and near-silence (errors), a voice in the LFE alone
    (an error), a track levelling lifts by QUIET_LIFT or more and the defects of
    `defect_warnings`; not its length nor where its sound ends."""
    return _unusable(path, analysis, what, unit) or (
        quiet(path, analysis, what, loudest, unit) + _defects(path, analysis, what))


_EXPORTED = say(N_("check that the right file, take and channels were exported"))


def _unusable(path: Path, analysis: SoundAnalysis, what: str, unit: str) -> list[Diagnostic]:
    """The error of a track with nothing to level: its main channels silent and its sound in
    the LFE, silence, or near-silence; none for any other."""
    loudness = analysis.loudness
    defects = analysis.defects
    if not loudness.defined and defects is not None and defects.lfe_band is not None \
            and defects.lfe_band > LFE_FLOOR:
        # Its main channels silent, its sound in the LFE: a wrong channel order, not silence.
        return [error(say(N_("the %(what)s's main channels are silent: its sound is in the LFE "
                             "channel (%(level)s dBFS RMS above %(band)s Hz), which a stereo "
                             "downmix leaves out (ITU-R BS.775-3): a wrong channel order?"),
                          what=say(what), level=Number(defects.lfe_band, ".1f"), band=LFE_BAND),
                      path, hint=VOICE_ORDER_HINT, code="lfe-content")]
    if not loudness.defined:
        return [error(say(N_("the %(what)s is silent: its loudness is undefined (no 400 ms block "
                             "reaches ITU-R BS.1770-4's absolute gate, %(gate)s %(unit)s)"),
                          what=say(what), gate=Number(ABSOLUTE_GATE, "g"), unit=unit), path,
                      hint=_EXPORTED, code="silent")]
    if loudness.integrated < NEAR_SILENT:
        return [error(say(N_("the %(what)s is nearly silent: %(level)s %(unit)s integrated, "
                             "under the %(floor)s %(unit)s floor"), what=say(what),
                          level=Number(loudness.integrated, ".1f"), unit=unit,
                          floor=Number(NEAR_SILENT, "g")), path,
                      hint=_EXPORTED, code="near-silent")]
    return []


def _mostly_silent(path: Path, analysis: SoundAnalysis, what: str,
                   spot_duration: float) -> list[Diagnostic]:
    """The error of a dub whose sound, from its first block over SILENCE_LEVEL to the end of
    its last, spans less than LEAST_SOUND of its spot of `spot_duration` seconds (of
    LEAST_SOUND_FROM or more); none for any other."""
    defects = analysis.defects
    if what != "dub" or defects is None or defects.first_sound is None \
            or spot_duration < LEAST_SOUND_FROM:
        return []
    span = defects.last_sound - defects.first_sound
    if span >= LEAST_SOUND * spot_duration:
        return []
    return [error(say(N_("the %(what)s has sound only from %(first)s s to %(last)s s, %(span)s s "
                         "of %(spot)s s (under %(level)s dBFS elsewhere): no recording of the "
                         "spot, a failed take or export?"), what=say(what),
                      first=Number(defects.first_sound, ".1f"),
                      last=Number(defects.last_sound, ".1f"), span=Number(span, ".1f"),
                      spot=Number(spot_duration, ".2f"), level=Number(SILENCE_LEVEL, "g")),
                  path, hint=_EXPORTED, code="mostly-silent")]


def quiet(path: Path, analysis: SoundAnalysis, what: str, loudest: tuple[Profile, ...],
          unit: str, hint: Message | None = None) -> list[Diagnostic]:
    """A warning for a track of defined loudness that levelling to the `loudest` profiles'
    target lifts by QUIET_LIFT or more, with the lift and those profiles (`hint`, else to
    record or export it again). Its figure is the levelled track's
    (`sound_sides.levelled_from`); of a mono file or a one-sided one, said as measured so,
    with the figure another meter reads of the file (ffmpeg's ebur128 reads a mono file's one
    channel: a trial found 3 dB between them, and nothing said why)."""
    if not analysis.loudness.defined or not loudest:
        return []
    level = levelled_from(analysis)
    target = loudest[0].loudness
    lift = target - level
    if lift < QUIET_LIFT:
        return []
    figures = dict(what=say(what), level=Number(level, ".1f"), unit=unit,
                   lift=Number(lift, ".1f"), target=Number(target, "g"),
                   profiles=Items(tuple(profile.name for profile in loudest), ", ", " and "))
    measured = _measured_as(analysis, unit)
    if measured is None:
        forms = N_plural("the %(what)s is very quiet: %(level)s %(unit)s integrated; levelling "
                         "lifts it, and its noise floor with it, by %(lift)s dB to %(target)s "
                         "%(unit)s, the target of profile %(profiles)s",
                         "the %(what)s is very quiet: %(level)s %(unit)s integrated; levelling "
                         "lifts it, and its noise floor with it, by %(lift)s dB to %(target)s "
                         "%(unit)s, the target of profiles %(profiles)s")
    else:
        forms = N_plural("the %(what)s is very quiet: %(level)s %(unit)s integrated, %(measured)s; "
                         "levelling lifts it, and its noise floor with it, by %(lift)s dB to "
                         "%(target)s %(unit)s, the target of profile %(profiles)s",
                         "the %(what)s is very quiet: %(level)s %(unit)s integrated, %(measured)s; "
                         "levelling lifts it, and its noise floor with it, by %(lift)s dB to "
                         "%(target)s %(unit)s, the target of profiles %(profiles)s")
        figures["measured"] = measured
    return [warning(
        say_count(forms, len(loudest), **figures),
        path, hint=hint or say(N_("record or export it again at a working level (around "
                                  "%(target)s %(unit)s)"), target=Number(target, "g"),
                               unit=unit),
        code="quiet")]


def _measured_as(analysis: SoundAnalysis, unit: str) -> Message | None:
    """How a mono or one-sided track's loudness is measured, as it airs, with the figure of
    the file as delivered (BS.1770 of its own channels); None for any other track."""
    defects = analysis.defects
    single = analysis.loudness.integrated
    if defects is not None and defects.silent_side is not None:
        return say(N_("with its sound on both sides, as it airs (as delivered, on one side: "
                      "%(single)s %(unit)s)"), single=Number(single, ".1f"), unit=unit)
    if defects is not None and defects.layout == "mono":
        return say(N_("measured as dual mono, heard from both loudspeakers (its one channel "
                      "alone reads %(single)s %(unit)s)"),
                   single=Number(single - ONE_SIDED_GAIN, ".1f"), unit=unit)
    return None


# Its words before the warning was measured to the highest target: kept for the page, which
# says a record's warning in Spanish from its template, in variants rendered before.
_QUIET_BEFORE = N_("the %(what)s is very quiet: %(level)s %(unit)s integrated, %(under)s LU "
                   "under %(target)s %(unit)s, the lowest target it is levelled to; levelling "
                   "lifts its noise floor at least as much")


def _defects(path: Path, analysis: SoundAnalysis, what: str) -> list[Diagnostic]:
    """`defect_warnings` of a language's own recording: its voice lost in the LFE or off the
    centre is an error, not a warning (a trial's dub went to air as its music bed alone,
    labelled a dub)."""
    if analysis.defects is None:
        return []
    return defect_warnings(path, analysis, what, voice=True, sides=True)
