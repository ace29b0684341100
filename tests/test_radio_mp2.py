"""The radio MP2 (MPEG-1 Audio Layer II) that stations' playout takes: the profile, what a
manifest may derive from it, and real renders checked by other tools than the ones that made
them (ffprobe for the stream and mutagen's ID3, ffmpeg's ebur128 for loudness, a raw decode
for the length)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from mutagen.id3 import ID3

from pipeline.errors import ValidationError
from pipeline.manifest import load_manifest
from pipeline.profile_checks import encoder_problems, profile_problem
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.audio_only import MP2_SLACK
from tests.mediacheck import streams
from tests.test_radio import (RADIO_SECONDS, RATE, decoded_samples, ebur128, invoke,
                              radio_master)  # noqa: F401  (a session fixture)
from tests.test_radio_tags import format_tags, tagged_campaign


def test_the_built_in_mp2_is_layer_ii_at_384k_levelled_as_the_broadcast_wav():
    mp2, wav = BUILTIN_PROFILES["radio-mp2"], BUILTIN_PROFILES["radio"]
    assert (mp2.extension, mp2.audio_codec, mp2.audio_bitrate, mp2.sample_rate, mp2.channels) \
        == ("mp2", "mp2", "384k", 48000, 2)
    loudness = ("loudness", "loudness_tolerance", "true_peak", "loudness_range",
                "loudness_standard")
    assert [getattr(mp2, f) for f in loudness] == [getattr(wav, f) for f in loudness]
    assert profile_problem(mp2) is None and encoder_problems(mp2) == []
    assert mp2.file_kind == "radio-mp2"


def test_layer_ii_rates_ffmpeg_would_refuse_once_encoding_are_said_before():
    mp2 = BUILTIN_PROFILES["radio-mp2"]
    assert encoder_problems(replace(mp2, audio_bitrate="256k")) == []
    assert encoder_problems(replace(mp2, audio_bitrate="250k"))[0][0] == "audio_bitrate"
    # MPEG-2's low sampling frequencies stop at 160 kb/s.
    (problem,) = encoder_problems(replace(mp2, sample_rate=24000))
    assert problem[0] == "audio_bitrate" and "at 24000 Hz" in problem[1]
    assert encoder_problems(replace(mp2, sample_rate=24000, audio_bitrate="160k")) == []
    assert encoder_problems(replace(mp2, sample_rate=96000))[0][0] == "sample_rate"


MANIFEST = """\
    campaign: c
    title: t
    source_language: spa
    spots: [{id: s, master: ../media/spot.mp4}]
    languages: [{code: yua, treatment: dub}]
    profiles:
      radio-mp2-256: {base: radio-mp2, audio_bitrate: 256k}
      radio-mp2-own: {base: radio, container: mp2, audio_codec: mp2, audio_bitrate: 192k,
                      bext: false}
"""


def test_a_manifest_derives_its_own_mp2(campaign):
    profiles = {p.name: p for p in load_manifest(campaign.write_text(MANIFEST)).profiles}
    assert profiles["radio-mp2-256"].audio_bitrate == "256k"
    assert profiles["radio-mp2-256"].file_kind == "radio-mp2"
    # From the WAV: another file, known on the page by its extension.
    assert profiles["radio-mp2-own"].file_kind is None


def test_an_mp2_rate_layer_ii_does_not_have_is_refused_at_its_line(campaign):
    manifest = campaign.write_text(MANIFEST.replace("256k", "250k"))
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    assert [(d.line, "not an MP2 rate at 48000 Hz" in d.message)
            for d in caught.value.diagnostics] == [(7, True)]


@pytest.mark.parametrize("sample_rate, bitrate, said", [
    # A trial's: LAME wrote 160 kb/s, Layer III's most at 22.05 kHz; the page said 500.
    (22050, "500k", "audio_bitrate 500k is not an MP3 rate at 22050 Hz (8k, 16k, 24k, 32k, 40k, "
                    "48k, 56k, 64k, 80k, 96k, 112k, 128k, 144k, 160k)"),
    (44100, "250k", "audio_bitrate 250k is not an MP3 rate at 44100 Hz"),
    (44100, "500k", "audio_bitrate 500k is not an MP3 rate at 44100 Hz"),
    (96000, "128k", "sample_rate 96000 is not an MP3 rate"),
    (24000, "144k", None), (48000, "320k", None), (8000, "32k", None)])
def test_an_mp3_rate_layer_iii_does_not_have_is_refused_at_its_line(campaign, sample_rate,
                                                                    bitrate, said):
    manifest = campaign.write_text(MANIFEST.replace(
        "radio-mp2-256: {base: radio-mp2, audio_bitrate: 256k}",
        f"stream: {{base: radio-mp3, sample_rate: {sample_rate}, audio_bitrate: {bitrate}}}"))
    if said is None:
        assert load_manifest(manifest)
        return
    with pytest.raises(ValidationError) as caught:
        load_manifest(manifest)
    assert [(d.line, said in d.message) for d in caught.value.diagnostics] == [(7, True)], \
        [d.message for d in caught.value.diagnostics]


@pytest.mark.e2e
def test_a_radio_mp2_is_layer_ii_at_r128_with_its_clock_number(
        campaign, radio_master):  # noqa: F811
    manifest = tagged_campaign(campaign, radio_master, [
        "radio-mp2", {"radio-mp2-256": {"base": "radio-mp2", "audio_bitrate": "256k"}}])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    slot = int(RADIO_SECONDS * RATE)
    for name, rate in (("radio-mp2", 384000), ("radio-mp2-256", 256000)):
        path = campaign.out / f"spot.tzh.{name}.mp2"
        (audio,) = streams(path)
        assert (audio["codec_name"], int(audio["sample_rate"]), audio["channels"],
                int(audio["bit_rate"])) == ("mp2", RATE, 2, rate)
        lufs, peak = ebur128(path)                 # measured on the decoded MP2
        assert abs(lufs + 23) <= 0.5 and peak <= -1.0
        # Whole 1152-sample frames after the encoder's delay: the slot, and less than the
        # delay and a frame more (4 s: 192000 + 481 samples make 167 frames, 192384).
        assert slot <= decoded_samples(path, 2) <= slot + MP2_SLACK
        record = json.loads((campaign.out / f"spot.tzh.{name}.json").read_text())
        assert record["slot"] == {"samples": slot, "sample_rate": RATE}
        assert record["loudness_standard"]["passed"]
        # The clock number in mutagen's ID3v2.3, read by ffprobe.
        tags = format_tags(path)
        assert tags["clock"] == f"RRC-spot-tzh-{name}"
        assert tags["comment"] == f"clave del spot RRC-spot-tzh-{name}"
        assert tags["title"] == "Línea contra la trata, niñas (Batsꞌil kꞌop ɨ a̱)"
        assert ID3(str(path)).version == (2, 3, 0)
    assert decoded_samples(campaign.out / "spot.tzh.radio-mp2.mp2", 2) == 192384
    assert re.search(r"0 rendered, 2 up-to-date", invoke("render", manifest).stderr)
