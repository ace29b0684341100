"""A sound file (a dub, a voice-over, a music bed, a radio master) as its probe shows it, before
any decode: what it holds against what its name says, and the band its sample rate leaves it.

ffmpeg reads a file by its content, whatever its name: a phone's AAC export renamed `nah.mp3`
(an MP4, or a raw ADTS stream) renders as it should. Playout systems, editors and the stations'
own tools go by the name, and refuse such a file or play noise; so the file is said to be
misnamed (`misnamed`), on the terminal, with the name it should have where one read here fits.
Which container a name means is `NAMES`'s; what the file holds, ffprobe's demuxer and codec.
A `.wav` is taken by those tools for PCM: one of compressed sound (`NOT_PCM_WAV`), though its
name fits its container, is said to be converted to PCM WAV.

A sample rate keeps sound up to half itself (Nyquist): a phone's 22.05 kHz memo holds nothing
above 11 kHz, and resampled to a profile's 48 kHz it gains nothing there. FM stereo airs sound up
to 15 kHz (ITU-R BS.450's pilot-tone multiplex; 47 CFR 73.322: 50 Hz to 15 kHz), which is why
broadcast transmission links sample at 32 kHz (ITU-R BS.646: 48 kHz in the studio, 32 kHz for
transmission); DAB+ and streams carry more. A recording under NARROW_RATE lacks part of what every
FM transmitter airs and sounds dull beside the spots around it: a QC warning of the variants
that carry it (`low_sample_rate`). 32 kHz itself, 44.1 kHz and 48 kHz pass.

`check` of a translator's recording says both from its probe (`probe_findings`), with a
heading of what the file is (`heading`, `SoundCheck`); render/recording_check.py adds what its
analysis finds, against its spot as validate does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from pipeline.errors import Diagnostic, Findings, PipelineError, warning
from pipeline.media.audio_layout import LAYOUTS, layout_of, spoken
from pipeline.media.defect_levels import LOSSY
from pipeline.media.probe import MediaInfo, busiest_second_bits
from pipeline.messages import N_, Message, N_plural, Number, say, say_count
from pipeline.profiles import Profile

NARROW_RATE = 32000        # Hz

# ffprobe's name of the MP4 demuxer, which reads MOV, M4A and 3GP alike (ISO base media files).
MP4 = "mov,mp4,m4a,3gp,3g2,mj2"

# What each name read here says a file is: its container (ffprobe's demuxer) and, where the name
# says it, its codec; and how a message names that. `.opus` comes before `.ogg`: Ogg Opus is
# named `.opus` (RFC 7845), any Ogg `.ogg`. ffprobe's `mp3` demuxer reads every MPEG audio
# stream, layer II (`.mp2`, what many radio playout systems store) as well as layer III.
NAMES = {
    ".wav": ("wav", None, "WAV"),
    ".flac": ("flac", None, "FLAC"),
    ".mp3": ("mp3", "mp3", "MP3"),
    ".mp2": ("mp3", "mp2", "MP2"),
    ".m4a": (MP4, None, "MP4 (M4A)"),
    ".aac": ("aac", None, "raw AAC (ADTS)"),
    ".opus": ("ogg", "opus", "Ogg Opus"),
    ".ogg": ("ogg", None, "Ogg"),
    ".aif": ("aiff", None, "AIFF"),
    ".aiff": ("aiff", None, "AIFF"),
    ".caf": ("caf", None, "CAF"),
}

# How a message names a container, with its English article (as it is said, "an MP4"): each
# article has its own template, and other languages their own article.
CONTAINERS = {"wav": "a WAV", "w64": "a Wave64", MP4: "an MP4", "ogg": "an Ogg",
              "matroska,webm": "a Matroska (WebM)", "aiff": "an AIFF", "caf": "a CAF",
              "asf": "an ASF (WMA)", "avi": "an AVI", "mpegts": "an MPEG-TS"}
IN_CONTAINER = {"a": N_("%(codec)s audio in a %(container)s container"),
                "an": N_("%(codec)s audio in an %(container)s container")}
# Demuxers of a codec's own stream, no container around it: the codec says what the file is.
OWN_STREAM = {"mp3", "flac", "amr", "ac3", "eac3", "wv", "ape", "tta"}
LOSSLESS = {"flac": "FLAC", "alac": "ALAC", "wavpack": "WavPack", "tta": "TTA", "ape": "APE"}
ADPCM = {"adpcm_ms": "Microsoft ADPCM", "adpcm_ima_wav": "IMA ADPCM"}
# What a `.wav` may hold besides PCM (its format tag: 0x0002 and 0x0011 ADPCM, 0x0055 MP3, 0x0050
# MP2) that ffmpeg decodes and broadcast playout does not take: it expects PCM in a .wav
# (Broadcast WAV is PCM, EBU Tech 3285; MPEG audio in one is a supplement, 3285-s1, few
# systems read). No name fits better, so it is said to be converted, not renamed.
NOT_PCM_WAV = ("adpcm_ms", "adpcm_ima_wav", "mp3", "mp2")


# The codes of `misnamed`'s warnings: said on the terminal (validate, render, watch), never a
# QC warning of a variant.
MISNAMED = ("audio-format", "wav-not-pcm")


# Telephone codings that store 8 bits a sample on a logarithmic scale (ITU-T G.711): no linear
# PCM, and named so (a radio trial's µ-law WAV was "PCM 8-bit" with a 48 dB hiss).
COMPANDED = {"pcm_mulaw": "G.711 µ-law", "pcm_alaw": "G.711 A-law"}


def codec_name(codec: str) -> str:
    """A codec as messages name it: AAC, MP3, Opus (`defect_levels.LOSSY`), FLAC, ALAC, G.711
    µ-law, PCM..."""
    if codec in COMPANDED:
        return COMPANDED[codec]
    if codec.startswith("pcm_"):
        return "PCM"
    return LOSSY.get(codec) or LOSSLESS.get(codec) or ADPCM.get(codec) or codec.upper()


def holds(info: MediaInfo, detailed: bool = False) -> Message:
    """What the file holds, in words: "AAC audio in an MP4 container", "AAC audio as a raw
    ADTS stream", "MP3 audio"; `detailed`, with the bits its samples keep ("PCM 24-bit audio
    in a WAV container", `encoding`)."""
    demuxer = info.format_name
    codec = encoding(info.audio) if detailed else codec_name(info.audio.codec)
    if demuxer == "aac":
        return say(N_("%(codec)s audio as a raw ADTS stream"), codec=codec)
    if demuxer in OWN_STREAM:
        return say(N_("%(codec)s audio"), codec=codec)
    if demuxer in CONTAINERS:
        article, _, container = CONTAINERS[demuxer].partition(" ")
        return say(IN_CONTAINER[article], codec=codec, container=container)
    return say(N_("%(codec)s audio in a container ffprobe calls %(demuxer)s"), codec=codec,
               demuxer=repr(demuxer))


def fits(suffix: str, info: MediaInfo) -> bool:
    """Whether a name ending in `suffix` says what `info` holds (True for a suffix `NAMES` does
    not know: nothing to compare with)."""
    if suffix not in NAMES:
        return True
    demuxer, codec, _ = NAMES[suffix]
    return info.format_name == demuxer and codec in (None, info.audio.codec)


def misnamed(path: Path, info: MediaInfo, what: str) -> list[Diagnostic]:
    """A warning when the `what` at `path` holds another format than its name says, with the name
    it should have (or, where no name read here fits, the formats to export it in); none when
    the name fits; and one when a `.wav` holds compressed sound (`NOT_PCM_WAV`), to convert.
    Said on the terminal only: every variant renders from what the file holds."""
    suffix = path.suffix.lower()
    if info.audio is None:
        return []
    if suffix == ".wav" and info.format_name == "wav" and info.audio.codec in NOT_PCM_WAV:
        return [warning(say(N_("the %(what)s holds %(holds)s, not PCM: broadcast playout "
                               "expects PCM WAV and may refuse or mis-play a .wav of compressed "
                               "sound; it is read as what it holds"),
                            what=say(what), holds=holds(info)), path,
                        hint=say(N_("convert it to PCM WAV: other tools take a .wav for PCM")),
                        code="wav-not-pcm")]
    if fits(suffix, info):
        return []
    better = next((known for known in NAMES if fits(known, info)), None)
    hint = (say(N_("rename it to %(name)s: other tools go by the name"),
                name=f"{path.stem}{better}") if better else
            say(N_("export it again as PCM WAV or FLAC: no name read here fits it, and other "
                   "tools go by the name")))
    # The format its name says is a technical name (WAV, MP4 (M4A)) but for "raw AAC (ADTS)".
    return [warning(say(N_("the %(what)s holds %(holds)s, not %(named)s as its name "
                           "(%(suffix)s) says: it is read as what it holds"),
                        what=say(what), holds=holds(info), named=_named_format(suffix),
                        suffix=path.suffix), path, hint=hint, code="audio-format")]


def _named_format(suffix: str) -> Message | str:
    """The format a name ending in `suffix` says, as a message names it (`NAMES`)."""
    named = NAMES[suffix][2]
    return say(N_("raw AAC (ADTS)")) if named == "raw AAC (ADTS)" else named


def _narrow(info: MediaInfo, rate: int) -> int | None:
    """The file's sample rate when it is under NARROW_RATE and under `rate`, the variant's (it is
    resampled there, and holds nothing above half its own); else None."""
    own = info.audio.sample_rate if info.audio is not None else None
    return own if own is not None and own < min(NARROW_RATE, rate) else None


def low_rates(tracks: dict[str, MediaInfo], rate: int) -> dict[str, int]:
    """{role: sample rate} of a variant's sound files (`VariantPlan.tracks`) that
    `low_sample_rate` warns of."""
    return {role: own for role, info in sorted(tracks.items())
            if (own := _narrow(info, rate)) is not None}


def low_sample_rate(path: Path, info: MediaInfo, what: str, rate: int) -> list[Diagnostic]:
    """A warning when the `what` at `path` is sampled under NARROW_RATE and under `rate`, the
    variant's (`_narrow`)."""
    own = _narrow(info, rate)
    if own is None:
        return []
    return [warning(
        say(N_("the %(what)s is sampled at %(own)s kHz, so it holds no sound above %(band)s kHz "
               "(half its sample rate), while broadcast sound reaches 15 kHz (FM radio) to 20 kHz "
               "(TV, streaming): it will sound dull on air; resampled to the profile's %(rate)s "
               "kHz, it gains nothing above %(band)s kHz"),
            what=say(what), own=Number(own / 1000, "g"), band=Number(own / 2000, ".1f"),
            rate=Number(rate / 1000, "g")),
        path, hint=say(N_("record or export it again at 48 kHz (on a phone, the recorder's "
                          "high-quality setting): resampling cannot restore what was not "
                          "recorded")),
        code="low-sample-rate")]


# Fewer bits than this a sample leave the quantisation noise audible: 8 bits are about
# 48 dB of dynamic range (6.02 dB a bit), which a quiet take's levelling lifts with it.
COARSE_BITS = 8
# G.711's 8 bits on a logarithmic scale keep the noise about 38 dB under the signal at any
# level (its signal-to-quantisation-noise ratio over most of its range): no hiss in the
# pauses, a grain on every word.
COMPANDED_SNR = 38


def coarse_samples(path: Path, info: MediaInfo, what: str) -> list[Diagnostic]:
    """A warning when the `what` at `path` stores COARSE_BITS bits a sample or fewer (PCM): a
    trial's 8-bit WAV passed with nothing said."""
    stream = info.audio
    # PCM alone: an ADPCM file's 4-bit codes decode to 16-bit samples.
    bits = stream.sample_bits if stream is not None and stream.codec.startswith("pcm_") else None
    if bits is None or bits > COARSE_BITS:
        return []
    if stream.codec in COMPANDED:
        return [warning(
            say(N_("the %(what)s is coded in %(codec)s, a telephone coding of 8 bits a sample "
                   "whose noise follows the voice about %(snr)s dB under it (ITU-T G.711): a "
                   "grain on every word, which levelling lifts with it"), what=say(what),
                codec=COMPANDED[stream.codec], snr=COMPANDED_SNR),
            path, hint=say(N_("export it again as 24-bit (or 16-bit) PCM WAV")),
            code="low-bit-depth")]
    return [warning(
        say(N_("the %(what)s stores %(bits)s bits a sample: its quantisation noise is only "
               "about %(range)s dB under full scale, a hiss that levelling lifts with the "
               "voice"), what=say(what), bits=bits, range=Number(6.02 * bits, ".0f")),
        path, hint=say(N_("export it again as 24-bit (or 16-bit) PCM WAV")), code="low-bit-depth")]


# Under these bits per second a channel, a lossy coding has cut the treble and left
# artefacts, which each profile's coding makes worse (a trial's 64 kb/s stereo MP3: nothing
# above 14 kHz). Opus keeps the band at half the rate of the older codecs.
THIN_CODING = {"opus": 32_000}
THIN_CODING_DEFAULT = 64_000      # MP3, MP2, AAC, Vorbis


def thin_coding(path: Path, info: MediaInfo, what: str) -> list[Diagnostic]:
    """A warning when the `what` at `path` is coded lossily at fewer bits a second a channel
    than `THIN_CODING` says, a surround's channels past the first two at half of it (PCM and
    lossless codecs store every sample: never). A stream whose header gives no rate (Opus in
    Ogg, as WhatsApp sends voice notes) is measured by its packets alone."""
    stream = info.audio
    if stream is None or not stream.channels \
            or stream.codec.startswith("pcm_") or stream.codec in LOSSLESS \
            or stream.codec in ADPCM:
        return []
    per_channel = THIN_CODING.get(stream.codec, THIN_CODING_DEFAULT)
    # A surround's other channels (an LFE, the surrounds) are coded in fewer bits: half each.
    floor = per_channel * (min(stream.channels, 2) + max(stream.channels - 2, 0) / 2)
    if stream.bit_rate is not None and stream.bit_rate >= floor:
        return []
    # Under it on average (or not said): the coding's rate where it codes sound, not over its
    # silences. A trial's 16 kb/s WhatsApp note, its header silent, passed with none said.
    busiest = busiest_second_bits(path)
    if busiest is None and stream.bit_rate is None or busiest is not None and busiest >= floor:
        return []
    rate = stream.bit_rate or busiest
    return [warning(
        say(N_("the %(what)s is coded at %(rate)s kb/s (%(codec)s, %(channels)s): so thin a "
               "lossy coding has cut its treble and left artefacts, which every profile's "
               "coding makes worse"), what=say(what), rate=Number(rate / 1000, ".0f"),
            codec=codec_name(stream.codec), channels=channels_said(stream.channels,
                                                                   stream.channel_layout)),
        path, hint=say(N_("export it again as WAV or FLAC (or MP3 or AAC at %(rate)s kb/s or "
                          "more)"), rate=Number(1.5 * floor / 1000, ".0f")),
        code="thin-coding")]


def encoding(stream) -> Message | str:
    """How a stream stores its sound: "PCM 24-bit", "PCM 32-bit float", "FLAC 24-bit" (the
    bits a lossless codec keeps), "AAC" (a lossy codec stores no samples: its name alone, the
    same in every language)."""
    said = codec_name(stream.codec)
    bits = stream.sample_bits
    if bits is None and stream.codec.startswith("pcm_"):
        digits = "".join(c for c in stream.codec.split("_")[1] if c.isdigit())
        bits = int(digits) if digits else None
    if bits is None or stream.codec in COMPANDED or not (stream.codec.startswith("pcm_")
                                                         or stream.codec in LOSSLESS):
        return said
    floating = stream.codec.startswith("pcm_f") or stream.sample_format in ("flt", "fltp",
                                                                            "dbl", "dblp")
    return say(N_("%(codec)s %(bits)s-bit float") if floating else N_("%(codec)s %(bits)s-bit"),
               codec=said, bits=bits)


@dataclass(frozen=True)
class SoundCheck(Findings):
    """`check` of a recording: what it holds (its encoding and container), its sample rate,
    channels and length, from its probe (None where ffprobe could not read it), what was found
    in it, and how it was checked (`checked`: words for the summary, against its spot or
    without one)."""

    path: Path
    diagnostics: tuple[Diagnostic, ...]
    # Messages, said in a Spanish terminal's summary; `to_json` keeps their English text.
    holds: Message | str | None = None
    sample_rate: int | None = None
    duration: float | None = None
    channels: Message | str | None = None
    checked: Message | str | None = None

    def summary(self) -> Message:
        """"yua.wav (PCM 24-bit audio in a WAV container, 48 kHz, stereo, 15.00 s): 0 errors,
        1 warning; checked ...", as a message a Spanish terminal says."""
        counts = dict(errors=say_count(N_plural("%(count)s error", "%(count)s errors"),
                                       len(self.errors), count=len(self.errors)),
                      warnings=say_count(N_plural("%(count)s warning", "%(count)s warnings"),
                                         len(self.warnings), count=len(self.warnings)))
        if self.holds is None:
            return say(N_("%(file)s: %(errors)s, %(warnings)s"), file=str(self.path), **counts)
        return say(N_("%(file)s (%(holds)s, %(rate)s kHz, %(channels)s, %(duration)s s): "
                      "%(errors)s, %(warnings)s; %(checked)s"),
                   file=str(self.path), holds=self.holds,
                   rate=Number(self.sample_rate / 1000, "g"), channels=self.channels,
                   duration=Number(self.duration, ".2f"), checked=self.checked, **counts)

    def to_json(self) -> dict:
        english = (lambda said: None if said is None else str(said))
        return {"path": str(self.path), "format": english(self.holds),
                "sample_rate": self.sample_rate, "channels": english(self.channels),
                "duration": self.duration, "checked": english(self.checked),
                "errors": len(self.errors), "warnings": len(self.warnings),
                "diagnostics": [d.to_json() for d in self.diagnostics]}


def probe_findings(path: Path, info: MediaInfo, what: str, profiles: Iterable[Profile]
                   ) -> list[Diagnostic]:
    """What a recording's probe alone says of it: its name against what it holds, its sample
    rate against the highest of `profiles` (validate judges each variant by its own), its
    bits a sample and a lossy coding's rate."""
    rate = max(profile.sample_rate for profile in profiles)
    return (misnamed(path, info, what) + low_sample_rate(path, info, what, rate)
            + coarse_samples(path, info, what) + thin_coding(path, info, what))


def heading(info: MediaInfo) -> dict:
    """`SoundCheck`'s fields from the recording's probe: what it holds, its rate, channels and
    length."""
    stream = info.audio
    return {"holds": holds(info, detailed=True), "sample_rate": stream.sample_rate,
            "duration": info.duration,
            "channels": channels_said(stream.channels, stream.channel_layout)}


def channels_said(channels: int | None, name: str | None) -> Message:
    """A stream's channels as a heading says them: "mono", "stereo", "5.1 (L R C LFE Ls Rs)"
    (its channels in order, a 5.1(side)'s as a 5.1's), "3 channels" for a layout not read."""
    try:
        layout = layout_of(channels or 0, name)
    except PipelineError:
        return (say_count(N_plural("%(count)s channel", "%(count)s channels"), channels,
                          count=channels) if channels else say(N_("no channels")))
    if layout in ("mono", "stereo"):
        return say(N_("mono") if layout == "mono" else N_("stereo"))
    # The layout and the channels' studio names, the same in every language.
    return say(N_("%(layout)s (%(channels)s)"), layout=layout.replace("(side)", ""),
               channels=" ".join(spoken(channel, layout) for channel in LAYOUTS[layout]))
