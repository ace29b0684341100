"""Audio-only variants: a station's Broadcast WAV, an MP3 or MP2, a voice note.

The sound is the language's own (`dub`: its recorded spot; `mix`: its voice over the spot's
music bed), built by `render/audio.py` exactly as for the video variants, so its measurement by
the EBU R128 meter is the one already made (cached by source). It is levelled to the audio
profile's own target and encoded straight into the variant's file, exactly as long as the spot
to the sample (radio sells time by the second: a 20 s slot is 960,000 samples at 48 kHz). The
file is then decoded and measured again (an MP3's decoder overshoot is heard by the meter, not
assumed), corrected or refused as any shared track (`render/corrections.py`), and tagged: a `bext`
chunk with its v2 loudness figures and an AES46 `cart` chunk in a Broadcast WAV, ID3v2.3 in an
MP3 or MP2, Vorbis comments in Ogg.

An MP3 is exact by its LAME tag's delay and padding, which a gapless decoder drops (written
again where ffmpeg's leaves a frame out: media/mp3_gapless.py). An MP2 file alone cannot be
exact to the sample: it is whole frames of 1152 samples, and a raw MPEG audio stream has no
header to declare the encoder's delay (an MP3's LAME header does), so it decodes with the
delay's silence first and up to a frame's padding after (`MP2_SLACK`).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import ffmpeg

from pipeline import __version__
from pipeline.errors import RenderError
from pipeline.files import partial_path
from pipeline.fingerprint import HashCache
from pipeline.media.audio_tags import (Bext, Id3, ascii_text, coding_history,
                                       originator_reference, source_history,
                                       write_bext_loudness, write_id3, write_info_latin1,
                                       write_plain_pcm_format)
from pipeline.media.cart_chunk import Cart, write_cart
from pipeline.media.defect_levels import SILENCE_LEVEL
from pipeline.media.ffmpeg import ffmpeg_version, run_ffmpeg
from pipeline.media.loudness import Reading, dual_mono_json, measure_file, read_decoded
from pipeline.media.mp3_gapless import declare_length
from pipeline.media.probe import MediaInfo, probe
from pipeline.profiles import Profile
from pipeline.publish.i18n import N_, clock_comment, translations
from pipeline.render.audio import (CODEC_NAMES, audio_encoder_args, audio_source,
                                   measured_loudness, programme_short_term_limit, track_name)
from pipeline.render.certificate import certify
from pipeline.render.corrections import level_and_verify
from pipeline.render.leveling import Leveling, SharedTrack, level
from pipeline.render.variants import VariantPlan, titled
from pipeline.render.record import failed_checks, make_record, write_json
from pipeline.render.sound_warnings import mix_dead_air

FORMATS = {"wav": "wav", "mp3": "mp3", "mp2": "mp2", "ogg": "ogg", "mp4": "mp4"}
# Containers whose tag is ID3v2.3, written by mutagen after ffmpeg (playout reads an MP2's ID3
# as an MP3's: both are MPEG audio streams).
ID3_CONTAINERS = ("mp3", "mp2")
# ffmpeg 5.1's MP4 muxer marks the AAC encoder's priming samples (an edit list) but not the
# padding of the last frame: an AAC track decodes up to one frame (1024 samples) long.
AAC_FRAME = 1024
# ffmpeg's Layer II encoders' delay (481 samples, 10 ms at 48 kHz: mpegaudioenc's
# initial_padding) and the rest of the last 1152-sample frame: what an MP2 decodes longer than
# its slot (measured: a 20 s slot at 48 kHz decodes to 960768 samples, its sound from 482).
MP2_SLACK = 481 + 1152 - 1


def exact_length(audio, samples: int, rate: int):
    """Padded with silence or cut to exactly `samples` samples at `rate` Hz, each frame then
    stamped with its first sample's number: libopus's wrapper takes the stream's length from
    the frames' times, and times resampled from 44.1 kHz, rounded, made an Ogg Opus file of
    960000 samples decode to 959999."""
    return (audio.filter("apad", whole_len=samples).filter("atrim", end_sample=samples)
            .filter("asettb", f"1/{rate}").filter("asetpts", "N"))


def tool() -> str:
    """The coding history's `T=`: this pipeline and the ffmpeg that encoded ("ffmpeg version
    5.1.9-0+deb12u1 Copyright ..." gives 5.1.9-0+deb12u1)."""
    words = ffmpeg_version().split()
    version = words[2] if len(words) > 2 and words[:2] == ["ffmpeg", "version"] else "unknown"
    return f"pipeline {__version__}, ffmpeg {version}"


def sources(plan: VariantPlan) -> tuple[str, ...]:
    """The coding history lines of the delivered sounds a variant is made from (its dub or
    voice-over, and a voice-over's music bed), as their probes read them."""
    names = {"audio": "voice-over" if plan.variant.language.treatment == "mix" else "dub",
             "music_bed": "music bed"}
    return tuple(source_history(info, f"{names.get(role, role)} {info.path.name}")
                 for role, info in sorted(plan.tracks.items())
                 if info is not None and info.audio is not None)


def output_args(plan: VariantPlan, when: datetime) -> tuple[dict, dict[str, str]]:
    """Encoder and container options, and the container's own tags (the ID3 tag of an MP3 is
    written after, as an MP2's)."""
    variant, profile = plan.variant, plan.variant.profile
    manifest, language = variant.manifest, variant.language
    title, clock = variant.title, variant.clock
    # What every container's comment says (INFO's ICMT, MP4's ©cmt, and Ogg's DESCRIPTION,
    # the field Xiph's Vorbis comment spec lists, ffmpeg's name for `comment`).
    said = clock_comment(clock, manifest.page_language) if clock else None
    comment = {"comment": said[0]} if said else {}
    args = audio_encoder_args(profile) | {"f": FORMATS[profile.container], "map_metadata": "-1"}
    if profile.opus_application:
        args["application"] = profile.opus_application
    metadata = {}
    if profile.container == "wav":
        args["rf64"] = "auto"          # past 4 GiB a WAV needs RF64 (EBU Tech 3306)
        if profile.bext:
            args["write_bext"] = 1
            # Playout lists a WAV by its Description's first characters: the clock number; the
            # rest in the page's language, which its operators read (as the comment).
            page = manifest.page_language
            described = translations(page).gettext(N_(
                "%(campaign)s | spot %(spot)s: %(title)s | language %(code)s: %(name)s")) % {
                "campaign": manifest.title_in(page), "spot": variant.spot.id,
                "title": variant.spot.title_in(page), "code": language.code,
                "name": language.name}
            metadata = Bext(
                description=f"{clock} | {described}" if clock else described,
                originator=manifest.campaign,
                originator_reference=originator_reference(clock, plan.fingerprint),
                origination=when,
                coding_history=coding_history(profile.sample_rate, _bits(profile),
                                              profile.channels, tool(), sources(plan))).metadata()
        # LIST INFO's INAM, IART and ICMT: the artist is the campaign, as the cart's Artist.
        metadata |= {"title": title, "artist": manifest.title} | comment
    elif profile.container == "mp3":
        args["id3v2_version"] = 0      # mutagen writes the whole ID3v2.3 tag
        args["write_id3v1"] = 0
    elif profile.container != "mp2":   # a raw MP2 stream carries none: mutagen's ID3 after
        metadata = {"title": title, "album": manifest.title, "artist": manifest.title,
                    "language": language.alpha3, "date": str(when.year)} | comment
        if profile.container == "ogg" and clock:
            metadata["CLOCK"] = clock      # a Vorbis comment of its own, read by name
        if profile.container == "mp4":
            args["metadata:s:a:0"] = f"language={language.alpha3}"
    return args, metadata


def _bed_ends_silence(warning: dict, span: tuple[float, float] | None) -> bool:
    """Whether `warning` is the bed's `bed-short` and the file's closing silence starts where
    its music ends (within a second: the voice over by then), the same silence."""
    if warning["code"] != "bed-short":
        return False
    end = (((warning.get("detail") or {}).get("params") or {}).get("end") or {}).get("number")
    return span is None or end is None or span[1] <= end + 1.0


def cart(plan: VariantPlan, span: tuple[float, float] | None, said: set[str]) -> Cart:
    """A Broadcast WAV's AES46 `cart` chunk. Written with or without a clock number: without
    one its CutID is empty, and the station's importer gives the cut its own number as for
    any file without one (the render's fingerprint, the bext's stand-in, would read as a cut
    number no log books); Title, Artist and Category still file it.

    Its start and end of audio (`span`: seconds to the file's first sound and to the end of its
    last, `Reading.sound_span`) are where automation starts and ends the cut: at the sound
    where the file's dead air is said there (`said`: the variant's warnings' codes,
    leading-silence and trailing-silence, sound_warnings.dead_air), else its first and last
    samples. A trial's dub, its sound over at 11.1 s of 25, was told on the page to be cut
    there while its cart said 25 s; a radio master's 2.05 s of closing silence, under the
    limit to its analysis's tenth of a second and unsaid, ended its cart 2.05 s early."""
    variant, rate, samples = plan.variant, plan.variant.profile.sample_rate, plan.slot_samples
    start, end = 0, samples
    if span is not None:
        if "leading-silence" in said:
            start = round(span[0] * rate)
        if "trailing-silence" in said:
            end = round(span[1] * rate)
    return Cart(title=cart_title(variant.spot.title, variant.language.name),
                artist=variant.manifest.title, cut_id=variant.clock or "",
                samples=end, start=start)


def cart_title(spot: str, language: str, size: int = 64) -> str:
    """A variant's title (`titled`) in the cart's Title, `size` ASCII characters, the spot's
    title shortened ("...") where both do not fit, so that the language stays whole: a playout
    log tells a campaign's cuts apart by it, and a trial's read "... (radio, 20 s) (Bats'i
    k'op"."""
    spot, language = ascii_text(spot, size), ascii_text(language, size)
    whole = titled(spot, language, " - ")
    if len(whole) <= size:
        return whole
    room = size - len(titled("", language, " - ")) - len("...")
    return titled(f"{spot[:max(room, 0)].rstrip()}...", language, " - ")[:size]


def encode_args(audio, destination: Path, plan: VariantPlan, when: datetime) -> list[str]:
    """ffmpeg's arguments: the graph, then one `-metadata KEY=VALUE` per tag before the output
    (ffmpeg-python takes one value per option)."""
    options, metadata = output_args(plan, when)
    args = ffmpeg.compile(audio.output(str(destination), **options), cmd="ffmpeg")[1:]
    tags = [item for key, value in metadata.items() for item in ("-metadata", f"{key}={value}")]
    return args[:-1] + tags + args[-1:]


def _bits(profile: Profile) -> int:
    return {"pcm_s16le": 16, "pcm_s24le": 24, "pcm_s32le": 32, "pcm_f32le": 32}.get(
        profile.audio_codec, 24)


def check_sound(plan: VariantPlan, path: Path, reading: Reading) -> MediaInfo:
    """The file is sound alone, in the profile's codec, rate and channels, and decodes to exactly
    the spot's length in samples; `RenderError` saying what is not."""
    profile, variant = plan.variant.profile, plan.variant
    info = probe(path, decode=False)   # `reading` decoded it: its samples are the length
    audio, problems = info.audio, []
    if info.video is not None:
        problems.append("it has a picture")
    codec = CODEC_NAMES.get(profile.audio_codec, profile.audio_codec)
    if audio is None or audio.codec != codec:
        problems.append(f"its audio is {audio.codec if audio else 'missing'}, not {codec}")
    elif (audio.sample_rate, audio.channels) != (profile.sample_rate, profile.channels):
        problems.append(f"its audio is {audio.sample_rate} Hz {audio.channels} channels, not "
                        f"{profile.sample_rate} Hz {profile.channels}")
    slot = plan.slot_samples
    extra = {"aac": AAC_FRAME, "mp2": MP2_SLACK}.get(codec, 0)
    if not slot <= reading.samples <= slot + extra:
        problems.append(f"it decodes to {reading.samples} samples, the spot's slot is {slot} "
                        f"({slot / profile.sample_rate:.3f} s at {profile.sample_rate} Hz)")
    if problems:
        raise failed_checks(variant, problems)
    return info


def render_sound(plan: VariantPlan, cache: HashCache, *,
                 progress: Callable[[float], None] | None = None) -> dict:
    """Render one audio-only variant; return its record. Nothing appears under a final name on
    failure (RenderError)."""
    variant, profile = plan.variant, plan.variant.profile
    started = time.monotonic()
    when = datetime.now(timezone.utc).replace(microsecond=0)
    source = audio_source(plan, cache)
    partial = partial_path(variant.output)
    readings: list[Reading] = []
    gains: list[float] = []

    def encode(leveling: Leveling) -> None:
        gains.append(leveling.gain)
        audio = exact_length(level(source.build(), profile, leveling), plan.slot_samples,
                             profile.sample_rate)
        run_ffmpeg(["-loglevel", "error", *encode_args(audio, partial, plan, when)],
                   what=f"rendering {variant.stem}", path=variant.output)
        if profile.container == "mp3":     # ffmpeg's LAME tag may leave a frame's padding out
            declare_length(partial, plan.slot_samples)

    def meter():
        # A dub's or master's silences read as its source's analysis read them, before the gain
        # (the page's dead air and the cart's timers agree: a trial's hiss lifted 28 dB was dead
        # air on the page, sound in the cart); a voice-over's mix, made here, is said as it airs.
        moved = gains[-1] if variant.language.treatment != "mix" else 0.0
        readings.append(read_decoded(partial, dualmono=profile.channels == 1,
                                     silence_level=SILENCE_LEVEL + moved))
        return readings[-1].loudness

    try:
        name, origin = track_name(plan)
        try:
            loudness, leveling = level_and_verify(
                profile, measured_loudness(source, cache), encode, meter, what=name,
                short_term_limit=programme_short_term_limit(plan))
        except RenderError as exc:   # out of tolerance: at the file to fix, as a shared track's
            exc.path = exc.path or origin
            raise
        reading = readings[-1]
        if profile.container == "wav":
            write_plain_pcm_format(partial)
            write_info_latin1(partial)
        span = reading.sound_span(profile.sample_rate)
        # A voice-over's dead air is its mix's, made here: read on the file. A bed that ends
        # before the spot is that silence: said once, as the dead air a station can cut.
        dead = mix_dead_air(plan, span, reading.samples / profile.sample_rate)
        if profile.bext:
            write_bext_loudness(partial, reading)
            write_cart(partial, cart(plan, span, {w.code for w in plan.warnings + dead}))
        if profile.container in ID3_CONTAINERS:
            write_id3(partial, Id3(variant.title, variant.manifest.title,
                                   variant.language.alpha3, when.year,
                                   variant.manifest.campaign, variant.clock,
                                   clock_comment(variant.clock, variant.manifest.page_language)
                                   if variant.clock else None))
        info = check_sound(plan, partial, reading)
        track = SharedTrack(partial, loudness, leveling)
        record = make_record(plan, partial, info, track, time.monotonic() - started)
        if any(w.code == "trailing-silence" for w in dead):
            record["qc"]["warnings"] = [w for w in record["qc"]["warnings"]
                                        if not _bed_ends_silence(w, span)]
        record["qc"]["warnings"] += [w.to_json() for w in dead]
        if profile.channels == 1:
            # The file's own channel by BS.1770, as any meter reads it unasked: said beside
            # the dual-mono figure wherever that is shown.
            record["loudness"] |= dual_mono_json(measure_file(partial))
        certify(plan, partial, record, track)        # a profile that names a loudness standard
        record |= {"duration": round(reading.samples / profile.sample_rate, 6),
                   "slot": {"samples": plan.slot_samples, "sample_rate": profile.sample_rate},
                   "samples": reading.samples}
        os.replace(partial, variant.output)
        write_json(variant.record_path, record)
        if progress:
            progress(1.0)
        return record
    finally:
        partial.unlink(missing_ok=True)
