"""Only a station's master carries a timecode track: web and phone copies of a master with a
start timecode have no `tmcd` data track (some web players and WhatsApp refuse one), checked by
ffprobe on real renders; a profile that sets `timecode:` keeps its own."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import ffmpeg
from tests.mediacheck import streams

pytestmark = pytest.mark.e2e

LEADER = {"bars": 0.2, "slate": 0.2, "black": 0.2}


def test_web_copies_carry_no_timecode_track_and_a_station_s_master_keeps_its_own(campaign):
    # x264 High at 320x180, as the `small` profile would encode it: dub and soft copy this
    # stream as it is (its timecode with it, before), a burn encodes its own.
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4", "-f", "lavfi",
           "-i", "sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "libx264",
           "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-ac", "2", "-timecode", "01:00:00:00", str(campaign.root / "media/spot.mp4"))
    master = streams(campaign.root / "media/spot.mp4")
    assert [s["codec_tag_string"] for s in master if s["codec_type"] == "data"] == ["tmcd"]
    campaign.subtitle("nah")
    campaign.subtitle("tzo")
    campaign.audio("yua")
    manifest = campaign.write(
        [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
         {"code": "yua", "treatment": "dub"}],
        profiles={"small": {"base": "web", "width": 320, "height": 180, "preset": "ultrafast"},
                  "small-mov": {"base": "broadcast", "width": 320, "height": 180,
                                "preset": "ultrafast", "video_bitrate": "1M"},
                  "prores": {"base": "broadcast-prores", "width": 320, "height": 180,
                             "leader": LEADER, "timecode": "10:00:00:00"}})
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for language in ("nah", "tzo", "yua"):
        for name in (f"spot.{language}.small.mp4", f"spot.{language}.small-mov.mov"):
            kinds = [s["codec_type"] for s in streams(campaign.out / name)]
            assert "data" not in kinds, (name, kinds)
            assert "video" in kinds, (name, kinds)
        data = [s for s in streams(campaign.out / f"spot.{language}.prores.mov")
                if s["codec_type"] == "data"]
        # The profile's programme start, 0.6 s of leader (15 frames) earlier: not the master's.
        assert [(s["codec_tag_string"], s["tags"]["timecode"]) for s in data] \
            == [("tmcd", "09:59:59:10")], data
