"""Pictures as they really arrive, rendered on every path (burn, soft, dub) and measured from the
output's pixels: anamorphic SD, a phone's rotated video, interlaced masters with and without a
field-order flag, a phone's HDR video (HLG, PQ) and BT.2020 SDR."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli.main import cli
from tests.conformmedia import (
    SECONDS,
    TONE,
    X264,
    HIGHLIGHTS,
    Spots,
    bars_master,
    disc_master,
    dropped_frame_master,
    dub_track,
    ffmpeg,
    hd_bars,
    hdr_bars,
    interlace_flagged_progressive_master,
    interlaced_master,
    phone_master,
    unflagged_interlaced_master,
    upright_reference,
    variable_rate_master,
    windowboxed_master,
)
from tests.mediacheck import bright_box, counted_streams, field_counts, gray_frame, rgb_as_decoded, \
    rotation, streams

pytestmark = pytest.mark.e2e

W, H = 320, 180
PATHS = ("nah", "tzo", "yua")          # burn, soft (shared picture), dub (shared picture)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("conform-picture")
    masters = root / "media"
    masters.mkdir()
    spots = Spots(root, {
        "ntsc": disc_master(masters / "ntsc.mp4", 720, 480, (10, 11), 150),
        "pal": disc_master(masters / "pal.mp4", 720, 576, (64, 45), 180),
        "phone": phone_master(masters / "phone.mp4"),
        "interlaced": interlaced_master(masters / "interlaced.mp4"),
        "psf": interlace_flagged_progressive_master(masters / "psf.mp4"),
        "unflagged": unflagged_interlaced_master(masters / "unflagged.avi"),
        "windowbox": windowboxed_master(masters / "windowbox.mp4"),
        "bars": bars_master(masters / "bars.mp4"),
        "fullrange": hd_bars(masters / "fullrange.mp4", full_range=True),
        **{curve: hdr_bars(masters / f"{curve}.mp4", curve) for curve in ("hlg", "pq", "sdr")},
    }, dub=dub_track(masters / "dub.wav"),
        spot_keys={"windowbox": {"crop": {"width": 320, "height": 180, "x": 0, "y": 30}}})
    manifest = spots.write([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
                            {"code": "yua", "treatment": "dub"}],
                           {"small": {"base": "web", "width": W, "height": H, "preset": "ultrafast",
                                      "crf": 23}})
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    spots.reference = upright_reference(masters / "upright.mp4")
    return spots


@pytest.mark.parametrize("spot", ["ntsc", "pal"])
@pytest.mark.parametrize("language", PATHS)
def test_a_disc_on_an_anamorphic_master_stays_round(rendered, spot, language):
    out = rendered.out(spot, language, "small")
    width, height = bright_box(gray_frame(out, 2.1, W, H), W, H)     # between two cues
    # 150 and 180 px radii on 480 and 576 lines: 112.5 px across in 180 lines.
    assert abs(height - 112) <= 2, height
    assert abs(width / height - 1) < 0.03, (width, height)


@pytest.mark.parametrize("language", PATHS)
def test_a_phone_video_comes_out_upright_on_every_path(rendered, language):
    out = rendered.out("phone", language, "small")
    assert rotation(out) == 0                   # players add no turn of their own
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (W, H)
    record = json.loads(out.with_suffix(".json").read_text())
    assert (record["width"], record["height"]) == (W, H)
    # Portrait 9:16 in a 16:9 frame: 102x180 in the middle, black bars on both sides.
    frame = gray_frame(out, 1.0, W, H)
    left = (W - 102) // 2
    picture = bytes(frame[y * W + x] for y in range(H) for x in range(left, left + 102))
    reference = gray_frame(rendered.reference, 1.0, 102, H)
    difference = sum(abs(a - b) for a, b in zip(picture, reference)) / len(picture)
    assert difference < 12, difference
    # The marker (top-left of the upright picture) is where it belongs, bright.
    marker = [frame[y * W + x] for y in range(8, 30) for x in range(left + 8, left + 30)]
    assert min(marker) > 180, min(marker)
    assert max(frame[y * W + x] for y in range(H) for x in range(0, left - 2)) < 30


@pytest.mark.parametrize("spot", ["interlaced", "unflagged"])
@pytest.mark.parametrize("language", PATHS)
def test_interlaced_masters_come_out_progressive(rendered, spot, language):
    master = rendered.masters[spot]
    woven = field_counts(master)
    assert woven["tff"] > 10 * max(1, woven["progressive"]), woven     # the test can fail
    out = rendered.out(spot, language, "small")
    counts = field_counts(out)
    assert counts["progressive"] > 10 * max(1, counts["tff"] + counts["bff"]), counts
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert video.get("field_order", "progressive") == "progressive"
    assert abs(float(video["duration"]) - 3.0) < 0.05        # one frame per frame: 25 fps kept
    assert video["avg_frame_rate"] == "25/1"


@pytest.mark.parametrize("language", PATHS)
def test_progressive_frames_flagged_interlaced_come_out_flagged_progressive(rendered, language):
    """The master fits the profile but for its flag: soft and dub took its stream as it was
    (field_order tt in a progressive deliverable); now its picture is encoded once, as the
    shared picture, and every variant says progressive."""
    master = rendered.masters["psf"]
    (flag,) = [s["field_order"] for s in streams(master) if s["codec_type"] == "video"]
    assert flag == "tt"
    out = rendered.out("psf", language, "small")
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["conform"]["picture"]["scan"]["scan"] == "progressive"
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert video.get("field_order", "progressive") == "progressive", video.get("field_order")
    counts = field_counts(out)
    assert counts["progressive"] > 5 * max(1, counts["tff"] + counts["bff"]), counts
    if language != "nah":
        # Copied from the shared picture, under the spot's .work/ (burns encode their own).
        assert list((out.parent / ".work").glob("psf.small.*.picture.mp4"))


@pytest.mark.parametrize("language", PATHS)
def test_an_sd_master_s_colours_reach_hd_players_unchanged(rendered, language):
    # An SD master's BT.601 samples are converted to BT.709 and the file says so: a player
    # reading it as tagged shows the master's bars (read as BT.601). Without the conversion,
    # the green bar showed G' 161 instead of 191, the magenta one G' 30 instead of 0.
    out = rendered.out("bars", language, "small")
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert [video.get(k) for k in ("color_space", "color_primaries", "color_transfer")] == ["bt709"] * 3
    row = 100 / 576                                  # the top bars, far above any subtitle
    master = rgb_as_decoded(rendered.masters["bars"], 2.1,
                            [(int(720 * (i + 0.5) / 7), int(576 * row)) for i in range(7)], "bt601")
    shown = rgb_as_decoded(out, 2.1, [(int(W * (i + 0.5) / 7), int(H * row)) for i in range(7)],
                           "bt709")
    worst = max(abs(a - b) for want, got in zip(master, shown) for a, b in zip(want, got))
    assert worst < 12, (master, shown)
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["picture"]["matrix"] == "bt601"
    # The poster (JPEG: BT.601, full range, as every viewer reads it), decoded by Pillow. It was
    # written with the BT.709 samples as they were: the green bar showed G' 224.
    poster = Image.open(out.with_suffix(".jpg")).convert("RGB")
    width, height = poster.size
    shown = [poster.getpixel((int(width * (i + 0.5) / 7), int(height * row))) for i in range(7)]
    worst = max(abs(a - b) for want, got in zip(master, shown) for a, b in zip(want, got))
    assert worst < 12, (master, shown)


@pytest.mark.parametrize("language", PATHS)
def test_a_full_range_master_comes_out_in_limited_range_with_its_colours(rendered, language,
                                                                        tmp_path):
    # A phone's full-range samples (0-255) are brought to the limited range (16-235) every
    # player and broadcaster expects, and the file says so: its bars show as the same bars in
    # limited range do, read with our own equations.
    out = rendered.out("fullrange", language, "small")
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert (video["pix_fmt"], video.get("color_range")) == ("yuv420p", "tv")
    reference = hd_bars(tmp_path / "limited.mp4")
    row = 0.2                                        # the top bars, far above any subtitle
    want = rgb_as_decoded(reference, 1.0, [(int(640 * (0.125 + 0.75 * (i + 0.5) / 7)), int(360 * row))
                                           for i in range(7)], "bt709")
    shown = rgb_as_decoded(out, 1.0, [(int(W * (0.125 + 0.75 * (i + 0.5) / 7)), int(H * row))
                                      for i in range(7)], "bt709")
    worst = max(abs(a - b) for w, s in zip(want, shown) for a, b in zip(w, s))
    assert worst < 10, (want, shown)


# Where RP 219 bars are measured (x, y at 640x360): the 40 % grey, the seven 75 % bars, 75 %
# white in the second row, the ramp at 25 and 50 %; all below HDR reference white.
_BARS = [(40, 100)] + [(int(80 + 480 * (i + 0.5) / 7), 100) for i in range(7)] + \
        [(350, 225), (250, 255), (352, 255)]
_WHITE, _BLACK = (250, 315), (120, 315)      # the bottom row's 100 % white and 0 % black


def _luma(colour) -> float:
    """Y' (8-bit, limited range) of an R'G'B' colour (0-255), BT.709's weights."""
    red, green, blue = colour
    return 16 + 219 * (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def _light(colour) -> tuple[float, ...]:
    """The linear R, G, B (1.0: 100 % white) a display shows for an R'G'B' colour (0-255):
    ITU-R BT.1886's EOTF with its black at zero (a 2.4 power)."""
    return tuple((max(channel, 0) / 255) ** 2.4 for channel in colour)


@pytest.mark.parametrize("curve", ["hlg", "pq", "sdr"])
@pytest.mark.parametrize("language", PATHS)
def test_an_hdr_or_bt2020_master_comes_out_as_its_sdr_bars(rendered, curve, language, tmp_path):
    # The SDR bars the master was made from (placed in HDR as BT.2408 5.1 does) come back,
    # tagged BT.709 SDR: each patch below reference white shows the light the SDR bars show
    # (measured: R, G, B within 0.008 of white's 1.0, luminance within 5 %). Compared in
    # display light, not in code values: BT.1886's power makes a 0.0006 residue of PQ's 10 bits
    # in the magenta bar's G a G' of 11 (Y' +7), which no display shows. Shown unconverted
    # (before), R, G or B was off by up to 0.25 (HLG) and 0.34 (PQ), luminance by 34 and 61 %:
    # the HLG master's 75 % green bar was R'G'B' 104, 156, 63 for 0, 191, 0, its white Y' 181;
    # PQ's white 144.
    out = rendered.out(curve, language, "small")
    video = next(s for s in streams(out) if s["codec_type"] == "video")
    assert [video.get(k) for k in ("color_space", "color_primaries", "color_transfer",
                                   "color_range", "pix_fmt")] == ["bt709"] * 3 + ["tv", "yuv420p"]
    points = _BARS + [_WHITE, _BLACK] + [(x + 30, y + 30) for x, y in HIGHLIGHTS]
    want = rgb_as_decoded(hd_bars(tmp_path / "sdr.mp4"), 2.1, points, "bt709")
    shown = rgb_as_decoded(out, 2.1, [(x * W // 640, y * H // 360) for x, y in points], "bt709")
    bars = len(_BARS)
    for (x, y), w, s in zip(points[:bars], want, shown):
        light, seen = _light(w), _light(s)
        assert max(abs(a - b) for a, b in zip(light, seen)) < 0.02, ((x, y), w, s)
        luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in (light, seen)]
        assert abs(luminance[1] / luminance[0] - 1) < 0.08, ((x, y), w, s)
    white, black, peak, half = (_luma(c) for c in shown[bars:])     # 1000, 500 cd/m^2
    assert abs(black - 16) < 3, black
    if curve == "sdr":                      # no tone curve: 100 % white stays 100 %
        assert abs(white - 235) < 4, white
        return
    # HDR reference white at about 90 % (Y' 212, measured: BT.2446-1's place for it) leaves
    # room for the lights above it: 500 and 1000 cd/m^2 stay apart (229, 235), none falls to
    # the white.
    assert abs(white - 212) < 5, white
    assert white + 10 < half < peak - 3 and peak > 230, (white, half, peak)


def _text_colour(path, at: float, width: int, height: int) -> tuple[float, ...]:
    """The median R'G'B' of the brightest pixels of the frame's lower third, read as BT.709:
    the burned text's fill, away from its outline and the grey behind it."""
    points = [(x, y) for y in range(height * 2 // 3, height) for x in range(0, width, 2)]
    colours = rgb_as_decoded(path, at, points, "bt709")
    lumas = sorted(0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in colours)
    fill = [c for c in colours if 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] >= lumas[-200]]
    return tuple(sorted(channel)[len(channel) // 2] for channel in zip(*fill))


def test_burned_colours_are_the_style_s_in_bt709(tmp_path):
    # ffmpeg's `ass` filter draws R'G'B' with BT.601's weights: yellow text in our BT.709
    # pictures showed G' 240 (and cyan R' 25). White is the same in both, and stays unconverted.
    master = tmp_path / "grey.mp4"
    ffmpeg("-f", "lavfi", "-i", f"color=c=0x808080:size=640x360:rate=25:duration={SECONDS}",
           "-f", "lavfi", "-i", TONE, *X264, "-c:a", "aac", str(master))
    spots = Spots(tmp_path, {"grey": master})
    colours = {"nah": "#FFFF00", "tzo": "#00FFFF", "yua": "#FFFFFF"}
    manifest = spots.write(
        [{"code": code, "treatment": "burn", "style": {"color": colour, "size": 0.2, "bold": True}}
         for code, colour in colours.items()],
        {"small": {"base": "web", "width": 640, "height": 360, "preset": "ultrafast", "crf": 10}})
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for code, colour in colours.items():
        want = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
        shown = _text_colour(spots.out("grey", code, "small"), 1.0, 640, 360)
        assert max(abs(a - b) for a, b in zip(want, shown)) < 6, (code, want, shown)
        # The picture around it is as it was, there and back through BT.601's matrix.
        (grey,) = rgb_as_decoded(spots.out("grey", code, "small"), 1.0, [(20, 20)], "bt709")
        assert max(abs(channel - 128) for channel in grey) < 3, (code, grey)


def test_records_say_what_the_conform_step_decided(rendered):
    record = json.loads(rendered.out("unflagged", "nah", "small").with_suffix(".json").read_text())
    assert record["conform"]["picture"]["scan"]["scan"] == "tff"
    assert record["conform"]["picture"]["scan"]["because"] == "idet"
    ntsc = json.loads(rendered.out("ntsc", "tzo", "small").with_suffix(".json").read_text())
    assert ntsc["conform"]["picture"]["sar"] == "10:11"
    assert ntsc["settings"]["picture"]["scan"] == "progressive"
    phone = json.loads(rendered.out("phone", "yua", "small").with_suffix(".json").read_text())
    assert phone["conform"]["picture"]["rotation"] == 90


@pytest.mark.parametrize("language", PATHS)
def test_a_letterboxed_master_cropped_to_its_active_picture_fills_the_frame(rendered, language):
    frame = gray_frame(rendered.out("windowbox", language, "small"), 2.1, W, H)
    # Uncropped, the 4:3 frame would be pillarboxed (40 px bars) and keep its own bars inside.
    for x in (2, W - 3):
        assert sum(frame[y * W + x] for y in range(H)) / H > 60, x
    assert sum(frame[3 * W: 4 * W]) / W > 60 and sum(frame[(H - 4) * W: (H - 3) * W]) / W > 20


def test_a_variable_rate_master_renders_at_one_constant_rate_on_every_path(tmp_path):
    # A phone's 30/15/10 fps video failed every size-capped variant, and the web and proxy
    # variants rendered in the same ffmpeg run with it: x264's first pass (to the null muxer)
    # saw its frames as they were, the second (to MP4) with frames duplicated to a constant
    # rate, and stopped on "Incomplete MB-tree stats file". The others came out 0.1 s longer
    # than the master. Now the conform step makes it 30 fps, cut at its length, for every pass.
    master = variable_rate_master(tmp_path / "vfr.mp4")
    video = counted_streams(master)["video"]
    assert video["avg_frame_rate"] != video["r_frame_rate"] == "30/1"     # really variable
    assert int(video["nb_read_frames"]) == 55
    length = float(video["duration"])
    spots = Spots(tmp_path, {"vfr": master}, dub=dub_track(tmp_path / "dub.wav"))
    # The size-capped profile keeps its own preset: `ultrafast` has no MB-tree, whose stats
    # file is what the second pass found short.
    manifest = spots.write([{"code": "nah", "treatment": "burn"}, {"code": "tzo", "treatment": "soft"},
                            {"code": "yua", "treatment": "dub"}],
                           {"small": {"base": "web", "width": W, "height": H, "preset": "ultrafast",
                                      "crf": 23},
                            "capped": {"base": "messaging", "width": W, "height": H}})
    result = CliRunner().invoke(cli, ["render", str(manifest), "-j", "2"], catch_exceptions=False)
    assert result.exit_code == 0 and "6 rendered" in result.output, result.output
    frames = round(length * 30)
    for language in PATHS:
        for profile in ("small", "capped"):
            out = counted_streams(spots.out("vfr", language, profile))
            picture, sound = out["video"], out["audio"]
            where = f"{language}.{profile}: {picture}"
            assert picture["r_frame_rate"] == picture["avg_frame_rate"] == "30/1", where
            assert int(picture["nb_read_frames"]) == frames, where
            # The picture, and the sound, as long as the master's picture, within a frame.
            assert abs(float(picture["duration"]) - length) < 1 / 30, where
            assert abs(float(sound["duration"]) - length) < 1 / 30, (where, sound["duration"])


def test_a_master_missing_a_frame_passes_both_x264_passes(tmp_path):
    # One frame missing in 6 s is not a variable rate (the average is within 1 % of the base),
    # so no fps filter makes it constant; the first pass (null muxer) saw 179 frames and the
    # second (MP4, constant rate) 180, and x264 stopped on "Incomplete MB-tree stats file".
    # The first pass now counts frames as MP4 does.
    master = dropped_frame_master(tmp_path / "gap.mp4")
    video = counted_streams(master)["video"]
    assert int(video["nb_read_frames"]) == 179 and video["r_frame_rate"] == "30/1"
    spots = Spots(tmp_path, {"gap": master})
    manifest = spots.write([{"code": "tzo", "treatment": "soft"}],
                           {"capped": {"base": "messaging", "width": W, "height": H}})
    result = CliRunner().invoke(cli, ["render", str(manifest)], catch_exceptions=False)
    assert result.exit_code == 0 and "1 rendered" in result.output, result.output
    picture = counted_streams(spots.out("gap", "tzo", "capped"))["video"]
    assert int(picture["nb_read_frames"]) == 180 and picture["avg_frame_rate"] == "30/1", picture
