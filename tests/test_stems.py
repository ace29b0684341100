"""A master's two mono streams that are stems, not left and right (a TV station's trial: the
voice on stream 0, music and effects on stream 1, and the voice went to air in the left ear
only): summed into one mono sound in both channels by the spot's `audio: {streams: [0, 1],
mix: sum}`, and said, with that key in the hint, when taken as left and right by default though
they look like stems. The rendered files are measured with ffmpeg (each channel's band levels,
the difference of the two channels, ebur128), not with the pipeline's code."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.errors import ValidationError
from pipeline.manifest import load_manifest
from tests.conformmedia import Spots, sound_master, surround
from tests.mediacheck import (channel_band_rms_db, difference_rms_db, integrated_loudness,
                              streams)

pytestmark = pytest.mark.e2e

VOICE = "aevalsrc=0.25*sin(2*PI*440*t):c=mono:s=48000:d=3"     # -15 dBFS RMS, at 440 Hz
EFFECTS = "anoisesrc=color=white:amplitude=0.01:sample_rate=48000:duration=3"   # -45 dBFS RMS
LOUD_MIX = "aevalsrc=0.9*sin(2*PI*440*t):c=mono:s=48000:d=3"   # two copies sum to +5 dBFS
# Each copy peaks under defect_levels.LOSSY_LEVEL (-1 dBFS), their sum at +4 dBFS.
LOSSY_MIX = "aevalsrc=0.8*sin(2*PI*440*t):c=mono:s=48000:d=3"
SILENCE = "anullsrc=channel_layout=mono:sample_rate=48000:duration=3"
RIGHT = "aevalsrc=0.2*sin(2*PI*660*t):c=mono:s=48000:d=3"      # 2 dB under the voice: stereo
NOISE_BAND = 5000         # Hz: the noise's, far from the tone's
BC = {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast",
      "video_bitrate": "1M"}
MONO = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30,
        "channels": 1}
SUM = {"audio": {"streams": [0, 1], "mix": "sum"}}


def _rendered(root, masters: dict[str, tuple[str, ...]], spot_keys: dict) -> Spots:
    """A campaign of one spot per master (made of the given mono sources, in PCM, or in AAC
    for a name that says so), its `soft` language rendered in `BC` and `MONO`; its output kept
    for the warnings."""
    media = root / "media"
    media.mkdir()
    spots = Spots(root, {name: sound_master(media / f"{name}.mov", *audio,
                                            codec="aac" if "aac" in name else "pcm_s24le")
                         for name, audio in masters.items()}, spot_keys=spot_keys)
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}], {"bc": BC, "mono": MONO})
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    spots.output = result.output
    return spots


@pytest.fixture(scope="module")
def summed(tmp_path_factory):
    return _rendered(tmp_path_factory.mktemp("summed"),
                     {"summed": (VOICE, EFFECTS), "copies": (LOUD_MIX, LOUD_MIX),
                      "aac-copies": (LOSSY_MIX, LOSSY_MIX)},
                     {"summed": SUM, "copies": SUM, "aac-copies": SUM})


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """Two mono streams taken as left and right by default, or chosen so."""
    return _rendered(tmp_path_factory.mktemp("left-right"),
                     {"apart": (VOICE, EFFECTS), "chosen": (VOICE, EFFECTS),
                      "empty-right": (VOICE, SILENCE), "stereo": (VOICE, RIGHT)},
                     {"chosen": {"audio": {"streams": [0, 1]}}})


def _warnings(spots: Spots, text: str) -> list[str]:
    return sorted({line.strip() for line in spots.output.splitlines() if text in line})


def _spot_line(spots: Spots, spot: str) -> int:
    lines = spots.manifest.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- id: {spot}")


def test_summed_stems_are_one_sound_in_both_channels(summed):
    out = summed.out("summed", "tzo", "bc", "mov")
    (audio,) = [s for s in streams(out) if s["codec_type"] == "audio"]
    assert audio["channels"] == 2
    master = summed.masters["summed"]
    # The stems' balance as mastered: the voice's band over the effects' band.
    balance = channel_band_rms_db(master, 0, 440) - channel_band_rms_db(master, 0, NOISE_BAND, 1)
    for channel in (0, 1):
        voice = channel_band_rms_db(out, channel, 440)
        effects = channel_band_rms_db(out, channel, NOISE_BAND)
        assert voice > -40 and effects > -90, (channel, voice, effects)
        assert abs(voice - effects - balance) < 1, (channel, voice, effects, balance)
    assert difference_rms_db(out) < -120          # left and right are the same samples
    lufs, peak = integrated_loudness(out)
    assert abs(lufs + 23) <= 0.5 and peak <= -1, (lufs, peak)


def test_a_mono_profile_carries_the_sum_as_its_one_channel(summed):
    out = summed.out("summed", "tzo", "mono")
    (audio,) = [s for s in streams(out) if s["codec_type"] == "audio"]
    assert audio["channels"] == 1
    master = summed.masters["summed"]
    balance = channel_band_rms_db(master, 0, 440) - channel_band_rms_db(master, 0, NOISE_BAND, 1)
    voice, effects = channel_band_rms_db(out, 0, 440), channel_band_rms_db(out, 0, NOISE_BAND)
    assert abs(voice - effects - balance) < 1.5, (voice, effects, balance)


def test_a_sum_over_full_scale_is_not_clipped(summed):
    # Two copies of one mono mix peaking at 0.9 sum to 1.8: added in integers, the tops were cut
    # off at full scale (its third harmonic 14 dB under the tone); in floating point, levelling
    # brings the whole sum down.
    out = summed.out("copies", "tzo", "bc", "mov")
    for channel in (0, 1):
        tone = channel_band_rms_db(out, channel, 440)
        third = channel_band_rms_db(out, channel, 1320)
        assert tone - third > 40, (channel, tone, third)
    lufs, _ = integrated_loudness(out)
    assert abs(lufs + 23) <= 0.5, lufs


def test_a_lossy_master_s_loud_stems_are_not_said_to_be_clipped(summed):
    # Read on the sum, 30 of the copies' 30 blocks had 6 % or more of their samples within 1 dB
    # of full scale: a lossy master's clipping is read in each stream, where none has.
    assert [line for line in summed.output.splitlines() if "clipped" in line] == []
    lufs, _ = integrated_loudness(summed.out("aac-copies", "tzo", "bc", "mov"))
    assert abs(lufs + 23) <= 0.5, lufs


def test_stems_taken_as_left_and_right_are_said_at_the_spot(campaign):
    line = _spot_line(campaign, "apart")
    (said,) = _warnings(campaign, "look like stems")
    assert said.startswith(f"{campaign.manifest}:{line}: warning: audio streams a:0 and a:1 of "
                           f"{campaign.masters['apart']}, taken as left and right, are "), said
    assert "'audio: {streams: [0, 1], mix: sum}'" in said
    # As before: the voice on the left only (the right's band holds the noise alone), the
    # effects on the right only.
    out = campaign.out("apart", "tzo", "bc", "mov")
    assert channel_band_rms_db(out, 0, 440) - channel_band_rms_db(out, 1, 440) > 40
    assert channel_band_rms_db(out, 0, NOISE_BAND) < -90
    record = json.loads(out.with_suffix(".json").read_text())
    assert [w["line"] for w in record["qc"]["warnings"] if w["code"] == "stems"] == [line]
    # Said once: not again as the default's "has two mono audio streams: a:0 ... is used as
    # left" (a trial's page showed both on every card); still said of the true pair.
    default = _warnings(campaign, "has two mono audio streams")
    assert {int(text.split(":")[1]) for text in default} == {_spot_line(campaign, "stereo")}
    assert "audio-streams" not in [w["code"] for w in record["qc"]["warnings"]]


def test_a_mix_beside_a_silent_track_is_said(campaign):
    (said,) = _warnings(campaign, "is silent (under")
    assert said.startswith(f"{campaign.manifest}:{_spot_line(campaign, 'empty-right')}: warning: "
                           "audio stream a:1 of "), said
    assert "taken as the right channel" in said and "carry a:0 on one side only" in said


def test_a_stereo_pair_and_streams_chosen_as_left_and_right_are_not_said(campaign, summed):
    # Only `apart` and `empty-right` are said: not the stereo pair (2 dB apart), nor the same
    # stems chosen as left and right by the key, nor summed ones.
    lines = {_spot_line(campaign, spot) for spot in ("apart", "empty-right")}
    said = _warnings(campaign, "look like stems") + _warnings(campaign, "is silent (under")
    assert {int(text.split(":")[1]) for text in said} == lines
    assert _warnings(summed, "look like stems") + _warnings(summed, "is silent (under") == []


def test_sum_refuses_a_surround_stream_at_the_mix_key(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    spots = Spots(tmp_path, {"surround": sound_master(media / "surround.mp4", surround("5.1"))},
                  spot_keys={"surround": {"audio": {"streams": [0], "mix": "sum"}}})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}], {"bc": BC})
    lines = manifest.read_text(encoding="utf-8").splitlines()
    mix = next(n for n, text in enumerate(lines, 1) if text.strip() == "mix: sum")
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1, result.output
    assert (f"{manifest}:{mix}: error: 'mix: sum' adds mono streams into one mono sound, and "
            "a:0 (stream #1, aac 5.1) of ") in result.output, result.output
    assert "downmixed to stereo by ITU-R BS.775" in result.output


def test_an_unknown_mix_is_an_error_at_its_line(tmp_path):
    (tmp_path / "manifests").mkdir()
    manifest = tmp_path / "manifests/campaign.yaml"
    manifest.write_text(yaml.safe_dump({
        "campaign": "c", "title": "C", "source_language": "spa",
        "spots": [{"id": "s", "master": "m.mp4", "audio": {"streams": [0, 1], "mix": "mono"}}],
        "languages": [{"code": "tzo", "treatment": "soft"}]}, sort_keys=False), encoding="utf-8")
    mix = next(n for n, text in enumerate(manifest.read_text().splitlines(), 1)
               if "mix: mono" in text)
    with pytest.raises(ValidationError) as raised:
        load_manifest(manifest)
    assert [(d.line, d.message) for d in raised.value.diagnostics] == \
        [(mix, "audio mix 'mono' is not one of: sum")]

