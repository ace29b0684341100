"""Frame-exact cues: a cue covering frames a..b is on screen on exactly frames a..b, at every
frame rate broadcasters use; the file's off-grid times and short gaps are reported in frames."""

from __future__ import annotations

import math
import re
import subprocess
from fractions import Fraction

import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import QcSettings, Style
from pipeline.subtitles.burn import write_ass
from pipeline.subtitles.formats import read_subtitles
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.frames import FrameGrid, frame_rate, snap_cues
from pipeline.subtitles.model import Cue, format_time
from pipeline.subtitles.off_grid import off_grid_times
from pipeline.subtitles.file_check import check_file
from pipeline.subtitles.qc import check_cues
from tests.conftest import ASS, Campaign, ffmpeg
from tests.mediacheck import FFMPEG, changed_fraction

RATES = {"23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25),
         "29.97": Fraction(30000, 1001), "30": Fraction(30), "50": Fraction(50),
         "59.94": Fraction(60000, 1001)}


@pytest.mark.parametrize("typed, exact", [(23.976, "23.976"), (23.976023976, "23.976"),
                                          (29.97, "29.97"), (29.97002997, "29.97"),
                                          (59.94, "59.94"), (24.0, "24"), (25.0, "25"),
                                          (30.0, "30"), (50.0, "50")])
def test_frame_rates_are_exact(typed, exact):
    assert frame_rate(typed) == RATES[exact]
    assert str(FrameGrid.at(typed)) == f"{exact} fps"


def boundary_ms(frame: int, rate: Fraction, rounding) -> int:
    """A frame boundary as a subtitle editor writes it: rounded, truncated or rounded up."""
    return rounding(frame * 1000 / rate)


def libass_frames(script: str, rate: Fraction, time_base: Fraction, frames: range) -> list[int]:
    """The frames on which libass shows the script's one event, as ffmpeg's `ass` filter asks:
    the frame's time `pts * time_base * 1000` in double precision, truncated to whole
    milliseconds (vf_subtitles.c), shown when Start <= now < End (ass_render.c)."""
    start, end = (int(h) * 3_600_000 + int(m) * 60_000 + int(s) * 1000 + int(c) * 10
                  for h, m, s, c in re.findall(r"(\d+):(\d\d):(\d\d)\.(\d\d)",
                                               script.split("Dialogue:")[1])[:2])
    shown = []
    for frame in frames:
        pts = round(frame / rate / time_base)            # the container's integer timestamp
        now = int(pts * float(time_base) * 1000)
        if start <= now < end:
            shown.append(frame)
    return shown


@pytest.mark.parametrize("rate_name", RATES)
@pytest.mark.parametrize("rounding", [round, int, lambda ms: -int(-ms // 1)],
                         ids=["rounded", "truncated", "rounded-up"])
def test_a_cue_covering_frames_a_to_b_is_shown_on_exactly_those_frames(tmp_path, rate_name,
                                                                       rounding):
    rate = RATES[rate_name]
    font = resolve_font("Noto Sans")
    # The time bases the frames reach the filter in: MP4 as ffmpeg writes it (movenc doubles
    # the rate's timescale until it reaches 10000: 1/24000, 1/12800...), Matroska
    # (milliseconds), MPEG-TS (90 kHz).
    scale = rate.numerator
    while scale < 10000:
        scale *= 2
    mp4 = Fraction(1, scale)
    for first, last in [(0, 11), (24, 47), (25, 25), (1001, 1439), (86_300, 86_399)]:
        cue = Cue(1, boundary_ms(first, rate, rounding), boundary_ms(last + 1, rate, rounding),
                  "uno", 1)
        ass = tmp_path / "frames.ass"
        write_ass([cue], ass, style=Style(), width=320, height=180, font=font, fps=float(rate))
        script = ass.read_text(encoding="utf-8")
        for time_base in (mp4, Fraction(1, 1000), Fraction(1, 90000)):
            window = range(max(0, first - 3), last + 4)
            assert libass_frames(script, rate, time_base, window) == list(range(first, last + 1)), \
                (rate_name, first, last, time_base, format_time(cue.start), format_time(cue.end))


def aegisub_time(frame: int, rate: Fraction) -> str:
    """The ASS time Aegisub writes for a cue starting on `frame` (or ending after `frame - 1`)
    when it snaps to frames: the middle between that frame's millisecond timestamp and the one
    before, rounded up (libaegisub vfr.cpp, `TimeAtFrame` START), then to the centisecond, 5 ms
    up (`agi::Time`)."""
    def stamp(k: int) -> int:
        return math.floor(k * 1000 / rate)
    ms = stamp(frame - 1) + (stamp(frame) - stamp(frame - 1) + 1) // 2
    ms = (ms + 5) // 10 * 10
    return f"0:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000 // 10:02d}"


@pytest.mark.parametrize("rate_name", RATES)
def test_an_ass_file_snapped_in_aegisub_is_burned_on_the_frames_aegisub_showed(tmp_path,
                                                                                rate_name):
    # At 29.97 fps Aegisub ends a cue whose last frame is 233 at 0:00:07.79 (the middle of frames
    # 233 and 234 is 7791.1 ms), nearer frame 233's start: the nearest boundary took a frame off
    # that cue and started the one of frames 1001 to 1439 a frame early, as half such times.
    rate = RATES[rate_name]
    font = resolve_font("Noto Sans")
    header = ASS.split("Dialogue:")[0]
    for first, last in [(1, 11), (45, 119), (126, 233), (1001, 1439), (4321, 4400)]:
        translated = tmp_path / "oto.ass"
        times = f"{aegisub_time(first, rate)},{aegisub_time(last + 1, rate)}"
        translated.write_text(f"{header}Dialogue: 0,{times},Default,,0,0,0,,uno\n",
                              encoding="utf-8")
        window = range(max(0, first - 3), last + 4)
        seen = libass_frames(translated.read_text(encoding="utf-8"), rate, Fraction(1, 1000),
                             window)
        assert seen == list(range(first, last + 1))       # what Aegisub's preview showed
        subtitles = read_subtitles(translated)
        burned = tmp_path / "burned.ass"
        write_ass(snap_cues(subtitles.cues, float(rate), subtitles.format), burned,
                  style=Style(), width=320, height=180, font=font, fps=float(rate))
        assert libass_frames(burned.read_text(encoding="utf-8"), rate, Fraction(1, 1000),
                             window) == seen, (rate_name, times)
        assert FrameGrid.at(float(rate), "ass").frames(subtitles.cues[0]) == (first, last + 1)


def test_sidecar_times_are_frame_starts_rounded_down():
    rate = RATES["23.976"]
    (cue,) = snap_cues([Cue(1, 1043, 2000, "x", 1)], float(rate))
    assert (cue.start, cue.end) == (1042, 2002)          # frames 25 and 48 start at 1042.7, 2002
    assert FrameGrid(rate).frames(cue) == (25, 48)       # and read back as the same frames
    assert snap_cues([cue], None) == [cue]


def test_round_times_between_frames_get_no_warning_and_gaps_count_frames(tmp_path):
    # 3000 and 4000 ms lie 3 and 4 ms before frames 90 and 120 at 29.97 fps: typed by hand and
    # put on those frames by the render, as meant (before: '3 cue times fall between the frames
    # of the 29.97 fps video').
    cues = [Cue(1, 3000, 4000, "uno", 1), Cue(2, 4504, 5005, "dos", 5),
            Cue(3, 5038, 6000, "tres", 9)]
    found = check_cues(cues, tmp_path / "x.srt", qc=QcSettings(), fps=30000 / 1001, style=None,
                       font=None)
    assert off_grid_times(cues, tmp_path / "x.srt", 30000 / 1001) == []
    (gap,) = [d for d in found if d.code == "gap"]
    # 5005 -> 5038 ms is 33 ms, but the frames 150 and 151: one frame.
    assert gap.line == 9 and "33 ms (1 frame) after cue 2" in gap.message
    assert not [d for d in found if d.code == "frame-grid"]   # not a render warning


def test_a_gap_is_said_in_the_frames_and_milliseconds_of_the_video(tmp_path):
    # 1040 -> 1067 ms typed, 27 ms: on the video's frames cue 1 ends at frame 31 (1034 ms) and
    # cue 2 starts at 32 (1068 ms), one frame, 33 ms, as the minimum is counted. Before: the
    # typed milliseconds beside the frames, which another rounding could make "67 ms (1 frame)
    # ... leave at least 2 frames (67 ms at 29.97 fps)".
    cues = [Cue(1, 0, 1040, "uno", 1), Cue(2, 1067, 2000, "dos", 5)]
    found = check_cues(cues, tmp_path / "x.srt", qc=QcSettings(), fps=30000 / 1001, style=None,
                       font=None)
    (gap,) = [d for d in found if d.code == "gap"]
    assert "starts 33 ms (1 frame) after cue 1 ends; leave at least 2 frames (67 ms at 29.97 " \
        "fps)" in gap.message, gap.message


def srt_text(times: list[tuple[int, int]]) -> str:
    return "".join(f"{n}\n{format_time(start)} --> {format_time(end)}\nuno\n\n"
                   for n, (start, end) in enumerate(times, 1))


def frame_grid(path, fps: float, **qc) -> list:
    return [d for d in check_file(path, fps=fps, qc=QcSettings(**qc)).diagnostics
            if d.code == "frame-grid"]


NTSC = 30000 / 1001
# Frames a 29.97 fps file's cues are timed to: a start and the frame after the last.
NTSC_CUES = [(45, 120), (126, 234), (240, 360), (1001, 1090), (2000, 2057)]


def test_files_timed_to_the_video_s_frames_as_their_format_writes_them_get_no_warning(tmp_path):
    rate = RATES["29.97"]
    exact = [(FrameGrid(rate).time_ms(a), FrameGrid(rate).time_ms(b)) for a, b in NTSC_CUES]
    files = {
        # SubRip and WebVTT: the frame's time to the millisecond, rounded or rounded down.
        "rounded.srt": srt_text([(round(a), round(b)) for a, b in exact]),
        "truncated.vtt": "WEBVTT\n\n" + srt_text([(int(a), int(b)) for a, b in exact])
        .replace(",", "."),
        # ASS: the centisecond nearest the frame's time (a file converted from SubRip), or the
        # middle between two frames, as Aegisub snaps (`aegisub_time`).
        "converted.ass": ASS.split("Dialogue:")[0] + "".join(
            f"Dialogue: 0,{ass_time_of(round(a / 10) * 10)},{ass_time_of(round(b / 10) * 10)},"
            "Default,,0,0,0,,uno\n" for a, b in exact),
        "aegisub.ass": ASS.split("Dialogue:")[0] + "".join(
            f"Dialogue: 0,{aegisub_time(a, rate)},{aegisub_time(b, rate)},Default,,0,0,0,,uno\n"
            for a, b in NTSC_CUES),
        # TTML counting the video's frames, in media time (`00:00:04:00` is 4.000 s, frame 120
        # starts at 4.004 s): each time rounds to its own frame.
        "frames.ttml": TTML_FRAMES.format(rate='ttp:frameRate="30" ttp:frameRateMultiplier="1000 '
                                               '1001"', cues=ttml_cues(NTSC_CUES, 30)),
        # Times typed by hand, which fall between the frames at 29.97 fps: 1,500 is 1.5 ms before
        # frame 45, 12,000 is 12 ms before frame 360 (before: a warning on every such file,
        # which printed '0:00:01.50 (frame 45), not 0:00:01.50' in ASS).
        "typed.srt": srt_text([(1500, 4000), (4200, 7800), (8000, 12000)]),
        "typed.ass": ASS.split("Dialogue:")[0] + "".join(
            f"Dialogue: 0,{ass_time_of(a)},{ass_time_of(b)},Default,,0,0,0,,uno\n"
            for a, b in [(1500, 4000), (4200, 7800), (8000, 12000)]),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert frame_grid(tmp_path / name, NTSC) == [], name


def ass_time_of(ms: int) -> str:
    return f"0:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000 // 10:02d}"


TTML_FRAMES = """<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" {rate}
    xml:lang="tzh"><body><div>
{cues}</div></body></tt>
"""


def ttml_cues(frames: list[tuple[int, int]], per_second: int) -> str:
    def clock(frame: int) -> str:
        seconds, rest = divmod(frame, per_second)
        return f"00:{seconds // 60:02d}:{seconds % 60:02d}:{rest:02d}"
    return "".join(f'<p begin="{clock(a)}" end="{clock(b)}">uno</p>\n' for a, b in frames)


# Timed at 25 fps, as a PAL version of the spot is: every time a multiple of 40 ms.
PAL_CUES = [(37, 93), (100, 161), (167, 229), (236, 300), (310, 352)]
SAID_TIME = re.compile(r"at (\d\d:\d\d:\d\d[,.]\d{3}), between frames (\d+) \((\d+\.\d{3}) s\) "
                       r"and (\d+) \((\d+\.\d{3}) s\)")


def said_times(message: str) -> list[tuple[str, str, str]]:
    """(the time, the frame before's, the frame after's) of each time a warning names, each to
    the millisecond."""
    found = [(time.replace(",", ".")[-6:], before, after)
             for time, _, before, _, after in SAID_TIME.findall(message)]
    assert found, message
    return found


def test_a_file_timed_at_25_fps_on_a_29_97_fps_video_is_said_with_distinct_times(tmp_path):
    path = tmp_path / "pal.srt"
    path.write_text(srt_text([(a * 40, b * 40) for a, b in PAL_CUES]), encoding="utf-8")
    (grid,) = frame_grid(path, NTSC)
    assert grid.line == 1                     # the first cue concerned, once for the file
    assert grid.message.startswith(
        "the cue times seem timed to a 25 fps video, not to this 29.97 fps one: all 10 are on a "
        "25 fps video's frames, 8 between this video's frames; each is moved to the nearest, "
        "which may be a frame off the shot change it was timed to: cue 1 starts at "
        "00:00:01,480, between frames 44 (1.468 s) and 45 (1.502 s); cue 1 ends at 00:00:03,720, "
        "between frames 111 (3.704 s) and 112 (3.737 s); ")
    assert grid.message.endswith("; and 2 more")
    assert "00:00:06,440" not in grid.message   # frame 193 starts at 6439.8 ms: on the grid
    assert "set the frame rate to 29.97 fps and snap the times to its frames" in grid.hint
    for time, before, after in said_times(grid.message):
        assert time not in (before, after)
    # A TTML file counting its frames at 25 fps says so itself.
    ttml = tmp_path / "pal.ttml"
    ttml.write_text(TTML_FRAMES.format(rate='ttp:frameRate="25"', cues=ttml_cues(PAL_CUES, 25)),
                    encoding="utf-8")
    (grid,) = frame_grid(ttml, NTSC)
    assert grid.message.startswith("the file counts its frames at 25 fps (ttp:frameRate), not at "
                                   "the video's 29.97 fps: 8 of its 10 cue times fall between "
                                   "the video's frames")
    # Its times as it writes them, frame labels (37 frames at 25 fps: 00:00:01:12), which a
    # subtitler searches the file for; each between two of the video's frames.
    assert ("cue 1 starts at 00:00:01:12, between frames 44 (1.468 s) and 45 (1.502 s); "
            "cue 1 ends at 00:00:03:18, between frames 111 (3.704 s) and 112 (3.737 s)") \
        in grid.message, grid.message
    # On a 25 fps video the same times are on the frames.
    assert frame_grid(path, 25) == [] and frame_grid(ttml, 25) == []


def test_times_on_the_frames_of_two_rates_name_both(tmp_path):
    """Every 5th frame of 29.97 fps is every 4th of 23.976 fps: such a file was said to 'seem
    timed to a 23.976 fps video' alone. Both are named, and 59.94 (every frame of 29.97 is on
    it too) is not."""
    frames = [(35, 95), (105, 180), (190, 250), (260, 335), (345, 400)]    # at 29.97 fps
    path = tmp_path / "nah.srt"
    path.write_text(srt_text([(round(a * 1001 / 30), round(b * 1001 / 30)) for a, b in frames]),
                    encoding="utf-8")
    (grid,) = frame_grid(path, 25)
    assert grid.message.startswith("the cue times seem timed to a 23.976 or 29.97 fps video, not "
                                   "to this 25 fps one: all 10 are on a 23.976 or 29.97 fps "
                                   "video's frames"), grid.message


def test_a_cue_that_ends_before_it_starts_is_not_counted_with_the_times_to_snap(tmp_path):
    # 'cue 4 ends at 00:00:07,040 (frame 176), not 00:00:06,500' beside 'cue 4 ends before it
    # starts': its times are to be fixed, not snapped.
    cues = [Cue(n, a * 40, b * 40, "uno", 4 * n - 3) for n, (a, b) in enumerate(PAL_CUES, 1)]
    cues.append(Cue(6, 14_030, 13_500, "al revés", 21))
    (grid,) = off_grid_times(cues, tmp_path / "x.srt", NTSC)
    assert "8 between this video's frames" in grid.message and "cue 6" not in grid.message
    assert off_grid_times(cues[5:], tmp_path / "x.srt", NTSC) == []


def test_a_cue_the_frames_make_shorter_than_the_minimum_is_said(tmp_path):
    # 834 ms as typed, over the 5/6 s minimum; on a 25 fps video 1,021 goes to frame 26 and
    # 1,855 to frame 46: 20 frames, 0.800 s.
    path = tmp_path / "nah.srt"
    path.write_text(srt_text([(1021, 1855), (3000, 3400), (5000, 6000)]), encoding="utf-8")
    (grid,) = frame_grid(path, 25)
    assert grid.line == 1
    assert grid.message == ("on the frames of the 25 fps video, cue 1 (00:00:01,021 --> "
                            "00:00:01,855, 0.834 s) is shown for 20 frames (0.800 s), under the "
                            "0.833 s minimum")
    assert grid.hint.startswith("end cue 1 at 00:00:01,880 or later")
    # Cue 2 is too short as typed: the too-short warning says it, not this one.
    assert "cue 2" not in grid.message
    assert [d.line for d in check_file(path, fps=25).diagnostics if d.code == "too-short"] == [5]
    assert frame_grid(path, 25, min_duration=0.8) == []


# --- from the pixels of real renders ---------------------------------------------------------

W, H = 320, 180


def decoded_frames(path) -> list[bytes]:
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return [raw[i:i + W * H] for i in range(0, len(raw), W * H)]


def master_at(campaign: Campaign, rate: str) -> None:
    """The campaign's master: 2.5 s of testsrc2 at `rate` (an ffmpeg rate, `30000/1001`)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={rate}:duration=2.5",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2.5",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))


@pytest.mark.e2e
@pytest.mark.parametrize("rate, first, last", [("24000/1001", 24, 47), ("30000/1001", 24, 45)])
def test_a_render_shows_the_cue_on_exactly_its_frames(tmp_path, media, rate, first, last):
    campaign = Campaign(tmp_path, media)
    master_at(campaign, rate)
    grid = FrameGrid.at(float(Fraction(rate)))
    start, end = grid.player_ms(first), grid.player_ms(last + 1)
    campaign.subtitle("nah", f"1\n{format_time(start)} --> {format_time(end)}\nLos seres humanos\n")
    result = CliRunner().invoke(cli, ["render", str(campaign.write(
        [{"code": "nah", "treatment": "burn"}]))], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rendered = decoded_frames(campaign.out / "spot.nah.small.mp4")
    master = decoded_frames(campaign.root / "media/spot.mp4")
    bottom = range(int(H * 0.7), int(H * 0.95))
    # Outside the cue the two differ by compression noise only (under the change threshold).
    shown = [n for n, (a, b) in enumerate(zip(rendered, master))
             if changed_fraction(a, b, W, bottom) > 0.003]
    assert shown == list(range(first, last + 1)), (format_time(start), format_time(end))


# A cue on no frame at each rate, between two cues shown on frames 5-19 and 40-55: half of
# frame 25 (1000-1040 ms) at 25 fps, under a third of frame 30 (1001-1034 ms) at 29.97 fps.
NO_FRAME_CUES = {"25": (1010, 1030), "30000/1001": (1010, 1020)}


@pytest.mark.e2e
@pytest.mark.parametrize("rate", NO_FRAME_CUES)
def test_a_cue_on_no_frame_is_in_no_output_of_a_render(tmp_path, media, rate):
    import json

    from tests.mediacheck import FFPROBE, streams

    campaign = Campaign(tmp_path, media)
    master_at(campaign, rate)
    grid = FrameGrid.at(float(Fraction(rate)))
    times = [(grid.player_ms(5), grid.player_ms(20)), NO_FRAME_CUES[rate],
             (grid.player_ms(40), grid.player_ms(56))]
    text = "".join(f"{n}\n{format_time(a)} --> {format_time(b)}\nLos seres humanos\n\n"
                   for n, (a, b) in enumerate(times, 1))
    campaign.subtitle("nah", text)
    campaign.subtitle("tzo", text)
    result = CliRunner().invoke(cli, ["render", str(campaign.write(
        [{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"}]))],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # The render's QC says it, at the cue's line, in each variant's record.
    assert f"nah.srt:5: warning: cue 2 ({format_time(times[1][0])} --> " \
        f"{format_time(times[1][1])}) falls between two frames at {grid}: it is never shown" \
        in result.output, result.output
    for code in ("nah", "tzo"):
        record = json.loads((campaign.out / f"spot.{code}.small.json").read_text())
        assert "no-frame" in [w["code"] for w in record["qc"]["warnings"]], code
    # Burned: cue 1 on frames 5-19, cue 3 on 40-55, nothing on frame 25 (30 at 29.97 fps).
    rendered = decoded_frames(campaign.out / "spot.nah.small.mp4")
    master = decoded_frames(campaign.root / "media/spot.mp4")
    bottom = range(int(H * 0.7), int(H * 0.95))
    shown = [n for n, (a, b) in enumerate(zip(rendered, master))
             if changed_fraction(a, b, W, bottom) > 0.003]
    assert shown == [*range(5, 20), *range(40, 56)]
    # The soft track: two cues (movenc fills the gaps with empty samples of 2 bytes), on the
    # frames' times, read back by ffmpeg's own decoder.
    soft = campaign.out / "spot.tzo.small.mp4"
    (track,) = [s["index"] for s in streams(soft) if s["codec_type"] == "subtitle"]
    packets = json.loads(subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", str(track), "-show_packets", "-of", "json",
         str(soft)], capture_output=True, check=True, text=True).stdout)["packets"]
    assert len([p for p in packets if int(p["size"]) > 2]) == 2, packets
    extracted = subprocess.run([FFMPEG, "-v", "error", "-i", str(soft), "-map", f"0:{track}",
                                "-f", "srt", "-"], capture_output=True, check=True,
                               text=True).stdout
    expected = [f"{format_time(a)} --> {format_time(b)}" for a, b in (times[0], times[2])]
    assert re.findall(r"\S+ --> \S+", extracted) == expected, extracted
    # The sidecars: the same two cues.
    assert re.findall(r"\S+ --> \S+", (campaign.out / "spot.tzo.srt").read_text()) == expected
    vtt = (campaign.out / "spot.tzo.vtt").read_text()
    assert re.findall(r"\S+ --> \S+", vtt) == [e.replace(",", ".") for e in expected], vtt


@pytest.mark.parametrize("typed, exact", [(23.98, Fraction(24000, 1001)),
                                          (47.95, Fraction(48000, 1001)),
                                          (119.88, Fraction(120000, 1001)),
                                          (12.5, Fraction(25, 2))])
def test_the_decimals_subtitlers_write_are_the_ntsc_rates(typed, exact):
    assert frame_rate(typed) == exact


# --- cues on no frame ------------------------------------------------------------------------

# (frame rate, cue times in ms, the frames it is shown on: (first, after the last))
ON_FRAMES = [
    # Half of frame 25 (1000-1040 ms): not more than half, so on no frame (before: frame 25).
    ("25", (1010, 1030), (25, 25)),
    # A quarter of frame 25, spanning its middle: each time's nearest boundary put it there.
    ("25", (1015, 1025), (25, 25)),
    # Both times go to the boundary at 1040 ms (before: forced onto frame 26, from 1040).
    ("25", (1030, 1050), (26, 26)),
    ("25", (1010, 1015), (25, 25)),
    # Three quarters of frame 25, and a frame written to the millisecond: shown on it.
    ("25", (1005, 1035), (25, 26)),
    ("25", (1000, 1040), (25, 26)),
    # 29.97 fps: frame 30 is 1001.0-1034.4 ms; 1010-1020 is under a third of it.
    ("29.97", (1010, 1020), (30, 30)),
    ("29.97", (1001, 1034), (30, 31)),     # one frame, truncated to the millisecond
    ("29.97", (1010, 1030), (30, 31)),     # 60 % of frame 30
]


@pytest.mark.parametrize("rate, times, frames", ON_FRAMES)
def test_a_cue_covering_no_frame_is_on_no_frame(rate, times, frames):
    grid = FrameGrid(RATES[rate])
    cue = Cue(1, *times, "uno", 1)
    assert grid.frames(cue) == frames
    assert grid.shown(cue) == (frames[1] > frames[0])


def test_an_ass_cue_is_on_no_frame_when_it_holds_no_frame_s_time():
    # libass shows an event on the frames whose time is in [Start, End): 1.01-1.03 holds none
    # at 25 or 29.97 fps, 1.00-1.01 holds frame 25's (Aegisub's preview shows it there).
    for rate in ("25", "29.97"):
        assert not FrameGrid(RATES[rate], libass=True).shown(Cue(1, 1010, 1030, "uno", 1))
    assert FrameGrid(RATES["25"], libass=True).frames(Cue(1, 1000, 1010, "uno", 1)) == (25, 26)


@pytest.mark.parametrize("fps", [25.0, NTSC])
def test_snapping_leaves_out_a_cue_on_no_frame_and_keeps_the_others(fps):
    cues = [Cue(1, 0, 960, "uno", 1), Cue(2, 1010, 1020, "corto", 5),
            Cue(3, 2000, 3000, "tres", 9)]
    snapped = snap_cues(cues, fps)
    assert [cue.index for cue in snapped] == [1, 3]
    grid = FrameGrid.at(fps)
    assert all(grid.shown(cue) for cue in snapped)
    # What is left is on the same frames, read again (the burn snaps the snapped times).
    assert [grid.frames(cue) for cue in snapped] == [grid.frames(cues[0]), grid.frames(cues[2])]
    # An ASS file's cue is left out by libass's reading of it.
    assert [cue.index for cue in snap_cues(cues, fps, "ass")] == [1, 3]
    assert snap_cues(cues, None) == cues          # no frame rate: nothing to judge by


def test_a_cue_on_no_frame_makes_no_gap_and_no_overlap(tmp_path):
    # Cue 2 lies inside frame 25 at 25 fps: cue 3 starts two frames after cue 1 ends, and cue 2
    # is no overlap of cue 1 (which it was in milliseconds) nor of cue 3.
    cues = [Cue(1, 0, 1020, "uno", 1), Cue(2, 1001, 1015, "corto", 5),
            Cue(3, 1120, 2000, "tres", 9)]
    found = check_cues(cues, tmp_path / "x.srt", qc=QcSettings(), fps=25.0, style=None,
                       font=None)
    assert [d.code for d in found if d.code in ("gap", "overlap")] == []
    path = tmp_path / "x.srt"
    path.write_text(srt_text([(cue.start, cue.end) for cue in cues]), encoding="utf-8")
    assert read_subtitles(path, fps=25.0).diagnostics == ()
    # Without the frame rate, in milliseconds: 19 ms of overlap, likely an editor's rounding.
    assert [d.code for d in read_subtitles(path).diagnostics] == ["overlap"]
