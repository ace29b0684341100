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
from pipeline.subtitles.qc import check_cues, off_grid_times
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


def test_off_grid_times_get_one_warning_and_gaps_count_frames(tmp_path):
    cues = [Cue(1, 3000, 4000, "uno", 1), Cue(2, 4504, 5005, "dos", 5),
            Cue(3, 5038, 6000, "tres", 9)]
    found = check_cues(cues, tmp_path / "x.srt", qc=QcSettings(), fps=30000 / 1001, style=None,
                       font=None)
    grid = off_grid_times(cues, tmp_path / "x.srt", 30000 / 1001)
    assert len(grid) == 1 and grid[0].line == 1
    assert grid[0].message.startswith("3 cue times fall between the frames of the 29.97 fps video")
    assert "cue 1 starts at 00:00:03,003 (frame 90), not 00:00:03,000" in grid[0].message
    assert "00:00:05,005" not in grid[0].message      # frame 150 starts at 5005.0 ms: on the grid
    (gap,) = [d for d in found if d.code == "gap"]
    # 5005 -> 5038 ms is 33 ms, but the frames 150 and 151: one frame.
    assert gap.line == 9 and "33 ms (1 frame) after cue 2" in gap.message
    assert off_grid_times(cues, tmp_path / "x.srt", None) == []
    assert not [d for d in found if d.code == "frame-grid"]   # not a render warning


def test_a_cue_that_ends_before_it_starts_gets_no_frame_grid_advice(tmp_path):
    # 'cue 4 ends at 00:00:07,040 (frame 176), not 00:00:06,500' beside 'cue 4 ends before it
    # starts': its times are to be fixed, not snapped.
    cues = [Cue(1, 3010, 4000, "uno", 1), Cue(4, 7030, 6500, "al revés", 13)]
    (grid,) = off_grid_times(cues, tmp_path / "x.srt", 25)
    assert grid.message.startswith("1 cue time falls between the frames of the 25 fps video")
    assert "cue 4" not in grid.message and grid.line == 1
    assert off_grid_times(cues[1:], tmp_path / "x.srt", 25) == []


# --- from the pixels of real renders ---------------------------------------------------------

W, H = 320, 180


def decoded_frames(path) -> list[bytes]:
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return [raw[i:i + W * H] for i in range(0, len(raw), W * H)]


@pytest.mark.e2e
@pytest.mark.parametrize("rate, first, last", [("24000/1001", 24, 47), ("30000/1001", 24, 45)])
def test_a_render_shows_the_cue_on_exactly_its_frames(tmp_path, media, rate, first, last):
    campaign = Campaign(tmp_path, media)
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={rate}:duration=2.5",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2.5",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           str(campaign.root / "media/spot.mp4"))
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


@pytest.mark.parametrize("typed, exact", [(23.98, Fraction(24000, 1001)),
                                          (47.95, Fraction(48000, 1001)),
                                          (119.88, Fraction(120000, 1001)),
                                          (12.5, Fraction(25, 2))])
def test_the_decimals_subtitlers_write_are_the_ntsc_rates(typed, exact):
    assert frame_rate(typed) == exact
