"""A delivered recording with one silent side (a mono microphone recorded onto track 1 of a
stereo session: a trial's dub went to air on the left only, and nothing said so) is put on both
sides, centred, levelled as such and said; sides far apart but both sounding are said and left
as they are; a 5.1 whose voice is on its centre, and a mono recording, are neither. The
rendered files are read here by ffmpeg's astats (each channel's level) and ebur128 (loudness),
not by the pipeline's own figures."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.cli.watching import print_event
from pipeline.manifest import load_manifest
from pipeline.media.astats import _power
from pipeline.media.audio_layout import pan_expression
from pipeline.media.defects import Defects
from pipeline.publish.page import render_pages
from pipeline.render.watch import handle_changes
from tests.conftest import ffmpeg
from tests.mediacheck import FFMPEG
from tests.test_defects import samples, warnings_of
from tests.test_radio import invoke, radio_campaign
from tests.test_radio import radio_master  # noqa: F401  (the fixture, used by name)

# A 1 kHz tone for 3.8 s of the 4 s spots, 8 dB under lavfi's sine (-29.1 dBFS RMS).
TONE = "sine=frequency=1000:sample_rate=48000:duration=3.8"
TARGETS = {"radio": -23.0, "radio-mp3": -16.0, "small": -16.0}
EXTENSIONS = {"radio": "wav", "radio-mp3": "mp3", "small": "mp4"}


def recording(campaign, code: str, pan: str | None, *, chain: str = "volume=-8dB",
              source: str = TONE, name: str | None = None) -> Path:
    """`code`'s delivery in the spot's audio folder (or `name` there): `source` through `chain`
    and `pan` (none: mono), as 24-bit PCM WAV."""
    path = campaign.root / "audio/spot" / (name or f"{code}.wav")
    ffmpeg("-f", "lavfi", "-i", source, "-filter:a", chain + (f",pan={pan}" if pan else ""),
           "-c:a", "pcm_s24le", str(path))
    return path


def channel_levels(path: Path) -> list[float]:
    """Each channel's RMS level (dBFS) as ffmpeg's astats reads the decoded file; -inf for
    digital silence. (Its log in bytes: a WAV's LIST INFO tags are ISO-8859-1.)"""
    stderr = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-vn", "-af",
                             "astats=measure_overall=none:measure_perchannel=RMS_level",
                             "-f", "null", "-"], capture_output=True, check=True).stderr
    return [float(value) for value in re.findall(rb"RMS level dB: (\S+)", stderr)]


def loudness(path: Path) -> float:
    """Integrated loudness (LUFS) of the decoded file by ffmpeg's ebur128."""
    stderr = subprocess.run([FFMPEG, "-hide_banner", "-nostats", "-i", str(path), "-vn", "-af",
                             "ebur128=framelog=verbose", "-f", "null", "-"],
                            capture_output=True, check=True).stderr
    return float(re.findall(rb"I:\s+(-?[\d.]+) LUFS", stderr)[-1])


def said(result, path: Path, code_text: str) -> list[str]:
    return [w for w in warnings_of(result, path) if code_text in w]


ONE_SIDED = "has sound on its left channel only, its right channel is silent"


# --- the rule, on the levels the analysis reads -----------------------------------------------

@pytest.mark.parametrize("gated, silent, apart, steady", [
    # An interface's second input, its hiss steady 30 dB under a voice (a radio trial's, which
    # went to air on one side): one-sided; not when the voice's side is steady too (two
    # tones), nor 19 dB under, nor when the quiet side's level moves (a pan, a bleed).
    ({"FL": -25.0, "FR": -55.0}, "FR", None, ("FR",)),
    ({"FL": -25.0, "FR": -55.0}, None, 30.0, ("FL", "FR")),
    ({"FL": -25.0, "FR": -44.0}, None, 19.0, ("FR",)),
    ({"FL": -25.0, "FR": -55.0}, None, 30.0, ()),
    ({"FL": -55.0, "FR": -24.0}, "FL", None, ("FL",)),
])
def test_a_steady_noise_far_under_a_moving_side_is_no_side(gated, silent, apart, steady):
    defects = Defects(dc=(0.0, 0.0), gated=gated, steady=steady)
    assert (defects.silent_side, defects.sides_apart) == (silent, apart)


@pytest.mark.parametrize("gated, silent, apart", [
    ({"FL": -25.0, "FR": None}, "FR", None),            # the trial's: right all zeros
    ({"FL": None, "FR": -22.0}, "FL", None),
    ({"FL": -25.0, "FR": -66.0}, "FR", None),           # an unplugged input's hiss, 41 dB under
    ({"FL": -25.0, "FR": -64.0}, None, 39.0),           # 39 dB: both sound, far apart
    ({"FL": -20.0, "FR": -30.0}, None, 10.0),
    ({"FL": -20.0, "FR": -29.9}, None, None),           # a stereo mix's balance
    ({"FL": -65.0, "FR": None}, None, None),            # nothing over the silence floor
    ({"FL": None, "FR": None}, None, None),             # silent (an error of its own)
    ({}, None, None),                                   # mono
    # 5.1: the voice on the centre with silent fronts, or with one front silent; its fronts
    # silent but for one with the centre empty too.
    ({"FL": None, "FR": None, "FC": -20.0, "BL": None, "BR": None}, None, None),
    ({"FL": -30.0, "FR": None, "FC": -20.0, "BL": None, "BR": None}, None, None),
    ({"FL": -30.0, "FR": None, "FC": None, "BL": None, "BR": None}, "FR", None),
])
def test_which_side_is_silent_and_how_far_apart_the_sides_are(gated, silent, apart):
    defects = Defects(dc=(0.0, 0.0), gated=gated)
    assert defects.silent_side == silent
    assert defects.sides_apart == apart


@pytest.mark.parametrize("figures, power", [
    # An offset alone, as ffmpeg prints it (six decimals): its rounding left 1.6e-7, -68 dBFS.
    ({"DC_offset": 0.2, "RMS_level": -13.979383, "Min_level": 0.2, "Max_level": 0.2}, 0.0),
    # A tone of RMS 0.01 (-40 dBFS) over an offset of 0.05: the tone's power.
    ({"DC_offset": 0.05, "RMS_level": 10 * np.log10(0.05 ** 2 + 0.01 ** 2),
      "Min_level": 0.05 - 0.01414, "Max_level": 0.05 + 0.01414}, 1e-4),
    ({"RMS_level": -20.0, "Min_level": -0.1414, "Max_level": 0.1414}, 0.01),   # no offset read
    ({"RMS_level": None}, 0.0),                                                 # digital silence
])
def test_a_channels_level_is_read_without_its_offset(figures, power):
    assert _power(figures) == pytest.approx(power, abs=1e-12)


def test_the_silent_side_takes_the_other_in_the_downmix():
    assert pan_expression("stereo", "FR") == "stereo|c0=1*c0|c1=1*c0"
    assert pan_expression("stereo", "FL") == "stereo|c0=1*c1|c1=1*c1"
    assert pan_expression("stereo") == "stereo|c0=1*c0|c1=1*c1"      # as ever
    # A 5.1's front right replaced by its front left; the centre and surrounds as ever.
    assert pan_expression("5.1", "FR") == \
        "stereo|c0=1*c0+0.7071*c2+0.7071*c4|c1=1*c0+0.7071*c2+0.7071*c5"


# --- through the pipeline ---------------------------------------------------------------------

@pytest.mark.e2e
def test_a_stereo_dub_with_a_silent_right_channel_goes_to_air_centred_and_is_said(
        campaign, radio_master):
    # Before: validate, render, the catalog and the page said nothing, and every file kept a
    # dead right channel (astats: -inf), levelled from the left alone (3 dB hotter there).
    zeros = recording(campaign, "yua", "stereo|c0=c0|c1=0*c0")
    mono = recording(campaign, "tzo", None)         # the same sound delivered as mono
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"},
                                                       {"code": "tzo", "treatment": "dub"}],
                              ["radio", "radio-mp3"])
    checked = invoke("validate", manifest)
    assert checked.exit_code == 0, checked.output
    text = (f"{zeros}: warning: the dub {ONE_SIDED} (no 100 ms block over -70 dBFS RMS): a mono "
            "recording stored on one track, which would go to air on one side (and 3 dB under "
            "other spots where a station sums to mono); its left channel is used on both sides, "
            "centred (hint: next time, export the recording as mono, or with its sound on both "
            "channels)")
    assert warnings_of(checked, zeros) == [text], checked.output
    assert warnings_of(checked, mono) == []
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert warnings_of(result, zeros) == [text], result.output      # once for both profiles
    for profile in ("radio", "radio-mp3"):
        out = campaign.out / f"spot.yua.{profile}.{EXTENSIONS[profile]}"
        left, right = channel_levels(out)
        assert left == pytest.approx(right, abs=0.01), (profile, left, right)
        assert loudness(out) == pytest.approx(TARGETS[profile], abs=0.5), profile
        record = json.loads(out.with_suffix(".json").read_text())
        assert record["settings"]["one_sided"] == {"audio": "FR"}
        assert [w["code"] for w in record["qc"]["warnings"]] == ["one-sided"]
    # On the air as its mono delivery: the same samples.
    assert np.array_equal(samples(campaign.out / "spot.yua.radio.wav", 2),
                          samples(campaign.out / "spot.tzo.radio.wav", 2))
    catalog = json.loads((campaign.out.parent / "catalog.json").read_text())
    for variant in catalog["variants"]:
        one = [w for w in variant["warnings"] if ONE_SIDED in w]
        assert len(one) == (variant["language"] == "yua"), variant
    spanish = render_pages(catalog)["index.html"]
    assert ('<span class="warning-kind">Grabación en un solo canal (puesta en ambos)</span>: '
            '<span class="warning-text">el doblaje llegó con sonido solo en su canal '
            "izquierdo, y su canal derecho está en silencio (nunca pasa de -70 dBFS): al aire se "
            "habría oído por un solo lado") in spanish


@pytest.mark.e2e
def test_a_video_dub_saved_silent_on_the_left_is_said_by_watch_and_heard_on_both_sides(
        campaign, capsys):
    manifest = load_manifest(campaign.write([{"code": "yua", "treatment": "dub"}]))
    zeros = recording(campaign, "yua", "stereo|c0=0*c0|c1=c0")
    event, _ = handle_changes(manifest, {zeros})
    assert [(o.plan.variant.language.code, o.status) for o in event.outcomes] == [
        ("yua", "rendered")]
    print_event(event)
    _, err = capsys.readouterr()
    warned = (f"{zeros}: warning: the dub has sound on its right channel only, its left channel "
              "is silent")
    assert err.count(warned) == 1, err
    assert "its right channel is used on both sides, centred" in err
    out = campaign.out / "spot.yua.small.mp4"
    left, right = channel_levels(out)
    assert left == pytest.approx(right, abs=0.1), (left, right)          # AAC codes the two
    assert loudness(out) == pytest.approx(TARGETS["small"], abs=0.5)


@pytest.mark.e2e
def test_a_dub_with_its_sides_14_db_apart_is_said_and_left_as_it_is(campaign, radio_master):
    apart = recording(campaign, "yua", "stereo|c0=c0|c1=0.2*c0")
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert warnings_of(result, apart) == [
        f"{apart}: warning: the dub's left and right channels are 14.0 dB apart where each "
        "sounds (-29.1 and -43.0 dBFS RMS, gated): it is heard from the left, and the variants "
        "carry it so (hint: if it is not meant to be off the centre, export it again balanced "
        "(or as mono))"], result.output
    out = campaign.out / "spot.yua.radio.wav"
    left, right = channel_levels(out)
    assert left - right == pytest.approx(20 * np.log10(5), abs=0.05)     # as delivered
    assert loudness(out) == pytest.approx(TARGETS["radio"], abs=0.5)
    record = json.loads(out.with_suffix(".json").read_text())
    assert "one_sided" not in record["settings"]
    assert [w["code"] for w in record["qc"]["warnings"]] == ["sides-apart"]


@pytest.mark.e2e
def test_a_voice_on_the_left_beside_an_inputs_hiss_goes_to_air_centred(campaign, radio_master):
    # A radio trial's interface: the voice on input 1, input 2's hiss at -55 dBFS RMS on the
    # right. Said "29.7 dB apart" and aired so: the voice on the left, -29 LUFS summed to mono.
    # The voice's level moves (26 dB every half second), as speech's does; the hiss's holds.
    hiss = recording(campaign, "yua", None, chain="anull", source=(
        f"{TONE},volume='if(lt(mod(t\\,1)\\,0.5)\\,0.4\\,0.02)':eval=frame[v];"
        "anoisesrc=color=white:amplitude=0.0031:sample_rate=48000:duration=3.8[n];"
        "[v][n]join=inputs=2:channel_layout=stereo[out0]"))
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    (warned,) = warnings_of(result, hiss)
    assert (f"{hiss}: warning: the dub has sound on its left channel only, its right channel "
            "is a steady noise ") in warned and "an unplugged input's hiss or a hum" in warned
    out = campaign.out / "spot.yua.radio.wav"
    left, right = channel_levels(out)
    assert left == pytest.approx(right, abs=0.01), (left, right)
    assert loudness(out) == pytest.approx(TARGETS["radio"], abs=0.5)
    assert json.loads(out.with_suffix(".json").read_text())["settings"]["one_sided"] == {
        "audio": "FR"}


def test_a_5_1_voice_on_its_centre_and_a_mono_or_balanced_dub_are_not_said(campaign,
                                                                             radio_master):
    centre = recording(campaign, "yua", "5.1|FC=c0")
    mono = recording(campaign, "tzo", None)
    balanced = recording(campaign, "nah", "stereo|c0=c0|c1=0.5*c0")     # 6 dB: a pan
    manifest = radio_campaign(campaign, radio_master,
                              [{"code": code, "treatment": "dub"}
                               for code in ("yua", "tzo", "nah")],
                              ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    for path in (centre, mono, balanced):
        assert warnings_of(result, path) == [], result.output


@pytest.mark.e2e
def test_a_music_bed_on_one_side_is_said_at_the_bed_and_mixed_centred(campaign, radio_master):
    recording(campaign, "maj", None, chain="volume=-14dB")
    bed = campaign.root / "media/spot.bed.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=4",
           "-filter:a", "volume=-18dB,pan=stereo|c0=c0|c1=0*c0", str(bed))
    manifest = radio_campaign(campaign, radio_master, [{"code": "maj", "treatment": "mix"}],
                              ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    assert len(said(result, bed, f"the music bed {ONE_SIDED}")) == 1, result.output
    out = campaign.out / "spot.maj.radio.wav"
    left, right = channel_levels(out)
    assert left == pytest.approx(right, abs=0.01), (left, right)
    assert loudness(out) == pytest.approx(TARGETS["radio"], abs=0.5)
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["one_sided"] == {"music_bed": "FR"}


@pytest.mark.e2e
def test_a_side_holding_only_a_dc_offset_is_silent(campaign, radio_master):
    # A dead right input with an offset on it (a converter's 0.05 of full scale, -26 dBFS, and
    # no signal). Before: its level was read with the offset in it (-26 dBFS RMS, 3 dB over
    # the voice), so the sides were "balanced"; the offset was said and subtracted, and every
    # file went to air on the left only (astats: right -inf).
    offset = recording(campaign, "yua", None, chain="anull",
                       source="aevalsrc='0.1*sin(2*PI*1000*t)|0.05':c=stereo:s=48000:d=3.8")
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("render", manifest)
    assert result.exit_code == 0, result.output
    (text,) = warnings_of(result, offset)
    assert text.startswith(f"{offset}: warning: the dub {ONE_SIDED} (no 100 ms block over -70 "
                           "dBFS RMS)"), result.output
    out = campaign.out / "spot.yua.radio.wav"
    left, right = channel_levels(out)
    assert left == pytest.approx(right, abs=0.01), (left, right)
    assert loudness(out) == pytest.approx(TARGETS["radio"], abs=0.5)
    assert np.abs(samples(out, 2).mean(axis=0)).max() < 1e-4       # no offset on either side
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["one_sided"] == {"audio": "FR"}
    assert "dc_removed" not in record["settings"]
