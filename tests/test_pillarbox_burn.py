"""Subtitles burned on a 4:3 PAL master pillarboxed in a 16:9 frame: a 720x576 master of SAR
16:15 becomes a 1440x1080 picture between two 240 px black bars of a 1920x1080 profile. The
text keeps to the picture's own title-safe area (EBU R 95: 90 % of the picture, 72 px in from
each of its edges), centred on it, and `check` measures the fit on the same width the burn
lays lines out on, saying why it is narrow. Read from the rendered file's pixels with numpy
(e2e); the frame's columns and the script's margins without rendering.

Before, lines were laid out on the whole frame's title-safe width (1719 px): a line of
1688 px ran from x 116 to 1804, over both bars."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from pipeline.manifest import Style
from pipeline.media.geometry import Geometry
from pipeline.profiles import BUILTIN_PROFILES
from pipeline.publish.wording import localised
from pipeline.subtitles.burn import write_ass
from pipeline.subtitles.fonts import resolve_font, text_width
from pipeline.subtitles.model import Cue, Margins
from pipeline.subtitles.title_safe import BurnedFrame, burned_frame
from tests.conftest import Campaign, ffmpeg
from tests.mediacheck import gray_frame

W, H = 1920, 1080
PICTURE = (240, 1680)                        # the 1440 px picture's columns
SAFE = (240 + 72, 1680 - 72)                 # its title-safe columns (5 % of 1440 each side)
WIDE = "Los seres humanos no están a la venta en ningún lugar del mundo"   # 1688 px
LONGER = "Los seres humanos no están a la venta en ningún lugar"           # 1399 px
SRT = (f"1\n00:00:00,200 --> 00:00:01,800\n{WIDE}\n\n"
       f"2\n00:00:02,200 --> 00:00:03,800\n{LONGER}\nni hoy ni nunca\n")
# Checked and burned: cue 1's one line fits the frame's title-safe width (1719 px) but not the
# picture's (1287 px): broken in two, nothing to say. Cue 2's first line takes two lines of
# the picture: three in all, over max_lines, and said so.
WHY = "on a 1920x1080 frame, whose picture is 1440 px wide between black bars"


@pytest.fixture(scope="module")
def pillarboxed(tmp_path_factory, media) -> Campaign:
    campaign = Campaign(tmp_path_factory.mktemp("pillarbox"), media)
    ffmpeg("-f", "lavfi", "-i", "color=gray:size=720x576:rate=25:duration=4,setsar=16/15",
           "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-ac", "2", str(campaign.root / "media/spot.mp4"))
    campaign.subtitle("nah", SRT)
    # Lines of up to 70 characters and a fast reading speed: only the width is at stake.
    campaign.write([{"code": "nah", "treatment": "burn",
                     "qc": {"max_line_chars": 70, "max_cps": 60}}],
                   profiles={"hd": {"base": "web", "preset": "ultrafast"}})
    result = CliRunner().invoke(cli, ["render", str(campaign.manifest)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return campaign


def text_lines(frame: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of each band of rows holding white glyphs (Y' > 200 on the
    picture's Y' 128 grey), top to bottom."""
    rows = np.flatnonzero((frame > 200).any(axis=1))
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 8) + 1)
    found = []
    for band in bands:
        columns = np.flatnonzero((frame[band[0]:band[-1] + 1] > 200).any(axis=0))
        found.append((int(band[0]), int(band[-1]), int(columns[0]), int(columns[-1])))
    return found


def frame_at(campaign: Campaign, at: float) -> np.ndarray:
    raw = gray_frame(campaign.out / "spot.nah.hd.mp4", at, W, H)
    return np.frombuffer(raw, np.uint8).reshape(H, W)


@pytest.mark.e2e
@pytest.mark.parametrize(("at", "lines"), [(1.0, 2), (3.0, 3)])
def test_lines_stay_in_the_picture_s_title_safe_area_centred_on_it(pillarboxed, at, lines):
    frame = frame_at(pillarboxed, at)
    # The bars are black and the picture grey where the picture is: 240 px each side.
    assert frame[540, :PICTURE[0] - 4].max() < 30 and frame[540, PICTURE[1] + 4:].max() < 30
    assert abs(int(frame[540, PICTURE[0] + 4:PICTURE[1] - 4].mean()) - 126) < 6
    found = text_lines(frame)
    assert len(found) == lines, found
    for top, bottom, left, right in found:
        assert SAFE[0] <= left and right <= SAFE[1], (left, right, SAFE)
        assert abs((left + right) / 2 - sum(PICTURE) / 2) <= 4, (left, right)
    # The black outline and shadow too (dark on the grey picture; the bars are left out).
    inside = frame[:, PICTURE[0] + 4:PICTURE[1] - 4] < 60
    columns = np.flatnonzero(inside.any(axis=0)) + PICTURE[0] + 4
    assert SAFE[0] <= columns[0] and columns[-1] <= SAFE[1], (columns[0], columns[-1])
    # The text block ends inside the frame's title-safe height (rows: the frame's).
    assert found[-1][1] <= H - 54, found


def test_the_line_would_have_run_over_the_bars_on_the_frame_s_width():
    width = text_width(WIDE, resolve_font("Noto Sans"), 0.05 * H)
    assert SAFE[1] - SAFE[0] < width < W * 0.9 and width > PICTURE[1] - PICTURE[0]


@pytest.mark.e2e
def test_check_and_render_say_the_same_of_the_fit_and_why(pillarboxed):
    path = pillarboxed.root / "subtitles/spot/nah.srt"
    check = CliRunner().invoke(cli, ["check", str(path), "--manifest", str(pillarboxed.manifest)])
    fit = [line for line in check.output.splitlines() if "title-safe" in line]
    assert len(fit) == 1 and fit[0].startswith(f"{path}:5: warning: cue 2 does not fit"), \
        check.output
    assert WHY in fit[0] and "so it will be drawn on 3 lines (at most 2)" in fit[0], fit
    record = json.loads((pillarboxed.out / "spot.nah.hd.json").read_text("utf-8"))
    warnings = [w for w in record["qc"]["warnings"] if w.get("code") == "fit"]
    assert [w["message"] for w in warnings] == [fit[0].split(": warning: ")[1].split(" (hint")[0]]
    spanish = localised(warnings[0]["detail"], "es")
    assert spanish and ("en un cuadro de 1920×1080, cuya imagen mide 1440 px de ancho entre "
                        "barras negras") in spanish, spanish
    # The render's variant is laid out on the picture's width (its settings), so one rendered
    # on the frame's goes stale.
    assert record["settings"]["picture_width"] == 1440, record["settings"]


def test_the_frame_names_the_picture_s_columns_only_when_pillarboxed():
    web = BUILTIN_PROFILES["web"]
    pal = Geometry(720, 576, Fraction(16, 15))
    assert burned_frame(web, pal) == BurnedFrame(1920, 1080, 1440)
    assert burned_frame(web, Geometry(1920, 1080)) == BurnedFrame(1920, 1080)
    assert burned_frame(web, None) == BurnedFrame(1920, 1080)
    # A 2.39:1 film is letterboxed: its columns are the frame's (rows stay the frame's too).
    assert burned_frame(web, Geometry(1920, 804)) == BurnedFrame(1920, 1080)
    # A phone's portrait video covers 32 % of the frame: the frame's width, not 608 px.
    assert burned_frame(web, Geometry(1080, 1920)) == BurnedFrame(1920, 1080)
    # `square` crops: no bars.
    assert burned_frame(BUILTIN_PROFILES["square"], pal) == BurnedFrame(1080, 1080)


def test_the_script_s_margins_are_the_picture_s_title_safe_ones(tmp_path):
    ass = tmp_path / "sub.ass"
    cues = [Cue(1, 0, 1000, "Hola", 3), Cue(2, 1000, 2000, "Adiós", 7,
                                          margins=Margins(0.2, 0.1, 0.0))]
    write_ass(cues, ass, style=Style(), width=W, height=H, font=resolve_font("Noto Sans"),
              picture_width=1440)
    script = ass.read_text("utf-8")
    # 240 px of bar, 72 px (5 % of 1440) and the outline and shadow's 4.5 px: 317 each side.
    assert ",2,317,317,59,1\n" in script, script
    # A cue's own margins are shares of the picture, from its edge: 240 + 288 and 240 + 144.
    assert "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,528,384,59,,Adiós" in script, script
