"""WebVTT's `line:` burned where a browser shows it (W3C WebVTT, "apply WebVTT cue settings").
A percentage (snap-to-lines false): line alignment `start` (the default) puts the cue box's top
at the percentage, `center` its centre, `end` its bottom; a box that would leave the picture is
moved back inside (here: inside title-safe). A line number counts lines of text from the top
(0 and up) or the bottom (-1 and down). Measured on the pixels of a real burn: a translucent
black box (BorderStyle 4) on white, the box being the cue box a browser draws; and in headless
Chromium for what it follows of the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.manifest import Box, Style
from pipeline.subtitles.burn import ass_fontsdir, write_ass
from pipeline.subtitles.fonts import line_height_em, resolve_font
from pipeline.subtitles.linebreak import edge_px
from pipeline.subtitles.srt import write_srt
from pipeline.subtitles.vtt import cue_settings, parse_vtt, write_vtt
from tests.mediacheck import burned_frames
from tests.test_page_browser import browser  # noqa: F401

WIDTH, HEIGHT = 640, 360
STYLE = Style(size=0.1, outline=6, box=Box("#000000", 0.6))
# One cue a second, each alone on screen: (its cue settings, its text).
CUES = [("line:50%", "Hxgy"), ("line:50%,end", "Hxgy"), ("line:30%,center", "Hxgy\nHxgy"),
        ("line:90%", "Hxgy\nHxgy"), ("line:10%,end", "Hxgy"), ("line:50%,center", "Hxgy"),
        ("line:0", "Hxgy\nHxgy"), ("line:-1", "Hxgy\nHxgy"), ("line:2", "Hxgy"),
        ("line:-2", "Hxgy"), ("line:-2", "Hxgy\nHxgy")]


def vtt_text() -> str:
    blocks = [f"00:00:{n:02d}.000 --> 00:00:{n + 1:02d}.000 {settings}\n{text}\n"
              for n, (settings, text) in enumerate(CUES)]
    return "WEBVTT\n\n" + "\n".join(blocks)


def box_rows(frame: bytes) -> tuple[int, int]:
    """(top, bottom) rows of the box: white under 60 % black is 102; the picture is 255."""
    rows = [y for y in range(HEIGHT) if min(frame[y * WIDTH:(y + 1) * WIDTH]) < 200]
    return rows[0], rows[-1]


@pytest.fixture(scope="module")
def burned(tmp_path_factory) -> list[tuple[int, int]]:
    folder = tmp_path_factory.mktemp("vttline")
    parsed = parse_vtt(vtt_text(), folder / "es.vtt")
    assert not parsed.diagnostics
    font = resolve_font("Noto Sans")
    write_ass(parsed.cues, folder / "sub.ass", style=STYLE, width=WIDTH, height=HEIGHT, font=font)
    frames = burned_frames(folder / "sub.ass", ass_fontsdir(font, folder), WIDTH, HEIGHT,
                           len(CUES), background="white")
    return [box_rows(frame) for frame in frames]


@pytest.fixture(scope="module")
def text_px() -> tuple[float, float]:
    """(a line's height, the edge drawn past the text) in pixels at `STYLE` on the frame."""
    font = resolve_font("Noto Sans")
    return STYLE.size * HEIGHT * line_height_em(font), edge_px(STYLE, font, WIDTH, HEIGHT)


def test_line_50_percent_puts_the_box_top_at_half_the_height(burned, text_px):
    line, edge = text_px
    top, bottom = burned[0]
    assert top == pytest.approx(HEIGHT / 2, abs=2)          # was centred: top at 180 - 33
    assert bottom - top + 1 == pytest.approx(line + 2 * edge, abs=3)


def test_line_end_puts_the_box_bottom_there(burned):
    top, bottom = burned[1]
    assert bottom + 1 == pytest.approx(HEIGHT / 2, abs=2)


def test_line_center_puts_the_box_centre_there(burned, text_px):
    line, edge = text_px
    top, bottom = burned[2]           # two lines, centred on 30 % (108 px)
    assert (top + bottom + 1) / 2 == pytest.approx(0.3 * HEIGHT, abs=2)
    assert bottom - top + 1 == pytest.approx(2 * line + 2 * edge, abs=3)
    top, bottom = burned[5]           # line:50%,center: the middle, as before
    assert (top + bottom + 1) / 2 == pytest.approx(HEIGHT / 2, abs=2)


def test_a_box_past_an_edge_is_moved_back_inside_title_safe(burned):
    # line:90%: two lines from 324 px would end at 405 of 360; a browser moves the box up
    # into the video, the burn into title-safe (342 px).
    top, bottom = burned[3]
    assert bottom + 1 == pytest.approx(0.95 * HEIGHT, abs=2)
    top, bottom = burned[4]           # line:10%,end: its bottom at 36 px, its top above 18
    assert top == pytest.approx(0.05 * HEIGHT, abs=2)


def test_line_numbers_stack_from_the_title_safe_edges(burned):
    # line:0: the first line at the top, the others below; line:-1: the last line at the
    # bottom, the others above (the spec's line boxes, at title-safe rather than the edge).
    assert burned[6][0] == pytest.approx(0.05 * HEIGHT, abs=2)
    assert burned[7][1] + 1 == pytest.approx(0.95 * HEIGHT, abs=2)


def test_line_numbers_count_lines_of_text_from_those_edges(burned, text_px):
    # W3C WebVTT, snap-to-lines: line:2 is the third line box from the top; line:-2 the
    # second from the bottom, and a cue of two lines there is moved up whole lines only as far
    # as its last line needs: to the bottom (Chromium draws them so too). Before, every
    # positive number was line:0 and every negative one line:-1.
    line, _ = text_px
    assert burned[8][0] == pytest.approx(0.05 * HEIGHT + 2 * line, abs=2)
    assert burned[9][1] + 1 == pytest.approx(0.95 * HEIGHT - line, abs=2)
    assert burned[10][1] + 1 == pytest.approx(0.95 * HEIGHT, abs=2)


def test_the_sidecar_says_what_the_burn_draws(tmp_path):
    """The soft WebVTT the pipeline writes places each cue as the burn does: read back, its
    settings are the ones read."""
    parsed = parse_vtt(vtt_text(), Path("es.vtt"))
    written = [cue_settings(cue) for cue in parsed.cues]
    assert written[:6] == ["line:50%,start", "line:50%,end", "line:30%,center", "line:90%,start",
                           "line:10%,end", "line:50%,center"]
    assert written[8:] == ["line:2", "line:-2", "line:-2"]
    write_vtt(parsed.cues, tmp_path / "es.vtt")
    again = parse_vtt((tmp_path / "es.vtt").read_text("utf-8"), tmp_path / "es.vtt")
    assert [cue.margins for cue in again.cues] == [cue.margins for cue in parsed.cues]


def test_the_srt_sidecar_puts_each_cue_in_the_third_the_burn_draws_it(tmp_path, burned):
    # SubRip carries a keypad row alone: a trial's line:50% cue, a top box from mid-height,
    # came out {\an8}, at the top, where the burn, the WebVTT and the TTML had it mid-screen.
    import re

    parsed = parse_vtt(vtt_text(), Path("es.vtt"))
    write_srt(parsed.cues, tmp_path / "es.srt")
    blocks = (tmp_path / "es.srt").read_text("utf-8").strip().split("\n\n")
    rows = {"7": "top", "8": "top", "9": "top", "4": "middle", "5": "middle", "6": "middle"}
    # The percentage lines, placed exactly (a line number counts lines of this 0.1-em text,
    # which its row, top or bottom, says as SubRip can).
    for n, (block, (top, bottom)) in enumerate(zip(blocks[:6], burned)):
        tag = re.search(r"\{\\an(\d)\}", block)
        said = rows.get(tag.group(1), "bottom") if tag else "bottom"
        centre = (top + bottom) / 2 / HEIGHT
        drawn = "top" if centre < 1 / 3 else "middle" if centre < 2 / 3 else "bottom"
        assert said == drawn, (n, CUES[n], block, centre)


def _served(folder: Path):
    """`folder` over HTTP on 127.0.0.1 with byte ranges (browsers seek media with them)."""
    import functools
    import http.server
    import threading

    from tests.test_page_browser import _RangeHandler

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_RangeHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.e2e
def test_chromium_shows_a_start_line_where_the_burn_draws_it(browser, burned, tmp_path):
    """The same cues in a <track> over a white 640x360 video in headless Chromium, their
    background black: the top of the first line's background is where the burn's box starts.
    Chromium (156) has no VTTCue.lineAlign and draws `line:50%,end` and `line:30%,center`
    with their tops there too (start), against the spec: only start-aligned lines, the
    default and the trial's files', are compared."""
    import subprocess

    from tests.conftest import ffmpeg
    from tests.mediacheck import FFMPEG

    # VP8 (Chromium builds may lack H.264), at libvpx's fastest: its default took 37 s.
    ffmpeg("-f", "lavfi", "-i", f"color=c=white:s={WIDTH}x{HEIGHT}:d={len(CUES)}:r=5",
           "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "100k",
           str(tmp_path / "clip.webm"))
    (tmp_path / "es.vtt").write_text(vtt_text(), encoding="utf-8")
    (tmp_path / "index.html").write_text(
        "<!doctype html><style>body{margin:0}video{display:block;width:640px;height:360px}"
        "video::cue{background:#000;color:#000}</style><video src=clip.webm muted preload=auto>"
        "<track default kind=subtitles srclang=es src=es.vtt></video>", encoding="utf-8")
    server = _served(tmp_path)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        page.wait_for_function("() => { const v = document.querySelector('video'); return "
                               "v.readyState >= 2 && v.textTracks[0].cues.length > 0 }")
        tops = {}
        for number in (0, 3):       # line:50% and line:90% (two lines, moved back inside)
            page.evaluate("t => new Promise(done => { const v = document.querySelector('video');"
                          " v.addEventListener('seeked', done, {once: true}); v.currentTime = t })",
                          number + 0.5)
            page.wait_for_timeout(200)
            shot = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-i", "pipe:",
                                   "-f", "rawvideo", "-pix_fmt", "gray", "pipe:"],
                                  input=page.screenshot(), capture_output=True, check=True).stdout
            rows = [y for y in range(HEIGHT) if min(shot[y * WIDTH:(y + 1) * WIDTH]) < 60]
            tops[number] = rows[0], rows[-1]
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    assert tops[0][0] == pytest.approx(burned[0][0], abs=2)        # both at 180 px
    # line:90%: Chromium moves the box up into the video, the burn into title-safe: both
    # keep the two lines whole, the burn 5 % higher.
    assert tops[3][1] < HEIGHT and burned[3][1] + 1 <= 0.95 * HEIGHT
