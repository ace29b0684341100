"""The audio of each treatment, normalised in two passes and encoded once per source and profile.

Pass 1 of `loudnorm` is measured once per audio source and kept in the cache; pass 2 is linear
with those figures. The normalised, encoded track is a shared file (like the shared picture):
every burned and soft variant of a spot and profile copies the same master track, and its
loudness, measured once on that file, is the loudness of every variant that carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline import RENDER_VERSION
from pipeline.files import atomic_output
from pipeline.fingerprint import HashCache, sha256_json
from pipeline.media.ffmpeg import ffmpeg_version, run_ffmpeg
from pipeline.media.loudness import Loudness, loudnorm_filter, measure_loudness, parse_loudnorm
from pipeline.profiles import Profile
from pipeline.render.plan import VariantPlan
from pipeline.render.record import made_once

Stream = ffmpeg.nodes.FilterableStream


def audio_encoder_args(profile: Profile) -> dict:
    args: dict = {"c:a": profile.audio_codec, "ar": profile.sample_rate, "ac": profile.channels}
    if profile.audio_bitrate:
        args["b:a"] = profile.audio_bitrate
    return args


def normalise(audio: Stream, profile: Profile, measured: Loudness) -> Stream:
    """Pass 2 of loudnorm, linear, then back to 48 kHz (loudnorm outputs 192 kHz)."""
    args = loudnorm_filter(profile.loudness, profile.true_peak, profile.loudness_range, measured)
    return (audio.filter("loudnorm", **args)
            .filter("aresample", profile.sample_rate)
            .filter("aformat", sample_fmts="s32p" if profile.audio_codec.startswith("pcm") else "fltp",
                    channel_layouts="stereo" if profile.channels == 2 else "mono"))


# --- audio sources per treatment ------------------------------------------------------------

@dataclass(frozen=True)
class AudioSource:
    """The audio a treatment starts from, before loudness normalisation."""

    key: str                                   # identifies the measurement in the cache
    build: Callable[[], Stream]                # a fresh graph each call (ffmpeg-python graphs are DAGs)


def master_audio(plan: VariantPlan, cache: HashCache | None = None) -> AudioSource:
    master = plan.inputs["master"]
    return AudioSource(f"master:{master['sha256']}",
                       lambda: ffmpeg.input(master["path"])["a:0"])


# Levels of the `mix` treatment: the voice-over sits 6 LU above the bed before ducking, and the
# compressor (threshold -30 dBFS) pulls the bed down a further ~10 dB while the voice speaks.
VOICE_LEVEL, BED_LEVEL = -20.0, -26.0
DUCKING = {"threshold": 0.03, "ratio": 8, "attack": 15, "release": 400}


def file_audio(item: dict, duration: float) -> AudioSource:
    """An audio file as stereo 48 kHz, padded with silence or cut to `duration`."""
    return AudioSource(f"file:{item['sha256']}:{duration}",
                       lambda: ffmpeg.input(item["path"])["a:0"]
                       .filter("aformat", sample_rates=48000, channel_layouts="stereo")
                       .filter("apad", whole_dur=duration).filter("atrim", duration=duration))


def dub_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    # The dub is padded or cut to the master's length so picture and sound end together.
    return file_audio(plan.inputs["audio"], plan.master.duration)


def mixed_audio(plan: VariantPlan, cache: HashCache) -> AudioSource:
    """Voice-over over the music bed, both levelled first (tracks arrive anywhere from -30 to
    -14 LUFS), the bed ducked under the voice by a sidechain compressor."""
    duration = plan.master.duration
    voice = file_audio(plan.inputs["audio"], duration)
    bed = file_audio(plan.inputs["music_bed"], duration)
    voice_gain = VOICE_LEVEL - measured_loudness(voice, cache).integrated
    bed_gain = BED_LEVEL - measured_loudness(bed, cache).integrated

    def build() -> Stream:
        split = voice.build().filter("volume", f"{voice_gain:.2f}dB").filter_multi_output("asplit", 2)
        music = bed.build().filter("volume", f"{bed_gain:.2f}dB")
        ducked = ffmpeg.filter([music, split[0]], "sidechaincompress", **DUCKING)
        return ffmpeg.filter([ducked, split[1]], "amix", inputs=2, duration="first", normalize=0)

    return AudioSource(f"mix:{bed.key}:{voice.key}:{VOICE_LEVEL}:{BED_LEVEL}:{DUCKING}", build)


def measured_loudness(source: AudioSource, cache: HashCache) -> Loudness:
    """Pass 1 of loudnorm on the source, once per source (cached by content)."""
    known = cache.measure(source.key)
    if known:
        return Loudness(**known)
    graph = (source.build().filter("loudnorm", print_format="json")
             .output("-", f="null"))
    args = ffmpeg.compile(graph, cmd="ffmpeg")[1:]
    stderr = run_ffmpeg(["-loglevel", "info", "-nostats", *args], what="measuring loudness")
    loudness = parse_loudnorm(stderr)
    cache.remember(source.key, loudness.__dict__)
    return loudness


def shared_audio(plan: VariantPlan, source: AudioSource, cache: HashCache) -> tuple[Path, Loudness]:
    """The source normalised and encoded for the variant's profile, made once (in the spot's
    `.work/` folder), and its loudness measured once on the encoded file."""
    profile = plan.variant.profile
    key = sha256_json({"source": source.key, "audio": audio_encoder_args(profile),
                       "target": [profile.loudness, profile.true_peak, profile.loudness_range],
                       "render_version": RENDER_VERSION, "ffmpeg": ffmpeg_version()})[:16]
    track = plan.variant.folder / ".work" / f"{plan.variant.spot.id}.{profile.name}.{key}.audio.mka"
    with made_once(track) as needed:
        if needed:
            normalised = normalise(source.build(), profile, measured_loudness(source, cache))
            with atomic_output(track) as partial:
                graph = normalised.output(str(partial), f="matroska", **audio_encoder_args(profile))
                run_ffmpeg(["-loglevel", "error", *ffmpeg.compile(graph, cmd="ffmpeg")[1:]],
                           what=f"normalising the audio of {plan.variant.stem}", path=track)
    measured = cache.remembered(f"encoded-loudness:{key}", lambda: measure_loudness(track).__dict__)
    return track, Loudness(**measured)
