"""A variable-rate phone video whose base rate ffprobe cannot tell (it gives the 90 kHz timescale,
90000/1) is made constant at the rate it was shot at, read from its frames' own times; an
interlaced profile offers its `fps:` conversion at any rate that divides evenly into or out of
its own; a high-frame-rate master's timecode is not failed on how its label is written."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.media.frame_times import fastest_rate, unreliable_base
from pipeline.media.probe import probe
from pipeline.media.timecode import counted_back, measured_constant_rate, same_label
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.render.leader import scan_problem
from tests.conformmedia import Spots, dub_track, ffmpeg, timescale_phone_master
from tests.mediacheck import counted_streams, frame_numbers, streams

W, H = 320, 180


def stamped(rates: list[tuple[float, float]], jitter: float = 0.0, seed: int = 1) -> list[Fraction]:
    """Frame times of stretches (seconds, fps) one after another, each up to `jitter` s late."""
    noise = random.Random(seed)
    times, start = [], 0.0
    for seconds, fps in rates:
        count = round(seconds * fps)
        times += [start + n / fps + noise.uniform(0, jitter) for n in range(count)]
        start += count / fps
    return sorted(Fraction(t).limit_denominator(90000) for t in times)


def test_the_fastest_stretch_is_read_through_jitter_and_low_light():
    # A phone at 30 fps with 6 ms of jitter, then 10 s of low light at 15: its rate is 30.
    phone = stamped([(2, 30), (10, 15)], jitter=0.006)
    average = (len(phone) - 1) / float(phone[-1] - phone[0])
    assert average < 18 and measured_constant_rate(fastest_rate(phone)) == 30
    # Low light first, and a fast stretch of only 0.7 s in 12 s (6 % of the intervals).
    assert measured_constant_rate(fastest_rate(stamped([(11.3, 15), (0.7, 30)], 0.004))) == 30
    # Frames stamped 25 ms late (hiccups), the next on time: short intervals after them.
    hiccups = stamped([(4, 30)])
    for n in (20, 40, 60):
        hiccups[n] += Fraction(25, 1000)
    assert measured_constant_rate(fastest_rate(hiccups)) == 30
    # Frames on NTSC's grid (3003 ticks of 90 kHz) are 29.97; a jittered 30 never is.
    ntsc = [Fraction(3003 * n, 90000) for n in range(120)]
    assert measured_constant_rate(fastest_rate(ntsc)) == Fraction(30000, 1001)
    for seed in range(20):
        assert measured_constant_rate(fastest_rate(stamped([(4, 30)], 0.004, seed))) == 30, seed
    assert measured_constant_rate(fastest_rate(stamped([(2, 60), (2, 30)], 0.002))) == 60
    assert fastest_rate([Fraction(0)]) is None


def test_a_base_rate_that_is_no_stretch_s_rate_is_told_apart():
    assert unreliable_base(90000, 29.94, "1/90000")            # the timescale
    assert unreliable_base(1000, 29.94, "1/1000")              # Matroska's
    assert unreliable_base(15000 / 1001, 22.5, "1/90000")       # below the average
    assert unreliable_base(120, 24.0, "1/90000")                # 5 times it
    # A phone's real base rates, above its average (low light) or jittered a little under it.
    for base, average in ((30, 18.8), (30, 30.126), (60, 29.9), (30, 29.94)):
        assert not unreliable_base(base, average, "1/90000"), (base, average)


def test_a_phone_video_ffprobe_gives_a_timescale_for_is_read_at_30_fps(tmp_path):
    # ffprobe's own word first: these masters really are what the trial's phone was.
    fast_first = timescale_phone_master(tmp_path / "phone.mp4")
    raw = next(s for s in streams(fast_first) if s["codec_type"] == "video")
    assert (raw["r_frame_rate"], raw["time_base"]) == ("90000/1", "1/90000"), raw
    video = probe(fast_first).video
    assert video.variable_rate and video.fps == 30.0, video
    assert 22 < video.average_fps < 23 and 29.5 < video.peak_fps < 31.5, video
    # Low light first: ffprobe's base is the slow stretch's, below the average; was 15 fps.
    slow_first = timescale_phone_master(tmp_path / "dark.mp4", slow_first=True)
    raw = next(s for s in streams(slow_first) if s["codec_type"] == "video")
    assert raw["r_frame_rate"] == "15000/1001", raw
    assert probe(slow_first).video.fps == 30.0


def test_the_plan_says_the_rate_a_phone_video_is_made_constant_at_and_why(tmp_path):
    spots = Spots(tmp_path, {"phone": timescale_phone_master(tmp_path / "phone.mp4")})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}],
                           {"small": {"base": "web", "width": W, "height": H}})
    result = CliRunner().invoke(cli, ["plan", str(manifest)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stderr.splitlines() if line.startswith("master "))
    assert re.search(r", 30 fps, made constant from a variable rate \(22\.\d{3} fps on average, "
                     r"up to (29\.[5-9]|30\.\d|31\.[0-4]) in its fastest stretch\)", line), line
    assert "120" not in line, line


@pytest.mark.e2e
def test_a_phone_video_renders_at_30_fps_keeping_every_frame_it_shot(tmp_path):
    # Made 120 fps before: four frames for each the phone shot, in every variant.
    master = timescale_phone_master(tmp_path / "phone.mp4")
    shot = frame_numbers(master)
    # 2 s at 30 fps, every frame; 2 s at 15, every other frame of the 30 fps count.
    assert shot == list(range(60)) + list(range(60, 120, 2)), shot
    spots = Spots(tmp_path, {"phone": master}, dub=dub_track(tmp_path / "dub.wav"))
    manifest = spots.write([{"code": "yua", "treatment": "dub"}],
                           {"small": {"base": "web", "width": W, "height": H,
                                      "preset": "ultrafast", "crf": 18}})
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = spots.out("phone", "yua", "small")
    picture = counted_streams(out)["video"]
    assert picture["r_frame_rate"] == picture["avg_frame_rate"] == "30/1", picture
    frames = int(picture["nb_read_frames"])
    assert abs(frames - float(picture["duration"]) * 30) <= 1, picture
    assert abs(frames - 120) <= 2, picture            # 4 s at 30, not 480 at 120 nor 60 at 15
    shown = frame_numbers(out)
    # Every frame the phone shot is in the variant, in order; the 15 fps ones each twice.
    assert sorted(set(shown)) == shot and shown == sorted(shown), shown
    assert all(shown.count(n) == 1 for n in range(1, 59)), shown
    assert all(shown.count(n) == 2 for n in range(62, 116, 2)), shown


def test_an_interlaced_profile_offers_its_fps_for_any_rate_it_converts_evenly():
    # At 120 fps (a phone master read at its timescale's cap) the hint to convert was not given.
    mxf = BUILTIN_PROFILES["broadcast-mxf"]
    for fps, hint in ((120.0, "`fps: 29.97` to convert it (one frame kept in every 4, a frame "
                              "dropped or repeated in every 1,000 or so, the length kept)"),
                      (100.0, "`fps: 25` to convert it (one frame kept in every 4, the length "
                              "kept)"),
                      (60.0, "`fps: 29.97` to convert it (one frame kept in every 2, a frame"),
                      (30.0, "`fps: 29.97` to convert it (a frame dropped or repeated in every "
                             "1,000 or so, the length kept)"),
                      (12.5, "`fps: 25` to convert it (each frame shown twice, the length kept)")):
        problem = scan_problem(mxf, fps)
        assert problem.startswith(f"a {fps:.3f} fps master cannot be an interlaced (tff) master")
        assert f"give the profile {hint}" in problem, problem
    # Film rates' pulldown is an editorial decision: offered as one, not as a conversion.
    for fps in (24.0, 24000 / 1001):
        problem = scan_problem(mxf, fps)
        assert "give the profile `fps: 29.97` for a 2:3 pulldown where the station airs film so " \
               "(its frames held for 2 and 3 fields in turn" in problem, problem
        assert "to convert it" not in problem and ("cadence breaks" in problem) == (fps == 24)
    assert "`fps:" not in scan_problem(mxf, 48.0)
    assert scan_problem(mxf, 50.0) is None and scan_problem(mxf, 30000 / 1001) is None


def test_a_120_fps_master_s_timecode_is_checked_as_a_number_not_as_written(tmp_path):
    # ffmpeg writes a 120 fps file's timecode with three digits of frames; the plan counts it
    # back with two. The check compared the two texts, after a 2.5 CPU-minute encode.
    rate = Fraction(120)
    expected = counted_back("10:00:00:00", rate, 12 * 120)
    late = counted_back("10:00:00:00", rate, 1)
    for label, name in ((expected, "start.mov"), (late, "late.mov")):
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x36:rate=120:duration=0.05",
               "-c:v", "prores_ks", "-timecode", label, str(tmp_path / name))
    start = probe(tmp_path / "start.mov").timecode
    assert (expected, start) == ("09:59:48:00", "09:59:48:000")       # as each writes it
    assert same_label(start, expected)
    written = probe(tmp_path / "late.mov").timecode
    assert (late, written) == ("09:59:59:119", "09:59:59:119") and same_label(written, late)
    assert not same_label(start, late) and not same_label(start, None)
    assert not same_label("09:59:48;00", "09:59:48:00")             # drop-frame is another label
    assert same_label("09:59:48;00", "09:59:48.00")


@pytest.mark.e2e
def test_a_120_fps_progressive_master_with_a_timecode_renders(tmp_path):
    # ProRes at 320x180, 1 s of leader and 3 s of programme: the check that failed after the
    # encode is reached in a few seconds.
    master = tmp_path / "hfr.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x180:rate=120:duration=3", "-f", "lavfi",
           "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master))
    spots = Spots(tmp_path, {"hfr": master}, dub=dub_track(tmp_path / "dub.wav"))
    manifest = spots.write([{"code": "yua", "treatment": "dub"}],
                           {"broadcast-prores": {"leader": {"bars": 0.5, "slate": 0, "black": 0.5},
                                                 "width": W, "height": H}})
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = spots.out("hfr", "yua", "broadcast-prores", "mov")
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert (video["r_frame_rate"], video["tags"]["timecode"]) == ("120/1", "09:59:59:000"), video
