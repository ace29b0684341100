"""The audio of each treatment, levelled and encoded once per source and profile.

Each source is measured once by the EBU R128 meter (kept in the cache), brought to the profile's
target by `render/leveling.py` (a gain, a true-peak limiter where needed), encoded into a shared
file (like the shared picture) and measured again there, corrected if it missed
(`render/corrections.py`). Every variant of a spot and profile that carries this source
stream-copies that file's audio packets, so the figure measured once on the shared file is the
loudness of each of those variants: the same bytes, decoded by the same decoder, without
decoding every variant again.

Every source is stereo before anything measures it (media/audio_layout.py's one downmix), and
the measurement and the levelling are built from the same graph, so they hear the same signal.
AAC is encoded into an MP4 (`.m4a`) track, never Matroska: MP4 carries the encoder delay (1024
priming samples) in an edit list that survives the copy into the variant; Matroska loses it and
the sound plays ~21 ms late (MEASURED.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from weakref import WeakKeyDictionary

import ffmpeg

from pipeline import RENDER_VERSION
from pipeline.errors import PipelineError
from pipeline.files import atomic_output
from pipeline.fingerprint import HashCache, sha256_json
from pipeline.media.audio_layout import DOWNMIX_VERSION, FADE, fit_length, layout_of, to_stereo
from pipeline.media.conform import master_sound
from pipeline.media.defects import remove_dc
from pipeline.media.ffmpeg import ffmpeg_version, run_ffmpeg
from pipeline.media.loudness import Loudness, measure, measure_file
from pipeline.media.probe import MediaInfo
from pipeline.profiles import Profile, bits_per_second
from pipeline.render.corrections import level_and_verify
from pipeline.render.leveling import Leveling, SharedTrack, level
from pipeline.render.medium import MASTER_SOUND, sound_source
from pipeline.render.variants import VariantPlan
from pipeline.render.record import made_once
from pipeline.standards import loudness_unit, short_term_limit

Stream = ffmpeg.nodes.FilterableStream


# Under this rate (bits/s), ffmpeg's own AAC encoder codes with its `fast` coder, not its
# default `twoloop`. Measured (ffmpeg 5.1, a 5.1 master's voice on the front right, limited to
# -1.5 dBTP, decoded and metered by ebur128): twoloop's error was 8 dB under the signal at
# 96 kb/s (14 dB at 128k, 21 dB at 160k, 24 dB at 192k), which raised the true peak by
# 2.5 dB at 96k, 2.4 at 128k, 1.2 at 160k, 0.5 at 192k, and the loudness by 0.7 LU at 96k;
# fast's error was 24 dB under it at 96k (30 at 128k) and its peak rose 0 to 0.3 dB. A
# limiter lowered to make room for twoloop's overshoot took so much of the voice that a quiet
# bed passed EBU R128's relative gate and the track could not be levelled (corrections.py).
AAC_FAST_CODER_BELOW = 192_000


# What ffprobe calls the stream each encoder makes.
CODEC_NAMES = {"libmp3lame": "mp3", "libopus": "opus", "libvorbis": "vorbis", "mp2fixed": "mp2"}


def audio_encoder_args(profile: Profile) -> dict:
    args: dict = {"c:a": profile.audio_codec, "ar": profile.sample_rate, "ac": profile.channels}
    if profile.audio_bitrate:
        args["b:a"] = profile.audio_bitrate
        if (profile.audio_codec == "aac"
                and bits_per_second(profile.audio_bitrate) < AAC_FAST_CODER_BELOW):
            args["aac_coder"] = "fast"
    return args


# --- audio sources per treatment ------------------------------------------------------------

@dataclass(frozen=True)
class AudioSource:
    """The audio a treatment starts from, before loudness normalisation."""

    key: str                                   # identifies the measurement in the cache
    build: Callable[[], Stream]                # a fresh graph each call (ffmpeg-python graphs are DAGs)
    measured: Loudness | None = None           # its loudness, when planning measured it already


def master_audio(plan: VariantPlan, cache: HashCache | None = None) -> AudioSource:
    """The master's sound as the conform step makes it, less its DC offset when planning found
    one, its silent side replaced by the other when it found one (sound_sides.master_sides),
    or silence when the spot says `audio: silent`; its loudness when planning metered it
    (render/inputs.py)."""
    master, duration = plan.inputs["master"], plan.master.duration
    if plan.conform.sound is None:
        return AudioSource(f"silence:{duration}", lambda: silence(duration))
    dc, silent = plan.dc.get("master"), plan.one_sided.get("master")
    # Nothing added to the key of a sound with both sides: its shared track keeps its name.
    return AudioSource(f"master:{master['sha256']}:{plan.conform.sound_settings}:{DOWNMIX_VERSION}"
                       + _dc_key(dc) + (f":{silent}-from-other" if silent else ""),
                       lambda: master_sound(master["path"], plan.conform, dc, silent),
                       plan.sounds.get("master"))


def silence(duration: float) -> Stream:
    """`duration` seconds of stereo digital silence (the meter finds its loudness undefined, and
    levelling leaves it as it is)."""
    return ffmpeg.input("anullsrc=channel_layout=stereo:sample_rate=48000", f="lavfi",
                        t=f"{duration:.6f}")["a:0"]


# Levels of the `mix` treatment: the voice-over sits 6 LU above the bed before ducking, and the
# compressor (threshold -30 dBFS) pulls the bed down a further ~10 dB while the voice speaks.
VOICE_LEVEL, BED_LEVEL = -20.0, -26.0
DUCKING = {"threshold": 0.03, "ratio": 8, "attack": 15, "release": 400}


def file_audio(item: dict, info: MediaInfo, duration: float,
               measured: Loudness | None = None, dc: tuple[float, ...] | None = None,
               silent: str | None = None) -> AudioSource:
    """An audio file's first stream downmixed to stereo, padded with silence or cut to
    `duration`, faded out where it ends (audio_layout.FADE); `silent`: its front (FL or FR)
    found silent beside the other, which takes its place (audio_layout.pan_expression).

    `measured`: this signal's loudness, when planning metered it while analysing the delivery
    (`deliveries.analyse_delivery`, one decode for both). `dc`: the offset of each channel of
    the downmix, subtracted before the fit, so the padding and the fades start and end at rest
    (defects.remove_dc); None leaves the graph as it always was."""
    stream = info.audio
    layout = layout_of(stream.channels or 0, stream.channel_layout)
    key = f"file:{item['sha256']}:{duration}:{layout}:{DOWNMIX_VERSION}:fade{FADE}:decoded"

    def build() -> Stream:
        audio = to_stereo(ffmpeg.input(item["path"])["a:0"], layout, silent)
        return fit_length(remove_dc(audio, dc) if dc else audio, duration, fade=True)

    # Nothing added to the key of a track with both sides: its shared file keeps its name.
    return AudioSource(key + _dc_key(dc) + (f":{silent}-from-other" if silent else ""), build,
                       measured)


def _dc_key(dc: tuple[float, ...] | None) -> str:
    """What a subtracted offset adds to a source's key (nothing when none is)."""
    return f":dc{','.join(f'{v:.7f}' for v in dc)}" if dc else ""


def dub_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    # The dub is padded or cut to the master's length so picture and sound end together.
    return file_audio(plan.inputs["audio"], plan.tracks["audio"], plan.master.duration,
                      plan.sounds.get("audio"), plan.dc.get("audio"),
                      plan.one_sided.get("audio"))


def mixed_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    """Voice-over over the music bed, both levelled first (tracks arrive anywhere from -30 to
    -14 LUFS), the bed ducked under the voice by a sidechain compressor. Either loses its DC
    offset when planning found one (defects.remove_dc), and either's loudness is the one
    planning metered when it did (render/inputs.py)."""
    voice, bed, key = _mix_parts(plan)
    voice_gain = gain_to(VOICE_LEVEL, measured_loudness(voice, cache))
    bed_gain = gain_to(BED_LEVEL, measured_loudness(bed, cache))

    def build() -> Stream:
        split = voice.build().filter("volume", f"{voice_gain:.2f}dB").filter_multi_output("asplit", 2)
        music = bed.build().filter("volume", f"{bed_gain:.2f}dB")
        ducked = ffmpeg.filter([music, split[0]], "sidechaincompress", **DUCKING)
        return ffmpeg.filter([ducked, split[1]], "amix", inputs=2, duration="first", normalize=0)

    return AudioSource(key, build)


def _mix_parts(plan: VariantPlan) -> tuple[AudioSource, AudioSource, str]:
    """The voice-over and the bed as sources, and the key of their mix: nothing measured."""
    duration = plan.master.duration
    voice = file_audio(plan.inputs["audio"], plan.tracks["audio"], duration,
                       plan.sounds.get("audio"), plan.dc.get("audio"), plan.one_sided.get("audio"))
    bed = file_audio(plan.inputs["music_bed"], plan.tracks["music_bed"], duration,
                     plan.sounds.get("music_bed"), plan.dc.get("music_bed"),
                     plan.one_sided.get("music_bed"))
    return voice, bed, f"mix:{bed.key}:{voice.key}:{VOICE_LEVEL}:{BED_LEVEL}:{DUCKING}"


def source_key(plan: VariantPlan) -> str:
    """`audio_source(plan, cache).key` without building or measuring anything (a mix's
    measures its voice and bed): what names its shared track (`shared_track_path`)."""
    if plan.variant.language.treatment == "mix":
        return _mix_parts(plan)[2]
    return AUDIO_SOURCES[plan.variant.language.treatment](plan, None).key


def track_name(plan: VariantPlan) -> tuple[str, Path]:
    """The variant's shared audio track in words, at the profile's target, and the file it is
    made from: the same for every variant that copies the track, so an error about it reads the
    same for each, points at what to fix, and is said once (cli `report_outcomes`)."""
    spot, language = plan.variant.spot, plan.variant.language
    profile = plan.variant.profile
    target = f"at {profile.loudness:g} {loudness_unit(profile.loudness_standard)}"
    origin = sound_source(language.treatment, plan.inputs)
    if language.treatment in MASTER_SOUND:
        return f"the sound of {spot.id}'s master {target}", origin
    kind = "dub" if language.treatment == "dub" else "voice-over"
    return f"the {language.code} {kind} of {spot.id} {target}", origin


AUDIO_SOURCES: dict[str, Callable[[VariantPlan, HashCache], AudioSource]] = {
    "burn": master_audio, "soft": master_audio, "dub": dub_audio, "mix": mixed_audio}


def audio_source(plan: VariantPlan, cache: HashCache) -> AudioSource:
    """What the variant's treatment sounds like before levelling: the same source (and so the
    same cached measurement) for every profile of a spot and language, video or audio-only."""
    return AUDIO_SOURCES[plan.variant.language.treatment](plan, cache)


def gain_to(target: float, measured: Loudness) -> float:
    """dB from `measured` to `target` LUFS; none for silence, whose loudness is undefined."""
    return target - measured.integrated if measured.defined else 0.0


def measured_loudness(source: AudioSource, cache: HashCache) -> Loudness:
    """The source's loudness by the EBU R128 meter, once per source (cached by content), unless
    planning measured it already."""
    if source.measured is not None:
        return source.measured
    return Loudness(**cache.remembered(f"ebur128:{source.key}",
                                       lambda: measure(source.build()).to_cache()))


def programme_short_term_limit(plan: VariantPlan) -> float | None:
    """EBU R128 s1's limit (LUFS) on the variant's programme, which levelling keeps under where
    the tolerance allows; None when its profile names no standard or the spot is not short-form."""
    return short_term_limit(plan.variant.profile.loudness_standard, plan.master.duration)


def track_container(profile: Profile) -> tuple[str, str]:
    """(file extension, ffmpeg format) of a shared audio track: MP4 for AAC (it keeps the encoder
    delay), Matroska for the rest."""
    return ("m4a", "mp4") if profile.audio_codec == "aac" else ("mka", "matroska")


# The tracks whose making failed, by the cache of the run that tried (one per render and
# output folder): a burn encodes its picture beside its track's audio unit and asks for the
# track when done (render/pictures.py), and found none where the unit had failed, so it
# levelled it again, every encode repeated for the same error. A later run tries again.
_failed: "WeakKeyDictionary[HashCache, dict[Path, PipelineError]]" = WeakKeyDictionary()
_failed_guard = threading.Lock()     # made_once serialises one track's threads, not two tracks'


def _track_key(plan: VariantPlan, source_key: str) -> str:
    """The fingerprint of a shared track: its source, the profile's audio settings and target,
    the render version and the ffmpeg planned with (known without starting ffmpeg)."""
    profile = plan.variant.profile
    return sha256_json({"source": source_key, "audio": audio_encoder_args(profile),
                        "target": [profile.loudness, profile.loudness_tolerance,
                                   profile.true_peak],
                        "short_term_limit": programme_short_term_limit(plan),
                        "render_version": RENDER_VERSION,
                        "ffmpeg": plan.ffmpeg or ffmpeg_version()})[:16]


def shared_track_path(plan: VariantPlan, source_key: str) -> Path:
    """Where the variant's shared track of the source `source_key` is kept: the spot's
    `.work/<spot>.<key>.audio.<m4a|mka>` (`clean` names the tracks no variant uses)."""
    extension = track_container(plan.variant.profile)[0]
    return (plan.variant.folder / ".work"
            / f"{plan.variant.spot.id}.{_track_key(plan, source_key)}.audio.{extension}")


def shared_audio(plan: VariantPlan, source: AudioSource, cache: HashCache) -> SharedTrack:
    """The source levelled and encoded for the variant's profile, made once (in the spot's
    `.work/` folder) and measured once; `RenderError` when it cannot be brought within the
    profile's tolerance and ceiling, `MediaError` when its source is cut short; either at the
    source's file (`track_name`). Named for what it holds, not for the profile: profiles with
    the same audio settings (`square` and `vertical`) share it."""
    key, track = _track_key(plan, source.key), shared_track_path(plan, source.key)
    measured_key = f"levelled:{key}"
    with made_once(track) as needed:
        with _failed_guard:
            failed = _failed.get(cache, {}).get(track)
        if failed is not None:
            raise failed
        known = None if needed else cache.measure(measured_key)
        if known is None:
            try:
                loudness, leveling = level_into(plan, source, cache, track)
            except PipelineError as exc:
                with _failed_guard:
                    _failed.setdefault(cache, {})[track] = exc
                raise
            known = {"loudness": loudness.to_cache(), "leveling": leveling.__dict__}
            cache.remember(measured_key, known)
    return SharedTrack(track, Loudness(**known["loudness"]), Leveling(**known["leveling"]))


def level_into(plan: VariantPlan, source: AudioSource, cache: HashCache,
               track: Path) -> tuple[Loudness, Leveling]:
    """`source` levelled to the plan's profile and encoded into `track` (`track_container`'s
    format), measured there by the EBU R128 meter and corrected or refused
    (`corrections.level_and_verify`): a shared track, or a preview's sound
    (render/preview_sound.py). An error is at the file the sound is made from (`track_name`),
    the track removed."""
    profile = plan.variant.profile
    container = track_container(profile)[1]
    name, origin = track_name(plan)

    def encode(leveling: Leveling) -> None:
        with atomic_output(track) as partial:
            graph = level(source.build(), profile, leveling).output(
                str(partial), f=container, **audio_encoder_args(profile))
            run_ffmpeg(["-loglevel", "error", *ffmpeg.compile(graph, cmd="ffmpeg")[1:]],
                       what=f"levelling {name}", path=track)

    try:
        return level_and_verify(profile, measured_loudness(source, cache), encode,
                                lambda: measure_file(track), what=name,
                                short_term_limit=programme_short_term_limit(plan))
    except PipelineError as exc:   # the track's error, at the file it is made from
        track.unlink(missing_ok=True)
        exc.path = origin
        raise
