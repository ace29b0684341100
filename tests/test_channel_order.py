"""A 5.1 track whose voice is not on its centre channel (a wrong channel order in the edit
suite's export), through the real pipeline: said of a master, an error of a dub, nothing said of
a mix as it should be or of a music bed. The tracks are lavfi's `aevalsrc`, one expression per
channel in ffmpeg's 5.1 order (FL FR FC LFE BL BR); their levels are read here with numpy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline.media.defects import CENTRE_MARGIN, Defects
from tests.conftest import DURATION, ffmpeg
from tests.test_defects import dub, rms_dbfs, samples, warnings_of
from tests.test_radio import invoke, radio_campaign
from tests.test_radio import radio_master  # noqa: F401  (the fixture, used by name)

# A voice-like sound: a 220 Hz tone whose level moves at a syllable's rate (4 Hz).
VOICE = "0.3*sin(2*PI*220*t)*(0.6+0.4*sin(2*PI*4*t))"
# Music and effects, each channel a tone of its own, under the voice; the LFE under 120 Hz.
LEFT, RIGHT = "0.1*sin(2*PI*330*t)", "0.1*sin(2*PI*392*t)"
LFE = "0.1*sin(2*PI*50*t)"
BACK_LEFT, BACK_RIGHT = "0.03*sin(2*PI*523*t)", "0.03*sin(2*PI*587*t)"
CORRECT = (LEFT, RIGHT, VOICE, LFE, BACK_LEFT, BACK_RIGHT)


def five_one(*exprs: str) -> str:
    """The lavfi source of a 5.1 track, one expression per channel (FL FR FC LFE BL BR)."""
    return f"aevalsrc=exprs={'|'.join(exprs)}:channel_layout=5.1"


def master_5_1(campaign, *exprs: str) -> Path:
    """The campaign's master picture with a 5.1 PCM sound of `exprs` (as an edit suite's MOV
    carries it), as its spot's master, with one soft language (tzo) on it."""
    path = campaign.root / "media/spot.mov"
    ffmpeg("-i", str(campaign.media["master.mp4"]), "-f", "lavfi", "-i",
           f"{five_one(*exprs)}:sample_rate=48000:duration={DURATION}", "-map", "0:v",
           "-map", "1:a", "-c:v", "copy", "-c:a", "pcm_s24le", "-y", str(path))
    campaign.subtitle("tzo")
    data = campaign.data([{"code": "tzo", "treatment": "soft"}])
    data["spots"][0]["master"] = "../media/spot.mov"
    campaign.manifest.write_text(json.dumps(data), encoding="utf-8")
    return path


def gated_dbfs(channel: np.ndarray, rate: int = 48000) -> float:
    """A channel's RMS over its 100 ms blocks that BS.1770-4's gates keep (over -70 dBFS, and no
    more than 10 dB under the mean of those): its level where it sounds."""
    blocks = (channel[:len(channel) // (rate // 10) * (rate // 10)].reshape(-1, rate // 10) ** 2
              ).mean(axis=1)
    sounding = blocks[blocks > 1e-7]
    return 10 * np.log10(sounding[sounding > sounding.mean() / 10].mean())


def levels(path: Path) -> list[float]:
    """Each channel's gated level (`gated_dbfs`) in a 5.1 file, in its order."""
    return [gated_dbfs(channel) if channel.any() else -np.inf for channel in samples(path, 6).T]


def centre_said(result, path: Path) -> list[str]:
    return [line.strip() for line in result.output.splitlines()
            if line.strip().startswith(f"{path}:") and "centre channel" in line]


def test_the_centre_is_missing_from_the_margin_on_and_only_with_sound_in_the_mains():
    def off_centre(centre, loudest=-20.0, others=-40.0, lfe=None):
        gated = {"FL": others, "FR": others, "FC": centre, "BL": loudest, "BR": others}
        return Defects(dc=(), loudest="BL", loudest_level=loudest, lfe_band=lfe,
                       gated=gated).off_centre

    assert off_centre(None) == "BL"
    assert off_centre(-20.0 - CENTRE_MARGIN) == "BL"
    assert off_centre(-19.9 - CENTRE_MARGIN) is None
    assert off_centre(None, loudest=-61.0, others=None) is None     # the mains silent too
    assert off_centre(None, lfe=-22.0) is None                      # the voice in the LFE: said so
    assert Defects(dc=(), gated={"FL": -20.0, "FR": -20.0}).off_centre is None   # no centre
    # A stereo mix carried in a 5.1 (FL and FR alike, the centre empty): its voice is in the
    # middle of the downmix, as it was heard; one front far over the other is not.
    stereo = {"FL": -20.0, "FR": -22.9, "FC": None, "BL": None, "BR": None}
    assert Defects(dc=(), gated=stereo).off_centre is None
    assert Defects(dc=(), gated=stereo | {"FR": -23.1}).off_centre == "FL"


@pytest.mark.e2e
def test_a_5_1_master_with_its_voice_on_the_centre_gets_no_word(campaign):
    master = master_5_1(campaign, *CORRECT)
    read = levels(master)
    assert read[2] > max(read[:2] + read[3:])          # the voice the loudest, in FC
    result = invoke("validate", campaign.manifest)
    assert result.exit_code == 0, result.output
    assert warnings_of(result, master) == [], result.output

    # A voice heard a quarter of the time over music in L/R as loud as the voice itself: its
    # centre 6 dB under them over the whole track, as loud as they are where it sounds (gated).
    sparse = f"{VOICE}*lt(t\\,1)"
    master = master_5_1(campaign, "0.2*sin(2*PI*330*t)", "0.2*sin(2*PI*392*t)", sparse, LFE,
                        BACK_LEFT, BACK_RIGHT)
    read, whole = levels(master), [rms_dbfs(c) for c in samples(master, 6).T[:3]]
    assert abs(read[0] - read[2]) < 1 and 5 < whole[0] - whole[2] < 7, (read, whole)
    result = invoke("validate", campaign.manifest)
    assert result.exit_code == 0, result.output
    assert warnings_of(result, master) == [], result.output


@pytest.mark.e2e
def test_a_5_1_master_with_its_centre_silent_is_said_once_on_its_variants(campaign):
    # L and C swapped in the export: the voice in FL, the centre holding nothing. Before: the
    # downmix put the voice on the left alone, and nothing was said.
    master = master_5_1(campaign, VOICE, RIGHT, "0", LFE, BACK_LEFT, BACK_RIGHT)
    assert abs(samples(master, 6)[:, 2]).max() == 0
    result = invoke("render", campaign.manifest)
    assert result.exit_code == 0, result.output
    (said,) = centre_said(result, master)
    found = re.fullmatch(
        rf"{re.escape(str(master))}: warning: the master's sound is loudest in its L channel, at "
        r"(-[\d.]+) dBFS RMS \(gated\), and its centre channel is silent: film and TV mixes carry the "
        r"voice on the centre, so the voice is probably not there \(a wrong channel order\?\); "
        r"the stereo downmix \(ITU-R BS.775-3\) takes L as it is into its left channel only "
        r"\(hint: check the channel order of the export \(L R C LFE Ls Rs: .*\)", said)
    assert found, said
    assert abs(float(found.group(1)) - levels(master)[0]) < 0.5
    record = json.loads((campaign.out / "spot.tzo.small.json").read_text())
    assert [w["code"] for w in record["qc"]["warnings"]].count("centre-empty") == 1


@pytest.mark.e2e
def test_a_5_1_master_with_its_voice_in_a_surround_is_said_routed_to_the_surrounds(campaign):
    # The voice in Ls, the centre holding what leaked there 40 dB down.
    master = master_5_1(campaign, LEFT, RIGHT, f"0.01*{VOICE}", LFE, VOICE, BACK_RIGHT)
    result = invoke("validate", campaign.manifest)
    assert result.exit_code == 0, result.output
    (said,) = centre_said(result, master)
    found = re.fullmatch(
        rf"{re.escape(str(master))}: warning: the master's sound is loudest in a surround, its "
        r"Ls channel, at (-[\d.]+) dBFS RMS \(gated\), and its centre channel is ([\d.]+) dB "
        r"under it \((-[\d.]+)\): its sound seems routed to the surrounds, not its voice to the "
        r"centre \(a wrong channel order\?\); the stereo downmix \(ITU-R BS.775-3\) takes Ls 3 dB "
        r"down into its left channel only \(hint: .*\)", said)
    assert found, said
    read = levels(master)
    loudest, centre = read[4], read[2]
    assert abs(float(found.group(1)) - loudest) < 0.5 and abs(float(found.group(3)) - centre) < 0.5
    assert float(found.group(2)) == pytest.approx(40.0, abs=0.2)


@pytest.mark.e2e
def test_a_5_1_dub_with_its_voice_off_the_centre_is_an_error_and_a_bed_s_empty_centre_is_not(
        campaign, radio_master):
    # The language's own recording: its variants would go to air with the voice on one side
    # (as a voice in the LFE is, an error of the language, not a warning). Its voice on the front
    # right for 1 s of 4, its centre holding a steady tone: 20 dB apart where each sounds, 14 dB
    # over the whole track (the voice's silences counted), which would have passed.
    path = dub(campaign, five_one(LEFT, f"{VOICE}*lt(t\\,1)", "0.02*sin(2*PI*262*t)", LFE,
                                  BACK_LEFT, BACK_RIGHT), "anull", seconds=4.0)
    read, whole = levels(path), [rms_dbfs(c) for c in samples(path, 6).T[:3]]
    assert 18 < read[1] - read[2] < 22 and whole[1] - whole[2] < CENTRE_MARGIN, (read, whole)
    manifest = radio_campaign(campaign, radio_master, [{"code": "yua", "treatment": "dub"}],
                              ["radio"])
    result = invoke("validate", manifest)
    assert result.exit_code == 1, result.output
    (said,) = centre_said(result, path)
    found = re.fullmatch(
        rf"{re.escape(str(path))}: error: the dub is loudest in its R channel, at (-[\d.]+) dBFS "
        r"RMS \(gated\), and its centre channel is ([\d.]+) dB under it \((-[\d.]+)\): .* takes "
        r"R as it is into its right channel only \(hint: export it again with the voice on the "
        r"left and right channels \(or the centre of a 5.1: L R C LFE Ls Rs\)\)", said)
    assert found, said
    assert abs(float(found.group(1)) - read[1]) < 0.5 and abs(float(found.group(3)) - read[2]) < 0.5

    # A music bed (an M&E) has no voice: its centre, where the dialogue was, may be empty.
    path.unlink()
    manifest = radio_campaign(campaign, radio_master, [{"code": "tzo", "treatment": "mix"}],
                              ["radio"])
    bed = campaign.root / "media/spot.bed.wav"
    ffmpeg("-f", "lavfi", "-i", f"{five_one(LEFT, RIGHT, '0', LFE, BACK_LEFT, BACK_RIGHT)}"
           ":sample_rate=48000:duration=4", "-c:a", "pcm_s24le", "-y", str(bed))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=700:sample_rate=48000:duration=4",
           "-filter:a", "volume=-12dB", "-y", str(campaign.root / "audio/spot/tzo.wav"))
    result = invoke("validate", manifest)
    assert result.exit_code == 0, result.output
    assert centre_said(result, bed) == [] and "0 errors, 0 warnings" in result.output, \
        result.output
