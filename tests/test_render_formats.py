"""Every subtitle format a translator delivers renders: its text burned at the right time and
place, its position and styles kept as asked, its sidecars written. Real renders of lavfi media."""

from __future__ import annotations

import json
import subprocess

import pysrt
import pytest
from click.testing import CliRunner

from pipeline.cli.main import cli
from tests.conftest import AMARA_DFXP, ASS, TTML, VTT, YOUTUBE_VTT, Campaign
from tests.mediacheck import changed_fraction, gray_frame, rgb_frame, streams

pytestmark = pytest.mark.e2e

W, H = 320, 180
BOTTOM, TOP = range(int(H * 0.7), int(H * 0.95)), range(int(H * 0.05), int(H * 0.3))
YELLOW_ASS = ASS.replace("Style: Default,Noto Sans,24,&H00FFFFFF", "Style: Default,Noto Sans,48,&H0000FFFF")
TOP_VTT = VTT.replace("00:00:01.800\n", "00:00:01.800 line:0\n", 1)
# A sign at the top on screen over both lines of dialogue at the bottom, as Aegisub files have.
SIGN_ASS = (ASS.replace("\n\n[Events]", "\nStyle: Sign,Noto Sans,24,&H00FFFFFF,&H000000FF,&H00000000,"
                        "&H00000000,0,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1\n\n[Events]")
            + "Dialogue: 0,0:00:00.50,0:00:03.80,Sign,,0,0,0,,ALTO A LA TRATA DE PERSONAS\n")

# \pos anchors a line's bottom centre (the style's alignment) where it says: at the bottom left,
# then at the top right.
POS_ASS = (ASS.split("Dialogue:")[0]
           + "Dialogue: 0,0:00:00.50,0:00:01.80,Default,,0,0,0,,{\\pos(70,300)}Verde\n"
           + "Dialogue: 0,0:00:02.50,0:00:03.60,Default,,0,0,0,,{\\pos(570,60)}Rojo\n")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, media):
    campaign = Campaign(tmp_path_factory.mktemp("formats"), media)
    campaign.subtitle("nah")                              # SubRip
    campaign.subtitle("tzo", VTT, suffix=".vtt")
    campaign.subtitle("yua", YELLOW_ASS, suffix=".ass")
    campaign.subtitle("zai", YELLOW_ASS, suffix=".ass")
    campaign.subtitle("mix", TTML, suffix=".ttml")
    campaign.subtitle("toj", TOP_VTT, suffix=".vtt")
    campaign.subtitle("ote", TOP_VTT, suffix=".vtt")
    campaign.subtitle("maz", SIGN_ASS, suffix=".ass")
    campaign.subtitle("mxq", SIGN_ASS, suffix=".ass")
    campaign.subtitle("tzh", POS_ASS, suffix=".ass")
    campaign.subtitle("tar", AMARA_DFXP, suffix=".dfxp")   # its regions in pixels, near the top
    campaign.subtitle("hus", YOUTUBE_VTT, suffix=".vtt")   # its lines of one space
    manifest = campaign.write([
        {"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "burn"},
        {"code": "yua", "treatment": "burn"},
        {"code": "zai", "treatment": "burn", "style": {"from_file": True}},
        {"code": "mix", "treatment": "burn"}, {"code": "toj", "treatment": "burn"},
        {"code": "ote", "treatment": "soft"}, {"code": "maz", "treatment": "burn"},
        {"code": "mxq", "treatment": "soft"}, {"code": "tzh", "treatment": "burn"},
        {"code": "tar", "treatment": "burn"}, {"code": "hus", "treatment": "burn"}])
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return campaign


def drawn(campaign, code: str, at: float, rows: range) -> float:
    out, master = campaign.out / f"spot.{code}.small.mp4", campaign.root / "media/spot.mp4"
    return changed_fraction(gray_frame(out, at, W, H), gray_frame(master, at, W, H), W, rows)


@pytest.mark.parametrize("code", ["nah", "tzo", "yua", "zai", "mix", "tar"])
def test_every_format_burns_its_text_at_the_right_time(rendered, code):
    first, between, second = (drawn(rendered, code, at, BOTTOM) for at in (1.2, 2.2, 3.0))
    assert first > 0.01 and second > 0.01, (first, second)
    assert between < first / 10, (between, first)
    assert drawn(rendered, code, 1.2, TOP) < 0.005


def test_a_top_positioned_cue_is_burned_at_the_top(rendered):
    assert drawn(rendered, "toj", 1.2, TOP) > 0.01
    assert drawn(rendered, "toj", 1.2, BOTTOM) < 0.005
    assert drawn(rendered, "toj", 3.0, BOTTOM) > 0.01       # the next cue has no position


def test_amara_s_regions_in_pixels_are_burned_at_the_default_bottom_place(rendered):
    # Read as pixels of any frame, the region 40 px down would put "no están a la venta" at the
    # top; the file was refused. Both cues sit in the bottom rows, centred as the style says.
    for at in (1.2, 3.0):
        assert drawn(rendered, "tar", at, BOTTOM) > 0.01
        assert drawn(rendered, "tar", at, range(0, int(H * 0.6))) < 0.002
    record = json.loads((rendered.out / "spot.tar.small.json").read_text())
    assert [w["line"] for w in record["qc"]["warnings"]
            if w["code"] == "unrendered-settings"] == [13, 14]


def test_youtube_s_cues_are_burned_at_the_bottom_left_where_it_places_them(rendered):
    # Its lines of one space ended cues and the file was refused. align:start position:0%, as
    # YouTube writes every cue, is the bottom left: the text lies over the frame's darker bars,
    # so fewer of its pixels pass the threshold than a centred line's do.
    out, master = rendered.out / "spot.hus.small.mp4", rendered.root / "media/spot.mp4"
    for at in (1.2, 3.0, 3.8):
        burned, plain = gray_frame(out, at, W, H), gray_frame(master, at, W, H)
        assert changed_fraction(burned, plain, W, BOTTOM) > 0.002
        assert changed_fraction(burned, plain, W, range(0, int(H * 0.6))) == 0
        changed = [x for y in BOTTOM for x in range(W)
                   if abs(burned[y * W + x] - plain[y * W + x]) > 60]
        # The last cue, after its identifier line, has no settings: centred ("fin").
        assert (max(changed) < W // 2) == (at < 3.6), (at, min(changed), max(changed))
    assert drawn(rendered, "hus", 2.2, BOTTOM) == 0          # the cue of only spaces: nothing


def test_a_pos_is_burned_on_its_side_of_the_frame(rendered):
    # Both were burned centred across the frame, only their height kept (a fresh-user trial).
    left, right = range(W // 2), range(W // 2, W)

    def side(at: float, rows: range, columns: range) -> int:
        out, source = rendered.out / "spot.tzh.small.mp4", rendered.root / "media/spot.mp4"
        shown, master = gray_frame(out, at, W, H), gray_frame(source, at, W, H)
        return sum(abs(shown[y * W + x] - master[y * W + x]) > 25 for y in rows for x in columns)

    shown = {(at, rows.start, columns.start): side(at, rows, columns)
             for at, rows in ((1.2, BOTTOM), (3.0, TOP)) for columns in (left, right)}
    # Beside the text, a few pixels x264 changed.
    assert shown[1.2, BOTTOM.start, 0] > 5 * max(shown[1.2, BOTTOM.start, W // 2], 4), shown
    assert shown[3.0, TOP.start, W // 2] > 5 * max(shown[3.0, TOP.start, 0], 4), shown


def yellow_pixels(campaign, code: str) -> int:
    """Pixels of the bottom band that are yellow in the variant but not in the master (whose
    test pattern has a yellow bar)."""
    frame = rgb_frame(campaign.out / f"spot.{code}.small.mp4", 1.2, W, H)
    master = rgb_frame(campaign.root / "media/spot.mp4", 1.2, W, H)

    def yellow(pixels: bytes, i: int) -> bool:
        red, green, blue = pixels[3 * i:3 * i + 3]
        return red > 180 and green > 180 and blue < 90

    return sum(1 for y in BOTTOM for x in range(W)
               if yellow(frame, y * W + x) and not yellow(master, y * W + x))


def test_file_styles_are_burned_only_when_the_manifest_asks(rendered):
    assert yellow_pixels(rendered, "zai") > 60           # style: {from_file: true}: its yellow
    assert yellow_pixels(rendered, "yua") < 5            # otherwise the campaign's white


def test_a_soft_vtt_language_gets_positioned_sidecars_and_a_track(rendered):
    out = rendered.out
    kinds = {s["codec_type"]: s for s in streams(out / "spot.ote.small.mp4")}
    assert kinds["subtitle"]["codec_name"] == "mov_text"
    assert "line:5%,start" in (out / "spot.ote.vtt").read_text(encoding="utf-8").splitlines()[3]
    assert (out / "spot.ote.srt").read_text(encoding="utf-8").splitlines()[2] == \
        "{\\an8}Los seres humanos"
    ttml = (out / "spot.ote.ttml").read_text(encoding="utf-8")
    assert 'xml:lang="ote"' in ttml and 'region="top"' in ttml
    record = json.loads((out / "spot.ote.small.json").read_text())
    assert record["sidecars"] == ["spot.ote.srt", "spot.ote.vtt", "spot.ote.ttml"]


def test_a_sign_at_the_top_is_burned_over_the_dialogue_under_it(rendered):
    assert drawn(rendered, "maz", 1.2, TOP) > 0.01 and drawn(rendered, "maz", 1.2, BOTTOM) > 0.01
    assert drawn(rendered, "maz", 2.2, TOP) > 0.01 and drawn(rendered, "maz", 2.2, BOTTOM) < 0.005
    assert drawn(rendered, "maz", 3.0, TOP) > 0.01 and drawn(rendered, "maz", 3.0, BOTTOM) > 0.01
    assert drawn(rendered, "maz", 3.9, TOP) < 0.005


def test_a_sign_at_the_top_stays_in_the_track_while_the_dialogue_changes(rendered):
    """mov_text samples cannot overlap: ffmpeg ended the sign where the first dialogue cue
    started. Read back by ffmpeg's mov_text decoder as SubRip."""
    out = rendered.out
    track = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out / "spot.mxq.small.mp4"),
                            "-map", "0:s", "-f", "srt", "-"], capture_output=True, text=True,
                           check=True).stdout
    shown = [(item.start.ordinal, item.end.ordinal, item.text.split("\n"))
             for item in pysrt.from_string(track)]
    sign = "ALTO A LA TRATA DE PERSONAS"
    # Times on the 25 fps grid, as players get them (subtitles/frames.py): 0.5 s is 0.52 s.
    assert shown == [(520, 1800, [sign, "Los seres humanos"]), (1800, 2520, [sign]),
                     (2520, 3600, [sign, "no están a la venta"]), (3600, 3800, [sign])], track
    sidecar = pysrt.open(str(out / "spot.mxq.srt"), encoding="utf-8")
    # In time order (the sign, written last in the file, starts with the first line).
    assert [(item.start.ordinal, item.end.ordinal, item.text) for item in sidecar] == [
        (520, 1800, "Los seres humanos"), (520, 3800, "{\\an8}" + sign),
        (2520, 3600, "no están a la venta")]
