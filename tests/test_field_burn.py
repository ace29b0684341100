"""Subtitles burned into an interlaced master woven from an interlaced one's fields: a 480i
(29.97 frames, 59.94 fields) NTSC master into the 1080i29.97 `broadcast-mxf` profile, its
fields separated again from the MXF and read with numpy, each field on its own.

Each field must carry the same text as its frame's other field (no frame with the text in one
field only: a comb on the glyphs' edges, or text flickering for one frame), and the text must
start and stop on the first field of the cue's frames. A profile that names its frame rate
(`fps: 29.97`) keeps the fields' motion too."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import Campaign, ffmpeg
from tests.mediacheck import FFMPEG, field_counts

pytestmark = pytest.mark.e2e

W, H = 1920, 1080
FIELD_RATE = 60000 / 1001
# Cue 1 starts at 517 ms, frame 15.49 at 29.97 fps: its first frame is 15 (500.5 ms), ending
# at frame 45 (1518 ms, 45.5). Timed on the frame grid, the burn's script said 0:00:00.48, the
# centisecond nearest the middle of frames 14 and 15 (483.8 ms), which is the time of field 29:
# the text appeared on frame 14's second field, its first field without it.
SRT = ("1\n00:00:00,517 --> 00:00:01,518\nLos seres humanos\n\n"
       "2\n00:00:02,002 --> 00:00:02,903\nventa\n")


def separated_fields(path) -> np.ndarray:
    """Every field of the file in time order (top first: the profile is `tff`), as grey rows."""
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v:0", "-vf",
                          "setfield=tff,separatefields", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, H // 2, W)


@pytest.fixture(scope="module")
def woven(tmp_path_factory, media):
    campaign = Campaign(tmp_path_factory.mktemp("fields"), media)
    # Mid grey, bottom field first as NTSC DV is, 4:3 (SAR 10:11), coded and flagged interlaced.
    ffmpeg("-f", "lavfi", "-i", "color=gray:size=720x480:rate=60000/1001:duration=3,"
           "interlace=scan=bff:lowpass=off,setsar=10/11", "-f", "lavfi", "-i",
           "sine=frequency=440:sample_rate=48000:duration=3", "-c:v", "libx264", "-preset",
           "ultrafast", "-pix_fmt", "yuv420p", "-flags", "+ildct+ilme", "-x264opts", "bff=1",
           "-c:a", "aac", "-ac", "2", str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": None}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    record = json.loads((campaign.out / "spot.nah.broadcast-mxf.json").read_text("utf-8"))
    assert record["master"]["woven_from_fields"] is True, record["master"]
    return separated_fields(campaign.out / "spot.nah.broadcast-mxf.mxf")


def test_both_fields_of_every_frame_carry_the_same_text(woven):
    text = woven > 200                     # white glyphs on Y' 128 grey (outline: darker)
    shown = text.sum(axis=(1, 2)) > 100
    assert len(shown) == 180 and shown.any()
    # Field 2k is frame k's first field, 2k+1 its second: they agree on every frame.
    halves = [n for n in range(0, len(shown), 2) if shown[n] != shown[n + 1]]
    assert not halves, f"frames with the text in one field only: {[n // 2 for n in halves]}"
    # Where both carry it, the same glyphs: the same columns, rows at most a line apart (the
    # two fields sample alternate lines of one drawing).
    for n in np.flatnonzero(shown[::2]) * 2:
        for axis in (0, 1):
            first, second = (np.flatnonzero(text[f].any(axis=axis)) for f in (n, n + 1))
            assert abs(first[0] - second[0]) <= 1 and abs(first[-1] - second[-1]) <= 1, (
                n, axis, first[[0, -1]], second[[0, -1]])


def test_text_starts_and_ends_on_the_first_field_of_its_frames(woven):
    shown = (woven > 200).sum(axis=(1, 2)) > 100
    edges = np.flatnonzero(np.diff(shown.astype(int))) + 1
    # Cue 1 on frames 15-44, cue 2 on frames 60-86 (2.903 s: frame 87.0): fields 30, 90, ...
    assert [int(n) for n in edges] == [30, 90, 120, 174], [
        (int(n), round(n / FIELD_RATE * 1000, 1)) for n in edges]


def test_a_profile_naming_its_frame_rate_keeps_the_fields_motion(tmp_path, media):
    # `fps: 29.97` framed the 59.94 fields at 29.97: 90 of 90 frames read as progressive
    # (segmented frames, half the motion) though the record said woven from fields.
    campaign = Campaign(tmp_path, media)
    moving = ("testsrc2=size=720x480:rate=60000/1001:duration=3[b];"
              "color=white:size=16x480:rate=60000/1001[bar];[b][bar]overlay=x='mod(t*1200,700)'"
              ":shortest=1,interlace=scan=tff:lowpass=off,setsar=10/11")
    ffmpeg("-f", "lavfi", "-i", moving, "-f", "lavfi", "-i",
           "sine=frequency=440:sample_rate=48000:duration=3", "-c:v", "libx264", "-preset",
           "ultrafast", "-pix_fmt", "yuv420p", "-flags", "+ildct+ilme", "-x264opts", "tff=1",
           "-c:a", "aac", "-ac", "2", str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "burn"}],
                   profiles={"broadcast-mxf": {"leader": None, "fps": 29.97}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    counts = field_counts(campaign.out / "spot.nah.broadcast-mxf.mxf")
    assert counts["tff"] > 5 * (counts["progressive"] + counts["bff"]), counts
