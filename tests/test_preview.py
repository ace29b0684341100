"""`pipeline preview`: the contact sheet as an image, the 360p proxy probed, nothing half-written."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import ffmpeg
import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli.language import terminal_language
from pipeline.cli.main import cli
from pipeline.cli.preview import preview
from pipeline.manifest import Style
from pipeline.media.conform import examine
from pipeline.media.probe import probe_video
from pipeline.media.seeking import SeekablePicture, seekable_picture
from pipeline.media.timecode import exact_rate
from pipeline.profiles import BUILTIN_PROFILES, Profile
from pipeline.render.contact_sheet import (
    GAP,
    label_size,
    label_time,
    sheet_size,
    tile_box,
    tile_size,
    tiles_graph,
)
from pipeline.render.preview_video import proxy_profile
from pipeline.subtitles.burn import write_ass
from pipeline.subtitles.fonts import resolve_font
from pipeline.subtitles.frames import FrameGrid
from pipeline.subtitles.model import Cue, TimeNotation, cue_middle
from tests.conftest import ASS, SMALL_PROFILES
from tests.mediacheck import changed_fraction, duration, gray_frame, streams

pytestmark = pytest.mark.e2e

W, H = SMALL_PROFILES["small"]["width"], SMALL_PROFILES["small"]["height"]
SMALL = Profile("small", W, H)


def script(tmp_path: Path) -> Path:
    """An ASS script of no cues in the campaign's default (white) style, for graphs built
    without rendering (burn_in reads its colours)."""
    path = tmp_path / "a.ass"
    write_ass([], path, style=Style(), width=W, height=H, font=resolve_font("Noto Sans"))
    return path


SRT = textwrap.dedent("""\
    1
    00:00:00,500 --> 00:00:01,800
    Los seres humanos

    2
    00:00:02,500 --> 00:00:03,600
    no están a la venta
    """)


def invoke(*args):
    return CliRunner().invoke(preview, [str(a) for a in args], catch_exceptions=False)


def tile(sheet: Image.Image, number: int) -> bytes:
    """The picture of tile `number` (from 0) of a sheet of W x H tiles, as 8-bit gray pixels."""
    return sheet.crop(tile_box(SMALL, number)).convert("L").tobytes()


def test_sizes_of_tiles_sheets_and_proxies():
    web = BUILTIN_PROFILES["web"]
    assert tile_size(web) == (480, 270) and label_size(web) == (22, 36)
    # Each tile's picture under a strip holding its label.
    assert sheet_size(web, 12) == (4 * 480 + 5 * GAP, 3 * (36 + 270) + 4 * GAP)
    assert sheet_size(web, 1) == (480 + 2 * GAP, 36 + 270 + 2 * GAP)
    assert tile_box(web, 5) == (GAP + 480 + GAP, GAP + 36 + 270 + GAP + 36,
                                2 * GAP + 2 * 480, 2 * GAP + 2 * 36 + 2 * 270)
    assert tile_size(BUILTIN_PROFILES["vertical"]) == (270, 480)
    assert label_size(BUILTIN_PROFILES["vertical"]) == (22, 36)
    assert (proxy_profile(web).width, proxy_profile(web).height) == (640, 360)
    assert (proxy_profile(BUILTIN_PROFILES["vertical"]).width,
            proxy_profile(BUILTIN_PROFILES["vertical"]).height) == (360, 640)
    assert proxy_profile(web).preset == "veryfast" and proxy_profile(web).crf == 28


def test_sheet_and_proxy_show_the_subtitles_as_they_will_air(campaign):
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--lang", "nah")
    assert result.exit_code == 0, result.output
    sheet_path = campaign.out / "spot.nah.preview.png"
    proxy_path = campaign.out / "spot.nah.preview.mp4"
    assert f"contact sheet: {sheet_path}" in result.stdout

    sheet = Image.open(sheet_path)
    assert sheet.size == sheet_size(SMALL, 2) == \
        (2 * W + 3 * GAP, label_size(SMALL)[1] + H + 2 * GAP)
    master = campaign.root / "media/spot.mp4"
    bottom, middle = range(int(H * 0.7), int(H * 0.95)), range(int(H * 0.3), int(H * 0.6))
    # Each cue's first frame: 0,500 is half-way into frame 12, so the cue starts on frame 13
    # (0.52 s), 2,500 on frame 63 (2.52 s).
    for number, first_frame in enumerate((0.52, 2.52)):
        shown, original = tile(sheet, number), gray_frame(master, first_frame, W, H)
        # The subtitle is drawn at the bottom, over the cue's first frame.
        subtitled = changed_fraction(shown, original, W, bottom)
        elsewhere = changed_fraction(shown, original, W, middle)
        assert subtitled > 0.01 and elsewhere < subtitled / 10, (number, subtitled, elsewhere)

    video = {s["codec_type"]: s for s in streams(proxy_path)}
    assert (video["video"]["width"], video["video"]["height"]) == (640, 360)
    assert video["video"]["codec_name"] == "h264" and video["audio"]["codec_name"] == "aac"
    assert abs(duration(proxy_path) - 4.0) < 0.1
    in_cue = changed_fraction(gray_frame(proxy_path, 1.2, W, H), gray_frame(master, 1.2, W, H), W, bottom)
    between = changed_fraction(gray_frame(proxy_path, 2.2, W, H), gray_frame(master, 2.2, W, H), W, bottom)
    assert in_cue > 0.01 and between < in_cue / 10, (in_cue, between)

    # Written atomically: nothing else is left in the folder.
    assert sorted(p.name for p in campaign.out.iterdir()) == ["spot.nah.preview.mp4",
                                                               "spot.nah.preview.png",
                                                               "spot.nah.specimen.png"]


def test_a_tile_s_label_is_above_its_picture_and_covers_no_subtitle(campaign):
    # The label's dark box sat in a top corner of the picture: it hid the end of a long sign
    # at the top (`{\\an8}`, an SSA top line), which a subtitler checks there.
    campaign.subtitle("nah", "1\n00:00:00,500 --> 00:00:01,800\n{\\an8}Los seres humanos no "
                             "están a la venta, ni su trabajo\n\n"
                             "2\n00:00:02,500 --> 00:00:03,600\nabajo\n")
    # One line of 51 characters across the top (a limit of 60 lets it be one).
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn",
                                     "qc": {"max_line_chars": 60}}]), "--lang", "nah",
                    "--no-video")
    assert result.exit_code == 0, result.output
    sheet = Image.open(campaign.out / "spot.nah.preview.png")
    master = campaign.root / "media/spot.mp4"
    top = range(0, H // 4)

    def changed(number: int, at: float, columns: range) -> int:
        """Pixels of the top quarter's `columns` that the tile changed from the master's frame."""
        shown, original = tile(sheet, number), gray_frame(master, at, W, H)
        return sum(abs(shown[y * W + x] - original[y * W + x]) > 30 for y in top for x in columns)

    # Tile 2 (a cue at the bottom): its picture's top is the master's, corners and all.
    assert changed(1, 2.52, range(W)) == 0
    # Tile 1: the sign across the top, to both ends, as the burn draws it (its outline and
    # letters, not a box: at most half of the band).
    for columns in (range(W // 4), range(W - W // 4, W)):
        assert 0 < changed(0, 0.52, columns) < len(top) * len(columns) / 2, columns
    # The labels are in the strips above the pictures: white text on the sheet's background.
    for number in (0, 1):
        left, picture_top, right, _ = tile_box(SMALL, number)
        strip = sheet.crop((left, picture_top - label_size(SMALL)[1], right, picture_top))
        assert sum(value > 200 for value in strip.convert("L").get_flattened_data()) > 50


# A sign at the top over the dialogue at the bottom, on screen together (README: cues of
# different rows may share a time), in each format that has them.
SIGN_OVER_DIALOGUE = {
    ".srt": "1\n00:00:01,000 --> 00:00:03,000\n{\\an8}Arriba\n\n"
            "2\n00:00:01,000 --> 00:00:03,000\nAbajo\n",
    ".vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:03.000 line:0\nArriba\n\n"
            "00:00:01.000 --> 00:00:03.000\nAbajo\n",
    ".ass": ASS.split("Dialogue:")[0].replace(
        "\n\n[Events]", "\nStyle: Top,Noto Sans,24,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,"
        "0,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1\n\n[Events]")
            + "Dialogue: 0,0:00:01.00,0:00:03.00,Top,,0,0,0,,Arriba\n"
            + "Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,Abajo\n",
}


@pytest.mark.parametrize("suffix", SIGN_OVER_DIALOGUE)
def test_cues_of_two_rows_at_one_time_each_get_their_tile_showing_both(campaign, suffix):
    # Both tiles are the same frame: ffmpeg-python merged their identical decodes into one node
    # feeding two labels, and refused the graph without a `split` (a ValueError, exit 1).
    campaign.subtitle("nah", SIGN_OVER_DIALOGUE[suffix], suffix=suffix)
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn"}]), "--lang", "nah",
                    "--no-video")
    assert result.exit_code == 0, result.output
    sheet = Image.open(campaign.out / "spot.nah.preview.png")
    assert sheet.size == sheet_size(SMALL, 2)
    original = gray_frame(campaign.root / "media/spot.mp4", 1.0, W, H)   # their first frame

    def drawn(shown: bytes, rows: range) -> int:
        """Pixels of the middle third of `rows` (where centred text is) the tile changed."""
        return sum(abs(shown[y * W + x] - original[y * W + x]) > 60
                   for y in rows for x in range(W // 3, 2 * W // 3))

    top, bottom = range(int(H * 0.04), int(H * 0.2)), range(int(H * 0.75), int(H * 0.96))
    for number in (0, 1):
        shown = tile(sheet, number)
        assert drawn(shown, top) > 20 and drawn(shown, bottom) > 20, number


def test_a_soft_language_previews_burned_and_a_spot_selects_every_language(campaign):
    campaign.subtitle("tzo", SRT)
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"},
                               {"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}])    # no subtitles: skipped
    result = invoke(manifest, "--spot", "spot", "--no-video")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in campaign.out.iterdir()) == [
        "spot.nah.preview.png", "spot.nah.specimen.png", "spot.tzo.preview.png",
        "spot.tzo.specimen.png"]


def test_a_soft_language_s_file_styles_are_warned_in_validate_s_words(campaign):
    # The colours of a soft language's WebVTT: validate said a player draws the track in its
    # own style, preview "subtitles take the campaign's style", as if it were burned.
    vtt = "WEBVTT\n\n00:00.500 --> 00:02.000\n<c.yellow>ta takʼin</c>\n"
    campaign.subtitle("tzo", vtt, suffix=".vtt")
    manifest = campaign.write([{"code": "tzo", "treatment": "soft"}])
    result = invoke(manifest, "--lang", "tzo", "--no-video")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if "colours and fonts" in line]
    validate = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert said and said[0] in validate.output.splitlines(), (said, validate.output)
    assert "a selectable subtitle track is drawn in the viewer's player's style" in said[0]


def test_a_webvtt_or_ttml_file_previews_like_an_srt(campaign):
    from tests.conftest import TTML, VTT
    campaign.subtitle("tzo", VTT, suffix=".vtt")
    campaign.subtitle("nah", TTML, suffix=".ttml")
    manifest = campaign.write([{"code": "tzo", "treatment": "burn"},
                               {"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--spot", "spot", "--no-video")
    assert result.exit_code == 0, result.output
    assert "tzo: 2 cues" in result.output and "nah: 2 cues" in result.output
    for code in ("tzo", "nah"):
        assert Image.open(campaign.out / f"spot.{code}.preview.png").size == sheet_size(SMALL, 2)


def test_many_cues_take_several_seeking_runs_and_fill_rows(campaign):
    cues = [f"{n}\n00:00:0{n // 5},{200 * (n % 5):03d} --> 00:00:0{n // 5},{200 * (n % 5) + 150:03d}\n{n}\n"
            for n in range(1, 19)]
    campaign.subtitle("nah", "\n".join(cues))
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    assert Image.open(campaign.out / "spot.nah.preview.png").size == sheet_size(SMALL, 18)


def test_a_file_with_errors_is_reported_and_nothing_is_written(campaign):
    path = campaign.subtitle("nah", "1\n00:00:01,000 --> 00:00:00,500\nal revés\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--lang", "nah")
    assert result.exit_code == 1
    assert f"{path}:1: error: cue 1 ends before it starts" in result.stderr
    assert not campaign.out.exists()


def test_a_file_with_errors_is_told_every_error_and_warning_check_finds(campaign):
    """Before: the reader's error alone, then 'no preview made'; a translator who fixed it was
    stopped next time by the cue too long for the frame, and never saw the QC's warnings."""
    paragraph = " ".join(["tlacatl"] * 300)
    path = campaign.subtitle("nah", "1\n00:00:01,000 --> 00:00:00,500\nal revés\n\n"
                                    f"2\n00:00:01,000 --> 00:00:03,000\n{paragraph}\n\n"
                                    "3\n00:00:03,100 --> 00:00:03,400\nome\n")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if line.startswith(f"{path}:")]
    assert f"{path}:1: error: cue 1 ends before it starts" in said[0]
    assert any(line.startswith(f"{path}:5: error: cue 2 cannot fit") for line in said), said
    assert any(line.startswith(f"{path}:9: warning: cue 3") for line in said), said
    assert "spot nah: no preview made, because of the errors above" in result.stderr
    assert not campaign.out.exists()


def test_a_file_with_errors_says_no_preview_was_made_and_leaves_no_old_one(campaign):
    # The previous sheet, specimen and video stayed under their names, unmentioned: a
    # translator looked at a picture of the file as it was before the error.
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    assert invoke(manifest, "--lang", "nah").exit_code == 0
    old = sorted(campaign.out.iterdir())
    assert [p.name for p in old] == ["spot.nah.preview.mp4", "spot.nah.preview.png",
                                     "spot.nah.specimen.png"]
    path = campaign.subtitle("nah", SRT + "\n3\n00:00:03,900 --> 00:00:03,700\nal revés\n")
    result = invoke(manifest, "--lang", "nah")
    assert result.exit_code == 1
    assert f"{path}:9: error: cue 3 ends before it starts" in result.stderr
    assert "spot nah: no preview made, because of the error above" in result.stderr
    for each in old:
        assert f"  removed the previous preview: {each}" in result.stderr
    assert list(campaign.out.iterdir()) == []
    assert "contact sheet:" not in result.stdout and "Traceback" not in result.output


def test_a_preview_without_video_removes_the_older_video_and_says_so(campaign):
    # A translator's --no-video preview of a corrected file left the earlier preview video,
    # with the old text, under its name beside the new pictures.
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    assert invoke(manifest, "--lang", "nah").exit_code == 0
    video = campaign.out / "spot.nah.preview.mp4"
    assert video.exists()
    result = invoke(manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    assert not video.exists()
    assert f"  removed the previous preview: {video}" in result.stderr, result.stderr
    assert sorted(p.name for p in campaign.out.iterdir()) == ["spot.nah.preview.png",
                                                             "spot.nah.specimen.png"]


def test_one_language_s_errors_keep_no_other_preview_from_being_made_and_shown(campaign):
    # The errors of the first file ended the command: the languages after it were never
    # previewed, and those before it were made but not shown.
    bad = campaign.subtitle("nah", "1\n00:00:01,000 --> 00:00:00,500\nal revés\n")
    campaign.subtitle("tzo", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "tzo", "treatment": "burn"}])
    result = invoke(manifest, "--spot", "spot", "--no-video")
    assert result.exit_code == 1
    assert f"{bad}:1: error: cue 1 ends before it starts" in result.stderr
    assert f"contact sheet: {campaign.out / 'spot.tzo.preview.png'}" in result.stdout
    assert (campaign.out / "spot.tzo.preview.png").exists()
    assert not (campaign.out / "spot.nah.preview.png").exists()


def test_unknown_language_and_missing_selection(campaign):
    campaign.subtitle("nah", SRT)
    manifest = campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(manifest, "--lang", "zzz")
    assert result.exit_code == 2 and "--lang zzz: no language of that name in" in result.stderr
    assert "languages there: nah" in result.stderr
    # Typed as a file name on Windows shows it: the code it differs from in case alone.
    result = invoke(manifest, "--lang", "NAH")
    assert result.exit_code == 2 and "--lang NAH: no language of that name in" in result.stderr
    assert "(languages there: nah; did you mean --lang nah?)" in result.stderr, \
        result.stderr
    result = invoke(manifest, "--spot", "nope")
    assert result.exit_code == 2 and "--spot nope: no spot of that name in" in result.stderr
    result = invoke(manifest, "--lang", "nah", "--profile", "nope")
    assert result.exit_code == 2 and "--profile nope: no profile of that name" in result.stderr
    assert invoke(manifest).exit_code == 2


def test_tiles_graph_puts_each_frame_back_at_its_time_before_the_subtitles(campaign, tmp_path):
    cue = Cue(7, 2030, 3000, "x", 1)
    master = examine(probe_video(campaign.root / "media/spot.mp4"))
    args = ffmpeg.compile(tiles_graph(master, [cue], resolve_font("Noto Sans"), SMALL,
                                      script(tmp_path), tmp_path, tmp_path, 0,
                                      seekable_picture(master.info, tmp_path), "vtt"), cmd="ffmpeg")
    line = " ".join(args)
    # The cue's first frame (2,030 is past the middle of frame 50: frame 51, from 2.04 s),
    # decoded from a quarter second before (open GOPs) and trimmed at it.
    assert "-ss 1.790000" in line and line.index("-ss 1.790000") < line.index("-i ")
    graph = args[args.index("-filter_complex") + 1]
    assert graph.index("trim=start=0.250000") < graph.index("trim=end_frame=1") < \
        graph.index("setpts=PTS-STARTPTS+2.040000/TB") < graph.index("ass=")
    # Labelled with the time of the frame shown, as the WebVTT file writes a time: what the
    # subtitler's editor shows at that frame (not the cue's start as typed, 2.030).
    assert "text=7  00\\\\:00\\\\:02.040" in graph, graph
    assert cue_middle(Cue(1, 3000, 9000, "x", 1), 4.0) == 3.5   # the part on screen


def test_a_tile_s_time_is_its_frame_s_in_the_file_s_syntax_rounded_into_the_frame():
    # A cue typed at 00:00:01,230 -> 00:00:01,630 at 25 fps is on frames 31-40: the tile is
    # its first frame, at 1.240 s, not 1,230.
    grid = FrameGrid.at(25.0)
    at = float(grid.time_ms(grid.frames(Cue(1, 1230, 1630, "x", 1))[0]) / 1000)
    assert [label_time(at, fmt) for fmt in ("srt", "vtt", "ass")] == \
        ["00:00:01,240", "00:00:01.240", "0:00:01.24"]
    # At 29.97 fps frame 1 starts at 33.37 ms and frame 37 at 1234.57 ms: rounded down, an
    # editor sent to the label would show the frame before.
    ntsc = exact_rate(29.97)
    assert label_time(float(1 / ntsc), "srt") == "00:00:00,034"
    assert label_time(float(37 / ntsc), "vtt") == "00:00:01.235"
    assert label_time(float(37 / ntsc), "ssa") == "0:00:01.24"
    assert label_time(2.48, "srt") == "00:00:02,480"     # a float a hair over is not rounded up


FRAME_TTML = textwrap.dedent("""\
    <?xml version="1.0" encoding="UTF-8"?>
    <tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
        ttp:frameRate="25" xml:lang="es">
      <body><div>
        <p begin="00:00:01:00" end="00:00:03:12">Los seres humanos</p>
      </div></body>
    </tt>
    """)


def test_a_ttml_file_s_tiles_are_labelled_in_its_own_notation(campaign, tmp_path):
    # A TTML file timed in frames had its labels in milliseconds (00:00:02.240), a time its
    # subtitler's editor does not show.
    from pipeline.subtitles.formats import read_subtitles

    path = campaign.subtitle("nah", FRAME_TTML, suffix=".ttml")
    subtitles = read_subtitles(path)
    assert subtitles.notation == TimeNotation("frames", 25.0)
    master = examine(probe_video(campaign.root / "media/spot.mp4"))
    args = ffmpeg.compile(tiles_graph(master, list(subtitles.cues), resolve_font("Noto Sans"),
                                      SMALL, script(tmp_path), tmp_path, tmp_path, 0,
                                      seekable_picture(master.info, tmp_path), subtitles.format,
                                      subtitles.notation), cmd="ffmpeg")
    graph = args[args.index("-filter_complex") + 1]
    # Its first frame, frame 0 of second 1 (written in frames, whatever the milliseconds).
    assert "text=1  00\\\\:00\\\\:01\\\\:00" in graph, graph
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn"}]), "--lang", "nah",
                    "--no-video")
    assert result.exit_code == 0, result.output


def test_a_ttml_time_is_written_in_the_file_s_notation_rounded_into_the_frame():
    frames, ntsc = TimeNotation("frames", 25.0), exact_rate(29.97)
    assert label_time(2.24, "ttml", frames) == "00:00:02:06"
    assert label_time(3599.96, "ttml", frames) == "00:59:59:24"
    # At 29.97 fps frame 37 starts at 1.2346 s: frame 8 of second 1 (1.2669 s) is in it,
    # frame 7 (1.2336 s) in the frame before.
    assert label_time(float(37 / ntsc), "ttml", TimeNotation("frames", float(ntsc))) == \
        "00:00:01:08"
    assert label_time(2.24, "ttml", TimeNotation("s")) == "2.24s"
    assert label_time(2.0, "ttml", TimeNotation("s")) == "2s"
    assert label_time(float(1 / ntsc), "ttml", TimeNotation("ms")) == "34ms"
    assert label_time(2.24, "ttml", TimeNotation("f", 25.0)) == "56f"
    assert label_time(2.24, "ttml", TimeNotation("t", 10_000_000.0)) == "22400000t"
    assert label_time(2.24, "ttml", TimeNotation()) == label_time(2.24, "ttml") == "00:00:02.240"


def test_tiles_of_an_interlaced_master_are_deinterlaced_with_their_neighbours(campaign, tmp_path):
    from dataclasses import replace

    from pipeline.media.scan import ScanDecision

    master = examine(probe_video(campaign.root / "media/spot.mp4"))
    interlaced = replace(master, scan=ScanDecision("tff", "idet"))
    args = ffmpeg.compile(tiles_graph(interlaced, [Cue(1, 2000, 3000, "x", 1)], resolve_font("Noto Sans"),
                                      SMALL, script(tmp_path), tmp_path, tmp_path, 0,
                                      seekable_picture(master.info, tmp_path), "srt"), cmd="ffmpeg")
    graph = args[args.index("-filter_complex") + 1]
    assert graph.index("bwdif=deint=all:mode=send_frame:parity=tff") < graph.index("trim=end_frame=1")
    args = ffmpeg.compile(tiles_graph(master, [Cue(1, 2000, 3000, "x", 1)], resolve_font("Noto Sans"),
                                      SMALL, script(tmp_path), tmp_path, tmp_path, 0,
                                      seekable_picture(master.info, tmp_path), "srt"), cmd="ffmpeg")
    assert "bwdif" not in " ".join(args)


# H.264 with a 12-frame GOP; MPEG-2 interlaced in a program stream; one keyframe; the picture
# 1.6 s after the sound (the last two from a fresh-user trial of a first fix); and a Matroska
# master whose picture starts 1.6 s after its sound.
MPEG_MASTERS = {
    "ts": ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-keyint_min", "12",
           "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p", "-an", "-f", "mpegts"],
    "ps": ["-vf", "interlace=scan=tff", "-c:v", "mpeg2video", "-g", "15", "-bf", "2", "-q:v", "3",
           "-flags", "+ilme+ildct", "-top", "1", "-an", "-f", "vob"],
    "ts-one-keyframe": ["-c:v", "libx264", "-preset", "veryfast", "-g", "1000", "-bf", "2",
                        "-pix_fmt", "yuv420p", "-an", "-f", "mpegts"],
    "ts-late-picture": ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-bf", "2",
                        "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mpegts"],
    # Matroska seeks exactly: the tiles seek in the master, counted from its picture's start.
    "mkv-late-picture": ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-bf", "2",
                         "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "matroska"],
    # An open GOP (mpeg2video's default) in MP4: frames 34-35, 46-47, 70-71 are decoded after
    # the keyframes 36, 48, 72 they are shown before (found by a fresh-user trial).
    "mp4-open-gop": ["-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-q:v", "3", "-an", "-f", "mp4"],
}
# The frames the three cues start on, by master; (30, 41, 66) where not named.
CUE_FRAMES = {"mp4-open-gop": (35, 47, 71)}


def srt_time(ms: int) -> str:
    return f"00:00:{ms // 1000:02d},{ms % 1000:03d}"


def mpeg_campaign(campaign, kind: str) -> Path:
    """`campaign` with a 4 s master of `kind` (MPEG_MASTERS) and a language `nah` whose three
    cues start on the frames CUE_FRAMES names (25 fps); the master's path."""
    import subprocess

    import yaml

    from tests.mediacheck import FFMPEG

    suffix = {"vob": "mpg", "mpegts": "ts", "matroska": "mkv", "mp4": "mp4"}[MPEG_MASTERS[kind][-1]]
    master = campaign.root / f"media/{kind}.{suffix}"
    rate = 50 if kind == "ps" else 25      # woven from 50p into 25 interlaced frames
    inputs = ["-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={rate}:duration=4"]
    if kind.endswith("late-picture"):
        inputs = ["-itsoffset", "1.6", *inputs, "-f", "lavfi", "-i",
                  "sine=frequency=440:sample_rate=48000:duration=6"]
    subprocess.run([FFMPEG, "-v", "error", *inputs, *MPEG_MASTERS[kind], str(master)], check=True)
    frames = CUE_FRAMES.get(kind, (30, 41, 66))
    campaign.subtitle("nah", "".join(f"{n}\n{srt_time(k * 40)} --> {srt_time(k * 40 + 320)}\n.\n\n"
                                     for n, k in enumerate(frames, 1)))
    data = campaign.data([{"code": "nah", "treatment": "burn"}])
    data["spots"][0] |= {"master": f"../media/{master.name}", "audio": "silent"}
    campaign.manifest.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return master


@pytest.mark.parametrize("kind", MPEG_MASTERS)
def test_tiles_of_mpeg_ts_and_ps_masters_show_the_first_frame_of_each_cue(campaign, kind):
    # ffmpeg 5.1's seek in MPEG-TS and MPEG-PS lands late, or past the end, or stamps frames
    # wrong: the tiles seek in a copy of the picture into MP4, counted from its first frame,
    # and a quarter second early for open GOPs. Cues starting between keyframes.
    import subprocess

    from tests.mediacheck import FFMPEG

    master = mpeg_campaign(campaign, kind)
    result = invoke(campaign.manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    sheet = Image.open(campaign.out / "spot.nah.preview.png")
    middle = slice(int(H * 0.3) * W, int(H * 0.6) * W)      # above the subtitle
    # The master's frames in display order from its start (counted, not timed, none repeated
    # to fill a late start), as the tiles show them: deinterlaced where interlaced.
    deinterlace = "bwdif=mode=send_frame:parity=tff," if kind == "ps" else ""
    frames = subprocess.run([FFMPEG, "-v", "error", "-i", str(master), "-map", "0:v:0", "-vf",
                             f"{deinterlace}scale={W}:{H}", "-fps_mode", "passthrough",
                             "-frames:v", "80", "-f", "rawvideo",
                             "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout

    def frame(index: int) -> bytes:
        return frames[index * W * H:(index + 1) * W * H][middle]

    for number, index in enumerate(CUE_FRAMES.get(kind, (30, 41, 66))):
        shown = tile(sheet, number)[middle]
        distances = {other: sum(abs(x - y) for x, y in zip(shown, frame(other)))
                     for other in (index - 3, index - 1, index, index + 1, index + 8)}
        assert min(distances, key=distances.get) == index, (kind, number, distances)


def test_a_tile_with_no_frame_fails_the_sheet_instead_of_leaving_a_hole(campaign, monkeypatch):
    # ffmpeg writes no image, without a word, where a seek finds no frame (as in a TS with one
    # keyframe, seeked in directly): here a picture said to start 100 s into the file.
    from pipeline.render import contact_sheet

    campaign.subtitle("nah", SRT)
    campaign.write([{"code": "nah", "treatment": "burn"}])
    monkeypatch.setattr(contact_sheet, "seekable_picture",
                        lambda info, work: SeekablePicture(info.path, 100.0))
    result = invoke(campaign.manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 1
    assert ("error: no picture found for the contact sheet at the first frame of cue 1 "
            "(0.520 s), 2 (2.520 s)") in result.output, result.output
    assert "Traceback" not in result.output
    assert not (campaign.out / "spot.nah.preview.png").exists()


def test_a_one_frame_cue_on_the_last_frame_has_its_tile(campaign):
    # Its first frame is the last one (3.96 s): the seek finds it, and the tile shows it.
    campaign.subtitle("nah", SRT + "\n3\n00:00:03,960 --> 00:00:04,000\nfin\n")
    campaign.write([{"code": "nah", "treatment": "burn"}])
    result = invoke(campaign.manifest, "--lang", "nah", "--no-video")
    assert result.exit_code == 0, result.output
    shown = tile(Image.open(campaign.out / "spot.nah.preview.png"), 2)
    middle = range(int(H * 0.3), int(H * 0.6))
    assert changed_fraction(shown, gray_frame(campaign.root / "media/spot.mp4", 3.96, W, H), W,
                            middle) < 0.01


def test_tiles_show_the_master_s_colours(campaign):
    # An untagged HD-style master of colour bars (BT.709 samples, as media/colour.py takes an
    # untagged picture that is not an SD raster): a tile (PNG, R'G'B') shows the bars as the
    # master's samples read as BT.709 say.
    from tests.conftest import ffmpeg as run
    from tests.mediacheck import rgb_as_decoded

    master = campaign.root / "media/spot.mp4"
    run("-f", "lavfi", "-i", f"smptebars=size={W}x{H}:rate=25:duration=4", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000:duration=4",
        "-vf", "scale=in_color_matrix=bt601:out_color_matrix=bt709", "-c:v", "libx264",
        "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", str(master.with_name("bars.mp4")))
    master.with_name("bars.mp4").replace(master)
    campaign.subtitle("nah", SRT)
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn"}]), "--lang", "nah",
                    "--no-video")
    assert result.exit_code == 0, result.output
    sheet = Image.open(campaign.out / "spot.nah.preview.png").convert("RGB")
    row = int(H * 0.4)                                # above the subtitles
    points = [(int(W * (i + 0.5) / 7), row) for i in range(1, 7)]
    expected = rgb_as_decoded(master, 0.52, points, "bt709")
    left, top, _, _ = tile_box(SMALL, 0)
    shown = [sheet.getpixel((left + x, top + y)) for x, y in points]
    worst = max(abs(a - b) for want, got in zip(expected, shown) for a, b in zip(want, got))
    assert worst < 12, (expected, shown)


# --- cues on no frame, and the render's frames ---------------------------------------------

def gray_frames(path: Path) -> list[bytes]:
    """Every frame of a video, scaled to W x H, as 8-bit gray pixels."""
    import subprocess

    from tests.mediacheck import FFMPEG

    raw = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-vf", f"scale={W}:{H}",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True,
                         check=True).stdout
    return [raw[i:i + W * H] for i in range(0, len(raw), W * H)]


def test_a_cue_on_no_frame_has_a_tile_saying_so_and_is_not_burned(campaign, monkeypatch,
                                                                    caplog):
    # Cue 2 is half of frame 25 (1000-1040 ms) at 25 fps: the render leaves it out. Before, the
    # preview burned it on frame 25 and its tile showed that frame, a subtitle no variant has.
    campaign.subtitle("nah", "1\n00:00:00,100 --> 00:00:00,980\nLos seres humanos\n\n"
                             "2\n00:00:01,010 --> 00:00:01,030\nNunca\n\n"
                             "3\n00:00:02,000 --> 00:00:03,000\nno están a la venta\n")
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn"}]), "--lang", "nah")
    assert result.exit_code == 0, result.output
    assert "subtitles/spot/nah.srt:5: warning: cue 2 (00:00:01,010 --> 00:00:01,030) falls " \
        "between two frames at 25 fps: it is never shown" in result.stderr, result.stderr
    sheet = Image.open(campaign.out / "spot.nah.preview.png")
    assert sheet.size == sheet_size(SMALL, 3)
    master = campaign.root / "media/spot.mp4"
    bottom, middle = range(int(H * 0.7), int(H * 0.95)), range(int(H * 0.4), int(H * 0.6))
    # Tiles 1 and 3: the cue's first frame, subtitled.
    for number, first_frame in ((0, 0.12), (2, 2.0)):
        assert changed_fraction(tile(sheet, number), gray_frame(master, first_frame, W, H), W,
                                bottom) > 0.01, number
    # Tile 2: no picture (black), white text across its middle only; its label above it.
    blank = tile(sheet, 1)
    assert sum(value < 20 for value in blank) > 0.9 * W * H
    lit = [sum(blank[y * W + x] > 200 for x in range(W)) for y in range(H)]
    assert sum(lit[y] for y in middle) > 50 and sum(lit) == sum(lit[y] for y in middle)
    left, top, right, _ = tile_box(SMALL, 1)
    strip = sheet.crop((left, top - label_size(SMALL)[1], right, top)).convert("L")
    assert sum(value > 200 for value in strip.get_flattened_data()) > 50
    # The proxy: frame 25 (1.00-1.04 s) is the master's, nothing burned; frame 2 (cue 1) is not.
    proxy, original = gray_frames(campaign.out / "spot.nah.preview.mp4"), gray_frames(master)
    assert changed_fraction(proxy[25], original[25], W, bottom) < 0.003
    assert changed_fraction(proxy[3], original[3], W, bottom) > 0.01
    # The tile's words in the terminal's language, as the rest of a preview (a Spanish
    # translator's tile said "not shown (no frame)").
    monkeypatch.setenv("LANGUAGE", "es")
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    terminal_language.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="pipeline.media.ffmpeg"):
            again = invoke(campaign.manifest, "--lang", "nah", "--no-video")
    finally:
        terminal_language.cache_clear()
    assert again.exit_code == 0, again.output
    tiles = [r.getMessage() for r in caplog.records if "drawtext" in r.getMessage()]
    assert tiles and "no se muestra (en ningún cuadro)" in tiles[0] and \
        "not shown" not in tiles[0], tiles


def test_an_aegisub_file_at_29_97_is_previewed_on_the_frames_it_is_rendered_on(campaign):
    # Aegisub, snapping to frames, writes the middle between two frames: cue 1 shows frames
    # 20-49 in its preview and in the render. The preview burned the nearest frames, 19-48.
    from tests.conftest import ffmpeg as run
    from tests.test_frames import RATES, aegisub_time

    master = campaign.root / "media/spot.mp4"
    run("-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate=30000/1001:duration=2.5",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2.5",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        str(master.with_name("ntsc.mp4")))
    master.with_name("ntsc.mp4").replace(master)
    rate = RATES["29.97"]
    campaign.subtitle("nah", ASS.split("Dialogue:")[0] + f"Dialogue: 0,{aegisub_time(20, rate)},"
                      f"{aegisub_time(50, rate)},Default,,0,0,0,,Los seres humanos\n",
                      suffix=".ass")
    result = invoke(campaign.write([{"code": "nah", "treatment": "burn"}]), "--lang", "nah")
    assert result.exit_code == 0, result.output
    proxy, original = gray_frames(campaign.out / "spot.nah.preview.mp4"), gray_frames(master)
    bottom = range(int(H * 0.7), int(H * 0.95))
    shown = [n for n, (a, b) in enumerate(zip(proxy, original))
             if changed_fraction(a, b, W, bottom) > 0.003]
    assert shown == list(range(20, 50))
    # The tile is frame 20 (0.667 s), labelled as the ASS file writes it, rounded into it.
    sheet = Image.open(campaign.out / "spot.nah.preview.png")
    middle = slice(int(H * 0.3) * W, int(H * 0.6) * W)       # above the subtitle
    distances = {n: sum(abs(x - y) for x, y in zip(tile(sheet, 0)[middle], original[n][middle]))
                 for n in (19, 20, 21)}
    assert min(distances, key=distances.get) == 20, distances


def test_a_language_without_a_file_is_told_what_its_folder_holds_instead(campaign):
    # A trial: 'no subtitle file to preview (looked for .../nah.*)', no manifest line, with
    # nah.srt.txt right there; the hint named subtitles/<spot id>/, not the manifest's folder.
    campaign.subtitle("nah", suffix=".srt.txt")
    manifest = campaign.write([{"code": "nah", "treatment": "burn"},
                               {"code": "yua", "treatment": "dub"}])
    result = invoke(manifest, "--lang", "nah")
    assert result.exit_code == 1
    assert f"{manifest}:10: error: subtitles missing for language 'nah' (burn): expected " \
        f"{campaign.root / 'subtitles/spot/nah.srt'} (or .vtt, .ass, .ssa, .ttml, .xml, " \
        ".dfxp); the folder has nah.srt.txt (SubRip under another name: rename it to nah.srt) " \
        "(hint: rename the file as said)" in result.stderr, result.stderr
    # A dub with no recording: its recording's error, as validate says it (before, "no
    # language chosen has subtitles: preview shows subtitles", as if a dub had nothing to show).
    result = invoke(manifest, "--lang", "yua")
    assert result.exit_code == 1
    assert f"{manifest}:12: error: audio track missing for language 'yua' (dub): expected " \
        f"{campaign.root / 'audio/spot/yua'}.wav" in result.stderr, result.stderr
