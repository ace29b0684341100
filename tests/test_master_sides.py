"""A video master whose one stereo stream has a dead side (a mono microphone on track 1 of a
stereo edit, its right channel all zeros: a TV station's trial master) went to air one-sided in
every burned and subtitled variant, and nothing said so (the stems check reads two mono streams
only). It is now put on both sides, centred, levelled as such and said at the master, as a dub
is (tests/test_one_sided.py). The rendered files are read by ffmpeg's astats (each channel's
level) and ebur128 (loudness), not by the pipeline's own figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.media.defects import Defects
from pipeline.media.loudness import Loudness
from pipeline.media.sound_analysis import SoundAnalysis
from pipeline.publish.page import render_pages
from pipeline.render.sound_warnings import defect_warnings
from tests.conformmedia import Spots, sound_master
from tests.mediacheck import difference_rms_db, integrated_loudness
from tests.test_defects import warnings_of
from tests.test_one_sided import channel_levels

pytestmark = pytest.mark.e2e

# A 440 Hz voice-like tone on the left alone (-23 dBFS RMS), the right all zeros.
LEFT_ONLY = "aevalsrc='0.1*sin(2*PI*440*t)|0':c=stereo:s=48000:d=3"
BALANCED = "aevalsrc='0.1*sin(2*PI*440*t)|0.08*sin(2*PI*440*t)':c=stereo:s=48000:d=3"
BC = {"base": "broadcast", "width": 320, "height": 180, "preset": "ultrafast",
      "video_bitrate": "1M"}
WEB = {"base": "web", "width": 320, "height": 180, "preset": "ultrafast", "crf": 30}
TARGETS = {"bc": -23.0, "web": -16.0}
ONE_SIDED = ("warning: the master has sound on its left channel only, its right channel is "
             "silent (no 100 ms block over -70 dBFS RMS): a mono recording stored on one track, "
             "which would go to air on one side (and 3 dB under other spots where a station "
             "sums to mono); its left channel is used on both sides, centred")


@pytest.fixture(scope="module")
def spots(tmp_path_factory):
    root = tmp_path_factory.mktemp("master-sides")
    media = root / "media"
    media.mkdir()
    spots = Spots(root, {"pcm": sound_master(media / "pcm.mov", LEFT_ONLY, codec="pcm_s24le"),
                         "aac": sound_master(media / "aac.mp4", LEFT_ONLY),
                         "both": sound_master(media / "both.mp4", BALANCED)})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"},
                            {"code": "nah", "treatment": "burn"}], {"bc": BC, "web": WEB})
    runner = CliRunner()
    spots.validated = runner.invoke(cli, ["validate", str(manifest)], catch_exceptions=False)
    spots.rendered = runner.invoke(cli, ["render", str(manifest), "-j", "2"],
                                   catch_exceptions=False)
    assert spots.rendered.exit_code == 0, spots.rendered.output
    return spots


@pytest.mark.parametrize("spot", ["pcm", "aac"])
def test_a_master_with_a_dead_right_side_is_said_once_at_its_file(spots, spot):
    master = spots.masters[spot]
    text = (f"{master}: {ONE_SIDED} (hint: next time, export the master with its sound on "
            "both channels, or as mono)")
    for result in (spots.validated, spots.rendered):
        assert warnings_of(result, master) == [text], result.output


def test_a_balanced_master_is_not_said(spots):
    assert warnings_of(spots.rendered, spots.masters["both"]) == []
    record = json.loads(spots.out("both", "tzo", "bc", "mov").with_suffix(".json").read_text())
    assert "one_sided" not in record["settings"]


@pytest.mark.parametrize("spot, tolerance", [("pcm", 0.01), ("aac", 0.1)])
@pytest.mark.parametrize("language", ["tzo", "nah"])
@pytest.mark.parametrize("profile, extension", [("bc", "mov"), ("web", "mp4")])
def test_its_variants_carry_the_live_side_on_both_levelled_to_the_target(
        spots, spot, tolerance, language, profile, extension):
    # Before: the right channel of every variant was digital silence (-inf), the loudness
    # levelled from the left alone.
    out = spots.out(spot, language, profile, extension)
    left, right = channel_levels(out)
    assert left == pytest.approx(right, abs=tolerance), (left, right)
    lufs, peak = integrated_loudness(out)
    assert lufs == pytest.approx(TARGETS[profile], abs=0.5) and peak <= -1, (lufs, peak)
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["one_sided"] == {"master": "FR"}
    # The fixture's second cue is short (`too-short`): of the subtitles, not the sound.
    assert [w["code"] for w in record["qc"]["warnings"] if w["code"] != "too-short"] == [
        "one-sided"]


def test_pcm_variants_are_the_same_samples_on_both_sides(spots):
    assert difference_rms_db(spots.out("pcm", "tzo", "bc", "mov")) < -120


def test_the_page_says_it_in_spanish(spots):
    catalog = json.loads((spots.root / "build/conform/catalog.json").read_text())
    spanish = render_pages(catalog)["index.html"]
    assert ('<span class="warning-kind">Grabación en un solo canal (puesta en ambos)</span>'
            in spanish)
    assert "el máster llegó con sonido solo en su canal izquierdo, y su canal derecho está en " \
           "silencio" in spanish


def test_a_masters_dc_offset_says_nothing_of_its_sides():
    # Before: the offset's figures were kept in the variable that said whether the sides are
    # read, so a radio master with an offset and its sides 14 dB apart (aired as delivered)
    # was also said to be heard from the left.
    defects = Defects(dc=(0.02, 0.02), layout="stereo", gated={"FL": -20.0, "FR": -34.0})
    analysis = SoundAnalysis(Loudness(-20.0, -3.0, 2.0), 3.0, defects=defects)
    said = defect_warnings(Path("radio.wav"), analysis, "master", removed=False)
    assert [d.code for d in said] == ["dc-offset"], [str(d) for d in said]
