"""Progressive masters made into a 1080i29.97 master at a profile's `fps: 29.97`, read field
by field from the MXF: each field must come from the master's picture of its own time.

The masters are flat greys, one level a frame (20 + 7 N, modulo 200), so that the frame each
field was made from is read back from its mean level, with ffmpeg's `separatefields` and numpy,
not from anything the pipeline says. Made at the frame rate (before), both fields of a frame
held one picture: a 50p master kept 29.97 of its 50 moments a second, and a 23.976 fps one held
a picture for four fields in every ten, where film on NTSC television is 2:3 pulldown."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import Campaign, ffmpeg
from tests.mediacheck import FFMPEG

pytestmark = pytest.mark.e2e

SECONDS = 2


def fields_of(path, size: str = "1920x540") -> np.ndarray:
    """Every field of the file's picture in time order (top field first), as grey rows,
    scaled to `size`."""
    width, height = map(int, size.split("x"))
    out = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", "0:v:0", "-vf",
                          f"setfield=tff,separatefields,scale={width}:{height}", "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, height, width)


def field_levels(path) -> np.ndarray:
    """The mean level of every field of the file's picture, in time order."""
    return fields_of(path, "64x32").mean(axis=(1, 2))


def runs(levels: np.ndarray) -> list[int]:
    """How many fields in a row show each of the master's frames (levels 7 apart: the same
    frame within 2)."""
    lengths = [1]
    for before, level in zip(levels, levels[1:]):
        if abs(level - before) <= 2:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def render_master(tmp_path, media, picture: str, treatment: str, cues: str):
    """(render's output, the record's `master`, the MXF) of a master of the lavfi graph
    `picture` (SECONDS long) and a tone, made at `fps: 29.97`, with one language of
    `treatment` and its SubRip `cues`."""
    campaign = Campaign(tmp_path, media)
    ffmpeg("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i",
           f"sine=frequency=440:sample_rate=48000:duration={SECONDS}", "-c:v", "libx264",
           "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", cues)
    campaign.write([{"code": "nah", "treatment": treatment}],
                   profiles={"broadcast-mxf": {"leader": None, "fps": 29.97}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    record = json.loads((campaign.out / "spot.nah.broadcast-mxf.json").read_text("utf-8"))
    return result.output, record["master"], campaign.out / "spot.nah.broadcast-mxf.mxf"


def made(tmp_path, media, rate: str) -> tuple[str, dict, list[int]]:
    """(render's output, the record's `master`, `runs` of the MXF's fields) of a flat-grey
    master at `rate`, one level a frame."""
    output, master, mxf = render_master(
        tmp_path, media, f"nullsrc=size=320x180:rate={rate}:duration={SECONDS},"
                         "geq=lum='20+mod(N*7\\,200)':cb=128:cr=128",
        "soft", "1\n00:00:00,500 --> 00:00:01,500\nHola\n")
    return output, master, runs(field_levels(mxf))


def test_a_50p_master_keeps_a_field_for_each_of_its_frames(tmp_path, media):
    output, master, lengths = made(tmp_path, media, "50")
    # 100 frames into 2 s of 59.94 fields: every frame shown, one in 5 for two fields.
    assert len(lengths) == 50 * SECONDS, lengths
    assert set(lengths) == {1, 2} and 18 <= lengths.count(2) <= 22, lengths
    assert "one frame of the master in every 5 is shown for two fields" in output, output
    assert "so motion judders" in output
    assert (master["woven_from_fields"], master["converted_from"], master["pulldown"]) == (
        True, "50/1", False), master


def test_a_23_976_master_is_made_with_2_3_pulldown(tmp_path, media):
    output, master, lengths = made(tmp_path, media, "24000/1001")
    # 48 frames (2 s) into 120 fields: 2 and 3 fields in turn, every frame shown.
    assert len(lengths) == 48, lengths
    inner = lengths[1:-1]
    assert set(inner) == {2, 3} and all(a != b for a, b in zip(inner[1:], inner[2:])), lengths
    assert sum(lengths) == 120, lengths
    assert "2:3 pulldown: each frame of the master is shown for 2 and 3 fields in turn" in output
    assert "judders" not in output, output
    assert (master["converted_from"], master["pulldown"]) == ("24000/1001", True), master


def test_burned_text_of_a_converted_master_starts_on_a_frame_s_first_field(tmp_path, media):
    # 25p into 1080i29.97: a cue at 0.52 s is 31.2 fields in; timed to the nearest field it was
    # drawn from field 31, the second of frame 15, whose first field had none: text combed.
    _, _, mxf = render_master(tmp_path, media, f"color=gray:size=320x180:rate=25:duration="
                                               f"{SECONDS}", "burn",
                              "1\n00:00:00,520 --> 00:00:01,480\nLos seres humanos\n")
    fields = fields_of(mxf)
    shown = (fields > 200).sum(axis=(1, 2)) > 100       # white glyphs on Y' 128 grey
    on = np.flatnonzero(shown)
    assert len(on), "no text burned"
    # Frames 16 to 43 at 29.97 (0.534 s until 1.468 s): fields 32 to 87, whole frames only.
    assert (on[0], on[-1], len(on)) == (32, 87, 56), on


def test_an_interlaced_master_made_at_its_field_rate_keeps_a_frame_per_field(tmp_path, media):
    # 1080i25 into 50p ProRes was deinterlaced a frame per two fields, each frame then shown
    # twice (a trial's frame counter: 0 0 2 2 4 4): half of its motion gone.
    campaign = Campaign(tmp_path, media)
    ffmpeg("-f", "lavfi", "-i", f"nullsrc=size=320x180:rate=50:duration={SECONDS},"
           "geq=lum='20+mod(N*7\\,200)':cb=128:cr=128,interlace=scan=tff:lowpass=off", "-f",
           "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}", "-c:v",
           "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-flags",
           "+ildct+ilme", "-x264opts", "tff=1", "-c:a", "aac", "-ac", "2",
           str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,500\nHola\n")
    campaign.write([{"code": "nah", "treatment": "soft"}],
                   profiles={"broadcast-prores": {"leader": None, "fps": 50}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = subprocess.run([FFMPEG, "-v", "error", "-i",
                          str(campaign.out / "spot.nah.broadcast-prores.mov"), "-map", "0:v:0",
                          "-vf", "scale=64:36", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    lengths = runs(np.frombuffer(out, np.uint8).reshape(-1, 36 * 64).mean(axis=1))
    assert len(lengths) == 50 * SECONDS and set(lengths) == {1}, lengths
    assert "half of its fields' motion" not in result.output, result.output
    record = json.loads((campaign.out / "spot.nah.broadcast-prores.json").read_text("utf-8"))
    assert record["master"]["deinterlaced"] is False, record["master"]
