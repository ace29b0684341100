"""Audio deliveries (dubs and voice-overs) found and checked before anything is rendered.

A language's track is `<audio_dir>/<spot>/<code>.<ext>`, exactly one per language, in any format
ffmpeg decodes that recording studios and phones send: WAV, FLAC, MP3, M4A/AAC, Ogg, Opus. Each
file is analysed once (cached by its content's hash and the spot's length): its loudness by the
EBU R128 meter and where its sound ends (`media/loudness.py`), so that a track which would be
cut, padded or published silent is reported to the translator in `validate`, `render` and
`watch` alike; and, from the same decode, the loudness of the track fitted to the spot, which
levelling starts from (no second decode of it at render time), and the defects a loudness
meter does not see (`media/defects.py`): a DC offset (removed from the rendered sound, and
said), clipping, a voice routed off the centre or into the LFE by a wrong channel order, and
dead air at the start or end of a dub (said). A video master's sound,
which its burned and subtitled variants carry, is analysed the same way (`analyse_master_sound`).
"""

from __future__ import annotations

from pathlib import Path

import ffmpeg

from pipeline.errors import Diagnostic, MediaError, PipelineError, RenderError, error, warning
from pipeline.files import FolderIndex, input_problem
from pipeline.manifest import AUDIO_SUFFIXES, Language, Manifest, QcSettings, Spot
from pipeline.media.audio_layout import (GAINS, fit_length, fitted_to_picture, layout_of,
                                          merged_sound)
from pipeline.media.conform import Master
from pipeline.media.defects import (CLIP_LEVEL, CLIP_RUN, LFE_BAND, LFE_FLOOR, LOSSY,
                                    LOSSY_LEVEL, LOSSY_SHARE, SILENCE_LEVEL, Defects,
                                    offset_dbfs)
from pipeline.media.loudness import BLOCK, SoundAnalysis, analyse_sound, analyse_stream
from pipeline.media.probe import MediaInfo
from pipeline.standards import Target
from pipeline.messages import N_, Items, Message, N_plural, Number, say, say_count

# Below this integrated loudness a track is noise floor, not a recording: levelling it to a
# -23 LUFS broadcast target would lift its noise by more than 37 dB.
NEAR_SILENT = -60.0        # LUFS
# Under QUIET a recording is usable but levelling lifts its noise floor by 16 dB or more to a
# broadcast target (EBU R128's -23 LUFS, ATSC A/85's -24 LKFS; more to streaming's -16): said,
# with the lift to the lowest target it is levelled to, so that it can be recorded again louder
# (a trial's dub at -52.5 LUFS was raised by 29.5 dB without a word).
QUIET = -40.0              # LUFS
# A DC offset over DC_LIMIT is said and subtracted from the rendered sound. Clean material sits
# well under it (measured: espeak-ng's synthetic voice -62.5 dBFS, a mixed music-like signal
# -71.7 dBFS; microphones and their preamps pass no DC at all), while a faulty converter or
# plug-in puts it at -40 dBFS and over (the defect found: `dcshift=0.2`, -14 dBFS). Under the
# limit nothing is done, so a clean delivery renders to the same bytes as before.
DC_LIMIT = -50.0           # dBFS (AES17: the mean, relative to full scale)
# Dead air a dub may start or end with before it is said: a radio spot's sound starts at once
# and runs to its end; pauses inside speech are not looked at.
LEADING_SILENCE = 1.0      # seconds
TRAILING_SILENCE = 2.0     # seconds
# What to do with a track whose channel order moved its voice (into the LFE, off the centre): a
# language's own recording is exported again; a master's or a bed's streams may be chosen.
VOICE_ORDER_HINT = ("export it again with the voice on the left and right channels (or the "
                    "centre of a 5.1: L R C LFE Ls Rs)")
ORDER_HINT = ("check the channel order of the export (L R C LFE Ls Rs: the order of a WAV's "
              "channel mask and of ffmpeg's 5.1), or choose the master's streams with the spot's "
              "audio: key")
# A 5.1's or 7.1's surrounds (a 6.1's back centre too): what the downmix takes 3 dB down.
SURROUNDS = ("BL", "BR", "SL", "SR", "BC")

def _accepted(name: str) -> bool:
    return Path(name).suffix.lower() in AUDIO_SUFFIXES


def _formats() -> str:
    first, *rest = AUDIO_SUFFIXES
    return f"{first}, " + ", ".join(rest[:-1]) + f" or {rest[-1]}"


def find_delivery(manifest: Manifest, spot: Spot, language: Language, index: FolderIndex) -> Path:
    """The one audio file of `language` for `spot`; `PipelineError` when there is none (saying
    what is there instead) or more than one (listing them)."""
    folder = manifest.audio_dir / spot.id
    names = index.get(language.code, [])
    accepted = [name for name in names if Path(name).stem == language.code and _accepted(name)]
    problem = input_problem(folder / accepted[0]) if len(accepted) == 1 else None
    if problem:     # probed and hashed later, where the OSError would have no line
        raise PipelineError(f"audio track of language {language.code!r} {problem[0]}: "
                            f"{folder / accepted[0]}", manifest.path, language.line, problem[1])
    if len(accepted) == 1:
        return folder / accepted[0]
    if accepted:
        raise PipelineError(f"{len(accepted)} audio deliveries for language {language.code!r}: "
                            f"{', '.join(accepted)}; exactly one is used", folder,
                            hint="keep one of them: remove or rename the others")
    # YUA.WAV, as Windows tools save it: read only in lower case (input_names.py says why).
    cased = [name for stem, found in index.items() if stem != language.code
             and stem.lower() == language.code for name in found]
    if names:
        there = f"the folder holds {', '.join(names)}, not in an accepted format"
    elif cased:
        there = (f"the folder has {', '.join(cased)}: the name must be lower-case, "
                 f"{language.code}{Path(cased[0]).suffix.lower()}")
    elif folder.is_dir():
        there = f"nothing named {language.code}.* is there"
    else:
        there = "that folder does not exist"
    raise PipelineError(f"audio track missing for language {language.code!r} "
                        f"({language.treatment}): expected {folder / language.code}"
                        f"{_formats()}; {there}", manifest.path, language.line,
                        "add the recording there as WAV, FLAC, MP3, M4A/AAC, Ogg or Opus, "
                        "or change the treatment")


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
        raise MediaError(exc.message, path, hint=exc.hint) from None
    try:
        return analyse_sound(path, stream.sample_rate or 48000, layout,
                             None if duration is None
                             else lambda audio: fit_length(audio, duration, fade=True),
                             stream.codec)
    except RenderError as exc:
        raise _undecodable(exc, "this audio", path, "export it again as WAV or FLAC") from None


def analyse_master_sound(master: Master) -> SoundAnalysis:
    """A video master's sound as its variants carry it (the streams the conform step chose,
    aligned with the picture, merged and downmixed: audio_layout.stereo_sound), analysed as a
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
        raise _undecodable(exc, "the master's sound", path, "export the master again") from None


def master_sound_warnings(path: Path, analysis: SoundAnalysis, picture: float) -> list[Diagnostic]:
    """What the burned and subtitled variants of a video master of `picture` seconds carry from
    its sound (`analyse_master_sound`'s analysis) that nobody asked for: silence (undefined
    loudness: no 400 ms block reaches ITU-R BS.1770-4's absolute gate), or sound that ends more than
    a delivery's default `duration_tolerance` (0.5 s) before the picture, the rest padded with
    silence. Warnings, not errors: the dubs' variants are unaffected and a spot's `audio:
    silent` says silence is meant; `--strict` refuses them. Neither for a spot with `audio:
    silent`, which has no sound analysed."""
    if not analysis.loudness.defined:
        return [warning(say(N_("the master's sound is silent (its loudness is undefined: no 400 "
                               "ms block reaches ITU-R BS.1770-4's absolute gate, -70 LUFS): "
                               "every burned and subtitled variant goes to air silent")), path,
                        hint="export the master again with its sound, or choose its streams "
                             "with the spot's 'audio:' key; 'audio: silent' on the spot says "
                             "the spot is meant to be silent", code="master-silent")]
    # The decoded sound, aligned with the picture: where it ends on the picture's clock.
    ends = analysis.defects.length if analysis.defects is not None else None
    if ends is None or picture - ends <= QcSettings().duration_tolerance:
        return []
    return [warning(say(N_("the master's sound ends %(short)s s before its picture (padded with "
                           "silence): its sound stops at %(end)s s of %(length)s s"),
                        short=Number(picture - ends, ".1f"), end=Number(ends, ".1f"),
                        length=Number(picture, ".1f")), path,
                    hint="export the master again with its sound running to the picture's end",
                    code="master-sound-short")]


def _undecodable(exc: RenderError, what: str, path: Path, hint: str) -> MediaError:
    """ffmpeg's last word on a file it could not decode, as an error on that file."""
    said = exc.stderr_tail.strip().splitlines()[-1] if exc.stderr_tail.strip() else "unreadable"
    return MediaError(f"ffmpeg cannot decode {what}: {said}", path, hint=hint)


def dc_correction(analysis: SoundAnalysis) -> tuple[float, ...] | None:
    """The per-channel offset (full scale = 1.0) to subtract from the track's stereo downmix
    (`dc_offset`), when its largest is over DC_LIMIT; None otherwise (nothing done: the same
    bytes as ever)."""
    defects = analysis.defects
    if defects is None:
        return None
    dc = dc_offset(defects)
    return dc if offset_dbfs(dc) > DC_LIMIT else None


def dc_offset(defects: Defects) -> tuple[float, ...]:
    """A track's DC offset per channel of its downmix (full scale = 1.0): its mean (AES17); a
    clipped track's read in its pauses when it has them (defects.PAUSE_LEVEL), as its clipping
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


def check_delivery(path: Path, duration: float, analysis: SoundAnalysis, spot_duration: float,
                   qc: QcSettings, what: str, target: Target) -> list[Diagnostic]:
    """What is wrong with a delivered track of `duration` seconds for a spot of `spot_duration`.

    Errors: silence (undefined loudness, ITU-R BS.1770-4's absolute gate), near-silence (under
    NEAR_SILENT), sound in a block that starts at or after the spot's end (it would be cut).
    Warnings: a length more than `qc.duration_tolerance` seconds from the spot's (cut or padded
    with silence), a track under QUIET (with how far under `target` it is), and the defects of
    `defect_warnings`.
    """
    loudness = analysis.loudness
    defects = analysis.defects
    if not loudness.defined and defects is not None and defects.lfe_band is not None \
            and defects.lfe_band > LFE_FLOOR:
        # Its main channels silent, its sound in the LFE: a wrong channel order, not silence.
        return [error(f"the {what}'s main channels are silent: its sound is in the LFE channel "
                      f"({defects.lfe_band:.1f} dBFS RMS above {LFE_BAND} Hz), which a stereo "
                      "downmix leaves out (ITU-R BS.775-3): a wrong channel order?", path,
                      hint=VOICE_ORDER_HINT, code="lfe-content")]
    if not loudness.defined:
        return [error(f"the {what} is silent: its loudness is undefined (no 400 ms block reaches "
                      "ITU-R BS.1770-4's absolute gate, -70 LUFS)", path,
                      hint="check that the right file, take and channels were exported",
                      code="silent")]
    if loudness.integrated < NEAR_SILENT:
        return [error(f"the {what} is nearly silent: {loudness.integrated:.1f} LUFS integrated, "
                      f"under the {NEAR_SILENT:g} LUFS floor", path,
                      hint="check that the right file, take and channels were exported",
                      code="near-silent")]
    # The last block may run past the decoded samples (a file's length is rarely whole blocks).
    end = None if analysis.sound_end is None else min(analysis.sound_end, duration)
    if end is not None and end - BLOCK >= spot_duration - 1e-3:
        return [error(f"sound continues past the spot's end: speech would be cut at "
                      f"{spot_duration:.2f} s (the {what} has sound until {end:.1f} s)", path,
                      hint=f"trim or re-time the recording to the spot's {spot_duration:.2f} s",
                      code="sound-past-end")]
    found = []
    if loudness.integrated < QUIET:
        found.append(warning(
            say(N_("the %(what)s is very quiet: %(level)s %(unit)s integrated, %(under)s LU under "
                   "%(target)s %(unit)s, the lowest target it is levelled to; levelling lifts its "
                   "noise floor at least as much"),
                what=say(what), level=Number(loudness.integrated, ".1f"), unit=target.unit,
                under=Number(target.level - loudness.integrated, ".1f"),
                target=Number(target.level, "g")), path,
            hint=f"record or export it again at a working level (around {target.level:g} "
                 f"{target.unit})", code="quiet"))
    difference = duration - spot_duration
    if abs(difference) > qc.duration_tolerance:
        template = (N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s s "
                       "longer (tolerance %(tolerance)s s); its end is silence and will be cut")
                    if difference > 0 else
                    N_("the %(what)s is %(length)s s long, the spot %(spot)s s: %(difference)s s "
                       "shorter (tolerance %(tolerance)s s); it will be padded with silence"))
        found.append(warning(
            say(template, what=say(what), length=Number(duration, ".2f"),
                spot=Number(spot_duration, ".2f"), difference=Number(abs(difference), ".2f"),
                tolerance=Number(qc.duration_tolerance)), path,
            hint="check that this is the recording for this spot", code="length"))
    if analysis.defects is not None:
        # The language's own recording: its voice lost in the LFE or off the centre is an
        # error, not a warning (a trial's dub went to air as its music bed alone, labelled a dub).
        found += defect_warnings(path, analysis, what, voice=True)
    return found


def defect_warnings(path: Path, analysis: SoundAnalysis, what: str,
                    removed: bool = True, voice: bool = False) -> list[Diagnostic]:
    """Warnings for a DC offset over DC_LIMIT (one that is its clipping's, `lopsided`, is said
    with the clipping), for clipped samples, for sound in the LFE above its band at about a
    main channel's level, and for a centre far under the other main channels
    (media/defects.py's rules). `removed`: the offset is subtracted from the rendered
    sound; not so for a radio master, which stations air as delivered and no variant carries.
    `voice`: the track is a language's own recording (a dub, a voice-over), whose voice in the
    LFE or off the centre is an error: its variants would go to air without it, or with it on
    one side."""
    defects, found = analysis.defects, []
    dc = dc_correction(analysis)
    if dc is not None:
        channels = (N_("left %(offset)s"), N_("right %(offset)s"))
        # A mono track has no sides: its offset, the same in both of its downmix's channels,
        # is said once.
        sides = (Number(dc[0], "+.4f") if defects.layout == "mono" else
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
            say(template, what=say(what), level=Number(offset_dbfs(dc), ".1f"), channels=sides),
            path,
            hint="check the recording chain (converter, plug-ins) and export it again",
            code="dc-offset"))
    if defects.clipped_samples:
        said = _clipping(defects, what)
        if lopsided(defects):
            said = say(N_("%(clipping)s; its mean, %(level)s dBFS, is the clipping's (the tops are "
                          "cut more on one side than on the other), not a DC offset: its pauses "
                          "have none, and nothing is subtracted"),
                       clipping=said, level=Number(defects.dc_dbfs, ".1f"))
        found.append(warning(said, path,
                             hint="record or export it again with headroom (peaks under -1 "
                                  "dBFS); levelling cannot restore what clipping cut off",
                             code="clipping"))
    if defects.lfe_misrouted:
        said = say(N_("the %(what)s carries sound above %(band)s Hz in its LFE channel at "
                      "%(level)s dBFS RMS (its loudest main channel, %(channel)s, at "
                      "%(loudest)s): a voice or a main channel seems routed there; a stereo "
                      "downmix leaves the LFE out (ITU-R BS.775-3), so it loses that sound"),
                   what=say(what), band=LFE_BAND, level=Number(defects.lfe_band, ".1f"),
                   loudest=Number(defects.loudest_level, ".1f"), channel=defects.loudest)
        if voice:      # an error: its variants would go to air without the voice
            found.append(error(str(said), path, hint=VOICE_ORDER_HINT, code="lfe-content"))
        else:
            found.append(warning(said, path, hint=ORDER_HINT, code="lfe-content"))
    # Not of a music bed: an M&E has no voice, and its centre, where the dialogue was, may well
    # be empty.
    if defects.off_centre and what != "music bed":
        said = _off_centre(defects, what)
        found.append(error(str(said), path, hint=VOICE_ORDER_HINT, code="centre-empty") if voice
                     else warning(said, path, hint=ORDER_HINT, code="centre-empty"))
    return found


def _clipping(defects: Defects, what: str) -> Message:
    """How much of a track is clipped, and where: samples held at full scale, or in a lossy
    delivery, whose codec rounded its flat tops off, its blocks crowded near full scale
    (media/defects.py's two rules)."""
    figures = dict(what=say(what), samples=Number(defects.clipped_samples, "d"),
                   blocks=Number(defects.clipped_blocks, "d"), block=Number(BLOCK * 1000, ".0f"),
                   start=Number(defects.clipped_from, ".1f"), end=Number(defects.clipped_to, ".1f"),
                   channels=_where(defects))
    if defects.codec is None:
        return say(N_("the %(what)s is clipped: %(samples)s samples held at full scale (runs of "
                      "%(run)s or more within %(level)s dB of it) in %(blocks)s of its %(block)s "
                      "ms blocks, between %(start)s s and %(end)s s%(channels)s"),
                   run=CLIP_RUN, level=Number(-CLIP_LEVEL), **figures)
    return say(N_("the %(what)s was clipped before it was encoded (%(codec)s): %(blocks)s of its "
                  "%(block)s ms blocks, between %(start)s s and %(end)s s%(channels)s, have "
                  "%(share)s%% or more of their samples within %(level)s dB of full scale "
                  "(%(samples)s samples), which a clean recording reaches only at its peaks"),
               codec=defects.codec, share=Number(round(LOSSY_SHARE * 100, 2), "g"),
               level=Number(-LOSSY_LEVEL), **figures)


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
    return say(template, what=say(what), channel=channel, loudest=Number(loudest, ".1f"),
               centre=level, side=side)


def _where(defects) -> Message | str:
    """Which channels of a track of more than two hold the clips: the one to fix."""
    names = defects.clipped_channels
    if not names:
        return ""
    return say_count(N_plural(", in its %(names)s channel (of %(layout)s)",
                              ", in its %(names)s channels (of %(layout)s)"), len(names),
                     names=Items(tuple(names), ", ", " and "), layout=defects.layout)


def dead_air(path: Path, analysis: SoundAnalysis, spot_duration: float,
             what: str) -> list[Diagnostic]:
    """Warnings for a dub heard alone (on radio) that starts with more than LEADING_SILENCE of
    silence, or leaves more than TRAILING_SILENCE of the spot silent at its end (padding
    included: it is what goes on air). Not for a voice-over: the bed plays under it.

    A radio `master` is held to the same limits: stations air it as it is, the source
    language's spot, and its silences are paid airtime. A video master's
    leader (black and silence before the first frame of the spot) is another matter: only a
    radio master is given here."""
    defects, found = analysis.defects, []
    if what not in ("dub", "master") or defects is None or defects.first_sound is None:
        return found
    if defects.first_sound > LEADING_SILENCE:
        found.append(warning(
            say(N_("the %(what)s starts with %(silence)s s of silence (under %(level)s dBFS; more "
                   "than %(limit)s s is dead air on radio)"), what=say(what),
                silence=Number(defects.first_sound, ".1f"), level=Number(SILENCE_LEVEL),
                limit=Number(LEADING_SILENCE)),
            path, hint="trim the silence before the first word",
            code="leading-silence"))
    end = min(defects.last_sound, spot_duration)
    if spot_duration - end > TRAILING_SILENCE:
        found.append(warning(
            say(N_("the last %(silence)s s of the spot would be silence: the %(what)s's sound "
                   "ends at %(end)s s (under %(level)s dBFS after it; more than %(limit)s s is "
                   "dead air on radio)"), silence=Number(spot_duration - end, ".1f"),
                what=say(what), end=Number(end, ".1f"), level=Number(SILENCE_LEVEL),
                limit=Number(TRAILING_SILENCE)), path,
            hint=("trim the silence after the last word" if what == "master" else
                  f"re-time the recording to fill the spot's {spot_duration:.2f} s"),
            code="trailing-silence"))
    return found
